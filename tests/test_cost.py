"""Tests of divergence.cost: scoring kernels, C_D properties, calibration, bad inputs."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import cost
from divergence.cost import (
    DivergenceCost,
    divergence_cost,
    expanding_percentile,
    expanding_robust_z,
)
from divergence.errors import InputError


def naive_percentile(x: np.ndarray, min_periods: int = 1) -> np.ndarray:
    """The pandas idiom the fast path replaces (O(n^2))."""
    s = pd.Series(x)
    return (
        s.expanding(min_periods=min_periods)
        .apply(lambda w: (w <= w[-1]).mean(), raw=True)
        .to_numpy()
    )


def naive_robust_z(x: np.ndarray, min_periods: int) -> np.ndarray:
    out = np.full(len(x), np.nan)
    for t in range(min_periods, len(x)):
        past = x[:t]
        q25, med, q75 = np.quantile(past, [0.25, 0.5, 0.75])
        scale = (q75 - q25) / 1.3489795003921634
        if scale > 0:
            out[t] = (x[t] - med) / scale
    return out


# --------------------------------------------------------------------------- scoring kernels
@given(
    arrays(np.float64, st.integers(1, 80), elements=st.integers(-5, 5).map(float)),
    st.integers(1, 5),
)
def test_percentile_equals_naive_with_ties(x: np.ndarray, mp: int) -> None:
    # Reference: the pandas expanding().apply idiom; exact equality (same counts / same n).
    mp = min(mp, len(x))
    fast = expanding_percentile(x, min_periods=mp)
    np.testing.assert_array_equal(fast, naive_percentile(x, mp))


@given(arrays(np.float64, st.integers(1, 200), elements=st.floats(-1e6, 1e6, allow_nan=False)))
def test_percentile_equals_naive_continuous(x: np.ndarray) -> None:
    np.testing.assert_array_equal(expanding_percentile(x), naive_percentile(x))


def test_percentile_skips_nan_and_handles_columns() -> None:
    x = np.array([[1.0, 3.0], [np.nan, 1.0], [0.5, np.nan], [2.0, 2.0]])
    out = expanding_percentile(x)
    np.testing.assert_array_equal(out[:, 0], [1.0, np.nan, 0.5, 1.0])
    np.testing.assert_allclose(out[:, 1], [1.0, 0.5, np.nan, 2.0 / 3.0])
    df = pd.DataFrame(x, columns=["a", "b"], index=pd.date_range("2020", periods=4, freq="MS"))
    pd.testing.assert_frame_equal(
        expanding_percentile(df), pd.DataFrame(out, index=df.index, columns=df.columns)
    )


@given(
    arrays(
        np.float64,
        st.integers(6, 60),
        elements=st.floats(-100, 100, allow_nan=False).map(lambda f: round(f, 6)),
    ),
    st.integers(2, 5),
)
def test_robust_z_equals_numpy_quantiles(x: np.ndarray, mp: int) -> None:
    # Reference: numpy.quantile (linear interpolation) on each prefix, computed independently.
    fast = expanding_robust_z(x, min_periods=mp)
    np.testing.assert_allclose(fast, naive_robust_z(x, mp), rtol=1e-9, atol=1e-9)


# --------------------------------------------------------------------------- model fixtures
def inputs(n: int = 80, seed: int = 0) -> tuple[pd.Series, pd.Series, pd.Series]:
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2010-01-01", periods=n, freq="MS")
    dr = pd.Series(rng.normal(0, 0.005, n), index=idx, name="delta_r")
    ic = pd.Series(20 + np.cumsum(rng.normal(0, 0.5, n)), index=idx, name="i_c")
    ls = pd.Series(rng.normal(0, 0.03, n), index=idx, name="l_s")
    return dr, ic, ls


MODELS = [
    DivergenceCost(min_periods=12),
    DivergenceCost(weights=(0.5, 2.0, 1.0), intercept=-1.0, interaction=1.5, min_periods=12),
    DivergenceCost(scoring="robust_z", interaction=0.3, min_periods=12),
    DivergenceCost(weights=(1.0, 0.0, 3.0), link="identity", min_periods=12),
    DivergenceCost(scoring="robust_z", link="identity", interaction=2.0, min_periods=12),
]


@pytest.mark.parametrize("model", MODELS)
def test_contributions_sum_to_linear_predictor(model: DivergenceCost) -> None:
    dr, ic, ls = inputs()
    parts = model.contributions(dr, ic, ls)
    eta = model.linear_predictor(dr, ic, ls)
    assert list(parts.columns) == ["intercept", "delta_r", "i_c", "l_s", "interaction"]
    np.testing.assert_allclose(parts.sum(axis=1, skipna=False), eta, rtol=1e-12, atol=1e-12)
    cd = model.evaluate(dr, ic, ls)
    if model.link == "identity":
        np.testing.assert_allclose(cd, eta, rtol=1e-12, atol=1e-12)
    else:
        np.testing.assert_allclose(cd, 1.0 / (1.0 + np.exp(-eta)), rtol=1e-12)
    assert cd.index.equals(dr.index)
    assert cd.iloc[:11].isna().all()
    assert cd.iloc[12:].notna().all()


@pytest.mark.parametrize("model", MODELS)
def test_no_look_ahead(model: DivergenceCost) -> None:
    dr, ic, ls = inputs(100)
    full = model.evaluate(dr, ic, ls)
    for cut in (40, 70):
        part = model.evaluate(dr.iloc[:cut], ic.iloc[:cut], ls.iloc[:cut])
        pd.testing.assert_series_equal(part, full.iloc[:cut])


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("which", "direction"), [("delta_r", -1.0), ("i_c", 1.0), ("l_s", 1.0)])
def test_monotone_in_each_input(model: DivergenceCost, which: str, direction: float) -> None:
    # Holding the history fixed, moving the last value of one input in its stated direction
    # never lowers C_D at that date (and moving it the other way never raises it).
    dr, ic, ls = inputs(60, seed=3)
    base = {"delta_r": dr, "i_c": ic, "l_s": ls}
    c0 = model.evaluate(dr, ic, ls).iloc[-1]
    scale = base[which].std()
    for step in (0.1, 0.5, 2.0, 10.0):
        for sign in (1.0, -1.0):
            moved = dict(base)
            s = base[which].copy()
            s.iloc[-1] += sign * direction * step * scale
            moved[which] = s
            c1 = model.evaluate(moved["delta_r"], moved["i_c"], moved["l_s"]).iloc[-1]
            if sign > 0:
                assert c1 >= c0 - 1e-15
            else:
                assert c1 <= c0 + 1e-15


@given(
    arrays(np.float64, (30, 3), elements=st.floats(-1e3, 1e3).map(lambda f: round(f, 3))),
    st.floats(0, 5),
    st.floats(0, 5),
    st.floats(0, 5),
    st.floats(0, 5),
    st.floats(-5, 5),
)
def test_bounded_under_logistic(
    x: np.ndarray, w1: float, w2: float, w3: float, wi: float, b: float
) -> None:
    model = DivergenceCost(
        weights=(w1, w2, w3), interaction=wi, intercept=b, scoring="robust_z", min_periods=5
    )
    cd = model.evaluate(x[:, 0], x[:, 1], x[:, 2])
    ok = ~np.isnan(cd)
    assert ((cd[ok] >= 0.0) & (cd[ok] <= 1.0)).all()
    pct = DivergenceCost(weights=(w1, w2, w3), interaction=wi, intercept=b, min_periods=5)
    cd2 = pct.evaluate(x[:, 0], x[:, 1], x[:, 2])
    assert ((cd2[4:] > 0) & (cd2[4:] < 1)).all()
    # warm-up rows are NaN unless nothing is weighted (then C_D = logistic(b) throughout)
    assert np.isnan(cd2[:4]).all() == (max(w1, w2, w3, wi) > 0)


def test_interaction_only_when_pressures_coincide() -> None:
    model = DivergenceCost(weights=(0.0, 0.0, 0.0), interaction=1.0, min_periods=1, link="identity")
    # i_c and l_s both at new highs (scores +1), delta_r at a new high (s_R = -1)
    parts = model.contributions([0.0, 1.0], [0.0, 1.0], [0.0, 1.0])
    # scores at t=1: s_R = -(2*1-1) = -1, s_C = s_L = 1 -> only the (C, L) pair counts: 1*1
    assert parts[1, 4] == pytest.approx(1.0)
    parts = model.contributions([0.0, 1.0], [0.0, 1.0], [0.0, -1.0])
    # only s_C > 0: no pair of positive pressures, the interaction is 0
    assert parts[1, 4] == 0.0


@pytest.mark.parametrize("model", MODELS)
def test_sensitivities_match_finite_differences(model: DivergenceCost) -> None:
    # Reference: central finite differences of g(eta(s)) in each signed score.
    dr, ic, ls = inputs()
    sens = model.sensitivities(dr, ic, ls)
    s = model.scores(dr, ic, ls).to_numpy()
    h = 1e-6
    for k, name in enumerate(cost.INPUTS):
        up, dn = s.copy(), s.copy()
        up[:, k] += h
        dn[:, k] -= h
        fd = (
            model._link(model._eta_parts(up).sum(axis=1))
            - model._link(model._eta_parts(dn).sum(axis=1))
        ) / (2 * h)
        away = np.abs(s[:, k]) > 1e-3  # the positive part has a kink at 0
        ok = away & ~np.isnan(fd)
        np.testing.assert_allclose(sens[name].to_numpy()[ok], fd[ok], rtol=1e-6, atol=1e-9)
    assert (sens.dropna() >= 0).all().all()


def test_signs_of_scores() -> None:
    dr, ic, ls = inputs()
    raw = pd.concat([dr, ic, ls], axis=1)
    s = DivergenceCost(min_periods=12).scores(dr, ic, ls)
    pct = expanding_percentile(raw, min_periods=12)
    np.testing.assert_allclose(s["delta_r"], -(2 * pct["delta_r"] - 1))
    np.testing.assert_allclose(s["i_c"], 2 * pct["i_c"] - 1)
    np.testing.assert_allclose(s["l_s"], 2 * pct["l_s"] - 1)


def test_none_input_with_zero_weight() -> None:
    dr, ic, ls = inputs()
    m = DivergenceCost(weights=(1.0, 0.0, 1.0), min_periods=12)
    a = m.evaluate(dr, None, ls)
    b = m.evaluate(dr, ic, ls)
    pd.testing.assert_series_equal(a, b)
    assert m.scores(dr, None, ls)["i_c"].isna().all()
    with pytest.raises(InputError, match="i_c is None"):
        DivergenceCost(min_periods=12).evaluate(dr, None, ls)


def test_functional_shortcut_matches_class() -> None:
    dr, ic, ls = inputs()
    opts = {"weights": (1.0, 2.0, 0.5), "interaction": 0.5, "min_periods": 12}
    pd.testing.assert_series_equal(
        divergence_cost(dr, ic, ls, **opts), DivergenceCost(**opts).evaluate(dr, ic, ls)
    )
    with pytest.raises(TypeError, match="unknown option"):
        divergence_cost(dr, ic, ls, window=3)


# --------------------------------------------------------------------------- calibration
def test_calibrate_recovers_logit_weights() -> None:
    # Reference: data simulated from a known logit on the scores; statsmodels' MLE should be
    # within a few standard errors of the truth (n = 4000).
    rng = np.random.default_rng(42)
    n = 4000
    dr, ic, ls = rng.normal(size=(3, n))
    model = DivergenceCost(min_periods=50)
    s = model.scores(dr, ic, ls)
    eta = -0.5 + 1.5 * s[:, 0] + 0.0 * s[:, 1] + 1.0 * s[:, 2]
    y = np.where(np.isnan(eta), np.nan, (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float))
    fitted = DivergenceCost.calibrate(
        pd.DataFrame({"delta_r": dr, "i_c": ic, "l_s": ls}), y, min_periods=50
    )
    w = np.asarray(fitted.weights)
    se = np.asarray(fitted.fit_result.bse)
    assert abs(w[0] - 1.5) < 4 * se[1]
    assert w[1] < 0.25  # true weight 0: estimate small (or clipped to 0 by the constraint)
    assert abs(fitted.intercept + 0.5) < 4 * se[0]
    assert "Logit" in (fitted.fit_summary or "")
    assert fitted.link == "logistic"
    assert fitted.min_periods == 50


def test_calibrate_enforces_non_negative_weights() -> None:
    # Truth has a negative effect of l_s's score: the constrained fit must set it to 0 and
    # equal the unconstrained logit without l_s (independent statsmodels fit).
    import statsmodels.api as sm

    rng = np.random.default_rng(7)
    n = 3000
    dr, ls = rng.normal(size=(2, n))
    s = DivergenceCost(weights=(1.0, 0.0, 1.0), min_periods=30).scores(dr, None, ls)
    eta = 1.0 * s[:, 0] - 2.0 * s[:, 2]
    y = np.where(np.isnan(eta), np.nan, (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float))
    fitted = DivergenceCost.calibrate({"delta_r": dr, "l_s": ls}, y, min_periods=30)
    assert fitted.weights[2] == 0.0
    assert fitted.weights[1] == 0.0
    ok = ~np.isnan(y)
    ref = sm.Logit(y[ok], sm.add_constant(s[ok, 0])).fit(disp=0)
    assert fitted.weights[0] == pytest.approx(ref.params[1], rel=1e-6)
    assert fitted.intercept == pytest.approx(ref.params[0], rel=1e-6, abs=1e-9)


def test_calibrate_identity_link_and_interaction() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(1)
    n = 600
    dr, ic, ls = rng.normal(size=(3, n))
    m0 = DivergenceCost(min_periods=20)
    s = m0.scores(dr, ic, ls)
    q = cost._pairwise_positive(s)
    y = 0.2 + 0.5 * s[:, 0] + 0.3 * s[:, 1] + 0.4 * s[:, 2] + 0.6 * q + rng.normal(0, 0.1, n)
    fitted = DivergenceCost.calibrate(
        {"delta_r": dr, "i_c": ic, "l_s": ls},
        y,
        link="identity",
        interaction=True,
        min_periods=20,
        cov_type="HAC",
        hac_lags=4,
    )
    ok = ~np.isnan(y)
    ref = sm.OLS(y[ok], np.column_stack([np.ones(ok.sum()), s[ok], q[ok]])).fit()
    np.testing.assert_allclose(
        [fitted.intercept, *fitted.weights, fitted.interaction], ref.params, rtol=1e-8
    )
    assert "HAC" in (fitted.fit_summary or "")


def test_calibrate_imports_statsmodels_lazily() -> None:
    import subprocess
    import sys

    code = "import sys, divergence.cost; print('statsmodels' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------- input types
@pytest.mark.parametrize("kind", ["ndarray", "list", "series"])
def test_input_types(kind: str) -> None:
    dr, ic, ls = inputs(40)
    args: tuple[object, object, object]
    if kind == "ndarray":
        args = (dr.to_numpy(), ic.to_numpy(), ls.to_numpy())
    elif kind == "list":
        args = (list(dr), list(ic), list(ls))
    else:
        args = (dr, ic, ls)
    snap = [np.array(a, copy=True) for a in args]
    m = DivergenceCost(min_periods=10, interaction=1.0)
    cd, parts, sens, sc = (
        m.evaluate(*args),
        m.contributions(*args),
        m.sensitivities(*args),
        m.scores(*args),
    )
    if kind == "series":
        assert isinstance(cd, pd.Series)
        assert cd.index.equals(dr.index)
        assert isinstance(parts, pd.DataFrame)
        assert parts.index.equals(dr.index)
        assert isinstance(sens, pd.DataFrame)
        assert isinstance(sc, pd.DataFrame)
    else:
        assert isinstance(cd, np.ndarray)
        assert cd.shape == (40,)
        assert isinstance(parts, np.ndarray)
        assert parts.shape == (40, 5)
        assert isinstance(sens, np.ndarray)
        assert sens.shape == (40, 3)
    for a, b in zip(args, snap, strict=True):
        np.testing.assert_array_equal(np.asarray(a), b)
    # the same numbers whatever the container
    np.testing.assert_allclose(
        np.asarray(cd), DivergenceCost(min_periods=10, interaction=1.0).evaluate(*snap)
    )
    # DataFrame in -> DataFrame out for the scoring kernels
    frame = pd.concat([dr, ic], axis=1)
    assert isinstance(expanding_percentile(frame), pd.DataFrame)
    assert isinstance(expanding_robust_z(frame, min_periods=5), pd.DataFrame)


# --------------------------------------------------------------------------- bad inputs
X = np.linspace(0.0, 1.0, 20)
Y = np.linspace(1.0, 2.0, 20)
BAD = [
    ("negative weight", lambda: DivergenceCost(weights=(1.0, -1.0, 1.0)), InputError, "weights"),
    ("two weights", lambda: DivergenceCost(weights=(1.0, 1.0)), TypeError, "weights"),
    ("nan weight", lambda: DivergenceCost(weights=(1.0, np.nan, 1.0)), InputError, "weights"),
    ("negative interaction", lambda: DivergenceCost(interaction=-0.1), InputError, "interaction"),
    ("scoring", lambda: DivergenceCost(scoring="zscore"), InputError, "scoring"),  # type: ignore[arg-type]
    ("link", lambda: DivergenceCost(link="probit"), InputError, "link"),  # type: ignore[arg-type]
    ("min_periods 0", lambda: DivergenceCost(min_periods=0), InputError, "min_periods"),
    ("min_periods float", lambda: DivergenceCost(min_periods=3.0), TypeError, "min_periods"),  # type: ignore[arg-type]
    (
        "min_periods > n",
        lambda: DivergenceCost(min_periods=30).evaluate(X, Y, X),
        InputError,
        "min_periods",
    ),
    (
        "length mismatch",
        lambda: DivergenceCost(min_periods=2).evaluate(X, Y[:10], X),
        InputError,
        "i_c",
    ),
    (
        "2-D input",
        lambda: DivergenceCost(min_periods=2).evaluate(np.ones((20, 2)), Y, X),
        InputError,
        "delta_r",
    ),
    (
        "inf input",
        lambda: DivergenceCost(min_periods=2).evaluate(X, Y, np.r_[X[:-1], np.inf]),
        InputError,
        "l_s",
    ),
    ("string input", lambda: DivergenceCost(min_periods=2).evaluate(X, "abc", X), TypeError, "i_c"),
    (
        "all None",
        lambda: DivergenceCost(weights=(0, 0, 0), min_periods=2).evaluate(None, None, None),
        InputError,
        "at least one",
    ),
    (
        "index mismatch",
        lambda: DivergenceCost(min_periods=2).evaluate(
            pd.Series(X), pd.Series(Y, index=range(1, 21)), X
        ),
        InputError,
        "index",
    ),
    ("pct min_periods", lambda: expanding_percentile(X, min_periods=21), InputError, "min_periods"),
    ("z min_periods", lambda: expanding_robust_z(X, min_periods=1), InputError, "min_periods"),
    ("z 3-D", lambda: expanding_robust_z(np.ones((3, 3, 3))), InputError, "x"),
    (
        "cal unknown column",
        lambda: DivergenceCost.calibrate({"vix": X}, X),
        InputError,
        "unknown column",
    ),
    ("cal empty", lambda: DivergenceCost.calibrate({}, X), InputError, "empty"),
    ("cal type", lambda: DivergenceCost.calibrate([X], X), TypeError, "components"),  # type: ignore[arg-type]
    (
        "cal non-binary",
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, min_periods=2),
        InputError,
        "0/1",
    ),
    (
        "cal constant",
        lambda: DivergenceCost.calibrate({"delta_r": X}, np.ones(20), min_periods=2),
        InputError,
        "constant",
    ),
    (
        "cal target length",
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y[:5], min_periods=2),
        InputError,
        "target",
    ),
    (
        "cal cov_type",
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, cov_type="HC0"),
        InputError,
        "cov_type",
    ),  # type: ignore[arg-type]
    (
        "cal too few rows",
        lambda: DivergenceCost.calibrate(
            {"delta_r": X[:4]}, np.array([0.0, 1.0, 0.0, 1.0]), min_periods=3
        ),
        InputError,
        "rows",
    ),
]


@pytest.mark.parametrize(("case", "call", "exc", "word"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(case: str, call: object, exc: type[Exception], word: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(exc, match=word):
            call()  # type: ignore[operator]


def test_frozen() -> None:
    m = DivergenceCost()
    with pytest.raises(AttributeError):
        m.link = "identity"  # type: ignore[misc]
    assert DivergenceCost(weights=[1, 1, 1]) == DivergenceCost()  # type: ignore[arg-type]


@given(
    arrays(np.float64, (25, 3), elements=st.floats(-50, 50).map(lambda f: round(f, 2))),
    st.tuples(st.floats(0, 3), st.floats(0, 3), st.floats(0, 3)),
    st.floats(0, 3),
    st.sampled_from(["percentile", "robust_z"]),
    st.sampled_from(["logistic", "identity"]),
    st.integers(0, 2),
    st.floats(0.01, 100),
)
def test_monotone_property(
    x: np.ndarray,
    w: tuple[float, float, float],
    wi: float,
    scoring: str,
    link: str,
    which: int,
    step: float,
) -> None:
    # Random data and model: moving the last value of one input in its stated direction
    # (down for delta_r, up for i_c and l_s) never lowers C_D at that date.
    model = DivergenceCost(
        weights=w,
        interaction=wi,
        scoring=scoring,  # type: ignore[arg-type]
        link=link,  # type: ignore[arg-type]
        min_periods=5,
    )
    c0 = model.evaluate(x[:, 0], x[:, 1], x[:, 2])[-1]
    moved = x.copy()
    moved[-1, which] += (-1.0 if which == 0 else 1.0) * step
    c1 = model.evaluate(moved[:, 0], moved[:, 1], moved[:, 2])[-1]
    if np.isnan(c0):
        return  # e.g. a zero IQR under robust_z
    assert c1 >= c0 - 1e-12 * max(1.0, abs(c0))


@given(
    arrays(
        np.float64,
        st.integers(1, 60),
        elements=st.one_of(st.just(np.nan), st.integers(-3, 3).map(float)),
    )
)
def test_percentile_with_nan_equals_naive_on_observed(x: np.ndarray) -> None:
    # NaN rows are "no observation": the result on the observed rows equals the pandas idiom
    # applied to the observed values alone, and NaN rows stay NaN.
    if np.isnan(x).all():
        return
    out = expanding_percentile(x)
    obs = ~np.isnan(x)
    np.testing.assert_array_equal(out[obs], naive_percentile(x[obs]))
    assert np.isnan(out[~obs]).all()


# ------------------------------------------------------------- gaps found by mutation testing
# Four rows scored by hand (percentile, min_periods=1): at t = 3
#   delta_r [0, 1, 2, -1]: p = 1/4 -> z = -1/2 -> s_R = +1/2
#   i_c     [4, 1, 3,  2]: p = 2/4 -> z = 0    -> s_C = 0
#   l_s     [0, 1, 2,  3]: p = 4/4 -> z = 1    -> s_L = 1
# and at t = 2: s_R = -1 (p = 3/3), s_C = 2 * 2/3 - 1 = 1/3, s_L = 1.
HAND = ([0.0, 1.0, 2.0, -1.0], [4.0, 1.0, 3.0, 2.0], [0.0, 1.0, 2.0, 3.0])


def test_contributions_hand_computed() -> None:
    # zero weight -> exactly 0 contribution; no interaction weight -> interaction column 0
    m = DivergenceCost(weights=(0.0, 2.0, 1.0), intercept=0.5, min_periods=1, link="identity")
    parts = m.contributions(*HAND)
    np.testing.assert_allclose(parts[2], [0.5, 0.0, 2.0 / 3.0, 1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(parts[3], [0.5, 0.0, 0.0, 1.0, 0.0], atol=1e-15)
    # with the interaction: pairs of positive parts at t = 3: s_R s_L = 1/2 (s_C = 0)
    m = DivergenceCost(weights=(1.0, 1.0, 1.0), interaction=2.0, min_periods=1, link="identity")
    np.testing.assert_allclose(m.contributions(*HAND)[3], [0.0, 0.5, 0.0, 1.0, 1.0], atol=1e-15)


def test_sensitivity_at_a_zero_score_is_the_left_derivative() -> None:
    # d eta / d s_k = w_k + w_I 1[s_k > 0] sum_{j != k} (s_j)_+ (identity link, g' = 1):
    # at t = 3, s = (1/2, 0, 1): R -> 1 + 1, C -> 1 + 0 (s_C = 0 exactly), L -> 1 + 1/2
    m = DivergenceCost(weights=(1.0, 1.0, 1.0), interaction=1.0, min_periods=1, link="identity")
    np.testing.assert_allclose(m.sensitivities(*HAND)[3], [2.0, 1.0, 1.5], atol=1e-15)


def test_scores_have_no_negative_zero() -> None:
    # delta_r [1, 0]: p = 1/2 at t = 1, so s_R = -(2 p - 1) = 0, printed as 0 (never -0.)
    s = DivergenceCost(min_periods=1).scores([1.0, 0.0], None, None)
    assert s[1, 0] == 0.0
    assert not np.signbit(s[1, 0])


def test_output_names() -> None:
    dr, ic, ls = inputs(40)
    m = DivergenceCost(min_periods=10)
    assert m.evaluate(dr, ic, ls).name == "divergence_cost"
    assert m.linear_predictor(dr, ic, ls).name == "eta"


def test_parameters_are_stored_as_floats() -> None:
    m = DivergenceCost(weights=(1, 2, 0), intercept=np.int64(-1), interaction=2)
    assert m.weights == (1.0, 2.0, 0.0)
    assert type(m.intercept) is float and m.intercept == -1.0
    assert type(m.interaction) is float and m.interaction == 2.0


def test_robust_z_min_periods_two_is_valid() -> None:
    # the smallest history for an IQR: two earlier values; closed form at t = 2 for [0, 2, 3]:
    # median 1, IQR = 1.5 - 0.5 = 1, z = (3 - 1) * 1.349 / 1
    m = DivergenceCost(weights=(0.0, 1.0, 0.0), scoring="robust_z", min_periods=2)
    s = m.scores(None, [0.0, 2.0, 3.0], None)
    assert s[2, 1] == pytest.approx(2.0 * cost._IQR_NORMAL, rel=1e-14)
    assert np.isnan(s[:2, 1]).all()


def test_robust_z_default_min_periods_is_24() -> None:
    x = np.sin(np.arange(40.0))
    z = expanding_robust_z(x)
    assert np.isnan(z[:24]).all()
    np.testing.assert_allclose(z[24:], naive_robust_z(x, 24)[24:], rtol=1e-12)


def test_scoring_kernels_score_every_column() -> None:
    # a column with little or no data does not stop the columns after it
    x = np.column_stack([np.r_[1.0, 2.0, np.full(6, np.nan)], np.arange(8.0)])
    np.testing.assert_allclose(expanding_percentile(x)[:, 1], 1.0)
    z = expanding_robust_z(x, min_periods=3)
    assert np.isnan(z[:, 0]).all()
    np.testing.assert_allclose(z[:, 1], naive_robust_z(np.arange(8.0), 3), rtol=1e-12)
    empty = np.column_stack([np.full(5, np.nan), np.arange(5.0)])
    np.testing.assert_allclose(expanding_percentile(empty)[:, 1], 1.0)


def test_extreme_scores_overflow_without_warnings() -> None:
    # robust z of 1e100 against [0, 0, 1e-100, 1e-100]: median 5e-101, IQR 1e-100, so
    # z = 1.349e200; products of two such scores overflow to +inf (documented as allowed)
    x = np.array([0.0, 0.0, 1e-100, 1e-100, 1e100])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = DivergenceCost(scoring="robust_z", min_periods=4, interaction=1.0, link="identity")
        assert m.evaluate(-x, x, x)[4] == np.inf
        ml = DivergenceCost(scoring="robust_z", min_periods=4, interaction=1.0)
        assert ml.evaluate(-x, x, x)[4] == 1.0
        # the largest accepted interaction (options are bounded at 1e100 like array inputs):
        # d/dz_i of gamma * sum of pairwise products = gamma * (z_j + z_k) = 2e100 * z, with
        # z = 1e200 * 2 * Phi^-1(0.75) (IQR of a standard normal), still finite
        from scipy.stats import norm

        big = DivergenceCost(scoring="robust_z", min_periods=4, interaction=1e100, link="identity")
        expected = 2e100 * 1e200 * 2.0 * norm.ppf(0.75)
        np.testing.assert_allclose(big.sensitivities(-x, x, x)[4], expected, rtol=1e-12)
        DivergenceCost(scoring="robust_z", min_periods=4, interaction=1e100).sensitivities(-x, x, x)
    # a subnormal IQR: the score itself is not representable -> NaN, no warning
    tiny = np.array([0.0, 0.0, 1e-320, 1e-320, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(expanding_robust_z(tiny, min_periods=4)[4])


def test_functional_shortcut_accepts_every_documented_option() -> None:
    dr, ic, ls = inputs(40)
    opts = {
        "weights": (1.0, 0.5, 2.0),
        "intercept": -0.3,
        "interaction": 0.5,
        "scoring": "robust_z",
        "min_periods": 10,
        "link": "identity",
    }
    pd.testing.assert_series_equal(
        divergence_cost(dr, ic, ls, **opts), DivergenceCost(**opts).evaluate(dr, ic, ls)
    )


def nnls_reference(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Independent constrained least squares: intercept free, weights >= 0 (scipy BVLS)."""
    from scipy.optimize import lsq_linear

    a = np.column_stack([np.ones(len(y)), x])
    lower = np.r_[-np.inf, np.zeros(x.shape[1])]
    res = lsq_linear(a, y, bounds=(lower, np.inf), method="bvls", tol=1e-14)
    return np.asarray(res.x)


@pytest.mark.parametrize("seed", range(8))
def test_calibrate_identity_equals_bounded_least_squares(seed: int) -> None:
    # Reference: scipy's bounded-variable least squares on the same scores (an independent
    # route to the non-negative fit); true weights drawn in [-1, 1] so that some subsets are
    # infeasible and the subset search matters.
    rng = np.random.default_rng(seed)
    n = 60
    raw = rng.normal(size=(3, n))
    s = DivergenceCost(min_periods=5).scores(*raw)
    beta = rng.uniform(-1.0, 1.0, 3)
    y = 0.1 + s @ beta + rng.normal(0.0, 0.3, n)
    fit = DivergenceCost.calibrate(
        dict(zip(cost.INPUTS, raw, strict=True)), y, link="identity", min_periods=5
    )
    ok = ~np.isnan(s).any(axis=1)
    ref = nnls_reference(y[ok], s[ok])
    np.testing.assert_allclose([fit.intercept, *fit.weights], ref, atol=1e-9)
    assert fit.link == "identity"
    assert fit.interaction == 0.0
    assert fit.scoring == "percentile"


def test_calibrate_drops_a_mildly_negative_weight() -> None:
    # true weight of s_R is -0.5 (between -1 and 0): the fit must drop delta_r and keep the
    # two others, i.e. equal OLS on (s_C, s_L) alone (independent statsmodels fit)
    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    n = 400
    raw = rng.normal(size=(3, n))
    s = DivergenceCost(min_periods=10).scores(*raw)
    y = 0.1 - 0.5 * s[:, 0] + 0.3 * s[:, 1] + 0.4 * s[:, 2] + rng.normal(0.0, 0.05, n)
    fit = DivergenceCost.calibrate(
        dict(zip(cost.INPUTS, raw, strict=True)), y, link="identity", min_periods=10
    )
    ok = ~np.isnan(y) & ~np.isnan(s).any(axis=1)
    ref = sm.OLS(y[ok], sm.add_constant(s[ok][:, 1:])).fit()
    assert fit.weights[0] == 0.0
    np.testing.assert_allclose(
        [fit.intercept, fit.weights[1], fit.weights[2]], ref.params, rtol=1e-9
    )
    summary = fit.fit_summary or ""
    names = set(re.findall(r"^(\w+)\s+-?\d", summary, flags=re.MULTILINE))
    assert {"const", "i_c", "l_s"} <= names  # the coefficient rows are labelled
    assert "delta_r" not in summary


def test_calibrate_robust_z_scoring() -> None:
    # Reference: OLS (statsmodels) on robust z-scores computed by the plain numpy loop above
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    n = 200
    ls = rng.normal(size=n)
    z = naive_robust_z(ls, 10)
    y = 0.2 + 0.7 * np.nan_to_num(z) + rng.normal(0.0, 0.1, n)
    fit = DivergenceCost.calibrate(
        {"l_s": ls}, y, scoring="robust_z", link="identity", min_periods=10
    )
    ok = ~np.isnan(z)
    ref = sm.OLS(y[ok], sm.add_constant(z[ok])).fit()
    np.testing.assert_allclose([fit.intercept, fit.weights[2]], ref.params, rtol=1e-9)
    assert fit.scoring == "robust_z"


@pytest.mark.parametrize("link", ["identity", "logistic"])
def test_calibrate_hac_uses_hac_lags_default_12(link: str) -> None:
    # Reference: statsmodels' own HAC (Newey-West) fit with maxlags=12 on the same design
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n = 500
    dr = rng.normal(size=n)
    s = DivergenceCost(min_periods=36).scores(dr, None, None)
    eta = 0.3 + 1.2 * s[:, 0]
    if link == "identity":
        y = eta + rng.normal(0.0, 0.2, n)
    else:
        y = np.where(np.isnan(eta), np.nan, (rng.random(n) < 1 / (1 + np.exp(-eta))) * 1.0)
    fit = DivergenceCost.calibrate({"delta_r": dr}, y, link=link, cov_type="HAC")
    assert fit.min_periods == 36  # the documented default
    ok = ~np.isnan(y) & ~np.isnan(s[:, 0])
    exog = sm.add_constant(s[ok, 0])
    model = sm.OLS(y[ok], exog) if link == "identity" else sm.Logit(y[ok], exog)
    kw = {"disp": 0} if link == "logistic" else {}
    ref = model.fit(cov_type="HAC", cov_kwds={"maxlags": 12}, **kw)
    np.testing.assert_allclose(np.asarray(fit.fit_result.bse), ref.bse, rtol=1e-6)
    np.testing.assert_allclose([fit.intercept, fit.weights[0]], ref.params, rtol=1e-6)


def test_calibrate_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(2)
    dr = rng.normal(size=300)
    y = (rng.random(300) < 0.4).astype(float)
    DivergenceCost.calibrate({"delta_r": dr}, y, min_periods=12, hac_lags=0, cov_type="HAC")
    assert capsys.readouterr().out == ""


@pytest.mark.filterwarnings("ignore:omni_normtest is not valid")  # statsmodels' summary, n=3
def test_calibrate_needs_regressors_plus_two_rows() -> None:
    # one regressor + intercept: 3 usable rows fit (OLS by hand), 2 do not
    y = np.array([np.nan, 1.0, 3.0, 2.0])
    x = np.array([3.0, 0.0, 2.0, 1.0])  # percentile scores 1, 0, 1/3, 0 at t = 0..3
    fit = DivergenceCost.calibrate({"i_c": x}, y, link="identity", min_periods=1)
    # OLS through (0, 1), (1/3, 3), (0, 2): slope = cov / var = (1/3) / (6/81) = 4.5
    xs, ys = np.array([0.0, 1.0 / 3.0, 0.0]), np.array([1.0, 3.0, 2.0])
    slope = ((xs - xs.mean()) * (ys - ys.mean())).sum() / ((xs - xs.mean()) ** 2).sum()
    assert slope == pytest.approx(4.5, rel=1e-12)
    assert fit.weights[1] == pytest.approx(slope, rel=1e-9)
    with pytest.raises(
        InputError, match=r"^only 2 rows have a target and every score; need at least 3\b"
    ):
        DivergenceCost.calibrate({"i_c": x}, y[[0, 0, 2, 3]], link="identity", min_periods=1)


@pytest.mark.parametrize("link", ["logistic", "identity"])
def test_calibrate_refuses_a_constant_score(link: str) -> None:
    # l_s is constant, so every expanding percentile score is 1 (all values <= the last):
    # its column duplicates the intercept. Before: NumPy's LinAlgError (logistic) or a fit
    # with a leaked SingularMatrixWarning and an arbitrary split (identity).
    rng = np.random.default_rng(5)
    x = pd.DataFrame({"delta_r": rng.normal(size=120), "l_s": np.full(120, 2.0)})
    y = (rng.random(120) < 0.4).astype(float)
    with pytest.raises(
        InputError,
        match=r"^the score of 'l_s' is constant \(1\) on the 85 usable rows, so its weight "
        r"cannot be told apart from the intercept; leave 'l_s' out of components$",
    ):
        DivergenceCost.calibrate(x, y, link=link)  # type: ignore[arg-type]


@pytest.mark.parametrize("link", ["logistic", "identity"])
def test_calibrate_refuses_collinear_scores(link: str) -> None:
    # exp is increasing, so exp(z) has the same expanding percentile scores as z: the two
    # score columns are identical and the design has rank 2 of 3
    rng = np.random.default_rng(6)
    z = rng.normal(size=120)
    x = pd.DataFrame({"i_c": z, "l_s": np.exp(z)})
    y = (rng.random(120) < 0.4).astype(float)
    with pytest.raises(
        InputError,
        match=r"^the scores \['i_c', 'l_s'\] are collinear on the 85 usable rows \(one is the "
        r"intercept plus a multiple of the others, e\.g\. the same input given twice\), so "
        r"their weights are not identified; leave one out of components$",
    ):
        DivergenceCost.calibrate(x, y, link=link)  # type: ignore[arg-type]


def test_calibrate_refuses_an_interaction_that_is_always_zero() -> None:
    # one input: no pair, so the interaction term is 0 on every row
    rng = np.random.default_rng(7)
    y = (rng.random(120) < 0.4).astype(float)
    with pytest.raises(
        InputError,
        match=r"^the score of 'interaction' is constant \(0\) on the 85 usable rows, .*"
        r"; use interaction=False$",
    ):
        DivergenceCost.calibrate({"delta_r": rng.normal(size=120)}, y, interaction=True)


def test_calibrate_accepts_nearly_collinear_scores() -> None:
    # identified, if barely: the second score differs from the first on one usable row only
    rng = np.random.default_rng(8)
    z = rng.normal(size=120)
    w = z.copy()
    w[-1] = z.min() - 1.0  # the last value of w is its smallest, so its last score differs
    s = DivergenceCost(weights=(0.0, 1.0, 1.0)).scores(None, z, w)[:, 1:]
    ok = ~np.isnan(s).any(axis=1)
    assert (s[ok, 0] != s[ok, 1]).sum() == 1
    y = 0.2 + 0.5 * s[:, 0] + rng.normal(0.0, 0.3, 120)
    fit = DivergenceCost.calibrate({"i_c": z, "l_s": w}, y, link="identity")
    ref = nnls_reference(y[ok], s[ok])  # scipy's bounded least squares, as above
    np.testing.assert_allclose([fit.intercept, *fit.weights[1:]], ref, atol=1e-7)


MESSAGES = [
    (lambda: DivergenceCost(weights=(1.0, 1.0)), TypeError, r"\(w_R, w_C, w_L\)$"),
    (lambda: DivergenceCost(intercept=np.nan), InputError, r"^intercept must be a finite"),
    (lambda: DivergenceCost(interaction=-0.1), InputError, r"^interaction must be >= 0"),
    (lambda: DivergenceCost(scoring="z"), InputError, r"^scoring must be one of"),  # type: ignore[arg-type]
    (lambda: DivergenceCost(link="probit"), InputError, r"^link must be one of"),  # type: ignore[arg-type]
    (lambda: DivergenceCost(min_periods=0), InputError, r"^min_periods must be >= 1"),
    (
        lambda: DivergenceCost(scoring="robust_z", min_periods=1),
        InputError,
        r"^min_periods must be >= 2",
    ),
    (
        lambda: DivergenceCost(min_periods=2).evaluate(X, None, X),
        InputError,
        r"^i_c is None but its weight is 1\.0; pass the input or set its weight to 0$",
    ),
    (
        lambda: DivergenceCost(weights=(0, 0, 0)).evaluate(None, None, None),
        InputError,
        r"^at least one of delta_r, i_c, l_s must be given$",
    ),
    (
        lambda: DivergenceCost(weights=(1, 0, 0), min_periods=2).evaluate(
            np.ones((20, 2)), None, None
        ),
        InputError,
        r"^delta_r must be 1-D",
    ),
    (
        lambda: DivergenceCost(min_periods=2).evaluate(X, Y, [np.inf] * 20),
        InputError,
        r"^l_s ",
    ),
    (
        lambda: DivergenceCost(min_periods=21).evaluate(X, Y, X),
        InputError,
        r"^min_periods=21 is longer than the data \(20",
    ),
    (
        lambda: DivergenceCost(scoring="robust_z", min_periods=20).evaluate(X, Y, X),
        InputError,
        r"^min_periods=20 earlier observations need at least 21 rows; got 20$",
    ),
    (
        lambda: DivergenceCost(scoring="robust_z", min_periods=25).evaluate(X, Y, X),
        InputError,
        r"^min_periods=25 earlier observations need at least 26 rows; got 20$",
    ),
    (
        lambda: expanding_percentile(X, min_periods=21),
        InputError,
        r"^min_periods=21 is longer",
    ),
    (
        lambda: expanding_robust_z(X, min_periods=20),
        InputError,
        r"^min_periods=20 earlier observations need at least 21 rows; got 20$",
    ),
    (lambda: expanding_robust_z(X, min_periods=1), InputError, r"^min_periods must be >= 2"),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, scoring="z"),  # type: ignore[arg-type]
        InputError,
        r"^scoring must be one of",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, link="x"),  # type: ignore[arg-type]
        InputError,
        r"^link must be one of",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, interaction=1),  # type: ignore[arg-type]
        TypeError,
        r"^interaction must be",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, cov_type="x"),  # type: ignore[arg-type]
        InputError,
        r"^cov_type must be one of",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, hac_lags=-1),
        InputError,
        r"^hac_lags must be >= 0",
    ),
    (
        lambda: DivergenceCost.calibrate([X], Y),  # type: ignore[arg-type]
        TypeError,
        r"^components must be a DataFrame or a mapping",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, Y, min_periods=2),
        InputError,
        r"^target must be 0/1 under the logistic link; 19 value\(s\) are not$",
    ),
    (
        lambda: DivergenceCost.calibrate({"delta_r": X}, np.ones(20), min_periods=2),
        InputError,
        r"^target is constant on the usable rows; nothing to fit$",
    ),
]


@pytest.mark.parametrize(("call", "exc", "pattern"), MESSAGES)
def test_error_messages(call: object, exc: type[Exception], pattern: str) -> None:
    # SPEC section 3: the message names the argument and what is wrong
    with pytest.raises(exc, match=pattern):
        call()  # type: ignore[operator]
