"""Provenance of every bundled data file (private; the single source of truth).

Each entry records the file inside ``divergence/datasets/data``, where it came from (repository,
path and commit of the public snapshot it was copied from), the licence the source states, and
the transformations applied when it was bundled. Loaders copy ``source`` and ``license`` into
``DataFrame.attrs``; the docs page "Datasets" prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["REGISTRY", "DatasetInfo"]


@dataclass(frozen=True, slots=True)
class DatasetInfo:
    """Where one bundled file comes from and what may be done with it."""

    file: str
    title: str
    source: str
    license: str
    notes: str = ""


REGISTRY: dict[str, DatasetInfo] = {
    "sp500_market_caps": DatasetInfo(
        file="sp500_marketcap_snapshots.csv.gz",
        title="S&P 500 constituent market caps, 30 snapshots 2012-12-27 to 2026-08-20",
        source=(
            "Git history of github.com/datasets/s-and-p-500-companies-financials, file "
            "data/constituents-financials.csv: one version per month with a commit (the one with "
            "the fewest missing caps), commits recorded per row in 'source_commit'; values from "
            "Yahoo Finance. Formats ('63.802B', bare billions, raw USD) normalised to USD."
        ),
        license="ODC-PDDL-1.0 (as declared by the datasets/ repository)",
        notes=(
            "Full (not float-adjusted) market caps. Share classes each carry the whole-company "
            "cap (GOOG/GOOGL, FOX/FOXA, NWS/NWSA, DISCA/DISCK, UA/UAA): the loader keeps one "
            "column per company. The 2024-2026 snapshots use the member list frozen on "
            "2024-10-10. snapshot_date is the commit date; quotes may be a day older."
        ),
    ),
    "sp500_constituents": DatasetInfo(
        file="sp500_constituents.csv.gz",
        title="S&P 500 constituents with GICS sector and sub-industry (2026-08-08)",
        source=(
            "github.com/datasets/s-and-p-500-companies, data/constituents.csv @ "
            "56509dd80619e4d8e1410c2260d68ddd3eab6068 (scraped from Wikipedia)"
        ),
        license="ODC-PDDL-1.0 (as declared by the datasets/ repository)",
    ),
    "sp500_prices": DatasetInfo(
        file="sp500_close_2013_2018.csv.gz",
        title="Daily closes of 505 S&P 500 members, 2013-02-08 to 2018-02-07",
        source=(
            "Kaggle 'S&P 500 stock data' by Cam Nugent (all_stocks_5yr.csv), from "
            "github.com/CNuge/kaggle-code stock_data/individual_stocks_5yr/*_data.csv @ "
            "f1109438d6cfb3ffdaa7d4480437cfbaaedd3236; prices from the IEX API. Close column only, "
            "reshaped wide (date x ticker)."
        ),
        license="CC0-1.0 (Kaggle dataset); repository MIT",
        notes=(
            "Split-adjusted but NOT dividend-adjusted (price returns). Unadjusted spin-offs: NI "
            "2015-07-02 (-63%), EBAY 2015-07-20 (-57%), BAX 2015-07-01 (-44%); DISCA/DISCK "
            "2014-08-07 (-51%, share dividend); LNT 2016-05-19/20 split glitch. Members as of "
            "early 2018 only (survivorship bias)."
        ),
    ),
}
