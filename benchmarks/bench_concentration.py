"""Concentration on a full-universe panel: ours vs the pandas idioms, looped peers and the floors.

Two groups of rows:

* the O(T·N) measures and the pandas idioms they replace on a 7,560 x 3,000 panel (30 years of
  business days, a broad universe), with one NaN-skipping row sum as the floor;
* the sort-based measures on a 2,520 x 500 panel (10 years of an S&P 500-sized index), each
  against the one sort (or partition) per row it cannot avoid and against the per-row loops a
  user would otherwise write: a lean NumPy loop (the textbook formula, written here) and, for the
  Gini, pysal's ``inequality.gini.Gini`` looped over the rows when the optional ``inequality``
  package is installed (``pip install inequality``; it is not a dependency of divergence, and
  the row says so when the peer is skipped).

The floors sort (``np.sort(panel, axis=1)``) or partition (``np.partition``, k-th from the top,
with NaN set to 0) a row-major copy of the panel, prepared outside the timing: the fastest layout
for a row-wise sort, so "ours / floor" includes our own validation, NaN handling and the copy of
the DataFrame's (column-major) values that we sort in.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from benchmarks._harness import Row, Timed, best_times_alternating, compare
from divergence import concentration as conc

FloatArray = npt.NDArray[np.float64]


def make_panel(n_dates: int, n_assets: int, nan_share: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Lognormal caps (Zipf-like tail) with ``nan_share`` of entries missing."""
    rng = np.random.default_rng(seed)
    caps = np.exp(rng.normal(23.0, 1.5, size=(n_dates, n_assets)))
    caps[rng.random(caps.shape) < nan_share] = np.nan
    idx = pd.bdate_range("1996-01-01", periods=n_dates)
    return pd.DataFrame(caps, index=idx, columns=[f"A{i}" for i in range(n_assets)])


# --------------------------------------------------------------- lean per-row NumPy loops
# What a user writes without a panel function: drop the absent names of each row, then the
# textbook formula on the rest.
def _loop_gini(rows: FloatArray) -> FloatArray:
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        v = np.sort(row[~np.isnan(row)])
        n = v.size
        out[i] = (2.0 * np.arange(1, n + 1) - n - 1.0) @ v / (n * v.sum())
    return out


def _loop_hall_tideman(rows: FloatArray) -> FloatArray:
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        v = np.sort(row[~np.isnan(row)])[::-1]
        out[i] = 1.0 / (2.0 * (np.arange(1, v.size + 1) @ v) / v.sum() - 1.0)
    return out


def _loop_top_k_share(rows: FloatArray, k: int) -> FloatArray:
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        v = row[~np.isnan(row)]
        top = np.partition(v, v.size - k)[v.size - k :] if v.size > k else v
        out[i] = top.sum() / v.sum()
    return out


def _loop_concentration_coefficient(rows: FloatArray, k: int) -> FloatArray:
    out = np.empty(len(rows))
    for i, row in enumerate(rows):
        v = np.sort(row[~np.isnan(row)])
        n = v.size
        out[i] = v[-min(k, n) :].mean() / (0.5 * (v[(n - 1) // 2] + v[n // 2]))
    return out


def _lorenz_idiom(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    v = np.sort(x[~np.isnan(x)])
    pop = np.arange(v.size + 1) / v.size
    return pop, np.concatenate(([0.0], np.cumsum(v) / v.sum()))


def _pysal_gini_loop() -> Callable[[FloatArray], FloatArray] | None:
    """pysal's ``Gini`` looped over the rows (absent names dropped), or None if not installed."""
    try:
        from inequality.gini import Gini
    except ImportError:
        return None

    def loop(rows: FloatArray) -> FloatArray:
        return np.array([Gini(row[~np.isnan(row)]).g for row in rows])

    return loop


def _check(ours: object, reference: FloatArray, what: str) -> str:
    """Make sure a baseline computes the same thing; returns the largest relative gap."""
    got = np.asarray(ours, dtype=np.float64)
    gap = float(np.max(np.abs(got - reference) / np.abs(reference)))
    if not gap < 1e-9:
        raise AssertionError(f"{what}: baseline and ours differ by {gap:.2e} (relative)")
    return f"{gap:.1e}"


def _sort_rows_rows(n_dates: int, n_assets: int) -> list[Row]:
    df = make_panel(n_dates, n_assets)
    rows_c = np.ascontiguousarray(df.to_numpy())  # row-major: the fastest layout for row sorts
    size = f"{n_dates} x {n_assets}, 5% NaN"
    k = 10

    def floor_sort() -> FloatArray:
        return np.sort(rows_c, axis=1)

    # NaN -> 0 first: with NaN left in, the k-th from the top often lands among the NaN (sorted
    # last) and the partition returns early, which no correct top-k computation can do
    filled_c = np.where(np.isnan(rows_c), 0.0, rows_c)

    def floor_partition() -> FloatArray:
        return np.partition(filled_c, n_assets - k, axis=1)

    out: list[Row] = []
    # --- Gini: the target row (<= 2x the sort, >= 3x the looped peers)
    ours_g = conc.gini(df).to_numpy()
    baselines: dict[str, Callable[[], object] | Timed] = {
        "lean NumPy loop over rows": lambda: _loop_gini(rows_c)
    }
    extra = {"lean loop max rel. gap": _check(_loop_gini(rows_c), ours_g, "gini loop")}
    pysal = _pysal_gini_loop()
    if pysal is None:
        extra["pysal inequality.Gini"] = "skipped: package `inequality` not installed"
        print("  (pysal `inequality` not installed: the Gini row has no pysal peer column)")
    else:
        baselines["pysal inequality.Gini, looped"] = lambda: pysal(rows_c)
        extra["pysal max rel. gap"] = _check(pysal(rows_c), ours_g, "pysal Gini")
    # the speed-ups again, each timed in alternation with ours (steadier on a drifting machine)
    for name, fn in baselines.items():
        peer = fn.fn if isinstance(fn, Timed) else fn
        t_ours, t_peer = best_times_alternating(lambda: conc.gini(df), peer, (5, 5))
        extra[f"x faster than {name}, alternated"] = f"{t_peer / t_ours:.2f}"
    out.append(
        compare("gini", size, lambda: conc.gini(df), baselines, floor=floor_sort, extra=extra)
    )
    # --- Hall-Tideman
    ours_h = conc.hall_tideman(df).to_numpy()
    out.append(
        compare(
            "hall_tideman",
            size,
            lambda: conc.hall_tideman(df),
            {"lean NumPy loop over rows": lambda: _loop_hall_tideman(rows_c)},
            floor=floor_sort,
            extra={"max rel. gap": _check(_loop_hall_tideman(rows_c), ours_h, "HT loop")},
        )
    )
    # --- top-k share: one partition per row
    ours_t = conc.top_k_share(df, k).to_numpy()
    out.append(
        compare(
            "top_k_share (top_k=10) vs partition",
            size,
            lambda: conc.top_k_share(df, k),
            {"lean NumPy loop over rows": lambda: _loop_top_k_share(rows_c, k)},
            floor=floor_partition,
            extra={"max rel. gap": _check(_loop_top_k_share(rows_c, k), ours_t, "top-k loop")},
        )
    )
    # --- concentration coefficient: one sort per row (the median position varies by row)
    ours_c = conc.concentration_coefficient(df, top_k=k).to_numpy()
    loop_c = _loop_concentration_coefficient(rows_c, k)
    out.append(
        compare(
            "concentration_coefficient (top_k=10) vs sort",
            size,
            lambda: conc.concentration_coefficient(df, top_k=k),
            {"lean NumPy loop over rows": lambda: _loop_concentration_coefficient(rows_c, k)},
            floor=floor_sort,
            extra={"max rel. gap": _check(loop_c, ours_c, "I_C loop")},
        )
    )
    # --- Lorenz curve: one cross-section as large as the whole panel
    flat = rows_c.ravel()
    pop, cum = conc.lorenz_curve(flat)
    gap = _check(_lorenz_idiom(flat)[1][1:], cum[1:], "Lorenz idiom")
    out.append(
        compare(
            "lorenz_curve (one cross-section)",
            f"{flat.size:,} names, 5% NaN",
            lambda: conc.lorenz_curve(flat),
            {"mask, np.sort, cumsum, concatenate": lambda: _lorenz_idiom(flat)},
            floor=lambda: np.sort(flat),
            extra={"max rel. gap": gap, "points": pop.size},
        )
    )
    return out


def run(scale: float = 1.0) -> list[Row]:
    n_dates, n_assets = max(int(7560 * scale), 50), max(int(3000 * scale), 50)
    df = make_panel(n_dates, n_assets)
    arr = df.to_numpy()
    size = f"{n_dates} x {n_assets}, 5% NaN"
    # the apply baselines are slow: time them on a subset of rows and scale linearly
    sub = df.iloc[: max(n_dates // 20, 10)]
    factor = n_dates / len(sub)
    rows = [
        compare(
            "hhi",
            size,
            lambda: conc.hhi(df),
            {
                "w = df.div(sum); w.pow(2).sum(axis=1)": lambda: (
                    df.div(df.sum(axis=1), axis=0).pow(2).sum(axis=1)
                )
            },
            floor=lambda: np.nansum(arr, axis=1),
        ),
        compare(
            "top_k_share (top_k=10)",
            size,
            lambda: conc.top_k_share(df, 10),
            {
                f"apply(nlargest) [1/{factor:.0f} rows, scaled]": Timed(
                    lambda: sub.apply(lambda r: r.nlargest(10).sum() / r.sum(), axis=1),
                    scale_factor=factor,
                    repeat=1,
                )
            },
            floor=lambda: np.nansum(arr, axis=1),
        ),
        compare(
            "concentration_coefficient (top 10 / median)",
            size,
            lambda: conc.concentration_coefficient(df, top_k=10),
            {
                f"apply(nlargest.mean / median) [1/{factor:.0f} rows, scaled]": Timed(
                    lambda: sub.apply(lambda r: r.nlargest(10).mean() / r.median(), axis=1),
                    scale_factor=factor,
                    repeat=1,
                )
            },
            floor=lambda: np.nansum(arr, axis=1),
        ),
    ]
    rows += _sort_rows_rows(max(int(2520 * scale), 50), max(int(500 * scale), 20))
    return rows


if __name__ == "__main__":
    run()
