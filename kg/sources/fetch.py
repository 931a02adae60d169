"""The one HTTP client: timeouts, a deadline, byte caps, checked redirects, robots.txt, politeness, retries, cache."""

from __future__ import annotations

import io
import random
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import SplitResult, urldefrag, urljoin, urlsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from kg import __version__
from kg.errors import ConfigError, FetchError
from kg.sources.http_cache import CacheEntry, HttpCache
from kg.sources.robots import RobotsRules, parse_robots

DEFAULT_USER_AGENT = f"igkg/{__version__} (+https://github.com/igkg/igkg; Internet-governance archive research)"
SCHEMES = ("http", "https")
RETRY_STATUSES = (429, 500, 502, 503, 504)
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_OK = frozenset({200, 203})
_REFRESHED_BY_304 = ("etag", "last-modified", "date", "expires", "cache-control")  # RFC 9111 §4.3.4
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and manners for every request; times in seconds, sizes in bytes."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0  # per recv (requests' read timeout is not a total: security.md §0.7)
    deadline: float = 300.0  # whole request, redirects, retries and body included
    max_bytes: int = 300 * 2**20
    max_redirects: int = 5
    allowed_hosts: frozenset[str] = frozenset()  # empty: only the host of the URL given to get()
    min_delay: float = 1.0  # between requests to one host; raised to robots.txt Crawl-delay
    max_crawl_delay: float = 60.0  # a larger Crawl-delay refuses the host instead of crawling for weeks
    retries: int = 4  # urllib3 Retry total: connection errors, read timeouts, RETRY_STATUSES
    backoff_factor: float = 1.0
    backoff_jitter: float = 0.5
    retry_after_max: float = 120.0  # a longer Retry-After fails the request rather than being cut short
    body_retries: int = 1  # whole-request retries after a body broke off (short Content-Length, reset)
    cache_dir: Path | None = None
    obey_robots: bool = True
    robots_max_bytes: int = 512 * 1024  # RFC 9309 §2.5: parse at least 500 KiB, ignore the rest

    def __post_init__(self) -> None:
        if isinstance(self.allowed_hosts, str):
            raise ConfigError("allowed_hosts must be a set of host names, not one string")
        hosts = frozenset(h.lower().rstrip(".") for h in self.allowed_hosts)
        object.__setattr__(self, "allowed_hosts", hosts)
        if self.cache_dir is not None:
            object.__setattr__(self, "cache_dir", Path(self.cache_dir))
        for name in ("connect_timeout", "read_timeout", "deadline", "max_bytes", "robots_max_bytes"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"FetchPolicy.{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_redirects", "min_delay", "max_crawl_delay", "retries", "backoff_factor",
                     "backoff_jitter", "retry_after_max", "body_retries"):
            if not getattr(self, name) >= 0:
                raise ConfigError(f"FetchPolicy.{name} must be >= 0, got {getattr(self, name)!r}")

    @classmethod
    def for_urls(cls, urls: Iterable[str], **settings) -> FetchPolicy:
        """A policy whose allowed hosts are the hosts of the start URLs."""
        return cls(allowed_hosts=frozenset(check_url(u).hostname for u in urls), **settings)


@dataclass(frozen=True)
class FetchResult:
    """A complete response body, raw as served (Content-Encoding not decoded)."""

    url: str
    final_url: str
    status: int  # 304 when the body came from the cache after a conditional request
    headers: dict[str, str]  # lowercase names
    body: bytes = field(repr=False)
    from_cache: bool = False
    not_modified: bool = False
    elapsed: float = 0.0  # seconds inside get(): polite waits, robots.txt, redirects and retries included


@dataclass
class FetchStats:
    """Counters for progress reports."""

    requests: int = 0  # HTTP responses received (robots.txt, redirect hops and urllib3 retries included)
    not_modified: int = 0
    bytes: int = 0  # body bytes read from the network
    retries: int = 0
    failures: int = 0  # get() calls that raised FetchError


class FetchStatusError(FetchError):
    """The server answered with an HTTP status that is not a success (after any retries)."""

    def __init__(self, message: str, *, url: str, status: int) -> None:
        super().__init__(message)
        self.url = url
        self.status = status


def check_url(url: str) -> SplitResult:
    """The parts of `url`; ConfigError unless it is an http(s) URL with a host."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except (ValueError, TypeError, AttributeError) as exc:
        raise ConfigError(f"not a valid URL: {url!r} ({exc})") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise ConfigError(f"unsupported URL scheme {parts.scheme!r} in {url!r}: valid schemes are http, https")
    if not parts.hostname:
        raise ConfigError(f"URL has no host: {url!r}")
    return parts


class _GiveUp(Exception):
    """Raised inside urllib3's retry sleep; not an OSError or urllib3 error, so requests lets it through."""


_deadline = threading.local()  # the running request's deadline, read by _PoliteRetry in the same thread


class _PoliteRetry(Retry):
    """urllib3 Retry that waits at least min_wait, refuses long Retry-After, and never sleeps past the deadline."""

    min_wait = 0.0
    max_retry_after = float("inf")

    def new(self, **kw) -> _PoliteRetry:
        new = super().new(**kw)  # Retry.new() only copies its own constructor arguments
        new.min_wait, new.max_retry_after = self.min_wait, self.max_retry_after
        return new

    def sleep(self, response=None) -> None:
        wait = None
        header = response.headers.get("Retry-After") if response is not None else None
        if header and self.respect_retry_after_header:
            try:
                wait = self.parse_retry_after(header)
            except urllib3.exceptions.InvalidHeader:
                wait = None  # a malformed Retry-After falls back to exponential backoff
            if wait is not None and wait > self.max_retry_after:
                raise _GiveUp(f"HTTP {response.status} with Retry-After {wait:.0f} s, over retry_after_max "
                              f"{self.max_retry_after:g} s")
        wait = max(self.get_backoff_time() if wait is None else wait, self.min_wait)
        deadline = getattr(_deadline, "value", None)
        if deadline is not None and time.monotonic() + wait > deadline:
            raise _GiveUp(f"{_last_failure(self, response)}; waiting {wait:.1f} s to retry would pass the deadline")
        if wait > 0:
            time.sleep(wait)


def _last_failure(retry: Retry, response) -> str:
    if response is not None:
        return f"HTTP {response.status}"
    error = retry.history[-1].error if retry.history else None
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return "no response within the read timeout"
    return f"connection error ({type(error).__name__})" if error else "error"


def _watched(base: type) -> type:
    """`base` connection class whose wait for response headers ends at the request's deadline.

    The deadline loop only runs once headers are in; a server trickling header bytes slower than the
    read timeout held a 1 s-deadline request for 4.2 s (80 bytes at 50 ms) and could hold it for hours.
    A timer shuts the socket down at the deadline, so the blocked recv returns at once.
    """

    class Watched(base):
        def getresponse(self, *args, **kwargs):
            deadline, sock = getattr(_deadline, "value", None), self.sock
            if deadline is None or sock is None:
                return super().getresponse(*args, **kwargs)
            fired = threading.Event()
            timer = threading.Timer(max(deadline - time.monotonic(), 0.0), _shutdown, (sock, fired))
            timer.daemon = True
            timer.start()
            try:
                response = super().getresponse(*args, **kwargs)
            finally:
                timer.cancel()
            if fired.is_set():
                # http.client takes headers cut off by the shutdown as a complete (empty) response
                response.close()
                raise _GiveUp("overall deadline passed while waiting for the response headers")
            return response

    Watched.__name__ = Watched.__qualname__ = f"Watched{base.__name__}"
    return Watched


def _shutdown(sock: socket.socket, fired: threading.Event) -> None:
    fired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: the request finished as the timer fired


_WATCHED = {"http": _watched(urllib3.connection.HTTPConnection),
            "https": _watched(urllib3.connection.HTTPSConnection)}


class _DeadlineAdapter(HTTPAdapter):
    """HTTPAdapter whose pools make deadline-watched connections."""

    def get_connection_with_tls_context(self, *args, **kwargs):
        pool = super().get_connection_with_tls_context(*args, **kwargs)
        pool.ConnectionCls = _WATCHED.get(pool.scheme, pool.ConnectionCls)
        return pool


class _BodyError(Exception):
    """The body broke off; the whole request may be retried."""


@dataclass(frozen=True)
class _Exchange:
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    retries: int


class Fetcher:
    """Fetches URLs under a FetchPolicy; thread-safe; use as a context manager or call close()."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        self.stats = FetchStats()
        self.cache = HttpCache(self.policy.cache_dir) if self.policy.cache_dir else None
        self._session = _make_session(self.policy)
        self._agent = self.policy.user_agent.split("/")[0].split()[0] if self.policy.user_agent.strip() else "*"
        self._lock = threading.Lock()
        self._robots: dict[str, RobotsRules] = {}  # origin -> rules
        self._delay: dict[str, float] = {}  # host -> seconds between requests
        self._next: dict[str, float] = {}  # host -> monotonic time its next request may start
        self._host_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close pooled connections."""
        self._session.close()

    def get(self, url: str, *, conditional: bool = True) -> FetchResult:
        """GET `url` completely or raise FetchError; never returns partial data.

        With a cache_dir and `conditional`, sends If-None-Match / If-Modified-Since from the cached
        entry, and a 304 returns the cached body with not_modified=True. ConfigError for a URL that
        is not http(s).
        """
        check_url(url)
        start = time.monotonic()
        cached = self.cache.load(url) if self.cache and conditional else None
        try:
            return self._get(url, start, cached)
        except FetchError:
            with self._lock:
                self.stats.failures += 1
            raise

    def cached(self, url: str) -> FetchResult | None:
        """The cached response for `url` without any request (for months known not to change)."""
        entry = self.cache.load(url) if self.cache else None
        if entry is None:
            return None
        return FetchResult(url, entry.final_url, entry.status, dict(entry.headers), entry.body, from_cache=True)

    def _get(self, url: str, start: float, cached: CacheEntry | None) -> FetchResult:
        deadline = start + self.policy.deadline
        current, seen = url, {url}
        for _ in range(self.policy.max_redirects + 1):
            self._check_host(url, current)
            if self.policy.obey_robots:
                self._check_robots(current, deadline)
            validators = _validators(cached) if cached and cached.final_url == current else {}
            ex = self._exchange(current, validators, deadline, self.policy.max_bytes)
            if ex.status in _REDIRECTS:
                target = _redirect_target(url, current, ex)
                if target in seen:
                    raise FetchError(f"GET {url}: redirect loop ({current} -> {target})")
                seen.add(target)
                current = target
                continue
            if ex.status == 304 and validators:
                return self._not_modified(url, cached, ex, start)
            if ex.status not in _OK:
                after = f" after {ex.retries} retries" if ex.retries else ""
                raise FetchStatusError(f"GET {current}: HTTP {ex.status} {ex.reason}{after}".rstrip(),
                                       url=current, status=ex.status)
            headers = ex.headers
            if self.cache:
                try:
                    headers = self.cache.store(url, current, ex.status, ex.headers, ex.body).headers
                except OSError as exc:
                    raise FetchError(f"GET {url}: could not write the cache entry: {exc}") from exc
            return FetchResult(url, current, ex.status, headers, ex.body, elapsed=time.monotonic() - start)
        raise FetchError(f"GET {url}: more than {self.policy.max_redirects} redirects (last: {current})")

    def _not_modified(self, url: str, cached: CacheEntry, ex: _Exchange, start: float) -> FetchResult:
        fresh = {k: ex.headers[k] for k in _REFRESHED_BY_304 if k in ex.headers}
        headers = {**cached.headers, **fresh}
        if self.cache and headers != cached.headers:
            try:
                self.cache.store(url, cached.final_url, cached.status, headers, cached.body)
            except OSError as exc:
                raise FetchError(f"GET {url}: could not update the cache entry: {exc}") from exc
        with self._lock:
            self.stats.not_modified += 1
        return FetchResult(url, cached.final_url, 304, headers, cached.body, from_cache=True,
                           not_modified=True, elapsed=time.monotonic() - start)

    def _check_host(self, url: str, current: str) -> None:
        allowed = self.policy.allowed_hosts or {urlsplit(url).hostname}
        host = urlsplit(current).hostname
        if host not in allowed:
            what = "URL" if current == url else f"redirect to {current}"
            raise FetchError(f"GET {url}: {what} refused: host {host!r} is not in the allowed hosts "
                             f"({', '.join(sorted(allowed))})")

    def _check_robots(self, url: str, deadline: float) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            rules = self._robots.get(origin)
        if rules is None:
            rules = self._fetch_robots(origin, deadline)
            with self._lock:
                self._robots[origin] = rules
                delay = max(self.policy.min_delay, rules.crawl_delay or 0.0, self._delay.get(parts.hostname, 0.0))
                self._delay[parts.hostname] = delay
                # the robots.txt request just ended: the first page waits the Crawl-delay too
                self._next[parts.hostname] = max(self._next.get(parts.hostname, 0.0), time.monotonic() + delay)
        if rules.crawl_delay is not None and rules.crawl_delay > self.policy.max_crawl_delay:
            raise FetchError(f"GET {url}: robots.txt asks for Crawl-delay {rules.crawl_delay:g} s, over "
                             f"max_crawl_delay {self.policy.max_crawl_delay:g} s")
        if not rules.can_fetch(url):
            why = f": {rules.reason}" if rules.reason else ""
            raise FetchError(f"GET {url}: disallowed by robots.txt ({origin}/robots.txt{why})")

    def _fetch_robots(self, origin: str, deadline: float) -> RobotsRules:
        """Fetch and parse robots.txt through the same checked path, following up to 5 redirects.

        A network error raises FetchError (not remembered, so a later call tries again); an HTTP
        answer is remembered for the Fetcher's lifetime.
        """
        url = current = origin + "/robots.txt"
        for _ in range(6):  # RFC 9309 §2.3.1.2: follow at least five redirects
            self._check_host(url, current)
            ex = self._exchange(current, {}, deadline, self.policy.robots_max_bytes, truncate=True)
            if ex.status not in _REDIRECTS:
                break
            current = _redirect_target(url, current, ex)
        else:
            return RobotsRules.allow_all("too many redirects: unavailable (RFC 9309 §2.3.1.2)")
        if ex.status in _OK:
            return parse_robots(ex.body.decode("utf-8", "replace"), self._agent)
        if 400 <= ex.status < 500:
            return RobotsRules.allow_all(f"HTTP {ex.status}: unavailable (RFC 9309 §2.3.1.3)")
        return RobotsRules.deny_all(f"HTTP {ex.status}: unreachable, so complete disallow (RFC 9309 §2.3.1.4)")

    def _exchange(self, url: str, headers: dict[str, str], deadline: float, cap: int, *,
                  truncate: bool = False) -> _Exchange:
        """One request, after the host's polite delay; the body is read only for a success status."""
        host = urlsplit(url).hostname
        for attempt in range(self.policy.body_retries + 1):
            try:
                with self._turn(host, url, deadline):
                    resp = self._request(url, headers, deadline)
                    try:
                        ok = resp.status_code in _OK
                        body = self._read_body(resp, url, deadline, cap, truncate) if ok else b""
                    finally:
                        resp.close()  # an unread error or redirect body is dropped with its connection
            except _BodyError as exc:
                wait = self.policy.backoff_factor * 2**attempt + random.uniform(0, self.policy.backoff_jitter)
                if attempt == self.policy.body_retries or time.monotonic() + wait > deadline:
                    tries = f" (after {attempt + 1} attempts)" if attempt else ""
                    raise FetchError(f"GET {url}: {exc}{tries}") from exc
                time.sleep(wait)
                continue
            retries = len(resp.raw.retries.history) if getattr(resp.raw, "retries", None) else 0
            with self._lock:
                self.stats.requests += 1 + retries
                self.stats.retries += retries
                self.stats.bytes += len(body)
            return _Exchange(resp.status_code, resp.reason or "", {k.lower(): v for k, v in resp.headers.items()},
                             body, retries)
        raise AssertionError("unreachable")

    def _request(self, url: str, headers: dict[str, str], deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"GET {url}: overall deadline of {self.policy.deadline:g} s passed")
        timeout = (min(self.policy.connect_timeout, remaining), min(self.policy.read_timeout, remaining))
        _deadline.value = deadline
        try:
            # allow_redirects=False: requests would follow 30 hops to any host (security.md D14).
            return self._session.get(url, headers=headers, stream=True, allow_redirects=False, timeout=timeout)
        except (_GiveUp, requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            if time.monotonic() >= deadline:  # the watchdog of _watched() fired
                raise FetchError(f"GET {url}: overall deadline of {self.policy.deadline:g} s passed while "
                                 "waiting for the response headers") from exc
            reason = str(exc) if isinstance(exc, _GiveUp) else _reason(exc, self.policy)
            raise FetchError(f"GET {url}: {reason}") from exc
        finally:
            _deadline.value = None

    def _read_body(self, resp: requests.Response, url: str, deadline: float, cap: int, truncate: bool) -> bytes:
        """All of the body as served, within the byte cap and the deadline; _BodyError if cut short."""
        declared = _content_length(resp)
        if declared is not None and declared > cap and not truncate:
            raise FetchError(f"GET {url}: Content-Length {declared} exceeds the cap of {cap} bytes")
        buf, size, raw = io.BytesIO(), 0, resp.raw  # getvalue() hands its buffer over: no second copy
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise FetchError(f"GET {url}: overall deadline of {self.policy.deadline:g} s passed after "
                                 f"{size} bytes of the body (server too slow)")
            # read1() returns whatever has arrived; stream()/read(amt) block until `amt` bytes came, so a
            # trickle of 1 byte per recv is never checked. The socket timeout shrinks to the deadline.
            _set_socket_timeout(raw, min(self.policy.read_timeout, remaining))
            try:
                chunk = raw.read1(_CHUNK, decode_content=False)  # keep Content-Encoding: gzip bytes as served
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                if time.monotonic() >= deadline:
                    raise FetchError(f"GET {url}: overall deadline of {self.policy.deadline:g} s passed after "
                                     f"{size} bytes of the body (server too slow)") from exc
                if isinstance(exc, urllib3.exceptions.ProtocolError) and declared is not None:
                    raise _BodyError(f"incomplete body: {size} of {declared} bytes (Content-Length), "
                                     "then the connection closed") from exc
                raise _BodyError(f"body broke off after {size} bytes: {_reason(exc, self.policy)}") from exc
            if not chunk:
                break
            buf.write(chunk[: cap - size] if truncate else chunk)
            size += len(chunk)
            if size > cap:
                if truncate:
                    size = cap
                    break
                raise FetchError(f"GET {url}: body exceeds the cap of {cap} bytes")
        if declared is not None and size < declared and not (truncate and size == cap):
            raise _BodyError(f"incomplete body: {size} of {declared} bytes (Content-Length)")
        return buf.getvalue()

    @contextmanager
    def _turn(self, host: str, url: str, deadline: float) -> Iterator[None]:
        """One request at a time per host, each starting `delay` seconds after the previous one ended."""
        with self._lock:
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        if not host_lock.acquire(timeout=max(deadline - time.monotonic(), 0)):
            raise FetchError(f"GET {url}: waiting for a turn at {host} passed the deadline")
        try:
            wait = self._next.get(host, 0.0) - time.monotonic()
            if time.monotonic() + wait > deadline:
                raise FetchError(f"GET {url}: waiting {wait:.1f} s for a polite turn at {host} would pass "
                                 "the deadline")
            if wait > 0:
                time.sleep(wait)
            yield
        finally:
            self._next[host] = time.monotonic() + self._delay.get(host, self.policy.min_delay)
            host_lock.release()


def _make_session(policy: FetchPolicy) -> requests.Session:
    session = requests.Session()
    # trust_env=False: no proxy settings and, above all, no ~/.netrc passwords picked up from the environment.
    session.trust_env = False
    retry = _PoliteRetry(
        total=policy.retries, backoff_factor=policy.backoff_factor, backoff_jitter=policy.backoff_jitter,
        status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=True, raise_on_status=False, raise_on_redirect=False,
    )
    retry.min_wait, retry.max_retry_after = policy.min_delay, policy.retry_after_max
    adapter = _DeadlineAdapter(max_retries=retry)
    for prefix in ("http://", "https://"):
        session.mount(prefix, adapter)
    # identity: requests would otherwise decode gzip silently and a .txt.gz would arrive unzipped (D14).
    session.headers.update({"User-Agent": policy.user_agent, "Accept-Encoding": "identity", "Accept": "*/*"})
    return session


def _validators(entry: CacheEntry) -> dict[str, str]:
    headers = {}
    if entry.etag:
        headers["If-None-Match"] = entry.etag
    if entry.last_modified:
        headers["If-Modified-Since"] = entry.last_modified
    return headers


def _redirect_target(url: str, current: str, ex: _Exchange) -> str:
    location = ex.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"GET {url}: HTTP {ex.status} redirect from {current} has no Location")
    target = urldefrag(urljoin(current, location))[0]
    scheme = urlsplit(target).scheme.lower()
    if scheme not in SCHEMES:
        raise FetchError(f"GET {url}: redirect to {target!r} refused: scheme {scheme!r} is not http or https")
    return target


def _content_length(resp: requests.Response) -> int | None:
    if "chunked" in resp.headers.get("Transfer-Encoding", "").lower():
        return None
    try:
        return int(resp.headers.get("Content-Length", ""))
    except ValueError:
        return None


def _set_socket_timeout(raw: urllib3.response.HTTPResponse, seconds: float) -> None:
    # urllib3 resets the socket timeout at the start of every request, so this does not leak.
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is not None:
        sock.settimeout(max(seconds, 0.001))


def _reason(exc: BaseException, policy: FetchPolicy) -> str:
    """A one-line human reason for a requests/urllib3 exception.

    Exhausted retries arrive as ConnectionError(MaxRetryError(reason=ReadTimeoutError(...))), so the
    whole chain is searched for the cause.
    """
    chain = _chain(exc)
    errors = urllib3.exceptions
    refused = any(isinstance(e, errors.NewConnectionError) for e in chain)  # subclasses ConnectTimeoutError
    if not refused and any(isinstance(e, (requests.ConnectTimeout, errors.ConnectTimeoutError)) for e in chain):
        return f"could not connect within {policy.connect_timeout:g} s"
    if any(isinstance(e, (requests.ReadTimeout, errors.ReadTimeoutError)) for e in chain):
        return f"no data within the read timeout of {policy.read_timeout:g} s"
    root = chain[-1]
    text = root.strerror if isinstance(root, OSError) and root.strerror else str(root)
    text = " ".join(text.split())
    if any(isinstance(e, (requests.exceptions.SSLError, errors.SSLError)) for e in chain):
        return f"TLS error: {text}"
    if isinstance(exc, requests.ConnectionError) or isinstance(root, ConnectionError):
        return f"connection failed: {text}"
    return f"{type(root).__name__}: {text}"


def _chain(exc: BaseException) -> list[BaseException]:
    """exc, then what it wraps (urllib3 .reason, an exception in .args, __cause__, __context__)."""
    chain = [exc]
    while len(chain) < 20:
        last = chain[-1]
        nxt = getattr(last, "reason", None)
        if not isinstance(nxt, BaseException):
            nxt = next((a for a in last.args if isinstance(a, BaseException)), None)
        nxt = nxt or last.__cause__ or last.__context__
        if nxt is None or nxt in chain:
            break
        chain.append(nxt)
    return chain
