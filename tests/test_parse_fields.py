"""Senders, dates, ids, signatures and footers, one function at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kg.parse.dates import parse_date, parse_pipermail_date
from kg.parse.footers import find_footers
from kg.parse.ids import content_key, message_id, normalise_message_id, text_key
from kg.parse.lines import split_lines, strip_levels
from kg.parse.senders import deobfuscate, name_key, name_matches_address, parse_sender
from kg.parse.signature import signature_start

LIST = ("WG-Strategy",)


@pytest.mark.parametrize("raw,name,address", [
    ("parminder <parminder.js.work at gmail.com>", "parminder", "parminder.js.work@gmail.com"),
    ("Blaker, Paul (DSIT) via WG-Strategy <wg-strategy at intgovforum.org>", "Paul Blaker", None),
    ("Vint Cerf via WG-Strategy <wg-strategy at intgovforum.org>", "Vint Cerf", None),
    ("plenary-admin at wsis-cs.org on behalf of Rikke Frank Joergensen", "Rikke Frank Joergensen", None),
    ("Politicas <politicas-bounces at lacnic.net> On Behalf Of Uesley Correa", "Uesley Correa", None),
    ('"Parminder" <parminder at itforchange.net>', "Parminder", "parminder@itforchange.net"),
    ("Olivier Crepin-Leblond [mailto:ocl at gih.com <ocl at gih.com>]", "Olivier Crepin-Leblond", "ocl@gih.com"),
    ("Raúl Echeberría <raul at alai.lat> <mailto:raul at alai.lat>", "Raúl Echeberría", "raul@alai.lat"),
    ("ajp at glocom.ac.jp", None, "ajp@glocom.ac.jp"),
    ("jeanette at", None, None),
    ("Gomes, Chuck", "Chuck Gomes", None),
    ("Anne Doe <anne@example.org>", "Anne Doe", "anne@example.org"),
])
def test_parse_sender(raw: str, name: str | None, address: str | None) -> None:
    sender = parse_sender(raw, LIST)
    assert (sender.name, sender.address) == (name, address)
    assert sender.raw == raw


@pytest.mark.parametrize("text,expected", [
    ("anriette at apc.org//anriette at gmail.com", "anriette@apc.org//anriette@gmail.com"),
    ("Estimad at s", "Estimad at s"),
    ("jeanette at", "jeanette at"),
    ("look at this.", "look at this."),
])
def test_deobfuscate_only_addresses(text: str, expected: str) -> None:
    assert deobfuscate(text) == expected


def test_name_key_and_address_match() -> None:
    assert name_key("Blaker, Paul (DSIT) via WG-Strategy") == "paul blaker"
    assert name_key("Wolfgang Kleinwächter") == "wolfgang kleinwachter"
    assert name_matches_address("Hernan Seoane", "hernan.seoane@example.org")
    assert name_matches_address("Jose F. Callo Romero", "jfcallo@example.org")
    assert not name_matches_address("Hernan Seoane", "info@example.org")


EDT = timezone(timedelta(hours=-4))


@pytest.mark.parametrize("text,reference,expected", [
    ("Wed Jul 23 14:30:34 EDT 2025", None, datetime(2025, 7, 23, 14, 30, 34, tzinfo=EDT)),
    ("Tue Sep 16 21:14:34 -03 2025", None, datetime(2025, 9, 16, 21, 14, 34, tzinfo=timezone(timedelta(hours=-3)))),
    ("23 de julho de 2025 16:03", None, datetime(2025, 7, 23, 16, 3)),
    ("22 jul. 2025, a las 5:06 p. m.", None, datetime(2025, 7, 22, 17, 6)),
    ("Tuesday, July 22, 2025 at 22:46", None, datetime(2025, 7, 22, 22, 46)),
    ("23/07/25 19:02", None, datetime(2025, 7, 23, 19, 2)),
    ("2025/07/23 18:36", None, datetime(2025, 7, 23, 18, 36)),
    ("1/13/07 5:37 AM", None, datetime(2007, 1, 13, 5, 37)),
    ("mer. 11 nov. 2020 à 05:49", None, datetime(2020, 11, 11, 5, 49)),
    ("Mittwoch, 23. Juli 2025 14:30", None, datetime(2025, 7, 23, 14, 30)),
    ("Sun, 3 Apr 2005 11:26:29 -0400", None, datetime(2005, 4, 3, 11, 26, 29, tzinfo=EDT)),
    # day/month order from context: the quoted message is at or before the quoting one
    ("03/07/2025 10:00", datetime(2025, 3, 8), datetime(2025, 3, 7, 10, 0)),
    ("03/07/2025 10:00", datetime(2025, 7, 4), datetime(2025, 7, 3, 10, 0)),
    ("not a date", None, None),
])
def test_parse_date(text: str, reference: datetime | None, expected: datetime | None) -> None:
    assert parse_date(text, reference) == expected


def test_pipermail_date_rejects_other_lines() -> None:
    assert parse_pipermail_date("Dear Ana") is None


def test_ids_are_stable_across_quoting_and_wrapping() -> None:
    archived = "OFFICIAL\nHi all\nI’m new to this group but I hope it’s OK to throw in some comments."
    quoted = "OFFICIAL\n\nHi all\n\nI’m new to this group but I hope\nit’s OK to throw in some comments."
    assert content_key("Blaker, Paul (DSIT)", archived) == content_key("Paul Blaker", quoted)
    assert content_key("Paul Blaker", archived) != content_key("Ana Neves", archived)
    assert message_id("Paul Blaker", archived).startswith("h-")
    assert message_id("x", "y", "<abc@example.org>") == "abc@example.org"
    assert normalise_message_id("<not an id>") is None
    assert text_key("> Ça va?") == "cava"


@pytest.mark.parametrize("lines,name,start", [
    (["Hello all,", "I agree.", "", "Best,", "", "Raúl"], "Raúl Echeberría", 3),
    (["I agree.", "Ana", "", "Ana Cristina F. Amoroso das Neves", "Head, Internet Governance Office"], "Ana Neves", 1),
    (["I agree.", "-- ", "Jane Roe", "Example Org"], "Jane Roe", 1),
    (["Thanks!", "Here is a long paragraph of text that goes on and on for quite some time, yes.",
      "And another very long line of prose that is clearly part of the message body here.",
      "And a third very long line of prose that is clearly part of the message body too."], "X Y", None),
    (["Hi,", "text", "Wolfgang", "PS: " + "long postscript line of prose about the history " * 2,
      "more long postscript prose about the history of the negotiations in Tunis ok",
      "and even more long postscript prose about the history of the negotiations ok"], "Wolfgang K", None),
])
def test_signature_start(lines: list[str], name: str, start: int | None) -> None:
    assert signature_start(lines, name) == start


def test_footers_found_at_any_depth() -> None:
    text = ("Body line\n> quoted\n> _______________________________________________\n> WG-Strategy mailing list\n"
            "> WG-Strategy at intgovforum.org\n> http://intgovforum.org/mailman/listinfo/wg-strategy\n"
            "after\n")
    lines = split_lines(text)
    assert find_footers(lines, len(lines)) == {2, 3, 4, 5}


@pytest.mark.parametrize("raw,levels,expected", [
    ("> > text", 1, "> text"), (">>text", 2, "text"), ("text", 1, "text"), (">  two spaces", 1, " two spaces"),
])
def test_strip_levels(raw: str, levels: int, expected: str) -> None:
    assert strip_levels(raw, levels) == expected


def test_mbox_from_escape_is_unquoted() -> None:
    lines = split_lines("Hello\n>From the desk of the chair\nregards\n")
    assert lines[1].depth == 0 and lines[1].content == "From the desk of the chair"
