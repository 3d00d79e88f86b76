"""Black–Scholes option boards in the long layout of ``vix_index`` (test helper)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import norm


def bs_board(
    now: pd.Timestamp,
    expiries: Sequence[tuple[str, bool]],
    vol: float,
    *,
    rate: float = 0.0,
    step: float = 0.002,
    spot: float = 100.0,
    width: float = 8.0,
    underlying: str | None = None,
) -> pd.DataFrame:
    """European calls and puts (bid = ask = Black–Scholes price) on a grid of strikes.

    ``expiries`` holds ``(date, pm)`` pairs: PM = 4:00 PM settlement (root SPXW), else 9:30 AM
    (root SPX). Strikes run over ``forward * exp(+-width * vol * sqrt(T))`` in steps of
    ``step * spot``; the forward is ``spot * exp(rate * T)`` (no dividends).
    """
    rows = []
    for exp, pm in expiries:
        settle = pd.Timestamp(exp) + pd.Timedelta(hours=16.0 if pm else 9.5)
        t = (settle - now) / pd.Timedelta(days=365)
        f = spot * np.exp(rate * t)
        sd = vol * np.sqrt(t)
        dk = step * spot
        k = np.arange(np.floor(f * np.exp(-width * sd) / dk) * dk, f * np.exp(width * sd), dk)
        k = k[k > 0]
        d1 = (np.log(f / k) + 0.5 * sd**2) / sd
        disc = np.exp(-rate * t)
        call = disc * (f * norm.cdf(d1) - k * norm.cdf(d1 - sd))
        put = disc * (k * norm.cdf(sd - d1) - f * norm.cdf(-d1))
        for kind, px in (("C", call), ("P", put)):
            rows.append(
                pd.DataFrame(
                    {
                        "quote_time": now,
                        "expiration": exp,
                        "strike": k,
                        "option_type": kind,
                        "bid": px,
                        "ask": px,
                        "root": "SPXW" if pm else "SPX",
                    }
                )
            )
    out = pd.concat(rows, ignore_index=True)
    if underlying is not None:
        out["underlying"] = underlying
    return out
