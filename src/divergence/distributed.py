r"""The same computations on Dask: panels partitioned by date, Monte Carlo by path chunks.

Every function here runs an existing function of divergence piece by piece on a Dask
scheduler (the synchronous or threaded scheduler, or a ``dask.distributed`` cluster) and
gives the numbers of the local run:

* :func:`cross_sectional`: a row-wise reduction (``concentration.hhi``,
  ``concentration.top_k_share``, ...) applied partition by partition; each row only needs its
  own partition.
* :func:`rolling`: a rolling measure (``dispersion.realized_correlation``,
  ``risk.rolling_correlation``, ...) applied to each partition together with the last
  ``window - 1`` rows before it, which are carried over from as many earlier partitions as
  needed; also a function that reads a fixed number of earlier rows (``breadth.breadth`` and
  ``breadth.index_return`` weight day :math:`t` by the caps of day :math:`t-1`:
  ``window=2``).
* :func:`model_free_variance_panel`: option chains partitioned by date, each chain inside one
  partition.
* :func:`simulate_refinancing`: the refinancing Monte Carlo split into path chunks; path ``i``
  keeps its own random stream (child ``i`` of ``SeedSequence(seed)``), so the joined result is
  bit-identical to :func:`divergence.refinancing.simulate` with the same seed.

Dask is an optional dependency (``pip install "divergence[dask]"``), imported inside the
functions: ``import divergence`` does not import it.
"""

from __future__ import annotations

import functools
import inspect
import itertools
import os
import warnings
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._typing import SeedLike
from divergence._validation import as_array, check_int, fmt_label
from divergence.errors import InputError

__all__ = [
    "cross_sectional",
    "model_free_variance_panel",
    "rolling",
    "simulate_refinancing",
]

_INSTALL = 'pip install "divergence[dask]"'


def _dask_dataframe() -> Any:
    """Import ``dask.dataframe`` or raise an ImportError naming the extra."""
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"divergence.distributed needs dask: {_INSTALL}") from exc
    return dd


def _dask() -> Any:
    try:
        import dask
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(f"divergence.distributed needs dask: {_INSTALL}") from exc
    return dask


def _check_collection(obj: object, name: str) -> None:
    dd = _dask_dataframe()
    if not isinstance(obj, dd.DataFrame | dd.Series):
        raise TypeError(
            f"{name} must be a dask DataFrame or Series (e.g. dask.dataframe.from_pandas), "
            f"got {type(obj).__name__}"
        )


def _check_func(func: object) -> None:
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")


def _empty_like(result: Any, name: str) -> Any:
    if not isinstance(result, pd.DataFrame | pd.Series):
        raise TypeError(
            f"func must return a pandas Series or DataFrame on pandas input, got "
            f"{type(result).__name__}; pass meta= to describe the output of {name}"
        )
    return result.iloc[:0]


def _infer_meta(func: Callable[..., Any], samples: Sequence[Any], **kwargs: Any) -> Any:
    """Empty output of ``func`` from a synthetic non-empty sample (values only set types)."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            out = func(*samples, **kwargs)
        except Exception as exc:
            raise InputError(
                f"could not infer the output of {getattr(func, '__name__', 'func')} from a "
                f"sample ({type(exc).__name__}: {exc}); pass meta= (an empty Series or "
                "DataFrame shaped like the result)"
            ) from exc
    return _empty_like(out, getattr(func, "__name__", "func"))


def _sample(obj: Any, n_rows: int) -> Any:
    """``n_rows`` rows of positive, varying synthetic values with the layout of ``obj``."""
    base = obj._meta_nonempty
    rng = np.random.default_rng(0)
    index: pd.Index = pd.Index(np.resize(base.index.to_numpy(), n_rows), name=base.index.name)
    if isinstance(base.index, pd.DatetimeIndex):  # increasing dates: time-ordered functions
        index = pd.date_range(base.index[0], periods=n_rows, freq="D", name=base.index.name)
    elif isinstance(base.index, pd.PeriodIndex):
        index = pd.period_range(base.index[0], periods=n_rows, name=base.index.name)
    if isinstance(base, pd.Series):
        return pd.Series(1.0 + rng.random(n_rows), index=index, name=base.name)
    values = 1.0 + rng.random((n_rows, base.shape[1]))
    return pd.DataFrame(values, index=index, columns=base.columns)


# --------------------------------------------------------------------------- cross-sectional
def cross_sectional(
    func: Callable[..., Any], panel: Any, *others: Any, meta: Any = None, **kwargs: Any
) -> Any:
    r"""Apply a row-wise (cross-sectional) function to a Dask panel, partition by partition.

    Parameters
    ----------
    func : callable
        A function of divergence that reduces each row of a panel on its own (rows = dates),
        e.g. :func:`divergence.concentration.hhi`,
        :func:`divergence.concentration.concentration_profile`,
        :func:`divergence.concentration.top_k_share`. Called as
        ``func(part, *other_parts, **kwargs)`` on the pandas partitions. A function that also
        reads earlier rows (e.g. :func:`divergence.breadth.breadth`, which weights day
        :math:`t` by the caps of day :math:`t-1`) is not row-wise: use :func:`rolling` with
        ``window=2`` for it.
    panel : dask DataFrame or Series
        Rows = dates (any row partitioning); the units are those ``func`` expects (e.g. market
        caps in money units for ``hhi``).
    *others : dask DataFrame or Series
        Further panels passed positionally, on the same dates; repartitioned to the divisions
        of ``panel`` when they differ (with unknown divisions, the same number of partitions
        is required).
    meta : pandas Series or DataFrame, optional
        Empty object describing the output. Default: inferred by running ``func`` on a
        small synthetic sample with the layout of the inputs.
    **kwargs
        Keyword arguments of ``func`` (not Dask collections).

    Returns
    -------
    dask Series or DataFrame
        Lazy; ``.compute()`` equals ``func`` applied to the whole pandas panel.

    Raises
    ------
    TypeError
        ``func`` not callable; ``panel`` or ``others`` not Dask collections.
    InputError
        The output could not be inferred (pass ``meta``); ``others`` that cannot be aligned;
        errors of ``func`` are raised when the result is computed.
    ImportError
        Dask is not installed (``pip install "divergence[dask]"``).

    Notes
    -----
    For a row-wise function :math:`y_t = f(x_{t,\cdot})`, the result on the partition of rows
    :math:`P_k` is :math:`\{y_t : t \in P_k\}`, so concatenating the partitions gives the
    local result (same arithmetic per row, bit for bit for partitions of two rows or more;
    NumPy may sum a one-row block along another path, a last-bit difference).

    **Complexity.** Total time is that of ``func`` on the whole panel (for a row-wise reduction
    such as :func:`divergence.concentration.hhi`, O(T·N)), split into one task per partition, O(T·N
    / P) time each for P partitions, plus Dask's scheduling cost of a few milliseconds per task (so
    a partition should hold far more work than that). Memory per worker: one partition and
    ``func``'s temporaries; the O(T) result is gathered.

    References
    ----------
    .. [1] Dask documentation, "dask.dataframe.DataFrame.map_partitions",
       https://docs.dask.org/en/stable/generated/dask.dataframe.DataFrame.map_partitions.html

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from divergence import concentration
    >>> from divergence.distributed import cross_sectional
    >>> caps = pd.DataFrame({"a": [30.0, 50, 25, 10], "b": [30.0, 30, 25, 10],
    ...                      "c": [40.0, 20, 50, 80]},
    ...                     index=pd.date_range("2024-01-01", periods=4, name="date"))
    >>> lazy = cross_sectional(concentration.hhi, dd.from_pandas(caps, npartitions=2))
    >>> print(lazy.compute(scheduler="synchronous").to_numpy().round(4))
    [0.34  0.38  0.375 0.66 ]
    """
    _check_func(func)
    _check_collection(panel, "panel")
    aligned = []
    for i, other in enumerate(others):
        _check_collection(other, f"others[{i}]")
        if panel.known_divisions and other.known_divisions:
            if tuple(other.divisions) != tuple(panel.divisions):
                other = other.repartition(divisions=panel.divisions)
        elif other.npartitions != panel.npartitions:
            raise InputError(
                f"others[{i}] has {other.npartitions} partitions and panel "
                f"{panel.npartitions}, with unknown divisions: they cannot be aligned"
            )
        aligned.append(other)
    if meta is None:
        meta = _infer_meta(func, [_sample(x, 4) for x in (panel, *others)], **kwargs)
    return panel.map_partitions(functools.partial(func, **kwargs), *aligned, meta=meta)


# --------------------------------------------------------------------------- rolling
def _carry(previous: Any, part: Any, keep: int) -> Any:
    """Last ``keep`` rows of ``previous`` followed by ``part``."""
    joined = pd.concat([previous, part]) if len(previous) else part
    return joined.iloc[max(len(joined) - keep, 0) :] if keep else joined.iloc[:0]


def _takes_window(func: Callable[..., Any]) -> bool:
    """Whether ``func`` accepts a ``window`` keyword (a parameter of that name or ``**kwargs``)."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):  # no signature (some builtins): assume it does
        return True
    return any(
        p.kind is inspect.Parameter.VAR_KEYWORD
        or (p.name == "window" and p.kind is not inspect.Parameter.POSITIONAL_ONLY)
        for p in params
    )


def _rolling_chunk(
    func: Callable[..., Any],
    window: int,
    first: bool,
    kwargs: dict[str, Any],
    carries: list[Any],
    parts: list[Any],
) -> Any:
    if first and len(parts[0]) < window:
        raise InputError(
            f"the first partition of panel has {len(parts[0])} rows, fewer than window="
            f"{window}: give it at least window rows (e.g. panel.repartition(npartitions=...) "
            "or repartition(divisions=...)); later partitions may be shorter than the window"
        )
    joined = [pd.concat([c, p]) if len(c) else p for c, p in zip(carries, parts, strict=True)]
    out = func(*joined, **kwargs)
    return out.iloc[len(carries[0]) :]


def rolling(
    func: Callable[..., Any],
    panel: Any,
    *others: Any,
    window: int,
    meta: Any = None,
    **kwargs: Any,
) -> Any:
    r"""Apply a rolling-window function to a Dask panel partitioned by date, with overlap.

    Parameters
    ----------
    func : callable
        A function whose value at row :math:`t` depends on rows :math:`t - w + 1 \dots t`
        only, called as ``func(part, *other_parts, window=window, **kwargs)`` when it has a
        ``window`` parameter (e.g. :func:`divergence.dispersion.realized_correlation`,
        :func:`divergence.risk.rolling_correlation`), as ``func(part, *other_parts,
        **kwargs)`` otherwise: then ``window`` is only the number of rows each value reads,
        e.g. 2 for :func:`divergence.breadth.breadth` and
        :func:`divergence.breadth.index_return`, which weight day :math:`t` by the caps of day
        :math:`t-1`.
    panel : dask DataFrame or Series
        Rows = dates in time order, partitioned by date; units as ``func`` expects (e.g.
        decimal returns). The first partition must hold at least ``window`` rows; later
        partitions may be shorter than the window.
    *others : dask DataFrame or Series
        Further panels with the same partitions as ``panel`` (e.g. ``b`` of
        ``rolling_correlation``, a weights panel of ``realized_correlation``).
    window : int
        Rows per window (>= 1): each partition is computed with the ``window - 1`` rows
        before it.
    meta : pandas Series or DataFrame, optional
        Empty object describing the output. Default: inferred by running ``func`` on a small
        synthetic sample of ``max(window, 3)`` rows.
    **kwargs
        Further keyword arguments of ``func`` (not Dask collections).

    Returns
    -------
    dask Series or DataFrame
        Lazy, with the divisions of ``panel``; ``.compute()`` equals ``func`` on the whole
        pandas panel (to rounding, see Notes).

    Raises
    ------
    TypeError
        ``func`` not callable; ``panel`` or ``others`` not Dask collections.
    InputError
        ``window`` < 1; ``others`` partitioned differently from ``panel``; the output cannot be
        inferred; at compute time, a first partition shorter than ``window`` and the errors
        of ``func``.
    ImportError
        Dask is not installed (``pip install "divergence[dask]"``).

    Notes
    -----
    Partition :math:`k` (rows :math:`P_k`) is computed on :math:`C_k \cup P_k`, where the
    carry :math:`C_k` holds the last :math:`w - 1` rows before :math:`P_k`:

    .. math:: C_{k+1} = \operatorname{last}_{w-1}\left(C_k \cup P_k\right), \qquad C_0 = \varnothing

    so a window longer than a partition takes its history from several earlier partitions.
    The carry rows' outputs are dropped. Each value therefore sees exactly the rows it sees
    locally. The library's rolling measures compute each window from its own rows alone
    (cumulative sums restarted every ``window`` rows, see :doc:`/reliability`), so starting at
    the carry changes only the order of the additions: the last bits (about 1e-15 relative on
    returns-like data), never which windows count as constant.

    **Complexity.** Time is that of ``func`` on the panel plus W − 1 rows carried over each of the
    P − 1 partition boundaries: O((T + P·W)·N) for the cumulative-sum rolling measures, times
    ``func``'s own factor (e.g. W for :func:`divergence.dispersion.realized_correlation`); memory
    per worker: one partition plus W − 1 rows (W = ``window``, P = partitions).

    References
    ----------
    .. [1] Dask documentation, "dask.dataframe.DataFrame.map_overlap" (the same idea with a
       fixed overlap of the previous partition) and "dask.dataframe.from_delayed",
       https://docs.dask.org/en/stable/dataframe-api.html

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import numpy as np
    >>> import pandas as pd
    >>> from divergence.distributed import rolling
    >>> from divergence.risk import rolling_correlation
    >>> rng = np.random.default_rng(0)
    >>> idx = pd.date_range("2024-01-01", periods=12, name="date")
    >>> a = pd.Series(rng.normal(size=12), index=idx, name="x")
    >>> b = pd.Series(rng.normal(size=12), index=idx, name="x")
    >>> lazy = rolling(rolling_correlation, dd.from_pandas(a, npartitions=2),
    ...                dd.from_pandas(b, npartitions=2), window=5)
    >>> got = lazy.compute(scheduler="synchronous")
    >>> print(np.allclose(got, rolling_correlation(a, b, window=5), equal_nan=True, atol=1e-12))
    True
    """
    dask = _dask()
    dd = _dask_dataframe()
    _check_func(func)
    _check_collection(panel, "panel")
    for i, other in enumerate(others):
        _check_collection(other, f"others[{i}]")
        if other.npartitions != panel.npartitions or (
            panel.known_divisions
            and other.known_divisions
            and tuple(other.divisions) != tuple(panel.divisions)
        ):
            raise InputError(
                f"others[{i}] must have the partitions of panel ({panel.npartitions} "
                f"partitions, divisions {panel.divisions[:2]}...); got {other.npartitions}"
            )
    w = check_int(window, "window", minimum=1)
    if _takes_window(func):
        kwargs = {"window": w, **kwargs}
    if meta is None:
        n = max(w, 3)
        meta = _infer_meta(func, [_sample(x, n) for x in (panel, *others)], **kwargs)
    collections = (panel, *others)
    parts = [x.to_delayed() for x in collections]
    carries = [dask.delayed(x._meta) for x in collections]
    outs = []
    for k in range(panel.npartitions):
        current = [p[k] for p in parts]
        outs.append(dask.delayed(_rolling_chunk)(func, w, k == 0, kwargs, carries, current))
        carries = [dask.delayed(_carry)(c, p, w - 1) for c, p in zip(carries, current, strict=True)]
    divisions = panel.divisions if panel.known_divisions else None
    return dd.from_delayed(outs, meta=meta, divisions=divisions, verify_meta=False)


# --------------------------------------------------------------------------- option chains
def _variance_part(part: pd.DataFrame, kwargs: dict[str, Any]) -> pd.Series:
    from divergence.dispersion import model_free_variance_panel as local

    if len(part) == 0:
        return pd.Series(dtype=np.float64, name="variance")
    out: pd.Series = local(part, **kwargs)  # pandas in, pandas out
    return out


@renamed_arguments(removed_in="0.3", r="rate")
def model_free_variance_panel(
    chains: Any,
    *,
    by: Hashable | Sequence[Hashable],
    t: str | float,
    rate: str | float,
    **kwargs: Any,
) -> pd.Series:
    r"""Model-free implied variance of many option chains, partition by partition on Dask.

    Parameters
    ----------
    chains : dask DataFrame
        Long table, one row per (chain, strike), with the columns of
        :func:`divergence.dispersion.model_free_variance_panel`; partitioned by date so that
        every chain lies entirely inside one partition (e.g. ``set_index("date")``).
    by : column label or list of labels
        Column(s) identifying a chain, e.g. ``["date", "expiration"]``.
    t : str or float
        Column of times to expiration (years), or one value.
    rate : str or float
        Column of continuously compounded rates (decimal per year), or one value (renamed
        from ``r``; the old name works until 0.3 with a deprecation warning).
    **kwargs
        Further options of :func:`divergence.dispersion.model_free_variance_panel`
        (``k0_rule``).

    Returns
    -------
    Series
        Annualised variance per chain (decimal² per year), indexed by the sorted chain keys,
        named ``"variance"``: the local result. Computed (one value per chain is small).

    Raises
    ------
    TypeError
        ``chains`` is not a dask DataFrame.
    InputError
        A chain found in several partitions; every error of the local function.
    ImportError
        Dask is not installed (``pip install "divergence[dask]"``).

    Notes
    -----
    Same formula as the local function (Cboe white paper),

    .. math:: \sigma^2 = \frac{2}{T}\sum_i \frac{\Delta K_i}{K_i^2} e^{RT} Q(K_i)
              - \frac{1}{T}\left(\frac{F}{K_0} - 1\right)^2 ,

    evaluated on each partition; a chain depends on its own quotes only, so the values are
    identical. The per-partition results are joined and sorted by chain key.

    **Complexity.** As :func:`divergence.dispersion.model_free_variance_panel` on each partition:
    O(Q_k·log Q_k) time for the Q_k quotes of partition k (O(Q_k) when already sorted by chain and
    strike) and O(Q_k) memory per worker.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009).
    .. [2] Dask documentation, "dask.dataframe.DataFrame.to_delayed",
       https://docs.dask.org/en/stable/dataframe-api.html

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import pandas as pd
    >>> from divergence.distributed import model_free_variance_panel
    >>> one = pd.DataFrame({
    ...     "strike": [80, 85, 90, 95, 100, 105, 110, 115, 120],
    ...     "call_bid": [20.02, 15.02, 10.09, 5.58, 2.28, 0.61, 0.07, 0.0, 0.0],
    ...     "call_ask": [20.12, 15.12, 10.19, 5.68, 2.38, 0.71, 0.17, 0.07, 0.05],
    ...     "put_bid": [0.0, 0.0, 0.02, 0.5, 2.2, 5.53, 9.98, 14.87, 19.85],
    ...     "put_ask": [0.05, 0.05, 0.12, 0.6, 2.3, 5.63, 10.08, 14.97, 19.95]})
    >>> chains = pd.concat([one.assign(date=d, t=30 / 365) for d in range(4)],
    ...                    ignore_index=True)
    >>> lazy = dd.from_pandas(chains, npartitions=2)  # dates 0-1 and 2-3 (whole chains)
    >>> import dask
    >>> with dask.config.set(scheduler="synchronous"):
    ...     var = model_free_variance_panel(lazy, by="date", t="t", rate=0.01)
    >>> print(var.round(4).to_string())
    date
    0    0.0448
    1    0.0448
    2    0.0448
    3    0.0448
    """
    dask = _dask()
    dd = _dask_dataframe()
    if not isinstance(chains, dd.DataFrame):
        raise TypeError(
            "chains must be a dask DataFrame (e.g. dask.dataframe.from_pandas), got "
            f"{type(chains).__name__}"
        )
    options = {"by": by, "t": t, "rate": rate, **kwargs}
    tasks = [dask.delayed(_variance_part)(p, options) for p in chains.to_delayed()]
    pieces = [s for s in dask.compute(*tasks) if len(s)]
    if not pieces:
        return pd.Series(dtype=np.float64, name="variance")
    out: pd.Series = pd.concat(pieces)
    dup = out.index.duplicated()
    if dup.any():
        raise InputError(
            f"{int(dup.sum())} chain(s) of chains lie in several partitions; first "
            f"{fmt_label(out.index[dup][0])}: partition chains by date so that each chain is "
            "inside one partition (e.g. chains.set_index('date'))"
        )
    result: pd.Series = out.sort_index()
    return result


# --------------------------------------------------------------------------- Monte Carlo
def _seed_sequence(seed: SeedLike) -> np.random.SeedSequence:
    """A picklable SeedSequence with the children the local run would spawn."""
    from divergence._validation import as_seed_sequence

    return as_seed_sequence(seed)


def _refi_chunk(
    book: Any, firms: Any, rates: Any, n: int, first: int, seed: Any, kwargs: dict[str, Any]
) -> Any:
    from divergence.refinancing._simulate import _simulate

    return _simulate(book, firms, rates, n_paths=n, seed=seed, first_path=first, **kwargs)


def simulate_refinancing(
    book: Any,
    firms: pd.DataFrame,
    rates: Any,
    *,
    n_paths: int | None = None,
    seed: SeedLike = None,
    client: Any = None,
    n_chunks: int | None = None,
    **kwargs: Any,
) -> Any:
    r"""Refinancing Monte Carlo split into path chunks on Dask, joined into one result.

    Parameters
    ----------
    book : DebtBook or DataFrame
        Debt book, as :func:`divergence.refinancing.simulate` (principal in money units).
    firms : DataFrame
        Firms table, as :func:`divergence.refinancing.simulate` (EBIT in money units).
    rates : array_like
        Base rate per month (annual decimals): 1-D (shared path) or 2-D ``(paths, months)``;
        a 2-D array is split by rows, each chunk receiving its own rows only.
    n_paths : int, optional
        Number of paths (default: rows of a 2-D ``rates``, else 1).
    seed : int, Generator, SeedSequence or None
        Seed of the EBIT shocks: path ``i`` draws from child ``i`` of ``SeedSequence(seed)``,
        exactly as in the local run. ``None`` draws fresh entropy once, on the caller's side.
        A Generator is used through its SeedSequence: its current state is ignored, so
        reusing one Generator gives the same result.
    client : dask.distributed.Client, optional
        Cluster to run on. Default: Dask's default scheduler (the active client, if any).
    n_chunks : int, optional
        Number of path chunks (default: the client's worker threads, else the CPU count;
        at most ``n_paths``).
    **kwargs
        Other options of :func:`divergence.refinancing.simulate` (``horizon``, ``keep``,
        ``thresholds``, ``distress``, ``spread_table``, ``ebit_correlation``,
        ``max_iter``, ``chunk_size``, ``prefetch``, ``engine``, ``n_threads``).
        ``prefetch`` defaults to ``False`` and ``n_threads`` to 1 here: the chunks already
        keep every worker thread busy, so a helper thread or a pool of threads per chunk
        would only compete with them (the results are the same either way). Pass
        ``n_threads`` to give each task more threads, e.g. one task per multi-core worker.

    Returns
    -------
    RefinancingResult
        One result for all paths, equal bit for bit to
        ``simulate(book, firms, rates, n_paths=n_paths, seed=seed, **kwargs)``.

    Raises
    ------
    TypeError
        Wrong argument types (``seed``, ``n_chunks``).
    InputError
        ``n_paths`` inconsistent with a 2-D ``rates``; non-finite rates; every error of the
        local :func:`~divergence.refinancing.simulate` (raised when the chunks run).
    ImportError
        Dask is not installed (``pip install "divergence[dask]"``).

    Notes
    -----
    Chunk :math:`j` runs paths :math:`[p_j, p_{j+1})` with the generators of children
    :math:`p_j, \dots, p_{j+1} - 1` of ``SeedSequence(seed)``; all arithmetic is per path
    (cohort sums add firms row by row, spreads iterate element by element), so the
    concatenated arrays are those of the local run. Per-path aggregates and, with
    ``keep="full"``, the full ``(paths, months, firms)`` arrays are joined along the path
    axis; ``spread_unconverged`` is summed. The ``keep="full"`` size limit applies per chunk.

    **Complexity.** Time is that of :func:`divergence.refinancing.simulate` on the same book and
    paths, split into ``n_chunks`` tasks of about P / ``n_chunks`` paths each: O(F·M·P / n_chunks)
    time per task for F firms, M months and P paths, the simulator's work being linear in the
    paths; joining the chunks concatenates their per-path aggregates, in time and memory linear in
    the size of the result. Memory per worker: one chunk's simulation.

    References
    ----------
    .. [1] NumPy documentation, "Parallel random number generation" (SeedSequence.spawn),
       https://numpy.org/doc/stable/reference/random/parallel.html
    .. [2] Dask documentation, "dask.delayed" and "dask.distributed Client",
       https://docs.dask.org/en/stable/delayed.html

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.distributed import simulate_refinancing
    >>> from divergence.refinancing import example_book, simulate, vasicek_paths
    >>> book, firms = example_book(3, 6, seed=1)
    >>> rates = vasicek_paths(0.03, 0.5, 0.04, 0.01, months=24, n_paths=8, seed=2)
    >>> import dask
    >>> with dask.config.set(scheduler="synchronous"):
    ...     res = simulate_refinancing(book, firms, rates, seed=7, n_chunks=3)
    >>> local = simulate(book, firms, rates, seed=7)
    >>> print(res.n_paths, np.array_equal(res.interest_sum, local.interest_sum))
    8 True
    """
    dask = _dask()
    from divergence.refinancing._result import _concat_results
    from divergence.refinancing._simulate import _resolve_paths

    r_arr, _ = as_array(rates, "rates", ndim=(1, 2), allow_nan=False)
    p = _resolve_paths(r_arr, n_paths)
    if n_chunks is None:
        if client is not None:
            threads = int(sum(client.nthreads().values()))
        else:
            threads = os.cpu_count() or 1
        k = max(1, threads)
    else:
        k = check_int(n_chunks, "n_chunks", minimum=1)
    k = min(k, p)
    seq = _seed_sequence(seed)
    options = {"prefetch": False, "n_threads": 1, **kwargs}
    cuts = np.linspace(0, p, k + 1).round().astype(int)
    book_d = dask.delayed(book, pure=True)
    firms_d = dask.delayed(firms, pure=True)
    tasks = []
    for a, b in itertools.pairwise(cuts):
        chunk_rates = r_arr[a:b] if r_arr.ndim == 2 else r_arr
        tasks.append(
            dask.delayed(_refi_chunk)(
                book_d, firms_d, chunk_rates, int(b - a), int(a), seq, dict(options)
            )
        )
    parts = client.gather(client.compute(tasks)) if client is not None else dask.compute(*tasks)
    return _concat_results(list(parts))
