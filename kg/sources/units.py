"""What sources yield: units (a month, a file) that are read all-or-nothing, holding raw items (an email or a page)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.sources.maildir import is_maildir, iter_maildir, read_message_file
from kg.sources.mbox import iter_mbox_file


@dataclass(frozen=True)
class RawItem:
    """One raw email ("email") or archive page ("page") with what its source knows about it."""

    kind: str
    data: bytes
    locator: str
    url: str | None = None
    list_hint: str | None = None  # the list name the source knows (pipermail/<list>/, a HyperKitty address)
    parent_hint: str | None = None  # the parent's Message-ID from pipermail's thread.html, for headerless mail

    def key(self, salt: str) -> str:
        """Parse-cache key: the item's bytes and context, with the parser version and privacy switch."""
        h = hashlib.sha256(salt.encode())
        for part in (self.kind, self.locator, self.url or "", self.list_hint or "", self.parent_hint or ""):
            h.update(part.encode("utf-8", "surrogatepass") + b"\0")
        h.update(self.data)
        return h.hexdigest()


@dataclass(frozen=True)
class Unit:
    """A part of a source that is read whole or not at all (a pipermail month, an mbox file).

    `open()` returns the unit's fingerprint and its items, and raises SourceError when it cannot be
    read completely; nothing of a unit is committed before its last item was read. `fingerprint`,
    when known without reading (a local file's size and mtime), lets an unchanged unit be skipped;
    `final` units (past months) are not re-checked once committed.
    """

    key: str
    open: Callable[[], tuple[str, Iterator[RawItem]]]
    fingerprint: str | None = None
    final: bool = False


def file_fingerprint(path: Path) -> str:
    """Size and modification time: enough to notice a changed local file without reading it."""
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def mbox_unit(path: Path) -> Unit:
    """An mbox or .mbox.gz file."""
    def open_() -> tuple[str, Iterator[RawItem]]:
        return file_fingerprint(path), (RawItem("email", raw, str(path)) for raw in iter_mbox_file(path))
    return Unit(f"mbox:{path.resolve()}", open_, file_fingerprint(path))


def eml_unit(path: Path) -> Unit:
    """One .eml file."""
    def open_() -> tuple[str, Iterator[RawItem]]:
        return file_fingerprint(path), iter([RawItem("email", read_message_file(path), str(path))])
    return Unit(f"eml:{path.resolve()}", open_, file_fingerprint(path))


def maildir_unit(path: Path) -> Unit:
    """A Maildir folder; its fingerprint is the sorted names and fingerprints of its files."""
    def fingerprint() -> str:
        h = hashlib.sha256()
        for file, _ in ((f, None) for part in ("cur", "new") for f in sorted((path / part).iterdir())):
            h.update(f"{file.parent.name}/{file.name}:{file_fingerprint(file)}\n".encode())
        return h.hexdigest()

    def open_() -> tuple[str, Iterator[RawItem]]:
        return fingerprint(), (RawItem("email", raw, str(file)) for file, raw in iter_maildir(path))
    assert is_maildir(path)
    return Unit(f"maildir:{path.resolve()}", open_, fingerprint())


def page_unit(path: Path) -> Unit:
    """A saved pipermail message page (text or HTML)."""
    def open_() -> tuple[str, Iterator[RawItem]]:
        return file_fingerprint(path), iter([RawItem("page", path.read_bytes(), str(path))])
    return Unit(f"page:{path.resolve()}", open_, file_fingerprint(path))
