"""Time the build stage by stage (messages/s, peak memory) beside the floor: the standard library reading the same mbox."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from peak_memory import PeakMemory  # noqa: E402 - the benchmarks folder is not a package


def floor(mbox: Path) -> dict:
    """The standard library alone: mailbox + email with policy.default, From/Date/Subject/body."""
    import email
    import email.policy
    import mailbox

    count = 0
    start = time.perf_counter()
    for msg in mailbox.mbox(str(mbox), factory=lambda f: email.message_from_binary_file(f, policy=email.policy.default)):
        _ = (msg["From"], msg["Date"], msg["Subject"])
        body = msg.get_body(("plain",))
        _ = body.get_content() if body is not None else ""
        count += 1
    return {"messages": count, "seconds": {"stdlib parse": time.perf_counter() - start}}


def igkg_build(mbox: Path, workers: int, folder: Path, infer: bool) -> dict:
    """One igkg build into an on-disk store (a second call on the same folder is incremental)."""
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState
    from kg.store import QuadStore

    store, state = QuadStore(folder / "store"), BuildState(folder / "state.sqlite")
    start = time.perf_counter()
    seconds_offset = start - PEAK.started if PEAK else 0.0
    result = build([str(mbox)], Settings(quiet=True), store=store, state=state, workers=workers, infer=infer)
    seconds = dict(result.stats.seconds)
    seconds["total"] = time.perf_counter() - start
    state.close()
    by_stage = PEAK.by_stage(seconds, seconds_offset) if PEAK else {}
    return {"messages": result.counts["messages"], "seconds": seconds, "peak_by_stage_mib": by_stage,
            "graphs_written": result.stats.graphs_written, "extracted": result.stats.extracted}


PEAK: PeakMemory | None = None  # the child's sampler, for peaks per stage


def child(args) -> None:
    global PEAK
    with PeakMemory() as peak:
        PEAK = peak
        if args.child == "floor":
            out = floor(args.mbox)
        else:
            out = igkg_build(args.mbox, args.workers, args.folder, args.infer)
    out["peak_main_mib"], out["peak_total_mib"] = peak.main / 1024, peak.total / 1024
    print(json.dumps(out))


def run(mode: str, mbox: Path, workers: int = 1, folder: Path | None = None, infer: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--child", mode, str(mbox), "--workers", str(workers)]
    if folder:
        cmd += ["--folder", str(folder)]
    if infer:
        cmd += ["--infer"]
    done = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Command line: build_throughput.py MBOX [--workers 1 2]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mbox", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--child", choices=["floor", "build"])
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--infer", action="store_true", help="also run inference (off: the issue's measure)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the unchanged rebuilds (long archives)")
    args = parser.parse_args()
    if args.child:
        args.workers = args.workers[0]
        return child(args)
    rows = [("stdlib floor (mailbox + email, policy.default)", run("floor", args.mbox))]
    for n in args.workers:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append((f"igkg build, {n} worker(s)", run("build", args.mbox, n, Path(tmp), args.infer)))
            if not args.no_rebuild:
                rows.append((f"igkg rebuild unchanged, {n} worker(s)", run("build", args.mbox, n, Path(tmp), args.infer)))
    base = rows[0][1]["messages"] / rows[0][1]["seconds"]["stdlib parse"]
    print(f"| run | stage | seconds | messages/s | vs floor | peak RSS main / all processes (MiB) |")
    print("|---|---|---|---|---|---|")
    for name, out in rows:
        for stage, secs in out["seconds"].items():
            rate = out["messages"] / secs if secs else float("inf")
            print(f"| {name} | {stage} | {secs:.2f} | {rate:,.0f} | {rate / base:.2f}x | "
                  f"{out['peak_main_mib']:.0f} / {out['peak_total_mib']:.0f} |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
