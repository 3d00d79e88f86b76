r"""Rotation: sector aggregation, mechanical vs fundamental rotation, return decomposition.

Four measurements turn claims about "rotation" into numbers that can be checked:

* **Sector aggregation.** :func:`sector_returns` and :func:`sector_weights` aggregate a
  constituent panel into cap-weighted sectors with the library's timing convention (the weight of
  a name in period ``t`` is its cap at ``t - 1``, exactly as in
  :func:`divergence.breadth.index_return`); :func:`relative_performance` compares them with the
  index, and :func:`sector_spread` summarises the cross-sector return spread per period.
* **Mechanical vs fundamental rotation.** :func:`rotation_diagnostic` regresses that spread, in
  a trailing window without look-ahead, on a dispersion-regime signal and on fundamental changes
  supplied by the user, and reports per period how much of the spread coincides with each.
* **Earnings vs multiples.** :func:`return_decomposition` splits a log price return exactly into
  earnings growth and the change of the price/earnings multiple (plus a dividend-yield term for
  the total return).
* **Size and style.** :func:`size_style_gaps` computes small-minus-large and value-minus-growth
  returns from a grid of size/book-to-market portfolios.

Returns are simple decimal returns per period (``>= -1``) unless a function says "log".
"""

from __future__ import annotations

import warnings
from collections.abc import Hashable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from divergence._numeric import row_count, row_sum, safe_divide
from divergence._typing import BoolArray, FloatArray, NanPolicy, PanelLike, SeriesLike
from divergence._validation import (
    NAN_POLICIES,
    Meta,
    as_array,
    check_bool,
    check_float,
    check_hashable_labels,
    check_int,
    check_option,
    check_same_layout,
    check_same_rows,
    check_simple_returns,
    check_window,
    fmt_label,
    is_polars,
    nan_row_mask,
    to_caller,
    warn_units,
)
from divergence._windows import window_moments
from divergence.breadth import index_return
from divergence.errors import InputError, UnitWarning

__all__ = [
    "FAMA_FRENCH_3X3",
    "dispersion_signal",
    "relative_performance",
    "return_decomposition",
    "rotation_diagnostic",
    "sector_returns",
    "sector_spread",
    "sector_weights",
    "size_style_gaps",
]

#: Column labels of the 3 x 3 Fama–French size/book-to-market grid bundled in
#: :func:`divergence.datasets.load_fama_french` (``"portfolios"``): ``S1`` small ... ``S5`` big,
#: ``V1`` growth (low B/M) ... ``V5`` value (high B/M).
FAMA_FRENCH_3X3: dict[str, tuple[str, ...]] = {
    "small": ("S1V1", "S1V3", "S1V5"),
    "large": ("S5V1", "S5V3", "S5V5"),
    "value": ("S1V5", "S3V5", "S5V5"),
    "growth": ("S1V1", "S3V1", "S5V1"),
}

UNMAPPED_LABEL = "unmapped"

SectorsLike = Mapping[Hashable, Hashable] | pd.Series | Sequence[Hashable] | np.ndarray


# --------------------------------------------------------------------------- helpers
def _column_labels(meta: Meta, n: int) -> pd.Index:
    if meta.columns is not None:
        return meta.columns
    return pd.RangeIndex(n)


def _sector_indicator(
    meta: Meta, n: int, sectors: object, unmapped: str
) -> tuple[FloatArray, list[Hashable]]:
    """Indicator matrix (names x sectors) and the sector labels (sorted when comparable)."""
    mode = check_option(unmapped, "unmapped", ("raise", "group", "drop"))
    cols = _column_labels(meta, n)
    if isinstance(sectors, Mapping | pd.Series):
        table = (
            sectors if isinstance(sectors, pd.Series) else pd.Series(dict(sectors), dtype=object)
        )
        if table.index.has_duplicates:
            dup = table.index[table.index.duplicated()][0]
            raise InputError(f"sectors lists {fmt_label(dup)} more than once")
        labels_s = table.reindex(cols)  # names not in the mapping -> NaN; extra keys ignored
    elif isinstance(sectors, str | bytes):
        raise TypeError("sectors must be a mapping, a Series or a sequence of labels, got a string")
    elif isinstance(sectors, Sequence | np.ndarray | pd.Index) or is_polars(sectors):
        labels_s = pd.Series(list(sectors), dtype=object)
        if len(labels_s) != n:
            raise InputError(
                f"sectors must give one label per column of returns ({n}), got {len(labels_s)}"
            )
    else:
        raise TypeError(
            "sectors must be a mapping, a Series or a sequence of labels, "
            f"got {type(sectors).__name__}"
        )
    check_hashable_labels(labels_s, "sectors")
    missing = labels_s.isna().to_numpy(dtype=bool)
    if missing.any():
        if mode == "raise":
            first = cols[int(np.argmax(missing))]
            shown = repr(first) if isinstance(first, str) else str(first)
            raise InputError(
                f"sectors has no sector for {int(missing.sum())} column(s) of returns; first "
                f"{shown}. Complete the mapping, or pass unmapped='group' (own group "
                f"{UNMAPPED_LABEL!r}) or unmapped='drop' (leave them out)."
            )
        if mode == "group":
            if (labels_s[~missing] == UNMAPPED_LABEL).any():
                # the library's own group would silently merge with the user's sector
                raise InputError(
                    f"sectors already uses the label {UNMAPPED_LABEL!r}, which "
                    f"unmapped='group' gives the names without a sector; rename that sector "
                    "or pass unmapped='drop'"
                )
            labels_s = labels_s.astype(object).where(~missing, UNMAPPED_LABEL)
        elif missing.all():
            raise InputError("sectors maps no column of returns to a sector")
    # missing labels get code -1 (left out: only reachable under unmapped="drop")
    try:
        codes, uniques = pd.factorize(labels_s, sort=True)
    except TypeError:  # labels of mixed, incomparable types: keep first-appearance order
        codes, uniques = pd.factorize(labels_s, sort=False)
    codes = np.asarray(codes, dtype=np.intp)
    ind = np.zeros((n, len(uniques)), dtype=np.float64)
    rows = np.flatnonzero(codes >= 0)
    ind[rows, codes[rows]] = 1.0
    return ind, list(uniques)


def _sector_sums(
    returns: object, market_caps: object, sectors: object, unmapped: str, nan_policy: str
) -> tuple[FloatArray, FloatArray, BoolArray, Meta, list[Hashable]]:
    """Per-sector sums of cap x return and of caps (start-of-period), and the NaN mask.

    Same timing and presence rule as :func:`divergence.breadth.index_return`; a large panel
    costs a handful of passes plus two matrix products with the (names x sectors) indicator.
    """
    policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
    # order="K": element-wise work and matrix products do not need row-major copies
    r, meta = as_array(returns, "returns", ndim=2, order="K", time_ordered=True)
    m, mmeta = as_array(
        market_caps, "market_caps", ndim=2, nonnegative=True, order="K", time_ordered=True
    )
    check_same_layout(meta, mmeta)
    check_simple_returns(r, meta)
    if policy == "raise":
        nan_row_mask(r, meta, "raise")
        nan_row_mask(m, mmeta, "raise")
    t_len, n = r.shape
    ind, labels = _sector_indicator(meta, n, sectors, unmapped)
    n_sec = ind.shape[1]
    warn_units(r, "returns", "return")
    num = np.zeros((t_len, n_sec))
    den = np.zeros((t_len, n_sec))
    bad = np.ones((t_len, n_sec), dtype=bool)  # the first period has no start-of-period caps
    if t_len > 1:
        # In place on the private copies made by as_array (no further panel-sized arrays):
        # return over t (r1) and cap at t - 1 (m0), as views.
        r1, m0 = r[1:], m[:-1]
        r_missing = np.isnan(r1)
        if policy == "propagate":
            absent = r_missing | np.isnan(m0)
        np.fmax(m0, 0.0, out=m0)  # missing cap -> 0 (caps are >= 0, so nothing else moves)
        np.multiply(m0, ~r_missing, out=m0)  # no return -> weight 0
        np.fmax(r1, -2.0, out=r1)  # missing return -> -2 (returns are >= -1), times weight 0
        np.multiply(r1, m0, out=r1)
        num[1:] = r1 @ ind
        den[1:] = m0 @ ind
        bad[1:] = ~(den[1:] > 0)  # no name present, or all present caps are zero
        if policy == "propagate":
            bad[1:] |= (absent @ ind) > 0
    return num, den, bad, meta, labels


def _absent_rows(returns: object, market_caps: object) -> BoolArray:
    """Rows t >= 1 with a missing return at t or a missing start-of-period cap (row t - 1)."""
    r, _ = as_array(returns, "returns", ndim=2, copy=False)
    m, _ = as_array(market_caps, "market_caps", ndim=2, copy=False)
    out: BoolArray = np.asarray((np.isnan(r[1:]) | np.isnan(m[:-1])).any(axis=1))
    return out


def _positions(meta: Meta, n: int, labels: object, name: str) -> np.ndarray:
    """Column positions of ``labels`` (column labels for a DataFrame, integers for an array)."""
    if labels is None:
        raise InputError(f"{name} is required")
    if isinstance(labels, str | bytes) or not isinstance(labels, Sequence | np.ndarray | pd.Index):
        raise TypeError(
            f"{name} must be a sequence (list, tuple, Index) of column labels, "
            f"got {type(labels).__name__}"
        )
    wanted = check_hashable_labels(labels, name)
    if not wanted:
        raise InputError(f"{name} must name at least one column")
    if meta.columns is not None:
        pos = meta.columns.get_indexer(pd.Index(wanted, tupleize_cols=False))
        if (pos < 0).any():
            first = wanted[int(np.argmax(pos < 0))]
            shown = repr(first) if isinstance(first, str) else str(first)
            raise InputError(f"{name} names {shown}, which is not a column of {meta.name}")
        return pos.astype(np.intp)
    out = []
    for lab in wanted:
        if isinstance(lab, bool | np.bool_) or not isinstance(lab, int | np.integer):
            raise TypeError(f"{name} must hold integer column positions for an array input")
        if not 0 <= int(lab) < n:
            raise InputError(f"{name} position {int(lab)} is outside 0..{n - 1}")
        out.append(int(lab))
    return np.asarray(out, dtype=np.intp)


def _compound_skip(g: FloatArray) -> FloatArray:
    """Compounded return from the first period; NaN periods carry nothing (and are NaN)."""
    valid = ~np.isnan(g)
    growth = np.cumprod(np.where(valid, 1.0 + np.where(valid, g, 0.0), 1.0), axis=0)
    return np.where(valid, growth - 1.0, np.nan)


def _rolling_compound(g: FloatArray, window: int) -> FloatArray:
    """Trailing ``window``-period compounded return (NaN if any period in the window is NaN)."""
    out = np.full(g.shape, np.nan)
    if window > g.shape[0]:  # pragma: no cover - checked by callers
        return out
    view = np.lib.stride_tricks.sliding_window_view(1.0 + g, window, axis=0)
    out[window - 1 :] = view.prod(axis=-1) - 1.0
    return out


def _rolling_sum(x: FloatArray, window: int) -> FloatArray:
    """Trailing ``window``-period sum of a 1-D series (NaN if any value in the window is NaN)."""
    out = np.full(x.shape, np.nan)
    view = np.lib.stride_tricks.sliding_window_view(x, window)
    out[window - 1 :] = view.sum(axis=-1)
    return out


def _frame_index(meta: Meta, n: int) -> pd.Index:
    return meta.index if meta.index is not None else pd.RangeIndex(n)


# --------------------------------------------------------------------------- sectors
def sector_returns(
    returns: PanelLike,
    market_caps: PanelLike,
    sectors: SectorsLike,
    *,
    unmapped: Literal["raise", "group", "drop"] = "raise",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Cap-weighted return of each sector, from its constituents.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple returns per period (decimal, ``>= -1``); rows = periods, columns = names;
        NaN = not a member / no return that period.
    market_caps : array_like or DataFrame
        End-of-period market caps (any currency unit), same layout as ``returns``.
    sectors : mapping, Series or sequence
        Sector of each name. A mapping or Series is keyed by column label (integer position for
        an array input); labels it holds for names that are not columns are ignored, so a whole
        constituents table can be passed for a subset panel. A sequence gives one sector per
        column, in order. For the bundled 2013–2018 prices use the GICS sectors of the
        2018-02-08 snapshot in ``load_sp500_market_caps(long=True, merge_share_classes=False)``
        (every member has one); ``load_sp500_constituents()["sector"]`` is today's list and
        misses the names that left since.
    unmapped : {"raise", "group", "drop"}, default "raise"
        What to do with names without a sector (absent from the mapping, or NaN/None):
        ``"raise"`` an :class:`~divergence.errors.InputError` naming the first; ``"group"`` them
        in their own sector labelled ``"unmapped"`` (refused with an ``InputError`` if a sector
        of ``sectors`` is already called so: the two would merge); ``"drop"`` them from every
        sector.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        ``"omit"``: absent names drop out and weights renormalise within the sector;
        ``"propagate"``: a sector is NaN in a period where any of its names lacks a return or a
        start-of-period cap; ``"raise"``: NaN anywhere raises.

    Returns
    -------
    ndarray or DataFrame
        Rows = periods, one column per sector (labels sorted when they are mutually comparable,
        else in order of first appearance). Decimal returns; NaN in the first period (no
        start-of-period caps) and where a sector has no name present.

    Raises
    ------
    InputError
        Layout mismatch, returns below -1, negative caps, infinite values, names without a
        sector under ``unmapped="raise"``, a ``sectors`` sequence of the wrong length.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input; ``sectors`` not a mapping, Series or sequence.

    See Also
    --------
    sector_weights : the sectors' start-of-period weights in the index.
    divergence.breadth.index_return : the same weighting over all names.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    With :math:`P_t` the names present in period :math:`t` (a return at :math:`t` and a cap at
    :math:`t-1`) and :math:`S` a sector,

    .. math:: R_{S,t} = \frac{\sum_{i \in S \cap P_t} m_{i,t-1}\, r_{i,t}}
              {\sum_{i \in S \cap P_t} m_{i,t-1}}

    so that :math:`\sum_S W_{S,t} R_{S,t} = R_t`, the index return, with :math:`W_{S,t}` from
    :func:`sector_weights`. The group sums are one matrix product of the panel with a sparse
    (names x sectors) indicator: no loop over sectors or dates.

    **Complexity.** O(T·N·G) time for two matrix products with the N×G sector indicator (G = number
    of sectors; BLAS, so for G ≈ 11 close to the cost of the O(T·N) element-wise passes); O(T·N)
    extra memory: the validated copies of returns and caps, updated in place (no further
    panel-sized array), plus O(N·G + T·G) for the indicator and the output. T = dates, N = assets.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology" (sector indices are
       cap-weighted sub-indices of their parent).
    .. [2] MSCI & S&P, "Global Industry Classification Standard (GICS) Methodology".

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.rotation import sector_returns
    >>> caps = np.array([[300.0, 100.0, 50.0], [330.0, 90.0, 55.0]])
    >>> rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.10]])
    >>> print(sector_returns(rets, caps, ["Tech", "Tech", "Utilities"]).round(4))
    [[   nan    nan]
     [0.05   0.1   ]]
    """
    num, den, bad, meta, labels = _sector_sums(returns, market_caps, sectors, unmapped, nan_policy)
    out = safe_divide(num, den, ~bad)
    return meta.wrap_panel(out, labels)


def sector_weights(
    returns: PanelLike,
    market_caps: PanelLike,
    sectors: SectorsLike,
    *,
    unmapped: Literal["raise", "group", "drop"] = "raise",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Start-of-period weight of each sector among the names present.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns (rows = periods, columns = names; NaN = absent). They decide
        which names are present in each period, as in :func:`sector_returns`.
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``.
    sectors : mapping, Series or sequence
        Sector of each name; see :func:`sector_returns`.
    unmapped : {"raise", "group", "drop"}, default "raise"
        See :func:`sector_returns`. Under ``"drop"`` the weights renormalise over the names
        that have a sector.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        See :func:`sector_returns`; under ``"propagate"`` a missing return or start-of-period
        cap makes the whole row NaN (every weight divides by the total cap, then unknown).

    Returns
    -------
    ndarray or DataFrame
        Rows = periods, one column per sector (same order as :func:`sector_returns`); each row
        sums to 1 over its non-NaN entries. NaN in the first period.

    Raises
    ------
    InputError
        As :func:`sector_returns`.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        As :func:`sector_returns`.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    .. math:: W_{S,t} = \frac{\sum_{i \in S \cap P_t} m_{i,t-1}}{\sum_{j \in P_t} m_{j,t-1}},
              \qquad \sum_S W_{S,t} R_{S,t} = R_t

    **Complexity.** As :func:`sector_returns`: O(T·N·G) time (two BLAS products with the N×G sector
    indicator), O(T·N) extra memory (the two validated copies); T = dates, N = assets, G = sectors.

    References
    ----------
    .. [1] S&P Dow Jones Indices, "Index Mathematics Methodology".

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.rotation import sector_weights
    >>> caps = np.array([[300.0, 100.0, 100.0], [330.0, 90.0, 110.0]])
    >>> rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.10]])
    >>> print(sector_weights(rets, caps, ["Tech", "Tech", "Utilities"])[1].round(4))
    [0.8 0.2]
    """
    _num, den, bad, meta, labels = _sector_sums(returns, market_caps, sectors, unmapped, nan_policy)
    if nan_policy == "propagate":
        # every weight divides by the total cap, which a missing return or cap leaves unknown
        bad[1:] |= _absent_rows(returns, market_caps)[:, None]
    total = np.where(bad, 0.0, den).sum(axis=1)
    out = safe_divide(den, total[:, None], ~bad & (total[:, None] > 0))
    return meta.wrap_panel(out, labels)


def relative_performance(
    returns: PanelLike, benchmark: SeriesLike, *, cumulative: bool = False
) -> Any:
    r"""Return of each column relative to a benchmark (e.g. sectors against the index).

    Parameters
    ----------
    returns : array_like, Series or DataFrame
        Simple decimal returns per period (``>= -1``): one series, or a panel with one column
        per sector/portfolio.
    benchmark : array_like or Series
        Simple decimal benchmark returns per period (``>= -1``, ``> -1`` when ``cumulative``),
        one per row of ``returns`` (same index when both are pandas).
    cumulative : bool, default False
        ``False``: per-period difference :math:`r_t - b_t`. ``True``: relative wealth
        :math:`\prod_u (1 + r_u) / \prod_u (1 + b_u) - 1` from the first period to ``t``.

    Returns
    -------
    ndarray, Series or DataFrame
        Same layout as ``returns`` (decimal). NaN where either return is NaN; under
        ``cumulative=True`` such periods are skipped in the compounding (they carry nothing).

    Raises
    ------
    InputError
        Returns below -1 (or a benchmark of -1 with ``cumulative``), row counts or indexes that
        differ, infinite values, cumulative wealth beyond float range.
        ``returns`` or ``benchmark`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or non-boolean ``cumulative``.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` or ``benchmark`` is above 0.5 (a 50% return per
        period): the values look like percent returns, or prices (every value positive). The
        result is unchanged.

    Notes
    -----
    .. math:: \text{per period: } r_t - b_t, \qquad
              \text{cumulative: } \exp\Big(\sum_{u \le t} [\ln(1 + r_u) - \ln(1 + b_u)]\Big) - 1

    The cumulative form is the return of holding the sector financed by a short position in
    the benchmark that is reset to the sector's value each period (a ratio of wealth indices);
    it is not the sum of the per-period differences.

    **Complexity.** O(T·N) time and O(T·N) extra memory (the validated copy and the log-return
    steps); T = dates, N = columns.

    References
    ----------
    .. [1] Bacon, C. R. (2008), *Practical Portfolio Performance Measurement and Attribution*,
       2nd ed., Wiley, ch. 4 (arithmetic and geometric excess return).

    Examples
    --------
    >>> from divergence.rotation import relative_performance
    >>> print(relative_performance([0.10, 0.10], [0.0, 0.10]).round(4))
    [0.1 0. ]
    >>> print(relative_performance([0.10, 0.10], [0.0, 0.10], cumulative=True).round(4))
    [0.1 0.1]
    """
    cum = check_bool(cumulative, "cumulative")
    r, meta = as_array(returns, "returns", ndim=(1, 2), time_ordered=True)
    b, bmeta = as_array(benchmark, "benchmark", ndim=1, time_ordered=True)
    check_same_rows(meta, bmeta)
    for arr, m in ((r, meta), (b, bmeta)):
        below = arr < -1.0
        if below.any():
            raise InputError(
                f"{m.name} has {int(below.sum())} value(s) below -1; first {m.locate(below)}. "
                "Pass simple decimal returns."
            )
    warn_units(r, "returns", "return")
    warn_units(b, "benchmark", "return")
    bb = b if r.ndim == 1 else b[:, None]
    if not cum:
        return meta.wrap_like(r - bb)
    at_minus_one = b == -1.0
    if at_minus_one.any():
        raise InputError(
            f"benchmark is -1 (a total loss) {bmeta.locate(at_minus_one)}; relative wealth is "
            "undefined after it"
        )
    valid = ~np.isnan(r) & ~np.isnan(bb)
    with np.errstate(divide="ignore"):
        step = np.where(
            valid, np.log1p(np.where(valid, r, 0.0)) - np.log1p(np.where(valid, bb, 0.0)), 0.0
        )
    with np.errstate(over="ignore"):
        out = np.where(valid, np.expm1(np.cumsum(step, axis=0)), np.nan)
    beyond = np.isinf(out)
    if beyond.any():
        raise InputError(
            f"returns compound to relative wealth beyond float range (above 1e308) in "
            f"{int(beyond.sum())} value(s); first {meta.locate(beyond)}. Check the units."
        )
    return meta.wrap_like(out)


def sector_spread(
    sector_returns: PanelLike,
    weights: PanelLike | None = None,
    *,
    method: Literal["std", "long_short"] = "std",
    long: Sequence[Hashable] | None = None,
    short: Sequence[Hashable] | None = None,
) -> Any:
    r"""Cross-sector return spread per period.

    Parameters
    ----------
    sector_returns : array_like or DataFrame
        Simple decimal returns, rows = periods, columns = sectors (e.g. from
        :func:`sector_returns`). NaN = sector not available that period (left out).
    weights : array_like or DataFrame, optional
        Start-of-period sector weights, same layout (e.g. from :func:`sector_weights`). If
        omitted, sectors count equally.
    method : {"std", "long_short"}, default "std"
        ``"std"``: weighted cross-sectional standard deviation of the sector returns (a
        magnitude, >= 0). ``"long_short"``: average return of the ``long`` sectors minus that
        of the ``short`` sectors (signed; e.g. defensive minus cyclical).
    long, short : sequence of labels, optional
        Column labels (integer positions for an array) of the two legs; required with, and
        only with, ``method="long_short"``. Within a leg the sectors are weighted by
        ``weights`` (renormalised) or equally.

    Returns
    -------
    ndarray or Series
        One value per period (decimal). ``"std"`` is NaN with fewer than two sectors present;
        ``"long_short"`` is NaN when a leg has no sector present.

    Raises
    ------
    InputError
        Layout mismatch, negative weights, returns below -1, unknown labels in ``long`` or
        ``short``, legs given with ``method="std"`` or missing with ``"long_short"``.
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``sector_returns`` is above 0.5 (a 50% return per period):
        the values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    With weights :math:`W_{S,t}` renormalised over the sectors present,

    .. math:: \sigma_t = \sqrt{\sum_S W_{S,t} (R_{S,t} - \bar R_t)^2}, \qquad
              \bar R_t = \sum_S W_{S,t} R_{S,t}

    (with cap weights :math:`\bar R_t` is the index return), and
    :math:`L_t = \overline{R}_{\text{long},t} - \overline{R}_{\text{short},t}`.

    **Complexity.** O(T·G) time and memory for T dates and G sectors (columns).

    References
    ----------
    .. [1] Ankrim, E. M. & Ding, Z. (2002), "Cross-sectional volatility and return dispersion",
       Financial Analysts Journal 58(5), 67–73.

    Examples
    --------
    >>> from divergence.rotation import sector_spread
    >>> print(f"{sector_spread([[0.02, -0.02]])[0]:.4f}")
    0.0200
    >>> ls = sector_spread([[0.02, -0.01, 0.0]], method="long_short", long=[0], short=[1, 2])
    >>> print(f"{ls[0]:.4f}")
    0.0250
    """
    how = check_option(method, "method", ("std", "long_short"))
    r, meta = as_array(sector_returns, "sector_returns", ndim=2)
    below = r < -1.0
    if below.any():
        raise InputError(
            f"sector_returns has {int(below.sum())} value(s) below -1; first {meta.locate(below)}"
        )
    if weights is None:
        w = np.where(np.isnan(r), np.nan, 1.0)
    else:
        w, wmeta = as_array(weights, "weights", ndim=2, nonnegative=True)
        check_same_layout(meta, wmeta)
        w = np.where(np.isnan(r), np.nan, w)
    warn_units(r, "sector_returns", "return")
    n = r.shape[1]
    if how == "std":
        if long is not None or short is not None:
            raise InputError("long and short are only used with method='long_short'")
        wr = np.where(np.isnan(w), np.nan, r)
        tot = row_sum(w)
        ok = (row_count(wr) >= 2) & (tot > 0)
        wn = safe_divide(w, tot[:, None], ok[:, None])
        mean = row_sum(wn * wr)
        var = row_sum(wn * (wr - mean[:, None]) ** 2)
        out = np.where(ok, np.sqrt(np.maximum(var, 0.0)), np.nan)
        return meta.wrap_rows(out, name="sector_spread")
    if long is None or short is None:
        raise InputError("method='long_short' needs both long and short")
    legs = []
    for labels, name in ((long, "long"), (short, "short")):
        pos = _positions(meta, n, labels, name)
        lw, lr = w[:, pos], r[:, pos]
        tot = row_sum(lw)
        ok = (row_count(lw) > 0) & (tot > 0)
        legs.append(safe_divide(row_sum(lw * lr), tot, ok))
    return meta.wrap_rows(legs[0] - legs[1], name="sector_spread")


# --------------------------------------------------------------------------- diagnostic
def _series_inputs(
    spread: object, dispersion_signal: object, fundamentals: object
) -> tuple[FloatArray, FloatArray, Meta, list[str]]:
    y, ymeta = as_array(spread, "spread", ndim=1, min_size=3, time_ordered=True)
    d, dmeta = as_array(dispersion_signal, "dispersion_signal", ndim=1, time_ordered=True)
    check_same_rows(ymeta, dmeta)
    cols = [d[:, None]]
    names: list[str] = []
    if fundamentals is not None:
        f, fmeta = as_array(fundamentals, "fundamentals", ndim=(1, 2), time_ordered=True)
        check_same_rows(ymeta, fmeta)
        if f.ndim == 1:
            label = fmeta.label if fmeta.label is not None else "fundamental"
            names = [str(label)]
            f = f[:, None]
        elif fmeta.columns is not None:
            names = [str(c) for c in fmeta.columns]
        else:
            names = [f"fundamental_{k}" for k in range(f.shape[1])]
        if len(set(names)) != len(names) or "dispersion" in names:
            raise InputError(
                "fundamentals must have distinct column names, none of them 'dispersion'"
            )
        cols.append(f)
    return y, np.hstack(cols), ymeta, names


def rotation_diagnostic(
    spread: SeriesLike,
    dispersion_signal: SeriesLike,
    fundamentals: PanelLike | None = None,
    *,
    dispersion_when: Literal["high", "low"] = "high",
    window: int | None = None,
    min_periods: int | None = None,
) -> Any:
    r"""How much of the cross-sector spread coincides with a dispersion regime vs fundamentals.

    For each period ``t`` the spread is regressed, by least squares with an intercept, on the
    dispersion-regime signal and the fundamental changes over a trailing window that ends at
    ``t`` (no later data is used). Period ``t``'s deviation of the spread from its window mean
    is then split into the part fitted by the dispersion signal (the "mechanical" part), the
    parts fitted by each fundamental series, and a residual.

    Parameters
    ----------
    spread : array_like or Series
        Cross-sector return spread per period (decimal), e.g. from :func:`sector_spread`
        (a magnitude with ``method="std"``, a signed defensive-minus-cyclical return with
        ``"long_short"``).
    dispersion_signal : array_like or Series
        Dispersion-regime signal per period, known at ``t`` (lag it if it is built from data
        of period ``t`` itself and you want "regime at the start of the period"). Examples:
        cap-weighted average single-stock volatility minus index volatility (high =
        dispersion regime) or realised average pairwise correlation (low = dispersion regime).
    fundamentals : array_like, Series or DataFrame, optional
        One or more fundamental change series, one row per period (e.g. change in the 10-year
        yield in decimal, earnings-revision breadth). Give magnitudes (``abs``) when ``spread``
        is a magnitude. Column names (or the Series name) label the output columns.
    dispersion_when : {"high", "low"}, default "high"
        Orientation of ``dispersion_signal``: whether *high* or *low* values mark a dispersion
        regime. The signal is multiplied by -1 for ``"low"``. This only changes the sign of
        ``beta_dispersion`` and the ``regime`` flag; contributions and shares are unchanged.
    window : int, optional
        Rolling window length in periods (rows, including rows skipped for NaN). ``None``
        (default) uses an expanding window from the first row.
    min_periods : int, optional
        Minimum number of complete rows in the window for a result; default ``window`` for a
        rolling window and 60 (or the data length, if shorter) for an expanding one. At least
        the number of regressors + 2.

    Returns
    -------
    DataFrame
        Index of ``spread`` (a RangeIndex for arrays). Columns, with :math:`k` running over
        ``dispersion`` and the fundamental names:

        * ``spread``; ``mean`` (window mean :math:`\bar y_t`);
        * ``contribution_<k>``: fitted part :math:`\hat\beta_{k,t}(x_{k,t} - \bar x_{k,t})`
          (spread units); ``residual``: the rest, so that
          ``spread = mean + sum(contribution_*) + residual`` exactly (to rounding);
        * ``share_dispersion``, ``share_fundamental``, ``share_residual``: per-period shares of
          the absolute deviation, :math:`|c_{k,t}| / (\sum_j |c_{j,t}| + |e_t|)` (fundamentals
          summed), adding up to 1;
        * ``r2``, ``r2_dispersion``, ``r2_fundamental``: window :math:`R^2` and its split into
          regressor shares (Pratt's product measure :math:`\hat\beta_k \operatorname{cov}(x_k,
          y)/\operatorname{var}(y)`, summing to ``r2``; a share can be negative when regressors
          are correlated);
        * ``beta_<k>``: standardised coefficients (change of the spread for a one-standard-
          deviation move of the regressor within the window, spread units);
        * ``regime``: 1.0 when the oriented dispersion signal is above its window mean, else 0.0;
        * ``n_obs``: complete rows in the window.

        Rows before ``min_periods`` complete rows, rows with a NaN input, and windows where a
        regressor is constant (or regressors are collinear) are NaN (``n_obs`` is kept).

    Raises
    ------
    InputError
        Non-1-D ``spread`` or ``dispersion_signal``, lengths or indexes that differ, infinite
        values, ``window`` longer than the data, ``min_periods`` too small or too large,
        duplicate fundamental names.
        ``spread``, ``dispersion_signal`` or ``fundamentals`` with unsorted, duplicate or missing
        (NaT) dates: sort with ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input, non-integer ``window`` or ``min_periods``.

    Notes
    -----
    In the window :math:`\mathcal W_t` (complete rows among the last ``window`` rows up to
    :math:`t`, or all rows up to :math:`t`), with :math:`x_{u} = (s\,d_u, f_{1,u}, \dots)`,
    :math:`s = \pm 1` the orientation,

    .. math::

       \hat\beta_t = S_{xx,t}^{-1} S_{xy,t}, \quad
       S_{xx,t} = \sum_{u \in \mathcal W_t} (x_u - \bar x_t)(x_u - \bar x_t)^\top, \quad
       S_{xy,t} = \sum_{u \in \mathcal W_t} (x_u - \bar x_t)(y_u - \bar y_t)

    .. math::

       y_t = \bar y_t + \sum_k \hat\beta_{k,t}(x_{k,t} - \bar x_{k,t}) + e_t, \qquad
       R^2_t = \frac{\hat\beta_t^\top S_{xy,t}}{S_{yy,t}} = \sum_k
       \frac{\hat\beta_{k,t} S_{xy,k,t}}{S_{yy,t}}

    The window sums are built from cumulative sums over time restarted every ``window`` rows
    (each taken around a value inside the window and combined by the pairwise update of Chan,
    Golub and LeVeque), so the whole series costs one pass plus a batched :math:`k \times k`
    solve per period, and the value at :math:`t` is computed from the window's rows alone: a
    huge value before the window does not perturb it, and a regressor constant in the window
    (judged against its own values there) is detected as such whatever came before.

    *Assumptions and limits.* The rule measures co-movement, not cause: a large
    ``contribution_dispersion`` says the spread was wide when the dispersion signal was high,
    as a dispersion trade would make it, not that the trade caused it. The split is linear,
    and fundamental effects that the user does not supply end up in the residual (or in the
    dispersion part if they co-move with it). Correlated regressors make the split of the
    fitted part unstable and the Pratt shares can turn negative. The period-``t`` residual is
    in-sample (period ``t`` is in its own window). With a magnitude spread, signed
    fundamentals fit poorly: pass their absolute changes.

    **Complexity.** O(T·p³) time and O(T·p²) memory, p = 1 + number of fundamentals: cumulative
    sums of the (p+2)×(p+2) cross products (so the cost does not depend on ``window``), then one
    small eigenvalue check and one p×p solve per date, batched.

    References
    ----------
    .. [1] Pratt, J. W. (1987), "Dividing the indivisible: using simple symmetry to partition
       variance explained", in *Proceedings of the Second International Tampere Conference in
       Statistics*, 245–260.
    .. [2] Cboe, "Cboe S&P 500 Dispersion Index (DSPX)" and "Cboe S&P 500 Implied Correlation
       Indices" methodology documents (dispersion and correlation regimes).
    .. [3] Solnik, B. & Roulet, J. (2000), "Dispersion as cross-sectional correlation",
       Financial Analysts Journal 56(1), 54–61.

    Examples
    --------
    A spread driven only by the dispersion signal is fitted entirely by it:

    >>> import numpy as np
    >>> from divergence.rotation import rotation_diagnostic
    >>> rng = np.random.default_rng(0)
    >>> d, f = rng.normal(size=200), rng.normal(size=200)
    >>> out = rotation_diagnostic(0.01 + 0.002 * d, d, f, window=100)
    >>> print(f"{out['r2_dispersion'].iloc[-1]:.3f} {out['share_dispersion'].iloc[-1]:.3f}")
    1.000 1.000
    """
    y, x, ymeta, fnames = _series_inputs(spread, dispersion_signal, fundamentals)
    orient = check_option(dispersion_when, "dispersion_when", ("high", "low"))
    if orient == "low":
        x[:, 0] = -x[:, 0]
    t_len, p = x.shape
    w = None if window is None else check_window(window, t_len)
    if min_periods is None:
        mp = w if w is not None else min(60, t_len)
        if mp < p + 2:
            raise InputError(f"min_periods (default {mp}) must be >= {p + 2} for {p} regressor(s)")
    else:
        limit = t_len if w is None else w
        mp = check_int(min_periods, "min_periods", minimum=p + 2)
        if mp > limit:
            within = "the data" if w is None else f"the window (window={w})"
            raise InputError(f"min_periods={mp} is longer than {within}: {limit} observations")
    valid = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    # window-local moments (divergence._windows): the value at t comes from the window's rows
    # alone, rounding included; an expanding window is one block from the first row
    k = p + 1
    mom = window_moments(
        [*(x[:, i] for i in range(p)), y],
        valid,
        t_len if w is None else w,
        [(i, j) for i in range(k) for j in range(i, k)],
    )
    n_obs = mom.n
    ok = valid & (n_obs >= mp)
    nn = np.where(ok, n_obs, 1.0)
    mean = np.column_stack(mom.mean)  # (T, p+1): regressor means then spread mean
    cross = np.empty((t_len, k, k))
    for i in range(k):
        for j in range(i, k):
            cross[:, i, j] = cross[:, j, i] = mom.cross[i, j]
    flat = np.column_stack([mom.degenerate(i) for i in range(k)])
    sxx, sxy, syy = cross[:, :p, :p], cross[:, :p, p], cross[:, p, p]
    diag = np.where(flat[:, :p], 0.0, np.einsum("tii->ti", sxx))
    scale = np.sqrt(np.where(diag > 0, diag, 1.0))
    corr = sxx / (scale[:, :, None] * scale[:, None, :])
    well = ok & ~flat.any(axis=1)
    eig_min = np.full(t_len, 0.0)
    if well.any():
        eig_min[well] = np.linalg.eigvalsh(corr[well])[:, 0]
    well &= eig_min > 1e-10
    beta = np.full((t_len, p), np.nan)
    if well.any():
        beta[well] = np.linalg.solve(sxx[well], sxy[well][:, :, None])[:, :, 0]
    xdev = x - mean[:, :p]
    contrib = np.where(well[:, None], beta * xdev, np.nan)
    ybar = np.where(well, mean[:, p], np.nan)
    resid = np.where(well, y - ybar - contrib.sum(axis=1), np.nan)
    r2_parts = safe_divide(beta * sxy, syy[:, None], well[:, None])
    absc = np.abs(contrib)
    total_abs = absc.sum(axis=1) + np.abs(resid)
    share_ok = well & (total_abs > 0)
    sd = np.sqrt(safe_divide(diag, (nn - 1.0)[:, None], well[:, None] & (nn[:, None] > 1)))
    names = ["dispersion", *fnames]
    cols: dict[str, FloatArray] = {
        "spread": np.where(valid, y, np.nan),
        "mean": ybar,
    }
    for k, name in enumerate(names):
        cols[f"contribution_{name}"] = contrib[:, k]
    cols["residual"] = resid
    cols["share_dispersion"] = safe_divide(absc[:, 0], total_abs, share_ok)
    cols["share_fundamental"] = safe_divide(absc[:, 1:].sum(axis=1), total_abs, share_ok)
    cols["share_residual"] = safe_divide(np.abs(resid), total_abs, share_ok)
    cols["r2"] = np.where(well, r2_parts.sum(axis=1), np.nan)
    cols["r2_dispersion"] = r2_parts[:, 0]
    cols["r2_fundamental"] = np.where(well, r2_parts[:, 1:].sum(axis=1), np.nan)
    for k, name in enumerate(names):
        cols[f"beta_{name}"] = np.where(well, beta[:, k] * sd[:, k], np.nan)
    cols["regime"] = np.where(well, (xdev[:, 0] > 0).astype(np.float64), np.nan)
    cols["n_obs"] = n_obs
    return to_caller(pd.DataFrame(cols, index=_frame_index(ymeta, t_len)), ymeta)


# --------------------------------------------------------------------------- decomposition
def return_decomposition(
    price: SeriesLike,
    earnings: SeriesLike,
    dividends: SeriesLike | None = None,
    *,
    periods_per_year: int | None = None,
    window: int = 1,
) -> Any:
    r"""Split a log price return into earnings growth and the change of the P/E multiple.

    Parameters
    ----------
    price : array_like or Series
        Price level per period (index points or USD per share), strictly positive; NaN = not
        observed.
    earnings : array_like or Series
        Earnings per share (any consistent scale, e.g. trailing 12-month, annualised), strictly
        positive; NaN = not available (e.g. Shiller's earnings end before his prices). Same
        length and index as ``price``.
    dividends : array_like or Series, optional
        Dividends per share, non-negative, same layout. Paid in the period, or annualised when
        ``periods_per_year`` is given.
    periods_per_year : int, optional
        Set when ``dividends`` are an annual rate (Shiller's monthly data: 12); the dividend
        paid in a period is then ``dividends / periods_per_year``. Only with ``dividends``.
    window : int, default 1
        Horizon in periods: each row decomposes the log return from ``t - window`` to ``t``
        (e.g. 120 for trailing ten years of monthly data). Windows overlap.

    Returns
    -------
    DataFrame
        Index of ``price`` (a RangeIndex for arrays). Columns (log returns, decimal per
        ``window`` periods): ``price_return``, ``earnings_growth``, ``multiple_change`` and,
        with ``dividends``, ``dividend_yield`` and ``total_return``. The first ``window`` rows
        are NaN; ``earnings_growth`` and ``multiple_change`` are NaN where earnings are NaN.

    Raises
    ------
    InputError
        Non-positive prices or earnings (the logarithm is undefined: use a positive earnings
        measure such as a trailing average), negative dividends, layouts that differ,
        ``window`` longer than the data, ``periods_per_year`` without ``dividends``.
        ``price``, ``earnings`` or ``dividends`` with unsorted, duplicate or missing (NaT) dates:
        sort with ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input; non-integer ``window`` or ``periods_per_year``.

    Notes
    -----
    With :math:`\Delta_w z_t = z_t - z_{t-w}`,

    .. math::

       \underbrace{\Delta_w \ln P_t}_{\text{price return}}
       = \underbrace{\Delta_w \ln E_t}_{\text{earnings growth}}
       + \underbrace{\Delta_w \ln (P_t / E_t)}_{\text{multiple change}}

    which holds exactly (each term is computed separately, so the sum agrees to floating-point
    rounding). The dividend term adds, for each period :math:`u` in the window,
    :math:`\ln(1 + D_u / (k P_u))` with :math:`k` = ``periods_per_year`` (1 if omitted), so
    that

    .. math:: \ln \frac{P_t + D_t/k}{P_{t-1}} = \Delta \ln P_t + \ln\Big(1 + \frac{D_t}{k P_t}\Big)

    is the one-period total log return with the dividend received at the end of the period
    (Shiller's own total-return series reinvests :math:`D_t/12` against :math:`P_{t+1}`
    instead, a one-month timing difference). With monthly averages of daily prices (as in
    Shiller's data) the "returns" are between monthly averages.

    **Complexity.** O(T) time and memory; with ``dividends``, O(T·W) time for the rolling
    dividend-yield sum over W = ``window`` rows (a sliding-window sum, exact but not cumulative).

    References
    ----------
    .. [1] Shiller, R. J., "Online Data", http://www.econ.yale.edu/~shiller/data.htm.
    .. [2] Bogle, J. C. (1991), "Investing in the 1990s", Journal of Portfolio Management
       17(3): return = dividend yield + earnings growth + change in the P/E ratio.
    .. [3] Ferreira, M. A. & Santa-Clara, P. (2011), "Forecasting stock market returns: the
       sum of the parts is more than the whole", Journal of Financial Economics 100(3), 514–537.

    Examples
    --------
    Price doubles while earnings rise 60%: growth ln 1.6, multiple change ln(2/1.6) = ln 1.25.

    >>> from divergence.rotation import return_decomposition
    >>> out = return_decomposition([100.0, 200.0], [5.0, 8.0])
    >>> print(out.iloc[1].round(4).to_string())
    price_return       0.6931
    earnings_growth    0.4700
    multiple_change    0.2231
    """
    p, pmeta = as_array(price, "price", ndim=1, positive=True, min_size=2, time_ordered=True)
    e, emeta = as_array(earnings, "earnings", ndim=1, positive=True, time_ordered=True)
    check_same_layout(pmeta, emeta)
    w = check_window(window, p.shape[0] - 1)
    lp, le = np.log(p), np.log(e)
    lpe = np.log(p / e)

    def diff(z: FloatArray) -> FloatArray:
        out = np.full(z.shape, np.nan)
        out[w:] = z[w:] - z[:-w]
        return out

    cols: dict[str, FloatArray] = {
        "price_return": diff(lp),
        "earnings_growth": diff(le),
        "multiple_change": diff(lpe),
    }
    if dividends is None:
        if periods_per_year is not None:
            raise InputError("periods_per_year is only used with dividends")
    else:
        d, dmeta = as_array(dividends, "dividends", ndim=1, nonnegative=True, time_ordered=True)
        check_same_layout(pmeta, dmeta)
        k = 1.0
        if periods_per_year is not None:
            k = float(check_int(periods_per_year, "periods_per_year", minimum=1))
        per_period = np.log1p(d / (k * p))
        dy = _rolling_sum(per_period, w)
        dy[:w] = np.nan
        cols["dividend_yield"] = dy
        cols["total_return"] = cols["price_return"] + dy
    return to_caller(pd.DataFrame(cols, index=_frame_index(pmeta, p.shape[0])), pmeta)


# --------------------------------------------------------------------------- size / style
def size_style_gaps(
    returns: PanelLike,
    *,
    small: Sequence[Hashable] | None = None,
    large: Sequence[Hashable] | None = None,
    value: Sequence[Hashable] | None = None,
    growth: Sequence[Hashable] | None = None,
    compound: Literal["none", "cumulative", "rolling"] = "none",
    window: int | None = None,
) -> Any:
    r"""Small-minus-large and value-minus-growth returns from size/book-to-market portfolios.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal returns per period of portfolios sorted on size and book-to-market,
        rows = periods (e.g. ``load_fama_french("portfolios")``).
    small, large, value, growth : sequence of labels, optional
        Columns (integer positions for an array) averaged with equal weights into each leg.
        Defaults: the 3 x 3 Fama–French grid :data:`FAMA_FRENCH_3X3` (small = ``S1V1, S1V3,
        S1V5``, large = ``S5V*``, value = ``S*V5``, growth = ``S*V1``); an array input needs
        all four.
    compound : {"none", "cumulative", "rolling"}, default "none"
        ``"none"``: per-period gaps; ``"cumulative"``: compounded from the first period,
        :math:`\prod (1 + g) - 1` (NaN periods skipped); ``"rolling"``: compounded over the
        trailing ``window`` periods.
    window : int, optional
        Trailing window in periods; required with, and only with, ``compound="rolling"``.

    Returns
    -------
    ndarray or DataFrame
        Rows = periods, columns ``small_minus_large`` and ``value_minus_growth`` (decimal
        returns of the zero-cost long-short portfolios rebalanced each period). NaN where a
        leg has a NaN portfolio return.

    Raises
    ------
    InputError
        Unknown labels, returns below -1, ``window`` missing, superfluous or longer than the
        data, an array input without explicit legs.
        ``returns`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
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
    .. math::

       \mathrm{SML}_t = \frac{1}{|S|}\sum_{i \in S} r_{i,t} - \frac{1}{|L|}\sum_{i \in L} r_{i,t},
       \qquad
       \mathrm{VMG}_t = \frac{1}{|V|}\sum_{i \in V} r_{i,t} - \frac{1}{|G|}\sum_{i \in G} r_{i,t}

    This mirrors the construction of SMB and HML (equal averages across the other sort) but
    on the extreme quintiles of a 3 x 3 subset of the 5 x 5 sort, not on the 2 x 3 sort of the
    published factors: expect a high but imperfect correlation with SMB/HML and larger
    magnitudes (extreme quintiles).

    **Complexity.** O(T·N) time (one mean per leg over its columns) and O(T·N) extra memory (the
    validated copy); ``compound='rolling'`` adds O(T·W) over the two gap columns, W = ``window``. T
    = dates, N = portfolios.

    References
    ----------
    .. [1] Fama, E. F. & French, K. R. (1993), "Common risk factors in the returns on stocks
       and bonds", Journal of Financial Economics 33(1), 3–56.
    .. [2] French, K. R., Data Library (6 and 25 portfolios formed on size and
       book-to-market).

    Examples
    --------
    >>> import pandas as pd
    >>> from divergence.rotation import size_style_gaps
    >>> grid = pd.DataFrame([[0.03, 0.02, 0.04, 0.01, 0.00, 0.02, 0.00, 0.01, 0.02]],
    ...                     columns=["S1V1", "S1V3", "S1V5", "S3V1", "S3V3", "S3V5",
    ...                              "S5V1", "S5V3", "S5V5"])

    Small row averages 3%, large row 1%; value column 2.67%, growth column 1.33%:

    >>> print(size_style_gaps(grid).iloc[0].round(4).to_string())
    small_minus_large     0.0200
    value_minus_growth    0.0133
    """
    r, meta = as_array(returns, "returns", ndim=2, time_ordered=True)
    below = r < -1.0
    if below.any():
        raise InputError(
            f"returns has {int(below.sum())} value(s) below -1; first {meta.locate(below)}"
        )
    how = check_option(compound, "compound", ("none", "cumulative", "rolling"))
    t_len, n = r.shape
    if how == "rolling":
        if window is None:
            raise InputError("compound='rolling' needs window")
        win = check_window(window, t_len)
    elif window is not None:
        raise InputError("window is only used with compound='rolling'")
    legs: dict[str, object] = {"small": small, "large": large, "value": value, "growth": growth}
    if meta.columns is None and any(v is None for v in legs.values()):
        raise InputError(
            "returns is an array: pass small, large, value and growth (column positions); "
            "the Fama-French defaults need DataFrame columns"
        )
    positions = {
        name: _positions(meta, n, labels if labels is not None else FAMA_FRENCH_3X3[name], name)
        for name, labels in legs.items()
    }
    warn_units(r, "returns", "return")
    means = {name: r[:, pos].mean(axis=1) for name, pos in positions.items()}
    gaps = np.column_stack([means["small"] - means["large"], means["value"] - means["growth"]])
    if how == "cumulative":
        gaps = _compound_skip(gaps)
    elif how == "rolling":
        gaps = _rolling_compound(gaps, win)
    return meta.wrap_panel(gaps, ["small_minus_large", "value_minus_growth"])


def _rolling_std(x: FloatArray, window: int, min_periods: int) -> FloatArray:
    """Trailing sample std (ddof=1) of each column, from window-local cumulative sums.

    Uses the valid values of the last ``window`` rows; NaN where fewer than ``min_periods``
    (or 2) values are present.
    """
    valid = ~np.isnan(x)
    # window-local moments: nothing before the window reaches its value, not even rounding
    mom = window_moments([x], valid, window, [(0, 0)])
    n = mom.n
    ok = n >= max(min_periods, 2)
    ss = np.where(mom.degenerate(0), 0.0, mom.cross[0, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        var = ss / (n - 1.0)
    return np.where(ok, np.sqrt(np.maximum(var, 0.0)), np.nan)


def dispersion_signal(
    returns: PanelLike,
    market_caps: PanelLike,
    *,
    window: int = 63,
    min_periods: int | None = None,
    periods_per_year: float = 252.0,
) -> Any:
    r"""Cap-weighted average member volatility minus index volatility, known one period ahead.

    A realised dispersion signal for :func:`rotation_diagnostic`: high when members move a lot
    but not together.

    Parameters
    ----------
    returns : array_like or DataFrame
        Simple decimal member returns (rows = periods, columns = names; NaN = absent).
    market_caps : array_like or DataFrame
        End-of-period market caps, same layout as ``returns``; they weight the member vols
        and build the cap-weighted index (:func:`divergence.breadth.index_return`).
    window : int, default 63
        Trailing window in periods (>= 2, at most the number of rows).
    min_periods : int, optional
        Fewest valid returns in a window for a volatility (default ``window``; 2 to
        ``window``).
    periods_per_year : float, default 252.0
        Annualisation factor (252 for daily returns).

    Returns
    -------
    ndarray or Series
        Annualised volatility gap (decimal, 0.05 = 5 vol points) per period, named
        ``"vol_gap"``. Row ``t`` uses returns up to ``t - 1`` and caps up to ``t - 2`` only;
        NaN until enough data.

    Raises
    ------
    InputError
        Bad ``window``/``min_periods``/``periods_per_year``; as
        :func:`divergence.breadth.index_return` for the panels.
        ``returns`` or ``market_caps`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or non-integer window.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.

    Notes
    -----
    With :math:`\sigma_{i,t}` the trailing sample standard deviation of name :math:`i`'s
    returns over the window ending at :math:`t` (its valid returns only), :math:`\sigma_{I,t}`
    that of the cap-weighted index return, and :math:`f` ``periods_per_year``,

    .. math::

        s_t = \sqrt{f}\left(\frac{\sum_i m_{i,t-2}\,\sigma_{i,t-1}}{\sum_i m_{i,t-2}}
              - \sigma_{I,t-1}\right),

    the sums running over names with a volatility at :math:`t-1` and a cap at :math:`t-2`.
    The one-period lag makes the signal usable as a regressor for the return of period
    :math:`t`. By the triangle inequality for standard deviations (weights fixed within the
    window) the gap is non-negative up to weight drift.

    **Complexity.** O(T·N) time whatever the window (cumulative sums, no per-window loop);
    O(T·N) extra memory (about six float64 panels at peak); T = dates, N = assets.

    References
    ----------
    .. [1] Solnik, B. & Roulet, J. (2000), "Dispersion as cross-sectional correlation",
       Financial Analysts Journal 56(1), 54–61.
    .. [2] Cboe, "Cboe S&P 500 Dispersion Index (DSPX)" methodology: weighted member vol minus
       index vol.

    Examples
    --------
    Two names that always move in opposite directions: each has a vol, the index (half in
    each) has none, so the gap is the member vol, :math:`\sqrt{4 \cdot 0.01^2 / 3}`. The index
    has no return in the first period (no start-of-period caps), so its first full window ends
    in period 4 and the lagged signal starts in period 5.

    >>> import numpy as np
    >>> from divergence.rotation import dispersion_signal
    >>> r = np.array([[0.01, -0.01], [-0.01, 0.01]] * 4)
    >>> caps = np.ones_like(r)
    >>> s = dispersion_signal(r, caps, window=4, periods_per_year=1.0)
    >>> print(np.round(s, 5))
    [    nan     nan     nan     nan     nan 0.01155 0.01155 0.01155]
    """
    r, meta = as_array(returns, "returns", ndim=2, time_ordered=True)
    check_simple_returns(r, meta)
    m, mmeta = as_array(market_caps, "market_caps", ndim=2, nonnegative=True, time_ordered=True)
    check_same_layout(meta, mmeta)
    w = check_window(window, r.shape[0], minimum=2)
    mp = w if min_periods is None else check_int(min_periods, "min_periods", minimum=2, maximum=w)
    f = check_float(periods_per_year, "periods_per_year", minimum=0.0, inclusive=(False, True))
    warn_units(r, "returns", "return")
    with warnings.catch_warnings():  # said once above
        warnings.simplefilter("ignore", UnitWarning)
        idx = np.asarray(index_return(r, m), dtype=np.float64)
    vol = _rolling_std(r, w, mp)
    idx_vol = _rolling_std(idx[:, None], w, mp)[:, 0]
    cap_lag = np.full_like(m, np.nan)
    cap_lag[1:] = m[:-1]
    wt = np.where(np.isnan(vol), np.nan, cap_lag)
    den = row_sum(wt)
    avg = safe_divide(row_sum(wt * vol), den, (row_count(wt * vol) > 0) & (den > 0))
    gap = (avg - idx_vol) * np.sqrt(f)
    out = np.full_like(gap, np.nan)
    out[1:] = gap[:-1]
    return meta.wrap_rows(out, name="vol_gap")
