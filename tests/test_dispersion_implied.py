"""Implied correlation, dispersion index, vol spread: closed forms, properties, range reports."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence.dispersion import (
    dispersion_index,
    implied_correlation,
    implied_correlation_out_of_range,
    vol_spread,
)
from divergence.errors import InputError, OutOfRangeWarning


def _index_vol(vols: np.ndarray, w: np.ndarray, corr: np.ndarray) -> float:
    """Index vol from a full covariance matrix (the slow, independent route)."""
    cov = corr * np.outer(vols, vols)
    return float(np.sqrt(w @ cov @ w))


# --------------------------------------------------------------------------- closed forms
def test_equal_vols_equal_weights_closed_form() -> None:
    # Closed form: n names, vol s, weights 1/n, index vol sI:
    # sI^2 = s^2/n + rho s^2 (n-1)/n  ->  rho = (n sI^2 / s^2 - 1) / (n - 1).
    n, s, s_i = 5, 0.3, 0.2
    expected = (n * s_i**2 / s**2 - 1) / (n - 1)
    got = implied_correlation(s_i, [s] * n, [1 / n] * n)
    assert got == pytest.approx(expected, rel=1e-14)
    # DSPX closed form: sqrt(s^2 - sI^2).
    assert dispersion_index(s_i, [s] * n, [1 / n] * n) == pytest.approx(np.sqrt(s**2 - s_i**2))
    assert vol_spread(s_i, [s] * n, [1 / n] * n) == pytest.approx(s - s_i)


@given(
    n=st.integers(2, 30),
    rho=st.floats(-0.03, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_constructed_index_recovers_true_constant_correlation(
    n: int, rho: float, seed: int
) -> None:
    # Property: with a constant-correlation matrix, the index vol computed from the full
    # covariance gives back the true rho (any vols, any weights).
    rho = max(rho, -1.0 / (n - 1) + 1e-9)
    rng = np.random.default_rng(seed)
    vols = rng.uniform(0.1, 0.8, n)
    w = rng.uniform(0.01, 1.0, n)
    w /= w.sum()
    corr = np.full((n, n), rho)
    np.fill_diagonal(corr, 1.0)
    s_i = _index_vol(vols, w, corr)
    assert implied_correlation(s_i, vols, w) == pytest.approx(rho, abs=1e-9)


@given(
    vols=arrays(np.float64, 6, elements=st.floats(0.05, 1.0)),
    w=arrays(np.float64, 6, elements=st.floats(0.01, 1.0)),
    frac=st.floats(0.0, 1.0),
)
def test_dispersion_index_nonnegative_when_rho_at_most_one(
    vols: np.ndarray, w: np.ndarray, frac: float
) -> None:
    # Any index vol up to sum(w s) (i.e. rho <= 1) gives a real dispersion index, and
    # implied rho is increasing in the index vol.
    wn = w / w.sum()
    s_max = float(wn @ vols)
    s_i = frac * s_max
    rho = implied_correlation(s_i, vols, w, on_out_of_range="ignore")
    assert rho <= 1 + 1e-9
    d = dispersion_index(s_i, vols, w)
    assert d >= 0
    assert d**2 == pytest.approx(float(wn @ vols**2) - s_i**2, abs=1e-12)
    assert implied_correlation(s_i * 0.9, vols, w, on_out_of_range="ignore") <= rho + 1e-12


def test_weights_are_renormalised_and_scale_free() -> None:
    vols = [0.2, 0.3, 0.4]
    a = implied_correlation(0.2, vols, [1.0, 2.0, 3.0])
    b = implied_correlation(0.2, vols, [1 / 6, 2 / 6, 3 / 6])
    assert a == pytest.approx(b, rel=1e-14)


# --------------------------------------------------------------------------- out of range
def test_out_of_range_is_reported_not_clipped() -> None:
    # Index vol above the average member vol: rho = (0.35^2 - 0.045)/(0.09 - 0.045) > 1.
    expected = (0.35**2 - 0.5 * 0.09) / (0.09 - 0.5 * 0.09)
    with pytest.warns(OutOfRangeWarning, match="not clipped"):
        got = implied_correlation(0.35, [0.3, 0.3], [0.5, 0.5])
    assert got == pytest.approx(expected)
    assert implied_correlation_out_of_range(0.35, [0.3, 0.3], [0.5, 0.5]) is True
    with pytest.raises(InputError, match="outside"):
        implied_correlation(0.35, [0.3, 0.3], [0.5, 0.5], on_out_of_range="raise")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        implied_correlation(0.35, [0.3, 0.3], [0.5, 0.5], on_out_of_range="ignore")
    # Below -1/(n-1): index vol 0 with 3 names -> rho = -0.5 exactly (at the bound, no flag);
    # with 2 names and unequal weights the bound -1 can be broken only by inconsistent data.
    assert implied_correlation(0.0, [0.3, 0.3, 0.3], [1, 1, 1]) == pytest.approx(-0.5)
    assert implied_correlation_out_of_range(0.0, [0.3, 0.3, 0.3], [1, 1, 1]) is False
    # Dispersion index: radicand negative -> NaN with a warning, never 0.
    with pytest.warns(OutOfRangeWarning, match="radicand"):
        d = dispersion_index(0.5, [0.3, 0.3], [0.5, 0.5])
    assert np.isnan(d)


def test_panel_flags_and_values() -> None:
    idx = pd.date_range("2024-01-01", periods=3)
    vols = pd.DataFrame({"a": [0.3, 0.3, 0.3], "b": [0.3, 0.3, np.nan]}, index=idx)
    w = pd.Series({"a": 0.5, "b": 0.5})
    s_i = pd.Series([0.25, 0.35, 0.3], index=idx)
    with pytest.warns(OutOfRangeWarning, match="2024-01-02"):
        rho = implied_correlation(s_i, vols, w)
    assert isinstance(rho, pd.Series)
    assert rho.index.equals(idx)
    assert np.isnan(rho.iloc[2])  # one name left: undefined
    flags = implied_correlation_out_of_range(s_i, vols, w)
    assert flags.tolist() == [False, True, False]


# --------------------------------------------------------------------------- types, mutation
@pytest.mark.parametrize("func", [implied_correlation, dispersion_index, vol_spread])
def test_input_types(func: object) -> None:
    f = func  # type: ignore[assignment]
    vols = np.array([[0.3, 0.4, 0.5], [0.2, 0.3, 0.4]])
    w = np.array([0.2, 0.3, 0.5])
    s_i = np.array([0.3, 0.2])
    before = (vols.copy(), w.copy(), s_i.copy())
    out = f(s_i, vols, w)  # type: ignore[operator]
    assert isinstance(out, np.ndarray)
    assert out.shape == (2,)
    for a, b in zip((vols, w, s_i), before, strict=True):
        np.testing.assert_array_equal(a, b)
    one = f(0.3, vols[0], w)  # type: ignore[operator]
    assert isinstance(one, float)
    assert one == pytest.approx(out[0])
    frame = pd.DataFrame(vols, index=[10, 20], columns=list("xyz"))
    ser = f(pd.Series(s_i, index=[10, 20]), frame, pd.Series(w, index=list("xyz")))  # type: ignore[operator]
    assert isinstance(ser, pd.Series)
    assert list(ser.index) == [10, 20]
    np.testing.assert_allclose(ser.to_numpy(), out)
    # A full weights panel gives the same as constant weights.
    np.testing.assert_allclose(f(s_i, vols, np.vstack([w, w])), out)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((0.2, [0.3, -0.3], [0.5, 0.5]), InputError, "constituent_vols"),
        ((0.2, [0.3, 0.3], [0.5, -0.5]), InputError, "weights"),
        ((-0.2, [0.3, 0.3], [0.5, 0.5]), InputError, "index_vol"),
        ((0.2, [0.3, 0.3], [0.5, 0.5, 0.1]), InputError, "shape"),
        (([0.2, 0.3], [0.3, 0.3], [0.5, 0.5]), InputError, "index_vol"),
        ((0.2, ["a", "b"], [0.5, 0.5]), TypeError, "constituent_vols"),
        ((0.2, np.ones((2, 2, 2)), [0.5, 0.5]), InputError, "constituent_vols"),
        ((0.2, [0.3, np.inf], [0.5, 0.5]), InputError, "infinite"),
        ((None, [0.3, 0.3], [0.5, 0.5]), TypeError, "index_vol"),
    ],
)
@pytest.mark.parametrize("func", [implied_correlation, dispersion_index, vol_spread])
def test_bad_inputs(func: object, args: tuple[object, ...], exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        func(*args)  # type: ignore[operator]


def test_panel_index_mismatch_and_options() -> None:
    vols = pd.DataFrame([[0.3, 0.4]], index=[1])
    with pytest.raises(InputError, match="different indexes"):
        implied_correlation(pd.Series([0.3], index=[2]), vols, [0.5, 0.5])
    with pytest.raises(InputError, match="on_out_of_range"):
        implied_correlation(0.3, [0.3, 0.4], [0.5, 0.5], on_out_of_range="clip")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="NaN"):
        implied_correlation(0.3, [0.3, np.nan], [0.5, 0.5], nan_policy="raise")
    assert np.isnan(implied_correlation(0.3, [0.3, np.nan, 0.4], [1, 1, 1], nan_policy="propagate"))


# ------------------------------------------------------------- gaps found by mutation testing
def _equicorrelation_is_psd(rho: float, n: int) -> bool:
    """Independent check of the admissible range: smallest eigenvalue of the n x n matrix."""
    c = np.full((n, n), rho)
    np.fill_diagonal(c, 1.0)
    return bool(np.linalg.eigvalsh(c).min() >= -1e-12)


@pytest.mark.parametrize(
    ("index_vol", "weights", "n"),
    [
        # three names, rho = (0.05^2 - 0.09 * 0.415) / (0.09 - 0.03735) = -0.662 < -1/2
        (0.05, [0.45, 0.45, 0.1], 3),
        # two names, rho = (0.2^2 - 0.0738) / 0.0162 = -2.09 < -1
        (0.2, [0.9, 0.1], 2),
        # inside the range: no flag
        (0.25, [0.45, 0.45, 0.1], 3),
    ],
)
def test_lower_bound_flag_matches_eigenvalues(
    index_vol: float, weights: list[float], n: int
) -> None:
    vols = [0.3] * n
    rho = implied_correlation(index_vol, vols, weights, on_out_of_range="ignore")
    flag = implied_correlation_out_of_range(index_vol, vols, weights)
    assert flag == (not _equicorrelation_is_psd(rho, n))
    if n == 2:
        assert rho == pytest.approx((0.04 - 0.0738) / 0.0162, rel=1e-12)


def test_perfect_correlation_is_in_range() -> None:
    # sigma_I = sum w sigma: rho = 1 exactly and the radicand is sum w sigma^2 - sigma_I^2 = 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert implied_correlation(0.3, [0.3, 0.3], [0.5, 0.5]) == 1.0
        assert not implied_correlation_out_of_range(0.3, [0.3, 0.3], [0.5, 0.5])
        assert dispersion_index(0.3, [0.3, 0.3], [0.5, 0.5]) == 0.0
        # ten equal weights of 1/10: rounding leaves a radicand of -1.4e-17, read as 0
        assert dispersion_index(0.3, [0.3] * 10, [1.0] * 10) == 0.0


def test_small_radicand_is_kept() -> None:
    # radicand 5e-9 with vols of 1%: D = sqrt(5e-9) (closed form), not rounded to 0
    s3 = 0.01**2
    d = dispersion_index(np.sqrt(s3 - 5e-9), [0.01, 0.01], [0.5, 0.5])
    assert d == pytest.approx(np.sqrt(5e-9), rel=1e-6)


def test_single_name_vol_spread_closed_form() -> None:
    # S = sum w sigma - sigma_I with one name: 0.3 - 0.2
    assert vol_spread(0.2, [0.3], [1.0]) == pytest.approx(0.1, abs=1e-15)
    assert np.isnan(implied_correlation(0.2, [0.3], [1.0]))


def test_all_zero_weights_give_nan() -> None:
    for func in (implied_correlation, dispersion_index, vol_spread):
        assert np.isnan(func(0.2, [0.3, 0.4], [0.0, 0.0]))  # type: ignore[operator]


def test_propagate_nan_policy_for_every_measure() -> None:
    vols = np.array([[0.3, 0.4], [0.3, np.nan]])
    for func in (implied_correlation, dispersion_index, vol_spread):
        out = func([0.25, 0.25], vols, [0.5, 0.5], nan_policy="propagate")  # type: ignore[operator]
        assert np.isfinite(out[0]) and np.isnan(out[1])


def test_series_names() -> None:
    idx = pd.date_range("2024-01-01", periods=2)
    vols = pd.DataFrame([[0.3, 0.4], [0.35, 0.45]], index=idx, columns=["A", "B"])
    sig = pd.Series([0.3, 0.35], index=idx)
    w = [0.5, 0.5]
    assert implied_correlation(sig, vols, w).name == "implied_correlation"
    assert dispersion_index(sig, vols, w).name == "dispersion_index"
    assert vol_spread(sig, vols, w).name == "vol_spread"
    assert implied_correlation_out_of_range(sig, vols, w).name == "out_of_range"


REPORTS = [
    # (call, message pattern): what, range, count, location, advice
    (
        lambda p: implied_correlation(0.35, [0.3, 0.3], [0.5, 0.5], on_out_of_range=p),
        r"^implied_correlation: 1 value\(s\) outside \[-1/\(n-1\), 1\]; first at the "
        r"cross-section \(",
    ),
    (
        lambda p: implied_correlation(
            pd.Series([0.35], index=["d"]),
            pd.DataFrame([[0.3, 0.3]], index=["d"]),
            [0.5, 0.5],
            on_out_of_range=p,
        ),
        r"first at row 'd' \(",
    ),
    (
        # one cross-section as a Series: its index holds names, not dates
        lambda p: implied_correlation(
            0.35, pd.Series([0.3, 0.3], index=["A", "B"]), [0.5, 0.5], on_out_of_range=p
        ),
        r"first at the cross-section \(",
    ),
    (
        lambda p: implied_correlation(
            [0.2, 0.35], np.array([[0.3, 0.3], [0.3, 0.3]]), [0.5, 0.5], on_out_of_range=p
        ),
        r"first at row 1 \(1\.72",
    ),
    (
        lambda p: dispersion_index(0.35, [0.3, 0.3], [0.5, 0.5], on_out_of_range=p),
        r"^dispersion_index \(radicand\): 1 value\(s\) outside \[0, inf\); first at the "
        r"cross-section \(-0\.0325\)\. They are returned as computed, not clipped\. Check that "
        r"index_vol and constituent_vols share horizon and annualisation and that the weights "
        r"are the index's\. Silence with on_out_of_range='ignore'\.$",
    ),
]


@pytest.mark.parametrize(("call", "pattern"), REPORTS)
def test_out_of_range_reports(call: object, pattern: str) -> None:
    with pytest.warns(OutOfRangeWarning, match=pattern) as rec:
        call("warn")  # type: ignore[operator]
    # stacklevel: the warning points at the caller's line, not inside the library (mutmut's
    # trampoline adds a frame, so this is only checked outside mutation runs)
    if "MUTANT_UNDER_TEST" not in os.environ:
        assert rec[0].filename == __file__
    with pytest.raises(InputError, match=pattern):
        call("raise")  # type: ignore[operator]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call("ignore")  # type: ignore[operator]


@pytest.mark.parametrize("func", [implied_correlation, dispersion_index])
def test_on_out_of_range_message_names_the_option(func: object) -> None:
    with pytest.raises(InputError, match=r"^on_out_of_range must be one of"):
        func(0.2, [0.3, 0.4], [0.5, 0.5], on_out_of_range="clip")  # type: ignore[operator]


def test_names_without_a_usable_vol_drop_out() -> None:
    # omit: a NaN vol removes the name (weights renormalised over the others)
    with_nan = implied_correlation(0.25, [0.3, np.nan, 0.4], [0.3, 0.3, 0.4])
    assert with_nan == pytest.approx(implied_correlation(0.25, [0.3, 0.4], [0.3, 0.4]), rel=1e-14)
    # a zero vol leaves one name with a positive weighted vol: no correlation (NaN)
    assert np.isnan(implied_correlation(0.2, [0.3, 0.0], [0.5, 0.5]))
    # panel: row 0 has two names, row 1 only one; a NaN index vol gives NaN for its row
    vols = np.array([[0.3, 0.4], [0.3, 0.0], [0.3, 0.4]])
    out = implied_correlation([0.3, 0.3, np.nan], vols, [0.5, 0.5])
    assert np.isfinite(out[0]) and np.isnan(out[1]) and np.isnan(out[2])
    # nan_policy="raise" also checks the weights
    with pytest.raises(InputError, match=r"^weights "):
        implied_correlation(0.25, [0.3, 0.4], [0.5, np.nan], nan_policy="raise")


def test_layout_messages() -> None:
    frame = pd.DataFrame([[0.3, 0.4], [0.3, 0.4]], columns=["A", "B"])
    with pytest.raises(InputError, match=r"^weights' index does not match the columns of"):
        implied_correlation([0.3, 0.3], frame, pd.Series([0.5, 0.5], index=["A", "C"]))
    with pytest.raises(InputError, match=r"^weights has 3 values but constituent_vols has 2 col"):
        implied_correlation([0.3, 0.3], frame, [0.3, 0.3, 0.4])
    with pytest.raises(InputError, match=r"^weights must be 1-D when constituent_vols is 1-D"):
        implied_correlation(0.3, [0.3, 0.4], [[0.5, 0.5]])
    with pytest.raises(InputError, match=r"^index_vol must hold a single value to match"):
        implied_correlation([0.3, 0.3], [0.3, 0.4], [0.5, 0.5])
    with pytest.raises(InputError, match=r"^index_vol must hold 2 values \(one per row\)"):
        implied_correlation([0.3, 0.3, 0.3], frame, [0.5, 0.5])
