"""Speed of pass-through of a rate shock into interest expense (private module)."""

from __future__ import annotations

from typing import Any, overload

import numpy as np
import pandas as pd

from divergence._typing import IntArray
from divergence._validation import as_array, check_float
from divergence.errors import InputError

__all__ = ["pass_through_month"]


@overload
def pass_through_month(response: pd.DataFrame, *, share: float = 0.5) -> pd.Series: ...
@overload
def pass_through_month(response: pd.Series, *, share: float = 0.5) -> int: ...
@overload
def pass_through_month(response: Any, *, share: float = 0.5) -> int | IntArray: ...
def pass_through_month(response: Any, *, share: float = 0.5) -> Any:
    r"""First month at which a response reaches a share of its value at the horizon.

    With :math:`x_0, \dots, x_H` the response month by month (for instance the mean extra
    interest expense of a cohort after a rate shock, against a counterfactual with the same
    EBIT draws: ``hike.path_values("interest").mean(axis=0) -
    flat.path_values("interest").mean(axis=0)``), the pass-through month for share
    :math:`s` is

    .. math::

       m^*(s) = \min\{\, m \ge 0 : x_m / x_H \ge s \,\}

    (:math:`s = 0.5`: the "half-life" of the pass-through within the horizon). It always
    exists, since :math:`x_H / x_H = 1 \ge s`; a response that falls (a rate cut) is measured
    the same way, as a share of its fall.

    Parameters
    ----------
    response : array_like, Series or DataFrame
        1-D (months) or 2-D (months × columns, e.g. cohorts) response, in any units; row
        :math:`m` is month :math:`m` after the shock, the last row the horizon.
    share : float, default 0.5
        Share :math:`s` of the horizon value, in (0, 1].

    Returns
    -------
    int, ndarray of int or Series
        Month (row position) per column: an int for 1-D input, a Series indexed by the
        columns of a DataFrame, an int array for a 2-D array.

    Raises
    ------
    InputError
        NaN or infinite values, fewer than one row, ``share`` outside (0, 1], or a zero
        value at the horizon (no response to measure), naming the column.
        ``response`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).

    Notes
    -----
    The measure is relative to the horizon chosen: a ladder that keeps repricing after the
    horizon reaches half of its *final* increase later than :math:`m^*`. A response that
    overshoots and comes back counts its first crossing.

    References
    ----------
    .. [1] S. Kumbhat, F. Palomino and A. Perez-Orive, "The Potential Increase in Corporate
       Debt Interest Rate Payments from Changes in Interest Rates", FEDS Notes, 15 Nov 2017
       (the pass-through of a rate rise into interest expense over time).

    Examples
    --------
    >>> pass_through_month([0.0, 1.0, 2.0, 3.0, 4.0])
    2
    >>> frame = pd.DataFrame({"fast": [3.0, 3.5, 4.0], "slow": [0.0, 1.0, 4.0]})
    >>> print(pass_through_month(frame, share=0.75).to_dict())
    {'fast': 0, 'slow': 2}
    """
    s = check_float(share, "share", minimum=0.0, maximum=1.0, inclusive=(False, True))
    x, _ = as_array(response, "response", ndim=(1, 2), allow_nan=False, time_ordered=True)
    x2 = x.reshape(x.shape[0], -1)
    last = x2[-1]
    zero = last == 0
    if zero.any():
        where = "" if x.ndim == 1 else f" in column {int(np.flatnonzero(zero)[0])}"
        if isinstance(response, pd.DataFrame):
            where = f" in column {response.columns[int(np.flatnonzero(zero)[0])]!r}"
        raise InputError(f"response is zero at the horizon{where}: no response to measure")
    with np.errstate(over="ignore"):
        reached = x2 / last >= s
    months = np.argmax(reached, axis=0).astype(np.int64)
    if isinstance(response, pd.DataFrame):
        return pd.Series(months, index=response.columns, name="pass_through_month")
    if x.ndim == 1:
        return int(months[0])
    return months
