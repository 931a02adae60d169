"""The SPARQL query guard: only SELECT/ASK that can reach neither the network nor the disk (security.md §2.4)."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from kg.errors import QueryError, QueryForbidden

MAX_QUERY_CHARS = 20_000
# rdflib parses about 1 ms per token: a 1,000-term FILTER took 7 s. The largest catalogue query
# has 242 tokens; 1,000 keeps a hostile query to about a second of parsing.
MAX_QUERY_TOKENS = 1_000

# Update operations as rdflib's parser names them -> the SPARQL form a user would recognise.
_UPDATE_FORMS = {
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Modify": "INSERT/DELETE ... WHERE",
}
_QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT",
                "DescribeQuery": "DESCRIBE"}
# Bare words that exist only in federated queries, dataset clauses and updates: a valid SELECT/ASK
# never contains one outside a string, IRI, comment, variable or prefixed name.
_FORBIDDEN_WORDS = {"SERVICE", "FROM", "LOAD", "INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD",
                    "MOVE", "COPY", "WITH", "USING"}

_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
      | (?P<word>[^\W\d][\w\-.]*(?::[\w\-.%\\:]*)?|:[\w\-.%\\:]*)
      | (?P<brace>[{}])
      | (?P<other>\S)""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    """One lexical token of a SPARQL text: its kind (comment, string, iri, var, word, brace, other)."""

    kind: str
    text: str
    start: int
    end: int


def tokens(sparql: str) -> Iterator[Token]:
    """The tokens of `sparql`, comments included; a lexer good enough to find keywords and braces."""
    for match in _TOKEN.finditer(sparql):
        yield Token(match.lastgroup or "other", match.group(), match.start(), match.end())


def forbidden_keyword(sparql: str) -> str | None:
    """The first bare SERVICE/FROM/LOAD/update keyword in `sparql`, or None.

    A second line of defence behind the parse-tree check: rdflib's parser and oxigraph's may
    disagree on an odd query, so a forbidden word the rdflib tree does not show is still refused.
    """
    for token in tokens(sparql):
        if token.kind == "word" and ":" not in token.text and token.text.upper() in _FORBIDDEN_WORDS:
            return token.text.upper()
    return None


def _walk(node) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


@dataclass(frozen=True)
class _Verdict:
    form: str | None  # SELECT or ASK when allowed
    error: type[QueryError] | None = None
    message: str = ""


def check_query(sparql: str) -> str:
    """The query form ("SELECT" or "ASK") of an allowed query; raise QueryForbidden or QueryError otherwise.

    Forbidden (QueryForbidden): SERVICE anywhere (SILENT, variable, inside FILTER EXISTS, OPTIONAL
    or a sub-SELECT), FROM / FROM NAMED, and every update (LOAD, INSERT, DELETE, CLEAR, DROP, ...).
    Refused (QueryError): over MAX_QUERY_CHARS, malformed, nested too deeply, CONSTRUCT/DESCRIBE.
    Verdicts are cached by query text: rdflib spends 8-10 ms parsing each query.
    """
    verdict = _verdict(sparql)
    if verdict.error is not None:
        raise verdict.error(verdict.message)
    assert verdict.form is not None
    return verdict.form


_PARSER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=512)
def _verdict(sparql: str) -> _Verdict:
    if len(sparql) > MAX_QUERY_CHARS:
        return _Verdict(None, QueryError, f"the query is {len(sparql):,} characters long; the limit is "
                                          f"{MAX_QUERY_CHARS:,}")
    count = sum(1 for t in tokens(sparql) if t.kind != "comment")
    if count > MAX_QUERY_TOKENS:
        return _Verdict(None, QueryError, f"the query has {count:,} terms; the limit is {MAX_QUERY_TOKENS:,}")
    try:
        # rdflib's pyparsing grammar keeps state: two threads parsing at once fail with
        # "TypeError: Param.postParse2()" (seen under the server's load test)
        with _PARSER_LOCK:
            tree = parseQuery(sparql)
    except ParseBaseException as exc:
        return _not_a_query(sparql, exc)
    except RecursionError:
        return _Verdict(None, QueryError, "the query is nested too deeply to parse")
    query = tree[1]
    # `in`, not .get(): CompValue.get returns the key's name for a missing key
    if "datasetClause" in query:
        return _Verdict(None, QueryForbidden, "FROM / FROM NAMED is not allowed: queries run over the "
                                              "store's own graphs and never read other sources")
    if any(node.name == "ServiceGraphPattern" for node in _walk(tree)):
        return _Verdict(None, QueryForbidden, "SERVICE (federated query) is not allowed: queries never "
                                              "reach the network")
    word = forbidden_keyword(sparql)
    if word is not None:
        return _Verdict(None, QueryForbidden, f"{word} is not allowed in a query")
    form = _QUERY_FORMS.get(query.name, query.name)
    if form not in ("SELECT", "ASK"):
        return _Verdict(None, QueryError, f"{form} queries are not supported here; use SELECT or ASK")
    return _Verdict(form)


def _not_a_query(sparql: str, exc: ParseBaseException) -> _Verdict:
    """An update sent as a query is forbidden (named); anything else is malformed."""
    try:
        update = parseUpdate(sparql)
    except (ParseBaseException, RecursionError):
        word = forbidden_keyword(sparql)
        if word is not None:
            return _Verdict(None, QueryForbidden, f"{word} is not allowed in a query")
        return _Verdict(None, QueryError, f"malformed SPARQL: {exc}")
    forms = sorted({_UPDATE_FORMS.get(op.name, op.name) for op in update.request})
    return _Verdict(None, QueryForbidden, f"{', '.join(forms)} is not allowed: updates cannot run "
                                          "here, only SELECT and ASK queries")
