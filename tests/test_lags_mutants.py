"""Assertions the mutation run of divergence.lags showed missing.

Each test pins a behaviour a surviving mutant changed (see ``docs/_data/mutation.json``).
Correlations are checked against hand-worked values or pandas ``Series.corr``.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.lags import LeadLag, lead_lag, local_projection

UNSORTED = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29", "2024-04-30"])


def _pair(n: int = 60, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), rng.standard_normal(n)


# --------------------------------------------------------------------------- horizons
def test_horizons_checks_name_the_argument() -> None:
    y, s = _pair()
    with pytest.raises(InputError, match=r"^horizons must be >= 0, got -1"):
        local_projection(y, s, horizons=-1)
    with pytest.raises(InputError, match=r"^horizons must be >= 0, got -1"):
        local_projection(y, s, horizons=[1, -1])
    with pytest.raises(InputError, match=r"^horizons is empty$"):
        local_projection(y, s, horizons=[])
    with pytest.raises(
        TypeError, match=r"^horizons must be an int \(0 … H\) or a sequence of ints, got float$"
    ):
        local_projection(y, s, horizons=3.5)  # type: ignore[arg-type]


def test_horizons_zero_and_listed_horizons() -> None:
    y, s = _pair()
    assert list(local_projection(y, s, horizons=0).index) == [0]
    # a list gives exactly those horizons, not 0 … max
    assert list(local_projection(y, s, horizons=[0, 3]).index) == [0, 3]


def test_horizons_limit_against_sample_size() -> None:
    y, s = _pair(10)
    # h_max >= n - 2 is refused up front
    with pytest.raises(
        InputError, match=r"^horizons up to 8 leave too few observations \(n = 10\)"
    ):
        local_projection(y, s, horizons=8, difference=False)
    # h = n - 3 passes that check; the regression then has n - h = 3 rows for 2 regressors
    with pytest.raises(InputError, match=r"^horizon 7 has only 3 complete observations"):
        local_projection(y, s, horizons=7, difference=False)


# --------------------------------------------------------------------------- lead_lag
def test_lead_lag_smallest_case_by_hand() -> None:
    # x = [1, 2, 3], y = [1, 3, 2]: deviations [-1, 0, 1] and [-1, 1, 0]; r = 1 / sqrt(2 * 2)
    res = lead_lag([1.0, 2.0, 3.0], [1.0, 3.0, 2.0], 0)
    assert list(res.correlations.index) == [0]
    assert res.correlations.index.name == "lag"
    assert res.correlations.name == "correlation"
    assert res.best_lag == 0
    assert res.best_correlation == pytest.approx(0.5, rel=1e-15)


def test_lead_lag_lags_and_nan_pairs_match_pandas() -> None:
    x, y = _pair(40, 1)
    x[[3, 17]] = np.nan
    y[25] = np.nan
    res = lead_lag(x, y, 4)
    assert list(res.correlations.index) == list(range(-4, 5))
    xs, ys = pd.Series(x), pd.Series(y)
    for k in range(-4, 5):
        # independent: pandas drops the pairs with a NaN on either side
        assert res.correlations.loc[k] == pytest.approx(xs.corr(ys.shift(-k)), rel=1e-12)


def test_lead_lag_skips_lags_without_three_pairs() -> None:
    # lag -3 pairs x[3:] with y[:3]: x[3] is NaN, so 2 pairs and NaN; later lags still count
    x = np.array([1.0, 2.0, 4.0, np.nan, 3.0, 7.0])
    y = np.array([2.0, 1.0, 5.0, 3.0, 6.0, 4.0])
    res = lead_lag(x, y, 3)
    assert np.isnan(res.correlations.loc[-3])
    xs, ys = pd.Series(x), pd.Series(y)
    for k in range(-2, 4):
        want = xs.corr(ys.shift(-k))
        if np.isnan(want):
            assert np.isnan(res.correlations.loc[k])
        else:
            assert res.correlations.loc[k] == pytest.approx(want, rel=1e-12)


def test_lead_lag_scale_invariant() -> None:
    # correlation does not depend on units: tiny-scale data give the same values
    x, y = _pair(50, 2)
    big = lead_lag(x, y, 3).correlations
    small = lead_lag(x * 1e-3, y * 1e-3, 3).correlations
    np.testing.assert_allclose(small.to_numpy(), big.to_numpy(), rtol=1e-12)


def test_lead_lag_argument_checks() -> None:
    x, y = _pair(10, 3)
    with pytest.raises(InputError, match=r"^max_lag must be >= 0, got -1"):
        lead_lag(x, y, -1)
    with pytest.raises(InputError, match=r"^max_lag=8 is too long for 10 observations$"):
        lead_lag(x, y, 8)
    assert len(lead_lag(x, y, 7).correlations) == 15  # n - 3 is the longest lag allowed
    with pytest.raises(InputError, match=r"^x needs at least 3 entries"):
        lead_lag([1.0, 2.0], [1.0, 2.0], 0)
    with pytest.raises(InputError, match=r"^y needs at least 3 entries"):
        lead_lag(np.arange(3.0), [1.0, 2.0], 0)
    with pytest.raises(InputError, match=r"^x must be 1-D, got a 2-D input"):
        lead_lag(np.ones((5, 2)), np.ones((5, 2)), 1)
    with pytest.raises(InputError, match=r"^y must be 1-D, got a 2-D input"):
        lead_lag(np.arange(5.0), np.ones((5, 1)), 1)
    with pytest.raises(
        InputError,
        match=r"^x and y have no lag with a defined correlation \(constant series\?\)$",
    ):
        lead_lag(np.ones(6), np.arange(6.0), 1)


def test_lead_lag_refuses_unsorted_dates() -> None:
    s = pd.Series([1.0, 3.0, 2.0, 5.0], index=UNSORTED)
    with pytest.raises(InputError, match=r"^x dates are not in increasing order"):
        lead_lag(s, s, 0)
    with pytest.raises(InputError, match=r"^y dates are not in increasing order"):
        lead_lag(np.array([1.0, 2.0, 4.0, 3.0]), s, 0)


# --------------------------------------------------------------------------- views
def test_lead_lag_repr_and_summary() -> None:
    res = lead_lag([1.0, 2.0, 3.0, 5.0, 4.0], [1.0, 3.0, 2.0, 4.0, 6.0], 1)
    assert repr(res) == (
        f"LeadLag(lags='-1..1', best_lag={res.best_lag}, "
        f"best_correlation={res.best_correlation:.4g})"
    )
    s = res.summary()
    assert s.title == "Lead-lag cross-correlation"
    labels = [name for name, _ in s._settings]
    assert labels == ["Lags", "Best lag", "Best correlation", "Correlation at lag 0"]
    values = dict(s._settings)
    assert values["Lags"] == "-1 to 1"
    assert values["Correlation at lag 0"] == f"{res.correlations.loc[0]:.4g}"  # 0.7398
    assert list(s.notes) == ["Lag k > 0: x leads y by k periods; correlation of x(t) with y(t+k)."]


def test_lead_lag_summary_top() -> None:
    x, y = _pair(40, 4)
    res = lead_lag(x, y, 5)
    ranked = res.correlations.abs().sort_values(ascending=False, kind="stable")
    default = res.summary()._tables[0][1]
    assert list(default.index) == list(ranked.index[:5])
    assert list(res.summary(top=1)._tables[0][1].index) == [ranked.index[0]]
    with pytest.raises(InputError, match=r"^top must be >= 1, got 0"):
        res.summary(top=0)


def test_lead_lag_plot_draws_on_given_axes() -> None:
    res = LeadLag(pd.Series([0.1, 0.4, -0.2], index=pd.Index([-1, 0, 1], name="lag")), 0, 0.4)
    fig, ax = plt.subplots()
    try:
        assert res.plot(ax=ax) is ax
        assert len(ax.patches) == 4  # three lags and the highlighted best one
    finally:
        plt.close(fig)
