r"""Dispersion: whether a calm index hides volatile members.

When single-stock volatility is high while index volatility is low, the members' moves are
cancelling out: their average correlation is low. Dispersion trades sell index volatility and
buy member volatility to harvest that gap, and their hedging flows move prices for mechanical,
not fundamental, reasons. This subpackage measures the gap from both sides:

* **implied** (from option prices): :func:`implied_correlation`, the Cboe DSPX-style
  :func:`dispersion_index` and :func:`vol_spread`, with :func:`implied_correlation_out_of_range`
  to flag mutually inconsistent inputs;
* **model-free variance** from raw option chains, following the Cboe VIX white paper:
  :func:`model_free_variance` (one expiry), :func:`model_free_variance_panel` (many expiries,
  vectorised), :func:`implied_forward`, :func:`constant_maturity_variance` (the 30-day mix)
  and :func:`bracketing_expiries`;
* **indices in one call** from a long table of option quotes: :func:`vix_index` (the Cboe VIX
  procedure for one or many quote times) and :func:`implied_correlation_index` (implied
  correlation and DSPX-style dispersion from index and member quotes);
* **realised** (from returns): :func:`realized_correlation` (rolling average pairwise
  correlation, weighted or plain, without correlation matrices),
  :func:`cross_sectional_dispersion` and :func:`realized_volatility` (trailing or forward);
* **the trade**: :func:`dispersion_trade_pnl` (short index variance, long member variance,
  vega-, theta- or variance-weighted), returning a :class:`DispersionTradePnL`.

Volatilities and variances are annualised decimals (0.20 = 20%); returns are decimal per
period. Panels have rows = dates and columns = names; pandas in gives pandas out.
"""

from __future__ import annotations

from divergence.dispersion._implied import (
    dispersion_index,
    implied_correlation,
    implied_correlation_out_of_range,
    vol_spread,
)
from divergence.dispersion._index import implied_correlation_index, vix_index
from divergence.dispersion._realized import (
    cross_sectional_dispersion,
    realized_correlation,
    realized_volatility,
)
from divergence.dispersion._trade import DispersionTradePnL, dispersion_trade_pnl
from divergence.dispersion._vix import (
    bracketing_expiries,
    constant_maturity_variance,
    implied_forward,
    model_free_variance,
    model_free_variance_panel,
)

__all__ = [
    "DispersionTradePnL",
    "bracketing_expiries",
    "constant_maturity_variance",
    "cross_sectional_dispersion",
    "dispersion_index",
    "dispersion_trade_pnl",
    "implied_correlation",
    "implied_correlation_index",
    "implied_correlation_out_of_range",
    "implied_forward",
    "model_free_variance",
    "model_free_variance_panel",
    "realized_correlation",
    "realized_volatility",
    "vix_index",
    "vol_spread",
]
