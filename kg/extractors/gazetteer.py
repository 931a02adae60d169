"""One compiled matcher over every knowledge-base surface form: leftmost-longest, linear, offset-exact."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from kg.extractors.text import FoldedText, Spans, fold_match, fold_with_offsets, protected_spans
from kg.kb import KBEntry, KnowledgeBase, load_kb

# When one surface form names several entries (rare), the more specific kind is preferred.
KIND_ORDER = ("document", "organization", "event", "concept", "place")


@dataclass(frozen=True)
class GazetteerMatch:
    """One KB surface form found in a text: original offsets, the entry, and how it matched."""

    start: int
    end: int
    key: str
    kind: str
    surface: str
    exact_case: bool  # True for acronyms and all-capital forms, matched case-sensitively


def trie_regex(words: list[str]) -> str:
    """A regex alternation of `words` factored as a character trie, so matching stays linear.

    A plain "A|AB|ABC" alternation tries every branch at every position; the trie form
    "A(?:B(?:C)?)?" tries one branch per character, longest first.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


def _is_exact_case(form: str) -> bool:
    # "US", "EU", "DNS.PT": all-capital forms are acronyms in disguise; "us" must not match them.
    letters = [c for c in form if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(letters) <= 8


@dataclass
class Gazetteer:
    """Every surface form of a knowledge base, compiled into two trie regexes (exact / folded)."""

    exact: dict[str, list[str]]  # surface form -> keys (case-sensitive)
    folded: dict[str, list[str]]  # fold_match(form) -> keys
    kinds: dict[str, str]
    exact_re: re.Pattern | None
    folded_re: re.Pattern | None
    # find() of short texts (signature lines, labels, titles), which recur across messages
    _found: dict[str, tuple[GazetteerMatch, ...]] = field(default_factory=dict, init=False, repr=False,
                                                           compare=False)

    @classmethod
    def build(cls, entries: list[KBEntry]) -> "Gazetteer":
        """Compile the surface forms of `entries`."""
        exact: dict[str, set[str]] = {}
        folded: dict[str, set[str]] = {}
        for entry in entries:
            for acronym in entry.acronyms:
                if len(acronym) >= 2:
                    exact.setdefault(acronym, set()).add(entry.key)
            for form in (entry.label, *entry.alt_labels):
                if _is_exact_case(form):
                    exact.setdefault(form, set()).add(entry.key)
                elif len(key := fold_match(form)) >= 3:
                    folded.setdefault(key, set()).add(entry.key)
        exact_re = folded_re = None
        if exact:
            exact_re = re.compile(r"(?<![\w.+-])(?:" + trie_regex(sorted(exact)) + r")(?![\w+]|[.-]\w)")
        if folded:
            folded_re = re.compile(r"(?<![a-z0-9])(?:" + trie_regex(sorted(folded)) + r")(?![a-z0-9])")
        return cls({k: sorted(v) for k, v in exact.items()}, {k: sorted(v) for k, v in folded.items()},
                   {e.key: e.kind for e in entries}, exact_re, folded_re)

    def _choose(self, keys: list[str], context: set[str]) -> str:
        # Prefer an entry named another way in the same message, then the more specific kind.
        return min(keys, key=lambda k: (k not in context, KIND_ORDER.index(self.kinds[k])
                                        if self.kinds[k] in KIND_ORDER else 9, k))

    def lookup(self, surface: str) -> str | None:
        """The KB key whose surface form is exactly `surface` (acronym case-sensitively), or None."""
        keys = self.exact.get(surface.strip()) or self.folded.get(fold_match(surface))
        return self._choose(keys, set()) if keys else None

    def find(self, text: str) -> list[GazetteerMatch]:
        """Leftmost-longest, non-overlapping KB matches in `text`, none inside a URL or an address."""
        if len(text) > _SHORT:
            return self._find(text)  # a whole message: kb_matches caches those
        hit = self._found.get(text)
        if hit is None:
            if len(self._found) >= 8192:
                self._found.clear()  # bounded memory; refilled from the lines in use
            hit = self._found[text] = tuple(self._find(text))
        return list(hit)

    def _find(self, text: str) -> list[GazetteerMatch]:
        candidates: list[tuple[int, int, list[str], bool]] = []
        if self.exact_re is not None:
            for m in self.exact_re.finditer(text):
                candidates.append((m.start(), m.end(), self.exact[m.group()], True))
        if self.folded_re is not None:
            ft: FoldedText = fold_with_offsets(text)
            for m in self.folded_re.finditer(ft.folded):
                if m.end() > m.start():
                    start, end = ft.span(m.start(), m.end())
                    candidates.append((start, end, self.folded[m.group()], False))
        blocked = Spans.of(protected_spans(text))
        candidates.sort(key=lambda c: (c[0], -c[1]))
        chosen: list[tuple[int, int, list[str], bool]] = []
        for cand in candidates:
            if chosen and cand[0] < chosen[-1][1]:
                continue
            if not blocked.overlaps(cand[0], cand[1]):
                chosen.append(cand)
        context = {k for c in chosen if len(c[2]) == 1 for k in c[2]}
        result = []
        for start, end, keys, exact in chosen:
            key = self._choose(keys, context)
            result.append(GazetteerMatch(start, end, key, self.kinds[key], text[start:end], exact))
        return result


_SHORT = 300  # texts up to this length have their find() results cached


@functools.lru_cache(maxsize=4)
def _compiled(kb_id: int) -> Gazetteer:
    return Gazetteer.build(list(_KBS[kb_id].entries.values()))


_KBS: dict[int, KnowledgeBase] = {}


def gazetteer_for(kb: KnowledgeBase | None = None) -> Gazetteer:
    """The compiled gazetteer of `kb` (default: the project KB), built once per KB object."""
    kb = kb if kb is not None else current_kb()
    _KBS[id(kb)] = kb
    return _compiled(id(kb))


_OVERRIDE: list[KnowledgeBase] = []


def current_kb() -> KnowledgeBase:
    """The KB the extractors use: the project's, unless a test or the scorer set another with use_kb."""
    return _OVERRIDE[-1] if _OVERRIDE else load_kb()


def use_kb(kb: KnowledgeBase | None) -> None:
    """Make `kb` the KB of every extractor (None: back to the project KB). For tests and the scorer."""
    _OVERRIDE.clear()
    if kb is not None:
        _OVERRIDE.append(kb)
    kb_matches.cache_clear()


@functools.lru_cache(maxsize=64)
def kb_matches(text: str) -> tuple[GazetteerMatch, ...]:
    """All KB matches of a message text with the current KB (cached: every kind module asks)."""
    return tuple(gazetteer_for().find(text))
