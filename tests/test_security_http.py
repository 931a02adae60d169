"""Archives over loopback HTTP through the pipeline: broken months are rejected whole, re-runs are conditional and byte-stable (cases 18, 21, 24, 38)."""

from __future__ import annotations

import pytest

from kg import synth
from kg.config import Settings
from kg.export import export
from kg.manifest import read_manifest
from kg.pipeline import build
from kg.state import BuildState
from kg.store import QuadStore
from tests.archive_server import ArchiveServer
from tests.crawl_support import PIPERMAIL, archive_files, fetchers, month_paths

SETTINGS = Settings(quiet=True)


def _ids(result) -> set[str]:
    return {m.id for m in result.messages if m.kind == "archived"}


def _by_month(msgs) -> list[set[str]]:
    months = sorted({synth.month_key(m) for m in msgs}, key=lambda k: next(m.date for m in msgs
                                                                          if synth.month_key(m) == k))
    return [{m.message_id.strip("<>") for m in msgs if synth.month_key(m) == k} for k in months]


# -- 18, 21: one crawl with three broken months between good ones -----------------------------------
@pytest.fixture(scope="module")
def faulty():
    msgs = synth.generate(15, 5, seed=5)
    files = archive_files(msgs)
    paths = month_paths(files)
    with ArchiveServer(files) as srv:
        srv.add("/robots.txt", b"User-agent: *\nAllow: /\n")
        srv.truncate(paths[1], files[paths[1]][0], send=10)  # 18: Content-Length promised, 10 bytes, close
        srv.add(paths[2], files[paths[2]][0][: len(files[paths[2]][0]) * 2 // 3])  # 21: truncated .txt.gz
        srv.add(paths[3], b"<html><body>Service unavailable</body></html>")  # 21: error page with 200
        state = BuildState()
        result = build([srv.url(PIPERMAIL)], SETTINGS, fetchers(deadline=5.0), state=state, infer=False)
        hits = {p: len(srv.hits(p)) for p in paths}
        urls = [srv.url(p) for p in paths]
    return result, state, _by_month(msgs), hits, urls, paths


def _rejected_whole(faulty, month: int, words: tuple[str, ...]) -> None:
    result, state, months, _, urls, _ = faulty
    assert months[month] and not months[month] & _ids(result)  # none of the month, not even its first lines
    problems = [p for p in result.problems if urls[month] in p.locator + " " + p.reason]
    assert problems and any(w in problems[0].reason.lower() for w in words), result.problems
    index = urls[month].rsplit("/", 1)[0] + "/"
    assert state.unit(f"pipermail:{index}{urls[month].rsplit('/', 1)[1].split('.')[0]}") is None  # not committed


def test_case18_short_body_is_retried_then_the_month_fails_whole(faulty):
    _, _, _, hits, _, paths = faulty
    assert hits[paths[1]] >= 2  # retried before giving up
    _rejected_whole(faulty, 1, ("short", "incomplete", "length", "broke", "ended"))


def test_case21_truncated_gzip_month_is_rejected_whole(faulty):
    _rejected_whole(faulty, 2, ("gzip", "truncated"))


def test_case21_html_error_page_at_the_gz_url_is_rejected_whole(faulty):
    _rejected_whole(faulty, 3, ("gzip", "error page"))


def test_case18_21_good_months_are_complete_and_only_they_are_committed(faulty):
    result, state, months, _, _, _ = faulty
    assert _ids(result) == months[0] | months[4]
    assert state.counts()["units"] == 2
    index = faulty[4][0].rsplit("/", 1)[0] + "/"
    for path in (faulty[5][0], faulty[5][4]):
        assert state.unit(f"pipermail:{index}{path.rsplit('/', 1)[1].split('.')[0]}") is not None


# -- 24, 38: a store built, re-run unchanged, then one more month ---------------------------------
def _run(url: str, folder, out):
    store, state = QuadStore(folder / "store"), BuildState(folder / "state.sqlite")
    try:
        result = build([url], SETTINGS, fetchers(folder / "cache"), store=store, state=state)
        hashes = state.graph_hashes()
        export(store.to_dataset(), out / "graph.nq")
        return result, hashes, (out / "graph.nq").read_bytes(), read_manifest(out)
    finally:
        state.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental")
    msgs = synth.generate(6, 3, seed=7)
    last = synth.month_key(msgs[-1])
    old = [m for m in msgs if synth.month_key(m) != last]
    outs = [folder / f"out{i}" for i in range(3)]
    with ArchiveServer(archive_files(old)) as srv:
        srv.add("/robots.txt", b"User-agent: *\nAllow: /\n")
        first = _run(srv.url(PIPERMAIL), folder, outs[0])
        srv.clear()
        second = _run(srv.url(PIPERMAIL), folder, outs[1])
        asked = [h for h in srv.requests if h.path != "/robots.txt"]
        for path, (body, headers) in archive_files(msgs).items():
            srv.add(path, body, headers=headers)
        third = _run(srv.url(PIPERMAIL), folder, outs[2])
    return first, second, third, asked, old, msgs


def test_case24_unchanged_archive_is_asked_conditionally_and_exports_byte_identical(runs):
    first, second, _, asked, _, _ = runs
    assert asked and all("if-none-match" in h.headers or "if-modified-since" in h.headers for h in asked)
    s = second[0].stats
    assert (s.items_parsed, s.extracted, s.graphs_written) == (0, 0, 0)
    assert second[2] == first[2]  # the N-Quads export, byte for byte
    assert second[3] == first[3]  # and its manifest entry (sha256, size, counts)


def test_case38_one_more_month_changes_only_its_graphs_and_keeps_every_iri(runs):
    _, second, third, _, old, msgs = runs
    before, after = second[1], third[1]
    new_ids = {m.message_id.strip("<>") for m in msgs} - {m.message_id.strip("<>") for m in old}
    changed = {g for g in after if before.get(g) != after[g]}
    post_graphs = {g for g in changed if "/graph/post/" in g}
    assert post_graphs and all(any(i.replace("@", "%40") in g for i in new_ids) for g in post_graphs)
    assert changed - post_graphs <= {g for g in after if g.endswith(("/graph/meta", "/graph/inferred"))}
    assert set(before) <= set(after)  # no graph (and so no post IRI) of the old months disappeared
    old_subjects = {line.split(" ", 1)[0] for line in second[2].decode().splitlines()}
    new_subjects = {line.split(" ", 1)[0] for line in third[2].decode().splitlines()}
    assert old_subjects <= new_subjects
    assert third[0].stats.items_parsed == len(new_ids)
