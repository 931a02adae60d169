"""Crawling the loopback archive server for real: pipermail and HyperKitty equal mbox; every fault survived or reported."""

from __future__ import annotations

import gzip

import pytest

from archive_server import ArchiveServer
from crawl_support import HYPERKITTY, PIPERMAIL, archive_files, fetchers, month_paths, shape
from kg import synth
from kg.config import Settings
from kg.pipeline import build

SETTINGS = Settings(quiet=True)


@pytest.fixture(scope="module")
def year():
    """12 months x 10 messages; the first two months' .txt lost their threading headers."""
    return synth.generate(120, 12, seed=3)


@pytest.fixture(scope="module")
def mbox_build(year, tmp_path_factory):
    path = tmp_path_factory.mktemp("mbox") / "year.mbox"
    path.write_bytes(synth.to_mbox(year))
    return build([str(path)], SETTINGS)


def test_pipermail_and_hyperkitty_give_the_messages_and_threads_of_the_mbox(year, mbox_build):
    files = archive_files(year, headerless_months=2)
    with ArchiveServer(files, strict=True) as srv:
        srv.add("/robots.txt", b"User-agent: *\nAllow: /\n")
        piper = build([srv.url(PIPERMAIL)], SETTINGS, fetchers())
        kitty = build([srv.url(HYPERKITTY)], SETTINGS, fetchers())
        agents = {h.headers.get("user-agent", "") for h in srv.requests}
    assert not piper.problems and not kitty.problems
    expected = shape(mbox_build.messages)
    assert len([m for m in mbox_build.messages if m.kind == "archived"]) == 120
    assert shape(piper.messages) == expected  # headerless months threaded from thread.html
    assert shape(kitty.messages) == expected
    assert piper.summary()["threads"] == kitty.summary()["threads"] == mbox_build.summary()["threads"]
    assert all("+https://" in a for a in agents)  # a UA with a contact URL


@pytest.fixture(scope="module")
def quarter():
    return synth.generate(15, 3, seed=5)


def _ids(result) -> set[str]:
    return {m.id for m in result.messages if m.kind == "archived"}


def _month_ids(msgs, month_index: int) -> set[str]:
    months = sorted({(m.date.year, m.date.month) for m in msgs})
    return {m.message_id.strip("<>") for m in msgs if (m.date.year, m.date.month) == months[month_index]}


FAULTS = {
    # name: (set up the fault on the second month, survived?)
    "429 with Retry-After": (lambda srv, p, body: srv.fail_first(p, 1, 429, "1"), True),
    "503 twice": (lambda srv, p, body: srv.fail_first(p, 2, 503), True),
    "gzip Content-Encoding": (lambda srv, p, body: srv.add(p, body, gzip_encoding=True), True),
    "truncated gzip": (lambda srv, p, body: srv.add(p, body[: len(body) // 2]), False),
    "HTML error page with 200": (lambda srv, p, body: srv.add(p, b"<html>Server busy</html>"), False),
    "slow body": (lambda srv, p, body: srv.trickle(p, body, 0.05), False),
    "redirect off-site": (lambda srv, p, body: srv.redirect(p, srv.url(p, host="localhost")), False),
    "robots.txt disallow": (lambda srv, p, body: srv.add("/robots.txt", f"User-agent: *\nDisallow: {p}\n".encode()),
                            False),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_faults_are_survived_or_reported_with_nothing_half_written(fault, quarter):
    files = archive_files(quarter)
    target = month_paths(files)[1]
    setup, survived = FAULTS[fault]
    with ArchiveServer(files) as srv:
        setup(srv, target, files[target][0])
        result = build([srv.url(PIPERMAIL)], SETTINGS, fetchers(deadline=2.0), infer=False)
        hosts = {h.headers.get("host", "").split(":")[0] for h in srv.requests}
        asked = [h for h in srv.requests if h.path == target]
    everything = {m.message_id.strip("<>") for m in quarter}
    if survived:
        assert _ids(result) == everything and not result.problems, result.problems
        if fault.startswith("gzip"):
            assert gzip.decompress(files[target][0])  # served twice-gzipped, read once
    else:
        assert _ids(result) == everything - _month_ids(quarter, 1)  # none of that month, all of the others
        assert [p for p in result.problems if target.split("/")[-1] in p.locator + p.reason], result.problems
    if fault == "redirect off-site":
        assert hosts == {"127.0.0.1"}
    if fault == "robots.txt disallow":
        assert asked == []


def test_message_pages_are_the_fallback_when_the_month_archive_is_missing(quarter):
    files = archive_files(quarter)
    target = month_paths(files)[0]
    del files[target]
    with ArchiveServer(files) as srv:
        result = build([srv.url(PIPERMAIL)], SETTINGS, fetchers(), infer=False)
    assert _ids(result) == {m.message_id.strip("<>") for m in quarter}
    assert not [p for p in result.problems if p.severity == "error"]
