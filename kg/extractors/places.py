"""Places: KB countries and cities named in prose or signatures, never inside URLs or addresses' other parts."""

from __future__ import annotations

from kg.extractors.kbmatch import kb_mentions
from kg.model import ExtractionResult, Message

NAME = "places"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Mentions of KB places ("Geneva", "United Kingdom", "UK", "Lisboa")."""
    return ExtractionResult(message.id, tuple(kb_mentions(message, found, "place", EXTRACTOR)))
