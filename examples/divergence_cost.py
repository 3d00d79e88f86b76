"""
The divergence cost C_D on real data
====================================

The divergence cost C_D = f(ΔR_risk, I_C, L_S) on the bundled real data, end to end.

1. ΔR_risk: Shiller's excess CAPE yield (1/CAPE minus GS10 less trailing 10-year CPI
   inflation), its 12-month change.
2. L_S: 12-month drain of the Fed's balance sheet (WALCL) as a share of M2 a year earlier.
3. I_C: top-10 mean cap over median cap, from the S&P 500 snapshots, linked between snapshots
   by the daily implied caps (2013-2018), each value used only from its own date on.
4. C_D with the default model, its contributions, and an honest calibration: a logit on
   "the S&P composite falls more than 15% within the next 12 months", fitted on one period
   and scored on a later one.

Run: ``python examples/divergence_cost.py`` (about 10 s).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

import divergence as dv
from divergence.cost import DivergenceCost
from divergence.datasets import (
    load_fred,
    load_shiller,
    load_sp500_daily_market_caps,
    load_sp500_market_caps,
)


def premium_inputs() -> pd.DataFrame:
    sh = load_shiller()
    cape = dv.premia.cape(sh["sp_price"], sh["earnings"], sh["cpi"], min_periods=119)
    inflation = dv.premia.annualized_inflation(sh["cpi"], 120, periods_per_year=12)
    real10 = dv.premia.real_rate(sh["gs10"] / 100.0, inflation, method="linear")
    gap = dv.premia.risk_premium_gap(1.0 / cape, real10)
    check = (gap - sh["excess_cape_yield"]).abs().max()
    print(f"premium gap vs Shiller's excess CAPE yield: max |difference| = {check:.1e}")
    return pd.DataFrame(
        {
            "gap": gap,
            "delta_r": dv.premia.risk_premium_shift(gap, 12),
            "sp_price": sh["sp_price"],
        }
    )


def liquidity_input() -> pd.Series:
    fred = load_fred(["WALCL", "M2SL"])
    walcl_bn = fred["WALCL"].dropna().resample("MS").last() / 1000.0  # millions -> billions
    m2 = fred["M2SL"].dropna().resample("MS").last()  # billions
    both = pd.concat([walcl_bn, m2], axis=1, join="inner")
    return dv.liquidity.sterilization_rate(
        both["WALCL"], both["M2SL"], periods=12, periods_per_year=12
    )


def concentration_input(carry: int = 3) -> pd.Series:
    daily = dv.concentration.concentration_coefficient(load_sp500_daily_market_caps())
    snaps = dv.concentration.concentration_coefficient(load_sp500_market_caps())
    inside = snaps.loc[daily.index[0] : daily.index[-1]]
    # trading day at or before each snapshot; the link ratio applies from the snapshot's date
    tau = daily.index[daily.index.searchsorted(inside.index, side="right") - 1]
    ratio = pd.Series(inside.to_numpy() / daily.loc[tau].to_numpy(), index=inside.index)
    link = ratio.reindex(daily.index.union(ratio.index)).ffill().reindex(daily.index)
    obs = pd.concat([(daily * link).dropna(), snaps]).sort_index(kind="stable")
    return obs.resample("MS").last().ffill(limit=carry)


def forward_drawdown(price: pd.Series, horizon: int, threshold: float) -> pd.Series:
    p = price.to_numpy()
    fwd_min = np.full(p.size, np.nan)
    fwd_min[: p.size - horizon] = np.lib.stride_tricks.sliding_window_view(p[1:], horizon).min(
        axis=1
    )
    hit = np.where(np.isnan(fwd_min), np.nan, (fwd_min / p - 1.0 < -threshold).astype(float))
    return pd.Series(hit, index=price.index)


def auc(score: np.ndarray, label: np.ndarray) -> float:
    r = rankdata(score)
    n1 = label.sum()
    n0 = label.size - n1
    return float((r[label == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def main() -> None:
    prem = premium_inputs()
    frame = prem.join(
        pd.concat({"l_s": liquidity_input(), "i_c": concentration_input()}, axis=1), how="outer"
    )

    model = DivergenceCost(min_periods=24)
    cd = model.evaluate(frame["delta_r"], frame["i_c"], frame["l_s"])
    parts = model.contributions(frame["delta_r"], frame["i_c"], frame["l_s"])
    print(f"\nC_D (default model) defined for {cd.notna().sum()} months; last five:")
    table = parts.join(cd.rename("C_D")).dropna().tail(5)
    print(table.round(3).to_string())

    y = forward_drawdown(frame["sp_price"], 12, 0.15)
    print("\nCalibration: logit on 'S&P composite falls > 15% within 12 months'")
    for cols, train_end, test_start in (
        (["delta_r"], "1959-12", "1960-01"),
        (["delta_r", "l_s"], "2014-12", "2015-01"),
    ):
        comps = frame[cols].dropna(how="all")
        fit = DivergenceCost.calibrate(
            comps.loc[:train_end], y.loc[comps.index].loc[:train_end], cov_type="HAC"
        )
        args = {c: comps[c] if c in cols else None for c in ("delta_r", "i_c", "l_s")}
        prob = fit.evaluate(args["delta_r"], args["i_c"], args["l_s"])
        target = y.loc[comps.index]
        scored = DivergenceCost().scores(args["delta_r"], args["i_c"], args["l_s"])[cols]
        ok = prob.notna() & target.notna() & scored.notna().all(axis=1)
        tr, te = ok & (ok.index <= train_end), ok & (ok.index >= test_start)
        base = target[tr].mean()
        print(
            f"  {' + '.join(cols):<16} weights {np.round(fit.weights, 2)}  "
            f"AUC in {auc(prob[tr].to_numpy(), target[tr].to_numpy()):.2f} "
            f"out {auc(prob[te].to_numpy(), target[te].to_numpy()):.2f}  "
            f"Brier out {np.mean((prob[te] - target[te]) ** 2):.3f} "
            f"(base rate {np.mean((base - target[te]) ** 2):.3f})"
        )
    print(
        "  -> no out-of-sample skill; a zero weight means the unconstrained fit had the\n"
        "     'wrong' sign (a compressing premium was followed by fewer drawdowns)."
    )

    # Figure: C_D of the default model and its log-odds contributions, stacked.
    import matplotlib.pyplot as plt

    shown = parts.join(cd.rename("C_D")).dropna()
    fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    line = cd.loc[cd.first_valid_index() : cd.last_valid_index()]  # NaN months break the line
    axes[0].plot(line.index, line.to_numpy(), marker=".", lw=1)
    axes[0].set_ylabel("C_D (logistic)")
    bottom_pos = np.zeros(len(shown))
    bottom_neg = np.zeros(len(shown))
    for col in parts.columns:
        vals = shown[col].to_numpy()
        bottom = np.where(vals >= 0, bottom_pos, bottom_neg)
        axes[1].bar(shown.index, vals, bottom=bottom, width=25, label=str(col))
        bottom_pos += np.where(vals >= 0, vals, 0.0)
        bottom_neg += np.where(vals < 0, vals, 0.0)
    axes[1].set_ylabel("log-odds contribution")
    axes[1].legend(fontsize="small")
    fig.tight_layout()


if __name__ == "__main__":
    main()
