"""Risk hot paths: rolling correlation and historical VaR/CVaR vs the pandas idioms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._harness import Row, Timed, compare
from divergence import risk


def _returns(n_rows: int, n_cols: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("1990-01-01", periods=n_rows)
    data = 0.01 * rng.standard_t(5, size=(n_rows, n_cols))
    return pd.DataFrame(data, index=idx, columns=[f"A{i}" for i in range(n_cols)])


def run(scale: float = 1.0) -> list[Row]:
    rows: list[Row] = []
    # one long series: 1,000,000 daily observations, one-year window
    n_long = max(int(1_000_000 * scale), 1000)
    a = _returns(n_long, 1, 0).iloc[:, 0]
    b = (0.3 * a + _returns(n_long, 1, 1).iloc[:, 0]).rename("b")
    av, bv = a.to_numpy(), b.to_numpy()
    rows.append(
        compare(
            "rolling_correlation, one series (w=252)",
            f"{n_long:,} rows",
            lambda: risk.rolling_correlation(a, b, window=252),
            {"a.rolling(252).corr(b)": lambda: a.rolling(252).corr(b)},
            floor=lambda: np.cumsum(av * bv),
        )
    )
    # a panel of many columns against one series (e.g. every stock vs the bond)
    n_rows, n_cols = max(int(5000 * scale), 300), max(int(500 * scale), 10)
    df = _returns(n_rows, n_cols, 2)
    bond = _returns(n_rows, 1, 3).iloc[:, 0]
    arr = df.to_numpy()
    rows.append(
        compare(
            "rolling_correlation, panel vs series (w=63)",
            f"{n_rows} x {n_cols}",
            lambda: risk.rolling_correlation(df, bond, window=63),
            {"df.rolling(63).corr(s)": lambda: df.rolling(63).corr(bond)},
            floor=lambda: np.cumsum(arr, axis=0),
        )
    )
    df2 = _returns(n_rows, n_cols, 4)
    rows.append(
        compare(
            "rolling_correlation, panel vs panel (w=63)",
            f"{n_rows} x {n_cols}",
            lambda: risk.rolling_correlation(df, df2, window=63),
            {"df.rolling(63).corr(df2)": lambda: df.rolling(63).corr(df2)},
            floor=lambda: np.cumsum(arr, axis=0),
        )
    )
    # historical VaR / CVaR over a 2-D panel: one value per column
    n_rows, n_cols = max(int(5000 * scale), 300), max(int(2000 * scale), 10)
    panel = _returns(n_rows, n_cols, 5)
    panel_arr = panel.to_numpy()
    k = int(np.ceil(n_rows * 0.05 - 1e-9))
    sub = panel.iloc[:, : max(n_cols // 10, 1)]
    factor = n_cols / sub.shape[1]
    rows.append(
        compare(
            "value_at_risk historical (95%)",
            f"{n_rows} x {n_cols}",
            lambda: risk.value_at_risk(panel),
            {
                "-df.quantile(0.05, 'lower')": lambda: -panel.quantile(0.05, interpolation="lower"),
                f"df.apply(sort) [1/{factor:.0f} cols, scaled]": Timed(
                    lambda: sub.apply(lambda c: -np.sort(c.to_numpy())[k - 1]),
                    scale_factor=factor,
                ),
            },
            floor=lambda: np.nansum(panel_arr, axis=0),
        )
    )
    rows.append(
        compare(
            "conditional_value_at_risk historical (95%)",
            f"{n_rows} x {n_cols}",
            lambda: risk.conditional_value_at_risk(panel),
            {
                f"df.apply(c[c <= q].mean()) [1/{factor:.0f} cols, scaled]": Timed(
                    lambda: sub.apply(lambda c: -c[c <= c.quantile(0.05)].mean()),
                    scale_factor=factor,
                )
            },
            floor=lambda: np.nansum(panel_arr, axis=0),
        )
    )
    return rows


if __name__ == "__main__":
    run()
