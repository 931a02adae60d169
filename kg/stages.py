"""Per-item work that runs in worker processes: parse + redact a raw item, extract a message; all picklable."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from kg.extractors import EXTRACTORS, run_extractors
from kg.model import Message, PageParse, Problem, Provenance
from kg.parse import parse_page
from kg.parse.email import parse_email
from kg.parse.ids import content_key
from kg.privacy import redact_message
from kg.sources.pages import decode_page
from kg.sources.units import RawItem
from kg.state import pack

PARSER_VERSION = "1"  # bump when parsing or redaction changes what a raw item gives
EXTRACTORS_SIGNATURE = ",".join(f"{e.NAME}@{e.VERSION}" for e in EXTRACTORS)


@dataclass(frozen=True)
class Slim:
    """What the global steps need of one parsed message (no text): kept in memory for the whole archive."""

    message: Message  # text, segments and header emptied
    alias: str | None  # the content-key id this archived message also goes by (its quoted copies' id)


def parse_salt(redact: bool) -> str:
    """What besides its bytes decides an item's parse: parser version and the privacy switch."""
    return f"parse-{PARSER_VERSION}-{'redact' if redact else 'keep'}"


def parse_item(item: RawItem) -> PageParse:
    """An email or an archive page, parsed (never raises on bad input)."""
    if item.kind == "email":
        return parse_email(item.data, Provenance(item.locator, "email"), item.url, item.list_hint, item.parent_hint)
    text, warning = decode_page(item.data)
    kind = "pipermail-html" if "<!--beginarticle-->" in text[:8192].lower() or "<html" in text[:2048].lower() \
        else "pipermail-text"
    result = parse_page(text, Provenance(item.locator, kind), item.url)
    if warning:
        result.problems.append(Problem(item.locator, warning, "warning"))
    if item.list_hint:
        result.messages = [replace(m, list_name=item.list_hint) if m.kind == "archived" and not m.list_name else m
                           for m in result.messages]
    return result


def alias_of(m: Message) -> str | None:
    """pipeline.merge_duplicates' rule: an archived message with a Message-ID is also its content key."""
    if not m.message_id:
        return None
    key = "h-" + content_key(m.author.name if m.author else None, m.text)
    return key if key != m.id else None


def parse_batch(batch: list[tuple[str, RawItem]], redact: bool) -> list[tuple[str, bytes, bytes]]:
    """(cache key, slim blob, full blob) per item: slim = (Slims, problems), full = redacted messages."""
    out = []
    for key, item in batch:
        page = parse_item(item)
        slims, full = [], []
        for m in page.messages:
            alias = alias_of(m)  # from the text as written: quoted copies were keyed on it
            if redact:
                m = redact_message(m)
            full.append(m)
            slims.append(Slim(replace(m, text="", segments=(), header=""), alias))
        out.append((key, pack((slims, page.problems)), pack(full)))
    return out


def extraction_key(message: Message) -> str:
    """Extraction-cache key: the final message's every field and the extractors' names and versions."""
    return hashlib.sha256(f"{EXTRACTORS_SIGNATURE}\n{message!r}".encode("utf-8", "surrogatepass")).hexdigest()


def extract_batch(batch: list[tuple[str, Message]]) -> list[tuple[str, bytes]]:
    """(extraction key, packed ExtractionResult) per message."""
    return [(key, pack(run_extractors(m))) for key, m in batch]
