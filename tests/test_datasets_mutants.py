"""Assertions the mutation run of divergence.datasets showed missing.

Each test pins a behaviour a surviving mutant changed (see
``docs/_data/mutation/datasets.json``). The reference is an independent reading of the bundled
file with the standard library (``gzip`` + ``csv`` / ``json``), or a published fact about the
data (first and last dates, the SEC CIK of a filer) quoted in the loader's docstring.
"""

from __future__ import annotations

import csv
import gzip
import json
import math
from collections import defaultdict
from datetime import date, datetime
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import datasets as ds
from divergence.datasets import REGISTRY
from divergence.errors import InputError

DATA = resources.files("divergence.datasets").joinpath("data")


def _rows(file: str) -> list[dict[str, str]]:
    """The bundled CSV as a list of dicts, read with the standard library only."""
    with gzip.open(str(DATA.joinpath(file)), "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _num(text: str) -> float:
    return float(text) if text != "" else math.nan


def _ts(d: date) -> pd.Timestamp:
    return pd.Timestamp(d.isoformat())


# --------------------------------------------------------------------------- with_provenance
def test_provenance_attrs_copy_the_registry_entry() -> None:
    """Kills with_provenance title/notes key and value mutants and the source_extra default."""
    cons = ds.load_sp500_constituents()
    entry = REGISTRY["sp500_constituents"]
    assert cons.attrs["source"] == entry.source  # no suffix by default
    assert cons.attrs["license"] == entry.license
    assert cons.attrs["title"] == entry.title
    assert entry.notes == "" and "notes" not in cons.attrs
    vix = ds.load_vix()
    assert vix.attrs["notes"] == REGISTRY["vix"].notes
    assert vix.attrs["title"] == REGISTRY["vix"].title


# --------------------------------------------------------------------------- market caps
def test_market_cap_flag_checks_name_the_argument() -> None:
    """Kills the check_bool name mutants (None, XX..XX, upper case) of both flags."""
    with pytest.raises(TypeError, match=r"^merge_share_classes must be True or False, got int$"):
        ds.load_sp500_market_caps(merge_share_classes=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^long must be True or False, got str$"):
        ds.load_sp500_market_caps(long="yes")  # type: ignore[arg-type]


def test_market_caps_wide_panel_against_the_raw_file() -> None:
    """Kills index/column name, sort and aggfunc mutants of the wide panel and the ticker
    normalisation: rebuilt from the raw rows (BRK-B -> BRK.B, classes merged by their mean)."""
    classes = {"GOOG": "GOOGL", "FOX": "FOXA", "NWS": "NWSA", "DISCK": "DISCA", "DISCB": "DISCA"}
    classes["UA"] = "UAA"
    cells: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in _rows("sp500_marketcap_snapshots.csv.gz"):
        sym = r["symbol"].replace("-", ".")
        cap = _num(r["market_cap_usd"])
        if not math.isnan(cap):
            cells[(r["snapshot_date"], classes.get(sym, sym))].append(cap)
    caps = ds.load_sp500_market_caps()
    assert caps.index.name == "date" and caps.columns.name == "symbol"
    assert caps.index.is_monotonic_increasing and list(caps.columns) == sorted(caps.columns)
    assert caps.dtypes.unique().tolist() == [np.dtype(np.float64)]
    assert list(caps.columns) == sorted({s for _, s in cells})  # every ticker with a cap
    assert "BRK.B" in caps.columns
    for (d, s), vals in list(cells.items())[::97]:  # a spread sample of cells
        assert caps.loc[pd.Timestamp(d), s] == pytest.approx(sum(vals) / len(vals), rel=1e-12)
    # a merged company, last snapshot: the mean of its two classes (not the sum)
    last = max(d for d, _ in cells)
    g = cells[(last, "GOOGL")]
    assert len(g) == 2
    assert caps.loc[pd.Timestamp(last), "GOOGL"] == pytest.approx(sum(g) / 2)


def test_market_caps_long_table_against_the_raw_file() -> None:
    """Kills the long=True branch mutants: rename, the agg map, groupby keys/sort/as_index and
    reset_index(drop=True); the reference groups the raw rows by (date, company) by hand."""
    classes = {"GOOG": "GOOGL", "FOX": "FOXA", "NWS": "NWSA", "DISCK": "DISCA", "DISCB": "DISCA"}
    classes["UA"] = "UAA"
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for r in _rows("sp500_marketcap_snapshots.csv.gz"):
        sym = r["symbol"].replace("-", ".")
        groups[(r["snapshot_date"], classes.get(sym, sym))].append(r)
    out = ds.load_sp500_market_caps(long=True)
    assert list(out.columns) == [
        "date",
        "symbol",
        "name",
        "sector",
        "price",
        "market_cap_usd",
        "source_commit",
    ]
    assert isinstance(out.index, pd.RangeIndex) and out.index[0] == 0
    assert out["date"].dtype.kind == "M"
    keys = sorted(groups)
    assert len(out) == len(keys)
    assert list(zip(out["date"].dt.strftime("%Y-%m-%d"), out["symbol"], strict=True)) == keys
    assert out.attrs["source"] == REGISTRY["sp500_market_caps"].source

    def first(rows: list[dict[str, str]], col: str) -> str | None:
        return next((r[col] for r in rows if r[col] != ""), None)

    last = max(d for d, _ in keys)
    for key in [(last, "GOOGL"), (last, "FOXA"), keys[0], keys[len(keys) // 2], keys[-1]]:
        rows = groups[key]
        row = out.iloc[keys.index(key)]
        caps = [_num(r["market_cap_usd"]) for r in rows if r["market_cap_usd"] != ""]
        assert row["market_cap_usd"] == pytest.approx(sum(caps) / len(caps))
        assert row["name"] == first(rows, "name")
        assert row["source_commit"] == first(rows, "source_commit")
        assert row["price"] == pytest.approx(_num(first(rows, "price") or ""))
        sector = first(rows, "sector")
        assert (row["sector"] == sector) if sector is not None else pd.isna(row["sector"])
    # the merged Alphabet row: one row for two classes, the first listed class's name
    goog = groups[(last, "GOOGL")]
    assert len(goog) == 2 and out.iloc[keys.index((last, "GOOGL"))]["name"] == goog[0]["name"]


def test_market_caps_long_unmerged_keeps_every_raw_row() -> None:
    """Without merging, the long table is the raw file with normalised tickers."""
    raw = _rows("sp500_marketcap_snapshots.csv.gz")
    out = ds.load_sp500_market_caps(long=True, merge_share_classes=False)
    assert len(out) == len(raw)
    assert set(out["symbol"]) == {r["symbol"].replace("-", ".") for r in raw}


# --------------------------------------------------------------------------- prices
def test_prices_index_columns_and_values() -> None:
    """Kills the prices index/column name, parse_dates and dtype mutants."""
    rows = _rows("sp500_close_2013_2018.csv.gz")
    px = ds.load_sp500_prices()
    assert px.index.name == "date" and px.columns.name == "symbol"
    assert isinstance(px.index, pd.DatetimeIndex)
    assert px.index[0] == pd.Timestamp(rows[0]["date"])
    assert px.loc[pd.Timestamp(rows[0]["date"]), "AAPL"] == pytest.approx(_num(rows[0]["AAPL"]))
    assert px.dtypes.unique().tolist() == [np.dtype(np.float64)]


# --------------------------------------------------------------------------- constituents
def test_constituents_columns_renamed_and_symbols_kept() -> None:
    """Kills every rename-map mutant and the symbol column mutants of the constituents."""
    rows = _rows("sp500_constituents.csv.gz")
    cons = ds.load_sp500_constituents()
    assert cons.index.name == "symbol"
    assert list(cons.columns) == [
        "security",
        "sector",
        "sub_industry",
        "headquarters",
        "date_added",
        "cik",
        "founded",
    ]
    assert list(cons.index) == [r["Symbol"].replace("-", ".") for r in rows]
    first = rows[0]
    got = cons.loc[first["Symbol"]]
    assert got["security"] == first["Security"]
    assert got["sector"] == first["GICS Sector"]
    assert got["sub_industry"] == first["GICS Sub-Industry"]
    assert got["headquarters"] == first["Headquarters Location"]
    assert got["date_added"] == first["Date added"]
    assert int(got["cik"]) == int(first["CIK"])
    assert str(got["founded"]) == first["Founded"]


# --------------------------------------------------------------------------- daily caps
def test_daily_caps_use_the_snapshot_on_the_first_trading_day() -> None:
    """Kills ``keep = pos > 0`` / ``pos >= 1``: the 2013-02-10 snapshot (a Sunday) maps to the
    first trading day, 2013-02-08, and gives that day's caps (price x cap / price)."""
    caps = ds.load_sp500_daily_market_caps()
    snaps = ds.load_sp500_market_caps()
    snap = snaps.loc["2013-02-10"]
    day = pd.Timestamp("2013-02-08")
    assert caps.index[0] == day
    for name in ("AAPL", "MMM", "XOM"):
        assert caps.loc[day, name] == pytest.approx(snap[name], rel=1e-9)


def test_daily_caps_provenance_names_the_snapshots() -> None:
    """Kills the source_extra mutants: the prices' source plus the implied-shares note."""
    caps = ds.load_sp500_daily_market_caps()
    assert caps.attrs["source"] == (
        REGISTRY["sp500_prices"].source + " Share counts implied from the market-cap snapshots "
        "(datasets/s-and-p-500-companies-financials, Yahoo Finance, ODC-PDDL-1.0)."
    )


# --------------------------------------------------------------------------- FRED
def test_fred_values_index_and_dtype_against_the_raw_file() -> None:
    """Kills the Series data/index mutants, parse_dates, the index name and the float dtype
    (USREC is stored as 0.0/1.0 and must come back as float)."""
    rows = _rows("fred_DGS10.csv.gz")
    y = ds.load_fred("DGS10")
    assert y.index.name == "date" and isinstance(y.index, pd.DatetimeIndex)
    assert len(y) == len(rows)
    for r in rows[:: max(len(rows) // 7, 1)]:
        assert y.loc[pd.Timestamp(r["date"]), "DGS10"] == pytest.approx(float(r["DGS10"]))
    rec = ds.load_fred("USREC")
    assert rec["USREC"].dtype == np.float64
    assert rec.attrs["units"] == {"USREC": "0/1"}


def test_fred_mixed_frequencies_on_a_sorted_union() -> None:
    """Kills ``sort=False`` in the concat: weekly WALCL first, daily DGS10 second must still
    give one increasing index, the union of both files' dates."""
    walcl = {r["date"] for r in _rows("fred_WALCL.csv.gz")}
    dgs = {r["date"] for r in _rows("fred_DGS10.csv.gz")}
    out = ds.load_fred(["WALCL", "DGS10"])
    assert list(out.columns) == ["WALCL", "DGS10"]
    assert out.index.is_monotonic_increasing
    assert list(out.index.strftime("%Y-%m-%d")) == sorted(walcl | dgs)


def test_fred_error_messages() -> None:
    """Kills the message mutants (XX..XX, lower case, the ', ' join) and the units name."""
    with pytest.raises(
        TypeError, match=r"^series must be a FRED identifier or a sequence of identifiers$"
    ):
        ds.load_fred(10)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^series is empty; name at least one FRED identifier$"):
        ds.load_fred([])
    listed = ", ".join(sorted(ds.FRED_SERIES))
    with pytest.raises(InputError, match=r"^series 'SP500' is not bundled; available: ") as e:
        ds.load_fred("SP500")
    assert str(e.value).endswith(listed)
    with pytest.raises(InputError, match=r"^units must be one of \['published', 'decimal'\]"):
        ds.load_fred("DGS10", units="percent")  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Shiller, VIX, SPX
def test_shiller_index() -> None:
    """Kills the Shiller index-name and parse_dates mutants."""
    sh = ds.load_shiller()
    assert sh.index.name == "date" and isinstance(sh.index, pd.DatetimeIndex)
    assert sh.index[-1] == pd.Timestamp("2026-05-01")  # docstring: 1871-01 to 2026-05


def test_vix_index_and_columns() -> None:
    """Kills the VIX index-name and parse_dates mutants."""
    rows = _rows("vix_daily.csv.gz")
    vix = ds.load_vix()
    assert vix.index.name == "date" and isinstance(vix.index, pd.DatetimeIndex)
    assert list(vix.columns) == ["open", "high", "low", "close"]
    assert vix.index[0] == pd.Timestamp(rows[0]["DATE"])
    assert vix.iloc[0]["close"] == pytest.approx(float(rows[0]["CLOSE"]))


def test_sp500_index_dates_and_columns() -> None:
    """Kills the S&P 500 index date-parsing, Adj Close rename and index-name mutants; dates in
    the file are m/d/Y (1/4/1999 is 4 January 1999)."""
    rows = _rows("sp500_index_daily.csv.gz")
    spx = ds.load_sp500_index()
    assert spx.index.name == "date"
    assert list(spx.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    first = datetime.strptime(rows[0]["Date"], "%m/%d/%Y").date()
    last = datetime.strptime(rows[-1]["Date"], "%m/%d/%Y").date()
    assert (first, last) == (date(1999, 1, 4), date(2018, 12, 31))
    assert spx.index[0] == _ts(first) and spx.index[-1] == _ts(last)
    assert spx.iloc[0]["adj_close"] == pytest.approx(float(rows[0]["Adj Close"]))


# --------------------------------------------------------------------------- Fama-French
def test_fama_french_dates_and_names() -> None:
    """Kills the ``%Y%M`` format mutant, the Mkt-RF rename and index-name mutants of both
    files and the portfolios' parse_dates."""
    ff = ds.load_fama_french("factors")
    assert ff.index.name == "date"
    assert list(ff.columns) == ["MktRF", "SMB", "HML", "RF"]
    assert ff.index[0] == pd.Timestamp("1926-07-01") and ff.index[-1] == pd.Timestamp("2018-11-01")
    pf = ds.load_fama_french("portfolios")
    assert pf.index.name == "date" and isinstance(pf.index, pd.DatetimeIndex)
    assert pf.index[0] == pd.Timestamp("1949-01-01") and pf.index[-1] == pd.Timestamp("2017-03-01")
    rows = _rows("french_portfolios_monthly.csv.gz")
    assert pf.iloc[0]["MktRF"] == pytest.approx(float(rows[0]["MktRF"]))


# --------------------------------------------------------------------------- SEC company facts
def _facts_file(ticker: str) -> dict[str, Any]:
    path = DATA.joinpath(f"sec_companyfacts_{ticker}.json.gz")
    with gzip.open(str(path), "rt", encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


@pytest.mark.parametrize(
    ("ticker", "key", "cik"), [("aapl", "AAPL", 320193), ("TSLA", "TSLA", 1318605)]
)
def test_company_facts_are_the_bundled_documents(ticker: str, key: str, cik: int) -> None:
    """Every load_company_facts mutant: the document equals the file read with json, and the
    CIK is the filer's SEC CIK (Apple 320193, Tesla 1318605, EDGAR)."""
    doc = ds.load_company_facts(ticker)
    assert doc == _facts_file(key)
    assert doc["cik"] == cik == ds.COMPANY_FACTS[key]


def test_company_facts_errors() -> None:
    with pytest.raises(TypeError, match=r"^ticker must be a str, got int$"):
        ds.load_company_facts(320193)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^ticker must be one of \['AAPL', 'TSLA'\], got 'MSFT'$"):
        ds.load_company_facts("msft")
