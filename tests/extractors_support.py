"""Helpers for the extractor tests: the tiny KB fixture and Message construction from plain text."""

from __future__ import annotations

import functools
from pathlib import Path

from rdflib import Graph

from kg.kb import KB_BASE, KnowledgeBase, parse_kb_graph
from kg.model import Message, Segment, Sender

DATA = Path(__file__).parent / "data" / "extractors"


@functools.lru_cache(maxsize=1)
def fixture_kb() -> KnowledgeBase:
    """The hand-written KB of tests/data/extractors/kb_fixture.ttl."""
    graph = Graph()
    graph.parse(data=(DATA / "kb_fixture.ttl").read_bytes(), format="turtle", publicID=KB_BASE)
    return KnowledgeBase(parse_kb_graph(graph), graph)


def message(text: str, author: str | None = "Jane Doe", signature: str | None = None, mid: str = "m1") -> Message:
    """A Message of `text`; `signature` (a substring starting a line) opens the signature segment."""
    segments: tuple[Segment, ...] = ()
    if signature is not None:
        start = text.index(signature)
        segments = (Segment("body", 0, start), Segment("signature", start, len(text)))
    return Message(id=mid, text=text, author=Sender(author, None) if author else None, date=None, segments=segments)
