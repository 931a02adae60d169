"""The igkg command as a user runs it: build into the store, query, validate, export, and clear errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
import pyoxigraph
from rdflib import Graph

from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_store(tmp_path_factory, seed_page):
    """The seed built into a fresh store, as `igkg build PAGE` does in a working folder."""
    store = tmp_path_factory.mktemp("store") / "store"
    result = CliRunner().invoke(main, ["build", str(seed_page), "--store", str(store), "--quiet"])
    assert result.exit_code == 0, result.output
    return store


def test_build_into_store_then_export_every_format(built_store, tmp_path):
    for ext, fmt in ((".ttl", "turtle"), (".trig", pyoxigraph.RdfFormat.TRIG), (".nt", "nt"),
                     (".nq", pyoxigraph.RdfFormat.N_QUADS), (".jsonld", pyoxigraph.RdfFormat.JSON_LD)):
        out = tmp_path / f"graph{ext}"
        result = CliRunner().invoke(main, ["export", str(out), "--store", str(built_store)])
        assert result.exit_code == 0, result.output
        if ext in (".trig", ".nq", ".jsonld"):
            # pyoxigraph reads the dataset formats (rdflib's Dataset.parse warns in 7.x)
            quads = list(pyoxigraph.parse(out.read_bytes(), format=fmt))
            assert len({q.graph_name for q in quads}) >= 7 + 3  # one per message, plus kb, meta, inferred
        else:
            parsed = Graph()
            parsed.parse(data=out.read_bytes(), format=fmt)
            assert len(parsed) > 500


def test_validate_reports_the_seed_graph_conforms(built_store):
    result = CliRunner().invoke(main, ["validate", "--store", str(built_store)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_query_people_affiliations_lists_paul_blaker_at_dsit(built_store):
    result = CliRunner().invoke(main, ["query", "people-affiliations", "--store", str(built_store), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if "Paul Blaker" in line]
    assert any("Science, Innovation" in row or "DSIT" in row for row in rows)


@pytest.mark.parametrize("args, message", [
    (["build", "no/such/page.txt"], "no such file or folder"),
    (["build", "ftp://example.org/x"], "unsupported source"),
    (["build", "examples", "-o", "out.xyz"], "valid formats"),
    (["export", "out.xyz"], "valid formats"),
    (["query", "no-such-query"], "no-such-query"),
])
def test_bad_input_gives_one_clear_line_and_no_traceback(args, message, tmp_path):
    store = tmp_path / "store"
    CliRunner().invoke(main, ["build", str(ROOT / "examples"), "--store", str(store), "-q"])
    extra = ["--store", str(store)] if args[0] in ("export", "query") else []
    result = CliRunner().invoke(main, args + extra)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_commands_need_a_store_first(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--store", str(tmp_path / "none")])
    assert result.exit_code == 2 and "igkg build" in result.output


def test_turtle_is_byte_identical_across_runs_and_hash_seeds(tmp_path, seed_page):
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}.ttl"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        subprocess.run([sys.executable, "-m", "kg.cli", "build", str(seed_page), "-o", str(out), "-q"],
                       check=True, env=env, cwd=tmp_path)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) > 10_000
