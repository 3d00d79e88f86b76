"""Report section: real costs, liquidity and the divergence cost C_D on bundled data (private).

The monthly inputs are built here once (:func:`monthly_inputs`) so that the report and the
tests use the same construction; the user guide and ``examples/divergence_cost.py`` spell the
same steps out in full.

Timing: a row labelled month M holds data known by the end of month M. Shiller's price and
yield are monthly averages of month M; WALCL is the last weekly level in M; M2 (the base) is
taken 12 months earlier; I_C is the last observation in M of the snapshot-level series built
by :func:`monthly_concentration` (snapshots, linked between them by the daily implied caps
of 2013-02 .. 2018-02), carried forward at most three months and never backwards.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence import concentration as conc
from divergence import liquidity as liq
from divergence import premia as pr
from divergence import real as rl
from divergence._sections import ReportInputs, Section
from divergence.cost import DivergenceCost
from divergence.datasets import (
    load_fred,
    load_shiller,
    load_sp500_daily_market_caps,
    load_sp500_market_caps,
)

#: Drawdown threshold and horizon of the calibration target.
DRAWDOWN = 0.15
HORIZON = 12
#: Months an I_C snapshot is carried forward after its own month.
SNAPSHOT_CARRY = 3


def monthly_inputs() -> pd.DataFrame:
    """Monthly frame (first-of-month labels) of the premium gap, ΔR_risk, I_C and L_S."""
    sh = load_shiller()
    cape = pr.cape(sh["sp_price"], sh["earnings"], sh["cpi"], window=120, min_periods=119)
    infl10 = pr.annualized_inflation(sh["cpi"], 120, periods_per_year=12)
    real10 = pr.real_rate(sh["gs10"] / 100.0, infl10, method="linear")
    gap = pr.risk_premium_gap(1.0 / cape, real10)
    delta_r = pr.risk_premium_shift(gap, 12)

    fred = load_fred(["WALCL", "M2SL"])
    walcl_bn = fred["WALCL"].dropna().resample("MS").last() / 1000.0  # USD mn -> bn
    m2 = fred["M2SL"].dropna().resample("MS").last()  # USD bn
    both = pd.concat([walcl_bn, m2], axis=1, join="inner")
    l_s = liq.sterilization_rate(both["WALCL"], both["M2SL"], periods=12, periods_per_year=12)

    i_c = monthly_concentration()

    out: pd.DataFrame = pd.concat(
        {
            "gap": gap,
            "delta_r": delta_r,
            "i_c": i_c,
            "l_s": l_s,
            "sp_price": sh["sp_price"],
            "earnings": sh["earnings"],
            "cpi": sh["cpi"],
        },
        axis=1,
        sort=True,
    )
    out.index.name = "date"
    return out


def monthly_concentration() -> pd.Series:
    """Monthly I_C on the snapshots' membership, daily-linked between snapshots.

    The daily panel (2013-02-08 .. 2018-02-07) holds the 2018 members only, so its I_C sits
    3-17% below the snapshots' (the actual members then). Each day's panel I_C is multiplied
    by the snapshot / panel ratio of the latest snapshot dated on or before that day (chain
    linking: at a snapshot the series equals the snapshot; between snapshots it moves with
    the daily panel; nothing is used before its date). A month's value is its last
    observation (linked daily value or snapshot); a month without one carries the previous
    value for at most ``SNAPSHOT_CARRY`` months, then NaN.
    """
    daily = conc.concentration_coefficient(load_sp500_daily_market_caps())
    snaps = conc.concentration_coefficient(load_sp500_market_caps())
    inside = snaps.loc[daily.index[0] : daily.index[-1]]
    tau = daily.index[daily.index.searchsorted(inside.index, side="right") - 1]
    ratio = pd.Series(inside.to_numpy() / daily.loc[tau].to_numpy(), index=inside.index)
    link = ratio.reindex(daily.index.union(ratio.index)).ffill().reindex(daily.index)
    linked = (daily * link).dropna()
    obs = pd.concat([linked, snaps]).sort_index(kind="stable")
    monthly: pd.Series = obs.resample("MS").last().ffill(limit=SNAPSHOT_CARRY)
    monthly.name = "i_c"
    return monthly


def drawdown_target(price: pd.Series, *, horizon: int, threshold: float) -> pd.Series:
    """1.0 if the price falls more than ``threshold`` below today's within ``horizon`` rows.

    Forward-looking by construction (it is the label, not an input); NaN for the last
    ``horizon`` rows and wherever a price in the window is missing.
    """
    p = price.to_numpy(dtype=np.float64)
    n = p.shape[0]
    fwd_min = np.full(n, np.nan)
    if n > horizon:
        win = np.lib.stride_tricks.sliding_window_view(p[1:], horizon)  # rows t+1 .. t+h
        fwd_min[: n - horizon] = win.min(axis=1)
    with np.errstate(invalid="ignore"):
        hit = np.where(np.isnan(fwd_min) | np.isnan(p), np.nan, (fwd_min / p - 1.0 < -threshold))
    return pd.Series(hit.astype(np.float64), index=price.index, name="drawdown")


def auc(score: np.ndarray, label: np.ndarray) -> float:
    """Area under the ROC curve (Mann–Whitney U / (n1 n0)); 0.5 = no skill."""
    from scipy.stats import rankdata

    r = rankdata(score)
    n1 = float(label.sum())
    n0 = float(label.size) - n1
    if n1 == 0 or n0 == 0:
        return float("nan")
    return float((r[label == 1].sum() - n1 * (n1 + 1) / 2.0) / (n1 * n0))


def calibration_study(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Fit on a training span, score in- and out-of-sample (AUC, Brier vs base rate)."""
    y = drawdown_target(frame["sp_price"], horizon=HORIZON, threshold=DRAWDOWN)
    studies = [
        ("delta_r only", ["delta_r"], "1882-01", "1959-12", "1960-01", "2025-12"),
        ("delta_r + l_s", ["delta_r", "l_s"], "2003-12", "2014-12", "2015-01", "2025-12"),
    ]
    results = []
    for label, cols, start, train_end, test_start, test_end in studies:
        comps = frame.loc[start:, cols]
        target = y.loc[start:]
        model = DivergenceCost.calibrate(
            comps.loc[:train_end], target.loc[:train_end], min_periods=36, cov_type="HAC"
        )
        args = {c: comps[c] if c in cols else None for c in ("delta_r", "i_c", "l_s")}
        cd = model.evaluate(args["delta_r"], args["i_c"], args["l_s"])
        # rows where every used input is scored (a zero-weight fit is defined everywhere)
        scored = DivergenceCost(min_periods=36).scores(args["delta_r"], args["i_c"], args["l_s"])[
            cols
        ]
        ok = cd.notna() & target.notna() & scored.notna().all(axis=1)
        train = ok & (cd.index <= pd.Timestamp(train_end))
        test = ok & (cd.index >= pd.Timestamp(test_start)) & (cd.index <= pd.Timestamp(test_end))
        base = float(target[train].mean())
        row: dict[str, Any] = {
            "label": label,
            "weights": model.weights,
            "intercept": model.intercept,
            "model": model,
        }
        for name, mask in (("in", train), ("out", test)):
            yy = target[mask].to_numpy()
            cc = cd[mask].to_numpy()
            row[f"n_{name}"] = int(mask.sum())
            row[f"events_{name}"] = int(yy.sum())
            row[f"span_{name}"] = (cd.index[mask][0].date(), cd.index[mask][-1].date())
            row[f"auc_{name}"] = auc(cc, yy)
            row[f"brier_{name}"] = float(np.mean((cc - yy) ** 2))
            row[f"brier_base_{name}"] = float(np.mean((base - yy) ** 2))
        results.append(row)
    return results


def build(inputs: ReportInputs | None = None) -> Section:
    frame = monthly_inputs()
    model = DivergenceCost(min_periods=24)
    cd = model.evaluate(frame["delta_r"], frame["i_c"], frame["l_s"])
    parts = model.contributions(frame["delta_r"], frame["i_c"], frame["l_s"])
    valid = cd.dropna()
    gap = frame["gap"].dropna()
    gap_pct = float((gap <= gap.iloc[-1]).mean())
    ls = frame["l_s"].dropna()
    ic = frame["i_c"].dropna()
    e = frame["earnings"].loc[:"2025-12"].dropna()
    k = len(e) - 1
    cpi_e = frame["cpi"].reindex(e.index)
    g_real = float(rl.real_growth(e, cpi_e, periods=k, periods_per_year=12).iloc[-1])
    g_ill = float(rl.nominal_illusion(e, cpi_e, periods=k, periods_per_year=12).iloc[-1])

    lines = [
        "Inputs (monthly; a month's row uses data known by its end):",
        f"  premium gap = 1/CAPE - (GS10 - trailing 10y CPI inflation), Shiller, "
        f"{gap.index[0]:%Y-%m} to {gap.index[-1]:%Y-%m}: latest {gap.iloc[-1]:.2%} "
        f"({gap_pct:.0%} of months were at or below it); "
        f"ΔR_risk (12-month change) latest {frame['delta_r'].dropna().iloc[-1] * 1e4:+.0f} bp.",
        f"  L_S = -(12-month change of Fed total assets) / M2 a year earlier, "
        f"{ls.index[0]:%Y-%m} to {ls.index[-1]:%Y-%m}: latest {ls.iloc[-1]:+.2%} of M2 a year "
        f"(positive = draining); range {ls.min():+.1%} to {ls.max():+.1%}.",
        f"  I_C = top-10 mean cap / median cap: {ic.loc[:'2018-12'].size} months "
        f"{ic.index[0]:%Y-%m}..2018-05 (snapshots, linked between them by the daily implied "
        f"caps), {ic.loc['2019':].size} months 2024-10..{ic.index[-1]:%Y-%m} (snapshots "
        f"carried <= {SNAPSHOT_CARRY} months); {ic.iloc[0]:.1f} -> {ic.iloc[-1]:.1f}.",
        f"  Real vs nominal: S&P EPS grew {g_real + g_ill:.2%}/yr nominal, {g_real:.2%}/yr real "
        f"({e.index[0]:%Y}-{e.index[-1]:%Y}); {g_ill / (g_real + g_ill):.0%} of nominal growth "
        "was inflation.",
        "",
        "C_D, default model (equal weights, expanding percentile scores, >= 24 months of each "
        "input, logistic link):",
        f"  defined for {valid.size} months ({valid.index[0]:%Y-%m}..{valid.index[-1]:%Y-%m}, "
        "only where I_C exists); "
        f"mean {valid.mean():.2f}, latest {valid.iloc[-1]:.2f} ({valid.index[-1]:%Y-%m}).",
    ]
    last = parts.dropna().iloc[-1]
    lines.append(
        "  latest log-odds contributions: "
        + ", ".join(f"{c} {last[c]:+.2f}" for c in ("delta_r", "i_c", "l_s"))
    )
    lines += ["", f"Calibration (logit on 'S&P falls > {DRAWDOWN:.0%} within {HORIZON} months'):"]
    study = calibration_study(frame)
    for r in study:
        w = ", ".join(f"{n}={v:.2f}" for n, v in zip(("R", "C", "L"), r["weights"], strict=True))
        lines.append(
            f"  {r['label']}: weights {w}; AUC in-sample {r['auc_in']:.2f} "
            f"({r['n_in']} months, {r['events_in']} in stress), out-of-sample "
            f"{r['auc_out']:.2f} ({r['n_out']} months); Brier out {r['brier_out']:.3f} vs "
            f"base rate {r['brier_base_out']:.3f}."
        )
    # "skill" = at least 1% lower Brier score than always forecasting the training base rate
    skill = [r["label"] for r in study if r["brier_out"] < 0.99 * r["brier_base_out"]]
    if skill:
        lines.append(
            f"  Out-of-sample Brier below the base rate for: {', '.join(skill)} (check the "
            "number of stress episodes before reading anything into it)."
        )
    else:
        lines.append(
            "  No out-of-sample skill (no Brier score 1% below the base rate's). A zero weight "
            "means the unconstrained fit had the other sign."
        )

    def _fig(ax: Any) -> None:
        from divergence import plotting

        plotting.cost_contributions(parts, ax=ax)
        ax.set_title("C_D log-odds and its contributions")

    return Section("Divergence cost", lines, [("divergence_cost", _fig)])
