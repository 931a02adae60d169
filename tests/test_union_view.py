"""UnionView reads hubs (nodes restated in many graphs) through SPARQL DISTINCT: same answers as reading every quad."""

from __future__ import annotations

import pyoxigraph as ox

from kg.validate_eval import RDF_TYPE
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


def test_class_tests_answered_from_one_scan_equal_one_lookup_each(monkeypatch):
    monkeypatch.setattr("kg.validation._MANY_TESTS", 50)
    store = _hub_store(300)
    scanned, looked_up = UnionView(store, None), UnionView(store, None)
    members = sorted(m for m in scanned.description(f"<{EX}hub>")[f"<{EX}member>"] if m[0] != '"')
    classes = frozenset({f"<{EX}Member>", f"<{EX}Hub>"})
    answers = [scanned.has_class(m, classes) for m in members]  # past _MANY_TESTS: from the instance scan
    assert classes in scanned._instances
    assert answers == [not classes.isdisjoint(looked_up.types(m)) for m in members]
    assert answers.count(True) == 150 and scanned.has_class(f"<{EX}hub>", classes)


def test_a_hub_is_read_only_on_the_paths_its_shapes_read():
    store = _hub_store(450)
    view = UnionView(store, None)
    hub, label = f"<{EX}hub>", f"<{EX}label>"
    asked = []

    class Spec:  # a node shape reading only the label
        properties = [type("PS", (), {"path": label, "disjoint": "", "less_or_equal": ""})()]

    def shapes_for(node, description, incoming):
        asked.append(set(description))
        return [Spec]

    description, described = view.description_for(hub, shapes_for, [])
    assert described and asked == [{RDF_TYPE}]  # the shapes were chosen from the types alone
    assert description == {RDF_TYPE: {f"<{EX}Hub>", f"<{EX}Other>"}, label: {'"hub"@en'}}
    small = _hub_store(3)  # a node with few quads is read whole, as before
    assert UnionView(small, None).description_for(hub, shapes_for, [])[0] == _naive(small, hub)
    assert UnionView(small, None).description_for(f"<{EX}nothing>", shapes_for, []) == ({}, False)


def test_types_of_many_nodes_equal_one_lookup_each():
    store = _hub_store(1200)  # more members than one query takes
    store.add(ox.Quad(ox.BlankNode("b1"), TYPE, ox.NamedNode(EX + "Member"), ox.NamedNode(EX + "g0")))
    nodes = [f"<{EX}m{i}>" for i in range(1200)] + [f"<{EX}hub>", f"<{EX}nothing>", "_:b1"]
    batched, single = UnionView(store, None).types_of(nodes), UnionView(store, None)
    assert batched == {n: single.types(n) for n in nodes}
    assert batched["_:b1"] == {f"<{EX}Member>"} and batched[f"<{EX}nothing>"] == frozenset()


def test_types_of_iris_with_any_characters_the_store_takes():
    store = ox.Store()
    odd = [EX + "a%7Bb%7D", EX + "caf\u00e9/\u4e2d", EX + "x'y(z)#frag", EX + "q?a=1&b=;", "urn:x:y"]
    for i, iri in enumerate(odd):  # pyoxigraph checks IRIs as SPARQL's parser does; any it took is safe in a query
        store.add(ox.Quad(ox.NamedNode(iri), TYPE, ox.NamedNode(f"{EX}C{i}"), ox.NamedNode(EX + "g")))
    nodes = [f"<{iri}>" for iri in odd]
    assert UnionView(store, None).types_of(nodes) == {n: {f"<{EX}C{i}>"} for i, n in enumerate(nodes)}
