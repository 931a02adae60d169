"""Graph Store Protocol push into a real Oxigraph server on loopback, then the same queries on both sides."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg.errors import StoreError
from kg.push import graph_bodies, push
from kg.remote import RemoteStore
from kg.store import QuadStore

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oxigraph_support import free_port, oxigraph_server  # noqa: E402,F401  (a real Oxigraph server)
from test_serve import BASE, load_store  # noqa: E402  (the shared hand-written fixture)

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
        assert {tuple(r) for r in RemoteStore(oxigraph_server + '/query').query(query).rows} == local, query


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
    remote = {tuple(r) for r in RemoteStore(oxigraph_server + "/query").query(
        f"SELECT ?p ?o WHERE {{ GRAPH <{changed}> {{ ?s ?p ?o }} }}").rows}
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
    assert not RemoteStore(oxigraph_server + "/query").query(f"SELECT * WHERE {{ GRAPH <{gone}> {{ ?s ?p ?o }} }}").rows


def test_bodies_are_byte_stable(store):
    assert graph_bodies(store) == graph_bodies(store)


def test_unreachable_endpoint_is_a_store_error(store, tmp_path):
    with pytest.raises(StoreError, match="failed"):
        push(store, f"http://127.0.0.1:{free_port()}", manifest_dir=tmp_path)
