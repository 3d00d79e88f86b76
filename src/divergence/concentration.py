r"""Concentration of an index: how much of it sits in a handful of names.

Every function takes sizes ``x`` (market caps, or any non-negative sizes), either one
cross-section (1-D: a list, ndarray or a Series indexed by ticker) or a panel (2-D: rows are
dates, columns are assets), and reduces over assets:

* 1-D input -> Python ``float``;
* 2-D ndarray -> 1-D ndarray, one value per row;
* DataFrame -> Series on the DataFrame's index.

In a panel NaN means "not a member on that date". Reductions take
``nan_policy`` (``"omit"``, the default, leaves absent names out and gives NaN for a row with no
member; ``"propagate"`` gives NaN for any row with a NaN; ``"raise"`` raises). A row whose
present sizes are all zero has undefined weights and gives NaN.

Share classes of one company (GOOG/GOOGL, FOX/FOXA, ...) can be summed before weighting with
``groups=``: a mapping (or Series) from column label to company, or one company label per column.

The number of names ``n`` in a row is the number of present (non-NaN) entries, zeros included.

The sort-based measures (:func:`gini`, :func:`hall_tideman`, :func:`top_k_share`,
:func:`concentration_coefficient`, :func:`concentration_profile`) sort each row once, in
cache-sized blocks of rows; on a panel of at least 262,144 values, called from the main thread,
the blocks run on every core (worker threads; the same bits as one thread). A call made from a
worker thread, such as a Dask task, stays on that thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._numeric import row_count, safe_divide
from divergence._threads import run_blocks, threads_for
from divergence._typing import BoolArray, FloatArray, GroupsLike, IntArray, NanPolicy, PanelLike
from divergence._validation import (
    NAN_POLICIES,
    Meta,
    as_array,
    check_bool,
    check_float,
    check_int,
    check_option,
    is_polars,
    merge_groups,
    nan_row_mask,
    to_caller,
    to_pandas,
)
from divergence.errors import InputError

__all__ = [
    "chain_link",
    "concentration_coefficient",
    "concentration_profile",
    "effective_n",
    "gini",
    "hall_tideman",
    "hhi",
    "hill_number",
    "lorenz_curve",
    "theil",
    "top_k_share",
    "weights",
]


# --------------------------------------------------------------------------- internals
class _Panel:
    """Validated sizes as a 2-D float64 array plus what is needed to wrap results."""

    __slots__ = ("meta", "nan_rows", "values")

    def __init__(
        self,
        x: object,
        groups: GroupsLike | None,
        nan_policy: str,
        name: str = "x",
        *,
        copy: bool = True,
    ) -> None:
        # read-only functions ask for no copy; as_array then returns a read-only view
        raw, meta = as_array(x, name, ndim=(1, 2), nonnegative=True, copy=copy)
        self.nan_rows: BoolArray | None = nan_row_mask(np.atleast_2d(raw), meta, nan_policy)
        merged, self.meta = merge_groups(raw, meta, groups)
        self.values: FloatArray = np.atleast_2d(merged)

    def finish(self, out: FloatArray, name: str | None = None) -> Any:
        if self.nan_rows is not None:
            out = np.where(self.nan_rows, np.nan, out)
        return self.meta.wrap_reduction(out, name)


def _totals(values: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Row sums, present counts and the mask of usable rows (some member, positive total)."""
    valid = ~np.isnan(values)
    n = valid.sum(axis=1).astype(np.float64)
    total = np.where(valid, values, 0.0).sum(axis=1)
    ok = (n > 0) & (total > 0)
    return total, n, ok


def _safe_div(num: FloatArray, den: FloatArray, ok: BoolArray) -> FloatArray:
    return safe_divide(num, den, ok)


#: Below this row total, ``total**2`` (and sums of squares) underflow towards zero.
_TINY_TOTAL = 1e-140


def _hhi_core(values: FloatArray, need_n: bool) -> tuple[FloatArray, FloatArray, BoolArray]:
    """HHI per row in two passes over ``values`` (sizes are validated non-negative)."""
    filled = np.fmax(values, 0.0)  # NaN -> 0 in one pass: fmax ignores NaN, and x >= 0
    total = filled.sum(axis=1)
    sq = np.einsum("ij,ij->i", filled, filled)
    n = row_count(values) if need_n else np.where(total > 0, 1.0, 0.0)
    ok = total > 0
    out = _safe_div(sq, total * total, ok & (total > _TINY_TOTAL))
    tiny = ok & (total <= _TINY_TOTAL)
    if tiny.any():  # total**2 underflows: compute from shares instead (rare, so no extra pass)
        shares = filled[tiny] / total[tiny, None]
        out[tiny] = np.einsum("ij,ij->i", shares, shares)
    return out, n, ok


# ------------------------------------------------------------- one sort per row, shared
# The sort-based measures (Gini, Hall-Tideman, the concentration coefficient, the profile) work
# through the panel in blocks of whole rows (a few MiB, so that every pass after the sort runs
# in cache). Each block is copied once into a work buffer in which absent (NaN) entries become
# the sentinel -1 (below every valid size); the buffer is sorted in place, so the sentinels
# lead each row; their count per row is where the first non-negative entry sits, and zeroing
# that leading block leaves each row as ``0, ..., 0, x_[1], ..., x_[n]`` (present sizes
# ascending at the end). In that layout the largest name sits in the last column whatever
# ``n`` is, so descending ranks are one fixed vector ``N, ..., 1`` for every row, the k largest
# are the last k columns, and the padding zeros add nothing to any sum. No NaN mask of the
# panel is built, and every row's arithmetic is independent of the blocking.

#: Size of the work buffer of one block of rows (bytes of float64).
_BLOCK_BYTES = 1 << 22


#: Panels of at least this many values are sorted on every core (blocks on worker threads).
_THREAD_MIN_VALUES = 1 << 18


def _row_blocks(n_rows: int, n_cols: int, n_threads: int = 1) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive blocks of whole rows, at most ``_BLOCK_BYTES`` each.

    With ``n_threads > 1`` the number of blocks is a multiple of ``n_threads`` (equal shares
    of rows for the threads).
    """
    step = max(1, _BLOCK_BYTES // (8 * max(n_cols, 1)))
    if n_threads > 1:
        n_blocks = -(-max(-(-n_rows // step), n_threads) // n_threads) * n_threads
        step = max(1, -(-n_rows // n_blocks))
    return [(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def _sort_threads(n_values: int) -> int:
    """Worker threads for a panel of ``n_values`` values (see :mod:`divergence._threads`)."""
    return threads_for(n_values, _THREAD_MIN_VALUES)


def _for_row_blocks(n_rows: int, n_cols: int, work: Callable[[int, int], None]) -> None:
    """Run ``work(start, stop)`` on every block of rows, on worker threads when it pays.

    The blocks write disjoint rows and each row's arithmetic does not depend on the block it
    is in, so the result is the same bits whatever the number of threads. NumPy's sorts,
    partitions and reductions release the GIL, so the blocks run on every core.
    """
    threads = _sort_threads(n_rows * n_cols)
    blocks = _row_blocks(n_rows, n_cols, threads)
    run_blocks([functools.partial(work, start, stop) for start, stop in blocks], threads)


class _SortedBlock:
    """A block of rows sorted ascending, absent entries as leading zeros (see above)."""

    __slots__ = ("_rank_sum", "_total", "buf", "n", "n_absent")

    def __init__(self, values: FloatArray) -> None:
        self.buf, self.n_absent = _sort_rows(values)
        self.n: FloatArray = (self.buf.shape[1] - self.n_absent).astype(np.float64)
        self._total: FloatArray | None = None
        self._rank_sum: FloatArray | None = None

    def total(self) -> FloatArray:
        """Sum of the present sizes of each row (computed once)."""
        if self._total is None:
            self._total = self.buf.sum(axis=1)
        return self._total

    def rank_sum(self) -> FloatArray:
        """``sum_i rank_i x_i`` per row, rank 1 for the largest (computed once)."""
        if self._rank_sum is None:
            self._rank_sum = _rank_weighted_sum(self.buf)
        return self._rank_sum


def _policy_rows(values: FloatArray, meta: Meta, policy: str) -> BoolArray | None:
    """``nan_policy`` from one row-sum pass: a row's sum is NaN iff the row holds a NaN.

    The sizes are validated finite, non-negative and at most 1e100, so no sum overflows and no
    ``inf - inf`` can make a NaN. Returns the rows to blank under ``"propagate"``, else None.
    """
    if policy == "omit":
        return None
    has_nan: BoolArray = np.isnan(values.sum(axis=1))
    if policy == "raise":
        if has_nan.any():
            nan_row_mask(values, meta, policy)  # raises, naming the first NaN
        return None
    return has_nan


def _sort_rows(values: FloatArray) -> tuple[FloatArray, IntArray]:
    """A new C-ordered buffer with each row sorted ascending, absent entries as leading zeros.

    Passes over the rows: one to create the buffer (NaN -> -1), the in-place sort, then only
    over the leading columns that hold sentinels: a count and a write that zeroes them (the
    width is found by probing columns 63, 255, ...; a row with no member is zeroed apart).
    Returns the buffer and the number of absent entries per row.
    """
    buf: FloatArray = np.fmax(values, -1.0, order="C")  # sizes >= 0; fmax maps NaN to -1
    buf.sort(axis=1)
    n_rows, n_cols = buf.shape
    n_absent: IntArray = np.zeros(n_rows, dtype=np.int64)
    if n_cols == 0 or not bool(np.any(buf[:, 0] < 0.0)):
        return buf, n_absent  # no absent entry in the block
    empty = buf[:, -1] < 0.0  # rows with no member at all
    width = min(64, n_cols)
    while width < n_cols and bool(np.any((buf[:, width - 1] < 0.0) & ~empty)):
        width = min(4 * width, n_cols)
    lead = buf[:, :width]
    n_absent[:] = np.count_nonzero(lead < 0.0, axis=1)
    np.maximum(lead, 0.0, out=lead)  # the sentinels (and only they) become 0
    if empty.any():
        n_absent[empty] = n_cols
        buf[empty] = 0.0
    return buf, n_absent


def _rank_measures(
    values: FloatArray, measures: Sequence[tuple[str, Callable[[_SortedBlock], FloatArray]]]
) -> tuple[dict[str, FloatArray], IntArray]:
    """Evaluate ``measures`` (name, function of a sorted block) on each block of rows.

    One sort per row serves them all, and so do the row sums and rank-weighted sums a block
    computes once. The measures only read the buffer. Returns one array per measure and the
    number of absent entries per row.
    """
    n_rows, n_cols = values.shape
    out = {name: np.empty(n_rows) for name, _ in measures}
    n_absent = np.empty(n_rows, dtype=np.int64)

    def work(start: int, stop: int) -> None:
        block = _SortedBlock(values[start:stop])
        n_absent[start:stop] = block.n_absent
        for name, fn in measures:
            out[name][start:stop] = fn(block)

    _for_row_blocks(n_rows, n_cols, work)
    return out, n_absent


def _rank_reduce(
    x: object,
    groups: GroupsLike | None,
    nan_policy: str,
    measures: Sequence[tuple[str, Callable[[_SortedBlock], FloatArray]]],
) -> tuple[dict[str, FloatArray], Meta]:
    """Validate, merge share classes, evaluate rank-based measures and apply ``nan_policy``."""
    raw, meta = as_array(x, "x", ndim=(1, 2), nonnegative=True, copy=False)
    policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
    raw2 = np.atleast_2d(raw)
    # with groups a merged company can be present although one of its classes is NaN, so
    # "propagate" and "raise" look at the raw input (one row-sum pass, no mask)
    nan_rows = _policy_rows(raw2, meta, policy) if groups is not None else None
    merged, mmeta = merge_groups(raw, meta, groups)
    out, n_absent = _rank_measures(np.atleast_2d(merged), measures)
    if groups is None and policy != "omit" and n_absent.any():
        if policy == "raise":
            nan_row_mask(raw2, meta, policy)  # raises, naming the first NaN
        nan_rows = n_absent > 0
    if nan_rows is not None:
        for v in out.values():
            v[nan_rows] = np.nan
    return out, mmeta


def _last_cols_desc_sum(s: FloatArray, k: int) -> FloatArray:
    """Sum of the last ``min(k, N)`` columns of each row, added from the last one backwards.

    The addition order is the one of a running sum over the row sorted descending, so the top
    tier's sum does not depend on how many padding zeros follow it.
    """
    kk = min(k, s.shape[1])
    tail = s[:, s.shape[1] - kk :][:, ::-1]
    out: FloatArray = np.cumsum(tail, axis=1)[:, -1]
    return out


def _rank_weighted_sum(s: FloatArray) -> FloatArray:
    """``sum_i rank_i x_i`` with rank 1 for the largest name, in the leading-zeros layout.

    :func:`numpy.einsum` rather than a BLAS product: the same addition order for a row
    whatever the block it sits in, and no BLAS threads.
    """
    ranks = np.arange(s.shape[1], 0, -1, dtype=np.float64)
    out: FloatArray = np.einsum("ij,j->i", s, ranks)
    return out


def _top_share_from(block: _SortedBlock, k: int) -> FloatArray:
    """Share of the k largest from a sorted block."""
    total = block.total()
    return _safe_div(_last_cols_desc_sum(block.buf, k), total, total > 0)


def _concentration_coefficient_from(block: _SortedBlock, k: int) -> FloatArray:
    """I_C from a sorted block: top-tier mean (k largest) over the median of the present sizes."""
    s, n = block.buf, block.n
    n_cols = s.shape[1]
    k_eff = np.minimum(n, float(k))
    top_sum = _last_cols_desc_sum(s, k)  # padding zeros beyond k_eff add nothing
    # the median of the present sizes: positions (n-1)//2 and n//2 counted from the first
    # present column, N - n
    n_int = n_cols - block.n_absent
    lo = np.minimum(block.n_absent + (n_int - 1) // 2, n_cols - 1)
    hi = np.minimum(block.n_absent + n_int // 2, n_cols - 1)
    rows = np.arange(s.shape[0])
    med = 0.5 * (s[rows, lo] + s[rows, hi])
    mean_top = _safe_div(top_sum, k_eff, k_eff > 0)
    ok = (n > 0) & (top_sum > 0)
    out = np.full(n.shape, np.nan)
    np.divide(mean_top, med, out=out, where=ok & (med > 0))
    out[ok & (med == 0)] = np.inf
    return out


def _hall_tideman_from(block: _SortedBlock) -> FloatArray:
    """Hall-Tideman index from a sorted block."""
    total = block.total()
    ok = total > 0
    rank_sum = _safe_div(block.rank_sum(), total, ok)
    return _safe_div(np.ones_like(rank_sum), 2.0 * rank_sum - 1.0, ok)


def _gini_from(block: _SortedBlock, bias_corrected: bool) -> FloatArray:
    """Gini coefficient from a sorted block (the block is not modified).

    With rank 1 for the largest name, ascending rank ``n + 1 - rho`` gives the coefficient
    ``2 (n + 1 - rho) - n - 1 = n + 1 - 2 rho``, so the numerator is ``(n + 1) B - 2 D`` with
    ``B`` the row sum and ``D`` the rank-weighted sum (shared with the Hall-Tideman index). The
    coefficients sum to zero, so the sizes may be shifted by any constant: rows whose smallest
    present size ``m`` exceeds half their mean are recomputed from ``x - m``, which makes equal
    sizes give exactly 0 and keeps nearly equal ones accurate (the cancellation in ``(n + 1) B
    - 2 D`` grows with ``1 / (1 - m / mean)``, so below half the mean the shift gains less than
    a factor 2 and is skipped).
    """
    s, n = block.buf, block.n
    total = block.total()
    num = (n + 1.0) * total - 2.0 * block.rank_sum()
    n_cols = s.shape[1]
    m = s[np.arange(s.shape[0]), np.minimum(block.n_absent, n_cols - 1)]  # smallest present
    near = (n > 0) & (n * m > 0.5 * total)
    if near.any():
        y = s[near]  # a copy of the few nearly equal rows
        y -= m[near, None]  # present sizes: x - m >= 0 exactly; padding zeros: -m
        np.maximum(y, 0.0, out=y)  # padding back to 0
        num[near] = (n[near] + 1.0) * y.sum(axis=1) - 2.0 * _rank_weighted_sum(y)
    ok = (n > 0) & (total > 0)
    g = _safe_div(num, n * total, ok)
    if bias_corrected:
        g = _safe_div(g * n, n - 1.0, ok & (n > 1))
    return g


# --------------------------------------------------------------------------- weights
def weights(
    x: PanelLike, *, groups: GroupsLike | None = None, nan_policy: NanPolicy = "omit"
) -> Any:
    r"""Weights of each name in its cross-section.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes (e.g. market caps in any currency unit). 1-D is one cross-section;
        2-D has rows = dates and columns = assets. NaN means "not present".
    groups : mapping, Series or sequence, optional
        Share classes to sum before weighting (column label -> company label). The output then
        has one column per company.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        ``"omit"``: absent names keep NaN and the others sum to 1; ``"propagate"``: a row with
        any NaN is all NaN; ``"raise"``: NaN raises :class:`~divergence.errors.InputError`.

    Returns
    -------
    ndarray, Series or DataFrame
        Same shape and type as ``x`` (after merging ``groups``); each row sums to 1 over the
        present names. Dimensionless.

    Raises
    ------
    InputError
        Negative or infinite sizes, empty input, 3-D input, unknown ``groups`` labels.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    .. math:: w_{i} = \frac{x_{i}}{\sum_j x_{j}}

    A row whose present sizes sum to zero has undefined weights and is returned as NaN.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copy, two panel-sized
    temporaries and the output); T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology", section on
       market-capitalization weighted indices.

    Examples
    --------
    >>> from divergence.concentration import weights
    >>> print(weights([3.0, 1.0]))
    [0.75 0.25]
    """
    p = _Panel(x, groups, nan_policy)
    total, _, ok = _totals(p.values)
    w = _safe_div(p.values, total[:, None], ok[:, None])
    w = np.where(np.isnan(p.values), np.nan, w)
    if p.nan_rows is not None:
        w[p.nan_rows] = np.nan
    return p.meta.wrap_like(w)


# --------------------------------------------------------------------------- HHI family
def hhi(
    x: PanelLike,
    *,
    normalized: bool = False,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Herfindahl–Hirschman index of a cross-section of sizes.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes (e.g. market caps). Rows are dates, columns assets; NaN = absent.
    normalized : bool, default False
        Return :math:`(H - 1/n)/(1 - 1/n)`, which is 0 for equal weights and 1 for a single
        name, whatever ``n``. Undefined (NaN) when ``n = 1``.
    groups : mapping, Series or sequence, optional
        Share classes to sum before weighting (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        ``"omit"``: absent names are left out (an empty row gives NaN); ``"propagate"``: a row
        with any NaN gives NaN; ``"raise"``: NaN raises
        :class:`~divergence.errors.InputError`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[1/n, 1]` (dimensionless). Multiply by 10,000 for the
        antitrust "points" scale.

    Raises
    ------
    InputError
        Negative or infinite sizes, empty or 3-D input.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    .. math:: H = \sum_i w_i^2 = \frac{\sum_i x_i^2}{\left(\sum_i x_i\right)^2}

    Computed from the sums of sizes and of squared sizes, without forming the weights.

    **Complexity.** O(T·N) time in two passes (a NaN-filled copy, then a row-wise dot product);
    O(T·N) extra memory for that one float64 copy (the input is read through a read-only view, not
    copied); T = dates, N = assets.

    References
    ----------
    .. [1] U.S. Department of Justice & Federal Trade Commission, "Merger Guidelines" (2023),
       section 2.1 and appendix: HHI thresholds of 1,000 and 1,800 points.
    .. [2] Hirschman, A. O. (1964), "The paternity of an index", American Economic Review
       54(5), 761.

    Examples
    --------
    The four-firm example (30/30/20/20) of the merger guidelines has 2,600 points:

    >>> from divergence.concentration import hhi
    >>> print(f"{hhi([30, 30, 20, 20]):.4f}")
    0.2600
    >>> print(f"{hhi([30, 30, 20, 20], normalized=True):.4f}")
    0.0133
    """
    norm = check_bool(normalized, "normalized")
    p = _Panel(x, groups, nan_policy, copy=False)
    h, n, ok = _hhi_core(p.values, need_n=norm)
    if norm:
        h = _safe_div(h - 1.0 / np.maximum(n, 1.0), 1.0 - 1.0 / np.maximum(n, 1.0), ok & (n > 1))
    return p.finish(h, "hhi_normalized" if norm else "hhi")


def effective_n(
    x: PanelLike, *, groups: GroupsLike | None = None, nan_policy: NanPolicy = "omit"
) -> Any:
    r"""Effective number of names, the inverse of the HHI.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    groups : mapping, Series or sequence, optional
        Share classes to sum before weighting (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[1, n]` (a count of names).

    Raises
    ------
    InputError
        Negative or infinite sizes, empty or 3-D input.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    .. math:: N_{\mathrm{eff}} = 1/H = \left(\sum_i w_i^2\right)^{-1}

    It equals the Hill number of order 2 (:func:`hill_number`).

    **Complexity.** As :func:`hhi`: O(T·N) time, one float64 copy of the panel as extra memory; T =
    dates, N = assets.

    References
    ----------
    .. [1] Adelman, M. A. (1969), "Comment on the 'H' concentration measure as a
       numbers-equivalent", Review of Economics and Statistics 51(1), 99–101.

    Examples
    --------
    >>> from divergence.concentration import effective_n
    >>> print(f"{effective_n([30, 30, 20, 20]):.4f}")
    3.8462
    """
    p = _Panel(x, groups, nan_policy, copy=False)
    h, _, ok = _hhi_core(p.values, need_n=False)
    return p.finish(_safe_div(np.ones_like(h), h, ok & (h > 0)), "effective_n")


# --------------------------------------------------------------------------- top-k
def _top_k_sum(values: FloatArray, k: int) -> FloatArray:
    """Sum of the k largest entries of each row of a NaN-free, non-negative work array.

    Partitions ``values`` in place (one introselect per row, no copy): pass a buffer you own.
    """
    n_cols = values.shape[1]
    if k >= n_cols:
        full: FloatArray = values.sum(axis=1)
        return full
    values.partition(n_cols - k, axis=1)
    top: FloatArray = values[:, n_cols - k :].sum(axis=1)
    return top


@renamed_arguments(removed_in="0.3", k="top_k")
def top_k_share(
    x: PanelLike,
    top_k: int = 10,
    *,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Share of the total held by the ``top_k`` largest names.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    top_k : int, default 10
        Number of largest names (>= 1). A row with fewer than ``top_k`` present names has share 1.
    groups : mapping, Series or sequence, optional
        Share classes to sum before ranking (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[k/n, 1]` (a fraction).

    Raises
    ------
    InputError
        ``k < 1``; negative or infinite sizes; empty or 3-D input.
    TypeError
        ``top_k`` not an integer; non-numeric input.

    Notes
    -----
    .. math:: S_k = \frac{\sum_{i=1}^{k} x_{(i)}}{\sum_{i=1}^{n} x_{(i)}},
       \qquad x_{(1)} \ge x_{(2)} \ge \dots

    Ties do not change the sum.
    Also called the k-firm concentration ratio :math:`CR_k`.

    **Complexity.** O(T·N) expected time, whatever ``top_k``: block by block of rows, one pass that
    writes a NaN-filled float64 work buffer, its row sums, then one partial sort (introselect,
    :func:`numpy.partition`) per row in that buffer, in place, instead of a full sort.
    O(B·N) extra memory for the work buffer of one block of B rows (about 4 MiB), whatever T,
    plus O(T) for the results (a float64 input is read through a read-only view; other dtypes
    and ``groups`` cost one converted or merged O(T·N) copy); T = dates, N = assets.

    References
    ----------
    .. [1] U.S. Census Bureau, "Concentration ratios" (Economic Census methodology).

    Examples
    --------
    >>> from divergence.concentration import top_k_share
    >>> print(f"{top_k_share([50, 20, 20, 10], top_k=2):.2f}")
    0.70
    """
    kk = check_int(top_k, "top_k", minimum=1)
    raw, meta = as_array(x, "x", ndim=(1, 2), nonnegative=True, copy=False)
    policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
    nan_rows = _policy_rows(np.atleast_2d(raw), meta, policy)
    merged, mmeta = merge_groups(raw, meta, groups)
    values = np.atleast_2d(merged)
    out = np.empty(values.shape[0])

    def work(start: int, stop: int) -> None:
        # the block's work buffer: NaN -> 0 (sizes are non-negative) in the pass that creates
        # it, row-major so that the in-place row partition is fast
        filled = np.fmax(values[start:stop], 0.0, order="C")
        total = filled.sum(axis=1)
        out[start:stop] = _safe_div(_top_k_sum(filled, kk), total, total > 0)

    _for_row_blocks(values.shape[0], values.shape[1], work)
    if nan_rows is not None:
        out = np.where(nan_rows, np.nan, out)
    return mmeta.wrap_reduction(out, "top_k_share")


def concentration_coefficient(
    x: PanelLike,
    *,
    top_k: int = 10,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""I_C: mean size of the ``top_k`` largest names over the median size.

    The "ratio of top-tier to median market cap" of the divergence framework: how many median
    companies one top-tier company is worth.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    top_k : int, default 10
        Size of the top tier (>= 1). A row with fewer present names uses all of them.
    groups : mapping, Series or sequence, optional
        Share classes to sum before ranking (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row (a ratio): at least 1 when ``top_k`` is at most half the present
        names (the top tier then lies at or above the median); with a larger ``top_k`` it can
        fall below 1, though never to 1/2 (at least half the names are at or above the
        median). ``inf`` when the median present size is 0 and the top tier is not; NaN
        for a row with no present name or all sizes zero.

    Raises
    ------
    InputError
        ``top_k < 1``; negative or infinite sizes; empty or 3-D input.
    TypeError
        ``top_k`` not an integer; non-numeric input.

    Notes
    -----
    .. math:: I_C = \frac{\tfrac{1}{k}\sum_{i=1}^{k} x_{(i)}}{\operatorname{median}(x)},
       \qquad k = \min(\text{top\_k}, n)

    The median of an even count is the mean of the two middle values.

    **Complexity.** O(T·N·log N) time: one full sort per row, in place in a float64 work buffer
    (the median position depends on each row's count of present names, so a single partial sort
    cannot serve every row); absent names are counted from where they sort, not masked, and the
    top tier and the median are then read in O(T·k). O(B·N) extra memory for the work buffer of
    one block of B rows (about 4 MiB), whatever T, plus O(T·k) (a float64 input is read through a
    read-only view; other dtypes and ``groups`` cost one converted or merged O(T·N) copy); T =
    dates, N = assets.

    References
    ----------
    .. [1] The divergence framework's concentration input :math:`I_C` (see the user guide,
       "Concentration"); the median is the robust centre of the size distribution, so
       :math:`I_C` is insensitive to how many small names the index holds.

    Examples
    --------
    >>> from divergence.concentration import concentration_coefficient
    >>> print(f"{concentration_coefficient([100, 50, 10, 10, 5], top_k=2):.2f}")
    7.50
    """
    kk = check_int(top_k, "top_k", minimum=1)
    name = "concentration_coefficient"
    measure = (name, lambda b: _concentration_coefficient_from(b, kk))
    out, meta = _rank_reduce(x, groups, nan_policy, [measure])
    return meta.wrap_reduction(out[name], name)


# --------------------------------------------------------------------------- inequality
def gini(
    x: PanelLike,
    *,
    bias_corrected: bool = False,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Gini coefficient of the size distribution.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    bias_corrected : bool, default False
        Multiply the population Gini by :math:`n/(n-1)` (the unbiased estimator for a sample;
        NaN when ``n = 1``).
    groups : mapping, Series or sequence, optional
        Share classes to sum first (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[0, 1 - 1/n]` for the population version.

    Raises
    ------
    InputError
        Negative or infinite sizes, empty or 3-D input.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    With the present sizes sorted ascending, :math:`x_{[1]} \le \dots \le x_{[n]}`,

    .. math:: G = \frac{\sum_{i=1}^{n} (2i - n - 1)\, x_{[i]}}{n \sum_i x_i}
             = \frac{\sum_i\sum_j |x_i - x_j|}{2 n^2 \bar{x}}

    For an exponential distribution :math:`G = 1/2`; for a Pareto distribution with tail
    index :math:`\alpha > 1`, :math:`G = 1/(2\alpha - 1)`.

    **Complexity.** O(T·N·log N) time: one sort per row, in place in a float64 work buffer, then a
    row sum and a product with the fixed rank vector while it is in cache (rows whose smallest size
    exceeds half their mean are redone from the sizes minus that minimum, which keeps nearly equal
    sizes accurate and equal ones exactly 0); absent names are counted from where they sort, not
    masked. O(B·N) extra memory for the work buffer of one block of B rows (about 4 MiB), whatever
    T, plus O(T) for the results (a float64 input is read through a read-only view; other dtypes and
    ``groups`` cost one converted or merged O(T·N) copy); T = dates, N = assets.

    References
    ----------
    .. [1] Gini, C. (1912), "Variabilità e mutabilità".
    .. [2] Damgaard, C. & Weiner, J. (2000), "Describing inequality in plant size or
       fecundity", Ecology 81(4), 1139–1142 (sorted-sum form and the n/(n-1) correction).

    Examples
    --------
    One name holding everything among four gives :math:`1 - 1/4`:

    >>> from divergence.concentration import gini
    >>> print(f"{gini([0, 0, 0, 1]):.2f}")
    0.75
    >>> print(f"{gini([0, 0, 0, 1], bias_corrected=True):.2f}")
    1.00
    """
    corr = check_bool(bias_corrected, "bias_corrected")
    out, meta = _rank_reduce(x, groups, nan_policy, [("gini", lambda b: _gini_from(b, corr))])
    return meta.wrap_reduction(out["gini"], "gini")


def theil(x: PanelLike, *, groups: GroupsLike | None = None, nan_policy: NanPolicy = "omit") -> Any:
    r"""Theil T index (entropy-based inequality).

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    groups : mapping, Series or sequence, optional
        Share classes to sum first (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[0, \ln n]` (nats); 0 for equal sizes.

    Raises
    ------
    InputError
        Negative or infinite sizes, empty or 3-D input.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    .. math:: T = \sum_i w_i \ln(n w_i) = \ln n - \mathcal{H}(w),

    with :math:`0 \ln 0 = 0` and :math:`\mathcal{H}` the Shannon entropy.

    **Complexity.** O(T·N) time; O(T·N) extra memory (the validated copy, the weights and their
    logarithms); T = dates, N = assets.

    References
    ----------
    .. [1] Theil, H. (1967), "Economics and Information Theory", North-Holland, ch. 4.

    Examples
    --------
    >>> from divergence.concentration import theil
    >>> print(f"{theil([1, 1, 1, 1]):.4f}")
    0.0000
    >>> print(f"{theil([0, 0, 0, 1]):.4f}")
    1.3863
    """
    p = _Panel(x, groups, nan_policy)
    total, n, ok = _totals(p.values)
    w = _safe_div(np.where(np.isnan(p.values), 0.0, p.values), total[:, None], ok[:, None])
    w = np.where(np.isnan(w), 0.0, w)
    plogp = np.zeros_like(w)
    np.multiply(w, np.log(w, out=np.zeros_like(w), where=w > 0), out=plogp, where=w > 0)
    entropy = -plogp.sum(axis=1)
    out = np.where(ok, np.log(np.maximum(n, 1.0)) - entropy, np.nan)
    return p.finish(out, "theil")


def hall_tideman(
    x: PanelLike, *, groups: GroupsLike | None = None, nan_policy: NanPolicy = "omit"
) -> Any:
    r"""Hall–Tideman index: a rank-weighted concentration index.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    groups : mapping, Series or sequence, optional
        Share classes to sum first (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[1/n, 1]`; :math:`1/n` for equal sizes.

    Raises
    ------
    InputError
        Negative or infinite sizes, empty or 3-D input.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    With rank 1 for the largest name,

    .. math:: HT = \frac{1}{2 \sum_{i=1}^{n} i\, w_{(i)} - 1}

    Ties do not change the value (tied names contribute the same weighted rank sum).

    **Complexity.** O(T·N·log N) time: one sort per row, in place in a float64 work buffer, then
    a row sum and a product with the fixed rank vector while it is in cache. O(B·N) extra memory
    for the work buffer of one block of B rows (about 4 MiB), whatever T, plus O(T) for the
    results (a float64 input is read through a read-only view; other dtypes and ``groups`` cost
    one converted or merged O(T·N) copy); T = dates, N = assets.

    References
    ----------
    .. [1] Hall, M. & Tideman, N. (1967), "Measures of concentration", Journal of the American
       Statistical Association 62(317), 162–168.

    Examples
    --------
    Weights 0.6, 0.3, 0.1 give :math:`\sum i w_{(i)} = 1.5` and so :math:`1/(3 - 1)`:

    >>> from divergence.concentration import hall_tideman
    >>> print(f"{hall_tideman([60, 30, 10]):.4f}")
    0.5000
    """
    out, meta = _rank_reduce(x, groups, nan_policy, [("hall_tideman", _hall_tideman_from)])
    return meta.wrap_reduction(out["hall_tideman"], "hall_tideman")


def hill_number(
    x: PanelLike,
    order: float,
    *,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Hill number (effective number of names) of a given order.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    order : float
        The order :math:`\alpha \ge 0` (``numpy.inf`` allowed). 0 counts names with positive
        size; 1 is the exponential of Shannon entropy; 2 is :func:`effective_n`; ``inf`` is
        :math:`1/\max_i w_i`. Higher orders weigh the largest names more.
    groups : mapping, Series or sequence, optional
        Share classes to sum first (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    float, ndarray or Series
        One value per row, in :math:`[1, n]` (a count of names), non-increasing in ``order``.

    Raises
    ------
    InputError
        ``order`` negative or NaN; negative or infinite sizes; empty or 3-D input.
    TypeError
        ``order`` not a real number; non-numeric input.

    Notes
    -----
    Over names with :math:`w_i > 0`:

    .. math:: D_\alpha = \Big(\sum_i w_i^{\alpha}\Big)^{1/(1-\alpha)}, \qquad
              D_1 = \exp\Big(-\sum_i w_i \ln w_i\Big), \qquad D_\infty = 1/\max_i w_i

    Computed on the logarithmic scale with the weights divided by the largest one, so large
    orders approach :math:`1/\max_i w_i` without underflowing to NaN; within 1/2 of order 1,
    :math:`\ln D_\alpha = -\operatorname{log1p}\big(\sum_i w_i
    \operatorname{expm1}((\alpha - 1)\ln w_i)\big)/(\alpha - 1)`, which tends continuously to
    the Shannon form instead of dividing a rounding error by :math:`1 - \alpha` (so order
    ``sum([0.1] * 10)``, one ulp below 1, gives the Shannon value). Equal weights give
    :math:`n` at every order to within a few ulps.

    **Complexity.** O(T·N) time (one power or logarithm per entry); O(T·N) extra memory (the
    validated copy, the weights and one transformed copy); T = dates, N = assets.

    References
    ----------
    .. [1] Hill, M. O. (1973), "Diversity and evenness: a unifying notation and its
       consequences", Ecology 54(2), 427–432.
    .. [2] Jost, L. (2006), "Entropy and diversity", Oikos 113(2), 363–375.

    Examples
    --------
    >>> from divergence.concentration import hill_number
    >>> print(f"{hill_number([30, 30, 20, 20], 2):.4f}")
    3.8462
    >>> print(f"{hill_number([30, 30, 20, 20], 0):.1f}")
    4.0
    >>> print(f"{hill_number([1, 1, 1, 1, 1], sum([0.1] * 10)):.6f}")  # order 1 - 1.1e-16
    5.000000
    """
    q = check_float(order, "order", minimum=0.0, allow_inf=True)
    p = _Panel(x, groups, nan_policy)
    _, _, ok = _totals(p.values)
    sizes = np.fmax(p.values, 0.0)  # NaN (absent) -> 0 in one pass; sizes are >= 0
    if q == 0.0:
        out = (sizes > 0).sum(axis=1).astype(np.float64)
    elif ok.all():
        out = _hill_positive(sizes, q)
    else:
        out = np.full(sizes.shape[0], np.nan)
        out[ok] = _hill_positive(sizes[ok], q)
    out = np.where(ok, out, np.nan)
    return p.finish(out, f"hill_{q:g}")


#: Below this distance of ``order`` from 1, :func:`hill_number` uses the expm1/log1p form.
_HILL_NEAR_ONE = 0.5


def _hill_positive(sizes: FloatArray, q: float) -> FloatArray:
    r"""Hill numbers of order ``q > 0`` of rows with a positive total, without under/overflow.

    Sizes are scaled by the row maximum, :math:`u_i = x_i / \max_j x_j \in (0, 1]`, so
    :math:`w_i = u_i / U` with :math:`U = \sum_j u_j \in [1, n]` and no weight underflows to
    zero. With :math:`\delta = q - 1` and :math:`\ell_i = \ln w_i`,
    :math:`\ln D_q = -\delta^{-1}\ln \sum_i w_i e^{\delta \ell_i}`:

    * near :math:`q = 1` (:math:`|\delta| < 1/2`) as
      :math:`-\operatorname{log1p}\big(\sum_i w_i \operatorname{expm1}(\delta \ell_i)\big)/\delta`,
      whose limit :math:`-\sum_i w_i \ell_i` (Shannon) is used at :math:`\delta = 0`, so the
      value moves continuously through :math:`q = 1` with no cancellation;
    * elsewhere as :math:`(q/\delta)\ln U - \delta^{-1}\ln\sum_i u_i^q` (log-sum-exp about the
      largest weight: :math:`\sum_i u_i^q \ge 1`, so nothing underflows to ``log(0)``), and
      :math:`U = 1/\max_i w_i` for :math:`q = \infty`.
    """
    top = sizes.max(axis=1)
    u = sizes / top[:, None]
    pos = u > 0  # a size below 1e-308 of the largest underflows to zero: it weighs nothing
    big_u: FloatArray = u.sum(axis=1)
    if np.isinf(q):
        return big_u
    log_big_u = np.log(big_u)
    delta = q - 1.0
    if abs(delta) < _HILL_NEAR_ONE:
        log_u = np.log(u, out=np.zeros_like(u), where=pos)
        w = u / big_u[:, None]  # zero where the size is zero
        log_w = np.where(pos, log_u - log_big_u[:, None], 0.0)
        w_sum = w.sum(axis=1)  # 1 up to rounding: divide by it rather than assume it
        if delta == 0.0:
            log_d = -(w * log_w).sum(axis=1) / w_sum
        else:
            excess = (w * np.expm1(delta * log_w)).sum(axis=1) / w_sum
            log_d = -np.log1p(excess) / delta
    else:
        if q == 2.0:
            powered = u * u  # the common order (effective_n): a product, not a power
        else:
            powered = np.zeros_like(u)
            np.power(u, q, out=powered, where=pos)
        # q / delta, not q * log U / delta: stays finite for orders up to the float maximum
        log_d = (q / delta) * log_big_u - np.log(powered.sum(axis=1)) / delta
    out: FloatArray = np.exp(log_d)
    return out


# --------------------------------------------------------------------------- Lorenz curve
def lorenz_curve(
    x: PanelLike, *, groups: GroupsLike | None = None
) -> tuple[FloatArray, FloatArray]:
    r"""Lorenz curve of one cross-section.

    Parameters
    ----------
    x : array_like or Series
        One cross-section of non-negative sizes (1-D); NaN entries (absent names) are dropped.
    groups : mapping, Series or sequence, optional
        Share classes to sum first (label -> company label).

    Returns
    -------
    population_share : ndarray
        :math:`0, 1/n, 2/n, \dots, 1` (length :math:`n + 1`).
    cumulative_share : ndarray
        Share of the total held by the smallest :math:`i` names, from 0 to 1; convex and
        never above the diagonal.

    Raises
    ------
    InputError
        A 2-D input, no present name, all sizes zero, negative or infinite sizes.
    TypeError
        Non-numeric or boolean input.

    Notes
    -----
    .. math:: L(i/n) = \frac{\sum_{j \le i} x_{[j]}}{\sum_j x_j}, \qquad
              G = 1 - 2\int_0^1 L(p)\,dp

    The trapezoid area under the returned points reproduces :func:`gini` exactly.

    **Complexity.** O(N·log N) time (one sort, in place in the validated copy) and O(N) memory
    for N names.

    References
    ----------
    .. [1] Lorenz, M. O. (1905), "Methods of measuring the concentration of wealth",
       Publications of the American Statistical Association 9(70), 209–219.

    Examples
    --------
    >>> from divergence.concentration import lorenz_curve
    >>> p, L = lorenz_curve([1, 1, 2])
    >>> print(p.round(4), L.round(4))
    [0.     0.3333 0.6667 1.    ] [0.   0.25 0.5  1.  ]
    """
    raw, meta = as_array(x, "x", ndim=1, nonnegative=True)  # our own copy: sorted in place
    merged, _ = merge_groups(raw, meta, groups)
    merged.sort()  # NaN (absent) sorts last
    n = int(np.searchsorted(merged, np.nan))  # the first NaN: searchsorted orders NaN last too
    vals = merged[:n]
    total = vals.sum()
    if total <= 0:
        raise InputError("x has no positive size; the Lorenz curve is undefined")
    pop = np.arange(n + 1, dtype=np.float64) / n
    cum = np.empty(n + 1)
    cum[0] = 0.0
    np.cumsum(vals, out=cum[1:])
    cum[1:] /= total
    cum[-1] = 1.0
    return pop, cum


# --------------------------------------------------------------------------- profile
@renamed_arguments(removed_in="0.3", k="top_k")
def concentration_profile(
    x: PanelLike,
    *,
    top_k: int = 10,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""All concentration measures of each cross-section in one table.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    top_k : int, default 10
        Top-k used by ``top_k_share`` and ``concentration_coefficient``.
    groups : mapping, Series or sequence, optional
        Share classes to sum first (column label -> company label).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`hhi`.

    Returns
    -------
    DataFrame
        One row per date (the DataFrame's index; a RangeIndex for arrays; one row for a 1-D
        input) with columns ``n`` (present names), ``hhi``, ``hhi_normalized``,
        ``effective_n``, ``top_k_share``, ``concentration_coefficient``, ``gini``, ``theil``,
        ``hall_tideman`` and ``hill_1`` (exponential of Shannon entropy). ``attrs["top_k"]``
        records ``top_k``.

    Raises
    ------
    InputError
        ``k < 1``; negative or infinite sizes; empty or 3-D input.
    TypeError
        ``top_k`` not an integer; non-numeric input.

    Notes
    -----
    Each column is the function of the same name; see their formulas. The four rank-based
    columns (``top_k_share``, ``concentration_coefficient``, ``gini``, ``hall_tideman``) are
    read from one shared sort of each row; ``top_k_share`` there adds the top tier from the
    sorted row rather than from a partition, so it can differ from :func:`top_k_share` in the
    last bit (relative differences of order 1e-16).

    **Complexity.** O(T·N·log N) time: one sort per row, in place in a float64 work buffer of a
    block of rows, serves the four rank-based measures; the others are O(T·N). O(T·N) extra
    memory at any moment (the merged panel, then each O(T·N) measure's temporaries, released
    before the next; the sorted block is about 4 MiB); T = dates, N = assets.

    References
    ----------
    .. [1] Hall, M. & Tideman, N. (1967), "Measures of concentration", JASA 62(317).

    Examples
    --------
    >>> from divergence.concentration import concentration_profile
    >>> prof = concentration_profile([[30, 30, 20, 20], [70, 10, 10, 10]], top_k=1)
    >>> print(prof[["hhi", "effective_n", "top_k_share"]].round(3).to_string())
       hhi  effective_n  top_k_share
    0  0.26        3.846          0.3
    1  0.52        1.923          0.7
    """
    kk = check_int(top_k, "top_k", minimum=1)
    raw, meta = as_array(x, "x", ndim=(1, 2), nonnegative=True, copy=False)
    policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
    _policy_rows(np.atleast_2d(raw), meta, policy)  # "raise" raises on any NaN of the input
    merged, mmeta = merge_groups(raw, meta, groups)
    panel = np.atleast_2d(merged)
    if mmeta.kind == "frame":
        index: pd.Index = mmeta.index if mmeta.index is not None else pd.RangeIndex(len(panel))
        as_input: PanelLike = pd.DataFrame(panel, index=index, columns=mmeta.columns)
    else:
        index = pd.RangeIndex(panel.shape[0])
        as_input = panel
    kw: dict[str, Any] = {"nan_policy": policy}
    # one sort of each row of the (merged) panel serves the four rank-based measures (and one
    # row sum and one rank-weighted sum serve three and two of them)
    ranked, n_absent = _rank_measures(
        panel,
        [
            ("top_k_share", lambda b: _top_share_from(b, kk)),
            ("concentration_coefficient", lambda b: _concentration_coefficient_from(b, kk)),
            ("hall_tideman", _hall_tideman_from),
            ("gini", lambda b: _gini_from(b, False)),
        ],
    )
    if policy == "propagate":  # as the functions on the merged panel: rows with an absent name
        for v in ranked.values():
            v[n_absent > 0] = np.nan
    cols: dict[str, Any] = {
        "n": panel.shape[1] - n_absent,
        "hhi": hhi(as_input, **kw),
        "hhi_normalized": hhi(as_input, normalized=True, **kw),
        "effective_n": effective_n(as_input, **kw),
        "top_k_share": ranked["top_k_share"],
        "concentration_coefficient": ranked["concentration_coefficient"],
        "gini": ranked["gini"],
        "theil": theil(as_input, **kw),
        "hall_tideman": ranked["hall_tideman"],
        "hill_1": hill_number(as_input, 1.0, **kw),
    }
    out = pd.DataFrame({c: np.asarray(v, dtype=np.float64) for c, v in cols.items()}, index=index)
    out.attrs["top_k"] = kk
    return to_caller(out, meta)


# --------------------------------------------------------------------------- time series
def _polars_dated(x: Any, name: str, *, panel: bool = False) -> Any:
    """A dated series given as polars, as pandas (private).

    polars has no index, so a dated series is a DataFrame of a leading Date/Datetime column
    and one value column: it becomes a Series on those dates, named like the value column.
    With ``panel``, more value columns give a DataFrame (dates x columns). A polars Series
    carries no dates and is refused.
    """
    import polars as pl

    hint = "a polars DataFrame of a leading Date or Datetime column and one value column"
    if isinstance(x, pl.Series):
        raise TypeError(f"{name} is a polars Series, which carries no dates: give {hint}")
    if not isinstance(x, pl.DataFrame):
        raise TypeError(
            f"{name} must be {hint}, got polars {type(x).__name__} (collect a LazyFrame first)"
        )
    frame = to_pandas(x)
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError(f"{name} must be {hint}; its first column {x.columns[:1]} is not dates")
    if frame.shape[1] == 1:
        return frame.iloc[:, 0]
    if panel and frame.shape[1] > 1:
        return frame
    raise TypeError(f"{name} must be {hint}, got {frame.shape[1]} value columns")


def _dated_series(
    x: object, name: str, *, positive: bool = True, nonnegative: bool = False
) -> pd.Series:
    """A float Series on a strictly increasing DatetimeIndex, NaN rows dropped (private).

    Also used by :func:`divergence.cost.inputs` for its dated inputs. A polars input is read
    by :func:`_polars_dated`.
    """
    if is_polars(x):
        x = _polars_dated(x, name)
    if not isinstance(x, pd.Series):
        raise TypeError(f"{name} must be a pandas Series indexed by date, got {type(x).__name__}")
    if not isinstance(x.index, pd.DatetimeIndex):
        raise TypeError(f"{name} must have a DatetimeIndex, got {type(x.index).__name__}")
    values, meta = as_array(x, name, ndim=1, positive=positive, nonnegative=nonnegative)
    idx = x.index
    if idx.hasnans:
        raise InputError(f"{name} has a missing (NaT) date")
    dup = idx.duplicated()
    if dup.any():
        first = idx[int(np.argmax(dup))]
        raise InputError(f"{name} has duplicate dates; first {first.date()}")
    if not idx.is_monotonic_increasing:
        pos = int(np.argmax(np.diff(idx.asi8) < 0)) + 1
        raise InputError(
            f"{name} dates must be sorted in increasing order; {idx[pos]} (position {pos}) "
            f"comes after {idx[pos - 1]}"
        )
    keep = ~np.isnan(values)
    return pd.Series(values[keep], index=idx[keep], name=meta.label)


def chain_link(
    snapshots: pd.Series,
    daily: pd.Series,
    *,
    freq: str | None = None,
    carry: int = 0,
) -> Any:
    r"""Chain-link sparse snapshot values with a dense series of the same measure.

    A measure (e.g. :func:`concentration_coefficient`) is known exactly on a few snapshot
    dates (the actual members and their caps) and approximately every day from another panel
    (e.g. the implied caps of a fixed membership). The linked series equals the snapshot on
    each snapshot date and, between snapshots, moves with the daily series; no value uses
    data dated after it.

    Parameters
    ----------
    snapshots : Series
        The measure on its snapshot dates (DatetimeIndex, strictly increasing, no duplicate
        dates); strictly positive (a ratio-scale measure); NaN rows are ignored. In polars, a
        DataFrame of a leading Date or Datetime column and one value column (a polars Series
        has no dates and is refused).
    daily : Series
        The same measure on a dense calendar (usually trading days) from the other panel;
        same rules as ``snapshots``.
    freq : str, optional
        A pandas period alias (e.g. ``"MS"``): aggregate to that frequency, each period taking
        its **last** observation (linked value or snapshot), labelled as
        :meth:`pandas.Series.resample` labels it (``"MS"``: the first day of the month).
        None (default) returns the observations themselves.
    carry : int, default 0
        With ``freq``: a period without an observation repeats the previous period's value
        for at most ``carry`` periods, then is NaN (never filled backwards).

    Returns
    -------
    Series
        Named ``"chain_linked"``. Without ``freq``: one value per snapshot date and per daily
        date on or after the first snapshot that can be linked, sorted by date; with ``freq``:
        one value per period from the first to the last observation's. For polars input, a
        polars DataFrame of the dates (first column, named and typed like the inputs' date
        columns when they agree) and ``chain_linked``.

    Raises
    ------
    TypeError
        An input not a Series with a DatetimeIndex (nor a polars DataFrame of dates and one
        value column); ``freq`` not a string.
    InputError
        Unsorted or duplicate dates; non-positive, infinite or all-NaN values; an unknown
        ``freq``; ``carry`` < 0 or given without ``freq``; inputs with different time zones.
        Sort unsorted ``snapshots`` or ``daily`` with ``sort_index()`` and de-duplicate repeated
        dates first (rows are never reordered).

    Notes
    -----
    Let :math:`S_s` be the snapshot on date :math:`s`, :math:`D_t` the daily value on date
    :math:`t`, and :math:`\tau(s) = \max\{t : t \le s\}` the last daily date on or before
    :math:`s` (a snapshot before the first daily date cannot be linked and is used only as
    an observation). For a daily date :math:`t` whose latest linkable snapshot on or before it
    is :math:`s(t)`:

    .. math:: L_t = D_t \, \frac{S_{s(t)}}{D_{\tau(s(t))}}

    and :math:`L_s = S_s` on every snapshot date. Daily dates before the first linkable
    snapshot are dropped. After the last snapshot inside the daily range the last ratio stays
    in force until the daily series ends.

    **No look-ahead.** :math:`L_t` uses :math:`D_t`, one snapshot dated :math:`\le t` and a
    daily value dated :math:`\le` that snapshot: truncating both inputs after any date
    :math:`t` leaves every value dated :math:`\le t` unchanged. With ``freq`` a period's value
    is its last observation, known at the end of the period, and ``carry`` only fills
    forwards.

    This is the chain-linking of index numbers (each segment rescaled so that it joins the
    previous level at the link date). The ratio form needs a positive measure; a signed
    measure would be linked by differences instead, which this function does not do.

    **Complexity.** O((S + T) log(S + T)) for S snapshots and T daily dates (binary searches
    and one sort).

    References
    ----------
    .. [1] International Labour Office et al. (2004), *Consumer Price Index Manual: Theory
       and Practice*, Geneva: ILO (chain indices: linking overlapping series by their ratio
       at the link period).

    Examples
    --------
    >>> import pandas as pd
    >>> from divergence.concentration import chain_link
    >>> snaps = pd.Series([10.0, 12.0], index=pd.to_datetime(["2024-01-02", "2024-01-04"]))
    >>> daily = pd.Series([5.0, 5.0, 6.0, 8.0, 9.0],
    ...                   index=pd.date_range("2024-01-01", periods=5, freq="D"))
    >>> print(chain_link(snaps, daily).round(2).to_string())
    2024-01-02    10.0
    2024-01-03    12.0
    2024-01-04    12.0
    2024-01-05    13.5

    On 01-03 the ratio of the 01-02 snapshot (10 / 5 = 2) scales the daily 6; from 01-04 the
    new snapshot's ratio (12 / 8 = 1.5) scales the daily 9.
    """
    snap = _dated_series(snapshots, "snapshots")
    day = _dated_series(daily, "daily")
    d_idx, s_idx = pd.DatetimeIndex(day.index), pd.DatetimeIndex(snap.index)
    if s_idx.tz != d_idx.tz:
        raise InputError(
            f"snapshots and daily have different time zones ({s_idx.tz} and {d_idx.tz})"
        )
    n_carry = check_int(carry, "carry", minimum=0)
    if freq is None and n_carry:
        raise InputError("carry applies to periods; give freq (e.g. freq='MS') with it")
    if freq is not None and not isinstance(freq, str):
        raise TypeError(f"freq must be a pandas frequency string such as 'MS', got {freq!r}")

    # latest daily date on or before each snapshot; snapshots before the daily series start
    # (nothing to divide by) are not link points
    tau = d_idx.searchsorted(s_idx, side="right") - 1
    linkable = tau >= 0
    link_dates = s_idx[linkable]
    ratio = snap.to_numpy()[linkable] / day.to_numpy()[tau[linkable]]
    # for each daily date, the latest link point dated on or before it
    k = link_dates.searchsorted(d_idx, side="right") - 1
    has = k >= 0
    linked = pd.Series(day.to_numpy()[has] * ratio[k[has]], index=d_idx[has])
    linked = linked[~linked.index.isin(s_idx)]  # on a snapshot date the snapshot itself
    obs = pd.concat([linked, snap]).sort_index(kind="stable")
    obs.name = "chain_linked"
    if freq is None:
        return to_caller(obs, snapshots, daily)
    try:
        out: pd.Series = obs.resample(freq).last()
    except (ValueError, TypeError) as exc:
        raise InputError(f"freq={freq!r} is not a pandas frequency: {exc}") from None
    if n_carry:
        out = out.ffill(limit=min(n_carry, len(out)))
    out.name = "chain_linked"
    return to_caller(out, snapshots, daily)
