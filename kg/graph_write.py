"""Message graphs as plain triple sets, their content hashes, and writing only changed named graphs to the store."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, URIRef

from kg.model import ExtractionResult, Message
from kg.state import BuildState
from kg.store import QuadStore, to_ox
from kg.triples import MessageGraphBuilder
from kg.vocab import OA, SCHEMA

WRITE_BATCH = 256  # graphs per state transaction


class TripleSet(set):
    """The part of rdflib.Graph that MessageGraphBuilder uses (add/remove/iterate), as a set: rdflib's
    indexes cost more than the rest of the mapping for a graph that is only hashed and stored."""

    def add(self, triple) -> None:  # type: ignore[override]
        set.add(self, triple)

    def remove(self, triple) -> None:  # type: ignore[override]
        self.discard(triple)


class FastMessageGraphBuilder(MessageGraphBuilder):
    """MessageGraphBuilder writing into a TripleSet instead of an rdflib Graph (same triples)."""

    def build(self, message: Message, result: ExtractionResult) -> TripleSet:  # type: ignore[override]
        """The named graph of `message`, as a set of rdflib triples."""
        g = TripleSet()
        post = URIRef(self.minter.post(message.id))
        self._post(g, post, message)
        for mention in result.mentions:
            key = self.res.resolve(mention.key)
            if key is None or key not in self.res.entities:
                continue
            node = self._entity(g, self.res.entities[key])
            g.add((post, SCHEMA.mentions, node))
            self._annotation(g, post, message, mention.evidence, node, OA.identifying, key)
        for relation in result.relations:
            self._relation(g, post, message, relation)
        return g


def ox_triples(triples: Iterable[tuple]) -> list[tuple]:
    """rdflib triples as pyoxigraph terms, each term converted once (URIs repeat a lot)."""
    memo: dict = {}
    out = []
    for triple in triples:
        out.append(tuple(memo[t] if t in memo else memo.setdefault(t, to_ox(t)) for t in triple))
    return out


def graph_hash(triples: Iterable[tuple]) -> str:
    """sha256 of the sorted N-Triples lines (security.md §2.10: N-Triples bytes are not stable unsorted)."""
    lines = sorted(f"{s} {p} {o} ." for s, p, o in ox_triples(triples))
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def as_graph(triples: Iterable[tuple]) -> Graph:
    """An rdflib Graph of the triples."""
    g = Graph()
    for t in triples:
        g.add(t)
    return g


class GraphWriter:
    """Writes named graphs whose hash differs from what the state says the store holds.

    Order for kill -9: forget the old hashes (commit), write the graphs, record the new hashes
    (commit). A kill in between leaves graphs without a hash, which the next run rewrites.
    """

    def __init__(self, store: QuadStore, state: BuildState):
        self.store, self.state = store, state
        # a hash counts only for a graph the store really holds (the store folder may have been
        # deleted or swapped under the state)
        present = set(store.graph_names())
        self.known = {iri: h for iri, h in state.graph_hashes().items() if iri in present}
        self.produced: set[str] = set()
        self.written = self.unchanged = self.removed = 0
        self._batch: list[tuple[str, Iterable[tuple], str]] = []

    def put(self, iri: str, triples: Iterable[tuple]) -> bool:
        """Queue `triples` as graph `iri` unless the store already holds exactly them; True if queued."""
        converted = ox_triples(triples)
        lines = sorted(f"{s} {p} {o} ." for s, p, o in converted)
        digest = hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()
        self.produced.add(iri)
        if self.known.get(iri) == digest:
            self.unchanged += 1
            return False
        self._batch.append((iri, converted, digest))
        if len(self._batch) >= WRITE_BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        """Write the queued graphs."""
        if not self._batch:
            return
        self.state.forget_graphs(iri for iri, _, _ in self._batch)
        # bulk_extend has no transaction and is 2x faster than extend (38 us a quad on disk): a kill
        # mid-write leaves these graphs partial, but their hashes are already forgotten, so the next
        # run removes and rewrites them
        raw = self.store._store
        quads = []
        for iri, triples, _ in self._batch:
            name = ox.NamedNode(iri)
            if raw.contains_named_graph(name):
                raw.remove_graph(name)
            quads.extend(ox.Quad(s, p, o, name) for s, p, o in triples)
        raw.bulk_extend(quads)
        self.state.record_graphs((iri, digest) for iri, _, digest in self._batch)
        self.written += len(self._batch)
        self._batch = []

    def remove_others(self, keep: Iterable[str] = ()) -> None:
        """Drop graphs that this build did not produce (a message gone from the source, a killed run's leftovers)."""
        self.flush()
        wanted = self.produced | set(keep)
        stale = sorted(set(self.store.graph_names()) - wanted)
        if stale:
            self.state.forget_graphs(stale)
            for iri in stale:
                self.store._store.remove_graph(ox.NamedNode(iri))
            self.removed += len(stale)
