"""Write a synthetic IG archive of any size: an mbox, and optionally a pipermail site and a HyperKitty export."""

from __future__ import annotations

import argparse
from pathlib import Path

from kg import synth


def write_files(files: dict[str, bytes], root: Path) -> None:
    """Write path -> bytes under root ("/x/" paths become x/index.html)."""
    for path, data in files.items():
        target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def main() -> None:
    """Command line: --messages N --months M --seed S OUT.mbox [--site DIR] [--by-month DIR]."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="the mbox file to write")
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--site", type=Path, help="also write the pipermail site and HyperKitty export here")
    parser.add_argument("--by-month", type=Path, help="also write one mbox per month here (YYYY-MM.mbox), the "
                        "way a list's monthly archives arrive: build all but the last, then add it")
    args = parser.parse_args()
    msgs = synth.generate(args.messages, args.months, args.seed)
    args.out.write_bytes(synth.to_mbox(msgs))
    if args.by_month:
        args.by_month.mkdir(parents=True, exist_ok=True)
        months: dict[str, list] = {}
        for msg in msgs:
            months.setdefault(msg.date.strftime("%Y-%m"), []).append(msg)
        for month, items in months.items():
            (args.by_month / f"{month}.mbox").write_bytes(synth.to_mbox(items))
    if args.site:
        write_files({**synth.pipermail_site(msgs), **synth.hyperkitty_export(msgs)}, args.site)
    print(f"wrote {len(msgs)} messages to {args.out}")


if __name__ == "__main__":
    main()
