"""The SPARQL 1.1 Protocol endpoint: read-only, guarded, budgeted, with generic error bodies."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import parse_qs

from rdflib import Literal, URIRef
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kg.errors import QueryError, QueryForbidden
from kg.negotiation import negotiate
from kg.queries import Budget, run_text
from kg.query_guard import check_query
from kg.query_format import RESULT_FORMATS, format_result
from kg.serve_privacy import scrub_term, suppressed_names
from kg.store import QueryResult

log = logging.getLogger("kg.serve")
MAX_REQUEST_BYTES = 64 * 1024  # a query is capped at 20,000 characters by the guard; leave room for encoding
SERVE_BUDGET = Budget(timeout_s=10.0, max_rows=10_000, max_memory_bytes=1 << 30)
RESULT_TYPES = ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                "text/tab-separated-values")
FORMAT_BY_TYPE = {f.media_type: name for name, f in RESULT_FORMATS.items() if f.media_type in RESULT_TYPES}
# Fixed texts: never the exception's message, which can echo the query or internals (security.md 2.11).
FORBIDDEN_TEXT = "Query not allowed: only read-only SELECT and ASK queries, without SERVICE, FROM or LOAD."
BAD_TEXT = "Malformed query, unsupported query form, or over the time or size budget."
TOO_LARGE_TEXT = "Request too large."
BUSY_TEXT = "Too many queries at once; try again shortly."
NO_QUERY_TEXT = "No query given: send query= (GET or form POST) or an application/sparql-query body."


class Rejected(Exception):
    """A request the endpoint refuses: HTTP status and a fixed, generic text."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status = status
        self.text = text


async def read_query(request: Request) -> str | None:
    """The query text from a SPARQL 1.1 Protocol request (section 2.1), or None when there is none."""
    if request.method == "GET":
        params = request.query_params
        if len(request.url.query) > MAX_REQUEST_BYTES:
            raise Rejected(413, TOO_LARGE_TEXT)
        _refuse_dataset(params.keys())
        return params.get("query")
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_REQUEST_BYTES):
        raise Rejected(413, TOO_LARGE_TEXT)
    body = bytearray()
    async for chunk in request.stream():  # count what arrives too: a chunked body has no length
        body += chunk
        if len(body) > MAX_REQUEST_BYTES:
            raise Rejected(413, TOO_LARGE_TEXT)
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        text = bytes(body).decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(400, BAD_TEXT) from None
    _refuse_dataset(request.query_params.keys())
    if ctype == "application/sparql-query":
        return text
    if ctype == "application/x-www-form-urlencoded":
        form = parse_qs(text, keep_blank_values=True)
        _refuse_dataset(form.keys())
        if "update" in form:
            raise Rejected(400, FORBIDDEN_TEXT)
        return form.get("query", [None])[0]
    raise Rejected(415, "Send application/sparql-query or application/x-www-form-urlencoded.")


def _refuse_dataset(names) -> None:
    # The protocol's dataset parameters name graphs to load: the endpoint serves its own data only.
    if {"default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"} & set(names):
        raise Rejected(400, FORBIDDEN_TEXT)


def _guard(sparql: str) -> None:
    # check_query serialises rdflib's parser itself; run_text's own check then hits the guard's cache.
    check_query(sparql)


QUEUE_WAIT_S = 5.0


class Endpoint:
    """Runs guarded queries with at most `concurrency` at once (more get 503 with Retry-After)."""

    def __init__(self, store, suppressed: frozenset[str], concurrency: int = 2, budget: Budget = SERVE_BUDGET):
        self.store = store
        self.suppressed = suppressed
        self.names = suppressed_names(store, suppressed)
        self.budget = budget
        self._slots = asyncio.Semaphore(concurrency)

    async def run(self, sparql: str) -> tuple[QueryResult, bool]:
        """The privacy-filtered result and whether the row cap cut it; raises Rejected."""
        # A short queue before 503: bursts of clients wait for a slot (a query takes tens of ms);
        # only a sustained overload, a slot not free within QUEUE_WAIT_S, is turned away.
        try:
            await asyncio.wait_for(self._slots.acquire(), QUEUE_WAIT_S)
        except TimeoutError:
            raise Rejected(503, BUSY_TEXT) from None
        try:
            try:
                await run_in_threadpool(_guard, sparql)
                outcome = await run_in_threadpool(run_text, self.store, sparql, budget=self.budget)
            except QueryForbidden as exc:
                log.info("sparql refused: %s", type(exc).__name__)
                raise Rejected(400, FORBIDDEN_TEXT) from None
            except QueryError as exc:
                log.info("sparql failed: %s", type(exc).__name__)
                raise Rejected(400, BAD_TEXT) from None
        finally:
            self._slots.release()
        return self._clean(outcome.result), outcome.truncated

    def _clean(self, result: QueryResult) -> QueryResult:
        # The build drops suppressed people; this is a second line: no row holding one's IRI or name,
        # and no contact detail in any literal.
        rows = tuple(tuple(scrub_term(t) for t in row) for row in result.rows
                     if not any((isinstance(t, URIRef) and str(t) in self.suppressed)
                                or (isinstance(t, Literal) and str(t) in self.names) for t in row))
        return QueryResult(result.variables, rows, result.boolean)


def results_response(result: QueryResult, media_type: str) -> Response:
    """The result in a SPARQL results format."""
    body = format_result(result, FORMAT_BY_TYPE[media_type])
    charset = "; charset=utf-8" if media_type.startswith("text/") else ""
    return Response(body.encode("utf-8"), media_type=f"{media_type}{charset}", headers={"Vary": "Accept"})


def choose_results_type(accept: str | None, html_ok: bool) -> str | None:
    """The results media type for this Accept header (HTML only for the form page)."""
    # Machines first: `*/*` gets JSON; a browser's explicit text/html (q=1) still gets the page.
    offered = RESULT_TYPES + (("text/html",) if html_ok else ())
    if not accept or not accept.strip():
        return "application/sparql-results+json"
    return negotiate(accept, offered)
