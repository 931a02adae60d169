"""Whole-dataset downloads (Turtle union, N-Quads by graph) without contact details or suppressed people."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Graph

from kg.serve_data import PREFIXES
from kg.serve_privacy import publishable
from kg.store import QuadStore, to_ox

DUMP_TYPES = {".ttl": "text/turtle", ".nq": "application/n-quads"}


def _by_graph(store: QuadStore, suppressed: frozenset[str], hidden: frozenset[str]) -> dict:
    groups: dict = {}
    for s, p, o, g in store.quads():
        if g is None or str(g) not in hidden:
            groups.setdefault(g, []).append((s, p, o))
    return {g: list(publishable(triples, suppressed)) for g, triples in groups.items()}


def dump(store: QuadStore, suppressed: frozenset[str], extension: str, hidden: frozenset[str] = frozenset()) -> bytes:
    """The dataset as `.ttl` (the union of all graphs) or `.nq` (sorted lines, graphs kept); byte-stable.

    `hidden` graphs (those of suppressed people's posts) are left out whole.
    """
    groups = _by_graph(store, suppressed, hidden)
    if extension == ".ttl":
        graph = Graph()
        for prefix, ns in PREFIXES.items():
            graph.bind(prefix, ns, override=True)
        for triples in groups.values():
            for triple in triples:
                graph.add(triple)
        return graph.serialize(format="turtle", encoding="utf-8")
    if extension == ".nq":
        # pyoxigraph writes N-Quads without rdflib's deprecated Dataset.contexts; sorted lines are stable.
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g) if g is not None else ox.DefaultGraph())
                 for g, triples in groups.items() for s, p, o in triples]
        text = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
        lines = sorted({line for line in text.splitlines() if line.strip()})
        return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    raise ValueError(f"no dump format for {extension!r}; valid: {', '.join(DUMP_TYPES)}")
