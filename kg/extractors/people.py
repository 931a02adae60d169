"""People named in the author's own words: full names, titled names, and first-name references with a cue."""

from __future__ import annotations

import functools
import re

from kg.extractors.common import author_key, context, in_signature, natural_order, new_mention
from kg.extractors.kbmatch import kb_spans
from kg.extractors.lexicon import ARTICLES, MEDIA_AND_OFFICE, NAME_PARTICLES, NOT_NAMES, TITLES, is_given_name
from kg.extractors.phrases import Token, head_kind, tokens
from kg.extractors.text import Rare, Spans, fold
from kg.model import ExtractionResult, Mention, Message

NAME = "people"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ]?[a-zß-öø-ÿ]+)?"
# Cues that put a first name (or a full name) right after them: "I agree with Wolfgang",
# "Thanks, Paul", "Dear Ana", "Supporting both Vint and Anriette", "+1 Chuck", "Per Michael's point".
_CUE_BEFORE = re.compile(
    # The zero-width guard first states what every cue starts with (a word boundary and one of these
    # letters, or "+1"): same matches, but most positions fail one test instead of fifteen.
    r"(?:\b(?=[AaDdCcTtMmHhOoBbSsEePpLl])|(?=\+1))"
    r"(?:\b(?:[Aa]gree[sd]?|[Dd]isagree[sd]?|[Cc]oncur)\s+(?:fully\s+|entirely\s+|completely\s+)?with"
    r"|\b(?:[Tt]hanks|[Tt]hank you|[Mm]any thanks),?(?:\s+to)?|\b(?:[Dd]ear|[Hh]i|[Hh]ello|[Hh]ey|[Hh]ola|[Oo]lá|[Bb]onjour)"
    r"|\b(?:[Ss]upporting|[Ss]upport|[Ss]econd(?:ing)?|[Ee]ndorse|[Ee]cho(?:ing)?)(?:\s+both)?|\+1(?:\s+(?:to|with))?|\b[Pp]er|\b[Ll]ike)"
    rf"[ \t]*,?[ \t]+({_NAME_WORD})((?:[ \t]*(?:,|and|&)[ \t]*{_NAME_WORD})*)\b(?![ \t]+[A-Z][a-z])"
)
_CUE_AFTER = Rare(  # a text without any of the words after the regex is not scanned
    re.compile(rf"\b(?:as\s+)?({_NAME_WORD})(?:[’'´]s\s+(?:point|proposal|suggestion|idea|comment|text|note|draft|message|email)"
               r"|\s+(?:pointed out|said|noted|mentioned|suggested|wrote|proposed|argued|explained|rightly))\b"),
    "point", "proposal", "suggestion", "idea", "comment", "text", "note", "draft", "message", "email", "said", "mentioned",
    "suggested", "wrote", "proposed", "argued", "explained", "rightly")
# "On <date>, Veni Markovski wrote:" kept unquoted in the author's text: the name is certain.
_WROTE = re.compile(rf"\b({_NAME_WORD}(?:[ \t]+(?:[A-Z]\.?|{_NAME_WORD})){{1,3}})[ \t]*(?:<[^>\n]*>[ \t]*)?wrote:")
_PRONOUNS = frozenset("it this that he she they we you i who which everyone someone nobody one".split())
_NOT_FIRST_NAMES = NOT_NAMES | frozenset("all everyone everybody colleagues friends members folks team sir madam chair "
                                        "co-chairs chairs you them him her".split())


_NAME_WORD_RE = re.compile(_NAME_WORD)
_INITIAL = re.compile(r"[A-Z]{1,2}")
_ONE_CAPITAL = re.compile(r"[A-Z]")
# Titles without their dot ("dr", "prof"), computed once rather than for every token.
_TITLE_WORDS = frozenset(t.rstrip(".") for t in TITLES)


def _is_name_word(tok: Token) -> bool:
    return _is_name_text(tok.text)


@functools.lru_cache(maxsize=8192)  # a pure function of the token text, asked for most tokens
def _is_name_text(text: str) -> bool:
    lower = Token(0, len(text), text).lower  # the same lower case as every token's
    return bool(_NAME_WORD_RE.fullmatch(text)) and lower not in NOT_NAMES and not head_kind(lower)


def _particles_then_name(toks: list[Token], j: int) -> bool:
    # "Peter van der Berg": particles count only when a capitalised name follows them.
    while j < len(toks) and toks[j].text in NAME_PARTICLES:
        j += 1
    return j < len(toks) and _is_name_word(toks[j])


def _full_names(message: Message, start: int, end: int) -> list[tuple[int, int, str, str | None]]:
    """(start, end, name, title) of "First [Middle|F.|das] Last" runs starting with a known given name."""
    text = message.text
    toks = tokens(text, start, end)
    found = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not tok.text[:1].isupper():
            i += 1  # most tokens: a lower-case word is neither a title nor a name word
            continue
        title = None
        first = i
        if tok.lower.rstrip(".") in _TITLE_WORDS:
            title = tok.text
            first = i + 1 if i + 1 < len(toks) and toks[i + 1].text != "." else i + 2
            if first >= len(toks):
                break
        if first >= len(toks) or not _is_name_word(toks[first]):
            i += 1
            continue
        if title is None and (not is_given_name(toks[first].text) or toks[first].lower in ARTICLES):
            i += 1
            continue
        j, last = first + 1, first if title else None
        while j < len(toks) and j - first < 5:
            t, prev = toks[j], toks[j - 1]
            if "\n" in text[prev.end:t.start] or text[prev.end:t.start].strip():
                break
            if t.lower in MEDIA_AND_OFFICE:
                last = None  # "Financial Times", "Diario de Chihuahua": a periodical or an office
                break
            if _is_name_word(t):
                last = j
            elif _INITIAL.fullmatch(t.text) and j + 1 < len(toks):
                pass  # an initial: "Ana Cristina F. Amoroso", "Olivier MJ Crepin-Leblond"
            elif t.text == "." and _ONE_CAPITAL.fullmatch(prev.text):
                pass
            elif t.text in NAME_PARTICLES and _particles_then_name(toks, j):
                pass
            else:
                break
            j += 1
        if last is not None and (last > first or title):
            name = " ".join(text[toks[first].start:toks[last].end].split())
            found.append((toks[i].start if title else toks[first].start, toks[last].end, name, title))
            i = last + 1
        else:
            i += 1
    return found


def extract(message: Message, found: ExtractionResult) -> ExtractionResult:
    """Person mentions in the body: full names, titled names, cued first names, the sign-off name."""
    ctx = context(message)
    text = message.text
    body_end = ctx.signature[0] if ctx.signature else len(text)
    others = Spans.of([(m.evidence.start, m.evidence.end) for m in found.mentions if m.kind != "person"]
                      + [(s, e) for s, e, _, _ in kb_spans(message)])

    def free(start: int, end: int) -> bool:
        return not ctx.blocked.overlaps(start, end) and not others.overlaps(start, end)

    mentions: list[Mention] = []
    spans: set[tuple[int, int]] = set()
    starts: dict[int, int] = {}

    def add(start: int, end: int, key: str, label: str) -> None:
        # a shorter reading inside a name already found is no new person ("Wolfgang" in "Wolfgang X")
        if (start, end) in spans or any(s <= start and end <= starts[s] for s in range(max(0, start - 60), start + 1)
                                        if s in starts) or in_signature(ctx, start, end):
            return
        spans.add((start, end))
        starts[start] = max(starts.get(start, 0), end)
        mentions.append(new_mention(message, "person", key, start, end, EXTRACTOR, label))

    for m in (_WROTE.finditer(text, 0, body_end) if "wrote:" in text else ()):  # skip the scan when it cannot match
        if free(m.start(1), m.end(1)):
            add(m.start(1), m.end(1), "person:" + fold(natural_order(m.group(1))), m.group(1))
    for start, end, name, title in _full_names(message, 0, body_end):
        if free(start, end):
            add(start, end, "person:" + fold(name), " ".join(text[start:end].split()) if title else name)
    for m in _CUE_BEFORE.finditer(text, 0, body_end):
        names = [(m.start(1), m.end(1))]
        names += [(m.start(2) + n.start(), m.start(2) + n.end()) for n in re.finditer(r"[^\W\d_][\w-]*", m.group(2))
                  if n.group() != "and"]
        for start, end in names:
            word = text[start:end]
            if word.lower() not in _NOT_FIRST_NAMES and free(start, end):
                add(start, end, "person:" + fold(word), word)
    for m in _CUE_AFTER.finditer(text, 0, body_end):
        word = m.group(1)
        # "It proposed four models": a pronoun or a sentence-initial common word is not a name
        initial = not text[:m.start(1)].rstrip(" \t\"“(") or text[:m.start(1)].rstrip(" \t\"“(")[-1] in ".!?\n:"
        if word.lower() in _PRONOUNS or (initial and not is_given_name(word)):
            continue
        if word.lower() not in _NOT_FIRST_NAMES and free(m.start(1), m.end(1)):
            add(m.start(1), m.end(1), "person:" + fold(word), word)
    mentions += _sign_off(message, body_end)
    return ExtractionResult(message.id, tuple(mentions))


def _sign_off(message: Message, body_end: int) -> list[Mention]:
    # The author's first name (or initials) alone on the last line of the body: "Paul", "wolfgang", "ar".
    key = author_key(message)
    if key is None:
        return []
    author = key.split(":", 1)[1].split()
    initials = "".join(w[0] for w in author)
    # the parser (or the fallback) may have put the lone first name at the top of the signature
    sig_first = message.text[body_end:].lstrip("\n").split("\n", 1)[0]
    scope = body_end + (message.text[body_end:].find(sig_first) + len(sig_first) if sig_first.strip() else 0)
    for line in reversed(message.text[:scope].splitlines(keepends=True)[-6:]):
        word = line.strip().strip(",.-/*")
        if not word:
            continue
        start = message.text.rfind(word, 0, scope)
        if fold(word) in (author[0], initials) or (len(fold(word)) > 2 and author[0].startswith(fold(word))):
            return [new_mention(message, "person", key, start, start + len(word), EXTRACTOR, word)]
        if len(word.split()) > 1 and fold(word) != " ".join(author):
            return []
    return []
