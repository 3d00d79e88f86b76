r"""Vectorised Monte Carlo of rate pass-through into corporate interest expense (private).

The engine follows the mechanical repricing method of the Fed's interest-coverage notes
(Kumbhat, Palomino & Perez-Orive, FEDS Notes 2017-11-15): extra interest comes only from
floating debt re-fixing at its reset dates and from maturing debt refinanced at the new base
rate plus a spread that depends on the borrower's coverage at that time. Nothing in the engine
is a lag: how fast interest expense responds follows from the reset frequencies and the
maturity ladder of the book.

Layout: :func:`_simulate` validates the inputs and builds a :class:`_Plan` (what every path
shares: tranche grid, event schedule, firm constants); :func:`_run_chunks` hands chunks of
paths to one or more threads; :func:`_run_chunk` is the monthly loop of one chunk, a sequence
of named steps on its :class:`_Chunk` state — :func:`_ebit`, :func:`_events`,
:func:`_refinancing_spreads`, :func:`_interest`, :func:`_coverage_bands`, :func:`_aggregates`
— whose per-firm-month passes have compiled twins of the same names in ``_kernels``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._threads import cores as _cpu_count
from divergence._typing import BoolArray, FloatArray, IntArray, SeedLike
from divergence._validation import (
    as_array,
    check_bool,
    check_float,
    check_int,
    check_option,
    spawn_generators,
    warn_units,
)
from divergence.errors import InputError
from divergence.refinancing import _kernels
from divergence.refinancing._book import DebtBook, Firms, as_book, as_firms
from divergence.refinancing._result import (
    ALL_COHORTS,
    Distress,
    RefinancingResult,
    cohort_labels,
    spread_tables_by_label,
)
from divergence.refinancing._spreads import SpreadTable, _coverage, tables_for_cohorts

__all__ = ["simulate"]

_FULL_LIMIT = 50_000_000  # paths * months * firms allowed with keep="full"
_CHUNK_TARGET = 400_000  # firms x paths of a chunk's per-month arrays (~3 MB each)
_BIN_TARGET = 2_000_000  # bin sums (months x paths x bins) kept before writing the outputs
# normals a chunk draws a month below which the helper thread costs more than it saves
# (measured: 0.7x at 20,000, 0.9x at 50,000, 1.1-1.2x at 100,000, 1.2-1.4x from 200,000)
_PREFETCH_MIN = 150_000
# firms x paths below which a chunk is not split further for a second thread: the Python
# glue of a chunk-month holds the GIL, and on small chunks the threads wait for each other
# (measured on 2 shared cores, numba engine: 0.8x at 10,000 a chunk, 1.3x at 40,000)
_THREAD_MIN = 50_000


@dataclass
class _Month:
    """Deterministic events of one month (the same on every path).

    Tranches live in a dense (firms, slots) layout; indices below are flat slot indices.
    Interest of a slot is split into a spread part ``P × s`` (path-dependent only through
    refinancing spreads) and a base part ``P × r(fix)`` (the base rate of the month the slot
    was last fixed; deterministic fixing months), so a month only recomputes the firms whose
    parts change.
    """

    first_fix: IntArray  # floating slots whose spread part leaves the current coupon
    reset: IntArray  # slots re-fixed at this month's base rate (not refinanced)
    refi: IntArray  # slots refinanced
    refi_firms: IntArray  # distinct firms refinancing (internal firm positions)
    refi_slots: IntArray  # every slot of the refinancing firms, firm-major
    refi_local: IntArray  # for each refi slot, its firm's position in refi_firms
    refi_principal: FloatArray  # principal refinanced per refi firm
    refi_keep: FloatArray  # (refi firms, slots, 1): 1.0 for slots NOT refinanced, else 0.0
    refi_dense: IntArray  # (refi firms, most refi slots of a firm): refi slots, padded with n_t
    refi_fix_firms: IntArray  # refinancing firms that also have a first reset this month
    s_firms: IntArray  # firms (not refinancing) whose spread part changes: a first reset
    spread_firms: IntArray  # refi_firms and s_firms, sorted
    b_firms: IntArray  # firms whose base part changes this month
    b_slots: IntArray  # every slot of b_firms, firm-major


def _firm_slots(firms: IntArray, n_slots: int) -> IntArray:
    """Flat slot indices of ``firms`` (firm-major)."""
    return (firms[:, None] * n_slots + np.arange(n_slots)).reshape(-1)


def _firms_of(slots: IntArray, slot_firm: IntArray, n_firms: int) -> IntArray:
    """Sorted distinct firms owning ``slots`` (a mask instead of a sort)."""
    mask = np.zeros(n_firms, dtype=bool)
    mask[slot_firm[slots]] = True
    return np.flatnonzero(mask).astype(np.int64)


def _schedule(
    floating: BoolArray,
    coupon_nan: BoolArray,
    maturity: IntArray,
    reset_months: IntArray,
    first_reset: IntArray,
    tenor: IntArray,
    principal: FloatArray,
    n_slots: int,
    horizon: int,
) -> tuple[list[_Month], IntArray]:
    """Event lists per month (loop over months, vectorised over slots; padding never fires).

    Also returns the month each slot first reprices (``horizon`` if it never does).
    """
    n_t = len(maturity)
    never = np.iinfo(np.int64).max // 2
    exists = principal > 0
    next_refi = np.where(exists, maturity, never)
    next_reset = np.where(floating & exists, np.where(coupon_nan, 0, first_reset), never)
    first_repriced = np.full(n_t, horizon, dtype=np.int64)
    seen = np.zeros(n_t, dtype=bool)
    slot_firm = np.arange(n_t) // n_slots
    n_firms = n_t // n_slots
    all_firms = np.arange(n_firms, dtype=np.int64)
    all_slots = np.arange(n_t, dtype=np.int64)
    months: list[_Month] = []
    for m in range(horizon):
        refi_mask = next_refi == m
        reset_mask = (next_reset == m) & ~refi_mask
        refi = np.flatnonzero(refi_mask)
        reset = np.flatnonzero(reset_mask)
        first_fix = np.flatnonzero(reset_mask & ~seen)
        next_refi[refi] += tenor[refi]
        rf = refi[floating[refi]]
        next_reset[rf] = m + reset_months[rf]
        next_reset[reset] = np.where(m == 0, first_reset[reset], m + reset_months[reset])
        first_repriced[(refi_mask | reset_mask) & ~seen] = m
        seen |= refi_mask | reset_mask
        refi_by_firm = np.zeros(n_firms, dtype=bool)
        refi_by_firm[slot_firm[refi]] = True
        fix_by_firm = np.zeros(n_firms, dtype=bool)
        fix_by_firm[slot_firm[first_fix]] = True
        refi_firms = np.flatnonzero(refi_by_firm)
        refi_local = np.searchsorted(refi_firms, slot_firm[refi])
        refi_principal = np.asarray(
            np.bincount(refi_local, weights=principal[refi], minlength=len(refi_firms)),
            dtype=np.float64,
        )
        keep = np.where(refi_mask.reshape(n_firms, n_slots)[refi_firms], 0.0, 1.0)[:, :, None]
        per_refi_firm = np.bincount(refi_local, minlength=len(refi_firms))
        dense = np.full((len(refi_firms), int(per_refi_firm.max(initial=0))), n_t, dtype=np.int64)
        group_start = np.cumsum(per_refi_firm) - per_refi_firm
        dense[refi_local, np.arange(len(refi)) - group_start[refi_local]] = refi
        b_firms = _firms_of(np.concatenate([refi, reset]), slot_firm, n_firms)
        if 3 * b_firms.size > n_firms:  # most firms: recompute them all (same values, no gather)
            b_firms, b_slots = all_firms, all_slots
        else:
            b_slots = _firm_slots(b_firms, n_slots)
        months.append(
            _Month(
                first_fix=first_fix.astype(np.int64),
                reset=reset.astype(np.int64),
                refi=refi.astype(np.int64),
                refi_firms=refi_firms,
                refi_slots=_firm_slots(refi_firms, n_slots),
                refi_local=refi_local.astype(np.int64).reshape(-1),
                refi_principal=refi_principal,
                refi_keep=keep,
                refi_dense=dense,
                refi_fix_firms=np.flatnonzero(fix_by_firm & refi_by_firm),
                s_firms=np.flatnonzero(fix_by_firm & ~refi_by_firm),
                spread_firms=np.flatnonzero(fix_by_firm | refi_by_firm),
                b_firms=b_firms,
                b_slots=b_slots,
            )
        )
    return months, first_repriced


def _slot_sum(contrib3: FloatArray) -> FloatArray:
    """Σ over slots of (firms, slots, paths) -> (firms, paths).

    Added slot by slot in a fixed order (a loop over the few slots of a firm, vectorised over
    firms and paths), so every path gets bit-identical sums whatever the chunk size.
    """
    acc = contrib3[:, 0, :].copy()
    for j in range(1, contrib3.shape[1]):
        acc += contrib3[:, j, :]
    return acc


def _coverage_into(ebit: FloatArray, interest: FloatArray, out: FloatArray, *, check: bool) -> None:
    """:func:`_coverage` written into ``out`` (interest is almost always positive).

    ``check=False`` skips the search for interest <= 0, for a caller that knows there is none.
    """
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        np.divide(ebit, interest, out=out)
    if check:
        nonpos = interest <= 0
        if nonpos.any():
            out[nonpos] = np.inf


def _bin_outputs(
    bins: np.ndarray[Any, Any], out_below: FloatArray, out_dist: FloatArray, p0: int, m0: int
) -> None:
    """Write a block of months of bin sums into the outputs of the thresholds and of distress.

    ``bins`` is (months, paths x cohorts x (bands) x 2) with band = number of thresholds above
    coverage and the last axis the distress flag; outputs are (thresholds, paths, months,
    cohorts + 1) and (paths, months, cohorts + 1), filled from path ``p0`` and month ``m0``.
    """
    n_m = bins.shape[0]
    k_thr, _, _, n_c1 = out_below.shape
    n_p = bins.shape[1] // ((n_c1 - 1) * (k_thr + 1) * 2)
    arr = bins.reshape(n_m, n_p, n_c1 - 1, k_thr + 1, 2)
    by_band = arr.sum(axis=4)  # (months, paths, cohorts, bands)
    # below threshold k  <=>  band >= K - k
    tail = np.cumsum(by_band[..., ::-1], axis=3)[..., ::-1]
    rows = slice(p0, p0 + n_p)
    cols = slice(m0, m0 + n_m)
    for k in range(k_thr):
        out_below[k, rows, cols, :-1] = tail[..., k_thr - k].transpose(1, 0, 2)
    out_below[:, rows, cols, -1] = out_below[:, rows, cols, :-1].sum(axis=-1)
    flagged = arr[..., 1].sum(axis=3)  # (months, paths, cohorts)
    out_dist[rows, cols, :-1] = flagged.transpose(1, 0, 2)
    out_dist[rows, cols, -1] = flagged.sum(axis=2).T


class _Shocks:
    """Standard normals of a chunk of paths, month after month.

    Row ``i`` of a month holds path ``i``'s draws: the common shock, then one per firm, from
    the path's own generator. With a thread pool, month ``m + 1`` is drawn on the pool's
    thread while month ``m`` is computed (NumPy releases the GIL while it fills an array and
    in its array loops); the calls on each generator and their order are the same, so the
    numbers are too.
    """

    def __init__(
        self,
        gens: Sequence[np.random.Generator],
        n_cols: int,
        horizon: int,
        pool: ThreadPoolExecutor | None,
    ) -> None:
        self._gens = gens
        self._horizon = horizon
        self._pool = pool
        self._bufs = [np.empty((len(gens), n_cols)) for _ in range(1 if pool is None else 2)]
        self._pending: Future[None] | None = None
        if pool is not None and horizon > 1:
            self._pending = pool.submit(self._fill, self._bufs[1])

    def _fill(self, buf: FloatArray) -> None:
        for gen, row in zip(self._gens, buf, strict=True):
            gen.standard_normal(out=row)

    def month(self, m: int) -> FloatArray:
        """Draws of month ``m`` (months 1, 2, ... asked in order; the buffer is reused)."""
        if self._pool is None:
            self._fill(self._bufs[0])
            return self._bufs[0]
        if self._pending is not None:
            self._pending.result()  # re-raises an error of the helper thread
        self._pending = None
        if m + 1 < self._horizon:  # the buffer of month m - 1 is free: draw month m + 1 there
            self._pending = self._pool.submit(self._fill, self._bufs[(m + 1) % 2])
        return self._bufs[m % 2]


def _chunks(n_paths: int, size: int) -> Iterable[tuple[int, int]]:
    for start in range(0, n_paths, size):
        yield start, min(start + size, n_paths)


@renamed_arguments(removed_in="0.3", max_spread_iter="max_iter")
def simulate(
    book: DebtBook | pd.DataFrame,
    firms: pd.DataFrame,
    rates: Any,
    *,
    horizon: int | None = None,
    n_paths: int | None = None,
    seed: SeedLike = None,
    spread_table: SpreadTable | dict[str, SpreadTable] | None = None,
    distress: Distress | None = None,
    keep: Literal["aggregate", "full"] = "aggregate",
    thresholds: Sequence[float] = (1.0, 1.5, 2.0, 2.5),
    ebit_correlation: float = 0.5,
    max_iter: int = 20,
    chunk_size: int | None = None,
    progress: bool = False,
    prefetch: bool = True,
    engine: Literal["auto", "numba", "numpy"] = "auto",
    n_threads: int | None = None,
) -> RefinancingResult:
    r"""Simulate how a base-rate path passes into interest expense and coverage, firm by firm.

    Monthly steps, vectorised over paths × firms × tranches (the only Python loop is over
    months). Each month: floating tranches due a reset re-fix at the base rate plus their
    spread; tranches at maturity are refinanced (same principal, same kind, new maturity
    ``tenor`` months later) at the base rate plus the spread that the firm's coverage *after*
    refinancing implies (a capped fixed-point iteration, see
    :meth:`SpreadTable.refinancing_spread`); then interest, EBIT and coverage are recorded.

    Parameters
    ----------
    book : DebtBook or DataFrame
        One row per tranche (see :meth:`DebtBook.from_frame`); principal in money units.
    firms : DataFrame
        One row per firm: ``firm`` (unique label, every ``book`` firm must appear), ``ebit``
        (annual, money), ``growth`` (:math:`g`, continuously compounded annual growth rate of
        *expected* EBIT, decimal, :math:`|g| \le 5`: :math:`\mathbb{E}[E_t] = E_0 e^{g t/12}`
        after :math:`t` months before any rate effect; log EBIT, and so the median EBIT, drifts
        at :math:`g - \sigma^2/2` a year), ``volatility`` (annual volatility of log EBIT,
        decimal, in [0, 5]), ``cohort`` (label, e.g. ``"mega-cap"``, kept with its type;
        ``"all"`` is refused: it labels the total), optional ``rate_beta`` (semi-elasticity
        of EBIT to the base rate: EBIT is multiplied by
        :math:`e^{-\beta (r_t - r_0)}`, :math:`|\beta| \le 100`; default 0). The bounds are far
        beyond any firm and keep every EBIT path finite.
    rates : array_like
        Base rate in force each month (annual decimals): 1-D ``(months,)`` (one deterministic
        path, shared by all paths) or 2-D ``(paths, months)``; see :func:`policy_path`,
        :func:`vasicek_paths`, :func:`cir_paths`.
    horizon : int, optional
        Months to simulate (default: all columns of ``rates``; must not exceed them).
    n_paths : int, optional
        Number of paths. Default: rows of a 2-D ``rates``, or 1 for a 1-D path.
    seed : int, Generator, SeedSequence or None
        Seed of the EBIT shocks; path ``i`` draws from child ``i`` of
        ``SeedSequence(seed).spawn(n_paths)``, so results do not depend on ``chunk_size``. A
        Generator is used through its SeedSequence only: its current state is ignored, so
        passing the same Generator twice gives the same result (as an int seed does).
    spread_table : SpreadTable or dict, optional
        Spread table for refinanced debt, or a dict cohort → table. Default
        :meth:`SpreadTable.damodaran` (large non-financial firms).
    distress : Distress, optional
        Distress rule; default ``Distress(threshold=1.0, months=3)``; see
        :meth:`Distress.zombie` for the 36-month zombie rule.
    keep : {"aggregate", "full"}, default "aggregate"
        ``"full"`` also keeps ``(paths, months, firms)`` arrays of interest, EBIT and coverage
        (limited to 5e7 elements); ``"aggregate"`` keeps per-path cohort aggregates only.
    thresholds : sequence of float, default (1.0, 1.5, 2.0, 2.5)
        Coverage thresholds whose firm counts and debt are kept per path and month (1.0 is
        always added: it defines debt-at-risk).
    ebit_correlation : float, default 0.5
        Correlation in [0, 1] of monthly EBIT shocks across firms (one common factor).
    max_iter : int, default 20
        Cap on the coverage → spread → coupon iteration (renamed from ``max_spread_iter``;
        the old name works until 0.3 with a deprecation warning).
    chunk_size : int, optional
        Paths simulated together, the unit of work of a thread (memory knob; results do not
        depend on it). Default: about 400,000 firms x paths a chunk, see ``n_threads``.
    progress : bool, default False
        Show a progress bar over chunks (needs ``tqdm``: ``pip install "divergence[progress]"``).
    prefetch : bool, default True
        With one thread (``n_threads=1``, or a run too small to split), draw the next month's
        EBIT shocks on one helper thread while the current month is computed, when a chunk
        draws at least 150,000 numbers a month (paths x (firms + 1); below that, handing work
        between threads costs more than it saves). The draws, and so the results, are
        identical either way; with a free CPU core, 2,000 firms x 200 paths run about
        1.1-1.4x faster (NumPy releases the GIL while it draws and computes). ``False`` keeps
        all work on the calling thread. With several worker threads there is no helper
        thread (each worker draws its own chunk's shocks), and this option has no effect.
    engine : {"auto", "numba", "numpy"}, default "auto"
        ``"numba"`` runs the per-firm-month steps (EBIT shock, coverage bands, distress run,
        bin counts, cohort sums, refinancing spread) as compiled loops; it needs numba
        (``pip install "divergence[fast]"``) and is about 1.3x faster on one thread.
        ``"numpy"`` uses NumPy array passes only. Both do the same floating-point operations
        in the same order and give identical results, bit for bit (``exp`` stays with NumPy
        in both). ``"auto"`` takes numba when it is installed and the run has at least
        20 million firm-months (paths x months x firms), or once the loops are loaded in the
        session: loading numba costs about 1 s a process, and compiling the loops a few
        seconds the first time (cached on disk afterwards), more than a small run takes.
    n_threads : int, optional
        Worker threads that simulate chunks of paths at the same time (default: every CPU
        core this process may use, ``len(os.sched_getaffinity(0))``; ``1``: the chunks one
        after the other on the calling thread). Each chunk writes its own paths' rows of
        the outputs; the compiled loops (``nogil``), NumPy's array passes and its generators
        release the GIL, so the threads run in parallel. The results are identical, bit
        for bit, whatever ``n_threads``, ``chunk_size`` and ``engine``: every path has its
        own generator and its own arithmetic, and the only number added across chunks (the
        count of unconverged spreads) is an integer. Without ``chunk_size``, paths are split
        into a multiple of ``n_threads`` chunks unless a chunk would hold fewer than 50,000
        firms x paths (small runs stay on one thread). Memory grows by one chunk's state per
        thread. An error in a worker stops the other workers at their next month and is
        raised to the caller once every worker has ended. Inside an already parallel caller
        (e.g. :func:`divergence.distributed.simulate_refinancing`, whose Dask tasks run one
        thread each), pass ``n_threads=1``.

    Returns
    -------
    RefinancingResult

    Raises
    ------
    InputError
        Invalid book or firms (see :meth:`DebtBook.from_frame`), a book firm missing from
        ``firms``, non-finite rates, ``horizon`` longer than ``rates``, ``n_paths``
        inconsistent with a 2-D ``rates``, ``keep="full"`` too large, bad options (e.g.
        ``n_threads < 1``).
        ``rates`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Wrong argument types (e.g. a non-integer ``n_threads``).
    ImportError
        ``progress=True`` without tqdm; ``engine="numba"`` without numba.

    Warns
    -----
    DivergenceWarning
        ``engine="auto"`` on a large run when numba is installed but fails to import (for
        instance built for another NumPy): the NumPy engine is used instead (once a session).

    Notes
    -----
    Interest in force in month :math:`t` (annualised) and coverage of firm :math:`f`:

    .. math:: I_{f,t} = \sum_{j \in f} P_j\, c_{j,t}, \qquad
       \mathrm{ICR}_{f,t} = E_{f,t} / I_{f,t}

    where :math:`c_{j,t}` is the coupon of a fixed tranche until maturity, :math:`r_{\tau} +
    s_j` for a floating tranche last fixed at :math:`\tau`, and :math:`r_{T} +
    s(\mathrm{ICR}_{f,T})` after refinancing at :math:`T`. EBIT is lognormal:

    .. math:: \ln E_{f,t} = \ln E_{f,0} + \big(g_f - \tfrac{\sigma_f^2}{2}\big)\tfrac{t}{12}
       + \tfrac{\sigma_f}{\sqrt{12}} \sum_{u=1}^{t}\big(\sqrt{\rho}\, Z_u +
       \sqrt{1-\rho}\, \varepsilon_{f,u}\big) - \beta_f (r_t - r_0)

    A firm is distressed in month :math:`t` when :math:`\mathrm{ICR} <` ``threshold`` in
    each of the last ``months`` months. Debt-at-risk is the debt of firms with
    :math:`\mathrm{ICR} < 1` (IMF GFSR Oct 2019, ch. 2; Fed FEDS Notes 2023-05-16). A firm
    with negative EBIT has negative coverage and counts as below every threshold; a firm whose
    total interest is zero or negative (no debt, or negative base rates) has coverage
    :math:`+\infty`. Principal is conserved: no amortisation, no new borrowing, no hedging.

    Interest is kept as a spread part (:math:`\sum_j P_j s_j`, which changes only when a firm
    refinances) plus a base part (:math:`\sum_j P_j r_{\tau_j}`, whose fixing months
    :math:`\tau_j` are deterministic), so a month recomputes only the firms with an event.

    Each month runs the same steps in order: EBIT (shock, exponential, rate beta), events
    (first resets, re-fixings), refinancing spreads (the coverage fixed point), interest
    (spread and base parts of the firms that moved), coverage bands (band, distress run, bin
    counts) and aggregates (cohort sums and outputs). Chunks of paths run these months
    independently, one chunk per worker thread at a time (``n_threads``); wall time divides
    by up to the number of threads, CPU time does not change.

    Complexity, with :math:`P` paths, :math:`T` months, :math:`F` firms, :math:`S` tranche
    slots of the largest book of a firm, :math:`K` thresholds and :math:`R` firm-months that
    refinance on one path: time :math:`O(P\,T\,(F + K F) + P\,R\,S\,B)` with :math:`B \le`
    ``len(spreads)`` fixed-point steps, plus :math:`O(T\,F\,S)` once for the event schedule; one
    standard normal and one exponential per firm-month (plus one common draw a month)
    dominate. A non-zero ``rate_beta`` adds one exponential per firm and month with a 1-D
    ``rates``, per firm-month with a 2-D one. Memory:
    :math:`O(\text{chunk}\cdot F\,S)` of per-month and tranche state for each chunk of paths
    in flight (one per thread; shocks are drawn month by month, tens of MB by default) plus
    :math:`O(T\,F\,S)` for the schedule and :math:`O(P\,T\,K\,C)` of cohort aggregates
    (:math:`C` cohorts); ``keep="full"`` adds :math:`O(P\,T\,F)`.

    References
    ----------
    .. [1] S. Kumbhat, F. Palomino and A. Perez-Orive, "The Potential Increase in Corporate
       Debt Interest Rate Payments from Changes in Interest Rates", FEDS Notes, 15 Nov 2017.
    .. [2] IMF, Global Financial Stability Report, October 2019, chapter 2.
    .. [3] M. Darst and Y. Zhang, "Measuring Debt at Risk of Privately Held Firms", FEDS
       Notes, 16 May 2023.
    .. [4] R. Banerjee and B. Hofmann, "The rise of zombie firms", BIS Quarterly Review,
       September 2018.
    .. [5] A. Damodaran, "Ratings, Interest Coverage Ratios and Default Spread", NYU Stern.

    Examples
    --------
    One firm, one fixed bullet (5% coupon, maturing at month 12), rates jump from 2% to 6% at
    month 1. At month 12 the bullet is refinanced at 6% plus the spread of the coverage it
    leaves: 20 / 7.2 = 2.78, rated BBB, +1.20% in the default table, so interest is 7.2:

    >>> import pandas as pd
    >>> from divergence.refinancing import policy_path, simulate
    >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
    ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
    >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
    ...                       "volatility": [0.0], "cohort": ["large"]})
    >>> rates = policy_path(0.02, [0.0, 0.04] + [0.0] * 22)
    >>> res = simulate(book, firms, rates, seed=0, keep="full")
    >>> print(res.interest[0, [0, 11, 12], 0])
    [5.  5.  7.2]
    """
    return _simulate(
        book,
        firms,
        rates,
        horizon=horizon,
        n_paths=n_paths,
        seed=seed,
        spread_table=spread_table,
        distress=distress,
        keep=keep,
        thresholds=thresholds,
        ebit_correlation=ebit_correlation,
        max_iter=max_iter,
        chunk_size=chunk_size,
        progress=progress,
        prefetch=prefetch,
        engine=engine,
        n_threads=n_threads,
    )


def _resolve_paths(r_arr: FloatArray, n_paths: int | None) -> int:
    """Number of paths: the rows of a 2-D ``rates`` (``n_paths`` must agree), else ``n_paths``."""
    if r_arr.ndim == 2:
        p = r_arr.shape[0] if n_paths is None else check_int(n_paths, "n_paths", minimum=1)
        if p != r_arr.shape[0]:
            raise InputError(
                f"n_paths={p} does not match the {r_arr.shape[0]} rate paths (rows of rates)"
            )
        return p
    return 1 if n_paths is None else check_int(n_paths, "n_paths", minimum=1)


def _simulate(
    book: DebtBook | pd.DataFrame,
    firms: pd.DataFrame,
    rates: Any,
    *,
    horizon: int | None = None,
    n_paths: int | None = None,
    seed: SeedLike = None,
    spread_table: SpreadTable | dict[str, SpreadTable] | None = None,
    distress: Distress | None = None,
    keep: Literal["aggregate", "full"] = "aggregate",
    thresholds: Sequence[float] = (1.0, 1.5, 2.0, 2.5),
    ebit_correlation: float = 0.5,
    max_iter: int = 20,
    chunk_size: int | None = None,
    progress: bool = False,
    prefetch: bool = True,
    engine: Literal["auto", "numba", "numpy"] = "auto",
    n_threads: int | None = None,
    first_path: int = 0,
) -> RefinancingResult:
    """:func:`simulate`, whose path ``i`` is path ``first_path + i`` of a larger run.

    Path ``i`` draws from child ``first_path + i`` of ``SeedSequence(seed)``; a 2-D ``rates``
    holds the rows of these paths only. So paths ``[p0, p1)`` of an ``n``-path run are
    ``_simulate(..., rates=rates[p0:p1], n_paths=p1 - p0, first_path=p0)``, bit for bit
    (used by :func:`divergence.distributed.simulate_refinancing`).

    Validates the inputs, builds the :class:`_Plan` (tranche grid, event schedule, firm
    constants), runs the chunks of paths (:func:`_run_chunks`) and wraps the outputs.
    """
    start = check_int(first_path, "first_path", minimum=0)
    b = as_book(book)
    f = as_firms(firms)
    labels = cohort_labels(firms, f.cohorts)  # types kept; "all" and look-alikes refused
    spread_table = spread_tables_by_label(spread_table, labels, f.cohorts)
    r_arr, _ = as_array(rates, "rates", ndim=(1, 2), allow_nan=False, time_ordered=True)
    n_cols = r_arr.shape[-1]
    h = n_cols if horizon is None else check_int(horizon, "horizon", minimum=1)
    if h > n_cols:
        raise InputError(f"horizon={h} is longer than rates ({n_cols} months)")
    p = _resolve_paths(r_arr, n_paths)
    keep_opt = check_option(keep, "keep", ("aggregate", "full"))
    rho = check_float(ebit_correlation, "ebit_correlation", minimum=0.0, maximum=1.0)
    n_iter = check_int(max_iter, "max_iter", minimum=1)
    show = check_bool(progress, "progress")
    use_pool = check_bool(prefetch, "prefetch") and h > 1
    engine_opt = check_option(engine, "engine", ("auto", "numba", "numpy"))
    threads = _cpu_count() if n_threads is None else check_int(n_threads, "n_threads", minimum=1)
    rule = Distress() if distress is None else distress
    if not isinstance(rule, Distress):
        raise TypeError(f"distress must be a Distress, got {type(rule).__name__}")
    thr_arr, _ = as_array(thresholds, "thresholds", ndim=1, allow_nan=False)
    thr = tuple(sorted({1.0, *(float(t) for t in thr_arr)}))
    table = SpreadTable.damodaran() if spread_table is None else spread_table
    tables, cohort_table = tables_for_cohorts(table, f.cohorts)

    if keep_opt == "full" and p * h * len(f.labels) > _FULL_LIMIT:
        raise InputError(
            f"keep='full' would store {p * h * len(f.labels):,} values per array (limit "
            f"{_FULL_LIMIT:,}); use keep='aggregate' or fewer paths"
        )
    warn_units(r_arr, "rates", "rate")
    warn_units(f.growth, "firms['growth']", "rate")

    plan, fixed = _prepare(
        b,
        f,
        r_arr,
        h=h,
        n_paths=p,
        rule=rule,
        thr=thr,
        tables=tables,
        cohort_table=cohort_table,
        rho=rho,
        n_iter=n_iter,
        engine=engine_opt,
        full=keep_opt == "full",
    )
    out = _Outputs.empty(plan, p)
    if chunk_size is None:
        bounds = _default_chunks(p, plan.n_f, plan.n_f * plan.n_s, threads)
    else:
        bounds = list(_chunks(p, check_int(chunk_size, "chunk_size", minimum=1)))
    gens = spawn_generators(seed, p, start=start)
    unconverged = _run_chunks(plan, out, gens, bounds, threads, prefetch=use_pool, show=show)

    sources = "; ".join(f"{t.source} (as of {t.as_of})" for t in tables)
    frame_cohort = f.cohort_codes
    out_cov = None
    if out.interest is not None and out.ebit is not None:  # keep="full"
        out_cov = _coverage(out.ebit, out.interest)
    return RefinancingResult(
        cohorts=(*labels, ALL_COHORTS),
        n_paths=p,
        horizon=h,
        thresholds=thr,
        distress=rule,
        spread_source=sources,
        base_rate=out.base_rate,
        firms=list(f.labels),
        interest_sum=out.interest_sum,
        ebit_sum=out.ebit_sum,
        debt=fixed.debt,
        n_firms=fixed.n_firms,
        repriced_debt=fixed.repriced_debt,
        below_count=out.below_count,
        below_debt=out.below_debt,
        distressed_count=out.distressed_count,
        distressed_debt=out.distressed_debt,
        tranche_maturity=b.maturity.copy(),
        tranche_principal=b.principal.copy(),
        tranche_cohort=frame_cohort[fixed.pos_in_frame],
        tranche_floating=b.floating.copy(),
        firm_cohort=frame_cohort.copy(),
        firm_debt=plan.firm_debt[plan.internal_of_frame],
        interest=out.interest,
        ebit=out.ebit,
        coverage=out_cov,
        spread_unconverged=unconverged,
    )


class _Fixed(NamedTuple):
    """Outputs that do not depend on the paths (computed once, with the plan)."""

    debt: FloatArray  # (cohorts + 1,) principal
    n_firms: FloatArray  # (cohorts + 1,) firm counts
    repriced_debt: FloatArray  # (months, cohorts + 1) principal repriced by each month
    pos_in_frame: IntArray  # firms-table row of each tranche


def _prepare(
    b: DebtBook,
    f: Firms,
    r_arr: FloatArray,
    *,
    h: int,
    n_paths: int,
    rule: Distress,
    thr: tuple[float, ...],
    tables: Sequence[SpreadTable],
    cohort_table: IntArray,
    rho: float,
    n_iter: int,
    engine: str,
    full: bool,
) -> tuple[_Plan, _Fixed]:
    """The :class:`_Plan` of a run (validated inputs) and its path-independent outputs.

    Firms are ordered by cohort (contiguous cohorts) and tranches placed in a dense
    (firm, slot) grid; the event schedule, firm constants and loadings are computed once.
    """
    # ---- firms ordered by cohort (contiguous cohorts); tranches in a dense (firm, slot) grid
    n_f = len(f.labels)
    n_c = len(f.cohorts)
    firm_order = np.argsort(f.cohort_codes, kind="stable")  # internal -> frame position
    pos_in_frame = pd.Index(f.labels).get_indexer(pd.Index(b.firm, tupleize_cols=False))
    if (pos_in_frame < 0).any():
        bad = b.firm[int(np.flatnonzero(pos_in_frame < 0)[0])]
        raise InputError(
            f"book has {int((pos_in_frame < 0).sum())} tranche(s) whose firm is not in firms; "
            f"first {bad!r}"
        )
    internal_of_frame = np.empty(n_f, dtype=np.int64)
    internal_of_frame[firm_order] = np.arange(n_f)
    t_firm = internal_of_frame[pos_in_frame]
    per_firm = np.bincount(t_firm, minlength=n_f)
    n_s = int(per_firm.max())
    t_order = np.argsort(t_firm, kind="stable")
    firm_start = np.concatenate([[0], np.cumsum(per_firm)[:-1]])
    slot = np.empty(len(t_firm), dtype=np.int64)
    slot[t_order] = np.arange(len(t_firm)) - firm_start[t_firm[t_order]]
    flat = t_firm * n_s + slot  # tranche (frame row) -> flat slot index
    n_t = n_f * n_s

    def dense(values: Any, fill: Any, dtype: Any = np.float64) -> Any:
        out = np.full(n_t, fill, dtype=dtype)
        out[flat] = values
        return out

    principal = dense(b.principal, 0.0)
    floating = dense(b.floating, False, bool)
    coupon = dense(np.where(np.isnan(b.coupon), 0.0, b.coupon), 0.0)
    coupon_nan = dense(np.isnan(b.coupon), False, bool)
    spread0 = dense(np.where(b.floating, b.spread, 0.0), 0.0)
    months, first_repriced = _schedule(
        floating,
        coupon_nan,
        dense(b.maturity, 0, np.int64),
        dense(b.reset_months, 0, np.int64),
        dense(b.first_reset, 0, np.int64),
        dense(b.tenor, 1, np.int64),
        principal,
        n_s,
        h,
    )
    firm_cohort = f.cohort_codes[firm_order]
    cohort_starts = np.searchsorted(firm_cohort, np.arange(n_c)).astype(np.int64)
    firm_debt = principal.reshape(n_f, n_s).sum(axis=1)
    ebit0 = f.ebit[firm_order]
    vol = f.volatility[firm_order]
    beta = f.rate_beta[firm_order]

    slot_cohort = np.repeat(firm_cohort, n_s)
    repriced_debt = np.zeros((h, n_c + 1))
    newly = np.bincount(
        first_repriced * n_c + slot_cohort, weights=principal, minlength=(h + 1) * n_c
    ).reshape(h + 1, n_c)
    repriced_debt[:, :n_c] = np.cumsum(newly[:h], axis=0)  # principal repriced by month m
    repriced_debt[:, n_c] = repriced_debt[:, :n_c].sum(axis=1)

    cohort_ends = [*cohort_starts[1:].tolist(), n_f]
    cohort_bounds = tuple(zip(cohort_starts.tolist(), cohort_ends, strict=True))
    first_of_cohort = np.zeros(n_f, dtype=bool)
    first_of_cohort[[lo for lo, hi in cohort_bounds if hi > lo]] = True
    debt_c = _cohort_sum(firm_debt[:, None], cohort_bounds)[0]
    count_c = _cohort_sum(np.ones((n_f, 1)), cohort_bounds)[0]

    k_thr = len(thr)
    # small integer types for the per-firm-month counters (they bound the memory traffic)
    n_keys = 2 * k_thr + 1
    sd = vol / np.sqrt(12.0)
    plan = _Plan(
        months=months,
        h=h,
        n_f=n_f,
        n_s=n_s,
        n_c=n_c,
        rates=r_arr,
        principal=principal,
        coupon=coupon,
        spread_money=spread0 * principal,  # P x spread of a floating slot after its first reset
        firm_cohort=firm_cohort,
        cohort_bounds=cohort_bounds,
        first_of_cohort=first_of_cohort,
        firm_debt=firm_debt,
        firm_table=cohort_table[firm_cohort],
        tables=tuple(tables),
        log_ebit0=np.log(np.where(ebit0 != 0, np.abs(ebit0), 1.0)),
        sign0=np.sign(ebit0),
        any_nonpos=bool(np.any(ebit0 <= 0)),
        drift=(f.growth[firm_order] - 0.5 * vol * vol) / 12.0,
        beta=beta,
        has_beta=bool(np.any(beta != 0)),
        common_only=rho >= 1.0,
        ratio=float(np.sqrt(rho / (1.0 - rho))) if rho < 1.0 else 0.0,
        a_f=np.sqrt(1.0 - rho) * sd,  # loading on the idiosyncratic shock
        b_f=np.sqrt(rho) * sd,  # loading on the common shock
        thresholds=np.asarray(thr),
        weak_threshold=rule.threshold,
        # the distress threshold is threshold j: cov < t_j <=> band >= K - j
        weak_band=k_thr - thr.index(rule.threshold) if rule.threshold in thr else -1,
        flag_months=min(rule.months, h + 1),  # a run never exceeds h months
        band_dtype=np.dtype(
            np.int8 if n_keys <= 127 else np.int16 if n_keys <= 32767 else np.int32
        ),
        count_dtype=np.dtype(np.int8 if h < 127 else np.int16 if h < 32767 else np.int32),
        n_iter=n_iter,
        kern=_kernels.select(engine, n_paths * h * n_f),
        full=full,
        internal_of_frame=internal_of_frame,
    )
    return plan, _Fixed(debt_c, count_c, repriced_debt, pos_in_frame)


def _default_chunks(
    n_paths: int, n_firms: int, n_slots: int, n_threads: int
) -> list[tuple[int, int]]:
    """Path chunks of about :data:`_CHUNK_TARGET` firms x paths each (memory and cache).

    With ``n_threads > 1`` the number of chunks is rounded up to a multiple of the threads
    (so that every thread gets as many chunks), as long as a chunk keeps at least
    :data:`_THREAD_MIN` firms x paths; smaller runs stay in one chunk per
    :data:`_CHUNK_TARGET`, where a second thread would cost more than it saves.
    """
    width = max(n_firms, n_slots // 6, 1)
    size = max(1, min(n_paths, _CHUNK_TARGET // width))
    n_chunks = -(-n_paths // size)
    if n_threads > 1:
        even = -(-n_chunks // n_threads) * n_threads
        most = max(1, (n_paths * n_firms) // _THREAD_MIN)  # chunks of at least _THREAD_MIN
        n_chunks = max(n_chunks, min(even, most, n_paths))
        size = -(-n_paths // n_chunks)
    return list(_chunks(n_paths, size))


# ---------------------------------------------------------------------------- the engine


@dataclass(frozen=True, eq=False)
class _Plan:
    """Everything a chunk of paths reads and never writes (shared by the worker threads).

    Firms are in internal order (cohorts contiguous); tranches in a dense (firms, slots) grid
    of flat slot indices; ``months`` is the deterministic event schedule.
    """

    months: list[_Month]
    h: int  # months
    n_f: int  # firms
    n_s: int  # slots a firm
    n_c: int  # cohorts
    rates: FloatArray  # (months,) shared path or (paths, months)
    principal: FloatArray  # (slots,)
    coupon: FloatArray  # (slots,) fixed coupon or current floating coupon, 0 for padding
    spread_money: FloatArray  # (slots,) P x spread of a floating slot after its first reset
    firm_cohort: IntArray
    cohort_bounds: tuple[tuple[int, int], ...]  # firm range of each cohort
    first_of_cohort: BoolArray
    firm_debt: FloatArray
    firm_table: IntArray  # spread table of each firm (index into tables)
    tables: tuple[SpreadTable, ...]
    log_ebit0: FloatArray
    sign0: FloatArray
    any_nonpos: bool  # some firm has EBIT <= 0
    drift: FloatArray  # monthly drift of log EBIT
    beta: FloatArray
    has_beta: bool
    common_only: bool  # correlation 1: the common shock only
    ratio: float  # sqrt(rho / (1 - rho))
    a_f: FloatArray  # loading on the idiosyncratic shock
    b_f: FloatArray  # loading on the common shock
    thresholds: FloatArray
    weak_threshold: float  # the distress rule's threshold
    weak_band: int  # band equivalent to "below weak_threshold", -1 if not a threshold
    flag_months: int
    band_dtype: np.dtype[Any]
    count_dtype: np.dtype[Any]
    n_iter: int
    kern: _kernels.Kernels | None
    full: bool
    internal_of_frame: IntArray

    @property
    def n_bins(self) -> int:
        """Bins per path: cohorts x bands x distress flag."""
        return self.n_c * (len(self.thresholds) + 1) * 2


@dataclass(eq=False)
class _Outputs:
    """Arrays of the result, path-major: a chunk of paths writes its own rows only."""

    base_rate: FloatArray  # (paths, months)
    interest_sum: FloatArray  # (paths, months, cohorts + 1)
    ebit_sum: FloatArray
    below_count: FloatArray  # (thresholds, paths, months, cohorts + 1)
    below_debt: FloatArray
    distressed_count: FloatArray  # (paths, months, cohorts + 1)
    distressed_debt: FloatArray
    interest: FloatArray | None  # (paths, months, firms) with keep="full"
    ebit: FloatArray | None

    @classmethod
    def empty(cls, plan: _Plan, n_paths: int) -> _Outputs:
        p, h, n_c1, k = n_paths, plan.h, plan.n_c + 1, len(plan.thresholds)
        return cls(
            base_rate=np.empty((p, h)),
            interest_sum=np.empty((p, h, n_c1)),
            ebit_sum=np.empty((p, h, n_c1)),
            below_count=np.empty((k, p, h, n_c1)),
            below_debt=np.empty((k, p, h, n_c1)),
            distressed_count=np.empty((p, h, n_c1)),
            distressed_debt=np.empty((p, h, n_c1)),
            interest=np.empty((p, h, plan.n_f)) if plan.full else None,
            ebit=np.empty((p, h, plan.n_f)) if plan.full else None,
        )


class _Chunk:
    """State of the paths ``[p0, p1)`` carried from month to month, and their work buffers.

    Per-month arrays are firm-major, (firms, paths): a firm's paths are contiguous, so the
    firms with an event (refinancing, resets) are rows, gathered and written cheaply.
    Interest of a firm = spread part (Σ P x coupon or spread, ``s_sum``) + base part
    (Σ P x r_fix, ``b_sum``); with one shared rate path the base part is the same on every
    path, one column.
    """

    def __init__(self, plan: _Plan, p0: int, p1: int) -> None:
        npc = p1 - p0
        h, n_f, n_s, n_c = plan.h, plan.n_f, plan.n_s, plan.n_c
        n_t = n_f * n_s
        r = plan.rates
        self.p0, self.p1, self.npc = p0, p1, npc
        self.base = r[p0:p1, :h] if r.ndim == 2 else np.broadcast_to(r[:h], (npc, h))
        # base rates by fixing month; row h (0.0) is "no base part" (a fixed coupon)
        self.n_b = npc if r.ndim == 2 else 1
        self.base_ext = np.zeros((h + 1, self.n_b))
        self.base_ext[:h] = self.base[: self.n_b].T
        self.fix = np.full(n_t, h, dtype=np.int64)  # month each slot's base rate was fixed
        # (slots + 1, paths): P x coupon or spread per slot; the extra last row stays 0.0
        self.spread_part = np.zeros((n_t + 1, npc))
        self.spread_part[:n_t] = (plan.coupon * plan.principal)[:, None]
        self.sp3 = self.spread_part[:n_t].reshape(n_f, n_s, npc)
        self.s_sum = _slot_sum(self.sp3)
        self.b_sum = np.zeros((n_f, self.n_b))
        self.interest = np.empty((n_f, npc))
        self.nonpos_firm = np.zeros(n_f, dtype=bool)  # firms with interest <= 0 on some path
        self.log_e = np.repeat(plan.log_ebit0[:, None], npc, axis=1)
        self.ebit = np.empty((n_f, npc))
        self.counter = np.zeros((n_f, npc), dtype=plan.count_dtype)  # weak months in a row
        # bin of a firm-month: ((path, cohort, band), flagged); band 0 and not flagged
        # (coverage above every threshold) adds to no output, so only the rest is counted.
        # Within a bin, firms are added in firm order whatever the chunk: identical sums.
        k1 = len(plan.thresholds) + 1
        self.key0 = (
            (np.arange(npc)[None, :] * n_c + plan.firm_cohort[:, None]) * (2 * k1)
        ).reshape(-1)
        self.c_int = np.empty((n_c, npc))
        self.c_ebit = np.empty((n_c, npc))
        # per-month bin sums, turned into outputs a block of months at a time
        n_bins = npc * plan.n_bins
        self.blk_months = max(1, min(h, _BIN_TARGET // n_bins))
        self.cnt_blk = np.empty((self.blk_months, n_bins), dtype=np.int64)
        self.dbt_blk = np.empty((self.blk_months, n_bins))
        self.blk_start = 0
        if plan.kern is None:  # buffers of the NumPy passes
            self.z_common = np.empty((npc, 1))
            self.shock = np.empty((npc, n_f))
            self.cov = np.empty((n_f, npc))
            self.debt_rep = np.repeat(plan.firm_debt, npc)
            self.nb = np.empty((n_f, npc), dtype=plan.band_dtype)  # 2 x band + flag
            self.below = np.empty((n_f, npc), dtype=bool)


def _run_chunk(
    plan: _Plan,
    out: _Outputs,
    gens: Sequence[np.random.Generator],
    p0: int,
    p1: int,
    pool: ThreadPoolExecutor | None,
    stop: threading.Event | None = None,
) -> int:
    """Simulate paths ``[p0, p1)`` month by month into their rows of ``out``.

    Returns the number of refinancing spreads whose fixed point did not converge. EBIT
    shocks: each path draws from its own stream, month by month (common shock first, then
    one per firm), so a longer horizon only appends draws (no look-ahead) and chunking cannot
    change any path. ``pool`` (one helper thread) draws the next month's shocks ahead;
    ``stop`` set by another thread ends the chunk early (its outputs are then unfinished).
    """
    st = _Chunk(plan, p0, p1)
    out.base_rate[p0:p1] = st.base
    big = st.npc * (plan.n_f + 1) >= _PREFETCH_MIN
    shocks = _Shocks(gens, plan.n_f + 1, plan.h, pool if big else None)
    unconverged = 0
    for m, ev in enumerate(plan.months):
        if stop is not None and stop.is_set():
            break
        _ebit(plan, st, m, shocks.month(m) if m else None)
        _events(plan, st, m, ev)
        unconverged += _refinancing_spreads(plan, st, m, ev)
        _interest(plan, st, m, ev)
        _coverage_bands(plan, st, m - st.blk_start)
        _aggregates(plan, st, out, m)
    return unconverged


def _ebit(plan: _Plan, st: _Chunk, m: int, draws: FloatArray | None) -> None:
    r"""EBIT of month ``m`` into ``st.ebit``; adds the month's shock to log EBIT first.

    ``draws`` (paths, 1 + firms) holds the common shock, then one per firm (None at month
    0): :math:`\ln E \mathrel{+}= ((\varepsilon + Z r) a + \mu)` with
    :math:`r = \sqrt{\rho/(1-\rho)}` and :math:`a = \sigma\sqrt{(1-\rho)/12}`, or
    :math:`Z b + \mu` with correlation 1 (compiled: ``_kernels.ebit``). Then
    :math:`E = \operatorname{sign}(E_0)\, e^{\ln E}\, e^{-\beta (r_t - r_0)}` (``exp`` is
    NumPy's in both engines).
    """
    if draws is not None:
        if plan.kern is not None:
            plan.kern.ebit(
                draws, plan.ratio, plan.a_f, plan.b_f, plan.drift, st.log_e, plan.common_only
            )
        else:
            if not plan.common_only:
                np.multiply(draws[:, :1], plan.ratio, out=st.z_common)
                np.add(draws[:, 1:], st.z_common, out=st.shock)
                st.shock *= plan.a_f
            else:
                np.multiply(draws[:, :1], plan.b_f, out=st.shock)
            st.shock += plan.drift
            st.log_e += st.shock.T
    np.exp(st.log_e, out=st.ebit)
    if plan.has_beta and plan.rates.ndim == 1:  # one shared rate path: one factor per firm
        # (x sign0 is exact, so the factor gives the same bits as two products)
        factor = np.exp(-plan.beta * (st.base[0, m] - st.base[0, 0]))
        if plan.any_nonpos:
            factor *= plan.sign0
        st.ebit *= factor[:, None]
    else:
        if plan.any_nonpos:
            st.ebit *= plan.sign0[:, None]
        if plan.has_beta:
            st.ebit *= np.exp(-plan.beta[:, None] * (st.base[:, m] - st.base[:, 0]))


def _events(plan: _Plan, st: _Chunk, m: int, ev: _Month) -> None:
    """Deterministic events of month ``m``: first resets and re-fixings.

    A floating slot's first reset replaces its current coupon by its spread (its spread part
    becomes P x spread); every slot re-fixed this month takes this month's base rate (its
    fixing month becomes ``m``). Maturing slots are left to :func:`_refinancing_spreads`.
    """
    if ev.first_fix.size:
        st.spread_part[ev.first_fix] = plan.spread_money[ev.first_fix, None]
    if ev.reset.size:
        st.fix[ev.reset] = m


def _refinancing_spreads(plan: _Plan, st: _Chunk, m: int, ev: _Month) -> int:
    """Refinance the slots maturing in month ``m`` at the base rate plus a coverage spread.

    For each refinancing firm and path, the spread is the fixed point of coverage ->
    spread -> coverage after refinancing (:meth:`SpreadTable.refinancing_spread`, capped at
    ``n_iter`` steps; compiled: ``_kernels.refinancing_spreads``), starting from the coverage
    before refinancing. The refinanced slots get spread part P x spread and fixing month
    ``m``; the firms' spread sums are updated. Returns the number of unconverged spreads.
    """
    if not ev.refi.size:
        return 0
    slots = ev.refi_slots
    n_r = len(ev.refi_firms)
    n_s, n_b = plan.n_s, st.n_b
    principal = plan.principal
    bm = st.base[:, m]
    # interest of the refinancing firms before the refinancing, split as spread part
    # (paths) + base part (one column with a shared rate path)
    if ev.refi_fix_firms.size:  # their spread sums miss this month's first resets
        st.s_sum[ev.refi_fix_firms] = _slot_sum(st.sp3[ev.refi_fix_firms])
    old_s = st.s_sum[ev.refi_firms]
    # spread part of the tranches kept = all - those refinanced (a few per firm)
    other_s = old_s - _slot_sum(st.spread_part[ev.refi_dense])
    bp_r = (principal[slots, None] * st.base_ext[st.fix[slots]]).reshape(n_r, n_s, n_b)
    old_total = old_s + _slot_sum(bp_r)
    other = other_s + _slot_sum(bp_r * ev.refi_keep)
    e_r = st.ebit[ev.refi_firms]
    s = np.empty_like(e_r)
    p_r = ev.refi_principal[:, None]
    unconverged = 0
    for j, tab in enumerate(plan.tables):  # one per distinct table (a handful)
        rows = np.flatnonzero(plan.firm_table[ev.refi_firms] == j)
        if rows.size == 0:
            continue
        if rows.size == n_r:
            e_j, o_j, t_j, p_j = e_r, other, old_total, p_r
        else:
            e_j, o_j, t_j, p_j = e_r[rows], other[rows], old_total[rows], p_r[rows]
        if plan.kern is not None:
            s_j = np.empty_like(e_j)
            ok = np.empty(e_j.shape, dtype=bool)
            plan.kern.refinancing_spreads(
                e_j, o_j, p_j[:, 0], bm, t_j, tab._edges_arr, tab._spreads_arr, plan.n_iter, s_j, ok
            )
        else:
            s_j, ok = tab._fixed_point(e_j, o_j, p_j, bm, _coverage(e_j, t_j), plan.n_iter)
        s[rows] = s_j
        unconverged += int(ok.size - np.count_nonzero(ok))
    st.spread_part[ev.refi] = s[ev.refi_local] * principal[ev.refi, None]
    st.s_sum[ev.refi_firms] = other_s + s * p_r
    st.fix[ev.refi] = m
    return unconverged


def _interest(plan: _Plan, st: _Chunk, m: int, ev: _Month) -> None:
    """Interest of month ``m`` = spread part + base part, for the firms whose parts moved.

    Re-adds the spread sums of firms with a first reset and the base sums of firms with a
    re-fixing or refinancing (slot by slot, :func:`_slot_sum`), then ``interest`` of the
    firms whose sums moved (every firm at month 0 or when most moved: the same additions,
    so the same bits), and which firms have interest <= 0 on some path.
    """
    n_f, n_s = plan.n_f, plan.n_s
    if 3 * ev.s_firms.size > n_f:  # a month of many first resets: re-add every firm
        st.s_sum = _slot_sum(st.sp3)
    elif ev.s_firms.size:
        st.s_sum[ev.s_firms] = _slot_sum(st.sp3[ev.s_firms])
    b_moved = ev.b_firms
    if ev.b_firms.size:
        bs = ev.b_slots
        vals = plan.principal[bs, None] * st.base_ext[st.fix[bs]]
        new_b = _slot_sum(vals.reshape(-1, n_s, st.n_b))
        if st.n_b == 1:  # a shared rate path: re-fixing at an unchanged rate moves nothing
            b_moved = ev.b_firms[new_b[:, 0] != st.b_sum[ev.b_firms, 0]]
        st.b_sum[ev.b_firms] = new_b
    moved = np.union1d(ev.spread_firms, b_moved) if m else None
    if moved is None or 3 * moved.size > n_f:
        np.add(st.s_sum, st.b_sum, out=st.interest)
        st.nonpos_firm = np.any(st.interest <= 0, axis=1)
    elif moved.size:
        st.interest[moved] = st.s_sum[moved] + st.b_sum[moved]
        st.nonpos_firm[moved] = np.any(st.interest[moved] <= 0, axis=1)


def _coverage_bands(plan: _Plan, st: _Chunk, row: int) -> None:
    """Coverage, bands, distress runs and bin sums of the month into row ``row`` of the block.

    coverage = EBIT / interest (+inf where interest <= 0); band = number of thresholds above
    coverage; the run of weak months grows or restarts; key = 2 band + (run >=
    ``flag_months``); each firm-month adds 1 and its firm's debt to bin ``key0 + key``
    (firm-major, so identical sums whatever the chunk). Compiled:
    ``_kernels.coverage_bands`` (which also fills key 0, feeding no output).
    """
    if plan.kern is not None:
        plan.kern.coverage_bands(
            st.ebit,
            st.interest,
            plan.thresholds,
            plan.weak_threshold,
            plan.weak_band,
            st.counter,
            plan.flag_months,
            st.key0,
            plan.firm_debt,
            st.cnt_blk[row],
            st.dbt_blk[row],
        )
        return
    below, nb = st.below, st.nb
    _coverage_into(st.ebit, st.interest, st.cov, check=bool(st.nonpos_firm.any()))
    nb.fill(0)
    for t in plan.thresholds:  # a handful of thresholds
        np.less(st.cov, t, out=below)
        nb += below
    if plan.weak_band < 0:
        np.less(st.cov, plan.weak_threshold, out=below)
    else:
        np.greater_equal(nb, plan.weak_band, out=below)
    st.counter += 1
    st.counter *= below
    nb *= 2
    np.greater_equal(st.counter, plan.flag_months, out=below)
    nb += below
    np.not_equal(nb, 0, out=below)
    hit = np.flatnonzero(below)  # (nonzero of a bool array is ~10x that of int8)
    flat_key = st.key0[hit]
    flat_key += nb.reshape(-1)[hit]
    n_bins = st.npc * plan.n_bins
    st.cnt_blk[row] = np.bincount(flat_key, minlength=n_bins)
    st.dbt_blk[row] = np.bincount(flat_key, weights=st.debt_rep[hit], minlength=n_bins)


def _aggregates(plan: _Plan, st: _Chunk, out: _Outputs, m: int) -> None:
    """Write month ``m`` into the chunk's rows of the outputs.

    Cohort sums of interest and EBIT (firms added one by one in firm order; compiled:
    ``_kernels.aggregates``), the block of bin sums turned into threshold and distress counts
    when it is full or at the last month, and the full arrays with ``keep="full"``.
    """
    p0, p1 = st.p0, st.p1
    if plan.kern is not None:
        plan.kern.aggregates(
            st.interest, st.ebit, plan.first_of_cohort, plan.firm_cohort, st.c_int, st.c_ebit
        )
        _with_total(st.c_int, out.interest_sum[p0:p1, m])
        _with_total(st.c_ebit, out.ebit_sum[p0:p1, m])
    else:
        out.interest_sum[p0:p1, m] = _cohort_sum(st.interest, plan.cohort_bounds)
        out.ebit_sum[p0:p1, m] = _cohort_sum(st.ebit, plan.cohort_bounds)
    row = m - st.blk_start
    if row + 1 == st.blk_months or m + 1 == plan.h:
        _bin_outputs(st.cnt_blk[: row + 1], out.below_count, out.distressed_count, p0, st.blk_start)
        _bin_outputs(st.dbt_blk[: row + 1], out.below_debt, out.distressed_debt, p0, st.blk_start)
        st.blk_start = m + 1
    if out.interest is not None and out.ebit is not None:
        out.interest[p0:p1, m] = st.interest[plan.internal_of_frame].T
        out.ebit[p0:p1, m] = st.ebit[plan.internal_of_frame].T


def _cohort_sum(x: FloatArray, cohort_bounds: Sequence[tuple[int, int]]) -> FloatArray:
    """(firms, paths) -> (paths, cohorts + 1); each path adds its firms one by one in order.

    A sum over the leading axis of a (firms, paths) block adds row after row, vectorised
    over paths; with a single path the axis would be summed pairwise instead, so one path
    is summed as two identical columns (the same order whatever the chunk size).
    """
    n_c = len(cohort_bounds)
    xx = np.repeat(x, 2, axis=1) if x.shape[1] == 1 else x
    out = np.empty((x.shape[1], n_c + 1))
    for c, (lo, hi) in enumerate(cohort_bounds):  # a handful of cohorts
        out[:, c] = xx[lo:hi].sum(axis=0)[: x.shape[1]]
    out[:, n_c] = out[:, :n_c].sum(axis=1)
    return out


def _with_total(by_cohort: FloatArray, out: FloatArray) -> None:
    """(cohorts, paths) sums -> out (paths, cohorts + 1) with the all-firms total."""
    n_c = by_cohort.shape[0]
    out[:, :n_c] = by_cohort.T
    out[:, n_c] = out[:, :n_c].sum(axis=1)


def _run_chunks(
    plan: _Plan,
    out: _Outputs,
    gens: Sequence[np.random.Generator],
    bounds: Sequence[tuple[int, int]],
    n_threads: int,
    *,
    prefetch: bool,
    show: bool,
) -> int:
    """Run every chunk of paths, on ``min(n_threads, chunks)`` threads; unconverged spreads.

    One thread: the chunks in order on the calling thread, next month's shocks drawn on a
    helper thread (``prefetch``). Several: the chunks are handed out in order to a pool of
    worker threads, each drawing its own shocks (no helper thread: the workers fill the
    cores); every chunk writes its own rows of ``out``, and the only value added across
    chunks is an integer count, so the result is the same bits whatever the threads. The
    first error of a worker stops the others (at their next month), waits for them, and is
    raised here.
    """
    bar: Any = None
    if show:
        try:
            from tqdm.auto import tqdm
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError(
                'progress=True needs tqdm: pip install "divergence[progress]"'
            ) from exc
        bar = tqdm(total=len(bounds), desc="refinancing", unit="chunk")
    workers = min(n_threads, len(bounds))
    unconverged = 0
    try:
        if workers == 1:
            # draws of the next month on a helper thread (see _Shocks); one thread per call
            pool = (
                ThreadPoolExecutor(1, thread_name_prefix="divergence-shocks") if prefetch else None
            )
            try:
                for p0, p1 in bounds:
                    unconverged += _run_chunk(plan, out, gens[p0:p1], p0, p1, pool)
                    if bar is not None:
                        bar.update(1)
            finally:
                if pool is not None:
                    pool.shutdown(wait=True)
            return unconverged
        stop = threading.Event()
        with ThreadPoolExecutor(workers, thread_name_prefix="divergence-refinancing") as ex:
            futures = [
                ex.submit(_run_chunk, plan, out, gens[p0:p1], p0, p1, None, stop)
                for p0, p1 in bounds
            ]
            try:
                for fut in as_completed(futures):
                    unconverged += fut.result()
                    if bar is not None:
                        bar.update(1)
            except BaseException:
                stop.set()  # running chunks end at their next month; queued ones never start
                for fut in futures:
                    fut.cancel()
                raise
        return unconverged
    finally:
        if bar is not None:
            bar.close()
