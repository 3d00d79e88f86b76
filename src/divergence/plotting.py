"""Figures for divergence results (optional: needs the ``plot`` extra, matplotlib).

Every function draws on an existing :class:`matplotlib.axes.Axes` when ``ax`` is given, or on a
new figure otherwise, and returns the Axes, so figures compose the usual matplotlib way::

    fig, (a, b) = plt.subplots(1, 2)
    plotting.lorenz_curve(caps.iloc[-1], ax=a)
    plotting.concentration_over_time(caps, ax=b)

matplotlib is imported when a function runs, never at ``import divergence``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from divergence import concentration as _conc
from divergence._typing import PanelLike
from divergence._validation import check_float, check_int
from divergence.errors import InputError

__all__ = ["concentration_over_time", "lorenz_curve"]

_LABELS = {
    "n": "number of names",
    "hhi": "HHI",
    "hhi_normalized": "normalised HHI",
    "effective_n": "effective number of names (1/HHI)",
    "top_k_share": "top-k share",
    "concentration_coefficient": "I_C: top-k mean / median",
    "gini": "Gini",
    "theil": "Theil T",
    "hall_tideman": "Hall–Tideman",
    "hill_1": "exp(Shannon entropy)",
}


def _axes(ax: Any) -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            'divergence.plotting needs matplotlib: pip install "divergence[plot]"'
        ) from exc
    if ax is None:
        _, ax = plt.subplots()
    return ax


def lorenz_curve(x: PanelLike, *, ax: Any = None, label: str | None = None) -> Any:
    r"""Plot the Lorenz curve of one cross-section against the line of equality.

    Parameters
    ----------
    x : array_like or Series
        One cross-section of non-negative sizes (e.g. market caps); NaN entries are dropped.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    label : str, optional
        Legend label; defaults to the Gini coefficient.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    InputError, TypeError
        As :func:`divergence.concentration.lorenz_curve`.
    ImportError
        matplotlib is not installed.

    Notes
    -----
    Plots :math:`(i/n, L(i/n))` from :func:`divergence.concentration.lorenz_curve`; the area
    between the diagonal and the curve is half the Gini coefficient.

    References
    ----------
    .. [1] Lorenz, M. O. (1905), "Methods of measuring the concentration of wealth",
       Publications of the American Statistical Association 9(70), 209–219.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from divergence import plotting
    >>> ax = plotting.lorenz_curve([1, 2, 3, 10])
    >>> ax.get_xlabel()
    'share of names (smallest first)'
    """
    pop, cum = _conc.lorenz_curve(x)
    g = 1.0 - float(np.sum((cum[1:] + cum[:-1]) * np.diff(pop)))  # Gini = 1 - 2 * area
    ax = _axes(ax)
    ax.plot(pop, cum, label=label if label is not None else f"Lorenz curve (Gini {g:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="equality")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("share of names (smallest first)")
    ax.set_ylabel("cumulative share of total")
    ax.legend(fontsize="small")
    return ax


def concentration_over_time(
    data: PanelLike,
    measure: str = "top_k_share",
    *,
    k: int = 10,
    ax: Any = None,
    gap_days: float = 365.0,
    label: str | None = None,
) -> Any:
    r"""Plot one concentration measure across dates, breaking the line at data gaps.

    Parameters
    ----------
    data : DataFrame
        Either a panel of sizes (rows = dates, columns = assets) or the output of
        :func:`divergence.concentration.concentration_profile` (recognised by its columns).
    measure : str, default "top_k_share"
        A column of :func:`~divergence.concentration.concentration_profile`: ``"n"``,
        ``"hhi"``, ``"hhi_normalized"``, ``"effective_n"``, ``"top_k_share"``,
        ``"concentration_coefficient"``, ``"gini"``, ``"theil"``, ``"hall_tideman"`` or
        ``"hill_1"``.
    k : int, default 10
        Top-k for ``top_k_share`` and ``concentration_coefficient`` when ``data`` is a panel.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.
    gap_days : float, default 365
        Consecutive dates further apart than this (in days, for a DatetimeIndex) are not joined
        by a line, so missing years are not drawn as if they had been observed.
    label : str, optional
        Legend label (defaults to the measure's name).

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    InputError
        Unknown ``measure``; ``gap_days`` not positive; data as in
        :func:`~divergence.concentration.concentration_profile`.
    TypeError
        ``data`` is not a DataFrame.
    ImportError
        matplotlib is not installed.

    Notes
    -----
    The measures and their formulas are those of :mod:`divergence.concentration`.

    References
    ----------
    .. [1] U.S. Department of Justice & Federal Trade Commission, "Merger Guidelines" (2023).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from divergence import plotting
    >>> caps = pd.DataFrame([[3.0, 1.0], [4.0, 1.0]], index=pd.to_datetime(["2020", "2024"]))
    >>> ax = plotting.concentration_over_time(caps, "hhi")
    >>> ax.get_ylabel()
    'HHI'
    """
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a DataFrame of sizes or a concentration profile")
    if measure not in _LABELS:
        raise InputError(f"measure must be one of {sorted(_LABELS)}, got {measure!r}")
    gap = check_float(gap_days, "gap_days", minimum=0.0, inclusive=(False, True))
    kk = check_int(k, "k", minimum=1)
    profile_cols: Sequence[str] = list(_LABELS)
    is_profile = list(data.columns) == list(profile_cols)
    prof = data if is_profile else _conc.concentration_profile(data, k=kk)
    series = prof[measure].astype(np.float64)
    if isinstance(series.index, pd.DatetimeIndex) and len(series) > 1:
        days = series.index.to_series().diff().dt.days.to_numpy()[1:]
        breaks = series.index[:-1][days > gap] + pd.Timedelta(days=1)
        series = series.reindex(series.index.union(breaks))  # NaN points break the line
    ax = _axes(ax)
    ax.plot(series.index, series.to_numpy(), marker="o", ms=3, lw=1, label=label or measure)
    ax.set_ylabel(_LABELS[measure])
    return ax
