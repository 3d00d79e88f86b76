"""Report section: real costs, liquidity and the divergence cost C_D on bundled data (private).

Wording and layout only. The monthly inputs come from :func:`divergence.cost.inputs` (a row
labelled month M holds data known by the end of month M; I_C chain-linked by
:func:`divergence.concentration.chain_link`, carried at most three months), the calibration
target from :func:`divergence.cost.drawdown_event` and the scores from
:func:`divergence.cost.forecast_skill`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from divergence import cost as dc
from divergence import real as rl
from divergence._sections import ReportInputs, Section
from divergence.cost import DivergenceCost
from divergence.datasets import load_shiller

#: Drawdown threshold and horizon of the calibration target.
DRAWDOWN = 0.15
HORIZON = 12
#: Months an I_C snapshot is carried forward after its own month.
SNAPSHOT_CARRY = 3
#: (label, inputs used, start, end of fit, start and end of the out-of-sample test)
STUDIES: tuple[tuple[str, list[str], str, str, str, str], ...] = (
    ("delta_r only", ["delta_r"], "1882-01", "1959-12", "1960-01", "2025-12"),
    ("delta_r + l_s", ["delta_r", "l_s"], "2003-12", "2014-12", "2015-01", "2025-12"),
)


def calibration_study(frame: pd.DataFrame, price: pd.Series) -> list[dict[str, Any]]:
    """Fit on a training span, score in- and out-of-sample (public calls only)."""
    y = dc.drawdown_event(price.reindex(frame.index), horizon=HORIZON, threshold=DRAWDOWN)
    results = []
    for label, cols, start, train_end, test_start, test_end in STUDIES:
        comps = frame.loc[start:, cols]
        target = y.loc[start:]
        model = DivergenceCost.calibrate(
            comps.loc[:train_end], target.loc[:train_end], min_periods=36, cov_type="HAC"
        )
        cd = model.evaluate(comps)
        # rows where every used input is scored (a zero-weight fit is defined everywhere)
        scored = DivergenceCost(min_periods=36).scores(comps)[cols]
        ok = cd.notna() & target.notna() & scored.notna().all(axis=1)
        train = ok & (cd.index <= pd.Timestamp(train_end))
        test = ok & (cd.index >= pd.Timestamp(test_start)) & (cd.index <= pd.Timestamp(test_end))
        fit = dc.forecast_skill(cd[train], target[train])
        oos = dc.forecast_skill(cd[test], target[test], base_rate=fit.base_rate)
        results.append({"label": label, "model": model, "in": fit, "out": oos})
    return results


def build(inputs: ReportInputs | None = None) -> Section:
    frame = dc.inputs(carry_months=SNAPSHOT_CARRY)
    shiller = load_shiller()
    model = DivergenceCost(min_periods=24)
    cd = model.evaluate(frame)
    parts = model.contributions(frame)
    valid = cd.dropna()
    gap = frame["premium_gap"].dropna()
    gap_pct = float((gap <= gap.iloc[-1]).mean())
    dr = frame["delta_r"].dropna()
    ls = frame["l_s"].dropna()
    ic = frame["i_c"].dropna()
    e = shiller["earnings"].loc[:"2025-12"].dropna()
    k = len(e) - 1
    cpi_e = shiller["cpi"].reindex(e.index)
    g_real = float(rl.real_growth(e, cpi_e, periods=k, periods_per_year=12).iloc[-1])
    g_ill = float(rl.nominal_illusion(e, cpi_e, periods=k, periods_per_year=12).iloc[-1])
    n_early, n_late = ic.loc[:"2018-12"].size, ic.loc["2019":].size

    lines = [
        "Inputs (monthly; a month's row uses data known by its end):",
        f"  premium gap = 1/CAPE - (GS10 - trailing 10y CPI inflation), Shiller, "
        f"{gap.index[0]:%Y-%m} to {gap.index[-1]:%Y-%m}: latest {gap.iloc[-1]:.2%} "
        f"({gap_pct:.0%} of months were at or below it); "
        f"ΔR_risk (12-month change) latest {dr.iloc[-1] * 1e4:+.0f} bp.",
        f"  L_S = -(12-month change of Fed total assets) / M2 a year earlier, "
        f"{ls.index[0]:%Y-%m} to {ls.index[-1]:%Y-%m}: latest {ls.iloc[-1]:+.2%} of M2 a year "
        f"(positive = draining); range {ls.min():+.1%} to {ls.max():+.1%}.",
        f"  I_C = top-10 mean cap / median cap: {n_early} months "
        f"{ic.index[0]:%Y-%m}..2018-05 (snapshots, linked between them by the daily implied "
        f"caps), {n_late} months 2024-10..{ic.index[-1]:%Y-%m} (snapshots "
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
    study = calibration_study(frame, shiller["sp_price"])
    numbers: dict[str, float | int | str | None] = {
        "cost.premium_gap_latest": float(gap.iloc[-1]),
        "cost.premium_gap_latest_month": f"{gap.index[-1]:%Y-%m}",
        "cost.premium_gap_share_at_or_below": gap_pct,
        "cost.delta_r_latest": float(dr.iloc[-1]),
        "cost.l_s_latest": float(ls.iloc[-1]),
        "cost.l_s_latest_month": f"{ls.index[-1]:%Y-%m}",
        "cost.l_s_min": float(ls.min()),
        "cost.l_s_max": float(ls.max()),
        "cost.i_c_months_to_2018": n_early,
        "cost.i_c_months_from_2024": n_late,
        "cost.i_c_first": float(ic.iloc[0]),
        "cost.i_c_latest": float(ic.iloc[-1]),
        "cost.eps_growth_nominal": g_real + g_ill,
        "cost.eps_growth_real": g_real,
        "cost.eps_inflation_share": g_ill / (g_real + g_ill),
        "cost.cd_months": int(valid.size),
        "cost.cd_mean": float(valid.mean()),
        "cost.cd_latest": float(valid.iloc[-1]),
        "cost.cd_latest_month": f"{valid.index[-1]:%Y-%m}",
    }
    for c in ("delta_r", "i_c", "l_s"):
        numbers[f"cost.contribution_{c}_latest"] = float(last[c])
    for r in study:
        fit, oos, m = r["in"], r["out"], r["model"]
        w = ", ".join(f"{n}={v:.2f}" for n, v in zip(("R", "C", "L"), m.weights, strict=True))
        lines.append(
            f"  {r['label']}: weights {w}; AUC in-sample {fit.auc:.2f} "
            f"({fit.n} months, {fit.events} in stress), out-of-sample "
            f"{oos.auc:.2f} ({oos.n} months); Brier out {oos.brier:.3f} vs "
            f"base rate {oos.brier_base:.3f}."
        )
        key = "cost.calibration." + r["label"].replace(" + ", "_").replace(" ", "_")
        for n, v in zip(("R", "C", "L"), m.weights, strict=True):
            numbers[f"{key}.weight_{n}"] = float(v)
        numbers.update(
            {
                f"{key}.auc_in": fit.auc,
                f"{key}.n_in": fit.n,
                f"{key}.events_in": fit.events,
                f"{key}.auc_out": oos.auc,
                f"{key}.n_out": oos.n,
                f"{key}.brier_out": oos.brier,
                f"{key}.brier_base_out": oos.brier_base,
            }
        )
    # "skill" = at least 1% lower Brier score than always forecasting the training base rate
    skill = [r["label"] for r in study if r["out"].brier < 0.99 * r["out"].brier_base]
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

    return Section(
        "Divergence cost",
        lines,
        [("divergence_cost", _fig)],
        numbers=numbers,
        about=(
            "Monthly (month-start labels, data known by month end): Shiller ie_data, FRED WALCL "
            "and M2SL, S&P 500 cap snapshots chain-linked by daily implied caps "
            "(divergence.cost.inputs); C_D = DivergenceCost(min_periods=24); target "
            "drawdown_event(horizon=12, threshold=0.15)."
        ),
    )
