"""Assertions the mutation run of divergence.distributed showed missing.

Each test pins a behaviour that surviving mutants changed (see
``docs/_data/mutation/distributed.json``); the docstring of each test names the mutant family
it kills. References: sums and row counts worked by hand next to each number, the local
(pandas / NumPy) function on the whole input, and for the chunking of the Monte Carlo the
path cuts of ``round(linspace(0, P, k + 1))`` written out by hand. Everything runs on the
synchronous scheduler; no cluster is started (a stand-in object plays the ``client``).
"""

from __future__ import annotations

import functools
import inspect
import itertools
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from divergence import breadth, concentration, dispersion  # noqa: E402
from divergence.distributed import (  # noqa: E402
    cross_sectional,
    model_free_variance_panel,
    rolling,
    simulate_refinancing,
)
from divergence.errors import InputError  # noqa: E402
from divergence.refinancing import example_book, simulate  # noqa: E402

SYNC = "synchronous"
IDX = pd.date_range("2024-01-01", periods=10, name="date")
SERIES = pd.Series(np.arange(1.0, 11.0), index=IDX, name="x")  # no zero: every row counts


def _cuts(frame: pd.Series | pd.DataFrame, rows: list[int]) -> Any:
    """Dask collection whose partitions start at the given row positions."""
    divisions = [frame.index[r] for r in rows] + [frame.index[-1]]
    return dd.from_pandas(frame, npartitions=1).repartition(divisions=divisions)


def _cumsum(x: pd.Series) -> pd.Series:
    return x.cumsum()


def _carried_cumsum(starts: list[int], window: int, n: int = 10) -> list[float]:
    """By hand: row t of the partition starting at s sums rows max(s - window + 1, 0) .. t.

    Row ``t`` of ``SERIES`` holds ``t + 1``.
    """
    out = []
    bounds = [*starts, n]
    for s, e in itertools.pairwise(bounds):
        first = max(s - window + 1, 0)
        out += [float(sum(range(first + 1, t + 2))) for t in range(s, e)]  # row t holds t + 1
    return out


# --------------------------------------------------------------------------- rolling
@pytest.mark.parametrize(("starts", "window"), [([0, 4, 6], 3), ([0, 2, 3, 7], 1), ([0, 5], 5)])
def test_rolling_carries_exactly_window_minus_one_rows(starts: list[int], window: int) -> None:
    """Kills the _carry / _rolling_chunk slicing mutants (carry size, dropped carry rows)."""
    lazy = rolling(_cumsum, _cuts(SERIES, starts), window=window)
    got = lazy.compute(scheduler=SYNC)
    assert got.index.equals(IDX)
    assert got.tolist() == _carried_cumsum(starts, window)
    # the carry crosses several partitions when they are shorter than window - 1
    got = rolling(_cumsum, _cuts(SERIES, [0, 5, 6, 7]), window=5).compute(scheduler=SYNC)
    assert got.tolist() == _carried_cumsum([0, 5, 6, 7], 5)


def test_rolling_carry_through_an_empty_partition() -> None:
    """Kills ``max(len(joined) - keep, 0)`` -> ``max(..., 1)`` in _carry.

    An empty partition in the middle passes the whole carry on: the partition after it still
    sees the ``window - 1`` rows before the gap (here rows 2 and 3 for rows 6 .. 9).
    """
    lazy = _cuts(SERIES, [0, 4, 6])
    gap = lazy[(lazy != 5.0) & (lazy != 6.0)]  # rows 4 and 5 (values 5, 6) removed
    assert gap.npartitions == 3 and len(gap.get_partition(1).compute(scheduler=SYNC)) == 0
    got = rolling(_cumsum, gap, window=3).compute(scheduler=SYNC)
    # rows 0..3: 1, 3, 6, 10; rows 6..9 with carried values 3 and 4: 14, 22, 31, 41
    assert got.tolist() == [1.0, 3.0, 6.0, 10.0, 14.0, 22.0, 31.0, 41.0]


def test_rolling_first_partition_of_exactly_window_rows() -> None:
    """Kills ``len(parts[0]) < window`` -> ``<=`` and the message mutants."""
    got = rolling(_cumsum, _cuts(SERIES, [0, 3, 4]), window=3).compute(scheduler=SYNC)
    assert got.tolist() == _carried_cumsum([0, 3, 4], 3)
    lazy = rolling(_cumsum, _cuts(SERIES, [0, 2, 6]), window=3)
    with pytest.raises(
        InputError,
        match=(
            r"^the first partition of panel has 2 rows, fewer than window=3: give it at least "
            r"window rows \(e\.g\. panel\.repartition\(npartitions=\.\.\.\) or "
            r"repartition\(divisions=\.\.\.\)\); later partitions may be shorter than the window$"
        ),
    ):
        lazy.compute(scheduler=SYNC)


def test_rolling_meta_and_divisions() -> None:
    """Kills the meta-inference (_sample, _empty_like) and divisions mutants of rolling."""
    lazy = rolling(_cumsum, _cuts(SERIES, [0, 4, 6]), window=3)
    assert lazy.name == "x" and lazy.index.name == "date"
    assert len(lazy._meta) == 0  # an empty object describing the output
    assert lazy.known_divisions and tuple(lazy.divisions) == (IDX[0], IDX[4], IDX[6], IDX[9])
    unknown = rolling(_cumsum, dd.from_pandas(SERIES, npartitions=2).clear_divisions(), window=2)
    assert not unknown.known_divisions
    assert unknown.compute(scheduler=SYNC).tolist() == _carried_cumsum([0, 5], 2)
    frame = SERIES.to_frame().assign(y=2.0 * SERIES)
    lazy_f = rolling(_cumsum, dd.from_pandas(frame, npartitions=2), window=2)
    assert list(lazy_f.columns) == ["x", "y"] and len(lazy_f._meta) == 0
    got = lazy_f.compute(scheduler=SYNC)
    assert got["x"].tolist() == _carried_cumsum([0, 5], 2)
    assert got["y"].tolist() == [2.0 * v for v in _carried_cumsum([0, 5], 2)]


def test_rolling_passes_window_only_to_functions_that_take_it() -> None:
    """Kills the _takes_window mutants (VAR_KEYWORD, the name, POSITIONAL_ONLY, no signature)."""
    seen: list[object] = []

    def named(x: pd.Series, window: int) -> pd.Series:
        seen.append(window)
        return x

    def var_kw(x: pd.Series, **kwargs: Any) -> pd.Series:
        seen.append(kwargs.get("window"))
        return x

    def positional_only(x: pd.Series, window: int = -1, /) -> pd.Series:
        seen.append(window)
        return x

    def plain(x: pd.Series, scale: float = 1.0) -> pd.Series:
        seen.append("plain")
        return x * scale

    class NoSignature:
        __signature__ = "not a signature"  # inspect.signature raises TypeError

        def __call__(self, x: pd.Series, **kwargs: Any) -> pd.Series:
            seen.append(kwargs.get("window"))
            return x

    with pytest.raises(TypeError):
        inspect.signature(NoSignature())
    panel = dd.from_pandas(SERIES, npartitions=2)
    for func, expected in (
        (named, 4),
        (var_kw, 4),
        (positional_only, -1),
        (plain, "plain"),
        (NoSignature(), 4),
    ):
        seen.clear()
        got = rolling(func, panel, window=4, meta=SERIES.iloc[:0]).compute(scheduler=SYNC)
        assert got.tolist() == SERIES.tolist()
        assert seen and set(seen) == {expected}, func
    # with a keyword of func passed through (no window: plain does not take it)
    got = rolling(plain, panel, window=2, meta=SERIES.iloc[:0], scale=3.0).compute(scheduler=SYNC)
    assert got.tolist() == [3.0 * v for v in SERIES]


def test_rolling_other_panels_must_share_partitions() -> None:
    """Kills the ``or`` / ``and`` mutants of the partition check of rolling and its message."""
    a = dd.from_pandas(SERIES, npartitions=2)
    with pytest.raises(
        InputError,
        match=(
            r"^others\[0\] must have the partitions of panel \(2 partitions, divisions "
            r"\(Timestamp\('2024-01-01 00:00:00'\), Timestamp\('2024-01-06 00:00:00'\)\)"
            r"\.\.\.\); got 3$"
        ),
    ):
        rolling(lambda x, y: x + y, a, dd.from_pandas(SERIES, npartitions=3), window=2)
    # same number of partitions, other divisions: refused too
    with pytest.raises(InputError, match=r"^others\[0\] must have the partitions"):
        rolling(lambda x, y: x + y, a, _cuts(SERIES, [0, 3]), window=2)
    # same number of partitions and unknown divisions on one side: accepted
    got = rolling(
        lambda x, y: x + y, a, dd.from_pandas(SERIES, npartitions=2).clear_divisions(), window=2
    ).compute(scheduler=SYNC)
    assert got.tolist() == [2.0 * v for v in SERIES]
    with pytest.raises(TypeError, match=r"^others\[0\] must be a dask DataFrame or Series"):
        rolling(lambda x, y: x + y, a, SERIES, window=2)


def test_rolling_window_checks() -> None:
    """Kills the check_int mutants of rolling (argument name, minimum)."""
    panel = dd.from_pandas(SERIES, npartitions=2)
    with pytest.raises(InputError, match=r"^window must be >= 1, got 0"):
        rolling(_cumsum, panel, window=0)
    got = rolling(_cumsum, panel, window=1).compute(scheduler=SYNC)
    assert got.tolist() == _carried_cumsum([0, 5], 1)


def test_rolling_breadth_on_a_period_index() -> None:
    """Kills the PeriodIndex branch of _sample (a time-ordered sample for inference)."""
    months = pd.period_range("2024-01", periods=6, freq="M", name="month")
    rng = np.random.default_rng(3)
    rets = pd.DataFrame(rng.normal(0, 0.01, (6, 3)), index=months, columns=list("abc"))
    caps = pd.DataFrame(rng.uniform(1, 2, (6, 3)), index=months, columns=list("abc"))
    lazy = rolling(
        breadth.index_return,
        dd.from_pandas(rets, npartitions=2),
        dd.from_pandas(caps, npartitions=2),
        window=2,
    )
    assert lazy.name == "index_return" and lazy.index.name == "month"
    pd.testing.assert_series_equal(lazy.compute(scheduler=SYNC), breadth.index_return(rets, caps))


# --------------------------------------------------------------------------- cross_sectional
def test_cross_sectional_messages() -> None:
    """Kills the message mutants of _check_collection, _check_func, _empty_like, _infer_meta."""
    panel = dd.from_pandas(SERIES, npartitions=2)
    with pytest.raises(
        TypeError,
        match=(
            r"^panel must be a dask DataFrame or Series \(e\.g\. dask\.dataframe\.from_pandas\), "
            r"got Series$"
        ),
    ):
        cross_sectional(np.abs, SERIES)
    with pytest.raises(TypeError, match=r"^func must be callable, got str$"):
        cross_sectional("hhi", panel)  # type: ignore[arg-type]

    def to_array(x: pd.Series) -> Any:
        return x.to_numpy()

    with pytest.raises(
        TypeError,
        match=(
            r"^func must return a pandas Series or DataFrame on pandas input, got ndarray; "
            r"pass meta= to describe the output of to_array$"
        ),
    ):
        cross_sectional(to_array, panel)

    def broken(x: pd.Series, *, k: int) -> pd.Series:
        raise RuntimeError(f"boom {k}")

    with pytest.raises(
        InputError,
        match=(
            r"^could not infer the output of broken from a sample \(RuntimeError: boom 2\); "
            r"pass meta= \(an empty Series or DataFrame shaped like the result\)$"
        ),
    ):
        cross_sectional(broken, panel, k=2)
    # a callable without __name__: "func"
    with pytest.raises(InputError, match=r"^could not infer the output of func from a sample"):
        cross_sectional(functools.partial(broken, k=3), panel)


def test_inference_is_silent_and_meta_empty() -> None:
    """Kills the warnings / errstate mutants of _infer_meta: the sample run does not warn."""

    def noisy(x: pd.Series) -> pd.Series:
        warnings.warn("from the sample", UserWarning, stacklevel=2)
        return np.log(x - 1.5)  # the sample holds values in [1, 2): NaN and -inf warn

    panel = dd.from_pandas(SERIES + 2.0, npartitions=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lazy = cross_sectional(noisy, panel)
    assert len(lazy._meta) == 0 and lazy.name == "x" and lazy.index.name == "date"
    with pytest.warns(UserWarning, match="from the sample"):
        got = lazy.compute(scheduler=SYNC)
    np.testing.assert_allclose(got, np.log(SERIES + 0.5))


def test_cross_sectional_alignment_of_other_panels() -> None:
    """Kills the division checks of cross_sectional (``and`` -> ``or``, ``!=``) and the message."""
    frame = pd.DataFrame({"a": np.arange(1.0, 11.0), "b": 2.0}, index=IDX)
    a = dd.from_pandas(frame, npartitions=2)
    ref = concentration.hhi(frame + frame)

    def hhi_sum(x: pd.DataFrame, y: pd.DataFrame) -> Any:
        return concentration.hhi(x + y)

    # known divisions, split differently: repartitioned to the panel's
    got = cross_sectional(hhi_sum, a, _cuts(frame, [0, 3, 7])).compute(scheduler=SYNC)
    pd.testing.assert_series_equal(got, ref, check_freq=False)
    # one side unknown, same number of partitions: passed as is
    other = dd.from_pandas(frame, npartitions=2).clear_divisions()
    got = cross_sectional(hhi_sum, a, other).compute(scheduler=SYNC)
    pd.testing.assert_series_equal(got, ref, check_freq=False)
    with pytest.raises(
        InputError,
        match=(
            r"^others\[0\] has 3 partitions and panel 2, with unknown divisions: they cannot "
            r"be aligned$"
        ),
    ):
        cross_sectional(
            hhi_sum, a.clear_divisions(), dd.from_pandas(frame, npartitions=3).clear_divisions()
        )
    with pytest.raises(TypeError, match=r"^others\[1\] must be a dask DataFrame or Series"):
        cross_sectional(lambda x, y, z: x, a, a, frame)


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


def _chains(dates: list[int]) -> pd.DataFrame:
    frames = [_ONE.assign(date=d, t=(20 + d) / 365) for d in dates]
    return pd.concat(frames, ignore_index=True)


def test_variance_panel_with_empty_partitions() -> None:
    """Kills the empty-partition mutants of _variance_part and of the join."""
    chains = _chains([0, 1, 4, 5]).set_index("date", drop=False).rename_axis("day")
    lazy = dd.from_pandas(chains, npartitions=1).repartition(divisions=[0, 2, 4, 5])
    assert lazy.get_partition(1).compute(scheduler=SYNC).empty  # days 2 and 3: no chain
    with dask.config.set(scheduler=SYNC):
        got = model_free_variance_panel(lazy, by="date", t="t", rate=0.01)
    ref = dispersion.model_free_variance_panel(_chains([0, 1, 4, 5]), by="date", t="t", rate=0.01)
    pd.testing.assert_series_equal(got, ref)
    # nothing at all: an empty float Series named "variance"
    empty = dd.from_pandas(_chains([0]).iloc[:0], npartitions=1)
    with dask.config.set(scheduler=SYNC):
        none = model_free_variance_panel(empty, by="date", t="t", rate=0.01)
    assert none.empty and none.name == "variance" and none.dtype == np.float64


def test_variance_panel_options_are_passed() -> None:
    """Kills the option-dict mutants (by, t, rate, **kwargs) against the local function."""
    chains = _chains([0, 1, 2, 3])
    lazy = dd.from_pandas(chains.set_index("date", drop=False).rename_axis("day"), npartitions=2)
    # t and rate swapped on purpose (a column for the rate, one value for t): each must reach
    # its own argument; k0_rule reaches the local function
    for extra in ({}, {"k0_rule": "at_or_below"}):
        with dask.config.set(scheduler=SYNC):
            got = model_free_variance_panel(lazy, by="date", t=0.1, rate="t", **extra)
        ref = dispersion.model_free_variance_panel(chains, by="date", t=0.1, rate="t", **extra)
        pd.testing.assert_series_equal(got, ref)


def test_variance_panel_split_chain_message() -> None:
    """Kills the duplicate-count and message mutants: one chain cut in two, the first named."""
    chains = _chains([0, 1, 2, 3])  # 9 rows per day, rows 0..35
    # cut at row 13: day 1 (rows 9..17) is in both partitions, the others in one
    lazy = dd.from_pandas(chains, npartitions=1).repartition(divisions=[0, 13, 35])
    with (
        dask.config.set(scheduler=SYNC),
        pytest.raises(
            InputError,
            match=(
                r"^1 chain\(s\) of chains lie in several partitions; first 1: "
                r"partition chains "
                r"by date so that each chain is inside one partition "
                r"\(e\.g\. chains\.set_index\('date'\)\)$"
            ),
        ),
    ):
        model_free_variance_panel(lazy, by="date", t="t", rate=0.01)
    with pytest.raises(
        TypeError,
        match=(
            r"^chains must be a dask DataFrame \(e\.g\. dask\.dataframe\.from_pandas\), "
            r"got DataFrame$"
        ),
    ):
        model_free_variance_panel(chains, by="date", t="t", rate=0.01)


# --------------------------------------------------------------------------- Monte Carlo
@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Records the arguments of every chunk the simulator runs."""
    from divergence.refinancing import _simulate as engine

    seen: list[dict[str, Any]] = []
    real = engine._simulate

    def spy(book: Any, firms: Any, rates: Any, **kwargs: Any) -> Any:
        seen.append({"rates_shape": np.shape(rates), **kwargs})
        return real(book, firms, rates, **kwargs)

    monkeypatch.setattr(engine, "_simulate", spy)
    return seen


BOOK, FIRMS = example_book(2, 4, seed=1)
RATES = np.full((10, 6), 0.03) + np.linspace(0, 0.01, 10)[:, None]


def _chunks(seen: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return sorted((c["first_path"], c["n_paths"]) for c in seen)


def test_simulate_refinancing_path_cuts(calls: list[dict[str, Any]]) -> None:
    """Kills the cut / chunk mutants: round(linspace(0, 10, 4)) = 0, 3, 7, 10 by hand."""
    with dask.config.set(scheduler=SYNC):
        got = simulate_refinancing(BOOK, FIRMS, RATES, seed=5, n_chunks=3)
    assert _chunks(calls) == [(0, 3), (3, 4), (7, 3)]
    assert sorted(c["rates_shape"] for c in calls) == [(3, 6), (3, 6), (4, 6)]
    assert {c["n_threads"] for c in calls} == {1} and {c["prefetch"] for c in calls} == {False}
    ref = simulate(BOOK, FIRMS, RATES, seed=5)
    np.testing.assert_array_equal(got.interest_sum, ref.interest_sum)
    assert got.n_paths == 10
    # more chunks than paths: one path per chunk; 1-D rates go whole to every chunk
    calls.clear()
    with dask.config.set(scheduler=SYNC):
        simulate_refinancing(BOOK, FIRMS, RATES[0], n_paths=3, seed=5, n_chunks=8, n_threads=2)
    assert _chunks(calls) == [(0, 1), (1, 1), (2, 1)]
    assert {c["rates_shape"] for c in calls} == {(6,)} and {c["n_threads"] for c in calls} == {2}


def test_simulate_refinancing_default_chunks(
    calls: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kills the default-n_chunks mutants: the CPU count, 1 when unknown, the client's threads."""
    import os

    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    with dask.config.set(scheduler=SYNC):
        simulate_refinancing(BOOK, FIRMS, RATES, seed=5)
    # cuts round(0, 2.5, 5, 7.5, 10) = 0, 2, 5, 8, 10 (NumPy rounds halves to even)
    assert _chunks(calls) == [(0, 2), (2, 3), (5, 3), (8, 2)]
    calls.clear()
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    with dask.config.set(scheduler=SYNC):
        simulate_refinancing(BOOK, FIRMS, RATES, seed=5)
    assert _chunks(calls) == [(0, 10)]

    class Client:
        """Stand-in for dask.distributed.Client: 2 + 1 worker threads, computes locally."""

        used = 0

        def nthreads(self) -> dict[str, int]:
            return {"w0": 2, "w1": 1}

        def compute(self, tasks: list[Any]) -> list[Any]:
            Client.used += 1
            return list(dask.compute(*tasks, scheduler=SYNC))

        def gather(self, futures: list[Any]) -> list[Any]:
            return futures

    calls.clear()
    got = simulate_refinancing(BOOK, FIRMS, RATES, seed=5, client=Client())
    assert Client.used == 1  # the tasks went to the client, not to the default scheduler
    assert _chunks(calls) == [(0, 3), (3, 4), (7, 3)]
    np.testing.assert_array_equal(
        got.interest_sum, simulate(BOOK, FIRMS, RATES, seed=5).interest_sum
    )


def test_simulate_refinancing_argument_checks() -> None:
    """Kills the as_array / check_int mutants of simulate_refinancing (names, options)."""
    bad = RATES.copy()
    bad[2, 3] = np.nan
    with pytest.raises(InputError, match=r"^rates has 1 NaN value"):
        simulate_refinancing(BOOK, FIRMS, bad, seed=0)
    with pytest.raises(InputError, match=r"^rates must be 1-D or 2-D"):
        simulate_refinancing(BOOK, FIRMS, RATES[None], seed=0)
    with pytest.raises(InputError, match=r"^n_chunks must be >= 1, got 0"):
        simulate_refinancing(BOOK, FIRMS, RATES, seed=0, n_chunks=0)
    with pytest.raises(TypeError, match="n_chunks"):
        simulate_refinancing(BOOK, FIRMS, RATES, seed=0, n_chunks=2.0)  # type: ignore[arg-type]


def test_inference_keeps_index_labels_and_ignores_the_callers_error_state() -> None:
    """Kills _sample's index mutants (name, resized labels) and ``errstate(all=None)`` and the
    ``"func"`` fallback name of _infer_meta."""
    rows = pd.Series(np.arange(1.0, 7.0), index=pd.Index([10, 20, 30, 40, 50, 60], name="row"))
    keys = pd.Series(np.arange(1.0, 7.0), index=pd.Index(list("abcdef"), name="key"))
    for panel in (rows, keys):
        lazy = cross_sectional(_cumsum, dd.from_pandas(panel, npartitions=2))
        assert lazy.index.name == panel.index.name
        assert lazy.index.dtype == panel.index.dtype  # labels of the input's kind
    # a caller's np.errstate(all="raise") does not break the sample run (NaN from log)
    with np.errstate(all="raise"):
        lazy = cross_sectional(lambda x: np.log(x - 1.5), dd.from_pandas(rows + 2.0, npartitions=2))
    np.testing.assert_allclose(lazy.compute(scheduler=SYNC), np.log(rows + 0.5))
    with pytest.raises(TypeError, match=r"to describe the output of func$"):
        cross_sectional(
            functools.partial(lambda x, k: x.to_numpy(), k=1), dd.from_pandas(rows, npartitions=2)
        )


def test_inference_sample_varies() -> None:
    """Kills ``rng.random(shape)`` -> ``rng.random(None)`` in _sample: the synthetic sample is
    documented as varying, so a function that refuses constant input can still be inferred."""

    def needs_variation(x: Any) -> Any:
        if (x.nunique() < 2).any() if isinstance(x, pd.DataFrame) else x.nunique() < 2:
            raise ValueError("constant input")
        return x

    for panel in (SERIES, SERIES.to_frame().assign(y=SERIES[::-1].to_numpy())):
        lazy = cross_sectional(needs_variation, dd.from_pandas(panel, npartitions=2))
        assert len(lazy._meta) == 0


def test_missing_dask_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Kills the message mutants of _dask and _dask_dataframe (dask made unimportable)."""
    import sys

    panel = dd.from_pandas(SERIES, npartitions=2)
    for name in ("dask", "dask.dataframe"):
        monkeypatch.setitem(sys.modules, name, None)  # import now raises ImportError
    expected = r'^divergence.distributed needs dask: pip install "divergence\[dask\]"$'
    with pytest.raises(ImportError, match=expected):
        rolling(_cumsum, panel, window=2)  # _dask() first
    with pytest.raises(ImportError, match=expected):
        cross_sectional(_cumsum, panel)  # _dask_dataframe()
