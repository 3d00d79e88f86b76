r"""Realised average correlation and cross-sectional dispersion (private)."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from divergence._numeric import row_sum, safe_divide
from divergence._typing import NanPolicy, PanelLike
from divergence._validation import (
    as_array,
    check_bool,
    check_int,
    check_option,
    check_window,
    nan_row_mask,
)
from divergence._windows import trailing_sums, window_moments
from divergence.dispersion._common import cross_weights, renormalize

__all__ = ["cross_sectional_dispersion", "realized_correlation", "realized_volatility"]

_METHODS = ("weighted", "mean")
_ALIGNS = ("trailing", "forward")


def realized_correlation(
    returns: PanelLike,
    weights: PanelLike | None = None,
    *,
    window: int,
    method: Literal["weighted", "mean"] = "weighted",
) -> Any:
    r"""Rolling average pairwise correlation of a panel of returns, without correlation matrices.

    Parameters
    ----------
    returns : array_like or DataFrame
        Returns per period (decimal), rows = periods, columns = names; NaN = no return.
    weights : array_like or DataFrame, optional
        Index weights: one per column (constant) or a panel with the layout of ``returns``
        (weight of each name in each period). Non-negative; NaN = absent. Default: equal.
        For ``method="weighted"`` the weights of the last row of each window are used for the
        whole window; ``method="mean"`` ignores weights.
    window : int
        Number of periods per window (>= 3, at most the number of rows).
    method : {"weighted", "mean"}, default "weighted"
        ``"weighted"``: the realised twin of :func:`implied_correlation`, from the realised
        vols of the members and of the weighted index. ``"mean"``: the plain average of all
        :math:`n(n-1)/2` pairwise correlations.

    Returns
    -------
    ndarray or Series
        One value per row (the window ending at that row), NaN for the first ``window - 1``
        rows and where fewer than two names qualify. pandas in -> Series on the same index.
        Within [-1, 1]: rounding beyond it (inputs spanning many orders of magnitude) is
        clipped.

    Raises
    ------
    InputError
        Not 2-D, infinite values, window longer than the data or below 3, negative weights,
        mismatched layouts.
        ``returns`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input, non-integer window.

    See Also
    --------
    implied_correlation : the option-implied version.

    Notes
    -----
    **Common sample.** In each window a name takes part only if it has a return on every row
    of the window and a non-zero sample variance there (for ``"weighted"`` also a positive
    weight at the window's last row); all statistics of that window use the same rows. So
    ``"mean"`` equals the average of the off-diagonal entries of
    ``window_frame.dropna(axis=1).corr()`` (pandas), which the tests check to 1e-10.

    **"mean".** With :math:`z_{it}` the returns standardised over the window,
    :math:`\operatorname{Var}(\sum_i z_i) = \sum_{i,j}\rho_{ij} = n + \sum_{i\ne j}\rho_{ij}`, so

    .. math:: \bar\rho = \frac{\operatorname{Var}\left(\sum_i r_i/s_i\right) - n}{n(n-1)}

    **"weighted".** With :math:`a_i` the weights renormalised over the names taking part,
    :math:`s_i` their window standard deviations and :math:`s_I^2` the window variance of
    the index return :math:`\sum_i a_i r_{it}`,

    .. math:: \rho_w = \frac{s_I^2 - \sum_i a_i^2 s_i^2}
                            {\left(\sum_i a_i s_i\right)^2 - \sum_i a_i^2 s_i^2}
              = \frac{\sum_{i\ne j} a_ia_j s_is_j\,\rho_{ij}}{\sum_{i\ne j} a_ia_js_is_j}

    a weighted average of the pairwise correlations.

    **Complexity.** Per-name window moments come from cumulative sums restarted every
    ``window`` rows (O(T·N)); the only
    cross-name quantity is the series :math:`\sum_i a_i r_{it}` inside each window, one weighted
    sum per (window, row) pair: O(T·N·W) multiply-adds (W = ``window``) in one batched
    matrix-vector product over a strided view (no copy). O(T·N + T·W) extra memory (the
    validated copy, the window sums and the T×W combinations), no N×N matrix: pandas'
    ``rolling().corr()`` computes every pair, O(T·N²) time and memory.

    No look-ahead, and nothing from before the window: the value at row :math:`t` is computed
    from rows :math:`t-\text{window}+1 \dots t` alone (rounding included: a huge return years
    earlier does not perturb it), and a name is "constant in the window" relative to its own
    values in that window (exactly equal values always are).

    References
    ----------
    .. [1] Cboe, "Cboe S&P 500 Implied Correlation Index" methodology (the weighted formula).
    .. [2] Pollet, J. M. and Wilson, M. (2010), "Average correlation and stock market
       returns", Journal of Financial Economics 96(3), 364–380.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.dispersion import realized_correlation
    >>> rng = np.random.default_rng(0)
    >>> common = rng.normal(size=(500, 1))
    >>> r = 0.01 * (common + rng.normal(size=(500, 4)))  # true pairwise correlation 0.5
    >>> rho = realized_correlation(r, window=500, method="mean")
    >>> print(f"{rho[-1]:.2f}")
    0.52
    """
    how = check_option(method, "method", _METHODS)
    x, meta = as_array(returns, "returns", ndim=2, time_ordered=True)
    n_rows = x.shape[0]
    w_len = check_window(window, n_rows, minimum=3)
    valid = ~np.isnan(x)
    # window-local moments (see divergence._windows): nothing outside a window, not even its
    # rounding, reaches the window's value or its "no variance" test
    mom = window_moments([x], valid, w_len, [(0, 0)])
    full = mom.n[w_len - 1 :] == w_len
    ss = mom.cross[0, 0][w_len - 1 :]
    include = full & ~mom.degenerate(0)[w_len - 1 :]
    sd = np.sqrt(np.where(include, ss, 1.0) / (w_len - 1))
    x0 = np.where(valid, x, 0.0)
    if how == "mean":
        a = np.where(include, 1.0 / sd, 0.0)
    else:
        wts = np.ones_like(x) if weights is None else cross_weights(weights, meta, x.shape)
        w_end = wts[w_len - 1 :]
        include = include & (w_end > 0)
        a = np.where(include, renormalize(w_end, include), 0.0)
    # y[e, k] = sum_i a[e, i] * x0[e + k, i]: the combination inside window e (row e + k).
    view = sliding_window_view(x0, w_len, axis=0)  # (windows, names, window), no copy
    y = np.matmul(view.transpose(0, 2, 1), a[:, :, None])[:, :, 0]  # batched gemv
    var_y = y.var(axis=1, ddof=1)
    n = include.sum(axis=1).astype(np.float64)
    if how == "mean":
        rho = safe_divide(var_y - n, n * (n - 1.0), n >= 2)
    else:
        sig = np.where(include, sd, 0.0)
        p1 = (a * sig).sum(axis=1)
        p2 = ((a * sig) ** 2).sum(axis=1)
        den = p1**2 - p2
        rho = safe_divide(var_y - p2, den, (n >= 2) & (den > 0))
    out = np.full(n_rows, np.nan)
    out[w_len - 1 :] = np.clip(rho, -1.0, 1.0)  # an average correlation; rounding can exceed
    return meta.wrap_rows(out, name=f"realized_correlation_{how}")


def cross_sectional_dispersion(
    returns: PanelLike,
    weights: PanelLike | None = None,
    *,
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Cross-sectional dispersion of returns around the (weighted) index return, per period.

    Parameters
    ----------
    returns : array_like, Series or DataFrame
        Returns (decimal per period); 1-D (one cross-section) or 2-D (rows = periods,
        columns = names). NaN = no return.
    weights : array_like, Series or DataFrame, optional
        Weights of the names in each period (e.g. caps at the end of the previous period):
        same layout as ``returns``, or one per column. Non-negative; renormalised over the
        names present. Default: equal weights.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        Applies to ``returns`` and ``weights`` alike. ``"omit"``: names without a return or a
        weight drop out; ``"propagate"``: a row with any NaN return or weight gives NaN;
        ``"raise"``: a NaN in either raises an :class:`~divergence.errors.InputError` naming
        that argument.

    Returns
    -------
    float, ndarray or Series
        Weighted standard deviation of the returns across names (decimal per period).

    Raises
    ------
    InputError
        Infinite values, negative weights, mismatched layouts, 3-D input.
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: D_t = \sqrt{\sum_i w_{i,t}\,(r_{i,t} - r_{I,t})^2}, \qquad
              r_{I,t} = \sum_i w_{i,t}\, r_{i,t}

    With cap weights, :math:`E[D_t^2]` is the realised counterpart of the squared dispersion
    index (member variance minus index variance) over one period.

    **Complexity.** O(T·N) time; O(T·N) extra memory (the validated copy, the renormalised weights
    and the squared deviations); T = periods, N = names.

    References
    ----------
    .. [1] Solnik, B. and Roulet, J. (2000), "Dispersion as cross-sectional correlation",
       Financial Analysts Journal 56(1), 54–61.

    Examples
    --------
    >>> from divergence.dispersion import cross_sectional_dispersion
    >>> print(f"{cross_sectional_dispersion([0.01, -0.01, 0.03, 0.01]):.4f}")
    0.0141
    """
    x, meta = as_array(returns, "returns", ndim=(1, 2))
    x2 = np.atleast_2d(x)
    rows = nan_row_mask(x2, meta, nan_policy)  # also checks the policy's name
    wts = (
        np.ones_like(x2)
        if weights is None
        else cross_weights(weights, meta, x2.shape, nan_policy=nan_policy)
    )
    if rows is not None:  # "propagate": a NaN weight, like a NaN return, makes its row NaN
        rows = rows | np.isnan(wts).any(axis=1)
    present = ~np.isnan(x2) & ~np.isnan(wts)
    wn = renormalize(wts, present)
    ok = np.isfinite(wn).any(axis=1)
    r_index = row_sum(wn * x2)
    dev = row_sum(wn * (x2 - r_index[:, None]) ** 2)
    out = np.where(ok, np.sqrt(dev), np.nan)
    if rows is not None:
        out = np.where(rows, np.nan, out)
    return meta.wrap_reduction(out, name="cross_sectional_dispersion")


def realized_volatility(
    returns: PanelLike,
    *,
    window: int,
    periods_per_year: int,
    demean: bool = True,
    align: Literal["trailing", "forward"] = "trailing",
) -> Any:
    r"""Rolling annualised realised volatility of one return series or of each column of a panel.

    Parameters
    ----------
    returns : array_like, Series or DataFrame
        Returns per period (decimal), rows = periods (in time order), columns = names; NaN =
        no return.
    window : int
        Number of returns per window (>= 2 with ``demean=True``, >= 1 otherwise; at most the
        number of rows).
    periods_per_year : int
        Rows per year, to annualise (252 for trading days, 12 for months). Never inferred.
    demean : bool, default True
        True: the sample standard deviation (``ddof=1``) of the window, the usual trailing
        volatility. False: the root mean square, :math:`\sqrt{\frac{1}{n}\sum r^2}`, the
        convention of variance swaps and of the VIX's realised counterpart.
    align : {"trailing", "forward"}, default "trailing"
        ``"trailing"``: the value at row :math:`t` uses rows :math:`t-n+1 \ldots t` (known at
        :math:`t`). ``"forward"``: it uses rows :math:`t+1 \ldots t+n`, the volatility
        *realised after* :math:`t`, to set against an implied volatility quoted at :math:`t`
        (it looks ahead by construction; NaN for the last ``window`` rows).

    Returns
    -------
    ndarray, Series or DataFrame
        Annualised volatility (decimal), shaped like ``returns``; NaN where the window has a
        missing return or runs past the data.

    Raises
    ------
    InputError
        Infinite returns, more than 2 dimensions, ``window`` out of range,
        ``periods_per_year < 1``, unknown ``align``.
        ``returns`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or options of the wrong type.

    See Also
    --------
    realized_correlation : the rolling average correlation of the same returns.

    Notes
    -----
    With :math:`n` = ``window`` and :math:`m` = ``periods_per_year``:

    .. math::

        \sigma_t = \sqrt{m\,\frac{1}{n-1}\sum_{s}(r_s - \bar r)^2}
        \quad\text{(demean)}, \qquad
        \sigma_t = \sqrt{m\,\frac{1}{n}\sum_{s} r_s^2}\quad\text{(no demean)},

    with :math:`s` over the window's rows. Annualisation is by the square root of time
    (returns assumed serially uncorrelated).

    **Complexity.** O(T·N) time and memory for T rows and N names: window sums from cumulative
    sums restarted every ``window`` rows, so the value at a row is computed from its window's
    returns alone (a huge return before the window does not perturb it, and a window of equal
    returns gives exactly 0).

    References
    ----------
    .. [1] Demeterfi, K., Derman, E., Kamal, M. and Zou, J. (1999), "More than you ever
       wanted to know about volatility swaps", Goldman Sachs Quantitative Strategies
       (realised variance as the mean of squared returns).

    Examples
    --------
    Returns alternating +1% and -1%: the root mean square is 1% per day, 15.87% a year:

    >>> from divergence.dispersion import realized_volatility
    >>> r = [0.01, -0.01] * 3
    >>> vol = realized_volatility(r, window=4, periods_per_year=252, demean=False)
    >>> print(round(float(vol[-1]), 4), round(float(vol[0]), 4))
    0.1587 nan
    """
    x, meta = as_array(returns, "returns", ndim=(1, 2), time_ordered=True)
    m = check_int(periods_per_year, "periods_per_year", minimum=1)
    centre = check_bool(demean, "demean")
    how = check_option(align, "align", _ALIGNS)
    n = check_window(window, x.shape[0], minimum=2 if centre else 1)
    x2 = x.reshape(x.shape[0], -1)
    valid = ~np.isnan(x2)
    # window-local moments (divergence._windows): the value at a row is computed from its
    # window's returns alone, and a window of equal returns has a volatility of exactly 0
    mom = window_moments([x2], valid, n, [(0, 0)] if centre else [])
    if centre:
        ss = np.where(mom.degenerate(0), 0.0, np.maximum(mom.cross[0, 0], 0.0))
        var = ss / (n - 1)
    else:
        var = trailing_sums(np.where(valid, x2 * x2, 0.0), n) / n
    out = np.where(mom.n == n, np.sqrt(m * var), np.nan)
    out[: n - 1] = np.nan
    if how == "forward":
        out = np.concatenate([out[n:], np.full((n, out.shape[1]), np.nan)])
    return meta.wrap_like(out)
