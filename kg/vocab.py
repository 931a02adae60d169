"""Closed namespaces for every term igkg writes: the project's own (IGKG) and the standard ones it uses."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace
from rdflib.term import URIRef

IGKG_NS = "https://w3id.org/igkg/ns#"


class IGKG(DefinedNamespace):
    """igkg's own terms; ontology/igkg.ttl defines each one (a test keeps the two equal)."""

    _NS = Namespace(IGKG_NS)
    _fail = True

    # organization classes (all rdfs:subClassOf org:Organization)
    IntergovernmentalOrganization: URIRef
    GovernmentalOrganization: URIRef
    TechnicalOrganization: URIRef
    CivilSocietyOrganization: URIRef
    MultistakeholderBody: URIRef
    PrivateOrganization: URIRef
    OtherOrganization: URIRef
    # messages
    QuotedPost: URIRef  # a sioc:Post reconstructed from a quote inside another post
    archivePage: URIRef  # the archive page a post was read from
    quotedIn: URIRef  # a reconstructed post -> the post whose text quoted it
    # knowledge base
    acronym: URIRef
    Paragraph: URIRef  # a numbered paragraph/section of a document (subclass of foaf:Document)
    paragraphNumber: URIRef
    # relations between actors, each also recorded as an oa:Annotation with evidence
    agreesWith: URIRef
    disagreesWith: URIRef
    proposes: URIRef
    chairs: URIRef
    cites: URIRef
    locatedIn: URIRef
    # membership
    statedIn: URIRef  # an org:Membership -> the post that states it (dates it)
    roleLabel: URIRef
    # provenance of the run
    Extractor: URIRef


SIOC = Namespace("http://rdfs.org/sioc/ns#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
VANN = Namespace("http://purl.org/vocab/vann/")  # the ontology header's preferred prefix and namespace

__all__ = [
    "IGKG", "IGKG_NS", "SIOC", "OA", "SCHEMA", "VOID", "DCAT", "VANN",
    "DCTERMS", "FOAF", "ORG", "OWL", "PROV", "RDF", "RDFS", "SKOS", "XSD",
]
