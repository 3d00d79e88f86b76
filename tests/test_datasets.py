"""Bundled data: shapes, provenance, share classes, daily caps without look-ahead."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence import datasets as ds
from divergence.errors import InputError

LOADERS = [
    ds.load_sp500_market_caps,
    ds.load_sp500_prices,
    ds.load_sp500_constituents,
    ds.load_shiller,
    ds.load_vix,
    ds.load_sp500_index,
    ds.load_fama_french,
    lambda: ds.load_fred(["DGS10", "WALCL"]),
]


@pytest.mark.parametrize("loader", LOADERS)
def test_every_frame_carries_provenance(loader: object) -> None:
    frame = loader()  # type: ignore[operator]
    assert isinstance(frame, pd.DataFrame) and len(frame) > 0
    assert frame.attrs["source"] and frame.attrs["license"]


def test_market_caps_snapshots_and_share_classes() -> None:
    caps = ds.load_sp500_market_caps()
    assert caps.shape[0] == 30
    assert isinstance(caps.index, pd.DatetimeIndex) and caps.index.is_monotonic_increasing
    assert "GOOG" not in caps.columns and "GOOGL" in caps.columns
    assert "BRK-B" not in caps.columns and "BRK.B" in caps.columns
    raw = ds.load_sp500_market_caps(merge_share_classes=False)
    # data README: Yahoo gives each Alphabet class the whole-company cap (~USD 4.2T in 2026)
    last = raw.iloc[-1]
    assert last["GOOG"] == pytest.approx(last["GOOGL"], rel=0.02)
    assert caps.iloc[-1]["GOOGL"] == pytest.approx((last["GOOG"] + last["GOOGL"]) / 2)
    # data README, raw top-10 share of summed caps: 21.3% in 2012-12 (no duplicate classes then)
    from divergence.concentration import top_k_share

    assert top_k_share(raw.iloc[0].dropna()) == pytest.approx(0.213, abs=0.0005)
    assert (caps.fillna(0) >= 0).all().all()


def test_prices_panel() -> None:
    px = ds.load_sp500_prices()
    assert px.shape == (1259, 505)
    assert px.index[0] == pd.Timestamp("2013-02-08") and px.index[-1] == pd.Timestamp("2018-02-07")
    assert "SPEC" not in px.attrs


def test_daily_caps_match_snapshots_and_have_no_look_ahead() -> None:
    caps = ds.load_sp500_daily_market_caps()
    px = ds.load_sp500_prices()
    snaps = ds.load_sp500_market_caps()
    # at the trading day of a snapshot, the implied cap equals the snapshot cap
    day = px.index[px.index.searchsorted(pd.Timestamp("2016-02-26"), side="right") - 1]
    snap = snaps.loc["2016-02-26"]
    common = snap.dropna().index.intersection(caps.columns)
    np.testing.assert_allclose(caps.loc[day, common], snap[common], rtol=1e-9)
    # before that day the caps use the previous snapshot's share counts, not this one's
    prev_day = px.index[px.index.get_loc(day) - 1]
    prev_snap = snaps.loc["2015-09-22"]
    prev_snap_day = px.index[px.index.searchsorted(pd.Timestamp("2015-09-22"), side="right") - 1]
    name = "AAPL"
    shares_prev = prev_snap[name] / px.loc[prev_snap_day, name]
    assert caps.loc[prev_day, name] == pytest.approx(shares_prev * px.loc[prev_day, name])


def test_shiller_and_fred_units() -> None:
    sh = ds.load_shiller()
    assert sh.index[0] == pd.Timestamp("1871-01-01")
    assert sh["gs10"].iloc[0] == pytest.approx(5.32)  # percent, as published
    pub = ds.load_fred("DGS10")
    dec = ds.load_fred("DGS10", units="decimal")
    np.testing.assert_allclose(dec["DGS10"], pub["DGS10"] / 100)
    assert pub.attrs["units"]["DGS10"] == "percent" and dec.attrs["units"]["DGS10"] == "decimal"
    walcl = ds.load_fred("WALCL", units="decimal")
    assert walcl.attrs["units"]["WALCL"] == "USD millions"
    with pytest.raises(InputError, match="not bundled"):
        ds.load_fred("SP500")
    with pytest.raises(InputError, match="series is empty"):
        ds.load_fred([])
    with pytest.raises(TypeError, match="series must be"):
        ds.load_fred(10)  # type: ignore[arg-type]


def test_fama_french_decimal() -> None:
    ff = ds.load_fama_french("factors")
    # Ken French library, July 1926: Mkt-RF 2.96%, SMB -2.30%, HML -2.87%, RF 0.22%
    np.testing.assert_allclose(ff.iloc[0].to_numpy(), [0.0296, -0.023, -0.0287, 0.0022])
    pf = ds.load_fama_french()
    assert {"SMB", "HML", "S1V1", "S5V5", "NoDur"} <= set(pf.columns)
    with pytest.raises(InputError, match="dataset must be one of"):
        ds.load_fama_french("daily")  # type: ignore[arg-type]


def test_loaders_return_fresh_frames() -> None:
    a = ds.load_sp500_market_caps()
    a.iloc[0, 0] = -1.0
    assert ds.load_sp500_market_caps().iloc[0, 0] != -1.0
