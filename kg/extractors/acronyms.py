"""Acronyms defined in the text ("Long Form (LF)"): bind the acronym to the long form within the message."""

from __future__ import annotations

import re

from kg.extractors.common import context, new_mention, org_key
from kg.extractors.gazetteer import current_kb, gazetteer_for
from kg.extractors.phrases import head_kind, tokens
from kg.extractors.text import fold, fold_match
from kg.kb import KnowledgeBase
from kg.model import ExtractionResult, Mention, Message

NAME = "acronyms"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"

# "(CSTD)", "(EFEC)", "(NRIs)": 2-10 characters, at least two capitals, no spaces.
_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z0-9&.+-]{1,9})\s*\)")


def _long_form(short: str, window: str) -> int | None:
    """Schwartz & Hearst (2003): where in `window` the shortest long form of `short` starts, or None.

    Characters of the short form are matched right to left; the first one must start a word:
    "Commission on Science and Technology for Development" <- "CSTD".
    """
    s, pos = len(short) - 1, len(window) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        while pos >= 0 and (window[pos].lower() != char or (s == 0 and pos > 0 and window[pos - 1].isalnum())):
            pos -= 1
        if pos < 0:
            return None
        pos -= 1
        s -= 1
    start = pos + 1
    while start > 0 and window[start - 1].isalnum():
        start -= 1
    return start


def _kind_of(label: str) -> str:
    # The head noun decides: "Governmental Oversight Committee" is a body, "enhanced, fair and equal
    # collaboration" a concept.
    words = [t.lower for t in tokens(label) if t.text[:1].isalnum()]
    cut = next((i for i, w in enumerate(words) if w in ("of", "for", "on", "in") and i > 0), len(words))
    for word in reversed(words[:cut]):
        kind = head_kind(word)
        if kind:
            return kind
    return "concept"


def definitions(message: Message) -> list[tuple[str, int, int, str, str, str]]:
    """(acronym, long start, long end, kind, key, label) for every acronym defined in the message."""
    text = message.text
    ctx = context(message)
    kb = current_kb()
    gaz = gazetteer_for(kb)
    found = []
    for m in _DEFINITION.finditer(text):
        short = m.group(1)
        core = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
        if sum(c.isupper() for c in core) < 2 or ctx.blocked.overlaps(m.start(), m.end()):
            continue
        words = list(re.finditer(r"\S+", text[max(0, m.start() - 200):m.start()]))
        limit = min(len(core) + 5, len(core) * 2)
        base = max(0, m.start() - 200)
        window_start = base + words[-limit].start() if len(words) >= limit else base
        window = text[window_start:m.start()]
        window = window[max(window.rfind("\n\n"), -1) + 1:]
        offset = m.start() - len(window)
        start = _long_form(core, window.rstrip().rstrip("\"”*/_'"))
        if start is None:
            continue
        long_start, long_end = offset + start, m.start()
        label = " ".join(re.sub(r"[*/_\"“”]", " ", text[long_start:long_end]).split()).strip(" ,")
        if len(label.split()) < 2 or len(label) <= len(core):
            continue
        kb_hits = [g for g in gaz.find(label) if fold_match(g.surface) == fold_match(label)]
        if kb_hits:
            key, kind = kb_hits[0].key, kb_hits[0].kind
            label = kb.entries[key].label
        else:
            kind = _kind_of(label)
            key = org_key(label) if kind == "organization" else f"{kind}:{fold(label)}"
        found.append((short, long_start, long_end, kind, key, label))
    return found


_KNOWN: dict[int, tuple[KnowledgeBase, frozenset[str]]] = {}


def _known_acronyms(kb: KnowledgeBase) -> frozenset[str]:
    # Every acronym of the KB, collected once per KB object rather than once per message; the KB is
    # kept in the value so that its id cannot be reused by another object.
    hit = _KNOWN.get(id(kb))
    if hit is None or hit[0] is not kb:
        hit = _KNOWN[id(kb)] = (kb, frozenset(a for e in kb.entries.values() for a in e.acronyms))
    return hit[1]


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Mentions of each defined long form and of every later use of its acronym."""
    text = message.text
    ctx = context(message)
    known = _known_acronyms(current_kb())
    mentions: list[Mention] = []
    bound: set[str] = set()
    for short, start, end, kind, key, label in definitions(message):
        if not key.startswith(kind + ":") and short in known:
            continue  # a KB acronym of a KB entity: the gazetteer already finds every use
        mentions.append(new_mention(message, kind, key, start, end, EXTRACTOR, label))
        if short in bound:
            continue  # the first definition binds the acronym for the whole message
        bound.add(short)
        for use in re.finditer(r"(?<![\w.+-])" + re.escape(short) + r"(?![\w+]|[.-]\w)", text):
            if use.start() >= start and not ctx.blocked.overlaps(use.start(), use.end()):
                mentions.append(new_mention(message, kind, key, use.start(), use.end(), EXTRACTOR, label))
    return ExtractionResult(message.id, tuple(mentions))
