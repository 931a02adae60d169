"""The dataset's VoID + DCAT description and the SPARQL service description, as rdflib graphs."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from kg.serve_data import PREFIXES
from kg.serve_privacy import publishable
from kg.store import QuadStore
from kg.vocab import DCAT, VOID

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")
VOCABULARIES = ("sioc", "foaf", "org", "skos", "dcterms", "prov", "oa", "schema", "igkg")


def _graph() -> Graph:
    graph = Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True)
    graph.bind("sd", SD)
    return graph


def void_graph(store: QuadStore, base_iri: str, site_root: str, suppressed: frozenset[str],
               sparql: bool = True) -> Graph:
    """VoID + DCAT: the dataset, its URI space, endpoint, dumps and size; plus the run's own metadata graph.

    `site_root` is where the documents live (the serving host's root URL, or the site's public URL).
    """
    graph = _graph()
    dataset = URIRef(base_iri + "dataset")
    root = site_root.rstrip("/")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, Literal("Internet-governance mailing lists: knowledge graph", lang="en")))
    graph.add((dataset, VOID.uriSpace, Literal(base_iri)))
    graph.add((dataset, VOID.triples, Literal(len(store), datatype=XSD.integer)))
    graph.add((dataset, VOID.rootResource, URIRef(root + "/")))
    for name in VOCABULARIES:
        graph.add((dataset, VOID.vocabulary, URIRef(PREFIXES[name])))
    if sparql:
        graph.add((dataset, VOID.sparqlEndpoint, URIRef(root + "/sparql")))
    for path, media_type in (("/dump.ttl", "text/turtle"), ("/dump.nq", "application/n-quads")):
        url = URIRef(root + path)
        graph.add((dataset, VOID.dataDump, url))
        dist = URIRef(f"{base_iri}dataset/distribution/{path.rsplit('.', 1)[1]}")
        graph.add((dataset, DCAT.distribution, dist))
        graph.add((dist, RDF.type, DCAT.Distribution))
        graph.add((dist, DCAT.downloadURL, url))
        graph.add((dist, DCAT.mediaType, Literal(media_type)))
    # The run's own VoID/DCAT/PROV (graph/meta), when the build wrote one.
    rows = store.query("SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(base_iri + "graph/meta")}).rows
    for triple in publishable(rows, suppressed):
        graph.add(triple)
    return graph


def service_description(base_iri: str, site_root: str) -> Graph:
    """SPARQL 1.1 Service Description of the endpoint at `site_root`/sparql."""
    graph = _graph()
    endpoint = URIRef(site_root.rstrip("/") + "/sparql")
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for fmt in ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"):
        graph.add((service, SD.resultFormat, FORMATS_NS[fmt]))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, DCTERMS.source, URIRef(base_iri + "dataset")))
    return graph
