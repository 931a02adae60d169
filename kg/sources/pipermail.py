"""Mailman 2 pipermail list archives over HTTP: the month index, monthly .txt(.gz), message pages as the fallback."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from kg.errors import SourceError
from kg.sources.decompress import gunzip_bounded
from kg.sources.fetch import FetchStatusError
from kg.sources.mbox import split_mbox
from kg.sources.units import RawItem, Unit

MAX_MONTH_BYTES = 512 << 20  # one month decompressed; the IGF's busiest months are a few MB
MONTHS = ("january february march april may june july august september october november december").split()
_HREF = re.compile(rb"""href\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_MONTH_ARCHIVE = re.compile(r"(\d{4})-([A-Za-z]+)\.txt(\.gz)?$")
_MONTH_FOLDER = re.compile(r"(\d{4})-([A-Za-z]+)/(?:date|thread|author|subject)\.html$")
_ARTICLE = re.compile(r"^(\d{6})\.html$")
_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(.+)$", re.IGNORECASE | re.MULTILINE)


def is_pipermail_url(url: str) -> bool:
    """A list archive: ".../pipermail/<list>/" (the month index)."""
    path = urlsplit(url).path
    parts = [p for p in path.split("/") if p]
    return len(parts) >= 2 and parts[-2] == "pipermail" and (path.endswith("/") or "." not in parts[-1])


def list_name(url: str) -> str:
    """The list's name from its archive URL."""
    return [p for p in urlsplit(url).path.split("/") if p][-1]


def _links(body: bytes, base: str) -> list[str]:
    return [urljoin(base, html.unescape(m.group(1).decode("ascii", "replace"))) for m in _HREF.finditer(body)]


def _month_number(name: str) -> int:
    try:
        return MONTHS.index(name.lower()) + 1
    except ValueError:
        return 0  # quarterly or weekly archives ("2005-q1") sort first


def decode_body(result, url: str) -> bytes:
    """A month archive's text: gzip removed whether it came as a .gz file, as Content-Encoding, or both."""
    body = result.body
    if result.headers.get("content-encoding", "").strip().lower() in ("gzip", "x-gzip"):
        body = gunzip_bounded(body, MAX_MONTH_BYTES)  # raw bytes were kept as served (security.md D14)
    if urlsplit(url).path.endswith(".gz") and body[:2] == b"\x1f\x8b":
        body = gunzip_bounded(body, MAX_MONTH_BYTES)
    elif urlsplit(url).path.endswith(".gz") and not body.startswith(b"From "):
        raise SourceError("not a gzip file and not an mbox (an error page served with 200?)")
    return body


def units(url: str, fetcher) -> Iterator[Unit]:
    """One unit per month, oldest first; every month but the newest is final (immutable)."""
    index = fetcher.get(url)
    months: dict[tuple[int, int, str], dict[str, str]] = {}
    for link in _links(index.body, index.final_url or url):
        tail = link[len(url):] if link.startswith(url) else ""
        archive, folder = _MONTH_ARCHIVE.match(tail), _MONTH_FOLDER.match(tail)
        found = archive or folder
        if not found:
            continue
        key = (int(found.group(1)), _month_number(found.group(2)), f"{found.group(1)}-{found.group(2)}")
        entry = months.setdefault(key, {})
        if archive:
            entry["archive"] = link
        else:
            entry.setdefault("folder", link.rsplit("/", 1)[0] + "/")
    if not months:
        raise SourceError(f"{url}: no monthly archives found on the index page")
    ordered = sorted(months)
    name = list_name(url)
    for i, key in enumerate(ordered):
        entry = months[key]
        final = i < len(ordered) - 1
        yield Unit(f"pipermail:{url}{key[2]}", _month_reader(fetcher, entry, name), final=final)


def _month_reader(fetcher, entry: dict[str, str], name: str):
    def open_() -> tuple[str, Iterator[RawItem]]:
        archive = entry.get("archive")
        if archive:
            try:
                result = fetcher.get(archive)
            except FetchStatusError as exc:
                if exc.status != 404 or "folder" not in entry:
                    raise
            else:
                try:
                    body = decode_body(result, archive)
                except SourceError as exc:
                    raise SourceError(f"{archive}: {exc}") from exc
                raws = split_mbox(body)
                parents = _thread_parents(fetcher, entry, raws) if _headerless(raws) and "folder" in entry else {}
                items = [RawItem("email", raw, archive, None, name, parents.get(i)) for i, raw in enumerate(raws)]
                return hashlib.sha256(body + repr(sorted(parents.items())).encode()).hexdigest(), iter(items)
        return _pages(fetcher, entry["folder"], name)
    return open_


def _headerless(raws: list[bytes]) -> bool:
    """True when no message of the month carries threading headers (an old Mailman archive): thread
    starters have none either, so one message with them shows Mailman kept them."""
    heads = [raw.split(b"\n\n", 1)[0].lower() for raw in raws]
    return len(raws) > 1 and not any(b"\nin-reply-to:" in h or b"\nreferences:" in h for h in heads)


def _articles(body: bytes, base: str) -> list[str]:
    seen: list[str] = []
    for link in _links(body, base):
        if _ARTICLE.match(link.rsplit("/", 1)[-1]) and link not in seen:
            seen.append(link)
    return seen


def _thread_parents(fetcher, entry: dict[str, str], raws: list[bytes]) -> dict[int, str]:
    """Reply links from thread.html for a month whose .txt lost In-Reply-To/References.

    thread.html nests replies in <UL>s; articles are numbered in arrival order, which is also the
    order of the month's .txt, so the k-th article is the k-th message there.
    """
    result = fetcher.get(entry["folder"] + "thread.html")
    numbers, parent_of, stack, current = [], {}, [], None
    for token in re.finditer(rb"<(/?)ul\b|href\s*=\s*[\"']?(\d{6})\.html", result.body, re.IGNORECASE):
        if token.group(2):
            current = int(token.group(2))
            numbers.append(current)
            if stack and stack[-1] is not None:
                parent_of[current] = stack[-1]
        elif token.group(1):
            stack.pop() if stack else None
        else:
            stack.append(current)
    order = {n: i for i, n in enumerate(sorted(set(numbers)))}
    if len(order) != len(raws):
        return {}  # the index and the archive disagree: better no links than wrong ones
    ids = []
    for raw in raws:
        match = _MESSAGE_ID.search(raw.split(b"\n\n", 1)[0])
        ids.append(match.group(1).decode("utf-8", "replace").strip() if match else None)
    return {order[child]: ids[order[parent]] for child, parent in parent_of.items()
            if parent in order and ids[order[parent]]}


def _pages(fetcher, folder: str, name: str) -> tuple[str, Iterator[RawItem]]:
    """The month's message pages, listed by date.html (when the .txt archive is missing)."""
    index = fetcher.get(folder + "date.html")
    pages = [fetcher.get(link) for link in _articles(index.body, folder)]  # all fetched before any is used
    digest = hashlib.sha256(index.body + b"".join(p.body for p in pages)).hexdigest()
    items = [RawItem("page", p.body, p.url, p.final_url or p.url, name) for p in pages]
    return digest, iter(items)
