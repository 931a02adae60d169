"""Concepts: SKOS concepts of the KB thesaurus, and quoted Title-Case terms of art (acronym-defined ones: acronyms)."""

from __future__ import annotations

import re

from kg.extractors.common import context, covered, new_mention
from kg.extractors.gazetteer import current_kb, gazetteer_for
from kg.extractors.kbmatch import kb_mentions
from kg.extractors.phrases import head_kind
from kg.extractors.salience import salient
from kg.extractors.text import fold
from kg.model import ExtractionResult, Mention, Message

NAME = "concepts"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Mentions of KB concepts ("enhanced cooperation", "multi-stakeholder", "AI")."""
    # A concept word inside a body's or a title's name is part of that name, not a topic of the
    # message: "High-Level Advisory Board on Effective Multilateralism".
    names = covered([m for m in found.mentions if m.kind in ("organization", "document") and ":" in m.key])
    mentions = [m for m in kb_mentions(message, found, "concept", EXTRACTOR)
                if not names.contains(m.evidence.start, m.evidence.end)]
    ctx = context(message)
    mentions = salient(message, mentions, current_kb(), ctx.signature[0] if ctx.signature else len(message.text))
    mentions += _quoted_terms(message, list(found.mentions) + mentions)
    return ExtractionResult(message.id, tuple(mentions))


# A quoted Title-Case term is a term of art: "Geneva Principle", "Forum Function".
_QUOTED = re.compile(r"[\"“]((?:[A-Z][\w-]+)(?:[ \t]+[A-Z][\w-]+){1,3})[\"”]")


def _quoted_terms(message: Message, found_mentions: list[Mention]) -> list[Mention]:
    ctx = context(message)
    gaz = gazetteer_for()
    entries = current_kb().entries
    others = covered([f for f in found_mentions if f.kind != "place"])
    result = []
    for m in _QUOTED.finditer(message.text):
        term = " ".join(m.group(1).split())
        if ctx.blocked.overlaps(m.start(1), m.end(1)) or any(head_kind(w) for w in term.split()):
            continue
        if others.overlaps(m.start(1), m.end(1)):
            continue
        key = gaz.lookup(term)
        if key and entries[key].kind != "concept":
            continue
        label = entries[key].label if key else term.lower() if not term.isupper() else term
        result.append(new_mention(message, "concept", key or "concept:" + fold(term), m.start(1), m.end(1),
                                  EXTRACTOR, label))
    return result
