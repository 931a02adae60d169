"""All 35 development pages built together: one entity per real-world person and organization."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extractors import run_extractors
from kg.identity import Minter, Resolution, resolve
from kg.kb import load_kb
from kg.model import Provenance
from kg.parse import parse_page
from kg.pipeline import inherit_list, merge_duplicates
from kg.text_norm import fold

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture(scope="module")
def resolution() -> Resolution:
    messages = []
    for page in sorted(CORPUS.glob("*.txt")):
        messages += parse_page(page.read_text(encoding="utf-8"), Provenance(str(page), "pipermail-text"), None).messages
    messages = inherit_list(merge_duplicates(messages))
    results = {m.id: run_extractors(m) for m in messages}
    return resolve(messages, results, load_kb(), Minter("https://kg.example.org/id/", "test-key"))


def _entities_named(res: Resolution, kind: str, name: str) -> set[str]:
    wanted = fold(name)
    return {k for k, e in res.entities.items()
            if e.kind == kind and wanted in {fold(e.label), *map(fold, e.alt_labels)}}


def test_the_corpus_is_all_there():
    assert len(list(CORPUS.glob("*.txt"))) == 35


@pytest.mark.parametrize("names", [
    ("Wolfgang Kleinwächter", "Wolfgang Kleinwaechter", "Wolfgang"),  # umlaut spelt out; first name
    ("David Hendon", "David Hendron"),  # a misspelt surname in the same thread
    ("William Drake", "Bill Drake"),  # English short form of the given name
    ("Raúl Echeberría", "Raul"),  # accents; first name resolved within the thread
    ("Baudouin SCHOMBE", "SCHOMBE BAUDOUIN"),  # surname written first
    ("Ian Peter", "Ian Peter ( ongoing Co-coordinator)"),  # a role in the display name
    ("Ellen Johnson Sirleaf", "Johnson Sirleaf"),  # the end of the longer name
    ("Ana Cristina F. Amoroso das Neves", "Ana Neves"),  # same first and last name, middle names aside
])
def test_expected_person_merges(resolution, names):
    found = set().union(*(_entities_named(resolution, "person", n) for n in names))
    assert len(found) == 1, (names, found)
    entity = resolution.entities[found.pop()]
    assert all(fold(n) in {fold(entity.label), *map(fold, entity.alt_labels)} for n in names)


def test_a_misspelling_does_not_win_the_label_by_length(resolution):
    (key,) = _entities_named(resolution, "person", "David Hendon")
    assert resolution.entities[key].label == "David Hendon"


@pytest.mark.parametrize("names", [
    ("MAG Working Group on IGF Strategy", "MAG Working Group on IGF Strategy and Strengthening"),
    ("Working Group on Enhanced Cooperation", "UN Working Group on Enhanced Cooperation"),
    ("Open Forum", "Open Forums"),
])
def test_expected_organization_merges(resolution, names):
    found = set().union(*(_entities_named(resolution, "organization", n) for n in names))
    merged = {resolution.resolve(k) for k in found}
    assert len(merged) == 1, (names, merged)


@pytest.mark.parametrize("name", ["El País", "El Diario de Chihuahua", "El Director Ejecutivo"])
def test_no_person_for_newspapers_and_offices(resolution, name):
    assert not _entities_named(resolution, "person", name)


@pytest.mark.parametrize("kind", ["person", "organization"])
def test_no_two_entities_share_a_name(resolution, kind):
    owners: dict[str, set[str]] = {}
    for key, entity in resolution.entities.items():
        if entity.kind == kind and resolution.resolve(key) in (key, None):
            for name in {fold(entity.label), *map(fold, entity.alt_labels)}:
                owners.setdefault(name, set()).add(key)
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert not shared


def test_every_merge_is_recorded_with_its_rule(resolution):
    rules = {m.rule for m in resolution.merges}
    assert {"same first and last name", "first name resolved within the thread",
            "same name words, surname first"} <= rules
    assert all(m.kept != m.merged for m in resolution.merges)
