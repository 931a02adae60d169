"""Two builds under different PYTHONHASHSEED give identical Turtle and identical sorted canonical N-Triples (case 36)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from kg.synth import write_mbox
from tests.security_support import ROOT, SEED

# One child per hash seed builds every source (seeds 1 and 3: an earlier regression showed under 3,
# not 2) and writes, per source, Turtle and canonical N-Triples (blank nodes relabelled by rdflib's
# canonicaliser, lines sorted), then the manifest. The two children run at once: they share no state.
CHILD = r"""
import sys
from pathlib import Path
from rdflib.compare import to_canonical_graph
from kg.config import Settings
from kg.export import export, union_of
from kg.pipeline import build
for source, out in zip(sys.argv[1::2], sys.argv[2::2]):
    out = Path(out)
    ds = build([source], Settings(quiet=True)).dataset
    export(ds, out / "graph.ttl")
    canonical = to_canonical_graph(union_of(ds)).serialize(format="nt", encoding="utf-8").decode("utf-8")
    (out / "canonical.nt").write_text("".join(sorted(l + "\n" for l in canonical.splitlines() if l.strip())),
                                      encoding="utf-8")
"""
FILES = ("graph.ttl", "canonical.nt", "manifest.json")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """{hash seed: {source name: {file: sha256}}} for the seed page and a synthetic mbox."""
    from kg.sources.registry import detect

    folder = tmp_path_factory.mktemp("determinism")
    mbox = write_mbox(folder / "synth.mbox", messages=20, months=2, seed=5)
    sources = {"seed": SEED, "mbox": mbox}
    assert detect(str(mbox)) == "mbox"
    children = {}
    for seed in ("1", "3"):
        args = []
        for name, source in sources.items():
            (folder / seed / name).mkdir(parents=True)
            args += [str(source), str(folder / seed / name)]
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        children[seed] = subprocess.Popen([sys.executable, "-c", CHILD, *args], env=env)
    for child in children.values():
        assert child.wait(timeout=300) == 0
    return {seed: {name: {f: hashlib.sha256((folder / seed / name / f).read_bytes()).hexdigest() for f in FILES}
                   for name in sources} for seed in children}


@pytest.mark.parametrize("source", ["seed", "mbox"])
def test_build_is_byte_identical_across_hash_seeds(builds, source):
    assert builds["1"][source] == builds["3"][source]
