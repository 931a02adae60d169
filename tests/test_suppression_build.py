"""A suppression list applied at build: the person is in no graph, no export, and the server answers 410."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.config import Settings
from kg.export import format_for
from kg.pipeline import SUPPRESSED_SUFFIX, build


@pytest.fixture(scope="module")
def listing(tmp_path_factory):
    path = tmp_path_factory.mktemp("suppress") / "suppress.txt"
    path.write_text("# asked to be removed\nPaul Blaker\n", encoding="utf-8")
    return path


def test_a_suppressed_person_is_in_no_export(seed_page, listing):
    result = build([str(seed_page)], Settings(quiet=True, suppression_path=listing))
    for name in ("turtle", "nquads", "jsonld"):
        text = format_for(name=name).write(result.dataset).decode("utf-8")
        assert "Paul Blaker" not in text and "Blaker, Paul" not in text
        assert "Head of ITU and Internet Governance" not in text  # his post is left out whole
    assert "Anriette Esterhuysen" in format_for(name="turtle").write(result.dataset).decode("utf-8")


def test_store_build_records_the_iris_for_the_server(seed_page, listing, tmp_path):
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", str(seed_page), "--store", str(store), "-q", "--suppress", str(listing)])
    assert result.exit_code == 0, result.output
    iris = (tmp_path / ("store" + SUPPRESSED_SUFFIX)).read_text(encoding="utf-8").split()
    assert len(iris) == 1 and "/person/" in iris[0]
    from kg.cli import _read_iris
    assert _read_iris(None, Settings(store_path=store)) == frozenset(iris)
    exported = tmp_path / "out.ttl"
    assert CliRunner().invoke(main, ["export", str(exported), "--store", str(store)]).exit_code == 0
    assert "Paul Blaker" not in exported.read_text(encoding="utf-8") and iris[0] not in exported.read_text("utf-8")
