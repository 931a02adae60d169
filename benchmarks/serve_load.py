"""Bounded load run of `igkg serve` on loopback: 50 clients for N seconds; prints req/s, p50/p99, errors."""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import sys
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "queries" / "archive.trig"
PAGES = ["/page/org/cstd.html", "/page/person/3c4d.html", "/page/doc/tunis-agenda.html", "/page/concept/multistakeholderism.html",
         "/page/event/igf-2025.html", "/page/place/geneva.html", "/page/post/m02.html", "/thread/post/m02",
         "/page/org/igf.ttl", "/page/org/icann.jsonld", "/id/org/gac", "/search?q=tunis"]
SPARQL = ("SELECT ?org (COUNT(DISTINCT ?post) AS ?n) WHERE { ?post <https://schema.org/mentions> ?org . "
          "?org a <http://www.w3.org/ns/org#Organization> } GROUP BY ?org ORDER BY DESC(?n)")
SPARQL_EVERY = 20  # one request in 20 is the SPARQL query: a typical mix of browsing and querying


def _load(store_path: str | None):
    import pyoxigraph as ox
    from rdflib import Graph

    from kg.store import QuadStore, from_ox

    if store_path:
        return QuadStore(store_path)
    graphs: dict[str, Graph] = {}
    for quad in ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, Graph()).add(
            (from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    store = QuadStore()
    for name, graph in graphs.items():
        store.replace_graph(name, graph)
    return store


def _serve(sock: socket.socket, store_path: str | None, cache: bool) -> None:
    import uvicorn

    from kg import serve
    from kg.config import Settings

    if not cache:
        serve.CACHE_SIZE = 0
    app = serve.create_app(_load(store_path), Settings())
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False)).run(sockets=[sock])


async def _client(client: httpx.AsyncClient, deadline: float, n: int, out: list, statuses: Counter) -> None:
    i = n
    while time.monotonic() < deadline:
        i += 1
        started = time.perf_counter()
        try:
            if i % SPARQL_EVERY == 0:
                r = await client.get("/sparql", params={"query": SPARQL},
                                     headers={"Accept": "application/sparql-results+json"})
            else:
                r = await client.get(PAGES[i % len(PAGES)])
            statuses[r.status_code] += 1
        except httpx.HTTPError as exc:
            statuses[type(exc).__name__] += 1
            continue
        out.append((i % SPARQL_EVERY == 0, time.perf_counter() - started))


async def _run(url: str, clients: int, seconds: float):
    latencies: list = []
    statuses: Counter = Counter()
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(_client(client, deadline, n, latencies, statuses) for n in range(clients)))
        elapsed = time.monotonic() - started
    return latencies, statuses, elapsed


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))] * 1000 if values else float("nan")


def main(argv=None) -> int:
    """Run the load and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--store", help="an on-disk store (default: the hand-written query fixture)")
    parser.add_argument("--no-sparql", action="store_true", help="pages only")
    parser.add_argument("--no-cache", action="store_true", help="render every page afresh (no response cache)")
    args = parser.parse_args(argv)
    args.seconds = min(args.seconds, 60.0)  # bounded: never a soak by accident
    if args.no_sparql:
        global SPARQL_EVERY
        SPARQL_EVERY = 10**9
    # proto IPPROTO_TCP, not 0: asyncio sets TCP_NODELAY only then, and without it Nagle plus delayed
    # ACKs add ~40 ms to every response whose headers and body go out in separate writes
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))  # loopback only
    sock.listen(256)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = multiprocessing.get_context("fork").Process(target=_serve, args=(sock, args.store, not args.no_cache),
                                                         daemon=False)  # it forks query workers
    server.start()
    try:
        for _ in range(200):
            try:
                httpx.get(url + "/", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        latencies, statuses, elapsed = asyncio.run(_run(url, args.clients, args.seconds))
    finally:
        server.terminate()
        server.join(10)
        sock.close()
    pages = [t for is_q, t in latencies if not is_q]
    queries = [t for is_q, t in latencies if is_q]
    total = sum(statuses.values())
    errors = sum(n for code, n in statuses.items() if not (isinstance(code, int) and code < 400))
    print(f"clients={args.clients} seconds={elapsed:.1f} cache={'off' if args.no_cache else 'on'} requests={total}")
    print(f"throughput: {total / elapsed:.0f} requests/s")
    print(f"all:    p50 {_pct([t for _, t in latencies], 50):.1f} ms  p99 {_pct([t for _, t in latencies], 99):.1f} ms")
    print(f"pages:  p50 {_pct(pages, 50):.1f} ms  p99 {_pct(pages, 99):.1f} ms  (n={len(pages)})")
    print(f"sparql: p50 {_pct(queries, 50):.1f} ms  p99 {_pct(queries, 99):.1f} ms  (n={len(queries)})")
    print(f"statuses: {dict(sorted((str(k), v) for k, v in statuses.items()))}  errors (>=400 or failed): {errors}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
