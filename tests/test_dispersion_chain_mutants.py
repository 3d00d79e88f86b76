"""Assertions the mutation run of the dispersion chain files showed missing.

The run covered ``divergence.dispersion._vix``, ``_kernels``, ``_implied``, ``_realized`` and
``_trade`` (see ``docs/_data/mutation/dispersion_chain.json``). Each test pins a behaviour a
surviving mutant changed. Expected values are worked by hand in the comments (variance-swap
legs, forwards and strike sums of small chains) or the argument names and messages the
functions document; none is taken from the code under test.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from _chain_engines import break_numba
from divergence.dispersion import (
    DispersionTradePnL,
    bracketing_expiries,
    constant_maturity_variance,
    cross_sectional_dispersion,
    dispersion_index,
    dispersion_trade_pnl,
    implied_correlation,
    implied_forward,
    model_free_variance,
    model_free_variance_panel,
    realized_correlation,
    realized_volatility,
    vol_spread,
)
from divergence.dispersion import _kernels as kn
from divergence.dispersion._vix import _group_codes, _panel_core, _stable_argsort_codes
from divergence.errors import DivergenceWarning, InputError, UnitWarning


def _unit_warnings(call: Callable[[], Any]) -> list[tuple[str, str]]:
    """(argument name, unit sentence) of every UnitWarning ``call`` emits, in order."""
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        call()
    out = []
    for w in rec:
        assert w.category is UnitWarning, w.message
        text = str(w.message)
        out.append((text.split(" ")[0], text.split(": ")[1].split(".")[0]))
    return out


DAYS = "it looks like days, not years"
PERCENT = "it looks like percent, not decimals"

# three strikes; mids C = 6.1, 3.0, 1.0 and P = 1.0, 2.7, 6.0: |C - P| is smallest at 100
SMALL = pd.DataFrame(
    {
        "strike": [95.0, 100.0, 105.0],
        "call_bid": [6.0, 2.9, 0.9],
        "call_ask": [6.2, 3.1, 1.1],
        "put_bid": [0.9, 2.6, 5.8],
        "put_ask": [1.1, 2.8, 6.2],
    }
)


# --------------------------------------------------------------------------- trade P&L views
def _two_dated_trades() -> DispersionTradePnL:
    """Two trades; the second has no member realised vol, so no member leg and no total.

    Trade 1 (vega notional 10,000): index strike 20 vol points, realised 18. Index variance
    notional 10,000 / (2 * 20) = 250, short leg -250 * (18^2 - 20^2) = 19,000. Members at 30
    vol, weights 1/2: notional 0.5 * 10,000 / (2 * 30) = 250/3 each; legs
    250/3 * (33^2 - 30^2) = 250/3 * 189 = 15,750 and 250/3 * (27^2 - 30^2) = -14,250.
    Total 19,000 + 1,500 = 20,500.
    Trade 2: index strike 25, realised 30: notional 10,000 / 50 = 200, leg
    -200 * (900 - 625) = -55,000; no member traded, so the total is NaN.
    """
    idx = pd.DatetimeIndex(["2024-01-31", "2024-02-29"])
    civ = pd.DataFrame([[0.30, 0.30], [0.30, 0.30]], index=idx, columns=["a", "b"])
    crv = pd.DataFrame([[0.33, 0.27], [np.nan, np.nan]], index=idx, columns=["a", "b"])
    w = pd.DataFrame([[0.5, 0.5], [0.5, 0.5]], index=idx, columns=["a", "b"])
    iiv = pd.Series([0.20, 0.25], index=idx)
    irv = pd.Series([0.18, 0.30], index=idx)
    return dispersion_trade_pnl(iiv, civ, irv, crv, w, notional=1e4)


def test_trade_summary_with_a_trade_without_members() -> None:
    pnl = _two_dated_trades()
    s = pnl.summary()
    assert s.title == "Dispersion trade P&L (short index variance, long member variance)"
    assert s.notes == ("Money in the unit of notional; winning trades = share with total > 0.",)
    assert list(s.tables) == ["P&L by leg"]
    table = s.tables["P&L by leg"]
    assert list(table.index) == ["index_leg", "constituent_legs", "total"]
    assert table.index.name == "leg"
    assert list(table.columns) == ["sum", "mean", "std", "min", "max"]
    # index leg: 19,000 and -55,000; the member and total columns have one trade each
    assert table.loc["index_leg", "sum"] == pytest.approx(-36_000.0, rel=1e-12)
    assert table.loc["index_leg", "mean"] == pytest.approx(-18_000.0, rel=1e-12)
    assert table.loc["index_leg", "min"] == pytest.approx(-55_000.0, rel=1e-12)
    assert table.loc["index_leg", "max"] == pytest.approx(19_000.0, rel=1e-12)
    assert table.loc["constituent_legs", "sum"] == pytest.approx(1_500.0, rel=1e-9)
    assert table.loc["constituent_legs", "mean"] == pytest.approx(1_500.0, rel=1e-9)
    assert table.loc["total", "sum"] == pytest.approx(20_500.0, rel=1e-12)
    assert table.loc["total", "min"] == pytest.approx(20_500.0, rel=1e-12)
    assert table.loc["total", "max"] == pytest.approx(20_500.0, rel=1e-12)
    # a column with a single trade has no sample spread, so the std column is all NaN
    assert table["std"].isna().all()
    assert (table.dtypes == np.float64).all()
    settings = s.settings
    assert list(settings.index) == [
        "Trades",
        "Members",
        "Weighting",
        "Winning trades",
        "First trade",
        "Last trade",
    ]
    assert settings["Trades"] == "2" and settings["Members"] == "2"
    assert settings["Weighting"] == "vega"
    assert settings["Winning trades"] == "1"  # the one valid total is positive
    assert settings["First trade"] == "2024-01-31" and settings["Last trade"] == "2024-02-29"
    assert repr(pnl) == (
        "DispersionTradePnL(trades=2, members=2, weighting='vega', total P&L 20,500)"
    )


def test_trade_summary_three_trades_spread_and_losing_share() -> None:
    # index strike 20, member strikes 30 (weights 1/2, vega notional 1 per vol point: index
    # variance notional 1/40, members 1/120 each), members realised at their strike (legs 0).
    # Realised index 18, 20, 22: legs -(324 - 400)/40 = 1.9, 0, -(484 - 400)/40 = -2.1.
    civ = np.full((3, 2), 0.30)
    w = np.full((3, 2), 0.5)
    pnl = dispersion_trade_pnl([0.2, 0.2, 0.2], civ, [0.18, 0.20, 0.22], civ, w)
    table = pnl.summary().tables["P&L by leg"]
    legs = [1.9, 0.0, -2.1]
    mean = sum(legs) / 3
    std = math.sqrt(sum((v - mean) ** 2 for v in legs) / 2)
    assert table.loc["total", "mean"] == pytest.approx(mean, rel=1e-9)
    assert table.loc["total", "std"] == pytest.approx(std, rel=1e-9)
    assert table.loc["total", "min"] == pytest.approx(-2.1, rel=1e-9)
    assert table.loc["total", "max"] == pytest.approx(1.9, rel=1e-9)
    assert table.loc["constituent_legs", "std"] == 0.0
    s = pnl.summary()
    # one of three totals is > 0 (the zero total is not a win)
    assert s.settings["Winning trades"] == "0.3333"
    assert "First trade" not in s.settings.index  # trades without dates
    assert repr(pnl) == (
        "DispersionTradePnL(trades=3, members=2, weighting='vega', total P&L -0.2)"
    )


def test_trade_summary_without_any_valid_trade() -> None:
    # no member has both a realised vol and a weight: every total and member leg is NaN; the
    # index leg is -(1 / 40) * (18^2 - 20^2) = 1.9 per trade
    civ = np.full((2, 3), 0.30)
    crv = np.array([[np.nan, 0.3, np.nan]] * 2)
    w = np.array([[1 / 3, np.nan, 1 / 3]] * 2)
    pnl = dispersion_trade_pnl([0.2, 0.2], civ, [0.18, 0.18], crv, w, weighting="theta")
    s = pnl.summary()
    table = s.tables["P&L by leg"]
    # a column without any value leaves mean, std, min and max NaN for every leg
    for col in ("mean", "std", "min", "max"):
        assert table[col].isna().all(), col
    assert table.loc["index_leg", "sum"] == pytest.approx(3.8, rel=1e-12)
    assert table.loc["total", "sum"] == 0.0
    assert (table.dtypes == np.float64).all()
    assert s.settings["Winning trades"] == "nan"
    assert s.settings["Members"] == "3" and s.settings["Weighting"] == "theta"


def test_trade_members_of_a_table_and_of_scalars() -> None:
    # 3 trades of 2 members: the member count is the last axis, not the number of trades
    civ = np.full((3, 2), 0.30)
    pnl = dispersion_trade_pnl([0.2] * 3, civ, [0.2] * 3, civ, np.full((3, 2), 0.5))
    assert "trades=3, members=2" in repr(pnl)
    assert pnl.summary().settings["Members"] == "2"
    # a result built by hand from scalars has one member
    one = DispersionTradePnL(1.0, 2.0, 3.0, 1.0, 1.0, "vega")
    assert one.summary().settings["Members"] == "1"
    assert "trades=1, members=1" in repr(one)


def test_to_frame_of_a_result_built_from_integers_is_float() -> None:
    # the documented columns are money amounts: float64 even from integer fields
    pnl = DispersionTradePnL(1, [[2, 3]], 6, 1, [[1, 1]], "vega")
    frame = pnl.to_frame()
    assert frame.dtypes.tolist() == [np.dtype(np.float64)] * 3
    assert frame.iloc[0].tolist() == [1.0, 5.0, 6.0]


# --------------------------------------------------------------------------- term structure
def test_constant_maturity_variance_scalars_give_a_float_and_units_are_checked() -> None:
    # 0.04 at 20 "days" and 0.05 at 40 interpolated to 30: (20 * 0.04 * 10/20 + 40 * 0.05 *
    # 10/20) / 30 = (0.4 + 1.0) / 30
    got: list[Any] = []
    names = _unit_warnings(
        lambda: got.append(constant_maturity_variance(0.04, 20, 0.05, 40, target=30))
    )
    assert names == [("t_near", DAYS), ("t_next", DAYS), ("target", DAYS)]
    assert type(got[0]) is float and got[0] == pytest.approx(1.4 / 30, rel=1e-12)
    # the same in years: a plain float, no warning
    v = constant_maturity_variance(0.04, 20 / 365, 0.05, 40 / 365, target=30 / 365)
    assert type(v) is float and v == pytest.approx(1.4 / 30, rel=1e-12)
    with pytest.raises(InputError, match=r"^var_near must be 1-D, got a 2-D input"):
        constant_maturity_variance(np.full((2, 2), 0.04), 0.1, 0.05, 0.2)


def test_bracketing_expiries_units_and_positive_times() -> None:
    got: list[Any] = []
    names = _unit_warnings(lambda: got.append(bracketing_expiries([20, 40, 60], target=30)))
    assert names == [("times", DAYS), ("target", DAYS)]
    assert got[0] == (20.0, 40.0)
    with pytest.raises(InputError, match=r"^times must be strictly positive"):
        bracketing_expiries([0.0, 0.1, 0.2], target=0.15)


# --------------------------------------------------------------------------- implied
def test_vol_spread_without_a_positive_member_vol_is_nan() -> None:
    # every member vol zero: no member with a positive weighted vol, so no spread (NaN);
    # second row: 0.5 * 0.3 + 0.5 * 0.1 - 0.2 = 0
    one = vol_spread(0.2, [0.0, 0.0], [0.5, 0.5])
    assert type(one) is float and math.isnan(one)
    out = vol_spread([0.2, 0.2], [[0.0, 0.0], [0.3, 0.1]], [0.5, 0.5])
    assert out.dtype == np.float64
    assert math.isnan(out[0]) and out[1] == pytest.approx(0.0, abs=1e-15)


# --------------------------------------------------------------------------- trade P&L inputs
_TRADE = {
    "index_implied_vol": 0.2,
    "constituent_implied_vols": [0.3, 0.4],
    "index_realized_vol": 0.2,
    "constituent_realized_vols": [0.3, 0.4],
    "weights": [0.5, 0.5],
}


@pytest.mark.parametrize(
    ("override", "exc", "pattern"),
    [
        ({"index_implied_vol": 0.0}, InputError, r"^index_implied_vol must be strictly positive"),
        (
            {"constituent_implied_vols": [0.3, 0.0]},
            InputError,
            r"^constituent_implied_vols must be strictly positive",
        ),
        (
            {"constituent_realized_vols": [0.3, -0.1]},
            InputError,
            r"^constituent_realized_vols has 1 negative value",
        ),
        ({"index_realized_vol": "x"}, TypeError, r"^index_realized_vol must be array-like"),
        (
            {"index_realized_vol": [0.1, 0.2, 0.3]},
            InputError,
            r"^index_realized_vol must hold a single value to match constituent_implied_vols,",
        ),
    ],
)
def test_trade_messages_start_with_the_argument(
    override: dict[str, object], exc: type[Exception], pattern: str
) -> None:
    with pytest.raises(exc, match=pattern):
        dispersion_trade_pnl(**{**_TRADE, **override})  # type: ignore[arg-type]


def test_trade_of_one_cross_section_keeps_its_shapes_and_float_totals() -> None:
    # vega notional 1, index strike 20 realised 18: index leg -(1/40) * (324 - 400) = 1.9;
    # members at their strikes (legs 0), notionals 0.5 / (2 * 30) and 0.5 / (2 * 40)
    pnl = dispersion_trade_pnl(0.2, [0.3, 0.4], 0.18, [0.3, 0.4], [0.5, 0.5])
    assert np.shape(pnl.constituent_legs) == (2,)
    assert np.shape(pnl.constituent_notionals) == (2,)
    assert np.asarray(pnl.constituent_notionals) == pytest.approx([0.5 / 60, 0.5 / 80])
    assert np.asarray(pnl.constituent_legs) == pytest.approx([0.0, 0.0], abs=1e-15)
    assert pnl.total == pytest.approx(1.9, rel=1e-12)
    # a trade without a member traded has a NaN total, in a float64 result
    pnl2 = _two_dated_trades()
    assert pnl2.total.dtype == np.float64 and math.isnan(pnl2.total.iloc[1])
    assert pnl2.total.iloc[0] == pytest.approx(20_500.0, rel=1e-12)


# SMALL at t = 0.1, r = 0 by hand: F = 100 + (3.0 - 2.7) = 100.3, K0 = 100; strikes used 95
# (put mid 1.0), 100 (mean of the mids, 2.85), 105 (call mid 1.0), all Delta K = 5
SMALL_VAR = (
    2.0 / 0.1 * (5 / 95**2 * 1.0 + 5 / 100**2 * 2.85 + 5 / 105**2 * 1.0)
    - (100.3 / 100 - 1.0) ** 2 / 0.1
)


# --------------------------------------------------------------------------- one chain
def test_single_chain_checks_rate_times_t_and_names_the_chain() -> None:
    with pytest.raises(InputError, match=r"^\|rate \* t\| = 11 exceeds 10: rate is an annual"):
        model_free_variance(SMALL, t=1.0, rate=11.0)
    with pytest.raises(InputError, match=r"^\|rate \* t\| = 12 exceeds 10"):
        implied_forward(SMALL, t=2.0, rate=-6.0)
    crossed = SMALL.assign(call_ask=[6.2, 2.0, 1.1])
    with pytest.raises(
        InputError, match=r"^chain has 1 call quote\(s\) with ask < bid; first at strike 100$"
    ):
        model_free_variance(crossed, t=0.1, rate=0.0)
    negative = SMALL.assign(put_bid=[0.9, -1.0, 5.8])
    with pytest.raises(InputError, match=r"^chain\['put_bid'\] has 1 negative value"):
        implied_forward(negative, t=0.1, rate=0.0)


def test_single_chain_and_panel_check_units_of_t_and_rate() -> None:
    # F = 100 + e^{rt} (3.0 - 2.7) at the strike of the closest mids
    got: list[Any] = []
    assert _unit_warnings(lambda: got.append(implied_forward(SMALL, t=30, rate=0.001))) == [
        ("t", DAYS)
    ]
    assert got[0][0] == pytest.approx(100.0 + math.exp(0.03) * 0.3, rel=1e-12)
    assert _unit_warnings(lambda: model_free_variance(SMALL, t=1.0, rate=5.0)) == [
        ("rate", PERCENT)
    ]
    panel = SMALL.assign(e=1)
    assert _unit_warnings(lambda: model_free_variance_panel(panel, by="e", t=30, rate=0.001)) == [
        ("t", DAYS)
    ]
    assert _unit_warnings(lambda: model_free_variance_panel(panel, by="e", t=1.0, rate=5.0)) == [
        ("rate", PERCENT)
    ]


def test_single_chain_duplicate_strike_message_in_full() -> None:
    twice = pd.concat([SMALL, SMALL.iloc[:1]])
    with pytest.raises(
        InputError,
        match=r"^chain has 1 duplicated strike\(s\), first 95; pass one expiry \(and one root, "
        r"e\.g\. SPX or SPXW\) at a time$",
    ):
        model_free_variance(twice, t=0.1, rate=0.0)


# --------------------------------------------------------------------------- panel
_PANEL = SMALL.assign(e=1)


@pytest.mark.parametrize(
    ("chains", "kwargs", "exc", "pattern"),
    [
        (_PANEL.drop(columns="put_ask"), {}, InputError, r"^chains is missing column\(s\) "),
        (_PANEL.iloc[:0], {}, InputError, r"^chains is empty$"),
        (_PANEL.to_numpy(), {}, TypeError, r"^chains must be a pandas DataFrame, got ndarray$"),
        (_PANEL, {"engine": "gpu"}, InputError, r"^engine must be one of "),
        (
            _PANEL.assign(call_ask=[6.2, 2.0, 1.1]),
            {},
            InputError,
            r"^chains has 1 call quote\(s\) with ask < bid; first at strike 100$",
        ),
        (
            _PANEL.assign(strike=[95.0, 0.0, 105.0]),
            {},
            InputError,
            r"^chains\['strike'\] must be strictly positive",
        ),
        (_PANEL, {"t": 1.0, "rate": 11.0}, InputError, r"^\|rate \* t\| = 11 exceeds 10"),
        (_PANEL, {"t": 2.0, "rate": -6.0}, InputError, r"^\|rate \* t\| = 12 exceeds 10"),
    ],
)
def test_panel_messages_name_chains_and_options(
    chains: Any, kwargs: dict[str, Any], exc: type[Exception], pattern: str
) -> None:
    args: dict[str, Any] = {"by": "e", "t": 0.1, "rate": 0.0, **kwargs}
    with pytest.raises(exc, match=pattern):
        model_free_variance_panel(chains, **args)


def test_panel_index_carries_the_key_names() -> None:
    two = pd.concat([SMALL.assign(d=2, e="b"), SMALL.assign(d=1, e="a")])
    one = model_free_variance_panel(two, by="e", t=0.1, rate=0.0)
    assert one.index.name == "e" and one.index.tolist() == ["a", "b"]
    many = model_free_variance_panel(two, by=["d", "e"], t=0.1, rate=0.0)
    assert list(many.index.names) == ["d", "e"]
    assert many.index.tolist() == [(1, "a"), (2, "b")]
    assert many.tolist() == pytest.approx([SMALL_VAR, SMALL_VAR], rel=1e-12)
    assert model_free_variance(SMALL, t=0.1, rate=0.0) == pytest.approx(SMALL_VAR, rel=1e-12)


def test_strike_nan_and_crossed_put_quotes_are_named() -> None:
    no_strike = SMALL.assign(strike=[95.0, np.nan, 105.0])
    with pytest.raises(InputError, match=r"^chain\['strike'\] has 1 NaN value\(s\) where none"):
        model_free_variance(no_strike, t=0.1, rate=0.0)
    with pytest.raises(InputError, match=r"^chains\['strike'\] has 1 NaN value\(s\) where none"):
        model_free_variance_panel(no_strike.assign(e=1), by="e", t=0.1, rate=0.0)
    crossed = SMALL.assign(put_ask=[1.1, 2.0, 6.2])
    with pytest.raises(
        InputError, match=r"^chain has 1 put quote\(s\) with ask < bid; first at strike 100$"
    ):
        model_free_variance(crossed, t=0.1, rate=0.0)
    with pytest.raises(
        InputError, match=r"^chains has 1 put quote\(s\) with ask < bid; first at strike 100$"
    ):
        model_free_variance_panel(crossed.assign(e=1), by="e", t=0.1, rate=0.0)


def test_radix_order_with_codes_just_past_one_digit() -> None:
    # 100,000 codes need the second 16-bit digit (above 65,536); reference: NumPy's stable sort
    rng = np.random.default_rng(7)
    codes = np.concatenate([np.arange(100_000)[::-1], rng.integers(0, 100_000, 5_000)])
    codes = codes.astype(np.int64)
    got = _stable_argsort_codes(codes, 100_000)
    np.testing.assert_array_equal(got, np.argsort(codes, kind="stable"))


# --------------------------------------------------------------------------- engines
def test_panel_engine_numba_runs_the_chain_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    """engine="numba" hands the chains to the loops of compiled() (here the Python loops)."""
    calls: list[int] = []

    def spy_loop(starts: Any, *rest: Any) -> None:
        calls.append(int(starts.size) - 1)
        kn.chain_loop(starts, *rest)

    loops = kn.Loops(kn.forward_k0, kn.wing_cuts, kn.chain_sums, spy_loop)
    monkeypatch.setattr(kn, "AVAILABLE", True)
    monkeypatch.setattr(kn, "compiled", lambda: loops)
    two = pd.concat([SMALL.assign(e=1), SMALL.assign(e=2)])
    out = model_free_variance_panel(two, by="e", t=0.1, rate=0.0, engine="numba")
    assert calls == [2]  # one call over both chains
    assert out.tolist() == pytest.approx([SMALL_VAR, SMALL_VAR], rel=1e-12)
    # mids C = 6.0, 2.5, 0.7 and P = 0.7, 2.5, 6.0: F = 100 exactly, so "at_or_below" takes
    # K0 = 100: put 95 (0.7), K0 (2.5), call 105 (0.7), all Delta K = 5, no F/K0 term
    flat = pd.DataFrame(
        {
            "strike": [95.0, 100.0, 105.0],
            "call_bid": [5.9, 2.4, 0.6],
            "call_ask": [6.1, 2.6, 0.8],
            "put_bid": [0.6, 2.4, 5.9],
            "put_ask": [0.8, 2.6, 6.1],
            "e": 1,
        }
    )
    at = model_free_variance_panel(
        flat, by="e", t=0.1, rate=0.0, k0_rule="at_or_below", engine="numba"
    )
    expect = 2.0 / 0.1 * (5 / 95**2 * 0.7 + 5 / 100**2 * 2.5 + 5 / 105**2 * 0.7)
    assert at.tolist() == pytest.approx([expect], rel=1e-12)


def test_panel_auto_engine_names_the_caller_when_numba_is_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    break_numba(monkeypatch, min_rows=3)  # the three strike rows reach the threshold
    with pytest.warns(DivergenceWarning) as rec:
        out = model_free_variance_panel(SMALL.assign(e=1), by="e", t=0.1, rate=0.0)
    assert len(rec) == 1
    assert str(rec[0].message) == (
        "numba is installed but cannot be imported (numba built for another NumPy); the "
        'model-free variance uses its NumPy engine (the same results, slower). engine="numba" '
        "shows the error."
    )
    assert out.tolist() == pytest.approx([SMALL_VAR], rel=1e-12)


def test_select_uses_loaded_loops_and_never_for_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    loops = kn.Loops(kn.forward_k0, kn.wing_cuts, kn.chain_sums, kn.chain_loop)

    def loaded() -> kn.Loops:
        return loops

    # the loops are loaded in this session (one cached entry): auto takes them on a small call
    loaded.cache_info = lambda: SimpleNamespace(currsize=1)  # type: ignore[attr-defined]
    monkeypatch.setattr(kn, "AVAILABLE", True)
    monkeypatch.setattr(kn, "_IMPORT_ERROR", None)
    monkeypatch.setattr(kn, "compiled", loaded)
    assert kn.select("auto", 10, "test") is loops
    assert kn.select("numpy", 10**9, "test") is None
    monkeypatch.setattr(kn, "AVAILABLE", False)
    with pytest.raises(
        ImportError, match=r'^engine="numba" needs numba: pip install "divergence\[fast\]"$'
    ):
        kn.select("numba", 10, "test")


# --------------------------------------------------------------------------- panel internals
def test_panel_core_outputs_per_chain() -> None:
    # chain 0: SMALL (F = 100.3, K0 = 100, three strikes used). Chain 1, bid = ask: C = 0.5,
    # 0.2 and P = 6.0, 11.0 at 100 and 105: |C - P| smallest at 100, F = 100 - 5.5 = 94.5,
    # below every strike: no K0, no strike used, NaN variance
    k = np.array([95.0, 100.0, 105.0, 100.0, 105.0])
    cb = np.array([6.0, 2.9, 0.9, 0.5, 0.2])
    ca = np.array([6.2, 3.1, 1.1, 0.5, 0.2])
    pb = np.array([0.9, 2.6, 5.8, 6.0, 11.0])
    pa = np.array([1.1, 2.8, 6.2, 6.0, 11.0])
    starts = np.array([0, 3], dtype=np.int64)
    t = np.array([0.1, 0.1])
    r = np.zeros(2)
    var, fwd, k0, n_used = _panel_core(starts, k, cb, ca, pb, pa, t, r, "below", "numpy")
    assert var[0] == pytest.approx(SMALL_VAR, rel=1e-12) and math.isnan(var[1])
    assert fwd.tolist() == pytest.approx([100.3, 94.5], rel=1e-12)
    assert k0[0] == 100.0 and math.isnan(k0[1])
    assert n_used.dtype == np.int64 and n_used.tolist() == [3, 0]


def test_panel_key_codes_of_a_sorted_key_with_unsorted_strikes() -> None:
    # key column in order (1, 2, 2, 2) but chain 2's strikes shuffled: the rows are sorted by
    # the codes of the key. Chain 1 has one strike (no pair of neighbours: NaN).
    lone = SMALL.iloc[[1]].assign(e=1)
    shuffled = SMALL.iloc[[2, 0, 1]].assign(e=2)
    out = model_free_variance_panel(pd.concat([lone, shuffled]), by="e", t=0.1, rate=0.0)
    assert out.index.tolist() == [1, 2]
    assert math.isnan(out.iloc[0]) and out.iloc[1] == pytest.approx(SMALL_VAR, rel=1e-12)
    # two one-strike chains whose keys come in decreasing order: the result is in key order
    # (chain 2's lone strike 95 and chain 1's lone strike 105 both give NaN)
    pair = pd.concat([SMALL.iloc[[0]].assign(e=2), SMALL.iloc[[2]].assign(e=1)])
    res = model_free_variance_panel(pair, by="e", t=0.1, rate=0.0)
    assert res.index.tolist() == [1, 2] and res.isna().all()
    # the same with a second key column: (2, "x") after (1, "y")
    multi = pd.concat([SMALL.assign(d=2, e="x"), SMALL.iloc[[1]].assign(d=1, e="y")])
    mres = model_free_variance_panel(multi, by=["d", "e"], t=0.1, rate=0.0)
    assert mres.index.tolist() == [(1, "y"), (2, "x")]
    assert math.isnan(mres.iloc[0]) and mres.iloc[1] == pytest.approx(SMALL_VAR, rel=1e-12)


def test_presorted_rows_with_two_numeric_keys_and_narrow_or_negative_keys() -> None:
    # rows already in (d, e, strike) order, d equal and e changing: two chains, not one
    two = pd.concat([SMALL.assign(d=1, e=1), SMALL.assign(d=1, e=2)])
    out = model_free_variance_panel(two, by=["d", "e"], t=0.1, rate=0.0)
    assert out.index.tolist() == [(1, 1), (1, 2)]
    assert out.tolist() == pytest.approx([SMALL_VAR, SMALL_VAR], rel=1e-12)
    # and e equal, d changing
    three = pd.concat([SMALL.assign(d=1, e=5), SMALL.assign(d=2, e=5), SMALL.assign(d=3, e=6)])
    res = model_free_variance_panel(three, by=["d", "e"], t=0.1, rate=0.0)
    assert res.index.tolist() == [(1, 5), (2, 5), (3, 6)]
    assert res.tolist() == pytest.approx([SMALL_VAR] * 3, rel=1e-12)
    # a 32-bit integer key
    narrow = pd.concat([SMALL.assign(e=1), SMALL.assign(e=2)]).astype({"e": np.int32})
    assert model_free_variance_panel(narrow, by="e", t=0.1, rate=0.0).tolist() == pytest.approx(
        [SMALL_VAR, SMALL_VAR], rel=1e-12
    )
    # negative float keys in decreasing order: the result is in increasing key order (-2, -1)
    neg = pd.concat([SMALL.assign(e=-1.0), SMALL.iloc[[1]].assign(e=-2.0)])
    nres = model_free_variance_panel(neg, by="e", t=0.1, rate=0.0)
    assert nres.index.tolist() == [-2.0, -1.0]
    assert math.isnan(nres.iloc[0]) and nres.iloc[1] == pytest.approx(SMALL_VAR, rel=1e-12)


def test_four_wide_keys_are_re_densified_before_int64_overflow() -> None:
    # four key columns of 65,536 distinct values each: the product of the code ranges is
    # 2^64, past int64, so the codes must be re-densified on the way. Every row is its own
    # chain (one strike: NaN); the result must come in lexicographic key order.
    n = 1 << 16
    rng = np.random.default_rng(1)
    keys = {f"k{j}": rng.permutation(n) for j in range(4)}
    quotes = {"strike": 100.0, "call_bid": 1.0, "call_ask": 1.2, "put_bid": 1.0, "put_ask": 1.2}
    frame = pd.DataFrame({**quotes, **keys})
    out = model_free_variance_panel(frame, by=list(keys), t=0.1, rate=0.0)
    expected = sorted(zip(*(keys[c].tolist() for c in keys), strict=True))
    assert out.index.tolist() == expected
    assert out.isna().all()


def test_trade_plot_draws_on_the_given_axes() -> None:
    plt = pytest.importorskip("matplotlib.pyplot")
    fig, ax = plt.subplots()
    try:
        # the three-trade example: totals 1.9, 0, -2.1, cumulated 1.9, 1.9, -0.2
        civ = np.full((3, 2), 0.30)
        pnl = dispersion_trade_pnl(
            [0.2, 0.2, 0.2], civ, [0.18, 0.20, 0.22], civ, np.full((3, 2), 0.5)
        )
        assert pnl.plot(ax=ax) is ax
        assert ax.lines[2].get_ydata() == pytest.approx([1.9, 1.9, -0.2], rel=1e-9)
    finally:
        plt.close(fig)


def test_categorical_key_codes_combine_past_the_small_code_type() -> None:
    # a categorical first key (20 categories: pandas keeps int8 codes) and a second key of 10
    # values: 200 combined codes, past int8. One strike per chain (NaN), rows shuffled; the
    # result comes in (category order, second key) order.
    cats = [f"c{i:02d}" for i in range(20)]
    pairs = [(c, j) for c in cats for j in range(10)]
    order = np.random.default_rng(3).permutation(len(pairs))
    rows = [pairs[i] for i in order]
    quotes = {"strike": 100.0, "call_bid": 1.0, "call_ask": 1.2, "put_bid": 1.0, "put_ask": 1.2}
    frame = pd.DataFrame(
        {
            **quotes,
            "c": pd.Categorical([r[0] for r in rows], categories=cats),
            "j": [r[1] for r in rows],
        }
    )
    out = model_free_variance_panel(frame, by=["c", "j"], t=0.1, rate=0.0)
    assert out.index.tolist() == pairs
    assert out.isna().all()


def test_trade_summary_of_two_and_three_dated_trades() -> None:
    # vega notional 0.1: index variance notional 0.1 / 40 = 1/400; members at their strikes.
    # Realised index 18 and 22: legs (400 - 324) / 400 = 0.19 and (400 - 484) / 400 = -0.21
    idx = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-29"])
    civ = pd.DataFrame(np.full((3, 2), 0.30), index=idx)
    w = pd.DataFrame(np.full((3, 2), 0.5), index=idx)
    iiv = pd.Series(0.2, index=idx)
    irv = pd.Series([0.18, 0.22, 0.20], index=idx)
    two = dispersion_trade_pnl(iiv[:2], civ[:2], irv[:2], civ[:2], w[:2], notional=0.1)
    s2 = two.summary()
    t2 = s2.tables["P&L by leg"]
    # two values: sample std |0.19 - (-0.21)| / sqrt(2)
    assert t2.loc["total", "std"] == pytest.approx(0.4 / math.sqrt(2), rel=1e-9)
    assert s2.settings["Winning trades"] == "0.5"  # one of two totals > 0 (0.19 < 1)
    three = dispersion_trade_pnl(iiv, civ, irv, civ, w, notional=0.1)
    s3 = three.summary()
    assert s3.settings["First trade"] == "2024-01-31"
    assert s3.settings["Last trade"] == "2024-03-29"


def test_trade_views_of_one_cross_section() -> None:
    # one trade of three members (1-D legs): one trade, three members
    pnl = dispersion_trade_pnl(0.2, [0.3, 0.3, 0.3], 0.18, [0.3, 0.3, 0.3], [0.2, 0.3, 0.5])
    assert repr(pnl) == "DispersionTradePnL(trades=1, members=3, weighting='vega', total P&L 1.9)"
    assert pnl.summary().settings["Members"] == "3"


def test_rate_times_t_bound_is_inclusive_and_message_complete() -> None:
    # |rate * t| = 10 exactly is accepted (with the unit warning a 1,000% rate deserves)
    with pytest.warns(UnitWarning, match=r"^rate has a median magnitude of 10"):
        v = model_free_variance(SMALL, t=1.0, rate=10.0)
    assert math.isfinite(v)
    with pytest.raises(
        InputError,
        match=r"^\|rate \* t\| = 10\.5 exceeds 10: rate is an annual decimal rate \(0\.05 = 5%\) "
        r"and t a time in years, so exp\(r t\) would be out of any plausible range$",
    ):
        model_free_variance_panel(_PANEL, by="e", t=1.5, rate=7.0)


def test_group_codes_without_densifying() -> None:
    # d = 1, 1, 2 -> codes 0, 0, 1 (2 values); e = 5, 7, 7 -> 0, 1, 1 (2 values): combined
    # code d * 2 + e = 0, 1, 3 out of 4, left as is with dense=False; 0, 1, 2 of 3 when dense
    cols = [pd.Series([1, 1, 2]), pd.Series([5, 7, 7])]
    codes, n = _group_codes(cols, dense=False)
    assert codes.tolist() == [0, 1, 3] and n == 4
    codes, n = _group_codes(cols)
    assert codes.tolist() == [0, 1, 2] and n == 3


# --------------------------------------------------------------------------- realised
def test_realized_volatility_options_and_messages() -> None:
    # demean=False, window 1: sqrt(4 * r^2) = 2 |r|
    out = realized_volatility([0.03, -0.04], window=1, periods_per_year=4, demean=False)
    assert out.tolist() == pytest.approx([0.06, 0.08], rel=1e-12)
    # one period a year: sample variance of (0.01, 0.03) is 2 * 0.01^2 / 1
    one = realized_volatility([0.01, 0.03], window=2, periods_per_year=1)
    assert math.isnan(one[0]) and one[1] == pytest.approx(math.sqrt(2e-4), rel=1e-12)
    unsorted = pd.Series(
        [0.01, -0.02, 0.03], index=pd.to_datetime(["2024-01-03", "2024-01-02", "2024-01-04"])
    )
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        realized_volatility(unsorted, window=2, periods_per_year=252)
    with pytest.raises(InputError, match=r"^returns has 1 infinite value"):
        realized_volatility([0.01, np.inf], window=2, periods_per_year=1)
    with pytest.raises(InputError, match=r"^periods_per_year must be >= 1, got 0"):
        realized_volatility([0.01, 0.02], window=2, periods_per_year=0)
    with pytest.raises(TypeError, match=r"^demean must be True or False, got str"):
        realized_volatility([0.01, 0.02], window=2, periods_per_year=1, demean="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^align must be one of \['trailing', 'forward'\]"):
        realized_volatility([0.01, 0.02], window=2, periods_per_year=1, align="x")  # type: ignore[arg-type]


def test_cross_sectional_dispersion_weights_policies_and_messages() -> None:
    with pytest.raises(InputError, match=r"^returns has 1 infinite value"):
        cross_sectional_dispersion([0.01, np.inf])
    with pytest.raises(InputError, match=r"^weights has 1 NaN value\(s\) and nan_policy='raise'"):
        cross_sectional_dispersion([0.01, 0.02], [0.5, np.nan], nan_policy="raise")
    # propagate: only the row with the NaN weight is NaN; row 2: index 0.04, deviations
    # +-0.02 with weights 1/2 -> sqrt(0.5 * 0.0004 * 2) = 0.02
    out = cross_sectional_dispersion(
        [[0.01, 0.03], [0.02, 0.06]], [[0.5, np.nan], [0.5, 0.5]], nan_policy="propagate"
    )
    assert math.isnan(out[0]) and out[1] == pytest.approx(0.02, rel=1e-12)


def test_realized_volatility_root_mean_square_skips_windows_with_a_gap() -> None:
    # window 2 without demeaning: only the last window (-0.04, 0.05) is complete:
    # sqrt(4 * (0.0016 + 0.0025) / 2)
    out = realized_volatility(
        [0.03, np.nan, -0.04, 0.05], window=2, periods_per_year=4, demean=False
    )
    assert np.isnan(out[:3]).all()
    assert out[3] == pytest.approx(math.sqrt(4 * (0.0016 + 0.0025) / 2), rel=1e-12)


def test_chain_stats_of_no_chain() -> None:
    e = np.empty(0)
    stats = kn.chain_stats(np.empty(0, dtype=np.int64), e, e, e, e, e, e, False, None)
    assert len(stats) == 5
    assert [a.size for a in stats] == [0] * 5
    assert [a.dtype for a in stats] == [np.dtype(np.float64), np.dtype(np.int64)] * 2 + [
        np.dtype(np.int64)
    ]


def test_implied_measures_index_vol_policy_and_row_masks() -> None:
    with pytest.raises(InputError, match=r"^index_vol has 1 NaN value\(s\) and nan_policy='raise'"):
        implied_correlation([0.2, np.nan], [[0.3, 0.3], [0.3, 0.3]], [0.5, 0.5], nan_policy="raise")
    # row 2: sigma_I^2 = 0.04, sum (w s)^2 = 2 * 0.15^2 = 0.045, (sum w s)^2 = 0.09:
    # rho = (0.04 - 0.045) / (0.09 - 0.045) = -1/9; propagate makes only row 1 NaN
    rho = implied_correlation(
        [0.2, 0.2], [[0.3, 0.3], [0.3, 0.3]], [[0.5, np.nan], [0.5, 0.5]], nan_policy="propagate"
    )
    assert math.isnan(rho[0]) and rho[1] == pytest.approx(-1 / 9, rel=1e-12)
    # a row without any weight is NaN, with no out-of-range report; row 2: sqrt(0.09 - 0.04)
    di = dispersion_index([0.2, 0.2], [[0.3, 0.3], [0.3, 0.3]], [[np.nan, np.nan], [0.5, 0.5]])
    assert math.isnan(di[0]) and di[1] == pytest.approx(math.sqrt(0.05), rel=1e-12)


def test_positions_grow_past_the_cached_length_read_only() -> None:
    n = 4 * kn.BLOCK_ROWS + 7  # longer than the array cached by any earlier call
    pos = kn._positions(n)
    assert pos.dtype == np.int64 and pos.size == n
    np.testing.assert_array_equal(pos, np.arange(n))
    assert not pos.flags.writeable


def test_panel_of_chains_without_any_pair_of_mids() -> None:
    # no call is quoted at all: no strike has both mids, so no forward, no K0, NaN variance
    no_calls = SMALL.assign(call_bid=np.nan, call_ask=np.nan)
    two = pd.concat([no_calls.assign(e=1), no_calls.assign(e=2)])
    out = model_free_variance_panel(two, by="e", t=0.1, rate=0.0, engine="numpy")
    assert out.index.tolist() == [1, 2] and out.isna().all()


def test_realized_correlation_checks_date_order_and_names_returns() -> None:
    r = pd.DataFrame(
        {"a": [0.01, -0.02, 0.03, 0.00], "b": [0.02, 0.01, -0.01, 0.03]},
        index=pd.to_datetime(["2024-01-02", "2024-01-04", "2024-01-03", "2024-01-05"]),
    )
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        realized_correlation(r, window=3, method="mean")


def test_realized_correlation_of_perfectly_related_names_stays_in_bounds() -> None:
    # every column is a positive multiple of the same series: all pairwise correlations are
    # 1, so the weighted average is 1; the scales 1e-6 .. 1e-2 make the formula round past
    # it (1 + 1e-14 on this data), which the documented clipping to [-1, 1] removes
    base = np.array([0.55, -0.61, 0.13])
    same = np.column_stack([base * 1e-6, base * 1e-4, base * 1e-2])
    hi = realized_correlation(same, window=3, method="weighted")[-1]
    assert hi <= 1.0 and hi == pytest.approx(1.0, abs=1e-12)
    # two names, one the negative of a tenth of the other: correlation -1 (rounds below it)
    base = np.array([0.21, 0.28, -0.17, 0.87, -1.13])
    opposite = np.column_stack([0.1 * base, -1.0 * base])
    lo = realized_correlation(opposite, window=5, method="weighted")[-1]
    assert lo >= -1.0 and lo == pytest.approx(-1.0, abs=1e-12)
