"""rdflib's SPARQL engine, as configured by igkg, neither follows SERVICE nor loads FROM sources."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph

import kg.rdflib_safety  # noqa: F401


def test_service_is_refused_without_a_request(tmp_path):
    with pytest.raises(PermissionError):
        list(Graph().query("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"))


@pytest.mark.filterwarnings("ignore:Dataset.*deprecated:DeprecationWarning")  # rdflib's own internals
@pytest.mark.parametrize("load_graphs, leaks", [(True, True), (False, False)])
def test_from_reads_a_local_file_only_when_igkg_has_not_switched_it_off(tmp_path, monkeypatch, load_graphs, leaks):
    # the first case shows the test can see the leak rdflib would allow; the second is igkg's setting
    import rdflib.plugins.sparql as rdflib_sparql
    if load_graphs:
        monkeypatch.setattr(rdflib_sparql, "SPARQL_LOAD_GRAPHS", True)
    assert rdflib_sparql.SPARQL_LOAD_GRAPHS is load_graphs
    secret = tmp_path / "secret.ttl"
    secret.write_text('<http://x/s> <http://x/p> "LOCAL-SECRET" .\n', encoding="utf-8")
    rows = list(Dataset().query(f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}"))
    assert bool(rows) is leaks
