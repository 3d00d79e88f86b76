"""The divergence-cost report section: public calls only, and the numbers it states."""

from __future__ import annotations

import pandas as pd
import pytest

from divergence import cost as dc
from divergence._sections import Section
from divergence._sections import cost as sec
from divergence.datasets import load_shiller


@pytest.fixture(scope="module")
def section() -> Section:
    return sec.build()


def test_build_runs_and_states_no_skill(section: Section) -> None:
    text = "\n".join(section.lines)
    assert "Calibration" in text
    assert "out-of-sample" in text
    assert "No out-of-sample skill" in text
    assert section.figures
    assert section.about and "divergence.cost.inputs" in section.about


def test_numbers_are_the_public_calls(section: Section) -> None:
    # the headline numbers, recomputed with the documented public calls
    frame = dc.inputs()
    model = dc.DivergenceCost(min_periods=24)
    cd = model.evaluate(frame).dropna()
    n = section.numbers
    assert n["cost.cd_latest"] == cd.iloc[-1]
    assert n["cost.cd_months"] == cd.size
    assert n["cost.cd_latest_month"] == f"{cd.index[-1]:%Y-%m}"
    assert n["cost.premium_gap_latest"] == frame["premium_gap"].dropna().iloc[-1]
    assert n["cost.l_s_latest"] == frame["l_s"].dropna().iloc[-1]
    assert n["cost.i_c_latest"] == frame["i_c"].dropna().iloc[-1]
    text = "\n".join(section.lines)
    assert f"latest {n['cost.cd_latest']:.2f} ({n['cost.cd_latest_month']})" in text
    # the out-of-sample scores of the second study, by hand from public calls
    y = dc.drawdown_event(load_shiller()["sp_price"].reindex(frame.index))
    comps = frame.loc["2003-12":, ["delta_r", "l_s"]]
    target = y.loc["2003-12":]
    fit = dc.DivergenceCost.calibrate(
        comps.loc[:"2014-12"], target.loc[:"2014-12"], min_periods=36, cov_type="HAC"
    )
    prob = fit.evaluate(comps)
    scored = dc.DivergenceCost(min_periods=36).scores(comps)[["delta_r", "l_s"]]
    ok = prob.notna() & target.notna() & scored.notna().all(axis=1)
    train = ok & (prob.index <= "2014-12-01")
    test = ok & (prob.index >= "2015-01-01") & (prob.index <= "2025-12-01")
    base = target[train].mean()
    key = "cost.calibration.delta_r_l_s"
    assert n[f"{key}.n_out"] == int(test.sum())
    assert n[f"{key}.brier_out"] == pytest.approx(((prob[test] - target[test]) ** 2).mean())
    assert n[f"{key}.brier_base_out"] == pytest.approx(((base - target[test]) ** 2).mean())
    assert n[f"{key}.weight_L"] == pytest.approx(fit.weights[2], rel=1e-12)
    assert isinstance(n[f"{key}.auc_out"], float)
    assert all(isinstance(v, float | int | str) for v in n.values())
    assert isinstance(frame, pd.DataFrame)
