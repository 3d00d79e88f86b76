"""Dispersion-trade P&L: identities with the dispersion index, sizing rules, signs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence.dispersion import DispersionTradePnL, dispersion_index, dispersion_trade_pnl
from divergence.errors import InputError


def _trade(seed: int, n: int = 6) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.05, 1.0, n)
    k = rng.uniform(0.15, 0.6, n)
    s = rng.uniform(0.1, 0.7, n)
    return {
        "index_implied_vol": float(rng.uniform(0.1, 0.3)),
        "constituent_implied_vols": k,
        "index_realized_vol": float(rng.uniform(0.05, 0.35)),
        "constituent_realized_vols": s,
        "weights": w,
    }


@given(seed=st.integers(0, 2**32 - 1), notional=st.floats(1.0, 1e6))
def test_variance_weighting_pnl_is_realized_minus_implied_squared_dispersion(
    seed: int, notional: float
) -> None:
    # Identity: with variance notionals N_i = w_i N_I, P&L = N_I (D_real^2 - D_impl^2) in
    # vol points squared, D^2 = sum w s^2 - s_I^2 (the dispersion index squared).
    t = _trade(seed)
    pnl = dispersion_trade_pnl(**t, notional=notional, weighting="variance")  # type: ignore[arg-type]
    w = np.asarray(t["weights"])
    w = w / w.sum()
    d2_real = (
        1e4 * (w @ np.asarray(t["constituent_realized_vols"]) ** 2)
        - 1e4
        * float(
            t["index_realized_vol"]  # type: ignore[arg-type]
        )
        ** 2
    )
    d2_impl = (
        1e4 * (w @ np.asarray(t["constituent_implied_vols"]) ** 2)
        - 1e4
        * float(
            t["index_implied_vol"]  # type: ignore[arg-type]
        )
        ** 2
    )
    assert pnl.total == pytest.approx(pnl.index_notional * (d2_real - d2_impl), rel=1e-10)
    # ... and D_impl^2 is the square of dispersion_index when that is real.
    if d2_impl > 0:
        d = dispersion_index(t["index_implied_vol"], t["constituent_implied_vols"], t["weights"])
        assert 1e4 * d**2 == pytest.approx(d2_impl, rel=1e-10)


@given(seed=st.integers(0, 2**32 - 1))
def test_vega_and_theta_sizing(seed: int) -> None:
    t = _trade(seed)
    k = np.asarray(t["constituent_implied_vols"]) * 100
    k_i = float(t["index_implied_vol"]) * 100  # type: ignore[arg-type]
    vega = dispersion_trade_pnl(**t, notional=1000.0, weighting="vega")  # type: ignore[arg-type]
    # Vega-neutral: member vega notionals 2 K_i N_i add up to the index's 2 K_I N_I.
    assert np.sum(2 * k * vega.constituent_notionals) == pytest.approx(
        2 * k_i * vega.index_notional, rel=1e-12
    )
    theta = dispersion_trade_pnl(**t, notional=1000.0, weighting="theta")  # type: ignore[arg-type]
    # Theta-neutral: sum N_i K_i^2 = N_I K_I^2.
    assert np.sum(theta.constituent_notionals * k**2) == pytest.approx(
        theta.index_notional * k_i**2, rel=1e-12
    )
    # Vega notional of the index leg: N_I = V / (2 K_I).
    assert vega.index_notional == pytest.approx(1000.0 / (2 * k_i), rel=1e-14)


@pytest.mark.parametrize("weighting", ["vega", "theta", "variance"])
def test_realized_equal_implied_gives_zero(weighting: str) -> None:
    k = np.array([0.3, 0.4, 0.25])
    pnl = dispersion_trade_pnl(0.2, k, 0.2, k, [1, 1, 1], weighting=weighting)  # type: ignore[arg-type]
    assert pnl.total == pytest.approx(0.0, abs=1e-12)
    assert pnl.index_leg == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("weighting", ["vega", "theta", "variance"])
def test_long_dispersion_is_short_correlation(weighting: str) -> None:
    # Realised member vols fixed at 30%; the realised index vol follows the realised
    # correlation (equal weights, 10 names): s_I^2 = s^2 (1/n + rho (n-1)/n). P&L must fall
    # as rho rises, and the index leg is the only leg that moves.
    n, s = 10, 0.3
    k = np.full(n, 0.3)
    totals, legs = [], []
    for rho in np.linspace(0.0, 1.0, 11):
        s_i = s * np.sqrt(1 / n + rho * (n - 1) / n)
        pnl = dispersion_trade_pnl(0.2, k, s_i, np.full(n, s), np.ones(n), weighting=weighting)  # type: ignore[arg-type]
        totals.append(pnl.total)
        legs.append(np.sum(pnl.constituent_legs))
    assert np.all(np.diff(totals) < 0)
    np.testing.assert_allclose(legs, legs[0])


def test_panel_of_trades_and_to_frame() -> None:
    idx = pd.date_range("2024-01-31", periods=3, freq="ME")
    cols = ["a", "b"]
    k = pd.DataFrame([[0.3, 0.4], [0.3, 0.4], [0.3, np.nan]], index=idx, columns=cols)
    s = pd.DataFrame([[0.35, 0.3], [0.2, 0.5], [0.3, 0.4]], index=idx, columns=cols)
    k_i = pd.Series([0.2, 0.25, 0.2], index=idx)
    s_i = pd.Series([0.18, 0.3, 0.2], index=idx)
    pnl = dispersion_trade_pnl(k_i, k, s_i, s, pd.Series({"a": 0.6, "b": 0.4}))
    assert isinstance(pnl, DispersionTradePnL)
    assert isinstance(pnl.total, pd.Series)
    assert pnl.total.index.equals(idx)
    assert isinstance(pnl.constituent_legs, pd.DataFrame)
    assert np.isnan(pnl.constituent_legs.iloc[2, 1])  # name not traded
    frame = pnl.to_frame()
    assert list(frame.columns) == ["index_leg", "constituent_legs", "total"]
    np.testing.assert_allclose(frame["index_leg"] + frame["constituent_legs"], frame["total"])
    # Row by row equals the one-trade call.
    one = dispersion_trade_pnl(0.2, [0.3, 0.4], 0.18, [0.35, 0.3], [0.6, 0.4])
    assert one.total == pytest.approx(pnl.total.iloc[0], rel=1e-14)
    assert isinstance(one.to_frame(), pd.DataFrame)


@pytest.mark.parametrize(
    ("override", "exc", "match"),
    [
        ({"index_implied_vol": 0.0}, InputError, "index_implied_vol"),
        ({"constituent_implied_vols": [0.3, 0.0]}, InputError, "constituent_implied_vols"),
        ({"constituent_realized_vols": [0.3, -0.1]}, InputError, "constituent_realized_vols"),
        ({"constituent_realized_vols": [0.3, 0.1, 0.2]}, InputError, "same shape"),
        ({"weights": [0.5, -0.5]}, InputError, "weights"),
        ({"index_realized_vol": "x"}, TypeError, "index_realized_vol"),
        ({"notional": np.inf}, InputError, "notional"),
        ({"weighting": "gamma"}, InputError, "weighting"),
    ],
)
def test_bad_inputs(override: dict[str, object], exc: type, match: str) -> None:
    args: dict[str, object] = {
        "index_implied_vol": 0.2,
        "constituent_implied_vols": [0.3, 0.4],
        "index_realized_vol": 0.2,
        "constituent_realized_vols": [0.3, 0.4],
        "weights": [0.5, 0.5],
        **override,
    }
    with pytest.raises(exc, match=match):
        dispersion_trade_pnl(**args)  # type: ignore[arg-type]


# ------------------------------------------------------------- gaps found by mutation testing
def test_default_notional_is_one_vega_unit() -> None:
    # N_I = V / (2 K_I) = 1 / 40 per vol point squared; index leg = -N_I (18^2 - 20^2) = 1.9
    pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5])
    assert pnl.index_notional == pytest.approx(1.0 / 40.0, rel=1e-15)
    assert pnl.index_leg == pytest.approx(1.9, rel=1e-12)


def test_untraded_names_drop_out_and_weights_renormalise() -> None:
    # name C has a weight but no realised vol (not traded): vega weighting over A and B with
    # weights 0.5 / 0.75 and 0.25 / 0.75; member leg_i = w_i V / (2 K_i) (s_i^2 - K_i^2)
    k = np.array([[0.30, 0.40, 0.25], [0.30, 0.40, 0.25]])
    s = np.array([[0.35, 0.30, np.nan], [np.nan, np.nan, np.nan]])
    pnl = dispersion_trade_pnl([0.2, 0.2], k, [0.22, 0.22], s, [0.5, 0.25, 0.25], weighting="theta")
    pnl_v = dispersion_trade_pnl([0.2, 0.2], k, [0.22, 0.22], s, [0.5, 0.25, 0.25])
    wa, wb = 0.5 / 0.75, 0.25 / 0.75
    leg_a = wa / (2 * 30.0) * (35.0**2 - 30.0**2)
    leg_b = wb / (2 * 40.0) * (30.0**2 - 40.0**2)
    np.testing.assert_allclose(pnl_v.constituent_legs[0, :2], [leg_a, leg_b], rtol=1e-12)
    assert np.isnan(pnl_v.constituent_legs[0, 2])
    # row 1: no member traded -> no total (NaN, not the index leg alone)
    index_leg = -1.0 / 40.0 * (22.0**2 - 20.0**2)
    np.testing.assert_allclose(pnl_v.total, [index_leg + leg_a + leg_b, np.nan], rtol=1e-12)
    frame = pnl_v.to_frame()
    np.testing.assert_allclose(frame["constituent_legs"], [leg_a + leg_b, np.nan], rtol=1e-12)
    np.testing.assert_allclose(frame["index_leg"], [index_leg, index_leg], rtol=1e-12)
    assert pnl.weighting == "theta"
    assert pnl_v.weighting == "vega"
    # theta: V_i = w_i V K_I / sum_j w_j K_j; a row with no member traded is NaN (no warning)
    scale = 20.0 / (wa * 30.0 + wb * 40.0)
    np.testing.assert_allclose(
        pnl.constituent_legs[0, :2], [leg_a * scale, leg_b * scale], rtol=1e-12
    )
    assert np.isnan(pnl.total[1]) and np.isnan(pnl.constituent_legs[1]).all()


def test_dataframe_legs_and_series_names() -> None:
    idx = pd.date_range("2024-01-31", periods=2, freq="ME")
    k = pd.DataFrame([[0.30, 0.40], [0.30, 0.40]], index=idx, columns=["A", "B"])
    s = pd.DataFrame([[0.35, 0.30], [np.nan, np.nan]], index=idx, columns=["A", "B"])
    sig = pd.Series([0.2, 0.2], index=idx)
    pnl = dispersion_trade_pnl(sig, k, sig * 1.1, s, [0.5, 0.5])
    assert pnl.index_leg.name == "index_leg"
    assert pnl.total.name == "total"
    assert pnl.index_notional.name == "index_notional"
    frame = pnl.to_frame()
    assert frame.index.equals(idx)
    legs = 0.5 / 60.0 * (35.0**2 - 30.0**2) + 0.5 / 80.0 * (30.0**2 - 40.0**2)
    np.testing.assert_allclose(frame["constituent_legs"], [legs, np.nan], rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"weighting": "gamma"}, r"^weighting must be one of"),
        ({"notional": np.inf}, r"^notional must be a finite number"),
    ],
)
def test_option_messages(kwargs: dict[str, object], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        dispersion_trade_pnl(0.2, [0.3, 0.3], 0.2, [0.3, 0.3], [0.5, 0.5], **kwargs)  # type: ignore[arg-type]


def test_to_frame_sums_legs_per_row_for_arrays() -> None:
    # two trades (rows) on numpy input: each row's member legs are summed on their own
    k = np.array([[0.30, 0.40], [0.30, 0.40]])
    s = np.array([[0.35, 0.30], [0.25, 0.45]])
    pnl = dispersion_trade_pnl([0.2, 0.2], k, [0.22, 0.18], s, [0.5, 0.5])
    legs = np.asarray(pnl.constituent_legs)
    np.testing.assert_allclose(pnl.to_frame()["constituent_legs"], legs.sum(axis=1), rtol=1e-12)
    assert legs.sum(axis=1)[0] != pytest.approx(legs.sum(axis=1)[1])
