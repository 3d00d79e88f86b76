"""Assertions the mutation run of divergence.premia showed missing.

Each test pins a behaviour a surviving mutant changed (see ``docs/_data/mutation/premia.json``):
the argument named in warnings and errors, the unit warnings themselves, the date-order, sign
and all-NaN checks of each input, boolean scalars, and the two tolerances of :func:`cape`.
Expected values are closed forms worked by hand in the comments (CAPE = P / mean(E) with a
flat price index; 1 / CAPE - r; G_t - G_{t-k}).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence import premia as pr
from divergence.errors import InputError, UnitWarning

UNSORTED = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29", "2024-04-30"])
SORTED = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30"])
PERCENT = r"above 1 \(100%\): it looks like percent, not decimals"


def _s(values: list[float], index: pd.DatetimeIndex) -> pd.Series:
    return pd.Series(values, index=index)


# --------------------------------------------------------------------------- unit warnings
def test_real_rate_unit_warnings_name_each_argument() -> None:
    """warn_units(...) mutants of real_rate (values, name, kind "rate")."""
    with pytest.warns(UnitWarning, match=r"^nominal has a median magnitude of 5, " + PERCENT):
        out = pr.real_rate(5.0, 0.03, method="linear")
    assert out == pytest.approx(5.0 - 0.03)  # i - pi, the result is unchanged
    with pytest.warns(UnitWarning, match=r"^inflation has a median magnitude of 3, " + PERCENT):
        out = pr.real_rate(0.05, 3.0, method="linear")
    assert out == pytest.approx(0.05 - 3.0)


def test_excess_cape_yield_unit_warning_names_real_yield() -> None:
    """warn_units(...) mutants of excess_cape_yield."""
    with pytest.warns(UnitWarning, match=r"^real_yield has a median magnitude of 2, " + PERCENT):
        out = pr.excess_cape_yield(25.0, 2.0)
    assert out == pytest.approx(1.0 / 25.0 - 2.0)  # 1/CAPE - r


def test_risk_premium_gap_unit_warnings_name_each_argument() -> None:
    """warn_units(...) mutants of risk_premium_gap (both arguments)."""
    with pytest.warns(
        UnitWarning, match=r"^earnings_yield has a median magnitude of 4, " + PERCENT
    ):
        out = pr.risk_premium_gap(4.0, 0.02)
    assert out == pytest.approx(4.0 - 0.02)
    with pytest.warns(UnitWarning, match=r"^real_yield has a median magnitude of 2, " + PERCENT):
        out = pr.risk_premium_gap(0.04, 2.0)
    assert out == pytest.approx(0.04 - 2.0)


def test_risk_premium_shift_unit_warning_names_gap() -> None:
    """warn_units(...) mutants of risk_premium_shift."""
    with pytest.warns(UnitWarning, match=r"^gap has a median magnitude of 3, " + PERCENT):
        out = pr.risk_premium_shift([0.02, 3.0, 4.0], 1)
    # G_t - G_{t-1} by hand: nan, 2.98, 1.0
    np.testing.assert_allclose(out, [np.nan, 2.98, 1.0])


# --------------------------------------------------------------------------- argument names
def test_elementwise_errors_name_the_argument() -> None:
    """Name-string mutants ("XX...XX", upper case) of the _Elementwise argument tuples."""
    with pytest.raises(InputError, match=r"^earnings has 1 infinite value"):
        pr.earnings_yield([1.0, 2.0], [np.inf, 1.0])
    with pytest.raises(InputError, match=r"^real_yield has 1 infinite value"):
        pr.excess_cape_yield([20.0, 25.0], [np.inf, 0.01])
    with pytest.raises(InputError, match=r"^earnings_yield has 1 infinite value"):
        pr.risk_premium_gap([np.inf, 0.04], [0.01, 0.01])
    with pytest.raises(InputError, match=r"^real_yield has 1 infinite value"):
        pr.risk_premium_gap([0.05, 0.04], [np.inf, 0.01])


def test_boolean_scalar_is_refused_as_boolean_not_as_layout() -> None:
    """`and`/`or` mutants of the scalar test in _Elementwise: a bool is not a number."""
    with pytest.raises(TypeError, match=r"^nominal must hold real numbers, got booleans"):
        pr.real_rate(True, [0.03, 0.04])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^inflation must hold real numbers, got booleans"):
        pr.real_rate([0.05, 0.06], np.True_)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- date order
def test_annualized_inflation_refuses_unsorted_dates() -> None:
    """time_ordered=True and name mutants of annualized_inflation."""
    with pytest.raises(InputError, match=r"^price_index dates are not in increasing order"):
        pr.annualized_inflation(_s([100.0, 101.0, 102.0, 103.0], UNSORTED), 1, periods_per_year=12)


def test_risk_premium_shift_refuses_unsorted_dates() -> None:
    """time_ordered=True and name mutants of risk_premium_shift."""
    with pytest.raises(InputError, match=r"^gap dates are not in increasing order"):
        pr.risk_premium_shift(_s([0.04, 0.03, 0.02, 0.01], UNSORTED), 1)


def test_cape_checks_each_input_order_by_name() -> None:
    """time_ordered=True and name mutants of the three as_array calls of cape."""
    one = [1.0, 1.0, 1.0, 1.0]
    with pytest.raises(InputError, match=r"^price dates are not in increasing order"):
        pr.cape(_s(one, UNSORTED), _s(one, UNSORTED), _s(one, UNSORTED), window=2)
    # price sorted, earnings not: the earnings check, not the layout check, must fire
    with pytest.raises(InputError, match=r"^earnings dates are not in increasing order"):
        pr.cape(_s(one, SORTED), _s(one, UNSORTED), _s(one, SORTED), window=2)
    with pytest.raises(InputError, match=r"^price_index dates are not in increasing order"):
        pr.cape(_s(one, SORTED), _s(one, SORTED), _s(one, UNSORTED), window=2)


def test_cape_refuses_non_positive_price_and_all_nan_earnings() -> None:
    """positive=True on price and allow_all_nan=False on earnings (cape)."""
    one = [1.0, 1.0, 1.0, 1.0]
    with pytest.raises(InputError, match=r"^price must be strictly positive"):
        pr.cape([1.0, -1.0, 1.0, 1.0], one, one, window=2)
    with pytest.raises(InputError, match=r"^earnings has no valid \(non-NaN\) value"):
        pr.cape(one, [np.nan] * 4, one, window=2)


# --------------------------------------------------------------------------- cape tolerances
def test_cape_with_tiny_but_exact_earnings_is_a_ratio() -> None:
    """`w * eps * sum|E|` -> `w * eps / sum|E|` mutant of the cancellation tolerance.

    Earnings of 1e-10 every month do not cancel: the mean is 1e-10, so CAPE = 1 / 1e-10.
    """
    out = pr.cape([1.0] * 4, [1e-10] * 4, [1.0] * 4, window=2)
    np.testing.assert_allclose(out, [np.nan, np.nan, 1e10, 1e10], rtol=1e-12)


def test_cape_mean_exactly_at_the_floor_is_kept() -> None:
    """`>= MIN_POSITIVE` -> `> MIN_POSITIVE` mutant: NaN only *below* 1e-100 (docstring)."""
    out = pr.cape([1.0] * 4, [1e-100] * 4, [1.0] * 4, window=2)
    np.testing.assert_allclose(out, [np.nan, np.nan, 1e100, 1e100], rtol=1e-12)
