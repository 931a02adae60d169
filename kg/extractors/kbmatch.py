"""Knowledge-base matches of one kind as mentions: the shared step of the per-kind extractors."""

from __future__ import annotations

from kg.extractors.common import context, new_mention
from kg.extractors.gazetteer import current_kb, kb_matches
from kg.extractors.text import Spans, protected_spans
from kg.model import ExtractionResult, Mention, Message


def kb_mentions(message: Message, found: ExtractionResult, kind: str, extractor: str,
                blocked: Spans | None = None) -> list[Mention]:
    """Mentions of every KB entry of `kind` named in the message (acronyms whole-token, case-sensitive).

    `blocked` replaces the message's blocked spans (URLs, addresses, contact lines) when given.
    """
    matches = [match for match in kb_matches(message.text) if match.kind == kind]
    if not matches:
        return []  # most kinds in most messages: skip indexing what was found
    ctx = context(message)
    blocked = ctx.blocked if blocked is None else blocked
    entries = current_kb().entries
    result = []
    same_key: dict[str, set[tuple[int, int]]] = {}
    for m in found.mentions:
        same_key.setdefault(m.key, set()).add((m.evidence.start, m.evidence.end))
    for match in matches:
        if blocked.overlaps(match.start, match.end):
            continue
        if any(s <= match.start and match.end <= e for s, e in same_key.get(match.key, ())):
            continue
        result.append(new_mention(message, kind, match.key, match.start, match.end, extractor,
                                  entries[match.key].label))
    return result


def kb_spans(message: Message) -> list[tuple[int, int, str, str]]:
    """(start, end, key, kind) of every KB match in the message, for overlap tests."""
    return [(m.start, m.end, m.key, m.kind) for m in kb_matches(message.text)]
