"""Cross-message SHACL checks: the shapes' counting constraints compiled to SPARQL and run over the whole store."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kg.validate import ValidationResult, _text, load_shapes

# Components whose result for a focus node depends on all of its values at once: a node described
# in several graphs can break them (two names) or satisfy them (a name in another graph) only in the
# union. Every other component used by igkg's shapes judges one value at a time ("distributive").
COUNTING = frozenset(SH[c + "ConstraintComponent"] for c in (
    "MinCount", "MaxCount", "UniqueLang", "QualifiedMinCount", "QualifiedMaxCount",
    "Disjoint", "Equals", "LessThan", "LessThanOrEquals"))
CHUNK = 500  # focus nodes per VALUES block: long enough to amortise a query, short enough to parse fast


@dataclass(frozen=True)
class CrossCheck:
    """One counting constraint of one property shape, as a SPARQL query with a `?f` VALUES slot."""

    shape: str
    path: str
    component: str
    severity: str
    message: str
    sparql: str  # "{focus}" is replaced by a VALUES block; selects ?f, and ?v when `has_value`
    has_value: bool = False


def _targets(shapes: Graph, node_shape) -> list[str]:
    patterns = []
    for cls in sorted(shapes.objects(node_shape, SH.targetClass)):
        patterns.append(f"{{ ?f {RDF.type.n3()}/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls.n3()} }}")
    for p in sorted(shapes.objects(node_shape, SH.targetSubjectsOf)):
        patterns.append(f"{{ ?f {p.n3()} ?_t }}")
    for p in sorted(shapes.objects(node_shape, SH.targetObjectsOf)):
        patterns.append(f"{{ ?_t {p.n3()} ?f }}")
    for n in sorted(shapes.objects(node_shape, SH.targetNode)):
        patterns.append(f"{{ VALUES ?f {{ {n.n3()} }} }}")
    return patterns


def _qualified_test(shapes: Graph, ps) -> str:
    qvs = shapes.value(ps, SH.qualifiedValueShape)
    if (cls := shapes.value(qvs, SH["class"])) is not None:
        return f"EXISTS {{ ?v {RDF.type.n3()}/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls.n3()} }}"
    if (dt := shapes.value(qvs, SH.datatype)) is not None:
        return f"(isLiteral(?v) && datatype(?v) = {dt.n3()})"
    raise ValueError(f"unsupported sh:qualifiedValueShape on {ps}")


def _queries(shapes: Graph, ps, path: URIRef, target: str) -> Iterator[tuple[URIRef, str]]:
    p = path.n3()
    head = f"SELECT DISTINCT ?f ?v WHERE {{ {{focus}} {{ {target} }} "
    inner = f"{{ SELECT DISTINCT ?f WHERE {{ {{focus}} {{ {target} }} }} }}"  # each focus node once
    if (n := shapes.value(ps, SH.minCount)) is not None:
        yield SH.MinCountConstraintComponent, (
            f"SELECT ?f WHERE {{ {inner} "
            f"OPTIONAL {{ ?f {p} ?v }} }} GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {int(n)})")
    if (n := shapes.value(ps, SH.maxCount)) is not None:
        yield SH.MaxCountConstraintComponent, (
            f"SELECT ?f WHERE {{ {inner} "
            f"?f {p} ?v }} GROUP BY ?f HAVING (COUNT(DISTINCT ?v) > {int(n)})")
    if shapes.value(ps, SH.uniqueLang) == Literal(True):
        # one result per duplicated language, as pyshacl reports them
        yield SH.UniqueLangConstraintComponent, (
            f"SELECT ?f WHERE {{ {inner} "
            f"?f {p} ?v FILTER(lang(?v) != \"\") }} GROUP BY ?f (lcase(lang(?v))) HAVING (COUNT(DISTINCT ?v) > 1)")
    if shapes.value(ps, SH.qualifiedValueShape) is not None:
        test = _qualified_test(shapes, ps)
        if (n := shapes.value(ps, SH.qualifiedMinCount)) is not None:
            yield SH.QualifiedMinCountConstraintComponent, (
                f"SELECT ?f WHERE {{ {inner} OPTIONAL {{ ?f {p} ?v FILTER({test}) }} }} "
                f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {int(n)})")
        if (n := shapes.value(ps, SH.qualifiedMaxCount)) is not None:
            yield SH.QualifiedMaxCountConstraintComponent, (
                f"SELECT ?f WHERE {{ {inner} ?f {p} ?v FILTER({test}) }} "
                f"GROUP BY ?f HAVING (COUNT(DISTINCT ?v) > {int(n)})")
    if (other := shapes.value(ps, SH.disjoint)) is not None:
        yield SH.DisjointConstraintComponent, head + f"?f {p} ?v . ?f {other.n3()} ?v }}"
    if (other := shapes.value(ps, SH.lessThanOrEquals)) is not None:
        yield SH.LessThanOrEqualsConstraintComponent, (
            head + f"?f {p} ?v . ?f {other.n3()} ?c FILTER(!COALESCE(?v <= ?c, false)) }}")
    for unsupported in (SH.equals, SH.lessThan):
        if shapes.value(ps, unsupported) is not None:
            raise ValueError(f"{ps}: {unsupported} is not compiled to a cross-message check yet")


@functools.lru_cache(maxsize=1)
def cross_checks() -> tuple[CrossCheck, ...]:
    """Every counting constraint of shapes/*.ttl as a CrossCheck, in a stable order."""
    shapes = load_shapes()
    checks = []
    for node_shape in sorted(set(shapes.subjects(SH.property, None))):
        target = " UNION ".join(_targets(shapes, node_shape))
        if not target:
            continue
        for ps in sorted(shapes.objects(node_shape, SH.property)):
            path = shapes.value(ps, SH.path)
            if not isinstance(path, URIRef):
                raise ValueError(f"{ps}: only single-predicate paths can be checked across messages")
            message = " ".join(sorted(str(m) for m in shapes.objects(ps, SH.message)))
            severity = str(shapes.value(ps, SH.severity) or SH.Violation)
            for component, sparql in _queries(shapes, ps, path, target):
                checks.append(CrossCheck(str(ps), str(path), str(component), severity, message, sparql,
                                         sparql.startswith("SELECT DISTINCT ?f ?v")))
    return tuple(checks)


def run_cross_checks(raw: ox.Store, focus: Iterable[str]) -> list[ValidationResult]:
    """The counting constraints for `focus` (IRIs) over the union of every graph of the store."""
    nodes = sorted(set(focus))
    results = []
    for start in range(0, len(nodes), CHUNK):
        values = "VALUES ?f { " + " ".join(f"<{n}>" for n in nodes[start:start + CHUNK]) + " }"
        for check in cross_checks():
            query = check.sparql.replace("{focus}", values)
            for row in raw.query(query, use_default_graph_as_union=True):
                value = row["v"] if check.has_value else None
                results.append(ValidationResult(
                    focus_node=row["f"].value, result_path=check.path, constraint_component=check.component,
                    severity=check.severity, message=check.message, source_shape=check.shape,
                    value=_ox_text(value)))
    return results


def _ox_text(term) -> str:
    if term is None:
        return ""
    from kg.store import from_ox
    return _text(from_ox(term))


__all__ = ["COUNTING", "CrossCheck", "cross_checks", "run_cross_checks"]
