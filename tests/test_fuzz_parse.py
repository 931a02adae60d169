"""Hypothesis: any bytes or text through the mail and page parsers, the stages and the pipeline never raise, and what cannot be used is a Problem; generated mail round-trips as triples."""

from __future__ import annotations

import functools
import warnings

import pyoxigraph as ox
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph, Literal, URIRef

from kg.config import Settings
from kg.export import FORMATS
from kg.extractors import run_extractors
from kg.identity import Minter, resolve
from kg.kb import load_kb
from kg.model import PageParse, Provenance
from kg.parse import parse_page
from kg.parse.email import parse_email, parse_message_id
from kg.pipeline import build
from kg.privacy import redact_message
from kg.privacy_gate import scan_bytes
from kg.sources.mbox import split_mbox
from kg.sources.units import RawItem
from kg.stages import parse_item
from kg.triples import MessageGraphBuilder
from tests.security_support import FUZZ

BASE = Settings().base_iri
PROV = Provenance("fuzz", "email")
HEADER_NAMES = st.sampled_from(["From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References",
                                "Content-Type", "Content-Transfer-Encoding", "List-Id", "X-Other"])
HEADER_VALUES = st.one_of(st.text(max_size=60), st.sampled_from([
    "=?utf-8?q?caf=C3=A9?=", "=?x-unknown?b?AAAA?=", "a@b@c.org", "alice at example.org (Alice)",
    "multipart/mixed; boundary=x", "text/html; charset=utf-7", "base64", "quoted-printable", "<>", "<a@b>",
    "Mon, 99 Foo 2024 99:99:99 +9999", "\udcff", "x\r\ny: z"]))
BODIES = st.one_of(st.text(max_size=300), st.sampled_from([
    "On Mon, 1 Jan 2024, A <a@b.org> wrote:\n> quoted\n> more\n\nreply", "-- \nSig\n+41 22 000 00 00",
    "--x\nContent-Type: text/plain\n\npart\n--x--", "<p>html &amp; <script>x</script></p>", "From the desk\n"]))


def _unusable_is_reported(result: PageParse) -> None:
    assert isinstance(result, PageParse)
    assert result.messages or result.problems  # nothing silently lost


@functools.cache
def _mail(headers: tuple[tuple[str, str], ...], body: str) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers)
    return (head + "\n" + body).encode("utf-8", "surrogateescape")


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_as_an_email_or_a_page_never_raise(data):
    _unusable_is_reported(parse_email(data, PROV))
    _unusable_is_reported(parse_item(RawItem("email", data, "fuzz")))
    _unusable_is_reported(parse_item(RawItem("page", data, "fuzz")))
    for raw in split_mbox(b"From a@b  Mon Jan  1 00:00:00 2024\n" + data):
        _unusable_is_reported(parse_email(raw, PROV))


@FUZZ
@given(st.text(max_size=2000))
def test_any_text_as_a_page_never_raises_and_unusable_text_is_a_problem(text):
    result = parse_page(text, Provenance("fuzz", "pipermail-text"))
    _unusable_is_reported(result)
    if not text.strip():
        assert not result.messages and result.problems


@FUZZ
@given(st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=8), BODIES)
def test_structured_mail_never_raises(headers, body):
    raw = _mail(tuple(headers), body)
    _unusable_is_reported(parse_email(raw, PROV))


@FUZZ
@given(st.text(max_size=120))
def test_any_message_id_mints_a_valid_post_iri(value):
    found = parse_message_id(value)
    minter = Minter(BASE, "fuzz-key")
    for iri in filter(None, [found and minter.post(found), found and minter.post_graph(found), minter.post(value)]):
        ox.NamedNode(iri)  # strict IRI check


@functools.cache
def _kb():
    return load_kb()


def _parse_fmt(name: str, data: bytes) -> set:
    graph = Graph()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib's own Dataset internals
        graph.parse(data=data, format={"turtle": "turtle", "ntriples": "nt"}[name])
    return set(graph)


@FUZZ
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=40), BODIES,
       st.text(st.characters(exclude_categories=("Cs",)), max_size=40))
def test_generated_mail_becomes_triples_that_round_trip_and_pass_the_gate(name, body, subject):
    raw = _mail((("From", f"{name} <someone@example.org>"), ("Subject", subject), ("Message-ID", "<fz@x.example>"),
                 ("Date", "Mon, 01 Jan 2024 10:00:00 +0000")), body)
    page = parse_item(RawItem("email", raw, "fuzz"))
    messages = [redact_message(m) for m in page.messages]
    results = {m.id: run_extractors(m) for m in messages}
    minter = Minter(BASE, "fuzz-key")
    resolution = resolve(messages, results, _kb(), minter)
    builder = MessageGraphBuilder(minter, resolution, _kb(), {})
    for m in messages:
        graph = builder.build(m, results[m.id])
        for s, p, o in graph:
            for term in (s, p) + ((o,) if isinstance(o, URIRef) else ()):
                ox.NamedNode(str(term))
        ds = Dataset()
        target = ds.graph(URIRef(minter.post_graph(m.id)))
        for triple in graph:
            target.add(triple)
        for fmt in FORMATS:
            data = fmt.write(ds)
            if fmt.name in ("turtle", "ntriples"):
                assert _parse_fmt(fmt.name, data) == set(graph), fmt.name
            scan_bytes(data, ["someone@example.org"])  # the gate never raises on what the pipeline writes
        assert not [o for o in graph.objects() if isinstance(o, Literal) and "someone@example.org" in str(o)]


@settings(FUZZ, max_examples=3)  # a whole build per example: three fixed examples keep CI time flat
@given(st.lists(st.one_of(st.binary(max_size=400),
                          st.builds(lambda h, b: _mail(tuple(h), b),
                                    st.lists(st.tuples(HEADER_NAMES, HEADER_VALUES), max_size=6), BODIES)),
                min_size=1, max_size=12))
def test_the_pipeline_never_raises_on_an_archive_of_garbage(tmp_path_factory, raws):
    folder = tmp_path_factory.mktemp("fuzz")
    mbox = b"".join(b"From a@b  Mon Jan  1 00:00:00 2024\n" + r.replace(b"\nFrom ", b"\n>From ") + b"\n\n"
                    for r in raws)
    (folder / "garbage.mbox").write_bytes(mbox)
    result = build([str(folder / "garbage.mbox")], Settings(quiet=True), infer=False)
    assert len([m for m in result.messages if m.kind == "archived"]) + \
        len([p for p in result.problems if p.severity == "error"]) >= 1
