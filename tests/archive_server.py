"""A real loopback HTTP server for tests: files from a dict or a directory, switchable faults, a request log."""

from __future__ import annotations

import gzip
import ipaddress
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_GONE = (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError)


@dataclass(frozen=True)
class Hit:
    """One request as the server received it."""

    method: str
    path: str  # path and query, as sent
    headers: dict[str, str]  # lowercase names
    time: float  # time.monotonic() on arrival


@dataclass
class Route:
    """What one path serves. kind: file, redirect, trickle, slow_headers, hang, truncate or endless."""

    kind: str = "file"
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fail_first: int = 0  # answer the first N requests with fail_status (then behave normally)
    fail_status: int = 503
    retry_after: str | None = None
    interval: float = 0.0  # trickle: seconds between single bytes
    send: int = 0  # truncate: bytes actually sent of the declared Content-Length


class ArchiveServer:
    """ThreadingHTTPServer on a loopback address and an ephemeral port; use as a context manager.

    `files` maps a path ("/pipermail/x/2025-July.txt.gz") to bytes or (bytes, headers). A route
    with an ETag or Last-Modified header answers matching conditional requests with 304. Every
    request is logged in `.requests`. With strict=True a request for a path with no route is an
    error: it is kept in `.unexpected` and leaving the `with` block raises AssertionError.
    """

    def __init__(self, files: dict[str, bytes | tuple[bytes, dict[str, str]]] | None = None, *,
                 root: Path | None = None, host: str = "127.0.0.1", strict: bool = False) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"test servers bind loopback addresses only, not {host}")
        self.host, self.root, self.strict = host, Path(root).resolve() if root else None, strict
        self._routes: dict[str, Route] = {}
        self._log: list[Hit] = []
        self._unexpected: list[Hit] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        for path, value in (files or {}).items():
            body, headers = value if isinstance(value, tuple) else (value, {})
            self.add(path, body, headers=headers)

    # --- routes -------------------------------------------------------------------------------
    def add(self, path: str, body: bytes = b"", *, status: int = 200, headers: dict[str, str] | None = None,
            gzip_encoding: bool = False) -> None:
        """Serve `body`; gzip_encoding compresses it on the wire with Content-Encoding: gzip."""
        headers = dict(headers or {})
        if gzip_encoding:
            body, headers["Content-Encoding"] = gzip.compress(body, mtime=0), "gzip"
        self._set(path, Route(body=body, status=status, headers=headers))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer with a redirect to `location` (absolute or relative)."""
        self._set(path, Route(kind="redirect", status=status, headers={"Location": location}))

    def fail_first(self, path: str, n: int, status: int = 503, retry_after: str | None = None) -> None:
        """Answer the next `n` requests for an existing route with `status` (and Retry-After)."""
        with self._lock:
            route = self._routes[path]
            route.fail_first, route.fail_status, route.retry_after = n, status, retry_after

    def trickle(self, path: str, body: bytes, interval: float) -> None:
        """Slowloris: send the correct Content-Length, then one byte every `interval` seconds."""
        self._set(path, Route(kind="trickle", body=body, interval=interval))

    def slow_headers(self, path: str, interval: float, count: int = 400) -> None:
        """Slowloris in the headers: one byte of a header line every `interval` seconds, `count` times."""
        self._set(path, Route(kind="slow_headers", interval=interval, send=count))

    def hang(self, path: str) -> None:
        """Read the request and never answer (until the server stops)."""
        self._set(path, Route(kind="hang"))

    def truncate(self, path: str, body: bytes, send: int) -> None:
        """Declare Content-Length len(body), send only the first `send` bytes, then close."""
        self._set(path, Route(kind="truncate", body=body, send=send))

    def endless(self, path: str) -> None:
        """A body with no Content-Length that never ends."""
        self._set(path, Route(kind="endless", body=b"x" * 65536))

    def _set(self, path: str, route: Route) -> None:
        with self._lock:
            self._routes[path] = route

    # --- log ----------------------------------------------------------------------------------
    @property
    def requests(self) -> list[Hit]:
        """Every request so far, in arrival order."""
        with self._lock:
            return list(self._log)

    @property
    def unexpected(self) -> list[Hit]:
        """Requests for paths with no route (only recorded with strict=True)."""
        with self._lock:
            return list(self._unexpected)

    def hits(self, path: str) -> list[Hit]:
        """The requests for one path (query included)."""
        return [h for h in self.requests if h.path == path]

    def clear(self) -> None:
        """Forget the request log (e.g. between a first and a second run)."""
        with self._lock:
            self._log.clear()
            self._unexpected.clear()

    # --- lifecycle ----------------------------------------------------------------------------
    @property
    def port(self) -> int:
        """The ephemeral port chosen at start."""
        assert self._httpd is not None, "server not started"
        return self._httpd.server_address[1]

    def url(self, path: str = "/", host: str | None = None) -> str:
        """Absolute URL of `path`; `host` may name the same server differently (e.g. localhost)."""
        return f"http://{host or self.host}:{self.port}{path}"

    def __enter__(self) -> ArchiveServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = _Server((self.host, 0), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"archive-server-{self.port}", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop.set()  # releases hanging and trickling handlers
        assert self._httpd is not None and self._thread is not None
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(5)
        if self.strict and self.unexpected and exc_type is None:
            lines = "\n".join(f"  {h.method} {h.path} (Host: {h.headers.get('host')})" for h in self.unexpected)
            raise AssertionError(f"unexpected requests reached the test server:\n{lines}")

    # --- serving ------------------------------------------------------------------------------
    def _route(self, target: str) -> Route | None:
        with self._lock:
            route = self._routes.get(target) or self._routes.get(urlsplit(target).path)
            if route is not None and route.fail_first > 0:
                route.fail_first -= 1
                headers = {"Retry-After": route.retry_after} if route.retry_after else {}
                return Route(status=route.fail_status, body=b"try later\n", headers=headers)
        return route if route is not None else self._from_root(urlsplit(target).path)

    def _from_root(self, path: str) -> Route | None:
        if self.root is None:
            return None
        rel = unquote(path).lstrip("/")
        if "\0" in rel or "\\" in rel or ".." in rel.split("/"):
            return None
        file = (self.root / rel).resolve()
        if not file.is_relative_to(self.root) or not file.is_file():
            return None
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return Route(body=file.read_bytes(), headers={"Content-Type": kind})

    def _serve(self, h: BaseHTTPRequestHandler) -> None:
        hit = Hit(h.command, h.path, {k.lower(): v for k, v in h.headers.items()}, time.monotonic())
        with self._lock:
            self._log.append(hit)
        route = self._route(h.path)
        if route is None:
            if self.strict:
                with self._lock:
                    self._unexpected.append(hit)
            route = Route(status=404, body=b"not found\n")
        try:
            getattr(self, f"_serve_{route.kind}")(h, route)
        except _GONE:
            h.close_connection = True  # the client gave up, which is what many tests want

    def _serve_file(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        if route.status == 200 and _not_modified(h, route.headers):
            keep = {k: v for k, v in route.headers.items() if k.lower() in ("etag", "last-modified")}
            return _respond(h, 304, b"", keep, length=False)
        _respond(h, route.status, route.body, route.headers)

    def _serve_redirect(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        _respond(h, route.status, b"", route.headers)

    def _serve_trickle(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        _head(h, 200, {"Content-Length": str(len(route.body))})
        h.close_connection = True
        for i in range(len(route.body)):
            h.wfile.write(route.body[i:i + 1])
            h.wfile.flush()
            if self._stop.wait(route.interval):
                return

    def _serve_slow_headers(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        h.close_connection = True
        h.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        for _ in range(route.send):
            h.wfile.write(b"a")
            h.wfile.flush()
            if self._stop.wait(route.interval):
                return
        h.wfile.write(b"\r\nContent-Length: 2\r\n\r\nok")
        h.wfile.flush()

    def _serve_hang(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        h.close_connection = True
        self._stop.wait(60)

    def _serve_truncate(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        _head(h, 200, {"Content-Length": str(len(route.body))})
        h.wfile.write(route.body[:route.send])
        h.wfile.flush()
        h.close_connection = True

    def _serve_endless(self, h: BaseHTTPRequestHandler, route: Route) -> None:
        _head(h, 200, {"Connection": "close"})
        h.close_connection = True
        while not self._stop.is_set():
            h.wfile.write(route.body)


class CanaryServer(ArchiveServer):
    """A strict server with no routes: any request at all fails the test (for no-egress tests)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(host=host, strict=True)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request, client_address) -> None:
        pass  # a client closing early is normal in fault tests; anything else shows in the request log


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real archives do
    owner: ArchiveServer

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.owner._serve(self)

    # A SPARQL SERVICE call POSTs and a Graph Store client PUTs: every method is served and logged,
    # so a canary sees any request, not only GETs.
    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_OPTIONS = do_GET

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


def _head(h: BaseHTTPRequestHandler, status: int, headers: dict[str, str]) -> None:
    h.send_response(status)
    for name, value in headers.items():
        h.send_header(name, value)
    h.end_headers()


def _respond(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str], *,
             length: bool = True) -> None:
    headers = {"Content-Type": "application/octet-stream", **headers}
    if length:
        headers["Content-Length"] = str(len(body))
    _head(h, status, headers)
    h.wfile.write(body)
    h.wfile.flush()


def _not_modified(h: BaseHTTPRequestHandler, headers: dict[str, str]) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present; else If-Modified-Since."""
    etag = next((v for k, v in headers.items() if k.lower() == "etag"), None)
    modified = next((v for k, v in headers.items() if k.lower() == "last-modified"), None)
    inm, ims = h.headers.get("If-None-Match"), h.headers.get("If-Modified-Since")
    if inm is not None:
        return etag is not None and (inm.strip() == "*" or etag in (t.strip() for t in inm.split(",")))
    if ims and modified:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


__all__ = ["ArchiveServer", "CanaryServer", "Hit", "Route"]
