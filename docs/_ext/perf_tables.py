"""Render the committed benchmark results (``docs/_data/*.json``) as tables at build time.

``.. perf-table:: KIND`` with KIND one of

* ``bench``: the ``make bench`` table (``_data/bench.json``, written by
  ``python -m benchmarks --save-docs``): case, size, our time, baseline, speed-up, ratio to floor;
* ``curves``: the fitted log-log slopes of the growth curves (``_data/performance.json``,
  written by ``python -m benchmarks.scaling``);
* ``dask``: the Dask speed-up with 1 and 2 workers (``_data/performance.json``);
* ``machine-bench`` / ``machine-scaling``: where, when and with what each file was measured.

The numbers are never typed into the documentation: re-running the benchmarks and rebuilding
the docs is all it takes to refresh the page.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DATA = Path(__file__).resolve().parent.parent / "_data"
FILES = {
    "bench": "bench.json",
    "machine-bench": "bench.json",
    "curves": "performance.json",
    "dask": "performance.json",
    "machine-scaling": "performance.json",
}


def _cell(text: object) -> str:
    s = str(text).replace("|", "/").replace("*", r"\*").replace("`", "'")
    return s if s.strip() else " "


def _list_table(header: list[str], rows: list[list[object]], widths: list[int]) -> list[str]:
    out = [
        ".. list-table::",
        "   :header-rows: 1",
        f"   :widths: {' '.join(str(w) for w in widths)}",
        "   :class: perf-table",
        "",
    ]
    for row in [header, *rows]:
        for i, c in enumerate(row):
            out.append(f"   {'* -' if i == 0 else '  -'} {_cell(c)}")
    out.append("")
    return out


def _ms(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "-"
    return f"{seconds * 1e3:,.1f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _ratio(x: float | None) -> str:
    if x is None or not math.isfinite(x):
        return "-"
    return f"{x:,.1f}" if x >= 10 else f"{x:.2f}"


def bench_rows(payload: dict[str, Any]) -> list[str]:
    rows: list[list[object]] = []
    dated = len({r.get("date") for r in payload["rows"]}) > 1  # after a partial update
    for r in payload["rows"]:
        ratios = r.get("ratios") or {}
        items = list(ratios.items()) or [("-", None)]
        extra = dict(r.get("extra") or {})
        if dated:
            extra["measured"] = r.get("date", "-")
        notes = "; ".join(f"{k}: {v}" for k, v in extra.items())
        for i, (name, ratio) in enumerate(items):
            first = i == 0
            rows.append(
                [
                    r["case"] if first else "",
                    r["size"] if first else "",
                    _ms(r["ours_s"]) if first else "",
                    name,
                    _ratio(ratio),
                    _ratio(r.get("floor_ratio")) if first else "",
                    notes if first else "",
                ]
            )
    header = ["case", "size", "ours", "baseline", "x faster", "ours / floor", "notes"]
    return _list_table(header, rows, [20, 14, 8, 24, 7, 7, 20])


def curve_rows(payload: dict[str, Any]) -> list[str]:
    rows: list[list[object]] = []
    dated = len({c.get("date") for c in payload["curves"]}) > 1  # after a partial update
    for c in payload["curves"]:
        sizes, secs = c["sizes"], c["seconds"]
        rows.append(
            [
                c["name"],
                c["axis"],
                c["fixed"],
                f"{sizes[0]:,} to {sizes[-1]:,} ({len(sizes)} sizes)",
                c.get("expected", "-"),
                f"{c['slope']:.2f}",
                f"{c['r2']:.3f}",
                f"x{secs[-1] / secs[0]:,.1f} for x{sizes[-1] / sizes[0]:,.0f}",
                *([c.get("date", "-")] if dated else []),
            ]
        )
    header = [
        "function",
        "axis",
        "held fixed",
        "sizes",
        "complexity (docstring)",
        "slope",
        "R²",
        "time growth (largest / smallest size)",
        *(["measured"] if dated else []),
    ]
    widths = [24, 5, 14, 16, 14, 6, 6, 14, *([10] if dated else [])]
    return _list_table(header, rows, widths)


def dask_rows(payload: dict[str, Any]) -> list[str]:
    rows = [
        [
            d["case"],
            d["size"],
            _ms(d["local_s"]),
            _ratio(d["speedup_1"]),
            _ratio(d["speedup_2"]),
            _ratio(d["scaling_2_over_1"]),
        ]
        for d in payload.get("dask", [])
    ]
    header = [
        "function",
        "workload",
        "local run",
        "speed-up, 1 worker",
        "speed-up, 2 workers",
        "2 workers / 1 worker",
    ]
    return _list_table(header, rows, [26, 22, 10, 10, 10, 10])


def machine_rows(payload: dict[str, Any]) -> list[str]:
    m = payload["machine"]
    load = ", ".join(str(v) for v in m.get("load_average_at_start") or []) or "n/a"
    fields = [
        ("measured", payload["date"]),
        ("command", f"``{payload['generated_by'].strip()}``"),
        ("run time", f"{payload.get('run_seconds', float('nan')):.0f} s"),
        ("platform", m["platform"]),
        ("logical CPUs", m["cpu_count"]),
        ("load average at start (1, 5, 15 min)", load),
        (
            "versions",
            f"Python {m['python']}, NumPy {m['numpy']}, pandas {m['pandas']}, "
            f"Dask {m.get('dask') or 'not installed'}, divergence {m['divergence']}",
        ),
    ]
    part = payload.get("partial_update")
    if part:
        fields.append(
            (
                "partial update",
                f"re-measured {', '.join(part['re-measured'])} on {payload['date']} (the "
                "machine and load above are those of this run); everything else comes from "
                "earlier runs, and each row gives the date it was measured",
            )
        )
    out = []
    for k, v in fields:
        out += [f":{k}: {v}"]
    return [*out, ""]


class PerfTable(SphinxDirective):
    """``.. perf-table:: bench|curves|dask|machine-bench|machine-scaling``."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        kind = self.arguments[0]
        if kind not in FILES:
            raise self.error(f"perf-table: unknown kind {kind!r}; one of {sorted(FILES)}")
        path = DATA / FILES[kind]
        self.env.note_dependency(str(path))
        if not path.exists():
            lines = [
                f"*No measurement committed yet:* run ``make bench-docs`` to write "
                f"``docs/_data/{path.name}``.",
                "",
            ]
        else:
            payload = json.loads(path.read_text(encoding="utf-8"))
            render = {
                "bench": bench_rows,
                "curves": curve_rows,
                "dask": dask_rows,
                "machine-bench": machine_rows,
                "machine-scaling": machine_rows,
            }[kind]
            lines = render(payload)
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=str(path)), self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("perf-table", PerfTable)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
