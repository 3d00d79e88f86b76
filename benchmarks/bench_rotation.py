"""Sector aggregation on a large panel: ours vs the pandas groupby idiom vs one NumPy pass."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._harness import Row, best_time, compare
from divergence import rotation as rot
from divergence._validation import as_array


def make_panel(
    n_dates: int, n_assets: int, n_sectors: int = 11, nan_share: float = 0.05, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Returns, lognormal caps (5% of entries missing) and a random sector per name."""
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("1998-01-01", periods=n_dates)
    cols = [f"A{i}" for i in range(n_assets)]
    caps = np.exp(rng.normal(23.0, 1.5, size=(n_dates, n_assets)))
    rets = rng.normal(0.0, 0.02, size=(n_dates, n_assets))
    rets[rng.random(rets.shape) < nan_share] = np.nan
    caps[rng.random(caps.shape) < nan_share] = np.nan
    sectors = pd.Series(rng.integers(0, n_sectors, size=n_assets), index=cols).map(
        lambda k: f"sector_{k:02d}"
    )
    return (
        pd.DataFrame(rets, index=idx, columns=cols),
        pd.DataFrame(caps, index=idx, columns=cols),
        sectors,
    )


def pandas_idiom(rets: pd.DataFrame, caps: pd.DataFrame, sectors: pd.Series) -> pd.DataFrame:
    """What a user writes: lag the caps, mask absent names, group the columns by sector."""
    lag = caps.shift(1)
    w = lag.where(rets.notna() & lag.notna())
    num = (w * rets).T.groupby(sectors).sum(min_count=1).T
    den = w.T.groupby(sectors).sum(min_count=1).T
    return num / den


def pandas_loop(rets: pd.DataFrame, caps: pd.DataFrame, sectors: pd.Series) -> pd.DataFrame:
    """The other common idiom: one pandas weighted average per sector."""
    lag = caps.shift(1)
    out = {}
    for name, cols in sectors.groupby(sectors).groups.items():
        r, w = rets[cols], lag[cols]
        w = w.where(r.notna() & w.notna())
        out[name] = (w * r).sum(axis=1, min_count=1) / w.sum(axis=1, min_count=1)
    return pd.DataFrame(out)


def run(scale: float = 1.0) -> list[Row]:
    n_dates, n_assets = max(int(5000 * scale), 50), max(int(3000 * scale), 50)
    rets, caps, sectors = make_panel(n_dates, n_assets)
    r_arr = np.ascontiguousarray(rets.to_numpy())  # a numpy user's arrays are C-ordered
    c_arr = np.ascontiguousarray(caps.to_numpy())
    sec_list = list(sectors)
    size = f"{n_dates} x {n_assets} x 11 sectors"
    ours = rot.sector_returns(rets, caps, sectors)
    ref = pandas_idiom(rets, caps, sectors)
    err = float(np.nanmax(np.abs(ours.to_numpy() - ref.to_numpy())))
    # how much of our time is the input validation every public function does (two checked
    # float copies of the panels), which the pandas idioms skip
    t_valid = best_time(
        lambda: (
            as_array(rets, "returns", ndim=2),
            as_array(caps, "market_caps", ndim=2, nonnegative=True),
        )
    )
    t_ours = best_time(lambda: rot.sector_returns(rets, caps, sectors))
    return [
        compare(
            "sector_returns (cap-weighted, t-1 weights)",
            size,
            lambda: rot.sector_returns(rets, caps, sectors),
            {
                "shift/where/.T.groupby(sectors).sum": lambda: pandas_idiom(rets, caps, sectors),
                "for sector: (w*r).sum()/w.sum()": lambda: pandas_loop(rets, caps, sectors),
            },
            floor=lambda: np.nansum(r_arr, axis=1),
            extra={
                "max |ours - pandas|": f"{err:.1e}",
                "validation share of ours": f"{t_valid / t_ours:.0%}",
            },
        ),
        compare(
            "sector_returns, numpy input",
            size,
            lambda: rot.sector_returns(r_arr, c_arr, sec_list),
            {"shift/where/.T.groupby(sectors).sum": lambda: pandas_idiom(rets, caps, sectors)},
            floor=lambda: np.nansum(r_arr, axis=1),
        ),
    ]


if __name__ == "__main__":
    run()
