"""Input-type harness for divergence.dispersion: output types, labels, no mutation, timing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import divergence
from divergence import dispersion as dp

RNG = np.random.default_rng(11)
VOLS = RNG.uniform(0.15, 0.5, (6, 4))
W = RNG.uniform(0.1, 1.0, (6, 4))
# index vols consistent with a pairwise correlation of 0.3 (so no OutOfRangeWarning)
_WN = W / W.sum(axis=1, keepdims=True)
IDX_VOL = np.sqrt(0.3 * (_WN * VOLS).sum(axis=1) ** 2 + 0.7 * ((_WN * VOLS) ** 2).sum(axis=1))
RETS = 0.01 * (RNG.normal(size=(40, 1)) + RNG.normal(size=(40, 4)))
DATES = pd.date_range("2020-01-01", periods=6, freq="ME")
NAMES = ["AA", "BB", "CC", "DD"]


def _cross_section_cases() -> list[tuple[str, Callable[..., Any]]]:
    return [
        ("implied_correlation", dp.implied_correlation),
        ("dispersion_index", dp.dispersion_index),
        ("vol_spread", dp.vol_spread),
        ("implied_correlation_out_of_range", dp.implied_correlation_out_of_range),
    ]


@pytest.mark.parametrize(("name", "func"), _cross_section_cases())
@pytest.mark.parametrize("kind", ["ndarray", "frame", "frame_int_index", "list_1d", "series_1d"])
def test_cross_sectional_functions_follow_input_type(
    name: str, func: Callable[..., Any], kind: str
) -> None:
    vols, w, s_i = VOLS.copy(), W.copy(), IDX_VOL.copy()
    if kind == "ndarray":
        args: tuple[Any, ...] = (s_i, vols, w)
    elif kind == "frame":
        args = (
            pd.Series(s_i, index=DATES),
            pd.DataFrame(vols, index=DATES, columns=NAMES),
            pd.DataFrame(w, index=DATES, columns=NAMES),
        )
    elif kind == "frame_int_index":
        args = (
            pd.Series(s_i, index=range(6)),
            pd.DataFrame(vols, columns=NAMES),
            pd.DataFrame(w, columns=NAMES),
        )
    elif kind == "list_1d":
        args = (float(s_i[0]), vols[0].tolist(), w[0].tolist())
    else:
        args = (float(s_i[0]), pd.Series(vols[0], index=NAMES), pd.Series(w[0], index=NAMES))
    snapshot = [a.copy() if hasattr(a, "copy") else a for a in args]
    out = func(*args)
    for a, b in zip(args, snapshot, strict=True):
        if isinstance(a, pd.Series | pd.DataFrame):
            pd.testing.assert_frame_equal(pd.DataFrame(a), pd.DataFrame(b))
        elif isinstance(a, np.ndarray):
            np.testing.assert_array_equal(a, b)
        else:
            assert a == b
    if kind == "ndarray":
        assert isinstance(out, np.ndarray)
        assert out.shape == (6,)
    elif kind.startswith("frame"):
        assert isinstance(out, pd.Series)
        assert out.index.equals(args[1].index)
    else:
        assert isinstance(out, bool if name.endswith("out_of_range") else float)


@pytest.mark.parametrize("method", ["weighted", "mean"])
def test_realized_correlation_no_look_ahead_with_weight_panel(method: str) -> None:
    frame = pd.DataFrame(RETS, columns=NAMES)
    w = pd.DataFrame(RNG.uniform(0.1, 1.0, RETS.shape), columns=NAMES)
    before = (frame.copy(), w.copy())
    base = dp.realized_correlation(frame.iloc[:30], w.iloc[:30], window=8, method=method)  # type: ignore[arg-type]
    full = dp.realized_correlation(frame, w, window=8, method=method)  # type: ignore[arg-type]
    np.testing.assert_array_equal(full.iloc[:30].to_numpy(), base.to_numpy())
    pd.testing.assert_frame_equal(frame, before[0])
    pd.testing.assert_frame_equal(w, before[1])
    assert full.name == f"realized_correlation_{method}"


def test_cross_sectional_dispersion_no_look_ahead() -> None:
    frame = pd.DataFrame(RETS, columns=NAMES)
    a = dp.cross_sectional_dispersion(frame.iloc[:20])
    b = dp.cross_sectional_dispersion(frame)
    pd.testing.assert_series_equal(a, b.iloc[:20])


def test_trade_pnl_types() -> None:
    one = dp.dispersion_trade_pnl(0.2, VOLS[0], 0.18, VOLS[1], W[0])
    assert isinstance(one.total, float)
    assert isinstance(one.constituent_legs, np.ndarray)
    many = dp.dispersion_trade_pnl(IDX_VOL, VOLS, IDX_VOL * 0.9, VOLS * 1.1, W)
    assert isinstance(many.total, np.ndarray)
    assert many.constituent_legs.shape == VOLS.shape
    frame = dp.dispersion_trade_pnl(
        pd.Series(IDX_VOL, index=DATES),
        pd.DataFrame(VOLS, index=DATES, columns=NAMES),
        pd.Series(IDX_VOL, index=DATES),
        pd.DataFrame(VOLS, index=DATES, columns=NAMES),
        pd.Series(W[0], index=NAMES),
    )
    assert isinstance(frame.constituent_legs, pd.DataFrame)
    assert list(frame.constituent_legs.columns) == NAMES
    assert frame.to_frame().index.equals(DATES)


def test_public_names_and_lazy_import() -> None:
    assert "dispersion" in dir(divergence)
    assert set(dp.__all__) == {
        "DispersionTradePnL",
        "bracketing_expiries",
        "constant_maturity_variance",
        "cross_sectional_dispersion",
        "dispersion_index",
        "dispersion_trade_pnl",
        "implied_correlation",
        "implied_correlation_index",
        "implied_correlation_out_of_range",
        "implied_forward",
        "model_free_variance",
        "model_free_variance_panel",
        "realized_correlation",
        "realized_volatility",
        "vix_index",
        "vol_spread",
    }
    for name in dp.__all__:
        assert getattr(dp, name).__doc__


def test_report_section_states_its_sample() -> None:
    from divergence._sections import SECTION_MODULES
    from divergence._sections import dispersion as section

    assert "dispersion" in SECTION_MODULES
    sec = section.build()
    assert sec.title == "Dispersion"
    assert any("505 S&P 500 members" in line for line in sec.lines)
    assert len(sec.figures) == 3
