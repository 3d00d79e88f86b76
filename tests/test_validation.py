"""The validation layer: coercion, checks, re-wrapping, seeds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence._validation import (
    as_array,
    as_generator,
    check_float,
    check_int,
    check_window,
    merge_groups,
    spawn_generators,
)
from divergence.errors import InputError


def test_copy_is_independent_and_view_is_read_only() -> None:
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    copy, _ = as_array(x, "x")
    copy[0, 0] = 99.0
    assert x[0, 0] == 1.0
    view, _ = as_array(x, "x", copy=False)
    assert np.shares_memory(view, x)
    with pytest.raises(ValueError, match="read-only"):
        view[0, 0] = 5.0
    frame = pd.DataFrame(x)
    fview, _ = as_array(frame, "x", copy=False)
    with pytest.raises(ValueError, match="read-only"):
        fview[0, 0] = 5.0
    assert frame.iloc[0, 0] == 1.0


def test_nullable_and_integer_dtypes() -> None:
    s = pd.Series([1, None, 3], dtype="Int64")
    values, meta = as_array(s, "s")
    assert values.dtype == np.float64 and np.isnan(values[1])
    assert meta.kind == "series"
    with pytest.raises(TypeError, match="s must hold numbers"):
        as_array(pd.Series([True, False]), "s")


def test_checks_locate_first_offender() -> None:
    df = pd.DataFrame([[1.0, 2.0], [np.inf, 1.0]], index=["r1", "r2"], columns=["a", "b"])
    with pytest.raises(InputError, match="first at row 'r2', column 'a'"):
        as_array(df, "df")
    with pytest.raises(InputError, match="strictly positive; 1 value"):
        as_array([1.0, 0.0], "v", positive=True)
    with pytest.raises(InputError, match="where none are allowed; first at position 1"):
        as_array([1.0, np.nan], "v", allow_nan=False)
    with pytest.raises(InputError, match="at least 2 entries"):
        as_array([1.0], "v", min_size=2)
    out, _ = as_array([1.0, np.inf], "v", allow_inf=True)
    assert np.isinf(out[1])
    allnan, _ = as_array([np.nan, np.nan], "v", allow_all_nan=True)
    assert np.isnan(allnan).all()


def test_overflowing_sum_does_not_hide_nan() -> None:
    # the allocation-free NaN test uses a sum, which overflows for huge values: still caught
    with pytest.raises(InputError, match="NaN"):
        as_array([1e308, 1e308, np.nan], "v", allow_nan=False)


def test_merge_groups_keeps_labels_and_nan_semantics() -> None:
    df = pd.DataFrame({"A1": [1.0, np.nan], "A2": [2.0, np.nan], "B": [5.0, 1.0]})
    values, meta = as_array(df, "x")
    merged, mmeta = merge_groups(values, meta, {"A1": "A", "A2": "A"})
    assert list(mmeta.columns) == ["A", "B"]
    np.testing.assert_array_equal(merged[0], [3.0, 5.0])
    assert np.isnan(merged[1, 0]) and merged[1, 1] == 1.0


def test_scalar_checks() -> None:
    assert check_int(np.int64(3), "k", minimum=1) == 3
    with pytest.raises(TypeError, match="k must be an integer"):
        check_int(3.0, "k")
    with pytest.raises(InputError, match="k must be <= 5"):
        check_int(6, "k", maximum=5)
    assert check_float(1, "c") == 1.0
    with pytest.raises(InputError, match="c must be > 0"):
        check_float(0.0, "c", minimum=0.0, inclusive=(False, True))
    with pytest.raises(InputError, match="window=10 is longer than the data"):
        check_window(10, 5)


def test_seeds_are_reproducible_and_not_consumed() -> None:
    a = as_generator(42).normal(size=3)
    b = as_generator(42).normal(size=3)
    np.testing.assert_array_equal(a, b)
    ss = np.random.SeedSequence(7)
    first = [g.normal() for g in spawn_generators(ss, 3)]
    second = [g.normal() for g in spawn_generators(ss, 3)]
    assert first == second  # the caller's SeedSequence was not advanced
    assert ss.n_children_spawned == 0
    ints = [g.normal() for g in spawn_generators(7, 3)]
    assert ints == first
    with pytest.raises(TypeError, match="seed must be"):
        as_generator(1.5)  # type: ignore[arg-type]
    # start=k gives children k.. of the same spawn (numpy's own SeedSequence.spawn is the
    # independent reference)
    ref = [np.random.default_rng(c).normal() for c in np.random.SeedSequence(7).spawn(5)]
    assert [g.normal() for g in spawn_generators(7, 2, start=3)] == ref[3:5]
    with pytest.raises(InputError, match="start"):
        spawn_generators(7, 2, start=-1)
    with pytest.raises(InputError, match="seed must be non-negative"):
        as_generator(-1)


def test_frame_copy_is_c_contiguous_and_independent() -> None:
    frame = pd.DataFrame(np.arange(12.0).reshape(3, 4))
    values, _ = as_array(frame, "x")
    assert values.flags.c_contiguous
    values[0, 0] = -5.0
    assert frame.iloc[0, 0] == 0.0
    nullable = pd.DataFrame({"a": pd.array([1, None], dtype="Int64"), "b": [1.0, 2.0]})
    out, _ = as_array(nullable, "x")
    assert out.flags.c_contiguous and np.isnan(out[1, 0])


def test_max_abs_rejects_magnitudes_that_would_overflow_squares() -> None:
    # 1e200 squared is 1e400 > float64 max (1.8e308): rejected by the default bound MAX_ABS
    with pytest.raises(InputError, match=r"v has 1 value\(s\) larger than 1e\+100"):
        as_array([1.0, -1e200], "v")
    with pytest.raises(InputError, match="larger than"):
        as_array([np.inf, 1e200], "v", allow_inf=True)
    values, _ = as_array([1e200], "v", max_abs=None)
    assert values[0] == 1e200
    values, _ = as_array([1e100, -1e100], "v")  # the bound itself is accepted
    assert values[1] == -1e100


def test_positive_inputs_have_a_floor() -> None:
    # 1.0 / 5e-324 overflows: a strictly positive divisor below MIN_POSITIVE is rejected
    with pytest.raises(InputError, match=r"p has 1 value\(s\) below 1e-100"):
        as_array([1.0, 5e-324], "p", positive=True)
    values, _ = as_array([1e-100, 1.0], "p", positive=True)  # the floor itself is accepted
    assert values[0] == 1e-100
    values, _ = as_array([5e-324], "p", nonnegative=True)  # only positive=True has the floor
    assert values[0] == 5e-324


def test_both_infinities_are_checked_without_a_warning() -> None:
    # the NaN check used to add the values, and -inf + inf warned "invalid value" (an error
    # under filterwarnings=error); a NaN next to infinities is still found
    values, _ = as_array([-np.inf, 1.0, np.inf], "x", allow_inf=True, allow_nan=False)
    assert np.isinf(values[[0, 2]]).all()
    with pytest.raises(InputError, match=r"^x has 1 NaN value"):
        as_array([-np.inf, np.nan, np.inf], "x", allow_inf=True, allow_nan=False)
