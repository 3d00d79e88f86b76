"""Debt book (one row per tranche) and firms table, validated (private module)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from divergence._typing import BoolArray, FloatArray, IntArray
from divergence._validation import MIN_POSITIVE, as_array, check_int, is_polars, to_pandas
from divergence.errors import InputError

__all__ = ["LADDER_BUCKETS", "LADDER_TAGS", "DebtBook", "Firms", "as_book", "as_firms"]

#: Columns of a maturity ladder: principal due in years 1 to 5 and after year 5.
LADDER_BUCKETS: tuple[str, ...] = ("y1", "y2", "y3", "y4", "y5", "after5")
#: The us-gaap XBRL tag of each ladder bucket (the 10-K debt-maturity table).
LADDER_TAGS: dict[str, str] = {
    "y1": "LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths",
    "y2": "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearTwo",
    "y3": "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearThree",
    "y4": "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFour",
    "y5": "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFive",
    "after5": "LongTermDebtMaturitiesRepaymentsOfPrincipalAfterYearFive",
}
_STEPS_PER_YEAR = (1, 2, 3, 4, 6, 12)

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

    Build it with :meth:`from_frame` (one row per tranche) or :meth:`from_maturity_ladder` (a
    10-K maturity table per firm). Attributes are read-only arrays, one entry per tranche in
    the order of the frame.

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

    @classmethod
    def from_maturity_ladder(
        cls,
        ladder: pd.DataFrame,
        *,
        coupon: float | pd.Series | Mapping[Hashable, float],
        floating_share: float | pd.Series | Mapping[Hashable, float] = 0.0,
        spread: float | pd.Series | Mapping[Hashable, float] | None = None,
        reset_months: int | pd.Series | Mapping[Hashable, int] = 3,
        tenor: int | pd.Series | Mapping[Hashable, int] = 120,
        after5_years: int = 5,
        tranches_per_year: int = 12,
        columns: Mapping[str, str] | None = None,
    ) -> DebtBook:
        r"""A book from a 10-K debt-maturity table: one row per firm, six maturity buckets.

        Each bucket's principal is spread in equal tranches over the months of that bucket:
        with ``tranches_per_year`` :math:`k` (default 12, one tranche a month) and step
        :math:`\Delta = 12/k` months, bucket ``y``:math:`b` (:math:`b = 1 \dots 5`) matures at
        months :math:`12(b-1) + \Delta, 12(b-1) + 2\Delta, \dots, 12b` (months 1–12 for
        ``y1``, 13–24 for ``y2``, …) and ``after5`` at months
        :math:`60 + \Delta, \dots, 60 + 12A` with :math:`A` = ``after5_years`` (default 5:
        years 6–10). Every tranche is split into a floating part (``floating_share``
        :math:`f`) and a fixed part (:math:`1 - f`):

        .. math::

           P^{\text{float}}_{b,i} = f\,\frac{B_b}{n_b}, \qquad
           P^{\text{fixed}}_{b,i} = \frac{B_b}{n_b} - P^{\text{float}}_{b,i},
           \qquad \sum_{i=1}^{n_b} \big(P^{\text{float}}_{b,i} + P^{\text{fixed}}_{b,i}\big)
           = B_b,

        where :math:`B_b` is the bucket's principal and :math:`n_b` its number of tranches (the
        last tranche of a bucket takes the rounding remainder, so principal is conserved to
        the last few ulps). Tranches of zero principal (below 1e-100) are left out.

        Parameters
        ----------
        ladder : DataFrame
            One row per firm (the index holds unique firm labels), columns ``y1`` … ``y5`` and
            ``after5``: principal due in the 12 months after the balance-sheet date, in year 2,
            …, in year 5 and after year 5 (money, e.g. USD as in the XBRL facts; >= 0). The
            us-gaap tag names (``LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths``
            … ``…AfterYearFive``) are accepted as column names too. Zero means no debt due in
            that bucket; NaN is rejected (a bucket a filing does not report is missing data,
            not zero: pass ``ladder.fillna(0.0)`` if zero is what you mean). Other columns are
            ignored. A polars DataFrame has no index: its firm labels are its ``firm`` column
            (without one, firms are numbered 0, 1, … in row order).
        coupon : float, Series or mapping
            Annual rate paid now (decimal) on every tranche of a firm: the coupon of fixed
            tranches and the current fixing of floating ones (until their first re-fixing at
            month ``reset_months``). A scalar, or one value per firm (a Series or mapping keyed
            by the ladder's index).
        floating_share : float, Series or mapping, default 0.0
            Share of each bucket that pays a floating rate, in [0, 1].
        spread : float, Series or mapping, optional
            Annual spread over the base rate (decimal) of floating tranches; required when any
            firm has a positive ``floating_share``.
        reset_months : int, Series or mapping, default 3
            Months between re-fixings of floating tranches (>= 1): an int for every firm, or
            whole numbers per firm.
        tenor : int, Series or mapping, default 120
            Months to maturity of refinanced tranches (>= 1), given like ``reset_months``.
        after5_years : int, default 5
            Years over which the ``after5`` bucket is spread (years 6 to ``5 + after5_years``).
        tranches_per_year : {1, 2, 3, 4, 6, 12}, default 12
            Tranches per bucket-year (12: one a month; 1: one at the end of each year).
        columns : mapping, optional
            Renames columns of ``ladder`` to ``y1`` … ``after5`` (e.g. a vendor's names).

        Returns
        -------
        DebtBook
            Firm-major, fixed tranches (by maturity) before floating ones; ``firm`` is the
            ladder's index label.

        Raises
        ------
        InputError
            Missing bucket columns, duplicate or missing firm labels, NaN or negative buckets,
            a firm whose buckets are all zero, ``floating_share`` outside [0, 1], a missing
            ``spread`` for floating debt, per-firm values that miss a firm.
        TypeError
            ``ladder`` is not a DataFrame, a per-firm argument is not a number, Series or
            mapping, or a scalar ``reset_months`` / ``tenor`` is not an int.

        Notes
        -----
        A 10-K reports principal due by fiscal year only, so the spread within a bucket is an
        assumption; equal monthly tranches place the bucket's mean maturity at its middle.
        The filing does not say when debt due after year five matures: ``after5_years``
        states it (Apple's FY2024 notes run to 2062, but most of that principal is due within
        about ten years). Floating tranches of a firm all re-fix first at month
        ``reset_months``.

        References
        ----------
        .. [1] FASB ASC 470-10-50-1: disclosure of the combined aggregate amount of maturities
           of long-term borrowings for each of the five years following the balance-sheet date.
        .. [2] U.S. SEC, "Financial Statement and Notes" XBRL data, us-gaap taxonomy elements
           ``LongTermDebtMaturitiesRepaymentsOfPrincipal…``.

        Examples
        --------
        >>> ladder = pd.DataFrame({"y1": [12.0], "y2": [0.0], "y3": [24.0], "y4": [0.0],
        ...                        "y5": [0.0], "after5": [60.0]}, index=["a"])
        >>> book = DebtBook.from_maturity_ladder(ladder, coupon=0.04, tranches_per_year=1)
        >>> print(len(book), book.maturity.tolist(), book.principal.tolist())
        7 [12, 36, 72, 84, 96, 108, 120] [12.0, 24.0, 12.0, 12.0, 12.0, 12.0, 12.0]
        """
        if is_polars(ladder):  # no index: the firm labels are a column (or row numbers)
            ladder = to_pandas(ladder, date_index=False)
            if isinstance(ladder, pd.DataFrame) and "firm" in ladder.columns:
                ladder = ladder.set_index("firm")
        return _book_from_ladder(
            ladder,
            coupon=coupon,
            floating_share=floating_share,
            spread=spread,
            reset_months=reset_months,
            tenor=tenor,
            after5_years=after5_years,
            tranches_per_year=tranches_per_year,
            columns=columns,
        )

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


def _per_firm(
    value: object, name: str, labels: pd.Index, *, allow_nan: bool = False, **checks: Any
) -> FloatArray:
    """A scalar broadcast to every firm, or one value per firm (Series/mapping by label)."""
    n = len(labels)
    if isinstance(value, Mapping):
        value = pd.Series(dict(value)) if len(value) else pd.Series(dtype=float)
    if isinstance(value, pd.Series):
        missing = labels.difference(value.index)
        if len(missing):
            raise InputError(
                f"{name} has no value for {len(missing)} firm(s) of the ladder, first "
                f"{missing[0]!r}"
            )
        if not value.index.is_unique:
            raise InputError(f"{name} has duplicate firm labels")
        values, _ = as_array(value.reindex(labels), name, ndim=1, allow_nan=allow_nan, **checks)
        return values
    if np.isscalar(value) and not isinstance(value, str):
        values, _ = as_array(np.full(n, value), name, ndim=1, allow_nan=allow_nan, **checks)
        return values
    raise TypeError(
        f"{name} must be a number, or a Series or mapping keyed by firm, got {type(value).__name__}"
    )


def _whole_per_firm(value: object, name: str, labels: pd.Index) -> IntArray:
    """Whole months >= 1: an int (not a float) for all firms, or per-firm whole numbers."""
    if np.isscalar(value) and not isinstance(value, str):
        return np.full(len(labels), check_int(value, name, minimum=1), dtype=np.int64)
    values = _per_firm(value, name, labels)
    bad = (np.mod(values, 1.0) != 0) | (values < 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"{name} must be a whole number of months >= 1; got {values[i]:g} for firm "
            f"{labels[i]!r}"
        )
    return values.astype(np.int64)


def _ladder_months(after5_years: int, per_year: int) -> tuple[IntArray, IntArray]:
    """Maturity month and bucket number (0 … 5) of every tranche position of a firm."""
    step = 12 // per_year
    years = np.r_[np.arange(5), np.full(after5_years, 5)]  # bucket of each year
    starts = 12 * np.arange(5 + after5_years)
    offsets = step * np.arange(1, per_year + 1)
    months = (starts[:, None] + offsets[None, :]).ravel()
    buckets = np.repeat(years, per_year)
    return months.astype(np.int64), buckets.astype(np.int64)


def _book_from_ladder(
    ladder: object,
    *,
    coupon: object,
    floating_share: object,
    spread: object,
    reset_months: object,
    tenor: object,
    after5_years: int,
    tranches_per_year: int,
    columns: Mapping[str, str] | None,
) -> DebtBook:
    """See :meth:`DebtBook.from_maturity_ladder`."""
    if not isinstance(ladder, pd.DataFrame):
        raise TypeError(f"ladder must be a DataFrame, got {type(ladder).__name__}")
    a5 = check_int(after5_years, "after5_years", minimum=1, maximum=100)
    per_year = check_int(tranches_per_year, "tranches_per_year", minimum=1, maximum=12)
    if per_year not in _STEPS_PER_YEAR:
        raise InputError(
            f"tranches_per_year must divide 12 (one of {list(_STEPS_PER_YEAR)}), got {per_year}"
        )
    df = ladder
    if columns is not None:
        if not isinstance(columns, Mapping):
            raise TypeError(f"columns must be a mapping, got {type(columns).__name__}")
        df = df.rename(columns=dict(columns))
    if not any(b in df.columns for b in LADDER_BUCKETS):
        df = df.rename(columns={tag: b for b, tag in LADDER_TAGS.items()})
    missing = [b for b in LADDER_BUCKETS if b not in df.columns]
    if missing:
        raise InputError(f"ladder is missing maturity column(s) {missing}")
    if len(df) == 0:
        raise InputError("ladder is empty")
    labels = df.index
    if pd.isna(labels).any():
        raise InputError("ladder has missing firm labels in its index")
    if not labels.is_unique:
        dup = labels[labels.duplicated()][0]
        raise InputError(f"ladder's index must hold unique firm labels; {dup!r} repeats")
    buckets, _ = as_array(
        df[list(LADDER_BUCKETS)], "ladder", ndim=2, allow_nan=False, nonnegative=True
    )
    totals = buckets.sum(axis=1)
    if not (totals > 0).any():
        raise InputError("ladder has no debt: every bucket of every firm is zero")
    share = _per_firm(floating_share, "floating_share", labels)
    if ((share < 0) | (share > 1)).any():
        i = int(np.flatnonzero((share < 0) | (share > 1))[0])
        raise InputError(
            f"floating_share must lie in [0, 1]; got {share[i]:g} for firm {labels[i]!r}"
        )
    cpn = _per_firm(coupon, "coupon", labels)
    if spread is None:
        if (share > 0).any():
            raise InputError("spread is required when floating_share is positive")
        spr = np.full(len(labels), np.nan)
    else:
        spr = _per_firm(spread, "spread", labels)
    reset = _whole_per_firm(reset_months, "reset_months", labels)
    ten = _whole_per_firm(tenor, "tenor", labels)

    months, bucket_of = _ladder_months(a5, per_year)
    counts = np.bincount(bucket_of, minlength=6)  # tranches per bucket
    each = buckets / counts  # (firms, 6)
    slot = each[:, bucket_of]  # (firms, positions)
    last = np.r_[bucket_of[1:] != bucket_of[:-1], True]  # last position of each bucket
    slot[:, last] = buckets - each * (counts - 1)
    flo = slot * share[:, None]
    fix = slot - flo
    n_f, n_p = slot.shape
    prin = np.concatenate([fix, flo], axis=1)  # (firms, 2 * positions): fixed, then floating
    is_fl = np.r_[np.zeros(n_p, dtype=bool), np.ones(n_p, dtype=bool)]
    keep = prin >= MIN_POSITIVE  # zero parts (and sub-1e-100 dust) are not tranches
    firm_pos = np.broadcast_to(np.arange(n_f)[:, None], prin.shape)[keep]
    fl = np.broadcast_to(is_fl, prin.shape)[keep]
    mat = np.broadcast_to(np.r_[months, months], prin.shape)[keep]
    frame = pd.DataFrame(
        {
            "firm": labels.to_numpy(dtype=object)[firm_pos],
            "principal": prin[keep],
            "kind": np.where(fl, "floating", "fixed"),
            "coupon": cpn[firm_pos],
            "spread": np.where(fl, spr[firm_pos], np.nan),
            "maturity": mat,
            "reset_months": np.where(fl, reset[firm_pos], np.nan),
            "tenor": ten[firm_pos],
        }
    )
    return _book_from_frame(frame, "ladder")


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
