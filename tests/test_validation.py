"""The per-graph validation (kg.validation) against pyshacl over the whole union: fixtures, edits, builds, months added."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD

from kg.infer import infer_store
from kg.store import QuadStore
from kg.validate import load_shapes, validate_graph
from kg.validate_eval import UnsupportedShape, _inline, compile_shapes, node_specs
from kg.validation import validate
from kg.validation_cache import ValidationCache
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


FIXTURES = sorted(p for p in DATA.glob("*/*.ttl"))

@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_fixture_equals_pyshacl(path):
    graph = Graph()
    graph.parse(data=path.read_bytes(), format="turtle")
    store = QuadStore(None)
    store.replace_graph("urn:fixture", graph)
    assert Counter(validate(store).results) == _naive(store)


def test_the_seed_equals_pyshacl(seed_build):
    store = _store(seed_build.graphs)
    report = validate(store)
    assert Counter(report.results) == _naive(store)
    assert report.graphs_validated == len([n for n in store.graph_names() if not n.endswith("/inferred")])


def test_one_mistake_of_each_kind_whole_store_and_after_the_edit(seed_build):
    store = _store(seed_build.graphs)
    cache = ValidationCache()
    clean = validate(store, cache)
    edits = _edits(store)
    for name, graph in edits.items():
        store.replace_graph(name, graph)
    infer_store(store)
    naive = _naive(store)
    again = validate(store, cache)
    assert Counter(again.results) == naive != Counter(clean.results)
    assert again.graphs_validated == len(edits) < clean.graphs_validated  # only the edited graphs were read
    assert Counter(validate(store).results) == naive  # and a cold run agrees
    kinds = {r.constraint_component.rsplit("#", 1)[1] for r in naive}
    assert kinds >= {f"{k}ConstraintComponent" for k in (
        "Class", "Datatype", "NodeKind", "In", "Pattern", "MinInclusive", "MinCount", "MaxCount", "UniqueLang",
        "QualifiedMaxCount", "Disjoint", "LessThanOrEquals", "Or")}


def test_unchanged_store_reads_no_graph_and_a_removed_graph_is_forgotten(seed_build, tmp_path):
    store = _store(seed_build.graphs)
    cache = ValidationCache(tmp_path / "v.sqlite")
    first = validate(store, cache)
    cache.close()
    cache = ValidationCache(tmp_path / "v.sqlite")  # the cache outlives the process
    again = validate(store, cache)
    assert again.graphs_validated == 0 and again.results == first.results
    name = sorted(n for n in store.graph_names() if "/graph/post/" in n)[-1]
    store.remove_graph(name)
    infer_store(store)
    assert Counter(validate(store, cache).results) == _naive(store)


def _synthetic(messages: int, months: int, seed: int, tmp_path: Path) -> list[Path]:
    from kg import synth

    folder = tmp_path / "months"
    folder.mkdir()
    by_month: dict[str, list] = {}
    for msg in synth.generate(messages, months, seed=seed):
        by_month.setdefault(msg.date.strftime("%Y-%m"), []).append(msg)
    paths = []
    for month, msgs in sorted(by_month.items()):
        paths.append(folder / f"{month}.mbox")
        paths[-1].write_bytes(synth.to_mbox(msgs))
    return paths


def test_build_time_checks_equal_pyshacl_and_a_new_month_rechecks_only_its_graphs(tmp_path, monkeypatch):
    """The build checks each graph it writes; validate settles the rest; adding a month reads nothing old
    (nor lists the store's graphs: the build's record names them)."""
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState

    months = _synthetic(60, 3, 5, tmp_path)
    store, state = QuadStore(tmp_path / "store"), BuildState(tmp_path / "state.sqlite")
    cache = ValidationCache(tmp_path / "validation.sqlite")
    build([str(p) for p in months[:-1]], Settings(quiet=True), store=store, state=state, validation=cache)
    first = validate(store, cache, keys=state.graph_hashes())
    assert first.graphs_validated == 0  # every graph was checked as the build wrote it
    assert Counter(first.results) == _naive(store)
    before = set(store.graph_names())
    build([str(p) for p in months], Settings(quiet=True), store=store, state=state, validation=cache)
    added = {n for n in store.graph_names() if n not in before}
    assert added and all("/graph/post/" in n for n in added)
    with monkeypatch.context() as patched:
        patched.setattr(QuadStore, "graph_names", lambda self: pytest.fail("validate listed the store's graphs"))
        again = validate(store, cache, keys=state.graph_hashes())
    assert again.graphs_validated == 0 and Counter(again.results) == _naive(store)
    assert again.results == validate(store, ValidationCache()).results  # equal to a cold run from the store


def test_owned_nodes_get_nothing_a_shape_reads_from_other_graphs(seed_build):
    """Owned nodes are checked with their own graph and what the rules derive from it: on every path a
    shape reads (and rdf:type), the union must say nothing more about them, or their results would be
    wrong or go stale when another graph changes."""
    from kg.validate_eval import RDF_TYPE
    from kg.validate_graphs import describe, local_consequences, owned_prefixes
    from kg.validation import UnionView

    store = _store(seed_build.graphs)
    union = UnionView(store._store, next(n for n in store.graph_names() if n.endswith("/graph/inferred")))
    read = {p.path for spec in node_specs() for p in spec.properties} | {RDF_TYPE}
    checked = 0
    for name in store.graph_names():
        prefixes = owned_prefixes(name)
        if not prefixes:
            continue
        triples = [(str(q.subject), str(q.predicate), str(q.object))
                   for q in store._store.quads_for_pattern(None, None, None, __import__("pyoxigraph").NamedNode(name))]
        owned = {s for s in describe(triples) if s.startswith(prefixes)}
        local = describe(triples + sorted(local_consequences(triples)))
        for node, description in local.items():
            if node in owned:
                whole = union.description(node)
                assert {p: v for p, v in whole.items() if p in read} == \
                    {p: v for p, v in description.items() if p in read}, node
                checked += 1
    assert checked > 50


def test_a_replied_to_post_arriving_later_equals_pyshacl_before_and_after(seed_build):
    """A reply built before its parent: class tests on the parent wait for the union; when the
    parent's graph arrives, the graphs waiting on it are settled again (and nothing else is read)."""
    graphs = {n: g for n, g in seed_build.graphs.items() if not n.endswith("/graph/inferred")}
    parents = {str(o).replace("/post/", "/graph/post/") for g in graphs.values()
               for p, o in g.predicate_objects() if str(p).endswith("reply_of")}
    parent = sorted(parents & set(graphs))[0]
    store = _store({n: g for n, g in graphs.items() if n != parent})
    cache = ValidationCache()
    assert Counter(validate(store, cache).results) == _naive(store)
    store.replace_graph(parent, graphs[parent])
    infer_store(store)
    after = validate(store, cache)
    assert after.graphs_validated == 1 and Counter(after.results) == _naive(store)


def test_a_synthetic_build_equals_pyshacl(tmp_path):
    from kg.config import Settings
    from kg.pipeline import build

    result = build([str(p) for p in _synthetic(40, 2, 3, tmp_path)], Settings(quiet=True))
    store = _store({n: g for n, g in result.graphs.items() if not n.endswith("/graph/inferred")})
    assert Counter(validate(store).results) == _naive(store)


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
    wanted = {(str(s), name) for p, name in parameters.items() for s in shapes.subjects(p, None)
              if s not in inline and not (p == SH.minCount and int(shapes.value(s, p)) == 0)}
    compiled = set()
    for spec in node_specs():
        compiled |= {(spec.shape, c.rsplit("#", 1)[1][:-len("ConstraintComponent")]) for c, _, _ in spec.tests}
        for p in spec.properties:
            compiled |= {(p.shape, c.rsplit("#", 1)[1][:-len("ConstraintComponent")]) for c, _, _ in p.tests}
            counted = {"MinCount": p.min_count > 0, "MaxCount": p.max_count is not None, "UniqueLang": p.unique_lang,
                       "QualifiedMinCount": p.qualified_min is not None,
                       "QualifiedMaxCount": p.qualified_max is not None, "Disjoint": bool(p.disjoint),
                       "LessThanOrEquals": bool(p.less_or_equal)}
            compiled |= {(p.shape, name) for name, on in counted.items() if on}
    assert wanted == compiled


@pytest.mark.parametrize("turtle", [
    '<urn:s> sh:targetNode <urn:x> ; sh:property [ sh:path <urn:p> ; sh:equals <urn:q> ; sh:message "m" ] .',
    '<urn:s> sh:targetNode <urn:x> ; sh:closed true .',
    '<urn:s> sh:targetNode <urn:x> ; sh:property [ sh:path ( <urn:p> <urn:q> ) ; sh:minCount 1 ; sh:message "m" ] .',
    '<urn:s> sh:targetNode <urn:x> ; sh:property [ sh:path <urn:p> ; sh:node <urn:t> ; sh:message "m" ] .',
    '<urn:s> sh:targetNode <urn:x> ; sh:property [ sh:path <urn:p> ; sh:minCount 1 ] .',
    '<urn:s> sh:targetNode <urn:x> ; sh:property [ sh:path <urn:p> ; sh:hasValue <urn:x> ; sh:message "m" ] .',
    '<urn:s> sh:property [ sh:path <urn:p> ; sh:minCount 1 ; sh:message "m" ] .',
])
def test_unsupported_features_are_refused_at_compile_time(turtle):
    extra = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + turtle, format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(load_shapes() + extra)


def test_inline_or_with_unknown_keys_is_refused():
    g = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:s> sh:or ( [ sh:node <urn:t> ] ) .",
                      format="turtle")
    with pytest.raises(UnsupportedShape):
        _inline(g, next(g.items(next(g.objects(None, SH["or"])))))


def test_cli_validate_and_reference_agree(seed_page, tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["build", str(seed_page), "--store", str(store), "--quiet"]).exit_code == 0
    outputs = []
    for extra in ([], ["--reference"], ["--no-cache"]):
        args = ["validate", "--store", str(store), "--report", str(tmp_path / "r.ttl"), *extra]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1), result.output
        outputs.append((result.exit_code, result.stdout))
    assert outputs[0] == outputs[1] == outputs[2]
    assert "0 graph(s)" in CliRunner().invoke(main, ["validate", "--store", str(store)]).stderr  # all checked by the build


def test_the_cache_key_is_the_same_in_every_process():
    """A key that changed with the hash seed would make every `igkg validate` forget the build's checks."""
    import os
    import subprocess
    import sys

    code = "from kg.validate_report import shapes_key; print(shapes_key())"
    keys = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2", "3")}
    assert len(keys) == 1 and len(next(iter(keys))) == 64


def test_generated_shape_functions_equal_the_generic_evaluator(seed_build):
    """kg.validate_codegen's functions are kg.validate_eval.evaluate made fast: same results, node by node."""
    from kg.validate_codegen import compiled_shapes
    from kg.validate_eval import evaluate
    from kg.validate_graphs import Checker
    from kg.validation import UnionView

    edited = _store(seed_build.graphs)
    for name, graph in _edits(edited).items():  # a store with a mistake of each kind
        edited.replace_graph(name, graph)
    infer_store(edited)
    union = UnionView(edited._store, next(n for n in edited.graph_names() if n.endswith("/graph/inferred")))
    checker, compiled, compared = Checker(union.has_class, union.down), compiled_shapes(), 0
    subjects = sorted({str(q.subject) for q in edited._store.quads_for_pattern(None, None, None, None)})
    local = {node: union.description(node) for node in subjects}  # the inline class tests read it
    for node in subjects:
        description = local[node]
        for spec in checker.shapes_for(node, description, union.objects_of(node, {p for s in node_specs()
                                                                                 for p in s.objects_of})):
            expected = Counter(evaluate(spec, node, description, checker.is_a))
            assert Counter(compiled[spec.shape](node, description, checker.is_a)) == expected, (spec.shape, node)
            assert Counter(compiled[spec.shape](node, description, checker.is_a, None, local,
                                                checker._classes)) == expected, (spec.shape, node)
            compared += 1
    assert compared > 500


def _reads(monkeypatch) -> list[str]:
    """The nodes validate reads whole from the union (UnionView.description, .description_for), in order."""
    from kg.validation import UnionView

    read: list[str] = []
    whole, shaped = UnionView.description, UnionView.description_for

    def description(self, node):
        read.append(node)
        return whole(self, node)

    def description_for(self, node, shapes_for, incoming):
        read.append(node)
        return shaped(self, node, shapes_for, incoming)

    monkeypatch.setattr(UnionView, "description", description)
    monkeypatch.setattr(UnionView, "description_for", description_for)
    return read


def test_a_new_month_patches_the_hubs_it_repeats_without_reading_them(tmp_path, monkeypatch):
    """Extractors and the list are described by every message graph: a month that says the same of
    them again must not read their whole description (it grows with the archive)."""
    from kg.config import Settings
    from kg.pipeline import build
    from kg.state import BuildState

    months = _synthetic(90, 3, 7, tmp_path)
    store, state = QuadStore(tmp_path / "store"), BuildState(tmp_path / "state.sqlite")
    cache = ValidationCache(tmp_path / "validation.sqlite")
    build([str(p) for p in months[:-1]], Settings(quiet=True), store=store, state=state, validation=cache)
    first = validate(store, cache, keys=state.graph_hashes())
    hubs = {n for n in cache.all_shared() if "/extractor/" in n or "/list/" in n}
    assert hubs
    build([str(p) for p in months], Settings(quiet=True), store=store, state=state, validation=cache)
    read = _reads(monkeypatch)
    again = validate(store, cache, keys=state.graph_hashes())
    assert not hubs & set(read)
    assert again.seconds["nodes_reread"] < first.seconds["nodes_reread"] / 100
    assert Counter(again.results) == _naive(store)
    assert again.results == validate(store, ValidationCache()).results  # equal to a cold run


def test_what_a_new_graph_adds_to_shared_nodes_is_found_and_goes_with_it(seed_build, monkeypatch):
    """New values on a shared node's paths are checked without reading the node whole (old values
    keep their outcome, counts are redone); a new type reads it whole; removing the graph that held
    the only bad values removes their results."""
    from kg.vocab import IGKG, ORG

    store = _store(seed_build.graphs)
    cache = ValidationCache()
    clean = validate(store, cache)
    union = store.union_graph()
    person = sorted(union.subjects(RDF.type, FOAF.Person))[0]
    extractors = sorted(union.subjects(RDF.type, IGKG.Extractor))
    org = sorted(union.subjects(RDF.type, ORG.Organization))[0]
    first, second = Graph(), Graph()
    first.add((person, FOAF.name, Literal("one@example.org")))  # sh:maxCount and sh:pattern
    first.add((extractors[0], RDFS.label, union.value(extractors[0], RDFS.label)))  # nothing new
    second.add((person, FOAF.name, Literal("two@example.org")))  # one more bad value: one more pattern result
    second.add((org, ORG.subOrganizationOf, URIRef(BASE + "org/ghost")))  # sh:class on a value no graph types
    second.add((extractors[-1], RDF.type, FOAF.Person))  # another shape applies: read whole
    runs = []
    for name, graph in ((BASE + "graph/extra/1", first), (BASE + "graph/extra/2", second)):
        store.replace_graph(name, graph)
        infer_store(store)
        read = _reads(monkeypatch)
        runs.append(validate(store, cache))
        assert Counter(runs[-1].results) == _naive(store)
        assert f"<{person}>" not in read and f"<{extractors[0]}>" not in read
        assert runs[-1].seconds["nodes_patched"] >= 1
    assert f"<{extractors[-1]}>" in read
    bad = [r for r in runs[-1].results if r.focus_node == str(person)]
    assert len([r for r in bad if r.constraint_component.endswith("#PatternConstraintComponent")]) == 2
    assert len([r for r in bad if r.constraint_component.endswith("#MaxCountConstraintComponent")]) == 1
    assert any(r.focus_node == str(org) and r.value == BASE + "org/ghost" for r in runs[-1].results)
    for name in (BASE + "graph/extra/2", BASE + "graph/extra/1"):
        store.remove_graph(name)
        infer_store(store)
        assert Counter(validate(store, cache).results) == _naive(store)
    assert validate(store, cache).results == clean.results


def test_a_value_typed_later_settles_the_shared_node_whose_class_test_read_it(seed_build):
    """An organisation's sh:class test on a value no graph types fails; a later graph that types the
    value (and says nothing of the organisation) makes it pass: the organisation is checked again."""
    from kg.vocab import ORG

    store = _store(seed_build.graphs)
    cache = ValidationCache()
    validate(store, cache)
    org = sorted(store.union_graph().subjects(RDF.type, ORG.Organization))[0]
    ghost = URIRef(BASE + "org/ghost")
    store.replace_graph(BASE + "graph/extra/1", Graph().add((org, ORG.subOrganizationOf, ghost)))
    infer_store(store)
    before = validate(store, cache)
    assert any(r.focus_node == str(org) and r.value == str(ghost) for r in before.results)
    typed = Graph().add((ghost, RDF.type, ORG.Organization)).add((ghost, SKOS.prefLabel, Literal("Ghost", lang="en")))
    store.replace_graph(BASE + "graph/extra/2", typed)
    infer_store(store)
    after = validate(store, cache)
    assert Counter(after.results) == _naive(store)
    assert not any(r.focus_node == str(org) and r.value == str(ghost) for r in after.results)


def test_no_shape_reads_what_transitivity_derives():
    """validate patches a shared node from what new graphs say of it and what the rules derive from
    that, one triple at a time: transitivity, which derives from two triples (possibly about other
    nodes), must give nothing a shape reads."""
    from kg.validate_graphs import _text_rules

    rules = _text_rules()[0]
    derived, todo = set(rules.transitive), list(rules.transitive)
    while todo:
        p = todo.pop()
        for q in rules.superproperties.get(p, set()) | rules.inverses.get(p, set()):
            if q not in derived:
                derived.add(q)
                todo.append(q)
    read = {q for spec in node_specs() for ps in spec.properties for q in (ps.path, ps.disjoint, ps.less_or_equal)}
    read |= {p for spec in node_specs() for p in spec.subjects_of + spec.objects_of}
    assert derived and not derived & read
    assert not any(p in rules.domains or p in rules.ranges for p in derived)  # nor types


def test_a_cache_of_the_former_format_checks_every_shared_node_again(seed_build):
    """A cache written before shared nodes kept their state cannot be patched from: the first run
    checks them all whole, then runs patch again."""
    store = _store(seed_build.graphs)
    cache = ValidationCache()
    first = validate(store, cache)
    cache._db.execute("DELETE FROM meta WHERE k='shared_format'")
    again = validate(store, cache)
    assert again.results == first.results
    assert again.seconds["nodes_reread"] == first.seconds["nodes_reread"] > 0
    assert validate(store, cache).seconds["nodes_reread"] == 0
