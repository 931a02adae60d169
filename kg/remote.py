"""A remote SPARQL 1.1 endpoint that answers catalogue queries like the embedded store does."""

from __future__ import annotations

import json

import requests
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.errors import ConfigError, QueryError, StoreError
from kg.store import QueryResult

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
MAX_RESPONSE_BYTES = 64 << 20


def term_from_json(term: dict | None) -> Node | None:
    """A term of the SPARQL 1.1 Query Results JSON format as an rdflib term (None when unbound)."""
    if term is None:
        return None
    kind = term.get("type")
    if kind == "uri":
        return URIRef(term["value"])
    if kind == "bnode":
        return BNode(term["value"])
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in term:
            return Literal(term["value"], lang=term["xml:lang"])
        datatype = term.get("datatype")
        # xsd:string is the plain literal, as QuadStore returns it (performance.md gotcha)
        if datatype in (None, XSD_STRING):
            return Literal(term["value"])
        return Literal(term["value"], datatype=URIRef(datatype))
    raise QueryError(f"the endpoint returned a term of unknown type {kind!r}")


def result_from_json(data: dict) -> QueryResult:
    """A whole SPARQL JSON result (SELECT or ASK) as a QueryResult."""
    if "boolean" in data:
        return QueryResult((), (), bool(data["boolean"]))
    names = tuple(data["head"]["vars"])
    rows = tuple(tuple(term_from_json(b.get(n)) for n in names) for b in data["results"]["bindings"])
    return QueryResult(names, rows)


class RemoteStore:
    """Queries a SPARQL 1.1 Protocol endpoint (e.g. Oxigraph's /query) over HTTP.

    The endpoint must treat its default graph as the union of the named graphs, as the embedded
    store's queries assume (Oxigraph: `serve --union-default-graph`; Fuseki: unionDefaultGraph).
    """

    def __init__(self, endpoint: str, timeout_s: float = 60.0):
        if not endpoint.startswith(("http://", "https://")):
            raise ConfigError(f"endpoint {endpoint!r} must be an http(s) URL of a SPARQL query service")
        self.endpoint = endpoint
        self.timeout_s = timeout_s

    def query(self, sparql: str, timeout_s: float | None = None) -> QueryResult:
        """POST the query (application/sparql-query) and read the JSON results."""
        try:
            response = requests.post(
                self.endpoint, data=sparql.encode("utf-8"), timeout=(10, timeout_s or self.timeout_s),
                allow_redirects=False, stream=True,
                headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
            body = response.raw.read(MAX_RESPONSE_BYTES + 1, decode_content=True)
        except requests.RequestException as exc:
            raise StoreError(f"the SPARQL endpoint {self.endpoint} did not answer: {exc}") from exc
        if len(body) > MAX_RESPONSE_BYTES:
            raise QueryError(f"the endpoint's answer is over {MAX_RESPONSE_BYTES >> 20} MiB")
        if response.status_code != 200:
            raise QueryError(f"the SPARQL endpoint answered HTTP {response.status_code}: "
                             f"{body[:200].decode('utf-8', 'replace')}")
        try:
            return result_from_json(json.loads(body))
        except (ValueError, KeyError, TypeError) as exc:
            raise QueryError(f"the SPARQL endpoint's answer is not SPARQL JSON results: {exc}") from exc
