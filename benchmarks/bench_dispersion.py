"""Dispersion: rolling average correlation and many-chain model-free variance vs user idioms."""

from __future__ import annotations

import numpy as np
import pandas as pd

from benchmarks._harness import Row, Timed, compare
from divergence import dispersion as dp
from divergence.dispersion._vix import _stable_argsort_codes


def make_returns(n_dates: int, n_names: int, seed: int = 0) -> pd.DataFrame:
    """One-factor daily returns (pairwise correlation about 0.3)."""
    rng = np.random.default_rng(seed)
    r = 0.01 * (0.65 * rng.normal(size=(n_dates, 1)) + rng.normal(size=(n_dates, n_names)))
    idx = pd.bdate_range("2013-01-01", periods=n_dates)
    return pd.DataFrame(r, index=idx, columns=[f"S{i}" for i in range(n_names)])


def pandas_mean_corr(df: pd.DataFrame, window: int) -> pd.Series:
    """What a user writes: rolling pairwise correlation matrices, then the off-diagonal mean."""
    n = df.shape[1]
    mats = df.rolling(window).corr().to_numpy().reshape(len(df), n, n)
    return pd.Series((np.nansum(mats, axis=(1, 2)) - n) / (n * (n - 1)), index=df.index)


def make_chains(n_chains: int, n_strikes: int, seed: int = 0) -> pd.DataFrame:
    """Synthetic chains: Black-Scholes-like mids around a random forward, 0.05-0.5 spreads,
    zero bids in the far wings."""
    from scipy.stats import norm

    rng = np.random.default_rng(seed)
    fwd = rng.uniform(80, 120, n_chains)[:, None]
    t = rng.uniform(7, 60, n_chains)[:, None] / 365
    vol = rng.uniform(0.1, 0.6, n_chains)[:, None]
    k = np.linspace(40, 200, n_strikes)[None, :] * np.ones((n_chains, 1))
    sd = vol * np.sqrt(t)
    d1 = (np.log(fwd / k) + 0.5 * sd**2) / sd
    call = fwd * norm.cdf(d1) - k * norm.cdf(d1 - sd)
    put = call - (fwd - k)
    spread = rng.uniform(0.05, 0.5, (n_chains, n_strikes))
    cb = np.where(call > 0.05, np.round(call - spread / 2, 2), 0.0).clip(0)
    pb = np.where(put > 0.05, np.round(put - spread / 2, 2), 0.0).clip(0)
    chain_id = np.repeat(np.arange(n_chains), n_strikes)
    return pd.DataFrame(
        {
            "chain": chain_id,
            "strike": k.ravel(),
            "call_bid": cb.ravel(),
            "call_ask": (cb + spread).ravel(),
            "put_bid": pb.ravel(),
            "put_ask": (pb + spread).ravel(),
            "t": np.repeat(t.ravel(), n_strikes),
        }
    )


def loop_over_chains(chains: pd.DataFrame) -> pd.Series:
    """What a user writes: one call of the single-chain function per chain."""
    out = {}
    for key, g in chains.groupby("chain"):
        out[key] = dp.model_free_variance(g, t=float(g["t"].iloc[0]), r=0.02)
    return pd.Series(out)


def run(scale: float = 1.0) -> list[Row]:
    rows: list[Row] = []
    n_dates = max(int(1260 * scale), 200)
    window = 63
    # --- realized_correlation, 100 names: pandas baseline timed in full, once
    df = make_returns(n_dates, 100)
    arr = df.to_numpy()
    rows.append(
        compare(
            "realized_correlation(mean, window=63)",
            f"{n_dates} x 100",
            lambda: dp.realized_correlation(df, window=window, method="mean"),
            {
                "df.rolling(63).corr() + mean [full, once]": Timed(
                    lambda: pandas_mean_corr(df, window), repeat=1
                )
            },
            floor=lambda: np.cumsum(arr, axis=0),
        )
    )
    # --- 500 names: pandas baseline on 100 names scaled by (500/100)^2 (pairwise cost)
    df5 = make_returns(n_dates, 500, seed=1)
    arr5 = df5.to_numpy()
    rows.append(
        compare(
            "realized_correlation(mean, window=63)",
            f"{n_dates} x 500",
            lambda: dp.realized_correlation(df5, window=window, method="mean"),
            {
                "rolling.corr on 100 names, x25 (N^2) [once]": Timed(
                    lambda: pandas_mean_corr(df5.iloc[:, :100], window),
                    scale_factor=25.0,
                    repeat=1,
                )
            },
            floor=lambda: np.cumsum(arr5, axis=0),
        )
    )
    rows.append(
        compare(
            "realized_correlation(weighted, window=63)",
            f"{n_dates} x 500",
            lambda: dp.realized_correlation(df5, window=window, method="weighted"),
            {},
            floor=lambda: np.cumsum(arr5, axis=0),
        )
    )
    # --- model_free_variance_panel: 10,000 chains x 200 strikes; loop timed on 1/50, scaled
    n_chains = max(int(10_000 * scale), 100)
    chains = make_chains(n_chains, 200)
    sub = chains[chains["chain"] < max(n_chains // 50, 10)]
    factor = n_chains / sub["chain"].nunique()
    n_quotes = 4 * len(chains)
    keys = chains["chain"].to_numpy()
    strikes = chains["strike"].to_numpy()
    row = compare(
        "model_free_variance_panel",
        f"{n_chains} chains x 200 strikes",
        lambda: dp.model_free_variance_panel(chains, by="chain", t="t", r=0.02),
        {
            f"loop of model_free_variance [1/{factor:.0f} chains, scaled]": Timed(
                lambda: loop_over_chains(sub), scale_factor=factor, repeat=1
            )
        },
        floor=lambda: np.lexsort((strikes, keys)),
    )
    row.extra["option quotes per second (ours)"] = f"{n_quotes / row.ours_s:,.0f}"
    rows.append(row)
    # same chains with the rows shuffled: ours pays one lexsort of all quotes
    shuffled = chains.sample(frac=1.0, random_state=0)
    keys_s = shuffled["chain"].to_numpy()
    strikes_s = shuffled["strike"].to_numpy()
    row = compare(
        "model_free_variance_panel (rows shuffled)",
        f"{n_chains} chains x 200 strikes",
        lambda: dp.model_free_variance_panel(shuffled, by="chain", t="t", r=0.02),
        {
            f"loop of model_free_variance [1/{factor:.0f} chains, scaled]": Timed(
                lambda: loop_over_chains(sub), scale_factor=factor, repeat=1
            )
        },
        floor=lambda: np.lexsort((strikes_s, keys_s)),
    )
    row.extra["option quotes per second (ours)"] = f"{n_quotes / row.ours_s:,.0f}"
    rows.append(row)
    # the ordering step alone: strike sort, then a stable sort by chain code. Before the radix
    # helper the chain codes went through NumPy's int64 stable sort (a merge sort).
    codes_s = shuffled["chain"].to_numpy().astype(np.int64)
    by_strike = np.argsort(strikes_s)
    rows.append(
        compare(
            "model_free_variance_panel ordering (rows shuffled)",
            f"{n_chains} chains x 200 strikes",
            lambda: by_strike[_stable_argsort_codes(codes_s[by_strike], n_chains)],
            {
                "int64 stable argsort (before)": lambda: by_strike[
                    np.argsort(codes_s[by_strike], kind="stable")
                ],
                "np.lexsort((strike, chain))": lambda: np.lexsort((strikes_s, keys_s)),
            },
            floor=lambda: codes_s[by_strike],
        )
    )
    return rows


if __name__ == "__main__":
    run()
