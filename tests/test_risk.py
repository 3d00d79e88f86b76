"""Tests of divergence.risk against closed forms and independent implementations."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import integrate, stats

from divergence.errors import DomainWarning, InputError, UnitWarning
from divergence.risk import (
    CVaRAllocation,
    bond_returns_from_yields,
    conditional_value_at_risk,
    cvar_position_limits,
    rolling_correlation,
    value_at_risk,
)

RNG = np.random.default_rng(20240601)
# fat-tailed, skewed daily-like returns
R1 = 0.01 * stats.skewnorm.rvs(-3.0, size=1000, random_state=RNG) + 0.0005
PANEL = 0.01 * RNG.standard_t(5, size=(750, 4))

returns_strategy = arrays(
    np.float64,
    st.integers(5, 200),
    elements=st.floats(-0.5, 0.5, allow_nan=False, allow_infinity=False, width=32),
)


# --------------------------------------------------------------------------- references
def _hist_reference(r: np.ndarray, alpha: float) -> tuple[float, float]:
    """Independent historical VaR/ES: integrate the empirical quantile function over (0, p).

    The empirical quantile function is a step function, q(u) = r_(i) for u in ((i-1)/n, i/n];
    ES = -(1/p) * integral_0^p q(u) du, computed here as a weighted sum of the sorted sample
    with weights |((i-1)/n, i/n] intersect (0, p]|.
    """
    s = np.sort(r)
    n = s.size
    # the intended tail probability (1 - 0.95 in binary is 0.050000000000000044, which would
    # push numpy's literal ceil(n p) one rank too far when n p is an integer)
    p = round(1.0 - alpha, 12)
    lo = np.arange(n) / n
    hi = np.arange(1, n + 1) / n
    wts = np.clip(np.minimum(hi, p) - lo, 0.0, None)
    es = -(wts * s).sum() / p
    var = -np.quantile(r, p, method="inverted_cdf")
    return float(var), float(es)


@pytest.mark.parametrize("alpha", [0.9, 0.95, 0.975, 0.99, 0.999])
def test_historical_against_numpy_sort_and_quantile(alpha: float) -> None:
    var_ref, es_ref = _hist_reference(R1, alpha)
    # numpy's inverted_cdf quantile is the lower empirical quantile inf{x: F_n(x) >= p}
    assert value_at_risk(R1, confidence=alpha) == pytest.approx(var_ref, rel=1e-14)
    assert conditional_value_at_risk(R1, confidence=alpha) == pytest.approx(es_ref, rel=1e-12)


def test_historical_plain_mean_when_np_integer() -> None:
    # n p = 50 exactly: CVaR is the plain mean of the 50 worst returns, VaR minus the 50th
    s = np.sort(R1)
    assert value_at_risk(R1, confidence=0.95) == pytest.approx(-s[49], rel=1e-15)
    assert conditional_value_at_risk(R1, confidence=0.95) == pytest.approx(
        -s[:50].mean(), rel=1e-13
    )


@pytest.mark.parametrize("alpha", [0.9, 0.95, 0.99])
def test_gaussian_closed_form_scipy(alpha: float) -> None:
    # closed form: VaR = -mu + sigma z_alpha, CVaR = -mu + sigma phi(z_alpha)/(1 - alpha),
    # with sample mean and ddof=1 standard deviation; z and phi from scipy.stats.norm
    mu, sd = R1.mean(), R1.std(ddof=1)
    z = stats.norm.ppf(alpha)
    assert value_at_risk(R1, confidence=alpha, method="gaussian") == pytest.approx(
        -mu + sd * z, rel=1e-12
    )
    assert conditional_value_at_risk(R1, confidence=alpha, method="gaussian") == pytest.approx(
        -mu + sd * stats.norm.pdf(z) / (1 - alpha), rel=1e-12
    )


@pytest.mark.parametrize("alpha", [0.95, 0.99])
def test_cornish_fisher_formula_scipy_moments(alpha: float) -> None:
    # Cornish-Fisher quantile with scipy.stats.skew / kurtosis (their default, moment
    # estimators, excess kurtosis), and the CF expected shortfall as the numerical integral
    # (scipy.integrate.quad) of the CF quantile function over the tail
    mu, sd = R1.mean(), R1.std(ddof=1)
    sk, ku = stats.skew(R1), stats.kurtosis(R1)
    p = 1 - alpha

    def zcf(u: float) -> float:
        z = stats.norm.ppf(u)
        return float(
            z + (z**2 - 1) * sk / 6 + (z**3 - 3 * z) * ku / 24 - (2 * z**3 - 5 * z) * sk**2 / 36
        )

    assert value_at_risk(R1, confidence=alpha, method="cornish_fisher") == pytest.approx(
        -(mu + sd * zcf(p)), rel=1e-12
    )
    tail_mean, _ = integrate.quad(zcf, 0.0, p, limit=200, epsabs=1e-13, epsrel=1e-12)
    assert conditional_value_at_risk(
        R1, confidence=alpha, method="cornish_fisher"
    ) == pytest.approx(-(mu + sd * tail_mean / p), rel=1e-8)


def test_cornish_fisher_equals_gaussian_without_higher_moments() -> None:
    # a symmetric sample with zero excess kurtosis is not easy to build; instead check the
    # formula's reduction: Gaussian and CF agree when S = K = 0 (constant + symmetric 2-point
    # sample has S = 0 and K = -2, so use the sample's own moments through scipy)
    x = np.array([-1.0, 1.0] * 50) * 0.01
    sk, ku = stats.skew(x), stats.kurtosis(x)
    assert sk == pytest.approx(0.0, abs=1e-12)
    z = stats.norm.ppf(0.05)
    zcf = z + (z**3 - 3 * z) * ku / 24
    # K = -2 is outside the expansion's domain (its quantile falls in the far tail): it says so
    with pytest.warns(DomainWarning, match="outside its domain"):
        var = value_at_risk(x, method="cornish_fisher")
    assert var == pytest.approx(-(x.mean() + x.std(ddof=1) * zcf), rel=1e-12)


# --------------------------------------------------------------------------- properties
@pytest.mark.parametrize("method", ["historical", "gaussian"])
@given(r=returns_strategy, alpha=st.floats(0.5, 0.995))
def test_cvar_at_least_var(method: str, r: np.ndarray, alpha: float) -> None:
    var = value_at_risk(r, confidence=alpha, method=method)  # type: ignore[arg-type]
    es = conditional_value_at_risk(r, confidence=alpha, method=method)  # type: ignore[arg-type]
    assert es >= var - 1e-12


@given(r=returns_strategy, a1=st.floats(0.5, 0.99), a2=st.floats(0.5, 0.99))
def test_monotone_in_confidence(r: np.ndarray, a1: float, a2: float) -> None:
    lo, hi = sorted((a1, a2))
    for method in ("historical", "gaussian"):
        for fn in (value_at_risk, conditional_value_at_risk):
            assert fn(r, confidence=hi, method=method) >= (  # type: ignore[operator]
                fn(r, confidence=lo, method=method) - 1e-12  # type: ignore[operator]
            )


@pytest.mark.parametrize("method", ["historical", "gaussian", "cornish_fisher"])
@given(r=returns_strategy, c=st.floats(-0.1, 0.1), lam=st.floats(0.1, 10.0))
def test_translation_and_scale(method: str, r: np.ndarray, c: float, lam: float) -> None:
    for fn in (value_at_risk, conditional_value_at_risk):
        with warnings.catch_warnings():
            # arbitrary samples are often outside the Cornish-Fisher domain, and scaled ones
            # look like percent returns (both warnings are tested in test_trust_*.py)
            warnings.simplefilter("ignore", DomainWarning)
            warnings.simplefilter("ignore", UnitWarning)
            base = fn(r, method=method)  # type: ignore[operator]
            if not np.isfinite(base):
                continue
            # adding c to every return lowers the loss by c; scaling by lam > 0 scales it
            shifted = fn(r + c, method=method)  # type: ignore[operator]
            scaled = fn(lam * r, method=method)  # type: ignore[operator]
        assert shifted == pytest.approx(base - c, abs=1e-9)
        assert scaled == pytest.approx(lam * base, rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- shapes, NaN
def test_panel_is_per_column() -> None:
    for method in ("historical", "gaussian", "cornish_fisher"):
        out = value_at_risk(PANEL, method=method)  # type: ignore[arg-type]
        assert isinstance(out, np.ndarray)
        assert out.shape == (4,)
        for j in range(4):
            assert out[j] == pytest.approx(value_at_risk(PANEL[:, j], method=method), rel=1e-14)  # type: ignore[arg-type]
    df = pd.DataFrame(PANEL, columns=list("abcd"))
    s = conditional_value_at_risk(df)
    assert isinstance(s, pd.Series)
    assert list(s.index) == list("abcd")


def test_nan_policy() -> None:
    x = PANEL.copy()
    x[::7, 1] = np.nan
    omit = value_at_risk(x)
    assert omit[1] == pytest.approx(value_at_risk(x[~np.isnan(x[:, 1]), 1]), rel=1e-15)
    assert omit[0] == pytest.approx(value_at_risk(PANEL[:, 0]), rel=1e-15)
    prop = conditional_value_at_risk(x, nan_policy="propagate")
    assert np.isnan(prop[1])
    assert np.isfinite(prop[[0, 2, 3]]).all()
    with pytest.raises(InputError, match="returns"):
        value_at_risk(x, nan_policy="raise")
    x[:, 2] = np.nan
    assert np.isnan(value_at_risk(x, method="gaussian")[2])
    assert np.isnan(value_at_risk(x)[2])


@pytest.mark.parametrize(
    "make",
    [
        lambda v: v,
        lambda v: v.tolist(),
        lambda v: pd.Series(v, index=pd.date_range("2020-01-01", periods=len(v))),
        lambda v: pd.Series(v),
        lambda v: v.reshape(-1, 1),
        lambda v: pd.DataFrame({"x": v}),
    ],
)
def test_input_type_harness(make: object) -> None:
    v = R1[:300].copy()
    obj = make(v)  # type: ignore[operator]
    snapshot = obj.copy() if hasattr(obj, "copy") else list(obj)
    for fn in (value_at_risk, conditional_value_at_risk):
        out = fn(obj)
        if isinstance(obj, pd.DataFrame):
            assert isinstance(out, pd.Series)
            assert list(out.index) == ["x"]
            out = out.iloc[0]
        elif isinstance(obj, np.ndarray) and obj.ndim == 2:
            assert isinstance(out, np.ndarray)
            assert out.shape == (1,)
            out = out[0]
        else:
            assert isinstance(out, float)
        assert out == pytest.approx(fn(v), rel=1e-15)
    rc = rolling_correlation(obj, obj, window=20)
    if isinstance(obj, pd.Series | pd.DataFrame):
        assert type(rc) is type(obj)
        assert rc.index.equals(obj.index)
    else:
        assert isinstance(rc, np.ndarray)
    # inputs never mutated
    if isinstance(obj, pd.Series | pd.DataFrame):
        assert obj.equals(snapshot)
    elif isinstance(obj, np.ndarray):
        np.testing.assert_array_equal(obj, snapshot)
    else:
        assert obj == snapshot


# --------------------------------------------------------------------------- rolling corr
def test_rolling_correlation_matches_pandas_series() -> None:
    idx = pd.bdate_range("2000-01-03", periods=5000)
    a = pd.Series(RNG.standard_normal(5000) * 0.01, index=idx, name="stocks")
    b = pd.Series(0.3 * a.to_numpy() + RNG.standard_normal(5000) * 0.01, index=idx)
    ours = rolling_correlation(a, b, window=63)
    ref = a.rolling(63).corr(b)
    assert isinstance(ours, pd.Series)
    assert ours.index.equals(idx)
    assert ours.name == "stocks"
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), atol=1e-10, equal_nan=True)
    assert ours.isna().sum() == 62


def test_rolling_correlation_matches_pandas_panel_with_nan_and_levels() -> None:
    # price-like levels (large mean), NaN gaps and a constant stretch
    n, k = 2000, 6
    x = 100.0 + np.cumsum(RNG.standard_normal((n, k)), axis=0)
    y = 50.0 + np.cumsum(RNG.standard_normal((n, k)), axis=0)
    x[100:130, 2] = np.nan
    y[500, 4] = np.nan
    x[800:900, 5] = 7.0
    dfx, dfy = pd.DataFrame(x), pd.DataFrame(y)
    ours = rolling_correlation(dfx, dfy, window=40)
    ref = dfx.rolling(40).corr(dfy)
    assert isinstance(ours, pd.DataFrame)
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), atol=1e-10, equal_nan=True)
    np.testing.assert_array_equal(np.isnan(ours.to_numpy()), np.isnan(ref.to_numpy()))


def test_rolling_correlation_panel_against_one_series() -> None:
    df = pd.DataFrame(PANEL, columns=list("abcd"))
    s = pd.Series(PANEL[:, 0] + 0.5 * PANEL[:, 1])
    ours = rolling_correlation(df, s, window=30)
    ref = df.rolling(30).corr(s)
    np.testing.assert_allclose(ours.to_numpy(), ref.to_numpy(), atol=1e-10, equal_nan=True)
    ours_np = rolling_correlation(PANEL, s.to_numpy(), window=30)
    np.testing.assert_allclose(ours_np, ref.to_numpy(), atol=1e-10, equal_nan=True)


def test_rolling_correlation_no_look_ahead() -> None:
    a, b = PANEL[:, 0], PANEL[:, 1]
    short = rolling_correlation(a[:500], b[:500], window=50)
    full = rolling_correlation(a, b, window=50)
    np.testing.assert_array_equal(short, full[:500])


def test_rolling_correlation_window_errors() -> None:
    with pytest.raises(InputError, match="window"):
        rolling_correlation([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], window=4)
    with pytest.raises(InputError, match="window"):
        rolling_correlation([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], window=1)
    with pytest.raises(TypeError, match="window"):
        rolling_correlation([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], window=2.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- CVaR budgets
def test_cvar_position_limits_euler_against_loop() -> None:
    w = np.array([0.4, 0.3, 0.2, 0.1])
    res = cvar_position_limits(PANEL, 0.004, weights=w, confidence=0.95)
    assert isinstance(res, CVaRAllocation)
    # independent computation: plain loop over scenarios
    port = PANEL @ w
    var = -np.quantile(port, 0.05, method="inverted_cdf")
    tail_rows = [t for t in range(len(port)) if -port[t] >= var]
    ref = np.array([-np.mean([w[i] * PANEL[t, i] for t in tail_rows]) for i in range(4)])
    np.testing.assert_allclose(res.contributions, ref, rtol=1e-12)
    assert res.portfolio_var == pytest.approx(var, rel=1e-14)
    assert res.n_tail == len(tail_rows)
    # contributions add up to the tail-mean CVaR of the portfolio
    assert res.contributions.sum() == pytest.approx(-np.mean(port[tail_rows]), rel=1e-12)
    assert res.portfolio_cvar == pytest.approx(-np.mean(port[tail_rows]), rel=1e-12)
    np.testing.assert_allclose(res.utilisation, ref / 0.004, rtol=1e-12)
    np.testing.assert_allclose(res.limits, w * 0.004 / ref, rtol=1e-12)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "weight",
        "contribution",
        "share",
        "budget",
        "utilisation",
        "limit",
    ]
    assert frame["share"].sum() == pytest.approx(1.0, rel=1e-12)


def test_cvar_position_limits_hedge_and_labels() -> None:
    # a position that gains in the portfolio's tail has a negative contribution: no limit
    base = PANEL[:, 0]
    hedge = -base + 0.001 * PANEL[:, 1]
    df = pd.DataFrame({"stock": base, "hedge": hedge})
    res = cvar_position_limits(df, [0.01, 0.01], weights=[1.0, 0.3])
    assert res.assets == ("stock", "hedge")
    assert res.contributions[1] < 0
    assert np.isinf(res.limits[1])
    assert res.within_budget is bool(res.contributions[0] <= 0.01)
    eq = cvar_position_limits(PANEL, 1.0)
    np.testing.assert_allclose(eq.weights, 0.25)
    assert eq.within_budget


# --------------------------------------------------------------------------- bond returns
@pytest.mark.parametrize("y", [0.01, 0.045, 0.12])
def test_par_bond_duration_closed_form(y: float) -> None:
    # textbook closed form for a par bond's modified duration, D = (1 - (1 + y/2)^-20) / y;
    # for a yield change dy with no carry (periods_per_year huge), r = -D dy + C dy^2 / 2
    dy = 1e-4
    r = bond_returns_from_yields([y, y + dy], periods_per_year=1e12, convexity=False)
    dur = (1 - (1 + y / 2) ** -20) / y
    assert -r[1] / dy == pytest.approx(dur, rel=1e-9)


@pytest.mark.parametrize("dy", [-0.002, 0.0005, 0.003])
def test_bond_return_against_exact_repricing(dy: float) -> None:
    # exact: reprice the par bond (coupon y0, 20 semi-annual payments) at y0 + dy; the
    # duration-convexity approximation is third order in dy
    y0 = 0.04
    k = np.arange(1, 21)
    cf = np.full(20, y0 / 2)
    cf[-1] += 1
    exact = (cf / (1 + (y0 + dy) / 2) ** k).sum() - 1.0
    r = bond_returns_from_yields([y0, y0 + dy], periods_per_year=1e12)
    assert r[1] == pytest.approx(exact, abs=30 * abs(dy) ** 3 * 100)
    assert abs(r[1] - exact) < abs(
        bond_returns_from_yields([y0, y0 + dy], periods_per_year=1e12, convexity=False)[1] - exact
    )


def test_bond_returns_track_shiller_bond_series() -> None:
    # Shiller's monthly_total_bond_return (gross, from an exact repricing of a par GS10 bond)
    # is an independent computation on the same yields. His row t holds the return from month
    # t to t+1, so it is shifted one row forward to align with ours (return over month t).
    from divergence.datasets import load_shiller

    sh = load_shiller().loc["1953":"2025"]
    ours = bond_returns_from_yields(sh["gs10"] / 100, periods_per_year=12)
    theirs = sh["monthly_total_bond_return"].shift(1) - 1.0
    both = pd.concat([ours, theirs], axis=1).dropna()
    assert len(both) > 800
    assert both.corr().iloc[0, 1] > 0.9999
    # median gap ~2e-5 a month (roll-down and third-order terms we leave out)
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().median() < 1e-4


def test_bond_returns_types() -> None:
    s = pd.Series([0.04, 0.041, 0.039], index=pd.date_range("2020-01-31", periods=3, freq="ME"))
    out = bond_returns_from_yields(s, periods_per_year=12)
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    assert np.isnan(out.iloc[0])
    assert isinstance(bond_returns_from_yields([0.04, 0.05], periods_per_year=12), np.ndarray)


# --------------------------------------------------------------------------- bad inputs
GOOD = R1[:100]
BAD = [
    (value_at_risk, (GOOD,), {"confidence": 1.0}, InputError, "confidence"),
    (value_at_risk, (GOOD,), {"confidence": 0.0}, InputError, "confidence"),
    (value_at_risk, (GOOD,), {"confidence": "0.95"}, TypeError, "confidence"),
    (value_at_risk, (GOOD,), {"method": "monte_carlo"}, InputError, "method"),
    (value_at_risk, (np.zeros((2, 2, 2)),), {}, InputError, "returns"),
    (value_at_risk, ([],), {}, InputError, "returns"),
    (value_at_risk, ([0.1, np.inf],), {}, InputError, "returns"),
    (value_at_risk, (["a", "b"],), {}, TypeError, "returns"),
    (value_at_risk, (GOOD,), {"nan_policy": "drop"}, InputError, "nan_policy"),
    (conditional_value_at_risk, (GOOD,), {"confidence": 1.5}, InputError, "confidence"),
    (conditional_value_at_risk, (None,), {}, TypeError, "returns"),
    (cvar_position_limits, (GOOD, 0.01), {}, InputError, "returns"),
    (cvar_position_limits, (PANEL, -0.01), {}, InputError, "budget"),
    (cvar_position_limits, (PANEL, [0.01, 0.01]), {}, InputError, "budget"),
    (cvar_position_limits, (PANEL, 0.01), {"weights": [1.0]}, InputError, "weights"),
    (
        cvar_position_limits,
        (np.where(PANEL > 0.03, np.nan, PANEL), 0.01),
        {},
        InputError,
        "returns",
    ),
    (rolling_correlation, (PANEL, PANEL[:, :2]), {"window": 5}, InputError, "same shape"),
    (rolling_correlation, (PANEL, PANEL[:10, 0]), {"window": 5}, InputError, "rows"),
    (
        rolling_correlation,
        (pd.Series([1.0, 2.0, 3.0]), pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3])),
        {"window": 2},
        InputError,
        "index",
    ),
    (rolling_correlation, (GOOD, GOOD), {"window": 101}, InputError, "window"),
    (bond_returns_from_yields, ([0.04, 0.05],), {"periods_per_year": 0.0}, InputError, "periods"),
    (
        bond_returns_from_yields,
        ([0.04, 0.05],),
        {"periods_per_year": 12, "maturity": -1.0},
        InputError,
        "maturity",
    ),
    (bond_returns_from_yields, ([[0.04, 0.05]],), {"periods_per_year": 12}, InputError, "yields"),
]


@pytest.mark.parametrize(("fn", "args", "kwargs", "exc", "match"), BAD)
def test_bad_inputs(
    fn: object,
    args: tuple[object, ...],
    kwargs: dict[str, object],
    exc: type[Exception],
    match: str,
) -> None:
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)  # type: ignore[operator]


@given(
    data=arrays(
        np.float64,
        st.tuples(st.integers(3, 40), st.integers(1, 3)),
        elements=st.one_of(st.integers(-50, 50).map(float), st.just(np.nan)),
    ),
    other=st.integers(0, 2**31 - 1),
    window=st.integers(2, 6),
)
def test_rolling_correlation_property_vs_pandas(data: np.ndarray, other: int, window: int) -> None:
    # integer-valued data (exact sums, so constant windows are exactly constant for both) with
    # NaN gaps; pandas' rolling corr is the independent reference
    n = data.shape[0]
    window = min(window, n)
    rng = np.random.default_rng(other)
    b = np.round(rng.normal(0, 20, size=data.shape))
    b[rng.random(data.shape) < 0.1] = np.nan
    # an all-NaN input is rejected by design (InputError), not a case to compare
    assume(np.isfinite(data).any() and np.isfinite(b).any())
    ours = rolling_correlation(data, b, window=window)
    ref = pd.DataFrame(data).rolling(window).corr(pd.DataFrame(b)).to_numpy()
    np.testing.assert_allclose(ours, ref, atol=1e-9, equal_nan=True)


def test_bond_returns_no_look_ahead() -> None:
    y = 0.04 + 0.001 * np.cumsum(RNG.standard_normal(300))
    short = bond_returns_from_yields(y[:200], periods_per_year=252)
    full = bond_returns_from_yields(y, periods_per_year=252)
    np.testing.assert_array_equal(short, full[:200])


def test_cvar_allocation_is_read_only_and_comparable() -> None:
    res = cvar_position_limits(PANEL, 0.01)
    with pytest.raises(ValueError, match="read-only"):
        res.contributions[0] = 0.0
    assert res == res  # identity comparison, no ambiguous array truth value
    assert res != cvar_position_limits(PANEL, 0.01)
