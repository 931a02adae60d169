"""Static linked-data site export: HTML pages, per-entity Turtle and JSON-LD, an index, nginx/Apache config."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kg.config import Settings
from kg.errors import ConfigError, ExportError
from kg.serve_data import Reader
from kg.serve_dump import dump
from kg.serve_pages import Links, entity_page, index_page, thread_page
from kg.serve_privacy import expand_suppressed, hidden_graphs
from kg.serve_rdf import JSONLD, TURTLE
from kg.serve_void import void_graph
from kg.site_config import apache_config, nginx_config
from kg.store import QuadStore

MARKER = ".igkg-site"  # only a folder carrying this file (or an empty one) is ever replaced
# A path segment kept as it is: starts with a letter or digit, then unreserved characters only,
# so no segment can be "." or "..", hold a "%", "\\", NUL, or start with a dot.
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~-]{0,99}")
SITE_EXTENSIONS = (".html", TURTLE.extension, JSONLD.extension)


@dataclass(frozen=True)
class SiteReport:
    """What publish_site wrote: the folder, how many entity pages and threads, and the lookup table's size."""

    out_dir: Path
    entities: int
    threads: int
    files: int


def file_stem(iri: str, base: str, taken: set[str]) -> str:
    """The site path (without extension) for an entity IRI, from the IRI's path under the base when every
    segment is plainly safe, else an opaque hash; `taken` (case-folded) keeps paths unique on any disk."""
    rest = iri[len(base):]
    segments = rest.split("/")
    if all(_SAFE_SEGMENT.fullmatch(s) for s in segments) and len(segments) <= 8:
        stem = "page/" + rest
    else:
        stem = "page/_h/" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:24]
    if stem.casefold() in taken:  # org/ABC beside org/abc on a case-insensitive disk
        stem = "page/_h/" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:24]
    taken.add(stem.casefold())
    return stem


def build_table(entities: Iterable[tuple[str, str, str]], base: str) -> dict[str, str]:
    """IRI -> site path stem for every entity: the only way an IRI becomes a file path."""
    taken: set[str] = set()
    return {iri: file_stem(iri, base, taken) for iri, _, _ in sorted(entities)}


def _relative(depth: int) -> str:
    return "../" * depth if depth else "./"


class _SiteLinks:
    """Links between the site's files, relative to the page being written (works from file:// too)."""

    def __init__(self, table: dict[str, str], roots: dict[str, str]):
        self.table = table
        self.roots = roots  # post IRI -> root post IRI of its thread

    def for_page(self, stem: str) -> Links:
        up = _relative(stem.count("/"))

        def page(iri: str) -> str | None:
            main, hash_, fragment = iri.partition("#")
            target = self.table.get(main)
            return f"{up}{target}.html" + (f"#{fragment}" if hash_ else "") if target else None

        def thread(root: str) -> str | None:
            target = self.table.get(root)
            return f"{up}thread/{target[len('page/'):]}.html" if target else None

        def alternates(iri: str) -> list[tuple[str, str]]:
            target = self.table.get(iri)
            return [(f.media_type, f"{up}{target}{f.extension}") for f in (TURTLE, JSONLD)] if target else []

        return Links(page=page, thread=thread, home=f"{up}index.html", search=None, sparql=None,
                     void=f"{up}void.ttl", alternates=alternates)


def _write(root: Path, stem: str, data: bytes) -> None:
    target = (root / stem).resolve()
    if not target.is_relative_to(root):  # belt and braces: stems come from the table, never from URLs
        raise ExportError(f"refusing to write outside the site: {stem!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not (out_dir / MARKER).exists())):
        raise ConfigError(f"{out_dir} exists and is not an igkg site (no {MARKER} file): choose an empty or new folder")


def publish_site(store: QuadStore, settings: Settings, out_dir: str | Path, *,
                 suppressed: Iterable[str] = frozenset(), public_root: str | None = None) -> SiteReport:
    """Write the static site to `out_dir` atomically: built in a temporary folder beside it, then swapped in.

    `public_root` is the URL the site will be served from (for VoID's dump links); by default the
    base IRI's scheme and host.
    """
    out_dir = Path(out_dir).resolve()
    _prepare(out_dir)
    base = settings.base_iri
    hidden_people = expand_suppressed(store, suppressed)
    reader = Reader(store, base, hidden_people)
    entities = reader.entities()
    table = build_table(entities, base)
    posts = [iri for iri, kind, _ in entities if kind == "post"]
    roots = {post: reader.thread_root(post) for post in posts}
    links = _SiteLinks(table, roots)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent)).resolve()
    files = 0
    try:
        for iri, kind, _ in entities:
            stem = table[iri]
            _write(tmp, stem + ".html", entity_page(reader.view(iri, kind), links.for_page(stem)))
            graph = reader.describe(iri)
            _write(tmp, stem + TURTLE.extension, TURTLE.serialize(graph))
            _write(tmp, stem + JSONLD.extension, JSONLD.serialize(graph))
            files += 3
        for root in sorted(set(roots.values()) & set(table)):
            stem = "thread/" + table[root][len("page/"):]
            _write(tmp, stem + ".html", thread_page(reader.thread(root), links.for_page(stem)))
            files += 1
        _write(tmp, "index.html", index_page(entities, links.for_page("index"), per_kind=None))
        public = public_root or base.split("/", 3)[0] + "//" + base.split("/", 3)[2]
        _write(tmp, "void.ttl", TURTLE.serialize(void_graph(store, base, public, hidden_people, sparql=False)))
        hidden = hidden_graphs(base, hidden_people)
        _write(tmp, "dump.ttl", dump(store, hidden_people, ".ttl", hidden))
        _write(tmp, "dump.nq", dump(store, hidden_people, ".nq", hidden))
        lookup = {iri[len(base):]: stem for iri, stem in sorted(table.items())}
        _write(tmp, "site-map.json", json.dumps(lookup, indent=1, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        _write(tmp, "nginx.conf", nginx_config(lookup, base).encode("utf-8"))
        conf, rewrite_map = apache_config(lookup, base)
        _write(tmp, "apache.conf", conf.encode("utf-8"))
        _write(tmp, "apache-map.txt", rewrite_map.encode("utf-8"))
        _write(tmp, MARKER, b"written by igkg publish --site\n")
        files += 9
        _swap(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteReport(out_dir, len(entities), len(set(roots.values()) & set(table)), files)


def _swap(tmp: Path, out_dir: Path) -> None:
    # Rename the finished folder into place; the old site (if any) moves aside first and is removed
    # after, so a crash leaves either the old or the new site whole (plus a stray temp folder).
    for path in [p for p in tmp.rglob("*") if p.is_file()]:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.replace(out_dir, old / "site")
    os.replace(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
