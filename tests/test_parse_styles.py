"""One realistic sample per reply/forward header style and language, plain and `>`-quoted."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from kg.model import Provenance
from kg.parse import parse_page

PAGE_HEAD = "[Test-List] Re: sample\nAna Example\nana at example.org\nWed Jul 23 14:30:34 EDT 2025\n"
REPLY = "Reply text from Ana about the review.\n\nAna\n"
QUOTED = ["Quoted text from Maria about the consultation.", "", "Maria"]
ADDR = "maria@example.org"
T = datetime(2025, 7, 22, 14, 30)

# (id, header lines, quote the body one level deeper than the header?, name, address, date)
ATTRIBUTIONS = [
    ("gmail-en", ["On Tue, Jul 22, 2025 at 2:30 PM Maria Lopez <maria at example.org> wrote:"], ADDR, T),
    ("gmail-en-wrapped", ["On Tue, Jul 22, 2025 at 2:30 PM Maria Lopez <", "maria at example.org> wrote:"], ADDR, T),
    ("apple-on-at", ["On 22 Jul 2025, at 14:30, Maria Lopez <maria at example.org> wrote:"], ADDR, T),
    ("thunderbird", ["On 22/07/2025 14:30, Maria Lopez wrote:"], None, T),
    ("entourage", ['On 7/22/25 2:30 PM, "Maria Lopez" <maria at example.org> wrote:'], ADDR, T),
    ("name-wrote", ["Maria Lopez wrote:"], None, None),
    ("gmail-date-name", ["2025/7/22 Maria Lopez <maria at example.org>"], ADDR, datetime(2025, 7, 22)),
    ("es", ["El 22 jul. 2025, a las 2:30 p. m., Maria Lopez <maria at example.org> escribió:"], ADDR, T),
    ("es-wrapped-3", ["El 22 jul. 2025, a las 2:30 p. m., Maria Lopez", "<maria at example.org>",
                      "<mailto:maria at example.org> escribió:"], ADDR, T),
    ("pt", ["Em ter., 22 de jul. de 2025 às 14:30, Maria Lopez <maria at example.org> escreveu:"], ADDR, T),
    ("pt-wrapped", ["Em ter., 22 de jul. de 2025 às 14:30, Maria Lopez", "<maria at example.org>",
                    "escreveu:"], ADDR, T),
    ("fr", ["Le mar. 22 juil. 2025 à 14:30, Maria Lopez <maria at example.org> a écrit :"], ADDR, T),
    ("de", ["Am Di., 22. Juli 2025 um 14:30 Uhr schrieb Maria Lopez <maria at example.org>:"], ADDR, T),
    ("de-thunderbird", ["Am 22.07.2025 um 14:30 schrieb Maria Lopez:"], None, T),
    ("it", ["Il giorno mar 22 lug 2025 alle ore 14:30 Maria Lopez <maria at example.org> ha scritto:"], ADDR, T),
    ("nl", ["Op di 22 jul. 2025 om 14:30 schreef Maria Lopez <maria at example.org>:"], ADDR, T),
    ("ru-thunderbird", ["22.07.2025 14:30, Maria Lopez пишет:"], None, T),
    ("ru-gmail", ["вт, 22 июл. 2025 г. в 14:30, Maria Lopez <maria at example.org>:"], ADDR, T),
    ("ru-wrote", ["Maria Lopez написал(а):"], None, None),
    ("ar", ["في الثلاثاء، 22 يوليو 2025 في 2:30 م، كتب Maria Lopez <maria at example.org>:"], ADDR, T),
    ("zh", ["Maria Lopez <maria at example.org> 于2025年7月22日周二 14:30写道："], ADDR, T),
]

BLOCKS = [
    ("outlook-en", ["From: Maria Lopez <maria at example.org>", "Sent: Tuesday, July 22, 2025 2:30 PM",
                    "To: test-list at example.org", "Subject: Re: sample"], ADDR, T),
    ("outlook-bold", ["*From:* Maria Lopez [mailto:maria at example.org]", "*Sent:* Tuesday, July 22, 2025 2:30 PM",
                      "*To:* test-list at example.org", "*Subject:* Re: sample"], ADDR, T),
    ("outlook-behalf", ["From: Test-List <test-list-bounces at example.org> On Behalf Of Maria Lopez via Test-List",
                        "Sent: Tuesday, July 22, 2025 2:30 PM", "To: Test-List <test-list at example.org>",
                        "Subject: Re: [Test-List] sample"], None, T),
    ("outlook-admin-behalf", ["From: test-list-admin at example.org on behalf of Maria Lopez",
                              "Sent: Tue 7/22/2025 2:30 PM", "To: test-list at example.org",
                              "Subject: SV: sample"], None, T),
    ("outlook-mac", ["From: Maria Lopez <maria at example.org>", "Date: Tuesday, July 22, 2025 at 14:30",
                     "To: test-list <test-list at example.org>", "<mailto:test-list at example.org>",
                     "Subject: Re: [Test-List] a rather long subject line that the client wrapped onto",
                     "two lines"], ADDR, T),
    ("original-message", ["-----Original Message-----", "From: Maria Lopez [mailto:maria at example.org]",
                          "Sent: Tuesday, July 22, 2025 2:30 PM", "To: test-list at example.org",
                          "Subject: Re: sample"], ADDR, T),
    ("outlook-express", ["----- Original Message -----", "From: Maria Lopez", "To: test-list at example.org",
                         "Sent: Tuesday, July 22, 2025 2:30 PM", "Subject: Re: sample"], None, T),
    ("samsung", ["-------- Original message --------", "From: Maria Lopez <maria at example.org>",
                 "Date:07/22/2025 2:30 PM (GMT-05:00)", 'To: "Ana Example" <ana at example.org>,',
                 "test-list at example.org", "Cc:", "Subject: Re: sample"], ADDR,
     T.replace(tzinfo=timezone(timedelta(hours=-5)))),
    ("yahoo-indented", ["      From: Maria Lopez <maria at example.org>",
                        "      To: Test List <test-list at example.org>",
                        "      Sent: Tuesday, July 22, 2025 2:30 PM", "      Subject: Re: sample"], ADDR, T),
    ("forwarded", ["---------- Forwarded message ---------", "From: Maria Lopez <maria at example.org>",
                   "Date: Tue, Jul 22, 2025 at 2:30 PM", "Subject: sample", "To: <ana at example.org>"], ADDR, T),
    ("thunderbird-forward-tabs", ["-------- Original Message --------", "Subject: \tsample",
                                  "Date: \tTue, 22 Jul 2025 14:30:00 -0400",
                                  "From: \tMaria Lopez <maria at example.org>", "To: \ttest-list at example.org"],
     ADDR, T.replace(tzinfo=timezone(timedelta(hours=-4)))),
    ("outlook-pt", ["*De:*Lopez, Maria (MIN) via Test-List <test-list at example.org>",
                    "*Enviada:* 22 de julho de 2025 14:30", "*Para:* test-list at example.org",
                    "*Assunto:* Re: [Test-List] sample"], None, T),
    ("outlook-es", ["De: Maria Lopez <maria at example.org>", "Enviado el: martes, 22 de julio de 2025 14:30",
                    "Para: test-list at example.org", "Asunto: RE: sample"], ADDR, T),
    ("outlook-fr", ["De : Maria Lopez <maria at example.org>", "Envoyé : mardi 22 juillet 2025 14:30",
                    "À : test-list at example.org", "Objet : RE: sample"], ADDR, T),
    ("outlook-de", ["-----Ursprüngliche Nachricht-----", "Von: Maria Lopez <maria at example.org>",
                    "Gesendet: Dienstag, 22. Juli 2025 14:30", "An: test-list at example.org",
                    "Betreff: AW: sample"], ADDR, T),
    ("outlook-it", ["Da: Maria Lopez <maria at example.org>", "Inviato: martedì 22 luglio 2025 14:30",
                    "A: test-list at example.org", "Oggetto: R: sample"], ADDR, T),
    ("outlook-nl", ["Van: Maria Lopez <maria at example.org>", "Verzonden: dinsdag 22 juli 2025 14:30",
                    "Aan: test-list at example.org", "Onderwerp: RE: sample"], ADDR, T),
    ("outlook-ru", ["От: Maria Lopez <maria at example.org>", "Отправлено: 22 июля 2025 г. 14:30",
                    "Кому: test-list at example.org", "Тема: RE: sample"], ADDR, T),
    ("outlook-zh", ["发件人: Maria Lopez <maria at example.org>", "发送时间: 2025年7月22日 14:30",
                    "收件人: test-list at example.org", "主题: 回复: sample"], ADDR, T),
    ("outlook-ar", ["من: Maria Lopez <maria at example.org>", "أرسلت: الثلاثاء، 22 يوليو 2025 14:30",
                    "إلى: test-list at example.org", "الموضوع: رد: sample"], ADDR, T),
]

GROUPWISE = ("groupwise", [">>> maria at example.org 7/22/2025 2:30 PM >>>"], ADDR, T)


def _quote(lines: list[str], levels: int) -> list[str]:
    return [("> " * levels + line).rstrip() if line else ">" * levels for line in lines] if levels else lines


def _page(header: list[str], body_deeper: bool, nested: bool) -> str:
    """A page: Ana's reply, then the header and Maria's text (optionally inside Bob's quote)."""
    outer = 1 if nested else 0
    parts = [REPLY]
    if nested:
        parts.append("On Wed, Jul 23, 2025 at 9:00 AM Bob Outer <bob at example.org> wrote:")
        parts += _quote(["Outer text from Bob on the draft.", "", "Bob", ""], 1)
    parts += _quote(header, outer)
    parts += _quote([""] + QUOTED, outer + (1 if body_deeper else 0))
    return PAGE_HEAD + "\n".join(parts) + "\n"


def _check(text: str, name: str | None, address: str | None, date: datetime | None, nested: bool) -> None:
    result = parse_page(text, Provenance("sample", "pipermail-text"))
    messages = result.messages
    assert len(messages) == (3 if nested else 2), [m.author for m in messages]
    maria = messages[-1]
    assert maria.kind == "quoted"
    if name is None:
        assert maria.author is not None and maria.author.name is None
    else:
        assert maria.author is not None and maria.author.name == name
    assert maria.author.address == address
    assert maria.date == date
    assert "Quoted text from Maria" in maria.text and "Reply text" not in maria.text
    assert ">" not in maria.text
    assert "Reply text from Ana" in messages[0].text and "Quoted text from Maria" not in messages[0].text
    for child, parent in zip(messages, messages[1:]):
        assert child.parent_id == parent.id
    assert maria.parent_id is None
    if nested:
        assert "Outer text from Bob" in messages[1].text and "Quoted text" not in messages[1].text


@pytest.mark.parametrize("nested", [False, True], ids=["plain", "gt-quoted"])
@pytest.mark.parametrize("case", ATTRIBUTIONS, ids=lambda c: c[0])
def test_attribution_styles(case: tuple, nested: bool) -> None:
    _style, header, address, date = case
    _check(_page(header, True, nested), "Maria Lopez", address, date, nested)


def test_groupwise_attribution_names_an_address_only() -> None:
    _style, header, address, date = GROUPWISE
    _check(_page(header, True, False), None, address, date, False)


@pytest.mark.parametrize("nested", [False, True], ids=["plain", "gt-quoted"])
@pytest.mark.parametrize("case", BLOCKS, ids=lambda c: c[0])
def test_header_blocks(case: tuple, nested: bool) -> None:
    _style, header, address, date = case
    _check(_page(header, False, nested), "Maria Lopez", address, date, nested)


@pytest.mark.parametrize("case", BLOCKS[:3] + ATTRIBUTIONS[:2], ids=lambda c: c[0])
def test_unquoted_attribution_body(case: tuple) -> None:
    """Archives that drop `>` markers: the quoted text stands at the header's own depth."""
    _style, header, address, date = case
    _check(_page(header, False, False), "Maria Lopez", address, date, False)


def test_inline_speaker_labels_are_not_authors() -> None:
    body = "Vittorio:\nI think the draft is fine.\n\nWolfgang:\nI disagree with paragraph 3.\n"
    messages = parse_page(PAGE_HEAD + body, Provenance("labels", "pipermail-text")).messages
    assert len(messages) == 1
    assert "I disagree" in messages[0].text


def test_interleaved_gt_reply_text_after_quote_belongs_to_replier() -> None:
    body = ("On Tue, Jul 22, 2025 at 2:30 PM Maria Lopez <maria at example.org> wrote:\n"
            "> First point from Maria.\n\nAna answers the first point.\n\n> Second point from Maria.\n\n"
            "Ana answers the second point.\n")
    ana, maria = parse_page(PAGE_HEAD + body, Provenance("interleaved", "pipermail-text")).messages
    assert "first point" in ana.text and "second point" in ana.text
    assert "First point from Maria" in maria.text and "Second point from Maria" in maria.text
    assert "Ana answers" not in maria.text


def test_unquoted_attribution_with_interleaved_answers() -> None:
    """General rule: a paragraph addressing the quoted author, up to the replier's sign-off, is the replier's."""
    body = ("From: Omar Haddad <omar at example.org>\nSent: 23 July 2025 10:00\nTo: test-list at example.org\n"
            "Subject: Re: sample\n\nOn 22/07/25 19:02, Lena Berg wrote:\n\nThanks, Kim.\n"
            "The outcome document was updated twice since then.\n\n"
            "Right, Lena, that is the default. But the default is not the goal.\n\n"
            "regards, omar\n\nBest,\n\nL.\n")
    messages = parse_page(PAGE_HEAD + body, Provenance("inline", "pipermail-text")).messages
    names = [m.author.name for m in messages]
    assert names == ["Ana Example", "Omar Haddad", "Lena Berg"]
    omar, lena = messages[1], messages[2]
    assert "Right, Lena, that is the default" in omar.text and "regards, omar" in omar.text
    assert "Right, Lena" not in lena.text
    assert "The outcome document" in lena.text and "L." in lena.text
