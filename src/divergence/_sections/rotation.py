"""Report section: rotation, earnings vs multiples, size and style gaps (private)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence import breadth as br
from divergence import rotation as rot
from divergence._sections import ReportInputs, Section
from divergence._sections.breadth import bundled_inputs
from divergence.datasets import load_fama_french, load_fred, load_shiller, load_sp500_market_caps

DEFENSIVE = ["Consumer Staples", "Health Care", "Real Estate", "Utilities"]
CYCLICAL = [
    "Consumer Discretionary",
    "Energy",
    "Financials",
    "Industrials",
    "Information Technology",
    "Materials",
]


def _sp500_inputs() -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    rets, caps = bundled_inputs()
    snap = load_sp500_market_caps(long=True, merge_share_classes=False)
    # GICS sectors as classified in the snapshot of 2018-02-08 (the day after the price sample
    # ends), applied to the whole sample: the usual static-classification caveat
    sectors = snap[snap["date"] == pd.Timestamp("2018-02-08")].set_index("symbol")["sector"]
    return rets, caps, sectors.astype(str)


def build(inputs: ReportInputs | None = None) -> Section:
    rets, caps, sectors = _sp500_inputs()
    sec = rot.sector_returns(rets, caps, sectors)
    wts = rot.sector_weights(rets, caps, sectors)
    idx = br.index_return(rets, caps)
    rel = rot.relative_performance(sec, idx, cumulative=True).iloc[-1].sort_values()
    signal = rot.dispersion_signal(rets, caps, window=63, min_periods=53)
    y10 = load_fred("DGS10", units="decimal")["DGS10"]
    d10 = y10.reindex(rets.index).ffill().diff().rename("d10y")
    ls = rot.sector_spread(sec, wts, method="long_short", long=DEFENSIVE, short=CYCLICAL)
    diag = rot.rotation_diagnostic(ls, signal, d10, window=252)
    ok = diag.dropna()

    sh = load_shiller()
    dec = rot.return_decomposition(
        sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12
    ).dropna()
    years = pd.DatetimeIndex(dec.index).year
    by_dec = dec.groupby((years // 10) * 10).sum()
    span = dec.loc[dec.index >= pd.Timestamp("1990-01-01")].sum()

    ff = load_fama_french("portfolios")
    gaps = rot.size_style_gaps(ff)
    c_smb = float(np.corrcoef(gaps["small_minus_large"], ff["SMB"])[0, 1])
    c_hml = float(np.corrcoef(gaps["value_minus_growth"], ff["HML"])[0, 1])
    factors = load_fama_french("factors")
    since07 = factors.loc[factors.index >= pd.Timestamp("2007-01-01"), ["SMB", "HML"]].mean() * 12
    cum_wgap = float(br.breadth_summary(rets, caps)["cumulative_gap"])

    lines = [
        f"S&P 500 members of 2018 (GICS sectors of the 2018-02-08 snapshot), daily "
        f"{rets.index[1].date()} to {rets.index[-1].date()}, price returns.",
        "Cumulative performance relative to the cap-weighted index: "
        + ", ".join(f"{k} {v:+.0%}" for k, v in rel.items())
        + ".",
        "Defensive-minus-cyclical daily spread on a dispersion signal (63-day cap-weighted "
        "stock vol minus index vol, lagged a day) and the daily change in the 10-year yield "
        f"(FRED DGS10), rolling 252 days: median R^2 {ok['r2'].median():.2f}, of which "
        f"dispersion {ok['r2_dispersion'].median():.3f} and rates "
        f"{ok['r2_fundamental'].median():.3f}; median per-day share of the deviation: "
        f"dispersion {ok['share_dispersion'].median():.0%}, rates "
        f"{ok['share_fundamental'].median():.0%}, unexplained {ok['share_residual'].median():.0%}.",
        "No earnings-revision data is bundled: anything fundamental other than rates sits in "
        "the residual.",
        "",
        "Shiller S&P composite, log returns by decade (monthly averages; earnings through "
        f"{pd.Timestamp(dec.index[-1]).date()}; 1870s and 2020s partial).",
        f"Since 1990: price {span['price_return']:.2f} = earnings {span['earnings_growth']:.2f} "
        f"+ multiple {span['multiple_change']:.2f} (log points).",
        "",
        f"Fama-French 3x3 grid {ff.index[0]:%Y-%m} to {ff.index[-1]:%Y-%m}: small-minus-large "
        f"{gaps['small_minus_large'].mean() * 12:+.1%}/yr (corr. with SMB {c_smb:.2f}), "
        f"value-minus-growth {gaps['value_minus_growth'].mean() * 12:+.1%}/yr (corr. with HML "
        f"{c_hml:.2f}); arithmetic means of monthly returns x 12.",
        f"Published factors {factors.index[0]:%Y-%m} to {factors.index[-1]:%Y-%m}: SMB "
        f"{factors['SMB'].mean() * 12:+.1%}/yr, HML {factors['HML'].mean() * 12:+.1%}/yr; "
        f"from 2007: SMB {since07['SMB']:+.1%}/yr, HML {since07['HML']:+.1%}/yr.",
        f"S&P 500 2013-2018: cap-weighted minus equal-weighted, compounded daily gaps "
        f"{cum_wgap:+.1%} (survivorship-biased member list).",
    ]
    decades = by_dec[["price_return", "earnings_growth", "multiple_change", "dividend_yield"]]
    decades = decades.rename(
        columns={
            "price_return": "price (log pts)",
            "earnings_growth": "earnings (log pts)",
            "multiple_change": "multiple (log pts)",
            "dividend_yield": "dividend (log pts)",
        }
    ).round(2)
    decades.index = pd.Index(decades.index.astype(int), name="decade")
    medians = ok.median()
    numbers: dict[str, float | int | str | None] = {
        "rotation.first_date": str(rets.index[1].date()),
        "rotation.last_date": str(rets.index[-1].date()),
        **{f"rotation.relative_cumulative.{k}": float(v) for k, v in rel.items()},
        "rotation.median_r2": float(medians["r2"]),
        "rotation.median_r2_dispersion": float(medians["r2_dispersion"]),
        "rotation.median_r2_rates": float(medians["r2_fundamental"]),
        "rotation.median_share_dispersion": float(medians["share_dispersion"]),
        "rotation.median_share_rates": float(medians["share_fundamental"]),
        "rotation.median_share_unexplained": float(medians["share_residual"]),
        "rotation.shiller_earnings_through": str(pd.Timestamp(dec.index[-1]).date()),
        "rotation.since1990_price_log": float(span["price_return"]),
        "rotation.since1990_earnings_log": float(span["earnings_growth"]),
        "rotation.since1990_multiple_log": float(span["multiple_change"]),
        "rotation.ff_small_minus_large_annual": float(gaps["small_minus_large"].mean() * 12),
        "rotation.ff_value_minus_growth_annual": float(gaps["value_minus_growth"].mean() * 12),
        "rotation.ff_corr_smb": c_smb,
        "rotation.ff_corr_hml": c_hml,
        "rotation.smb_annual": float(factors["SMB"].mean() * 12),
        "rotation.hml_annual": float(factors["HML"].mean() * 12),
        "rotation.smb_annual_since2007": float(since07["SMB"]),
        "rotation.hml_annual_since2007": float(since07["HML"]),
        "rotation.sp500_cumulative_weighting_gap": cum_wgap,
    }
    about = (
        "Bundled S&P 500 members of 2018 (daily price returns, moves beyond 35% missing, GICS "
        "sectors of the 2018-02-08 snapshot, previous day's caps as weights), FRED DGS10, "
        "Shiller monthly data (log-return decomposition, monthly averages) and Fama-French "
        "monthly portfolios and factors (arithmetic means x 12)."
    )

    def _fig_decades(ax: Any) -> None:
        parts = by_dec[["earnings_growth", "multiple_change", "dividend_yield"]]
        bottom_pos = np.zeros(len(parts))
        bottom_neg = np.zeros(len(parts))
        x = np.arange(len(parts))
        for col in parts.columns:
            v = parts[col].to_numpy()
            base = np.where(v >= 0, bottom_pos, bottom_neg)
            ax.bar(x, v, bottom=base, label=col.replace("_", " "))
            bottom_pos += np.where(v >= 0, v, 0.0)
            bottom_neg += np.where(v < 0, v, 0.0)
        ax.set_xticks(x, [str(d) for d in parts.index], rotation=45)
        ax.set_ylabel("log return per decade (log points)")
        ax.set_xlabel("decade")
        ax.set_title("S&P composite: earnings, multiple and dividends by decade")
        ax.legend(fontsize=8)

    def _fig_relative(ax: Any) -> None:
        from divergence import plotting

        cum = rot.relative_performance(sec, idx, cumulative=True)
        colors = plotting._distinct_colors(len(cum.columns))
        for i, col in enumerate(cum.columns):
            ax.plot(
                cum.index, cum[col], lw=1, label=col, color=colors[i], ls=plotting._line_style(i)
            )
        ax.axhline(0.0, color="k", lw=0.5)
        ax.set_ylabel("cumulative return relative to index (decimal)")
        ax.set_title("S&P 500 sectors: cumulative return relative to the index")
        ax.set_xlabel("date")
        plotting._date_axis(ax)
        ax.legend(fontsize=6, ncol=2)

    return Section(
        "Rotation",
        lines,
        [("shiller_decades", _fig_decades), ("sector_relative", _fig_relative)],
        tables=[("Shiller S&P composite: log returns by decade", decades)],
        numbers=numbers,
        about=about,
    )
