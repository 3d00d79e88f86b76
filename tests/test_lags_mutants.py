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


# --------------------------------------------------------------------------- local_projection
# z quantiles: upper 2.5% and 5% points of the standard normal (tables; scipy-independent)
Z_975 = 1.959963984540054
Z_95 = 1.6448536269514722


def _hc0_se(dep: Any, x: Any) -> float:
    """White (HC0) standard error of the second coefficient, written out by hand."""
    beta = np.linalg.lstsq(x, dep, rcond=None)[0]
    xu = x * (dep - x @ beta)[:, None]
    bread = np.linalg.inv(x.T @ x)
    return float(np.sqrt((bread @ (xu.T @ xu) @ bread)[1, 1]))


def test_local_projection_band_is_coef_plus_minus_z_se() -> None:
    y, s = _pair(80, 5)
    for conf, z in ((0.95, Z_975), (0.90, Z_95)):
        lp = local_projection(y, s, horizons=2, confidence=conf)
        np.testing.assert_allclose(lp["lower"], lp["coef"] - z * lp["se"], rtol=1e-12)
        np.testing.assert_allclose(lp["upper"], lp["coef"] + z * lp["se"], rtol=1e-12)


def test_local_projection_hac_lags_zero_is_white() -> None:
    # hac_lags=0: no autocovariance terms, the sandwich is White's (HC0)
    y, s = _pair(120, 6)
    lp = local_projection(y, s, horizons=[0], difference=False, hac_lags=0)
    x = np.column_stack([np.ones(120), s])
    assert lp.loc[0, "se"] == pytest.approx(_hc0_se(y, x), rel=1e-8)
    assert lp.loc[0, "coef"] == pytest.approx(np.linalg.lstsq(x, y, rcond=None)[0][1], rel=1e-10)
    # n - 1 lags is the longest allowed
    assert len(local_projection(y, s, horizons=0, hac_lags=119)) == 1


def test_local_projection_argument_checks() -> None:
    y, s = _pair(50, 7)
    with pytest.raises(InputError, match=r"^hac_lags must be >= 0, got -1"):
        local_projection(y, s, horizons=1, hac_lags=-1)
    with pytest.raises(InputError, match=r"^hac_lags must be <= 49, got 50"):
        local_projection(y, s, horizons=1, hac_lags=50)
    for bad in (0.0, 1.0):
        with pytest.raises(InputError, match=r"^confidence must be"):
            local_projection(y, s, horizons=1, confidence=bad)
    with pytest.raises(TypeError, match=r"^difference must be True or False, got str"):
        local_projection(y, s, horizons=1, difference="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^y must be 1-D"):
        local_projection(np.ones((50, 2)), s, horizons=1)
    with pytest.raises(InputError, match=r"^shock must be 1-D"):
        local_projection(y, np.ones((50, 2)), horizons=1)
    with pytest.raises(InputError, match=r"^y needs at least 4 entries"):
        local_projection(y[:3], s[:3], horizons=0)
    with pytest.raises(InputError, match=r"^shock needs at least 4 entries"):
        local_projection(y[:4], s[:3], horizons=0)
    with pytest.raises(InputError) as info:
        local_projection(y, s, horizons=1, controls=np.ones(7))
    assert str(info.value) == "controls must have 50 rows like y, got 7"
    with pytest.raises(InputError) as info:
        local_projection(y, np.ones(50), horizons=[0], difference=False)
    assert str(info.value) == (
        "at horizon 0 the regressors (intercept, shock, controls) are collinear: the design has "
        "rank 1 < 2 columns; a constant shock or control, or a control repeating another, "
        "leaves the response unidentified"
    )


def test_local_projection_four_rows_is_enough() -> None:
    # smallest sample (min_size=4): OLS slope of 4 points, sum(ds * dy) / sum(ds^2), by hand
    y = np.array([1.0, 3.0, 2.0, 5.0])
    s = np.array([0.0, 1.0, 2.0, 3.0])
    lp = local_projection(y, s, horizons=0, difference=False)
    # ds = [-1.5, -0.5, 0.5, 1.5], dy = [-1.75, 0.25, -0.75, 2.25]: 5.5 / 5 = 1.1
    assert lp.loc[0, "coef"] == pytest.approx(1.1, rel=1e-12)


def test_local_projection_refuses_unsorted_dates() -> None:
    idx = pd.DatetimeIndex(["2024-01-31", "2024-03-31", "2024-02-29", "2024-04-30", "2024-05-31"])
    v = np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    w = np.array([0.0, 2.0, 1.0, 3.0, 5.0])
    with pytest.raises(InputError, match=r"^y dates are not in increasing order"):
        local_projection(pd.Series(v, index=idx), w, horizons=0)
    with pytest.raises(InputError, match=r"^shock dates are not in increasing order"):
        local_projection(v, pd.Series(w, index=idx), horizons=0)
    with pytest.raises(InputError, match=r"^controls dates are not in increasing order"):
        local_projection(v, w, horizons=0, controls=pd.Series(w[::-1], index=idx))


def test_local_projection_nan_and_two_controls_match_lstsq() -> None:
    rng = np.random.default_rng(8)
    n = 90
    y, s = rng.standard_normal(n), rng.standard_normal(n)
    ctrl = rng.standard_normal((n, 2))
    s[10] = np.nan
    ctrl[20, 1] = np.nan
    lp = local_projection(y, s, horizons=[0], controls=ctrl, difference=False)
    x = np.column_stack([np.ones(n), s, ctrl])
    ok = ~np.isnan(x).any(axis=1)
    beta = np.linalg.lstsq(x[ok], y[ok], rcond=None)[0][1]
    assert lp.loc[0, "coef"] == pytest.approx(beta, rel=1e-10)
    assert lp.loc[0, "nobs"] == n - 2


def test_local_projection_polars_in_polars_out() -> None:
    pl = pytest.importorskip("polars")
    y, s = _pair(40, 9)
    out = local_projection(pl.Series("y", y), pl.Series("s", s), horizons=[0], difference=False)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == ["horizon", "coef", "se", "lower", "upper", "nobs"]
    x = np.column_stack([np.ones(40), s])
    beta = np.linalg.lstsq(x, y, rcond=None)[0][1]
    assert out["horizon"].to_list() == [0]
    assert out["coef"][0] == pytest.approx(beta, rel=1e-10)
