"""kill -9 during an export leaves the previous export and manifest intact; the next run cleans up and completes (case 37)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef

from kg.export import atomic_write, export
from kg.manifest import clean_stale_temp, read_manifest, sha256_file, update_manifest, verify_manifest

ROOT = Path(__file__).resolve().parent.parent
# A child that exports a large dataset (400k triples) to argv[1]; it prints "go" just before writing.
CHILD = r"""
import sys
from rdflib import Dataset, Literal, URIRef
from kg.export import export
ds = Dataset()
g = ds.graph(URIRef("https://kg.example.org/id/graph/big"))
p = URIRef("https://kg.example.org/id/p")
for i in range(int(sys.argv[2])):
    g.add((URIRef(f"https://kg.example.org/id/s/{i}"), p, Literal(f"value number {i}")))
print("go", flush=True)
export(ds, sys.argv[1])
print("done", flush=True)
"""


def _run_child(target: Path, triples: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, str(target), str(triples)], stdout=subprocess.PIPE,
                            env=env, text=True)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    target = folder / "graph.nt"
    assert _finish(_run_child(target, 2_000)) == 0
    return target


def _dataset(triples: int) -> Dataset:
    ds = Dataset()
    g = ds.graph(URIRef("https://kg.example.org/id/graph/big"))
    p = URIRef("https://kg.example.org/id/p")
    for i in range(triples):
        g.add((URIRef(f"https://kg.example.org/id/s/{i}"), p, Literal(f"value number {i}")))
    return ds


def _finish(child: subprocess.Popen) -> int:
    child.communicate(timeout=120)  # also closes the pipe
    return child.returncode


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8, 1.5])
def test_kill_during_export_keeps_the_previous_export(previous, delay):
    before = sha256_file(previous)
    manifest_before = read_manifest(previous.parent)
    child = _run_child(previous, 60_000)
    assert child.stdout.readline().strip() == "go"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    _finish(child)
    # Either the new export finished before the kill (and is complete and listed) or nothing changed.
    report = verify_manifest(previous.parent)
    assert report.valid, report.problems
    if child.returncode == -signal.SIGKILL and sha256_file(previous) != before:
        pytest.fail("a killed export changed the previous file")
    if sha256_file(previous) == before:
        assert read_manifest(previous.parent) == manifest_before
    # The next run removes the leftover temp file and completes (in this process: the same export()
    # a fresh run calls, without paying for another interpreter start).
    export(_dataset(1_000), previous)
    assert not [p for p in previous.parent.iterdir() if p.name.startswith(".tmp-")]
    assert verify_manifest(previous.parent).valid
    assert len(previous.read_text(encoding="utf-8").splitlines()) == 1_000


def test_clean_stale_temp_keeps_a_live_writers_file(tmp_path):
    live = tmp_path / f".tmp-{os.getpid()}-abc.ttl"
    dead = tmp_path / ".tmp-999999999-abc.ttl"
    legacy = tmp_path / ".tmp-xyzgraph.ttl"
    for p in (live, dead, legacy):
        p.write_bytes(b"partial")
    assert sorted(clean_stale_temp(tmp_path)) == sorted([dead, legacy])
    assert live.exists()


def test_manifest_lists_hashes_and_counts_and_detects_tampering(tmp_path):
    atomic_write(tmp_path / "a.nt", b"<urn:a> <urn:b> <urn:c> .\n", manifest=True, format="ntriples", triples=1)
    entry = read_manifest(tmp_path)["a.nt"]
    assert entry.triples == 1 and entry.bytes == 26 and len(entry.sha256) == 64
    assert verify_manifest(tmp_path).valid
    (tmp_path / "a.nt").write_bytes(b"<urn:a> <urn:b> <urn:d> .\n")
    assert not verify_manifest(tmp_path).valid
    (tmp_path / "a.nt").unlink()
    update_manifest(tmp_path)
    assert read_manifest(tmp_path) == {}
