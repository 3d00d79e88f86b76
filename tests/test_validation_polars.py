"""The polars boundary of the validation layer: reading polars inputs and wrapping results back.

Checked: no copy where Arrow allows (a Float64 column without nulls is read as a view of its
buffer), one owned copy otherwise; nulls become NaN and then follow ``nan_policy``; a leading
Date/Datetime column is the index (in error messages and label checks) and is carried back
unchanged; every numeric dtype polars has is read, booleans and strings are refused with a
message naming the argument; inputs are never modified; ``import divergence`` imports no polars.
"""

from __future__ import annotations

import datetime as dt
import doctest
import re
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

pl = pytest.importorskip("polars")
pytest.importorskip("pyarrow")

from divergence import concentration as conc  # noqa: E402
from divergence._validation import (  # noqa: E402
    as_array,
    check_same_layout,
    check_same_rows,
    is_polars,
    merge_groups,
    to_caller,
    to_pandas,
)
from divergence.errors import InputError  # noqa: E402

DATES = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {"date": DATES, "A": [3.0, 4.0, 5.0], "B": [1.0, 1.0, 2.0], "C": [2.0, 1.5, 1.0]}
    )


# --------------------------------------------------------------------------- copies
def test_float_series_is_read_without_a_copy() -> None:
    s = pl.Series("x", [1.0, 2.0, 3.0])
    view, meta = as_array(s, "x", copy=False)
    assert np.shares_memory(view, s.to_numpy())  # the Arrow buffer itself
    assert not view.flags.writeable
    assert meta.polars and meta.kind == "series" and meta.label == "x" and meta.index is None
    owned, _ = as_array(s, "x")
    assert not np.shares_memory(owned, s.to_numpy()) and owned.flags.writeable
    owned[0] = 99.0
    assert s[0] == 1.0


def test_frame_in_one_block_is_read_without_a_copy() -> None:
    block = np.asfortranarray(np.arange(12.0).reshape(4, 3) + 1.0)
    frame = pl.from_numpy(block, schema=["A", "B", "C"])
    view, meta = as_array(frame, "x", copy=False)
    assert np.shares_memory(view, frame.to_numpy())
    np.testing.assert_array_equal(view, block)
    owned, _ = as_array(frame, "x")
    assert owned.flags.c_contiguous and owned.flags.writeable
    assert not np.shares_memory(owned, frame.to_numpy())
    kept, _ = as_array(frame, "x", order="K")  # columnar layout kept, still a copy
    assert kept.flags.f_contiguous and not np.shares_memory(kept, frame.to_numpy())
    assert list(meta.columns) == ["A", "B", "C"] and meta.index is None


def test_frame_with_a_date_column_is_read_and_not_modified() -> None:
    frame = _frame()
    before = frame.clone()
    values, meta = as_array(frame, "caps")
    values[:] = 0.0
    assert frame.equals(before)
    np.testing.assert_array_equal(
        as_array(frame, "caps")[0], [[3.0, 1.0, 2.0], [4.0, 1.0, 1.5], [5.0, 2.0, 1.0]]
    )
    assert isinstance(meta.index, pd.DatetimeIndex) and meta.index.name == "date"
    assert list(meta.index.date) == DATES
    assert list(meta.columns) == ["A", "B", "C"]
    assert meta.polars_index is not None and meta.polars_index.equals(frame["date"])


# --------------------------------------------------------------------------- nulls and dtypes
def test_nulls_become_nan_and_follow_nan_policy() -> None:
    frame = pl.DataFrame(
        {"date": DATES, "A": [3.0, None, 5.0], "B": [1, 2, None], "C": [2.0, 1.5, 1.0]}
    )
    values, _ = as_array(frame, "caps")
    assert np.isnan(values[1, 0]) and np.isnan(values[2, 1]) and np.isnan(values).sum() == 2
    with pytest.raises(InputError, match=r"caps has 2 NaN .* first at row 2024-02-29, column 'A'"):
        as_array(frame, "caps", allow_nan=False)
    # the same numbers in pandas (NaN for null) give the same results under each policy
    pandas_twin = pd.DataFrame(values, index=pd.DatetimeIndex(DATES), columns=["A", "B", "C"])
    for policy in ("omit", "propagate"):
        got = conc.hhi(frame, nan_policy=policy)
        want = conc.hhi(pandas_twin, nan_policy=policy)
        np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=1e-12, equal_nan=True)
    # hand check of row 2 under "omit": B = 2 and C = 1.5 present -> (2/3.5)^2 + (1.5/3.5)^2
    assert conc.hhi(frame)[1] == pytest.approx((2 / 3.5) ** 2 + (1.5 / 3.5) ** 2, rel=1e-14)
    assert np.isnan(conc.hhi(frame, nan_policy="propagate")[1])
    with pytest.raises(InputError, match="nan_policy='raise'"):
        conc.hhi(frame, nan_policy="raise")


@pytest.mark.parametrize(
    "dtype",
    [pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
     pl.Float32, pl.Float64],
)  # fmt: skip
def test_numeric_dtypes_are_read_as_float64(dtype: object) -> None:
    s = pl.Series("x", [1, 2, 3, 100], dtype=dtype)
    values, _ = as_array(s, "x")
    assert values.dtype == np.float64
    np.testing.assert_array_equal(values, [1.0, 2.0, 3.0, 100.0])
    frame = pl.DataFrame({"a": s, "b": s})
    assert as_array(frame, "x")[0].shape == (4, 2)
    assert s.dtype == dtype  # the caller's column keeps its dtype


def test_decimal_and_nullable_ints() -> None:
    dec = pl.Series("d", [Decimal("1.25"), Decimal("2.50")])
    np.testing.assert_array_equal(as_array(dec, "d")[0], [1.25, 2.5])
    ints = pl.Series("i", [1, None, 3], dtype=pl.Int32)
    np.testing.assert_array_equal(as_array(ints, "i")[0], [1.0, np.nan, 3.0])


def test_non_numeric_polars_inputs_are_refused() -> None:
    with pytest.raises(TypeError, match="x must hold numbers, got polars dtype Boolean"):
        as_array(pl.Series("x", [True, False]), "x")
    with pytest.raises(TypeError, match="String"):
        as_array(pl.Series("x", ["1", "2"]), "x")
    bad = _frame().with_columns(pl.Series("sector", ["a", "b", "c"]), pl.col("B") > 1)
    with pytest.raises(TypeError, match=r"caps must hold numbers only after the leading date "
                       r"column; 2 column\(s\) .*: 'B', 'sector'"):  # fmt: skip
        as_array(bad, "caps")
    text_dates = _frame().with_columns(pl.col("date").cast(pl.String))
    with pytest.raises(TypeError, match=r"'date'.*cast 'date' to pl\.Date or pl\.Datetime"):
        as_array(text_dates, "caps")
    second_date = _frame().select("A", "date")  # a date column that does not lead
    with pytest.raises(TypeError, match="'date'"):
        as_array(second_date, "caps")
    with pytest.raises(TypeError, match=r"LazyFrame; call \.collect\(\)"):
        as_array(_frame().lazy(), "caps")


def test_empty_polars_inputs() -> None:
    with pytest.raises(InputError, match="x is empty"):
        as_array(pl.Series("x", [], dtype=pl.Float64), "x")
    with pytest.raises(InputError, match="caps is empty"):
        as_array(_frame().select("date"), "caps")


# --------------------------------------------------------------------------- labels
def test_label_checks_use_dates_and_names() -> None:
    a_meta = as_array(_frame(), "returns")[1]
    shifted = _frame().with_columns(pl.col("date").dt.offset_by("1d"))
    with pytest.raises(InputError, match="returns and caps have different indexes"):
        check_same_layout(a_meta, as_array(shifted, "caps")[1])
    renamed = _frame().rename({"C": "Z"})
    with pytest.raises(InputError, match="different columns"):
        check_same_layout(a_meta, as_array(renamed, "caps")[1])
    # a polars Series, or a frame without dates, has no index: matched by position
    check_same_rows(a_meta, as_array(pl.Series("b", [0.1, 0.2, 0.3]), "benchmark")[1])
    check_same_layout(a_meta, as_array(_frame().drop("date"), "caps")[1])


def test_share_classes_on_polars_columns() -> None:
    frame = _frame()
    values, meta = as_array(frame, "x")
    merged, mmeta = merge_groups(values, meta, {"B": "A"})
    assert list(mmeta.columns) == ["A", "C"] and mmeta.polars
    out = mmeta.wrap_like(merged)
    assert isinstance(out, pl.DataFrame) and out.columns == ["date", "A", "C"]
    np.testing.assert_array_equal(out["A"].to_numpy(), [4.0, 5.0, 7.0])


# --------------------------------------------------------------------------- wrapping back
def test_wrappers_build_polars() -> None:
    frame = _frame()
    values, meta = as_array(frame, "x")
    like = meta.wrap_like(values * 2)
    assert like.columns == ["date", "A", "B", "C"] and like.schema["date"] == pl.Date
    assert like["A"].to_list() == [6.0, 8.0, 10.0]
    rows = meta.wrap_reduction(values.sum(axis=1), name="total")
    assert isinstance(rows, pl.Series) and rows.name == "total"
    assert rows.to_list() == [6.0, 6.5, 8.0]
    panel = meta.wrap_panel(values[:, :2], ["p", "q"])
    assert panel.columns == ["date", "p", "q"]
    assert meta.wrap_rows(values[:, 0]).name == ""  # no name given, a frame has no label
    s_values, s_meta = as_array(pl.Series("v", [1.0, 2.0]), "v")
    assert s_meta.wrap_like(s_values).name == "v"
    assert meta.as_pandas().wrap_like(values).index.equals(meta.index)


def test_to_caller_conventions() -> None:
    _, meta = as_array(_frame(), "x")
    idx = meta.index
    on_rows = to_caller(pd.DataFrame({"n": [1.0, 2.0, 3.0]}, index=idx), meta)
    assert on_rows.columns == ["date", "n"] and on_rows["date"].equals(_frame()["date"])
    over_cols = to_caller(pd.Series([0.1, 0.2, 0.3], index=meta.columns, name="var"), meta)
    assert over_cols.columns == ["A", "B", "C"] and over_cols.row(0) == (0.1, 0.2, 0.3)
    other = to_caller(pd.Series([1.0, 2.0], index=pd.Index([1, 2], name="lag"), name="c"), meta)
    assert other.columns == ["lag", "c"]
    table = to_caller(pd.DataFrame({"coef": [0.5]}, index=pd.Index([0], name="horizon")), meta)
    assert table.columns == ["horizon", "coef"]
    levels = pd.MultiIndex.from_tuples([("SPX", "A"), ("SPX", "B")], names=["root", "expiry"])
    multi = to_caller(pd.Series([0.04, 0.02], index=levels, name="variance"), meta)
    assert multi.columns == ["root", "expiry", "variance"]
    assert multi.row(1) == ("SPX", "B", 0.02)
    flags = to_caller(pd.Series([True, False, True], index=idx, name="out"), meta)
    assert flags.dtype == pl.Boolean and flags.to_list() == [True, False, True]
    numpy_meta = as_array(np.ones(3), "y")[1]
    kept = pd.Series([1.0])
    assert to_caller(kept, numpy_meta) is kept
    assert to_caller(1.5, meta) == 1.5
    assert isinstance(to_caller(pd.Series([1.0, 2.0]), pl.DataFrame({"k": [1.0]})), pl.Series)


def test_to_pandas() -> None:
    out = to_pandas(_frame())
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["A", "B", "C"]
    assert list(out.index.date) == DATES and out.index.name == "date"
    flat = to_pandas(_frame(), date_index=False)
    assert list(flat.columns) == ["date", "A", "B", "C"]
    assert isinstance(to_pandas(pl.Series("x", [1.0])), pd.Series)
    arr = np.ones(2)
    assert to_pandas(arr) is arr
    with pytest.raises(TypeError, match="LazyFrame"):
        to_pandas(_frame().lazy())


def test_is_polars() -> None:
    assert is_polars(_frame()) and is_polars(pl.Series([1.0])) and is_polars(_frame().lazy())
    assert not is_polars(pd.DataFrame()) and not is_polars(np.ones(2)) and not is_polars([1.0])


@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 4)),
        elements=st.one_of(st.floats(0.0, 1e6), st.just(np.nan)),
    )
)
def test_round_trip_property(values: np.ndarray) -> None:
    """A frame read and wrapped back unchanged is the input, with nulls read as NaN."""
    frame = pl.DataFrame({f"c{j}": values[:, j] for j in range(values.shape[1])}).with_columns(
        pl.all().fill_nan(None)
    )
    arr, meta = as_array(frame, "x", allow_all_nan=True)
    np.testing.assert_array_equal(arr, values)
    back = meta.wrap_like(arr)
    assert back.columns == frame.columns
    np.testing.assert_array_equal(back.to_numpy(), values)


def test_import_divergence_does_not_import_polars() -> None:
    code = (
        "import sys, numpy as np, divergence; "
        "from divergence import concentration, breadth, risk, premia, cost; "
        "concentration.hhi(np.ones((2, 2))); "
        "print('polars' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_getting_started_polars_example_runs() -> None:
    """The polars example of docs/getting_started.rst runs and prints what the page shows."""
    page = Path(__file__).resolve().parents[1] / "docs" / "getting_started.rst"
    text = page.read_text(encoding="utf-8")
    section = text[text.index("\npolars\n------\n") :]
    block = re.search(r"\.\. code-block:: pycon\n\n(.*?)\n\n(?=\S)", section, flags=re.S)
    assert block is not None, "the polars section has no pycon example"
    source = textwrap.dedent(block.group(1))
    test = doctest.DocTestParser().get_doctest(source, {}, "getting_started[polars]", str(page), 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_labels_given_as_polars_series() -> None:
    """Sector and company labels may be a polars Series: one label per column, in order."""
    from divergence import rotation

    caps = _frame()
    returns = caps.with_columns(pl.col("A", "B", "C") * 0.0 + 0.01)
    by_sector = rotation.sector_returns(returns, caps, pl.Series(["Tech", "Tech", "Util"]))
    want = rotation.sector_returns(returns, caps, ["Tech", "Tech", "Util"])
    assert by_sector.columns == ["date", "Tech", "Util"] and by_sector.equals(want)
    merged = conc.hhi(caps, groups=pl.Series(["X", "X", "Y"]))
    # first row: companies X = 3 + 1 and Y = 2 -> (4/6)^2 + (2/6)^2
    assert merged[0] == pytest.approx((4 / 6) ** 2 + (2 / 6) ** 2, rel=1e-14)
