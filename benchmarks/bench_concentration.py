"""Concentration on a full-universe panel: ours vs the pandas idioms vs one NumPy pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._harness import Row, Timed, compare
from divergence import concentration as conc


def make_panel(n_dates: int, n_assets: int, nan_share: float = 0.05, seed: int = 0) -> pd.DataFrame:
    """Lognormal caps (Zipf-like tail) with ``nan_share`` of entries missing."""
    rng = np.random.default_rng(seed)
    caps = np.exp(rng.normal(23.0, 1.5, size=(n_dates, n_assets)))
    caps[rng.random(caps.shape) < nan_share] = np.nan
    idx = pd.bdate_range("1996-01-01", periods=n_dates)
    return pd.DataFrame(caps, index=idx, columns=[f"A{i}" for i in range(n_assets)])


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
            "top_k_share (k=10)",
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
    return rows


if __name__ == "__main__":
    run()
