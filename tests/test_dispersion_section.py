"""The dispersion report section: its numbers are the ones its lines print, from public calls."""

from __future__ import annotations

import numpy as np
import pytest

from divergence import dispersion as dp
from divergence._sections import dispersion as sec
from divergence.datasets import load_sp500_index


@pytest.fixture(scope="module")
def section() -> sec.Section:
    return sec.build()


def test_numbers_match_the_lines(section: sec.Section) -> None:
    n, text = section.numbers, "\n".join(section.lines)
    assert section.about
    assert f"cap-weighted {n['dispersion.realized_corr_mean']:.2f} on average" in text
    assert f"(peak {n['dispersion.realized_corr_max']:.2f} on " in text
    assert str(n["dispersion.realized_corr_max_date"]) in text
    assert f"all pairs {n['dispersion.realized_corr_pairs_mean']:.2f}" in text
    assert f"median {n['dispersion.realized_dispersion_median']:.1%}" in text
    assert f"median {n['dispersion.index_vol_median']:.1%}" in text
    assert f"95th percentile {n['dispersion.cross_sectional_p95']:.2%}" in text
    assert f"({n['dispersion.vix_days']} days)" in text
    assert f"by {100 * n['dispersion.vix_minus_realized_vol_mean']:.1f} vol" in text  # type: ignore[operator]
    assert f"{n['dispersion.implied_corr_proxy_days']} days: median" in text
    assert f"on {n['dispersion.implied_corr_proxy_days_above_1']} days" in text
    assert all(k.startswith("dispersion.") for k in n)


def test_forward_realized_vol_is_the_documented_formula(section: sec.Section) -> None:
    # Independent of realized_volatility: sqrt(252 * mean of the next 21 squared returns).
    r = load_sp500_index()["close"].pct_change().to_numpy()
    fwd = dp.realized_volatility(r, window=21, periods_per_year=252, demean=False, align="forward")
    t = 100
    assert fwd[t] == pytest.approx(np.sqrt(252 * np.mean(r[t + 1 : t + 22] ** 2)), rel=1e-12)
