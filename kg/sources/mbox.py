"""mbox files (plain or .gz) split into raw messages with the strict From_ rule, streaming."""

from __future__ import annotations

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
_ESCAPED_FROM = re.compile(rb"^>(>*From )")


def _unescape(line: bytes) -> bytes:
    # mboxrd: ">From " was written for a body line "From "; one ">" comes off (">>From " -> ">From ").
    return _ESCAPED_FROM.sub(rb"\1", line) if line.startswith(b">") else line


def split_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Raw messages (From_ line removed, mboxrd escapes undone) from the lines of an mbox.

    A body line "From the desk of ..." does not split a message: only a date-shaped From_ line
    after a blank line (or at the start) does (security.md D16: mailbox.mbox found 3 of 2).
    """
    current: list[bytes] | None = None
    size, prev_blank = 0, True
    for line in lines:
        bare = line.rstrip(b"\r\n")
        if prev_blank and bare.startswith(b"From ") and FROM_LINE.match(bare):
            if current is not None:
                yield _finish(current)
            current, size = [], 0
        elif current is not None:
            if size <= MAX_MESSAGE_BYTES:
                current.append(_unescape(bare))
                size += len(bare) + 1
        prev_blank = not bare.strip()
    if current is not None:
        yield _finish(current)


def _finish(lines: list[bytes]) -> bytes:
    # the blank line that separates messages belongs to the mbox, not to the message
    while lines and not lines[-1].strip():
        lines.pop()
    return b"\n".join(lines) + b"\n"


def split_mbox(data: bytes) -> list[bytes]:
    """Raw messages of an mbox held in memory (a downloaded month)."""
    return list(split_lines(data.split(b"\n")))


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
