"""A year of option chains: index + 500 members through ``implied_correlation_index``.

The synthetic year (issue 20): 252 quote days, an index and 500 members, two expiries a day
(28 and 35 days out), 100 strikes: 25.25 million strike quotes, 50.5 million rows (one per
call and per put), priced by Black–Scholes (forward 100, zero rate) from member vols and an
index vol built with a known equicorrelation. The quotes are generated with array operations
(not timed); the library call is timed end to end, with its user and system CPU time
(``resource.getrusage``) and the peak resident memory it adds (sampled from
``/proc/self/statm``), and the recovered correlation is printed beside the true one. The
baseline is the lean per-chain NumPy loop of ``bench_dispersion`` over the year's chains
(their variances only), timed on 1% of them and scaled; the floor is one read of the strike,
bid and ask columns.
``--scale`` shrinks the members and days (``--scale 0.05``: 25 members, 13 days).

Run alone: ``python -m benchmarks.bench_chains [--scale S] [--engine auto|numba|numpy]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from benchmarks._harness import Row, best_time, print_table
from benchmarks.bench_dispersion import lean_loop
from divergence import dispersion as dp

TRUE_RHO = 0.35
N_STRIKES = 100
NOW_HOUR = 10  # quotes taken at 10:00; expiries settle at 16:00 (no root: PM-settled)
NEAR_DAYS, NEXT_DAYS = 28, 35


def make_year(
    n_members: int, n_days: int, *, rho: float = TRUE_RHO, seed: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """Quotes (rows ordered by quote time, underlying, expiry, strike, type) and weights.

    Member vols 18-45% (scaled each day by a common level between 0.8 and 1.25), capped
    weights; the index variance is :math:`\\sum w_i^2\\sigma_i^2 + \\rho[(\\sum w_i\\sigma_i)^2
    - \\sum w_i^2\\sigma_i^2]`, so the implied correlation of the 30-day vols is ``rho`` up to
    the strike grid's discretisation. Strikes: 100 per chain, log-spaced over +-5.5 standard
    deviations of the next term; bid/ask = price -+ 0.005 (bids clipped at zero in the wings).
    """
    rng = np.random.default_rng(seed)
    members = [f"M{i:03d}" for i in range(n_members)]
    w = rng.pareto(1.2, n_members) + 1.0
    w = w / w.sum()
    sig = rng.uniform(0.18, 0.45, n_members)
    a = float((w * sig).sum() ** 2)
    b = float((w**2 * sig**2).sum())
    sig_index = np.sqrt(b + rho * (a - b))
    base_vol = np.r_[sig_index, sig]  # underlying 0 is the index
    n_u = n_members + 1
    level = np.exp(rng.uniform(np.log(0.8), np.log(1.25), n_days))
    days = pd.bdate_range("2025-01-02", periods=n_days)
    qt = days + pd.Timedelta(hours=NOW_HOUR)
    dte = np.array([NEAR_DAYS, NEXT_DAYS])
    t = (dte * 1440.0 - NOW_HOUR * 60 + 16 * 60) / 525_600.0  # white-paper minute count
    vol = level[:, None, None] * base_vol[None, :, None]  # (D, U, 1)
    sd_next = vol * np.sqrt(t[-1])
    x = np.linspace(-5.5, 5.5, N_STRIKES)
    strikes = np.round(100.0 * np.exp(sd_next * x[None, None, :]), 4)  # (D, U, S)
    sd = vol[:, :, :, None] * np.sqrt(t)[None, None, None, :]  # (D, U, 1, E)
    k = strikes[:, :, :, None]
    d1 = (np.log(100.0 / k) + 0.5 * sd**2) / sd
    call = 100.0 * ndtr(d1) - k * ndtr(d1 - sd)  # (D, U, S, E)
    put = call - 100.0 + k
    price = np.stack([call, put], axis=-1).transpose(0, 1, 3, 2, 4)  # (D, U, E, S, 2)
    del d1, call, put, sd
    shape = price.shape
    n = price.size
    bid = np.maximum(price - 0.005, 0.0).ravel()
    ask = (np.maximum(price, 0.0) + 0.005).ravel()
    del price
    idx = np.indices(shape[:-1], sparse=True)
    d_i = np.broadcast_to(idx[0][..., None], shape).ravel()
    u_i = np.broadcast_to(idx[1][..., None], shape).ravel()
    e_i = np.broadcast_to(idx[2][..., None], shape).ravel()
    qt_ns = qt.to_numpy(dtype="datetime64[ns]")
    exp_days = (days.to_numpy(dtype="datetime64[D]")[:, None] + dte[None, :]).astype(
        "datetime64[ns]"
    )
    quotes = pd.DataFrame(
        {
            "quote_time": qt_ns[d_i],
            "underlying": pd.Categorical.from_codes(
                u_i.astype(np.int16), categories=["IDX", *members]
            ),
            "expiration": exp_days[d_i, e_i],
            "strike": np.broadcast_to(strikes[:, :, None, :, None], shape).ravel(),
            "option_type": pd.Categorical.from_codes(
                np.tile(np.array([0, 1], dtype=np.int8), n // 2), categories=["C", "P"]
            ),
            "bid": bid,
            "ask": ask,
        },
        copy=False,
    )
    assert len(quotes) == n_days * n_u * 2 * N_STRIKES * 2
    return quotes, pd.Series(w, index=members)


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measured(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run ``fn`` once: wall, user and system CPU seconds, and the peak RSS it adds (bytes)."""
    gc.collect()
    base = _rss()
    peak = [base]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _rss())
            done.wait(0.005)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    out = fn()
    wall = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    done.set()
    th.join()
    peak[0] = max(peak[0], _rss())
    return out, {
        "wall": wall,
        "user": r1.ru_utime - r0.ru_utime,
        "system": r1.ru_stime - r0.ru_stime,
        "peak_added": float(peak[0] - base),
    }


def run(scale: float = 1.0, engine: str = "auto") -> list[Row]:
    n_members = max(round(500 * scale), 5)
    n_days = max(round(252 * scale), 2)
    t0 = time.perf_counter()
    quotes, weights = make_year(n_members, n_days)
    n_quotes = len(quotes)
    print(f"generated {n_quotes:,} option rows in {time.perf_counter() - t0:.1f} s (not timed)")

    def call() -> pd.DataFrame:
        return dp.implied_correlation_index(
            quotes, weights, index="IDX", selection="bracket", expiries="all", engine=engine
        )

    cols = [quotes[c].to_numpy() for c in ("strike", "bid", "ask")]
    floor = best_time(lambda: [np.add.reduce(c) for c in cols], 3)  # one read of the quotes
    # baseline: the lean per-chain NumPy loop of bench_dispersion over the year's chains (the
    # variances only: no term selection, no 30-day mix, no correlation), on a subset, scaled
    n_chains = n_quotes // (2 * N_STRIKES)
    sub_chains = max(n_chains // 100, 10)
    sub = quotes.iloc[: sub_chains * 2 * N_STRIKES]
    near_next = np.array([NEAR_DAYS, NEXT_DAYS]) * 1440.0 - NOW_HOUR * 60 + 16 * 60
    strike_rows = pd.DataFrame(
        {
            "chain": np.repeat(np.arange(sub_chains), N_STRIKES),
            "strike": sub["strike"].to_numpy()[0::2],
            "call_bid": sub["bid"].to_numpy()[0::2],  # calls on even rows, puts on odd rows
            "call_ask": sub["ask"].to_numpy()[0::2],
            "put_bid": sub["bid"].to_numpy()[1::2],
            "put_ask": sub["ask"].to_numpy()[1::2],
            "t": np.repeat(np.resize(near_next / 525_600.0, sub_chains), N_STRIKES),
        }
    )
    lean = best_time(lambda: lean_loop(strike_rows, 0.0), 1) * n_chains / sub_chains
    rows: list[Row] = []
    for label in ("first call", "second call"):
        out, m = measured(call)
        rho = out["implied_correlation"]
        err = float(np.max(np.abs(rho - TRUE_RHO)))
        cpu = m["user"] + m["system"]
        row = Row(
            f"implied_correlation_index ({label})",
            f"{n_days} days x {n_members + 1} und. x 2 x {N_STRIKES}",
            m["wall"],
            {f"lean per-chain NumPy loop, variances only [1/{n_chains // sub_chains}]": lean},
            floor_s=floor,
            extra={
                "quotes": f"{n_quotes // 2:,} strike quotes, {n_quotes:,} option rows "
                f"({n_quotes / m['wall'] / 1e6:.1f} M rows/s)",
                "engine": engine,
                "recovered correlation": f"mean {rho.mean():.4f} (true {TRUE_RHO}), "
                f"max |error| {err:.1e} over {rho.size} days",
                "CPU user / system": f"{m['user']:.2f} s / {m['system']:.2f} s "
                f"(system {m['system'] / cpu:.0%} of CPU)",
                "peak memory added": f"{m['peak_added'] / 2**30:.2f} GiB "
                f"(input table {quotes.memory_usage(deep=False).sum() / 2**30:.2f} GiB)",
                "load average": " ".join(f"{v:.2f}" for v in os.getloadavg()),
            },
        )
        if err > 0.02:
            raise AssertionError(f"recovered correlation off by {err:.3g} (true {TRUE_RHO})")
        print_table([row], header=False)
        rows.append(row)
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_chains")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--engine", default="auto", choices=["auto", "numba", "numpy"])
    args = parser.parse_args()
    run(args.scale, args.engine)
