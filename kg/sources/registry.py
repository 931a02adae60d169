"""The source table: kind -> reader, and detection of a source's kind from its path or URL."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError, SourceError
from kg.model import Problem
from kg.sources import hyperkitty, pipermail
from kg.sources.maildir import is_maildir
from kg.sources.mbox import looks_like_mbox
from kg.sources.pages import PAGE_SUFFIXES
from kg.sources.units import RawItem, Unit, eml_unit, maildir_unit, mbox_unit, page_unit

MBOX_SUFFIXES = (".mbox", ".mbx", ".mbox.gz", ".mbx.gz", ".txt.gz")


@dataclass(frozen=True)
class SourceKind:
    """One kind of source: its name, what it looks like, and how its units are listed."""

    name: str
    description: str
    units: Callable[..., Iterator[Unit | Problem]]


def _url_units(fn):
    def units(source: str, fetcher_factory) -> Iterator[Unit | Problem]:
        if fetcher_factory is None:
            raise ConfigError("URLs need a fetcher")
        fetcher = fetcher_factory(source)
        yield from fn(source, fetcher)
    return units


def _page_url(source: str, fetcher) -> Iterator[Unit]:
    def open_():
        result = fetcher.get(source)
        return hashlib.sha256(result.body).hexdigest(), iter([RawItem("page", result.body, source,
                                                                      result.final_url or source)])
    yield Unit(f"page-url:{source}", open_)


def _file(kind: str):
    return lambda source, _factory: iter([_file_unit(kind, Path(source))])


def _file_unit(kind: str, path: Path) -> Unit:
    return {"mbox": mbox_unit, "eml": eml_unit, "page": page_unit}[kind](path)


def _folder(source: str, _factory) -> Iterator[Unit | Problem]:
    """Every mbox, Maildir, .eml and saved page under a folder, in path order."""
    root = Path(source)
    maildirs = sorted(p for p in [root, *root.rglob("*")] if p.is_dir() and is_maildir(p))
    if root in maildirs:
        yield maildir_unit(root)
        return
    files = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")
                   and not any(p.is_relative_to(m) for m in maildirs))
    if not files and not maildirs:
        raise SourceError(f"folder {source} holds no files")
    for m in maildirs:
        yield maildir_unit(m)
    for file in files:
        kind = file_kind(file)
        if kind is None:
            yield Problem(str(file), "skipped: not an mbox, .eml or page file "
                          f"({', '.join(MBOX_SUFFIXES + ('.eml',) + PAGE_SUFFIXES)})", "warning")
        else:
            yield _file_unit(kind, file)


KINDS: dict[str, SourceKind] = {k.name: k for k in (
    SourceKind("pipermail", "a Mailman 2 list archive URL: https://host/pipermail/<list>/",
               _url_units(pipermail.units)),
    SourceKind("hyperkitty", "a Mailman 3 HyperKitty list URL: https://host/hyperkitty/list/<list>@<host>/",
               _url_units(hyperkitty.units)),
    SourceKind("page-url", "the http(s) URL of one archived message page", _url_units(_page_url)),
    SourceKind("mbox", "an mbox file (.mbox, .mbx, pipermail's .txt / .txt.gz, or gzipped)", _file("mbox")),
    SourceKind("maildir", "a Maildir folder (with cur/ and new/)", lambda s, _f: iter([maildir_unit(Path(s))])),
    SourceKind("eml", "one message file (.eml)", _file("eml")),
    SourceKind("page", "a saved pipermail message page (.txt, .html, .htm)", _file("page")),
    SourceKind("folder", "a folder mixing any of the file kinds above", _folder),
)}


def file_kind(path: Path) -> str | None:
    """mbox, eml or page for a file, by name and (for .txt) by its first line; None otherwise."""
    name = path.name.lower()
    if name.endswith(MBOX_SUFFIXES):
        return "mbox"
    if name.endswith(".eml"):
        return "eml"
    if name.endswith(PAGE_SUFFIXES):
        with path.open("rb") as handle:
            head = handle.read(512)
        return "mbox" if name.endswith(".txt") and looks_like_mbox(head) else "page"
    return None


def detect(source: str) -> str:
    """The kind of a source; ConfigError or SourceError naming the valid kinds when none fits."""
    if source.startswith(("http://", "https://")):
        if pipermail.is_pipermail_url(source):
            return "pipermail"
        if "/hyperkitty/list/" in source:
            return "hyperkitty"
        return "page-url"
    valid = "; ".join(f"{k.name}: {k.description}" for k in KINDS.values())
    if "://" in source:
        raise ConfigError(f"unsupported source {source!r}: give a file, a folder, or an http(s) URL. Valid kinds: {valid}")
    path = Path(source)
    if path.is_dir():
        return "maildir" if is_maildir(path) else "folder"
    if path.is_file():
        kind = file_kind(path)
        if kind is None:
            raise SourceError(f"cannot tell what kind of source {source} is. Valid kinds: {valid}")
        return kind
    raise SourceError(f"no such file or folder: {source}")


def iter_units(sources: list[str], fetcher_factory=None) -> Iterator[Unit | Problem]:
    """Every unit of every source in order; a source that cannot be listed becomes a Problem."""
    kinds = [detect(s) for s in sources]  # configuration errors stop the run before any work
    for source, kind in zip(sources, kinds):
        try:
            yield from KINDS[kind].units(source, fetcher_factory)
        except SourceError as exc:
            if kind in ("folder",):
                raise
            yield Problem(source, str(exc))
