"""The contract suite: every public callable against the input variants a user sends.

Table-driven over :data:`reliability_table.ENTRIES` (the inventory test forces an entry for
every public name, so a new function cannot escape). Each array argument of each entry is
replaced, one at a time, by each *argument variant* of :data:`ARG_VARIANTS` (pandas nullable and
pyarrow dtypes, float32/int64/bool/object/``Decimal``, read-only, strided and Fortran arrays,
masked arrays, lists, scalars, one row, one column, MultiIndex and duplicate columns, all-NaN,
+-inf, 1e+-300, empty); and every entry is called with all its dated pandas arguments changed
together by each *index variant* of :data:`INDEX_VARIANTS` (tz-aware and period indexes,
unsorted and duplicate dates).

Every cell must satisfy the contract:

* the call returns a result, or raises :class:`~divergence.errors.InputError` or
  :class:`TypeError` whose message names the argument (for an index variant: one of the
  changed arguments);
* a result of a variant that carries the same numbers as the canonical float64 input (dtype
  variants, memory layouts, lists, masked arrays with their mask applied as NaN, tz/period
  indexes) equals the *oracle*, the same call on that canonical input; where the variant is
  still pandas, or another array argument is, the result has the oracle's type (the output
  type follows any pandas input) and labels;
* no warning is emitted (recorded with ``warnings.catch_warnings``), and no input changes
  (every argument equals a deep copy taken before the call, masks and dtypes included);
* stricter rules where the library promises them: booleans and empty inputs are refused;
  duplicate column labels raise ``InputError``; a time-ordered entry
  (``Entry.time_ordered``) refuses unsorted dates (message says to sort) and duplicate dates
  (message says to de-duplicate).

A variant that does not apply to an argument (a dtype variant of a NumPy argument, columns of a
1-D input) is skipped with its reason; :func:`test_every_cell_is_run_or_explained` checks the
accounting.
"""

from __future__ import annotations

import copy
import dataclasses
import re
import sys
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from reliability_table import ENTRIES, Entry, resolve

GARBAGE = 12345.0  # data under a mask: must never be read


class NotApplicableError(Exception):
    """Raised by a variant builder: the variant does not apply to this value (with reason)."""


@dataclasses.dataclass(frozen=True)
class Variant:
    """A variant of one argument.

    ``value`` is what the user sends; ``canonical`` the float64 pandas/NumPy input carrying the
    same numbers (the oracle is the call on it), or None when the numbers differ;
    ``expect`` is ``"result_or_error"`` or ``"refuse"`` (an error naming the argument).
    """

    value: Any
    canonical: Any = None
    expect: str = "result_or_error"
    match: str = ""
    labels: bool = True  # the result's type and labels must be the oracle's (else values only)


# --------------------------------------------------------------------------- helpers
def _float_good(g: Any) -> Any:
    if isinstance(g, list | tuple):
        return np.asarray(g, dtype=float)
    if isinstance(g, pd.Series | pd.DataFrame | np.ndarray):
        return g
    raise NotApplicableError("not an array argument")


def _numeric_panel(g: Any) -> bool:
    if isinstance(g, pd.DataFrame):
        return all(pd.api.types.is_float_dtype(dt) for dt in g.dtypes)
    if isinstance(g, pd.Series):
        return pd.api.types.is_float_dtype(g.dtype)
    return np.asarray(g).dtype.kind in "fiu"


def _pandas(g: Any) -> pd.Series | pd.DataFrame:
    if not isinstance(g, pd.Series | pd.DataFrame):
        raise NotApplicableError("a NumPy argument: pandas dtypes do not apply")
    return g


def _frame(g: Any) -> pd.DataFrame:
    if not isinstance(g, pd.DataFrame):
        raise NotApplicableError("not a DataFrame: no columns")
    return g


def _middle(g: Any, value: float) -> tuple[Any, Any]:
    """A copy of ``g`` with its middle element set to ``value`` (and that copy as canonical)."""
    g = _float_good(g)
    if isinstance(g, pd.DataFrame):
        out = g.copy()
        out.iloc[len(out) // 2, 0] = value
        return out, out
    if isinstance(g, pd.Series):
        out = g.copy()
        out.iloc[len(out) // 2] = value
        return out, out
    arr = np.array(g, dtype=float)
    arr.flat[arr.size // 2] = value
    return arr, arr


def _values(g: Any) -> np.ndarray:
    return np.asarray(_float_good(g), dtype=float)


def _rounded(g: Any) -> Any:
    """The good value rounded to integers (canonical of the integer variants)."""
    g = _float_good(g)
    if not np.isfinite(np.asarray(g, dtype=float)).all():
        raise NotApplicableError("holds NaN or inf: no integer form")
    return g.round() if isinstance(g, pd.Series | pd.DataFrame) else np.round(g)


def _pandas_dtype(dtype: str) -> Callable[[Any], Variant]:
    def build(g: Any) -> Variant:
        p = _pandas(g)
        return Variant(p.astype(dtype), p)

    return build


def _int64_pandas(g: Any) -> Variant:
    r = _rounded(_pandas(g))
    return Variant(r.astype("Int64"), r)


def _int64_numpy(g: Any) -> Variant:
    r = np.asarray(_rounded(g), dtype=float)
    return Variant(r.astype(np.int64), r)


def _float32(g: Any) -> Variant:
    g = _float_good(g)
    v = g.astype(np.float32)
    return Variant(v, v.astype(np.float64))


def _bools(g: Any) -> Variant:
    g = _float_good(g)
    return Variant(g > 0, None, "refuse")


def _objects(g: Any) -> Variant:
    g = _float_good(g)
    return Variant(g.astype(object), g)


def _decimals(g: Any) -> Variant:
    g = _float_good(g)
    if isinstance(g, pd.DataFrame):
        return Variant(g.map(lambda v: Decimal(repr(float(v)))).astype(object), g)
    if isinstance(g, pd.Series):
        return Variant(g.map(lambda v: Decimal(repr(float(v)))).astype(object), g)
    dec = np.array([Decimal(repr(float(v))) for v in g.ravel()], dtype=object).reshape(g.shape)
    return Variant(dec, g)


def _as_list(g: Any) -> Variant:
    arr = _values(g)
    return Variant(arr.tolist(), arr)


def _readonly(g: Any) -> Variant:
    arr = _values(g).copy()
    arr.flags.writeable = False
    return Variant(arr, arr.copy())


def _strided(g: Any) -> Variant:
    g = _float_good(g)
    arr = np.asarray(g, dtype=float)
    big = np.full((2 * arr.shape[0], *arr.shape[1:]), GARBAGE)
    big[::2] = arr
    view = big[::2]
    assert not view.flags.c_contiguous
    return Variant(view, arr.copy())


def _fortran(g: Any) -> Variant:
    g = _float_good(g)
    arr = np.asarray(g, dtype=float)
    if arr.ndim != 2 or min(arr.shape) < 2:
        raise NotApplicableError("not a 2-D array with several rows and columns")
    return Variant(np.asfortranarray(arr), np.ascontiguousarray(arr))


def _masked(g: Any) -> Variant:
    g = _float_good(g)
    arr = np.array(g, dtype=float)
    mask = np.zeros(arr.shape, dtype=bool)
    mask.flat[arr.size // 2] = True
    data = arr.copy()
    data[mask] = GARBAGE
    canonical = arr.copy()
    canonical[mask] = np.nan
    return Variant(np.ma.masked_array(data, mask=mask), canonical)


def _series_as_frame(g: Any) -> Variant:
    if not isinstance(g, pd.Series):
        raise NotApplicableError("not a Series")
    return Variant(g.to_frame(), g, labels=False)


def _one_column(g: Any) -> Variant:
    g = _float_good(g)
    if isinstance(g, pd.DataFrame):
        return Variant(g.iloc[:, :1].copy())
    if isinstance(g, np.ndarray) and g.ndim == 2:
        return Variant(g[:, :1].copy())
    raise NotApplicableError("1-D: no columns")


def _one_row(g: Any) -> Variant:
    g = _float_good(g)
    if isinstance(g, pd.Series | pd.DataFrame):
        return Variant(g.iloc[:1].copy())
    return Variant(np.array(g[:1]))


def _scalar(g: Any) -> Variant:
    g = _float_good(g)
    if np.ndim(g) != 1:
        raise NotApplicableError("not 1-D: a scalar is no such argument")
    return Variant(float(np.asarray(g, dtype=float)[0]))


def _empty(g: Any) -> Variant:
    g = _float_good(g)
    if isinstance(g, pd.Series | pd.DataFrame):
        return Variant(g.iloc[:0].copy(), None, "refuse")
    return Variant(np.asarray(g)[:0].copy(), None, "refuse")


def _all_nan(g: Any) -> Variant:
    g = _float_good(g)
    if isinstance(g, pd.Series | pd.DataFrame):
        return Variant(g * np.nan)
    return Variant(np.full(np.shape(g), np.nan))


def _set(value: float) -> Callable[[Any], Variant]:
    def build(g: Any) -> Variant:
        v, _ = _middle(g, value)
        return Variant(v)

    return build


def _scaled_middle(value: float) -> Callable[[Any], Variant]:
    """The middle element replaced by ``value`` with that element's sign."""

    def build(g: Any) -> Variant:
        flat = _values(g).ravel()
        mid = flat[flat.size // 2]
        v, _ = _middle(g, value if not mid < 0 else -value)
        return Variant(v)

    return build


def _multiindex_columns(g: Any) -> Variant:
    f = _frame(g)
    out = f.copy()
    out.columns = pd.MultiIndex.from_tuples([("group", c) for c in f.columns])
    return Variant(out, f, labels=False)


def _duplicate_columns(g: Any) -> Variant:
    f = _frame(g)
    if f.shape[1] < 2:
        raise NotApplicableError("one column: nothing to duplicate")
    out = f.copy()
    out.columns = [f.columns[0], f.columns[0], *f.columns[2:]]
    # a table read by column name reports the column the duplicate hides
    return Variant(out, None, "refuse", match="duplicate column|missing the column")


#: variants of a table read by column name (option chains, debt books, firms): its float
#: columns in another dtype
TABLE_VARIANTS = ("Float64", "float64[pyarrow]", "float32", "object", "Decimal")


def _table_variant(variant: str, g: Any) -> Variant:
    if not isinstance(g, pd.DataFrame):
        raise NotApplicableError("not a DataFrame")
    floats = [c for c, dt in g.dtypes.items() if pd.api.types.is_float_dtype(dt)]
    if not floats:
        raise NotApplicableError("no float column")
    if variant == "float32":
        out = g.astype(dict.fromkeys(floats, np.float32))
        return Variant(out, out.astype(dict.fromkeys(floats, np.float64)))
    if variant == "Decimal":
        out = g.copy()
        for c in floats:
            out[c] = g[c].map(lambda v: Decimal(repr(float(v)))).astype(object)
        return Variant(out, g)
    return Variant(g.astype(dict.fromkeys(floats, variant)), g)


#: argument variant -> builder (good value -> Variant, or NotApplicableError)
ARG_VARIANTS: dict[str, Callable[[Any], Variant]] = {
    "Float64": _pandas_dtype("Float64"),
    "Int64": _int64_pandas,
    "float64[pyarrow]": _pandas_dtype("float64[pyarrow]"),
    "float32": _float32,
    "int64": _int64_numpy,
    "bool": _bools,
    "object": _objects,
    "Decimal": _decimals,
    "list": _as_list,
    "read_only": _readonly,
    "strided": _strided,
    "fortran": _fortran,
    "masked": _masked,
    "series_as_frame": _series_as_frame,
    "one_column": _one_column,
    "one_row": _one_row,
    "scalar": _scalar,
    "empty": _empty,
    "all_nan": _all_nan,
    "plus_inf": _set(np.inf),
    "minus_inf": _set(-np.inf),
    "huge_1e300": _scaled_middle(1e300),
    "tiny_1e-300": _scaled_middle(1e-300),
    "multiindex_columns": _multiindex_columns,
    "duplicate_columns": _duplicate_columns,
}


# --------------------------------------------------------------------------- index variants
def _dated(kwargs: dict[str, Any]) -> list[str]:
    return [
        k
        for k, v in kwargs.items()
        if isinstance(v, pd.Series | pd.DataFrame)
        and isinstance(v.index, pd.DatetimeIndex)
        and len(v) >= 3
    ]


def _tz(idx: pd.DatetimeIndex) -> pd.Index:
    return idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("Asia/Tokyo")


def _period(idx: pd.DatetimeIndex) -> pd.Index:
    freq = idx.freq if idx.freq is not None else pd.infer_freq(idx)
    if freq is None:
        raise NotApplicableError("dates without a frequency: no PeriodIndex")
    if pd.tseries.frequencies.to_offset(freq).rule_code.startswith(("B", "C")):
        raise NotApplicableError(f"business-day dates ({freq}): pandas deprecates their periods")
    try:
        return idx.to_period()
    except (ValueError, AttributeError):
        raise NotApplicableError(f"no period for frequency {freq}") from None


def _unsorted(idx: pd.DatetimeIndex) -> np.ndarray:
    order = np.arange(len(idx))
    order[[0, 1]] = order[[1, 0]]
    return order


def _relabel(make: Callable[[pd.DatetimeIndex], pd.Index]) -> Callable[[Any], Any]:
    def apply(v: Any) -> Any:
        out = v.copy()
        out.index = make(v.index)
        return out

    return apply


def _reorder(v: Any) -> Any:
    return v.iloc[_unsorted(v.index)]


def _duplicate(v: Any) -> Any:
    out = v.copy()
    idx = v.index.to_numpy().copy()
    idx[1] = idx[0]
    out.index = pd.DatetimeIndex(idx, name=v.index.name)
    return out


#: index variant -> (transform of each dated argument, same numbers?)
INDEX_VARIANTS: dict[str, tuple[Callable[[Any], Any], bool]] = {
    "tz_aware_index": (_relabel(_tz), True),
    "period_index": (_relabel(_period), True),
    "unsorted_dates": (_reorder, False),
    "duplicate_dates": (_duplicate, False),
}


# --------------------------------------------------------------------------- the cells
def _arg_skip(entry: Entry, arg: str, variant: str, good: Any) -> str | None:
    """The reason an argument variant does not apply, or None (then it is built and run)."""
    for key in (f"{arg}:{variant}", variant):
        if key in entry.contract_skip:
            return entry.contract_skip[key]
    spec = entry.arrays[arg]
    if not spec.numeric:
        return "label argument (sectors, groups): its label rules are tested in class 7 tests"
    if spec.frame_only:
        if variant not in TABLE_VARIANTS:
            return "a table read by column name (option chains, debt books): dtype variants only"
        try:
            _table_variant(variant, good)
        except NotApplicableError as why:
            return str(why)
        return None
    if not _numeric_panel(good):
        return "not a float array or panel"
    try:
        ARG_VARIANTS[variant](good)
    except NotApplicableError as why:
        return str(why)
    return None


def _index_skip(entry: Entry, variant: str, good: dict[str, Any]) -> str | None:
    if variant in entry.contract_skip:
        return entry.contract_skip[variant]
    dated = _dated(good)
    if not dated:
        return "no pandas argument with a DatetimeIndex of 3 or more dates"
    make, _ = INDEX_VARIANTS[variant]
    try:
        for k in dated:
            make(good[k])
    except NotApplicableError as why:
        return str(why)
    return None


def _cells() -> tuple[list[Any], dict[tuple[str, str, str], str]]:
    run: list[Any] = []
    skipped: dict[tuple[str, str, str], str] = {}
    for name, entry in ENTRIES.items():
        good = entry.good()
        run.append(pytest.param(name, "-", "valid_call", id=f"{name}-valid_call"))
        for arg in entry.arrays:
            for variant in ARG_VARIANTS:
                why = _arg_skip(entry, arg, variant, good[arg])
                if why is None:
                    run.append(pytest.param(name, arg, variant, id=f"{name}-{arg}-{variant}"))
                else:
                    skipped[(name, arg, variant)] = why
        for variant in INDEX_VARIANTS:
            why = _index_skip(entry, variant, good)
            if why is None:
                run.append(pytest.param(name, "*", variant, id=f"{name}-dates-{variant}"))
            else:
                skipped[(name, "*", variant)] = why
    return run, skipped


CELLS, SKIPPED = _cells()


# --------------------------------------------------------------------------- comparisons
def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in kwargs.items()}


def _assert_same_input(old: Any, new: Any, key: str) -> None:
    assert type(new) is type(old), key
    if isinstance(old, np.ma.MaskedArray):
        np.testing.assert_array_equal(np.ma.getdata(new), np.ma.getdata(old))
        np.testing.assert_array_equal(np.ma.getmaskarray(new), np.ma.getmaskarray(old))
    elif isinstance(old, pd.DataFrame):
        pd.testing.assert_frame_equal(new, old, check_exact=True)
    elif isinstance(old, pd.Series):
        pd.testing.assert_series_equal(new, old, check_exact=True)
    elif isinstance(old, np.ndarray):
        np.testing.assert_array_equal(new, old)
        assert new.dtype == old.dtype, key
    else:
        assert repr(new) == repr(old), key


def _numbers(obj: Any) -> list[np.ndarray]:
    """The numeric content of a result, flattened in a fixed order."""
    if isinstance(obj, bool | np.bool_ | str) or obj is None:
        return []
    if isinstance(obj, int | float | np.number):
        return [np.array([float(obj)])]
    if isinstance(obj, np.ndarray):
        return [obj.astype(float).ravel()] if obj.dtype.kind in "biuf" else []
    if isinstance(obj, pd.Series):
        return [obj.to_numpy(dtype=float, na_value=np.nan)] if _is_num(obj.dtype) else []
    if isinstance(obj, pd.DataFrame):
        return [obj.iloc[:, j].to_numpy(dtype=float, na_value=np.nan) for j in _num_cols(obj)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [a for f in dataclasses.fields(obj) for a in _numbers(getattr(obj, f.name))]
    if isinstance(obj, tuple | list):
        return [a for x in obj for a in _numbers(x)]
    if isinstance(obj, dict):
        return [a for k in obj for a in _numbers(obj[k])]
    return []


def _is_num(dtype: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(dtype)) and not pd.api.types.is_bool_dtype(dtype)


def _num_cols(frame: pd.DataFrame) -> list[int]:
    return [j for j, dt in enumerate(frame.dtypes) if _is_num(dt)]


def _assert_close(got: Any, want: Any, what: str) -> None:
    a, b = _numbers(got), _numbers(want)
    assert len(a) == len(b), f"{what}: {len(a)} numeric parts, oracle has {len(b)}"
    for x, y in zip(a, b, strict=True):
        assert x.shape == y.shape, f"{what}: shape {x.shape} vs oracle {y.shape}"
        np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=what)


def _call(entry: Entry, kwargs: dict[str, Any]) -> tuple[Any, BaseException | None, list[Any]]:
    fn = resolve(entry)
    result: Any = None
    error: BaseException | None = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(**kwargs)
        except Exception as exc:  # judged below
            error = exc
        finally:
            if "matplotlib.pyplot" in sys.modules:
                sys.modules["matplotlib.pyplot"].close("all")
    return result, error, list(caught)


def _names(error: BaseException, args: list[str]) -> bool:
    text = str(error)
    return any(re.search(rf"(?<![\w.]){re.escape(a)}\b", text) for a in args)


def _assert_named_error(error: BaseException, args: list[str], cell: str) -> None:
    assert isinstance(error, InputError | TypeError), (
        f"{cell}: {type(error).__name__} escaped: {error}"
    )
    assert _names(error, args), f"{cell}: message does not name {args}: {error}"


def _is_pandas_array(v: Any) -> bool:
    return isinstance(v, pd.Series | pd.DataFrame)


#: variants that change the data's shape: a window, lag or minimum length of the call may then
#: not fit, and the error names that option (``window=4 is longer than the data``)
SHAPE_VARIANTS = frozenset({"one_row", "one_column", "scalar", "series_as_frame"})
_OPTION_ERROR = re.compile(
    r"\b[a-z_]+=\S+ (is longer than|looks back)|needs at least \d+|at least \d+ rows|"
    r"earlier observations need"
)


@pytest.mark.parametrize(("name", "arg", "variant"), CELLS)
def test_contract(name: str, arg: str, variant: str) -> None:
    entry = ENTRIES[name]
    kwargs = entry.good()
    cell = f"{name}[{arg}] {variant}"
    canonical_kwargs: dict[str, Any] | None = None
    expect, match, labels = "result_or_error", "", True
    changed: list[str] = []
    if variant == "valid_call":
        pass
    elif arg == "*":
        make, same = INDEX_VARIANTS[variant]
        changed = _dated(kwargs)
        new = {k: make(kwargs[k]) for k in changed}
        canonical_kwargs = dict(kwargs) if same else None
        kwargs.update(new)
        labels = False  # the dates are the variant's, not the oracle's: checked below
        if entry.time_ordered and variant in ("unsorted_dates", "duplicate_dates"):
            expect = "refuse"
            match = "sort" if variant == "unsorted_dates" else "duplicat|more than one row"
    else:
        if entry.arrays[arg].frame_only:
            v = _table_variant(variant, kwargs[arg])
        else:
            v = ARG_VARIANTS[variant](kwargs[arg])
        changed = [arg]
        if v.canonical is not None:
            canonical_kwargs = {**kwargs, arg: v.canonical}
        kwargs[arg] = v.value
        expect, match, labels = v.expect, v.match, v.labels
    before = _snapshot(kwargs)
    result, error, caught = _call(entry, kwargs)
    assert not caught, f"{cell}: warning leaked: {[str(w.message) for w in caught]}"
    for key, old in before.items():
        _assert_same_input(old, kwargs[key], f"{cell}: input {key} changed")
    if expect == "refuse":
        assert error is not None, f"{cell}: accepted; expected an error naming {changed}"
        _assert_named_error(error, changed, cell)
        if match:
            assert re.search(match, str(error), re.IGNORECASE), f"{cell}: {error}"
        return
    if error is not None:
        if variant == "valid_call":
            raise error
        if variant in SHAPE_VARIANTS and _OPTION_ERROR.search(str(error)):
            assert isinstance(error, InputError), f"{cell}: {error!r}"
            return
        _assert_named_error(error, changed, cell)
        return
    if canonical_kwargs is None:
        if variant == "unsorted_dates":
            _check_reordered(entry, result, cell)
        return
    oracle, oracle_error, _ = _call(entry, canonical_kwargs)
    if oracle_error is not None:
        pytest.fail(f"{cell}: accepted although the same numbers raise: {oracle_error}")
    _assert_close(result, oracle, cell)
    if labels:
        _check_labels(result, oracle, cell)
    if arg == "*":
        assert type(result) is type(oracle), f"{cell}: {type(result).__name__}"
        _check_index_kept(result, oracle, kwargs[changed[0]], canonical_kwargs[changed[0]], cell)
    elif not _is_pandas_array(kwargs[arg]):
        _check_follows_pandas(entry, result, kwargs, arg, cell)


def _check_labels(result: Any, oracle: Any, cell: str) -> None:
    assert type(result) is type(oracle), (
        f"{cell}: result is {type(result).__name__}, the oracle {type(oracle).__name__}"
    )
    if isinstance(oracle, pd.Series | pd.DataFrame):
        assert result.index.equals(oracle.index), f"{cell}: index differs from the oracle's"
    if isinstance(oracle, pd.DataFrame):
        assert result.columns.equals(oracle.columns), f"{cell}: columns differ from the oracle's"


def _check_index_kept(result: Any, oracle: Any, sent: Any, canonical: Any, cell: str) -> None:
    """A result on the input's dates carries the dates as sent (tz-aware, periods)."""
    if _is_pandas_array(oracle) and oracle.index.equals(canonical.index):
        assert result.index.equals(sent.index), f"{cell}: the input's index is not kept"


def _check_follows_pandas(
    entry: Entry, result: Any, kwargs: dict[str, Any], arg: str, cell: str
) -> None:
    """Class 8: a NumPy argument next to a pandas one gives the pandas result type."""
    others = [k for k in entry.arrays if k != arg and _is_pandas_array(kwargs.get(k))]
    if not others:
        return
    labelled, err, _ = _call(entry, entry.good())
    if err is None and _is_pandas_array(labelled):
        assert type(result) is type(labelled), (
            f"{cell}: {arg} as NumPy next to pandas {others} gives {type(result).__name__}, "
            f"not {type(labelled).__name__}"
        )


def _check_reordered(entry: Entry, result: Any, cell: str) -> None:
    """A row-wise result of shuffled rows equals the oracle's, row for row (by label)."""
    oracle, err, _ = _call(entry, entry.good())
    if err is not None or not _is_pandas_array(result) or not _is_pandas_array(oracle):
        return
    if type(result) is not type(oracle) or not result.index.is_unique:
        return
    if not result.index.sort_values().equals(oracle.index.sort_values()):
        return
    _assert_close(result.loc[oracle.index], oracle, cell)


def test_every_cell_is_run_or_explained() -> None:
    run = {tuple(p.values) for p in CELLS}
    for name, entry in ENTRIES.items():
        assert (name, "-", "valid_call") in run
        for arg in entry.arrays:
            for variant in ARG_VARIANTS:
                key = (name, arg, variant)
                assert (key in run) != (key in SKIPPED), key
                assert key not in SKIPPED or SKIPPED[key].strip()
        for variant in INDEX_VARIANTS:
            key = (name, "*", variant)
            assert (key in run) != (key in SKIPPED), key
    assert len(run) > 1500
