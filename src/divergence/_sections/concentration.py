"""Report section: concentration of the S&P 500 snapshots, or of the user's caps (private)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from divergence import concentration as conc
from divergence._sections import ReportInputs, Section
from divergence.datasets import load_sp500_market_caps

#: Number of largest names in the top-k share and I_C.
K = 10


def build(inputs: ReportInputs | None = None) -> Section:
    user_caps = inputs.caps if inputs is not None else None
    user = user_caps is not None
    caps = user_caps if user_caps is not None else load_sp500_market_caps()
    prof = conc.concentration_profile(caps, top_k=K)
    dates = pd.DatetimeIndex(prof.index) if isinstance(prof.index, pd.DatetimeIndex) else None
    first, last = (
        (f"{dates[0]:%Y-%m-%d}", f"{dates[-1]:%Y-%m-%d}")
        if dates is not None
        else (str(prof.index[0]), str(prof.index[-1]))
    )
    span = f"{first} to {last}"
    if user:
        source = f"User market caps (--caps), {caps.shape[1]} tickers"
        about = (
            "User market-cap panel (dates x tickers, USD) from --caps, as given (no share-class "
            f"merging); concentration_profile(caps, top_k={K}) on each date's non-missing caps."
        )
    else:
        source = "S&P 500 constituents, full market caps, share classes merged"
        about = (
            "Bundled S&P 500 constituent snapshots (load_sp500_market_caps: full market caps, "
            f"share classes merged); concentration_profile(caps, top_k={K}) per snapshot; HHI in "
            "points = HHI x 10,000."
        )
    lines = [f"{source} ({len(prof)} {'dates' if user else 'snapshots'}, {span})."]
    table = pd.DataFrame(
        {
            "names": prof["n"].astype(int),
            f"top-{K} share (%)": (prof["top_k_share"] * 100).round(1),
            "effective N (names)": prof["effective_n"].round(1),
            f"I_C (top-{K} mean / median cap)": prof["concentration_coefficient"].round(1),
            "HHI (points)": (prof["hhi"] * 1e4).round(0).astype(int),
        },
        index=pd.DatetimeIndex(dates, name="date") if dates is not None else prof.index,
    )
    share, eff, ic = prof["top_k_share"], prof["effective_n"], prof["concentration_coefficient"]
    lines += [
        f"Top-{K} share went from {share.iloc[0]:.1%} to {share.iloc[-1]:.1%}; the index "
        f"behaves like {eff.iloc[-1]:.0f} equally weighted names instead of "
        f"{eff.iloc[0]:.0f}.",
        f"A top-{K} company is worth {ic.iloc[-1]:.0f} median members (was {ic.iloc[0]:.0f}).",
    ]
    numbers: dict[str, float | int | str | None] = {
        "concentration.source": "user caps" if user else "bundled S&P 500 snapshots",
        "concentration.snapshots": len(prof),
        "concentration.first_date": first,
        "concentration.last_date": last,
        "concentration.names_latest": int(prof["n"].iloc[-1]),
        "concentration.top10_share_first": float(share.iloc[0]),
        "concentration.top10_share_latest": float(share.iloc[-1]),
        "concentration.effective_n_first": float(eff.iloc[0]),
        "concentration.effective_n_latest": float(eff.iloc[-1]),
        "concentration.i_c_first": float(ic.iloc[0]),
        "concentration.i_c_latest": float(ic.iloc[-1]),
        "concentration.hhi_points_latest": float(prof["hhi"].iloc[-1] * 1e4),
    }

    def _fig(ax: Any) -> None:
        from divergence import plotting

        plotting.concentration_over_time(prof, "top_k_share", ax=ax)
        ax.set_ylabel("share of total cap (fraction)")
        ax.set_title(
            "User caps: share of the ten largest companies"
            if user
            else "S&P 500: share of the ten largest companies"
        )

    return Section(
        "Concentration",
        lines,
        [("top10_share", _fig)],
        tables=[(f"Concentration by {'date' if user else 'snapshot'}", table)],
        numbers=numbers,
        about=about,
    )
