"""A tiny escaping HTML builder: every string is escaped unless it is `Safe` markup built here."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from urllib.parse import urlsplit

STYLE = resources.files("kg").joinpath("static/style.css").read_text(encoding="utf-8")
# The stylesheet is inline (no external assets) and allowed by its hash, so the page needs no
# 'unsafe-inline' and runs no script at all.
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
CSP = (f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")
VOID_TAGS = frozenset({"input", "meta", "br", "link"})


class Safe(str):
    """Markup that is already escaped (made only by `el`, `join` and `raw_json_script`)."""


def esc(value) -> Safe:
    """Text escaped for HTML content and quoted attribute values."""
    return value if isinstance(value, Safe) else Safe(html.escape(str(value), quote=True))


def safe_href(url: str) -> str | None:
    """`url` if it is a relative link or an http(s) URL; None for javascript:, data: and the like."""
    url = str(url).strip()
    scheme = urlsplit(url).scheme.lower() if ":" in url.split("/", 1)[0] else ""
    if scheme and scheme not in ("http", "https"):
        return None
    if any(ord(c) < 32 for c in url):
        return None
    return url


def el(tag: str, *children, **attrs) -> Safe:
    """An element; attribute names take `_` for `-` and a trailing `_` (class_); None values are left out."""
    parts = [f"<{tag}"]
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        if name in ("href", "action", "src") and (value := safe_href(value)) is None:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{esc(value)}"')
    parts.append(">")
    if tag in VOID_TAGS:
        return Safe("".join(parts))
    parts.extend(esc(c) for c in _flatten(children))
    parts.append(f"</{tag}>")
    return Safe("".join(parts))


def _flatten(children):
    for child in children:
        if child is None:
            continue
        if isinstance(child, (list, tuple)):
            yield from _flatten(child)
        else:
            yield child


def join(items, sep: str = "") -> Safe:
    """Items (escaped unless Safe) joined by an escaped separator."""
    return Safe(esc(sep).join(esc(i) for i in _flatten(items)))


def json_script(data: dict) -> Safe:
    """A `<script type="application/ld+json">` data block; `<`, `>` and `&` escaped so text cannot close it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Safe(f'<script type="application/ld+json">{text}</script>')


def document(title: str, body, *, home: str, search: str | None, head_extra=None) -> bytes:
    """A whole page: header with the search box, the body, no external assets."""
    nav = [el("a", "igkg", href=home, class_="home")]
    if search:
        nav.append(el("form", el("input", type="search", name="q", placeholder="Search labels",
                                  aria_label="Search labels"), " ", el("button", "Search", type="submit"),
                      action=search, method="get", class_="search", role="search"))
    page = join([
        Safe("<!DOCTYPE html>\n"),
        el("html",
           el("head", el("meta", charset="utf-8"), el("meta", name="viewport", content="width=device-width"),
              el("title", title), el("link", rel="icon", href="data:,"),  # no favicon request (and no 404)
              Safe(f"<style>{STYLE}</style>"), head_extra),
           el("body", el("header", nav), el("main", body),
              el("footer", el("span", "Every fact links to the words it was read from.", class_="note"))),
           lang="en"),
    ])
    return (page + "\n").encode("utf-8")


def activity_svg(months: tuple[tuple[str, int], ...], title: str = "Posts per month") -> Safe | None:
    """A small bar chart of posts per month as inline SVG (presentation attributes only, no script)."""
    if not months:
        return None
    width, height, pad = 600, 140, 24
    peak = max(n for _, n in months) or 1
    step = (width - 2 * pad) / len(months)
    bar = max(step * 0.8, 1.0)
    shapes = []
    for i, (month, count) in enumerate(months):
        h = (height - 2 * pad) * count / peak
        x = pad + i * step
        shapes.append(el("rect", el("title", f"{month}: {count}"), x=f"{x:.1f}", y=f"{height - pad - h:.1f}",
                         width=f"{bar:.1f}", height=f"{h:.1f}", fill="#4a7a9c"))
    axis = el("line", x1=pad, y1=height - pad, x2=width - pad, y2=height - pad, stroke="#888")
    labels = [el("text", months[0][0], x=pad, y=height - 6, font_size="11", fill="#444"),
              el("text", f"max {peak}", x=pad, y=14, font_size="11", fill="#444")]
    if len(months) > 1:
        labels.append(el("text", months[-1][0], x=width - pad, y=height - 6, font_size="11", fill="#444",
                         text_anchor="end"))
    return el("svg", el("title", title), axis, shapes, labels, xmlns="http://www.w3.org/2000/svg",
              viewBox=f"0 0 {width} {height}", width=width, height=height, role="img", class_="activity")
