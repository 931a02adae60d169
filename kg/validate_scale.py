"""Validation that scales: pyshacl per named graph with the context it needs, cross-message checks in the store, a cache."""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from kg.infer import INFERRED_GRAPH_SUFFIX, load_ontology
from kg.store import from_ox
from kg.validate import _SEVERITY_ORDER, ValidationResult, _text, _shapes_bytes, load_shapes, validate_graph
from kg.validate_cross import COUNTING, run_cross_checks

CACHE_VERSION = 1
_RDF_TYPE = ox.NamedNode(str(RDF.type))


@dataclass
class ValidationCache:
    """Per-graph results keyed by content hash, the fingerprints of nodes shared by graphs, and cross results.

    A graph's cached results are reused while its N-Quads hash is unchanged and no node it shares
    with other graphs changed its fingerprint (types, whether it is described in several graphs,
    inferred triples); cross results are kept per node on the same condition.
    """

    key: str = ""
    graphs: dict[str, dict] = field(default_factory=dict)  # graph -> {"hash", "results"}
    fingerprints: dict[str, str] = field(default_factory=dict)  # referenced node -> fingerprint
    index: dict[str, list[str]] = field(default_factory=dict)  # referenced node -> graphs that mention it
    cross: dict[str, list] = field(default_factory=dict)  # node owned by no graph -> its cross results

    @classmethod
    def load(cls, path: Path) -> ValidationCache:
        """The cache stored at `path`, or an empty one when it is missing, stale or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == CACHE_VERSION and data.get("key") == _cache_key():
                return cls(data["key"], data["graphs"], data["fingerprints"], data["index"], data["cross"])
        except (OSError, ValueError, KeyError):
            pass  # a broken cache only costs a full validation
        return cls(_cache_key())

    def save(self, path: Path) -> None:
        """Write the cache as JSON (atomically: a crash leaves the old one)."""
        from kg.export import atomic_write

        atomic_write(path, json.dumps({"version": CACHE_VERSION, **asdict(self)}, sort_keys=True).encode("utf-8"))


@dataclass(frozen=True)
class ScaleReport:
    """What validate_store found, and how much work it did."""

    results: tuple[ValidationResult, ...]
    graphs_validated: int
    graphs_reused: int
    cross_nodes: int
    seconds: dict[str, float]

    @property
    def conforms(self) -> bool:
        """True when no result is a Violation (warnings and infos do not break conformance)."""
        return not any(r.severity == str(SH.Violation) for r in self.results)

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results of severity sh:Violation."""
        return tuple(r for r in self.results if r.severity == str(SH.Violation))

    def report_graph(self) -> Graph:
        """The results as a sh:ValidationReport graph (for `igkg validate --report`)."""
        return report_graph(self.results, self.conforms)


@functools.lru_cache(maxsize=1)
def _cache_key() -> str:
    digest = hashlib.sha256()
    for name, data in _shapes_bytes():
        digest.update(name.encode() + data)
    digest.update(load_ontology().serialize(format="nt", encoding="utf-8"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _constrained_predicates() -> frozenset:
    """Predicates the shapes look at (paths and subject/object targets): the only inferred triples that matter."""
    shapes = load_shapes()
    preds = set(shapes.objects(None, SH.path)) | set(shapes.objects(None, SH.targetSubjectsOf))
    preds |= set(shapes.objects(None, SH.targetObjectsOf)) | {shapes.value(n, SH.disjoint) for n in shapes.subjects()}
    preds |= {shapes.value(n, SH.lessThanOrEquals) for n in shapes.subjects()}
    return frozenset(ox.NamedNode(str(p)) for p in preds if isinstance(p, URIRef))


@functools.lru_cache(maxsize=1)
def _hierarchy() -> tuple:
    """The ontology's rdfs:subClassOf triples: pyshacl follows them for sh:class and sh:targetClass."""
    return tuple(load_ontology().triples((None, RDFS.subClassOf, None)))


class _Lookups:
    """Per-run lookups into the store, done once per node however many graphs mention it."""

    def __init__(self, raw: ox.Store, inferred: ox.NamedNode):
        self.raw, self.inferred = raw, inferred
        self._types: dict = {}
        self._graphs: dict = {}
        self._inferred: dict = {}

    def types(self, node) -> tuple:
        """(node, rdf:type, class) for every class any graph gives the node, inferred ones included."""
        if node not in self._types:
            classes = {q.object for q in self.raw.quads_for_pattern(node, _RDF_TYPE, None, None)}
            self._types[node] = tuple((node, _RDF_TYPE, c) for c in sorted(classes, key=str))
        return self._types[node]

    def subject_graphs(self, node) -> frozenset:
        """Up to two graphs (never the inferred one) in which the node is a subject."""
        if node not in self._graphs:
            found: set = set()
            for q in self.raw.quads_for_pattern(node, None, None, None):
                if q.graph_name != self.inferred:
                    found.add(q.graph_name)
                    if len(found) > 1:
                        break
            self._graphs[node] = frozenset(found)
        return self._graphs[node]

    def inferred_about(self, node, only: frozenset | None) -> tuple:
        """The inferred graph's non-type triples about the node (only the `only` predicates if given)."""
        key = (node, only is None)
        if key not in self._inferred:
            quads = self.raw.quads_for_pattern(node, None, None, self.inferred)
            self._inferred[key] = tuple(sorted(((q.subject, q.predicate, q.object) for q in quads
                                                if q.predicate != _RDF_TYPE and (only is None or q.predicate in only)),
                                               key=str))
        return self._inferred[key]

    def fingerprint(self, node) -> str:
        """What other graphs' results may depend on: the node's types, whether it is shared, its inferred values."""
        parts = [str(t[2]) for t in self.types(node)] + [str(len(self.subject_graphs(node)))]
        parts += [f"{p} {o}" for _, p, o in self.inferred_about(node, _constrained_predicates())]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


BATCH_TRIPLES = 20_000  # pyshacl's cost per call is mostly per shape: validate several graphs' views at once


def _term_text(term) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else _text(from_ox(term))


@dataclass
class _View:
    """One graph with the context its results depend on, and which nodes it owns."""

    name: str
    triples: set
    local: set  # focus-node texts owned by this graph
    shared: set  # IRIs of typed or described nodes it mentions that no single graph owns
    refs: set  # IRIs of typed or described nodes it mentions but does not own (its results depend on them)
    keys: set  # (focus, path, value) texts of its own triples, to attribute one-value results


def _view(name: ox.NamedNode, quads: list, look: _Lookups) -> _View:
    triples = [(q.subject, q.predicate, q.object) for q in quads]
    nodes = {s for s, _, _ in triples} | {o for _, p, o in triples if p != _RDF_TYPE and not isinstance(o, ox.Literal)}
    local = {n for n in nodes if isinstance(n, ox.BlankNode) or look.subject_graphs(n) == {name}}
    view = set(triples)
    shared, refs = set(), set()
    for n in nodes:
        view.update(look.types(n))
        if n in local:
            view.update(look.inferred_about(n, None))
        else:
            extra = look.inferred_about(n, _constrained_predicates())
            view.update(extra)
            triples.extend(extra)
            if look.types(n) or look.subject_graphs(n):
                refs.add(n.value)
                # owned by no graph: described in several, or only referenced (typed by another graph or inferred)
                if len(look.subject_graphs(n)) != 1:
                    shared.add(n.value)
    keys = {(_term_text(s), str(p.value), _term_text(o)) for s, p, o in triples if s not in local}
    keys |= {(_term_text(n), "", _term_text(n)) for n in nodes - local}
    return _View(name.value, view, {_term_text(n) for n in local}, shared, refs, keys)


def _validate_batch(views: list[_View]) -> dict[str, list[ValidationResult]]:
    """pyshacl once over several views; each result goes to the graph that owns its focus node, or
    (one-value-at-a-time results about shared nodes) to every graph holding the offending triple."""
    graph = Graph()
    for v in views:
        for s, p, o in v.triples:
            graph.add((from_ox(s), from_ox(p), from_ox(o)))
    for triple in _hierarchy():
        graph.add(triple)
    owner = {node: v.name for v in views for node in v.local}
    out: dict[str, list[ValidationResult]] = {v.name: [] for v in views}
    for r in validate_graph(graph).results:
        if r.focus_node in owner:
            out[owner[r.focus_node]].append(r)
        elif r.constraint_component not in _COUNTING_TEXT:
            key = (r.focus_node, r.result_path, r.value)
            for v in views:
                if key in v.keys:
                    out[v.name].append(r)
    return out


_EMPTY_FINGERPRINT = hashlib.sha256(b"0").hexdigest()[:16]
_COUNTING_TEXT = frozenset(str(c) for c in COUNTING)


def _graph_hash(raw: ox.Store, name: ox.NamedNode) -> str:
    return hashlib.sha256(raw.dump(format=ox.RdfFormat.N_QUADS, from_graph=name)).hexdigest()[:24]


def _as_dicts(results: Iterable[ValidationResult]) -> list:
    return [list(asdict(r).values()) for r in results]


def _from_dicts(rows: list) -> list[ValidationResult]:
    return [ValidationResult(*row) for row in rows]


def validate_store(store, cache: ValidationCache | None = None, progress=None) -> ScaleReport:
    """Validate every named graph of a kg.store.QuadStore, re-validating only what changed since `cache`.

    The results equal pyshacl's over the union of all graphs (tests/test_validate_scale.py checks
    it): each graph is validated with the types of the nodes it mentions and the inferred triples
    about the nodes it owns (a node is owned by the one graph that describes it); results that count
    values of a node described in several graphs (min/max counts, unique languages, disjointness)
    come from SPARQL over the whole store instead (kg.validate_cross). `cache` is updated in place.
    """
    clock = {"hash": 0.0, "graphs": 0.0, "cross": 0.0}
    raw: ox.Store = store._store
    if cache is None:
        cache = ValidationCache(_cache_key())
    elif cache.key != _cache_key():  # other shapes or ontology: nothing cached still holds
        cache.__init__(_cache_key())
    names = [n for n in store.graph_names() if not n.endswith(INFERRED_GRAPH_SUFFIX)]
    inferred = next((n for n in store.graph_names() if n.endswith(INFERRED_GRAPH_SUFFIX)), "urn:igkg:no-inferred")
    look = _Lookups(raw, ox.NamedNode(inferred))
    start = time.perf_counter()
    hashes = {n: _graph_hash(raw, ox.NamedNode(n)) for n in names}
    clock["hash"] = time.perf_counter() - start
    start = time.perf_counter()
    todo = {n for n in names if cache.graphs.get(n, {}).get("hash") != hashes[n]}
    removed = set(cache.graphs) - set(names)
    touched_nodes = set()
    for n in sorted(todo):
        for q in raw.quads_for_pattern(None, None, None, ox.NamedNode(n)):
            # a class (rdf:type's object) is not a node the shapes judge; its axioms live in the KB graph
            for term in (q.subject, q.object if q.predicate != _RDF_TYPE else None):
                if isinstance(term, ox.NamedNode):
                    touched_nodes.add(term)
    for graph_name in removed:
        cache.graphs.pop(graph_name, None)
    stale_cross = {node for node, graphs in cache.index.items() if removed & set(graphs)}
    for node in sorted(touched_nodes, key=str):
        # a node never fingerprinted was untyped and described nowhere (oa:identifying, an archive URL)
        before = cache.fingerprints.get(node.value)
        if (before or _EMPTY_FINGERPRINT) == look.fingerprint(node):
            continue
        # a node whose types or sharing changed: every graph that mentions it may judge it differently now
        stale_cross.add(node.value)
        mentioned = set(cache.index.get(node.value, ()))
        if before is None:
            mentioned |= {q.graph_name.value for q in raw.quads_for_pattern(node, None, None, None)}
            mentioned |= {q.graph_name.value for q in raw.quads_for_pattern(None, None, node, None)}
        todo |= {g for g in mentioned if g in hashes}
    refs_now: dict[str, set] = {}
    shared_now: set = set()
    batch: list[_View] = []
    ordered = sorted(todo)
    for i, n in enumerate(ordered):
        view = _view(ox.NamedNode(n), list(raw.quads_for_pattern(None, None, None, ox.NamedNode(n))), look)
        for node in view.refs:
            refs_now.setdefault(node, set()).add(n)
        shared_now |= view.shared
        batch.append(view)
        if sum(len(v.triples) for v in batch) >= BATCH_TRIPLES or i == len(ordered) - 1:
            for name, results in _validate_batch(batch).items():
                cache.graphs[name] = {"hash": hashes[name], "results": _as_dicts(results)}
            batch = []
            if progress:
                progress(i + 1, len(todo))
    for node, graphs in refs_now.items():
        cache.index[node] = sorted(set(cache.index.get(node, ())) - removed | graphs)
        cache.fingerprints[node] = look.fingerprint(ox.NamedNode(node))
    clock["graphs"] = time.perf_counter() - start
    start = time.perf_counter()
    cross_nodes = shared_now
    for node in stale_cross | cross_nodes:
        cache.cross.pop(node, None)
    for node in cross_nodes:
        cache.cross[node] = []
    for r in run_cross_checks(raw, cross_nodes):
        cache.cross.setdefault(r.focus_node, []).append(list(asdict(r).values()))
    clock["cross"] = time.perf_counter() - start
    return ScaleReport(_assemble(cache, names), len(todo), len(names) - len(todo), len(cross_nodes), clock)


def _assemble(cache: ValidationCache, names: list[str]) -> tuple[ValidationResult, ...]:
    """Results owned by one graph as they are (a multiset); results about shared nodes once each."""
    owned: list[ValidationResult] = []
    shared: set[ValidationResult] = set()
    for n in names:
        for r in _from_dicts(cache.graphs[n]["results"]):
            (shared.add(r) if r.focus_node in cache.cross else owned.append(r))
    for rows in cache.cross.values():
        owned.extend(_from_dicts(rows))
    return tuple(sorted(owned + list(shared)))


def report_graph(results: Iterable[ValidationResult], conforms: bool) -> Graph:
    """A sh:ValidationReport graph of `results` (values and messages as strings where they were literals)."""
    from rdflib.util import from_n3

    g = Graph()
    g.bind("sh", SH)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(conforms)))
    for i, r in enumerate(results):
        node = BNode(f"r{i}")
        g.add((report, SH.result, node))
        g.add((node, RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, BNode(r.focus_node[2:]) if r.focus_node.startswith("_:") else URIRef(r.focus_node)))
        if r.result_path:
            g.add((node, SH.resultPath, URIRef(r.result_path)))
        g.add((node, SH.sourceConstraintComponent, URIRef(r.constraint_component)))
        g.add((node, SH.resultSeverity, URIRef(r.severity)))
        g.add((node, SH.sourceShape, URIRef(r.source_shape)))
        if r.message:
            g.add((node, SH.resultMessage, Literal(r.message, lang="en")))
        if r.value:
            value = r.value if not r.value.startswith("_:") else None
            g.add((node, SH.value, from_n3(value) if value and value[0] == '"' else
                   (BNode(r.value[2:]) if value is None else URIRef(value))))
    return g


def summarize(results: Iterable[ValidationResult]) -> list[tuple[str, str, int]]:
    """Counts of results per (source shape, severity): most severe first, then by shape IRI."""
    from collections import Counter

    counts = Counter((r.source_shape, r.severity) for r in results)
    return sorted(((shape, sev, n) for (shape, sev), n in counts.items()),
                  key=lambda row: (_SEVERITY_ORDER.get(row[1], 3), row[0], row[1]))


__all__ = ["ScaleReport", "ValidationCache", "report_graph", "summarize", "validate_store"]
