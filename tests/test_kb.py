"""Contract tests for the Internet-governance knowledge base (ontology/kb/*.ttl) and its loader."""

from __future__ import annotations

import unicodedata
from collections import defaultdict

import pytest
from rdflib import Graph, URIRef

from kg.extractors.salience import broad_topics, generic_terms
from kg.kb import KB_BASE, KB_DIR, load_kb
from kg.vocab import DCTERMS, FOAF, IGKG, ORG, RDF, SCHEMA, SKOS

KINDS = ("organization", "document", "concept", "event", "place")

# Lone common words that must never be an altLabel: alt labels are matched case-insensitively on
# whole words, so any of these would tag ordinary prose ("the Board agreed...", "see the report").
STOP_WORDS = {
    "summit", "forum", "commission", "the commission", "board", "the board", "council", "the council",
    "report", "the report", "committee", "the committee", "secretariat", "the secretariat", "group",
    "working group", "panel", "agenda", "declaration", "statement", "outcome document", "final report",
    "the transition", "transition", "government", "the government", "ministry", "department", "office",
    "union", "assembly", "conference", "meeting", "plenary", "caucus", "coalition", "network",
    "initiative", "foundation", "society", "internet", "review", "process", "compact", "pact",
    "convention", "charter", "treaty", "resolution", "bylaws", "proposal", "community", "chair",
    "the chair", "members", "stakeholders", "civil society", "private sector", "technical community",
    "access", "development", "security", "governance", "policy", "rights", "data",
    "ec", "cs", "ig", "mag", "it", "us", "uk", "un", "eu", "ai",
}

# Cross-kind label collisions that are deliberate (none at present; document any in
# docs/knowledge-base.md before adding one here).
ALLOWED_LABEL_COLLISIONS: set[str] = set()


def _norm(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


@pytest.fixture(scope="module")
def kb():
    return load_kb()


@pytest.mark.parametrize("path", sorted(KB_DIR.glob("*.ttl")), ids=lambda p: p.name)
def test_each_file_parses_on_its_own(path):
    graph = Graph()
    graph.parse(data=path.read_bytes(), format="turtle", publicID=KB_BASE)
    assert len(graph) > 0


def test_expected_files_present():
    names = {p.name for p in KB_DIR.glob("*.ttl")}
    assert {"organizations.ttl", "documents.ttl", "events.ttl", "places.ttl", "concepts.ttl"} <= names


@pytest.mark.parametrize("kind,minimum", [("organization", 200), ("document", 60), ("concept", 120),
                                          ("event", 40), ("place", 193)])
def test_every_kind_is_populated(kb, kind, minimum):
    assert len(kb.by_kind(kind)) >= minimum


def test_all_subjects_are_relative_to_the_kb_base(kb):
    for subject in set(kb.graph.subjects(RDF.type, None)):
        if isinstance(subject, URIRef):
            assert str(subject).startswith(KB_BASE), subject


def test_every_typed_subject_is_an_entry(kb):
    # a typo in a class name would silently drop an entity from the loader
    skipped = {str(s)[len(KB_BASE):] for s in kb.graph.subjects(RDF.type, None)} - set(kb.entries)
    assert skipped <= {"concept/scheme", "concept/broad-topics", "concept/generic-terms"}


def test_salience_collections_hold_concepts_only_once(kb):
    # a concept is a term of art, a broad topic or generic vocabulary: never two of them
    broad, generic = broad_topics(kb), generic_terms(kb)
    assert broad and generic and not broad & generic
    assert all(kb.entries[k].kind == "concept" for k in broad | generic)
    assert "concept/enhanced-cooperation" not in broad | generic


def test_documents_have_a_single_title(kb):
    # kg.kb picks a document's label from dcterms:title without a language preference, so titles in
    # other languages go to skos:altLabel
    for entry in kb.by_kind("document"):
        assert len(list(kb.graph.objects(URIRef(KB_BASE + entry.key), DCTERMS.title))) == 1, entry.key


def test_every_entry_has_exactly_one_english_label(kb):
    for entry in kb.entries.values():
        subject = URIRef(KB_BASE + entry.key)
        prop = DCTERMS.title if entry.kind == "document" else SKOS.prefLabel
        english = [o for o in kb.graph.objects(subject, prop) if getattr(o, "language", None) == "en"]
        assert len(english) == 1, (entry.key, english)
        assert entry.label == str(english[0])


def test_at_most_one_preflabel_per_language(kb):
    for entry in kb.entries.values():
        subject = URIRef(KB_BASE + entry.key)
        langs = [o.language for o in kb.graph.objects(subject, SKOS.prefLabel)]
        assert len(langs) == len(set(langs)), entry.key


def test_no_entry_has_an_empty_name(kb):
    for entry in kb.entries.values():
        for name in (entry.label, *entry.alt_labels, *entry.acronyms):
            assert name.strip() == name and name, (entry.key, name)


def test_acronyms_resolve_to_exactly_one_entry(kb):
    owners = defaultdict(set)
    for entry in kb.entries.values():
        for acronym in entry.acronyms:
            owners[acronym].add(entry.key)
    clashes = {a: sorted(k) for a, k in owners.items() if len(k) > 1}
    assert not clashes


def test_acronyms_do_not_shadow_another_entrys_name(kb):
    names = defaultdict(set)
    for entry in kb.entries.values():
        for name in (entry.label, *entry.alt_labels):
            names[_norm(name)].add(entry.key)
    for entry in kb.entries.values():
        for acronym in entry.acronyms:
            assert not (names.get(_norm(acronym), set()) - {entry.key}), (entry.key, acronym)


def test_no_label_names_two_entries(kb):
    names = defaultdict(set)
    for entry in kb.entries.values():
        for name in (entry.label, *entry.alt_labels):
            names[_norm(name)].add(entry.key)
    clashes = {n: sorted(k) for n, k in names.items() if len(k) > 1 and n not in ALLOWED_LABEL_COLLISIONS}
    assert not clashes


def test_concepts_have_no_two_letter_acronyms(kb):
    # "AI" is the one deliberate exception: it is how mail text names artificial intelligence
    for entry in kb.by_kind("concept"):
        assert all(len(a) > 2 or a == "AI" for a in entry.acronyms), entry.key


def test_no_alt_label_is_a_common_word(kb):
    for entry in kb.entries.values():
        for alt in entry.alt_labels:
            assert _norm(alt) not in STOP_WORDS, (entry.key, alt)
            assert len(alt) > 2, (entry.key, alt)


def test_every_parent_key_exists(kb):
    for entry in kb.entries.values():
        for parent in entry.parents:
            assert parent in kb.entries, (entry.key, parent)
            assert parent != entry.key


def test_event_locations_and_creators_exist(kb):
    for prop in (SCHEMA.location, DCTERMS.creator):
        for subject, obj in kb.graph.subject_objects(prop):
            key = str(obj)[len(KB_BASE):]
            assert key in kb.entries, (subject, key)


def test_organization_parents_are_organizations(kb):
    for entry in kb.by_kind("organization"):
        assert all(kb.entries[p].kind == "organization" for p in entry.parents), entry.key


def test_organizations_carry_an_igkg_class_and_org_organization(kb):
    classes = {IGKG.IntergovernmentalOrganization, IGKG.GovernmentalOrganization, IGKG.TechnicalOrganization,
               IGKG.CivilSocietyOrganization, IGKG.MultistakeholderBody, IGKG.PrivateOrganization,
               IGKG.OtherOrganization}
    for entry in kb.by_kind("organization"):
        types = set(kb.graph.objects(URIRef(KB_BASE + entry.key), RDF.type))
        assert ORG.Organization in types and len(types & classes) == 1, entry.key


def test_no_people(kb):
    assert not list(kb.graph.subjects(RDF.type, FOAF.Person))
    assert not list(kb.graph.subject_objects(FOAF.name))


def test_concepts_are_in_the_scheme_and_reach_a_top_concept(kb):
    scheme = URIRef(KB_BASE + "concept/scheme")
    tops = {str(s)[len(KB_BASE):] for s in kb.graph.subjects(SKOS.topConceptOf, scheme)}
    assert len(tops) >= 6
    for entry in kb.by_kind("concept"):
        subject = URIRef(KB_BASE + entry.key)
        assert (subject, SKOS.inScheme, scheme) in kb.graph, entry.key
        seen, frontier = set(), {entry.key}
        while frontier and not (frontier & tops):
            seen |= frontier
            frontier = {p for k in frontier for p in kb.entries[k].parents} - seen
        assert frontier & tops, entry.key


def test_paragraphs_point_to_their_document(kb):
    paragraphs = set(kb.graph.subjects(RDF.type, IGKG.Paragraph))
    assert len(paragraphs) >= 54
    for subject in paragraphs:
        key = str(subject)[len(KB_BASE):]
        number = kb.graph.value(subject, IGKG.paragraphNumber)
        assert number is not None, key
        if "/para-" in key:  # the pattern extractors mint: <doc slug>/para-<n>
            whole, n = key.rsplit("/para-", 1)
            assert int(n) == int(number) and kb.entries[key].parents == (whole,)


@pytest.mark.parametrize("n", [29, 35, 68, 69, 70, 71, 72, 77, 82])
def test_famous_tunis_agenda_paragraphs(kb, n):
    entry = kb.entries[f"doc/tunis-agenda-for-the-information-society/para-{n}"]
    assert entry.label == f"Tunis Agenda for the Information Society, paragraph {n}"


def test_documents_issued_years_are_plausible(kb):
    for entry in kb.by_kind("document"):
        assert entry.year is None or 1865 <= entry.year <= 2026, entry.key


@pytest.mark.parametrize("surface,key", [
    ("CSTD", "org/cstd"), ("GAC", "org/gac"), ("MAG", "org/mag"), ("WG-Strategy", "org/mag-wg-strategy"),
    ("ICANN", "org/icann"), ("NRIs", "org/nris"), ("DSIT", "org/dsit"), ("US", "place/united-states"),
    ("UK", "place/united-kingdom"), ("GDC", "doc/global-digital-compact"), ("WSIS", "event/wsis"),
    ("AI", "concept/artificial-intelligence"), ("IGC", "org/igc"), ("LACNIC", "org/lacnic"),
])
def test_well_known_acronyms(kb, surface, key):
    assert surface in kb.entries[key].acronyms


@pytest.mark.parametrize("name,key", [
    ("Tunis Agenda", "doc/tunis-agenda-for-the-information-society"),
    ("Budapest Convention", "doc/budapest-convention"),
    ("WSIS Plan of Action", "doc/geneva-plan-of-action"),
    ("multistakeholderism", "concept/multistakeholder-model"),
    ("US government", "org/gov-us"),
    ("Department for Science, Innovation & Technology", "org/dsit"),
    ("Brasil", "place/brazil"), ("Genève", "place/geneva"), ("Lisboa", "place/lisbon"),
    ("Athens IGF", "event/igf-2006"), ("IGF 2025", "event/igf-2025"),
])
def test_well_known_variants(kb, name, key):
    assert name in (kb.entries[key].label, *kb.entries[key].alt_labels)


def test_parent_chains(kb):
    assert "org/icann" in kb.entries["org/gac"].parents
    assert "org/igf" in kb.entries["org/mag"].parents
    assert "org/ecosoc" in kb.entries["org/cstd"].parents
    assert "org/un" in kb.entries["org/ecosoc"].parents
    assert "place/switzerland" in kb.entries["place/geneva"].parents
