"""Message anatomy: turn an archive page into its own message and the quoted messages inside it."""

from __future__ import annotations

import re

from kg.model import PageParse, Problem, Provenance
from kg.parse.dates import parse_date
from kg.parse.ids import content_key, message_id, normalise_message_id
from kg.parse.senders import deobfuscate, parse_sender

__all__ = ["parse_page", "parse_date", "content_key", "message_id", "normalise_message_id", "parse_sender",
           "deobfuscate", "is_html"]

MAX_PAGE_CHARS = 20_000_000  # larger inputs are not mail pages; refuse rather than spend minutes
_HTML_START = re.compile(r"^\s*(?:<!DOCTYPE|<html|<head|<body|<div|<p[\s>]|<blockquote|<br|<meta|<table)", re.I)


def is_html(text: str) -> bool:
    """True for a pipermail HTML message page or an HTML attachment (HyperKitty/pipermail)."""
    head = text[:4096]
    return "<!--beginarticle-->" in text or bool(_HTML_START.match(head))


def parse_page(text: str, provenance: Provenance, url: str | None = None) -> PageParse:
    """Parse one archive page (HTML or text rendering) into messages; never raises on bad input.

    Index 0 is the page's own message, then the quoted messages outermost first, each linked by
    `parent_id` to the message it answers. What cannot be used is reported as a `Problem`.
    """
    from kg.parse.page_html import parse_html_page
    from kg.parse.page_text import parse_text_page

    if not isinstance(text, str):
        return PageParse(problems=[Problem(provenance.locator, f"page is {type(text).__name__}, not text")])
    if len(text) > MAX_PAGE_CHARS:
        return PageParse(problems=[Problem(provenance.locator, f"page too large ({len(text)} characters)")])
    if not text.strip():
        return PageParse(problems=[Problem(provenance.locator, "empty page")])
    try:
        if is_html(text):
            return parse_html_page(text, provenance, url)
        return parse_text_page(text, provenance, url)
    except (ValueError, IndexError, KeyError, RecursionError, TypeError) as exc:  # a parser bug must not stop a run
        return PageParse(problems=[Problem(provenance.locator, f"parse failed: {type(exc).__name__}: {exc}")])
