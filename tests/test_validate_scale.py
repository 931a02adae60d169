"""kg.validate_scale against pyshacl over the whole union: same results, per graph, incrementally, from a cache."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH

from kg.infer import infer_store
from kg.store import QuadStore
from kg.validate import validate_graph
from kg.validate_cross import COUNTING, cross_checks
from kg.validate_scale import ValidationCache, report_graph, summarize, validate_store
from kg.vocab import FOAF, SKOS

pytestmark = pytest.mark.filterwarnings("error")


def _store(build) -> QuadStore:
    store = QuadStore(None)
    for name, graph in sorted(build.graphs.items()):
        store.replace_graph(name, graph)
    infer_store(store)
    return store


def _naive(store: QuadStore) -> Counter:
    return Counter(validate_graph(store.union_graph()).results)


def _edit(store: QuadStore, graph_name: str, add=(), remove=()) -> None:
    graph = Graph()
    for s, p, o, g in store.quads():
        if str(g) == graph_name and (s, p, o) not in remove:
            graph.add((s, p, o))
    for triple in add:
        graph.add(triple)
    store.replace_graph(graph_name, graph)
    infer_store(store)


@pytest.fixture(scope="module")
def seed(seed_build):
    store = _store(seed_build)
    cache = ValidationCache()
    return store, cache, validate_store(store, cache)


def test_per_graph_results_equal_whole_graph_pyshacl_on_the_seed(seed):
    store, _, report = seed
    assert Counter(report.results) == _naive(store)
    assert report.graphs_validated == len([n for n in store.graph_names() if not n.endswith("graph/inferred")])


def test_unchanged_graphs_are_not_revalidated(seed):
    store, cache, first = seed
    again = validate_store(store, cache)
    assert again.graphs_validated == 0 and again.graphs_reused == first.graphs_validated
    assert again.results == first.results


def test_edits_in_one_graph_and_across_graphs_match_pyshacl_incrementally(seed_build):
    """A local mistake, a shared person given a second name elsewhere, an address as another name."""
    store = _store(seed_build)
    cache = ValidationCache()
    validate_store(store, cache)
    posts = sorted(n for n in store.graph_names() if "/graph/post/" in n)
    union = store.union_graph()
    makers = [(s, o) for s, o in union.subject_objects(FOAF.maker)]
    post, person = makers[0]
    owner = next(n for n in posts if (post, FOAF.maker, person, URIRef(n)) in set(store.quads()))
    other = next(n for n in posts if n != owner)
    _edit(store, owner, remove=[(post, FOAF.maker, person)])
    _edit(store, other, add=[(person, FOAF.name, Literal("Another Name")),
                             (person, SKOS.altLabel, Literal("someone@example.org"))])
    report = validate_store(store, cache)
    assert Counter(report.results) == _naive(store)
    # the two edited graphs and their thread neighbours (they point at the edited posts), not the KB graph
    assert 2 <= report.graphs_validated < len(store.graph_names()) - 1
    components = {(r.result_path, r.constraint_component.rsplit("#")[1]) for r in report.results}
    assert (str(FOAF.maker), "MinCountConstraintComponent") in components
    assert (str(FOAF.name), "MaxCountConstraintComponent") in components  # only visible across graphs
    assert (str(SKOS.altLabel), "PatternConstraintComponent") in components


def test_cache_survives_a_round_trip_and_is_dropped_when_shapes_change(seed, tmp_path):
    store, cache, first = seed
    path = tmp_path / "cache.json"
    cache.save(path)
    loaded = ValidationCache.load(path)
    assert validate_store(store, loaded).graphs_validated == 0
    path.write_text(path.read_text().replace(loaded.key, "stale"), encoding="utf-8")
    assert ValidationCache.load(path).graphs == {}


def test_every_counting_constraint_of_the_shapes_has_a_cross_check():
    from kg.validate import load_shapes

    shapes = load_shapes()
    names = {"minCount": "MinCount", "maxCount": "MaxCount", "uniqueLang": "UniqueLang",
             "qualifiedMinCount": "QualifiedMinCount", "qualifiedMaxCount": "QualifiedMaxCount",
             "disjoint": "Disjoint", "lessThanOrEquals": "LessThanOrEquals"}
    wanted = {(str(ps), str(SH[c + "ConstraintComponent"])) for key, c in names.items()
              for ps in shapes.subjects(SH[key], None) if (None, SH.property, ps) in shapes}
    assert wanted <= {(c.shape, c.component) for c in cross_checks()}
    assert {c.component for c in cross_checks()} <= {str(c) for c in COUNTING}


def test_report_graph_and_summary(seed):
    _, _, report = seed
    graph = report_graph(report.results, report.conforms)
    assert len(list(graph.subjects(None, SH.ValidationResult))) == len(report.results)
    assert sum(n for *_, n in summarize(report.results)) == len(report.results)
