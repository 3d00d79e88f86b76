"""Assertions the mutation run of divergence._validation showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_validation.json``): mostly the exact text of an error message (the
argument, the count, the first offending place), the boundary of a range check, and the labels
a wrapped result carries. The expected messages are written out by hand from the documented
contract ("the message names the argument, the problem and the first place it occurs"); the
expected numbers are worked by hand or come from numpy/pandas doing the same thing directly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import _validation as v
from divergence.errors import InputError, UnitWarning

#: Stack positions are not observable under mutmut: its trampolines add frames between the
#: package's functions, so the checks of where a warning points are skipped there.
UNDER_MUTMUT = pytest.mark.skipif(
    "MUTANT_UNDER_TEST" in os.environ, reason="mutmut's trampolines change the stack"
)


def _exact(text: str) -> str:
    """A regex that matches exactly ``text`` (the whole message)."""
    return "^" + re.escape(text) + "$"


# --------------------------------------------------------------------------- labels, locate
def test_fmt_label_forms() -> None:
    # dates at midnight print as the date, other times in full; strings quoted; else str()
    assert v.fmt_label(pd.Timestamp("2024-01-31")) == "2024-01-31"
    assert v.fmt_label(pd.Timestamp("2024-01-31 15:30")) == "2024-01-31 15:30:00"
    assert v.fmt_label("a") == "'a'"
    assert v.fmt_label(7) == "7"
    assert v.fmt_label(("a", 1)) == "('a', 1)"


def test_locate_every_layout() -> None:
    one = v.Meta("x", "ndarray", 1, (3,))
    assert one.locate(np.array([False, False, False])) == "nowhere"
    assert one.locate(np.array([False, True, True])) == "at position 1"
    dated = v.Meta(
        "x", "series", 1, (3,), pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-03"])
    )
    assert dated.locate(np.array([False, False, True])) == "at 2024-01-03 (position 2)"
    two = v.Meta("x", "ndarray", 2, (2, 3))
    mask = np.zeros((2, 3), dtype=bool)
    mask[1, 2] = True
    mask[1, 0] = False
    assert two.locate(mask) == "at row 1, column 2"
    labelled = v.Meta("x", "frame", 2, (2, 3), pd.Index(["r0", "r1"]), pd.Index(["a", "b", "c"]))
    assert labelled.locate(mask) == "at row 'r1', column 'c'"
    rows_only = v.Meta("x", "frame", 2, (2, 3), pd.Index(["r0", "r1"]), None)
    assert rows_only.locate(mask) == "at row 'r1', column 2"
    cols_only = v.Meta("x", "frame", 2, (2, 3), None, pd.Index(["a", "b", "c"]))
    assert cols_only.locate(mask) == "at row 1, column 'c'"


def test_is_pandas_and_as_pandas() -> None:
    assert not v.Meta("x", "ndarray", 1, (2,)).is_pandas
    assert v.Meta("x", "series", 1, (2,)).is_pandas
    assert v.Meta("x", "frame", 2, (2, 2)).is_pandas
    m = v.Meta("x", "series", 1, (2,), polars=True, polars_index=None)
    back = m.as_pandas()
    assert back.polars is False and back.polars_index is None and back.kind == "series"


# --------------------------------------------------------------------------- wrapping
def test_wrap_reduction_types() -> None:
    vals = np.array([1.5, 2.5])
    assert v.Meta("x", "ndarray", 1, (4,)).wrap_reduction(np.array([3.25])) == 3.25
    assert isinstance(v.Meta("x", "series", 1, (4,)).wrap_reduction(np.array([3.25])), float)
    out = v.Meta("x", "ndarray", 2, (2, 3)).wrap_reduction(vals)
    assert isinstance(out, np.ndarray)
    np.testing.assert_array_equal(out, vals)
    idx = pd.Index(["d1", "d2"])
    s = v.Meta("x", "frame", 2, (2, 3), idx, pd.Index(list("abc"))).wrap_reduction(vals, "hhi")
    assert isinstance(s, pd.Series) and s.name == "hhi" and list(s.index) == ["d1", "d2"]
    np.testing.assert_array_equal(s.to_numpy(), vals)


def test_wrap_like_and_rows_and_panel_labels() -> None:
    idx = pd.Index(["d1", "d2"], name="date")
    cols = pd.Index(["a", "b"])
    frame_meta = v.Meta("x", "frame", 2, (2, 2), idx, cols)
    got = frame_meta.wrap_like(np.arange(4.0))
    pd.testing.assert_frame_equal(
        got, pd.DataFrame([[0.0, 1.0], [2.0, 3.0]], index=idx, columns=cols)
    )
    series_meta = v.Meta("x", "series", 1, (2,), idx, None, "price")
    got_s = series_meta.wrap_like(np.array([1.0, 2.0]))
    pd.testing.assert_series_equal(got_s, pd.Series([1.0, 2.0], index=idx, name="price"))
    arr = v.Meta("x", "ndarray", 1, (2,)).wrap_like([1, 2])
    assert isinstance(arr, np.ndarray) and arr.dtype == np.float64
    # rows: the given name wins, else the input's label
    rows = series_meta.wrap_rows(np.array([1.0, 2.0]))
    assert rows.name == "price" and list(rows.index) == ["d1", "d2"]
    assert series_meta.wrap_rows(np.array([1.0, 2.0]), name="z").name == "z"
    plain = v.Meta("x", "ndarray", 1, (2,)).wrap_rows(np.array([[1.0], [2.0]]))
    assert isinstance(plain, np.ndarray) and plain.shape == (2,)
    panel = frame_meta.wrap_panel(np.ones((2, 3)), ["p", "q", "r"])
    assert list(panel.columns) == ["p", "q", "r"] and list(panel.index) == ["d1", "d2"]
    raw = v.Meta("x", "ndarray", 2, (2, 2)).wrap_panel(np.ones((2, 3)), ["p", "q", "r"])
    assert isinstance(raw, np.ndarray) and raw.shape == (2, 3)


# --------------------------------------------------------------------------- coercion
def test_type_messages() -> None:
    with pytest.raises(TypeError, match=_exact("x must be array-like of numbers, got None")):
        v.as_array(None, "x")
    with pytest.raises(TypeError, match=_exact("x must be array-like of numbers, got a string")):
        v.as_array("1.0", "x")
    with pytest.raises(TypeError, match=_exact("x must be array-like of numbers, got a string")):
        v.as_array(b"1", "x")
    with pytest.raises(TypeError, match=_exact("x must hold numbers, got dtype object")):
        v.as_array(pd.Series(["a", "b"], dtype=object), "x")
    with pytest.raises(TypeError, match=r"^x could not be read as a numeric array: "):
        v.as_array([[1.0, 2.0], [1.0]], "x")
    table = {
        "booleans": [True, False],
        "Python objects (e.g. None or mixed types)": [1.0, None],
        "strings": ["a", "b"],
        "bytes": np.array([b"a"]),
        "datetimes": np.array(["2024-01-01"], dtype="datetime64[D]"),
        "timedeltas": np.array([1], dtype="timedelta64[D]"),
        "complex numbers": [1 + 2j],
    }
    for what, value in table.items():
        with pytest.raises(TypeError, match=_exact(f"x must hold real numbers, got {what}")):
            v.as_array(value, "x")
    with pytest.raises(TypeError, match=_exact("x must hold real numbers, got dtype |V8")):
        v.as_array(np.zeros(1, dtype="V8"), "x")


def test_frame_messages() -> None:
    dup = pd.DataFrame([[1.0, 2.0, 3.0]], columns=["a", "b", "a"])
    with pytest.raises(
        InputError,
        match=_exact(
            "x has duplicate column labels; first 'a' (column position 2). Each column must "
            "be one name: rename or aggregate the duplicates (e.g. x.T.groupby(level=0).sum().T) "
            "first"
        ),
    ):
        v.as_array(dup, "x")
    bad = pd.DataFrame({c: ["s"] for c in "abcdefg"} | {"z": [1.0]})
    with pytest.raises(
        TypeError,
        match=_exact(
            "x must hold numbers only; 7 column(s) have a non-numeric (or boolean) dtype: "
            "'a', 'b', 'c', 'd', 'e'"
        ),
    ):
        v.as_array(bad, "x")
    flags = pd.DataFrame({"a": [1.0], "b": [True]})
    with pytest.raises(
        TypeError, match=r"1 column\(s\) have a non-numeric \(or boolean\) dtype: 'b'$"
    ):
        v.as_array(flags, "x")


def test_numeric_dtype_rules() -> None:
    assert v._numeric_dtype(np.dtype("float64"))
    assert v._numeric_dtype(np.dtype("int8"))
    assert v._numeric_dtype(pd.Int64Dtype())
    assert not v._numeric_dtype(np.dtype(bool))
    assert not v._numeric_dtype(pd.BooleanDtype())
    assert not v._numeric_dtype(np.dtype("complex128"))
    assert not v._numeric_dtype(pd.CategoricalDtype([1, 2]))
    assert not v._numeric_dtype(np.dtype(object))


def test_object_columns_of_numbers() -> None:
    # Decimal from a database and ints stored as objects are numbers; a string column is not
    frame = pd.DataFrame(
        {"a": pd.Series([Decimal("1.5"), Decimal("2")], dtype=object), "b": [3.0, 4.0]}
    )
    values, meta = v.as_array(frame, "x")
    np.testing.assert_array_equal(values, [[1.5, 3.0], [2.0, 4.0]])
    assert meta.kind == "frame" and list(meta.columns) == ["a", "b"]
    mixed = pd.DataFrame(
        {"a": pd.Series([1, "x"], dtype=object), "b": pd.Series([2, 3], dtype=object)}
    )
    with pytest.raises(
        TypeError, match=r"1 column\(s\) have a non-numeric \(or boolean\) dtype: 'a'$"
    ):
        v.as_array(mixed, "x")
    obj = pd.Series([Decimal("0.25"), Decimal("1")], dtype=object, name="s")
    values1, meta1 = v.as_array(obj, "x")
    np.testing.assert_array_equal(values1, [0.25, 1.0])
    assert meta1.label == "s"
    # an empty object column stays object and is refused as non-numeric
    assert v._objects_as_float(pd.Series([], dtype=object)).dtype == object
    # a frame without object columns is returned as it is (same object)
    plain = pd.DataFrame({"a": [1.0]})
    assert v._objects_as_float(plain) is plain
    arr, _ = v.as_array(np.array([Decimal("1.5"), Decimal("2")], dtype=object), "x")
    np.testing.assert_array_equal(arr, [1.5, 2.0])
    assert v._real_objects(np.array([1.0, np.nan], dtype=object))
    assert not v._real_objects(np.array([1.0, None], dtype=object))


def test_copies_layouts_and_views() -> None:
    base = np.arange(6.0).reshape(2, 3)
    frame = pd.DataFrame(base.copy())
    c, _ = v.as_array(frame, "x")
    assert c.flags.c_contiguous and c.flags.writeable
    np.testing.assert_array_equal(c, base)
    k, _ = v.as_array(frame, "x", order="K")
    assert k.flags.writeable and not np.shares_memory(k, frame.to_numpy())
    np.testing.assert_array_equal(k, base)
    # a C-contiguous single-block frame (one column) still gives an owned copy
    col = pd.DataFrame({"a": [1.0, 2.0]})
    one, _ = v.as_array(col, "x")
    one[0, 0] = 9.0
    assert col.iloc[0, 0] == 1.0
    view, _ = v.as_array(frame, "x", copy=False)
    assert not view.flags.writeable
    s = pd.Series([1.0, 2.0])
    sv, _ = v.as_array(s, "x", copy=False)
    assert not sv.flags.writeable
    sc, _ = v.as_array(s, "x")
    sc[0] = 5.0
    assert s.iloc[0] == 1.0
    ints = np.array([1, 2], dtype=np.int64)
    iv, _ = v.as_array(ints, "x", copy=False)  # not float64: a float copy even with copy=False
    assert iv.dtype == np.float64 and iv.flags.writeable
    f = np.asfortranarray(base)
    kf, _ = v.as_array(f, "x", order="K")
    assert kf.flags.f_contiguous
    cf, _ = v.as_array(f, "x")
    assert cf.flags.c_contiguous
    with pytest.raises(InputError, match=_exact("order must be one of ['C', 'K'], got 'F'")):
        v.as_array(base, "x", order="F")  # type: ignore[arg-type]


def test_index_input_and_masked_arrays() -> None:
    values, meta = v.as_array(pd.Index([1.0, 2.0], name="n"), "x")
    np.testing.assert_array_equal(values, [1.0, 2.0])
    assert meta.kind == "series" and list(meta.index) == [0, 1] and meta.label == "n"
    masked = np.ma.MaskedArray(np.arange(4.0).reshape(2, 2), mask=[[0, 1], [0, 0]])
    out, m = v.as_array(masked, "x", allow_nan=True)
    assert np.isnan(out[0, 1]) and out[1, 1] == 3.0 and m.kind == "ndarray"
    fort = np.ma.MaskedArray(np.asfortranarray(np.arange(4.0).reshape(2, 2)))
    assert v.as_array(fort, "x", order="K")[0].flags.f_contiguous
    assert v.as_array(fort, "x")[0].flags.c_contiguous
    with pytest.raises(
        TypeError, match=_exact("x must hold real numbers, got a masked array of dtype <U1")
    ):
        v.as_array(np.ma.MaskedArray(np.array(["a"])), "x")


# --------------------------------------------------------------------------- as_array checks
def test_shape_messages() -> None:
    with pytest.raises(InputError, match=_exact("x must be 1-D, got a 2-D input of shape (1, 2)")):
        v.as_array([[1.0, 2.0]], "x", ndim=1)
    with pytest.raises(
        InputError, match=_exact("x must be 1-D or 2-D, got a 3-D input of shape (1, 1, 1)")
    ):
        v.as_array(np.ones((1, 1, 1)), "x")
    with pytest.raises(InputError, match=_exact("x is empty (shape (0,))")):
        v.as_array([], "x")
    with pytest.raises(
        InputError, match=_exact("x needs at least 3 entries along its last axis, got 2")
    ):
        v.as_array([1.0, 2.0], "x", min_size=3)
    assert v.as_array([1.0, 2.0], "x", min_size=2)[0].shape == (2,)


def test_value_messages() -> None:
    with pytest.raises(InputError, match=_exact("x has 2 NaN value(s) where none are allowed")):
        v.as_array([np.nan, np.nan], "x", allow_nan=False)
    with pytest.raises(InputError, match=_exact("x has no valid (non-NaN) value")):
        v.as_array([np.nan, np.nan], "x")
    with pytest.raises(InputError, match=_exact("x has 2 infinite value(s); first at position 1")):
        v.as_array([1.0, -np.inf, np.inf], "x")
    with pytest.raises(InputError, match=_exact("x has 1 infinite value(s); first at position 0")):
        v.as_array([np.inf, 1.0], "x")
    with pytest.raises(
        InputError,
        match=_exact("x has 2 NaN value(s) where none are allowed; first at position 1"),
    ):
        v.as_array([1.0, np.nan, np.nan], "x", allow_nan=False)
    with pytest.raises(
        InputError,
        match=_exact("x must be strictly positive; 2 value(s) are not; first at position 1"),
    ):
        v.as_array([1.0, 0.0, -1.0], "x", positive=True)
    with pytest.raises(
        InputError,
        match=_exact(
            "x has 1 value(s) below 1e-100: too small for a strictly positive price, level or "
            "time (it is divided by); first at position 0"
        ),
    ):
        v.as_array([1e-101, 1.0], "x", positive=True)
    with pytest.raises(InputError, match=_exact("x has 2 negative value(s); first at position 0")):
        v.as_array([-1.0, -2.0, 0.0], "x", nonnegative=True)
    assert v.as_array([0.0, 1.0], "x", nonnegative=True)[0][0] == 0.0
    with pytest.raises(
        InputError,
        match=_exact(
            "x has 2 value(s) larger than 1e+100 in magnitude (not a price, size, return or "
            "rate in any unit); first at position 1"
        ),
    ):
        v.as_array([1.0, -2e100, 2e100], "x")
    # a huge value next to an infinity: fmin/fmax see only the infinities
    with pytest.raises(InputError, match=r"1 value\(s\) larger than 1e\+100.*first at position 1$"):
        v.as_array([-np.inf, 5e100, np.inf], "x", allow_inf=True)
    ok, _ = v.as_array([-np.inf, 5e99, np.inf], "x", allow_inf=True)
    assert ok[1] == 5e99
    # a NaN among infinities with NaN allowed passes
    mixed, _ = v.as_array([-np.inf, np.nan, np.inf], "x", allow_inf=True)
    assert np.isnan(mixed[1])
    # max_abs given explicitly
    with pytest.raises(InputError, match=r"larger than 10 in magnitude"):
        v.as_array([11.0], "x", max_abs=10.0)
    assert v.as_array([10.0, -10.0], "x", max_abs=10.0)[0][0] == 10.0
    with pytest.raises(InputError, match=r"larger than 10 in magnitude"):
        v.as_array([-11.0], "x", max_abs=10.0)


def test_check_values_boundaries() -> None:
    # positive: the floor itself passes, zero fails with the "strictly positive" message
    assert v.as_array([v.MIN_POSITIVE], "x", positive=True)[0][0] == 1e-100
    with pytest.raises(InputError, match=r"^x must be strictly positive; 1 value"):
        v.as_array([0.0, 1.0], "x", positive=True)
    assert v._any_big(np.array([np.inf, 2.0]), 1.0)
    assert not v._any_big(np.array([np.inf, 1.0]), 1.0)
    assert not v._any_big(np.array([np.nan, 1.0]), 1.0)


def test_time_order_messages() -> None:
    idx = pd.DatetimeIndex(["2024-01-01", "2024-01-03", "2024-01-02"])
    with pytest.raises(
        InputError,
        match=_exact(
            "x dates are not in increasing order: 2024-01-02 (position 2) comes after "
            "2024-01-03; rows are read as periods in time order and are never reordered for "
            "you: sort them first (x.sort_index())"
        ),
    ):
        v.as_array(pd.Series([1.0, 2.0, 3.0], index=idx), "x", time_ordered=True)
    dup = pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-02"])
    with pytest.raises(
        InputError,
        match=_exact(
            "x has duplicate dates: 2024-01-02 (position 2) repeats the previous row; rows "
            "are periods in time order, so de-duplicate (x[~x.index.duplicated(keep='last')]) "
            "or aggregate them first"
        ),
    ):
        v.as_array(pd.Series([1.0, 2.0, 3.0], index=dup), "x", time_ordered=True)
    nat = pd.DatetimeIndex(["2024-01-01", "2024-01-02", None])
    with pytest.raises(InputError, match=_exact("x has a missing (NaT) date at position 2")):
        v.as_array(pd.Series([1.0, 2.0, 3.0], index=nat), "x", time_ordered=True)
    # not checked unless time_ordered; one row or a NaT-only single row are fine
    v.as_array(pd.Series([1.0, 2.0, 3.0], index=idx), "x")
    v.as_array(pd.Series([1.0], index=pd.DatetimeIndex([None])), "x", time_ordered=True)
    v.as_array(
        pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-01", "2024-01-02"])),
        "x",
        time_ordered=True,
    )


def test_hashable_labels_message() -> None:
    assert v.check_hashable_labels(("a", 1), "g") == ["a", 1]
    with pytest.raises(
        InputError,
        match=_exact(
            "g holds an unhashable label of type list at position 1 (['b']); labels must be "
            "hashable (str, int, tuple, ...)"
        ),
    ):
        v.check_hashable_labels(["a", ["b"]], "g")


# --------------------------------------------------------------------------- layouts
def test_lead_meta_and_adopt() -> None:
    plain = v.Meta("a", "ndarray", 2, (2, 2))
    labelled = v.Meta("b", "frame", 2, (2, 2), pd.Index(["r0", "r1"]), pd.Index(["c0", "c1"]))
    other = v.Meta("c", "frame", 2, (2, 2), pd.Index(["s0", "s1"]), pd.Index(["c0", "c1"]))
    assert v.lead_meta(plain, labelled, other) is labelled
    assert v.lead_meta(plain) is plain
    assert v.lead_meta(labelled, other) is labelled
    v.check_same_layout(plain, labelled)
    assert plain.kind == "frame" and list(plain.index) == ["r0", "r1"]
    assert list(plain.columns) == ["c0", "c1"] and plain.name == "a"
    # rows only: a series of the same rows gives a panel its index but not its columns
    panel = v.Meta("p", "ndarray", 2, (2, 3))
    series = v.Meta("s", "series", 1, (2,), pd.Index(["r0", "r1"]), None, "lab")
    v.check_same_rows(panel, series)
    assert panel.kind == "frame" and list(panel.index) == ["r0", "r1"] and panel.columns is None
    assert panel.label is None
    one = v.Meta("o", "ndarray", 1, (2,))
    v.check_same_rows(one, series)
    assert one.kind == "series" and one.label == "lab"
    # a pandas first input keeps its own labels
    first = v.Meta("f", "series", 1, (2,), pd.Index(["x0", "x1"]), None, "f")
    v.check_same_rows(first, v.Meta("g", "ndarray", 1, (2,)))
    assert list(first.index) == ["x0", "x1"] and first.label == "f"


def test_layout_messages() -> None:
    a = v.Meta("a", "ndarray", 1, (2,))
    b = v.Meta("b", "ndarray", 1, (3,))
    with pytest.raises(
        InputError, match=_exact("a and b must have the same shape, got (2,) and (3,)")
    ):
        v.check_same_layout(a, b)
    p = v.Meta("p", "ndarray", 2, (2, 2))
    q = v.Meta("q", "ndarray", 2, (3, 2))
    with pytest.raises(
        InputError, match=_exact("p and q must have the same number of rows, got 2 and 3")
    ):
        v.check_same_rows(p, q)
    sa = v.Meta("a", "series", 1, (2,), pd.Index(["x", "y"]))
    sb = v.Meta("b", "series", 1, (2,), pd.Index(["x", "z"]))
    expected = (
        "a and b have different indexes; e.g. 'y' only in a, 'z' only in b; align them first "
        "(e.g. a, b = a.align(b, join='inner'))"
    )
    with pytest.raises(InputError, match=_exact(expected)):
        v.check_same_layout(sa, sb)
    with pytest.raises(InputError, match=_exact(expected)):
        v.check_same_rows(sa, sb)
    sc = v.Meta("c", "series", 1, (2,), pd.Index(["y", "x"]))
    with pytest.raises(
        InputError,
        match=_exact(
            "a and c have different indexes (same labels, other order); align them first "
            "(e.g. a, c = a.align(c, join='inner'))"
        ),
    ):
        v.check_same_layout(sa, sc)
    fa = v.Meta("a", "frame", 2, (1, 2), pd.Index([0]), pd.Index(["u", "v"]))
    fb = v.Meta("b", "frame", 2, (1, 2), pd.Index([0]), pd.Index(["u", "w"]))
    with pytest.raises(
        InputError,
        match=_exact(
            "a and b have different columns; e.g. 'v' only in a, 'w' only in b; align them "
            "first (e.g. a, b = a.align(b, join='inner'))"
        ),
    ):
        v.check_same_layout(fa, fb)
    # one side only: a subset
    sd = v.Meta("d", "series", 2, (2,), pd.Index(["x", "x"]))
    err = v._index_mismatch(sa, sd, "index", sa.index, pd.Index(["x"]))
    assert str(err).startswith("a and d have different indexes; e.g. 'y' only in a; align")
    err2 = v._index_mismatch(sd, sa, "index", pd.Index(["x"]), sa.index)
    assert str(err2).startswith("d and a have different indexes; e.g. 'y' only in a; align")
    dates = pd.DatetimeIndex(["2024-01-01"])
    strings = pd.Index(["2024-01-01"])
    err3 = v._index_mismatch(sa, sb, "index", dates, strings)
    assert str(err3) == (
        f"a and b have different indexes (index dtypes differ: {dates.dtype} vs "
        f"{strings.dtype}; e.g. "
        "2024-01-01 vs '2024-01-01'). Convert one (e.g. pd.to_datetime) so that the labels match"
    )
    err4 = v._index_mismatch(sa, sb, "column", pd.Index([], dtype=np.int64), strings)
    assert str(err4).startswith(
        "a and b have different columns (column dtypes differ: int64 vs "
        f"{strings.dtype}; e.g. - vs "
    )
    err5 = v._index_mismatch(sa, sb, "column", strings, pd.Index([], dtype=np.int64))
    assert "e.g. '2024-01-01' vs -)" in str(err5)


# --------------------------------------------------------------------------- scalars
def test_check_option_messages() -> None:
    assert v.check_option("a", "opt", ("a", "b")) == "a"
    with pytest.raises(TypeError, match=_exact("opt must be one of ['a', 'b'], got int")):
        v.check_option(1, "opt", ("a", "b"))
    with pytest.raises(InputError, match=_exact("opt must be one of ['a', 'b'], got 'c'")):
        v.check_option("c", "opt", ("a", "b"))


def test_check_int_bounds_and_messages() -> None:
    assert v.check_int(5, "k", minimum=5, maximum=5) == 5
    assert v.check_int(np.int32(-3), "k") == -3
    with pytest.raises(TypeError, match=_exact("k must be an integer, got bool")):
        v.check_int(True, "k")
    with pytest.raises(
        TypeError, match=_exact("k must be an integer, got " + type(np.bool_(True)).__name__)
    ):
        v.check_int(np.bool_(True), "k")
    with pytest.raises(TypeError, match=_exact("k must be an integer, got float")):
        v.check_int(1.0, "k")
    with pytest.raises(InputError, match=_exact("k must be >= 5, got 4")):
        v.check_int(4, "k", minimum=5)
    with pytest.raises(InputError, match=_exact("k must be <= 5, got 6")):
        v.check_int(6, "k", maximum=5)
    assert v.check_int(10**100, "k") == 10**100
    with pytest.raises(
        InputError, match=_exact("k must be at most 1e+100 in magnitude, got 1e+101")
    ):
        v.check_int(10**101, "k")
    with pytest.raises(
        InputError, match=_exact("k must be at most 1e+100 in magnitude, got -1e+101")
    ):
        v.check_int(-(10**101), "k")


def test_check_float_bounds_and_messages() -> None:
    assert v.check_float(np.float32(0.5), "c") == 0.5
    assert v.check_float(np.int64(2), "c") == 2.0
    with pytest.raises(TypeError, match=_exact("c must be a real number, got bool")):
        v.check_float(False, "c")
    with pytest.raises(TypeError, match=_exact("c must be a real number, got str")):
        v.check_float("1", "c")
    with pytest.raises(
        InputError, match=_exact("c is too large in magnitude, got " + str(10**400))
    ):
        v.check_float(10**400, "c")
    with pytest.raises(InputError, match=_exact("c must be a finite number, got nan")):
        v.check_float(float("nan"), "c")
    with pytest.raises(InputError, match=_exact("c must be a finite number, got nan")):
        v.check_float(float("nan"), "c", allow_inf=True)
    with pytest.raises(InputError, match=_exact("c must be a finite number, got -inf")):
        v.check_float(-np.inf, "c")
    assert v.check_float(np.inf, "c", allow_inf=True) == np.inf
    with pytest.raises(
        InputError, match=_exact("c must be at most 1e+100 in magnitude, got -2e+100")
    ):
        v.check_float(-2e100, "c")
    assert v.check_float(1e100, "c") == 1e100
    assert v.check_float(2e100, "c", max_abs=None) == 2e100
    assert v.check_float(5.0, "c", max_abs=5.0) == 5.0
    with pytest.raises(InputError, match=_exact("c must be at most 5 in magnitude, got 5.5")):
        v.check_float(5.5, "c", max_abs=5.0)
    # lower bound, inclusive and exclusive
    assert v.check_float(1.0, "c", minimum=1.0) == 1.0
    with pytest.raises(InputError, match=_exact("c must be >= 1.0, got 0.5")):
        v.check_float(0.5, "c", minimum=1.0)
    with pytest.raises(InputError, match=_exact("c must be > 1.0, got 1.0")):
        v.check_float(1.0, "c", minimum=1.0, inclusive=(False, True))
    assert v.check_float(1.5, "c", minimum=1.0, inclusive=(False, True)) == 1.5
    # strictly positive: the floor 1 / max_abs
    with pytest.raises(
        InputError, match=_exact("c must be at least 1e-100 (strictly positive), got 1e-101")
    ):
        v.check_float(1e-101, "c", minimum=0.0, inclusive=(False, True))
    assert v.check_float(1e-100, "c", minimum=0.0, inclusive=(False, True)) == 1e-100
    assert v.check_float(1e-101, "c", minimum=0.0, inclusive=(False, True), max_abs=None) == 1e-101
    assert v.check_float(1e-101, "c", minimum=0.0) == 1e-101  # inclusive zero: no floor
    assert v.check_float(1e-101, "c", minimum=-1.0, inclusive=(False, True)) == 1e-101
    # upper bound
    assert v.check_float(2.0, "c", maximum=2.0) == 2.0
    with pytest.raises(InputError, match=_exact("c must be <= 2.0, got 2.5")):
        v.check_float(2.5, "c", maximum=2.0)
    with pytest.raises(InputError, match=_exact("c must be < 2.0, got 2.0")):
        v.check_float(2.0, "c", maximum=2.0, inclusive=(True, False))
    assert v.check_float(1.5, "c", maximum=2.0, inclusive=(True, False)) == 1.5


def test_check_bool_window_lag() -> None:
    assert v.check_bool(np.bool_(False), "b") is False
    assert v.check_bool(True, "b") is True
    with pytest.raises(TypeError, match=_exact("b must be True or False, got int")):
        v.check_bool(1, "b")
    assert v.check_window(5, 5) == 5
    with pytest.raises(
        InputError, match=_exact("window=6 is longer than the data (5 observations)")
    ):
        v.check_window(6, 5)
    with pytest.raises(InputError, match=_exact("window must be >= 1, got 0")):
        v.check_window(0, 5)
    with pytest.raises(InputError, match=_exact("w must be >= 2, got 1")):
        v.check_window(1, 5, "w", minimum=2)
    assert v.check_lag(4, 5) == 4
    with pytest.raises(
        InputError,
        match=_exact(
            "periods=5 looks back further than the data allows (5 rows; a change over 5 rows "
            "needs at least 6)"
        ),
    ):
        v.check_lag(5, 5)
    with pytest.raises(InputError, match=_exact("k must be >= 1, got 0")):
        v.check_lag(0, 5, "k")


# --------------------------------------------------------------------------- seeds
def test_generators_and_seed_sequences() -> None:
    g = np.random.default_rng(3)
    assert v.as_generator(g) is g
    ref = np.random.default_rng(np.random.SeedSequence(11)).random()
    assert v.as_generator(np.random.SeedSequence(11)).random() == ref
    assert v.as_generator(np.int64(11)).random() == np.random.default_rng(11).random()
    assert isinstance(v.as_generator(None), np.random.Generator)
    with pytest.raises(
        TypeError,
        match=_exact("seed must be an int, a numpy Generator, a SeedSequence or None, got bool"),
    ):
        v.as_generator(True)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=_exact("seed must be non-negative, got -2")):
        v.as_generator(-2)
    assert v.as_generator(0).random() == np.random.default_rng(0).random()
    # the reference: numpy's own SeedSequence.spawn
    kids = np.random.SeedSequence(5).spawn(4)
    want = [np.random.default_rng(k).random() for k in kids]
    assert [x.random() for x in v.spawn_generators(5, 1)] == want[:1]
    assert [x.random() for x in v.spawn_generators(5, 4, start=0)] == want
    with pytest.raises(InputError, match=_exact("n must be >= 1, got 0")):
        v.spawn_generators(5, 0)
    ss = v.as_seed_sequence(5, skip=2)
    assert ss.n_children_spawned == 2 and ss.entropy == 5
    assert [np.random.default_rng(k).random() for k in ss.spawn(2)] == want[2:]
    # a Generator seed: its bit generator's seed sequence, not consumed
    gen = np.random.default_rng(np.random.SeedSequence(5))
    from_gen = v.as_seed_sequence(gen)
    assert from_gen.entropy == 5 and from_gen.n_children_spawned == 0
    gen_ss = gen.bit_generator.seed_seq
    assert isinstance(gen_ss, np.random.SeedSequence)
    assert gen_ss.n_children_spawned == 0
    src = np.random.SeedSequence(9, spawn_key=(1,), pool_size=8)
    copied = v.as_seed_sequence(src)
    assert copied.spawn_key == (1,) and copied.pool_size == 8 and copied is not src
    fresh = v.as_seed_sequence(None)
    assert isinstance(fresh.entropy, int)
    with pytest.raises(TypeError, match=r"^seed must be an int"):
        v.as_seed_sequence(1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- per item, bounds
def test_lower_bound_and_simple_returns() -> None:
    meta = v.Meta("r", "ndarray", 1, (3,))
    with pytest.raises(
        InputError,
        match=_exact(
            "r has 1 value(s) below -1 (a loss of more than 100%); first at position 2. Pass "
            "simple decimal returns, not percent or log returns of levels."
        ),
    ):
        v.check_simple_returns(np.array([0.1, -1.0, -1.5]), meta)
    v.check_simple_returns(np.array([0.1, -1.0, np.nan]), meta)
    with pytest.raises(
        InputError, match=_exact("r has 2 value(s) at or below 0; first at position 1.")
    ):
        v.check_lower_bound(np.array([1.0, 0.0, -1.0]), meta, 0.0, strict=True)
    v.check_lower_bound(np.array([1.0, 0.0, 2.0]), meta, 0.0, strict=False)


def test_as_per_item() -> None:
    np.testing.assert_array_equal(v.as_per_item(2.0, "c", 3, of="asset"), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(v.as_per_item([2.0], "c", 3, of="asset"), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(v.as_per_item([2.0], "c", 1, of="asset"), [2.0])
    np.testing.assert_array_equal(v.as_per_item([1.0, 2.0], "c", 2, of="asset"), [1.0, 2.0])
    with pytest.raises(
        InputError, match=_exact("c must be a scalar or have one value per asset (3), got 2")
    ):
        v.as_per_item([1.0, 2.0], "c", 3, of="asset")
    with pytest.raises(InputError, match=r"^c has 1 NaN value"):
        v.as_per_item([1.0, np.nan], "c", 2, of="asset")
    seen: list[str] = []
    v.as_per_item(
        pd.Series([1.0, 2.0]), "c", 2, of="asset", check_labels=lambda m: seen.append(m.name)
    )
    assert seen == ["c"]
    with pytest.raises(InputError, match=_exact("c has 1 negative value(s); first at position 0")):
        v.as_per_item(-1.0, "c", 2, of="asset", nonnegative=True)


def test_nan_row_mask() -> None:
    vals = np.array([[1.0, np.nan], [2.0, 3.0]])
    meta = v.Meta("x", "ndarray", 2, (2, 2))
    assert v.nan_row_mask(vals, meta, "omit") is None
    np.testing.assert_array_equal(v.nan_row_mask(vals, meta, "propagate"), [True, False])
    assert v.nan_row_mask(vals[1:], v.Meta("x", "ndarray", 2, (1, 2)), "raise") is None
    with pytest.raises(
        InputError,
        match=_exact("x has 1 NaN value(s) and nan_policy='raise'; first at row 0, column 1"),
    ):
        v.nan_row_mask(vals, meta, "raise")
    with pytest.raises(
        InputError,
        match=_exact("nan_policy must be one of ['omit', 'propagate', 'raise'], got 'drop'"),
    ):
        v.nan_row_mask(vals, meta, "drop")


# --------------------------------------------------------------------------- share classes
def test_merge_groups_messages_and_sums() -> None:
    values = np.array([[1.0, 2.0, 4.0], [np.nan, np.nan, 8.0]])
    meta = v.Meta("caps", "ndarray", 2, (2, 3))
    same, same_meta = v.merge_groups(values, meta, None)
    assert same is values and same_meta is meta
    merged, m = v.merge_groups(values, meta, ["A", "B", "A"])
    # by hand: A = cols 0 + 2, B = col 1 (NaN when no class present)
    np.testing.assert_array_equal(merged, [[5.0, 2.0], [8.0, np.nan]])
    assert m.columns is None and m.shape == (2, 2)
    distinct, dm = v.merge_groups(values, meta, ["A", "B", "C"])
    np.testing.assert_array_equal(distinct, values)
    assert distinct is not values and dm.shape == (2, 3)
    by_pos, _ = v.merge_groups(values, meta, {0: "A", 2: "A"})
    np.testing.assert_array_equal(by_pos, [[5.0, 2.0], [8.0, np.nan]])
    with pytest.raises(
        InputError,
        match=_exact("groups mentions 1 label(s) that are not columns of caps; first 'Z'"),
    ):
        v.merge_groups(values, meta, {0: "A", "Z": "A"})
    with pytest.raises(
        InputError, match=_exact("sectors must give one company per column (3), got 2 labels")
    ):
        v.merge_groups(values, meta, ["A", "B"], "sectors")
    with pytest.raises(
        TypeError, match=_exact("groups must be a mapping, a Series or a sequence of labels")
    ):
        v.merge_groups(values, meta, "ABA")  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=_exact("groups contains a missing (NaN/None) company label")
    ):
        v.merge_groups(values, meta, ["A", None, "A"])
    # tuples are labels, not missing
    tup, _ = v.merge_groups(values, meta, [("A", 1), ("B", 1), ("A", 1)])
    np.testing.assert_array_equal(tup, [[5.0, 2.0], [8.0, np.nan]])
    # a Series of groups maps labels; labelled input keeps company labels as columns
    frame_meta = v.Meta("caps", "frame", 2, (2, 3), pd.Index([0, 1]), pd.Index(["a1", "b", "a2"]))
    fm_vals, fm = v.merge_groups(values, frame_meta, pd.Series({"a1": "A", "a2": "A"}))
    assert list(fm.columns) == ["A", "b"] and fm.kind == "frame"
    np.testing.assert_array_equal(fm_vals, [[5.0, 2.0], [8.0, np.nan]])
    # a 1-D (one date) input: the companies become the index of a Series
    row = np.array([1.0, 2.0, 4.0])
    s_meta = v.Meta("w", "series", 1, (3,), pd.Index(["a1", "b", "a2"]))
    r_vals, rm = v.merge_groups(row, s_meta, {"a1": "A", "a2": "A"})
    np.testing.assert_array_equal(r_vals, [5.0, 2.0])
    assert rm.ndim == 1 and rm.shape == (2,) and list(rm.index) == ["A", "b"] and rm.columns is None
    a_meta = v.Meta("w", "ndarray", 1, (3,))
    a_vals, am = v.merge_groups(row, a_meta, ["A", "B", "A"])
    np.testing.assert_array_equal(a_vals, [5.0, 2.0])
    assert am.index is None and am.shape == (2,)


# --------------------------------------------------------------------------- units
def test_warn_units_thresholds_and_messages() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v.warn_units([1.0, -1.0, 1.0], "r", "rate")  # median |x| = 1: at the limit, quiet
        v.warn_units([5.0, 5.0], "t", "years")
        v.warn_units([0.5, -0.5], "x", "return")
        v.warn_units([np.nan, np.inf], "x", "return")  # nothing finite: quiet
    with pytest.warns(UnitWarning) as rec:
        v.warn_units([2.0, 3.0, np.nan, 4.0], "rate", "rate")
    assert str(rec[0].message) == (
        "rate has a median magnitude of 3, above 1 (100%): it looks like percent, not "
        "decimals. Pass 0.05 for 5% (divide by 100). If the magnitude is intended, silence "
        "divergence.errors.UnitWarning."
    )
    with pytest.warns(UnitWarning) as rec:
        v.warn_units([30.0, 60.0, 90.0], "tau", "years")
    assert str(rec[0].message) == (
        "tau has a median of 60, above 5 years: it looks like days, not years. Pass years "
        "(e.g. days / 365, or minutes / 525,600). If the magnitude is intended, silence "
        "divergence.errors.UnitWarning."
    )
    with pytest.warns(UnitWarning) as rec:
        v.warn_units([100.0, 101.0, 102.0], "ret", "return")
    assert str(rec[0].message) == (
        "ret has a median magnitude of 101, above 0.5 (a 50% return per period): every value "
        "is positive, so these look like prices or index levels, not returns. Pass decimal "
        "returns, e.g. prices.pct_change(). If the magnitude is intended, silence "
        "divergence.errors.UnitWarning."
    )
    with pytest.warns(UnitWarning) as rec:
        v.warn_units([1.5, -2.0, 0.0, 3.0], "ret", "return")
    assert str(rec[0].message) == (
        "ret has a median magnitude of 1.75, above 0.5 (a 50% return per period): these look "
        "like percent returns. Pass 0.01 for 1% (divide by 100). If the magnitude is intended, "
        "silence divergence.errors.UnitWarning."
    )


@UNDER_MUTMUT
def test_warn_units_points_at_the_callers_line() -> None:
    # the warning points at this line (the first frame outside the package)
    with pytest.warns(UnitWarning) as rec:
        v.warn_units([2.0], "rate", "rate")
    assert rec[0].filename == __file__


def test_warn_units_samples_large_inputs() -> None:
    # UNIT_SAMPLE + 1 values: every other one is looked at (step 2), i.e. the even positions.
    # Even positions hold 10, odd ones 0.1: the median of the sample is 10 (warns); the
    # median of all values would be 0.1 or 10 depending on the count, so the sample decides.
    n = v.UNIT_SAMPLE + 1
    big = np.where(np.arange(n) % 2 == 0, 10.0, 0.1)
    with pytest.warns(UnitWarning, match=r"^x has a median magnitude of 10,"):
        v.warn_units(big, "x", "rate")
    # exactly UNIT_SAMPLE values are all looked at: 32768 tens and 32768 tenths, median 5.05
    even = np.where(np.arange(v.UNIT_SAMPLE) % 2 == 0, 10.0, 0.1)
    with pytest.warns(UnitWarning, match=r"^x has a median magnitude of 5.05,"):
        v.warn_units(even, "x", "rate")


@UNDER_MUTMUT
def test_user_stacklevel_at_least_one() -> None:
    # called from outside the package: this frame is the user's, level 1
    assert v.user_stacklevel() == 1


# --------------------------------------------------------------------------- polars
def _pl() -> Any:
    pytest.importorskip("pyarrow")
    return pytest.importorskip("polars")


DAYS = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)]


def test_polars_series_reading() -> None:
    pl = _pl()
    s = pl.Series("v", [1.0, 2.0, 3.0])
    owned, meta = v.as_array(s, "x")
    assert owned.flags.writeable
    owned[0] = 9.0
    assert s[0] == 1.0
    assert meta.kind == "series" and meta.polars and meta.label == "v" and meta.index is None
    view, _ = v.as_array(s, "x", copy=False)
    assert not view.flags.writeable
    ints, _ = v.as_array(pl.Series("i", [1, None, 3]), "x")
    np.testing.assert_array_equal(ints, [1.0, np.nan, 3.0])
    with pytest.raises(TypeError, match=_exact("x must hold numbers, got polars dtype String")):
        v.as_array(pl.Series("s", ["a"]), "x")
    with pytest.raises(
        TypeError, match=_exact("x is a polars LazyFrame; call .collect() on it first")
    ):
        v.as_array(pl.DataFrame({"a": [1.0]}).lazy(), "x")
    with pytest.raises(
        TypeError,
        match=_exact(
            "x must be a polars Series or DataFrame (or array-like of numbers), got polars Expr"
        ),
    ):
        v.as_array(pl.col("a"), "x")


def test_polars_frame_reading() -> None:
    pl = _pl()
    frame = pl.DataFrame({"date": DAYS, "A": [1, 2, 3], "B": [0.5, 0.25, 0.125]})
    values, meta = v.as_array(frame, "x")
    np.testing.assert_array_equal(values, [[1.0, 0.5], [2.0, 0.25], [3.0, 0.125]])
    assert values.flags.c_contiguous and values.flags.writeable
    assert meta.kind == "frame" and meta.polars and list(meta.columns) == ["A", "B"]
    assert meta.index.name == "date" and list(meta.index.date) == DAYS
    assert meta.polars_index is not None and meta.polars_index.name == "date"
    kept, _ = v.as_array(frame, "x", order="K")
    np.testing.assert_array_equal(kept, values)
    assert kept.flags.writeable
    ro, _ = v.as_array(frame, "x", copy=False)
    assert not ro.flags.writeable
    one = pl.DataFrame({"A": [1.0, 2.0]})
    single, m1 = v.as_array(one, "x")
    assert single.flags.writeable and single.shape == (2, 1) and m1.index is None
    single[0, 0] = 7.0
    assert one["A"][0] == 1.0
    single_k, _ = v.as_array(one, "x", order="K")
    assert single_k.flags.writeable
    single_k[0, 0] = 7.0
    assert one["A"][0] == 1.0
    bad = pl.DataFrame({"date": DAYS, "A": [1.0, 2.0, 3.0], "s": ["a", "b", "c"]})
    with pytest.raises(
        TypeError,
        match=_exact(
            "x must hold numbers only after the leading date column; 1 column(s) have a "
            "non-numeric (or boolean) polars dtype: 's'"
        ),
    ):
        v.as_array(bad, "x")
    strings_first = pl.DataFrame({"day": ["2024-01-31"], "A": [1.0], "f": [True]})
    with pytest.raises(
        TypeError,
        match=_exact(
            "x must hold numbers only; 2 column(s) have a non-numeric (or boolean) polars "
            "dtype: 'day', 'f' (a leading Date or Datetime column is read as the dates: cast "
            "'day' to pl.Date or pl.Datetime to use it so)"
        ),
    ):
        v.as_array(strings_first, "x")
    later = pl.DataFrame({"A": [1.0], "f": [True]})
    with pytest.raises(
        TypeError,
        match=_exact(
            "x must hold numbers only; 1 column(s) have a non-numeric (or boolean) polars "
            "dtype: 'f'"
        ),
    ):
        v.as_array(later, "x")
    assert v._polars_index_column(pl.DataFrame()) is None
    assert v._polars_numeric(pl.Int8()) and not v._polars_numeric(pl.Boolean())
    assert not v._polars_numeric(np.dtype("float64"))


def test_polars_datetime_index_keeps_time_zone() -> None:
    pl = _pl()
    stamps = pl.Series("ts", [dt.datetime(2024, 1, 1, 12), dt.datetime(2024, 1, 2, 12)])
    frame = pl.DataFrame([stamps.dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Tokyo")])
    frame = frame.with_columns(pl.Series("A", [1.0, 2.0]))
    _, meta = v.as_array(frame, "x")
    assert str(meta.index.tz) == "Asia/Tokyo"
    # 12:00 UTC is 21:00 in Tokyo
    assert meta.index[0] == pd.Timestamp("2024-01-01 21:00", tz="Asia/Tokyo")
    naive = pl.DataFrame([stamps, pl.Series("A", [1.0, 2.0])])
    _, nmeta = v.as_array(naive, "x")
    assert nmeta.index.tz is None and nmeta.index[1] == pd.Timestamp("2024-01-02 12:00")


def test_polars_wrappers() -> None:
    pl = _pl()
    assert v._pl_name(None) == "" and v._pl_name(3) == "3"
    s = v._pl_series(np.array([[1.0], [2.0]]), "n")
    assert s.name == "n" and s.to_list() == [1.0, 2.0]
    f = v._pl_frame(np.array([[1.0, 2.0]]), None, None)
    assert f.columns == ["column_0", "column_1"] and f.row(0) == (1.0, 2.0)
    g = v._pl_frame(np.array([1.0, 2.0]), ["a", "b"], pl.Series("d", [dt.date(2024, 1, 1)]))
    assert g.columns == ["d", "a", "b"] and g.row(0) == (dt.date(2024, 1, 1), 1.0, 2.0)
    ser_meta = v.as_array(pl.Series("v", [1.0, 2.0]), "x")[1]
    rows = ser_meta.wrap_rows(np.array([3.0, 4.0]))
    assert isinstance(rows, pl.Series) and rows.name == "v" and rows.to_list() == [3.0, 4.0]
    assert ser_meta.wrap_rows(np.array([3.0, 4.0]), name="w").name == "w"
    frame_meta = v.as_array(pl.DataFrame({"A": [1.0, 2.0], "B": [3.0, 4.0]}), "x")[1]
    red = frame_meta.wrap_reduction(np.array([[4.0], [6.0]]), "sum")
    assert isinstance(red, pl.Series) and red.name == "sum" and red.to_list() == [4.0, 6.0]
    like = frame_meta.wrap_like(np.arange(4.0))
    assert like.columns == ["A", "B"] and like.row(1) == (2.0, 3.0)
    panel = frame_meta.wrap_panel(np.ones((2, 1)), ["z"])
    assert isinstance(panel, pl.DataFrame) and panel.columns == ["z"]


def test_to_caller_dates_and_rows() -> None:
    pl = _pl()
    frame = pl.DataFrame({"date": DAYS, "A": [1.0, 2.0, 3.0]})
    _, meta = v.as_array(frame, "x")
    np_meta = v.Meta("y", "ndarray", 1, (3,))
    # a Series on the input's dates: a polars Series of the values, named after the Series
    on_dates = pd.Series([1.0, 2.0, 3.0], index=meta.index, name="r")
    out = v.to_caller(on_dates, np_meta, meta)
    assert isinstance(out, pl.Series) and out.name == "r" and out.to_list() == [1.0, 2.0, 3.0]
    # a Series on other dates named like the input's date column: Date dtype, as the caller's
    other = pd.Series([5.0], index=pd.DatetimeIndex(["2024-06-30"], name="date"), name="q")
    got = v.to_caller(other, meta)
    assert got.columns == ["date", "q"] and got.schema["date"] == pl.Date
    assert got.row(0) == (dt.date(2024, 6, 30), 5.0)
    # not midnight: left as a Datetime
    timed = pd.Series([5.0], index=pd.DatetimeIndex(["2024-06-30 10:00"], name="date"))
    kept = v.to_caller(timed, meta)
    assert kept.schema["date"] != pl.Date
    # another name: not matched, left as pandas made it
    renamed = pd.Series([5.0], index=pd.DatetimeIndex(["2024-06-30"], name="day"), name="q")
    assert v.to_caller(renamed, meta).schema["day"] != pl.Date
    # an unnamed date index: left alone too
    unnamed = pd.DataFrame({"q": [5.0]}, index=pd.DatetimeIndex(["2024-06-30"]))
    assert v.to_caller(unnamed, meta).dtypes[0] != pl.Date
    # a frame on other dates named like the column (raw polars source, read by name)
    table = pd.DataFrame({"q": [5.0]}, index=pd.DatetimeIndex(["2024-06-30"], name="date"))
    from_raw = v.to_caller(table, frame)
    assert from_raw.columns == ["date", "q"] and from_raw.schema["date"] == pl.Date
    # a frame on the input's rows gets the date column back
    rows = pd.DataFrame({"n": [1.0, 2.0, 3.0]}, index=meta.index)
    back = v.to_caller(rows, meta)
    assert back.columns == ["date", "n"] and back["date"].to_list() == DAYS
    # a positional frame of another length: no date column
    short = v.to_caller(pd.DataFrame({"n": [1.0]}), meta)
    assert short.columns == ["n"]
    # the first polars source leads
    second = v.as_array(pl.DataFrame({"date": DAYS[:2], "B": [1.0, 2.0]}), "z")[1]
    two = v.to_caller(pd.DataFrame({"n": [1.0, 2.0]}), second, meta)
    assert two.columns == ["date", "n"] and two["date"].to_list() == DAYS[:2]
    # a raw polars Series source: rows carry no labels
    positional = v.to_caller(pd.Series([1.0, 2.0], name="s"), pl.Series("k", [1.0]))
    assert isinstance(positional, pl.Series) and positional.name == "s"
    assert v.to_caller(pd.Series([1.0]), np_meta, [1.0]).equals(pd.Series([1.0]))


def test_to_caller_time_zones() -> None:
    pl = _pl()
    stamps = pl.Series("ts", [dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2)])
    tz_col = stamps.dt.replace_time_zone("UTC")
    frame = pl.DataFrame([tz_col, pl.Series("A", [1.0, 2.0])])
    _, meta = v.as_array(frame, "x")
    idx = pd.DatetimeIndex(["2024-03-01"], name="ts").tz_localize("UTC")
    out = v.to_caller(pd.Series([1.0], index=idx, name="q"), meta)
    assert out.schema["ts"] == tz_col.dtype
    # a Date column and a time-zone aware index: left as pandas gave it (not cast to Date)
    day_frame = pl.DataFrame({"ts": DAYS, "A": [1.0, 2.0, 3.0]})
    _, dmeta = v.as_array(day_frame, "x")
    aware = v.to_caller(pd.Series([1.0], index=idx, name="q"), dmeta)
    assert aware.schema["ts"] != pl.Date
    # a naive Datetime column and an aware index: time zones differ, left alone
    naive = pl.DataFrame([stamps, pl.Series("A", [1.0, 2.0])])
    _, nmeta = v.as_array(naive, "x")
    left = v.to_caller(pd.Series([1.0], index=idx, name="q"), nmeta)
    assert left.schema["ts"].time_zone == "UTC"
    naive_idx = pd.DatetimeIndex(["2024-03-01 06:00"], name="ts")
    cast_unit = v.to_caller(pd.Series([1.0], index=naive_idx, name="q"), nmeta)
    assert cast_unit.schema["ts"] == stamps.dtype


def test_default_index_and_to_pandas() -> None:
    pl = _pl()
    assert v._default_index(pd.RangeIndex(3))
    assert not v._default_index(pd.RangeIndex(1, 3))
    assert not v._default_index(pd.RangeIndex(0, 6, 2))
    assert not v._default_index(pd.RangeIndex(3, name="n"))
    assert not v._default_index(pd.Index([0, 1, 2]))
    with pytest.raises(
        TypeError, match=_exact("a polars LazyFrame was given; call .collect() on it first")
    ):
        v.to_pandas(pl.DataFrame({"a": [1.0]}).lazy())
    plain = v.to_pandas(pl.DataFrame({"a": [1.0]}))
    assert list(plain.columns) == ["a"] and isinstance(plain.index, pd.RangeIndex)
    dated = v.to_pandas(pl.DataFrame({"date": DAYS, "a": [1.0, 2.0, 3.0]}))
    assert list(dated.columns) == ["a"] and dated.index.name == "date"
    expr = pl.col("a")
    assert v.to_pandas(expr) is expr


def test_as_panel() -> None:
    row, meta = v.as_panel([1.0, 2.0], "x")
    np.testing.assert_array_equal(row, [[1.0, 2.0]])
    assert meta.ndim == 1 and meta.name == "x"
    panel, _ = v.as_panel(np.ones((2, 3)), "x")
    assert panel.shape == (2, 3)
    with pytest.raises(
        InputError, match=_exact("x must be 1-D or 2-D, got a 3-D input of shape (1, 1, 1)")
    ):
        v.as_panel(np.ones((1, 1, 1)), "x")
    with pytest.raises(InputError, match=r"^x has 1 NaN value"):
        v.as_panel([1.0, np.nan], "x", allow_nan=False)


def test_merge_groups_order_blocks_and_tuple_labels() -> None:
    # companies in order of first appearance (B before A), each a block of adjacent sums
    values = np.array([[1.0, 2.0, 4.0, 8.0, 16.0]])
    meta = v.Meta("caps", "frame", 2, (1, 5), pd.Index([0]), pd.Index(list("pqrst")))
    merged, m = v.merge_groups(values, meta, ["B", "A", "B", "A", "C"])
    np.testing.assert_array_equal(merged, [[1.0 + 4.0, 2.0 + 8.0, 16.0]])
    assert list(m.columns) == ["B", "A", "C"] and m.ndim == 2 and m.shape == (1, 3)
    pairs, pm = v.merge_groups(values, meta, ["A", "A", "B", "B", "B"])
    np.testing.assert_array_equal(pairs, [[3.0, 28.0]])
    assert list(pm.columns) == ["A", "B"]
    # tuple company labels stay tuples in a flat Index (not a MultiIndex)
    tup, tm = v.merge_groups(values, meta, [("X", 1), ("Y", 2), ("X", 1), ("Y", 2), ("Z", 3)])
    np.testing.assert_array_equal(tup, [[5.0, 10.0, 16.0]])
    assert tm.columns is not None and tm.columns.nlevels == 1
    assert list(tm.columns) == [("X", 1), ("Y", 2), ("Z", 3)]


def test_layouts_adopt_polars_labels() -> None:
    pl = _pl()
    frame = pl.DataFrame({"date": DAYS, "A": [1.0, 2.0, 3.0], "B": [4.0, 5.0, 6.0]})
    _, b = v.as_array(frame, "b")
    a = v.Meta("a", "ndarray", 2, (3, 2))
    v.check_same_layout(a, b)
    assert a.polars and a.polars_index is b.polars_index and a.kind == "frame"
    assert a.index is b.index and list(a.columns) == ["A", "B"]
    # a pandas input of the same dates under another name takes the polars input's index
    when = pd.DatetimeIndex(pd.to_datetime(DAYS), name="when")
    s = v.Meta("s", "series", 1, (3,), when, None, "s")
    v.check_same_rows(s, b)
    assert s.polars and s.index is not None and s.index.name == "date" and s.label == "s"
    # a polars input without dates: a pandas input keeps its own index
    _, nb = v.as_array(pl.DataFrame({"A": [1.0, 2.0, 3.0]}), "nb")
    labelled = v.Meta("p", "frame", 2, (3, 1), when, pd.Index(["A"]))
    v.check_same_layout(labelled, nb)
    assert labelled.polars and labelled.index is when


def test_to_caller_keeps_nan_and_needs_dates_for_a_date_column() -> None:
    pl = _pl()
    _, meta = v.as_array(pl.DataFrame({"date": DAYS, "A": [1.0, 2.0, 3.0]}), "x")
    on_rows = v.to_caller(pd.Series([1.0, np.nan, 3.0], index=meta.index, name="r"), meta)
    assert on_rows.null_count() == 0 and on_rows.is_nan().to_list() == [False, True, False]
    over_cols = v.to_caller(pd.Series([np.nan], index=meta.columns, name="c"), meta)
    assert over_cols.null_count().row(0) == (0,) and np.isnan(over_cols.row(0)[0])
    labelled = v.to_caller(pd.Series([np.nan], index=pd.Index([5], name="lag"), name="c"), meta)
    assert labelled["c"].null_count() == 0 and labelled["c"].is_nan().to_list() == [True]
    table = pd.DataFrame({"c": [np.nan]}, index=pd.Index([5], name="lag"))
    got = v.to_caller(table, meta)
    assert got.columns == ["lag", "c"] and got["c"].is_nan().to_list() == [True]
    rows = v.to_caller(pd.DataFrame({"n": [np.nan, 1.0, 2.0]}, index=meta.index), meta)
    assert rows["n"].null_count() == 0 and rows["n"].is_nan().to_list() == [True, False, False]
    # no date column in the polars input: a positional frame of its length stays as it is
    _, plain = v.as_array(pl.DataFrame({"A": [1.0, 2.0, 3.0]}), "x")
    same_length = v.to_caller(pd.DataFrame({"n": [1.0, 2.0, 3.0]}), plain)
    assert same_length.columns == ["n"] and same_length["n"].to_list() == [1.0, 2.0, 3.0]


# --------------------------------------------------------------------------- final survivors
def test_wrappers_keep_the_values() -> None:
    idx = pd.Index(["d1", "d2"])
    rows = v.Meta("x", "series", 1, (2,), idx, None, "p").wrap_rows(np.array([1.5, 2.5]))
    np.testing.assert_array_equal(rows.to_numpy(), [1.5, 2.5])
    masked = np.ma.MaskedArray(np.arange(4.0).reshape(2, 2), mask=[[0, 1], [0, 0]])
    assert v.as_array(masked, "x")[1].shape == (2, 2)


def test_polars_series_meta_and_copies() -> None:
    pl = _pl()
    ints = pl.Series("i", [1, 2, 3])
    owned, meta = v.as_array(ints, "x")
    assert owned.flags.writeable and meta.ndim == 1 and meta.name == "x"
    view, _ = v.as_array(ints, "x", copy=False)
    assert not view.flags.writeable
    like = meta.wrap_like(np.array([4.0, 5.0, 6.0]))
    assert like.to_list() == [4.0, 5.0, 6.0] and like.name == "i"
    with pytest.raises(InputError, match=r"^x has 1 NaN value\(s\) where none are allowed"):
        v.as_array(pl.Series("i", [1.0, None]), "x", allow_nan=False)
    all_ints, _ = v.as_array(pl.DataFrame({"a": [1, 2], "b": [3, 4]}), "x")
    assert all_ints.dtype == np.float64
    bad = pl.DataFrame({c: ["s"] for c in "abcdefg"})
    with pytest.raises(TypeError, match=r"7 column\(s\) .*: 'a', 'b', 'c', 'd', 'e' \(a leading"):
        v.as_array(bad, "x")


def test_two_unsorted_dates_and_daily_periods() -> None:
    two = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2024-01-02", "2024-01-01"]))
    with pytest.raises(InputError, match=r"^x dates are not in increasing order: 2024-01-01"):
        v.as_array(two, "x", time_ordered=True)
    days = pd.PeriodIndex(["2024-01-01", "2024-01-02", "2024-01-04", "2024-01-03"], freq="D")
    with pytest.raises(InputError, match=r"\(position 3\) comes after 2024-01-04"):
        v.as_array(pd.Series([1.0, 2.0, 3.0, 4.0], index=days), "x", time_ordered=True)


def test_range_counts_at_the_bounds() -> None:
    with pytest.raises(InputError, match=r"^x has 1 value\(s\) below 1e-100"):
        v.as_array([1e-100, 1e-101], "x", positive=True)
    with pytest.raises(InputError, match=r"^x has 1 value\(s\) larger than 1e\+100"):
        v.as_array([1e100, 2e100], "x")
    assert v.check_int(int(1e100), "k") == int(1e100)
    with pytest.raises(InputError, match=_exact("start must be >= 0, got -1")):
        v.spawn_generators(1, 1, start=-1)


def test_lower_bound_locates_on_the_input_shape() -> None:
    meta = v.Meta("r", "ndarray", 1, (3,))
    with pytest.raises(InputError, match=r"first at position 2\.$"):
        v.check_lower_bound(np.array([[1.0, 1.0, -1.0]]), meta, 0.0, strict=True)


def test_as_per_item_shapes_and_labels() -> None:
    np.testing.assert_array_equal(v.as_per_item(2.0, "c", 2, of="asset"), [2.0, 2.0])
    kinds: list[str] = []
    v.as_per_item(pd.Series([1.0]), "c", 1, of="asset", check_labels=lambda m: kinds.append(m.kind))
    assert kinds == ["series"]
    with pytest.raises(InputError, match=r"^c must be 1-D, got a 2-D input"):
        v.as_per_item([[1.0, 2.0]], "c", 2, of="asset")


def test_same_rows_message_counts_rows() -> None:
    p = v.Meta("p", "ndarray", 2, (2, 3))
    q = v.Meta("q", "ndarray", 2, (4, 3))
    with pytest.raises(
        InputError, match=_exact("p and q must have the same number of rows, got 2 and 4")
    ):
        v.check_same_rows(p, q)


def test_warn_units_sampling_parity_and_signs() -> None:
    # UNIT_SAMPLE + 2 values: step 2 from the first value (even positions, all 10)
    n = v.UNIT_SAMPLE + 2
    big = np.where(np.arange(n) % 2 == 0, 10.0, 0.1)
    with pytest.warns(UnitWarning, match=r"^x has a median magnitude of 10,"):
        v.warn_units(big, "x", "rate")
    # a zero is not positive: percent returns, not prices
    with pytest.warns(UnitWarning, match=r"these look like percent returns"):
        v.warn_units([0.0, 2.0, 3.0], "r", "return")
    # every value positive (some below 1): prices
    with pytest.warns(UnitWarning, match=r"every value is positive"):
        v.warn_units([0.8, 0.9, 2.0], "r", "return")


def test_to_caller_non_date_index_named_like_the_dates() -> None:
    pl = _pl()
    _, meta = v.as_array(pl.DataFrame({"date": DAYS, "A": [1.0, 2.0, 3.0]}), "x")
    out = v.to_caller(pd.Series([1.0], index=pd.Index(["a"], name="date"), name="q"), meta)
    assert out.columns == ["date", "q"] and out.row(0) == ("a", 1.0)


def test_polars_series_with_nulls_read_only_without_copy() -> None:
    pl = _pl()
    # a series with nulls is converted (a writable buffer): copy=False still hands it back
    # read-only, and copy=True writable
    view, _ = v.as_array(pl.Series("v", [1.0, None]), "x", copy=False)
    assert not view.flags.writeable and np.isnan(view[1])
    owned, _ = v.as_array(pl.Series("v", [1.0, None]), "x")
    assert owned.flags.writeable


def test_coercion_metas_views_and_layouts() -> None:
    base = np.arange(6.0).reshape(2, 3)
    view, meta = v.as_array(base, "x", copy=False)
    assert np.shares_memory(view, base) and not view.flags.writeable
    assert meta.kind == "ndarray" and not meta.is_pandas and meta.shape == (2, 3)
    owned, _ = v.as_array(base, "x")
    assert not np.shares_memory(owned, base)
    frame = pd.DataFrame(base, index=["r0", "r1"], columns=list("abc"))
    kept, fmeta = v.as_array(frame, "x", order="K")
    assert kept.flags.f_contiguous and not kept.flags.c_contiguous
    assert fmeta.name == "x" and fmeta.ndim == 2 and fmeta.shape == (2, 3)
    assert list(fmeta.index) == ["r0", "r1"]
    with pytest.raises(
        InputError,
        match=r"^x has 1 NaN value\(s\) where none are allowed; first at row 'r1', column 'b'$",
    ):
        v.as_array(frame.where(frame != 4.0), "x", allow_nan=False)
    nullable = pd.DataFrame(
        {"a": pd.array([1, None], dtype="Int64"), "b": pd.array([2, 3], dtype="Int64")}
    )
    nv, _ = v.as_array(nullable, "x")
    assert nv.dtype == np.float64 and np.isnan(nv[1, 0]) and nv[1, 1] == 3.0
    series = pd.Series([1, None], dtype="Int64")
    sv, smeta = v.as_array(series, "x")
    assert sv.dtype == np.float64 and np.isnan(sv[1])
    assert smeta.ndim == 1 and smeta.shape == (2,)
    idx_values, imeta = v.as_array(pd.Index([1.0, 2.0]), "x", copy=False)
    assert not idx_values.flags.writeable and imeta.name == "x"
    with pytest.raises(InputError, match=r"^x has 1 NaN value"):
        v.as_array(pd.Index([1.0, np.nan]), "x", allow_nan=False)


# --------------------------------------------------------------------------- _to_float paths
def test_float32_pandas_inputs_are_read_as_float64() -> None:
    # float32 is a plain NumPy float dtype, so a float32 frame takes the fast to_numpy path;
    # the result must still be float64 with the same values (float32 1.5 and 2.25 are exact)
    frame = pd.DataFrame({"a": np.array([1.5, 2.25], dtype=np.float32)})
    arr, _ = v._to_float(frame, "x")
    assert arr.dtype == np.float64
    np.testing.assert_array_equal(arr, [[1.5], [2.25]])
    series = pd.Series(np.array([1.5, 2.25], dtype=np.float32))
    s_arr, _ = v._to_float(series, "x")
    assert s_arr.dtype == np.float64
    np.testing.assert_array_equal(s_arr, [1.5, 2.25])


def test_float64_frame_without_copy_is_a_read_only_view() -> None:
    # copy=False promises no copy of a one-block float64 frame: the array is the frame's block
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [4.0, 5.0, 6.0]})
    arr, _ = v._to_float(frame, "x", copy=False)
    assert np.shares_memory(arr, frame.to_numpy())
    assert not arr.flags.writeable


def test_index_input_gives_a_writeable_copy() -> None:
    # the default copy=True holds for a pd.Index too (read through a Series of its values)
    idx = pd.Index([1.0, 2.0])
    arr, meta = v._to_float(idx, "x")
    assert arr.flags.writeable and meta.kind == "series"
    arr[0] = 9.0
    assert idx[0] == 1.0
