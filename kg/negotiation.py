"""HTTP content negotiation: parse an Accept header (RFC 9110 section 12.5.1) and pick an offered media type."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Types a client may ask for under another name; the value is the offered type it stands for.
ALIASES = {
    "application/xhtml+xml": "text/html",
    "application/x-turtle": "text/turtle",
    "application/json": "application/ld+json",
    "text/plain": "application/n-triples",  # N-Triples' old media type (RDF 1.0 test suites)
}


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: `type/subtype` (either may be `*`) with its quality value."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for `type/*`, 0 for `*/*`, None when the range does not cover `media_type`."""
        main, _, sub = media_type.partition("/")
        if self.type == "*" and self.subtype == "*":
            return 0
        if self.type != main:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def _quality(params: list[str]) -> float | None:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return None  # a malformed weight makes the element unusable (RFC 9110: qvalue syntax)
            return q if 0.0 <= q <= 1.0 else None
    return 1.0


def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed elements are skipped, parameters other than q ignored."""
    ranges: list[MediaRange] = []
    for element in (header or "").split(","):
        media, *params = element.split(";")
        main, slash, sub = media.strip().lower().partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = _quality(params)
        if q is None:
            continue
        full = f"{main}/{sub}"
        if full in ALIASES:
            main, _, sub = ALIASES[full].partition("/")
        ranges.append(MediaRange(main, sub, q))
    return tuple(ranges)


def negotiate(header: str | None, offered: Sequence[str]) -> str | None:
    """The best of `offered` (in the server's order of preference) for this Accept header, or None (406).

    Each offered type takes the weight of the most specific range that covers it; `q=0` excludes it.
    Ties go to the type the client named explicitly, then to the server's order. A missing or wholly
    malformed header accepts anything (RFC 9110 section 12.5.1), so the first offered type wins.
    """
    ranges = parse_accept(header)
    if not ranges:
        return offered[0] if offered else None
    best: tuple[float, int, int] | None = None
    chosen = None
    for order, media_type in enumerate(offered):
        matches = [(spec, r.q) for r in ranges if (spec := r.specificity(media_type)) is not None]
        if not matches:
            continue
        top = max(spec for spec, _ in matches)
        q = max(q for spec, q in matches if spec == top)  # several equally specific ranges: the best weight
        if q <= 0:
            continue
        key = (q, top, -order)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen
