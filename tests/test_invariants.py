"""Hypothesis suite of the invariants of issue 19 ("How to prove it").

Each property is a mathematical fact about the quantity, so the oracle is the function itself
under a transformation that must not change the answer (or a bound from the definition):

* scale invariance: concentration measures depend on shares only, and weights are
  renormalised, so multiplying sizes / caps / weights by c > 0 changes nothing;
* permutation invariance: relabelling columns (with their labels, caps and weights permuted
  the same way) changes nothing, and a per-name output is permuted alike;
* bounds: HHI in [1/n, 1], effective N and Hill numbers in [1, n], Gini in [0, 1), Theil in
  [0, ln n], top-k share in (0, 1], Hall–Tideman in [1/n, 1], I_C >= 1 when top_k <= n/2,
  average and rolling correlations in [-1, 1];
* NaN-omit = dropping: with ``nan_policy="omit"`` the result equals the result on the data with
  those entries removed;
* panel = row-by-row: a 2-D call equals the stack of the 1-D calls on its rows;
* window locality: see also ``tests/test_windows.py`` (per function, with the degenerate
  windows); here a table-driven check over the rolling functions;
* CVaR >= VaR for the historical and Gaussian methods (the mean of the tail beyond a quantile
  is at least that quantile; for the normal, phi(z)/(1-alpha) >= z).

Runtime: about 15 s on one core with the default profile (``tests/conftest.py``); every test
caps ``max_examples`` at 40.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from hypothesis.extra import pandas as hpd

from divergence import breadth, concentration, dispersion, risk
from divergence.dispersion import realized_correlation, realized_volatility
from divergence.risk import rolling_correlation

SETTINGS = settings(max_examples=40, deadline=None)
RTOL = 1e-10

SIZE = st.floats(1e-2, 1e4, allow_nan=False, allow_subnormal=False)
RETURN = st.floats(-0.05, 0.05, allow_nan=False, allow_subnormal=False)
SCALE = st.sampled_from([1e-6, 0.37, 3.0, 1e6])
# returns on a 1e-6 grid: an affine map (3a + 1) keeps their differences (a value like 1e-100
# would vanish next to 1 and make a window constant in floating point, not in the data)
GRID_RETURN = st.integers(-50_000, 50_000).map(lambda i: i * 1e-6)


def sizes(min_n: int = 2, max_n: int = 12) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, st.integers(min_n, max_n), elements=SIZE)


def panels(max_rows: int = 5, max_cols: int = 8) -> st.SearchStrategy[np.ndarray]:
    shape = st.tuples(st.integers(1, max_rows), st.integers(2, max_cols))
    return hnp.arrays(np.float64, shape, elements=SIZE)


# name, function of a 1-D or 2-D size array, lower bound(n), upper bound(n)
Bound = Callable[[int], float]
MEASURES: list[tuple[str, Callable[[Any], Any], Bound, Bound]] = [
    ("hhi", concentration.hhi, lambda n: 1.0 / n, lambda n: 1.0),
    (
        "hhi_normalized",
        lambda x: concentration.hhi(x, normalized=True),
        lambda n: 0.0,
        lambda n: 1.0,
    ),
    ("effective_n", concentration.effective_n, lambda n: 1.0, float),
    ("gini", concentration.gini, lambda n: 0.0, lambda n: 1.0 - 1.0 / n),
    ("theil", concentration.theil, lambda n: 0.0, lambda n: float(np.log(n))),
    ("hall_tideman", concentration.hall_tideman, lambda n: 1.0 / n, lambda n: 1.0),
    ("top_3_share", lambda x: concentration.top_k_share(x, 3), lambda n: 0.0, lambda n: 1.0),
    ("hill_0.5", lambda x: concentration.hill_number(x, 0.5), lambda n: 1.0, float),
    ("hill_2", lambda x: concentration.hill_number(x, 2.0), lambda n: 1.0, float),
    ("hill_3", lambda x: concentration.hill_number(x, 3.0), lambda n: 1.0, float),
    (
        "concentration_coefficient",
        lambda x: concentration.concentration_coefficient(x, top_k=1),
        lambda n: 1.0,
        lambda n: float("inf"),  # top-1 over the median: no upper bound
    ),
]
IDS = [m[0] for m in MEASURES]
SLACK = 1e-12  # rounding at the bounds


def _close(a: Any, b: Any, rtol: float = RTOL, atol: float = 1e-13) -> None:
    np.testing.assert_allclose(
        np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol, atol=atol
    )


# ------------------------------------------------------------------------ concentration
@pytest.mark.parametrize(("name", "f", "lo", "hi"), MEASURES, ids=IDS)
@SETTINGS
@given(x=sizes(), c=SCALE)
def test_concentration_is_scale_invariant(
    name: str, f: Callable[[Any], Any], lo: Bound, hi: Bound, x: np.ndarray, c: float
) -> None:
    _close(f(x * c), f(x))


@pytest.mark.parametrize(("name", "f", "lo", "hi"), MEASURES, ids=IDS)
@SETTINGS
@given(x=sizes(), data=st.data())
def test_concentration_is_permutation_invariant(
    name: str, f: Callable[[Any], Any], lo: Bound, hi: Bound, x: np.ndarray, data: Any
) -> None:
    perm = data.draw(st.permutations(range(x.size)))
    _close(f(x[perm]), f(x))
    # labelled: a frame with its columns (and labels) permuted gives the same row values
    frame = pd.DataFrame([x, x[::-1]], columns=[f"n{i}" for i in range(x.size)])
    shuffled = frame[[frame.columns[i] for i in perm]]
    pd.testing.assert_series_equal(f(shuffled), f(frame), rtol=RTOL, check_names=False)


@pytest.mark.parametrize(("name", "f", "lo", "hi"), MEASURES, ids=IDS)
@SETTINGS
@given(x=sizes())
def test_concentration_bounds(
    name: str, f: Callable[[Any], Any], lo: Bound, hi: Bound, x: np.ndarray
) -> None:
    n = x.size
    v = float(f(x))
    assert lo(n) - SLACK <= v <= hi(n) * (1 + SLACK) + SLACK, (v, lo(n), hi(n))
    if name == "gini":
        assert v < 1.0


@SETTINGS
@given(x=sizes(min_n=2))
def test_concentration_coefficient_at_least_one_when_top_k_at_most_half(x: np.ndarray) -> None:
    # the mean of the k largest is >= the median when k <= n/2 (the "I_C >= 1" holds
    # only then)
    k = x.size // 2
    assert concentration.concentration_coefficient(x, top_k=max(k, 1)) >= 1.0 - SLACK


@pytest.mark.parametrize(("name", "f", "lo", "hi"), MEASURES, ids=IDS)
@SETTINGS
@given(x=sizes(min_n=3), data=st.data())
def test_concentration_nan_omit_equals_dropping(
    name: str, f: Callable[[Any], Any], lo: Bound, hi: Bound, x: np.ndarray, data: Any
) -> None:
    drop = data.draw(hnp.arrays(np.bool_, x.size).filter(lambda m: 0 < m.sum() < m.size - 1))
    with_nan = np.where(drop, np.nan, x)
    _close(f(with_nan), f(x[~drop]))


@pytest.mark.parametrize(("name", "f", "lo", "hi"), MEASURES, ids=IDS)
@SETTINGS
@given(x=panels())
def test_concentration_panel_equals_row_by_row(
    name: str, f: Callable[[Any], Any], lo: Bound, hi: Bound, x: np.ndarray
) -> None:
    _close(f(x), [f(row) for row in x])


@SETTINGS
@given(x=panels(), c=SCALE, data=st.data())
def test_weights_follow_their_names(x: np.ndarray, c: float, data: Any) -> None:
    w = concentration.weights(x)
    _close(concentration.weights(x * c), w)
    _close(np.nansum(w, axis=1), np.ones(x.shape[0]))
    perm = data.draw(st.permutations(range(x.shape[1])))
    _close(concentration.weights(x[:, perm]), w[:, perm])


# ------------------------------------------------------------------------ breadth / dispersion
def _returns_and_caps(max_rows: int = 6, max_cols: int = 6) -> st.SearchStrategy[Any]:
    return st.integers(2, max_rows).flatmap(
        lambda r: st.integers(2, max_cols).flatmap(
            lambda c: st.tuples(
                hnp.arrays(np.float64, (r, c), elements=RETURN),
                hnp.arrays(np.float64, (r, c), elements=SIZE),
            )
        )
    )


@SETTINGS
@given(rc=_returns_and_caps(), c=SCALE, data=st.data())
def test_index_return_scale_and_permutation(rc: Any, c: float, data: Any) -> None:
    r, caps = rc
    base = breadth.index_return(r, caps)
    _close(breadth.index_return(r, caps * c), base)
    perm = data.draw(st.permutations(range(r.shape[1])))
    _close(breadth.index_return(r[:, perm], caps[:, perm]), base)
    # equal weights when the caps are all equal: the row mean (start-of-period caps, so the
    # first row has none)
    _close(breadth.index_return(r, np.ones_like(caps))[1:], r[1:].mean(axis=1), atol=1e-15)


@SETTINGS
@given(rc=_returns_and_caps(), c=SCALE, data=st.data())
def test_cross_sectional_dispersion_invariants(rc: Any, c: float, data: Any) -> None:
    r, w = rc
    base = dispersion.cross_sectional_dispersion(r, w)
    _close(dispersion.cross_sectional_dispersion(r, w * c), base)
    perm = data.draw(st.permutations(range(r.shape[1])))
    _close(dispersion.cross_sectional_dispersion(r[:, perm], w[:, perm]), base)
    _close(
        base, [dispersion.cross_sectional_dispersion(ri, wi) for ri, wi in zip(r, w, strict=True)]
    )
    # NaN-omit = dropping, per row
    drop = np.zeros(r.shape, dtype=bool)
    drop[:, 0] = True
    got = dispersion.cross_sectional_dispersion(np.where(drop, np.nan, r), w)
    _close(got, dispersion.cross_sectional_dispersion(r[:, 1:], w[:, 1:]))


@SETTINGS
@given(
    vols=hnp.arrays(
        np.float64, st.tuples(st.integers(1, 4), st.integers(2, 6)), elements=st.floats(0.1, 0.6)
    ),
    c=SCALE,
    data=st.data(),
)
def test_implied_correlation_weight_scale_permutation_and_rows(
    vols: np.ndarray, c: float, data: Any
) -> None:
    w = data.draw(hnp.arrays(np.float64, vols.shape, elements=SIZE))
    iv = data.draw(hnp.arrays(np.float64, vols.shape[0], elements=st.floats(0.05, 0.6)))
    kw: dict[str, Any] = {"on_out_of_range": "ignore"}
    base = dispersion.implied_correlation(iv, vols, w, **kw)
    _close(dispersion.implied_correlation(iv, vols, w * c, **kw), base)
    perm = data.draw(st.permutations(range(vols.shape[1])))
    _close(dispersion.implied_correlation(iv, vols[:, perm], w[:, perm], **kw), base)
    rows = [
        dispersion.implied_correlation(float(a), v, ww, **kw)
        for a, v, ww in zip(iv, vols, w, strict=True)
    ]
    _close(base, rows)


# ------------------------------------------------------------------------ correlations
def _return_frames(min_rows: int = 8) -> st.SearchStrategy[pd.DataFrame]:
    return hpd.data_frames(
        columns=hpd.columns(["a", "b", "c", "d"], elements=GRID_RETURN, dtype=np.float64),
        index=hpd.range_indexes(min_size=min_rows, max_size=30),
    )


@SETTINGS
@given(frame=_return_frames(), data=st.data())
def test_realized_correlation_bounds_and_permutation(frame: pd.DataFrame, data: Any) -> None:
    w = data.draw(st.integers(3, len(frame)))
    for method in ("mean", "weighted"):
        rho = realized_correlation(frame, window=w, method=method)  # type: ignore[arg-type]
        vals = rho.dropna().to_numpy()
        assert ((vals >= -1.0) & (vals <= 1.0)).all()
    perm = data.draw(st.permutations(list(frame.columns)))
    mean = realized_correlation(frame, window=w, method="mean")
    pd.testing.assert_series_equal(
        realized_correlation(frame[perm], window=w, method="mean"), mean, rtol=1e-9, atol=1e-12
    )
    # each name rescaled by its own positive factor: correlations do not move
    factors = np.array([0.5, 2.0, 10.0, 0.01])
    pd.testing.assert_series_equal(
        realized_correlation(frame * factors, window=w, method="mean"), mean, rtol=1e-8, atol=1e-9
    )


@SETTINGS
@given(frame=_return_frames(), data=st.data())
def test_rolling_correlation_bounds_symmetry_and_affine(frame: pd.DataFrame, data: Any) -> None:
    w = data.draw(st.integers(2, len(frame)))
    a, b = frame["a"], frame["b"]
    rho = rolling_correlation(a, b, window=w)
    vals = rho.dropna().to_numpy()
    assert ((vals >= -1.0) & (vals <= 1.0)).all()
    pd.testing.assert_series_equal(
        rolling_correlation(b, a, window=w), rho, rtol=1e-12, atol=1e-12, check_names=False
    )
    moved = rolling_correlation(3.0 * a + 1.0, b, window=w)
    pd.testing.assert_series_equal(moved, rho, rtol=1e-8, atol=1e-9, check_names=False)
    # panel = column by column
    panel = rolling_correlation(
        frame, frame[["b", "a", "d", "c"]].set_axis(frame.columns, axis=1), window=w
    )
    pd.testing.assert_series_equal(panel["a"], rho, check_names=False)


# ------------------------------------------------------------------------ window locality
ROLLING: list[tuple[str, Callable[[np.ndarray, int], Any]]] = [
    ("realized_volatility", lambda x, w: realized_volatility(x, window=w, periods_per_year=252)),
    (
        "realized_volatility_rms",
        lambda x, w: realized_volatility(x, window=w, periods_per_year=252, demean=False),
    ),
    ("realized_correlation_mean", lambda x, w: realized_correlation(x, window=w, method="mean")),
    ("realized_correlation_weighted", lambda x, w: realized_correlation(x, window=w)),
    ("rolling_correlation", lambda x, w: rolling_correlation(x[:, :2], x[:, 2:4], window=w)),
]


@pytest.mark.parametrize(("name", "f"), ROLLING, ids=[r[0] for r in ROLLING])
@SETTINGS
@given(
    x=hnp.arrays(np.float64, st.tuples(st.integers(12, 30), st.just(4)), elements=RETURN),
    w=st.integers(3, 6),
    k=st.integers(1, 5),
)
def test_rolling_values_see_only_their_window(
    name: str, f: Callable[[np.ndarray, int], Any], x: np.ndarray, w: int, k: int
) -> None:
    y = x.copy()
    y[:k] *= 1e8  # rows before every window that starts at k or later
    np.testing.assert_allclose(
        np.asarray(f(y, w))[k + w - 1 :],
        np.asarray(f(x, w))[k + w - 1 :],
        rtol=1e-9,
        atol=1e-9,
        equal_nan=True,
    )


# ------------------------------------------------------------------------ VaR / CVaR
@pytest.mark.parametrize("method", ["historical", "gaussian"])
@SETTINGS
@given(
    r=hnp.arrays(np.float64, st.integers(20, 200), elements=RETURN),
    confidence=st.sampled_from([0.9, 0.95, 0.975, 0.99]),
)
def test_cvar_at_least_var(method: str, r: np.ndarray, confidence: float) -> None:
    var = risk.value_at_risk(r, confidence=confidence, method=method)  # type: ignore[arg-type]
    cvar = risk.conditional_value_at_risk(r, confidence=confidence, method=method)  # type: ignore[arg-type]
    if np.isnan(var):  # a constant sample has no Gaussian spread
        return
    assert cvar >= var - 1e-12 * max(1.0, abs(var))
