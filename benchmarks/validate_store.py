"""Benchmark: validation and inference of a real build's on-disk store, whole and after one more month.

    python benchmarks/validate_store.py --months-dir /tmp/a100k/months --work /tmp/v100k

Builds every month file but the last into WORK/store with the real pipeline (unless WORK/store
exists), which checks each graph against the shapes and derives its own consequences as it maps it
(stages "checks" and "infer", CPU seconds summed over the workers; "infer" includes completing the
inferred graph against the union); then times, in this process:
  settle     kg.validation.validate on those checks: shared nodes, class tests, from the union;
then adds the last month with the real incremental build and times the same steps for it.
A WORK/store made earlier (perhaps by older code) is inferred (infer_store, whole) and every graph
read back and checked here instead. Peak memory: this process's RSS, and the sum over it and every
process it starts (the build's workers), sampled every 0.1 s.
--results FILE writes both validations' result rows (JSON), to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import time
from dataclasses import astuple
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from peak_memory import PeakMemory  # noqa: E402 - the benchmarks folder is not a package


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _build(sources: list[str], work: Path, workers: int, infer: bool) -> dict:
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState
    from kg.store import QuadStore
    from kg.validation_cache import ValidationCache

    store, state = QuadStore(work / "store"), BuildState(work / "store.state.sqlite")
    cache = ValidationCache(work / "store.validation.sqlite")
    start = time.perf_counter()
    result = build(sources, Settings(quiet=True), store=store, state=state, workers=workers, infer=infer,
                   validation=cache)
    out = {"seconds": time.perf_counter() - start, "stages": result.stats.seconds,
           "graphs_written": result.stats.graphs_written, "messages": result.counts["messages"]}
    state.close()
    cache.close()
    del store
    return out


def _check_all(store, cache, keys: dict[str, str]) -> dict:
    """Every graph's check, as the build makes it, with the read-back timed apart."""
    from kg.validate_graphs import parse_lines
    from kg.map_stage import derive_and_check
    from kg.validation import BuildChecks

    raw = store._store
    checks = BuildChecks(cache)
    read, n, triples = 0.0, 0, 0
    for name in store.graph_names():
        if name not in keys or name.endswith("/graph/inferred"):
            continue
        start = time.perf_counter()
        data = raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        parsed = list(parse_lines(data.decode("utf-8", "surrogatepass").split("\n")))
        read += time.perf_counter() - start
        _, _, check, seconds = derive_and_check(name, set(parsed), checks.checker, infer=False)  # as the build does
        checks.add_check(name, keys[name], check, seconds)
        n, triples = n + 1, triples + len(parsed)
    start = time.perf_counter()
    checks.flush()
    return {"graphs": n, "triples": triples, "read_s": read,
            "checks_s": checks.seconds + time.perf_counter() - start}


def main() -> None:
    """Command line: --months-dir DIR --work DIR [--workers N]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months-dir", type=Path, required=True, help="one mbox per month, oldest first by name")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--results", type=Path, help="write the result rows of both validations here (JSON)")
    parser.add_argument("--save-month-cache", type=Path,
                        help="copy the validation cache here as the month's build left it (to time that validate again)")
    args = parser.parse_args()
    peak = PeakMemory().__enter__()  # samples until the process ends (a daemon thread)
    from kg.infer import infer_store
    from kg.store import QuadStore
    from kg.validation import validate
    from kg.validation_cache import ValidationCache

    months = sorted(args.months_dir.glob("*.mbox"))
    row: dict = {"months": len(months)}
    built = not (args.work / "store").exists()
    if built:
        # the build checks every graph and derives each graph's consequences as it maps it (in the
        # workers), then completes the inferred graph: those are its "checks" and "infer" seconds
        args.work.mkdir(parents=True, exist_ok=True)
        row["build"] = _build([str(p) for p in months[:-1]], args.work, args.workers, infer=True)
    store = QuadStore(args.work / "store")
    inferred = next(n for n in store.graph_names() if n.endswith("/graph/inferred"))
    row["quads"] = len(store)
    from kg.state import BuildState

    state = BuildState(args.work / "store.state.sqlite")
    keys = state.graph_hashes()
    state.close()
    if built:
        row["infer_s"] = row["build"]["stages"]["infer"]
        checked = {"checks_s": row["build"]["stages"]["checks"]}
        cache = ValidationCache(args.work / "store.validation.sqlite")
    else:  # a store built earlier (perhaps by older code): infer and check it here
        start = time.perf_counter()
        row["infer_triples"] = infer_store(store, inferred)
        row["infer_s"] = time.perf_counter() - start
        (args.work / "store.validation.sqlite").unlink(missing_ok=True)
        cache = ValidationCache(args.work / "store.validation.sqlite")
        checked = _check_all(store, cache, keys)
    row["full_checks"] = checked
    start = time.perf_counter()
    report = validate(store, cache, keys=keys)
    row["full_settle_s"] = time.perf_counter() - start
    row["full_settle_phases"] = report.seconds
    row["full_shared_nodes"] = report.cross_nodes
    row["full_results"], row["full_violations"] = len(report.results), len(report.violations)
    row["full_validation_s"] = checked["checks_s"] + row["full_settle_s"]
    row["validation_and_inference_s"] = row["full_validation_s"] + row["infer_s"]
    row["peak_mb_after_full"], row["peak_all_mib_after_full"] = _peak_mb(), peak.total / 1024
    cache.close()
    del store
    # one more month, the way a user gets it: the real incremental build, then `igkg validate`
    row["add_month"] = _build([str(p) for p in months], args.work, args.workers, infer=True)
    store = QuadStore(args.work / "store")
    state = BuildState(args.work / "store.state.sqlite")
    build_cache = ValidationCache(args.work / "store.validation.sqlite")
    row["month_graphs_unsettled"] = len(build_cache.unsettled())  # new or rewritten by the month's build
    if args.save_month_cache:
        source, copy = sqlite3.connect(args.work / "store.validation.sqlite"), sqlite3.connect(args.save_month_cache)
        source.backup(copy)
        source.close()
        copy.close()
    start = time.perf_counter()
    again = validate(store, build_cache, keys=state.graph_hashes())
    row["month_settle_s"] = time.perf_counter() - start
    row["month_checks_s"] = row["add_month"]["stages"].get("checks", 0.0)
    row["month_validation_s"] = row["month_checks_s"] + row["month_settle_s"]
    row["month_graphs_read_back"] = again.graphs_validated
    row["month_settle_phases"] = again.seconds
    row["month_shared_nodes"] = again.cross_nodes
    row["revalidate_ratio"] = row["month_validation_s"] / row["full_validation_s"]
    row["month_infer_s"] = row["add_month"]["stages"].get("infer", 0.0)
    row["peak_mb"], row["peak_all_mib"] = _peak_mb(), peak.total / 1024
    print(json.dumps(row, default=str, indent=1))
    if args.results:
        args.results.write_text(json.dumps({"full": [astuple(r) for r in report.results],
                                            "month": [astuple(r) for r in again.results]}))


if __name__ == "__main__":
    main()
