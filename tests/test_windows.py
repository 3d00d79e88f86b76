"""Class 2 of issue 19: a rolling value at row t depends on rows t-w+1 .. t alone.

Every rolling function of divergence is checked for *window locality*: changing rows before the
window (multiplying them by 1e8, or adding a huge spike) leaves the value at ``t`` unchanged to
a tight relative tolerance, and a series that is constant inside the window is treated as
constant (degenerate) whatever came before. The oracle is the same function on the untouched
data (locality) or the definition itself (a constant window has zero variance; a name with zero
variance drops out of an average correlation, so the result equals the one without that name).

Before the fix these properties failed: the windowed sums were differences of one cumulative
sum over the whole series, so a value of 1e8 early on left a rounding error of about
1e16 * 2.2e-16 = 2 in every later sum of squares (returns squared are about 1e-4), and the
"constant in the window" test was relative to the first value of the series.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from divergence._windows import trailing_sums, window_moments
from divergence.dispersion import realized_correlation, realized_volatility
from divergence.errors import UnitWarning
from divergence.premia import cape
from divergence.risk import rolling_correlation
from divergence.rotation import (
    dispersion_signal,
    return_decomposition,
    rotation_diagnostic,
    size_style_gaps,
)

RETURN = st.floats(-0.05, 0.05, allow_nan=False, allow_subnormal=False)
SETTINGS = settings(max_examples=25, deadline=None)


@st.composite
def _case(draw: Any, n_cols: int = 3, min_w: int = 3, extra: int = 0) -> tuple[Any, int, int]:
    """A (T, n_cols) return panel, a window, and the number ``k`` of rows to disturb."""
    w = draw(st.integers(min_w, 8))
    k = draw(st.integers(1, 12))
    t_len = k + w + extra + draw(st.integers(0, 10))
    x = draw(hnp.arrays(np.float64, (t_len, n_cols), elements=RETURN))
    return x, w, k


def _disturb(x: Any, k: int, how: str) -> Any:
    """Rows 0 .. k-1 multiplied by 1e8, or a spike of 1e6 added to row 0."""
    y = np.array(x, dtype=np.float64, copy=True)
    if how == "scale":
        y[:k] *= 1e8
    else:
        y[0] += 1e6
    return y


def _same_after(a: Any, b: Any, start: int, rtol: float = 1e-12, atol: float = 1e-13) -> None:
    np.testing.assert_allclose(
        np.asarray(a)[start:], np.asarray(b)[start:], rtol=rtol, atol=atol, equal_nan=True
    )


# ------------------------------------------------------------------------ the private helper
@SETTINGS
@given(_case(n_cols=2, min_w=1), st.sampled_from(["scale", "spike"]))
def test_window_moments_are_local_and_exact(case: Any, how: str) -> None:
    x, w, k = case
    y = _disturb(x, k, how)
    valid = np.ones(x.shape, dtype=bool)
    got = window_moments([x[:, 0], x[:, 1]], valid[:, 0], w, [(0, 0), (0, 1)])
    bad = window_moments([y[:, 0], y[:, 1]], valid[:, 0], w, [(0, 0), (0, 1)])
    # bit for bit: nothing before the window enters the arithmetic of the value at t
    for key in [(0, 0), (0, 1)]:
        np.testing.assert_array_equal(got.cross[key][k + w - 1 :], bad.cross[key][k + w - 1 :])
    np.testing.assert_array_equal(
        trailing_sums(x, w)[k + w - 1 :], trailing_sums(y, w)[k + w - 1 :]
    )
    # oracle: two-pass moments of each window (numpy), to rounding
    for t in range(x.shape[0]):
        win = x[max(0, t - w + 1) : t + 1]
        dev = win - win.mean(axis=0)
        np.testing.assert_allclose(got.cross[0, 0][t], (dev[:, 0] ** 2).sum(), atol=1e-15)
        np.testing.assert_allclose(got.cross[0, 1][t], (dev[:, 0] * dev[:, 1]).sum(), atol=1e-15)


def test_window_moments_constant_window_is_exactly_zero() -> None:
    x = np.array([1e12, -3e9, 7.0, 0.25, 0.25, 0.25, 0.25])
    mom = window_moments([x], np.ones(7, dtype=bool), 4, [(0, 0)])
    assert mom.cross[0, 0][-1] == 0.0
    assert mom.degenerate(0)[-1]
    assert mom.mean[0][-1] == 0.25


# ------------------------------------------------------------------------ dispersion
@SETTINGS
@given(_case(), st.sampled_from(["weighted", "mean"]), st.sampled_from(["scale", "spike"]))
def test_realized_correlation_is_window_local(case: Any, method: str, how: str) -> None:
    x, w, k = case
    got = realized_correlation(x, window=w, method=method)  # type: ignore[arg-type]
    bad = realized_correlation(_disturb(x, k, how), window=w, method=method)  # type: ignore[arg-type]
    _same_after(got, bad, k + w - 1, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(_case(n_cols=4), st.floats(-0.05, 0.05))
def test_realized_correlation_constant_name_drops_out(case: Any, level: float) -> None:
    x, w, k = case
    x = _disturb(x, k, "scale")
    x[-w:, 0] = level  # name 0 constant in the last window, after a huge history
    got = realized_correlation(x, window=w, method="mean")[-1]
    want = realized_correlation(x[:, 1:], window=w, method="mean")[-1]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12, equal_nan=True)


def test_realized_correlation_after_a_huge_early_value_known_answer() -> None:
    # oracle: two names +-1% in opposite directions have correlation exactly -1 in any window
    a = np.array([0.01, -0.01] * 10)
    x = np.column_stack([a, -a])
    x[0] = [1e8, 3.0]
    rho = realized_correlation(x, window=4, method="mean")
    np.testing.assert_allclose(rho[4:], -1.0, atol=1e-12)


@SETTINGS
@given(_case(n_cols=2, min_w=2), st.booleans(), st.sampled_from(["scale", "spike"]))
def test_realized_volatility_is_window_local(case: Any, demean: bool, how: str) -> None:
    x, w, k = case
    got = realized_volatility(x, window=w, periods_per_year=252, demean=demean)
    bad = realized_volatility(_disturb(x, k, how), window=w, periods_per_year=252, demean=demean)
    _same_after(got, bad, k + w - 1)


@SETTINGS
@given(_case(n_cols=1, min_w=2), st.floats(-0.05, 0.05))
def test_realized_volatility_constant_window_is_zero(case: Any, level: float) -> None:
    x, w, k = case
    x = _disturb(x, k, "scale")
    x[-w:] = level
    assert realized_volatility(x[:, 0], window=w, periods_per_year=252)[-1] == 0.0


def test_realized_volatility_matches_pandas_rolling_std() -> None:
    # independent implementation: pandas rolling std (ddof=1) times sqrt(252)
    r = pd.Series(np.random.default_rng(3).normal(0.0, 0.01, 200))
    r[17] = np.nan
    got = realized_volatility(r, window=21, periods_per_year=252)
    want = r.rolling(21).std() * np.sqrt(252)
    np.testing.assert_allclose(got, want, rtol=1e-10, equal_nan=True)
    fwd = realized_volatility(r, window=21, periods_per_year=252, align="forward")
    np.testing.assert_allclose(fwd, want.shift(-21), rtol=1e-10, equal_nan=True)


# ------------------------------------------------------------------------ risk
@SETTINGS
@given(_case(n_cols=2, min_w=2), st.sampled_from(["scale", "spike"]))
def test_rolling_correlation_is_window_local(case: Any, how: str) -> None:
    x, w, k = case
    got = rolling_correlation(x[:, 0], x[:, 1], window=w)
    bad = rolling_correlation(_disturb(x, k, how)[:, 0], x[:, 1], window=w)
    _same_after(got, bad, k + w - 1, rtol=1e-9, atol=1e-9)


@SETTINGS
@given(_case(n_cols=2, min_w=2), st.floats(-0.05, 0.05))
def test_rolling_correlation_constant_window_is_nan(case: Any, level: float) -> None:
    x, w, k = case
    x = _disturb(x, k, "scale")
    x[-w:, 0] = level
    assert np.isnan(rolling_correlation(x[:, 0], x[:, 1], window=w)[-1])


def test_rolling_correlation_after_a_spike_known_answer() -> None:
    # oracle: b = 2a + 1 in every window after the spike, so the correlation is exactly 1
    a = np.sin(np.arange(40.0))
    b = 2.0 * a + 1.0
    a[0] = 1e9
    rho = rolling_correlation(a, b, window=5)
    np.testing.assert_allclose(rho[5:], 1.0, atol=1e-12)


# ------------------------------------------------------------------------ rotation
@SETTINGS
@given(_case(n_cols=3, min_w=2, extra=2))
def test_dispersion_signal_is_window_local(case: Any) -> None:
    x, w, _k = case
    caps = np.ones_like(x)
    got = dispersion_signal(x, caps, window=w, periods_per_year=1.0)
    spiked = x.copy()
    spiked[0] += 1e6  # simple returns stay > -1
    bad = dispersion_signal(spiked, caps, window=w, periods_per_year=1.0)
    # value at t uses returns t-w .. t-1 and caps one row earlier
    _same_after(got, bad, w + 2, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(_case(n_cols=2, min_w=4), st.sampled_from(["scale", "spike"]))
def test_rotation_diagnostic_is_window_local(case: Any, how: str) -> None:
    x, w, k = case
    d = x[:, 1] + 0.01 * np.arange(x.shape[0]) % 3  # a signal that varies in every window
    got = rotation_diagnostic(x[:, 0], d, window=w)
    bad = rotation_diagnostic(
        _disturb(x, k, how)[:, 0], _disturb(d[:, None], k, how)[:, 0], window=w
    )
    for col in ["mean", "residual", "r2", "beta_dispersion"]:
        _same_after(got[col].to_numpy(), bad[col].to_numpy(), k + w - 1, rtol=1e-7, atol=1e-9)


def test_rotation_diagnostic_constant_signal_in_window_is_nan() -> None:
    rng = np.random.default_rng(5)
    y = rng.normal(size=60)
    d = rng.normal(size=60)
    d[:5] *= 1e8  # a huge history ...
    d[-10:] = 0.3  # ... then a signal constant over the last window
    out = rotation_diagnostic(y, d, window=10)
    assert np.isnan(out["r2"].iloc[-1])
    assert np.isfinite(out["r2"].iloc[-11])


@SETTINGS
@given(_case(n_cols=1, min_w=1))
def test_return_decomposition_window_is_local(case: Any) -> None:
    x, w, _k = case
    price = 100.0 * np.cumprod(1.0 + x[:, 0])
    earnings = 5.0 * np.cumprod(1.0 + x[:, 0] / 2.0)
    got = return_decomposition(price, earnings, window=w)
    e2 = earnings.copy()
    e2[0] *= 1e8
    p2 = price.copy()
    p2[0] *= 1e8
    bad = return_decomposition(p2, e2, window=w)
    got_a, bad_a = np.asarray(got, dtype=np.float64), np.asarray(bad, dtype=np.float64)
    _same_after(got_a, bad_a, w + 1, rtol=1e-9, atol=1e-12)


@SETTINGS
@given(_case(n_cols=4, min_w=1))
def test_size_style_gaps_rolling_is_local(case: Any) -> None:
    x, w, _k = case
    legs = {"small": [0], "large": [1], "value": [2], "growth": [3]}
    got = size_style_gaps(x, compound="rolling", window=w, **legs)
    spiked = x.copy()
    spiked[0] += 1e6
    with warnings.catch_warnings():  # a 1e6 return is implausible on purpose here
        warnings.simplefilter("ignore", UnitWarning)
        bad = size_style_gaps(spiked, compound="rolling", window=w, **legs)
    _same_after(got, bad, w, rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------------ premia
@SETTINGS
@given(_case(n_cols=1, min_w=1, extra=1))
def test_cape_is_window_local(case: Any) -> None:
    x, w, k = case
    t_len = x.shape[0]
    price = 100.0 * np.cumprod(1.0 + x[:, 0])
    earnings = 5.0 + x[:, 0]
    cpi = np.linspace(100.0, 120.0, t_len)
    got = cape(price, earnings, cpi, window=w)
    e2 = earnings.copy()
    e2[:k] *= 1e8
    bad = cape(price, e2, cpi, window=w)
    # the value at t averages earnings t-w .. t-1
    _same_after(got, bad, k + w, rtol=1e-12, atol=1e-13)


def test_cape_after_a_huge_early_earnings_known_answer() -> None:
    # oracle: flat CPI and earnings of 5 in every window after row 0 -> CAPE = price / 5
    earnings = np.full(30, 5.0)
    earnings[0] = 1e12
    price = np.linspace(100.0, 130.0, 30)
    got = cape(price, earnings, np.ones(30), window=4)
    np.testing.assert_allclose(got[5:], price[5:] / 5.0, rtol=1e-14)


# ------------------------------------------------------------------------ distributed
def test_distributed_rolling_agrees_on_constant_windows_after_a_spike() -> None:
    dd = pytest.importorskip("dask.dataframe")
    from divergence.distributed import rolling

    rng = np.random.default_rng(11)
    x = rng.normal(0.0, 0.01, size=(80, 3))
    x[2, 0] = 1e8  # a huge value in the first partition ...
    x[50:60, 1] = 0.004  # ... and a constant stretch in a later one
    idx = pd.date_range("2024-01-01", periods=80, freq="B", name="date")
    frame = pd.DataFrame(x, index=idx, columns=["a", "b", "c"])
    local = realized_volatility(frame, window=6, periods_per_year=252)
    lazy = rolling(
        realized_volatility,
        dd.from_pandas(frame, npartitions=4),
        window=6,
        periods_per_year=252,
    )
    got = lazy.compute(scheduler="synchronous")
    pd.testing.assert_frame_equal(got, local, rtol=1e-12, atol=1e-15)
    assert (got["b"].iloc[55:60] == 0.0).all()


def test_a_spread_too_small_for_float64_counts_as_constant() -> None:
    # found by hypothesis: a window [0, 2.9e-162, 0] has a sum of squares below the smallest
    # normal float64, so 1/sd overflowed (a RuntimeWarning, then inf); it is now "constant"
    x = np.zeros((4, 3))
    x[1, 0] = 2.91086581e-162
    x[:, 1] = [0.01, -0.02, 0.03, 0.01]
    x[:, 2] = [0.02, 0.01, -0.01, 0.0]
    got = realized_correlation(x, window=3, method="mean")
    want = realized_correlation(x[:, 1:], window=3, method="mean")
    np.testing.assert_allclose(got, want, equal_nan=True)
    assert np.isnan(rolling_correlation(x[:, 0], x[:, 1], window=3)[2])
