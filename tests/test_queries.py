"""The question catalogue: every query's expected answer on the fixture archive, parameters, formats, docs."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.query import Result

from kg.errors import ExportError, QueryError
from kg.queries import (
    QUERIES_DIR, Budget, bind_params, inline_bindings, load_catalogue, render_reference, run_named, run_text,
)
from kg.query_format import RESULT_FORMATS, format_result, shorten
from kg.store import QuadStore, QueryResult, from_ox

pytestmark = pytest.mark.filterwarnings("error")

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "data" / "queries" / "archive.trig"
BASE = "https://kg.example.org/id/"
IGKG = "https://w3id.org/igkg/ns#"
ALICE, BRUNO, CHEN, DANA = "person/1a2b", "person/2b3c", "person/3c4d", "person/4d5e"
ERIK, FATIMA, GUSTAVO, HIRO = "person/5e6f", "person/6f70", "person/7081", "person/8192"


@pytest.fixture(scope="module")
def store() -> QuadStore:
    """The fixture archive in an in-memory store, one named graph per TriG graph."""
    graphs: dict[str, Graph] = {}
    # pyoxigraph's parser: rdflib's Dataset.parse raises a DeprecationWarning of its own (7.6.0)
    for quad in ox.parse(FIXTURE.read_bytes(), format=ox.RdfFormat.TRIG):
        graph = graphs.setdefault(quad.graph_name.value, Graph())
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    quad_store = QuadStore()
    for name, graph in graphs.items():
        quad_store.replace_graph(name, graph)
    return quad_store


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def simple(term):
    """A term as plain Python for comparison: IRIs relative to the base, literals as text."""
    if term is None:
        return None
    text = str(term)
    return text[len(BASE):] if isinstance(term, URIRef) and text.startswith(BASE) else text


def answer(store, catalogue, name, params=None):
    outcome = run_named(store, name, {k: (BASE + v if v.startswith(("person/", "org/", "post/", "doc/",
                                                                      "concept/", "list/")) else v)
                                      for k, v in (params or {}).items()}, catalogue=catalogue)
    return [tuple(simple(t) for t in row) for row in outcome.result.rows]


# name, params, expected rows (exact, in order); dates are as the store writes them back
EXPECTED = [
    ("people-affiliations", {}, [
        (ALICE, "Alice Mwangi", "org/apc", "Association for Progressive Communications", None,
         "2025-03-03T09:00:00+00:00", "post/m01"),
        (ALICE, "Alice Mwangi", "org/isoc", "Internet Society", "Senior Policy Advisor",
         "2025-05-21T09:00:00+00:00", "post/m09"),
        (BRUNO, "Bruno Silva", "org/gac", "Governmental Advisory Committee", "GAC representative",
         "2025-03-04T10:15:00+01:00", "post/m02"),
        (CHEN, "Chen Wei", "org/cstd", "Commission on Science and Technology for Development", "Vice-Chair",
         "2025-06-15T10:00:00+08:00", "post/m11"),
        (DANA, "Dana Okafor", "org/apc", "Association for Progressive Communications", "Policy Coordinator",
         "2025-04-02T16:20:00+02:00", "post/m05"),
        (ERIK, "Erik Larsen", "org/mag", "Multistakeholder Advisory Group", "MAG member",
         "2025-05-20T14:00:00+02:00", "post/m08"),
        (ERIK, "Erik Larsen", None, None, "former MAG Chair", "2025-07-11T09:00:00+02:00", "post/m14"),
        (HIRO, "Hiro Tanaka", "org/acme-telecom", "Acme Telecom", "Head of Public Policy",
         "2025-05-12T07:45:00+09:00", "post/m07"),
    ]),
    ("people-affiliations", {"person": BRUNO}, [
        (BRUNO, "Bruno Silva", "org/gac", "Governmental Advisory Committee", "GAC representative",
         "2025-03-04T10:15:00+01:00", "post/m02"),
    ]),
    ("members-of-body", {"body": "org/igf"}, [
        (ERIK, "Erik Larsen", "org/mag", "MAG member", "2025-05-20T14:00:00+02:00",
         "2025-05-20T14:00:00+02:00", "1"),
    ]),
    ("members-of-body", {"body": "org/icann"}, [
        (BRUNO, "Bruno Silva", "org/gac", "GAC representative", "2025-03-04T10:15:00+01:00",
         "2025-03-04T10:15:00+01:00", "1"),
    ]),
    ("who-mentioned", {"entity": "org/gac"}, [
        (BRUNO, "Bruno Silva", "post/m02", "2025-03-04T10:15:00+01:00", "list/governance", "GAC", "77",
         "https://lists.example.org/pipermail/governance/2025-March/m02.html"),
        (ERIK, "Erik Larsen", "post/q01", "2025-04-03T09:30:00", "list/wsis-cs", "GAC", "4", None),
        (FATIMA, "Fatima Zahra", "post/m06", "2025-04-05T11:00:00+00:00", "list/wsis-cs", "GAC", "24",
         "https://lists.example.org/pipermail/wsis-cs/2025-April/m06.html"),
    ]),
    ("most-cited-documents", {}, [
        ("doc/global-digital-compact", "Global Digital Compact", "4", "1"),
        ("doc/tunis-agenda", "Tunis Agenda for the Information Society", "4", "2"),
        ("doc/netmundial-statement", "NETmundial Multistakeholder Statement", "1", "0"),
    ]),
    ("concept-timeline", {"concept": "concept/internet-governance"}, [
        ("2025-03", "3"), ("2025-04", "2"), ("2025-05", "2"), ("2025-07", "3"),
    ]),
    ("concept-timeline", {"concept": "concept/data-protection"}, [("2025-05", "1"), ("2025-07", "1")]),
    ("org-comention-network", {}, [
        ("org/gac", "Governmental Advisory Committee", "org/icann",
         "Internet Corporation for Assigned Names and Numbers", "2"),
        ("org/apc", "Association for Progressive Communications", "org/ecosoc", "Economic and Social Council", "1"),
        ("org/apc", "Association for Progressive Communications", "org/igf", "Internet Governance Forum", "1"),
        ("org/cstd", "Commission on Science and Technology for Development", "org/igf",
         "Internet Governance Forum", "1"),
        ("org/igf", "Internet Governance Forum", "org/isoc", "Internet Society", "1"),
        ("org/igf", "Internet Governance Forum", "org/mag", "Multistakeholder Advisory Group", "1"),
        ("org/isoc", "Internet Society", "org/mag", "Multistakeholder Advisory Group", "1"),
    ]),
    ("org-comention-network", {"min": "2"}, [
        ("org/gac", "Governmental Advisory Committee", "org/icann",
         "Internet Corporation for Assigned Names and Numbers", "2"),
    ]),
    ("agreement-network", {}, [
        (BRUNO, "Bruno Silva", "agrees", ALICE, "Alice Mwangi", "1"),
        (BRUNO, "Bruno Silva", "disagrees", CHEN, "Chen Wei", "1"),
        (CHEN, "Chen Wei", "disagrees", BRUNO, "Bruno Silva", "1"),
        (FATIMA, "Fatima Zahra", "agrees", DANA, "Dana Okafor", "1"),
        (FATIMA, "Fatima Zahra", "agrees", ERIK, "Erik Larsen", "1"),
        (GUSTAVO, "Gustavo", "agrees", ALICE, "Alice Mwangi", "1"),
        (HIRO, "Hiro Tanaka", "disagrees", ERIK, "Erik Larsen", "1"),
    ]),
    ("agreement-network", {"person": ERIK}, [
        (FATIMA, "Fatima Zahra", "agrees", ERIK, "Erik Larsen", "1"),
        (HIRO, "Hiro Tanaka", "disagrees", ERIK, "Erik Larsen", "1"),
    ]),
    ("threads-by-person", {}, [
        ("post/m01", "Tunis Agenda para 72 and the IGF mandate", ALICE, "Alice Mwangi", "list/governance",
         "2025-03-03T09:00:00+00:00", "4", "3"),
        ("post/q01", "Re: WSIS+20 and the Global Digital Compact", ERIK, "Erik Larsen", "list/wsis-cs",
         "2025-04-03T09:30:00", "3", "3"),
        ("post/m08", "MAG meeting in Oslo", ERIK, "Erik Larsen", "list/igf-mag", "2025-05-20T14:00:00+02:00",
         "3", "3"),
        ("post/m13", "GDC follow-up", DANA, "Dana Okafor", "list/governance", "2025-07-10T08:00:00+02:00",
         "3", "3"),
        ("post/m11", "CSTD working group on IGF improvements", CHEN, "Chen Wei", "list/igf-mag",
         "2025-06-15T10:00:00+08:00", "2", "2"),
        ("post/m05", "WSIS+20 and the Global Digital Compact", DANA, "Dana Okafor", "list/wsis-cs",
         "2025-04-02T16:20:00+02:00", "1", "1"),
    ]),
    ("reply-tree", {"root": "post/m01"}, [
        ("post/m01", None, "0", ALICE, "Alice Mwangi", "2025-03-03T09:00:00+00:00",
         "Tunis Agenda para 72 and the IGF mandate"),
        ("post/m02", "post/m01", "1", BRUNO, "Bruno Silva", "2025-03-04T10:15:00+01:00",
         "Re: Tunis Agenda para 72 and the IGF mandate"),
        ("post/m03", "post/m02", "2", CHEN, "Chen Wei", "2025-03-05T08:00:00-05:00",
         "Re: Tunis Agenda para 72 and the IGF mandate"),
        ("post/m04", "post/m03", "3", ALICE, "Alice Mwangi", "2025-04-10T15:00:00+03:00",
         "Re: Tunis Agenda para 72 and the IGF mandate"),
    ]),
    ("cross-list-participation", {}, [
        (ERIK, "Erik Larsen", "3", "3"), (ALICE, "Alice Mwangi", "2", "3"), (BRUNO, "Bruno Silva", "2", "2"),
        (CHEN, "Chen Wei", "2", "2"), (DANA, "Dana Okafor", "2", "2"), (FATIMA, "Fatima Zahra", "2", "2"),
    ]),
    ("cross-list-participation", {"min": "3"}, [(ERIK, "Erik Larsen", "3", "3")]),
    ("quoted-only-messages", {}, [
        ("post/q01", ERIK, "Erik Larsen", "2025-04-03T09:30:00", "Re: WSIS+20 and the Global Digital Compact", "2"),
    ]),
    ("mentions-in-range", {"entity": "org/igf", "concept": "concept/multistakeholderism",
                           "from": "2025-03-01", "to": "2025-06-30"}, [
        ("post/m01", "2025-03-03T09:00:00+00:00", ALICE, "Alice Mwangi", "list/governance",
         "Tunis Agenda para 72 and the IGF mandate"),
        ("post/m09", "2025-05-21T09:00:00+00:00", ALICE, "Alice Mwangi", "list/igf-mag", "Re: MAG meeting in Oslo"),
    ]),
    ("first-last-appearance", {"entity": "org/gac"}, [
        ("org/gac", "Governmental Advisory Committee", "2025-03-04T10:15:00+01:00", "2025-04-05T11:00:00+00:00", "3"),
    ]),
    ("unresolved-mentions", {}, [
        (GUSTAVO, "person", "Gustavo", "first name only", "1"),
        ("org/acme-telecom", "organization", "Acme Telecom", "not in the knowledge base", "1"),
        ("place/kigali", "place", "Kigali", "not in the knowledge base", "1"),
    ]),
    ("posts-per-month", {}, [
        ("2025-03", "list/governance", "Governance", "3"),
        ("2025-04", "list/governance", "Governance", "1"),
        ("2025-04", "list/wsis-cs", "WSIS-CS", "3"),
        ("2025-05", "list/igf-mag", "IGF-MAG", "2"),
        ("2025-05", "list/wsis-cs", "WSIS-CS", "1"),
        ("2025-06", "list/igf-mag", "IGF-MAG", "2"),
        ("2025-07", "list/governance", "Governance", "3"),
        ("2025-07", "list/igf-mag", "IGF-MAG", "1"),
    ]),
    ("posts-per-month", {"list": "list/wsis-cs"}, [
        ("2025-04", "list/wsis-cs", "WSIS-CS", "3"), ("2025-05", "list/wsis-cs", "WSIS-CS", "1"),
    ]),
    ("people-by-organization-type", {}, [
        (IGKG + "CivilSocietyOrganization", ALICE, "Alice Mwangi", "1"),
        (IGKG + "CivilSocietyOrganization", DANA, "Dana Okafor", "1"),
        (IGKG + "GovernmentalOrganization", BRUNO, "Bruno Silva", "1"),
        (IGKG + "IntergovernmentalOrganization", CHEN, "Chen Wei", "1"),
        (IGKG + "MultistakeholderBody", ERIK, "Erik Larsen", "1"),
        (IGKG + "PrivateOrganization", HIRO, "Hiro Tanaka", "1"),
        (IGKG + "TechnicalOrganization", ALICE, "Alice Mwangi", "1"),
    ]),
    ("people-by-organization-type", {"type": IGKG + "CivilSocietyOrganization"}, [
        (IGKG + "CivilSocietyOrganization", ALICE, "Alice Mwangi", "1"),
        (IGKG + "CivilSocietyOrganization", DANA, "Dana Okafor", "1"),
    ]),
    ("documents-by-paragraph", {"document": "doc/tunis-agenda"}, [
        ("doc/tunis-agenda/para-35", "35", "Tunis Agenda, paragraph 35", "1", "2025-03-05T08:00:00-05:00"),
        ("doc/tunis-agenda/para-68", "68", "Tunis Agenda, paragraph 68", "0", None),
        ("doc/tunis-agenda/para-72", "72", "Tunis Agenda, paragraph 72", "3", "2025-03-03T09:00:00+00:00"),
    ]),
    ("events-mentioned", {}, [
        ("event/igf-2025", "IGF 2025", "2", "2025-05-20T14:00:00+02:00", "2025-06-02T18:30:00-03:00"),
        ("event/wsis-plus-20", "WSIS+20 Review", "2", "2025-04-02T16:20:00+02:00", "2025-04-10T15:00:00+03:00"),
        ("event/icann-83", "ICANN83", "1", "2025-04-05T11:00:00+00:00", "2025-04-05T11:00:00+00:00"),
    ]),
    ("places-mentioned", {}, [
        ("place/geneva", "Geneva", "2", "2025-04-10T15:00:00+03:00", "2025-07-10T08:00:00+02:00"),
        ("place/oslo", "Oslo", "2", "2025-05-20T14:00:00+02:00", "2025-06-02T18:30:00-03:00"),
        ("place/kigali", "Kigali", "1", "2025-04-05T11:00:00+00:00", "2025-04-05T11:00:00+00:00"),
    ]),
    ("places-mentioned", {"list": "list/igf-mag"}, [
        ("place/oslo", "Oslo", "2", "2025-05-20T14:00:00+02:00", "2025-06-02T18:30:00-03:00"),
    ]),
    ("entity-search", {"q": "tunis"}, [
        ("doc/tunis-agenda", "document", "Tunis Agenda for the Information Society", "Tunis Agenda"),
        ("doc/tunis-agenda", "document", "Tunis Agenda for the Information Society",
         "Tunis Agenda for the Information Society"),
        ("doc/tunis-agenda/para-35", "document", "Tunis Agenda, paragraph 35", "Tunis Agenda, paragraph 35"),
        ("doc/tunis-agenda/para-68", "document", "Tunis Agenda, paragraph 68", "Tunis Agenda, paragraph 68"),
        ("doc/tunis-agenda/para-72", "document", "Tunis Agenda, paragraph 72", "Tunis Agenda, paragraph 72"),
    ]),
    ("entity-search", {"q": "WEI"}, [
        (CHEN, "person", "Chen Wei", "Chen Wei"), (CHEN, "person", "Chen Wei", "Wei, Chen"),
    ]),
    ("entity-search", {"q": "igf"}, [
        ("event/igf-2025", "event", "IGF 2025", "IGF 2025"),
        ("org/igf", "organization", "Internet Governance Forum", "IGF"),
    ]),
    ("top-concepts", {}, [
        ("concept/multistakeholderism", "multistakeholderism", "5", "4"),
        ("concept/digital-sovereignty", "digital sovereignty", "3", "3"),
        ("concept/data-protection", "data protection", "2", "2"),
        ("concept/internet-governance", "Internet governance", "2", "2"),
    ]),
    ("top-concepts", {"list": "list/governance"}, [
        ("concept/multistakeholderism", "multistakeholderism", "3", "3"),
        ("concept/digital-sovereignty", "digital sovereignty", "2", "2"),
        ("concept/data-protection", "data protection", "1", "1"),
    ]),
]


@pytest.mark.parametrize(("name", "params", "expected"), EXPECTED,
                         ids=[f"{n}-{'-'.join(p) or 'default'}" for n, p, _ in EXPECTED])
def test_query_answer(store, catalogue, name, params, expected):
    assert answer(store, catalogue, name, params) == expected


def test_every_query_has_an_expected_answer(catalogue):
    tested = {name for name, _, _ in EXPECTED} | {"message-evidence", "first-last-appearance"}
    assert len(catalogue) >= 20
    assert tested == set(catalogue)


def test_first_last_appearance_all(store, catalogue):
    rows = answer(store, catalogue, "first-last-appearance")
    assert len(rows) == 24  # every mentioned entity once
    assert rows[:4] == [
        ("concept/multistakeholderism", "multistakeholderism", "2025-03-03T09:00:00+00:00",
         "2025-07-11T20:00:00+01:00", "5"),
        ("doc/tunis-agenda/para-72", "Tunis Agenda, paragraph 72", "2025-03-03T09:00:00+00:00",
         "2025-06-15T10:00:00+08:00", "3"),
        ("org/apc", "Association for Progressive Communications", "2025-03-03T09:00:00+00:00",
         "2025-04-02T16:20:00+02:00", "2"),
        ("org/igf", "Internet Governance Forum", "2025-03-03T09:00:00+00:00", "2025-07-11T20:00:00+01:00", "4"),
    ]
    # the date without an offset (post/q01) is read as UTC and sorts among the others
    sovereignty = next(r for r in rows if r[0] == "concept/digital-sovereignty")
    assert sovereignty[2:] == ("2025-03-05T08:00:00-05:00", "2025-07-10T08:00:00+02:00", "3")


def test_message_evidence(store, catalogue):
    rows = answer(store, catalogue, "message-evidence", {"post": "post/m02"})
    key = [(r[1], r[2], r[3], r[4], r[6], r[7], r[8], r[9]) for r in rows]
    assert key == [
        ("0", "18", "I agree with Alice", "http://www.w3.org/ns/oa#linking", None, IGKG + "agreesWith", ALICE,
         "relations@0.1"),
        ("24", "46", "multistakeholder model", "http://www.w3.org/ns/oa#identifying", "multistakeholderism",
         None, None, "concepts@0.1"),
        ("58", "63", "ICANN", "http://www.w3.org/ns/oa#identifying",
         "Internet Corporation for Assigned Names and Numbers", None, None, "organizations@0.1"),
        ("74", "95", "As GAC representative", "http://www.w3.org/ns/oa#linking", None,
         "http://www.w3.org/ns/org#memberOf", "org/gac", "relations@0.1"),
        ("77", "80", "GAC", "http://www.w3.org/ns/oa#identifying", "Governmental Advisory Committee", None, None,
         "organizations@0.1"),
    ]
    assert [r[5] for r in rows if r[4].endswith("identifying")] == ["concept/multistakeholderism", "org/icann",
                                                                     "org/gac"]


@pytest.mark.parametrize(("params", "posts"), [
    ({"from": "2025-05-21T10:00:00+01:00"}, ["post/m09", "post/m11", "post/m15"]),  # same instant as m09
    ({"from": "2025-05-21T09:00:01Z"}, ["post/m11", "post/m15"]),
    ({"to": "2025-03-03"}, ["post/m01"]),  # a date is inclusive, on the post's own calendar day
    ({"from": "2025-06-15", "to": "2025-06-15"}, ["post/m11"]),
    ({"to": "2025-05-21T09:00:00"}, ["post/m01", "post/m09"]),  # no offset: read as UTC
    ({}, ["post/m01", "post/m09", "post/m11", "post/m15"]),
])
def test_mentions_in_range_bounds(store, catalogue, params, posts):
    rows = answer(store, catalogue, "mentions-in-range", {"entity": "org/igf", **params})
    assert [r[0] for r in rows] == posts


def test_fixture_evidence_offsets_match_content(store):
    rows = run_text(store, """
        PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX sioc: <http://rdfs.org/sioc/ns#>
        SELECT DISTINCT ?content ?exact ?start ?end WHERE {
          ?a oa:hasTarget ?t . ?t oa:hasSource ?post ; oa:hasSelector ?q, ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end . ?post sioc:content ?content }""").result.rows
    assert len(rows) == 67  # one per annotation
    for content, exact, start, end in rows:
        assert str(content)[int(start):int(end)] == str(exact)


# --- parameters ------------------------------------------------------------------------------


def test_bind_params_types(catalogue):
    query = catalogue["mentions-in-range"]
    bound = bind_params(query, {"entity": BASE + "org/igf", "from": "2025-03-01", "to": "2025-06-30T23:59:59Z"})
    assert bound == {"entity": URIRef(BASE + "org/igf"), "from": Literal("2025-03-01", datatype=XSD.date),
                     "to": Literal("2025-06-30T23:59:59Z", datatype=XSD.dateTime)}
    assert bind_params(catalogue["org-comention-network"]) == {"min": Literal(1, datatype=XSD.integer)}
    assert bind_params(catalogue["entity-search"], {"q": 'a "b" \\ c'}) == {"q": Literal('a "b" \\ c')}


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("who-mentioned", {}, "needs parameter 'entity' (iri)"),
    ("who-mentioned", {"entity": BASE + "org/gac", "when": "x"}, "has no parameter 'when'; its parameters: entity"),
    ("who-mentioned", {"entity": "org/gac"}, "must be an absolute IRI"),
    ("who-mentioned", {"entity": "http://a b/"}, "must be a valid IRI"),
    ("who-mentioned", {"entity": "http://x/> } SERVICE <http://evil/> {"}, "must be a valid IRI"),
    ("who-mentioned", {"entity": "http://x/" + "a" * 3000}, "at most 2,000 characters"),
    ("mentions-in-range", {"entity": BASE + "org/igf", "from": "2025-02-30"}, "must be a date"),
    ("mentions-in-range", {"entity": BASE + "org/igf", "from": "last week"}, "must be a date"),
    ("mentions-in-range", {"entity": BASE + "org/igf", "to": "2025-01-01T25:00:00"}, "must be a date"),
    ("org-comention-network", {"min": "two"}, "must be an integer"),
    ("org-comention-network", {"min": "1.5"}, "must be an integer"),
])
def test_bind_params_errors(catalogue, name, raw, message):
    with pytest.raises(QueryError) as info:
        bind_params(catalogue[name], raw)
    assert message in str(info.value)


def test_inline_bindings_leave_unbound_optionals_undef(catalogue):
    query = catalogue["mentions-in-range"]
    text = inline_bindings(query, bind_params(query, {"entity": BASE + "org/igf"}))
    assert f"VALUES (?entity ?concept ?from ?to) {{ (<{BASE}org/igf> UNDEF UNDEF UNDEF) }}" in text
    assert text.index("VALUES") > text.index("WHERE {")


def test_trailing_values_would_not_reach_a_filter(store):
    """Why queries.py binds inside WHERE: the store's trailing VALUES joins after FILTER (SPARQL §18.2.4)."""
    sparql = "SELECT ?x WHERE { VALUES ?x { 1 2 3 } FILTER(?x >= ?min) }"
    assert store.query(sparql, {"min": Literal(2)}).rows == ()


def test_unknown_query_lists_the_catalogue(store, catalogue):
    with pytest.raises(QueryError, match="no query named 'nope'; the catalogue has: agreement-network, "):
        run_named(store, "nope", catalogue=catalogue)


@pytest.mark.parametrize(("text", "message"), [
    ("# title: t\nSELECT * WHERE { ?s ?p ?o }\n", "exactly one '# title:' and one '# description:'"),
    ("# title: t\n# description: d\n# note: x\nSELECT * WHERE { ?s ?p ?o }\n", "header line not understood"),
    ("# title: t\n# description: d\n# param: x iri — no requiredness\nSELECT ?x WHERE { ?x ?p ?o }\n",
     "param line not understood"),
    ("# title: t\n# description: d\n# param: x uri required — d\nSELECT ?x WHERE { ?x ?p ?o }\n",
     "unknown type 'uri'; valid types: iri, string, date, integer"),
    ("# title: t\n# description: d\n# param: y iri required — d\nSELECT ?x WHERE { ?x ?p ?o }\n",
     "parameter 'y' is not a variable of the query"),
    ("# title: t\n# description: d\n# param: x integer default=abc — d\nSELECT ?x WHERE { ?x ?p ?o }\n",
     "must be an integer"),
    ("# title: t\n# description: d\nSELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }\n", "SERVICE"),
])
def test_catalogue_file_errors(tmp_path, text, message):
    (tmp_path / "bad.rq").write_text(text, encoding="utf-8")
    with pytest.raises(QueryError) as info:
        load_catalogue(tmp_path)
    assert "bad.rq" in str(info.value) and message in str(info.value)


def test_catalogue_headers(catalogue):
    for query in catalogue.values():
        assert query.title and query.description and "ORDER BY" in query.text
        assert all(p.description for p in query.params)
    assert catalogue["mentions-in-range"].param("from").required is False
    assert catalogue["cross-list-participation"].param("min").default == "2"


def test_reference_doc_is_generated(catalogue):
    assert (ROOT / "docs" / "queries.md").read_text(encoding="utf-8") == render_reference(catalogue)


# --- budget and formats ----------------------------------------------------------------------


def test_row_cap_truncates_and_says_so(store):
    outcome = run_text(store, "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s", budget=Budget(max_rows=5))
    assert len(outcome.result.rows) == 5 and outcome.truncated
    assert "only the first 5 rows" in outcome.notice
    assert format_result(outcome, "table").endswith(f"(5 rows)\n{outcome.notice}\n")
    assert format_result(outcome, "csv") == format_result(outcome.result, "csv")
    complete = run_text(store, "SELECT ?s WHERE { ?s a <http://rdfs.org/sioc/ns#Forum> }")
    assert not complete.truncated and complete.notice is None


SAMPLE = QueryResult(("s", "label", "n", "missing"), (
    (URIRef("http://rdfs.org/sioc/ns#Post"), Literal("a\tb\nc, \"d\"", lang="en"), Literal(3), None),
    (URIRef(BASE + "post/m01"), Literal("plain"), Literal("2025-01-01", datatype=XSD.date), None),
))


def test_format_table():
    assert format_result(SAMPLE, "table") == (
        "s                                     label         n           missing\n"
        "------------------------------------  ------------  ----------  -------\n"
        'sioc:Post                             a\\tb\\nc, "d"  3\n'
        "<https://kg.example.org/id/post/m01>  plain         2025-01-01\n"
        "(2 rows)\n")
    assert shorten("https://w3id.org/igkg/ns#QuotedPost") == "igkg:QuotedPost"
    assert shorten("https://schema.org/mentions") == "schema:mentions"
    assert shorten("https://schema.org/a/b") == "<https://schema.org/a/b>"


def test_format_csv_and_tsv():
    rows = list(csv.reader(io.StringIO(format_result(SAMPLE, "csv"), newline="")))
    assert rows == [["s", "label", "n", "missing"], ["http://rdfs.org/sioc/ns#Post", 'a\tb\nc, "d"', "3", ""],
                    [BASE + "post/m01", "plain", "2025-01-01", ""]]
    assert format_result(SAMPLE, "csv").endswith("\r\n")
    assert format_result(SAMPLE, "tsv").splitlines() == [
        "?s\t?label\t?n\t?missing",
        '<http://rdfs.org/sioc/ns#Post>\t"a\\tb\\nc, \\"d\\""@en\t"3"^^<http://www.w3.org/2001/XMLSchema#integer>\t',
        f'<{BASE}post/m01>\t"plain"\t"2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>\t']


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_format_standard_results_round_trip(fmt):
    text = format_result(SAMPLE, fmt)
    parsed = Result.parse(io.BytesIO(text.encode("utf-8")), format=fmt)
    assert [str(v) for v in parsed.vars] == ["s", "label", "n", "missing"]
    assert [tuple(row) for row in parsed] == [tuple(row) for row in SAMPLE.rows]


def test_format_json_shape_and_ask():
    document = json.loads(format_result(SAMPLE, "json"))
    assert document["head"] == {"vars": ["s", "label", "n", "missing"]}
    assert document["results"]["bindings"][0] == {
        "s": {"type": "uri", "value": "http://rdfs.org/sioc/ns#Post"},
        "label": {"type": "literal", "value": 'a\tb\nc, "d"', "xml:lang": "en"},
        "n": {"type": "literal", "value": "3", "datatype": str(XSD.integer)}}
    ask = QueryResult((), (), True)
    assert json.loads(format_result(ask, "json")) == {"head": {}, "boolean": True}
    root = ET.fromstring(format_result(ask, "xml"))
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"
    assert format_result(ask, "table") == "true\n"
    assert format_result(ask, "csv") == "boolean\r\ntrue\r\n"


def test_format_errors():
    with pytest.raises(QueryError, match="unknown result format 'yaml'; choose one of table, csv, tsv, json, xml"):
        format_result(SAMPLE, "yaml")
    bad = QueryResult(("x",), ((Literal("bell\x07"),),))
    with pytest.raises(ExportError, match="XML 1.0 cannot carry"):
        format_result(bad, "xml")
    assert {f.media_type for f in RESULT_FORMATS.values()} >= {"application/sparql-results+json",
                                                               "application/sparql-results+xml"}


def test_every_catalogue_query_formats(store, catalogue):
    outcome = run_named(store, "threads-by-person", catalogue=catalogue)
    for fmt in RESULT_FORMATS:
        assert format_result(outcome.result, fmt)


def test_queries_dir_is_the_repo_catalogue():
    assert QUERIES_DIR == ROOT / "queries"
