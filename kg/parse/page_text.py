"""Parse a text rendering of an archive page (subject, author, address, date, body) into messages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from kg.model import Message, PageParse, Problem, Provenance, Segment, Sender
from kg.parse.dates import PIPERMAIL_DATE, parse_date, parse_pipermail_date
from kg.parse.footers import find_footers, find_trailer
from kg.parse.headers import HeaderMatch, find_headers
from kg.parse.ids import message_id
from kg.parse.lines import Line, split_lines, strip_levels
from kg.parse.quotes import Node, build_tree, reassign_interleaved
from kg.parse.senders import (
    clean_name,
    deobfuscate,
    find_addresses,
    is_list_address,
    name_matches_address,
    parse_sender,
)
from kg.parse.signature import signature_name, signature_start

MAX_SLOW_DATES = 200  # quoted headers per page whose dates may go to dateparser
HEADER_SCAN = 10  # the pipermail date line is within the first lines of a page
_TRAILING_ADDRESS = re.compile(r"^(.*?)\s*(\S+@\S+\.\S+|\S+ at \S+\.\S+|\S+ at)$")
_TAG = re.compile(r"\[([^\[\]]{1,60})\]")
_NOT_LIST_TAGS = frozenset({"ext", "external", "extern", "spam", "fwd", "fw", "sv", "aw", "re", ""})


@dataclass(frozen=True)
class PageHeader:
    """The block pipermail prints above a message: subject, author, address, date."""

    subject: str | None
    sender: Sender | None
    date: datetime | None
    text: str
    end: int  # index of the first body line


@dataclass(frozen=True)
class PageMeta:
    """What a caller already knows about the page's own message (from HTML markup or headers)."""

    subject: str | None = None
    sender: Sender | None = None
    date: datetime | None = None
    header_text: str = ""
    list_name: str | None = None
    message_id: str | None = None
    in_reply_to: str | None = None
    references: tuple[str, ...] | None = None  # the References header; else (in_reply_to,) stands for them


def list_tag(subject: str | None) -> str | None:
    """The list tag of a subject ("[WG-Strategy] [Ext] Re: ..." -> "WG-Strategy")."""
    if not subject:
        return None
    for match in _TAG.finditer(subject):
        tag = match.group(1).strip()
        if tag.casefold() in _NOT_LIST_TAGS or len(tag.split()) > 3 or tag.isdigit():
            continue
        return tag
    return None


def parse_page_header(lines: list[Line], list_names: tuple[str, ...] = ()) -> PageHeader:
    """Read the header block of a text page; a page without one gives an empty header (end=0)."""
    date_at = -1
    for k in range(min(HEADER_SCAN, len(lines))):
        if lines[k].depth == 0 and PIPERMAIL_DATE.match(lines[k].content):
            date_at = k
            break
    if date_at < 1:
        return PageHeader(None, None, None, "", 0)
    before = [j for j in range(date_at) if not lines[j].blank]
    if not before:
        return PageHeader(None, None, parse_pipermail_date(lines[date_at].content), "", date_at + 1)
    last = lines[before[-1]].content
    name_raw: str | None = None
    address_raw: str | None = None
    subject_idx: list[int] = []
    trailing = _TRAILING_ADDRESS.match(last)
    if trailing and trailing.group(1):  # "William Drake drake at hei.unige.ch"
        name_raw, address_raw = trailing.group(1), trailing.group(2)
        subject_idx = before[:-1]
    elif trailing:  # address on its own line, name on the line above
        address_raw = trailing.group(2)
        if len(before) >= 3:
            name_raw = lines[before[-2]].content
            subject_idx = before[:-2]
        else:
            subject_idx = before[:-1]
    else:  # no address shown
        name_raw = last if len(before) >= 2 else None
        subject_idx = before[:-1] if len(before) >= 2 else before
    subject = " ".join(lines[j].content for j in subject_idx) or None
    lists = tuple(list_names) + ((list_tag(subject),) if list_tag(subject) else ())
    address = None
    if address_raw:
        found = find_addresses(address_raw)
        address = found[0] if found and not is_list_address(found[0], lists) else None
    sender = parse_sender(name_raw, lists) if name_raw else Sender(None, None, "")
    raw = " ".join(x for x in (name_raw, address_raw) if x)
    sender = Sender(sender.name if sender.name and not find_addresses(sender.name) else None,
                    sender.address or address, raw)
    text = "\n".join(line.raw for line in lines[: date_at + 1])
    return PageHeader(subject, sender, parse_pipermail_date(lines[date_at].content), text, date_at + 1)


def parse_text_page(text: str, provenance: Provenance, url: str | None = None, meta: PageMeta | None = None,
                    with_header: bool = True) -> PageParse:
    """Split a page into its own message and the quoted messages it carries (outermost first)."""
    result = PageParse()
    lines = split_lines(text)
    end, trailer_list = find_trailer(lines)
    meta = meta or PageMeta()
    header = parse_page_header(lines) if with_header else PageHeader(None, None, None, "", 0)
    if with_header and header.end == 0 and meta.sender is None:
        result.problems.append(Problem(provenance.locator, "page has no header block: author and date unknown",
                                       "warning"))
    own_tag = list_tag(meta.subject or header.subject)
    list_name = meta.list_name or trailer_list or own_tag
    list_names = tuple(x for x in (list_name, own_tag) if x)
    start = header.end
    footers = find_footers(lines, end)
    headers = find_headers(lines, start, end, footers)
    nodes = build_tree(lines, start, end, headers, footers)
    senders: list[Sender | None] = []
    dates: list[datetime | None] = []
    for node in nodes:
        if node.header is None:
            senders.append(meta.sender or header.sender)
            dates.append(meta.date or header.date)
            continue
        h = node.header
        quoted_tag = list_tag(h.subject)
        quoted_lists = list_names + ((quoted_tag,) if quoted_tag else ())
        senders.append(parse_sender(h.sender, quoted_lists) if h.sender else Sender(None, None, ""))
        reference = dates[node.owner] if node.owner is not None else None
        languages = (h.language,) if h.language else ()
        slow_ok = len(dates) <= MAX_SLOW_DATES  # bounds dateparser work on adversarial pages
        dates.append(parse_date(h.date, reference, languages, allow_slow=slow_ok) if h.date else None)
        if h.date and dates[-1] is None:
            result.problems.append(Problem(provenance.locator, f"unreadable date in quoted header: {h.date[:80]!r}",
                                           "warning"))
    names = [s.name if s else None for s in senders]
    reassign_interleaved(nodes, lines, names)
    built: list[tuple[Node, str, tuple[Segment, ...], Sender | None]] = []
    for node, sender in zip(nodes, senders):
        own_text, segments, sender = _assemble(node, lines, sender)
        built.append((node, own_text, segments, sender))
    ids = [
        message_id(sender.name if sender else None, own_text, meta.message_id if node.index == 0 else None)
        for node, own_text, _s, sender in built
    ]
    own_references = (meta.references if meta.references is not None
                      else (meta.in_reply_to,) if meta.in_reply_to else ())
    seen: dict[str, int] = {}
    for (node, own_text, segments, sender), mid in zip(built, ids):
        if mid in seen:
            continue  # the same message quoted twice on one page is one message
        seen[mid] = node.index
        h = node.header
        parent = next((ids[c] for c in node.children if ids[c] != mid), None)
        if parent is None and node.index == 0:
            parent = meta.in_reply_to
        if not own_text.strip():
            result.problems.append(Problem(provenance.locator, f"message {node.index} has no text of its own "
                                           "(page ends or everything is quoted)", "warning"))
        result.messages.append(Message(
            id=mid,
            text=own_text,
            author=sender,
            date=dates[node.index],
            subject=(meta.subject or header.subject) if h is None else h.subject,
            list_name=list_name if h is None else _quoted_list(h, sender, list_names),
            parent_id=parent,
            references=own_references if h is None else (),
            message_id=meta.message_id if h is None else None,
            archive_url=url if h is None else None,
            kind="archived" if h is None else "quoted",
            segments=segments,
            header=(meta.header_text or header.text) if h is None else _header_text(h, lines),
            provenance=provenance,
        ))
    return result


def _quoted_list(h: HeaderMatch, sender: Sender | None, list_names: tuple[str, ...]) -> str | None:
    tag = list_tag(h.subject)
    if tag:
        return tag
    raw = deobfuscate(sender.raw if sender else "")
    via = re.search(r"\svia\s+([\w./-]{2,60})", raw)
    if via:
        for name in list_names:
            if name.casefold().split("/")[-1] == via.group(1).casefold().split("/")[-1]:
                return name
        return via.group(1)
    return None


def _header_text(h: HeaderMatch, lines: list[Line]) -> str:
    return "\n".join(strip_levels(lines[i].raw, h.depth) for i in range(h.start, h.end))


def _assemble(node: Node, lines: list[Line], sender: Sender | None) -> tuple[str, tuple[Segment, ...], Sender | None]:
    """The message's own text (markers of its depth removed), its segments, and its sender."""
    own = node.owned
    first = 0
    while first < len(own) and lines[own[first]].blank:
        first += 1
    last = len(own)
    while last > first and lines[own[last - 1]].blank:
        last -= 1
    out: list[str] = []
    prev = -2
    for i in own[first:last]:
        line = lines[i]
        if prev >= 0 and i != prev + 1 and out and out[-1] and not line.blank:
            out.append("")  # a quote was cut out here: keep the paragraphs apart
        out.append("" if line.blank else strip_levels(line.raw, node.base).rstrip())
        prev = i
    sig = signature_start(out, sender.name if sender else None)
    if node.header is None and (sender is None or (sender.name is None and sender.address is None)) and sig is not None:
        # A page without a header block (an excerpt, an HTML attachment): the sign-off names the
        # author ("Cordialement\n\nIBRAHIM MOUSSA\n\nEnseignant-chercheur ...").
        names = signature_name(out, sig)
        if names and names[0] != out[sig].strip():
            sender = Sender(clean_name(names[0]), None, names[0])
    if sender is not None and sender.name is None and sender.address and sig is not None:
        # The header showed an address only (corpus 073); a signature line that spells that
        # address ("Hernan Seoane" for hernan.seoane@...) names the author.
        for candidate in signature_name(out, sig):
            if name_matches_address(candidate, sender.address):
                sender = Sender(clean_name(candidate), sender.address, sender.raw)
                break
    text = "\n".join(out)
    if sig is None:
        segments = (Segment("body", 0, len(text)),) if text else ()
    else:
        offset = sum(len(x) + 1 for x in out[:sig])
        segments = tuple(s for s in (Segment("body", 0, offset), Segment("signature", offset, len(text)))
                         if s.end > s.start)
    return text, segments, sender
