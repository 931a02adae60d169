"""Recognise reply attributions and forwarded/quoted header blocks, line by line, in many languages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.parse.langs import INTROS, LABELS, SEPARATOR_WORDS, WROTE_END, WROTE_MID
from kg.parse.lines import Line
from kg.parse.senders import deobfuscate

MAX_ATTRIBUTION_CHARS = 400  # longer lines are prose; keeps the scan linear on 1 MB lines
MAX_ATTRIBUTION_LINES = 4  # the seed's Spanish attribution spans 3 lines, 073's Portuguese one 4

# A time of day: "14:42", "5:06 PM", "5:06 p. m.", "14h30", "14:30 Uhr".
_TIME = re.compile(r"(?<!\d)\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s?(?:[AaPp]\.?\s?[Mm]\.?)(?!\w)|\s?Uhr\b)?")
_ZONE_AFTER_TIME = re.compile(
    r"\s?(?:[+-]\d{4}\b|\(?(?:GMT|UTC)\s?[+-]\d{1,2}(?::?\d{2})?\)?|\(?(?:GMT|UTC|CET|CEST|EST|EDT|PST|PDT|BST|IST)\)?(?!\w))"
)
_GMAIL_DATE_NAME = re.compile(r"^(\d{4}/\d{1,2}/\d{1,2})\s+(\S.{0,150}<[^<>\s]+@[^<>\s]+>)\s*$")
_GROUPWISE = re.compile(
    r"^>>>\s+(\S.{0,150}?)\s+(\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?)\s+>>>$"
)
_SEPARATOR = re.compile(r"^[-_=* ]{2,}\s*([^-_=*]{3,60}?)\s*[-_=* :]{2,}$|^([^-_=*:]{3,60}?)\s*:$")
_RULE_CHARS = frozenset("-_=* ")  # _SEPARATOR's [-_=* ]
_OUTLOOK_RULE = re.compile(r"^_{10,}$")
_ZH_SPLIT = re.compile(r"\s*(?:于|於|在)\s*")
_GREETING = re.compile(r"^(?:dear|hi|hello|hey|all|estimad|estimados|hola|olá|ola|bonjour|chers?|liebe|caro|cara)\b",
                       re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    "de da do dos das del della di du van von der den la le el al bin ibn y e of mc st".split()
)
_NOT_NAME_START = frozenset(
    "as what he she they i you we someone somebody who which that this it there here and but so if when "
    "also as, my our your his her their the a an".split()
)


@dataclass(frozen=True)
class HeaderMatch:
    """A header or attribution found in a body: its lines and what it says about the quoted message."""

    start: int  # index of its first line
    end: int  # index after its last line
    depth: int  # quote depth it stands at
    style: str  # "attribution" | "name-wrote" | "block" | "gmail-date-name" | "groupwise"
    sender: str | None  # raw sender text ("Paul Lehto <lehto.paul at gmail.com>")
    date: str | None  # raw date text ("1 March 2012 19:02")
    subject: str | None = None
    to: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Attribution:
    """What an attribution line says: who wrote, when, in which language."""

    sender: str | None
    date: str | None
    language: str | None
    needs_quote: bool  # "X wrote:" alone counts only when a quote follows


def _looks_like_name(text: str, strict: bool = True) -> bool:
    """A short display name ("Ian Peter", "parminder", '"Gomes, Chuck" <...>'), not a clause.

    With a date in front ("On ..., joseph alhadeff <...> wrote:") the structure is evidence
    enough and lowercase names pass; a bare "X wrote:" must look like a capitalised name.
    """
    stripped = re.sub(r"<[^<>]*>|\[[^\]]*\]|\S+@\S+|\S+ at \S+\.\S+", " ", deobfuscate(text))
    stripped = stripped.replace('"', " ").replace("'", " ").strip(" ,<>")
    words = stripped.split()
    if not words or len(words) > 7 or len(stripped) > 80:
        return False
    if words[0].casefold().strip(",") in _NOT_NAME_START:
        return False
    if any(ch in stripped for ch in "!?;:") or stripped.endswith("."):
        return False
    if len(words) == 1 or not strict:
        return True
    for word in words:
        core = word.strip(",.()")
        if not core:
            continue
        if core.casefold() in _NAME_PARTICLES or core.casefold() == "via":
            continue
        if not (core[0].isupper() or not core[0].isalpha()):
            # "via WG-Strategy" is fine; lowercase words in a many-word "name" mean a sentence.
            return False
    return True


def _split_date_name(rest: str) -> tuple[str | None, str]:
    """Split "Fri, Jul 11, 2025 at 11:13 AM Vint Cerf <...>" after its time of day."""
    match = _TIME.search(rest)
    if match:
        cut = match.end()
        zone = _ZONE_AFTER_TIME.match(rest, cut)
        if zone:  # "On Thu, Feb 18, 2016 at 08:17:00AM +0100, Kavouss Arasteh wrote:"
            cut = zone.end()
        return rest[:cut].strip(" ,"), rest[cut:].strip(" ,")
    # No time: "1 March 2012, Paul Lehto" - the date ends at the last comma with digits before it.
    cut = -1
    for i, ch in enumerate(rest):
        if ch == "," and any(c.isdigit() for c in rest[:i]):
            cut = i
    if cut > 0 and not any(c.isdigit() for c in rest[cut:].split("<")[0]):
        return rest[:cut].strip(" ,"), rest[cut + 1:].strip(" ,")
    return None, rest.strip(" ,")


def parse_attribution(text: str) -> Attribution | None:
    """Read "On <date>, <name> wrote:" and its localised forms; None when `text` is not one."""
    if not text.rstrip().endswith((":", "：")):  # the colon test below, before any copying: most lines fail it
        return None
    text = " ".join(text.split())
    text = text.replace("< ", "<").replace(" >", ">")
    if not text.endswith((":", "：")) or len(text) > MAX_ATTRIBUTION_CHARS:
        return None
    body = text[:-1].rstrip()
    folded = body.casefold()
    for verb, lang in WROTE_END:
        if not folded.endswith(verb):
            continue
        head = body[: len(body) - len(verb)]
        if lang != "zh" and head and not head[-1].isspace():
            continue
        head = head.strip()
        if lang == "zh":  # "Name <addr> 于2025年7月23日周三 14:30写道："
            parts = _ZH_SPLIT.split(head, maxsplit=1)
            if len(parts) == 2 and _looks_like_name(parts[0], strict=False):
                return Attribution(parts[0], parts[1], lang, False)
        first = head.split(" ", 1)[0].casefold().strip(",")
        if first in INTROS and " " in head:
            rest = head.split(" ", 1)[1]
            if rest.casefold().startswith("giorno "):  # Italian "Il giorno mer 23 lug 2025 ..."
                rest = rest[7:]
            date, name = _split_date_name(rest)
            if date and name and _looks_like_name(name, strict=False):
                return Attribution(name, date, lang, False)
            continue
        if head[:1].isdigit():  # Thunderbird: "23.07.2025 14:30, Иван Петров пишет:"
            date, name = _split_date_name(head)
            if date and name and _looks_like_name(name, strict=False):
                return Attribution(name, date, lang, False)
            continue
        if _looks_like_name(head):  # "Ian Peter wrote:"
            return Attribution(head, None, lang, True)
        return None
    for verb, lang in WROTE_MID:  # "Am 23.07.2025 um 14:30 schrieb Max Muster <max@x.de>:"
        idx = folded.find(f" {verb} ")
        at_end = folded.endswith(f" {verb}")
        if idx < 0 and not at_end:
            continue
        if idx < 0:
            before, after = body[: len(body) - len(verb)].strip(), ""
        else:
            before, after = body[:idx].strip(), body[idx + len(verb) + 2:].strip()
        if after:
            words = before.split(" ", 1)
            date = words[1] if len(words) == 2 and words[0].casefold().strip(",") in INTROS else before
            if _looks_like_name(after, strict=False) and (_TIME.search(date) or any(c.isdigit() for c in date)):
                return Attribution(after, date, lang, False)
        elif _looks_like_name(before):
            return Attribution(before, None, lang, True)
    # Gmail in Russian and other locales: "ср, 23 июл. 2025 г. в 14:30, Иван Петров <ivan@x.ru>:"
    if ("@" in body or " at " in body) and "<" in body and body[:1].isalpha():
        match = _TIME.search(body)
        if match and match.start() < 60:
            name = body[match.end():].strip(" ,")
            if name and _looks_like_name(name, strict=False) and re.search(r"<[^<>]+>$", name):
                return Attribution(name, body[: match.end()], None, False)
    return None


def parse_label(content: str) -> tuple[str, str, str] | None:
    """Read a header line "*From:* X" / "Enviada: ..." / "发件人：X" -> (field, language, value)."""
    head = content[:40]
    idx = head.find(":")
    wide = head.find("：")
    if wide >= 0 and (idx < 0 or wide < idx):  # the first colon of either kind
        idx = wide
    if idx <= 0:
        return None
    label = head[:idx].strip(" *\t").casefold()
    entry = LABELS.get(label)
    if entry is None:
        return None
    value = content[idx + 1:].strip().strip("*").strip()
    return entry[0], entry[1], value


def _is_separator(content: str) -> bool:
    """"-----Original Message-----", "---------- Forwarded message ---------", "Begin forwarded message:"."""
    if len(content) > 80:
        return False
    # _SEPARATOR's two forms start with two rule characters or end with a colon ("Begin forwarded
    # message:"); checked first, as most lines are neither.
    if not (content.endswith(":") or content[:1] in _RULE_CHARS and content[1:2] in _RULE_CHARS):
        return False
    match = _SEPARATOR.match(content)
    if not match:
        return False
    words = (match.group(1) or match.group(2) or "").casefold().strip()
    return any(word == words or word in words for word in SEPARATOR_WORDS)


def _block_language(langs: list[str]) -> str | None:
    # "de" labels are shared by es/pt/fr: another label of the block decides ("Enviada" -> pt).
    for lang in langs:
        if lang != "es":
            return lang
    return langs[0] if langs else None


def _header_block(lines: list[Line], i: int, end: int) -> HeaderMatch | None:
    depth = lines[i].depth
    j = i
    separator = False
    if _is_separator(lines[i].content) or _OUTLOOK_RULE.match(lines[i].content):
        separator = True
        j += 1
        while j < end and lines[j].blank and j - i < 3:
            j += 1
    fields: dict[str, str] = {}
    langs: list[str] = []
    last_field: str | None = None
    last_end = j
    first_label = True
    blank_run = 0
    while j < end:
        line = lines[j]
        if line.depth != depth and not (line.blank and line.depth == depth + 1):
            break
        if line.blank:
            blank_run += 1
            # Outlook HTML-to-text sometimes leaves a blank line between labels; allow one.
            if blank_run > 1 or "subject" in fields or not fields:
                break
            j += 1
            continue
        label = parse_label(line.content)
        if label:
            field_name, lang, value = label
            if first_label and field_name != "from" and not separator:
                return None
            if field_name in fields and field_name != "other":
                break  # a second "From:" starts the next block
            first_label = False
            fields[field_name] = value
            if field_name != "other":
                langs.append(lang)
            last_field = field_name
            last_end = j + 1
            blank_run = 0
            j += 1
            continue
        if blank_run or last_field is None or not _continues(last_field, fields.get(last_field, ""), line.content):
            break
        fields[last_field] = (fields[last_field] + " " + line.content).strip()
        last_end = j + 1
        j += 1
    named = [f for f in fields if f != "other"]
    if "from" not in fields and not separator:
        return None
    if len(named) < (1 if separator else 2):
        return None
    return HeaderMatch(
        start=i, end=last_end, depth=depth, style="block", sender=fields.get("from"), date=fields.get("date"),
        subject=fields.get("subject"), to=fields.get("to"), language=_block_language(langs),
    )


def _continues(field_name: str, value: str, content: str) -> bool:
    """Is `content` a wrapped piece of the previous header value (not the start of the body)?"""
    if parse_label(content) or content.endswith(":"):
        return False
    has_address = "@" in content or bool(re.search(r"\S at \S+\.\w", content)) or content.startswith(("<", "["))
    if field_name in ("to", "cc", "from"):
        return has_address or value.endswith((",", ";")) or (field_name == "from" and value.endswith("<"))
    if field_name == "subject":
        # "Subject: Re: [LACNIC/Politicas] NP: LAC-2025-5 - Sub-asignación IPv4 a\nterceros"
        return (len(value) >= 45 and len(content) <= 60 and not content.endswith((",", ".", "!", "?"))
                and not _GREETING.match(content) and len(content.split()) <= 8)
    return False


def _attribution_at(lines: list[Line], i: int, end: int) -> HeaderMatch | None:
    first = lines[i]
    content = first.content
    if len(content) > MAX_ATTRIBUTION_CHARS:
        return None
    # Only a text ending with a colon is an attribution, and the text is the contents of lines
    # i, i+1, ... (whitespace-stripped): no colon at the end of the first lines, no attribution.
    for k in range(i, min(end, i + MAX_ATTRIBUTION_LINES)):
        if lines[k].content.endswith((":", "：")):
            break
    else:
        return None
    depth = first.depth
    parts = [content]
    j = i + 1
    while True:
        joined = " ".join(parts)
        attribution = parse_attribution(joined)
        if attribution is not None:
            if attribution.needs_quote and not _quote_follows(lines, j, end, depth):
                return None
            return HeaderMatch(
                start=i, end=j, depth=depth, style="name-wrote" if attribution.needs_quote else "attribution",
                sender=attribution.sender, date=attribution.date, language=attribution.language,
            )
        if len(parts) >= MAX_ATTRIBUTION_LINES or j >= end or len(joined) > MAX_ATTRIBUTION_CHARS:
            return None
        if joined.endswith((":", "：")) and not joined.endswith(("<mailto:", "http:", "https:")):
            return None
        nxt = lines[j]
        if nxt.content.split(" ", 1)[0].casefold() in INTROS:
            return None  # "On x\nOn Mon, ... wrote:": the next line starts an attribution of its own
        if nxt.depth == depth and not nxt.blank:
            parts.append(nxt.content)
        elif nxt.depth == depth + 1 and nxt.blank and nxt.raw.rstrip().endswith(">"):
            # "> <uesleycorrea at gmail.com\n> >\n> escreveu:": the address's ">" wrapped onto
            # its own line, where it reads as one more quote level.
            parts.append(">")
        else:
            return None
        j += 1


def _quote_follows(lines: list[Line], j: int, end: int, depth: int) -> bool:
    for k in range(j, min(end, j + 4)):
        if not lines[k].blank:
            return lines[k].depth > depth
    return False


def _could_start_attribution(content: str) -> bool:
    if not content or len(content) > MAX_ATTRIBUTION_CHARS:
        return False
    # cheapest tests first
    if content[0].isdigit() or content.endswith((":", "：")) or "<" in content or "@" in content or " at " in content:
        return True
    if content[0].isalpha() and len(content) < 120 and content[0].isupper():
        return True
    return content.split(" ", 1)[0].casefold().strip(",") in INTROS


def find_headers(lines: list[Line], start: int, end: int, skip: set[int]) -> list[HeaderMatch]:
    """Every attribution or header block in lines[start:end], in order; `skip` lines are footers."""
    out: list[HeaderMatch] = []
    i = start
    while i < end:
        line = lines[i]
        if line.blank or i in skip:
            i += 1
            continue
        content = line.content
        first = content[0]
        # Each test is tried only when the line could pass it (most lines are prose): _single_line
        # reads ">>>" and digit-led lines, a header block starts with a label (a colon early on),
        # a separator (a colon at the end, or rule characters) or an Outlook rule ("___").
        match = _single_line(line, lines, i, end) if first == ">" or first.isdigit() else None
        if match is None and (("：" in content[:40] or ":" in content[:40]) and parse_label(content)
                              or (content.endswith(":") or first in _RULE_CHARS) and _is_separator(content)
                              or first == "_" and _OUTLOOK_RULE.match(content)):
            match = _header_block(lines, i, end)
        if match is None and _could_start_attribution(content):
            match = _attribution_at(lines, i, end)
        if match is not None:
            out.append(match)
            i = match.end
        else:
            i += 1
    return out


def _single_line(line: Line, lines: list[Line], i: int, end: int) -> HeaderMatch | None:
    content = line.content
    if content.startswith(">>>"):
        groupwise = _GROUPWISE.match(content)
        if groupwise:  # ">>> ajp at glocom.ac.jp 12/28/2006 4:17 AM >>>"
            return HeaderMatch(i, i + 1, line.depth, "groupwise", groupwise.group(1), groupwise.group(2))
    if content[:1].isdigit() and len(content) < 200:
        gmail = _GMAIL_DATE_NAME.match(deobfuscate(content))
        if gmail and _quote_follows(lines, i + 1, end, line.depth):  # "2012/3/3 Deirdre Williams <...>"
            return HeaderMatch(i, i + 1, line.depth, "gmail-date-name", gmail.group(2), gmail.group(1))
    return None
