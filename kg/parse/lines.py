"""Split a body into lines with their `>` quote depth, and strip a given number of quote levels."""

from __future__ import annotations


class Line:
    """One body line: the raw characters, its quote depth and the content after the markers.

    A plain class with slots, not a frozen dataclass: one is built per body line, and a frozen
    dataclass's __init__ (object.__setattr__ per field) was a measurable part of parsing. Treat it
    as immutable.
    """

    __slots__ = ("raw", "depth", "content", "blank")

    def __init__(self, raw: str, depth: int, content: str) -> None:
        self.raw = raw
        self.depth = depth
        self.content = content  # the text after all quote markers, stripped of surrounding whitespace
        self.blank = not content  # True when the line has no words (only markers or whitespace)

    def __repr__(self) -> str:
        return f"Line(raw={self.raw!r}, depth={self.depth!r}, content={self.content!r})"

    def __eq__(self, other: object) -> bool:  # by value, as the dataclass was (so not hashable)
        if not isinstance(other, Line):
            return NotImplemented
        return (self.raw, self.depth, self.content) == (other.raw, other.depth, other.content)


def quote_depth(raw: str) -> tuple[int, int]:
    """Count leading `>` markers (spaces between them allowed); return (depth, index after them).

    "> > text" and ">>text" both have depth 2. GroupWise attributions (">>> ajp at glocom.ac.jp
    12/28/2006 4:17 AM >>>") are not quotes and are given depth 0.
    """
    n = len(raw)
    i = 0
    depth = 0
    end = 0
    while i < n:
        ch = raw[i]
        if ch == ">":
            depth += 1
            i += 1
            end = i
        elif ch in " \t":
            i += 1
        else:
            break
    if depth == 3 and raw.rstrip().endswith(">>>") and raw.lstrip().startswith(">>> ") and len(raw.strip()) > 8:
        return 0, 0
    return depth, end


def split_lines(text: str) -> list[Line]:
    """Split text into `Line`s; `>From ` mbox escapes between unquoted lines are unescaped.

    mbox archives escape body lines that start with "From " as ">From " (corpus file 053); such a
    line between unquoted neighbours is the author's own line, not a quote.
    """
    raws = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[Line] = []
    for raw in raws:
        if raw and raw[0] in "> \t":
            depth, end = quote_depth(raw)
            out.append(Line(raw, depth, raw[end:].strip()))
        else:  # no quote markers to count (most lines)
            out.append(Line(raw, 0, raw.strip()))
    for i, line in enumerate(out if ">From " in text else ()):
        if line.depth == 1 and line.raw.startswith(">From "):
            prev_d = next((out[j].depth for j in range(i - 1, max(-1, i - 4), -1) if not out[j].blank), 0)
            next_d = next((out[j].depth for j in range(i + 1, min(len(out), i + 4)) if not out[j].blank), 0)
            if prev_d == 0 and next_d == 0:
                out[i] = Line(line.raw[1:], 0, line.raw[1:].strip())
    return out


def strip_levels(raw: str, levels: int) -> str:
    """Remove `levels` leading quote markers and one space after the last one, keeping the rest exact.

    strip_levels("> > text", 1) == "> text"; strip_levels(">>text", 2) == "text".
    """
    if levels <= 0:
        return raw
    i = 0
    n = len(raw)
    seen = 0
    while i < n and seen < levels:
        ch = raw[i]
        if ch == ">":
            seen += 1
        elif ch not in " \t":
            break
        i += 1
    if i < n and raw[i] == " ":
        i += 1
    return raw[i:]
