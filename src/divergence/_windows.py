r"""Trailing-window sums and moments that see only their window (private).

A rolling statistic computed from differences of one cumulative sum over the whole series,
:math:`\sum_{s=t-w+1}^{t} v_s = C_t - C_{t-w}`, is exact in exact arithmetic but not in floating
point: the rounding error of :math:`C_t` is of the order of the machine epsilon times the
*largest partial sum so far*, so one huge value early in a series (a data error, a price where a
return belongs, a crisis) leaves an error in every later window, and a test such as "this name
has no variance in the window" then depends on the series' history.

The functions here split the rows into consecutive blocks of ``w`` rows. A trailing window of
``w`` rows ending at row :math:`t` is the tail (suffix) of one block followed by the head
(prefix) of the next, or exactly one block; both pieces come from cumulative sums *restarted in
every block* (forward for the prefixes, backward for the suffixes), so every number that enters
the value at row :math:`t` is computed from rows :math:`t-w+1 \ldots t` alone (the van Herk /
Gil–Werman decomposition, used here for sums). Moments are formed per piece around a reference
value taken inside that piece and combined with the pairwise update of Chan, Golub and LeVeque,
so a window whose values are all equal has a central moment of exactly zero whatever came
before it.

Cost: O(T·N) time and a few arrays of the input's size, like the cumulative-sum version.

References
----------
.. [1] van Herk, M. (1992), "A fast algorithm for local minimum and maximum filters on
   rectangular and octagonal kernels", Pattern Recognition Letters 13(7), 517–521.
.. [2] Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983), "Algorithms for computing the
   sample variance: analysis and recommendations", The American Statistician 37(3), 242–247.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from divergence._typing import BoolArray, FloatArray

__all__ = ["TINY_SPREAD", "WindowMoments", "trailing_sums", "window_moments"]

#: Sums of squared deviations below this count as zero (see :meth:`WindowMoments.degenerate`).
TINY_SPREAD: float = 1e-290


def _blocks(v: FloatArray, w: int) -> FloatArray:
    """``v`` (T, ...) padded with zeros to whole blocks and shaped (blocks, w, ...)."""
    t_len = v.shape[0]
    nb = -(-t_len // w)
    pad = nb * w - t_len
    if pad:
        v = np.concatenate([v, np.zeros((pad, *v.shape[1:]), dtype=v.dtype)])
    return v.reshape(nb, w, *v.shape[1:])


def _prefix(v: FloatArray, w: int) -> FloatArray:
    """Cumulative sums restarted at every block start (row t: block start .. t)."""
    t_len = v.shape[0]
    out: FloatArray = np.cumsum(_blocks(v, w), axis=1).reshape(-1, *v.shape[1:])[:t_len]
    return out


def _suffix(v: FloatArray, w: int) -> FloatArray:
    """Backward cumulative sums restarted at every block end (row s: s .. block end)."""
    t_len = v.shape[0]
    b = _blocks(v, w)[:, ::-1]
    out: FloatArray = np.cumsum(b, axis=1)[:, ::-1].reshape(-1, *v.shape[1:])[:t_len]
    return out


def _tail(suffix: FloatArray, w: int) -> FloatArray:
    """Per row t: the suffix piece of its window, ``suffix[t - w + 1]``, or 0 if there is none.

    The window of row t >= w - 1 starts at s = t - w + 1; it has a suffix piece (rows s .. end
    of s's block) unless s starts a block (then the window is exactly one block, the prefix of
    row t). Rows t < w - 1 (short windows from row 0) have none. Slices only, no gather.
    """
    out = np.zeros_like(suffix)
    t_len = suffix.shape[0]
    if t_len >= w:
        out[w - 1 :] = suffix[: t_len - w + 1]
        out[w - 1 :: w] = 0.0  # s = t - w + 1 is a multiple of w: no suffix piece
    return out


def trailing_sums(v: FloatArray, w: int) -> FloatArray:
    """Sums of ``v`` over rows ``max(0, t-w+1) .. t`` for every row ``t``, window-locally.

    ``v`` must hold no NaN (zero-fill missing values first). The first ``w - 1`` rows hold the
    sums of the shorter windows ``0 .. t``.
    """
    v = np.asarray(v, dtype=np.float64)
    out = _prefix(v, w)
    out += _tail(_suffix(v, w), w)
    return out


def _block_ref(x: FloatArray, valid: BoolArray, w: int, last: bool) -> FloatArray:
    """Per row: the first (``last=False``) or last valid value of the row's block (0 if none)."""
    t_len = x.shape[0]
    xb = _blocks(np.where(valid, x, 0.0), w)
    vb = _blocks(valid.astype(np.float64), w) > 0
    if last:
        xb, vb = xb[:, ::-1], vb[:, ::-1]
    pos = np.argmax(vb, axis=1)[:, None]
    ref = np.take_along_axis(xb, pos, axis=1)  # (blocks, 1, ...)
    return np.broadcast_to(ref, xb.shape).reshape(-1, *x.shape[1:])[:t_len]


@dataclass(frozen=True, slots=True)
class WindowMoments:
    """Count, means and central co-moments of trailing windows (one row per window end).

    Attributes
    ----------
    n : ndarray
        Number of valid rows in the window.
    mean : list of ndarray
        Window mean of each variable (NaN where ``n`` is 0).
    cross : dict
        ``cross[i, j]`` = sum over the window of (x_i - mean_i)(x_j - mean_j), for the
        requested pairs (0 where ``n`` is 0).
    scale : dict
        ``scale[i]`` = sum over the window of squared deviations of x_i from the in-window
        reference values, an upper bound of ``cross[i, i]`` and the yardstick for its rounding
        error (for the variables ``i`` with ``(i, i)`` among the pairs).
    """

    n: FloatArray
    mean: list[FloatArray]
    cross: dict[tuple[int, int], FloatArray]
    scale: dict[int, FloatArray]

    def degenerate(self, i: int, rtol: float = 1e-12) -> BoolArray:
        """Whether variable ``i`` is constant in the window, up to rounding of its own values.

        Also when its sum of squared deviations is below :data:`TINY_SPREAD` (a spread under
        about 1e-145: squares of such numbers lose their precision in float64, and a standard
        deviation that small cannot be divided by without overflow).
        """
        cross = self.cross[i, i]
        out: BoolArray = (cross <= rtol * self.scale[i]) | (cross < TINY_SPREAD)
        return out


def window_moments(
    xs: Sequence[FloatArray],
    valid: BoolArray,
    w: int,
    pairs: Sequence[tuple[int, int]],
) -> WindowMoments:
    """Trailing-window moments of the variables ``xs`` over the rows where ``valid`` holds.

    Every variable has the shape of ``valid`` (T, ...); the window of row t is rows
    ``max(0, t-w+1) .. t``. See the module docstring for the method.
    """
    vf = valid.astype(np.float64)
    n_b = _prefix(vf, w)
    n_a = _tail(_suffix(vf, w), w)
    n = n_a + n_b
    pos_a, pos_b = n_a > 0, n_b > 0
    safe_na, safe_nb = np.where(pos_a, n_a, 1.0), np.where(pos_b, n_b, 1.0)
    safe_n = np.where(n > 0, n, 1.0)
    frac = np.where(n > 0, n_a * n_b / safe_n, 0.0)

    zp: list[FloatArray] = []
    zs: list[FloatArray] = []
    s1a: list[FloatArray] = []
    s1b: list[FloatArray] = []
    means: list[FloatArray] = []
    deltas: list[FloatArray] = []
    for x in xs:
        ref_p = _block_ref(x, valid, w, last=False)  # head piece: first valid of its block
        ref_s = _block_ref(x, valid, w, last=True)  # tail piece: last valid of its block
        p = np.where(valid, x - ref_p, 0.0)
        s = np.where(valid, x - ref_s, 0.0)
        a1 = _tail(_suffix(s, w), w)
        b1 = _prefix(p, w)
        mean_a = _tail(ref_s, w) + a1 / safe_na  # the tail piece's reference (its block's)
        mean_b = ref_p + b1 / safe_nb
        delta = np.where(pos_a & pos_b, mean_b - mean_a, 0.0)
        mean = np.where(pos_b, mean_b - delta * n_a / safe_n, mean_a)
        zp.append(p)
        zs.append(s)
        s1a.append(a1)
        s1b.append(b1)
        deltas.append(delta)
        means.append(np.where(n > 0, mean, np.nan))
    cross: dict[tuple[int, int], FloatArray] = {}
    scale: dict[int, FloatArray] = {}
    for i, j in pairs:
        a2 = _tail(_suffix(zs[i] * zs[j], w), w)
        b2 = _prefix(zp[i] * zp[j], w)
        ca = a2 - s1a[i] * s1a[j] / safe_na
        cb = b2 - s1b[i] * s1b[j] / safe_nb
        between = deltas[i] * deltas[j] * frac
        cross[i, j] = ca + cb + between
        if i == j:
            scale[i] = a2 + b2 + between
    return WindowMoments(n, means, cross, scale)
