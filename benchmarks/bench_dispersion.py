"""Dispersion: rolling average correlation and many-chain model-free variance vs user idioms."""

from __future__ import annotations

import os
import time

import numpy as np
import pandas as pd

from benchmarks._harness import Row, Timed, compare
from divergence import dispersion as dp
from divergence._typing import FloatArray
from divergence.dispersion import _kernels as kn
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
        out[key] = dp.model_free_variance(g, t=float(g["t"].iloc[0]), rate=0.02)
    return pd.Series(out)


def lean_loop(chains: pd.DataFrame, r: float) -> FloatArray:
    """The white paper per chain in plain NumPy: the lean loop a user would write.

    Rows sorted by chain and strike (as :func:`make_chains` builds them), one expiry each:
    the columns are read once, then every chain is a slice; no validation.
    """
    k = chains["strike"].to_numpy()
    cb, pb = chains["call_bid"].to_numpy(), chains["put_bid"].to_numpy()
    cm = 0.5 * (cb + chains["call_ask"].to_numpy())
    pm = 0.5 * (pb + chains["put_ask"].to_numpy())
    t_all, key = chains["t"].to_numpy(), chains["chain"].to_numpy()
    bounds = np.r_[0, np.flatnonzero(key[1:] != key[:-1]) + 1, key.size]
    out = np.full(bounds.size - 1, np.nan)
    for c in range(bounds.size - 1):
        lo, hi = bounds[c], bounds[c + 1]
        kk, c_m, p_m, t = k[lo:hi], cm[lo:hi], pm[lo:hi], t_all[lo]
        growth = np.exp(r * t)
        j = np.nanargmin(np.abs(c_m - p_m))  # forward from put-call parity
        f = kk[j] + growth * (c_m[j] - p_m[j])
        i0 = int(np.searchsorted(kk, f)) - 1  # K0: the strike below F
        if i0 < 0:
            continue
        pz = ~(pb[lo:hi][:i0] > 0)[::-1]  # puts walking down; two zero bids stop
        stop = np.flatnonzero(pz[1:] & pz[:-1])
        n_put = stop[0] + 1 if stop.size else pz.size
        puts = (i0 - 1 - np.arange(n_put))[~pz[:n_put]][::-1]
        cz = ~(cb[lo:hi][i0 + 1 :] > 0)  # calls walking up
        stop = np.flatnonzero(cz[1:] & cz[:-1])
        n_call = stop[0] + 1 if stop.size else cz.size
        calls = (i0 + 1 + np.arange(n_call))[~cz[:n_call]]
        idx = np.concatenate([puts, [i0], calls])
        q = np.concatenate([p_m[puts], [0.5 * (p_m[i0] + c_m[i0])], c_m[calls]])
        ks = kk[idx]
        if ks.size < 2:
            continue
        dk = np.gradient(ks)  # half the neighbours' distance; one-sided at the ends
        out[c] = 2.0 / t * growth * np.sum(dk / ks**2 * q) - (f / kk[i0] - 1.0) ** 2 / t
    return out


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
    # --- model_free_variance_panel: 10,000 chains x 200 strikes, rows sorted; the lean loop
    # timed on 1/10 of the chains (best of 5: one timing of it varied 2x between runs) and the
    # one-chain-function loop on 1/50, both scaled
    n_chains = max(int(10_000 * scale), 100)
    chains = make_chains(n_chains, 200)
    lean_sub = chains[chains["chain"] < max(n_chains // 10, 10)]
    lean_factor = n_chains / lean_sub["chain"].nunique()
    sub = chains[chains["chain"] < max(n_chains // 50, 10)]
    factor = n_chains / sub["chain"].nunique()
    n_quotes = 4 * len(chains)
    keys = chains["chain"].to_numpy()
    strikes = chains["strike"].to_numpy()
    check = dp.model_free_variance_panel(lean_sub, by="chain", t="t", rate=0.02, engine="numpy")
    gap = np.nanmax(np.abs(lean_loop(lean_sub, 0.02) / check.to_numpy() - 1.0))
    for engine in ("numpy", "numba"):
        if engine == "numba" and not kn.AVAILABLE:
            continue
        t0 = time.perf_counter()
        dp.model_free_variance_panel(chains, by="chain", t="t", rate=0.02, engine=engine)
        first = time.perf_counter() - t0
        row = compare(
            f"model_free_variance_panel (engine={engine})",
            f"{n_chains} chains x 200 strikes",
            lambda engine=engine: dp.model_free_variance_panel(  # type: ignore[misc]
                chains, by="chain", t="t", rate=0.02, engine=engine
            ),
            {
                f"lean per-chain NumPy loop [1/{lean_factor:.0f}, scaled]": Timed(
                    lambda: lean_loop(lean_sub, 0.02), scale_factor=lean_factor, repeat=5
                ),
                f"loop of model_free_variance [1/{factor:.0f} chains, scaled]": Timed(
                    lambda: loop_over_chains(sub), scale_factor=factor, repeat=1
                ),
            },
            floor=lambda: np.lexsort((strikes, keys)),
        )
        row.extra["option quotes per second (ours, warm)"] = (
            f"{n_quotes / row.ours_s:,.0f} (4 quotes per strike row)"
        )
        row.extra["first call in this process"] = f"{first * 1e3:.0f} ms" + (
            " (imports numba, loads or compiles the loops)" if engine == "numba" else ""
        )
        row.extra["lean loop vs ours, max relative gap"] = f"{gap:.1e}"
        row.extra["load average"] = " ".join(f"{v:.2f}" for v in os.getloadavg())
        rows.append(row)
    # same chains with the rows shuffled: ours pays one lexsort of all quotes
    shuffled = chains.sample(frac=1.0, random_state=0)
    keys_s = shuffled["chain"].to_numpy()
    strikes_s = shuffled["strike"].to_numpy()
    row = compare(
        "model_free_variance_panel (rows shuffled)",
        f"{n_chains} chains x 200 strikes",
        lambda: dp.model_free_variance_panel(shuffled, by="chain", t="t", rate=0.02),
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
