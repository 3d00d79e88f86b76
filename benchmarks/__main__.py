"""Run every ``benchmarks/bench_*.py`` and print one table: ``python -m benchmarks [--scale S]``.

``--save-docs`` also writes the table, with the machine and date, to ``docs/_data/bench.json``,
which the documentation page "Performance" renders (commit that file to publish the numbers).
With ``--only NAME`` it replaces only the rows of ``bench_NAME.py`` in that file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

from benchmarks._harness import Row, machine_info, print_table, rows_payload, write_json

DOCS_JSON = Path(__file__).resolve().parent.parent / "docs" / "_data" / "bench.json"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="size multiplier (1 = issue sizes)"
    )
    parser.add_argument("--only", default=None, help="run only bench_<ONLY>.py")
    parser.add_argument("--json", type=Path, default=Path("benchmarks/results/latest.json"))
    parser.add_argument(
        "--save-docs",
        action="store_true",
        help="also write the table with machine and date to docs/_data/bench.json",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    meta = machine_info()
    here = Path(__file__).resolve().parent
    rows: list[Row] = []
    modules: list[str] = []  # the bench module of each row
    for mod in sorted(m.name for m in pkgutil.iter_modules([str(here)])):
        if not mod.startswith("bench_") or (args.only and mod != f"bench_{args.only}"):
            continue
        print(f"\n## {mod}")
        new = importlib.import_module(f"benchmarks.{mod}").run(args.scale)
        rows += new
        modules += [mod] * len(new)
    print("\n## summary")
    print_table(rows)
    write_json(rows, args.json)
    print(f"\nwrote {args.json}")
    if args.save_docs:
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        measured = [
            {"module": m, "date": now, **r}
            for m, r in zip(modules, rows_payload(rows), strict=True)
        ]
        payload = {
            "generated_by": "python -m benchmarks " + " ".join(sys.argv[1:]),
            "date": now,
            "scale": args.scale,
            "run_seconds": round(time.perf_counter() - started, 1),
            "machine": meta,
            "rows": measured,
        }
        if args.only and DOCS_JSON.exists():
            # one module re-measured: keep the other modules' rows from the existing file
            old = json.loads(DOCS_JSON.read_text(encoding="utf-8"))
            kept = [r for r in old.get("rows", []) if r.get("module") not in set(modules)]
            payload["rows"] = sorted(kept + measured, key=lambda r: str(r.get("module")))
            payload["partial_update"] = {
                "re-measured": sorted(set(modules)),
                "kept from": old.get("date"),
            }
        DOCS_JSON.parent.mkdir(parents=True, exist_ok=True)
        DOCS_JSON.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {DOCS_JSON}")


if __name__ == "__main__":
    main()
