"""Documents: KB documents, titles (capitalised, quoted or italic), PDF links and cited paragraphs."""

from __future__ import annotations

import re

from kg.extractors.common import context, covered, new_mention, taken
from kg.extractors.gazetteer import current_kb, gazetteer_for
from kg.extractors.kbmatch import kb_mentions, kb_spans
from kg.extractors.lexicon import DOC_HEADS, GENERIC
from kg.extractors.phrases import head_kind, named_phrases
from kg.extractors.text import Rare, Spans, fold, sentence_span
from kg.model import ExtractionResult, Mention, Message

NAME = "documents"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

# Mail markup for italics/bold/quotes around a title: /Title/, *Title*, "Title", “Title”.
# (Each regex below is a Rare one: a text without any of the words given after it is not scanned.)
_MARKED = Rare(re.compile(r"(?<![\w/:<])/(?=[A-Z\"“])((?:[^/\n<>]|<[^<>\s]+>|\n(?![ \t]*\n)){3,400}?)(?<=[\w>”\")])/(?![\w/])"
                          r"|\*(?=\S)([^*\n]{3,200}?(?:\n[^*\n]{0,200}?)?)(?<=\S)\*"
                          r"|\"([^\"\n]{3,200}?)\"|“([^”]{3,200}?)”"),
               "/", "*", '"', "“")
# "Report from the High-Level Advisory Board – A Breakthrough for People": the title follows the dash.
_REPORT_FROM = re.compile(r"^(Report|Statement|Declaration|Recommendations?)\s+(?:from|of|by)\s+(?:the\s+)?(.+?)\s+[–—-]\s+(.+)$", re.S)
_LINK = re.compile(r"\s*<[^<>\s]+>\s*$")
# "EU non-paper on World Summit on the Information Society WSIS+20 stakeholder participation": a
# body's (or country's) paper "on" a capitalised subject, up to a link, bracket or line end.
_AUTHORED_TITLE = Rare(re.compile(
    r"\b([A-Z][\w.&-]*(?: [A-Z][\w.&-]*){0,3}) (?:non-paper|white paper|discussion paper|position paper|"
    r"submission|contribution|report|statement|proposal)s? on (?:the )?[A-Z][^\n<>()\[\].;:!?]{3,120}"
    r"(?:\n[ \t]*[^\n<>()\[\].;:!?]{1,80}(?=\n[ \t]*<))?"),
    "paper", "submission", "contribution", "report", "statement", "proposal")
_PDF = Rare(re.compile(r"https?://[^\s<>\"]+?\.pdf\b", re.IGNORECASE), ".pdf")
# "para. 69 of the Tunis Agenda", "paragraph 71", "§ 35", "paras 68-72", "paragraphs 68 and 69".
_PARA = Rare(re.compile(r"(?:\b(?:para(?:graph)?s?\.?)|§§?)\s*(\d{1,3})(?:\s*(?:-|–|to|and)\s*(\d{1,3}))?\b",
                        re.IGNORECASE), "para", "§")


def _title_mentions(message: Message, found_mentions) -> list[Mention]:
    text = message.text
    ctx = context(message)
    kb = kb_spans(message)
    kb_all = Spans.of([(s, e) for s, e, _, _ in kb])
    kb_exact = {(s, e): k for s, e, k, _ in kb}
    seen = covered(found_mentions)
    kb_keys = {k for _, _, k, _ in kb}
    result: list[Mention] = []
    for m in _MARKED.finditer(text):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        inner_start, inner_end = m.start(group), m.end(group)
        inner = text[inner_start:inner_end]
        link = _LINK.search(inner)
        if link:
            inner_end -= len(link.group())
            inner = text[inner_start:inner_end]
        if ctx.blocked.overlaps(inner_start, inner_end) or len(inner.split()) < 2 or len(inner.split()) > 40:
            continue
        report = _REPORT_FROM.match(" ".join(inner.split()))
        label = " ".join(inner.split())
        if report:
            label = report.group(3)
        elif not any(w.strip(".,:;").lower() in DOC_HEADS for w in inner.split()):
            continue
        if (inner_start, inner_end) in kb_exact or seen.contains(inner_start, inner_end) \
                or taken(result, inner_start, inner_end):
            continue
        key, label = _resolve(label)
        if key in kb_keys:
            continue  # the KB already names this title here
        result.append(new_mention(message, "document", key, inner_start, inner_end, EXTRACTOR, label))
    for phrase in named_phrases(text):
        if phrase.kind != "document" or ctx.blocked.overlaps(phrase.start, phrase.end):
            continue
        if kb_all.contains(phrase.start, phrase.end):
            continue
        if not phrase.content_words() or seen.contains(phrase.start, phrase.end) or taken(result, phrase.start, phrase.end):
            continue
        if head_kind(phrase.tokens[-1].lower) != "document" and not any(
                t.lower in ("of", "on", "for") for t in phrase.tokens):
            continue
        key, label = _resolve(" ".join(text[phrase.start:phrase.end].split()))
        result.append(new_mention(message, "document", key, phrase.start, phrase.end, EXTRACTOR, label))
    for m in _AUTHORED_TITLE.finditer(text):
        owner = m.group(1)
        if gazetteer_for().lookup(owner) is None or ctx.blocked.overlaps(m.start(), m.end()):
            continue
        end = m.end()
        link = re.search(r"\s*[<(]", text[m.start():end])
        end = m.start() + link.start() if link else end
        if seen.contains(m.start(), end) or taken(result, m.start(), end):
            continue
        key, label = _resolve(" ".join(text[m.start():end].split()).rstrip(".,;:"))
        result.append(new_mention(message, "document", key, m.start(), end, EXTRACTOR, label))
    return result


def _resolve(label: str) -> tuple[str, str]:
    """The KB key and label of a title when the KB knows it, else a new document key."""
    key = gazetteer_for().lookup(label)
    entries = current_kb().entries
    if key and entries[key].kind == "document":
        return key, entries[key].label
    return "document:" + fold(label), label


def _pdf_mentions(message: Message, docs: list[Mention]) -> list[Mention]:
    # A PDF link right after (or inside) a title is more evidence for that title; otherwise it is a
    # document of its own, known by its address.
    result = []
    for m in _PDF.finditer(message.text):
        owner = next((d for d in sorted(docs, key=lambda d: -d.evidence.end)
                      if d.evidence.start <= m.start() and m.start() - d.evidence.end <= 4), None)
        if owner is not None:
            result.append(new_mention(message, "document", owner.key, m.start(), m.end(), EXTRACTOR, owner.label))
        else:
            result.append(new_mention(message, "document", "document:" + m.group(), m.start(), m.end(), EXTRACTOR, m.group()))
    return result


def paragraph_key(doc_key: str, number: int) -> tuple[str, str]:
    """(key, label) of paragraph `number` of a document: the KB's own entry when it has one."""
    entries = current_kb().entries
    key = f"{doc_key}/para-{number}"
    if key in entries:
        return key, entries[key].label
    doc = entries.get(doc_key)
    title = doc.label if doc else doc_key.split(":", 1)[-1]
    return key, f"{title}, paragraph {number}"


def _paragraph_mentions(message: Message, docs: list[Mention]) -> list[Mention]:
    text = message.text
    ctx = context(message)
    result = []
    whole = sorted((d for d in docs if "/para-" not in d.key), key=lambda d: d.evidence.start)
    for m in _PARA.finditer(text):
        if ctx.blocked.overlaps(m.start(), m.end()):
            continue
        first = int(m.group(1))
        last = int(m.group(2)) if m.group(2) else first
        if not 0 < first <= last <= first + 20:
            continue
        # "of the Tunis Agenda" right after the number names the document; else the latest one before.
        after = re.match(r"\s+(?:of|in)\s+(?:the\s+)?", text[m.end():m.end() + 12])
        named = None
        if after:
            named = next((d for d in whole if d.evidence.start == m.end() + after.end()
                          or (m.end() + after.end() <= d.evidence.start <= m.end() + after.end() + 4)), None)
        doc = named or next((d for d in reversed(whole) if d.evidence.end <= m.start()), None)
        if doc is None:
            continue
        end = doc.evidence.end if named else m.end()
        for number in range(first, last + 1):
            key, label = paragraph_key(doc.key, number)
            result.append(new_mention(message, "document", key, m.start(), end, EXTRACTOR, label))
    return result


def _parents_of_paragraphs(message: Message, mentions: list[Mention]) -> list[Mention]:
    # "paragraph 71 of the Tunis Agenda" is a KB paragraph, and it names the whole agenda as well.
    entries = current_kb().entries
    result = []
    for m in mentions:
        parent = next((p for p in getattr(entries.get(m.key), "parents", ()) if p in entries), None)
        if "/para-" not in m.key or parent is None:
            continue
        number = _PARA.search(m.evidence.exact)
        skip = number.end() if number else 0
        for hit in gazetteer_for().find(m.evidence.exact[skip:]):
            if hit.key == parent:
                start = m.evidence.start + skip + hit.start
                result.append(new_mention(message, "document", parent, start, start + hit.end - hit.start,
                                          EXTRACTOR, entries[parent].label))
    return result


# "In its Final Report WGIG could agree": a generic title whose body is named in the same sentence.
_GENERIC_TITLE = Rare(re.compile(r"\b((?:[A-Z][a-z]+\s+)?(?:Report|Declaration|Statement|Recommendations|Communiqu[eé]|Resolution))\b"),
                      "Report", "Declaration", "Statement", "Recommendations", "Communiqu", "Resolution")


def _generic_titles(message: Message, found_mentions: list[Mention], docs: list[Mention]) -> list[Mention]:
    """Generic titles resolved through the KB by the body named next to them ("WGIG Final Report")."""
    text = message.text
    gaz = gazetteer_for()
    entries = current_kb().entries
    orgs = [m for m in found_mentions if m.kind == "organization" and m.key in entries]
    seen = covered(docs)
    result = []
    for m in _GENERIC_TITLE.finditer(text):
        words = m.group(1).split()
        if len(words) > 1 and words[0].lower() not in GENERIC or seen.overlaps(m.start(), m.end()):
            continue
        start, stop = sentence_span(text, m.start())
        near = sorted((o for o in orgs if start <= o.evidence.start < stop),
                      key=lambda o: abs(o.evidence.start - m.start()))
        title = " ".join(words)
        for org in near[:2]:
            entry = entries[org.key]
            for name in sorted({org.surface, entry.label, *entry.acronyms}):
                key = next((k for form in (f"{name} {title}", f"{title} of the {name}", f"{title} of {name}")
                            if (k := gaz.lookup(form)) and entries[k].kind == "document"), None)
                if key:
                    result.append(new_mention(message, "document", key, m.start(), m.end(), EXTRACTOR,
                                              entries[key].label))
                    break
            else:
                continue
            break
    return result


# "the WSIS+10 process (with its outcome document)": the outcome of the process named just before.
_OUTCOME = Rare(re.compile(r"\b(?:its|the|their)\s+(outcome\s+(?:document|statement|text))\b", re.IGNORECASE), "outcome")
_PROCESS_WORDS = re.compile(r"\s+(?:process|review|meeting|summit|negotiations?)$", re.IGNORECASE)


def _outcomes(message: Message, docs: list[Mention]) -> list[Mention]:
    """ "its outcome document" -> the KB outcome document of the nearest event or body before it (same paragraph)."""
    text = message.text
    gaz = gazetteer_for()
    entries = current_kb().entries
    # the events extractor runs later: the KB matches of the text are the owners to look at
    owners = sorted((s, e, k) for s, e, k, kind in kb_spans(message) if kind in ("event", "organization"))
    seen = covered(docs)
    result = []
    for m in _OUTCOME.finditer(text):
        if seen.overlaps(m.start(), m.end()):
            continue
        paragraph = text.rfind("\n\n", 0, m.start())
        before = [o for o in owners if paragraph < o[0] and o[1] <= m.start() and m.start() - o[1] <= 200]
        for start, end, owner in before[-1:]:
            entry = entries[owner]
            names = [_PROCESS_WORDS.sub("", n) for n in (text[start:end], entry.label, *entry.acronyms)]
            key = next((k for n in names for form in (f"{n} {m.group(1)}", f"{m.group(1)} of the {n}")
                        if (k := gaz.lookup(form)) and entries[k].kind == "document"), None)
            if key:
                result.append(new_mention(message, "document", key, m.start(1), m.end(1), EXTRACTOR,
                                          entries[key].label))
    return result


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Document mentions: KB titles, extracted titles, PDF links and cited paragraphs."""
    mentions = kb_mentions(message, found, "document", EXTRACTOR)
    mentions += _parents_of_paragraphs(message, mentions)
    prior = [m for m in found.mentions if m.kind == "document"]
    mentions += _title_mentions(message, prior + mentions)
    mentions += _generic_titles(message, list(found.mentions), prior + mentions)
    mentions += _outcomes(message, prior + mentions)
    docs = prior + mentions
    mentions += _pdf_mentions(message, docs)
    mentions += _paragraph_mentions(message, docs)
    return ExtractionResult(message.id, tuple(mentions))
