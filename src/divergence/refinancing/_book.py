"""Debt book (one row per tranche) and firms table, validated (private module)."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from divergence._typing import BoolArray, FloatArray, IntArray
from divergence._validation import as_array, is_polars, to_pandas
from divergence.errors import InputError

__all__ = ["DebtBook", "Firms", "as_book", "as_firms"]

_KINDS = ("fixed", "floating")
_BOOK_REQUIRED = ("firm", "principal", "kind", "maturity", "tenor")
_FIRMS_REQUIRED = ("firm", "ebit", "growth", "volatility", "cohort")
#: Largest accepted |growth| and volatility of log EBIT (per year) and |rate_beta|. Far beyond
#: any firm (a log growth of 5 multiplies EBIT by 148 a year), and small enough that EBIT paths
#: over centuries of months stay finite instead of overflowing exp().
MAX_GROWTH = 5.0
MAX_VOLATILITY = 5.0
MAX_RATE_BETA = 100.0


def _column(df: pd.DataFrame, col: str, frame: str, **checks: Any) -> FloatArray:
    values, _ = as_array(df[col], f"{frame}[{col!r}]", ndim=1, **checks)
    return values


def _bounded(df: pd.DataFrame, col: str, frame: str, limit: float, what: str) -> FloatArray:
    """A finite column with ``|values| <= limit`` (a bound that keeps exp() finite)."""
    values = _column(df, col, frame, allow_nan=False)
    bad = np.abs(values) > limit
    if bad.any():
        raise InputError(
            f"{frame}[{col!r}] must lie in [-{limit:g}, {limit:g}] ({what}, decimal per year); "
            f"{int(bad.sum())} row(s) do not, {_first_bad(df, bad)}"
        )
    return values


def _first_bad(df: pd.DataFrame, bad: BoolArray) -> str:
    i = int(np.flatnonzero(bad)[0])
    return f"first at row {df.index[i]!r} (position {i})"


def _integers(
    df: pd.DataFrame, col: str, frame: str, values: FloatArray, rows: BoolArray, minimum: int
) -> IntArray:
    """Check ``values[rows]`` are whole numbers >= minimum; return int64 (0 where not rows)."""
    v = np.where(rows, values, float(minimum))
    bad = rows & (np.isnan(values) | (np.mod(v, 1.0) != 0) | (v < minimum))
    if bad.any():
        raise InputError(
            f"{frame}[{col!r}] must be a whole number of months >= {minimum}; "
            f"{int(bad.sum())} row(s) are not, {_first_bad(df, bad)}"
        )
    return v.astype(np.int64)


@dataclass(frozen=True, eq=False)
class DebtBook:
    r"""A validated debt book: one entry per tranche.

    Build it with :meth:`from_frame`. Attributes are read-only arrays, one entry per tranche
    in the order of the frame.

    Attributes
    ----------
    firm : ndarray of object
        Firm label of each tranche.
    principal : ndarray
        Face value (money, > 0).
    floating : ndarray of bool
        True for floating-rate tranches.
    coupon : ndarray
        Annual rate paid now (decimal). Fixed tranches: the coupon. Floating tranches: the
        current fixing, or NaN to fix at month 0 from the rate path.
    spread : ndarray
        Floating tranches: annual spread over the base rate (decimal); NaN for fixed.
    maturity : ndarray of int
        Months from now; current terms are paid for months ``0 … maturity-1`` and the tranche
        is refinanced at month ``maturity``.
    reset_months : ndarray of int
        Floating: months between re-fixings (0 for fixed).
    first_reset : ndarray of int
        Floating: month of the first re-fixing after month 0 (0 for fixed).
    tenor : ndarray of int
        Months to maturity of the refinanced tranche.

    Notes
    -----
    The arrays are validated once by :meth:`from_frame` (positive principal, whole months,
    first re-fixing within the reset period), so :func:`~divergence.refinancing.simulate` can
    reuse one book across runs without checking it again. A tranche pays its current coupon
    :math:`c_j` on principal :math:`P_j` for months :math:`0 \dots m_j - 1` and is refinanced at
    month :math:`m_j` (its ``maturity``).

    Examples
    --------
    >>> df = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
    ...                    "coupon": [0.05], "maturity": [12], "tenor": [60]})
    >>> book = DebtBook.from_frame(df)
    >>> print(len(book), book.maturity.tolist(), book.floating.tolist())
    1 [12] [False]
    """

    firm: np.ndarray[Any, np.dtype[np.object_]]
    principal: FloatArray
    floating: BoolArray
    coupon: FloatArray
    spread: FloatArray
    maturity: IntArray
    reset_months: IntArray
    first_reset: IntArray
    tenor: IntArray

    def __len__(self) -> int:
        return int(self.principal.shape[0])

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> DebtBook:
        """Validate a debt-book frame (one row per tranche).

        Parameters
        ----------
        frame : DataFrame
            Required columns: ``firm``, ``principal`` (money, > 0), ``kind`` (``"fixed"`` or
            ``"floating"``), ``maturity`` (whole months >= 1), ``tenor`` (whole months >= 1,
            for the refinanced tranche). Fixed rows need ``coupon`` (annual decimal). Floating
            rows need ``spread`` (annual decimal over the base rate) and ``reset_months``
            (whole months >= 1); their optional ``coupon`` is the current fixing (NaN: fix at
            month 0 from the rate path) and optional ``first_reset`` (whole months in
            ``1 … reset_months``) the month of the first re-fixing (default ``reset_months``).

        Returns
        -------
        DebtBook

        Raises
        ------
        InputError
            Missing columns, empty frame, non-positive principal, unknown kind, non-integer or
            non-positive maturity/tenor/reset, missing coupon or spread, non-finite values.
        TypeError
            ``frame`` is not a DataFrame, or a numeric column holds non-numbers.

        Examples
        --------
        >>> df = pd.DataFrame({"firm": ["a", "a"], "principal": [100.0, 50.0],
        ...                    "kind": ["fixed", "floating"], "coupon": [0.04, np.nan],
        ...                    "spread": [np.nan, 0.03], "maturity": [60, 24],
        ...                    "reset_months": [np.nan, 3], "tenor": [120, 36]})
        >>> book = DebtBook.from_frame(df)
        >>> print(len(book), book.floating.tolist(), book.reset_months.tolist())
        2 [False, True] [0, 3]
        """
        return _book_from_frame(frame, "frame")

    def to_frame(self) -> pd.DataFrame:
        """The book as a frame (one row per tranche, the columns of :meth:`from_frame`).

        Returns
        -------
        DataFrame
            Columns ``firm``, ``principal``, ``kind``, ``coupon``, ``spread``, ``maturity``,
            ``reset_months``, ``first_reset`` and ``tenor`` (0 for the reset columns of fixed
            tranches); :meth:`from_frame` accepts it back unchanged.

        Examples
        --------
        >>> df = pd.DataFrame({"firm": ["a"], "principal": [1.0], "kind": ["fixed"],
        ...                    "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> print(DebtBook.from_frame(df).to_frame()["kind"].tolist())
        ['fixed']
        """
        return pd.DataFrame(
            {
                "firm": self.firm,
                "principal": self.principal,
                "kind": np.where(self.floating, "floating", "fixed"),
                "coupon": self.coupon,
                "spread": self.spread,
                "maturity": self.maturity,
                "reset_months": self.reset_months,
                "first_reset": self.first_reset,
                "tenor": self.tenor,
            }
        )


def _book_from_frame(frame: object, name: str) -> DebtBook:
    """Validate a debt-book frame; error messages name the argument ``name``."""
    frame = to_pandas(frame, date_index=False)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in _BOOK_REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"{name} is missing required column(s) {missing}")
    if len(frame) == 0:
        raise InputError(f"{name} is empty")
    df = frame.reset_index(drop=True) if not frame.index.is_unique else frame
    firm = df["firm"].to_numpy(dtype=object, copy=True)
    if pd.isna(df["firm"]).any():
        raise InputError(f"{name}['firm'] has missing labels; {_first_bad(df, firm_na(df))}")
    bad_kind = ~df["kind"].isin(_KINDS).to_numpy(dtype=bool)
    if bad_kind.any():
        k0 = df["kind"].iloc[int(np.flatnonzero(bad_kind)[0])]
        raise InputError(
            f"{name}['kind'] must be 'fixed' or 'floating'; got {k0!r}, {_first_bad(df, bad_kind)}"
        )
    floating = (df["kind"] == "floating").to_numpy(dtype=bool)
    principal = _column(df, "principal", name, allow_nan=False, positive=True)
    n = len(df)
    nan = np.full(n, np.nan)
    # all-NaN columns are valid: an all-floating book without current fixings has no coupon,
    # an all-fixed book no spread (the checks below name the tranches that need one)
    has_coupon = "coupon" in df.columns
    coupon = _column(df, "coupon", name, allow_all_nan=True) if has_coupon else nan.copy()
    has_spread = "spread" in df.columns
    spread = _column(df, "spread", name, allow_all_nan=True) if has_spread else nan.copy()
    need_coupon = ~floating & np.isnan(coupon)
    if need_coupon.any():
        raise InputError(
            f"{name}['coupon'] is required for fixed tranches; {int(need_coupon.sum())} "
            f"missing, {_first_bad(df, need_coupon)}"
        )
    need_spread = floating & np.isnan(spread)
    if need_spread.any():
        raise InputError(
            f"{name}['spread'] is required for floating tranches; {int(need_spread.sum())} "
            f"missing, {_first_bad(df, need_spread)}"
        )
    everywhere = np.ones(n, dtype=bool)
    maturity = _integers(
        df, "maturity", name, _column(df, "maturity", name, allow_all_nan=True), everywhere, 1
    )
    tenor = _integers(
        df, "tenor", name, _column(df, "tenor", name, allow_all_nan=True), everywhere, 1
    )
    if "reset_months" in df.columns:
        reset_raw = _column(df, "reset_months", name, allow_all_nan=True)
    else:
        reset_raw = nan.copy()
    reset = _integers(df, "reset_months", name, reset_raw, floating, 1)
    reset = np.where(floating, reset, 0)
    if "first_reset" in df.columns:
        fr_raw = _column(df, "first_reset", name, allow_all_nan=True)
        fr_raw = np.where(floating & np.isnan(fr_raw), reset, fr_raw)
    else:
        fr_raw = reset.astype(np.float64)
    first = _integers(df, "first_reset", name, fr_raw, floating, 1)
    late = floating & (first > reset)
    if late.any():
        raise InputError(f"{name}['first_reset'] must be <= reset_months; {_first_bad(df, late)}")
    first = np.where(floating, first, 0)
    return DebtBook(
        firm=firm,
        principal=principal,
        floating=floating,
        coupon=coupon,
        spread=np.where(floating, spread, np.nan),
        maturity=maturity,
        reset_months=reset.astype(np.int64),
        first_reset=first.astype(np.int64),
        tenor=tenor,
    )


def firm_na(df: pd.DataFrame) -> BoolArray:
    """Rows whose firm label is missing."""
    return np.asarray(pd.isna(df["firm"]).to_numpy(), dtype=bool)


@dataclass(frozen=True, eq=False)
class Firms:
    """Validated firms table (private container)."""

    labels: list[Hashable]
    ebit: FloatArray
    growth: FloatArray
    volatility: FloatArray
    rate_beta: FloatArray
    cohort_codes: IntArray
    cohorts: list[str]


def as_firms(frame: object) -> Firms:
    """Validate the firms frame (see :func:`~divergence.refinancing.simulate`)."""
    frame = to_pandas(frame, date_index=False)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"firms must be a DataFrame, got {type(frame).__name__}")
    name = "firms"
    missing = [c for c in _FIRMS_REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(f"{name} is missing required column(s) {missing}")
    if len(frame) == 0:
        raise InputError(f"{name} is empty")
    df = frame.reset_index(drop=True)
    if pd.isna(df["firm"]).any():
        raise InputError(f"{name}['firm'] has missing labels; {_first_bad(df, firm_na(df))}")
    dup = df["firm"].duplicated().to_numpy()
    if dup.any():
        raise InputError(
            f"{name}['firm'] must be unique; {df['firm'].iloc[int(np.flatnonzero(dup)[0])]!r} "
            "appears more than once"
        )
    if pd.isna(df["cohort"]).any():
        bad = np.asarray(pd.isna(df["cohort"]).to_numpy(), dtype=bool)
        raise InputError(f"{name}['cohort'] has missing labels; {_first_bad(df, bad)}")
    ebit = _column(df, "ebit", name, allow_nan=False)
    growth = _bounded(df, "growth", name, MAX_GROWTH, "annual log growth of EBIT")
    vol = _column(df, "volatility", name, allow_nan=False, nonnegative=True)
    vol = _bounded(df, "volatility", name, MAX_VOLATILITY, "annual volatility of log EBIT")
    if "rate_beta" in df.columns:
        beta = _bounded(df, "rate_beta", name, MAX_RATE_BETA, "semi-elasticity of EBIT to rates")
    else:
        beta = np.zeros(len(df))
    codes, uniques = pd.factorize(df["cohort"].astype(str), sort=False)
    return Firms(
        labels=list(df["firm"]),
        ebit=ebit,
        growth=growth,
        volatility=vol,
        rate_beta=beta,
        cohort_codes=np.asarray(codes, dtype=np.int64),
        cohorts=[str(c) for c in uniques],
    )


def as_book(book: object) -> DebtBook:
    """A DebtBook as is, or a frame validated by :meth:`DebtBook.from_frame`."""
    if isinstance(book, DebtBook):
        return book
    if isinstance(book, pd.DataFrame) or is_polars(book):
        return _book_from_frame(book, "book")
    raise TypeError(f"book must be a DataFrame or a DebtBook, got {type(book).__name__}")
