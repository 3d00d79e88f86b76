"""The divergence-cost report section and its monthly inputs (bundled data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence import concentration as conc
from divergence._sections import cost as sec
from divergence.datasets import load_sp500_market_caps


def test_drawdown_target_closed_form() -> None:
    price = pd.Series([100.0, 90.0, 80.0, 95.0, 100.0, 100.0])
    y = sec.drawdown_target(price, horizon=2, threshold=0.15)
    # t=0: min(90, 80) / 100 - 1 = -20% -> 1; t=1: min(80, 95) / 90 - 1 = -11% -> 0
    np.testing.assert_array_equal(y.to_numpy(), [1.0, 0.0, 0.0, 0.0, np.nan, np.nan])


def test_auc_closed_form() -> None:
    assert sec.auc(np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 0, 1, 1])) == 1.0
    assert sec.auc(np.array([0.4, 0.3, 0.2, 0.1]), np.array([0, 0, 1, 1])) == 0.0
    assert sec.auc(np.array([0.1, 0.3, 0.2, 0.4]), np.array([0, 0, 1, 1])) == 0.75


def test_monthly_concentration_is_snapshot_level_without_look_ahead() -> None:
    ic = sec.monthly_concentration()
    snaps = conc.concentration_coefficient(load_sp500_market_caps())
    # a month whose last observation is a snapshot shows exactly that snapshot
    for date in ["2018-02-08", "2024-10-25", "2025-02-01", "2026-08-20"]:
        month = pd.Timestamp(date).to_period("M").to_timestamp()
        assert ic.loc[month] == pytest.approx(snaps.loc[date], rel=1e-12)
    # carried at most three months, never backwards: nothing before the first snapshot,
    # nothing between 2018-05 and 2024-10
    assert ic.first_valid_index() == pd.Timestamp("2012-12-01")
    assert ic.loc["2018-06":"2024-09"].isna().all()
    assert ic.loc["2018-03":"2018-05"].eq(snaps.loc["2018-02-08"]).all()


def test_build_runs_and_states_no_skill() -> None:
    section = sec.build()
    text = "\n".join(section.lines)
    assert "Calibration" in text
    assert "out-of-sample" in text
    assert section.figures
