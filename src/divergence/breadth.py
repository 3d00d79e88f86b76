r"""Breadth: how much of the index's return comes from how many names.

``returns`` and ``market_caps`` are aligned 2-D panels (rows = periods, columns = assets). The
timing convention of the library applies throughout: ``market_caps[t]`` is the cap at the *end*
of period ``t`` and ``returns[t]`` the return *over* period ``t``, so the weight of name ``i``
in period ``t`` is its cap at ``t - 1``:

.. math:: w_{i,t} = \frac{m_{i,t-1}}{\sum_{j \in P_t} m_{j,t-1}}

where :math:`P_t` is the set of names with both a return at ``t`` and a cap at ``t - 1``
(missing returns drop out and the weights renormalise over the names present). The first period
has no start-of-period caps, so cap-weighted results are NaN there.

Returns are simple (not log) decimal returns per period and must be ``>= -1``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._numeric import row_count, row_median, row_sum, safe_divide
from divergence._typing import BoolArray, FloatArray, NanPolicy, PanelLike
from divergence._validation import (
    Meta,
    as_array,
    check_int,
    check_same_layout,
    check_simple_returns,
    nan_row_mask,
    to_caller,
    warn_units,
)
from divergence.errors import InputError

__all__ = [
    "breadth",
    "breadth_summary",
    "cap_change_breadth",
    "index_return",
    "return_contributions",
    "top_k_contribution_share",
    "weighting_gap",
]


class _Inputs:
    """Validated returns (and lagged caps) on one layout."""

    __slots__ = ("caps_lag", "meta", "nan_rows", "returns", "weights")

    def __init__(
        self,
        returns: object,
        market_caps: object | None,
        nan_policy: str,
        *,
        caps_required: bool = False,
        check_units: bool = True,
    ) -> None:
        if market_caps is None and caps_required:
            raise TypeError("market_caps is required, got None")
        r, meta = as_array(returns, "returns", ndim=2, time_ordered=True)
        check_simple_returns(r, meta)
        self.returns: FloatArray = r
        self.meta: Meta = meta
        rows = nan_row_mask(r, meta, nan_policy)
        self.caps_lag: FloatArray | None = None
        if market_caps is not None:
            m, mmeta = as_array(
                market_caps, "market_caps", ndim=2, nonnegative=True, time_ordered=True
            )
            check_same_layout(meta, mmeta)
            mrows = nan_row_mask(m, mmeta, nan_policy)
            lag = np.full_like(m, np.nan)
            lag[1:] = m[:-1]
            self.caps_lag = lag
            if mrows is not None:
                lagged_rows = np.zeros_like(mrows)
                lagged_rows[1:] = mrows[:-1]
                rows = lagged_rows if rows is None else rows | lagged_rows
        self.nan_rows: BoolArray | None = rows
        self.weights: FloatArray = self._weights()
        if check_units:  # after every check: a refused input does not warn first
            warn_units(r, "returns", "return")

    def _weights(self) -> FloatArray:
        """Start-of-period weights over the names present (NaN where absent)."""
        present = ~np.isnan(self.returns)
        if self.caps_lag is None:
            w = np.where(present, 1.0, np.nan)
        else:
            w = np.where(present & ~np.isnan(self.caps_lag), self.caps_lag, np.nan)
        total = row_sum(w)
        ok = (row_count(w) > 0) & (total > 0)
        return safe_divide(w, total[:, None], ok[:, None])

    def mask_rows(self, out: FloatArray) -> FloatArray:
        if self.nan_rows is None:
            return out
        if out.ndim == 1:
            return np.where(self.nan_rows, np.nan, out)
        return np.where(self.nan_rows[:, None], np.nan, out)

    def contributions(self) -> FloatArray:
        return self.weights * self.returns

    def index(self) -> FloatArray:
        c = self.contributions()
        return np.where(row_count(c) > 0, row_sum(c), np.nan)


def index_return(
    returns: PanelLike,
    market_caps: PanelLike | None = None,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Return of a cap-weighted (or equal-weighted) index built from its members.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple returns per period (decimal, ``>= -1``); rows = periods, columns = names;
        NaN = not a member / no return that period.
    market_caps : array_like or DataFrame, optional
        End-of-period market caps (any currency unit), same layout as ``returns``. If omitted
        the index is equal-weighted over the names present each period.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        ``"omit"``: absent names drop out and weights renormalise; ``"propagate"``: a period
        with any NaN return (or any NaN start-of-period cap) gives NaN; ``"raise"``: NaN raises.

    Returns
    -------
    ndarray or Series
        One return per period (decimal), on the index of ``returns``. Cap-weighted: NaN in the
        first period (no start-of-period caps).

    Raises
    ------
    InputError
        Non-2-D or empty input, returns below -1, negative caps, infinite values, layouts
        (shape, index or columns) that differ.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    .. math:: R_t = \sum_{i \in P_t} w_{i,t}\, r_{i,t}, \qquad
              w_{i,t} = \frac{m_{i,t-1}}{\sum_{j \in P_t} m_{j,t-1}}

    (equal weights :math:`1/|P_t|` without caps). Between rebalancing dates a buy-and-hold
    cap-weighted portfolio earns exactly this return when :math:`m` are its holdings' values.

    **Complexity.** O(T·N) time; O(T·N) extra memory (validated copies of returns and caps, the
    lagged caps and the weights: about five float64 panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology": market-capitalization
       weighted index return as the start-of-period-weighted average of member returns.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import index_return
    >>> caps = np.array([[300.0, 100.0], [330.0, 90.0]])
    >>> rets = np.array([[np.nan, np.nan], [0.10, -0.10]])
    >>> print(index_return(rets, caps).round(4))
    [  nan 0.05]
    >>> print(index_return(rets).round(4))
    [nan  0.]
    """
    inp = _Inputs(returns, market_caps, nan_policy)
    return inp.meta.wrap_rows(inp.mask_rows(inp.index()), name="index_return")


def weighting_gap(
    returns: PanelLike, market_caps: PanelLike, *, nan_policy: NanPolicy = "omit"
) -> Any:
    r"""Cap-weighted minus equal-weighted index return, per period.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`index_return`.

    Returns
    -------
    ndarray or Series
        One value per period (decimal return difference). Positive when the large names
        outperform the average name. NaN in the first period.

    Raises
    ------
    InputError
        As :func:`index_return`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input, or ``market_caps`` is None.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    Over the :math:`n` names present,

    .. math:: R^{cap}_t - R^{eq}_t = \sum_i \left(w_{i,t} - \tfrac{1}{n}\right) r_{i,t}
              = n \,\operatorname{Cov}_i(w_{i,t}, r_{i,t})

    with the population covariance across names: the gap is positive exactly when weight and
    return co-move across the cross-section. Both legs use the same set of names each period
    (those with a return and a start-of-period cap).

    **Complexity.** As :func:`index_return`: O(T·N) time, about five float64 panels of extra memory
    at peak; T = dates, N = assets.

    References
    ----------
    .. [1] Plyakha, Y., Uppal, R. & Vilkov, G. (2021), "Equal or value weighting? Implications
       for asset-pricing tests", in *Financial Risk Management and Modeling*, Springer.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import weighting_gap
    >>> caps = np.array([[300.0, 100.0], [330.0, 90.0]])
    >>> rets = np.array([[np.nan, np.nan], [0.10, -0.10]])
    >>> print(weighting_gap(rets, caps).round(4))
    [  nan 0.05]
    """
    inp = _Inputs(returns, market_caps, nan_policy, caps_required=True)
    cap = inp.index()
    # equal weights over the same names as the cap-weighted leg
    eligible = ~np.isnan(inp.weights)
    r_same = np.where(eligible, inp.returns, np.nan)
    n = row_count(r_same)
    eq = safe_divide(row_sum(r_same), n, n > 0)
    return inp.meta.wrap_rows(inp.mask_rows(cap - eq), name="weighting_gap")


def return_contributions(
    returns: PanelLike, market_caps: PanelLike, *, nan_policy: NanPolicy = "omit"
) -> Any:
    r"""Each name's contribution to the cap-weighted index return.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`index_return`.

    Returns
    -------
    ndarray or DataFrame
        Same layout as ``returns``: :math:`w_{i,t-1} r_{i,t}` (decimal return points); NaN
        where a name is absent. Each row sums (over non-NaN entries) to :func:`index_return`.

    Raises
    ------
    InputError
        As :func:`index_return`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input, or ``market_caps`` is None.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    .. math:: c_{i,t} = w_{i,t}\, r_{i,t}, \qquad \sum_i c_{i,t} = R_t

    **Complexity.** As :func:`index_return`: O(T·N) time, about five float64 panels of extra memory
    at peak (one of them the output); T = dates, N = assets.

    References
    ----------
    .. [1] Brinson, G. P. & Fachler, N. (1985), "Measuring non-US equity portfolio
       performance", Journal of Portfolio Management 11(3): contribution = weight x return.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import return_contributions
    >>> caps = np.array([[300.0, 100.0], [330.0, 90.0]])
    >>> rets = np.array([[np.nan, np.nan], [0.10, -0.10]])
    >>> print(return_contributions(rets, caps)[1].round(4))
    [ 0.075 -0.025]
    """
    inp = _Inputs(returns, market_caps, nan_policy, caps_required=True)
    return inp.meta.wrap_like(inp.mask_rows(inp.contributions()))


@renamed_arguments(removed_in="0.3", k="top_k")
def top_k_contribution_share(
    returns: PanelLike,
    market_caps: PanelLike,
    top_k: int = 10,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Fraction of each period's index return that comes from the ``top_k`` largest names.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``.
    top_k : int, default 10
        Number of largest names, ranked by their cap at the *start* of the period (>= 1).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`index_return`.

    Returns
    -------
    ndarray or Series
        One value per period (a ratio). It is not bounded: when the index return is small the
        share can be far above 1 or negative (the top names rose while the rest fell). NaN when
        the index return is exactly zero, and in the first period.

    Raises
    ------
    InputError
        ``k < 1``, or as :func:`index_return`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        ``top_k`` not an integer; non-numeric input; ``market_caps`` is None.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    .. math:: s_t = \frac{\sum_{i \in \mathrm{Top}_k(m_{\cdot,t-1})} w_{i,t} r_{i,t}}{R_t}

    Ranking uses the caps of the names present in the period; ties are broken arbitrarily
    (the share can differ only when tied names have different returns). Over several periods,
    prefer summing contributions before dividing (a ratio of sums), which is stable.

    **Complexity.** O(T·N) expected time: one partial sort of the weights per row
    (:func:`numpy.argpartition`), then an O(T·k) gather; O(T·N) extra memory (about six float64
    panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices (2023), "Concentration within the S&P 500": contribution of the
       largest names to index return.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import top_k_contribution_share
    >>> caps = np.array([[300.0, 100.0, 100.0], [330.0, 90.0, 100.0]])
    >>> rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.0]])

    Start weights 0.6/0.2/0.2 give contributions 0.06, -0.02 and 0, so the index returns 0.04
    and the largest name delivers 150% of it:

    >>> print(top_k_contribution_share(rets, caps, top_k=1).round(4))
    [nan 1.5]
    """
    kk = check_int(top_k, "top_k", minimum=1)
    inp = _Inputs(returns, market_caps, nan_policy, caps_required=True)
    contrib = inp.contributions()
    total = inp.index()
    if inp.caps_lag is None:  # pragma: no cover - market_caps is required by the signature
        raise InputError("market_caps is required")
    ranked = np.where(np.isnan(inp.weights), -np.inf, inp.weights)
    n_cols = ranked.shape[1]
    if kk >= n_cols:
        top = row_sum(contrib)
    else:
        idx = np.argpartition(-ranked, kk - 1, axis=1)[:, :kk]
        picked = np.take_along_axis(contrib, idx, axis=1)
        top = np.where(np.isnan(picked), 0.0, picked).sum(axis=1)
    ok = np.isfinite(total) & (total != 0)
    share = safe_divide(top, total, ok)
    return inp.meta.wrap_rows(inp.mask_rows(share), name="top_k_contribution_share")


def breadth(
    returns: PanelLike,
    market_caps: PanelLike | None = None,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Breadth of each period's move: how many names took part.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame, optional
        End-of-period caps, same layout. The index is cap-weighted if given, else
        equal-weighted.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`index_return`.

    Returns
    -------
    DataFrame
        One row per period (the index of ``returns``, or a RangeIndex for arrays) with columns

        * ``n``: names with a return (and a start-of-period cap when caps are given);
        * ``index_return``: the index return :math:`R_t`;
        * ``share_up``: fraction of those names with :math:`r_{i,t} > 0`;
        * ``share_beating_index``: fraction with :math:`r_{i,t} > R_t`;
        * ``median_minus_index``: median name's return minus :math:`R_t` (decimal).

    Raises
    ------
    InputError
        As :func:`index_return`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    A narrow rally has a positive index return, a low ``share_beating_index`` and a negative
    ``median_minus_index``: the typical stock lags the index that contains it.

    .. math:: \mathrm{up}_t = \frac{\#\{i: r_{i,t} > 0\}}{n_t}, \quad
              \mathrm{beat}_t = \frac{\#\{i: r_{i,t} > R_t\}}{n_t}, \quad
              \mathrm{gap}_t = \operatorname{median}_i r_{i,t} - R_t

    **Complexity.** O(T·N·log N) time: the median return sorts every row; the other columns are
    O(T·N). O(T·N) extra memory (about six float64 panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] Zweig, M. E. (1986), "Winning on Wall Street" (advance/decline breadth).

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import breadth
    >>> caps = np.array([[800.0, 100.0, 100.0], [880.0, 95.0, 95.0]])
    >>> rets = np.array([[np.nan] * 3, [0.10, -0.05, -0.05]])
    >>> print(breadth(rets, caps).iloc[1].round(3).to_string())
    n                      3.000
    index_return           0.070
    share_up               0.333
    share_beating_index    0.333
    median_minus_index    -0.120
    """
    inp = _Inputs(returns, market_caps, nan_policy)
    idx_ret = inp.index()
    eligible = ~np.isnan(inp.weights)
    r = np.where(eligible, inp.returns, np.nan)
    n = row_count(r)
    has = n > 0
    with np.errstate(invalid="ignore"):
        up = np.where(np.isnan(r), False, r > 0).sum(axis=1)
        beat = np.where(np.isnan(r), False, r > idx_ret[:, None]).sum(axis=1)
    cols = {
        "n": n,
        "index_return": idx_ret,
        "share_up": safe_divide(up.astype(np.float64), n, has),
        "share_beating_index": safe_divide(beat.astype(np.float64), n, has & ~np.isnan(idx_ret)),
        "median_minus_index": row_median(r) - idx_ret,
    }
    index = inp.meta.index if inp.meta.index is not None else pd.RangeIndex(len(n))
    out = pd.DataFrame({k: inp.mask_rows(v) for k, v in cols.items()}, index=index)
    if inp.nan_rows is not None:
        out.loc[inp.nan_rows, "n"] = np.nan
    return to_caller(out, inp.meta)


def _top_k_rows(ranked: FloatArray, values: FloatArray, k: int) -> FloatArray:
    """Per row, the sum of ``values`` over the ``k`` entries with the largest ``ranked``.

    ``ranked`` is ``-inf`` where a name is absent; absent (NaN) ``values`` add nothing.
    """
    if k >= ranked.shape[1]:
        return row_sum(values)
    idx = np.argpartition(-ranked, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(values, idx, axis=1)
    out: FloatArray = np.where(np.isnan(picked), 0.0, picked).sum(axis=1)
    return out


def _compound(r: FloatArray) -> float:
    """Compounded return over the finite periods of ``r`` (NaN periods carry nothing)."""
    ok = np.isfinite(r)
    if not ok.any():
        return float("nan")
    with np.errstate(over="ignore"):
        return float(np.prod(1.0 + r[ok]) - 1.0)


def breadth_summary(
    returns: PanelLike,
    market_caps: PanelLike,
    *,
    top_k: int = 10,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Whole-sample breadth statistics of a cap-weighted index and its members.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``.
    top_k : int, default 10
        Number of largest names (ranked each period by start-of-period cap among the names
        present) for ``top_k_contribution_share``; >= 1.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`index_return`.

    Returns
    -------
    Series
        Named ``"breadth_summary"``, with entries (decimal unless stated; for polars input a
        polars DataFrame with the columns ``index`` (the entry names) and ``breadth_summary``):

        * ``periods``: number of periods with a cap-weighted index return (a count);
        * ``cumulative_cap_weighted``: compounded cap-weighted index return;
        * ``cumulative_equal_weighted``: compounded equal-weighted return (every name with a
          return, as :func:`index_return` without caps);
        * ``cumulative_gap``: compounded :func:`weighting_gap`;
        * ``mean_gap``: mean per-period :func:`weighting_gap`;
        * ``share_gap_positive``: fraction of periods with a defined gap where it is > 0;
        * ``mean_share_up``, ``mean_share_beating_index``: means of the :func:`breadth`
          columns of the same names;
        * ``top_k_contribution_share``: the ``top_k`` largest names' summed contributions over
          all summed contributions (a ratio of sums, see :func:`top_k_contribution_share`).

        A compounded value is ``inf`` when the growth exceeds the float range (returns of
        order 1e100).

    Raises
    ------
    InputError
        ``k < 1``, or as :func:`index_return`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        ``top_k`` not an integer; non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    With :math:`R_t` the cap-weighted and :math:`E_t` the equal-weighted return, :math:`G_t`
    the gap and :math:`c_{i,t}` the contributions (periods with a NaN value are skipped):

    .. math::

        \mathrm{cum}(x) = \prod_t (1 + x_t) - 1, \qquad
        s_k = \frac{\sum_t \sum_{i \in \mathrm{Top}_k(m_{\cdot,t-1})} c_{i,t}}
                   {\sum_t \sum_i c_{i,t}}

    Means are arithmetic over the periods where the statistic is defined. The equal-weighted
    leg of ``cumulative_equal_weighted`` uses every name with a return, while the gap's legs
    share the names that also have a start-of-period cap (so ``cumulative_gap`` is not the
    difference of the two cumulative returns).

    **Complexity.** O(T·N) expected time (a few passes over the panel and one partial sort per
    row); O(T·N) extra memory (about six float64 panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology" (index return as the
       start-of-period-weighted average, compounded over periods).
    .. [2] Zweig, M. E. (1986), "Winning on Wall Street" (advance/decline breadth).

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import breadth_summary
    >>> caps = np.array([[300.0, 100.0], [330.0, 90.0], [363.0, 99.0]])
    >>> rets = np.array([[np.nan, np.nan], [0.10, -0.10], [0.10, 0.10]])
    >>> s = breadth_summary(rets, caps, top_k=1)
    >>> print(f"{s['cumulative_cap_weighted']:.4f} {s['cumulative_equal_weighted']:.4f}")
    0.1550 0.1000

    The largest name contributes 0.075 and 330/420 x 0.10 = 0.0786 of the index returns 0.05
    and 0.10, so its share of the summed return points is 0.1536 / 0.15:

    >>> print(f"{s['top_k_contribution_share']:.4f}")
    1.0238
    """
    kk = check_int(top_k, "top_k", minimum=1)
    inp = _Inputs(returns, market_caps, nan_policy, caps_required=True)
    eq_inp = _Inputs(returns, None, nan_policy, check_units=False)
    contrib = inp.mask_rows(inp.contributions())
    cap_r = inp.mask_rows(inp.index())
    eq_r = eq_inp.mask_rows(eq_inp.index())
    eligible = ~np.isnan(inp.weights)
    r_same = np.where(eligible, inp.returns, np.nan)
    n = row_count(r_same)
    has = n > 0
    eq_same = safe_divide(row_sum(r_same), n, has)
    gap = cap_r - eq_same
    with np.errstate(invalid="ignore"):
        up = np.where(np.isnan(r_same), False, r_same > 0).sum(axis=1).astype(np.float64)
        beat = np.where(np.isnan(r_same), False, r_same > cap_r[:, None]).sum(axis=1)
    share_up = inp.mask_rows(safe_divide(up, n, has))
    share_beat = inp.mask_rows(safe_divide(beat.astype(np.float64), n, has & ~np.isnan(cap_r)))
    ranked = np.where(np.isnan(inp.weights), -np.inf, inp.weights)
    top = _top_k_rows(ranked, contrib, kk)
    valid = np.isfinite(cap_r)
    total = float(cap_r[valid].sum())
    top_sum = float(top[valid].sum())
    g_ok = np.isfinite(gap)

    def _mean(x: FloatArray) -> float:
        ok = np.isfinite(x)
        return float(x[ok].mean()) if ok.any() else float("nan")

    values = {
        "periods": float(valid.sum()),
        "cumulative_cap_weighted": _compound(cap_r),
        "cumulative_equal_weighted": _compound(eq_r),
        "cumulative_gap": _compound(gap),
        "mean_gap": _mean(gap),
        "share_gap_positive": float((gap[g_ok] > 0).mean()) if g_ok.any() else float("nan"),
        "mean_share_up": _mean(share_up),
        "mean_share_beating_index": _mean(share_beat),
        "top_k_contribution_share": top_sum / total if total != 0 else float("nan"),
    }
    return to_caller(pd.Series(values, name="breadth_summary", dtype=np.float64), inp.meta)


def cap_change_breadth(
    market_caps: PanelLike,
    *,
    top_k: int = 10,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Breadth of the change in market capitalisation, from caps alone.

    For users who have market caps but no returns. A change in cap is **not** a return: it
    also moves with share issuance, buybacks, mergers and spin-offs. The columns below are
    therefore stated in cap changes; use :func:`breadth` and :func:`breadth_summary` when
    returns are available.

    Parameters
    ----------
    market_caps : array_like or DataFrame
        Market caps at the end of each period (any currency unit; rows = dates, columns =
        names; NaN = not a member).
    top_k : int, default 10
        Number of largest names, ranked by cap at the start of each period (>= 1).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        ``"omit"``: a period uses the names with a cap at both its start and its end;
        ``"propagate"``: a period with any NaN cap at either date gives NaN; ``"raise"``: NaN
        raises.

    Returns
    -------
    DataFrame
        One row per period (the index of ``market_caps``, or a RangeIndex for arrays) with
        columns

        * ``n``: names with a cap at both ends of the period (0 in the first period);
        * ``cap_growth``: growth of their total cap (decimal);
        * ``top_k_contribution``: the part of ``cap_growth`` from the ``top_k`` names largest at
          the start of the period (decimal points of total cap);
        * ``share_up``: fraction of the names whose cap rose.

        The first period is NaN (no start-of-period caps), as is a period whose starting
        total is 0; growth from a near-zero total beyond the float range is ``inf``.

    Raises
    ------
    InputError
        ``k < 1``; non-2-D or empty input; negative or infinite caps.
        ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()``
        or de-duplicate first (rows are never reordered).
    TypeError
        ``top_k`` not an integer; non-numeric input.

    Notes
    -----
    Over the set :math:`P_t` of names with caps at :math:`t-1` and :math:`t`,

    .. math::

        g_t = \frac{\sum_{i \in P_t} m_{i,t}}{\sum_{i \in P_t} m_{i,t-1}} - 1, \qquad
        g^{(k)}_t = \frac{\sum_{i \in \mathrm{Top}_k(m_{\cdot,t-1})} (m_{i,t} - m_{i,t-1})}
                         {\sum_{i \in P_t} m_{i,t-1}}, \qquad
        u_t = \frac{\#\{i \in P_t : m_{i,t} > m_{i,t-1}\}}{|P_t|}.

    :math:`g_t` equals the cap-weighted mean of the names' cap growth rates, so when shares
    outstanding do not change these are :func:`index_return`, the top-``top_k`` part of
    :func:`return_contributions` and ``share_up`` of :func:`breadth`. The whole-sample share of
    the ``top_k`` largest names is ``top_k_contribution.sum() / cap_growth.sum()``.

    **Complexity.** O(T·N) expected time (one partial sort per row, :func:`numpy.argpartition`);
    O(T·N) extra memory (about four float64 panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology" (the divisor adjusts the
       index for share changes, which a cap change does not).
    .. [2] Brinson, G. P. & Fachler, N. (1985), "Measuring non-US equity portfolio
       performance", Journal of Portfolio Management 11(3): contribution = weight x return.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.breadth import cap_change_breadth
    >>> caps = np.array([[300.0, 100.0, 100.0], [330.0, 90.0, 100.0]])
    >>> print(cap_change_breadth(caps, top_k=1).iloc[1].round(4).to_string())
    n                     3.0000
    cap_growth            0.0400
    top_k_contribution    0.0600
    share_up              0.3333
    """
    kk = check_int(top_k, "top_k", minimum=1)
    m, meta = as_array(market_caps, "market_caps", ndim=2, nonnegative=True, time_ordered=True)
    rows = nan_row_mask(m, meta, nan_policy)
    prev = np.full_like(m, np.nan)
    prev[1:] = m[:-1]
    both = ~np.isnan(m) & ~np.isnan(prev)
    change = np.where(both, m - prev, np.nan)
    base = np.where(both, prev, np.nan)
    n = row_count(change)
    start = row_sum(base)
    ok = (n > 0) & (start > 0)
    with np.errstate(over="ignore"):  # growth from a near-zero total can exceed float range
        growth = safe_divide(row_sum(change), start, ok)
        top = safe_divide(_top_k_rows(np.where(both, prev, -np.inf), change, kk), start, ok)
    up = np.where(both, m > prev, False).sum(axis=1).astype(np.float64)
    share_up = safe_divide(up, n, n > 0)
    if rows is not None:
        bad = rows.copy()
        bad[1:] |= rows[:-1]
        growth, top, share_up = (np.where(bad, np.nan, v) for v in (growth, top, share_up))
        n = np.where(bad, np.nan, n)
    index = meta.index if meta.index is not None else pd.RangeIndex(m.shape[0])
    out = pd.DataFrame(
        {"n": n, "cap_growth": growth, "top_k_contribution": top, "share_up": share_up},
        index=index,
    )
    return to_caller(out, meta)
