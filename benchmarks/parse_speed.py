"""Time parse_batch (parse + redact + pack) over the items of some sources and print a digest of what it produced."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))  # last: PYTHONPATH picks the code to time

import kg  # noqa: E402
from kg.model import Problem  # noqa: E402
from kg.sources.registry import iter_units  # noqa: E402
from kg.stages import parse_batch  # noqa: E402
from kg.state import unpack  # noqa: E402


def read_items(sources: list[str]) -> list:
    """Every raw item of the sources (units opened whole), read once before any timing."""
    items = []
    for unit in iter_units(sources):
        if not isinstance(unit, Problem):
            items.extend(unit.open()[1])
    return items


def clear_caches() -> None:
    """Empty kg's lru caches, so that every timed run starts as a fresh worker does."""
    for name, module in list(sys.modules.items()):
        if name == "kg" or name.startswith("kg."):
            for value in list(vars(module).values()):
                if callable(getattr(type(value), "cache_clear", None)):  # functools caches (not namespaces)
                    value.cache_clear()


def digest(out: list[tuple[str, bytes, bytes]]) -> str:
    """sha256 over the repr of everything parse_batch gave: slim messages with aliases, problems, full messages."""
    h = hashlib.sha256()
    for _key, slim, full in out:
        for value in (unpack(slim), unpack(full)):
            h.update(repr(value).encode("utf-8", "surrogatepass") + b"\0")
    return h.hexdigest()


def main() -> None:
    """Command line: parse_speed.py SOURCE... [--repeat N] [--keep]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sources", nargs="+", help="mbox files, .eml files, pages or folders")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (each with empty caches); the best is shown")
    parser.add_argument("--keep", action="store_true", help="keep contact details (no redaction)")
    args = parser.parse_args()
    redact = not args.keep
    start = time.perf_counter()
    items = read_items(args.sources)
    read_seconds = time.perf_counter() - start
    batch = [(str(i), item) for i, item in enumerate(items)]
    best, out = float("inf"), []
    for _ in range(args.repeat):
        clear_caches()
        start = time.perf_counter()
        out = parse_batch(batch, redact)
        best = min(best, time.perf_counter() - start)
    print(f"{Path(kg.__file__).parent.parent}: {len(items)} items, read {read_seconds:.3f} s, "
          f"parse_batch best of {args.repeat}: {best:.3f} s, digest {digest(out)}")


if __name__ == "__main__":
    main()
