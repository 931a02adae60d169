"""Score the message-anatomy parser against gold `messages` (recall by author, reply links, dates, addresses)."""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.model import Message, Provenance  # noqa: E402
from kg.parse import parse_page  # noqa: E402

DEFAULT_CORPUS = Path("/work/shared/corpus-dev")


def fold_tokens(name: str | None) -> list[str]:
    """Accent/case-folded word tokens of a name ("Crépin-Leblond" -> ["crepin", "leblond"])."""
    if not name:
        return []
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return "".join(ch if ch.isalnum() else " " for ch in text).split()


def names_match(gold: str | None, predicted: str | None) -> bool:
    """Same person: equal after folding, or one name's words inside the other's, or same first name."""
    g, p = fold_tokens(gold), fold_tokens(predicted)
    if not g or not p:
        return not g and not p
    if g == p or set(p) <= set(g) or set(g) <= set(p):
        return True
    return g[0] == p[0] and len(g[0]) >= 3  # first-name tolerance ("parminder" / "Parminder Jeet Singh")


def dates_match(gold: str | None, predicted: datetime | None) -> bool:
    """Same wall time to the minute (date only when gold has no time); same offset when both have one."""
    if gold is None or predicted is None:
        return gold is None and predicted is None
    if "T" not in gold:
        return predicted.date().isoformat() == gold
    value = datetime.fromisoformat(gold)
    if predicted.replace(tzinfo=None).isoformat()[:16] != value.replace(tzinfo=None).isoformat()[:16]:
        return False
    if value.tzinfo is not None and predicted.tzinfo is not None:
        return value.utcoffset() == predicted.utcoffset()
    return True


@dataclass
class PageScore:
    """Figures for one gold page."""

    name: str
    gold: int
    predicted: int
    matched: int
    replies_ok: int
    dates_ok: int
    emails_ok: int
    seconds: float


def align(gold: list[dict], predicted: list[Message]) -> list[int | None]:
    """For each gold message, the index of the predicted message matched to it (reading order kept)."""
    used: set[int] = set()
    out: list[int | None] = []
    floor = 0
    for g in gold:
        best = None
        for pass_ in (0, 1):
            candidates = [
                i for i, m in enumerate(predicted)
                if i not in used and names_match(g.get("author_name"), m.author.name if m.author else None)
                and (pass_ == 1 or i >= floor)
            ]
            if candidates:
                dated = [i for i in candidates if dates_match(g.get("date"), predicted[i].date)]
                best = (dated or candidates)[0]
                break
        out.append(best)
        if best is not None:
            used.add(best)
            floor = best + 1
    return out


def score_page(page: Path, gold_path: Path) -> PageScore:
    """Parse one page and compare it with its gold file."""
    gold = json.loads(gold_path.read_text(encoding="utf-8"))["messages"]
    started = time.perf_counter()
    parsed = parse_page(page.read_text(encoding="utf-8"), Provenance(str(page), "pipermail-text"))
    seconds = time.perf_counter() - started
    predicted = parsed.messages
    mapping = align(gold, predicted)
    replies_ok = dates_ok = emails_ok = 0
    for g, p in zip(gold, mapping):
        if p is None:
            continue
        m = predicted[p]
        target = g.get("in_reply_to_index")
        if target is None:
            replies_ok += m.parent_id is None or m.parent_id not in {x.id for x in predicted}
        else:
            q = mapping[target]
            replies_ok += q is not None and m.parent_id == predicted[q].id
        dates_ok += dates_match(g.get("date"), m.date)
        emails_ok += (g.get("author_email") or None) == (m.author.address if m.author else None)
    matched = sum(p is not None for p in mapping)
    return PageScore(page.stem, len(gold), len(predicted), matched, replies_ok, dates_ok, emails_ok, seconds)


def main(argv: list[str] | None = None) -> int:
    """Print per-page and overall figures; exit 1 if any page of the corpus raised."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with pages/ and gold/")
    args = parser.parse_args(argv)
    pages_dir, gold_dir = args.corpus / "pages", args.corpus / "gold"
    scores = []
    print(f"{'page':34} {'gold':>4} {'pred':>4} {'recall':>6} {'reply':>6} {'date':>6} {'email':>6} {'ms':>7}")
    for gold_path in sorted(gold_dir.glob("*.json")):
        page = pages_dir / (gold_path.stem + ".txt")
        s = score_page(page, gold_path)
        scores.append(s)
        print(f"{s.name:34} {s.gold:4} {s.predicted:4} {s.matched / s.gold:6.2f} {s.replies_ok / s.gold:6.2f} "
              f"{s.dates_ok / s.gold:6.2f} {s.emails_ok / s.gold:6.2f} {s.seconds * 1000:7.1f}")
    total = sum(s.gold for s in scores) or 1
    print(f"{'ALL (micro)':34} {total:4} {sum(s.predicted for s in scores):4} "
          f"{sum(s.matched for s in scores) / total:6.2f} {sum(s.replies_ok for s in scores) / total:6.2f} "
          f"{sum(s.dates_ok for s in scores) / total:6.2f} {sum(s.emails_ok for s in scores) / total:6.2f}")
    failures = 0
    started = time.perf_counter()
    pages = sorted(pages_dir.glob("*.txt"))
    for page in pages:
        try:
            parse_page(page.read_text(encoding="utf-8"), Provenance(str(page), "pipermail-text"))
        except Exception as exc:  # noqa: BLE001 - the point is to report any exception
            failures += 1
            print(f"EXCEPTION {page.name}: {type(exc).__name__}: {exc}")
    print(f"parsed {len(pages)} corpus pages, {failures} exceptions, {time.perf_counter() - started:.2f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
