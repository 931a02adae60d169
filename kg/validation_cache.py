"""The validation cache: each graph's check (written by the build or by `igkg validate`) and the results, in SQLite beside the store."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from kg.validate_graphs import GraphCheck

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graphs (iri TEXT PRIMARY KEY, key TEXT NOT NULL, spec TEXT NOT NULL, settled INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS graphs_unsettled ON graphs (iri) WHERE settled=0;
CREATE TABLE IF NOT EXISTS graph_results (iri TEXT NOT NULL, settled INTEGER NOT NULL, row TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS graph_results_iri ON graph_results (iri);
CREATE TABLE IF NOT EXISTS deferred_values (value TEXT NOT NULL, iri TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS deferred_values_value ON deferred_values (value);
CREATE INDEX IF NOT EXISTS deferred_values_iri ON deferred_values (iri);
CREATE TABLE IF NOT EXISTS shared_results (node TEXT PRIMARY KEY, rows TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stale (node TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS node_types (node TEXT PRIMARY KEY, types TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shared_state (node TEXT PRIMARY KEY, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS shared_deps (value TEXT NOT NULL, node TEXT NOT NULL, PRIMARY KEY (value, node));
CREATE INDEX IF NOT EXISTS shared_deps_node ON shared_deps (node);
"""
# Bumped when what is kept about shared nodes changes: a cache of another format settles them all again.
SHARED_FORMAT = "2"
_SHARED_TABLES = ("shared_results", "stale", "node_types", "shared_state", "shared_deps")


class ValidationCache:
    """Graph checks and results that outlive a run; ":memory:" (the default) for one process only.

    Each graph row keeps its content key and its check; `settled` is 0 until `igkg validate` has
    resolved what the check left to the union (class tests, shared nodes, replied-to posts).
    Shared nodes of a graph version that was replaced or removed are kept in `stale` until checked.
    Each checked shared node also keeps its state (types, targeting predicates: which shapes it gets)
    and the values whose types its class tests read (`shared_deps`), so that a later run can patch
    its results from what new graphs add instead of reading its whole description again.
    """

    def __init__(self, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self._db = sqlite3.connect(str(path) if path else ":memory:", isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL" if path else "PRAGMA journal_mode=MEMORY")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One transaction: the connection autocommits (isolation_level=None), so without it every
        statement would be a commit of its own (seconds for the tens of thousands a full run writes)."""
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        """Close the database."""
        self._db.close()

    def ensure_key(self, key: str) -> bool:
        """Forget everything when the shapes or ontology (`key`) changed; True when the cache was kept."""
        row = self._db.execute("SELECT v FROM meta WHERE k='key'").fetchone()
        if row and row[0] == key:
            return True
        with self._transaction():
            for table in ("graphs", "graph_results", "deferred_values", *_SHARED_TABLES):
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('key', ?)", (key,))
        return False

    def keys(self) -> dict[str, str]:
        """Graph IRI -> the content key its check was made for."""
        return dict(self._db.execute("SELECT iri, key FROM graphs"))

    def put(self, entries: Iterable[tuple[str, str, GraphCheck]]) -> None:
        """Store new checks (graph IRI, content key, check), unsettled; the old versions' shared nodes go stale."""
        entries = list(entries)
        with self._transaction():
            # a build writes mostly new graphs: the ones cached already are found in one query per batch
            known = self._existing([iri for iri, _, _ in entries])
            for iri, key, check in entries:
                if iri in known:
                    self._forget(iri)
                spec = {"shared": check.shared, "referenced": check.referenced, "deferred": check.deferred,
                        "recheck": check.recheck, "exposed": check.exposed}
                self._db.execute("INSERT INTO graphs VALUES (?, ?, ?, 0)", (iri, key, json.dumps(spec)))
                self._db.executemany("INSERT INTO graph_results VALUES (?, 0, ?)",
                                     ((iri, json.dumps(r)) for r in check.rows))
                self._db.executemany("INSERT INTO deferred_values VALUES (?, ?)",
                                     ((v, iri) for v in sorted({value_term(d[6]) for d in check.deferred})))

    def remove(self, iris: Iterable[str]) -> None:
        """Forget graphs that left the store (their shared nodes go stale)."""
        with self._transaction():
            for iri in iris:
                self._forget(iri)

    def _existing(self, iris: list[str]) -> set[str]:
        """Those of `iris` that have a graph row."""
        found: set[str] = set()
        for start in range(0, len(iris), 500):  # (SQLite allows 999 parameters a statement by default)
            chunk = iris[start:start + 500]
            found.update(r[0] for r in self._db.execute(
                f"SELECT iri FROM graphs WHERE iri IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608 - placeholders only
        return found

    def _forget(self, iri: str) -> None:
        row = self._db.execute("SELECT spec FROM graphs WHERE iri=?", (iri,)).fetchone()
        if row is None:
            return
        spec = json.loads(row[0])
        self._db.executemany("INSERT OR IGNORE INTO stale VALUES (?)",
                             ((n,) for n in spec["shared"] + spec["referenced"] + spec["exposed"]))
        for table in ("graphs", "graph_results", "deferred_values"):
            self._db.execute(f"DELETE FROM {table} WHERE iri=?", (iri,))  # noqa: S608 - fixed table names

    def unsettled(self) -> list[tuple[str, dict]]:
        """(graph IRI, check spec) of graphs `igkg validate` has not settled yet."""
        return [(iri, json.loads(spec)) for iri, spec in
                self._db.execute("SELECT iri, spec FROM graphs WHERE settled=0 ORDER BY iri")]

    def specs(self, iris: Iterable[str]) -> list[tuple[str, dict]]:
        """(graph IRI, check spec) of the given graphs that are cached."""
        out = []
        for iri in sorted(set(iris)):
            row = self._db.execute("SELECT spec FROM graphs WHERE iri=?", (iri,)).fetchone()
            if row:
                out.append((iri, json.loads(row[0])))
        return out

    def graphs_deferring_on(self, values: Iterable[str]) -> set[str]:
        """Graphs with a class test waiting on one of `values`."""
        return self._lookup("SELECT iri FROM deferred_values WHERE value=?", values)

    def deferred_among(self, nodes: Iterable[str]) -> set[str]:
        """Those of `nodes` some graph's class test waits on."""
        return {n for n in nodes
                if self._db.execute("SELECT 1 FROM deferred_values WHERE value=? LIMIT 1", (n,)).fetchone()}

    def deferred_values(self) -> set[str]:
        """Every node some graph's class test waits on."""
        return {r[0] for r in self._db.execute("SELECT DISTINCT value FROM deferred_values")}

    def all_shared(self, settled_only: bool = False) -> set[str]:
        """Every shared and referenced node of every cached graph (a full run checks them all); of the
        settled graphs only, when the caller has the unsettled ones' specs at hand already."""
        nodes: set[str] = set()
        for (spec,) in self._db.execute("SELECT spec FROM graphs" + (" WHERE settled=1" if settled_only else "")):
            data = json.loads(spec)
            nodes.update(data["shared"])
            nodes.update(data["referenced"])
        return nodes

    def settle(self, settled: Iterable[tuple[str, list[list[str]]]]) -> None:
        """For each (graph IRI, results): replace what validate resolved for it and mark it settled."""
        with self._transaction():
            # most graphs have no settled results to replace (all of them after a build): one query, not one each
            had = {r[0] for r in self._db.execute("SELECT DISTINCT iri FROM graph_results WHERE settled=1")}
            marked = []
            for iri, results in settled:
                if iri in had:
                    self._db.execute("DELETE FROM graph_results WHERE iri=? AND settled=1", (iri,))
                if results:
                    self._db.executemany("INSERT INTO graph_results VALUES (?, 1, ?)",
                                         ((iri, json.dumps(r)) for r in results))
                marked.append((iri,))
            self._db.executemany("UPDATE graphs SET settled=1 WHERE iri=?", marked)

    def changed_types(self, types: dict[str, frozenset[str]]) -> set[str]:
        """Record nodes' types; the nodes whose types differ from what was recorded (new nodes included)."""
        changed = set()
        with self._transaction():
            for node, found in types.items():
                text = json.dumps(sorted(found))
                row = self._db.execute("SELECT types FROM node_types WHERE node=?", (node,)).fetchone()
                if row is None or row[0] != text:
                    changed.add(node)
                    self._db.execute("INSERT OR REPLACE INTO node_types VALUES (?, ?)", (node, text))
        return changed

    def record_types(self, types: dict[str, frozenset[str]]) -> None:
        """Record nodes' types as they are now (the types a check just read)."""
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO node_types VALUES (?, ?)",
                                 ((node, json.dumps(sorted(found))) for node, found in types.items()))

    def take_stale(self) -> set[str]:
        """The stale shared nodes, forgotten as stale (the caller re-checks them)."""
        with self._transaction():
            nodes = {r[0] for r in self._db.execute("SELECT node FROM stale")}
            self._db.execute("DELETE FROM stale")
        return nodes

    def set_shared(self, results: dict[str, list[list[str]] | None], states: dict[str, str] | None = None,
                   deps: dict[str, set[str]] | None = None, added_deps: dict[str, set[str]] | None = None) -> None:
        """Store the results of shared nodes (None: forget the node), the state of the nodes checked
        whole (`states`, JSON), the values their class tests read (`deps`: replacing the node's,
        `added_deps`: more for a patched node)."""
        with self._transaction():
            for node, node_rows in results.items():
                if node_rows is None:
                    self._db.execute("DELETE FROM shared_results WHERE node=?", (node,))
                    self._db.execute("DELETE FROM shared_state WHERE node=?", (node,))
                    self._db.execute("DELETE FROM shared_deps WHERE node=?", (node,))
                else:
                    self._db.execute("INSERT OR REPLACE INTO shared_results VALUES (?, ?)", (node, json.dumps(node_rows)))
            self._db.executemany("INSERT OR REPLACE INTO shared_state VALUES (?, ?)", (states or {}).items())
            for node in deps or {}:
                self._db.execute("DELETE FROM shared_deps WHERE node=?", (node,))
            for node, values in [*(deps or {}).items(), *(added_deps or {}).items()]:
                self._db.executemany("INSERT OR IGNORE INTO shared_deps VALUES (?, ?)", ((v, node) for v in values))

    def shared(self, nodes: Iterable[str]) -> dict[str, tuple[list[list[str]], str]]:
        """node -> (its stored results, its state) for the given nodes checked whole by an earlier run."""
        out = {}
        for node in nodes:
            row = self._db.execute("SELECT r.rows, s.state FROM shared_results r JOIN shared_state s "
                                   "ON r.node = s.node WHERE r.node=?", (node,)).fetchone()
            if row:
                out[node] = (json.loads(row[0]), row[1])
        return out

    def dependents(self, values: Iterable[str]) -> set[str]:
        """Shared nodes whose class tests read the types of one of `values`."""
        return self._lookup("SELECT node FROM shared_deps WHERE value=?", values)

    def _lookup(self, query: str, values: Iterable[str]) -> set[str]:
        """The first column of `query` (one "?" for the value) over every value."""
        found: set[str] = set()
        for v in values:
            found.update(r[0] for r in self._db.execute(query, (v,)))
        return found

    def known_types(self, nodes: Iterable[str]) -> dict[str, frozenset[str]]:
        """The recorded types of those of `nodes` that have a record."""
        out = {}
        for node in nodes:
            row = self._db.execute("SELECT types FROM node_types WHERE node=?", (node,)).fetchone()
            if row:
                out[node] = frozenset(json.loads(row[0]))
        return out

    def clear_shared(self) -> None:
        """Forget every shared node's results (before a full run)."""
        with self._transaction():
            for table in _SHARED_TABLES:
                self._db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('shared_format', ?)", (SHARED_FORMAT,))

    def has_shared(self) -> bool:
        """Whether shared nodes were checked by a run of this format (no: the next run checks them all)."""
        row = self._db.execute("SELECT v FROM meta WHERE k='shared_format'").fetchone()
        return bool(row and row[0] == SHARED_FORMAT) and \
            self._db.execute("SELECT 1 FROM shared_results LIMIT 1").fetchone() is not None

    def results(self) -> list[list[str]]:
        """Every stored result row."""
        out = [json.loads(r) for (r,) in self._db.execute("SELECT row FROM graph_results")]
        for (node_rows,) in self._db.execute("SELECT rows FROM shared_results"):
            out.extend(json.loads(node_rows))
        return out


def value_term(value: str) -> str:
    """A result's value (an IRI written bare, or _:x) as an N-Triples term."""
    return value if value.startswith("_:") else f"<{value}>"


__all__ = ["ValidationCache", "value_term"]
