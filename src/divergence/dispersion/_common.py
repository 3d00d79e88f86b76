"""Input helpers shared by the dispersion modules (private)."""

from __future__ import annotations

import numpy as np

from divergence._numeric import row_sum, safe_divide
from divergence._typing import BoolArray, FloatArray
from divergence._validation import Meta, as_array, check_same_layout, nan_row_mask
from divergence.errors import InputError

__all__ = ["cross_weights", "per_row_values", "renormalize"]


def cross_weights(
    weights: object,
    meta: Meta,
    shape2d: tuple[int, int],
    *,
    nan_policy: str = "omit",
) -> FloatArray:
    """Weights on the (rows x names) layout of ``meta``.

    ``weights`` may have the layout of the panel itself, or be one weight per name (1-D, used
    for every row) when the panel is 2-D. Non-negative; NaN = name absent. Under
    ``nan_policy="raise"`` a NaN weight raises an :class:`InputError` naming ``weights`` and
    the first place it occurs (the other policies are applied by the caller: a NaN weight
    drops the name under ``"omit"``, and gives its row NaN under ``"propagate"``).
    """
    w, wmeta = as_array(weights, "weights", ndim=(1, 2), nonnegative=True)
    if nan_policy == "raise":
        nan_row_mask(np.atleast_2d(w), wmeta, "raise")
    n_rows, n_names = shape2d
    if wmeta.ndim == meta.ndim:
        check_same_layout(meta, wmeta)
        return np.atleast_2d(w)
    if wmeta.ndim == 1 and meta.ndim == 2:
        if w.size != n_names:
            raise InputError(
                f"weights has {w.size} values but {meta.name} has {n_names} columns; pass one "
                "weight per column or a panel with the same layout"
            )
        if (
            wmeta.is_pandas
            and meta.columns is not None
            and wmeta.index is not None
            and not wmeta.index.equals(meta.columns)
        ):
            raise InputError(f"weights' index does not match the columns of {meta.name}")
        return np.broadcast_to(w, (n_rows, n_names)).copy()
    raise InputError(f"weights must be 1-D when {meta.name} is 1-D, got a {wmeta.ndim}-D input")


def per_row_values(
    x: object,
    name: str,
    meta: Meta,
    n_rows: int,
    *,
    nonnegative: bool = True,
    positive: bool = False,
    nan_policy: str = "omit",
) -> FloatArray:
    """A scalar (one cross-section) or a 1-D series with one value per row of ``meta``.

    Under ``nan_policy="raise"`` a NaN raises an :class:`InputError` naming ``name``.
    """
    if isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_):
        x = [x]
    v, vmeta = as_array(x, name, ndim=1, nonnegative=nonnegative, positive=positive)
    if nan_policy == "raise":
        nan_row_mask(v[:, None], vmeta, "raise")
    if v.size != n_rows:
        want = "a single value" if meta.ndim == 1 else f"{n_rows} values (one per row)"
        raise InputError(f"{name} must hold {want} to match {meta.name}, got {v.size}")
    if (
        meta.ndim == 2
        and vmeta.is_pandas
        and meta.index is not None
        and vmeta.index is not None
        and not vmeta.index.equals(meta.index)
    ):
        raise InputError(f"{name} and {meta.name} have different indexes")
    return v


def renormalize(w: FloatArray, present: BoolArray) -> FloatArray:
    """Weights over the present names, summing to one per row (NaN rows with zero total)."""
    wp = np.where(present, w, np.nan)
    total = row_sum(wp)
    return safe_divide(wp, total[:, None], (total > 0)[:, None])
