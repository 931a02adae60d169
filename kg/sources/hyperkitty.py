"""Mailman 3 HyperKitty lists over HTTP: months from the list page, each read as its gzipped mbox export."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from kg.errors import SourceError
from kg.sources.mbox import split_mbox
from kg.sources.pipermail import decode_body
from kg.sources.units import RawItem, Unit

_LIST = re.compile(r"^(.*/hyperkitty/list/([^/]+@[^/]+)/)")


def is_hyperkitty_url(url: str) -> bool:
    """A HyperKitty list: ".../hyperkitty/list/<name>@<host>/"."""
    return bool(_LIST.match(urlsplit(url).path + ("/" if not url.endswith("/") else "")))


def units(url: str, fetcher) -> Iterator[Unit]:
    """One unit per month with messages, oldest first; every month but the newest is final."""
    if not url.endswith("/"):
        url += "/"
    match = _LIST.match(urlsplit(url).path)
    if not match:
        raise SourceError(f"{url}: not a HyperKitty list URL (…/hyperkitty/list/<name>@<host>/)")
    address = match.group(2)
    page = fetcher.get(url)
    # the list page links each month that has messages: .../list/<address>/2024/1/
    months = sorted({(int(y), int(m)) for y, m in re.findall(
        rb"/hyperkitty/list/" + re.escape(address.encode()) + rb"/(\d{4})/(\d{1,2})/", page.body)})
    if not months:
        raise SourceError(f"{url}: the list page links no archive months")
    name = address.split("@", 1)[0]
    for i, (year, month) in enumerate(months):
        nxt = (year + month // 12, month % 12 + 1)
        export = (f"{url}export/{name}-{year:04d}-{month:02d}.mbox.gz"
                  f"?start={year:04d}-{month:02d}-01&end={nxt[0]:04d}-{nxt[1]:02d}-01")
        yield Unit(f"hyperkitty:{url}{year:04d}-{month:02d}", _reader(fetcher, export, name),
                   final=i < len(months) - 1)


def _reader(fetcher, export: str, name: str):
    def open_() -> tuple[str, Iterator[RawItem]]:
        result = fetcher.get(export)
        try:
            body = decode_body(result, export)
        except SourceError as exc:
            raise SourceError(f"{export}: {exc}") from exc
        items = [RawItem("email", raw, export, None, name) for raw in split_mbox(body)]
        return hashlib.sha256(body).hexdigest(), iter(items)
    return open_
