r"""P&L of a variance-swap dispersion trade, leg by leg (private)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from divergence._numeric import row_sum, safe_divide
from divergence._typing import PanelLike
from divergence._validation import as_array, check_float, check_option, check_same_layout
from divergence.dispersion._common import cross_weights, per_row_values, renormalize

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = ["DispersionTradePnL", "dispersion_trade_pnl"]

Weighting = Literal["vega", "theta", "variance"]
_WEIGHTINGS = ("vega", "theta", "variance")


@dataclass(frozen=True, slots=True)
class DispersionTradePnL:
    """P&L of a dispersion trade by leg (see :func:`dispersion_trade_pnl` for units).

    Attributes
    ----------
    index_leg : float, ndarray or Series
        P&L of the short index variance swap, one per trade.
    constituent_legs : ndarray, Series or DataFrame
        P&L of each long member variance swap (layout of ``constituent_implied_vols``).
    total : float, ndarray or Series
        ``index_leg`` plus the sum of ``constituent_legs``.
    index_notional : float, ndarray or Series
        Variance notional of the index leg (money per vol point squared).
    constituent_notionals : ndarray, Series or DataFrame
        Variance notionals of the member legs (money per vol point squared).
    weighting : str
        The weighting scheme used.

    Notes
    -----
    Built by :func:`dispersion_trade_pnl` only. ``total`` is the index leg plus the sum of the
    member legs, so a flat trade (implied equal to realised on every leg) has zero P&L.

    Examples
    --------
    >>> from divergence.dispersion import dispersion_trade_pnl
    >>> pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5],
    ...                            notional=10_000)
    >>> print(pnl.to_frame().round(1).to_string())
       index_leg  constituent_legs    total
    0    19000.0               0.0  19000.0
    """

    index_leg: Any
    constituent_legs: Any
    total: Any
    index_notional: Any
    constituent_notionals: Any
    weighting: str

    def to_frame(self) -> pd.DataFrame:
        """One row per trade: ``index_leg``, ``constituent_legs`` (summed), ``total``.

        Returns
        -------
        DataFrame
            Columns ``index_leg``, ``constituent_legs`` (sum over members) and ``total``, in
            money; indexed like ``total`` when it is a Series.

        Examples
        --------
        >>> from divergence.dispersion import dispersion_trade_pnl
        >>> pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5])
        >>> print(pnl.to_frame().round(2).to_string())
           index_leg  constituent_legs  total
        0        1.9               0.0    1.9
        """
        idx = self.total.index if isinstance(self.total, pd.Series) else None
        legs = self.constituent_legs
        if isinstance(legs, pd.DataFrame):
            leg_sum = legs.sum(axis=1, min_count=1).to_numpy()
        else:
            arr = np.atleast_2d(np.asarray(legs, dtype=np.float64))
            leg_sum = np.where(np.isnan(arr).all(axis=1), np.nan, np.nansum(arr, axis=1))
        return pd.DataFrame(
            {
                "index_leg": np.atleast_1d(np.asarray(self.index_leg, dtype=np.float64)),
                "constituent_legs": leg_sum,
                "total": np.atleast_1d(np.asarray(self.total, dtype=np.float64)),
            },
            index=idx,
        )

    # ----------------------------------------------------------------- views
    def _members(self) -> int:
        legs = self.constituent_legs
        return int(np.shape(legs)[-1]) if np.ndim(legs) else 1

    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        frame = self.to_frame()
        total = float(np.nansum(frame["total"].to_numpy()))
        return short_repr(
            "DispersionTradePnL",
            {"trades": len(frame), "members": self._members(), "weighting": self.weighting},
            f"total P&L {format_value(total)}",
        )

    def summary(self) -> Summary:
        r"""What was traded and the P&L of each leg: sum, mean, spread and extremes.

        Returns
        -------
        Summary
            Settings (trades, members, weighting, first and last trade when the trades are
            dated, share of trades with a positive total) and one table ``"P&L by leg"``:
            rows ``index_leg``, ``constituent_legs`` (summed over members), ``total``;
            columns ``sum``, ``mean``, ``std`` (sample, ``ddof=1``; NaN for one trade),
            ``min``, ``max``, in money (the unit of ``notional``). NaN trades are skipped.

        Notes
        -----
        For trade :math:`t`, :math:`\Pi_t = \Pi^{I}_t + \sum_i \Pi^{i}_t` (see
        :func:`dispersion_trade_pnl`); the table reports :math:`\sum_t \Pi_t`,
        :math:`\bar\Pi`, :math:`s_\Pi`, :math:`\min_t \Pi_t` and :math:`\max_t \Pi_t`
        per leg.

        References
        ----------
        .. [1] Bennett, C. (2014), *Trading Volatility, Correlation, Term Structure and
           Skew*, ch. 8 (dispersion trading).

        Examples
        --------
        >>> from divergence.dispersion import dispersion_trade_pnl
        >>> pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5],
        ...                            notional=10_000)
        >>> print(f'{pnl.summary().tables["P&L by leg"].loc["total", "sum"]:.1f}')
        19000.0
        """
        from divergence._summary import Summary

        frame = self.to_frame()
        values = frame.to_numpy(dtype=np.float64)
        n_ok = (~np.isnan(values)).sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.nanmean(values, axis=0) if n_ok.all() else np.full(3, np.nan)
            if n_ok.all():
                std = np.nanstd(values, axis=0, ddof=1) if (n_ok > 1).all() else np.full(3, np.nan)
                lo, hi = np.nanmin(values, axis=0), np.nanmax(values, axis=0)
            else:
                std = lo = hi = np.full(3, np.nan)
        table = pd.DataFrame(
            {"sum": np.nansum(values, axis=0), "mean": mean, "std": std, "min": lo, "max": hi},
            index=pd.Index(list(frame.columns), name="leg"),
        )
        total = frame["total"].to_numpy()
        valid = total[~np.isnan(total)]
        settings: list[tuple[str, object]] = [
            ("Trades", len(frame)),
            ("Members", self._members()),
            ("Weighting", self.weighting),
            ("Winning trades", float(np.mean(valid > 0)) if valid.size else float("nan")),
        ]
        if isinstance(frame.index, pd.DatetimeIndex) and len(frame):
            settings += [
                ("First trade", frame.index[0].strftime("%Y-%m-%d")),
                ("Last trade", frame.index[-1].strftime("%Y-%m-%d")),
            ]
        return Summary(
            "Dispersion trade P&L (short index variance, long member variance)",
            settings,
            [("P&L by leg", table)],
            notes=["Money in the unit of notional; winning trades = share with total > 0."],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(self, *, ax: Any = None) -> Any:
        r"""Cumulative P&L of each leg and of the trade (bars by leg for a single trade).

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on, titled, axes labelled with units; a dated index gives a date
            axis (matplotlib's ConciseDateFormatter).

        Raises
        ------
        ImportError
            matplotlib is not installed (``pip install "divergence[plot]"``).

        Notes
        -----
        Lines show :math:`\sum_{s \le t} \Pi^{\text{leg}}_s` with NaN trades counted as 0.

        References
        ----------
        .. [1] Bennett, C. (2014), *Trading Volatility, Correlation, Term Structure and
           Skew*, ch. 8 (dispersion trading).

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from divergence.dispersion import dispersion_trade_pnl
        >>> pnl = dispersion_trade_pnl([0.2, 0.2], [[0.3, 0.3], [0.3, 0.3]], [0.18, 0.22],
        ...                            [[0.3, 0.3], [0.3, 0.3]], [0.5, 0.5])
        >>> ax = pnl.plot()
        >>> print(ax.get_ylabel(), len(ax.lines))
        cumulative P&L (units of the notional) 4
        """
        from divergence.plotting import _plot_dispersion_pnl

        return _plot_dispersion_pnl(self.to_frame(), ax=ax)


def dispersion_trade_pnl(
    index_implied_vol: Any,
    constituent_implied_vols: PanelLike,
    index_realized_vol: Any,
    constituent_realized_vols: PanelLike,
    weights: PanelLike,
    *,
    notional: float = 1.0,
    weighting: Weighting = "vega",
) -> DispersionTradePnL:
    r"""P&L of a dispersion trade: short index variance, long member variance, by leg.

    Parameters
    ----------
    index_implied_vol : float, array_like or Series
        Strike of the index variance swap, as a volatility (annualised, decimal, > 0): one
        per trade.
    constituent_implied_vols : array_like, Series or DataFrame
        Strikes of the members' variance swaps (annualised vols, decimal, > 0); 1-D for one
        trade, 2-D for one trade per row (e.g. a new trade each month). NaN = name not traded.
    index_realized_vol : float, array_like or Series
        Realised volatility of the index over the life of the trade (annualised, decimal,
        the variance-swap convention :math:`\sqrt{(252/n)\sum_t r_t^2}`), one per trade.
    constituent_realized_vols : array_like, Series or DataFrame
        Realised volatilities of the members, layout of ``constituent_implied_vols``.
    weights : array_like, Series or DataFrame
        Index weights at inception (non-negative; layout of the member vols or one per
        column), renormalised over the names traded.
    notional : float, default 1.0
        Vega notional of the index leg: money per volatility point (0.01 of annualised vol).
    weighting : {"vega", "theta", "variance"}, default "vega"
        How the member legs are sized against the index leg (see Notes).

    Returns
    -------
    DispersionTradePnL
        ``index_leg``, ``constituent_legs``, ``total`` (money, same unit as ``notional``),
        the variance notionals of each leg, and ``to_frame()``.

    Raises
    ------
    InputError
        Non-positive implied vols, negative realised vols or weights, mismatched layouts,
        non-finite ``notional``.
    TypeError
        Non-numeric input.

    See Also
    --------
    dispersion_index : implied :math:`D^2 = \sum_i w_i\sigma_i^2 - \sigma_I^2`.

    Notes
    -----
    Each leg is a variance swap. With vols in points (:math:`100\times` decimal), a long
    swap with variance notional :math:`N` and strike :math:`K` pays
    :math:`N(\sigma_{\text{real}}^2 - K^2)` at expiry; its vega notional is
    :math:`V = 2KN` (P&L :math:`\approx V(\sigma_{\text{real}} - K)` for small moves). The
    trade is short the index swap (vega notional ``notional``,
    :math:`N_I = V/(2K_I)`) and long one swap per member, sized by ``weighting``
    (:math:`w_i` the index weights):

    * ``"vega"``: member vega notionals :math:`V_i = w_i V` (total vega equal on both sides);
    * ``"theta"``: :math:`V_i = w_i V K_I / \sum_j w_j K_j`, so the members' theta
      :math:`\sum_i N_iK_i^2` equals the index's :math:`N_IK_I^2` (the member side is smaller
      by about :math:`\sqrt{\rho}`);
    * ``"variance"``: variance notionals :math:`N_i = w_i N_I`. Then

      .. math:: \text{P\&L} = N_I\left(D^2_{\text{real}} - D^2_{\text{impl}}\right), \qquad
                D^2 = \sum_i w_i \sigma_i^2 - \sigma_I^2

      the realised minus implied squared dispersion index (vol points squared).

    Leg P&L:

    .. math:: \text{P\&L}_I = -N_I(\sigma_{I,\text{real}}^2 - K_I^2), \qquad
              \text{P\&L}_i = N_i(\sigma_{i,\text{real}}^2 - K_i^2)

    Long dispersion is short correlation: with member vols fixed, a higher realised
    correlation raises :math:`\sigma_{I,\text{real}}` and lowers the P&L. Caps on variance
    swaps, financing and transaction costs are not modelled.

    **Complexity.** O(T·N) time and O(T·N) memory (validated copies, weights, notionals and legs;
    the outputs are panel-sized); T = dates, N = constituents.

    References
    ----------
    .. [1] Bennett, C. (2014), *Trading Volatility, Correlation, Term Structure and Skew*,
       chapter 7 (vega-, theta- and variance-weighted dispersion).
    .. [2] Demeterfi, K., Derman, E., Kamal, M. and Zou, J. (1999), "More than you ever
       wanted to know about volatility swaps", Goldman Sachs Quantitative Strategies.

    Examples
    --------
    Index implied 20%, two members implied 30%; realised correlation came in lower than
    implied, so the index realised only 18% while the members realised their implied vol:

    >>> from divergence.dispersion import dispersion_trade_pnl
    >>> pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5],
    ...                            notional=10_000)
    >>> print(f"{pnl.index_leg:,.0f} {pnl.total:,.0f}")
    19,000 19,000
    """
    scheme = check_option(weighting, "weighting", _WEIGHTINGS)
    vega = check_float(notional, "notional")
    k_i, meta = as_array(constituent_implied_vols, "constituent_implied_vols", positive=True)
    s_i, smeta = as_array(constituent_realized_vols, "constituent_realized_vols", nonnegative=True)
    check_same_layout(meta, smeta)
    k2 = np.atleast_2d(k_i)
    s2 = np.atleast_2d(s_i)
    n_rows = k2.shape[0]
    w = cross_weights(weights, meta, k2.shape)
    k_idx = per_row_values(index_implied_vol, "index_implied_vol", meta, n_rows, positive=True)
    s_idx = per_row_values(index_realized_vol, "index_realized_vol", meta, n_rows)
    present = ~np.isnan(k2) & ~np.isnan(s2) & ~np.isnan(w)
    wn = renormalize(w, present)
    kp, kip = 100.0 * k2, 100.0 * k_idx  # vol points
    sp, sip = 100.0 * s2, 100.0 * s_idx
    n_index = vega / (2.0 * kip)
    if scheme == "vega":
        n_names = wn * vega / (2.0 * kp)
    elif scheme == "theta":
        scale = safe_divide(kip, row_sum(wn * kp))  # NaN for a row with no member traded
        n_names = wn * (vega * scale)[:, None] / (2.0 * kp)
    else:
        n_names = wn * n_index[:, None]
    index_leg = -n_index * (sip**2 - kip**2)
    legs = n_names * (sp**2 - kp**2)
    any_leg = np.isfinite(legs).any(axis=1)
    total = np.where(any_leg, index_leg + row_sum(legs), np.nan)
    meta = meta.as_pandas()  # a result object holds pandas whatever the input type
    return DispersionTradePnL(
        index_leg=meta.wrap_reduction(index_leg, name="index_leg"),
        constituent_legs=meta.wrap_like(legs.reshape(meta.shape)),
        total=meta.wrap_reduction(total, name="total"),
        index_notional=meta.wrap_reduction(n_index, name="index_notional"),
        constituent_notionals=meta.wrap_like(n_names.reshape(meta.shape)),
        weighting=scheme,
    )
