"""UnionView reads hubs (nodes restated in many graphs) through SPARQL DISTINCT: same answers as reading every quad."""

from __future__ import annotations

import pyoxigraph as ox

from kg.validation import UnionView

EX = "http://example.org/"
TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _hub_store(graphs: int) -> ox.Store:
    """A hub restated in `graphs` graphs, with one member per graph typed in that graph (odd ones untyped)."""
    store = ox.Store()
    hub, label, member = ox.NamedNode(EX + "hub"), ox.NamedNode(EX + "label"), ox.NamedNode(EX + "member")
    for i in range(graphs):
        g = ox.NamedNode(f"{EX}g{i}")
        store.add(ox.Quad(hub, TYPE, ox.NamedNode(EX + "Hub"), g))
        store.add(ox.Quad(hub, label, ox.Literal("hub", language="en"), g))
        store.add(ox.Quad(hub, member, ox.NamedNode(f"{EX}m{i}"), g))
        if i % 2 == 0:
            store.add(ox.Quad(ox.NamedNode(f"{EX}m{i}"), TYPE, ox.NamedNode(EX + "Member"), g))
    store.add(ox.Quad(hub, member, ox.Literal("a literal"), ox.NamedNode(EX + "g0")))
    store.add(ox.Quad(hub, TYPE, ox.NamedNode(EX + "Other"), ox.NamedNode(EX + "inferred")))
    return store


def _naive(store: ox.Store, node: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(ox.NamedNode(node[1:-1]), None, None, None):
        out.setdefault(str(q.predicate), set()).add(str(q.object))
    return out


def test_a_hub_reads_the_same_through_distinct_as_quad_by_quad():
    for graphs in (5, 450):  # below and above the point where the DISTINCT query takes over
        store = _hub_store(graphs)
        view = UnionView(store, EX + "inferred")
        hub = f"<{EX}hub>"
        expected = _naive(store, hub)
        assert view.description(hub) == expected
        assert view.types(hub) == {f"<{EX}Hub>", f"<{EX}Other>"}
        assert view.objects(hub, f"<{EX}member>") == expected[f"<{EX}member>"]
        assert len(expected[f"<{EX}member>"]) == graphs + 1


def test_prefetched_types_of_many_values_equal_one_lookup_each():
    store = _hub_store(60)
    prefetched, looked_up = UnionView(store, None), UnionView(store, None)
    hub = f"<{EX}hub>"
    description = prefetched.description(hub)
    prefetched.prefetch_types(hub, description, frozenset({f"<{EX}member>"}))
    members = [v for v in description[f"<{EX}member>"] if v[0] != '"']
    assert len(prefetched._types) == len(members)  # read by the one query, the literal left out
    for m in members:
        assert prefetched.types(m) == looked_up.types(m)
    assert prefetched.types(f"<{EX}m0>") == {f"<{EX}Member>"} and prefetched.types(f"<{EX}m1>") == frozenset()
