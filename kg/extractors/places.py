"""Places: KB countries and cities named in prose or signature addresses, never inside URLs; not a summit's venue."""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.extractors.common import context, new_mention
from kg.extractors.contacts import street_before
from kg.extractors.gazetteer import current_kb
from kg.extractors.kbmatch import kb_mentions
from kg.extractors.text import Spans, protected_spans
from kg.kb import KB_BASE, KnowledgeBase
from kg.model import ExtractionResult, Mention, Message
from kg.vocab import SCHEMA

NAME = "places"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

# A venue after a preposition of time names the meeting held there, not the place:
# "Since Tunisia there was the WSIS+10 process", "after Geneva", "in the run-up to Tunis".
_TEMPORAL = re.compile(r"\b(?:[Ss]ince|[Aa]fter|[Bb]efore|[Uu]ntil|[Tt]ill|[Ss]ubsequent to|[Rr]un-up to|[Pp]ost-?|[Pp]re-?)\s*$")


def _venues(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Place key -> KB events held there (and in the cities it contains), for summits and phases."""
    located: dict[str, list[str]] = {}
    for entry in kb.by_kind("event"):
        for place in kb.objects(URIRef(KB_BASE + entry.key), SCHEMA.location):
            key = str(place)[len(KB_BASE):]
            for holder in (key, *getattr(kb.entries.get(key), "parents", ())):
                located.setdefault(holder, []).append(entry.key)
    return located


_VENUES: dict[int, tuple[KnowledgeBase, dict[str, list[str]]]] = {}


def summit_at(kb: KnowledgeBase, place_key: str) -> str | None:
    """The one KB event held at a place (or in a city of that country); None when none or several."""
    hit = _VENUES.get(id(kb))
    if hit is None or hit[0] is not kb:
        hit = _VENUES[id(kb)] = (kb, _venues(kb))
    events = hit[1].get(place_key, [])
    return events[0] if len(events) == 1 else None


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """KB places ("Geneva", "United Kingdom", "UK", "Lisboa"), venues in a temporal phrase as events."""
    ctx = context(message)
    kb = current_kb()
    # A signature address names a city or country ("1700-066 Lisboa"); only links and e-mail
    # addresses stay off limits, and phone lines.
    blocked = Spans.of(protected_spans(message.text)
                       + [(line.start, line.end) for line, kind in ctx.contact_lines if kind != "address"])
    result: list[Mention] = []
    for m in kb_mentions(message, found, "place", EXTRACTOR, blocked):
        if street_before(message.text[max(0, m.evidence.start - 40):m.evidence.start]):
            continue
        event = summit_at(kb, m.key) if _TEMPORAL.search(message.text[max(0, m.evidence.start - 20):m.evidence.start]) else None
        if event is None:
            result.append(m)
        else:
            result.append(new_mention(message, "event", event, m.evidence.start, m.evidence.end, EXTRACTOR,
                                      kb.entries[event].label))
    return ExtractionResult(message.id, tuple(result))
