"""Relations in the author's own words: agreement and negation, proposals, chairs, part-of, citations."""

from __future__ import annotations

import pytest

from extractors_support import fixture_kb, message
from kg.extractors import run_extractors
from kg.extractors.gazetteer import use_kb

pytestmark = pytest.mark.filterwarnings("error")
AUTHOR = "person:jane doe"


@pytest.fixture(autouse=True)
def _kb():
    use_kb(fixture_kb())
    yield
    use_kb(None)


def triples(text, **kw):
    return {(r.subject, r.predicate, r.object) for r in run_extractors(message(text, **kw)).relations}


@pytest.mark.parametrize("text, predicate, person", [
    ("I agree with Ingrid that this is fine.", "agrees_with", "person:ingrid"),
    ("I'd very much agree with Tomás here.", "agrees_with", "person:tomas"),
    ("I don't agree with Ingrid on this.", "disagrees_with", "person:ingrid"),
    ("I do not agree with Keiko.", "disagrees_with", "person:keiko"),
    ("I disagree with Rahul, sorry.", "disagrees_with", "person:rahul"),
    ("+1 Hamid", "agrees_with", "person:hamid"),
    ("Supporting Oluwaseun on this one.", "agrees_with", "person:oluwaseun"),
])
def test_agreement(text, predicate, person):
    assert (AUTHOR, predicate, person) in triples(text)


def test_agreement_with_a_document():
    assert (AUTHOR, "agrees_with", "doc/gdc") in triples("I fully support the Global Digital Compact.")


def test_proposals():
    text = "Then Maria Fernanda Ruiz proposed the Internet Governance Forum as the venue."
    assert ("person:maria fernanda ruiz", "proposes", "org/igf") in triples(text)
    assert (AUTHOR, "proposes", "org/cstd") in triples("I would like to propose that the CSTD takes this up.")


def test_co_chairs_and_their_roles():
    text = ("The Ruritania Expert Advisory Board, co-chaired by Kofi Mensah (former Minister of Ghana) and "
            "Sofia Lindqvist (former President of Finland), reported.")
    found = triples(text)
    board = "organization:ruritania expert advisory board"
    assert {("person:kofi mensah", "chairs", board), ("person:sofia lindqvist", "chairs", board),
            ("person:kofi mensah", "holds_role", "former Minister of Ghana")} <= found


def test_affiliation_from_person_of_org():
    text = "Then Peter Holm from the UK government and Lena Berg of the ITU spoke."
    assert {("person:peter holm", "affiliated_with", "organization:government of the united kingdom"),
            ("person:lena berg", "affiliated_with", "org/itu")} <= triples(text)


def test_part_of_only_when_stated_and_known():
    assert ("org/gac", "part_of", "org/icann") in triples("We asked ICANN’s GAC again.")
    assert ("org/gac", "part_of", "org/icann") in triples("the GAC of ICANN said no")
    assert not any(p == "part_of" for _, p, _ in triples("ICANN and the GAC said no."))
    assert not any(p == "part_of" for _, p, _ in triples("the ITU's GAC"))


def test_cites_every_document_once():
    text = "The Tunis Agenda, paragraph 69 and again the Tunis Agenda; also the Budapest Convention."
    found = {t for t in triples(text) if t[1] == "cites"}
    assert found == {(AUTHOR, "cites", "doc/tunis-agenda"), (AUTHOR, "cites", "doc/tunis-agenda/para-69"),
                     (AUTHOR, "cites", "doc/budapest-convention")}


def test_member_of_in_prose():
    assert (AUTHOR, "member_of", "org/wgig") in triples("Speaking as a WGIG member, I recall it well.")


def test_no_author_no_author_relations():
    assert not any(s == AUTHOR for s, _, _ in triples("I agree with Ingrid.", author=None))
