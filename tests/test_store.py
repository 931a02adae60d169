"""QuadStore's batch writes: replace_graphs and remove_graph keep other graphs and read back what was written."""

from __future__ import annotations

import pytest

from kg.store import QuadStore
from kg.terms import NTriplesTerms

G1, G2 = "https://x.example/graph/1", "https://x.example/graph/2"


def _lines(*objects: str) -> list[str]:
    t = NTriplesTerms()
    return sorted(f"{t.iri('https://x.example/s')} {t.iri('https://x.example/p')} {t.literal(o)} ." for o in objects)


@pytest.mark.parametrize("on_disk", [False, True])
def test_replace_graphs_replaces_wholesale_and_leaves_other_graphs(tmp_path, on_disk):
    store = QuadStore(tmp_path / "store" if on_disk else None)
    store.replace_graphs([(G1, _lines("a", "b")), (G2, _lines("c"))])
    store.replace_graphs([(G1, _lines('quote " and\nnewline é'))])
    rows = store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?o").rows
    assert [(str(g), str(o)) for g, o in rows] == [(G1, 'quote " and\nnewline é'), (G2, "c")]
    store.flush()


def test_remove_graph_drops_one_graph_and_ignores_a_missing_one():
    store = QuadStore()
    store.replace_graphs([(G1, _lines("a")), (G2, _lines("b"))])
    store.remove_graph(G1)
    store.remove_graph("https://x.example/graph/none")
    assert store.graph_names() == [G2] and len(store) == 1


def test_replace_graphs_with_nothing_writes_nothing():
    store = QuadStore()
    store.replace_graphs([])
    assert len(store) == 0


def test_invalid_iri_is_refused_when_spelled():
    with pytest.raises(ValueError):
        NTriplesTerms().iri("https://x.example/a b")
