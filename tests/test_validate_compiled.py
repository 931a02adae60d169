"""The compiled SPARQL checks against pyshacl over the whole union: same results, whole-store and incremental."""

from __future__ import annotations

import copy
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from kg.infer import infer_store
from kg.store import QuadStore
from kg.validate import load_shapes, validate_graph
from kg.validate_compile import UnsupportedShape, _conditions, compiled_checks, run_checks, sparql_pattern
from kg.validate_fast import CompiledCache, validate_compiled
from kg.vocab import FOAF, SKOS

pytestmark = pytest.mark.filterwarnings("error")

DATA = Path(__file__).parent / "data" / "shapes"
OA = "http://www.w3.org/ns/oa#"
SIOC = "http://rdfs.org/sioc/ns#"
DCT = "http://purl.org/dc/terms/"
BASE = "https://kg.example.org/id/"


def _store(graphs: dict) -> QuadStore:
    store = QuadStore(None)
    for name, graph in sorted(graphs.items()):
        store.replace_graph(name, graph)
    infer_store(store)
    return store


def _naive(store: QuadStore) -> Counter:
    return Counter(validate_graph(store.union_graph()).results)


def _compiled(store: QuadStore) -> Counter:
    return Counter(run_checks(store._store))


def _graph_of(store: QuadStore, name: str) -> Graph:
    graph = Graph()
    for s, p, o, g in store.quads():
        if str(g) == name:
            graph.add((s, p, o))
    return graph


def _edits(store: QuadStore) -> dict[str, Graph]:
    """One mistake of each constraint kind, each in the graph that holds the node it breaks."""
    union = store.union_graph()
    owner = {}
    for s, _, _, g in store.quads():
        owner.setdefault(s, str(g))
    edited: dict[str, Graph] = {}

    def graph(node) -> Graph:
        name = owner[node]
        return edited.setdefault(name, _graph_of(store, name))

    post = sorted(union.subjects(RDF.type, URIRef(SIOC + "Post")))[0]
    g = graph(post)
    g.set((post, URIRef(SIOC + "has_container"), URIRef(BASE + "nowhere")))  # sh:class
    g.set((post, URIRef(DCT + "created"), Literal("yesterday", datatype=XSD.dateTime)))  # ill-formed sh:datatype
    g.add((post, URIRef("https://schema.org/mentions"), Literal("a literal")))  # sh:nodeKind
    g.set((post, URIRef(SIOC + "content"), Literal("text", lang="en")))  # sh:datatype
    g.add((post, FOAF.maker, URIRef(BASE + "person/ghost")))  # sh:maxCount (and sh:class)
    quoted = URIRef("https://w3id.org/igkg/ns#QuotedPost")
    g.add((URIRef(BASE + "quoted/1"), RDF.type, quoted))  # node-level sh:class, sh:minCount
    person = sorted(union.subjects(RDF.type, FOAF.Person))[0]
    graph(person).set((person, FOAF.name, Literal("someone@example.org")))  # sh:pattern
    annotation = sorted(union.subjects(RDF.type, URIRef(OA + "Annotation")))[0]
    graph(annotation).set((annotation, URIRef(OA + "motivatedBy"), URIRef(OA + "describing")))  # sh:in
    graph(annotation).remove((annotation, URIRef(OA + "hasBody"), None))  # sh:minCount
    selector = sorted(union.subjects(RDF.type, URIRef(OA + "TextPositionSelector")))[0]
    sg = graph(selector)
    sg.set((selector, URIRef(OA + "start"), Literal(-5)))  # sh:minInclusive
    sg.set((selector, URIRef(OA + "end"), Literal(-9)))  # sh:lessThanOrEquals
    target = next(union.subjects(URIRef(OA + "hasSelector"), selector))
    extra = BNode("extraquote")
    sg.add((target, URIRef(OA + "hasSelector"), extra))  # sh:qualifiedMaxCount
    sg.add((extra, RDF.type, URIRef(OA + "TextQuoteSelector")))
    sg.add((extra, URIRef(OA + "exact"), Literal("twice")))
    org = sorted(union.subjects(RDF.type, URIRef("http://www.w3.org/ns/org#Organization")))[0]
    og = graph(org)
    og.add((org, SKOS.prefLabel, Literal("Another", lang="en")))  # sh:uniqueLang, sh:maxCount
    og.add((org, SKOS.altLabel, next(union.objects(org, SKOS.prefLabel))))  # sh:disjoint
    doc = URIRef(BASE + "doc/edited")
    og.add((doc, RDF.type, FOAF.Document))
    og.add((doc, URIRef(DCT + "title"), Literal("A document")))
    og.add((doc, URIRef(DCT + "issued"), Literal("2020-01-01T00:00:00", datatype=XSD.dateTime)))  # sh:or
    return edited


@pytest.fixture(scope="module")
def seed_store(seed_build):
    return _store(seed_build.graphs)


@pytest.fixture(scope="module")
def edited(seed_build):
    store = _store(seed_build.graphs)
    cache = CompiledCache()
    clean = validate_compiled(store, cache)
    edits = _edits(store)
    for name, graph in edits.items():
        store.replace_graph(name, graph)
    infer_store(store)
    return store, cache, clean, sorted(edits)


def test_compiled_checks_equal_pyshacl_on_the_seed(seed_store):
    assert _compiled(seed_store) == _naive(seed_store)


def test_one_mistake_of_each_kind_equals_pyshacl_whole_store_and_incrementally(edited):
    store, cache, clean, names = edited
    naive = _naive(store)
    assert _compiled(store) == naive
    told = validate_compiled(store, copy.deepcopy(cache), changed=names)  # the graphs the pipeline wrote
    again = validate_compiled(store, cache)  # found by hashing every graph
    assert Counter(again.results) == naive and told.results == again.results
    assert again.graphs_validated == len(names) < clean.graphs_validated
    kinds = {r.constraint_component.rsplit("#", 1)[1] for r in naive}
    assert kinds >= {f"{k}ConstraintComponent" for k in (
        "Class", "Datatype", "NodeKind", "In", "Pattern", "MinInclusive", "MinCount", "MaxCount", "UniqueLang",
        "QualifiedMaxCount", "Disjoint", "LessThanOrEquals", "Or")}


def test_unchanged_store_reuses_every_result(edited):
    store, cache, *_ = edited
    first = validate_compiled(store, cache)
    again = validate_compiled(store, cache)
    assert again.graphs_validated == 0 and again.results == first.results


def test_cache_round_trip_and_a_removed_graph_forces_a_full_run(edited, tmp_path):
    store, cache, *_ = edited
    validate_compiled(store, cache)
    path = tmp_path / "cache.json"
    cache.save(path)
    loaded = CompiledCache.load(path)
    assert loaded.graphs == cache.graphs
    name = sorted(n for n in store.graph_names() if "/graph/post/" in n)[-1]
    store.remove_graph(name)
    infer_store(store)
    report = validate_compiled(store, loaded)
    assert Counter(report.results) == _naive(store)


FIXTURES = sorted(p for p in DATA.glob("*/*.ttl") if not p.name.startswith("valid"))


def test_every_fixture_equals_pyshacl():
    """All invalid and warning fixtures, each alone in a store (no inference: they are materialised)."""
    for path in FIXTURES:
        graph = Graph()
        graph.parse(data=path.read_bytes(), format="turtle")
        store = QuadStore(None)
        store.replace_graph("urn:fixture", graph)
        assert _compiled(store) == _naive(store), path.name


def test_a_synthetic_build_equals_pyshacl():
    from kg import synth
    from kg.config import Settings
    from kg.pipeline import build

    site = synth.pipermail_site(synth.generate(40, 2, seed=3))
    pages = {p: d for p, d in site.items() if p.endswith(".html") and not p.endswith(("date.html", "thread.html"))}
    folder = Path(__file__).parent / ".." / "test-artifacts" / "synth-validate"
    for path, data in pages.items():
        target = folder / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    months = sorted({str(folder / p.lstrip("/")).rsplit("/", 1)[0] for p in pages})
    result = build(months, Settings(quiet=True))
    store = _store({n: g for n, g in result.graphs.items() if not n.endswith("/graph/inferred")})
    assert _compiled(store) == _naive(store)


def test_every_constraint_in_the_shapes_is_compiled():
    shapes = load_shapes()
    parameters = {SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.uniqueLang: "UniqueLang",
                  SH.qualifiedMinCount: "QualifiedMinCount", SH.qualifiedMaxCount: "QualifiedMaxCount",
                  SH.disjoint: "Disjoint", SH.lessThanOrEquals: "LessThanOrEquals", SH["class"]: "Class",
                  SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH["in"]: "In", SH.pattern: "Pattern",
                  SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive", SH["or"]: "Or",
                  SH["not"]: "Not", SH.minLength: "MinLength", SH.maxLength: "MaxLength"}
    inline = {o for o in shapes.objects(None, SH.qualifiedValueShape)}
    inline |= {m for lst in shapes.objects(None, SH["or"]) for m in shapes.items(lst)}
    wanted = {(str(s), str(SH[name + "ConstraintComponent"])) for p, name in parameters.items()
              for s in shapes.subjects(p, None) if s not in inline
              and not (p == SH.minCount and int(shapes.value(s, p)) == 0)}
    assert wanted == {(c.shape, c.component) for c in compiled_checks()}


def _compile_extra(turtle: str) -> None:
    from kg.validate_compile import _shape_checks

    g = load_shapes() + Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + turtle, format="turtle")
    list(_shape_checks(g, URIRef("urn:s"), "{ ?f ?_p ?_o }"))


@pytest.mark.parametrize("turtle", [
    '<urn:s> sh:property [ sh:path <urn:p> ; sh:equals <urn:q> ; sh:message "m" ] .',
    '<urn:s> sh:closed true .',
    '<urn:s> sh:property [ sh:path ( <urn:p> <urn:q> ) ; sh:minCount 1 ; sh:message "m" ] .',
    '<urn:s> sh:property [ sh:path <urn:p> ; sh:node <urn:t> ; sh:message "m" ] .',
    '<urn:s> sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .',
    '<urn:s> sh:property [ sh:path <urn:p> ; sh:hasValue <urn:x> ; sh:message "m" ] .',
])
def test_unsupported_features_are_refused_at_compile_time(turtle):
    with pytest.raises(UnsupportedShape):
        _compile_extra(turtle)


def test_inline_or_with_unknown_keys_is_refused():
    g = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> sh:or ( [ sh:node <urn:t> ] ) .",
                      format="turtle")
    with pytest.raises(UnsupportedShape):
        list(_conditions(g, URIRef("urn:s")))


@pytest.mark.parametrize("text", ["Alice", "alice@example.org", "", "@", "a\nb@c", "é@x", "x" * 300,
                                  "spacy@3.7\n", "bob\n", "tool@1\n\n"])
def test_patterns_behave_the_same_in_oxigraph_and_python(text):
    import re

    import pyoxigraph as ox

    for pattern in {str(p) for p in load_shapes().objects(None, SH.pattern)}:
        query = f"ASK {{ FILTER(REGEX({Literal(text).n3()}, {Literal(sparql_pattern(pattern)).n3()})) }}"
        assert bool(ox.Store().query(query)) == bool(re.search(pattern, text)), (pattern, text)


def test_cli_validate_compiled_and_reference_agree(seed_page, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["build", str(seed_page), "--store", str(store), "--quiet"]).exit_code == 0
    outputs = []
    for extra in ([], ["--reference"]):
        args = ["validate", "--store", str(store), "--report", str(tmp_path / "r.ttl"), *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1), result.output
        outputs.append((result.exit_code, result.stdout))
    assert outputs[0] == outputs[1]
