"""Assertions the mutation runs of divergence.liquidity and divergence.real showed missing.

Each test pins a behaviour that a surviving mutant changed (see the mutation-score records in
``docs/_data/mutation.json``). Reference values are worked by hand from the documented formulas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from divergence import liquidity as lq
from divergence import real as rl
from divergence.errors import InputError, UnitWarning

UNSORTED = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29"])


# --------------------------------------------------------------------------- liquidity
def test_sterilization_rate_annualises_by_m_over_k() -> None:
    # L_S = -(B_t - B_{t-k}) / D_{t-k} * m / k, worked by hand
    bs = np.array([100.0, 99.0, 97.0])
    out = lq.sterilization_rate(bs, periods=1, periods_per_year=12)
    assert np.isnan(out[0])
    assert out[1] == pytest.approx(1.0 / 100.0 * 12.0, rel=1e-14)  # 0.12
    assert out[2] == pytest.approx(2.0 / 99.0 * 12.0, rel=1e-14)
    two = lq.sterilization_rate(bs, periods=2, periods_per_year=12)
    assert two[2] == pytest.approx(3.0 / 100.0 * 6.0, rel=1e-14)  # 0.18
    base = np.full(3, 200.0)
    quarterly = lq.sterilization_rate(bs, base, periods=2, periods_per_year=4)
    assert quarterly[2] == pytest.approx(3.0 / 200.0 * 2.0, rel=1e-14)  # 0.03
    # a panel: each column against its own base column
    panel = np.column_stack([bs, bs[::-1]])
    bases = np.column_stack([np.full(3, 200.0), np.full(3, 50.0)])
    both = lq.sterilization_rate(panel, bases, periods=1, periods_per_year=4)
    np.testing.assert_allclose(both[1:, 0], [1.0 / 200.0 * 4.0, 2.0 / 200.0 * 4.0], rtol=1e-14)
    np.testing.assert_allclose(both[1:, 1], [-2.0 / 50.0 * 4.0, -1.0 / 50.0 * 4.0], rtol=1e-14)


def test_sterilization_rate_start_below_min_positive_is_nan() -> None:
    # documented: without base, a start-of-window balance sheet below 1e-100 gives NaN, as 0 does
    for start in (0.0, 1e-150, 1e-101):
        out = lq.sterilization_rate([start, 1.0], periods=1, periods_per_year=1)
        assert np.isnan(out[1]), start
    # exactly 1e-100 is still a base: -(1 - 1e-100) / 1e-100 = -1e100 to double precision
    at = lq.sterilization_rate([1e-100, 1.0], periods=1, periods_per_year=1)
    assert at[1] == pytest.approx(-1e100, rel=1e-15)


def test_sterilization_rate_refuses_unsorted_dates() -> None:
    s = pd.Series([100.0, 98.0, 95.0], index=UNSORTED)
    with pytest.raises(InputError, match=r"^balance_sheet dates are not in increasing order"):
        lq.sterilization_rate(s, periods=1, periods_per_year=12)
    # an ndarray balance sheet has no dates; the base's own dates are still checked
    with pytest.raises(InputError, match=r"^base dates are not in increasing order"):
        lq.sterilization_rate(np.array([100.0, 98.0, 95.0]), s, periods=1, periods_per_year=12)


def test_sterilization_rate_integer_arguments_named() -> None:
    with pytest.raises(InputError, match=r"^periods_per_year must be >= 1, got 0"):
        lq.sterilization_rate([1.0, 2.0], periods=1, periods_per_year=0)
    with pytest.raises(InputError, match=r"^periods must be >= 1, got 0"):
        lq.sterilization_rate([1.0, 2.0], periods=0, periods_per_year=1)


# --------------------------------------------------------------------------- real
def test_real_functions_refuse_unsorted_dates() -> None:
    s = pd.Series([100.0, 98.0, 95.0], index=UNSORTED)
    plain = np.array([100.0, 98.0, 95.0])
    with pytest.raises(InputError, match=r"^nominal dates are not in increasing order"):
        rl.real_growth(s, s)
    # an ndarray nominal has no dates; the price index's own dates are still checked
    with pytest.raises(InputError, match=r"^price_index dates are not in increasing order"):
        rl.real_growth(plain, s)
    with pytest.raises(InputError, match=r"^price_index dates are not in increasing order"):
        rl.deflate(plain, s)


GROWTH_TAIL = (
    " implies annualised growth beyond float range (above 1e308) with periods=1 and "
    "periods_per_year=12 in 1 value(s); first at position 1. Check the units and periods_per_year."
)


def test_growth_beyond_float_range_is_an_input_error() -> None:
    # (1e100)^12 = 1e1200 > 1.8e308: an InputError naming the quantity, never an overflow warning
    with pytest.raises(InputError) as info:
        rl.real_growth([1e-50, 1e50], [1.0, 1.0], periods_per_year=12)
    assert str(info.value) == "nominal / price_index" + GROWTH_TAIL
    with pytest.raises(InputError) as info:
        rl.nominal_illusion([1e-50, 1e50], [1.0, 1.0], periods_per_year=12)
    assert str(info.value) == "nominal" + GROWTH_TAIL
    # nominal growth (1e20)^12 = 1e240 fits; real growth (1e40)^12 does not
    with pytest.raises(InputError) as info:
        rl.nominal_illusion([1.0, 1e20], [1.0, 1e-20], periods_per_year=12)
    assert str(info.value) == "nominal / price_index" + GROWTH_TAIL


def test_real_integer_arguments_named() -> None:
    with pytest.raises(InputError, match=r"^periods must be >= 1, got 0"):
        rl.real_growth([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], periods=0)
    with pytest.raises(InputError, match=r"^periods_per_year must be >= 1, got 0"):
        rl.nominal_illusion([1.0, 2.0, 3.0], [1.0, 1.0, 1.0], periods_per_year=0)


def test_deflate_default_base_is_last_observed_price() -> None:
    # last non-NaN price level is 200 (row 1): 10 * 200 / [100, 200] = [20, 10], then NaN
    out = rl.deflate([10.0, 10.0, 10.0, 10.0], [100.0, 200.0, np.nan, np.nan])
    np.testing.assert_allclose(out, [20.0, 10.0, np.nan, np.nan], rtol=1e-15)
    # one row, one column without a price: that column is NaN, the other deflated by itself
    one = rl.deflate(np.array([[3.0, 3.0]]), np.array([[100.0, np.nan]]))
    np.testing.assert_allclose(one, [[3.0, np.nan]], rtol=1e-15)


def test_deflate_base_must_be_positive() -> None:
    with pytest.raises(InputError, match=r"^base must be > 0\.0, got 0\.0"):
        rl.deflate([1.0, 2.0], [1.0, 1.0], base=0.0)


def test_real_cost_of_capital_argument_checks() -> None:
    with pytest.raises(InputError, match=r"^method must be one of \['exact', 'linear'\]"):
        rl.real_cost_of_capital([0.08], [0.05], [0.4], [0.02], method="bad")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^tax_rate must be >= 0\.0, got -0\.1"):
        rl.real_cost_of_capital([0.08], [0.05], [0.4], [0.02], tax_rate=-0.1)
    idx = ["a", "b"]
    with pytest.raises(InputError) as info:
        rl.real_cost_of_capital(
            pd.Series([0.08, 0.08], index=idx),
            pd.Series([0.05, 0.05], index=idx),
            pd.Series([0.4, 1.5], index=idx),
            pd.Series([0.02, 0.02], index=idx),
        )
    assert str(info.value) == (
        "debt_share has 1 value(s) above 1; first at 'b' (position 1). "
        "Pass a fraction of total capital."
    )


def test_real_cost_of_capital_all_debt() -> None:
    # debt_share = 1 is allowed: WACC = 5% * (1 - 25%) = 3.75%; real = 1.0375 / 1.02 - 1
    out = rl.real_cost_of_capital([0.08], [0.05], [1.0], [0.02], tax_rate=0.25)
    assert out[0] == pytest.approx(1.0375 / 1.02 - 1.0, rel=1e-14)


@pytest.mark.parametrize("which", ["cost_of_equity", "cost_of_debt", "inflation"])
def test_real_cost_of_capital_unit_warning_once_under_its_own_name(which: str) -> None:
    args = {"cost_of_equity": [0.08], "cost_of_debt": [0.05], "inflation": [0.02]}
    args[which] = [args[which][0] * 100.0]  # percent passed for decimals
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rl.real_cost_of_capital(
            args["cost_of_equity"], args["cost_of_debt"], [0.4], args["inflation"]
        )
    messages = [str(w.message) for w in caught]
    assert [w.category for w in caught] == [UnitWarning], messages
    assert messages[0].startswith(f"{which} has a median magnitude of ")
    assert "it looks like percent, not decimals" in messages[0]


def test_period_growth_beyond_float_range_is_refused_not_warned() -> None:
    # found by mutation testing: a deflated ratio 1e200 / 1e-200 overflowed inside the division
    # (a RuntimeWarning, then inf); it is now the documented InputError, as for annualised growth
    import pytest

    from divergence import real
    from divergence.errors import InputError

    with pytest.raises(InputError, match="growth beyond float range"):
        real.real_growth([1e-100, 1e100], [1e100, 1e-100])
