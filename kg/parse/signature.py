"""Find where a message's sign-off and signature block (name, titles, organisation, contacts) begins."""

from __future__ import annotations

import re

from kg.parse.langs import CLOSINGS
from kg.parse.senders import fold, name_key

_CLOSINGS = frozenset(fold(c) for c in CLOSINGS)  # "Abraços" is compared as "abracos"
WINDOW = 30  # a signature starts within the last 30 non-blank lines
MAX_AFTER = 28  # and is at most this many non-blank lines long
_WORD = re.compile(r"\w+")
_DELIMITER = re.compile(r"^(?:--|-- |—|__)\s*$")
# Lines that are long but still part of a signature: legal or courtesy notices.
# ("I am sending this message at a time that works well for me. I respect ... working hours")
_DISCLAIMER = re.compile(
    r"confidential|intended|recipient|disclaimer|privileged|virus|working hours|e-?mail|message|"
    r"legally|prohibited|notify|printing|environment|official|sensitive",
    re.IGNORECASE,
)


def _closing(line: str, name_tokens: set[str]) -> bool:
    """"Best,", "Kind regards", "best, parminder", "Saludos" - a whole-line sign-off."""
    folded = fold(line).strip(" .!-–—:*_/")
    if not folded or len(folded) > 60:
        return False
    if folded.rstrip(",").strip() in _CLOSINGS:
        return True
    head, _, tail = folded.partition(",")
    if head.strip() in _CLOSINGS and tail:
        words = _WORD.findall(tail)
        return 0 < len(words) <= 3 and (not name_tokens or any(w in name_tokens for w in words) or len(words) == 1)
    return False


def _name_line(line: str, name_tokens: set[str]) -> bool:
    """A line that starts with the author's name ("Ana", "Paul Blaker", "Anriette Esterhuysen - ...")."""
    if not name_tokens or len(line) > 90:
        return False
    folded = fold(line)
    first = _WORD.search(folded)  # most lines fail on their first word: no need to split them all
    if first is None or first.group() not in name_tokens:
        return False
    words = _WORD.findall(folded)
    name_words = [w for w in words[:4] if w in name_tokens]
    return len(words) <= 4 and len(name_words) == len(words[: len(name_words)]) or (
        len(words) > 4 and len(name_words) >= 2 and ("@" in line or " at " in line or "-" in line)
    )


def _signature_like(lines: list[str], start: int) -> bool:
    """What follows an anchor is short lines, not a paragraph of prose (a PS or more body)."""
    nonblank = 0
    run = 0
    for line in lines[start + 1:]:
        text = line.strip()
        if not text:
            run = 0
            continue
        nonblank += 1
        if nonblank > MAX_AFTER:
            return False
        if len(text) >= 55 and not _DISCLAIMER.search(text) and not text.startswith(("http", "www", "<")):
            run += 1
            if run >= 3:
                return False
        else:
            run = 0
    return True


def signature_start(lines: list[str], author_name: str | None) -> int | None:
    """Index of the first signature line in `lines` (the message's own text), or None.

    The anchor is the last "-- " delimiter, else the last sign-off phrase ("Best,"), else the first
    line that starts with the author's name; whatever follows must look like a signature.
    """
    nonblank = [i for i, line in enumerate(lines) if line.strip()]
    if len(nonblank) < 2:
        return None
    window = nonblank[-WINDOW:]
    first_body = nonblank[0]
    name_tokens = {t for t in name_key(author_name).split() if len(t) >= 2}
    for i in reversed(window):
        if _DELIMITER.match(lines[i]) and i > first_body:
            return i
    for i in reversed(window):
        if i > first_body and _closing(lines[i], name_tokens) and _signature_like(lines, i):
            return i
    for i in window:
        if i > first_body and _name_line(lines[i].strip(), name_tokens) and _signature_like(lines, i):
            return i
    return None


def signature_name(lines: list[str], start: int) -> list[str]:
    """Candidate full-name lines of a signature (2-5 capitalised words), in order."""
    out = []
    for line in lines[start:start + 6]:
        text = line.strip(" *_/")
        words = text.split()
        if 2 <= len(words) <= 5 and len(text) <= 60 and all(w[:1].isupper() for w in words if w[:1].isalpha()):
            if not any(ch.isdigit() for ch in text) and "@" not in text:
                out.append(text)
    return out
