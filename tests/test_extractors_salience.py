"""Concept salience, venues read as meetings, signature addresses, described processes and outcomes.

The messages are written for these tests (not taken from any archive), so the rules are shown on
text the corpus never saw.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Graph

from extractors_support import DATA, message
from kg.extractors import run_extractors
from kg.extractors.gazetteer import use_kb
from kg.extractors.salience import in_cue
from kg.kb import KB_BASE, KnowledgeBase, parse_kb_graph

pytestmark = pytest.mark.filterwarnings("error")

# The tiny fixture KB plus salience collections, venues and cities, as the project KB has them.
EXTRA = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
<concept/transparency> a skos:Concept ; skos:prefLabel "transparency"@en .
<concept/ict> a skos:Concept ; skos:prefLabel "information and communication technologies"@en ;
    <https://w3id.org/igkg/ns#acronym> "ICTs" .
<concept/broad-topics> a skos:Collection ; skos:member <concept/privacy> , <concept/human-rights> ,
    <concept/transparency> , <concept/cybersecurity> .
<concept/generic-terms> a skos:Collection ; skos:member <concept/ict> .
<place/tunisia> a schema:Country ; skos:prefLabel "Tunisia"@en .
<place/tunis> a schema:City ; skos:prefLabel "Tunis"@en ; schema:containedInPlace <place/tunisia> .
<place/nairobi> a schema:City ; skos:prefLabel "Nairobi"@en .
<event/wsis-tunis> schema:location <place/tunis> .
"""


@pytest.fixture(autouse=True)
def _kb():
    graph = Graph()
    graph.parse(data=(DATA / "kb_fixture.ttl").read_bytes(), format="turtle", publicID=KB_BASE)
    graph.parse(data=EXTRA, format="turtle", publicID=KB_BASE)
    use_kb(KnowledgeBase(parse_kb_graph(graph), graph))
    yield
    use_kb(None)


def found(text, kind, **kw):
    result = run_extractors(message(text, **kw))
    return sorted({(m.key, m.evidence.exact) for m in result.mentions if m.kind == kind})


def concept_keys(text, **kw):
    return sorted({k for k, _ in found(text, "concept", **kw)})


# --- concept salience ---------------------------------------------------------------------------

def test_a_term_of_art_counts_once():
    assert concept_keys("We should revisit enhanced cooperation at the next session.") == [
        "concept/enhanced-cooperation"]


def test_a_broad_topic_named_in_passing_does_not_count():
    text = "The new portal improves transparency for the registry's members. See you in March."
    assert concept_keys(text) == []


def test_a_repeated_broad_topic_counts():
    text = ("Privacy keeps coming back. Any registration policy we draft has to respect privacy of "
            "registrants.")
    assert concept_keys(text) == ["concept/privacy"]


@pytest.mark.parametrize("text", [
    "The cybersecurity debate moved to New York years ago.",
    "We keep returning to the question of transparency in the selection.",
    "Some delegations called it \u201cprivacy\u201d, others data protection.",
    "Human rights are the frame we agreed on.",
])
def test_a_broad_topic_in_a_cue_counts(text):
    assert concept_keys(text)


def test_a_broad_topic_in_the_subject_line_counts():
    msg = message("Attached are our comments; transparency was the main concern of the chapter.")
    msg = replace(msg, subject="Re: Transparency of the nomination process")
    assert {m.key for m in run_extractors(msg).mentions if m.kind == "concept"} == {"concept/transparency"}


def test_generic_vocabulary_never_counts():
    text = "Access to ICTs matters, and ICTs change fast; ICTs are everywhere."
    assert concept_keys(text) == []


def test_in_cue_reads_quotes_and_topic_nouns():
    text = 'the "privacy" issue'
    assert in_cue(text, 5, 12)
    assert in_cue("privacy issues remain", 0, 7)
    assert not in_cue("protecting privacy of users", 11, 18)


# --- venues, addresses ----------------------------------------------------------------------------

def test_a_venue_after_a_preposition_of_time_is_the_meeting():
    assert found("Since Tunisia nothing has moved on this file.", "event") == [("event/wsis-tunis", "Tunisia")]
    assert found("Since Tunisia nothing has moved on this file.", "place") == []


def test_a_venue_in_prose_stays_a_place():
    assert found("The ministers met in Tunisia last week.", "place") == [("place/tunisia", "Tunisia")]


def test_a_place_without_one_summit_stays_a_place():
    assert found("After Nairobi we need a new plan.", "place") == [("place/nairobi", "Nairobi")]


def test_a_city_in_a_signature_address_is_a_place_but_not_a_street_name():
    text = "See you there.\n\nBest,\nMaria\nRua do Brasil 44 | 1200-123 Lisbon, Portugal\n"
    places = found(text, "place", signature="Maria")
    assert ("place/portugal", "Portugal") in places
    assert not any(k == "place/brazil" for k, _ in places)


# --- described processes and outcome documents ---------------------------------------------------

def test_the_transition_resolves_through_the_message_context():
    text = "The IANA functions contract expires next year. What happens to the root after the transition?"
    assert ("event/iana-transition", "the transition") in found(text, "event")


def test_the_transition_without_context_is_left_alone():
    text = "The transition to the new office took longer than planned."
    assert found(text, "event") == []


def test_its_outcome_document_is_the_outcome_of_the_process_before_it():
    text = "After the WSIS+10 review (and its outcome document) the caucus changed course."
    assert ("doc/wsis-10-outcome", "outcome document") in found(text, "document")


def test_an_outcome_document_without_a_process_is_no_document():
    assert found("Please send comments on the outcome document by Friday.", "document") == []
