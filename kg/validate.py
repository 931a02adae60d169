"""SHACL validation of igkg graphs against shapes/*.ttl with pyshacl, returning a report object."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import BNode, Graph, Literal
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from kg.errors import IgkgError

SHAPES_DIR = Path(__file__).resolve().parent.parent / "shapes"

# Most severe first; used to order the CLI summary.
_SEVERITY_ORDER = {str(SH.Violation): 0, str(SH.Warning): 1, str(SH.Info): 2}


@dataclass(frozen=True, order=True)
class ValidationResult:
    """One sh:ValidationResult, each field as a string ("" when the report leaves it out).

    Field order is the sort order, so results sort by focus node first. `value` is the offending
    value node (sh:value), which tells apart two results that differ only in it.
    """

    focus_node: str
    result_path: str
    constraint_component: str
    severity: str
    message: str
    source_shape: str
    value: str = ""


@dataclass(frozen=True)
class ValidationReport:
    """Whether the data conforms (warnings do not break it), the results sorted, and pyshacl's report graph."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    report_graph: Graph

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        """The results of severity sh:Violation."""
        return tuple(r for r in self.results if r.severity == str(SH.Violation))


@functools.lru_cache(maxsize=1)
def _shapes_bytes() -> tuple[tuple[str, bytes], ...]:
    paths = sorted(SHAPES_DIR.glob("*.ttl"))
    if not paths:
        raise IgkgError(f"no SHACL shapes found in {SHAPES_DIR}")
    return tuple((p.name, p.read_bytes()) for p in paths)


@functools.lru_cache(maxsize=1)
def load_shapes() -> Graph:
    """Every shapes/*.ttl file parsed into one graph, once per process (treat it as read-only)."""
    graph = Graph()
    for name, data in _shapes_bytes():
        try:
            # data=, never a path string: a string source may be read as a URL (security.md D3).
            graph.parse(data=data, format="turtle")
        except Exception as exc:  # rdflib raises several unrelated types for bad Turtle
            raise IgkgError(f"shapes/{name} is not valid Turtle: {exc}") from exc
    return graph


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, BNode):
        return f"_:{node}"
    if isinstance(node, Literal):
        return node.n3()  # keeps the datatype or language tag, which is often what is wrong
    return str(node)


def _results(report: Graph) -> tuple[ValidationResult, ...]:
    results = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage) if isinstance(m, Literal))
        results.append(
            ValidationResult(
                focus_node=_text(report.value(result, SH.focusNode)),
                result_path=_text(report.value(result, SH.resultPath)),
                constraint_component=_text(report.value(result, SH.sourceConstraintComponent)),
                severity=_text(report.value(result, SH.resultSeverity)),
                message=" ".join(messages),
                source_shape=_text(report.value(result, SH.sourceShape)),
                value=_text(report.value(result, SH.value)),
            )
        )
    return tuple(sorted(results))


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate `data` against `shapes` (default: load_shapes()) with SHACL core, no inference.

    The data graph must already hold the types the shapes target, superclasses included (they are
    materialised before export), and the types of the nodes it points to (a membership's
    organization, an annotation's post). Warnings are reported but leave `conforms` True.
    """
    if not isinstance(data, Graph):
        # pyshacl reads a str as a path or URL (security.md D8); accept graphs only.
        raise IgkgError(f"validate_graph needs an rdflib Graph, not {type(data).__name__}")
    shapes_graph = load_shapes() if shapes is None else shapes
    try:
        conforms, report, _text_report = pyshacl.validate(
            data,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=False,  # SHACL-AF rules can run SPARQL that reaches the network (D6)
            js=False,
            do_owl_imports=False,  # owl:imports would be fetched (D7)
            allow_warnings=True,
            allow_infos=True,
            meta_shacl=False,
            abort_on_first=False,
        )
    except ReportableRuntimeError as exc:
        raise IgkgError(f"SHACL validation could not run: {exc.message}") from exc
    except Exception as exc:  # shape and constraint load errors, and rdflib errors underneath
        raise IgkgError(f"SHACL validation could not run: {exc}") from exc
    if not isinstance(report, Graph):
        # pyshacl returns the ValidationFailure exception in place of the report graph.
        raise IgkgError(f"SHACL validation failed: {report}")
    return ValidationReport(conforms=bool(conforms), results=_results(report), report_graph=report)


def summarize(report: ValidationReport) -> list[tuple[str, str, int]]:
    """Counts of results per (source shape, severity): most severe first, then by shape IRI."""
    from kg.validate_report import summarize as summarize_results

    return summarize_results(report.results)


__all__ = ["SHAPES_DIR", "ValidationReport", "ValidationResult", "load_shapes", "summarize", "validate_graph"]
