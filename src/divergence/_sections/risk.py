"""Report section: the stock-bond correlation and 60/40 tail risk (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence._sections import ReportInputs, Section
from divergence.datasets import load_fred, load_shiller, load_sp500_index
from divergence.risk import (
    conditional_value_at_risk,
    cvar_diversification,
    cvar_position_limits,
    positive_spells,
    rolling_correlation,
    stock_bond_returns,
)

WINDOW_MONTHS = 36
#: Shortest spell of positive correlation listed (months).
MIN_SPELL = 24
WEIGHTS = (0.6, 0.4)


def monthly_stock_bond() -> pd.DataFrame:
    """Monthly S&P composite total returns and 10-year bond returns from Shiller's data."""
    sh = load_shiller()
    # Shiller's real total-return price times CPI is a nominal total-return index (up to a
    # constant); GS10 is in percent
    nominal_tr = (sh["real_total_return_price"] * sh["cpi"]).dropna()
    out: pd.DataFrame = stock_bond_returns(
        nominal_tr, sh["gs10"].dropna() / 100.0, periods_per_year=12
    )
    return out


def daily_stock_bond() -> pd.DataFrame:
    """Daily S&P 500 (adjusted close) and 10-year Treasury (DGS10) returns, 1999-2018."""
    spx = load_sp500_index()["adj_close"]
    y = load_fred("DGS10", units="decimal")["DGS10"]
    out: pd.DataFrame = stock_bond_returns(spx, y, periods_per_year=252)
    return out


def build(inputs: ReportInputs | None = None) -> Section:
    df = monthly_stock_bond()
    corr = rolling_correlation(df["stock"], df["bond"], window=WINDOW_MONTHS)
    spells = positive_spells(corr, min_length=MIN_SPELL)
    lines = [
        "Monthly S&P composite total returns (Shiller; prices are monthly averages of daily "
        "closes, which smooths returns) against 10-year Treasury returns from GS10 "
        "(par-bond duration/convexity approximation, r = y/12 - D dy + C dy^2/2), "
        f"{df.index[0]:%Y-%m} to {df.index[-1]:%Y-%m}; trailing {WINDOW_MONTHS}-month Pearson "
        "correlation.",
        "",
        "Spells of positive stock-bond correlation lasting 2 years or more: see the table.",
    ]
    spell_table = pd.DataFrame(
        {
            "from": [f"{a:%Y-%m}" for a in spells["start"]],
            "to": [f"{b:%Y-%m}" for b in spells["end"]],
            "months": spells["length"].to_numpy(),
        }
    )
    last = corr.dropna()
    lines += [
        f"Latest ({last.index[-1]:%Y-%m}): {last.iloc[-1]:+.2f}.",
        "",
        "Historical 95% CVaR of monthly returns (positive = loss), by sign of the trailing "
        "correlation; diversification = 1 - CVaR(60/40) / (0.6 CVaR(stocks) + 0.4 CVaR(bonds)).",
    ]
    valid = corr.notna()
    regimes = {
        "correlation > 0": valid & (corr > 0),
        "correlation <= 0": valid & (corr <= 0),
    }
    cvar_rows: dict[str, dict[str, float]] = {}
    euler_rows: dict[str, dict[str, float]] = {}
    for label, mask in regimes.items():
        sub = df.loc[mask, ["stock", "bond"]]
        alone = conditional_value_at_risk(sub)
        p6040 = sub.to_numpy() @ np.asarray(WEIGHTS)
        cvar_rows[label] = {
            "months": float(mask.sum()),
            "CVaR stocks (%)": 100 * float(alone["stock"]),
            "CVaR bonds (%)": 100 * float(alone["bond"]),
            "CVaR 60/40 (%)": 100 * float(conditional_value_at_risk(p6040)),
            "diversification (%)": 100 * cvar_diversification(sub, list(WEIGHTS)),
        }
        alloc = cvar_position_limits(sub, 1.0, weights=list(WEIGHTS))
        c = alloc.contributions
        euler_rows[label] = {
            "CVaR 60/40, tail mean (%)": 100 * float(alloc.portfolio_cvar),
            "stocks (%)": 100 * float(c[0]),
            "bonds (%)": 100 * float(c[1]),
        }
    cvar_table = pd.DataFrame.from_dict(cvar_rows, orient="index").astype({"months": int})
    cvar_table.index.name = "regime"
    euler_table = pd.DataFrame.from_dict(euler_rows, orient="index")
    euler_table.index.name = "regime"
    divs = cvar_table["diversification (%)"] / 100
    bond_parts = euler_table["bonds (%)"] / 100
    lines += [
        f"Reading: mixing cut the 60/40 tail loss by {divs.iloc[0]:.0%} of the weighted "
        f"stand-alone losses when the correlation was positive and by {divs.iloc[1]:.0%} when "
        "it was not.",
        "",
        "Euler split of the 60/40 historical 95% CVaR (tail mean), c_i = -E[w_i r_i | loss >= "
        "VaR]: see the table.",
        f"Reading: stocks carry the tail loss; bonds add {bond_parts.iloc[0]:+.2%} of it when the "
        f"correlation is positive and {bond_parts.iloc[1]:+.2%} when it is not (negative = a "
        "hedge).",
    ]
    daily = daily_stock_bond()
    dc = rolling_correlation(daily["stock"], daily["bond"], window=252).dropna()
    share_pos = float(np.mean(dc > 0))
    lines += [
        "",
        f"Daily S&P 500 vs 10-year Treasury (DGS10), {daily.index[0]:%Y-%m-%d} to "
        f"{daily.index[-1]:%Y-%m-%d}, 252-day window: share of days with positive correlation "
        f"{share_pos:.0%}, median {dc.median():+.2f}.",
        "Caveat: conditioning on the trailing correlation is descriptive, not a forecast.",
    ]
    numbers: dict[str, float | int | str | None] = {
        "risk.first_month": f"{df.index[0]:%Y-%m}",
        "risk.last_month": f"{df.index[-1]:%Y-%m}",
        "risk.positive_spells": len(spells),
        "risk.latest_correlation": float(last.iloc[-1]),
        "risk.latest_correlation_month": f"{last.index[-1]:%Y-%m}",
        "risk.daily_share_positive": share_pos,
        "risk.daily_median_correlation": float(dc.median()),
    }
    for label, key in (("correlation > 0", "positive"), ("correlation <= 0", "nonpositive")):
        row, eu = cvar_rows[label], euler_rows[label]
        numbers[f"risk.{key}.months"] = int(row["months"])
        numbers[f"risk.{key}.cvar_stocks"] = row["CVaR stocks (%)"] / 100
        numbers[f"risk.{key}.cvar_bonds"] = row["CVaR bonds (%)"] / 100
        numbers[f"risk.{key}.cvar_6040"] = row["CVaR 60/40 (%)"] / 100
        numbers[f"risk.{key}.diversification"] = row["diversification (%)"] / 100
        numbers[f"risk.{key}.euler_cvar_6040"] = eu["CVaR 60/40, tail mean (%)"] / 100
        numbers[f"risk.{key}.euler_stocks"] = eu["stocks (%)"] / 100
        numbers[f"risk.{key}.euler_bonds"] = eu["bonds (%)"] / 100
    about = (
        "Shiller monthly S&P composite total returns (nominal: real total-return price x CPI) "
        "and GS10 bond returns (stock_bond_returns, par-bond approximation), trailing 36-month "
        "correlation; historical 95% CVaR (losses positive) by correlation sign; daily check "
        "on the bundled S&P 500 index and FRED DGS10."
    )
    cvar_show = cvar_table.round(
        {
            "CVaR stocks (%)": 2,
            "CVaR bonds (%)": 2,
            "CVaR 60/40 (%)": 2,
            "diversification (%)": 1,
        }
    )
    spans = list(zip(spells["start"], spells["end"], strict=True))

    def _fig(ax: Any) -> None:
        ax.plot(corr.index, corr, lw=0.8, color="k")
        ax.axhline(0.0, color="grey", lw=0.6)
        for a, b in spans:
            ax.axvspan(a, b, color="tab:red", alpha=0.15, lw=0)
        from divergence import plotting

        ax.set_ylabel(f"{WINDOW_MONTHS}-month correlation (dimensionless)")
        ax.set_xlabel("date")
        ax.set_title("Stock-bond correlation (shaded: positive for 2+ years)")
        plotting._date_axis(ax)

    return Section(
        "Stock-bond correlation and tail risk",
        lines,
        [("stock_bond_corr", _fig)],
        tables=[
            ("Spells of positive stock-bond correlation (2 years or more)", spell_table),
            ("Historical 95% CVaR of monthly returns by correlation regime", cvar_show),
            ("Euler split of the 60/40 95% CVaR (tail mean)", euler_table.round(2)),
        ],
        numbers=numbers,
        about=about,
    )
