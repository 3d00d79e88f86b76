"""
Which flow mechanism concentrates the index?
============================================

Which flow mechanism concentrates the S&P 500? A simulation on the bundled 2026 caps.

Runs :func:`divergence.flows.simulate_flows` under each mechanism of
:func:`divergence.flows.illustrative_scenarios` alone and all together, on the latest bundled
S&P 500 snapshot, with the same random news in every scenario, and prints the effective number
of names after ten years of quarterly steps (:func:`divergence.flows.scenario_effective_n`).
Then checks the key closed form: with a common multiplier, cap-weighted flows leave every
weight unchanged.

Run: ``python examples/flows_concentration.py`` (about a second).
"""

from __future__ import annotations

import numpy as np

import divergence as dv
from divergence.flows import (
    fixed_share_multiplier,
    illustrative_scenarios,
    scenario_effective_n,
    simulate_flows,
)

snap = dv.datasets.load_sp500_market_caps()
caps = snap.iloc[-1].dropna()
caps = caps[caps > 0]
total = float(caps.sum())

# The five mechanisms of the report and the user guide (flows.illustrative_scenarios lists their
# settings): an index-fund inflow of 0.5% of the market a quarter, a multiplier of 5 at the median
# company, 4% news a quarter; active managers who underweight the largest names (weights
# proportional to cap^0.8) and give up when their tracking error passes 1.02x its starting value;
# short sellers with 3% of every company and stops at 25%, 50% and 100% losses.
scenarios = illustrative_scenarios(caps, n_steps=40)
m = fixed_share_multiplier(0.8)  # Gabaix-Koijen: theta = 0.8 -> M = 5, as in the scenarios
# Mean effective number of names per quarter over seeds 0..9 (same news in every scenario).
eff_n = scenario_effective_n(caps, scenarios, n_seeds=10)

print(f"S&P 500 caps of {snap.index[-1]:%Y-%m-%d}: {len(caps)} names, USD {total / 1e12:.1f}T")
print(f"{'scenario':<40}{'eff. N start':>13}{'after 10y':>11}{'top weight':>12}")
for name, kw in scenarios.items():
    top = np.mean([simulate_flows(caps, seed=s, **kw).weights[-1].max() for s in range(10)])
    eff = eff_n[name]
    print(f"{name:<40}{eff.iloc[0]:>13.1f}{eff.iloc[-1]:>11.1f}{top:>12.1%}")

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
for label in eff_n:
    ax.plot(eff_n.index, eff_n[label], label=label)
ax.set_xlabel("quarter")
ax.set_ylabel("effective number of names")
ax.legend(fontsize="small")
fig.tight_layout()
