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
    "shiller": DatasetInfo(
        file="shiller_ie_data_monthly.csv.gz",
        title=(
            "Robert Shiller's monthly S&P composite data (ie_data.xls, 'Data' sheet), "
            "1871-01 to 2026-05"
        ),
        source=(
            "Robert J. Shiller, 'Online Data' (ie_data.xls), verbatim upload in "
            "github.com/SecondOrderEdge/Macro-Dashboard data/ie_data.xls @ "
            "18d6739def0eed23da33e6a85dcc78d6f33b7e70 (2026-05-21), converted to CSV"
        ),
        license=(
            "No licence stated; publicly posted by Robert J. Shiller with a disclaimer and widely "
            "redistributed. Credit Robert J. Shiller. Index levels are S&P Dow Jones Indices data."
        ),
        notes=(
            "Last one or two months preliminary (May 2026 price is the May 5 close; some CPI "
            "values estimated). gs10 in percent; excess_cape_yield and fwd10y_* in decimals; "
            "real_* columns in the latest month's dollars."
        ),
    ),
    "fred": DatasetInfo(
        file="fred_{series}.csv.gz",
        title="FRED series (rates, inflation, Fed balance sheet, macro)",
        source=(
            "FRED, Federal Reserve Bank of St. Louis, from the original agencies (Board of "
            "Governors H.15 and H.4.1, U.S. Treasury, BLS, BEA, NY Fed, NBER). Cached copies: "
            "github.com/sivamsapingali/Codex_Macro-Monitor @ 7fb97556145c (vintage 2026-01-02), "
            "github.com/Thecoderstef/Macro-Charts @ 02759683bf15 (vintage 2026-07-30), "
            "github.com/alvin076/Fred_Strategy @ 8ed16aa34a68 (WTREGEN, vintage 2023-08)"
        ),
        license=(
            "U.S. federal / Federal Reserve public data, no copyright claimed on FRED; cite FRED "
            "and the original source"
        ),
        notes=(
            "Non-revised series: older vintage with newer rows appended (identical overlaps). "
            "Revised series (CPIAUCSL, CPILFESL, PCEPILFE, M2SL, GDPC1, UNRATE): newer vintage "
            "with older rows prepended (a vintage splice). October 2025 CPI was never published."
        ),
    ),
    "vix": DatasetInfo(
        file="vix_daily.csv.gz",
        title="Cboe VIX index, daily open/high/low/close, 1990-01-02 to 2026-07-23",
        source=(
            "Cboe VIX_History.csv via github.com/datasets/finance-vix data/vix-daily.csv @ "
            "6f56e2760520824b787cf6b85945c62186d38bc6 (2026-07-24)"
        ),
        license="ODC-PDDL-1.0 as declared by the datasets/ package; VIX is a Cboe trademark",
        notes="Before 2004-06-11 open = high = low = close (only closes were recorded).",
    ),
    "sp500_index": DatasetInfo(
        file="sp500_index_daily.csv.gz",
        title="S&P 500 index, daily OHLC, adjusted close and volume, 1999-01-04 to 2018-12-31",
        source="arch 8.0.0 package data (arch/data/sp500/sp500.csv.gz); values from Yahoo Finance",
        license="NCSA (arch package); index levels are S&P Dow Jones Indices data",
    ),
    "french_portfolios": DatasetInfo(
        file="french_portfolios_monthly.csv.gz",
        title=(
            "Fama-French monthly factors, 12 industry, 9 size/value and 9 size/momentum "
            "portfolio returns, 1949-01 to 2017-03"
        ),
        source=(
            "Kenneth R. French Data Library, via linearmodels 7.1 package data "
            "(linearmodels/datasets/french)"
        ),
        license="NCSA (linearmodels package); data from the Kenneth R. French Data Library",
        notes="Decimal monthly returns as shipped.",
    ),
    "french_ff3": DatasetInfo(
        file="french_ff3_monthly.csv.gz",
        title="Fama-French three factors and risk-free rate, monthly, 1926-07 to 2018-11",
        source=(
            "Kenneth R. French Data Library, via arch 8.0.0 package data "
            "(arch/data/frenchdata/frenchdata.csv.gz)"
        ),
        license="NCSA (arch package); data from the Kenneth R. French Data Library",
        notes="Published in percent; the loader converts to decimals.",
    ),
    "sec_company_facts": DatasetInfo(
        file="sec_companyfacts_{ticker}.json.gz",
        title=(
            "SEC XBRL company facts of Apple Inc. (CIK 320193, 10-Ks to FY2024) and Tesla, Inc. "
            "(CIK 1318605, 10-Ks to FY2021), trimmed to the debt tags"
        ),
        source=(
            "SEC EDGAR companyfacts API schema (data.sec.gov/api/xbrl/companyfacts). AAPL: "
            "github.com/Cemlyn/FairValue tests/data/AAPL/sec-filing-companyfacts-AAPL.json @ "
            "4720337faaf4a0d55323a79fa8df1b5245dcecc9 (repository Apache-2.0). TSLA: "
            "github.com/dgunning/edgartools data/company_facts.json @ "
            "d5e8247bec90ad1e4baf935a2ba42bda218386ac (repository MIT; stored there as a Python "
            "dict printout, converted to JSON with values unchanged)"
        ),
        license="SEC filings: U.S. government work, public domain",
        notes=(
            "Trimmed: only cik, entityName and these us-gaap tags kept (every fact of each, "
            "values unchanged): LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths, "
            "...InYearTwo, ...InYearThree, ...InYearFour, ...InYearFive, ...AfterYearFive, "
            "...RemainderOfFiscalYear (AAPL only), OperatingIncomeLoss, InterestExpense, "
            "InterestExpenseDebt, LongTermDebt. The dei facts and all other tags are dropped. "
            "Apple stopped tagging InterestExpense after FY2023."
        ),
    ),
}
