"""
The divergence cost C_D on real data
====================================

The divergence cost C_D = f(ΔR_risk, I_C, L_S) on the bundled real data, end to end.

1. One call builds the monthly inputs (:func:`divergence.cost.inputs`): ΔR_risk from
   Shiller's excess CAPE yield (1/CAPE minus GS10 less trailing 10-year CPI inflation), L_S
   from the Fed's balance sheet (WALCL) over M2, and I_C from the S&P 500 snapshots,
   chain-linked between them by the daily implied caps
   (:func:`divergence.concentration.chain_link`); a month's row uses only data dated in it
   or earlier.
2. C_D with the default model and its contributions, straight from that frame.
3. An honest calibration: a logit on "the S&P composite falls more than 15% within the next
   12 months" (:func:`divergence.cost.drawdown_event`), fitted on one period and scored on a
   later one (:func:`divergence.cost.forecast_skill`).

Run: ``python examples/divergence_cost.py`` (about 10 s).
"""

from __future__ import annotations

import numpy as np

import divergence as dv
from divergence.cost import DivergenceCost


def main() -> None:
    frame = dv.cost.inputs()
    shiller = dv.datasets.load_shiller()
    check = (frame["premium_gap"] - shiller["excess_cape_yield"]).abs().max()
    print(f"premium gap vs Shiller's excess CAPE yield: max |difference| = {check:.1e}")
    for column, source in frame.attrs["sources"].items():
        print(f"  {column}: {source}")

    model = DivergenceCost(min_periods=24)
    cd = model.evaluate(frame)
    parts = model.contributions(frame)
    print(f"\nC_D (default model) defined for {cd.notna().sum()} months; last five:")
    table = parts.join(cd.rename("C_D")).dropna().tail(5)
    print(table.round(3).to_string())

    y = dv.cost.drawdown_event(shiller["sp_price"].reindex(frame.index), horizon=12, threshold=0.15)
    print("\nCalibration: logit on 'S&P composite falls > 15% within 12 months'")
    for cols, start, train_end, test_start in (
        (["delta_r"], "1882-01", "1959-12", "1960-01"),
        (["delta_r", "l_s"], "2003-12", "2014-12", "2015-01"),
    ):
        comps, target = frame.loc[start:, cols], y.loc[start:]
        fit = DivergenceCost.calibrate(
            comps.loc[:train_end], target.loc[:train_end], min_periods=36, cov_type="HAC"
        )
        prob = fit.evaluate(comps)  # inputs left out of comps have weight 0
        scored = DivergenceCost(min_periods=36).scores(comps)[cols].notna().all(axis=1)
        ok = prob.notna() & target.notna() & scored
        train = ok & (ok.index <= train_end)
        test = ok & (ok.index >= test_start) & (ok.index <= "2025-12-01")
        inside = dv.cost.forecast_skill(prob[train], target[train])
        outside = dv.cost.forecast_skill(prob[test], target[test], base_rate=inside.base_rate)
        print(
            f"  {' + '.join(cols):<16} weights {np.round(fit.weights, 2)}  "
            f"AUC in {inside.auc:.2f} out {outside.auc:.2f}  "
            f"Brier out {outside.brier:.3f} (base rate {outside.brier_base:.3f})"
        )
    print(
        "  -> no out-of-sample skill; a zero weight means the unconstrained fit had the\n"
        "     'wrong' sign (a compressing premium was followed by fewer drawdowns)."
    )

    # Figure: C_D of the default model and its log-odds contributions, stacked.
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(8, 5), sharex=True)
    line = cd.loc[cd.first_valid_index() : cd.last_valid_index()]  # NaN months break the line
    axes[0].plot(line.index, line.to_numpy(), marker=".", lw=1)
    axes[0].set_ylabel("C_D (logistic)")
    dv.plotting.cost_contributions(parts.dropna(), ax=axes[1])
    axes[1].set_ylabel("log-odds contribution")
    fig.tight_layout()


if __name__ == "__main__":
    main()
