"""Helpers for the crawl and incremental tests: a synthetic archive on a loopback server, fast polite fetchers."""

from __future__ import annotations

import hashlib
from pathlib import Path

from kg import synth
from kg.sources.fetch import Fetcher, FetchPolicy

LIST = "wg-synth"
PIPERMAIL = f"/pipermail/{LIST}/"
HYPERKITTY = f"/hyperkitty/list/{LIST}@lists.example.org/"


def archive_files(msgs, headerless_months: int = 0) -> dict[str, tuple[bytes, dict[str, str]]]:
    """The pipermail site and HyperKitty export of `msgs`, each file with an ETag and Last-Modified."""
    files = {**synth.pipermail_site(msgs, LIST, headerless_months), **synth.hyperkitty_export(msgs, LIST)}
    return {path: (body, {"ETag": '"' + hashlib.sha256(body).hexdigest()[:16] + '"',
                          "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})
            for path, body in files.items()}


def month_paths(files) -> list[str]:
    """The .txt.gz month archives, oldest first."""
    return sorted((p for p in files if p.endswith(".txt.gz")),
                  key=lambda p: (p.rsplit("/", 1)[1][:4], synth_month(p)))


def synth_month(path: str) -> int:
    name = path.rsplit("/", 1)[1].split(".")[0].split("-")[1].lower()
    return ["january", "february", "march", "april", "may", "june", "july", "august", "september",
            "october", "november", "december"].index(name)


def fetchers(cache: Path | None = None, **policy):
    """A fetcher factory with test-speed manners (no delay between requests, short backoff)."""
    settings = {"min_delay": 0.0, "backoff_factor": 0.01, "backoff_jitter": 0.0, "deadline": 10.0,
                "retry_after_max": 5.0, "cache_dir": cache, **policy}

    def factory(url: str) -> Fetcher:
        return Fetcher(FetchPolicy.for_urls([url], **settings))
    return factory


def shape(messages) -> set[tuple]:
    """What must agree between sources: ids, reply links, kinds, authors."""
    return {(m.id, m.parent_id, m.kind, m.author.name if m.author else None) for m in messages}
