"""End to end on the seed page: the posts, their authors, dates and reply chain, entities, memberships, evidence."""

from __future__ import annotations

import re

import pytest
from rdflib import Graph, Literal, URIRef

from kg.export import union_of
from kg.text_norm import fold
from kg.vocab import DCTERMS, FOAF, IGKG, OA, ORG, RDF, SCHEMA, SIOC, SKOS

EXPECTED_CHAIN = [  # author, date as written in the graph; each answers the next
    ("Anriette Esterhuysen", "2025-07-23T14:30:34-04:00"),
    ("Ana Neves", "2025-07-23T18:36:00"),
    ("Paul Blaker", "2025-07-23T16:03:00"),
    ("parminder", "2025-07-23T14:42:00"),
    ("Veni Markovski", "2025-07-23T19:02:00"),
    ("Raúl Echeberría", "2025-07-22T22:46:00"),
    ("Wolfgang Kleinwächter", "2025-07-22T17:06:00"),
]


@pytest.fixture(scope="module")
def graph(seed_build) -> Graph:
    return union_of(seed_build.dataset)


def names_of(graph: Graph, node) -> set[str]:
    """Every name a node goes by: foaf:name, labels, title, acronyms."""
    props = (FOAF.name, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, IGKG.acronym)
    return {str(o) for p in props for o in graph.objects(node, p)}


def post_by_author(graph: Graph) -> dict[str, URIRef]:
    posts = {}
    for post in graph.subjects(RDF.type, SIOC.Post):
        for maker in graph.objects(post, FOAF.maker):
            for name in names_of(graph, maker):
                posts[name] = post
    return posts


def test_seven_posts_with_authors_dates_and_reply_chain(graph):
    posts = set(graph.subjects(RDF.type, SIOC.Post))
    assert len(posts) == 7
    by_author = post_by_author(graph)
    chain = [by_author[author] for author, _ in EXPECTED_CHAIN]
    assert len(set(chain)) == 7
    for (author, date), post in zip(EXPECTED_CHAIN, chain):
        assert [str(d) for d in graph.objects(post, DCTERMS.created)] == [date], author
    for post, parent in zip(chain, chain[1:]):
        assert list(graph.objects(post, SIOC.reply_of)) == [parent]
    assert list(graph.objects(chain[-1], SIOC.reply_of)) == []
    # the six embedded messages are reconstructed posts, the page's own is not
    assert (chain[0], RDF.type, IGKG.QuotedPost) not in graph
    assert all((p, RDF.type, IGKG.QuotedPost) in graph for p in chain[1:])


def _find(graph: Graph, cls, wanted: str) -> URIRef:
    for node in graph.subjects(RDF.type, cls):
        if any(fold(n) == fold(wanted) for n in names_of(graph, node)):
            return node
    raise AssertionError(f"no {cls} named {wanted!r}")


def _mentioned_by(graph: Graph, entity) -> set[str]:
    """Authors of the posts that mention `entity`."""
    return {name for post in graph.subjects(SCHEMA.mentions, entity)
            for maker in graph.objects(post, FOAF.maker) for name in names_of(graph, maker)}


@pytest.mark.parametrize("name, mentioned_by", [
    ("CSTD", "Ana Neves"), ("ICANN", "Wolfgang Kleinwächter"), ("GAC", "Wolfgang Kleinwächter"),
    ("IGF", "Wolfgang Kleinwächter"), ("WGIG", "Wolfgang Kleinwächter"), ("ITU", "Veni Markovski"),
    ("UNGA", "Wolfgang Kleinwächter"), ("HRC", "Wolfgang Kleinwächter"), ("WTO", "Wolfgang Kleinwächter"),
    ("EU", "Wolfgang Kleinwächter"), ("DSIT", "Paul Blaker"), ("MAG", "Ana Neves"),
])
def test_organizations(graph, name, mentioned_by):
    org = _find(graph, ORG.Organization, name)
    assert mentioned_by in _mentioned_by(graph, org)
    assert graph.value(org, SKOS.prefLabel) is not None


def test_gac_is_part_of_icann(graph):
    gac, icann = _find(graph, ORG.Organization, "GAC"), _find(graph, ORG.Organization, "ICANN")
    assert (gac, ORG.subOrganizationOf, icann) in graph


def test_quoted_names_are_credited_to_the_quoted_message(graph):
    # "Budapest Convention" stands only in Wolfgang's text; the six messages that quote it do not name it
    budapest = _find(graph, FOAF.Document, "Budapest Convention")
    posts = set(graph.subjects(SCHEMA.mentions, budapest))
    assert len(posts) == 1
    assert "Wolfgang Kleinwächter" in names_of(graph, graph.value(posts.pop(), FOAF.maker))


@pytest.mark.parametrize("name", [
    "Tunis Agenda", "Report of the Working Group on Internet Governance", "Geneva Declaration",
    "WSIS Plan of Action", "Budapest Convention",
    "A Breakthrough for People and Planet",
])
def test_documents(graph, name):
    docs = [d for d in graph.subjects(RDF.type, FOAF.Document)
            if any(fold(name) in fold(n) for n in names_of(graph, d))]
    assert docs, name
    assert any(_mentioned_by(graph, d) for d in docs), name


@pytest.mark.parametrize("number", [69, 71])
def test_tunis_agenda_paragraphs_are_parts(graph, number):
    tunis = _find(graph, FOAF.Document, "Tunis Agenda")
    parts = [p for p in graph.subjects(DCTERMS.isPartOf, tunis)
             if graph.value(p, IGKG.paragraphNumber) == Literal(number)]
    assert len(parts) == 1
    assert _mentioned_by(graph, parts[0])


@pytest.mark.parametrize("label", ["enhanced cooperation", "multistakeholder", "Internet governance",
                                   "cybersecurity"])
def test_concepts(graph, label):
    concepts = [c for c in graph.subjects(RDF.type, SKOS.Concept)
                if any(fold(label) in fold(n) for n in names_of(graph, c))]
    assert any(_mentioned_by(graph, c) for c in concepts), label


def _memberships(graph: Graph, person_name: str) -> list[tuple[set[str], str | None]]:
    person = next(p for p in graph.subjects(RDF.type, FOAF.Person) if person_name in names_of(graph, p))
    out = []
    for membership in graph.objects(person, ORG.hasMembership):
        org = graph.value(membership, ORG.organization)
        role = graph.value(membership, ORG.role)
        out.append((names_of(graph, org), str(graph.value(role, SKOS.prefLabel)) if role else None))
    roles = [str(r) for r in graph.objects(person, IGKG.roleLabel)]
    return out + [(set(), r) for r in roles]


def test_paul_blaker_heads_itu_and_ig_at_dsit(graph):
    memberships = _memberships(graph, "Paul Blaker")
    assert any("DSIT" in names and role == "Head of ITU and Internet Governance" for names, role in memberships)


def test_ana_neves_three_signature_roles(graph):
    roles = {role for _, role in _memberships(graph, "Ana Neves") if role}
    for expected in ("Head, Internet Governance Office", "2025 IGF MAG Member", "Chair of the DNS.PT Advisory Board"):
        assert expected in roles


def test_every_mention_has_exact_evidence(graph):
    mentions = list(graph.subject_objects(SCHEMA.mentions))
    assert len(mentions) > 50
    for post, entity in mentions:
        content = str(graph.value(post, SIOC.content))
        anns = [a for a in graph.subjects(OA.hasBody, entity)
                if graph.value(graph.value(a, OA.hasTarget), OA.hasSource) == post]
        assert anns, (post, entity)
        for ann in anns:
            target = graph.value(ann, OA.hasTarget)
            selectors = list(graph.objects(target, OA.hasSelector))
            exact = next(str(graph.value(s, OA.exact)) for s in selectors if graph.value(s, OA.exact) is not None)
            start = next(int(graph.value(s, OA.start)) for s in selectors if graph.value(s, OA.start) is not None)
            end = next(int(graph.value(s, OA.end)) for s in selectors if graph.value(s, OA.end) is not None)
            assert content[start:end] == exact


EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@| at )[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE = re.compile(r"\+\d[\d ()]{7,}\d")


@pytest.mark.parametrize("fmt", ["turtle", "trig", "ntriples", "nquads", "jsonld"])
def test_no_contact_details_in_any_export(seed_build, fmt):
    from kg.export import format_for
    text = format_for(name=fmt).write(seed_build.dataset).decode("utf-8")
    assert not EMAIL.findall(text)
    assert not PHONE.findall(text)
    assert "mbox" not in text
