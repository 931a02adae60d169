"""Bad and adversarial input: never raise, stay roughly linear."""

from __future__ import annotations

import time

import pytest

from kg.model import PageParse, Provenance
from kg.parse import parse_page

HEAD = "[T] Re: x\nAna Example\nana at example.org\nWed Jul 23 14:30:34 EDT 2025\n"


@pytest.mark.parametrize("text", [
    "", "   \n\n", "\x00\x01 binary \ufffd", ">" * 10000, "On x wrote:\n" * 50, HEAD, HEAD + "From:\n",
    "<html><body><blockquote>unclosed", "<!--beginarticle-->", HEAD + "-------------- next part --------------",
    "From: a\nSent: b\nTo: c\nSubject: d\n", "\ud800 lone surrogate",
])
def test_never_raises(text: str) -> None:
    result = parse_page(text, Provenance("bad", "pipermail-text"))
    assert isinstance(result, PageParse)
    assert result.messages or result.problems


def test_non_text_is_a_problem() -> None:
    result = parse_page(b"bytes", Provenance("bytes", "pipermail-text"))  # type: ignore[arg-type]
    assert not result.messages and "not text" in result.problems[0].reason


@pytest.mark.parametrize("unit", [
    "On Mon, Jan 6, 2025 at 10:00 AM Person Name <p at example.org> wrote:\nOn x \n",
    "> " * 50 + "On 1/2/25 10:00, Deep wrote:\n",
    "word " * 2000 + "\n",
])
def test_adversarial_bodies_are_fast(unit: str) -> None:
    parse_page(HEAD + "On Mon, Jan 6, 2025 at 10:00 AM X <x at example.org> wrote:\n> y\n", Provenance("w", "t"))
    text = HEAD + unit * (200_000 // len(unit))
    started = time.perf_counter()
    parse_page(text, Provenance("adversarial", "pipermail-text"))
    assert time.perf_counter() - started < 5.0
