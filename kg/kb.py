"""The Internet-governance knowledge base (ontology/kb/*.ttl) loaded as labelled entries for the extractors."""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

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


class TripleIndex:
    """Read-only triples answering the two lookups the KB needs (objects of s/p, subjects of p/o),
    without an rdflib Graph: building one costs more than the rest of loading the KB."""

    def __init__(self, triples: Iterable[tuple]):
        self._objects: dict[tuple, list] = defaultdict(list)
        self._subjects: dict[tuple, list] = defaultdict(list)
        self.triples = list(triples)
        for s, p, o in self.triples:
            self._objects[(s, p)].append(o)
            self._subjects[(p, o)].append(s)
            self._subjects[(p, None)].append(s)

    def objects(self, subject, predicate) -> Iterator:
        """Objects of (subject, predicate, ?), like Graph.objects."""
        return iter(self._objects.get((subject, predicate), ()))

    def subjects(self, predicate, obj) -> Iterator:
        """Subjects of (?, predicate, obj), like Graph.subjects (obj None: any object)."""
        return iter(self._subjects.get((predicate, obj), ()))


class KnowledgeBase:
    """All entries by key, and the RDF they were read from (`graph`: an rdflib Graph, made on first use)."""

    def __init__(self, entries: dict[str, KBEntry], graph: Graph | None = None, triples: TripleIndex | None = None):
        self.entries = entries
        self._graph = graph
        self._index = triples

    @property
    def graph(self) -> Graph:
        """The KB as an rdflib Graph (for the KB named graph, validation and tests)."""
        if self._graph is None:
            graph = Graph()
            for triple in self._index.triples:
                graph.add(triple)
            self._graph = graph
        return self._graph

    def objects(self, subject, predicate) -> Iterator:
        """Objects of (subject, predicate, ?) in the KB: the extractors' fast path (no rdflib Graph)."""
        if self._index is None:
            self._index = TripleIndex(self._graph)
        return self._index.objects(subject, predicate)

    def triples(self) -> Iterable[tuple]:
        """Every KB triple (rdflib terms), without making the rdflib Graph."""
        return self._index.triples if self._index is not None else self._graph

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


def parse_kb_graph(graph: Graph | TripleIndex) -> dict[str, KBEntry]:
    """Read KB entries out of a graph (or TripleIndex) whose entity IRIs start with KB_BASE."""
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


def kb_triples() -> TripleIndex:
    """Every ontology/kb/*.ttl triple as rdflib terms, parsed by pyoxigraph (50x faster than rdflib's parser)."""
    from kg.store import from_ox  # the one pyoxigraph -> rdflib conversion (xsd:string stays plain)

    terms: dict = {}
    triples = []
    for path in sorted(KB_DIR.glob("*.ttl")):
        # from bytes, as Turtle only (security.md D3), into a throwaway in-memory store per file
        # (the store also drops duplicate triples, as rdflib did)
        store = ox.Store()
        store.load(input=path.read_bytes(), format=ox.RdfFormat.TURTLE, base_iri=KB_BASE)
        for quad in store:
            triples.append(tuple(terms[t] if t in terms else terms.setdefault(t, from_ox(t))
                                 for t in (quad.subject, quad.predicate, quad.object)))
    return TripleIndex(triples)


def kb_files_digest() -> str:
    """sha256 over every ontology/kb/*.ttl file's name and bytes: what the KB graph is read from."""
    digest = hashlib.sha256()
    for path in sorted(KB_DIR.glob("*.ttl")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def load_kb() -> KnowledgeBase:
    """Load every ontology/kb/*.ttl file once per process."""
    index = kb_triples()
    return KnowledgeBase(parse_kb_graph(index), triples=index)
