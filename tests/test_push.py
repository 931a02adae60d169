"""Graph Store Protocol push into a real Oxigraph server on loopback, then the same queries on both sides."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import StoreError
from kg.push import graph_bodies, push
from kg.store import QuadStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve import BASE, load_store  # noqa: E402  (the shared hand-written fixture)

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def oxigraph_server(tmp_path):
    """A real `oxigraph serve` (PyPI package `oxigraph`) on a loopback ephemeral port with a temp store."""
    if OXIGRAPH is None:
        pytest.fail("the oxigraph server binary is missing: pip install 'igkg[serve]' (PyPI package oxigraph)")
    port = _free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve", "--location", str(tmp_path / "oxigraph"),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(url + "/query", params={"query": "ASK {}"}, timeout=1)
            break
        except requests.ConnectionError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"oxigraph did not start: {proc.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.05)
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stderr.close()


def _remote_rows(url: str, query: str) -> set[tuple]:
    response = requests.post(url + "/query", data=query.encode("utf-8"), timeout=30, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
    response.raise_for_status()
    data = response.json()
    names = data["head"]["vars"]
    rows = set()
    for binding in data["results"]["bindings"]:
        row = []
        for name in names:
            term = binding.get(name)
            if term is None:
                row.append(None)
            elif term["type"] == "uri":
                row.append(URIRef(term["value"]))
            elif term["type"] == "bnode":
                row.append(BNode(term["value"]))
            elif "xml:lang" in term:
                row.append(Literal(term["value"], lang=term["xml:lang"]))
            else:
                datatype = term.get("datatype")
                # xsd:string is the plain literal, as QuadStore's from_ox returns it
                plain = datatype in (None, "http://www.w3.org/2001/XMLSchema#string")
                row.append(Literal(term["value"]) if plain else Literal(term["value"], datatype=URIRef(datatype)))
        rows.add(tuple(row))
    return rows


DIFFERENTIAL_QUERIES = [
    "SELECT ?t (COUNT(?s) AS ?n) WHERE { ?s a ?t } GROUP BY ?t",
    "SELECT ?post ?e WHERE { ?post <https://schema.org/mentions> ?e }",
    "SELECT ?p ?name ?org WHERE { ?p <http://xmlns.com/foaf/0.1/name> ?name ; <http://www.w3.org/ns/org#memberOf> ?org }",
    "SELECT ?x ?l WHERE { ?x <http://www.w3.org/2004/02/skos/core#prefLabel> ?l FILTER(LANG(?l) = 'fr') }",
    "SELECT ?post ?d WHERE { ?post <http://purl.org/dc/terms/created> ?d FILTER(?d >= '2025-04-01T00:00:00Z'^^<http://www.w3.org/2001/XMLSchema#dateTime>) }",
    "SELECT ?post ?root WHERE { ?post <http://rdfs.org/sioc/ns#reply_of>+ ?root }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?a ?exact ?start WHERE { ?a <http://www.w3.org/ns/oa#hasTarget>/<http://www.w3.org/ns/oa#hasSelector> ?q, ?pos . ?q <http://www.w3.org/ns/oa#exact> ?exact . ?pos <http://www.w3.org/ns/oa#start> ?start }",
]


@pytest.fixture()
def store():
    return load_store()


def test_push_then_same_answers_over_http(oxigraph_server, store, tmp_path):
    report = push(store, oxigraph_server, manifest_dir=tmp_path / "manifests")
    assert set(report.pushed) == set(store.graph_names()) and not report.skipped
    for query in DIFFERENTIAL_QUERIES:
        local = {tuple(row) for row in store.query(query).rows}
        assert local, query
        assert _remote_rows(oxigraph_server, query) == local, query


def test_unchanged_graphs_are_skipped_and_changed_ones_replaced(oxigraph_server, store, tmp_path):
    manifests = tmp_path / "manifests"
    first = push(store, oxigraph_server, manifest_dir=manifests)
    again = push(store, oxigraph_server, manifest_dir=manifests)
    assert again.pushed == () and set(again.skipped) == set(first.pushed)
    changed = BASE + "graph/post/m01"
    graph = Graph()
    graph.add((URIRef(BASE + "post/m01"), SKOS.note, Literal("edited")))
    store.replace_graph(changed, graph)
    third = push(store, oxigraph_server, manifest_dir=manifests)
    assert third.pushed == (changed,)
    remote = _remote_rows(oxigraph_server, f"SELECT ?p ?o WHERE {{ GRAPH <{changed}> {{ ?s ?p ?o }} }}")
    assert remote == {(SKOS.note, Literal("edited"))}  # replaced, not merged
    assert push(store, oxigraph_server, manifest_dir=manifests, force=True).pushed  # force ignores the manifest


def test_graph_selection_and_deletion(oxigraph_server, store, tmp_path):
    manifests = tmp_path / "manifests"
    only = push(store, oxigraph_server, graphs=[BASE + "graph/kb"], manifest_dir=manifests)
    assert only.pushed == (BASE + "graph/kb",)
    push(store, oxigraph_server, manifest_dir=manifests)
    gone = BASE + "graph/post/xss"
    smaller = QuadStore()
    for name in store.graph_names():
        if name != gone:
            g = Graph()
            for s, p, o, graph in store.quads():
                if str(graph) == name:
                    g.add((s, p, o))
            smaller.replace_graph(name, g)
    report = push(smaller, oxigraph_server, manifest_dir=manifests)
    assert report.deleted == (gone,) and report.pushed == ()
    assert not _remote_rows(oxigraph_server, f"SELECT * WHERE {{ GRAPH <{gone}> {{ ?s ?p ?o }} }}")


def test_bodies_are_byte_stable(store):
    assert graph_bodies(store) == graph_bodies(store)


def test_unreachable_endpoint_is_a_store_error(store, tmp_path):
    with pytest.raises(StoreError, match="failed"):
        push(store, f"http://127.0.0.1:{_free_port()}", manifest_dir=tmp_path)
