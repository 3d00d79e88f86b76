"""Model-free (VIX-style) variance: published worked example, closed forms, panel = single.

Every test here runs twice, with the NumPy engine of the chain kernel and with the compiled
(numba) one: the ``engine`` fixture of ``tests/_chain_engines.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _chain_engines import engine  # noqa: F401  (autouse: both engines)
from divergence.dispersion import (
    bracketing_expiries,
    constant_maturity_variance,
    implied_forward,
    model_free_variance,
    model_free_variance_panel,
)
from divergence.errors import InputError

DATA = Path(__file__).parent / "data"


RENAME = {
    "Strike": "strike",
    "Call Bid": "call_bid",
    "Call Ask": "call_ask",
    "Put Bid": "put_bid",
    "Put Ask": "put_ask",
}


@pytest.fixture(scope="module")
def white_paper() -> pd.DataFrame:
    frame = pd.read_csv(DATA / "cboe_vix_whitepaper_2009_options.csv").rename(columns=RENAME)
    rates = pd.read_csv(DATA / "cboe_vix_whitepaper_2009_rates.csv")
    assert set(rates["Rate"]) == {0.38}  # percent, both terms
    return frame


def _term(frame: pd.DataFrame, days: int) -> pd.DataFrame:
    return frame[frame["Days"] == days]


# --------------------------------------------------------------------------- published example
def test_white_paper_2009_near_and_next_term_variance(white_paper: pd.DataFrame) -> None:
    # Reference: Cboe VIX white paper (2009), Appendix 1 quotes, as replicated by the
    # independent pandas notebook of github.com/khrapovs/vix (Replicate_VIXwite.ipynb):
    # sigma^2(near, 9 days) = 0.472767, sigma^2(next, 37 days) = 0.366818 (6 decimals shown),
    # with T = days / 365 and R = 0.38%. Tolerance: half a unit of the 6th decimal.
    near = model_free_variance(_term(white_paper, 9), t=9 / 365, rate=0.0038)
    nxt = model_free_variance(_term(white_paper, 37), t=37 / 365, rate=0.0038)
    assert near == pytest.approx(0.472767, abs=5e-7)
    assert nxt == pytest.approx(0.366818, abs=5e-7)
    # The same notebook's VIX: 61.217999 (shown to 6 decimals).
    vix = 100 * np.sqrt(constant_maturity_variance(near, 9 / 365, nxt, 37 / 365))
    assert vix == pytest.approx(61.217999, abs=5e-6)


def test_white_paper_forward_by_hand(white_paper: pd.DataFrame) -> None:
    # Step 1 by hand from the table rows at strike 920 (where |C - P| is smallest):
    # near: call mid (35.2 + 39.1)/2 = 37.15, put mid (35.2 + 38.1)/2 = 36.65
    #   F = 920 + exp(0.0038 * 9/365) * 0.50; next: 61.55 - 60.55 = 1.00.
    f_near, k0_near = implied_forward(_term(white_paper, 9), t=9 / 365, rate=0.0038)
    f_next, k0_next = implied_forward(_term(white_paper, 37), t=37 / 365, rate=0.0038)
    assert f_near == pytest.approx(920 + np.exp(0.0038 * 9 / 365) * 0.50, rel=1e-13)
    assert f_next == pytest.approx(920 + np.exp(0.0038 * 37 / 365) * 1.00, rel=1e-13)
    assert k0_near == 920.0
    assert k0_next == 920.0


def test_white_paper_panel_matches(white_paper: pd.DataFrame) -> None:
    chains = white_paper.assign(t=white_paper["Days"] / 365)
    var = model_free_variance_panel(chains, by="Days", t="t", rate=0.0038)
    assert list(var.index) == [9, 37]
    assert var.loc[9] == pytest.approx(0.472767, abs=5e-7)
    assert var.loc[37] == pytest.approx(0.366818, abs=5e-7)


def _current_term(name: str) -> pd.DataFrame:
    cols = ["strike", "call_bid", "call_ask", "put_bid", "put_ask"]
    return pd.read_csv(DATA / f"cboe_vix_whitepaper_current_{name}.dat", sep="\t", names=cols)


def test_current_white_paper_worked_example() -> None:
    # Reference: the Cboe VIX white paper, 2014 (SPX Weeklys) edition, worked example (the same
    # published values are quoted in independent public replication code):
    # near term 854 + 510 + 34,560 minutes (AM settlement), next term 854 + 900 + 44,640
    # minutes (PM settlement), R1 = 0.0305%, R2 = 0.0286%. Published: T1 = 0.0683486,
    # T2 = 0.0882686, F1 = 1962.89996, K0 = 1960, sigma1^2 = 0.01846292, VIX = 13.69.
    near, nxt = _current_term("nearterm"), _current_term("nextterm")
    t1 = (854 + 510 + 34_560) / 525_600
    t2 = (854 + 900 + 44_640) / 525_600
    assert t1 == pytest.approx(0.0683486, abs=5e-8)
    assert t2 == pytest.approx(0.0882686, abs=5e-8)
    f1, k0_1 = implied_forward(near, t=t1, rate=0.000305, k0_rule="at_or_below")
    f2, k0_2 = implied_forward(nxt, t=t2, rate=0.000286, k0_rule="at_or_below")
    assert f1 == pytest.approx(1962.89996, abs=5e-6)
    assert k0_1 == 1960.0
    # next term by hand from the rows at 1960: call mid 27.30, put mid 24.90
    assert f2 == pytest.approx(1960 + np.exp(0.000286 * t2) * 2.40, rel=1e-13)
    assert k0_2 == 1960.0
    v1 = model_free_variance(near, t=t1, rate=0.000305, k0_rule="at_or_below")
    v2 = model_free_variance(nxt, t=t2, rate=0.000286, k0_rule="at_or_below")
    assert v1 == pytest.approx(0.01846292, abs=5e-9)
    vix = 100 * np.sqrt(constant_maturity_variance(v1, t1, v2, t2, target=30 / 365))
    assert vix == pytest.approx(13.69, abs=0.005)  # published to 2 decimals
    chains = pd.concat(
        [near.assign(term=1, t=t1, r=0.000305), nxt.assign(term=2, t=t2, r=0.000286)]
    )
    panel = model_free_variance_panel(chains, by="term", t="t", rate="r", k0_rule="at_or_below")
    np.testing.assert_allclose(panel.to_numpy(), [v1, v2], rtol=1e-12)


# --------------------------------------------------------------------------- closed forms


def test_2019_white_paper_edition_worked_example() -> None:
    # Reference: the Cboe VIX white paper, 2019 edition. Same option quotes as the 2014
    # edition, with T1 = 34,484 and T2 = 44,954 minutes of a 525,600-minute year and
    # R1 = 0.031664%, R2 = 0.028797%. Published: F1 = 1962.89996, F2 = 1962.40006,
    # sigma1^2 = 0.019267 - 0.00003337 = 0.019233906, sigma2^2 = 0.019423884.
    near, nxt = _current_term("nearterm"), _current_term("nextterm")
    t1, t2 = 34_484 / 525_600, 44_954 / 525_600
    r1, r2 = 0.00031664, 0.00028797
    f1, _ = implied_forward(near, t=t1, rate=r1, k0_rule="at_or_below")
    f2, _ = implied_forward(nxt, t=t2, rate=r2, k0_rule="at_or_below")
    assert f1 == pytest.approx(1962.89996, abs=5e-6)
    assert f2 == pytest.approx(1962.40006, abs=5e-6)
    v1 = model_free_variance(near, t=t1, rate=r1, k0_rule="at_or_below")
    v2 = model_free_variance(nxt, t=t2, rate=r2, k0_rule="at_or_below")
    assert v1 == pytest.approx(0.019233906, abs=5e-9)
    assert v2 == pytest.approx(0.019423884, abs=5e-9)


def _bs_chain(sigma: float, t: float, r: float, strikes: np.ndarray) -> pd.DataFrame:
    from scipy.stats import norm

    f = 100.0 * np.exp(r * t)
    sd = sigma * np.sqrt(t)
    d1 = (np.log(f / strikes) + 0.5 * sd**2) / sd
    call = np.exp(-r * t) * (f * norm.cdf(d1) - strikes * norm.cdf(d1 - sd))
    put = np.maximum(call - np.exp(-r * t) * (f - strikes), 0.0)
    call = np.maximum(call, 0.0)
    return pd.DataFrame(
        {"strike": strikes, "call_bid": call, "call_ask": call, "put_bid": put, "put_ask": put}
    )


@pytest.mark.parametrize("sigma", [0.15, 0.4])
def test_black_scholes_flat_smile_converges_to_sigma_squared(sigma: float) -> None:
    # Closed form: under Black-Scholes the log-contract variance equals sigma^2; the white
    # paper's midpoint sum converges at rate Delta K^2, so the error must drop ~4x when the
    # strike step halves, and be below 0.2% at a 0.25-point grid.
    t, r = 30 / 365, 0.01
    errs = []
    for step in (1.0, 0.5, 0.25):
        strikes = np.arange(20.0, 300.0 + step / 2, step)
        var = model_free_variance(_bs_chain(sigma, t, r, strikes), t=t, rate=r)
        errs.append(var / sigma**2 - 1)
    assert abs(errs[-1]) < 2e-3
    assert 3.0 < errs[0] / errs[1] < 5.0
    assert 3.0 < errs[1] / errs[2] < 5.0


def test_small_chain_by_hand() -> None:
    # Every step computed by hand. Strikes 90..110, r = 0 so e^{RT} = 1, T = 0.1.
    # Call mids 11.0, 7.0, 3.0, 1.0, 0.2; put mids 0.05, 0.1, 2.0, 6.4, 11.1; |C - P| is
    # smallest (1.0) at K* = 100, so F = 100 + (3.0 - 2.0) = 101 and K0 = 100.
    # Puts: 95 bid 0 (skipped), 90 bid 0 -> two consecutive zeros: wing ends, nothing used.
    # Calls: 105 (mid 1.0), 110 (mid 0.2). Strikes used: 100, 105, 110.
    # Delta K: 100 -> 5 (edge), 105 -> (110 - 100)/2 = 5, 110 -> 5 (edge).
    # Q: 100 -> (3.0 + 2.0)/2 = 2.5, 105 -> 1.0, 110 -> 0.2.
    chain = pd.DataFrame(
        {
            "strike": [90.0, 95.0, 100.0, 105.0, 110.0],
            "call_bid": [10.9, 6.9, 2.9, 0.9, 0.1],
            "call_ask": [11.1, 7.1, 3.1, 1.1, 0.3],
            "put_bid": [0.0, 0.0, 1.9, 6.3, 11.0],
            "put_ask": [0.1, 0.2, 2.1, 6.5, 11.2],
        }
    )
    s = 5 / 100**2 * 2.5 + 5 / 105**2 * 1.0 + 5 / 110**2 * 0.2
    expected = 2 / 0.1 * s - 1 / 0.1 * (101 / 100 - 1) ** 2
    assert model_free_variance(chain, t=0.1, rate=0.0) == pytest.approx(expected, rel=1e-13)
    # A single zero bid is skipped, not a stop: give the 90 put a bid.
    chain2 = chain.assign(put_bid=[0.05, 0.0, 1.9, 6.3, 11.0])
    # Used: 90 (put mid 0.075), 100, 105, 110. Delta K: 90 -> 10, 100 -> (105-90)/2 = 7.5.
    s2 = 10 / 90**2 * 0.075 + 7.5 / 100**2 * 2.5 + 5 / 105**2 * 1.0 + 5 / 110**2 * 0.2
    expected2 = 2 / 0.1 * s2 - 1 / 0.1 * 0.01**2
    assert model_free_variance(chain2, t=0.1, rate=0.0) == pytest.approx(expected2, rel=1e-13)


def test_k0_rules_differ_only_when_forward_is_a_strike() -> None:
    # Call mid - put mid = 0 at 100 -> F = 100 exactly.
    chain = pd.DataFrame(
        {
            "strike": [95.0, 100.0, 105.0],
            "call_bid": [5.9, 2.4, 0.6],
            "call_ask": [6.1, 2.6, 0.8],
            "put_bid": [0.6, 2.4, 5.9],
            "put_ask": [0.8, 2.6, 6.1],
        }
    )
    assert implied_forward(chain, t=0.1, rate=0.0) == (100.0, 95.0)
    assert implied_forward(chain, t=0.1, rate=0.0, k0_rule="at_or_below") == (100.0, 100.0)


def test_row_order_does_not_matter_and_input_not_mutated(white_paper: pd.DataFrame) -> None:
    near = _term(white_paper, 9)
    shuffled = near.sample(frac=1.0, random_state=3)
    before = shuffled.copy()
    a = model_free_variance(near, t=9 / 365, rate=0.0038)
    b = model_free_variance(shuffled, t=9 / 365, rate=0.0038)
    assert a == pytest.approx(b, rel=1e-14)
    pd.testing.assert_frame_equal(shuffled, before)


# --------------------------------------------------------------------------- panel == single
@st.composite
def _chains(draw: st.DrawFn) -> pd.DataFrame:
    n_chains = draw(st.integers(1, 5))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    frames = []
    for c in range(n_chains):
        n = int(rng.integers(1, 30))
        strikes = np.sort(rng.choice(np.arange(50.0, 150.0, 2.5), size=n, replace=False))
        fwd = rng.uniform(80, 120)
        call = np.maximum(fwd - strikes, 0) + rng.uniform(0, 3, n)
        put = np.maximum(strikes - fwd, 0) + rng.uniform(0, 3, n)
        zero_c = rng.random(n) < draw(st.floats(0, 0.6))
        zero_p = rng.random(n) < draw(st.floats(0, 0.6))
        cb = np.where(zero_c, 0.0, np.round(call, 2))
        pb = np.where(zero_p, 0.0, np.round(put, 2))
        frames.append(
            pd.DataFrame(
                {
                    "chain": c,
                    "strike": strikes,
                    "call_bid": cb,
                    "call_ask": cb + np.round(rng.uniform(0, 1, n), 2),
                    "put_bid": pb,
                    "put_ask": pb + np.round(rng.uniform(0, 1, n), 2),
                    "t": rng.uniform(0.01, 1.0),
                    "r": rng.uniform(-0.01, 0.05),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    return out.sample(frac=1.0, random_state=int(rng.integers(0, 1000)))


@given(chains=_chains(), rule=st.sampled_from(["below", "at_or_below"]))
def test_panel_equals_single_chain(chains: pd.DataFrame, rule: str) -> None:
    panel = model_free_variance_panel(chains, by="chain", t="t", rate="r", k0_rule=rule)  # type: ignore[arg-type]
    for key, g in chains.groupby("chain"):
        single = model_free_variance(
            g,
            t=float(g["t"].iloc[0]),
            rate=float(g["r"].iloc[0]),
            k0_rule=rule,  # type: ignore[arg-type]
        )
        if np.isnan(single):
            assert np.isnan(panel.loc[key])
        else:
            assert panel.loc[key] == pytest.approx(single, rel=1e-12, abs=1e-14)


def test_panel_multi_column_by_and_scalar_t(white_paper: pd.DataFrame) -> None:
    chains = white_paper.assign(root="SPX")
    var = model_free_variance_panel(chains, by=["Expiration", "root"], t=0.1, rate=0.0)
    assert isinstance(var.index, pd.MultiIndex)
    assert var.loc[(20090110, "SPX")] == pytest.approx(
        model_free_variance(_term(white_paper, 9), t=0.1, rate=0.0), rel=1e-12
    )


# --------------------------------------------------------------------------- real 2020 chain
@pytest.fixture(scope="module")
def spx_2020() -> pd.DataFrame:
    raw = pd.read_csv(DATA / "spx_option_chain_2020-03-20.csv.gz")
    wide = raw.pivot_table(
        index=["expiration", "root", "strike"], columns="option_type", values=["bid", "ask"]
    )
    wide.columns = [f"{'call' if cp == 'C' else 'put'}_{q}" for q, cp in wide.columns]
    wide = wide.reset_index()
    # Current methodology: T = (minutes to midnight + minutes from midnight to settlement
    # (9:30 AM for SPX, 16:00 for SPXW) + minutes of the days in between) / 525,600, from the
    # 16:00 ET close of Friday 2020-03-20.
    days = (pd.to_datetime(wide["expiration"]) - pd.Timestamp("2020-03-20")).dt.days
    settle = np.where(wide["root"] == "SPX", 570, 960)
    wide["t"] = (480 + settle + (days - 1) * 1440) / 525_600
    return wide


def test_spx_2020_03_20_vix_replication(spx_2020: pd.DataFrame) -> None:
    # Cboe's rules: Friday expiries only (standard SPX preferred to SPXW on the same day),
    # near and next term bracketing 30 days with the near term beyond 23 days.
    friday = spx_2020[pd.to_datetime(spx_2020["expiration"]).dt.day_of_week == 4]
    standard = set(friday.loc[friday["root"] == "SPX", "expiration"])
    usable = friday[~((friday["root"] == "SPXW") & friday["expiration"].isin(standard))]
    near_t, next_t = bracketing_expiries(usable["t"], target=30 / 365, min_near=23 / 365)
    assert near_t * 365 == pytest.approx(27 + (480 + 570) / 1440)  # 2020-04-17 SPX (AM)
    assert next_t * 365 == pytest.approx(35.0)  # 2020-04-24 SPXW (PM)
    var = model_free_variance_panel(usable, by=["expiration", "root"], t="t", rate=0.0005)
    v_near = var.loc[("2020-04-17", "SPX")]
    v_next = var.loc[("2020-04-24", "SPXW")]
    vix = 100 * np.sqrt(constant_maturity_variance(v_near, near_t, v_next, next_t))
    # Reference: the published VIX close of 2020-03-20, 66.04 (Cboe; data/vix). The
    # end-of-day snapshot is not the 16:15 calculation snapshot, so agreement is only to
    # ~0.5 VIX points (we get 66.28; see docs/user_guide/dispersion.rst for why).
    assert vix == pytest.approx(66.04, abs=0.5)


def test_bracketing_expiries_cases() -> None:
    assert bracketing_expiries([0.05, 0.07, 0.09, 0.2], target=0.08) == (0.07, 0.09)
    # Exactly at the target counts as near.
    assert bracketing_expiries([0.05, 0.08, 0.09], target=0.08) == (0.08, 0.09)
    # Nothing at or below: the two shortest beyond (extrapolation).
    assert bracketing_expiries([0.1, 0.2, 0.3], target=0.08) == (0.1, 0.2)
    with pytest.raises(InputError, match="beyond the target"):
        bracketing_expiries([0.01, 0.02], target=0.08)
    with pytest.raises(InputError, match="two distinct"):
        bracketing_expiries([0.1, 0.1], target=0.08)


def test_constant_maturity_variance_closed_forms() -> None:
    # Equal variances -> the same variance at any horizon in between.
    assert constant_maturity_variance(0.04, 0.05, 0.04, 0.1, target=0.08) == pytest.approx(0.04)
    # At a node the result is that node's variance.
    assert constant_maturity_variance(0.04, 0.05, 0.09, 0.1, target=0.05) == pytest.approx(0.04)
    assert constant_maturity_variance(0.04, 0.05, 0.09, 0.1, target=0.1) == pytest.approx(0.09)
    # Total variance linear in time: 0.5 * (0.05*0.04 + 0.1*0.09) / 0.075
    mid = constant_maturity_variance(0.04, 0.05, 0.09, 0.1, target=0.075)
    assert mid == pytest.approx(0.5 * (0.05 * 0.04 + 0.1 * 0.09) / 0.075)
    s = pd.Series([0.04, 0.05], index=["a", "b"])
    out = constant_maturity_variance(s, 0.05, s, 0.1, target=0.08)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["a", "b"]
    arr = constant_maturity_variance(np.array([0.04, 0.05]), 0.05, 0.05, 0.1, target=0.08)
    assert isinstance(arr, np.ndarray)
    with pytest.raises(InputError, match="t_near"):
        constant_maturity_variance(0.04, 0.1, 0.04, 0.05)


# --------------------------------------------------------------------------- bad inputs
GOOD = pd.DataFrame(
    {
        "strike": [95.0, 100.0, 105.0],
        "call_bid": [5.9, 2.4, 0.6],
        "call_ask": [6.1, 2.6, 0.8],
        "put_bid": [0.6, 2.3, 5.9],
        "put_ask": [0.8, 2.5, 6.1],
    }
)


@pytest.mark.parametrize(
    ("chain", "kwargs", "exc", "match"),
    [
        (GOOD.to_numpy(), {}, TypeError, "chain must be a pandas DataFrame"),
        (GOOD.drop(columns="put_ask"), {}, InputError, "missing column"),
        (GOOD.iloc[:0], {}, InputError, "empty"),
        (GOOD.assign(strike=[95.0, 95.0, 105.0]), {}, InputError, "duplicated strike"),
        (GOOD.assign(strike=[-1.0, 100.0, 105.0]), {}, InputError, "strike"),
        (GOOD.assign(call_bid=[5.9, -2.4, 0.6]), {}, InputError, "call_bid"),
        (GOOD.assign(call_ask=[5.0, 2.6, 0.8]), {}, InputError, "ask < bid"),
        (GOOD.assign(put_bid=["a", "b", "c"]), {}, TypeError, "put_bid"),
        (GOOD, {"t": 0.0}, InputError, "t must be"),
        (GOOD, {"t": "x"}, TypeError, "t must be"),
        (GOOD, {"rate": np.nan}, InputError, "rate must be"),
        (GOOD, {"k0_rule": "above"}, InputError, "k0_rule"),
    ],
)
def test_bad_inputs_single(chain: object, kwargs: dict[str, object], exc: type, match: str) -> None:
    args: dict[str, object] = {"t": 0.1, "rate": 0.01, **kwargs}
    with pytest.raises(exc, match=match):
        model_free_variance(chain, **args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"by": "nope"}, "not in chains"),
        ({"t": "nope"}, "not a column"),
        ({"t": "tvar"}, "constant within each chain"),
        ({"by": []}, "at least one"),
    ],
)
def test_bad_inputs_panel(kwargs: dict[str, object], match: str) -> None:
    chains = pd.concat([GOOD.assign(c=1), GOOD.assign(c=2)]).assign(tvar=np.arange(6) + 1.0)
    args: dict[str, object] = {"by": "c", "t": 0.1, "rate": 0.0, **kwargs}
    with pytest.raises(InputError, match=match):
        model_free_variance_panel(chains, **args)  # type: ignore[arg-type]
    dup = pd.concat([GOOD.assign(c=1), GOOD.assign(c=1)])
    with pytest.raises(InputError, match="duplicated strike"):
        model_free_variance_panel(dup, by="c", t=0.1, rate=0.0)
    with pytest.raises(InputError, match="NaN"):
        model_free_variance_panel(GOOD.assign(c=[1, np.nan, 1]), by="c", t=0.1, rate=0.0)


def test_degenerate_chains_give_nan() -> None:
    # No strike below the forward.
    one = GOOD.iloc[[1]]
    assert np.isnan(model_free_variance(one, t=0.1, rate=0.0))
    # No strike with both mids.
    nan_quotes = GOOD.assign(put_bid=np.nan, put_ask=np.nan)
    assert np.isnan(model_free_variance(nan_quotes, t=0.1, rate=0.0))
    chains = pd.concat([one.assign(c=1), GOOD.assign(c=2), nan_quotes.assign(c=3)])
    var = model_free_variance_panel(chains, by="c", t=0.1, rate=0.0)
    assert np.isnan(var.loc[1])
    assert np.isnan(var.loc[3])
    assert np.isfinite(var.loc[2])


@settings(max_examples=60, deadline=None)
@given(
    n_codes=st.sampled_from([1, 2, 300, 65_536, 65_537, 200_000]),
    size=st.integers(0, 3_000),
    seed=st.integers(0, 2**32 - 1),
)
def test_stable_radix_order_equals_numpy_stable_sort(n_codes: int, size: int, seed: int) -> None:
    """The radix helper behind model_free_variance_panel's row order is a stable argsort.

    Reference: NumPy's own stable argsort of the int64 codes (an independent merge sort),
    for code ranges that need one 16-bit digit and two.
    """
    from divergence.dispersion._vix import _stable_argsort_codes

    codes = np.random.default_rng(seed).integers(0, n_codes, size=size).astype(np.int64)
    np.testing.assert_array_equal(
        _stable_argsort_codes(codes, n_codes), np.argsort(codes, kind="stable")
    )


# ------------------------------------------------------------- gaps found by mutation testing
# Call mid - put mid = 0 at 100 -> F = 100 exactly (r = 0), so the K0 rules differ
FLAT = pd.DataFrame(
    {
        "strike": [95.0, 100.0, 105.0],
        "call_bid": [5.9, 2.4, 0.6],
        "call_ask": [6.1, 2.6, 0.8],
        "put_bid": [0.6, 2.4, 5.9],
        "put_ask": [0.8, 2.6, 6.1],
    }
)


@pytest.mark.parametrize("rule", ["below", "at_or_below"])
def test_panel_k0_rule_when_forward_is_a_strike(rule: str) -> None:
    # the vectorised panel must follow the same K0 rule as the one-chain path
    single = model_free_variance(FLAT, t=0.1, rate=0.0, k0_rule=rule)  # type: ignore[arg-type]
    chains = pd.concat([FLAT.assign(c="x"), GOOD.assign(c="y")])
    panel = model_free_variance_panel(chains, by="c", t=0.1, rate=0.0, k0_rule=rule)  # type: ignore[arg-type]
    assert panel.loc["x"] == pytest.approx(single, rel=1e-12)
    assert panel.name == "variance"
    other = "below" if rule == "at_or_below" else "at_or_below"
    assert single != pytest.approx(model_free_variance(FLAT, t=0.1, rate=0.0, k0_rule=other))  # type: ignore[arg-type]


def test_panel_per_chain_t_and_r_columns() -> None:
    # t and r given as columns: each chain uses its own (the one-chain results)
    chains = pd.concat([GOOD.assign(c=1, tt=0.1, rr=0.01), GOOD.assign(c=2, tt=0.2, rr=-0.005)])
    var = model_free_variance_panel(chains, by="c", t="tt", rate="rr")
    assert var.loc[1] == pytest.approx(model_free_variance(GOOD, t=0.1, rate=0.01), rel=1e-12)
    assert var.loc[2] == pytest.approx(model_free_variance(GOOD, t=0.2, rate=-0.005), rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"t": 0.0}, InputError, r"^t must be > 0"),
        ({"t": -0.1}, InputError, r"^t must be > 0"),
        ({"rate": np.nan}, InputError, r"^rate must be a finite number"),
        ({"t": "tneg"}, InputError, r"^chains\['tneg'\] "),
        ({"rate": "rnan"}, InputError, r"^chains\['rnan'\] "),
        ({"k0_rule": "above"}, InputError, r"^k0_rule must be one of"),
        ({"by": []}, InputError, r"^by must name at least one column$"),
    ],
)
def test_panel_parameter_messages(kwargs: dict[str, object], exc: type, pattern: str) -> None:
    chains = pd.concat([GOOD.assign(c=1), GOOD.assign(c=2)]).assign(
        tneg=-0.1, rnan=[0.0, np.nan, 0.0, 0.0, 0.0, 0.0]
    )
    args: dict[str, object] = {"by": "c", "t": 0.1, "rate": 0.0, **kwargs}
    with pytest.raises(exc, match=pattern):
        model_free_variance_panel(chains, **args)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^chains has missing \(NaN\) values in the by"):
        model_free_variance_panel(GOOD.assign(c=[1, np.nan, 1]), by="c", t=0.1, rate=0.0)


def test_single_chain_messages() -> None:
    with pytest.raises(InputError, match=r"^k0_rule must be one of"):
        model_free_variance(GOOD, t=0.1, rate=0.0, k0_rule="above")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^chain must be a pandas DataFrame, got ndarray$"):
        model_free_variance(GOOD.to_numpy(), t=0.1, rate=0.0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"pass one expiry \(and one root, e\.g\. SPX or SPXW\)"):
        model_free_variance(GOOD.assign(strike=[95.0, 95.0, 105.0]), t=0.1, rate=0.0)


def test_constant_maturity_variance_validation_and_types() -> None:
    # closed form (white paper step 3) with a zero near variance: 0.5 * 0.1 * 0.09 / 0.075
    assert constant_maturity_variance(0.0, 0.05, 0.09, 0.1, target=0.075) == pytest.approx(
        0.5 * 0.1 * 0.09 / 0.075, rel=1e-14
    )
    # NaN is "no value": it propagates
    out = constant_maturity_variance(np.array([0.04, np.nan]), 0.05, 0.09, 0.1, target=0.075)
    assert np.isfinite(out[0]) and np.isnan(out[1])
    # scalar variances with array times -> ndarray; array near time broadcast against t_next
    arr = constant_maturity_variance(0.04, np.array([0.05, 0.06]), 0.09, 0.1, target=0.08)
    assert isinstance(arr, np.ndarray) and arr.shape == (2,)
    expected = (0.05 * 0.04 * 0.02 + 0.1 * 0.09 * 0.03) / 0.05 / 0.08
    assert arr[0] == pytest.approx(expected, rel=1e-14)
    # a Series of times only: the result follows that pandas input (a Series on its index)
    t_s = pd.Series([0.05, 0.06], index=["a", "b"])
    got = constant_maturity_variance(0.04, t_s, 0.09, 0.1)
    assert isinstance(got, pd.Series) and got.index.equals(t_s.index)
    # one-element Series var_near with array times: an array of the broadcast size
    one = constant_maturity_variance(pd.Series([0.04]), np.array([0.05, 0.06]), 0.09, 0.1)
    assert isinstance(one, np.ndarray) and one.shape == (2,)


@pytest.mark.parametrize(
    ("args", "kwargs", "pattern"),
    [
        ((-0.01, 0.05, 0.04, 0.1), {}, r"^var_near "),
        ((0.04, 0.05, -0.01, 0.1), {}, r"^var_next "),
        ((0.04, 0.0, 0.04, 0.1), {}, r"^t_near "),
        ((0.04, 0.05, 0.04, 0.0), {}, r"^t_next must be strictly positive"),
        ((0.04, 0.05, 0.04, 0.05), {}, r"^t_near must be smaller than t_next$"),
        ((0.04, 0.05, 0.04, [0.1, 0.05]), {}, r"^t_near must be smaller than t_next$"),
        ((0.04, 0.05, 0.04, [0.1, 0.04]), {}, r"^t_near must be smaller than t_next$"),
        (
            (0.04, [0.05, 0.06, 0.07], 0.04, [0.1, 0.2]),
            {},
            r"^t_next has 2 values; expected 1 or 3$",
        ),
        ((0.04, 0.05, 0.04, 0.1), {"target": 0.0}, r"^target must be > 0"),
        ((0.04, 0.05, 0.04, 0.1), {"target": -1.0}, r"^target must be > 0"),
        (
            (pd.Series([0.04, 0.05]), 0.05, pd.Series([0.04, 0.05], index=[3, 4]), 0.1),
            {},
            r"index",
        ),
    ],
)
def test_constant_maturity_variance_bad_inputs(
    args: tuple[object, ...], kwargs: dict[str, float], pattern: str
) -> None:
    with pytest.raises(InputError, match=pattern):
        constant_maturity_variance(*args, **kwargs)


def test_bracketing_expiries_options() -> None:
    # min_near excludes expiries at or below it (Cboe: more than 23 days)
    times = [20 / 365, 23 / 365, 28 / 365, 31 / 365, 35 / 365]
    assert bracketing_expiries(times, min_near=23 / 365) == (28 / 365, 31 / 365)
    assert bracketing_expiries(times) == (28 / 365, 31 / 365)
    assert bracketing_expiries([0.01, 0.2, 0.3], min_near=0.01, target=0.05) == (0.2, 0.3)
    for kwargs, pattern in [
        ({"target": 0.0}, r"^target must be > 0"),
        ({"min_near": -0.1}, r"^min_near must be >= 0"),
    ]:
        with pytest.raises(InputError, match=pattern):
            bracketing_expiries(times, **kwargs)
    with pytest.raises(InputError, match=r"^times "):
        bracketing_expiries([0.05, np.nan, 0.1])
    with pytest.raises(InputError, match=r"^times must be 1-D"):
        bracketing_expiries(np.array([[0.05, 0.1]]))


def test_panel_row_order_and_duplicates_in_a_later_chain() -> None:
    # chains listed in descending label order, strike ranges disjoint and increasing across
    # the boundary: each chain still equals its one-chain variance
    high = GOOD.assign(strike=GOOD["strike"] + 100.0)
    chains = pd.concat([GOOD.assign(c=2), high.assign(c=1)])
    var = model_free_variance_panel(chains, by="c", t=0.1, rate=0.0)
    assert var.loc[2] == pytest.approx(model_free_variance(GOOD, t=0.1, rate=0.0), rel=1e-12)
    assert var.loc[1] == pytest.approx(model_free_variance(high, t=0.1, rate=0.0), rel=1e-12)
    assert list(var.index) == [1, 2]
    # a duplicated strike in the second chain is found and located
    dup = pd.concat([GOOD.assign(c=1), GOOD.assign(c=2), GOOD.iloc[[2]].assign(c=2)])
    with pytest.raises(
        InputError, match=r"^chains has 1 duplicated strike\(s\) within a chain; first strike 105 "
    ):
        model_free_variance_panel(dup, by="c", t=0.1, rate=0.0)


def test_panel_degenerate_chains_only() -> None:
    # no chain has a strike below its forward: all NaN (and no error on the empty selection)
    one = GOOD.iloc[[1]]
    var = model_free_variance_panel(
        pd.concat([one.assign(c=1), one.assign(c=2)]), by="c", t=0.1, rate=0.0
    )
    assert var.isna().all() and len(var) == 2


def test_panel_needs_two_strikes_and_finite_quotes() -> None:
    # K0 = 100 is the only strike used (the 105 call has a zero bid, no put below K0): the
    # white paper needs at least two strikes -> NaN, as on the one-chain path
    only_k0 = pd.DataFrame(
        {
            "strike": [100.0, 105.0],
            "call_bid": [2.4, 0.0],
            "call_ask": [2.6, 0.1],
            "put_bid": [2.3, 5.9],
            "put_ask": [2.5, 6.1],
        }
    )
    # a used strike with a missing ask: its mid is unknown -> NaN, not a smaller variance
    no_ask = GOOD.assign(put_ask=[np.nan, 2.5, 6.1])
    assert np.isnan(model_free_variance(only_k0, t=0.1, rate=0.0))
    assert np.isnan(model_free_variance(no_ask, t=0.1, rate=0.0))
    chains = pd.concat([only_k0.assign(c=1), no_ask.assign(c=2), GOOD.assign(c=3)])
    var = model_free_variance_panel(chains, by="c", t=0.1, rate=0.0)
    assert np.isnan(var.loc[1]) and np.isnan(var.loc[2])
    assert var.loc[3] == pytest.approx(model_free_variance(GOOD, t=0.1, rate=0.0), rel=1e-12)


def test_duplicate_strike_anywhere_in_a_single_chain() -> None:
    with pytest.raises(InputError, match=r"duplicated strike"):
        model_free_variance(GOOD.assign(strike=[95.0, 105.0, 105.0]), t=0.1, rate=0.0)
    # a zero variance for the next expiry is a valid input (closed form: T1 s1^2 w1 / tau)
    v = constant_maturity_variance(0.04, 0.05, 0.0, 0.1, target=0.075)
    assert v == pytest.approx(0.05 * 0.04 * 0.5 / 0.075, rel=1e-14)
