"""Shared text helpers for the extractors: folding with offsets, protected spans, evidence, lines."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass

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
    """Fold `text` one character at a time (linear), runs of non-word characters becoming one space.

    The folded form of a label (fold_match) then occurs in the folded text exactly where the label
    occurs in the original, across line breaks: "Tunis\\nAgenda" -> "tunis agenda".
    """
    out: list[str] = []
    origin: list[int] = []
    space = True  # suppress a leading space
    for index, char in enumerate(text):
        if char == "&":
            piece = " and "
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        for c in piece:
            if c.isalnum():
                out.append(c)
                origin.append(index)
                space = False
            elif not space:
                out.append(" ")
                origin.append(index)
                space = True
    return FoldedText("".join(out), tuple(origin))


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
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return cls(tuple(s for s, _ in merged), tuple(e for _, e in merged))

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
    return [m.span() for m in _PROTECTED.finditer(text)]


def make_evidence(message: Message, start: int, end: int, extractor: str) -> Evidence:
    """Evidence for message.text[start:end], trimmed of surrounding whitespace and markup."""
    text = message.text
    while start < end and (text[start].isspace() or text[start] in "*/_\"“”'"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in "*/_\"“”',;:"):
        end -= 1
    return Evidence(message.id, start, end, text[start:end], extractor)


@dataclass(frozen=True)
class Line:
    """One line of a text: its offsets and content (without the newline)."""

    start: int
    end: int
    text: str


def lines(text: str, start: int = 0, end: int | None = None) -> list[Line]:
    """The lines of text[start:end] with offsets into `text`."""
    end = len(text) if end is None else end
    result = []
    for match in re.finditer(r"[^\n]*", text[start:end]):
        if match.start() == match.end() and match.start() > 0 and text[start + match.start() - 1] != "\n":
            continue
        result.append(Line(start + match.start(), start + match.end(), match.group()))
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
