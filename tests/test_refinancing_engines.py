"""The compiled (numba) and NumPy engines of ``simulate`` give the same numbers, bit for bit.

The NumPy engine is the reference: it is checked against closed forms and a slow scalar loop
in ``tests/test_refinancing.py`` (which runs with both engines). Here each output of the
compiled engine must equal the NumPy engine's exactly, over a grid of options that take every
branch of the compiled loops, and over random books (hypothesis). The compiled loops are also
checked one by one against independent NumPy formulas and against their own Python source.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _refinancing_cases import assert_same_result, odd_book
from divergence.errors import DivergenceWarning, InputError
from divergence.refinancing import (
    Distress,
    SpreadTable,
    _kernels,
    cir_paths,
    example_book,
    policy_path,
    simulate,
)

needs_numba = pytest.mark.skipif(not _kernels.AVAILABLE, reason="numba is not installed")


def _both(book: pd.DataFrame, firms: pd.DataFrame, rates: Any, **kw: Any) -> None:
    """Every field of the two engines' results equal (arrays bit for bit, None as None)."""
    a = simulate(book, firms, rates, engine="numpy", **kw)
    b = simulate(book, firms, rates, engine="numba", **kw)
    assert_same_result(a, b)


@needs_numba
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"ebit_correlation": 0.0},
        {"ebit_correlation": 1.0},
        {"keep": "full", "n_paths": 1},
        {"keep": "full", "chunk_size": 2},
        {"thresholds": (0.5, 3.0), "distress": Distress(threshold=1.25, months=2)},
        {"distress": Distress(threshold=1.5, months=1), "thresholds": (1.5,)},
        {"max_iter": 1},
        {"prefetch": False},
    ],
    ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "defaults",
)
def test_engines_identical_over_the_options(options: dict[str, Any]) -> None:
    book, firms = odd_book(8, 40)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(23), -0.07, np.zeros(15)])
    kw: dict[str, Any] = {"n_paths": 5, "seed": 3, **options}
    _both(book, firms, rates, **kw)


@needs_numba
def test_engines_identical_with_rate_paths_betas_and_cohort_tables() -> None:
    book, firms = odd_book(8, 40)
    firms = firms.assign(rate_beta=np.linspace(-2.0, 4.0, len(firms)))
    rates = cir_paths(0.03, 0.4, 0.05, 0.08, months=36, n_paths=6, seed=1)
    tight = SpreadTable((1.0, 3.0), (0.09, 0.04, 0.01), ("C", "B", "A"), source="t", as_of="t")
    tables = {"mega-cap": SpreadTable.damodaran(), "SME": tight, "odd": tight}
    _both(book, firms, rates, seed=8, spread_table=tables, keep="full")
    _both(book, firms, rates[0], n_paths=6, seed=8, spread_table=tables, keep="full")


@needs_numba
@settings(max_examples=25)
@given(
    n_mega=st.integers(1, 4),
    n_sme=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    rho=st.floats(0.0, 1.0),
    shock=st.floats(-0.03, 0.08),
    thresholds=st.lists(st.floats(0.25, 6.0), min_size=1, max_size=5),
    months=st.integers(1, 6),
)
def test_engines_identical_on_random_books(
    n_mega: int,
    n_sme: int,
    seed: int,
    rho: float,
    shock: float,
    thresholds: list[float],
    months: int,
) -> None:
    book, firms = example_book(n_mega, n_sme, tranches=3, seed=seed)
    rates = policy_path(0.02, np.r_[shock, np.zeros(30)])
    _both(
        book,
        firms,
        rates,
        n_paths=3,
        seed=seed,
        ebit_correlation=rho,
        thresholds=tuple(thresholds),
        distress=Distress(threshold=1.5, months=months),
        keep="full",
    )


# ---- the compiled loops one by one, against NumPy formulas written for these tests


def _classify_inputs(seed: int) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    n_f, n_p, n_c = 7, 5, 3
    interest = rng.uniform(0.5, 2.0, (n_f, n_p))
    interest[0, 1] = 0.0  # no interest: coverage +inf, above every threshold
    interest[2, 3] = -1.0
    ebit = rng.uniform(-1.0, 6.0, (n_f, n_p))
    ebit[1, :2] = [3.0, 5.0]  # coverage exactly 1.5 and 2.5: on a threshold is not below it
    interest[1, :2] = 2.0
    ebit[4], interest[4] = 100.0, 1.0  # a healthy firm: key 0 on every path
    cohort = np.array([0, 0, 0, 2, 2, 2, 2])  # cohort 1 has no firm
    k = 3
    return {
        "ebit": ebit,
        "interest": interest,
        "thresholds": np.array([1.0, 1.5, 2.5]),
        "counter": rng.integers(0, 4, (n_f, n_p)).astype(np.int8),
        "flag_months": 2,
        "key0": ((np.arange(n_p)[None, :] * n_c + cohort[:, None]) * 2 * (k + 1)).ravel(),
        "debt": rng.uniform(1.0, 9.0, n_f),
        "cohort": cohort,
        "n_bins": n_p * n_c * 2 * (k + 1),
    }


def _classify_by_formula(x: dict[str, Any], weak_band: int, weak_threshold: float) -> Any:
    """Coverage, bands, run and bins with whole-array NumPy (no loop over firms or paths)."""
    with np.errstate(divide="ignore"):
        cov = np.where(x["interest"] > 0, x["ebit"] / x["interest"], np.inf)
    band = (cov[..., None] < x["thresholds"]).sum(axis=-1)
    weak = band >= weak_band if weak_band >= 0 else cov < weak_threshold
    run = np.where(weak, x["counter"] + 1, 0)
    key = 2 * band + (run >= x["flag_months"])
    b = (x["key0"].reshape(key.shape) + key).ravel()
    counts = np.bincount(b, minlength=x["n_bins"])
    debt = np.bincount(b, weights=np.repeat(x["debt"], key.shape[1]), minlength=x["n_bins"])
    n_c = 3
    sums = [np.zeros((n_c, key.shape[1])) for _ in range(2)]
    for c in range(n_c):  # cohorts: firms added row by row, as the engine's NumPy sums
        rows = np.flatnonzero(x["cohort"] == c)
        for target, src in zip(sums, (x["interest"], x["ebit"]), strict=True):
            for r in rows:
                target[c] = src[r] if r == rows[0] else target[c] + src[r]
    return run, counts, debt, sums


def _run_classify(fns: Any, x: dict[str, Any], weak_band: int, weak_threshold: float) -> Any:
    """The coverage_bands then aggregates loops on fresh outputs (filled with garbage)."""
    bands, aggregates = fns
    counter = x["counter"].copy()
    counts = np.full(x["n_bins"], -7, dtype=np.int64)  # garbage: the loop must zero it
    debt = np.full(x["n_bins"], np.nan)
    sums = [np.full((3, x["ebit"].shape[1]), np.nan) for _ in range(2)]
    first = np.zeros(len(x["cohort"]), dtype=bool)
    first[[0, 3]] = True
    with np.errstate(divide="ignore"):  # the Python source divides by zero interest too
        bands(
            x["ebit"],
            x["interest"],
            x["thresholds"],
            weak_threshold,
            weak_band,
            counter,
            x["flag_months"],
            x["key0"],
            x["debt"],
            counts,
            debt,
        )
    aggregates(x["interest"], x["ebit"], first, x["cohort"], *sums)
    return counter, counts, debt, sums


@pytest.mark.parametrize(("weak_band", "weak_threshold"), [(2, 1.5), (-1, 1.25)])
@pytest.mark.parametrize("compiled", [False, True])
def test_coverage_bands_and_aggregates_equal_the_whole_array_formula(
    compiled: bool, weak_band: int, weak_threshold: float
) -> None:
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    if compiled:
        fns = (_kernels.compiled().coverage_bands, _kernels.compiled().aggregates)
    else:
        fns = (_kernels._coverage_bands, _kernels._aggregates)
    x = _classify_inputs(5)
    counter, counts, debt, sums = _run_classify(fns, x, weak_band, weak_threshold)
    run, exp_counts, exp_debt, exp_sums = _classify_by_formula(x, weak_band, weak_threshold)
    np.testing.assert_array_equal(counter, run)
    key0_bins = np.unique(x["key0"])  # key 0 (band 0, not flagged) feeds no output
    other = np.setdiff1d(np.arange(x["n_bins"]), key0_bins)
    np.testing.assert_array_equal(counts[other], exp_counts[other])
    np.testing.assert_array_equal(debt[other], exp_debt[other])
    for got, want in zip(sums, exp_sums, strict=True):
        np.testing.assert_array_equal(got, want)
    assert (sums[0][1] == 0).all()  # the cohort without firms sums to zero


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("common_only", [False, True])
def test_ebit_step_equals_the_array_formula(compiled: bool, common_only: bool) -> None:
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    fn = _kernels.compiled().ebit if compiled else _kernels._ebit
    rng = np.random.default_rng(2)
    n_f, n_p = 6, 4
    draws = rng.standard_normal((n_p, n_f + 1))
    a_f, b_f, drift = rng.uniform(0.01, 0.2, (3, n_f))
    ratio = 0.7
    log_e = rng.standard_normal((n_f, n_p))
    if common_only:
        want = log_e + (draws[:, :1] * b_f + drift).T
    else:
        want = log_e + ((draws[:, 1:] + draws[:, :1] * ratio) * a_f + drift).T
    got = log_e.copy()
    fn(draws, ratio, a_f, b_f, drift, got, common_only)
    np.testing.assert_array_equal(got, want)


# a table whose edges and spreads are powers of two, so that coverage lands exactly on edges
EXACT = SpreadTable((1.0, 2.0, 4.0), (0.5, 0.25, 0.125, 0.0625), ("D", "C", "B", "A"), "t", "t")


@pytest.mark.parametrize("table", [SpreadTable.damodaran(), EXACT], ids=["damodaran", "exact"])
@pytest.mark.parametrize("compiled", [False, True])
def test_refinancing_spread_equals_the_public_fixed_point(
    compiled: bool, table: SpreadTable
) -> None:
    """Against :meth:`SpreadTable.refinancing_spread` (independent code, same definition)."""
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    fn = _kernels.compiled().refinancing_spreads if compiled else _kernels._refinancing_spreads
    rng = np.random.default_rng(9)
    n_f, n_p = 8, 6
    e = rng.uniform(-2.0, 30.0, (n_f, n_p))
    e[0, 0] = 0.0
    other = rng.uniform(0.0, 3.0, (n_f, n_p))
    total = rng.uniform(-0.5, 5.0, (n_f, n_p))
    p = rng.uniform(1.0, 40.0, n_f)
    r = rng.uniform(0.0, 0.08, n_p)
    # firm 1, path 0: coverage 0.5 -> 1 -> 2 -> 4 -> 8, on an edge at each of the first steps
    # with EXACT (a coverage on an edge belongs to the band above it)
    e[1, 0], other[1, 0], total[1, 0], p[1], r[0] = 0.5, 0.0, 1.0, 1.0, 0.0
    # firm 2, path 0: starting coverage exactly 1 (band 1), which is already the fixed point
    e[2, 0], other[2, 0], total[2, 0], p[2] = 1.0, 0.75, 1.0, 1.0
    for n_iter in (1, 2, 20):
        out = np.full((n_f, n_p), np.nan)
        ok = np.zeros((n_f, n_p), dtype=bool)
        fn(e, other, p, r, total, table._edges_arr, table._spreads_arr, n_iter, out, ok)
        with np.errstate(divide="ignore", invalid="ignore"):
            icr0 = np.where(total > 0, e / total, np.inf)
        want, want_ok = table._fixed_point(e, other, p[:, None], r, icr0, n_iter)
        np.testing.assert_array_equal(out, want)
        np.testing.assert_array_equal(ok, want_ok)
    assert ok.all()
    public, public_ok = table.refinancing_spread(
        e, other, p[:, None], r, initial_coverage=icr0, max_iter=20
    )
    np.testing.assert_array_equal(out, public)
    assert public_ok.all()


def test_engine_option_is_validated() -> None:
    book, firms = example_book(1, 1, seed=0)
    rates = policy_path(0.01, np.zeros(3))
    with pytest.raises(InputError, match="engine"):
        simulate(book, firms, rates, engine="fortran")  # type: ignore[arg-type]


def test_engine_numba_without_numba_is_a_clear_import_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_kernels, "AVAILABLE", False)
    book, firms = example_book(1, 1, seed=0)
    rates = policy_path(0.01, np.zeros(3))
    with pytest.raises(ImportError, match=r"divergence\[fast\]"):
        simulate(book, firms, rates, engine="numba")
    res = simulate(book, firms, rates, engine="auto", n_paths=2, seed=1)  # falls back to NumPy
    ref = simulate(book, firms, rates, engine="numpy", n_paths=2, seed=1)
    np.testing.assert_array_equal(res.interest_sum, ref.interest_sum)


@needs_numba
def test_compiles_without_a_disk_cache_when_numba_cannot_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import numba

    real_njit = numba.njit
    calls: list[bool] = []

    def njit(*args: Any, **kwargs: Any) -> Any:
        calls.append(bool(kwargs.get("cache")))
        if kwargs.get("cache"):  # what numba does with no writable cache directory
            raise RuntimeError("cannot cache function: no locator available for file")
        return real_njit(*args, **kwargs)

    monkeypatch.setattr(numba, "njit", njit)
    _kernels.compiled.cache_clear()
    try:
        kern = _kernels.compiled()
        assert calls == [True, False]
        rng = np.random.default_rng(0)
        draws, log_e = rng.standard_normal((2, 3)), np.zeros((2, 2))
        kern.ebit(draws, 0.5, np.ones(2), np.ones(2), np.zeros(2), log_e, False)
        np.testing.assert_array_equal(log_e, (draws[:, 1:] + draws[:, :1] * 0.5).T)
    finally:
        _kernels.compiled.cache_clear()  # later tests get the cached kernels back


@pytest.mark.parametrize("compiled", [False, True])
@pytest.mark.parametrize("n_iter", [1, 2, 20])
def test_refinancing_spread_nan_coverage_is_the_top_band(compiled: bool, n_iter: int) -> None:
    """inf / inf coverage (NaN) counts as above every edge, as ``_band`` does for NumPy."""
    if compiled and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    fn = _kernels.compiled().refinancing_spreads if compiled else _kernels._refinancing_spreads
    inf = np.inf
    # path 0: NaN at the start (inf / inf); path 1: NaN at the first step (inf other interest);
    # path 2: an ordinary element
    e = np.array([[inf, inf, 3.0]])
    total = np.array([[inf, 1.0, 1.0]])
    other = np.array([[0.0, inf, 0.5]])
    p, r = np.array([2.0]), np.array([0.01, 0.01, 0.01])
    out = np.full((1, 3), np.nan)
    ok = np.zeros((1, 3), dtype=bool)
    with np.errstate(invalid="ignore"):  # the Python source divides inf by inf too
        fn(e, other, p, r, total, EXACT._edges_arr, EXACT._spreads_arr, n_iter, out, ok)
        icr0 = e / total
        want, want_ok = EXACT._fixed_point(e, other, p[:, None], r, icr0, n_iter)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(ok, want_ok)
    assert out[0, 0] == out[0, 1] == EXACT.spreads[-1]


def test_auto_engine_takes_numba_for_large_runs_or_once_loaded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_kernels, "AVAILABLE", True)
    loaded = functools.cache(lambda: "kernels")  # stands for compiled(): loaded once called
    monkeypatch.setattr(_kernels, "compiled", loaded)
    n = _kernels.AUTO_MIN_FIRM_MONTHS
    assert _kernels.select("auto", n - 1) is None
    assert loaded.cache_info().currsize == 0  # a small run does not load numba
    assert _kernels.select("numpy", n) is None
    assert _kernels.select("auto", n) == "kernels"
    assert _kernels.select("auto", 1) == "kernels"  # loaded: small runs use it too
    assert _kernels.select("numba", 1) == "kernels"
    monkeypatch.setattr(_kernels, "AVAILABLE", False)
    assert _kernels.select("auto", n) is None


def test_auto_engine_falls_back_once_when_numba_cannot_be_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    @functools.cache
    def broken() -> Any:
        raise ImportError("Numba needs NumPy 2.3 or less")

    monkeypatch.setattr(_kernels, "AVAILABLE", True)
    monkeypatch.setattr(_kernels, "_IMPORT_ERROR", None)
    monkeypatch.setattr(_kernels, "compiled", broken)
    n = _kernels.AUTO_MIN_FIRM_MONTHS
    with pytest.warns(DivergenceWarning, match="NumPy engine"):
        assert _kernels.select("auto", n) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _kernels.select("auto", n) is None  # warned once
    with pytest.raises(ImportError, match="Numba needs NumPy"):
        _kernels.select("numba", n)
