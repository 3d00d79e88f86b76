"""The input-type harness of ``test_input_types.py`` extended to the other modules.

Every element-wise / time-series function and every reduction that accepts both numpy and
pandas, 1-D and 2-D, gets the same numbers as an ndarray, a DataFrame with a date index, a
DataFrame with an integer index, a float32 DataFrame, a 1-D ndarray, a Series with a date index
and a Series with an integer index. Checked: pandas in -> pandas out on the input's labels,
numpy in -> numpy out, a 1-D input of a reduction over its values -> float, values equal across
input types (to float32 rounding for the float32 variant), and no input modified.
(concentration and breadth are covered in ``test_input_types.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import cost, liquidity, premia, real, risk, rotation
from divergence import dispersion as disp

RNG = np.random.default_rng(7)
N, K = 40, 3
DATES = pd.date_range("2020-01-31", periods=N, freq="ME")
INTS = pd.Index(np.arange(100, 100 + N))
COLS = ["AAA", "BBB", "CCC"]

LEVEL = 100.0 * np.exp(np.cumsum(RNG.normal(0.002, 0.01, (N, K)), axis=0))
RATE = 0.03 + 0.01 * RNG.standard_normal((N, K))
RETS = RNG.normal(0.0, 0.02, (N, K))
RETS[5, 1] = np.nan
BENCHMARK = RNG.normal(0.0, 0.01, N)  # 1-D, unlabelled: aligned by position with any input


@dataclass(frozen=True)
class Spec:
    fn: Callable[..., Any]
    data: tuple[np.ndarray, ...]  # one (N, K) array per positional argument
    #: "rows": output has the input's shape; "time": reduction over rows (one value per
    #: column, a float for 1-D); "cross": reduction over columns (one value per row)
    kind: str


SPECS: dict[str, Spec] = {
    "premia.real_rate": Spec(premia.real_rate, (RATE, RATE - 0.01), "rows"),
    "premia.annualized_inflation": Spec(
        lambda p: premia.annualized_inflation(p, 12, periods_per_year=12), (LEVEL,), "rows"
    ),
    "premia.earnings_yield": Spec(premia.earnings_yield, (LEVEL, LEVEL * 0.05), "rows"),
    "premia.cape": Spec(
        lambda p, e, c: premia.cape(p, e, c, window=12), (LEVEL, LEVEL * 0.05, LEVEL), "rows"
    ),
    "premia.excess_cape_yield": Spec(premia.excess_cape_yield, (LEVEL / 4, RATE), "rows"),
    "premia.risk_premium_gap": Spec(premia.risk_premium_gap, (RATE + 0.02, RATE), "rows"),
    "premia.risk_premium_shift": Spec(lambda g: premia.risk_premium_shift(g, 3), (RATE,), "rows"),
    "real.deflate": Spec(real.deflate, (LEVEL, LEVEL[::-1]), "rows"),
    "real.real_growth": Spec(real.real_growth, (LEVEL, LEVEL[::-1]), "rows"),
    "real.nominal_illusion": Spec(real.nominal_illusion, (LEVEL, LEVEL[::-1]), "rows"),
    "real.real_cost_of_capital": Spec(
        real.real_cost_of_capital, (RATE + 0.05, RATE, np.full((N, K), 0.4), RATE - 0.01), "rows"
    ),
    "liquidity.sterilization_rate": Spec(
        lambda b: liquidity.sterilization_rate(b, periods=1, periods_per_year=12), (LEVEL,), "rows"
    ),
    "liquidity.net_liquidity": Spec(
        liquidity.net_liquidity, (LEVEL * 10, LEVEL, LEVEL * 2), "rows"
    ),
    "cost.expanding_percentile": Spec(cost.expanding_percentile, (RETS,), "rows"),
    "cost.expanding_robust_z": Spec(
        lambda x: cost.expanding_robust_z(x, min_periods=5), (RETS,), "rows"
    ),
    "risk.rolling_correlation": Spec(
        lambda a, b: risk.rolling_correlation(a, b, window=10), (RATE, RETS), "rows"
    ),
    "rotation.relative_performance": Spec(
        lambda r: rotation.relative_performance(r, BENCHMARK), (RETS,), "rows"
    ),
    "risk.value_at_risk": Spec(lambda r: risk.value_at_risk(r, confidence=0.9), (RETS,), "time"),
    "risk.conditional_value_at_risk": Spec(
        lambda r: risk.conditional_value_at_risk(r, confidence=0.9), (RETS,), "time"
    ),
    "dispersion.cross_sectional_dispersion": Spec(
        disp.cross_sectional_dispersion, (RETS,), "cross"
    ),
    "dispersion.vol_spread": Spec(
        lambda v: disp.vol_spread(
            np.full(len(v), 0.2) if np.ndim(v) == 2 else 0.2, v, np.full(np.shape(v), 1.0 / K)
        ),
        (np.abs(RATE) * 8,),
        "cross",
    ),
}


def _variants_2d(arrs: tuple[np.ndarray, ...]) -> dict[str, tuple[Any, ...]]:
    return {
        "ndarray": tuple(a.copy() for a in arrs),
        "frame_dates": tuple(pd.DataFrame(a, index=DATES, columns=COLS) for a in arrs),
        "frame_ints": tuple(pd.DataFrame(a, index=INTS, columns=COLS) for a in arrs),
        "frame_float32": tuple(
            pd.DataFrame(a.astype(np.float32), index=DATES, columns=COLS) for a in arrs
        ),
    }


def _snapshot(args: tuple[Any, ...]) -> list[Any]:
    return [a.copy() for a in args]


def _unchanged(before: list[Any], after: tuple[Any, ...]) -> None:
    for b, a in zip(before, after, strict=True):
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b)
        elif isinstance(b, pd.Series):
            pd.testing.assert_series_equal(a, b)
        else:
            np.testing.assert_array_equal(a, b)


def _values(out: Any) -> np.ndarray:
    return np.asarray(out.to_numpy() if hasattr(out, "to_numpy") else out, dtype=float)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_2d_types_and_values(name: str) -> None:
    spec = SPECS[name]
    expected = spec.fn(*spec.data)
    assert isinstance(expected, np.ndarray)
    for kind, args in _variants_2d(spec.data).items():
        before = _snapshot(args)
        out = spec.fn(*args)
        rtol = 1e-4 if "32" in kind else 1e-12
        if kind == "ndarray":
            assert isinstance(out, np.ndarray)
        elif spec.kind == "rows":
            assert isinstance(out, pd.DataFrame), kind
            assert out.index.equals(args[0].index) and list(out.columns) == COLS, kind
        elif spec.kind == "time":
            assert isinstance(out, pd.Series) and list(out.index) == COLS, kind
        else:
            assert isinstance(out, pd.Series) and out.index.equals(args[0].index), kind
        if "32" in kind and name == "cost.expanding_percentile":
            continue  # ranks of float32-rounded values may tie differently: not a type issue
        np.testing.assert_allclose(_values(out), expected, rtol=rtol, atol=1e-12 if rtol < 1e-6
                                   else 1e-6, equal_nan=True, err_msg=kind)  # fmt: skip
        _unchanged(before, args)


@pytest.mark.parametrize("name", sorted(SPECS))
def test_1d_types_and_values(name: str) -> None:
    spec = SPECS[name]
    full = spec.fn(*spec.data)
    if spec.kind == "cross":  # one cross-section: row 3
        cols = tuple(a[3] for a in spec.data)
        expected = full[3]
        labels = {"series_names": pd.Index(COLS), "series_ints": pd.RangeIndex(K)}
    else:  # one time series: column 0
        cols = tuple(a[:, 0] for a in spec.data)
        expected = full[:, 0] if spec.kind == "rows" else full[0]
        labels = {"series_dates": DATES, "series_ints": INTS}
    variants: dict[str, tuple[Any, ...]] = {"ndarray": tuple(c.copy() for c in cols)}
    for key, idx in labels.items():
        variants[key] = tuple(pd.Series(c, index=idx, name="v") for c in cols)
    for kind, args in variants.items():
        before = _snapshot(args)
        out = spec.fn(*args)
        if spec.kind == "rows":
            if kind == "ndarray":
                assert isinstance(out, np.ndarray) and out.ndim == 1, kind
            else:
                assert isinstance(out, pd.Series) and out.index.equals(args[0].index), kind
        else:
            assert isinstance(out, float), (kind, type(out))
        np.testing.assert_allclose(_values(out), expected, rtol=1e-12, equal_nan=True)
        _unchanged(before, args)
