"""Mention keys -> entities with stable IRIs: the only place that mints IRIs, and where merges are decided."""

from __future__ import annotations

import hashlib
import hmac
import re
import urllib.parse
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.kb import KB_BASE, KnowledgeBase
from kg.model import Entity, ExtractionResult, MergeDecision, Message
from kg.text_norm import edit_distance, fold, slugify

KIND_PATHS = {
    "organization": "org",
    "document": "doc",
    "concept": "concept",
    "event": "event",
    "place": "place",
}
# Honorifics that precede a name but are not part of it ("Ambassador Khan", "Dr. Singh").
TITLES = frozenset(
    "ambassador amb dr prof professor mr mrs ms mme sr sra h e he hon minister sir dame".split()
)


class Minter:
    """Mints every IRI from a stable key under one base IRI (never from counters or run order)."""

    def __init__(self, base_iri: str, person_key: str):
        self.base = base_iri
        self._person_key = person_key.encode()

    def _path(self, *parts: str) -> str:
        return self.base + "/".join(urllib.parse.quote(p, safe="-._~") for p in parts)

    def post(self, message_id: str) -> str:
        """A post's IRI from its Message-ID or content key."""
        return self._path("post", message_id.strip("<>"))

    def post_graph(self, message_id: str) -> str:
        """The named graph holding what was extracted from one message."""
        return self._path("graph", "post", message_id.strip("<>"))

    def forum(self, list_name: str) -> str:
        """A mailing list (sioc:Forum)."""
        return self._path("list", slugify(list_name) or "unknown")

    def person(self, identity_key: str) -> str:
        """An opaque person IRI: a keyed hash, so no name or address can be read from it."""
        digest = hmac.new(self._person_key, identity_key.encode(), hashlib.sha256).hexdigest()
        return self.base + "person/" + digest[:24]

    def entity(self, key: str) -> str:
        """KB keys keep their path ("org/cstd"); open-world keys "<kind>:<label>" get a slug."""
        if ":" not in key:
            return self.base + urllib.parse.quote(key, safe="/-._~")
        kind, label = key.split(":", 1)
        return self._path(KIND_PATHS.get(kind, kind), slugify(label) or label)

    def hashed(self, kind: str, *parts: str) -> str:
        """Annotations, memberships and other nodes identified by what they say."""
        digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]
        return self.base + f"{kind}/{digest}"

    def graph(self, name: str) -> str:
        """The fixed graphs: kb, inferred, meta."""
        return self._path("graph", name)

    def extractor(self, name_version: str) -> str:
        """An extractor as a prov:SoftwareAgent."""
        return self._path("extractor", name_version.replace("@", "-"))

    def rebase(self, kb_iri: str) -> str:
        """A KB IRI (read against KB_BASE) under the configured base."""
        return self.base + kb_iri[len(KB_BASE):] if kb_iri.startswith(KB_BASE) else kb_iri


@dataclass
class Resolution:
    """Every entity by canonical key, the map from each mention key to it, and the merge log."""

    entities: dict[str, Entity] = field(default_factory=dict)
    canonical: dict[str, str] = field(default_factory=dict)
    merges: list[MergeDecision] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # person keys that could not be resolved

    def resolve(self, key: str) -> str | None:
        """The canonical key of an entity key (None when it was dropped as unresolvable)."""
        return self.canonical.get(key)


# German umlauts are written both ways ("Kleinwächter", "Kleinwaechter") and folded accents lose
# the e ("Löfven" -> "lofven"): collapsing ae/oe/ue to a/o/u makes the variants one key.
_TRANSLIT = str.maketrans({"ß": "ss"})
# Common English short forms of given names: "Bill Drake" and "William Drake" are one person when
# the surname agrees. Only the given name is compared this way, never a surname.
NICKNAMES = {
    "bill": "william", "will": "william", "billy": "william", "bob": "robert", "rob": "robert",
    "bobby": "robert", "dick": "richard", "rick": "richard", "rich": "richard", "jim": "james",
    "jimmy": "james", "mike": "michael", "tom": "thomas", "tony": "anthony", "chuck": "charles",
    "charlie": "charles", "dave": "david", "steve": "stephen", "chris": "christopher", "kate": "katherine",
    "liz": "elizabeth", "beth": "elizabeth", "jenny": "jennifer", "andy": "andrew", "alex": "alexander",
    "nick": "nicholas", "ted": "edward", "ed": "edward", "joe": "joseph", "dan": "daniel", "ben": "benjamin",
    "sam": "samuel", "matt": "matthew", "pat": "patrick", "peggy": "margaret", "maggie": "margaret",
}


def name_tokens(name: str) -> list[str]:
    """Folded tokens of a person's name without honorifics or a bracketed note: "Ambassador Kahn" -> ["kahn"].

    "Ian Peter ( ongoing Co-coordinator)" -> ["ian", "peter"]: a display name's parenthesis is a role.
    """
    name = re.sub(r"\([^)]*\)?", " ", name)
    tokens = [t.replace("ae", "a").replace("oe", "o").replace("ue", "u")
              for t in fold(name.translate(_TRANSLIT)).split()]
    while tokens and tokens[0] in TITLES:
        tokens = tokens[1:]
    return tokens


def person_key(name: str) -> str:
    """The identity key of a person name: "person:" + folded tokens."""
    return "person:" + " ".join(name_tokens(name))


def threads(messages: Iterable[Message]) -> dict[str, str]:
    """Message id -> thread id: connected components over parent links (smallest id names each)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for m in messages:
        find(m.id)
        if m.parent_id:
            a, b = find(m.id), find(m.parent_id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {m: find(m) for m in list(parent)}


class _PeopleClusters:
    """Union-find over person keys, remembering the rule of every merge."""

    def __init__(self):
        self.parent: dict[str, str] = {}
        self.merges: list[MergeDecision] = []

    def find(self, key: str) -> str:
        while self.parent.setdefault(key, key) != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, a: str, b: str, rule: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        kept, merged = sorted((ra, rb), key=lambda k: (-len(k.split()), k))
        self.parent[merged] = kept
        self.merges.append(MergeDecision(kept, merged, rule))


def _full_name_merges(clusters: _PeopleClusters, names: dict[str, set[str]], thread_of_key: dict[str, set[str]]):
    """Merge full names that are one person: same first (or short form of it) and last name, middle
    names aside; within one thread, the same first name and a surname one edit away ("Hendron" /
    "Hendon"), or a name that is the end of a longer one ("Johnson Sirleaf" / "Ellen Johnson Sirleaf")."""
    full = sorted(k for k in names if len(k.split()) >= 2)
    # "SCHOMBE BAUDOUIN" / "Baudouin SCHOMBE": a surname written first is the same two-word name
    by_tokens: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in full:
        by_tokens[tuple(sorted(key.split(":", 1)[1].split()))].append(key)
    for keys in by_tokens.values():
        for other in keys[1:]:
            clusters.union(keys[0], other, "same name words, surname first")
    by_first: dict[str, list[str]] = defaultdict(list)
    for key in full:
        first = key.split(":", 1)[1].split()[0]
        by_first[NICKNAMES.get(first, first)].append(key)
    for a in full:
        tail = a.split(":", 1)[1].split()
        for b in full:
            longer = b.split(":", 1)[1].split()
            if len(longer) > len(tail) >= 2 and longer[-len(tail):] == tail and thread_of_key[a] & thread_of_key[b]:
                clusters.union(a, b, "the end of a longer name in the same thread")
    for first, keys in sorted(by_first.items()):
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                la, lb = a.split()[-1], b.split()[-1]
                if la == lb:
                    clusters.union(a, b, "same first and last name")
                elif (min(len(la), len(lb)) >= 5 and edit_distance(la, lb, 1) <= 1
                      and thread_of_key[a] & thread_of_key[b]):
                    clusters.union(a, b, "same first name, surname one edit away, same thread")


def resolve_people(messages: list[Message], results: dict[str, ExtractionResult]) -> tuple[
        dict[str, str], dict[str, Counter], list[MergeDecision], list[str], set[str]]:
    """Cluster person keys: same address, name variants, and first names resolved within a thread.

    Returns key -> canonical key, canonical key -> Counter of surface names (authors weigh more),
    the merge log, the keys dropped as unresolvable, and the canonical keys that authored a message.
    """
    thread_of = threads(messages)
    names: dict[str, set[str]] = defaultdict(set)  # key -> surface forms
    thread_of_key: dict[str, set[str]] = defaultdict(set)
    weight: dict[str, Counter] = defaultdict(Counter)
    authors: set[str] = set()
    by_address: dict[str, set[str]] = defaultdict(set)
    for m in messages:
        if m.author and m.author.name:
            key = person_key(m.author.name)
            if key == "person:":
                continue
            names[key].add(m.author.name)
            weight[key][m.author.name] += 10  # the name people sign their mail with counts most
            thread_of_key[key].add(thread_of.get(m.id, m.id))
            authors.add(key)
            if m.author.address:
                by_address[m.author.address.casefold()].add(key)
        for mention in results.get(m.id, ExtractionResult(m.id)).mentions:
            if mention.kind != "person":
                continue
            surface = mention.label or mention.surface
            key = person_key(surface)
            if key == "person:":
                continue
            names[key].add(surface)
            weight[key][surface] += 1
            thread_of_key[key].add(thread_of.get(m.id, m.id))
    clusters = _PeopleClusters()
    for key in names:
        clusters.find(key)
    for address, keys in sorted(by_address.items()):
        ordered = sorted(keys)
        for other in ordered[1:]:
            clusters.union(ordered[0], other, "same address")
    _full_name_merges(clusters, names, thread_of_key)
    # A lone first name ("Wolfgang", "Raul") is the one full-named person of that first name in the
    # same thread; if there is none or several, it stays unresolved (never guessed).
    dropped: list[str] = []
    full_by_thread_first: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key in names:
        tokens = key.split(":", 1)[1].split()
        if len(tokens) >= 2:
            for thread in thread_of_key[key]:
                full_by_thread_first[(thread, tokens[0])].add(clusters.find(key))
    for key in sorted(names):
        tokens = key.split(":", 1)[1].split()
        if len(tokens) != 1:
            continue
        if any(fold(surface).split()[0] in TITLES for surface in names[key]):
            continue  # "Ambassador Kahn" names a person by title and surname: kept, not a first name
        candidates = set()
        for thread in thread_of_key[key]:
            candidates |= full_by_thread_first.get((thread, tokens[0]), set())
        if len(candidates) == 1:
            clusters.union(next(iter(candidates)), key, "first name resolved within the thread")
        elif key not in authors:
            dropped.append(key)
    canonical = {k: clusters.find(k) for k in names if k not in dropped}
    surfaces: dict[str, Counter] = defaultdict(Counter)
    for key, root in canonical.items():
        surfaces[root].update(weight[key])
    author_roots = {canonical[k] for k in authors if k in canonical}
    return canonical, surfaces, clusters.merges, dropped, author_roots


def _kb_label_index(kb: KnowledgeBase) -> dict[tuple[str, str], str]:
    index: dict[tuple[str, str], str] = {}
    for entry in sorted(kb.entries.values(), key=lambda e: e.key):
        for label in (entry.label, *entry.alt_labels):
            index.setdefault((entry.kind, fold(label)), entry.key)
    return index


def resolve(messages: list[Message], results: dict[str, ExtractionResult], kb: KnowledgeBase,
            minter: Minter) -> Resolution:
    """Resolve every mention and relation key of a build to one entity each."""
    res = Resolution()
    canonical, surfaces, merges, dropped, _ = resolve_people(messages, results)
    res.merges.extend(merges)
    res.dropped.extend(dropped)
    for key, root in canonical.items():
        res.canonical[key] = root
    for root, counter in surfaces.items():
        # The most used form wins (author headers weigh 10, each mention 1); a tie goes to the full
        # name (at least two words), then alphabetically: never to the longer form, which is as often
        # the misspelt one ("David Hendron" / "David Hendon").
        ranked = sorted(counter.items(), key=lambda kv: (-kv[1], len(kv[0].split()) < 2, kv[0]))
        label = ranked[0][0]
        alts = tuple(sorted({s for s, _ in ranked[1:]} - {label}))
        res.entities[root] = Entity(root, "person", minter.person(root), label, alts)

    kb_index = _kb_label_index(kb)
    seen_labels: dict[str, Counter] = defaultdict(Counter)
    kinds: dict[str, str] = {}
    for result in results.values():
        for mention in result.mentions:
            if mention.kind == "person":
                continue
            seen_labels[mention.key][mention.label or mention.surface] += 1
            kinds[mention.key] = mention.kind
        for rel in result.relations:
            for key in (rel.subject, rel.org, None if rel.object_is_literal else rel.object):
                if key and not key.startswith("person:") and key not in kinds:
                    kinds[key] = _kind_of_key(key, kb)
    plural_of = _plurals(kinds)
    for key in sorted(kinds):
        if key in plural_of:
            continue
        _resolve_thing(res, key, kinds[key], seen_labels.get(key, Counter()), kb, kb_index, minter)
    for key, singular in sorted(plural_of.items()):
        res.canonical[key] = res.canonical[singular]
        res.merges.append(MergeDecision(res.canonical[singular], key, "plural of an open-world name"))
    return res


def _plurals(kinds: dict[str, str]) -> dict[str, str]:
    """Open-world keys that are the plural of another key of the same kind: "Open Forums" -> "Open Forum"."""
    result = {}
    for key, kind in kinds.items():
        if ":" in key and key.endswith("s") and kinds.get(key[:-1]) == kind:
            result[key] = key[:-1]
    return result


def _kind_of_key(key: str, kb: KnowledgeBase) -> str:
    if key in kb.entries:
        return kb.entries[key].kind
    if ":" in key:
        return key.split(":", 1)[0]
    head = key.split("/", 1)[0]
    return {v: k for k, v in KIND_PATHS.items()}.get(head, "organization")


def _resolve_thing(res: Resolution, key: str, kind: str, labels: Counter, kb: KnowledgeBase,
                   kb_index: dict[tuple[str, str], str], minter: Minter) -> None:
    """KB keys map to KB entities; open-world keys join a KB entity with the same folded label."""
    target = key
    if key not in kb.entries and ":" in key:
        label = key.split(":", 1)[1]
        hit = kb_index.get((kind, fold(label)))
        if hit:
            target = hit
            res.merges.append(MergeDecision(hit, key, "label equals a knowledge-base name"))
    res.canonical[key] = target
    if target in res.entities:
        return
    entry = kb.entries.get(target)
    if entry is not None:
        res.entities[target] = Entity(target, entry.kind, minter.entity(target), entry.label, entry.alt_labels,
                                      True, entry.org_type, entry.parents, entry.year)
        return
    # A paragraph of a KB document that the KB does not list ("doc/tunis-agenda/para-12").
    doc_key, _, para = target.rpartition("/para-")
    if doc_key in kb.entries and para.isdigit():
        doc = kb.entries[doc_key]
        res.entities[target] = Entity(target, "document", minter.entity(target),
                                      f"{doc.label}, paragraph {para}", (), False, None, (doc_key,), doc.year)
        return
    ranked = sorted(labels.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))
    label = ranked[0][0] if ranked else key.split(":", 1)[-1]
    alts = tuple(sorted({s for s, _ in ranked[1:]} - {label}))
    res.entities[target] = Entity(target, kind, minter.entity(target), label, alts)
