"""Contact details (addresses, phone numbers, postal addresses) removed from message text before use."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

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
_STREET_WORDS = (
    r"\b(?:avenida|av\.|rua|calle|rue|street|st\.|road|rd\.|avenue|ave\.|"
    r"boulevard|blvd|straße|strasse|via|piazza|plaza|praça|chemin|route de|p\.?o\.? box|caixa postal|"
    r"apartado|n\.º)\b"
)
STREET = re.compile(r"(?im)^[ \t>]*(?=[^\n]*\d)(?=[^\n]*" + _STREET_WORDS + r")[^\n]*$")
# What every match of EMAIL and STREET must contain, found by a cheap search first (see _email_spans
# and _street_spans): EMAIL's separators, STREET's digit.
_EMAIL_SEPARATOR = re.compile(r"@| at | \[at\] |\[at\]| \(at\) ")  # EMAIL's separators
_LOCAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._%+-")  # EMAIL's [...]+
_DIGIT = re.compile(r"\d")  # the number of PHONE_LABEL, the house number of STREET
# Without a region, phonenumbers reads only numbers that start with a plus sign, and its viability
# test (_VALID_PHONE_NUMBER, checked before anything else) wants three digits after the plus with
# nothing but its punctuation between: "WSIS+20 review" has none, so the slow matcher need not run.
# (One plus, not a run of them: each plus is tried once, and linearly; the last plus of a run will do.)
try:
    from phonenumbers.phonenumberutil import _PLUS_CHARS, _REGEX_FLAGS, _STAR_SIGN, _VALID_PUNCTUATION

    _PLUS_NUMBER = re.compile(f"[{_PLUS_CHARS}](?:[{_VALID_PUNCTUATION}{_STAR_SIGN}]*\\d){{3}}", _REGEX_FLAGS)
except ImportError:  # a phonenumbers without these: run the matcher on every text
    _PLUS_NUMBER = re.compile("")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """EMAIL.finditer's spans, with the regex tried only where a match can start.

    A match is ["mailto:"] + a run of local characters + a separator + a domain. The separator
    starts with a character that is not a local one, so the run is the one ending at the separator,
    and whether the match succeeds depends on the separator and what follows only: one EMAIL.match
    per separator, at the earliest start finditer could find, gives the same spans as finditer
    without trying EMAIL at every letter of the text.
    """
    spans: list[tuple[int, int]] = []
    pos = 0  # where finditer would go on searching
    find = 0  # where the next separator is looked for (overlapping ones included: " at at x.org")
    while (sep := _EMAIL_SEPARATOR.search(text, find)) is not None:
        at = sep.start()
        start = at
        while start > pos and text[start - 1] in _LOCAL_CHARS:
            start -= 1
        find = at + 1
        if start == at:
            continue  # no local part before this separator
        if start - 7 >= pos and text.startswith("mailto:", start - 7):
            start -= 7
        match = EMAIL.match(text, start)
        if match is not None:
            spans.append(match.span())
            pos = find = match.end()
    return spans


def _street_spans(text: str) -> list[tuple[int, int]]:
    """STREET.finditer's spans: STREET matches whole lines that hold a digit; only those lines are tried."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while (digit := _DIGIT.search(text, pos)) is not None:
        match = STREET.match(text, text.rfind("\n", 0, digit.start()) + 1)
        if match is not None:
            spans.append(match.span())
        pos = text.find("\n", digit.start()) + 1
        if pos == 0:
            break
    return spans


def _phone_spans(text: str) -> list[tuple[int, int]]:
    spans = [(m.start("number"), m.end("number")) for m in PHONE_LABEL.finditer(text)] if _DIGIT.search(text) else []
    # International numbers anywhere ("+351 21 392 4498"); Leniency.VALID avoids dates and counts.
    if _PLUS_NUMBER.search(text):
        for match in phonenumbers.PhoneNumberMatcher(text, None, leniency=phonenumbers.Leniency.VALID):
            spans.append((match.start, match.end))
    return spans


def contact_spans(text: str) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, mask) spans of contact details in `text`, in order."""
    return list(_spans(text))


def _spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """contact_spans, remembered for texts up to 5,000 characters: a reply quotes its parent's text
    word for word, and a thread's messages share their subject."""
    return _remembered_spans(text) if len(text) <= 5000 else _find_spans(text)


def _find_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """contact_spans' work."""
    spans = [(s, e, EMAIL_MASK) for s, e in _email_spans(text)]
    spans += [(s, e, PHONE_MASK) for s, e in _phone_spans(text)]
    spans += [(s, e, POSTAL_MASK) for s, e in _street_spans(text)]
    spans.sort(key=lambda s: (s[0], -s[1]))
    merged: list[tuple[int, int, str]] = []
    for start, end, mask in spans:
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, mask))
    return tuple(merged)


_remembered_spans = lru_cache(maxsize=2048)(_find_spans)


def redact_text(text: str) -> str:
    """`text` with every contact detail replaced by its mask (no offsets kept: for short fields)."""
    out, cursor = [], 0
    for start, end, mask in _spans(text):
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
    spans = _spans(message.text)
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
