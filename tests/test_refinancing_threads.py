"""``simulate(n_threads=...)``: chunks of paths on worker threads give the one-thread bits.

The reference is the NumPy engine on one thread and one chunk (itself checked against closed
forms and a slow scalar loop in ``tests/test_refinancing.py``). Every field of the result must
be equal, bit for bit, for 1, 2 and 3 threads, both engines and several chunk sizes. Also:
which threads do the work, how the default chunks are cut, errors raised in a worker, the
``n_threads`` argument, the progress bar and the Dask pass-through.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _refinancing_cases import assert_same_result, odd_book
from divergence.errors import InputError
from divergence.refinancing import (
    Distress,
    SpreadTable,
    _kernels,
    cir_paths,
    example_book,
    policy_path,
    simulate,
)
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


TIGHT = SpreadTable((1.0, 3.0), (0.09, 0.04, 0.01), ("C", "B", "A"), source="t", as_of="t")

OPTIONS: list[dict[str, Any]] = [
    {"chunk_size": 1},
    {"chunk_size": 2, "keep": "full", "ebit_correlation": 1.0},
    {
        "chunk_size": 3,
        "thresholds": (0.5, 3.0),
        "distress": Distress(threshold=1.25, months=2),
        "max_iter": 1,
        "ebit_correlation": 0.0,
    },
    {"chunk_size": 2, "rate_paths": True, "keep": "full"},
]


@pytest.mark.parametrize("eng", ENGINES)
@pytest.mark.parametrize("options", OPTIONS, ids=["chunk1", "chunk2-full-rho1", "bands", "paths"])
def test_any_number_of_threads_gives_the_one_thread_bits(eng: str, options: dict[str, Any]) -> None:
    book, firms = odd_book(6, 20)
    kw = dict(options)
    if kw.pop("rate_paths", False):  # per-path rates, rate betas and per-cohort tables
        firms = firms.assign(rate_beta=np.linspace(-2.0, 4.0, len(firms)))
        rates: Any = cir_paths(0.03, 0.4, 0.05, 0.08, months=30, n_paths=7, seed=1)
        kw["spread_table"] = {"mega-cap": SpreadTable.damodaran(), "SME": TIGHT, "odd": TIGHT}
    else:
        rates = policy_path(0.01, np.r_[0.05, np.zeros(14), -0.07, np.zeros(14)])
        kw["n_paths"] = 7
    chunk = kw.pop("chunk_size")
    ref = simulate(book, firms, rates, seed=3, engine="numpy", n_threads=1, **kw)
    for n in (1, 2, 3):
        got = simulate(book, firms, rates, seed=3, engine=eng, n_threads=n, chunk_size=chunk, **kw)
        assert_same_result(ref, got, f"n_threads={n}")


def _spy_chunks(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """(first path, thread name) of every chunk run (a spy on _run_chunk)."""
    seen: list[tuple[int, str]] = []
    run = engine._run_chunk

    def spy(*args: Any, **kwargs: Any) -> int:
        seen.append((args[3], threading.current_thread().name))
        return run(*args, **kwargs)

    monkeypatch.setattr(engine, "_run_chunk", spy)
    return seen


def test_chunks_run_on_the_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    book, firms = example_book(2, 3, seed=1)
    rates = np.full(4, 0.02)
    seen = _spy_chunks(monkeypatch)
    simulate(book, firms, rates, n_paths=5, seed=1, chunk_size=1, n_threads=2)
    assert sorted(p0 for p0, _ in seen) == [0, 1, 2, 3, 4]
    assert all(name.startswith("divergence-refinancing") for _, name in seen)
    seen.clear()
    simulate(book, firms, rates, n_paths=5, seed=1, chunk_size=1, n_threads=1)
    assert seen == [(p0, threading.current_thread().name) for p0 in range(5)]
    assert not any(t.name.startswith("divergence-refinancing") for t in threading.enumerate())


def test_default_threads_are_the_cores_of_the_process(monkeypatch: pytest.MonkeyPatch) -> None:
    if hasattr(os, "sched_getaffinity"):
        assert engine._cpu_count() == len(os.sched_getaffinity(0))
    asked: list[int] = []
    run = engine._run_chunks

    def spy(*args: Any, **kwargs: Any) -> int:
        asked.append(args[4])
        return run(*args, **kwargs)

    monkeypatch.setattr(engine, "_run_chunks", spy)
    monkeypatch.setattr(engine, "_cpu_count", lambda: 5)
    book, firms = example_book(1, 2, seed=1)
    simulate(book, firms, np.full(3, 0.02), n_paths=2, seed=1)
    simulate(book, firms, np.full(3, 0.02), n_paths=2, seed=1, n_threads=3)
    assert asked == [5, 3]


@pytest.mark.parametrize(
    ("args", "n_chunks", "size"),
    [
        # the case: 21 chunks of 40 paths on one thread; 22 (a multiple of 2) on two
        ((834, 10_000, 60_000, 1), 21, 40),
        ((834, 10_000, 60_000, 2), 22, 38),
        ((834, 10_000, 60_000, 3), 21, 40),  # 21 is already a multiple of 3
        ((834, 10_000, 60_000, 4), 24, 35),
        # one chunk of 200 paths x 2,000 firms; two threads: two chunks of 100
        ((200, 2_000, 12_000, 1), 1, 200),
        ((200, 2_000, 12_000, 2), 2, 100),
        # 7 paths x 14 firms (98 < _THREAD_MIN firms x paths): one chunk whatever the threads
        ((7, 14, 84, 2), 1, 7),
        ((7, 14, 84, 8), 1, 7),
        # 3 paths x 40,000 firms: at most 120,000 // _THREAD_MIN = 2 chunks (2 + 1 paths)
        ((3, 40_000, 240_000, 8), 2, 2),
        # 2 paths x 100,000 firms, 8 threads: at most one chunk a path
        ((2, 100_000, 600_000, 8), 2, 1),
    ],
)
def test_default_chunks(args: tuple[int, int, int, int], n_chunks: int, size: int) -> None:
    bounds = engine._default_chunks(*args)
    assert len(bounds) == n_chunks
    assert bounds[0] == (0, size)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))
    assert bounds[-1][1] == args[0]


@pytest.mark.parametrize("eng", ENGINES)
def test_default_chunks_on_threads_change_no_number(
    monkeypatch: pytest.MonkeyPatch, eng: str
) -> None:
    # with a lower split threshold the default cut gives 2 or 3 chunks; same bits as 1 chunk
    book, firms = odd_book(6, 20)
    rates = policy_path(0.01, np.r_[0.05, np.zeros(19)])
    ref = simulate(book, firms, rates, n_paths=7, seed=9, keep="full", n_threads=1, engine=eng)
    monkeypatch.setattr(engine, "_THREAD_MIN", 10)
    seen = _spy_chunks(monkeypatch)
    for n in (2, 3):
        got = simulate(book, firms, rates, n_paths=7, seed=9, keep="full", n_threads=n, engine=eng)
        assert_same_result(ref, got, f"n_threads={n}")
    assert len(seen) == 2 + 3


def test_an_error_in_a_worker_reaches_the_caller_and_stops_the_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # chunk 0 fails in its first month; every other chunk is held in its first month until
    # the failure is seen (the stop event set), then ends at its next month (the chunks still
    # queued are cancelled or stop before their first month); no worker thread is left behind
    stops: list[threading.Event] = []
    run = engine._run_chunk

    def keep_stop(*args: Any, **kwargs: Any) -> int:
        stops.append(args[6])
        return run(*args, **kwargs)

    months: list[tuple[int, int]] = []
    ebit = engine._ebit

    def step(plan: Any, st: Any, m: int, draws: Any) -> None:
        months.append((st.p0, m))
        if st.p0 == 0:
            raise RuntimeError("worker failed")
        assert stops[0].wait(timeout=30)
        ebit(plan, st, m, draws)

    monkeypatch.setattr(engine, "_run_chunk", keep_stop)
    monkeypatch.setattr(engine, "_ebit", step)
    book, firms = example_book(2, 2, seed=4)
    before = threading.active_count()
    with pytest.raises(RuntimeError, match="worker failed"):
        simulate(book, firms, np.full(6, 0.02), n_paths=6, seed=1, chunk_size=1, n_threads=2)
    assert (0, 0) in months
    assert (1, 0) in months  # the other worker's first chunk
    assert all(m == 0 for _, m in months)  # no chunk went on after the failure
    assert threading.active_count() == before
    assert not any(t.name.startswith("divergence-refinancing") for t in threading.enumerate())


def test_a_stopped_chunk_does_no_month(monkeypatch: pytest.MonkeyPatch) -> None:
    called: list[int] = []
    monkeypatch.setattr(engine, "_ebit", lambda plan, st, m, draws: called.append(m))
    book, firms = example_book(1, 1, seed=0)
    rates = np.full(3, 0.02)
    stop = threading.Event()
    stop.set()
    f = as_firms(firms)
    tables, cohort_table = tables_for_cohorts(SpreadTable.damodaran(), f.cohorts)
    plan, _ = engine._prepare(
        as_book(book),
        f,
        rates,
        h=3,
        n_paths=1,
        rule=Distress(),
        thr=(1.0,),
        tables=tables,
        cohort_table=cohort_table,
        rho=0.5,
        n_iter=20,
        engine="numpy",
        full=False,
    )
    out = engine._Outputs.empty(plan, 1)
    gens = [np.random.default_rng(0)]
    assert engine._run_chunk(plan, out, gens, 0, 1, None, stop) == 0
    assert called == []


@pytest.mark.parametrize(
    ("value", "exc", "match"),
    [
        (0, InputError, "n_threads"),
        (-2, InputError, "n_threads"),
        (1.5, TypeError, "n_threads"),
        ("2", TypeError, "n_threads"),
        (True, TypeError, "n_threads"),
    ],
)
def test_n_threads_is_validated(value: Any, exc: type[Exception], match: str) -> None:
    book, firms = example_book(1, 1, seed=0)
    with pytest.raises(exc, match=match):
        simulate(book, firms, np.full(3, 0.02), n_threads=value)


def test_progress_bar_counts_the_chunks_of_every_thread(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pytest.importorskip("tqdm")
    book, firms = example_book(1, 2, seed=0)
    simulate(
        book, firms, np.full(4, 0.02), n_paths=7, seed=0, chunk_size=2, n_threads=2, progress=True
    )
    err = capsys.readouterr().err
    assert re.search(r"\brefinancing\b", err)
    assert re.search(r"\b4/4\b", err)


def test_dask_tasks_run_one_thread_each_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    dask = pytest.importorskip("dask")
    from divergence.distributed import simulate_refinancing

    asked: list[Any] = []
    inner = engine._simulate

    def spy(*args: Any, **kwargs: Any) -> Any:
        asked.append(kwargs.get("n_threads"))
        return inner(*args, **kwargs)

    monkeypatch.setattr(engine, "_simulate", spy)
    book, firms = example_book(1, 2, seed=0)
    rates = np.full(4, 0.02)
    with dask.config.set(scheduler="synchronous"):
        one = simulate_refinancing(book, firms, rates, n_paths=4, seed=2, n_chunks=2)
        two = simulate_refinancing(book, firms, rates, n_paths=4, seed=2, n_chunks=2, n_threads=2)
    assert asked == [1, 1, 2, 2]
    assert_same_result(one, two, "dask n_threads")


_SMALL = example_book(2, 3, seed=7)
_SMALL_RATES = policy_path(0.02, np.r_[0.04, np.zeros(11)])
_SMALL_REF = simulate(*_SMALL, _SMALL_RATES, n_paths=6, seed=5, keep="full", n_threads=1)


@settings(max_examples=12, deadline=None)
@given(chunk=st.integers(1, 7), n_threads=st.integers(1, 4))
def test_chunks_and_threads_never_matter(chunk: int, n_threads: int) -> None:
    got = simulate(
        *_SMALL,
        _SMALL_RATES,
        n_paths=6,
        seed=5,
        keep="full",
        chunk_size=chunk,
        n_threads=n_threads,
    )
    assert_same_result(_SMALL_REF, got, f"chunk_size={chunk}, n_threads={n_threads}")
