"""Events and processes: KB events, review cycles ("WSIS+20"), and capitalised names with an event head noun."""

from __future__ import annotations

import re

from kg.extractors.common import context, covered, new_mention
from kg.extractors.kbmatch import kb_mentions, kb_spans
from kg.extractors.phrases import named_phrases
from kg.extractors.gazetteer import current_kb
from kg.extractors.text import Rare, Spans, fold
from kg.model import ExtractionResult, Mention, Message

NAME = "events"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

# "IGF 2025", "ICANN 82", "WSIS+25": a known body or process followed by an edition number.
_EDITION = re.compile(r"\b([A-Z][A-Za-z]{1,9})(\+\d{1,2}| (?:19|20)\d\d| \d{2,3})\b(?!\s*(?:%|USD|EUR|\$))")


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """KB events, editions of known bodies or processes, and "... Summit"/"... Conference" names."""
    ctx = context(message)
    text = message.text
    # An event named inside a new title is part of the title: "EU non-paper on World Summit on ...".
    titles = covered([m for m in found.mentions if m.kind == "document" and ":" in m.key])
    mentions: list[Mention] = [m for m in kb_mentions(message, found, "event", EXTRACTOR)
                               if not titles.contains(m.evidence.start, m.evidence.end)]
    kb = kb_spans(message)
    kb_all = Spans.of([(s, e) for s, e, _, _ in kb])
    seen = covered(found.mentions)
    known = {text[s:e] for s, e, _, kind in kb if kind in ("organization", "event")}
    orgs = {text[s:e] for s, e, _, kind in kb if kind == "organization"}
    for m in _EDITION.finditer(text):
        if m.group(1) not in known or ctx.blocked.overlaps(m.start(), m.end()):
            continue
        if not m.group(2).startswith("+") and m.group(1) not in orgs:  # "WSIS 2005 Tunis agreement" is no edition
            continue
        if kb_all.contains(m.start(), m.end()) or seen.contains(m.start(), m.end()):
            continue
        label = m.group()
        mentions.append(new_mention(message, "event", "event:" + fold(label), m.start(), m.end(), EXTRACTOR, label))
    for phrase in named_phrases(text):
        if phrase.kind != "event" or not phrase.content_words() or ctx.blocked.overlaps(phrase.start, phrase.end):
            continue
        if kb_all.contains(phrase.start, phrase.end) or seen.contains(phrase.start, phrase.end) \
                or titles.contains(phrase.start, phrase.end):
            continue
        label = " ".join(text[phrase.start:phrase.end].split())
        mentions.append(new_mention(message, "event", "event:" + fold(label), phrase.start, phrase.end, EXTRACTOR, label))
    mentions += _described(message, list(found.mentions) + mentions)
    return ExtractionResult(message.id, tuple(mentions))


# A process named by its head noun alone: "after the transition" (one KB process only: "the review" has many).
_DESCRIBED = Rare(re.compile(r"\b[Tt]he\s+(transition)\b"), "transition")  # texts without the word are not scanned
_STOP = frozenset("the of on for and in to process review transition negotiations".split())


def _described(message: Message, found_mentions: list[Mention]) -> list[Mention]:
    """ "the transition" is the one KB process with that head noun whose other words the message (or its
    subject line) names: "[CWG-Stewardship] ... after the transition" -> IANA stewardship transition."""
    matches = list(_DESCRIBED.finditer(message.text))
    if not matches:
        return []  # the usual case: skip folding the whole message
    kb = current_kb()
    seen = covered(found_mentions)
    context_words = set(fold(f"{message.subject or ''} {message.text}").split())
    result = []
    for m in matches:
        if seen.overlaps(m.start(), m.end()):
            continue
        head = m.group(1).lower()
        fits = [e for e in kb.by_kind("event")
                if head in fold(e.label).split() and (words := set(fold(e.label).split()) - _STOP)
                and words & context_words]
        if len(fits) == 1:
            result.append(new_mention(message, "event", fits[0].key, m.start(), m.end(), EXTRACTOR, fits[0].label))
    return result
