"""Focused tests of the defect classes closed in the validation layer (issue 19).

Class 1 (time order), class 3 (masked arrays), class 7 (duplicate and unhashable labels) and
class 8 (output type and alignment of several inputs). The contract suite
(``test_contract.py``) runs the same rules over every public callable; these tests pin the
messages and the numbers on small hand-checked cases.
"""

from __future__ import annotations

import copy
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from divergence import breadth, concentration, premia, risk, rotation
from divergence._validation import Meta, as_array, check_time_order, lead_meta, merge_groups
from divergence.errors import InputError

MONTHS = pd.date_range("2024-01-31", periods=5, freq="ME")


# --------------------------------------------------------------------------- class 1
def _levels(index: pd.Index) -> pd.Series:
    return pd.Series([100.0, 101.0, 103.0, 102.0, 105.0], index=index, name="cpi")


def test_unsorted_dates_are_refused_with_the_first_offending_position() -> None:
    idx = MONTHS[[0, 1, 3, 2, 4]]
    with pytest.raises(InputError) as info:
        premia.annualized_inflation(_levels(idx), 1, periods_per_year=12)
    msg = str(info.value)
    assert msg.startswith("price_index dates are not in increasing order")
    assert "2024-03-31 (position 3) comes after 2024-04-30" in msg
    assert "sort_index()" in msg


def test_duplicate_dates_are_refused_and_say_how_to_deduplicate() -> None:
    idx = MONTHS[[0, 1, 2, 2, 3]]
    with pytest.raises(InputError) as info:
        risk.rolling_correlation(_levels(idx), _levels(idx), window=2)
    msg = str(info.value)
    assert msg.startswith("a has duplicate dates: 2024-03-31 (position 3)")
    assert "~x.index.duplicated(keep='last')" in msg.replace("x[", "")


def test_period_index_and_missing_dates() -> None:
    periods = pd.period_range("2024-01", periods=5, freq="M")
    # sorted periods are accepted and kept
    out = premia.annualized_inflation(_levels(periods), 1, periods_per_year=12)
    assert out.index.equals(periods)
    # 101/100 - 1 compounded over 12 months: (1.01)**12 - 1
    assert out.iloc[1] == pytest.approx(1.01**12 - 1.0, rel=1e-12)
    with pytest.raises(InputError, match=r"position 1\) comes after 2024-02"):
        premia.annualized_inflation(_levels(periods[[1, 0, 2, 3, 4]]), 1, periods_per_year=12)
    nat = pd.DatetimeIndex([MONTHS[0], pd.NaT, *MONTHS[2:]])
    with pytest.raises(InputError, match="missing \\(NaT\\) date at position 1"):
        check_time_order(as_array(_levels(nat), "x")[1])


def test_time_order_is_checked_only_where_rows_are_time() -> None:
    """A cross-sectional measure reads each row alone: unsorted dates give the same rows."""
    caps = pd.DataFrame(
        [[3.0, 1.0], [4.0, 1.0], [5.0, 5.0], [1.0, 9.0], [2.0, 2.0]],
        index=MONTHS,
        columns=["a", "b"],
    )
    shuffled = caps.iloc[[2, 0, 4, 1, 3]]
    got = concentration.hhi(shuffled)
    assert got.index.equals(shuffled.index)
    # HHI of (3, 1) is (3/4)^2 + (1/4)^2 = 0.625
    assert got.loc[MONTHS[0]] == pytest.approx(0.625, rel=1e-15)
    pd.testing.assert_series_equal(got.loc[MONTHS], concentration.hhi(caps), check_freq=False)
    # ... while the cap-weighted index return lags caps one row: refused
    with pytest.raises(InputError, match="returns dates are not in increasing order"):
        breadth.index_return(shuffled * 0.0, shuffled)


def test_arrays_and_integer_indexes_are_taken_in_row_order() -> None:
    out = premia.annualized_inflation(
        pd.Series([100.0, 110.0], index=[5, 1]), 1, periods_per_year=1
    )
    assert out.iloc[1] == pytest.approx(0.1, rel=1e-12)


def test_dask_rolling_inherits_the_rule() -> None:
    dd = pytest.importorskip("dask.dataframe")
    from divergence.distributed import rolling

    idx = pd.date_range("2024-01-01", periods=8, name="date")
    a = pd.Series(np.arange(8.0) ** 1.5, index=idx, name="x")
    b = pd.Series(np.sin(np.arange(8.0)), index=idx, name="x")
    bad_a, bad_b = a.iloc[[0, 1, 2, 4, 3, 5, 6, 7]], b.iloc[[0, 1, 2, 4, 3, 5, 6, 7]]
    lazy = rolling(
        risk.rolling_correlation,
        dd.from_pandas(bad_a, npartitions=1, sort=False),
        dd.from_pandas(bad_b, npartitions=1, sort=False),
        window=3,
        meta=pd.Series(dtype=float, name="x"),
    )
    with pytest.raises(InputError, match=r"not in increasing order.*sort_index"):
        lazy.compute(scheduler="synchronous")


# --------------------------------------------------------------------------- class 3
def test_masked_entries_are_missing_and_the_data_under_them_unread() -> None:
    data = np.array([3.0, 1e300, 1.0])
    masked = np.ma.masked_array(data, mask=[False, True, False])
    before = copy.deepcopy(masked)
    values, meta = as_array(masked, "x")
    assert np.isnan(values[1]) and values[0] == 3.0 and meta.kind == "ndarray"
    # NaN is "not present" under nan_policy='omit': HHI of (3, 1) = 0.625
    assert concentration.hhi(masked) == pytest.approx(0.625, rel=1e-15)
    with pytest.raises(InputError, match="x has 1 NaN value"):
        concentration.hhi(masked, nan_policy="raise")
    np.testing.assert_array_equal(masked.data, before.data)
    np.testing.assert_array_equal(masked.mask, before.mask)


def test_masked_integer_and_boolean_arrays() -> None:
    ints = np.ma.masked_array(np.array([[3, 7, 1]]), mask=[[False, True, False]])
    assert concentration.hhi(ints)[0] == pytest.approx(0.625, rel=1e-15)
    with pytest.raises(TypeError, match="x must hold real numbers"):
        as_array(np.ma.masked_array([True, False]), "x")


# --------------------------------------------------------------------------- class 7
def test_duplicate_column_labels_are_refused() -> None:
    frame = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])
    with pytest.raises(InputError, match="market_caps has duplicate column labels; first 'a'"):
        breadth.breadth(pd.DataFrame(np.zeros((1, 3))), frame)
    with pytest.raises(InputError, match=r"x has duplicate column labels; first 'a' \(column"):
        concentration.hhi(frame)


def test_unhashable_labels_are_refused_naming_the_argument() -> None:
    r = pd.DataFrame([[0.01, 0.02, 0.03]], columns=["a", "b", "c"])
    m = pd.DataFrame([[1.0, 1.0, 1.0]], columns=["a", "b", "c"])
    with pytest.raises(InputError, match=r"sectors holds an unhashable label of type list"):
        rotation.sector_returns(r, m, [["x"], "y", "y"])
    with pytest.raises(InputError, match=r"groups holds an unhashable label .* position 1"):
        merge_groups(np.ones((1, 3)), as_array(m, "x")[1], ["g", {"h": 1}, "g"])
    with pytest.raises(InputError, match=r"long holds an unhashable label"):
        rotation.sector_spread(r, method="long_short", long=[["a"]], short=["b"])


def test_objects_holding_numbers_are_read_as_numbers() -> None:
    dec = pd.Series([Decimal("3"), Decimal("1")], dtype=object)
    assert concentration.hhi(dec) == pytest.approx(0.625, rel=1e-15)
    with pytest.raises(TypeError, match="x must hold numbers"):
        concentration.hhi(pd.Series([3.0, "1"], dtype=object))


# --------------------------------------------------------------------------- class 8
def test_output_follows_any_pandas_input() -> None:
    inflation = pd.Series([0.03, 0.02, 0.01], index=MONTHS[:3], name="cpi")
    out = premia.real_rate(np.array([0.05, 0.05, 0.05]), inflation)
    assert isinstance(out, pd.Series) and out.index.equals(inflation.index)
    # Fisher: (1.05 / 1.03) - 1
    assert out.iloc[0] == pytest.approx(1.05 / 1.03 - 1.0, rel=1e-15)
    plain = premia.real_rate(np.array([0.05, 0.05, 0.05]), inflation.to_numpy())
    assert isinstance(plain, np.ndarray)


def test_index_dtype_mismatch_that_prints_alike_is_shown() -> None:
    nominal = pd.Series([0.05, 0.05], index=[str(d.date()) for d in MONTHS[:2]])
    inflation = pd.Series([0.03, 0.02], index=MONTHS[:2])
    with pytest.raises(InputError) as info:
        premia.real_rate(nominal, inflation)
    assert "index dtypes differ: " in str(info.value)
    assert "vs datetime64" in str(info.value)


def test_label_mismatch_shows_a_label_of_each_side() -> None:
    a = pd.Series([0.05, 0.05], index=MONTHS[:2])
    b = pd.Series([0.03, 0.02], index=MONTHS[1:3])
    with pytest.raises(
        InputError, match="2024-01-31 only in nominal, 2024-03-31 only in inflation"
    ):
        premia.real_rate(a, b)


def test_lead_meta_prefers_polars_then_pandas() -> None:
    nd = Meta("a", "ndarray", 1, (2,))
    pdm = Meta("b", "series", 1, (2,), pd.RangeIndex(2))
    plm = Meta("c", "series", 1, (2,), polars=True)
    assert lead_meta(nd, pdm) is pdm
    assert lead_meta(nd, pdm, plm) is plm
    assert lead_meta(pdm, Meta("d", "series", 1, (2,), pd.RangeIndex(2))) is pdm
    assert lead_meta(nd) is nd


def test_polars_date_column_obeys_the_time_order_rule() -> None:
    pl = pytest.importorskip("polars")
    dates = [d.date() for d in MONTHS[[0, 2, 1, 3, 4]]]
    frame = pl.DataFrame({"date": dates, "cpi": [100.0, 101.0, 103.0, 102.0, 105.0]})
    with pytest.raises(InputError, match=r"price_index dates are not in increasing order"):
        premia.annualized_inflation(frame, 1, periods_per_year=12)
    ok = frame.sort("date")
    out = premia.annualized_inflation(ok, 1, periods_per_year=12)
    assert isinstance(out, pl.DataFrame) and out["date"].to_list() == sorted(dates)


def test_month_axis_of_refinancing_inputs_obeys_the_rule() -> None:
    from divergence import refinancing

    shocks = pd.Series([0.01, 0.0, -0.01], index=MONTHS[[0, 2, 1]])
    with pytest.raises(InputError, match=r"shocks dates are not in increasing order"):
        refinancing.policy_path(0.02, shocks)
    response = pd.Series([0.0, 1.0, 1.0, 2.0], index=MONTHS[[0, 1, 1, 2]])
    with pytest.raises(InputError, match=r"response has duplicate dates"):
        refinancing.pass_through_month(response)
