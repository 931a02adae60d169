"""Signature blocks: the author's name, role, organization and place lines, and the relations they state."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extractors.common import author_key, context, new_mention, org_key, person_key
from kg.extractors.gazetteer import current_kb, gazetteer_for
from kg.extractors.lexicon import ROLE_WORDS, is_given_name
from kg.extractors.phrases import named_phrases, tokens
from kg.extractors.text import Line, fold, lines, make_evidence, strip_markup
from kg.model import ExtractionResult, Mention, Message, Relation

NAME = "signature_roles"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"


@dataclass(frozen=True)
class OrgHit:
    """An organization found on a signature line: its key, label and offsets."""

    key: str
    label: str
    start: int
    end: int
    from_kb: bool


def _coverage(line: Line, start: int, end: int) -> float:
    letters = sum(c.isalnum() for c in line.text)
    return sum(c.isalnum() for c in line.text[start - line.start:end - line.start]) / max(letters, 1)


def _kb_hits(line: Line, kind: str) -> list[tuple[int, int, str]]:
    gaz = gazetteer_for()
    return [(line.start + m.start, line.start + m.end, m.key) for m in gaz.find(line.text) if m.kind == kind]


def _org_on(line: Line, start: int | None = None) -> OrgHit | None:
    """The organization that fills line[start:] (the whole line by default), or None."""
    start = line.start if start is None else start
    part = Line(start, line.end, line.text[start - line.start:])
    kb = current_kb()
    for s, e, key in _kb_hits(part, "organization"):
        if _coverage(part, s, e) >= 0.6:
            return OrgHit(key, kb.entries[key].label, s, e, True)
    for phrase in named_phrases(line.text, start - line.start):
        s, e = line.start + phrase.start, line.start + phrase.end
        if phrase.kind == "organization" and _coverage(part, s, e) >= 0.6:
            label = " ".join(line.text[phrase.start:phrase.end].split())
            return OrgHit(org_key(label), label, s, e, False)
    return None


def _acronym_org(line: Line) -> OrgHit | None:
    # "FCT- FCCN", "NIC.br": short upper-case tokens only, no dictionary word ("OFFICIAL" is not one).
    words = [t for t in tokens(line.text) if t.text[0].isalnum()]
    if not 1 <= len(words) <= 4:
        return None
    if all(sum(c.isupper() for c in t.text) >= 2 and len(t.text) <= 7 and not t.text.isdigit() for t in words):
        label = " ".join(line.text.split())
        return OrgHit(org_key(label), label, line.start, line.end, False)
    return None


def _is_role(line: Line) -> bool:
    words = [t.lower.strip(".") for t in tokens(line.text)]
    return 0 < len(words) <= 14 and any(w in ROLE_WORDS for w in words)


def _is_name(line: Line, author: str | None) -> bool:
    words = [t.text for t in tokens(line.text) if t.text[0].isalpha()]
    if not 2 <= len(words) <= 7 or any(c.isdigit() for c in line.text) or _is_role(line):
        return False
    if author and set(fold(line.text).split()) & set(author.split()[:1] + author.split()[-1:]):
        return True
    return is_given_name(words[0]) and all(w[0].isupper() or w in ("de", "da", "das", "van", "von") for w in words)


def _role_org(line: Line) -> tuple[OrgHit | None, bool]:
    """The organization a role line names ("Chair of the X Board", "2025 IGF MAG Member"), and member-ness."""
    text = line.text
    member = bool(re.search(r"\bmember\b", text, re.IGNORECASE))
    at = re.search(r"\b(?:of|at|with) the\s+|\bat\s+", text)
    if at:
        hit = _org_on(line, line.start + at.end())
        if hit and hit.end >= line.end - 1:
            return hit, member
    if member:
        kb = current_kb()
        hits = [h for h in _kb_hits(line, "organization")]
        if hits:
            s, e, key = hits[-1]
            return OrgHit(key, kb.entries[key].label, s, e, True), True
    return None, member


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Mentions and relations read from the signature block's lines (contact lines are skipped)."""
    ctx = context(message)
    if ctx.signature is None:
        return ExtractionResult(message.id)
    contacts = {(ln.start, ln.end): kind for ln, kind in ctx.contact_lines}
    author = author_key(message)
    author_name = author.split(":", 1)[1] if author else None
    kb = current_kb()
    mentions: list[Mention] = []
    relations: list[Relation] = []
    roles: list[tuple[Line, OrgHit | None, bool]] = []
    orgs: list[tuple[Line, OrgHit]] = []
    places: list[tuple[int, int, str]] = []
    subject = author
    for raw in lines(message.text, *ctx.signature):
        kind = contacts.get((raw.start, raw.end))
        line = strip_markup(raw)
        if not line.text or len(line.text) > 90:
            continue
        if kind == "address":
            # "Avenida do Brasil, n.º 101 | 1700-066 Lisboa": the town closes the line; earlier place
            # names are street names
            places += _kb_hits(line, "place")[-1:]
            continue
        if kind:
            continue
        if subject is None or (not roles and not orgs and _is_name(line, author_name)):
            if _is_name(line, author_name):
                key = author or person_key(line.text)
                subject = subject or key
                mentions.append(new_mention(message, "person", key, line.start, line.end, EXTRACTOR, line.text))
                continue
        if _is_role(line):
            hit, member = _role_org(line)
            roles.append((line, hit, member))
            if hit and not hit.from_kb:
                mentions.append(new_mention(message, "organization", hit.key, hit.start, hit.end, EXTRACTOR, hit.label))
            continue
        place_hits = _kb_hits(line, "place")
        if place_hits and sum(_coverage(line, s, e) for s, e, _ in place_hits) >= 0.6:
            places += place_hits
            continue
        hit = _org_on(line) or _acronym_org(line)
        if hit:
            orgs.append((line, hit))
            if not hit.from_kb:
                mentions.append(new_mention(message, "organization", hit.key, hit.start, hit.end, EXTRACTOR, hit.label))
    home = orgs[0][1] if orgs else None
    if subject:
        for line, hit, member in roles:
            org = hit or home
            ev = make_evidence(message, line.start, line.end, EXTRACTOR)
            relations.append(Relation(subject, "holds_role", line.text, ev, True, org.key if org else None))
            if member and org:
                relations.append(Relation(subject, "member_of", org.key, ev))
        for line, hit in orgs:
            relations.append(Relation(subject, "affiliated_with", hit.key,
                                      make_evidence(message, hit.start, hit.end, EXTRACTOR)))
    for start, end, key in places:
        mentions.append(new_mention(message, "place", key, start, end, EXTRACTOR, kb.entries[key].label))
        if home:
            relations.append(Relation(home.key, "located_in", key, make_evidence(message, start, end, EXTRACTOR)))
    return ExtractionResult(message.id, tuple(mentions), tuple(relations))
