"""OWL RL reasoning: owlrl closes the (small) ontology, and its consequences are applied to the data as rules."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
from rdflib import BNode, Graph, Literal, URIRef

from kg.resources import ONTOLOGY_DIR
from kg.vocab import OWL, RDF, RDFS

ONTOLOGY_PATH = ONTOLOGY_DIR / "igkg.ttl"
MAX_ROUNDS = 10  # rules reach a fixpoint in 2-3 rounds; a bound keeps a bad ontology from looping


@dataclass(frozen=True)
class Rules:
    """What owlrl's closure of the ontology says about the data's terms, ready to apply."""

    superclasses: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    superproperties: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    inverses: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    domains: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    ranges: dict[URIRef, frozenset[URIRef]] = field(default_factory=dict)
    symmetric: frozenset[URIRef] = frozenset()
    transitive: frozenset[URIRef] = frozenset()


def load_ontology() -> Graph:
    """ontology/igkg.ttl as a graph (read from bytes: a path string would be fetched, security.md D3)."""
    graph = Graph()
    graph.parse(data=ONTOLOGY_PATH.read_bytes(), format="turtle")
    return graph


def _named_pairs(graph: Graph, predicate: URIRef) -> Iterable[tuple[URIRef, URIRef]]:
    for s, o in graph.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
            yield s, o


def compile_rules(ontology: Graph) -> Rules:
    """Run owlrl's full OWL RL closure over the ontology alone and read the rules off it."""
    closed = Graph()
    for triple in ontology:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    grouped: dict[str, dict[URIRef, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
    for name, pred in (("sub", RDFS.subClassOf), ("subp", RDFS.subPropertyOf), ("inv", OWL.inverseOf),
                       ("dom", RDFS.domain), ("rng", RDFS.range)):
        for s, o in _named_pairs(closed, pred):
            grouped[name][s].add(o)
            if name == "inv":
                grouped[name][o].add(s)
    # owl:Thing and rdfs:Resource add nothing a query needs, and double the size (performance.md).
    noise = {OWL.Thing, RDFS.Resource}

    def freeze(d):
        return {k: frozenset(v - noise) for k, v in d.items() if v - noise}

    return Rules(
        superclasses=freeze(grouped["sub"]),
        superproperties=freeze(grouped["subp"]),
        inverses=freeze(grouped["inv"]),
        domains=freeze(grouped["dom"]),
        ranges=freeze(grouped["rng"]),
        symmetric=frozenset(s for s in closed.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(s, URIRef)),
        transitive=frozenset(s for s in closed.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(s, URIRef)),
    )


@functools.lru_cache(maxsize=1)
def default_rules() -> Rules:
    """Rules compiled from ontology/igkg.ttl, once per process."""
    return compile_rules(load_ontology())


def _consequences(triple, rules: Rules) -> Iterable[tuple]:
    s, p, o = triple
    if p == RDF.type:
        for sup in rules.superclasses.get(o, ()):
            yield s, RDF.type, sup
        return
    for sup in rules.superproperties.get(p, ()):
        yield s, sup, o
    if not isinstance(o, Literal):
        for inv in rules.inverses.get(p, ()):
            yield o, inv, s
        if p in rules.symmetric:
            yield o, p, s
        for cls in rules.ranges.get(p, ()):
            yield o, RDF.type, cls
    for cls in rules.domains.get(p, ()):
        yield s, RDF.type, cls


def infer(data: Graph, rules: Rules | None = None) -> Graph:
    """The triples OWL RL adds to `data` under the ontology (only the new ones), as a separate graph.

    Covers the rules the ontology can trigger on instance data: cax-sco, prp-spo1, prp-inv1/2,
    prp-symp, prp-trp, prp-dom, prp-rng. No owl:sameAs: identity is resolved before RDF.
    """
    rules = rules or default_rules()
    inferred = Graph()
    frontier = list(data)
    seen = set(frontier)
    for _ in range(MAX_ROUNDS):
        new = []
        for triple in frontier:
            for consequence in _consequences(triple, rules):
                if consequence not in seen and not isinstance(consequence[0], Literal):
                    seen.add(consequence)
                    new.append(consequence)
        for consequence in _transitive(seen, rules.transitive):
            seen.add(consequence)
            new.append(consequence)
        if not new:
            break
        for triple in new:
            inferred.add(triple)
        frontier = new
    return inferred


def _transitive(triples: set, properties: frozenset[URIRef]) -> list[tuple]:
    """prp-trp: the transitive closure of each transitive property, as triples not yet seen."""
    added = []
    for prop in properties:
        edges: dict = defaultdict(set)
        for s, p, o in triples:
            if p == prop and not isinstance(o, (Literal, BNode)):
                edges[s].add(o)
        for start in list(edges):
            stack, reach = list(edges[start]), set()
            while stack:
                node = stack.pop()
                if node in reach:
                    continue
                reach.add(node)
                stack.extend(edges.get(node, ()))
            for node in reach:
                if (start, prop, node) not in triples:
                    added.append((start, prop, node))
    return added
