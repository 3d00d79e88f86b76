"""Breadth: independent pandas reference, identities, timing (no look-ahead), NaN handling."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import breadth as br
from divergence.errors import InputError


def _random_panel(
    t: int = 30, n: int = 8, seed: int = 0, nan_share: float = 0.15
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    idx = pd.bdate_range("2021-01-01", periods=t)
    cols = [f"S{i}" for i in range(n)]
    rets = pd.DataFrame(rng.normal(0.0005, 0.02, (t, n)), index=idx, columns=cols)
    caps = pd.DataFrame(
        np.exp(rng.normal(22, 1.2, n)) * np.cumprod(1 + rets.fillna(0).to_numpy(), axis=0),
        index=idx,
        columns=cols,
    )
    rets = rets.mask(rng.random((t, n)) < nan_share)
    caps = caps.mask(rng.random((t, n)) < nan_share / 2)
    return rets, caps


def _pandas_index_return(rets: pd.DataFrame, caps: pd.DataFrame) -> pd.Series:
    """Independent reference: weights from caps shifted one period, over names with a return."""
    w = caps.shift(1).where(rets.notna())
    num = (w * rets).sum(axis=1, min_count=1)
    den = w.sum(axis=1, min_count=1)
    return num / den


def test_index_return_matches_independent_pandas() -> None:
    rets, caps = _random_panel()
    ours = br.index_return(rets, caps)
    ref = _pandas_index_return(rets, caps)
    pd.testing.assert_series_equal(ours, ref.rename("index_return"), rtol=1e-12)
    assert np.isnan(ours.iloc[0])  # no start-of-period caps in the first period
    eq = br.index_return(rets)
    pd.testing.assert_series_equal(eq, rets.mean(axis=1).rename("index_return"), rtol=1e-12)


def test_hand_computed_two_stock_example() -> None:
    # caps 300/100 at t0: weights 0.75/0.25; returns +10%/-10% -> 0.075 - 0.025 = 0.05
    caps = np.array([[300.0, 100.0], [330.0, 90.0]])
    rets = np.array([[np.nan, np.nan], [0.10, -0.10]])
    assert br.index_return(rets, caps)[1] == pytest.approx(0.05)
    assert br.index_return(rets)[1] == pytest.approx(0.0)
    assert br.weighting_gap(rets, caps)[1] == pytest.approx(0.05)
    np.testing.assert_allclose(br.return_contributions(rets, caps)[1], [0.075, -0.025])


def test_buy_and_hold_portfolio_reproduced() -> None:
    # closed form: with caps that evolve only through returns (no issuance), the cap-weighted
    # index return equals the growth of total cap: sum(m_t) / sum(m_{t-1}) - 1.
    rng = np.random.default_rng(4)
    rets = rng.normal(0.0, 0.03, (50, 20))
    caps = np.exp(rng.normal(20, 1, 20)) * np.cumprod(1 + rets, axis=0)
    total = caps.sum(axis=1)
    np.testing.assert_allclose(br.index_return(rets, caps)[1:], total[1:] / total[:-1] - 1)


@given(st.integers(0, 10_000))
def test_contributions_sum_to_index_return(seed: int) -> None:
    rets, caps = _random_panel(12, 6, seed)
    contrib = br.return_contributions(rets, caps)
    idx = br.index_return(rets, caps)
    summed = contrib.sum(axis=1, min_count=1)
    np.testing.assert_allclose(summed.to_numpy(), idx.to_numpy(), rtol=1e-12, atol=1e-15)


@given(
    arrays(np.float64, (6, 5), elements=st.floats(-0.5, 0.5)),
    st.floats(1.0, 1e6),
)
def test_cap_weighted_equals_equal_weighted_when_caps_equal(rets: np.ndarray, c: float) -> None:
    caps = np.full_like(rets, c)
    np.testing.assert_allclose(
        br.index_return(rets, caps)[1:], br.index_return(rets)[1:], rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(br.weighting_gap(rets, caps)[1:], 0.0, atol=1e-15)


@given(st.integers(0, 10_000))
def test_gap_is_n_times_covariance_of_weights_and_returns(seed: int) -> None:
    # identity: R_cap - R_eq = sum (w - 1/n) r = n Cov(w, r) (population covariance)
    rng = np.random.default_rng(seed)
    rets = rng.normal(0, 0.02, (8, 7))
    caps = np.exp(rng.normal(20, 1.5, (8, 7)))
    gap = br.weighting_gap(rets, caps)
    w = caps[:-1] / caps[:-1].sum(axis=1, keepdims=True)
    n = rets.shape[1]
    cov = (
        (w - w.mean(axis=1, keepdims=True)) * (rets[1:] - rets[1:].mean(axis=1, keepdims=True))
    ).mean(axis=1)
    np.testing.assert_allclose(gap[1:], n * cov, rtol=1e-10, atol=1e-15)


def test_no_look_ahead_when_future_rows_appended() -> None:
    rets, caps = _random_panel(40, 6, 3)
    head_r, head_c = rets.iloc[:25], caps.iloc[:25]
    for fn in (br.index_return, br.weighting_gap):
        full = fn(rets, caps)
        part = fn(head_r, head_c)
        pd.testing.assert_series_equal(full.iloc[:25], part)
    pd.testing.assert_frame_equal(
        br.return_contributions(rets, caps).iloc[:25], br.return_contributions(head_r, head_c)
    )
    pd.testing.assert_frame_equal(br.breadth(rets, caps).iloc[:25], br.breadth(head_r, head_c))
    # and changing a future cap does not move the current period's return
    changed = caps.copy()
    changed.iloc[30] *= 5
    pd.testing.assert_series_equal(
        br.index_return(rets, changed).iloc[:31], br.index_return(rets, caps).iloc[:31]
    )


def test_top_k_contribution_share_against_pandas() -> None:
    rets, caps = _random_panel(25, 10, 8, nan_share=0.0)
    ours = br.top_k_contribution_share(rets, caps, top_k=3)
    contrib = br.return_contributions(rets, caps)
    lag_rank = caps.shift(1).rank(axis=1, ascending=False, method="first")
    ref = contrib.where(lag_rank <= 3).sum(axis=1) / contrib.sum(axis=1)
    np.testing.assert_allclose(ours.to_numpy()[1:], ref.to_numpy()[1:], rtol=1e-10)
    # k at least the number of names: the share is exactly 1
    full = br.top_k_contribution_share(rets, caps, top_k=10)
    np.testing.assert_allclose(full.to_numpy()[1:], 1.0, rtol=1e-12)


def test_breadth_columns_and_values() -> None:
    caps = np.array([[800.0, 100.0, 100.0], [880.0, 95.0, 95.0]])
    rets = np.array([[np.nan] * 3, [0.10, -0.05, -0.05]])
    out = br.breadth(rets, caps)
    assert list(out.columns) == [
        "n",
        "index_return",
        "share_up",
        "share_beating_index",
        "median_minus_index",
    ]
    row = out.iloc[1]
    assert row["index_return"] == pytest.approx(0.8 * 0.10 + 0.2 * -0.05)
    assert row["share_up"] == pytest.approx(1 / 3)
    assert row["median_minus_index"] == pytest.approx(-0.05 - 0.07)
    assert out.iloc[0].isna().all() or out.iloc[0]["n"] == 0


def test_missing_returns_renormalise_weights() -> None:
    caps = np.array([[100.0, 100.0, 200.0], [100.0, 100.0, 200.0]])
    rets = np.array([[0.0, 0.0, 0.0], [0.02, np.nan, 0.05]])
    # weights over present names: 100/300 and 200/300
    assert br.index_return(rets, caps)[1] == pytest.approx((0.02 + 2 * 0.05) / 3)
    assert np.isnan(br.index_return(rets, caps, nan_policy="propagate")[1])
    with pytest.raises(InputError, match="returns has 1 NaN value"):
        br.index_return(rets, caps, nan_policy="raise")


def test_layout_mismatch_and_bad_returns() -> None:
    rets, caps = _random_panel(10, 4, 1)
    with pytest.raises(InputError, match="different indexes"):
        br.index_return(rets, caps.set_axis(caps.index + pd.Timedelta(days=1)))
    with pytest.raises(InputError, match="different columns"):
        br.index_return(rets, caps.rename(columns={"S0": "X"}))
    with pytest.raises(InputError, match="same shape"):
        br.index_return(rets.to_numpy(), caps.to_numpy()[:, :3])
    with pytest.raises(InputError, match="below -1"):
        br.index_return(np.array([[0.1, -1.5]]), np.ones((1, 2)))
    with pytest.raises(InputError, match="must be 2-D"):
        br.index_return(np.array([0.1, 0.2]))


# ------------------------------------------------------- gaps found by mutation testing
def test_breadth_ties_and_missing_names() -> None:
    caps = np.array([[1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    rets = np.array([[np.nan] * 4, [0.0, 0.02, np.nan, -0.02]])
    row = br.breadth(rets, caps).iloc[1]
    assert row["n"] == 3
    assert row["index_return"] == pytest.approx(0.0)
    assert row["share_up"] == pytest.approx(1 / 3)  # a zero return is not "up"
    assert row["share_beating_index"] == pytest.approx(1 / 3)  # equal to the index is not beating
    one = br.breadth(np.array([[0.01], [0.03]]))
    assert one["share_up"].tolist() == [1.0, 1.0] and one["n"].tolist() == [1.0, 1.0]
    prop = br.breadth(rets, caps, nan_policy="propagate")
    assert np.isnan(prop["n"].iloc[1]) and np.isnan(prop["share_up"].iloc[1])


def test_a_total_loss_is_allowed() -> None:
    caps = np.array([[1.0, 3.0], [0.0, 3.3]])
    rets = np.array([[0.0, 0.0], [-1.0, 0.1]])
    assert br.index_return(rets, caps)[1] == pytest.approx(0.25 * -1.0 + 0.75 * 0.1)


def test_propagate_uses_start_of_period_caps() -> None:
    caps = np.array([[1.0, 1.0], [np.nan, 1.0], [1.0, 1.0], [1.0, 1.0]])
    rets = np.zeros((4, 2)) + 0.01
    out = br.index_return(rets, caps, nan_policy="propagate")
    # a missing cap at t = 1 is the start-of-period cap of t = 2 only
    assert np.isnan(out[0]) and np.isnan(out[2])
    assert out[1] == pytest.approx(0.01) and out[3] == pytest.approx(0.01)


def test_top_k_contribution_share_ignores_absent_names_when_ranking() -> None:
    # the largest cap has no return this period: it must not take a top-k slot
    caps = np.array([[1000.0, 10.0, 5.0, 1.0], [1000.0, 10.0, 5.0, 1.0]])
    rets = np.array([[0.0] * 4, [np.nan, 0.02, 0.01, -0.01]])
    w = np.array([10.0, 5.0, 1.0]) / 16.0
    contrib = w * np.array([0.02, 0.01, -0.01])
    for k, expected in ((1, contrib[0] / contrib.sum()), (2, contrib[:2].sum() / contrib.sum())):
        assert br.top_k_contribution_share(rets, caps, k)[1] == pytest.approx(expected)
    frame = pd.DataFrame(rets, columns=list("abcd"))
    assert br.top_k_contribution_share(frame, pd.DataFrame(caps, columns=list("abcd"))).name == (
        "top_k_contribution_share"
    )
