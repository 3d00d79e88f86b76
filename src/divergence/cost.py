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
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from divergence._numeric import safe_divide
from divergence._typing import FloatArray, IntArray, PanelLike, SeriesLike
from divergence._validation import (
    Meta,
    as_array,
    check_bool,
    check_float,
    check_int,
    check_option,
    check_same_layout,
    check_window,
    to_pandas,
)
from divergence.errors import InputError

__all__ = [
    "INPUTS",
    "DivergenceCost",
    "divergence_cost",
    "expanding_percentile",
    "expanding_robust_z",
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
    values, meta = as_array(x, name, ndim=(1, 2))
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
    ) -> tuple[FloatArray, Meta]:
        """Signed scores as an (n, 3) array, and the layout of the first input given.

        An input passed as None scores 0 (``strict``: only allowed with weight 0) or NaN
        (``strict=False``, used by :meth:`scores`). ``container`` names the argument the
        inputs came from in error messages (``components['i_c']``).
        """
        raw = {"delta_r": delta_r, "i_c": i_c, "l_s": l_s}
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
            v, m = as_array(x, name if container is None else f"{container}[{name!r}]", ndim=1)
            metas.append(m)
            cols[name] = v
        if not metas:
            raise InputError("at least one of delta_r, i_c, l_s must be given")
        for m in metas[1:]:
            check_same_layout(metas[0], m)
        n = metas[0].shape[0]
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
        return scores, metas[0]

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
        self, delta_r: SeriesLike | None, i_c: SeriesLike | None, l_s: SeriesLike | None
    ) -> Any:
        r"""Signed scores :math:`(s_R, s_C, s_L)` of the inputs (higher = more pressure).

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, one value per date on one layout: :math:`\Delta R_{risk}`
            (decimal change of the premium gap), :math:`I_C` (ratio) and :math:`L_S` (decimal
            per year). ``None`` for an input that is not available (its column is NaN).

        Returns
        -------
        ndarray or DataFrame
            (dates x 3) signed scores, columns :data:`INPUTS`; a DataFrame on the inputs'
            index for pandas input. Weights are not applied.

        Raises
        ------
        InputError
            As :meth:`evaluate` (but ``None`` is accepted for any input).
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
        self, delta_r: SeriesLike | None, i_c: SeriesLike | None, l_s: SeriesLike | None
    ) -> Any:
        r""":math:`\eta_t`, the cost before the link (see the class notes).

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate`.

        Returns
        -------
        ndarray or Series
            One value per date (log-odds under the logistic link); NaN where any used score
            is NaN.

        Raises
        ------
        InputError
            As :meth:`evaluate`.
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
        self, delta_r: SeriesLike | None, i_c: SeriesLike | None, l_s: SeriesLike | None
    ) -> Any:
        r""":math:`C_D` at every date.

        Parameters
        ----------
        delta_r : array_like or Series, or None
            :math:`\Delta R_{risk}`: change of the premium gap (decimal per year; negative =
            compressing), e.g. :func:`divergence.premia.risk_premium_shift`.
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
            observations, and where one is missing.

        Raises
        ------
        InputError
            Inputs of different lengths or indexes; a 2-D input; infinite values; an input
            with a non-zero weight passed as None; ``min_periods`` longer than the data.
        TypeError
            Non-numeric input.

        Notes
        -----
        .. math:: C_{D,t} = g(\eta_t), \qquad g(\eta) = 1/(1+e^{-\eta}) \text{ or } \eta

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
        """
        s, meta = self._inputs(delta_r, i_c, l_s)
        eta = self._eta_parts(s).sum(axis=1)
        return meta.wrap_rows(self._link(eta), name="divergence_cost")

    def contributions(
        self, delta_r: SeriesLike | None, i_c: SeriesLike | None, l_s: SeriesLike | None
    ) -> Any:
        r"""Additive decomposition of the linear predictor :math:`\eta_t`.

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate`.

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
        self, delta_r: SeriesLike | None, i_c: SeriesLike | None, l_s: SeriesLike | None
    ) -> Any:
        r"""Analytic partial derivatives of :math:`C_D` with respect to each signed score.

        Parameters
        ----------
        delta_r, i_c, l_s : array_like or Series, or None
            The raw inputs, as in :meth:`evaluate`.

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
            finite maximum) or a fit that does not converge.
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
            comp.get("delta_r"), comp.get("i_c"), comp.get("l_s"), container="components"
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
        try:
            return sm.Logit(y, exog).fit(disp=0, method="newton", maxiter=200, **fit_kw)
        except PerfectSeparationWarning:
            raise InputError(
                f"the scores {names} separate target 0 from 1 perfectly on the {y.size} usable "
                "rows (after min_periods), so the logistic fit has no finite maximum; use more "
                "rows, a smaller min_periods or link='linear'"
            ) from None
        except ConvergenceWarning:
            raise InputError(
                f"the logistic fit on the scores {names} did not converge on the {y.size} "
                "usable rows (after min_periods); use more rows or link='linear'"
            ) from None


def divergence_cost(
    delta_r: SeriesLike | None,
    i_c: SeriesLike | None,
    l_s: SeriesLike | None,
    **options: Any,
) -> Any:
    r"""Functional shortcut: ``DivergenceCost(**options).evaluate(delta_r, i_c, l_s)``.

    Parameters
    ----------
    delta_r, i_c, l_s : array_like or Series, or None
        The inputs, as in :meth:`DivergenceCost.evaluate`.
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
