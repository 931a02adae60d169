"""Contact details are masked in message text, and segment offsets follow the masks."""

from __future__ import annotations

from datetime import datetime

import pytest

from kg.model import Message, Segment, Sender
from kg.privacy import EMAIL_MASK, PHONE_MASK, POSTAL_MASK, contact_spans, redact_message


@pytest.mark.parametrize("line, mask", [
    ("write to jane.doe at example.org today", EMAIL_MASK),
    ("write to jane.doe@example.org today", EMAIL_MASK),
    ("Tel: +44 (0) 20 7946 0958", PHONE_MASK),
    ("Mobile: +33 6 12 34 56 78", PHONE_MASK),
    ("M: 0612 345 678", PHONE_MASK),
    ("Rua Augusta, 120 | 1100-053 Lisboa", POSTAL_MASK),
    ("12 Rue de Rivoli", POSTAL_MASK),
])
def test_contact_details_are_found(line, mask):
    assert [m for _, _, m in contact_spans(line)] == [mask]


@pytest.mark.parametrize("line", [
    "Estimad at s colegas", "paragraph 69 of the Tunis Agenda (2005)", "On 23/07/25 19:02, Ann wrote:",
    "the meeting is at 14:30 in room 2", "jeanette at",
])
def test_ordinary_text_is_left_alone(line):
    assert contact_spans(line) == []


def test_redaction_moves_segments_with_the_text():
    text = "Thanks all.\n\nJane Roe\nTel: +44 20 7946 0958\njane at example.org\nEditor"
    sig = text.index("Jane Roe")
    m = Message("x", text, Sender("Jane Roe", None), datetime(2024, 1, 1),
                segments=(Segment("body", 0, sig), Segment("signature", sig, len(text))))
    out = redact_message(m)
    assert "7946" not in out.text and "example.org" not in out.text
    body, signature = out.segments
    assert out.text[body.start:body.end] == "Thanks all.\n\n"
    assert out.text[signature.start:signature.end].startswith("Jane Roe") and signature.end == len(out.text)
    assert out.text.endswith("Editor")
