"""Scalar options of every public function, fuzzed (issue #9, items 1-2 for non-array arguments).

The scalar options (``window``, ``periods``, ``confidence``, ``alpha``, ``threshold``, rates,
sizes, flags, ...) are *discovered* from the signatures of every public function and method of
the inventory (:data:`reliability_table.MODULES`): a parameter annotated ``int``, ``float`` or
``bool`` (alone, optional, or a scalar-or-array union), other than ``seed`` (see
``test_determinism.py``). Every callable with such options needs a valid base call in
:data:`BASE` (or a reason in :data:`NOT_APPLICABLE`); the inventory test below fails otherwise.

Each option is then replaced, one at a time, by each value of :data:`SPECIAL` (NaN, ±inf,
negative, zero, huge, subnormal, bool, string, None, a float for an int, numpy scalars) and by
hypothesis-drawn numbers. The call must either raise the documented
:class:`~divergence.errors.InputError` / :class:`TypeError` with a message naming the option, or
return a result with no infinity (unless documented) — never another exception, never a
warning (pytest runs with ``filterwarnings = error``). Values that can never be valid (NaN, a
string where a number is expected, a bool where a number is expected, a number where a bool
is expected, a float where an int is expected) must raise; the default ``None`` must work.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reliability_table as rt
from divergence import (
    breadth,
    concentration,
    cost,
    datasets,
    dispersion,
    flows,
    lags,
    liquidity,
    premia,
    real,
    refinancing,
    risk,
    rotation,
)
from divergence.errors import InputError, UnitWarning
from reliability_table import ENTRIES, MODULES
from test_reliability_fuzz import ALLOW_INF, PHASES, _numeric_parts

MAX_EXAMPLES = int(os.environ.get("RELIABILITY_SCALAR_EXAMPLES", "8"))

_SCALAR = re.compile(r"\b(float|int|bool)\b")
_NOT_SCALAR = re.compile(r"^(Sequence|tuple|list)\[")


def _scalar_options(fn: Callable[..., Any]) -> dict[str, str]:
    """Parameter name -> kind ("int", "float", "bool") of the scalar options of ``fn``."""
    out = {}
    for p in inspect.signature(fn).parameters.values():
        ann = str(p.annotation)
        if p.name in ("self", "cls", "seed") or "Literal" in ann or _NOT_SCALAR.match(ann):
            continue
        m = _SCALAR.search(ann)
        if m:
            out[p.name] = m.group(1)
    return out


def _public_callables() -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for mod_name in MODULES:
        mod = importlib.import_module(f"divergence.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            if callable(obj):
                found[f"{mod_name}.{name}"] = obj
            if inspect.isclass(obj):
                for meth in vars(obj):
                    if not meth.startswith("_") and callable(getattr(obj, meth)):
                        found[f"{mod_name}.{name}.{meth}"] = getattr(obj, meth)
    return found


PUBLIC = _public_callables()
WITH_OPTIONS = sorted(n for n, fn in PUBLIC.items() if _scalar_options(fn))


@dataclass(frozen=True)
class Base:
    """A valid call: the function (bound method for result objects) and its keyword args."""

    fn: Callable[..., Any]
    kwargs: Callable[[], dict[str, Any]]
    #: (option, special case) -> reason the case does not apply.
    skip: dict[tuple[str, str], str] | None = None


def _good(name: str, **extra: Any) -> Callable[[], dict[str, Any]]:
    return lambda: {**ENTRIES[name].good(), **extra}


_SPREAD_NONE = (
    "None (the default) is valid for an all-fixed book only; the base call has floating debt, "
    "which needs a spread (tests/test_refinancing_filings.py)"
)
_SIZE = "a size: a huge value is a valid (if slow) request, not an input error"
_PLOT = "plotting"

BASE: dict[str, Base] = {
    "concentration.concentration_coefficient": Base(
        concentration.concentration_coefficient, _good("concentration.hhi", top_k=2)
    ),
    "concentration.concentration_profile": Base(
        concentration.concentration_profile, _good("concentration.hhi", top_k=2)
    ),
    "concentration.gini": Base(concentration.gini, _good("concentration.gini")),
    "concentration.hhi": Base(concentration.hhi, _good("concentration.hhi")),
    "concentration.hill_number": Base(
        concentration.hill_number, _good("concentration.hill_number", order=2.0)
    ),
    "concentration.top_k_share": Base(
        concentration.top_k_share, _good("concentration.top_k_share", top_k=2)
    ),
    "breadth.top_k_contribution_share": Base(
        breadth.top_k_contribution_share, _good("breadth.top_k_contribution_share", top_k=2)
    ),
    "breadth.breadth_summary": Base(breadth.breadth_summary, _good("breadth.breadth_summary")),
    "breadth.cap_change_breadth": Base(
        breadth.cap_change_breadth, _good("breadth.cap_change_breadth", top_k=2)
    ),
    "rotation.dispersion_signal": Base(
        rotation.dispersion_signal, _good("rotation.dispersion_signal", window=3, min_periods=2)
    ),
    "risk.stock_bond_returns": Base(
        risk.stock_bond_returns, _good("risk.stock_bond_returns", periods_per_year=12)
    ),
    "risk.positive_spells": Base(risk.positive_spells, _good("risk.positive_spells")),
    "risk.cvar_diversification": Base(
        risk.cvar_diversification, _good("risk.cvar_diversification", confidence=0.75)
    ),
    "flows.illustrative_scenarios": Base(
        flows.illustrative_scenarios, _good("flows.illustrative_scenarios", n_steps=3)
    ),
    "flows.scenario_effective_n": Base(
        flows.scenario_effective_n,
        _good("flows.scenario_effective_n", n_seeds=2),
        skip={("n_seeds", "huge"): _SIZE},
    ),
    "premia.annualized_inflation": Base(
        premia.annualized_inflation,
        _good("premia.annualized_inflation", periods=2, periods_per_year=12),
    ),
    "premia.cape": Base(premia.cape, _good("premia.cape", window=2)),
    "premia.risk_premium_shift": Base(
        premia.risk_premium_shift, _good("premia.risk_premium_shift", periods=1)
    ),
    "real.deflate": Base(real.deflate, _good("real.deflate", base=100.0)),
    "real.nominal_illusion": Base(
        real.nominal_illusion, _good("real.nominal_illusion", periods=1, periods_per_year=12)
    ),
    "real.real_cost_of_capital": Base(
        real.real_cost_of_capital, _good("real.real_cost_of_capital", tax_rate=0.21)
    ),
    "real.real_growth": Base(
        real.real_growth, _good("real.real_growth", periods=1, periods_per_year=12)
    ),
    "liquidity.sterilization_rate": Base(
        liquidity.sterilization_rate,
        _good("liquidity.sterilization_rate", periods=1, periods_per_year=12),
    ),
    "cost.DivergenceCost": Base(cost.DivergenceCost, lambda: {"min_periods": 6}),
    "cost.DivergenceCost.calibrate": Base(
        cost.DivergenceCost.calibrate,
        _good("cost.DivergenceCost.calibrate", min_periods=6),
        skip={("min_periods", "huge"): "longer than the data: raises (tested), but slowly"},
    ),
    "cost.inputs": Base(cost.inputs, _good("cost.inputs", **rt.COST_INPUT_OPTIONS)),
    "cost.drawdown_event": Base(cost.drawdown_event, _good("cost.drawdown_event", horizon=2)),
    "cost.forecast_skill": Base(cost.forecast_skill, _good("cost.forecast_skill")),
    "concentration.chain_link": Base(
        concentration.chain_link, _good("concentration.chain_link", freq="MS", carry=1)
    ),
    "cost.expanding_percentile": Base(
        cost.expanding_percentile, _good("cost.expanding_percentile")
    ),
    "cost.expanding_robust_z": Base(
        cost.expanding_robust_z, _good("cost.expanding_robust_z", min_periods=3)
    ),
    "dispersion.bracketing_expiries": Base(
        dispersion.bracketing_expiries, _good("dispersion.bracketing_expiries")
    ),
    "dispersion.constant_maturity_variance": Base(
        dispersion.constant_maturity_variance, _good("dispersion.constant_maturity_variance")
    ),
    "dispersion.dispersion_trade_pnl": Base(
        dispersion.dispersion_trade_pnl, _good("dispersion.dispersion_trade_pnl")
    ),
    "dispersion.implied_forward": Base(
        dispersion.implied_forward, _good("dispersion.implied_forward", t=30 / 365, rate=0.01)
    ),
    "dispersion.model_free_variance": Base(
        dispersion.model_free_variance,
        _good("dispersion.model_free_variance", t=30 / 365, rate=0.01),
    ),
    "dispersion.model_free_variance_panel": Base(
        dispersion.model_free_variance_panel,
        _good("dispersion.model_free_variance_panel", by="expiry", t="t", rate=0.01),
    ),
    "dispersion.realized_correlation": Base(
        dispersion.realized_correlation, _good("dispersion.realized_correlation", window=4)
    ),
    "dispersion.realized_volatility": Base(
        dispersion.realized_volatility,
        _good("dispersion.realized_volatility", window=3, periods_per_year=252, demean=True),
    ),
    "flows.fixed_share_multiplier": Base(
        flows.fixed_share_multiplier, _good("flows.fixed_share_multiplier")
    ),
    "flows.simulate_flows": Base(
        flows.simulate_flows,
        _good(
            "flows.simulate_flows",
            n_steps=3,
            passive_flows=1.0,
            active_aum=5.0,
            tracking_error_limit=0.05,
            short_interest=0.05,
            short_loss_limits=(0.1, 0.2),
            volatility=0.01,
            seed=0,
        ),
        skip={
            ("n_steps", "huge"): _SIZE,
            ("max_iter", "huge"): _SIZE,
        },
    ),
    "risk.bond_returns_from_yields": Base(
        risk.bond_returns_from_yields,
        _good("risk.bond_returns_from_yields", periods_per_year=12),
    ),
    "risk.conditional_value_at_risk": Base(
        risk.conditional_value_at_risk,
        _good("risk.conditional_value_at_risk", confidence=0.8),
    ),
    "risk.cvar_position_limits": Base(
        risk.cvar_position_limits, _good("risk.cvar_position_limits", confidence=0.75)
    ),
    "risk.rolling_correlation": Base(
        risk.rolling_correlation, _good("risk.rolling_correlation", window=5)
    ),
    "risk.value_at_risk": Base(risk.value_at_risk, _good("risk.value_at_risk", confidence=0.8)),
    "rotation.relative_performance": Base(
        rotation.relative_performance, _good("rotation.relative_performance", cumulative=True)
    ),
    "rotation.return_decomposition": Base(
        rotation.return_decomposition, _good("rotation.return_decomposition", window=2)
    ),
    "rotation.rotation_diagnostic": Base(
        rotation.rotation_diagnostic,
        _good("rotation.rotation_diagnostic", window=20, min_periods=10),
    ),
    "rotation.size_style_gaps": Base(
        rotation.size_style_gaps,
        _good("rotation.size_style_gaps", compound="rolling", window=3),
        skip={("window", "none"): "compound='rolling' needs a window (documented)"},
    ),
    "refinancing.Distress": Base(refinancing.Distress, lambda: {"threshold": 1.5, "months": 6}),
    "refinancing.RefinancingResult.share_below": Base(
        rt._REFI.share_below, lambda: {"threshold": 1.5}
    ),
    "refinancing.RefinancingResult.first_crossing": Base(
        rt._REFI.first_crossing, lambda: {"threshold": 2.0}
    ),
    "refinancing.RefinancingResult.plot": Base(rt._REFI.plot, lambda: {"threshold": 1.5}),
    "flows.FlowSimulation.plot": Base(rt._SIM.plot, lambda: {"top": 2}),
    "risk.CVaRAllocation.summary": Base(rt._ALLOC.summary, lambda: {"top": 2}),
    "risk.CVaRAllocation.plot": Base(rt._ALLOC.plot, lambda: {"top": 2}),
    "lags.LeadLag.summary": Base(rt._LEADLAG.summary, lambda: {"top": 2}),
    "refinancing.SpreadTable.rating": Base(rt._TABLE.rating, lambda: {"coverage": 2.0}),
    "refinancing.SpreadTable.refinancing_spread": Base(
        rt._TABLE.refinancing_spread,
        _good("refinancing.SpreadTable.refinancing_spread", max_iter=20),
        skip={("max_iter", "huge"): "an iteration cap: a huge cap is valid"},
    ),
    "refinancing.cir_bond_price": Base(
        refinancing.cir_bond_price,
        lambda: {"r": 0.03, "a": 0.5, "b": 0.04, "sigma": 0.05, "tau": 2.0},
    ),
    "refinancing.vasicek_bond_price": Base(
        refinancing.vasicek_bond_price,
        lambda: {"r": 0.03, "kappa": 0.5, "theta": 0.04, "sigma": 0.01, "tau": 2.0},
    ),
    "refinancing.cir_paths": Base(
        refinancing.cir_paths,
        lambda: {
            "r0": 0.03,
            "a": 0.5,
            "b": 0.04,
            "sigma": 0.05,
            "months": 6,
            "n_paths": 3,
            "seed": 0,
            "dt": 1 / 12,
        },
        skip={("months", "huge"): _SIZE, ("n_paths", "huge"): _SIZE},
    ),
    "refinancing.vasicek_paths": Base(
        refinancing.vasicek_paths,
        lambda: {
            "r0": 0.03,
            "kappa": 0.5,
            "theta": 0.04,
            "sigma": 0.01,
            "months": 6,
            "n_paths": 3,
            "seed": 0,
            "dt": 1 / 12,
        },
        skip={("months", "huge"): _SIZE, ("n_paths", "huge"): _SIZE},
    ),
    "refinancing.example_book": Base(
        refinancing.example_book,
        lambda: {"n_mega": 2, "n_sme": 3, "r0": 0.01, "tranches": 4},
        skip={(k, "huge"): _SIZE for k in ("n_mega", "n_sme", "tranches")},
    ),
    "refinancing.DebtBook.from_maturity_ladder": Base(
        refinancing.DebtBook.from_maturity_ladder,
        lambda: {"ladder": rt.refi_ladder(), "coupon": 0.04, "floating_share": 0.3, "spread": 0.02},
        skip={("spread", "none"): _SPREAD_NONE},
    ),
    "refinancing.book_from_company_facts": Base(
        refinancing.book_from_company_facts,
        lambda: {
            "facts": datasets.load_company_facts("TSLA"),
            "floating_share": 0.3,
            "spread": 0.02,
        },
        skip={("spread", "none"): _SPREAD_NONE},
    ),
    "refinancing.pass_through_month": Base(
        refinancing.pass_through_month, _good("refinancing.pass_through_month")
    ),
    "refinancing.policy_path": Base(
        refinancing.policy_path, lambda: {"r0": 0.01, "shocks": np.array([0.04, 0.0, -0.01])}
    ),
    "refinancing.simulate": Base(
        refinancing.simulate,
        _good(
            "refinancing.simulate",
            horizon=12,
            n_paths=2,
            seed=0,
            ebit_correlation=0.5,
            max_iter=20,
            chunk_size=1,
            progress=False,
        ),
        skip={
            ("n_paths", "huge"): _SIZE,
            ("max_iter", "huge"): "an iteration cap: a huge cap is valid",
            ("progress", "true"): "draws a progress bar (needs the progress extra)",
        },
    ),
    "lags.lead_lag": Base(lags.lead_lag, _good("lags.lead_lag", max_lag=3)),
    "lags.local_projection": Base(
        lags.local_projection,
        _good("lags.local_projection", horizons=2, confidence=0.9, hac_lags=2),
    ),
    "plotting.concentration_over_time": Base(
        "plotting.concentration_over_time",  # type: ignore[arg-type]
        lambda: {"data": rt.caps(), "top_k": 2, "gap_days": 40.0},
    ),
    "plotting.cost_contributions": Base(
        "plotting.cost_contributions",  # type: ignore[arg-type]
        _good("plotting.cost_contributions", total=True),
    ),
    "plotting.coverage_fan": Base(
        "plotting.coverage_fan",  # type: ignore[arg-type]
        lambda: {"result": rt._REFI, "threshold": 1.5, "log": True},
    ),
    "plotting.implied_vs_realized_correlation": Base(
        "plotting.implied_vs_realized_correlation",  # type: ignore[arg-type]
        _good("plotting.implied_vs_realized_correlation", shade=True),
    ),
    "plotting.maturity_wall": Base(
        "plotting.maturity_wall",  # type: ignore[arg-type]
        _good("plotting.maturity_wall", normalize=True, stacked=False),
    ),
    "datasets.load_sp500_market_caps": Base(
        datasets.load_sp500_market_caps, lambda: {"merge_share_classes": True, "long": False}
    ),
}

_CONTAINER = "result container built by the library (its fields are not user options)"
#: Public callables with scalar options that are not fuzzed here, with the reason.
NOT_APPLICABLE: dict[str, str] = {
    "refinancing.RefinancingResult": _CONTAINER,
    "lags.LeadLag": _CONTAINER,
    "risk.CVaRAllocation": _CONTAINER,
    "cost.ForecastSkill": _CONTAINER,
    "distributed.model_free_variance_panel": "takes Dask collections; t and rate are passed to "
    "dispersion.model_free_variance_panel, fuzzed here",
    "distributed.rolling": "takes Dask collections; window is checked as in the local "
    "function (tests/test_distributed.py::test_rolling_bad_window)",
    "distributed.simulate_refinancing": "takes Dask collections; n_paths and the simulate "
    "options are those of refinancing.simulate, fuzzed here; n_chunks is tested in "
    "tests/test_distributed.py",
}


def _fn(base: Base) -> Callable[..., Any]:
    if isinstance(base.fn, str):
        import matplotlib

        matplotlib.use("Agg")
        from divergence import plotting

        return getattr(plotting, base.fn.split(".")[1])  # type: ignore[no-any-return]
    return base.fn


def _close_figures(name: str) -> None:
    if name.startswith("plotting.") or name.endswith(".plot"):
        import matplotlib.pyplot as plt

        plt.close("all")


#: special case -> value for each kind of option.
SPECIAL: dict[str, dict[str, Any]] = {
    "nan": {"float": np.nan, "int": np.nan, "bool": np.nan},
    "plus_inf": {"float": np.inf, "int": np.inf},
    "minus_inf": {"float": -np.inf, "int": -np.inf},
    "negative": {"float": -1.0, "int": -1},
    "zero": {"float": 0.0, "int": 0},
    "huge": {"float": 1e300, "int": 10**18},
    "subnormal": {"float": 5e-324},
    "bool": {"float": True, "int": True},
    "string": {"float": "0.5", "int": "2", "bool": "yes"},
    "none": {"float": None, "int": None, "bool": None},
    "float_for_int": {"int": 2.0},
    "int_for_bool": {"bool": 1},
    "true": {"bool": True},
    "numpy_scalar": {},  # the base value as a numpy scalar (np.float64 / np.int64 / np.bool_)
}


def _must_raise(case: str, kind: str, annotation: str, default: Any) -> bool:
    """Cases that can never be a valid value of the option."""
    if case == "none":
        return False  # None is valid exactly when the option is optional; checked below
    if case == "string":
        return "str" not in annotation
    return case in ("nan", "bool", "float_for_int", "int_for_bool")


def _cases() -> list[Any]:
    params = []
    for name in WITH_OPTIONS:
        if name in NOT_APPLICABLE:
            continue
        base = BASE[name]
        fn = _fn(base)
        for opt, kind in _scalar_options(fn).items():
            for case, values in SPECIAL.items():
                if case != "numpy_scalar" and kind not in values:
                    continue
                if base.skip and (opt, case) in base.skip:
                    continue
                params.append(pytest.param(name, opt, case, id=f"{name}-{opt}-{case}"))
    return params


def _check_result(name: str, out: Any) -> None:
    if name not in ALLOW_INF:
        for part in _numeric_parts(out):
            assert not np.isinf(part).any(), f"infinite result: {part[np.isinf(part)][:3]}"


def _run(name: str, opt: str, value: Any) -> tuple[Any, BaseException | None]:
    base = BASE[name]
    fn = _fn(base)
    kwargs = base.kwargs()
    kwargs[opt] = value
    try:
        # the cases feed extreme magnitudes on purpose (rates of 1e300, times of 1e4 years):
        # the UnitWarning they raise is tested in test_trust_units.py, not here
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnitWarning)
            return fn(**kwargs), None
    except (InputError, TypeError) as err:
        return None, err
    finally:
        _close_figures(name)


def test_every_option_has_a_base_call() -> None:
    missing = [n for n in WITH_OPTIONS if n not in BASE and n not in NOT_APPLICABLE]
    assert not missing, f"public callables with scalar options but no base call: {missing}"
    stale = [n for n in (*BASE, *NOT_APPLICABLE) if n not in WITH_OPTIONS]
    assert not stale, f"entries that are not public callables with scalar options: {stale}"
    assert set(BASE).isdisjoint(NOT_APPLICABLE)
    assert len(_cases()) > 500


@pytest.mark.parametrize("name", sorted(BASE))
def test_base_call_works(name: str) -> None:
    """The base call succeeds (else every case would pass vacuously)."""
    base = BASE[name]
    out = _fn(base)(**base.kwargs())
    _close_figures(name)
    _check_result(name, out)


@pytest.mark.parametrize(("name", "opt", "case"), _cases())
def test_special_scalar(name: str, opt: str, case: str) -> None:
    base = BASE[name]
    fn = _fn(base)
    param = inspect.signature(fn).parameters[opt]
    kind = _scalar_options(fn)[opt]
    good = base.kwargs().get(opt, param.default)
    if case == "numpy_scalar":
        if good is None or good is inspect.Parameter.empty or isinstance(good, str):
            pytest.skip("no scalar base value to convert")
        value = {"float": np.float64, "int": np.int64, "bool": np.bool_}[kind](good)
    else:
        value = SPECIAL[case][kind]
    out, err = _run(name, opt, value)
    if err is not None:
        assert re.search(rf"\b{re.escape(opt)}\b", str(err)), (
            f"{type(err).__name__} does not name {opt!r}: {err}"
        )
        assert not (case == "none" and param.default is None), "None is the default"
        assert case != "numpy_scalar", f"a numpy scalar of a valid value was rejected: {err}"
        return
    assert not _must_raise(case, kind, str(param.annotation), param.default), (
        f"{opt}={value!r} was accepted"
    )
    if case == "none":
        assert param.default is None or "None" in str(param.annotation), (
            f"{opt}=None was accepted but the option is not optional"
        )
    _check_result(name, out)


def _drawn(kind: str) -> st.SearchStrategy[Any]:
    if kind == "bool":
        return st.one_of(st.booleans(), st.integers(0, 1), st.none())
    floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
    ints = st.integers(-(10**6), 10**6)
    return st.one_of(floats, ints, st.floats(-1e3, 1e3), st.integers(-5, 50))


def _fuzz_params() -> list[Any]:
    out = []
    for name in sorted(BASE):
        fn = _fn(BASE[name])
        for opt, kind in _scalar_options(fn).items():
            out.append(pytest.param(name, opt, kind, id=f"{name}-{opt}"))
    return out


_SLOW_SIZES = {
    ("flows.scenario_effective_n", "n_seeds"),
    ("flows.simulate_flows", "n_steps"),
    ("flows.simulate_flows", "max_iter"),
    ("refinancing.simulate", "n_paths"),
    ("refinancing.simulate", "max_iter"),
    ("refinancing.cir_paths", "months"),
    ("refinancing.cir_paths", "n_paths"),
    ("refinancing.vasicek_paths", "months"),
    ("refinancing.vasicek_paths", "n_paths"),
    ("refinancing.example_book", "n_mega"),
    ("refinancing.example_book", "n_sme"),
    ("refinancing.example_book", "tranches"),
    ("refinancing.SpreadTable.refinancing_spread", "max_iter"),
    ("cost.DivergenceCost.calibrate", "min_periods"),
}


@pytest.mark.parametrize(("name", "opt", "kind"), _fuzz_params())
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(data=st.data())
def test_fuzz_scalar(name: str, opt: str, kind: str, data: st.DataObject) -> None:
    """Arbitrary numbers: the documented exception naming the option, or a finite result."""
    strategy = _drawn(kind)
    if (name, opt) in _SLOW_SIZES:
        strategy = st.one_of(st.integers(-3, 40), st.floats(allow_nan=True), st.none())
    value = data.draw(strategy, label=opt)
    out, err = _run(name, opt, value)
    if err is not None:
        assert re.search(rf"\b{re.escape(opt)}\b", str(err)), str(err)
        return
    _check_result(name, out)


def test_sterilization_rate_absurd_ratio_is_reported_not_clipped() -> None:
    """Decision for issue #9: an absurd ratio is returned as computed (finite), not clipped.

    Closed form L = -(B_1 - B_0) / D_0 * m / k with the most extreme accepted inputs: a balance
    sheet falling from 1e100 to 0 against a base of 1e-100, annualised with m = 1e100, k = 1.
    """
    out = liquidity.sterilization_rate(
        [1e100, 0.0], [1e-100, 1e-100], periods=1, periods_per_year=10**100
    )
    np.testing.assert_allclose(out[1], 1e300, rtol=1e-12)  # closed form, no overflow
    with pytest.raises(InputError, match="periods_per_year"):
        liquidity.sterilization_rate([1.0, 0.5], periods=1, periods_per_year=10**101)
    # units mix-up (millions vs billions) gives a value 1,000 times too large, as documented
    right = liquidity.sterilization_rate([9000.0, 8900.0], [20.0e3, 20.0e3], periods=1,
                                         periods_per_year=12)  # fmt: skip
    wrong = liquidity.sterilization_rate([9.0e6, 8.9e6], [20.0e3, 20.0e3], periods=1,
                                         periods_per_year=12)  # fmt: skip
    np.testing.assert_allclose(wrong[1], 1000 * right[1], rtol=1e-12)
    np.testing.assert_allclose(right[1], 100.0 / 20.0e3 * 12, rtol=1e-12)  # closed form


# --------------------------------------------------------------------------- numeric sequences
_NUMERIC_SEQUENCE = re.compile(r"(Sequence|tuple)\[(float|int)")

#: Base calls for callables whose only options are numeric sequences (not in BASE).
SEQUENCE_BASE: dict[str, Base] = {
    "refinancing.RefinancingResult.to_frame": Base(rt._REFI.to_frame, dict),
}

#: Callables with numeric sequence parameters that are not options, with the reason.
SEQUENCE_NOT_APPLICABLE: dict[str, str] = {
    "refinancing.RefinancingResult": _CONTAINER,
    "refinancing.SpreadTable": "edges and spreads are array arguments of the reliability "
    "table (bad inputs and fuzzing)",
}

#: (callable, option, case) -> reason; known bugs (strict xfail, so a fix is noticed).
SEQUENCE_KNOWN_BUGS: dict[tuple[str, str, str], str] = {}

SEQUENCE_CASES: dict[str, Any] = {
    "none": None,
    "scalar": 0.5,
    "string": "abc",
    "nan": [np.nan],
    "empty": [],
    "strings": ["a", "b"],
    "nested": [[0.5, 0.6]],
}


def _sequence_options() -> list[Any]:
    params = []
    for name in sorted(set(PUBLIC) - set(SEQUENCE_NOT_APPLICABLE)):
        fn = PUBLIC[name]
        opts = [
            p
            for p in inspect.signature(fn).parameters.values()
            if _NUMERIC_SEQUENCE.search(str(p.annotation))
        ]
        for p in opts:
            for case in SEQUENCE_CASES:
                marks = []
                if (name, p.name, case) in SEQUENCE_KNOWN_BUGS:
                    reason = SEQUENCE_KNOWN_BUGS[(name, p.name, case)]
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                params.append(pytest.param(name, p.name, case, id=f"{name}-{p.name}-{case}",
                                           marks=marks))  # fmt: skip
    return params


def test_every_sequence_option_has_a_base_call() -> None:
    names = {p.values[0] for p in _sequence_options()}
    missing = sorted(n for n in names if n not in BASE and n not in SEQUENCE_BASE)
    assert not missing, f"callables with numeric sequence options but no base call: {missing}"
    assert len(names) >= 5


@pytest.mark.parametrize(("name", "opt", "case"), _sequence_options())
def test_sequence_option(name: str, opt: str, case: str) -> None:
    """A numeric sequence option (thresholds, quantiles, stop levels, horizons, weights).

    None (unless it is the default), a bare scalar, a string, NaN, an empty sequence, strings
    and a nested list all raise the documented exception naming the option.
    """
    base = BASE.get(name) or SEQUENCE_BASE[name]
    fn = _fn(base)
    param = inspect.signature(fn).parameters[opt]
    kwargs = base.kwargs()
    kwargs[opt] = SEQUENCE_CASES[case]
    if case == "none" and param.default is None:
        fn(**kwargs)  # the documented default
        _close_figures(name)
        return
    if case == "scalar" and "int |" in str(param.annotation):
        pytest.skip("a single int is documented (horizons 0 ... H)")
    with pytest.raises((InputError, TypeError)) as info:
        fn(**kwargs)
    _close_figures(name)
    assert re.search(rf"\b{re.escape(opt)}\b", str(info.value)), str(info.value)
