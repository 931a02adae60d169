"""Stable message ids: the normalised Message-ID, or a content key shared by archived and quoted copies."""

from __future__ import annotations

import hashlib

from kg.parse.senders import fold, name_key

KEY_LETTERS = 300  # letters of own text in the key: enough to tell messages apart, short of signatures


def normalise_message_id(value: str | None) -> str | None:
    """"<CAF+x@mail.gmail.com>" -> "CAF+x@mail.gmail.com"; None for empty or address-less values."""
    if not value:
        return None
    text = value.strip().strip("<>").strip()
    if not text or "@" not in text or any(ch.isspace() for ch in text):
        return None
    return text


def text_key(text: str, letters: int = KEY_LETTERS) -> str:
    """The first `letters` letters and digits of `text`, folded; whitespace, punctuation and `>` ignored.

    Archived and quoted copies of one message differ in wrapping, blank lines and quote markers
    (the seed quotes Paul Blaker's message of page 071 with "> " and extra blank lines).
    """
    out: list[str] = []
    count = 0
    for ch in text:
        if not ch.isalnum():
            continue
        for folded in fold(ch):
            if folded.isalnum():
                out.append(folded)
                count += 1
        if count >= letters:
            break
    return "".join(out)[:letters]


def content_key(author_name: str | None, text: str) -> str:
    """16 hex digits of sha256 over the normalised author name and the start of the own text."""
    payload = f"{name_key(author_name)}\n{text_key(text)}".encode()
    return hashlib.sha256(payload).hexdigest()[:16]


def message_id(author_name: str | None, text: str, header_message_id: str | None = None) -> str:
    """The id of a message: its normalised Message-ID when known, else "h-" + its content key."""
    normalised = normalise_message_id(header_message_id)
    if normalised:
        return normalised
    return "h-" + content_key(author_name, text)
