"""The embedded on-disk quad store (pyoxigraph): one named graph per message, loaded and queried here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import QueryError, StoreError

DEFAULT_STORE_DIR = ".igkg/store"


def to_ox(term: Node):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"cannot store RDF term of type {type(term).__name__}")


def from_ox(term) -> Node | None:
    """A pyoxigraph term as an rdflib term (None stays None: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # xsd:string is the plain literal; keep it plain so rdflib compares equal (performance.md gotcha)
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise StoreError(f"unexpected term from the store: {term!r}")


def with_bindings(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with its parameters bound by a trailing VALUES block (SPARQL 1.1 section 10.2.2).

    Each value is an RDF term serialised by rdflib (`n3()`, which escapes literals and IRIs), never
    user text: the same mechanism rdflib's own SPARQLStore uses for initBindings, and it works on any
    SPARQL 1.1 endpoint. pyoxigraph's `substitutions` would be neater but only accepts projected
    variables. A parameter must be in scope at the end of the WHERE clause (in aggregate queries,
    a GROUP BY variable).
    """
    if not bindings:
        return sparql
    names = sorted(bindings)
    for name in names:
        if not name.isidentifier():
            raise QueryError(f"invalid parameter name {name!r}")
        term = bindings[name]
        if isinstance(term, URIRef):
            to_ox(term)  # pyoxigraph validates the IRI strictly (no spaces, <, >, quotes)
    variables = " ".join(f"?{n}" for n in names)
    values = " ".join(bindings[n].n3() for n in names)
    return f"{sparql}\nVALUES ({variables}) {{ ({values}) }}\n"


def nquads(graph_iri: str, lines: list[str]) -> bytes:
    """N-Triples lines (each ending " .") as UTF-8 N-Quads in the named graph `graph_iri`."""
    if not lines:
        return b""
    tail = f" {ox.NamedNode(graph_iri)} .\n"
    return (tail.join([line[:-2] for line in lines]) + tail).encode("utf-8")


@dataclass(frozen=True)
class QueryResult:
    """A SELECT result: variable names and rows of rdflib terms (None where unbound), or an ASK answer."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    boolean: bool | None = None


class QuadStore:
    """A pyoxigraph store, on disk at `path` or in memory when `path` is None."""

    def __init__(self, path: str | Path | None = None):
        try:
            if path is None:
                self._store = ox.Store()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc
        self.path = Path(path) if path is not None else None

    def replace_graph(self, graph_iri: str, graph: Graph) -> None:
        """Replace one named graph wholesale with the triples of `graph` (one transaction)."""
        name = ox.NamedNode(graph_iri)
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in graph]
        self._store.remove_graph(name) if self._store.contains_named_graph(name) else None
        self._store.extend(quads)

    def replace_graphs(self, graphs: Iterable[tuple[str, list[str]]]) -> None:
        """Replace named graphs wholesale: (graph IRI, its triples as N-Triples lines, each ending " .").

        The lines must come from pyoxigraph terms (kg.terms.NTriplesTerms), as for `load_graphs`.
        """
        names, parts = [], []
        for iri, lines in graphs:
            names.append(iri)
            parts.append(nquads(iri, lines))
        self.load_graphs(names, b"".join(parts))

    def load_graphs(self, names: list[str], data: bytes) -> None:
        """Replace the named graphs `names` wholesale with the N-Quads `data` (see `nquads`), which hold
        exactly their new quads.

        Written with one bulk load and no transaction (twice as fast as `extend`): a kill midway
        leaves some graphs partial, so callers forget their hashes first (kg.graph_write). The quads
        must come from pyoxigraph terms (kg.terms.NTriplesTerms), which were validated when made,
        so the loader skips re-validating them. Two calls may run at once, from two threads, on
        different graphs.
        """
        for iri in names:
            name = ox.NamedNode(iri)
            if self._store.contains_named_graph(name):
                self._store.remove_graph(name)
        if data:
            self._store.bulk_load(data, format=ox.RdfFormat.N_QUADS, lenient=True)

    def remove_graph(self, graph_iri: str) -> None:
        """Drop one named graph (nothing happens when the store does not hold it)."""
        name = ox.NamedNode(graph_iri)
        if self._store.contains_named_graph(name):
            self._store.remove_graph(name)

    def graph_names(self) -> list[str]:
        """The IRIs of all named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self._store)

    def clear(self) -> None:
        """Remove every quad."""
        self._store.clear()

    def quads(self) -> Iterator[tuple[Node, Node, Node, Node]]:
        """Every quad as rdflib terms (graph last)."""
        for q in self._store.quads_for_pattern(None, None, None, None):
            graph = None if isinstance(q.graph_name, ox.DefaultGraph) else from_ox(q.graph_name)
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), graph

    def to_dataset(self, graphs: Iterable[str] | None = None) -> Dataset:
        """The store (or some of its named graphs) as an rdflib Dataset, for pyshacl/owlrl/export."""
        wanted = set(graphs) if graphs is not None else None
        ds = Dataset()
        for s, p, o, g in self.quads():
            if wanted is not None and (g is None or str(g) not in wanted):
                continue
            ds.graph(g).add((s, p, o)) if g is not None else ds.add((s, p, o))
        return ds

    def union_graph(self) -> Graph:
        """Every triple of every graph in one rdflib Graph (Turtle is the union)."""
        graph = Graph()
        for s, p, o, _ in self.quads():
            graph.add((s, p, o))
        return graph

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a SELECT or ASK over the union of all graphs, with `bindings` as a VALUES block (see there).

        Callers that take queries from outside run kg.queries' guard first: pyoxigraph would
        follow SERVICE and LOAD (security.md D13).
        """
        try:
            result = self._store.query(with_bindings(sparql, bindings), use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"malformed SPARQL: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"the store could not answer: {exc}") from exc
        if isinstance(result, ox.QueryBoolean):
            return QueryResult((), (), bool(result))
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("only SELECT and ASK queries are supported here")
        variables = tuple(v.value for v in result.variables)
        rows = tuple(tuple(from_ox(sol[v]) for v in variables) for sol in result)
        return QueryResult(variables, rows)

    def flush(self) -> None:
        """Make everything written so far durable on disk."""
        if self.path is not None:
            self._store.flush()
