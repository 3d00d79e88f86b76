"""divergence.distributed: Dask runs give the numbers of the local run.

The reference for every test is the local (pandas / NumPy) function of divergence applied to
the whole input: the distributed version must reproduce it, exactly where the arithmetic per
row / chain / path is the same, and to 1e-12 where running sums restart at a partition
boundary (rolling functions built on cumulative sums).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from divergence import breadth, concentration, dispersion, risk  # noqa: E402
from divergence.distributed import (  # noqa: E402
    cross_sectional,
    model_free_variance_panel,
    rolling,
    simulate_refinancing,
)
from divergence.errors import InputError  # noqa: E402
from divergence.refinancing import example_book, simulate, vasicek_paths  # noqa: E402

SYNC = "synchronous"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    with (
        distributed.LocalCluster(
            n_workers=2,
            processes=True,
            threads_per_worker=1,
            dashboard_address=":0",  # a free port: no clash (warning) with another cluster
            silence_logs=40,
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as c,
    ):
        yield c


def _caps(n_rows: int = 60, n_cols: int = 25, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = np.exp(rng.normal(3.0, 1.5, size=(n_rows, n_cols)))
    x[rng.random(x.shape) < 0.1] = np.nan  # absent names
    idx = pd.date_range("2020-01-01", periods=n_rows, freq="B", name="date")
    return pd.DataFrame(x, index=idx, columns=[f"n{i}" for i in range(n_cols)])


def _returns(n_rows: int = 90, n_cols: int = 12, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n_rows, 1))
    r = 0.01 * (common + rng.normal(size=(n_rows, n_cols)))
    r[5:9, 3] = np.nan
    idx = pd.date_range("2020-01-01", periods=n_rows, freq="B", name="date")
    return pd.DataFrame(r, index=idx, columns=[f"n{i}" for i in range(n_cols)])


def _uneven(frame: pd.DataFrame | pd.Series, cuts: list[int]) -> Any:
    """Dask collection split at the given row positions (partitions of unequal length)."""
    divisions = [frame.index[c] for c in cuts] + [frame.index[-1]]
    return dd.from_pandas(frame, npartitions=1).repartition(divisions=divisions)


# --------------------------------------------------------------------------- cross-sectional
def test_cross_sectional_hhi_equals_local_exactly() -> None:
    caps = _caps()
    before = caps.copy()
    lazy = cross_sectional(concentration.hhi, dd.from_pandas(caps, npartitions=4))
    got = lazy.compute(scheduler=SYNC)
    pd.testing.assert_series_equal(got, concentration.hhi(caps), check_freq=False)
    pd.testing.assert_frame_equal(caps, before)  # input not mutated


def test_cross_sectional_profile_and_two_panels() -> None:
    caps = _caps(seed=2)
    prof = cross_sectional(
        concentration.concentration_profile, dd.from_pandas(caps, npartitions=3), top_k=5
    ).compute(scheduler=SYNC)
    pd.testing.assert_frame_equal(
        prof, concentration.concentration_profile(caps, top_k=5), check_freq=False
    )
    # two panels, aligned by Dask (here split differently on purpose)
    rets = _returns(n_rows=60, n_cols=25).set_axis(caps.index).set_axis(caps.columns, axis=1)
    got = cross_sectional(
        _hhi_of_moves, dd.from_pandas(rets, npartitions=3), dd.from_pandas(caps, npartitions=2)
    ).compute(scheduler=SYNC)
    pd.testing.assert_series_equal(got, _hhi_of_moves(rets, caps), check_freq=False)


def _hhi_of_moves(returns: pd.DataFrame, caps: pd.DataFrame) -> Any:
    """A row-wise function of two panels: concentration of the day's dollar moves."""
    return concentration.hhi((returns * caps).abs())


def test_breadth_is_not_row_wise_so_it_needs_rolling() -> None:
    # breadth weights day t by caps at t - 1: a partition needs one row of history, which
    # rolling(window=2) provides (cross_sectional would lose the first row of each partition).
    caps = _caps(seed=2)
    rets = _returns(n_rows=60, n_cols=25).set_axis(caps.index).set_axis(caps.columns, axis=1)
    got = rolling(
        _breadth_windowed,
        dd.from_pandas(rets, npartitions=3),
        dd.from_pandas(caps, npartitions=3),
        window=2,
    ).compute(scheduler=SYNC)
    pd.testing.assert_frame_equal(got, breadth.breadth(rets, caps), check_freq=False)


def _breadth_windowed(returns: pd.DataFrame, caps: pd.DataFrame, *, window: int) -> Any:
    return breadth.breadth(returns, caps)


def test_cross_sectional_on_a_local_cluster(client: Any) -> None:
    caps = _caps(n_rows=200, seed=3)
    lazy = cross_sectional(concentration.hhi, dd.from_pandas(caps, npartitions=4))
    got = client.compute(lazy).result()
    pd.testing.assert_series_equal(got, concentration.hhi(caps), check_freq=False)


# --------------------------------------------------------------------------- rolling
def test_rolling_realized_correlation_short_partitions() -> None:
    # window 20 > later partitions (7, 5, 13 rows): history comes from several partitions.
    # 1e-12: the local run differences cumulative sums from row 0, the chunks from the
    # carried rows, so the last bits differ.
    r = _returns()
    lazy = rolling(
        dispersion.realized_correlation, _uneven(r, [0, 30, 37, 42, 55]), window=20, method="mean"
    )
    got = lazy.compute(scheduler=SYNC)
    ref = dispersion.realized_correlation(r, window=20, method="mean")
    assert got.index.equals(ref.index)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-12)
    assert np.isnan(got.iloc[:19]).all() and np.isfinite(got.iloc[19:]).all()


def test_rolling_two_panels_on_a_local_cluster(client: Any) -> None:
    a = _returns(seed=4)
    b = _returns(seed=5)
    cuts = [0, 35, 40, 70]
    lazy = rolling(risk.rolling_correlation, _uneven(a, cuts), _uneven(b, cuts), window=30)
    got = client.compute(lazy).result()
    ref = risk.rolling_correlation(a, b, window=30)
    assert got.index.equals(ref.index) and got.columns.equals(ref.columns)
    np.testing.assert_allclose(got.to_numpy(), ref.to_numpy(), rtol=0, atol=1e-12)


def test_rolling_first_partition_shorter_than_window() -> None:
    r = _returns()
    lazy = rolling(dispersion.realized_correlation, _uneven(r, [0, 10, 60]), window=20)
    with pytest.raises(InputError, match="first partition of panel has 10 rows"):
        lazy.compute(scheduler=SYNC)


def test_rolling_partitions_must_match() -> None:
    a = _returns()
    with pytest.raises(InputError, match=r"others\[0\] must have the partitions"):
        rolling(
            risk.rolling_correlation,
            dd.from_pandas(a, npartitions=2),
            dd.from_pandas(a, npartitions=3),
            window=5,
        )


# --------------------------------------------------------------------------- option chains
_ONE = pd.DataFrame(
    {
        "strike": [80, 85, 90, 95, 100, 105, 110, 115, 120],
        "call_bid": [20.02, 15.02, 10.09, 5.58, 2.28, 0.61, 0.07, 0.0, 0.0],
        "call_ask": [20.12, 15.12, 10.19, 5.68, 2.38, 0.71, 0.17, 0.07, 0.05],
        "put_bid": [0.0, 0.0, 0.02, 0.5, 2.2, 5.53, 9.98, 14.87, 19.85],
        "put_ask": [0.05, 0.05, 0.12, 0.6, 2.3, 5.63, 10.08, 14.97, 19.95],
    }
)


def _chains() -> pd.DataFrame:
    rng = np.random.default_rng(6)
    frames = []
    for d in range(6):
        for e, days in enumerate((20, 45)):
            q = _ONE.copy()
            scale = 1.0 + 0.05 * rng.random()
            q[["call_bid", "call_ask", "put_bid", "put_ask"]] *= scale
            frames.append(q.assign(date=d, expiration=e, t=days / 365, r=0.01 + 0.001 * d))
    # shuffled rows within the table: the local function sorts by (chain, strike)
    out = pd.concat(frames, ignore_index=True)
    return out.sample(frac=1.0, random_state=1).sort_values("date", kind="stable")


def test_model_free_variance_panel_equals_local(client: Any) -> None:
    chains = _chains()
    by = ["date", "expiration"]
    ref = dispersion.model_free_variance_panel(chains, by=by, t="t", rate="r")
    lazy = dd.from_pandas(chains.set_index("date", drop=False).rename_axis("day"), npartitions=3)
    with dask.config.set(scheduler=SYNC):
        got = model_free_variance_panel(lazy, by=by, t="t", rate="r")
    pd.testing.assert_series_equal(got, ref)
    with client.as_current():
        got2 = model_free_variance_panel(lazy, by=by, t="t", rate="r", k0_rule="at_or_below")
    ref2 = dispersion.model_free_variance_panel(
        chains, by=by, t="t", rate="r", k0_rule="at_or_below"
    )
    pd.testing.assert_series_equal(got2, ref2)


def test_model_free_variance_panel_chain_split_across_partitions() -> None:
    chains = _chains().reset_index(drop=True)
    lazy = dd.from_pandas(chains, npartitions=5)  # row cuts fall inside chains
    with (
        dask.config.set(scheduler=SYNC),
        pytest.raises(InputError, match="lie in several partitions"),
    ):
        model_free_variance_panel(lazy, by=["date", "expiration"], t="t", rate="r")


# --------------------------------------------------------------------------- Monte Carlo
_FIELDS = (
    "base_rate",
    "interest_sum",
    "ebit_sum",
    "below_count",
    "below_debt",
    "distressed_count",
    "distressed_debt",
    "repriced_debt",
    "debt",
    "n_firms",
)


def _assert_same(got: Any, ref: Any, full: bool = False) -> None:
    assert got.n_paths == ref.n_paths and got.horizon == ref.horizon
    assert got.spread_unconverged == ref.spread_unconverged
    names = _FIELDS + (("interest", "ebit", "coverage") if full else ())
    for name in names:
        np.testing.assert_array_equal(getattr(got, name), getattr(ref, name), err_msg=name)
    np.testing.assert_array_equal(got.path_values("coverage"), ref.path_values("coverage"))


@pytest.fixture(scope="module")
def refi_inputs() -> tuple[Any, Any, Any]:
    book, firms = example_book(6, 15, seed=8)
    rates = vasicek_paths(0.03, 0.6, 0.045, 0.012, months=36, n_paths=23, seed=9)
    return book, firms, rates


def test_simulate_refinancing_bitwise_synchronous(refi_inputs: tuple[Any, Any, Any]) -> None:
    book, firms, rates = refi_inputs
    ref = simulate(book, firms, rates, seed=12, keep="full")
    with dask.config.set(scheduler=SYNC):
        got = simulate_refinancing(book, firms, rates, seed=12, n_chunks=4, keep="full")
    _assert_same(got, ref, full=True)
    # one deterministic path shared by all paths; a Generator seed (its SeedSequence)
    with dask.config.set(scheduler=SYNC):
        got1 = simulate_refinancing(
            book, firms, rates[0], n_paths=9, seed=np.random.default_rng(3), n_chunks=9
        )
    _assert_same(got1, simulate(book, firms, rates[0], n_paths=9, seed=np.random.default_rng(3)))


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_simulate_refinancing_passes_the_engine_on(
    engine: str, refi_inputs: tuple[Any, Any, Any]
) -> None:
    from divergence.refinancing import _kernels

    if engine == "numba" and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed")
    book, firms, rates = refi_inputs
    ref = simulate(book, firms, rates, seed=4, engine="numpy")  # engines agree bit for bit
    with dask.config.set(scheduler=SYNC):
        got = simulate_refinancing(book, firms, rates, seed=4, n_chunks=3, engine=engine)
    _assert_same(got, ref)
    with dask.config.set(scheduler=SYNC), pytest.raises(InputError, match="engine"):
        simulate_refinancing(book, firms, rates, seed=4, n_chunks=3, engine="gpu")


def test_simulate_refinancing_on_a_local_cluster(
    client: Any, refi_inputs: tuple[Any, Any, Any]
) -> None:
    book, firms, rates = refi_inputs
    ref = simulate(book, firms, rates, seed=21, horizon=30, thresholds=(1.0, 3.0))
    got = simulate_refinancing(
        book, firms, rates, seed=21, client=client, horizon=30, thresholds=(1.0, 3.0)
    )  # default n_chunks: the two worker threads
    _assert_same(got, ref)


def test_simulate_refinancing_turns_prefetch_off_unless_asked(
    monkeypatch: pytest.MonkeyPatch, refi_inputs: tuple[Any, Any, Any]
) -> None:
    # the chunks already occupy the workers: no helper thread per chunk by default
    from divergence.refinancing import _simulate as engine

    seen: list[object] = []
    real = engine._simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("prefetch"))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_simulate", spy)
    book, firms, rates = refi_inputs
    with dask.config.set(scheduler=SYNC):
        simulate_refinancing(book, firms, rates[:4], seed=2, n_chunks=2, horizon=6)
        simulate_refinancing(book, firms, rates[:4], seed=2, n_chunks=2, horizon=6, prefetch=True)
    assert seen == [False, False, True, True]


def test_simulate_refinancing_bad_inputs(refi_inputs: tuple[Any, Any, Any]) -> None:
    book, firms, rates = refi_inputs
    with pytest.raises(InputError, match="n_paths=5 does not match"):
        simulate_refinancing(book, firms, rates, n_paths=5, seed=0)
    with pytest.raises(InputError, match="n_chunks"):
        simulate_refinancing(book, firms, rates, seed=0, n_chunks=0)
    with pytest.raises(TypeError, match="seed must be"):
        simulate_refinancing(book, firms, rates, seed=1.5)
    with dask.config.set(scheduler=SYNC), pytest.raises(InputError, match="keep"):
        simulate_refinancing(book, firms, rates, seed=0, keep="everything")


# --------------------------------------------------------------------------- properties
@settings(max_examples=15)
@given(
    cuts=st.lists(st.integers(1, 59), min_size=0, max_size=6, unique=True),
    n_chunks=st.integers(1, 9),
)
def test_results_do_not_depend_on_the_partitioning(cuts: list[int], n_chunks: int) -> None:
    # invariant: any row partitioning gives the local hhi, and any number of path chunks
    # gives the local simulation bit for bit. hhi to 1e-15 relative only: for a one-row
    # partition NumPy's einsum sums the squares along another path (1 ulp, seen with cuts=[1]);
    # partitions of two rows or more match bit for bit (the tests above).
    caps = _caps(seed=7)
    got = cross_sectional(concentration.hhi, _uneven(caps, [0, *sorted(cuts)])).compute(
        scheduler=SYNC
    )
    np.testing.assert_allclose(got.to_numpy(), concentration.hhi(caps).to_numpy(), rtol=1e-15)
    book, firms = example_book(2, 4, seed=1)
    with dask.config.set(scheduler=SYNC):
        res = simulate_refinancing(book, firms, [0.03] * 12, n_paths=9, seed=4, n_chunks=n_chunks)
    ref = simulate(book, firms, [0.03] * 12, n_paths=9, seed=4)
    _assert_same(res, ref)


# --------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cross_sectional(concentration.hhi, _caps()), "panel must be a dask"),
        (
            lambda: cross_sectional(
                breadth.breadth, dd.from_pandas(_caps(), npartitions=2), _caps()
            ),
            r"others\[0\] must be a dask",
        ),
        (lambda: cross_sectional("hhi", dd.from_pandas(_caps(), npartitions=2)), "func must"),
        (lambda: rolling(risk.rolling_correlation, _returns(), window=5), "panel must be a dask"),
        (
            lambda: model_free_variance_panel(_chains(), by="date", t="t", rate="r"),
            "chains must be a dask DataFrame",
        ),
    ],
)
def test_non_dask_inputs_raise_type_error(call: Any, match: str) -> None:
    with pytest.raises(TypeError, match=match):
        call()


def test_rolling_bad_window() -> None:
    with pytest.raises(InputError, match="window"):
        rolling(
            dispersion.realized_correlation, dd.from_pandas(_returns(), npartitions=2), window=0
        )
    with pytest.raises(TypeError, match="window"):
        rolling(
            dispersion.realized_correlation,
            dd.from_pandas(_returns(), npartitions=2),
            window=2.5,  # type: ignore[arg-type]
        )


def test_meta_inference_failure_asks_for_meta() -> None:
    def broken(x: pd.DataFrame) -> pd.Series:
        raise RuntimeError("boom")

    with pytest.raises(InputError, match="pass meta="):
        cross_sectional(broken, dd.from_pandas(_caps(), npartitions=2))


def test_importing_the_module_does_not_import_dask() -> None:
    code = "import sys, divergence.distributed; print('dask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
