"""Input coercion, checking and re-wrapping (private; the one place inputs are validated).

Every public function of divergence passes its array inputs through :func:`as_array` (or one of
its thin wrappers), computes on a contiguous float64 copy, and wraps its result back with
:meth:`Meta.wrap_reduction`, :meth:`Meta.wrap_like` or :meth:`Meta.wrap_rows`. That gives one
behaviour everywhere:

* pandas in -> pandas out, numpy (or list) in -> numpy out; index, columns and names kept;
* polars in -> polars out (see :func:`is_polars`; conventions in the getting-started guide):
  a polars input is read once, here, without a copy where Arrow allows, and its Meta carries
  what is needed to build the polars result;
* a cross-sectional reduction of a 1-D input returns a Python ``float``;
* bad input raises :class:`~divergence.errors.InputError` or :class:`TypeError`, and the
  message names the argument, the problem and the first place it occurs;
* the caller's objects are never modified (a copy is always made);
* a NumPy masked array has its mask honoured: masked entries are read as NaN (missing), and
  then follow the function's NaN rules (``nan_policy``, or refused where NaN is not allowed);
* a DataFrame with duplicate column labels is refused (labels identify the names);
* time-ordered inputs (``as_array(..., time_ordered=True)``: functions that lag, difference,
  roll or compound over rows) with a DatetimeIndex or PeriodIndex must have strictly
  increasing dates; unsorted or duplicate dates are refused, never silently reordered
  (:func:`check_time_order`);
* when several inputs must share a layout (:func:`check_same_layout`) or rows
  (:func:`check_same_rows`), their labels must match (else the message shows the mismatch,
  including index dtypes that print alike), and the result follows the first pandas or polars
  input among them, polars winning over pandas (:func:`lead_meta`).

NaN handling follows scipy's ``nan_policy`` names (see :func:`nan_row_mask`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, TypeGuard, cast, overload

import numpy as np
import pandas as pd

from divergence._typing import BoolArray, FloatArray, GroupsLike, SeedLike
from divergence.errors import InputError

if TYPE_CHECKING:  # polars is optional and never imported by ``import divergence``
    import polars as pl

__all__ = [
    "MAX_ABS",
    "MIN_POSITIVE",
    "NAN_POLICIES",
    "Meta",
    "as_array",
    "as_generator",
    "as_panel",
    "as_per_item",
    "as_seed_sequence",
    "check_bool",
    "check_float",
    "check_hashable_labels",
    "check_int",
    "check_lag",
    "check_lower_bound",
    "check_option",
    "check_same_layout",
    "check_same_rows",
    "check_simple_returns",
    "check_time_order",
    "check_window",
    "fmt_label",
    "is_polars",
    "lead_meta",
    "merge_groups",
    "nan_row_mask",
    "spawn_generators",
    "to_caller",
    "to_pandas",
]

NAN_POLICIES: tuple[str, ...] = ("omit", "propagate", "raise")

#: Largest accepted magnitude of an input value. No price, size, return, rate or volatility in
#: any unit comes near it, and below it squares and pairwise products stay finite in float64
#: (1e200 << 1.8e308), so quadratic statistics cannot overflow into inf or a RuntimeWarning.
MAX_ABS: float = 1e100

#: Smallest accepted value of a strictly positive input (``positive=True``: prices, index
#: levels, times). Such inputs are divided by; below 1/MAX_ABS the quotient could overflow.
MIN_POSITIVE: float = 1e-100

Kind = Literal["ndarray", "series", "frame"]


def fmt_label(label: object) -> str:
    """How messages show a label: strings quoted, midnight dates as dates, numbers plain."""
    if isinstance(label, pd.Timestamp):
        if label == label.normalize():
            return str(label.date())
        return str(label)
    if isinstance(label, str):
        return repr(label)
    return str(label)


@dataclass(frozen=True, slots=True)
class Meta:
    """What an input looked like, so that results can be wrapped the same way.

    Attributes
    ----------
    name : str
        Argument name, used in error messages.
    kind : {"ndarray", "series", "frame"}
        ``"ndarray"`` covers numpy arrays, lists and tuples.
    ndim : int
        Dimension of the input (1 or 2).
    shape : tuple of int
        Shape of the input.
    index, columns : pandas.Index or None
        Labels of a pandas input (``index`` of a Series, ``index``/``columns`` of a DataFrame).
    label : Hashable
        ``Series.name`` of a Series input.
    polars : bool
        Whether the input was a polars object; results are then built as polars objects.
        Such an input counts as labelled (``kind`` ``"series"`` or ``"frame"``): a DataFrame's
        column names are its ``columns``; its leading Date/Datetime column, if any, is its
        ``index`` (a pandas Index named like that column); a polars Series, or a DataFrame
        without such a column, has ``index=None`` (rows are matched by position, as in polars).
    polars_index : polars.Series or None
        That leading Date/Datetime column, carried back unchanged into DataFrame results.

    Notes
    -----
    Frozen for the functions that use it. The one exception is made while it is being
    checked against the other inputs of the same call: :func:`check_same_layout` and
    :func:`check_same_rows` give the first input's Meta the labels (and polars flag) of a
    leading later input (:func:`lead_meta`), so that results follow any pandas or polars
    input.
    """

    name: str
    kind: Kind
    ndim: int
    shape: tuple[int, ...]
    index: pd.Index | None = None
    columns: pd.Index | None = None
    label: Hashable = None
    polars: bool = False
    polars_index: pl.Series | None = None

    # ----------------------------------------------------------------- locations
    def locate(self, mask: BoolArray) -> str:
        """Describe the first ``True`` position of ``mask`` (same shape as the input)."""
        pos = np.argwhere(mask)
        if pos.size == 0:
            return "nowhere"
        first = pos[0]
        if self.ndim == 1:
            i = int(first[0])
            if self.index is not None:
                return f"at {fmt_label(self.index[i])} (position {i})"
            return f"at position {i}"
        i, j = int(first[0]), int(first[1])
        row = fmt_label(self.index[i]) if self.index is not None else str(i)
        col = fmt_label(self.columns[j]) if self.columns is not None else str(j)
        return f"at row {row}, column {col}"

    @property
    def is_pandas(self) -> bool:
        """Whether the input was labelled: a pandas object, or a polars one (see ``polars``)."""
        return self.kind != "ndarray"

    def as_pandas(self) -> Meta:
        """Return a copy of this Meta that wraps results as pandas even for a polars input.

        For result objects (dataclasses of several arrays), which hold pandas and numpy whatever
        the input type, so that their methods (``to_frame``, ``summary``, plots) see one type.
        """
        return replace(self, polars=False, polars_index=None)

    # ----------------------------------------------------------------- wrapping
    def wrap_reduction(self, values: FloatArray, name: Hashable = None) -> Any:
        """Wrap one value per row of a cross-sectional reduction.

        1-D input -> ``float``; 2-D ndarray -> 1-D ndarray; DataFrame -> Series on its index
        (polars DataFrame -> polars Series of the frame's height, in row order).
        """
        values = np.asarray(values, dtype=np.float64)
        if self.ndim == 1:
            return float(values.reshape(-1)[0])
        if self.polars:
            return _pl_series(values.reshape(-1), name)
        if self.kind == "frame":
            return pd.Series(values, index=self.index, name=name)
        return values

    def wrap_like(self, values: FloatArray) -> Any:
        """Wrap an array shaped like the input the way the input was."""
        values = np.asarray(values, dtype=np.float64).reshape(self.shape)
        if self.polars:
            if self.kind == "frame":
                return _pl_frame(values, self.columns, self.polars_index)
            return _pl_series(values, self.label)
        if self.kind == "frame":
            return pd.DataFrame(values, index=self.index, columns=self.columns)
        if self.kind == "series":
            return pd.Series(values, index=self.index, name=self.label)
        return values

    def wrap_rows(self, values: FloatArray, name: Hashable = None) -> Any:
        """Wrap a 1-D array with one value per row (time series output).

        pandas input -> Series on the input's index; numpy input -> 1-D ndarray; polars input
        -> polars Series (rows in the input's order).
        """
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        if self.polars:
            return _pl_series(values, name if name is not None else self.label)
        if self.is_pandas:
            return pd.Series(
                values, index=self.index, name=name if name is not None else self.label
            )
        return values

    def wrap_panel(self, values: FloatArray, columns: Sequence[Hashable] | pd.Index) -> Any:
        """Wrap a 2-D (rows x new columns) array: DataFrame on the input's index, or ndarray.

        A polars input gives a polars DataFrame, led by the input's Date/Datetime column if it
        had one.
        """
        values = np.asarray(values, dtype=np.float64)
        if self.polars:
            return _pl_frame(values, pd.Index(list(columns)), self.polars_index)
        if self.is_pandas:
            return pd.DataFrame(values, index=self.index, columns=pd.Index(list(columns)))
        return values


# --------------------------------------------------------------------------- coercion
def _readonly(arr: FloatArray) -> FloatArray:
    view = arr.view()
    view.flags.writeable = False
    return view


def _to_float(x: object, name: str, copy: bool = True, order: str = "C") -> tuple[FloatArray, Meta]:
    if x is None:
        raise TypeError(f"{name} must be array-like of numbers, got None")
    if isinstance(x, str | bytes):
        raise TypeError(f"{name} must be array-like of numbers, got a string")
    if isinstance(x, pd.DataFrame):
        if not x.columns.is_unique:
            dup = x.columns[x.columns.duplicated()][0]
            pos = int(np.flatnonzero(x.columns.duplicated())[0])
            raise InputError(
                f"{name} has duplicate column labels; first {fmt_label(dup)} (column position "
                f"{pos}). Each column must be one name: rename or aggregate the duplicates "
                f"(e.g. x.T.groupby(level=0).sum().T) first"
            )
        x = _objects_as_float(x)
        # check each distinct dtype once (a wide panel has thousands of columns, one dtype)
        distinct = list(dict.fromkeys(x.dtypes))
        bad_types = [dt for dt in distinct if not _numeric_dtype(dt)]
        bad = [c for c, dt in x.dtypes.items() if dt in bad_types] if bad_types else []
        if bad:
            shown = ", ".join(fmt_label(c) for c in bad[:5])
            raise TypeError(
                f"{name} must hold numbers only; {len(bad)} column(s) have a non-numeric "
                f"(or boolean) dtype: {shown}"
            )
        if all(isinstance(dt, np.dtype) and dt.kind == "f" for dt in distinct):
            # plain numpy floats already hold NaN for missing: skip pandas' na_value pass
            frame_arr: FloatArray = x.to_numpy(dtype=np.float64, copy=False)
        else:
            frame_arr = x.to_numpy(dtype=np.float64, na_value=np.nan, copy=False)
        if copy and order == "K":
            frame_arr = frame_arr.copy(order="K")  # keep pandas' column-major layout
        elif copy:
            # One C-ordered copy (pandas blocks are column-major, so to_numpy gives F order).
            # ascontiguousarray copies a non-C array; a C-contiguous view still needs .copy().
            if frame_arr.flags.c_contiguous:
                frame_arr = frame_arr.copy()
            else:
                frame_arr = np.ascontiguousarray(frame_arr)
        else:
            frame_arr = _readonly(frame_arr)
        return frame_arr, Meta(name, "frame", 2, frame_arr.shape, x.index.copy(), x.columns.copy())
    if isinstance(x, pd.Series):
        x = _objects_as_float(x)
        if not _numeric_dtype(x.dtype):
            raise TypeError(f"{name} must hold numbers, got dtype {x.dtype}")
        arr = x.to_numpy(dtype=np.float64, na_value=np.nan, copy=copy)
        if not copy:
            arr = _readonly(arr)
        return arr, Meta(name, "series", 1, arr.shape, x.index.copy(), None, x.name)
    if isinstance(x, pd.Index):
        return _to_float(x.to_series(index=pd.RangeIndex(len(x))), name, copy, order)
    if is_polars(x):
        return _polars_to_float(x, name, copy, order)
    if isinstance(x, np.ma.MaskedArray):
        return _masked_to_float(x, name, order)
    try:
        raw = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested sequences
        raise TypeError(f"{name} could not be read as a numeric array: {exc}") from None
    if raw.dtype.kind == "O" and raw.size and _real_objects(raw.ravel()):
        raw = raw.astype(np.float64)
    if raw.dtype.kind not in "iuf":
        what = {
            "b": "booleans",
            "O": "Python objects (e.g. None or mixed types)",
            "U": "strings",
            "S": "bytes",
            "M": "datetimes",
            "m": "timedeltas",
            "c": "complex numbers",
        }.get(raw.dtype.kind, f"dtype {raw.dtype}")
        raise TypeError(f"{name} must hold real numbers, got {what}")
    if copy or raw.dtype != np.float64:
        arr = np.array(raw, dtype=np.float64, copy=True, order="K" if order == "K" else "C")
    else:
        arr = _readonly(raw)
    return arr, Meta(name, "ndarray", arr.ndim, arr.shape)


def _masked_to_float(
    x: np.ma.MaskedArray[Any, Any], name: str, order: str
) -> tuple[FloatArray, Meta]:
    """A NumPy masked array: a float64 copy with the masked entries as NaN (missing).

    The data under the mask are never read (they are often garbage or a fill value), so a
    masked entry is missing whatever it holds, and then follows the function's NaN rules.
    """
    data = np.ma.getdata(x)
    if data.dtype.kind not in "iuf":
        raise TypeError(f"{name} must hold real numbers, got a masked array of dtype {data.dtype}")
    arr: FloatArray = np.array(
        data, dtype=np.float64, copy=True, order="K" if order == "K" else "C"
    )
    mask = np.ma.getmaskarray(x)
    if mask.any():
        arr[mask] = np.nan
    return arr, Meta(name, "ndarray", arr.ndim, arr.shape)


#: what :func:`pandas.api.types.infer_dtype` says of objects that are all real numbers
_REAL_OBJECTS = frozenset({"floating", "integer", "mixed-integer-float", "decimal"})


def _real_objects(values: Any) -> bool:
    """Whether an object array holds only real numbers (float, int, Decimal; NaN, not None)."""
    return pd.api.types.infer_dtype(values, skipna=False) in _REAL_OBJECTS


@overload
def _objects_as_float(x: pd.DataFrame) -> pd.DataFrame: ...
@overload
def _objects_as_float(x: pd.Series) -> pd.Series: ...
def _objects_as_float(x: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    """Object columns that hold only real numbers (e.g. ``Decimal`` from a database) as float64.

    Anything else (strings, booleans, mixed) is left for the dtype check to refuse.
    """
    if isinstance(x, pd.Series):
        if pd.api.types.is_object_dtype(x.dtype) and len(x) and _real_objects(x):
            return x.astype(np.float64)
        return x
    # look at each distinct dtype once (a wide panel has thousands of columns, one dtype)
    if not any(pd.api.types.is_object_dtype(dt) for dt in dict.fromkeys(x.dtypes)):
        return x
    objects = [c for c, dt in x.dtypes.items() if pd.api.types.is_object_dtype(dt)]
    convert = [c for c in objects if len(x) and _real_objects(x[c])]
    if not convert:
        return x
    return x.astype(dict.fromkeys(convert, np.float64))


def _numeric_dtype(dtype: object) -> bool:
    if isinstance(dtype, pd.CategoricalDtype):
        return False
    if pd.api.types.is_bool_dtype(dtype):  # type: ignore[arg-type]
        return False
    if pd.api.types.is_complex_dtype(dtype):  # type: ignore[arg-type]
        return False
    return bool(pd.api.types.is_numeric_dtype(dtype))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- polars
def is_polars(x: object) -> TypeGuard[Any]:
    """Whether ``x`` is a polars object (told by its type's module: polars is never imported).

    Typed as a guard to ``Any``, so that a caller may use polars methods on ``x`` without
    importing polars for its types.
    """
    return type(x).__module__.split(".", 1)[0] == "polars"


def _polars_index_column(frame: pl.DataFrame) -> pl.Series | None:
    """The leading Date/Datetime column of a polars DataFrame (its index), or None."""
    import polars as pl

    if frame.width == 0:
        return None
    first = frame.dtypes[0]
    if isinstance(first, pl.Date | pl.Datetime):
        return frame.to_series(0)
    return None


def _polars_index(column: pl.Series) -> pd.Index:
    """A pandas Index with the values and name of a Date/Datetime column (for labels only)."""
    import polars as pl

    values = column.to_numpy()  # Datetime with a time zone: naive UTC instants
    tz = column.dtype.time_zone if isinstance(column.dtype, pl.Datetime) else None
    index = pd.DatetimeIndex(values, name=column.name)
    if tz is not None:
        index = index.tz_localize("UTC").tz_convert(tz)
    return index


def _polars_numeric(dtype: object) -> bool:
    import polars as pl

    return isinstance(dtype, pl.DataType) and dtype.is_numeric()


def _polars_to_float(x: object, name: str, copy: bool, order: str) -> tuple[FloatArray, Meta]:
    """Read a polars Series or DataFrame: nulls become NaN; a copy only where one is needed.

    A Float64 column without nulls is read without a copy (``to_numpy`` returns a read-only
    view of the Arrow buffer); other numeric dtypes (Int*, UInt*, Float32, Decimal) are cast
    to Float64 once, with nulls as NaN. With ``copy=True`` the result is a writable array
    owned by divergence, never a view of the caller's buffers.
    """
    import polars as pl

    if isinstance(x, pl.LazyFrame):
        raise TypeError(f"{name} is a polars LazyFrame; call .collect() on it first")
    if isinstance(x, pl.Series):
        if not _polars_numeric(x.dtype):
            raise TypeError(f"{name} must hold numbers, got polars dtype {x.dtype}")
        series = x if x.dtype == pl.Float64 else x.cast(pl.Float64)
        arr: FloatArray = series.to_numpy()
        if copy and not arr.flags.writeable:  # a view of the Arrow buffer
            arr = arr.copy()
        elif not copy:
            arr = _readonly(arr)
        return arr, Meta(name, "series", 1, arr.shape, None, None, x.name, polars=True)
    if isinstance(x, pl.DataFrame):
        index_col = _polars_index_column(x)
        data = x if index_col is None else x.drop(index_col.name)  # no copy: columns are shared
        # check each distinct dtype once (a wide panel has thousands of columns, one dtype)
        bad_types = {dt for dt in set(data.dtypes) if not _polars_numeric(dt)}
        bad = [c for c, dt in data.schema.items() if dt in bad_types] if bad_types else []
        if bad:
            shown = ", ".join(repr(c) for c in bad[:5])
            where = "" if index_col is None else " after the leading date column"
            hint = ""
            if index_col is None and x.width and bad[0] == x.columns[0]:
                hint = (
                    f" (a leading Date or Datetime column is read as the dates: cast "
                    f"{bad[0]!r} to pl.Date or pl.Datetime to use it so)"
                )
            raise TypeError(
                f"{name} must hold numbers only{where}; {len(bad)} column(s) have a "
                f"non-numeric (or boolean) polars dtype: {shown}{hint}"
            )
        if any(dt != pl.Float64 for dt in data.dtypes):
            data = data.cast(pl.Float64)
        if copy:
            # polars writes columns fastest into Fortran order; one transposing copy gives C
            # (twice as fast as to_numpy(order="c") on a 2520 x 500 panel)
            frame_arr: FloatArray = data.to_numpy()
            if order == "C":
                frame_arr = np.ascontiguousarray(frame_arr)
            if not frame_arr.flags.writeable:  # still a view: one column, or one Arrow block
                frame_arr = frame_arr.copy(order="C" if order == "C" else "K")
        else:
            frame_arr = _readonly(data.to_numpy())  # zero-copy when the layout allows
        meta = Meta(
            name,
            "frame",
            2,
            frame_arr.shape,
            None if index_col is None else _polars_index(index_col),
            pd.Index(data.columns),
            polars=True,
            polars_index=index_col,
        )
        return frame_arr, meta
    raise TypeError(
        f"{name} must be a polars Series or DataFrame (or array-like of numbers), got polars "
        f"{type(x).__name__}"
    )


def _pl_name(label: Hashable) -> str:
    return "" if label is None else str(label)


def _pl_series(values: FloatArray, name: Hashable) -> pl.Series:
    import polars as pl

    return pl.Series(_pl_name(name), np.asarray(values, dtype=np.float64).reshape(-1))


def _pl_frame(
    values: FloatArray, columns: pd.Index | Sequence[Hashable] | None, index_col: pl.Series | None
) -> pl.DataFrame:
    """A polars DataFrame of a (rows x columns) array, led by ``index_col`` when given."""
    import polars as pl

    values2 = np.atleast_2d(np.asarray(values, dtype=np.float64))
    names = (
        [_pl_name(c) for c in columns]
        if columns is not None
        else [f"column_{j}" for j in range(values2.shape[1])]
    )
    cols = [pl.Series(n, values2[:, j]) for j, n in enumerate(names)]
    return pl.DataFrame([index_col, *cols] if index_col is not None else cols)


def to_caller(result: Any, *sources: object) -> Any:
    """Re-wrap a pandas result for the caller: as polars when any of ``sources`` is polars.

    ``sources`` are the :class:`Meta` of the inputs or, for inputs read by column name (option
    chains), the caller's objects themselves. For results built outside the :class:`Meta`
    wrappers (tables of several statistics, results on other labels). A DataFrame on the rows
    of the polars input is led by the input's date column (if it had one); on a plain
    RangeIndex it has no index column; on any other index that index becomes its first column.
    A Series on the input's rows becomes a polars Series; a Series over the input's columns a
    one-row DataFrame with those columns (as polars' own ``DataFrame.mean()``); any other
    Series a two-column DataFrame (index, values). Dates of their own (a DatetimeIndex not the
    input's rows) take the dtype of a source's leading date column of the same name (see
    :func:`_date_labels`). Scalars, arrays and result objects are returned unchanged.
    """
    source: Meta | None = None
    date_columns: list[pl.Series] = []
    for m in sources:
        if isinstance(m, Meta) and m.polars:
            source = source or m
            if m.polars_index is not None:
                date_columns.append(m.polars_index)
        elif not isinstance(m, Meta) and is_polars(m):  # rows of a raw input carry no labels
            source = source or Meta("", "frame", 2, (-1, 0), polars=True)
            column = _raw_polars_index(m)
            if column is not None:
                date_columns.append(column)
    if source is None or not isinstance(result, pd.DataFrame | pd.Series):
        return result
    import polars as pl

    positional = _default_index(result.index)  # no labels: rows in order
    on_dates = (
        source.index is not None
        and len(result) == source.shape[0]
        and result.index.equals(source.index)
    )
    if isinstance(result, pd.Series):
        if positional or on_dates:
            flat = result.reset_index(drop=True)
            return pl.from_pandas(flat, nan_to_null=False).rename(_pl_name(result.name))
        if source.columns is not None and result.index.equals(source.columns):
            row = result.to_frame().T.reset_index(drop=True)
            row.columns = pd.Index([_pl_name(c) for c in row.columns])
            return pl.from_pandas(row, nan_to_null=False)
        labelled = pl.from_pandas(
            result.to_frame(_pl_name(result.name)).reset_index(), nan_to_null=False
        )
        return _date_labels(labelled, result.index, date_columns)
    frame = result.rename(columns=_pl_name)
    if not (positional or on_dates):
        labelled = pl.from_pandas(frame.reset_index(), nan_to_null=False)
        return _date_labels(labelled, result.index, date_columns)
    out = pl.from_pandas(frame.reset_index(drop=True), nan_to_null=False)
    if source.polars_index is not None and len(result) == source.shape[0]:
        out = pl.DataFrame([source.polars_index, *out.get_columns()])
    return out


def _raw_polars_index(x: object) -> pl.Series | None:
    """The leading Date/Datetime column of a raw polars DataFrame source, or None."""
    import polars as pl

    return _polars_index_column(x) if isinstance(x, pl.DataFrame) else None


def _date_labels(out: pl.DataFrame, index: pd.Index, date_columns: list[pl.Series]) -> Any:
    """Give the date labels in ``out``'s first column the dtype of the caller's dates.

    ``pl.from_pandas`` makes any DatetimeIndex a ``Datetime`` column of pandas' time unit. When
    a source had a leading date column of the same name as the index, that column's dtype is
    used instead: ``Date`` when every label is a midnight without a time zone, a ``Datetime``
    of the same time zone otherwise (its time unit); any other case is left as it is.
    """
    import polars as pl

    if not isinstance(index, pd.DatetimeIndex) or index.name is None:
        return out
    match = [c for c in date_columns if c.name == str(index.name)]
    if not match or out.width == 0:
        return out
    dtype = match[0].dtype
    first = out.columns[0]
    if isinstance(dtype, pl.Date):
        if index.tz is not None or not (index == index.normalize()).all():
            return out
    elif not (
        isinstance(dtype, pl.Datetime)
        and dtype.time_zone == getattr(out.schema[first], "time_zone", None)
    ):
        return out
    return out.with_columns(pl.col(first).cast(dtype))


def _default_index(index: pd.Index) -> bool:
    return (
        isinstance(index, pd.RangeIndex)
        and index.start == 0
        and index.step == 1
        and (index.name is None)
    )


def to_pandas(x: Any, *, date_index: bool = True) -> Any:
    """A polars DataFrame or Series as pandas (through Arrow); anything else unchanged.

    For inputs read by column name (option chains, debt books, tables), which are used as
    pandas DataFrames. A DataFrame's leading Date/Datetime column becomes its index when
    ``date_index``; a Series gets a RangeIndex. Needs pyarrow (part of the ``polars`` extra).
    """
    if not is_polars(x):
        return x
    import polars as pl

    if isinstance(x, pl.LazyFrame):
        raise TypeError("a polars LazyFrame was given; call .collect() on it first")
    if isinstance(x, pl.Series):
        return x.to_pandas()
    if isinstance(x, pl.DataFrame):
        index_col = _polars_index_column(x) if date_index else None
        if index_col is None:
            return x.to_pandas()
        out = x.drop(index_col.name).to_pandas()
        out.index = _polars_index(index_col)
        return out
    return x


def as_array(
    x: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] = (1, 2),
    allow_nan: bool = True,
    allow_all_nan: bool = False,
    allow_inf: bool = False,
    nonnegative: bool = False,
    positive: bool = False,
    min_size: int = 1,
    copy: bool = True,
    order: Literal["C", "K"] = "C",
    max_abs: float | None = MAX_ABS,
    time_ordered: bool = False,
) -> tuple[FloatArray, Meta]:
    """Coerce ``x`` to a float64 copy (or read-only view) and check it.

    Parameters
    ----------
    x : array_like, Series or DataFrame (pandas or polars)
        The caller's input; never modified. A polars input is read as described in
        :func:`_polars_to_float` (its Meta then wraps results as polars).
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int
        Accepted dimensions.
    allow_nan, allow_all_nan, allow_inf : bool
        Whether NaN may appear, whether an input with no non-NaN value is accepted, and whether
        ``±inf`` may appear.
    nonnegative, positive : bool
        Require ``x >= 0`` or ``x > 0`` wherever ``x`` is not NaN; ``positive`` also requires
        ``x >= MIN_POSITIVE`` (1e-100), since such inputs are used as divisors.
    min_size : int
        Minimum length along the last axis (and at least one row).
    copy : bool, default True
        With False, a float64 input is returned as a *read-only view* (no copy): for
        functions that only read their input. Any attempt to write to it raises.
    order : {"C", "K"}, default "C"
        Memory layout of a copy: ``"C"`` (row-major: fast row-wise sorts and partitions, and
        bit-identical results for ndarray and DataFrame inputs) or ``"K"`` (keep the input's
        layout; a DataFrame stays column-major, which saves a transposing copy for
        element-wise and matrix-product work).
    max_abs : float or None, default :data:`MAX_ABS` (1e100)
        Largest accepted ``abs(x)`` (finite values); None for no bound.
    time_ordered : bool, default False
        The function lags, differences, rolls or compounds over rows, so row order is time
        order: a DatetimeIndex or PeriodIndex (of a pandas input, or the leading date column
        of a polars one) must be strictly increasing (:func:`check_time_order`). Inputs
        without dates are taken in row order.

    Returns
    -------
    values : ndarray
        float64 array with the input's shape: a copy in ``order``, or a read-only view.
    meta : Meta
        What is needed to wrap results like the input.

    Raises
    ------
    TypeError
        ``x`` is None, a string, or holds non-numeric, boolean or complex values.
    InputError
        Wrong dimension, empty, NaN/inf where not allowed, out-of-range values, duplicate
        column labels, or (``time_ordered``) unsorted or duplicate dates.
    """
    values, meta = _to_float(x, name, copy, check_option(order, "order", ("C", "K")))
    if time_ordered:
        check_time_order(meta)
    dims = (ndim,) if isinstance(ndim, int) else ndim
    if values.ndim not in dims:
        want = " or ".join(f"{d}-D" for d in dims)
        raise InputError(
            f"{name} must be {want}, got a {values.ndim}-D input of shape {values.shape}"
        )
    if values.size == 0:
        raise InputError(f"{name} is empty (shape {values.shape})")
    if values.shape[-1] < min_size:
        raise InputError(
            f"{name} needs at least {min_size} entries along its last axis, got {values.shape[-1]}"
        )
    _check_values(
        values,
        meta,
        allow_nan,
        allow_all_nan,
        allow_inf,
        nonnegative=nonnegative,
        positive=positive,
        max_abs=max_abs,
    )
    return values, meta


def check_time_order(meta: Meta) -> None:
    """Require strictly increasing dates when the input is indexed by DatetimeIndex/PeriodIndex.

    The one rule for time-ordered inputs: rows are never reordered for the caller. Unsorted
    dates raise an :class:`InputError` that says to sort (``x.sort_index()``), duplicate dates
    one that says to de-duplicate (``x[~x.index.duplicated(keep="last")]``) or aggregate; both
    name the argument and the first offending position. A missing date (NaT) is refused too.
    Inputs without a date index (arrays, integer or string indexes) are taken in row order.
    """
    idx = meta.index
    if not isinstance(idx, pd.DatetimeIndex | pd.PeriodIndex) or len(idx) < 2:
        return
    if idx.hasnans:
        pos = int(np.argmax(np.asarray(idx.isna())))
        raise InputError(f"{meta.name} has a missing (NaT) date at position {pos}")
    if idx.is_monotonic_increasing and idx.is_unique:
        return
    step = np.diff(idx.asi8)
    pos = int(np.argmax(step <= 0)) + 1
    if step[pos - 1] == 0:
        raise InputError(
            f"{meta.name} has duplicate dates: {fmt_label(idx[pos])} (position {pos}) repeats "
            f"the previous row; rows are periods in time order, so de-duplicate "
            f"(x[~x.index.duplicated(keep='last')]) or aggregate them first"
        )
    raise InputError(
        f"{meta.name} dates are not in increasing order: {fmt_label(idx[pos])} (position "
        f"{pos}) comes after {fmt_label(idx[pos - 1])}; rows are read as periods in time "
        f"order and are never reordered for you: sort them first (x.sort_index())"
    )


def check_hashable_labels(labels: Iterable[object], name: str) -> list[Hashable]:
    """Require every label (of groups, sectors, legs, cohorts) to be hashable; return them.

    A list, dict or set used as a label would fail deep inside pandas with a bare
    ``TypeError: unhashable type``; here the message names the argument and the position.
    """
    out: list[Any] = list(labels)
    for i, lab in enumerate(out):
        try:
            hash(lab)
        except TypeError:
            raise InputError(
                f"{name} holds an unhashable label of type {type(lab).__name__} at position "
                f"{i} ({lab!r}); labels must be hashable (str, int, tuple, ...)"
            ) from None
    return out


_RANK = {"ndarray": 0, "pandas": 1, "polars": 2}


def _rank(meta: Meta) -> int:
    if meta.polars:
        return _RANK["polars"]
    return _RANK["pandas"] if meta.is_pandas else _RANK["ndarray"]


def lead_meta(*metas: Meta) -> Meta:
    """The Meta a result follows: the first polars input, else the first pandas one, else the first.

    The rule of the library for functions of several array inputs ("output type follows any
    pandas input"): ``real_rate(ndarray, Series)`` returns a Series on that Series' index.
    """
    best = metas[0]
    for m in metas[1:]:
        if _rank(m) > _rank(best):
            best = m
    return best


def _adopt(a: Meta, b: Meta, *, same_shape: bool) -> None:
    """Give ``a`` the labels of ``b`` when ``b`` leads (see :func:`lead_meta`).

    ``a`` is the Meta a function wraps its result with (its first array argument), so every
    function that checks its inputs' layout gains the rule without a change of its own. Only
    labels move; shape and name stay ``a``'s. Metas are built per call, so nothing is shared.
    """
    if _rank(b) <= _rank(a):
        return
    fields: dict[str, Any] = {}
    if b.polars:
        fields["polars"] = True
        fields["polars_index"] = b.polars_index
    if not a.is_pandas:
        fields["kind"] = "frame" if a.ndim == 2 else "series"
        fields["index"] = b.index
        if same_shape:
            fields["columns"] = b.columns
            fields["label"] = b.label
    elif b.polars and b.index is not None:
        fields["index"] = b.index
    for key, value in fields.items():
        object.__setattr__(a, key, value)  # frozen for users of a Meta, not for its builder


def _index_mismatch(a: Meta, b: Meta, what: str, ia: pd.Index, ib: pd.Index) -> InputError:
    plural = {"index": "indexes", "column": "columns"}[what]
    if ia.dtype != ib.dtype:
        shown = f"{what} dtypes differ: {ia.dtype} vs {ib.dtype}"
        return InputError(
            f"{a.name} and {b.name} have different {plural} ({shown}; e.g. "
            f"{fmt_label(ia[0]) if len(ia) else '-'} vs {fmt_label(ib[0]) if len(ib) else '-'}"
            f"). Convert one (e.g. pd.to_datetime) so that the labels match"
        )
    only_a = ia.difference(ib)
    only_b = ib.difference(ia)
    if len(only_a) or len(only_b):
        parts = []
        if len(only_a):
            parts.append(f"{fmt_label(only_a[0])} only in {a.name}")
        if len(only_b):
            parts.append(f"{fmt_label(only_b[0])} only in {b.name}")
        where = "; e.g. " + ", ".join(parts)
    else:
        where = " (same labels, other order)"
    return InputError(
        f"{a.name} and {b.name} have different {plural}{where}; align them first "
        f"(e.g. {a.name}, {b.name} = {a.name}.align({b.name}, join='inner'))"
    )


def _check_values(
    values: FloatArray,
    meta: Meta,
    allow_nan: bool,
    allow_all_nan: bool,
    allow_inf: bool,
    *,
    nonnegative: bool,
    positive: bool,
    max_abs: float | None = None,
) -> None:
    """Range checks with allocation-free reductions; full masks only to report a failure."""
    name = meta.name
    flat = values.ravel(order="K")  # a view for C- or F-contiguous input
    lo = float(np.fmin.reduce(flat))  # fmin/fmax skip NaN; NaN only if every value is NaN
    hi = float(np.fmax.reduce(flat))
    if np.isnan(lo):
        if not allow_nan:
            raise InputError(f"{name} has {values.size} NaN value(s) where none are allowed")
        if not allow_all_nan:
            raise InputError(f"{name} has no valid (non-NaN) value")
        return
    has_inf = bool(np.isinf(lo) or np.isinf(hi))
    if has_inf and not allow_inf:
        inf = np.isinf(values)
        raise InputError(f"{name} has {int(inf.sum())} infinite value(s); first {meta.locate(inf)}")
    if not allow_nan:
        if has_inf:  # -inf + inf would be NaN (and warn): look for NaN directly
            has_nan = bool(np.isnan(values).any())
        else:
            with np.errstate(over="ignore"):  # an overflow gives inf, never NaN: still correct
                total = float(np.add.reduce(flat))  # NaN iff some value is NaN
            has_nan = bool(np.isnan(total))
        if has_nan:
            nan = np.isnan(values)
            raise InputError(
                f"{name} has {int(nan.sum())} NaN value(s) where none are allowed; "
                f"first {meta.locate(nan)}"
            )
    if positive and lo <= 0:
        bad = values <= 0
        raise InputError(
            f"{name} must be strictly positive; {int(bad.sum())} value(s) are not; "
            f"first {meta.locate(bad)}"
        )
    if positive and lo < MIN_POSITIVE:
        bad = values < MIN_POSITIVE
        raise InputError(
            f"{name} has {int(bad.sum())} value(s) below {MIN_POSITIVE:g}: too small for a "
            f"strictly positive price, level or time (it is divided by); first {meta.locate(bad)}"
        )
    if nonnegative and lo < 0:
        bad = values < 0
        raise InputError(f"{name} has {int(bad.sum())} negative value(s); first {meta.locate(bad)}")
    if max_abs is not None:
        big_lo = lo < -max_abs and not np.isinf(lo)
        big_hi = hi > max_abs and not np.isinf(hi)
        if big_lo or big_hi or (has_inf and _any_big(values, max_abs)):
            big = np.isfinite(values) & (np.abs(values) > max_abs)
            if big.any():
                raise InputError(
                    f"{name} has {int(big.sum())} value(s) larger than {max_abs:g} in magnitude "
                    f"(not a price, size, return or rate in any unit); first {meta.locate(big)}"
                )


def _any_big(values: FloatArray, max_abs: float) -> bool:
    with np.errstate(invalid="ignore"):
        return bool((np.isfinite(values) & (np.abs(values) > max_abs)).any())


def as_panel(x: object, name: str, **checks: Any) -> tuple[FloatArray, Meta]:
    """Like :func:`as_array` (1-D or 2-D) but always return a 2-D array (a 1-D input is one row)."""
    values, meta = as_array(x, name, ndim=(1, 2), **checks)
    return np.atleast_2d(values), meta


def check_lower_bound(
    values: FloatArray,
    meta: Meta,
    bound: float,
    *,
    strict: bool,
    note: str = "",
    advice: str = "",
) -> None:
    """Require ``values > bound`` (``strict``) or ``values >= bound``, ignoring NaN.

    The message names the argument, counts the offenders and locates the first, e.g.
    ``returns has 2 value(s) below -1 (a loss of more than 100%); first at row 3, column 'X'.``
    """
    bad = values <= bound if strict else values < bound
    if bad.any():
        where = "at or below" if strict else "below"
        raise InputError(
            f"{meta.name} has {int(bad.sum())} value(s) {where} {bound:g}{note}; "
            f"first {meta.locate(bad.reshape(meta.shape))}.{(' ' + advice) if advice else ''}"
        )


def check_simple_returns(values: FloatArray, meta: Meta) -> None:
    """Simple decimal returns cannot fall below -1 (losing more than everything)."""
    check_lower_bound(
        values,
        meta,
        -1.0,
        strict=False,
        note=" (a loss of more than 100%)",
        advice="Pass simple decimal returns, not percent or log returns of levels.",
    )


def as_per_item(
    value: object,
    name: str,
    n: int,
    *,
    of: str,
    check_labels: Callable[[Meta], None] | None = None,
    **checks: Any,
) -> FloatArray:
    """A scalar broadcast to ``n`` values, or a 1-D input with exactly ``n`` values.

    ``of`` completes the message "``name`` must be a scalar or have one value per ``of``";
    ``check_labels`` (given the input's Meta) checks a pandas input's labels against the items.
    """
    raw = np.atleast_1d(np.asarray(value)) if np.isscalar(value) else value
    arr, meta = as_array(raw, name, ndim=1, allow_nan=False, **checks)
    if arr.shape[0] == 1 and n != 1:
        return np.full(n, arr[0])
    if arr.shape[0] != n:
        raise InputError(
            f"{name} must be a scalar or have one value per {of} ({n}), got {arr.shape[0]}"
        )
    if check_labels is not None:
        check_labels(meta)
    return arr


# --------------------------------------------------------------------------- NaN policy
def nan_row_mask(values: FloatArray, meta: Meta, nan_policy: str) -> BoolArray | None:
    """Apply ``nan_policy`` to a (rows x assets) array.

    Parameters
    ----------
    values : ndarray
        2-D array (a 1-D input must already be reshaped to one row).
    meta : Meta
        Input description, for the error message.
    nan_policy : {"omit", "propagate", "raise"}
        ``"omit"``: NaN means "not present on that date" and is left out of each row's
        computation (a row with no valid entry gives NaN). ``"propagate"``: a row containing
        any NaN gives NaN. ``"raise"``: any NaN raises :class:`InputError`.

    Returns
    -------
    ndarray of bool or None
        Under ``"propagate"``, the rows whose result must be NaN; otherwise None.
    """
    policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
    if policy == "omit":
        return None
    nan = np.isnan(values)
    if policy == "raise":
        if nan.any():
            raise InputError(
                f"{meta.name} has {int(nan.sum())} NaN value(s) and nan_policy='raise'; "
                f"first {meta.locate(nan.reshape(meta.shape))}"
            )
        return None
    return cast(BoolArray, nan.any(axis=1))


# --------------------------------------------------------------------------- layouts
def check_same_layout(a: Meta, b: Meta) -> None:
    """Require two inputs to have the same shape and, when both are pandas, the same labels.

    Then the result follows the leading input (:func:`lead_meta`): when ``b`` is pandas (or
    polars) and ``a`` is not, ``a`` takes ``b``'s labels, so wrapping with ``a`` gives ``b``'s
    type. A mismatch of labels is refused with a message that shows it (first label only in
    each, or the index dtypes when they differ, e.g. strings vs datetimes that print alike).
    """
    if a.shape != b.shape:
        raise InputError(
            f"{a.name} and {b.name} must have the same shape, got {a.shape} and {b.shape}"
        )
    if a.is_pandas and b.is_pandas:
        if a.index is not None and b.index is not None and not a.index.equals(b.index):
            raise _index_mismatch(a, b, "index", a.index, b.index)
        if a.columns is not None and b.columns is not None and not a.columns.equals(b.columns):
            raise _index_mismatch(a, b, "column", a.columns, b.columns)
    _adopt(a, b, same_shape=True)


def check_same_rows(a: Meta, b: Meta) -> None:
    """Require two inputs to have the same number of rows and, when both are pandas, the same index.

    Unlike :func:`check_same_layout` the column counts may differ (a panel and a time series
    observed on the same dates). The result follows the leading input's index, as there.
    """
    if a.shape[0] != b.shape[0]:
        raise InputError(
            f"{a.name} and {b.name} must have the same number of rows, "
            f"got {a.shape[0]} and {b.shape[0]}"
        )
    both = a.is_pandas and b.is_pandas and a.index is not None and b.index is not None
    if both and a.index is not None and b.index is not None and not a.index.equals(b.index):
        raise _index_mismatch(a, b, "index", a.index, b.index)
    _adopt(a, b, same_shape=a.shape == b.shape)


# --------------------------------------------------------------------------- share classes
def merge_groups(
    values: FloatArray, meta: Meta, groups: GroupsLike | None, name: str = "groups"
) -> tuple[FloatArray, Meta]:
    """Sum the columns of one company (share classes) before weighting.

    ``groups`` maps a column label (DataFrame column, Series index label, or integer position
    for arrays) to a company label; columns it does not mention stay on their own. A sequence
    gives one company label per column. Within a company NaN means "class not present": the
    sum is over the present classes, and NaN only when no class is present.

    Returns the (rows x companies) array and a Meta whose columns are the company labels in
    order of first appearance.
    """
    if groups is None:
        return values, meta
    values2 = np.atleast_2d(values)
    n = values2.shape[1]
    labels = meta.columns if meta.ndim == 2 else meta.index
    col_labels: list[Hashable] = list(labels) if labels is not None else list(range(n))
    if isinstance(groups, Mapping | pd.Series):
        mapping = dict(groups.items())
        unknown = [k for k in mapping if k not in set(col_labels)]
        if unknown:
            raise InputError(
                f"{name} mentions {len(unknown)} label(s) that are not columns of "
                f"{meta.name}; first {fmt_label(unknown[0])}"
            )
        company = [mapping.get(c, c) for c in col_labels]
    elif isinstance(groups, Iterable) and not isinstance(groups, str | bytes):
        company = list(groups)
        if len(company) != n:
            raise InputError(
                f"{name} must give one company per column ({n}), got {len(company)} labels"
            )
    else:
        raise TypeError(f"{name} must be a mapping, a Series or a sequence of labels")
    check_hashable_labels(company, name)
    if any(pd.isna(c) for c in company if not isinstance(c, tuple)):
        raise InputError(f"{name} contains a missing (NaN/None) company label")
    codes, uniques = pd.factorize(pd.Index(company, tupleize_cols=False), sort=False)
    if len(uniques) == n:
        merged = values2.copy()
    else:
        order = np.argsort(codes, kind="stable")
        sorted_codes = codes[order]
        starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
        block = values2[:, order]
        valid = ~np.isnan(block)
        sums = np.add.reduceat(np.where(valid, block, 0.0), starts, axis=1)
        present = np.add.reduceat(valid.astype(np.int64), starts, axis=1) > 0
        merged = np.where(present, sums, np.nan)
    new_cols = pd.Index(list(uniques), tupleize_cols=False)
    if meta.ndim == 1:
        merged_1d = merged.reshape(-1)
        new_meta = replace(
            meta,
            ndim=1,
            shape=merged_1d.shape,
            index=new_cols if meta.is_pandas else None,
            columns=None,
        )
        return merged_1d, new_meta
    new_meta = replace(
        meta, ndim=2, shape=merged.shape, columns=new_cols if meta.is_pandas else None
    )
    return merged, new_meta


# --------------------------------------------------------------------------- scalars
@overload
def check_option(value: object, name: str, allowed: tuple[str, ...]) -> str: ...
@overload
def check_option(value: object, name: str, allowed: Sequence[str]) -> str: ...
def check_option(value: object, name: str, allowed: Sequence[str]) -> str:
    """Require ``value`` to be one of the ``allowed`` strings."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(allowed)}, got {type(value).__name__}")
    if value not in allowed:
        raise InputError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def check_int(
    value: object, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Require an integer (not a bool, not a float) within ``[minimum, maximum]``.

    Integers beyond :data:`MAX_ABS` (1e100) in magnitude are rejected like any other input
    (``periods_per_year / periods`` then stays within float range).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    out = int(value)
    if abs(out) > MAX_ABS:
        raise InputError(f"{name} must be at most {MAX_ABS:g} in magnitude, got {out:.3g}")
    if minimum is not None and out < minimum:
        raise InputError(f"{name} must be >= {minimum}, got {out}")
    if maximum is not None and out > maximum:
        raise InputError(f"{name} must be <= {maximum}, got {out}")
    return out


def check_float(
    value: object,
    name: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    inclusive: tuple[bool, bool] = (True, True),
    allow_inf: bool = False,
    max_abs: float | None = MAX_ABS,
) -> float:
    """Require a real, finite (unless ``allow_inf``) number within bounds.

    Like array inputs (:func:`as_array`), a finite value beyond ``max_abs`` (1e100) in
    magnitude is rejected, and a value that must be strictly positive (``minimum=0``,
    exclusive) must be at least ``1 / max_abs`` (as ``positive=True`` arrays must reach
    :data:`MIN_POSITIVE`): no option of a financial function is meaningful there, and such
    values overflow the arithmetic they feed (``sigma ** 2``, ``1 / kappa``, ``1 / dt``).
    ``max_abs=None`` disables both bounds.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        out = float(value)
    except OverflowError:  # a Python int beyond float range
        raise InputError(f"{name} is too large in magnitude, got {value}") from None
    if np.isnan(out) or (not allow_inf and np.isinf(out)):
        raise InputError(f"{name} must be a finite number, got {out}")
    if max_abs is not None and np.isfinite(out) and abs(out) > max_abs:
        raise InputError(f"{name} must be at most {max_abs:g} in magnitude, got {out:g}")
    lo_inc, hi_inc = inclusive
    if minimum is not None and (out < minimum or (not lo_inc and out == minimum)):
        op = ">=" if lo_inc else ">"
        raise InputError(f"{name} must be {op} {minimum}, got {out}")
    if max_abs is not None and minimum == 0.0 and not lo_inc and out < 1.0 / max_abs:
        raise InputError(
            f"{name} must be at least {1.0 / max_abs:g} (strictly positive), got {out:g}"
        )
    if maximum is not None and (out > maximum or (not hi_inc and out == maximum)):
        op = "<=" if hi_inc else "<"
        raise InputError(f"{name} must be {op} {maximum}, got {out}")
    return out


def check_bool(value: object, name: str) -> bool:
    """Require a real boolean."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def check_window(window: object, n_obs: int, name: str = "window", *, minimum: int = 1) -> int:
    """Require an integer window of at least ``minimum`` and no longer than the data."""
    w = check_int(window, name, minimum=minimum)
    if w > n_obs:
        raise InputError(f"{name}={w} is longer than the data ({n_obs} observations)")
    return w


def check_lag(periods: object, n_obs: int, name: str = "periods") -> int:
    """Require an integer look-back ``1 <= periods < n_obs`` (a value at t uses row t - periods).

    A look-back of ``n_obs`` rows or more leaves no row with a result, so it is an error, like a
    window longer than the data.
    """
    k = check_int(periods, name, minimum=1)
    if k >= n_obs:
        raise InputError(
            f"{name}={k} looks back further than the data allows ({n_obs} rows; a change over "
            f"{k} rows needs at least {k + 1})"
        )
    return k


# --------------------------------------------------------------------------- randomness
def as_generator(seed: SeedLike) -> np.random.Generator:
    """Turn any accepted seed into a :class:`numpy.random.Generator`."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, np.random.SeedSequence):
        return np.random.default_rng(seed)
    if isinstance(seed, bool | np.bool_) or not isinstance(seed, int | np.integer):
        raise TypeError(
            "seed must be an int, a numpy Generator, a SeedSequence or None, "
            f"got {type(seed).__name__}"
        )
    if int(seed) < 0:
        raise InputError(f"seed must be non-negative, got {int(seed)}")
    return np.random.default_rng(int(seed))


def spawn_generators(seed: SeedLike, n: int, *, start: int = 0) -> list[np.random.Generator]:
    """``n`` independent generators from ``SeedSequence(seed).spawn(start + n)[start:]``.

    Chunked work draws chunk ``i`` from generator ``i``, so results do not depend on where or
    in which order chunks run. A Generator seed is used through its bit generator's seed
    sequence, so the same Generator state gives the same children. ``start`` skips the first
    children without creating them, so work split over machines can draw children
    ``[start, start + n)`` only (child ``i`` is the same whatever ``start`` and ``n``).
    """
    count = check_int(n, "n", minimum=1)
    first = check_int(start, "start", minimum=0)
    fresh = as_seed_sequence(seed, skip=first)
    return [np.random.default_rng(child) for child in fresh.spawn(count)]


def as_seed_sequence(seed: SeedLike, *, skip: int = 0) -> np.random.SeedSequence:
    """A fresh :class:`numpy.random.SeedSequence` whose next children are those of ``seed``.

    A Generator seed is used through its bit generator's seed sequence; ``None`` draws fresh
    entropy once (so every chunk built from the result shares it). The result is a copy, so
    spawning from it never advances the caller's SeedSequence or Generator; ``skip`` moves past
    the first children without creating them. Picklable, for work shipped to other processes.
    """
    if isinstance(seed, np.random.Generator):
        ss = seed.bit_generator.seed_seq
        if not isinstance(ss, np.random.SeedSequence):  # pragma: no cover - exotic bit generators
            raise TypeError("seed Generator must be backed by a numpy SeedSequence")
        seq = ss
    elif isinstance(seed, np.random.SeedSequence):
        seq = seed
    elif seed is None:
        seq = np.random.SeedSequence()
    else:
        as_generator(seed)  # validates type and sign
        seq = np.random.SeedSequence(int(seed))
    return np.random.SeedSequence(
        seq.entropy,
        spawn_key=seq.spawn_key,
        pool_size=seq.pool_size,
        n_children_spawned=seq.n_children_spawned + skip,
    )


# --------------------------------------------------------------------------- units
#: Median magnitude above which decimal rates, yields or inflation look like percent: a typical
#: value above 100% a year (or per period). Percent rates of 1% or more are all caught; rates
#: genuinely above 100% a year (hyperinflation) warn and can be silenced.
RATE_UNIT_LIMIT: float = 1.0

#: Median magnitude above which decimal returns per period look like percent returns or prices.
#: Decimal returns rarely have a median magnitude above 0.5 at any horizon (annual single-stock
#: returns: about 0.2-0.3), while percent returns of a daily or longer period have a median
#: magnitude of 0.5 or more (0.674 sigma for a normal with sigma >= 0.75%), and prices or index
#: levels are far above it.
RETURN_UNIT_LIMIT: float = 0.5

#: Median above which a time to expiration in years looks like days: listed options rarely
#: run beyond 3 years (LEAPS), while a time in days is 5 or more for anything but the last
#: few days of an expiry.
YEARS_UNIT_LIMIT: float = 5.0

#: Most values :func:`warn_units` looks at: a larger input is judged on this many evenly spaced
#: values (a median of 65,536 draws is within about 1% of the true one, far finer than the
#: thresholds), so the check costs well under a millisecond whatever the panel's size.
UNIT_SAMPLE: int = 65_536


def user_stacklevel() -> int:
    """``stacklevel`` that makes ``warnings.warn`` point at the user's line.

    Call it as ``warnings.warn(..., stacklevel=user_stacklevel())`` from any function of the
    package: it counts the frames of the package between that call and the first frame outside
    it (the user's code), whatever the depth of private helpers or the deprecation wrapper of
    :mod:`divergence._compat` in between (pandas' ``find_stack_level`` idea).
    """
    import inspect
    import os

    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame = inspect.currentframe()
    level = 0
    try:
        while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
            frame = frame.f_back
            level += 1
    finally:
        del frame
    return max(level, 1)


def warn_units(
    values: object,
    name: str,
    kind: Literal["rate", "return", "years"],
) -> None:
    """Warn (:class:`~divergence.errors.UnitWarning`) when ``values`` look like the wrong unit.

    ``kind="rate"``: decimal rates, yields or inflation; warns when the median absolute value
    exceeds :data:`RATE_UNIT_LIMIT` (percent passed for decimals). ``kind="return"``: decimal
    returns per period; warns when the median absolute value exceeds
    :data:`RETURN_UNIT_LIMIT`, naming prices or levels when every value is positive and
    percent returns otherwise. ``kind="years"``: times to expiration in years; warns when the
    median exceeds :data:`YEARS_UNIT_LIMIT` (days passed for years). NaN and infinite values
    are ignored; the values are never changed. An input of more than :data:`UNIT_SAMPLE` values
    is judged on that many evenly spaced values. The warning points at the user's line
    (:func:`user_stacklevel`).
    """
    import warnings

    from divergence.errors import UnitWarning

    flat = np.asarray(values, dtype=np.float64).ravel(order="K")  # a view when contiguous
    if flat.size > UNIT_SAMPLE:
        flat = flat[:: -(-flat.size // UNIT_SAMPLE)]  # evenly spaced, at most UNIT_SAMPLE
    finite = flat[np.isfinite(flat)]
    if finite.size == 0:
        return
    typical = float(np.median(np.abs(finite)))
    if kind == "rate":
        if typical <= RATE_UNIT_LIMIT:
            return
        message = (
            f"{name} has a median magnitude of {typical:.4g}, above {RATE_UNIT_LIMIT:g} (100%): "
            f"it looks like percent, not decimals. Pass 0.05 for 5% (divide by 100)."
        )
    elif kind == "years":
        if typical <= YEARS_UNIT_LIMIT:
            return
        message = (
            f"{name} has a median of {typical:.4g}, above {YEARS_UNIT_LIMIT:g} years: it looks "
            "like days, not years. Pass years (e.g. days / 365, or minutes / 525,600)."
        )
    else:
        if typical <= RETURN_UNIT_LIMIT:
            return
        if bool((finite > 0).all()):
            likely = (
                "every value is positive, so these look like prices or index levels, not "
                "returns. Pass decimal returns, e.g. prices.pct_change()"
            )
        else:
            likely = "these look like percent returns. Pass 0.01 for 1% (divide by 100)"
        message = (
            f"{name} has a median magnitude of {typical:.4g}, above {RETURN_UNIT_LIMIT:g} (a "
            f"50% return per period): {likely}."
        )
    warnings.warn(
        message + " If the magnitude is intended, silence divergence.errors.UnitWarning.",
        UnitWarning,
        stacklevel=user_stacklevel(),
    )
