"""Text folding and slugs shared by identity resolution and IRI minting."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: "Raúl  Echeberría," -> "raul echeberria"."""
    if text.isascii():
        # ASCII is its own NFKD form, has no combining marks, and casefolds as lower(): same result,
        # without the per-character generator (the extractors fold many short ASCII strings).
        return _NON_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped.casefold()).strip()


def slugify(label: str) -> str:
    """A readable, stable IRI path segment: ASCII words joined by hyphens, percent-safe.

    Labels with no Latin letters (e.g. Chinese) keep their characters; the caller percent-encodes.
    """
    return fold(label).replace(" ", "-")


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it exceeds `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
