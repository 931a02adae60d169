"""Message graphs as sorted N-Triples lines, their content hashes, and writing only changed named graphs to the store."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from rdflib import Graph

from kg.state import BuildState
from kg.store import QuadStore, nquads, to_ox
from kg.terms import TripleSet

WRITE_BATCH = 1024  # graphs at most per state transaction and per bulk load
# N-Quads bytes per bulk load: each load writes a set of files the store merges later, so fewer and
# bigger loads cost less, but the first load waits until that much is mapped (a message is ~60 kB),
# and pyoxigraph holds ~4.5x a load in memory while it runs (16 MB: ~150 MB for two at once)
WRITE_BYTES = 16 << 20
WRITERS = 2  # bulk loads at once: a load is mostly one thread of pyoxigraph, with the GIL released


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
    """One store.load_graphs call in a thread; join() re-raises what it raised."""

    def __init__(self, store: QuadStore, names: list[str], data: bytes):
        super().__init__(name="igkg-store-writer", daemon=True)
        self.store, self.names, self.data, self.error = store, names, data, None
        self.start()

    def run(self) -> None:
        try:
            self.store.load_graphs(self.names, self.data)
        except BaseException as exc:  # handed to the building thread in join()
            self.error = exc
        finally:
            self.data = b""  # the loaded text need not live until join()

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
        self.last_digest = ""  # the content hash of the graph last given to put()
        self._batch: list[tuple[str, bytes, str, str | None]] = []  # (iri, N-Quads, hash, input key)
        self._batch_bytes = 0
        self._writing: list[tuple[list[tuple[str, str, str | None]], _Writer]] = []  # oldest first
        self._rekeyed: list[tuple[str, str, str]] = []  # unchanged graphs mapped from a new input key

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

    def put_lines(self, iri: str, lines: list[str], input_key: str | None = None) -> bool:
        """put() for a graph given as sorted N-Triples lines."""
        digest = lines_hash(lines)  # what the state records (validation keys on it)
        return self.put_prepared(iri, digest, lambda: nquads(iri, lines), input_key)

    def put_prepared(self, iri: str, digest: str, data, input_key: str | None = None) -> bool:
        """put() for a graph already hashed (`digest`, see lines_hash) and spelled as N-Quads: `data`
        is the bytes, or a function making them (called only when the graph changed)."""
        self.last_digest = digest
        self.produced.add(iri)
        if self.known.get(iri) == digest:
            self.unchanged += 1
            if input_key is not None and self.inputs.get(iri) != input_key:
                # recorded in batches (a transaction per graph is slow), and a kill before that only
                # makes the next run map the message again
                self._rekeyed.append((iri, digest, input_key))
                if len(self._rekeyed) >= WRITE_BATCH:
                    self._record_rekeyed()
            return False
        data = data() if callable(data) else data
        self._batch.append((iri, data, digest, input_key))
        self._batch_bytes += len(data)
        if len(self._batch) >= WRITE_BATCH or self._batch_bytes >= WRITE_BYTES:
            self.flush()
        return True

    def flush(self) -> None:
        """Start writing the queued graphs (once fewer than WRITERS writes are running)."""
        batch, self._batch, self._batch_bytes = self._batch, [], 0
        self._start(batch)

    def close(self) -> None:
        """Write everything queued and wait for it."""
        # the last batch goes as two loads at once: no mapping is left for a load to overlap with
        batch, self._batch, self._batch_bytes = self._batch, [], 0
        half = len(batch) // 2
        self._start(batch[:half])
        self._start(batch[half:])
        while self._writing:
            self._finish_oldest()
        self._record_rekeyed()

    def _start(self, batch: list[tuple[str, bytes, str, str | None]]) -> None:
        if not batch:
            return
        while len(self._writing) >= WRITERS:
            self._finish_oldest()
        self.state.forget_graphs(iri for iri, _, _, _ in batch)
        # a kill mid-write leaves these graphs partial, but their hashes are already forgotten, so
        # the next run removes and rewrites them. The load runs in a thread: pyoxigraph releases
        # the GIL while it parses, sorts and writes, so mapping the next batch (and loading the
        # previous one, on another core) overlaps it. Batches never share a graph.
        writer = _Writer(self.store, [iri for iri, _, _, _ in batch], b"".join(data for _, data, _, _ in batch))
        self._writing.append(([(iri, digest, key) for iri, _, digest, key in batch], writer))

    def _record_rekeyed(self) -> None:
        if self._rekeyed:
            self.state.record_graphs(self._rekeyed)
            self._rekeyed = []

    def _finish_oldest(self) -> None:
        rows, writer = self._writing.pop(0)
        writer.join()
        self.state.record_graphs(rows)
        self.written += len(rows)

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
