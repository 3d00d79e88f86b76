"""The refinancing report section: its numbers, reproduced with public calls only."""

from __future__ import annotations

import re

import numpy as np
import pytest

from divergence import refinancing as rf
from divergence._sections import refinancing as sec


@pytest.fixture(scope="module")
def section() -> sec.Section:
    return sec.build()


def test_numbers_match_the_printed_lines(section: sec.Section) -> None:
    text = "\n".join(section.lines)
    n = section.numbers
    assert n["refinancing.firms"] == 200 and n["refinancing.paths"] == sec.PATHS
    for cohort, key in (("mega-cap", "mega_cap"), ("SME", "sme")):
        row = next(line for line in section.lines if line.startswith(cohort))
        cells = re.findall(r"[\d.]+", row)
        assert f"{n[f'refinancing.{key}.repriced_share_3m']:.0%}" == f"{cells[0]}%"
        assert int(cells[3]) == n[f"refinancing.{key}.half_interest_rise_month"]
        assert f"{n[f'refinancing.{key}.debt_at_risk_share_36m']:.1%}" == f"{cells[4]}%"
    assert f"{n['refinancing.sme.coverage_below_1_5_share_of_paths']:.0%} of paths" in text
    assert f"k={n['refinancing.fred.first_positive_lag_months']} months" in text
    assert section.about
    assert all(k.startswith("refinancing.") for k in n)


def test_half_rise_is_reproduced_by_public_calls(section: sec.Section) -> None:
    """The documented recipe (user guide) gives the section's half-rise months."""
    book, firms = rf.example_book(n_mega=40, n_sme=160, seed=0)
    tables = {
        "mega-cap": rf.SpreadTable.damodaran("large"),
        "SME": rf.SpreadTable.damodaran("small"),
    }
    kw = {"n_paths": sec.PATHS, "seed": 7, "spread_table": tables}
    hike = rf.simulate(book, firms, rf.policy_path(0.01, np.r_[0.04, np.zeros(59)]), **kw)
    flat = rf.simulate(book, firms, np.full(60, 0.01), **kw)
    extra = hike.path_values("interest").mean(axis=0) - flat.path_values("interest").mean(axis=0)
    for cohort, key in (("mega-cap", "mega_cap"), ("SME", "sme")):
        x = extra[:, hike.cohorts.index(cohort)]
        month = rf.pass_through_month(x)
        # the definition, evaluated directly: first month with x_m >= x_H / 2 (x_H > 0 here)
        assert x[-1] > 0
        assert month == int(np.flatnonzero(x >= 0.5 * x[-1])[0])
        assert section.numbers[f"refinancing.{key}.half_interest_rise_month"] == month


def test_real_walls_from_the_filings(section: sec.Section) -> None:
    n = section.numbers
    # Apple FY2024 10-K (accession 0000320193-24-000123): 10,930 of 97,341 USD m due in a year
    assert n["refinancing.wall.AAPL.period_end"] == "2024-09-28"
    assert n["refinancing.wall.AAPL.due_1y_share"] == pytest.approx(10930 / 97341, rel=1e-12)
    assert n["refinancing.wall.AAPL.due_5y_share"] == pytest.approx(46161 / 97341, rel=1e-12)
    # Tesla FY2021 10-K (accession 0000950170-22-000796): 1,095 of 5,380 USD m
    assert n["refinancing.wall.TSLA.due_1y_share"] == pytest.approx(1095 / 5380, rel=1e-12)
    assert n["refinancing.wall.TSLA.debt_usd_bn"] == 5.38
