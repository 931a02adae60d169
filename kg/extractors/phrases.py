"""Tokens and capitalised phrases ("Department for Science, Innovation & Technology") with their head noun."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass
from typing import NamedTuple

from kg.extractors.lexicon import CONNECTORS, DOC_HEADS, EVENT_HEADS, GENERIC, ORG_HEADS

# A word keeps inner dots, pluses, apostrophes and hyphens: "DNS.PT", "WSIS+20", "ICANN´s", "High-Level".
# (The inner run is possessive: the same tokens, matched a run at a time rather than a character.)
_TOKEN = re.compile(r"[^\W_](?:[\w’'´+&-]++|[./](?=[^\W_]))*|&|[^\w\s]")
_PREPOSITIONS = frozenset("of for on in to against".split())
_LEADING_JUNK = CONNECTORS | frozenset(
    "dear hi hello hey thanks thank best regards cheers yes no ok okay sorry please note see fw fwd subject "
    "sent date monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december but or so "
    "a an our their this that these those its his her my your as also both while when if by from at with "
    "per re what about since after before during under within without between among".split()
)


class Token(NamedTuple):
    """One word or punctuation mark with its offsets."""

    # A named tuple, not a frozen dataclass: a message has hundreds of tokens and a tuple is built
    # several times faster (it stays immutable, with the same fields and repr).

    start: int
    end: int
    text: str

    @property
    def lower(self) -> str:
        """The token in lower case, without a possessive ending: "ICANN´s" -> "icann"."""
        return _lower(self.text)

    @property
    def capitalised(self) -> bool:
        """True for "Board", "DNS.PT", "WSIS+20", "São"; False for "of", "2025", ","."""
        return self.text[:1].isupper()


@functools.lru_cache(maxsize=16384)  # asked many times per token by every pattern; words recur
def _lower(text: str) -> str:
    if len(text) > 1 and text[-1] == "s" and text[-2] in "’'´":  # what re.sub(r"[’'´]s$", "") removes
        text = text[:-2]
    return text.lower()


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of text[start:end] with offsets into `text`."""
    end = len(text) if end is None else end
    return list(_tokens(text, start, end))


@functools.lru_cache(maxsize=256)
def _tokens(text: str, start: int, end: int) -> tuple[Token, ...]:
    # Cached: several extractors tokenise the same message body and signature lines.
    if start < end < len(text):
        return _prefix_tokens(_tokens(text, start, len(text)), text, end)
    return _scan(text, start, end)


def _scan(text: str, start: int, end: int) -> tuple[Token, ...]:
    new = tuple.__new__  # Token(...) without the Python-level __new__ of a named tuple
    return tuple([new(Token, (*m.span(), m.group())) for m in _TOKEN.finditer(text, start, end)])


def _prefix_tokens(full: tuple[Token, ...], text: str, end: int) -> tuple[Token, ...]:
    """The tokens of text[start:end] from those of text[start:] (the body's from the whole message's).

    A token of the whole text that ends by `end` is the same token in the shorter text (no token
    looks further than one character past its end, and it did not extend); only a token straddling
    `end` is scanned again, cut at `end`.
    """
    kept = bisect.bisect_right(full, end, key=lambda t: t.end)
    rest = ()
    if kept < len(full) and full[kept].start < end:
        rest = _scan(text, full[kept].start, end)
    return full[:kept] + rest


@dataclass(frozen=True)
class Phrase:
    """A name built around a head noun: "High-Level Advisory Board on Effective Multilateralism"."""

    kind: str  # organization | document | event
    tokens: tuple[Token, ...]

    @property
    def start(self) -> int:
        """Offset of the first token."""
        return self.tokens[0].start

    @property
    def end(self) -> int:
        """Offset after the last token."""
        return self.tokens[-1].end

    def words(self) -> list[str]:
        """Lower-case words, connectors included."""
        return [t.lower for t in self.tokens if t.text not in ",&"]

    def content_words(self) -> list[str]:
        """Words that are neither connectors, heads nor generic adjectives."""
        return [w for w in self.words() if w not in CONNECTORS and w not in GENERIC and not head_kind(w)]


@functools.lru_cache(maxsize=8192)  # a pure function of a short word, asked for every capitalised token
def head_kind(word: str) -> str | None:
    """'organization', 'document' or 'event' when `word` is a head noun of that kind."""
    word = word.strip(".").lower()
    if word in ORG_HEADS or (word.endswith("s") and word[:-1] in ORG_HEADS):
        return "organization"
    if word in DOC_HEADS:
        return "document"
    if word in EVENT_HEADS or (word.endswith("s") and word[:-1] in EVENT_HEADS):
        return "event"
    return None


def _joined(text: str, left: Token, right: Token) -> bool:
    # Words of one name sit on one line or across a single line break ("Global Commission on Just\nand").
    gap = text[left.end:right.start]
    return gap.count("\n") <= 1 and not gap.strip()


def named_phrases(text: str, start: int = 0, end: int | None = None) -> list[Phrase]:
    """Names anchored on a capitalised head noun: modifiers + head + "of/on/for" + capitalised tail.

    "Department for Science, Innovation & Technology", "Global Commission on Just and Sustainable
    Digitalization", "UN Cybercrime Convention". The tail stops at "and the" (a new conjunct).
    """
    return list(_named_phrases(text, start, len(text) if end is None else end))


@functools.lru_cache(maxsize=64)
def _named_phrases(text: str, start: int, end: int) -> tuple[Phrase, ...]:
    # Cached: the organization, document and event extractors all read the phrases of one message.
    toks = _tokens(text, start, end)
    result: list[Phrase] = []
    n = len(toks)
    for i, tok in enumerate(toks):
        if not tok.text[:1].isupper():  # tok.capitalised, inlined: this loop sees every token
            continue
        kind = head_kind(tok.lower)
        if not kind:
            continue
        j = i
        # modifiers stay on the head's line: "Best Rikke\nWSIS Civil Society Statement" is no title
        while j > 0 and toks[j - 1].capitalised and "\n" not in text[toks[j - 1].end:toks[j].start] \
                and _joined(text, toks[j - 1], toks[j]) \
                and toks[j - 1].lower not in _LEADING_JUNK:
            j -= 1
        last = i
        m = i + 1
        if m < n and toks[m].lower in _PREPOSITIONS and _joined(text, toks[i], toks[m]):
            m += 1
            while m < n:
                t = toks[m]
                if not _joined(text, toks[m - 1], t):
                    break
                if t.capitalised:
                    last = m
                    m += 1
                elif t.lower == "the" and toks[m - 1].lower in _PREPOSITIONS:
                    m += 1
                elif (t.lower in ("and", "&", "of", "for", "on", "de", "la", "du") or t.text == ",") \
                        and m + 1 < n and toks[m + 1].capitalised and toks[m + 1].text.upper() != toks[m + 1].text:
                    m += 1
                else:
                    break
        run = list(toks[j:last + 1])
        while run and (run[0].lower in _LEADING_JUNK or run[0].text in ",&"):
            run.pop(0)
        if run:
            result.append(Phrase(kind, tuple(run)))
    # A head inside another name's tail belongs to that name ("Commission on ... Development Council").
    result.sort(key=lambda p: (p.start, -p.end))
    kept: list[Phrase] = []
    for phrase in result:
        if any(k.start <= phrase.start and phrase.end <= k.end and k.kind == phrase.kind for k in kept):
            continue
        kept.append(phrase)
    return tuple(kept)
