"""Shared text helpers for the extractors: folding with offsets, protected spans, evidence, lines."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from kg.model import Evidence, Message
from kg.text_norm import fold  # noqa: F401  (re-exported: the extractors' keys agree with identity's)

# Characters written as apostrophes in archives: "ICANN´s", "CSTD’s", "ICANN's".
APOSTROPHES = "'’´`"


def fold_match(text: str) -> str:
    """Like fold, but "&" reads as "and" ("Science, Innovation & Technology"), for label matching."""
    return fold(text.replace("&", " and "))


@dataclass(frozen=True)
class FoldedText:
    """A folded copy of a text with, for every folded character, the index of the original one."""

    folded: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the folded slice [start, end)."""
        return self.origin[start], self.origin[end - 1] + 1


def fold_with_offsets(text: str) -> FoldedText:
    """Fold `text` (linear), runs of non-word characters becoming one space.

    The folded form of a label (fold_match) then occurs in the folded text exactly where the label
    occurs in the original, across line breaks: "Tunis\\nAgenda" -> "tunis agenda".
    """
    if text.isascii() and "&" not in text:
        return _fold_ascii(text)
    out: list[str] = []
    origin: list[int] = []
    space = True  # suppress a leading space
    # One regex step per ASCII word or separator run instead of one Python step per character (the
    # archives are mostly ASCII); only non-ASCII characters go through the per-character fold.
    for m in _FOLD_UNITS.finditer(text):
        index = m.start()
        if m.lastindex == 1:  # ASCII letters and digits: lower case, one origin each
            out.append(m.group().lower())
            origin.extend(range(index, m.end()))
            space = False
        elif m.lastindex == 2:  # ASCII non-word characters other than "&": at most one space
            if not space:
                out.append(" ")
                origin.append(index)
                space = True
        else:  # "&" or one non-ASCII character
            for c, alnum in _folded_char(m.group()):
                if alnum:
                    out.append(c)
                    origin.append(index)
                    space = False
                elif not space:
                    out.append(" ")
                    origin.append(index)
                    space = True
    return FoldedText("".join(out), tuple(origin))


def _fold_ascii(text: str) -> FoldedText:
    # The common case, with the same result and no Python loop: ASCII words lower-cased, each run of
    # other characters one space whose origin is its first character (none before the first word).
    # The origins are the offsets of the characters kept: letters and digits (1 in the mask), and
    # each non-word character that follows one.
    keep = _FIRST_SEPARATOR.sub(b"\x01", text.encode("ascii").translate(_ALNUM_MASK))
    folded = _ASCII_SEPARATORS.sub(" ", text.lower())
    return FoldedText(folded[1:] if folded.startswith(" ") else folded,
                      tuple(itertools.compress(range(len(text)), keep)))


_ALNUM_MASK = bytes.maketrans(bytes(range(128)), bytes(chr(i).isalnum() for i in range(128)))
_FIRST_SEPARATOR = re.compile(b"(?<=\x01)\x00")
_ASCII_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
# ASCII word runs | ASCII separator runs (not "&") | "&" or a single non-ASCII character.
_FOLD_UNITS = re.compile(r"([A-Za-z0-9]+)|([^A-Za-z0-9&\x80-\U0010ffff]+)|(.)", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _folded_char(char: str) -> tuple[tuple[str, bool], ...]:
    # What one character folds to, with each folded character's isalnum (cached: few distinct ones).
    if char == "&":
        piece = " and "
    else:
        decomposed = unicodedata.normalize("NFKD", char)
        piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return tuple((c, c.isalnum()) for c in piece)


# URLs, bare www. hosts, <...> links, and e-mail addresses, including pipermail's "name at domain".
_PROTECTED = re.compile(
    r"<[^<>\s]*[:@./][^<>\s]*>"
    r"|\b(?:https?|ftp|mailto):[^\s<>\"]+"
    r"|\bwww\.[^\s<>\"]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w.+-]+ at [\w-]+(?:\.[\w-]+)+\b"
    # a bare lower-case host ("ticafrica.net"), never an upper-case name like "DNS.PT"
    r"|\b(?-i:[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|int|gov|edu|info|lat|br|pt|uk|fr|de|ch|io))"
    r"(?:/[^\s<>\"]*)?(?![\w.])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Spans:
    """Sorted, non-overlapping character spans with a fast containment test."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, spans: list[tuple[int, int]]) -> "Spans":
        """Merge overlapping spans and index them."""
        starts: list[int] = []
        ends: list[int] = []
        for start, end in sorted(spans):  # two flat lists: built many times per message
            if ends and start <= ends[-1]:
                if end > ends[-1]:
                    ends[-1] = end
            else:
                starts.append(start)
                ends.append(end)
        return cls(tuple(starts), tuple(ends))

    def contains(self, start: int, end: int) -> bool:
        """True when [start, end) lies inside one (merged) span."""
        i = bisect.bisect_right(self.starts, start) - 1
        return i >= 0 and end <= self.ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps any span."""
        i = bisect.bisect_right(self.starts, start) - 1
        if i >= 0 and self.ends[i] > start:
            return True
        return i + 1 < len(self.starts) and self.starts[i + 1] < end


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs and e-mail addresses: nothing is extracted from inside them ("www.gov.uk/dsit")."""
    # Every alternative of _PROTECTED needs a "<", a ":" or a ".": most lines have none (exact skip).
    if "." not in text and ":" not in text and "<" not in text:
        return []
    return list(_protected_spans(text))


@functools.lru_cache(maxsize=256)
def _protected_spans(text: str) -> tuple[tuple[int, int], ...]:
    # Cached: the context, the gazetteer and the places extractor all ask for the message text's.
    return tuple(m.span() for start, end in _protected_windows(text) for m in _PROTECTED.finditer(text, start, end))


# _PROTECTED tries six alternatives at every character of a text, some backtracking through each
# word. Its matches need a "<", ":" or "." and hold no whitespace, except "name at host.org" whose
# host has a ".": so they all lie in the whitespace-free chunks holding one of those characters,
# each extended back over a preceding "chunk at ". Scanning only those windows finds the same
# matches: outside them none can start, and at a window's edges the regex sees whitespace or the
# text's end, to which its boundaries and lookarounds answer alike.
_ANCHORED_CHUNK = re.compile(r"(?<!\S)[^\s<:.]*+[<:.]\S*+")
_AT_BEFORE_ANCHORED = re.compile(r"(?<!\S)\S++ (?i:at) (?=[^\s<:.]*+[<:.])")


def _protected_windows(text: str) -> list[tuple[int, int]]:
    """Disjoint spans of `text` that hold every match of _PROTECTED (see above)."""
    spans = sorted([m.span() for m in _ANCHORED_CHUNK.finditer(text)]
                   + [m.span() for m in _AT_BEFORE_ANCHORED.finditer(text)])
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def make_evidence(message: Message, start: int, end: int, extractor: str) -> Evidence:
    """Evidence for message.text[start:end], trimmed of surrounding whitespace and markup."""
    text = message.text
    while start < end and (text[start].isspace() or text[start] in "*/_\"“”'"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*/_\"“”',;:"):
        end -= 1
    return Evidence(message.id, start, end, text[start:end], extractor)


class Rare:
    """A compiled regex whose every match contains one of some literal words: texts without any of
    them are not scanned (a substring test costs far less than a regex scan that finds nothing).

    Case-insensitive regexes test the lower-cased text, where "ı" and "ſ" (which such a regex takes
    for "i" and "s") are written "i" and "s".
    """

    def __init__(self, regex: re.Pattern, *words: str):
        self.regex = regex
        self.ignore_case = bool(regex.flags & re.IGNORECASE)
        self.words = tuple(w.lower() for w in words) if self.ignore_case else words

    def _absent(self, text: str) -> bool:
        if self.ignore_case:
            text = text.lower().replace("ı", "i").replace("ſ", "s")
        for word in self.words:
            if word in text:
                return False
        return True

    def finditer(self, text: str, *bounds: int):
        """regex.finditer(text, *bounds)."""
        return iter(()) if self._absent(text) else self.regex.finditer(text, *bounds)

    def search(self, text: str, *bounds: int):
        """regex.search(text, *bounds)."""
        return None if self._absent(text) else self.regex.search(text, *bounds)


class Line(NamedTuple):
    """One line of a text: its offsets and content (without the newline)."""

    # A named tuple, not a frozen dataclass: built for every line of every message, and a tuple is
    # built several times faster (it stays immutable, with the same fields and repr).

    start: int
    end: int
    text: str


def lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The lines of text[start:end] with offsets into `text`."""
    end = len(text) if end is None else end
    # str.split("\n") gives the same lines as scanning for [^\n]* runs (an empty last line after a
    # final newline, one empty line for an empty text), without a regex match per line.
    result = []
    position = start
    for piece in text[start:end].split("\n"):
        result.append(Line(position, position + len(piece), piece))
        position += len(piece) + 1
    return result


def strip_markup(line: Line) -> Line:
    """The line without surrounding whitespace and mail markup: "/Head, Office/" -> "Head, Office"."""
    s, text = line.start, line.text
    i, j = 0, len(text)
    while i < j and (text[i].isspace() or text[i] in "*/_>|•-–"):
        i += 1
    while j > i and (text[j - 1].isspace() or text[j - 1] in "*/_|•"):
        j -= 1
    return Line(s + i, s + j, text[i:j]) if i < j else Line(s, s, "")


_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n\s*\n")


def sentence_span(text: str, position: int) -> tuple[int, int]:
    """The sentence (or paragraph piece) around `position`, bounded by . ! ? ; or a blank line."""
    start = 0
    for match in _SENTENCE_END.finditer(text, max(0, position - 600), position):
        start = match.end()
    after = _SENTENCE_END.search(text, position)
    return start, (after.start() + 1 if after else len(text))


def overlaps_any(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) overlaps any of `spans` (small lists only)."""
    return any(s < end and start < e for s, e in spans)
