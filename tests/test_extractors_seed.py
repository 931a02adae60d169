"""The seed page's six messages (cut by hand, no parser) against the brief's extraction targets."""

from __future__ import annotations

import pytest

from extractors_seed import seed_messages
from extractors_support import fixture_kb
from kg.extractors import run_extractors
from kg.extractors.gazetteer import use_kb

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(scope="module")
def results():
    use_kb(fixture_kb())
    out = {mid: run_extractors(msg) for mid, msg in seed_messages().items()}
    use_kb(None)
    return out


def keys(results, kind):
    return {m.key for r in results.values() for m in r.mentions if m.kind == kind}


def relations(results):
    return {(r.subject, r.predicate, r.object, r.org) for res in results.values() for r in res.relations}


def test_organizations(results):
    assert {"org/cstd", "org/icann", "org/gac", "org/igf", "org/mag", "org/wgig", "org/itu", "org/unga",
            "org/hrc", "org/wto", "org/eu", "org/dsit"} <= keys(results, "organization")
    assert {"organization:government of the united kingdom", "organization:government of the united states",
            "organization:global commission on just and sustainable digitalization",
            "organization:high level advisory board on effective multilateralism",
            "organization:fct fccn"} <= keys(results, "organization")


def test_eu_is_not_read_inside_euro(results):
    wolfgang = results["wolfgang"]
    assert all(m.evidence.exact != "EU" or seed_messages()["wolfgang"].text[m.evidence.end] != "R"
               for m in wolfgang.mentions)


def test_documents(results):
    docs = keys(results, "document")
    assert {"doc/tunis-agenda", "doc/tunis-agenda/para-69", "doc/tunis-agenda/para-71", "doc/geneva-declaration",
            "doc/geneva-plan-of-action", "doc/budapest-convention", "doc/sao-paulo-guidelines", "doc/wgig-report"} <= docs
    assert "document:a breakthrough for people and planet effective and inclusive global governance for today and the future" in docs


def test_concepts(results):
    assert {"concept/enhanced-cooperation", "concept/multistakeholder-model", "concept/internet-governance",
            "concept/cybersecurity"} <= keys(results, "concept")


def test_people(results):
    assert {"person:ellen johnson sirleaf", "person:stefan lofven", "person:bill graham", "person:david hendon",
            "person:david hendron", "person:wolfgang", "person:paul", "person:veni markovski"} <= keys(results, "person")


def test_signature_roles(results):
    found = relations(results)
    ana, paul = "person:ana neves", "person:paul blaker"
    assert (paul, "holds_role", "Head of ITU and Internet Governance", "org/dsit") in found
    assert (paul, "affiliated_with", "org/dsit", None) in found
    assert ("org/dsit", "located_in", "place/united-kingdom", None) in found
    assert {(ana, "holds_role", "Head, Internet Governance Office", "organization:fct fccn"),
            (ana, "holds_role", "2025 IGF MAG Member", "org/mag"),
            (ana, "member_of", "org/mag", None),
            (ana, "holds_role", "Chair of the DNS.PT Advisory Board", "organization:dns pt advisory board"),
            (ana, "affiliated_with", "organization:fct fccn", None),
            ("organization:fct fccn", "located_in", "place/lisbon", None)} <= found


def test_text_relations(results):
    found = relations(results)
    board = "organization:high level advisory board on effective multilateralism"
    assert {("person:paul blaker", "agrees_with", "person:wolfgang", None),
            ("person:raul echeberria", "agrees_with", "person:wolfgang", None),
            ("person:ellen johnson sirleaf", "chairs", board, None),
            ("person:stefan lofven", "chairs", board, None),
            ("person:ellen johnson sirleaf", "holds_role", "former President of Liberia", None),
            ("person:david hendron", "proposes", "concept/enhanced-cooperation", None),
            ("person:david hendon", "affiliated_with", "organization:government of the united kingdom", None),
            ("org/gac", "part_of", "org/icann", None),
            ("person:wolfgang kleinwachter", "member_of", "org/wgig", None),
            ("person:wolfgang kleinwachter", "cites", "doc/tunis-agenda/para-69", None),
            ("person:paul blaker", "cites", "doc/tunis-agenda", None)} <= found


def test_nothing_from_contact_lines(results):
    for res in results.values():
        assert not any(m.evidence.exact in ("Brasil", "Linkedin") for m in res.mentions)
