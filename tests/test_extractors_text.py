"""Tests of the shared text helpers and of the gazetteer: folding, offsets, guards, speed."""

from __future__ import annotations

import re
import time

import pytest

from extractors_support import fixture_kb
from kg.extractors.contacts import contact_kind
from kg.extractors.gazetteer import Gazetteer, trie_regex
from kg.extractors.text import Spans, fold, fold_match, fold_with_offsets, protected_spans

pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize("raw, folded", [
    ("Raúl  Echeberría,", "raul echeberria"),
    ("Kleinwächter", "kleinwachter"),
    ("FCT- FCCN", "fct fccn"),
    ("Blaker, Paul", "blaker paul"),
])
def test_fold(raw, folded):
    assert fold(raw) == folded


def test_fold_match_reads_ampersand_as_and():
    assert fold_match("Science, Innovation & Technology") == "science innovation and technology"


def test_folded_offsets_point_back_into_the_original():
    text = "See the «Tunis\nAgenda» — São Paulo & co."
    ft = fold_with_offsets(text)
    start = ft.folded.index("tunis agenda")
    s, e = ft.span(start, start + len("tunis agenda"))
    assert text[s:e] == "Tunis\nAgenda"
    start = ft.folded.index("sao paulo")
    s, e = ft.span(start, start + len("sao paulo"))
    assert text[s:e] == "São Paulo"


def test_trie_regex_matches_longest_first():
    pattern = re.compile(trie_regex(["IGF", "IGF MAG", "IG"]))
    assert pattern.match("IGF MAG x").group() == "IGF MAG"
    assert pattern.match("IGX").group() == "IG"


def test_spans_overlap():
    spans = Spans.of([(10, 20), (15, 30), (40, 50)])
    assert spans.overlaps(25, 26) and spans.overlaps(5, 11) and not spans.overlaps(30, 40)


@pytest.mark.parametrize("text, inside", [
    ("write to jane at example.org today", "example.org"),
    ("see https://www.example.org/EU/report.pdf now", "EU"),
    ("link <http://itu.int/ICANN> here", "ICANN"),
    ("mail bob@icann.org", "icann"),
])
def test_protected_spans_cover_addresses(text, inside):
    pos = text.index(inside)
    assert Spans.of(protected_spans(text)).overlaps(pos, pos + len(inside))


def test_upper_case_name_with_a_dot_is_not_a_host():
    assert protected_spans("Chair of the DNS.PT Advisory Board") == []


@pytest.mark.parametrize("line, kind", [
    ("Tel: +41 22 555 0101", "phone"),
    ("M: +33 6 12 34 56 78", "phone"),
    ("+1 (202) 555-0175", "phone"),
    ("Rue de Lausanne 12 | CH-1201 Genève", "address"),
    ("www.example.org <http://www.example.org/>", "web"),
    ("skype : jane.doe", "web"),
    ("Senior Policy Adviser", None),
    ("Ministry of Digital Affairs", None),
])
def test_contact_lines(line, kind):
    assert contact_kind(line) == kind


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.build(list(fixture_kb().entries.values()))


def keys(gaz, text):
    return [(m.key, m.surface) for m in gaz.find(text)]


def test_longest_match_wins(gazetteer):
    assert keys(gazetteer, "under the Tunis Agenda, and in Tunis") == [
        ("doc/tunis-agenda", "Tunis Agenda"), ("place/tunis", "Tunis")]


def test_acronyms_are_case_sensitive_whole_tokens(gazetteer):
    text = "The EU and the EURO; eu citizens; the ITU-T and the ITU; us and the US."
    assert keys(gazetteer, text) == [("org/eu", "EU"), ("org/itu", "ITU"), ("place/united-states", "US")]


def test_labels_match_across_case_accents_and_lines(gazetteer):
    text = "the Department for Science, Innovation &\nTechnology met in lisboa on Enhanced Cooperation"
    assert [k for k, _ in keys(gazetteer, text)] == ["org/dsit", "place/lisbon", "concept/enhanced-cooperation"]


def test_no_match_inside_urls_or_addresses(gazetteer):
    text = "See https://www.itu.int/ICANN/GAC and write to gac at icann.org or visit itu.int"
    assert keys(gazetteer, text) == []


def test_large_message_is_fast(gazetteer):
    paragraph = ("The ICANN GAC met the CSTD in Geneva about enhanced cooperation and the Tunis Agenda, "
                 "while the Internet Society of Ruritania debated multistakeholder governance. ") * 8
    text = (paragraph + "\n") * (100_000 // len(paragraph))
    start = time.perf_counter()
    found = gazetteer.find(text)
    assert time.perf_counter() - start < 1.0
    assert len(found) > 1000
