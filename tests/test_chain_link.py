"""Tests of divergence.concentration.chain_link: hand examples, no look-ahead, bundled data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divergence import concentration as conc
from divergence.concentration import chain_link
from divergence.datasets import load_sp500_daily_market_caps, load_sp500_market_caps
from divergence.errors import InputError


def _s(values: list[float], dates: list[str]) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates))


# --------------------------------------------------------------------------- closed forms
def test_hand_example_with_snapshots_off_the_daily_calendar() -> None:
    # daily values on five trading days (01-06/07 a weekend)
    daily = _s([2.0, 4.0, 5.0, 10.0, 8.0], ["2024-01-03", "2024-01-04", "2024-01-05",
                                             "2024-01-08", "2024-01-09"])  # fmt: skip
    # 01-01: before the daily series (no daily value to link to: an observation only);
    # 01-04: on a trading day, ratio 20 / 4 = 5; 01-07 (Sunday): linked to 01-05's daily 5,
    # ratio 30 / 5 = 6; 01-12: after the daily series (an observation only)
    snaps = _s([7.0, 20.0, 30.0, 50.0], ["2024-01-01", "2024-01-04", "2024-01-07", "2024-01-12"])
    out = chain_link(snaps, daily)
    expected = _s(
        [7.0, 20.0, 5.0 * 5.0, 30.0, 10.0 * 6.0, 8.0 * 6.0, 50.0],
        ["2024-01-01", "2024-01-04", "2024-01-05", "2024-01-07", "2024-01-08", "2024-01-09",
         "2024-01-12"],
    )  # fmt: skip
    # 01-03 precedes the first linkable snapshot: dropped
    pd.testing.assert_series_equal(out, expected.rename("chain_linked"), rtol=1e-15)


def test_monthly_last_observation_and_bounded_carry() -> None:
    days = pd.bdate_range("2024-01-10", "2024-02-29")
    daily = pd.Series(2.0, index=days)
    daily.iloc[-1] = 3.0
    snaps = _s([10.0, 20.0], ["2024-01-15", "2024-06-10"])
    # ratio 10 / 2 = 5 from 01-15: Jan's last value 2 * 5, Feb's 3 * 5; Mar, Apr carried
    # (carry=2), May NaN, Jun the snapshot
    out = chain_link(snaps, daily, freq="MS", carry=2)
    months = pd.date_range("2024-01-01", "2024-06-01", freq="MS")
    expected = pd.Series([10.0, 15.0, 15.0, 15.0, np.nan, 20.0], index=months)
    pd.testing.assert_series_equal(out, expected, check_names=False, check_freq=False)
    assert out.name == "chain_linked"
    no_carry = chain_link(snaps, daily, freq="MS")
    assert no_carry.loc["2024-03":"2024-05"].isna().all()


def test_equals_snapshots_and_moves_with_daily_between_them() -> None:
    rng = np.random.default_rng(5)
    days = pd.bdate_range("2020-01-01", periods=300)
    daily = pd.Series(np.exp(rng.normal(size=300).cumsum() * 0.01) * 30, index=days)
    snaps = pd.Series([40.0, 35.0, 50.0], index=days[[20, 101, 250]] + pd.Timedelta(hours=0))
    out = chain_link(snaps, daily)
    np.testing.assert_array_equal(out.loc[snaps.index].to_numpy(), snaps.to_numpy())
    # between two snapshots the ratio to the daily series is constant (= snapshot / daily)
    seg = out.loc[days[21] : days[100]] / daily.loc[days[21] : days[100]]
    assert np.allclose(seg, 40.0 / daily.iloc[20], rtol=1e-14)


def test_inputs_not_modified_and_nan_rows_ignored() -> None:
    daily = _s([1.0, np.nan, 2.0], ["2024-01-01", "2024-01-02", "2024-01-03"])
    snaps = _s([4.0, np.nan], ["2024-01-02", "2024-01-05"])
    before = daily.copy(), snaps.copy()
    out = chain_link(snaps, daily)
    # 01-02 links to the last valid daily value on or before it (01-01: ratio 4)
    np.testing.assert_array_equal(out.to_numpy(), [4.0, 8.0])
    pd.testing.assert_series_equal(daily, before[0])
    pd.testing.assert_series_equal(snaps, before[1])


# --------------------------------------------------------------------------- no look-ahead
@st.composite
def _panel(draw: st.DrawFn) -> tuple[pd.Series, pd.Series, pd.Timestamp]:
    n = draw(st.integers(1, 80))
    start = pd.Timestamp("2023-11-20")
    day_offsets = sorted(draw(st.sets(st.integers(0, 150), min_size=n, max_size=n)))
    values = draw(st.lists(st.floats(0.1, 100.0), min_size=n, max_size=n))
    daily = pd.Series(values, index=start + pd.to_timedelta(day_offsets, unit="D"))
    m = draw(st.integers(1, 8))
    snap_offsets = sorted(draw(st.sets(st.integers(-20, 170), min_size=m, max_size=m)))
    snap_values = draw(st.lists(st.floats(0.1, 100.0), min_size=m, max_size=m))
    snaps = pd.Series(snap_values, index=start + pd.to_timedelta(snap_offsets, unit="D"))
    cut = start + pd.Timedelta(days=draw(st.integers(-25, 175)))
    return snaps, daily, cut


@settings(max_examples=150, deadline=None)
@given(_panel())
def test_truncating_after_t_never_changes_values_up_to_t(
    data: tuple[pd.Series, pd.Series, pd.Timestamp],
) -> None:
    snaps, daily, cut = data
    full = chain_link(snaps, daily)
    # equality at every snapshot
    np.testing.assert_array_equal(full.loc[snaps.index].to_numpy(), snaps.to_numpy())
    s_cut, d_cut = snaps.loc[:cut], daily.loc[:cut]
    if s_cut.empty or d_cut.empty:
        return
    part = chain_link(s_cut, d_cut)
    pd.testing.assert_series_equal(part, full.loc[:cut], check_freq=False)
    # monthly: rows up to the month containing the cut, with the cut at that month's end
    month_end = cut.to_period("M").to_timestamp(how="end")
    s_m, d_m = snaps.loc[:month_end], daily.loc[:month_end]
    monthly = chain_link(s_m, d_m, freq="MS", carry=2)
    pd.testing.assert_series_equal(
        monthly, chain_link(snaps, daily, freq="MS", carry=2).loc[: monthly.index[-1]]
    )


# --------------------------------------------------------------------------- bundled data
def test_bundled_monthly_is_snapshot_level_without_look_ahead() -> None:
    snaps = conc.concentration_coefficient(load_sp500_market_caps())
    daily = conc.concentration_coefficient(load_sp500_daily_market_caps())
    ic = chain_link(snaps, daily, freq="MS", carry=3)
    # a month whose last observation is a snapshot shows exactly that snapshot
    for date in ["2018-02-08", "2024-10-25", "2025-02-01", "2026-08-20"]:
        month = pd.Timestamp(date).to_period("M").to_timestamp()
        assert ic.loc[month] == snaps.loc[date]
    # a month whose last observation is a trading day: daily I_C times the ratio of the
    # latest snapshot (2014-12-07, a Sunday) to the daily I_C of the last trading day before
    # it (2014-12-05), computed here by hand
    ratio = snaps.loc["2014-12-07"] / daily.loc["2014-12-05"]
    assert ic.loc["2015-03-01"] == pytest.approx(daily.loc["2015-03-31"] * ratio, rel=1e-14)
    # carried at most three months, never backwards
    assert ic.first_valid_index() == pd.Timestamp("2012-12-01")
    assert ic.loc["2018-06":"2024-09"].isna().all()
    assert ic.loc["2018-03":"2018-05"].eq(snaps.loc["2018-02-08"]).all()


# --------------------------------------------------------------------------- bad input
GOOD = _s([1.0, 2.0], ["2024-01-01", "2024-01-02"])

BAD = [
    (lambda: chain_link(_s([1.0, 2.0], ["2024-01-02", "2024-01-01"]), GOOD), InputError, "sorted"),
    (lambda: chain_link(GOOD, _s([1.0, 2.0], ["2024-01-01", "2024-01-01"])), InputError,
     "duplicate"),
    (lambda: chain_link(GOOD, _s([0.0, 2.0], ["2024-01-01", "2024-01-02"])), InputError,
     "positive"),
    (lambda: chain_link(_s([-1.0, 2.0], ["2024-01-01", "2024-01-02"]), GOOD), InputError,
     "positive"),
    (lambda: chain_link(_s([np.inf, 2.0], ["2024-01-01", "2024-01-02"]), GOOD), InputError,
     "infinite"),
    (lambda: chain_link(_s([np.nan, np.nan], ["2024-01-01", "2024-01-02"]), GOOD), InputError,
     "no valid"),
    (lambda: chain_link([1.0, 2.0], GOOD), TypeError, "snapshots must be a pandas Series"),  # type: ignore[arg-type]
    (lambda: chain_link(GOOD, pd.Series([1.0, 2.0])), TypeError, "daily must have a DatetimeIndex"),
    (lambda: chain_link(GOOD, GOOD, carry=2), InputError, "freq"),
    (lambda: chain_link(GOOD, GOOD, freq="MS", carry=-1), InputError, "carry"),
    (lambda: chain_link(GOOD, GOOD, freq="XYZ"), InputError, "freq"),
    (lambda: chain_link(GOOD, GOOD, freq=3), TypeError, "freq"),  # type: ignore[arg-type]
    (lambda: chain_link(GOOD.tz_localize("UTC"), GOOD), InputError, "time zones"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "exc", "match"), BAD)
def test_bad_inputs(call: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()  # type: ignore[operator]
