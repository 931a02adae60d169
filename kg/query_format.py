"""Query results as text: an aligned table, SPARQL 1.1 CSV/TSV, SPARQL Results JSON and XML."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.errors import ExportError, QueryError
from kg.store import QueryResult
from kg.vocab import DCTERMS, FOAF, IGKG_NS, OA, ORG, PROV, RDF, RDFS, SCHEMA, SIOC, SKOS

if TYPE_CHECKING:
    from kg.queries import QueryOutcome

# The prefixes of docs/rdf-mapping.md, used to shorten IRIs in tables.
PREFIXES: dict[str, str] = {
    "igkg": IGKG_NS, "sioc": str(SIOC), "foaf": str(FOAF), "org": str(ORG), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "prov": str(PROV), "oa": str(OA), "schema": str(SCHEMA),
    "xsd": str(XSD), "rdf": str(RDF), "rdfs": str(RDFS),
}
_LOCAL_NAME = re.compile(r"^[A-Za-z_][\w\-]*$")
# XML 1.0 cannot carry these at all, escaped or not (security.md §0.8: broken XML otherwise).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def shorten(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """`prefix:local` for an IRI in one of `prefixes` (longest namespace wins), else `<iri>`."""
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None and _LOCAL_NAME.match(iri[len(best):]):
        prefix = next(p for p, ns in prefixes.items() if ns == best)
        return f"{prefix}:{iri[len(best):]}"
    return f"<{iri}>"


def _table_cell(term: Node | None, prefixes: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = shorten(str(term), prefixes)
    elif isinstance(term, BNode):
        text = f"_:{term}"
    else:
        text = str(term)
    # one row per line: a newline inside a literal would break the alignment
    return text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")


def _table(result: QueryResult, prefixes: Mapping[str, str]) -> str:
    if result.boolean is not None:
        return f"{str(result.boolean).lower()}\n"
    cells = [[_table_cell(term, prefixes) for term in row] for row in result.rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(result.variables)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in cells]
    count = len(result.rows)
    lines.append(f"({count} row{'' if count == 1 else 's'})")
    return "\n".join(lines) + "\n"


def _csv_value(term: Node | None) -> str:
    if term is None:
        return ""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _csv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # SPARQL 1.1 CSV: RFC 4180, CRLF line ends
    if result.boolean is not None:
        writer.writerows([["boolean"], [str(result.boolean).lower()]])
    else:
        writer.writerow(result.variables)
        writer.writerows([_csv_value(term) for term in row] for row in result.rows)
    return out.getvalue()


_TURTLE_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _tsv_value(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, URIRef):
        return f"<{term}>"
    # SPARQL 1.1 TSV: Turtle terms on one line (rdflib's n3() would write a long string with raw newlines)
    assert isinstance(term, Literal)
    quoted = '"' + str(term).translate(_TURTLE_ESCAPES) + '"'
    if term.language:
        return f"{quoted}@{term.language}"
    return f"{quoted}^^<{term.datatype}>" if term.datatype is not None else quoted


def _tsv(result: QueryResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n")
    if result.boolean is not None:
        writer.writerows([["?boolean"], [str(result.boolean).lower()]])
    else:
        writer.writerow([f"?{name}" for name in result.variables])
        writer.writerows([_tsv_value(term) for term in row] for row in result.rows)
    return out.getvalue()


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    value = {"type": "literal", "value": str(term)}
    if term.language:
        value["xml:lang"] = term.language
    elif term.datatype is not None:
        value["datatype"] = str(term.datatype)
    return value


def _json(result: QueryResult) -> str:
    if result.boolean is not None:
        document: dict = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [{name: _json_term(term) for name, term in zip(result.variables, row) if term is not None}
                    for row in result.rows]
        document = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _xml_text(text: str) -> str:
    if _NOT_XML.search(text):
        raise ExportError("a value contains a character XML 1.0 cannot carry; use the json format")
    return text


def _xml(result: QueryResult) -> str:
    root = ET.Element("sparql", {"xmlns": _RESULTS_NS})
    head = ET.SubElement(root, "head")
    if result.boolean is not None:
        ET.SubElement(root, "boolean").text = str(result.boolean).lower()
    else:
        for name in result.variables:
            ET.SubElement(head, "variable", {"name": name})
        results = ET.SubElement(root, "results")
        for row in result.rows:
            element = ET.SubElement(results, "result")
            for name, term in zip(result.variables, row):
                if term is not None:
                    _xml_binding(ET.SubElement(element, "binding", {"name": name}), term)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_binding(binding: ET.Element, term: Node) -> None:
    if isinstance(term, URIRef):
        ET.SubElement(binding, "uri").text = _xml_text(str(term))
    elif isinstance(term, BNode):
        ET.SubElement(binding, "bnode").text = _xml_text(str(term))
    else:
        assert isinstance(term, Literal)
        attrs = {_XML_LANG: term.language} if term.language else (
            {"datatype": str(term.datatype)} if term.datatype is not None else {})
        ET.SubElement(binding, "literal", attrs).text = _xml_text(str(term))


@dataclass(frozen=True)
class ResultFormat:
    """A results format: its name, media type, file extension and writer."""

    name: str
    media_type: str
    extension: str
    write: Callable[[QueryResult], str]


RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f for f in (
        ResultFormat("table", "text/plain", "txt", lambda r: _table(r, PREFIXES)),
        ResultFormat("csv", "text/csv", "csv", _csv),
        ResultFormat("tsv", "text/tab-separated-values", "tsv", _tsv),
        ResultFormat("json", "application/sparql-results+json", "srj", _json),
        ResultFormat("xml", "application/sparql-results+xml", "srx", _xml),
    )
}


def format_result(result: QueryResult | QueryOutcome, fmt: str = "table", *, note: str | None = None) -> str:
    """`result` (or a run's outcome) as text in the format named `fmt` (table, csv, tsv, json or xml).

    `note` (by default an outcome's truncation notice) ends a table; the standard formats have no
    place for one, so callers report it beside them (e.g. on stderr or in a header).
    """
    if not isinstance(result, QueryResult):
        note = note or result.notice
        result = result.result
    if fmt not in RESULT_FORMATS:
        raise QueryError(f"unknown result format {fmt!r}; choose one of {', '.join(RESULT_FORMATS)}")
    text = RESULT_FORMATS[fmt].write(result)
    return f"{text}{note}\n" if note and fmt == "table" else text
