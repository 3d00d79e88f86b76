r"""Implied correlation, the DSPX-style dispersion index and the vol spread (private)."""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from divergence._numeric import row_sum, safe_divide
from divergence._typing import BoolArray, FloatArray, NanPolicy, PanelLike
from divergence._validation import Meta, as_array, check_option, fmt_label, nan_row_mask, to_caller
from divergence.dispersion._common import cross_weights, per_row_values, renormalize
from divergence.errors import InputError, OutOfRangeWarning

__all__ = [
    "dispersion_index",
    "implied_correlation",
    "implied_correlation_out_of_range",
    "vol_spread",
]

OnOutOfRange = Literal["warn", "raise", "ignore"]
_ON_OUT = ("warn", "raise", "ignore")


class _Moments:
    """Weighted moments of one or many cross-sections of vols."""

    __slots__ = ("index_var", "meta", "n", "rows", "s1", "s2", "s3")

    def __init__(
        self, index_vol: object, constituent_vols: object, weights: object, nan_policy: str
    ) -> None:
        vols, meta = as_array(constituent_vols, "constituent_vols", nonnegative=True)
        v2 = np.atleast_2d(vols)
        n_rows = v2.shape[0]
        rows = nan_row_mask(v2, meta, nan_policy)  # also checks the policy's name
        w = cross_weights(weights, meta, v2.shape, nan_policy=nan_policy)
        sig_i = per_row_values(index_vol, "index_vol", meta, n_rows, nan_policy=nan_policy)
        if rows is not None:  # "propagate": a NaN weight, like a NaN vol, makes its row NaN
            rows = rows | np.isnan(w).any(axis=1)
        present = ~np.isnan(v2) & ~np.isnan(w)
        wn = renormalize(w, present)
        wv = np.where(present, wn * v2, 0.0)
        self.s1: FloatArray = wv.sum(axis=1)
        self.s2: FloatArray = (wv**2).sum(axis=1)
        self.s3: FloatArray = row_sum(np.where(present, wn * v2**2, np.nan))
        self.n: FloatArray = (wv > 0).sum(axis=1).astype(np.float64)
        empty = ~np.isfinite(wn).any(axis=1)
        bad = empty | np.isnan(sig_i)
        if rows is not None:
            bad = bad | rows
        self.rows: BoolArray = bad
        self.index_var: FloatArray = sig_i**2
        self.meta = meta

    def finish(self, values: FloatArray, name: str) -> Any:
        return self.meta.wrap_reduction(np.where(self.rows, np.nan, values), name=name)


def _report(
    out_mask: BoolArray, values: FloatArray, meta: Meta, what: str, rng: str, policy: str
) -> None:
    if policy == "ignore" or not out_mask.any():
        return
    first = int(np.flatnonzero(out_mask)[0])
    if meta.ndim == 2 and meta.index is not None:
        where = f"row {fmt_label(meta.index[first])}"
    elif meta.ndim == 2:
        where = f"row {first}"
    else:
        where = "the cross-section"
    msg = (
        f"{what}: {int(out_mask.sum())} value(s) outside {rng}; first at {where} "
        f"({values[first]:.6g}). They are returned as computed, not clipped. Check that "
        "index_vol and constituent_vols share horizon and annualisation and that the weights "
        "are the index's. Silence with on_out_of_range='ignore'."
    )
    if policy == "raise":
        raise InputError(msg)
    warnings.warn(msg, OutOfRangeWarning, stacklevel=3)


def _correlation(m: _Moments) -> tuple[FloatArray, BoolArray]:
    num = m.index_var - m.s2
    den = m.s1**2 - m.s2
    rho = safe_divide(num, den, (den > 0) & (m.n >= 2) & ~m.rows)
    lower = safe_divide(-np.ones_like(m.n), m.n - 1.0, m.n >= 2)
    tol = 1e-12
    outside = np.isfinite(rho) & ((rho > 1.0 + tol) | (rho < lower - tol))
    return rho, outside


def implied_correlation(
    index_vol: Any,
    constituent_vols: PanelLike,
    weights: PanelLike,
    *,
    on_out_of_range: OnOutOfRange = "warn",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Implied (average) correlation of an index from its own and its members' volatilities.

    Parameters
    ----------
    index_vol : float, array_like or Series
        Implied volatility of the index (annualised, decimal): one number for one cross-section,
        or one per row of a panel.
    constituent_vols : array_like, Series or DataFrame
        Implied volatilities of the members, same horizon and annualisation as ``index_vol``;
        1-D (one date) or 2-D (rows = dates, columns = names). NaN = not available.
    weights : array_like, Series or DataFrame
        Index weights (non-negative), same layout as ``constituent_vols``, or one weight per
        column for a panel. They are renormalised to sum to one over the names with a vol.
    on_out_of_range : {"warn", "raise", "ignore"}, default "warn"
        What to do when a value falls outside :math:`[-1/(n-1), 1]`: emit an
        :class:`~divergence.errors.OutOfRangeWarning`, raise
        :class:`~divergence.errors.InputError`, or say nothing. Values are never clipped; use
        :func:`implied_correlation_out_of_range` for the flags.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        Applies to every array argument. ``"omit"``: names without a vol or a weight drop out
        (a row without ``index_vol`` is NaN); ``"propagate"``: a row with any NaN vol, index
        vol or weight gives NaN; ``"raise"``: a NaN in ``index_vol``, ``constituent_vols`` or
        ``weights`` raises an :class:`~divergence.errors.InputError` naming that argument.

    Returns
    -------
    float, ndarray or Series
        Implied correlation per row (dimensionless). NaN when fewer than two names have a
        positive weighted vol.

    Raises
    ------
    InputError
        Negative vols or weights, mismatched shapes or labels, ``index_vol`` of the wrong
        length, out-of-range values with ``on_out_of_range="raise"``.
    TypeError
        Non-numeric input.

    Warns
    -----
    OutOfRangeWarning
        Some values lie outside :math:`[-1/(n-1), 1]` (``on_out_of_range="warn"``).

    See Also
    --------
    realized_correlation : the realised twin from returns.
    dispersion_index : the variance gap in volatility units.

    Notes
    -----
    If every pair of names had the same correlation :math:`\rho`, the index variance would be
    :math:`\sigma_I^2 = \sum_i w_i^2\sigma_i^2 + \rho\sum_{i\ne j} w_i w_j \sigma_i\sigma_j`.
    Solving for :math:`\rho`, with
    :math:`\sum_{i\ne j} w_iw_j\sigma_i\sigma_j = (\sum_i w_i\sigma_i)^2 - \sum_i w_i^2\sigma_i^2`:

    .. math::

        \rho_{\text{impl}} = \frac{\sigma_I^2 - \sum_i w_i^2 \sigma_i^2}
                                  {\left(\sum_i w_i \sigma_i\right)^2 - \sum_i w_i^2\sigma_i^2}

    O(N) per row, no correlation matrix. An equicorrelation matrix is positive semi-definite
    only for :math:`\rho \in [-1/(n-1), 1]`; values outside that range mean the inputs are
    mutually inconsistent (stale quotes, different horizons, missing members).

    **Complexity.** O(T·N) time and O(T·N) extra memory (validated copies and a few weighted row
    sums); T = dates, N = constituents.

    References
    ----------
    .. [1] Cboe, "Cboe S&P 500 Implied Correlation Index" methodology (COR1M/COR3M).
    .. [2] Bennett, C. (2014), *Trading Volatility, Correlation, Term Structure and Skew*,
       chapter 7 (implied correlation and dispersion).

    Examples
    --------
    Two names at 30% vol, equal weights, index vol 25.1%: :math:`\rho = 2\cdot0.251^2/0.3^2 - 1`.

    >>> from divergence.dispersion import implied_correlation
    >>> print(f"{implied_correlation(0.251, [0.3, 0.3], [0.5, 0.5]):.4f}")
    0.4000
    """
    policy = check_option(on_out_of_range, "on_out_of_range", _ON_OUT)
    m = _Moments(index_vol, constituent_vols, weights, nan_policy)
    rho, outside = _correlation(m)
    _report(outside & ~m.rows, rho, m.meta, "implied_correlation", "[-1/(n-1), 1]", policy)
    return m.finish(rho, "implied_correlation")


def implied_correlation_out_of_range(
    index_vol: Any,
    constituent_vols: PanelLike,
    weights: PanelLike,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Flag the rows whose implied correlation lies outside :math:`[-1/(n-1), 1]`.

    Parameters
    ----------
    index_vol, constituent_vols, weights, nan_policy
        As in :func:`implied_correlation`.

    Returns
    -------
    bool, ndarray of bool or Series of bool
        True where the implied correlation is finite and outside its admissible range (a
        tolerance of 1e-12 absorbs rounding). NaN results are not flagged.

    Raises
    ------
    InputError, TypeError
        As :func:`implied_correlation`.

    Notes
    -----
    .. math:: \text{flag} = \rho_{\text{impl}} < -\frac{1}{n-1} \;\lor\; \rho_{\text{impl}} > 1

    where :math:`n` is the number of names with a positive weighted vol.

    **Complexity.** As :func:`implied_correlation`: O(T·N) time and memory.

    References
    ----------
    .. [1] Cboe, "Cboe S&P 500 Implied Correlation Index" methodology.

    Examples
    --------
    An index vol above the weighted average of its members' vols is impossible:

    >>> from divergence.dispersion import implied_correlation_out_of_range
    >>> print(implied_correlation_out_of_range(0.35, [0.3, 0.3], [0.5, 0.5]))
    True
    """
    m = _Moments(index_vol, constituent_vols, weights, nan_policy)
    _, outside = _correlation(m)
    flags = outside & ~m.rows
    if m.meta.ndim == 1:
        return bool(flags[0])
    if m.meta.kind == "frame":
        import pandas as pd

        return to_caller(pd.Series(flags, index=m.meta.index, name="out_of_range"), m.meta)
    return flags


def dispersion_index(
    index_vol: Any,
    constituent_vols: PanelLike,
    weights: PanelLike,
    *,
    on_out_of_range: OnOutOfRange = "warn",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Cboe DSPX-style dispersion index: the gap between member and index variance.

    Parameters
    ----------
    index_vol : float, array_like or Series
        Index volatility (annualised, decimal), one per row.
    constituent_vols : array_like, Series or DataFrame
        Member volatilities, same horizon; 1-D or 2-D (rows = dates, columns = names).
    weights : array_like, Series or DataFrame
        Index weights, same layout (or one per column); renormalised over names present.
    on_out_of_range : {"warn", "raise", "ignore"}, default "warn"
        What to do when :math:`\sum_i w_i\sigma_i^2 < \sigma_I^2` (the square root does not
        exist): warn, raise, or say nothing. Those rows are NaN, never set to 0 (only a
        radicand within rounding of zero, :math:`|x| \le 10^{-12}\sum_i w_i\sigma_i^2`, is
        read as 0).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        As in :func:`implied_correlation`.

    Returns
    -------
    float, ndarray or Series
        Dispersion in volatility units (annualised, decimal; multiply by 100 for the DSPX
        scale of "vol points").

    Raises
    ------
    InputError
        As :func:`implied_correlation`.
    TypeError
        Non-numeric input.

    Warns
    -----
    OutOfRangeWarning
        Some rows have a negative radicand.

    Notes
    -----
    .. math:: D = \sqrt{\sum_i w_i \sigma_i^2 - \sigma_I^2}

    Since :math:`\sum_i w_i\sigma_i^2 \ge (\sum_i w_i\sigma_i)^2`, the radicand is
    non-negative whenever the implied correlation is at most 1. :math:`D^2` is the expected
    P&L per unit of variance notional of a dispersion trade with index-weighted variance
    notionals (see :func:`dispersion_trade_pnl`).

    **Complexity.** As :func:`implied_correlation`: O(T·N) time and memory; T = dates, N =
    constituents.

    References
    ----------
    .. [1] Cboe, "Cboe S&P 500 Dispersion Index (DSPX)" methodology (2023).

    Examples
    --------
    >>> from divergence.dispersion import dispersion_index
    >>> print(f"{dispersion_index(0.20, [0.30, 0.40], [0.5, 0.5]):.4f}")
    0.2915
    """
    policy = check_option(on_out_of_range, "on_out_of_range", _ON_OUT)
    m = _Moments(index_vol, constituent_vols, weights, nan_policy)
    rad = m.s3 - m.index_var
    # a radicand within rounding of zero (perfect correlation, equal vols) is zero, not < 0
    rad = np.where(np.abs(rad) <= 1e-12 * np.abs(m.s3), 0.0, rad)
    neg = (rad < 0) & ~m.rows & np.isfinite(rad)
    _report(neg, rad, m.meta, "dispersion_index (radicand)", "[0, inf)", policy)
    out = np.sqrt(np.where(rad >= 0, rad, np.nan))
    return m.finish(out, "dispersion_index")


def vol_spread(
    index_vol: Any,
    constituent_vols: PanelLike,
    weights: PanelLike,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Weighted-average member volatility minus index volatility.

    Parameters
    ----------
    index_vol : float, array_like or Series
        Index volatility (annualised, decimal), one per row.
    constituent_vols : array_like, Series or DataFrame
        Member volatilities; 1-D or 2-D.
    weights : array_like, Series or DataFrame
        Index weights, same layout (or one per column); renormalised over names present.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        As in :func:`implied_correlation`.

    Returns
    -------
    float, ndarray or Series
        :math:`\sum_i w_i\sigma_i - \sigma_I` (decimal volatility). Zero when every pair is
        perfectly correlated; larger when the index is calm relative to its members.

    Raises
    ------
    InputError, TypeError
        As :func:`implied_correlation`.

    Notes
    -----
    .. math:: S = \sum_i w_i \sigma_i - \sigma_I

    A negative spread means an implied correlation above 1 (inconsistent inputs).

    **Complexity.** As :func:`implied_correlation`: O(T·N) time and memory; T = dates, N =
    constituents.

    References
    ----------
    .. [1] Bennett, C. (2014), *Trading Volatility, Correlation, Term Structure and Skew*,
       chapter 7.

    Examples
    --------
    >>> from divergence.dispersion import vol_spread
    >>> print(f"{vol_spread(0.20, [0.30, 0.40], [0.5, 0.5]):.4f}")
    0.1500
    """
    m = _Moments(index_vol, constituent_vols, weights, nan_policy)
    ok = m.n >= 1
    out = np.where(ok, m.s1 - np.sqrt(m.index_var), np.nan)
    return m.finish(out, "vol_spread")
