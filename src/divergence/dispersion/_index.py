r"""The Cboe VIX procedure in one call, and the implied-correlation index built on it (private).

Both public functions share one engine, :func:`_boards`: a long table of option quotes (one row
per option) is checked once, its chains (quote time, underlying, expiration, root) are keyed
once (in place when the rows come ordered), the near and next terms of every board (quote
time × underlying) are chosen by group-wise array operations over the table of chains, and the
two terms of every board go through the chain kernel of :mod:`divergence.dispersion._kernels`
together. No Python loop runs over quote times, underlyings or chains.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from divergence._typing import BoolArray, FloatArray, IntArray
from divergence._validation import (
    as_array,
    check_float,
    check_option,
    is_polars,
    to_caller,
    to_pandas,
    warn_units,
)
from divergence.dispersion._implied import dispersion_index, implied_correlation
from divergence.dispersion._vix import (
    _check_rt,
    _dense,
    _group_codes,
    _key_codes,
    _panel_core,
    _stable_argsort_codes,
)
from divergence.errors import DataWarning, InputError

__all__ = ["implied_correlation_index", "vix_index"]

Selection = Literal["current", "bracket", "2009"]
Settlement = Literal["auto", "am", "pm"]
Expiries = Literal["fridays", "all"]
K0Rule = Literal["below", "at_or_below"]
Engine = Literal["auto", "numba", "numpy"]
OnOutOfRange = Literal["warn", "raise", "ignore"]
RateLike = float | Callable[[FloatArray], Any]

_SELECTIONS = ("current", "bracket", "2009")
_SETTLEMENTS = ("auto", "am", "pm")
_EXPIRIES = ("fridays", "all")
_K0_RULES = ("below", "at_or_below")
_ENGINES = ("auto", "numba", "numpy")

#: Minutes in a 365-day year and in the 30-day target (Cboe's N_365 and N_30).
_N365 = 525_600.0
_N30 = 43_200.0
_DAY = 1.0 / 365.0
_TARGET = 30.0 * _DAY
#: Settlement times (exchange clock, minutes after midnight): 9:30 AM and 4:00 PM ET.
_AM_MINUTES = 9 * 60 + 30
_PM_MINUTES = 16 * 60
_NS_MINUTE = 60 * 1_000_000_000
_NS_DAY = 1440 * _NS_MINUTE

_STANDARD_COLUMNS = (
    "quote_time",
    "expiration",
    "t",
    "strike",
    "option_type",
    "bid",
    "ask",
    "root",
    "underlying",
)


# --------------------------------------------------------------------------- input table
@dataclass
class _Long:
    """The checked quote table as arrays, rows ordered by (chain, strike)."""

    board_labels: pd.Index  # quote time, or (quote time, underlying)
    chain_start: IntArray  # first row of each chain (chains sorted by board, expiry, root)
    strike: FloatArray  # ascending within each chain
    is_call: BoolArray
    bid: FloatArray
    ask: FloatArray
    # one entry per chain
    chain_board: IntArray
    chain_t: FloatArray  # years to settlement
    chain_expiration: pd.DatetimeIndex | None  # expiration date (None in ``t`` mode)
    chain_root: np.ndarray[Any, Any]  # object array (None without a root column)
    chain_am: BoolArray
    chain_rows: IntArray


def _rename(quotes: object, columns: object) -> pd.DataFrame:
    if not isinstance(quotes, pd.DataFrame):
        raise TypeError(f"quotes must be a pandas DataFrame, got {type(quotes).__name__}")
    if columns is None:
        return quotes
    if not isinstance(columns, Mapping):
        raise TypeError(
            "columns must be a mapping {your column name: standard name}, got "
            f"{type(columns).__name__}"
        )
    unknown = [v for v in columns.values() if v not in _STANDARD_COLUMNS]
    if unknown:
        raise InputError(
            f"columns maps to unknown name(s) {unknown}; the standard names are "
            f"{list(_STANDARD_COLUMNS)}"
        )
    absent = [k for k in columns if k not in quotes.columns]
    if absent:
        raise InputError(f"columns renames {absent}, which quotes does not have")
    return quotes.rename(columns=dict(columns))


def _need(frame: pd.DataFrame, name: str) -> None:
    if name not in frame.columns:
        raise InputError(
            f"quotes is missing column {name!r}; rename your columns to the standard names or "
            f"map them with columns={{'your_name': {name!r}}}"
        )


def _float_column(frame: pd.DataFrame, col: str, *, positive: bool) -> FloatArray:
    values, _ = as_array(
        frame[col],
        f"quotes[{col!r}]",
        copy=False,
        ndim=1,
        allow_nan=not positive,
        allow_all_nan=not positive,
        positive=positive,
        nonnegative=not positive,
    )
    return values


def _factor(values: pd.Series) -> tuple[IntArray, np.ndarray[Any, Any]]:
    """Codes (-1: missing) and distinct values of a column.

    A categorical column gives its own codes; any other is hashed once (:func:`pandas.factorize`).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy()  # int8/16/32, as pandas stores them
        return codes, values.cat.categories.to_numpy(dtype=object)  # type: ignore[return-value]
    raw, uniques = pd.factorize(values)
    return np.asarray(raw, dtype=np.int64), np.asarray(uniques, dtype=object)


def _order_key(values: pd.Series) -> np.ndarray[Any, Any]:
    """Numbers in the sorted order of a key column, not necessarily dense.

    A categorical's own codes (category order, as pandas groups it), numbers and datetimes as
    they are, anything else coded by one hash (:func:`divergence.dispersion._vix._key_codes`).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy()
    arr = values.to_numpy()
    if arr.dtype.kind in "iuf":
        return arr
    if arr.dtype.kind in "mM":
        return arr.view(np.int64)
    return _key_codes(values)[0]


def _normalised(uniques: np.ndarray[Any, Any]) -> pd.Series:
    """Distinct labels as stripped upper-case strings (missing stays missing)."""
    return pd.Series(uniques, dtype=object).astype("string").str.strip().str.upper()


def _option_type(frame: pd.DataFrame) -> BoolArray:
    raw = frame["option_type"]
    codes, uniques = _factor(raw)
    text = _normalised(uniques)
    is_call = np.r_[text.isin(["C", "CALL"]).to_numpy(dtype=bool, na_value=False), False]
    is_put = np.r_[text.isin(["P", "PUT"]).to_numpy(dtype=bool, na_value=False), False]
    valid = is_call | is_put
    if valid[:-1].all() and (codes.size == 0 or int(codes.min()) >= 0):
        out_fast: BoolArray = is_call[codes]
        return out_fast
    bad = ~valid[codes]  # code -1 (missing) reads the last entry: False
    if bad.any():
        first = raw.iloc[int(np.flatnonzero(bad)[0])]
        raise InputError(
            f"quotes['option_type'] has {int(bad.sum())} value(s) that are not 'C'/'P' (or "
            f"'call'/'put', any case); first {first!r}"
        )
    out: BoolArray = is_call[codes]
    return out


def _roots(frame: pd.DataFrame) -> tuple[IntArray | None, np.ndarray[Any, Any]]:
    """Root code per row (None without a root column) and the root names.

    Names are sorted, stripped and upper-case ("spx" and "SPX " are one root); "" = no root.
    """
    if "root" not in frame.columns:
        return None, np.array([""], dtype=object)
    codes, uniques = _factor(frame["root"])
    names = np.r_[_normalised(uniques).fillna("").to_numpy(dtype=object), [""]]
    merged, distinct = pd.factorize(names, sort=True)  # "spx" and "SPX " are one root
    per_row: IntArray = np.asarray(merged, dtype=np.int64)[codes]  # -1 (missing) -> ""
    return per_row, np.asarray(distinct, dtype=object)


def _times(frame: pd.DataFrame, col: str) -> pd.Series:
    values = frame[col]
    if not pd.api.types.is_datetime64_any_dtype(values):
        try:
            with warnings.catch_warnings():  # pandas' format-inference notice; errors raise
                warnings.simplefilter("ignore", UserWarning)
                values = pd.to_datetime(values)
        except (ValueError, TypeError) as exc:
            raise InputError(f"quotes[{col!r}] must hold dates/timestamps: {exc}") from None
    if values.isna().any():
        raise InputError(f"quotes[{col!r}] has {int(values.isna().sum())} missing value(s)")
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_convert("America/New_York").dt.tz_localize(None)
    return values


def _term_codes(term: np.ndarray[Any, Any], has_exp: bool) -> tuple[IntArray, int]:
    """Codes of the term key, in its sorted order.

    Expiration dates (days since 1970): the day number from the first one (no hashing while
    they span fewer days than there are rows); ``t`` values: dense codes.
    """
    if has_exp and term.size:
        lo, hi = int(term.min()), int(term.max())
        if hi - lo < max(term.size, 1 << 16):
            codes: IntArray = term - lo
            return codes, hi - lo + 1
    return _group_codes([pd.Series(term, copy=False)])


#: Rows compared at a time by :func:`_scan_sorted`: its temporaries (a few bytes a row) are
#: reused from block to block instead of being fresh pages of a full-length array.
_SCAN_ROWS = 1 << 18


def _scan_sorted(
    keys: list[tuple[np.ndarray[Any, Any], int]], strike: FloatArray, is_call: BoolArray
) -> tuple[BoolArray, bool] | None:
    """Which rows start a chain, if the rows come ordered by (keys..., strike); else None.

    ``keys``: (values, divisor) pairs, compared as ``values // divisor`` when the divisor is
    not 0. Row ``i`` is compared with row ``i - 1`` lexicographically, a block of rows at a
    time. Also says whether a chain may list an option twice (two adjacent rows with equal
    keys, strike and type, or three with equal keys and strike); :func:`_check_duplicates`
    then finds and reports it.
    """
    n = strike.size
    chain_new = np.empty(n, dtype=bool)
    chain_new[0] = True
    dup = False
    carry = False  # row r0 - 1 has the keys and strike of row r0 - 2
    # block buffers, allocated once and written with out=: fresh temporaries in every block
    # would be returned to the system and faulted in again (system time, not work)
    m = min(_SCAN_ROWS, max(n - 1, 0))
    ordered, same, chain_same, eq, gt = (np.empty(m, dtype=bool) for _ in range(5))
    quotient = {  # values // divisor of the current and the previous rows, per key
        j: (np.empty(m, dtype=values.dtype), np.empty(m, dtype=values.dtype))
        for j, (values, div) in enumerate(keys)
        if div
    }
    for r0 in range(1, n, _SCAN_ROWS):
        r1 = min(r0 + _SCAN_ROWS, n)
        size = r1 - r0
        o, s, cs, e, g = ordered[:size], same[:size], chain_same[:size], eq[:size], gt[:size]
        k_cur, k_prev = strike[r0:r1], strike[r0 - 1 : r1 - 1]
        np.greater_equal(k_cur, k_prev, out=o)
        np.equal(k_cur, k_prev, out=s)  # same keys and strike, once the keys are in
        cs.fill(True)
        for j in reversed(range(len(keys))):
            values, div = keys[j]
            cur, prev = values[r0:r1], values[r0 - 1 : r1 - 1]
            if div:
                q_cur, q_prev = quotient[j]
                cur = np.floor_divide(cur, div, out=q_cur[:size])
                prev = np.floor_divide(prev, div, out=q_prev[:size])
            np.equal(cur, prev, out=e)
            o &= e
            np.greater(cur, prev, out=g)
            o |= g
            cs &= e
        if not o.all():
            return None
        np.logical_not(cs, out=chain_new[r0:r1])
        s &= cs
        if not dup:
            np.equal(is_call[r0:r1], is_call[r0 - 1 : r1 - 1], out=e)
            e &= s  # the same option twice in a row
            np.logical_and(s[1:], s[:-1], out=g[: size - 1])  # three rows of one strike
            dup = bool(e.any() or g[: size - 1].any() or (carry and s[0]))
        carry = bool(s[-1])
    return chain_new, dup


def _chain_order(chain_key: IntArray, strike: FloatArray) -> tuple[IntArray | None, BoolArray]:
    """Row order by (chain, strike), and which rows (in that order) start a chain.

    The order is None when the rows already come so (one O(n) check); otherwise a strike sort
    then a stable radix sort by dense chain code.
    """
    chain_new = np.empty(chain_key.size, dtype=bool)
    chain_new[0] = True
    np.not_equal(chain_key[1:], chain_key[:-1], out=chain_new[1:])
    if bool(np.all(chain_key[1:] >= chain_key[:-1])) and bool(
        np.all(chain_new[1:] | (strike[1:] >= strike[:-1]))
    ):
        return None, chain_new
    codes, n_chains = _dense(chain_key)
    by_strike = np.argsort(strike, kind="stable")
    order: IntArray = by_strike[_stable_argsort_codes(codes[by_strike], n_chains)]
    g = codes[order]
    chain_new[1:] = g[1:] != g[:-1]
    return order, chain_new


def _check_duplicates(
    frame: pd.DataFrame,
    long_rows: tuple[BoolArray, FloatArray, BoolArray],
    order: IntArray | None,
    describe: Callable[[int], str],
) -> None:
    """Reject two rows with the same chain, strike and type (rows ordered by chain, strike).

    ``long_rows``: (first row of a chain, strike, is a call) per row. Without duplicates, a
    run of equal (chain, strike) holds at most one call and one put.
    """
    chain_new, k, call = long_rows
    same = ~chain_new[1:] & (k[1:] == k[:-1])
    twice = same & (call[1:] == call[:-1])
    if not (twice.any() or (same[1:] & same[:-1]).any()):
        return
    run = np.cumsum(np.r_[True, ~same]) - 1
    n_call = np.bincount(run, weights=call, minlength=int(run[-1]) + 1)
    n_put = np.bincount(run, weights=~call, minlength=int(run[-1]) + 1)
    extra = int(np.maximum(n_call - 1, 0).sum() + np.maximum(n_put - 1, 0).sum())
    pos = np.flatnonzero(np.r_[False, twice] | np.r_[False, False, same[1:] & same[:-1]])
    i = int(pos[0]) if order is None else int(order[pos[0]])
    raise InputError(
        f"quotes has {extra} duplicated option(s) (same quote time"
        + (", underlying" if "underlying" in frame.columns else "")
        + f", expiration, root, strike and type); first: {describe(i)}"
    )


def _long_table(
    quotes: object,
    columns: object,
    *,
    underlying: bool,
    settlement: str,
    am_roots: Collection[str],
) -> _Long:
    frame = _rename(quotes, columns)
    for name in ("quote_time", "strike", "option_type", "bid", "ask"):
        _need(frame, name)
    if underlying:
        _need(frame, "underlying")
    has_exp, has_t = "expiration" in frame.columns, "t" in frame.columns
    if has_exp and has_t:
        raise InputError(
            "quotes has both an 'expiration' and a 't' column; pass one of them (drop the other "
            "or leave it out of columns=)"
        )
    if not (has_exp or has_t):
        raise InputError(
            "quotes is missing column 'expiration' (or 't', years to expiration); map yours "
            "with columns={'your_name': 'expiration'}"
        )
    if len(frame) == 0:
        raise InputError("quotes is empty")
    strike = _float_column(frame, "strike", positive=True)
    bid = _float_column(frame, "bid", positive=False)
    ask = _float_column(frame, "ask", positive=False)
    crossed = ask < bid
    if crossed.any():
        i = int(np.flatnonzero(crossed)[0])
        raise InputError(
            f"quotes has {int(crossed.sum())} crossed quote(s) (ask < bid); first at row "
            f"{frame.index[i]!r} (strike {strike[i]:g}, bid {bid[i]:g}, ask {ask[i]:g})"
        )
    del crossed
    is_call = _option_type(frame)
    root_code, root_names = _roots(frame)
    # Keys of a chain: quote time (timestamps when T is computed from an expiration, any label
    # in ``t`` mode), underlying, term (expiration date or t), root, each as numbers in the
    # order of its values (datetimes and categorical codes are read in place).
    term_col: np.ndarray[Any, Any]
    if has_exp:
        qt = _times(frame, "quote_time")
        qt_key: np.ndarray[Any, Any] = qt.to_numpy(dtype="datetime64[ns]").view(np.int64)
        term_col = _times(frame, "expiration").to_numpy(dtype="datetime64[ns]").view(np.int64)
        term_div = _NS_DAY  # the expiration date: days since 1970
    else:
        qt = frame["quote_time"]
        if qt.isna().any():
            raise InputError(f"quotes['quote_time'] has {int(qt.isna().sum())} missing value(s)")
        term_col, _ = as_array(frame["t"], "quotes['t']", ndim=1, allow_nan=False, copy=False)
        term_div = 0
        qt_key = _order_key(qt)
    board_cols: list[pd.Series] = [qt.rename("quote_time")]
    keys: list[tuple[np.ndarray[Any, Any], int]] = [(qt_key, 0)]
    if underlying:
        und = frame["underlying"]
        if und.isna().any():
            raise InputError(f"quotes['underlying'] has {int(und.isna().sum())} missing value(s)")
        board_cols.append(und.rename("underlying"))
        keys.append((_order_key(und), 0))
    keys.append((term_col, term_div))
    if root_code is not None:
        keys.append((root_code, 0))

    def term(rows: Any) -> Any:
        return term_col[rows] // term_div if term_div else term_col[rows]

    scan = _scan_sorted(keys, strike, is_call)
    order: IntArray | None = None
    maybe_dup = True
    if scan is not None:
        chain_new, maybe_dup = scan
    else:
        # not in (chain, strike) order: code the keys, combine them, sort once
        board_key, _ = _group_codes(board_cols, dense=False)
        if has_exp:
            term_code, n_terms = _term_codes(term_col // _NS_DAY, True)
        else:
            term_code, n_terms = _term_codes(term_col, False)
        chain_key = board_key.astype(np.int64)  # a new array: updated in place
        chain_key *= n_terms
        chain_key += term_code
        del term_code, board_key
        if root_code is not None:
            chain_key *= root_names.size
            chain_key += root_code
        order, chain_new = _chain_order(chain_key, strike)
        del chain_key
    if order is None:
        k, call, b, a = strike, is_call, bid, ask
    else:
        k, call, b, a = strike[order], is_call[order], bid[order], ask[order]

    def describe(i: int) -> str:
        parts = [f"quote_time={qt.iloc[i]!r}"]
        if underlying:
            parts.append(f"underlying={frame['underlying'].iloc[i]!r}")
        when = pd.Timestamp(int(term(i)) * _NS_DAY) if has_exp else float(term(i))
        parts.append(f"expiration={when!r}")
        parts.append(f"root={root_names[0 if root_code is None else root_code[i]]!r}")
        parts.append(f"strike={strike[i]:g}, type={'C' if is_call[i] else 'P'}")
        return ", ".join(parts)

    if maybe_dup:
        _check_duplicates(frame, (chain_new, k, call), order, describe)
    chain_start: IntArray = np.flatnonzero(chain_new).astype(np.int64)
    n_chains = chain_start.size
    first = chain_start if order is None else order[chain_start]
    chain_rows: IntArray = np.diff(np.r_[chain_start, k.size]).astype(np.int64)
    # chains come in board order: a board starts where its quote time or underlying changes
    board_new = np.zeros(n_chains, dtype=bool)
    board_new[0] = True
    for key, _ in keys[: len(board_cols)]:
        at = key[first]
        board_new[1:] |= at[1:] != at[:-1]
    chain_board: IntArray = np.cumsum(board_new) - 1
    n_boards = int(chain_board[-1]) + 1
    names = root_names[0 if root_code is None else root_code[first]]
    names = np.broadcast_to(names, (n_chains,))
    if settlement == "am":
        chain_am = np.ones(n_chains, dtype=bool)
    elif settlement == "pm":
        chain_am = np.zeros(n_chains, dtype=bool)
    else:
        wanted = {str(r).strip().upper() for r in am_roots}
        chain_am = np.isin(names, list(wanted)) & (names != "")
    if has_exp:
        day = term(first) * _NS_DAY
        settle = day + np.where(chain_am, _AM_MINUTES, _PM_MINUTES).astype(np.int64) * _NS_MINUTE
        seconds = (settle - qt_key[first]).astype(np.float64) / 1e9
        chain_t = seconds / 60.0 / _N365
        chain_exp: pd.DatetimeIndex | None = pd.DatetimeIndex(day.view("datetime64[ns]"))
    else:
        chain_t = np.asarray(term(first), dtype=np.float64)
        chain_exp = None
    chain_root = np.asarray(names, dtype=object).copy()
    chain_root[chain_root == ""] = None
    board_first = first[np.flatnonzero(np.r_[True, chain_board[1:] != chain_board[:-1]])]
    if underlying:
        board_labels: pd.Index = pd.MultiIndex.from_arrays(
            [c.iloc[board_first] for c in board_cols], names=["quote_time", "underlying"]
        )
    else:
        board_labels = pd.Index(board_cols[0].iloc[board_first], name="quote_time")
    assert len(board_labels) == n_boards
    return _Long(
        board_labels=board_labels,
        chain_start=chain_start,
        strike=k,
        is_call=call,
        bid=b,
        ask=a,
        chain_board=chain_board,
        chain_t=chain_t,
        chain_expiration=chain_exp,
        chain_root=chain_root,
        chain_am=chain_am,
        chain_rows=chain_rows,
    )


# --------------------------------------------------------------------------- term selection
def _first_true(mask: BoolArray, starts: IntArray, n: int) -> IntArray:
    pos = np.arange(mask.size, dtype=np.int64)
    out: IntArray = np.minimum.reduceat(np.where(mask, pos, n), starts)
    return out


def _last_true(mask: BoolArray, starts: IntArray) -> IntArray:
    pos = np.arange(mask.size, dtype=np.int64)
    out: IntArray = np.maximum.reduceat(np.where(mask, pos, -1), starts)
    return out


@dataclass
class _Terms:
    """Chains sorted by (board, T) and, per board, the positions of the two terms (-1: none)."""

    order: IntArray  # chain ids in (board, T) order
    near: IntArray
    next: IntArray
    reason: np.ndarray[Any, Any]  # object array: why a board has no terms ("" if it has)


def _select(
    long: _Long,
    n_boards: int,
    *,
    selection: str,
    expiries: str,
    terms: tuple[Any, Any] | None,
) -> _Terms:
    cb, ct = long.chain_board, long.chain_t
    n = ct.size
    # one chain per expiration date and board: the standard (AM) series first, then the one
    # with more quotes, then the root name
    date_key: Any = (
        long.chain_expiration.asi8 if long.chain_expiration is not None else ct
    )  # int64 ns or float years
    root_rank = pd.factorize(pd.Series(long.chain_root, dtype=object).fillna(""), sort=True)[0]
    pref = np.lexsort((root_rank, -long.chain_rows, ~long.chain_am, date_key, cb))
    same = (cb[pref][1:] == cb[pref][:-1]) & (date_key[pref][1:] == date_key[pref][:-1])
    keep = np.ones(n, dtype=bool)
    keep[pref[1:][same]] = False
    eligible = keep & (ct > 0)
    if terms is None and long.chain_expiration is not None:
        if selection == "2009":
            eligible &= long.chain_am
        elif expiries == "fridays":
            wd = long.chain_expiration.day_of_week.to_numpy()
            listed = pd.MultiIndex.from_arrays([cb, long.chain_expiration])
            next_day = pd.MultiIndex.from_arrays([cb, long.chain_expiration + pd.Timedelta(days=1)])
            holiday_thursday = (wd == 3) & ~next_day.isin(listed)
            eligible &= (wd == 4) | holiday_thursday
    order = np.lexsort((ct, cb)).astype(np.int64)
    b, t, e = cb[order], ct[order], eligible[order]
    starts = np.flatnonzero(np.r_[True, b[1:] != b[:-1]]).astype(np.int64)
    present = b[starts]
    pos = np.arange(n, dtype=np.int64)
    sizes = np.diff(np.r_[starts, n])
    reason = np.full(starts.size, "", dtype=object)
    tol = 1e-12
    if terms is not None:
        near_key, next_key = terms
        if long.chain_expiration is not None:
            exp = long.chain_expiration[order].to_numpy()
            is_near = e & (exp == np.datetime64(pd.Timestamp(near_key).normalize()))
            is_next = e & (exp == np.datetime64(pd.Timestamp(next_key).normalize()))
        else:
            is_near = e & np.isclose(t, float(near_key), rtol=0.0, atol=1e-12)
            is_next = e & np.isclose(t, float(next_key), rtol=0.0, atol=1e-12)
        near = _first_true(is_near, starts, n)
        nxt = _first_true(is_next, starts, n)
        reason[(near == n) | (nxt == n)] = "one of the terms passed in terms= is not listed"
    elif selection == "current":
        near = _last_true(e & (t > 23 * _DAY + tol) & (t <= _TARGET + tol), starts)
        nxt = _first_true(e & (t > _TARGET + tol) & (t < 37 * _DAY - tol), starts, n)
        reason[near < 0] = "no eligible expiry with more than 23 and at most 30 days to go"
        reason[(near >= 0) & (nxt == n)] = (
            "no eligible expiry with more than 30 and fewer than 37 days"
        )
    elif selection == "bracket":
        below = e & (t > 7 * _DAY + tol) & (t <= _TARGET + tol)
        above = e & (t > _TARGET + tol)
        near = _last_true(below, starts)
        nxt = _first_true(above, starts, n)
        # nothing at or below 30 days: the two shortest beyond (extrapolation)
        lone = near < 0
        second = _first_true(above & (pos > np.repeat(nxt, sizes)), starts, n)
        near = np.where(lone & (nxt < n), nxt, near)
        nxt = np.where(lone, second, nxt)
        reason[nxt == n] = "no two eligible expiries around 30 days (one beyond it is needed)"
    else:  # "2009": nearest standard expiry with at least a week to go, and the following one
        cand = e & (t > 7 * _DAY + tol)
        near = _first_true(cand, starts, n)
        nxt = _first_true(cand & (pos > np.repeat(near, sizes)), starts, n)
        reason[nxt == n] = "fewer than two standard expiries with more than 7 days to go"
    ok = (near >= 0) & (near < n) & (nxt >= 0) & (nxt < n)
    if terms is not None and (ok & (near == nxt)).any():
        raise InputError(
            f"terms names one expiration twice ({terms[0]!r}, {terms[1]!r}); the 30-day "
            "interpolation needs two different terms, near then next"
        )
    full_near = np.full(n_boards, -1, dtype=np.int64)
    full_next = np.full(n_boards, -1, dtype=np.int64)
    full_reason = np.full(n_boards, "no quotes", dtype=object)
    full_near[present] = np.where(ok, order[np.clip(near, 0, n - 1)], -1)
    full_next[present] = np.where(ok, order[np.clip(nxt, 0, n - 1)], -1)
    full_reason[present] = np.where(ok, "", reason)
    return _Terms(order=order, near=full_near, next=full_next, reason=full_reason)


# --------------------------------------------------------------------------- rates
def _rates(rate: object, t: FloatArray) -> FloatArray:
    if callable(rate):
        try:
            raw = rate(t.copy())
        except Exception as exc:
            raise InputError(
                "rate(t) failed when called with a NumPy array of times to expiration (years): "
                f"{exc!r}; a callable rate must accept an array"
            ) from exc
        vals, _ = as_array(np.atleast_1d(raw), "rate(t)", allow_nan=False)
        if vals.ndim > 1 or vals.size not in (1, t.size):
            raise InputError(
                f"rate(t) returned {vals.size} value(s) of shape {vals.shape} for {t.size} "
                "time(s) to expiration; it must return one rate per time, or one number"
            )
        return np.broadcast_to(vals, t.shape).copy()
    value = check_float(rate, "rate")
    return np.full(t.size, value)


# --------------------------------------------------------------------------- the engine
@dataclass
class _Pivot:
    """Rows of the selected chains as one row per (chain, strike) with four quote columns."""

    starts: IntArray  # first row of each chain
    chain: IntArray  # chain number of each chain (ascending)
    strike: FloatArray
    cb: FloatArray
    ca: FloatArray
    pb: FloatArray
    pa: FloatArray


def _pivot(long: _Long, selected: BoolArray) -> _Pivot:
    """Calls and puts of the selected chains side by side, one row per (chain, strike).

    The rows already come ordered by chain and strike, so a (chain, strike) pair is a run of
    adjacent rows: no sort. When every run is a call and a put (the usual board), the rows are
    read two by two with strided views.
    """
    n = long.strike.size
    chain_no = np.flatnonzero(selected)
    sizes = long.chain_rows[chain_no]
    if chain_no.size == long.chain_start.size:
        k, call, bid, ask = long.strike, long.is_call, long.bid, long.ask
    else:
        keep = np.repeat(selected, long.chain_rows)
        k, call, bid, ask = long.strike[keep], long.is_call[keep], long.bid[keep], long.ask[keep]
        n = k.size
    chain_first = np.zeros(n, dtype=bool)
    chain_first[np.cumsum(np.r_[0, sizes[:-1]])] = True
    even = n % 2 == 0 and not chain_first[1::2].any()
    if even and bool(np.all((k[0::2] == k[1::2]) & (call[0::2] != call[1::2]))):
        first_call = call[0::2]
        k_w = k[0::2]
        b0, b1, a0, a1 = bid[0::2], bid[1::2], ask[0::2], ask[1::2]
        if first_call.all():  # the call first at every strike: strided views, no copy
            cb, ca, pb, pa = b0, a0, b1, a1
        elif not first_call.any():
            cb, ca, pb, pa = b1, a1, b0, a0
        else:
            cb, ca = np.where(first_call, b0, b1), np.where(first_call, a0, a1)
            pb, pa = np.where(first_call, b1, b0), np.where(first_call, a1, a0)
        starts = np.flatnonzero(chain_first[0::2]).astype(np.int64)
        return _Pivot(starts, chain_no, k_w, cb, ca, pb, pa)
    new = chain_first.copy()
    new[1:] |= k[1:] != k[:-1]
    slot = np.cumsum(new) - 1
    n_slots = int(slot[-1]) + 1
    k_w = k[new]
    cb = np.full(n_slots, np.nan)
    ca, pb, pa = cb.copy(), cb.copy(), cb.copy()
    put = ~call
    slot_c, slot_p = slot[call], slot[put]
    cb[slot_c], ca[slot_c] = bid[call], ask[call]
    pb[slot_p], pa[slot_p] = bid[put], ask[put]
    starts = np.flatnonzero(chain_first[new]).astype(np.int64)
    return _Pivot(starts, chain_no, k_w, cb, ca, pb, pa)


@dataclass
class _BoardResult:
    labels: pd.Index
    variance: FloatArray  # 30-day variance, NaN where not available
    near: dict[str, Any]
    next: dict[str, Any]
    extrapolated: BoolArray
    reason: np.ndarray[Any, Any]


def _boards(
    quotes: object,
    *,
    rate: object,
    columns: object,
    selection: object,
    settlement: object,
    am_roots: object,
    expiries: object,
    terms: object,
    k0_rule: object,
    underlying: bool,
    engine: object = "auto",
) -> _BoardResult:
    sel = check_option(selection, "selection", _SELECTIONS)
    stl = check_option(settlement, "settlement", _SETTLEMENTS)
    exps = check_option(expiries, "expiries", _EXPIRIES)
    rule = check_option(k0_rule, "k0_rule", _K0_RULES)
    eng = check_option(engine, "engine", _ENGINES)
    if isinstance(am_roots, str) or not isinstance(am_roots, Collection):
        raise TypeError("am_roots must be a collection of root symbols, e.g. ('SPX',)")
    if terms is not None and (not isinstance(terms, tuple | list) or len(terms) != 2):
        raise TypeError("terms must be None or a pair (near, next) of expirations (or t values)")
    if not (callable(rate) or isinstance(rate, int | float | np.integer | np.floating)):
        raise TypeError(
            f"rate must be a number or a callable of t (years), got {type(rate).__name__}"
        )
    long = _long_table(quotes, columns, underlying=underlying, settlement=stl, am_roots=am_roots)
    n_boards = len(long.board_labels)
    pair = None if terms is None else (terms[0], terms[1])
    tm = _select(long, n_boards, selection=sel, expiries=exps, terms=pair)
    has = tm.near >= 0
    chosen = np.r_[tm.near[has], tm.next[has]]
    n_sel = chosen.size
    # per selected chain: its dense rank 0..n_sel-1 (near terms first, then next terms)
    rank = np.full(long.chain_t.size, -1, dtype=np.int64)
    rank[chosen] = np.arange(n_sel, dtype=np.int64)
    var_c = np.full(n_sel, np.nan)
    fwd_c = np.full(n_sel, np.nan)
    k0_c = np.full(n_sel, np.nan)
    cnt_c = np.zeros(n_sel, dtype=np.int64)
    t_c = long.chain_t[chosen]
    r_c = _rates(rate, t_c) if n_sel else np.zeros(0)
    if n_sel:
        _check_rt(r_c, t_c)
        warn_units(r_c, "rate(t)" if callable(rate) else "rate", "rate")
        piv = _pivot(long, rank >= 0)
        grp = rank[piv.chain]  # the rank of each pivoted chain (chains in code order)
        var_g, fwd_g, k0_g, cnt_g = _panel_core(
            piv.starts,
            piv.strike,
            piv.cb,
            piv.ca,
            piv.pb,
            piv.pa,
            t_c[grp],
            r_c[grp],
            rule,
            eng,
        )
        var_c[grp], fwd_c[grp], k0_c[grp], cnt_c[grp] = var_g, fwd_g, k0_g, cnt_g
    m = int(has.sum())

    def per_board(values: Any, fill: Any, dtype: Any, offset: int) -> Any:
        out = np.full(n_boards, fill, dtype=dtype)
        out[has] = values[offset : offset + m]
        return out

    def term(offset: int, ids: IntArray) -> dict[str, Any]:
        exp_col: Any
        if long.chain_expiration is not None:
            dates = long.chain_expiration.to_numpy()[np.clip(ids, 0, None)]
            exp_col = pd.DatetimeIndex(np.where(ids >= 0, dates, np.datetime64("NaT", "ns")))
        else:
            exp_col = pd.DatetimeIndex(np.full(n_boards, np.datetime64("NaT", "ns")))
        root = long.chain_root[np.clip(ids, 0, None)].copy()
        root[ids < 0] = None
        return {
            "expiration": exp_col,
            "root": root,
            "t": per_board(t_c, np.nan, np.float64, offset),
            "rate": per_board(r_c, np.nan, np.float64, offset),
            "forward": per_board(fwd_c, np.nan, np.float64, offset),
            "k0": per_board(k0_c, np.nan, np.float64, offset),
            "variance": per_board(var_c, np.nan, np.float64, offset),
            "n_strikes": per_board(cnt_c, 0, np.int64, offset),
        }

    near, nxt = term(0, tm.near), term(m, tm.next)
    t1, t2 = near["t"], nxt["t"]
    v1, v2 = near["variance"], nxt["variance"]
    # 30-day constant maturity: total variance linear in time (white paper step 3)
    with np.errstate(invalid="ignore"):
        w1 = (t2 - _TARGET) / (t2 - t1)
        var30 = (t1 * v1 * w1 + t2 * v2 * (1.0 - w1)) / _TARGET
    extrapolated = has & ~((t1 <= _TARGET + 1e-12) & (t2 > _TARGET))
    reason = tm.reason.copy()
    reason[has & ~np.isfinite(var30)] = "a term has no usable variance (too few quoted strikes)"
    reason[has & (var30 < 0)] = "the 30-day variance is negative (inconsistent quotes)"
    return _BoardResult(long.board_labels, var30, near, nxt, extrapolated, reason)


def _warn_missing(labels: pd.Index, bad: BoolArray, reason: Any, what: str) -> None:
    if not bad.any():
        return
    i = int(np.flatnonzero(bad)[0])
    warnings.warn(
        f"{what}: {int(bad.sum())} of {bad.size} board(s) have no 30-day variance and are NaN; "
        f"first {labels[i]!r}: {reason[i]}. See selection= (e.g. 'bracket' for chains without "
        "weeklies) or pass terms=; silence with warnings.simplefilter('ignore', DataWarning).",
        DataWarning,
        stacklevel=3,
    )


# --------------------------------------------------------------------------- public: VIX
def vix_index(
    quotes: pd.DataFrame,
    *,
    rate: RateLike = 0.0,
    columns: Mapping[Hashable, str] | None = None,
    selection: Selection = "current",
    settlement: Settlement = "auto",
    am_roots: Collection[str] = ("SPX",),
    expiries: Expiries = "fridays",
    terms: tuple[Any, Any] | None = None,
    k0_rule: K0Rule = "at_or_below",
    engine: Engine = "auto",
) -> Any:
    r"""The Cboe VIX of one or many option boards, from a long table of quotes, in one call.

    Parameters
    ----------
    quotes : DataFrame
        One row per option, with columns (names standard or mapped with ``columns``):

        * ``quote_time``: when the quotes were taken (timestamps; naive ones are read on the
          exchange clock, US Eastern time; tz-aware ones are converted to it);
        * ``expiration``: expiration date (its date part is used), **or** ``t``: time to
          expiration in years (then the settlement rules below are not used and
          ``quote_time`` may be any label);
        * ``strike`` (index points, > 0), ``option_type`` (``"C"``/``"P"`` or
          ``"call"``/``"put"``, any case), ``bid`` and ``ask`` (premiums in index points,
          >= 0; NaN = no quote, read as a zero bid);
        * optional ``root`` (e.g. ``"SPX"`` for the AM-settled standard monthlies,
          ``"SPXW"`` for the PM-settled weeklies). Two roots on the same expiration date are
          two series.

        Other columns are ignored; row order does not matter; the table is not modified.
    rate : float or callable, default 0.0
        Risk-free rate, continuously compounded, decimal per year (0.0038 = 0.38%); or a
        function of the time to expiration in years, called once with a NumPy array of the
        selected terms' times and returning an array of rates (e.g. an interpolated
        Treasury-bill curve). Cboe uses a rate per term from the Treasury curve.
    columns : mapping, optional
        Renames vendor columns to the standard names, e.g. Cboe DataShop's
        ``{"bid_1545": "bid", "ask_1545": "ask", "quote_datetime": "quote_time"}``.
    selection : {"current", "bracket", "2009"}, default "current"
        How the near and next terms are chosen, per quote time:

        * ``"current"`` (Cboe's rules since 2014): the longest eligible expiry with more than
          23 and at most 30 days to go, and the shortest with more than 30 and fewer than 37;
        * ``"bracket"``: the longest eligible expiry with more than 7 and at most 30 days, and
          the shortest beyond 30 (no upper limit), for chains without weekly expiries; if no
          expiry lies within 30 days, the two shortest beyond it (the result is then an
          extrapolation and flagged in ``extrapolated``);
        * ``"2009"`` (white paper 2009 edition): standard (AM-settled) series only, the
          nearest with more than 7 days to go and the one after it.
    settlement : {"auto", "am", "pm"}, default "auto"
        Settlement time of each series: ``"auto"`` = 9:30 AM on the expiration date for roots
        in ``am_roots`` (the standard series), 4:00 PM for every other root and for rows
        without a root (no ``root`` column: every series is PM-settled); ``"am"`` or ``"pm"``
        for every series.
    am_roots : collection of str, default ("SPX",)
        Roots of the AM-settled standard series (``settlement="auto"``), compared case-blind.
    expiries : {"fridays", "all"}, default "fridays"
        Which expiration days are eligible (``"current"`` and ``"bracket"``): Fridays (and a
        Thursday whose Friday has no listed expiry, as when Good Friday is a holiday), as Cboe
        uses; or every listed day.
    terms : pair, optional
        ``(near, next)`` expirations (or ``t`` values in ``t`` mode) to use at every quote
        time instead of ``selection`` (to feed a published board through this function).
    k0_rule : {"below", "at_or_below"}, default "at_or_below"
        :math:`K_0` is the strike at or below the forward (current methodology) or strictly
        below it (2009 white paper), as in :func:`model_free_variance`.
    engine : {"auto", "numba", "numpy"}, default "auto"
        The chain kernel's engine, as in :func:`model_free_variance_panel`: ``"numba"`` (one
        compiled loop over the chains; needs ``pip install "divergence[fast]"``), ``"numpy"``
        (array passes over cache-sized blocks of whole chains) or ``"auto"`` (numba from
        10 million strike rows, or once loaded in the session). Identical results.

    Returns
    -------
    DataFrame
        Indexed by quote time (sorted; tz-aware quote times come back as naive US Eastern
        times), with ``vix`` (index points, :math:`100\sigma`),
        ``variance`` (30-day annualised variance, decimal), ``extrapolated`` (the terms do not
        bracket 30 days) and, for each term with suffix ``_near`` / ``_next``:
        ``expiration``, ``root``, ``t`` (years), ``rate``, ``forward`` (index points), ``k0``,
        ``variance`` and ``n_strikes`` (strikes that enter the sum, :math:`K_0` included).
        A quote time without two usable terms has NaN values (see Warns). A polars
        ``quotes`` (read as pandas, through Arrow) gives a polars DataFrame whose first
        column is ``quote_time``.

    Raises
    ------
    InputError
        A required column is missing (the message names it and mentions ``columns=``), both
        ``expiration`` and ``t`` are given, an option type other than C/P, negative or crossed
        (ask < bid) quotes, non-positive strikes, duplicated options (same quote time,
        expiration, root, strike and type), unknown options, a rate callable that fails or
        returns non-finite values, :math:`|rT| > 10`; ``terms`` naming one expiration (or
        ``t``) twice.
    TypeError
        ``quotes`` is not a DataFrame; non-numeric quotes; ``rate`` neither a number nor a
        callable.

    Warns
    -----
    DataWarning
        Some quote times have no usable near/next pair (no eligible expiry in the window, too
        few quoted strikes, or a negative 30-day variance); their ``vix`` is NaN and the
        message says why for the first.

    See Also
    --------
    model_free_variance_panel : the per-expiry variance this function applies.
    implied_correlation_index : the same procedure for an index and its members.

    Notes
    -----
    Time to expiration counts minutes, as in the white paper: minutes from the quote time to
    midnight, plus minutes from midnight to the settlement (9:30 AM standard, 4:00 PM
    weekly), plus 1,440 per day in between, over :math:`N_{365} = 525{,}600`. Each term's
    variance follows :func:`model_free_variance`,

    .. math::

        \sigma_j^2 = \frac{2}{T_j}\sum_i \frac{\Delta K_i}{K_i^2} e^{R_jT_j} Q(K_i)
                     - \frac{1}{T_j}\left(\frac{F_j}{K_0} - 1\right)^2,

    and the two terms are mixed to 30 days, linearly in total variance:

    .. math::

        \text{VIX} = 100\sqrt{\left[T_1\sigma_1^2\frac{N_{T_2}-N_{30}}{N_{T_2}-N_{T_1}}
            + T_2\sigma_2^2\frac{N_{30}-N_{T_1}}{N_{T_2}-N_{T_1}}\right]
            \frac{N_{365}}{N_{30}}}

    Eligible expiries: one series per expiration date (the AM-settled standard series when
    a weekly expires the same day, then the series with more quotes), with a positive time
    to settlement. The current rule always finds two terms when weekly Friday expiries are
    listed; when it does not (chains without weeklies, a missing week), the row is NaN with
    a warning rather than an extrapolation, since Cboe's published index never
    extrapolates: use ``selection="bracket"`` for such chains.

    **Complexity.** The table is checked and its chains keyed once: rows already ordered by
    quote time, (underlying,) expiration, root and strike are recognised in one pass over
    blocks of rows and used in place; other tables are coded (categorical columns by their
    codes, others by one hash) and sorted once. The terms of every quote time are chosen with
    segmented minima/maxima over the table of chains, the calls and puts of the chosen chains
    are set side by side (strided views when each strike lists its call and its put
    together), and all chains go through the white-paper kernel of
    :func:`model_free_variance_panel` together. O(Q) time for Q quotes in that order,
    O(Q·log Q) otherwise; O(Q) memory, read in place when ordered.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009).
    .. [2] Cboe, "Cboe Volatility Index Mathematics Methodology" (current edition): near and
       next terms with more than 23 and fewer than 37 days; SPX Weeklys expiring on Fridays.

    Examples
    --------
    A Black–Scholes board at 20% volatility, forward 100, two Friday expiries (22 May and
    5 June 2026, 4:00 PM) quoted on 6 May 2026 at 10:00:

    >>> import numpy as np, pandas as pd
    >>> from scipy.stats import norm
    >>> from divergence.dispersion import vix_index
    >>> k = np.arange(40.0, 200.5, 0.5)
    >>> rows = []
    >>> for exp in ["2026-05-22", "2026-06-05"]:
    ...     t = (pd.Timestamp(exp) + pd.Timedelta(hours=16) - pd.Timestamp("2026-05-06 10:00")
    ...          ) / pd.Timedelta(days=365)
    ...     d1 = (np.log(100 / k) + 0.02 * t) / (0.2 * np.sqrt(t))
    ...     call = 100 * norm.cdf(d1) - k * norm.cdf(d1 - 0.2 * np.sqrt(t))
    ...     for kind, px in (("C", call), ("P", np.maximum(call - 100 + k, 0))):
    ...         rows.append(pd.DataFrame({"quote_time": pd.Timestamp("2026-05-06 10:00"),
    ...             "expiration": exp, "strike": k, "option_type": kind, "bid": px, "ask": px}))
    >>> out = vix_index(pd.concat(rows), selection="bracket")
    >>> row = out.iloc[0]
    >>> print(f"{row['vix']:.2f} {row['t_near'] * 365:.2f} {row['n_strikes_near']}")
    20.01 16.25 255
    """
    res = _boards(
        to_pandas(quotes, date_index=False),
        rate=rate,
        columns=columns,
        selection=selection,
        settlement=settlement,
        am_roots=am_roots,
        expiries=expiries,
        terms=terms,
        k0_rule=k0_rule,
        underlying=False,
        engine=engine,
    )
    bad = ~(res.variance >= 0)
    _warn_missing(res.labels, bad, res.reason, "vix_index")
    with np.errstate(invalid="ignore"):
        vix = 100.0 * np.sqrt(np.where(res.variance >= 0, res.variance, np.nan))
    data: dict[str, Any] = {"vix": vix, "variance": res.variance, "extrapolated": res.extrapolated}
    for key in res.near:
        data[f"{key}_near"] = res.near[key]
        data[f"{key}_next"] = res.next[key]
    return to_caller(pd.DataFrame(data, index=pd.Index(res.labels, name="quote_time")), quotes)


# --------------------------------------------------------------------------- public: COR
def _weights_panel(
    weights: object, times: pd.Index, members: list[Hashable], index: Hashable
) -> pd.DataFrame:
    """Weights on (quote time × member): a Series broadcast, or a frame aligned as of."""
    if isinstance(weights, pd.Series):
        w, _ = as_array(weights, "weights", ndim=1, nonnegative=True)
        if index in weights.index:
            raise InputError(f"weights has an entry for the index {index!r}; give members only")
        if not weights.index.is_unique:
            raise InputError("weights has duplicated member labels")
        row = pd.Series(w, index=weights.index)
        return pd.DataFrame(
            np.broadcast_to(row.to_numpy(), (len(times), row.size)),
            index=times,
            columns=row.index,
        )
    if isinstance(weights, pd.DataFrame):
        w, _ = as_array(weights, "weights", ndim=2, nonnegative=True)
        if index in weights.columns:
            raise InputError(f"weights has a column for the index {index!r}; give members only")
        if not weights.columns.is_unique:
            raise InputError("weights has duplicated member columns")
        frame = pd.DataFrame(w, index=weights.index, columns=weights.columns)
        if not (frame.index.is_monotonic_increasing and frame.index.is_unique):
            raise InputError(
                "weights' index (quote times or dates) must be sorted and unique; use "
                "weights.sort_index() and drop duplicated rows"
            )
        try:
            pos = frame.index.searchsorted(times, side="right") - 1
        except TypeError as exc:
            raise InputError(
                "weights' index cannot be compared with the quote times: index it by "
                f"timestamps (or the same labels as quotes['quote_time']); {exc}"
            ) from None
        if (pos < 0).any():
            first = times[int(np.flatnonzero(pos < 0)[0])]
            raise InputError(
                f"weights has no row at or before quote time {first!r} (its first row is "
                f"{frame.index[0]!r}); every quote time uses the latest weights row at or "
                "before it"
            )
        return pd.DataFrame(frame.to_numpy()[pos], index=times, columns=frame.columns)
    raise TypeError(
        "weights must be a Series (one weight per member) or a DataFrame (quote time × member), "
        f"got {type(weights).__name__}"
    )


def implied_correlation_index(
    quotes: pd.DataFrame,
    weights: pd.Series | pd.DataFrame,
    *,
    index: Hashable,
    rate: RateLike = 0.0,
    columns: Mapping[Hashable, str] | None = None,
    selection: Selection = "current",
    settlement: Settlement = "auto",
    am_roots: Collection[str] = ("SPX",),
    expiries: Expiries = "fridays",
    k0_rule: K0Rule = "at_or_below",
    on_out_of_range: OnOutOfRange = "warn",
    engine: Engine = "auto",
) -> Any:
    r"""Implied correlation and dispersion (DSPX-style) from index and member option quotes.

    Parameters
    ----------
    quotes : DataFrame
        The long quote table of :func:`vix_index` with one more column, ``underlying``
        (index and member labels, e.g. ``"SPX"``, ``"AAPL"``). Each underlying's 30-day
        variance is computed by the procedure of :func:`vix_index` (same ``rate``,
        ``selection``, ``settlement``, ``expiries`` and ``k0_rule`` for every underlying;
        forwards come from put–call parity, so dividends need no input).
    weights : Series or DataFrame
        Index weights of the members (non-negative; any scale): a Series indexed by member,
        or a DataFrame with one row per date/time and one column per member. A quote time
        uses the latest row at or before it (as-of join; quote times before the first row
        raise). Members are the labels of ``weights``; quoted underlyings that have no weight
        are ignored. In polars (no index): a one-row DataFrame with one column per member,
        or a DataFrame led by a Date/Datetime column (weights over time); a polars Series
        has no member labels and is refused.
    index : hashable
        The label of the index in ``quotes['underlying']``.
    rate, columns, selection, settlement, am_roots, expiries, k0_rule
        As in :func:`vix_index`.
    on_out_of_range : {"warn", "raise", "ignore"}, default "warn"
        As in :func:`implied_correlation` (implied correlation outside
        :math:`[-1/(n-1), 1]`, or a negative dispersion radicand).
    engine : {"auto", "numba", "numpy"}, default "auto"
        As in :func:`vix_index` (identical results).

    Returns
    -------
    DataFrame
        Indexed by quote time: ``implied_correlation`` (dimensionless), ``dispersion``
        (:math:`\sqrt{\sum_i w_i\sigma_i^2 - \sigma_I^2}`, annualised decimal volatility like
        :func:`dispersion_index`; × 100 for DSPX-style points), ``index_vol`` and
        ``member_vol`` (:math:`\sum_i w_i\sigma_i`), both 30-day model-free vols in decimals,
        ``n_members`` (members with a positive weight and a 30-day variance), ``n_weighted``
        (members with a positive weight) and ``weight_coverage`` (share of the total weight
        held by the members used). A polars ``quotes`` gives a polars DataFrame whose first
        column is ``quote_time``.

    Raises
    ------
    InputError
        As :func:`vix_index`; the ``underlying`` column is missing; ``index`` is not among the
        underlyings; weights negative, with duplicated labels, naming the index, or (as a
        DataFrame) unsorted or starting after a quote time; no member has a weight; polars
        ``weights`` of several rows without a leading date column.
    TypeError
        As :func:`vix_index`; ``weights`` neither a Series nor a DataFrame (nor a polars
        DataFrame).

    Warns
    -----
    DataWarning
        Some (quote time, underlying) boards have no 30-day variance (see :func:`vix_index`).
    OutOfRangeWarning
        As :func:`implied_correlation` and :func:`dispersion_index`.

    See Also
    --------
    implied_correlation, dispersion_index : the formulas applied to the 30-day vols.

    Notes
    -----
    With 30-day model-free vols :math:`\sigma_I` (index) and :math:`\sigma_i` (members) and
    weights :math:`w_i` renormalised over the members with a vol,

    .. math::

        \rho = \frac{\sigma_I^2 - \sum_i w_i^2\sigma_i^2}
                    {\left(\sum_i w_i\sigma_i\right)^2 - \sum_i w_i^2\sigma_i^2}, \qquad
        D = \sqrt{\sum_i w_i\sigma_i^2 - \sigma_I^2}.

    **Missing members.** A member with a weight but no usable quotes at a quote time drops
    out and the others' weights are renormalised (as :func:`implied_correlation` does);
    ``n_members`` and ``weight_coverage`` report how much of the index is left. The index
    vol still contains the missing members, so low coverage biases the result.

    **Complexity.** All boards (quote time × underlying) go through the engine of
    :func:`vix_index` at once: the group keys are coded once and no Python loop runs over
    underlyings or quote times. O(Q) time for Q quotes ordered by quote time, underlying,
    expiration and strike (O(Q·log Q) otherwise) plus O(T·N) for the formulas (T quote times,
    N members); O(Q + T·N) memory.

    References
    ----------
    .. [1] Cboe, "Cboe S&P 500 Implied Correlation Index" methodology.
    .. [2] Cboe, "Cboe S&P 500 Dispersion Index (DSPX)" methodology (2023).

    Examples
    --------
    Black–Scholes boards (forward 100, expiries 22 May and 5 June 2026) for two members at
    30% and an index at 25.1% volatility, equal weights: the closed form gives
    :math:`\rho = 2\cdot0.251^2/0.3^2 - 1 = 0.4000`.

    >>> import numpy as np, pandas as pd
    >>> from scipy.stats import norm
    >>> from divergence.dispersion import implied_correlation_index
    >>> k = np.arange(30.0, 250.5, 0.5)
    >>> now = pd.Timestamp("2026-05-06 10:00")
    >>> rows = []
    >>> for name, vol in (("IDX", 0.251), ("A", 0.3), ("B", 0.3)):
    ...     for exp in ["2026-05-22", "2026-06-05"]:
    ...         t = (pd.Timestamp(exp) + pd.Timedelta(hours=16) - now) / pd.Timedelta(days=365)
    ...         d1 = (np.log(100 / k) + vol**2 / 2 * t) / (vol * np.sqrt(t))
    ...         call = 100 * norm.cdf(d1) - k * norm.cdf(d1 - vol * np.sqrt(t))
    ...         for kind, px in (("C", call), ("P", np.maximum(call - 100 + k, 0))):
    ...             rows.append(pd.DataFrame({"quote_time": now, "underlying": name,
    ...                 "expiration": exp, "strike": k, "option_type": kind, "bid": px,
    ...                 "ask": px}))
    >>> out = implied_correlation_index(pd.concat(rows), pd.Series({"A": 1.0, "B": 1.0}),
    ...                                 index="IDX", selection="bracket")
    >>> print(f"{out['implied_correlation'].iloc[0]:.3f} {out['index_vol'].iloc[0]:.3f}")
    0.400 0.251
    """
    check_option(on_out_of_range, "on_out_of_range", ("warn", "raise", "ignore"))
    given = quotes
    quotes = to_pandas(quotes, date_index=False)
    weights = _polars_weights(weights)
    res = _boards(
        quotes,
        rate=rate,
        columns=columns,
        selection=selection,
        settlement=settlement,
        am_roots=am_roots,
        expiries=expiries,
        terms=None,
        k0_rule=k0_rule,
        underlying=True,
        engine=engine,
    )
    bad = ~(res.variance >= 0)
    _warn_missing(res.labels, bad, res.reason, "implied_correlation_index")
    labels = res.labels
    assert isinstance(labels, pd.MultiIndex)
    with np.errstate(invalid="ignore"):
        vol = np.sqrt(np.where(res.variance >= 0, res.variance, np.nan))
    wide = pd.Series(vol, index=labels).unstack("underlying")
    times = pd.Index(wide.index, name="quote_time")
    if index not in wide.columns:
        raise InputError(
            f"index={index!r} is not among quotes['underlying'] "
            f"(first labels: {list(wide.columns[:5])})"
        )
    w = _weights_panel(weights, times, list(wide.columns), index)
    members = list(w.columns)
    if not wide.columns.isin(members).any():
        raise InputError(
            f"weights' labels match no underlying in quotes (weights: {members[:5]}, quotes: "
            f"{list(wide.columns[:5])})"
        )
    sig = wide.reindex(columns=members).set_axis(times, axis=0)
    w = w.set_axis(times, axis=0)
    index_vol = wide[index].set_axis(times).rename("index_vol")
    wv = w.to_numpy()
    sv = sig.to_numpy()
    positive = np.nan_to_num(wv) > 0
    used = positive & np.isfinite(sv)
    total = np.where(positive, wv, 0.0).sum(axis=1)
    covered = np.where(used, wv, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        member_vol = np.where(used, wv * np.nan_to_num(sv), 0.0).sum(axis=1) / covered
        coverage = covered / total
    member_vol = np.where(covered > 0, member_vol, np.nan)
    rows = used.sum(axis=1) >= 1
    rho = pd.Series(np.nan, index=times)
    disp = pd.Series(np.nan, index=times)
    ok = rows & np.isfinite(index_vol.to_numpy())
    if ok.any():
        ivs, svs, wvs = index_vol[ok], sig[ok], w[ok]
        rho[ok] = np.asarray(implied_correlation(ivs, svs, wvs, on_out_of_range=on_out_of_range))
        disp[ok] = np.asarray(dispersion_index(ivs, svs, wvs, on_out_of_range=on_out_of_range))
    out = pd.DataFrame(
        {
            "implied_correlation": rho.to_numpy(),
            "dispersion": disp.to_numpy(),
            "index_vol": index_vol.to_numpy(),
            "member_vol": member_vol,
            "n_members": used.sum(axis=1).astype(np.int64),
            "n_weighted": positive.sum(axis=1).astype(np.int64),
            "weight_coverage": np.where(total > 0, coverage, np.nan),
        },
        index=times,
    )
    return to_caller(out, given)


def _polars_weights(weights: Any) -> Any:
    """Member weights given as polars, in the pandas form :func:`_weights_panel` reads.

    polars has no index: weights over time are a DataFrame led by a Date/Datetime column (one
    column per member); weights of one date are a one-row DataFrame with one column per
    member (as a per-column result is returned), read as a Series over the members. A
    polars Series carries no member labels and is refused. Anything else is returned as is.
    """
    if not is_polars(weights):
        return weights
    import polars as pl

    if isinstance(weights, pl.Series):
        raise TypeError(
            "weights is a polars Series, which has no member labels: give a one-row polars "
            "DataFrame with one column per member"
        )
    if not isinstance(weights, pl.DataFrame):
        raise TypeError(
            f"weights must be a polars DataFrame (one column per member), got polars "
            f"{type(weights).__name__} (collect a LazyFrame first)"
        )
    frame = to_pandas(weights)
    if isinstance(frame.index, pd.DatetimeIndex) or frame.empty:
        return frame
    if len(frame) != 1:
        raise InputError(
            f"weights as a polars DataFrame without a leading date column is one row of member "
            f"weights, got {len(frame)} rows (lead it with a Date/Datetime column for weights "
            "over time)"
        )
    row: pd.Series = frame.iloc[0]
    return row
