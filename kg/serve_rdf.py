"""RDF representations of one entity's description: Turtle, JSON-LD (dict context), N-Triples; deterministic."""

from __future__ import annotations

import json
from dataclasses import dataclass

from rdflib import Graph, Literal

from kg.serve_data import PREFIXES


@dataclass(frozen=True)
class RdfFormat:
    """A served RDF format: its media type, file extension and serialiser."""

    media_type: str
    extension: str

    def serialize(self, graph: Graph) -> bytes:
        """The graph in this format, byte-stable for the same graph."""
        return SERIALIZERS[self.extension](graph)


def _turtle(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")


def _ntriples(graph: Graph) -> bytes:
    # rdflib's N-Triples order follows hash order (security.md 2.10): sort the lines.
    lines = sorted({ln for ln in graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines() if ln})
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def _jsonld(graph: Graph) -> bytes:
    # A dict context, never a URL: rdflib would fetch a URL context (security.md D4).
    used = {str(t) for triple in graph for t in triple}
    used |= {str(o.datatype) for _, _, o in graph if isinstance(o, Literal) and o.datatype is not None}
    context = {prefix: ns for prefix, ns in sorted(PREFIXES.items()) if any(u.startswith(ns) for u in used)}
    raw = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=False))
    nodes = raw.get("@graph") if isinstance(raw, dict) else raw
    if isinstance(nodes, list):
        nodes.sort(key=lambda node: str(node.get("@id", "")) if isinstance(node, dict) else "")
    return json.dumps(raw, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


SERIALIZERS = {".ttl": _turtle, ".nt": _ntriples, ".jsonld": _jsonld}
TURTLE = RdfFormat("text/turtle", ".ttl")
JSONLD = RdfFormat("application/ld+json", ".jsonld")
NTRIPLES = RdfFormat("application/n-triples", ".nt")
RDF_FORMATS = (TURTLE, JSONLD, NTRIPLES)
BY_EXTENSION = {f.extension: f for f in RDF_FORMATS}
BY_MEDIA_TYPE = {f.media_type: f for f in RDF_FORMATS}
