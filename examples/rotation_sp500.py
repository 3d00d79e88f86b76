"""
Sector rotation: mechanical or fundamental?
===========================================

Sector rotation on the S&P 500, 2013-2018: mechanical (dispersion) or fundamental (rates)?

Runs in a few seconds on the bundled data:

1. cap-weighted GICS sector returns and their performance relative to the index;
2. a dispersion-regime signal built with plain pandas (cap-weighted average single-stock
   volatility minus index volatility, 63 trading days, known at the start of each day);
3. the rotation diagnostic of the defensive-minus-cyclical spread on that signal and on daily
   changes of the 10-year Treasury yield (FRED DGS10), in a rolling one-year window;
4. Shiller's S&P composite since 1871: price return = earnings growth + multiple change, by
   decade;
5. small-minus-large and value-minus-growth from the Fama-French 3x3 grid, cross-checked
   against the published SMB and HML, next to the cap- minus equal-weight gap of 2013-2018.

No earnings-revision data is bundled, so the only fundamental series here is the yield change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import divergence as dv
from divergence import breadth as br
from divergence import rotation as rot

# --- 1. sectors ------------------------------------------------------------------------
prices = dv.datasets.load_sp500_prices()
caps = dv.datasets.load_sp500_daily_market_caps()
rets = prices.pct_change(fill_method=None)
rets = rets.mask(rets.abs() > 0.35)  # documented spin-off / split artefacts -> missing

# GICS sectors as of the 2018-02-08 snapshot (covers every 2018 member; the bundled
# constituents list is from 2026 and misses the names that left since).
snap = dv.datasets.load_sp500_market_caps(long=True, merge_share_classes=False)
sectors = snap[snap["date"] == pd.Timestamp("2018-02-08")].set_index("symbol")["sector"]

sec = rot.sector_returns(rets, caps, sectors)
wts = rot.sector_weights(rets, caps, sectors)
idx = br.index_return(rets, caps)
assert np.allclose((sec * wts).sum(axis=1).iloc[1:], idx.iloc[1:], atol=1e-14)

rel = rot.relative_performance(sec, idx, cumulative=True)
print("Cumulative return relative to the index, 2013-02-11 to 2018-02-07:")
print(rel.iloc[-1].sort_values().map("{:+.1%}".format).to_string())

# --- 2. dispersion signal (plain pandas, no estimator from divergence.dispersion) -----------
window = 63
stock_vol = rets.rolling(window, min_periods=window - 10).std()
w = caps.shift(1).where(stock_vol.notna())
avg_stock_vol = (w * stock_vol).sum(axis=1, min_count=1) / w.sum(axis=1, min_count=1)
index_vol = idx.rolling(window, min_periods=window - 10).std()
vol_gap = ((avg_stock_vol - index_vol) * np.sqrt(252)).shift(1).rename("vol_gap")
print(
    f"\nvol gap (annualised): median {vol_gap.median():.1%}, range "
    f"{vol_gap.min():.1%} to {vol_gap.max():.1%}"
)

# --- 3. rotation diagnostic --------------------------------------------------------------
dgs10 = dv.datasets.load_fred("DGS10", units="decimal")["DGS10"]
d10 = dgs10.reindex(rets.index).ffill().diff().rename("d10y")  # decimal per day

defensive = ["Consumer Staples", "Health Care", "Real Estate", "Utilities"]
cyclical = [
    "Consumer Discretionary",
    "Energy",
    "Financials",
    "Industrials",
    "Information Technology",
    "Materials",
]
def_minus_cyc = rot.sector_spread(sec, wts, method="long_short", long=defensive, short=cyclical)
diag = rot.rotation_diagnostic(def_minus_cyc, vol_gap, d10, window=252)
ok = diag.dropna()
print(f"\nDefensive minus cyclical, rolling 252 days ({len(ok)} days with a fit):")
print(
    f"  median R^2 {ok['r2'].median():.3f} = dispersion {ok['r2_dispersion'].median():.3f} "
    f"+ rates {ok['r2_fundamental'].median():.3f} (medians need not add up)"
)
print(
    f"  standardised betas: vol gap {ok['beta_dispersion'].median() * 1e4:+.1f} bp, "
    f"10y change {ok['beta_d10y'].median() * 1e4:+.1f} bp per one-s.d. move"
)
print(
    f"  per-day shares of the deviation: dispersion {ok['share_dispersion'].mean():.0%}, "
    f"rates {ok['share_fundamental'].mean():.0%}, unexplained {ok['share_residual'].mean():.0%}"
)

spread = rot.sector_spread(sec, wts)  # magnitude: cap-weighted cross-sector std
diag_std = rot.rotation_diagnostic(spread, vol_gap, d10.abs().rename("abs_d10y"), window=252)
print(
    f"  cross-sector std: median R^2 {diag_std['r2'].median():.3f} "
    f"(dispersion {diag_std['r2_dispersion'].median():.3f}, "
    f"|10y change| {diag_std['r2_fundamental'].median():.3f})"
)

# --- 4. earnings vs multiples, 1871-2026 -----------------------------------------------------
sh = dv.datasets.load_shiller()
dec = rot.return_decomposition(
    sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12
).dropna()  # earnings end 2026-03: keep months where every term exists
by_decade = dec.groupby((pd.DatetimeIndex(dec.index).year // 10) * 10).sum()
print("\nShiller S&P composite, log returns per decade (1870s and 2020s partial):")
print(by_decade.round(2).to_string())
gap = by_decade["earnings_growth"] + by_decade["multiple_change"] - by_decade["price_return"]
print(f"largest adding-up error: {gap.abs().max():.1e}")

# --- 5. size and style -----------------------------------------------------------------------
ff = dv.datasets.load_fama_french("portfolios")
gaps = rot.size_style_gaps(ff)
print(f"\nFama-French 3x3, {ff.index[0]:%Y-%m} to {ff.index[-1]:%Y-%m}:")
for col, factor in (("small_minus_large", "SMB"), ("value_minus_growth", "HML")):
    corr = np.corrcoef(gaps[col], ff[factor])[0, 1]
    print(
        f"  {col}: {gaps[col].mean() * 12:+.2%}/yr (published {factor} "
        f"{ff[factor].mean() * 12:+.2%}/yr, correlation {corr:.3f})"
    )
factors = dv.datasets.load_fama_french("factors")  # published SMB/HML, 1926-07 to 2018-11
for start in ("1926", "2007"):
    avg = factors.loc[start:, ["SMB", "HML"]].mean() * 12
    print(f"  published factors from {start}: SMB {avg['SMB']:+.2%}/yr, HML {avg['HML']:+.2%}/yr")
roll = rot.size_style_gaps(ff, compound="rolling", window=60)
print(
    f"  worst 5-year small-minus-large: {roll['small_minus_large'].min():+.1%} "
    f"(ending {roll['small_minus_large'].idxmin():%Y-%m})"
)
wgap = br.weighting_gap(rets, caps)
print(
    f"S&P 500 2013-2018 cap- minus equal-weight, compounded: "
    f"{np.expm1(np.log1p(wgap.dropna()).sum()):+.1%}"
)

# %%
# Figure: sector performance relative to the cap-weighted index (cumulative).
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(8, 4))
for col in rel.columns:
    ax.plot(rel.index, rel[col].to_numpy(), lw=1, label=str(col))
ax.axhline(0.0, color="grey", lw=0.8)
ax.set_ylabel("cumulative return relative to the index")
ax.legend(fontsize="x-small", ncol=2)
fig.tight_layout()
