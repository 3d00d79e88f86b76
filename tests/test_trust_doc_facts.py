"""Facts stated in the documentation are true (issue 19, class 9).

Each test reads the number or bound from the docstring or guide where it is stated and
recomputes it, so a wrong statement (the old "2 bp ... 130 bp" of ``real_rate``; "I_C >= 1"
for any ``top_k``) fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence import concentration, premia

ROOT = Path(__file__).resolve().parents[1]


def test_real_rate_basis_point_examples() -> None:
    doc = premia.real_rate.__doc__ or ""
    m = re.search(
        r"(\d+) bp at :math:`i` = (\d+)% and :math:`\\pi` = (\d+)%\s+\(([\d.]+)%\), but (\d+) bp "
        r"at (\d+)% and (\d+)%",
        doc,
    )
    assert m, "the worked numbers of real_rate are missing"
    bp1, i1, p1, pct1, bp2, i2, p2 = m.groups()
    for bp, i, p in ((bp1, i1, p1), (bp2, i2, p2)):
        nominal, inflation = int(i) / 100, int(p) / 100
        exact = premia.real_rate(nominal, inflation)
        linear = premia.real_rate(nominal, inflation, method="linear")
        assert round((linear - exact) * 1e4) == int(bp)
    nominal, inflation = int(i1) / 100, int(p1) / 100
    gap = premia.real_rate(nominal, inflation, method="linear") - premia.real_rate(
        nominal, inflation
    )
    assert f"{gap * 100:.4f}" == pct1


def test_guide_fisher_gap_of_1981() -> None:
    from divergence.datasets import load_shiller

    text = (ROOT / "docs" / "user_guide" / "real_liquidity.rst").read_text(encoding="utf-8")
    assert "53 bp in September 1981" in text
    sh = load_shiller()
    inflation = premia.annualized_inflation(sh["cpi"], 120, periods_per_year=12)
    nominal = sh["gs10"] / 100
    both = nominal.notna() & inflation.notna()
    gap = premia.real_rate(nominal[both], inflation[both], method="linear") - premia.real_rate(
        nominal[both], inflation[both]
    )
    assert round(gap.abs().max() * 1e4) == 53
    assert gap.abs().idxmax().strftime("%Y-%m") == "1981-09"


# sizes of 0 or 1e-3..1e6 (a subnormal median overflows the ratio: reported separately)
sizes = st.lists(st.one_of(st.just(0.0), st.floats(1e-3, 1e6)), min_size=1, max_size=40).filter(
    lambda x: sum(x) > 0
)


@given(x=sizes, data=st.data())
def test_concentration_coefficient_bounds_as_documented(
    x: list[float], data: st.DataObject
) -> None:
    n = len(x)
    arr = np.array(x)
    assume_positive_median = float(np.median(arr)) > 0
    k_small = data.draw(st.integers(1, max(n // 2, 1)))
    k_any = data.draw(st.integers(1, n + 3))
    if not assume_positive_median:
        return  # inf when the median is 0 (documented separately)
    ic_small = concentration.concentration_coefficient(arr, top_k=k_small)
    ic_any = concentration.concentration_coefficient(arr, top_k=k_any)
    if k_small <= n / 2:
        assert ic_small >= 1 - 1e-12  # "at least 1 when top_k is at most half the names"
    assert ic_any > 0.5  # "never to 1/2"


def test_concentration_coefficient_below_one_for_a_large_top_k() -> None:
    # the counterexample to the old "I_C >= 1": 3 names, top_k = 3 > n/2
    assert concentration.concentration_coefficient([1.0, 10.0, 10.0], top_k=3) == 0.7
    doc = concentration.concentration_coefficient.__doc__ or ""
    assert ">= 1" not in doc.split("Returns")[1].split("Raises")[0]


def test_refinancing_growth_is_the_growth_of_expected_ebit() -> None:
    # the simulate docstring: E[EBIT_t] = E_0 exp(g t / 12); log EBIT (the median) drifts at
    # g - sigma^2 / 2. Closed forms of the lognormal, checked on 20,000 independent paths
    # (one firm, so the common factor is the firm's own shock)
    import pandas as pd

    from divergence.refinancing import simulate

    g, sigma, e0, months = 0.08, 0.4, 20.0, 24
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [e0], "growth": [g], "volatility": [sigma], "cohort": ["c"]}
    )
    book = pd.DataFrame(
        {"firm": ["a"], "principal": [100.0], "kind": ["fixed"], "coupon": [0.05],
         "maturity": [120], "tenor": [60]}
    )  # fmt: skip
    res = simulate(book, firms, np.full(months, 0.02), n_paths=20_000, seed=3, keep="full")
    assert res.ebit is not None
    last = res.ebit[:, months - 1, 0]
    t = months / 12.0
    # standard error of the mean of a lognormal: e0 e^{gt} sqrt(e^{sigma^2 t} - 1) / sqrt(n)
    mean_expected = e0 * np.exp(g * t)
    se = mean_expected * np.sqrt(np.expm1(sigma**2 * t)) / np.sqrt(last.size)
    assert abs(last.mean() - mean_expected) < 4 * se
    median_expected = e0 * np.exp((g - sigma**2 / 2) * t)
    assert np.median(last) == pytest.approx(median_expected, rel=0.02)
    assert abs(np.median(last) - mean_expected) > 10 * se  # the two conventions differ here
