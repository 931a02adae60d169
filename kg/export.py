"""Export formats (name, media type, extension) and atomic, deterministic, privacy-gated writers."""

from __future__ import annotations

import functools
import json
import logging
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from kg.atomic import write_atomically
from kg.errors import ConfigError, ExportError
from kg.manifest import clean_stale_temp, entry_for, update_manifest
from kg.privacy_gate import check, known, message_ids_of, scan_bytes, scan_dataset

log = logging.getLogger("kg.export")


@dataclass(frozen=True)
class Format:
    """An export format: the name users type, its media type, file extension and writer."""

    name: str
    media_type: str
    extension: str
    keeps_graphs: bool
    write: Callable[[Dataset], bytes]


def union_of(ds: Dataset) -> Graph:
    """Every triple of every graph (Turtle and N-Triples carry no graph names)."""
    union = Graph()
    for prefix, ns in ds.namespaces():
        union.bind(prefix, ns, override=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _rdflib_internal(writer: Callable[[Dataset], bytes]) -> Callable[[Dataset], bytes]:
    """rdflib 7's own TriG/N-Quads/JSON-LD writers call its deprecated Dataset.contexts and friends;
    those warnings are rdflib's business, not the caller's, so exactly they are silenced here."""

    @functools.wraps(writer)
    def wrapped(ds: Dataset) -> bytes:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r"Dataset\.\w+ is deprecated", category=DeprecationWarning)
            return writer(ds)
    return wrapped


def _sorted_lines(data: str) -> bytes:
    # rdflib's N-Triples/N-Quads order follows hash order and changes with PYTHONHASHSEED
    # (security.md 2.10); sorted lines are byte-stable.
    # split("\n"), never splitlines(): rdflib leaves U+0085, U+2028, \x0b, \x0c and \x1c-\x1e
    # unescaped inside literals, and splitlines() would cut a statement there (found by hypothesis).
    lines = sorted({line for line in data.split("\n") if line.strip()})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _turtle(ds: Dataset) -> bytes:
    return union_of(ds).serialize(format="turtle", encoding="utf-8")


@_rdflib_internal
def _trig(ds: Dataset) -> bytes:
    return ds.serialize(format="trig", encoding="utf-8")


def _ntriples(ds: Dataset) -> bytes:
    return _sorted_lines(union_of(ds).serialize(format="nt", encoding="utf-8").decode("utf-8"))


@_rdflib_internal
def _nquads(ds: Dataset) -> bytes:
    return _sorted_lines(ds.serialize(format="nquads", encoding="utf-8").decode("utf-8"))


@_rdflib_internal
def _jsonld(ds: Dataset) -> bytes:
    # A dict context, never a URL: rdflib would fetch a URL context (security.md D4).
    context = {prefix: str(ns) for prefix, ns in sorted(ds.namespaces()) if prefix}
    raw = json.loads(ds.serialize(format="json-ld", context=context, auto_compact=False))
    graphs = raw if isinstance(raw, list) else raw.get("@graph", [raw])
    for g in graphs if isinstance(graphs, list) else []:
        if isinstance(g, dict) and isinstance(g.get("@graph"), list):
            g["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    if isinstance(graphs, list):
        graphs.sort(key=lambda node: str(node.get("@id", "")) if isinstance(node, dict) else "")
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", ".ttl", False, _turtle),
    Format("trig", "application/trig", ".trig", True, _trig),
    Format("ntriples", "application/n-triples", ".nt", False, _ntriples),
    Format("nquads", "application/n-quads", ".nq", True, _nquads),
    Format("jsonld", "application/ld+json", ".jsonld", True, _jsonld),
)


def format_for(path: str | Path | None = None, name: str | None = None) -> Format:
    """The format named `name`, or the one whose extension `path` has."""
    for fmt in FORMATS:
        if (name and name == fmt.name) or (not name and path and str(path).endswith(fmt.extension)):
            return fmt
    valid = ", ".join(f"{f.name} ({f.extension})" for f in FORMATS)
    what = f"format {name!r}" if name else f"the extension of {str(path)!r}"
    raise ConfigError(f"unknown {what}; valid formats: {valid}")


def atomic_write(path: str | Path, data: bytes, *, manifest: bool = False, **counts) -> None:
    """kg.atomic.write_atomically with errors as ExportError; with `manifest`, the folder's
    manifest.json is updated last (also atomically)."""
    target = Path(path)
    try:
        write_atomically(target, data)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    if manifest:
        update_manifest(target.parent.resolve(), entry_for(target, data, **counts))


def _counts(ds: Dataset, fmt: Format) -> dict[str, int]:
    graphs = {g for _, _, _, g in ds.quads((None, None, None, None))}
    if fmt.keeps_graphs:
        return {"format": fmt.name, "quads": len(ds), "graphs": len(graphs)}
    return {"format": fmt.name, "triples": len({(s, p, o) for s, p, o, _ in ds.quads((None, None, None, None))})}


def export(ds: Dataset, path: str | Path, fmt: Format | None = None, *, known_addresses: Iterable[str] = (),
           allow_contact_details: bool = False, manifest: bool = True) -> Format:
    """Serialise the dataset in the format of `path`'s extension (or `fmt`) and write it atomically.

    Before anything is written, the privacy gate scans the dataset and the serialised bytes for
    e-mail addresses, hashes of `known_addresses` (the addresses the build ingested), phone
    numbers, postal lines and names or addresses in IRIs, and raises LeakError listing them.
    `allow_contact_details=True` (private builds only) skips the gate with a warning. Stale temp
    files of killed runs are removed first; manifest.json is updated last.
    """
    fmt = fmt or format_for(path)
    clean_stale_temp(Path(path).parent)
    try:
        data = fmt.write(ds)
    except Exception as exc:  # rdflib raises plain Exceptions on unserialisable terms
        raise ExportError(f"cannot serialise as {fmt.name}: {exc}") from exc
    if allow_contact_details:
        log.warning("privacy gate OFF for %s: the export may hold contact details; do not publish it", path)
    else:
        addresses = known(known_addresses, message_ids_of(ds))
        check(scan_dataset(ds, addresses) + scan_bytes(data, addresses), str(path))
    atomic_write(path, data, manifest=manifest, **(_counts(ds, fmt) if manifest else {}))
    return fmt
