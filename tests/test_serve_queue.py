"""The SPARQL endpoint queues a burst of queries for a free slot instead of turning them away."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

import kg.serve_sparql as serve_sparql
from kg.serve_sparql import Endpoint, Rejected

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_serve import load_store  # noqa: E402  (the shared hand-written fixture)

QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_a_burst_larger_than_the_slots_is_served():
    endpoint = Endpoint(load_store(), frozenset(), concurrency=1)

    async def burst():
        return await asyncio.gather(*(endpoint.run(QUERY) for _ in range(6)))

    answers = asyncio.run(burst())
    assert len(answers) == 6 and all(result.rows for result, _ in answers)


def test_a_slot_not_freed_within_the_wait_is_busy(monkeypatch):
    monkeypatch.setattr(serve_sparql, "QUEUE_WAIT_S", 0.2)
    endpoint = Endpoint(load_store(), frozenset(), concurrency=1)

    async def held():
        await endpoint._slots.acquire()  # a long query holds the only slot
        with pytest.raises(Rejected) as caught:
            await endpoint.run(QUERY)
        return caught.value.status

    assert asyncio.run(held()) == 503
