"""One raw email (RFC 5322 bytes) -> PageParse: headers give id, parent, author, date; the body goes to the page parser."""

from __future__ import annotations

import email.errors
import email.parser
import email.policy
import re
from dataclasses import replace
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from kg.model import PageParse, Problem, Provenance, Sender
from kg.parse.ids import normalise_message_id
from kg.parse.page_html import html_to_text
from kg.parse.page_text import PageMeta, list_tag, parse_text_page
from kg.parse.senders import deobfuscate, parse_sender

MAX_MESSAGE_BYTES = 20 << 20  # a mail of 50 MB took 563 MB of RAM in `email` (security.md §0.10)
MAX_PARTS = 200  # MIME parts looked at per message; 2,000 nested levels raise RecursionError otherwise
# compat32 is 5-7x faster than policy.default (performance.md); headers are decoded here instead.
_PARSER = email.parser.BytesParser(policy=email.policy.compat32)
_ANGLED = re.compile(r"<([^<>\s]{1,500})>")
_OBFUSCATED_ID = re.compile(r"^<?\s*([^\s<>@]{1,300}) at ([^\s<>@]{1,200})\s*>?$")


def header_text(msg: EmailMessage, name: str) -> str | None:
    """A header decoded to text: RFC 2047 words, raw 8-bit UTF-8 (or Latin-1) bytes, unknown charsets."""
    # raw_items(): msg.get() hands back a Header object for raw 8-bit bytes, whose str() has
    # already turned them into U+FFFD ("Jérôme" -> "J��r��me"); the raw value keeps the bytes.
    value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    if any("\udc80" <= ch <= "\udcff" for ch in value):  # raw 8-bit bytes kept as surrogates by compat32
        raw = value.encode("ascii", "surrogateescape")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("latin-1")
    if "=?" in value:
        value = _decode_words(value)
    return " ".join(value.split())


def _decode_words(value: str) -> str:
    """RFC 2047 words one by one: a word in an unknown charset is read as UTF-8 (or Latin-1), not
    allowed to spoil the words around it."""
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        pass
    try:
        parts = decode_header(value)
    except (ValueError, email.errors.HeaderParseError):
        return value  # a broken encoded word stays as written rather than losing the header
    out = []
    for data, charset in parts:
        if isinstance(data, str):
            out.append(data)
            continue
        # decode_header returns the parts outside encoded words as raw-unicode-escape bytes
        for candidate in ((charset, "utf-8", "latin-1") if charset else ("raw-unicode-escape",)):
            try:
                out.append(data.decode(candidate))
                break
            except (LookupError, UnicodeDecodeError):
                continue
    return "".join(out)


def parse_message_id(value: str | None) -> str | None:
    """The Message-ID in a header value; pipermail's "<id at host>" is de-obfuscated."""
    if not value:
        return None
    match = _ANGLED.search(value)
    found = normalise_message_id(match.group(1) if match else value)
    if found:
        return found
    obfuscated = _OBFUSCATED_ID.match(value.strip())
    return normalise_message_id(f"{obfuscated.group(1)}@{obfuscated.group(2)}") if obfuscated else None


def parse_references(value: str | None) -> tuple[str, ...]:
    """Every Message-ID in a References header, in order, without repeats."""
    if not value:
        return ()
    out: list[str] = []
    tokens = _ANGLED.findall(value) or [parse_message_id(value) or ""]
    for token in tokens:
        mid = parse_message_id(token) if "@" not in token else normalise_message_id(token)
        if mid and mid not in out:
            out.append(mid)
    return tuple(out)


def list_from_list_id(value: str | None) -> str | None:
    """'"WG Synth" <wg-synth.lists.example.org>' -> "wg-synth" (RFC 2919: the id's first label)."""
    if not value:
        return None
    match = _ANGLED.search(value)
    ident = (match.group(1) if match else value).strip()
    return ident.split(".", 1)[0] or None


def parse_sender_header(value: str | None, lists: tuple[str, ...], problems: list[Problem], locator: str) -> Sender | None:
    """The From header as a Sender; a header with no single clear address keeps only its text.

    Python 3.11.7's getaddresses has no strict mode (security.md D17): "a@x.org)<b@x.org>" gives
    three entries. Anything that is not exactly one address is flagged and not attributed.
    """
    if not value:
        return None
    text = deobfuscate(value)  # "alice at example.org (Alice)" -> "alice@example.org (Alice)"
    if " on behalf of " in text.lower() or " via " in text.lower():
        return parse_sender(text, lists)
    pairs = getaddresses([text])
    if len(pairs) != 1 or pairs[0][1].count("@") > 1:
        problems.append(Problem(locator, f"ambiguous From header, author not attributed: {value[:120]!r}", "warning"))
        return Sender(None, None, value)
    name, address = pairs[0]
    return parse_sender(f"{name} <{address}>" if name and address else (name or address or text), lists)


def _decode_part(part: EmailMessage, problems: list[Problem], locator: str) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    charset = part.get_content_charset()
    for candidate in (charset, "utf-8"):
        if not candidate:
            continue
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    problems.append(Problem(locator, f"body not valid in charset {charset or 'utf-8'}; read as Latin-1", "warning"))
    return data.decode("latin-1")


def body_text(msg: EmailMessage, problems: list[Problem], locator: str) -> str:
    """The first inline text/plain part (else the first text/html part as text), decoded."""
    html = None
    stack, seen = [msg], 0
    while stack and seen < MAX_PARTS:
        part = stack.pop()
        seen += 1
        if part.is_multipart():
            payload = part.get_payload()
            stack.extend(reversed(payload if isinstance(payload, list) else []))
            continue
        if (part.get("Content-Disposition") or "").lower().startswith("attachment"):
            continue
        kind = part.get_content_type()
        if kind == "text/plain":
            return _decode_part(part, problems, locator)
        if kind == "text/html" and html is None:
            html = part
    if stack:
        problems.append(Problem(locator, f"more than {MAX_PARTS} MIME parts: the rest ignored", "warning"))
    return html_to_text(_decode_part(html, problems, locator)) if html is not None else ""


def parse_email(raw: bytes, provenance: Provenance, url: str | None = None, list_hint: str | None = None,
                parent_hint: str | None = None) -> PageParse:
    """Parse one email: index 0 is the message itself (its Message-ID as id, In-Reply-To or the last
    References entry as parent), then the quoted messages its body carries, outermost first.

    `parent_hint` (a Message-ID, e.g. from pipermail's thread.html) is the parent when the headers
    name none.
    """
    locator = provenance.locator
    if len(raw) > MAX_MESSAGE_BYTES:
        return PageParse(problems=[Problem(locator, f"message is {len(raw)} bytes, over the {MAX_MESSAGE_BYTES} cap")])
    problems: list[Problem] = []
    try:
        try:
            msg = _PARSER.parsebytes(raw)
        except RecursionError:  # thousands of nested MIME parts: keep the headers, say why the body is gone
            problems.append(Problem(locator, "MIME parts nested too deep: body not read", "warning"))
            msg = _PARSER.parsebytes(raw, headersonly=True)
        subject = header_text(msg, "Subject")
        list_name = list_from_list_id(header_text(msg, "List-Id")) or list_hint
        lists = tuple(x for x in (list_name, list_tag(subject)) if x)
        sender = parse_sender_header(header_text(msg, "From"), lists, problems, locator)
        date_value = header_text(msg, "Date")
        date = _date(date_value, problems, locator)
        message_id = parse_message_id(header_text(msg, "Message-ID"))
        references = parse_references(header_text(msg, "References"))
        in_reply_to = (parse_message_id(header_text(msg, "In-Reply-To")) or (references[-1] if references else None)
                       or parse_message_id(parent_hint))
        if in_reply_to and in_reply_to not in references:
            references = (*references, in_reply_to)
        body = body_text(msg, problems, locator)
    except (RecursionError, LookupError, ValueError, TypeError, IndexError, AttributeError) as exc:
        return PageParse(problems=[Problem(locator, f"unreadable email: {type(exc).__name__}: {exc}")])
    header = "\n".join(f"{k}: {v}" for k, v in (("From", msg.get("From")), ("Date", date_value), ("Subject", subject))
                       if v)
    meta = PageMeta(subject=subject, sender=sender or Sender(None, None, ""), date=date, header_text=header,
                    list_name=list_name, message_id=message_id, in_reply_to=in_reply_to)
    result = parse_text_page(body.replace("\r\n", "\n"), provenance, url, meta=meta, with_header=False)
    if result.messages:
        result.messages[0] = replace(result.messages[0], references=references)
    result.problems[:0] = problems
    return result


def _date(value: str | None, problems: list[Problem], locator: str) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        problems.append(Problem(locator, f"unreadable Date header: {value[:80]!r}", "warning"))
        return None
