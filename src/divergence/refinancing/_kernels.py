"""Compiled per-firm-month loops of the refinancing engine (private; needs the ``fast`` extra).

The engine's month (``_simulate._run_chunk``) is a sequence of named steps: ``_ebit``,
``_events``, ``_refinancing_spreads``, ``_interest``, ``_coverage_bands``, ``_aggregates``.
With numba installed, the steps that pass over every (firm, path) of a month run as one
compiled loop each, under the step's name (``compiled()`` returns them):

* ``ebit`` — the month's EBIT shock (common and idiosyncratic loadings plus drift) added to
  log EBIT (step ``_ebit``; the ``exp`` after it stays with NumPy);
* ``refinancing_spreads`` — the coverage -> spread fixed point of the firms refinancing
  (step ``_refinancing_spreads``);
* ``coverage_bands`` — coverage, its band among the thresholds, the run of weak months, the
  distress flag, and the counts and debt of each (path, cohort, band, flag) bin (step
  ``_coverage_bands``);
* ``aggregates`` — the cohort sums of interest and EBIT (step ``_aggregates``).

``_events`` and ``_interest`` touch only the few firms with an event (row gathers), and stay
NumPy in both engines.

Each loop does the same floating-point operations, in the same order, as the NumPy passes it
replaces (no fused multiply-add: numba compiles without ``fastmath``; no reassociation), so
both engines give the same bits; the test suite checks it output by output. ``exp`` stays
with NumPy, whose implementation can differ from the C library's in the last bit on some
CPUs. The loops are compiled with ``nogil=True``: they release the GIL, so chunks of paths
run them on several threads at once (``simulate(n_threads=...)``); each call writes only the
arrays it is given. The Python functions below are the source that numba compiles; the tests
also run them as plain Python.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from divergence.errors import DivergenceWarning

__all__ = ["AUTO_MIN_FIRM_MONTHS", "AVAILABLE", "Kernels", "compiled", "select"]


AVAILABLE = importlib.util.find_spec("numba") is not None  # imported on first use only
_IMPORT_ERROR: ImportError | None = None  # set when engine="auto" found numba broken


# firm-months from which engine="auto" loads numba: about 0.8 s of NumPy-engine work on one
# thread of the benchmark machine (42 ns a firm-month), about what importing numba and loading
# the cached loops cost in a new process (0.9 s); once loaded, every run uses them
AUTO_MIN_FIRM_MONTHS = 20_000_000


def _ebit(
    draws: Any, ratio: float, a_f: Any, b_f: Any, drift: Any, log_e: Any, common_only: bool
) -> None:
    """log_e[i, j] += shock of firm i on path j (draws: (paths, 1 + firms), common first).

    ``common_only=False``: ``((z_ij + z_j * ratio) * a_i) + drift_i``; ``True`` (correlation 1):
    ``(z_j * b_i) + drift_i`` — the NumPy engine's operations, in its order.
    """
    n_f, n_p = log_e.shape
    for j in range(n_p):  # draws are read in order; log_e is written with a stride
        if common_only:
            z = draws[j, 0]
            for i in range(n_f):
                log_e[i, j] += z * b_f[i] + drift[i]
        else:
            zc = draws[j, 0] * ratio
            for i in range(n_f):
                log_e[i, j] += (draws[j, i + 1] + zc) * a_f[i] + drift[i]


def _coverage_bands(
    ebit: Any,
    interest: Any,
    thresholds: Any,
    weak_threshold: float,
    weak_band: int,
    counter: Any,
    flag_months: int,
    key0: Any,
    debt: Any,
    counts: Any,
    debt_sums: Any,
) -> None:
    """Bin every firm-month of one month; ``counts``/``debt_sums`` are zeroed and filled.

    coverage = ebit / interest (``inf`` where interest <= 0); band = number of thresholds above
    coverage; weak = band >= ``weak_band`` (or coverage < ``weak_threshold`` when
    ``weak_band < 0``); the run counter grows on weak months and restarts at 0 otherwise;
    key = 2 band + (run >= ``flag_months``). Firm-month (i, j) adds 1 and the firm's debt to
    bin ``key0[i * paths + j] + key`` in firm-major order (the order of ``np.bincount`` over
    the NumPy engine's hits, so the debt sums have the same bits). Key 0 (no threshold above
    coverage, not flagged) feeds no output: a firm whose paths are all in key 0 adds nothing,
    the others add to it anyway, which avoids a branch per element.
    Each firm is done a row at a time so that the loops over paths vectorise.
    """
    n_f, n_p = ebit.shape
    k_thr = thresholds.shape[0]
    counts[:] = 0
    debt_sums[:] = 0.0
    cov = np.empty(n_p)
    key = np.empty(n_p, np.int64)
    for i in range(n_f):
        for j in range(n_p):
            it = interest[i, j]
            x = ebit[i, j] / it  # computed either way: a select, not a branch
            cov[j] = x if it > 0.0 else np.inf
            key[j] = 0
        for k in range(k_thr):
            t = thresholds[k]
            for j in range(n_p):
                key[j] += cov[j] < t
        if weak_band >= 0:
            for j in range(n_p):
                run = (counter[i, j] + 1) * (key[j] >= weak_band)
                counter[i, j] = run
                key[j] = 2 * key[j] + (run >= flag_months)
        else:
            for j in range(n_p):
                run = (counter[i, j] + 1) * (cov[j] < weak_threshold)
                counter[i, j] = run
                key[j] = 2 * key[j] + (run >= flag_months)
        any_key = 0
        for j in range(n_p):
            any_key |= key[j]
        if any_key == 0:  # every path of the firm in key 0 (a healthy firm): no bin to add
            continue
        row = i * n_p
        d = debt[i]
        for j in range(n_p):
            b = key0[row + j] + key[j]
            counts[b] += 1
            debt_sums[b] += d


def _aggregates(
    interest: Any,
    ebit: Any,
    first_of_cohort: Any,
    firm_cohort: Any,
    interest_sums: Any,
    ebit_sums: Any,
) -> None:
    """Cohort sums of interest and EBIT of one month into (cohorts, paths) arrays.

    Each cohort's sum over its firms is added row after row in firm order from 0.0, as NumPy
    sums the leading axis of a (firms, paths) block (so a cohort of one firm at -0.0 sums to
    +0.0 on both engines); a cohort without firms sums to 0.
    """
    n_f, n_p = ebit.shape
    interest_sums[:] = 0.0
    ebit_sums[:] = 0.0
    for i in range(n_f):
        c = firm_cohort[i]
        if first_of_cohort[i]:
            for j in range(n_p):
                interest_sums[c, j] = 0.0 + interest[i, j]
                ebit_sums[c, j] = 0.0 + ebit[i, j]
        else:
            for j in range(n_p):
                interest_sums[c, j] += interest[i, j]
                ebit_sums[c, j] += ebit[i, j]


def _refinancing_spreads(
    e: Any,
    other: Any,
    p: Any,
    r: Any,
    total: Any,
    edges: Any,
    spreads: Any,
    n_iter: int,
    out: Any,
    converged: Any,
) -> None:
    """Coverage -> spread fixed point of refinancing firms, element by element.

    ``e``, ``other``, ``total``: (firms, paths); ``p``: (firms,) principal refinanced; ``r``:
    (paths,) base rate. Band of x = number of ``edges`` <= x (NaN: all of them), the
    ``searchsorted(..., side="right")`` of the NumPy engine; the start is the band of
    ``e / total`` (+inf where total <= 0). Each step: interest = (p r + other) + p spread(band),
    coverage = e / interest (+inf where interest <= 0), stop when the band does not move, at
    most ``n_iter`` (>= 1) steps (``converged`` False then). ``out`` receives spread(band).

    The starting band and the first step run over a firm's paths together (vectorised loops);
    the elements whose band moved (about one in five on the benchmark book) go on one by one.
    """
    n_f, n_p = e.shape
    k_e = edges.shape[0]
    band = np.empty(n_p, np.int64)
    new = np.empty(n_p, np.int64)
    x = np.empty(n_p)
    pr = np.empty(n_p)
    for i in range(n_f):
        pi = p[i]
        for j in range(n_p):
            t = total[i, j]
            v = e[i, j] / t  # computed either way: a select, not a branch
            x[j] = v if t > 0.0 else np.inf
            pr[j] = pi * r[j] + other[i, j]
            band[j] = 0
        for k in range(k_e):
            edge = edges[k]
            for j in range(n_p):
                band[j] += edge <= x[j]
        for j in range(n_p):
            if x[j] != x[j]:
                band[j] = k_e
            interest = pr[j] + pi * spreads[band[j]]
            v = e[i, j] / interest
            x[j] = v if interest > 0.0 else np.inf
            new[j] = 0
        for k in range(k_e):
            edge = edges[k]
            for j in range(n_p):
                new[j] += edge <= x[j]
        for j in range(n_p):
            b = k_e if x[j] != x[j] else new[j]
            done = b == band[j]
            if not done:
                for _ in range(n_iter - 1):
                    interest = pr[j] + pi * spreads[b]
                    v = e[i, j] / interest if interest > 0.0 else np.inf
                    nb = k_e
                    if v == v:
                        nb = 0
                        for k in range(k_e):
                            nb += edges[k] <= v
                    if nb == b:
                        done = True
                        break
                    b = nb
            out[i, j] = spreads[b]
            converged[i, j] = done


class Kernels(NamedTuple):
    """The compiled loops (numba dispatchers; each compiles once per argument types)."""

    ebit: Callable[..., None]
    refinancing_spreads: Callable[..., None]
    coverage_bands: Callable[..., None]
    aggregates: Callable[..., None]


_LOOPS = (_ebit, _refinancing_spreads, _coverage_bands, _aggregates)


@functools.cache
def compiled() -> Kernels:
    """Import numba and wrap the loops (compiled on first call, cached on disk).

    Where numba finds no writable cache directory (neither beside this file nor in the
    user's cache), it refuses ``cache=True``; the loops are then compiled once per session.
    """
    numba = importlib.import_module("numba")
    try:
        jit = numba.njit(cache=True, nogil=True, error_model="numpy")
        return Kernels(*(jit(f) for f in _LOOPS))
    except RuntimeError:  # "cannot cache function ...: no locator available"
        jit = numba.njit(nogil=True, error_model="numpy")
        return Kernels(*(jit(f) for f in _LOOPS))


def select(engine: str, firm_months: int) -> Kernels | None:
    """The compiled loops for ``simulate(engine=...)`` (a validated option), or None for NumPy.

    ``"auto"`` takes them when numba is installed and the run is large or the loops are
    already loaded; a numba that is installed but fails to import (e.g. built for another
    NumPy) falls back to NumPy with a :class:`~divergence.errors.DivergenceWarning`, once.
    ``"numba"`` raises ``ImportError`` in both cases.
    """
    global _IMPORT_ERROR
    if engine == "numpy":
        return None
    if engine == "numba":
        if not AVAILABLE:
            raise ImportError('engine="numba" needs numba: pip install "divergence[fast]"')
        return compiled()
    loaded = compiled.cache_info().currsize > 0
    if not AVAILABLE or _IMPORT_ERROR is not None:
        return None
    if not (loaded or firm_months >= AUTO_MIN_FIRM_MONTHS):
        return None
    try:
        return compiled()
    except ImportError as exc:
        _IMPORT_ERROR = exc
        warnings.warn(
            f"numba is installed but cannot be imported ({exc}); refinancing.simulate uses "
            'its NumPy engine (the same results, slower). engine="numba" shows the error.',
            DivergenceWarning,
            stacklevel=4,
        )
        return None
