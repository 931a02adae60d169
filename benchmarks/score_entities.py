"""Dev scorer: run the extractors on the gold pages and print entity P/R/F1 per kind against the gold files.

Usage: python benchmarks/score_entities.py [--kb project|fixture|merged] [--no-authors] [-v]

Each gold page is parsed with kg.parse.parse_page, the extractors run on every message, and keys
are resolved naively by label: a predicted entity matches a gold entity when any of its names (the
mention's label and surface, and for KB keys the KB's labels and acronyms) equals, after folding case,
accents and punctuation, the gold name or one of its aliases. Several predicted entities that hit one
gold entity count once (identity would merge them). Single first names are resolved to a full name
of the same page when one starts with them, and dropped otherwise (the guideline leaves unresolved
first names out). Cited paragraphs ("<doc>/para-<n>") are not in the gold files and are not scored.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rdflib import Graph  # noqa: E402

from kg.extractors import run_extractors  # noqa: E402
from kg.extractors.common import natural_order  # noqa: E402
from kg.extractors.gazetteer import use_kb  # noqa: E402
from kg.extractors.text import fold_match  # noqa: E402
from kg.kb import KB_BASE, KB_DIR, KnowledgeBase, parse_kb_graph  # noqa: E402
from kg.model import Provenance  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus-dev"
FIXTURE = ROOT / "tests" / "data" / "extractors" / "kb_fixture.ttl"
KINDS = ("person", "organization", "document", "concept", "event", "place")
GOLD_KEYS = {"person": "people", "organization": "organizations", "document": "documents",
             "concept": "concepts", "event": "events_processes", "place": "places"}


def _read(paths: list[Path]) -> KnowledgeBase:
    graph = Graph()
    for path in paths:
        graph.parse(data=path.read_bytes(), format="turtle", publicID=KB_BASE)
    return KnowledgeBase(parse_kb_graph(graph), graph)


def load(kind: str) -> KnowledgeBase:
    """The KB to score with: the project's, the test fixture, or merged.

    "merged" is the project KB plus the fixture's entries of the kinds the project KB does not have
    yet (it is being filled in), so the two never name one thing twice.
    """
    if kind == "fixture":
        return _read([FIXTURE])
    project = _read(sorted(KB_DIR.glob("*.ttl")))
    if kind == "project":
        return project
    fixture = _read([FIXTURE])
    have = {e.kind for e in project.entries.values()}
    entries = dict(project.entries)
    entries.update({k: e for k, e in fixture.entries.items() if e.kind not in have})
    return KnowledgeBase(entries, project.graph)


@dataclass
class Predicted:
    """One predicted entity: its key and every name it was seen or is known under."""

    key: str
    names: set[str] = field(default_factory=set)
    shown: str = ""


def gold_entities(gold: dict, kind: str) -> list[tuple[str, set[str]]]:
    """(display name, folded names) of the gold entities of one kind."""
    result = []
    for item in gold.get(GOLD_KEYS[kind], []):
        name = item.get("name") or item.get("title") or item.get("label")
        names = {name, *(item.get("aliases") or [])}
        if item.get("acronym"):
            names.add(item["acronym"])
        result.append((name, {fold_match(n) for n in names if n} - {""}))
    return result


def predictions(page: str, kb: KnowledgeBase, with_authors: bool) -> dict[str, dict[str, Predicted]]:
    """Predicted entities per kind for one page."""
    from kg.parse import parse_page

    parsed = parse_page(page, Provenance("gold", "pipermail-text"))
    by_kind: dict[str, dict[str, Predicted]] = {k: {} for k in KINDS}

    def add(kind: str, key: str, *names: str) -> None:
        entry = by_kind[kind].setdefault(key, Predicted(key, shown=names[0] if names else key))
        entry.names |= {fold_match(n) for n in names if n}
        if key in kb.entries:
            e = kb.entries[key]
            entry.names |= {fold_match(n) for n in (e.label, *e.alt_labels, *e.acronyms)}
            entry.shown = e.label

    authors = set()
    for message in parsed.messages:
        if with_authors and message.author is not None and message.author.name:
            name = natural_order(message.author.name)
            authors.add("person:" + fold_match(name))
            add("person", "person:" + fold_match(name), name)
        result = run_extractors(message)
        for m in result.mentions:
            if m.kind in by_kind and "/para-" not in m.key:
                add(m.kind, m.key, m.label or m.surface, m.surface)
    # First names: resolved to a full name of the page that starts with them, else left out.
    people = by_kind["person"]
    full = [p for p in people.values() if len(p.key.split(":", 1)[1].split()) > 1]
    for key in [k for k in people if k not in authors and len(people[k].shown.split()) == 1]:
        first = key.split(":", 1)[1]
        owner = next((p for p in full if p.key.split(":", 1)[1].split()[0] == first), None)
        if owner:
            owner.names |= people[key].names
        del people[key]
    return by_kind


def score(gold_dir: Path, pages_dir: Path, kb: KnowledgeBase, with_authors: bool, verbose: bool) -> dict:
    """Counts per kind (tp, predicted, gold) over every gold file, printing misses when verbose."""
    totals = {k: [0, 0, 0] for k in KINDS}
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        page = (pages_dir / gold["source"]).read_text(encoding="utf-8")
        pred = predictions(page, kb, with_authors)
        if verbose:
            print(f"\n## {gold_path.stem}")
        for kind in KINDS:
            golds = gold_entities(gold, kind)
            hit: set[int] = set()
            false_pos = []
            for p in pred[kind].values():
                matches = [i for i, (_, names) in enumerate(golds) if names & p.names]
                if matches:
                    hit.update(matches[:1])
                else:
                    false_pos.append(p.shown)
            tp = len(hit)
            totals[kind][0] += tp
            totals[kind][1] += tp + len(false_pos)
            totals[kind][2] += len(golds)
            if verbose:
                missed = [golds[i][0] for i in range(len(golds)) if i not in hit]
                print(f"  {kind:12} tp={tp:<3} FP={sorted(false_pos)}  FN={missed}")
    return totals


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (0 when undefined)."""
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    """Print the per-kind table; exit status 0."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", choices=("project", "fixture", "merged"), default="merged")
    parser.add_argument("--no-authors", action="store_true", help="score extractor mentions only")
    parser.add_argument("--gold", type=Path, default=CORPUS / "gold")
    parser.add_argument("--pages", type=Path, default=CORPUS / "pages")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    kb = load(args.kb)
    use_kb(kb)
    totals = score(args.gold, args.pages, kb, not args.no_authors, args.verbose)
    print(f"\nKB: {args.kb} ({len(kb.entries)} entries); authors {'excluded' if args.no_authors else 'included'}")
    print(f"{'kind':14}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'pred':>6}{'gold':>6}")
    for kind in KINDS:
        p, r, f = prf(*totals[kind])
        print(f"{kind:14}{p:7.2f}{r:7.2f}{f:7.2f}{totals[kind][0]:6}{totals[kind][1]:6}{totals[kind][2]:6}")
    all_counts = [sum(t[i] for t in totals.values()) for i in range(3)]
    p, r, f = prf(*all_counts)
    print(f"{'micro':14}{p:7.2f}{r:7.2f}{f:7.2f}{all_counts[0]:6}{all_counts[1]:6}{all_counts[2]:6}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
