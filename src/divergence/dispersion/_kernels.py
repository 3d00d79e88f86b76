r"""The chain kernel of the model-free variance, in named steps (private).

Rows come sorted by (chain, strike), one row per strike with its four quotes; ``starts`` holds
the first row of every chain (and the total row count last). The white paper's steps are
split into four functions, each written twice:

* :func:`forward_k0` — step 1 and 2: the forward from put–call parity at the strike whose call
  and put mids are closest, and :math:`K_0`, the last strike below (or at or below) it;
* :func:`wing_cuts` — step 3: where two consecutive zero bids end each out-of-the-money wing;
* :func:`chain_sums` — step 4: :math:`\sum_i \Delta K_i / K_i^2\, Q(K_i)` over the strikes
  used, summed in ascending strike order, with the count of strikes used and of finite mids;
* :func:`variance` — step 5: the variance from those sums (one vectorised line over chains,
  shared by both engines).

The first three are scalar loops over the rows of one chain: plain Python (the tests run them
so), compiled by numba when the ``fast`` extra is installed, and driven over all chains by
:func:`chain_loop` (one pass over the rows, chain after chain: each chain is in cache while
it is read). Their NumPy twins :func:`forward_k0_block`, :func:`wing_cuts_block` and
:func:`chain_sums_block` do the same for a block of whole chains with segmented reductions;
:func:`chain_stats` cuts the rows into cache-sized blocks of whole chains (a chain is never
split) and runs either engine. Both do the same floating-point operations in the same order
(mids ``0.5 * (bid + ask)``, contributions ``dk / (K * K) * Q`` added left to right from 0.0,
as :func:`numpy.bincount` adds its weights), so they give the same bits; numba compiles without
``fastmath``. The tests compare engines and block sizes on random chains.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from divergence._typing import BoolArray, FloatArray, IntArray
from divergence.errors import DivergenceWarning

__all__ = [
    "AUTO_MIN_ROWS",
    "AVAILABLE",
    "BLOCK_ROWS",
    "ChainStats",
    "Loops",
    "RowMasks",
    "chain_loop",
    "chain_stats",
    "chain_sums",
    "chain_sums_block",
    "compiled",
    "forward_k0",
    "forward_k0_block",
    "row_masks",
    "select",
    "variance",
    "wing_cuts",
    "wing_cuts_block",
]

AVAILABLE = importlib.util.find_spec("numba") is not None  # imported on first use only
_IMPORT_ERROR: ImportError | None = None  # set when engine="auto" found numba broken

#: Rows (strikes) from which ``engine="auto"`` loads numba: importing it and loading the cached
#: loops costs about 0.3 s in a new process, what the compiled loop saves over the NumPy blocks
#: (15-30 ns a row on the benchmark machine) on 10-20 million rows. Once loaded, every call
#: uses the loops.
AUTO_MIN_ROWS = 10_000_000

#: Target rows of a NumPy block: about a dozen float64 temporaries of this length (6 MB) stay
#: in the CPU caches, and a block's ~40 NumPy calls cost far less than its arithmetic.
BLOCK_ROWS = 1 << 16


# --------------------------------------------------------------------------- one chain (loops)
def forward_k0(
    k: Any, cb: Any, ca: Any, pb: Any, pa: Any, lo: int, hi: int, growth: float, at_or_below: bool
) -> tuple[float, int]:
    """Steps 1–2 on rows ``lo:hi``: ``(forward, i0)``; ``i0 = lo - 1`` when there is no K0.

    The forward is ``K* + growth * (C* - P*)`` at the first row with the smallest finite
    ``|C - P|`` (mids ``0.5 * (bid + ask)``); NaN (and ``i0 = lo - 1``) when no row has both
    mids. ``i0`` is the last row whose strike is below the forward (``at_or_below``: at or
    below it).
    """
    best = np.inf
    j = -1
    for i in range(lo, hi):
        gap = abs(0.5 * (cb[i] + ca[i]) - 0.5 * (pb[i] + pa[i]))
        if gap < best:  # NaN never is: a row without both mids is skipped
            best = gap
            j = i
    if j < 0:
        return np.nan, lo - 1
    forward: float = k[j] + growth * (0.5 * (cb[j] + ca[j]) - 0.5 * (pb[j] + pa[j]))
    i0 = lo - 1
    for i in range(lo, hi):
        if k[i] < forward or (at_or_below and k[i] == forward):
            i0 = i
        else:
            break
    return forward, i0


def wing_cuts(cb: Any, pb: Any, lo: int, hi: int, i0: int) -> tuple[int, int]:
    """Step 3 on rows ``lo:hi`` with K0 at row ``i0``: ``(put_cut, call_cut)``.

    Walking down from K0, the first pair of consecutive zero (or missing) put bids at rows
    ``(i, i + 1)``, both below K0, ends the put wing: ``put_cut = i`` (``lo - 1`` if none), and
    only puts on rows above it are used. Walking up, the first pair at ``(i - 1, i)`` above K0
    ends the call wing: ``call_cut = i`` (``hi`` if none).
    """
    put_cut = lo - 1
    i = i0 - 2
    while i >= lo:
        if not (pb[i] > 0.0) and not (pb[i + 1] > 0.0):
            put_cut = i
            break
        i -= 1
    call_cut = hi
    i = i0 + 2
    while i < hi:
        if not (cb[i] > 0.0) and not (cb[i - 1] > 0.0):
            call_cut = i
            break
        i += 1
    return put_cut, call_cut


def chain_sums(
    k: Any, cb: Any, ca: Any, pb: Any, pa: Any, i0: int, put_cut: int, call_cut: int
) -> tuple[float, int, int]:
    r"""Step 4 on the rows between the cuts: ``(total, n_used, n_finite)``.

    Strikes used: puts below K0 with a positive bid, K0 itself (price: the mean of its put and
    call mids), calls above K0 with a positive bid. :math:`\Delta K` is half the distance
    between the neighbouring strikes used (the distance to the one neighbour at the ends; NaN
    for a lone strike); ``total`` adds ``dk / (K * K) * Q`` from the lowest strike up, skipping
    non-finite mids, which ``n_finite`` (< ``n_used``) then reveals.
    """
    total = 0.0
    n_used = 0
    n_finite = 0
    cur = -1  # the used row whose contribution waits for its upper neighbour
    cur_q = 0.0
    prev_k = np.nan
    for i in range(put_cut + 1, call_cut):
        if i < i0:
            if not (pb[i] > 0.0):
                continue
            q = 0.5 * (pb[i] + pa[i])
        elif i == i0:
            q = 0.5 * (0.5 * (pb[i] + pa[i]) + 0.5 * (cb[i] + ca[i]))
        else:
            if not (cb[i] > 0.0):
                continue
            q = 0.5 * (cb[i] + ca[i])
        if cur >= 0:
            kc = k[cur]
            dk = k[i] - kc if n_used == 1 else 0.5 * (k[i] - prev_k)
            if np.isfinite(cur_q):
                total += dk / (kc * kc) * cur_q
                n_finite += 1
            prev_k = kc
        cur = i
        cur_q = q
        n_used += 1
    if cur >= 0:
        kc = k[cur]
        dk = kc - prev_k if n_used > 1 else np.nan
        if np.isfinite(cur_q):
            total += dk / (kc * kc) * cur_q
            n_finite += 1
    return total, n_used, n_finite


def chain_loop(
    starts: Any,
    k: Any,
    cb: Any,
    ca: Any,
    pb: Any,
    pa: Any,
    growth: Any,
    at_or_below: bool,
    forward: Any,
    i0: Any,
    total: Any,
    n_used: Any,
    n_finite: Any,
) -> None:
    """Steps 1–4 on every chain ``c`` (rows ``starts[c]:starts[c + 1]``), outputs per chain.

    Calls the step functions through the module names ``_forward_k0``, ``_wing_cuts`` and
    ``_chain_sums``: the Python functions, or their compiled versions once :func:`compiled`
    has run.
    """
    for c in range(starts.size - 1):
        lo = starts[c]
        hi = starts[c + 1]
        f, j0 = _forward_k0(k, cb, ca, pb, pa, lo, hi, growth[c], at_or_below)
        forward[c] = f
        i0[c] = j0
        if j0 < lo:
            total[c] = 0.0
            n_used[c] = 0
            n_finite[c] = 0
            continue
        put_cut, call_cut = _wing_cuts(cb, pb, lo, hi, j0)
        s, m, m_fin = _chain_sums(k, cb, ca, pb, pa, j0, put_cut, call_cut)
        total[c] = s
        n_used[c] = m
        n_finite[c] = m_fin


# the step functions chain_loop calls (replaced by compiled dispatchers in compiled())
_forward_k0: Callable[..., tuple[float, int]] = forward_k0
_wing_cuts: Callable[..., tuple[int, int]] = wing_cuts
_chain_sums: Callable[..., tuple[float, int, int]] = chain_sums


# --------------------------------------------------------------------------- a block (NumPy)
_POSITIONS: IntArray = np.arange(0, dtype=np.int64)


def _positions(n: int) -> IntArray:
    """``np.arange(n)`` as a read-only view of one array kept between blocks and calls."""
    global _POSITIONS
    if _POSITIONS.size < n:
        _POSITIONS = np.arange(max(n, 4 * BLOCK_ROWS), dtype=np.int64)
        _POSITIONS.flags.writeable = False
    return _POSITIONS[:n]


def forward_k0_block(
    k: FloatArray,
    call_mid: FloatArray,
    put_mid: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    growth: FloatArray,
    at_or_below: bool,
) -> tuple[FloatArray, IntArray]:
    """:func:`forward_k0` for every chain of a block (``starts``: first rows, block-local).

    Segmented minimum of ``|C - P|`` skipping NaN (:func:`numpy.fmin`; NaN only for a chain
    without any pair of mids), the first row reaching it, the forward there, and K0 as the
    count of strikes below the forward, minus one.
    """
    gap = np.abs(call_mid - put_mid)  # quotes are finite or NaN, so gaps too
    best = np.fmin.reduceat(gap, starts)
    has_pair = ~np.isnan(best)
    # the first row of each chain where the gap reaches its minimum: the first hit at or
    # after the chain's start (a chain with a pair has one; a chain without takes its start)
    hits = np.flatnonzero(gap == np.repeat(best, sizes))
    if hits.size:
        j = hits[np.minimum(np.searchsorted(hits, starts), hits.size - 1)]
        j = np.where(has_pair, j, starts)
    else:
        j = starts
    forward: FloatArray = np.where(has_pair, k[j] + growth * (call_mid[j] - put_mid[j]), np.nan)
    fg = np.repeat(forward, sizes)
    below = (k <= fg) if at_or_below else (k < fg)
    n_below = np.add.reduceat(below, starts, dtype=np.int64)
    i0: IntArray = np.where(has_pair & (n_below > 0), starts + n_below - 1, starts - 1)
    return forward, i0


class RowMasks(NamedTuple):
    """Per row of a block: below / above its chain's K0 row, positive put / call bid."""

    below: BoolArray
    above: BoolArray
    put_bid: BoolArray
    call_bid: BoolArray


def row_masks(i0: IntArray, sizes: IntArray, cb: FloatArray, pb: FloatArray) -> RowMasks:
    """The masks the wing cuts and the sums share, for a block (``i0``: block-local K0 rows).

    A chain without K0 has ``i0 = start - 1``: none of its rows is below, all are above. A
    missing (NaN) bid is not positive.
    """
    at = np.repeat(i0, sizes)
    pos = _positions(at.size)
    return RowMasks(pos < at, pos > at, pb > 0.0, cb > 0.0)


def wing_cuts_block(
    cb: FloatArray,
    pb: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    i0: IntArray,
    masks: RowMasks | None = None,
) -> tuple[IntArray, IntArray]:
    """:func:`wing_cuts` for every chain of a block: the last / first pair row of each chain.

    ``masks`` is :func:`row_masks` of the block when the caller has it already.
    """
    n = cb.size
    below, above, put_bid, call_bid = row_masks(i0, sizes, cb, pb) if masks is None else masks
    later = np.ones(n, dtype=bool)  # False on a chain's first row
    later[starts] = False
    ends = starts + sizes
    # rows i and i + 1 with zero put bids, both below K0 in the same chain (i + 1 below K0 and
    # not a chain's first row, so i is in its chain and below K0 too)
    put_zero = ~put_bid
    pair_put = put_zero[:-1] & put_zero[1:]
    pair_put &= below[1:]
    pair_put &= later[1:]
    hits = np.flatnonzero(pair_put)  # ascending; the last one before each chain's end
    put_cut: IntArray = starts - 1
    if hits.size:
        last = np.searchsorted(hits, ends - 1) - 1  # the last i with i + 1 < end, if any
        cand = hits[np.maximum(last, 0)]
        put_cut = np.where((last >= 0) & (cand >= starts), cand, put_cut)
    # rows i - 1 and i with zero call bids, both above K0 in the same chain
    call_zero = ~call_bid
    pair_call = call_zero[1:] & call_zero[:-1]
    pair_call &= above[:-1]
    pair_call &= later[1:]
    hits = np.flatnonzero(pair_call) + 1  # row i of the pair; the first one in each chain
    call_cut: IntArray = ends
    if hits.size:
        first = np.searchsorted(hits, starts)
        cand = hits[np.minimum(first, hits.size - 1)]
        call_cut = np.where((first < hits.size) & (cand < ends), cand, ends)
    return put_cut, call_cut


def chain_sums_block(
    k: FloatArray,
    cb: FloatArray,
    pb: FloatArray,
    call_mid: FloatArray,
    put_mid: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    i0: IntArray,
    put_cut: IntArray,
    call_cut: IntArray,
    masks: RowMasks | None = None,
) -> tuple[FloatArray, IntArray, IntArray]:
    r""":func:`chain_sums` for every chain of a block (chains without K0 give 0, 0, 0).

    The strikes used are compressed out (each chain's stay contiguous), :math:`\Delta K` is
    the centred difference with each chain's two ends set one-sided, and the sums are
    :func:`numpy.bincount` over block-local chain numbers (in row order, as the loop adds).
    ``masks`` is :func:`row_masks` of the block when the caller has it already.
    """
    n = k.size
    n_chains = starts.size
    pos = _positions(n)
    valid = i0 >= starts
    below, above, put_bid, call_bid = row_masks(i0, sizes, cb, pb) if masks is None else masks
    # a put below K0 or a call above it with a positive bid, or K0 itself (neither below nor
    # above; a chain without K0 has no such row), strictly between the cuts (a chain without
    # K0: an empty window)
    used = below & put_bid
    used |= above & call_bid
    used |= ~(below | above)
    used &= pos > np.repeat(np.where(valid, put_cut, n), sizes)
    used &= pos < np.repeat(call_cut, sizes)
    idx = np.flatnonzero(used)
    # the quote of each row used: the put mid below K0, the call mid above, the average of the
    # two at K0
    qu = call_mid[idx]
    is_put = below[idx]
    put_rows = idx[is_put]
    qu[is_put] = put_mid[put_rows]
    k0_rows = i0[valid]
    qu[np.searchsorted(idx, k0_rows)] = 0.5 * (put_mid[k0_rows] + call_mid[k0_rows])
    # strikes used per chain (they are contiguous in idx)
    n_used: IntArray = np.searchsorted(idx, starts + sizes) - np.searchsorted(idx, starts)
    gu = np.repeat(np.arange(n_chains, dtype=np.int64), n_used)  # block-local chain numbers
    ku = k[idx]
    m = ku.size
    # Delta K: half the distance between the neighbours used, then the chains' ends (a chain's
    # used rows are contiguous: from first_u to last_u) get the one-sided distance, or NaN
    dk = np.empty(m)
    dk[1:-1] = 0.5 * (ku[2:] - ku[:-2])
    last_u = np.cumsum(n_used) - 1
    first_u = last_u - n_used + 1
    two = n_used >= 2
    f2, l2 = first_u[two], last_u[two]
    dk[f2] = ku[f2 + 1] - ku[f2]
    dk[l2] = ku[l2] - ku[l2 - 1]
    dk[first_u[n_used == 1]] = np.nan
    contrib = dk / (ku * ku) * qu
    finite = np.isfinite(qu)
    n_finite: IntArray
    if finite.all():  # the usual case: every mid used is quoted
        n_finite = n_used.copy()
    else:
        contrib[~finite] = 0.0
        n_finite = np.bincount(gu[finite], minlength=n_chains).astype(np.int64)
    total = np.asarray(np.bincount(gu, weights=contrib, minlength=n_chains), dtype=np.float64)
    return total, n_used, n_finite


# --------------------------------------------------------------------------- step 5 and driver
def variance(
    total: FloatArray,
    forward: FloatArray,
    k0: FloatArray,
    t: FloatArray,
    growth: FloatArray,
    n_used: IntArray,
    n_finite: IntArray,
) -> FloatArray:
    r"""Step 5: :math:`\frac{2}{T} e^{RT} \sum - \frac{1}{T}(F/K_0 - 1)^2` per chain.

    NaN for a chain without K0 (``k0`` NaN), with fewer than two strikes used, or with a used
    strike whose mid is not finite.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        var = 2.0 / t * growth * total - (forward / k0 - 1.0) ** 2 / t
    ok = np.isfinite(k0) & (n_used >= 2) & (n_finite == n_used)
    out: FloatArray = np.where(ok, var, np.nan)
    return out


class ChainStats(NamedTuple):
    """Per chain: forward, K0 row (``start - 1``: none), sum, strikes used, finite mids."""

    forward: FloatArray
    i0: IntArray
    total: FloatArray
    n_used: IntArray
    n_finite: IntArray


def _blocks(starts: IntArray, n_rows: int, block_rows: int) -> IntArray:
    """Chain numbers where blocks begin, and the chain count last.

    Blocks hold whole chains, about ``block_rows`` rows each (a longer chain is a block of its
    own).
    """
    marks = np.arange(block_rows, n_rows, block_rows, dtype=np.int64)
    cuts = np.searchsorted(starts, marks, side="left")
    out: IntArray = np.unique(np.r_[0, cuts, starts.size]).astype(np.int64)
    return out


def chain_stats(
    starts: IntArray,
    k: FloatArray,
    cb: FloatArray,
    ca: FloatArray,
    pb: FloatArray,
    pa: FloatArray,
    growth: FloatArray,
    at_or_below: bool,
    loops: Loops | None,
    block_rows: int = BLOCK_ROWS,
) -> ChainStats:
    """Steps 1–4 for every chain (``starts``: the first row of each).

    Runs the compiled :func:`chain_loop` (``loops``), or the NumPy steps block after block
    (``loops=None``).
    """
    n = k.size
    n_chains = starts.size
    forward = np.empty(n_chains)
    i0 = np.empty(n_chains, dtype=np.int64)
    total = np.empty(n_chains)
    n_used = np.empty(n_chains, dtype=np.int64)
    n_finite = np.empty(n_chains, dtype=np.int64)
    if n_chains == 0:
        return ChainStats(forward, i0, total, n_used, n_finite)
    bounds = np.r_[starts, n].astype(np.int64)
    if loops is not None:
        loops.chain_loop(
            bounds, k, cb, ca, pb, pa, growth, at_or_below, forward, i0, total, n_used, n_finite
        )
        return ChainStats(forward, i0, total, n_used, n_finite)
    edges = _blocks(starts, n, max(int(block_rows), 1))
    for c0, c1 in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
        r0, r1 = int(bounds[c0]), int(bounds[c1])
        st = bounds[c0:c1] - r0
        sz = np.diff(bounds[c0 : c1 + 1])
        kb, cbb, pbb = k[r0:r1], cb[r0:r1], pb[r0:r1]
        call_mid = 0.5 * (cbb + ca[r0:r1])
        put_mid = 0.5 * (pbb + pa[r0:r1])
        f, j0 = forward_k0_block(kb, call_mid, put_mid, st, sz, growth[c0:c1], at_or_below)
        masks = row_masks(j0, sz, cbb, pbb)  # shared by the wing cuts and the sums
        pc, cc = wing_cuts_block(cbb, pbb, st, sz, j0, masks)
        s, m, m_fin = chain_sums_block(kb, cbb, pbb, call_mid, put_mid, st, sz, j0, pc, cc, masks)
        forward[c0:c1] = f
        i0[c0:c1] = j0 + r0
        total[c0:c1] = s
        n_used[c0:c1] = m
        n_finite[c0:c1] = m_fin
    return ChainStats(forward, i0, total, n_used, n_finite)


# --------------------------------------------------------------------------- engines
class Loops(NamedTuple):
    """The compiled loops (numba dispatchers)."""

    forward_k0: Callable[..., tuple[float, int]]
    wing_cuts: Callable[..., tuple[int, int]]
    chain_sums: Callable[..., tuple[float, int, int]]
    chain_loop: Callable[..., None]


@functools.cache
def compiled() -> Loops:
    """Import numba and compile the loops (on first call; cached on disk where numba can).

    The step functions are compiled first and put in place of the module names
    :func:`chain_loop` calls, so the compiled driver calls compiled steps. Where numba finds
    no writable cache directory it refuses ``cache=True``; the loops are then compiled once
    per session.
    """
    global _forward_k0, _wing_cuts, _chain_sums
    numba = importlib.import_module("numba")
    steps = (forward_k0, wing_cuts, chain_sums)
    try:
        jit = numba.njit(cache=True, nogil=True, error_model="numpy")
        jitted = [jit(f) for f in steps]
    except RuntimeError:  # "cannot cache function ...: no locator available"
        jit = numba.njit(nogil=True, error_model="numpy")
        jitted = [jit(f) for f in steps]
    _forward_k0, _wing_cuts, _chain_sums = jitted
    return Loops(jitted[0], jitted[1], jitted[2], jit(chain_loop))


def select(engine: str, n_rows: int, caller: str) -> Loops | None:
    """The compiled loops for ``engine`` (a validated option), or None for the NumPy engine.

    ``"auto"`` takes them when numba is installed and the call has at least
    :data:`AUTO_MIN_ROWS` rows or the loops are already loaded; a numba that is installed but
    fails to import falls back to NumPy with a :class:`~divergence.errors.DivergenceWarning`,
    once. ``"numba"`` raises ``ImportError`` in both cases.
    """
    global _IMPORT_ERROR
    if engine == "numpy":
        return None
    if engine == "numba":
        if not AVAILABLE:
            raise ImportError('engine="numba" needs numba: pip install "divergence[fast]"')
        return compiled()
    if not AVAILABLE or _IMPORT_ERROR is not None:
        return None
    if not (compiled.cache_info().currsize > 0 or n_rows >= AUTO_MIN_ROWS):
        return None
    try:
        return compiled()
    except ImportError as exc:
        _IMPORT_ERROR = exc
        warnings.warn(
            f"numba is installed but cannot be imported ({exc}); {caller} uses its NumPy "
            'engine (the same results, slower). engine="numba" shows the error.',
            DivergenceWarning,
            stacklevel=4,
        )
        return None
