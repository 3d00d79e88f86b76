"""Growth curves: how the cost of the hot functions grows with N, T, chains, strikes and paths.

``python -m benchmarks.scaling [--scale S] [--points K] [--repeat R] [--only GROUP] [--no-dask]``
(or ``make bench-scaling``)
times representative hot functions over a geometric grid of sizes along one axis at a time,
the other dimensions held fixed:

* ``N`` (assets): concentration (``hhi``, ``top_k_share``, ``concentration_coefficient``),
  dispersion (``realized_correlation``, ``cross_sectional_dispersion``);
* ``T`` (dates): the same panel functions, ``risk.rolling_correlation`` and the expanding
  scores of ``cost`` (``expanding_percentile``, ``expanding_robust_z``);
* ``W`` (window): ``risk.rolling_correlation`` and ``dispersion.realized_correlation`` at
  fixed T and N;
* ``C`` (option chains) and ``S`` (strikes per chain): ``dispersion.model_free_variance_panel``;
* ``P`` (Monte Carlo paths): ``refinancing.simulate`` keeping aggregates only.

For every curve it fits the log-log slope ``b`` of ``log(time) = a + b log(size)`` by least
squares (:func:`numpy.polyfit`) and reports it with its R²: ``b`` close to 1 means the cost
grows linearly with that dimension, 2 quadratically; a slope below 1 at small sizes means a
fixed per-call cost (validation, pandas wrapping) is not yet amortised. Then it times the
:mod:`divergence.distributed` functions on a ``LocalCluster`` of 1 and of 2 single-threaded
worker processes against the local single-process run of the same workload (wall time,
scheduling and result transfer included, cluster start-up excluded), for a small and a
larger workload of each kind.

Everything is written to ``docs/_data/performance.json`` (machine, date, library versions,
every point, every fitted slope, the Dask table); the documentation page "Performance" reads
only that file, so re-running this command is all it takes to refresh the page. The rows are
also written in the ``make bench`` JSON format to ``benchmarks/results/scaling.json``.

Timings are best-of-``repeat`` wall times in one process; on a shared machine they are noisy,
which is why the page reports slopes and ratios rather than bare times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks._harness import Row, best_time, machine_info, write_json

ROOT = Path(__file__).resolve().parent.parent
DOCS_JSON = ROOT / "docs" / "_data" / "performance.json"
ROWS_JSON = ROOT / "benchmarks" / "results" / "scaling.json"


@dataclass
class Curve:
    """Times of one function over a geometric grid of one size axis."""

    name: str
    axis: str
    fixed: str
    sizes: list[int]
    expected: str = ""
    seconds: list[float] = field(default_factory=list)
    slope: float = float("nan")
    intercept: float = float("nan")
    r2: float = float("nan")

    def fit(self) -> None:
        """Least-squares line through (log size, log time)."""
        x, y = np.log(self.sizes), np.log(self.seconds)
        self.slope, self.intercept = (float(v) for v in np.polyfit(x, y, 1))
        resid = y - (self.intercept + self.slope * x)
        tot = float(np.sum((y - y.mean()) ** 2))
        self.r2 = 1.0 - float(np.sum(resid**2)) / tot if tot > 0 else float("nan")


def geometric(lo: int, hi: int, points: int) -> list[int]:
    """``points`` integers from ``lo`` to ``hi``, equally spaced on a log scale."""
    return sorted({round(v) for v in np.geomspace(lo, hi, points)})


def _scaled(v: float, scale: float, floor: int) -> int:
    return max(round(v * scale), floor)


def time_curve(
    name: str,
    axis: str,
    fixed: str,
    sizes: list[int],
    make: Callable[[int], Callable[[], Any]],
    repeat: int,
    expected: str,
) -> Curve:
    """Time ``make(size)()`` for each size (the data are built outside the timing).

    ``expected`` is the growth along this axis that the function's docstring states.
    """
    curve = Curve(name, axis, fixed, sizes, expected)
    for n in sizes:
        fn = make(n)
        curve.seconds.append(best_time(fn, repeat))
    curve.fit()
    pts = "  ".join(f"{n}:{s * 1e3:.1f}ms" for n, s in zip(curve.sizes, curve.seconds, strict=True))
    print(f"{name:<52} {axis}  slope {curve.slope:5.2f}  R2 {curve.r2:5.3f}   {pts}", flush=True)
    return curve


# --------------------------------------------------------------------------- data makers


def _caps(n_dates: int, n_assets: int, seed: int = 0) -> pd.DataFrame:
    from benchmarks.bench_concentration import make_panel

    return make_panel(n_dates, n_assets, seed=seed)


def _returns(n_dates: int, n_assets: int, seed: int = 0) -> pd.DataFrame:
    from benchmarks.bench_dispersion import make_returns

    return make_returns(n_dates, n_assets, seed=seed)


# --------------------------------------------------------------------------- curves


def panel_curves(scale: float, points: int, repeat: int) -> list[Curve]:
    """Concentration and dispersion over N (T fixed) and over T (N fixed)."""
    from divergence import concentration as conc
    from divergence import dispersion as dp
    from divergence import risk

    t_fixed = _scaled(2520, scale, 200)
    n_fixed = _scaled(500, scale, 50)
    n_grid = geometric(_scaled(125, scale, 10), _scaled(4000, scale, 80), points)
    t_grid = geometric(_scaled(630, scale, 100), _scaled(20160, scale, 800), points)
    # correlation is cheaper per cell than a sort but needs a window: keep its grids smaller
    nc_grid = geometric(_scaled(63, scale, 10), _scaled(2000, scale, 80), points)

    def on_n(fn: Callable[[pd.DataFrame], Any], data: Callable[[int, int], pd.DataFrame]) -> Any:
        def make(n: int) -> Callable[[], Any]:
            df = data(t_fixed, n)
            return lambda: fn(df)

        return make

    def on_t(fn: Callable[[pd.DataFrame], Any], data: Callable[[int, int], pd.DataFrame]) -> Any:
        def make(t: int) -> Callable[[], Any]:
            df = data(t, n_fixed)
            return lambda: fn(df)

        return make

    # (name, function, expected growth along N, along T) as the docstrings state them
    Fn = Callable[[pd.DataFrame], Any]
    reductions: list[tuple[str, Fn, str, str]] = [
        ("concentration.hhi", conc.hhi, "O(N)", "O(T)"),
        (
            "concentration.top_k_share (top_k=10)",
            lambda d: conc.top_k_share(d, 10),
            "O(N)",
            "O(T)",
        ),
        (
            "concentration.concentration_coefficient (top_k=10)",
            lambda d: conc.concentration_coefficient(d, top_k=10),
            "O(N log N)",
            "O(T)",
        ),
    ]
    returns_fns: list[tuple[str, Fn, str, str]] = [
        (
            "dispersion.realized_correlation (weighted, w=63)",
            lambda d: dp.realized_correlation(d, window=63, method="weighted"),
            "O(N)",
            "O(T)",
        ),
        (
            "dispersion.realized_correlation (mean, w=63)",
            lambda d: dp.realized_correlation(d, window=63, method="mean"),
            "O(N)",
            "O(T)",
        ),
        ("dispersion.cross_sectional_dispersion", dp.cross_sectional_dispersion, "O(N)", "O(T)"),
    ]
    curves: list[Curve] = []
    fixed_t, fixed_n = f"T = {t_fixed} dates", f"N = {n_fixed} assets"
    for name, fn, on_n_big_o, _ in reductions:
        make = on_n(fn, _caps)
        curves.append(time_curve(name, "N", fixed_t, n_grid, make, repeat, on_n_big_o))
    for name, fn, on_n_big_o, _ in returns_fns:
        make = on_n(fn, _returns)
        curves.append(time_curve(name, "N", fixed_t, nc_grid, make, repeat, on_n_big_o))
    for name, fn, _, on_t_big_o in reductions:
        make = on_t(fn, _caps)
        curves.append(time_curve(name, "T", fixed_n, t_grid, make, repeat, on_t_big_o))
    for name, fn, _, on_t_big_o in returns_fns:
        make = on_t(fn, _returns)
        curves.append(time_curve(name, "T", fixed_n, t_grid, make, repeat, on_t_big_o))

    def rolling_corr(t: int) -> Callable[[], Any]:
        df = _returns(t, n_fixed, seed=2)
        bond = _returns(t, 1, seed=3).iloc[:, 0]
        return lambda: risk.rolling_correlation(df, bond, window=63)

    curves.append(
        time_curve(
            "risk.rolling_correlation (panel vs series, w=63)",
            "T",
            f"N = {n_fixed} assets",
            t_grid,
            rolling_corr,
            repeat,
            "O(T)",
        )
    )

    # the window does not enter the cost of the cumulative-sum rolling measures
    w_grid = geometric(8, max(t_fixed // 4, 16), points)
    df_w = _returns(t_fixed, n_fixed, seed=4)
    bond_w = _returns(t_fixed, 1, seed=5).iloc[:, 0]
    curves.append(
        time_curve(
            "risk.rolling_correlation (panel vs series)",
            "W",
            f"T = {t_fixed}, N = {n_fixed}",
            w_grid,
            lambda w: lambda: risk.rolling_correlation(df_w, bond_w, window=w),
            repeat,
            "independent of W",
        )
    )
    curves.append(
        time_curve(
            "dispersion.realized_correlation (weighted)",
            "W",
            f"T = {t_fixed}, N = {n_fixed}",
            w_grid,
            lambda w: lambda: dp.realized_correlation(df_w, window=max(w, 3)),
            repeat,
            "O(T·N + T·N·W)",
        )
    )
    return curves


def cost_curves(scale: float, points: int, repeat: int) -> list[Curve]:
    """Expanding scores of the divergence cost over the length of the series."""
    from divergence.cost import expanding_percentile, expanding_robust_z

    grid = geometric(_scaled(10_000, scale, 500), _scaled(640_000, scale, 8_000), points)
    rng = np.random.default_rng(0)
    x = rng.standard_t(4, size=max(grid))
    return [
        time_curve(
            "cost.expanding_percentile",
            "T",
            "one series",
            grid,
            lambda t: lambda: expanding_percentile(x[:t]),
            repeat,
            "O(T log T)",
        ),
        time_curve(
            "cost.expanding_robust_z (min_periods=36)",
            "T",
            "one series",
            grid,
            lambda t: lambda: expanding_robust_z(x[:t], min_periods=36),
            repeat,
            "O(T log T)",
        ),
    ]


def chain_curves(scale: float, points: int, repeat: int) -> list[Curve]:
    """Model-free variance of many chains: over the number of chains and of strikes."""
    from benchmarks.bench_dispersion import make_chains
    from divergence import dispersion as dp

    s_fixed = 200
    c_fixed = _scaled(1000, scale, 50)

    def on_chains(c: int) -> Callable[[], Any]:
        ch = make_chains(c, s_fixed)
        return lambda: dp.model_free_variance_panel(ch, by="chain", t="t", rate=0.02)

    def on_strikes(s: int) -> Callable[[], Any]:
        ch = make_chains(c_fixed, s)
        return lambda: dp.model_free_variance_panel(ch, by="chain", t="t", rate=0.02)

    return [
        time_curve(
            "dispersion.model_free_variance_panel",
            "C",
            f"S = {s_fixed} strikes",
            geometric(_scaled(250, scale, 20), _scaled(16_000, scale, 200), points),
            on_chains,
            repeat,
            "O(C·S), rows sorted",
        ),
        time_curve(
            "dispersion.model_free_variance_panel",
            "S",
            f"C = {c_fixed} chains",
            geometric(25, 1600, points),
            on_strikes,
            repeat,
            "O(C·S), rows sorted",
        ),
    ]


def path_curves(scale: float, points: int, repeat: int) -> list[Curve]:
    """Refinancing Monte Carlo over the number of paths (aggregates only)."""
    from divergence import refinancing as rf
    from divergence.refinancing import _kernels

    n_firms = _scaled(200, scale, 20)
    n_mega = n_firms // 5
    book, firms = rf.example_book(n_mega, n_firms - n_mega, tranches=6, seed=0)
    rates = rf.policy_path(0.01, np.r_[0.04, np.zeros(119)])
    # one engine for the whole curve ("auto" would switch engines with the size of the run)
    engine = "numba" if _kernels.AVAILABLE else "numpy"

    def make(p: int) -> Callable[[], Any]:
        return lambda: rf.simulate(book, firms, rates, n_paths=p, seed=0, engine=engine)

    return [
        time_curve(
            "refinancing.simulate (keep='aggregate')",
            "P",
            f"{n_firms} firms x 6 tranches x 120 months, engine={engine}",
            geometric(_scaled(25, scale, 4), _scaled(800, scale, 32), points),
            make,
            max(repeat - 1, 1),
            "O(P)",
        )
    ]


# --------------------------------------------------------------------------- Dask


def dask_table(scale: float, repeat: int) -> list[dict[str, Any]]:
    """Local run vs Dask on 1 and 2 worker processes, for a small and a large workload."""
    import dask.dataframe as dd

    from benchmarks.bench_distributed import _cluster, compute_fresh
    from divergence import concentration, distributed
    from divergence import dispersion as dp
    from divergence import refinancing as rf

    made = {n: _cluster(n) for n in (1, 2)}
    clients = {n: c for n, (_, c) in made.items()}
    out: list[dict[str, Any]] = []

    def record(
        case: str, size: str, local: Callable[[], Any], on: Callable[[int], Any], reps: int
    ) -> None:
        t_local = best_time(local, reps)
        t1 = best_time(lambda: on(1), reps)
        t2 = best_time(lambda: on(2), reps)
        row = {
            "case": case,
            "size": size,
            "local_s": t_local,
            "dask1_s": t1,
            "dask2_s": t2,
            "speedup_1": t_local / t1,
            "speedup_2": t_local / t2,
            "scaling_2_over_1": t1 / t2,
        }
        print(
            f"{case:<52} {size:<28} local {t_local * 1e3:8.1f}ms  "
            f"x{row['speedup_1']:.2f} (1 wk)  x{row['speedup_2']:.2f} (2 wk)",
            flush=True,
        )
        out.append(row)

    try:
        # Monte Carlo: path chunks, one per worker
        for n_firms, n_paths in ((50, 40), (_scaled(500, scale, 20), _scaled(400, scale, 8))):
            book, firms = rf.example_book(n_firms // 5, n_firms - n_firms // 5, seed=0)
            rates = rf.vasicek_paths(0.03, 0.5, 0.04, 0.01, months=120, n_paths=n_paths, seed=1)

            def local_sim(book: Any = book, firms: Any = firms, rates: Any = rates) -> Any:
                return rf.simulate(book, firms, rates, seed=2)

            def dask_sim(n: int, book: Any = book, firms: Any = firms, rates: Any = rates) -> Any:
                return distributed.simulate_refinancing(
                    book, firms, rates, seed=2, client=clients[n]
                )

            assert np.array_equal(dask_sim(2).interest_sum, local_sim().interest_sum)
            record(
                "distributed.simulate_refinancing",
                f"{n_firms} firms x 120 m x {n_paths} paths",
                local_sim,
                dask_sim,
                max(repeat - 1, 1),
            )

        # panels partitioned by date, persisted on the workers first
        for n_rows in (2_000, _scaled(20_000, scale, 400)):
            rng = np.random.default_rng(3)
            caps = pd.DataFrame(
                np.exp(rng.normal(3.0, 1.5, size=(n_rows, 500))),
                index=pd.date_range("1950-01-02", periods=n_rows, freq="B", name="date"),
                columns=[f"n{i}" for i in range(500)],
            )
            persisted = {
                n: c.persist(dd.from_pandas(caps, npartitions=8)) for n, c in clients.items()
            }

            # a cheap row-wise reduction (one pass) and a heavier one (three sorts per row)
            for fname, func in (
                ("hhi", concentration.hhi),
                ("concentration_profile", concentration.concentration_profile),
            ):

                def dask_row(
                    n: int, persisted: Any = persisted, func: Callable[..., Any] = func
                ) -> Any:
                    lazy = distributed.cross_sectional(func, persisted[n])
                    return compute_fresh(clients[n], lazy)

                record(
                    f"distributed.cross_sectional({fname})",
                    f"{n_rows} x 500, 8 partitions",
                    lambda caps=caps, func=func: func(caps),
                    dask_row,
                    repeat,
                )

        for n_rows in (1_000, _scaled(10_000, scale, 400)):
            rets = _returns(n_rows, 200, seed=6)
            rets.index.name = "date"
            persisted = {
                n: c.persist(dd.from_pandas(rets, npartitions=8)) for n, c in clients.items()
            }

            def dask_corr(n: int, persisted: Any = persisted) -> Any:
                lazy = distributed.rolling(dp.realized_correlation, persisted[n], window=63)
                return compute_fresh(clients[n], lazy)

            record(
                "distributed.rolling(realized_correlation, w=63)",
                f"{n_rows} x 200, 8 partitions",
                lambda rets=rets: dp.realized_correlation(rets, window=63),
                dask_corr,
                repeat,
            )
    finally:
        for cluster, client in made.values():
            client.close()
            cluster.close()
    return out


# --------------------------------------------------------------------------- output


def to_rows(curves: list[Curve], dask_rows: list[dict[str, Any]]) -> list[Row]:
    """The same results as harness rows (for the ``make bench`` JSON format)."""
    rows = []
    for c in curves:
        for n, s in zip(c.sizes, c.seconds, strict=True):
            rows.append(
                Row(
                    f"{c.name} [{c.axis}]",
                    f"{c.axis}={n}, {c.fixed}",
                    s,
                    extra={"slope": round(c.slope, 3), "r2": round(c.r2, 4)},
                )
            )
    for d in dask_rows:
        rows.append(
            Row(
                f"{d['case']} (2 wk)",
                d["size"],
                d["dask2_s"],
                baselines_s={"local": d["local_s"], "dask 1 worker": d["dask1_s"]},
            )
        )
    return rows


GROUPS: dict[str, Callable[[float, int, int], list[Curve]]] = {
    "panel": panel_curves,
    "cost": cost_curves,
    "chains": chain_curves,
    "paths": path_curves,
}


def _curve_json(c: Curve, group: str, date: str) -> dict[str, Any]:
    return {
        "group": group,
        "date": date,
        "name": c.name,
        "axis": c.axis,
        "fixed": c.fixed,
        "sizes": c.sizes,
        "expected": c.expected,
        "seconds": c.seconds,
        "slope": c.slope,
        "intercept": c.intercept,
        "r2": c.r2,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.scaling",
        epilog="With --only or --no-dask, the parts not re-measured are kept from the existing "
        "--out file (each curve records its own date), so one group can be refreshed alone, "
        "e.g. --only paths after a change to the refinancing simulator.",
    )
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiplies every grid size (default 1)"
    )
    parser.add_argument("--points", type=int, default=5, help="sizes per curve (default 5)")
    parser.add_argument("--repeat", type=int, default=3, help="best of REPEAT calls (default 3)")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask speed-up table")
    parser.add_argument(
        "--only", choices=[*GROUPS, "dask"], default=None, help="re-measure one group only"
    )
    parser.add_argument("--out", type=Path, default=DOCS_JSON, help="performance JSON to write")
    parser.add_argument("--rows-json", type=Path, default=ROWS_JSON)
    args = parser.parse_args(argv)
    if args.points < 2:
        parser.error("--points must be at least 2 (a slope needs two sizes)")

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    meta = machine_info()
    print(f"# growth curves, scale {args.scale}, {args.points} points per curve")
    print(
        f"# {meta['platform']}, {meta['cpu_count']} CPUs, "
        f"load {meta['load_average_at_start']}, numpy {meta['numpy']}"
    )
    measured: list[dict[str, Any]] = []
    curves: list[Curve] = []
    for key, fn in GROUPS.items():
        if args.only in (None, key):
            print(f"\n## {key}", flush=True)
            new = fn(args.scale, args.points, args.repeat)
            curves += new
            measured += [_curve_json(c, key, now) for c in new]
    dask_rows: list[dict[str, Any]] | None = None
    if not args.no_dask and args.only in (None, "dask"):
        print("\n## dask (LocalCluster, 1 and 2 single-threaded worker processes)", flush=True)
        dask_rows = dask_table(args.scale, args.repeat)
        for d in dask_rows:
            d["date"] = now
    elapsed = time.perf_counter() - started

    # keep what was not re-measured from the existing file
    partial = args.only is not None or args.no_dask
    old: dict[str, Any] = {}
    if partial and args.out.exists():
        old = json.loads(args.out.read_text(encoding="utf-8"))
    redone = {c["group"] for c in measured}
    kept = [c for c in old.get("curves", []) if c.get("group") not in redone]
    order = list(GROUPS)
    all_curves = sorted(
        kept + measured, key=lambda c: order.index(c["group"]) if c.get("group") in order else 99
    )
    payload = {
        "generated_by": "python -m benchmarks.scaling " + " ".join(sys.argv[1:]),
        "date": now,
        "scale": args.scale,
        "points": args.points,
        "repeat": args.repeat,
        "run_seconds": round(elapsed, 1),
        "machine": meta,
        "curves": all_curves,
        "dask": dask_rows if dask_rows is not None else old.get("dask", []),
    }
    if partial and old:
        payload["partial_update"] = {
            "re-measured": sorted(redone | ({"dask"} if dask_rows is not None else set())),
            "kept from": old.get("date"),
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")
    write_json(to_rows(curves, dask_rows or []), args.rows_json)
    print(f"\nwrote {args.out} and {args.rows_json} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
