"""OWL RL reasoning: owlrl closes the (small) ontology, and its consequences are applied to the data as rules."""

from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import Graph, Literal

from kg.infer_rules import Rules, compile_rules, derive
from kg.resources import ONTOLOGY_DIR

ONTOLOGY_PATH = ONTOLOGY_DIR / "igkg.ttl"
INFERRED_GRAPH_SUFFIX = "graph/inferred"


def load_ontology() -> Graph:
    """ontology/igkg.ttl as a graph (read from bytes: a path string would be fetched, security.md D3)."""
    graph = Graph()
    graph.parse(data=ONTOLOGY_PATH.read_bytes(), format="turtle")
    return graph


@functools.lru_cache(maxsize=1)
def default_rules() -> Rules:
    """Rules compiled from ontology/igkg.ttl, once per process."""
    return compile_rules(load_ontology())


@functools.lru_cache(maxsize=1)
def _ox_rules() -> Rules:
    return default_rules().mapped(lambda t: ox.NamedNode(str(t)))


def infer(data: Graph, rules: Rules | None = None) -> Graph:
    """The triples OWL RL adds to `data` under the ontology (only the new ones), as a separate graph.

    Covers the rules the ontology can trigger on instance data: cax-sco, prp-spo1, prp-inv1/2,
    prp-symp, prp-trp, prp-dom, prp-rng. No owl:sameAs: identity is resolved before RDF.
    tests/test_infer.py checks the result against owlrl's full closure.
    """
    rules = rules or default_rules()
    preds, classes = rules.triggers()
    seeds = [t for t in data if t[1] in preds or (t[1] == rules.type_predicate and t[2] in classes)]
    added = derive(seeds, rules, data.__contains__, lambda t: isinstance(t, Literal),
                   lambda p: data.subject_objects(p))
    inferred = Graph()
    for triple in added:
        inferred.add(triple)
    return inferred


def infer_store(store, graph_iri: str | None = None, rules: Rules | None = None,
                added: list[str] | None = None) -> int:
    """Recompute the inferred named graph of a kg.store.QuadStore from its other graphs; the number of
    triples it holds (or, with `added`, the number added).

    Streams only the quads that can fire a rule (one index lookup per trigger predicate and class),
    never the whole store into rdflib,
    and replaces `graph_iri` (default: the store's `.../graph/inferred`, found among its graphs,
    else `<base>graph/inferred` of the first graph) at once. `added`: graphs that are new since the
    inferred graph was computed, when no graph was removed or replaced since (the rules only add, so
    the new consequences are those of the new graphs' triples): only they are read, and what they
    imply is added to the inferred graph.
    """
    raw: ox.Store = store._store
    target = ox.NamedNode(graph_iri or _inferred_graph_name(store))
    rules = _ox_rules() if rules is None else rules.mapped(lambda t: ox.NamedNode(str(t)))
    preds, classes = rules.triggers()
    incremental = added is not None and raw.contains_named_graph(target)
    present: dict = {}

    def data_quads(s, p, o):
        return (q for q in raw.quads_for_pattern(s, p, o, None) if q.graph_name != target)

    def seeds():
        if incremental:
            for name in added:
                for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                    if q.predicate in preds or (q.predicate == rules.type_predicate and q.object in classes):
                        yield q.subject, q.predicate, q.object
            return
        for p in sorted(preds, key=str):
            for q in data_quads(None, p, None):
                yield q.subject, q.predicate, q.object
        for c in sorted(classes, key=str):
            for q in data_quads(None, rules.type_predicate, c):
                yield q.subject, q.predicate, q.object

    def known(t) -> bool:
        p = t[1]
        if p not in present:  # most derived predicates (inverses) occur nowhere in the data: no lookup
            present[p] = next(data_quads(None, p, None), None) is not None
        if not present[p]:
            return False
        if incremental and next(raw.quads_for_pattern(*t, target), None) is not None:
            return True  # already inferred from an earlier graph
        return next(data_quads(*t), None) is not None

    derived = derive(seeds(), rules, known, lambda t: isinstance(t, ox.Literal),
                     lambda p: ((q.subject, q.object) for q in data_quads(None, p, None)))
    if incremental:
        # what the new graphs state outright is no longer inferred (a full run would not list it)
        for quad in _now_stated(raw, added, rules, target):
            raw.remove(quad)
        raw.extend(ox.Quad(s, p, o, target) for s, p, o in derived)
        return len(derived)
    if raw.contains_named_graph(target):
        raw.remove_graph(target)
    raw.extend(ox.Quad(s, p, o, target) for s, p, o in derived)
    return len(derived)


def _now_stated(raw: ox.Store, added: list[str], rules: Rules, target: ox.NamedNode) -> list:
    """Quads of the inferred graph that one of the `added` graphs states."""
    derivable_preds = {p for ps in list(rules.superproperties.values()) + list(rules.inverses.values()) for p in ps}
    derivable_preds |= rules.symmetric | rules.transitive
    derivable_classes = {c for cs in list(rules.superclasses.values()) + list(rules.domains.values())
                         + list(rules.ranges.values()) for c in cs}
    found = []
    for name in added:
        for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(name)):
            if q.predicate in derivable_preds or (q.predicate == rules.type_predicate and q.object in derivable_classes):
                inferred = ox.Quad(q.subject, q.predicate, q.object, target)
                if next(raw.quads_for_pattern(q.subject, q.predicate, q.object, target), None) is not None:
                    found.append(inferred)
    return found


def _inferred_graph_name(store) -> str:
    names = store.graph_names()
    for name in names:
        if name.endswith(INFERRED_GRAPH_SUFFIX):
            return name
    for name in names:
        if "/graph/" in name:
            return name.split("/graph/")[0] + "/" + INFERRED_GRAPH_SUFFIX
    raise ValueError("the store has no igkg named graph to infer from; pass graph_iri")


__all__ = ["ONTOLOGY_PATH", "Rules", "compile_rules", "default_rules", "infer", "infer_store", "load_ontology"]
