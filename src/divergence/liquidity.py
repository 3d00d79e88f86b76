r"""Liquidity: how fast a central bank's balance sheet drains money, and net liquidity.

:func:`sterilization_rate` is the :math:`L_S` input of the divergence cost
(:mod:`divergence.cost`): the annualised rate at which the balance sheet shrinks, relative to a
base (e.g. M2 or base money) or to itself. **Positive = draining** (quantitative tightening),
negative = adding (quantitative easing). :func:`net_liquidity` is the usual "Fed total assets
minus the Treasury General Account minus reverse repos" measure of reserves available to
markets.

Money inputs must be in the same units (SPEC §3): FRED publishes WALCL in USD millions and
WTREGEN and RRPONTSYD in USD billions, so divide WALCL by 1,000 first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from divergence._numeric import lag_rows, safe_divide
from divergence._typing import PanelLike
from divergence._validation import MIN_POSITIVE, as_array, check_int, check_lag, check_same_layout

__all__ = ["net_liquidity", "sterilization_rate"]


def sterilization_rate(
    balance_sheet: PanelLike,
    base: PanelLike | None = None,
    *,
    periods: int,
    periods_per_year: int,
) -> Any:
    r""":math:`L_S`: annualised rate at which a balance sheet shrinks, relative to a base.

    Parameters
    ----------
    balance_sheet : array_like, Series or DataFrame
        Central-bank balance sheet (e.g. total assets, or net liquidity), non-negative money
        amounts; rows are dates.
    base : array_like, Series or DataFrame, optional
        Money stock the drain is measured against (e.g. M2 or base money), strictly positive,
        same layout and **same money units** as ``balance_sheet``. Default: the balance sheet
        itself (the drain as a share of its own size).
    periods : int
        Look-back in rows (e.g. 12 for a year of monthly data, 52 for weekly).
    periods_per_year : int
        Rows per year, to annualise (12 monthly, 52 weekly). Never inferred from the index.

    Returns
    -------
    ndarray, Series or DataFrame
        Decimal per year: the fraction of the base removed per year (0.05 = the balance sheet
        shrank by 5% of the base, per year). Positive = draining, negative = adding. NaN for
        the first ``periods`` rows.

    Raises
    ------
    InputError
        Negative balance sheet, non-positive base, layouts differ, ``periods`` < 1 or longer
        than the data, ``periods_per_year`` < 1.
        ``balance_sheet`` or ``base`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-integer ``periods`` / ``periods_per_year``; non-numeric input.

    Notes
    -----
    With :math:`B` the balance sheet, :math:`D` the base (:math:`D = B` by default),
    :math:`k` = ``periods`` and :math:`m` = ``periods_per_year``:

    .. math:: L_{S,t} = -\,\frac{B_t - B_{t-k}}{D_{t-k}} \cdot \frac{m}{k}

    Linear (not compounded) annualisation, so that a drain relative to another stock adds up
    across components (e.g. securities run-off + loans). The base is taken at the start of
    the window, so the measure uses only rows ``t - k`` and ``t``.

    The ratio is reported as computed, never clipped: a base in the wrong units (WALCL in
    millions against M2 in billions) gives a value 1,000 times too large, not an error. It is
    always finite: inputs are bounded (:math:`|B| \le 10^{100}`, :math:`D \ge 10^{-100}`,
    :math:`m \le 10^{100}`), so :math:`|L_S| \le 10^{300}`. Without ``base``, a balance sheet
    of zero, or below :math:`10^{-100}`, at the start of the window gives NaN (no size to
    measure the drain against).

    **Complexity.** O(T·N) time and O(T·N) memory (the validated copies, two lagged copies and the
    output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Board of Governors of the Federal Reserve System, "Plans for Reducing the Size of
       the Federal Reserve's Balance Sheet" (2022) and H.4.1 release (FRED WALCL).

    Examples
    --------
    >>> from divergence.liquidity import sterilization_rate
    >>> assets = [9000.0, 8950.0, 8900.0]          # USD bn, monthly
    >>> print(sterilization_rate(assets, periods=1, periods_per_year=12).round(4))
    [   nan 0.0667 0.067 ]
    """
    bv, bm = as_array(
        balance_sheet, "balance_sheet", ndim=(1, 2), nonnegative=True, time_ordered=True
    )
    if base is None:
        dv = bv
    else:
        dv, dm = as_array(base, "base", ndim=(1, 2), positive=True, time_ordered=True)
        check_same_layout(bm, dm)
    k = check_lag(periods, bv.shape[0], "periods")
    m = check_int(periods_per_year, "periods_per_year", minimum=1)
    drain = lag_rows(bv, k) - bv
    start = lag_rows(dv, k)
    # a balance sheet below MIN_POSITIVE at the start of the window is no base to measure a
    # drain against (the ratio would overflow): NaN, exactly as for an explicit zero
    out = safe_divide(drain, start, np.isfinite(drain) & (start >= MIN_POSITIVE)) * (m / k)
    return bm.wrap_like(out)


def net_liquidity(
    total_assets: PanelLike, treasury_account: PanelLike, reverse_repo: PanelLike
) -> Any:
    r"""Net liquidity: central-bank total assets minus the Treasury account and reverse repos.

    Parameters
    ----------
    total_assets : array_like, Series or DataFrame
        Central-bank total assets (e.g. FRED WALCL **converted to billions**), non-negative.
    treasury_account : array_like, Series or DataFrame
        Treasury General Account (FRED WTREGEN, billions), non-negative, same layout and units.
    reverse_repo : array_like, Series or DataFrame
        Overnight reverse repo take-up (FRED RRPONTSYD, billions), non-negative, same layout
        and units.

    Returns
    -------
    ndarray, Series or DataFrame
        Net liquidity in the inputs' money units; NaN where any input is NaN.

    Raises
    ------
    InputError
        Negative values, layouts differ, infinite values.
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: NL_t = A_t - TGA_t - RRP_t

    Money parked in the Treasury's account or lent back to the Fed in reverse repos is on the
    Fed's balance sheet but not available to the banking system. The function does not
    convert units: mixing WALCL's millions with billions would be off by 1,000.

    **Complexity.** O(T·N) time and O(T·N) memory (the validated float64 copies of the inputs and
    the output); T = rows (dates), N = columns.

    References
    ----------
    .. [1] Federal Reserve H.4.1 release, "Factors Affecting Reserve Balances" (reserve
       balances = total assets minus non-reserve liabilities such as the TGA and reverse
       repos).

    Examples
    --------
    >>> from divergence.liquidity import net_liquidity
    >>> print(net_liquidity([8900.0], [750.0], [2200.0]).round(1))
    [5950.]
    """
    av, am = as_array(total_assets, "total_assets", ndim=(1, 2), nonnegative=True)
    tv, tm = as_array(treasury_account, "treasury_account", ndim=(1, 2), nonnegative=True)
    rv, rm = as_array(reverse_repo, "reverse_repo", ndim=(1, 2), nonnegative=True)
    check_same_layout(am, tm)
    check_same_layout(am, rm)
    return am.wrap_like(av - tv - rv)
