"""One raw email -> messages: ids from Message-ID, parents from In-Reply-To/References, hostile headers and bodies."""

from __future__ import annotations

import pytest

from kg import synth
from kg.model import Provenance
from kg.parse.email import parse_email
from kg.sources.mbox import split_mbox

PROV = Provenance("test", "email")


def one(raw: bytes):
    result = parse_email(raw, PROV)
    return result.messages[0], result


def test_message_id_in_reply_to_and_references():
    m, _ = one(b"From: Ana <ana@example.org>\nMessage-ID: <c@x.org>\nIn-Reply-To: <b@x.org>\n"
               b"References: <a@x.org> <b@x.org>\nDate: Mon, 01 Jan 2024 10:00:00 +0100\nSubject: Re: x\n\nHello all.\n")
    assert (m.id, m.parent_id, m.references) == ("c@x.org", "b@x.org", ("a@x.org", "b@x.org"))
    assert m.date.utcoffset().total_seconds() == 3600 and m.author.address == "ana@example.org"


def test_pipermail_obfuscated_sender_keeps_the_domain():
    m, _ = one(b"From: alice at example.org (Alice Example)\nMessage-ID: <one at example.org>\n\nHi.\n")
    assert (m.author.name, m.author.address, m.id) == ("Alice Example", "alice@example.org", "one@example.org")


@pytest.mark.parametrize("header", [b"alice@example.org)<bob@example.org>", b"a@b@c.org"])
def test_ambiguous_from_is_not_attributed(header):
    m, result = one(b"From: " + header + b"\nMessage-ID: <z@x.org>\n\nText.\n")
    assert m.author is None or m.author.address is None
    assert any("ambiguous" in p.reason for p in result.problems)


def test_multilingual_encoded_headers_and_unknown_charsets():
    m, result = one(b"From: =?utf-8?q?In=C3=A8s_M=C3=BCller?= <ines@example.org>\n"
                    b"Subject: =?iso-8859-1?q?Coop=E9ration_renforc=E9e?= =?x-unknown?q?z?=\nMessage-ID: <u@x.org>\n"
                    b"Content-Type: text/plain; charset=x-unknown-cs\n\nCaf\xe9 ol\xe9.\n")
    assert m.author.name == "Inès Müller"
    assert m.subject.startswith("Coopération renforcée")
    assert "Caf" in m.text and any("Latin-1" in p.reason for p in result.problems)


def test_html_only_and_deep_nesting_never_raise():
    m, _ = one(b"Message-ID: <h@x.org>\nContent-Type: text/html\n\n<p>Plain <b>words</b> here.</p>"
               b"<script>alert(1)</script>\n")
    assert "Plain words here." in m.text and "alert" not in m.text
    deep = b"Message-ID: <d@x.org>\n" + b"".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\n\n--b{i}\n'.encode() for i in range(2000)) + b"x\n"
    result = parse_email(deep, PROV)
    assert result.messages or result.problems


def test_pipermail_txt_equals_the_mbox_copy():
    msgs = synth.generate(40, 2)
    plain = [parse_email(r, PROV).messages for r in split_mbox(synth.to_mbox(msgs))]
    mailman = [parse_email(r, PROV, list_hint="wg-synth").messages for r in split_mbox(synth.to_mbox(msgs, pipermail=True))]
    assert len(plain) == len(mailman) == 40
    for a, b in zip(plain, mailman):  # scrubbed HTML stubs, obfuscation, unescaped From lines
        assert [(m.id, m.parent_id, m.text, m.author.name if m.author else None) for m in a] == \
               [(m.id, m.parent_id, m.text, m.author.name if m.author else None) for m in b]
