"""People in the author's own words: full names, titled names, cued first names, sign-offs."""

from __future__ import annotations

import pytest

from extractors_support import fixture_kb, message
from kg.extractors import run_extractors
from kg.extractors.gazetteer import use_kb

pytestmark = pytest.mark.filterwarnings("error")


@pytest.fixture(autouse=True)
def _kb():
    use_kb(fixture_kb())
    yield
    use_kb(None)


def people(text, **kw):
    return sorted({(m.key, m.label) for m in run_extractors(message(text, **kw)).mentions if m.kind == "person"})


@pytest.mark.parametrize("text, expected", [
    ("Yesterday Maria Fernanda Ruiz explained it well.", [("person:maria fernanda ruiz", "Maria Fernanda Ruiz")]),
    ("The panel was chaired by Kofi Mensah (former Minister of Ghana).", [("person:kofi mensah", "Kofi Mensah")]),
    ("It was Ambassador Okonkwo of Nigeria who spoke.", [("person:okonkwo", "Ambassador Okonkwo")]),
    ("Canada (represented by Peter van der Berg) agreed.", [("person:peter van der berg", "Peter van der Berg")]),
    ("as Tomás pointed out, it works", [("person:tomas", "Tomás")]),
    ("I agree with Ingrid on this.", [("person:ingrid", "Ingrid")]),
    ("Thanks, Oluwaseun, for the text.", [("person:oluwaseun", "Oluwaseun")]),
    ("Supporting both Keiko and Rahul here.", [("person:keiko", "Keiko"), ("person:rahul", "Rahul")]),
    ("Per Hamid's point about costs, fine.", [("person:hamid", "Hamid")]),
])
def test_names_with_cues(text, expected):
    assert people(text, author=None) == expected


@pytest.mark.parametrize("text", [
    "The Global South and the Tunis Agenda matter. Enhanced Cooperation is key.",
    "Dear all, Dear Colleagues, Hi everyone.",
    "It proposed four models. This suggested a way.",
    "The Internet Governance Forum met in Geneva.",
    "Write to maria.ruiz at example.org or see https://example.org/Maria_Ruiz",
])
def test_no_person_from_kb_names_common_words_or_addresses(text):
    assert people(text, author=None) == []


def test_sign_off_is_the_author():
    text = "I think we are close.\n\nBest,\nKwame\n"
    assert people(text, author="Kwame Boateng") == [("person:kwame boateng", "Kwame")]


def test_last_comma_first_author_key():
    text = "Fine by me.\n\nLi\n"
    assert people(text, author="Wei, Li") == [("person:li wei", "Li")]


def test_unquoted_attribution_name():
    text = "On 2 May 2024, Zoltan Kertesz wrote:\n\nWe should wait.\n\nYes, I agree."
    assert ("person:zoltan kertesz", "Zoltan Kertesz") in people(text, author=None)


@pytest.mark.parametrize("text", [
    "Coverage ranged from El Mundo to Le Figaro and La Nación.",  # newspapers opened by an article
    "El Director General de la agencia habló ayer.",  # an office, not a person
    "The story ran in the Lagos Times and the Nairobi Post on Monday.",  # periodicals
])
def test_articles_periodicals_and_offices_are_not_people(text):
    assert not [k for k, _ in people(text) if "diario" in k or k.startswith("person:el ") or "times" in k
                or "post" in k or "director" in k or "mundo" in k or "figaro" in k]
