r"""The divergence cost :math:`C_D = f(\Delta R_{risk}, I_C, L_S)`.

Three pressures can make a headline index diverge from the economy beneath it: a compressing
equity premium over real yields (:math:`\Delta R_{risk}` falling, see
:func:`divergence.premia.risk_premium_shift`), a concentrated index (:math:`I_C`, see
:func:`divergence.concentration.concentration_coefficient`) and a draining central-bank balance
sheet (:math:`L_S`, see :func:`divergence.liquidity.sterilization_rate`). The framework names the
inputs and the direction of each effect but not :math:`f`; this module defines a documented
family:

1. **Score each input against its own past, without look-ahead.** ``"percentile"``: the
   expanding empirical percentile :math:`p_t = \#\{s \le t : x_s \le x_t\} / n_t` mapped to
   :math:`2p_t - 1 \in (-1, 1]`; ``"robust_z"``: :math:`(x_t - m_{t-1}) / (\mathrm{IQR}_{t-1} /
   1.349)` with the median and inter-quartile range of the observations *before* ``t``. Both
   need ``min_periods`` observations; NaN rows are skipped (they are "no observation").
2. **Fix the signs** so that each signed score raises the cost:
   :math:`s_R = -z(\Delta R_{risk})`, :math:`s_C = z(I_C)`, :math:`s_L = z(L_S)`.
3. **Combine** with non-negative weights and an optional interaction that grows only when
   pressures coincide:

   .. math:: \eta_t = b + w_R s_{R,t} + w_C s_{C,t} + w_L s_{L,t}
             + w_I \sum_{j<k} (s_{j,t})_+ (s_{k,t})_+

4. **Link**: ``"logistic"`` gives :math:`C_D = 1/(1+e^{-\eta}) \in (0, 1)`; ``"identity"``
   gives :math:`C_D = \eta`.

Holding the history fixed, :math:`C_D` at ``t`` is non-decreasing in :math:`-\Delta R_{risk,t}`,
:math:`I_{C,t}` and :math:`L_{S,t}` (the tests check it), and a value at ``t`` never changes when
later rows are appended. :meth:`DivergenceCost.calibrate` fits the weights to a target with
statsmodels instead of taking them as given.

:func:`inputs` builds the monthly inputs from the bundled (or the user's) raw data in one call;
every method of :class:`DivergenceCost` takes that frame directly. :func:`drawdown_event`,
:func:`roc_auc` and :func:`forecast_skill` label and score a forecast out of sample.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from divergence._numeric import safe_divide
from divergence._typing import FloatArray, IntArray, PanelLike, SeriesLike
from divergence._validation import (
    MAX_ABS,
    Meta,
    as_array,
    check_bool,
    check_float,
    check_int,
    check_lag,
    check_option,
    check_same_layout,
    check_window,
    fmt_label,
    is_polars,
    to_caller,
    to_pandas,
)
from divergence.errors import InputError

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = [
    "INPUTS",
    "SHILLER_COLUMNS",
    "DivergenceCost",
    "ForecastSkill",
    "divergence_cost",
    "drawdown_event",
    "expanding_percentile",
    "expanding_robust_z",
    "forecast_skill",
    "inputs",
    "roc_auc",
]

#: Names of the three inputs, in the order of :attr:`DivergenceCost.weights`.
INPUTS: tuple[str, str, str] = ("delta_r", "i_c", "l_s")
#: Sign applied to each input's score so that a higher signed score raises :math:`C_D`.
_SIGNS: dict[str, float] = {"delta_r": -1.0, "i_c": 1.0, "l_s": 1.0}
#: 2 * Phi^{-1}(0.75): the IQR of a standard normal.
_IQR_NORMAL = 1.3489795003921634

Scoring = Literal["percentile", "robust_z"]
Link = Literal["logistic", "identity"]


# --------------------------------------------------------------------------- scoring kernels
def _prefix_le_counts(v: FloatArray) -> IntArray:
    """``#{s <= t : v[s] <= v[t]}`` for every ``t`` (no NaN in ``v``), in O(n log n).

    A vectorised merge-sort count (divide and conquer over time), run top-down so that no
    level needs a sort. The rows are padded to ``N = 2**L``. At level ``l`` the time axis is
    cut into blocks of ``2**(l+1)`` rows and ``o`` lists every block's elements in (value, time)
    order, blocks one after another. In each block, an element of the right (later) half gains
    the number of left-half elements before it in that order: those are earlier and ``<=`` it
    (ties are ordered by time, so equal earlier values come first and count). Every pair
    ``s < t`` meets at exactly one level, where ``s`` is in the left and ``t`` in the right half
    of a block. Going down a level is a stable partition of each block into its left half
    then its right half, done with the same within-block running counts (no sort): one stable
    argsort at the start, then O(N) work per level for ``L = ceil(log2 n)`` levels.
    """
    n = v.shape[0]
    if n < 2:
        return np.ones(n, dtype=np.int64)
    n_levels = int(n - 1).bit_length()
    size_all = 1 << n_levels
    itype: type[np.signedinteger[Any]] = np.int32 if size_all < 2**31 else np.int64
    # (value, time) order; padding rows come last in time and in order, and never count
    o: npt.NDArray[np.signedinteger[Any]] = np.concatenate(
        [np.argsort(v, kind="stable"), np.arange(n, size_all)]
    ).astype(itype)
    acc: npt.NDArray[np.signedinteger[Any]] = np.zeros(size_all, dtype=itype)
    pos: npt.NDArray[np.signedinteger[Any]] = np.arange(size_all, dtype=itype)
    for level in range(n_levels - 1, -1, -1):  # log2(n) vectorised passes
        size = 1 << (level + 1)
        half = 1 << level
        right = ((o >> level) & 1).astype(bool)
        cum_left = np.cumsum(~right.reshape(-1, size), axis=1, dtype=itype).reshape(-1)
        acc[o] += cum_left * right
        if level:
            # stable partition of every block: left-half elements first, then right-half ones
            new_pos = pos + np.where(right, half - cum_left, cum_left - 1 - (pos & (size - 1)))
            nxt = np.empty_like(o)
            nxt[new_pos] = o
            o = nxt
    out: IntArray = acc[:n].astype(np.int64) + 1
    return out


def _columns(x: object, name: str) -> tuple[FloatArray, Meta]:
    values, meta = as_array(x, name, ndim=(1, 2), time_ordered=True)
    return values, meta


def expanding_percentile(x: PanelLike, *, min_periods: int = 1) -> Any:
    r"""Expanding empirical percentile of each value among all values up to it.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        One series (1-D) or several (columns of a 2-D input); rows are dates; NaN = no
        observation (skipped, and NaN out).
    min_periods : int, default 1
        Fewest observations (including the current one) for a value.

    Returns
    -------
    ndarray, Series or DataFrame
        :math:`p_t \in (0, 1]`, shaped like ``x``.

    Raises
    ------
    InputError
        ``min_periods`` < 1 or longer than the data; infinite values; empty or 3-D input.
        ``x`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or non-integer ``min_periods``.

    Notes
    -----
    .. math:: p_t = \frac{\#\{s \le t : x_s \le x_t\}}{\#\{s \le t\}}

    over non-NaN observations; identical to
    ``pd.Series(x).expanding(min_periods).apply(lambda w: (w <= w[-1]).mean(), raw=True)``
    on a series without NaN, but in :math:`O(n \log n)` (one sort, then :math:`\log_2 n`
    vectorised passes) instead of :math:`O(n^2)`. A value at ``t`` uses rows up to ``t`` only.

    **Complexity.** O(T·log T) time per column: one stable argsort, then ⌈log2 T⌉ vectorised merge
    passes of O(T) each (the pandas ``expanding().apply`` idiom is O(T²)); O(T) extra memory per
    column (integer work arrays padded to the next power of two). Columns are scored one after
    another (a handful of series), so a K-column input costs K times one column.

    References
    ----------
    .. [1] Hazen, A. (1914) / Hyndman, R. J. & Fan, Y. (1996), "Sample quantiles in
       statistical packages", *The American Statistician* 50(4), 361–365 (the empirical
       distribution function :math:`\hat F(x) = \#\{x_s \le x\}/n`).

    Examples
    --------
    >>> from divergence.cost import expanding_percentile
    >>> print(expanding_percentile([3.0, 1.0, 2.0, 5.0]).round(3))
    [1.    0.5   0.667 1.   ]
    """
    values, meta = _columns(x, "x")
    mp = check_window(min_periods, values.shape[0], "min_periods")
    cols = values.reshape(values.shape[0], -1)
    out = np.full(cols.shape, np.nan)
    for j in range(cols.shape[1]):  # a handful of series, not a hot loop
        col = cols[:, j]
        valid = ~np.isnan(col)
        v = col[valid]
        if v.size == 0:
            continue
        seen = np.arange(1, v.size + 1, dtype=np.float64)
        p = _prefix_le_counts(v) / seen
        out[valid, j] = np.where(seen >= mp, p, np.nan)
    return meta.wrap_like(out.reshape(values.shape))


def expanding_robust_z(x: PanelLike, *, min_periods: int = 24) -> Any:
    r"""Robust z-score of each value against the observations before it.

    Parameters
    ----------
    x : array_like, Series or DataFrame
        One series (1-D) or several (columns); rows are dates; NaN = no observation.
    min_periods : int, default 24
        Fewest *earlier* observations for a value (>= 2).

    Returns
    -------
    ndarray, Series or DataFrame
        Score in units of a normal-consistent robust standard deviation, shaped like ``x``;
        NaN where the history is too short or its inter-quartile range is zero (or so small
        that the score overflows).

    Raises
    ------
    InputError
        ``min_periods`` < 2 or not shorter than the data; infinite values.
        ``x`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input or non-integer ``min_periods``.

    Notes
    -----
    .. math:: z_t = \frac{x_t - \operatorname{median}(x_{<t})}
              {\operatorname{IQR}(x_{<t}) / 1.349}

    with quantiles by linear interpolation (NumPy's default). The reference set excludes
    :math:`x_t` itself, so :math:`z_t` is strictly increasing in :math:`x_t` and no value
    looks ahead. The scale is the inter-quartile range rather than the MAD: the expanding
    quartiles are order statistics of the prefix that pandas maintains in a skiplist in
    :math:`O(n \log n)`, whereas the MAD is a median of distances to a *moving* centre.

    **Complexity.** O(T·log T) time per column: pandas' expanding median and quartiles keep the
    prefix in a skiplist, O(log T) per new observation, three passes; O(T) extra memory per column.
    A K-column input costs K times one column. Beyond about 10^5 observations the skiplist
    outgrows the CPU caches and its pointer chasing makes the measured growth steeper than
    T·log T (see the "Performance" page of the documentation).

    References
    ----------
    .. [1] Rousseeuw, P. J. & Croux, C. (1993), "Alternatives to the median absolute
       deviation", *JASA* 88(424), 1273–1283 (robust scale estimators; IQR/1.349 is
       consistent for the normal standard deviation).

    Examples
    --------
    >>> from divergence.cost import expanding_robust_z
    >>> print(expanding_robust_z([1.0, 2.0, 3.0, 4.0, 10.0], min_periods=3).round(3))
    [  nan   nan   nan 2.698 6.745]
    """
    values, meta = _columns(x, "x")
    mp = check_int(min_periods, "min_periods", minimum=2)
    if mp >= values.shape[0]:
        raise InputError(
            f"min_periods={mp} earlier observations need at least {mp + 1} rows; "
            f"got {values.shape[0]}"
        )
    cols = values.reshape(values.shape[0], -1)
    out = np.full(cols.shape, np.nan)
    for j in range(cols.shape[1]):  # a handful of series
        col = cols[:, j]
        valid = ~np.isnan(col)
        v = col[valid]
        if v.size <= mp:
            continue
        s = pd.Series(v).expanding(min_periods=mp)
        med = s.median().to_numpy()
        iqr = (s.quantile(0.75) - s.quantile(0.25)).to_numpy()
        med_prev = np.r_[np.nan, med[:-1]]
        scale_prev = np.r_[np.nan, iqr[:-1]] / _IQR_NORMAL
        ok = np.isfinite(scale_prev) & (scale_prev > 0)
        with np.errstate(over="ignore"):  # a subnormal IQR: the score is not representable
            z = safe_divide(v - med_prev, scale_prev, ok)
        out[valid, j] = np.where(np.isfinite(z), z, np.nan)
    return meta.wrap_like(out.reshape(values.shape))


def _score(values: FloatArray, scoring: str, min_periods: int) -> FloatArray:
    if scoring == "percentile":
        p = np.asarray(expanding_percentile(values, min_periods=min_periods))
        return 2.0 * p - 1.0
    return np.asarray(expanding_robust_z(values, min_periods=min_periods))


# --------------------------------------------------------------------------- the model
def _pairwise_positive(s: FloatArray) -> FloatArray:
    """Sum over pairs j < k of (s_j)_+ (s_k)_+ for each row of an (n, m) array."""
    pos = np.maximum(s, 0.0)
    out: FloatArray = np.zeros(s.shape[0])
    for j in range(s.shape[1]):  # three inputs: three pairs
        for k in range(j + 1, s.shape[1]):
            out += pos[:, j] * pos[:, k]
    return out


def _unpack_frame(delta_r: object, i_c: object, l_s: object) -> dict[str, object]:
    """The three inputs by name; a DataFrame first argument gives them as its columns.

    A polars DataFrame (e.g. :func:`inputs` of polars data) gives its columns as polars
    Series, read in row order.
    """
    if not (isinstance(delta_r, pd.DataFrame) or _is_polars_frame(delta_r)):
        return {"delta_r": delta_r, "i_c": i_c, "l_s": l_s}
    if i_c is not None or l_s is not None:
        raise TypeError(
            "pass either one DataFrame with columns delta_r, i_c, l_s or the three inputs "
            "separately, not both"
        )
    frame: Any = delta_r
    if not any(name in frame.columns for name in INPUTS):
        shown = ", ".join(repr(c) for c in list(frame.columns)[:5])
        raise InputError(
            f"the inputs frame has none of the columns {list(INPUTS)} (it has {shown})"
        )
    return {name: frame[name] if name in frame.columns else None for name in INPUTS}


def _is_polars_frame(x: object) -> bool:
    if not is_polars(x):
        return False
    import polars as pl

    return isinstance(x, pl.DataFrame)


def _align(cols: dict[str, FloatArray], metas: list[Meta]) -> tuple[dict[str, FloatArray], Meta]:
    """Put the given inputs on one row layout.

    pandas inputs are outer-joined on their index (rows missing from an input are NaN in it);
    arrays are taken by position and must have the length of that joined index (or, with no
    pandas input, of each other).
    """
    pandas = [m for m in metas if m.is_pandas and m.index is not None]
    arrays = [m for m in metas if not m.is_pandas]
    if not pandas:
        n = metas[0].shape[0]
        if any(m.shape[0] != n for m in metas):
            lengths = ", ".join(f"{m.name} {m.shape[0]}" for m in metas)
            raise InputError(
                f"arrays without an index cannot be aligned unless they have the same length; "
                f"got {lengths} rows (pass pandas Series to align them on their dates)"
            )
        return cols, metas[0]
    first = pandas[0]
    index = first.index
    assert index is not None
    if not all(m.index is not None and m.index.equals(index) for m in pandas[1:]):
        for m in pandas:
            assert m.index is not None
            if m.index.has_duplicates:
                dup = m.index[m.index.duplicated()][0]
                raise InputError(
                    f"{m.name} has duplicate index labels (e.g. {fmt_label(dup)}); inputs with "
                    "different indexes are aligned on their labels, which must then be unique"
                )
        for m in pandas[1:]:
            assert m.index is not None
            index = index.union(m.index)
        names = {m.name: key for key, m in zip(cols, metas, strict=True)}
        for m in pandas:
            key = names[m.name]
            aligned = pd.Series(cols[key], index=m.index, copy=False).reindex(index)
            cols[key] = np.asarray(aligned.to_numpy(dtype=np.float64), dtype=np.float64)
    n = len(index)
    bad = [m for m in arrays if m.shape[0] != n]
    if bad:
        lengths = ", ".join(f"{m.name} {m.shape[0]}" for m in bad)
        raise InputError(
            f"arrays are taken by position and must have one value per row of the pandas "
            f"inputs' (joined) index, {n} rows; got {lengths}"
        )
    if index is first.index:
        return cols, first
    meta = Meta(first.name, "series", 1, (n,), index, None, None)
    return cols, meta


@dataclass(frozen=True)
class DivergenceCost:
    r"""The divergence cost model :math:`C_D = g(\eta)` with scored, signed inputs.

    Parameters
    ----------
    weights : tuple of three floats, default (1.0, 1.0, 1.0)
        Non-negative weights :math:`(w_R, w_C, w_L)` of the signed scores of
        :math:`\Delta R_{risk}`, :math:`I_C` and :math:`L_S` (order of :data:`INPUTS`).
    intercept : float, default 0.0
        :math:`b`, on the scale of the linear predictor.
    interaction : float, default 0.0
        Non-negative weight :math:`w_I` of :math:`\sum_{j<k} (s_j)_+ (s_k)_+`, which is zero
        unless at least two pressures are above their historical centre at once.
    scoring : {"percentile", "robust_z"}, default "percentile"
        How each input is scored against its own past (see :mod:`divergence.cost`).
        ``"percentile"`` gives scores in :math:`(-1, 1]`; ``"robust_z"`` unbounded scores in
        robust standard deviations.
    min_periods : int, default 36
        Fewest observations of an input before it is scored (36 months = 3 years).
    link : {"logistic", "identity"}, default "logistic"
        ``"logistic"``: :math:`C_D \in (0, 1)`; ``"identity"``: :math:`C_D = \eta`.
    fit_summary : str, optional
        Text summary of the statsmodels fit, set by :meth:`calibrate`.
    fit_result : object, optional
        The statsmodels results object, set by :meth:`calibrate` (not compared).

    Raises
    ------
    InputError
        Negative or non-finite weights; unknown ``scoring`` or ``link``; ``min_periods`` < 1
        (< 2 for ``"robust_z"``).
    TypeError
        Weights not a sequence of three numbers.

    Notes
    -----
    Signed scores: :math:`s_R = -z(\Delta R_{risk})` (a premium that compresses more than
    usual scores high), :math:`s_C = z(I_C)`, :math:`s_L = z(L_S)`. Then

    .. math:: \eta_t = b + \sum_k w_k s_{k,t} + w_I \sum_{j<k} (s_{j,t})_+ (s_{k,t})_+,
              \qquad C_{D,t} = g(\eta_t)

    A NaN score (too little history, or a missing input) gives a NaN :math:`C_D`; an input
    passed as ``None`` must have weight 0 and contributes nothing.

    References
    ----------
    .. [1] The divergence framework (user guide, "Divergence cost"); scoring against an
       expanding window follows the real-time index construction of e.g. the St. Louis Fed
       Financial Stress Index (Kliesen & Smith, 2010, *Economic Synopses* 2010-1).

    Examples
    --------
    >>> import numpy as np
    >>> from divergence.cost import DivergenceCost
    >>> rng = np.random.default_rng(0)
    >>> dr, ic, ls = rng.normal(size=(3, 60))
    >>> model = DivergenceCost(weights=(1.0, 0.5, 0.5), min_periods=12)
    >>> cd = model.evaluate(dr, ic, ls)
    >>> print(f"{np.nanmin(cd):.3f} {np.nanmax(cd):.3f} {int(np.isnan(cd).sum())}")
    0.127 0.812 11
    """

    weights: tuple[float, float, float] = (1.0, 1.0, 1.0)
    intercept: float = 0.0
    interaction: float = 0.0
    scoring: Scoring = "percentile"
    min_periods: int = 36
    link: Link = "logistic"
    fit_summary: str | None = field(default=None, compare=False, repr=False)
    fit_result: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        w = self.weights
        if isinstance(w, str | bytes) or not hasattr(w, "__len__") or len(w) != 3:
            raise TypeError("weights must be a sequence of three numbers (w_R, w_C, w_L)")
        checked = tuple(
            check_float(v, f"weights[{i}] ({INPUTS[i]})", minimum=0.0) for i, v in enumerate(w)
        )
        object.__setattr__(self, "weights", checked)
        object.__setattr__(self, "intercept", check_float(self.intercept, "intercept"))
        object.__setattr__(
            self, "interaction", check_float(self.interaction, "interaction", minimum=0.0)
        )
        check_option(self.scoring, "scoring", ("percentile", "robust_z"))
        check_option(self.link, "link", ("logistic", "identity"))
        check_int(self.min_periods, "min_periods", minimum=2 if self.scoring == "robust_z" else 1)

    # ----------------------------------------------------------------- internals
    def _inputs(
        self,
        delta_r: object,
        i_c: object,
        l_s: object,
        *,
        strict: bool = True,
        container: str | None = None,
        align: bool = True,
    ) -> tuple[FloatArray, Meta]:
        """Signed scores as an (n, 3) array, and the layout of the first input given.

        An input passed as None scores 0 (``strict``: only allowed with weight 0) or NaN
        (``strict=False``, used by :meth:`scores`). ``container`` names the argument the
        inputs came from in error messages (``components['i_c']``). ``align``: outer-join
        pandas inputs on their index (else they must share one layout, as in :meth:`calibrate`,
        whose target is matched row by row).
        """
        raw = _unpack_frame(delta_r, i_c, l_s)
        metas: list[Meta] = []
        cols: dict[str, FloatArray] = {}
        for k, (name, x) in enumerate(raw.items()):
            if x is None:
                if strict and self.weights[k] != 0.0:
                    raise InputError(
                        f"{name} is None but its weight is {self.weights[k]}; pass the input "
                        "or set its weight to 0"
                    )
                continue
            v, m = as_array(
                x,
                name if container is None else f"{container}[{name!r}]",
                ndim=1,
                time_ordered=True,
            )
            metas.append(m)
            cols[name] = v
        if not metas:
            raise InputError("at least one of delta_r, i_c, l_s must be given")
        if align:
            cols, meta = _align(cols, metas)
        else:
            for m in metas[1:]:
                check_same_layout(metas[0], m)
            meta = metas[0]
        n = meta.shape[0]
        if self.scoring == "robust_z":
            if self.min_periods >= n:
                raise InputError(
                    f"min_periods={self.min_periods} earlier observations need at least "
                    f"{self.min_periods + 1} rows; got {n}"
                )
        else:
            check_window(self.min_periods, n, "min_periods")
        scores = np.zeros((n, 3))
        for k, name in enumerate(INPUTS):
            if name in cols:
                z = _score(cols[name], self.scoring, self.min_periods)
                scores[:, k] = _SIGNS[name] * z + 0.0  # no negative zeros
            elif not strict:
                scores[:, k] = np.nan
        return scores, meta

    def _eta_parts(self, scores: FloatArray) -> FloatArray:
        """(n, 5) array: intercept, three input terms, interaction term."""
        n = scores.shape[0]
        parts = np.empty((n, 5))
        parts[:, 0] = self.intercept
        w = np.asarray(self.weights)
        # scores beyond ~1e154 (robust z against a near-zero IQR) overflow to inf: allowed
        with np.errstate(over="ignore", invalid="ignore"):
            # a zero weight times a NaN score would give NaN: such inputs contribute exactly 0
            parts[:, 1:4] = np.where(w == 0.0, 0.0, scores * w)
            if self.interaction == 0.0:
                parts[:, 4] = 0.0
            else:
                parts[:, 4] = self.interaction * _pairwise_positive(scores)
        bad = np.isnan(parts).any(axis=1)
        parts[bad] = np.nan
        return parts

    def _link(self, eta: FloatArray) -> FloatArray:
        if self.link == "identity":
            return eta
        out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * eta))  # logistic, overflow-free
        return out

    def _link_derivative(self, eta: FloatArray) -> FloatArray:
        if self.link == "identity":
            return np.where(np.isnan(eta), np.nan, 1.0)
        c = self._link(eta)
        out: FloatArray = c * (1.0 - c)
        return out

    # ----------------------------------------------------------------- public methods
    def scores(
        self,
        delta_r: SeriesLike | pd.DataFrame | None,
        i_c: SeriesLike | None = None,
        l_s: SeriesLike | None = None,
    ) -> Any:
        r"""Signed scores :math:`(s_R, s_C, s_L)` of the inputs (higher = more pressure).

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs (``delta_r`` may be a DataFrame holding all three as columns;
            pandas inputs are outer-joined on their index, see :meth:`evaluate`):
            :math:`\Delta R_{risk}` (decimal change of the premium gap), :math:`I_C` (ratio)
            and :math:`L_S` (decimal per year). ``None`` for an input that is not available
            (its column is NaN).

        Returns
        -------
        ndarray or DataFrame
            (dates x 3) signed scores, columns :data:`INPUTS`; a DataFrame on the inputs'
            index for pandas input. Weights are not applied.

        Raises
        ------
        InputError
            As :meth:`evaluate` (but ``None`` is accepted for any input).
            ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort
            with ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            Non-numeric input.

        Notes
        -----
        :math:`s_R = -z(\Delta R_{risk})`, :math:`s_C = z(I_C)`, :math:`s_L = z(L_S)` with
        :math:`z` the expanding percentile score :math:`2p - 1` or the robust z-score.

        Examples
        --------
        >>> from divergence.cost import DivergenceCost
        >>> m = DivergenceCost(min_periods=2)
        >>> print(m.scores([0.0, -0.01, 0.01], [10.0, 12.0, 11.0], None).round(3))
        [[   nan    nan    nan]
         [ 0.     1.       nan]
         [-1.     0.333    nan]]
        """
        s, meta = self._inputs(delta_r, i_c, l_s, strict=False)
        return meta.wrap_panel(s, list(INPUTS))

    def linear_predictor(
        self,
        delta_r: SeriesLike | pd.DataFrame | None,
        i_c: SeriesLike | None = None,
        l_s: SeriesLike | None = None,
    ) -> Any:
        r""":math:`\eta_t`, the cost before the link (see the class notes).

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate` (``delta_r`` may be a DataFrame holding
            all three as columns; pandas inputs are outer-joined on their index).

        Returns
        -------
        ndarray or Series
            One value per date (log-odds under the logistic link); NaN where any used score
            is NaN.

        Raises
        ------
        InputError
            As :meth:`evaluate`.
            ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort
            with ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            Non-numeric input.

        Notes
        -----
        .. math:: \eta_t = b + \sum_k w_k s_{k,t} + w_I \sum_{j<k} (s_{j,t})_+ (s_{k,t})_+

        Examples
        --------
        >>> from divergence.cost import DivergenceCost
        >>> m = DivergenceCost(intercept=-1.0, min_periods=1)
        >>> print(m.linear_predictor([0.0, -0.01], [10.0, 12.0], [0.0, 0.02]).round(3))
        [0. 1.]
        """
        s, meta = self._inputs(delta_r, i_c, l_s)
        return meta.wrap_rows(self._eta_parts(s).sum(axis=1), name="eta")

    def evaluate(
        self,
        delta_r: SeriesLike | pd.DataFrame | None,
        i_c: SeriesLike | None = None,
        l_s: SeriesLike | None = None,
    ) -> Any:
        r""":math:`C_D` at every date.

        Parameters
        ----------
        delta_r : array_like, Series or DataFrame, or None
            :math:`\Delta R_{risk}`: change of the premium gap (decimal per year; negative =
            compressing), e.g. :func:`divergence.premia.risk_premium_shift`. Or a DataFrame
            holding the inputs as columns ``delta_r``, ``i_c``, ``l_s`` (e.g. the frame of
            :func:`inputs`): other columns are ignored, a missing column counts as None, and
            ``i_c`` and ``l_s`` must then be left out. A polars frame's columns are read in
            row order and give a polars Series.
        i_c : array_like or Series, or None
            :math:`I_C`: concentration coefficient (ratio), e.g.
            :func:`divergence.concentration.concentration_coefficient` per date.
        l_s : array_like or Series, or None
            :math:`L_S`: sterilization rate (decimal per year; positive = draining), e.g.
            :func:`divergence.liquidity.sterilization_rate`.

        Returns
        -------
        ndarray or Series
            :math:`C_D` per date: in (0, 1) under the logistic link, :math:`\eta` under the
            identity link. NaN until every input with a non-zero weight has ``min_periods``
            observations, and where one is missing. A Series (on the joined index) when any
            input is a pandas object, an ndarray when all are arrays.

        Raises
        ------
        InputError
            Inputs that cannot be aligned (arrays of different lengths, or an array whose
            length is not that of the pandas inputs' joined index; the message gives the
            lengths); a pandas input with duplicate labels when the indexes differ; a 2-D
            input; infinite values; an input with a non-zero weight passed as None;
            ``min_periods`` longer than the data; a DataFrame with none of the three columns.
            ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort
            with ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            Non-numeric input; a DataFrame together with ``i_c`` or ``l_s``.

        Notes
        -----
        .. math:: C_{D,t} = g(\eta_t), \qquad g(\eta) = 1/(1+e^{-\eta}) \text{ or } \eta

        **Alignment.** pandas inputs with different indexes are aligned on their labels by an
        **outer join** (the sorted union of the indexes); a row missing from an input is NaN
        in that input, and a row where any input with a non-zero weight is NaN gives NaN (a
        NaN is "no observation": it is skipped by the scoring, so it does not shift the other
        rows' scores). Inputs with identical indexes keep that index. Dated inputs must have
        increasing dates without duplicates (else InputError: rows are never reordered). Arrays
        (and lists) have no labels: they are taken by position and must have the length of
        the other arrays, or of the pandas inputs' joined index. The same rules hold for
        :meth:`scores`, :meth:`linear_predictor`, :meth:`contributions` and
        :meth:`sensitivities`.

        Each input is scored against its own non-NaN history up to ``t``, so a value at ``t``
        does not change when later rows are appended.

        **Complexity.** O(T·log T) time for T dates: the expanding scoring of each of the three
        inputs (:func:`expanding_percentile` or :func:`expanding_robust_z`) dominates; the weighted
        sum and the link are O(T). O(T) memory.

        References
        ----------
        .. [1] See :class:`DivergenceCost`.

        Examples
        --------
        >>> import pandas as pd
        >>> from divergence.cost import DivergenceCost
        >>> idx = pd.date_range("2024-01-01", periods=4, freq="MS")
        >>> dr = pd.Series([0.002, 0.001, -0.001, -0.004], index=idx)
        >>> ic = pd.Series([40.0, 45.0, 50.0, 48.0], index=idx)
        >>> ls = pd.Series([0.01, 0.02, 0.03, 0.04], index=idx)
        >>> print(DivergenceCost(min_periods=2).evaluate(dr, ic, ls).round(3).tolist())
        [nan, 0.881, 0.912, 0.881]

        The same inputs as one frame (as :func:`inputs` returns them; the extra column is
        ignored), and with ``i_c`` missing its first month (outer join: that month is NaN; in
        the last month 48 is scored among three ``i_c`` values, :math:`2 \cdot 2/3 - 1`, so
        :math:`\eta = 0.5 + 1/3 + 1` and :math:`C_D = 0.862`):

        >>> frame = pd.DataFrame({"delta_r": dr, "i_c": ic, "l_s": ls, "note": 0.0})
        >>> print(DivergenceCost(min_periods=2).evaluate(frame).round(3).tolist())
        [nan, 0.881, 0.912, 0.881]
        >>> print(DivergenceCost(min_periods=1).evaluate(dr, ic.iloc[1:], ls).round(3).tolist())
        [nan, 0.881, 0.912, 0.862]
        """
        s, meta = self._inputs(delta_r, i_c, l_s)
        eta = self._eta_parts(s).sum(axis=1)
        return meta.wrap_rows(self._link(eta), name="divergence_cost")

    def contributions(
        self,
        delta_r: SeriesLike | pd.DataFrame | None,
        i_c: SeriesLike | None = None,
        l_s: SeriesLike | None = None,
    ) -> Any:
        r"""Additive decomposition of the linear predictor :math:`\eta_t`.

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate` (``delta_r`` may be a DataFrame holding
            all three as columns; pandas inputs are outer-joined on their index).

        Returns
        -------
        ndarray or DataFrame
            (dates x 5): columns ``intercept``, ``delta_r`` (:math:`w_R s_R`), ``i_c``
            (:math:`w_C s_C`), ``l_s`` (:math:`w_L s_L`) and ``interaction``; each row sums
            exactly to :meth:`linear_predictor` (and, under the identity link, to
            :meth:`evaluate`). Under the logistic link :math:`C_D = 1/(1 + e^{-\sum})`, so the
            parts add up on the log-odds scale, not in probability.

        Raises
        ------
        InputError
            As :meth:`evaluate`.
            ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort
            with ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            Non-numeric input.

        Notes
        -----
        .. math:: \eta_t = \underbrace{b}_{\text{intercept}}
                  + \underbrace{w_R s_{R,t}}_{\text{delta\_r}}
                  + \underbrace{w_C s_{C,t}}_{\text{i\_c}}
                  + \underbrace{w_L s_{L,t}}_{\text{l\_s}}
                  + \underbrace{w_I \textstyle\sum_{j<k} (s_j)_+ (s_k)_+}_{\text{interaction}}

        Examples
        --------
        >>> from divergence.cost import DivergenceCost
        >>> m = DivergenceCost(weights=(1.0, 2.0, 0.5), interaction=1.0, min_periods=1)
        >>> parts = m.contributions([0.0, -0.01], [10.0, 12.0], [0.0, 0.02])
        >>> print(parts[1].round(3), f"{parts[1].sum():.3f}")
        [0.  0.  2.  0.5 1. ] 3.500
        """
        s, meta = self._inputs(delta_r, i_c, l_s)
        cols = ["intercept", *INPUTS, "interaction"]
        return meta.wrap_panel(self._eta_parts(s), cols)

    def sensitivities(
        self,
        delta_r: SeriesLike | pd.DataFrame | None,
        i_c: SeriesLike | None = None,
        l_s: SeriesLike | None = None,
    ) -> Any:
        r"""Analytic partial derivatives of :math:`C_D` with respect to each signed score.

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate` (``delta_r`` may be a DataFrame holding
            all three as columns; pandas inputs are outer-joined on their index).

        Returns
        -------
        ndarray or DataFrame
            (dates x 3), columns :data:`INPUTS`:
            :math:`\partial C_D / \partial s_k = g'(\eta)\,\bigl(w_k + w_I\,
            \mathbb{1}[s_k > 0] \sum_{j \ne k} (s_j)_+\bigr)`, with :math:`g'(\eta) =
            C_D (1 - C_D)` (logistic) or 1 (identity). These are derivatives with respect to
            the **signed scores** :math:`s_k`, holding the history fixed; all are
            :math:`\ge 0`. For the raw inputs multiply by the sign (:math:`-1` for
            :math:`\Delta R_{risk}`) and by :math:`\partial z/\partial x` (for
            ``"robust_z"``: :math:`1.349/\mathrm{IQR}_{t-1}`; the percentile score is a step
            function of :math:`x`). The positive part is differentiated as
            :math:`\mathbb{1}[s_k > 0]` (at exactly :math:`s_k = 0`, the left derivative).

        Raises
        ------
        InputError
            As :meth:`evaluate`.
            ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort
            with ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            Non-numeric input.

        Notes
        -----
        .. math:: \frac{\partial C_D}{\partial s_k} = g'(\eta)\Bigl(w_k + w_I\,
                  \mathbb{1}[s_k > 0] \sum_{j \ne k} (s_j)_+\Bigr)

        Examples
        --------
        >>> from divergence.cost import DivergenceCost
        >>> m = DivergenceCost(weights=(1.0, 1.0, 1.0), link="identity", min_periods=1)
        >>> print(m.sensitivities([0.0, -0.01], [10.0, 12.0], [0.0, 0.02])[1])
        [1. 1. 1.]
        """
        s, meta = self._inputs(delta_r, i_c, l_s)
        eta = self._eta_parts(s).sum(axis=1)
        gprime = self._link_derivative(eta)
        pos = np.maximum(s, 0.0)
        with np.errstate(over="ignore", invalid="ignore"):
            others = pos.sum(axis=1, keepdims=True) - pos
            d = np.asarray(self.weights)[None, :] + self.interaction * (s > 0) * others
            out = gprime[:, None] * d
        out[np.isnan(eta)] = np.nan
        return meta.wrap_panel(out, list(INPUTS))

    # ----------------------------------------------------------------- fitting
    @classmethod
    def calibrate(
        cls,
        components: pd.DataFrame | Mapping[str, SeriesLike],
        target: SeriesLike,
        *,
        scoring: Scoring = "percentile",
        min_periods: int = 36,
        link: Link = "logistic",
        interaction: bool = False,
        cov_type: Literal["nonrobust", "HAC"] = "nonrobust",
        hac_lags: int = 12,
    ) -> DivergenceCost:
        r"""Fit non-negative weights (and the intercept) to a target with statsmodels.

        Parameters
        ----------
        components : DataFrame or mapping of str to Series/array
            Raw inputs, columns a non-empty subset of :data:`INPUTS`; an input left out gets
            weight 0. Scored exactly as :meth:`evaluate` would (expanding, no look-ahead).
        target : array_like or Series
            One value per row of ``components``: 0/1 (logistic link, e.g. "a drawdown of more
            than 20% within the next 12 months") or real-valued (identity link). NaN rows are
            dropped (e.g. the last months of a forward-looking target).
        scoring : {"percentile", "robust_z"}, default "percentile"
            As in :class:`DivergenceCost`.
        min_periods : int, default 36
            As in :class:`DivergenceCost`.
        link : {"logistic", "identity"}, default "logistic"
            ``"logistic"``: a logit (``statsmodels.api.Logit``); ``"identity"``: least
            squares (``statsmodels.api.OLS``).
        interaction : bool, default False
            Also fit the weight of the pairwise interaction term.
        cov_type : {"nonrobust", "HAC"}, default "nonrobust"
            Standard errors of the summary. Forward-looking targets built from overlapping
            windows are serially correlated; ``"HAC"`` (Newey–West with ``hac_lags`` lags)
            is then the honest choice. Point estimates do not depend on it.
        hac_lags : int, default 12
            Lags of the HAC covariance.

        Returns
        -------
        DivergenceCost
            With the fitted weights, intercept and interaction, ``fit_summary`` (the
            statsmodels summary text of the chosen fit) and ``fit_result``.

        Raises
        ------
        InputError
            Unknown component names; target of another length or index; a non-binary
            target under the logistic link; fewer usable rows than regressors + 2; under the
            logistic link, scores that separate the target perfectly (the likelihood has no
            finite maximum) or a fit that does not converge; a score (or, with
            ``interaction=True``, the interaction term) that is constant on the usable rows, or
            scores that are collinear (e.g. the same input twice): their weights are not
            identified.
            ``components`` with unsorted, duplicate or missing (NaT) dates: sort with
            ``sort_index()`` or de-duplicate first (rows are never reordered).
        TypeError
            ``components`` not a DataFrame or mapping.

        Notes
        -----
        Non-negativity is imposed exactly: every subset of the regressors is fitted without
        constraints, the fits with a negative weight are discarded, and the one with the
        highest log-likelihood is kept (the constrained optimum of a concave log-likelihood is
        the unconstrained optimum on its set of non-zero weights). With at most four
        regressors that is at most 16 fits. Standard errors of the retained fit are
        conditional on that choice.

        References
        ----------
        .. [1] Seabold, S. & Perktold, J. (2010), "statsmodels: Econometric and statistical
           modeling with Python", *Proc. 9th Python in Science Conference*.
        .. [2] Newey, W. K. & West, K. D. (1987), "A simple, positive semi-definite,
           heteroskedasticity and autocorrelation consistent covariance matrix",
           *Econometrica* 55(3), 703–708.

        Examples
        --------
        Data simulated from a logit in the score of :math:`L_S` alone (true weight 2,
        intercept -1); :math:`\Delta R_{risk}` is noise:

        >>> import numpy as np
        >>> import pandas as pd
        >>> from divergence.cost import DivergenceCost
        >>> rng = np.random.default_rng(1)
        >>> x = pd.DataFrame({"delta_r": rng.normal(size=600), "l_s": rng.normal(size=600)})
        >>> s = DivergenceCost(min_periods=36).scores(x["delta_r"], None, x["l_s"])
        >>> eta = -1.0 + 2.0 * s["l_s"]
        >>> y = (rng.random(600) < 1 / (1 + np.exp(-eta))).astype(float).where(eta.notna())
        >>> fit = DivergenceCost.calibrate(x, y)
        >>> print(np.round(fit.weights, 2), round(fit.intercept, 2))
        [0.17 0.   1.75] -0.91
        >>> print(fit.fit_summary.splitlines()[0].strip())
        Logit Regression Results
        """
        import statsmodels.api as sm

        scoring_ = check_option(scoring, "scoring", ("percentile", "robust_z"))
        link_ = check_option(link, "link", ("logistic", "identity"))
        use_inter = check_bool(interaction, "interaction")
        cov = check_option(cov_type, "cov_type", ("nonrobust", "HAC"))
        lags = check_int(hac_lags, "hac_lags", minimum=0)
        comp: dict[str, Any]
        components = to_pandas(components)
        if isinstance(components, pd.DataFrame):
            comp = {str(c): components[c] for c in components.columns}
        elif isinstance(components, Mapping):
            comp = {str(k): v for k, v in components.items()}
        else:
            raise TypeError("components must be a DataFrame or a mapping of input name to series")
        if not comp:
            raise InputError(f"components is empty; give at least one of {list(INPUTS)}")
        unknown = [k for k in comp if k not in INPUTS]
        if unknown:
            raise InputError(
                f"components has unknown column {unknown[0]!r}; expected a subset of {list(INPUTS)}"
            )
        present = [name for name in INPUTS if name in comp]
        scorer = cls(
            weights=tuple(1.0 if n in comp else 0.0 for n in INPUTS),  # type: ignore[arg-type]
            scoring=scoring_,  # type: ignore[arg-type]
            min_periods=min_periods,
        )
        s, meta = scorer._inputs(
            comp.get("delta_r"),
            comp.get("i_c"),
            comp.get("l_s"),
            container="components",
            align=False,
        )
        y, ymeta = as_array(target, "target", ndim=1)
        check_same_layout(meta, ymeta)
        cols = {name: s[:, INPUTS.index(name)] for name in present}
        if use_inter:
            cols["interaction"] = _pairwise_positive(s)
        names = list(cols)
        x = np.column_stack([cols[c] for c in names])
        ok = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
        y_ok, x_ok = y[ok], x[ok]
        if y_ok.size < len(names) + 2:
            raise InputError(
                f"only {int(y_ok.size)} rows have a target and every score; need at least "
                f"{len(names) + 2} (the first min_periods={scorer.min_periods} rows have no score)"
            )
        if link_ == "logistic":
            nonbinary = (y_ok != 0.0) & (y_ok != 1.0)
            if nonbinary.any():
                raise InputError(
                    "target must be 0/1 under the logistic link; "
                    f"{int(nonbinary.sum())} value(s) are not"
                )
            if y_ok.min() == y_ok.max():
                raise InputError("target is constant on the usable rows; nothing to fit")
        _check_identified(x_ok, names)
        fit_kw: dict[str, Any] = {"cov_type": cov}
        if cov == "HAC":
            fit_kw["cov_kwds"] = {"maxlags": lags}

        best: tuple[float, Any, list[str]] | None = None
        for r in range(len(names), -1, -1):
            for subset in itertools.combinations(range(len(names)), r):
                exog = np.column_stack([np.ones(y_ok.size), x_ok[:, list(subset)]])
                if link_ == "logistic":
                    res = _fit_logit(sm, y_ok, exog, fit_kw, [names[i] for i in subset])
                else:
                    res = sm.OLS(y_ok, exog).fit(**fit_kw)
                params = np.asarray(res.params)
                if (params[1:] < -1e-12).any():
                    continue
                llf = float(res.llf)
                if best is None or llf > best[0] + 1e-9:
                    best = (llf, res, [names[i] for i in subset])
        assert best is not None  # the intercept-only fit is always feasible
        _, res, kept = best
        params = np.maximum(np.asarray(res.params), 0.0)
        fitted = dict(zip(kept, params[1:], strict=True))
        weights = tuple(float(fitted.get(n, 0.0)) for n in INPUTS)
        exog_names = ["const", *kept]
        summary = str(res.summary(xname=exog_names))
        return cls(
            weights=weights,  # type: ignore[arg-type]
            intercept=float(np.asarray(res.params)[0]),
            interaction=float(fitted.get("interaction", 0.0)),
            scoring=scoring_,  # type: ignore[arg-type]
            min_periods=min_periods,
            link=link_,  # type: ignore[arg-type]
            fit_summary=summary,
            fit_result=res,
        )

    # ----------------------------------------------------------------- views
    def _fit_table(self) -> pd.DataFrame:
        """Weights, and the calibration's standard errors where a fit is attached."""
        names = ["const", *INPUTS, "interaction"]
        values = [self.intercept, *self.weights, self.interaction]
        table = pd.DataFrame({"weight": values}, index=pd.Index(names, name="term"))
        res = self.fit_result
        if res is None or not all(hasattr(res, a) for a in ("params", "bse", "pvalues")):
            return table
        params = np.asarray(res.params, dtype=np.float64)
        kept = ["const", *[n for n, v in zip(names[1:], values[1:], strict=True) if v != 0.0]]
        if params.size != len(kept):  # a weight fitted at exactly zero: terms not identifiable
            return table
        stat = np.asarray(getattr(res, "tvalues", np.full(params.size, np.nan)), np.float64)
        extra = pd.DataFrame(
            {
                "std_err": np.asarray(res.bse, dtype=np.float64),
                "z" if type(res.model).__name__ == "Logit" else "t": stat,
                "p_value": np.asarray(res.pvalues, dtype=np.float64),
            },
            index=pd.Index(kept, name="term"),
        )
        return table.join(extra)

    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        items: dict[str, object] = {
            "weights": self.weights,
            "intercept": self.intercept,
            "interaction": self.interaction,
            "scoring": self.scoring,
            "min_periods": self.min_periods,
            "link": self.link,
        }
        headline = None
        res = self.fit_result
        if res is not None and hasattr(res, "nobs"):
            fit = f"calibrated: {type(res.model).__name__} on {int(res.nobs)} rows"
            if hasattr(res, "prsquared"):
                fit += f", pseudo R² {format_value(float(res.prsquared))}"
            elif hasattr(res, "rsquared"):
                fit += f", R² {format_value(float(res.rsquared))}"
            headline = fit
        return short_repr("DivergenceCost", items, headline)

    def summary(self) -> Summary:
        r"""The model's settings and weights; with a calibration, the fit's statistics.

        Returns
        -------
        Summary
            Settings (link, scoring, ``min_periods``, whether calibrated; after
            :meth:`calibrate` also the statsmodels model, observations, covariance type,
            log-likelihood and (pseudo) :math:`R^2`) and one table ``"Weights"``: rows
            ``const`` (the intercept :math:`b`), ``delta_r``, ``i_c``, ``l_s``,
            ``interaction``; column ``weight`` and, after a calibration, ``std_err``, ``z``
            (Logit) or ``t`` (OLS) and ``p_value`` of the retained fit (NaN for a term
            fixed at 0). The full statsmodels text stays in :attr:`fit_summary`.

        Notes
        -----
        The weights are those of
        :math:`\eta_t = b + \sum_k w_k s_{k,t} + w_I \sum_{j<k} (s_{j,t})_+ (s_{k,t})_+`.
        Standard errors are conditional on the retained subset of terms (see
        :meth:`calibrate`).

        References
        ----------
        .. [1] Seabold, S. & Perktold, J. (2010), "statsmodels: Econometric and statistical
           modeling with Python", *Proc. 9th Python in Science Conference*.

        Examples
        --------
        >>> from divergence.cost import DivergenceCost
        >>> s = DivergenceCost(weights=(1.0, 0.5, 0.5), min_periods=12).summary()
        >>> print(s.tables["Weights"]["weight"].tolist())
        [0.0, 1.0, 0.5, 0.5, 0.0]
        >>> print(s.settings["Calibrated"])
        no
        """
        from divergence._summary import Summary

        settings: list[tuple[str, object]] = [
            ("Link", self.link),
            ("Scoring", self.scoring),
            ("Min periods", self.min_periods),
            ("Calibrated", self.fit_result is not None),
        ]
        res = self.fit_result
        if res is not None and hasattr(res, "nobs"):
            settings += [
                ("Model", type(res.model).__name__),
                ("Observations", int(res.nobs)),
                ("Covariance", str(getattr(res, "cov_type", "n/a"))),
                ("Log-likelihood", float(res.llf)),
            ]
            if hasattr(res, "prsquared"):
                settings.append(("Pseudo R² (McFadden)", float(res.prsquared)))
            elif hasattr(res, "rsquared"):
                settings.append(("R²", float(res.rsquared)))
        return Summary(
            "Divergence cost model C_D = g(eta)",
            settings,
            [("Weights", self._fit_table())],
            notes=["Weights apply to signed scores of delta_r, i_c and l_s (see Notes)."],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()


def _check_identified(x: FloatArray, names: list[str]) -> None:
    """Refuse scores whose weights the intercept and the other scores leave undetermined.

    A constant score column duplicates the intercept, and a score that is a linear
    combination of the others (e.g. the same input passed twice) duplicates them: the design
    matrix is then singular, the logit's Newton step fails with NumPy's ``LinAlgError`` and
    least squares returns one of infinitely many weight vectors with a warning.
    """
    n = x.shape[0]
    for j, name in enumerate(names):
        col = x[:, j]
        if col.min() == col.max():
            fix = (
                "use interaction=False"
                if name == "interaction"
                else f"leave {name!r} out of components"
            )
            raise InputError(
                f"the score of {name!r} is constant ({col[0]:g}) on the {n} usable rows, so "
                f"its weight cannot be told apart from the intercept; {fix}"
            )
    design = np.column_stack([np.ones(n), x])
    if np.linalg.matrix_rank(design) < design.shape[1]:
        raise InputError(
            f"the scores {names} are collinear on the {n} usable rows (one is the intercept "
            "plus a multiple of the others, e.g. the same input given twice), so their "
            "weights are not identified; leave one out of components"
        )


def _fit_logit(
    sm: Any, y: FloatArray, exog: FloatArray, fit_kw: dict[str, Any], names: list[str]
) -> Any:
    """A statsmodels Logit fit; perfect separation or non-convergence raise InputError.

    statsmodels only warns in both cases (and returns parameters drifting to infinity), so
    the warnings are turned into errors here rather than passed on to the caller.
    """
    import warnings

    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("error", PerfectSeparationWarning)
        warnings.simplefilter("error", ConvergenceWarning)
        # Newton steps on (nearly) separated data overflow exp() on the way to the
        # separation or convergence check below, which decides; the warning is noise there
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return sm.Logit(y, exog).fit(disp=0, method="newton", maxiter=200, **fit_kw)
        except PerfectSeparationWarning:
            raise InputError(
                f"the scores {names} separate target 0 from 1 perfectly on the {y.size} usable "
                "rows (after min_periods), so the logistic fit has no finite maximum; use more "
                "rows, a smaller min_periods or link='identity'"
            ) from None
        except ConvergenceWarning:
            raise InputError(
                f"the logistic fit on the scores {names} did not converge on the {y.size} "
                "usable rows (after min_periods); use more rows or link='identity'"
            ) from None


def divergence_cost(
    delta_r: SeriesLike | pd.DataFrame | None,
    i_c: SeriesLike | None = None,
    l_s: SeriesLike | None = None,
    **options: Any,
) -> Any:
    r"""Functional shortcut: ``DivergenceCost(**options).evaluate(delta_r, i_c, l_s)``.

    Parameters
    ----------
    delta_r, i_c, l_s : array_like or Series, or None
        The inputs, as in :meth:`DivergenceCost.evaluate` (``delta_r`` may be the DataFrame
        of :func:`inputs`; pandas inputs are outer-joined on their index).
    **options
        Keyword arguments of :class:`DivergenceCost` (``weights``, ``intercept``,
        ``interaction``, ``scoring``, ``min_periods``, ``link``).

    Returns
    -------
    ndarray or Series
        :math:`C_D` per date.

    Raises
    ------
    InputError
        As :class:`DivergenceCost` and :meth:`DivergenceCost.evaluate`.
        ``delta_r``, ``i_c`` or ``l_s`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        An unknown option or non-numeric input.

    Notes
    -----
    .. math:: C_D = g\Bigl(b + \sum_k w_k s_k + w_I \sum_{j<k} (s_j)_+ (s_k)_+\Bigr)

    **Complexity.** As :meth:`DivergenceCost.evaluate`: O(T·log T) time and O(T) memory for T
    dates, dominated by the expanding scoring of the three inputs.

    References
    ----------
    .. [1] See :class:`DivergenceCost`.

    Examples
    --------
    >>> from divergence.cost import divergence_cost
    >>> dr = [0.01, 0.0, -0.01, -0.02]     # premium gap compressing
    >>> ic = [20.0, 22.0, 25.0, 30.0]      # concentration rising
    >>> ls = [-0.05, 0.0, 0.02, 0.04]      # balance sheet starting to drain
    >>> print(divergence_cost(dr, ic, ls, min_periods=1).round(3))
    [0.731 0.881 0.912 0.924]
    """
    allowed = {"weights", "intercept", "interaction", "scoring", "min_periods", "link"}
    unknown = sorted(set(options) - allowed)
    if unknown:
        raise TypeError(f"divergence_cost got an unknown option {unknown[0]!r}")
    return DivergenceCost(**options).evaluate(delta_r, i_c, l_s)


# --------------------------------------------------------------------------- monthly inputs
#: Columns a Shiller-like frame needs for :func:`inputs` (``gs10`` unless ``long_rate`` is given).
SHILLER_COLUMNS: tuple[str, str, str, str] = ("sp_price", "earnings", "cpi", "gs10")


def _naive(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Wall-clock dates of a time-zone-aware index (months are calendar months there)."""
    return index.tz_localize(None) if index.tz is not None else index


def _month_start(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    out: pd.DatetimeIndex = _naive(index).to_period("M").to_timestamp()
    return out


def _monthly_shiller(frame: object, columns: list[str]) -> pd.DataFrame:
    """The needed columns of a monthly frame, one row per month, gaps filled with NaN rows."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"shiller must be a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"shiller lacks column(s) {missing}; it needs {columns} (see divergence.cost.inputs)"
        )
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise TypeError(f"shiller must have a DatetimeIndex, got {type(frame.index).__name__}")
    for c in columns:  # numbers, finite; price and price index strictly positive
        as_array(frame[c], f"shiller[{c!r}]", ndim=1, positive=c in ("sp_price", "cpi"), copy=False)
    values, _ = as_array(frame[columns], "shiller", ndim=2, allow_all_nan=True)
    months = _month_start(frame.index)
    if months.has_duplicates:
        dup = months[months.duplicated()][0]
        raise InputError(f"shiller has more than one row in month {dup:%Y-%m}")
    if not months.is_monotonic_increasing:
        raise InputError("shiller dates must be sorted in increasing order")
    out = pd.DataFrame(values, index=months, columns=columns)
    full = pd.date_range(months[0], months[-1], freq="MS", name="date")
    return out if full.equals(months) else out.reindex(full)


def _monthly_last(x: object, name: str, *, positive: bool) -> pd.Series:
    """Last non-NaN observation of each month (first-of-month labels); >= 0, or > 0."""
    from divergence.concentration import _dated_series

    s = _dated_series(x, name, positive=positive, nonnegative=True)
    s.index = _naive(pd.DatetimeIndex(s.index))
    out: pd.Series = s.resample("MS").last()
    return out


def inputs(
    shiller: pd.DataFrame | None = None,
    balance_sheet: pd.Series | None = None,
    base: pd.Series | None = None,
    i_c: pd.Series | pd.DataFrame | None = None,
    *,
    long_rate: pd.Series | None = None,
    cape_window: int = 120,
    cape_min_periods: int = 119,
    inflation_window: int = 120,
    shift_months: int = 12,
    drain_months: int = 12,
    balance_sheet_divisor: float = 1000.0,
    carry_months: int = 3,
) -> Any:
    r"""The monthly inputs of :math:`C_D` (premium gap, :math:`\Delta R_{risk}`, I_C, L_S).

    Called without arguments it builds them from the bundled data exactly as ``python -m
    divergence report`` does; each argument replaces one source with the user's own data.

    Parameters
    ----------
    shiller : DataFrame, optional
        Monthly market data with a DatetimeIndex (one row per month; any day of the month,
        labelled here by the month's first day) and columns ``sp_price`` (index level,
        e.g. the monthly average of daily closes), ``earnings`` (nominal earnings per share,
        annual flow), ``cpi`` (price index) and ``gs10`` (nominal 10-year yield, **percent**;
        not needed when ``long_rate`` is given). Other columns are ignored. Default:
        :func:`divergence.datasets.load_shiller` (Shiller's ie_data; its ``gs10`` is the
        "Long Interest Rate GS10" column: FRED's GS10 monthly average from 1953, Shiller's
        historical long rates before).
    balance_sheet : Series, optional
        Central-bank total assets on any calendar (e.g. weekly), DatetimeIndex; each month
        takes its last observation. Default: FRED WALCL (USD millions, weekly, from 2002-12).
    base : Series, optional
        The money stock the drain is measured against, on any calendar; each month takes its
        last observation. Default: FRED M2SL (USD billions, monthly).
    i_c : Series or DataFrame, optional
        :math:`I_C` observations (a Series on any dates, e.g.
        :func:`~divergence.concentration.chain_link` without ``freq``, or
        :func:`~divergence.concentration.concentration_coefficient` of a panel), or a
        market-cap panel (DataFrame, dates x tickers, NaN = not a member) whose
        :math:`I_C` is taken row by row. Each month takes its last observation. Default: the
        bundled S&P 500 snapshots (:func:`~divergence.datasets.load_sp500_market_caps`)
        chain-linked by the daily implied caps of
        :func:`~divergence.datasets.load_sp500_daily_market_caps`.
    long_rate : Series, optional
        Nominal 10-year yield in **percent** on any calendar (e.g. FRED DGS10, daily); each
        month takes its **mean** (as FRED's monthly GS10 is the average of the daily DGS10).
        Replaces ``shiller["gs10"]``.
    cape_window, cape_min_periods : int, default 120, 119
        Months of real earnings averaged by :func:`divergence.premia.cape`, and the fewest
        present (119 reproduces Shiller's CAPE column, see the Notes).
    inflation_window : int, default 120
        Months of CPI behind the trailing inflation (annualised) that deflates ``gs10``.
    shift_months : int, default 12
        :math:`\Delta R_{risk}` is the change of the premium gap over this many months.
    drain_months : int, default 12
        :math:`L_S` measures the drain over this many months (annualised).
    balance_sheet_divisor : float, default 1000
        ``balance_sheet`` is divided by it to be in the units of ``base``: 1000 for WALCL in
        USD millions against M2SL in USD billions; 1 when both are in the same units.
    carry_months : int, default 3
        A month without an :math:`I_C` observation repeats the previous month's value for at
        most this many months, then is NaN (never filled backwards).

    Returns
    -------
    DataFrame
        Index ``date`` (first day of every month from the earliest to the latest month of
        any source), columns (all decimals except :math:`I_C`):

        * ``premium_gap``: :math:`1/\mathrm{CAPE} - (\mathrm{GS10} - \pi^{10y})`, the excess CAPE
          yield (decimal per year);
        * ``delta_r``: its change over ``shift_months`` (decimal per year);
        * ``i_c``: top-10 mean cap over median cap (ratio);
        * ``l_s``: :math:`L_S`, the annualised drain of ``balance_sheet`` as a share of
          ``base`` ``drain_months`` earlier (decimal per year, positive = draining).

        ``attrs`` holds ``sources`` (column -> where it came from), ``units`` and
        ``conventions`` (the options used and the timing rule).

        With any polars argument the result is a polars DataFrame led by its ``date`` column
        (``Date`` when the polars inputs' date columns are named ``date`` and typed so). polars
        has no ``attrs``: the sources, units and conventions are then not returned (they are
        the ones stated here; call with pandas inputs to get them attached). In polars, a
        dated Series argument is a DataFrame of a leading Date or Datetime column and one
        value column (more value columns: an ``i_c`` market-cap panel); ``shiller`` is led by
        its date column.

    Raises
    ------
    TypeError
        An argument of the wrong type (not a DataFrame/Series, no DatetimeIndex,
        non-numeric columns).
    InputError
        Missing columns; unsorted or duplicate dates; two rows of ``shiller`` in one month;
        non-positive ``sp_price``, ``cpi``, ``base`` or ``i_c``; a negative ``balance_sheet``;
        infinite or all-NaN values; option values out of range (as the building blocks
        raise them); windows that leave no month with both a CAPE and a real yield;
        ``balance_sheet`` and ``base`` without a common month.
        Sort unsorted inputs with ``sort_index()`` and de-duplicate repeated dates first (rows
        are never reordered).

    Notes
    -----
    Composition with the default options (windows of 120 months, changes and drains over 12
    months; a drain over :math:`k` months is annualised by :math:`12/k`), each step a public
    function:

    .. math::
        \mathrm{gap}_t = \frac{1}{\mathrm{CAPE}_t} - \Bigl(\frac{\mathrm{GS10}_t}{100}
        - \bigl[(\mathrm{CPI}_t / \mathrm{CPI}_{t-120})^{1/10} - 1\bigr]\Bigr),
        \qquad \Delta R_{risk,t} = \mathrm{gap}_t - \mathrm{gap}_{t-12}

    .. math:: L_{S,t} = -\frac{B_t - B_{t-12}}{M_{t-12}}

    with :func:`divergence.premia.cape`, :func:`~divergence.premia.annualized_inflation`,
    :func:`~divergence.premia.real_rate` (``method="linear"``, the convention of Shiller's
    excess CAPE yield, which the bundled ``premium_gap`` reproduces to within 2e-6),
    :func:`~divergence.premia.risk_premium_gap`, :func:`~divergence.premia.risk_premium_shift`,
    :func:`divergence.liquidity.sterilization_rate` and
    :func:`divergence.concentration.chain_link` (``freq="MS"``; the carry of
    ``carry_months`` is applied on the output's months, so the last :math:`I_C`
    observation is carried into later months of the other inputs too).
    Month gaps in a source are filled with NaN rows before any window is taken, so windows
    count months, not rows.

    **Timing.** A row labelled month :math:`M` uses only observations dated in :math:`M` or
    earlier: month averages of :math:`M` (Shiller's price and yield), the last observation
    in :math:`M` (balance sheet, base, :math:`I_C`), values carried from earlier months.
    Truncating every input after month :math:`M` leaves the rows up to :math:`M` unchanged
    (the tests check it). Dates are those of the data's reference period: the CPI of month
    :math:`M` is published about two weeks after it ends and reported earnings lag further,
    so this is not a real-time (vintage) data set.

    References
    ----------
    .. [1] Shiller, R. J., "Online Data" (ie_data.xls): CAPE and excess CAPE yield.
    .. [2] Board of Governors of the Federal Reserve System, H.4.1 (FRED WALCL) and H.6
       (FRED M2SL).

    Examples
    --------
    >>> from divergence.cost import DivergenceCost, inputs
    >>> frame = inputs()
    >>> print(list(frame.columns), frame.index[0].date(), frame.index[-1].date())
    ['premium_gap', 'delta_r', 'i_c', 'l_s'] 1871-01-01 2026-08-01
    >>> print(frame.loc["2024-12-01"].round(4).to_string())
    premium_gap     0.0126
    delta_r        -0.0068
    i_c            49.6547
    l_s             0.0398
    >>> cd = DivergenceCost(min_periods=24).evaluate(frame)
    >>> print(f"{cd.dropna().iloc[-1]:.2f}", cd.dropna().index[-1].date())
    0.78 2026-05-01
    """
    from divergence import concentration as conc
    from divergence import liquidity as liq
    from divergence import premia as pr

    given = (shiller, balance_sheet, base, i_c, long_rate)  # polars in -> polars out
    shiller = to_pandas(shiller)
    if is_polars(i_c):
        i_c = conc._polars_dated(i_c, "i_c", panel=True)
    cw = check_int(cape_window, "cape_window", minimum=1)
    cmp_ = check_int(cape_min_periods, "cape_min_periods", minimum=1)
    iw = check_int(inflation_window, "inflation_window", minimum=1)
    sm = check_int(shift_months, "shift_months", minimum=1)
    dm = check_int(drain_months, "drain_months", minimum=1)
    carry = check_int(carry_months, "carry_months", minimum=0)
    divisor = check_float(balance_sheet_divisor, "balance_sheet_divisor", minimum=0.0)
    if divisor <= 0.0:
        raise InputError(f"balance_sheet_divisor must be > 0, got {divisor}")
    if cmp_ > cw:
        raise InputError(f"cape_min_periods={cmp_} is larger than cape_window={cw}")
    sources: dict[str, str] = {}

    # ---- premium gap and its shift
    need = ["sp_price", "earnings", "cpi"] + ([] if long_rate is not None else ["gs10"])
    if shiller is None:
        from divergence.datasets import load_shiller

        sh = _monthly_shiller(load_shiller(), need)
        sources["premium_gap"] = "Shiller ie_data (load_shiller): sp_price, earnings, cpi"
    else:
        sh = _monthly_shiller(shiller, need)
        sources["premium_gap"] = "user shiller frame: sp_price, earnings, cpi"
    if long_rate is None:
        gs10 = sh["gs10"]
        sources["premium_gap"] += ", gs10 (percent)"
    else:
        rate = _dated_monthly_mean(long_rate)
        gs10 = rate.reindex(sh.index)
        sources["premium_gap"] += "; long_rate (percent, monthly mean)"
    n_months = len(sh)
    check_window(cw, n_months, "cape_window")
    if cw >= n_months:  # CAPE at t averages the cw months before t
        raise InputError(
            f"cape_window={cw} needs at least {cw + 1} months of shiller data; got {n_months}"
        )
    check_lag(iw, n_months, "inflation_window")
    check_lag(sm, n_months, "shift_months")
    cape = pr.cape(sh["sp_price"], sh["earnings"], sh["cpi"], window=cw, min_periods=cmp_)
    infl = pr.annualized_inflation(sh["cpi"], iw, periods_per_year=12)
    real10 = pr.real_rate(gs10 / 100.0, infl, method="linear")
    if not (np.isfinite(cape.to_numpy()) & np.isfinite(real10.to_numpy())).any():
        raise InputError(
            f"no month has both a CAPE (cape_window={cw}, cape_min_periods={cmp_}) and a real "
            f"yield (inflation_window={iw}, with gs10 or long_rate) in the {n_months} months "
            "of shiller: shorten the windows or give longer data"
        )
    gap = pr.risk_premium_gap(1.0 / cape, real10)
    delta_r = pr.risk_premium_shift(gap, sm)
    sources["delta_r"] = f"premium_gap, {sm}-month change"

    # ---- L_S
    if balance_sheet is None or base is None:
        from divergence.datasets import load_fred

        fred = load_fred(["WALCL", "M2SL"])
    if balance_sheet is None:
        bs = _monthly_last(fred["WALCL"].dropna(), "balance_sheet", positive=False)
        bs_src = "FRED WALCL (USD mn, last weekly level of the month)"
    else:
        bs = _monthly_last(balance_sheet, "balance_sheet", positive=False)
        bs_src = "user balance_sheet (last observation of the month)"
    if base is None:
        money = _monthly_last(fred["M2SL"].dropna(), "base", positive=True)
        base_src = "FRED M2SL (USD bn)"
    else:
        money = _monthly_last(base, "base", positive=True)
        base_src = "user base (last observation of the month)"
    scaled = bs / divisor
    if not np.isfinite(scaled.to_numpy()).all() or float(scaled.abs().max()) > MAX_ABS:
        raise InputError(
            f"balance_sheet / balance_sheet_divisor exceeds {MAX_ABS:g}: "
            f"balance_sheet_divisor={divisor:g} is too small for these units"
        )
    both = pd.concat([scaled, money], axis=1, join="inner")
    if both.empty:
        raise InputError("balance_sheet and base have no month in common")
    full = pd.date_range(both.index[0], both.index[-1], freq="MS")
    if not full.equals(both.index):
        both = both.reindex(full)
    check_lag(dm, len(both), "drain_months")
    l_s = liq.sterilization_rate(both.iloc[:, 0], both.iloc[:, 1], periods=dm, periods_per_year=12)
    sources["l_s"] = (
        f"-{dm}-month change of {bs_src} / {divisor:g}, over {base_src} {dm} months earlier"
    )

    # ---- I_C
    if i_c is None:
        from divergence.datasets import load_sp500_daily_market_caps, load_sp500_market_caps

        snaps = conc.concentration_coefficient(load_sp500_market_caps())
        daily = conc.concentration_coefficient(load_sp500_daily_market_caps())
        ic = conc.chain_link(snaps, daily, freq="MS")  # carried below, on the full index
        sources["i_c"] = (
            "S&P 500 market-cap snapshots (load_sp500_market_caps), chain-linked by the daily "
            f"implied caps (load_sp500_daily_market_caps); last in month, carried <= {carry} months"
        )
    else:
        obs = conc.concentration_coefficient(i_c) if isinstance(i_c, pd.DataFrame) else i_c
        ic = _monthly_last(obs, "i_c", positive=True)
        kind = "caps panel" if isinstance(i_c, pd.DataFrame) else "I_C series"
        sources["i_c"] = f"user {kind}; last in month, carried <= {carry} months"

    out: pd.DataFrame = pd.concat(
        {"premium_gap": gap, "delta_r": delta_r, "i_c": ic, "l_s": l_s}, axis=1, sort=True
    )
    months = pd.date_range(out.index[0], out.index[-1], freq="MS")
    if not months.equals(out.index):
        out = out.reindex(months)
    if carry:
        out["i_c"] = out["i_c"].ffill(limit=min(carry, len(out)))
    out.index.name = "date"
    out.attrs["sources"] = sources
    out.attrs["units"] = {
        "premium_gap": "decimal per year",
        "delta_r": "decimal per year",
        "i_c": "ratio (top-10 mean cap / median cap)",
        "l_s": "decimal of base per year (positive = draining)",
    }
    out.attrs["conventions"] = {
        "timing": "a row labelled month M uses data dated in M or earlier (month start labels)",
        "real_rate": "linear Fisher: gs10/100 - trailing annualised CPI inflation",
        "cape_window": cw,
        "cape_min_periods": cmp_,
        "inflation_window": iw,
        "shift_months": sm,
        "drain_months": dm,
        "balance_sheet_divisor": divisor,
        "carry_months": carry,
    }
    return to_caller(out, *given)


def _dated_monthly_mean(x: object) -> pd.Series:
    from divergence.concentration import _dated_series

    s = _dated_series(x, "long_rate", positive=False)
    s.index = _naive(pd.DatetimeIndex(s.index))
    out: pd.Series = s.resample("MS").mean()
    return out


# --------------------------------------------------------------------------- forecast checks
def drawdown_event(price: SeriesLike, *, horizon: int = 12, threshold: float = 0.15) -> Any:
    r"""Forward drawdown label: 1 if the price falls by more than ``threshold`` within ``horizon``.

    A **target** for :meth:`DivergenceCost.calibrate` and :func:`forecast_skill`; it looks
    ahead by construction and must never be used as an input.

    Parameters
    ----------
    price : array_like or Series
        Price or index level per period (e.g. Shiller's monthly ``sp_price``), strictly
        positive; NaN = missing.
    horizon : int, default 12
        Rows ahead (12 months).
    threshold : float, default 0.15
        Decline, as a decimal of today's price, that counts as an event (0 < threshold < 1).

    Returns
    -------
    ndarray or Series
        1.0 (event) or 0.0 per row, named ``"drawdown_event"``; NaN for the last ``horizon``
        rows (their window is incomplete) and wherever the price or a price in the window is
        missing.

    Raises
    ------
    InputError
        Non-positive or infinite prices; ``horizon`` < 1; ``threshold`` outside (0, 1); 2-D
        input.
        ``price`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input; non-integer ``horizon``.

    Notes
    -----
    .. math:: y_t = \mathbb{1}\Bigl[\min_{1 \le j \le h} \frac{P_{t+j}}{P_t} - 1 < -c\Bigr]

    **Look-ahead.** :math:`y_t` uses :math:`P_{t+1}, \dots, P_{t+h}`: it is the outcome a
    forecast made at :math:`t` is scored against. Fit and evaluation must pair it with inputs
    known at :math:`t`; the last ``horizon`` rows have no label yet.

    References
    ----------
    .. [1] Bussière, M. & Fratzscher, M. (2006), "Towards a new early warning system of
       financial crises", *Journal of International Money and Finance* 25(6), 953–973 (a
       crisis indicator that is 1 if a crisis starts within the next 12 months).

    Examples
    --------
    >>> from divergence.cost import drawdown_event
    >>> print(drawdown_event([100.0, 90.0, 80.0, 95.0, 100.0, 100.0], horizon=2))
    [ 1.  0. 0. 0. nan nan]
    """
    p, meta = as_array(price, "price", ndim=1, positive=True, time_ordered=True)
    h = check_int(horizon, "horizon", minimum=1)
    c = check_float(threshold, "threshold", minimum=0.0)
    if not 0.0 < c < 1.0:
        raise InputError(f"threshold must be a decline between 0 and 1 (decimal), got {c}")
    n = p.shape[0]
    fwd_min = np.full(n, np.nan)
    if n > h:
        window = np.lib.stride_tricks.sliding_window_view(p[1:], h)  # rows t+1 .. t+h
        fwd_min[: n - h] = window.min(axis=1)
    with np.errstate(invalid="ignore"):
        hit = np.where(np.isnan(fwd_min) | np.isnan(p), np.nan, fwd_min / p - 1.0 < -c)
    return meta.wrap_rows(hit.astype(np.float64), name="drawdown_event")


def _binary(label: SeriesLike, name: str) -> tuple[FloatArray, Meta]:
    y, meta = as_array(label, name, ndim=1)
    ok = ~np.isnan(y)
    bad = ok & (y != 0.0) & (y != 1.0)
    if bad.any():
        raise InputError(f"{name} must be 0/1 (or NaN); first other value {meta.locate(bad)}")
    return y, meta


def roc_auc(score: SeriesLike, label: SeriesLike) -> float:
    r"""Area under the ROC curve of a score against a 0/1 label (Mann–Whitney form).

    Parameters
    ----------
    score : array_like or Series
        Any real-valued score or probability, higher = more likely an event.
    label : array_like or Series
        1 (event) or 0 per row, same layout as ``score``. Rows where either is NaN are left
        out.

    Returns
    -------
    float
        AUC in [0, 1]: the probability that a random event row scores higher than a random
        non-event row, ties counting one half; 0.5 = no skill. NaN if the rows hold only one
        class.

    Raises
    ------
    InputError
        A label other than 0/1; layouts differ; infinite scores.
    TypeError
        Non-numeric input.

    Notes
    -----
    With :math:`R_i` the mid-rank of row :math:`i` among all scores, :math:`n_1` events and
    :math:`n_0` non-events:

    .. math:: \mathrm{AUC} = \frac{U}{n_1 n_0}, \qquad
              U = \sum_{i : y_i = 1} R_i - \frac{n_1 (n_1 + 1)}{2}

    **Complexity.** O(n log n) (one ranking).

    References
    ----------
    .. [1] Mann, H. B. & Whitney, D. R. (1947), "On a test of whether one of two random
       variables is stochastically larger than the other", *Ann. Math. Statist.* 18(1),
       50–60.
    .. [2] Hanley, J. A. & McNeil, B. J. (1982), "The meaning and use of the area under a
       receiver operating characteristic (ROC) curve", *Radiology* 143(1), 29–36.

    Examples
    --------
    >>> from divergence.cost import roc_auc
    >>> print(roc_auc([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1]))
    0.75
    """
    s, smeta = as_array(score, "score", ndim=1)
    y, ymeta = _binary(label, "label")
    check_same_layout(smeta, ymeta)
    ok = ~np.isnan(s) & ~np.isnan(y)
    return _auc(s[ok], y[ok])


def _auc(s: FloatArray, y: FloatArray) -> float:
    from scipy.stats import rankdata

    n1 = float(y.sum())
    n0 = float(y.size) - n1
    if n1 == 0.0 or n0 == 0.0:
        return float("nan")
    r = rankdata(s)
    return float((r[y == 1.0].sum() - n1 * (n1 + 1.0) / 2.0) / (n1 * n0))


@dataclass(frozen=True)
class ForecastSkill:
    r"""Scores of a probability forecast against 0/1 outcomes (see :func:`forecast_skill`).

    Attributes
    ----------
    n : int
        Rows scored (both forecast and outcome present).
    events : int
        Rows with outcome 1.
    auc : float
        Area under the ROC curve (:func:`roc_auc`); NaN with one class only.
    brier : float
        Mean squared error of the forecast, :math:`\frac{1}{n}\sum (f_t - y_t)^2`.
    base_rate : float
        The constant forecast compared with.
    brier_base : float
        Brier score of always forecasting ``base_rate``.
    start, end : Hashable
        First and last label (or position) of the scored rows.

    Notes
    -----
    Built by :func:`forecast_skill`; the forecast beats the constant base-rate forecast when
    :math:`\mathrm{BS} < \mathrm{BS}_{base}`.

    Examples
    --------
    >>> from divergence.cost import forecast_skill
    >>> sk = forecast_skill([0.9, 0.2, 0.8], [1, 0, 1])
    >>> print(sk.n, sk.events, sk.auc, f"{sk.brier:.3f}", sk.brier < sk.brier_base)
    3 2 1.0 0.030 True
    """

    n: int
    events: int
    auc: float
    brier: float
    base_rate: float
    brier_base: float
    start: Any
    end: Any


def forecast_skill(
    forecast: SeriesLike, outcome: SeriesLike, *, base_rate: float | None = None
) -> ForecastSkill:
    r"""AUC, Brier score and the Brier score of a constant base-rate forecast.

    Parameters
    ----------
    forecast : array_like or Series
        Forecast probability per row (e.g. :meth:`DivergenceCost.evaluate` under the
        logistic link).
    outcome : array_like or Series
        0/1 outcome per row, same layout (e.g. :func:`drawdown_event`). Rows where either is
        NaN are left out.
    base_rate : float, optional
        The constant forecast to compare with, in [0, 1]. Out of sample, pass the event
        rate of the fitting period; default: the event rate of the scored rows themselves
        (the in-sample climatology).

    Returns
    -------
    ForecastSkill
        ``n``, ``events``, ``auc``, ``brier``, ``base_rate``, ``brier_base``, ``start``,
        ``end``. The forecast has skill over the base rate when ``brier < brier_base``.

    Raises
    ------
    InputError
        An outcome other than 0/1; layouts differ; no row with both values; ``base_rate``
        outside [0, 1].
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: \mathrm{BS} = \frac{1}{n}\sum_t (f_t - y_t)^2, \qquad
              \mathrm{BS}_{base} = \frac{1}{n}\sum_t (\bar y - y_t)^2

    and the AUC of :func:`roc_auc`. With the in-sample default
    :math:`\bar y = n_1/n`, :math:`\mathrm{BS}_{base} = \bar y (1 - \bar y)`.

    References
    ----------
    .. [1] Brier, G. W. (1950), "Verification of forecasts expressed in terms of
       probability", *Monthly Weather Review* 78(1), 1–3.
    .. [2] Hanley, J. A. & McNeil, B. J. (1982), *Radiology* 143(1), 29–36 (AUC).

    Examples
    --------
    >>> from divergence.cost import forecast_skill
    >>> sk = forecast_skill([0.1, 0.3, 0.2, 0.4], [0, 0, 1, 1])
    >>> print(sk.n, sk.events, sk.auc, f"{sk.brier:.3f} {sk.brier_base:.3f}")
    4 2 0.75 0.275 0.250
    """
    f, fmeta = as_array(forecast, "forecast", ndim=1, allow_all_nan=True)
    y, ymeta = _binary(outcome, "outcome")
    check_same_layout(fmeta, ymeta)
    ok = ~np.isnan(f) & ~np.isnan(y)
    if not ok.any():
        raise InputError("forecast and outcome have no row where both are present")
    ff, yy = f[ok], y[ok]
    if base_rate is None:
        base = float(np.mean(yy))
    else:
        base = check_float(base_rate, "base_rate", minimum=0.0)
        if base > 1.0:
            raise InputError(f"base_rate must be a probability in [0, 1], got {base}")
    rows = np.flatnonzero(ok)
    labels: Any = fmeta.index if fmeta.index is not None else np.arange(f.shape[0])
    return ForecastSkill(
        n=int(ok.sum()),
        events=int(yy.sum()),
        auc=_auc(ff, yy),
        brier=float(np.mean((ff - yy) ** 2)),
        base_rate=base,
        brier_base=float(np.mean((base - yy) ** 2)),
        start=labels[rows[0]],
        end=labels[rows[-1]],
    )
