r"""Portfolio tail risk: VaR, CVaR, CVaR budgets and the stock–bond correlation.

Conventions used throughout:

* ``returns`` are decimal returns per period (simple or log; the risk numbers come out in the
  same units and per the same period). A 1-D input is one series; a 2-D input has rows =
  periods and columns = assets, and every statistic is computed **per column** (one value per
  asset): a 2-D ndarray gives a 1-D ndarray, a DataFrame a Series on its columns.
* Losses are reported as **positive numbers**: a VaR of 0.02 means "a loss of 2% of the
  position's value". A distribution whose tail is all gains gives a negative VaR.
* ``confidence`` is :math:`\alpha` (e.g. 0.95); the tail probability is :math:`p = 1 - \alpha`.
* NaN means "no observation"; ``nan_policy`` works per column (``"omit"`` uses the valid
  observations of each column, ``"propagate"`` gives NaN for a column with any NaN,
  ``"raise"`` raises).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from divergence._typing import BoolArray, FloatArray, NanPolicy, PanelLike, SeriesLike
from divergence._validation import (
    MIN_POSITIVE,
    NAN_POLICIES,
    Meta,
    as_array,
    as_per_item,
    check_bool,
    check_float,
    check_int,
    check_lower_bound,
    check_option,
    check_same_layout,
    check_same_rows,
    check_window,
    fmt_label,
    to_caller,
    warn_units,
)
from divergence._windows import window_moments
from divergence.errors import DomainWarning, InputError, UnitWarning

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = [
    "CVaRAllocation",
    "bond_returns_from_yields",
    "conditional_value_at_risk",
    "cvar_diversification",
    "cvar_position_limits",
    "positive_spells",
    "rolling_correlation",
    "stock_bond_returns",
    "value_at_risk",
]

VaRMethod = Literal["historical", "gaussian", "cornish_fisher"]
_METHODS = ("historical", "gaussian", "cornish_fisher")


# --------------------------------------------------------------------------- internals
class _Columns:
    """Validated returns as a (periods x columns) array, with per-column NaN handling."""

    __slots__ = ("meta", "nan_cols", "values")

    def __init__(self, returns: object, nan_policy: str, name: str = "returns") -> None:
        policy = check_option(nan_policy, "nan_policy", NAN_POLICIES)
        values, meta = as_array(returns, name, ndim=(1, 2), copy=False)  # only read
        arr = values.reshape(-1, 1) if values.ndim == 1 else values
        nan = np.isnan(arr)
        if policy == "raise" and nan.any():
            raise InputError(
                f"{name} has {int(nan.sum())} NaN value(s) and nan_policy='raise'; "
                f"first {meta.locate(nan.reshape(meta.shape))}"
            )
        self.nan_cols: BoolArray | None = (
            np.asarray(nan.any(axis=0)) if policy == "propagate" else None
        )
        self.values: FloatArray = arr
        self.meta: Meta = meta
        warn_units(values, name, "return")

    def wrap(self, out: FloatArray, name: str) -> Any:
        if self.nan_cols is not None:
            out = np.where(self.nan_cols, np.nan, out)
        if self.meta.ndim == 1:
            return float(out[0])
        if self.meta.kind == "frame":
            return to_caller(pd.Series(out, index=self.meta.columns, name=name), self.meta)
        return out


def _tail_probability(confidence: object) -> float:
    alpha = check_float(
        confidence, "confidence", minimum=0.0, maximum=1.0, inclusive=(False, False)
    )
    p = 1.0 - alpha
    if p >= 1.0:  # alpha below 2**-54: 1 - alpha rounds to 1 and the normal quantile is inf
        raise InputError(
            f"confidence must be at least {2.0**-53:.3g} (1 - confidence rounds to 1 below "
            f"it), got {alpha:g}"
        )
    return p


def _sorted_tail(values: FloatArray, p: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Columns sorted ascending (NaN last), valid counts and the tail rank k = ceil(n p)."""
    s = np.sort(values, axis=0)
    n = (~np.isnan(values)).sum(axis=0).astype(np.float64)
    # ceil(n p) with a guard against n*p = 5.000000000000001 from 1 - 0.95 in binary
    k = np.ceil(n * p - 1e-9)
    k = np.clip(k, 1.0, np.maximum(n, 1.0))
    return s, n, k


def _historical(values: FloatArray, p: float) -> tuple[FloatArray, FloatArray]:
    """Historical VaR and (Acerbi–Tasche) CVaR per column."""
    n_rows = values.shape[0]
    if not np.isnan(values).any():
        # every column has n_rows observations: one partial sort (O(n)) per column
        k_all = int(min(max(np.ceil(n_rows * p - 1e-9), 1.0), n_rows))
        part = np.partition(np.ascontiguousarray(values.T), k_all - 1, axis=1)
        q_all = part[:, k_all - 1]
        below_all = part[:, : k_all - 1].sum(axis=1)
        np_all = n_rows * p
        es_all = -(below_all + (np_all - (k_all - 1)) * q_all) / np_all
        return -q_all, es_all
    s, n, k = _sorted_tail(values, p)
    ok = n > 0
    kidx = (k - 1.0).astype(np.intp)
    q = np.take_along_axis(s, kidx[None, :], axis=0)[0]
    # sum of the k-1 smallest returns per column (NaN sort last, so never included)
    ranks = np.arange(s.shape[0], dtype=np.float64)[:, None]
    below = np.where(ranks < (k - 1.0)[None, :], s, 0.0).sum(axis=0)
    np_ = n * p
    es = -(below + (np_ - (k - 1.0)) * q) / np.where(ok, np_, 1.0)
    var = -q
    return np.where(ok, var, np.nan), np.where(ok, es, np.nan)


#: Relative spread below which a column counts as constant: the deviations from the mean are
#: then rounding error of the mean itself (pairwise summation errs by a few ulps per level).
_CONSTANT_SPREAD = 64.0 * np.finfo(np.float64).eps

#: Lowest standard-normal quantile a ``confidence`` can reach: 1 - confidence >= 2**-53.
_Z_FLOOR = -8.209536151601387

#: The Cornish–Fisher domain is checked down to the quantile of tail probability
#: ``(1 - confidence) * _CF_TAIL_DEPTH``: that stretch carries 99.9% of the CVaR's tail weight.
_CF_TAIL_DEPTH = 1e-3


def _cf_lower_end(p: float) -> float:
    """Lower end of the tail on which the Cornish–Fisher expansion must increase."""
    from scipy.stats import norm

    return max(_Z_FLOOR, float(norm.ppf(max(p * _CF_TAIL_DEPTH, 2.0**-53))))


def _moments(
    values: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-column mean, sample std (ddof=1), moment skewness, excess kurtosis and count.

    The deviations are divided by their largest magnitude before being squared, cubed and
    raised to the fourth power, so no power overflows (returns up to 1e100) or underflows
    (spreads down to the smallest float); skewness and kurtosis are scale-free and the standard
    deviation is scaled back. A column whose deviations are all within rounding error of its
    mean (below ``_CONSTANT_SPREAD`` times its largest magnitude) is constant: standard
    deviation, skewness and excess kurtosis 0, exactly as for a column of identical values.
    """
    valid = ~np.isnan(values)
    n = valid.sum(axis=0).astype(np.float64)
    x = np.where(valid, values, 0.0)
    mean = np.divide(x.sum(axis=0), n, out=np.full(n.shape, np.nan), where=n > 0)
    dev = np.where(valid, values - mean[None, :], 0.0)
    scale = np.abs(dev).max(axis=0, initial=0.0)
    size = np.abs(x).max(axis=0, initial=0.0)
    spread = scale > _CONSTANT_SPREAD * size
    d = dev / np.where(spread, scale, 1.0)[None, :]
    d2 = d * d
    m2 = np.divide(d2.sum(axis=0), n, out=np.zeros(n.shape), where=n > 0)
    m3 = np.divide((d2 * d).sum(axis=0), n, out=np.zeros(n.shape), where=n > 0)
    m4 = np.divide((d2 * d2).sum(axis=0), n, out=np.zeros(n.shape), where=n > 0)
    ok2 = n > 1
    shaped = ok2 & spread  # m2 >= 1/n here (the largest scaled deviation is 1)
    sd = np.sqrt(np.divide(m2 * n, n - 1.0, out=np.zeros(n.shape), where=shaped)) * np.where(
        shaped, scale, 0.0
    )
    skew = np.divide(m3, m2**1.5, out=np.zeros(n.shape), where=shaped)
    kurt = np.divide(m4, m2 * m2, out=np.full(n.shape, 3.0), where=shaped) - 3.0
    # fewer than two observations: no spread can be estimated
    sd = np.where(ok2, sd, np.nan)
    skew = np.where(ok2, skew, np.nan)
    kurt = np.where(ok2, kurt, np.nan)
    return mean, sd, skew, kurt, n


def _cf_slope_min(
    z_p: float, skew: FloatArray, kurt: FloatArray, z_lo: float = _Z_FLOOR
) -> FloatArray:
    r"""Smallest slope of the Cornish–Fisher quantile function over the tail ``[z_lo, z_p]``.

    :math:`	ilde z'(z) = a z^2 + b z + c` with :math:`a = K/8 - S^2/6`, :math:`b = S/3`,
    :math:`c = 1 - K/8 + 5S^2/36`; its minimum over an interval is at an end, or at the vertex
    :math:`-b/(2a)` when :math:`a > 0` and the vertex lies inside.
    """
    a = kurt / 8.0 - skew * skew / 6.0
    b = skew / 3.0
    c = 1.0 - kurt / 8.0 + 5.0 * skew * skew / 36.0
    lo = min(z_lo, z_p)
    low = (a * lo + b) * lo + c
    high = (a * z_p + b) * z_p + c
    convex = a > 0
    vertex = np.divide(-b, 2.0 * a, out=np.full(a.shape, np.nan), where=convex)
    inside = convex & (vertex > lo) & (vertex < z_p)
    at_vertex = np.where(
        inside, c - np.divide(b * b, 4.0 * a, out=np.zeros(a.shape), where=inside), np.inf
    )
    return np.minimum(np.minimum(low, high), at_vertex)


def _warn_cf_domain(
    bad: BoolArray, skew: FloatArray, kurt: FloatArray, meta: Meta, alpha: float
) -> None:
    """Warn that the Cornish–Fisher quantile is not increasing over the tail of some columns."""
    idx = np.flatnonzero(bad)
    if idx.size == 0:
        return
    j = int(idx[0])
    if meta.ndim == 1:
        where = ""
    else:
        label = meta.columns[j] if meta.columns is not None else j
        where = f" in {idx.size} column(s), first {fmt_label(label)}"
    warnings.warn(
        f"method='cornish_fisher' is outside its domain of validity{where} (sample skewness "
        f"{skew[j]:.3g}, excess kurtosis {kurt[j]:.3g}): the Cornish–Fisher quantile is not "
        f"increasing over the tail at confidence {alpha}, so the VaR can fall as confidence "
        "rises and the CVaR can fall below the VaR. Use method='historical' (or "
        "'gaussian'), or silence DomainWarning if that is understood.",
        DomainWarning,
        stacklevel=5,  # the caller of value_at_risk / conditional_value_at_risk
    )


def _parametric(
    values: FloatArray, p: float, method: str, meta: Meta
) -> tuple[FloatArray, FloatArray]:
    from scipy.stats import norm

    mean, sd, skew, kurt, _ = _moments(values)
    z = float(norm.ppf(p))  # lower-tail quantile, negative for p < 0.5
    phi = float(norm.pdf(z))
    if method == "gaussian":
        return -mean - sd * z, -mean + sd * phi / p
    with np.errstate(invalid="ignore"):  # NaN moments (fewer than two observations) stay NaN
        bad = _cf_slope_min(z, skew, kurt, _cf_lower_end(p)) < 0.0
    _warn_cf_domain(bad, skew, kurt, meta, 1.0 - p)
    zcf = (
        z
        + (z * z - 1.0) * skew / 6.0
        + (z**3 - 3.0 * z) * kurt / 24.0
        - (2.0 * z**3 - 5.0 * z) * skew * skew / 36.0
    )
    tail = 1.0 + z * skew / 6.0 + (z * z - 1.0) * kurt / 24.0 - (2.0 * z * z - 1.0) * skew**2 / 36.0
    return -mean - sd * zcf, -mean + sd * phi / p * tail


def _risk(
    returns: object, confidence: object, method: object, nan_policy: str
) -> tuple[_Columns, FloatArray, FloatArray]:
    p = _tail_probability(confidence)
    how = check_option(method, "method", _METHODS)
    cols = _Columns(returns, nan_policy)
    if how == "historical":
        var, es = _historical(cols.values, p)
    else:
        var, es = _parametric(cols.values, p, how, cols.meta)
    return cols, var, es


# --------------------------------------------------------------------------- VaR / CVaR
def value_at_risk(
    returns: PanelLike,
    *,
    confidence: float = 0.95,
    method: VaRMethod = "historical",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Value at risk: the loss not exceeded with probability ``confidence``.

    Parameters
    ----------
    returns : array_like, Series or DataFrame
        Decimal returns per period. 1-D: one series. 2-D: rows = periods, columns = assets,
        one VaR per column.
    confidence : float, default 0.95
        :math:`\alpha` in :math:`[2^{-53}, 1)`; the tail probability is :math:`p = 1 - \alpha`
        (below :math:`2^{-53}`, :math:`1 - \alpha` rounds to 1).
    method : {"historical", "gaussian", "cornish_fisher"}, default "historical"
        ``"historical"``: empirical quantile; ``"gaussian"``: normal with the sample mean and
        standard deviation; ``"cornish_fisher"``: the normal quantile corrected for sample
        skewness and excess kurtosis. The parametric methods need at least two observations
        per column (NaN otherwise).
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        Per column: ``"omit"`` uses the valid observations (a column with none gives NaN);
        ``"propagate"`` gives NaN for a column with any NaN; ``"raise"`` raises.

    Returns
    -------
    float, ndarray or Series
        The VaR as a positive loss (decimal, per period): a float for 1-D input, one value per
        column for 2-D input (ndarray, or Series on the DataFrame's columns).

    Raises
    ------
    InputError
        ``confidence`` outside :math:`[2^{-53}, 1)`, unknown ``method``, infinite values, empty
        or 3-D input, NaN with ``nan_policy="raise"``.
    TypeError
        Non-numeric input or option of the wrong type.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.
    DomainWarning
        With ``method="cornish_fisher"``, if the expansion is outside its domain of validity:
        its quantile function is not increasing over the tail (see Notes). The result is
        unchanged.

    Notes
    -----
    With the returns of a column sorted, :math:`r_{(1)} \le \dots \le r_{(n)}`, and
    :math:`k = \lceil n p \rceil`:

    .. math::

        \mathrm{VaR}^{\text{hist}}_\alpha = -r_{(k)}, \qquad
        \mathrm{VaR}^{\text{gauss}}_\alpha = -\hat\mu + \hat\sigma z_\alpha, \qquad
        \mathrm{VaR}^{\text{CF}}_\alpha = -\hat\mu - \hat\sigma\, \tilde z_p,

    .. math::

        \tilde z_p = z_p + \frac{(z_p^2 - 1) S}{6} + \frac{(z_p^3 - 3 z_p) K}{24}
                     - \frac{(2 z_p^3 - 5 z_p) S^2}{36},

    where :math:`z_\alpha = \Phi^{-1}(\alpha) = -z_p`, :math:`\hat\mu` is the sample mean,
    :math:`\hat\sigma` the sample standard deviation (``ddof=1``), and :math:`S`, :math:`K` the
    moment estimators of skewness and excess kurtosis (``scipy.stats.skew`` and
    ``scipy.stats.kurtosis`` with their defaults). :math:`-r_{(k)}` is minus the lower
    empirical :math:`p`-quantile, :math:`\inf\{x : F_n(x) \ge p\}` (numpy's
    ``method="inverted_cdf"``); no interpolation.

    **Domain of the Cornish–Fisher expansion.** :math:`\tilde z` is a valid quantile function
    only where it increases in :math:`z` (Maillard [4]_). Its slope is the quadratic

    .. math:: \tilde z'(z) = \Big(\frac{K}{8} - \frac{S^2}{6}\Big) z^2 + \frac{S}{3} z
              + 1 - \frac{K}{8} + \frac{5 S^2}{36},

    and a :class:`~divergence.errors.DomainWarning` is issued for each call in which some column
    has :math:`\tilde z' < 0` somewhere on the tail :math:`[z_{\min}, z_p]`, where
    :math:`z_{\min} = \Phi^{-1}(10^{-3} p)` (:math:`p = 1 -` ``confidence``, and never below
    :math:`\Phi^{-1}(2^{-53}) \approx -8.21`): that stretch carries 99.9% of the probability
    weight of the CVaR's tail. Where the expansion falls there, the VaR falls as the confidence
    rises and the CVaR can fall below the VaR; where it increases, the VaR rises with the
    confidence up to :math:`1 - 10^{-3} p` and the CVaR is at least the VaR (up to the
    0.1% of tail weight beyond :math:`z_{\min}`). The global condition (an increasing
    expansion for every :math:`z`) fails for every negative excess kurtosis, and checking
    down to :math:`-8.21` would flag about a third of Gaussian samples of 250 returns, whose
    sample excess kurtosis is often slightly negative; the checked stretch is the part of the
    tail the requested confidence uses. Strong skewness, and excess kurtosis
    below :math:`4S^2/3` (including every negative excess kurtosis far enough in the tail), leave
    the domain; the historical method has no such limit. Moments are computed on deviations
    scaled by their largest magnitude (no overflow for returns up to :math:`10^{100}`); a column
    whose deviations are within 64 ulps of its magnitude is constant (standard deviation,
    skewness and excess kurtosis 0, as for identical values).

    **Complexity.** Historical method without NaN: O(T·N) expected time, one partial sort
    (introselect) per column; with NaN, one full sort per column, O(N·T·log T). Parametric methods:
    O(T·N) (four moment passes). O(T·N) extra memory (the validated copy and one transposed,
    partitioned or sorted copy); T = observations, N = columns.

    References
    ----------
    .. [1] Jorion, P. (2007), *Value at Risk*, 3rd ed., McGraw-Hill, ch. 5.
    .. [2] Cornish, E. A. and Fisher, R. A. (1938), "Moments and Cumulants in the
       Specification of Distributions", Revue de l'Institut International de Statistique 5,
       307–320.
    .. [3] Favre, L. and Galeano, J.-A. (2002), "Mean-Modified Value-at-Risk Optimization with
       Hedge Funds", Journal of Alternative Investments 5(2), 21–25.
    .. [4] Maillard, D. (2012), "A User's Guide to the Cornish Fisher Expansion", SSRN working
       paper 1997178.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.risk import value_at_risk
    >>> r = np.linspace(-0.05, 0.05, 101)
    >>> print(f"{value_at_risk(r, confidence=0.95):.4f}")
    0.0450
    >>> print(f"{value_at_risk(r, method='gaussian'):.4f}")
    0.0482
    """
    cols, var, _ = _risk(returns, confidence, method, nan_policy)
    return cols.wrap(var, "value_at_risk")


def conditional_value_at_risk(
    returns: PanelLike,
    *,
    confidence: float = 0.95,
    method: VaRMethod = "historical",
    nan_policy: NanPolicy = "omit",
) -> Any:
    r"""Conditional value at risk (expected shortfall): the mean loss in the worst :math:`p` tail.

    Parameters
    ----------
    returns : array_like, Series or DataFrame
        Decimal returns per period. 1-D: one series. 2-D: rows = periods, columns = assets,
        one CVaR per column.
    confidence : float, default 0.95
        :math:`\alpha` in :math:`[2^{-53}, 1)`; the tail probability is :math:`p = 1 - \alpha`
        (below :math:`2^{-53}`, :math:`1 - \alpha` rounds to 1).
    method : {"historical", "gaussian", "cornish_fisher"}, default "historical"
        As in :func:`value_at_risk`.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        As in :func:`value_at_risk`.

    Returns
    -------
    float, ndarray or Series
        The CVaR as a positive loss (decimal, per period): a float for 1-D input, one value per
        column for 2-D input. For ``"historical"`` and ``"gaussian"`` it is never below the VaR;
        for ``"cornish_fisher"`` neither, unless a :class:`~divergence.errors.DomainWarning` says
        the expansion left its domain (see :func:`value_at_risk`).

    Raises
    ------
    InputError
        As in :func:`value_at_risk`.
    TypeError
        As in :func:`value_at_risk`.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``returns`` is above 0.5 (a 50% return per period): the
        values look like percent returns, or prices (every value positive). The result is
        unchanged.
    DomainWarning
        With ``method="cornish_fisher"``, if the expansion is outside its domain of validity:
        its quantile function is not increasing over the tail (see Notes). The result is
        unchanged.

    Notes
    -----
    Historical: the exact expected shortfall of the empirical distribution (Acerbi and Tasche),
    the mean of the :math:`n p` worst outcomes with a fractional weight on the :math:`k`-th,

    .. math::

        \mathrm{CVaR}^{\text{hist}}_\alpha = -\frac{1}{n p}\left(\sum_{i=1}^{k-1} r_{(i)}
        + (n p - k + 1)\, r_{(k)}\right), \qquad k = \lceil n p \rceil .

    When :math:`n p` is an integer this is the plain mean of the :math:`n p` worst returns.
    Gaussian: :math:`-\hat\mu + \hat\sigma\,\varphi(z_\alpha)/(1-\alpha)`. Cornish–Fisher:
    the expected shortfall of the distribution whose quantile function is the Cornish–Fisher
    expansion of :func:`value_at_risk`, integrated exactly over the tail,

    .. math::

        \mathrm{CVaR}^{\text{CF}}_\alpha = -\hat\mu + \hat\sigma\,\frac{\varphi(z_p)}{p}
        \left(1 + \frac{z_p S}{6} + \frac{(z_p^2 - 1) K}{24} - \frac{(2 z_p^2 - 1) S^2}{36}\right),

    which reduces to the Gaussian value when :math:`S = K = 0`. (It differs from the
    Edgeworth-based "modified ES" of Boudt, Peterson and Croux.)

    **Complexity.** As :func:`value_at_risk` (the tail mean reuses the partitioned or sorted
    columns): O(T·N) expected time without NaN, O(N·T·log T) with NaN; O(T·N) extra memory; T =
    observations, N = columns.

    References
    ----------
    .. [1] Acerbi, C. and Tasche, D. (2002), "On the coherence of expected shortfall", Journal
       of Banking & Finance 26(7), 1487–1503.
    .. [2] Rockafellar, R. T. and Uryasev, S. (2000), "Optimization of conditional
       value-at-risk", Journal of Risk 2(3), 21–41.
    .. [3] Boudt, K., Peterson, B. and Croux, C. (2008), "Estimation and decomposition of
       downside risk for portfolios with non-normal returns", Journal of Risk 11(2), 79–103.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.risk import conditional_value_at_risk
    >>> r = np.linspace(-0.05, 0.05, 101)
    >>> print(f"{conditional_value_at_risk(r, confidence=0.95):.4f}")
    0.0480
    """
    cols, _, es = _risk(returns, confidence, method, nan_policy)
    return cols.wrap(es, "conditional_value_at_risk")


# --------------------------------------------------------------------------- CVaR budgets
@dataclass(frozen=True, eq=False)
class CVaRAllocation:
    r"""Euler allocation of a portfolio's historical CVaR (result of :func:`cvar_position_limits`).

    Attributes
    ----------
    weights : ndarray
        Portfolio weights used (fractions of portfolio value).
    contributions : ndarray
        :math:`c_i = -\mathbb{E}[w_i r_i \mid L \ge \mathrm{VaR}]`, decimal loss per period;
        they sum to ``portfolio_cvar``.
    budget : ndarray
        CVaR budget of each position (decimal loss per period).
    utilisation : ndarray
        :math:`c_i / b_i` (above 1 = over budget; NaN for a zero budget).
    limits : ndarray
        First-order maximum weight :math:`w_i b_i / c_i` at which the contribution meets its
        budget (``inf`` when :math:`c_i \le 0`: the position gains in the tail).
    portfolio_var, portfolio_cvar : float
        Historical VaR of the portfolio and the mean loss of the tail scenarios.
    n_tail : int
        Number of tail scenarios (portfolio loss at or beyond the VaR).
    assets : tuple
        Asset labels.

    Notes
    -----
    Built by :func:`cvar_position_limits` only. The Euler contributions add up to the
    portfolio CVaR because historical CVaR is positively homogeneous of degree one in the
    weights; ``limits`` are first-order (they ignore how the tail set moves with the weights).

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.risk import cvar_position_limits
    >>> r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
    >>> res = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75)
    >>> res.within_budget
    False
    >>> print(res.to_frame()[["contribution", "utilisation"]].round(3).to_string())
           contribution  utilisation
    asset
    0             0.020          2.0
    1             0.005          0.5
    """

    weights: FloatArray
    contributions: FloatArray
    budget: FloatArray
    utilisation: FloatArray
    limits: FloatArray
    portfolio_var: float
    portfolio_cvar: float
    n_tail: int
    assets: tuple[Hashable, ...]

    @property
    def within_budget(self) -> bool:
        """Whether every position's contribution is at or below its budget."""
        return bool(np.all(self.contributions <= self.budget))

    def to_frame(self) -> pd.DataFrame:
        """One row per asset: weight, contribution, share of CVaR, budget, utilisation, limit.

        Returns
        -------
        DataFrame
            Index ``asset``; columns ``weight``, ``contribution``, ``share`` (of the portfolio
            CVaR), ``budget``, ``utilisation``, ``limit``.

        Examples
        --------
        >>> import numpy as np
        >>> from divergence.risk import cvar_position_limits
        >>> r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
        >>> res = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75)
        >>> print(res.to_frame()["share"].round(2).tolist())
        [0.8, 0.2]
        """
        share = (
            self.contributions / self.portfolio_cvar
            if self.portfolio_cvar != 0.0
            else np.full_like(self.contributions, np.nan)
        )
        return pd.DataFrame(
            {
                "weight": self.weights,
                "contribution": self.contributions,
                "share": share,
                "budget": self.budget,
                "utilisation": self.utilisation,
                "limit": self.limits,
            },
            index=pd.Index(list(self.assets), name="asset"),
        )

    # ----------------------------------------------------------------- views
    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        over = int(np.sum(self.contributions > self.budget))
        return short_repr(
            "CVaRAllocation",
            {"assets": len(self.assets), "n_tail": self.n_tail},
            f"VaR {format_value(self.portfolio_var)}, CVaR {format_value(self.portfolio_cvar)}, "
            f"{over} over budget",
        )

    def summary(self, *, top: int = 10) -> Summary:
        r"""The portfolio's VaR and CVaR, and the largest contributors against their budgets.

        Parameters
        ----------
        top : int, default 10
            Positions shown, largest CVaR contribution first.

        Returns
        -------
        Summary
            Settings (assets, tail scenarios, portfolio VaR and CVaR as decimal losses per
            period, whether every position is within budget, positions over budget, gross
            weight :math:`\sum_i |w_i|`) and one table ``"Largest contributors"``: the rows of
            :meth:`to_frame` with the largest ``contribution``.

        Raises
        ------
        InputError
            ``top`` < 1.
        TypeError
            ``top`` not an integer.

        Notes
        -----
        Euler contributions :math:`c_i = -\mathbb{E}[w_i r_i \mid L \ge \mathrm{VaR}]` add
        up to the portfolio CVaR: :math:`\sum_i c_i = \mathrm{CVaR}`.

        References
        ----------
        .. [1] Rockafellar, R. T. and Uryasev, S. (2000), "Optimization of conditional
           value-at-risk", Journal of Risk 2(3), 21–41.

        Examples
        --------
        >>> import numpy as np
        >>> from divergence.risk import cvar_position_limits
        >>> r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
        >>> res = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75)
        >>> s = res.summary()
        >>> print(s.settings["Portfolio CVaR"], s.settings["Positions over budget"])
        0.025 1
        """
        from divergence._summary import Summary

        n = check_int(top, "top", minimum=1)
        frame = self.to_frame()
        order = np.argsort(-self.contributions, kind="stable")[:n]
        settings: list[tuple[str, object]] = [
            ("Assets", len(self.assets)),
            ("Tail scenarios", self.n_tail),
            ("Portfolio VaR", self.portfolio_var),
            ("Portfolio CVaR", self.portfolio_cvar),
            ("Within budget", self.within_budget),
            ("Positions over budget", int(np.sum(self.contributions > self.budget))),
            ("Gross weight", float(np.abs(self.weights).sum())),
        ]
        return Summary(
            "CVaR allocation (historical, Euler contributions)",
            settings,
            [("Largest contributors", frame.iloc[order])],
            notes=["Losses are positive decimals per period; utilisation = contribution / budget."],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, *, top: int = 15, ax: Any = None) -> Any:
        r"""Horizontal bars of CVaR contributions against budgets, largest contributors.

        Parameters
        ----------
        top : int, default 15
            Positions drawn, largest contribution at the top.
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on, titled, axes labelled with units.

        Raises
        ------
        InputError
            ``top`` < 1.
        ImportError
            matplotlib is not installed (``pip install "divergence[plot]"``).

        Notes
        -----
        A position whose bar :math:`c_i` is longer than its budget :math:`b_i` is over budget
        (utilisation :math:`c_i / b_i > 1`).

        References
        ----------
        .. [1] Rockafellar, R. T. and Uryasev, S. (2000), "Optimization of conditional
           value-at-risk", Journal of Risk 2(3), 21–41.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import numpy as np
        >>> from divergence.risk import cvar_position_limits
        >>> r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
        >>> ax = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75).plot()
        >>> print(ax.get_xlabel(), len(ax.patches))
        loss per period (decimal) 4
        """
        from divergence.plotting import _plot_cvar_allocation

        n = check_int(top, "top", minimum=1)
        return _plot_cvar_allocation(self.to_frame(), top=n, ax=ax)


def cvar_position_limits(
    returns: PanelLike,
    budget: float | SeriesLike,
    *,
    weights: SeriesLike | None = None,
    confidence: float = 0.95,
) -> CVaRAllocation:
    r"""Each position's contribution to the portfolio's historical CVaR, against a budget.

    Parameters
    ----------
    returns : 2-D array_like or DataFrame
        Asset returns (decimal per period), rows = periods, columns = assets; no NaN (every
        scenario needs every asset).
    budget : float or 1-D array_like
        CVaR budget per position (decimal loss per period, >= 0), one value for all or one per
        asset.
    weights : 1-D array_like or Series, optional
        Portfolio weights (fractions of portfolio value; negative = short). Default: equal
        weights :math:`1/N`.
    confidence : float, default 0.95
        :math:`\alpha` in (0, 1).

    Returns
    -------
    CVaRAllocation
        Contributions, utilisation of the budget and first-order weight limits per asset;
        ``.to_frame()`` gives a table.

    Raises
    ------
    InputError
        NaN or infinite returns, 1-D or 3-D returns, a weight/budget vector of the wrong length
        (or, as a Series, labelled differently from the columns of ``returns``), a negative
        budget (or one between 0 and 1e-100), ``confidence`` outside (0, 1).
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
    Portfolio returns :math:`R_t = \sum_i w_i r_{t,i}`, losses :math:`L_t = -R_t`, VaR the
    historical VaR of :math:`R` (:func:`value_at_risk`). The tail set is
    :math:`T = \{t : L_t \ge \mathrm{VaR}\}` (ties included) and

    .. math::

        c_i = -\frac{1}{|T|}\sum_{t \in T} w_i r_{t,i}, \qquad
        \sum_i c_i = \frac{1}{|T|}\sum_{t\in T} L_t = \mathrm{CVaR}.

    This is the Euler (gradient) allocation of CVaR, :math:`c_i = w_i\,\partial
    \mathrm{CVaR}/\partial w_i`, estimated on the historical scenarios; so that the
    contributions add up *exactly*, the portfolio CVaR here is the plain tail mean (no
    fractional correction, unlike :func:`conditional_value_at_risk`). The limit
    :math:`w_i b_i / c_i` uses the homogeneity of :math:`c_i` in :math:`w_i` with the tail
    scenarios held fixed: it is a first-order guide, not an optimiser.

    **Complexity.** O(T·N) time (the portfolio return is one matrix-vector product, its VaR one
    O(T) partial sort, the contributions one mean over the tail rows); O(T·N) extra memory (the
    validated copy and the tail rows); T = observations, N = assets.

    References
    ----------
    .. [1] Tasche, D. (1999), "Risk contributions and performance measurement", working paper,
       TU München.
    .. [2] Scaillet, O. (2004), "Nonparametric estimation and sensitivity analysis of expected
       shortfall", Mathematical Finance 14(1), 115–129.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.risk import cvar_position_limits
    >>> r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
    >>> res = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75)
    >>> print(res.contributions.round(4), f"{res.portfolio_cvar:.4f}")
    [0.02  0.005] 0.0250
    """
    values, meta = as_array(returns, "returns", ndim=2, allow_nan=False)
    n_assets = values.shape[1]
    labels: tuple[Hashable, ...] = (
        tuple(meta.columns) if meta.columns is not None else tuple(range(n_assets))
    )
    if weights is None:
        w = np.full(n_assets, 1.0 / n_assets)
    else:
        w, wmeta = as_array(weights, "weights", ndim=1, allow_nan=False)
        if w.shape[0] != n_assets:
            raise InputError(
                f"weights must have one value per column of returns ({n_assets}), got {w.shape[0]}"
            )
        _check_asset_labels(wmeta, meta)
    b = _vector(budget, "budget", n_assets, meta)
    tiny = (b > 0) & (b < MIN_POSITIVE)
    if tiny.any():
        raise InputError(
            f"budget has {int(tiny.sum())} value(s) between 0 and {MIN_POSITIVE:g} (a divisor): "
            "pass 0 for no budget or a meaningful loss"
        )
    p = _tail_probability(confidence)
    warn_units(values, "returns", "return")
    port = values @ w
    var, _ = _historical(port[:, None], p)
    port_var = float(var[0])
    tail = -port >= port_var
    n_tail = int(tail.sum())
    contrib = -(values[tail] * w[None, :]).mean(axis=0)
    cvar = float(contrib.sum())
    util = np.divide(contrib, b, out=np.full(n_assets, np.nan), where=b > 0)
    limits = np.full(n_assets, np.inf)
    pos = contrib > 0
    with np.errstate(over="ignore"):  # a vanishing contribution: no binding limit (+inf)
        limits[pos] = w[pos] * b[pos] / contrib[pos]
    for arr in (w, contrib, b, util, limits):
        arr.setflags(write=False)
    return CVaRAllocation(w, contrib, b, util, limits, port_var, cvar, n_tail, labels)


def _check_asset_labels(vmeta: Meta, meta: Meta) -> None:
    """A per-asset Series must be labelled like the columns of the returns panel."""
    labelled = vmeta.kind == "series" and meta.columns is not None and vmeta.index is not None
    if labelled and not vmeta.index.equals(meta.columns):  # type: ignore[union-attr]
        raise InputError(
            f"{vmeta.name}'s index does not match the columns of {meta.name}; "
            "reindex it to the same names in the same order"
        )


def _vector(value: object, name: str, n: int, meta: Meta) -> FloatArray:
    return as_per_item(
        value,
        name,
        n,
        of=f"column of {meta.name}",
        check_labels=lambda vmeta: _check_asset_labels(vmeta, meta),
        nonnegative=True,
    )


# --------------------------------------------------------------------------- rolling correlation
def rolling_correlation(a: PanelLike, b: PanelLike, *, window: int) -> Any:
    r"""Rolling Pearson correlation over the last ``window`` periods, from cumulative sums.

    Parameters
    ----------
    a : array_like, Series or DataFrame
        First series (1-D) or panel (2-D, rows = periods).
    b : array_like, Series or DataFrame
        Second series: same shape as ``a``, or 1-D with one value per row of a 2-D ``a``
        (correlated with every column). Pandas inputs must share the index (and columns).
    window : int
        Number of periods (>= 2, at most the number of rows).

    Returns
    -------
    ndarray, Series or DataFrame
        Same shape and type as ``a``. Row ``t`` uses rows ``t - window + 1 .. t`` only (no
        look-ahead); NaN for the first ``window - 1`` rows, for windows with a NaN in either
        input and for windows where either input is constant (as pandas).

    Raises
    ------
    InputError
        ``window`` longer than the data or below 2; shapes or indexes that do not match;
        infinite values; empty or 3-D input.
        ``a`` or ``b`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()``
        or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or a non-integer ``window``.

    Notes
    -----
    With windowed sums :math:`S_x, S_y, S_{xx}, S_{yy}, S_{xy}` over :math:`w` points,

    .. math::

        \rho = \frac{w S_{xy} - S_x S_y}
                    {\sqrt{(w S_{xx} - S_x^2)(w S_{yy} - S_y^2)}} .

    The windowed sums come from cumulative sums restarted every ``window`` rows, each taken
    around a value inside the window, and the pieces of a window are combined by the pairwise
    update of Chan, Golub and LeVeque [3]_; so the value at row ``t`` is computed from rows
    ``t - window + 1 .. t`` alone (a huge value earlier in the series does not perturb it, not
    even by rounding), and a window in which either input is constant (judged against the
    window's own values) gives NaN whatever came before. The result matches
    ``a.rolling(window).corr(b)`` of pandas to about 1e-10 on returns-like data.

    **Complexity.** O(T·N) time whatever the window: block-restarted cumulative sums, no
    per-window loop; O(T·N) extra memory (about fifteen float64 arrays of the panel's size at
    peak). T = rows, N = columns.

    References
    ----------
    .. [1] pandas, ``Rolling.corr``, https://pandas.pydata.org/docs/ (the reference
       implementation this function matches).
    .. [2] Ilmanen, A. (2003), "Stock-Bond Correlations", Journal of Fixed Income 13(2), 55–66.
    .. [3] Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983), "Algorithms for computing the
       sample variance: analysis and recommendations", The American Statistician 37(3),
       242–247.

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.risk import rolling_correlation
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> print(rolling_correlation(x, np.array([2.0, 4.0, 5.0, 4.0, 5.0]), window=3).round(3))
    [  nan   nan 0.982 0.    0.   ]
    """
    # read-only views: the inputs are only read
    av, am = as_array(a, "a", ndim=(1, 2), copy=False, time_ordered=True)
    bv, bm = as_array(b, "b", ndim=(1, 2), copy=False, time_ordered=True)
    if am.ndim == 2 and bm.ndim == 1:
        check_same_rows(am, bm)
        y = bv[:, None]
    else:
        check_same_layout(am, bm)
        y = bv.reshape(av.shape[0], -1)
    w = check_window(window, av.shape[0], minimum=2)
    x = av.reshape(av.shape[0], -1)
    out = _rolling_corr(x, y, w)
    return am.wrap_like(out.reshape(av.shape))


def _rolling_corr(x: FloatArray, y: FloatArray, w: int) -> FloatArray:
    """Rolling correlation of the columns of ``x`` with those of ``y`` (same width, or one).

    Window-local moments (:mod:`divergence._windows`): every number in the value at row t comes
    from rows t-w+1 .. t, and "constant in the window" is judged against the window's own
    values, so nothing earlier in the series (a huge value, a long history) changes it.
    """
    n_cols = x.shape[1]
    y = np.broadcast_to(y, (y.shape[0], n_cols))
    valid = ~np.isnan(x) & ~np.isnan(y)
    mom = window_moments([x, y], valid, w, [(0, 0), (1, 1), (0, 1)])
    ok = (mom.n == w) & ~mom.degenerate(0) & ~mom.degenerate(1)
    # sqrt of each variance before the product (the product of the two could overflow)
    den = np.sqrt(np.maximum(mom.cross[0, 0], 0.0)) * np.sqrt(np.maximum(mom.cross[1, 1], 0.0))
    rho = np.full(x.shape, np.nan)
    np.divide(mom.cross[0, 1], den, out=rho, where=ok)
    np.clip(rho, -1.0, 1.0, out=rho, where=ok)
    rho[: w - 1] = np.nan
    return rho


# --------------------------------------------------------------------------- bond returns
def bond_returns_from_yields(
    yields: SeriesLike,
    *,
    periods_per_year: float,
    maturity: float = 10.0,
    coupons_per_year: int = 2,
    convexity: bool = True,
) -> Any:
    r"""Approximate returns of a constant-maturity par bond from its yield series.

    Parameters
    ----------
    yields : 1-D array_like or Series
        Yields to maturity, **decimal** per year (0.045 = 4.5%; FRED and Shiller publish
        percent: use ``load_fred(..., units="decimal")`` or divide by 100), one per period.
    periods_per_year : float
        Observations per year (252 for daily, 12 for monthly); explicit, never inferred.
    maturity : float, default 10.0
        Bond maturity in years.
    coupons_per_year : int, default 2
        Coupon frequency (U.S. Treasuries pay twice a year).
    convexity : bool, default True
        Add the second-order term :math:`\tfrac12 C \Delta y^2`.

    Returns
    -------
    ndarray or Series
        Decimal return per period, same index as ``yields``; the first value is NaN (no lagged
        yield), as is any return next to a missing yield.

    Raises
    ------
    InputError
        Non-positive ``periods_per_year`` or ``maturity``, infinite values, yields at or below
        -1 (-100%), empty input, more than 3,000 coupon payments (``maturity`` ×
        ``coupons_per_year``). Negative yields so low that the principal's discount factor
        :math:`(1 + y/m)^{-N}` exceeds :math:`10^6`, i.e. below
        :math:`m\,(e^{-\ln(10^6)/N} - 1)`: -99.8% for the default 10-year semiannual bond,
        -45% for a 30-year monthly one, -0.92% for a 1,500-year semiannual one. There the
        price, duration and convexity sums cancel terms up to that size and lose their
        accuracy (and overflow further down).
        ``yields`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``yields`` is above 1 (100%): the values look like percent,
        not decimals. The result is unchanged.

    Notes
    -----
    At :math:`t-1` a par bond with coupon :math:`y_{t-1}` is bought; over the period it earns
    its carry and is revalued at :math:`y_t`:

    .. math::

        r_t \approx \frac{y_{t-1}}{f} - D_{t-1}\,\Delta y_t + \tfrac12 C_{t-1}\,\Delta y_t^2,

    where :math:`f` is ``periods_per_year`` and, with :math:`m` coupons a year,
    :math:`v = 1/(1 + y/m)` and :math:`N = m T` payments, the modified duration and
    convexity of the par bond are

    .. math::

        D = \frac{1 - v^{N}}{y}, \qquad
        C = \sum_{k=1}^{N} \frac{k (k+1)}{m^2}\, \mathrm{CF}_k\, v^{k+2},
        \quad \mathrm{CF}_k = \frac{y}{m} + \mathbb{1}[k = N].

    Roll-down (the bond is one period shorter at :math:`t`) and the exact repricing error
    (third order in :math:`\Delta y`) are ignored. On Shiller's monthly GS10 yields,
    1953–2025, the result has a correlation above 0.9999 with Shiller's own bond-return series
    (an exact repricing; his row :math:`t` holds the return from :math:`t` to :math:`t+1`) and
    a median absolute gap of about 2e-5 a month.

    **Complexity.** O(T·M) time and memory, M = ``round(maturity × coupons_per_year)`` payment
    dates: the par bond's cash flows are discounted at every date to get its duration and
    convexity.

    References
    ----------
    .. [1] Fabozzi, F. J. (2007), *Fixed Income Analysis*, 2nd ed., ch. 7 (duration and
       convexity).
    .. [2] Shiller, R. J., "Online Data" (ie_data.xls), bond-return methodology.

    Examples
    --------
    >>> from divergence.risk import bond_returns_from_yields
    >>> r = bond_returns_from_yields([0.04, 0.05], periods_per_year=12)
    >>> print(f"{r[1]:.5f}")
    -0.07448
    """
    y, meta = as_array(yields, "yields", ndim=1, time_ordered=True)
    check_lower_bound(y, meta, -1.0, strict=True, note=" (-100%, not a decimal yield)")
    warn_units(y, "yields", "rate")
    r = _bond_returns(y, meta, periods_per_year, maturity, coupons_per_year, convexity)
    return meta.wrap_rows(r, name="bond_return")


#: Most coupon payments a bond of bond_returns_from_yields may have (memory: rows x payments).
_MAX_PAYMENTS = 3_000

#: Largest discount factor (1 + y/m)^-N accepted for a negative yield: the par bond's price,
#: duration and convexity are sums of terms up to this size that cancel to O(1), so their
#: relative rounding error grows in proportion to it (about 1e-8 at the floor of a bond with
#: 3,000 payments, against the closed-form duration).
_MAX_DISCOUNT = 1e6


def _bond_returns(
    y: FloatArray,
    meta: Meta,
    periods_per_year: float,
    maturity: float,
    coupons_per_year: int,
    convexity: bool,
) -> FloatArray:
    """:func:`bond_returns_from_yields` on checked yields ``y`` (``meta`` names the argument)."""
    f = check_float(periods_per_year, "periods_per_year", minimum=0.0, inclusive=(False, True))
    mat = check_float(maturity, "maturity", minimum=0.0, inclusive=(False, True))
    m = check_int(coupons_per_year, "coupons_per_year", minimum=1)
    conv = check_bool(convexity, "convexity")
    if mat * m > _MAX_PAYMENTS:
        raise InputError(
            f"maturity={mat:g} years with coupons_per_year={m} gives {mat * m:.3g} coupon "
            f"payments; at most {_MAX_PAYMENTS:,} are supported (a 100-year bond paying "
            "monthly has 1,200)"
        )
    n_pay = max(round(mat * m), 1)
    # (1 + y/m)^-N <= _MAX_DISCOUNT  <=>  y >= m (exp(-ln(_MAX_DISCOUNT) / N) - 1)
    floor = m * math.expm1(-math.log(_MAX_DISCOUNT) / n_pay)
    check_lower_bound(
        y,
        meta,
        floor,
        strict=False,
        note=(
            f" (for a {mat:g}-year bond with {m} coupon(s) a year, a lower yield discounts "
            f"the principal by a factor above {_MAX_DISCOUNT:.0e}, where its "
            "duration and convexity lose their accuracy to cancellation)"
        ),
    )
    y_lag: FloatArray = np.r_[np.nan, y[:-1]]
    dy = y - y_lag
    dur, cvx = _par_duration_convexity(y_lag, m, n_pay)
    r: FloatArray = y_lag / f - dur * dy
    if conv:
        r = r + 0.5 * cvx * dy * dy
    return r


def _par_duration_convexity(y: FloatArray, m: int, n_pay: int) -> tuple[FloatArray, FloatArray]:
    """Modified duration and convexity (years, years^2) of a par bond, vectorised over ``y``."""
    k = np.arange(1, n_pay + 1, dtype=np.float64)[None, :]
    v = 1.0 / (1.0 + y[:, None] / m)
    cf = np.broadcast_to(y[:, None] / m, (y.shape[0], n_pay)).copy()
    cf[:, -1] += 1.0
    price = (cf * v**k).sum(axis=1)
    dur = (cf * (k / m) * v ** (k + 1.0)).sum(axis=1) / price
    cvx = (cf * k * (k + 1.0) / (m * m) * v ** (k + 2.0)).sum(axis=1) / price
    return dur, cvx


# --------------------------------------------------------------------------- stock-bond helpers
def stock_bond_returns(
    stock_index: SeriesLike,
    bond_yields: SeriesLike,
    *,
    periods_per_year: float,
    maturity: float = 10.0,
) -> Any:
    r"""Aligned stock returns (from an index level) and bond returns (from a yield series).

    Parameters
    ----------
    stock_index : 1-D array_like or Series
        Stock index level per period, strictly positive (a total-return index for total
        returns; any currency unit). NaN = missing.
    bond_yields : 1-D array_like or Series
        Constant-maturity yields, **decimal** per year (0.045 = 4.5%), one per period.
    periods_per_year : float
        Observations per year (12 monthly, 252 daily); explicit, never inferred.
    maturity : float, default 10.0
        Bond maturity in years (see :func:`bond_returns_from_yields`).

    Returns
    -------
    DataFrame
        Columns ``stock`` and ``bond`` (decimal returns per period). Two Series are joined on
        their index (inner join, after each return is computed on its own index); arrays must
        have the same length and get a RangeIndex. Rows where either return is NaN (the first
        period, and any return next to a missing value) are dropped. Two polars Series (no
        labels) are matched by position and give a polars DataFrame whose first column,
        ``index``, holds the positions of the rows kept.

    Raises
    ------
    InputError
        Non-positive stock levels; yields at or below -1, or below the negative-yield floor
        of the bond (see :func:`bond_returns_from_yields`); arrays of different lengths; bad
        ``periods_per_year`` or ``maturity``; empty or non-1-D input.
        ``stock_index`` or ``bond_yields`` with unsorted, duplicate or missing (NaT) dates: sort
        with ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input; one Series and one array.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``bond_yields`` is above 1 (100%): the values look like
        percent, not decimals. The result is unchanged.

    Notes
    -----
    .. math:: r^S_t = \frac{P_t}{P_{t-1}} - 1, \qquad
              r^B_t \approx \frac{y_{t-1}}{f} - D_{t-1}\,\Delta y_t
              + \tfrac12 C_{t-1}\,\Delta y_t^2

    with :math:`f` ``periods_per_year`` and :math:`D, C` the modified duration and convexity
    of a par bond (:func:`bond_returns_from_yields`). Neither series is filled: a holiday in
    one market drops that row rather than stretching a return over two periods.

    **Complexity.** O(T·M) time and memory, M = coupon payments of the bond (as
    :func:`bond_returns_from_yields`); the join is O(T log T).

    References
    ----------
    .. [1] Fabozzi, F. J. (2007), *Fixed Income Analysis*, 2nd ed., ch. 7 (duration and
       convexity).
    .. [2] Ilmanen, A. (2003), "Stock-Bond Correlations", Journal of Fixed Income 13(2), 55–66.

    Examples
    --------
    >>> from divergence.risk import stock_bond_returns
    >>> df = stock_bond_returns([100.0, 102.0, 99.96], [0.04, 0.05, 0.05], periods_per_year=12)
    >>> print(df.round(5).to_string())
       stock     bond
    1   0.02 -0.07448
    2  -0.02  0.00417
    """
    s, smeta = as_array(stock_index, "stock_index", ndim=1, positive=True, time_ordered=True)
    y, ymeta = as_array(bond_yields, "bond_yields", ndim=1, time_ordered=True)
    check_lower_bound(y, ymeta, -1.0, strict=True, note=" (-100%, not a decimal yield)")
    warn_units(y, "bond_yields", "rate")
    bond = _bond_returns(y, ymeta, periods_per_year, maturity, 2, True)
    stock = np.r_[np.nan, s[1:] / s[:-1] - 1.0]
    if smeta.kind == "series" and ymeta.kind == "series":
        frame = pd.concat(
            [
                pd.Series(stock, index=smeta.index, name="stock"),
                pd.Series(bond, index=ymeta.index, name="bond"),
            ],
            axis=1,
            join="inner",
        )
        if frame.empty:
            raise InputError("stock_index and bond_yields have no index label in common")
    elif smeta.kind == "series" or ymeta.kind == "series":
        raise TypeError(
            "stock_index and bond_yields must both be Series (joined on their index) or both "
            f"arrays, got {type(stock_index).__name__} and {type(bond_yields).__name__}"
        )
    else:
        if bond.shape[0] != stock.shape[0]:
            raise InputError(
                f"stock_index has {stock.shape[0]} values but bond_yields has {bond.shape[0]}; "
                "arrays must have the same length (pass Series to join on dates)"
            )
        frame = pd.DataFrame({"stock": stock, "bond": bond})
    return to_caller(frame.dropna(), smeta, ymeta)


def positive_spells(x: SeriesLike, *, min_length: int = 1) -> Any:
    r"""Runs of consecutive strictly positive values (e.g. of a rolling correlation).

    Parameters
    ----------
    x : 1-D array_like or Series
        Values in time order; NaN ends a run (it is not positive).
    min_length : int, default 1
        Shortest run reported, in periods (>= 1).

    Returns
    -------
    DataFrame
        One row per run, in time order, with columns ``start`` and ``end`` (index labels of
        the first and last positive value; positions for an array or a polars Series, which
        gives a polars DataFrame) and ``length`` (number of periods). Empty (with these
        columns) when there is no such run.

    Raises
    ------
    InputError
        ``min_length < 1``; empty, non-1-D or infinite input.
        ``x`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input; ``min_length`` not an integer.

    Notes
    -----
    With :math:`p_t = \mathbb{1}[x_t > 0]`, a run is a maximal interval
    :math:`[a, b]` with :math:`p_a = \dots = p_b = 1`, kept when :math:`b - a + 1 \ge`
    ``min_length``. Starts and ends are where :math:`p_t - p_{t-1}` is :math:`+1` and
    :math:`-1` (with :math:`p = 0` outside the sample), so a run still open at the end of the
    sample ends at the last observation.

    **Complexity.** O(T) time and O(T) extra memory (one difference of the indicator).

    References
    ----------
    .. [1] Ilmanen, A. (2003), "Stock-Bond Correlations", Journal of Fixed Income 13(2), 55–66
       (regimes of positive stock-bond correlation).

    Examples
    --------
    >>> from divergence.risk import positive_spells
    >>> print(positive_spells([0.1, 0.2, -0.1, 0.3, 0.1, 0.2, float("nan"), 0.5], min_length=2))
       start  end  length
    0      0    1       2
    1      3    5       3
    """
    v, meta = as_array(x, "x", ndim=1, time_ordered=True)
    k = check_int(min_length, "min_length", minimum=1)
    with np.errstate(invalid="ignore"):
        pos = np.where(np.isnan(v), False, v > 0)
    edges = np.diff(np.r_[0, pos.astype(np.int8), 0])
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1) - 1
    length = ends - starts + 1
    keep = length >= k
    starts, ends, length = starts[keep], ends[keep], length[keep]
    labels = meta.index if meta.index is not None else pd.RangeIndex(v.shape[0])
    out = pd.DataFrame(
        {"start": labels[starts], "end": labels[ends], "length": length.astype(np.int64)}
    )
    return to_caller(out, meta)


def cvar_diversification(
    returns: PanelLike,
    weights: SeriesLike,
    *,
    confidence: float = 0.95,
) -> float:
    r"""Share of the weighted stand-alone CVaR that a portfolio's mix removes.

    Parameters
    ----------
    returns : 2-D array_like or DataFrame
        Decimal returns per period, rows = periods, columns = assets. Rows with any NaN are
        dropped (the portfolio needs every asset's return).
    weights : 1-D array_like or Series
        Non-negative portfolio weights, one per column (a Series must be labelled like the
        columns). They need not sum to 1.
    confidence : float, default 0.95
        :math:`\alpha` of the historical CVaR (:func:`conditional_value_at_risk`).

    Returns
    -------
    float
        :math:`D` below (decimal; 0.2 = the mix cuts the tail loss by 20% of the weighted
        stand-alone losses). NaN when the weighted stand-alone CVaR is not positive.

    Raises
    ------
    InputError
        Negative weights; weights of the wrong length or labels; a ``confidence`` outside
        (0, 1); empty input or no row without NaN.
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
    With historical CVaR (losses positive; Acerbi–Tasche tail mean) and :math:`r^P_t =
    \sum_i w_i r_{i,t}`,

    .. math:: D = 1 - \frac{\mathrm{CVaR}_\alpha(r^P)}{\sum_i w_i\,\mathrm{CVaR}_\alpha(r_i)}.

    CVaR is subadditive and positively homogeneous (a coherent risk measure), so
    :math:`D \ge 0` whenever the denominator is positive; :math:`D = 0` for perfectly
    comonotonic assets.

    **Complexity.** O(T·N) expected time (one partition per column and for the portfolio);
    O(T·N) extra memory; T = periods, N = assets.

    References
    ----------
    .. [1] Acerbi, C. and Tasche, D. (2002), "On the coherence of expected shortfall", Journal
       of Banking & Finance 26(7), 1487–1503.

    Examples
    --------
    Two assets whose worst months never coincide: each loses 10% in one month of ten, the
    50/50 mix loses 5% in two, so its 90% CVaR halves.

    >>> import numpy as np
    >>> from divergence.risk import cvar_diversification
    >>> r = np.zeros((10, 2))
    >>> r[0, 0] = r[1, 1] = -0.10
    >>> print(f"{cvar_diversification(r, [0.5, 0.5], confidence=0.9):.4f}")
    0.5000
    """
    values, meta = as_array(returns, "returns", ndim=2)
    w = _vector(weights, "weights", values.shape[1], meta)
    rows = ~np.isnan(values).any(axis=1)
    if not rows.any():
        raise InputError("returns has no row without NaN")
    clean = values[rows]
    with warnings.catch_warnings():  # a bad confidence raises first; units are said below
        warnings.simplefilter("ignore", UnitWarning)
        alone = np.asarray(
            conditional_value_at_risk(clean, confidence=confidence), dtype=np.float64
        )
        port = float(conditional_value_at_risk(clean @ w, confidence=confidence))
    warn_units(values, "returns", "return")
    denom = float(w @ alone)
    if not denom > 0:
        return float("nan")
    return 1.0 - port / denom
