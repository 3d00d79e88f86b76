"""Tests of divergence.premia: Shiller's published columns, Fisher closed forms, properties."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence import premia as pr
from divergence.datasets import load_fred, load_shiller
from divergence.errors import InputError, UnitWarning


@pytest.fixture(scope="module")
def shiller() -> pd.DataFrame:
    return load_shiller()


# --------------------------------------------------------------------------- external references
def test_cape_reproduces_shillers_column(shiller: pd.DataFrame) -> None:
    # Reference: Shiller's own "CAPE" column (ie_data.xls), computed by him from the same
    # price, earnings and CPI columns. Published values carry ~7 significant digits, so the
    # tolerance is relative 1e-6.
    published = shiller["cape"]
    ours = pr.cape(shiller["sp_price"], shiller["earnings"], shiller["cpi"], min_periods=119)
    mask = published.notna()
    assert mask.sum() == 1745
    assert ours[mask].notna().all()
    rel = ((ours[mask] - published[mask]) / published[mask]).abs()
    assert rel.max() < 1e-6
    # the window is t-120 .. t-1: ending at t instead misses by far more than rounding
    real_e = shiller["earnings"] / shiller["cpi"]
    ending_at_t = (shiller["sp_price"] / shiller["cpi"]) / real_e.rolling(120).mean()
    assert ((ending_at_t - published) / published).abs().max() > 1e-3
    # default min_periods=window: every month but the last (one missing earnings) matches
    strict = pr.cape(shiller["sp_price"], shiller["earnings"], shiller["cpi"])
    assert strict[mask].isna().sum() == 1
    assert pd.isna(strict.iloc[-1])
    assert np.isnan(strict.iloc[119])
    assert not np.isnan(strict.iloc[120])


def test_excess_cape_yield_reproduces_shillers_column(shiller: pd.DataFrame) -> None:
    # Reference: Shiller's "Excess CAPE Yield" column. Convention that reproduces it:
    # 1/CAPE - (GS10/100 - [(CPI_t / CPI_{t-120})^(1/10) - 1]); published to ~6 decimals,
    # tolerance 2e-6 absolute (observed max 5.1e-7).
    infl = pr.annualized_inflation(shiller["cpi"], 120, periods_per_year=12)
    real10 = pr.real_rate(shiller["gs10"] / 100.0, infl, method="linear")
    mask = shiller["excess_cape_yield"].notna()
    ecy = pr.excess_cape_yield(shiller["cape"][mask], real10[mask])
    diff = (ecy - shiller["excess_cape_yield"][mask]).abs()
    assert len(diff) == 1745
    assert diff.max() < 2e-6
    # the exact Fisher real yield does not reproduce it (differs by up to ~50 bp)
    exact = pr.real_rate(shiller["gs10"] / 100.0, infl, method="exact")
    ecy_exact = pr.excess_cape_yield(shiller["cape"][mask], exact[mask])
    assert (ecy_exact - shiller["excess_cape_yield"][mask]).abs().max() > 1e-3


def test_linear_real_rate_is_fred_tips_convention() -> None:
    # Reference: FRED defines T10YIE = DGS10 - DFII10, so the linear Fisher real rate of the
    # nominal yield and the breakeven is the TIPS yield (up to float rounding).
    f = load_fred(["DGS10", "DFII10", "T10YIE"], units="decimal").dropna()
    ours = pr.real_rate(f["DGS10"], f["T10YIE"], method="linear")
    assert (ours - f["DFII10"]).abs().max() < 1e-12


@pytest.mark.parametrize(
    ("nominal", "inflation", "exact", "linear"),
    [
        # closed forms of the Fisher equation (Fisher 1930): (1+i)/(1+pi) - 1 and i - pi
        (0.05, 0.03, 1.05 / 1.03 - 1.0, 0.02),
        (0.15, 0.10, 1.15 / 1.10 - 1.0, 0.05),  # 1980-like: the two differ by 45 bp
        (0.02, 0.05, 1.02 / 1.05 - 1.0, -0.03),
        (0.0, 0.0, 0.0, 0.0),
    ],
)
def test_real_rate_closed_forms(
    nominal: float, inflation: float, exact: float, linear: float
) -> None:
    assert pr.real_rate(nominal, inflation) == pytest.approx(exact, abs=1e-15)
    assert pr.real_rate(nominal, inflation, method="linear") == pytest.approx(linear, abs=1e-15)


def test_annualized_inflation_closed_form() -> None:
    # 2% a year for 10 years of monthly data: index = 1.02 ** (t / 12)
    t = np.arange(241)
    cpi = 100.0 * 1.02 ** (t / 12.0)
    out = pr.annualized_inflation(cpi, 120, periods_per_year=12)
    assert np.isnan(out[:120]).all()
    np.testing.assert_allclose(out[120:], 0.02, rtol=0, atol=1e-12)
    # one-period, not annualised growth when periods == periods_per_year == 1
    np.testing.assert_allclose(
        pr.annualized_inflation([100.0, 103.0], 1, periods_per_year=1)[1], 0.03
    )


def test_cape_closed_form_constant_growth() -> None:
    # constant real earnings E and price P (no inflation): CAPE = P / E exactly
    n = 30
    out = pr.cape(np.full(n, 200.0), np.full(n, 10.0), np.full(n, 50.0), window=12)
    np.testing.assert_allclose(out[12:], 20.0, rtol=1e-14)
    assert np.isnan(out[:12]).all()


def test_risk_premium_gap_and_shift() -> None:
    ey = pd.Series([0.05, 0.045, 0.04, 0.04], name="ey")
    ry = pd.Series([0.01, 0.015, 0.02, 0.01])
    gap = pr.risk_premium_gap(ey, ry)
    np.testing.assert_allclose(gap.to_numpy(), [0.04, 0.03, 0.02, 0.03])
    shift = pr.risk_premium_shift(gap, 2)
    np.testing.assert_allclose(shift.to_numpy(), [np.nan, np.nan, -0.02, 0.0])
    assert shift.name == "ey"


# --------------------------------------------------------------------------- properties
rates = st.floats(-0.05, 0.25, allow_nan=False)


@given(rates, st.floats(-0.5, 0.5, allow_nan=False))
def test_fisher_identity(i: float, pi: float) -> None:
    r = pr.real_rate(i, pi)
    assert (1.0 + r) * (1.0 + pi) == pytest.approx(1.0 + i, rel=1e-12, abs=1e-12)
    # exact minus linear = -pi (i - pi) / (1 + pi)
    lin = pr.real_rate(i, pi, method="linear")
    assert r - lin == pytest.approx(-pi * (i - pi) / (1.0 + pi), abs=1e-12)


@given(st.lists(st.floats(0.5, 2.0), min_size=15, max_size=40), st.floats(0.1, 10.0))
def test_cape_invariant_to_deflator_base(levels: list[float], scale: float) -> None:
    n = len(levels)
    price = np.cumprod(levels)
    eps = price / 15.0 * np.linspace(0.8, 1.2, n)
    cpi = np.cumprod(np.linspace(1.0, 1.01, n))
    a = pr.cape(price, eps, cpi, window=5)
    b = pr.cape(price, eps, cpi * scale, window=5)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_no_look_ahead(shiller: pd.DataFrame) -> None:
    sub = shiller.loc[:"1950-12"]
    full = pr.cape(shiller["sp_price"], shiller["earnings"], shiller["cpi"])
    part = pr.cape(sub["sp_price"], sub["earnings"], sub["cpi"])
    pd.testing.assert_series_equal(part, full.loc[:"1950-12"])
    infl_full = pr.annualized_inflation(shiller["cpi"], 12, periods_per_year=12)
    infl_part = pr.annualized_inflation(sub["cpi"], 12, periods_per_year=12)
    pd.testing.assert_series_equal(infl_part, infl_full.loc[:"1950-12"])


# --------------------------------------------------------------------------- input types
@pytest.mark.parametrize("kind", ["ndarray", "list", "series", "frame"])
def test_input_types(kind: str) -> None:
    base = np.array([[100.0, 50.0], [101.0, 51.0], [103.0, 51.5], [104.0, 53.0]])
    eps = base / 20.0
    if kind == "ndarray":
        p, e = base[:, 0].copy(), eps[:, 0].copy()
    elif kind == "list":
        p, e = list(base[:, 0]), list(eps[:, 0])
    elif kind == "series":
        idx = pd.date_range("2020-01-31", periods=4, freq="ME")
        p, e = pd.Series(base[:, 0], index=idx, name="p"), pd.Series(eps[:, 0], index=idx)
    else:
        idx = pd.date_range("2020-01-31", periods=4, freq="ME")
        p = pd.DataFrame(base, index=idx, columns=["a", "b"])
        e = pd.DataFrame(eps, index=idx, columns=["a", "b"])
    before_p = p.copy() if hasattr(p, "copy") else list(p)
    with warnings.catch_warnings():
        # prices stand in for a gap and a rate here: the unit check (tested in
        # test_trust_units.py) rightly calls them percent
        warnings.simplefilter("ignore", UnitWarning)
        outs = [
            pr.earnings_yield(p, e),
            pr.annualized_inflation(p, 1, periods_per_year=12),
            pr.cape(p, e, p, window=2),
            pr.risk_premium_shift(p, 1),
            pr.real_rate(e, e),
        ]
    for out in outs:
        if kind in ("ndarray", "list"):
            assert isinstance(out, np.ndarray)
            assert out.shape == (4,)
        elif kind == "series":
            assert isinstance(out, pd.Series)
            assert out.index.equals(p.index)
        else:
            assert isinstance(out, pd.DataFrame)
            assert out.columns.equals(p.columns)
    if kind == "series" or kind == "frame":
        assert p.equals(before_p)
    elif kind == "ndarray":
        np.testing.assert_array_equal(p, before_p)


# --------------------------------------------------------------------------- bad inputs
GOOD = np.array([100.0, 101.0, 102.0, 103.0])

BAD = [
    ("real_rate percent inflation", lambda: pr.real_rate([0.05], [-1.5]), InputError, "inflation"),
    ("real_rate method", lambda: pr.real_rate(0.05, 0.02, method="log"), InputError, "method"),
    ("real_rate mixed", lambda: pr.real_rate([0.05, 0.04], 0.02), InputError, "inflation"),
    ("real_rate shape", lambda: pr.real_rate([0.05, 0.04], [0.02]), InputError, "nominal"),
    ("real_rate string", lambda: pr.real_rate("x", 0.02), TypeError, "nominal"),
    (
        "infl negative cpi",
        lambda: pr.annualized_inflation([1.0, -1.0], 1, periods_per_year=12),
        InputError,
        "price_index",
    ),
    (
        "infl window",
        lambda: pr.annualized_inflation(GOOD, 4, periods_per_year=12),
        InputError,
        "periods",
    ),
    (
        "infl ppy",
        lambda: pr.annualized_inflation(GOOD, 1, periods_per_year=0),
        InputError,
        "periods_per_year",
    ),
    (
        "infl float periods",
        lambda: pr.annualized_inflation(GOOD, 1.5, periods_per_year=12),
        TypeError,
        "periods",
    ),
    ("ey zero price", lambda: pr.earnings_yield([0.0], [1.0]), InputError, "price"),
    ("ey inf", lambda: pr.earnings_yield([1.0], [np.inf]), InputError, "earnings"),
    ("cape window", lambda: pr.cape(GOOD, GOOD, GOOD, window=4), InputError, "window"),
    (
        "cape min_periods",
        lambda: pr.cape(GOOD, GOOD, GOOD, window=2, min_periods=3),
        InputError,
        "min_periods",
    ),
    ("cape layout", lambda: pr.cape(GOOD, GOOD[:3], GOOD, window=2), InputError, "earnings"),
    ("cape cpi", lambda: pr.cape(GOOD, GOOD, -GOOD, window=2), InputError, "price_index"),
    ("cape 3d", lambda: pr.cape(np.ones((2, 2, 2)), GOOD, GOOD), InputError, "price"),
    ("ecy cape zero", lambda: pr.excess_cape_yield([0.0], [0.01]), InputError, "cape"),
    (
        "gap bool",
        lambda: pr.risk_premium_gap(np.array([True]), [0.01]),
        TypeError,
        "earnings_yield",
    ),
    ("shift periods", lambda: pr.risk_premium_shift(GOOD, 0), InputError, "periods"),
    ("shift empty", lambda: pr.risk_premium_shift([], 1), InputError, "gap"),
    (
        "index mismatch",
        lambda: pr.risk_premium_gap(pd.Series([0.1, 0.2]), pd.Series([0.1, 0.2], index=[5, 6])),
        InputError,
        "index",
    ),
]


@pytest.mark.parametrize(("case", "call", "exc", "word"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(case: str, call: object, exc: type[Exception], word: str) -> None:
    with pytest.raises(exc, match=word):
        call()  # type: ignore[operator]


# ------------------------------------------------------------- gaps found by mutation testing
def test_earnings_yield_closed_form() -> None:
    # closed form EY = E / P (Shiller 2015): 250 / 5000 = 0.05, -10 / 400 = -0.025, 6 / 3 = 2
    np.testing.assert_allclose(
        pr.earnings_yield([5000.0, 400.0, 3.0], [250.0, -10.0, 6.0]),
        [0.05, -0.025, 2.0],
        rtol=1e-15,
    )
    assert pr.earnings_yield(3.0, 6.0) == pytest.approx(2.0, rel=1e-15)


def test_excess_cape_yield_and_gap_closed_forms() -> None:
    # ECY = 1/CAPE - r: 1/20 - 0.01 = 0.04; 1/40 - (-0.005) = 0.03; gap = EY - r
    np.testing.assert_allclose(
        pr.excess_cape_yield([20.0, 40.0], [0.01, -0.005]), [0.04, 0.03], atol=1e-15
    )
    np.testing.assert_allclose(
        pr.risk_premium_gap([0.05, 0.02], [0.01, 0.03]), [0.04, -0.01], atol=1e-15
    )


def test_real_rate_inflation_of_exactly_minus_one_is_rejected() -> None:
    # (1 + i) / (1 + pi) is undefined at pi = -1 (a 100% deflation): the bound is strict
    with pytest.raises(InputError, match=r"^inflation has 1 value\(s\) at or below -1"):
        pr.real_rate([0.05, 0.04], [0.02, -1.0])
    # the message carries the unit advice
    with pytest.raises(InputError, match=r"\. Pass decimals \(0\.03 = 3%\), not percent\.$"):
        pr.real_rate(0.05, -3.0)


def test_scalar_layout_message_names_the_array_argument() -> None:
    with pytest.raises(InputError, match=r"^nominal is a scalar but inflation is not"):
        pr.real_rate(0.05, [0.02, 0.03])
    with pytest.raises(InputError, match=r"^inflation is a scalar but nominal is not"):
        pr.real_rate([0.05, 0.04], 0.02)


def test_scalar_inputs_are_checked_like_arrays() -> None:
    # scalars go through the same checks, and the message names the argument
    with pytest.raises(InputError, match=r"^price must be strictly positive; 1 value"):
        pr.earnings_yield(0.0, 1.0)
    with pytest.raises(InputError, match=r"^cape must be strictly positive; 1 value"):
        pr.excess_cape_yield(-25.0, 0.01)


def test_annualized_inflation_overflow_is_an_input_error() -> None:
    # (1e100 / 1e-99) ** 12 = 1e2388 overflows float64 (max ~1.8e308): error, not a warning
    with pytest.raises(
        InputError,
        match=r"^price_index implies .*\(above 1e308\) .*in 1 value\(s\); first at position 1\.",
    ):
        pr.annualized_inflation([1e-99, 1e100, 1e100], 1, periods_per_year=12)


def test_cape_window_of_one_closed_form() -> None:
    # window=1: CAPE_t = (P_t / I_t) / (E_{t-1} / I_{t-1})
    price = np.array([10.0, 12.0, 15.0, 9.0])
    eps = np.array([1.0, 2.0, 3.0, 0.5])
    cpi = np.array([1.0, 2.0, 2.5, 3.0])
    expected = [np.nan, (12.0 / 2.0) / (1.0 / 1.0), (15.0 / 2.5) / (2.0 / 2.0), 3.0 / 1.2]
    np.testing.assert_allclose(pr.cape(price, eps, cpi, window=1), expected, rtol=1e-14)


def test_cape_min_periods_one_averages_the_earnings_present() -> None:
    # window 3, earnings observed at rows 0, 3 and 5 only; the mean uses the rows present
    price = np.full(6, 12.0)
    eps = np.array([2.0, np.nan, np.nan, 4.0, np.nan, 6.0])
    cpi = np.ones(6)
    out = pr.cape(price, eps, cpi, window=3, min_periods=1)
    # row 3: window rows 0..2 -> mean(2) = 2 -> 6; row 4: rows 1..3 -> 4 -> 3;
    # row 5: rows 2..4 -> 4 -> 3
    np.testing.assert_allclose(out, [np.nan, np.nan, np.nan, 6.0, 3.0, 3.0], rtol=1e-15)
    # with min_periods=2 none of these windows has two earnings
    assert np.isnan(pr.cape(price, eps, cpi, window=3, min_periods=2)).all()


def test_cape_undefined_when_mean_earnings_are_zero() -> None:
    # mean real earnings of the window exactly 0 (1 and -1): the ratio is undefined -> NaN
    # (and no division-by-zero warning); a mean of exactly 1 is an ordinary value
    eps = np.array([1.0, -1.0, 1.0, 1.0, 1.0])
    out = pr.cape(np.full(5, 10.0), eps, np.ones(5), window=2)
    np.testing.assert_allclose(out, [np.nan, np.nan, np.nan, np.nan, 10.0], rtol=1e-15)


CHECK_MESSAGES = [
    (lambda: pr.real_rate(0.05, 0.02, method="log"), r"^method must be one of"),
    (lambda: pr.annualized_inflation(GOOD, 0, periods_per_year=12), r"^periods must be >= 1"),
    (lambda: pr.annualized_inflation(GOOD, 1, periods_per_year=0), r"^periods_per_year must be"),
    (lambda: pr.risk_premium_shift(GOOD, 0), r"^periods must be >= 1"),
    (lambda: pr.cape(GOOD, GOOD, GOOD, window=0), r"^window must be >= 1, got 0"),
    (lambda: pr.cape(GOOD, GOOD, GOOD, window=4), r"^window=4 needs at least 5 rows"),
    (lambda: pr.cape(GOOD, GOOD, GOOD, window=2, min_periods=0), r"^min_periods must be >= 1"),
]


@pytest.mark.parametrize(("call", "pattern"), CHECK_MESSAGES)
def test_error_messages_start_with_the_argument(call: object, pattern: str) -> None:
    # SPEC section 3: the message names the argument (here: begins with it)
    with pytest.raises(InputError, match=pattern):
        call()  # type: ignore[operator]
