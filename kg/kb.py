"""The Internet-governance knowledge base (ontology/kb/*.ttl) loaded as labelled entries for the extractors."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef

from kg.resources import KB_DIR
from kg.vocab import DCTERMS, FOAF, IGKG, ORG, RDF, RDFS, SCHEMA, SKOS

# KB files use relative IRIs (<org/cstd>); they resolve against this placeholder and are rebased on
# the configured base IRI by kg.identity, so the KB keys never depend on the deployment.
KB_BASE = "https://kg.example.org/id/"

_ORG_CLASSES = {
    IGKG.IntergovernmentalOrganization: "intergovernmental",
    IGKG.GovernmentalOrganization: "governmental",
    IGKG.TechnicalOrganization: "technical",
    IGKG.CivilSocietyOrganization: "civil-society",
    IGKG.MultistakeholderBody: "multistakeholder",
    IGKG.PrivateOrganization: "private",
    IGKG.OtherOrganization: "other",
    ORG.Organization: "other",
}


@dataclass(frozen=True)
class KBEntry:
    """One knowledge-base entity with every name it may be written under."""

    key: str  # the IRI relative to the KB base, e.g. "org/cstd"
    kind: str  # organization | document | concept | event | place
    label: str
    alt_labels: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    parents: tuple[str, ...] = ()  # keys: subOrganizationOf / isPartOf / broader / containedInPlace
    org_type: str | None = None  # for organizations: intergovernmental, governmental, ...
    year: int | None = None  # for documents: dcterms:issued


@dataclass(frozen=True)
class KnowledgeBase:
    """All entries by key, and the RDF graph they were read from."""

    entries: dict[str, KBEntry]
    graph: Graph

    def by_kind(self, kind: str) -> list[KBEntry]:
        """Entries of one kind, sorted by key (deterministic)."""
        return sorted((e for e in self.entries.values() if e.kind == kind), key=lambda e: e.key)


def _key(node) -> str | None:
    text = str(node)
    return text[len(KB_BASE):] if isinstance(node, URIRef) and text.startswith(KB_BASE) else None


def _strings(graph: Graph, subject, predicate) -> tuple[str, ...]:
    return tuple(sorted({str(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}))


def _kind(graph: Graph, subject) -> tuple[str | None, str | None]:
    types = set(graph.objects(subject, RDF.type))
    for cls, org_type in _ORG_CLASSES.items():
        if cls in types:
            return "organization", org_type
    if FOAF.Document in types or IGKG.Paragraph in types:
        return "document", None
    if SKOS.Concept in types:
        return "concept", None
    if SCHEMA.Event in types:
        return "event", None
    if types & {SCHEMA.Place, SCHEMA.Country, SCHEMA.City, SCHEMA.AdministrativeArea}:
        return "place", None
    return None, None


def parse_kb_graph(graph: Graph) -> dict[str, KBEntry]:
    """Read KB entries out of a graph whose entity IRIs start with KB_BASE."""
    entries: dict[str, KBEntry] = {}
    parent_props = (ORG.subOrganizationOf, DCTERMS.isPartOf, SKOS.broader, SCHEMA.containedInPlace)
    for subject in sorted(set(graph.subjects(RDF.type, None))):
        key = _key(subject)
        kind, org_type = _kind(graph, subject)
        if key is None or kind is None:
            continue
        labels = _strings(graph, subject, SKOS.prefLabel) or _strings(graph, subject, DCTERMS.title)
        english = [str(o) for o in graph.objects(subject, SKOS.prefLabel) if getattr(o, "language", None) == "en"]
        label = (sorted(english) or list(labels) or [key])[0]
        alt = set(_strings(graph, subject, SKOS.altLabel)) | set(labels) | set(_strings(graph, subject, RDFS.label))
        alt |= set(_strings(graph, subject, DCTERMS.title))
        alt.discard(label)
        parents = tuple(sorted(k for p in parent_props for o in graph.objects(subject, p) if (k := _key(o))))
        issued = next(iter(graph.objects(subject, DCTERMS.issued)), None)
        year = int(str(issued)[:4]) if issued is not None and str(issued)[:4].isdigit() else None
        entries[key] = KBEntry(key, kind, label, tuple(sorted(alt)), _strings(graph, subject, IGKG.acronym),
                               parents, org_type, year)
    return entries


@functools.lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """Load every ontology/kb/*.ttl file once per process."""
    graph = Graph()
    for path in sorted(KB_DIR.glob("*.ttl")):
        graph.parse(data=path.read_bytes(), format="turtle", publicID=KB_BASE)
    return KnowledgeBase(parse_kb_graph(graph), graph)
