"""Validate a store: each graph's own check (made by the build, or here), then what needs the union: shared nodes, class tests."""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import replace

import pyoxigraph as ox

from kg.infer import INFERRED_GRAPH_SUFFIX
from kg.validate import ValidationResult
from kg.validate_eval import (_COMPONENT, RDF_TYPE, Description, NodeSpec, PropertySpec, evaluate, result_text,
                              targeting_predicates)
from kg.validate_graphs import (OWNED_KINDS, Checker, GraphCheck, _text_rules, all_owned_prefixes, check_graph,
                                describe, local_consequences, parse_lines, post_graph, rows, subclass_index)
from kg.validate_report import StoreReport, shapes_key
from kg.validation_cache import ValidationCache, value_term

SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


def _term(text: str):
    return ox.NamedNode(text[1:-1]) if text[0] == "<" else ox.BlankNode(text[2:])


# A node with more quads than this about it is read with SPARQL DISTINCT: a hub (an extractor, the
# list, a prolific author) is restated in every graph that names it, and Python then sees each
# distinct triple once instead of once per graph (the 7 extractors alone: 300k quads each at 100k).
_FEW_QUADS = 64
_DISTINCT = "SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o }"  # ?s, ?p bound by substitution (so projected)
# After this many class tests for the same classes, their instances are read in one index scan and
# the tests answered from it: a person with a membership in each of thousands of messages, the
# replied-to posts of a whole archive, would otherwise each be a lookup.
_MANY_TESTS = 2000  # (a lookup costs ~40 us; a scan of a class with 100k instances, seconds)
_TYPES_OF = "SELECT ?s ?t WHERE { VALUES ?s { NODES } ?s a ?t }"
_TYPES_BATCH = 500


class UnionView:
    """What the whole store says about single nodes: their types (cached), descriptions, incoming targets."""

    def __init__(self, raw: ox.Store, skip_graph: str | None):
        self.raw = raw
        self._skip = ox.NamedNode(skip_graph) if skip_graph else None
        self._type = ox.NamedNode(RDF_TYPE[1:-1])
        self._types: dict[str, frozenset[str]] = {}
        self._instances: dict[frozenset[str], set[str]] = {}
        self._tests: dict[frozenset[str], int] = {}
        self.down = subclass_index((q.subject.value, q.object.value) for q in
                                   raw.quads_for_pattern(None, ox.NamedNode(SUBCLASS), None, None)
                                   if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode))

    def types(self, node: str) -> frozenset[str]:
        """The node's rdf:type values in any graph."""
        found = self._types.get(node)
        if found is None:
            found = self._remember(node, frozenset(self._values(_term(node), self._type)))
        return found

    def _remember(self, node: str, types: frozenset[str]) -> frozenset[str]:
        if len(self._types) > 500_000:  # bounded: a long archive names many posts once each
            self._types.clear()
        self._types[node] = types
        return types

    def types_of(self, nodes: Iterable[str]) -> dict[str, frozenset[str]]:
        """The types of many nodes, the IRIs among them read a few hundred per query."""
        out, todo = {}, []
        for node in nodes:
            found = self._types.get(node)
            if found is not None:
                out[node] = found
            elif node[0] == "<":
                todo.append(node)
            else:
                out[node] = self.types(node)
        for start in range(0, len(todo), _TYPES_BATCH):
            batch = todo[start:start + _TYPES_BATCH]
            found_types: dict[str, set[str]] = {n: set() for n in batch}
            # each node is a store IRI, which pyoxigraph checked as SPARQL's parser would: safe in <...>
            for row in self.raw.query(_TYPES_OF.replace("NODES", " ".join(batch)), use_default_graph_as_union=True):
                found_types[str(row["s"])].add(str(row["t"]))
            for node, types in found_types.items():
                out[node] = self._remember(node, frozenset(types))
        return out

    def description(self, node: str) -> Description:
        """Everything every graph says about `node` (a triple in several graphs counted once)."""
        term = _term(node)
        few = self._few(term)
        if few is not None:
            pairs = [(str(q.predicate), str(q.object)) for q in few]
        else:
            pairs = [(str(row["p"]), str(row["o"])) for row in self._distinct(_DISTINCT, s=term)]
        return describe((node, p, o) for p, o in pairs).get(node, {})

    def _values(self, term, predicate: ox.NamedNode) -> set[str]:
        """The distinct objects of `term` on `predicate` in any graph."""
        few = self._few(term, predicate)
        if few is not None:
            return {str(q.object) for q in few}
        return {str(row["o"]) for row in self._distinct(_DISTINCT, s=term, p=predicate)}

    def _few(self, term, predicate: ox.NamedNode | None = None) -> list | None:
        """The quads about `term` (on `predicate`) when they are fewer than _FEW_QUADS; None for a hub."""
        few = list(itertools.islice(self.raw.quads_for_pattern(term, predicate, None, None), _FEW_QUADS))
        return few if len(few) < _FEW_QUADS else None

    def _distinct(self, query: str, **bound):
        return self.raw.query(query, use_default_graph_as_union=True,
                              substitutions={ox.Variable(k): v for k, v in bound.items()})

    def has_class(self, node: str, classes: frozenset[str]) -> bool:
        """Whether the node has one of `classes` (N-Triples IRIs) in any graph."""
        found = self._types.get(node)
        if found is not None:
            return not classes.isdisjoint(found)
        members = self._instances.get(classes)
        if members is None:
            self._tests[classes] = self._tests.get(classes, 0) + 1
            if self._tests[classes] <= _MANY_TESTS:
                return not classes.isdisjoint(self.types(node))
            members = self._instances[classes] = {str(row["s"]) for c in sorted(classes)
                                                  for row in self._distinct(_DISTINCT, p=self._type, o=_term(c))}
        return node in members

    def description_for(self, node: str, shapes_for: Callable, incoming: list[str]) -> tuple[Description, bool]:
        """What the shapes that target `node` read of it, and whether anything is said about it at all.

        All of it for most nodes; for a hub (restated in many graphs) only its types, the target
        predicates it is a subject of and the paths those shapes read: the list's sioc:container_of
        (every post) is read by no shape. `shapes_for(node, description, incoming)`: Checker.shapes_for.
        """
        term = _term(node)
        few = self._few(term)
        if few is not None:
            return describe((node, str(q.predicate), str(q.object)) for q in few).get(node, {}), bool(few)
        description: Description = {RDF_TYPE: set(types)} if (types := self.types(node)) else {}
        for p in targeting_predicates()[0]:
            if next(self.raw.quads_for_pattern(term, ox.NamedNode(p[1:-1]), None, None), None) is not None:
                description[p] = set()
        read = {q for spec in shapes_for(node, description, incoming) for ps in spec.properties
                for q in (ps.path, ps.disjoint, ps.less_or_equal) if q}
        for p in (read | set(description)) - {RDF_TYPE}:
            if values := self._values(term, ox.NamedNode(p[1:-1])):
                description[p] = values
        return description, True

    def described_outside(self, node: str) -> bool:
        """Whether a graph other than the inferred one describes `node`."""
        return any(q.graph_name != self._skip for q in self.raw.quads_for_pattern(_term(node), None, None, None))

    def objects(self, node: str, predicate: str) -> set[str]:
        """The node's values on one predicate, in any graph."""
        return self._values(_term(node), ox.NamedNode(predicate[1:-1]))

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
    """The checks of the graphs the build writes (made as each is mapped, its triples at hand:
    nothing is read back), into a ValidationCache in batches; `igkg validate` then only settles
    what needs the union."""

    BATCH = 256

    def __init__(self, cache: ValidationCache):
        self.cache = cache
        cache.ensure_key(shapes_key())
        self.checker = Checker()
        self.seconds = 0.0
        self._batch: list = []

    def add_check(self, iri: str, digest: str, check: GraphCheck, seconds: float = 0.0) -> None:
        """Record the check of graph `iri` (kg.map_stage.derive_and_check with `checker`), which took `seconds`."""
        self.seconds += seconds
        self._batch.append((iri, "s:" + digest, check))
        if len(self._batch) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Store the checks made so far (counted in `seconds`: writing them is part of validating)."""
        if self._batch:
            start = time.thread_time()
            self.cache.put(self._batch)
            self._batch = []
            self.seconds += time.thread_time() - start


class _UnionChecker(Checker):
    """A Checker on the union that notes which nodes' types its class tests read (since `read` was reset)."""

    def __init__(self, union: UnionView):
        super().__init__(union.has_class, union.down)
        self.read: set[str] = set()

    def is_a(self, node: str, cls: str) -> bool:
        """As Checker.is_a, noting `node`."""
        self.read.add(node)
        return super().is_a(node, cls)


class _Added:
    """What the graphs changed since the last run (`fresh`) say about the shared nodes they name, with
    what the rules derive from it.

    Every triple the union gained about such a node is among these: each rule but transitivity
    derives from one triple, about that triple's own subject or object, and no shape reads what
    transitivity derives (tests/test_validation.py keeps it so). Whether one of them is new to the
    union, rather than stated again, is a few point lookups (`is_new`).
    """

    def __init__(self, raw: ox.Store, fresh: dict[str, dict], inferred: str | None, stale: set[str]):
        self.raw = raw
        self._fresh = {ox.NamedNode(g) for g in fresh}
        self._inferred = ox.NamedNode(inferred) if inferred else None
        self._terms: dict[str, object] = {}  # N-Triples text -> term, for the literals read
        self.about: dict[str, set[tuple[str, str]]] = {}  # node -> (predicate, object) said of it
        self.incoming: dict[str, set[str]] = {}  # node -> target predicates (sh:targetObjectsOf) naming it
        rules = _text_rules()[0]
        self._narrower: dict[str, set[str]] = {}  # p -> predicates whose triples rdfs:subPropertyOf gives p
        self._flipped: dict[str, set[str]] = {}  # p -> predicates whose reversed triples give p
        for q, sups in rules.superproperties.items():
            for p in sups:
                self._narrower.setdefault(p, set()).add(q)
        for q, invs in rules.inverses.items():
            for p in invs:
                self._flipped.setdefault(p, set()).add(q)
        for p in rules.symmetric:
            self._flipped.setdefault(p, set()).add(p)
        targets = targeting_predicates()[1]
        # a triple naming a node as its object matters only if it targets the node or the rules
        # derive something about the node from it (not, say, each annotation's dcterms:creator)
        towards = {ox.NamedNode(p[1:-1]) for p in targets | _towards_object()}
        # the shared nodes, read from every fresh graph that names them (a post's own graph exposes
        # it); not the stale ones: they are read whole
        wanted = {n for spec in fresh.values() for n in spec["shared"] if n[0] != '"'} - stale
        for name, spec in fresh.items():
            graph = ox.NamedNode(name)
            nodes = wanted.intersection([*spec["shared"], *spec["referenced"], *spec["exposed"]])
            triples = set()
            for node in nodes:
                term = _term(node)
                for q in self.raw.quads_for_pattern(term, None, None, graph):
                    triples.add((node, self._text(q.predicate), self._text(q.object)))
                for q in self.raw.quads_for_pattern(None, None, term, graph):
                    if q.predicate in towards:
                        triples.add((self._text(q.subject), self._text(q.predicate), node))
            for s, p, o in triples | local_consequences(triples):
                if s in nodes:
                    self.about.setdefault(s, set()).add((p, o))
                if o in nodes and p in targets:
                    self.incoming.setdefault(o, set()).add(p)
        self.nodes = frozenset(self.about) | frozenset(self.incoming)

    def _text(self, term) -> str:
        text = str(term)
        if isinstance(term, ox.Literal):
            self._terms[text] = term
        return text

    def _term(self, text: str):
        return self._terms[text] if text[0] == '"' else _term(text)

    def _held(self, s: str, p: str, o: str) -> tuple[bool, bool]:
        """(whether the union holds the triple, whether a graph not changed since the last run states it)."""
        if o[0] == '"' and o not in self._terms:
            return True, False  # a literal only rules made (none do): not provably old
        held = False
        for q in self.raw.quads_for_pattern(_term(s), ox.NamedNode(p[1:-1]), self._term(o), None):
            held = True
            if q.graph_name != self._inferred and q.graph_name not in self._fresh:
                return True, True
        return held, False

    def _was_there(self, triple: tuple[str, str, str], seen: set) -> bool:
        """Whether the union held `triple` before the fresh graphs came: an unchanged graph states it,
        or the rules derived it from a triple that was there (followed a few steps; beyond, no)."""
        seen.add(triple)
        held, old = self._held(*triple)
        if old or not held or len(seen) > 8:
            return old
        s, p, o = triple
        premises = [(s, q, o) for q in self._narrower.get(p, ())]
        if o[0] != '"':
            premises += [(o, q, s) for q in self._flipped.get(p, ())]
        return any(self._was_there(t, seen) for t in premises if t not in seen)

    def is_new(self, s: str, p: str, o: str) -> bool:
        """Whether the union holds (s, p, o) (not rdf:type) and did not before the fresh graphs came."""
        return self._held(s, p, o)[0] and not self._was_there((s, p, o), set())

    def holds(self, s: str, p: str, o: str) -> bool:
        """Whether the union holds (s, p, o)."""
        return self._held(s, p, o)[0]

    def types(self, node: str, known: frozenset[str]) -> frozenset[str]:
        """The node's types now, from those it had (`known`) and those the fresh graphs give it."""
        return known | {o for p, o in self.about.get(node, ()) if p == RDF_TYPE and o not in known
                        and self.holds(node, p, o)}


@functools.lru_cache(maxsize=1)
def _towards_object() -> frozenset[str]:
    """Predicates from whose triples the rules derive something about the object (an inverse, a range, ...)."""
    preds = _text_rules()[1]
    return frozenset(p for p in preds
                     if any(c[0] == "<urn:o>" for c in local_consequences([("<urn:s>", p, "<urn:o>")])))


def validate(store, cache: ValidationCache | None = None, keys: dict[str, str] | None = None,
             progress: Callable[[int, int], None] | None = None) -> StoreReport:
    """Validate a kg.store.QuadStore against the shapes; results equal pyshacl's over the union.

    Graphs whose check in `cache` was made for their current content (`keys`: graph -> content
    hash, as kg.state.BuildState records them for every graph the build wrote; without it each graph
    is read and hashed) are not read again: the build checks each graph as it writes it (kg.pipeline).
    With `keys` the store's graphs are not listed either: the build's record names them (listing
    100k names costs ~1 s, pyoxigraph decodes each). What a graph could not
    decide alone is settled here against the union, and only for graphs that changed: shared nodes
    (people, lists, organisations) they describe, class tests on other graphs' nodes, replied-to
    posts no graph describes. A shared node checked before is not read whole again when the changed
    graphs only add to it: its results are patched from the triples they add that are new to the
    union (none, mostly: the same type and label again), on the paths those triples are on; it is
    read whole when it gains a type or a target, when a graph that described it went (`stale`), or
    when the types its class tests read changed. Not re-checked after a change elsewhere: an owned
    node's results that depend on inferred triples other graphs cause (no shape reads an inverse
    property of an owned node; tests/test_validation.py keeps it so).

    The report's `seconds` also counts the shared nodes read whole ("nodes_reread") and patched
    ("nodes_patched"); `cross_nodes` is their sum.
    """
    raw: ox.Store = store._store
    clock = {"read": 0.0, "graphs": 0.0, "union": 0.0}
    cache = cache if cache is not None else ValidationCache()
    kept = cache.ensure_key(shapes_key())
    keys = keys or {}
    all_names = sorted(keys) if keys else store.graph_names()
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
    checker = _UnionChecker(union)
    unsettled = dict(cache.unsettled())
    full = not kept or not cache.has_shared()
    stale = cache.take_stale()
    touched = set(stale)
    for spec in unsettled.values():
        touched.update(spec["shared"], spec["referenced"], spec["exposed"])
    added = None
    if full:
        cache.clear_shared()
        touched |= cache.all_shared(settled_only=True)  # (the unsettled graphs' are in already)
        retyped = cache.changed_types(union.types_of(sorted(cache.deferred_values())))
    else:
        added = _Added(raw, unsettled, inferred, stale)
        retyped = cache.changed_types(_types_now(touched, stale, added, union, cache))
    # a class test left by an already settled graph is decided again when its value's types changed,
    # and a shared node whose class tests read them is checked again whole
    if len(unsettled) < len(names):  # (a full run after a build has none settled)
        unsettled.update(cache.specs(cache.graphs_deferring_on(retyped) - set(unsettled)))
    redo = stale if full else stale | cache.dependents(retyped)
    cache.settle((iri, _settle(spec, union, checker)) for iri, spec in sorted(unsettled.items()))
    nodes = touched | redo | {n for spec in checker.specs for n in spec.nodes}
    before = cache.shared(nodes - redo) if added is not None else {}
    counts = _check_shared(sorted(nodes), names, union, checker, added, before, cache)
    clock["union"] = time.perf_counter() - start
    clock.update(counts)
    results = tuple(sorted(ValidationResult(*row) for row in cache.results()))
    return StoreReport(results, checked, len(names) - checked, int(sum(counts.values())), clock)


def _types_now(touched: set[str], stale: set[str], added: _Added, union: UnionView,
               cache: ValidationCache) -> dict[str, frozenset[str]]:
    """The types of the touched nodes whose types a class test waits on or read before: a node that
    only gained graphs has the types it had and those the fresh graphs give it (no scan of a
    much-described node's types); a node that lost a graph is read again."""
    deferring = cache.deferred_among(touched)
    recorded = cache.known_types(touched)
    out = {}
    for node in touched:
        if node in recorded and node not in stale and node in added.nodes:
            out[node] = added.types(node, recorded[node])
        elif node in recorded or node in deferring:
            out[node] = union.types(node)
    return out


def _check_shared(nodes: list[str], names: list[str], union: UnionView, checker: _UnionChecker, added: _Added | None,
                  before: dict[str, tuple[list, str]], cache: ValidationCache) -> dict[str, float]:
    """Check (or patch) the shared nodes and store what was found; the counts of nodes read whole and patched."""
    objects_of = targeting_predicates()[1]
    graphs = set(names)
    owned = all_owned_prefixes(names)
    # an owned node other than a post is named by its own graph only: when its types change, that
    # graph changed, and the shared nodes it names are stale (read whole): no need to note them
    sealed = tuple(p for p in owned if not p.endswith(OWNED_KINDS[1]))
    shared: dict[str, list | None] = {}
    states: dict[str, str] = {}
    deps: dict[str, set[str]] = {}
    more_deps: dict[str, set[str]] = {}
    read: set[str] = set()
    reread = patched = 0
    for node in nodes:
        if node[0] == '"':
            continue
        if owned and node.startswith(owned) and (post_graph(node) in graphs or union.described_outside(node)):
            shared[node] = None  # a message graph owns it and checked it
            continue
        checker.read = set()
        found_rows = None
        if node in before and added is not None and node in added.nodes:
            found_rows = _patch(node, *before[node], added, union, checker)
        if found_rows is None:
            incoming = union.objects_of(node, objects_of)
            description, described = union.description_for(node, checker.shapes_for, incoming)
            found = checker.check(node, description, incoming)
            shared[node] = rows(found) if (described or found) else None
            if shared[node] is not None:
                states[node] = _state(description, incoming)
                deps[node] = noted = {n for n in checker.read if not (sealed and n.startswith(sealed))}
                read |= noted
            reread += 1
        elif found_rows is not before[node][0]:
            shared[node] = found_rows
            more_deps[node] = noted = {n for n in checker.read if not (sealed and n.startswith(sealed))}
            read |= noted
            patched += 1
    cache.set_shared(shared, states, deps, more_deps)
    # the types those class tests read, recorded to tell later when they change
    cache.record_types(union.types_of(sorted(read)))
    return {"nodes_reread": float(reread), "nodes_patched": float(patched)}


def _state(description: Description, incoming: list[str]) -> str:
    """What decides which shapes target a node: its types and the target predicates it is a subject or an object of."""
    subjects_of = targeting_predicates()[0]
    return json.dumps({"types": sorted(description.get(RDF_TYPE, ())), "objects": sorted(incoming),
                       "subjects": sorted(p for p in subjects_of if p in description)})


_COUNTED = frozenset(_COMPONENT.values())


def _patch(node: str, before: list[list[str]], state: str, added: _Added, union: UnionView,
           checker: _UnionChecker) -> list[list[str]] | None:
    """The node's results from those stored (`before`) and what the fresh graphs add to it: `before`
    itself when they add nothing new on a path its shapes read; None when it must be read whole
    (a new type or target: other shapes may apply).

    Only the property shapes on a path that got new values are evaluated again: their per-value
    tests on the new values alone (an old value's outcome stands: its types did not change, or the
    node would be redone), their counting constraints on all the path's values.
    """
    saved = json.loads(state)
    types, subjects, objects = set(saved["types"]), set(saved["subjects"]), saved["objects"]
    if not added.incoming.get(node, set()) <= set(objects):
        return None
    subjects_of = targeting_predicates()[0]
    about = added.about.get(node, ())
    for p, o in about:
        if (p == RDF_TYPE and o not in types or p in subjects_of and p not in subjects) and added.holds(node, p, o):
            return None
    shapes = checker.shapes_for(node, {RDF_TYPE: types, **{p: set() for p in subjects}}, objects)
    read = {q for spec in shapes for ps in spec.properties for q in (ps.path, ps.disjoint, ps.less_or_equal) if q}
    new: dict[str, set[str]] = {}
    for p, o in about:
        if p in read and p != RDF_TYPE and added.is_new(node, p, o):
            new.setdefault(p, set()).add(o)
    if not new:
        return before
    hit = [(spec, ps) for spec in shapes for ps in spec.properties
           if ps.path in new or ps.disjoint in new or ps.less_or_equal in new]
    if any(":" not in ps.shape for _, ps in hit):
        return None  # a blank-node property shape: its name in stored results is another process's
    redone = {ps.shape for _, ps in hit}
    values = {p[1:-1]: {result_text(v) for v in vs} for p, vs in new.items()}
    out = [r for r in before if r[5] not in redone or (r[2] not in _COUNTED and r[6] not in values.get(r[1], ()))]
    for spec, ps in hit:
        if ps.path in new and ps.tests:
            per_value = replace(ps, min_count=0, max_count=None, unique_lang=False, qualified=None,
                                qualified_min=None, qualified_max=None, disjoint="", less_or_equal="")
            out.extend(rows(evaluate(_alone(spec, per_value), node, {ps.path: new[ps.path]}, checker.is_a)))
        if ps.min_count or ps.max_count is not None or ps.unique_lang or ps.qualified is not None \
                or ps.disjoint or ps.less_or_equal:
            description = {q: union.objects(node, q) for q in (ps.path, ps.disjoint, ps.less_or_equal) if q}
            out.extend(rows(evaluate(_alone(spec, replace(ps, tests=())), node, description, checker.is_a)))
    return out


def _alone(spec: NodeSpec, ps: PropertySpec) -> NodeSpec:
    """`spec` reduced to one property shape (no node-level tests)."""
    return NodeSpec(spec.shape, (), (), (), (), spec.severity, spec.message, (), (ps,))


def _settle(spec: dict, union: UnionView, checker: Checker) -> list[list[str]]:
    """What a graph's check left to the union: deferred class tests and nodes to re-check from it."""
    out = []
    objects_of = targeting_predicates()[1]
    for row in spec["deferred"]:
        *result, cls = row
        if not checker.is_a(value_term(result[6]), cls):
            out.append(result)
    for node in spec["recheck"]:
        out.extend(rows(checker.check(node, union.description(node), union.objects_of(node, objects_of))))
    return out


__all__ = ["BuildChecks", "UnionView", "validate"]
