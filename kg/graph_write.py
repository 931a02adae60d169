"""Message graphs as sorted N-Triples lines, their content hashes, and writing only changed named graphs to the store."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from rdflib import Graph

from kg.state import BuildState
from kg.store import QuadStore, to_ox
from kg.terms import TripleSet

WRITE_BATCH = 256  # graphs per state transaction and per bulk load


def ox_triples(triples: Iterable[tuple]) -> list[tuple]:
    """rdflib triples as pyoxigraph terms, each term converted once (URIs repeat a lot)."""
    memo: dict = {}
    out = []
    for triple in triples:
        out.append(tuple(memo[t] if t in memo else memo.setdefault(t, to_ox(t)) for t in triple))
    return out


def ntriples_lines(triples: Iterable[tuple]) -> list[str]:
    """Sorted N-Triples lines of rdflib triples, or of a TripleSet already spelled by NTriplesTerms."""
    if not isinstance(triples, TripleSet):
        triples = ox_triples(triples)
    return sorted(f"{s} {p} {o} ." for s, p, o in triples)


def lines_hash(lines: list[str]) -> str:
    """sha256 of sorted N-Triples lines (security.md §2.10: N-Triples bytes are not stable unsorted)."""
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()


def graph_hash(triples: Iterable[tuple]) -> str:
    """The content hash of a graph (see lines_hash)."""
    return lines_hash(ntriples_lines(triples))


def as_graph(triples: Iterable[tuple]) -> Graph:
    """An rdflib Graph of the triples."""
    g = Graph()
    for t in triples:
        g.add(t)
    return g


class _Writer(threading.Thread):
    """One store.replace_graphs call in a thread; join() re-raises what it raised."""

    def __init__(self, store: QuadStore, graphs: list[tuple[str, list[str]]]):
        super().__init__(name="igkg-store-writer", daemon=True)
        self.store, self.graphs, self.error = store, graphs, None
        self.start()

    def run(self) -> None:
        try:
            self.store.replace_graphs(self.graphs)
        except BaseException as exc:  # handed to the building thread in join()
            self.error = exc

    def join(self, timeout: float | None = None) -> None:
        super().join(timeout)
        if self.error is not None:
            raise self.error


class GraphWriter:
    """Writes named graphs whose hash differs from what the state says the store holds.

    Order for kill -9: forget the old hashes (commit), write the graphs, record the new hashes
    (commit). A kill in between leaves graphs without a hash, which the next run rewrites.
    Each graph may carry an input key (what it was mapped from): a graph whose input key is
    unchanged need not even be mapped again (see `unchanged_input`).
    """

    def __init__(self, store: QuadStore, state: BuildState):
        self.store, self.state = store, state
        # a hash counts only for a graph the store really holds (the store folder may have been
        # deleted or swapped under the state)
        present = set(store.graph_names())
        self.known = {iri: h for iri, h in state.graph_hashes().items() if iri in present}
        self.inputs = {iri: k for iri, k in state.graph_inputs().items() if iri in self.known}
        self.produced: set[str] = set()
        self.written = self.unchanged = self.removed = 0
        self._batch: list[tuple[str, list[str], str, str | None]] = []
        self._writing: tuple[list, _Writer] | None = None

    def unchanged_input(self, iri: str, input_key: str) -> bool:
        """True (and the graph counts as produced, unchanged) when the store holds `iri` mapped from `input_key`."""
        if self.inputs.get(iri) != input_key:
            return False
        self.produced.add(iri)
        self.unchanged += 1
        return True

    def put(self, iri: str, triples: Iterable[tuple], input_key: str | None = None) -> bool:
        """Queue `triples` as graph `iri` unless the store already holds exactly them; True if queued."""
        return self.put_lines(iri, ntriples_lines(triples), input_key)

    def put_lines(self, iri: str, lines: list[str], input_key: str | None = None, digest: str | None = None) -> bool:
        """put() for a graph given as sorted N-Triples lines (and their hash, when already known)."""
        digest = digest or lines_hash(lines)
        self.produced.add(iri)
        if self.known.get(iri) == digest:
            self.unchanged += 1
            if input_key is not None and self.inputs.get(iri) != input_key:
                self.state.record_graphs([(iri, digest, input_key)])
            return False
        self._batch.append((iri, lines, digest, input_key))
        if len(self._batch) >= WRITE_BATCH:
            self.flush()
        return True

    def flush(self) -> None:
        """Start writing the queued graphs; the previous batch's write is finished and recorded first."""
        self._finish()
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        self.state.forget_graphs(iri for iri, _, _, _ in batch)
        # a kill mid-write leaves these graphs partial, but their hashes are already forgotten, so
        # the next run removes and rewrites them. The load runs in a thread: pyoxigraph releases
        # the GIL while it sorts and writes, so mapping the next batch overlaps it.
        self._writing = (batch, _Writer(self.store, [(iri, lines) for iri, lines, _, _ in batch]))

    def close(self) -> None:
        """Write everything queued and wait for it."""
        self.flush()
        self._finish()

    def _finish(self) -> None:
        if self._writing is None:
            return
        batch, writer = self._writing
        self._writing = None
        writer.join()
        self.state.record_graphs((iri, digest, key) for iri, _, digest, key in batch)
        self.written += len(batch)

    def remove_others(self, keep: Iterable[str] = ()) -> None:
        """Drop graphs that this build did not produce (a message gone from the source, a killed run's leftovers)."""
        self.close()
        wanted = self.produced | set(keep)
        stale = sorted(set(self.store.graph_names()) - wanted)
        if stale:
            self.state.forget_graphs(stale)
            for iri in stale:
                self.store.remove_graph(iri)
            self.removed += len(stale)
