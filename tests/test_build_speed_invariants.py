"""The fast build paths change nothing: 1 or 2 workers, N-Triples or rdflib terms, skipped re-mapping, the KB via pyoxigraph."""

from __future__ import annotations

from dataclasses import replace

import pytest
from rdflib import Graph

from kg import synth
from kg.config import Settings
from kg.kb import KB_BASE, KB_DIR, load_kb, parse_kb_graph
from kg.pipeline import MAP_WORKERS_FROM, build
from kg.state import BuildState
from kg.store import QuadStore
from kg.triples import MessageGraphBuilder
from kg.validation_cache import ValidationCache

SETTINGS = Settings(quiet=True)


@pytest.fixture(scope="module")
def mbox(tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "list.mbox"
    path.write_bytes(synth.to_mbox(synth.generate(40, 2, seed=5)))
    return path


def _store_build(mbox, folder, workers: int, checks: ValidationCache | None = None):
    store, state = QuadStore(folder / "store"), BuildState(folder / "state.sqlite")
    try:
        result = build([str(mbox)], SETTINGS, store=store, state=state, workers=workers, infer=False,
                       validation=checks)
        return result, sorted(repr(q) for q in store.quads()), state.graph_hashes()
    finally:
        state.close()


def _checks(cache: ValidationCache) -> tuple[list, list]:
    """The build's per-graph checks as stored: (graph, content key, what it left to the union), result rows."""
    db = cache._db
    return (db.execute("SELECT iri, key, spec FROM graphs ORDER BY iri").fetchall(),
            db.execute("SELECT iri, row FROM graph_results ORDER BY iri, row").fetchall())


def test_one_and_more_workers_store_the_same_quads_hashes_and_checks(mbox, tmp_path):
    # from MAP_WORKERS_FROM on, the workers map and check the graphs; one worker does both in this process
    one, two = ValidationCache(tmp_path / "one.sqlite"), ValidationCache(tmp_path / "two.sqlite")
    first, quads1, hashes1 = _store_build(mbox, tmp_path / "one", 1, one)
    second, quads2, hashes2 = _store_build(mbox, tmp_path / "two", MAP_WORKERS_FROM, two)
    assert quads1 == quads2 and hashes1 == hashes2
    specs, rows = _checks(one)
    assert len(specs) == first.stats.graphs_written > 40 and _checks(two) == (specs, rows)
    assert first.stats.seconds["checks"] > 0 and second.stats.seconds["checks"] > 0


def test_store_path_and_in_memory_path_map_the_same_triples(mbox, tmp_path):
    # the store path spells terms as N-Triples text, the in-memory path as rdflib terms: one mapping
    _, quads, _ = _store_build(mbox, tmp_path, 1)
    memory = build([str(mbox)], SETTINGS, workers=1, infer=False)
    store = QuadStore()
    for name, graph in memory.graphs.items():
        store.replace_graph(name, graph)
    assert sorted(repr(q) for q in store.quads()) == quads


def test_unchanged_rebuild_maps_no_message(mbox, tmp_path, monkeypatch):
    first, quads, _ = _store_build(mbox, tmp_path, 1)

    def fail(*args):
        raise AssertionError("an unchanged message was mapped again")
    monkeypatch.setattr(MessageGraphBuilder, "build", fail)
    second, again, _ = _store_build(mbox, tmp_path, 1)
    assert second.stats.graphs_written == 0 and second.stats.graphs_unchanged == first.stats.graphs_written
    assert again == quads


def test_input_key_follows_the_resolution(mbox):
    result = build([str(mbox)], SETTINGS, workers=1, infer=False)
    res, minter_base = result.resolution, "https://kg.example.org/id/"
    from kg.identity import Minter
    minter = Minter(minter_base, SETTINGS.person_key)
    message = result.messages[0]
    key = next(k for k in res.canonical if res.resolve(k) in res.entities)
    before = MessageGraphBuilder(minter, res, load_kb(), {}).input_key(message, "x", [key])
    entity = res.entities[res.resolve(key)]
    res.entities[res.resolve(key)] = replace(entity, label=entity.label + " (renamed)")
    after = MessageGraphBuilder(minter, res, load_kb(), {}).input_key(message, "x", [key])
    assert before != after
    assert MessageGraphBuilder(minter, res, load_kb(), {message.id: ["y"]}).input_key(message, "x", [key]) != after


def test_kb_read_by_pyoxigraph_equals_the_rdflib_parse():
    graph = Graph()
    for path in sorted(KB_DIR.glob("*.ttl")):
        graph.parse(data=path.read_bytes(), format="turtle", publicID=KB_BASE)
    kb = load_kb()
    assert kb.entries == parse_kb_graph(graph)
    assert set(kb.graph) == set(graph)
