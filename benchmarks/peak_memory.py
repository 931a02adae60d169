"""Peak resident memory of a benchmark and of every process it starts (pool workers included), sampled."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _tree(pid: int) -> list[int]:
    """pid and every descendant (pool workers are grandchildren through the forkserver)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, stack = [], [pid]
    while stack:
        p = stack.pop()
        out.append(p)
        stack.extend(children.get(p, []))
    return out


class PeakMemory:
    """Samples the RSS of this process and of all its descendants every 0.1 s."""

    def __init__(self):
        self.main = self.total = 0
        self.samples: list[tuple[float, int, int]] = []  # (seconds since start, main KiB, all KiB)
        self.started = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        me = os.getpid()
        while not self._stop.wait(0.1):
            main, total = _rss_kib(me), sum(_rss_kib(p) for p in _tree(me))
            self.main, self.total = max(self.main, main), max(self.total, total)
            self.samples.append((time.perf_counter() - self.started, main, total))

    def by_stage(self, seconds: dict[str, float], offset: float) -> dict[str, list[float]]:
        """Peak MiB (main, all) within each stage; stages ran in `seconds`' order from `offset` on.
        Stages timed inside another (checks, infer run inside map+store) are left out."""
        out, at = {}, offset
        for stage, secs in seconds.items():
            if stage in ("checks", "infer", "total"):
                continue
            inside = [(m, t) for s, m, t in self.samples if at <= s <= at + secs] or [(0, 0)]
            out[stage] = [max(m for m, _ in inside) / 1024, max(t for _, t in inside) / 1024]
            at += secs
        return out

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
