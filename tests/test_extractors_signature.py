"""Signature blocks: name, role, organization and place lines; contact lines never extracted."""

from __future__ import annotations

import pytest

from extractors_support import fixture_kb, message
from kg.extractors import run_extractors
from kg.extractors.gazetteer import use_kb

pytestmark = pytest.mark.filterwarnings("error")

SIGNED = """I support the draft.

Regards,
Kwame

Kwame Boateng
Director, Digital Policy Unit
Vice-Chair of the Ruritania Telecom Advisory Board
2024 IGF MAG Member
Ministry of Communications and Digital Economy
Rue de Lausanne 12 | CH-1201 Geneva
Tel: +41 22 555 0101
M: +233 24 555 0199
kwame at example.org
www.example.org
"""


@pytest.fixture(autouse=True)
def _kb():
    use_kb(fixture_kb())
    yield
    use_kb(None)


@pytest.fixture
def result():
    return run_extractors(message(SIGNED, author="Boateng, Kwame", signature="Kwame Boateng"))


def triples(result):
    return {(r.subject, r.predicate, r.object, r.org) for r in result.relations}


def test_roles_and_their_organizations(result):
    ministry = "organization:ministry of communications and digital economy"
    board = "organization:ruritania telecom advisory board"
    assert {
        ("person:kwame boateng", "holds_role", "Director, Digital Policy Unit", ministry),
        ("person:kwame boateng", "holds_role", "Vice-Chair of the Ruritania Telecom Advisory Board", board),
        ("person:kwame boateng", "holds_role", "2024 IGF MAG Member", "org/mag"),
        ("person:kwame boateng", "member_of", "org/mag", None),
        ("person:kwame boateng", "affiliated_with", ministry, None),
        (ministry, "located_in", "place/geneva", None),
    } <= triples(result)


def test_name_line_is_the_author(result):
    names = [m for m in result.mentions if m.kind == "person"]
    assert {m.key for m in names} == {"person:kwame boateng"}
    assert {m.evidence.exact for m in names} == {"Kwame", "Kwame Boateng"}


def test_contact_lines_are_never_entities_or_evidence(result):
    for item in (*result.mentions, *result.relations):
        assert not any(s in item.evidence.exact for s in ("+41", "+233", "Rue de", "example", "1201"))


def test_acronym_organization_line_and_country_line():
    text = "Ok.\n\nAna Lima\nHead of Policy\nABC- DEFN\nPortugal\nT: +351 21 000 0000\n"
    result = run_extractors(message(text, author="Ana Lima", signature="Ana Lima"))
    assert {("person:ana lima", "holds_role", "Head of Policy", "organization:abc defn"),
            ("person:ana lima", "affiliated_with", "organization:abc defn", None),
            ("organization:abc defn", "located_in", "place/portugal", None)} <= triples(result)


def test_a_security_marking_is_no_organization():
    text = "Ok.\n\nAna Lima\nOFFICIAL\n"
    result = run_extractors(message(text, author="Ana Lima", signature="Ana Lima"))
    assert not [m for m in result.mentions if m.kind == "organization"]


def test_signature_found_without_a_parser_segment():
    text = "We agree.\n\nBest regards,\nPriya Raman\nSenior Counsel\nInternet Society\n"
    result = run_extractors(message(text, author="Priya Raman"))
    assert ("person:priya raman", "holds_role", "Senior Counsel", "org/isoc") in triples(result)
