"""The question catalogue (queries/*.rq): load it, bind parameters safely, run queries under a budget."""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import QueryError
from kg.query_format import format_result
from kg.query_guard import check_query, tokens
from kg.remote import RemoteStore
from kg.store import QuadStore, QueryResult

__all__ = [
    "QUERIES_DIR", "Budget", "CatalogueQuery", "DEFAULT_BUDGET", "Param", "QueryOutcome", "bind_params",
    "format_result", "inline_bindings", "load_catalogue", "render_reference", "run_named", "run_text",
]

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
PARAM_TYPES = ("iri", "string", "date", "integer")
MAX_PARAM_CHARS = 2_000

_HEADER = re.compile(r"^#\s?(?P<key>title|description|param):\s*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^#\s{2,}(?P<value>\S.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)\s+"
                    r"(?P<req>required|optional|default=(?P<default>\S+))\s+—\s+(?P<desc>\S.*)$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")


@dataclass(frozen=True)
class Param:
    """One `# param:` line: a variable of the query that the caller may (or must) bind."""

    name: str
    type: str  # iri | string | date | integer
    required: bool
    default: str | None
    description: str


@dataclass(frozen=True)
class CatalogueQuery:
    """One question of the catalogue: its file name (without .rq), header fields and SPARQL text."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str

    def param(self, name: str) -> Param | None:
        """The parameter called `name`, or None."""
        return next((p for p in self.params if p.name == name), None)


@dataclass(frozen=True)
class Budget:
    """What one query may spend: wall-clock seconds, rows returned, extra memory in its worker."""

    timeout_s: float = 10.0
    max_rows: int = 10_000
    max_memory_bytes: int = 2 << 30


DEFAULT_BUDGET = Budget()


@dataclass(frozen=True)
class QueryOutcome:
    """A finished query: its (possibly truncated) result, whether the row cap cut it, and its time."""

    result: QueryResult
    truncated: bool
    max_rows: int
    elapsed_s: float

    @property
    def notice(self) -> str | None:
        """A sentence saying the result was cut at the row cap, or None when it is complete."""
        if not self.truncated:
            return None
        return f"(truncated: only the first {self.max_rows:,} rows are shown; the row cap is {self.max_rows:,})"


# --- the catalogue ----------------------------------------------------------------------------


def load_catalogue(directory: str | Path = QUERIES_DIR) -> dict[str, CatalogueQuery]:
    """Every `*.rq` file of `directory` as a CatalogueQuery, by name, sorted; checked and guarded."""
    catalogue = {}
    for path in sorted(Path(directory).glob("*.rq")):
        query = _read_query(path)
        catalogue[query.name] = query
    return catalogue


def _read_query(path: Path) -> CatalogueQuery:
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if (match := _HEADER.match(line)) is not None:
            last = match["key"]
            fields[last].append(match["value"].strip())
        elif (cont := _CONTINUATION.match(line)) is not None and last is not None:
            fields[last][-1] += " " + cont["value"].strip()
        else:
            raise QueryError(f"{path.name}: header line not understood: {line!r} "
                             "(expected '# title:', '# description:' or '# param:')")
    if len(fields["title"]) != 1 or len(fields["description"]) != 1:
        raise QueryError(f"{path.name}: the header needs exactly one '# title:' and one '# description:'")
    params = tuple(_parse_param(path, line) for line in fields["param"])
    query = CatalogueQuery(path.stem, fields["title"][0], fields["description"][0], params, text)
    _check_query_file(path, query)
    return query


def _parse_param(path: Path, line: str) -> Param:
    match = _PARAM.match(line)
    if match is None:
        raise QueryError(f"{path.name}: param line not understood: {line!r} (expected "
                         "'name type required|optional|default=VALUE — description')")
    if match["type"] not in PARAM_TYPES:
        raise QueryError(f"{path.name}: parameter {match['name']!r} has unknown type {match['type']!r}; "
                         f"valid types: {', '.join(PARAM_TYPES)}")
    return Param(match["name"], match["type"], match["req"] == "required", match["default"], match["desc"])


def _check_query_file(path: Path, query: CatalogueQuery) -> None:
    try:
        check_query(query.text)
    except QueryError as exc:
        raise type(exc)(f"{path.name}: {exc}") from exc
    names = [p.name for p in query.params]
    if len(set(names)) != len(names):
        raise QueryError(f"{path.name}: a parameter is declared twice")
    variables = {t.text[1:] for t in tokens(query.text) if t.kind == "var"}
    for param in query.params:
        if param.name not in variables:
            raise QueryError(f"{path.name}: parameter {param.name!r} is not a variable of the query")
        if param.default is not None:
            try:
                _typed(query, param, param.default)
            except QueryError as exc:
                raise QueryError(f"{path.name}: default of {exc}") from exc
    if query.params:
        _where_brace(query)


# --- parameters -----------------------------------------------------------------------------


def bind_params(query: CatalogueQuery, raw: Mapping[str, str] | None = None) -> dict[str, Node]:
    """Typed RDF terms for `raw` parameter strings (defaults filled in); QueryError on any mistake.

    iri: an absolute IRI, validated strictly (pyoxigraph's RFC 3987 check); string: any text;
    date: YYYY-MM-DD (xsd:date) or an ISO date-time (xsd:dateTime); integer: xsd:integer.
    Optional parameters without a value or default are left out (unbound in the query).
    """
    raw = dict(raw or {})
    unknown = sorted(set(raw) - {p.name for p in query.params})
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; "
                         f"its parameters: {_describe_params(query)}")
    bound: dict[str, Node] = {}
    for param in query.params:
        value = raw.get(param.name, param.default)
        if value is None:
            if param.required:
                raise QueryError(f"query {query.name!r} needs parameter {param.name!r} ({param.type}); "
                                 f"its parameters: {_describe_params(query)}")
            continue
        bound[param.name] = _typed(query, param, value)
    return bound


def _describe_params(query: CatalogueQuery) -> str:
    if not query.params:
        return "none"
    return ", ".join(f"{p.name} ({p.type}, {'required' if p.required else 'optional'})" for p in query.params)


def _typed(query: CatalogueQuery, param: Param, value: str) -> Node:
    def bad(expected: str) -> QueryError:
        return QueryError(f"parameter {param.name!r} of query {query.name!r} must be {expected}; "
                          f"got {value[:80]!r}")

    if not isinstance(value, str) or len(value) > MAX_PARAM_CHARS:
        raise bad(f"a string of at most {MAX_PARAM_CHARS:,} characters")
    if param.type == "iri":
        if not _SCHEME.match(value):
            raise bad("an absolute IRI such as https://kg.example.org/id/org/igf")
        try:
            ox.NamedNode(value)  # strict RFC 3987: no spaces, <, >, quotes, braces
        except ValueError as exc:
            raise bad(f"a valid IRI ({exc})") from exc
        return URIRef(value)
    if param.type == "integer":
        if not _INTEGER.match(value):
            raise bad("an integer such as 2")
        return Literal(int(value), datatype=XSD.integer)
    if param.type == "date":
        return _typed_date(value, bad)
    return Literal(value)


def _typed_date(value: str, bad) -> Literal:
    try:
        if _DATE.match(value):
            date.fromisoformat(value)
            return Literal(value, datatype=XSD.date)
        if _DATETIME.match(value):
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return Literal(value, datatype=XSD.dateTime)
    except ValueError:
        pass
    raise bad("a date (2025-03-31) or a date-time (2025-03-31T12:00:00Z)")


def inline_bindings(query: CatalogueQuery, bindings: Mapping[str, Node]) -> str:
    """The query text with a VALUES block for every parameter opening its outer WHERE group.

    Not the store's trailing VALUES: that one joins after WHERE, GROUP BY and HAVING (SPARQL 1.1
    §18.2.4.3), so a FILTER on a date range or threshold would never see the value. Terms are
    written by rdflib's `n3()` from typed, validated values; an unbound optional one is UNDEF.
    """
    if not query.params:
        return query.text
    at = _where_brace(query)
    names = " ".join(f"?{p.name}" for p in query.params)
    values = " ".join(bindings[p.name].n3() if p.name in bindings else "UNDEF" for p in query.params)
    return f"{query.text[:at]}\n  VALUES ({names}) {{ ({values}) }}{query.text[at:]}"


def _where_brace(query: CatalogueQuery) -> int:
    """The offset just after the `{` that opens the outer WHERE clause."""
    seen_where = False
    for token in tokens(query.text):
        if token.kind == "comment":
            continue
        if seen_where:
            if token.text == "{":
                return token.end
            break
        seen_where = token.kind == "word" and token.text.upper() == "WHERE"
    raise QueryError(f"{query.name}.rq: a query with parameters must spell out 'WHERE {{'")


# --- running --------------------------------------------------------------------------------


def run_named(store: QuadStore | RemoteStore, name: str, raw_params: Mapping[str, str] | None = None, *,
              catalogue: Mapping[str, CatalogueQuery] | None = None,
              budget: Budget = DEFAULT_BUDGET) -> QueryOutcome:
    """Run the catalogue query `name` with `raw_params` (strings, typed per its header) under `budget`."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    if name not in catalogue:
        raise QueryError(f"no query named {name!r}; the catalogue has: {', '.join(sorted(catalogue))}")
    query = catalogue[name]
    text = inline_bindings(query, bind_params(query, raw_params))
    check_query(query.text)
    return _execute(store, text, budget)


def run_text(store: QuadStore | RemoteStore, sparql: str, *, budget: Budget = DEFAULT_BUDGET) -> QueryOutcome:
    """Run an ad-hoc SELECT or ASK after the guard (QueryForbidden for SERVICE, FROM, updates) under `budget`."""
    check_query(sparql)
    return _execute(store, sparql, budget)


def _execute(store: QuadStore | RemoteStore, sparql: str, budget: Budget) -> QueryOutcome:
    """Run the query in a forked worker and kill it at the deadline (a remote endpoint: over HTTP
    with the deadline as its timeout; the server bounds its own work).

    pyoxigraph cannot be interrupted from Python (security.md D13, oxigraph issue #1926), so the
    only way to stop a runaway query is to run it in a process of its own. Fork shares the
    loaded store copy-on-write; the worker caps rows before sending them back.
    """
    if isinstance(store, RemoteStore):
        started = time.monotonic()
        result = store.query(sparql, timeout_s=budget.timeout_s)
        rows = result.rows[: budget.max_rows]
        return QueryOutcome(QueryResult(result.variables, rows, result.boolean), len(result.rows) > len(rows),
                            budget.max_rows, time.monotonic() - started)
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_worker, args=(store, sparql, budget, writer), daemon=True)
    started = time.monotonic()
    worker.start()
    writer.close()
    try:
        if not reader.poll(budget.timeout_s):
            raise QueryError(f"the query ran past its time limit of {budget.timeout_s:g} s and was stopped")
        try:
            message = reader.recv()
        except EOFError:
            worker.join()
            raise QueryError(f"the query worker died (exit code {worker.exitcode}); the query probably "
                             f"needed more than {budget.max_memory_bytes >> 20:,} MiB") from None
    finally:
        reader.close()
        if worker.is_alive():
            worker.kill()
        worker.join()
        worker.close()
    if message[0] == "error":
        raise QueryError(message[1])
    _, result, truncated = message
    return QueryOutcome(result, truncated, budget.max_rows, time.monotonic() - started)


def _worker(store: QuadStore, sparql: str, budget: Budget, writer) -> None:
    """In the forked child: limit memory, run the query, send back ('ok', result, truncated) or ('error', text)."""
    _limit_memory(budget.max_memory_bytes)
    try:
        result = store.query(sparql)
        rows = result.rows[: budget.max_rows]
        writer.send(("ok", QueryResult(result.variables, rows, result.boolean), len(result.rows) > len(rows)))
    except QueryError as exc:
        writer.send(("error", str(exc)))
    except MemoryError:
        writer.send(("error", f"the query needed more than {budget.max_memory_bytes >> 20:,} MiB"))
    finally:
        writer.close()


def _limit_memory(extra_bytes: int) -> None:
    """Cap the worker's address space at what it has now plus `extra_bytes` (Linux; skipped elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = current + extra_bytes
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError):
        pass  # no /proc or no RLIMIT_AS: the time limit still applies


# --- the reference page ----------------------------------------------------------------------


def render_reference(catalogue: Mapping[str, CatalogueQuery] | None = None) -> str:
    """docs/queries.md: the catalogue's headers as a Markdown reference (a test keeps the file equal)."""
    catalogue = load_catalogue() if catalogue is None else catalogue
    lines = ["# Query catalogue", "",
             "Generated from the headers of `queries/*.rq` by `kg.queries.render_reference()`; do not edit",
             "by hand. Run a query with `kg.queries.run_named(store, name, {param: value})`; parameter",
             "values are strings typed per the table (iri: an absolute IRI; date: `2025-03-31` or",
             "`2025-03-31T12:00:00Z`; integer; string). A date-time without an offset is read as UTC.",
             "", "| query | title |", "|---|---|"]
    lines += [f"| [`{name}`](#{name}) | {q.title} |" for name, q in sorted(catalogue.items())]
    for name, query in sorted(catalogue.items()):
        lines += ["", f"## {name}", "", f"**{query.title}**", "", query.description, ""]
        if not query.params:
            lines.append("No parameters.")
            continue
        lines += ["| parameter | type | required | default | description |", "|---|---|---|---|---|"]
        lines += [f"| `{p.name}` | {p.type} | {'yes' if p.required else 'no'} | "
                  f"{f'`{p.default}`' if p.default is not None else ''} | {p.description} |"
                  for p in query.params]
    return "\n".join(lines) + "\n"
