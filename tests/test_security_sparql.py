"""SPARQL from strangers over the real endpoint: no SERVICE/FROM/LOAD/update, budgets, generic errors (cases 1-7)."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from rdflib import Graph, Literal, URIRef

from kg.config import Settings
from kg.queries import Budget
from kg.serve import create_app
from kg.serve_sparql import Endpoint
from kg.store import QuadStore
from tests.security_support import canary, serving  # noqa: F401 - fixture

BASE = "https://kg.example.org/id/"


@pytest.fixture(scope="module")
def store():
    g = Graph()
    for i in range(400):
        g.add((URIRef(f"{BASE}org/o{i}"), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(f"Org {i}")))
    s = QuadStore()
    s.replace_graph(BASE + "graph/kb", g)
    return s


@pytest.fixture(scope="module")
def client(store):
    app = create_app(store, Settings())
    # A small budget so the runaway and row-cap cases are quick (the mechanism is the real one).
    app.state.server.endpoint = Endpoint(store, frozenset(), budget=Budget(timeout_s=1.5, max_rows=100))
    with serving(app) as c:
        yield c


def _ask(client, query, how="get"):
    headers = {"Accept": "application/sparql-results+json"}
    if how == "get":
        return client.get("/sparql", headers=headers, params={"query": query})
    if how == "form":
        return client.post("/sparql", headers=headers, data={"query": query})
    return client.post("/sparql", headers={**headers, "Content-Type": "application/sparql-query"},
                       data=query.encode("utf-8"))


SERVICE_VARIANTS = [
    "SELECT * WHERE { SERVICE <{C}> { ?s ?p ?o } }",
    "select * where { service <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <{C}> { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?v { <{C}> } SERVICE ?v { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <{C}> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{C}> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <{C}> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("template", SERVICE_VARIANTS)
@pytest.mark.parametrize("how", ["get", "form", "direct"])
def test_case01_service_is_refused_and_never_reaches_the_canary(client, canary, template, how):
    response = _ask(client, template.replace("{C}", canary.url("/sparql")), how)
    assert response.status_code == 400 and "SERVICE" in response.text


@pytest.mark.parametrize("template", ["SELECT * FROM <{C}x> WHERE { ?s ?p ?o }",
                                      "SELECT * FROM NAMED <{C}x> WHERE { GRAPH ?g { ?s ?p ?o } }"])
def test_case02_from_is_refused(client, canary, template):
    assert _ask(client, template.replace("{C}", canary.url("/"))).status_code == 400


def test_case03_from_file_never_reads_the_disk(client, tmp_path, caplog):
    secret = tmp_path / "secret.ttl"
    secret.write_text('<urn:a> <urn:b> "LOCAL-SECRET" .\n', encoding="utf-8")
    response = _ask(client, f"SELECT ?o FROM <file://{secret}> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 400
    assert "LOCAL-SECRET" not in response.text and "LOCAL-SECRET" not in caplog.text
    assert str(secret) not in response.text


def test_case04_updates_are_refused_and_the_store_is_unchanged(client, store, canary):
    before = len(store)
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert client.post("/sparql", data=update.encode(),
                       headers={"Content-Type": "application/sparql-update"}).status_code in (400, 403, 405, 415)
    assert client.post("/sparql", data={"update": update}).status_code in (400, 403, 405)
    assert _ask(client, f"LOAD <{canary.url('/data.ttl')}>").status_code == 400
    assert len(store) == before


def test_case05_runaway_query_is_stopped_and_the_next_answers_fast(client):
    started = time.monotonic()
    response = _ask(client, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert response.status_code in (400, 503) and time.monotonic() - started < 1.5 + 1
    started = time.monotonic()
    assert _ask(client, "ASK {}").json()["boolean"] is True
    assert time.monotonic() - started < 1.0
    assert not [p for p in multiprocessing.active_children() if p.is_alive()]


def test_case06_unbounded_select_is_capped_with_a_marker(client):
    response = _ask(client, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 100
    assert response.headers.get("X-Igkg-Truncated") == "true"


def test_case07_deeply_nested_query_is_400_quickly(client):
    deep = "SELECT * WHERE " + "{ " * 60 + "?s ?p ?o" + " }" * 60
    started = time.monotonic()
    assert _ask(client, deep, "form").status_code == 400
    assert time.monotonic() - started < 2


def test_case07_wide_filter_is_decided_within_two_seconds(client):
    wide = "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(1000)) + ") }"
    started = time.monotonic()
    assert _ask(client, wide, "form").status_code in (200, 400)
    assert time.monotonic() - started < 2


def test_case07_over_long_query_is_413(client):
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 25_000
    assert _ask(client, long, "form").status_code == 413
