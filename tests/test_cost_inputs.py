"""Tests of divergence.cost.inputs and of DivergenceCost on the inputs frame (alignment)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence import concentration as conc
from divergence.cost import DivergenceCost, inputs
from divergence.datasets import (
    load_fred,
    load_shiller,
    load_sp500_daily_market_caps,
    load_sp500_market_caps,
)
from divergence.errors import InputError


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return inputs()


@pytest.fixture(scope="module")
def sources() -> dict[str, pd.Series | pd.DataFrame]:
    fred = load_fred(["WALCL", "M2SL"])
    snaps = conc.concentration_coefficient(load_sp500_market_caps())
    daily = conc.concentration_coefficient(load_sp500_daily_market_caps())
    return {
        "shiller": load_shiller(),
        "walcl": fred["WALCL"].dropna(),
        "m2": fred["M2SL"].dropna(),
        "i_c": conc.chain_link(snaps, daily),  # observations, not yet monthly
        "snaps": snaps,
        "daily": daily,
    }


# --------------------------------------------------------------------------- bundled data
def test_layout_and_attrs(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["premium_gap", "delta_r", "i_c", "l_s"]
    assert frame.index.name == "date"
    expected = pd.date_range(frame.index[0], frame.index[-1], freq="MS")
    assert frame.index.equals(expected)
    assert set(frame.attrs["sources"]) == {"premium_gap", "delta_r", "i_c", "l_s"}
    assert frame.attrs["conventions"]["carry_months"] == 3
    assert "WALCL" in frame.attrs["sources"]["l_s"]


def test_premium_gap_reproduces_shillers_excess_cape_yield(
    frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame]
) -> None:
    # Reference: Shiller's published "Excess CAPE Yield" column (ie_data.xls), ~6 decimals;
    # the same check as tests/test_premia.py (observed max 5.1e-7 there), tolerance 2e-6.
    published = sources["shiller"]["excess_cape_yield"].dropna()
    ours = frame["premium_gap"].reindex(published.index)
    assert len(published) == 1745
    assert ours.notna().all()
    assert (ours - published).abs().max() < 2e-6


def test_delta_r_and_l_s_by_hand(
    frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame]
) -> None:
    # delta_r: plain 12-month difference of the gap
    gap = frame["premium_gap"]
    dr = frame["delta_r"].dropna()
    assert (dr - (gap - gap.shift(12)).loc[dr.index]).abs().max() < 1e-15
    # L_S = -(B_t - B_{t-12}) / M_{t-12}: WALCL's last weekly level of the month (USD mn ->
    # bn), M2SL (USD bn) twelve months earlier; pandas arithmetic, no library call
    walcl = sources["walcl"]
    m2 = sources["m2"]
    assert isinstance(walcl, pd.Series) and isinstance(m2, pd.Series)
    b = walcl.groupby(walcl.index.to_period("M")).last() / 1000.0
    m = m2.groupby(m2.index.to_period("M")).last()
    b.index, m.index = b.index.to_timestamp(), m.index.to_timestamp()
    both = pd.concat([b, m], axis=1, join="inner")
    by_hand = (-(both.iloc[:, 0] - both.iloc[:, 0].shift(12)) / both.iloc[:, 1].shift(12)).dropna()
    ls = frame["l_s"].dropna()
    assert ls.index.equals(by_hand.index)
    assert (ls - by_hand).abs().max() < 1e-15
    assert ls.index[0] == pd.Timestamp("2003-12-01")


def test_i_c_by_hand(frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame]) -> None:
    snaps = sources["snaps"]
    daily = sources["daily"]
    ic = frame["i_c"]
    # a month ending in a snapshot: that snapshot's top-10 mean / median, by NumPy
    caps = load_sp500_market_caps().loc["2024-12-01"].dropna().to_numpy()
    by_hand = np.sort(caps)[::-1][:10].mean() / np.median(caps)
    assert ic.loc["2024-12-01"] == pytest.approx(by_hand, rel=1e-12)
    # a month ending in a trading day: daily value times the latest snapshot's link ratio
    ratio = snaps.loc["2016-07-05"] / daily.loc["2016-07-05"]
    assert ic.loc["2016-12-01"] == pytest.approx(daily.loc["2016-12-30"] * ratio, rel=1e-14)
    # carried at most three months after 2018-02, never backwards, gap until 2024-10
    assert ic.loc["2018-05-01"] == snaps.loc["2018-02-08"]
    assert ic.loc["2018-06":"2024-09"].isna().all()
    assert ic.first_valid_index() == pd.Timestamp("2012-12-01")


def test_user_path_with_the_bundled_data_gives_the_default(
    frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame]
) -> None:
    own = inputs(sources["shiller"], sources["walcl"], sources["m2"], sources["i_c"])  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(own, frame)


@pytest.mark.parametrize("month", ["2013-06", "2015-03", "2018-02", "2024-12", "2026-02"])
def test_no_look_ahead(
    frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame], month: str
) -> None:
    # truncating every input after month M leaves the rows up to M unchanged
    end = pd.Timestamp(month).to_period("M").to_timestamp(how="end")
    cut = {k: v.loc[:end] for k, v in sources.items()}
    part = inputs(cut["shiller"], cut["walcl"], cut["m2"], cut["i_c"])  # type: ignore[arg-type]
    assert part.index[-1] == pd.Timestamp(month)
    pd.testing.assert_frame_equal(part, frame.loc[:month], check_freq=False)


def test_no_look_ahead_before_the_balance_sheet_exists(
    frame: pd.DataFrame, sources: dict[str, pd.Series | pd.DataFrame]
) -> None:
    # before 2002 only the Shiller inputs exist: truncate them at 1950-06
    sh = sources["shiller"].loc[:"1950-06"]
    part = inputs(sh, sources["walcl"], sources["m2"], sources["i_c"])  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(part.loc[:"1950-06"], frame.loc[:"1950-06"], check_freq=False)


# --------------------------------------------------------------------------- user data
def _toy() -> dict[str, pd.Series | pd.DataFrame]:
    months = pd.date_range("2019-01-01", periods=36, freq="MS")
    gs10 = np.where(months >= pd.Timestamp("2020-07-01"), 4.0, 3.0)
    shiller = pd.DataFrame(
        {"sp_price": 200.0, "earnings": 10.0, "cpi": 100.0, "gs10": gs10, "other": "x"},
        index=months + pd.Timedelta(days=14),  # mid-month dates: labelled by month start
    )
    month_ends = months + pd.offsets.MonthEnd(0)
    balance = pd.Series(1000.0 - 2.0 * np.arange(36), index=month_ends)
    base = pd.Series(500.0, index=months)
    caps = pd.DataFrame(
        [[100.0, 50.0, 10.0, 10.0, 5.0], [200.0, 50.0, 10.0, 10.0, 5.0]],
        index=pd.to_datetime(["2020-01-15", "2020-03-10"]),
    )
    return {"shiller": shiller, "balance": balance, "base": base, "caps": caps}


def test_user_data_closed_forms() -> None:
    toy = _toy()
    out = inputs(
        toy["shiller"],  # type: ignore[arg-type]
        toy["balance"],  # type: ignore[arg-type]
        toy["base"],  # type: ignore[arg-type]
        toy["caps"],
        cape_window=12,
        cape_min_periods=12,
        inflation_window=12,
        shift_months=3,
        balance_sheet_divisor=1.0,
        carry_months=3,
    )
    m = pd.date_range("2019-01-01", periods=36, freq="MS")
    assert out.index.equals(m)
    # CAPE = (200/100) / (10/100) = 20 with zero inflation: gap = 1/20 - gs10/100
    gap = out["premium_gap"]
    assert gap.loc[:"2019-12"].isna().all()  # 12 months of earnings and CPI needed
    np.testing.assert_allclose(gap.loc["2020-01":"2020-06"], 0.05 - 0.03, rtol=1e-12)
    np.testing.assert_allclose(gap.loc["2020-07":], 0.05 - 0.04, rtol=1e-12)
    # 3-month change: -1% for the three months after the yield rises, else 0
    dr = out["delta_r"]
    np.testing.assert_allclose(dr.loc["2020-04":"2020-06"], 0.0, atol=1e-15)
    np.testing.assert_allclose(dr.loc["2020-07":"2020-09"], -0.01, rtol=1e-12)
    np.testing.assert_allclose(dr.loc["2020-10":], 0.0, atol=1e-15)
    # L_S = -(-2 * 12) / 500 per year
    np.testing.assert_allclose(out["l_s"].loc["2020-01":], 24.0 / 500.0, rtol=1e-12)
    assert out["l_s"].loc[:"2019-12"].isna().all()
    # I_C of [100, 50, 10, 10, 5]: mean of all five (fewer than 10) / median = 35 / 10;
    # then [200, ...]: 55 / 10; carried three months, then NaN
    ic = out["i_c"]
    assert ic.loc["2020-01-01"] == pytest.approx(3.5, rel=1e-15)
    assert ic.loc["2020-02-01"] == pytest.approx(3.5, rel=1e-15)
    np.testing.assert_allclose(ic.loc["2020-03":"2020-06"], 5.5, rtol=1e-15)
    assert ic.loc["2020-07":].isna().all() and ic.loc[:"2019-12"].isna().all()
    assert out.attrs["sources"]["i_c"].startswith("user caps panel")


def test_user_long_rate_replaces_gs10() -> None:
    toy = _toy()
    sh = toy["shiller"]
    assert isinstance(sh, pd.DataFrame)
    days = pd.bdate_range("2019-01-01", "2021-12-31")
    rate = pd.Series(np.where(days >= pd.Timestamp("2020-07-01"), 4.0, 3.0), index=days)
    kw = {"cape_window": 12, "cape_min_periods": 12, "inflation_window": 12}
    a = inputs(sh, toy["balance"], toy["base"], toy["caps"], **kw)  # type: ignore[arg-type]
    b = inputs(sh.drop(columns="gs10"), toy["balance"], toy["base"], toy["caps"],  # type: ignore[arg-type]
               long_rate=rate, **kw)  # fmt: skip
    pd.testing.assert_series_equal(a["premium_gap"], b["premium_gap"], rtol=1e-14)


def test_month_gaps_are_months_not_rows() -> None:
    toy = _toy()
    base = toy["base"]
    assert isinstance(base, pd.Series)
    holey = base.drop(base.index[5])  # one M2 month missing
    out = inputs(toy["shiller"], toy["balance"], holey, toy["caps"],  # type: ignore[arg-type]
                 balance_sheet_divisor=1.0, cape_window=12, cape_min_periods=12,
                 inflation_window=12)  # fmt: skip
    ls = out["l_s"]
    # the missing month and the month 12 later (its base) are NaN; the others unchanged
    assert np.isnan(ls.loc["2019-06-01"]) and np.isnan(ls.loc["2020-06-01"])
    np.testing.assert_allclose(ls.loc["2020-07":], 24.0 / 500.0, rtol=1e-12)


def test_inputs_not_modified() -> None:
    toy = _toy()
    copies = {k: v.copy() for k, v in toy.items()}
    inputs(toy["shiller"], toy["balance"], toy["base"], toy["caps"],  # type: ignore[arg-type]
           cape_window=12, cape_min_periods=12, inflation_window=12)  # fmt: skip
    for k, v in toy.items():
        if isinstance(v, pd.DataFrame):
            pd.testing.assert_frame_equal(v, copies[k])  # type: ignore[arg-type]
        else:
            pd.testing.assert_series_equal(v, copies[k])  # type: ignore[arg-type]


def _bad_inputs() -> list[tuple[dict[str, object], type[Exception], str]]:
    toy = _toy()
    sh, bal, base = toy["shiller"], toy["balance"], toy["base"]
    assert isinstance(sh, pd.DataFrame) and isinstance(bal, pd.Series)
    assert isinstance(base, pd.Series)
    dup = pd.concat([sh.iloc[:2], sh.iloc[[1]]])
    return [
        ({"shiller": sh.drop(columns="cpi")}, InputError, r"lacks column\(s\) \['cpi'\]"),
        ({"shiller": sh.to_numpy()}, TypeError, "shiller must be a DataFrame"),
        ({"shiller": sh.reset_index(drop=True)}, TypeError, "DatetimeIndex"),
        ({"shiller": dup}, InputError, "more than one row in month 2019-02"),
        ({"shiller": sh.iloc[::-1]}, InputError, "sorted"),
        ({"shiller": sh.assign(cpi="a")}, TypeError, "shiller"),
        ({"balance_sheet": bal.to_numpy()}, TypeError, "balance_sheet must be a pandas Series"),
        ({"balance_sheet": bal.iloc[::-1]}, InputError, "balance_sheet dates must be sorted"),
        ({"base": base * 0.0}, InputError, "base must be strictly positive"),
        ({"base": base.shift(100, freq="D").iloc[-2:]}, InputError, "no month in common"),
        ({"i_c": pd.Series([-1.0], index=pd.to_datetime(["2020-01-01"]))}, InputError, "i_c"),
        ({"balance_sheet_divisor": 0.0}, InputError, "balance_sheet_divisor"),
        ({"carry_months": -1}, InputError, "carry_months"),
        ({"shift_months": 0}, InputError, "shift_months"),
        ({"cape_window": 1.5}, TypeError, "cape_window"),
    ]


@pytest.mark.parametrize("case", range(15))
def test_bad_inputs(case: int) -> None:
    kwargs, exc, match = _bad_inputs()[case]
    toy = _toy()
    args: dict[str, object] = {
        "shiller": toy["shiller"],
        "balance_sheet": toy["balance"],
        "base": toy["base"],
        "i_c": toy["caps"],
        "balance_sheet_divisor": 1.0,
        "cape_window": 12,
        "cape_min_periods": 12,
        "inflation_window": 12,
    }
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        inputs(**args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the model on the frame
def test_model_takes_the_frame(frame: pd.DataFrame) -> None:
    m = DivergenceCost(min_periods=24)
    three = (frame["delta_r"], frame["i_c"], frame["l_s"])
    pd.testing.assert_series_equal(m.evaluate(frame), m.evaluate(*three))
    pd.testing.assert_frame_equal(m.contributions(frame), m.contributions(*three))
    pd.testing.assert_frame_equal(m.sensitivities(frame), m.sensitivities(*three))
    pd.testing.assert_frame_equal(m.scores(frame), m.scores(*three))
    pd.testing.assert_series_equal(m.linear_predictor(frame), m.linear_predictor(*three))
    # extra columns are ignored; a missing column counts as None
    extra = frame.assign(note=1.0, sp_price=2.0)
    pd.testing.assert_series_equal(m.evaluate(extra), m.evaluate(*three))
    two = DivergenceCost(weights=(1.0, 0.0, 1.0), min_periods=24)
    pd.testing.assert_series_equal(
        two.evaluate(frame.drop(columns="i_c")), two.evaluate(frame["delta_r"], None, frame["l_s"])
    )


def _three() -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(3)
    idx = pd.date_range("2020-01-01", periods=40, freq="MS")
    dr = pd.Series(rng.normal(size=30), index=idx[:30])
    ic = pd.Series(rng.normal(size=30) + 20.0, index=idx[8:38])  # shifted
    ls = pd.Series(rng.normal(size=36), index=idx[4:40]).drop(idx[[10, 20]])
    return dr, ic, ls


def test_different_indexes_are_outer_joined() -> None:
    dr, ic, ls = _three()
    union = dr.index.union(ic.index).union(ls.index)
    m = DivergenceCost(min_periods=5, interaction=0.5)
    manual = [x.reindex(union) for x in (dr, ic, ls)]
    pd.testing.assert_series_equal(m.evaluate(dr, ic, ls), m.evaluate(*manual))
    pd.testing.assert_frame_equal(m.contributions(dr, ic, ls), m.contributions(*manual))
    pd.testing.assert_frame_equal(m.sensitivities(dr, ic, ls), m.sensitivities(*manual))
    pd.testing.assert_frame_equal(m.scores(dr, ic, ls), m.scores(*manual))
    cd = m.evaluate(dr, ic, ls)
    assert cd.index.equals(union) and cd.index.is_monotonic_increasing
    # rows are time: unsorted dates are refused, never reordered (docs/reliability.rst)
    with pytest.raises(InputError, match=r"i_c dates are not in increasing order.*sort_index"):
        m.evaluate(dr, ic[::-1], ls)
    # months missing any used input give NaN
    missing = ~(union.isin(dr.index) & union.isin(ic.index) & union.isin(ls.index))
    assert cd[missing].isna().all() and cd[~missing].notna().any()
    # a None input with zero weight does not restrict the rows
    m0 = DivergenceCost(weights=(1.0, 0.0, 1.0), min_periods=5)
    u2 = dr.index.union(ls.index)
    pd.testing.assert_series_equal(
        m0.evaluate(dr, None, ls), m0.evaluate(dr.reindex(u2), None, ls.reindex(u2))
    )


def test_arrays_by_position() -> None:
    dr, _ic, ls = _three()
    m = DivergenceCost(min_periods=5)
    # an array with the length of the pandas inputs' joined index is taken by position
    union = dr.index.union(ls.index)
    arr = np.linspace(10.0, 20.0, len(union))
    pd.testing.assert_series_equal(
        m.evaluate(dr, arr, ls),
        m.evaluate(dr.reindex(union), pd.Series(arr, index=union), ls.reindex(union)),
    )
    # arrays of one length: unchanged behaviour, ndarray out
    out = m.evaluate(dr.to_numpy(), np.arange(30.0), np.ones(30))
    assert isinstance(out, np.ndarray) and out.shape == (30,)


BAD_ALIGN = [
    (lambda: DivergenceCost(min_periods=2).evaluate(np.ones(10), np.ones(12), np.ones(10)),
     InputError, r"delta_r 10, i_c 12, l_s 10 rows"),
    (lambda: DivergenceCost(min_periods=2).evaluate(_three()[0], np.ones(12), _three()[2]),
     InputError, r"40 rows; got i_c 12"),
    (lambda: DivergenceCost(weights=(1.0, 1.0, 0.0), min_periods=2).evaluate(
        pd.Series(1.0, index=[0, 0, 1]), pd.Series(1.0, index=[0, 1, 2]), None),
     InputError, "duplicate index labels"),
    (lambda: DivergenceCost(min_periods=2).evaluate(
        pd.DataFrame({"delta_r": [1.0, 2.0]}), np.ones(2)), TypeError, "not both"),
    (lambda: DivergenceCost(min_periods=2).evaluate(pd.DataFrame({"x": [1.0, 2.0]})),
     InputError, "none of the columns"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "exc", "match"), BAD_ALIGN)
def test_bad_alignment(call: object, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()  # type: ignore[operator]


def test_functional_shortcut_takes_the_frame(frame: pd.DataFrame) -> None:
    from divergence.cost import divergence_cost

    pd.testing.assert_series_equal(
        divergence_cost(frame, min_periods=24), DivergenceCost(min_periods=24).evaluate(frame)
    )


def test_pandas_wins_over_arrays_of_the_same_length() -> None:
    dr, _, _ = _three()
    out = DivergenceCost(weights=(1.0, 1.0, 0.0), min_periods=5).evaluate(
        dr.to_numpy(), pd.Series(np.arange(30.0), index=dr.index), None
    )
    assert isinstance(out, pd.Series) and out.index.equals(dr.index)


def test_windows_longer_than_the_shared_data_name_the_options() -> None:
    """Windows that leave no month with both a CAPE and a real yield raise, naming them.

    The 30 months of ``cost_sources`` with a daily ``long_rate`` of 600 business days (about 28
    months): an ``inflation_window`` of 28 starts the real yield after the last ``long_rate``
    month; a ``cape_window`` of 28 starts the CAPE there too; CAPE over 30 months needs 31.
    """
    from reliability_table import COST_INPUT_OPTIONS, cost_sources

    for option, value, match in [
        ("inflation_window", 28, r"no month has both a CAPE .* \(inflation_window=28"),
        ("cape_window", 28, r"no month has both a CAPE \(cape_window=28"),
        ("cape_window", 30, r"cape_window=30 needs at least 31 months"),
    ]:
        with pytest.raises(InputError, match=match):
            inputs(**cost_sources(), **{**COST_INPUT_OPTIONS, option: value})
    inputs(**cost_sources(), **{**COST_INPUT_OPTIONS, "inflation_window": 20})  # still overlaps
