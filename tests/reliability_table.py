"""The reliability table: every public callable of divergence, with a valid call and its arrays.

Shared by ``test_reliability_inventory.py`` (every public name is listed here),
``test_reliability_bad_inputs.py`` (each array argument replaced by each bad value) and
``test_reliability_fuzz.py`` (each array argument replaced by arbitrary arrays).

An :class:`Entry` gives a factory ``good()`` returning the keyword arguments of one valid call
(fresh objects each time) and, for each array-valued argument, an :class:`Arg` saying which values
are legitimate: ``sign`` is ``"any"`` (negative values valid, with the reason), ``"nonneg"``,
``"positive"`` or ``"gt_minus_one"`` (a simple return). Public names with no array argument (data
loaders, exception classes, result containers built only by the library) are listed in
:data:`NOT_APPLICABLE` with the reason.

To cover a new public function, add an :class:`Entry` to :data:`ENTRIES` (and its module to
:data:`MODULES` if new); the inventory test fails until that is done.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from _bs_boards import bs_board
from divergence import breadth as br
from divergence import concentration as conc
from divergence import cost, flows, lags, liquidity, premia, real, risk, rotation
from divergence import dispersion as disp
from divergence import refinancing as refi
from divergence.errors import UnitWarning

#: Public modules walked by the inventory test.
MODULES: tuple[str, ...] = (
    "concentration",
    "breadth",
    "premia",
    "real",
    "liquidity",
    "cost",
    "dispersion",
    "flows",
    "risk",
    "rotation",
    "refinancing",
    "lags",
    "plotting",
    "distributed",
    "datasets",
    "errors",
)

#: Public submodules not walked, with the reason (every other submodule must be in MODULES).
NOT_WALKED: dict[str, str] = {
    "report": "the command-line report (python -m divergence report), tested end to end in "
    "test_report_browser.py and the section tests; its functions take no user data",
}

D6 = pd.date_range("2024-01-31", periods=6, freq="ME")
T3 = ["AAA", "BBB", "CCC"]


def _frame(a: list[list[float]] | np.ndarray) -> pd.DataFrame:
    arr = np.asarray(a, dtype=float)
    return pd.DataFrame(arr, index=D6[: len(arr)], columns=T3[: arr.shape[1]])


def _series(a: list[float] | np.ndarray, name: str = "x") -> pd.Series:
    arr = np.asarray(a, dtype=float)
    return pd.Series(arr, index=D6[: len(arr)], name=name)


def caps() -> pd.DataFrame:
    return _frame([[3.0, 1.0, 2.0], [4.0, 1.0, 1.5], [5.0, 2.0, 1.0], [4.5, 2.5, 1.2],
                   [6.0, 2.0, 1.1], [6.5, 2.2, 1.0]])  # fmt: skip


def rets() -> pd.DataFrame:
    return _frame([[0.01, -0.02, 0.0], [0.03, 0.01, -0.01], [-0.02, 0.015, 0.005],
                   [0.004, -0.01, 0.02], [0.012, 0.0, -0.006], [-0.015, 0.02, 0.01]])  # fmt: skip


def level(start: float = 100.0, name: str = "x") -> pd.Series:
    return _series(start * np.array([1.0, 1.01, 1.02, 1.025, 1.04, 1.05]), name)


def rate(name: str = "x") -> pd.Series:
    return _series([0.03, 0.035, 0.031, 0.04, 0.038, 0.042], name)


def signed(name: str = "x") -> pd.Series:
    return _series([0.01, -0.02, 0.015, 0.0, -0.005, 0.02], name)


def vols() -> pd.DataFrame:
    return _frame([[0.3, 0.25, 0.4], [0.32, 0.26, 0.38], [0.31, 0.27, 0.41], [0.3, 0.3, 0.4],
                   [0.29, 0.28, 0.42], [0.33, 0.25, 0.39]])  # fmt: skip


def vol_weights() -> pd.DataFrame:
    return caps().div(caps().sum(axis=1), axis=0)


def chain() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strike": [80.0, 85, 90, 95, 100, 105, 110, 115, 120],
            "call_bid": [20.02, 15.02, 10.09, 5.58, 2.28, 0.61, 0.07, 0.0, 0.0],
            "call_ask": [20.12, 15.12, 10.19, 5.68, 2.38, 0.71, 0.17, 0.07, 0.05],
            "put_bid": [0.0, 0.0, 0.02, 0.5, 2.2, 5.53, 9.98, 14.87, 19.85],
            "put_ask": [0.05, 0.05, 0.12, 0.6, 2.3, 5.63, 10.08, 14.97, 19.95],
        }
    )


def chains() -> pd.DataFrame:
    one = chain()
    return pd.concat([one.assign(expiry="A", t=30 / 365), one.assign(expiry="B", t=60 / 365)])


def quote_board(names: tuple[str, ...] = ()) -> pd.DataFrame:
    """A small long quote table (two Friday terms), numeric ``ask`` last; one per name."""
    now = pd.Timestamp("2026-05-13 10:00")
    terms = [("2026-06-05", True), ("2026-06-12", True)]
    if not names:
        frame = bs_board(now, terms, 0.2, step=0.05, width=3.0)
    else:
        frame = pd.concat(
            [
                bs_board(now, terms, 0.2 + 0.05 * i, step=0.05, width=3.0, underlying=n)
                for i, n in enumerate(names)
            ],
            ignore_index=True,
        )
    return frame[[c for c in frame.columns if c != "ask"] + ["ask"]]


def ff_grid() -> pd.DataFrame:
    names = ["S1V1", "S1V3", "S1V5", "S3V1", "S3V3", "S3V5", "S5V1", "S5V3", "S5V5"]
    rng = np.random.default_rng(3)
    return pd.DataFrame(rng.normal(0.01, 0.03, (6, 9)), index=D6, columns=names)


def cost_inputs() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    idx = pd.date_range("2020-01-31", periods=24, freq="ME")
    dr, ic, ls = rng.normal(size=(3, 24))
    return {
        "delta_r": pd.Series(dr, idx, name="delta_r"),
        "i_c": pd.Series(20 + ic, idx, name="i_c"),
        "l_s": pd.Series(ls, idx, name="l_s"),
    }


def long_pair() -> dict[str, Any]:
    rng = np.random.default_rng(1)
    idx = pd.date_range("2020-01-31", periods=30, freq="ME")
    a, b = rng.normal(size=(2, 30))
    return {"a": pd.Series(a, idx, name="a"), "b": pd.Series(a + b, idx, name="b")}


def refi_book() -> pd.DataFrame:
    """Two firms, a fixed bond and a floating loan each (principal in money units)."""
    return pd.DataFrame(
        {
            "firm": ["a", "a", "b", "b"],
            "principal": [100.0, 50.0, 80.0, 40.0],
            "kind": ["fixed", "floating", "fixed", "floating"],
            "coupon": [0.04, np.nan, 0.05, np.nan],
            "spread": [np.nan, 0.02, np.nan, 0.04],
            "maturity": [6.0, 12.0, 3.0, 9.0],
            "reset_months": [np.nan, 3.0, np.nan, 1.0],
            "tenor": [60.0, 24.0, 36.0, 12.0],
        }
    )


def refi_ladder() -> pd.DataFrame:
    """10-K maturity buckets of two firms (money units)."""
    return pd.DataFrame(
        {"y1": [10.0, 4.0], "y2": [5.0, 0.0], "y3": [0.0, 2.0], "y4": [8.0, 1.0],
         "y5": [3.0, 0.0], "after5": [20.0, 6.0]},
        index=["a", "b"],
    )  # fmt: skip


def refi_firms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [30.0, 9.0],
            "growth": [0.02, 0.0],
            "volatility": [0.2, 0.3],
            "cohort": ["large", "small"],
        }
    )


def refi_rates() -> np.ndarray:
    return 0.01 + np.r_[0.0, np.full(11, 0.03)]


def spread_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {"lower": [0.0, 1.5, 4.0], "rating": ["B", "BBB", "A"], "spread": [0.05, 0.02, 0.01]}
    )


SIGNED = "signed quantity: negative values are valid"


@dataclass(frozen=True)
class Arg:
    """One array-valued argument: the sign its values must have, and whether None is valid."""

    sign: str = "any"  # "any" | "nonneg" | "positive" | "gt_minus_one"
    why_signed: str = SIGNED  # reason the "negative" case does not apply when sign == "any"
    optional: bool = False  # None is a valid value (the "none" case does not apply)
    numeric: bool = True  # False for label arrays (sectors): strings are valid
    frame_only: bool = False  # a DataFrame with named columns (option chains)


@dataclass(frozen=True)
class Entry:
    """A public callable: how to call it validly, and its array arguments."""

    call: Callable[..., Any]
    good: Callable[[], dict[str, Any]]
    arrays: dict[str, Arg]
    #: (argument, bad case) -> reason the case does not apply.
    not_applicable: dict[tuple[str, str], str] = field(default_factory=dict)
    #: (argument, bad case) -> (documented exception, reason) where it differs from the default.
    expect: dict[tuple[str, str], tuple[type[Exception], str]] = field(default_factory=dict)
    #: (argument, bad case) -> reason; the case is a known bug, marked xfail(strict=True).
    known_bugs: dict[tuple[str, str], str] = field(default_factory=dict)
    #: output check for the fuzz test (called with the result and the call's kwargs).
    check: Callable[[Any, dict[str, Any]], None] | None = None
    #: include in the hypothesis fuzz test.
    fuzz: bool = True
    #: the callable lags, differences, rolls or compounds over rows: dated inputs must have
    #: strictly increasing dates (unsorted or duplicate dates raise InputError; contract suite).
    time_ordered: bool = False
    #: contract-suite variant (or "argument:variant") -> reason it does not apply to this
    #: entry (see test_contract.py).
    contract_skip: dict[str, str] = field(default_factory=dict)


def _x(fn: Callable[..., Any], **extra: Any) -> Entry:
    """A concentration-style measure of one size panel ``x``."""
    return Entry(lambda **kw: fn(**kw, **extra), lambda: {"x": caps()}, {"x": Arg("nonneg")})


def _pair(fn: Callable[..., Any], caps_optional: bool = False) -> Entry:
    return Entry(
        fn,
        lambda: {"returns": rets(), "market_caps": caps()},
        {"returns": Arg("gt_minus_one"), "market_caps": Arg("nonneg", optional=caps_optional)},
    )


def _implied(fn: Callable[..., Any], **extra: Any) -> Entry:
    return Entry(
        lambda **kw: fn(**kw, **extra),
        lambda: {
            "index_vol": _series([0.2, 0.21, 0.22, 0.2, 0.19, 0.23], "ivol"),
            "constituent_vols": vols(),
            "weights": vol_weights(),
        },
        {"index_vol": Arg("nonneg"), "constituent_vols": Arg("nonneg"), "weights": Arg("nonneg")},
    )


_ALIGNED = (
    "pandas inputs are outer-joined on their index (documented in DivergenceCost.evaluate); "
    "arrays that cannot be aligned raise: tests/test_cost_inputs.py"
)


def _cost_method(name: str) -> Entry:
    model = cost.DivergenceCost(min_periods=6)
    return Entry(
        getattr(model, name),
        cost_inputs,
        {k: Arg(optional=True) for k in cost.INPUTS},
        not_applicable={
            (k, case): _ALIGNED
            for k in cost.INPUTS
            for case in ("mismatched_shape", "mismatched_index")
        },
    )


def toy_shiller() -> pd.DataFrame:
    months = pd.date_range("2019-01-01", periods=30, freq="MS")
    gs10 = 3.0 + 0.1 * np.sin(np.arange(30))
    return pd.DataFrame(
        {"sp_price": 200.0 + np.arange(30), "earnings": 10.0, "gs10": gs10, "cpi": 100.0},
        index=months,
    )


def cost_sources() -> dict[str, Any]:
    """User data for cost.inputs (no bundled data loaded)."""
    months = pd.date_range("2019-01-01", periods=30, freq="MS")
    return {
        "shiller": toy_shiller(),
        "balance_sheet": pd.Series(1000.0 - 2.0 * np.arange(30), index=months, name="b"),
        "base": pd.Series(500.0 + np.arange(30), index=months, name="m"),
        "i_c": pd.Series(20.0 + np.arange(30), index=months, name="ic"),
        "long_rate": pd.Series(gs10_daily(), index=pd.bdate_range("2019-01-01", periods=600)),
    }


def gs10_daily() -> np.ndarray:
    return 3.0 + 0.5 * np.sin(np.arange(600) / 50.0)


#: options of cost.inputs that fit the 30 months of cost_sources()
COST_INPUT_OPTIONS: dict[str, Any] = {
    "cape_window": 6,
    "cape_min_periods": 6,
    "inflation_window": 6,
    "balance_sheet_divisor": 1.0,
}

_OWN_CALENDAR = "each source is on its own calendar: months are matched by date (documented)"
_NOT_A_SERIES = "documented: a pandas object indexed by date is required (TypeError)"


_SIM = flows.simulate_flows([60.0, 30.0, 10.0], n_steps=3, passive_flows=1.0)
_ALLOC = risk.cvar_position_limits(rets(), 0.01, confidence=0.75)
_PNL = disp.dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5])
_DISP_NA = "result container built by the library; fields are not validated inputs"
_BOOK = refi.DebtBook.from_frame(refi_book())
_REFI = refi.simulate(refi_book(), refi_firms(), refi_rates(), n_paths=3, seed=0, keep="full")
_TABLE = refi.SpreadTable((1.5, 4.0), (0.05, 0.02, 0.01), ("B", "BBB", "A"))
_COVERAGE_SIGNED = "coverage is negative when EBIT is (documented)"
_LEADLAG = lags.lead_lag(np.sin(np.arange(40.0)), np.r_[0.0, np.sin(np.arange(39.0))], 3)
_FIT = cost.DivergenceCost(weights=(1.0, 0.5, 0.5), min_periods=6)


def _plotted(draw: Callable[[], Any]) -> Entry:
    """Entry of a result's plot(): draws on the Agg backend and closes the figure."""

    def call() -> Any:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        ax = draw()
        plt.close(ax.figure)
        return ax

    return Entry(call, dict, {}, fuzz=False)


def _summarised(summary: Callable[[], Any]) -> Entry:
    """Entry of a result's summary() (no array argument)."""
    return Entry(summary, dict, {}, fuzz=False)


_NO_ARRAY = "no array argument: only scalar options (see test_reliability_scalars.py)"
_DASK = (
    "takes Dask collections; its bad inputs are tested in tests/test_distributed.py and "
    "its numbers against the local function it runs"
)

#: Public callables with no array argument to corrupt, with the reason.
NOT_APPLICABLE: dict[str, str] = {
    **{
        f"datasets.{n}": "data loader or registry: no array argument"
        for n in (
            "COMPANY_FACTS",
            "FRED_SERIES",
            "REGISTRY",
            "SHARE_CLASSES",
            "DatasetInfo",
            "load_company_facts",
            "load_fama_french",
            "load_fred",
            "load_shiller",
            "load_sp500_constituents",
            "load_sp500_daily_market_caps",
            "load_sp500_index",
            "load_sp500_market_caps",
            "load_sp500_prices",
            "load_vix",
        )
    },
    **{
        f"errors.{n}": "exception / warning class"
        for n in (
            "DataWarning",
            "DivergenceDeprecationWarning",
            "DivergenceWarning",
            "DomainWarning",
            "InputError",
            "OutOfRangeWarning",
            "UnitWarning",
        )
    },
    "cost.INPUTS": "constant tuple of input names",
    "cost.SHILLER_COLUMNS": "constant tuple of column names",
    "cost.ForecastSkill": _DISP_NA + " (forecast_skill)",
    "refinancing.RefinancingResult": _DISP_NA + " (simulate); its methods are covered",
    "refinancing.book_from_company_facts": "reads SEC company-facts JSON documents (dicts or "
    "paths), no array argument; its bad inputs are tested in tests/test_refinancing_filings.py",
    "lags.LeadLag": _DISP_NA + " (lead_lag)",
    **{
        f"distributed.{n}": _DASK
        for n in ("cross_sectional", "rolling", "model_free_variance_panel", "simulate_refinancing")
    },
    "rotation.FAMA_FRENCH_3X3": "constant mapping of portfolio names",
    "flows.FlowSimulation": _DISP_NA + " (simulate_flows); its methods are covered",
    "risk.CVaRAllocation": _DISP_NA + " (cvar_position_limits); its methods are covered",
    "dispersion.DispersionTradePnL": _DISP_NA + " (dispersion_trade_pnl); to_frame is covered",
}

ENTRIES: dict[str, Entry] = {
    # concentration -------------------------------------------------------------------------
    "concentration.weights": _x(conc.weights),
    "concentration.hhi": _x(conc.hhi),
    "concentration.effective_n": _x(conc.effective_n),
    "concentration.top_k_share": _x(conc.top_k_share, top_k=2),
    "concentration.concentration_coefficient": _x(conc.concentration_coefficient, top_k=2),
    "concentration.gini": _x(conc.gini),
    "concentration.theil": _x(conc.theil),
    "concentration.hall_tideman": _x(conc.hall_tideman),
    "concentration.hill_number": _x(conc.hill_number, order=2.0),
    "concentration.lorenz_curve": Entry(
        conc.lorenz_curve, lambda: {"x": caps().iloc[0]}, {"x": Arg("nonneg")}
    ),
    "concentration.concentration_profile": _x(conc.concentration_profile, top_k=2),
    "concentration.chain_link": Entry(
        conc.chain_link,
        lambda: {"snapshots": _series([30.0, 33.0], "s"), "daily": level(20.0, "d")},
        {"snapshots": Arg("positive"), "daily": Arg("positive")},
        not_applicable={
            (a, c): "snapshots and daily are different calendars by design (documented)"
            for a in ("snapshots", "daily")
            for c in ("mismatched_shape", "mismatched_index")
        },
        expect={(a, "three_d"): (TypeError, _NOT_A_SERIES) for a in ("snapshots", "daily")},
        # the output's length depends on the data (NaN rows are dropped, the linked days start
        # at the first linkable snapshot); tests/test_chain_link.py draws random series instead
        fuzz=False,
    ),
    # breadth -------------------------------------------------------------------------------
    "breadth.index_return": _pair(br.index_return, caps_optional=True),
    "breadth.weighting_gap": _pair(br.weighting_gap),
    "breadth.return_contributions": _pair(br.return_contributions),
    "breadth.top_k_contribution_share": _pair(
        lambda **kw: br.top_k_contribution_share(**kw, top_k=2)
    ),
    "breadth.breadth": _pair(br.breadth, caps_optional=True),
    "breadth.breadth_summary": _pair(lambda **kw: br.breadth_summary(**kw, top_k=2)),
    "breadth.cap_change_breadth": Entry(
        lambda **kw: br.cap_change_breadth(**kw, top_k=2),
        lambda: {"market_caps": caps()},
        {"market_caps": Arg("nonneg")},
    ),
    # premia --------------------------------------------------------------------------------
    "premia.real_rate": Entry(
        premia.real_rate,
        lambda: {"nominal": rate("n"), "inflation": rate("i") - 0.01},
        {"nominal": Arg(), "inflation": Arg("gt_minus_one")},
    ),
    "premia.annualized_inflation": Entry(
        lambda **kw: premia.annualized_inflation(**kw, periods=2, periods_per_year=12),
        lambda: {"price_index": level()},
        {"price_index": Arg("positive")},
    ),
    "premia.earnings_yield": Entry(
        premia.earnings_yield,
        lambda: {"price": level(4000.0, "p"), "earnings": level(200.0, "e")},
        {"price": Arg("positive"), "earnings": Arg(why_signed="losses: earnings can be negative")},
    ),
    "premia.cape": Entry(
        lambda **kw: premia.cape(**kw, window=2),
        lambda: {
            "price": level(4000.0, "p"),
            "earnings": level(200.0, "e"),
            "price_index": level(250.0, "cpi"),
        },
        {
            "price": Arg("positive"),
            "earnings": Arg(why_signed="losses: earnings can be negative"),
            "price_index": Arg("positive"),
        },
    ),
    "premia.excess_cape_yield": Entry(
        premia.excess_cape_yield,
        lambda: {"cape": level(25.0, "cape"), "real_yield": rate("ry")},
        {"cape": Arg("positive"), "real_yield": Arg()},
    ),
    "premia.risk_premium_gap": Entry(
        premia.risk_premium_gap,
        lambda: {"earnings_yield": rate("ey") + 0.01, "real_yield": rate("ry")},
        {
            "earnings_yield": Arg(why_signed="losses: earnings yield can be negative"),
            "real_yield": Arg(),
        },
    ),
    "premia.risk_premium_shift": Entry(
        lambda **kw: premia.risk_premium_shift(**kw, periods=1),
        lambda: {"gap": rate("gap")},
        {"gap": Arg()},
    ),
    # real ----------------------------------------------------------------------------------
    "real.deflate": Entry(
        real.deflate,
        lambda: {"nominal": level(10.0, "n"), "price_index": level(100.0, "cpi")},
        {
            "nominal": Arg(why_signed="nominal flows (e.g. net income) can be negative"),
            "price_index": Arg("positive"),
        },
    ),
    "real.real_growth": Entry(
        lambda **kw: real.real_growth(**kw, periods_per_year=12),  # the annualising path
        lambda: {"nominal": level(10.0, "n"), "price_index": level(100.0, "cpi")},
        {"nominal": Arg("positive"), "price_index": Arg("positive")},
    ),
    "real.nominal_illusion": Entry(
        lambda **kw: real.nominal_illusion(**kw, periods_per_year=12),  # the annualising path
        lambda: {"nominal": level(10.0, "n"), "price_index": level(100.0, "cpi")},
        {"nominal": Arg("positive"), "price_index": Arg("positive")},
    ),
    "real.real_cost_of_capital": Entry(
        real.real_cost_of_capital,
        lambda: {
            "cost_of_equity": rate("ke") + 0.04,
            "cost_of_debt": rate("kd"),
            "debt_share": _series([0.4] * 6, "w"),
            "inflation": rate("pi") - 0.01,
        },
        {
            "cost_of_equity": Arg(),
            "cost_of_debt": Arg(),
            "debt_share": Arg("nonneg"),
            "inflation": Arg("gt_minus_one"),
        },
    ),
    # liquidity -----------------------------------------------------------------------------
    "liquidity.sterilization_rate": Entry(
        lambda **kw: liquidity.sterilization_rate(**kw, periods=1, periods_per_year=12),
        lambda: {"balance_sheet": level(9000.0, "bs"), "base": level(20000.0, "gdp")},
        {"balance_sheet": Arg("positive"), "base": Arg("positive", optional=True)},
    ),
    "liquidity.net_liquidity": Entry(
        liquidity.net_liquidity,
        lambda: {
            "total_assets": level(8900.0, "a"),
            "treasury_account": level(750.0, "tga"),
            "reverse_repo": level(2200.0, "rrp"),
        },
        {
            "total_assets": Arg("nonneg"),
            "treasury_account": Arg("nonneg"),
            "reverse_repo": Arg("nonneg"),
        },
    ),
    # cost ----------------------------------------------------------------------------------
    "cost.expanding_percentile": Entry(
        cost.expanding_percentile, lambda: {"x": signed()}, {"x": Arg()}
    ),
    "cost.expanding_robust_z": Entry(
        lambda **kw: cost.expanding_robust_z(**kw, min_periods=3),
        lambda: {"x": signed()},
        {"x": Arg()},
    ),
    "cost.divergence_cost": Entry(
        lambda **kw: cost.divergence_cost(**kw, min_periods=6),
        cost_inputs,
        {k: Arg(optional=True) for k in cost.INPUTS},
        not_applicable={
            (k, case): _ALIGNED
            for k in cost.INPUTS
            for case in ("mismatched_shape", "mismatched_index")
        },
    ),
    "cost.DivergenceCost": Entry(
        lambda **kw: cost.DivergenceCost(**kw, min_periods=6),
        lambda: {"weights": (1.0, 0.5, 0.5)},
        {"weights": Arg("nonneg")},
        not_applicable={
            ("weights", "mismatched_index"): "a tuple of three floats has no index",
        },
        expect={
            ("weights", "empty"): (TypeError, "documented: not a sequence of three numbers"),
            ("weights", "three_d"): (TypeError, "documented: not a sequence of three numbers"),
        },
        fuzz=False,
    ),
    "cost.DivergenceCost.scores": _cost_method("scores"),
    "cost.DivergenceCost.linear_predictor": _cost_method("linear_predictor"),
    "cost.DivergenceCost.evaluate": _cost_method("evaluate"),
    "cost.DivergenceCost.contributions": _cost_method("contributions"),
    "cost.DivergenceCost.sensitivities": _cost_method("sensitivities"),
    "cost.DivergenceCost.summary": _summarised(lambda: _FIT.summary()),
    "cost.inputs": Entry(
        lambda **kw: cost.inputs(**{**COST_INPUT_OPTIONS, **kw}),
        cost_sources,
        {
            # None = the bundled source (loaded from package data)
            "shiller": Arg(frame_only=True, optional=True),
            "balance_sheet": Arg("nonneg", optional=True),
            "base": Arg("positive", optional=True),
            "i_c": Arg("positive", optional=True),
            "long_rate": Arg(why_signed="a yield in percent can be negative", optional=True),
        },
        not_applicable={
            **{
                (a, c): _OWN_CALENDAR
                for a in ("shiller", "balance_sheet", "base", "i_c", "long_rate")
                for c in ("mismatched_shape", "mismatched_index")
            },
        },
        expect={
            (a, "three_d"): (TypeError, _NOT_A_SERIES)
            for a in ("shiller", "balance_sheet", "base", "i_c", "long_rate")
        },
        fuzz=False,
        contract_skip={
            "tz_aware_index": "documented: every source is put on a naive month-start calendar "
            "(time zones dropped), so the dates are not kept as sent",
            "one_row": "sources are resampled to months and combined: one row leaves a derived "
            "series (real_yield) empty, reported under that name (tests/test_cost.py)",
            "i_c:series_as_frame": "documented: a DataFrame i_c is a caps panel (I_C is "
            "computed from it), a Series is I_C itself: not the same numbers",
        },
    ),
    "cost.drawdown_event": Entry(
        lambda **kw: cost.drawdown_event(**kw, horizon=2, threshold=0.01),
        lambda: {"price": level()},
        {"price": Arg("positive")},
    ),
    "cost.roc_auc": Entry(
        cost.roc_auc,
        lambda: {"score": signed(), "label": _series([0.0, 1.0, 0.0, 1.0, 1.0, 0.0], "y")},
        {"score": Arg(), "label": Arg("nonneg")},
    ),
    "cost.forecast_skill": Entry(
        cost.forecast_skill,
        lambda: {
            "forecast": _series([0.1, 0.6, 0.3, 0.8, 0.7, 0.2], "p"),
            "outcome": _series([0.0, 1.0, 0.0, 1.0, 1.0, 0.0], "y"),
        },
        {"forecast": Arg(why_signed="any real forecast is scored"), "outcome": Arg("nonneg")},
    ),
    "cost.DivergenceCost.calibrate": Entry(
        lambda **kw: cost.DivergenceCost.calibrate(**kw, min_periods=6),
        lambda: {
            "components": pd.DataFrame(cost_inputs()),
            "target": pd.Series(
                np.tile([0.0, 1.0, 1.0, 0.0, 1.0, 0.0], 4), cost_inputs()["i_c"].index, name="y"
            ),
        },
        {"components": Arg(frame_only=True), "target": Arg()},
        fuzz=False,
    ),
    # flows ---------------------------------------------------------------------------------
    "flows.fixed_share_multiplier": Entry(
        flows.fixed_share_multiplier, lambda: {"equity_share": 0.8}, {}, fuzz=False
    ),
    "flows.simulate_flows": Entry(
        lambda **kw: flows.simulate_flows(**kw, n_steps=3, passive_flows=1.0, active_aum=5.0),
        lambda: {
            "market_caps": pd.Series([60.0, 30.0, 10.0], index=T3, name="cap"),
            "active_weights": pd.Series([0.5, 0.3, 0.2], index=T3, name="w"),
        },
        {"market_caps": Arg("positive"), "active_weights": Arg("nonneg", optional=True)},
    ),
    "flows.FlowSimulation.to_frame": Entry(lambda: _SIM.to_frame(), dict, {}, fuzz=False),
    "flows.illustrative_scenarios": Entry(
        lambda **kw: flows.illustrative_scenarios(**kw, n_steps=3),
        lambda: {"market_caps": pd.Series([60.0, 30.0, 10.0], index=T3, name="cap")},
        {"market_caps": Arg("positive")},
    ),
    "flows.scenario_effective_n": Entry(
        lambda **kw: flows.scenario_effective_n(**kw, n_seeds=2),
        lambda: {
            "market_caps": pd.Series([60.0, 30.0, 10.0], index=T3, name="cap"),
            "scenarios": {"passive": {"n_steps": 3, "passive_flows": 1.0, "volatility": 0.04}},
        },
        {"market_caps": Arg("positive")},
    ),
    "flows.FlowSimulation.panel": Entry(lambda: _SIM.panel("caps"), dict, {}, fuzz=False),
    "flows.FlowSimulation.summary": _summarised(lambda: _SIM.summary()),
    "flows.FlowSimulation.plot": _plotted(lambda: _SIM.plot("flows", top=2)),
    # risk ----------------------------------------------------------------------------------
    "risk.value_at_risk": Entry(
        lambda **kw: risk.value_at_risk(**kw, confidence=0.8),
        lambda: {"returns": rets()},
        {"returns": Arg()},
    ),
    "risk.conditional_value_at_risk": Entry(
        lambda **kw: risk.conditional_value_at_risk(**kw, confidence=0.8),
        lambda: {"returns": rets()},
        {"returns": Arg()},
    ),
    "risk.cvar_position_limits": Entry(
        lambda **kw: risk.cvar_position_limits(**kw, confidence=0.75),
        lambda: {
            "returns": rets(),
            "budget": pd.Series([0.01, 0.02, 0.01], index=T3, name="b"),
            "weights": pd.Series([0.5, 0.3, 0.2], index=T3, name="w"),
        },
        {
            "returns": Arg(),
            "budget": Arg("nonneg"),
            "weights": Arg(why_signed="short positions", optional=True),
        },
        not_applicable={
            ("returns", "mismatched_index"): "weights align with the columns of returns, not "
            "its dates; mismatched labels are tested through weights",
        },
    ),
    "risk.CVaRAllocation.to_frame": Entry(lambda: _ALLOC.to_frame(), dict, {}, fuzz=False),
    "risk.CVaRAllocation.summary": _summarised(lambda: _ALLOC.summary(top=2)),
    "risk.CVaRAllocation.plot": _plotted(lambda: _ALLOC.plot(top=2)),
    "risk.rolling_correlation": Entry(
        lambda **kw: risk.rolling_correlation(**kw, window=5),
        long_pair,
        {"a": Arg(), "b": Arg()},
    ),
    "risk.stock_bond_returns": Entry(
        lambda **kw: risk.stock_bond_returns(**kw, periods_per_year=12),
        lambda: {"stock_index": level(name="s"), "bond_yields": rate("y")},
        {"stock_index": Arg("positive"), "bond_yields": Arg("gt_minus_one")},
        not_applicable={
            ("stock_index", "mismatched_shape"): "two Series are joined on their index "
            "(documented inner join): a shorter Series is valid",
            ("bond_yields", "mismatched_shape"): "two Series are joined on their index "
            "(documented inner join): a shorter Series is valid",
        },
        fuzz=False,  # rows with a NaN return are dropped: the output length follows the data
    ),
    "risk.positive_spells": Entry(
        lambda **kw: risk.positive_spells(**kw, min_length=2),
        lambda: {"x": signed()},
        {"x": Arg(why_signed="negative values end a spell")},
        fuzz=False,  # one row per spell: the output length follows the data
    ),
    "risk.cvar_diversification": Entry(
        lambda **kw: risk.cvar_diversification(**kw, confidence=0.75),
        lambda: {"returns": rets(), "weights": pd.Series([0.5, 0.3, 0.2], index=T3, name="w")},
        {"returns": Arg(), "weights": Arg("nonneg")},
        not_applicable={
            ("returns", "mismatched_index"): "weights align with the columns of returns, not "
            "its dates; mismatched labels are tested through weights",
        },
    ),
    "risk.bond_returns_from_yields": Entry(
        lambda **kw: risk.bond_returns_from_yields(**kw, periods_per_year=12),
        lambda: {"yields": rate("y")},
        {"yields": Arg("gt_minus_one")},  # negative yields are valid, below -100% are not
    ),
    # rotation ------------------------------------------------------------------------------
    "rotation.dispersion_signal": Entry(
        lambda **kw: rotation.dispersion_signal(**kw, window=3),
        lambda: {"returns": rets(), "market_caps": caps()},
        {"returns": Arg("gt_minus_one"), "market_caps": Arg("nonneg")},
    ),
    "rotation.sector_returns": Entry(
        rotation.sector_returns,
        lambda: {"returns": rets(), "market_caps": caps(), "sectors": ["Tech", "Tech", "Util"]},
        {
            "returns": Arg("gt_minus_one"),
            "market_caps": Arg("nonneg"),
            "sectors": Arg(numeric=False),
        },
    ),
    "rotation.sector_weights": Entry(
        rotation.sector_weights,
        lambda: {"returns": rets(), "market_caps": caps(), "sectors": ["Tech", "Tech", "Util"]},
        {
            "returns": Arg("gt_minus_one"),
            "market_caps": Arg("nonneg"),
            "sectors": Arg(numeric=False),
        },
    ),
    "rotation.relative_performance": Entry(
        lambda **kw: rotation.relative_performance(**kw, cumulative=True),  # compounding path
        lambda: {"returns": rets(), "benchmark": signed("bm")},
        {"returns": Arg("gt_minus_one"), "benchmark": Arg("gt_minus_one")},
        not_applicable={
            ("returns", "mismatched_columns"): "benchmark is one series for every column: "
            "column names are free",
        },
    ),
    "rotation.sector_spread": Entry(
        rotation.sector_spread,
        lambda: {"sector_returns": rets(), "weights": vol_weights()},
        {"sector_returns": Arg("gt_minus_one"), "weights": Arg("nonneg", optional=True)},
    ),
    "rotation.rotation_diagnostic": Entry(
        lambda **kw: rotation.rotation_diagnostic(
            kw["spread"], kw["dispersion_signal"], kw.get("fundamentals"), window=20
        ),
        lambda: {
            "spread": long_pair()["a"] * 0.01,
            "dispersion_signal": long_pair()["b"],
            "fundamentals": long_pair()["a"] ** 2,
        },
        {"spread": Arg(), "dispersion_signal": Arg(), "fundamentals": Arg(optional=True)},
    ),
    "rotation.return_decomposition": Entry(
        rotation.return_decomposition,
        lambda: {
            "price": level(100.0, "p"),
            "earnings": level(5.0, "e"),
            "dividends": level(2.0, "d"),
        },
        {
            "price": Arg("positive"),
            "earnings": Arg("positive"),
            "dividends": Arg("nonneg", optional=True),
        },
    ),
    "rotation.size_style_gaps": Entry(
        rotation.size_style_gaps, lambda: {"returns": ff_grid()}, {"returns": Arg("gt_minus_one")}
    ),
    # refinancing ---------------------------------------------------------------------------
    "refinancing.policy_path": Entry(
        lambda **kw: refi.policy_path(0.01, **kw),
        lambda: {"shocks": np.array([0.04, 0.0, -0.01, 0.0, 0.005, 0.0])},
        {"shocks": Arg(why_signed="rate cuts are negative changes")},
    ),
    "refinancing.vasicek_paths": Entry(
        lambda: refi.vasicek_paths(0.03, 0.5, 0.04, 0.01, months=6, n_paths=3, seed=0),
        dict,
        {},
        fuzz=False,
    ),
    "refinancing.cir_paths": Entry(
        lambda: refi.cir_paths(0.03, 0.5, 0.04, 0.05, months=6, n_paths=3, seed=0),
        dict,
        {},
        fuzz=False,
    ),
    "refinancing.vasicek_bond_price": Entry(
        lambda: refi.vasicek_bond_price(0.03, 0.5, 0.04, 0.01, 2.0), dict, {}, fuzz=False
    ),
    "refinancing.cir_bond_price": Entry(
        lambda: refi.cir_bond_price(0.03, 0.5, 0.04, 0.05, 2.0), dict, {}, fuzz=False
    ),
    "refinancing.example_book": Entry(lambda: refi.example_book(2, 3), dict, {}, fuzz=False),
    "refinancing.simulate": Entry(
        lambda **kw: refi.simulate(**kw, horizon=12, n_paths=2, seed=0),
        lambda: {"book": refi_book(), "firms": refi_firms(), "rates": refi_rates()},
        {
            "book": Arg("positive", frame_only=True),
            "firms": Arg(why_signed="EBIT and growth can be negative", frame_only=True),
            "rates": Arg(why_signed="negative base rates are valid (documented)"),
        },
        not_applicable={
            ("book", "mismatched_index"): "rows of a debt book are tranches: its index "
            "carries no meaning",
            ("firms", "mismatched_index"): "firms are matched by the firm column, not the index",
            ("firms", "objects"): "the text lands in the label column cohort, and object "
            "columns holding only numbers are read as numbers (docs/reliability.rst, class 7)",
        },
    ),
    "refinancing.DebtBook": Entry(
        lambda: refi.DebtBook.from_frame(refi_book()), dict, {}, fuzz=False
    ),
    "refinancing.DebtBook.from_frame": Entry(
        refi.DebtBook.from_frame,
        lambda: {"frame": refi_book()},
        {"frame": Arg("positive", frame_only=True)},
    ),
    "refinancing.DebtBook.from_maturity_ladder": Entry(
        lambda **kw: refi.DebtBook.from_maturity_ladder(**kw, coupon=0.04),
        lambda: {"ladder": refi_ladder()},
        {"ladder": Arg("nonneg", frame_only=True)},
    ),
    "refinancing.pass_through_month": Entry(
        refi.pass_through_month,
        lambda: {"response": _series([0.0, 1.0, 2.0, 3.0, 3.5, 4.0])},
        {"response": Arg(why_signed="a fall after a rate cut is a negative response")},
    ),
    "refinancing.DebtBook.to_frame": Entry(lambda: _BOOK.to_frame(), dict, {}, fuzz=False),
    "refinancing.Distress": Entry(lambda: refi.Distress(1.5, 6), dict, {}, fuzz=False),
    "refinancing.Distress.zombie": Entry(refi.Distress.zombie, dict, {}, fuzz=False),
    "refinancing.RefinancingResult.path_values": Entry(
        lambda: _REFI.path_values("coverage"), dict, {}, fuzz=False
    ),
    "refinancing.RefinancingResult.to_frame": Entry(
        lambda **kw: _REFI.to_frame(**kw),
        lambda: {"quantiles": (0.05, 0.5, 0.95)},
        {"quantiles": Arg("nonneg")},
    ),
    "refinancing.RefinancingResult.share_below": Entry(
        lambda **kw: _REFI.share_below(1.5, **kw),
        lambda: {"quantiles": (0.05, 0.5, 0.95)},
        {"quantiles": Arg("nonneg")},
    ),
    "refinancing.RefinancingResult.first_crossing": Entry(
        lambda: _REFI.first_crossing(2.0), dict, {}, fuzz=False
    ),
    "refinancing.RefinancingResult.maturity_wall": Entry(
        lambda: _REFI.maturity_wall(freq="quarter"), dict, {}, fuzz=False
    ),
    "refinancing.RefinancingResult.summary": _summarised(lambda: _REFI.summary()),
    "refinancing.RefinancingResult.plot": _plotted(lambda: _REFI.plot("maturity_wall")),
    "refinancing.SpreadTable": Entry(
        refi.SpreadTable,
        lambda: {"edges": (1.5, 4.0), "spreads": (0.05, 0.02, 0.01), "ratings": ["B", "BBB", "A"]},
        {
            "edges": Arg(why_signed="coverage edges can be negative (negative EBIT)"),
            "spreads": Arg("nonneg"),
            "ratings": Arg(numeric=False),
        },
    ),
    "refinancing.SpreadTable.damodaran": Entry(
        lambda: refi.SpreadTable.damodaran("small"), dict, {}, fuzz=False
    ),
    "refinancing.SpreadTable.damodaran_small_2004": Entry(
        refi.SpreadTable.damodaran_small_2004, dict, {}, fuzz=False
    ),
    "refinancing.SpreadTable.from_frame": Entry(
        refi.SpreadTable.from_frame,
        lambda: {"frame": spread_frame()},
        {"frame": Arg(why_signed="coverage edges can be negative", frame_only=True)},
    ),
    "refinancing.SpreadTable.to_frame": Entry(lambda: _TABLE.to_frame(), dict, {}, fuzz=False),
    "refinancing.SpreadTable.band": Entry(
        lambda **kw: _TABLE.band(**kw),
        lambda: {"coverage": np.array([0.5, 2.0, np.inf])},
        {"coverage": Arg(why_signed=_COVERAGE_SIGNED)},
        not_applicable={
            ("coverage", "plus_inf"): "+inf coverage (no interest) is documented",
            ("coverage", "minus_inf"): "-inf coverage (a loss over a vanishing interest) is "
            "the documented limit",
        },
    ),
    "refinancing.SpreadTable.spread": Entry(
        lambda **kw: _TABLE.spread(**kw),
        lambda: {"coverage": np.array([0.5, 2.0, np.inf])},
        {"coverage": Arg(why_signed=_COVERAGE_SIGNED)},
        not_applicable={
            ("coverage", "plus_inf"): "+inf coverage (no interest) is documented",
            ("coverage", "minus_inf"): "-inf coverage (a loss over a vanishing interest) is "
            "the documented limit",
        },
    ),
    "refinancing.SpreadTable.rating": Entry(lambda: _TABLE.rating(2.0), dict, {}, fuzz=False),
    "refinancing.SpreadTable.refinancing_spread": Entry(
        lambda **kw: _TABLE.refinancing_spread(**kw),
        lambda: {
            "ebit": np.array([10.0, 3.0, -1.0]),
            "other_interest": np.array([1.0, 1.0, 0.5]),
            "principal": np.array([30.0, 20.0, 10.0]),
            "base_rate": np.array([0.04, 0.04, 0.02]),
            "initial_coverage": np.array([3.0, 1.2, -2.0]),
        },
        {
            "ebit": Arg(why_signed="losses: EBIT can be negative"),
            "other_interest": Arg("nonneg"),
            "principal": Arg("nonneg"),
            "base_rate": Arg(why_signed="negative base rates are valid"),
            "initial_coverage": Arg(why_signed=_COVERAGE_SIGNED, optional=True),
        },
        not_applicable={
            ("initial_coverage", "plus_inf"): "+inf coverage (no interest) is documented",
            ("initial_coverage", "minus_inf"): "-inf coverage is the documented limit",
        },
    ),
    "plotting.coverage_fan": Entry(
        "plotting.coverage_fan",  # type: ignore[arg-type]
        lambda: {"result": _REFI, "quantiles": (0.05, 0.5, 0.95)},
        {"quantiles": Arg("nonneg")},
        fuzz=False,
    ),
    # lags ----------------------------------------------------------------------------------
    "lags.local_projection": Entry(
        lambda **kw: lags.local_projection(**kw, horizons=2),
        lambda: {
            "y": long_pair()["b"].cumsum(),
            "shock": long_pair()["a"],
            "controls": long_pair()["a"].shift(1).fillna(0.0),
        },
        {"y": Arg(), "shock": Arg(), "controls": Arg(optional=True)},
    ),
    "lags.LeadLag.summary": _summarised(lambda: _LEADLAG.summary(top=2)),
    "lags.LeadLag.plot": _plotted(lambda: _LEADLAG.plot()),
    "lags.lead_lag": Entry(
        lambda **kw: lags.lead_lag(**kw, max_lag=3),
        lambda: {"x": long_pair()["a"], "y": long_pair()["b"]},
        {"x": Arg(), "y": Arg()},
    ),
    # plotting ------------------------------------------------------------------------------
    "plotting.lorenz_curve": Entry(
        "plotting.lorenz_curve",  # type: ignore[arg-type]  # resolved lazily (matplotlib)
        lambda: {"x": caps().iloc[0]},
        {"x": Arg("nonneg")},
        fuzz=False,
    ),
    "plotting.concentration_over_time": Entry(
        "plotting.concentration_over_time",  # type: ignore[arg-type]
        lambda: {"data": caps()},
        {"data": Arg("nonneg", frame_only=True)},
        fuzz=False,
    ),
    "plotting.cost_contributions": Entry(
        "plotting.cost_contributions",  # type: ignore[arg-type]
        lambda: {"parts": cost.DivergenceCost(min_periods=6).contributions(**cost_inputs())},
        {"parts": Arg()},
        fuzz=False,
    ),
    "plotting.maturity_wall": Entry(
        "plotting.maturity_wall",  # type: ignore[arg-type]
        lambda: {
            "wall": pd.DataFrame(
                {"SME": [6.0, 3.0, 1.0], "mega-cap": [1.0, 1.0, 8.0]},
                index=pd.RangeIndex(1, 4, name="year"),
            )
        },
        {"wall": Arg("nonneg", frame_only=True)},
        fuzz=False,
    ),
    "plotting.implied_vs_realized_correlation": Entry(
        "plotting.implied_vs_realized_correlation",  # type: ignore[arg-type]
        lambda: {
            "implied": _series([0.5, 0.6, 0.4, 0.5, 0.55, 0.45], "imp"),
            "realized": _series([0.3, 0.7, 0.2, 0.4, 0.5, 0.35], "real"),
        },
        {
            "implied": Arg(why_signed="correlations can be negative"),
            "realized": Arg(why_signed="correlations can be negative"),
        },
        not_applicable={
            ("implied", "mismatched_index"): "documented: two Series are aligned on the union "
            "of their indexes",
            ("realized", "mismatched_index"): "documented: two Series are aligned on the union "
            "of their indexes",
            ("implied", "mismatched_shape"): "two Series of different lengths are aligned on "
            "the union of their indexes (documented)",
            ("realized", "mismatched_shape"): "two Series of different lengths are aligned on "
            "the union of their indexes (documented)",
        },
        expect={
            ("implied", "three_d"): (TypeError, "documented: one Series and one array"),
            ("realized", "three_d"): (TypeError, "documented: one Series and one array"),
        },
        fuzz=False,
    ),
    # dispersion ----------------------------------------------------------------------------
    "dispersion.implied_correlation": _implied(disp.implied_correlation, on_out_of_range="ignore"),
    "dispersion.implied_correlation_out_of_range": _implied(disp.implied_correlation_out_of_range),
    "dispersion.dispersion_index": _implied(disp.dispersion_index, on_out_of_range="ignore"),
    "dispersion.vol_spread": _implied(disp.vol_spread),
    "dispersion.realized_correlation": Entry(
        lambda **kw: disp.realized_correlation(**kw, window=4),
        lambda: {"returns": rets(), "weights": vol_weights()},
        {
            "returns": Arg(
                why_signed="a statistic of any real-valued returns (log or excess returns < -1)"
            ),
            "weights": Arg("nonneg", optional=True),
        },
    ),
    "dispersion.cross_sectional_dispersion": Entry(
        disp.cross_sectional_dispersion,
        lambda: {"returns": rets(), "weights": vol_weights()},
        {
            "returns": Arg(
                why_signed="a statistic of any real-valued returns (log or excess returns < -1)"
            ),
            "weights": Arg("nonneg", optional=True),
        },
    ),
    "dispersion.dispersion_trade_pnl": Entry(
        disp.dispersion_trade_pnl,
        lambda: {
            "index_implied_vol": _series([0.2, 0.21, 0.22, 0.2, 0.19, 0.23], "iv"),
            "constituent_implied_vols": vols(),
            "index_realized_vol": _series([0.18, 0.2, 0.21, 0.19, 0.2, 0.2], "rv"),
            "constituent_realized_vols": vols() * 1.1,
            "weights": vol_weights(),
        },
        {
            "index_implied_vol": Arg("nonneg"),
            "constituent_implied_vols": Arg("nonneg"),
            "index_realized_vol": Arg("nonneg"),
            "constituent_realized_vols": Arg("nonneg"),
            "weights": Arg("nonneg"),
        },
    ),
    "dispersion.DispersionTradePnL.to_frame": Entry(lambda: _PNL.to_frame(), dict, {}, fuzz=False),
    "dispersion.DispersionTradePnL.summary": _summarised(lambda: _PNL.summary()),
    "dispersion.DispersionTradePnL.plot": _plotted(lambda: _PNL.plot()),
    "dispersion.model_free_variance": Entry(
        lambda **kw: disp.model_free_variance(**kw, t=30 / 365, rate=0.01),
        lambda: {"chain": chain()},
        {"chain": Arg("nonneg", frame_only=True)},
    ),
    "dispersion.implied_forward": Entry(
        lambda **kw: disp.implied_forward(**kw, t=30 / 365, rate=0.01),
        lambda: {"chain": chain()},
        {"chain": Arg("nonneg", frame_only=True)},
    ),
    "dispersion.model_free_variance_panel": Entry(
        lambda **kw: disp.model_free_variance_panel(**kw, by="expiry", t="t", rate=0.01),
        lambda: {"chains": chains()},
        {"chains": Arg("nonneg", frame_only=True)},
        fuzz=False,
    ),
    "dispersion.constant_maturity_variance": Entry(
        disp.constant_maturity_variance,
        lambda: {
            "var_near": _series([0.04, 0.05, 0.045, 0.04, 0.06, 0.05], "vn"),
            "t_near": _series([9 / 365] * 6, "tn"),
            "var_next": _series([0.045, 0.05, 0.05, 0.042, 0.055, 0.05], "vx"),
            "t_next": _series([37 / 365] * 6, "tx"),
        },
        {
            "var_near": Arg("nonneg"),
            "t_near": Arg("positive"),
            "var_next": Arg("nonneg"),
            "t_next": Arg("positive"),
        },
    ),
    "dispersion.realized_volatility": Entry(
        lambda **kw: disp.realized_volatility(**kw, window=3, periods_per_year=252),
        lambda: {"returns": rets()},
        {"returns": Arg("any", why_signed="returns may be negative")},
    ),
    "dispersion.vix_index": Entry(
        disp.vix_index,
        lambda: {"quotes": quote_board()},
        {"quotes": Arg("nonneg", frame_only=True)},
        fuzz=False,
    ),
    "dispersion.implied_correlation_index": Entry(
        lambda **kw: disp.implied_correlation_index(**kw, index="IDX"),
        lambda: {
            "quotes": quote_board(("IDX", "A", "B")),
            "weights": pd.Series({"A": 0.6, "B": 0.4}),
        },
        {"quotes": Arg("nonneg", frame_only=True), "weights": Arg("nonneg")},
        not_applicable={
            ("quotes", "mismatched_index"): "rows are identified by their columns, not the index",
            ("weights", "mismatched_shape"): "a member without a weight is documented as "
            "ignored (renormalised over the members present)",
        },
        expect={
            ("weights", "three_d"): (
                TypeError,
                "weights must be a Series or DataFrame: an array has no member labels",
            ),
        },
        fuzz=False,
    ),
    "dispersion.bracketing_expiries": Entry(
        disp.bracketing_expiries,
        lambda: {"times": np.array([3, 26, 28, 31, 35]) / 365},
        {"times": Arg("positive")},
    ),
}


#: Entries whose callable treats row order as time (lags, differences, rolling windows,
#: compounding, expanding scores): the contract suite requires them to refuse unsorted and
#: duplicate dates (docs/reliability.rst, "Time order").
TIME_ORDERED: frozenset[str] = frozenset(
    {
        *(
            f"breadth.{n}"
            for n in (
                "index_return",
                "weighting_gap",
                "return_contributions",
                "top_k_contribution_share",
                "breadth",
                "breadth_summary",
                "cap_change_breadth",
            )
        ),
        "premia.annualized_inflation",
        "premia.cape",
        "premia.risk_premium_shift",
        "real.deflate",
        "real.real_growth",
        "real.nominal_illusion",
        "liquidity.sterilization_rate",
        "cost.expanding_percentile",
        "cost.expanding_robust_z",
        "cost.divergence_cost",
        "cost.drawdown_event",
        "cost.inputs",
        "cost.DivergenceCost.calibrate",
        *(
            f"cost.DivergenceCost.{n}"
            for n in ("scores", "linear_predictor", "evaluate", "contributions", "sensitivities")
        ),
        "concentration.chain_link",
        "risk.rolling_correlation",
        "risk.stock_bond_returns",
        "risk.positive_spells",
        "risk.bond_returns_from_yields",
        *(
            f"rotation.{n}"
            for n in (
                "sector_returns",
                "sector_weights",
                "relative_performance",
                "rotation_diagnostic",
                "return_decomposition",
                "size_style_gaps",
                "dispersion_signal",
            )
        ),
        "dispersion.realized_correlation",
        "dispersion.realized_volatility",
        "lags.local_projection",
        "lags.lead_lag",
        "refinancing.pass_through_month",
        "refinancing.policy_path",
        "refinancing.simulate",
    }
)

for _name in TIME_ORDERED:
    ENTRIES[_name] = replace(ENTRIES[_name], time_ordered=True)
del _name


def resolve(entry: Entry) -> Callable[..., Any]:
    """The callable of an entry (plotting functions are imported lazily).

    The callable ignores :class:`~divergence.errors.UnitWarning`: the suites feed magnitudes
    up to 1e300 into returns and rates, where the warning is the documented behaviour (it is
    tested in ``test_trust_units.py``); every other warning still fails the test.
    """
    if isinstance(entry.call, str):
        import matplotlib

        matplotlib.use("Agg")
        from divergence import plotting

        fn: Callable[..., Any] = getattr(plotting, entry.call.split(".")[1])
    else:
        fn = entry.call

    def call(*args: Any, **kwargs: Any) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnitWarning)
            return fn(*args, **kwargs)

    return call
