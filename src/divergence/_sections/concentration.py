"""Report section: concentration of the S&P 500 snapshots (private)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from divergence import concentration as conc
from divergence._sections import ReportInputs, Section
from divergence.datasets import load_sp500_market_caps


def build(inputs: ReportInputs | None = None) -> Section:
    caps = load_sp500_market_caps()
    prof = conc.concentration_profile(caps, k=10)
    dates = pd.DatetimeIndex(prof.index)
    first, last = dates[0], dates[-1]
    lines = [
        "S&P 500 constituents, full market caps, share classes merged "
        f"({len(prof)} snapshots, {first.date()} to {last.date()}).",
        "",
        f"{'date':<12}{'names':>6}{'top-10 share':>14}{'effective N':>13}"
        f"{'I_C (top10/median)':>20}{'HHI (pts)':>11}",
    ]
    for date, (_, row) in zip(dates, prof.iterrows(), strict=True):
        lines.append(
            f"{date.date()!s:<12}{int(row['n']):>6}{row['top_k_share']:>14.1%}"
            f"{row['effective_n']:>13.1f}{row['concentration_coefficient']:>20.1f}"
            f"{row['hhi'] * 1e4:>11.0f}"
        )
    lines += [
        "",
        f"Top-10 share went from {prof['top_k_share'].iloc[0]:.1%} to "
        f"{prof['top_k_share'].iloc[-1]:.1%}; the index behaves like "
        f"{prof['effective_n'].iloc[-1]:.0f} equally weighted names instead of "
        f"{prof['effective_n'].iloc[0]:.0f}.",
        f"A top-10 company is worth {prof['concentration_coefficient'].iloc[-1]:.0f} median "
        f"members (was {prof['concentration_coefficient'].iloc[0]:.0f}).",
    ]

    def _fig(ax: Any) -> None:
        from divergence import plotting

        plotting.concentration_over_time(prof, "top_k_share", ax=ax)
        ax.set_ylabel("share of total cap")
        ax.set_title("S&P 500: share of the ten largest companies")

    return Section("Concentration", lines, [("top10_share", _fig)])
