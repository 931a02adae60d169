"""Parse HTML pages: pipermail message pages and blockquote-nested HTML attachments (HyperKitty, pipermail)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

from kg.model import PageParse, Provenance, Sender
from kg.parse.dates import parse_pipermail_date
from kg.parse.ids import normalise_message_id
from kg.parse.page_text import PageMeta, list_tag, parse_text_page
from kg.parse.senders import clean_name, find_addresses, is_list_address

BEGIN, END = "<!--beginarticle-->", "<!--endarticle-->"
_BLOCKS = frozenset(
    "p div blockquote pre ul ol li table tr h1 h2 h3 h4 h5 h6 hr dl dt dd address center section article "
    "header footer form fieldset".split()
)
_PARAGRAPHS = frozenset("p blockquote pre ul ol table h1 h2 h3 h4 h5 h6 hr".split())
_SPACES = re.compile(r"\s+")
_SKIP = frozenset("script style head title noscript template svg".split())


class _TextWriter:
    """Collects text into lines, prefixing each with one "> " per enclosing <blockquote>."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pieces: list[str] = []
        self.depth = 0
        self.line_depth = 0

    def text(self, value: str, pre: bool) -> None:
        if pre:
            parts = value.split("\n")
            for k, part in enumerate(parts):
                if k:
                    self.newline(keep_blank=True)
                self._add(part)
            return
        collapsed = _SPACES.sub(" ", value)  # HTML whitespace: any run is one space
        if collapsed.strip() or self.pieces:
            self._add(collapsed)

    def _add(self, value: str) -> None:
        if not self.pieces:
            self.line_depth = self.depth
        self.pieces.append(value)

    def newline(self, keep_blank: bool = False) -> None:
        content = "".join(self.pieces)
        content = content if keep_blank else " ".join(content.split())
        if content or keep_blank:
            self.lines.append(("> " * self.line_depth if content else ">" * self.line_depth) + content)
        self.pieces = []
        self.line_depth = self.depth

    def paragraph(self) -> None:
        self.newline()
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append(">" * self.depth)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment, with `>` markers for <blockquote> nesting; iterative, linear."""
    soup = BeautifulSoup(html, "html.parser")
    writer = _TextWriter()
    pre = 0
    stack: list[tuple[object, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            assert isinstance(node, Tag)
            if node.name == "pre":
                pre -= 1
            if node.name == "blockquote":
                writer.paragraph()
                writer.depth -= 1
            elif node.name in _PARAGRAPHS:
                writer.paragraph()
            elif node.name in _BLOCKS:
                writer.newline()
            continue
        if isinstance(node, (Comment, Doctype)):
            continue
        if isinstance(node, NavigableString):
            writer.text(str(node), pre > 0)
            continue
        if not isinstance(node, Tag) or node.name in _SKIP:
            continue
        if node.name == "br":
            writer.newline(keep_blank=pre > 0)
            continue
        if node.name in _BLOCKS:
            writer.newline()
        if node.name == "blockquote":
            writer.depth += 1
        if node.name == "pre":
            pre += 1
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.contents))
    writer.newline()
    return "\n".join(writer.lines).strip("\n")


def _pipermail_meta(soup: BeautifulSoup) -> PageMeta:
    """Subject (<H1>), author (<B>), address and Message-ID (the mailto link), date (<I>), list."""
    h1 = soup.find("h1")
    subject = " ".join(h1.get_text(" ").split()) if h1 else None
    name_tag = h1.find_next("b") if h1 else soup.find("b")
    name = " ".join(name_tag.get_text(" ").split()) if name_tag else None
    mail = name_tag.find_next("a", href=lambda h: bool(h) and h.lower().startswith("mailto:")) if name_tag else None
    address_text = " ".join(mail.get_text(" ").split()) if mail else ""
    message_id = None
    if mail:
        # pipermail puts the message's own Message-ID in its reply link:
        # mailto:list%40host?Subject=Re%3A...&In-Reply-To=%3C...%3E
        query = parse_qs(urlparse(str(mail.get("href", ""))).query)
        values = query.get("In-Reply-To") or query.get("in-reply-to") or []
        message_id = normalise_message_id(values[0]) if values else None
    date_tag = name_tag.find_next("i") if name_tag else None
    date = parse_pipermail_date(" ".join(date_tag.get_text(" ").split())) if date_tag else None
    list_name = None
    for link in soup.find_all("a"):
        label = " ".join(link.get_text(" ").split())
        if label.startswith("More information about the ") and label.endswith("mailing list"):
            list_name = label[len("More information about the "): -len("mailing list")].strip()
    lists = tuple(x for x in (list_name, list_tag(subject)) if x)
    found = find_addresses(address_text)
    address = found[0] if found and not is_list_address(found[0], lists) else None
    sender = Sender(clean_name(name) if name else None, address, " ".join(x for x in (name, address_text) if x))
    header_text = "\n".join(x for x in (subject, name, address_text,
                                        date_tag.get_text(" ").strip() if date_tag else None) if x)
    return PageMeta(subject=subject, sender=sender, date=date, header_text=header_text,
                    list_name=list_name or list_tag(subject), message_id=message_id)


def parse_html_page(text: str, provenance: Provenance, url: str | None = None) -> PageParse:
    """Parse an HTML page: a pipermail message page, or an HTML attachment with nested blockquotes."""
    if BEGIN in text:
        soup = BeautifulSoup(text[: text.find(BEGIN)] + text[text.find(END) + len(END):] if END in text
                             else text[: text.find(BEGIN)], "html.parser")
        meta = _pipermail_meta(soup)
        start = text.find(BEGIN) + len(BEGIN)
        stop = text.find(END, start)
        body = html_to_text(text[start: stop if stop >= 0 else len(text)])
        return parse_text_page(body, provenance, url, meta=meta, with_header=False)
    body = html_to_text(text)
    result = parse_text_page(body, provenance, url, with_header=False)
    return result
