"""Shiller, FRED, VIX, S&P 500 index and Fama–French loaders (private; see datasets)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from divergence._validation import check_option
from divergence.datasets._io import read_csv, with_provenance
from divergence.errors import InputError

__all__ = [
    "FRED_SERIES",
    "load_fama_french",
    "load_fred",
    "load_shiller",
    "load_sp500_index",
    "load_vix",
]

#: Bundled FRED series -> (description, units as published, frequency).
FRED_SERIES: dict[str, tuple[str, str, str]] = {
    "CPIAUCSL": ("CPI-U, all items, seasonally adjusted", "index 1982-84=100", "monthly"),
    "CPILFESL": ("CPI-U less food and energy (core CPI), SA", "index 1982-84=100", "monthly"),
    "DFII10": ("10-year TIPS real yield (constant maturity)", "percent", "daily"),
    "DGS10": ("10-year Treasury constant-maturity yield", "percent", "daily"),
    "DGS2": ("2-year Treasury constant-maturity yield", "percent", "daily"),
    "DGS30": ("30-year Treasury constant-maturity yield", "percent", "daily"),
    "FEDFUNDS": ("Effective federal funds rate, monthly average", "percent", "monthly"),
    "GDP": ("Nominal GDP, SAAR", "USD billions", "quarterly"),
    "GDPC1": ("Real GDP, SAAR", "chained 2017 USD billions", "quarterly"),
    "M2SL": ("M2 money stock, SA", "USD billions", "monthly"),
    "PCEPILFE": ("Core PCE price index", "index 2017=100", "monthly"),
    "RRPONTSYD": ("Overnight reverse repo, Treasury securities sold", "USD billions", "daily"),
    "STLFSI4": ("St. Louis Fed Financial Stress Index", "index", "weekly"),
    "T10Y2Y": ("10-year minus 2-year Treasury spread", "percentage points", "daily"),
    "T10Y3M": ("10-year minus 3-month Treasury spread", "percentage points", "daily"),
    "T10YIE": ("10-year breakeven inflation (DGS10 - DFII10)", "percent", "daily"),
    "T5YIE": ("5-year breakeven inflation", "percent", "daily"),
    "T5YIFR": ("5-year, 5-year forward inflation expectation", "percent", "daily"),
    "UNRATE": ("Unemployment rate", "percent", "monthly"),
    "USREC": ("NBER recession indicator", "0/1", "monthly"),
    "WALCL": ("Fed total assets (H.4.1, Wednesday level)", "USD millions", "weekly"),
    "WTREGEN": ("Treasury General Account (Wednesday level)", "USD billions", "weekly"),
}

_PERCENT_UNITS = frozenset({"percent", "percentage points"})


def load_fred(
    series: str | Sequence[str], *, units: Literal["published", "decimal"] = "published"
) -> pd.DataFrame:
    """Bundled FRED series, one column each, on the union of their dates.

    Parameters
    ----------
    series : str or sequence of str
        FRED identifiers, e.g. ``"DGS10"`` or ``["WALCL", "WTREGEN", "RRPONTSYD"]``; see
        :data:`FRED_SERIES` for what is bundled, with units and frequency.
    units : {"published", "decimal"}, default "published"
        ``"published"`` keeps FRED's units (yields in percent, WALCL in USD millions, RRP and
        WTREGEN in USD billions). ``"decimal"`` divides the percent-valued series (yields,
        spreads, breakevens, rates, UNRATE) by 100, so 4.5 becomes 0.045, as divergence's rate
        functions expect; other series are unchanged.

    Returns
    -------
    DataFrame
        Index ``date``; one float column per series; NaN where a series has no observation on
        a date of another (series of different frequencies are not aligned or filled).
        ``attrs["units"]`` maps each column to its units; ``attrs["source"]``,
        ``attrs["license"]`` record the provenance.

    Raises
    ------
    InputError
        An unknown series identifier or an empty list.
    TypeError
        ``series`` is not a string or a sequence of strings.

    Notes
    -----
    Net liquidity needs WALCL (millions), WTREGEN and RRPONTSYD (billions): convert first, and
    only 2018-07 to 2023-07 has all three. FRED's missing-value rows (".") were dropped at the
    source.

    References
    ----------
    .. [1] FRED, Federal Reserve Bank of St. Louis, https://fred.stlouisfed.org/ (series pages
       name the original agency).

    Examples
    --------
    >>> from divergence.datasets import load_fred
    >>> y = load_fred("DGS10", units="decimal")
    >>> print(y.index[0].date(), f"{y['DGS10'].iloc[0]:.4f}", y.attrs["units"]["DGS10"])
    1980-01-02 0.1050 decimal
    """
    unit_mode = check_option(units, "units", ("published", "decimal"))
    if isinstance(series, str):
        names = [series]
    elif isinstance(series, Sequence) and all(isinstance(s, str) for s in series):
        names = list(series)
    else:
        raise TypeError("series must be a FRED identifier or a sequence of identifiers")
    if not names:
        raise InputError("series is empty; name at least one FRED identifier")
    unknown = [s for s in names if s not in FRED_SERIES]
    if unknown:
        raise InputError(
            f"series {unknown[0]!r} is not bundled; available: {', '.join(sorted(FRED_SERIES))}"
        )
    cols: list[pd.Series] = []
    unit_map: dict[str, str] = {}
    for name in dict.fromkeys(names):  # a handful of files, not a hot path
        raw = read_csv("fred", file=f"fred_{name}.csv.gz", parse_dates=["date"])
        col = pd.Series(
            raw[name].to_numpy(dtype=np.float64), index=pd.DatetimeIndex(raw["date"]), name=name
        )
        unit = FRED_SERIES[name][1]
        if unit_mode == "decimal" and unit in _PERCENT_UNITS:
            col = col / 100.0
            unit = "decimal"
        unit_map[name] = unit
        cols.append(col)
    out = pd.concat(cols, axis=1, join="outer", sort=True)
    out.index.name = "date"
    out = with_provenance(out, "fred")
    out.attrs["units"] = unit_map
    return out


def load_shiller() -> pd.DataFrame:
    """Robert Shiller's monthly S&P composite data, 1871-01 to 2026-05.

    Returns
    -------
    DataFrame
        Index ``date`` (first of month). Columns as in Shiller's sheet: ``sp_price`` (monthly
        average of daily closes), ``dividend`` and ``earnings`` (per share, annualised, through
        2026-03), ``cpi`` (CPI-U), ``gs10`` (10-year yield, **percent**), ``real_price``,
        ``real_dividend``, ``real_total_return_price``, ``real_earnings``,
        ``real_tr_scaled_earnings`` (latest month's dollars), ``cape``, ``tr_cape``,
        ``excess_cape_yield`` (decimal), bond return indices and ``fwd10y_*`` forward returns
        (decimal, end 2016-05).

    Notes
    -----
    The last months are preliminary (Shiller's footnotes); pre-1926 earnings and dividends are
    interpolated from annual data.

    References
    ----------
    .. [1] Shiller, R. J., "Online Data", http://www.econ.yale.edu/~shiller/data.htm
       (ie_data.xls); Shiller, R. J. (2015), *Irrational Exuberance*, 3rd ed., Princeton.

    Examples
    --------
    >>> from divergence.datasets import load_shiller
    >>> sh = load_shiller()
    >>> print(sh.index[0].date(), sh.index[-1].date(), f"{sh['cape'].dropna().iloc[0]:.2f}")
    1871-01-01 2026-05-01 18.47
    """
    raw = read_csv("shiller", parse_dates=["date"])
    out = raw.set_index("date").astype(np.float64)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return with_provenance(out, "shiller")


def load_vix() -> pd.DataFrame:
    """Cboe VIX index, daily, 1990-01-02 to 2026-07-23.

    Returns
    -------
    DataFrame
        Index ``date``; columns ``open``, ``high``, ``low``, ``close`` in index points
        (annualised 30-day implied volatility in percent: 20 means 20%).

    Notes
    -----
    Before 2004-06-11 only closes were recorded (open = high = low = close).

    References
    ----------
    .. [1] Cboe Global Markets, "VIX Index historical data" (VIX_History.csv) and the VIX
       white paper.

    Examples
    --------
    >>> from divergence.datasets import load_vix
    >>> vix = load_vix()
    >>> print(f"{vix.loc['2020-03-20', 'close']:.2f}")
    66.04
    """
    raw = read_csv("vix", parse_dates=["DATE"])
    out = raw.rename(columns=str.lower).set_index("date").astype(np.float64)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return with_provenance(out, "vix")


def load_sp500_index() -> pd.DataFrame:
    """S&P 500 index daily prices, 1999-01-04 to 2018-12-31.

    Returns
    -------
    DataFrame
        Index ``date``; columns ``open``, ``high``, ``low``, ``close``, ``adj_close`` (index
        points) and ``volume`` (shares).

    Notes
    -----
    ``close`` is the price index (no dividends); ``adj_close`` equals it for an index. Daily
    simple returns are ``close.pct_change()``.

    References
    ----------
    .. [1] Sheppard, K., arch (package data ``sp500``); values from Yahoo Finance.

    Examples
    --------
    >>> from divergence.datasets import load_sp500_index
    >>> spx = load_sp500_index()
    >>> print(spx.index[0].date(), f"{spx['close'].iloc[0]:.2f}")
    1999-01-04 1228.10
    """
    raw = read_csv("sp500_index")
    raw["Date"] = pd.to_datetime(raw["Date"], format="%m/%d/%Y")
    out = raw.rename(columns={"Adj Close": "adj_close"}).rename(columns=str.lower)
    out = out.set_index("date").astype(np.float64)
    out.index = pd.DatetimeIndex(out.index, name="date")
    return with_provenance(out, "sp500_index")


def load_fama_french(dataset: Literal["portfolios", "factors"] = "portfolios") -> pd.DataFrame:
    """Fama–French factor and portfolio returns from Kenneth French's data library.

    Parameters
    ----------
    dataset : {"portfolios", "factors"}, default "portfolios"
        ``"portfolios"``: 1949-01 to 2017-03, columns ``MktRF, SMB, HML, Mom, RF``, 12 industry
        portfolios (``NoDur`` ... ``Other``), 9 size/value portfolios ``S1V1`` ... ``S5V5``
        (S = size quintile 1, 3, 5 small to big; V = book-to-market quintile 1, 3, 5 growth to
        value) and 9 size/momentum portfolios ``S1M1`` ... ``S5M5``. ``"factors"``: 1926-07 to
        2018-11, columns ``MktRF, SMB, HML, RF``.

    Returns
    -------
    DataFrame
        Index ``date`` (first of month); simple monthly returns in **decimals** (the factors
        file is published in percent and divided by 100 here).

    Raises
    ------
    InputError
        Unknown ``dataset``.

    Notes
    -----
    ``RF`` is the one-month Treasury bill rate of the source. Portfolio columns are total, not
    excess, returns: the excess return is ``portfolio - RF``; ``MktRF`` is already an excess
    return.

    References
    ----------
    .. [1] Fama, E. F. & French, K. R. (1993), "Common risk factors in the returns on stocks
       and bonds", Journal of Financial Economics 33(1), 3–56.
    .. [2] French, K. R., Data Library,
       https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html

    Examples
    --------
    >>> from divergence.datasets import load_fama_french
    >>> ff = load_fama_french("factors")
    >>> print(ff.index[0].date(), f"{ff['MktRF'].iloc[0]:.4f}")
    1926-07-01 0.0296
    """
    kind = check_option(dataset, "dataset", ("portfolios", "factors"))
    if kind == "portfolios":
        raw = read_csv("french_portfolios", parse_dates=["dates"])
        out = raw.rename(columns={"dates": "date"}).set_index("date").astype(np.float64)
        key = "french_portfolios"
    else:
        raw = read_csv("french_ff3")
        dates = pd.to_datetime(raw["Date"].astype(str), format="%Y%m")
        out = raw.drop(columns="Date").rename(columns={"Mkt-RF": "MktRF"})
        out = out.astype(np.float64) / 100.0
        out.index = dates
        key = "french_ff3"
    out.index = pd.DatetimeIndex(out.index, name="date")
    return with_provenance(out, key)
