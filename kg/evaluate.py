"""Scores builds against gold annotations (corpus-dev format): messages, replies, entities, evidence."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.config import Settings
from kg.errors import ConfigError
from kg.export import union_of
from kg.text_norm import fold
from kg.vocab import DCTERMS, FOAF, IGKG, OA, ORG, RDF, SCHEMA, SIOC, SKOS

KINDS = {  # gold key -> (RDF class, gold name field)
    "people": (FOAF.Person, "name"),
    "organizations": (ORG.Organization, "name"),
    "documents": (FOAF.Document, "title"),
    "concepts": (SKOS.Concept, "label"),
    "events_processes": (SCHEMA.Event, "name"),
    "places": (SCHEMA.Place, "name"),
}
NAME_PROPS = (FOAF.name, SKOS.prefLabel, SKOS.altLabel, DCTERMS.title, IGKG.acronym)


@dataclass
class Counts:
    """True positives, false positives, false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class PageScore:
    """One gold page's scores."""

    stem: str
    gold_messages: int = 0
    matched_messages: int = 0
    reply_correct: int = 0
    evidence_total: int = 0
    evidence_exact: int = 0
    kinds: dict[str, Counts] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)
    extras: dict[str, list[str]] = field(default_factory=dict)

    @property
    def message_recall(self) -> float:
        return self.matched_messages / self.gold_messages if self.gold_messages else 1.0

    @property
    def reply_accuracy(self) -> float:
        return self.reply_correct / self.matched_messages if self.matched_messages else 1.0


def names(graph: Graph, node) -> set[str]:
    """Folded names a node goes by."""
    return {fold(str(o)) for p in NAME_PROPS for o in graph.objects(node, p)} - {""}


def gold_names(entry: dict, name_field: str) -> set[str]:
    """Folded names of a gold entity: canonical name, acronym, aliases."""
    values = [entry.get(name_field), entry.get("acronym"), *entry.get("aliases", [])]
    return {fold(v) for v in values if v} - {""}


def _match_messages(graph: Graph, gold: dict, score: PageScore) -> None:
    people = [gold_names(p, "name") for p in gold.get("people", [])]

    def aliases(author: str | None) -> set[str]:
        if not author:
            return set()
        folded = fold(author)
        for person in people:
            if folded in person:
                return person | {folded}
        return {folded}

    posts = sorted(graph.subjects(RDF.type, SIOC.Post))
    post_names = {p: set().union(*(names(graph, m) for m in graph.objects(p, FOAF.maker))) for p in posts}
    used: set[URIRef] = set()
    matched: dict[int, URIRef] = {}
    for i, message in enumerate(gold["messages"]):
        wanted = aliases(message.get("author_name"))
        firsts = {w.split()[0] for w in wanted if w}
        for post in posts:
            if post in used:
                continue
            have = post_names[post]
            ok = bool(wanted & have) or any(h.split()[0] in firsts for h in have if h)
            if (not wanted and not have) or (wanted and ok):
                matched[i] = post
                used.add(post)
                break
    score.gold_messages = len(gold["messages"])
    score.matched_messages = len(matched)
    for i, post in matched.items():
        parent_index = gold["messages"][i].get("in_reply_to_index")
        predicted = set(graph.objects(post, SIOC.reply_of)) & set(posts)
        expected = {matched[parent_index]} if parent_index is not None and parent_index in matched else set()
        if parent_index is not None and parent_index not in matched:
            continue  # the parent was missed: counted in recall, not twice here
        score.reply_correct += predicted == expected


def _predicted_entities(graph: Graph, cls) -> list[URIRef]:
    """Entities of a class that the page's posts mention or author (not the whole knowledge base)."""
    used = set(graph.objects(None, SCHEMA.mentions)) | set(graph.objects(None, FOAF.maker))
    used |= set(graph.objects(None, ORG.organization))
    nodes = [n for n in graph.subjects(RDF.type, cls) if n in used]
    if cls == FOAF.Document:  # a cited paragraph counts with its document, not as one more
        nodes = [n for n in nodes if (n, RDF.type, IGKG.Paragraph) not in graph]
    return sorted(nodes)


def _match_entities(graph: Graph, gold: dict, score: PageScore) -> None:
    for kind, (cls, name_field) in KINDS.items():
        counts = Counts()
        gold_entries = gold.get(kind, [])
        gold_sets = [gold_names(e, name_field) for e in gold_entries]
        hit = [False] * len(gold_entries)
        extras = []
        for node in _predicted_entities(graph, cls):
            have = names(graph, node)
            index = next((i for i, g in enumerate(gold_sets) if g & have), None)
            if index is None or hit[index]:
                counts.fp += 1
                extras.append(sorted(have)[0] if have else str(node))
            else:
                hit[index] = True
                counts.tp += 1
        counts.fn = hit.count(False)
        score.kinds[kind] = counts
        score.misses[kind] = [gold_entries[i].get(name_field) for i, h in enumerate(hit) if not h]
        score.extras[kind] = extras


def _evidence(graph: Graph, score: PageScore) -> None:
    for ann in graph.subjects(RDF.type, OA.Annotation):
        target = graph.value(ann, OA.hasTarget)
        post = graph.value(target, OA.hasSource)
        content = str(graph.value(post, SIOC.content) or "")
        exact = start = end = None
        for selector in graph.objects(target, OA.hasSelector):
            exact = graph.value(selector, OA.exact) if exact is None else exact
            start = graph.value(selector, OA.start) if start is None else start
            end = graph.value(selector, OA.end) if end is None else end
        score.evidence_total += 1
        score.evidence_exact += exact is not None and start is not None and \
            content[int(start):int(end)] == str(exact)


def score_page(graph: Graph, gold: dict, stem: str) -> PageScore:
    """Compare one page's graph with its gold annotation."""
    score = PageScore(stem)
    _match_messages(graph, gold, score)
    _match_entities(graph, gold, score)
    _evidence(graph, score)
    return score


def evaluate(gold_dir: Path, pages_dir: Path, settings: Settings | None = None) -> list[PageScore]:
    """Build each gold page on its own and score it."""
    from kg.pipeline import build

    gold_files = sorted(Path(gold_dir).glob("*.json"))
    if not gold_files:
        raise ConfigError(f"no gold *.json files in {gold_dir}")
    scores = []
    for gold_file in gold_files:
        page = Path(pages_dir) / (gold_file.stem + ".txt")
        if not page.exists():
            raise ConfigError(f"gold {gold_file.name} has no page {page}")
        result = build([str(page)], settings or Settings(quiet=True))
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        scores.append(score_page(union_of(result.dataset), gold, gold_file.stem))
    return scores


def totals(scores: list[PageScore]) -> dict[str, Counts]:
    """Micro-averaged counts per kind, plus "all"."""
    out: dict[str, Counts] = defaultdict(Counts)
    for score in scores:
        for kind, counts in score.kinds.items():
            out[kind].add(counts)
            out["all"].add(counts)
    return dict(out)


def report(scores: list[PageScore], verbose: bool = False) -> str:
    """A plain-text report: per page, then micro P/R/F1 per kind and overall."""
    lines = ["page\tmessages\treply_acc\tevidence_exact\tentity_F1"]
    for s in scores:
        all_counts = Counts()
        for c in s.kinds.values():
            all_counts.add(c)
        exact = s.evidence_exact / s.evidence_total if s.evidence_total else 1.0
        lines.append(f"{s.stem}\t{s.matched_messages}/{s.gold_messages} ({s.message_recall:.2f})\t"
                     f"{s.reply_accuracy:.2f}\t{exact:.3f}\t{all_counts.f1:.2f}")
        if verbose:
            for kind in KINDS:
                if s.misses.get(kind):
                    lines.append(f"  missed {kind}: {'; '.join(map(str, s.misses[kind]))}")
                if s.extras.get(kind):
                    lines.append(f"  extra {kind}: {'; '.join(s.extras[kind])}")
    gold_m = sum(s.gold_messages for s in scores)
    matched = sum(s.matched_messages for s in scores)
    replies = sum(s.reply_correct for s in scores)
    ev_total = sum(s.evidence_total for s in scores)
    ev_exact = sum(s.evidence_exact for s in scores)
    lines.append("")
    lines.append(f"message recall {matched}/{gold_m} = {matched / gold_m if gold_m else 1:.3f}; "
                 f"reply accuracy {replies}/{matched} = {replies / matched if matched else 1:.3f}; "
                 f"evidence exact {ev_exact}/{ev_total}")
    lines.append("kind\tP\tR\tF1\ttp\tfp\tfn")
    for kind, c in totals(scores).items():
        lines.append(f"{kind}\t{c.precision:.2f}\t{c.recall:.2f}\t{c.f1:.2f}\t{c.tp}\t{c.fp}\t{c.fn}")
    return "\n".join(lines) + "\n"
