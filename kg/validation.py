"""Validate a store: each graph's own check (made by the build, or here), then what needs the union: shared nodes, class tests."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import pyoxigraph as ox

from kg.infer import INFERRED_GRAPH_SUFFIX
from kg.validate import ValidationResult
from kg.validate_eval import RDF_TYPE, Description, targeting_predicates
from kg.validate_graphs import Checker, GraphCheck, check_graph, describe, owned_prefixes, parse_lines, rows, subclass_index
from kg.validate_report import StoreReport, shapes_key
from kg.validation_cache import ValidationCache, value_term

SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def _term(text: str):
    return ox.NamedNode(text[1:-1]) if text[0] == "<" else ox.BlankNode(text[2:])


class UnionView:
    """What the whole store says about single nodes: their types (cached), descriptions, incoming targets."""

    def __init__(self, raw: ox.Store, skip_graph: str | None):
        self.raw = raw
        self._skip = ox.NamedNode(skip_graph) if skip_graph else None
        self._type = ox.NamedNode(RDF_TYPE[1:-1])
        self._types: dict[str, frozenset[str]] = {}
        self.down = subclass_index((q.subject.value, q.object.value) for q in
                                   raw.quads_for_pattern(None, ox.NamedNode(SUBCLASS), None, None)
                                   if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode))

    def types(self, node: str) -> frozenset[str]:
        """The node's rdf:type values in any graph."""
        found = self._types.get(node)
        if found is None:
            found = frozenset(str(q.object) for q in self.raw.quads_for_pattern(_term(node), self._type, None, None))
            if len(self._types) > 500_000:  # bounded: a long archive names many posts once each
                self._types.clear()
            self._types[node] = found
        return found

    def description(self, node: str) -> Description:
        """Everything every graph says about `node` (a triple in several graphs counted once)."""
        return describe((node, str(q.predicate), str(q.object))
                        for q in self.raw.quads_for_pattern(_term(node), None, None, None)).get(node, {})

    def described_outside(self, node: str) -> bool:
        """Whether a graph other than the inferred one describes `node`."""
        return any(q.graph_name != self._skip for q in self.raw.quads_for_pattern(_term(node), None, None, None))

    def objects_of(self, node: str, predicates) -> list[str]:
        """Which of `predicates` have `node` as an object somewhere."""
        term = _term(node)
        return [p for p in sorted(predicates)
                if next(self.raw.quads_for_pattern(None, ox.NamedNode(p[1:-1]), term, None), None) is not None]


def text_triples(triples) -> list[tuple[str, str, str]]:
    """Triples as N-Triples term texts: the store path's are already (kg.terms.NTriplesTerms); rdflib
    terms (in-memory builds, the KB graph) are spelled the way the store writes them."""
    from rdflib.term import Node

    from kg.store import to_ox

    out = list(triples)
    if out and isinstance(out[0][0], Node):
        memo: dict = {}
        out = [tuple(memo[t] if t in memo else memo.setdefault(t, str(to_ox(t))) for t in triple) for triple in out]
    return out


class BuildChecks:
    """Checks each graph the build writes (its triples are at hand: nothing is read back) into a
    ValidationCache, in batches; `igkg validate` then only settles what needs the union."""

    BATCH = 256

    def __init__(self, cache: ValidationCache):
        self.cache = cache
        cache.ensure_key(shapes_key())
        self.checker = Checker()
        self.seconds = 0.0
        self._batch: list = []

    def add(self, iri: str, digest: str, triples) -> None:
        """Check graph `iri` (N-Triples term triples) whose content hash the build records as `digest`."""
        start = time.perf_counter()
        self.add_check(iri, digest, check_graph(iri, text_triples(triples), self.checker))
        self.seconds += time.perf_counter() - start

    def add_check(self, iri: str, digest: str, check: GraphCheck, seconds: float = 0.0) -> None:
        """Record the check of graph `iri` made elsewhere (kg.map_stage), which took `seconds`."""
        self.seconds += seconds
        self._batch.append((iri, "s:" + digest, check))
        if len(self._batch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Store the checks made so far."""
        if self._batch:
            self.cache.put(self._batch)
            self._batch = []


def validate(store, cache: ValidationCache | None = None, keys: dict[str, str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> StoreReport:
    """Validate a kg.store.QuadStore against the shapes; results equal pyshacl's over the union.

    Graphs whose check in `cache` was made for their current content (`keys`: graph -> content
    hash, as kg.state.BuildState records them; without it each graph is read and hashed) are not
    read again: the build checks each graph as it writes it (kg.pipeline). What a graph could not
    decide alone is settled here against the union, and only for graphs that changed: shared nodes
    (people, lists, organisations) they describe, class tests on other graphs' nodes, replied-to
    posts no graph describes. Not re-checked after a change elsewhere: an owned node's results that
    depend on inferred triples other graphs cause (no shape reads an inverse property of an owned
    node; tests/test_validation.py keeps it so).
    """
    raw: ox.Store = store._store
    clock = {"read": 0.0, "graphs": 0.0, "union": 0.0}
    cache = cache if cache is not None else ValidationCache()
    kept = cache.ensure_key(shapes_key())
    keys = keys or {}
    all_names = store.graph_names()
    inferred = next((n for n in all_names if n.endswith(INFERRED_GRAPH_SUFFIX)), None)
    names = [n for n in all_names if n != inferred]
    known = cache.keys()
    cache.remove(set(known) - set(names))
    checked, local = 0, Checker()
    for i, name in enumerate(names):
        if name in keys and known.get(name) == "s:" + keys[name]:
            continue
        start = time.perf_counter()
        data = raw.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name))
        key = "s:" + keys[name] if name in keys else "d:" + hashlib.sha256(data).hexdigest()[:24]
        clock["read"] += time.perf_counter() - start
        if known.get(name) == key:
            continue
        start = time.perf_counter()
        triples = list(parse_lines(data.decode("utf-8", "surrogatepass").split("\n")))
        cache.put([(name, key, check_graph(name, triples, local))])
        checked += 1
        clock["graphs"] += time.perf_counter() - start
        if progress:
            progress(i + 1, len(names))
    start = time.perf_counter()
    union = UnionView(raw, inferred)
    checker = Checker(union.types, union.down)
    objects_of = targeting_predicates()[1]
    unsettled = dict(cache.unsettled())
    full = not kept or not cache.has_shared()
    touched = cache.take_stale()
    for spec in unsettled.values():
        touched.update(spec["shared"], spec["referenced"], spec["exposed"])
    if full:
        cache.clear_shared()
        touched |= cache.all_shared()
    # a class test left by an already settled graph is decided again when its value's types changed
    deferring = cache.deferred_values()
    retyped = cache.changed_types({n: union.types(n) for n in (deferring if full else touched & deferring)})
    if not full:
        unsettled.update(cache.specs(cache.graphs_deferring_on(retyped) - set(unsettled)))
    cache.settle((iri, _settle(spec, union, checker, objects_of)) for iri, spec in sorted(unsettled.items()))
    owned = tuple({p for n in names for p in owned_prefixes(n)})
    shared: dict[str, list | None] = {}
    for node in sorted(touched | {n for spec in checker.specs for n in spec.nodes}):
        if node[0] == '"':
            continue
        if owned and node.startswith(owned) and union.described_outside(node):
            shared[node] = None  # a message graph owns it and checked it
            continue
        description = union.description(node)
        found = checker.check(node, description, union.objects_of(node, objects_of))
        shared[node] = rows(found) if (description or found) else None
    cache.set_shared(shared)
    clock["union"] = time.perf_counter() - start
    results = tuple(sorted(ValidationResult(*row) for row in cache.results()))
    return StoreReport(results, checked, len(names) - checked, len(shared), clock)


def _settle(spec: dict, union: UnionView, checker: Checker, objects_of) -> list[list[str]]:
    """What a graph's check left to the union: deferred class tests and nodes to re-check from it."""
    out = []
    for row in spec["deferred"]:
        *result, cls = row
        if not checker.is_a(value_term(result[6]), cls):
            out.append(result)
    for node in spec["recheck"]:
        out.extend(rows(checker.check(node, union.description(node), union.objects_of(node, objects_of))))
    return out


__all__ = ["BuildChecks", "UnionView", "validate"]
