"""Run every ``benchmarks/bench_*.py`` and print one table: ``python -m benchmarks [--scale S]``."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from pathlib import Path

from benchmarks._harness import Row, print_table, write_json


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size multiplier (1 = issue sizes)"
    )
    parser.add_argument("--only", default=None, help="run only bench_<ONLY>.py")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latest.json"))
    args = parser.parse_args()
    here = Path(__file__).resolve().parent
    rows: list[Row] = []
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(here)])):
        if not mod.startswith("bench_") or (args.only and mod != f"bench_{args.only}"):
            continue
        print(f"\n## {mod}")
        rows += importlib.import_module(f"benchmarks.{mod}").run(args.scale)
    print("\n## summary")
    print_table(rows)
    write_json(rows, args.json)
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
