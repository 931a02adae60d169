"""Inference at build time (kg.infer_local): per-graph consequences settled against the store equal a full infer_store run."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF

from kg import synth
from kg.config import Settings
from kg.infer import infer_store
from kg.infer_local import BuildInference, graph_consequences, load_consequences
from kg.pipeline import MAP_WORKERS_FROM, build
from kg.state import BuildState
from kg.store import QuadStore
from kg.validation import text_triples
from kg.vocab import ORG

SETTINGS = Settings(quiet=True)
EX = "https://kg.example.org/id/"


def _inferred(store: QuadStore) -> tuple[str, set]:
    name = next(n for n in store.graph_names() if n.endswith("graph/inferred"))
    return name, {q[:3] for q in store.quads() if str(q[3]) == name}


def _full_run(store: QuadStore) -> set:
    """What kg.infer.infer_store computes from scratch on the same data graphs."""
    name, _ = _inferred(store)
    infer_store(store, name)
    return _inferred(store)[1]


def _build(sources, folder, workers: int = 1):
    store, state = QuadStore(folder / "store"), BuildState(folder / "state.sqlite")
    try:
        result = build([str(s) for s in sources], SETTINGS, store=store, state=state, workers=workers)
    finally:
        state.close()
    return result, store


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    """Three monthly mbox files of one synthetic list."""
    folder = tmp_path_factory.mktemp("months")
    msgs = synth.generate(60, 3, seed=11)
    paths = []
    for month in sorted({synth.month_key(m) for m in msgs}):
        path = folder / f"{month}.mbox"
        path.write_bytes(synth.to_mbox([m for m in msgs if synth.month_key(m) == month]))
        paths.append(path)
    return paths


def _fail(what: str):
    def fail(*args, **kwargs):
        raise AssertionError(what)
    return fail


def _routes(monkeypatch) -> list[bool]:
    """Whether each BuildInference finished by adding the new graphs' consequences (True) or re-assembled."""
    routes, finish = [], BuildInference.finish

    def spy(self, changed, removed):
        routes.append(self.additive and not removed)
        return finish(self, changed, removed)
    monkeypatch.setattr(BuildInference, "finish", spy)
    return routes


@pytest.mark.parametrize("workers", [1, MAP_WORKERS_FROM])
def test_a_first_build_adds_each_graphs_consequences_and_equals_a_full_run(months, tmp_path, workers, monkeypatch):
    routes = _routes(monkeypatch)
    monkeypatch.setattr(BuildInference, "_read", _fail("a graph was read back from the store"))
    result, store = _build(months, tmp_path, workers)
    monkeypatch.undo()
    _, got = _inferred(store)
    assert routes == [True] and result.stats.inferred and len(got) > 100
    assert got == _full_run(store)


def test_months_added_re_assemble_from_the_stored_consequences_and_equal_a_full_run(months, tmp_path, monkeypatch):
    _build(months[:1], tmp_path)
    routes = _routes(monkeypatch)
    monkeypatch.setattr(BuildInference, "_read", _fail("a graph was read back from the store"))
    for i in range(2, len(months) + 1):
        store = None  # one store open at a time
        result, store = _build(months[:i], tmp_path)
        assert result.stats.inferred and result.stats.graphs_written > 10
    monkeypatch.undo()
    _, got = _inferred(store)
    assert routes == [False, False]  # a new month rewrites the graphs it quotes: re-assembled
    assert got == _full_run(store)


@pytest.mark.parametrize("rows_lost", [False, True])
def test_an_edited_message_re_assembles_the_inferred_graph(months, tmp_path, rows_lost):
    _build(months, tmp_path)  # its store closes with the discarded result: one store open at a time
    if rows_lost:  # a state written by an older igkg: the graphs are read back once
        state = BuildState(tmp_path / "state.sqlite")
        state.consequence_rules("older")
        state.close()
    edited = tmp_path / "edited.mbox"
    edited.write_bytes(months[0].read_bytes().replace(b"\n\n", b"\n\nA new first line.\n\n", 3))
    result, store = _build([edited, *months[1:]], tmp_path)
    assert result.stats.graphs_written > 0
    _, got = _inferred(store)
    assert got == _full_run(store)


def test_an_unchanged_rebuild_keeps_the_inferred_graph_and_a_killed_one_recomputes_it(months, tmp_path):
    _, store = _build(months, tmp_path)
    _, before = _inferred(store)
    del store  # one store open at a time
    result, store = _build(months, tmp_path)
    assert not result.stats.inferred and _inferred(store)[1] == before
    # a run killed after it started leaves the inferred graph unrecorded: the next run computes it
    state = BuildState(tmp_path / "state.sqlite")
    name, _ = _inferred(store)
    state.forget_graphs([name])
    state.close()
    del store
    result, store = _build(months, tmp_path)
    assert result.stats.inferred and _inferred(store)[1] == before


def test_consequences_across_graphs_are_settled_against_the_union():
    """A chain of sub-organisations over three graphs (prp-trp across graphs); a type one graph
    derives that another states (not inferred), also when the stating graph comes later."""
    a, b, c, person = (URIRef(EX + n) for n in ("org/a", "org/b", "org/c", "person/p"))
    graphs = {
        EX + "graph/post/1": [(a, ORG.subOrganizationOf, b), (person, RDF.type, FOAF.Person)],
        EX + "graph/post/2": [(b, ORG.subOrganizationOf, c), (person, FOAF.name, Literal("P"))],
        EX + "graph/post/3": [(person, RDF.type, FOAF.Agent)],
    }
    target = EX + "graph/inferred"
    local, reference = QuadStore(), QuadStore()

    def add(names: list[str], complete_before: bool) -> None:
        batches = []
        for name in names:
            g = Graph()
            for t in graphs[name]:
                g.add(t)
            local.replace_graph(name, g)
            reference.replace_graph(name, g)
            batches.append([f"{s} {p} {o} ." for s, p, o in graph_consequences(set(text_triples(graphs[name])))])
        load_consequences(local, target, batches, complete_before)
        infer_store(reference, target)

    first, last = sorted(graphs)[:2], sorted(graphs)[2:]
    add(first, complete_before=False)
    got = _inferred(local)[1]
    assert got == _inferred(reference)[1] and (person, RDF.type, FOAF.Agent) in got
    add(last, complete_before=True)  # graph 3 now states what graph 1 implied
    got = _inferred(local)[1]
    assert got == _inferred(reference)[1]
    assert (a, ORG.transitiveSubOrganizationOf, c) in got  # a chain no single graph holds
    assert (person, RDF.type, FOAF.Agent) not in got
