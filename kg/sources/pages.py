"""Archive pages as sources: saved pipermail pages (text or HTML), folders of them, and http(s) URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import ConfigError, IgkgError, SourceError
from kg.model import Problem, Provenance, RawPage

PAGE_SUFFIXES = (".txt", ".html", ".htm")
MAX_PAGE_BYTES = 20 << 20  # a pipermail page is kilobytes; 20 MiB is already hostile
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}charset=["']?([A-Za-z0-9_\-]{1,40})""", re.IGNORECASE)


@dataclass(frozen=True)
class PageRead:
    """A page that was read, or the problem that kept it from being read."""

    page: RawPage | None
    problem: Problem | None = None


def decode_page(data: bytes) -> tuple[str, str | None]:
    """Bytes -> text: UTF-8 first (every archive here is), then the page's declared charset, then
    Latin-1 (which never fails) with a warning, so no page is dropped for its encoding."""
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    if match:
        try:
            return data.decode(match.group(1).decode("ascii")), None
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("latin-1"), "not valid UTF-8; read as Latin-1"


def _kind_of(name: str, text: str) -> str:
    head = text[:2048].lower()
    if name.lower().endswith((".html", ".htm")) or "<html" in head or "<!--beginarticle-->" in head:
        return "pipermail-html"
    return "pipermail-text"


def read_file(path: Path) -> PageRead:
    """One saved page from disk."""
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            return PageRead(None, Problem(str(path), f"page is {size} bytes, over the {MAX_PAGE_BYTES} cap"))
        data = path.read_bytes()
    except OSError as exc:
        return PageRead(None, Problem(str(path), f"cannot read: {exc.strerror}"))
    text, warning = decode_page(data)
    if not text.strip():
        return PageRead(None, Problem(str(path), "empty page"))
    page = RawPage(text, Provenance(str(path), _kind_of(path.name, text)))
    return PageRead(page, Problem(str(path), warning, "warning") if warning else None)


def read_url(url: str, fetcher) -> PageRead:
    """One archive page fetched over http(s) by the project's one HTTP client."""
    try:
        result = fetcher.get(url)
    except IgkgError as exc:
        return PageRead(None, Problem(url, str(exc)))
    if result.status != 200 and not result.not_modified:
        return PageRead(None, Problem(url, f"HTTP status {result.status}"))
    text, warning = decode_page(result.body)
    page = RawPage(text, Provenance(url, _kind_of(url, text)), url=result.final_url or url)
    return PageRead(page, Problem(url, warning, "warning") if warning else None)


def iter_sources(sources: list[str], fetcher_factory=None) -> Iterator[PageRead]:
    """Every page of every source, in a stable order (folders sorted by path)."""
    for source in sources:
        if source.startswith(("http://", "https://")):
            if fetcher_factory is None:
                raise ConfigError("URLs need a fetcher")
            yield read_url(source, fetcher_factory(source))
            continue
        if "://" in source:
            raise ConfigError(f"unsupported source {source!r}: give a file, a folder, or an http(s) URL")
        path = Path(source)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
            if not files:
                raise SourceError(f"folder {source} holds no files")
            for file in files:
                if file.suffix.lower() in PAGE_SUFFIXES:
                    yield read_file(file)
                else:
                    yield PageRead(None, Problem(str(file), f"skipped: not a page file ({', '.join(PAGE_SUFFIXES)})",
                                                 "warning"))
        elif path.is_file():
            yield read_file(path)
        else:
            raise SourceError(f"no such file or folder: {source}")
