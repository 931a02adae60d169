"""Stable message ids: the normalised Message-ID, or a content key shared by archived and quoted copies."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

from kg.parse.senders import name_key

KEY_LETTERS = 300  # letters of own text in the key: enough to tell messages apart, short of signatures
_ASCII_NON_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))  # deletes them
_NON_ALNUM = re.compile(r"[\W_]+")  # what str.isalnum rejects


def normalise_message_id(value: str | None) -> str | None:
    """"<CAF+x@mail.gmail.com>" -> "CAF+x@mail.gmail.com"; None for empty or address-less values."""
    if not value:
        return None
    text = value.strip().strip("<>").strip()
    if not text or "@" not in text or len(text.split(maxsplit=1)) > 1:  # no whitespace inside
        return None
    return text


def text_key(text: str, letters: int = KEY_LETTERS) -> str:
    """The first `letters` letters and digits of `text`, folded; whitespace, punctuation and `>` ignored.

    Archived and quoted copies of one message differ in wrapping, blank lines and quote markers
    (the seed quotes Paul Blaker's message of page 071 with "> " and extra blank lines).
    """
    # Read in slices of `letters` characters (a slice gives at most `letters` letters), so a long
    # text costs no more than its start; each slice is folded at once, not character by character.
    # For ASCII, isalnum is [A-Za-z0-9] and fold is lower(). Otherwise [^\W_] is exactly isalnum,
    # NFKD decomposes each character on its own (reordering only combining marks), no combining
    # mark is a letter or digit, and no other character that is not one casefolds into one: so
    # dropping what is not a letter or digit before and after NFKD and after casefold is
    # fold-then-filter.
    out: list[str] = []
    count = 0
    step = max(letters, 1)
    for pos in range(0, len(text), step):
        piece = text[pos:pos + step]
        if piece.isascii():
            folded = piece.translate(_ASCII_NON_ALNUM).lower()
        else:
            kept = _NON_ALNUM.sub("", piece)
            if not kept.isascii():
                kept = _NON_ALNUM.sub("", unicodedata.normalize("NFKD", kept))
            folded = kept.lower() if kept.isascii() else _NON_ALNUM.sub("", kept.casefold())
        out.append(folded)
        count += len(folded)
        if count >= letters:
            break
    return "".join(out)[:letters]


def content_key(author_name: str | None, text: str) -> str:
    """16 hex digits of sha256 over the normalised author name and the start of the own text."""
    # Remembered for texts up to 5,000 characters: a reply's quote of its parent gets the key the
    # parent's archived copy got (as its alias), from the same name and words.
    return _remembered_key(author_name, text) if len(text) <= 5000 else _content_key(author_name, text)


def _content_key(author_name: str | None, text: str) -> str:
    """content_key's work."""
    payload = f"{name_key(author_name)}\n{text_key(text)}".encode()
    return hashlib.sha256(payload).hexdigest()[:16]


_remembered_key = lru_cache(maxsize=2048)(_content_key)


def message_id(author_name: str | None, text: str, header_message_id: str | None = None) -> str:
    """The id of a message: its normalised Message-ID when known, else "h-" + its content key."""
    normalised = normalise_message_id(header_message_id)
    if normalised:
        return normalised
    return "h-" + content_key(author_name, text)
