"""Tests of divergence.flows: closed forms, accounting identities, properties, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import concentration as conc
from divergence.errors import InputError
from divergence.flows import FlowSimulation, fixed_share_multiplier, simulate_flows

caps_strategy = arrays(
    np.float64,
    st.integers(2, 12),
    elements=st.floats(1.0, 1e3, allow_nan=False, allow_infinity=False),
)


def _midpoint(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Execution price of a trade under the documented midpoint rule (price = cap)."""
    return 0.5 * (before + after)


# --------------------------------------------------------------------------- closed forms
@pytest.mark.parametrize("impact", ["linear", "log"])
# (sales are bounded so that linear impact keeps caps positive over three steps: M f > -1/4)
@given(caps=caps_strategy, flow=st.floats(-0.03, 0.2), m=st.floats(0.0, 8.0))
def test_common_multiplier_leaves_weights_unchanged(
    impact: str, caps: np.ndarray, flow: float, m: float
) -> None:
    # closed form (SPEC 4.7): cap-weighted flow with a common M scales every cap by the same
    # factor (1 + M f) or exp(M f), f = flow / total cap
    total = caps.sum()
    res = simulate_flows(caps, n_steps=3, passive_flows=flow * total, multiplier=m, impact=impact)
    np.testing.assert_allclose(res.weights[-1], caps / total, rtol=1e-12, atol=1e-15)
    f = flow
    factor = 1.0 + m * f if impact == "linear" else np.exp(m * f)
    np.testing.assert_allclose(res.caps[1], caps * factor, rtol=1e-12)


@pytest.mark.parametrize(("s", "b", "f"), [(1.0, 2.0, 0.05), (0.7, 0.5, 0.2), (1.3, -1.0, 0.1)])
def test_log_size_multiplier_maps_zipf_to_zipf(s: float, b: float, f: float) -> None:
    # closed form derived in the simulate_flows Notes: with impact="log" and
    # M_i = M0 + b ln(C_i/C_ref), ln C' = (1 + b f) ln C + const, so a Zipf rank-size law
    # ln C_(r) = a - s ln r keeps its form with slope s (1 + b f), exactly.
    ranks = np.arange(1.0, 201.0)
    caps = 1e3 * ranks ** (-s)
    m0 = 3.0 if b >= 0 else 3.0 + abs(b) * np.log(caps.max() / caps.min())
    res = simulate_flows(
        caps,
        n_steps=1,
        passive_flows=f * caps.sum(),
        multiplier=m0,
        size_slope=b,
        impact="log",
    )
    slope, _ = np.polyfit(np.log(ranks), np.log(res.caps[1]), 1)
    assert slope == pytest.approx(-s * (1.0 + b * f), rel=1e-10)
    # residuals are zero: still an exact power law
    fitted = np.polyval(np.polyfit(np.log(ranks), np.log(res.caps[1]), 1), np.log(ranks))
    np.testing.assert_allclose(np.log(res.caps[1]), fitted, atol=1e-10)


def test_zipf_exponent_compounds_over_steps() -> None:
    # two steps: s -> s (1 + b f1)(1 + b f2), f_t = flow_t / total cap before step t, with the
    # total after step 1 computed here from the closed form, not taken from the simulation
    s, b, m0, cref = 1.0, 1.5, 2.0, 1.0
    ranks = np.arange(1.0, 101.0)
    caps = 50.0 * ranks ** (-s)
    flows = np.array([3.0, 4.0])
    f1 = flows[0] / caps.sum()
    caps1 = caps * np.exp((m0 + b * np.log(caps / cref)) * f1)
    f2 = flows[1] / caps1.sum()
    res = simulate_flows(
        caps,
        n_steps=2,
        passive_flows=flows,
        multiplier=m0,
        size_slope=b,
        reference_cap=cref,
        impact="log",
    )
    np.testing.assert_allclose(res.caps[1], caps1, rtol=1e-12)
    slope, _ = np.polyfit(np.log(ranks), np.log(res.caps[2]), 1)
    assert slope == pytest.approx(-s * (1 + b * f1) * (1 + b * f2), rel=1e-10)


@pytest.mark.parametrize("theta", [0.0, 0.5, 0.8, 0.95])
def test_fixed_share_fund_multiplier_gabaix_koijen(theta: float) -> None:
    # Gabaix & Koijen (2021): a fund keeping equity share theta that holds the whole market.
    # Independent solution: solve the mandate E' = theta (E' + B + dF) with scipy's brentq,
    # then check that the simulator with M = 1/(1 - theta) and an equity flow theta*dF lands
    # on the same market value.
    from scipy.optimize import brentq

    wealth, inflow = 100.0, 3.0
    equity, bonds = theta * wealth, (1 - theta) * wealth
    assert fixed_share_multiplier(theta) == pytest.approx(1.0 / (1.0 - theta), rel=1e-15)
    if theta == 0.0:
        return
    e_new = brentq(lambda e: e - theta * (e + bonds + inflow), 0.0, 1e6, xtol=1e-14)
    res = simulate_flows(
        [equity],
        n_steps=1,
        passive_flows=theta * inflow,
        multiplier=fixed_share_multiplier(theta),
        impact="linear",
    )
    assert res.caps[1, 0] == pytest.approx(e_new, rel=1e-12)


def test_fixed_share_multiplier_docstring_value() -> None:
    # Gabaix & Koijen's back-of-the-envelope: theta = 0.8 -> M = 5
    assert fixed_share_multiplier(0.8) == pytest.approx(5.0, rel=1e-12)


# --------------------------------------------------------------------------- accounting
@pytest.mark.parametrize("impact", ["linear", "log"])
def test_money_conserved_passive(impact: str) -> None:
    # flows in = change in holdings at the prices paid (midpoint of pre/post-trade price)
    caps = np.array([500.0, 200.0, 80.0, 20.0])
    res = simulate_flows(
        caps,
        n_steps=4,
        passive_flows=[10.0, -5.0, 20.0, 7.0],
        multiplier=4.0,
        size_slope=1.0,
        impact=impact,
        passive_share=0.2,
    )
    for t in range(1, 5):
        dh = res.passive_holdings[t] - res.passive_holdings[t - 1]
        paid = dh * _midpoint(res.caps[t - 1], res.caps[t])
        np.testing.assert_allclose(paid, res.passive_flow[t], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(res.passive_flow.sum(axis=1)[1:], [10.0, -5.0, 20.0, 7.0])
    # cap-weighted allocation at the start-of-step caps
    np.testing.assert_allclose(res.passive_flow[1], 10.0 * caps / caps.sum(), rtol=1e-14)


def test_money_conserved_capitulation_and_self_financing() -> None:
    caps = np.array([600.0, 250.0, 100.0, 50.0])
    res = simulate_flows(
        caps,
        n_steps=1,
        multiplier=2.0,
        active_weights=[0.25, 0.25, 0.25, 0.25],
        active_aum=20.0,
        tracking_error_limit=0.02,
        idiosyncratic_vol=0.3,
    )
    flow = res.capitulation_flow[1]
    assert flow.sum() == pytest.approx(0.0, abs=1e-12)
    # they buy what they are underweight (asset 0) and sell their overweights
    assert flow[0] > 0
    assert (flow[2:] < 0).all()
    dh = res.active_holdings[1] - res.active_holdings[0]
    np.testing.assert_allclose(dh * _midpoint(res.caps[0], res.caps[1]), flow, rtol=1e-12)


def test_capitulation_brings_tracking_error_to_the_limit_without_impact() -> None:
    # with M = 0 prices do not move, so after the trade TE equals the limit exactly;
    # TE recomputed here from holdings and caps: sqrt(sum sigma^2 d^2)
    caps = np.array([600.0, 250.0, 100.0, 50.0])
    sig = np.array([0.2, 0.3, 0.35, 0.4])
    res = simulate_flows(
        caps,
        n_steps=1,
        multiplier=0.0,
        active_weights=[0.1, 0.3, 0.3, 0.3],
        active_aum=30.0,
        tracking_error_limit=0.03,
        idiosyncratic_vol=sig,
    )
    value = res.active_holdings[1] * res.caps[1]
    d = value / value.sum() - res.weights[1]
    assert np.sqrt(np.sum(sig**2 * d**2)) == pytest.approx(0.03, rel=1e-12)
    assert res.tracking_error[1] > 0.03


def test_short_covering_cascade_hand_computed() -> None:
    # one asset, cap 100, M = 2, linear impact, short interest 6% in tranches with stops at
    # 10%, 12%, 50%. A passive buy of 5.5 lifts the cap to 111 (loss 11% >= 10%): tranche 1
    # (2% of shares) covers at cost F = q C / (1 - q M / 2) = 0.02*111/0.98, cap 111 + 2F.
    # That breaches 12%, so tranche 2 covers in a second round; 50% is never reached.
    res = simulate_flows(
        [100.0],
        n_steps=1,
        passive_flows=5.5,
        multiplier=2.0,
        short_interest=0.06,
        short_loss_limits=[0.10, 0.12, 0.50],
    )
    c = 111.0
    f1 = 0.02 * c / (1 - 0.02 * 2 / 2)
    c += 2 * f1
    f2 = 0.02 * c / (1 - 0.02 * 2 / 2)
    c += 2 * f2
    assert res.cascade_iterations[1] == 2
    assert res.caps[1, 0] == pytest.approx(c, rel=1e-13)
    assert res.short_covering_flow[1, 0] == pytest.approx(f1 + f2, rel=1e-13)
    assert res.short_interest[1, 0] == pytest.approx(0.02, rel=1e-13)


@pytest.mark.parametrize("impact", ["linear", "log"])
def test_money_conserved_short_covering(impact: str) -> None:
    # a single tranche: one round per asset, so the midpoint rule can be checked from outputs
    caps = np.array([100.0, 50.0, 30.0])
    res = simulate_flows(
        caps,
        n_steps=1,
        volatility=0.0,
        passive_flows=0.0,
        multiplier=3.0,
        impact=impact,
        short_interest=[0.05, 0.02, 0.0],
        short_loss_limits=[-0.0 + 1e-9],
        max_iter=1,
    )
    # nothing moved the price, so no stop is hit
    assert res.cascade_iterations[1] == 0
    res = simulate_flows(
        caps,
        n_steps=1,
        passive_flows=10.0,
        multiplier=3.0,
        impact=impact,
        short_interest=[0.05, 0.02, 0.0],
        short_loss_limits=[0.01],
    )
    caps_after_passive = (
        caps + 3.0 * 10.0 * caps / caps.sum()
        if impact == "linear"
        else caps * np.exp(3.0 * 10.0 / caps.sum())
    )
    covered = res.short_interest[0] - res.short_interest[1]
    np.testing.assert_allclose(covered, [0.05, 0.02, 0.0])
    paid = covered * _midpoint(caps_after_passive, res.caps[1])
    np.testing.assert_allclose(paid, res.short_covering_flow[1], rtol=1e-10, atol=1e-14)


def test_uniform_short_interest_with_common_multiplier_keeps_weights() -> None:
    # covering q shares of every name costs F_i proportional to C_i, so with a common M every
    # cap moves by the same factor: short covering alone does not concentrate
    caps = np.array([400.0, 300.0, 200.0, 100.0])
    res = simulate_flows(
        caps,
        n_steps=3,
        passive_flows=30.0,
        multiplier=4.0,
        short_interest=0.04,
        short_loss_limits=[0.05, 0.1, 0.2],
    )
    assert res.short_covering_flow.sum() > 0
    np.testing.assert_allclose(res.weights[-1], caps / caps.sum(), rtol=1e-12)


# --------------------------------------------------------------------------- properties
@given(caps=caps_strategy, b=st.floats(0.2, 3.0), flow=st.floats(0.01, 0.2))
def test_size_dependent_multiplier_concentrates(caps: np.ndarray, b: float, flow: float) -> None:
    # b > 0: larger names get a larger multiplier, so HHI rises (unless all caps are equal)
    res = simulate_flows(caps, n_steps=2, passive_flows=flow * caps.sum(), size_slope=b)
    if np.ptp(caps) > 1e-6 * caps.max():
        assert res.hhi[-1] > res.hhi[0]
    else:
        assert res.hhi[-1] == pytest.approx(res.hhi[0], rel=1e-9)


def test_everything_off_nothing_moves() -> None:
    caps = pd.Series([300.0, 100.0, 50.0], index=["A", "B", "C"])
    res = simulate_flows(caps, n_steps=5, seed=1)
    np.testing.assert_array_equal(res.caps, np.tile(caps.to_numpy(), (6, 1)))
    for arr in (res.passive_flow, res.capitulation_flow, res.short_covering_flow):
        assert not arr.any()
    assert (res.cascade_iterations == 0).all()
    # active managers at benchmark weights with a limit: TE = 0, they never trade
    res = simulate_flows(
        caps,
        n_steps=3,
        active_weights=caps,
        active_aum=10.0,
        tracking_error_limit=0.01,
        short_interest=0.05,
        short_loss_limits=[0.1],
    )
    np.testing.assert_array_equal(res.caps[-1], caps.to_numpy())
    np.testing.assert_allclose(res.tracking_error, 0.0, atol=1e-15)


def test_deterministic_for_a_seed() -> None:
    caps = np.linspace(10.0, 200.0, 20)
    kw = {
        "n_steps": 30,
        "passive_flows": 5.0,
        "size_slope": 0.5,
        "volatility": 0.03,
        "short_interest": 0.03,
        "short_loss_limits": [0.2, 0.4],
    }
    a = simulate_flows(caps, seed=7, **kw)  # type: ignore[arg-type]
    b = simulate_flows(caps, seed=np.random.default_rng(7), **kw)  # type: ignore[arg-type]
    c = simulate_flows(caps, seed=np.random.SeedSequence(7), **kw)  # type: ignore[arg-type]
    d = simulate_flows(caps, seed=8, **kw)  # type: ignore[arg-type]
    np.testing.assert_array_equal(a.caps, b.caps)
    np.testing.assert_array_equal(a.caps, c.caps)
    assert not np.array_equal(a.caps, d.caps)
    # the news shocks are one draw of n normals per step, in step order
    z = np.random.default_rng(7).standard_normal(20)
    no_flow = simulate_flows(caps, n_steps=1, volatility=0.03, seed=7)
    np.testing.assert_allclose(no_flow.caps[1], caps * np.exp(0.03 * z - 0.5 * 0.03**2))


def test_concentration_per_step_matches_concentration_module() -> None:
    caps = np.array([50.0, 20.0, 10.0, 5.0])
    res = simulate_flows(caps, n_steps=3, passive_flows=4.0, size_slope=1.0)
    np.testing.assert_allclose(res.hhi, conc.hhi(res.caps), rtol=1e-14)
    np.testing.assert_allclose(res.effective_n, 1.0 / res.hhi, rtol=1e-14)
    np.testing.assert_allclose(res.weights.sum(axis=1), 1.0, rtol=1e-14)


# --------------------------------------------------------------------------- result object
def test_result_frames_and_types() -> None:
    caps = pd.Series([300.0, 100.0, 50.0], index=["A", "B", "C"])
    before = caps.copy()
    res = simulate_flows(caps, n_steps=2, passive_flows=1.0)
    pd.testing.assert_series_equal(caps, before)  # input not mutated
    assert isinstance(res, FlowSimulation)
    assert res.n_steps == 2
    frame = res.to_frame()
    assert list(frame.index) == [0, 1, 2]
    assert {"hhi", "effective_n", "passive_flow", "capitulation_buys"} <= set(frame.columns)
    w = res.panel("weights")
    assert list(w.columns) == ["A", "B", "C"]
    assert res.assets == ("A", "B", "C")
    with pytest.raises(ValueError, match="read-only"):
        res.caps[0, 0] = 1.0
    arr = np.array([3.0, 1.0])
    simulate_flows(arr, n_steps=1, passive_flows=1.0)
    np.testing.assert_array_equal(arr, [3.0, 1.0])
    assert simulate_flows(arr, n_steps=1).assets == (0, 1)
    with pytest.raises(InputError, match="field"):
        res.panel("nope")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- bad inputs
BAD = [
    ({"market_caps": [1.0, -2.0]}, InputError, "market_caps"),
    ({"market_caps": [1.0, np.nan]}, InputError, "market_caps"),
    ({"market_caps": [[1.0, 2.0]]}, InputError, "market_caps"),
    ({"market_caps": ["a", "b"]}, TypeError, "market_caps"),
    ({"n_steps": 0}, InputError, "n_steps"),
    ({"n_steps": 1.5}, TypeError, "n_steps"),
    ({"passive_flows": [1.0, 2.0, 3.0]}, InputError, "passive_flows"),
    ({"passive_flows": np.inf}, InputError, "passive_flows"),
    ({"multiplier": -1.0}, InputError, "multiplier"),
    ({"size_slope": 1.0, "reference_cap": 1e6}, InputError, "multiplier"),
    ({"reference_cap": 0.0}, InputError, "reference_cap"),
    ({"impact": "cubic"}, InputError, "impact"),
    ({"passive_share": 1.0}, InputError, "passive_share"),
    ({"active_weights": [1.0]}, InputError, "active_weights"),
    ({"active_weights": [1.0, -1.0], "active_aum": 1.0}, InputError, "active_weights"),
    ({"active_weights": [1.0, 1.0], "active_aum": 0.0}, InputError, "active_aum"),
    ({"active_weights": [1.0, 1.0], "active_aum": 500.0}, InputError, "active"),
    ({"tracking_error_limit": 0.02}, InputError, "tracking_error_limit"),
    (
        {"active_weights": [1.0, 1.0], "active_aum": 1.0, "tracking_error_limit": 0.0},
        InputError,
        "tracking_error_limit",
    ),
    (
        {"active_weights": [1.0, 1.0], "active_aum": 1.0, "idiosyncratic_vol": [0.1, 0.2, 0.3]},
        InputError,
        "idiosyncratic_vol",
    ),
    ({"short_interest": 1.0}, InputError, "short_interest"),
    ({"short_interest": [0.1, 0.1, 0.1]}, InputError, "short_interest"),
    ({"short_loss_limits": [0.1, -0.2]}, InputError, "short_loss_limits"),
    ({"max_iter": 0}, InputError, "max_iter"),
    ({"volatility": -0.1}, InputError, "volatility"),
    ({"seed": -1}, InputError, "seed"),
    ({"seed": 1.5}, TypeError, "seed"),
    ({"passive_flows": -600.0, "multiplier": 5.0}, InputError, "cap"),
]


@pytest.mark.parametrize(("kwargs", "exc", "match"), BAD)
def test_bad_inputs(kwargs: dict[str, object], exc: type[Exception], match: str) -> None:
    args: dict[str, object] = {"market_caps": [100.0, 50.0], "n_steps": 2}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        simulate_flows(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "exc"), [(1.0, InputError), (-0.1, InputError), ("x", TypeError)]
)
def test_fixed_share_multiplier_bad(value: object, exc: type[Exception]) -> None:
    with pytest.raises(exc, match="equity_share"):
        fixed_share_multiplier(value)  # type: ignore[arg-type]


def test_series_inputs_must_share_labels() -> None:
    caps = pd.Series([300.0, 100.0, 50.0], index=["A", "B", "C"])
    swapped = pd.Series([0.1, 0.2, 0.7], index=["C", "B", "A"])
    with pytest.raises(InputError, match="labels"):
        simulate_flows(caps, n_steps=1, active_weights=swapped, active_aum=1.0)
    with pytest.raises(InputError, match="labels"):
        simulate_flows(caps, n_steps=1, short_interest=swapped * 0.01)
    ok = simulate_flows(caps, n_steps=1, short_interest=swapped.reindex(caps.index) * 0.01)
    np.testing.assert_allclose(ok.short_interest[0], [0.007, 0.002, 0.001])


@pytest.mark.parametrize(("tilt", "direction"), [(0.7, 1.0), (1.3, -1.0)])
def test_capitulation_direction_follows_the_active_tilt(tilt: float, direction: float) -> None:
    # managers underweight the largest names (weights ~ cap^0.7) concentrate the index when
    # they capitulate; managers overweight them (cap^1.3) de-concentrate it. Common M, no news.
    caps = np.geomspace(1.0, 100.0, 30)
    active = caps**tilt
    res = simulate_flows(
        caps,
        n_steps=1,
        multiplier=3.0,
        active_weights=active,
        active_aum=0.01 * caps.sum(),
        tracking_error_limit=1e-4,
    )
    assert np.sign(res.hhi[1] - res.hhi[0]) == direction
    # within the limit, nobody trades
    calm = simulate_flows(
        caps,
        n_steps=1,
        multiplier=3.0,
        active_weights=active,
        active_aum=0.01 * caps.sum(),
        tracking_error_limit=10.0,
    )
    assert not calm.capitulation_flow.any()
    np.testing.assert_array_equal(calm.caps[1], caps)


def test_result_compares_by_identity() -> None:
    res = simulate_flows([2.0, 1.0], n_steps=1)
    assert res == res
    assert res != simulate_flows([2.0, 1.0], n_steps=1)
    assert isinstance(hash(res), int)
