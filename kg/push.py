"""Push the store's named graphs to any SPARQL 1.1 store with the Graph Store Protocol, skipping unchanged ones."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import requests

from kg.errors import StoreError
from kg.export import atomic_write
from kg.store import QuadStore, to_ox

TIMEOUT = (5, 120)  # connect, per-read seconds: a large graph may take a while to be stored
OK = (200, 201, 204)


@dataclass(frozen=True)
class PushReport:
    """What a push did: graphs sent, graphs skipped as unchanged, graphs deleted remotely, the manifest."""

    endpoint: str
    pushed: tuple[str, ...]
    skipped: tuple[str, ...]
    deleted: tuple[str, ...]
    manifest: Path | None


def graph_bodies(store: QuadStore, graphs: Iterable[str] | None = None) -> dict[str, bytes]:
    """Each named graph as sorted N-Triples (byte-stable, so its hash changes only when its content does)."""
    wanted = set(graphs) if graphs is not None else None
    triples: dict[str, list] = {}
    for s, p, o, g in store.quads():
        if g is None or (wanted is not None and str(g) not in wanted):
            continue
        triples.setdefault(str(g), []).append(ox.Triple(to_ox(s), to_ox(p), to_ox(o)))
    bodies = {}
    for name in sorted(triples):
        text = ox.serialize(triples[name], format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
        lines = sorted({line for line in text.splitlines() if line.strip()})
        bodies[name] = ("\n".join(lines) + "\n").encode("utf-8")
    return bodies


def manifest_path(store: QuadStore, endpoint: str, manifest_dir: str | Path | None = None) -> Path | None:
    """Where the content hashes last pushed to `endpoint` are kept (beside the store; None for a memory store)."""
    folder = Path(manifest_dir) if manifest_dir is not None else (store.path.parent / "push" if store.path else None)
    if folder is None:
        return None
    return folder / f"{hashlib.sha256(endpoint.encode('utf-8')).hexdigest()[:16]}.json"


def _load_manifest(path: Path | None, endpoint: str) -> dict[str, str]:
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # unreadable: push everything again, which is always correct
    return data.get("graphs", {}) if data.get("endpoint") == endpoint else {}


def _save_manifest(path: Path | None, endpoint: str, hashes: dict[str, str]) -> None:
    if path is not None:
        data = {"endpoint": endpoint, "graphs": dict(sorted(hashes.items()))}
        atomic_write(path, (json.dumps(data, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _send(session: requests.Session, method: str, url: str, graph: str, body: bytes | None = None) -> None:
    headers = {"Content-Type": "application/n-triples"} if body is not None else {}
    try:
        response = session.request(method, url, params={"graph": graph}, data=body, headers=headers,
                                   timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise StoreError(f"{method} {url} for graph {graph} failed: {type(exc).__name__}") from exc
    if response.status_code not in OK and not (method == "DELETE" and response.status_code == 404):
        raise StoreError(f"{method} {url} for graph {graph} answered HTTP {response.status_code}")


def push(store: QuadStore, endpoint_base: str, *, graphs: Iterable[str] | None = None,
         manifest_dir: str | Path | None = None, force: bool = False,
         session: requests.Session | None = None) -> PushReport:
    """PUT every named graph (or those in `graphs`) to `{endpoint_base}/store?graph=IRI` as N-Triples.

    A manifest of content hashes per endpoint skips graphs unchanged since the last push (`force`
    ignores it); on a full push, graphs pushed before but gone from the store are deleted remotely.
    The manifest is saved as it goes and after a failure, so an interrupted push resumes where it stopped.
    """
    endpoint = endpoint_base.rstrip("/")
    url = endpoint + "/store"
    path = manifest_path(store, endpoint, manifest_dir)
    previous = {} if force else _load_manifest(path, endpoint)
    current = dict(_load_manifest(path, endpoint))
    bodies = graph_bodies(store, graphs)
    pushed, skipped, deleted = [], [], []
    own = session is None
    session = session or requests.Session()
    try:
        for name, body in bodies.items():
            digest = hashlib.sha256(body).hexdigest()
            if previous.get(name) == digest:
                skipped.append(name)
                continue
            _send(session, "PUT", url, name, body)
            current[name] = digest
            pushed.append(name)
            if len(pushed) % 200 == 0:
                _save_manifest(path, endpoint, current)
        if graphs is None:
            for name in sorted(set(current) - set(bodies)):
                _send(session, "DELETE", url, name)
                current.pop(name)
                deleted.append(name)
    finally:
        _save_manifest(path, endpoint, current)  # also after a failure: what was stored stays recorded
        if own:
            session.close()
    return PushReport(endpoint, tuple(pushed), tuple(skipped), tuple(deleted), path)
