"""Expanding scoring of the divergence cost: ours vs the pandas idiom and a Python Fenwick loop.

The pandas idiom ``expanding().apply(lambda w: (w <= w[-1]).mean(), raw=True)`` is O(n^2): it
is timed on a prefix of ``m`` rows and scaled to ``n`` rows in two ways, both named in the
case: by the pure O(n^2) law, ``(n / m) ** 2``, and (conservatively) by ``a n + b n^2`` fitted
to the times on ``m / 2`` and ``m`` rows. At ``m`` the per-call overhead of ``apply`` is still
visible (``t(m) / t(m/2)`` is below 4, printed), so the pure quadratic law overstates the
baseline a little; the fitted law does not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._harness import Row, Timed, best_time, compare
from divergence.cost import DivergenceCost, expanding_percentile, expanding_robust_z


def _naive_percentile(s: pd.Series) -> pd.Series:
    return s.expanding().apply(lambda w: (w <= w[-1]).mean(), raw=True)


def _naive_robust_z(s: pd.Series, min_periods: int) -> pd.Series:
    def z(w: np.ndarray) -> float:
        past = w[:-1]
        q25, med, q75 = np.quantile(past, [0.25, 0.5, 0.75])
        return float((w[-1] - med) / ((q75 - q25) / 1.3489795003921634))

    return s.expanding(min_periods=min_periods + 1).apply(z, raw=True)


def _fenwick_percentile(x: np.ndarray) -> np.ndarray:
    """O(n log n) but a pure-Python loop: a Fenwick tree over the ranks."""
    _, inv = np.unique(x, return_inverse=True)
    ranks = (inv + 1).tolist()
    size = len(ranks)
    tree = [0] * (size + 1)
    out = [0.0] * size
    for t, r in enumerate(ranks):
        i = r
        while i <= size:
            tree[i] += 1
            i += i & -i
        c, i = 0, r
        while i > 0:
            c += tree[i]
            i -= i & -i
        out[t] = c / (t + 1)
    return np.asarray(out)


def run(scale: float = 1.0) -> list[Row]:
    n = max(int(100_000 * scale), 2_000)
    m = max(n // 4, 1_000)  # prefix for the quadratic baselines
    rng = np.random.default_rng(0)
    x = rng.standard_t(4, size=n)
    s = pd.Series(x)
    prefix = s.iloc[:m]
    quad = (n / m) ** 2
    t_m = best_time(lambda: _naive_percentile(prefix), 1)
    t_half = best_time(lambda: _naive_percentile(s.iloc[: m // 2]), 1)
    # t(k) = a k + b k^2 through (m/2, t_half) and (m, t_m)
    b = max((t_m - 2.0 * t_half) / (m * m / 2.0), 0.0)
    a = max((t_m - b * m * m) / m, 0.0)
    fitted = (a * n + b * n * n) / t_m
    rows = [
        compare(
            "expanding_percentile",
            f"{n:,} rows",
            lambda: expanding_percentile(x),
            {
                f"pandas expanding.apply [{m:,} rows, x(n/m)^2]": Timed(
                    lambda: _naive_percentile(prefix), scale_factor=quad, repeat=1
                ),
                f"same, fitted a*n + b*n^2 [x{fitted:.1f}]": Timed(
                    lambda: _naive_percentile(prefix), scale_factor=fitted, repeat=1
                ),
                "Fenwick tree, Python loop": Timed(lambda: _fenwick_percentile(x), repeat=1),
            },
            floor=lambda: np.argsort(x, kind="stable"),
            extra={"quadratic check t(m)/t(m/2)": f"{t_m / t_half:.2f} (4 = pure O(n^2))"},
        ),
    ]
    mz = max(n // 10, 500)
    zprefix = s.iloc[:mz]
    rows.append(
        compare(
            "expanding_robust_z (min_periods=36)",
            f"{n:,} rows",
            lambda: expanding_robust_z(x, min_periods=36),
            {
                f"expanding.apply(np.quantile) [{mz:,} rows, x(n/m)^2]": Timed(
                    lambda: _naive_robust_z(zprefix, 36), scale_factor=(n / mz) ** 2, repeat=1
                )
            },
            floor=lambda: np.argsort(x, kind="stable"),
        )
    )
    dr, ic, ls = rng.normal(size=(3, n))
    model = DivergenceCost(interaction=0.5)
    rows.append(
        compare(
            "DivergenceCost.evaluate (3 inputs, percentile)",
            f"{n:,} rows",
            lambda: model.evaluate(dr, ic, ls),
            {
                "3 x expanding_percentile (scoring only)": lambda: [
                    expanding_percentile(v) for v in (dr, ic, ls)
                ]
            },
            floor=lambda: [np.argsort(v, kind="stable") for v in (dr, ic, ls)],
        )
    )
    return rows


if __name__ == "__main__":
    run()
