"""Organizations, documents, concepts, events and places: KB matches and open-world patterns."""

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


def mentions(text, kind=None, **kw):
    result = run_extractors(message(text, **kw))
    return [(m.kind, m.key, m.evidence.exact) for m in result.mentions if kind is None or m.kind == kind]


def keys(text, kind, **kw):
    return sorted({k for _, k, _ in mentions(text, kind, **kw)})


def test_kb_organizations_by_label_and_acronym():
    text = "Both the ICANN Board and the Governmental Advisory Committee wrote to the ITU."
    # "the ICANN Board" is a body of its own (a named sub-body), besides ICANN
    assert keys(text, "organization") == ["org/gac", "org/icann", "org/itu", "organization:icann board"]


def test_acronym_definition_binds_later_uses():
    text = ("The Global Forum on Cyber Expertise (GFCE) met today. Later the GFCE agreed, "
            "but see https://example.org/GFCE for details.")
    found = mentions(text, "organization")
    assert [(k, e) for _, k, e in found if k.endswith("expertise")] == [
        ("organization:global forum on cyber expertise", "Global Forum on Cyber Expertise"),
        ("organization:global forum on cyber expertise", "GFCE"),
        ("organization:global forum on cyber expertise", "GFCE")]


def test_acronym_definition_of_a_concept():
    text = 'We should talk about "data free flow with trust" (DFFT) first. DFFT matters.'
    assert [e for _, k, e in mentions(text, "concept") if k == "concept:data free flow with trust"] == [
        "data free flow with trust", "DFFT", "DFFT"]


def test_acronym_definition_of_a_kb_body_keeps_the_kb_key():
    text = "The Working Group on Internet Governance (WGIG) reported; WGIG then closed."
    assert keys(text, "organization") == ["org/wgig"]


@pytest.mark.parametrize("text, label", [
    ("We met the Ministry of Communications and Digital Economy last week.",
     "organization:ministry of communications and digital economy"),
    ("The Department for Culture, Media & Sport replied.", "organization:department for culture media sport"),
    ("A new Working Group on Data Governance was formed.", "organization:working group on data governance"),
    ("She sits on the Regional Telecom Advisory Board now.", "organization:regional telecom advisory board"),
    ("Later the ISOC Ruritania Chapter hosted it.", "organization:isoc ruritania chapter"),
    ("the Global Commission on the Stability of Cyberspace said", "organization:global commission on the stability of cyberspace"),
])
def test_body_name_patterns(text, label):
    assert label in keys(text, "organization")


@pytest.mark.parametrize("text, label", [
    ("The UK government disagreed.", "organization:government of the united kingdom"),
    ("He told the Government of Canada so.", "organization:government of canada"),
    ("the Brazil government hosted", "organization:government of brazil"),
])
def test_governments(text, label):
    assert label in keys(text, "organization")


def test_no_organization_from_a_person_or_a_plain_capitalised_word():
    assert keys("Dear Colleagues, The Board said Hello. Thanks, Maria", "organization") == []


def test_kb_documents_and_paragraphs():
    text = "As para. 35 of the Tunis Agenda says, and paragraph 69 too, the WGIG report agreed."
    assert keys(text, "document") == ["doc/tunis-agenda", "doc/tunis-agenda/para-35", "doc/tunis-agenda/para-69",
                                      "doc/wgig-report"]


def test_paragraph_ranges_and_section_signs():
    text = "The Budapest Convention matters; see paras 2-4 and § 9 (of it)."
    found = keys(text, "document")
    assert found == ["doc/budapest-convention", "doc/budapest-convention/para-2", "doc/budapest-convention/para-3",
                     "doc/budapest-convention/para-4", "doc/budapest-convention/para-9"]
    labels = {m.label for m in run_extractors(message(text)).mentions if m.key.endswith("para-9")}
    assert labels == {"Convention on Cybercrime, paragraph 9"}


def test_bare_paragraph_without_a_document_is_skipped():
    assert keys("I read paragraph 12 yesterday.", "document") == []


@pytest.mark.parametrize("text, key", [
    ('We endorsed the "Kigali Declaration on Digital Rights" last year.',
     "document:kigali declaration on digital rights"),
    ("Please read the Nairobi Principles for Community Networks again.",
     "document:nairobi principles for community networks"),
    ("See *the Open Data Charter* for the details.", "document:the open data charter"),
    ("The Ruritania Cyber Resilience Strategy Report is out.", "document:ruritania cyber resilience strategy report"),
])
def test_document_titles(text, key):
    assert key in keys(text, "document")


def test_report_from_a_body_slashes_as_italics_and_pdf_link():
    text = ("I recommend the /Report from the Expert Panel on Digital Trust – Building\n"
            "Trust Online: A Shared Agenda <https://example.org/files/trust_report.pdf>/, which\n"
            "is excellent.")
    result = run_extractors(message(text))
    docs = [m for m in result.mentions if m.kind == "document"]
    assert {m.key for m in docs} == {"document:building trust online a shared agenda"}
    assert any(m.evidence.exact.endswith(".pdf") for m in docs)
    assert "organization:expert panel on digital trust" in {m.key for m in result.mentions}
    assert ("organization:expert panel on digital trust", "authored", "document:building trust online a shared agenda") \
        in {(r.subject, r.predicate, r.object) for r in result.relations}


def test_body_paper_on_a_subject():
    text = "- EU non-paper on Digital Cooperation and Trust\n  <https://example.org/x>\n"
    assert "document:eu non paper on digital cooperation and trust" in keys(text, "document")


def test_standalone_pdf_link_is_a_document():
    assert keys("Slides: https://example.org/slides/final-deck.pdf", "document") == [
        "document:https://example.org/slides/final-deck.pdf"]


def test_concepts_and_quoted_terms():
    text = 'We discussed cyber-security, the multi-stakeholder model and the so-called "Digital Sovereignty Doctrine".'
    assert keys(text, "concept") == ["concept/cybersecurity", "concept/multistakeholder-model",
                                     "concept:digital sovereignty doctrine"]


def test_events():
    text = "Before WSIS+20 and after the Tunis summit, the IGF 2025 and the Lagos Digital Summit met."
    assert keys(text, "event") == ["event/wsis-20", "event/wsis-tunis", "event:igf 2025", "event:lagos digital summit"]


def test_places_not_in_urls():
    text = "From Geneva to Nairobi; see https://geneva.example.org/Kenya and Brasil."
    assert keys(text, "place") == ["place/brazil", "place/geneva", "place/nairobi"]


def test_generic_title_resolved_through_the_body_named_with_it():
    text = "In its Final Report the WGIG proposed a forum. The Final Report of nobody else is unknown."
    assert keys(text, "document") == ["doc/wgig-report"]
