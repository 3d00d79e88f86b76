"""Assertions the mutation run of divergence._threads showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_threads.json``). The references are the operating system's own answers
(``os.sched_getaffinity``), the threading module (which thread ran a task) and counts made here.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from divergence import _threads


def test_cores_is_the_affinity_mask() -> None:
    if not hasattr(os, "sched_getaffinity"):
        pytest.skip("no affinity call on this platform")
    assert _threads.cores() == len(os.sched_getaffinity(0))


def test_threads_for_threshold_and_worker_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_threads, "cores", lambda: 6)
    assert _threads.threads_for(99, 100) == 1
    assert _threads.threads_for(100, 100) == 6  # from min_values on: every core
    assert _threads.threads_for(101, 100) == 6
    monkeypatch.setattr(_threads, "cores", lambda: 0)
    assert _threads.threads_for(100, 100) == 1  # never fewer than one
    monkeypatch.setattr(_threads, "cores", lambda: 6)
    seen: list[int] = []
    worker = threading.Thread(target=lambda: seen.append(_threads.threads_for(10**6, 1)))
    worker.start()
    worker.join()
    assert seen == [1]  # called from a worker thread: stays on it


def _recorder(names: list[str], order: list[int], i: int) -> Callable[[], None]:
    def task() -> None:
        names.append(threading.current_thread().name)
        order.append(i)

    return task


def test_one_thread_or_one_task_runs_in_order_on_the_caller() -> None:
    caller = threading.current_thread().name
    for threads, count in ((1, 4), (0, 3), (4, 1)):
        names: list[str] = []
        order: list[int] = []
        _threads.run_blocks([_recorder(names, order, i) for i in range(count)], threads)
        assert order == list(range(count))
        assert names == [caller] * count
    _threads.run_blocks([], 4)  # nothing to do


def test_several_threads_use_the_pool_and_reraise() -> None:
    names: list[str] = []
    order: list[int] = []
    _threads.run_blocks([_recorder(names, order, i) for i in range(6)], 2)
    assert sorted(order) == list(range(6))
    assert all(n.startswith("divergence") for n in names)

    def boom() -> None:
        raise RuntimeError("block 3 failed")

    with pytest.raises(RuntimeError, match=r"^block 3 failed$"):
        _threads.run_blocks([lambda: None, boom], 2)


def test_pool_is_kept_per_process_and_thread_count() -> None:
    a = _threads._pool(2)
    assert _threads._pool(2) is a
    assert a._max_workers == 2
    b = _threads._pool(3)
    assert b is not a and b._max_workers == 3
    assert a._shutdown  # the old pool was shut down
    assert _threads._POOL is not None and _threads._POOL[0] == os.getpid()
    assert _threads._POOL[1] == 3
    # after a fork the pid differs: a new pool is made, the inherited one left alone
    _threads._POOL = (-1, 3, b)
    c = _threads._pool(3)
    assert c is not b and not b._shutdown
    b.shutdown()


def test_cores_without_an_affinity_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # macOS and Windows have no sched_getaffinity: the CPU count, or 1 when it is unknown
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert _threads.cores() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert _threads.cores() == 1


def test_two_tasks_on_two_threads_use_a_pool_of_two() -> None:
    names: list[str] = []
    order: list[int] = []
    _threads.run_blocks([_recorder(names, order, i) for i in range(2)], 2)
    assert sorted(order) == [0, 1]
    assert all(n.startswith("divergence") for n in names)
    assert _threads._POOL is not None and _threads._POOL[1] == 2
