"""Cornish–Fisher VaR/CVaR say when the expansion is outside its domain (issue 19, class 5).

The Cornish–Fisher quantile :math:`\\tilde z(z)` is a valid quantile function only where it
increases (Maillard 2012, SSRN 1997178). References here are independent of the library's
closed form for the slope: the expansion itself evaluated on a fine grid of :math:`z`, and the
definition of VaR/CVaR (monotone in confidence, CVaR >= VaR).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from divergence.errors import DivergenceWarning, DomainWarning, InputError
from divergence.risk import (
    _Z_FLOOR,
    _cf_lower_end,
    _cf_slope_min,
    conditional_value_at_risk,
    value_at_risk,
)

CF = "cornish_fisher"


def _cf_quantile(z: np.ndarray, s: float, k: float) -> np.ndarray:
    """The expansion as written in the docstring (and in Favre and Galeano 2002)."""
    return z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36


def _skewed_right(seed: int = 5) -> np.ndarray:
    """Lognormal-like daily returns: sample skewness 2.8, excess kurtosis 13 (a thin loss tail)."""
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(0.0, 0.8, 2000)) * 0.01 - 0.013


def _is_domain_warning_free(call: object) -> bool:
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        call()  # type: ignore[operator]
    return not any(issubclass(w.category, DomainWarning) for w in seen)


def test_floor_is_the_lowest_reachable_quantile() -> None:
    # 1 - confidence >= 2**-53 for every float confidence < 1 (closed form via scipy)
    assert stats.norm.ppf(2.0**-53) == pytest.approx(_Z_FLOOR, rel=1e-12)
    with pytest.raises(InputError, match="confidence"):
        value_at_risk([0.01, -0.02, 0.0], confidence=1e-20, method="gaussian")


@settings(max_examples=300)
@given(
    s=st.floats(-3.0, 3.0),
    k=st.floats(-2.0, 20.0),
    alpha=st.floats(0.5, 0.9999),
)
def test_slope_test_agrees_with_the_expansion_on_a_grid(s: float, k: float, alpha: float) -> None:
    # brute force: is the expansion decreasing anywhere on [z_floor, z_p]?
    z_p = float(stats.norm.ppf(1 - alpha))
    z_lo = _cf_lower_end(1 - alpha)
    slope = float(_cf_slope_min(z_p, np.array([s]), np.array([k]), z_lo)[0])
    assume(abs(slope) > 1e-3)  # away from the boundary, where a grid cannot decide
    z = np.linspace(z_lo, z_p, 20001)
    falls = bool((np.diff(_cf_quantile(z, s, k)) < 0).any())
    assert falls == (slope < 0)


def test_strong_skew_warns_and_shows_the_defect_it_warns_about() -> None:
    r = _skewed_right()
    for alpha in (0.9, 0.95):
        with pytest.warns(DomainWarning, match="outside its domain") as rec:
            var = value_at_risk(r, confidence=alpha, method=CF)
        assert issubclass(rec[0].category, DivergenceWarning)
        with pytest.warns(DomainWarning):
            es = conditional_value_at_risk(r, confidence=alpha, method=CF)
        assert es < var  # what the warning is about: CVaR below VaR
    with pytest.warns(DomainWarning):
        lo, hi = (value_at_risk(r, confidence=a, method=CF) for a in (0.95, 0.99))
    assert hi < lo  # and the VaR falling as confidence rises


def test_the_value_is_returned_unchanged() -> None:
    # the warning never changes the number: the closed form with scipy's moments
    r = _skewed_right()
    s, k = stats.skew(r), stats.kurtosis(r)
    z = stats.norm.ppf(0.05)
    expected = -(r.mean() + r.std(ddof=1) * _cf_quantile(np.array(z), s, k))
    with pytest.warns(DomainWarning):
        assert value_at_risk(r, method=CF) == pytest.approx(expected, rel=1e-12)


def test_moderate_fat_tails_do_not_warn() -> None:
    # Student t(5) returns (skew about 0, excess kurtosis about 6): inside the domain
    r = 0.01 * np.random.default_rng(1).standard_t(5, size=2000)
    for alpha in (0.9, 0.95, 0.99, 0.999):
        v = value_at_risk(r, confidence=alpha, method=CF)
        assert conditional_value_at_risk(r, confidence=alpha, method=CF) >= v


def test_panel_warning_names_the_first_bad_column() -> None:
    rng = np.random.default_rng(2)
    frame = pd.DataFrame(
        {
            "calm": 0.01 * rng.standard_t(5, 2000),
            "skewed": _skewed_right(),
            "also": -0.5 * _skewed_right(7),
        }
    )
    with pytest.warns(DomainWarning, match=r"in 1 column\(s\), first 'skewed'"):
        value_at_risk(frame, method=CF)
    # the other methods have no such domain
    value_at_risk(frame, method="gaussian")
    conditional_value_at_risk(frame, method="historical")


def test_constant_returns_are_not_outside_the_domain() -> None:
    # rounding of the mean makes the deviations of [0.1, 0.1, 0.1] about 1e-17, all of one
    # sign (skewness -1, excess kurtosis -2 if taken at face value); like an exact constant,
    # the column has no spread: VaR = CVaR = -mean, and no warning
    x = np.array([0.1, 0.1, 0.1])
    assert x.mean() != 0.1  # the rounding this test is about
    for method in ("gaussian", CF):
        assert value_at_risk(x, method=method) == -x.mean()
        assert conditional_value_at_risk(x, method=method) == -x.mean()


returns_strategy = arrays(
    np.float64,
    st.integers(20, 200),
    elements=st.floats(-0.25, 0.25, allow_nan=False, allow_infinity=False, width=32),
)


@settings(max_examples=200)
@given(r=returns_strategy, a1=st.floats(0.5, 0.995), a2=st.floats(0.5, 0.995))
def test_without_warning_cvar_is_at_least_var_and_var_rises(
    r: np.ndarray, a1: float, a2: float
) -> None:
    # the guarantee the domain check gives: no DomainWarning at a1 -> VaR is monotone for every
    # higher confidence and CVaR >= VaR (tolerances: the far tail beyond z_floor, rounding)
    lo, hi = sorted((a1, a2))
    assume(_is_domain_warning_free(lambda: value_at_risk(r, confidence=lo, method=CF)))
    v_lo = value_at_risk(r, confidence=lo, method=CF)
    with warnings.catch_warnings():
        # a higher confidence checks a deeper stretch of the tail, which may warn; the VaR is
        # still monotone up to 1 - (1 - lo) / 1000 >= 0.9995 > hi
        warnings.simplefilter("ignore", DomainWarning)
        v_hi = value_at_risk(r, confidence=hi, method=CF)
    es = conditional_value_at_risk(r, confidence=lo, method=CF)
    scale = max(float(np.std(r)), 1e-300)
    assert v_hi >= v_lo - 1e-9 * scale
    assert es >= v_lo - 1e-9 * scale


def test_checked_tail_is_the_stretch_with_999_per_mille_of_the_tail_weight() -> None:
    # closed form: P(Z < z_lo) / P(Z < z_p) = 1e-3 (scipy's normal CDF as the reference)
    for alpha in (0.9, 0.95, 0.99):
        p = 1 - alpha
        assert stats.norm.cdf(_cf_lower_end(p)) / p == pytest.approx(1e-3, rel=1e-9)
    assert _cf_lower_end(1e-16) == _Z_FLOOR  # never below the reachable floor


def test_gaussian_samples_rarely_warn() -> None:
    # 200 Gaussian samples of 250 returns at 99%: sample excess kurtosis is often slightly
    # negative (about -0.02 +/- 0.3); a check down to z = -8.21 flags about a third of them
    rng = np.random.default_rng(11)
    flagged = sum(
        not _is_domain_warning_free(
            lambda x=x: value_at_risk(x, confidence=0.99, method=CF)  # type: ignore[misc]
        )
        for x in 0.01 * rng.standard_normal((200, 250))
    )
    # the same samples against the whole reachable tail [-8.21, z_p] (a third or more flagged)
    whole = 0
    for x in 0.01 * np.random.default_rng(11).standard_normal((200, 250)):
        s, k = np.array([stats.skew(x)]), np.array([stats.kurtosis(x)])
        whole += int(_cf_slope_min(float(stats.norm.ppf(0.01)), s, k, _Z_FLOOR)[0] < 0)
    assert flagged <= 25 < 60 <= whole
