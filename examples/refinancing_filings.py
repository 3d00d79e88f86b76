"""
Real maturity walls from 10-K filings
=====================================

Two debt books read from SEC XBRL company facts bundled with the library: Apple's FY2024 10-K
and Tesla's FY2021 10-K. The debt-maturity table of a 10-K gives the principal due in each of
the next five fiscal years and after them; :func:`divergence.refinancing.book_from_company_facts`
spreads each bucket over its months, prices every tranche at the firm's implied rate (interest
expense / long-term debt), takes EBIT from operating income and returns the ``(book, firms)``
frames of :func:`divergence.refinancing.simulate`.

Apple stopped tagging interest expense after fiscal 2023: the function says so with a
``DataWarning`` and uses the FY2023 implied rate (pass ``interest_expense=`` to give another).

Run: ``python examples/refinancing_filings.py`` (about a second).
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import divergence.refinancing as rf
from divergence.datasets import load_company_facts
from divergence.errors import DataWarning

facts = [load_company_facts("AAPL"), load_company_facts("TSLA")]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", DataWarning)
    book, firms = rf.book_from_company_facts(facts, tenor=120)
for w in caught:
    print("DataWarning:", w.message)

pd.set_option("display.width", 160)
buckets = ["y1", "y2", "y3", "y4", "y5", "after5"]
ladder = firms.set_index("firm")[buckets] / 1e9
print("\nMaturity ladders (USD bn) from the 10-K debt notes")
print(ladder.round(3))
print(firms.set_index("firm")[["period_end", "accession", "coupon", "ebit"]])

# %%
# The walls, as shares of each firm's debt: Tesla's 2021 debt was short (90% due within five
# years); Apple's is long (53% due after year five).
shares = ladder.div(ladder.sum(axis=1), axis=0)
fig, ax = plt.subplots(figsize=(7, 3.4))
x = np.arange(len(buckets))
for k, (firm, row) in enumerate(shares.iterrows()):
    ax.bar(x + (k - 0.5) * 0.4, row.to_numpy(), width=0.4, label=str(firm))
ax.set_xticks(x, ["year 1", "year 2", "year 3", "year 4", "year 5", "after 5"])
ax.set_ylabel("share of long-term debt")
ax.set_title("10-K maturity walls")
ax.legend()
fig.tight_layout()

# %%
# Refinancing at a 5% base rate (the Damodaran spread for large firms is added on
# refinancing) against 2%: interest expense follows the wall, year by year.
horizon = 121
common = {"seed": 0, "spread_table": rf.SpreadTable.damodaran("large")}
high = rf.simulate(book, firms, np.full(horizon, 0.05), **common)
low = rf.simulate(book, firms, np.full(horizon, 0.02), **common)
cohorts = list(firms["cohort"])
idx = [high.cohorts.index(c) for c in cohorts]
repriced = high.path_values("repriced_share")[0][:, idx]
extra = high.path_values("interest")[0][:, idx] - low.path_values("interest")[0][:, idx]
months = [12, 36, 60, 120]
print("\nShare of debt repriced after m months")
print(pd.DataFrame(repriced[months], index=months, columns=cohorts).round(3))
print("\nMonths until half of the 10-year extra interest (5% vs 2%) has arrived")
print(pd.Series(rf.pass_through_month(extra), index=cohorts))
