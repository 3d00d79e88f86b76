"""Report section: the stock-bond correlation and 60/40 tail risk (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence._sections import ReportInputs, Section
from divergence.datasets import load_fred, load_shiller, load_sp500_index
from divergence.risk import (
    bond_returns_from_yields,
    conditional_value_at_risk,
    cvar_position_limits,
    rolling_correlation,
)

WINDOW_MONTHS = 36


def monthly_stock_bond() -> pd.DataFrame:
    """Monthly S&P composite total returns and 10-year bond returns from Shiller's data."""
    sh = load_shiller()
    tr = (sh["real_total_return_price"] * sh["cpi"]).dropna()  # nominal total-return index
    stock = tr.pct_change().rename("stock")
    bond = bond_returns_from_yields(sh["gs10"].dropna() / 100.0, periods_per_year=12)
    out: pd.DataFrame = pd.concat([stock, bond.rename("bond")], axis=1).dropna()
    return out


def positive_spells(corr: pd.Series, min_len: int = 24) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of at least ``min_len`` consecutive positive correlations."""
    pos = corr > 0
    run_id = (pos != pos.shift()).cumsum()
    spells = []
    for _, g in corr[pos].groupby(run_id[pos]):
        if len(g) >= min_len:
            spells.append((pd.Timestamp(g.index[0]), pd.Timestamp(g.index[-1])))
    return spells


def build(inputs: ReportInputs | None = None) -> Section:
    df = monthly_stock_bond()
    corr = rolling_correlation(df["stock"], df["bond"], window=WINDOW_MONTHS)
    spells = positive_spells(corr)
    p6040 = 0.6 * df["stock"] + 0.4 * df["bond"]
    lines = [
        "Monthly S&P composite total returns (Shiller; prices are monthly averages of daily "
        "closes, which smooths returns) against 10-year Treasury returns from GS10 "
        "(par-bond duration/convexity approximation, r = y/12 - D dy + C dy^2/2), "
        f"{df.index[0]:%Y-%m} to {df.index[-1]:%Y-%m}; trailing {WINDOW_MONTHS}-month Pearson "
        "correlation.",
        "",
        "Spells of positive stock-bond correlation lasting 2 years or more:",
    ]
    lines += [f"  {a:%Y-%m} to {b:%Y-%m}" for a, b in spells]
    last = corr.dropna()
    lines += [
        f"Latest ({last.index[-1]:%Y-%m}): {last.iloc[-1]:+.2f}.",
        "",
        "Historical 95% CVaR of monthly returns (positive = loss), by sign of the trailing "
        "correlation; diversification = 1 - CVaR(60/40) / (0.6 CVaR(stocks) + 0.4 CVaR(bonds)):",
        f"{'regime':<22}{'months':>8}{'stocks':>9}{'bonds':>8}{'60/40':>8}{'diversif.':>11}",
    ]
    valid = corr.notna()
    divs: list[float] = []
    for label, mask in (
        ("correlation > 0", valid & (corr > 0)),
        ("correlation <= 0", valid & (corr <= 0)),
    ):
        cs = conditional_value_at_risk(df.loc[mask, "stock"])
        cb = conditional_value_at_risk(df.loc[mask, "bond"])
        cp = conditional_value_at_risk(p6040[mask])
        div = 1.0 - cp / (0.6 * cs + 0.4 * cb)
        divs.append(float(div))
        lines.append(f"{label:<22}{int(mask.sum()):>8}{cs:>9.2%}{cb:>8.2%}{cp:>8.2%}{div:>11.1%}")
    lines.append(
        f"Reading: mixing cut the 60/40 tail loss by {divs[0]:.0%} of the weighted stand-alone "
        f"losses when the correlation was positive and by {divs[1]:.0%} when it was not."
    )
    lines += [
        "",
        "Euler split of the 60/40 historical 95% CVaR (tail mean), c_i = -E[w_i r_i | loss >= "
        "VaR]:",
        f"{'regime':<22}{'CVaR':>8}{'stocks':>9}{'bonds':>8}",
    ]
    bond_parts: list[float] = []
    for label, mask in (
        ("correlation > 0", valid & (corr > 0)),
        ("correlation <= 0", valid & (corr <= 0)),
    ):
        alloc = cvar_position_limits(df.loc[mask, ["stock", "bond"]], 1.0, weights=[0.6, 0.4])
        c = alloc.contributions
        bond_parts.append(float(c[1]))
        lines.append(f"{label:<22}{alloc.portfolio_cvar:>8.2%}{c[0]:>9.2%}{c[1]:>8.2%}")
    lines.append(
        f"Reading: stocks carry the tail loss; bonds add {bond_parts[0]:+.2%} of it when the "
        f"correlation is positive and {bond_parts[1]:+.2%} when it is not (negative = a hedge)."
    )
    # daily check, 1999-2018
    spx = load_sp500_index()["adj_close"].pct_change()
    y = load_fred("DGS10", units="decimal")["DGS10"]
    daily = pd.concat(
        [spx.rename("stock"), bond_returns_from_yields(y, periods_per_year=252).rename("bond")],
        axis=1,
        join="inner",
    ).dropna()
    dc = rolling_correlation(daily["stock"], daily["bond"], window=252).dropna()
    lines += [
        "",
        f"Daily S&P 500 vs 10-year Treasury (DGS10), {daily.index[0]:%Y-%m-%d} to "
        f"{daily.index[-1]:%Y-%m-%d}, 252-day window: share of days with positive correlation "
        f"{float(np.mean(dc > 0)):.0%}, median {dc.median():+.2f}.",
        "Caveat: conditioning on the trailing correlation is descriptive, not a forecast.",
    ]

    def _fig(ax: Any) -> None:
        ax.plot(corr.index, corr, lw=0.8, color="k")
        ax.axhline(0.0, color="grey", lw=0.6)
        for a, b in spells:
            ax.axvspan(a, b, color="tab:red", alpha=0.15, lw=0)
        ax.set_ylabel(f"{WINDOW_MONTHS}-month correlation")
        ax.set_title("Stock-bond correlation (shaded: positive for 2+ years)")

    return Section("Stock-bond correlation and tail risk", lines, [("stock_bond_corr", _fig)])
