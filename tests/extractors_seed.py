"""The seed page cut into Message objects by hand (no parser): quote markers removed, signatures marked."""

from __future__ import annotations

import re
from pathlib import Path

from kg.model import Message, Segment, Sender

SEED = Path(__file__).parent / "data" / "extractors" / "seed_000_147b04e8d362c685.txt"

# (id, author, first line, line after the last one, first signature line or None), all read from the seed.
_CUTS = (
    ("anriette", "Anriette Esterhuysen", "Dear Ana", "On 2025/07/23 18:36", "Anriette Esterhuysen -"),
    ("ana", "Ana Neves", "Thanks, Paul, for bringing", "*De:*Blaker", "Ana Cristina F. Amoroso das Neves"),
    ("paul", "Blaker, Paul", "OFFICIAL", "*From:*parminder", "Paul Blaker"),
    ("parminder", "parminder", "On 23/07/25 19:02, Veni", "*From: *Raúl", None),
    ("raul", "Raúl Echeberría", "Hi.", "El 22 jul. 2025", None),
    ("wolfgang", "Wolfgang Kleinwächter", "Hi,", "_______________", None),
)


def _unquote(text: str) -> list[str]:
    return [re.sub(r"^> ?", "", line) for line in text.splitlines()]


def seed_messages() -> dict[str, Message]:
    """The six authored messages of the seed, each with its own text and signature segment."""
    all_lines = _unquote(SEED.read_text(encoding="utf-8"))
    messages = {}
    cursor = 4
    for mid, author, first, stop, signature in _CUTS:
        start = next(i for i in range(cursor, len(all_lines)) if all_lines[i].startswith(first))
        end = next(i for i in range(start + 1, len(all_lines)) if all_lines[i].startswith(stop))
        body = [ln for ln in all_lines[start:end]]
        text = "\n".join(body).strip("\n") + "\n"
        segments = ()
        if signature:
            sig_start = text.index("\n" + signature) + 1
            segments = (Segment("body", 0, sig_start), Segment("signature", sig_start, len(text)))
        messages[mid] = Message(id=f"seed-{mid}", text=text, author=Sender(author, None), date=None,
                                segments=segments)
        cursor = end
    return messages
