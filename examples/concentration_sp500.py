"""
S&P 500 concentration, 2012–2026
================================

Concentration of the S&P 500, 2012–2026, from the bundled market-cap snapshots.

Run: ``python examples/concentration_sp500.py`` (needs the ``plot`` extra for its figure; add
``--plot out.png`` to save it).

What it shows: the share of the ten largest companies, the effective number of names (1/HHI)
and I_C (mean cap of the top 10 over the median cap) at each snapshot, and how much of the
index's daily return in 2013–2018 came from the ten largest names.
"""

from __future__ import annotations

import argparse

import numpy as np

import divergence as dv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plot", default=None, help="write a PNG figure to this path")
    args = parser.parse_args()

    caps = dv.datasets.load_sp500_market_caps()  # share classes merged: one column per company
    prof = dv.concentration.concentration_profile(caps, top_k=10)
    cols = ["n", "top_k_share", "effective_n", "concentration_coefficient", "gini"]
    print("S&P 500 concentration at each snapshot (full market caps):")
    print(prof[cols].round(3).to_string())

    first, last = prof.iloc[0], prof.iloc[-1]
    print(
        f"\nTop-10 share {first['top_k_share']:.1%} -> {last['top_k_share']:.1%}; "
        f"effective N {first['effective_n']:.0f} -> {last['effective_n']:.0f}; "
        f"I_C {first['concentration_coefficient']:.1f} -> {last['concentration_coefficient']:.1f}"
    )

    # Lorenz curve of the latest snapshot
    pop, cum = dv.concentration.lorenz_curve(caps.iloc[-1])
    half = np.searchsorted(cum, 0.5)
    print(
        f"Latest snapshot: the largest {1 - pop[half]:.0%} of members hold half of the total cap; "
        f"Gini {dv.concentration.gini(caps.iloc[-1]):.3f}"
    )

    # how much of the daily index return came from the 10 largest names, 2013-2018
    prices = dv.datasets.load_sp500_prices()
    daily_caps = dv.datasets.load_sp500_daily_market_caps()
    rets = prices.pct_change(fill_method=None)
    rets = rets.mask(rets.abs() > 0.35)  # documented spin-off / split artefacts
    contrib = dv.breadth.return_contributions(rets, daily_caps)
    top10 = daily_caps.shift(1).rank(axis=1, ascending=False) <= 10
    share = contrib.where(top10).sum(axis=1).sum() / contrib.sum(axis=1).sum()
    print(f"2013-2018: the 10 largest names delivered {share:.1%} of summed daily return points")

    # Figure: top-10 share and the Lorenz curve of the latest snapshot (lines break across
    # the 2018-2024 gap in the snapshots instead of bridging it).
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    dv.plotting.concentration_over_time(prof, "top_k_share", ax=axes[0])
    axes[0].set_ylabel("top-10 share of total cap")
    dv.plotting.lorenz_curve(caps.iloc[-1], ax=axes[1])
    fig.tight_layout()
    if args.plot:
        fig.savefig(args.plot, dpi=110)
        print(f"wrote {args.plot}")


if __name__ == "__main__":
    main()
