"""Worker threads for block-wise kernels (private).

Large panels and chain tables are processed in blocks that write disjoint outputs and whose
arithmetic does not depend on the blocking, so running the blocks on several threads gives the
same bits as one thread. NumPy's sorts, partitions and reductions, and the numba loops compiled
with ``nogil=True``, release the GIL, so the blocks run on every core. Parallelism is only
started from the main thread: a call already running on a worker thread (a Dask task, a
thread pool of the user's) stays on that thread, so parallel layers do not multiply.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

__all__ = ["cores", "run_blocks", "threads_for"]


def cores() -> int:
    """CPU cores this process may run on (its affinity mask where the OS has one)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return os.cpu_count() or 1


def threads_for(n_values: int, min_values: int) -> int:
    """Threads for a job of ``n_values``: every core from ``min_values`` on, on the main thread.

    One thread for a smaller job (thread start-up would cost more than it saves) and for a
    call made from a worker thread.
    """
    if n_values < min_values or threading.current_thread() is not threading.main_thread():
        return 1
    return max(1, cores())


_POOL: tuple[int, int, ThreadPoolExecutor] | None = None  # (pid, threads, pool)
_POOL_LOCK = threading.Lock()


def _pool(threads: int) -> ThreadPoolExecutor:
    """A pool of ``threads`` workers kept for the process.

    Starting threads on every call costs more than a small panel's sort. A new pool is made
    after a fork (threads do not survive it) or for another thread count.
    """
    global _POOL
    with _POOL_LOCK:
        pid = os.getpid()
        if _POOL is None or _POOL[0] != pid or _POOL[1] != threads:
            if _POOL is not None and _POOL[0] == pid:
                _POOL[2].shutdown(wait=False)
            _POOL = (pid, threads, ThreadPoolExecutor(threads, thread_name_prefix="divergence"))
        return _POOL[2]


def run_blocks(tasks: Sequence[Callable[[], None]], threads: int) -> None:
    """Run ``tasks`` (independent blocks) on up to ``threads`` threads; errors re-raised.

    With one thread, or one task, they run in order on the calling thread; otherwise on the
    pool kept for the process, the calling thread waiting for every task.
    """
    if threads <= 1 or len(tasks) <= 1:
        for task in tasks:
            task()
        return
    pool = _pool(threads)
    pending = [pool.submit(task) for task in tasks]
    for done in pending:
        done.result()
