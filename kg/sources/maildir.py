"""Maildir folders and single .eml files: one raw message per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kg.sources.mbox import MAX_MESSAGE_BYTES

MAILDIR_PARTS = ("cur", "new")  # tmp/ holds deliveries in progress: never read


def is_maildir(path: Path) -> bool:
    """A folder with cur/ and new/ (and usually tmp/) subfolders."""
    return path.is_dir() and all((path / part).is_dir() for part in MAILDIR_PARTS)


def maildir_files(path: Path) -> list[Path]:
    """The message files of a Maildir, sorted by name (the delivery-unique name, so stable)."""
    files = [f for part in MAILDIR_PARTS for f in (path / part).iterdir() if f.is_file() and not f.name.startswith(".")]
    return sorted(files, key=lambda f: (f.name, f.parent.name))


def read_message_file(path: Path) -> bytes:
    """The bytes of one message file (an .eml or a Maildir entry), up to the message cap."""
    with path.open("rb") as handle:
        return handle.read(MAX_MESSAGE_BYTES + 1)


def iter_maildir(path: Path) -> Iterator[tuple[Path, bytes]]:
    """(file, raw message) for every message of a Maildir."""
    for file in maildir_files(path):
        yield file, read_message_file(file)
