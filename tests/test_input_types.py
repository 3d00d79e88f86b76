"""One input-type harness (empyrical's idea) over every reduction of concentration and breadth.

The same numbers go in as a list, an ndarray, a Series or a DataFrame (date index or integer
index), 1-D or 2-D; the output type follows the input type, the values agree, and no input is
modified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import breadth as br
from divergence import concentration as conc

RNG = np.random.default_rng(2024)
CAPS = np.exp(RNG.normal(20, 1.5, (6, 5)))
CAPS[2, 1] = np.nan
RETS = RNG.normal(0, 0.02, (6, 5))
RETS[3, 4] = np.nan
DATES = pd.date_range("2024-01-31", periods=6, freq="ME")
TICKERS = ["AAA", "BBB", "CCC", "DDD", "EEE"]

REDUCTIONS: dict[str, Callable[[Any], Any]] = {
    "hhi": conc.hhi,
    "hhi_normalized": lambda x: conc.hhi(x, normalized=True),
    "effective_n": conc.effective_n,
    "top_k_share": lambda x: conc.top_k_share(x, 2),
    "concentration_coefficient": lambda x: conc.concentration_coefficient(x, top_k=2),
    "gini": conc.gini,
    "theil": conc.theil,
    "hall_tideman": conc.hall_tideman,
    "hill_number": lambda x: conc.hill_number(x, 1.0),
}


def _variants_2d(a: np.ndarray) -> dict[str, Any]:
    return {
        "ndarray": a.copy(),
        "list": a.tolist(),
        "frame_dates": pd.DataFrame(a, index=DATES, columns=TICKERS),
        "frame_int_index": pd.DataFrame(a, index=np.arange(10, 10 + len(a)), columns=TICKERS),
        "frame_float32": pd.DataFrame(a.astype(np.float32), index=DATES, columns=TICKERS),
    }


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_2d(name: str) -> None:
    fn = REDUCTIONS[name]
    expected = fn(CAPS)
    assert isinstance(expected, np.ndarray) and expected.shape == (6,)
    for kind, x in _variants_2d(CAPS).items():
        before = x.copy() if hasattr(x, "copy") else list(map(list, x))
        out = fn(x)
        if kind.startswith("frame"):
            assert isinstance(out, pd.Series), kind
            assert out.index.equals(x.index), kind
            np.testing.assert_allclose(
                out.to_numpy(), expected, rtol=1e-6 if "32" in kind else 1e-12
            )
            pd.testing.assert_frame_equal(x, before)
        else:
            assert isinstance(out, np.ndarray), kind
            np.testing.assert_allclose(out, expected, rtol=1e-12)
            np.testing.assert_array_equal(np.asarray(x), np.asarray(before))


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_1d(name: str) -> None:
    fn = REDUCTIONS[name]
    row = CAPS[0]
    expected = fn(row)
    assert isinstance(expected, float)
    series = pd.Series(row, index=TICKERS, name="caps")
    ints = (row * 1000).astype(np.int64)
    for x in (row.tolist(), series, pd.Series(row)):
        out = fn(x)
        assert isinstance(out, float)
        assert out == pytest.approx(expected, rel=1e-12)
    assert isinstance(fn(ints), float)
    assert fn(ints) == pytest.approx(fn(ints.astype(float)), rel=1e-12)
    pd.testing.assert_series_equal(series, pd.Series(row, index=TICKERS, name="caps"))


def test_weights_keeps_layout() -> None:
    frame = pd.DataFrame(CAPS, index=DATES, columns=TICKERS)
    out = conc.weights(frame)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(DATES) and list(out.columns) == TICKERS
    np.testing.assert_allclose(out.to_numpy(), conc.weights(CAPS), rtol=1e-12)
    s = pd.Series(CAPS[0], index=TICKERS, name="x")
    ws = conc.weights(s)
    assert isinstance(ws, pd.Series) and ws.name == "x" and list(ws.index) == TICKERS


def test_profile_types() -> None:
    for x in (CAPS, pd.DataFrame(CAPS, index=DATES, columns=TICKERS)):
        prof = conc.concentration_profile(x)
        assert isinstance(prof, pd.DataFrame) and len(prof) == 6
    one = conc.concentration_profile(CAPS[0])
    assert len(one) == 1


BREADTH_SERIES: dict[str, Callable[[Any, Any], Any]] = {
    "index_return": br.index_return,
    "weighting_gap": br.weighting_gap,
    "top_k_contribution_share": lambda r, m: br.top_k_contribution_share(r, m, 2),
}


@pytest.mark.parametrize("name", sorted(BREADTH_SERIES))
def test_breadth_series_types(name: str) -> None:
    fn = BREADTH_SERIES[name]
    expected = fn(RETS, CAPS)
    assert isinstance(expected, np.ndarray)
    r_df = pd.DataFrame(RETS, index=DATES, columns=TICKERS)
    m_df = pd.DataFrame(CAPS, index=DATES, columns=TICKERS)
    r_before, m_before = r_df.copy(), m_df.copy()
    out = fn(r_df, m_df)
    assert isinstance(out, pd.Series) and out.index.equals(DATES)
    np.testing.assert_allclose(out.to_numpy(), expected, rtol=1e-12, equal_nan=True)
    pd.testing.assert_frame_equal(r_df, r_before)
    pd.testing.assert_frame_equal(m_df, m_before)
    as_list = fn(RETS.tolist(), CAPS.tolist())
    np.testing.assert_allclose(as_list, expected, rtol=1e-12, equal_nan=True)


def test_contributions_and_breadth_types() -> None:
    r_df = pd.DataFrame(RETS, index=DATES, columns=TICKERS)
    m_df = pd.DataFrame(CAPS, index=DATES, columns=TICKERS)
    c = br.return_contributions(r_df, m_df)
    assert isinstance(c, pd.DataFrame) and c.index.equals(DATES)
    np.testing.assert_allclose(c.to_numpy(), br.return_contributions(RETS, CAPS), equal_nan=True)
    b = br.breadth(r_df, m_df)
    assert b.index.equals(DATES)
    b_np = br.breadth(RETS, CAPS)
    assert isinstance(b_np.index, pd.RangeIndex)
    np.testing.assert_allclose(b.to_numpy(), b_np.to_numpy(), equal_nan=True)
