"""Validation with the compiled SPARQL checks: the whole store, or only the focus nodes that changed graphs reach."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg.infer import INFERRED_GRAPH_SUFFIX
from kg.validate import ValidationResult
from kg.validate_compile import (compiled_checks, qualified_class_paths, run_checks, shape_targets, subclasses,
                                 value_classes)
from kg.validate_scale import ScaleReport, _cache_key, _graph_hash

CACHE_VERSION = 2
FOCUS_GRAPH = ox.NamedNode("urn:igkg:validation-focus")  # temporary: the focus nodes of one incremental run
_IS = ox.NamedNode("urn:igkg:focus")
_YES = ox.NamedNode("urn:igkg:yes")
# a constant object, not `?f <is> ?f`: Oxigraph scans the whole focus graph for a repeated variable
_FOCUS = f"{{ GRAPH <{FOCUS_GRAPH.value}> {{ ?f <{_IS.value}> <{_YES.value}> }} }}"
_CLASS = "http://www.w3.org/ns/shacl#ClassConstraintComponent"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass
class CompiledCache:
    """The graphs' N-Quads hashes at the last run and every result, grouped by focus node.

    Keyed like kg.validate_scale's cache (shapes and ontology): other shapes invalidate it all.
    """

    key: str = ""
    graphs: dict[str, str] = field(default_factory=dict)
    results: dict[str, list] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> CompiledCache:
        """The cache stored at `path`, or an empty one when it is missing, stale or unreadable."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("version") == CACHE_VERSION and data.get("key") == _cache_key():
                return cls(data["key"], data["graphs"], data["results"])
        except (OSError, ValueError, KeyError):
            pass  # a broken cache only costs a full validation
        return cls(_cache_key())

    def save(self, path: Path) -> None:
        """Write the cache as JSON (atomically: a crash leaves the old one)."""
        from kg.export import atomic_write

        atomic_write(path, json.dumps({"version": CACHE_VERSION, **asdict(self)}, sort_keys=True).encode("utf-8"))


def _nodes(raw: ox.Store, changed: list[str]) -> set:
    """The subjects and non-literal objects of the changed graphs."""
    names = " ".join(f"<{n}>" for n in changed)
    query = (f"SELECT DISTINCT ?n WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ {{ ?n ?_p ?_o }} UNION "
             f"{{ ?_s ?_p ?n FILTER(!isLiteral(?n)) }} }} }}")
    return {row["n"] for row in raw.query(query)}


def _counting_referrers(raw: ox.Store, nodes: set) -> set:
    """Nodes that count typed values (qualified sh:class) among `nodes`: their counts may have changed."""
    found = set()
    for path in qualified_class_paths():
        predicate = ox.NamedNode(path)
        for node in nodes:
            found.update(q.subject for q in raw.quads_for_pattern(None, predicate, node, None))
    return found


def validate_compiled(store, cache: CompiledCache | None = None, changed: Iterable[str] | None = None) -> ScaleReport:
    """Validate a kg.store.QuadStore with the compiled checks, re-checking only what changed since `cache`.

    The results equal pyshacl's over the union of all graphs (tests/test_validate_compiled.py). With
    a filled cache, only the nodes of changed graphs (and the nodes counting typed values among them)
    are re-checked as focus nodes, and sh:class results are re-checked for changed values that lack
    the class. Not seen: a node that only the old version of a replaced graph mentioned, and inferred
    triples reached through a chain of unchanged nodes. A removed graph makes a full run. `cache` is
    updated in place. `changed`, when the caller knows which graphs it wrote (the pipeline does),
    saves hashing every graph of the store.
    """
    raw: ox.Store = store._store
    clock = {"hash": 0.0, "checks": 0.0}
    key = _cache_key()
    if cache is None:
        cache = CompiledCache(key)
    elif cache.key != key:
        cache.__init__(key)
    names = [n for n in store.graph_names() if not n.endswith(INFERRED_GRAPH_SUFFIX)]
    start = time.perf_counter()
    full = not cache.graphs or bool(set(cache.graphs) - set(names))  # a removed graph's old nodes are unknown
    if changed is None or full:
        hashes = {n: _graph_hash(raw, ox.NamedNode(n)) for n in names}
    else:
        hashes = {**cache.graphs, **{n: _graph_hash(raw, ox.NamedNode(n)) for n in changed}}
    clock["hash"] = time.perf_counter() - start
    changed = sorted(n for n in hashes if cache.graphs.get(n) != hashes[n])
    start = time.perf_counter()
    if full:
        cache.results = {}
        _keep(cache, run_checks(raw))
        checked = len(names)
    elif changed:
        values = _nodes(raw, changed)
        focus = values | _counting_referrers(raw, values)
        texts, value_texts = {_text(n) for n in focus}, {_text(n) for n in values}
        for node, rows in list(cache.results.items()):
            if node in texts or (node.startswith("_:") and _gone(raw, node)):
                del cache.results[node]
            else:  # a sh:class result stands until its value's types change
                cache.results[node] = [r for r in rows if not (r[3] == _CLASS and r[6] in value_texts)]
        raw.extend(ox.Quad(n, _IS, _YES, FOCUS_GRAPH) for n in focus)
        try:
            patterns, types = _focus_by_shape(raw)
            _keep(cache, run_checks(raw, patterns, _untyped_values(raw, values, types)))
        finally:
            raw.remove_graph(FOCUS_GRAPH)
        checked = len(changed)
    else:
        checked = 0
    clock["checks"] = time.perf_counter() - start
    cache.graphs = hashes
    results = tuple(sorted(ValidationResult(*row) for rows in cache.results.values() for row in rows))
    return ScaleReport(results, checked, len(names) - checked, len(compiled_checks()), clock)


def _focus_by_shape(raw: ox.Store) -> tuple[dict[str, str], dict]:
    """Each node shape's targets among the focus nodes, written to the focus graph under a predicate
    of its own: each check then joins only its own few focus nodes, not every changed node.
    Found with one query for the focus nodes' types and one per target predicate."""
    down = subclasses(raw)
    types: dict = {}
    for row in raw.query(f"SELECT ?f ?t WHERE {{ {_FOCUS} ?f <{RDF_TYPE}> ?t }}", use_default_graph_as_union=True):
        types.setdefault(row["t"].value, []).append(row["f"])
    by_predicate: dict = {}

    def linked(predicate: str, side: str) -> list:
        if (predicate, side) not in by_predicate:
            triple = f"?f <{predicate}> ?_o" if side == "s" else f"?_s <{predicate}> ?f"
            query = f"SELECT DISTINCT ?f WHERE {{ {_FOCUS} {triple} }}"
            by_predicate[predicate, side] = [r["f"] for r in raw.query(query, use_default_graph_as_union=True)]
        return by_predicate[predicate, side]

    patterns, quads = {}, []
    for i, (shape, spec) in enumerate(sorted(shape_targets().items())):
        nodes = {n for c in spec["class"] for sub in down(c) for n in types.get(sub, ())}
        nodes.update(n for p in spec["subjectsOf"] for n in linked(p, "s"))
        nodes.update(n for p in spec["objectsOf"] for n in linked(p, "o"))
        nodes.update(ox.NamedNode(n) for n in spec["node"])  # harmless when the node is not a focus node
        if nodes:
            predicate = ox.NamedNode(f"urn:igkg:focus-{i}")
            quads.extend(ox.Quad(n, predicate, _YES, FOCUS_GRAPH) for n in nodes)
            patterns[shape] = f"{{ GRAPH <{FOCUS_GRAPH.value}> {{ ?f <{predicate.value}> <{_YES.value}> }} }}"
    raw.extend(quads)
    return patterns, types


def _untyped_values(raw: ox.Store, values: set, types: dict) -> dict[str, str]:
    """For each class of a value sh:class constraint, the changed nodes that are not instances of it,
    in the focus graph: only they can fail it."""
    down = subclasses(raw)
    patterns, quads = {}, []
    for i, cls in enumerate(sorted(value_classes())):
        typed = {n for sub in down(cls) for n in types.get(sub, ())}
        untyped = values - typed
        if untyped:
            predicate = ox.NamedNode(f"urn:igkg:not-a-{i}")
            quads.extend(ox.Quad(n, predicate, _YES, FOCUS_GRAPH) for n in untyped)
            patterns[cls] = f"{{ GRAPH <{FOCUS_GRAPH.value}> {{ ?v <{predicate.value}> <{_YES.value}> }} }}"
    raw.extend(quads)
    return patterns


def _text(term) -> str:
    from kg.validate_cross import _ox_text

    return _ox_text(term)


def _gone(raw: ox.Store, text: str) -> bool:
    return next(raw.quads_for_pattern(ox.BlankNode(text[2:]), None, None, None), None) is None


def _keep(cache: CompiledCache, results: list[ValidationResult]) -> None:
    for r in results:
        cache.results.setdefault(r.focus_node, []).append(list(asdict(r).values()))


def digest(results) -> str:
    """A short fingerprint of a result set (for logs and benchmarks)."""
    return hashlib.sha256("\n".join(map(repr, sorted(results))).encode()).hexdigest()[:12]


__all__ = ["CompiledCache", "digest", "validate_compiled"]
