"""Gaps in the engine, compiled-loop and rate-path tests found by mutation testing (mutmut 3.8.1).

Each test pins a behaviour that a surviving mutant of ``refinancing/_simulate.py``,
``refinancing/_kernels.py`` or ``refinancing/_rates.py`` changed without any test noticing: a
message and the parameters it names, a boundary, a draw order, a value. Expected values come
from closed forms and hand computations written out next to them, or from small independent
NumPy / pure-Python loops written in the test, never from the code under test.
"""

from __future__ import annotations

import functools
import math
import os
import re
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import DivergenceWarning, InputError, UnitWarning
from divergence.refinancing import (
    Distress,
    SpreadTable,
    _kernels,
    cir_bond_price,
    cir_paths,
    example_book,
    policy_path,
    simulate,
    vasicek_bond_price,
    vasicek_paths,
)
from divergence.refinancing import _simulate as engine


# ------------------------------------------------------------------ rates: policy path
def test_policy_path_refuses_shocks_whose_dates_are_not_in_order() -> None:
    # changes dated March, January, February: cumulating them in row order would be wrong
    shocks = pd.Series(
        [0.0, 0.01, 0.0], index=pd.to_datetime(["2022-03-31", "2022-01-31", "2022-02-28"])
    )
    with pytest.raises(InputError, match=r"^shocks dates are not in increasing order"):
        policy_path(0.0, shocks)


# ------------------------------------------------------------------ rates: bond prices
VASICEK_NAMES = "r, kappa, theta, sigma and tau"
CIR_NAMES = "r, a, b, sigma and tau"


def _range_message(log_p: str, names: str) -> str:
    return (
        rf"^the bond price exp\({log_p}\) is outside float range for these {names}; "
        r"rates are annual decimals and tau is in years$"
    )


def test_vasicek_price_at_the_largest_log_price_and_just_beyond() -> None:
    # sigma = theta = 0: ln A = 0, and with kappa = 1, tau = 1000, B = (1 - e^-1000) / 1 = 1.0
    # exactly in float64 (e^-1000 underflows to 0), so ln P = -B r = -r. ln P = 709 is the
    # largest log price the function keeps: P = e^709 = 8.218407461554972e307.
    assert vasicek_bond_price(-709.0, 1.0, 0.0, 0.0, 1000.0) == math.exp(709.0)
    # ln P = 710 is finite but beyond 709: the price is refused, the message gives exp(710)
    with pytest.raises(InputError, match=_range_message("710", VASICEK_NAMES)):
        vasicek_bond_price(-710.0, 1.0, 0.0, 0.0, 1000.0)


def test_bond_prices_of_extreme_parameters_raise_without_a_numpy_warning() -> None:
    # Vasicek, kappa = 1e-100, sigma = 1e100, tau = 1: sigma^2 / (2 kappa^2) overflows to inf
    # and B - tau = 1 - 1 = 0, so ln A = (-inf) x 0 = NaN: a NaN price, refused as such, and
    # the NumPy "invalid value" on the way stays silent even where NumPy warns by default.
    with (
        np.errstate(all="warn"),
        pytest.raises(InputError, match=_range_message("nan", VASICEK_NAMES)),
    ):
        vasicek_bond_price(0.05, 1e-100, 0.05, 1e100, 1.0)
    # CIR, a = b = 1e100, sigma = 1e-100: 2ab / sigma^2 overflows to inf while the bracket
    # ln(2h) + (a - h) tau / 2 - ln(den) is 0 (h = a, den = 2h): ln A = inf x 0 = NaN
    with np.errstate(all="warn"), pytest.raises(InputError, match=_range_message("nan", CIR_NAMES)):
        cir_bond_price(0.05, 1e100, 1e100, 1e-100, 1.0)


# ------------------------------------------------------------------ rates: Vasicek paths
def test_vasicek_paths_follow_the_draws_of_the_seed_in_order() -> None:
    # path i, step t uses the normal z[i, t - 1] of default_rng(seed).standard_normal((paths,
    # months - 1)), added (+ sigma_dt z): an independent loop of the exact transition
    r0, kappa, theta, sigma, dt = 0.02, 0.5, 0.03, 0.01, 1.0 / 12.0
    z = np.random.default_rng(4).standard_normal((3, 4))
    decay = math.exp(-kappa * dt)
    sd = sigma * math.sqrt((1.0 - math.exp(-2.0 * kappa * dt)) / (2.0 * kappa))
    expected = np.empty((3, 5))
    for i in range(3):
        r = r0
        expected[i, 0] = r
        for t in range(1, 5):
            r = r * decay + theta * (1.0 - decay) + sd * float(z[i, t - 1])
            expected[i, t] = r
    got = vasicek_paths(r0, kappa, theta, sigma, months=5, n_paths=3, seed=4)
    np.testing.assert_allclose(got, expected, rtol=1e-13, atol=1e-15)


def test_vasicek_kappa_at_the_switch_uses_the_exact_variance() -> None:
    # the random-walk limit sigma sqrt(dt) is used only for kappa < sqrt(eps); at kappa =
    # sqrt(eps) exactly the exact step sd = sigma sqrt((1 - e^{-2 kappa dt}) / (2 kappa)),
    # which differs from sigma sqrt(dt) by a relative kappa dt / 2 = 6.2e-10
    kappa = math.sqrt(np.finfo(np.float64).eps)
    dt = 1.0 / 12.0
    z = float(np.random.default_rng(0).standard_normal((1, 1))[0, 0])
    sd = math.sqrt(-math.expm1(-2.0 * kappa * dt) / (2.0 * kappa))
    got = vasicek_paths(0.0, kappa, 0.0, 1.0, months=2, n_paths=1, seed=0)
    # r_1 = 0 x decay + 0 + sd z
    assert got[0, 1] == pytest.approx(sd * z, rel=1e-12)
    assert abs(got[0, 1] - math.sqrt(dt) * z) > 1e-10 * abs(z)


# ------------------------------------------------------------------ rates: CIR with b = 0
def test_cir_without_long_run_mean_keeps_zero_absorbing() -> None:
    # b = 0: d = 0 degrees of freedom, the transition is c chi2(2N) with N ~ Poisson(lambda/2)
    # and lambda = r e^{-a dt} / c; from r = 0, lambda = 0, N = 0 and the rate stays exactly 0
    out = cir_paths(0.0, 0.5, 0.0, 0.1, months=6, n_paths=50, seed=2)
    np.testing.assert_array_equal(out, 0.0)


def test_cir_without_long_run_mean_one_step_law() -> None:
    # one step from r0 with b = 0 (the Poisson mixture of chi-square(2N), 2N degrees of
    # freedom): P(r1 = 0) = P(N = 0) = e^{-lambda/2}, E[r1] = c E[2N] = c lambda = r0 e^{-a dt},
    # Var[r1] = c^2 (E[4N] + Var[2N]) = 4 c^2 lambda
    r0, a, sigma, dt, n = 0.0005, 0.5, 0.1, 1.0 / 12.0, 40_000
    c = sigma * sigma * (1.0 - math.exp(-a * dt)) / (4.0 * a)
    lam = r0 * math.exp(-a * dt) / c  # about 2.4: N = 1 is the likeliest count
    r1 = cir_paths(r0, a, 0.0, sigma, months=2, n_paths=n, seed=9)[:, 1]
    p0 = math.exp(-lam / 2.0)
    assert abs(float(np.mean(r1 == 0.0)) - p0) <= 4.5 * math.sqrt(p0 * (1.0 - p0) / n)
    se = math.sqrt(4.0 * c * c * lam / n)
    assert abs(float(r1.mean()) - r0 * math.exp(-a * dt)) <= 4.5 * se


# ------------------------------------------------------------------ kernels: spread fixed point
def _band(x: float, edges: list[float]) -> int:
    """Number of edges <= x; NaN is above every edge."""
    return len(edges) if x != x else sum(1 for edge in edges if edge <= x)


def _cov(e: float, interest: float) -> float:
    return e / interest if interest > 0.0 else math.inf


def _fixed_point_loop(
    e: float, other: float, p: float, r: float, total: float, edges: list[float],
    spreads: list[float], n_iter: int,
) -> tuple[float, bool]:  # fmt: skip
    """Scalar coverage -> spread iteration, written for these tests: (spread, converged)."""
    b = _band(_cov(e, total), edges)
    for _ in range(n_iter):
        nb = _band(_cov(e, (p * r + other) + p * spreads[b]), edges)
        if nb == b:
            return spreads[b], True
        b = nb
    return spreads[b], False


# (e, other, p, r, total, edges, spreads): one refinancing firm on one path
SPREAD_CASES = {
    # no interest before refinancing (total 0) and negative EBIT: the start is the top band
    # (+inf coverage), not the bottom one (-inf)
    "zero-total-negative-ebit": (-1.0, 0.5, 1.0, 0.05, 0.0, [1.0], [0.10, 0.01]),
    # first step with interest exactly 0 (-0.10 + 0.10) and negative EBIT: +inf coverage, so
    # the top band; then -0.10 + 0.01 < 0 keeps it there
    "first-step-zero-interest": (-1.0, 0.0, 1.0, -0.10, 1.0, [1.0], [0.10, 0.01]),
    # start 0.1 (band 0), first step 0.1 / 0.05 = 2 (band 1), then interest -0.05 + 0.01 < 0:
    # +inf coverage stays in band 1 (a ratio of a negative interest would fall back to band 0)
    "negative-interest-in-the-loop": (0.1, 0.0, 1.0, -0.05, 1.0, [1.0], [0.10, 0.01]),
    # start -1 (band 0), first step interest -0.02 (band 1), then interest exactly 0
    # (-0.05 + 0.05) with negative EBIT: +inf coverage, band 1 is the fixed point
    "zero-interest-in-the-loop": (-1.0, 0.0, 1.0, -0.05, 1.0, [1.0], [0.03, 0.05]),
    # -inf EBIT: start band 0, first step band 1 (interest -0.05), then an infinite interest
    # gives -inf / inf = NaN coverage, which is above every edge: band 1 again
    "nan-coverage-in-the-loop": (-math.inf, 0.0, 1.0, -0.05, 1.0, [1.0], [0.0, math.inf]),
}


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("n_iter", [1, 2, 20])
@pytest.mark.parametrize("case", list(SPREAD_CASES), ids=list(SPREAD_CASES))
def test_refinancing_spread_kernel_at_zero_and_negative_interest(
    case: str, n_iter: int, compiled: bool
) -> None:
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    fn = _kernels.compiled().refinancing_spreads if compiled else _kernels._refinancing_spreads
    e, other, p, r, total, edges, spreads = SPREAD_CASES[case]
    out = np.full((1, 1), np.nan)
    ok = np.zeros((1, 1), dtype=bool)
    with np.errstate(all="ignore"):  # the Python source divides by zero and inf by inf too
        fn(
            np.array([[e]]),
            np.array([[other]]),
            np.array([p]),
            np.array([r]),
            np.array([[total]]),
            np.array(edges),
            np.array(spreads),
            n_iter,
            out,
            ok,
        )
    want, want_ok = _fixed_point_loop(e, other, p, r, total, edges, spreads, n_iter)
    assert (float(out[0, 0]), bool(ok[0, 0])) == (want, want_ok)


# ------------------------------------------------------------------ kernels: coverage bands
BAND_THRESHOLDS = [1.0, 2.0]
BAND_COHORT = [0, 0, 1]  # firm -> cohort (2 cohorts)
BAND_DEBT = [3.0, 5.0, 7.0]
# firm 0: no interest on paths 0 and 1 (coverage +inf, also with EBIT -1), 3 / 2 = 1.5 on
# path 2 (exactly the weak threshold used below); firm 1: healthy (coverage 5, 6, 7);
# firm 2: coverage 0.5, -2 and 1 / 0.5 = 2.0 (on a threshold: not below it)
BAND_EBIT = [[-1.0, 2.0, 3.0], [5.0, 6.0, 7.0], [0.5, -2.0, 1.0]]
BAND_INTEREST = [[0.0, 0.0, 2.0], [1.0, 1.0, 1.0], [1.0, 1.0, 0.5]]
BAND_COUNTER = [[0, 1, 2], [2, 0, 1], [1, 1, 0]]


def _bands_loop(weak_band: int, weak_threshold: float, flag_months: int) -> Any:
    """Counter, bin counts and bin debt of the kernel's contract, scalar loops."""
    n_f, n_p, n_c, k1 = 3, 3, 2, len(BAND_THRESHOLDS) + 1
    counter = [row[:] for row in BAND_COUNTER]
    counts = [0] * (n_p * n_c * 2 * k1)
    debt = [0.0] * len(counts)
    for i in range(n_f):
        keys = []
        for j in range(n_p):
            it = BAND_INTEREST[i][j]
            cov = BAND_EBIT[i][j] / it if it > 0.0 else math.inf
            band = sum(1 for t in BAND_THRESHOLDS if cov < t)
            weak = band >= weak_band if weak_band >= 0 else cov < weak_threshold
            counter[i][j] = counter[i][j] + 1 if weak else 0
            keys.append(2 * band + (1 if counter[i][j] >= flag_months else 0))
        if not any(keys):  # key 0 everywhere (healthy on every path): nothing is added
            continue
        for j in range(n_p):
            b = (j * n_c + BAND_COHORT[i]) * 2 * k1 + keys[j]
            counts[b] += 1
            debt[b] += BAND_DEBT[i]
    return np.array(counter), np.array(counts), np.array(debt)


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("weak_band", [-1, 0, 1, 2])
def test_coverage_bands_kernel_at_zero_interest_and_on_the_weak_threshold(
    weak_band: int, compiled: bool
) -> None:
    # weak_band -1: weak is coverage < 1.5 (strict: firm 0's 1.5 is not weak); 0: every
    # firm-month is weak (band >= 0); 1, 2: below 2.0, below 1.0
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    fn = _kernels.compiled().coverage_bands if compiled else _kernels._coverage_bands
    n_c, k1 = 2, len(BAND_THRESHOLDS) + 1
    cohort = np.array(BAND_COHORT)
    key0 = ((np.arange(3)[None, :] * n_c + cohort[:, None]) * (2 * k1)).reshape(-1)
    counter = np.array(BAND_COUNTER, dtype=np.int8)
    counts = np.full(3 * n_c * 2 * k1, -5, dtype=np.int64)  # garbage: the kernel zeroes it
    debt = np.full(counts.shape, np.nan)
    with np.errstate(all="ignore"):  # the Python source divides by zero interest too
        fn(
            np.array(BAND_EBIT),
            np.array(BAND_INTEREST),
            np.array(BAND_THRESHOLDS),
            1.5,
            weak_band,
            counter,
            2,
            key0,
            np.array(BAND_DEBT),
            counts,
            debt,
        )
    want_counter, want_counts, want_debt = _bands_loop(weak_band, 1.5, 2)
    np.testing.assert_array_equal(counter, want_counter)
    np.testing.assert_array_equal(counts, want_counts)
    np.testing.assert_array_equal(debt, want_debt)


# ------------------------------------------------------------------ engine: default chunks
@pytest.mark.parametrize(
    ("args", "bounds"),
    [
        # one slot a firm (1,000 firms, 1,000 slots): width max(1000, 1000 // 6 = 166, 1) =
        # 1000 firms, 400,000 // 1000 = 400 paths a chunk
        ((1000, 1000, 1000, 1), [(0, 400), (400, 800), (800, 1000)]),
        # 60 slots a firm (100 firms, 6,000 slots): width max(100, 6000 // 6 = 1000, 1) = 1000
        ((1000, 100, 6000, 1), [(0, 400), (400, 800), (800, 1000)]),
        # one firm with one slot: width max(1, 0, 1) = 1, 400,000 paths a chunk at most
        ((300_000, 1, 1, 1), [(0, 300_000)]),
        # 300,000 firms: 400,000 // 300,000 = 1 path a chunk
        ((3, 300_000, 300_000, 1), [(0, 1), (1, 2), (2, 3)]),
    ],
)
def test_default_chunks_width_is_the_larger_of_firms_and_slots_over_six(
    args: tuple[int, int, int, int], bounds: list[tuple[int, int]]
) -> None:
    assert engine._default_chunks(*args) == bounds


# ------------------------------------------------------------------ engine: simulate
def _recorded_pools(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[Any, ...], Any]]:
    """The engine's thread pools made through a recording subclass: (args, kwargs) of each."""
    made: list[tuple[tuple[Any, ...], Any]] = []

    class Pool(ThreadPoolExecutor):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            made.append((args, kwargs))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(engine, "ThreadPoolExecutor", Pool)
    return made


class _StandInBars:
    """Installs a stand-in for ``tqdm.auto.tqdm`` and records each bar's keyword arguments,
    every update step and every close."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.made: list[dict[str, Any]] = []
        self.steps: list[int] = []
        self.closed: list[bool] = []
        record = self

        class Bar:
            def __init__(self, **kwargs: Any) -> None:
                record.made.append(kwargs)

            def update(self, n: int) -> None:
                record.steps.append(n)

            def close(self) -> None:
                record.closed.append(True)

        fake = types.ModuleType("tqdm.auto")
        fake.tqdm = Bar  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "tqdm.auto", fake)


def _oscillating_spread_case() -> tuple[SpreadTable, pd.DataFrame, pd.DataFrame]:
    """A spread table of 1% below coverage 1.0 and 20% from it; one firm, EBIT 10, one 100
    bullet at 5% maturing at month 1 (the fixed point oscillates, see the test below)."""
    table = SpreadTable((1.0,), (0.01, 0.20), ("L", "H"), source="t", as_of="t")
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["fixed"],
            "coupon": [0.05],
            "maturity": [1],
            "tenor": [60],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [10.0], "growth": [0.0], "volatility": [0.0], "cohort": ["x"]}
    )
    return table, book, firms


def test_default_max_iter_is_twenty_steps_of_an_oscillating_spread() -> None:
    # a table whose spread rises with coverage (1% below 1.0, 20% from 1.0) makes the fixed
    # point oscillate: one firm, EBIT 10, one 100 bullet at 5% maturing at month 1, base rate
    # 0. Start: coverage 10 / 5 = 2 (band H); step 1: 10 / (100 x 20%) = 0.5 (band L); step 2:
    # 10 / (100 x 1%) = 10 (band H); ... step k ends in H when k is even. The default of 20
    # steps ends in H (interest 100 x 20% = 20) and counts one unconverged spread; 21 would
    # end in L (interest 1).
    table, book, firms = _oscillating_spread_case()
    res = simulate(book, firms, np.zeros(3), spread_table=table, keep="full", seed=0)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], [5.0, 20.0, 20.0], rtol=1e-12)
    assert res.spread_unconverged == 1


def test_unconverged_spreads_are_added_over_the_spread_tables() -> None:
    # the oscillating book above, twice: firm a (cohort x, table 1% / 20%) and firm b (cohort
    # y, table 1% / 30%), both refinancing at month 1. b: start 10 / 5 = 2 (H), 10 / 30 = 0.33
    # (L), 10 / 1 = 10 (H), ...: 20 steps end in H again. Each table leaves one unconverged
    # spread in the same month: 2 in all
    tables = {
        "x": SpreadTable((1.0,), (0.01, 0.20), ("L", "H"), source="t", as_of="t"),
        "y": SpreadTable((1.0,), (0.01, 0.30), ("L", "H"), source="u", as_of="u"),
    }
    book = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "principal": [100.0, 100.0],
            "kind": ["fixed", "fixed"],
            "coupon": [0.05, 0.05],
            "maturity": [1, 1],
            "tenor": [60, 60],
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [10.0, 10.0],
            "growth": [0.0, 0.0],
            "volatility": [0.0, 0.0],
            "cohort": ["x", "y"],
        }
    )
    res = simulate(book, firms, np.zeros(3), spread_table=tables, keep="full", seed=0)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], [5.0, 20.0, 20.0], rtol=1e-12)
    np.testing.assert_allclose(res.interest[0, :, 1], [5.0, 30.0, 30.0], rtol=1e-12)
    assert res.spread_unconverged == 2
    assert res.spread_source == "t (as of t); u (as of u)"


def test_private_simulate_defaults_are_those_of_simulate(monkeypatch: pytest.MonkeyPatch) -> None:
    # _simulate (called by divergence.distributed with only the options given) has simulate's
    # defaults: max_iter 20 (the oscillating book above ends in H: interest 5, 20, 20, one
    # unconverged spread), no progress bar, and prefetch on (with one thread, one helper pool
    # "divergence-shocks" of one thread)
    pools = _recorded_pools(monkeypatch)
    bars = _StandInBars(monkeypatch)
    table, book, firms = _oscillating_spread_case()
    res = engine._simulate(
        book, firms, np.zeros(3), spread_table=table, keep="full", seed=0, n_threads=1
    )
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], [5.0, 20.0, 20.0], rtol=1e-12)
    assert res.spread_unconverged == 1
    assert bars.made == []
    assert pools == [((1,), {"thread_name_prefix": "divergence-shocks"})]


@pytest.mark.parametrize("n_threads", [1, 2])
def test_chunk_bar_counts_every_chunk_once(monkeypatch: pytest.MonkeyPatch, n_threads: int) -> None:
    # 7 paths in chunks of 2: 4 chunks, (0, 2), (2, 4), (4, 6), (6, 7); the bar is made once
    # with total 4, "refinancing" and unit "chunk", moves by 1 per chunk and is closed once
    bars = _StandInBars(monkeypatch)
    book, firms = example_book(1, 2, seed=0)
    rates = np.full(4, 0.02)
    simulate(
        book, firms, rates, n_paths=7, seed=0, chunk_size=2, n_threads=n_threads, progress=True
    )
    assert bars.made == [{"total": 4, "desc": "refinancing", "unit": "chunk"}]
    assert bars.steps == [1, 1, 1, 1]
    assert bars.closed == [True]


@pytest.mark.parametrize(
    ("n_threads", "prefetch", "pools"),
    [
        # 5 chunks of one path on 2 threads: one pool of min(2, 5) = 2 workers
        (2, True, [((2,), {"thread_name_prefix": "divergence-refinancing"})]),
        # 8 threads asked, 5 chunks: min(8, 5) = 5 workers
        (8, True, [((5,), {"thread_name_prefix": "divergence-refinancing"})]),
        # one thread: the chunks on the calling thread, one helper thread for the draws
        (1, True, [((1,), {"thread_name_prefix": "divergence-shocks"})]),
        (1, False, []),
    ],
)
def test_thread_pools_are_sized_by_threads_and_chunks(
    monkeypatch: pytest.MonkeyPatch,
    n_threads: int,
    prefetch: bool,
    pools: list[tuple[tuple[int, ...], dict[str, str]]],
) -> None:
    made = _recorded_pools(monkeypatch)
    book, firms = example_book(2, 3, seed=1)
    simulate(
        book,
        firms,
        np.full(4, 0.02),
        n_paths=5,
        seed=1,
        chunk_size=1,
        n_threads=n_threads,
        prefetch=prefetch,
    )
    assert made == pools


def test_refixing_on_two_rate_paths_where_only_the_second_moves() -> None:
    # a floating 100 at spread 3%, re-fixed every 3 months (no current coupon: fixed at month
    # 0), on two rate paths: path 0 stays at 2%, path 1 moves to 5% at month 3. At the month-3
    # re-fixing path 0's base part does not change but path 1's does: interest is
    # 100 x (2% + 3%) = 5 on path 0 throughout, 5 then 100 x (5% + 3%) = 8 on path 1
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["floating"],
            "spread": [0.03],
            "maturity": [100],
            "reset_months": [3],
            "tenor": [12],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [20.0], "growth": [0.0], "volatility": [0.0], "cohort": ["c"]}
    )
    rates = np.array([[0.02] * 6, [0.02, 0.02, 0.02, 0.05, 0.05, 0.05]])
    res = simulate(book, firms, rates, keep="full", seed=0, n_threads=1)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], 5.0, rtol=1e-14)
    np.testing.assert_allclose(res.interest[1, :, 0], [5.0, 5.0, 5.0, 8.0, 8.0, 8.0], rtol=1e-14)


def _three_firms(ebit_a: float, rate_after: float) -> Any:
    """Firm a: floating 100 at spread 1% re-fixed every 3 months; b, c: fixed 100 at 5%, EBIT
    20 (coverage 4: never below a threshold). The base rate moves from 2% to ``rate_after`` at
    month 3, when only a re-fixes (one firm of three). NumPy engine: its coverage pass is
    the one told which firms may have interest <= 0 (the compiled loop checks every element)."""
    book = pd.DataFrame(
        {
            "firm": ["a", "b", "c"],
            "principal": [100.0, 100.0, 100.0],
            "kind": ["floating", "fixed", "fixed"],
            "spread": [0.01, np.nan, np.nan],
            "coupon": [np.nan, 0.05, 0.05],
            "maturity": [100, 100, 100],
            "reset_months": [3, 0, 0],
            "tenor": [12, 12, 12],
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["a", "b", "c"],
            "ebit": [ebit_a, 20.0, 20.0],
            "growth": [0.0, 0.0, 0.0],
            "volatility": [0.0, 0.0, 0.0],
            "cohort": ["c", "c", "c"],
        }
    )
    rates = np.array([0.02, 0.02, 0.02, rate_after, rate_after, rate_after])
    return simulate(book, firms, rates, keep="full", seed=0, n_threads=1, engine="numpy")


def test_interest_turning_negative_at_a_refixing_counts_as_infinite_coverage() -> None:
    # a (EBIT 20): interest 100 x 3% = 3 (coverage 6.7), then 100 x (-5% + 1%) = -4 from
    # month 3, whose coverage is +inf (documented for interest <= 0): no firm is ever below
    # a threshold or distressed
    res = _three_firms(20.0, -0.05)
    assert res.interest is not None and res.coverage is not None
    np.testing.assert_allclose(res.interest[0, :, 0], [3.0, 3.0, 3.0, -4.0, -4.0, -4.0])
    assert np.isposinf(res.coverage[0, 3:, 0]).all()
    np.testing.assert_array_equal(res.below_count, 0.0)
    np.testing.assert_array_equal(res.distressed_count, 0.0)


def test_interest_turning_zero_at_a_refixing_lifts_negative_ebit_above_every_threshold() -> None:
    # a (EBIT -20): coverage -20 / 3 = -6.7 in months 0-2, below every threshold (and
    # distressed at month 2, after 3 months below 1.0); from month 3 its interest is
    # 100 x (-1% + 1%) = 1 - 1 = 0 exactly, coverage +inf: below no threshold, run reset
    res = _three_firms(-20.0, -0.01)
    assert res.interest is not None
    np.testing.assert_array_equal(res.interest[0, 3:, 0], 0.0)
    below = np.array([1.0, 1.0, 1.0, 0.0, 0.0, 0.0])
    for k in range(len(res.thresholds)):
        np.testing.assert_array_equal(res.below_count[k, 0, :, 0], below)
        np.testing.assert_array_equal(res.below_count[k, 0, :, 1], below)  # the total
    np.testing.assert_array_equal(res.distressed_count[0, :, 0], [0.0, 0.0, 1.0, 0.0, 0.0, 0.0])


def _bullet_at_five_percent() -> tuple[pd.DataFrame, pd.DataFrame]:
    """One firm, one fixed 100 at 5% (interest 5) maturing after every horizon used, EBIT 14
    with no growth or volatility: coverage 14 / 5 = 2.8 every month."""
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["fixed"],
            "coupon": [0.05],
            "maturity": [100],
            "tenor": [12],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [14.0], "growth": [0.0], "volatility": [0.0], "cohort": ["c"]}
    )
    return book, firms


def test_keep_full_limit_at_and_above_a_lowered_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # the limit lowered to 20 values per array: 5 paths x 4 months x 1 firm = 20 is kept;
    # two such firms on 3 paths, 3 x 4 x 2 = 24, are refused with keep="full" and run with
    # keep="aggregate" (interest 5 a firm, 10 for the cohort)
    monkeypatch.setattr(engine, "_FULL_LIMIT", 20)
    book, firms = _bullet_at_five_percent()
    rates = np.full(4, 0.02)
    res = simulate(book, firms, rates, n_paths=5, seed=0, keep="full")
    assert res.interest is not None
    np.testing.assert_allclose(res.interest, 5.0)
    book2 = pd.concat([book, book.assign(firm="b")], ignore_index=True)
    firms2 = pd.concat([firms, firms.assign(firm="b")], ignore_index=True)
    message = (
        "keep='full' would store 24 values per array (limit 20); "
        "use keep='aggregate' or fewer paths"
    )
    with pytest.raises(InputError, match="^" + re.escape(message) + "$"):
        simulate(book2, firms2, rates, n_paths=3, seed=0, keep="full")
    res = simulate(book2, firms2, rates, n_paths=3, seed=0, keep="aggregate")
    assert res.interest is None
    np.testing.assert_allclose(res.interest_sum, 10.0)


def test_percent_rates_and_growth_each_warn_by_name() -> None:
    # rates of 5.0 (500%, meant as 5%) and a growth of 3.0 a year: both medians are above 1,
    # each input gets its own unit warning, rates first
    book, firms = _bullet_at_five_percent()
    firms = firms.assign(growth=3.0)
    with pytest.warns(UnitWarning) as caught:
        simulate(book, firms, np.full(4, 5.0), seed=0)
    tail = (
        ", above 1 (100%): it looks like percent, not decimals. Pass 0.05 for 5% (divide by "
        "100). If the magnitude is intended, silence divergence.errors.UnitWarning."
    )
    assert [str(w.message) for w in caught] == [
        "rates has a median magnitude of 5" + tail,
        "firms['growth'] has a median magnitude of 3" + tail,
    ]


def test_default_chunks_of_a_run_count_slots_over_six(monkeypatch: pytest.MonkeyPatch) -> None:
    # the chunk target lowered to 20 firms x paths: one firm with 12 tranches has a width of
    # max(1 firm, 12 slots // 6) = 2, so chunks of 20 // 2 = 10 paths: 25 paths in 3 chunks
    # (a bar of total 3 with a stand-in tqdm)
    bars = _StandInBars(monkeypatch)
    monkeypatch.setattr(engine, "_CHUNK_TARGET", 20)
    book, firms = _bullet_at_five_percent()
    book = pd.concat([book] * 12, ignore_index=True).assign(principal=10.0)
    simulate(book, firms, np.full(2, 0.02), n_paths=25, seed=0, n_threads=1, progress=True)
    assert bars.made == [{"total": 3, "desc": "refinancing", "unit": "chunk"}]


def test_cohort_debt_adds_firms_in_their_row_order() -> None:
    # eight firms, cohorts x and y alternating. Cohort x owes 2^-54, 2^-54, 1 and 2^-53 in
    # row order: (2^-54 + 2^-54) + 1 = 1 + 2^-53 rounds to 1 (a tie, to even), + 2^-53 rounds
    # to 1 again: exactly 1.0; adding the last two the other way round would give 1 + 2^-52.
    # Cohort y owes 1 a firm: 4.0; all firms: 5.0
    principal = [2.0**-54, 1.0, 2.0**-54, 1.0, 1.0, 1.0, 2.0**-53, 1.0]
    cohorts = ["x", "y"] * 4
    names = [f"f{i}" for i in range(8)]
    book = pd.DataFrame(
        {
            "firm": names,
            "principal": principal,
            "kind": ["fixed"] * 8,
            "coupon": [0.05] * 8,
            "maturity": [100] * 8,
            "tenor": [12] * 8,
        }
    )
    firms = pd.DataFrame(
        {
            "firm": names,
            "ebit": [1.0] * 8,
            "growth": [0.0] * 8,
            "volatility": [0.0] * 8,
            "cohort": cohorts,
        }
    )
    expected = []
    for c in ("x", "y"):
        acc = 0.0
        for p, cohort in zip(principal, cohorts, strict=True):
            if cohort == c:
                acc += p
        expected.append(acc)
    assert expected == [1.0, 4.0]
    res = simulate(book, firms, np.full(2, 0.02), seed=0)
    assert res.debt.tolist() == [1.0, 4.0, 5.0]


def test_interest_adds_a_firms_tranches_in_their_row_order() -> None:
    # firms a and b, tranches interleaved a, b, a, b, ... (four each), fixed coupons of 50%.
    # a's interest terms P x c in row order are 2^-54, 2^-54, 1 and 2^-53: added in that
    # order, (2^-54 + 2^-54) + 1 rounds to 1 (a tie, to even) and + 2^-53 to 1 again: 1.0;
    # the last two the other way round would give 1 + 2^-52. b: four terms of 1, 4.0
    principal_a = [2.0**-53, 2.0**-53, 2.0, 2.0**-52]
    book = pd.DataFrame(
        {
            "firm": ["a", "b"] * 4,
            "principal": [x for pa in principal_a for x in (pa, 2.0)],
            "kind": ["fixed"] * 8,
            "coupon": [0.5] * 8,
            "maturity": [100] * 8,
            "tenor": [12] * 8,
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [1.0, 1.0],
            "growth": [0.0, 0.0],
            "volatility": [0.0, 0.0],
            "cohort": ["c", "c"],
        }
    )
    acc = 0.0
    for pa in principal_a:
        acc += pa * 0.5
    assert acc == 1.0
    res = simulate(book, firms, np.full(2, 0.02), seed=0, keep="full")
    assert res.interest is not None
    assert res.interest[0, :, 0].tolist() == [1.0, 1.0]
    assert res.interest[0, :, 1].tolist() == [4.0, 4.0]


def test_n_threads_below_one_is_refused_by_name() -> None:
    book, firms = _bullet_at_five_percent()
    with pytest.raises(InputError, match=r"^n_threads must be >= 1, got 0$"):
        simulate(book, firms, np.full(3, 0.02), n_threads=0)


def test_n_paths_below_one_with_two_dimensional_rates_is_refused_as_such() -> None:
    # 0 paths against 3 rate rows: the bound is named (not only the row mismatch)
    book, firms = _bullet_at_five_percent()
    with pytest.raises(InputError, match=r"^n_paths must be >= 1, got 0$"):
        simulate(book, firms, np.full((3, 4), 0.02), n_paths=0)


def test_rates_with_unsorted_dates_are_refused() -> None:
    # rates dated March, January, February: rows are never reordered, so this is refused
    book, firms = _bullet_at_five_percent()
    rates = pd.Series(
        [0.02, 0.02, 0.02], index=pd.to_datetime(["2022-03-31", "2022-01-31", "2022-02-28"])
    )
    with pytest.raises(InputError, match=r"^rates dates are not in increasing order"):
        simulate(book, firms, rates)


def test_unknown_engine_is_refused_by_name() -> None:
    book, firms = _bullet_at_five_percent()
    message = "engine must be one of ['auto', 'numba', 'numpy'], got 'gpu'"
    with pytest.raises(InputError, match="^" + re.escape(message) + "$"):
        simulate(book, firms, np.full(3, 0.02), engine="gpu")  # type: ignore[arg-type]


def test_one_month_run_starts_no_draw_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # a horizon of 1 month draws no shocks (month 0 is EBIT_0), so prefetch has nothing to do:
    # no helper pool is made
    made = _recorded_pools(monkeypatch)
    book, firms = example_book(2, 3, seed=1)
    simulate(book, firms, np.full(1, 0.02), n_paths=3, seed=1, n_threads=1, prefetch=True)
    assert made == []


def test_distress_threshold_above_every_coverage_threshold_flags_band_zero() -> None:
    # one firm, fixed 100 at 5% (interest 5), EBIT 14 flat: coverage 14 / 5 = 2.8, above
    # every threshold (1, 1.5, 2, 2.5: band 0) but below the distress threshold 3.0, so with
    # months=1 the firm is distressed from month 0 on while no threshold count moves
    book, firms = _bullet_at_five_percent()
    res = simulate(
        book,
        firms,
        np.full(4, 0.02),
        seed=0,
        distress=Distress(threshold=3.0, months=1),
        n_threads=1,
        engine="numpy",
    )
    np.testing.assert_array_equal(res.below_count, 0.0)
    np.testing.assert_array_equal(res.below_debt, 0.0)
    np.testing.assert_array_equal(res.distressed_count[0], np.ones((4, 2)))
    np.testing.assert_array_equal(res.distressed_debt[0], np.full((4, 2), 100.0))


@pytest.mark.skipif(
    os.environ.get("NUMBA_DISABLE_JIT") == "1",
    reason="with the JIT disabled the loops run as Python, whose 1 / -0.0 warns (divide by zero)",
)
def test_engines_agree_on_the_sign_of_a_zero_cohort_interest() -> None:
    # the compiled cohort sum used to start a cohort from its first firm's value (-0.0 stayed
    # -0.0) while NumPy's sum adds it to 0.0 (+0.0); both now give +0.0
    pytest.importorskip("numba")
    # a floating 100 at spread -0.0 on a base rate of -0.0: interest 100 x (-0.0) + 100 x
    # (-0.0) = -0.0 for the cohort's only firm; "bit for bit" includes the sign of the zero
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["floating"],
            "spread": [-0.0],
            "coupon": [np.nan],
            "maturity": [100],
            "reset_months": [3],
            "tenor": [12],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [1.0], "growth": [0.0], "volatility": [0.0], "cohort": ["x"]}
    )
    sums = [
        simulate(book, firms, np.full(2, -0.0), seed=0, engine=e).interest_sum
        for e in ("numpy", "numba")
    ]
    np.testing.assert_array_equal(np.signbit(sums[0]), np.signbit(sums[1]))
    assert not np.signbit(sums[1]).any()  # 0.0 + (-0.0) is +0.0 (IEEE 754 round to nearest)


# ------------------------------------------------------------------ kernels: engine choice
def test_engine_choice_is_told_the_firm_months_of_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # "auto" weighs paths x months x firms: 3 x 4 x 3 = 36 firm-months
    asked: list[tuple[str, Any]] = []

    def select(engine_opt: str, firm_months: Any) -> None:
        asked.append((engine_opt, firm_months))

    monkeypatch.setattr(_kernels, "select", select)
    book, firms = example_book(2, 1, seed=0)
    assert len(firms) == 3
    simulate(book, firms, np.full(4, 0.02), n_paths=3, seed=0)
    assert asked == [("auto", 36)]


def test_engine_numba_without_numba_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_kernels, "AVAILABLE", False)
    with pytest.raises(
        ImportError, match=r'^engine="numba" needs numba: pip install "divergence\[fast\]"$'
    ):
        _kernels.select("numba", 1)


def test_auto_engine_fallback_message(monkeypatch: pytest.MonkeyPatch) -> None:
    @functools.cache
    def broken() -> Any:
        raise ImportError("built for another NumPy")

    monkeypatch.setattr(_kernels, "AVAILABLE", True)
    monkeypatch.setattr(_kernels, "_IMPORT_ERROR", None)
    monkeypatch.setattr(_kernels, "compiled", broken)
    message = (
        "numba is installed but cannot be imported (built for another NumPy); "
        "refinancing.simulate uses its NumPy engine (the same results, slower). "
        'engine="numba" shows the error.'
    )
    with pytest.warns(DivergenceWarning, match="^" + re.escape(message) + "$"):
        assert _kernels.select("auto", _kernels.AUTO_MIN_FIRM_MONTHS) is None
