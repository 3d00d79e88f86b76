"""S&P 500 market-cap snapshots, constituents and daily prices (private; see datasets)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from divergence._validation import check_bool
from divergence.datasets._io import read_csv, with_provenance

__all__ = [
    "SHARE_CLASSES",
    "load_sp500_constituents",
    "load_sp500_daily_market_caps",
    "load_sp500_market_caps",
    "load_sp500_prices",
]

#: Ticker of a secondary share class -> the ticker that labels the company.
SHARE_CLASSES: dict[str, str] = {
    "GOOG": "GOOGL",
    "FOX": "FOXA",
    "NWS": "NWSA",
    "DISCK": "DISCA",
    "DISCB": "DISCA",
    "UA": "UAA",
}


def _normalise_ticker(symbol: str) -> str:
    # BRK-B and BRK.B are the same ticker written two ways (Yahoo vs Wikipedia style).
    return symbol.replace("-", ".")


def load_sp500_market_caps(*, merge_share_classes: bool = True, long: bool = False) -> pd.DataFrame:
    """Market caps of S&P 500 constituents at 30 dates, 2012-12-27 to 2026-08-20.

    Parameters
    ----------
    merge_share_classes : bool, default True
        Keep one column per company. In this source every share class carries Yahoo's
        whole-company cap (GOOG and GOOGL each about USD 4.2T in 2026), so summing the classes
        would count the company twice; the company's cap is the mean over its listed classes,
        labelled by the ticker in ``SHARE_CLASSES`` (GOOGL, FOXA, NWSA, DISCA, UAA).
    long : bool, default False
        Return the long table (one row per snapshot and symbol, with ``name``, ``sector``,
        ``price`` and ``source_commit``) instead of the wide panel.

    Returns
    -------
    DataFrame
        Wide: index ``date`` (snapshot dates), columns = tickers, values = market cap in USD;
        NaN where a name is not in that snapshot or its cap is missing. ``attrs["source"]`` and
        ``attrs["license"]`` record the provenance.

    Raises
    ------
    TypeError
        ``merge_share_classes`` or ``long`` is not a bool.

    Notes
    -----
    Full (not float-adjusted) market caps, so weights differ from S&P's published index
    weights. The 2024–2026 snapshots use the member list frozen on 2024-10-10; companies that
    left since then show NaN. Snapshot dates are commit dates; quotes may be a day older.

    References
    ----------
    .. [1] github.com/datasets/s-and-p-500-companies-financials (git history); values from
       Yahoo Finance.

    Examples
    --------
    >>> from divergence.datasets import load_sp500_market_caps
    >>> caps = load_sp500_market_caps()
    >>> caps.shape[0]
    30
    >>> print(caps.index[0].date(), caps.index[-1].date())
    2012-12-27 2026-08-20
    """
    merge_share_classes = check_bool(merge_share_classes, "merge_share_classes")
    long = check_bool(long, "long")
    raw = read_csv("sp500_market_caps", parse_dates=["snapshot_date"])
    raw["symbol"] = raw["symbol"].astype(str).map(_normalise_ticker)
    if merge_share_classes:
        raw["symbol"] = raw["symbol"].map(lambda s: SHARE_CLASSES.get(s, s))
    if long:
        out = raw.rename(columns={"snapshot_date": "date"})
        if merge_share_classes:
            agg = {
                "name": "first",
                "sector": "first",
                "price": "first",
                "market_cap_usd": "mean",
                "source_commit": "first",
            }
            out = out.groupby(["date", "symbol"], as_index=False, sort=True).agg(agg)
        return with_provenance(out.reset_index(drop=True), "sp500_market_caps")
    wide = raw.pivot_table(
        index="snapshot_date", columns="symbol", values="market_cap_usd", aggfunc="mean"
    )
    wide = wide.sort_index(axis=0).sort_index(axis=1)
    wide.index = pd.DatetimeIndex(wide.index, name="date")
    wide.columns = pd.Index([str(c) for c in wide.columns], name="symbol")
    return with_provenance(wide.astype(np.float64), "sp500_market_caps")


def load_sp500_prices() -> pd.DataFrame:
    """Daily closes of 505 S&P 500 members, 2013-02-08 to 2018-02-07.

    Returns
    -------
    DataFrame
        Index ``date`` (1,259 trading days), columns = tickers (members as of early 2018), USD
        per share. Split-adjusted, **not** dividend-adjusted: returns computed from it are price
        returns. NaN before a company listed.

    Notes
    -----
    Known artefacts (kept as published, not repaired): unadjusted spin-offs NI 2015-07-02
    (-63%), EBAY 2015-07-20 (-57%), BAX 2015-07-01 (-44%); DISCA/DISCK 2014-08-07 (-51%, a share
    dividend); LNT 2016-05-19/20 (a split glitch). Filter daily moves beyond about 35% or treat
    them as events. Members as of 2018 only: equal-weighted results carry survivorship bias.

    References
    ----------
    .. [1] Nugent, C. (2018), "S&P 500 stock data", Kaggle (CC0); prices from the IEX API.

    Examples
    --------
    >>> from divergence.datasets import load_sp500_prices
    >>> px = load_sp500_prices()
    >>> px.shape
    (1259, 505)
    """
    px = read_csv("sp500_prices", index_col="date", parse_dates=["date"])
    px.index = pd.DatetimeIndex(px.index, name="date")
    px.columns = pd.Index([str(c) for c in px.columns], name="symbol")
    return with_provenance(px.astype(np.float64), "sp500_prices")


def load_sp500_constituents() -> pd.DataFrame:
    """S&P 500 constituents with GICS sector and sub-industry (list of 2026-08-08).

    Returns
    -------
    DataFrame
        Index ``symbol``; columns ``security``, ``sector``, ``sub_industry``,
        ``headquarters``, ``date_added``, ``cik``, ``founded``.

    Notes
    -----
    One list at one date: using today's sectors for past dates assumes names never changed
    sector (GICS was reorganised in 2018 and 2023) and ignores names that left the index.

    References
    ----------
    .. [1] github.com/datasets/s-and-p-500-companies, ``data/constituents.csv`` (scraped
       from Wikipedia's "List of S&P 500 companies"); see ``REGISTRY["sp500_constituents"]``.

    Examples
    --------
    >>> from divergence.datasets import load_sp500_constituents
    >>> cons = load_sp500_constituents()
    >>> cons.loc["AAPL", "sector"]
    'Information Technology'
    """
    raw = read_csv("sp500_constituents")
    out = raw.rename(
        columns={
            "Symbol": "symbol",
            "Security": "security",
            "GICS Sector": "sector",
            "GICS Sub-Industry": "sub_industry",
            "Headquarters Location": "headquarters",
            "Date added": "date_added",
            "CIK": "cik",
            "Founded": "founded",
        }
    )
    out["symbol"] = out["symbol"].astype(str).map(_normalise_ticker)
    out = out.set_index("symbol")
    return with_provenance(out, "sp500_constituents")


def load_sp500_daily_market_caps() -> pd.DataFrame:
    r"""Daily market caps 2013-02-08 to 2018-02-07 implied from prices and cap snapshots.

    Returns
    -------
    DataFrame
        Same index and columns as :func:`load_sp500_prices`; USD. NaN where no earlier
        snapshot gives the name's share count.

    Notes
    -----
    For each snapshot :math:`s` (one of the 2013–2018 snapshots of
    :func:`load_sp500_market_caps`), the split-adjusted share count of name :math:`i` is
    :math:`q_{i,s} = \text{cap}_{i,s} / P_{i,\tau(s)}` where :math:`\tau(s)` is the last
    trading day at or before the snapshot date. The cap on day :math:`t` is
    :math:`P_{i,t}\, q_{i,s(t)}` with :math:`s(t)` the latest snapshot whose
    :math:`\tau(s) \le t`: share counts are only used after they were observed, so the panel
    has no look-ahead. A name missing from a snapshot keeps its previous share count. Names of
    the price panel that appear in no snapshot before :math:`t` have NaN caps until they do.

    Share counts between snapshots are held fixed, so buybacks and issuance enter in steps.
    The snapshots are full (not float-adjusted) caps.

    References
    ----------
    .. [1] Prices: Nugent, C., "S&P 500 stock data" (Kaggle, CC0), via
       github.com/CNuge/kaggle-code; caps: github.com/datasets/s-and-p-500-companies-financials
       (values from Yahoo Finance). See ``REGISTRY``.

    Examples
    --------
    >>> from divergence.datasets import load_sp500_daily_market_caps
    >>> caps = load_sp500_daily_market_caps()
    >>> caps.shape
    (1259, 505)
    """
    prices = load_sp500_prices()
    snaps = load_sp500_market_caps()
    snaps = snaps.loc[snaps.index <= prices.index[-1]]
    # trading day at or before each snapshot (snapshots before the panel are dropped)
    pos = prices.index.searchsorted(snaps.index, side="right") - 1
    keep = pos >= 0
    snaps, pos = snaps.loc[keep], pos[keep]
    cols = prices.columns
    snap_caps = snaps.reindex(columns=cols).to_numpy()
    px_at = prices.to_numpy()[pos]
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(px_at > 0, snap_caps / px_at, np.nan)
    share_frame = pd.DataFrame(shares, index=prices.index[pos], columns=cols)
    # several snapshots can map to the same trading day: keep the latest
    share_frame = share_frame[~share_frame.index.duplicated(keep="last")]
    share_frame = share_frame.ffill()  # a name missing from one snapshot keeps its count
    daily_shares = share_frame.reindex(prices.index).ffill()
    caps = prices * daily_shares
    caps.attrs = {}
    return with_provenance(
        caps,
        "sp500_prices",
        source_extra=(
            " Share counts implied from the market-cap snapshots "
            "(datasets/s-and-p-500-companies-financials, Yahoo Finance, ODC-PDDL-1.0)."
        ),
    )
