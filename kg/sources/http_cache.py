"""On-disk HTTP cache: validators per URL, bodies stored content-addressed, every write atomic."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from kg.atomic import write_atomically

# Layout (no URL ever becomes a path: sha256 names only, so no traversal and no length limits):
#   <dir>/meta/<k[:2]>/<k>.json    k = sha256(url): url, final_url, status, headers, body_sha256
#   <dir>/body/<b[:2]>/<b>         b = sha256(body): the raw bytes exactly as served
# The body is written before the metadata that names it, so a crash between the two leaves at
# most an unreferenced body, never metadata pointing at a missing or half-written body.

_SKIP_HEADERS = frozenset({"set-cookie", "connection", "keep-alive", "transfer-encoding"})


@dataclass(frozen=True)
class CacheEntry:
    """One cached response: what a 304 stands for."""

    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def etag(self) -> str | None:
        """The entity tag to send as If-None-Match, if the server gave one."""
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        """The date to send as If-Modified-Since, if the server gave one."""
        return self.headers.get("last-modified")


def url_key(url: str) -> str:
    """The cache key of a URL: its sha256 in hex."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


class HttpCache:
    """A directory of cached responses; safe against crashes, not a shared multi-writer store."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def meta_path(self, url: str) -> Path:
        """Where the metadata of `url` lives."""
        key = url_key(url)
        return self.root / "meta" / key[:2] / f"{key}.json"

    def body_path(self, digest: str) -> Path:
        """Where the body with sha256 `digest` lives."""
        return self.root / "body" / digest[:2] / digest

    def load(self, url: str) -> CacheEntry | None:
        """The entry for `url`, or None when absent, unreadable or failing its checksum."""
        try:
            meta = json.loads(self.meta_path(url).read_bytes())
            if meta["url"] != url:
                return None
            body = self.body_path(meta["body_sha256"]).read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            return None  # a damaged entry is a miss: the next fetch is unconditional and rewrites it
        if hashlib.sha256(body).hexdigest() != meta["body_sha256"]:
            return None
        return CacheEntry(url, meta["final_url"], meta["status"], meta["headers"], body)

    def store(self, url: str, final_url: str, status: int, headers: dict[str, str], body: bytes) -> CacheEntry:
        """Write body then metadata, each atomically; returns the entry as stored."""
        digest = hashlib.sha256(body).hexdigest()
        kept = {k: v for k, v in headers.items() if k not in _SKIP_HEADERS}
        if not self.body_path(digest).exists():
            write_atomically(self.body_path(digest), body)
        meta = {"url": url, "final_url": final_url, "status": status, "headers": kept, "body_sha256": digest}
        write_atomically(self.meta_path(url), json.dumps(meta, sort_keys=True, indent=1).encode("utf-8"))
        return CacheEntry(url, final_url, status, kept, body)
