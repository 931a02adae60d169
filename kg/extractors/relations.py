"""Relations stated in the author's own words: agreement, proposals, chairs, affiliations, part-of, citations."""

from __future__ import annotations

import bisect
import re

from kg.extractors.common import author_key, context
from kg.extractors.gazetteer import current_kb
from kg.extractors.text import Rare, make_evidence, sentence_span
from kg.model import ExtractionResult, Mention, Message, Relation

NAME = "relations"
VERSION = "1"
EXTRACTOR = f"{NAME}@{VERSION}"

# "I agree with", "I'd agree with", "I very much agree with", "+1", "Supporting both", "I support".
_AGREE = Rare(re.compile(
    # The zero-width guard first states what every cue starts with (a word boundary and "I", "w",
    # "S", "A" or "D", or "+1"): same matches, but most positions fail at once.
    r"(?:\b(?=[IwSsAaDd])|(?=\+1))"
    r"(?:\b(?:I|we)(?:[’'´]d|\s+would|\s+do|\s+very much|\s+fully|\s+strongly|\s+completely|\s+totally|\s+also|\s+too"
    r"|\s+don[’'´]t|\s+do not|\s+can[’'´]t|\s+cannot|\s+could not|\s+couldn[’'´]t|\s+never|\s+must)*\s+"
    r"(?P<verb>agree|disagree|concur|support|second|endorse)(?:\s+(?:fully|entirely|completely|strongly))?(?:\s+with)?"
    r"|\b(?P<gerund>[Ss]upporting|[Aa]greeing with|[Dd]isagreeing with)(?:\s+both)?|(?<![\w+])(?P<plus>\+1)(?:\s+to)?)\s+",
), "agree", "greeing with", "concur", "upport", "second", "endorse", "+1")  # Rare: texts without these are not scanned
_NEGATION = re.compile(r"\b(?:don[’'´]t|do not|can[’'´]t|cannot|could not|couldn[’'´]t|never|not)\b")
_PROPOSED = re.compile(r"\s+(?:has\s+|had\s+)?(?:proposed|suggested|put forward|came up with|came with)\b")
# (Rare regexes: a text without any of the words given after the regex is not scanned.)
_SELF_PROPOSE = Rare(re.compile(r"\b(?:I|we)\s+(?:would\s+|want\s+to\s+|would like to\s+|wish to\s+|'d like to\s+)?"
                                r"(?:propose|suggest|recommend|advocate for)\b|\b[Ww]hat about\b|\b[Ii]t is realistic to propose\b"),
                     "propose", "suggest", "recommend", "advocate for", "hat about")
_CO_CHAIRED = Rare(re.compile(r"\b(?:co-?)?chaired by\b", re.IGNORECASE), "chaired by")
_ROLE_PAREN = re.compile(r"\s*\(((?:former|then|current|outgoing|incoming)?\s*[a-z][^()\n]{2,80})\)")
_OF_FROM = re.compile(r"\s+(?:of|from|at|with)\s+(?:the\s+)?")
_POSSESSIVE = re.compile(r"[’'´]s\s+$")


class ByStart(list):
    """Mentions sorted by start offset, with their starts kept for bisection."""

    def __init__(self, mentions):
        super().__init__(sorted(mentions, key=lambda m: (m.evidence.start, m.evidence.end)))
        self.starts = [m.evidence.start for m in self]


def _after(mentions: ByStart, position: int, limit: int, kinds: tuple[str, ...]) -> list[Mention]:
    """Mentions of `kinds` starting in [position, position + limit]."""
    starts = mentions.starts
    lo = bisect.bisect_left(starts, position)
    hi = bisect.bisect_right(starts, position + limit)
    return [m for m in mentions[lo:hi] if m.kind in kinds]


def _agreements(message: Message, author: str, people: list[Mention], mentions: list[Mention]) -> list[Relation]:
    text = message.text
    result = []
    for m in _AGREE.finditer(text):
        verb = (m.group("verb") or m.group("gerund") or "agree").lower()
        negated = bool(_NEGATION.search(m.group()))
        disagree = verb.startswith("disagree") != negated
        predicate = "disagrees_with" if disagree else "agrees_with"
        end_of_clause = re.search(r"[.;:!?\n]\s|\bthat\b|\bbut\b", text[m.end():m.end() + 120])
        limit = end_of_clause.start() if end_of_clause else 120
        targets = [p for p in _after(people, m.end(), limit, ("person",)) if p.key != author]
        # "I support X's proposal" and "the draft has my support" name a document, not a person
        if not targets:
            targets = _after(mentions, m.end(), min(limit, 40), ("document",))
        for target in targets:
            ev = make_evidence(message, m.start(), max(target.evidence.end, m.end()), EXTRACTOR)
            result.append(Relation(author, predicate, target.key, ev))
    return result


def _proposals(message: Message, author: str | None, people: list[Mention], mentions: list[Mention]) -> list[Relation]:
    text = message.text
    things = ByStart(m for m in mentions if m.kind in ("organization", "document", "concept", "event"))
    result = []
    for person in people:
        verb = _PROPOSED.match(text, person.evidence.end)
        if verb:
            _, stop = sentence_span(text, verb.end())
            target = next(iter(_after(things, verb.end(), stop - verb.end(), ("organization", "document", "concept", "event"))), None)
            if target:
                ev = make_evidence(message, person.evidence.start, target.evidence.end, EXTRACTOR)
                result.append(Relation(person.key, "proposes", target.key, ev))
    if author:
        for m in _SELF_PROPOSE.finditer(text):
            _, stop = sentence_span(text, m.end())
            target = next(iter(_after(things, m.end(), stop - m.end(), ("organization", "document", "concept", "event"))), None)
            if target:
                ev = make_evidence(message, m.start(), target.evidence.end, EXTRACTOR)
                result.append(Relation(author, "proposes", target.key, ev))
    return result


def _chairs(message: Message, people: list[Mention], mentions: list[Mention]) -> list[Relation]:
    # "the X Board, co-chaired by A (former President of Liberia) and B (...)": A and B chair the
    # nearest body named before the cue.
    text = message.text
    orgs = sorted((m for m in mentions if m.kind == "organization"), key=lambda o: o.evidence.end)
    ends = [o.evidence.end for o in orgs]
    result = []
    for m in _CO_CHAIRED.finditer(text):
        i = bisect.bisect_right(ends, m.start()) - 1
        body = orgs[i] if i >= 0 and m.start() - ends[i] < 600 else None
        _, stop = sentence_span(text, m.end())
        for person in _after(people, m.end(), stop - m.end(), ("person",)):
            if body:
                ev = make_evidence(message, m.start(), person.evidence.end, EXTRACTOR)
                result.append(Relation(person.key, "chairs", body.key, ev))
    return result


def _person_context(message: Message, people: list[Mention], mentions: list[Mention]) -> list[Relation]:
    # "David Hendon from the UK government" -> affiliated_with; "Ellen Johnson Sirleaf (former
    # President of Liberia)" -> holds_role "former President of Liberia".
    text = message.text
    orgs = {m.evidence.start: m for m in mentions if m.kind == "organization"}
    result = []
    for person in people:
        if " " not in person.surface.strip():
            continue
        link = _OF_FROM.match(text, person.evidence.end)
        if link:
            org = orgs.get(link.end())
            if org:
                ev = make_evidence(message, person.evidence.start, org.evidence.end, EXTRACTOR)
                result.append(Relation(person.key, "affiliated_with", org.key, ev))
        paren = _ROLE_PAREN.match(text, person.evidence.end)
        if paren is None and link:
            after_place = re.match(r"[^\s(]+(?:\s[A-Z][^\s(]+)*", text[link.end():])
            paren = _ROLE_PAREN.match(text, link.end() + after_place.end()) if after_place else None
        if paren:
            role = " ".join(paren.group(1).split())
            ev = make_evidence(message, person.evidence.start, paren.end(), EXTRACTOR)
            result.append(Relation(person.key, "holds_role", role, ev, True))
    return result


def _part_of(message: Message, mentions: list[Mention]) -> list[Relation]:
    # Stated only: "ICANN´s governmental advisory committee (GAC)", "the GAC of ICANN", when the KB
    # agrees that the second is part of the first.
    text = message.text
    entries = current_kb().entries
    orgs = sorted((m for m in mentions if m.kind == "organization"), key=lambda m: m.evidence.start)
    result = []
    for index, a in enumerate(orgs):
        for b in orgs[index + 1:index + 4]:
            if not 0 <= b.evidence.start - a.evidence.end <= 8:
                continue
            gap = text[a.evidence.end:b.evidence.start]
            child, parent = None, None
            if _POSSESSIVE.fullmatch(gap) or re.fullmatch(r"[’'´]s\s+", gap):
                parent, child = a, b
            elif re.fullmatch(r"\s+of\s+(?:the\s+)?", gap):
                parent, child = b, a
            if child and parent and parent.key in getattr(entries.get(child.key), "parents", ()):
                ev = make_evidence(message, a.evidence.start, b.evidence.end, EXTRACTOR)
                result.append(Relation(child.key, "part_of", parent.key, ev))
    return result


def _authored(message: Message, mentions: list[Mention]) -> list[Relation]:
    # "Report from the High-Level Advisory Board – A Breakthrough ...": the board wrote the report.
    result = []
    for doc in (m for m in mentions if m.kind == "document"):
        if not re.match(r"(?:Report|Statement|Declaration|Recommendations?)\s+(?:from|of|by)\b", doc.surface):
            continue
        for org in _after(mentions, doc.evidence.start + 1, doc.evidence.end - doc.evidence.start - 2, ("organization",)):
            if doc.evidence.start < org.evidence.start < doc.evidence.end:
                result.append(Relation(org.key, "authored", doc.key, doc.evidence.__class__(
                    doc.evidence.message_id, doc.evidence.start, org.evidence.end,
                    message.text[doc.evidence.start:org.evidence.end], EXTRACTOR)))
                break
    return result


def _member_of(message: Message, author: str, mentions: list[Mention]) -> list[Relation]:
    # "as a WGIG member", "I am a member of the MAG".
    text = message.text
    result = []
    for org in (m for m in mentions if m.kind == "organization"):
        before = text[max(0, org.evidence.start - 30):org.evidence.start]
        after = text[org.evidence.end:org.evidence.end + 10]
        if "member" not in after and "member of" not in before:
            continue  # both patterns below need these words: most organizations fail here, unsearched
        if (re.search(r"\b(?:as an?|I am an?|I[’'´]m an?|I was an?)\s+(?:former\s+)?$", before) and re.match(r"\s+member\b", after)) \
                or re.search(r"\b(?:I am|I[’'´]m|I was|as)\s+(?:an?\s+)?(?:former\s+)?member of (?:the\s+)?$", before):
            start = max(0, org.evidence.start - 30) + (re.search(r"\b(?:as|I)\b", before).start())
            end = org.evidence.end + (len(re.match(r"\s+member", after).group()) if re.match(r"\s+member\b", after) else 0)
            result.append(Relation(author, "member_of", org.key, make_evidence(message, start, end, EXTRACTOR)))
    return result


def _cites(message: Message, author: str, mentions: list[Mention]) -> list[Relation]:
    first: dict[str, Mention] = {}
    for m in sorted((m for m in mentions if m.kind == "document"), key=lambda m: m.evidence.start):
        first.setdefault(m.key, m)
    return [Relation(author, "cites", key, m.evidence.__class__(m.evidence.message_id, m.evidence.start,
                                                                 m.evidence.end, m.evidence.exact, EXTRACTOR))
            for key, m in sorted(first.items())]


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Relations between the author, the people and the things already found in the message."""
    ctx = context(message)
    mentions = ByStart(m for m in found.mentions if not ctx.blocked.overlaps(m.evidence.start, m.evidence.end))
    people = ByStart(m for m in mentions if m.kind == "person")
    author = author_key(message)
    relations: list[Relation] = []
    relations += _chairs(message, people, mentions)
    relations += _person_context(message, people, mentions)
    relations += _part_of(message, mentions)
    relations += _authored(message, mentions)
    relations += _proposals(message, author, people, mentions)
    if author:
        relations += _agreements(message, author, people, mentions)
        relations += _member_of(message, author, mentions)
        relations += _cites(message, author, mentions)
    return ExtractionResult(message.id, (), tuple(relations))
