"""How the mapping spells RDF terms: rdflib objects (exports, small graphs) or N-Triples text (the store path)."""

from __future__ import annotations

import re
from datetime import datetime

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef

from kg.vocab import DCAT, DCTERMS, FOAF, IGKG, OA, ORG, PROV, RDF, RDFS, SCHEMA, SIOC, SKOS, VOID, XSD

NAMESPACES = {"DCAT": DCAT, "DCTERMS": DCTERMS, "FOAF": FOAF, "IGKG": IGKG, "OA": OA, "ORG": ORG, "PROV": PROV,
              "RDF": RDF, "RDFS": RDFS, "SCHEMA": SCHEMA, "SIOC": SIOC, "SKOS": SKOS, "VOID": VOID, "XSD": XSD}
IRI_CACHE_SIZE = 100_000  # spelled IRIs kept: entities and vocabulary repeat, annotation IRIs do not
# what pyoxigraph escapes in a literal (checked over every code point), and lone surrogates, which it
# refuses: a value without any of them is written as is, between quotes
_LITERAL_SPECIAL = re.compile(r'[\x00-\x1f"\\\x7f\ufffe\uffff\ud800-\udfff]')


def date_literal(value: datetime) -> Literal:
    """xsd:dateTime with the offset when known; naive (local) times are written without one."""
    return Literal(value.isoformat(), datatype=XSD.dateTime)


class TripleSet(set):
    """The part of rdflib.Graph the mapping uses (add/remove/iterate), as a set: set.add already
    takes one triple, and remove() must not fail on a missing triple, like Graph.remove."""

    def remove(self, triple) -> None:  # type: ignore[override]
        self.discard(triple)


class _Namespace:
    """A namespace whose terms are spelled by one factory, each once (then a plain attribute)."""

    def __init__(self, namespace, spell):
        self._namespace, self._spell = namespace, spell

    def __getattr__(self, name: str):
        term = self._spell(self._namespace[name])
        setattr(self, name, term)
        return term


class Terms:
    """rdflib terms into an rdflib Graph: what exports, tests and small in-memory builds use."""

    graph = Graph

    def __init__(self):
        for name, namespace in NAMESPACES.items():
            setattr(self, name, namespace)

    def iri(self, value: str):
        """A named node."""
        return URIRef(value)

    def value(self, node) -> str:
        """The IRI of a node made by `iri`."""
        return str(node)

    def fragment(self, node, name: str):
        """The node `<iri#name>` of a node `<iri>` (`name` is letters only)."""
        return URIRef(f"{node}#{name}")

    def add_all(self, g: Graph, triples) -> None:
        """Add `triples` to a graph made by `graph`."""
        for triple in triples:
            g.add(triple)

    def literal(self, value: str):
        """A plain string literal."""
        return Literal(value)

    def integer(self, value: int):
        """An xsd:integer literal."""
        return Literal(value)

    def year(self, value: int):
        """An xsd:gYear literal."""
        return Literal(str(value), datatype=XSD.gYear)

    def date(self, value: datetime):
        """An xsd:dateTime literal (see date_literal)."""
        return date_literal(value)


class NTriplesTerms(Terms):
    """Each term as its N-Triples text, spelled by pyoxigraph (which validates IRIs and escapes literals),
    into a TripleSet: a message graph on the store path is only hashed as sorted N-Triples lines and
    bulk-loaded as text, so no rdflib or pyoxigraph objects need to outlive the spelling."""

    graph = TripleSet

    def __init__(self):
        self._iris: dict[str, str] = {}
        for name, namespace in NAMESPACES.items():
            setattr(self, name, _Namespace(namespace, self.iri))
        literal, special = ox.Literal, _LITERAL_SPECIAL.search
        # the hot path (three literals per annotation): no method lookup, and pyoxigraph only for escapes
        self.literal = lambda value: f'"{value}"' if special(value) is None else str(literal(value))
        self._integer = f"^^<{XSD.integer}>"
        self._date: tuple = (None, "")

    def iri(self, value: str) -> str:
        """`<value>` (ValueError for an invalid IRI, as pyoxigraph would raise when storing it)."""
        term = self._iris.get(value)
        if term is None:
            if len(self._iris) >= IRI_CACHE_SIZE:
                self._iris.clear()
            term = self._iris[value] = str(ox.NamedNode(value))
        return term

    def value(self, node: str) -> str:
        """The IRI inside `<...>`."""
        return node[1:-1]

    def add_all(self, g: TripleSet, triples) -> None:
        """Add `triples` to a TripleSet."""
        g.update(triples)

    def fragment(self, node: str, name: str) -> str:
        """`<iri#name>`: valid when `<iri>` was (letters are valid in a fragment) and had no fragment yet."""
        if "#" in node:
            return self.iri(f"{node[1:-1]}#{name}")  # raises ValueError, as pyoxigraph would
        return f"{node[:-1]}#{name}>"

    def integer(self, value: int) -> str:
        """'"5"^^<xsd:integer>', as rdflib's Literal(5) is stored."""
        return f'"{int(value)}"{self._integer}'

    def year(self, value: int) -> str:
        """The stored form of Terms.year (rdflib may normalise the lexical form)."""
        from kg.store import to_ox
        return str(to_ox(super().year(value)))

    def date(self, value: datetime) -> str:
        """The stored form of date_literal (rdflib may normalise the lexical form; a message's
        date is written several times, and rdflib's parse of it is slow, so it is kept)."""
        key = value.isoformat()  # not the datetime: 10:00Z == 11:00+01:00, but they are written apart
        if self._date[0] != key:
            from kg.store import to_ox
            self._date = (key, str(to_ox(date_literal(value))))
        return self._date[1]


RDFLIB_TERMS = Terms()
