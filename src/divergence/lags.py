r"""Estimating transmission lags from data: local projections and lead–lag correlation.

The refinancing simulator makes lags *emerge* from a debt book; this module estimates the same
lags from observed series, so the two can be compared. Both functions take aligned time series
(rows = periods, oldest first) and never look ahead beyond the horizon they report on.

statsmodels is imported inside :func:`local_projection` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._typing import SeriesLike
from divergence._validation import (
    as_array,
    check_bool,
    check_float,
    check_int,
    check_same_layout,
    to_caller,
)
from divergence.errors import InputError

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = ["LeadLag", "lead_lag", "local_projection"]


def _horizons(horizons: object, n_obs: int) -> list[int]:
    if isinstance(horizons, int | np.integer) and not isinstance(horizons, bool):
        h_max = check_int(horizons, "horizons", minimum=0)
        hs = None  # built once h_max is known to fit the data
    elif isinstance(horizons, Sequence | np.ndarray) and not isinstance(horizons, str):
        hs = [check_int(h, "horizons", minimum=0) for h in horizons]
        if not hs:
            raise InputError("horizons is empty")
        h_max = max(hs)
    else:
        raise TypeError(
            f"horizons must be an int (0 … H) or a sequence of ints, got {type(horizons).__name__}"
        )
    if h_max >= n_obs - 2:
        raise InputError(f"horizons up to {h_max} leave too few observations (n = {n_obs})")
    return list(range(h_max + 1)) if hs is None else hs


@renamed_arguments(removed_in="0.3", alpha=("confidence", lambda a: 1.0 - a))
def local_projection(
    y: SeriesLike,
    shock: SeriesLike,
    *,
    horizons: int | Sequence[int],
    controls: Any = None,
    difference: bool = True,
    confidence: float = 0.95,
    hac_lags: int | None = None,
) -> Any:
    r"""Impulse response of ``y`` to ``shock`` by local projections (Jordà 2005).

    One OLS regression per horizon ``h`` with Newey–West (HAC) standard errors:

    Parameters
    ----------
    y : array_like or Series
        Outcome series (any units), oldest first. NaN rows are dropped per horizon.
    shock : array_like or Series
        Shock or policy series, same length (and index, if both are pandas).
    horizons : int or sequence of int
        ``H`` for horizons ``0 … H``, or an explicit list (periods, ``>= 0``).
    controls : array_like, Series or DataFrame, optional
        Controls dated ``t`` (e.g. lags of ``y`` and of ``shock``), same number of rows.
    difference : bool, default True
        Regress :math:`y_{t+h} - y_{t-1}` (cumulative response of a level); ``False``
        regresses :math:`y_{t+h}`.
    confidence : float, default 0.95
        Two-sided confidence level of the bands, in (0, 1). (Renamed from ``alpha``, with
        ``alpha = 1 - confidence``; the old name works until 0.3 with a
        :class:`~divergence.errors.DivergenceDeprecationWarning`.)
    hac_lags : int, optional
        Newey–West truncation lag (``0 … n - 1``); default ``h + 1`` at horizon ``h`` (the
        overlap of ``h``-step-ahead errors induces MA(``h``) residuals).

    Returns
    -------
    DataFrame
        Index ``horizon``; columns ``coef`` (response of ``y`` in its units per unit of
        ``shock``), ``se`` (HAC), ``lower``, ``upper`` (normal band at ``confidence``) and
        ``nobs``.

    Raises
    ------
    InputError
        Mismatched lengths or indexes, horizons too long for the data, bad ``confidence``,
        ``hac_lags`` not shorter than the data, collinear regressors (a constant shock or
        control).
        ``y``, ``shock`` or ``controls`` with unsorted, duplicate or missing (NaT) dates: sort with
        ``sort_index()`` or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric inputs.

    Notes
    -----
    .. math:: y_{t+h} - y_{t-1} = \alpha_h + \beta_h\, s_t + \Gamma_h' x_t +
       \varepsilon_{t+h}, \qquad h = 0, 1, \dots, H

    :math:`\beta_h` is the impulse response at horizon :math:`h`. Responses at
    different horizons are estimated separately, so bands are pointwise, not joint, and they
    are wide when the shock is persistent or the sample short; report them.

    **Complexity.** One OLS fit with a HAC covariance per horizon: O(T·k²·L) time per horizon for T
    observations, k regressors and L HAC lags (default L = h + 1, so O(T·k²·H²) over horizons 0…H);
    O(T·k) memory.

    References
    ----------
    .. [1] Ò. Jordà, "Estimation and Inference of Impulse Responses by Local Projections",
       *American Economic Review* 95(1) (2005) 161–182.
    .. [2] W. Newey and K. West, "A Simple, Positive Semi-definite, Heteroskedasticity and
       Autocorrelation Consistent Covariance Matrix", *Econometrica* 55(3) (1987) 703–708.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> s = rng.standard_normal(400)
    >>> y = np.r_[0.0, 0.0, 2.0 * s[:-2]] + 0.1 * rng.standard_normal(400)
    >>> lp = local_projection(y, s, horizons=3, difference=False)
    >>> print(lp["coef"].round(1).tolist())
    [-0.0, 0.0, 2.0, 0.0]
    """
    yv, ymeta = as_array(y, "y", ndim=1, min_size=4, allow_nan=True, time_ordered=True)
    sv, smeta = as_array(shock, "shock", ndim=1, min_size=4, allow_nan=True, time_ordered=True)
    check_same_layout(ymeta, smeta)
    n = yv.shape[0]
    diff = check_bool(difference, "difference")
    c = check_float(confidence, "confidence", minimum=0.0, maximum=1.0, inclusive=(False, False))
    a = 1.0 - c
    hs = _horizons(horizons, n)
    if controls is None:
        xv = np.empty((n, 0))
    else:
        xv, xmeta = as_array(controls, "controls", ndim=(1, 2), allow_nan=True, time_ordered=True)
        if xv.ndim == 1:
            xv = xv[:, None]
        if xv.shape[0] != n:
            raise InputError(f"controls must have {n} rows like y, got {xv.shape[0]}")
        same = ymeta.index is None or xmeta.index is None or xmeta.index.equals(ymeta.index)
        if not same:
            raise InputError("controls and y have different indexes")
    if hac_lags is not None:
        check_int(hac_lags, "hac_lags", minimum=0, maximum=n - 1)
    import statsmodels.api as sm
    from scipy.stats import norm

    z = float(norm.isf(a / 2.0))  # upper a/2 tail quantile
    rows = []
    for h in hs:  # a handful of horizons
        lead = np.full(n, np.nan)
        lead[: n - h] = yv[h:]
        if diff:
            lag = np.full(n, np.nan)
            lag[1:] = yv[:-1]
            dep = lead - lag
        else:
            dep = lead
        design = np.column_stack([np.ones(n), sv, xv])
        ok = ~np.isnan(dep) & ~np.isnan(design).any(axis=1)
        n_ok = int(ok.sum())
        if n_ok <= design.shape[1] + 1:
            raise InputError(
                f"horizon {h} has only {n_ok} complete observations; use shorter horizons"
            )
        rank = int(np.linalg.matrix_rank(design[ok]))
        if rank < design.shape[1]:
            raise InputError(
                f"at horizon {h} the regressors (intercept, shock, controls) are collinear: "
                f"the design has rank {rank} < {design.shape[1]} columns; a constant shock or "
                "control, or a control repeating another, leaves the response unidentified"
            )
        maxlags = h + 1 if hac_lags is None else int(hac_lags)
        fit = sm.OLS(dep[ok], design[ok]).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
        coef = float(fit.params[1])
        se = float(fit.bse[1])
        rows.append((h, coef, se, coef - z * se, coef + z * se, n_ok))
    out = pd.DataFrame(rows, columns=["horizon", "coef", "se", "lower", "upper", "nobs"])
    return to_caller(out.set_index("horizon"), ymeta)


@dataclass(frozen=True)
class LeadLag:
    r"""Cross-correlations of two series by lag (result of :func:`lead_lag`).

    Attributes
    ----------
    correlations : Series
        Correlation of :math:`x_t` with :math:`y_{t+k}` indexed by ``lag`` ``k`` (``k > 0``:
        ``x`` leads ``y`` by ``k`` periods).
    best_lag : int
        Lag with the largest absolute correlation.
    best_correlation : float
        Correlation at ``best_lag``.

    Notes
    -----
    ``best_lag`` maximises :math:`|\rho(k)|`, so a strong negative correlation wins over a
    weaker positive one; read the sign from ``best_correlation``.

    Examples
    --------
    >>> x = np.sin(np.arange(40.0))
    >>> res = lead_lag(x, np.r_[0.0, x[:-1]], 2)
    >>> print(res.best_lag, f"{res.best_correlation:.3f}")
    1 1.000
    """

    correlations: pd.Series
    best_lag: int
    best_correlation: float

    # ----------------------------------------------------------------- views
    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        lags = self.correlations.index
        return short_repr(
            "LeadLag",
            {"lags": f"{int(lags.min())}..{int(lags.max())}", "best_lag": self.best_lag},
            f"best_correlation={format_value(self.best_correlation)}",
        )

    def summary(self, *, top: int = 5) -> Summary:
        r"""The lag range, the best lag and the strongest correlations.

        Parameters
        ----------
        top : int, default 5
            Lags shown, largest :math:`|\rho(k)|` first.

        Returns
        -------
        Summary
            Settings (lags, best lag, best correlation, correlation at lag 0) and one table
            ``"Strongest lags"``: ``correlation`` by ``lag``.

        Raises
        ------
        InputError
            ``top`` < 1.
        TypeError
            ``top`` not an integer.

        Notes
        -----
        .. math:: \rho(k) = \operatorname{corr}(x_t, y_{t+k})

        References
        ----------
        .. [1] G. E. P. Box, G. M. Jenkins and G. C. Reinsel, *Time Series Analysis:
           Forecasting and Control*, 4th ed., Wiley, 2008, §11.1.

        Examples
        --------
        >>> x = np.sin(np.arange(40.0))
        >>> s = lead_lag(x, np.r_[0.0, x[:-1]], 2).summary(top=2)
        >>> print(s.tables["Strongest lags"].index.tolist())
        [1, -2]
        """
        from divergence._summary import Summary

        n = check_int(top, "top", minimum=1)
        corr = self.correlations.dropna()
        order = np.argsort(-np.abs(corr.to_numpy()), kind="stable")[:n]
        lags = self.correlations.index
        settings: list[tuple[str, object]] = [
            ("Lags", f"{int(lags.min())} to {int(lags.max())}"),
            ("Best lag", self.best_lag),
            ("Best correlation", self.best_correlation),
            ("Correlation at lag 0", float(self.correlations.get(0, np.nan))),
        ]
        return Summary(
            "Lead-lag cross-correlation",
            settings,
            [("Strongest lags", corr.iloc[order].to_frame())],
            notes=["Lag k > 0: x leads y by k periods; correlation of x(t) with y(t+k)."],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, *, ax: Any = None) -> Any:
        r"""Bars of the cross-correlation by lag, the best lag highlighted.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on, titled, axes labelled with units.

        Raises
        ------
        ImportError
            matplotlib is not installed (``pip install "divergence[plot]"``).

        Notes
        -----
        Bar :math:`k` has height :math:`\rho(k) = \operatorname{corr}(x_t, y_{t+k})`.

        References
        ----------
        .. [1] G. E. P. Box, G. M. Jenkins and G. C. Reinsel, *Time Series Analysis:
           Forecasting and Control*, 4th ed., Wiley, 2008, §11.1.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> x = np.sin(np.arange(40.0))
        >>> ax = lead_lag(x, np.r_[0.0, x[:-1]], 2).plot()
        >>> print(ax.get_title())
        Cross-correlation by lag (best lag 1)
        """
        from divergence.plotting import _plot_lead_lag

        return _plot_lead_lag(self, ax=ax)


def lead_lag(x: SeriesLike, y: SeriesLike, max_lag: int) -> LeadLag:
    r"""Cross-correlation of ``x`` and ``y`` at every lag up to ``max_lag``, and its argmax.

    Parameters
    ----------
    x, y : array_like or Series
        Aligned series of equal length (e.g. changes of the policy rate and of interest
        expense); NaN pairs are dropped lag by lag.
    max_lag : int
        Largest lead/lag in periods (``>= 0`` and shorter than the data).

    Returns
    -------
    LeadLag
        Correlations for lags ``-max_lag … max_lag`` and the lag of largest absolute value.

    Raises
    ------
    InputError
        Mismatched lengths or indexes, ``max_lag`` too long.
        ``x`` or ``y`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()``
        or de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: \rho(k) = \operatorname{corr}(x_t, y_{t+k})

    Correlation is not causation and levels of trending series correlate at every lag: pass
    changes, not levels. For inference use :func:`local_projection`.

    **Complexity.** O(K·T) time, K = 2·``max_lag`` + 1 lags (one correlation pass each); O(T)
    memory.

    References
    ----------
    .. [1] G. E. P. Box, G. M. Jenkins and G. C. Reinsel, *Time Series Analysis: Forecasting
       and Control*, 4th ed., Wiley, 2008, §11.1 (the cross-correlation function).

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> x = rng.standard_normal(500)
    >>> y = np.r_[np.zeros(3), x[:-3]] + 0.5 * rng.standard_normal(500)
    >>> print(lead_lag(x, y, 6).best_lag)
    3
    """
    xv, xmeta = as_array(x, "x", ndim=1, min_size=3, time_ordered=True)
    yv, ymeta = as_array(y, "y", ndim=1, min_size=3, time_ordered=True)
    check_same_layout(xmeta, ymeta)
    n = xv.shape[0]
    k_max = check_int(max_lag, "max_lag", minimum=0)
    if k_max > n - 3:
        raise InputError(f"max_lag={k_max} is too long for {n} observations")
    lags = np.arange(-k_max, k_max + 1)
    corr = np.full(lags.shape, np.nan)
    for i, k in enumerate(lags):  # one correlation per lag
        if k >= 0:
            a, b = xv[: n - k], yv[k:]
        else:
            a, b = xv[-k:], yv[: n + k]
        ok = ~np.isnan(a) & ~np.isnan(b)
        if ok.sum() < 3:
            continue
        a0 = a[ok] - a[ok].mean()
        b0 = b[ok] - b[ok].mean()
        den = np.sqrt((a0 * a0).sum() * (b0 * b0).sum())
        if den > 0:
            corr[i] = float((a0 * b0).sum() / den)
    series = pd.Series(corr, index=pd.Index(lags, name="lag"), name="correlation")
    if np.isnan(corr).all():
        raise InputError("x and y have no lag with a defined correlation (constant series?)")
    best = int(np.nanargmax(np.abs(corr)))
    return LeadLag(series, int(lags[best]), float(corr[best]))
