"""The linked-data HTTP server (ASGI, Starlette): entity IRIs with content negotiation, HTML pages, SPARQL."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

from rdflib import URIRef
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from kg.config import Settings
from kg.errors import ConfigError, StoreError
from kg.negotiation import negotiate
from kg.serve_data import Reader
from kg.serve_html import CSP, el
from kg.serve_pages import Links, entity_page, index_page, message_page, search_page, sparql_page, thread_page
from kg.serve_dump import DUMP_TYPES, dump
from kg.serve_privacy import expand_suppressed, hidden_graphs
from kg.serve_rdf import BY_MEDIA_TYPE, RDF_FORMATS
import kg.rdflib_safety  # noqa: F401  (rdflib SPARQL egress off, process-wide)
from kg.query_guard import MAX_QUERY_CHARS
from kg.serve_sparql import (NO_QUERY_TEXT, TOO_LARGE_TEXT, Endpoint, Rejected, choose_results_type, read_query,
                             results_response)
from kg.serve_void import service_description, void_graph
from kg.store import QuadStore, to_ox

log = logging.getLogger("kg.serve")
PAGE_TYPES = ("text/html",) + tuple(f.media_type for f in RDF_FORMATS)
EXTENSIONS = {".html": "text/html", **{f.extension: f.media_type for f in RDF_FORMATS}}
CACHE_SIZE = 512
_URL_SAFE = "/%-._~!$&'()*+,;=:@"  # everything an IRI path may hold except ? and #


class _Cache:
    """A small LRU of rendered responses, emptied when the generation stamp changes."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._stamp = None

    def get(self, key, stamp):
        with self._lock:
            if stamp != self._stamp:
                self._items.clear()
                self._stamp = stamp
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class LinkedDataServer:
    """Routes and handlers over one store; `create_app` wraps it in a Starlette app."""

    def __init__(self, store: QuadStore, settings: Settings, suppressed: Iterable[str] = ()):
        if not settings.base_iri.endswith("/"):
            raise ConfigError(f"serving needs a base IRI ending in '/', not {settings.base_iri!r} "
                              "(hash IRIs would put every entity in one document)")
        self.store = store
        self.base = settings.base_iri
        self.base_path = urlsplit(self.base).path or "/"
        self.suppressed = expand_suppressed(store, suppressed)
        self.hidden = hidden_graphs(self.base, self.suppressed)
        self.reader = Reader(store, self.base, self.suppressed)
        self.endpoint = Endpoint(store, self.suppressed)
        self.cache = _Cache(CACHE_SIZE)
        # The served store is read-only; restart after a rebuild. (pyoxigraph's len() is a full scan,
        # too slow to check on every request on a large store.)
        self.generation = 0
        self._dumps: dict = {}
        self._dump_lock = threading.Lock()
        self.links = Links(page=self.page_url, thread=self.thread_url, home="/", search="/search", sparql="/sparql",
                           void="/.well-known/void", alternates=self.alternates)

    # -- URLs ------------------------------------------------------------------------------------
    def _rest(self, iri: str) -> str | None:
        return iri[len(self.base):] if iri.startswith(self.base) and len(iri) > len(self.base) else None

    def page_url(self, iri: str, ext: str = ".html") -> str | None:
        """The local URL of an IRI's page (a `#` part links into its document's page)."""
        rest = self._rest(iri)
        if rest is None:
            return None
        rest, hash_, fragment = rest.partition("#")
        return f"/page/{quote(rest, safe=_URL_SAFE)}{ext}" + (f"#{quote(fragment, safe='')}" if hash_ else "")

    def thread_url(self, root: str) -> str | None:
        """The local URL of a thread view."""
        rest = self._rest(root)
        return f"/thread/{quote(rest, safe=_URL_SAFE)}" if rest and "#" not in rest else None

    def alternates(self, iri: str) -> list[tuple[str, str]]:
        """The RDF versions of an entity's page."""
        return [(f.media_type, url) for f in RDF_FORMATS if (url := self.page_url(iri, f.extension))]

    # -- resolving request paths to IRIs ---------------------------------------------------------
    def resolve(self, rest: str) -> tuple[str, str]:
        """(IRI, kind) for a raw, still percent-encoded path remainder; raises Rejected (404/410).

        The path only ever becomes an IRI checked by pyoxigraph's strict parser and used as a bound
        query term: nothing is looked up on disk.
        """
        candidates = [rest]
        # The minter percent-encodes with uppercase hex and leaves -._~ alone; accept other spellings.
        normal = "/".join(quote(unquote(seg), safe="-._~") for seg in rest.split("/"))
        if normal != rest:
            candidates.append(normal)
        for candidate in candidates:
            if not candidate or "#" in candidate or "?" in candidate:
                continue
            iri = self.base + candidate
            try:
                to_ox(URIRef(iri))
            except (StoreError, ValueError, TypeError):
                continue
            if iri in self.suppressed:
                raise Rejected(410, "Removed at the request of the person concerned; no longer published.")
            kind = self.reader.kind(iri)
            if kind is not None:
                return iri, kind
        raise Rejected(404, "Nothing is known under this IRI.")

    @staticmethod
    def _raw_rest(request: Request, prefix: str) -> str:
        raw = request.scope.get("raw_path")
        path = raw.decode("latin-1") if raw else quote(request.scope["path"], safe=_URL_SAFE)
        path = path.split("?", 1)[0]
        return path[len(prefix):] if path.startswith(prefix) else ""

    # -- representations -------------------------------------------------------------------------
    def representation(self, iri: str, kind: str, media_type: str) -> bytes:
        """The entity's page or RDF description, cached until the store changes."""
        key = (iri, media_type)
        body = self.cache.get(key, self.generation)
        if body is None:
            if media_type == "text/html":
                body = entity_page(self.reader.view(iri, kind), self.links)
            else:
                body = BY_MEDIA_TYPE[media_type].serialize(self.reader.describe(iri))
            self.cache.put(key, body)
        return body

    def _document(self, iri: str, kind: str, media_type: str, location: str | None = None) -> Response:
        headers = {"Vary": "Accept"}
        if location:
            headers["Content-Location"] = location
        if media_type != "text/html":
            headers["Link"] = f'<{iri}>; rel="describes"'
        charset = "; charset=utf-8" if media_type.startswith("text/") else ""
        return Response(self.representation(iri, kind, media_type), media_type=media_type + charset, headers=headers)

    # -- handlers --------------------------------------------------------------------------------
    async def entity(self, request: Request) -> Response:
        """`BASE…` on the serving host: 303 See Other to the document for the negotiated type."""
        try:
            iri, _ = self.resolve(self._raw_rest(request, self.base_path))
        except Rejected as exc:
            return self.error(exc, request)
        media_type = negotiate(request.headers.get("accept"), PAGE_TYPES)
        if media_type is None:
            return self.not_acceptable()
        ext = ".html" if media_type == "text/html" else BY_MEDIA_TYPE[media_type].extension
        return RedirectResponse(self.page_url(iri, ext), status_code=303, headers={"Vary": "Accept"})

    async def page(self, request: Request) -> Response:
        """`/page/REST.EXT`: one representation; `/page/REST`: negotiated, with Content-Location."""
        rest = self._raw_rest(request, "/page/")
        ext = next((e for e in EXTENSIONS if rest.endswith(e)), None)
        try:
            iri, kind = self.resolve(rest[: -len(ext)] if ext else rest)
        except Rejected as exc:
            return self.error(exc, request)
        if ext:
            return self._document(iri, kind, EXTENSIONS[ext])
        media_type = negotiate(request.headers.get("accept"), PAGE_TYPES)
        if media_type is None:
            return self.not_acceptable()
        ext = ".html" if media_type == "text/html" else BY_MEDIA_TYPE[media_type].extension
        return self._document(iri, kind, media_type, location=self.page_url(iri, ext))

    async def thread(self, request: Request) -> Response:
        """`/thread/POST`: the reply tree the post belongs to."""
        try:
            iri, kind = self.resolve(self._raw_rest(request, "/thread/"))
            if kind != "post":
                raise Rejected(404, "Not a post.")
        except Rejected as exc:
            return self.error(exc, request)
        root = self.reader.thread_root(iri)
        return self._html(thread_page(self.reader.thread(root), self.links, current=iri))

    async def search(self, request: Request) -> Response:
        """`/search?q=`: labels containing the text."""
        text = request.query_params.get("q", "")[:200]
        return self._html(search_page(text, self.reader.search(text) if text else [], self.links))

    async def index(self, request: Request) -> Response:
        """The home page."""
        return self._html(index_page(self.reader.entities(), self.links))

    async def void(self, request: Request) -> Response:
        """`/.well-known/void`: VoID + DCAT, in the negotiated RDF format (Turtle by default)."""
        media_type = negotiate(request.headers.get("accept"), tuple(f.media_type for f in RDF_FORMATS))
        if media_type is None:
            return self.not_acceptable()
        graph = void_graph(self.store, self.base, str(request.base_url), self.suppressed)
        return Response(BY_MEDIA_TYPE[media_type].serialize(graph), media_type=media_type, headers={"Vary": "Accept"})

    async def dump(self, request: Request) -> Response:
        """`/dump.ttl` (the union) and `/dump.nq` (one graph per message), privacy-filtered."""
        ext = "." + request.url.path.rsplit(".", 1)[1]
        body = await run_in_threadpool(self._dump, ext)
        return Response(body, media_type=DUMP_TYPES[ext],
                        headers={"Content-Disposition": f'attachment; filename="igkg{ext}"'})

    def _dump(self, ext: str) -> bytes:
        with self._dump_lock:  # one build of each dump at a time; kept until the store changes
            if self._dumps.get("stamp") != self.generation:
                self._dumps = {"stamp": self.generation}
            if ext not in self._dumps:
                self._dumps[ext] = dump(self.store, self.suppressed, ext, self.hidden)
            return self._dumps[ext]

    async def sparql(self, request: Request) -> Response:
        """SPARQL 1.1 Protocol: GET query=, POST form or application/sparql-query; results by Accept."""
        accept = request.headers.get("accept")
        try:
            query = await read_query(request)
        except Rejected as exc:
            return self._plain(exc.status, exc.text)
        if query is not None and len(query) > MAX_QUERY_CHARS:
            return self._plain(413, TOO_LARGE_TEXT)
        if query is None:
            described = negotiate(accept, ("text/html",) + tuple(f.media_type for f in RDF_FORMATS))
            if described in BY_MEDIA_TYPE:  # the service description (SPARQL 1.1 Service Description 2)
                graph = service_description(self.base, str(request.base_url))
                return Response(BY_MEDIA_TYPE[described].serialize(graph), media_type=described,
                                headers={"Vary": "Accept"})
            if described == "text/html":
                return self._html(sparql_page(self.links))
            return self._plain(400, NO_QUERY_TEXT)
        media_type = choose_results_type(accept, html_ok=True)
        if media_type is None:
            return self.not_acceptable()
        try:
            result, truncated = await self.endpoint.run(query)
        except Rejected as exc:
            if media_type == "text/html":
                return self._html(sparql_page(self.links, query, error=exc.text), status=exc.status)
            return self._plain(exc.status, exc.text, retry=exc.status == 503)
        if media_type == "text/html":
            return self._html(sparql_page(self.links, query, result, cell=self._cell))
        response = results_response(result, media_type)
        if truncated:
            response.headers["X-Igkg-Truncated"] = "true"
        return response

    def _cell(self, term):
        if term is None:
            return ""
        if isinstance(term, URIRef) and (href := self.page_url(str(term))):
            return el("a", str(term), href=href)
        return str(term)

    # -- responses -------------------------------------------------------------------------------
    def _html(self, body: bytes, status: int = 200) -> Response:
        return Response(body, status_code=status, media_type="text/html; charset=utf-8")

    @staticmethod
    def _plain(status: int, text: str, retry: bool = False) -> Response:
        headers = {"Retry-After": "2"} if retry else None
        return Response(text + "\n", status_code=status, media_type="text/plain; charset=utf-8", headers=headers)

    def error(self, exc: Rejected, request: Request) -> Response:
        """404/410 as a small page for browsers, plain text for everyone else."""
        title = {404: "Not found", 410: "Gone"}.get(exc.status, "Error")
        if negotiate(request.headers.get("accept"), ("text/plain", "text/html")) == "text/html":
            return self._html(message_page(title, exc.text, self.links), status=exc.status)
        return self._plain(exc.status, exc.text)

    def not_acceptable(self) -> Response:
        """406 with the types on offer."""
        text = "Not acceptable. Available: " + ", ".join(PAGE_TYPES) + "."
        return Response(text + "\n", status_code=406, media_type="text/plain; charset=utf-8", headers={"Vary": "Accept"})

    def routes(self) -> list[Route]:
        """The URL layout (docs/publishing.md)."""
        routes = [
            Route("/", self.index),
            Route("/search", self.search),
            # browsers ask for it whatever the page says; an empty answer keeps logs free of 404s
            Route("/favicon.ico", lambda request: Response(status_code=204)),
            Route("/sparql", self.sparql, methods=["GET", "POST"]),
            Route("/.well-known/void", self.void),
            Route("/dump.ttl", self.dump),
            Route("/dump.nq", self.dump),
            Route("/page/{rest:path}", self.page),
            Route("/thread/{rest:path}", self.thread),
        ]
        # The entity IRIs themselves, mapped from the base IRI's path onto this host.
        routes.append(Route(self.base_path.rstrip("/") + "/{rest:path}", self.entity))
        return routes


class _SecurityHeaders:
    """Adds nosniff, a strict CSP (inline style by hash, no script) and no-referrer to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                            (b"content-security-policy", CSP.encode("ascii"))]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(store: QuadStore, settings: Settings, suppressed: Iterable[str] = frozenset()) -> Starlette:
    """The ASGI app serving `store` as linked data; `suppressed` person IRIs answer 410 Gone."""
    server = LinkedDataServer(store, settings, suppressed)
    # Read-only public data: any origin, never credentials (security.md D12).
    middleware = [
        Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False, allow_methods=["GET", "POST"],
                   allow_headers=["Accept", "Content-Type"], expose_headers=["Content-Location", "Link"]),
        Middleware(_SecurityHeaders),
    ]
    app = Starlette(routes=server.routes(), middleware=middleware)
    app.state.server = server
    return app
