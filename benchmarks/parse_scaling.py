"""Time `parse_page` on adversarial bodies of 10 KB, 100 KB and 1 MB to check it stays linear."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.model import Provenance  # noqa: E402
from kg.parse import parse_page  # noqa: E402

HEADER = "[Test-List] Re: scaling\nAna Example\nana at example.org\nWed Jul 23 14:30:34 EDT 2025\n"


def _fill(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def on_wrote(size: int) -> str:
    """Many attribution-like lines (security.md: email-reply-parser took 42 s on 9 KB of these)."""
    unit = "On Mon, Jan 6, 2025 at 10:00 AM Person Name <p at example.org> wrote:\nOn x wrote:\nOn x \n"
    return HEADER + _fill(unit, size)


def deep_nesting(size: int) -> str:
    """Lines whose quote depth keeps growing, with attributions at every level."""
    out, total, depth = [HEADER], 0, 0
    while total < size:
        line = ">" * depth + f" On 1/2/25 10:0{depth % 10}, Level {depth} wrote:\n" + ">" * (depth + 1) + " text\n"
        out.append(line)
        total += len(line)
        depth += 1
    return "".join(out)[: size + len(HEADER)]


def long_lines(size: int) -> str:
    """A few very long lines: prose, a header label, an attribution-looking line."""
    third = size // 3
    return (HEADER + "From: " + _fill("x at y.org ", third) + "\n" + _fill("On a wrote b ", third) + " wrote:\n"
            + "> " + _fill("word ", third) + "\n")


def outlook_blocks(size: int) -> str:
    """Repeated Outlook header blocks, each with a little text: many messages on one page."""
    unit = ("Text of a message.\n\nFrom: Someone Else <s at example.org>\nSent: 23 July 2025 14:42\n"
            "To: list at example.org\nSubject: Re: scaling\n\n")
    return HEADER + _fill(unit, size)


CASES: dict[str, Callable[[int], str]] = {
    "on-wrote lines": on_wrote, "deep > nesting": deep_nesting, "long lines": long_lines,
    "outlook blocks": outlook_blocks,
}


def main(argv: list[str] | None = None) -> int:
    """Print seconds per case and size, and the 1 MB / 100 KB ratio (about 10 when linear)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated body sizes in bytes")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    parse_page(HEADER + "warm-up\n", Provenance("warm-up", "pipermail-text"))
    print(f"{'case':16} " + " ".join(f"{s:>10}" for s in sizes) + "   ratio(last/prev)   messages")
    for name, make in CASES.items():
        times = []
        count = 0
        for size in sizes:
            text = make(size)
            started = time.perf_counter()
            result = parse_page(text, Provenance(name, "pipermail-text"))
            times.append(time.perf_counter() - started)
            count = len(result.messages)
        ratio = times[-1] / times[-2] if len(times) > 1 and times[-2] > 0 else float("nan")
        print(f"{name:16} " + " ".join(f"{t:9.3f}s" for t in times) + f"   {ratio:8.1f}   {count:12}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
