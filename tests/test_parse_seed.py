"""The seed page end to end, the same message archived and quoted, and the pipermail HTML rendering."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kg.model import Message, Provenance
from kg.parse import parse_page

DATA = Path(__file__).parent / "data" / "parse"
SEED = DATA / "seed_000_wg-strategy_2025-07.txt"
PAUL_PAGE = DATA / "page_071_wg-strategy_2025-07.txt"
SEED_HTML = DATA / "pipermail_seed.html"

EXPECTED = [
    ("Anriette Esterhuysen", "anriette@apc.org", datetime(2025, 7, 23, 14, 30, 34, tzinfo=timezone(timedelta(hours=-4)))),
    ("Ana Neves", None, datetime(2025, 7, 23, 18, 36)),
    ("Paul Blaker", None, datetime(2025, 7, 23, 16, 3)),
    ("parminder", "parminder.js.work@gmail.com", datetime(2025, 7, 23, 14, 42)),
    ("Veni Markovski", None, datetime(2025, 7, 23, 19, 2)),
    ("Raúl Echeberría", "raul@alai.lat", datetime(2025, 7, 22, 22, 46)),
    ("Wolfgang Kleinwächter", "wolfgang@kleinwaechter.info", datetime(2025, 7, 22, 17, 6)),
]

# words only the given author wrote (index into EXPECTED)
OWN_WORDS = [
    (0, "I like this idea a lot."),
    (1, "let me share a few reflections"),
    (2, "I’m new to this group"),
    (3, "Yes, Veni, that is the default"),
    (3, "best, parminder"),
    (4, "Since Tunisia there was the WSIS+10 process"),
    (5, "I very much agree with Wolfgang"),
    (6, "to be frank, I am not happy"),
]


def _seed(path: Path = SEED, kind: str = "pipermail-text") -> list[Message]:
    return parse_page(path.read_text(encoding="utf-8"), Provenance(str(path.name), kind)).messages


@pytest.fixture(scope="module")
def seed() -> list[Message]:
    return _seed()


def test_seed_has_seven_messages_in_reading_order(seed: list[Message]) -> None:
    assert [(m.author.name, m.author.address, m.date) for m in seed] == EXPECTED
    assert [m.kind for m in seed] == ["archived"] + ["quoted"] * 6


def test_seed_reply_chain(seed: list[Message]) -> None:
    for message, parent in zip(seed, seed[1:]):
        assert message.parent_id == parent.id
    assert seed[-1].parent_id is None
    assert len({m.id for m in seed}) == 7


@pytest.mark.parametrize("owner,words", OWN_WORDS)
def test_seed_words_belong_to_their_author(seed: list[Message], owner: int, words: str) -> None:
    holders = [i for i, m in enumerate(seed) if words in m.text]
    assert holders == [owner]


def test_seed_texts_have_no_markers_or_footers(seed: list[Message]) -> None:
    for message in seed:
        assert "mailing list" not in message.text
        assert "listinfo" not in message.text
        assert "next part" not in message.text
        assert not any(line.startswith(">") for line in message.text.split("\n"))
        assert message.header and message.provenance is not None


@pytest.mark.parametrize("owner,line", [
    (1, "Head, Internet Governance Office"), (1, "2025 IGF MAG Member"), (1, "Chair of the DNS.PT Advisory Board"),
    (2, "Head of ITU and Internet Governance"), (2, "Department for Science, Innovation & Technology"),
    (2, "United Kingdom"),
])
def test_seed_signatures(seed: list[Message], owner: int, line: str) -> None:
    assert line in seed[owner].signature


def test_seed_segments_cover_text(seed: list[Message]) -> None:
    for message in seed:
        assert message.segments[0].start == 0 and message.segments[-1].end == len(message.text)
        for a, b in zip(message.segments, message.segments[1:]):
            assert a.end == b.start


def test_seed_metadata(seed: list[Message]) -> None:
    assert seed[0].subject == "[WG-Strategy] [Ext] Re: Text on Enhanced Cooperation"
    assert seed[0].list_name == "WG-Strategy"
    assert seed[2].header.startswith("*De:*Blaker, Paul (DSIT)")
    assert "escribió:" in seed[6].header and seed[6].header.count("\n") == 2


def test_same_message_archived_and_quoted_has_one_id(seed: list[Message]) -> None:
    """Paul Blaker's own page (071) and the seed's quote of it give the same content id."""
    own = _seed(PAUL_PAGE)
    assert own[0].author.name == "Paul Blaker"
    assert own[0].id == seed[2].id
    assert own[0].id.startswith("h-") and len(own[0].id) == 18


def test_pipermail_html_rendering_of_the_seed(seed: list[Message]) -> None:
    html = _seed(SEED_HTML, "pipermail-html")
    assert [(m.author.name, m.author.address, m.date) for m in html] == EXPECTED
    assert html[0].message_id == "seed-example-0001@mail.example.org" == html[0].id
    assert html[0].list_name == "WG-Strategy"
    assert html[0].subject == seed[0].subject
    assert [m.id for m in html[1:]] == [m.id for m in seed[1:]]
    assert html[0].parent_id == seed[1].id
    assert "Yes, Veni, that is the default" in html[3].text
