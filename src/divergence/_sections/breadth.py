"""Report section: breadth of S&P 500 returns 2013-2018, or of the user's caps (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence import breadth as br
from divergence._sections import ReportInputs, Section
from divergence.datasets import load_sp500_daily_market_caps, load_sp500_prices

#: Number of largest names in the contribution share.
K = 10
#: Daily moves beyond this size in the bundled prices are documented data artefacts
#: (spin-offs, a split glitch) and are treated as missing.
MAX_ABS_MOVE = 0.35


def bundled_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily member returns (artefacts masked) and implied caps of the bundled S&P 500 sample."""
    prices = load_sp500_prices()
    caps = load_sp500_daily_market_caps()
    rets = prices.pct_change(fill_method=None)
    return rets.mask(rets.abs() > MAX_ABS_MOVE), caps


def _user(caps: pd.DataFrame) -> Section:
    cb = br.cap_change_breadth(caps, top_k=K)
    ok = cb.dropna(subset=["cap_growth"])
    total = float(ok["cap_growth"].sum())
    top_share = float(ok["top_k_contribution"].sum()) / total if total != 0 else float("nan")
    mean_up = float(ok["share_up"].mean()) if len(ok) else float("nan")
    idx = pd.Index(caps.index)
    span = (
        f"{pd.Timestamp(idx[0]).date()} to {pd.Timestamp(idx[-1]).date()}"
        if isinstance(idx, pd.DatetimeIndex)
        else f"{idx[0]} to {idx[-1]}"
    )
    lines = [
        f"User market caps (--caps), {caps.shape[1]} tickers, {len(caps)} dates ({span}). "
        "No returns were given, so breadth is measured on changes in market cap, which also "
        "move with issuance, buybacks and corporate actions; the cap- vs equal-weighted return "
        "gap needs returns and is not shown.",
        f"Average share of names whose cap rose between dates: {mean_up:.1%} "
        f"(over {len(ok)} intervals).",
        f"Share of the summed cap growth from the {K} names largest at the start of each "
        f"interval: {top_share:.1%}.",
    ]
    numbers: dict[str, float | int | str | None] = {
        "breadth.source": "user caps (cap changes, not returns)",
        "breadth.intervals": len(ok),
        "breadth.mean_share_cap_up": mean_up,
        "breadth.top10_cap_change_share": top_share,
    }
    about = (
        "User market-cap panel from --caps; cap_change_breadth(caps, top_k=10): per interval, "
        "names with a cap at both ends; cap changes include net issuance, so they are not "
        "returns and no cap- vs equal-weighted return gap is computed."
    )
    share_up = ok["share_up"]

    def _fig(ax: Any) -> None:
        ax.plot(share_up.index, share_up, lw=1, color="k")
        ax.axhline(0.5, color="grey", lw=0.5, ls=":")
        from divergence import plotting

        ax.set_ylabel("share of names whose cap rose (fraction)")
        ax.set_xlabel("date")
        ax.set_title("User caps: breadth of cap changes")
        plotting._date_axis(ax)

    return Section("Breadth", lines, [("cap_change_breadth", _fig)], numbers=numbers, about=about)


def build(inputs: ReportInputs | None = None) -> Section:
    if inputs is not None and inputs.caps is not None:
        return _user(inputs.caps)
    rets, caps = bundled_inputs()
    s = br.breadth_summary(rets, caps, top_k=K)
    years = len(rets) / 252.0
    mean_gap_bp = s["mean_gap"] * 1e4
    lines = [
        f"505 members (as of 2018), daily, {rets.index[1].date()} to {rets.index[-1].date()} "
        f"({years:.1f} years); caps implied from prices and the latest prior snapshot.",
        f"Cumulative price return: cap-weighted {s['cumulative_cap_weighted']:+.1%}, "
        f"equal-weighted {s['cumulative_equal_weighted']:+.1%} "
        "(equal weight carries survivorship bias: 2018 members only).",
        f"Mean daily cap-minus-equal gap: {mean_gap_bp:+.2f} bp; "
        f"positive on {s['share_gap_positive']:.0%} of days.",
        f"Average share of names up on a day: {s['mean_share_up']:.1%}; "
        f"beating the index: {s['mean_share_beating_index']:.1%}.",
        f"Reading: on an average day the cap-weighted index was within "
        f"{abs(mean_gap_bp):.1f} bp of the equal-weighted one and about "
        f"{s['mean_share_beating_index']:.0%} of members beat it: breadth was not narrow "
        "over 2013-2018 (contrast the concentration figures for 2024-2026).",
        f"Share of summed daily return points from the {K} largest names: "
        f"{s['top_k_contribution_share']:.1%} (their average weight is shown in the "
        "concentration section).",
    ]
    numbers: dict[str, float | int | str | None] = {
        "breadth.source": "bundled S&P 500 prices and implied caps",
        "breadth.first_date": str(rets.index[1].date()),
        "breadth.last_date": str(rets.index[-1].date()),
        "breadth.years": years,
        "breadth.cumulative_cap_weighted": float(s["cumulative_cap_weighted"]),
        "breadth.cumulative_equal_weighted": float(s["cumulative_equal_weighted"]),
        "breadth.mean_gap_bp": float(mean_gap_bp),
        "breadth.share_gap_positive": float(s["share_gap_positive"]),
        "breadth.mean_share_up": float(s["mean_share_up"]),
        "breadth.mean_share_beating_index": float(s["mean_share_beating_index"]),
        "breadth.top10_contribution_share": float(s["top_k_contribution_share"]),
    }
    about = (
        "Bundled daily prices of the 505 S&P 500 members of 2018 (survivorship-biased) and caps "
        "implied from prices and the latest prior snapshot; simple price returns, moves beyond "
        "35% treated as missing; weights = previous day's caps; breadth_summary(returns, caps, "
        "top_k=10)."
    )
    cap_r = br.index_return(rets, caps)
    eq_r = br.index_return(rets)
    growth = np.exp(np.log1p(pd.concat({"cap": cap_r, "equal": eq_r}, axis=1)).cumsum())
    share_beat = br.breadth(rets, caps)["share_beating_index"].rolling(63).mean()

    def _fig(ax: Any) -> None:
        ax.plot(growth.index, growth["cap"], lw=1, label="cap-weighted")
        ax.plot(growth.index, growth["equal"], lw=1, label="equal-weighted")
        from divergence import plotting

        ax.set_ylabel("growth of 1 (price return, USD per USD)")
        ax.set_xlabel("date")
        ax.set_title("S&P 500 members (2018 list): cap- vs equal-weighted, and breadth")
        plotting._date_axis(ax)
        ax.legend(fontsize=8, loc="upper left")
        right = ax.twinx()
        right.plot(share_beat.index, share_beat, lw=0.8, color="grey", label="beating the index")
        right.axhline(0.5, color="grey", lw=0.5, ls=":")
        right.set_ylabel("share beating the index, 63-day mean (fraction)", fontsize=8)
        right.legend(fontsize=8, loc="lower right")

    return Section(
        "Breadth", lines, [("cap_vs_equal_and_breadth", _fig)], numbers=numbers, about=about
    )
