"""A tiny harness that times a function and its baselines in the same process.

Use :func:`compare` in a ``benchmarks/bench_<area>.py`` module that defines
``run(scale: float = 1.0) -> list[Row]``. Each row records the best-of-``repeat`` wall time of
"ours", of every baseline (the code a user would otherwise write) and of an optional floor (one
NumPy pass over the same data, or the random draws a simulation cannot avoid), and reports
ratios: ``baseline / ours`` (speed-up, higher is better) and ``ours / floor`` (overhead over the
floor, lower is better). Bare times are kept in the JSON for reference but the printed table is
about ratios, which are what transfer from one machine to another.

Expensive baselines may be timed on a subset and scaled linearly: pass ``scale_factor`` in
:class:`Timed` and say so in the case name.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Row",
    "Timed",
    "best_time",
    "best_times_alternating",
    "compare",
    "machine_info",
    "print_table",
    "rows_payload",
    "write_json",
]


@dataclass(frozen=True)
class Timed:
    """A callable to time, and the factor its time is multiplied by (for subset timings)."""

    fn: Callable[[], Any]
    scale_factor: float = 1.0
    repeat: int | None = None


@dataclass
class Row:
    """One benchmark case."""

    case: str
    size: str
    ours_s: float
    baselines_s: dict[str, float] = field(default_factory=dict)
    floor_s: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def ratios(self) -> dict[str, float]:
        """Baseline time / our time for each baseline (speed-up)."""
        return {k: v / self.ours_s for k, v in self.baselines_s.items()}

    def floor_ratio(self) -> float | None:
        """Our time / floor time (how far above the unavoidable cost)."""
        return None if self.floor_s is None else self.ours_s / self.floor_s


def best_time(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls (after one untimed warm-up when repeat > 1)."""
    if repeat > 1:
        fn()
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def best_times_alternating(
    first: Callable[[], Any], second: Callable[[], Any], repeat: tuple[int, int] = (3, 3)
) -> tuple[float, float]:
    """Best wall times of two callables timed in alternation (one warm-up call each first).

    On a machine whose speed drifts (a shared VM), timing ``first`` three times and then
    ``second`` three times lets a slow spell fall on one of them only; alternating the calls
    exposes both to the same conditions, so their ratio is steadier than their bare times.
    """
    fns = (first, second)
    best = [float("inf"), float("inf")]
    for fn in fns:
        fn()
    for r in range(max(repeat)):
        for i, fn in enumerate(fns):
            if r < repeat[i]:
                gc.collect()
                t0 = time.perf_counter()
                fn()
                best[i] = min(best[i], time.perf_counter() - t0)
    return best[0], best[1]


def _as_timed(x: Callable[[], Any] | Timed) -> Timed:
    return x if isinstance(x, Timed) else Timed(x)


def compare(
    case: str,
    size: str,
    ours: Callable[[], Any],
    baselines: Mapping[str, Callable[[], Any] | Timed],
    floor: Callable[[], Any] | Timed | None = None,
    *,
    repeat: int = 3,
    extra: Mapping[str, Any] | None = None,
) -> Row:
    """Time ``ours``, each baseline and the floor in this process and print the ratios.

    ``ours`` and the floor are timed in alternation (:func:`best_times_alternating`), so their
    ratio does not depend on how the machine's speed drifts between the two measurements.
    """
    floor_s = None
    if floor is None:
        ours_s = best_time(ours, repeat)
    else:
        f = _as_timed(floor)
        ours_s, floor_raw = best_times_alternating(ours, f.fn, (repeat, f.repeat or repeat))
        floor_s = floor_raw * f.scale_factor
    base: dict[str, float] = {}
    for name, b in baselines.items():
        t = _as_timed(b)
        base[name] = best_time(t.fn, t.repeat or repeat) * t.scale_factor
    row = Row(case, size, ours_s, base, floor_s, dict(extra or {}))
    print_table([row], header=False)
    return row


def print_table(rows: list[Row], *, header: bool = True) -> None:
    """Print case, size, ours, baseline, ratio and ratio to floor."""
    if header:
        print(
            f"{'case':<44} {'size':<26} {'ours':>9} {'baseline':<30} {'x faster':>9} {'/floor':>7}"
        )
    for r in rows:
        fr = r.floor_ratio()
        fr_s = f"{fr:7.2f}" if fr is not None else "      -"
        items = list(r.ratios().items()) or [("-", float("nan"))]
        for i, (name, ratio) in enumerate(items):
            first = i == 0
            print(
                f"{r.case if first else '':<44} {r.size if first else '':<26} "
                f"{(f'{r.ours_s * 1e3:8.1f}ms' if first else ''):>9} {name:<30} {ratio:9.1f} "
                f"{fr_s if first else '':>7}"
            )
        for k, v in r.extra.items():
            print(f"{'':<44} {'':<26} {'':>9} {k}: {v}")


def rows_payload(rows: list[Row]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (times in seconds, plus the ratios)."""
    return [{**asdict(r), "ratios": r.ratios(), "floor_ratio": r.floor_ratio()} for r in rows]


def write_json(rows: list[Row], path: Path) -> None:
    """Write rows (times in seconds and ratios) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows_payload(rows), indent=2), encoding="utf-8")


def machine_info() -> dict[str, Any]:
    """Where and with what the numbers were measured (platform, CPUs, library versions, load)."""
    import numpy as np
    import pandas as pd

    import divergence

    try:
        import dask

        dask_version: str | None = dask.__version__
    except ImportError:  # pragma: no cover - optional extra
        dask_version = None
    try:
        load = [round(v, 2) for v in os.getloadavg()]
    except OSError:  # pragma: no cover - not available on Windows
        load = []
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "dask": dask_version,
        "divergence": divergence.__version__,
        "load_average_at_start": load,
    }
