"""One raw email (RFC 5322 bytes) -> PageParse: headers give id, parent, author, date; the body goes to the page parser."""

from __future__ import annotations

import email.errors
import email.parser
import email.policy
import io
import re
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from functools import lru_cache

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
# feedparser's line ends and its header-line pattern (headerRE) less the "From " envelope branch.
_EOL = re.compile(r"\r\n|\r|\n")
_HEADER_FIELD = re.compile(r"[\041-\071\073-\176]*:")
_OBFUSCATED_ID = re.compile(r"^<?\s*([^\s<>@]{1,300}) at ([^\s<>@]{1,200})\s*>?$")


def parse_simple(raw: bytes) -> EmailMessage | None:
    """The message `_PARSER` builds, for the usual mail: well-formed headers, and a body of one
    text part or a multipart of such parts; None for anything else, which is left to `_PARSER`.

    The feed parser costs more than the rest of reading a message: it pushes every body line through
    its buffers one by one, to join them back, and compiles a regex for every multipart boundary.
    Here its rules are followed where this mail needs them (line ends, header and continuation
    lines, compat32's header_source_parse; for a multipart, the boundary lines, the preamble and
    epilogue and the line end each part gives to the boundary) and a body is sliced whole. Whatever
    would make the feed parser note a defect or take a rarer path (an envelope "From " line, a
    header line without a field name, a part nested in a part, a missing boundary, message/*,
    multipart/digest) goes to `_PARSER` instead.
    """
    text = raw.decode("ascii", "surrogateescape")  # as BytesParser.parsebytes
    fields: list[list[str]] = []
    pos = 0
    while True:
        eol = _EOL.search(text, pos)
        if eol is None:
            return None  # headers up to the end, no body
        line, pos = text[pos:eol.end()], eol.end()
        if line[0] in "\r\n":
            break  # the blank line that ends the headers
        if not _add_header_line(fields, line):
            return None
    msg = _message(fields)
    kind = msg.get_content_maintype()
    if kind == "multipart":
        return msg if _attach_parts(msg, text[pos:]) else None
    if kind == "message":
        return None
    msg.set_payload(text[pos:])
    return msg


def _add_header_line(fields: list[list[str]], line: str) -> bool:
    """Add a (non-blank) header line to `fields` as the feed parser reads it; False where it would
    note a defect or see an envelope line, or end the headers without a blank line."""
    first = line[0]
    if first in " \t":  # a continuation line
        if not fields:
            return False
        fields[-1].append(line)
        return True
    if line.startswith("From ") or first == ":" or not _HEADER_FIELD.match(line):
        return False
    fields.append([line])
    return True


def _message(fields: list[list[str]]) -> EmailMessage:
    """A message holding these header lines, as the feed parser stores them."""
    msg = EmailMessage(policy=email.policy.compat32)
    for lines in fields:
        msg.set_raw(*email.policy.compat32.header_source_parse(lines))
    return msg


def _boundary(line: str, separator: str) -> bool | None:
    """The feed parser's boundary regex, without compiling one per message: None when `line` is no
    boundary line, else whether it is the closing one."""
    if not line.startswith(separator):
        return None
    rest = line[len(separator):]
    closing = rest.startswith("--")
    rest = (rest[2:] if closing else rest).lstrip(" \t")
    return closing if rest in ("", "\r\n", "\r", "\n") else None


def _without_line_end(text: str) -> str:
    """`text` less one final line end (the feed parser's NLCRE_eol)."""
    return text[:-2] if text.endswith("\r\n") else text[:-1] if text.endswith(("\r", "\n")) else text


def _attach_parts(msg: EmailMessage, body: str) -> bool:
    """Give a multipart `msg` its preamble, parts and epilogue from `body`; False when the feed
    parser would do more than that (see parse_simple)."""
    boundary = msg.get_boundary()
    if (boundary is None or msg.get_content_type() == "multipart/digest"
            or str(msg.get("content-transfer-encoding", "8bit")).lower() not in ("7bit", "8bit", "binary")):
        return False
    separator = "--" + boundary
    lines = io.StringIO(body, newline="").readlines()  # the feed parser's own line splitting
    n = len(lines)
    i = 0
    while i < n and _boundary(lines[i], separator) is None:
        i += 1
    if i == n or _boundary(lines[i], separator):
        return False  # no opening boundary
    if i:  # the line end before the first boundary belongs to it
        msg.preamble = "".join(lines[:i - 1]) + _without_line_end(lines[i - 1])
    while True:  # lines[i] is a boundary that opens a part
        i += 1
        if i == n or _boundary(lines[i], separator) is not None:
            return False  # the end, or boundary lines one after another
        fields: list[list[str]] = []
        while True:
            if i == n or _boundary(lines[i], separator) is not None:
                return False  # the part ends within its headers
            line = lines[i]
            i += 1
            if line[0] in "\r\n":
                break
            if not _add_header_line(fields, line):
                return False
        part = _message(fields)
        if part.get_content_maintype() in ("multipart", "message"):
            return False
        start = i
        while i < n and (found := _boundary(lines[i], separator)) is None:
            i += 1
        if i == n:
            return False  # no closing boundary
        part.set_payload(_without_line_end("".join(lines[start:i])))  # its last line end is the boundary's
        msg.attach(part)
        if found:  # the closing boundary
            break
    # The feed parser drops a line end that opens the epilogue, unless the closing boundary had one
    # of its own; without one, that boundary was the last line: either way the rest is the epilogue.
    msg.epilogue = "".join(lines[i + 1:])
    return True


def header_text(msg: EmailMessage, name: str) -> str | None:
    """A header decoded to text: RFC 2047 words, raw 8-bit UTF-8 (or Latin-1) bytes, unknown charsets."""
    return _decoded(first_headers(msg).get(name.lower()))


def first_headers(msg: EmailMessage) -> dict[str, object]:
    """The first raw value of each header, by lower-cased name (one pass for all the headers read)."""
    # raw_items(): msg.get() hands back a Header object for raw 8-bit bytes, whose str() has
    # already turned them into U+FFFD ("Jérôme" -> "J��r��me"); the raw value keeps the bytes.
    first: dict[str, object] = {}
    for key, value in msg.raw_items():
        first.setdefault(key.lower(), value)
    return first


def _decoded(value: object) -> str | None:
    """A raw header value (from first_headers) decoded to text, as header_text describes."""
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    # raw 8-bit bytes kept as surrogates by compat32 (an ASCII value has none)
    if not value.isascii() and any("\udc80" <= ch <= "\udcff" for ch in value):
        raw = value.encode("ascii", "surrogateescape")
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            value = raw.decode("latin-1")
    if "=?" in value:
        value = _decode_words(value) if len(value) > 1000 else _decode_words_cached(value)
    return " ".join(value.split())


@lru_cache(maxsize=1024)
def _decode_words_cached(value: str) -> str:
    """_decode_words, remembered: a thread repeats its encoded subject, a sender their encoded name."""
    return _decode_words(value)


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
    pairs = _addresses(text) if len(text) <= 1000 else getaddresses([text])
    if len(pairs) != 1 or pairs[0][1].count("@") > 1:
        problems.append(Problem(locator, f"ambiguous From header, author not attributed: {value[:120]!r}", "warning"))
        return Sender(None, None, value)
    name, address = pairs[0]
    return parse_sender(f"{name} <{address}>" if name and address else (name or address or text), lists)


@lru_cache(maxsize=4096)
def _addresses(text: str) -> tuple[tuple[str, str], ...]:
    """getaddresses for one header value, remembered: a list's senders write again and again."""
    return tuple(getaddresses([text]))


@lru_cache(maxsize=256)
def _charset_of(content_type: str | None) -> str | None:
    """get_content_charset() of a part whose first Content-Type header has this raw value.

    The same method on a message holding only that header: its answer depends on nothing else,
    and parsing the header's parameters is slow while mail uses a handful of distinct values.
    """
    part = EmailMessage(policy=email.policy.compat32)
    if content_type is not None:
        part.set_raw("Content-Type", content_type)
    return part.get_content_charset()


def _decode_part(part: EmailMessage, problems: list[Problem], locator: str) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    content_type = next((v for k, v in part.raw_items() if k.lower() == "content-type"), None)  # what it reads
    if content_type is None or isinstance(content_type, str) and len(content_type) <= 1000:
        charset = _charset_of(content_type)
    else:
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
            msg = parse_simple(raw)
            if msg is None:
                msg = _PARSER.parsebytes(raw)
        except RecursionError:  # thousands of nested MIME parts: keep the headers, say why the body is gone
            problems.append(Problem(locator, "MIME parts nested too deep: body not read", "warning"))
            msg = _PARSER.parsebytes(raw, headersonly=True)
        first = first_headers(msg)
        subject = _decoded(first.get("subject"))
        list_name = list_from_list_id(_decoded(first.get("list-id"))) or list_hint
        lists = tuple(x for x in (list_name, list_tag(subject)) if x)
        sender = parse_sender_header(_decoded(first.get("from")), lists, problems, locator)
        date_value = _decoded(first.get("date"))
        date = _date(date_value, problems, locator)
        message_id = parse_message_id(_decoded(first.get("message-id")))
        references = parse_references(_decoded(first.get("references")))
        in_reply_to = (parse_message_id(_decoded(first.get("in-reply-to"))) or (references[-1] if references else None)
                       or parse_message_id(parent_hint))
        if in_reply_to and in_reply_to not in references:
            references = (*references, in_reply_to)
        body = body_text(msg, problems, locator)
    except (RecursionError, LookupError, ValueError, TypeError, IndexError, AttributeError) as exc:
        return PageParse(problems=[Problem(locator, f"unreadable email: {type(exc).__name__}: {exc}")])
    header = "\n".join(f"{k}: {v}" for k, v in (("From", msg.get("From")), ("Date", date_value), ("Subject", subject))
                       if v)
    meta = PageMeta(subject=subject, sender=sender or Sender(None, None, ""), date=date, header_text=header,
                    list_name=list_name, message_id=message_id, in_reply_to=in_reply_to, references=references)
    result = parse_text_page(body.replace("\r\n", "\n"), provenance, url, meta=meta, with_header=False)
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
