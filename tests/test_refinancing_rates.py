"""Rate paths: exact transitions checked against closed-form moments and bond prices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.refinancing import (
    cir_bond_price,
    cir_paths,
    policy_path,
    vasicek_bond_price,
    vasicek_paths,
)


def _within(sample_stat: float, expected: float, se: float, k: float = 4.5) -> None:
    assert abs(sample_stat - expected) <= k * se, (sample_stat, expected, se)


# ---------------------------------------------------------------- policy_path
def test_policy_path_cumulates_changes() -> None:
    # r_t = r0 + cumulative sum of changes, worked by hand
    np.testing.assert_allclose(policy_path(0.01, [0.04, 0.0, -0.01]), [0.05, 0.05, 0.04])


def test_policy_path_keeps_pandas_and_does_not_mutate() -> None:
    s = pd.Series([0.0, 0.01, 0.0], index=pd.date_range("2022-01-31", periods=3, freq="ME"))
    before = s.copy()
    out = policy_path(0.0, s)
    assert isinstance(out, pd.Series)
    assert out.index.equals(s.index)
    pd.testing.assert_series_equal(s, before)
    two = policy_path(0.02, np.zeros((3, 4)))
    assert two.shape == (3, 4)
    np.testing.assert_array_equal(two, 0.02)


# ---------------------------------------------------------------- Vasicek
@pytest.mark.parametrize("months", [2, 13, 61])
def test_vasicek_conditional_mean_and_variance(months: int) -> None:
    # closed form: E = r0 e^{-k t} + theta (1 - e^{-k t}); Var = s^2 (1 - e^{-2 k t}) / (2k)
    r0, k, th, s, n = 0.01, 0.8, 0.04, 0.02, 40_000
    paths = vasicek_paths(r0, k, th, s, months=months, n_paths=n, seed=11)
    t = (months - 1) / 12.0
    mean = r0 * np.exp(-k * t) + th * (1 - np.exp(-k * t))
    var = s * s * (1 - np.exp(-2 * k * t)) / (2 * k)
    x = paths[:, -1]
    _within(x.mean(), mean, np.sqrt(var / n))
    # SE of the sample variance of a normal: var * sqrt(2 / (n - 1))
    _within(x.var(ddof=1), var, var * np.sqrt(2.0 / (n - 1)))


def test_vasicek_zero_volatility_is_the_deterministic_ode() -> None:
    # sigma = 0: r_t = theta + (r0 - theta) e^{-k t} exactly (closed form)
    p = vasicek_paths(0.05, 0.3, 0.02, 0.0, months=25, n_paths=1, seed=0)[0]
    t = np.arange(25) / 12.0
    np.testing.assert_allclose(p, 0.02 + 0.03 * np.exp(-0.3 * t), rtol=1e-12)


def test_vasicek_kappa_zero_is_a_random_walk() -> None:
    # kappa -> 0 limit: variance sigma^2 t
    p = vasicek_paths(0.02, 0.0, 0.05, 0.01, months=13, n_paths=40_000, seed=3)
    _within(p[:, -1].var(ddof=1), 0.01**2 * 1.0, 1e-4 * np.sqrt(2 / 40_000))


def test_vasicek_bond_price_by_monte_carlo() -> None:
    # P(0,T) = E[exp(-int_0^T r dt)] against the closed form (Vasicek 1977); weekly grid,
    # trapezoid rule (bias O(dt^2), far below the Monte Carlo error)
    r0, k, th, s, years, n = 0.03, 0.5, 0.05, 0.015, 3, 20_000
    steps = 52 * years
    p = vasicek_paths(r0, k, th, s, months=steps + 1, n_paths=n, seed=5, dt=1 / 52)
    integral = (p[:, :-1] + p[:, 1:]).sum(axis=1) * (1 / 52) / 2
    disc = np.exp(-integral)
    _within(disc.mean(), vasicek_bond_price(r0, k, th, s, years), disc.std() / np.sqrt(n))


# ---------------------------------------------------------------- CIR
def _cir_moments(r0: float, a: float, b: float, s: float, t: float) -> tuple[float, float]:
    # FinancePy meanr / variancer (closed forms)
    e = np.exp(-a * t)
    mean = r0 * e + b * (1 - e)
    var = r0 * s * s * (e - e * e) / a + b * s * s * (1 - e) ** 2 / (2 * a)
    return mean, var


@pytest.mark.parametrize(
    ("a", "b", "s"),
    [
        (0.5, 0.04, 0.1),  # Feller holds: 2ab = 0.04 >= s^2 = 0.01
        (0.1, 0.10, 0.5),  # Feller violated: 2ab = 0.02 < s^2 = 0.25 (FinanceModels.jl #277)
    ],
)
def test_cir_conditional_moments(a: float, b: float, s: float) -> None:
    r0, n = 0.03, 60_000
    paths = cir_paths(r0, a, b, s, months=25, n_paths=n, seed=7)
    assert (paths >= 0).all()
    mean, var = _cir_moments(r0, a, b, s, 2.0)
    x = paths[:, -1]
    _within(x.mean(), mean, np.sqrt(var / n))
    # variance SE from the sample fourth moment (CIR marginals are skewed)
    m4 = ((x - x.mean()) ** 4).mean()
    _within(x.var(ddof=1), var, np.sqrt((m4 - var * var) / n))


@pytest.mark.parametrize(("a", "b", "s"), [(0.5, 0.04, 0.1), (0.1, 0.10, 0.5)])
def test_cir_bond_price_by_monte_carlo(a: float, b: float, s: float) -> None:
    # closed form CIR (1985) zero-coupon price vs E[exp(-int r)], including Feller violated,
    # where absorbing Euler schemes are off by hundreds of bp at 5 years (FinanceModels.jl #277)
    r0, years, n = 0.03, 5, 20_000
    steps = 52 * years
    p = cir_paths(r0, a, b, s, months=steps + 1, n_paths=n, seed=9, dt=1 / 52)
    integral = (p[:, :-1] + p[:, 1:]).sum(axis=1) * (1 / 52) / 2
    disc = np.exp(-integral)
    _within(disc.mean(), cir_bond_price(r0, a, b, s, years), disc.std() / np.sqrt(n))


def test_cir_zero_long_run_mean() -> None:
    # b = 0: d = 0, the Poisson-mixture branch; mean r0 e^{-a t} (closed form)
    p = cir_paths(0.05, 0.5, 0.0, 0.1, months=13, n_paths=40_000, seed=2)
    mean, var = _cir_moments(0.05, 0.5, 0.0, 0.1, 1.0)
    _within(p[:, -1].mean(), mean, np.sqrt(var / 40_000))


def test_same_seed_same_paths() -> None:
    a = cir_paths(0.02, 0.3, 0.03, 0.05, months=10, n_paths=5, seed=1)
    b = cir_paths(0.02, 0.3, 0.03, 0.05, months=10, n_paths=5, seed=1)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: vasicek_paths(0.01, -1.0, 0.02, 0.01, months=5, n_paths=2), "kappa"),
        (lambda: vasicek_paths(0.01, 1.0, 0.02, -0.01, months=5, n_paths=2), "sigma"),
        (lambda: vasicek_paths(0.01, 1.0, 0.02, 0.01, months=0, n_paths=2), "months"),
        (lambda: vasicek_paths(0.01, 1.0, 0.02, 0.01, months=5, n_paths=0), "n_paths"),
        (lambda: vasicek_paths(0.01, 1.0, 0.02, 0.01, months=5, n_paths=2, dt=0.0), "dt"),
        (lambda: cir_paths(-0.01, 1.0, 0.02, 0.01, months=5, n_paths=2), "r0"),
        (lambda: cir_paths(0.01, 0.0, 0.02, 0.01, months=5, n_paths=2), "a"),
        (lambda: cir_paths(0.01, 1.0, 0.02, 0.0, months=5, n_paths=2), "sigma"),
        (lambda: policy_path(float("nan"), [0.0]), "r0"),
        (lambda: policy_path(0.01, [0.0, np.nan]), "shocks"),
        (lambda: policy_path(0.01, np.zeros((2, 2, 2))), "shocks"),
        (lambda: vasicek_bond_price(0.01, 0.0, 0.02, 0.01, 1.0), "kappa"),
        (lambda: cir_bond_price(0.01, 1.0, 0.02, 0.01, -1.0), "tau"),
    ],
)
def test_bad_rate_inputs(call: object, name: str) -> None:
    with pytest.raises(InputError, match=name):
        call()  # type: ignore[operator]


def test_rate_type_errors() -> None:
    with pytest.raises(TypeError, match="months"):
        vasicek_paths(0.01, 1.0, 0.02, 0.01, months=5.0, n_paths=2)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="shocks"):
        policy_path(0.01, ["a", "b"])


# ------------------------------------------------------------- gaps found by mutation testing
def _affine_price(
    r: float, kappa: float, theta: float, sigma: float, tau: float, cir: bool
) -> float:
    """Independent route: integrate the Riccati ODEs of the affine bond price numerically.

    P = exp(A(tau) - B(tau) r) with B' = 1 - kappa B - c B^2 / 2 and
    A' = -kappa theta B + v B^2 / 2, A(0) = B(0) = 0, where the squared diffusion is
    sigma^2 (Vasicek: v = sigma^2, c = 0) or sigma^2 r (CIR: v = 0, c = sigma^2).
    """
    from scipy.integrate import solve_ivp

    c, v = (sigma**2, 0.0) if cir else (0.0, sigma**2)

    def rhs(_: float, y: np.ndarray) -> list[float]:
        b_ = y[1]
        return [-kappa * theta * b_ + 0.5 * v * b_**2, 1.0 - kappa * b_ - 0.5 * c * b_**2]

    sol = solve_ivp(rhs, (0.0, tau), [0.0, 0.0], rtol=1e-12, atol=1e-14, method="DOP853")
    a_end, b_end = sol.y[:, -1]
    return float(np.exp(a_end - b_end * r))


@pytest.mark.parametrize(
    ("r", "kappa", "theta", "sigma", "tau"),
    [
        (0.05, 0.3, 0.04, 0.02, 5.0),
        (0.01, 1.5, 0.06, 0.10, 10.0),
        (0.08, 0.1, 0.02, 0.05, 30.0),
        (0.03, 2.0, 0.03, 0.20, 0.25),
    ],
)
def test_bond_prices_equal_the_riccati_solution(
    r: float, kappa: float, theta: float, sigma: float, tau: float
) -> None:
    assert vasicek_bond_price(r, kappa, theta, sigma, tau) == pytest.approx(
        _affine_price(r, kappa, theta, sigma, tau, cir=False), rel=1e-9
    )
    assert cir_bond_price(r, kappa, theta, sigma, tau) == pytest.approx(
        _affine_price(r, kappa, theta, sigma, tau, cir=True), rel=1e-9
    )
    # at maturity a zero-coupon bond is worth 1
    assert vasicek_bond_price(r, kappa, theta, sigma, 0.0) == 1.0
    assert cir_bond_price(r, kappa, theta, sigma, 0.0) == 1.0


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: vasicek_bond_price(0.01, 0.0, 0.02, 0.01, 1.0), r"^kappa must be > 0"),
        (lambda: vasicek_bond_price(0.01, 1.0, 0.02, -0.01, 1.0), r"^sigma must be >= 0"),
        (lambda: vasicek_bond_price(0.01, 1.0, 0.02, 0.01, -1.0), r"^tau must be >= 0"),
        (lambda: vasicek_bond_price(0.01, 1.0, np.nan, 0.01, 1.0), r"^theta must be a finite"),
        (lambda: vasicek_bond_price(np.inf, 1.0, 0.02, 0.01, 1.0), r"^r must be a finite"),
        (lambda: cir_bond_price(-0.01, 1.0, 0.02, 0.01, 1.0), r"^r must be >= 0"),
        (lambda: cir_bond_price(0.01, 0.0, 0.02, 0.01, 1.0), r"^a must be > 0"),
        (lambda: cir_bond_price(0.01, 1.0, -0.02, 0.01, 1.0), r"^b must be >= 0"),
        (lambda: cir_bond_price(0.01, 1.0, 0.02, 0.0, 1.0), r"^sigma must be > 0"),
        (lambda: cir_bond_price(0.01, 1.0, 0.02, 0.01, -1.0), r"^tau must be >= 0"),
    ],
)
def test_bond_price_messages(call: object, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        call()  # type: ignore[operator]


def test_paths_are_reproducible_and_start_at_r0() -> None:
    for fn, args in (
        (vasicek_paths, (0.02, 0.5, 0.03, 0.01)),
        (cir_paths, (0.02, 0.5, 0.03, 0.05)),
    ):
        a = fn(*args, months=6, n_paths=3, seed=11)  # type: ignore[operator]
        b = fn(*args, months=6, n_paths=3, seed=11)  # type: ignore[operator]
        np.testing.assert_array_equal(a, b)
        assert a.shape == (3, 6)
        assert not np.array_equal(a, fn(*args, months=6, n_paths=3, seed=12))  # type: ignore[operator]
    # one month is a valid horizon
    assert vasicek_paths(0.02, 0.5, 0.03, 0.01, months=1, n_paths=2, seed=0).shape == (2, 1)


def test_negative_rates_allowed_for_vasicek_not_cir() -> None:
    # Vasicek is Gaussian (negative rates possible); CIR rates are non-negative
    out = vasicek_paths(-0.005, 0.5, -0.01, 0.0, months=3, n_paths=1, seed=0)
    assert (out < 0).all()
    for kwargs, pattern in (
        ({"r0": -0.01}, r"^r0 must be >= 0"),
        ({"b": -0.01}, r"^b must be >= 0"),
        ({"a": 0.0}, r"^a must be > 0"),
        ({"sigma": 0.0}, r"^sigma must be > 0"),
    ):
        args = {"r0": 0.02, "a": 0.5, "b": 0.03, "sigma": 0.05, **kwargs}
        with pytest.raises(InputError, match=pattern):
            cir_paths(**args, months=3, n_paths=1, seed=0)  # type: ignore[arg-type]
    for kwargs, pattern in (
        ({"kappa": -0.1}, r"^kappa must be >= 0"),
        ({"theta": np.nan}, r"^theta must be a finite"),
        ({"sigma": -0.1}, r"^sigma must be >= 0"),
        ({"months": 0}, r"^months must be >= 1"),
        ({"n_paths": 0}, r"^n_paths must be >= 1"),
        ({"dt": 0.0}, r"^dt must be > 0"),
    ):
        args = {"r0": 0.02, "kappa": 0.5, "theta": 0.03, "sigma": 0.01, "months": 3, "n_paths": 1}
        with pytest.raises(InputError, match=pattern):
            vasicek_paths(**{**args, **kwargs}, seed=0)  # type: ignore[arg-type]


def test_cir_negative_zero_start_is_zero() -> None:
    """r0 = -0.0 is the valid rate 0 (numpy's noncentral chi-square refuses a negative zero)."""
    zero = cir_paths(0.0, 0.5, 0.03, 0.05, months=4, n_paths=3, seed=5)
    np.testing.assert_array_equal(
        cir_paths(-0.0, 0.5, 0.03, 0.05, months=4, n_paths=3, seed=5), zero
    )
    assert not np.signbit(zero[:, 0]).any()
