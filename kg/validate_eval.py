"""SHACL core shapes compiled to Python tests over N-Triples terms, evaluated one node description at a time."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

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
# rdflib (pyshacl) checks a literal's lexical form for these
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date,
             XSD.gYear, XSD.time}
RDF_TYPE = f"<{RDF.type}>"
XSD_STRING = str(XSD.string)
LANG_STRING = str(RDF.langString)
Description = dict[str, set[str]]  # predicate -> objects, each an N-Triples term
# node -> whether it is an instance of a class (IRI text without brackets), subclasses included
IsA = Callable[[str, str], bool]
ValueTest = Callable[[str, IsA], bool]
Test = tuple[str, ValueTest, str]  # (component, test, the class of a direct sh:class test or "")


class Unresolved(Exception):
    """An IsA that cannot tell yet (the node's types live in graphs not at hand)."""

_ESCAPE = re.compile(r'\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))', re.S)
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
# XSD lexical spaces of the castable datatypes: what a SPARQL cast (and rdflib) accepts
_LEXICAL = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+"),
    str(XSD.decimal): re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"),
    str(XSD.double): re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    str(XSD.float): re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    str(XSD.boolean): re.compile(r"true|false|1|0"),
    str(XSD.dateTime): re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?"
                                  r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
    str(XSD.date): re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
    str(XSD.gYear): re.compile(r"-?[0-9]{4,}(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
    str(XSD.time): re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"),
}
_NUMERIC = {str(XSD[t]) for t in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                   "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
                                   "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                   "unsignedByte")}


class UnsupportedShape(IgkgError):
    """A shape uses a SHACL feature the compiler cannot check: it would otherwise go unchecked."""


# --- N-Triples terms -------------------------------------------------------------------------------
def nt(term) -> str:
    """An rdflib term as N-Triples text (the form the store dumps)."""
    from kg.store import to_ox

    return str(to_ox(term))


def literal_parts(term: str) -> tuple[str, str, str]:
    """(lexical form, datatype IRI, language) of an N-Triples literal."""
    # offsets, labels and extractor names repeat across graphs: cached, but not a post's whole text
    return _short_literal_parts(term) if len(term) < 256 else _literal_parts(term)


def _literal_parts(term: str) -> tuple[str, str, str]:
    end = term.rindex('"')
    lexical = term[1:end]
    if "\\" in lexical:
        lexical = _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)) if (m[1] or m[2]) else _ECHAR.get(m[3], m[3]),
                              lexical)
    rest = term[end + 1:]
    if rest.startswith("@"):
        return lexical, LANG_STRING, rest[1:]
    if rest.startswith("^^"):
        return lexical, rest[3:-1], ""
    return lexical, XSD_STRING, ""


_short_literal_parts = functools.lru_cache(maxsize=65536)(_literal_parts)


def string_value(term: str) -> str:
    """SPARQL STR(): an IRI's text or a literal's lexical form."""
    if term[0] == "<":
        return term[1:-1]
    return literal_parts(term)[0] if term[0] == '"' else term


def result_text(term: str) -> str:
    """How kg.validate writes a node in a ValidationResult: IRIs bare, blank nodes _:x, literals as n3()."""
    if term[0] != '"':
        return term[1:-1] if term[0] == "<" else term
    from kg.validate import _text

    # rare (results only): the rdflib literal the store's term would convert to (kg.store.from_ox)
    lexical, datatype, lang = literal_parts(term)
    if lang:
        return _text(Literal(lexical, lang=lang))
    return _text(Literal(lexical) if datatype == XSD_STRING else Literal(lexical, datatype=URIRef(datatype)))


@functools.lru_cache(maxsize=16384)
def _comparable(term: str):
    """A literal's value for SPARQL's <, <=, ...: (kind, value), or None when it has no order."""
    if term[0] != '"':
        return None
    lexical, datatype, lang = literal_parts(term)
    if lang:
        return None
    try:
        if datatype in _NUMERIC:
            if not _LEXICAL.get(datatype, _LEXICAL[str(XSD.decimal)]).fullmatch(lexical):
                return None
            return "number", (float(lexical) if datatype in (str(XSD.double), str(XSD.float)) else Decimal(lexical))
        if datatype == str(XSD.dateTime) and _LEXICAL[datatype].fullmatch(lexical):
            value = dt.datetime.fromisoformat(lexical.replace("Z", "+00:00"))
            return ("datetime-tz" if value.tzinfo else "datetime"), value
        if datatype == str(XSD.date) and _LEXICAL[datatype].fullmatch(lexical) and len(lexical) == 10:
            return "date", dt.date.fromisoformat(lexical)
        if datatype == XSD_STRING:
            return "string", lexical
    except (ValueError, InvalidOperation):
        return None
    return None


@functools.lru_cache(maxsize=65536)  # offsets against the same bound repeat across graphs
def compare(left: str, op: str, right: str) -> bool:
    """SPARQL `left op right` on two literals; an error (no common order) is False."""
    a, b = _comparable(left), _comparable(right)
    if a is None or b is None or a[0] != b[0]:
        return False
    x, y = a[1], b[1]
    return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]


@functools.lru_cache(maxsize=65536)
def _well_formed(lexical: str, datatype: str) -> bool:
    pattern = _LEXICAL.get(datatype)
    if pattern is None or not pattern.fullmatch(lexical):
        return pattern is None
    try:  # the pattern admits month 13 or February 30: the calendar does not
        if datatype == str(XSD.dateTime):
            dt.datetime.fromisoformat(lexical.replace("Z", "+00:00").lstrip("-"))
        elif datatype == str(XSD.date):
            dt.date.fromisoformat(lexical[:10].lstrip("-"))
    except ValueError:
        return False
    return True


# --- shapes as Python tests --------------------------------------------------------------------------
def _one(shapes: Graph, s, p):
    values = list(shapes.objects(s, p))
    if len(values) > 1:
        raise UnsupportedShape(f"{s}: several {p} values are not compiled")
    return values[0] if values else None


def _check_keys(shapes: Graph, shape, allowed: set) -> None:
    for p in set(shapes.predicates(shape, None)):
        if str(p).startswith(str(SH)) and p not in allowed:
            raise UnsupportedShape(f"{shape}: {p} is not compiled")


def _meta(shapes: Graph, s) -> tuple[str, str]:
    messages = sorted(str(m) for m in shapes.objects(s, SH.message))
    if not messages:
        # pyshacl would write a generated message; ours must be the shape's own to compare equal
        raise UnsupportedShape(f"{s}: every constraint-bearing shape needs an sh:message")
    return str(_one(shapes, s, SH.severity) or SH.Violation), " ".join(messages)


def _refuse_orphans(shapes: Graph) -> None:
    """A property shape nobody references, or a shape reached by sh:node, would be skipped: refuse."""
    referenced = set(shapes.objects(None, SH.property))
    for ps in set(shapes.subjects(RDF.type, SH.PropertyShape)) | set(shapes.subjects(SH.path, None)):
        if ps not in referenced and not isinstance(ps, BNode):
            raise UnsupportedShape(f"{ps}: a property shape no node shape references is never checked")
    for key in (SH.node, SH.xone, SH["and"], SH.closed, SH.sparql, SH.equals, SH.lessThan,
                SH.languageIn, SH.deactivated, SH.target):
        if next(shapes.subjects(key, None), None) is not None:
            raise UnsupportedShape(f"{key} is used by a shape and is not compiled")


def _tests(shapes: Graph, s) -> Iterator[Test]:
    """(component, test, class) for each per-value constraint of `s`."""
    cls = _one(shapes, s, SH["class"])
    for component, test in _value_tests(shapes, s):
        yield component, test, str(cls) if component == str(SH.ClassConstraintComponent) else ""


def _value_tests(shapes: Graph, s) -> Iterator[tuple[str, ValueTest]]:
    """(component, test) for each per-value constraint of `s`, in a stable order."""
    if (cls := _one(shapes, s, SH["class"])) is not None:
        c = str(cls)

        def has_class(v, is_a, c=c):
            return v[0] != '"' and is_a(v, c)
        has_class.class_iri = c  # type: ignore[attr-defined]
        yield str(SH.ClassConstraintComponent), has_class
    if (datatype := _one(shapes, s, SH.datatype)) is not None:
        d, castable = str(datatype), datatype in _CASTABLE
        if not castable and datatype not in (XSD.string, RDF.langString):
            raise UnsupportedShape(f"{s}: sh:datatype {datatype} has no well-formedness test")

        def has_datatype(v, _is_a, d=d, castable=castable):
            if v[0] != '"':
                return False
            if d == XSD_STRING:  # Oxigraph writes an xsd:string literal plain: no tag, no datatype
                return v[-1] == '"'
            lexical, datatype_, _ = literal_parts(v)
            return datatype_ == d and (not castable or _well_formed(lexical, d))
        has_datatype.pure = True  # type: ignore[attr-defined]
        if d == XSD_STRING:
            has_datatype.inline = "(v[0] == '\"' and v[-1] == '\"')"  # type: ignore[attr-defined]
        yield str(SH.DatatypeConstraintComponent), has_datatype
    if (kind := _one(shapes, s, SH.nodeKind)) is not None:
        allowed = {SH.IRI: "<", SH.Literal: '"', SH.BlankNode: "_", SH.BlankNodeOrIRI: "<_",
                   SH.IRIOrLiteral: '<"', SH.BlankNodeOrLiteral: '_"'}[kind]
        def has_kind(v, _is_a, allowed=allowed):
            return v[0] in allowed
        has_kind.inline = f"(v[0] in {allowed!r})"  # type: ignore[attr-defined]
        yield str(SH.NodeKindConstraintComponent), has_kind
    if (members := _one(shapes, s, SH["in"])) is not None:
        terms = frozenset(nt(t) for t in Collection(shapes, members))

        def is_in(v, _is_a, terms=terms):
            return v in terms
        is_in.inline = f"(v in {sorted(terms)!r})"  # type: ignore[attr-defined]
        yield str(SH.InConstraintComponent), is_in
    if (pattern := _one(shapes, s, SH.pattern)) is not None:
        flags = str(_one(shapes, s, SH.flags) or "")
        regex = re.compile(str(pattern), sum({"i": re.I, "s": re.S, "m": re.M, "x": re.X}.get(f, 0) for f in flags))
        yield str(SH.PatternConstraintComponent), _pure(lambda v, _is_a: v[0] != "_" and bool(regex.search(string_value(v))))
    for key, op in ((SH.minInclusive, ">="), (SH.maxInclusive, "<="), (SH.minExclusive, ">"), (SH.maxExclusive, "<")):
        if (bound := _one(shapes, s, key)) is not None:
            name = key.split("#")[1]
            b = nt(bound)
            yield str(SH[name[0].upper() + name[1:] + "ConstraintComponent"]), \
                _pure(lambda v, _is_a, op=op, b=b: compare(v, op, b))
    for key, op in ((SH.minLength, ">="), (SH.maxLength, "<=")):
        if (n := _one(shapes, s, key)) is not None:
            name, limit = key.split("#")[1], int(n)
            yield str(SH[name[0].upper() + name[1:] + "ConstraintComponent"]), _pure(
                (lambda v, _is_a, limit=limit: v[0] != "_" and len(string_value(v)) >= limit) if op == ">=" else
                (lambda v, _is_a, limit=limit: v[0] != "_" and len(string_value(v)) <= limit))
    if (inner := _one(shapes, s, SH["not"])) is not None:
        test = _inline(shapes, inner)
        yield str(SH.NotConstraintComponent), lambda v, is_a: not test(v, is_a)
    if (members := _one(shapes, s, SH["or"])) is not None:
        tests = [_inline(shapes, m) for m in Collection(shapes, members)]
        yield str(SH.OrConstraintComponent), lambda v, is_a: any(t(v, is_a) for t in tests)
    if _one(shapes, s, SH.hasValue) is not None:
        raise UnsupportedShape(f"{s}: sh:hasValue is not compiled (it is not per value)")


def _pure(test: ValueTest) -> ValueTest:
    """Mark a test that the value alone decides (no class test): kg.validate_codegen memoises it."""
    test.pure = True  # type: ignore[attr-defined]
    return test


def _inline(shapes: Graph, s) -> ValueTest:
    """An inline shape of sh:or / sh:not / sh:qualifiedValueShape: all its per-value tests at once."""
    if not isinstance(s, BNode):
        raise UnsupportedShape(f"{s}: only inline (blank node) shapes are compiled inside sh:or/sh:not")
    _check_keys(shapes, s, _PER_VALUE | {RDF.type})
    tests = [t for _, t in _value_tests(shapes, s)]
    if not tests:
        raise UnsupportedShape(f"{s}: an empty shape inside sh:or/sh:not")
    if len(tests) == 1:  # the common case ([ sh:class C ]): one call per value, not three
        return tests[0]
    return lambda v, is_a: all(t(v, is_a) for t in tests)


@dataclass(frozen=True)
class PropertySpec:
    """One property shape: its path, per-value tests and counting constraints."""

    shape: str
    path: str  # N-Triples IRI
    severity: str
    message: str
    tests: tuple[Test, ...]
    min_count: int = 0
    max_count: int | None = None
    unique_lang: bool = False
    qualified: ValueTest | None = None
    qualified_min: int | None = None
    qualified_max: int | None = None
    disjoint: str = ""
    less_or_equal: str = ""


@dataclass(frozen=True)
class NodeSpec:
    """One node shape: what it targets, its own per-value tests and its property shapes."""

    shape: str
    classes: tuple[str, ...]  # IRI texts (subclasses are followed by IsA)
    subjects_of: tuple[str, ...]  # N-Triples IRIs
    objects_of: tuple[str, ...]
    nodes: tuple[str, ...]
    severity: str
    message: str
    tests: tuple[Test, ...]
    properties: tuple[PropertySpec, ...]


def _property_spec(shapes: Graph, ps) -> PropertySpec:
    _check_keys(shapes, ps, _PROPERTY_SHAPE_KEYS)
    path = _one(shapes, ps, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"{ps}: only single-predicate sh:path is compiled")
    severity, message = _meta(shapes, ps)
    qvs = _one(shapes, ps, SH.qualifiedValueShape)
    count = (lambda key: int(v) if (v := _one(shapes, ps, key)) is not None else None)
    other = (lambda key: nt(v) if (v := _one(shapes, ps, key)) is not None else "")
    return PropertySpec(
        str(ps), nt(path), severity, message, tuple(_tests(shapes, ps)),
        count(SH.minCount) or 0, count(SH.maxCount), _one(shapes, ps, SH.uniqueLang) == Literal(True),
        _inline(shapes, qvs) if qvs is not None else None, count(SH.qualifiedMinCount), count(SH.qualifiedMaxCount),
        other(SH.disjoint), other(SH.lessThanOrEquals))


@functools.lru_cache(maxsize=1)
def node_specs() -> tuple[NodeSpec, ...]:
    """Every node shape of shapes/*.ttl as a NodeSpec (UnsupportedShape for features not compiled)."""
    return compile_shapes(load_shapes())


def compile_shapes(shapes: Graph) -> tuple[NodeSpec, ...]:
    """Every node shape of a shapes graph as a NodeSpec; UnsupportedShape for any SHACL feature not
    compiled, so no constraint goes silently unchecked."""
    specs = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.property, None))):
        _check_keys(shapes, shape, _NODE_SHAPE_KEYS)
        tests = tuple(_tests(shapes, shape))
        severity, message = _meta(shapes, shape) if tests else ("", "")
        targets = {k: tuple(sorted(str(o) for o in shapes.objects(shape, k)))
                   for k in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)}
        if not any(targets.values()):
            raise UnsupportedShape(f"{shape}: a node shape without a target is never checked")
        specs.append(NodeSpec(
            str(shape), targets[SH.targetClass], tuple(f"<{p}>" for p in targets[SH.targetSubjectsOf]),
            tuple(f"<{p}>" for p in targets[SH.targetObjectsOf]), tuple(f"<{n}>" for n in targets[SH.targetNode]),
            severity, message, tests,
            tuple(_property_spec(shapes, ps) for ps in sorted(shapes.objects(shape, SH.property)))))
    _refuse_orphans(shapes)
    return tuple(specs)


@functools.lru_cache(maxsize=1)
def targeting_predicates() -> tuple[frozenset[str], frozenset[str]]:
    """(subjects-of, objects-of) target predicates of all shapes, as N-Triples IRIs."""
    specs = node_specs()
    return (frozenset(p for s in specs for p in s.subjects_of), frozenset(p for s in specs for p in s.objects_of))


# --- evaluation ----------------------------------------------------------------------------------------
def _result(focus: str, path: str, component: str, severity: str, message: str, shape: str,
            value: str = "") -> ValidationResult:
    return ValidationResult(result_text(focus), path[1:-1] if path else "", component, severity, message, shape,
                            result_text(value) if value else "")


def is_target(spec: NodeSpec, node: str, description: Description, is_a: IsA, objects_of: Iterable[str]) -> bool:
    """Whether `node` (with its description and the predicates it is the object of) is a focus node of `spec`."""
    return (node in spec.nodes or any(is_a(node, c) for c in spec.classes)
            or any(p in description for p in spec.subjects_of) or any(p in spec.objects_of for p in objects_of))


_COMPONENT = {name: str(SH[name + "ConstraintComponent"]) for name in (
    "MinCount", "MaxCount", "UniqueLang", "QualifiedMinCount", "QualifiedMaxCount", "Disjoint", "LessThanOrEquals")}
_EMPTY: frozenset = frozenset()


def evaluate(spec: NodeSpec, node: str, description: Description, is_a: IsA,
             defer: Callable[[ValidationResult, str], None] | None = None) -> list[ValidationResult]:
    """Every result of `spec` on one focus node, given everything the union graph says about it.

    A direct sh:class test on a value whose types `is_a` cannot tell yet (it raises Unresolved) goes
    to `defer(result if the value lacks the class, class)`; any other Unresolved propagates.
    """
    out = []
    for component, test, _ in spec.tests:
        if not test(node, is_a):
            out.append(_result(node, "", component, spec.severity, spec.message, spec.shape, node))
    for p in spec.properties:
        values = description.get(p.path, _EMPTY)
        for component, test, cls in p.tests:
            for v in values:
                try:
                    if test(v, is_a):
                        continue
                except Unresolved:
                    if not cls or defer is None:
                        raise
                    defer(_result(node, p.path, component, p.severity, p.message, p.shape, v), cls)
                    continue
                out.append(_result(node, p.path, component, p.severity, p.message, p.shape, v))
        n = len(values)
        if n < p.min_count or (p.max_count is not None and n > p.max_count) or p.unique_lang or \
                p.qualified is not None or p.disjoint or p.less_or_equal:
            out.extend(_counted(p, node, values, description, is_a))
    return out


def _counted(p: PropertySpec, node: str, values, description: Description, is_a: IsA) -> list[ValidationResult]:
    found: list[tuple[str, str]] = []  # (component, value)
    if len(values) < p.min_count:
        found.append(("MinCount", ""))
    if p.max_count is not None and len(values) > p.max_count:
        found.append(("MaxCount", ""))
    if p.unique_lang:
        langs: dict[str, int] = {}
        for v in values:
            if v[-1] != '"' and v[0] == '"' and (lang := literal_parts(v)[2]):
                langs[lang.lower()] = langs.get(lang.lower(), 0) + 1
        found.extend(("UniqueLang", "") for n in langs.values() if n > 1)
    if p.qualified is not None:
        n = sum(1 for v in values if p.qualified(v, is_a))
        if p.qualified_min is not None and n < p.qualified_min:
            found.append(("QualifiedMinCount", ""))
        if p.qualified_max is not None and n > p.qualified_max:
            found.append(("QualifiedMaxCount", ""))
    if p.disjoint:
        found.extend(("Disjoint", v) for v in sorted(set(values) & description.get(p.disjoint, _EMPTY)))
    if p.less_or_equal:
        others = description.get(p.less_or_equal, _EMPTY)
        found.extend(("LessThanOrEquals", v) for v in values if any(not compare(v, "<=", c) for c in others))
    return [_result(node, p.path, _COMPONENT[c], p.severity, p.message, p.shape, v) for c, v in found]


__all__ = ["Description", "IsA", "NodeSpec", "UnsupportedShape", "Unresolved", "compile_shapes", "PropertySpec", "compare", "evaluate", "is_target", "literal_parts",
           "node_specs", "nt", "result_text", "string_value", "targeting_predicates"]
