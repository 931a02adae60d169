"""Every SHACL core constraint of shapes/*.ttl compiled to SPARQL over the store; unsupported features refused."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.errors import IgkgError
from kg.validate import ValidationResult, load_shapes

# Shape predicates that do not validate anything; every other sh: predicate must be compiled below.
_INERT = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, RDF.type}
_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode}
_PER_VALUE = {SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.pattern, SH.flags, SH.minInclusive,
              SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.minLength, SH.maxLength, SH.hasValue,
              SH["or"], SH["not"]}
_COUNTED = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape, SH.qualifiedMinCount,
            SH.qualifiedMaxCount, SH.disjoint, SH.lessThanOrEquals}
_NODE_SHAPE_KEYS = _INERT | _TARGETS | _PER_VALUE | {SH.property}
_PROPERTY_SHAPE_KEYS = _INERT | _PER_VALUE | _COUNTED | {SH.path}
# rdflib checks a literal's lexical form for these; a failed cast is Oxigraph's equivalent
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date,
             XSD.gYear, XSD.time}
_NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
               SH.BlankNodeOrIRI: "!isLiteral(?v)", SH.BlankNodeOrLiteral: "!isIRI(?v)",
               SH.IRIOrLiteral: "!isBlank(?v)"}


class UnsupportedShape(IgkgError):
    """A shape uses a SHACL feature the compiler cannot check: it would otherwise go unchecked."""


@dataclass(frozen=True)
class Check:
    """One constraint of one shape as SPARQL selecting ?f (focus) and ?v (value, may be unbound).

    `sparql` has a "{focus}" slot (a graph pattern binding ?f, or nothing for every focus node) and
    "{isa:?var:IRI}" slots, replaced by the IRI's subclasses found in the data (pyshacl follows
    rdfs:subClassOf there).
    """

    shape: str
    path: str
    component: str
    severity: str
    message: str
    sparql: str
    has_value: bool = True  # counting checks select only ?f: their results carry no sh:value
    by_value: str = ""  # sh:class only: the same check with "{vfocus}" binding the value (its types changed)
    node_shape: str = ""  # whose targets give the focus nodes


def _one(shapes: Graph, s, p):
    values = list(shapes.objects(s, p))
    if len(values) > 1:
        raise UnsupportedShape(f"{s}: several {p} values are not compiled")
    return values[0] if values else None


def _check_keys(shapes: Graph, shape, allowed: set) -> None:
    for p in set(shapes.predicates(shape, None)):
        if str(p).startswith(str(SH)) and p not in allowed:
            raise UnsupportedShape(f"{shape}: {p} is not compiled to SPARQL")


def _is_instance(cls: URIRef, var: str = "?v") -> str:
    return f"EXISTS {{ {{isa:{var}:{cls}}} }}"


def _conditions(shapes: Graph, s) -> Iterator[tuple[URIRef, str]]:
    """(component, SPARQL expression true when ?v conforms) for each per-value constraint of `s`."""
    if (cls := _one(shapes, s, SH["class"])) is not None:
        yield SH.ClassConstraintComponent, _is_instance(cls)
    if (dt := _one(shapes, s, SH.datatype)) is not None:
        test = f"(isLiteral(?v) && datatype(?v) = {dt.n3()})"
        if dt in _CASTABLE:
            test = f"({test} && COALESCE(isLiteral({dt.n3()}(STR(?v))), false))"
        elif dt not in (XSD.string, RDF.langString):
            raise UnsupportedShape(f"{s}: sh:datatype {dt} has no well-formedness test")
        yield SH.DatatypeConstraintComponent, test
    if (kind := _one(shapes, s, SH.nodeKind)) is not None:
        yield SH.NodeKindConstraintComponent, _NODE_KINDS[kind]
    if (members := _one(shapes, s, SH["in"])) is not None:
        terms = list(Collection(shapes, members))
        yield SH.InConstraintComponent, "(" + " || ".join(f"sameTerm(?v, {t.n3()})" for t in terms) + ")"
    if (pattern := _one(shapes, s, SH.pattern)) is not None:
        flags = _one(shapes, s, SH.flags)
        args = f"{Literal(sparql_pattern(str(pattern))).n3()}" + (f", {Literal(str(flags)).n3()}" if flags else "")
        yield SH.PatternConstraintComponent, f"(!isBlank(?v) && REGEX(STR(?v), {args}))"
    for key, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"), (SH.maxExclusive, "<")):
        if (bound := _one(shapes, s, key)) is not None:
            component = SH[key.split("#")[1][0].upper() + key.split("#")[1][1:] + "ConstraintComponent"]
            yield component, f"COALESCE(?v {op} {bound.n3()}, false)"
    for key, op in ((SH.minLength, ">="), (SH.maxLength, "<=")):
        if (n := _one(shapes, s, key)) is not None:
            component = SH[key.split("#")[1][0].upper() + key.split("#")[1][1:] + "ConstraintComponent"]
            yield component, f"(!isBlank(?v) && STRLEN(STR(?v)) {op} {int(n)})"
    if (inner := _one(shapes, s, SH["not"])) is not None:
        yield SH.NotConstraintComponent, f"!({_all(shapes, inner)})"
    if (members := _one(shapes, s, SH["or"])) is not None:
        yield SH.OrConstraintComponent, "(" + " || ".join(_all(shapes, m) for m in Collection(shapes, members)) + ")"
    if _one(shapes, s, SH.hasValue) is not None:
        raise UnsupportedShape(f"{s}: sh:hasValue is not compiled (it is not per value)")


def sparql_pattern(pattern: str) -> str:
    r"""The sh:pattern as Oxigraph's (Rust) regex must read it to match what pyshacl's Python `re` matches.

    Python's `$` also matches before a final newline; Rust's only at the very end. Patterns are
    refused when they use constructs whose meaning differs (lookaround, backreferences, `\Z`).
    """
    if any(token in pattern for token in ("(?=", "(?!", "(?<", "\\Z", "\\1")):
        raise UnsupportedShape(f"sh:pattern {pattern!r} uses regex syntax that differs between Python and Rust")
    return pattern[:-1] + "\\n?$" if pattern.endswith("$") and not pattern.endswith("\\$") else pattern


def _all(shapes: Graph, s) -> str:
    """An inline shape of `sh:or`/`sh:not` as one expression; only per-value constraints allowed."""
    if not isinstance(s, BNode):
        raise UnsupportedShape(f"{s}: only inline (blank node) shapes are compiled inside sh:or/sh:not")
    _check_keys(shapes, s, _PER_VALUE | {RDF.type})
    tests = [t for _, t in _conditions(shapes, s)]
    if not tests:
        raise UnsupportedShape(f"{s}: an empty shape inside sh:or/sh:not")
    return "(" + " && ".join(tests) + ")"


def _targets(shapes: Graph, node_shape) -> str:
    parts = [f"{{ {{isa:?f:{c}}} }}"
             for c in sorted(shapes.objects(node_shape, SH.targetClass))]
    parts += [f"{{ ?f {p.n3()} ?_t }}" for p in sorted(shapes.objects(node_shape, SH.targetSubjectsOf))]
    parts += [f"{{ ?_t {p.n3()} ?f }}" for p in sorted(shapes.objects(node_shape, SH.targetObjectsOf))]
    parts += [f"{{ VALUES ?f {{ {n.n3()} }} }}" for n in sorted(shapes.objects(node_shape, SH.targetNode))]
    return " UNION ".join(parts)


def _meta(shapes: Graph, s) -> tuple[str, str]:
    messages = sorted(str(m) for m in shapes.objects(s, SH.message))
    if not messages:
        # pyshacl would write a generated message; ours must be the shape's own to compare equal
        raise UnsupportedShape(f"{s}: every constraint-bearing shape needs an sh:message")
    return str(_one(shapes, s, SH.severity) or SH.Violation), " ".join(messages)


def _shape_checks(shapes: Graph, node_shape, target: str) -> Iterator[Check]:
    _check_keys(shapes, node_shape, _NODE_SHAPE_KEYS)
    own = list(_conditions(shapes, node_shape))
    if own:
        severity, message = _meta(shapes, node_shape)
        for component, test in own:
            yield Check(str(node_shape), "", str(component), severity, message,
                        f"SELECT DISTINCT ?f ?v WHERE {{ {{focus}} {{ {target} }} BIND(?f AS ?v) FILTER(!({test})) }}",
                        node_shape=str(node_shape))
    for ps in sorted(shapes.objects(node_shape, SH.property)):
        _check_keys(shapes, ps, _PROPERTY_SHAPE_KEYS)
        path = _one(shapes, ps, SH.path)
        if not isinstance(path, URIRef):
            raise UnsupportedShape(f"{ps}: only single-predicate sh:path is compiled")
        severity, message = _meta(shapes, ps)
        for component, test in _conditions(shapes, ps):
            # the rare violating values first, then whether their subject is a focus node at all
            by_value = ""
            if component == SH.ClassConstraintComponent:
                # "{vfocus:C}" binds the changed values that are not C (few): a hub (a list, a person) has
                # many subjects, and most values are typed right
                cls = _one(shapes, ps, SH["class"])
                by_value = (f"SELECT DISTINCT ?f ?v WHERE {{ {{vfocus:{cls}}} "
                            f"?f {path.n3()} ?v FILTER EXISTS {{ {target} }} }}")
            yield Check(str(ps), str(path), str(component), severity, message,
                        f"SELECT DISTINCT ?f ?v WHERE {{ {{focus}} ?f {path.n3()} ?v FILTER(!({test})) "
                        f"FILTER EXISTS {{ {target} }} }}", True, by_value, str(node_shape))
        for component, sparql, has_value in _counting(shapes, ps, path.n3(), target):
            yield Check(str(ps), str(path), str(component), severity, message, sparql, has_value,
                        node_shape=str(node_shape))


def _counting(shapes: Graph, ps, p: str, target: str) -> Iterator[tuple[URIRef, str, bool]]:
    """Constraints on all values of a focus node at once. Shaped for Oxigraph: the few candidate
    focus nodes come from the data first and are then tested against the target, except for
    minimum counts, which start from every focus node and subtract (MINUS) those with values."""

    def grouped(where: str, having: str, by: str = "?f") -> str:
        return (f"SELECT ?f WHERE {{ {{ SELECT ?f WHERE {{ {{focus}} {where} }} GROUP BY {by} HAVING ({having}) }} "
                f"FILTER EXISTS {{ {target} }} }}")

    def missing(where: str, n: int) -> str:
        if n == 1:
            return f"SELECT DISTINCT ?f WHERE {{ {{focus}} {{ {target} }} MINUS {{ {where} }} }}"
        return (f"SELECT ?f WHERE {{ {{ SELECT DISTINCT ?f WHERE {{ {{focus}} {{ {target} }} }} }} "
                f"OPTIONAL {{ {where} }} }} GROUP BY ?f HAVING (COUNT(DISTINCT ?v) < {n})")

    if (n := _one(shapes, ps, SH.minCount)) is not None and int(n) > 0:
        yield SH.MinCountConstraintComponent, missing(f"?f {p} ?v", int(n)), False
    if (n := _one(shapes, ps, SH.maxCount)) is not None:
        yield SH.MaxCountConstraintComponent, grouped(f"?f {p} ?v", f"COUNT(DISTINCT ?v) > {int(n)}"), False
    if _one(shapes, ps, SH.uniqueLang) == Literal(True):
        # one result per duplicated language, as pyshacl reports them
        yield SH.UniqueLangConstraintComponent, grouped(f'?f {p} ?v FILTER(lang(?v) != "")',
                                                         "COUNT(DISTINCT ?v) > 1", "?f (lcase(lang(?v)))"), False
    if (qvs := _one(shapes, ps, SH.qualifiedValueShape)) is not None:
        test = _all(shapes, qvs)
        if (n := _one(shapes, ps, SH.qualifiedMinCount)) is not None:
            yield SH.QualifiedMinCountConstraintComponent, missing(f"?f {p} ?v FILTER{test}", int(n)), False
        if (n := _one(shapes, ps, SH.qualifiedMaxCount)) is not None:
            yield SH.QualifiedMaxCountConstraintComponent, grouped(f"?f {p} ?v FILTER{test}",
                                                                    f"COUNT(DISTINCT ?v) > {int(n)}"), False
    if (other := _one(shapes, ps, SH.disjoint)) is not None:
        yield SH.DisjointConstraintComponent, (f"SELECT DISTINCT ?f ?v WHERE {{ {{focus}} ?f {p} ?v . "
                                                f"?f {other.n3()} ?v FILTER EXISTS {{ {target} }} }}"), True
    if (other := _one(shapes, ps, SH.lessThanOrEquals)) is not None:
        yield SH.LessThanOrEqualsConstraintComponent, (
            f"SELECT DISTINCT ?f ?v WHERE {{ {{focus}} ?f {p} ?v . ?f {other.n3()} ?c "
            f"FILTER(!COALESCE(?v <= ?c, false)) FILTER EXISTS {{ {target} }} }}"), True


@functools.lru_cache(maxsize=1)
def compiled_checks() -> tuple[Check, ...]:
    """Every constraint of shapes/*.ttl as a Check, in a stable order.

    Raises UnsupportedShape for any SHACL feature not compiled, so no shape goes silently unchecked.
    """
    shapes = load_shapes()
    checks: list[Check] = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.property, None))):
        target = _targets(shapes, shape)
        if not target:
            raise UnsupportedShape(f"{shape}: a node shape without a target is never checked")
        checks.extend(_shape_checks(shapes, shape, target))
    _refuse_orphans(shapes)
    return tuple(checks)


@functools.lru_cache(maxsize=1)
def shape_targets() -> dict[str, dict[str, tuple[str, ...]]]:
    """Each node shape's targets: {"class"|"subjectsOf"|"objectsOf"|"node": IRIs}."""
    shapes = load_shapes()
    keys = {"class": SH.targetClass, "subjectsOf": SH.targetSubjectsOf, "objectsOf": SH.targetObjectsOf,
            "node": SH.targetNode}
    return {c.node_shape: {k: tuple(sorted(str(o) for o in shapes.objects(URIRef(c.node_shape), p)))
                           for k, p in keys.items()} for c in compiled_checks()}


def _refuse_orphans(shapes: Graph) -> None:
    """A property shape nobody references, or a shape reached by sh:node, would be skipped: refuse."""
    referenced = set(shapes.objects(None, SH.property))
    for ps in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(SH.path, None)):
        if ps not in referenced and not isinstance(ps, BNode):
            raise UnsupportedShape(f"{ps}: a property shape no node shape references is never checked")
    for key in (SH.node, SH.xone, SH["and"], SH.closed, SH.sparql, SH.equals, SH.lessThan,
                SH.languageIn, SH.deactivated, SH.target):
        if next(shapes.subjects(key, None), None) is not None:
            raise UnsupportedShape(f"{key} is used by a shape and is not compiled to SPARQL")


def subclasses(raw: ox.Store):
    """A function giving a class's rdfs:subClassOf* descendants (itself included) as found in the data."""
    children: dict[str, set[str]] = {}
    for q in raw.quads_for_pattern(None, ox.NamedNode(str(RDFS.subClassOf)), None, None):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            children.setdefault(q.object.value, set()).add(q.subject.value)

    @functools.lru_cache(maxsize=None)
    def down(cls: str) -> tuple[str, ...]:
        seen, todo = {cls}, [cls]
        while todo:
            for child in children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return tuple(sorted(seen))

    return down


def _bind_classes(sparql: str, down) -> str:
    # a UNION of plain triple patterns: Oxigraph evaluates `?c IN (...)` inside EXISTS over every type triple
    return re.sub(r"\{isa:(\?\w+):([^}]+)\}",
                  lambda m: " UNION ".join(f"{{ {m[1]} {RDF.type.n3()} <{c}> }}" for c in down(m[2])), sparql)


@functools.lru_cache(maxsize=1)
def value_classes() -> frozenset[str]:
    """The classes of sh:class constraints on property values (checked again when a value's types change)."""
    shapes = load_shapes()
    return frozenset(str(shapes.value(URIRef(c.shape), SH["class"])) for c in compiled_checks() if c.by_value)


@functools.lru_cache(maxsize=1)
def qualified_class_paths() -> frozenset[str]:
    """Paths whose focus nodes count typed values (qualified sh:class): re-checked when a value's types change."""
    shapes = load_shapes()
    return frozenset(str(shapes.value(ps, SH.path)) for ps, q in shapes.subject_objects(SH.qualifiedValueShape)
                     if shapes.value(q, SH["class"]) is not None)


def run_checks(raw: ox.Store, focus: dict[str, str] | None = None,
               vfocus: dict[str, str] | None = None) -> list[ValidationResult]:
    """The compiled checks over the union of the store's graphs: every focus node, or per node shape
    only those its `focus` pattern binds (?f; a shape left out is skipped), plus sh:class results
    whose value the `vfocus` pattern of that class binds (?v; a class left out has none)."""
    from kg.validate_cross import _ox_text

    down = subclasses(raw)
    results: list[ValidationResult] = []
    for check in compiled_checks():
        queries = []
        if focus is None:
            queries.append(check.sparql.replace("{focus}", ""))
        elif check.node_shape in focus:
            # few focus nodes: a lookup each beats MINUS, which reads every value of the path
            sparql = check.sparql.replace("{focus}", focus[check.node_shape])
            queries.append(sparql.replace("MINUS", "FILTER NOT EXISTS"))
        if vfocus is not None and check.by_value:
            slot = re.search(r"\{vfocus:([^}]+)\}", check.by_value)
            if slot[1] in vfocus:
                queries.append(check.by_value.replace(slot[0], vfocus[slot[1]]))
        found: list[ValidationResult] = []
        for i, sparql in enumerate(queries):
            rows = [ValidationResult(
                focus_node=_ox_text(row["f"]), result_path=check.path, constraint_component=check.component,
                severity=check.severity, message=check.message, source_shape=check.shape,
                value=_ox_text(row["v"]) if check.has_value else "")
                for row in raw.query(_bind_classes(sparql, down), use_default_graph_as_union=True)]
            # the by-value query finds again what the focus query found when both ends changed
            found.extend(rows if i == 0 else set(rows) - set(found))
        results.extend(found)
    return sorted(results)


__all__ = ["Check", "UnsupportedShape", "compiled_checks", "qualified_class_paths", "run_checks", "shape_targets",
           "subclasses", "value_classes"]
