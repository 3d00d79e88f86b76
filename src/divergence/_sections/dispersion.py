"""Report section: realised correlation and dispersion of S&P 500 members; VIX (private)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from divergence import breadth as br
from divergence import dispersion as dp
from divergence._sections import ReportInputs, Section
from divergence.datasets import (
    load_sp500_daily_market_caps,
    load_sp500_index,
    load_sp500_prices,
    load_vix,
)

WINDOW = 63  # trading days, about one quarter


def build(inputs: ReportInputs | None = None) -> Section:
    prices = load_sp500_prices()
    caps = load_sp500_daily_market_caps()
    rets = prices.pct_change(fill_method=None)
    # documented data artefacts (spin-offs, split glitch): moves beyond 35% treated as missing
    artefacts = int((rets.abs() > 0.35).sum().sum())
    rets = rets.mask(rets.abs() > 0.35)
    weights = caps.shift(1)  # start-of-period weights
    rho_w = dp.realized_correlation(rets, weights, window=WINDOW, method="weighted")
    rho_m = dp.realized_correlation(rets, window=WINDOW, method="mean")
    csd = dp.cross_sectional_dispersion(rets.iloc[1:], weights.iloc[1:])
    # Realised counterpart of the DSPX: sqrt(sum w sigma_i^2 - sigma_I^2) with 63-day vols.
    idx_ret = br.index_return(rets, caps)
    member_vol = dp.realized_volatility(rets, window=WINDOW, periods_per_year=252)
    index_vol = dp.realized_volatility(idx_ret, window=WINDOW, periods_per_year=252)
    ok = index_vol.notna()
    disp = dp.dispersion_index(index_vol[ok], member_vol[ok], weights[ok], on_out_of_range="ignore")
    # Implied (VIX) against realised S&P 500 volatility over the next 21 trading days.
    spx = load_sp500_index()["close"]
    spx_ret = spx.pct_change()
    fwd_rv = dp.realized_volatility(
        spx_ret, window=21, periods_per_year=252, demean=False, align="forward"
    )
    vix = load_vix()["close"] / 100.0
    span = slice(rets.index[0], rets.index[-1])
    vv = pd.concat({"vix": vix.loc[span], "fwd_rv": fwd_rv.loc[span]}, axis=1, sort=True)
    vv = vv.dropna()
    premium = vv["vix"] - vv["fwd_rv"]
    # Implied-correlation proxy: VIX as the index vol, trailing realised member vols (no
    # single-stock implied vols are bundled), days with vols for at least 400 members.
    vix_d = vix.reindex(rets.index)
    have = vix_d.notna() & member_vol.notna().sum(axis=1).ge(400)
    rho_i = dp.implied_correlation(
        vix_d[have], member_vol[have], weights[have], on_out_of_range="ignore"
    )
    gap_i = (rho_i - rho_w.reindex(rho_i.index)).dropna()
    yearly = rho_w.groupby(rho_w.index.year).mean().dropna()
    peak = rho_w.idxmax()
    trough = rho_w.idxmin()
    lines = [
        f"505 S&P 500 members (as of 2018), daily price returns {rets.index[1].date()} to "
        f"{rets.index[-1].date()}; {artefacts} moves beyond +/-35% (spin-offs, a split "
        "glitch) treated as missing; weights = previous day's implied caps.",
        f"Realised average correlation over {WINDOW}-day windows: cap-weighted "
        f"{rho_w.mean():.2f} on average (peak {rho_w.max():.2f} on {peak.date()}, low "
        f"{rho_w.min():.2f} on {trough.date()}); plain average of all pairs {rho_m.mean():.2f}.",
        "Cap-weighted realised correlation by year: "
        + ", ".join(f"{y} {v:.2f}" for y, v in yearly.items())
        + " (2018: five weeks only).",
        f"Realised dispersion index sqrt(sum w s_i^2 - s_I^2) ({WINDOW}-day vols, annualised): "
        f"median {disp.median():.1%}, while the cap-weighted index's own realised vol had "
        f"median {index_vol.median():.1%}.",
        f"Daily cross-sectional dispersion of member returns (cap-weighted): median "
        f"{csd.median():.2%}, 95th percentile {csd.quantile(0.95):.2%} (a typical member's "
        "day is about that far from the cap-weighted average member's).",
        f"VIX vs realised S&P 500 vol over the next 21 trading days ({len(vv)} days): VIX "
        f"higher on {(premium > 0).mean():.0%} of days, by {premium.mean() * 100:.1f} vol "
        f"points on average (mean VIX {vv['vix'].mean() * 100:.1f}, mean realised "
        f"{vv['fwd_rv'].mean() * 100:.1f}).",
        f"Implied-correlation proxy (VIX as the index vol, trailing {WINDOW}-day realised member "
        f"vols; no single-stock implied vols are bundled), {len(gap_i)} days: median "
        f"{rho_i.median():.2f} against a realised {rho_w.reindex(gap_i.index).median():.2f}, "
        f"above it on {(gap_i > 0).mean():.0%} of days. Reading: with realised member vols "
        "the gap mixes the index's variance risk premium (the VIX line above) with any "
        "correlation premium; separating them needs single-stock implied vols. It exceeds 1 "
        f"on {int((rho_i > 1).sum())} days when the VIX jumped ahead of the lagging member "
        "vols (a limit of the proxy, not of the formula).",
    ]

    def _fig_corr(ax: Any) -> None:
        ax.plot(rho_w.index, rho_w, lw=1, label="cap-weighted")
        ax.plot(rho_m.index, rho_m, lw=1, label="mean of all pairs")
        from divergence import plotting

        ax.set_ylabel("average correlation (dimensionless)")
        ax.set_xlabel("date")
        ax.set_title(f"S&P 500 members: realised correlation, {WINDOW}-day windows")
        plotting._date_axis(ax)
        ax.legend(fontsize=8)

    def _fig_vix(ax: Any) -> None:
        ax.plot(vv.index, vv["vix"] * 100, lw=1, label="VIX")
        ax.plot(vv.index, vv["fwd_rv"] * 100, lw=1, label="realised, next 21 days")
        from divergence import plotting

        ax.set_ylabel("annualised volatility (percentage points)")
        ax.set_xlabel("date")
        ax.set_title("Implied (VIX) vs subsequent realised S&P 500 volatility")
        plotting._date_axis(ax)
        ax.legend(fontsize=8)

    def _fig_implied(ax: Any) -> None:
        from divergence import plotting

        plotting.implied_vs_realized_correlation(
            rho_i, rho_w.loc[rho_i.index[0] :], labels=("implied proxy (VIX)", "realised"), ax=ax
        )
        ax.set_title(f"Implied-correlation proxy vs realised ({WINDOW}-day, cap-weighted)")

    numbers: dict[str, float | int | str | None] = {
        "dispersion.members": int(rets.shape[1]),
        "dispersion.start": str(rets.index[1].date()),
        "dispersion.end": str(rets.index[-1].date()),
        "dispersion.artefacts_masked": artefacts,
        "dispersion.window_days": WINDOW,
        "dispersion.realized_corr_mean": float(rho_w.mean()),
        "dispersion.realized_corr_max": float(rho_w.max()),
        "dispersion.realized_corr_max_date": str(peak.date()),
        "dispersion.realized_corr_min": float(rho_w.min()),
        "dispersion.realized_corr_min_date": str(trough.date()),
        "dispersion.realized_corr_pairs_mean": float(rho_m.mean()),
        **{f"dispersion.realized_corr_{y}": float(v) for y, v in yearly.items()},
        "dispersion.realized_dispersion_median": float(disp.median()),
        "dispersion.index_vol_median": float(index_vol.median()),
        "dispersion.cross_sectional_median": float(csd.median()),
        "dispersion.cross_sectional_p95": float(csd.quantile(0.95)),
        "dispersion.vix_days": len(vv),
        "dispersion.vix_above_realized_share": float((premium > 0).mean()),
        "dispersion.vix_minus_realized_vol_mean": float(premium.mean()),
        "dispersion.vix_mean": float(vv["vix"].mean()),
        "dispersion.forward_realized_vol_mean": float(vv["fwd_rv"].mean()),
        "dispersion.implied_corr_proxy_days": len(gap_i),
        "dispersion.implied_corr_proxy_median": float(rho_i.median()),
        "dispersion.realized_corr_median_same_days": float(rho_w.reindex(gap_i.index).median()),
        "dispersion.implied_above_realized_share": float((gap_i > 0).mean()),
        "dispersion.implied_corr_proxy_days_above_1": int((rho_i > 1).sum()),
    }
    about = (
        "Bundled data: daily closes and implied caps of the 505 S&P 500 members of early 2018 "
        "(survivorship bias), the S&P 500 index and the VIX close. Price returns; moves beyond "
        "+/-35% treated as missing; weights = previous day's caps; vols annualised with 252 "
        f"days ({WINDOW}-day sample std; next-21-day root mean square for the VIX comparison); "
        "correlations dimensionless, vols and dispersion decimal."
    )
    return Section(
        "Dispersion",
        lines,
        [
            ("realized_correlation", _fig_corr),
            ("vix_vs_realized", _fig_vix),
            ("implied_vs_realized_correlation", _fig_implied),
        ],
        numbers=numbers,
        about=about,
    )
