"""SQLite build state: source units, parse and extraction caches by content hash, and what the store holds."""

from __future__ import annotations

import pickle
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import StoreError

SCHEMA_VERSION = 1
DEFAULT_STATE_NAME = "state.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- one row per source unit (a month, a file) whose messages were all read cleanly
CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, final INTEGER NOT NULL,
                                  messages INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS unit_items (unit TEXT NOT NULL, seq INTEGER NOT NULL, item TEXT NOT NULL,
                                       PRIMARY KEY (unit, seq));
-- parse cache: raw item hash (+ parser version, privacy switch) -> slim records and full messages
CREATE TABLE IF NOT EXISTS parsed (key TEXT PRIMARY KEY, slim BLOB NOT NULL, full BLOB NOT NULL);
-- extraction cache: final message hash + extractor versions -> ExtractionResult
CREATE TABLE IF NOT EXISTS extracted (key TEXT PRIMARY KEY, result BLOB NOT NULL);
-- what the store holds: named graph -> sha256 of its sorted N-Triples
CREATE TABLE IF NOT EXISTS graphs (iri TEXT PRIMARY KEY, hash TEXT NOT NULL);
-- what each stored graph was mapped from (a hash of its message's extraction and resolution):
-- an unchanged input is not mapped again. A table of its own, so older state files still open.
CREATE TABLE IF NOT EXISTS graph_inputs (iri TEXT PRIMARY KEY, key TEXT NOT NULL);
-- what each graph content implies on its own under the ontology's rules (kg.infer_local), by content
-- hash: the inferred graph is re-assembled from these rows instead of re-reading the store
CREATE TABLE IF NOT EXISTS consequences (hash TEXT PRIMARY KEY, lines BLOB NOT NULL);
"""


def pack(value) -> bytes:
    """A picklable value as compressed bytes (our own data only: never unpickle anything else)."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(blob: bytes):
    """The value `pack` stored."""
    return pickle.loads(zlib.decompress(blob))


@dataclass(frozen=True)
class UnitState:
    """A committed unit: the fingerprint it was read with and whether it can no longer change."""

    fingerprint: str
    final: bool
    messages: int


class BuildState:
    """The state file; every method that writes commits one transaction, so kill -9 leaves it consistent.

    WAL journal: a killed process loses at most its open transaction, never a committed one.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path is not None else None
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path) if self.path else ":memory:", isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            found = self._db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if found is None:
                self._db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif found[0] != str(SCHEMA_VERSION):
                raise StoreError(f"build state {path} has schema {found[0]}, this igkg writes {SCHEMA_VERSION}: "
                                 "run `igkg build --rebuild`")
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the build state {path}: {exc}") from exc

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    # --- units ----------------------------------------------------------------------------------
    def unit(self, key: str) -> UnitState | None:
        """The committed state of a unit, or None when it was never read to the end."""
        row = self._db.execute("SELECT fingerprint, final, messages FROM units WHERE key=?", (key,)).fetchone()
        return UnitState(row[0], bool(row[1]), row[2]) if row else None

    def unit_items(self, key: str) -> list[str]:
        """The parse-cache keys of a committed unit's items, in order."""
        return [r[0] for r in self._db.execute("SELECT item FROM unit_items WHERE unit=? ORDER BY seq", (key,))]

    def commit_unit(self, key: str, fingerprint: str, final: bool, items: list[str]) -> None:
        """Record that a unit was read completely: all its items at once, or nothing."""
        with self._tx():
            self._db.execute("DELETE FROM unit_items WHERE unit=?", (key,))
            self._db.executemany("INSERT INTO unit_items VALUES (?, ?, ?)", ((key, i, k) for i, k in enumerate(items)))
            self._db.execute("INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?)", (key, fingerprint, int(final), len(items)))

    # --- caches ---------------------------------------------------------------------------------
    def has_parsed(self, key: str) -> bool:
        """True when the parse cache holds `key`."""
        return self._db.execute("SELECT 1 FROM parsed WHERE key=?", (key,)).fetchone() is not None

    def put_parsed(self, rows: Iterable[tuple[str, bytes, bytes]]) -> None:
        """Add (key, slim, full) rows to the parse cache (content-addressed: rewriting is harmless)."""
        with self._tx():
            self._db.executemany("INSERT OR REPLACE INTO parsed VALUES (?, ?, ?)", rows)

    def slim(self, key: str) -> bytes | None:
        """The slim records of a parsed item."""
        row = self._db.execute("SELECT slim FROM parsed WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def full(self, key: str) -> bytes | None:
        """The full parse of an item."""
        row = self._db.execute("SELECT full FROM parsed WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def extracted(self, keys: list[str]) -> dict[str, bytes]:
        """Cached extraction results for `keys` (missing keys are absent)."""
        out: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(self._db.execute(f"SELECT key, result FROM extracted WHERE key IN ({marks})", chunk))
        return out

    def put_extracted(self, rows: Iterable[tuple[str, bytes]]) -> None:
        """Add (key, result) rows to the extraction cache."""
        with self._tx():
            self._db.executemany("INSERT OR REPLACE INTO extracted VALUES (?, ?)", rows)

    # --- graphs in the store --------------------------------------------------------------------
    def graph_hashes(self) -> dict[str, str]:
        """Named graph IRI -> hash of what the store holds for it."""
        return dict(self._db.execute("SELECT iri, hash FROM graphs"))

    def graph_inputs(self) -> dict[str, str]:
        """Named graph IRI -> the input key it was mapped from (graphs recorded with one)."""
        return dict(self._db.execute("SELECT iri, key FROM graph_inputs"))

    def forget_graphs(self, iris: Iterable[str]) -> None:
        """Before a graph is rewritten: a kill during the write then makes the next run rewrite it."""
        iris = [(i,) for i in iris]
        with self._tx():
            self._db.executemany("DELETE FROM graphs WHERE iri=?", iris)
            self._db.executemany("DELETE FROM graph_inputs WHERE iri=?", iris)

    def record_graphs(self, rows: Iterable[tuple]) -> None:
        """After graphs were written and flushed: (iri, hash) or (iri, hash, input key or None)."""
        rows = list(rows)
        with self._tx():
            self._db.executemany("INSERT OR REPLACE INTO graphs VALUES (?, ?)", (r[:2] for r in rows))
            self._db.executemany("INSERT OR REPLACE INTO graph_inputs VALUES (?, ?)",
                                 (r[::2] for r in rows if len(r) > 2 and r[2] is not None))

    # --- each graph's own consequences (kg.infer_local) ---------------------------------------------
    def consequence_rules(self, key: str) -> None:
        """Forget every stored consequence when the rules (`key`) changed."""
        found = self._db.execute("SELECT value FROM meta WHERE key='consequence_rules'").fetchone()
        if found is None or found[0] != key:
            with self._tx():
                self._db.execute("DELETE FROM consequences")
                self._db.execute("INSERT OR REPLACE INTO meta VALUES ('consequence_rules', ?)", (key,))

    def put_consequences(self, rows: Iterable[tuple[str, list[str]]]) -> None:
        """(graph content hash, N-Triples lines it implies) rows."""
        with self._tx():
            self._db.executemany("INSERT OR REPLACE INTO consequences VALUES (?, ?)",
                                 ((h, zlib.compress("\n".join(lines).encode("utf-8", "surrogatepass"), 1))
                                  for h, lines in rows))

    def consequences(self, hashes: list[str]) -> dict[str, list[str]]:
        """The stored lines of graph contents `hashes` (those never stored are absent)."""
        out: dict[str, list[str]] = {}
        for start in range(0, len(hashes), 500):
            chunk = hashes[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for h, blob in self._db.execute(f"SELECT hash, lines FROM consequences WHERE hash IN ({marks})", chunk):
                text = zlib.decompress(blob).decode("utf-8", "surrogatepass")
                out[h] = text.split("\n") if text else []
        return out

    def prune_consequences(self) -> None:
        """Drop the rows of graph contents the store no longer holds."""
        with self._tx():
            self._db.execute("DELETE FROM consequences WHERE hash NOT IN (SELECT hash FROM graphs)")

    def _tx(self):
        return _Transaction(self._db)

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and reports)."""
        return {t: self._db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("units", "unit_items", "parsed", "extracted", "graphs")}


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type, exc, tb):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def iter_unpacked(blobs: Iterable[bytes]) -> Iterator:
    """Unpack a stream of blobs."""
    for blob in blobs:
        yield unpack(blob)
