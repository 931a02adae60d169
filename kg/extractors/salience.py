"""Concept salience: broad policy topics count only when a message makes them its topic."""

from __future__ import annotations

import re
from collections import defaultdict

from rdflib import URIRef

from kg.extractors.text import fold
from kg.kb import KB_BASE, KnowledgeBase
from kg.model import Mention, Message
from kg.vocab import SKOS

BROAD_TOPICS = "concept/broad-topics"
GENERIC_TERMS = "concept/generic-terms"

# Nouns that make the concept next to them the thing talked about: "the cybersecurity debate",
# "privacy issues", "the question of transparency", "discussions on accountability".
_TOPIC_NOUNS = (r"debates?|discussions?|issues?|questions?|topics?|agenda|polic(?:y|ies)|negotiations?|dialogues?"
                r"|track|themes?|workstreams?|aspects?|dimensions?|concerns?|challenges?|principles?")
_CUE_AFTER = re.compile(rf"[ \t\n-]*(?:{_TOPIC_NOUNS})\b", re.IGNORECASE)
_CUE_BEFORE = re.compile(rf"\b(?:{_TOPIC_NOUNS}|area|field|matter|importance|role)\s+(?:of|on|around|about|regarding)"
                         r"\s+(?:the\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE)
# "Cybersecurity is a good example": a topic that opens a sentence as its subject.
_SUBJECT = re.compile(r"\s+(?:is|are|was|were|has|have|remains?|matters?)\b")
_QUOTES = ("\"“'‘", "\"”'’")


_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, frozenset[str]]] = {}


def _members(kb: KnowledgeBase, collection: str) -> frozenset[str]:
    # Cached per KB object (a KnowledgeBase holds a dict, so it cannot be an lru_cache key); the KB
    # itself is kept in the value so its id cannot be reused by another object.
    hit = _CACHE.get((id(kb), collection))
    if hit is None or hit[0] is not kb:
        node = URIRef(KB_BASE + collection)
        members = frozenset(str(o)[len(KB_BASE):] for o in kb.objects(node, SKOS.member)
                            if str(o).startswith(KB_BASE))
        hit = _CACHE[(id(kb), collection)] = (kb, members)
    return hit[1]


def broad_topics(kb: KnowledgeBase) -> frozenset[str]:
    """Keys of the KB concepts that count only when salient (the `concept/broad-topics` collection)."""
    return _members(kb, BROAD_TOPICS)


def generic_terms(kb: KnowledgeBase) -> frozenset[str]:
    """Keys of the KB concepts that are never a message's topic on their own (`concept/generic-terms`)."""
    return _members(kb, GENERIC_TERMS)


def in_cue(text: str, start: int, end: int) -> bool:
    """True when text[start:end] is quoted, next to a topic noun, or the subject opening a sentence."""
    before, after = text[max(0, start - 1):start], text[end:end + 1]
    if before and after and before in _QUOTES[0] and after in _QUOTES[1]:
        return True  # "cybercrime", 'information society'
    if _CUE_AFTER.match(text, end) or _CUE_BEFORE.search(text[max(0, start - 60):start]):
        return True
    opening = text[:start].rstrip(" \t")
    return (not opening or opening[-1] in ".!?\n") and bool(_SUBJECT.match(text, end))


def salient(message: Message, mentions: list[Mention], kb: KnowledgeBase, body_end: int) -> list[Mention]:
    """The concept mentions a reader would record as topics of the message.

    Terms of art always count. A broad topic counts when the body names it twice (any surface
    form), in a cue (see in_cue), or in the subject line ("Re: [governance] Privacy and the IGF");
    generic vocabulary never counts.
    """
    broad, generic = broad_topics(kb), generic_terms(kb)
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_key[m.key].append(m)
    subject = f" {fold(message.subject or '')} "
    keep: list[Mention] = []
    for key, group in by_key.items():
        if key in generic:
            continue
        if key in broad:
            in_body = [m for m in group if m.evidence.end <= body_end]
            forms = {fold(m.surface) for m in group} | {fold(m.label or "")}
            named_in_subject = any(f and f" {f} " in subject for f in forms)
            cued = any(in_cue(message.text, m.evidence.start, m.evidence.end) for m in in_body)
            if len(in_body) < 2 and not cued and not named_in_subject:
                continue
        keep.extend(group)
    return sorted(keep, key=lambda m: (m.evidence.start, m.evidence.end, m.key))
