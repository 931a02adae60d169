"""What `igkg validate` reports: the results of a run, as a summary, as a sh:ValidationReport graph, and the shapes' cache key."""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.validate import _SEVERITY_ORDER, ValidationResult, _shapes_bytes


@dataclass(frozen=True)
class StoreReport:
    """What a validation of a store found, and how much work it did."""

    results: tuple[ValidationResult, ...]
    graphs_validated: int  # graphs read back from the store and checked in this run
    graphs_reused: int  # graphs whose check (by the build or an earlier run) still held
    cross_nodes: int  # shared nodes checked from the union of all graphs
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
def shapes_key() -> str:
    """A digest of the shapes and the ontology: cached checks hold only while both are unchanged."""
    from kg.infer import ONTOLOGY_PATH

    digest = hashlib.sha256()
    for name, data in _shapes_bytes():
        digest.update(name.encode() + data)
    # the file's bytes: rdflib's serialisation order changes from process to process (hash seeds)
    digest.update(ONTOLOGY_PATH.read_bytes())
    return digest.hexdigest()


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
    counts = Counter((r.source_shape, r.severity) for r in results)
    return sorted(((shape, sev, n) for (shape, sev), n in counts.items()),
                  key=lambda row: (_SEVERITY_ORDER.get(row[1], 3), row[0], row[1]))


__all__ = ["StoreReport", "report_graph", "shapes_key", "summarize"]
