"""Refinancing simulator: exact cash-flow cases, invariants, a slow reference, bad inputs.

Every test here runs twice: with the NumPy engine and with the compiled (numba) one (see the
module fixture ``engine``); ``tests/test_refinancing_engines.py`` checks that the two agree.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence.errors import InputError
from divergence.refinancing import (
    DebtBook,
    Distress,
    SpreadTable,
    _kernels,
    example_book,
    policy_path,
    simulate,
)


@pytest.fixture(autouse=True, scope="module", params=["numpy", "numba"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the module with ``engine="auto"`` meaning NumPy, then meaning numba."""
    name: str = request.param
    if name == "numba" and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed (the fast extra)")
    real = _kernels.select
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_kernels, "select", lambda opt, size: real(name if opt == "auto" else opt, size))
        yield name


FLAT2 = SpreadTable((), (0.02,), ("flat",), source="test", as_of="test")


def one_firm(ebit: float = 20.0, cohort: str = "c") -> pd.DataFrame:
    return pd.DataFrame(
        {"firm": ["a"], "ebit": [ebit], "growth": [0.0], "volatility": [0.0], "cohort": [cohort]}
    )


def bullet(maturity: int = 12, coupon: float = 0.05, tenor: int = 60) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["fixed"],
            "coupon": [coupon],
            "maturity": [maturity],
            "tenor": [tenor],
        }
    )


# ---------------------------------------------------------------- exact cash flows
def test_lone_fixed_bullet_pays_coupon_then_base_plus_spread() -> None:
    # hand calculation: 100 x 5% until month 11; at month 12 refinanced at base 6% + flat 2%
    rates = policy_path(0.02, [0.0, 0.04] + [0.0] * 22)
    res = simulate(bullet(), one_firm(), rates, keep="full", spread_table=FLAT2, seed=0)
    assert res.interest is not None
    got = res.interest[0, :, 0]
    np.testing.assert_allclose(got[:12], 5.0, rtol=1e-15)
    np.testing.assert_allclose(got[12:], (0.06 + 0.02) * 100.0, rtol=1e-15)


def test_bullet_refinances_at_damodaran_spread_fixed_point() -> None:
    # Damodaran large-firm table: at 6% base, trying A- (0.95%) gives ICR 20/6.95 = 2.88,
    # i.e. BBB (2.50-3.00) at 1.20%; 20/7.20 = 2.78 is still BBB: the fixed point is 1.20%
    rates = policy_path(0.02, [0.0, 0.04] + [0.0] * 22)
    res = simulate(bullet(), one_firm(), rates, keep="full", seed=0)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, 12:, 0], 7.2, rtol=1e-14)
    assert res.spread_unconverged == 0
    assert "Damodaran" in res.spread_source


def test_floating_refixes_exactly_every_reset_months() -> None:
    # rate path rising 10 bp a month; coupon NaN: fixed at month 0, then every 3 months
    months = 24
    base = 0.01 + 0.001 * np.arange(months)
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
    res = simulate(book, one_firm(), base, keep="full", seed=0)
    assert res.interest is not None
    fixing = 3 * (np.arange(months) // 3)
    np.testing.assert_allclose(res.interest[0, :, 0], (base[fixing] + 0.03) * 100.0, rtol=1e-14)


def test_floating_with_current_fixing_and_first_reset() -> None:
    months = 12
    base = 0.02 + 0.001 * np.arange(months)
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [50.0],
            "kind": ["floating"],
            "coupon": [0.07],
            "spread": [0.03],
            "maturity": [100],
            "reset_months": [4],
            "first_reset": [2],
            "tenor": [12],
        }
    )
    res = simulate(book, one_firm(), base, keep="full", seed=0)
    assert res.interest is not None
    # current fixing 7% for months 0-1, then re-fixed at months 2, 6, 10
    expected = np.r_[[0.07] * 2, [base[2] + 0.03] * 4, [base[6] + 0.03] * 4, [base[10] + 0.03] * 2]
    np.testing.assert_allclose(res.interest[0, :, 0], expected * 50.0, rtol=1e-14)


def _consistent_book() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every coupon already equals base 3% + the flat 2% spread: nothing should move."""
    book = pd.DataFrame(
        {
            "firm": ["a", "a", "b", "b"],
            "principal": [100.0, 40.0, 70.0, 10.0],
            "kind": ["fixed", "floating", "fixed", "floating"],
            "coupon": [0.05, np.nan, 0.05, 0.05],
            "spread": [np.nan, 0.02, np.nan, 0.02],
            "maturity": [5, 7, 13, 2],
            "reset_months": [np.nan, 1, np.nan, 3],
            "tenor": [6, 9, 4, 5],
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [30.0, 9.0],
            "growth": [0.0, 0.0],
            "volatility": [0.0, 0.0],
            "cohort": ["x", "y"],
        }
    )
    return book, firms


def test_zero_shock_changes_nothing() -> None:
    book, firms = _consistent_book()
    flat = policy_path(0.03, np.zeros(36))
    res = simulate(book, firms, flat, keep="full", spread_table=FLAT2, seed=0, n_paths=2)
    assert res.interest is not None
    # closed form: interest = 5% x principal in every month despite resets and refinancings
    np.testing.assert_allclose(res.interest, np.broadcast_to([7.0, 4.0], (2, 36, 2)), rtol=1e-14)
    same = simulate(book, firms, np.full(36, 0.03), keep="full", spread_table=FLAT2, seed=0)
    assert same.interest is not None
    np.testing.assert_array_equal(same.interest[0], res.interest[0])


def test_principal_conserved_through_refinancing() -> None:
    book, firms = _consistent_book()
    rates = policy_path(0.03, np.r_[0.04, np.zeros(59)])
    res = simulate(book, firms, rates, keep="full", spread_table=FLAT2, seed=0)
    assert res.interest is not None
    # after every tranche has repriced (latest first event: month 13), interest is
    # (base 7% + spread 2%) x original principal, firm by firm
    expected = np.broadcast_to([0.09 * 140.0, 0.09 * 80.0], res.interest[0, 13:].shape)
    np.testing.assert_allclose(res.interest[0, 13:], expected, rtol=1e-14)
    np.testing.assert_allclose(res.debt, [140.0, 80.0, 220.0])
    np.testing.assert_allclose(res.path_values("repriced_share")[0, -1], 1.0)


def test_maturity_wall_sums_to_total_principal() -> None:
    book, firms = example_book(5, 12, seed=3)
    res = simulate(book, firms, np.full(12, 0.02), seed=0)
    for freq in ("month", "quarter", "year"):
        wall = res.maturity_wall(freq=freq)
        assert wall.to_numpy().sum() == pytest.approx(book["principal"].sum(), rel=1e-12)
    by_cohort = res.maturity_wall().sum()
    expected = book.merge(firms, on="firm").groupby("cohort")["principal"].sum()  # pandas
    for c in expected.index:
        assert by_cohort[c] == pytest.approx(expected[c], rel=1e-12)
    kinds = res.maturity_wall(freq="quarter", by="kind").sum()
    assert kinds["floating"] == pytest.approx(
        book.loc[book["kind"] == "floating", "principal"].sum(), rel=1e-12
    )
    # year 1 holds maturities 1..12 (pandas reference)
    year1 = book.loc[book["maturity"] <= 12, "principal"].sum()
    assert res.maturity_wall().iloc[0].sum() == pytest.approx(year1, rel=1e-12)


# ---------------------------------------------------------------- slow reference
def _reference_interest(
    book: pd.DataFrame,
    firms: pd.DataFrame,
    rates: np.ndarray,
    table: SpreadTable,
    max_iter: int = 20,
) -> np.ndarray:
    """Per-path, per-firm, per-tranche Python loop (deterministic EBIT: volatility 0)."""
    n_p, n_m = rates.shape
    edges, spreads = list(table.edges), list(table.spreads)

    def spread_of(icr: float) -> float:
        return spreads[bisect.bisect_right(edges, icr)]

    out = np.zeros((n_p, n_m, len(firms)))
    for p in range(n_p):
        for fi, row in enumerate(firms.itertuples()):
            tr = [dict(t._asdict()) for t in book[book["firm"] == row.firm].itertuples()]
            for t in tr:
                t["rate"] = 0.0 if math.isnan(t["coupon"]) else t["coupon"]
                t["s"] = t["spread"]
                t["next_refi"] = t["maturity"]
                if t["kind"] == "floating":
                    t["next_reset"] = 0 if math.isnan(t["coupon"]) else t["first_reset"]
                else:
                    t["next_reset"] = -1
            for m in range(n_m):
                base = rates[p, m]
                ebit = row.ebit * math.exp(row.growth * m / 12.0)
                refi = []
                for t in tr:
                    if t["next_refi"] == m:
                        refi.append(t)
                    elif t["kind"] == "floating" and t["next_reset"] == m:
                        t["rate"] = base + t["s"]
                        t["next_reset"] = t["first_reset"] if m == 0 else m + t["reset_months"]
                if refi:
                    total = sum(t["rate"] * t["principal"] for t in tr)
                    other = sum(t["rate"] * t["principal"] for t in tr if t not in refi)
                    p_ref = sum(t["principal"] for t in refi)
                    s = spread_of(ebit / total if total > 0 else math.inf)
                    for _ in range(max_iter):
                        interest = other + p_ref * (base + s)
                        s_new = spread_of(ebit / interest if interest > 0 else math.inf)
                        if s_new == s:
                            break
                        s = s_new
                    for t in refi:
                        t["rate"] = base + s
                        t["s"] = s
                        t["next_refi"] += t["tenor"]
                        if t["kind"] == "floating":
                            t["next_reset"] = m + t["reset_months"]
                out[p, m, fi] = sum(t["rate"] * t["principal"] for t in tr)
    return out


def test_agrees_with_slow_reference_loop() -> None:
    book, firms = example_book(3, 6, seed=4)
    firms["volatility"] = 0.0
    book = DebtBook.from_frame(book).to_frame()  # fills first_reset for every floating row
    rng = np.random.default_rng(0)
    rates = np.clip(0.01 + np.cumsum(rng.normal(0, 0.004, (3, 40)), axis=1), 0.0, None)
    table = SpreadTable.damodaran("small")
    res = simulate(book, firms, rates, keep="full", spread_table=table, seed=0)
    ref = _reference_interest(book, firms, rates, table)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest, ref, rtol=1e-12)


# ---------------------------------------------------------------- invariants
@given(
    shock=st.floats(0.0, 0.08),
    extra=st.floats(0.0, 0.05),
    beta=st.floats(0.0, 3.0),
)
def test_higher_rates_never_raise_coverage(shock: float, extra: float, beta: float) -> None:
    book, firms = example_book(2, 4, seed=5)
    firms["rate_beta"] = beta
    low = policy_path(0.01, np.r_[shock, np.zeros(35)])
    high = low + extra * (np.arange(36) >= 5)
    kw: dict[str, Any] = {"keep": "full", "seed": 8, "n_paths": 3}
    a = simulate(book, firms, low, **kw)
    b = simulate(book, firms, high, **kw)
    assert a.coverage is not None
    assert b.coverage is not None
    assert (b.coverage <= a.coverage * (1 + 1e-12) + 1e-12).all()


_ALL_OUTPUTS = (
    "interest",
    "ebit",
    "coverage",
    "interest_sum",
    "ebit_sum",
    "below_count",
    "below_debt",
    "distressed_count",
    "distressed_debt",
)


def test_same_seed_identical_whatever_the_chunking() -> None:
    book, firms = example_book(4, 9, seed=6)
    rates = policy_path(0.01, np.r_[0.04, np.zeros(29)])
    runs = [
        simulate(book, firms, rates, n_paths=7, seed=42, keep="full", chunk_size=c)
        for c in (None, 1, 3)
    ]
    for other in runs[1:]:
        for name in _ALL_OUTPUTS:
            np.testing.assert_array_equal(getattr(runs[0], name), getattr(other, name))
    different = simulate(book, firms, rates, n_paths=7, seed=43, keep="full")
    assert not np.array_equal(different.ebit, runs[0].ebit)


def _record_draw_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the threads that draw each month's shocks, in call order (a spy on _fill)."""
    import threading

    from divergence.refinancing import _simulate as engine

    threads: list[str] = []
    fill = engine._Shocks._fill

    def spy(self: Any, buf: np.ndarray) -> None:
        threads.append(threading.current_thread().name)
        fill(self, buf)

    monkeypatch.setattr(engine._Shocks, "_fill", spy)
    return threads


@pytest.mark.parametrize(("months", "chunk"), [(1, None), (2, None), (30, None), (30, 3)])
def test_prefetch_on_a_helper_thread_changes_no_number(
    monkeypatch: pytest.MonkeyPatch, months: int, chunk: int | None
) -> None:
    # by default the next month's draws come from a helper thread (forced on for this book):
    # every output equals the run drawing on the calling thread, bit for bit, and the draws
    # really were made on the helper thread (horizon 1 draws nothing; 2 draws one month)
    import threading

    from divergence.refinancing import _simulate as engine

    book, firms = example_book(3, 5, seed=4)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(months - 1)])
    threads = _record_draw_threads(monkeypatch)
    monkeypatch.setattr(engine, "_PREFETCH_MIN", 0)
    # (one worker thread: with several, each worker draws its own shocks, no helper thread)
    kw: dict[str, Any] = {
        "n_paths": 7,
        "seed": 11,
        "keep": "full",
        "chunk_size": chunk,
        "n_threads": 1,
    }
    on = simulate(book, firms, rates, **kw)  # prefetch is on by default
    on_threads, threads[:] = threads[:], []
    off = simulate(book, firms, rates, prefetch=False, **kw)
    n_chunks = 1 if chunk is None else -(-7 // chunk)
    assert len(on_threads) == len(threads) == n_chunks * (months - 1)
    assert all(t.startswith("divergence-shocks") for t in on_threads)
    assert all(t == threading.current_thread().name for t in threads)
    for name in _ALL_OUTPUTS:
        np.testing.assert_array_equal(getattr(on, name), getattr(off, name))


def test_prefetch_error_on_the_helper_thread_reaches_the_caller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a failure while drawing on the helper thread is raised by simulate, and the thread
    # is shut down (no thread left behind)
    import threading

    from divergence.refinancing import _simulate as engine

    def broken(self: Any, buf: np.ndarray) -> None:
        raise RuntimeError("draw failed")

    monkeypatch.setattr(engine._Shocks, "_fill", broken)
    monkeypatch.setattr(engine, "_PREFETCH_MIN", 0)
    book, firms = example_book(2, 2, seed=4)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="draw failed"):
        simulate(book, firms, np.full(6, 0.02), n_paths=3, seed=1, n_threads=1)
    assert threading.active_count() == before
    assert not any(t.name.startswith("divergence-shocks") for t in threading.enumerate())


def test_small_runs_draw_on_the_calling_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    # below _PREFETCH_MIN normals a month the helper thread would cost more than it saves:
    # 7 paths x 9 firms stay on the calling thread even with prefetch=True
    import threading

    from divergence.refinancing import _simulate as engine

    threads = _record_draw_threads(monkeypatch)
    book, firms = example_book(3, 6, seed=4)
    assert engine._PREFETCH_MIN > 7 * (9 + 1)
    simulate(book, firms, np.full(5, 0.02), n_paths=7, seed=1, prefetch=True)
    assert threads == [threading.current_thread().name] * 4


def test_prefetch_must_be_a_bool() -> None:
    book, firms = example_book(1, 1, seed=0)
    with pytest.raises(TypeError, match=r"\bprefetch\b"):
        simulate(book, firms, np.full(3, 0.02), prefetch="yes")  # type: ignore[arg-type]


def test_no_look_ahead_longer_horizon_appends_months() -> None:
    # appending future months to the rate path leaves every earlier month unchanged
    book, firms = example_book(3, 5, seed=9)
    rates = policy_path(0.01, np.r_[0.04, np.zeros(35)])
    short = simulate(book, firms, rates[:24], n_paths=4, seed=5, keep="full")
    long = simulate(book, firms, rates, n_paths=4, seed=5, keep="full")
    for name in ("interest", "ebit", "coverage", "interest_sum", "below_debt"):
        a, b = getattr(short, name), getattr(long, name)
        np.testing.assert_array_equal(a, b[..., :24, :])
    cut = simulate(book, firms, rates, horizon=24, n_paths=4, seed=5, keep="full")
    np.testing.assert_array_equal(cut.coverage, short.coverage)


def test_aggregates_match_full_arrays() -> None:
    # the bincount engine against a direct numpy computation from the firm-level arrays
    book, firms = example_book(3, 10, seed=7)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(29)])
    res = simulate(book, firms, rates, n_paths=5, seed=1, keep="full")
    assert res.coverage is not None
    assert res.interest is not None
    assert res.ebit is not None
    sme = (firms["cohort"] == "SME").to_numpy()
    debt = book.groupby("firm")["principal"].sum().reindex(firms["firm"]).to_numpy()
    below = res.coverage < 1.5
    direct = (below[:, :, sme] * debt[sme]).sum(axis=2) / debt[sme].sum()
    agg = res.share_below(1.5, weight="debt", quantiles=[0.5])
    np.testing.assert_allclose(agg.loc["SME", "mean"].to_numpy(), direct.mean(axis=0))
    count = res.share_below(2.0, quantiles=[0.5]).loc["all", "q0.5"].to_numpy()
    np.testing.assert_allclose(count, np.median((res.coverage < 2.0).mean(axis=2), axis=0))
    # a threshold not kept falls back to the full arrays
    odd = res.share_below(1.7, quantiles=[0.5]).loc["all", "mean"].to_numpy()
    np.testing.assert_allclose(odd, (res.coverage < 1.7).mean(axis=2).mean(axis=0))
    tot = res.path_values("interest")[..., -1]
    np.testing.assert_allclose(tot, res.interest.sum(axis=2), rtol=1e-12)
    cov_agg = res.ebit[..., sme].sum(axis=2) / res.interest[..., sme].sum(axis=2)
    np.testing.assert_allclose(res.path_values("coverage")[..., 1], cov_agg, rtol=1e-12)
    first = res.first_crossing(3.0)["SME"].to_numpy()
    hit = cov_agg < 3.0
    expected = np.where(hit.any(axis=1), hit.argmax(axis=1), np.nan)
    np.testing.assert_array_equal(first, expected)


def _direct_aggregates(
    res: Any, firms: pd.DataFrame, book: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Below-threshold counts / debt and distressed counts recomputed from the full arrays."""
    assert res.coverage is not None
    cov = res.coverage  # (paths, months, firms), firms in frame order
    debt = book.groupby("firm")["principal"].sum().reindex(firms["firm"]).to_numpy()
    groups = [(firms["cohort"] == c).to_numpy() for c in res.cohorts[:-1]]
    groups.append(np.ones(len(firms), dtype=bool))
    below = np.stack([cov < t for t in res.thresholds])  # (K, paths, months, firms)
    count = np.stack([below[..., g].sum(axis=-1) for g in groups], axis=-1)
    at_risk = np.stack([(below[..., g] * debt[g]).sum(axis=-1) for g in groups], axis=-1)
    run = np.zeros(cov.shape[::2], dtype=np.int64)  # (paths, firms): consecutive weak months
    flagged = np.zeros(cov.shape, dtype=bool)
    for m in range(cov.shape[1]):  # the rule written month by month
        run = np.where(cov[:, m] < res.distress.threshold, run + 1, 0)
        flagged[:, m] = run >= res.distress.months
    dist = np.stack([flagged[..., g].sum(axis=-1) for g in groups], axis=-1)
    return count, at_risk, dist


@pytest.mark.parametrize(
    ("thresholds", "rule", "months"),
    [
        ((1.5, 2.5), Distress(1.0, 2), 30),  # small integer counters
        (tuple(np.linspace(0.2, 9.0, 70)), Distress(1.3, 4), 30),  # > 63 thresholds
        ((2.0,), Distress(1.7, 130), 140),  # a run longer than 127 months
        ((1.5,), Distress(1.5, 1), 140),  # distress threshold among the thresholds
    ],
)
def test_aggregates_match_a_direct_count(
    thresholds: tuple[float, ...], rule: Distress, months: int
) -> None:
    # the engine keeps counts in the smallest integer type that fits (bands, run lengths) and
    # skips firm-months above every threshold; a direct numpy count on the full arrays must
    # agree exactly, whatever the number of thresholds or the length of a run
    book, firms = example_book(2, 6, seed=3)
    rates = policy_path(0.01, np.r_[0.06, np.zeros(months - 1)])
    res = simulate(
        book, firms, rates, n_paths=4, seed=5, keep="full", thresholds=thresholds, distress=rule
    )
    count, at_risk, dist = _direct_aggregates(res, firms, book)
    assert count.sum() > 0 and dist.sum() > 0  # the case exercises both outputs
    np.testing.assert_array_equal(res.below_count, count)
    np.testing.assert_allclose(res.below_debt, at_risk, rtol=1e-12)
    np.testing.assert_array_equal(res.distressed_count, dist)


@pytest.mark.parametrize("block_months", [1, 7])
def test_aggregates_written_in_blocks_of_months(
    monkeypatch: pytest.MonkeyPatch, block_months: int
) -> None:
    # the per-month bin sums are turned into outputs a block of months at a time; blocks of
    # one month and of 7 months (30 = 4 x 7 + 2: a short last block) against a direct count
    from divergence.refinancing import _simulate as engine

    book, firms = example_book(2, 6, seed=3)
    rates = policy_path(0.01, np.r_[0.06, np.zeros(29)])
    n_paths, thresholds = 4, (1.5, 2.5)  # with 1.0: 3 thresholds, 4 bands x 2 flags
    bins_per_month = n_paths * 2 * 4 * 2  # paths x cohorts x bands x flag
    monkeypatch.setattr(engine, "_BIN_TARGET", block_months * bins_per_month)
    res = simulate(book, firms, rates, n_paths=n_paths, seed=5, keep="full", thresholds=thresholds)
    count, at_risk, dist = _direct_aggregates(res, firms, book)
    assert count.sum() > 0 and dist.sum() > 0
    np.testing.assert_array_equal(res.below_count, count)
    np.testing.assert_allclose(res.below_debt, at_risk, rtol=1e-12)
    np.testing.assert_array_equal(res.distressed_count, dist)
    monkeypatch.undo()
    whole = simulate(book, firms, rates, n_paths=n_paths, seed=5, thresholds=thresholds)
    for name in ("below_count", "below_debt", "distressed_count", "distressed_debt"):
        np.testing.assert_array_equal(getattr(res, name), getattr(whole, name))


def test_distress_flag_after_n_consecutive_months() -> None:
    # coverage 20 / (100 x 25%) = 0.8 < 1 from month 0: flagged from month N-1 on
    b = bullet(maturity=100, coupon=0.25)
    for rule, first in ((Distress(1.0, 3), 2), (Distress.zombie(), 35)):
        res = simulate(b, one_firm(), np.full(48, 0.02), distress=rule, seed=0)
        flag = res.path_values("distressed_share")[0, :, 0]
        np.testing.assert_array_equal(flag, (np.arange(48) >= first).astype(float))
        dar = res.path_values("debt_at_risk")[0, :, 0]
        np.testing.assert_array_equal(dar, 100.0)


def test_lags_emerge_from_the_book() -> None:
    # SME (floating, short ladders) reach over half of their eventual interest increase within a
    # quarter; mega-caps (long fixed ladders) have not after a year
    book, firms = example_book(20, 40, seed=1)
    firms["volatility"] = 0.0
    shock = policy_path(0.01, np.r_[0.04, np.zeros(119)])
    res = simulate(book, firms, shock, seed=0)
    base = simulate(book, firms, np.full(120, 0.01), seed=0)
    extra = res.path_values("interest")[0] - base.path_values("interest")[0]
    frac = extra / extra[-1]
    mega, sme = res.cohorts.index("mega-cap"), res.cohorts.index("SME")
    assert frac[3, sme] > 0.5
    assert frac[12, mega] < 0.3
    assert frac[60, mega] > frac[12, mega]


def test_to_frame_layout_and_no_mutation() -> None:
    book, firms = example_book(2, 3, seed=2)
    b0, f0 = book.copy(), firms.copy()
    rates = np.tile(policy_path(0.01, np.r_[0.03, np.zeros(11)]), (4, 1))
    r0 = rates.copy()
    res = simulate(book, firms, rates, seed=0)
    pd.testing.assert_frame_equal(book, b0)
    pd.testing.assert_frame_equal(firms, f0)
    np.testing.assert_array_equal(rates, r0)
    frame = res.to_frame()
    assert frame.index.names == ["cohort", "month"]
    assert frame.shape[0] == 3 * 12
    assert ("coverage", "q0.5") in frame.columns
    assert res.n_paths == 4
    np.testing.assert_array_equal(res.base_rate, rates)
    assert res.interest is None


def test_stochastic_rate_paths_end_to_end() -> None:
    # 2-D rates from the exact CIR sampler: one path per row, n_paths taken from the rows
    from divergence.refinancing import cir_paths

    book, firms = example_book(2, 3, seed=1)
    rates = cir_paths(0.02, 0.5, 0.04, 0.1, months=24, n_paths=6, seed=3)
    res = simulate(book, firms, pd.DataFrame(rates), seed=0)
    assert res.n_paths == 6
    np.testing.assert_array_equal(res.base_rate, rates)
    cov = res.path_values("coverage")
    assert np.isfinite(cov).all()
    assert (res.path_values("repriced_share") <= 1 + 1e-12).all()


def test_progress_bar_runs() -> None:
    pytest.importorskip("tqdm")
    res = simulate(bullet(), one_firm(), np.full(6, 0.02), seed=0, progress=True)
    assert res.horizon == 6


# ---------------------------------------------------------------- spread tables
def test_damodaran_book_worked_example() -> None:
    # Damodaran on Valuation (2006), p. 63: EBIT $10m, interest $3m -> ICR 3.33 -> BB, +2.50%
    t = SpreadTable.damodaran_small_2004()
    assert t.rating(10 / 3) == "BB"
    assert t.spread(10 / 3) == pytest.approx(0.025, abs=1e-15)
    assert t.as_of == "2004"


def test_damodaran_web_table_bands() -> None:
    # web table, large firms: 2.50-3.00 -> Baa2/BBB 1.20%; > 8.5 -> AAA 0.45%; <= 0.2 -> D 19%
    t = SpreadTable.damodaran()
    assert t.spread(2.7) == pytest.approx(0.012)
    assert t.spread(np.inf) == pytest.approx(0.0045)
    assert t.spread(-3.0) == pytest.approx(0.19)
    assert "undated" in t.as_of
    frame = t.to_frame()
    assert frame["lower"].iloc[0] == -np.inf
    assert len(frame) == 15


@given(
    ebit=st.floats(-5.0, 50.0),
    other=st.floats(0.0, 5.0),
    principal=st.floats(0.1, 100.0),
    base=st.floats(0.0, 0.15),
)
def test_refinancing_spread_is_a_fixed_point(
    ebit: float, other: float, principal: float, base: float
) -> None:
    # the returned spread reproduces itself through coverage -> table (definition of the
    # fixed point), and with a monotone table the iteration always converges
    t = SpreadTable.damodaran()
    s, ok = t.refinancing_spread(ebit, other, principal, base)
    assert bool(ok)
    interest = other + principal * (base + float(s))
    icr = ebit / interest if interest > 0 else np.inf
    assert float(s) == t.spread(icr)


@given(chunk=st.integers(1, 9), paths=st.integers(1, 9))
def test_chunk_size_never_matters(chunk: int, paths: int) -> None:
    book, firms = example_book(2, 3, seed=11)
    rates = policy_path(0.02, np.r_[0.03, np.zeros(14)])
    a = simulate(book, firms, rates, n_paths=paths, seed=3, chunk_size=chunk)
    b = simulate(book, firms, rates, n_paths=paths, seed=3, chunk_size=paths)
    np.testing.assert_array_equal(a.below_debt, b.below_debt)
    np.testing.assert_array_equal(a.interest_sum, b.interest_sum)


def test_user_table_and_fixed_point_cap() -> None:
    df = pd.DataFrame({"lower": [0.0, 2.0], "rating": ["HY", "IG"], "spread": [0.06, 0.01]})
    t = SpreadTable.from_frame(df, source="desk", as_of="2026-01")
    s, ok = t.refinancing_spread([10.0, 10.0], [0.0, 0.0], [100.0, 100.0], [0.02, 0.09])
    # 10 / (100 x 3%) = 3.3 -> IG stays IG; 10 / (100 x 10%) = 1 -> HY
    np.testing.assert_allclose(s, [0.01, 0.06])
    assert ok.all()
    with pytest.raises(InputError, match="max_iter"):
        t.refinancing_spread(1.0, 0.0, 1.0, 0.0, max_iter=0)


# ---------------------------------------------------------------- bad inputs
def _book_with(**changes: Any) -> pd.DataFrame:
    b = pd.DataFrame(
        {
            "firm": ["a", "a"],
            "principal": [100.0, 50.0],
            "kind": ["fixed", "floating"],
            "coupon": [0.05, np.nan],
            "spread": [np.nan, 0.02],
            "maturity": [12, 6],
            "reset_months": [np.nan, 3],
            "tenor": [24, 24],
        }
    )
    for col, (row, value) in changes.items():
        b[col] = b[col].astype(object) if isinstance(value, str) else b[col].astype(float)
        b.loc[row, col] = value
    return b


@pytest.mark.parametrize(
    ("book", "match"),
    [
        (_book_with(principal=(0, 0.0)), "principal"),
        (_book_with(principal=(0, -5.0)), "principal"),
        (_book_with(maturity=(0, 0)), "maturity"),
        (_book_with(maturity=(1, 1.5)), "maturity"),
        (_book_with(tenor=(0, np.nan)), "tenor"),
        (_book_with(kind=(0, "zero")), "kind"),
        (_book_with(reset_months=(1, 0)), "reset_months"),
        (_book_with(reset_months=(1, np.nan)), "reset_months"),
        (_book_with(coupon=(0, np.nan)), "coupon"),
        (_book_with(spread=(1, np.nan)), "spread"),
        (_book_with(coupon=(0, np.inf)), "coupon"),
        (_book_with(firm=(1, "zz")), "not in firms"),
        (_book_with().drop(columns="tenor"), "tenor"),
        (_book_with().iloc[:0], "empty"),
    ],
)
def test_bad_books(book: pd.DataFrame, match: str) -> None:
    with pytest.raises(InputError, match=match):
        simulate(book, one_firm(), np.full(12, 0.02), seed=0)


def _firms_with(**changes: Any) -> pd.DataFrame:
    f = pd.concat([one_firm(), one_firm().assign(firm="b")], ignore_index=True)
    for col, (row, value) in changes.items():
        f[col] = f[col].astype(object) if value is None or isinstance(value, str) else f[col]
        f.loc[row, col] = value
    return f


@pytest.mark.parametrize(
    ("firms", "match"),
    [
        (_firms_with(firm=(1, "a")), "unique"),
        (_firms_with(volatility=(0, -0.1)), "volatility"),
        (_firms_with(ebit=(0, np.nan)), "ebit"),
        (_firms_with().drop(columns="cohort"), "cohort"),
        (_firms_with(cohort=(1, None)), "cohort"),
    ],
)
def test_bad_firms(firms: pd.DataFrame, match: str) -> None:
    with pytest.raises(InputError, match=match):
        simulate(_book_with(), firms, np.full(12, 0.02), seed=0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        # each message must name the argument as a whole word (r"\bname\b")
        ({"rates": np.full(12, np.nan)}, r"\brates\b"),
        ({"rates": np.zeros((2, 2, 2))}, r"\brates\b"),
        ({"horizon": 13}, r"\bhorizon\b"),
        ({"horizon": 0}, r"\bhorizon\b"),
        ({"rates": np.zeros((3, 12)), "n_paths": 4}, r"\bn_paths\b"),
        ({"keep": "all"}, r"\bkeep\b"),
        ({"ebit_correlation": 1.5}, r"\bebit_correlation\b"),
        ({"ebit_correlation": -0.1}, r"\bebit_correlation\b"),
        ({"max_iter": 0}, r"\bmax_iter\b"),
        ({"chunk_size": 0}, r"\bchunk_size\b"),
        ({"thresholds": [np.nan]}, r"\bthresholds\b"),
        ({"thresholds": [[1.0, 2.0]]}, r"\bthresholds\b"),
        ({"seed": -1}, r"\bseed\b"),
        ({"spread_table": {"other": FLAT2}}, r"\bspread_table\b"),
        ({"keep": "full", "n_paths": 10_000_000}, "keep='full'"),
    ],
)
def test_bad_simulate_arguments(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"rates": np.full(12, 0.02), "seed": 0}
    args.update(kwargs)
    rates = args.pop("rates")
    with pytest.raises(InputError, match=match):
        simulate(_book_with(), one_firm(), rates, **args)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: simulate([1, 2], one_firm(), [0.02]), TypeError, "book"),
        (lambda: simulate(_book_with(), "firms", [0.02]), TypeError, "firms"),
        (lambda: simulate(_book_with(), one_firm(), [0.02], distress=3), TypeError, "distress"),
        (lambda: simulate(_book_with(), one_firm(), [0.02], spread_table=1), TypeError, "spread"),
        (lambda: Distress(1.0, 0), InputError, "distress.months"),
        (lambda: SpreadTable((1.0, 0.5), (0.1, 0.05, 0.01), ("a", "b", "c")), InputError, "edges"),
        (lambda: SpreadTable((1.0,), (0.1,), ("a",)), InputError, "spreads"),
        (lambda: SpreadTable((1.0,), (0.1, -0.1), ("a", "b")), InputError, "spreads"),
        (lambda: SpreadTable.damodaran("medium"), InputError, "firm_size"),  # type: ignore[arg-type]
        (lambda: SpreadTable.damodaran().spread(np.nan), InputError, "coverage"),
        (lambda: DebtBook.from_frame([1]), TypeError, "DataFrame"),  # type: ignore[arg-type]
    ],
)
def test_bad_other_inputs(call: Any, exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        call()


def test_result_method_errors() -> None:
    res = simulate(_book_with(), one_firm(), np.full(12, 0.02), seed=0)
    with pytest.raises(InputError, match="threshold"):
        res.share_below(1.7)
    with pytest.raises(InputError, match="weight"):
        res.share_below(1.0, weight="firms")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="freq"):
        res.maturity_wall(freq="week")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="statistic"):
        res.path_values("leverage")
    with pytest.raises(InputError, match="quantiles"):
        res.to_frame(quantiles=[1.5])


def test_report_section_builds() -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from divergence._sections import SECTION_MODULES
    from divergence._sections import refinancing as section

    assert "refinancing" in SECTION_MODULES
    sec = section.build()
    text = "\n".join(sec.lines)
    assert "+400 bp" in text
    assert "SME" in text
    assert [name for name, _ in sec.figures] == ["maturity_wall", "coverage_fan"]
    for _, draw in sec.figures:
        fig, ax = plt.subplots()
        draw(ax)
        plt.close(fig)


def test_coverage_with_subnormal_interest_is_inf_without_warning() -> None:
    # Found by hypothesis (ebit=1, other interest=5e-324): 1 / 5e-324 overflows; the coverage
    # limit is +inf, and pytest's filterwarnings=error turns any RuntimeWarning into a failure.
    from divergence.refinancing._spreads import _coverage

    out = _coverage(np.array([1.0, -1.0, 2.0]), np.array([5e-324, 5e-324, 4.0]))
    assert out[0] == np.inf and out[1] == -np.inf and out[2] == 0.5
    table = SpreadTable.damodaran("large")
    s, ok = table.refinancing_spread(1.0, 5e-324, 0.0, 0.0)
    assert np.isfinite(s) and bool(np.all(ok))


def test_path_ranges_concatenate_to_the_full_run_bit_for_bit() -> None:
    # The reference is the single local run: the private path-range entry point and the
    # concatenation must reproduce it exactly (per-path streams, per-path arithmetic).
    from divergence.refinancing import vasicek_paths
    from divergence.refinancing._result import _concat_results
    from divergence.refinancing._simulate import _simulate

    book, firms = example_book(4, 9, seed=11)
    rates = vasicek_paths(0.03, 0.5, 0.04, 0.01, months=30, n_paths=7, seed=2)
    ref = simulate(book, firms, rates, seed=5, keep="full")
    cuts = [0, 3, 4, 7]
    parts = [
        _simulate(book, firms, rates[a:b], n_paths=b - a, seed=5, keep="full", first_path=a)
        for a, b in itertools.pairwise(cuts)
    ]
    got = _concat_results(parts)
    assert got.n_paths == ref.n_paths == 7
    assert got.spread_unconverged == ref.spread_unconverged
    for name in (*_ALL_OUTPUTS, "base_rate", "repriced_debt"):
        np.testing.assert_array_equal(getattr(got, name), getattr(ref, name), err_msg=name)
    with pytest.raises(InputError, match="no results"):
        _concat_results([])
    short = simulate(book, firms, rates[:, :10], n_paths=7, seed=5)
    with pytest.raises(InputError, match="different inputs"):
        _concat_results([ref, short])
    with pytest.raises(InputError, match="first_path"):
        _simulate(book, firms, rates, seed=5, first_path=-1)


@given(
    x=st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.sampled_from([0.2, 0.65, 1.25, 2.5, 8.5, 12.0, -0.0]),
        ),
        min_size=1,
        max_size=40,
    ),
    n_edges=st.sampled_from([0, 1, 14, 65, 100]),
)
def test_band_counting_equals_searchsorted(x: list[float], n_edges: int) -> None:
    # independent implementation: numpy's binary search (NaN sorts last, side="right");
    # Damodaran's edges for the small tables, an evenly spaced grid for the large ones
    from divergence.refinancing._spreads import _band

    if n_edges == 14:
        edges = np.asarray(SpreadTable.damodaran().edges, dtype=np.float64)
    else:
        edges = np.linspace(-1.0, 12.0, n_edges)
    arr = np.asarray(x, dtype=np.float64)
    np.testing.assert_array_equal(_band(edges, arr), np.searchsorted(edges, arr, side="right"))
    # long inputs take the counting path (short ones the binary search): repeat the values
    long = np.resize(arr, 8 * len(edges) ** 2 + 3)
    np.testing.assert_array_equal(_band(edges, long), np.searchsorted(edges, long, side="right"))


def test_band_counting_over_several_blocks_and_2d() -> None:
    # independent implementation: np.searchsorted. Inputs longer than one comparison block
    # (and not a multiple of it), 2-D and non-contiguous, with NaN and values on the edges
    from divergence.refinancing._spreads import _BAND_BLOCK, _band

    edges = np.asarray(SpreadTable.damodaran().edges, dtype=np.float64)
    rng = np.random.default_rng(7)
    x = np.exp(rng.normal(0.5, 1.5, 3 * _BAND_BLOCK + 17))
    x[::101] = np.resize(edges, x[::101].size)  # exactly on an edge: side="right"
    x[5::997] = np.nan
    np.testing.assert_array_equal(_band(edges, x), np.searchsorted(edges, x, side="right"))
    x2 = x[:-17].reshape(-1, 64)[:, ::2]  # strided rows
    got = _band(edges, x2)
    assert got.shape == x2.shape
    np.testing.assert_array_equal(got, np.searchsorted(edges, x2, side="right"))


def test_shared_rate_path_equals_the_same_path_on_every_row() -> None:
    # a 1-D rate path is stored once; the same path given as 2-D rows must give the same bits
    book, firms = example_book(4, 8, seed=2)
    rates = policy_path(0.01, np.r_[0.03, np.zeros(29)])
    one = simulate(book, firms, rates, n_paths=5, seed=9, keep="full")
    rows = simulate(book, firms, np.tile(rates, (5, 1)), seed=9, keep="full")
    for name in ("interest", "ebit", "interest_sum", "below_debt", "distressed_count"):
        np.testing.assert_array_equal(getattr(one, name), getattr(rows, name))


# ------------------------------------------------------------- gaps found by mutation testing
def test_zombie_rule_is_the_bis_definition() -> None:
    # Banerjee & Hofmann (2018): interest coverage below 1 for three consecutive years
    assert Distress.zombie() == Distress(threshold=1.0, months=36)


def test_share_below_full_arrays_by_cohort_and_debt() -> None:
    # thresholds not kept fall back to the firm-level arrays: check every cohort and both
    # weightings against a direct pandas groupby on those arrays (an independent route)
    book, firms = example_book(3, 6, seed=4)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(23)])
    res = simulate(book, firms, rates, n_paths=3, seed=2, keep="full")
    assert res.coverage is not None
    debt = book.groupby("firm")["principal"].sum().reindex(firms["firm"]).to_numpy()
    for thr in (1.7, 3.3):
        below = res.coverage < thr  # (paths, months, firms)
        for weight, w in (("count", np.ones_like(debt)), ("debt", debt)):
            got = res.share_below(thr, weight=weight, quantiles=[0.5])  # type: ignore[arg-type]
            for cohort, grp in firms.groupby("cohort"):
                cols = grp.index.to_numpy()
                direct = (below[..., cols] * w[cols]).sum(axis=2) / w[cols].sum()
                np.testing.assert_allclose(
                    got.loc[cohort, "mean"].to_numpy(), direct.mean(axis=0), rtol=1e-12
                )
            direct_all = (below * w).sum(axis=2) / w.sum()
            np.testing.assert_allclose(
                got.loc["all", "mean"].to_numpy(), direct_all.mean(axis=0), rtol=1e-12
            )


def test_share_below_and_first_crossing_are_strict_and_per_path() -> None:
    # one fixed bullet, 100 at 5% until month 12, then base + flat 2%; EBIT 20 (no growth/vol):
    # coverage 4 until month 11, then 20 / (100 (base + 0.02)): 5 on path 0 (base 2%),
    # 2.5 on path 1 (base 6%)
    rates = np.vstack([np.full(24, 0.02), policy_path(0.02, [0.0, 0.04] + [0.0] * 22)])
    res = simulate(bullet(), one_firm(), rates, keep="full", spread_table=FLAT2, seed=0)
    first = res.first_crossing(3.0)
    assert first.index.name == "path"
    np.testing.assert_array_equal(first["c"].to_numpy(), [np.nan, 12.0])
    share = res.share_below(3.0, quantiles=[0.5]).loc["c", "mean"].to_numpy()
    np.testing.assert_allclose(share, np.r_[np.zeros(12), np.full(12, 0.5)])
    # strictly below: a constant coverage (about 20 / 25 = 0.8) used as the threshold itself
    exact = simulate(
        bullet(maturity=100, coupon=0.25), one_firm(), np.full(12, 0.02), keep="full", seed=0
    )
    assert exact.coverage is not None
    c = float(exact.coverage[0, 0, 0])
    assert c == pytest.approx(0.8, rel=1e-12) and (exact.coverage == c).all()
    assert np.isnan(exact.first_crossing(c)["c"].to_numpy()).all()
    np.testing.assert_allclose(exact.share_below(c).loc["c", "mean"].to_numpy(), 0.0)
    np.testing.assert_allclose(exact.share_below(np.nextafter(c, 1.0)).loc["c", "mean"], 1.0)
    np.testing.assert_array_equal(exact.first_crossing(np.nextafter(c, 1.0))["c"], [0.0])
    # an infinite threshold is allowed: every finite coverage is below it
    np.testing.assert_array_equal(res.first_crossing(np.inf)["c"].to_numpy(), [0.0, 0.0])
    np.testing.assert_allclose(res.share_below(np.inf).loc["c", "mean"].to_numpy(), 1.0)
    for call, pattern in (
        (lambda: res.share_below(np.nan), r"^threshold must be"),
        (lambda: res.first_crossing(np.nan), r"^threshold must be"),
        (lambda: res.share_below(1.0, weight="firms"), r"^weight must be one of"),
    ):
        with pytest.raises(InputError, match=pattern):
            call()  # type: ignore[no-untyped-call]


def test_to_frame_column_level_names() -> None:
    res = simulate(bullet(), one_firm(), np.full(12, 0.02), spread_table=FLAT2, seed=0)
    assert list(res.to_frame().columns.names) == ["statistic", "summary"]


def test_example_book_matches_its_documented_calibration() -> None:
    # the facts stated in example_book's docstring, checked on a large draw
    book, firms = example_book(300, 600, r0=0.02, tranches=6, seed=3)
    cohort = firms.set_index("firm")["cohort"]
    book = book.assign(cohort=book["firm"].map(cohort))
    mega, sme = book[book["cohort"] == "mega-cap"], book[book["cohort"] == "SME"]
    assert firms["cohort"].value_counts().to_dict() == {"SME": 600, "mega-cap": 300}
    assert (book.groupby("firm").size() == 6).all()

    def floating_share(rows: pd.DataFrame) -> pd.Series:
        fl = rows["principal"].where(rows["kind"] == "floating", 0.0)
        return fl.groupby(rows["firm"]).sum() / rows.groupby("firm")["principal"].sum()

    np.testing.assert_allclose(floating_share(mega), 0.05, rtol=1e-12)
    np.testing.assert_allclose(floating_share(sme), 0.85, rtol=1e-12)
    m_fix, m_fl = mega[mega["kind"] == "fixed"], mega[mega["kind"] == "floating"]
    s_fix, s_fl = sme[sme["kind"] == "fixed"], sme[sme["kind"] == "floating"]
    # ladders: mega fixed 1-156 months (13-year tenor), SME floating 1-48 (4 years), SME fixed
    # 1-60 (5 years); mega floating: 1-month reset
    assert (m_fix["maturity"].min(), m_fix["maturity"].max()) == (1, 156)
    assert (s_fl["maturity"].min(), s_fl["maturity"].max()) == (1, 48)
    assert (s_fix["maturity"].min(), s_fix["maturity"].max()) == (1, 60)
    assert set(m_fix["tenor"]) == {156} and set(s_fl["tenor"]) == {48}
    assert set(s_fix["tenor"]) == {60}
    assert set(m_fl["reset_months"]) == {1.0}
    assert set(s_fl["reset_months"]) == {1.0, 2.0, 3.0}
    assert (s_fl["first_reset"] <= s_fl["reset_months"]).all()
    # rates: r0 + spread (SME floating 4.5-6.5%; SME fixed about r0 + 5%; mega IG 0.6-1.5%)
    assert s_fl["spread"].between(0.045, 0.065).all()
    np.testing.assert_allclose(s_fl["coupon"], 0.02 + s_fl["spread"], rtol=1e-12)
    assert (s_fix["coupon"] - 0.02).between(0.04, 0.06).all()
    assert (s_fix["coupon"] - 0.02).mean() == pytest.approx(0.05, abs=0.002)
    assert (m_fix["coupon"] - 0.02).between(0.006, 0.015).all()
    # current coverage (EBIT / current interest): mega-caps about 8-15, SMEs about 2-4
    interest = (book["principal"] * book["coupon"]).groupby(book["firm"]).sum()
    cover = firms.set_index("firm")["ebit"] / interest
    assert 8.0 < cover[cohort == "mega-cap"].median() < 15.0
    assert 2.0 < cover[cohort == "SME"].median() < 4.0
    # a higher r0 shifts every coupon by the difference (same seed, same draws)
    book_hi, _ = example_book(300, 600, r0=0.05, tranches=6, seed=3)
    np.testing.assert_allclose(book_hi["coupon"] - book["coupon"], 0.03, rtol=1e-9)
    # fewest tranches: one fixed and one floating per firm
    two, _ = example_book(2, 2, tranches=2, seed=0)
    kinds = two.groupby("firm")["kind"].agg(lambda s: tuple(sorted(s)))
    assert len(kinds) == 4 and set(kinds) == {("fixed", "floating")}
    for kwargs, pattern in (
        ({"n_mega": 0}, r"^n_mega must be >= 1"),
        ({"n_sme": 0}, r"^n_sme must be >= 1"),
        ({"tranches": 1}, r"^tranches must be >= 2"),
        ({"r0": np.nan}, r"^r0 must be a finite"),
    ):
        with pytest.raises(InputError, match=pattern):
            example_book(**kwargs)  # type: ignore[arg-type]


def test_path_values_for_a_firm_between_the_lines() -> None:
    # EBIT 20, 100 at 12.5% (no refinancing within the horizon): interest 12.5, coverage 1.6,
    # i.e. below 2 but not below 1: not debt-at-risk, not distressed under the default rule
    b = bullet(maturity=100, coupon=0.125)
    res = simulate(b, one_firm(), np.full(6, 0.02), distress=Distress(2.0, 3), seed=0)
    np.testing.assert_allclose(res.path_values("ebit")[0, :, 0], 20.0, rtol=1e-12)
    np.testing.assert_allclose(res.path_values("interest")[0, :, 0], 12.5, rtol=1e-12)
    np.testing.assert_allclose(res.path_values("coverage")[0, :, 0], 1.6, rtol=1e-12)
    np.testing.assert_array_equal(res.path_values("debt_at_risk")[0, :, 0], 0.0)
    np.testing.assert_array_equal(res.path_values("debt_at_risk_share")[0, :, 0], 0.0)
    np.testing.assert_array_equal(res.path_values("repriced_share")[0, :, 0], 0.0)
    # the distress rule here is "below 2 for 3 months": flagged from month 2 on, all its debt
    flagged = (np.arange(6) >= 2).astype(float)
    np.testing.assert_array_equal(res.path_values("distressed_debt_share")[0, :, 0], flagged)
    np.testing.assert_array_equal(res.path_values("distressed_share")[0, :, 0], flagged)
    with pytest.raises(InputError, match=r"^statistic must be one of"):
        res.path_values("ebitda")


def test_summary_quantiles_include_the_extremes() -> None:
    book, firms = example_book(2, 3, seed=2)
    rates = np.tile(policy_path(0.01, np.r_[0.03, np.zeros(11)]), (5, 1))
    rates += np.linspace(0.0, 0.02, 5)[:, None]
    res = simulate(book, firms, rates, seed=0)
    frame = res.to_frame(quantiles=[0.0, 1.0])
    cov = res.path_values("coverage")  # (paths, months, cohorts)
    got = frame[("coverage", "q1")].unstack("month").loc[list(res.cohorts)].to_numpy()
    np.testing.assert_allclose(got, cov.max(axis=0).T, rtol=1e-12)
    got0 = frame[("coverage", "q0")].unstack("month").loc[list(res.cohorts)].to_numpy()
    np.testing.assert_allclose(got0, cov.min(axis=0).T, rtol=1e-12)
    for q in ([-0.1], [np.nan], [1.5]):
        with pytest.raises(InputError, match=r"^quantiles "):
            res.to_frame(quantiles=q)


def test_maturity_wall_by_kind_hand_book() -> None:
    # fixed 100 due month 12 (year 1), floating 50 due month 13 (year 2), fixed 30 due month
    # 40 (year 4); year 3 is empty (0, not missing)
    book = pd.DataFrame(
        {
            "firm": ["a", "a", "b"],
            "principal": [100.0, 50.0, 30.0],
            "kind": ["fixed", "floating", "fixed"],
            "coupon": [0.05, np.nan, 0.06],
            "spread": [np.nan, 0.02, np.nan],
            "maturity": [12, 13, 40],
            "reset_months": [np.nan, 3.0, np.nan],
            "tenor": [60, 60, 60],
        }
    )
    firms = pd.concat([one_firm(cohort="c"), one_firm(cohort="d").assign(firm="b")])
    res = simulate(book, firms, np.full(6, 0.02), spread_table=FLAT2, seed=0)
    wall = res.maturity_wall(by="kind")
    assert wall.index.name == "year" and wall.columns.name == "kind"
    assert list(wall.index) == [1, 2, 3, 4]
    assert list(wall.columns) == ["fixed", "floating"]
    np.testing.assert_array_equal(wall["fixed"], [100.0, 0.0, 0.0, 30.0])
    np.testing.assert_array_equal(wall["floating"], [0.0, 50.0, 0.0, 0.0])
    quarters = res.maturity_wall(freq="quarter")
    assert quarters.index.name == "quarter" and len(quarters) == 14
    assert list(quarters.columns) == ["c", "d"]
    assert quarters.loc[4, "c"] == 100.0 and quarters.loc[5, "c"] == 50.0
    assert quarters.loc[14, "d"] == 30.0 and quarters.to_numpy().sum() == 180.0
    for kwargs, pattern in (({"freq": "week"}, r"^freq must be"), ({"by": "x"}, r"^by must be")):
        with pytest.raises(InputError, match=pattern):
            res.maturity_wall(**kwargs)  # type: ignore[arg-type]


def test_refinancing_spread_depends_on_the_starting_coverage() -> None:
    # two bands: coverage >= 2 -> 1%, below -> 5%. E = 10, P = 100 at base 4%:
    # from coverage 10/4 = 2.5 (default start): 1% -> ICR 10/5 = 2.0 -> stays at 1%;
    # from coverage 1: 5% -> ICR 10/9 = 1.1 -> stays at 5% (two fixed points, by hand)
    t = SpreadTable((2.0,), (0.05, 0.01), ("junk", "ig"), source="test", as_of="test")
    s, ok = t.refinancing_spread(10.0, 0.0, 100.0, 0.04)
    assert float(s) == 0.01 and bool(ok)
    s, ok = t.refinancing_spread(10.0, 0.0, 100.0, 0.04, initial_coverage=[1.0, 3.0])
    np.testing.assert_array_equal(s, [0.05, 0.01])
    assert ok.all()
    # one step from coverage 3 at base 7%: 1% -> ICR 10/8 = 1.25 -> 5%, not yet converged
    s, ok = t.refinancing_spread(10.0, 0.0, 100.0, 0.07, initial_coverage=3.0, max_iter=1)
    assert float(s) == 0.05 and not bool(ok)
    s, ok = t.refinancing_spread(10.0, 0.0, 100.0, 0.07, initial_coverage=3.0, max_iter=2)
    assert float(s) == 0.05 and bool(ok)
    with pytest.raises(InputError, match=r"^initial_coverage must be a finite number, got nan"):
        t.refinancing_spread(10.0, 0.0, 100.0, 0.04, initial_coverage=np.nan)
    with pytest.raises(InputError, match=r"^max_iter must be >= 1"):
        t.refinancing_spread(10.0, 0.0, 100.0, 0.04, max_iter=0)
    # scalar in, float out; array in, array out
    assert type(t.spread(2.5)) is float and t.spread(2.5) == 0.01
    np.testing.assert_array_equal(t.spread(np.array([1.0, 2.0])), [0.05, 0.01])
    with pytest.raises(InputError, match=r"^coverage has 1 NaN value"):
        t.band(np.array([np.nan]))


def test_policy_path_per_path_shocks() -> None:
    # r_t = r0 + cumulative shocks along months, separately on each path (row)
    shocks = np.array([[0.01, 0.0, -0.005], [0.0, 0.02, 0.0]])
    np.testing.assert_allclose(
        policy_path(0.01, shocks), [[0.02, 0.02, 0.015], [0.01, 0.03, 0.03]], atol=1e-15
    )
    with pytest.raises(InputError, match=r"^r0 must be a finite"):
        policy_path(np.nan, [0.0])
    with pytest.raises(InputError, match=r"^shocks "):
        policy_path(0.01, [0.0, np.nan])


def test_per_cohort_spread_tables() -> None:
    # two identical bullets in cohorts c, d and e; c and e share the 2% table, d pays 5%:
    # refinanced at month 12 at base 2% + the cohort's spread (hand calculation)
    flat5 = SpreadTable((), (0.05,), ("flat",), source="test", as_of="test")
    book = pd.concat([bullet().assign(firm=f) for f in ("a", "b", "e")], ignore_index=True)
    firms = pd.concat(
        [one_firm(cohort=c).assign(firm=f) for f, c in (("a", "c"), ("b", "d"), ("e", "e"))]
    )
    tables = {"c": FLAT2, "d": flat5, "e": FLAT2}
    res = simulate(book, firms, np.full(24, 0.02), keep="full", spread_table=tables, seed=0)
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, 12:, 0], (0.02 + 0.02) * 100.0, rtol=1e-14)
    np.testing.assert_allclose(res.interest[0, 12:, 1], (0.02 + 0.05) * 100.0, rtol=1e-14)
    np.testing.assert_allclose(res.interest[0, 12:, 2], (0.02 + 0.02) * 100.0, rtol=1e-14)
    with pytest.raises(InputError, match=r"^spread_table has no table for cohort\(s\) \['e'\]"):
        simulate(book, firms, np.full(24, 0.02), spread_table={"c": FLAT2, "d": flat5})
    with pytest.raises(TypeError, match=r"^spread_table\['d'\] must be a SpreadTable$"):
        simulate(book, firms, np.full(24, 0.02), spread_table={"c": FLAT2, "d": 0.05, "e": FLAT2})  # type: ignore[dict-item]
    with pytest.raises(
        TypeError, match=r"^spread_table must be a SpreadTable or a dict .* got list"
    ):
        simulate(book, firms, np.full(24, 0.02), spread_table=[FLAT2])  # type: ignore[arg-type]


def test_rate_beta_scales_ebit_with_the_base_rate() -> None:
    # EBIT_t = EBIT_0 exp(-beta (r_t - r_0)): beta 2, base 2% then 5% from month 6
    rates = policy_path(0.02, [0.0] * 6 + [0.03] + [0.0] * 5)
    firms = one_firm().assign(rate_beta=2.0)
    res = simulate(bullet(maturity=100), firms, rates, keep="full", seed=0)
    assert res.ebit is not None
    np.testing.assert_allclose(res.ebit[0, :6, 0], 20.0, rtol=1e-12)
    np.testing.assert_allclose(res.ebit[0, 6:, 0], 20.0 * np.exp(-2.0 * 0.03), rtol=1e-12)
    with pytest.raises(InputError, match=r"^firms\['rate_beta'\] "):
        simulate(bullet(), one_firm().assign(rate_beta=np.nan), np.full(12, 0.02))


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        ({"growth": np.nan}, r"^firms\['growth'\] "),
        ({"volatility": np.nan}, r"^firms\['volatility'\] "),
        ({"volatility": -0.1}, r"^firms\['volatility'\] "),
        ({"ebit": np.nan}, r"^firms\['ebit'\] "),
        ({"cohort": None}, r"^firms\['cohort'\] "),
        ({"firm": None}, r"^firms\['firm'\] has missing labels"),
    ],
)
def test_firms_table_messages(change: dict[str, object], pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        simulate(bullet(), one_firm().assign(**change), np.full(12, 0.02))


def test_firms_duplicate_and_type_messages() -> None:
    two = pd.concat([one_firm(), one_firm()])
    with pytest.raises(InputError, match=r"appears more than once"):
        simulate(bullet(), two, np.full(12, 0.02))
    with pytest.raises(TypeError, match=r"^firms must be a DataFrame, got dict$"):
        simulate(bullet(), one_firm().to_dict(), np.full(12, 0.02))  # type: ignore[arg-type]


def test_small_principal_and_firms_without_debt() -> None:
    # a tranche of 0.5 at 5% pays 0.025 a year (coverage 20 / 0.025 = 800); a firm with no
    # tranche has coverage +inf whatever its EBIT (also 0 or negative), without warnings
    book = bullet(maturity=100).assign(principal=0.5)
    firms = pd.concat(
        [
            one_firm(),
            one_firm(ebit=-5.0).assign(firm="b"),
            one_firm(ebit=0.0).assign(firm="z"),
        ]
    )
    res = simulate(book, firms, np.full(6, 0.02), keep="full", seed=0)
    assert res.coverage is not None and res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], 0.025, rtol=1e-12)
    np.testing.assert_allclose(res.coverage[0, :, 0], 800.0, rtol=1e-12)
    assert (res.coverage[0, :, 1:] == np.inf).all()
    # one deterministic path (1-D rates) -> one path; n_paths must be >= 1
    assert res.n_paths == 1
    with pytest.raises(InputError, match=r"^n_paths must be >= 1"):
        simulate(book, firms, np.full(6, 0.02), n_paths=0)


# ---------------------------------------------------------------- engine corners (mutation testing)
def _floating(
    firm: str = "a",
    principal: float = 50.0,
    coupon: float = np.nan,
    reset: int = 4,
    first: float = np.nan,
    spread: float = 0.03,
) -> dict[str, Any]:
    return {
        "firm": firm,
        "principal": principal,
        "kind": "floating",
        "coupon": coupon,
        "spread": spread,
        "maturity": 100,
        "reset_months": reset,
        "first_reset": first,
        "tenor": 12,
    }


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


def test_floating_fixed_at_month_zero_then_at_its_first_reset() -> None:
    # no current fixing: fixed from the rate path at month 0, then at first_reset = 2 and
    # every reset_months = 4 after it (months 0, 2, 6, 10), written out by hand
    base = 0.02 + 0.001 * np.arange(12)
    book = pd.DataFrame([_floating(first=2)])
    res = simulate(book, one_firm(), base, keep="full", seed=0)
    assert res.interest is not None
    fixes = np.r_[[base[0]] * 2, [base[2]] * 4, [base[6]] * 4, [base[10]] * 2]
    np.testing.assert_allclose(res.interest[0, :, 0], (fixes + 0.03) * 50.0, rtol=1e-14)


def test_a_tranche_under_one_unit_of_principal_refinances() -> None:
    # principal 0.4 (any money unit): 5% until month 6, then base 3% + the flat 2% spread
    book = bullet(maturity=6).assign(principal=0.4)
    res = simulate(book, one_firm(), np.full(12, 0.03), keep="full", spread_table=FLAT2, seed=0)
    assert res.interest is not None
    expected = np.r_[[0.05] * 6, [0.05] * 6] * 0.4  # 0.03 + 0.02 = 0.05 after month 6 too
    np.testing.assert_allclose(res.interest[0, :, 0], expected, rtol=1e-14)
    res2 = simulate(book, one_firm(), np.full(12, 0.06), keep="full", spread_table=FLAT2, seed=0)
    assert res2.interest is not None
    np.testing.assert_allclose(res2.interest[0, 6:, 0], 0.4 * 0.08, rtol=1e-14)


def test_repriced_debt_month_by_month_on_a_hand_book() -> None:
    # 40 floating without a fixing reprices at month 0, 60 floating with one at its first
    # reset (month 3), the fixed 100 at its maturity (month 5); counted once, never removed
    book = pd.DataFrame(
        [
            _floating(principal=40.0),
            _floating(principal=60.0, coupon=0.04, reset=3),
            _fixed("a", 100.0, 0.05, maturity=5),
        ]
    )
    res = simulate(book, one_firm(ebit=50.0), np.full(9, 0.02), spread_table=FLAT2, seed=0)
    expected = np.r_[[40.0] * 3, [100.0] * 2, [200.0] * 4]
    np.testing.assert_array_equal(res.repriced_debt[:, 0], expected)
    np.testing.assert_array_equal(res.repriced_debt[:, -1], expected)


@pytest.mark.parametrize("two_d", [False, True])
def test_a_minority_of_firms_refixing_in_a_month(two_d: bool) -> None:
    # one floating firm among four: in its reset months a minority of firms re-fix, the path
    # the engine takes without recomputing every firm; interest by hand, per rate path
    base = 0.01 + 0.001 * np.arange(12)
    rates = np.vstack([base, 2 * base]) if two_d else base
    rows = [_floating("a", 80.0, coupon=0.04, reset=3, spread=0.01)]
    rows += [_fixed(f, 50.0, 0.03 + 0.01 * k) for k, f in enumerate("bcd")]
    firms = pd.DataFrame(
        {
            "firm": list("abcd"),
            "ebit": [10.0, 10.0, 10.0, 10.0],
            "growth": 0.0,
            "volatility": 0.0,
            "cohort": ["x", "x", "y", "y"],
        }
    )
    res = simulate(pd.DataFrame(rows), firms, rates, n_paths=2, keep="full", seed=0)
    assert res.interest is not None
    for path, r in enumerate(np.atleast_2d(rates) if two_d else [base, base]):
        fix = np.r_[[0.04] * 3, [r[3] + 0.01] * 3, [r[6] + 0.01] * 3, [r[9] + 0.01] * 3]
        np.testing.assert_allclose(res.interest[path, :, 0], 80.0 * fix, rtol=1e-14)
        for k in range(3):
            np.testing.assert_allclose(res.interest[path, :, 1 + k], 50.0 * (0.03 + 0.01 * k))


def test_coverage_of_zero_and_small_interest_in_the_counts() -> None:
    # zero interest is "no debt burden" (+inf coverage) even with negative EBIT, so it is
    # never below a threshold; interest 0.5 with EBIT 0.2 is coverage 0.4, below every one
    zero = simulate(bullet(maturity=100, coupon=0.0), one_firm(ebit=-20.0), np.full(3, 0.02))
    assert zero.below_count.sum() == 0 and zero.distressed_count.sum() == 0
    small = simulate(bullet(maturity=100, coupon=0.005), one_firm(ebit=0.2), np.full(3, 0.02))
    np.testing.assert_array_equal(small.below_count[:, 0, :, 0], 1.0)


def test_overflowing_coverage_counts_as_infinite_without_a_warning() -> None:
    # EBIT 1e100 over a subnormal interest (1e-100 x 1e-220) overflows to +inf: above every
    # threshold (pytest turns any RuntimeWarning into an error)
    book = bullet(maturity=100, coupon=1e-220).assign(principal=1e-100)
    res = simulate(book, one_firm(ebit=1e100), np.full(3, 0.02), keep="full")
    assert res.coverage is not None
    assert np.isposinf(res.coverage).all()
    assert res.below_count.sum() == 0


def test_n_paths_is_checked_against_two_dimensional_rates() -> None:
    rates = np.full((3, 6), 0.02)
    with pytest.raises(InputError, match=r"\bn_paths\b"):
        simulate(bullet(), one_firm(), rates, n_paths=0)
    with pytest.raises(InputError, match=r"n_paths=2 does not match the 3 rate paths"):
        simulate(bullet(), one_firm(), rates, n_paths=2)


def test_no_progress_bar_by_default_and_one_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    simulate(bullet(), one_firm(), np.full(6, 0.02), seed=0)
    assert capsys.readouterr().err == ""
    pytest.importorskip("tqdm")
    simulate(bullet(), one_firm(), np.full(6, 0.02), seed=0, progress=True)
    err = capsys.readouterr().err
    assert re.search(r"\brefinancing\b", err) and re.search(r"\bchunk\b", err)


def test_all_nan_coupon_or_spread_columns_are_valid() -> None:
    # an all-floating book without current fixings (coupon all NaN) and an all-fixed book
    # whose spread column is all NaN are complete books; a fixed tranche without a coupon
    # is still refused
    floating = pd.DataFrame([_floating(), _floating(principal=10.0)])
    assert np.isnan(DebtBook.from_frame(floating).coupon).all()
    fixed = bullet().assign(spread=np.nan)
    assert np.isnan(DebtBook.from_frame(fixed).spread).all()
    with pytest.raises(InputError, match=r"frame\['coupon'\] is required for fixed"):
        DebtBook.from_frame(bullet().assign(coupon=np.nan))


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"progress": "yes"}, TypeError, r"\bprogress\b"),
        ({"horizon": 2.5}, TypeError, r"\bhorizon\b"),
        ({"distress": 3}, TypeError, r"distress must be a Distress, got int"),
    ],
)
def test_simulate_argument_types(kwargs: dict[str, Any], exc: type[Exception], match: str) -> None:
    with pytest.raises(exc, match=match):
        simulate(bullet(), one_firm(), np.full(6, 0.02), seed=0, **kwargs)


def test_smallest_valid_horizon_and_spread_iterations() -> None:
    # horizon=1 and max_iter=1 are valid (minimum 1); 1.0 is always a kept threshold
    res = simulate(bullet(), one_firm(), np.full(6, 0.02), horizon=1, max_iter=1)
    assert res.horizon == 1
    assert simulate(bullet(), one_firm(), np.full(3, 0.02), thresholds=(1.5,)).thresholds == (
        1.0,
        1.5,
    )


def test_private_first_path_is_validated() -> None:
    from divergence.refinancing._simulate import _simulate

    with pytest.raises(InputError, match=r"\bfirst_path\b"):
        _simulate(bullet(), one_firm(), np.full(3, 0.02), first_path=-1)


def test_keep_full_limit_message_counts_values() -> None:
    # 25,001 paths x 1,000 months x 2 firms = 50,002,000 values > 50,000,000
    book = pd.concat([bullet(), bullet().assign(firm="b")], ignore_index=True)
    firms = pd.concat([one_firm(), one_firm().assign(firm="b")], ignore_index=True)
    with pytest.raises(InputError, match=r"store 50,002,000 values per array"):
        simulate(book, firms, np.full(1000, 0.02), n_paths=25_001, keep="full")


def test_missing_firm_message_names_the_first_one() -> None:
    book = pd.concat([bullet(), bullet().assign(firm="zz")], ignore_index=True)
    with pytest.raises(InputError, match=r"book has 1 tranche\(s\) whose firm .*first 'zz'"):
        simulate(book, one_firm(), np.full(3, 0.02))


def test_tranche_order_and_uneven_books_do_not_matter() -> None:
    # firm a has two tranches, b one (padding slots); rows interleaved (a, b, a) or sorted
    # give the same interest, by hand: a = 100 x 5% + 40 x (2% + 3%), b = 70 x 6%
    rows = [
        _fixed("a", 100.0, 0.05),
        _fixed("b", 70.0, 0.06),
        _floating("a", 40.0, coupon=0.05, reset=3, spread=0.03),
    ]
    firms = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [20.0, 9.0],
            "growth": 0.0,
            "volatility": 0.0,
            "cohort": ["x", "y"],
        }
    )
    rates = np.full(6, 0.02)
    runs = [
        simulate(pd.DataFrame(order), firms, rates, keep="full", seed=0)
        for order in (rows, [rows[0], rows[2], rows[1]])
    ]
    for res in runs:
        assert res.interest is not None
        np.testing.assert_allclose(res.interest[0, :, 0], 100 * 0.05 + 40 * 0.05, rtol=1e-14)
        np.testing.assert_allclose(res.interest[0, :, 1], 70 * 0.06, rtol=1e-14)
        # repriced debt by cohort: a's floating 40 from its first reset (month 3)
        np.testing.assert_array_equal(res.repriced_debt[:, 0], [0, 0, 0, 40, 40, 40])
        np.testing.assert_array_equal(res.repriced_debt[:, 1], 0.0)


def test_ebit_mean_grows_at_the_growth_rate() -> None:
    # log EBIT drifts by (g - sigma^2 / 2) / 12 a month, so E[EBIT_t] = EBIT_0 exp(g t / 12)
    # (lognormal mean, closed form); 4,000 paths: standard error of the mean about 0.5%
    firms = one_firm(ebit=10.0).assign(growth=0.05, volatility=0.3)
    res = simulate(bullet(maturity=100), firms, np.full(13, 0.02), n_paths=4000, seed=3)
    ebit12 = res.path_values("ebit")[:, 12, 0]
    assert ebit12.mean() == pytest.approx(10.0 * np.exp(0.05), rel=0.02)
    median = 10.0 * np.exp(0.05 - 0.5 * 0.09)
    assert np.median(ebit12) == pytest.approx(median, rel=0.02)


def test_unit_rate_beta_zero_and_negative_ebit() -> None:
    # beta exactly 1: EBIT_t = EBIT_0 exp(-(r_t - r_0)); EBIT 0 stays 0; a negative EBIT keeps
    # its sign (coverage below zero)
    rates = policy_path(0.02, [0.0] * 3 + [0.01] + [0.0] * 2)
    res = simulate(bullet(maturity=100), one_firm().assign(rate_beta=1.0), rates, keep="full")
    assert res.ebit is not None
    np.testing.assert_allclose(res.ebit[0, 3:, 0], 20.0 * np.exp(-0.01), rtol=1e-12)
    zero = simulate(bullet(maturity=100), one_firm(ebit=0.0), np.full(3, 0.02), keep="full")
    assert zero.ebit is not None
    np.testing.assert_array_equal(zero.ebit, 0.0)
    neg = simulate(bullet(maturity=100), one_firm(ebit=-5.0), np.full(3, 0.02), keep="full")
    assert neg.ebit is not None and neg.coverage is not None
    np.testing.assert_allclose(neg.ebit, -5.0)
    np.testing.assert_allclose(neg.coverage, -1.0)  # -5 / (100 x 5%)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rates": np.r_[0.02, np.nan, 0.02]}, r"^rates has 1 NaN"),
        ({"thresholds": [1.5, np.nan]}, r"^thresholds has 1 NaN"),
    ],
)
def test_one_nan_in_rates_or_thresholds(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"rates": np.full(3, 0.02)}
    args.update(kwargs)
    rates = args.pop("rates")
    with pytest.raises(InputError, match=match):
        simulate(bullet(), one_firm(), rates, **args)


def _two_firms(vol: float = 0.3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [10.0, 10.0],
            "growth": 0.0,
            "volatility": vol,
            "cohort": ["x", "x"],
        }
    )


def _two_bullets() -> pd.DataFrame:
    return pd.concat([bullet(maturity=100), bullet(maturity=100).assign(firm="b")])


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.7])
def test_log_ebit_variance_and_cross_firm_correlation(rho: float) -> None:
    # log EBIT after 12 months: variance vol^2 = 0.09 (one year of monthly vol / sqrt(12));
    # correlation between two firms = ebit_correlation (one common factor); EBIT at month 0
    # is the input (no shock yet). 4,000 paths: standard errors about 2.2% of the variance
    # and 0.015 for the correlation
    res = simulate(
        _two_bullets(),
        _two_firms(),
        np.full(13, 0.02),
        n_paths=4000,
        seed=11,
        ebit_correlation=rho,
        keep="full",
    )
    assert res.ebit is not None
    np.testing.assert_allclose(res.ebit[:, 0, :], 10.0, rtol=1e-15)  # exp(log 10)
    logs = np.log(res.ebit[:, 12, :])
    assert logs.var(axis=0) == pytest.approx([0.09, 0.09], rel=0.045)
    assert np.corrcoef(logs[:, 0], logs[:, 1])[0, 1] == pytest.approx(rho, abs=0.05)


def test_perfectly_correlated_firms_move_together() -> None:
    # ebit_correlation=1: only the common shock; two firms with the same volatility and
    # EBIT follow the same path exactly
    res = simulate(
        _two_bullets(),
        _two_firms(),
        np.full(6, 0.02),
        n_paths=3,
        seed=2,
        ebit_correlation=1.0,
        keep="full",
    )
    assert res.ebit is not None
    np.testing.assert_array_equal(res.ebit[..., 0], res.ebit[..., 1])
    assert np.ptp(res.ebit[:, -1, 0]) > 0  # and the paths differ


def test_rate_beta_is_relative_to_the_first_month() -> None:
    # EBIT_t = EBIT_0 exp(-beta (r_t - r_0)) with r_0 the month-0 rate, the base moving
    # from month 1 on
    rates = np.array([0.02, 0.03, 0.05, 0.05])
    res = simulate(bullet(maturity=100), one_firm().assign(rate_beta=2.0), rates, keep="full")
    assert res.ebit is not None
    np.testing.assert_allclose(res.ebit[0, :, 0], 20.0 * np.exp(-2.0 * (rates - 0.02)), rtol=1e-12)


def test_rate_beta_shared_path_same_bits_as_one_row_per_path() -> None:
    # a 1-D rate path takes a per-firm factor exp(-beta (r_t - r_0)); the same path given
    # once per path (2-D) takes the general (firms x paths) factor: every output must agree
    # bit for bit, with negative, zero and positive EBIT and betas of both signs
    book, firms = example_book(3, 5, seed=11)
    firms["rate_beta"] = np.linspace(-4.0, 6.0, len(firms))
    firms.loc[firms.index[0], "ebit"] = -7.0
    firms.loc[firms.index[1], "ebit"] = 0.0
    path = policy_path(0.01, np.r_[0.03, np.zeros(10), -0.02, np.zeros(12)])
    kw: dict[str, Any] = {"keep": "full", "seed": 4, "n_paths": 3}
    shared = simulate(book, firms, path, **kw)
    rows = simulate(book, firms, np.tile(path, (3, 1)), **kw)
    for name in _ALL_OUTPUTS:
        np.testing.assert_array_equal(getattr(shared, name), getattr(rows, name), err_msg=name)
    assert shared.ebit is not None
    # closed form for the negative firm (volatility drives the path; beta only rescales it):
    # EBIT_t / EBIT_t(beta = 0) = exp(-beta (r_t - r_0))
    flat = simulate(book, firms.assign(rate_beta=0.0), path, **kw)
    assert flat.ebit is not None
    col = 0  # outputs follow the rows of firms
    np.testing.assert_allclose(
        shared.ebit[:, :, col],
        flat.ebit[:, :, col] * np.exp(-firms["rate_beta"].iloc[0] * (path - path[0])),
        rtol=1e-12,
    )
    assert (shared.ebit[:, :, col] < 0).all()
    np.testing.assert_array_equal(shared.ebit[:, :, 1], 0.0)
    # distinct rate paths: each path's EBIT is rescaled by its own rates
    paths = np.vstack([path, path + 0.01 * (np.arange(path.size) >= 4), path[::-1]])
    own = simulate(book, firms, paths, **kw)
    zero = simulate(book, firms.assign(rate_beta=0.0), paths, **kw)
    assert own.ebit is not None and zero.ebit is not None
    betas = firms["rate_beta"].to_numpy()
    expected = zero.ebit * np.exp(-betas[None, None, :] * (paths - paths[:, :1])[:, :, None])
    np.testing.assert_allclose(own.ebit, expected, rtol=1e-12)


def test_only_the_second_cohort_refinances_in_a_month() -> None:
    # two cohorts with different tables; only the second cohort's bullet matures: its
    # spread comes from its own table (5%), the first cohort's firm keeps its coupon
    flat5 = SpreadTable((), (0.05,), ("flat",), source="test", as_of="test")
    book = pd.concat([bullet(maturity=100), bullet(maturity=6).assign(firm="b")])
    firms = pd.concat([one_firm(cohort="c"), one_firm(cohort="d").assign(firm="b")])
    res = simulate(
        book, firms, np.full(9, 0.02), keep="full", spread_table={"c": FLAT2, "d": flat5}
    )
    assert res.interest is not None
    np.testing.assert_allclose(res.interest[0, :, 0], 5.0, rtol=1e-14)
    np.testing.assert_allclose(res.interest[0, 6:, 1], (0.02 + 0.05) * 100.0, rtol=1e-14)


def test_unconverged_spreads_are_counted_over_months() -> None:
    # max_iter=1: a refinancing whose starting band is not the fixed point counts as
    # unconverged. Hand count on one path, EBIT 20, two 50 bullets, table HY 6% / IG 1% from
    # coverage 2.2: month 3 (base 2%): 20 / (15 + 2.5) = 1.1 starts HY, at 2% + 6% it is
    # 20 / (2.5 + 4) = 3.1 (IG); month 7 (base 20%): 20 / (1.5 + 2.5) = 5 starts IG, at
    # 20% + 1% it is 20 / (1.5 + 10.5) = 1.7 (HY): 2 in all; with 20 steps both converge
    t = SpreadTable.from_frame(
        pd.DataFrame({"lower": [0.0, 2.2], "rating": ["HY", "IG"], "spread": [0.06, 0.01]}),
        source="test",
        as_of="test",
    )
    book = pd.concat(
        [
            bullet(maturity=3, coupon=0.30).assign(principal=50.0),
            bullet(maturity=7, coupon=0.05).assign(principal=50.0),
        ]
    )
    rates = np.r_[np.full(7, 0.02), np.full(3, 0.20)]
    res = simulate(book, one_firm(), rates, spread_table=t, max_iter=1)
    assert res.spread_unconverged == 2
    assert simulate(book, one_firm(), rates, spread_table=t).spread_unconverged == 0


def test_distress_run_as_long_as_the_horizon() -> None:
    # months=12 over a 12-month horizon: flagged only at the last month (coverage 0.8 < 1)
    b = bullet(maturity=100, coupon=0.25)
    res = simulate(b, one_firm(), np.full(12, 0.02), distress=Distress(1.0, 12))
    flag = res.path_values("distressed_share")[0, :, 0]
    np.testing.assert_array_equal(flag, (np.arange(12) == 11).astype(float))


def test_exactly_64_thresholds() -> None:
    # 64 thresholds (1.0 and 63 more): bands 0..64, keys up to 2 x 64 = 128, past int8
    thr = tuple(np.linspace(1.05, 9.0, 63))
    book, firms = example_book(2, 4, seed=6)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(11)])
    res = simulate(book, firms, rates, n_paths=3, seed=1, keep="full", thresholds=thr)
    assert len(res.thresholds) == 64
    count, _, _ = _direct_aggregates(res, firms, book)
    np.testing.assert_array_equal(res.below_count, count)


def test_two_dimensional_rates_in_chunks() -> None:
    # each chunk takes its own rows of a 2-D rate array: chunk_size=1 equals one chunk
    rng = np.random.default_rng(4)
    rates = 0.02 + 0.01 * rng.standard_normal((4, 12)).cumsum(axis=1) / 10
    book, firms = example_book(1, 3, seed=2)
    one = simulate(book, firms, rates, seed=5, chunk_size=1)
    many = simulate(book, firms, rates, seed=5)
    np.testing.assert_array_equal(one.below_count, many.below_count)
    np.testing.assert_array_equal(one.interest_sum, many.interest_sum)
    np.testing.assert_array_equal(one.base_rate, rates)


def test_progress_needs_tqdm(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "tqdm.auto", None)  # import fails as if not installed
    with pytest.raises(
        ImportError, match=r'^progress=True needs tqdm: pip install "divergence\[progress\]"$'
    ):
        simulate(bullet(), one_firm(), np.full(3, 0.02), progress=True)


def test_result_lists_the_firms_in_frame_order() -> None:
    book, firms = example_book(2, 3, seed=1)
    firms = firms.iloc[::-1].reset_index(drop=True)  # cohorts interleaved vs internal order
    res = simulate(book, firms, np.full(3, 0.02), seed=0)
    assert res.firms == firms["firm"].tolist()
