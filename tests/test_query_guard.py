"""The query guard (no SERVICE, FROM, LOAD or updates) and the forked worker's time limit."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from rdflib import Graph, URIRef

from kg.errors import QueryError, QueryForbidden
from kg.queries import Budget, load_catalogue, run_text
from kg.query_guard import MAX_QUERY_CHARS, _verdict, check_query, forbidden_keyword
from kg.store import QuadStore

pytestmark = pytest.mark.filterwarnings("error")

# A canary IRI on a closed loopback port: the guard must refuse before anything could connect.
CANARY = "http://127.0.0.1:9/sparql"


@pytest.mark.parametrize(("sparql", "form"), [
    (f"SELECT * WHERE {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }}", "SERVICE"),
    (f"select * where {{ service silent <{CANARY}> {{ ?s ?p ?o }} }}", "SERVICE"),
    (f"SELECT * WHERE {{ SERVICE ?x {{ ?s ?p ?o }} }} VALUES ?x {{ <{CANARY}> }}", "SERVICE"),
    (f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }} }}", "SERVICE"),
    (f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }} }} }}", "SERVICE"),
    (f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE SILENT <{CANARY}> {{ ?s ?q ?r }} }} }}", "SERVICE"),
    (f"ASK {{ SERVICE <{CANARY}> {{ ?s ?p ?o }} }}", "SERVICE"),
    (f"SELECT ?o FROM <{CANARY}> WHERE {{ ?s ?p ?o }}", "FROM / FROM NAMED"),
    ("SELECT ?o FROM NAMED <file:///etc/secret.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM / FROM NAMED"),
    (f"LOAD <{CANARY}>", "LOAD"),
    (f"LOAD SILENT <{CANARY}> INTO GRAPH <http://x/g>", "LOAD"),
    ("INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }", "INSERT DATA"),
    ("DELETE DATA { <http://x/s> <http://x/p> <http://x/o> }", "DELETE DATA"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE WHERE"),
    ("INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "INSERT/DELETE ... WHERE"),
    ("DROP ALL", "DROP"),
    ("CLEAR DEFAULT", "CLEAR"),
    ("CREATE GRAPH <http://x/g>", "CREATE"),
    ("COPY DEFAULT TO <http://x/g>", "COPY"),
    ("PREFIX x: <http://x/> INSERT DATA { x:s x:p x:o } ; DROP ALL", "DROP, INSERT DATA"),
])
def test_forbidden_forms(sparql, form):
    with pytest.raises(QueryForbidden) as info:
        check_query(sparql)
    assert str(info.value).startswith(form)


def test_forbidden_query_never_reaches_the_store():
    store = QuadStore()
    with pytest.raises(QueryForbidden, match="INSERT DATA is not allowed"):
        run_text(store, "INSERT DATA { <http://x/s> <http://x/p> <http://x/o> }")
    assert len(store) == 0


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { ?s ?p ?o }",
    "ASK { ?s ?p ?o }",
    'SELECT ?from ?service WHERE { ?from ?service "SERVICE <http://x/> FROM LOAD" } # DROP ALL',
    "PREFIX load: <http://x/> SELECT * WHERE { ?s load:from load:service }",
    "SELECT * WHERE { GRAPH ?g { ?s ?p <http://x/#SERVICE> } }",
])
def test_allowed_queries(sparql):
    assert check_query(sparql) in ("SELECT", "ASK")


@pytest.mark.parametrize(("sparql", "message"), [
    ("SELEC * WHERE { ?s ?p ?o }", "malformed SPARQL"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT queries are not supported here"),
    ("DESCRIBE <http://x/>", "DESCRIBE queries are not supported here"),
    ("SELECT * WHERE { " + "?s ?p ?o . " * 2000 + "}", f"the limit is {MAX_QUERY_CHARS:,}"),
])
def test_refused_queries(sparql, message):
    with pytest.raises(QueryError) as info:
        check_query(sparql)
    assert not isinstance(info.value, QueryForbidden)
    assert message in str(info.value)


def test_keyword_backstop():
    """The lexical scan finds forbidden words that are not inside strings, IRIs, comments or names."""
    assert forbidden_keyword("SELECT * { ?s ?p ?o }service<http://x/>{}") == "SERVICE"
    assert forbidden_keyword('SELECT * { ?s ?p "SERVICE" ; <http://x/FROM> ?o } # LOAD') is None
    assert forbidden_keyword("SELECT ?service { ?s x:from ?o }") is None


def test_verdicts_are_cached():
    sparql = "SELECT ?cached WHERE { ?cached ?p ?o }"
    check_query(sparql)
    hits = _verdict.cache_info().hits
    started = time.perf_counter()
    check_query(sparql)
    assert _verdict.cache_info().hits == hits + 1
    assert time.perf_counter() - started < 0.005


def test_catalogue_passes_the_guard():
    for query in load_catalogue().values():
        assert check_query(query.text) == "SELECT"


# --- the worker's budget ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def chain_store() -> QuadStore:
    """2,000 nodes in a chain: a triple cross product over it is 8e9 solutions."""
    graph = Graph()
    for i in range(2000):
        graph.add((URIRef(f"http://x/n{i}"), URIRef("http://x/next"), URIRef(f"http://x/n{i + 1}")))
    store = QuadStore()
    store.replace_graph("http://x/graph", graph)
    return store


def test_runaway_query_is_stopped_and_the_next_one_works(chain_store):
    started = time.monotonic()
    with pytest.raises(QueryError, match="ran past its time limit of 1 s and was stopped"):
        run_text(chain_store, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
                 budget=Budget(timeout_s=1))
    assert time.monotonic() - started < 3
    assert multiprocessing.active_children() == []
    outcome = run_text(chain_store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(outcome.result.rows[0][0]) == 2000
    assert run_text(chain_store, "ASK { <http://x/n0> <http://x/next> <http://x/n1> }").result.boolean is True


def test_deep_property_path_is_stopped(chain_store):
    with pytest.raises(QueryError, match="time limit"):
        run_text(chain_store, "SELECT (COUNT(*) AS ?n) WHERE { ?a (<http://x/next>|^<http://x/next>)* ?b . "
                              "?c (<http://x/next>|^<http://x/next>)* ?d }", budget=Budget(timeout_s=0.5))
    assert run_text(chain_store, "ASK { ?s ?p ?o }").result.boolean is True


def test_worker_reads_an_on_disk_store(tmp_path):
    store = QuadStore(tmp_path / "store")
    graph = Graph()
    graph.add((URIRef("http://x/s"), URIRef("http://x/p"), URIRef("http://x/o")))
    store.replace_graph("http://x/g", graph)
    store.flush()
    assert run_text(store, "SELECT ?o WHERE { ?s ?p ?o }").result.rows == ((URIRef("http://x/o"),),)
