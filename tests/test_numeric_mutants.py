"""Assertions the mutation run of divergence._numeric showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_numeric.json``). The references are numpy's own NaN-aware reductions
(``np.nanmedian``, ``np.nansum``) or values worked by hand.
"""

from __future__ import annotations

import numpy as np

from divergence._numeric import lag_rows, row_count, row_median, row_sum, safe_divide


def test_safe_divide_default_mask() -> None:
    # NaN where the denominator is 0 or not finite, or the numerator is not finite
    num = np.array([1.0, 1.0, 1.0, np.inf, 6.0, np.nan, -3.0])
    den = np.array([2.0, 0.0, np.inf, 1.0, -3.0, 1.0, np.nan])
    out = safe_divide(num, den)
    np.testing.assert_array_equal(out, [0.5, np.nan, np.nan, np.nan, -2.0, np.nan, np.nan])


def test_safe_divide_broadcasts_and_takes_a_mask() -> None:
    num = np.array([[2.0, 4.0], [6.0, 8.0]])
    den = np.array([2.0, 0.5])
    np.testing.assert_array_equal(safe_divide(num, den), [[1.0, 8.0], [3.0, 16.0]])
    col = safe_divide(np.array([1.0, 2.0]), np.array([[1.0], [2.0]]))
    assert col.shape == (2, 2)
    np.testing.assert_array_equal(col, [[1.0, 2.0], [0.5, 1.0]])
    ok = np.array([True, False])
    np.testing.assert_array_equal(safe_divide([3.0, 3.0], [1.5, 1.5], ok), [2.0, np.nan])
    # an explicit mask is used as given: a True entry divides even by an infinity
    np.testing.assert_array_equal(safe_divide([3.0], [np.inf], np.array([True])), [0.0])
    # lists are accepted (float64 out)
    assert safe_divide([1], [4]).dtype == np.float64
    assert safe_divide([1], [4])[0] == 0.25


def test_row_count_and_sum() -> None:
    values = np.array([[1.0, np.nan, 3.0], [np.nan, np.nan, np.nan], [-1.0, 2.0, 0.5]])
    counts = row_count(values)
    assert counts.dtype == np.float64
    np.testing.assert_array_equal(counts, [2.0, 0.0, 3.0])
    np.testing.assert_array_equal(row_sum(values), [4.0, 0.0, 1.5])


def test_row_median_against_nanmedian() -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_normal((40, 7))
    values[rng.random((40, 7)) < 0.35] = np.nan
    values[0] = np.nan  # an empty row: NaN
    values[1] = [np.nan] * 6 + [4.0]  # one valid value
    values[2] = [5.0, np.nan, 1.0, np.nan, np.nan, np.nan, np.nan]  # two: their mean
    values[3] = [3.0, 1.0, 2.0, 9.0, 7.0, 8.0, 4.0]  # all valid, odd count
    got = row_median(values)
    assert np.isnan(got[0])
    assert got[1] == 4.0 and got[2] == 3.0 and got[3] == 4.0
    want = np.array([np.nanmedian(r) if np.isfinite(r).any() else np.nan for r in values])
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-15)
    even = np.array([[4.0, 1.0, 3.0, 2.0]])
    assert row_median(even)[0] == 2.5
    single = np.array([[7.0]])
    assert row_median(single)[0] == 7.0
    # two columns, both valid: the mean of the two (the upper index reaches the last column)
    np.testing.assert_array_equal(row_median(np.array([[3.0, 1.0], [np.nan, 2.0]])), [2.0, 2.0])


def test_lag_rows() -> None:
    values = np.arange(8.0).reshape(4, 2)
    same = lag_rows(values, 0)
    np.testing.assert_array_equal(same, values)
    assert same is not values
    one = lag_rows(values, 1)
    np.testing.assert_array_equal(one[0], [np.nan, np.nan])
    np.testing.assert_array_equal(one[1:], values[:-1])
    three = lag_rows(values, 3)
    assert np.isnan(three[:3]).all()
    np.testing.assert_array_equal(three[3], values[0])
    assert np.isnan(lag_rows(values, 4)).all()
    assert np.isnan(lag_rows(values, 9)).all()
    flat = lag_rows(np.array([1.0, 2.0, 3.0]), 2)
    np.testing.assert_array_equal(flat, [np.nan, np.nan, 1.0])
