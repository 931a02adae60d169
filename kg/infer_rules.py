"""OWL RL rules read off owlrl's closure of the ontology, and a fixpoint engine that applies them to any term type."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field

import owlrl
from rdflib import Graph, URIRef

from kg.vocab import OWL, RDF, RDFS

MAX_ROUNDS = 50  # each round follows one more rule step; a bound keeps a cyclic ontology from looping
# owl:Thing and rdfs:Resource add nothing a query needs, and double the size (performance.md).
NOISE_CLASSES = frozenset({OWL.Thing, RDFS.Resource})


@dataclass(frozen=True)
class Rules:
    """What owlrl's closure of the ontology says about the data's terms, ready to apply.

    Every map is already closed by owlrl (superclasses of superclasses, domains inherited through
    sub-properties, ...), so one rule step per triple is enough except for chains that start from a
    new triple (an inverse's super-property, a range's superclass), which the engine follows.
    """

    superclasses: dict = field(default_factory=dict)
    superproperties: dict = field(default_factory=dict)
    inverses: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)
    symmetric: frozenset = frozenset()
    transitive: frozenset = frozenset()
    type_predicate: Hashable = RDF.type

    def triggers(self) -> tuple[frozenset, frozenset]:
        """(predicates, classes) whose triples can fire a rule: everything else is inert."""
        preds = (set(self.superproperties) | set(self.inverses) | set(self.domains) | set(self.ranges)
                 | self.symmetric | self.transitive)
        return frozenset(preds), frozenset(self.superclasses)

    def mapped(self, term: Callable) -> Rules:
        """The same rules with every term converted by `term` (e.g. to pyoxigraph terms)."""
        def m(d):
            return {term(k): frozenset(term(v) for v in vs) for k, vs in d.items()}
        return Rules(m(self.superclasses), m(self.superproperties), m(self.inverses), m(self.domains),
                     m(self.ranges), frozenset(map(term, self.symmetric)), frozenset(map(term, self.transitive)),
                     term(self.type_predicate))


def _named_pairs(graph: Graph, predicate: URIRef) -> Iterator[tuple[URIRef, URIRef]]:
    for s, o in graph.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o:
            yield s, o


def compile_rules(ontology: Graph) -> Rules:
    """Run owlrl's full OWL RL closure over the ontology alone and read the rules off it."""
    closed = Graph()
    for triple in ontology:
        closed.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closed)
    grouped: dict[str, dict] = defaultdict(lambda: defaultdict(set))
    for name, pred in (("sub", RDFS.subClassOf), ("subp", RDFS.subPropertyOf), ("inv", OWL.inverseOf),
                       ("dom", RDFS.domain), ("rng", RDFS.range)):
        for s, o in _named_pairs(closed, pred):
            grouped[name][s].add(o)
            if name == "inv":
                grouped[name][o].add(s)

    def freeze(d, noise=frozenset()):
        return {k: frozenset(v - noise) for k, v in d.items() if v - noise}

    return Rules(
        superclasses=freeze(grouped["sub"], NOISE_CLASSES),
        superproperties=freeze(grouped["subp"]),
        inverses=freeze(grouped["inv"]),
        domains=freeze(grouped["dom"], NOISE_CLASSES),
        ranges=freeze(grouped["rng"], NOISE_CLASSES),
        symmetric=frozenset(s for s in closed.subjects(RDF.type, OWL.SymmetricProperty) if isinstance(s, URIRef)),
        transitive=frozenset(s for s in closed.subjects(RDF.type, OWL.TransitiveProperty) if isinstance(s, URIRef)),
    )


def consequences(triple: tuple, rules: Rules, is_literal: Callable) -> Iterator[tuple]:
    """One rule step from one triple: cax-sco, prp-spo1, prp-inv1/2, prp-symp, prp-dom, prp-rng."""
    s, p, o = triple
    if p == rules.type_predicate:
        for sup in rules.superclasses.get(o, ()):
            yield s, p, sup
        return
    for sup in rules.superproperties.get(p, ()):
        yield s, sup, o
    for cls in rules.domains.get(p, ()):
        yield s, rules.type_predicate, cls
    if is_literal(o):  # a literal can be neither a subject nor typed by a range (OWL RL, no datatype typing)
        return
    for inv in rules.inverses.get(p, ()):
        yield o, inv, s
    if p in rules.symmetric:
        yield o, p, s
    for cls in rules.ranges.get(p, ()):
        yield o, rules.type_predicate, cls


# placeholders for a triple's subject and object while its consequences are worked out symbolically
_S, _O = "\x00subject", "\x00object"


@dataclass(frozen=True)
class Templates:
    """Everything one triple implies on its own (all rules but prp-trp followed to the end), per kind
    of triple, so a graph's consequences are looked up rather than derived round by round.

    by_class: class -> ((predicate, object), ...) said of x by (x rdf:type class);
    by_predicate: predicate -> (for an IRI or blank object, for a literal object), each
    ((shape, predicate, constant), ...), shape 0: (s q o), 1: (o q s), 2: (s q constant), 3: (o q
    constant), for (s predicate o);
    chained: predicates whose triples reach a transitive property (their graphs need derive's fixpoint).
    """

    by_class: dict
    by_predicate: dict
    chained: frozenset


def templates(rules: Rules) -> Templates:
    """The rules compiled to Templates (by following `consequences` on placeholder terms)."""
    def implied(seed: tuple, literal: bool) -> list[tuple]:
        seen: set = set()
        frontier = [seed]
        while frontier:
            frontier = [c for t in frontier for c in consequences(t, rules, lambda x: literal and x == _O)
                        if c != seed and c not in seen and not seen.add(c)]
        return sorted(seen, key=str)

    by_class = {c: tuple((q, o) for _, q, o in implied((_S, rules.type_predicate, c), False))
                for c in rules.superclasses}
    by_predicate, chained = {}, set()
    preds = rules.triggers()[0] - {rules.type_predicate}
    for p in preds:
        both = []
        for literal in (False, True):
            shaped = []
            for s, q, o in implied((_S, p, _O), literal):
                if q in rules.transitive or p in rules.transitive:
                    chained.add(p)
                shape = {(_S, _O): 0, (_O, _S): 1}.get((s, o), 2 if s == _S else 3)
                if s not in (_S, _O) or (shape >= 2 and o in (_S, _O)):
                    raise ValueError(f"a rule derives {(s, q, o)} from {p}: not a template shape")
                shaped.append((shape, q, o if shape >= 2 else None))
            both.append(tuple(shaped))
        by_predicate[p] = tuple(both)
    return Templates(by_class, by_predicate, frozenset(chained | (rules.transitive & preds)))


def derive(seeds: Iterable[tuple], rules: Rules, known: Callable[[tuple], bool], is_literal: Callable,
           transitive_edges: Callable[[Hashable], Iterable[tuple]]) -> list[tuple]:
    """Every triple the rules add to a dataset, in a stable order, none already `known`.

    `seeds`: the dataset's triples that can fire a rule (see Rules.triggers); `known(t)`: whether the
    dataset already holds t; `transitive_edges(p)`: the dataset's (s, o) pairs of a transitive p.
    Works on rdflib or pyoxigraph terms alike, so the store never has to be copied into rdflib.
    """
    added: list[tuple] = []
    seen: set = set()

    def fresh(triples: Iterable[tuple]) -> list[tuple]:
        out = []
        for t in triples:
            if t not in seen and not known(t):
                seen.add(t)
                out.append(t)
        return out

    frontier = fresh(c for t in seeds for c in consequences(t, rules, is_literal))
    for _ in range(MAX_ROUNDS):
        added.extend(frontier)
        nxt = fresh(c for t in frontier for c in consequences(t, rules, is_literal))
        # prp-trp: close each transitive property over the dataset's edges and the new ones
        for prop in sorted(rules.transitive, key=str):
            edges = list(transitive_edges(prop)) + [(s, o) for s, p, o in added + nxt if p == prop]
            nxt += fresh((s, prop, o) for s, o in _closure(edges))
        if not nxt:
            return added
        frontier = nxt
    return added


def _closure(edges: list[tuple]) -> Iterator[tuple]:
    """All (a, c) reachable through one or more edges."""
    out: dict = defaultdict(set)
    for s, o in edges:
        out[s].add(o)
    for start in sorted(out, key=str):
        stack, reach = list(out[start]), set()
        while stack:
            node = stack.pop()
            if node in reach:
                continue
            reach.add(node)
            stack.extend(out.get(node, ()))
        for node in sorted(reach, key=str):
            yield start, node


__all__ = ["MAX_ROUNDS", "NOISE_CLASSES", "Rules", "Templates", "compile_rules", "consequences", "derive", "templates"]
