r"""Real terms: deflating, real growth, nominal illusion and the real cost of capital.

The "structural real cost shift" asks how much of a nominal quantity's growth is only
inflation. :func:`deflate` turns money of different dates into money of one date,
:func:`real_growth` measures growth in constant money, :func:`nominal_illusion` is the part of
nominal growth that inflation alone explains, and :func:`real_cost_of_capital` deflates a
nominal weighted cost of capital with the Fisher equation.

Conventions: rows are dates, columns separate series; pandas in, pandas out. Growth rates and
rates are decimals; annualised values need an explicit ``periods_per_year``. Look-backs are
trailing (a value at ``t`` uses rows ``t - periods`` and ``t`` only).
"""

from __future__ import annotations

import warnings
from typing import Any, Literal

import numpy as np

from divergence._numeric import lag_rows, safe_divide
from divergence._typing import FloatArray, PanelLike
from divergence._validation import (
    Meta,
    as_array,
    check_float,
    check_int,
    check_lag,
    check_option,
    check_same_layout,
    warn_units,
)
from divergence.errors import InputError, UnitWarning
from divergence.premia import real_rate

__all__ = ["deflate", "nominal_illusion", "real_cost_of_capital", "real_growth"]


def _series_pair(
    nominal: object, price_index: object, *, positive_nominal: bool
) -> tuple[FloatArray, FloatArray, Meta]:
    nv, nm = as_array(nominal, "nominal", ndim=(1, 2), positive=positive_nominal, time_ordered=True)
    pv, pm = as_array(price_index, "price_index", ndim=(1, 2), positive=True, time_ordered=True)
    check_same_layout(nm, pm)
    return nv, pv, nm


def _growth(values: FloatArray, k: int, ppy: int | None, meta: Meta, what: str) -> FloatArray:
    with np.errstate(over="ignore"):  # a ratio beyond 1e308 becomes inf, refused below
        ratio = safe_divide(values, lag_rows(values, k))
    out: FloatArray
    if ppy is None:
        out = ratio - 1.0
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            out = np.power(ratio, ppy / k) - 1.0
    beyond = np.isinf(out)
    if beyond.any():
        growth = "growth" if ppy is None else "annualised growth"
        raise InputError(
            f"{what} implies {growth} beyond float range (above 1e308) with "
            f"periods={k} and periods_per_year={ppy} in {int(beyond.sum())} value(s); first "
            f"{meta.locate(beyond)}. Check the units and periods_per_year."
        )
    return out


def _periods(periods: object, ppy: object, n_rows: int) -> tuple[int, int | None]:
    k = check_lag(periods, n_rows, "periods")
    m = None if ppy is None else check_int(ppy, "periods_per_year", minimum=1)
    return k, m


def deflate(nominal: PanelLike, price_index: PanelLike, *, base: float | None = None) -> Any:
    r"""Express nominal money amounts in the money of one price level.

    Parameters
    ----------
    nominal : array_like, Series or DataFrame
        Money amounts in current units of each date (e.g. earnings per share); may be negative.
    price_index : array_like, Series or DataFrame
        Price level (e.g. CPI), strictly positive, same layout.
    base : float, optional
        Price level whose money the result is expressed in (e.g. 100 for "1982–84 dollars" with
        CPI-U). Default: the last non-NaN value of ``price_index`` (Shiller's convention,
        "today's dollars"); note that this default uses the *last* row, so levels at ``t`` then
        depend on later data (growth rates do not). Pass a number for a fixed base.

    Returns
    -------
    ndarray, Series or DataFrame
        Real amounts in the money of ``base``, shaped like ``nominal``.

    Raises
    ------
    InputError
        Non-positive price levels or ``base``; layouts differ; infinite values.
        ``nominal`` or ``price_index`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or ``base``.

    Notes
    -----
    .. math:: X^{real}_t = X_t \, \frac{I_{base}}{I_t}

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] U.S. Bureau of Labor Statistics, "Using the CPI to deflate": constant-dollar
       series as current-dollar values times the ratio of the base index to the current index.

    Examples
    --------
    >>> from divergence.real import deflate
    >>> print(deflate([10.0, 11.0], [100.0, 110.0], base=100.0).round(2))
    [10. 10.]
    """
    nv, pv, nm = _series_pair(nominal, price_index, positive_nominal=False)
    if base is None:
        p2 = pv.reshape(pv.shape[0], -1)
        ok = ~np.isnan(p2)
        last = np.where(ok.any(axis=0), p2.shape[0] - 1 - np.argmax(ok[::-1], axis=0), 0)
        ref = p2[last, np.arange(p2.shape[1])].reshape(pv.shape[1:])
    else:
        ref = np.asarray(check_float(base, "base", minimum=0.0, inclusive=(False, True)))
    return nm.wrap_like(nv * ref / pv)


def real_growth(
    nominal: PanelLike,
    price_index: PanelLike,
    *,
    periods: int = 1,
    periods_per_year: int | None = None,
) -> Any:
    r"""Growth of a nominal quantity in constant money over a trailing window.

    Parameters
    ----------
    nominal : array_like, Series or DataFrame
        Nominal level (e.g. earnings per share), strictly positive where observed.
    price_index : array_like, Series or DataFrame
        Price level, strictly positive, same layout.
    periods : int, default 1
        Look-back in rows.
    periods_per_year : int, optional
        If given, the growth is annualised (compounded) with this many rows per year;
        otherwise it is the growth over ``periods`` rows.

    Returns
    -------
    ndarray, Series or DataFrame
        Real growth, decimal (per year if annualised); NaN for the first ``periods`` rows.

    Raises
    ------
    InputError
        Non-positive levels; layouts differ; ``periods`` < 1 or longer than the data; growth
        so extreme that the annualised rate overflows.
        ``nominal`` or ``price_index`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-integer ``periods`` / ``periods_per_year``; non-numeric input.

    Notes
    -----
    .. math:: 1 + g^{real}_t = \left(\frac{X_t / X_{t-k}}{I_t / I_{t-k}}\right)^{m/k}

    (:math:`m/k = 1` when not annualised). Deflating to any base gives the same growth.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Shiller, R. J. (2015), *Irrational Exuberance*, 3rd ed., Princeton UP: real
       earnings growth of the S&P composite.

    Examples
    --------
    >>> from divergence.real import real_growth
    >>> print(real_growth([100.0, 110.0], [100.0, 104.0]).round(4))
    [   nan 0.0577]
    """
    nv, pv, nm = _series_pair(nominal, price_index, positive_nominal=True)
    k, m = _periods(periods, periods_per_year, nv.shape[0])
    return nm.wrap_like(_growth(nv / pv, k, m, nm, "nominal / price_index"))


def nominal_illusion(
    nominal: PanelLike,
    price_index: PanelLike,
    *,
    periods: int = 1,
    periods_per_year: int | None = None,
) -> Any:
    r"""The part of nominal growth that is only inflation: nominal minus real growth.

    Parameters
    ----------
    nominal : array_like, Series or DataFrame
        Nominal level, strictly positive where observed.
    price_index : array_like, Series or DataFrame
        Price level, strictly positive, same layout.
    periods : int, default 1
        Look-back in rows.
    periods_per_year : int, optional
        Annualise both growth rates (compounded) with this many rows per year.

    Returns
    -------
    ndarray, Series or DataFrame
        Nominal growth minus real growth, decimal (per year if annualised); NaN for the first
        ``periods`` rows.

    Raises
    ------
    InputError
        As :func:`real_growth`.
        ``nominal`` or ``price_index`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        As :func:`real_growth`.

    Notes
    -----
    With :math:`g` nominal growth and :math:`\pi` inflation over the same window,

    .. math:: g - g^{real} = g - \left(\frac{1+g}{1+\pi} - 1\right) = \frac{(1+g)\,\pi}{1+\pi}

    which is close to :math:`\pi` for small rates: the growth an investor sees in nominal
    statements but cannot spend.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Modigliani, F. & Cohn, R. A. (1979), "Inflation, rational valuation and the
       market", *Financial Analysts Journal* 35(2), 24–44 (money illusion in valuation).

    Examples
    --------
    >>> from divergence.real import nominal_illusion
    >>> print(nominal_illusion([100.0, 110.0], [100.0, 104.0]).round(4))
    [   nan 0.0423]
    """
    nv, pv, nm = _series_pair(nominal, price_index, positive_nominal=True)
    k, m = _periods(periods, periods_per_year, nv.shape[0])
    nominal_growth = _growth(nv, k, m, nm, "nominal")
    return nm.wrap_like(nominal_growth - _growth(nv / pv, k, m, nm, "nominal / price_index"))


def real_cost_of_capital(
    cost_of_equity: PanelLike,
    cost_of_debt: PanelLike,
    debt_share: PanelLike,
    inflation: PanelLike,
    *,
    tax_rate: float = 0.0,
    method: Literal["exact", "linear"] = "exact",
) -> Any:
    r"""Real weighted average cost of capital from nominal costs and inflation.

    Parameters
    ----------
    cost_of_equity : array_like, Series or DataFrame
        Nominal required return on equity, decimal per year.
    cost_of_debt : array_like, Series or DataFrame
        Nominal pre-tax cost of debt (yield), decimal per year, same layout.
    debt_share : array_like, Series or DataFrame
        Debt / (debt + equity), in [0, 1], same layout.
    inflation : array_like, Series or DataFrame
        Expected inflation over the same horizon, decimal per year (> -1), same layout.
    tax_rate : float, default 0.0
        Marginal tax rate shielding interest, in [0, 1).
    method : {"exact", "linear"}, default "exact"
        Fisher deflation as in :func:`divergence.premia.real_rate`.

    Returns
    -------
    ndarray, Series or DataFrame
        Real WACC, decimal per year, shaped like ``cost_of_equity``.

    Raises
    ------
    InputError
        ``debt_share`` outside [0, 1]; ``tax_rate`` outside [0, 1); inflation at or below -1;
        layouts differ.
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``cost_of_equity`` or ``cost_of_debt`` or ``inflation`` is
        above 1 (100%): the values look like percent, not decimals. The result is unchanged.

    Notes
    -----
    .. math:: W = (1-d)\, k_E + d\, k_D (1-\tau), \qquad
              W^{real} = \frac{1+W}{1+\pi} - 1

    The shift in the real cost of capital is the change of :math:`W^{real}` over time: a
    nominal cost that stays flat while inflation falls is a *rising* real cost.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Brealey, R. A., Myers, S. C. & Allen, F., *Principles of Corporate Finance*,
       ch. 19 (WACC) and ch. 3 (real vs nominal rates).

    Examples
    --------
    >>> from divergence.real import real_cost_of_capital
    >>> print(real_cost_of_capital([0.08], [0.05], [0.4], [0.02], tax_rate=0.25).round(4))
    [0.0422]
    """
    how = check_option(method, "method", ("exact", "linear"))
    tau = check_float(tax_rate, "tax_rate", minimum=0.0, maximum=1.0, inclusive=(True, False))
    ke, em = as_array(cost_of_equity, "cost_of_equity", ndim=(1, 2))
    kd, dm = as_array(cost_of_debt, "cost_of_debt", ndim=(1, 2))
    d, sm = as_array(debt_share, "debt_share", ndim=(1, 2), nonnegative=True)
    pi, pm = as_array(inflation, "inflation", ndim=(1, 2))
    for other in (dm, sm, pm):
        check_same_layout(em, other)
    above = d > 1.0
    if above.any():
        raise InputError(
            f"debt_share has {int(above.sum())} value(s) above 1; first {sm.locate(above)}. "
            "Pass a fraction of total capital."
        )
    warn_units(ke, "cost_of_equity", "rate")
    warn_units(kd, "cost_of_debt", "rate")
    warn_units(pi, "inflation", "rate")
    wacc = (1.0 - d) * ke + d * kd * (1.0 - tau)
    with warnings.catch_warnings():  # said above, under this function's argument names
        warnings.simplefilter("ignore", UnitWarning)
        out = real_rate(wacc, pi, method=how)  # type: ignore[arg-type]
    return em.wrap_like(np.asarray(out))
