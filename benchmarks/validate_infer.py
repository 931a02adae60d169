"""Benchmark: compiled SHACL validation + inference against naive whole-graph pyshacl and owlrl, on synthetic archives.

    python benchmarks/validate_infer.py build  --messages 10000 --months 40 --out /tmp/bench10k
    python benchmarks/validate_infer.py run    --data /tmp/bench10k --months 4 --naive

`build` runs the real pipeline month by month (kg.synth pipermail pages) and writes each month's
message graphs as N-Quads (plus the KB graph once). `run` loads the first `--months` months into a
pyoxigraph store, times infer_store and a cold kg.validation.validate (every graph read back and
checked), then adds the next month and times the incremental re-inference and re-validation (checked equal to a cold run on the
grown store); `--naive` also times pyshacl over the whole union
graph and owlrl's full OWL RL closure, each in a subprocess capped at `--cap` seconds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(messages: int, months: int, out: Path) -> None:
    """Build a synthetic archive month by month into N-Quads files (month-00.nq, ..., kb.nq)."""
    from kg import synth
    from kg.config import Settings
    from kg.pipeline import build as run_build
    from kg.store import to_ox

    site = out / "site"
    for path, data in synth.pipermail_site(synth.generate(messages, months, seed=1)).items():
        if path.endswith(".html") and not path.endswith(("date.html", "thread.html")):
            target = site / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    folders = sorted((d for d in (site / "pipermail/wg-synth").iterdir() if d.is_dir()),
                     key=lambda d: time.strptime(d.name, "%Y-%B"))
    for i, folder in enumerate(folders):
        result = run_build([str(folder)], Settings(quiet=True))
        quads = []
        for name, graph in result.graphs.items():
            if name.endswith(("/graph/inferred", "/graph/meta")):
                continue  # inference is what is measured; the meta graph describes one month only
            if name.endswith("/graph/kb"):
                if i == 0:
                    kb = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(name)) for s, p, o in graph]
                    (out / "kb.nq").write_bytes(ox.serialize(kb, format=ox.RdfFormat.N_QUADS))
                continue
            quads.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(name)) for s, p, o in graph)
        (out / f"month-{i:02d}.nq").write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
        print(f"month {i}: {len(result.messages)} messages, {len(quads)} quads", flush=True)


def _load(store, paths: list[Path]) -> None:
    for path in paths:
        store._store.bulk_load(path.read_bytes(), format=ox.RdfFormat.N_QUADS)


def run(data: Path, months: int, naive: bool, cap: int) -> dict:
    """Time the scalable path (and, with `naive`, the whole-graph runs) on the first `months` months."""
    from kg.infer import infer_store
    from kg.store import QuadStore
    from kg.validation import validate
    from kg.validation_cache import ValidationCache

    month_files = sorted(data.glob("month-*.nq"))
    if len(month_files) <= months:
        raise SystemExit(f"need more than {months} months in {data}")
    store = QuadStore(None)
    _load(store, [data / "kb.nq", *month_files[:months]])
    inferred = "https://kg.example.org/id/graph/inferred"
    row: dict = {"months": months, "quads": len(store)}
    row["messages"] = sum(1 for g in store.graph_names() if "/graph/post/" in g)
    start = time.perf_counter()
    row["infer_triples"] = infer_store(store, inferred)
    row["infer_s"] = time.perf_counter() - start
    cache = ValidationCache()
    start = time.perf_counter()
    report = validate(store, cache)
    row["validate_s"] = time.perf_counter() - start
    row["validate_phases"] = report.seconds
    row["results"] = len(report.results)
    row["violations"] = len(report.violations)
    # one more month arrives: infer what its graphs add, and re-validate what changed
    before = set(store.graph_names())
    _load(store, [month_files[months]])
    new_graphs = sorted(set(store.graph_names()) - before)  # what the pipeline reports it wrote
    row["added_month_messages"] = sum(1 for g in store.graph_names() if "/graph/post/" in g) - row["messages"]
    start = time.perf_counter()
    infer_store(store, inferred, added=new_graphs)
    row["reinfer_s"] = time.perf_counter() - start
    start = time.perf_counter()
    again = validate(store, cache)
    row["revalidate_s"] = time.perf_counter() - start
    row["revalidate_phases"] = again.seconds
    row["revalidate_graphs"] = again.graphs_validated
    row["revalidate_ratio"] = row["revalidate_s"] / row["validate_s"]
    row["reinfer_revalidate_ratio"] = (row["reinfer_s"] + row["revalidate_s"]) / (row["infer_s"] + row["validate_s"])
    row["peak_mb"] = _peak_mb()
    start = time.perf_counter()
    cold = validate(store)
    row["cold_after_s"] = time.perf_counter() - start
    row["incremental_equals_cold"] = cold.results == again.results
    if naive:
        for kind in ("pyshacl", "owlrl"):
            row[f"naive_{kind}"] = _naive(data, months, kind, cap)
    return row


def _naive(data: Path, months: int, kind: str, cap: int) -> dict:
    """One naive whole-graph run in a subprocess (its own peak memory), or "timeout" after `cap` s."""
    cmd = [sys.executable, __file__, "naive", "--data", str(data), "--months", str(months), "--kind", kind]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return {"seconds": f"> {cap}", "status": "timeout"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def naive(data: Path, months: int, kind: str) -> dict:
    """The whole union graph in rdflib, then pyshacl over it or owlrl's full OWL RL closure of it."""
    import owlrl

    from kg.infer import infer, load_ontology
    from kg.store import QuadStore
    from kg.validate import validate_graph

    store = QuadStore(None)
    _load(store, [data / "kb.nq", *sorted(data.glob("month-*.nq"))[:months]])
    union = store.union_graph()
    if kind == "pyshacl":
        for triple in infer(union):  # pyshacl checks the materialised graph, as validate_store does
            union.add(triple)
        start = time.perf_counter()
        report = validate_graph(union)
        return {"seconds": time.perf_counter() - start, "results": len(report.results), "peak_mb": _peak_mb()}
    for triple in load_ontology():
        union.add(triple)
    start = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(union)
    return {"seconds": time.perf_counter() - start, "triples_after": len(union), "peak_mb": _peak_mb()}


def main() -> None:
    """Command line: build | run | naive."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["build", "run", "naive"])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--months", type=int, default=4)
    parser.add_argument("--out", "--data", dest="data", type=Path, required=True)
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--cap", type=int, default=600)
    parser.add_argument("--kind", choices=["pyshacl", "owlrl"], default="pyshacl")
    args = parser.parse_args()
    if args.command == "build":
        args.data.mkdir(parents=True, exist_ok=True)
        build(args.messages, args.months, args.data)
    elif args.command == "run":
        print(json.dumps(run(args.data, args.months, args.naive, args.cap), default=str))
    else:
        print(json.dumps(naive(args.data, args.months, args.kind)))


if __name__ == "__main__":
    main()
