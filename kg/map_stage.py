"""Mapping messages to graphs in worker processes: each graph's sorted N-Triples hash, N-Quads bytes and shape check."""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, replace

from kg.graph_write import lines_hash, ntriples_lines
from kg.identity import Minter, Resolution
from kg.infer_local import graph_consequences
from kg.model import Message
from kg.state import unpack
from kg.store import nquads
from kg.terms import NTriplesTerms
from kg.triples import MessageGraphBuilder
from kg.validate_graphs import Checker, GraphCheck, check_graph


@dataclass(frozen=True)
class MappedGraph:
    """One message's graph, ready for GraphWriter.put_prepared: nothing of it is mapped or checked in the main process."""

    iri: str
    input_key: str
    digest: str  # sha256 of the sorted N-Triples lines (what the state records)
    data: bytes  # the graph as N-Quads
    check: GraphCheck | None  # the graph's own shape check, when the build validates
    check_seconds: float  # the check's CPU time (it runs wherever the graph is mapped)
    inferred: tuple[str, ...]  # N-Triples lines the rules derive from this graph alone (kg.infer_local)
    infer_seconds: float  # the rules' CPU time on this graph


@dataclass(frozen=True)
class MapTask:
    """One message to map: its merged (text-free) record, where its full copy is, and its extraction."""

    iri: str
    input_key: str
    message: Message  # as merged: id, parent, list... (no text)
    full_key: str  # the parse-cache key whose full blob holds the message's text
    index: int  # its position in that blob
    extraction: bytes  # the packed ExtractionResult


def merged_full(full: Message, merged: Message) -> Message:
    """The full copy of a message with the fields merging settled (kg.pipeline.merge_located)."""
    return replace(full, id=merged.id, parent_id=merged.parent_id, archive_url=merged.archive_url,
                   subject=merged.subject, list_name=merged.list_name, message_id=merged.message_id,
                   date=merged.date)


class Mapper:
    """The mapping of one build: the graph builder, the shape checker when the build validates, and
    each graph's own consequences when it infers."""

    def __init__(self, minter: Minter, resolution: Resolution, kb, quoted_in: dict[str, list[str]], check: bool,
                 infer: bool):
        self.builder = MessageGraphBuilder(minter, resolution, kb, quoted_in, NTriplesTerms())
        self.checker = Checker() if check else None
        self.infer = infer

    def map(self, iri: str, input_key: str, message: Message, result) -> MappedGraph:
        """The graph of `message` given its extraction `result`."""
        triples = self.builder.build(message, result)
        lines = ntriples_lines(triples)
        derived, infer_seconds, check, check_seconds = derive_and_check(iri, triples, self.checker, self.infer)
        inferred = tuple(f"{s} {p} {o} ." for s, p, o in derived) if derived else ()
        return MappedGraph(iri, input_key, lines_hash(lines), nquads(iri, lines), check, check_seconds,
                           inferred, infer_seconds)


def derive_and_check(iri: str, triples: set[tuple[str, str, str]], checker: Checker | None,
                     infer: bool) -> tuple[list | None, float, GraphCheck | None, float]:
    """(what the rules derive from graph `iri` alone, the seconds that took, its shape check, the
    seconds that took): each only when asked (`infer`, a `checker`); the check reuses what the rules
    derived. Seconds are this thread's CPU time, not what other threads took meanwhile."""
    start = time.thread_time()
    derived = graph_consequences(triples) if infer else None
    infer_seconds, start = time.thread_time() - start, time.thread_time()
    check = check_graph(iri, list(triples), checker, derived) if checker is not None else None
    return derived, infer_seconds, check, time.thread_time() - start


# --- in a worker process -----------------------------------------------------------------------------
_MAPPER: Mapper | None = None


def start_worker(context: bytes) -> None:
    """Pool initializer: the build's mapping context (pickled by the main process, sent through the
    pool's pipe, never written to disk: it holds the person-key secret) becomes this worker's Mapper."""
    from kg.kb import load_kb

    global _MAPPER
    minter, resolution, quoted_in, check, infer = pickle.loads(context)  # noqa: S301 - our own main process's bytes
    _MAPPER = Mapper(minter, resolution, load_kb(), quoted_in, check, infer)


def context_bytes(minter: Minter, resolution: Resolution, quoted_in: dict[str, list[str]], check: bool,
                  infer: bool) -> bytes:
    """What start_worker needs, pickled once for every worker."""
    return pickle.dumps((minter, resolution, quoted_in, check, infer), protocol=pickle.HIGHEST_PROTOCOL)


def map_batch(tasks: list[MapTask], blobs: dict[str, bytes]) -> list[MappedGraph]:
    """The graphs of `tasks`; `blobs`: the full parse blobs they point into, by parse-cache key."""
    if _MAPPER is None:
        raise RuntimeError("map_batch runs in a worker started with start_worker")
    fulls: dict[str, list[Message]] = {}
    out = []
    for task in tasks:
        full = fulls.get(task.full_key)
        if full is None:
            full = fulls[task.full_key] = unpack(blobs[task.full_key])
        message = merged_full(full[task.index], task.message)
        out.append(_MAPPER.map(task.iri, task.input_key, message, unpack(task.extraction)))
    return out


__all__ = ["MapTask", "MappedGraph", "Mapper", "context_bytes", "derive_and_check", "map_batch", "merged_full",
           "start_worker"]
