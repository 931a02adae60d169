"""Looked-up consequences (kg.infer_rules.Templates) equal derive's round-by-round fixpoint on any graph."""

from __future__ import annotations

import random

from kg.infer_local import derived_consequences, graph_consequences, implied, text_rules, text_templates

EX = "<https://kg.example.org/id/"


def _vocabulary() -> tuple[list[str], list[str]]:
    """Every predicate and class the rules react to, and a few they do not."""
    rules = text_rules()
    preds, classes = rules.triggers()
    inert = ["<http://www.w3.org/2000/01/rdf-schema#label>", "<https://schema.org/mentions>"]
    return sorted(preds) + inert, sorted(classes) + [EX + "class/Unknown>"]


def _random_graph(rng: random.Random, size: int, allow_chains: bool) -> set[tuple[str, str, str]]:
    preds, classes = _vocabulary()
    chained = text_templates().chained
    if not allow_chains:
        preds = [p for p in preds if p not in chained]
    nodes = [f"{EX}n{i}>" for i in range(6)] + ["_:b0"]
    literals = ['"x"', '"2024-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', '"chat"@fr']
    kind = text_rules().type_predicate
    graph = set()
    for _ in range(size):
        s = rng.choice(nodes)
        if rng.random() < 0.35:
            graph.add((s, kind, rng.choice(classes)))
        else:  # self-loops and literal objects included: the rules treat both specially
            graph.add((s, rng.choice(preds), rng.choice(nodes + literals)))
    return graph


def test_templates_equal_the_fixpoint_on_random_graphs():
    rng = random.Random(20261129)
    compared = derived = 0
    for i in range(400):
        graph = _random_graph(rng, rng.randint(1, 25), allow_chains=i % 4 == 0)
        got, expected = graph_consequences(graph), derived_consequences(graph)
        assert sorted(got) == sorted(expected), sorted(graph)
        assert len(got) == len(set(got)) and not set(got) & graph
        if not any(p in text_templates().chained for _, p, _ in graph):  # (chains need the union)
            assert implied(graph) - graph == set(expected), sorted(graph)  # what the checks use
        compared, derived = compared + 1, derived + len(got)
    assert derived > 1000  # the graphs did fire the rules


def test_a_triple_implies_its_whole_chain():
    """A sub-property of an inverse, a domain's superclass: followed to the end in one lookup."""
    rules = text_rules()
    found = 0
    for p, (iri_object, _) in text_templates().by_predicate.items():
        graph = {(EX + "a>", p, EX + "b>")}
        if p in text_templates().chained:
            continue
        assert sorted(graph_consequences(graph)) == sorted(derived_consequences(graph))
        found += len(iri_object)
    assert found > len(rules.inverses)


def test_transitive_chains_inside_a_graph_are_derived():
    chained = sorted(text_templates().chained)
    transitive = sorted(text_rules().transitive)[0]
    graph = {(EX + "a>", transitive, EX + "b>"), (EX + "b>", transitive, EX + "c>")}
    assert chained and (EX + "a>", transitive, EX + "c>") in graph_consequences(graph)
