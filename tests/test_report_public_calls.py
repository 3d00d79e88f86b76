"""Public functions behind the report's sections, and the page that shows how to reproduce them.

Reference values are closed forms or hand computations (written next to each number), or an
independent plain-pandas implementation of the same definition.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import breadth as br
from divergence import concentration as conc
from divergence import flows, risk, rotation
from divergence.errors import InputError

DATES = pd.date_range("2024-01-31", periods=8, freq="ME")


def _panel(seed: int, t: int = 40, n: int = 6, nan_share: float = 0.1) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2020-01-01", periods=t)
    cols = [f"N{i}" for i in range(n)]
    r = rng.normal(0.0005, 0.02, (t, n))
    r[rng.random((t, n)) < nan_share] = np.nan
    caps = 100.0 * np.exp(np.cumsum(rng.normal(0, 0.02, (t, n)), axis=0)) * rng.uniform(1, 20, n)
    caps[rng.random((t, n)) < nan_share / 2] = np.nan
    return pd.DataFrame(r, idx, cols), pd.DataFrame(caps, idx, cols)


# --------------------------------------------------------------------------- breadth_summary
def _summary_reference(r: pd.DataFrame, m: pd.DataFrame, k: int) -> dict[str, float]:
    """Plain pandas, one period at a time (independent of the library's array code)."""
    lag = m.shift(1)
    cap_r, eq_r, gap, up, beat, top, total = [], [], [], [], [], [], []
    for t in range(len(r)):
        rt, mt = r.iloc[t], lag.iloc[t]
        have = rt.notna()
        eq_r.append(rt[have].mean() if have.any() else np.nan)
        both = have & mt.notna()
        if not both.any() or mt[both].sum() <= 0:
            cap_r.append(np.nan)
            continue
        w = mt[both] / mt[both].sum()
        c = w * rt[both]
        rc = float(c.sum())
        cap_r.append(rc)
        gap.append(rc - rt[both].mean())
        up.append(float((rt[both] > 0).mean()))
        beat.append(float((rt[both] > rc).mean()))
        top.append(float(c[w.sort_values(ascending=False).index[:k]].sum()))
        total.append(rc)

    def comp(x: list[float]) -> float:
        a = np.array(x, dtype=float)
        return float(np.prod(1 + a[np.isfinite(a)]) - 1)

    g = np.array(gap)
    return {
        "cumulative_cap_weighted": comp(cap_r),
        "cumulative_equal_weighted": comp(eq_r),
        "cumulative_gap": comp(gap),
        "mean_gap": float(g.mean()),
        "share_gap_positive": float((g > 0).mean()),
        "mean_share_up": float(np.mean(up)),
        "mean_share_beating_index": float(np.mean(beat)),
        "top_k_contribution_share": float(np.sum(top) / np.sum(total)),
    }


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("k", [1, 3, 10])
def test_breadth_summary_matches_plain_pandas(seed: int, k: int) -> None:
    r, m = _panel(seed)
    got = br.breadth_summary(r, m, top_k=k)
    ref = _summary_reference(r, m, k)
    for key, value in ref.items():
        assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key


def test_breadth_summary_hand_example() -> None:
    # start weights 0.75/0.25, then 330/420 and 90/420: index 0.05 then 0.10 -> 1.05 * 1.10 - 1
    caps = np.array([[300.0, 100.0], [330.0, 90.0], [363.0, 99.0]])
    rets = np.array([[np.nan, np.nan], [0.10, -0.10], [0.10, 0.10]])
    s = br.breadth_summary(rets, caps, top_k=1)
    assert s["cumulative_cap_weighted"] == pytest.approx(0.155, abs=1e-14)
    assert s["cumulative_equal_weighted"] == pytest.approx(0.10, abs=1e-14)  # 1.0 * 1.1 - 1
    assert s["mean_gap"] == pytest.approx((0.05 - 0.0 + 0.0) / 2, abs=1e-14)  # gaps 0.05, 0
    assert s["share_gap_positive"] == pytest.approx(0.5)
    assert s["mean_share_up"] == pytest.approx(0.75)  # 1/2 then 2/2
    # largest name: 0.075 + 330/420*0.10, over 0.05 + 0.10
    assert s["top_k_contribution_share"] == pytest.approx((0.075 + 33 / 420) / 0.15, rel=1e-13)
    assert s["periods"] == 2


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.floats(1e-3, 1e3))
def test_breadth_summary_scale_invariant_in_caps(seed: int, scale: float) -> None:
    r, m = _panel(seed, t=15, n=4)
    a = br.breadth_summary(r, m, top_k=2)
    b = br.breadth_summary(r, m * scale, top_k=2)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-10, atol=1e-14)


def test_breadth_summary_all_names_gives_share_one() -> None:
    r, m = _panel(5)
    assert br.breadth_summary(r, m, top_k=50)["top_k_contribution_share"] == pytest.approx(1.0)


def test_breadth_summary_does_not_mutate_and_bad_inputs() -> None:
    r, m = _panel(3)
    r0, m0 = r.copy(), m.copy()
    br.breadth_summary(r, m)
    pd.testing.assert_frame_equal(r, r0)
    pd.testing.assert_frame_equal(m, m0)
    with pytest.raises(InputError, match="k"):
        br.breadth_summary(r, m, top_k=0)
    with pytest.raises(TypeError, match="k"):
        br.breadth_summary(r, m, top_k=1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="market_caps"):
        br.breadth_summary(r, None)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="returns"):
        br.breadth_summary(r - 2.0, m)


# --------------------------------------------------------------------------- cap_change_breadth
def test_cap_change_breadth_hand_example() -> None:
    caps = np.array([[300.0, 100.0, 100.0], [330.0, 90.0, 100.0]])
    out = br.cap_change_breadth(caps, top_k=1)
    cap_row = out.iloc[1]
    assert cap_row["n"] == 3
    assert cap_row["cap_growth"] == pytest.approx(20 / 500)  # (520 - 500) / 500
    assert cap_row["top_k_contribution"] == pytest.approx(30 / 500)  # largest name: +30
    assert cap_row["share_up"] == pytest.approx(1 / 3)
    assert out.iloc[0].isna().sum() == 3  # first period: no start caps (n = 0)


@pytest.mark.parametrize("seed", [0, 4])
def test_cap_change_breadth_equals_return_measures_when_shares_are_fixed(seed: int) -> None:
    """With constant shares cap growth is the return: the identity in the Notes."""
    _, m = _panel(seed, nan_share=0.0)
    growth = m.pct_change(fill_method=None)
    out = br.cap_change_breadth(m, top_k=2)
    pd.testing.assert_series_equal(
        out["cap_growth"], br.index_return(growth, m), check_names=False, rtol=1e-12
    )
    pd.testing.assert_series_equal(
        out["share_up"], br.breadth(growth, m)["share_up"], check_names=False
    )
    contrib = br.return_contributions(growth, m)
    rank = m.shift(1).rank(axis=1, ascending=False)
    top = contrib.where(rank <= 2).sum(axis=1)
    np.testing.assert_allclose(out["top_k_contribution"].iloc[1:], top.iloc[1:], rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (6, 4), elements=st.floats(0.1, 1e6)),
    st.floats(1e-3, 1e3),
)
def test_cap_change_breadth_properties(caps: np.ndarray, scale: float) -> None:
    a = br.cap_change_breadth(caps, top_k=2)
    b = br.cap_change_breadth(caps * scale, top_k=2)
    np.testing.assert_allclose(a.to_numpy(), b.to_numpy(), rtol=1e-9, atol=1e-12)
    every = br.cap_change_breadth(caps, top_k=4)
    np.testing.assert_allclose(every["top_k_contribution"], every["cap_growth"], rtol=1e-12)
    assert ((a["share_up"].iloc[1:] >= 0) & (a["share_up"].iloc[1:] <= 1)).all()


def test_cap_change_breadth_nan_policy_and_bad_inputs() -> None:
    caps = pd.DataFrame([[3.0, 1.0], [4.0, np.nan], [5.0, 2.0], [6.0, 2.5]], index=DATES[:4])
    omit = br.cap_change_breadth(caps)
    assert omit["cap_growth"].iloc[1] == pytest.approx(1 / 3)  # only the first name: 3 -> 4
    prop = br.cap_change_breadth(caps, nan_policy="propagate")
    assert prop["cap_growth"].iloc[1:3].isna().all()  # the NaN ends one period, starts the next
    assert prop["cap_growth"].iloc[3] == pytest.approx(8.5 / 7 - 1)
    with pytest.raises(InputError, match="NaN"):
        br.cap_change_breadth(caps, nan_policy="raise")
    with pytest.raises(InputError, match="market_caps"):
        br.cap_change_breadth(-caps)
    with pytest.raises(InputError, match="k"):
        br.cap_change_breadth(caps, top_k=0)
    with pytest.raises(InputError, match="market_caps"):
        br.cap_change_breadth(np.ones(3))


# --------------------------------------------------------------------------- dispersion_signal
def _signal_reference(r: pd.DataFrame, m: pd.DataFrame, window: int, mp: int) -> pd.Series:
    """The report's former pandas implementation (pandas rolling std, ddof=1)."""
    idx = br.index_return(r, m)
    vol = r.rolling(window, min_periods=mp).std()
    w = m.shift(1).where(vol.notna())
    avg = (w * vol).sum(axis=1, min_count=1) / w.sum(axis=1, min_count=1)
    idx_vol = idx.rolling(window, min_periods=mp).std()
    return ((avg - idx_vol) * np.sqrt(252.0)).shift(1)


@pytest.mark.parametrize(("seed", "window", "mp"), [(0, 10, 10), (1, 12, 8), (2, 5, 3)])
def test_dispersion_signal_matches_pandas_rolling(seed: int, window: int, mp: int) -> None:
    r, m = _panel(seed, t=60)
    got = rotation.dispersion_signal(r, m, window=window, min_periods=mp)
    ref = _signal_reference(r, m, window, mp)
    pd.testing.assert_series_equal(got, ref, check_names=False, rtol=1e-9, atol=1e-12)
    assert got.name == "vol_gap"


def test_dispersion_signal_closed_form() -> None:
    # opposite moves of +-1%: member vol sqrt(4 * 0.01^2 / 3), index vol 0
    r = np.array([[0.01, -0.01], [-0.01, 0.01]] * 5)
    s = rotation.dispersion_signal(r, np.ones_like(r), window=4, periods_per_year=252.0)
    np.testing.assert_allclose(s[5:], np.sqrt(4e-4 / 3) * np.sqrt(252.0), rtol=1e-12)
    assert np.isnan(s[:5]).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(12, 39))
def test_dispersion_signal_has_no_look_ahead(seed: int, cut: int) -> None:
    r, m = _panel(seed, t=40, n=4)
    base = rotation.dispersion_signal(r, m, window=8, min_periods=6)
    r2, m2 = r.copy(), m.copy()
    r2.iloc[cut:] = 0.3
    m2.iloc[cut:] = 1.0
    # row t uses returns to t-1 and caps to t-2 only
    moved = rotation.dispersion_signal(r2, m2, window=8, min_periods=6)
    pd.testing.assert_series_equal(base.iloc[: cut + 1], moved.iloc[: cut + 1])


def test_dispersion_signal_bad_inputs() -> None:
    r, m = _panel(0, t=20)
    with pytest.raises(InputError, match="window"):
        rotation.dispersion_signal(r, m, window=1)
    with pytest.raises(InputError, match="window"):
        rotation.dispersion_signal(r, m, window=21)
    with pytest.raises(InputError, match="min_periods"):
        rotation.dispersion_signal(r, m, window=5, min_periods=6)
    with pytest.raises(InputError, match="periods_per_year"):
        rotation.dispersion_signal(r, m, window=5, periods_per_year=0.0)
    with pytest.raises(InputError, match="returns"):
        rotation.dispersion_signal(r - 2.0, m, window=5)
    with pytest.raises(InputError):
        rotation.dispersion_signal(r, m.iloc[:, :-1], window=5)


# --------------------------------------------------------------------------- stock_bond_returns
def test_stock_bond_returns_hand_values_and_join() -> None:
    idx = pd.date_range("2024-01-31", periods=4, freq="ME")
    stock = pd.Series([100.0, 102.0, 99.96, 101.0], index=idx)
    ylds = pd.Series([0.04, 0.05, 0.05], index=idx[1:])  # starts a month later
    out = risk.stock_bond_returns(stock, ylds, periods_per_year=12)
    # the first yield month has no bond return: rows from idx[2]
    assert list(out.index) == list(idx[2:])
    assert out["stock"].iloc[0] == pytest.approx(99.96 / 102 - 1)
    # flat 5% yield: the bond earns its carry, 0.05 / 12
    assert out["bond"].iloc[1] == pytest.approx(0.05 / 12, abs=1e-15)
    expected = risk.bond_returns_from_yields(ylds, periods_per_year=12)
    assert out["bond"].iloc[0] == pytest.approx(expected.iloc[1])


def test_stock_bond_returns_drops_rows_next_to_missing_values() -> None:
    idx = pd.date_range("2024-01-01", periods=5, freq="D")
    stock = pd.Series([100.0, 101.0, 102.0, 103.0, 104.0], index=idx)
    ylds = pd.Series([0.04, np.nan, 0.041, 0.042, 0.043], index=idx)
    out = risk.stock_bond_returns(stock, ylds, periods_per_year=252)
    # the NaN yield kills its own day and the next (no holiday-stretched return)
    assert list(out.index) == list(idx[3:])


def test_stock_bond_returns_bad_inputs() -> None:
    with pytest.raises(InputError, match="same length"):
        risk.stock_bond_returns([1.0, 2.0, 3.0], [0.01, 0.02], periods_per_year=12)
    with pytest.raises(TypeError, match="both"):
        risk.stock_bond_returns(pd.Series([1.0, 2.0]), [0.01, 0.02], periods_per_year=12)
    with pytest.raises(InputError, match="stock_index"):
        risk.stock_bond_returns([1.0, 0.0], [0.01, 0.02], periods_per_year=12)
    with pytest.raises(InputError, match="bond_yields"):
        risk.stock_bond_returns([1.0, 2.0], [0.01, -2.0], periods_per_year=12)
    a = pd.Series([1.0, 2.0], index=DATES[:2])
    b = pd.Series([0.01, 0.02], index=DATES[2:4])
    with pytest.raises(InputError, match="in common"):
        risk.stock_bond_returns(a, b, periods_per_year=12)


# --------------------------------------------------------------------------- positive_spells
def test_positive_spells_hand_example_with_labels() -> None:
    x = pd.Series([0.1, 0.2, -0.1, 0.3, 0.1, 0.2, np.nan, 0.5], index=DATES)
    out = risk.positive_spells(x, min_length=2)
    assert list(out["start"]) == [DATES[0], DATES[3]]
    assert list(out["end"]) == [DATES[1], DATES[5]]
    assert list(out["length"]) == [2, 3]
    assert len(risk.positive_spells(x)) == 3  # the last lone 0.5 counts at min_length=1
    none = risk.positive_spells(-x.abs().fillna(1.0))
    assert none.empty
    assert list(none.columns) == ["start", "end", "length"]


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 60), elements=st.floats(-1, 1)), st.integers(1, 5))
def test_positive_spells_properties(x: np.ndarray, k: int) -> None:
    out = risk.positive_spells(x, min_length=k)
    every = risk.positive_spells(x)
    assert int(every["length"].sum()) == int((x > 0).sum())  # runs partition the positives
    for a, b, n in out.itertuples(index=False):
        assert n >= k and b - a + 1 == n
        assert (x[a : b + 1] > 0).all()
        assert a == 0 or x[a - 1] <= 0  # maximal on the left
        assert b == len(x) - 1 or x[b + 1] <= 0  # and on the right


def test_positive_spells_bad_inputs() -> None:
    with pytest.raises(InputError, match="min_length"):
        risk.positive_spells([1.0, 2.0], min_length=0)
    with pytest.raises(TypeError, match="min_length"):
        risk.positive_spells([1.0, 2.0], min_length=2.0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="x"):
        risk.positive_spells(np.ones((2, 2)))


# --------------------------------------------------------------------------- cvar_diversification
def test_cvar_diversification_closed_forms() -> None:
    r = np.zeros((10, 2))
    r[0, 0] = r[1, 1] = -0.10
    # 90% CVaR = worst month: 0.10 alone, 0.05 for the 50/50 mix -> D = 1 - 0.05 / 0.10
    assert risk.cvar_diversification(r, [0.5, 0.5], confidence=0.9) == pytest.approx(0.5)
    same = np.column_stack([np.linspace(-0.1, 0.1, 50)] * 2)
    assert risk.cvar_diversification(same, [0.6, 0.4]) == pytest.approx(0.0, abs=1e-14)


def test_cvar_diversification_matches_its_formula_with_nan_rows() -> None:
    rng = np.random.default_rng(7)
    df = pd.DataFrame(rng.normal(0, 0.03, (200, 2)), columns=["s", "b"])
    df.iloc[5, 1] = np.nan
    w = pd.Series([0.6, 0.4], index=["s", "b"])
    clean = df.dropna()
    alone = risk.conditional_value_at_risk(clean)
    port = risk.conditional_value_at_risk(clean @ w)
    assert risk.cvar_diversification(df, w) == pytest.approx(1 - port / (w @ alone), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    arrays(np.float64, (40, 3), elements=st.floats(-0.5, 0.5)),
    arrays(np.float64, 3, elements=st.floats(0.01, 1.0)),
    st.floats(0.1, 10.0),
)
def test_cvar_diversification_subadditive_and_homogeneous(
    r: np.ndarray, w: np.ndarray, c: float
) -> None:
    d = risk.cvar_diversification(r, w)
    if np.isnan(d):
        return
    assert d >= -1e-9  # CVaR is subadditive
    assert risk.cvar_diversification(r, w * c) == pytest.approx(d, rel=1e-9, abs=1e-12)


def test_cvar_diversification_bad_inputs() -> None:
    r = np.zeros((10, 2))
    with pytest.raises(InputError, match="weights"):
        risk.cvar_diversification(r, [0.5, -0.5])
    with pytest.raises(InputError, match="weights"):
        risk.cvar_diversification(r, [0.2, 0.3, 0.5])
    with pytest.raises(InputError, match="confidence"):
        risk.cvar_diversification(r, [0.5, 0.5], confidence=1.5)
    with pytest.raises(InputError, match="NaN"):
        risk.cvar_diversification(np.full((3, 2), np.nan), [0.5, 0.5])


# --------------------------------------------------------------------------- flows scenarios
def test_illustrative_scenarios_hand_values() -> None:
    caps = pd.Series([60.0, 30.0, 10.0], index=["a", "b", "c"])
    sc = flows.illustrative_scenarios(caps, n_steps=4)
    assert list(sc) == [
        "passive, common M",
        "passive, M grows with size (b=0.5)",
        "passive + capitulation, common M",
        "passive + short covering, common M",
        "all together (b=0.5)",
    ]
    base = sc["passive, common M"]
    assert base["passive_flows"] == pytest.approx(0.5)  # 0.5% of 100
    assert base["reference_cap"] == pytest.approx(30.0)  # median
    cap = sc["passive + capitulation, common M"]
    tilt = np.array([60.0, 30.0, 10.0]) ** 0.8
    a = tilt / tilt.sum()
    te0 = 0.3 * np.sqrt(((a - [0.6, 0.3, 0.1]) ** 2).sum())
    assert cap["tracking_error_limit"] == pytest.approx(1.02 * te0, rel=1e-14)
    assert cap["tracking_error_limit"] == pytest.approx(0.01841, abs=5e-6)  # by hand, see doc
    assert list(cap["active_weights"].index) == ["a", "b", "c"]
    assert cap["active_aum"] == pytest.approx(3.0)
    together = sc["all together (b=0.5)"]
    assert together["size_slope"] == 0.5 and together["short_interest"] == 0.03
    assert all(kw["n_steps"] == 4 for kw in sc.values())


def test_scenario_effective_n_common_multiplier_keeps_concentration() -> None:
    """Cap-weighted flows with a common multiplier and no news scale every cap alike."""
    caps = np.array([60.0, 30.0, 10.0])
    sc = {"flat": {"n_steps": 5, "passive_flows": 2.0, "multiplier": 5.0}}
    out = flows.scenario_effective_n(caps, sc, n_seeds=3)
    assert out.index.name == "step" and len(out) == 6
    np.testing.assert_allclose(out["flat"], 1 / (0.36 + 0.09 + 0.01), rtol=1e-12)


def test_scenario_effective_n_is_the_mean_over_seeds() -> None:
    caps = pd.Series([60.0, 30.0, 10.0, 5.0], index=list("abcd"))
    sc = flows.illustrative_scenarios(caps, n_steps=3)
    out = flows.scenario_effective_n(caps, sc, n_seeds=3)
    for name, kw in sc.items():
        runs = [flows.simulate_flows(caps, seed=s, **kw).effective_n for s in range(3)]
        np.testing.assert_allclose(out[name], np.mean(runs, axis=0), rtol=1e-14)
        assert out[name].iloc[0] == pytest.approx(float(conc.effective_n(caps)))


def test_scenario_functions_bad_inputs() -> None:
    caps = [60.0, 30.0, 10.0]
    with pytest.raises(InputError, match="market_caps"):
        flows.illustrative_scenarios([60.0, -1.0])
    with pytest.raises(InputError, match="n_steps"):
        flows.illustrative_scenarios(caps, n_steps=0)
    with pytest.raises(InputError, match="empty"):
        flows.scenario_effective_n(caps, {})
    with pytest.raises(InputError, match="n_steps"):
        flows.scenario_effective_n(caps, {"a": {"n_steps": 2}, "b": {"n_steps": 3}})
    with pytest.raises(InputError, match="seed"):
        flows.scenario_effective_n(caps, {"a": {"n_steps": 2, "seed": 1}})
    with pytest.raises(TypeError, match="scenarios"):
        flows.scenario_effective_n(caps, [{"n_steps": 2}])  # type: ignore[arg-type]
    with pytest.raises(InputError, match="n_seeds"):
        flows.scenario_effective_n(caps, {"a": {"n_steps": 2}}, n_seeds=0)


# --------------------------------------------------------------------------- sections with --caps
def _user_caps() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    idx = pd.date_range("2023-01-31", periods=7, freq="ME")
    vals = rng.uniform(1e9, 5e11, (7, 14))
    vals[2, 3] = np.nan
    return pd.DataFrame(vals, index=idx, columns=[f"T{i}" for i in range(14)])


def test_concentration_section_uses_user_caps() -> None:
    from divergence._sections import ReportInputs
    from divergence._sections import concentration as section

    caps = _user_caps()
    sec = section.build(ReportInputs(caps=caps))
    prof = conc.concentration_profile(caps, top_k=10)
    (_, table), *_ = sec.tables
    assert len(table) == len(caps)
    np.testing.assert_allclose(table["top-10 share (%)"], (prof["top_k_share"] * 100).round(1))
    np.testing.assert_allclose(table["effective N (names)"], prof["effective_n"].round(1))
    assert sec.numbers["concentration.top10_share_latest"] == pytest.approx(
        prof["top_k_share"].iloc[-1]
    )
    assert sec.numbers["concentration.i_c_first"] == pytest.approx(
        prof["concentration_coefficient"].iloc[0]
    )
    assert sec.numbers["concentration.source"] == "user caps"
    assert "--caps" in sec.about and "User market caps" in sec.lines[0]


def test_breadth_section_uses_user_caps() -> None:
    from divergence._sections import ReportInputs
    from divergence._sections import breadth as section

    caps = _user_caps()
    sec = section.build(ReportInputs(caps=caps))
    cb = br.cap_change_breadth(caps, top_k=10).dropna(subset=["cap_growth"])
    assert sec.numbers["breadth.intervals"] == 6
    assert sec.numbers["breadth.mean_share_cap_up"] == pytest.approx(cb["share_up"].mean())
    assert sec.numbers["breadth.top10_cap_change_share"] == pytest.approx(
        cb["top_k_contribution"].sum() / cb["cap_growth"].sum()
    )
    assert "not returns" in sec.about
    assert "cap_growth" not in " ".join(sec.lines)  # wording, not column names
    assert "cumulative" not in " ".join(sec.numbers)  # no return-based numbers from caps


def test_breadth_section_with_one_date_of_user_caps_says_nan() -> None:
    from divergence._sections import ReportInputs
    from divergence._sections import breadth as section

    sec = section.build(ReportInputs(caps=_user_caps().iloc[:1]))
    assert sec.numbers["breadth.intervals"] == 0
    assert np.isnan(float(sec.numbers["breadth.top10_cap_change_share"]))  # type: ignore[arg-type]
    assert "over 0 intervals" in " ".join(sec.lines)


# --------------------------------------------------------------------------- bundled-data sections
def test_concentration_and_breadth_sections_match_the_documented_calls() -> None:
    """The recipe of docs/reproducing_report.rst gives the numbers the sections state."""
    from divergence._sections import breadth as breadth_section
    from divergence._sections import concentration as concentration_section
    from divergence.datasets import (
        load_sp500_daily_market_caps,
        load_sp500_market_caps,
        load_sp500_prices,
    )

    prof = conc.concentration_profile(load_sp500_market_caps(), top_k=10)
    sec = concentration_section.build()
    assert sec.numbers["concentration.top10_share_latest"] == prof["top_k_share"].iloc[-1]
    assert sec.numbers["concentration.effective_n_first"] == prof["effective_n"].iloc[0]
    assert len(dict(sec.tables)["Concentration by snapshot"]) == len(prof)

    rets = load_sp500_prices().pct_change(fill_method=None)
    rets = rets.mask(rets.abs() > 0.35)
    s = br.breadth_summary(rets, load_sp500_daily_market_caps(), top_k=10)
    sec = breadth_section.build()
    for key in ("cumulative_cap_weighted", "mean_share_up", "top_k_contribution_share"):
        assert sec.numbers[f"breadth.{key}".replace("top_k", "top10")] == s[key]
    assert sec.numbers["breadth.mean_gap_bp"] == pytest.approx(s["mean_gap"] * 1e4)


# --------------------------------------------------------------------------- the documented recipe
RECIPE = Path(__file__).resolve().parents[1] / "docs" / "reproducing_report.rst"


def _recipe_sections() -> dict[str, list[str]]:
    """Code blocks of docs/reproducing_report.rst by section title ("" = before the first)."""
    lines = RECIPE.read_text(encoding="utf-8").splitlines()
    blocks: dict[str, list[str]] = {"": []}
    title, i = "", 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and line and set(lines[i + 1]) == {"-"}:
            title = line.strip()
            blocks[title] = []
        elif line.startswith(".. code-block:: python"):
            body = []
            i += 1
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith("   ")):
                body.append(lines[i][3:])
                i += 1
            blocks[title].append(textwrap.dedent("\n".join(body)))
            continue
        i += 1
    return blocks


def _run_recipe(title: str) -> tuple[dict[str, Any], str]:
    """Execute the shared imports and the code blocks of one section; its namespace and text."""
    blocks = _recipe_sections()
    namespace: dict[str, Any] = {}
    for code in [*blocks[""], *blocks[title]]:
        exec(compile(code, f"{RECIPE.name}: {title}", "exec"), namespace)
    text = RECIPE.read_text(encoding="utf-8")
    start = text.index(f"{title}\n---")
    end = text.find("\n---", start + len(title) + 5)
    return namespace, text[start : text.rfind("\n", 0, end) if end > 0 else len(text)]


def _quoted(text: str, *values: str) -> None:
    """The rounded numbers the page quotes are the ones the calls give today."""
    missing = [v for v in values if v not in text]
    assert not missing, f"docs/reproducing_report.rst does not quote {missing}"


@pytest.fixture(scope="module")
def refinancing_section() -> Any:
    from divergence._sections import refinancing as section

    return section.build()


@pytest.fixture(scope="module")
def dispersion_section() -> Any:
    from divergence._sections import dispersion as section

    return section.build()


@pytest.fixture(scope="module")
def cost_section() -> Any:
    from divergence._sections import cost as section

    return section.build()


def test_refinancing_section_matches_the_documented_calls(refinancing_section: Any) -> None:
    from divergence.errors import DataWarning

    n = refinancing_section.numbers
    # the page says Apple's missing FY2024 interest expense gives a DataWarning
    with pytest.warns(DataWarning, match="Apple Inc"):
        ns, text = _run_recipe("Refinancing wall")
    rep, half = ns["repriced"], ns["refinancing"].pass_through_month(ns["extra"][:, ns["cols"]])
    dar_hike = ns["hike"].path_values("debt_at_risk_share")[:, 36, ns["cols"]].mean(axis=0)
    dar_flat = ns["flat"].path_values("debt_at_risk_share")[:, 36, ns["cols"]].mean(axis=0)
    for j, key in enumerate(("mega_cap", "sme")):
        for month in (3, 12, 36):
            assert n[f"refinancing.{key}.repriced_share_{month}m"] == rep[month, j]
        assert n[f"refinancing.{key}.half_interest_rise_month"] == half[j]
        assert n[f"refinancing.{key}.debt_at_risk_share_36m"] == pytest.approx(dar_hike[j])
        assert n[f"refinancing.{key}.debt_at_risk_share_36m_no_hike"] == pytest.approx(dar_flat[j])
    crossed = ns["cross"].notna().mean()
    assert n["refinancing.sme.coverage_below_1_5_share_of_paths"] == crossed["SME"]
    assert n["refinancing.mega_cap.coverage_below_1_5_share_of_paths"] == crossed["mega-cap"]
    assert n["refinancing.sme.coverage_below_1_5_median_month"] == ns["cross"]["SME"].median()
    assert n["refinancing.firms"] == len(ns["firms"])
    corr, ahead = ns["corr"], ns["ahead"]
    assert n["refinancing.fred.corr_k0"] == corr.loc[0]
    assert n["refinancing.fred.corr_k36"] == corr.loc[36]
    assert n["refinancing.fred.first_positive_lag_months"] == ahead[ahead > 0].index[0]
    filers, buckets, debt = ns["filers"], ns["buckets"], ns["debt"]
    for ticker, name in (("AAPL", "Apple Inc."), ("TSLA", "Tesla, Inc.")):
        key = f"refinancing.wall.{ticker}"
        assert n[f"{key}.period_end"] == str(filers.loc[name, "period_end"].date())
        assert n[f"{key}.debt_usd_bn"] == pytest.approx(debt[name] / 1e9, abs=5e-4)
        assert n[f"{key}.due_1y_share"] == pytest.approx(buckets.loc[name, "y1"] / debt[name])
        assert n[f"{key}.due_5y_share"] == pytest.approx(
            (debt[name] - buckets.loc[name, "after5"]) / debt[name]
        )
    _quoted(
        text,
        f"{rep[3, 1]:.0%}",
        f"{half[0]} and {half[1]} months",
        f"{dar_hike[1]:.1%}",
        f"{dar_flat[1]:.1%}",
        f"SME {crossed['SME']:.0%} of paths",
        f"{corr.loc[0]:+.2f}, {corr.loc[36]:+.2f}",
        f"USD {debt['Apple Inc.'] / 1e9:.1f} bn",
    )


def test_dispersion_section_matches_the_documented_calls(dispersion_section: Any) -> None:
    n = dispersion_section.numbers
    ns, text = _run_recipe("Dispersion")
    rho_w, rho_m, rho_i, gap = ns["rho_w"], ns["rho_m"], ns["rho_i"], ns["gap"]
    vv, premium, csd = ns["vv"], ns["premium"], ns["csd"]
    expected = {
        "dispersion.members": ns["rets"].shape[1],
        "dispersion.artefacts_masked": ns["artefacts"],
        "dispersion.realized_corr_mean": rho_w.mean(),
        "dispersion.realized_corr_max": rho_w.max(),
        "dispersion.realized_corr_max_date": str(rho_w.idxmax().date()),
        "dispersion.realized_corr_min": rho_w.min(),
        "dispersion.realized_corr_min_date": str(rho_w.idxmin().date()),
        "dispersion.realized_corr_pairs_mean": rho_m.mean(),
        "dispersion.realized_dispersion_median": ns["disp"].median(),
        "dispersion.index_vol_median": ns["index_vol"].median(),
        "dispersion.cross_sectional_median": csd.median(),
        "dispersion.cross_sectional_p95": csd.quantile(0.95),
        "dispersion.vix_days": len(vv),
        "dispersion.vix_above_realized_share": (premium > 0).mean(),
        "dispersion.vix_minus_realized_vol_mean": premium.mean(),
        "dispersion.vix_mean": vv["vix"].mean(),
        "dispersion.forward_realized_vol_mean": vv["fwd_rv"].mean(),
        "dispersion.implied_corr_proxy_days": len(gap),
        "dispersion.implied_corr_proxy_median": rho_i.median(),
        "dispersion.realized_corr_median_same_days": rho_w.reindex(gap.index).median(),
        "dispersion.implied_above_realized_share": (gap > 0).mean(),
        "dispersion.implied_corr_proxy_days_above_1": int((rho_i > 1).sum()),
    }
    for year, value in rho_w.groupby(rho_w.index.year).mean().items():
        expected[f"dispersion.realized_corr_{year}"] = value
    for key, value in expected.items():
        if isinstance(value, str):
            assert n[key] == value, key
        else:
            assert n[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    _quoted(
        text,
        f"{rho_w.mean():.2f} (cap-weighted), {rho_m.mean():.2f}",
        f"{rho_w.max():.2f} on {rho_w.idxmax().date()}",
        f"{csd.median():.2%}, {csd.quantile(0.95):.2%}",
        f"{len(vv)} days, VIX higher on {(premium > 0).mean():.0%}",
        f"{premium.mean():.3f}, {vv['vix'].mean():.3f}, {vv['fwd_rv'].mean():.3f}",
        f"{len(gap)} days, {rho_i.median():.2f}",
        f"{int((rho_i > 1).sum())} days above 1",
    )


def test_cost_section_matches_the_documented_calls(cost_section: Any) -> None:
    n = cost_section.numbers
    ns, text = _run_recipe("Divergence cost")
    gap, ls, ic, cd = ns["gap"], ns["ls"], ns["ic"], ns["cd"]
    g_real, g_infl = ns["g_real"], ns["g_infl"]
    last = ns["model"].contributions(ns["frame"]).dropna().iloc[-1]
    expected: dict[str, Any] = {
        "cost.premium_gap_latest": gap.iloc[-1],
        "cost.premium_gap_latest_month": f"{gap.index[-1]:%Y-%m}",
        "cost.premium_gap_share_at_or_below": (gap <= gap.iloc[-1]).mean(),
        "cost.delta_r_latest": ns["frame"]["delta_r"].dropna().iloc[-1],
        "cost.l_s_latest": ls.iloc[-1],
        "cost.l_s_latest_month": f"{ls.index[-1]:%Y-%m}",
        "cost.l_s_min": ls.min(),
        "cost.l_s_max": ls.max(),
        "cost.i_c_months_to_2018": ic.loc[:"2018-12"].size,
        "cost.i_c_months_from_2024": ic.loc["2019":].size,
        "cost.i_c_first": ic.iloc[0],
        "cost.i_c_latest": ic.iloc[-1],
        "cost.eps_growth_nominal": g_real + g_infl,
        "cost.eps_growth_real": g_real,
        "cost.eps_inflation_share": g_infl / (g_real + g_infl),
        "cost.cd_months": cd.size,
        "cost.cd_mean": cd.mean(),
        "cost.cd_latest": cd.iloc[-1],
        "cost.cd_latest_month": f"{cd.index[-1]:%Y-%m}",
        **{f"cost.contribution_{c}_latest": last[c] for c in ("delta_r", "i_c", "l_s")},
    }
    for label, (weights, fit, oos) in ns["results"].items():
        key = "cost.calibration." + label.replace(" + ", "_").replace(" ", "_")
        expected.update({f"{key}.weight_{c}": w for c, w in zip("RCL", weights, strict=True)})
        expected.update(
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
    assert set(expected) == set(n)  # every number of the section is on the page
    for key, value in expected.items():
        if isinstance(value, str):
            assert n[key] == value, key
        else:
            assert n[key] == pytest.approx(value, rel=1e-12, abs=1e-15), key
    weights, fit, oos = ns["results"]["delta_r + l_s"]
    _quoted(
        text,
        f"{gap.iloc[-1]:.2%} ({gap.index[-1]:%Y-%m})",
        f"{ls.min():+.1%}, {ls.max():+.1%}",
        f"{ic.iloc[0]:.1f} -> {ic.iloc[-1]:.1f}",
        f"{g_real + g_infl:.2%}/yr, {g_real:.2%}/yr",
        f"{cd.size} months ({cd.index[0]:%Y-%m}..{cd.index[-1]:%Y-%m}), {cd.mean():.2f}",
        f"i_c {last['i_c']:+.2f}, l_s {last['l_s']:+.2f}",
        f"{weights[2]:.2f}; AUC {fit.auc:.2f} ({fit.n} months, {fit.events} in stress), out "
        f"{oos.auc:.2f}",
        f"Brier {oos.brier:.3f} vs base rate {oos.brier_base:.3f}",
    )
