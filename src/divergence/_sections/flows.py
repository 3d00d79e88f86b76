"""Report section: flow mechanics on the latest S&P 500 snapshot (private)."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from divergence._sections import ReportInputs, Section
from divergence.datasets import load_sp500_market_caps
from divergence.flows import illustrative_scenarios, scenario_effective_n

#: Quarterly steps over ten years; every scenario shares the same news shocks (seeds 0..9).
N_STEPS, N_SEEDS = 40, 10


def build(inputs: ReportInputs | None = None) -> Section:
    snap = load_sp500_market_caps()
    date = pd.Timestamp(snap.index[-1])
    caps = snap.iloc[-1].dropna()
    caps = caps[caps > 0]
    eff = scenario_effective_n(caps, illustrative_scenarios(caps, n_steps=N_STEPS), n_seeds=N_SEEDS)
    start = eff.iloc[0]
    end = eff.iloc[-1]
    table = pd.DataFrame(
        {
            "effective N, start (names)": start.round(1),
            "effective N after 10y (names)": end.round(1),
            "change (%)": ((end / start - 1) * 100).round(1),
        }
    )
    table.index.name = "scenario"
    lines = [
        f"Simulated flows on the S&P 500 caps of {date.date()} ({len(caps)} names, "
        f"USD {caps.sum() / 1e12:.1f}T). {N_STEPS} quarterly steps; index-fund inflow 0.5% of "
        "the market a quarter; multiplier M = 5 for the median company; 4% idiosyncratic "
        f"news a quarter; mean of {N_SEEDS} seeds, identical news in every scenario. "
        "Parameters are illustrative, not estimated.",
        "",
        "Cap-weighted flows with a common multiplier move every price by the same factor: any "
        "drift in the first row comes from the random news alone. Concentration rises "
        "mechanically only when something is size-dependent (here a multiplier growing with "
        "log size, b = 0.5); capitulation and short covering then add to it.",
    ]
    numbers: dict[str, float | int | str | None] = {
        "flows.snapshot_date": str(date.date()),
        "flows.names": len(caps),
        "flows.total_cap_usd": float(caps.sum()),
        "flows.effective_n_start": float(start.iloc[0]),
    }
    for name in eff.columns:
        slug = re.sub(r"[^a-z0-9]+", "_", str(name).lower()).strip("_")
        numbers[f"flows.effective_n_10y.{slug}"] = float(end[name])
        numbers[f"flows.change_10y.{slug}"] = float(end[name] / start[name] - 1)
    about = (
        "Latest bundled S&P 500 snapshot (positive caps, USD); simulate_flows under "
        "illustrative_scenarios(caps, n_steps=40) (quarterly steps, illustrative parameters), "
        "mean effective N over seeds 0-9 by scenario_effective_n."
    )

    def _fig(ax: Any) -> None:
        for name in eff.columns:
            ax.plot(eff.index, eff[name], label=name)
        ax.set_xlabel("quarter")
        ax.set_ylabel("effective number of names")
        ax.set_title("Simulated concentration under each flow mechanism")
        ax.legend(fontsize=8)

    return Section(
        "Flow mechanics (simulation)",
        lines,
        [("flows_effective_n", _fig)],
        tables=[("Effective number of names, mean of 10 seeds", table)],
        numbers=numbers,
        about=about,
    )
