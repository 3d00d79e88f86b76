"""Report section: breadth of S&P 500 returns 2013-2018 (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence import breadth as br
from divergence._sections import ReportInputs, Section
from divergence.datasets import load_sp500_daily_market_caps, load_sp500_prices


def build(inputs: ReportInputs | None = None) -> Section:
    prices = load_sp500_prices()
    caps = load_sp500_daily_market_caps()
    rets = prices.pct_change(fill_method=None)
    # documented data artefacts (spin-offs, split glitch): treat moves beyond 35% as missing
    rets = rets.mask(rets.abs() > 0.35)
    cap_r = br.index_return(rets, caps)
    eq_r = br.index_return(rets)
    gap = br.weighting_gap(rets, caps)
    b = br.breadth(rets, caps)
    top = br.return_contributions(rets, caps)
    lag_caps = caps.shift(1)
    rank = lag_caps.rank(axis=1, ascending=False)
    top10_contrib = top.where(rank <= 10).sum(axis=1).sum()
    total_contrib = top.sum(axis=1).sum()
    years = len(rets) / 252.0
    cum_cap = float(np.expm1(np.log1p(cap_r.dropna()).sum()))
    cum_eq = float(np.expm1(np.log1p(eq_r.dropna()).sum()))
    lines = [
        f"505 members (as of 2018), daily, {rets.index[1].date()} to {rets.index[-1].date()} "
        f"({years:.1f} years); caps implied from prices and the latest prior snapshot.",
        f"Cumulative price return: cap-weighted {cum_cap:+.1%}, equal-weighted {cum_eq:+.1%} "
        "(equal weight carries survivorship bias: 2018 members only).",
        f"Mean daily cap-minus-equal gap: {gap.mean() * 1e4:+.2f} bp; "
        f"positive on {(gap > 0).mean():.0%} of days.",
        f"Average share of names up on a day: {b['share_up'].mean():.1%}; "
        f"beating the index: {b['share_beating_index'].mean():.1%}.",
        f"Reading: on an average day the cap-weighted index was within "
        f"{abs(gap.mean()) * 1e4:.1f} bp of the equal-weighted one and about "
        f"{b['share_beating_index'].mean():.0%} of members beat it: breadth was not narrow "
        "over 2013-2018 (contrast the concentration figures for 2024-2026).",
        f"Share of summed daily return points from the 10 largest names: "
        f"{top10_contrib / total_contrib:.1%} (their average weight is shown in the "
        "concentration section).",
    ]
    growth = np.exp(np.log1p(pd.concat({"cap": cap_r, "equal": eq_r}, axis=1)).cumsum())
    share_up = b["share_beating_index"].rolling(63).mean()

    def _fig(ax: Any) -> None:
        ax.plot(growth.index, growth["cap"], lw=1, label="cap-weighted")
        ax.plot(growth.index, growth["equal"], lw=1, label="equal-weighted")
        ax.set_ylabel("growth of 1 (price return)")
        ax.set_title("S&P 500 members (2018 list): cap- vs equal-weighted, and breadth")
        ax.legend(fontsize=8, loc="upper left")
        right = ax.twinx()
        right.plot(share_up.index, share_up, lw=0.8, color="grey", label="beating the index")
        right.axhline(0.5, color="grey", lw=0.5, ls=":")
        right.set_ylabel("share beating the index, 63-day mean", fontsize=8)
        right.legend(fontsize=8, loc="lower right")

    return Section("Breadth", lines, [("cap_vs_equal_and_breadth", _fig)])
