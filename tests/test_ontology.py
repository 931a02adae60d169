"""ontology/igkg.ttl: well-formed OWL, every term documented, equal to kg/vocab.py, docs current, reasoning cheap."""

from __future__ import annotations

import time
from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS

from kg import ontology_doc
from kg.validate import validate_graph
from kg.vocab import IGKG, IGKG_NS, SCHEMA, SIOC

pytestmark = pytest.mark.filterwarnings("error")

ONTOLOGY_IRI = URIRef("https://w3id.org/igkg/ns")
TERM_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
ORG_CLASSES = (
    IGKG.IntergovernmentalOrganization, IGKG.GovernmentalOrganization, IGKG.TechnicalOrganization,
    IGKG.CivilSocietyOrganization, IGKG.MultistakeholderBody, IGKG.PrivateOrganization, IGKG.OtherOrganization,
)


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_doc.load_ontology()


def _igkg_terms(graph: Graph) -> set[str]:
    """Every igkg: IRI used anywhere in the graph, as a local name."""
    nodes = {n for triple in graph for n in triple if isinstance(n, URIRef) and str(n).startswith(IGKG_NS)}
    return {str(n)[len(IGKG_NS):] for n in nodes}


def _vocab_terms() -> set[str]:
    return {name for name in IGKG.__annotations__ if not name.startswith("_")}


def test_ontology_header(onto):
    assert set(onto.subjects(RDF.type, OWL.Ontology)) == {ONTOLOGY_IRI}
    assert onto.value(ONTOLOGY_IRI, OWL.versionInfo) is not None
    assert onto.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert onto.value(ONTOLOGY_IRI, RDFS.label) is not None
    assert onto.value(ONTOLOGY_IRI, RDFS.comment) is not None
    assert onto.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


def test_vocab_and_ontology_define_the_same_terms(onto):
    in_ttl, in_vocab = _igkg_terms(onto), _vocab_terms()
    assert in_vocab - in_ttl == set(), "in kg/vocab.py but not defined in igkg.ttl"
    assert in_ttl - in_vocab == set(), "used in igkg.ttl but missing from kg/vocab.py"


@pytest.mark.parametrize("name", sorted(_vocab_terms()))
def test_every_term_is_declared_labelled_and_commented(onto, name):
    term = IGKG[name]
    assert set(onto.objects(term, RDF.type)) & TERM_TYPES, f"igkg:{name} has no OWL type"
    assert onto.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI
    for predicate in (RDFS.label, RDFS.comment):
        values = list(onto.objects(term, predicate))
        assert len(values) == 1 and isinstance(values[0], Literal) and values[0].language == "en", (name, predicate)
    # a class is named by a capitalised noun and a property by a lower-case verb phrase
    is_class = (term, RDF.type, OWL.Class) in onto
    assert name[0].isupper() is is_class


@pytest.mark.parametrize("cls", ORG_CLASSES, ids=lambda c: c.fragment)
def test_organization_classes_are_org_organizations(onto, cls):
    assert (cls, RDFS.subClassOf, ORG.Organization) in onto


@pytest.mark.parametrize(
    "axiom",
    [
        (IGKG.QuotedPost, RDFS.subClassOf, SIOC.Post),
        (IGKG.Paragraph, RDFS.subClassOf, FOAF.Document),
        (IGKG.Extractor, RDFS.subClassOf, PROV.SoftwareAgent),
        (IGKG.acronym, RDFS.subPropertyOf, SKOS.altLabel),
        (IGKG.statedIn, RDFS.subPropertyOf, PROV.wasDerivedFrom),
        (IGKG.cites, RDFS.subPropertyOf, DCTERMS.references),
        (IGKG.cites, RDFS.subPropertyOf, SCHEMA.mentions),
        (IGKG.archivePage, RDFS.subPropertyOf, RDFS.seeAlso),
        (IGKG.agreesWith, RDFS.domain, FOAF.Agent),
        (IGKG.agreesWith, RDFS.range, FOAF.Agent),
        (IGKG.disagreesWith, RDFS.domain, FOAF.Agent),
        (IGKG.disagreesWith, RDFS.range, FOAF.Agent),
        (IGKG.locatedIn, RDFS.range, SCHEMA.Place),
        (IGKG.statedIn, RDFS.domain, ORG.Membership),
        (IGKG.statedIn, RDFS.range, SIOC.Post),
        (ORG.Organization, RDFS.subClassOf, FOAF.Agent),
        (ORG.memberOf, OWL.inverseOf, ORG.hasMember),
        (SIOC.reply_of, OWL.inverseOf, SIOC.has_reply),
    ],
    ids=lambda axiom: " ".join(ontology_doc.curie(node) for node in axiom),
)
def test_alignment(onto, axiom):
    assert axiom in onto


def test_posts_are_not_made_foaf_documents(onto):
    """SIOC says so, but igkg keeps foaf:Document for the IG record's documents (see igkg.ttl)."""
    assert (SIOC.Post, RDFS.subClassOf, FOAF.Document) not in onto


def test_no_owl_imports(onto):
    # nothing to fetch when the ontology is loaded or reasoned over (security.md D7)
    assert not list(onto.objects(None, OWL.imports))


def test_rdfs_closure_terminates_quickly(onto):
    graph = Graph()
    for triple in onto:
        graph.add(triple)
    start = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    assert time.perf_counter() - start < 5.0
    assert (IGKG.TechnicalOrganization, RDFS.subClassOf, FOAF.Agent) in graph
    assert (IGKG.acronym, RDFS.subPropertyOf, SKOS.altLabel) in graph


def test_closure_of_the_fixtures_with_the_ontology_still_conforms(onto):
    """Every domain, range and subclass igkg.ttl declares, once materialised, still satisfies the shapes."""
    data_dir = Path(__file__).resolve().parent / "data" / "shapes"
    graph = Graph()
    for path in sorted(data_dir.glob("*/valid.ttl")):
        graph.parse(data=path.read_bytes(), format="turtle")
    for triple in onto:
        graph.add(triple)
    before = len(graph)
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    assert len(graph) > before
    report = validate_graph(graph)
    assert report.results == (), report.results


def test_docs_ontology_md_is_current(onto):
    assert ontology_doc.DOC_PATH.read_text(encoding="utf-8") == ontology_doc.render(onto), (
        "docs/ontology.md is out of date: run python -m kg.ontology_doc"
    )


def test_docs_list_every_term(onto):
    text = ontology_doc.render(onto)
    for name in _vocab_terms():
        assert f"`igkg:{name}`" in text


def test_render_is_deterministic(onto):
    assert ontology_doc.render(onto) == ontology_doc.render(ontology_doc.load_ontology())
