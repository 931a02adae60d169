"""Per-message context shared by the extractors: signature range, blocked spans, keys and mention helpers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kg.extractors.contacts import contact_kind
from kg.extractors.text import Line, Spans, fold, lines, make_evidence, protected_spans, strip_markup
from kg.model import Mention, Message

# Sign-off words that end the body and open a signature block when the parser gave no segment.
_SIGN_OFF = re.compile(
    r"^(?:best(?: regards| wishes)?|regards|kind regards|warm regards|cheers|thanks|thank you|many thanks|"
    r"sincerely|yours|saludos|abraços|abrazos|atenciosamente|cordialement|bien à vous|mit freundlichen grüßen|"
    r"grüße|un abrazo|cordialmente|all the best)\b[ ,.!]*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Context:
    """What every extractor needs to know about one message besides its text."""

    signature: tuple[int, int] | None  # offsets of the signature block
    blocked: Spans  # URLs, e-mail addresses and contact lines: never entities
    contact_lines: tuple[tuple[Line, str], ...]  # (line, kind) for phone/web/address lines


def _fallback_signature(message: Message) -> tuple[int, int] | None:
    # Without a parser segment: the block after the last sign-off line ("Best,\n\nRaúl\n...") when it
    # sits in the last 15 lines; a sign-off on its own is not a signature.
    all_lines = lines(message.text)
    nonblank = [ln for ln in all_lines if ln.text.strip()]
    tail = nonblank[-15:]
    for index in range(len(tail) - 1, -1, -1):
        if _SIGN_OFF.match(strip_markup(tail[index]).text):
            if index + 1 < len(tail):
                return tail[index + 1].start, len(message.text)
            return None
    return None


def context(message: Message) -> Context:
    """The signature range and blocked spans of a message (cached: every extractor asks)."""
    # Every extractor asks about the same message in turn: an identity test first spares hashing the
    # whole frozen Message (text included) for the lru_cache a dozen times per message.
    last = _LAST_CONTEXT
    if last and last[0] is message:
        return last[1]
    ctx = _context(message)
    _LAST_CONTEXT[:] = [message, ctx]
    return ctx


_LAST_CONTEXT: list = []


@functools.lru_cache(maxsize=64)
def _context(message: Message) -> Context:
    signature = None
    spans = [(s.start, s.end) for s in message.segments if s.kind == "signature"]
    if spans:
        signature = (min(s for s, _ in spans), max(e for _, e in spans))
    else:
        signature = _fallback_signature(message)
    blocked = protected_spans(message.text)
    contacts = []
    for line in lines(message.text):
        kind = contact_kind(line.text)
        inside = signature is not None and signature[0] <= line.start < signature[1]
        # In the body a line that is mostly a link is prose around a link ("the /Report ...
        # <https://...pdf>/"): only its URL is blocked; in a signature the whole line is contact data.
        if kind == "web" and not inside:
            continue
        if kind:
            contacts.append((line, kind))
            blocked.append((line.start, line.end))
    return Context(signature, Spans.of(blocked), tuple(contacts))


def in_signature(ctx: Context, start: int, end: int) -> bool:
    """True when [start, end) lies in the signature block."""
    return ctx.signature is not None and ctx.signature[0] <= start and end <= ctx.signature[1]


def person_key(name: str) -> str:
    """The identity key of a person name: "Blaker, Paul" -> "person:paul blaker"."""
    return "person:" + fold(natural_order(name))


def natural_order(name: str) -> str:
    """ "Last, First (ORG)" -> "First Last"; other names unchanged apart from spacing."""
    name = re.sub(r"\s*\([^)]*\)\s*", " ", name).strip().strip("\"'")
    if name.count(",") == 1:
        last, first = (p.strip() for p in name.split(","))
        if last and first and " " not in last.strip():
            name = f"{first} {last}"
    return " ".join(name.split())


def author_key(message: Message) -> str | None:
    """The person key of the message author, from the parser's sender name (None when unknown)."""
    if message.author is None or not message.author.name:
        return None
    return _author_key(message.author.name)


@functools.lru_cache(maxsize=1024)  # three extractors ask per message; authors recur
def _author_key(sender: str) -> str | None:
    name = natural_order(sender)
    return person_key(name) if fold(name) else None


def org_key(label: str) -> str:
    """The key of an organization not in the KB: "organization:" + folded label."""
    return "organization:" + fold(label)


def new_mention(message: Message, kind: str, key: str, start: int, end: int, extractor: str,
                label: str | None = None) -> Mention:
    """A Mention whose evidence is message.text[start:end] (trimmed of markup)."""
    evidence = make_evidence(message, start, end, extractor)
    return Mention(kind, key, evidence.exact, evidence, label if label is not None else evidence.exact)


def taken(found_mentions, start: int, end: int) -> bool:
    """True when a mention already found covers [start, end) (the longer, earlier reading wins)."""
    return covered(found_mentions).contains(start, end)


def covered(found_mentions) -> Spans:
    """The spans of some mentions, indexed (built once per call site: linear, not quadratic)."""
    if isinstance(found_mentions, Spans):
        return found_mentions
    return Spans.of([(m.evidence.start, m.evidence.end) for m in found_mentions])
