"""Time run_extractors over the messages of an archive (best of N) and print a digest of the results."""

from __future__ import annotations

import argparse
import hashlib
import pickle
import time
from pathlib import Path

import kg
from kg.extractors import run_extractors


def load_messages(sources: list[str], cache: Path | None) -> list:
    """The final messages of an in-memory build of `sources` (pickled to `cache` to reuse)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    from kg.config import Settings
    from kg.pipeline import build

    messages = build(sources, Settings(quiet=True), workers=1, infer=False).messages
    if cache is not None:
        cache.write_bytes(pickle.dumps(messages))
    return messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("sources", nargs="*", default=["/tmp/arch/m2000.mbox"], help="mbox files, folders, pages")
    parser.add_argument("--cache", type=Path, help="pickle of the messages (written on first use)")
    parser.add_argument("-n", "--repeat", type=int, default=3, help="timed passes; the best is reported")
    parser.add_argument("--digest", action="store_true", help="print the sha256 of every result's repr")
    parser.add_argument("--profile", type=Path, help="write a cProfile of one pass to this file")
    args = parser.parse_args()
    messages = load_messages(args.sources, args.cache)
    run_extractors(messages[0])  # load the KB, the gazetteer and the name table outside the timing
    best = cpu = float("inf")
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        results = [run_extractors(m) for m in messages]
        best, cpu = min(best, time.perf_counter() - t0), min(cpu, time.process_time() - c0)
    print(f"{kg.__file__}: {len(messages)} messages, best of {args.repeat}: {best:.3f} s wall, {cpu:.3f} s CPU "
          f"({1000 * best / max(len(messages), 1):.2f} ms/message)")
    if args.digest:
        digest = hashlib.sha256()
        for result in results:
            digest.update(repr(result).encode("utf-8", "surrogatepass"))
        print(f"digest {digest.hexdigest()}")
    if args.profile:
        import cProfile

        cProfile.runctx("[run_extractors(m) for m in messages]", globals(), {"messages": messages,
                                                                              "run_extractors": run_extractors},
                        str(args.profile))


if __name__ == "__main__":
    main()
