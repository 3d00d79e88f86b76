"""
Which flow mechanism concentrates the index?
============================================

Which flow mechanism concentrates the S&P 500? A simulation on the bundled 2026 caps.

Runs :func:`divergence.flows.simulate_flows` under each mechanism alone and all together, on
the latest bundled S&P 500 snapshot, with the same random news in every scenario, and prints
the effective number of names after ten years of quarterly steps. Then checks the key closed
form: with a common multiplier, cap-weighted flows leave every weight unchanged.

Run: ``python examples/flows_concentration.py`` (about a second).
"""

from __future__ import annotations

import numpy as np

import divergence as dv
from divergence.flows import fixed_share_multiplier, simulate_flows

snap = dv.datasets.load_sp500_market_caps()
caps = snap.iloc[-1].dropna()
caps = caps[caps > 0]
total = float(caps.sum())

# Active managers underweight the largest names (weights proportional to cap^0.8) and give up
# when their tracking error passes 1.02x its starting value.
active = caps.to_numpy() ** 0.8
active /= active.sum()
te0 = 0.3 * float(np.sqrt(np.sum((active - caps.to_numpy() / total) ** 2)))

m = fixed_share_multiplier(0.8)  # Gabaix-Koijen: theta = 0.8 -> M = 5
base = {
    "n_steps": 40,
    "passive_flows": 0.005 * total,
    "multiplier": m,
    "reference_cap": float(caps.median()),
    "volatility": 0.04,
}
capitulation = {
    "active_weights": active,
    "active_aum": 0.03 * total,
    "tracking_error_limit": 1.02 * te0,
}
shorts = {"short_interest": 0.03, "short_loss_limits": [0.25, 0.5, 1.0]}
scenarios = {
    "passive, common M": {},
    "passive, M grows with size (b=0.5)": {"size_slope": 0.5},
    "passive + capitulation, common M": capitulation,
    "passive + short covering, common M": shorts,
    "all together (b=0.5)": {"size_slope": 0.5, **capitulation, **shorts},
}

print(f"S&P 500 caps of {snap.index[-1]:%Y-%m-%d}: {len(caps)} names, USD {total / 1e12:.1f}T")
print(f"{'scenario':<40}{'eff. N start':>13}{'after 10y':>11}{'top weight':>12}")
for name, kw in scenarios.items():
    runs = [simulate_flows(caps, seed=s, **base, **kw) for s in range(10)]
    eff = np.mean([r.effective_n for r in runs], axis=0)
    top = np.mean([r.weights[-1].max() for r in runs])
    print(f"{name:<40}{eff[0]:>13.1f}{eff[-1]:>11.1f}{top:>12.1%}")

# The closed form: no news, common multiplier -> weights do not move, however large the flow.
flat = simulate_flows(caps, n_steps=40, passive_flows=0.02 * total, multiplier=m)
drift = np.abs(flat.weights[-1] - flat.weights[0]).max()
print(
    f"\nCommon multiplier, no news, 2%/quarter inflow: caps x{flat.caps[-1].sum() / total:.1f}, "
    f"largest weight change {drift:.1e}"
)

# %%
# Figure: the effective number of names under each mechanism (mean of 10 seeds).
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.6))
for label, kw in scenarios.items():
    path = np.mean(
        [simulate_flows(caps, seed=s, **base, **kw).effective_n for s in range(10)], axis=0
    )
    ax.plot(path, label=label)
ax.set_xlabel("quarter")
ax.set_ylabel("effective number of names")
ax.legend(fontsize="small")
fig.tight_layout()
