"""Tests of divergence.real and divergence.liquidity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence import liquidity as lq
from divergence import real as rl
from divergence.datasets import load_fred, load_shiller
from divergence.errors import InputError


# --------------------------------------------------------------------------- real
def test_deflate_matches_shillers_real_columns() -> None:
    # Reference: Shiller's "Real Price" and "Real Earnings" columns are the nominal columns in
    # the latest month's dollars (CPI of the last row); published to ~7 significant digits.
    sh = load_shiller()
    rp = rl.deflate(sh["sp_price"], sh["cpi"])
    assert ((rp - sh["real_price"]) / sh["real_price"]).abs().max() < 1e-6
    re = rl.deflate(sh["earnings"], sh["cpi"])
    ok = sh["real_earnings"].notna()
    assert ((re[ok] - sh["real_earnings"][ok]) / sh["real_earnings"][ok]).abs().max() < 1e-6


def test_deflate_fixed_base_closed_form() -> None:
    out = rl.deflate([10.0, 22.0, -3.0], [100.0, 200.0, 150.0], base=100.0)
    np.testing.assert_allclose(out, [10.0, 11.0, -2.0])


def test_real_growth_and_illusion_closed_form() -> None:
    # nominal +10%, prices +4%: real = 1.10 / 1.04 - 1; illusion = 0.10 - real = 1.10 * 0.04 / 1.04
    nom, cpi = [100.0, 110.0], [100.0, 104.0]
    assert rl.real_growth(nom, cpi)[1] == pytest.approx(1.10 / 1.04 - 1.0, abs=1e-15)
    assert rl.nominal_illusion(nom, cpi)[1] == pytest.approx(1.10 * 0.04 / 1.04, abs=1e-15)
    # annualised over 24 monthly rows: 1.21 nominal, 1.0816 prices over two years
    nom2 = np.r_[100.0, np.full(23, np.nan), 121.0]
    cpi2 = np.r_[100.0, np.full(23, 101.0), 108.16]
    g = rl.real_growth(nom2, cpi2, periods=24, periods_per_year=12)[-1]
    assert g == pytest.approx(1.1 / 1.04 - 1.0, abs=1e-12)


@given(
    st.floats(0.5, 2.0), st.floats(0.8, 1.5), st.integers(1, 5), st.sampled_from([None, 1, 4, 12])
)
def test_growth_identity(gn: float, gp: float, k: int, ppy: int | None) -> None:
    nom = np.r_[np.ones(k), gn]
    cpi = np.r_[np.ones(k), gp]
    real = rl.real_growth(nom, cpi, periods=k, periods_per_year=ppy)[-1]
    illusion = rl.nominal_illusion(nom, cpi, periods=k, periods_per_year=ppy)[-1]
    e = 1.0 if ppy is None else ppy / k
    assert real + illusion == pytest.approx(gn**e - 1.0, rel=1e-12, abs=1e-12)
    assert 1.0 + real == pytest.approx((gn / gp) ** e, rel=1e-12)


def test_shiller_earnings_example() -> None:
    # Since 1871 about half of nominal S&P earnings growth was inflation.
    sh = load_shiller().loc[:"2025-12"]
    e, cpi = sh["earnings"], sh["cpi"]
    k = len(e) - 1
    g_real = rl.real_growth(e, cpi, periods=k, periods_per_year=12).iloc[-1]
    ill = rl.nominal_illusion(e, cpi, periods=k, periods_per_year=12).iloc[-1]
    # independent check: CPI compound growth over the same span (the illusion is close to it)
    infl = (cpi.iloc[-1] / cpi.iloc[0]) ** (12 / k) - 1.0
    assert 0.015 < g_real < 0.03
    assert ill == pytest.approx((1 + g_real + ill) * infl / (1 + infl), rel=1e-9)


def test_real_cost_of_capital_closed_form() -> None:
    # WACC = 0.6 * 8% + 0.4 * 5% * (1 - 25%) = 6.3%; real = 1.063 / 1.02 - 1
    out = rl.real_cost_of_capital([0.08], [0.05], [0.4], [0.02], tax_rate=0.25)
    assert out[0] == pytest.approx(1.063 / 1.02 - 1.0, abs=1e-15)
    lin = rl.real_cost_of_capital([0.08], [0.05], [0.4], [0.02], tax_rate=0.25, method="linear")
    assert lin[0] == pytest.approx(0.043, abs=1e-15)


# --------------------------------------------------------------------------- liquidity
def test_sterilization_rate_closed_form() -> None:
    # 9,000 -> 8,400 over 12 months against M2 of 20,000: drained 600 / 20,000 = 3% a year
    bs = np.r_[9000.0, np.linspace(8950.0, 8400.0, 12)]
    m2 = np.full(13, 20000.0)
    out = lq.sterilization_rate(bs, m2, periods=12, periods_per_year=12)
    assert out[-1] == pytest.approx(0.03, abs=1e-15)
    own = lq.sterilization_rate(bs, periods=12, periods_per_year=12)
    assert own[-1] == pytest.approx(600.0 / 9000.0, abs=1e-15)
    # expansion is negative
    assert lq.sterilization_rate([100.0, 110.0], periods=1, periods_per_year=1)[1] < 0


def test_net_liquidity_on_fred() -> None:
    # units: WALCL is USD millions, WTREGEN and RRPONTSYD USD billions (FRED series pages)
    f = load_fred(["WALCL", "WTREGEN", "RRPONTSYD"]).dropna()
    nl = lq.net_liquidity(f["WALCL"] / 1000.0, f["WTREGEN"], f["RRPONTSYD"])
    assert len(nl) > 100
    # independent: plain pandas arithmetic
    pd.testing.assert_series_equal(
        nl, f["WALCL"] / 1000.0 - f["WTREGEN"] - f["RRPONTSYD"], check_names=False
    )
    # 2022-12: about USD 8.5 tn assets, 0.5 tn TGA, 2.5 tn RRP -> 5 to 6 tn net
    assert 4500.0 < nl.loc["2022-12"].mean() < 6500.0


@given(st.lists(st.floats(1.0, 1e4), min_size=4, max_size=30), st.integers(1, 2))
def test_sterilization_no_look_ahead(values: list[float], k: int) -> None:
    a = np.asarray(values)
    full = lq.sterilization_rate(a, periods=k, periods_per_year=12)
    part = lq.sterilization_rate(a[:-1], periods=k, periods_per_year=12)
    np.testing.assert_array_equal(full[:-1], part)


@pytest.mark.parametrize("kind", ["ndarray", "series", "frame"])
def test_input_types(kind: str) -> None:
    raw = np.array([[100.0, 90.0], [98.0, 91.0], [95.0, 93.0]])
    idx = pd.date_range("2024-01-31", periods=3, freq="ME")
    x: object
    if kind == "ndarray":
        x = raw[:, 0].copy()
    elif kind == "series":
        x = pd.Series(raw[:, 0], index=idx, name="walcl")
    else:
        x = pd.DataFrame(raw, index=idx, columns=["a", "b"])
    snapshot = x.copy()  # type: ignore[attr-defined]
    outs = [
        lq.sterilization_rate(x, periods=1, periods_per_year=12),
        lq.net_liquidity(x, x, x),
        rl.deflate(x, x, base=1.0),
        rl.real_growth(x, x),
        rl.nominal_illusion(x, x),
    ]
    for out in outs:
        assert type(out) is type(snapshot)
        if kind != "ndarray":
            assert out.index.equals(idx)
    if kind == "ndarray":
        np.testing.assert_array_equal(x, snapshot)
    else:
        assert x.equals(snapshot)  # type: ignore[attr-defined]


GOOD = np.array([100.0, 101.0, 102.0])
BAD = [
    ("deflate cpi zero", lambda: rl.deflate(GOOD, [1.0, 0.0, 1.0]), InputError, "price_index"),
    ("deflate base", lambda: rl.deflate(GOOD, GOOD, base=-1.0), InputError, "base"),
    ("deflate base str", lambda: rl.deflate(GOOD, GOOD, base="x"), TypeError, "base"),
    ("growth negative", lambda: rl.real_growth([-1.0, 1.0], [1.0, 1.0]), InputError, "nominal"),
    ("growth periods", lambda: rl.real_growth(GOOD, GOOD, periods=3), InputError, "periods"),
    (
        "illusion ppy",
        lambda: rl.nominal_illusion(GOOD, GOOD, periods_per_year=0),
        InputError,
        "periods_per_year",
    ),
    (
        "wacc share",
        lambda: rl.real_cost_of_capital([0.1], [0.1], [1.5], [0.0]),
        InputError,
        "debt_share",
    ),
    (
        "wacc tax",
        lambda: rl.real_cost_of_capital([0.1], [0.1], [0.5], [0.0], tax_rate=1.0),
        InputError,
        "tax_rate",
    ),
    (
        "wacc layout",
        lambda: rl.real_cost_of_capital([0.1], [0.1, 0.2], [0.5], [0.0]),
        InputError,
        "cost_of_debt",
    ),
    (
        "steril negative",
        lambda: lq.sterilization_rate([-1.0, 1.0], periods=1, periods_per_year=12),
        InputError,
        "balance_sheet",
    ),
    (
        "steril base zero",
        lambda: lq.sterilization_rate(GOOD, [1.0, 0.0, 1.0], periods=1, periods_per_year=12),
        InputError,
        "base",
    ),
    (
        "steril periods",
        lambda: lq.sterilization_rate(GOOD, periods=5, periods_per_year=12),
        InputError,
        "periods",
    ),
    (
        "steril ppy type",
        lambda: lq.sterilization_rate(GOOD, periods=1, periods_per_year=12.0),
        TypeError,
        "periods_per_year",
    ),
    (
        "netliq negative",
        lambda: lq.net_liquidity(GOOD, -GOOD, GOOD),
        InputError,
        "treasury_account",
    ),
    ("netliq layout", lambda: lq.net_liquidity(GOOD, GOOD, GOOD[:2]), InputError, "reverse_repo"),
    ("netliq strings", lambda: lq.net_liquidity(["a"], GOOD, GOOD), TypeError, "total_assets"),
]


@pytest.mark.parametrize(("case", "call", "exc", "word"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(case: str, call: object, exc: type[Exception], word: str) -> None:
    with pytest.raises(exc, match=word):
        call()  # type: ignore[operator]


def test_deflate_default_base_per_column() -> None:
    # default base = each column's last non-NaN price level
    cpi = pd.DataFrame({"a": [100.0, 110.0, 121.0], "b": [50.0, 100.0, np.nan]})
    nom = pd.DataFrame({"a": [10.0, 10.0, 10.0], "b": [1.0, 1.0, 1.0]})
    out = rl.deflate(nom, cpi)
    np.testing.assert_allclose(out["a"], [12.1, 11.0, 10.0])
    np.testing.assert_allclose(out["b"], [2.0, 1.0, np.nan])
