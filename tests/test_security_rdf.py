"""The RDF stack never fetches or reads what it is handed: hooks, JSON-LD and RDF/XML inputs, SHACL, identity (cases 8, 9, 11-14)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, SH

from kg.config import Settings
from kg.errors import SourceError
from kg.export import format_for
from kg.model import Provenance
from kg.parse import parse_page
from kg.pipeline import build
from kg.sources.registry import detect
from kg.validate import load_shapes, validate_graph
from tests.security_support import ROOT, canary  # noqa: F401 - fixture

KG = ROOT / "kg"


# -- 8: the audit hook, and no string source anywhere ----------------------------------------------
HOOKED = r"""
import sys
def no_egress(event, args):
    if event in ("urllib.Request", "socket.connect", "socket.getaddrinfo"):
        raise PermissionError(f"egress blocked: {event}")
sys.addaudithook(no_egress)
from rdflib import Graph
try:
    Graph().parse(sys.argv[1])
except PermissionError as exc:
    print("blocked", exc)
"""


def test_case08_graph_parse_of_a_url_is_stopped_by_the_audit_hook(canary):
    out = subprocess.run([sys.executable, "-c", HOOKED, canary.url("/x.ttl")], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.startswith("blocked egress blocked: urllib.Request"), out.stdout + out.stderr


def test_case08_the_test_guard_is_active_in_process():
    with pytest.raises(AssertionError, match="no network beyond loopback"):
        Graph().parse("http://192.0.2.1/x.ttl")  # TEST-NET-1: the conftest guard refuses before any packet


def _rdflib_parse_calls() -> list[tuple[str, int, ast.Call]]:
    calls = []
    for path in sorted(KG.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "parse" \
                    and any(k.arg == "format" for k in node.keywords):
                calls.append((str(path.relative_to(ROOT)), node.lineno, node))
    return calls


def test_case08_09_11_kg_parses_rdf_from_data_only_and_never_json_ld_or_rdf_xml():
    calls = _rdflib_parse_calls()
    assert calls  # the KB, the ontology and the shapes are read this way
    for where, line, call in calls:
        assert not call.args and any(k.arg == "data" for k in call.keywords), (where, line)  # D3: never a str source
        fmt = next(k.value for k in call.keywords if k.arg == "format")
        assert isinstance(fmt, ast.Constant) and fmt.value in ("turtle", "nt", "nquads", "trig"), (where, line)


# -- 9, 11: JSON-LD and RDF/XML are not inputs ------------------------------------------------------
def _hostile_files(folder: Path, canary_url: str, secret: Path) -> None:
    (folder / "ctx.jsonld").write_text(f'{{"@context": "{canary_url}ctx", "@id": "urn:x"}}', encoding="utf-8")
    (folder / "file-ctx.json").write_text(f'{{"@context": "file://{secret}", "@id": "urn:x"}}', encoding="utf-8")
    (folder / "path-ctx.jsonld").write_text(f'{{"@context": "{secret}"}}', encoding="utf-8")
    laughs = '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)) + "]>"
    (folder / "laughs.rdf").write_text(laughs + "<r>&j;</r>", encoding="utf-8")
    (folder / "xxe.xml").write_text(f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret}"><!ENTITY y SYSTEM '
                                    f'"{canary_url}dtd">]><r>&x;&y;</r>', encoding="utf-8")


def test_case09_11_json_ld_and_rdf_xml_files_are_refused_as_sources(canary, tmp_path):
    secret = tmp_path / "secret.jsonld"
    secret.write_text('{"@context": {"s": "urn:LOCAL-SECRET"}}', encoding="utf-8")
    folder = tmp_path / "inbox"
    folder.mkdir()
    _hostile_files(folder, canary.url("/"), secret)
    for path in sorted(folder.iterdir()):
        with pytest.raises(SourceError, match="cannot tell what kind"):
            detect(str(path))
    (folder / "ok.txt").write_text("From: Q <q@example.org>\nSubject: s\n\nA normal page.\n", encoding="utf-8")
    result = build([str(folder)], Settings(quiet=True), infer=False)
    skipped = {Path(p.locator).name for p in result.problems if "skipped" in p.reason}
    assert skipped == {"ctx.jsonld", "file-ctx.json", "path-ctx.jsonld", "laughs.rdf", "xxe.xml"}
    assert b"LOCAL-SECRET" not in format_for(name="nquads").write(result.dataset)


@pytest.mark.parametrize("name", ["ctx.jsonld", "laughs.rdf", "xxe.xml"])
def test_case09_11_the_same_bytes_as_a_page_are_text_quickly_with_no_entity_or_context_resolved(canary, tmp_path,
                                                                                                name):
    secret = tmp_path / "secret.txt"
    secret.write_text("LOCAL-SECRET", encoding="utf-8")
    _hostile_files(tmp_path, canary.url("/"), secret)
    started = time.perf_counter()
    result = parse_page((tmp_path / name).read_text(encoding="utf-8"), Provenance(name, "pipermail-text"))
    assert time.perf_counter() - started < 1.0
    text = " ".join(m.text for m in result.messages)
    assert "LOCAL-SECRET" not in text and "aaaaaaaaaa" * 10 not in text


def test_case11_two_megabytes_of_character_references_are_done_within_budget():
    page = "<html><body><!--beginarticle--><pre>" + "&#65;" * 400_000 + "</pre><!--endarticle--></body></html>"
    started = time.perf_counter()
    result = parse_page(page, Provenance("charrefs", "pipermail-html"))
    assert time.perf_counter() - started < 5.0
    assert result.messages or result.problems


# -- 12, 13: SHACL ---------------------------------------------------------------------------------
def test_case12_validation_fetches_no_import_and_uses_graphs_and_safe_flags(canary, monkeypatch):
    import pyshacl

    seen = []
    real = pyshacl.validate

    def spy(data_graph, *args, **kwargs):
        seen.append((data_graph, kwargs))
        return real(data_graph, *args, **kwargs)
    monkeypatch.setattr(pyshacl, "validate", spy)
    import kg.validate as kv
    if hasattr(kv, "pyshacl"):
        monkeypatch.setattr(kv.pyshacl, "validate", spy)
    if hasattr(kv, "validate") and kv.validate is real:
        monkeypatch.setattr(kv, "validate", spy)
    data = Graph()
    data.add((URIRef("https://kg.example.org/id/graph/x"), OWL.imports, URIRef(canary.url("/onto.ttl"))))
    validate_graph(data)
    assert seen, "kg.validate did not call pyshacl.validate"
    for graph, kwargs in seen:
        assert isinstance(graph, Graph) and isinstance(kwargs.get("shacl_graph"), (Graph, type(None)))
        assert kwargs.get("advanced", False) is False and kwargs.get("do_owl_imports", False) is False
        assert kwargs.get("js", False) is False


ADVERSARIAL = ["a" * 40 + "!", "@" * 40 + "!", "a@" * 20 + "!", "0." * 20 + "!", "a" * 39 + "\n", "-" * 40,
               "a" * 1000 + "!", "https://" + "a." * 200 + "!", " " * 40 + "!"]


def test_case13_every_shape_pattern_compiles_and_decides_hostile_literals_in_under_100_ms():
    shapes = load_shapes()
    patterns = sorted({(str(p), str(shapes.value(s, SH.flags) or "")) for s, p in shapes.subject_objects(SH.pattern)})
    assert patterns
    for pattern, flags in patterns:
        compiled = re.compile(pattern, re.I if "i" in flags else 0)
        for literal in ADVERSARIAL:
            started = time.perf_counter()
            compiled.search(literal)
            assert time.perf_counter() - started < 0.1, (pattern, literal[:20])


# -- 14: one person, 200 aliases -------------------------------------------------------------------
NAMES = ["Dana Okafor", "Okafor, Dana", "DANA OKAFOR", "Dr. Dana Okafor", "dana okafor"]


def test_case14_two_hundred_aliases_are_one_person_without_same_as(tmp_path):
    mbox = b""
    for i in range(200):
        # every name form, and a new address each time: only the name ties them together, and the
        # address pairs (i, i+1) share a name form, which is what chains aliases in a naive resolver
        mbox += (f"From dana{i}@example{i % 7}.org  Mon Jan  1 10:{i % 60:02d}:00 2024\n"
                 f"From: {NAMES[i % len(NAMES)]} <dana{i}@example{i % 7}.org>\nMessage-ID: <alias-{i}@x.example>\n"
                 f"Date: Mon, 01 Jan 2024 10:{i % 60:02d}:00 +0000\nSubject: note {i}\n\nNote {i}.\n\n").encode()
    (tmp_path / "aliases.mbox").write_bytes(mbox)
    started = time.perf_counter()
    result = build([str(tmp_path / "aliases.mbox")], Settings(quiet=True))
    assert time.perf_counter() - started < 60
    authors = {m.author.name for m in result.messages if m.author}
    people = {result.resolution.canonical.get(f"person:{n.casefold()}") for n in ["dana okafor"]}
    assert len(people) == 1 and None not in people
    makers = {str(o) for _, p, o, _ in result.dataset.quads((None, URIRef("http://xmlns.com/foaf/0.1/maker"),
                                                              None, None))}
    assert len(makers) == 1, (authors, makers)
    assert not list(result.dataset.quads((None, OWL.sameAs, None, None)))
    inferred = [g for g in result.graphs if g.endswith("/graph/inferred")]
    assert inferred and not list(result.graphs[inferred[0]].triples((None, OWL.sameAs, None)))
