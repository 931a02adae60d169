"""The knowledge base validates against the SHACL shapes (and the shapes do reach its nodes)."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from kg.kb import KB_BASE, load_kb
from kg.validate import validate_graph
from kg.vocab import DCTERMS, SKOS


@pytest.fixture(scope="module")
def kb_graph() -> Graph:
    return load_kb().graph


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def test_the_knowledge_base_conforms_to_the_shapes(kb_graph):
    report = validate_graph(kb_graph)
    assert report.conforms, [str(r) for r in report.results][:10]


@pytest.mark.parametrize("node, prop", [
    ("concept/enhanced-cooperation", SKOS.prefLabel),  # concept shape: a prefLabel
    ("doc/tunis-agenda-for-the-information-society", DCTERMS.title),  # document shape: a title
    ("org/cstd", SKOS.prefLabel),  # organization shape: a prefLabel
])
def test_a_broken_entry_is_reported(kb_graph, node, prop):
    # the shapes really target KB nodes: removing a required name makes the graph fail
    broken = _copy(kb_graph)
    broken.remove((URIRef(KB_BASE + node), prop, None))
    assert not validate_graph(broken).conforms
