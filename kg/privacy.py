"""Contact details (addresses, phone numbers, postal addresses) removed from message text before use."""

from __future__ import annotations

import re
from dataclasses import replace

import phonenumbers

from kg.model import Message, Segment

EMAIL_MASK = "[address removed]"
PHONE_MASK = "[phone removed]"
POSTAL_MASK = "[postal address removed]"

# Plain and pipermail-obfuscated addresses: "anriette at apc.org", "x@y.org", "<mailto:x at y.org>".
# Each part is a run of one character class, dot-separated (no ambiguous nesting: matching stays
# linear). The TLD is alphabetic, so "meet at 10.30" and "organizations@0.1" are not addresses.
EMAIL = re.compile(
    r"(?:mailto:)?[A-Za-z0-9._%+\-]+(?:@| at | \[at\] |\[at\]| \(at\) )(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,24}\b",
)
# A labelled phone line catches local formats that phonenumbers cannot place without a region:
# "Tel: +44 (0) 7515 701352", "M: 912 397 371", "Fax. 0041 22 123 45 67".
PHONE_LABEL = re.compile(
    r"(?im)^(?P<label>[ \t>]*(?:tel|tél|phone|fone|telefone|teléfono|telefono|fax|mob|mobile|cell|cel|t|m|f|p)"
    r"\b\.?\s?:?[ \t]*)(?P<number>\+?[\d][\d ()./\-]{6,}\d)",
)
# Postal lines: a street word with a house number, or a postcode-like token next to a city word.
STREET = re.compile(
    r"(?im)^[ \t>]*(?=[^\n]*\d)(?=[^\n]*\b(?:avenida|av\.|rua|calle|rue|street|st\.|road|rd\.|avenue|ave\.|"
    r"boulevard|blvd|straße|strasse|via|piazza|plaza|praça|chemin|route de|p\.?o\.? box|caixa postal|"
    r"apartado|n\.º)\b)[^\n]*$",
)


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start("number"), m.end("number")) for m in PHONE_LABEL.finditer(text)]
    # International numbers anywhere ("+351 21 392 4498"); Leniency.VALID avoids dates and counts.
    for match in phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.VALID):
        spans.append((match.start, match.end))
    return spans


def contact_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, mask) spans of contact details in `text`, in order."""
    spans = [(m.start(), m.end(), EMAIL_MASK) for m in EMAIL.finditer(text)]
    spans += [(s, e, PHONE_MASK) for s, e in _phone_spans(text)]
    spans += [(m.start(), m.end(), POSTAL_MASK) for m in STREET.finditer(text)]
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, mask in spans:
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, mask))
    return merged


def redact_text(text: str) -> str:
    """`text` with every contact detail replaced by its mask (no offsets kept: for short fields)."""
    out, cursor = [], 0
    for start, end, mask in contact_spans(text):
        out += [text[cursor:start], mask]
        cursor = end
    return "".join(out) + text[cursor:]


def redact_message(message: Message) -> Message:
    """The message with contact details in its text and subject replaced by masks, segments moved to match.

    Done before extraction, so every evidence offset is an offset into the published text. The
    subject is published as dcterms:title, so it is masked too ("... for endorsement at bestbits.net"
    is indistinguishable from a pipermail-obfuscated address).
    """
    subject = redact_text(message.subject) if message.subject else message.subject
    if subject != message.subject:
        message = replace(message, subject=subject)
    spans = contact_spans(message.text)
    if not spans:
        return message
    pieces: list[str] = []
    cursor = 0
    shifts: list[tuple[int, int]] = []  # (old offset, delta) from that offset on
    delta = 0
    for start, end, mask in spans:
        pieces.append(message.text[cursor:start])
        pieces.append(mask)
        delta += len(mask) - (end - start)
        shifts.append((end, delta))
        cursor = end
    pieces.append(message.text[cursor:])

    def moved(offset: int) -> int:
        shift = 0
        for old, d in shifts:
            if offset >= old:
                shift = d
        return offset + shift

    segments = tuple(Segment(s.kind, moved(s.start), moved(s.end)) for s in message.segments)
    return replace(message, text="".join(pieces), segments=segments)
