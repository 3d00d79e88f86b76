"""
Dispersion of the S&P 500, 2013–2018
====================================

Dispersion of the S&P 500, 2013-2018, on the bundled real data.

Run:  python examples/dispersion_sp500.py

1. Realised average correlation of the members (cap-weighted and plain) over 63-day windows.
2. The realised counterpart of the Cboe dispersion index, and daily cross-sectional dispersion.
3. VIX (implied) against the S&P 500's subsequent realised volatility.
4. A stylised dispersion trade: quarterly variance swaps struck at the trailing realised vols
   (a proxy: no single-stock implied vols are bundled), paid on the next quarter's realised.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import divergence as dv
from divergence import breadth, dispersion

WINDOW = 63

prices = dv.datasets.load_sp500_prices()
caps = dv.datasets.load_sp500_daily_market_caps()
rets = prices.pct_change(fill_method=None)
rets = rets.mask(rets.abs() > 0.35)  # documented artefacts: spin-offs, a split glitch
weights = caps.shift(1)  # weight in period t = cap at the end of t - 1

# 1. realised correlation
rho_w = dispersion.realized_correlation(rets, weights, window=WINDOW, method="weighted")
rho_m = dispersion.realized_correlation(rets, window=WINDOW, method="mean")
print("Realised average correlation, 63-day windows (yearly means):")
print(
    pd.DataFrame({"cap-weighted": rho_w, "all pairs": rho_m})
    .groupby(rho_w.index.year)
    .mean()
    .round(3)
    .to_string()
)

# 2. realised dispersion
index_ret = breadth.index_return(rets, caps)
member_vol = rets.rolling(WINDOW).std() * np.sqrt(252)
index_vol = index_ret.rolling(WINDOW).std() * np.sqrt(252)
ok = index_vol.notna()
disp = dispersion.dispersion_index(index_vol[ok], member_vol[ok], weights[ok])
csd = dispersion.cross_sectional_dispersion(rets.iloc[1:], weights.iloc[1:])
print(f"\nRealised dispersion index (annualised): median {disp.median():.1%}")
print(f"Daily cross-sectional dispersion: median {csd.median():.2%}")

# 3. implied vs realised index volatility
spx_ret = dv.datasets.load_sp500_index()["close"].pct_change()
fwd_rv = np.sqrt(252 * (spx_ret**2).rolling(21).mean().shift(-21))
vix = dv.datasets.load_vix()["close"] / 100
both = pd.concat({"vix": vix, "realised_next_21d": fwd_rv}, axis=1, sort=True)
both = both.loc[rets.index[0] : rets.index[-1]].dropna()
print("\nVIX vs subsequent realised S&P 500 vol (annualised):")
print(both.describe().loc[["mean", "50%", "max"]].round(3).to_string())

# 4. stylised quarterly dispersion trades (strikes = trailing realised vols)
starts = index_vol.dropna().index[::WINDOW]
ends = [
    index_vol.index[min(index_vol.index.get_loc(s) + WINDOW, len(index_vol) - 1)] for s in starts
]
trades = pd.DataFrame({"start": starts, "end": ends}).iloc[:-1]
k_idx = index_vol.loc[trades["start"]].to_numpy()
k_mem = member_vol.loc[trades["start"]].to_numpy()
s_idx = index_vol.loc[trades["end"]].to_numpy()
s_mem = member_vol.loc[trades["end"]].to_numpy()
w0 = weights.loc[trades["start"]].to_numpy()
traded = ~np.isnan(k_mem) & ~np.isnan(s_mem)
k_mem, s_mem = np.where(traded, k_mem, np.nan), np.where(traded, s_mem, np.nan)
for scheme in ("vega", "theta", "variance"):
    pnl = dispersion.dispersion_trade_pnl(
        k_idx, k_mem, s_idx, s_mem, w0, notional=100_000.0, weighting=scheme
    )
    frame = pnl.to_frame()
    print(
        f"\n{scheme:>8}-weighted, {len(frame)} quarterly trades, index vega notional "
        f"100,000 per vol point: mean P&L {frame['total'].mean():,.0f} "
        f"(index leg {frame['index_leg'].mean():,.0f}, "
        f"member legs {frame['constituent_legs'].mean():,.0f}); "
        f"positive in {(frame['total'] > 0).mean():.0%} of quarters"
    )

# %%
# Figure: realised average correlation and the realised dispersion index.
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 3.4))
axes[0].plot(rho_w.index, rho_w.to_numpy(), label="cap-weighted")
axes[0].plot(rho_m.index, rho_m.to_numpy(), label="all pairs")
axes[0].set_title(f"realised average correlation, {WINDOW} days")
axes[0].legend()
axes[1].plot(disp.index, 100 * disp.to_numpy(), label="realised dispersion index")
axes[1].plot(index_vol.index, 100 * index_vol.to_numpy(), label="index vol")
axes[1].set_title("annualised, vol points")
axes[1].legend()
fig.tight_layout()
