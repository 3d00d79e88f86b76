"""Figures for divergence results (optional: needs the ``plot`` extra, matplotlib).

Every function draws on an existing :class:`matplotlib.axes.Axes` when ``ax`` is given, or on a
new figure otherwise, and returns the Axes, so figures compose the usual matplotlib way::

    fig, (a, b) = plt.subplots(1, 2)
    plotting.lorenz_curve(caps.iloc[-1], ax=a)
    plotting.concentration_over_time(caps, ax=b)

Every figure gets a title and axis labels with units (change them with ``ax.set_title`` and
``ax.set_ylabel`` on the returned Axes); date axes use matplotlib's
:class:`~matplotlib.dates.AutoDateLocator` with a :class:`~matplotlib.dates.ConciseDateFormatter`
(no overlapping year-month-day ticks); figures with many series (e.g. the 11 GICS sectors) draw
each in its own colour: ``tab10`` up to ten series, then the light ``tab20`` shades, dashed.

matplotlib is imported when a function runs, never at ``import divergence``.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from divergence import concentration as _conc
from divergence._compat import renamed_arguments
from divergence._numeric import quantile
from divergence._typing import PanelLike
from divergence._validation import (
    as_array,
    check_bool,
    check_float,
    check_int,
    check_option,
    is_polars,
    to_pandas,
)
from divergence.errors import InputError

__all__ = [
    "concentration_over_time",
    "cost_contributions",
    "coverage_fan",
    "implied_vs_realized_correlation",
    "lorenz_curve",
    "maturity_wall",
]

_LABELS = {
    "n": "number of names (count)",
    "hhi": "HHI (sum of squared weights, 0–1)",
    "hhi_normalized": "normalised HHI (0–1)",
    "effective_n": "effective number of names, 1/HHI (names)",
    "top_k_share": "top-k share of the total (fraction)",
    "concentration_coefficient": "I_C: top-k mean / median (ratio)",
    "gini": "Gini coefficient (0–1)",
    "theil": "Theil T (nats)",
    "hall_tideman": "Hall–Tideman index (0–1)",
    "hill_1": "exp(Shannon entropy) (names)",
}
_TITLES = {
    "n": "Number of names",
    "hhi": "Herfindahl–Hirschman index",
    "hhi_normalized": "Normalised Herfindahl–Hirschman index",
    "effective_n": "Effective number of names",
    "top_k_share": "Share of the top {k} names",
    "concentration_coefficient": "Top-{k} mean over the median",
    "gini": "Gini coefficient",
    "theil": "Theil index",
    "hall_tideman": "Hall–Tideman index",
    "hill_1": "Exponential of the Shannon entropy",
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


def _date_axis(ax: Any) -> None:
    """Concise date ticks on the x axis: an AutoDateLocator with a ConciseDateFormatter."""
    import matplotlib.dates

    mdates: Any = matplotlib.dates  # its stubs leave these constructors untyped
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _distinct_colors(n: int) -> list[tuple[float, float, float, float]]:
    """``n`` distinct RGBA colours for ``n`` series (e.g. the 11 GICS sectors).

    Up to 10: ``tab10``. Up to 20: the ten ``tab20`` dark shades (the ``tab10`` colours), then
    the ten light shades in the same hue order (draw those dashed, see :func:`_line_style`).
    Beyond 20: evenly spaced samples of ``turbo``.
    """
    from matplotlib import colormaps

    if n <= 10:
        return [colormaps["tab10"](i) for i in range(n)]
    if n <= 20:
        order = [*range(0, 20, 2), *range(1, 20, 2)]  # dark shades first, then light
        return [colormaps["tab20"](i) for i in order[:n]]
    return [colormaps["turbo"](v) for v in np.linspace(0.05, 0.95, n)]


def _line_style(i: int) -> str:
    """Solid for the first ten series, dashed for the light shades that follow."""
    return "-" if i < 10 else "--"


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
    >>> print(ax.get_title(), "|", ax.get_xlabel())
    Lorenz curve | share of names, smallest first (fraction)
    """
    pop, cum = _conc.lorenz_curve(x)
    g = 1.0 - float(np.sum((cum[1:] + cum[:-1]) * np.diff(pop)))  # Gini = 1 - 2 * area
    ax = _axes(ax)
    ax.plot(pop, cum, label=label if label is not None else f"Lorenz curve (Gini {g:.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="equality")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("share of names, smallest first (fraction)")
    ax.set_ylabel("cumulative share of the total (fraction)")
    ax.set_title("Lorenz curve")
    ax.legend(fontsize="small")
    return ax


@renamed_arguments(removed_in="0.3", k="top_k")
def concentration_over_time(
    data: PanelLike,
    measure: str = "top_k_share",
    *,
    top_k: int = 10,
    ax: Any = None,
    gap_days: float = 365.0,
    label: str | None = None,
) -> Any:
    r"""Plot one concentration measure across dates, breaking the line at data gaps.

    Parameters
    ----------
    data : DataFrame
        Either a panel of sizes (rows = dates, columns = assets) or the output of
        :func:`divergence.concentration.concentration_profile` (recognised by its columns);
        pandas or polars (a polars frame's leading Date/Datetime column gives the dates).
    measure : str, default "top_k_share"
        A column of :func:`~divergence.concentration.concentration_profile`: ``"n"``,
        ``"hhi"``, ``"hhi_normalized"``, ``"effective_n"``, ``"top_k_share"``,
        ``"concentration_coefficient"``, ``"gini"``, ``"theil"``, ``"hall_tideman"`` or
        ``"hill_1"``.
    top_k : int, default 10
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
    >>> print(ax.get_title(), "|", ax.get_ylabel())
    Herfindahl–Hirschman index | HHI (sum of squared weights, 0–1)
    """
    data = to_pandas(data)
    if not isinstance(data, pd.DataFrame):
        raise TypeError("data must be a DataFrame of sizes or a concentration profile")
    if measure not in _LABELS:
        raise InputError(f"measure must be one of {sorted(_LABELS)}, got {measure!r}")
    gap = check_float(gap_days, "gap_days", minimum=0.0, inclusive=(False, True))
    kk = check_int(top_k, "top_k", minimum=1)
    profile_cols: Sequence[str] = list(_LABELS)
    is_profile = list(data.columns) == list(profile_cols)
    if is_profile:
        prof = data
    else:
        as_array(data, "data", ndim=2, nonnegative=True)  # errors name the argument
        prof = _conc.concentration_profile(data, top_k=kk)
    series = prof[measure].astype(np.float64)
    if isinstance(series.index, pd.PeriodIndex):  # drawn at each period's start
        series.index = series.index.to_timestamp()
    if isinstance(series.index, pd.DatetimeIndex) and len(series) > 1:
        days = series.index.to_series().diff().dt.days.to_numpy()[1:]
        breaks = series.index[:-1][days > gap] + pd.Timedelta(days=1)
        series = series.reindex(series.index.union(breaks))  # NaN points break the line
    ax = _axes(ax)
    ax.plot(series.index, series.to_numpy(), marker="o", ms=3, lw=1, label=label or measure)
    if isinstance(series.index, pd.DatetimeIndex):
        _date_axis(ax)
        ax.set_xlabel("date")
    else:
        ax.set_xlabel(str(series.index.name or "period"))
    ax.set_ylabel(_LABELS[measure])
    ax.set_title(_TITLES[measure].format(k=kk if not is_profile else "k"))
    return ax


_CONTRIBUTION_COLUMNS = ("intercept", "delta_r", "i_c", "l_s", "interaction")


def cost_contributions(
    parts: Any,
    *,
    components: Sequence[str] | None = None,
    spacing: Literal["dates", "even"] = "dates",
    total: bool = True,
    ax: Any = None,
) -> Any:
    r"""Stacked bars of the contributions to the divergence cost's linear predictor.

    Parameters
    ----------
    parts : DataFrame or ndarray
        Output of :meth:`divergence.cost.DivergenceCost.contributions` (pandas, or polars led
        by its date column): rows = dates, columns
        ``intercept``, ``delta_r``, ``i_c``, ``l_s``, ``interaction`` (log-odds units under
        the logistic link, :math:`C_D` units under the identity link). An ndarray must have
        these five columns in this order. Rows with any NaN are left out.
    components : sequence of str, optional
        Columns drawn as stacked bars. Default: ``delta_r``, ``i_c``, ``l_s``, plus
        ``interaction`` when it is not zero on every row. The intercept is never stacked (it
        enters the total line).
    spacing : {"dates", "even"}, default "dates"
        ``"dates"``: bars at their dates (width 80% of the median spacing); ``"even"``: one
        slot per row with date tick labels, so months on either side of a data gap sit next
        to each other.
    total : bool, default True
        Also draw the row sum over all five columns (the linear predictor :math:`\eta_t`)
        as a black line; with ``spacing="dates"`` the line breaks across gaps longer than
        three times the median spacing.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on. Positive parts stack upwards from zero, negative parts downwards.

    Raises
    ------
    TypeError
        ``parts`` is neither a DataFrame nor an array; non-numeric values.
    InputError
        Missing or unknown columns, no complete row, unknown ``spacing``.
    ImportError
        matplotlib is not installed.

    Notes
    -----
    Each row satisfies :math:`\eta_t = b + w_R s_{R,t} + w_C s_{C,t} + w_L s_{L,t} +
    w_I \sum_{j<k} (s_j)_+ (s_k)_+`, so the stacked bars plus the intercept add up to the
    total line. Under the logistic link :math:`C_D = 1/(1 + e^{-\eta_t})`: the parts add up
    on the log-odds scale, not in probability.

    References
    ----------
    .. [1] divergence SPEC, section "cost": the composite :math:`C_D` and its decomposition.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from divergence import plotting
    >>> from divergence.cost import DivergenceCost
    >>> m = DivergenceCost(weights=(1.0, 2.0, 0.5), min_periods=1)
    >>> parts = m.contributions([0.0, -0.01, 0.01], [10.0, 12.0, 11.0], [0.0, 0.02, 0.01])
    >>> ax = plotting.cost_contributions(parts, spacing="even")
    >>> print(len(ax.patches), ax.get_ylabel())
    9 contribution (log-odds)
    """
    parts = to_pandas(parts)
    if isinstance(parts, pd.DataFrame):
        frame = parts
    elif isinstance(parts, np.ndarray):
        if parts.ndim != 2 or parts.shape[1] != len(_CONTRIBUTION_COLUMNS):
            raise InputError(
                f"parts must have {len(_CONTRIBUTION_COLUMNS)} columns "
                f"{list(_CONTRIBUTION_COLUMNS)}, got shape {parts.shape}"
            )
        frame = pd.DataFrame(parts, columns=list(_CONTRIBUTION_COLUMNS))
    else:
        raise TypeError("parts must be the DataFrame or ndarray of DivergenceCost.contributions")
    missing = [c for c in _CONTRIBUTION_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"parts is missing the columns {missing}")
    values, _ = as_array(frame[list(_CONTRIBUTION_COLUMNS)], "parts", ndim=2)
    ok = ~np.isnan(values).any(axis=1)
    if not ok.any():
        raise InputError("parts has no row without NaN")
    mode = check_option(spacing, "spacing", ("dates", "even"))
    show_total = check_bool(total, "total")
    data = pd.DataFrame(
        values[ok], index=frame.index[np.flatnonzero(ok)], columns=list(_CONTRIBUTION_COLUMNS)
    )
    if components is None:
        cols = ["delta_r", "i_c", "l_s"]
        if (data["interaction"] != 0).any():
            cols.append("interaction")
    else:
        cols = list(components)
        bad = [c for c in cols if c not in _CONTRIBUTION_COLUMNS[1:]]
        if bad or not cols:
            raise InputError(
                f"components must be a non-empty subset of {list(_CONTRIBUTION_COLUMNS[1:])}, "
                f"got {cols}"
            )
    dated = isinstance(data.index, pd.DatetimeIndex)
    if mode == "even" or not dated:
        x: Any = np.arange(len(data), dtype=np.float64)
        width: float = 0.8
    else:
        x = data.index
        step = (
            np.median(np.diff(data.index.to_numpy(dtype="datetime64[ns]").astype(np.int64)))
            / 86_400e9
            if len(data) > 1
            else 30.0
        )
        width = 0.8 * float(step)
    ax = _axes(ax)
    pos = np.zeros(len(data))
    neg = np.zeros(len(data))
    for c, color in zip(cols, _distinct_colors(len(cols)), strict=True):  # <= 4 components
        v = data[c].to_numpy()
        ax.bar(x, v, bottom=np.where(v >= 0, pos, neg), width=width, label=c, color=color)
        pos += np.maximum(v, 0.0)
        neg += np.minimum(v, 0.0)
    if show_total:
        line = data.sum(axis=1)
        if mode == "dates" and dated and len(data) > 2:
            # break the line across gaps longer than three typical steps (no bridging)
            when = pd.DatetimeIndex(data.index)
            days = np.diff(when.to_numpy(dtype="datetime64[ns]").astype(np.int64)) / 86_400e9
            gaps = when[:-1][days > 3.0 * np.median(days)] + pd.Timedelta(days=1)
            line = line.reindex(line.index.union(gaps))
        ax.plot(
            line.index if mode == "dates" and dated else x,
            line.to_numpy(),
            color="k",
            lw=1,
            label="total (sum)",
        )
    ax.axhline(0.0, color="k", lw=0.5)
    if mode == "even" and dated:
        ticks = np.arange(0, len(data), max(len(data) // 8, 1))
        ax.set_xticks(ticks, [d.strftime("%Y-%m") for d in data.index[ticks]], rotation=45)
        ax.set_xlabel("date (one slot per observation)")
    elif dated:
        _date_axis(ax)
        ax.set_xlabel("date")
    else:
        ax.set_xlabel("observation")
    ax.set_title("Contributions to the divergence cost's linear predictor")
    ax.set_ylabel("contribution (log-odds)")
    ax.legend(fontsize="small", ncol=len(cols) + int(show_total))
    return ax


def maturity_wall(
    wall: pd.DataFrame,
    *,
    normalize: bool = False,
    stacked: bool = False,
    ax: Any = None,
) -> Any:
    r"""Bars of principal falling due per maturity bucket (the maturity wall).

    Parameters
    ----------
    wall : DataFrame
        Output of :meth:`divergence.refinancing.RefinancingResult.maturity_wall`: index =
        bucket number (1, 2, ...; named ``"year"``, ``"quarter"`` or ``"month"``), one column
        per cohort (or ``"fixed"`` / ``"floating"``), principal in the units of the book.
        A polars DataFrame has no index: a leading ``year``, ``quarter`` or ``month`` column
        holds the buckets (as ``pl.from_pandas(wall.reset_index())`` gives); without one the
        rows are buckets 1, 2, ….
    normalize : bool, default False
        Divide each column by its total, so bars show the share of that column's debt due in
        each bucket (columns of very different size become comparable).
    stacked : bool, default False
        Stack the columns in one bar per bucket instead of drawing them side by side.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        ``wall`` is not a DataFrame, or holds non-numeric values.
    InputError
        Empty frame, negative or non-finite principal, a column summing to zero with
        ``normalize=True``.
    ImportError
        matplotlib is not installed.

    Notes
    -----
    Bucket :math:`k` of width :math:`w` months holds the principal :math:`\sum P_j` of the
    tranches maturing at months :math:`(k-1)w + 1 \dots kw`; with ``normalize`` the bar is
    :math:`\sum_{j \in k} P_j / \sum_j P_j` per column.

    References
    ----------
    .. [1] Board of Governors of the Federal Reserve System, *Financial Stability Report*
       (November 2023), section "Borrowing by businesses and households" (maturity walls).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from divergence import plotting
    >>> wall = pd.DataFrame({"SME": [6.0, 3.0, 1.0], "mega-cap": [1.0, 1.0, 8.0]},
    ...                     index=pd.RangeIndex(1, 4, name="year"))
    >>> ax = plotting.maturity_wall(wall, normalize=True)
    >>> print(ax.get_xlabel(), [f"{p.get_height():.2f}" for p in ax.patches][:3])
    years to maturity ['0.60', '0.30', '0.10']
    """
    if is_polars(wall):
        wall = _polars_wall(wall)
    if not isinstance(wall, pd.DataFrame):
        raise TypeError("wall must be the DataFrame of RefinancingResult.maturity_wall")
    values, _ = as_array(wall, "wall", ndim=2, allow_nan=False, nonnegative=True)
    norm = check_bool(normalize, "normalize")
    stack = check_bool(stacked, "stacked")
    if norm:
        tot = values.sum(axis=0)
        if (tot <= 0).any():
            raise InputError("wall has a column summing to zero; it cannot be normalised")
        values = values / tot
    x = np.asarray(wall.index, dtype=np.float64)
    n_c = values.shape[1]
    ax = _axes(ax)
    bottom = np.zeros(values.shape[0])
    width = 0.8 if stack else 0.8 / n_c
    colors = _distinct_colors(n_c)
    for k, c in enumerate(wall.columns):  # a handful of cohorts (or the 11 sectors)
        xk = x if stack else x + (k - (n_c - 1) / 2) * width
        ax.bar(
            xk,
            values[:, k],
            width=width,
            bottom=bottom if stack else None,
            label=str(c),
            color=colors[k],
            hatch="//" if k >= 10 else None,
        )
        if stack:
            bottom = bottom + values[:, k]
    unit = wall.index.name if wall.index.name in {"year", "quarter", "month"} else "bucket"
    ax.set_xlabel(f"{unit}s to maturity")
    if norm:
        who = "the cohort's" if wall.columns.name == "cohort" else "each column's"
        ax.set_ylabel(f"share of {who} debt (fraction)")
    else:
        ax.set_ylabel("principal due (currency units of the book)")
    ax.set_title("Maturity wall: principal falling due")
    ax.legend(fontsize="small", ncol=2 if n_c > 6 else 1)
    return ax


def _polars_wall(wall: Any) -> Any:
    """A polars maturity wall as pandas: buckets from a leading year/quarter/month column."""
    frame = to_pandas(wall, date_index=False)
    if not isinstance(frame, pd.DataFrame):
        return frame  # refused by the caller
    if frame.shape[1] and frame.columns[0] in ("year", "quarter", "month"):
        return frame.set_index(frame.columns[0])
    return frame.set_axis(pd.RangeIndex(1, len(frame) + 1), axis=0)


def coverage_fan(
    result: Any,
    *,
    cohorts: Sequence[Hashable] | None = None,
    statistic: str = "coverage",
    quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    threshold: float | None = None,
    log: bool | None = None,
    ax: Any = None,
) -> Any:
    r"""Fan chart by cohort: a median line and a quantile band across simulated paths.

    Parameters
    ----------
    result : RefinancingResult
        Output of :func:`divergence.refinancing.simulate`.
    cohorts : sequence of labels, optional
        Cohorts to draw (default: every cohort except ``"all"``).
    statistic : str, default "coverage"
        A statistic of :meth:`~divergence.refinancing.RefinancingResult.path_values`; the
        default is aggregate interest coverage :math:`\sum EBIT / \sum interest` (a ratio).
    quantiles : sequence of three floats, default (0.05, 0.5, 0.95)
        Lower band edge, centre line and upper band edge, quantiles across paths in
        :math:`[0, 1]`, strictly increasing.
    threshold : float, optional
        Draw a dashed horizontal line at this level (e.g. a coverage of 1.5).
    log : bool, optional
        Logarithmic y axis; default True for ``"coverage"``, False otherwise.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on; x = months since the start of the simulation.

    Raises
    ------
    TypeError
        ``result`` is not a RefinancingResult.
    InputError
        Unknown cohort or statistic; quantiles not three increasing values in [0, 1].
    ImportError
        matplotlib is not installed.

    Notes
    -----
    For cohort :math:`c` and month :math:`t` the line is :math:`Q_{q_2}(X_{p,t,c})` and the
    band spans :math:`Q_{q_1}` to :math:`Q_{q_3}` over paths :math:`p` (NumPy's linear
    quantile, except next to infinite values: a quantile on an order statistic is that
    statistic, and one between a finite value and the +inf coverage of a path without
    interest is +inf, as in :meth:`~divergence.refinancing.RefinancingResult.summary`). A band
    is a pointwise range: no single path need follow its edges.

    References
    ----------
    .. [1] Bank of England, *Financial Stability Report* (December 2023), interest coverage
       ratios of UK corporates under higher rates (fan charts across scenarios).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from divergence import plotting
    >>> from divergence import refinancing as rf
    >>> book, firms = rf.example_book(n_mega=3, n_sme=6, seed=0)
    >>> res = rf.simulate(book, firms, np.full(12, 0.05), n_paths=20, seed=1)
    >>> ax = plotting.coverage_fan(res, threshold=1.5)
    >>> print([line.get_label() for line in ax.lines[:2]], ax.get_yscale())
    ['mega-cap (median, 5-95%)', 'SME (median, 5-95%)'] log
    """
    from divergence.refinancing import RefinancingResult

    if not isinstance(result, RefinancingResult):
        raise TypeError("result must be a RefinancingResult from divergence.refinancing.simulate")
    q, _ = as_array(quantiles, "quantiles", ndim=1, allow_nan=False, nonnegative=True)
    if q.size != 3 or (q > 1).any() or (np.diff(q) <= 0).any():
        raise InputError(
            f"quantiles must be three strictly increasing values in [0, 1], got {q.tolist()}"
        )
    names = list(result.cohorts[:-1]) if cohorts is None else list(cohorts)
    unknown = [c for c in names if c not in result.cohorts]
    if unknown or not names:
        raise InputError(f"cohorts must be among {list(result.cohorts)}, got {names}")
    values = result.path_values(statistic)
    use_log = statistic == "coverage" if log is None else check_bool(log, "log")
    thr = None if threshold is None else check_float(threshold, "threshold")
    months = np.arange(values.shape[1])
    idx = [result.cohorts.index(c) for c in names]
    # linear quantiles that stay right next to +inf coverage (paths without interest)
    bands = quantile(values[:, :, idx], q)  # (3, months, cohorts)
    lo, mid, hi = (f"{100 * v:g}" for v in q)
    ax = _axes(ax)
    colors = _distinct_colors(len(names))
    centre = "median" if q[1] == 0.5 else f"q{mid}"
    for j, c in enumerate(names):  # a handful of cohorts
        (line,) = ax.plot(
            months,
            bands[1, :, j],
            label=f"{c} ({centre}, {lo}-{hi}%)",
            color=colors[j],
            ls=_line_style(j),
        )
        ax.fill_between(months, bands[0, :, j], bands[2, :, j], alpha=0.25, color=line.get_color())
    if thr is not None:
        ax.axhline(thr, color="grey", lw=0.8, ls="--")
    if use_log:
        ax.set_yscale("log")
    ax.set_xlabel("months since the start of the simulation")
    ax.set_ylabel(_FAN_LABELS.get(statistic, statistic))
    ax.set_title(f"Simulated paths by cohort: {lo}-{hi}% band and {centre}")
    ax.legend(fontsize="small")
    return ax


_FAN_LABELS = {
    "coverage": "aggregate interest coverage (EBIT / interest, ratio)",
    "interest": "annualised interest (currency units per year)",
    "ebit": "annualised EBIT (currency units per year)",
    "repriced_share": "share of debt repriced (fraction)",
    "distressed_share": "share of firms in distress (fraction)",
    "distressed_debt_share": "share of debt in distress (fraction)",
    "debt_at_risk": "debt at risk, coverage < 1 (currency units)",
    "debt_at_risk_share": "share of debt at risk (fraction)",
}


def implied_vs_realized_correlation(
    implied: Any,
    realized: Any,
    *,
    shade: bool = True,
    labels: tuple[str, str] = ("implied", "realised"),
    ax: Any = None,
) -> Any:
    r"""Plot implied and realised average correlation over time, shading implied > realised.

    Parameters
    ----------
    implied : Series or array_like
        Implied average correlation (dimensionless), e.g. from
        :func:`divergence.dispersion.implied_correlation` or a quoted index such as Cboe
        COR3M / 100.
    realized : Series or array_like
        Realised average correlation over a matching window, e.g. from
        :func:`divergence.dispersion.realized_correlation`. Two Series are aligned on the
        union of their indexes (gaps stay NaN, so lines break there); two arrays must have
        the same length.
    shade : bool, default True
        Fill the area between the lines where implied exceeds realised (the correlation risk
        premium a short-correlation, dispersion trade collects).
    labels : tuple of two str, default ("implied", "realised")
        Legend labels of the two lines.
    ax : matplotlib Axes, optional
        Where to draw; a new figure is made when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The Axes drawn on.

    Raises
    ------
    TypeError
        Non-numeric input; one Series and one array.
    InputError
        Not 1-D, arrays of different lengths, no value, infinite values.
    ImportError
        matplotlib is not installed.

    Notes
    -----
    The shaded gap :math:`\rho_{\text{impl},t} - \rho_{\text{real},t} > 0` is the
    correlation risk premium when both refer to the same window; comparing implied
    correlation with the realised correlation of the *following* window is the forecast
    view, with the trailing window the carry view.

    References
    ----------
    .. [1] Driessen, J., Maenhout, P. J. and Vilkov, G. (2009), "The price of correlation
       risk: evidence from equity options", *Journal of Finance* 64(3), 1377–1406.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from divergence import plotting
    >>> ax = plotting.implied_vs_realized_correlation([0.5, 0.6, 0.4], [0.3, 0.7, 0.2])
    >>> print(ax.get_ylabel(), len(ax.lines), len(ax.collections))
    average pairwise correlation (dimensionless) 2 1
    """
    if isinstance(implied, pd.Series) != isinstance(realized, pd.Series):
        raise TypeError("implied and realized must both be Series or both be arrays")
    if isinstance(implied, pd.Series):
        both = pd.concat([implied, realized], axis=1, sort=True)
        if isinstance(both.index, pd.PeriodIndex):  # drawn at each period's start
            both.index = both.index.to_timestamp()
        x: Any = both.index
        imp, _ = as_array(both.iloc[:, 0], "implied", ndim=1)
        real, _ = as_array(both.iloc[:, 1], "realized", ndim=1)
    else:
        imp, _ = as_array(implied, "implied", ndim=1)
        real, _ = as_array(realized, "realized", ndim=1)
        if imp.shape != real.shape:
            raise InputError(
                f"implied and realized must have the same length, got {imp.size} and {real.size}"
            )
        x = np.arange(imp.size)
    do_shade = check_bool(shade, "shade")
    if len(labels) != 2 or not all(isinstance(s, str) for s in labels):
        raise TypeError("labels must be a tuple of two strings")
    ax = _axes(ax)
    ax.plot(x, imp, lw=1, label=labels[0], color="C0")
    ax.plot(x, real, lw=1, label=labels[1], color="C1")
    if do_shade:
        with np.errstate(invalid="ignore"):
            above = imp > real
        ax.fill_between(
            x,
            real,
            imp,
            where=above,
            interpolate=True,
            alpha=0.25,
            color="C0",
            label=f"{labels[0]} > {labels[1]}",
        )
    if isinstance(x, pd.DatetimeIndex):
        _date_axis(ax)
        ax.set_xlabel("date")
    else:
        ax.set_xlabel("observation")
    ax.set_ylabel("average pairwise correlation (dimensionless)")
    ax.set_title(f"{labels[0].capitalize()} vs {labels[1]} average correlation")
    ax.legend(fontsize="small")
    return ax


# --------------------------------------------------------------------------- result objects
# Drawing code behind the ``plot()`` methods of the result classes (RefinancingResult,
# FlowSimulation, DispersionTradePnL, CVaRAllocation, LeadLag). Each returns a titled Axes with
# labelled axes; dates go through matplotlib's ConciseDateFormatter.


def _result_date_axis(ax: Any) -> None:
    """Concise date ticks on the x axis (matplotlib's ConciseDateFormatter)."""
    import matplotlib.dates

    dates: Any = matplotlib.dates  # its constructors are untyped
    locator = dates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(dates.ConciseDateFormatter(locator))


def _plot_refinancing_result(
    result: Any,
    kind: str,
    *,
    cohorts: Sequence[Hashable] | None,
    threshold: float | None,
    freq: Literal["month", "quarter", "year"],
    ax: Any,
) -> Any:
    """RefinancingResult.plot: coverage fan or maturity wall, titled and labelled."""
    if kind == "coverage":
        ax = coverage_fan(result, cohorts=cohorts, threshold=threshold, ax=ax)
        ax.set_title(f"Aggregate interest coverage by cohort ({result.n_paths} paths)")
        ax.set_xlabel("months since the start")
        ax.set_ylabel("interest coverage, Σ EBIT / Σ interest (×)")
        return ax
    wall = result.maturity_wall(freq=freq)
    if cohorts is not None:
        names = list(cohorts)
        unknown = [c for c in names if c not in wall.columns]
        if unknown or not names:
            raise InputError(f"cohorts must be among {list(wall.columns)}, got {names}")
        wall = wall[names]
    ax = maturity_wall(wall, ax=ax)
    ax.set_title("Maturity wall of the initial book by cohort")
    ax.set_ylabel("principal due (units of the book)")
    return ax


def _plot_flow_simulation(sim: Any, kind: str, *, top: int, ax: Any) -> Any:
    """FlowSimulation.plot: caps of the largest names, cumulative flows or concentration."""
    steps = np.arange(sim.caps.shape[0])
    ax_ = _axes(ax)
    if kind == "caps":
        n = min(top, sim.caps.shape[1])
        order = np.argsort(-sim.caps[0], kind="stable")[:n]
        for j in order:  # the few largest names only
            ax_.plot(steps, sim.caps[:, j], lw=1.2, label=str(sim.assets[j]))
        ax_.set_yscale("log")
        ax_.set_ylabel("market cap (units of the input caps, log scale)")
        ax_.set_title(f"Market caps of the {n} largest names at the start")
        ax_.legend(fontsize="small", ncol=2)
    elif kind == "flows":
        cap = sim.capitulation_flow
        series = {
            "passive (net)": sim.passive_flow.sum(axis=1),
            "capitulation (gross buys)": np.where(cap > 0, cap, 0.0).sum(axis=1),
            "short covering": sim.short_covering_flow.sum(axis=1),
        }
        for label, v in series.items():
            ax_.plot(steps, np.cumsum(v), lw=1.2, label=label)
        ax_.set_ylabel("cumulative money bought (units of the input caps)")
        ax_.set_title("Cumulative flows by source")
        ax_.legend(fontsize="small")
    else:
        ax_.plot(steps, sim.effective_n, lw=1.2, color="C0")
        ax_.set_ylabel("effective number of names, 1/HHI")
        ax_.set_title("Concentration path: effective number of names")
    ax_.set_xlabel("step (0 = start)")
    return ax_


def _plot_dispersion_pnl(frame: pd.DataFrame, *, ax: Any) -> Any:
    """DispersionTradePnL.plot: cumulative P&L by leg, or bars for one trade."""
    ax_ = _axes(ax)
    legs = {"index_leg": "index leg (short)", "constituent_legs": "member legs (long)"}
    if len(frame) == 1:
        labels = ["index leg (short)", "member legs (long)", "total"]
        values = frame.iloc[0][["index_leg", "constituent_legs", "total"]].to_numpy(float)
        ax_.bar(labels, values, color=["C0", "C1", "k"])
        ax_.axhline(0.0, color="k", lw=0.5)
        ax_.set_xlabel("leg")
        ax_.set_ylabel("P&L (units of the notional)")
        ax_.set_title("Dispersion trade P&L by leg")
        return ax_
    dated = isinstance(frame.index, pd.DatetimeIndex)
    x: Any = frame.index if dated else np.arange(len(frame))
    cum = frame.fillna(0.0).cumsum()
    for col, label in legs.items():
        ax_.plot(x, cum[col].to_numpy(), lw=1.0, label=label)
    ax_.plot(x, cum["total"].to_numpy(), lw=1.6, color="k", label="total")
    ax_.axhline(0.0, color="k", lw=0.5)
    if dated:
        _result_date_axis(ax_)
        ax_.set_xlabel("trade date")
    else:
        ax_.set_xlabel("trade number")
    ax_.set_ylabel("cumulative P&L (units of the notional)")
    ax_.set_title(f"Dispersion trade: cumulative P&L over {len(frame)} trades")
    ax_.legend(fontsize="small")
    return ax_


def _plot_cvar_allocation(frame: pd.DataFrame, *, top: int, ax: Any) -> Any:
    """CVaRAllocation.plot: contributions against budgets for the largest contributors."""
    n = min(top, len(frame))
    order = np.argsort(-frame["contribution"].to_numpy(), kind="stable")[:n]
    sel = frame.iloc[order[::-1]]
    y = np.arange(n)
    ax_ = _axes(ax)
    ax_.barh(y - 0.2, sel["contribution"].to_numpy(), height=0.4, label="CVaR contribution")
    ax_.barh(y + 0.2, sel["budget"].to_numpy(), height=0.4, color="grey", label="budget")
    ax_.set_yticks(y, [str(a) for a in sel.index])
    ax_.axvline(0.0, color="k", lw=0.5)
    ax_.set_xlabel("loss per period (decimal)")
    ax_.set_ylabel("asset")
    ax_.set_title(f"CVaR contributions against budgets (largest {n})")
    ax_.legend(fontsize="small")
    return ax_


def _plot_lead_lag(result: Any, *, ax: Any) -> Any:
    """LeadLag.plot: cross-correlation by lag, the best lag marked."""
    corr = result.correlations
    ax_ = _axes(ax)
    ax_.bar(corr.index.to_numpy(), corr.to_numpy(), width=0.8, color="C0")
    ax_.bar([result.best_lag], [result.best_correlation], width=0.8, color="C3", label="best")
    ax_.axhline(0.0, color="k", lw=0.5)
    ax_.set_xlabel("lag k in periods (k > 0: x leads y)")
    ax_.set_ylabel("correlation of x(t) and y(t+k)")
    ax_.set_title(f"Cross-correlation by lag (best lag {result.best_lag})")
    ax_.legend(fontsize="small")
    return ax_
