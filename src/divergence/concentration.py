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
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence._numeric import row_count, safe_divide
from divergence._typing import BoolArray, FloatArray, GroupsLike, NanPolicy, PanelLike
from divergence._validation import (
    as_array,
    check_bool,
    check_float,
    check_int,
    merge_groups,
    nan_row_mask,
)
from divergence.errors import InputError

__all__ = [
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


def _sorted_desc(values: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Each row sorted from largest to smallest, absent (NaN) entries moved to the end.

    Returns the zero-padded sorted array and the present count per row.
    """
    valid = ~np.isnan(values)
    # Sorting -x ascending puts the largest first; NaN sorts last in numpy.
    s = -np.sort(-values, axis=1)
    n = valid.sum(axis=1).astype(np.float64)
    return np.where(np.isnan(s), 0.0, s), n


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
    """Sum of the k largest entries of each row of a NaN-free, non-negative array."""
    filled = values
    n_cols = filled.shape[1]
    if k >= n_cols:
        full: FloatArray = filled.sum(axis=1)
        return full
    part = np.partition(filled, n_cols - k, axis=1)
    top: FloatArray = part[:, n_cols - k :].sum(axis=1)
    return top


def top_k_share(
    x: PanelLike,
    k: int = 10,
    *,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Share of the total held by the ``k`` largest names.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    k : int, default 10
        Number of largest names (>= 1). A row with fewer than ``k`` present names has share 1.
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
        ``k`` not an integer; non-numeric input.

    Notes
    -----
    .. math:: S_k = \frac{\sum_{i=1}^{k} x_{(i)}}{\sum_{i=1}^{n} x_{(i)}},
       \qquad x_{(1)} \ge x_{(2)} \ge \dots

    Ties do not change the sum.
    Also called the k-firm concentration ratio :math:`CR_k`.

    **Complexity.** O(T·N) expected time, whatever ``k``: one partial sort (introselect,
    :func:`numpy.partition`) per row instead of a full sort; O(T·N) extra memory (the NaN-filled
    copy and the partitioned copy); T = dates, N = assets.

    References
    ----------
    .. [1] U.S. Census Bureau, "Concentration ratios" (Economic Census methodology).

    Examples
    --------
    >>> from divergence.concentration import top_k_share
    >>> print(f"{top_k_share([50, 20, 20, 10], k=2):.2f}")
    0.70
    """
    kk = check_int(k, "k", minimum=1)
    p = _Panel(x, groups, nan_policy, copy=False)
    # NaN -> 0 (sizes are non-negative); row-major output makes the row partition fast
    filled = np.fmax(p.values, 0.0, order="C")
    total = filled.sum(axis=1)
    return p.finish(_safe_div(_top_k_sum(filled, kk), total, total > 0), "top_k_share")


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

    **Complexity.** O(T·N·log N) time: one full sort per row (the median position depends on each
    row's count of present names, so a single partial sort cannot serve every row); O(T·N) extra
    memory (the validated copy, the sorted panel and two temporaries of that size, plus O(T·k) for
    the top-tier sums); T = dates, N = assets.

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
    p = _Panel(x, groups, nan_policy)
    s, n = _sorted_desc(p.values)
    n_cols = s.shape[1]
    k_eff = np.minimum(n, float(kk))
    top = np.cumsum(s[:, : min(kk, n_cols)], axis=1)
    idx = (np.maximum(k_eff, 1.0) - 1.0).astype(np.intp)
    top_sum = np.take_along_axis(top, idx[:, None], axis=1)[:, 0]
    # median of the present entries: positions (n-1)//2 and n//2 in the sorted row
    lo = np.clip((n - 1.0) // 2.0, 0, n_cols - 1).astype(np.intp)
    hi = np.clip(n // 2.0, 0, n_cols - 1).astype(np.intp)
    med = 0.5 * (
        np.take_along_axis(s, lo[:, None], axis=1)[:, 0]
        + np.take_along_axis(s, hi[:, None], axis=1)[:, 0]
    )
    mean_top = _safe_div(top_sum, k_eff, k_eff > 0)
    ok = (n > 0) & (top_sum > 0)
    out = np.full(n.shape, np.nan)
    np.divide(mean_top, med, out=out, where=ok & (med > 0))
    out[ok & (med == 0)] = np.inf
    return p.finish(out, "concentration_coefficient")


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

    **Complexity.** O(T·N·log N) time (one sort per row); O(T·N) extra memory (the validated copy,
    the sorted panel and the rank coefficients); T = dates, N = assets.

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
    p = _Panel(x, groups, nan_policy)
    s, n = _sorted_desc(p.values)
    total, _, ok = _totals(p.values)
    # Descending position j (1-based) has ascending rank n + 1 - j, so its coefficient
    # 2 rank - n - 1 is n + 1 - 2j. The coefficients sum to zero, so subtracting the row
    # minimum changes nothing mathematically and makes equal sizes give exactly 0.
    j = np.arange(1, s.shape[1] + 1, dtype=np.float64)
    coef = np.where(j[None, :] <= n[:, None], n[:, None] + 1.0 - 2.0 * j[None, :], 0.0)
    last = np.clip(n - 1.0, 0, s.shape[1] - 1).astype(np.intp)
    row_min = np.take_along_axis(s, last[:, None], axis=1)
    weighted = np.einsum("ij,ij->i", coef, s - row_min)
    g = _safe_div(weighted, n * total, ok)
    if corr:
        g = _safe_div(g * n, n - 1.0, ok & (n > 1))
    return p.finish(g, "gini")


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

    **Complexity.** O(T·N·log N) time (one sort per row, then a matrix-vector product with the
    ranks); O(T·N) extra memory; T = dates, N = assets.

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
    p = _Panel(x, groups, nan_policy)
    s, _ = _sorted_desc(p.values)
    total, _, ok = _totals(p.values)
    ranks = np.arange(1, s.shape[1] + 1, dtype=np.float64)
    rank_sum = _safe_div(s @ ranks, total, ok)
    out = _safe_div(np.ones_like(rank_sum), 2.0 * rank_sum - 1.0, ok)
    return p.finish(out, "hall_tideman")


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

    **Complexity.** O(N·log N) time (one sort) and O(N) memory for N names.

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
    raw, meta = as_array(x, "x", ndim=1, nonnegative=True)
    merged, _ = merge_groups(raw, meta, groups)
    vals = np.sort(merged[~np.isnan(merged)])
    total = vals.sum()
    if total <= 0:
        raise InputError("x has no positive size; the Lorenz curve is undefined")
    n = vals.size
    pop = np.arange(n + 1, dtype=np.float64) / n
    cum = np.concatenate(([0.0], np.cumsum(vals) / total))
    cum[-1] = 1.0
    return pop, cum


# --------------------------------------------------------------------------- profile
def concentration_profile(
    x: PanelLike,
    *,
    k: int = 10,
    groups: GroupsLike | None = None,
    nan_policy: NanPolicy = "omit",
) -> pd.DataFrame:
    r"""All concentration measures of each cross-section in one table.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        Non-negative sizes; rows are dates, columns assets; NaN = absent.
    k : int, default 10
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
        ``hall_tideman`` and ``hill_1`` (exponential of Shannon entropy). ``attrs["k"]``
        records ``k``.

    Raises
    ------
    InputError
        ``k < 1``; negative or infinite sizes; empty or 3-D input.
    TypeError
        ``k`` not an integer; non-numeric input.

    Notes
    -----
    Each column is the function of the same name; see their formulas.

    **Complexity.** The sum of its parts: O(T·N·log N) time (three measures sort every row: the
    concentration coefficient, the Gini and the Hall–Tideman index; the others are O(T·N)); O(T·N)
    extra memory at any moment (each measure's temporaries are released before the next); T =
    dates, N = assets.

    References
    ----------
    .. [1] Hall, M. & Tideman, N. (1967), "Measures of concentration", JASA 62(317).

    Examples
    --------
    >>> from divergence.concentration import concentration_profile
    >>> prof = concentration_profile([[30, 30, 20, 20], [70, 10, 10, 10]], k=1)
    >>> print(prof[["hhi", "effective_n", "top_k_share"]].round(3).to_string())
       hhi  effective_n  top_k_share
    0  0.26        3.846          0.3
    1  0.52        1.923          0.7
    """
    kk = check_int(k, "k", minimum=1)
    raw, meta = as_array(x, "x", ndim=(1, 2), nonnegative=True)
    nan_row_mask(np.atleast_2d(raw), meta, nan_policy)  # validates the policy / raises
    merged, mmeta = merge_groups(raw, meta, groups)
    panel = np.atleast_2d(merged)
    if mmeta.kind == "frame":
        index: pd.Index = mmeta.index if mmeta.index is not None else pd.RangeIndex(len(panel))
        as_input: PanelLike = pd.DataFrame(panel, index=index, columns=mmeta.columns)
    else:
        index = pd.RangeIndex(panel.shape[0])
        as_input = panel
    kw: dict[str, Any] = {"nan_policy": nan_policy}
    cols: dict[str, Any] = {
        "n": (~np.isnan(panel)).sum(axis=1).astype(np.float64),
        "hhi": hhi(as_input, **kw),
        "hhi_normalized": hhi(as_input, normalized=True, **kw),
        "effective_n": effective_n(as_input, **kw),
        "top_k_share": top_k_share(as_input, kk, **kw),
        "concentration_coefficient": concentration_coefficient(as_input, top_k=kk, **kw),
        "gini": gini(as_input, **kw),
        "theil": theil(as_input, **kw),
        "hall_tideman": hall_tideman(as_input, **kw),
        "hill_1": hill_number(as_input, 1.0, **kw),
    }
    out = pd.DataFrame({c: np.asarray(v, dtype=np.float64) for c, v in cols.items()}, index=index)
    out.attrs["k"] = kk
    return out
