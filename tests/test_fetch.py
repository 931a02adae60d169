"""Tests for kg.sources.fetch and decompress: each threat of security.md §2.6-2.7 against a real loopback server."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
import time
import zlib

import pytest
import requests

import kg
from kg import atomic
from kg.errors import ConfigError, FetchError, SourceError
from kg.sources.decompress import gunzip_bounded
from kg.sources.fetch import DEFAULT_USER_AGENT, Fetcher, FetchPolicy, FetchStatusError
from kg.sources.robots import parse_robots
from tests.archive_server import ArchiveServer, CanaryServer

pytestmark = pytest.mark.filterwarnings("error")

MONTH = b"From alice at example.org  Tue Jul  1 10:00:00 2025\nSubject: WG-Strategy\n\nHello.\n" * 50
LAST_MODIFIED = "Tue, 01 Jul 2025 10:00:00 GMT"


def policy(**settings) -> FetchPolicy:
    """A fast policy: short timeouts, no polite delay, no robots.txt unless a test asks."""
    fast = dict(connect_timeout=1.0, read_timeout=0.5, deadline=3.0, min_delay=0.0, retries=2,
                backoff_factor=0.01, backoff_jitter=0.0, retry_after_max=2.0, body_retries=0, obey_robots=False)
    return FetchPolicy(**{**fast, **settings})


@pytest.fixture
def server():
    with ArchiveServer() as srv:
        yield srv


@pytest.fixture
def fetcher():
    """Factory of Fetchers with the fast policy; all closed at teardown (unclosed sockets would warn)."""
    made = []

    def make(**settings) -> Fetcher:
        made.append(Fetcher(policy(**settings)))
        return made[-1]

    yield make
    for f in made:
        f.close()


def gaps(hits) -> list[float]:
    return [b.time - a.time for a, b in zip(hits, hits[1:])]


def timed(fn, *args, **kw):
    start = time.monotonic()
    try:
        return fn(*args, **kw), time.monotonic() - start
    except Exception as exc:  # noqa: BLE001 - re-raised with its duration for the caller to check
        exc.elapsed = time.monotonic() - start
        raise


# --- basic contract -----------------------------------------------------------------------------

def test_body_is_returned_as_served_with_lowercase_headers(server, fetcher):
    server.add("/a.txt", b"hello\n", headers={"Content-Type": "text/plain", "X-Archive": "pipermail"})
    f = fetcher()
    result = f.get(server.url("/a.txt"))
    assert (result.status, result.body, result.final_url) == (200, b"hello\n", server.url("/a.txt"))
    assert result.headers["x-archive"] == "pipermail" and all(k == k.lower() for k in result.headers)
    assert not result.from_cache and not result.not_modified and result.elapsed > 0
    sent = server.hits("/a.txt")[0].headers
    assert sent["user-agent"] == DEFAULT_USER_AGENT
    assert DEFAULT_USER_AGENT.startswith(f"igkg/{kg.__version__} (+https://github.com/igkg/igkg;")
    assert sent["accept-encoding"] == "identity"
    assert (f.stats.requests, f.stats.bytes, f.stats.failures) == (1, 6, 0)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "/relative"])
def test_non_http_schemes_are_config_errors(fetcher, url):
    with pytest.raises(ConfigError, match="valid schemes are http, https"):
        fetcher().get(url)


def test_bad_policy_settings_are_config_errors():
    with pytest.raises(ConfigError, match="read_timeout must be > 0"):
        FetchPolicy(read_timeout=0)
    with pytest.raises(ConfigError, match="not one string"):
        FetchPolicy(allowed_hosts="lists.example.org")
    with pytest.raises(ConfigError, match="no host"):
        FetchPolicy.for_urls(["http:///pipermail/"])


def test_for_urls_allows_the_start_hosts():
    p = FetchPolicy.for_urls(["https://Lists.Example.org/pipermail/x/", "http://mail.example.net/"])
    assert p.allowed_hosts == {"lists.example.org", "mail.example.net"}


def test_proxy_settings_in_the_environment_are_ignored(server, fetcher, monkeypatch):
    server.add("/a", b"a")
    with CanaryServer() as proxy:  # requests' default trust_env would send the request here
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
            monkeypatch.setenv(name, proxy.url("/"))
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        assert fetcher().get(server.url("/a")).body == b"a"


def test_host_outside_the_allowlist_is_never_contacted(server, fetcher):
    server.add("/a", b"a")
    with pytest.raises(FetchError, match=r"host '127.0.0.1' is not in the allowed hosts \(lists.example.org\)"):
        fetcher(allowed_hosts={"lists.example.org"}).get(server.url("/a"))
    assert server.requests == []


# --- time limits --------------------------------------------------------------------------------

def test_hang_is_stopped_by_the_read_timeout(server, fetcher):
    server.hang("/hang")
    with pytest.raises(FetchError, match="no data within the read timeout of 0.3 s") as err:
        timed(fetcher(retries=0, read_timeout=0.3).get, server.url("/hang"))
    assert 0.3 <= err.value.elapsed < 1.0
    assert len(server.hits("/hang")) == 1
    assert isinstance(err.value.__cause__, requests.RequestException)


def test_retries_of_a_hang_stop_at_the_deadline(server, fetcher):
    server.hang("/hang")
    with pytest.raises(FetchError, match="deadline") as err:
        timed(fetcher(retries=10, read_timeout=0.4, deadline=1.0).get, server.url("/hang"))
    assert err.value.elapsed < 1.3  # no retry starts after the deadline, and the last one is cut at it
    assert 2 <= len(server.hits("/hang")) <= 3


def test_slowloris_is_stopped_by_the_overall_deadline(server, fetcher):
    # one byte every 50 ms never trips the 0.5 s per-recv timeout; the whole body would take 10 s
    server.trickle("/slow.txt", b"x" * 200, interval=0.05)
    with pytest.raises(FetchError, match=r"overall deadline of 1 s passed after \d+ bytes") as err:
        timed(fetcher(deadline=1.0).get, server.url("/slow.txt"))
    assert 1.0 <= err.value.elapsed < 1.3


@pytest.mark.parametrize("retries", [0, 3])
def test_slowloris_in_the_headers_is_stopped_by_the_overall_deadline(server, fetcher, retries):
    # headers arrive before our read loop runs; 400 bytes at 50 ms would hold the request 20 s
    server.slow_headers("/slow-head", interval=0.05)
    with pytest.raises(FetchError, match="overall deadline of 1 s passed while waiting for the response headers") as err:
        timed(fetcher(deadline=1.0, retries=retries).get, server.url("/slow-head"))
    assert 1.0 <= err.value.elapsed < 1.3
    assert len(server.hits("/slow-head")) == 1


# --- size limits and partial data ---------------------------------------------------------------

def test_endless_body_is_stopped_at_the_byte_cap(server, fetcher, tmp_path):
    server.endless("/endless")
    f = fetcher(max_bytes=1 << 20, cache_dir=tmp_path)
    with pytest.raises(FetchError, match="body exceeds the cap of 1048576 bytes") as err:
        timed(f.get, server.url("/endless"))
    assert err.value.elapsed < 2.0
    assert list(tmp_path.iterdir()) == [] and f.stats.failures == 1


def test_declared_length_over_the_cap_is_refused_before_reading(server, fetcher):
    server.add("/big", b"x" * (2 << 20))
    with pytest.raises(FetchError, match="Content-Length 2097152 exceeds the cap of 1048576 bytes"):
        fetcher(max_bytes=1 << 20).get(server.url("/big"))


def test_short_body_is_an_error_is_retried_and_nothing_is_cached(server, fetcher, tmp_path):
    server.truncate("/2025-July.txt.gz", gzip.compress(MONTH), send=10)
    f = fetcher(body_retries=1, cache_dir=tmp_path)
    with pytest.raises(FetchError, match=r"incomplete body: 10 of \d+ bytes .*\(after 2 attempts\)"):
        f.get(server.url("/2025-July.txt.gz"))
    assert len(server.hits("/2025-July.txt.gz")) == 2
    assert list(tmp_path.rglob("*")) == []


@pytest.mark.parametrize("on_the_wire", ["content-encoding", "plain-file"])
def test_gzip_bytes_are_kept_exactly_as_served(server, fetcher, on_the_wire):
    if on_the_wire == "content-encoding":  # requests would decode this silently (security.md §0.7)
        server.add("/2025-July.txt.gz", MONTH, gzip_encoding=True)
    else:
        server.add("/2025-July.txt.gz", gzip.compress(MONTH, mtime=0))
    result = fetcher().get(server.url("/2025-July.txt.gz"))
    assert result.body[:2] == b"\x1f\x8b"
    assert result.body == gzip.compress(MONTH, mtime=0)
    assert gunzip_bounded(result.body, 1 << 20) == MONTH
    assert (result.headers.get("content-encoding") == "gzip") == (on_the_wire == "content-encoding")


# --- redirects ----------------------------------------------------------------------------------

def test_redirect_on_the_same_host_is_followed(server, fetcher):
    server.add("/new/2025-July.txt", MONTH)
    server.redirect("/old/2025-July.txt", "/new/2025-July.txt", status=301)
    result = fetcher().get(server.url("/old/2025-July.txt"))
    assert (result.url, result.final_url) == (server.url("/old/2025-July.txt"), server.url("/new/2025-July.txt"))
    assert [h.path for h in server.requests] == ["/old/2025-July.txt", "/new/2025-July.txt"]


@pytest.mark.parametrize(("location", "reason"), [
    ("http://localhost:{port}/steal", r"redirect to http://localhost:\d+/steal refused: host 'localhost' is not"),
    ("http://127.0.0.2:{port}/steal", r"host '127.0.0.2' is not in the allowed hosts \(127.0.0.1\)"),
    ("file:///etc/passwd", r"redirect to 'file:///etc/passwd' refused: scheme 'file' is not http or https"),
    ("ftp://127.0.0.1:{port}/x", r"scheme 'ftp' is not http or https"),
])
def test_redirect_off_the_allowlist_is_refused(server, fetcher, location, reason):
    with CanaryServer() as canary:  # the off-site target: any request to it fails the test
        server.redirect("/pipermail/", location.format(port=canary.port))
        with pytest.raises(FetchError, match=reason):
            fetcher().get(server.url("/pipermail/"))
        assert canary.requests == []
    assert len(server.requests) == 1


def test_redirect_to_a_second_allowed_host_is_followed(server, fetcher):
    server.add("/b", b"b")
    server.redirect("/a", server.url("/b", host="localhost"))
    result = fetcher(allowed_hosts={"127.0.0.1", "localhost"}).get(server.url("/a"))
    assert result.body == b"b" and server.hits("/b")[0].headers["host"] == f"localhost:{server.port}"


def test_redirect_loop_is_refused(server, fetcher):
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    with pytest.raises(FetchError, match=r"redirect loop \(http://127.0.0.1:\d+/b -> http://127.0.0.1:\d+/a\)"):
        fetcher().get(server.url("/a"))
    assert [h.path for h in server.requests] == ["/a", "/b"]


def test_more_than_max_redirects_is_refused(server, fetcher):
    for i in range(10):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    with pytest.raises(FetchError, match=r"more than 5 redirects \(last: http://127.0.0.1:\d+/r6\)"):
        fetcher().get(server.url("/r0"))
    assert len(server.requests) == 6


def test_redirect_without_location_is_an_error(server, fetcher):
    server.redirect("/a", "")
    with pytest.raises(FetchError, match="redirect from .* has no Location"):
        fetcher().get(server.url("/a"))


# --- retries ------------------------------------------------------------------------------------

def test_429_waits_for_retry_after(server, fetcher):
    server.add("/p", b"ok")
    server.fail_first("/p", 1, status=429, retry_after="1")
    f = fetcher()
    assert f.get(server.url("/p")).body == b"ok"
    hits = server.hits("/p")
    assert len(hits) == 2 and gaps(hits)[0] >= 1.0
    assert (f.stats.requests, f.stats.retries) == (2, 1)


def test_503_is_retried_then_succeeds(server, fetcher):
    server.add("/p", b"ok")
    server.fail_first("/p", 2, status=503)
    f = fetcher()
    assert f.get(server.url("/p")).body == b"ok"
    assert len(server.hits("/p")) == 3 and f.stats.retries == 2


def test_persistent_503_gives_up_with_the_status(server, fetcher):
    server.add("/p", b"ok")
    server.fail_first("/p", 100, status=503)
    with pytest.raises(FetchStatusError, match=r"HTTP 503 Service Unavailable after 2 retries") as err:
        fetcher(retries=2).get(server.url("/p"))
    assert err.value.status == 503 and len(server.hits("/p")) == 3


def test_404_is_not_retried(server, fetcher):
    with pytest.raises(FetchStatusError, match="HTTP 404 Not Found$") as err:
        fetcher().get(server.url("/pipermail/missing/2025-July.txt.gz"))
    assert err.value.status == 404 and len(server.requests) == 1


def test_retry_after_longer_than_the_cap_fails_at_once(server, fetcher):
    server.add("/p", b"ok")
    server.fail_first("/p", 1, status=429, retry_after="3600")
    with pytest.raises(FetchError, match="HTTP 429 with Retry-After 3600 s, over retry_after_max 2 s") as err:
        timed(fetcher().get, server.url("/p"))
    assert err.value.elapsed < 0.5 and len(server.hits("/p")) == 1


def test_retry_after_past_the_deadline_fails_at_once(server, fetcher):
    server.add("/p", b"ok")
    server.fail_first("/p", 1, status=503, retry_after="2")
    with pytest.raises(FetchError, match="waiting 2.0 s to retry would pass the deadline") as err:
        timed(fetcher(retry_after_max=10, deadline=1.0).get, server.url("/p"))
    assert err.value.elapsed < 0.5


def test_connection_refused_is_wrapped(fetcher):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(FetchError, match="connection failed: Connection refused") as err:
        fetcher(retries=0).get(f"http://127.0.0.1:{port}/")
    assert isinstance(err.value.__cause__, requests.ConnectionError)


# --- robots.txt and politeness ------------------------------------------------------------------

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n"


def test_robots_disallow_and_crawl_delay_are_obeyed(server, fetcher):
    server.add("/robots.txt", ROBOTS)
    for path in ("/a", "/b", "/private/x"):
        server.add(path, b"page")
    f = fetcher(obey_robots=True)
    f.get(server.url("/a"))
    f.get(server.url("/b"))
    with pytest.raises(FetchError, match=r"/private/x: disallowed by robots.txt \(http://127.0.0.1:\d+/robots.txt"):
        f.get(server.url("/private/x"))
    assert [h.path for h in server.requests] == ["/robots.txt", "/a", "/b"]  # robots.txt once per host
    assert min(gaps(server.requests)) >= 0.3


def test_robots_group_for_our_agent_wins(server, fetcher):
    server.add("/robots.txt", b"User-agent: *\nDisallow: /\n\nUser-agent: igkg\nDisallow: /private/\n")
    server.add("/a", b"a")
    f = fetcher(obey_robots=True)
    assert f.get(server.url("/a")).body == b"a"
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        f.get(server.url("/private/"))


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (403, True), (503, False)])
def test_robots_status_decides_per_rfc_9309(server, fetcher, status, allowed):
    server.add("/robots.txt", b"", status=status)
    server.add("/a", b"a")
    f = fetcher(obey_robots=True, retries=0)
    if allowed:
        assert f.get(server.url("/a")).body == b"a"
    else:
        with pytest.raises(FetchError, match=r"disallowed by robots.txt .*HTTP 503: unreachable, so complete"):
            f.get(server.url("/a"))
    assert [h.path for h in server.requests] == ["/robots.txt"] + ["/a"] * allowed


def test_crawl_delay_over_the_maximum_refuses_the_host(server, fetcher):
    server.add("/robots.txt", b"User-agent: *\nCrawl-delay: 3600\n")
    server.add("/a", b"a")
    with pytest.raises(FetchError, match="Crawl-delay 3600 s, over max_crawl_delay 60 s"):
        fetcher(obey_robots=True, max_crawl_delay=60).get(server.url("/a"))
    assert [h.path for h in server.requests] == ["/robots.txt"]


def test_min_delay_spaces_requests_to_one_host(server, fetcher):
    server.add("/a", b"a")
    f = fetcher(min_delay=0.2)
    for _ in range(3):
        f.get(server.url("/a"))
    assert min(gaps(server.requests)) >= 0.2


def test_threads_sharing_a_fetcher_queue_for_the_host(server, fetcher):
    server.add("/a", b"a")
    f = fetcher(min_delay=0.3)
    threads = [threading.Thread(target=f.get, args=(server.url("/a"),)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(server.requests) == 3 and min(gaps(server.requests)) >= 0.3


@pytest.mark.parametrize(("robots", "path", "allowed"), [
    ("User-agent: *\nDisallow: /a/\nAllow: /a/b\n", "/a/b/c", True),  # longest match wins
    ("User-agent: *\nDisallow: /a/\nAllow: /a/b\n", "/a/c", False),
    ("User-agent: *\nAllow: /p\nDisallow: /p\n", "/p", True),  # a tie goes to Allow
    ("User-agent: *\nDisallow: /*.gz$\n", "/2025-July.txt.gz", False),
    ("User-agent: *\nDisallow: /*.gz$\n", "/2025-July.txt.gz?x", True),
    ("User-agent: *\nDisallow: /*/private\n", "/pipermail/private", False),
    ("User-agent: *\nDisallow:\n", "/anything", True),  # an empty Disallow allows all
    ("# no groups\nDisallow: /\n", "/x", True),  # rules outside a group are ignored
    ("User-agent: other\nUser-agent: IGKG\nDisallow: /x\n", "/x", False),  # shared group, any case
    ("User-agent: *\nDisallow: /\n", "/robots.txt", True),
    ("User-agent: *\nDisallow: /" + "*a" * 40 + "*b\n", "/" + "a" * 5000, True),  # no exponential backtracking
])
def test_robots_rules(robots, path, allowed):
    assert parse_robots(robots, "igkg").can_fetch("http://h" + path) is allowed


def test_robots_crawl_delay_may_be_fractional():
    assert parse_robots("User-agent: *\nCrawl-delay: 0.5\nCrawl-delay: nan\n", "igkg").crawl_delay == 0.5


# --- conditional requests and the cache ---------------------------------------------------------

def test_second_run_sends_validators_and_uses_the_cached_body(server, fetcher, tmp_path):
    server.add("/2025-July.txt.gz", MONTH, headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED})
    first = fetcher(cache_dir=tmp_path).get(server.url("/2025-July.txt.gz"))
    assert not first.not_modified
    second_run = fetcher(cache_dir=tmp_path)
    result = second_run.get(server.url("/2025-July.txt.gz"))
    assert (result.status, result.not_modified, result.from_cache, result.body) == (304, True, True, MONTH)
    sent = server.requests[1].headers
    assert (sent["if-none-match"], sent["if-modified-since"]) == ('"v1"', LAST_MODIFIED)
    assert (second_run.stats.not_modified, second_run.stats.bytes) == (1, 0)


def test_last_modified_alone_gives_a_304(server, fetcher, tmp_path):
    server.add("/a", b"a", headers={"Last-Modified": LAST_MODIFIED})
    fetcher(cache_dir=tmp_path).get(server.url("/a"))
    result = fetcher(cache_dir=tmp_path).get(server.url("/a"))
    assert result.not_modified and "if-none-match" not in server.requests[1].headers


def test_changed_resource_replaces_the_cache_entry(server, fetcher, tmp_path):
    server.add("/a", b"old", headers={"ETag": '"v1"'})
    f = fetcher(cache_dir=tmp_path)
    f.get(server.url("/a"))
    server.add("/a", b"new", headers={"ETag": '"v2"'})
    result = f.get(server.url("/a"))
    assert (result.status, result.body, result.not_modified) == (200, b"new", False)
    assert f.cached(server.url("/a")).body == b"new"


def test_unconditional_get_sends_no_validators(server, fetcher, tmp_path):
    server.add("/a", b"a", headers={"ETag": '"v1"'})
    f = fetcher(cache_dir=tmp_path)
    f.get(server.url("/a"))
    assert f.get(server.url("/a"), conditional=False).status == 200
    assert "if-none-match" not in server.requests[1].headers


def test_cache_is_content_addressed_and_names_no_url(server, fetcher, tmp_path):
    url = server.url("/pipermail/wg-strategy/2025-July.txt.gz")
    server.add("/pipermail/wg-strategy/2025-July.txt.gz", MONTH, headers={"ETag": '"v1"'})
    f = fetcher(cache_dir=tmp_path)
    f.get(url)
    key, digest = hashlib.sha256(url.encode()).hexdigest(), hashlib.sha256(MONTH).hexdigest()
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"body/{digest[:2]}/{digest}", f"meta/{key[:2]}/{key}.json"]
    meta = json.loads((tmp_path / files[1]).read_text())
    assert (meta["url"], meta["body_sha256"], meta["headers"]["etag"]) == (url, digest, '"v1"')
    cached = f.cached(url)
    assert cached.body == MONTH and cached.from_cache and len(server.requests) == 1


def test_damaged_cache_body_is_a_miss(server, fetcher, tmp_path):
    server.add("/a", b"good", headers={"ETag": '"v1"'})
    f = fetcher(cache_dir=tmp_path)
    f.get(server.url("/a"))
    (body_file,) = (p for p in (tmp_path / "body").rglob("*") if p.is_file())
    body_file.write_bytes(b"evil")
    result = f.get(server.url("/a"))
    assert result.body == b"good" and not result.not_modified
    assert "if-none-match" not in server.requests[1].headers  # a damaged entry is never trusted


def test_crash_while_writing_the_cache_leaves_no_entry(server, fetcher, tmp_path, monkeypatch):
    server.add("/a", b"a", headers={"ETag": '"v1"'})
    real_replace = atomic.os.replace

    def crash_on_metadata(src, dst):
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", crash_on_metadata)
    f = fetcher(cache_dir=tmp_path)
    with pytest.raises(FetchError, match="could not write the cache entry: .*No space left on device"):
        f.get(server.url("/a"))
    assert f.cached(server.url("/a")) is None
    assert [p.name for p in tmp_path.rglob(".tmp-*")] == []
    assert not (tmp_path / "meta").exists() or not any((tmp_path / "meta").rglob("*.json"))


# --- the test server itself ---------------------------------------------------------------------

def test_canary_fails_loudly_on_any_request(fetcher):
    with pytest.raises(AssertionError, match=r"unexpected requests reached the test server:\n  GET /egress"):
        with CanaryServer() as canary:
            with pytest.raises(FetchStatusError):
                fetcher().get(canary.url("/egress"))


def test_server_binds_loopback_only():
    with pytest.raises(ValueError, match="loopback"):
        ArchiveServer(host="0.0.0.0")


def test_server_serves_a_directory_without_escaping_it(tmp_path, fetcher):
    (tmp_path / "pipermail").mkdir()
    (tmp_path / "pipermail" / "index.html").write_bytes(b"<html></html>")
    with ArchiveServer(root=tmp_path) as srv:
        f = fetcher()
        assert f.get(srv.url("/pipermail/index.html")).body == b"<html></html>"
        with pytest.raises(FetchStatusError, match="404"):
            f.get(srv.url("/pipermail/%2e%2e/%2e%2e/etc/passwd"))


# --- bounded gunzip -----------------------------------------------------------------------------

def test_gunzip_reads_every_member():
    assert gunzip_bounded(gzip.compress(b"a\n") + gzip.compress(b"b\n") + b"\0" * 8, 10) == b"a\nb\n"


def test_gunzip_stops_a_bomb_at_the_cap():
    bomb = gzip.compress(b"\0" * (16 << 20), compresslevel=1)  # 16 MiB of zeros in about 70 KB
    start = time.monotonic()
    with pytest.raises(SourceError, match="decompressed size exceeds the cap of 1048576 bytes"):
        gunzip_bounded(bomb, 1 << 20)
    assert time.monotonic() - start < 0.5


@pytest.mark.parametrize(("data", "reason"), [
    (gzip.compress(MONTH)[:-20], r"truncated stream \(member 1 has no end\)"),
    (gzip.compress(MONTH) + gzip.compress(MONTH)[:30], r"truncated stream \(member 2 has no end\)"),
    (b"<html><body>Not Found</body></html>", "not a gzip file"),
    (gzip.compress(MONTH) + b"<html>", "bytes after member 1 are not gzip"),
    (b"", "input is empty"),
])
def test_gunzip_rejects_broken_input_whole(data, reason):
    with pytest.raises(SourceError, match=reason) as err:
        gunzip_bounded(data, 1 << 20)
    assert err.value.__cause__ is None or isinstance(err.value.__cause__, zlib.error)
