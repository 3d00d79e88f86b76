r"""Premia: real rates, inflation, earnings yields, CAPE and the equity-premium gap.

These are the inputs of the "structural real cost shift" axis and the :math:`\Delta R_{risk}`
input of the divergence cost :math:`C_D` (see :mod:`divergence.cost`).

Conventions
-----------
* Rows are dates, columns are separate series (1-D = one series). Every function keeps the
  caller's index (pandas in, pandas out; numpy in, numpy out).
* Rates, yields and inflation are **decimals** (0.05 = 5%) per the period stated in each
  function; FRED and Shiller publish yields in percent, so divide by 100 first (or use
  ``load_fred(..., units="decimal")``).
* Trailing windows only: a value at ``t`` uses data at or before ``t``. A window longer than the
  data raises :class:`~divergence.errors.InputError`.

Reproducing Shiller's columns
-----------------------------
With Shiller's own monthly ``sp_price``, ``earnings`` and ``cpi`` columns,

* :func:`cape` with ``window=120`` reproduces his ``cape`` column: real price at ``t`` over the
  mean real earnings of months ``t-120 ... t-1`` (the ten years *before* ``t``). His last month
  (2026-05) averages the 119 months with earnings (Excel's ``AVERAGE`` skips the blank), which
  ``min_periods=119`` reproduces; the default ``min_periods=window`` leaves it NaN.
* :func:`excess_cape_yield` reproduces his ``excess_cape_yield`` column with the real yield
  ``gs10/100 - annualized_inflation(cpi, 120, periods_per_year=12)``: the 10-year nominal yield
  minus the *geometric* trailing 10-year CPI inflation, subtracted linearly (not the exact
  Fisher formula).

Over all 1,745 published months the largest differences are 2.3e-6 for CAPE (relative 1e-7,
i.e. rounding of his published values) and 5.1e-7 for the excess CAPE yield; the tests check it.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from divergence._numeric import lag_rows, safe_divide
from divergence._typing import FloatArray, PanelLike
from divergence._validation import (
    MIN_POSITIVE,
    Meta,
    as_array,
    check_int,
    check_lag,
    check_lower_bound,
    check_option,
    check_same_layout,
    warn_units,
)
from divergence._windows import trailing_sums
from divergence.errors import InputError

__all__ = [
    "annualized_inflation",
    "cape",
    "earnings_yield",
    "excess_cape_yield",
    "real_rate",
    "risk_premium_gap",
    "risk_premium_shift",
]


class _Elementwise:
    """Inputs of an element-wise formula: scalars, or arrays/pandas on one layout."""

    __slots__ = ("meta", "metas", "scalar", "values")

    def __init__(self, args: tuple[tuple[object, str, dict[str, Any]], ...]) -> None:
        scalars = [
            not isinstance(x, np.ndarray | list | tuple) and np.ndim(x) == 0  # type: ignore[arg-type]
            for x, _, _ in args
        ]
        self.scalar = all(scalars)
        self.values: list[FloatArray] = []
        metas: list[Meta] = []
        for (x, name, checks), is_scalar in zip(args, scalars, strict=True):
            if (
                is_scalar
                and not isinstance(x, bool | np.bool_)
                and isinstance(x, int | float | np.integer | np.floating)
            ):
                if not self.scalar:
                    other = next(a[1] for a, s in zip(args, scalars, strict=True) if not s)
                    raise InputError(f"{name} is a scalar but {other} is not; pass the same layout")
                v, m = as_array([x], name, ndim=1, **checks)
            else:
                v, m = as_array(x, name, ndim=(1, 2), **checks)
            self.values.append(v)
            metas.append(m)
        for m in metas[1:]:
            check_same_layout(metas[0], m)
        self.metas = metas  # one per argument, for messages naming it
        self.meta = metas[0]

    def wrap(self, out: FloatArray) -> Any:
        if self.scalar:
            return float(out.reshape(-1)[0])
        return self.meta.wrap_like(out)


def real_rate(
    nominal: PanelLike,
    inflation: PanelLike,
    *,
    method: Literal["exact", "linear"] = "exact",
) -> Any:
    r"""Real interest rate from a nominal rate and inflation (Fisher equation).

    Parameters
    ----------
    nominal : float, array_like, Series or DataFrame
        Nominal rate, decimal per period (e.g. 0.045 a year).
    inflation : float, array_like, Series or DataFrame
        Inflation over the same period, decimal (realised or expected), same layout as
        ``nominal`` (scalars only with a scalar ``nominal``). Must be above -1.
    method : {"exact", "linear"}, default "exact"
        ``"exact"``: :math:`(1+i)/(1+\pi) - 1`; ``"linear"``: :math:`i - \pi` (the usual
        approximation, and the convention of breakeven inflation, TIPS and Shiller's excess
        CAPE yield).

    Returns
    -------
    ndarray, Series or DataFrame
        Real rate, decimal per period, shaped like ``nominal`` (a ``float`` when both
        inputs are scalars).

    Raises
    ------
    InputError
        Layouts differ; inflation at or below -1; infinite values; empty or 3-D input.
    TypeError
        Non-numeric input or ``method`` not a string.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``nominal`` or ``inflation`` is above 1 (100%): the values
        look like percent, not decimals. The result is unchanged.

    Notes
    -----
    .. math:: r = \frac{1 + i}{1 + \pi} - 1 = \frac{i - \pi}{1 + \pi} \approx i - \pi

    The two differ by :math:`\pi (i-\pi)/(1+\pi)`: 6 bp at :math:`i` = 5% and :math:`\pi` = 3%
    (0.0583%), but 45 bp at 15% and 10% (1980; 0.4545%).

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Fisher, I. (1930), *The Theory of Interest*, Macmillan, ch. II.
    .. [2] FRED series T10YIE: "10-Year Breakeven Inflation Rate" = DGS10 - DFII10 (the linear
       convention).

    Examples
    --------
    >>> from divergence.premia import real_rate
    >>> print(f"{real_rate(0.05, 0.03):.6f} {real_rate(0.05, 0.03, method='linear'):.6f}")
    0.019417 0.020000
    """
    how = check_option(method, "method", ("exact", "linear"))
    inp = _Elementwise(((nominal, "nominal", {}), (inflation, "inflation", {})))
    i, p = inp.values
    check_lower_bound(
        p, inp.metas[1], -1.0, strict=True, advice="Pass decimals (0.03 = 3%), not percent."
    )
    warn_units(i, "nominal", "rate")
    warn_units(p, "inflation", "rate")
    out = (1.0 + i) / (1.0 + p) - 1.0 if how == "exact" else i - p
    return inp.wrap(out)


def annualized_inflation(price_index: PanelLike, periods: int, *, periods_per_year: int) -> Any:
    r"""Trailing annualised inflation of a price index over ``periods`` periods.

    Parameters
    ----------
    price_index : array_like, Series or DataFrame
        Price level (e.g. CPI), strictly positive; rows are dates (NaN = missing).
    periods : int
        Trailing window in rows (e.g. 12 for a year of monthly data, 120 for ten years).
    periods_per_year : int
        Rows per year (12 for monthly data). Never inferred from the index.

    Returns
    -------
    ndarray, Series or DataFrame
        Annualised inflation, decimal per year, shaped like the input; NaN for the first
        ``periods`` rows.

    Raises
    ------
    InputError
        Non-positive or infinite price levels; price changes so extreme that the annualised
        rate overflows; ``periods`` < 1 or longer than the data; ``periods_per_year`` < 1.
        ``price_index`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()``
        or de-duplicate first (rows are never reordered).
    TypeError
        Non-integer ``periods`` or ``periods_per_year``; non-numeric input.

    Notes
    -----
    Geometric (compound) annualisation:

    .. math:: \pi_t = \left(\frac{P_t}{P_{t-k}}\right)^{m/k} - 1

    with :math:`k` = ``periods`` and :math:`m` = ``periods_per_year``. Shiller's real yield
    uses :math:`k = 120`, :math:`m = 12`.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated copy, the lagged copy and the
    output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] U.S. Bureau of Labor Statistics, *Handbook of Methods*, "Consumer Price Index":
       percent changes between index levels.

    Examples
    --------
    >>> from divergence.premia import annualized_inflation
    >>> cpi = [100.0, 101.0, 102.01]
    >>> print(annualized_inflation(cpi, 2, periods_per_year=2).round(4))
    [  nan   nan 0.0201]
    """
    values, meta = as_array(
        price_index, "price_index", ndim=(1, 2), positive=True, time_ordered=True
    )
    k = check_lag(periods, values.shape[0], "periods")
    m = check_int(periods_per_year, "periods_per_year", minimum=1)
    ratio = safe_divide(values, lag_rows(values, k))
    with np.errstate(invalid="ignore", over="ignore"):
        out = np.power(ratio, m / k) - 1.0
    beyond = np.isinf(out)
    if beyond.any():
        raise InputError(
            f"price_index implies an annualised inflation beyond float range (above 1e308) with "
            f"periods={k} and periods_per_year={m} in {int(beyond.sum())} value(s); first "
            f"{meta.locate(beyond)}. Check the units and periods_per_year."
        )
    return meta.wrap_like(out)


def earnings_yield(price: PanelLike, earnings: PanelLike) -> Any:
    r"""Earnings yield: earnings per share over price.

    Parameters
    ----------
    price : array_like, Series or DataFrame
        Price (index level or share price), strictly positive.
    earnings : array_like, Series or DataFrame
        Earnings per share over the trailing year (or any earnings measure in the same money
        units as ``price``), same layout. May be negative.

    Returns
    -------
    ndarray, Series or DataFrame
        Earnings yield, decimal per year when ``earnings`` are annual, shaped like ``price``
        (a ``float`` for scalar inputs).

    Raises
    ------
    InputError
        Non-positive or infinite prices, layouts that differ.
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: EY_t = E_t / P_t

    The inverse of the P/E ratio; ``1 / cape`` is the cyclically adjusted earnings yield.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Shiller, R. J. (2015), *Irrational Exuberance*, 3rd ed., Princeton UP, ch. 1.

    Examples
    --------
    >>> from divergence.premia import earnings_yield
    >>> print(f"{earnings_yield(5000.0, 250.0):.4f}")
    0.0500
    """
    inp = _Elementwise(((price, "price", {"positive": True}), (earnings, "earnings", {})))
    pv, ev = inp.values
    return inp.wrap(ev / pv)


def cape(
    price: PanelLike,
    earnings: PanelLike,
    price_index: PanelLike,
    *,
    window: int = 120,
    min_periods: int | None = None,
) -> Any:
    r"""Shiller's cyclically adjusted price–earnings ratio (CAPE, P/E10).

    Parameters
    ----------
    price : array_like, Series or DataFrame
        Nominal price, strictly positive; rows are periods (months for Shiller's CAPE).
    earnings : array_like, Series or DataFrame
        Nominal earnings per share (annual flow, e.g. trailing 12 months), same layout; NaN =
        not yet reported.
    price_index : array_like, Series or DataFrame
        Price level used to deflate both (e.g. CPI), strictly positive, same layout.
    window : int, default 120
        Number of periods averaged (120 months = 10 years).
    min_periods : int, optional
        Fewest non-NaN real earnings in the window for a value (default ``window``). Shiller's
        latest month averages whatever earnings are published: ``min_periods=window - 1``
        reproduces it.

    Returns
    -------
    ndarray, Series or DataFrame
        CAPE (a ratio), shaped like ``price``; NaN for the first ``window`` rows (the mean
        uses periods *before* ``t``), where fewer than ``min_periods`` earnings exist, and
        where the mean real earnings are zero: exactly, within the rounding error of the
        running sums (gains and losses that cancel), or below :math:`10^{-100}` in magnitude
        (no ratio in float range).

    Raises
    ------
    InputError
        Non-positive prices or price levels; layouts differ; ``window`` < 1 or not shorter than
        the data; ``min_periods`` outside ``[1, window]``.
        ``price``, ``earnings`` or ``price_index`` with unsorted, duplicate or missing (NaT) dates:
        sort with ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-integer ``window`` / ``min_periods``; non-numeric input.

    Notes
    -----
    .. math:: \mathrm{CAPE}_t = \frac{P_t / I_t}
              {\tfrac{1}{|S_t|}\sum_{s \in S_t} E_s / I_s},
              \qquad S_t = \{t-W, \dots, t-1\} \cap \{s : E_s \text{ observed}\}

    Deflating to any base gives the same ratio (the base cancels). The window ends at ``t-1``;
    with ``window=120`` and Shiller's ``sp_price``, ``earnings`` and ``cpi`` this reproduces
    his ``cape`` column (see the module notes).

    **Complexity.** O(T·N) time whatever the window (cumulative sums of real earnings and of their
    counts); O(T·N) extra memory (about eight float64 arrays of the input's size); T = rows, N =
    columns.

    References
    ----------
    .. [1] Campbell, J. Y. & Shiller, R. J. (1998), "Valuation ratios and the long-run stock
       market outlook", *Journal of Portfolio Management* 24(2), 11–26.
    .. [2] Shiller, R. J., "Online Data" (ie_data.xls), http://www.econ.yale.edu/~shiller/data.htm

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.premia import cape
    >>> price = np.array([10.0, 10.0, 10.0, 12.0])
    >>> eps = np.array([1.0, 1.0, 2.0, 2.0])
    >>> cpi = np.ones(4)
    >>> print(cape(price, eps, cpi, window=2).round(3))
    [nan nan 10.  8.]
    """
    pv, pm = as_array(price, "price", ndim=(1, 2), positive=True, time_ordered=True)
    ev, em = as_array(earnings, "earnings", ndim=(1, 2), allow_all_nan=False, time_ordered=True)
    iv, im = as_array(price_index, "price_index", ndim=(1, 2), positive=True, time_ordered=True)
    check_same_layout(pm, em)
    check_same_layout(pm, im)
    n = pv.shape[0]
    w = check_int(window, "window", minimum=1)
    if w >= n:
        raise InputError(
            f"window={w} needs at least {w + 1} rows (the mean uses the {w} rows before t); got {n}"
        )
    mp = w if min_periods is None else check_int(min_periods, "min_periods", minimum=1, maximum=w)
    real_e = ev / iv
    ok = ~np.isnan(real_e)
    filled = np.where(ok, real_e, 0.0)
    # rows t >= w: window t-w .. t-1, i.e. the trailing window ending at row t-1; window-local
    # sums (divergence._windows), so a huge earnings figure before the window cannot leak in
    wsum = np.full(pv.shape, np.nan)
    wcnt = np.zeros(pv.shape)
    wsum[w:] = trailing_sums(filled, w)[w - 1 : n - 1]
    wcnt[w:] = trailing_sums(ok.astype(np.float64), w)[w - 1 : n - 1]
    # A window sum within the rounding error of its own terms (w ulps of the window's sum of
    # magnitudes) is an exact zero lost to cancellation, e.g. earnings +1, -1, +1, -1: like a
    # zero mean, and like a mean below MIN_POSITIVE (the ratio would overflow), it gives NaN.
    # The tolerance is the window's own: rows before the window cannot change it.
    noise = np.full(pv.shape, np.inf)
    noise[w:] = w * np.finfo(np.float64).eps * trailing_sums(np.abs(filled), w)[w - 1 : n - 1]
    mean_e = safe_divide(wsum, wcnt, wcnt >= mp)
    usable = ~np.isnan(mean_e) & (np.abs(wsum) > noise) & (np.abs(mean_e) >= MIN_POSITIVE)
    real_p = pv / iv
    out = safe_divide(real_p, mean_e, usable)
    return pm.wrap_like(out)


def excess_cape_yield(cape: PanelLike, real_yield: PanelLike) -> Any:
    r"""Excess CAPE yield: the cyclically adjusted earnings yield over a real bond yield.

    Parameters
    ----------
    cape : array_like, Series or DataFrame
        CAPE ratio (see :func:`cape`), strictly positive.
    real_yield : array_like, Series or DataFrame
        Real 10-year yield, decimal per year, same layout (Shiller: ``gs10/100`` minus trailing
        10-year annualised CPI inflation; or a TIPS yield such as FRED DFII10).

    Returns
    -------
    ndarray, Series or DataFrame
        Excess CAPE yield, decimal per year, shaped like ``cape`` (a ``float`` for scalar
        inputs).

    Raises
    ------
    InputError
        Non-positive ``cape``; layouts differ; infinite values.
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``real_yield`` is above 1 (100%): the values look like
        percent, not decimals. The result is unchanged.

    Notes
    -----
    .. math:: \mathrm{ECY}_t = \frac{1}{\mathrm{CAPE}_t} - r_t

    Shiller's column uses :math:`r_t = i^{10y}_t - \left[(I_t/I_{t-120})^{1/10} - 1\right]`
    (see the module notes).

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Shiller, R. J., Black, L. & Jivraj, F. (2020), "CAPE and the COVID-19 pandemic
       effect", Barclays Research; Shiller, "Online Data" (ie_data.xls, column "Excess CAPE
       Yield").

    Examples
    --------
    >>> from divergence.premia import excess_cape_yield
    >>> print(f"{excess_cape_yield(25.0, 0.015):.4f}")
    0.0250
    """
    inp = _Elementwise(((cape, "cape", {"positive": True}), (real_yield, "real_yield", {})))
    cv, rv = inp.values
    warn_units(rv, "real_yield", "rate")
    return inp.wrap(1.0 / cv - rv)


def risk_premium_gap(earnings_yield: PanelLike, real_yield: PanelLike) -> Any:
    r"""Equity risk-premium gap: earnings yield minus real bond yield.

    Parameters
    ----------
    earnings_yield : array_like, Series or DataFrame
        Earnings yield, decimal per year (e.g. :func:`earnings_yield` or ``1 / cape``).
    real_yield : array_like, Series or DataFrame
        Real bond yield, decimal per year, same layout.

    Returns
    -------
    ndarray, Series or DataFrame
        The gap, decimal per year (multiply by 1e4 for basis points), shaped like
        ``earnings_yield`` (a ``float`` for scalar inputs).

    Raises
    ------
    InputError
        Layouts differ; infinite values; empty or 3-D input.
    TypeError
        Non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``earnings_yield`` or ``real_yield`` is above 1 (100%): the
        values look like percent, not decimals. The result is unchanged.

    Notes
    -----
    .. math:: G_t = EY_t - r_t

    Earnings are a real claim (they grow with prices), so the earnings yield is compared with
    a *real* yield; the gap is a simple proxy for the equity risk premium. With ``1/CAPE`` as
    the earnings yield it is the excess CAPE yield.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Asness, C. S. (2003), "Fight the Fed model", *Journal of Portfolio Management*
       30(1), 11–24 (why the comparison must be with a real yield).

    Examples
    --------
    >>> from divergence.premia import risk_premium_gap
    >>> print(f"{risk_premium_gap(0.045, 0.02):.4f}")
    0.0250
    """
    inp = _Elementwise(((earnings_yield, "earnings_yield", {}), (real_yield, "real_yield", {})))
    ev, rv = inp.values
    warn_units(ev, "earnings_yield", "rate")
    warn_units(rv, "real_yield", "rate")
    return inp.wrap(ev - rv)


def risk_premium_shift(gap: PanelLike, periods: int) -> Any:
    r""":math:`\Delta R_{risk}`: change of the risk-premium gap over ``periods`` rows.

    Parameters
    ----------
    gap : array_like, Series or DataFrame
        Risk-premium gap (see :func:`risk_premium_gap`), decimal per year.
    periods : int
        Look-back in rows (e.g. 12 for a year of monthly data).

    Returns
    -------
    ndarray, Series or DataFrame
        :math:`G_t - G_{t-k}`, decimal per year (a change in the gap); NaN for the first
        ``periods`` rows. **Negative = the premium is compressing** (equities priced with a
        thinner cushion over real bonds), which raises the divergence cost.

    Raises
    ------
    InputError
        ``periods`` < 1 or longer than the data; infinite values.
        ``gap`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-integer ``periods``; non-numeric input.

    Warns
    -----
    UnitWarning
        If the median magnitude of ``gap`` is above 1 (100%): the values look like percent, not
        decimals. The result is unchanged.

    Notes
    -----
    .. math:: \Delta R_{risk,t} = G_t - G_{t-k}

    **Complexity.** O(T·N) time and O(T·N) memory (the validated copy, the lagged copy and the
    output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] The divergence framework's premium input (user guide, "Divergence cost").

    Examples
    --------
    >>> from divergence.premia import risk_premium_shift
    >>> print(risk_premium_shift([0.04, 0.035, 0.03], 1).round(4))
    [   nan -0.005 -0.005]
    """
    values, meta = as_array(gap, "gap", ndim=(1, 2), time_ordered=True)
    k = check_lag(periods, values.shape[0], "periods")
    warn_units(values, "gap", "rate")
    return meta.wrap_like(values - lag_rows(values, k))
