"""Contract tests run over every registered extractor: names, versions, exact evidence, determinism."""

from __future__ import annotations

import re

import pytest

from extractors_seed import seed_messages
from extractors_support import fixture_kb
from kg.extractors import EXTRACTORS, names, run_extractors
from kg.extractors.gazetteer import use_kb
from kg.model import ExtractionResult

pytestmark = pytest.mark.filterwarnings("error")
KINDS = {"person", "organization", "document", "concept", "event", "place"}
PREDICATES = {"affiliated_with", "member_of", "holds_role", "part_of", "authored", "cites", "agrees_with",
              "disagrees_with", "proposes", "chairs", "located_in"}


@pytest.fixture(autouse=True)
def _kb():
    use_kb(fixture_kb())
    yield
    use_kb(None)


def test_names_are_unique_and_ordered():
    assert len(set(names())) == len(names())
    assert names()[0] == "acronyms" and names()[-1] == "relations"


@pytest.mark.parametrize("extractor", EXTRACTORS, ids=lambda e: e.NAME)
@pytest.mark.parametrize("mid", ["anriette", "ana", "paul", "parminder", "raul", "wolfgang"])
def test_each_extractor_returns_exact_evidence(extractor, mid):
    msg = seed_messages()[mid]
    assert extractor.NAME and extractor.VERSION
    added = extractor.extract(msg, run_extractors(msg, EXTRACTORS[:EXTRACTORS.index(extractor)]))
    assert isinstance(added, ExtractionResult) and added.message_id == msg.id
    for item in (*added.mentions, *added.relations):
        ev = item.evidence
        assert ev.message_id == msg.id and msg.text[ev.start:ev.end] == ev.exact and ev.exact.strip()
        assert ev.extractor == f"{extractor.NAME}@{extractor.VERSION}"
    assert all(m.kind in KINDS and m.key for m in added.mentions)
    assert all(r.predicate in PREDICATES for r in added.relations)


@pytest.mark.parametrize("mid", ["ana", "wolfgang"])
def test_run_is_deterministic_and_sorted(mid):
    msg = seed_messages()[mid]
    first, second = run_extractors(msg), run_extractors(msg)
    assert first == second
    starts = [m.evidence.start for m in first.mentions]
    assert starts == sorted(starts)


def test_contact_lines_never_become_evidence():
    for msg in seed_messages().values():
        result = run_extractors(msg)
        for item in (*result.mentions, *result.relations):
            assert "+351" not in item.evidence.exact and "+44" not in item.evidence.exact
            assert "Avenida" not in item.evidence.exact and not re.search(r"\w at \w+\.\w", item.evidence.exact)
            assert "@" not in item.evidence.exact and "www." not in item.evidence.exact
