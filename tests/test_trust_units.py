"""Units a user gets wrong say so (issue 19, class 6): ``UnitWarning``, value unchanged.

Every function that takes decimal rates or decimal returns is called with the valid inputs of
the reliability table (no warning: pytest turns warnings into errors) and again with one
argument in percent (times 100): exactly one :class:`~divergence.errors.UnitWarning`, naming
that argument, and the same result as with the warning silenced. The thresholds are those
documented on the Reliability page: median magnitude above 1 for rates, above 0.5 for returns.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import breadth, premia, real, risk, rotation
from divergence._validation import RATE_UNIT_LIMIT, RETURN_UNIT_LIMIT, warn_units
from divergence.errors import DivergenceWarning, InputError, UnitWarning
from reliability_table import ENTRIES

#: (reliability-table entry, argument, kind) for every argument checked for its unit.
CHECKED: list[tuple[str, str, str]] = [
    ("premia.real_rate", "nominal", "rate"),
    ("premia.real_rate", "inflation", "rate"),
    ("premia.excess_cape_yield", "real_yield", "rate"),
    ("premia.risk_premium_gap", "earnings_yield", "rate"),
    ("premia.risk_premium_gap", "real_yield", "rate"),
    ("premia.risk_premium_shift", "gap", "rate"),
    ("real.real_cost_of_capital", "cost_of_equity", "rate"),
    ("real.real_cost_of_capital", "cost_of_debt", "rate"),
    ("real.real_cost_of_capital", "inflation", "rate"),
    ("risk.bond_returns_from_yields", "yields", "rate"),
    ("risk.stock_bond_returns", "bond_yields", "rate"),
    ("risk.value_at_risk", "returns", "return"),
    ("risk.conditional_value_at_risk", "returns", "return"),
    ("risk.cvar_position_limits", "returns", "return"),
    ("risk.cvar_diversification", "returns", "return"),
    ("breadth.index_return", "returns", "return"),
    ("breadth.weighting_gap", "returns", "return"),
    ("breadth.return_contributions", "returns", "return"),
    ("breadth.top_k_contribution_share", "returns", "return"),
    ("breadth.breadth", "returns", "return"),
    ("breadth.breadth_summary", "returns", "return"),
    ("rotation.dispersion_signal", "returns", "return"),
    ("rotation.sector_returns", "returns", "return"),
    ("rotation.sector_weights", "returns", "return"),
    ("rotation.relative_performance", "returns", "return"),
    ("rotation.relative_performance", "benchmark", "return"),
    ("rotation.sector_spread", "sector_returns", "return"),
    ("rotation.size_style_gaps", "returns", "return"),
]


def _same(a: Any, b: Any) -> None:
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    elif isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
    elif hasattr(a, "to_frame"):  # result containers (CVaRAllocation)
        pd.testing.assert_frame_equal(a.to_frame(), b.to_frame())
    else:
        np.testing.assert_array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


@pytest.mark.parametrize(("name", "arg", "kind"), CHECKED, ids=[f"{n}-{a}" for n, a, _ in CHECKED])
def test_percent_input_warns_once_naming_the_argument(name: str, arg: str, kind: str) -> None:
    entry = ENTRIES[name]
    entry.call(**entry.good())  # decimals: no warning (filterwarnings = error)
    kwargs = entry.good()
    if kind == "rate":
        kwargs[arg] = kwargs[arg] * 100.0  # the mistake: percent
    else:  # the mistake: prices (percent returns below -1% are refused outright, see below)
        kwargs[arg] = 100.0 * (1.0 + kwargs[arg]).cumprod()
    before = kwargs[arg].copy()
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = entry.call(**kwargs)
    units = [w for w in seen if issubclass(w.category, UnitWarning)]
    assert len(units) == 1, [str(w.message) for w in seen]
    assert not [w for w in seen if not issubclass(w.category, DivergenceWarning)]
    message = str(units[0].message)
    assert message.startswith(f"{arg} has a median magnitude")
    limit = RATE_UNIT_LIMIT if kind == "rate" else RETURN_UNIT_LIMIT
    assert f"above {limit:g}" in message
    assert ("percent" if kind == "rate" else "prices") in message
    assert "src/divergence" not in units[0].filename  # points at the caller's line
    # never changes the value, nor the input
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitWarning)
        _same(out, entry.call(**{**kwargs, arg: before}))
    pd.testing.assert_series_equal(kwargs[arg], before) if isinstance(
        before, pd.Series
    ) else pd.testing.assert_frame_equal(kwargs[arg], before)


def test_every_public_function_with_a_return_or_rate_argument_is_checked() -> None:
    # a function whose docstring documents decimal returns or rates must be in CHECKED,
    # so a new one cannot escape (the level/price functions and correlations are exempt)
    exempt = {
        "risk.rolling_correlation",  # any two series, not necessarily returns
        "risk.positive_spells",  # any signed series
        "rotation.rotation_diagnostic",  # spreads and signals in their own units
    }
    checked = {n for n, _, _ in CHECKED}
    for name in ENTRIES:
        module, _, func = name.partition(".")
        if module not in {"premia", "real", "risk", "breadth", "rotation"} or "." in func:
            continue
        args = ENTRIES[name].arrays
        if any(a in args for a in ("returns", "sector_returns", "yields", "bond_yields")):
            assert name in checked or name in exempt, name


@pytest.mark.parametrize(
    "fn",
    [
        risk.value_at_risk,
        risk.conditional_value_at_risk,
        lambda r: risk.cvar_position_limits(r, 0.01),
    ],
)
def test_percent_returns_are_named(fn: Any) -> None:
    # percent returns with losses of more than 1% are refused by the functions that check
    # simple returns (below -1); the risk functions accept log returns too, so they warn
    r = ENTRIES["risk.value_at_risk"].good()["returns"] * 100.0
    with pytest.warns(UnitWarning, match=r"^returns .* look like percent returns.*divide by 100"):
        fn(r)
    with pytest.raises(InputError, match="Pass simple decimal returns"):
        breadth.index_return(r, r.abs())


def test_prices_passed_as_returns_are_named() -> None:
    prices = pd.Series(100.0 * np.cumprod(1 + 0.01 * np.sin(np.arange(60.0))))
    with pytest.warns(UnitWarning, match=r"look like prices or index levels.*pct_change"):
        v = risk.value_at_risk(prices)
    assert v == -np.sort(prices.to_numpy())[2]  # the lower 5% empirical quantile, unchanged


def test_thresholds_are_strict_and_ignore_nan_and_inf() -> None:
    # at the limit: no warning; just above: a warning
    warn_units(np.array([0.5, -1.0, 1.0, 1.0, np.nan]), "r", "rate")  # median |x| = 1
    with pytest.warns(UnitWarning, match="^r has a median magnitude of 1.001"):
        warn_units(np.array([1.001, -2.0, 0.0]), "r", "rate")
    warn_units(np.array([0.5, -0.5, np.inf, -np.inf, np.inf]), "x", "return")  # inf ignored
    with pytest.warns(UnitWarning, match="percent returns"):
        warn_units(np.array([0.6, -0.7, 0.0]), "x", "return")
    warn_units(np.array([np.nan, np.nan]), "x", "return")  # nothing to judge
    warn_units(np.empty(0), "x", "rate")


def test_plausible_extremes_do_not_warn() -> None:
    # 25% inflation and a 40% crash month are rare but decimal: no warning
    premia.real_rate(np.array([0.30, 0.28]), np.array([0.25, 0.22]))
    risk.value_at_risk(np.array([-0.4, 0.1, 0.05, -0.02, 0.3]))
    # percent rates below 1% (zero-rate era) cannot be told from decimals: documented limit
    premia.real_rate(np.array([0.1, 0.25]), np.array([0.5, 0.4]))


def test_a_refused_input_raises_without_warning_first() -> None:
    # percent returns that also break a rule: the error comes alone (filterwarnings = error
    # would turn a warning raised first into a failure of the wrong type)
    r = pd.DataFrame({"a": [5.0, -250.0, 3.0], "b": [1.0, 2.0, 3.0]})
    with pytest.raises(InputError, match="returns"):
        breadth.index_return(r, r.abs())
    with pytest.raises(InputError, match="confidence"):
        risk.value_at_risk(r * 100, confidence=1.5)
    with pytest.raises(InputError, match="periods"):
        premia.risk_premium_shift(np.array([5.0, 6.0]), 0)
    with pytest.raises(InputError, match="debt_share"):
        real.real_cost_of_capital([8.0], [5.0], [1.5], [2.0])
    with pytest.raises(InputError):
        rotation.sector_spread(r, method="long_short", long=["zz"], short=["a"])


def test_times_in_days_for_years() -> None:
    # for the dispersion functions (time to expiration): 30 days passed as 30 "years"
    from divergence._validation import YEARS_UNIT_LIMIT

    warn_units(30 / 365, "t", "years")
    warn_units(np.array([2.5, 3.0]), "t", "years")  # LEAPS
    assert YEARS_UNIT_LIMIT == 5.0
    with pytest.warns(UnitWarning, match=r"^t has a median of 30, above 5 years: .*days / 365"):
        warn_units(30.0, "t", "years")


def test_large_inputs_are_judged_on_an_even_sample() -> None:
    # beyond UNIT_SAMPLE values the median comes from evenly spaced values: the same verdict
    from divergence._validation import UNIT_SAMPLE

    rng = np.random.default_rng(0)
    decimal = 0.01 * rng.standard_normal((400, 500))
    assert decimal.size > UNIT_SAMPLE
    warn_units(decimal, "returns", "return")
    warn_units(np.asfortranarray(decimal), "returns", "return")
    with pytest.warns(UnitWarning, match="percent returns"):
        warn_units(decimal * 100, "returns", "return")
    with pytest.warns(UnitWarning, match="prices"):
        warn_units(100 * np.cumprod(1 + decimal, axis=0), "returns", "return")
