"""Small vectorised numeric kernels shared by several modules (private).

Everything here works on 2-D float64 arrays (rows = dates, columns = assets) where NaN marks an
absent entry, and never emits a RuntimeWarning: undefined results are NaN by construction.
"""

from __future__ import annotations

import numpy as np

from divergence._typing import BoolArray, FloatArray

__all__ = ["lag_rows", "row_count", "row_median", "row_sum", "safe_divide"]


def safe_divide(num: FloatArray, den: FloatArray, ok: BoolArray | None = None) -> FloatArray:
    """``num / den`` where ``ok`` (default ``den != 0`` and both finite), NaN elsewhere."""
    num_a = np.asarray(num, dtype=np.float64)
    den_a = np.asarray(den, dtype=np.float64)
    shape = np.broadcast_shapes(num_a.shape, den_a.shape)
    out = np.full(shape, np.nan)
    if ok is None:
        ok = (den_a != 0) & np.isfinite(den_a) & np.isfinite(num_a)
    np.divide(num_a, den_a, out=out, where=np.broadcast_to(ok, shape))
    return out


def row_count(values: FloatArray) -> FloatArray:
    """Number of non-NaN entries in each row, as float."""
    out: FloatArray = (~np.isnan(values)).sum(axis=1).astype(np.float64)
    return out


def row_sum(values: FloatArray) -> FloatArray:
    """Sum of the non-NaN entries of each row (0 for an empty row; check :func:`row_count`)."""
    out: FloatArray = np.where(np.isnan(values), 0.0, values).sum(axis=1)
    return out


def row_median(values: FloatArray) -> FloatArray:
    """Median of the non-NaN entries of each row; NaN for a row with none. One sort per row."""
    s = np.sort(values, axis=1)  # NaN sorts last
    n = row_count(values)
    last = s.shape[1] - 1
    lo = np.clip((n - 1.0) // 2.0, 0, last).astype(np.intp)
    hi = np.clip(n // 2.0, 0, last).astype(np.intp)
    med = 0.5 * (
        np.take_along_axis(s, lo[:, None], axis=1)[:, 0]
        + np.take_along_axis(s, hi[:, None], axis=1)[:, 0]
    )
    return np.where(n > 0, med, np.nan)


def lag_rows(values: FloatArray, periods: int) -> FloatArray:
    """Values ``periods`` rows earlier (rows = dates); the first ``periods`` rows are NaN.

    Works on 1-D (one series) and 2-D (rows x series) arrays; ``periods >= 0``.
    """
    out = np.full(values.shape, np.nan)
    if periods == 0:
        out[...] = values
    elif periods < values.shape[0]:
        out[periods:] = values[:-periods]
    return out


def quantile(values: FloatArray, q: FloatArray) -> FloatArray:
    """Linear quantiles over axis 0 (NumPy's default method) that stay right at infinities.

    Coverage is +inf on paths without interest. NumPy interpolates ``a + (b - a) * frac``,
    which is NaN when ``a`` or ``b`` is infinite (``inf - inf``, ``inf * 0``): a quantile on an
    order statistic is that statistic, and one between a finite statistic and +inf (or -inf
    and a finite one) is +inf (-inf). NaN values still give NaN.

    >>> quantile(np.array([1.0, 2.0, 3.0, np.inf, np.inf]), np.array([0.5, 0.6, 0.8, 1.0]))
    array([ 3., inf, inf, inf])
    """
    with np.errstate(invalid="ignore"):
        lin = np.quantile(values, q, axis=0)
    lo = np.quantile(values, q, axis=0, method="lower")
    hi = np.quantile(values, q, axis=0, method="higher")
    out = np.where(lo == hi, lo, lin)
    out = np.where(np.isneginf(lo) & ~np.isposinf(hi), -np.inf, out)
    out = np.where(np.isposinf(hi) & ~np.isneginf(lo), np.inf, out)
    return np.asarray(out, dtype=np.float64)
