"""mbox files (plain or .gz) split into raw messages with the strict From_ rule, streaming."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.sources.decompress import gunzip_bounded

MAX_GZ_BYTES = 1 << 30  # one local .mbox.gz decompressed whole (all-or-nothing, security.md D15)
MAX_MESSAGE_BYTES = 20 << 20  # one message; a larger one is cut here and reported by the parser

# security.md §2.8: a From_ line is "From <sender> <asctime date>", after a blank line. Pipermail
# writes the sender obfuscated and with two spaces: "From alice at example.org  Mon Jan  1 00:00:00 2001".
FROM_LINE = re.compile(
    rb"^From (\S+(?: at \S+)?) {1,2}(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) "
    rb"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d\d:\d\d:\d\d(?: [A-Z]{3,4})? \d{4}\r?$")
# mboxrd: ">From " was written for a body line "From "; one ">" comes off (">>From " -> ">From ").
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)
_CRS_LINE_END = re.compile(rb"(?<!\r)\r+\n")  # from the first "\r" of a run only: linear on long runs


def split_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Raw messages (From_ line removed, mboxrd escapes undone) from the lines of an mbox, each line
    with its b"\\n" (as a binary file yields them).

    A body line "From the desk of ..." does not split a message: only a date-shaped From_ line
    after a blank line (or at the start) does (security.md D16: mailbox.mbox found 3 of 2).
    """
    # Per line, only what finding From_ lines and the size cap need; the rest is done once per
    # message in _finish. A message is cut at the first line that starts after MAX_MESSAGE_BYTES,
    # counting each line without its line end, plus one.
    current: list[bytes] | None = None
    size, prev = 0, b""
    for line in lines:
        if line.startswith(b"From ") and not prev.strip() and FROM_LINE.match(line.rstrip(b"\r\n")):
            if current is not None:
                yield _finish(current)
            current, size = [], 0
        elif current is not None and size <= MAX_MESSAGE_BYTES:
            current.append(line)
            size += len(line.rstrip(b"\r\n")) + 1
        prev = line
    if current is not None:
        yield _finish(current)


def _finish(lines: list[bytes]) -> bytes:
    """The message of these raw lines: line ends made "\n", escapes undone, trailing blank lines dropped."""
    text = b"".join(lines)
    if b"\r" in text:  # each line's trailing "\r"s go, as with rstrip(b"\r\n")
        text = text.replace(b"\r\n", b"\n")
        if b"\r\n" in text:  # there were several
            text = _CRS_LINE_END.sub(b"\n", text)
        text = text.rstrip(b"\r")
    if not text.endswith(b"\n"):
        text += b"\n"
    if b">From " in text:  # in every escaped line
        text = _ESCAPED_FROM.sub(rb"\1", text)
    # the blank line that separates messages belongs to the mbox, not to the message
    content = text.rstrip()
    if not content:
        return b"\n"
    return text[:text.index(b"\n", len(content)) + 1]


def split_mbox(data: bytes) -> list[bytes]:
    """Raw messages of an mbox held in memory (a downloaded month)."""
    return list(split_lines(io.BytesIO(data)))  # lines with their "\n", as read from a file


def iter_mbox_file(path: Path) -> Iterator[bytes]:
    """Raw messages of an mbox or .mbox.gz file; plain files stream, .gz files decompress whole first."""
    if path.name.endswith(".gz"):
        yield from split_mbox(gunzip_bounded(path.read_bytes(), MAX_GZ_BYTES))
        return
    with path.open("rb") as handle:
        yield from split_lines(handle)


def looks_like_mbox(head: bytes) -> bool:
    """True when a file starts like an mbox (a From_ line)."""
    return bool(FROM_LINE.match(head.split(b"\n", 1)[0].rstrip(b"\r")))
