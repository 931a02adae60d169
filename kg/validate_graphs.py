"""One graph checked on its own: results about the nodes it owns, class tests left for the union, the shared nodes it touches."""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.infer_local import implied, text_rules
from kg.infer_rules import Rules
from kg.validate import ValidationResult
from kg.validate_codegen import compiled_shapes
from kg.validate_eval import RDF_TYPE, Description, NodeSpec, Unresolved, is_target, node_specs, targeting_predicates

# A message graph <base>graph/post/<id> is the only graph that describes the nodes minted for that
# message (kg.identity.Minter hashes the message id into them): its post, its annotations with their
# targets, selectors and statements, and its memberships. Those "owned" nodes are checked with the
# graph alone (plus what the rules derive from it); every other node (people, lists, organisations,
# extractors) is described by many graphs and is checked from the union ("shared" nodes).
_MESSAGE_GRAPH = re.compile(r"(.*/)graph/post/[^/]+")
OWNED_KINDS = ("annotation/", "post/", "membership/")
_NO_TYPES: frozenset = frozenset()
_OBJECT = operator.itemgetter(2)


def owned_prefixes(graph_name: str) -> tuple[str, ...]:
    """N-Triples prefixes of the nodes a message graph owns (none for other graphs)."""
    match = _MESSAGE_GRAPH.fullmatch(graph_name)
    return tuple(f"<{match[1]}{kind}" for kind in OWNED_KINDS) if match else ()


def all_owned_prefixes(graph_names: Iterable[str]) -> tuple[str, ...]:
    """owned_prefixes of every message graph among `graph_names`, each once (no regex per graph:
    a store holds a graph per message)."""
    bases = set()
    for name in graph_names:
        at = name.rfind("/graph/post/")
        if at >= 0 and len(name) > at + 12 and "/" not in name[at + 12:]:
            bases.add(name[:at + 1])
    return tuple(f"<{base}{kind}" for base in sorted(bases) for kind in OWNED_KINDS)


_POST = re.compile(r"<(.*/)post/([^/]+)>")


def post_graph(node: str) -> str | None:
    """The message graph that owns post `node` (N-Triples), by kg.identity.Minter's naming; None for other nodes."""
    match = _POST.fullmatch(node)
    return f"{match[1]}graph/post/{match[2]}" if match else None


@dataclass
class GraphCheck:
    """What checking one graph found, as JSON-ready lists.

    rows: results about owned nodes; deferred: [result row..., class]: a result only if the value
    turns out not to have the class in the union; shared: nodes the graph describes or targets but
    does not own; referenced: nodes named like another graph's owned nodes (a replied-to post): they
    need a check from the union only if no graph describes them; recheck: owned nodes whose check
    needs the union (a class test inside sh:or / sh:not / a qualified count); exposed: owned posts,
    which other graphs name (reply_of, quotedIn): their class tests wait on them.
    """

    rows: list[list[str]] = field(default_factory=list)
    deferred: list[list[str]] = field(default_factory=list)
    shared: list[str] = field(default_factory=list)
    referenced: list[str] = field(default_factory=list)
    recheck: list[str] = field(default_factory=list)
    exposed: list[str] = field(default_factory=list)


def parse_lines(lines: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """(subject, predicate, object) N-Triples texts of canonical N-Triples lines ("s p o .")."""
    for line in lines:
        if line:
            s, p, o = line.split(" ", 2)  # subjects and predicates hold no space
            yield s, p, o[:-2]


def describe(triples: Iterable[tuple[str, str, str]]) -> dict[str, Description]:
    """subject -> predicate -> objects."""
    out: dict[str, Description] = {}
    for s, p, o in triples:
        d = out.get(s)
        if d is None:
            out[s] = {p: {o}}
            continue
        values = d.get(p)
        if values is None:
            d[p] = {o}
        else:
            values.add(o)
    return out


@functools.lru_cache(maxsize=1)
def _text_rules() -> tuple[Rules, frozenset, frozenset, frozenset]:
    rules = text_rules()
    preds, classes = rules.triggers()
    # predicates whose consequences are about their object (prp-inv, prp-symp, prp-rng)
    flips = frozenset(rules.inverses) | rules.symmetric | frozenset(rules.ranges)
    return rules, preds, classes, flips


def local_consequences(triples: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """What the ontology's rules derive from these triples alone (every rule but transitivity, which
    needs the union), followed to the end (kg.infer_local.implied)."""
    return implied(triples)


class Checker:
    """Runs the node shapes on nodes; `is_a` answers from the graph at hand or raises Unresolved."""

    def __init__(self, union_has=None, down=None):
        self.specs: tuple[NodeSpec, ...] = node_specs()
        self._compiled = compiled_shapes()
        self.local: dict[str, Description] = {}
        self.owned: set[str] = set()
        # union_has(node, classes): whether the node has one of the classes in the union (kg.validation.UnionView)
        self._union_has, self._down = union_has, down or _ontology_down()
        self._targets: dict[tuple, tuple] = {}
        self._by_types: dict[frozenset, tuple] = {}
        self._target_nodes = frozenset(n for spec in self.specs for n in spec.nodes)
        self._subjects_of = targeting_predicates()[0]
        # _down's answers for every class a shape tests (a dict lookup is cheaper than its cache)
        self._classes: dict[str, frozenset[str]] = {cls: self._down(cls) for cls in _tested_classes(self.specs)}

    def is_a(self, node: str, cls: str) -> bool:
        """Whether `node` has `cls` (or a subclass): owned and described nodes answer locally; a shared
        node without the class here may still have it elsewhere: Unresolved, unless the union is at hand."""
        classes = self._classes.get(cls)
        if classes is None:
            classes = self._classes[cls] = self._down(cls)
        d = self.local.get(node)
        if d is not None and not classes.isdisjoint(d.get(RDF_TYPE, ())):
            return True
        if node in self.owned or node[0] == '"':
            return False
        if self._union_has is None:
            raise Unresolved(node)
        return self._union_has(node, classes)

    def shapes_for(self, node: str, description: Description, objects_of) -> tuple[NodeSpec, ...]:
        """The node shapes that target `node`: decided once per combination of types and target predicates."""
        if not objects_of and self._subjects_of.isdisjoint(description) and node not in self._target_nodes:
            # the common case (most nodes are targeted by class alone): keyed by the types only
            types = description.get(RDF_TYPE)
            by_types = frozenset(types) if types else _NO_TYPES
            found = self._by_types.get(by_types)
            if found is None:
                found = self._by_types[by_types] = self._decide(node, description, objects_of, by_types)
            return found
        key = (frozenset(description.get(RDF_TYPE, ())), self._subjects_of.intersection(description),
               frozenset(objects_of), node if node in self._target_nodes else "")
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = self._decide(node, description, objects_of, key[0])
        return found

    def _decide(self, node: str, description: Description, objects_of, types: frozenset) -> tuple[NodeSpec, ...]:
        is_a = (lambda _n, cls: not self._down(cls).isdisjoint(types))
        return tuple(s for s in self.specs if is_target(s, node, description, is_a, objects_of))

    def check(self, node: str, description: Description, objects_of, defer=None) -> list[ValidationResult]:
        """Every result about `node`; Unresolved when a class test other than a direct one cannot tell."""
        out = []
        for spec in self.shapes_for(node, description, objects_of):
            found = self._compiled[spec.shape](node, description, self.is_a, defer, self.local, self._classes)
            if found:
                out += found
        return out


def _tested_classes(specs: Iterable[NodeSpec]) -> set[str]:
    """The classes of the shapes' direct and qualified sh:class tests (those kg.validate_codegen inlines)."""
    out = set()
    for spec in specs:
        out.update(cls for _, _, cls in spec.tests if cls)
        for p in spec.properties:
            out.update(cls for _, _, cls in p.tests if cls)
            if (cls := getattr(p.qualified, "class_iri", None)) is not None:
                out.add(cls)
    return out


@functools.lru_cache(maxsize=1)
def _ontology_down():
    """cls -> itself and its subclasses in the ontology (the class axioms the KB graph carries)."""
    from kg.infer import load_ontology
    from kg.vocab import RDFS

    return subclass_index((str(s), str(o)) for s, o in load_ontology().subject_objects(RDFS.subClassOf))


def subclass_index(pairs: Iterable[tuple[str, str]]):
    """A function: class IRI -> frozenset of N-Triples IRIs of it and its rdfs:subClassOf* descendants."""
    children: dict[str, set[str]] = {}
    for sub, sup in pairs:
        children.setdefault(sup, set()).add(sub)

    @functools.lru_cache(maxsize=None)
    def down(cls: str) -> frozenset[str]:
        seen, todo = {cls}, [cls]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return frozenset(f"<{c}>" for c in seen)

    return down


def _seeds(triples: Iterable[tuple[str, str, str]], owned: set[str], shared: set[str]) -> list[tuple[str, str, str]]:
    """The triples whose consequences are about owned nodes (the rules' premises among them); adds to
    `shared` the shared nodes the rules describe through the graph (prp-inv, prp-symp, prp-rng)."""
    rules, preds, classes, flips = _text_rules()
    seeds = []
    for t in triples:
        s, p, o = t
        if p in preds or (p == rules.type_predicate and o in classes):
            if s in owned or o in owned:
                seeds.append(t)
            elif p in flips and o[0] != '"':
                shared.add(o)
    return seeds


def rows(results: Iterable[ValidationResult]) -> list[list[str]]:
    """Results as JSON-ready rows (field order: kg.validate.ValidationResult's)."""
    return [[r.focus_node, r.result_path, r.constraint_component, r.severity, r.message, r.source_shape, r.value]
            for r in results]


def check_graph(name: str, triples: list[tuple[str, str, str]], checker: Checker | None = None,
                derived: Iterable[tuple[str, str, str]] | None = None) -> GraphCheck:
    """Check graph `name` on its own (at build time, before the other graphs exist).

    `derived`: what the rules derive from the graph (kg.infer_local.graph_consequences), when the
    build has it already; otherwise the rules run here. Its in-graph transitive chains are never
    about owned nodes (no owned node has a transitive property), so the result is the same.
    """
    checker = checker or Checker()
    prefixes = owned_prefixes(name)
    descriptions = describe(triples)
    owned = {s for s in descriptions if s.startswith(prefixes)} if prefixes else set()
    objects_of = targeting_predicates()[1]
    inbound: dict[str, set[str]] = {}
    for d in descriptions.values():  # a few target predicates: looked up per subject, not per triple
        for p in objects_of:
            for o in d.get(p, ()):
                inbound.setdefault(o, set()).add(p)
    shared = set(descriptions) - owned
    # another message's posts (a reply's parent): checked by their own graph
    foreign = {o for o in set(map(_OBJECT, triples)) if o[0] == "<" and o.startswith(prefixes)} - owned \
        if prefixes else set()
    if derived is None:
        derived = local_consequences(_seeds(triples, owned, shared))
    for s, p, o in derived:  # (it also names the shared nodes the rules describe)
        if s in owned:
            descriptions[s].setdefault(p, set()).add(o)
        else:
            shared.add(s)
    shared.update(o for o in inbound if o not in owned and o[0] != '"')
    if prefixes:
        foreign.update(n for n in shared if n.startswith(prefixes))
    posts = prefixes[1:2]  # OWNED_KINDS[1] (none for other graphs)
    out = GraphCheck(shared=sorted(shared - foreign), referenced=sorted(foreign),
                     exposed=sorted(s for s in owned if s.startswith(posts)))
    deferred: list = []

    def defer(result: ValidationResult, cls: str) -> None:
        deferred.append([*rows([result])[0], cls])

    checker.local, checker.owned = descriptions, owned
    try:
        for s in sorted(owned):
            mark = len(deferred)
            try:
                found = checker.check(s, descriptions[s], inbound.get(s, ()), defer)
                if found:
                    out.rows += rows(found)
            except Unresolved:
                del deferred[mark:]
                out.recheck.append(s)
    finally:
        checker.local, checker.owned = {}, set()
    out.deferred = deferred
    return out


__all__ = ["Checker", "GraphCheck", "OWNED_KINDS", "all_owned_prefixes", "check_graph", "describe",
           "local_consequences", "owned_prefixes", "parse_lines", "post_graph", "rows", "subclass_index"]
