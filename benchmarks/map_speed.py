"""Time the map+store stage alone (caches filled, fresh store, best of N), alternating with another checkout."""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fill(mbox: Path, folder: Path) -> dict:
    """One full build into `folder`: its state then holds the parse and extraction caches."""
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState
    from kg.store import QuadStore

    state = BuildState(folder / "state.sqlite")
    build([str(mbox)], Settings(quiet=True), store=QuadStore(folder / "store"), state=state, workers=1, infer=False)
    state.close()  # checkpoints the WAL: the state file alone can then be copied
    return {}


def timed(mbox: Path, folder: Path) -> dict:
    """A build on a copy of the filled state into a fresh store: everything but map+store is cached."""
    from kg import pipeline
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState
    from kg.store import QuadStore

    cpu = []  # CPU seconds of every thread in map+store: a busy machine distorts them less than wall time
    stage = pipeline._Run.map

    def counted_map(*args):
        start = os.times()
        try:
            return stage(*args)
        finally:
            cpu.append(sum(os.times()[:2]) - sum(start[:2]))
    pipeline._Run.map = counted_map
    run = folder / "run"  # removed by the parent once this process, and RocksDB's threads, are gone
    run.mkdir()
    shutil.copy(folder / "state.sqlite", run / "state.sqlite")
    store, state = QuadStore(run / "store"), BuildState(run / "state.sqlite")
    result = build([str(mbox)], Settings(quiet=True), store=store, state=state, workers=1, infer=False)
    quads = len(store)
    state.close()
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": result.stats.seconds["map+store"], "cpu": cpu[0], "quads": quads,
            "graphs": result.stats.graphs_written, "peak_mib": peak_mib}


def run_child(code: Path, mode: str, mbox: Path, folder: Path) -> dict:
    """`mode` in a fresh interpreter importing kg from the checkout `code`."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, __file__, str(mbox), "--child", mode, "--folder", str(folder)],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(code)})
    shutil.rmtree(folder / "run", ignore_errors=True)
    if done.returncode:
        sys.exit(f"{mode} with {code} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Command line: map_speed.py MBOX [--repeat 3] [--against OTHER_CHECKOUT]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mbox", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per checkout (best is reported)")
    parser.add_argument("--against", type=Path, help="another checkout of igkg (e.g. a git worktree of HEAD)")
    parser.add_argument("--child", choices=["fill", "timed"])
    parser.add_argument("--folder", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps((fill if args.child == "fill" else timed)(args.mbox.resolve(), args.folder)))
        return
    checkouts = {"this": ROOT}
    if args.against:
        checkouts["against"] = args.against.resolve()
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    with tempfile.TemporaryDirectory(prefix="igkg-map-speed-") as tmp:
        for name, code in checkouts.items():  # each checkout its own caches (extractor versions may differ)
            run_child(code, "fill", args.mbox.resolve(), Path(tmp) / name)
        for _ in range(args.repeat):  # alternating, so that a busy moment of the machine hits both
            for name, code in checkouts.items():
                out = run_child(code, "timed", args.mbox.resolve(), Path(tmp) / name)
                runs[name].append(out)
                print(f"{name}: map+store {out['seconds']:.2f} s (CPU {out['cpu']:.2f} s), {out['graphs']} graphs, "
                      f"{out['quads']} quads, peak RSS {out['peak_mib']:.0f} MiB", flush=True)
    best = {name: min(r["seconds"] for r in rs) for name, rs in runs.items()}
    cpu = {name: min(r["cpu"] for r in rs) for name, rs in runs.items()}
    for name, seconds in best.items():
        print(f"best {name} ({checkouts[name]}): {seconds:.2f} s, CPU {cpu[name]:.2f} s")
    if args.against:
        print(f"against / this: {best['against'] / best['this']:.2f}x (CPU {cpu['against'] / cpu['this']:.2f}x)")


if __name__ == "__main__":
    main()
