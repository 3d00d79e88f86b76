"""Local projections and lead-lag correlation: known lags recovered on simulated data."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.lags import lead_lag, local_projection


def _lagged(n: int = 600, lag: int = 4, beta: float = 1.5, seed: int = 0) -> tuple[Any, Any]:
    rng = np.random.default_rng(seed)
    s = rng.standard_normal(n)
    y = np.zeros(n)
    y[lag:] = beta * s[:-lag]
    y += 0.3 * rng.standard_normal(n)
    return y, s


def test_local_projection_recovers_known_lag() -> None:
    # data-generating process: y_t = 1.5 s_{t-4} + noise -> beta_h = 1.5 at h = 4, 0 elsewhere
    y, s = _lagged()
    lp = local_projection(y, s, horizons=8, difference=False)
    assert list(lp.index) == list(range(9))
    assert lp["coef"].abs().idxmax() == 4
    assert lp.loc[4, "lower"] <= 1.5 <= lp.loc[4, "upper"]
    others = lp.drop(index=4)
    # zero inside the band at (nearly) every other horizon
    assert ((others["lower"] <= 0) & (others["upper"] >= 0)).mean() >= 0.75
    assert (lp["upper"] > lp["lower"]).all()


def test_local_projection_coefficients_match_numpy_least_squares() -> None:
    # independent implementation of the point estimate: numpy lstsq on the same regression
    y, s = _lagged(300, 2, 0.8, 1)
    control = np.r_[0.0, s[:-1]]
    lp = local_projection(y, s, horizons=[0, 3], controls=control)
    for h in (0, 3):
        dep = y[h:] - np.r_[np.nan, y[:-1]][: len(y) - h]
        x = np.column_stack([np.ones(len(y)), s, control])[: len(y) - h]
        ok = ~np.isnan(dep)
        beta = np.linalg.lstsq(x[ok], dep[ok], rcond=None)[0][1]
        assert lp.loc[h, "coef"] == pytest.approx(beta, rel=1e-10)
        assert lp.loc[h, "nobs"] == ok.sum()


def test_local_projection_hac_se_matches_hand_newey_west() -> None:
    # Bartlett-kernel Newey-West sandwich written out by hand, without a small-sample
    # factor (as in Newey & West 1987, eq. 2)
    y, s = _lagged(250, 1, 1.0, 2)
    h = 2
    lp = local_projection(y, s, horizons=[h], difference=False)
    dep = y[h:]
    x = np.column_stack([np.ones(len(y) - h), s[: len(y) - h]])
    beta = np.linalg.lstsq(x, dep, rcond=None)[0]
    u = dep - x @ beta
    xu = x * u[:, None]
    meat = xu.T @ xu
    lags = h + 1
    for j in range(1, lags + 1):
        w = 1 - j / (lags + 1)
        g = xu[j:].T @ xu[:-j]
        meat += w * (g + g.T)
    bread = np.linalg.inv(x.T @ x)
    cov = bread @ meat @ bread
    assert lp.loc[h, "se"] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-8)


def test_lead_lag_recovers_known_lag_and_matches_pandas() -> None:
    rng = np.random.default_rng(3)
    x = pd.Series(rng.standard_normal(400))
    y = x.shift(5).fillna(0.0) + 0.5 * pd.Series(rng.standard_normal(400))
    res = lead_lag(x, y, 10)
    assert res.best_lag == 5
    # independent: pandas corr of x_t with y_{t+k}
    for k in (-3, 0, 5, 9):
        assert res.correlations.loc[k] == pytest.approx(x.corr(y.shift(-k)), rel=1e-10)
    assert res.best_correlation == pytest.approx(x.corr(y.shift(-5)), rel=1e-10)


def test_lead_lag_no_look_ahead_in_inputs_and_no_mutation() -> None:
    y, s = _lagged(200, 3, 1.0, 4)
    y0, s0 = y.copy(), s.copy()
    local_projection(y, s, horizons=4)
    lead_lag(s, y, 5)
    np.testing.assert_array_equal(y, y0)
    np.testing.assert_array_equal(s, s0)


def test_local_projection_pandas_nan_rows_dropped() -> None:
    y, s = _lagged(200, 2, 1.0, 5)
    idx = pd.date_range("2000-01-31", periods=200, freq="ME")
    ys = pd.Series(y, index=idx)
    ys.iloc[50] = np.nan
    lp = local_projection(ys, pd.Series(s, index=idx), horizons=2, difference=False)
    assert lp.loc[0, "nobs"] == 199
    assert lp.loc[2, "coef"] == pytest.approx(1.0, abs=0.1)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: local_projection(np.ones(50), np.ones(40), horizons=2), InputError, "shape"),
        (lambda: local_projection(np.ones(10), np.ones(10), horizons=9), InputError, "horizons"),
        (lambda: local_projection(np.ones(50), np.ones(50), horizons=-1), InputError, "horizons"),
        (lambda: local_projection(np.ones(50), np.ones(50), horizons="3"), TypeError, "horizons"),
        (
            lambda: local_projection(np.ones(50), np.ones(50), horizons=2, confidence=1.5),
            InputError,
            "confidence",
        ),
        (
            lambda: local_projection(np.ones(50), np.ones(50), horizons=2, controls=np.ones(7)),
            InputError,
            "controls",
        ),
        (lambda: local_projection(["a"] * 9, np.ones(9), horizons=1), TypeError, "y"),
        (lambda: lead_lag(np.ones(50), np.ones(50), 60), InputError, "max_lag"),
        (lambda: lead_lag(np.ones(50), np.ones(49), 2), InputError, "shape"),
        (lambda: lead_lag(np.ones(50), np.ones(50), 2), InputError, "constant"),
        (lambda: lead_lag(np.ones(50), np.ones(50), 2.0), TypeError, "max_lag"),
    ],
)
def test_bad_lag_inputs(call: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()
