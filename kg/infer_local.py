"""Inference at build time: each graph's own OWL RL consequences as it is mapped, then what only the union decides."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg.infer import ONTOLOGY_PATH, _ox_rules, default_rules
from kg.infer_rules import Rules, Templates, derive, templates
from kg.store import nquads

Triple = tuple[str, str, str]  # N-Triples term texts, as kg.terms.NTriplesTerms spells them
LOAD_LINES = 100_000  # consequence lines per load into the store
CONSEQUENCES_VERSION = "1"  # bump when graph_consequences changes what it returns for the same rules


@functools.lru_cache(maxsize=1)
def rules_key() -> str:
    """What stored consequences were computed with: this code's version and the ontology file's bytes."""
    return CONSEQUENCES_VERSION + ":" + hashlib.sha256(ONTOLOGY_PATH.read_bytes()).hexdigest()


@functools.lru_cache(maxsize=1)
def text_rules() -> Rules:
    """The ontology's rules over N-Triples term texts ("<iri>")."""
    return default_rules().mapped(lambda t: f"<{t}>")


@functools.lru_cache(maxsize=1)
def text_templates() -> Templates:
    """text_rules compiled to what each kind of triple implies on its own."""
    return templates(text_rules())


def graph_consequences(triples: set[Triple]) -> list[Triple]:
    """What the rules derive from one graph's own triples that the graph does not state.

    Every rule but prp-trp has one premise, so the union of these over all graphs is everything the
    data implies, except transitive chains across graphs and what another graph states outright:
    load_consequences settles both against the store. Each triple's consequences are looked up
    (kg.infer_rules.Templates); a graph with a triple that leads to a transitive property goes
    through derive's fixpoint instead, for the chains inside the graph.
    """
    found = _implied(triples, text_templates().chained)
    if found is None:
        return derived_consequences(triples)
    return [t for t in found if t not in triples]


def implied(triples: Iterable[Triple]) -> set[Triple]:
    """Everything the rules but prp-trp derive from these triples, each triple on its own (looked up
    in kg.infer_rules.Templates; what the triples state may be among it)."""
    return _implied(triples, frozenset())


def _implied(triples: Iterable[Triple], chained: frozenset) -> set[Triple] | None:
    """implied, or None as soon as a triple's predicate is in `chained`."""
    compiled = text_templates()
    kind, by_class, by_predicate = text_rules().type_predicate, compiled.by_class, compiled.by_predicate
    out: set[Triple] = set()
    add = out.add
    for s, p, o in triples:
        if p == kind:
            found = by_class.get(o)
            if found:
                for q, c in found:
                    add((s, q, c))
            continue
        found = by_predicate.get(p)
        if found is None:
            continue
        if p in chained:
            return None
        for shape, q, c in found[o[0] == '"']:
            add((s, q, o) if shape == 0 else (o, q, s) if shape == 1 else (s, q, c) if shape == 2 else (o, q, c))
    return out


def derived_consequences(triples: set[Triple]) -> list[Triple]:
    """graph_consequences by derive's fixpoint, round by round (any graph, transitive chains included)."""
    rules = text_rules()
    preds, classes = rules.triggers()
    kind = rules.type_predicate
    seeds = [t for t in triples if t[1] in preds or (t[1] == kind and t[2] in classes)]
    if not seeds:
        return []
    # transitive properties trigger rules, so their edges in this graph are among the seeds
    return derive(seeds, rules, triples.__contains__, lambda t: t[0] == '"',
                  lambda p: [(s, o) for s, q, o in seeds if q == p])


@functools.lru_cache(maxsize=1)
def _derivable() -> tuple[tuple[ox.NamedNode, ox.NamedNode | None], ...]:
    """(predicate, class or None) of every kind of triple a rule can derive."""
    rules = _ox_rules()
    preds = {p for ps in (*rules.superproperties.values(), *rules.inverses.values()) for p in ps}
    classes = {c for cs in (*rules.superclasses.values(), *rules.domains.values(), *rules.ranges.values()) for c in cs}
    return tuple(sorted([(p, None) for p in preds | rules.symmetric | rules.transitive]
                        + [(rules.type_predicate, c) for c in classes], key=str))


def load_consequences(store, target: str, batches: Iterable[list[str]], complete_before: bool) -> None:
    """Load graphs' own consequences (graph_consequences, as N-Triples lines, in batches) into the
    inferred graph `target`, leaving out what some data graph states, then add the transitive chains
    that span graphs and what follows from them. With every graph's consequences, the result equals
    kg.infer.infer_store's full run.

    `complete_before`: `target` already holds the complete inferred graph of the data before the
    graphs whose consequences these are were added; what those graphs state is taken out of it.
    Only kinds of triple (predicate, class) that the data states at all are looked up one by one,
    and the store is only bulk-loaded (a lone write right after big loads waits for compaction).
    """
    raw: ox.Store = store._store
    graph = ox.NamedNode(target)
    kind = str(_ox_rules().type_predicate)
    stated_kinds = set()
    for pattern in _derivable():
        # asked of the store, not walked in Python: with the inferred graph complete (a build that
        # only adds graphs) a kind's first quad outside it may come after 100k inferred ones (100k
        # store: 7.6 s -> 0.4 s)
        predicate, cls = pattern
        if raw.query(f"ASK {{ GRAPH ?g {{ ?s {predicate} {cls if cls is not None else '?o'} }} FILTER(?g != {graph}) }}"):
            stated_kinds.add((str(pattern[0]), str(pattern[1]) if pattern[1] is not None else ""))
            if complete_before:  # inferred before, stated now by a new graph
                for quad in [q for q in raw.quads_for_pattern(None, *pattern, graph) if _stated(raw, q, graph)]:
                    raw.remove(quad)

    def settled(lines: list[str]) -> list[str]:
        """`lines` without those a data graph states."""
        keep, ask = [], []
        for line in set(lines):
            _, p, rest = line.split(" ", 2)
            (ask if (p, rest[:-2] if p == kind else "") in stated_kinds else keep).append(line)
        if ask:  # the lines' terms, read by pyoxigraph (which spelled them) into a scratch store
            scratch = ox.Store()
            scratch.bulk_load(("\n".join(ask) + "\n").encode("utf-8", "surrogatepass"), format=ox.RdfFormat.N_TRIPLES)
            stated = {f"{q.subject} {q.predicate} {q.object} ." for q in scratch if _stated(raw, q, graph)}
            keep += [line for line in ask if line not in stated]
        return keep

    pending: list[str] = []
    for lines in batches:
        pending += settled(lines)
        if len(pending) >= LOAD_LINES:
            store.load_graphs([], nquads(target, sorted(pending)))
            pending = []
    if pending:
        store.load_graphs([], nquads(target, sorted(pending)))
    rules = _ox_rules()
    if not rules.transitive:
        return
    # no seeds: derive only closes the transitive properties over every graph's edges (the inferred
    # graph's too) and follows what the new links imply; a triple anywhere in the store is known
    added = derive([], rules, lambda t: next(raw.quads_for_pattern(*t, None), None) is not None,
                   lambda t: isinstance(t, ox.Literal),
                   lambda p: ((q.subject, q.object) for q in raw.quads_for_pattern(None, p, None, None)))
    if added:
        store.load_graphs([], nquads(target, sorted(f"{s} {p} {o} ." for s, p, o in added)))


def _stated(raw: ox.Store, triple, graph: ox.NamedNode) -> bool:
    """Whether a graph other than `graph` holds `triple`."""
    return any(q.graph_name != graph for q in raw.quads_for_pattern(triple.subject, triple.predicate, triple.object, None))


class BuildInference:
    """The inferred graph of one build into a store, from each written graph's own consequences.

    Each graph's consequences are kept in the state by content hash as the graph is written. A
    build that only adds graphs (a first build, a month whose messages touch no earlier graph) then
    loads the new graphs' consequences into the inferred graph; any other build re-assembles it from
    every graph's (a graph is read back only when its row is missing: a state from an older igkg,
    or a changed ontology). The state forgets the inferred graph when the build starts, so a build
    killed anywhere leaves it unrecorded and the next run re-assembles it.
    """

    ROWS = 1024  # consequence rows per state transaction

    def __init__(self, store, state, target: str, known_before: set[str]):
        self.store, self.state, self.target = store, state, target
        self.was_known = target in known_before
        # onto an empty store or a complete inferred graph, adding graphs only adds consequences
        self.additive = self.was_known or not (known_before - {target})
        state.consequence_rules(rules_key())
        state.forget_graphs([target])
        if not self.was_known:
            store.remove_graph(target)  # what a killed run may have left
        self._rows: list[tuple[str, list[str]]] = []
        self._new: list[tuple[str, str]] = []  # (graph, content hash) of the graphs new to the store

    def written(self, iri: str, digest: str, lines, new: bool) -> None:
        """Graph `iri` was written with content hash `digest`, implying `lines` (N-Triples) on its
        own; `new` when the store did not hold that graph before."""
        self._rows.append((digest, list(lines)))
        if len(self._rows) >= self.ROWS:
            self._put_rows()
        if not new:
            self.additive, self._new = False, []  # what the old version implied may be gone
        elif self.additive:
            self._new.append((iri, digest))

    def finish(self, changed: bool, removed: bool) -> bool:
        """Complete the inferred graph after every write; True when it had to be computed (anything
        `changed`, or it was missing)."""
        self._put_rows()
        if not changed and self.was_known:
            self.state.record_graphs([(self.target, "computed")])
            return False
        if self.additive and not removed:
            graphs = self._new
        else:
            self.store.remove_graph(self.target)
            graphs = sorted((iri, h) for iri, h in self.state.graph_hashes().items() if iri != self.target)
        load_consequences(self.store, self.target, self._stored(graphs),
                          complete_before=self.was_known and self.additive and not removed)
        self.state.record_graphs([(self.target, "computed")])
        self.state.prune_consequences()
        return True

    def _stored(self, graphs: list[tuple[str, str]]) -> Iterator[list[str]]:
        """The consequences of `graphs` ((graph, content hash)), as stored, in batches."""
        for start in range(0, len(graphs), 500):
            chunk = graphs[start:start + 500]
            rows = self.state.consequences([h for _, h in chunk])
            missing = []
            for iri, digest in chunk:
                if digest not in rows:
                    rows[digest] = [f"{s} {p} {o} ." for s, p, o in graph_consequences(self._read(iri))]
                    missing.append((digest, rows[digest]))
            if missing:
                self.state.put_consequences(missing)
            yield [line for _, digest in chunk for line in rows[digest]]

    def _read(self, iri: str) -> set[Triple]:
        quads = self.store._store.quads_for_pattern(None, None, None, ox.NamedNode(iri))
        return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads}

    def _put_rows(self) -> None:
        if self._rows:
            self.state.put_consequences(self._rows)
            self._rows = []


__all__ = ["BuildInference", "derived_consequences", "graph_consequences", "implied", "load_consequences", "rules_key",
           "text_rules", "text_templates"]
