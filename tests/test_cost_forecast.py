"""Tests of the forecast checks of divergence.cost: drawdown_event, roc_auc, forecast_skill."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import mannwhitneyu

from divergence.cost import ForecastSkill, drawdown_event, forecast_skill, roc_auc
from divergence.errors import InputError


# --------------------------------------------------------------------------- drawdown_event
def test_drawdown_event_closed_form() -> None:
    price = pd.Series([100.0, 90.0, 80.0, 95.0, 100.0, 100.0])
    y = drawdown_event(price, horizon=2, threshold=0.15)
    # t=0: min(90, 80) / 100 - 1 = -20% -> 1; t=1: min(80, 95) / 90 - 1 = -11% -> 0;
    # t=2: min(95, 100) / 80 - 1 > 0 -> 0; t=3: min(100, 100) / 95 - 1 > 0 -> 0
    np.testing.assert_array_equal(y.to_numpy(), [1.0, 0.0, 0.0, 0.0, np.nan, np.nan])
    assert y.name == "drawdown_event" and y.index.equals(price.index)
    # exactly -25% (exact in binary: 75 / 100 = 0.75) is not "more than 25%"
    exact = drawdown_event([100.0, 75.0, 90.0], horizon=1, threshold=0.25)
    np.testing.assert_array_equal(exact, [0.0, 0.0, np.nan])


def test_drawdown_event_missing_prices() -> None:
    y = drawdown_event([100.0, np.nan, 70.0, 100.0, 100.0], horizon=2)
    # t=0: window (nan, 70) -> NaN; t=1: no price -> NaN; t=2: (100, 100) -> 0
    np.testing.assert_array_equal(y, [np.nan, np.nan, 0.0, np.nan, np.nan])
    assert np.isnan(drawdown_event([100.0, 90.0], horizon=5)).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=60),
    st.integers(1, 10),
    st.floats(0.01, 0.9),
)
def test_drawdown_event_matches_a_loop(prices: list[float], h: int, c: float) -> None:
    # independent implementation: a plain loop over the definition
    p = np.asarray(prices)
    expected = [
        float(min(p[t + 1 : t + h + 1]) / p[t] - 1.0 < -c) if t + h < p.size else np.nan
        for t in range(p.size)
    ]
    np.testing.assert_array_equal(drawdown_event(p, horizon=h, threshold=c), expected)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"price": [100.0, -1.0]}, InputError, "price must be strictly positive"),
        ({"price": [100.0, 90.0], "horizon": 0}, InputError, "horizon"),
        ({"price": [100.0, 90.0], "threshold": 1.5}, InputError, "threshold"),
        ({"price": [100.0, 90.0], "threshold": 0.0}, InputError, "threshold"),
        ({"price": np.ones((3, 2))}, InputError, "price must be 1-D"),
        ({"price": ["a", "b"]}, TypeError, "price"),
    ],
)
def test_drawdown_event_bad_inputs(
    kwargs: dict[str, object], exc: type[Exception], match: str
) -> None:
    with pytest.raises(exc, match=match):
        drawdown_event(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- roc_auc
def test_auc_closed_forms() -> None:
    assert roc_auc([0.1, 0.2, 0.3, 0.4], [0, 0, 1, 1]) == 1.0
    assert roc_auc([0.4, 0.3, 0.2, 0.1], [0, 0, 1, 1]) == 0.0
    # pairs (event, non-event): (0.2, 0.1) win, (0.2, 0.3) lose, (0.4, .) win twice -> 3/4
    assert roc_auc([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1]) == 0.75
    # a tie counts one half: (0.5, 0.5) -> 1/2
    assert roc_auc([0.5, 0.5], [0, 1]) == 0.5
    assert np.isnan(roc_auc([0.1, 0.2], [1, 1]))
    # NaN rows are left out
    assert roc_auc([0.1, np.nan, 0.3, 0.2, 0.4], [0, 1, 0, 1, np.nan]) == 0.5


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 6), st.booleans()), min_size=2, max_size=80).filter(
        lambda rows: 0 < sum(b for _, b in rows) < len(rows)
    )
)
def test_auc_is_mann_whitney_u_over_n1_n0(rows: list[tuple[int, bool]]) -> None:
    # independent implementation: scipy's Mann-Whitney U of the events against the
    # non-events (ties included, integer scores make many), AUC = U / (n1 n0)
    score = np.array([float(s) for s, _ in rows])
    label = np.array([float(b) for _, b in rows])
    u = mannwhitneyu(score[label == 1], score[label == 0], alternative="two-sided").statistic
    n1, n0 = label.sum(), label.size - label.sum()
    assert roc_auc(score, label) == pytest.approx(u / (n1 * n0), abs=1e-12)


def test_auc_bad_inputs() -> None:
    with pytest.raises(InputError, match="label must be 0/1"):
        roc_auc([0.1, 0.2], [0, 2])
    with pytest.raises(InputError, match="same shape"):
        roc_auc([0.1, 0.2, 0.3], [0, 1])
    with pytest.raises(InputError, match="infinite"):
        roc_auc([np.inf, 0.2], [0, 1])


# --------------------------------------------------------------------------- forecast_skill
def test_forecast_skill_hand_example() -> None:
    sk = forecast_skill([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1])
    assert isinstance(sk, ForecastSkill)
    assert (sk.n, sk.events, sk.auc) == (4, 2, 0.75)
    # (0.01 + 0.09 + 0.64 + 0.36) / 4; base rate 1/2: 1/4
    assert sk.brier == pytest.approx(0.275, abs=1e-15)
    assert sk.base_rate == 0.5 and sk.brier_base == 0.25
    # a given base rate 0.2: (0.04 + 0.04 + 0.64 + 0.64) / 4
    out = forecast_skill([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1], base_rate=0.2)
    assert out.brier_base == pytest.approx(0.34, abs=1e-15)
    assert (out.start, out.end) == (0, 3)


def test_forecast_skill_series_drops_nan_rows_and_reports_span() -> None:
    idx = pd.date_range("2020-01-01", periods=5, freq="MS")
    f = pd.Series([np.nan, 0.2, 0.9, 0.4, 0.5], index=idx)
    y = pd.Series([1.0, 0.0, 1.0, 0.0, np.nan], index=idx)
    sk = forecast_skill(f, y)
    assert (sk.n, sk.events) == (3, 1)
    assert (sk.start, sk.end) == (idx[1], idx[3])
    assert sk.auc == 1.0
    assert sk.brier == pytest.approx((0.04 + 0.01 + 0.16) / 3, abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0.0, 1.0), st.booleans()), min_size=1, max_size=50))
def test_in_sample_base_brier_is_p_one_minus_p(rows: list[tuple[float, bool]]) -> None:
    f = [a for a, _ in rows]
    y = [float(b) for _, b in rows]
    sk = forecast_skill(f, y)
    p = sum(y) / len(y)
    assert sk.brier_base == pytest.approx(p * (1.0 - p), abs=1e-12)
    assert 0.0 <= sk.brier <= 1.0


def test_forecast_skill_bad_inputs() -> None:
    with pytest.raises(InputError, match="outcome must be 0/1"):
        forecast_skill([0.1, 0.2], [0.5, 1.0])
    with pytest.raises(InputError, match="no row where both"):
        forecast_skill([np.nan, 0.2], [1.0, np.nan])
    with pytest.raises(InputError, match="base_rate"):
        forecast_skill([0.1, 0.2], [0, 1], base_rate=1.5)
    with pytest.raises(InputError, match="different indexes"):
        forecast_skill(pd.Series([0.1, 0.2]), pd.Series([0.0, 1.0], index=[1, 2]))
