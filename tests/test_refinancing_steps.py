"""The named steps of a simulated month, one by one (``_simulate._ebit`` ... ``_aggregates``).

Each step runs on a chunk built from a small hand book (``_prepare`` and ``_Chunk``, as
``simulate`` builds them) and is checked against the formula it implements, written here
independently: the lognormal EBIT law of the ``simulate`` docstring, hand cash flows for
resets and refinancing (the Damodaran fixed point of the ``simulate`` example), direct band
counts and cohort sums. Steps with a compiled loop run with both engines.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.refinancing import Distress, SpreadTable, _kernels
from divergence.refinancing import _simulate as engine
from divergence.refinancing._book import as_book, as_firms
from divergence.refinancing._spreads import tables_for_cohorts

ENGINES = [
    "numpy",
    pytest.param(
        "numba",
        marks=pytest.mark.skipif(not _kernels.AVAILABLE, reason="numba is not installed"),
    ),
]


def _fixed(firm: str, principal: float, coupon: float, maturity: int = 100) -> dict[str, Any]:
    return {
        "firm": firm,
        "principal": principal,
        "kind": "fixed",
        "coupon": coupon,
        "spread": np.nan,
        "maturity": maturity,
        "reset_months": np.nan,
        "first_reset": np.nan,
        "tenor": 60,
    }


def _floating(
    firm: str, principal: float, spread: float, coupon: float = np.nan, first: float = np.nan
) -> dict[str, Any]:
    return {
        "firm": firm,
        "principal": principal,
        "kind": "floating",
        "coupon": coupon,
        "spread": spread,
        "maturity": 100,
        "reset_months": 3,
        "first_reset": first,
        "tenor": 12,
    }


def _firms(**columns: list[Any]) -> pd.DataFrame:
    n = len(columns["firm"])
    base: dict[str, list[Any]] = {
        "ebit": [20.0] * n,
        "growth": [0.0] * n,
        "volatility": [0.0] * n,
        "cohort": ["c"] * n,
    }
    return pd.DataFrame({**base, **columns})


def _setup(
    book: list[dict[str, Any]],
    firms: pd.DataFrame,
    rates: Any,
    *,
    eng: str = "numpy",
    n_paths: int = 2,
    thr: tuple[float, ...] = (1.0,),
    rule: Distress | None = None,
    rho: float = 0.5,
    n_iter: int = 20,
) -> tuple[Any, Any]:
    """The plan of a run and the state of its one chunk (all paths)."""
    f = as_firms(firms)
    tables, cohort_table = tables_for_cohorts(SpreadTable.damodaran(), f.cohorts)
    r = np.asarray(rates, dtype=float)
    plan, _ = engine._prepare(
        as_book(pd.DataFrame(book)),
        f,
        r,
        h=r.shape[-1],
        n_paths=n_paths,
        rule=Distress() if rule is None else rule,
        thr=thr,
        tables=tables,
        cohort_table=cohort_table,
        rho=rho,
        n_iter=n_iter,
        engine=eng,
        full=False,
    )
    return plan, engine._Chunk(plan, 0, n_paths)


def _months(plan: Any, st: Any, months: range, out: Any = None) -> None:
    """Every step of ``months`` in order, with zero shocks (firms without volatility)."""
    out = engine._Outputs.empty(plan, st.npc) if out is None else out
    zeros = np.zeros((st.npc, plan.n_f + 1))
    for m in months:
        ev = plan.months[m]
        engine._ebit(plan, st, m, zeros if m else None)
        engine._events(plan, st, m, ev)
        engine._refinancing_spreads(plan, st, m, ev)
        engine._interest(plan, st, m, ev)
        engine._coverage_bands(plan, st, m - st.blk_start)
        engine._aggregates(plan, st, out, m)


# ---------------------------------------------------------------- _ebit


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("two_d", [False, True])
def test_ebit_is_the_lognormal_step_times_the_rate_factor(
    eng: str, rho: float, two_d: bool
) -> None:
    # ln E_t = ln|E_0| + (g - s^2/2)/12 + s/sqrt(12) (sqrt(rho) Z + sqrt(1 - rho) eps),
    # E = sign(E_0) e^(ln E_t) e^(-beta (r_t - r_0)): the simulate docstring's law, one month
    firms = _firms(
        firm=["a", "b"],
        ebit=[20.0, -5.0],
        growth=[0.06, 0.0],
        volatility=[0.3, 0.2],
        rate_beta=[0.0, 2.0],
    )
    book = [_fixed("a", 100.0, 0.05), _fixed("b", 10.0, 0.04)]
    rates = np.array([[0.02, 0.05], [0.01, 0.03]]) if two_d else np.array([0.02, 0.05])
    plan, st = _setup(book, firms, rates, eng=eng, rho=rho)
    engine._ebit(plan, st, 0, None)
    np.testing.assert_allclose(st.ebit, [[20.0, 20.0], [-5.0, -5.0]], rtol=1e-15)
    draws = np.random.default_rng(3).standard_normal((2, 3))  # (paths, common + firms)
    engine._ebit(plan, st, 1, draws)
    r = np.broadcast_to(rates, (2, 2))
    for i, (e0, g, s, beta) in enumerate([(20.0, 0.06, 0.3, 0.0), (-5.0, 0.0, 0.2, 2.0)]):
        for j in range(2):
            z, eps = draws[j, 0], draws[j, 1 + i]
            log_e = (
                math.log(abs(e0))
                + (g - s * s / 2) / 12
                + s / math.sqrt(12) * (math.sqrt(rho) * z + math.sqrt(1 - rho) * eps)
            )
            want = math.copysign(1.0, e0) * math.exp(log_e - beta * (r[j, 1] - r[j, 0]))
            assert st.ebit[i, j] == pytest.approx(want, rel=1e-13)


# ---------------------------------------------------------------- _events


def test_events_first_reset_takes_the_spread_and_refixes_on_schedule() -> None:
    # floating 50 with a current 7% fixing, spread 2%, first reset at month 2, then every 3
    # months: P x coupon = 3.5 until month 2, then P x spread = 1.0; fixing months 2, 5, 8
    book = [_floating("a", 50.0, 0.02, coupon=0.07, first=2), _fixed("a", 100.0, 0.05)]
    plan, st = _setup(book, _firms(firm=["a"]), np.full(10, 0.03))
    h = plan.h
    fixes, parts = [], []
    for m in range(10):
        engine._events(plan, st, m, plan.months[m])
        fixes.append(int(st.fix[0]))
        parts.append(st.spread_part[0].copy())
        assert st.fix[1] == h  # the fixed tranche has no base part
        np.testing.assert_allclose(st.spread_part[1], [5.0, 5.0], rtol=1e-15)
    assert fixes == [h, h, 2, 2, 2, 5, 5, 5, 8, 8]
    np.testing.assert_allclose(parts, [[3.5, 3.5]] * 2 + [[1.0, 1.0]] * 8, rtol=1e-15)


# ---------------------------------------------------------------- _refinancing_spreads


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize(("n_iter", "unconverged"), [(20, 0), (1, 2)])
def test_refinancing_spread_is_the_damodaran_fixed_point(
    eng: str, n_iter: int, unconverged: int
) -> None:
    # the simulate example: 100 at 5% maturing at month 12, EBIT 20, base rate 6% from month
    # 1. Before refinancing coverage is 20 / 5 = 4 (A-, +0.95%); one step: 20 / 6.95 = 2.88
    # (BBB, +1.20%); two: 20 / 7.2 = 2.78, BBB again: the fixed point, P x spread = 1.2
    rates = np.r_[0.02, np.full(23, 0.06)]
    plan, st = _setup([_fixed("a", 100.0, 0.05, maturity=12)], _firms(firm=["a"]), rates, eng=eng)
    plan = dataclasses.replace(plan, n_iter=n_iter)
    _months(plan, st, range(12))
    ev = plan.months[12]
    engine._ebit(plan, st, 12, np.zeros((2, 2)))
    engine._events(plan, st, 12, ev)
    assert engine._refinancing_spreads(plan, st, 12, ev) == unconverged
    np.testing.assert_allclose(st.spread_part[0], [1.2, 1.2], rtol=1e-14)
    np.testing.assert_allclose(st.s_sum[0], [1.2, 1.2], rtol=1e-14)
    assert st.fix[0] == 12
    engine._interest(plan, st, 12, ev)
    np.testing.assert_allclose(st.interest[0], [7.2, 7.2], rtol=1e-14)


def test_a_month_without_refinancing_changes_nothing() -> None:
    plan, st = _setup([_fixed("a", 100.0, 0.05, maturity=12)], _firms(firm=["a"]), np.zeros(5))
    before = st.spread_part.copy(), st.fix.copy(), st.s_sum.copy()
    assert engine._refinancing_spreads(plan, st, 3, plan.months[3]) == 0
    for a, b in zip(before, (st.spread_part, st.fix, st.s_sum), strict=True):
        np.testing.assert_array_equal(a, b)


# ---------------------------------------------------------------- _interest


@pytest.mark.parametrize("two_d", [False, True])
def test_interest_is_coupons_plus_principal_times_the_fixed_rate(two_d: bool) -> None:
    # firm a: 100 fixed at 5% + 50 floating (current 7%, spread 2%, resets at 2, 5, 8, 11);
    # firm b: 40 floating at spread -5% fixed at month 0 and every 3 months: negative interest
    book = [
        _fixed("a", 100.0, 0.05),
        _floating("a", 50.0, 0.02, coupon=0.07, first=2),
        _floating("b", 40.0, -0.05),
    ]
    r1 = 0.01 + 0.001 * np.arange(12)
    rates = np.vstack([r1, 2 * r1]) if two_d else r1
    plan, st = _setup(book, _firms(firm=["a", "b"]), rates)
    r = np.broadcast_to(rates, (2, 12))
    for m in range(12):
        _months(plan, st, range(m, m + 1))
        fix_a = max((k for k in (2, 5, 8, 11) if k <= m), default=None)
        fix_b = 3 * (m // 3)
        for j in range(2):
            want_a = 5.0 + (3.5 if fix_a is None else 50.0 * (r[j, fix_a] + 0.02))
            want_b = 40.0 * (r[j, fix_b] - 0.05)
            assert st.interest[0, j] == pytest.approx(want_a, rel=1e-14)
            assert st.interest[1, j] == pytest.approx(want_b, rel=1e-14)
        assert st.nonpos_firm.tolist() == [False, True]


# ---------------------------------------------------------------- _coverage_bands


@pytest.mark.parametrize("eng", ENGINES)
def test_coverage_bands_count_firms_and_debt_by_band_and_distress(eng: str) -> None:
    # thresholds 1 and 2; distressed after 2 months in a row below 1
    book = [_fixed("a", 10.0, 0.05), _fixed("b", 20.0, 0.05), _fixed("c", 30.0, 0.05)]
    firms = _firms(firm=["a", "b", "c"], cohort=["x", "y", "x"])
    plan, st = _setup(
        book, firms, np.zeros(3), eng=eng, thr=(1.0, 2.0), rule=Distress(threshold=1.0, months=2)
    )
    # internal order: cohort x (a, c), then y (b); coverage by firm and path
    st.ebit[:] = [[0.5, 3.0], [1.5, -1.0], [4.0, 1.0]]
    st.interest[:] = [[1.0, 1.0], [1.0, 0.0], [1.0, 1.0]]  # c: no interest on path 1 -> +inf
    st.nonpos_firm[:] = [False, True, False]
    for row in range(2):
        engine._coverage_bands(plan, st, row)
    # band = thresholds above coverage; run = months in a row below 1
    band = np.array([[2, 0], [1, 0], [0, 1]])  # a: 0.5, 3.0; c: 1.5, +inf; b: 4.0, 1.0
    run = np.array([[2, 0], [0, 0], [0, 0]])
    np.testing.assert_array_equal(st.counter, run)
    debt = np.array([10.0, 30.0, 20.0])
    cohort = np.array([0, 0, 1])
    for row, flagged in ((0, 0), (1, 1)):  # the flag starts in the second month
        k = 2 * band + (run >= 2) * flagged
        counts = np.zeros(2 * plan.n_bins)
        debts = np.zeros(2 * plan.n_bins)
        for i in range(3):
            for j in range(2):
                b = (j * plan.n_c + cohort[i]) * 6 + k[i, j]
                counts[b] += 1
                debts[b] += debt[i]
        used = np.flatnonzero(np.arange(2 * plan.n_bins) % 6 != 0)  # key 0 feeds no output
        np.testing.assert_array_equal(st.cnt_blk[row][used], counts[used])
        np.testing.assert_array_equal(st.dbt_blk[row][used], debts[used])


# ---------------------------------------------------------------- _aggregates


@pytest.mark.parametrize("eng", ENGINES)
def test_aggregates_sum_cohorts_in_firm_order_and_write_the_bins(eng: str) -> None:
    book = [_fixed(f, 10.0, 0.05) for f in "abcd"]
    firms = _firms(firm=list("abcd"), cohort=["x", "y", "x", "x"])
    plan, st = _setup(book, firms, np.zeros(4), eng=eng, thr=(1.0, 2.0))
    out = engine._Outputs.empty(plan, 2)
    vals = np.array([[0.1, 1e16], [0.2, 1.0], [0.3, -1e16], [7.0, 3.0]])  # internal: a c d | b
    st.interest[:] = vals
    st.ebit[:] = 2 * vals
    st.blk_start = 3  # the block holds month 3 only, the last month: written now
    st.cnt_blk[0] = 0
    st.dbt_blk[0] = 0.0
    bin_ = (1 * plan.n_c + 0) * 6 + 2 * 2 + 1  # path 1, cohort x, band 2 (below 1), flagged
    st.cnt_blk[0, bin_] = 1
    st.dbt_blk[0, bin_] = 10.0
    engine._aggregates(plan, st, out, 3)
    for j in range(2):  # x = a + c + d added in this order; y = b; all = x + y
        x = (vals[0, j] + vals[1, j]) + vals[2, j]
        want = [x, vals[3, j], x + vals[3, j]]
        assert out.interest_sum[j, 3].tolist() == want
        assert out.ebit_sum[j, 3].tolist() == [2 * w for w in want]
    assert out.interest_sum[1, 3, 0] == 0.0  # 1e16 + 1.0 - 1e16 in firm order: 1.0 is lost
    want_below = np.zeros((2, 2, 3))
    want_below[:, 1] = [1, 0, 1]  # below both thresholds, cohort x and all
    np.testing.assert_array_equal(out.below_count[:, :, 3], want_below)
    np.testing.assert_array_equal(out.below_debt[:, :, 3], 10.0 * want_below)
    np.testing.assert_array_equal(out.distressed_count[:, 3], want_below[0])
    np.testing.assert_array_equal(out.distressed_debt[:, 3], 10.0 * want_below[0])
    assert st.blk_start == 4
