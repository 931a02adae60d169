"""Done-when 1: every predicate and class a build writes is standard or defined in ontology/igkg.ttl with a label and comment."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DefinedNamespaceMeta

import kg.vocab as vocab
from kg.export import union_of
from kg.infer import load_ontology
from kg.vocab import IGKG_NS, RDF, RDFS

pytestmark = pytest.mark.filterwarnings("error")

# "Standard" = the namespaces kg/vocab.py exports besides igkg's own (a fixed allowlist: adding one is
# a reviewed change to kg/vocab.py).
STANDARD = tuple(sorted(
    str(ns._NS) if isinstance(ns, DefinedNamespaceMeta) else str(ns)
    for name in vocab.__all__ if name not in ("IGKG", "IGKG_NS")
    for ns in [getattr(vocab, name)] if isinstance(ns, (Namespace, DefinedNamespaceMeta))
))

# The ontology header (written into graph/kb with the rest of igkg.ttl) uses VANN, a standard vocabulary.
VANN = "http://purl.org/vocab/vann/"


def used_terms(graph: Graph) -> set[URIRef]:
    """Every predicate, and every class (object of rdf:type), in the graph."""
    return set(graph.predicates()) | {o for o in graph.objects(None, RDF.type) if isinstance(o, URIRef)}


def undefined(graph: Graph) -> list[str]:
    """Terms neither in a standard namespace nor defined in igkg.ttl with an English label and comment."""
    ontology = load_ontology()
    bad = []
    for term in sorted(used_terms(graph)):
        if str(term).startswith(STANDARD):
            continue
        labels = [x for x in ontology.objects(term, RDFS.label) if isinstance(x, Literal)]
        comments = [x for x in ontology.objects(term, RDFS.comment) if isinstance(x, Literal)]
        if not (str(term).startswith(IGKG_NS) and labels and comments):
            bad.append(str(term))
    return bad


def test_the_allowlist_is_the_standard_vocabularies():
    assert "http://rdfs.org/sioc/ns#" in STANDARD and "https://schema.org/" in STANDARD
    assert not any(ns.startswith(IGKG_NS) for ns in STANDARD)


def test_every_term_in_the_seed_build_is_standard_or_defined(seed_build):
    graph = union_of(seed_build.dataset)
    assert len(used_terms(graph)) > 30
    assert set(undefined(graph)) == set()


def test_every_term_in_a_synthetic_build_is_standard_or_defined(tmp_path):
    from kg import synth
    from kg.config import Settings
    from kg.pipeline import build

    for path, data in synth.pipermail_site(synth.generate(4, 1, seed=3)).items():
        if path.endswith(".html") and not path.endswith(("date.html", "thread.html")):
            target = tmp_path / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    result = build([str(tmp_path)], Settings(quiet=True))
    assert set(undefined(union_of(result.dataset))) == set()


def test_an_undefined_term_is_caught():
    graph = Graph()
    graph.add((URIRef("https://kg.example.org/id/x"), URIRef(IGKG_NS + "madeUp"), Literal("y")))
    graph.add((URIRef("https://kg.example.org/id/x"), RDF.type, URIRef("https://example.org/Thing")))
    assert undefined(graph) == ["https://example.org/Thing", IGKG_NS + "madeUp"]


def test_vann_is_allowlisted():
    assert VANN in STANDARD
