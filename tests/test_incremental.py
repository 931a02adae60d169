"""Incremental builds into the on-disk store: unchanged archives cost 304s only, a new month costs only itself, kill -9 resumes."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph
import pytest

from archive_server import ArchiveServer
from crawl_support import PIPERMAIL, archive_files, fetchers
from kg import synth
from kg.config import Settings
from kg.pipeline import build
from kg.state import BuildState
from kg.store import QuadStore

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(quiet=True)


def _build(url, folder: Path):
    store, state = QuadStore(folder / "store"), BuildState(folder / "state.sqlite")
    try:
        return build([url], SETTINGS, fetchers(folder / "cache"), store=store, state=state)
    finally:
        state.close()


def test_unchanged_archive_costs_conditional_requests_only_and_writes_nothing(tmp_path):
    msgs = synth.generate(15, 3, seed=7)
    with ArchiveServer(archive_files(msgs)) as srv:
        first = _build(srv.url(PIPERMAIL), tmp_path)
        srv.clear()
        second = _build(srv.url(PIPERMAIL), tmp_path)
        hits = [h for h in srv.requests if h.path != "/robots.txt"]
    assert first.stats.graphs_written == 15 + 2 and first.counts["messages"] == 15
    # the index and the newest month are re-checked with validators; past months are not asked at all
    assert sorted(h.path for h in hits) == sorted([PIPERMAIL, month_path(msgs[-1])])
    assert all("if-none-match" in h.headers for h in hits)
    s = second.stats
    assert (s.items_parsed, s.extracted, s.graphs_written, s.graphs_removed, s.inferred) == (0, 0, 0, 0, False)
    assert second.counts == first.counts


def month_path(msg) -> str:
    return f"{PIPERMAIL}{synth.month_key(msg)}.txt.gz"


def test_a_new_month_is_the_only_one_read_parsed_and_extracted(tmp_path):
    msgs = synth.generate(20, 4, seed=8)
    last = synth.month_key(msgs[-1])
    old = [m for m in msgs if synth.month_key(m) != last]
    with ArchiveServer(archive_files(old)) as srv:
        _build(srv.url(PIPERMAIL), tmp_path)
        for path, (body, headers) in archive_files(msgs).items():
            srv.add(path, body, headers=headers)
        srv.clear()
        result = _build(srv.url(PIPERMAIL), tmp_path)
        asked = {h.path for h in srv.requests} - {"/robots.txt", PIPERMAIL}
    new = len(msgs) - len(old)
    assert asked == {month_path(old[-1]), month_path(msgs[-1])}  # the old newest month gets a 304
    s = result.stats
    assert (s.units_read, s.items_parsed, s.extracted) == (1, new, new)
    assert result.counts["messages"] == len(msgs)


def _quads(store_dir: Path) -> list[str]:
    store = pyoxigraph.Store.read_only(str(store_dir))
    lines = sorted(str(q) for q in store)
    del store
    return lines


def _cli(mbox: Path, store: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "kg.cli", "build", str(mbox), "--store", str(store), "-q", "-j", "1"],
                            env=env, cwd=store.parent, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("seed", [11])
def test_kill_9_at_random_points_then_resume_gives_the_same_graph(tmp_path, seed):
    mbox = tmp_path / "list.mbox"
    mbox.write_bytes(synth.to_mbox(synth.generate(40, 4, seed=9)))
    (tmp_path / "ref").mkdir()
    (tmp_path / "killed").mkdir()
    reference = _cli(mbox, tmp_path / "ref" / "store")
    assert reference.wait(300) == 0
    total = 0.0
    rng = random.Random(seed)
    for _ in range(3):  # killed while loading the KB, parsing, extracting or writing the store
        proc = _cli(mbox, tmp_path / "killed" / "store")
        delay = rng.uniform(1.5, 9.0)
        time.sleep(delay)
        total += delay
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    resumed = _cli(mbox, tmp_path / "killed" / "store")
    assert resumed.wait(300) == 0
    assert _quads(tmp_path / "killed" / "store") == _quads(tmp_path / "ref" / "store")
