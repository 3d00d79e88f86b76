"""Assertions the mutation run of divergence.risk showed missing.

Each test pins a behaviour that surviving mutants changed (see
``docs/_data/mutation/risk.json``); the mutant family is named in each test's comment.
References are independent of the library: the Acerbi–Tasche tail mean written out with exact
fractions, hand-worked small samples, numpy / scipy moments of the cleaned columns, and the
messages as documented.
"""

from __future__ import annotations

import math
import re
import warnings
from fractions import Fraction
from typing import Any, Final

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from divergence.errors import DomainWarning, InputError, UnitWarning
from divergence.risk import (
    bond_returns_from_yields,
    conditional_value_at_risk,
    cvar_diversification,
    cvar_position_limits,
    positive_spells,
    rolling_correlation,
    stock_bond_returns,
    value_at_risk,
)

CF: Final = "cornish_fisher"


# --------------------------------------------------------------------------- references
def _tail_reference(r: np.ndarray, p: Fraction) -> tuple[float, float]:
    """Historical VaR and CVaR of the valid values of ``r`` with an exact tail probability.

    VaR = -r_(k), k = max(ceil(n p), 1) (the lower empirical p-quantile); CVaR = minus the mean
    of the empirical quantile function over (0, p]: each sorted value r_(i) weighs
    |((i-1)/n, i/n] intersect (0, p]| / p (Acerbi and Tasche 2002). Exact fractions, so an
    integer n p is never pushed one rank too far by the binary 1 - confidence.
    """
    s = sorted(float(v) for v in r if not math.isnan(v))
    n = len(s)
    if n == 0:
        return math.nan, math.nan
    k = max(math.ceil(n * p), 1)
    total = Fraction(0)
    for i, v in enumerate(s, start=1):
        w = min(Fraction(i, n), p) - Fraction(i - 1, n)
        if w > 0:
            total += w * Fraction(v)
    return -s[k - 1], float(-total / p)


def _panel_with_gaps() -> np.ndarray:
    """Four columns, NaN gaps of different sizes: 20, 40, 3 and 0 valid values."""
    rng = np.random.default_rng(7)
    x = 0.01 * rng.standard_t(4, size=(40, 4))
    x[20:, 0] = np.nan  # 20 valid: n p = 1 at 95% (binary 1 - 0.95 gives 1.0000000000000009)
    x[3:, 2] = np.nan  # 3 valid: n p < 1 at every confidence used here
    x[:, 3] = np.nan  # none valid
    return x


# --------------------------------------------------------------------------- historical, NaN path
@pytest.mark.parametrize(
    ("alpha", "p"),
    [
        (0.95, Fraction(1, 20)),
        (0.75, Fraction(1, 4)),
        (0.9375, Fraction(1, 16)),
        (0.6, Fraction(2, 5)),
    ],
)
def test_historical_with_nan_gaps_against_exact_tail_mean(alpha: float, p: Fraction) -> None:
    # kills the _sorted_tail / NaN-path _historical families: the ceil guard (1e-9), the clip of
    # k to [1, n], the rank mask of the k - 1 smallest values, the tail-weight term and the
    # "no valid value" mask (the existing tests only compared the VaR of this path)
    x = _panel_with_gaps()
    var = value_at_risk(x, confidence=alpha)
    es = conditional_value_at_risk(x, confidence=alpha)
    for j in range(3):
        v_ref, e_ref = _tail_reference(x[:, j], p)
        assert var[j] == pytest.approx(v_ref, rel=1e-14), j
        assert es[j] == pytest.approx(e_ref, rel=1e-12), j
    assert np.isnan(var[3])
    assert np.isnan(es[3])


def test_historical_small_samples_by_hand() -> None:
    # kills the k >= 1 floor (max(..., 1.0) / clip lower bound) and the partial-sum slice of the
    # NaN-free path: four returns at 87.5% (n p = 0.5): the tail is the worst return alone
    r = np.array([0.02, -0.03, 0.01, -0.01])
    assert value_at_risk(r, confidence=0.875) == pytest.approx(0.03, rel=1e-15)
    assert conditional_value_at_risk(r, confidence=0.875) == pytest.approx(0.03, rel=1e-15)
    # at 50% (n p = 2): VaR = -(-0.01), CVaR = (0.03 + 0.01) / 2
    assert value_at_risk(r, confidence=0.5) == pytest.approx(0.01, rel=1e-15)
    assert conditional_value_at_risk(r, confidence=0.5) == pytest.approx(0.02, rel=1e-15)
    # at 62.5% (n p = 1.5, k = 2): CVaR = (0.03 + 0.5 * 0.01) / 1.5
    assert value_at_risk(r, confidence=0.625) == pytest.approx(0.01, rel=1e-15)
    assert conditional_value_at_risk(r, confidence=0.625) == pytest.approx(0.035 / 1.5, rel=1e-14)
    # the same column next to one with a NaN takes the NaN path: the same numbers
    panel = np.column_stack([r, [0.01, np.nan, 0.02, 0.03]])
    for alpha, v_ref, e_ref in [(0.875, 0.03, 0.03), (0.5, 0.01, 0.02), (0.625, 0.01, 0.035 / 1.5)]:
        assert value_at_risk(panel, confidence=alpha)[0] == pytest.approx(v_ref, rel=1e-15)
        assert conditional_value_at_risk(panel, confidence=alpha)[0] == pytest.approx(
            e_ref, rel=1e-14
        )
    # second column: 3 valid values [0.01, 0.02, 0.03]; at 50% n p = 1.5, k = 2:
    # VaR = -0.02, CVaR = -(0.01 + 0.5 * 0.02) / 1.5
    assert value_at_risk(panel, confidence=0.5)[1] == pytest.approx(-0.02, rel=1e-15)
    assert conditional_value_at_risk(panel, confidence=0.5)[1] == pytest.approx(
        -0.02 / 1.5, rel=1e-14
    )


@pytest.mark.parametrize(("alpha", "p"), [(0.95, Fraction(1, 20)), (0.75, Fraction(1, 4))])
def test_historical_panel_without_nan_per_column_cvar(alpha: float, p: Fraction) -> None:
    # kills the NaN-free path's per-column sums (sum(axis=None) over every column's k - 1
    # smallest values): three columns, k = 2 and k = 10 of 40
    x = 0.01 * np.random.default_rng(8).standard_t(4, size=(40, 3))
    var = value_at_risk(x, confidence=alpha)
    es = conditional_value_at_risk(x, confidence=alpha)
    for j in range(3):
        v_ref, e_ref = _tail_reference(x[:, j], p)
        assert var[j] == pytest.approx(v_ref, rel=1e-14), j
        assert es[j] == pytest.approx(e_ref, rel=1e-12), j


def test_tail_probability_below_the_ceil_guard() -> None:
    # kills the removed k >= 1 floor: at 1 - 1e-10, n p = 4e-10 is below the 1e-9 guard, so
    # ceil(n p - 1e-9) = 0 and only the floor keeps k = 1: VaR = CVaR = minus the worst return
    r = np.array([0.02, -0.03, 0.01, -0.01])
    alpha = 1.0 - 1e-10
    assert value_at_risk(r, confidence=alpha) == pytest.approx(0.03, rel=1e-15)
    assert conditional_value_at_risk(r, confidence=alpha) == pytest.approx(0.03, rel=1e-12)
    panel = np.column_stack([r, [0.01, np.nan, 0.02, 0.03]])  # the NaN path
    np.testing.assert_allclose(value_at_risk(panel, confidence=alpha), [0.03, -0.01], rtol=1e-15)
    np.testing.assert_allclose(
        conditional_value_at_risk(panel, confidence=alpha), [0.03, -0.01], rtol=1e-12
    )


def test_single_valid_value_is_its_own_tail() -> None:
    # kills "ok = n > 1" in the NaN path: one valid value is the whole empirical distribution
    x = np.array([[np.nan, 0.01], [-0.04, 0.02], [np.nan, -0.03]])
    np.testing.assert_allclose(value_at_risk(x), [0.04, 0.03], rtol=1e-15)
    np.testing.assert_allclose(conditional_value_at_risk(x), [0.04, 0.03], rtol=1e-15)


def test_all_nan_column_is_nan_without_warnings() -> None:
    # kills the "ok = n > 0" mask families: a column with no valid value is NaN, silently
    x = np.array([[0.01, np.nan], [-0.02, np.nan], [0.03, np.nan]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DomainWarning)  # three values: outside the CF domain
        for method in ("historical", "gaussian", CF):
            for fn in (value_at_risk, conditional_value_at_risk):
                out = fn(x, method=method)
                assert np.isnan(out[1]), (method, fn)
                assert np.isfinite(out[0]), (method, fn)


# --------------------------------------------------------------------------- NaN policies
def test_propagate_and_omit_per_column() -> None:
    # kills the nan_cols / wrap families: "propagate" gives NaN exactly where a column has a NaN
    # and the clean columns keep their values; a 1-D series with a NaN is a float NaN
    x = _panel_with_gaps()
    for fn in (value_at_risk, conditional_value_at_risk):
        prop = fn(x, nan_policy="propagate")
        omit = fn(x, nan_policy="omit")
        clean = fn(x[:, 1])
        assert np.isnan(prop[[0, 2, 3]]).all()
        assert prop[1] == clean
        assert omit[1] == clean
        assert np.isfinite(omit[[0, 2]]).all()
        one = fn(x[:, 0], nan_policy="propagate")
        assert isinstance(one, float)
        assert math.isnan(one)
        v_ref = _tail_reference(x[:, 0], Fraction(1, 20))[0 if fn is value_at_risk else 1]
        assert fn(x[:, 0]) == pytest.approx(v_ref, rel=1e-12)


def test_nan_policy_raise_message() -> None:
    # kills the mutants of the nan_policy="raise" message and of its NaN count
    x = np.array([[0.01, np.nan], [np.nan, 0.02], [0.03, 0.01]])
    with pytest.raises(
        InputError,
        match=r"^returns has 2 NaN value\(s\) and nan_policy='raise'; first at row 0, column 1$",
    ):
        value_at_risk(x, nan_policy="raise")
    with pytest.raises(
        InputError,
        match=r"^returns has 1 NaN value\(s\) and nan_policy='raise'; first at position 1$",
    ):
        conditional_value_at_risk([0.01, np.nan, 0.02], nan_policy="raise")
    # no NaN: "raise" computes as usual (the 3 values, n p < 1: the worst one)
    assert value_at_risk([0.01, -0.04, 0.02], nan_policy="raise") == pytest.approx(0.04)


def test_option_messages() -> None:
    # kills the mutants of the option names passed to the checks (the existing tests matched a
    # substring that the "XX...XX" mutants keep)
    with pytest.raises(
        InputError, match=r"^nan_policy must be one of \['omit', 'propagate', 'raise'\], got 'x'$"
    ):
        value_at_risk([0.01, 0.02], nan_policy="x")  # type: ignore[arg-type]
    with pytest.raises(
        InputError,
        match=r"^method must be one of \['historical', 'gaussian', 'cornish_fisher'\], got 'x'$",
    ):
        conditional_value_at_risk([0.01, 0.02], method="x")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^confidence must be < 1\.0, got 1\.0$"):
        value_at_risk([0.01, 0.02], confidence=1.0)
    with pytest.raises(InputError, match=r"^confidence must be > 0\.0, got 0\.0$"):
        value_at_risk([0.01, 0.02], confidence=0.0)
    with pytest.raises(
        InputError,
        match=(
            r"^confidence must be at least 1\.11e-16 \(1 - confidence rounds to 1 below it\), "
            r"got 1e-20$"
        ),
    ):
        value_at_risk([0.01, 0.02], confidence=1e-20)


def test_tiny_confidence_is_accepted_down_to_the_rounding_limit() -> None:
    # kills "p >= 1.0" -> "p > 1.0" (2**-54 gives p = 1 exactly: refused, not an infinite
    # normal quantile) and a stricter bound; 2**-52 gives p < 1: the historical VaR is then
    # minus the largest return (k = n), by hand
    r = [0.01, -0.02, 0.03]
    with pytest.raises(InputError, match=r"^confidence must be at least"):
        value_at_risk(r, confidence=2.0**-54, method="gaussian")
    assert value_at_risk(r, confidence=2.0**-52) == pytest.approx(-0.03, rel=1e-15)


# --------------------------------------------------------------------------- output types
def test_frame_result_is_a_series_named_after_the_function() -> None:
    # kills the name strings of wrap() and the frame branch
    df = pd.DataFrame({"a": [0.01, -0.02, 0.03, -0.01], "b": [0.0, 0.01, -0.05, 0.02]})
    var = value_at_risk(df, confidence=0.75)
    es = conditional_value_at_risk(df, confidence=0.75)
    assert isinstance(var, pd.Series)
    assert var.name == "value_at_risk"
    assert es.name == "conditional_value_at_risk"
    assert list(var.index) == ["a", "b"]
    # n p = 1: VaR = CVaR = minus the worst return of each column
    np.testing.assert_allclose(var.to_numpy(), [0.02, 0.05], rtol=1e-15)
    np.testing.assert_allclose(es.to_numpy(), [0.02, 0.05], rtol=1e-15)
    arr = value_at_risk(df.to_numpy(), confidence=0.75)
    assert type(arr) is np.ndarray
    assert arr.shape == (2,)


def test_unit_warning_names_returns() -> None:
    # kills the name / kind mutants of warn_units in _Columns: percent returns are flagged
    r = np.array([1.5, -2.0, 3.0, -1.0, 0.5])
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude of 1\.5, above 0\.5"):
        value_at_risk(r)


# --------------------------------------------------------------------------- parametric
def test_parametric_with_nan_gaps_against_scipy_moments() -> None:
    # kills the _moments families on columns of different valid counts: mean, ddof=1 standard
    # deviation, moment skewness and excess kurtosis of each column's valid values (numpy and
    # scipy.stats as the reference); fewer than two values give NaN
    x = _panel_with_gaps()
    x[::5, 1] = np.nan
    p = 0.05
    z = stats.norm.ppf(p)
    phi = stats.norm.pdf(z)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DomainWarning)  # tested on its own below
        g_var = value_at_risk(x, method="gaussian")
        g_es = conditional_value_at_risk(x, method="gaussian")
        c_var = value_at_risk(x, method=CF)
    for j in range(3):
        v = x[~np.isnan(x[:, j]), j]
        mu, sd = v.mean(), v.std(ddof=1)
        s, k = stats.skew(v), stats.kurtosis(v)
        zcf = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
        assert g_var[j] == pytest.approx(-mu - sd * z, rel=1e-12), j
        assert g_es[j] == pytest.approx(-mu + sd * phi / p, rel=1e-12), j
        assert c_var[j] == pytest.approx(-mu - sd * zcf, rel=1e-12), j
    assert np.isnan(g_var[3]) and np.isnan(c_var[3])
    one = np.array([[0.01, 0.02], [np.nan, -0.01]])  # one value in column 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", DomainWarning)  # two values: outside the CF domain
        for method in ("gaussian", CF):
            out = value_at_risk(one, method=method)
            assert np.isnan(out[0])
            assert np.isfinite(out[1])


def test_constant_column_next_to_a_varying_one() -> None:
    # kills the spread / constant-column families of _moments: a constant column has no spread
    # (VaR = CVaR = -mean exactly) while its neighbour keeps its own moments
    # (a per-column spread scale: with one scale for the whole panel, the rounding error of the
    # constant column's mean would count as spread)
    x = np.column_stack([np.full(6, 0.1), [0.01, -0.02, 0.03, -0.01, 0.0, 0.02]])
    mean0 = x[:, 0].mean()
    assert mean0 != 0.1  # the rounding this test is about
    for method in ("gaussian", CF):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DomainWarning)
            var = value_at_risk(x, method=method)
            es = conditional_value_at_risk(x, method=method)
        assert var[0] == -mean0
        assert es[0] == -mean0
        v = x[:, 1]
        z = stats.norm.ppf(0.05)
        if method == "gaussian":
            assert var[1] == pytest.approx(-v.mean() - v.std(ddof=1) * z, rel=1e-12)


def test_moments_of_tiny_and_huge_returns() -> None:
    # kills the scale / size (initial=0.0) mutants: returns near the smallest normal float and
    # near 1e100 give the same VaR per unit of scale as ordinary ones (closed form: gaussian VaR
    # -mu - sd z with numpy's mean and ddof=1 std on the unscaled values)
    base = np.array([0.01, -0.02, 0.03, -0.01, 0.005, 0.0])
    z = stats.norm.ppf(0.05)
    ref = -base.mean() - base.std(ddof=1) * z
    for scale in (1e-300, 1e-200, 1e-12, 1e90):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnitWarning)
            got = value_at_risk(base * scale, method="gaussian")
        assert got / scale == pytest.approx(ref, rel=1e-12), scale


def test_columns_of_very_different_magnitudes() -> None:
    # kills the per-column size / scale mutants (axis=None): a column of returns near 1e-18
    # next to one near 1e-2 keeps its own spread instead of counting as constant against the
    # other column's magnitude; closed form -mu - sd z per column (numpy mean and ddof=1 std)
    base = np.array([0.01, -0.02, 0.03, -0.01, 0.005, 0.0])
    x = np.column_stack([base * 1e-16, base, base * 1e-13 + 0.05])
    z = stats.norm.ppf(0.05)
    got = value_at_risk(x, method="gaussian")
    for j in range(3):
        v = x[:, j]
        assert got[j] == pytest.approx(-v.mean() - v.std(ddof=1) * z, rel=1e-9, abs=0.0), j


def test_two_observations_are_enough_for_the_parametric_methods() -> None:
    # kills "ok2 = n > 2": two values have a standard deviation |a - b| / sqrt(2) (by hand),
    # mean (a + b) / 2; skewness 0 and excess kurtosis -2 (outside the Cornish-Fisher domain)
    x = np.array([[0.01, 0.03], [np.nan, 0.01], [-0.03, -0.02]])
    z = stats.norm.ppf(0.05)
    got = value_at_risk(x, method="gaussian")
    assert got[0] == pytest.approx(0.01 - (0.04 / math.sqrt(2.0)) * z, rel=1e-12)
    assert np.isfinite(got[1])
    with pytest.warns(DomainWarning):
        cf = value_at_risk(x, method=CF)
    # S = 0, K = -2: z_cf = z + (z^3 - 3 z)(-2)/24
    zcf = z - (z**3 - 3 * z) / 12
    assert cf[0] == pytest.approx(0.01 - (0.04 / math.sqrt(2.0)) * zcf, rel=1e-12)


# --------------------------------------------------------------------------- Cornish-Fisher warning
def _skewed_right(seed: int, n: int = 2000) -> np.ndarray:
    """Lognormal-like returns: sample skewness near 3 (outside the Cornish–Fisher domain)."""
    rng = np.random.default_rng(seed)
    return np.exp(rng.normal(0.0, 0.8, n)) * 0.01 - 0.013


def _expected_cf_message(v: np.ndarray, where: str, alpha: str) -> str:
    s, k = stats.skew(v), stats.kurtosis(v)
    return (
        f"method='cornish_fisher' is outside its domain of validity{where} (sample skewness "
        f"{s:.3g}, excess kurtosis {k:.3g}): the Cornish–Fisher quantile is not "
        f"increasing over the tail at confidence {alpha}, so the VaR can fall as confidence "
        "rises and the CVaR can fall below the VaR. Use method='historical' (or "
        "'gaussian'), or silence DomainWarning if that is understood."
    )


def test_cornish_fisher_warning_text() -> None:
    # kills the message mutants of _warn_cf_domain: the sample moments quoted (scipy's skew and
    # kurtosis of the offending column), the column count and label, the confidence
    calm = 0.01 * np.random.default_rng(3).standard_t(6, 2000)
    a, b = _skewed_right(5), _skewed_right(7)
    with pytest.warns(DomainWarning) as rec:
        value_at_risk(a, method=CF)
    assert [str(w.message) for w in rec] == [_expected_cf_message(a, "", "0.95")]
    # ndarray: the label is the position of the first bad column
    with pytest.warns(DomainWarning) as rec:
        conditional_value_at_risk(np.column_stack([calm, b, a]), confidence=0.9, method=CF)
    assert [str(w.message) for w in rec] == [
        _expected_cf_message(b, " in 2 column(s), first 1", "0.9")
    ]
    with pytest.warns(DomainWarning) as rec:
        value_at_risk(pd.DataFrame({"calm": calm, "x": a}), method=CF)
    assert [str(w.message) for w in rec] == [
        _expected_cf_message(a, " in 1 column(s), first 'x'", "0.95")
    ]


def test_cornish_fisher_inside_domain_is_silent_and_matches_closed_form() -> None:
    # kills "< 0.0" -> "<= 0.0"-style flips of the bad mask that would warn on every column
    calm = 0.01 * np.random.default_rng(3).standard_t(6, 2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out: Any = value_at_risk(calm, confidence=0.99, method=CF)
    s, k = stats.skew(calm), stats.kurtosis(calm)
    z = stats.norm.ppf(0.01)
    zcf = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
    assert out == pytest.approx(-calm.mean() - calm.std(ddof=1) * zcf, rel=1e-12)


def test_cornish_fisher_slope_exactly_zero_is_inside_the_domain() -> None:
    # kills "slope < 0" -> "slope <= 0": 22 returns [a, -a, 0 x 20] have S = 0 and excess
    # kurtosis K = m4 / m2^2 - 3 = (2 a^4 / 22) / (2 a^2 / 22)^2 - 3 = 8 exactly (by hand), so
    # the Cornish-Fisher quantile is z + (z^3 - 3 z) 8 / 24 = z^3 / 3, with slope z^2 >= 0: it
    # increases (weakly, flat at z = 0), and at confidence 0.5 (z_p = 0) it must not warn
    a = 0.02
    r = np.array([a, -a] + [0.0] * 20)
    sd = math.sqrt(2 * a * a / 21)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        var = value_at_risk(r, confidence=0.5, method=CF)
        es = conditional_value_at_risk(r, confidence=0.5, method=CF)
    assert var == 0.0  # z_cf(0) = 0 and the mean is 0
    # CVaR = -(1/p) * sd * E[Z^3 / 3; Z < 0] = sd * (2 phi(0) / 3) / 0.5 (E[Z^3; Z < 0] = -2 phi(0))
    phi0 = 1.0 / math.sqrt(2.0 * math.pi)
    assert es == pytest.approx(sd * 4.0 * phi0 / 3.0, rel=1e-12)


@pytest.mark.parametrize(
    ("s", "k"), [(2.0, 6.5), (1.0, 1.9), (0.0, 8.0), (-1.0, 0.5), (0.0, 0.0), (3.0, 12.0)]
)
def test_cf_slope_minimum_against_a_grid(s: float, k: float) -> None:
    # kills the vertex mutants of _cf_slope_min ("a > 0" -> "a > 1" and the like): the smallest
    # slope of the expansion over [z_lo, z_p] at 95%, against finite differences of the expansion
    # itself on a fine grid (independent of the closed-form vertex). (2, 6.5) has its minimum
    # -0.0188 at the vertex z = -2.29 with a = K/8 - S^2/6 = 0.146 and positive slopes at both ends
    # (0, 0) and (3, 12) have a = 0 exactly (a straight slope): no division by a, no warning
    from divergence.risk import _cf_lower_end, _cf_slope_min

    z_p = float(stats.norm.ppf(0.05))
    z_lo = _cf_lower_end(0.05)
    z = np.linspace(z_lo, z_p, 100001)
    zcf = z + (z**2 - 1) * s / 6 + (z**3 - 3 * z) * k / 24 - (2 * z**3 - 5 * z) * s**2 / 36
    grid_min = float((np.diff(zcf) / np.diff(z)).min())
    got = float(_cf_slope_min(z_p, np.array([s]), np.array([k]), z_lo)[0])
    assert got == pytest.approx(grid_min, abs=1e-4)  # midpoint slopes: O(h) off at the ends


# --------------------------------------------------------------------------- CVaR budgets
SMALL = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
# 50/50 portfolio: -0.025, 0.015, -0.01, 0.01; at 75% (n p = 1) the tail is row 0 alone:
# VaR = CVaR = 0.025, contributions 0.5 * 0.04 = 0.02 and 0.5 * 0.01 = 0.005 (by hand)


def test_position_limits_argument_messages() -> None:
    # kills the name / allow_nan / ndim mutants of the returns, weights and budget checks
    with pytest.raises(
        InputError,
        match=r"^returns has 1 NaN value\(s\) where none are allowed; first at row 3, column 0$",
    ):
        cvar_position_limits(np.where(SMALL > 0.02, np.nan, SMALL), 0.01)
    with pytest.raises(
        InputError,
        match=r"^weights has 1 NaN value\(s\) where none are allowed; first at position 0$",
    ):
        cvar_position_limits(SMALL, 0.01, weights=[np.nan, 0.5])
    with pytest.raises(
        InputError, match=r"^weights must be 1-D, got a 2-D input of shape \(1, 2\)$"
    ):
        cvar_position_limits(SMALL, 0.01, weights=[[0.5, 0.5]])
    with pytest.raises(
        InputError, match=r"^weights's index does not match the columns of returns; reindex it"
    ):
        cvar_position_limits(
            pd.DataFrame(SMALL, columns=["a", "b"]),
            0.01,
            weights=pd.Series([0.5, 0.5], index=["b", "a"]),
        )
    with pytest.raises(
        InputError, match=r"^budget has 1 negative value\(s\); first at position 0$"
    ):
        cvar_position_limits(SMALL, -0.01)
    with pytest.raises(
        InputError,
        match=(
            r"^budget has 2 value\(s\) between 0 and 1e-100 \(a divisor\): pass 0 for no budget "
            r"or a meaningful loss$"
        ),
    ):
        cvar_position_limits(SMALL, 1e-320)
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude of 1\.5, above 0\.5"):
        cvar_position_limits(SMALL * 100.0, 1.0)


def test_position_limits_zero_and_smallest_budgets() -> None:
    # kills the "tiny budget" bounds (b >= 0, b <= MIN_POSITIVE) and the utilisation mask: a zero
    # budget means "no budget" (utilisation NaN, no warning, limit w * 0 / c = 0), and the
    # smallest accepted budget 1e-100 is a divisor like any other (by hand on SMALL)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cvar_position_limits(SMALL, [0.0, 0.01], weights=[0.5, 0.5], confidence=0.75)
    np.testing.assert_allclose(res.contributions, [0.02, 0.005], rtol=1e-14)
    assert np.isnan(res.utilisation[0])
    assert res.utilisation[1] == pytest.approx(0.5, rel=1e-14)
    np.testing.assert_allclose(res.limits, [0.0, 1.0], rtol=1e-14)
    smallest = cvar_position_limits(SMALL, 1e-100, weights=[0.5, 0.5], confidence=0.75)
    np.testing.assert_allclose(smallest.utilisation, [0.02e100, 0.005e100], rtol=1e-14)


def test_position_limits_zero_and_vanishing_contributions() -> None:
    # kills "contrib > 0" -> ">= 0" and the dropped overflow guard: an asset flat in the tail
    # contributes 0 (no limit: +inf, not a division by zero), and one losing 1e-320 there gives
    # a limit beyond float range (+inf, silently)
    r = np.array([[-0.05, 0.0, -1e-320], [0.01, 0.02, 0.01], [0.02, -0.01, 0.0], [0.03, 0.01, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = cvar_position_limits(r, 0.01, weights=[1.0, 1.0, 1.0], confidence=0.75)
    # portfolio: -0.05, 0.03, 0.01, 0.04 -> the tail is row 0: contributions 0.05, 0, 1e-320
    assert res.contributions[0] == pytest.approx(0.05, rel=1e-14)
    assert res.contributions[1] == 0.0
    assert res.contributions[2] == pytest.approx(1e-320, rel=1e-3, abs=0.0)  # subnormal
    assert res.limits[0] == pytest.approx(1.0 * 0.01 / 0.05, rel=1e-14)
    assert np.isinf(res.limits[1]) and np.isinf(res.limits[2])


def test_to_frame_labels_and_zero_cvar_share() -> None:
    # kills the to_frame mutants: the index is named "asset" with the column labels, and a
    # portfolio CVaR of 0 (all returns 0) gives NaN shares, not 0 / 0
    df = pd.DataFrame(SMALL, columns=["x", "y"])
    frame = cvar_position_limits(df, 0.01, weights=[0.5, 0.5], confidence=0.75).to_frame()
    assert frame.index.name == "asset"
    assert list(frame.index) == ["x", "y"]
    np.testing.assert_allclose(frame["share"].to_numpy(), [0.8, 0.2], rtol=1e-14)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flat = cvar_position_limits(np.zeros((4, 2)), 0.01)
        assert flat.portfolio_cvar == 0.0
        share = flat.to_frame()["share"].to_numpy()
    assert share.dtype == np.float64
    assert np.isnan(share).all()


# --------------------------------------------------------------------------- stock-bond returns
def test_stock_bond_returns_argument_checks() -> None:
    # kills the name / ndim / time_ordered mutants of both inputs
    idx = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29"])
    good = pd.date_range("2024-01-31", periods=3, freq="ME")
    with pytest.raises(InputError, match=r"^stock_index dates are not in increasing order"):
        stock_bond_returns(
            pd.Series([100.0, 101, 102], index=idx),
            pd.Series([0.04, 0.04, 0.04], index=good),
            periods_per_year=12,
        )
    with pytest.raises(InputError, match=r"^bond_yields dates are not in increasing order"):
        stock_bond_returns(
            pd.Series([100.0, 101, 102], index=good),
            pd.Series([0.04, 0.04, 0.04], index=idx),
            periods_per_year=12,
        )
    with pytest.raises(InputError, match=r"^stock_index must be 1-D, got a 2-D input"):
        stock_bond_returns(np.ones((3, 2)), [0.04, 0.04, 0.04], periods_per_year=12)
    with pytest.raises(InputError, match=r"^bond_yields must be 1-D, got a 2-D input"):
        stock_bond_returns([100.0, 101, 102], np.full((3, 2), 0.04), periods_per_year=12)
    with pytest.warns(UnitWarning, match=r"^bond_yields has a median magnitude of 4, above 1"):
        stock_bond_returns([100.0, 101, 102], [4.0, 4.0, 4.0], periods_per_year=12)


# --------------------------------------------------------------------------- CVaRAllocation views
def _many_assets(n: int = 20) -> Any:
    """n assets, asset i losing 0.001 * (i + 1) in the one tail row (by hand: contributions
    w_i * 0.001 * (i + 1) with equal weights 1 / n), budgets 1."""
    r = np.full((4, n), 0.01)
    r[0] = -0.001 * np.arange(1, n + 1)
    return cvar_position_limits(r, 1.0, confidence=0.75)


def test_summary_settings_title_notes_and_top() -> None:
    # kills the label / title / note strings of summary(), its top default (10) and bound (>= 1),
    # and the "> budget" comparison (a contribution equal to its budget is within it)
    res = cvar_position_limits(SMALL, [0.02, 0.01], weights=[0.5, 0.5], confidence=0.75)
    s = res.summary()
    assert s.title == "CVaR allocation (historical, Euler contributions)"
    assert list(s.settings.index) == [
        "Assets",
        "Tail scenarios",
        "Portfolio VaR",
        "Portfolio CVaR",
        "Within budget",
        "Positions over budget",
        "Gross weight",
    ]
    # contributions 0.5 * 0.04 = 0.02 (exactly the budget) and 0.005: none over budget
    assert s.settings["Positions over budget"] == "0"
    assert s.settings["Within budget"] == "yes"
    assert s.settings["Portfolio VaR"] == "0.025"
    assert s.settings["Gross weight"] == "1"
    assert s.notes == (
        "Losses are positive decimals per period; utilisation = contribution / budget.",
    )
    assert repr(res).endswith(", 0 over budget)")
    many = _many_assets()
    assert len(many.summary().tables["Largest contributors"]) == 10
    assert list(many.summary(top=1).tables["Largest contributors"].index) == [19]
    with pytest.raises(InputError, match=r"^top must be >= 1, got 0$"):
        many.summary(top=0)


def test_summary_ties_keep_column_order() -> None:
    # kills kind="stable" -> default sort: 40 contributions of three distinct sizes; ties are
    # listed in column order (reference: Python's sorted, which is stable)
    losses = [0.01 * (1 + (7 * i) % 3) for i in range(40)]
    r = np.full((4, 40), 0.01)
    r[0] = -np.array(losses)
    res = cvar_position_limits(r, 1.0, confidence=0.75)
    top = res.summary(top=40).tables["Largest contributors"]
    assert list(top.index) == sorted(range(40), key=lambda i: -losses[i])


def test_plot_top_default_bound_and_axes() -> None:
    # kills the plot mutants: 15 positions by default (two bars each), top=1 allowed, the
    # argument named in the error, and the caller's Axes used
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    many = _many_assets()
    ax = many.plot()
    assert len(ax.patches) == 30
    plt.close("all")
    one = many.plot(top=1)
    assert len(one.patches) == 2
    plt.close("all")
    with pytest.raises(InputError, match=r"^top must be >= 1, got 0$"):
        many.plot(top=0)
    fig, mine = plt.subplots()
    assert many.plot(top=3, ax=mine) is mine
    assert len(mine.patches) == 6
    plt.close(fig)


# --------------------------------------------------------------------------- argument checks
UNSORTED = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29"])
UNSORTED_TAIL = r" dates are not in increasing order: 2024-01-31 \(position 1\) comes after"


def test_other_functions_name_their_arguments() -> None:
    # kills the argument-name, ndim, time_ordered, bound and message mutants of
    # bond_returns_from_yields, rolling_correlation, positive_spells, cvar_diversification and
    # stock_bond_returns (messages as documented in their Raises sections)
    s3 = pd.Series([0.04, 0.04, 0.04], index=UNSORTED)
    with pytest.raises(InputError, match="^yields" + UNSORTED_TAIL):
        bond_returns_from_yields(s3, periods_per_year=12)
    with pytest.raises(
        InputError,
        match=r"^yields has 1 value\(s\) at or below -1 \(-100%, not a decimal yield\); first",
    ):
        bond_returns_from_yields([0.04, -1.0], periods_per_year=12)
    with pytest.warns(UnitWarning, match=r"^yields has a median magnitude of 4\.5, above 1"):
        bond_returns_from_yields([4.0, 5.0], periods_per_year=12)
    with pytest.raises(InputError, match=r"^periods_per_year must be > 0\.0, got 0\.0$"):
        bond_returns_from_yields([0.04, 0.05], periods_per_year=0.0)
    with pytest.raises(InputError, match=r"^maturity must be > 0\.0, got 0\.0$"):
        bond_returns_from_yields([0.04, 0.05], periods_per_year=12, maturity=0.0)
    with pytest.raises(InputError, match=r"^coupons_per_year must be >= 1, got 0$"):
        bond_returns_from_yields([0.04, 0.05], periods_per_year=12, coupons_per_year=0)
    with pytest.raises(TypeError, match=r"^convexity must be True or False, got int$"):
        bond_returns_from_yields([0.04, 0.05], periods_per_year=12, convexity=1)  # type: ignore[arg-type]
    with pytest.raises(
        InputError,
        match=(
            r"^maturity=1500\.5 years with coupons_per_year=2 gives 3e\+03 coupon payments; at "
            r"most 3,000 are supported \(a 100-year bond paying monthly has 1,200\)$"
        ),
    ):
        bond_returns_from_yields([0.04, 0.05], periods_per_year=12, maturity=1500.5)
    with pytest.raises(InputError, match="^a" + UNSORTED_TAIL):
        rolling_correlation(pd.Series([1.0, 2, 3], index=UNSORTED), [1.0, 2, 4], window=2)
    with pytest.raises(InputError, match="^b" + UNSORTED_TAIL):
        rolling_correlation(
            pd.Series([1.0, 2, 3], index=UNSORTED.sort_values()),
            pd.Series([1.0, 2, 4], index=UNSORTED),
            window=2,
        )
    with pytest.raises(InputError, match=r"^a must be 1-D or 2-D, got a 3-D input"):
        rolling_correlation(np.ones((3, 2, 2)), np.ones((3, 2, 2)), window=2)
    with pytest.raises(InputError, match=r"^b must be 1-D or 2-D, got a 3-D input"):
        rolling_correlation(np.ones((3, 2)), np.ones((3, 2, 2)), window=2)
    with pytest.raises(InputError, match="^x" + UNSORTED_TAIL):
        positive_spells(pd.Series([1.0, 2, 3], index=UNSORTED))
    with pytest.raises(InputError, match=r"^x must be 1-D, got a 2-D input"):
        positive_spells(np.ones((3, 2)))
    with pytest.raises(InputError, match=r"^min_length must be >= 1, got 0$"):
        positive_spells([1.0, 2.0], min_length=0)
    with pytest.raises(InputError, match=r"^returns must be 2-D, got a 1-D input"):
        cvar_diversification([0.01, 0.02], [1.0])
    with pytest.raises(InputError, match=r"^returns has no row without NaN$"):
        cvar_diversification(np.array([[np.nan, 0.01], [0.02, np.nan]]), [0.5, 0.5])
    with pytest.raises(
        InputError, match=r"^weights has 1 negative value\(s\); first at position 1"
    ):
        cvar_diversification(np.zeros((3, 2)), [0.5, -0.5])
    with pytest.raises(
        InputError,
        match=r"^weights must be a scalar or have one value per column of returns \(2\), got 3$",
    ):
        cvar_diversification(np.zeros((3, 2)), [0.5, 0.2, 0.3])
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude of 1\.75, above 0\.5"):
        cvar_diversification(np.array([[1.5, -2.0], [3.0, -1.0]]), [0.5, 0.5])


def test_stock_bond_returns_pairing_messages() -> None:
    # kills the message and Series/array pairing mutants of stock_bond_returns
    with pytest.raises(
        TypeError,
        match=(
            r"^stock_index and bond_yields must both be Series \(joined on their index\) or both "
            r"arrays, got Series and list$"
        ),
    ):
        stock_bond_returns(pd.Series([1.0, 2.0]), [0.01, 0.02], periods_per_year=12)
    with pytest.raises(TypeError, match=r"both arrays, got list and Series$"):
        stock_bond_returns([1.0, 2.0], pd.Series([0.01, 0.02]), periods_per_year=12)
    with pytest.raises(
        InputError,
        match=(
            r"^stock_index has 3 values but bond_yields has 2; arrays must have the same length "
            r"\(pass Series to join on dates\)$"
        ),
    ):
        stock_bond_returns([1.0, 2.0, 3.0], [0.01, 0.02], periods_per_year=12)
    with pytest.raises(
        InputError, match=r"^stock_index and bond_yields have no index label in common$"
    ):
        stock_bond_returns(
            pd.Series([1.0, 2.0], index=[0, 1]),
            pd.Series([0.01, 0.02], index=[5, 6]),
            periods_per_year=12,
        )
    with pytest.raises(
        InputError, match=r"^bond_yields has 1 value\(s\) at or below -1 \(-100%, not a decimal"
    ):
        stock_bond_returns([1.0, 2.0], [0.01, -1.0], periods_per_year=12)


def test_labelled_weights_must_match_the_columns() -> None:
    # kills the _check_asset_labels / _vector(check_labels) mutants: a Series of weights or
    # budgets labelled differently from the DataFrame's columns is refused; matching labels, an
    # unlabelled returns array and a plain list are accepted (values by hand on SMALL)
    df = pd.DataFrame(SMALL, columns=["a", "b"])
    msg = (
        r"^weights's index does not match the columns of returns; reindex it to the same names "
        r"in the same order$"
    )
    with pytest.raises(InputError, match=msg):
        cvar_diversification(df, pd.Series([0.5, 0.5], index=["b", "a"]))
    with pytest.raises(InputError, match=msg.replace("weights", "budget")):
        cvar_position_limits(df, pd.Series([0.01, 0.01], index=["b", "a"]))
    ok = pd.Series([0.5, 0.5], index=["a", "b"])
    res = cvar_position_limits(df, ok, weights=ok, confidence=0.75)
    np.testing.assert_allclose(res.contributions, [0.02, 0.005], rtol=1e-14)
    res = cvar_position_limits(SMALL, 0.01, weights=pd.Series([0.5, 0.5]), confidence=0.75)
    np.testing.assert_allclose(res.contributions, [0.02, 0.005], rtol=1e-14)
    res = cvar_position_limits(df, 0.01, weights=[0.5, 0.5], confidence=0.75)
    np.testing.assert_allclose(res.contributions, [0.02, 0.005], rtol=1e-14)
    assert cvar_diversification(SMALL, pd.Series([0.5, 0.5]), confidence=0.75) == pytest.approx(
        0.0, abs=1e-15
    )


# --------------------------------------------------------------------------- closed forms
def test_cvar_diversification_uses_the_confidence_everywhere() -> None:
    # kills the dropped confidence= of the stand-alone and portfolio CVaRs: 20 months, asset 0
    # loses 10% once, asset 1 loses 6% once (other months 0); 50/50 portfolio -5% and -3%.
    # At 90% (two worst months): stand-alone 0.05 and 0.03, weighted 0.04; portfolio
    # (0.05 + 0.03) / 2 = 0.04: D = 0. At 95% (worst month): 0.08 vs 0.05: D = 0.375 (by hand)
    r = np.zeros((20, 2))
    r[0, 0], r[1, 1] = -0.10, -0.06
    assert cvar_diversification(r, [0.5, 0.5], confidence=0.9) == pytest.approx(0.0, abs=1e-14)
    assert cvar_diversification(r, [0.5, 0.5], confidence=0.95) == pytest.approx(0.375, rel=1e-12)


def test_bond_returns_small_bonds_and_slow_periods() -> None:
    # kills the maturity / coupon / periods bounds and the one-payment floor: closed form of a
    # par bond's modified duration D = (1 - v^N) / y, v = 1 / (1 + y/m) (no carry with
    # periods_per_year = 1e12, no convexity): r = -D dy
    y, dy = 0.04, 1e-4
    # maturity 0.2 with 2 coupons: round(0.4) = 0 payments -> one payment, D = (1 - v) / y
    r = bond_returns_from_yields([y, y + dy], periods_per_year=1e12, maturity=0.2, convexity=False)
    assert -r[1] / dy == pytest.approx((1 - 1 / (1 + y / 2)) / y, rel=1e-9)
    r = bond_returns_from_yields([y, y + dy], periods_per_year=1e12, maturity=0.5, convexity=False)
    assert -r[1] / dy == pytest.approx((1 - 1 / (1 + y / 2)) / y, rel=1e-9)
    # annual coupons, 10 years
    r = bond_returns_from_yields(
        [y, y + dy], periods_per_year=1e12, coupons_per_year=1, convexity=False
    )
    assert -r[1] / dy == pytest.approx((1 - (1 + y) ** -10) / y, rel=1e-9)
    # half a period a year: the carry is y / 0.5 = 0.08 on top of the same price change
    slow = bond_returns_from_yields([y, y + dy], periods_per_year=0.5)
    fast = bond_returns_from_yields([y, y + dy], periods_per_year=1e12)
    assert slow[1] - fast[1] == pytest.approx(y / 0.5, rel=1e-9)
    # the largest supported bond: 3,000 payments exactly
    big = bond_returns_from_yields([y, y + dy], periods_per_year=1e12, maturity=1500.0)
    assert np.isfinite(big[1])
    named = bond_returns_from_yields(pd.Series([y, y + dy]), periods_per_year=12)
    assert named.name == "bond_return"


def test_bond_convexity_against_the_second_derivative_of_the_price() -> None:
    # kills the v**(k + 3) convexity mutant: (r with convexity - r without) / (dy^2 / 2) is the
    # convexity C = P''(y) / P(y), here from a central second difference of the exact price of
    # the par bond (20 semi-annual payments), independent of the closed form
    y0, dy = 0.04, 0.003
    k = np.arange(1, 21)
    cf = np.full(20, y0 / 2)
    cf[-1] += 1

    def price(y: float) -> float:
        return float((cf / (1 + y / 2) ** k).sum())

    h = 1e-4
    conv = (price(y0 + h) - 2 * price(y0) + price(y0 - h)) / h**2 / price(y0)
    with_c = bond_returns_from_yields([y0, y0 + dy], periods_per_year=1e12)
    without = bond_returns_from_yields([y0, y0 + dy], periods_per_year=1e12, convexity=False)
    assert (with_c[1] - without[1]) / (0.5 * dy * dy) == pytest.approx(conv, rel=1e-5)


def test_stock_bond_returns_arrays_by_hand() -> None:
    # kills the array branch (frame, column names) and the dropped maturity: stock returns
    # 102 / 100 - 1 = 0.02 and 99.96 / 102 - 1 = -0.02; bond row 2 has no yield change, so its
    # return is the carry 0.05 / 12; a 2-year bond moves like 2-year exact repricing
    out = stock_bond_returns([100.0, 102.0, 99.96], [0.04, 0.05, 0.05], periods_per_year=12)
    assert list(out.columns) == ["stock", "bond"]
    assert list(out.index) == [1, 2]
    np.testing.assert_allclose(out["stock"].to_numpy(), [0.02, -0.02], rtol=1e-12)
    assert out["bond"].iloc[1] == pytest.approx(0.05 / 12, rel=1e-12)
    y0, dy = 0.04, 0.0005
    two = stock_bond_returns([100.0, 101.0], [y0, y0 + dy], periods_per_year=1e12, maturity=2.0)
    k = np.arange(1, 5)
    cf = np.full(4, y0 / 2)
    cf[-1] += 1
    exact = (cf / (1 + (y0 + dy) / 2) ** k).sum() - 1.0
    assert two["bond"].iloc[0] == pytest.approx(exact, abs=1e-8)


def test_positive_spells_lengths_are_integers() -> None:
    # kills length.astype(None) (float lengths); the runs by hand: [0], [2, 3]
    out = positive_spells([1.0, -1.0, 2.0, 3.0])
    assert out["length"].dtype == np.int64
    assert out["length"].tolist() == [1, 2]
    assert out["start"].tolist() == [0, 2]
    assert out["end"].tolist() == [0, 3]


def test_rolling_correlation_shapes_and_dtype() -> None:
    # kills the reshape(None) of the result and a non-float fill: 1-D inputs give a 1-D float
    # result, NaN for the first window - 1 rows; y = 2 x + 1 is perfectly correlated (rho = 1)
    x = np.array([0.01, -0.02, 0.03, 0.0, 0.02])
    out = rolling_correlation(x, 2 * x + 1, window=3)
    assert out.shape == (5,)
    assert out.dtype == np.float64
    assert np.isnan(out[:2]).all()
    np.testing.assert_allclose(out[2:], 1.0, rtol=1e-12)


def test_rolling_correlation_never_leaves_the_unit_interval() -> None:
    # kills the clip mutants (bounds, out, where): |rho| <= 1 (Cauchy-Schwarz) even where
    # rounding of perfectly (anti-)correlated windows would give 1 + a few ulps
    x = 0.01 * np.random.default_rng(1).standard_normal(400)
    up = rolling_correlation(x, 2 * x + 1, window=5)[4:]
    down = rolling_correlation(x, -2 * x + 1, window=5)[4:]
    assert up.max() <= 1.0 and down.min() >= -1.0
    np.testing.assert_allclose(up, 1.0, rtol=1e-12)
    np.testing.assert_allclose(down, -1.0, rtol=1e-12)


# --------------------------------------------------------------------------- session 10
def test_stock_bond_returns_series_join_by_hand() -> None:
    # kills the pd.Series(stock/bond, index=..., name=...) mutants of the Series path.
    # Constant yields make the bond return its carry alone, y / f = 0.06 / 12 = 0.005
    # (dy = 0, so the duration and convexity terms vanish); stock returns by hand.
    dates = pd.date_range("2020-01-31", periods=5, freq="ME")
    stock = pd.Series([100.0, 110.0, 99.0, 108.9], index=dates[:4])
    yields = pd.Series([0.06, 0.06, 0.06, 0.06], index=dates[1:])
    out = stock_bond_returns(stock, yields, periods_per_year=12)
    # stock returns: Feb 0.10, Mar -0.10, Apr 0.10; bond returns: Mar, Apr, May 0.005;
    # the inner join on Feb..Apr, less the rows with a first-period NaN, leaves Mar and Apr
    expected = pd.DataFrame({"stock": [-0.10, 0.10], "bond": [0.005, 0.005]}, index=dates[2:4])
    assert list(out.columns) == ["stock", "bond"]
    pd.testing.assert_frame_equal(out, expected, check_freq=False, rtol=1e-12)


def test_stock_bond_returns_refuse_a_non_positive_stock_level() -> None:
    # kills positive=True -> None / False / dropped for stock_index
    for level in (0.0, -5.0):
        with pytest.raises(
            InputError,
            match=r"^stock_index must be strictly positive; 1 value\(s\) are not; "
            r"first at position 1$",
        ):
            stock_bond_returns([100.0, level, 50.0], [0.04, 0.04, 0.04], periods_per_year=12)


def test_bond_floor_message_in_full() -> None:
    # the floor of a 1,500-year semiannual bond is 2 (10^(-6/3000) - 1) = -0.00918917
    floor = 2.0 * math.expm1(-6.0 * math.log(10.0) / 3000.0)
    assert f"{floor:g}" == "-0.00918917"
    expected = (
        "yields has 2 value(s) below -0.00918917 (for a 1500-year bond with 2 coupon(s) a "
        "year, a lower yield discounts the principal by a factor above 1e+06, where its "
        "duration and convexity lose their accuracy to cancellation); first at position 0."
    )
    with pytest.raises(InputError, match="^" + re.escape(expected) + "$"):
        bond_returns_from_yields([-0.9, -0.8], periods_per_year=12, maturity=1500)
