"""The catalogue answers the same on the embedded store and on a real Oxigraph server after `igkg push`."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.push import push
from kg.queries import run_named
from kg.remote import RemoteStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oxigraph_support import oxigraph_server  # noqa: E402,F401  (a real Oxigraph server fixture)
from test_queries import EXPECTED, FIXTURE, store  # noqa: E402,F401  (the catalogue's fixture archive and cases)
from test_serve import BASE  # noqa: E402


def _params(params: dict) -> dict:
    return {k: (BASE + v if v.startswith(("person/", "org/", "post/", "doc/", "concept/", "list/")) else v)
            for k, v in params.items()}


@pytest.fixture()
def remote(oxigraph_server, store, tmp_path):
    push(store, oxigraph_server, manifest_dir=tmp_path / "push")
    return RemoteStore(oxigraph_server + "/query")


def test_every_catalogue_case_answers_the_same_remotely(store, remote):
    compared = set()
    for name, params, expected in EXPECTED:
        local = run_named(store, name, _params(params)).result
        there = run_named(remote, name, _params(params)).result
        assert there.variables == local.variables, name
        assert there.rows == local.rows, (name, params)
        assert len(local.rows) == len(expected), name  # the fixture's answers, not an empty agreement
        compared.add(name)
    assert len(compared) >= 20


def test_igkg_query_endpoint_flag(remote):
    result = CliRunner().invoke(main, ["query", "posts-per-month", "--endpoint", remote.endpoint, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("month")
    assert len(result.output.splitlines()) > 2


def test_unreachable_endpoint_is_one_clear_error():
    result = CliRunner().invoke(main, ["query", "posts-per-month", "--endpoint", "http://127.0.0.1:9/query"])
    assert result.exit_code == 1 and "did not answer" in result.output and "Traceback" not in result.output
