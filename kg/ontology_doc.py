"""Generate docs/ontology.md from ontology/igkg.ttl (run `python -m kg.ontology_doc`; `--check` to compare)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from kg.vocab import IGKG_NS

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_PATH = ROOT / "ontology" / "igkg.ttl"
DOC_PATH = ROOT / "docs" / "ontology.md"
ONTOLOGY_IRI = URIRef("https://w3id.org/igkg/ns")

# A fixed prefix table rather than the graph's bindings, so the page never depends on which
# prefixes rdflib happens to bind by default.
PREFIXES = (
    ("igkg", IGKG_NS),
    ("rdf", str(RDF)),
    ("rdfs", str(RDFS)),
    ("owl", str(OWL)),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("dcterms", str(DCTERMS)),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("org", "http://www.w3.org/ns/org#"),
    ("sioc", "http://rdfs.org/sioc/ns#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("oa", "http://www.w3.org/ns/oa#"),
    ("schema", "https://schema.org/"),
)
_PROPERTY_KINDS = {
    OWL.ObjectProperty: "object",
    OWL.DatatypeProperty: "datatype",
    OWL.AnnotationProperty: "annotation",
}
# Axioms on standard terms shown in "Standard alignments", in this order.
_ALIGNMENT_PREDICATES = (RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf, RDFS.domain, RDFS.range, RDF.type)


def load_ontology(path: Path = ONTOLOGY_PATH) -> Graph:
    """Parse igkg.ttl (as data, never as a path string handed to rdflib)."""
    graph = Graph()
    graph.parse(data=path.read_bytes(), format="turtle")
    return graph


def curie(node: Node) -> str:
    """The term as prefix:local with the fixed PREFIXES table, or <iri> when none fits."""
    text = str(node)
    for prefix, namespace in PREFIXES:
        if text.startswith(namespace) and len(text) > len(namespace):
            return f"{prefix}:{text[len(namespace):]}"
    return f"<{text}>"


def _cell(text: str) -> str:
    # Markdown table cells: one line, and a literal "|" would end the cell.
    return " ".join(text.split()).replace("|", "\\|")


def _english(graph: Graph, subject: Node, predicate: URIRef) -> str:
    values = sorted(
        (str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal) and o.language in ("en", None))
    )
    return values[0] if values else ""


def _terms(graph: Graph, node_type: URIRef) -> list[URIRef]:
    return sorted(
        (s for s in set(graph.subjects(RDF.type, node_type)) if isinstance(s, URIRef) and str(s).startswith(IGKG_NS)),
        key=str,
    )


def _objects(graph: Graph, subject: Node, predicate: URIRef) -> str:
    return ", ".join(f"`{curie(o)}`" for o in sorted(graph.objects(subject, predicate), key=str))


def render(graph: Graph) -> str:
    """The Markdown page describing the ontology in `graph`: header, classes, properties, alignments."""
    version = _english(graph, ONTOLOGY_IRI, OWL.versionInfo)
    licence = sorted(str(o) for o in graph.objects(ONTOLOGY_IRI, DCTERMS.license))
    lines = [
        "# The igkg vocabulary",
        "",
        "<!-- Generated from ontology/igkg.ttl by `python -m kg.ontology_doc`; do not edit by hand. -->",
        "",
        f"Namespace `{IGKG_NS}` (prefix `igkg:`), ontology `<{ONTOLOGY_IRI}>`, version {version}, "
        f"licence {', '.join(f'<{url}>' for url in licence)}.",
        "",
        _english(graph, ONTOLOGY_IRI, RDFS.comment),
        "",
        "## Classes",
        "",
        "| class | label | subclass of | description |",
        "|---|---|---|---|",
    ]
    for term in _terms(graph, OWL.Class):
        lines.append(
            f"| `{curie(term)}` | {_cell(_english(graph, term, RDFS.label))} "
            f"| {_objects(graph, term, RDFS.subClassOf)} | {_cell(_english(graph, term, RDFS.comment))} |"
        )
    lines += [
        "",
        "## Properties",
        "",
        "| property | kind | label | domain | range | sub-property of | description |",
        "|---|---|---|---|---|---|---|",
    ]
    properties = sorted(
        ((term, kind) for node_type, kind in _PROPERTY_KINDS.items() for term in _terms(graph, node_type)),
        key=lambda pair: str(pair[0]),
    )
    for term, kind in properties:
        lines.append(
            f"| `{curie(term)}` | {kind} | {_cell(_english(graph, term, RDFS.label))} "
            f"| {_objects(graph, term, RDFS.domain)} | {_objects(graph, term, RDFS.range)} "
            f"| {_objects(graph, term, RDFS.subPropertyOf)} | {_cell(_english(graph, term, RDFS.comment))} |"
        )
    lines += [
        "",
        "## Standard alignments",
        "",
        "Axioms of the standard vocabularies that igkg.ttl restates so that reasoning over it alone",
        "(no imports are fetched) materialises what plain SPARQL queries expect. SIOC's",
        "`sioc:Post rdfs:subClassOf foaf:Document` is deliberately not restated: igkg keeps `foaf:Document`",
        "for the documents of the Internet-governance record.",
        "",
        "| subject | axiom | object |",
        "|---|---|---|",
    ]
    for predicate in _ALIGNMENT_PREDICATES:
        rows = sorted(
            (curie(s), curie(o))
            for s, o in graph.subject_objects(predicate)
            if isinstance(s, URIRef) and not str(s).startswith(IGKG_NS) and s != ONTOLOGY_IRI
        )
        lines += [f"| `{s}` | `{curie(predicate)}` | `{o}` |" for s, o in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write docs/ontology.md, or with --check exit 1 when it differs from what igkg.ttl generates."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    text = render(load_ontology())
    if args.check:
        current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
        if current != text:
            print(f"{DOC_PATH} is out of date: run python -m kg.ontology_doc", file=sys.stderr)
            return 1
        return 0
    # Write-then-rename so an interrupted run never leaves half a page.
    tmp = DOC_PATH.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(DOC_PATH)
    return 0


if __name__ == "__main__":
    sys.exit(main())
