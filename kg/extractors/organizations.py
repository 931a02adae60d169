"""Organizations: KB bodies, capitalised names with an organizational head noun, and "X government"."""

from __future__ import annotations

import re

from kg.extractors.common import context, covered, in_signature, new_mention, org_key
from kg.extractors.text import Spans
from kg.extractors.gazetteer import current_kb, gazetteer_for
from kg.extractors.kbmatch import kb_mentions, kb_spans
from kg.extractors.phrases import named_phrases
from kg.model import ExtractionResult, Mention, Message

NAME = "organizations"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"

# Country names that take "the": "Government of the United Kingdom", "... of the Netherlands".
_THE = re.compile(r"^(?:United|Republic|Kingdom|Democratic|Islamic|Russian|Czech|Dominican|Central African)\b"
                  r"|(?:s|Islands|Republic|Emirates)$")


def government_label(place_label: str) -> str:
    """ "United Kingdom" -> "Government of the United Kingdom"; "Canada" -> "Government of Canada"."""
    return "Government of " + ("the " if _THE.search(place_label) else "") + place_label


def governments(message: Message) -> list[Mention]:
    """ "the UK government", "US Government", "Government of Brazil" -> "Government of <Country>"."""
    kb = current_kb()
    places = {(m[0], m[1]): m[2] for m in kb_spans(message) if m[3] == "place"}
    text = message.text
    result = []
    for (start, end), key in sorted(places.items()):
        entry = kb.entries[key]
        after = re.match(r"[ \t]*\n?[ \t]*(?:[Gg]overnment|[Aa]dministration)\b", text[end:end + 20])
        before = re.search(r"\b[Gg]overnment of (?:the\s+)?$", text[max(0, start - 22):start])
        if entry.parents and any(kb.entries.get(p) and kb.entries[p].kind == "place" for p in entry.parents):
            continue  # a city has no government in this sense
        if after and "dministration" not in after.group():
            result.append(new_mention(message, "organization", org_key(government_label(entry.label)),
                                      start, end + after.end(), EXTRACTOR, government_label(entry.label)))
        elif before:
            result.append(new_mention(message, "organization", org_key(government_label(entry.label)),
                                      start - len(before.group()), end, EXTRACTOR, government_label(entry.label)))
    return result


def pattern_mentions(message: Message, found_mentions, start: int = 0, end: int | None = None) -> list[Mention]:
    """Organizations named by a capitalised phrase with an organizational head noun, not in the KB."""
    ctx = context(message)
    kb_exact = {(s, e) for s, e, _, _ in kb_spans(message)}
    kb_orgs = Spans.of([(s, e) for s, e, _, kind in kb_spans(message) if kind == "organization"])
    seen = covered(found_mentions)
    result = []
    for phrase in named_phrases(message.text, start, end):
        if phrase.kind != "organization" or ctx.blocked.overlaps(phrase.start, phrase.end):
            continue
        # Inside a KB organization's name it is that organization; inside a KB title it is still a
        # body ("Report from the High-Level Advisory Board on ..." names its author).
        if (phrase.start, phrase.end) in kb_exact or kb_orgs.contains(phrase.start, phrase.end):
            continue
        if len(phrase.words()) < 2 or not phrase.content_words():
            continue
        if seen.contains(phrase.start, phrase.end):
            continue
        label = " ".join(message.text[phrase.start:phrase.end].split())
        key = gazetteer_for().lookup(label)
        if key and current_kb().entries[key].kind == "organization":
            label = current_kb().entries[key].label
        else:
            key = org_key(label)
        result.append(new_mention(message, "organization", key, phrase.start, phrase.end, EXTRACTOR, label))
    return result


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """KB organizations anywhere; open-world names in the body (the signature has its own extractor)."""
    ctx = context(message)
    mentions = kb_mentions(message, found, "organization", EXTRACTOR)
    body_end = ctx.signature[0] if ctx.signature else len(message.text)
    mentions += governments(message)
    mentions += [m for m in pattern_mentions(message, list(found.mentions) + mentions, 0, body_end)
                 if not in_signature(ctx, m.evidence.start, m.evidence.end)]
    return ExtractionResult(message.id, tuple(mentions))

