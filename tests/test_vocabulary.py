"""One vocabulary: one parameter name per concept across every public signature.

Walks ``__all__`` of every public module (the same walk as the reliability inventory), so a new
function cannot escape. A concept on :data:`CONCEPTS` has one preferred name; the synonyms
listed there may not appear as a parameter of any public callable (except as a deprecated
alias kept by :func:`divergence._compat.renamed_arguments`, which is not in the signature).
Where the same concept has a default, it is the same everywhere (:data:`DEFAULTS`), and
``nan_policy`` is the last keyword-only argument.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from reliability_table import MODULES

#: concept -> (preferred name, synonyms that must not be used for it)
CONCEPTS: dict[str, tuple[str, frozenset[str]]] = {
    "number of largest names": ("top_k", frozenset({"k", "n_top", "top_n", "n_largest"})),
    "market capitalisations": (
        "market_caps",
        frozenset({"caps", "mcap", "mcaps", "market_cap", "cap", "market_values"}),
    ),
    "rolling window length": ("window", frozenset({"win", "window_size", "lookback", "span"})),
    "periods per year": (
        "periods_per_year",
        frozenset({"annualization", "ann_factor", "periods_in_year", "frequency", "ppy"}),
    ),
    "confidence level": ("confidence", frozenset({"alpha", "level", "conf", "cl", "ci"})),
    "random seed": ("seed", frozenset({"random_state", "rng", "random_seed", "generator"})),
    "missing-value handling": (
        "nan_policy",
        frozenset({"skipna", "dropna", "na_policy", "missing", "nan_mode"}),
    ),
    "continuously compounded rate": ("rate", frozenset({"r", "risk_free", "rf", "interest_rate"})),
    "maximum iterations": (
        "max_iter",
        frozenset({"max_iterations", "maxiter", "max_spread_iter", "max_cascade_iterations"}),
    ),
    "number of simulated paths": ("n_paths", frozenset({"paths", "n_sims", "n_simulations"})),
}

#: (callable, parameter) pairs that keep a listed synonym, with the reason.
EXCEPTIONS: dict[tuple[str, str], str] = {
    # textbook notation of the short-rate models: r is the state variable of the SDE
    ("refinancing.cir_bond_price", "r"): "CIR state variable r_t in the model's notation",
    ("refinancing.vasicek_bond_price", "r"): "Vasicek state variable r_t in the model's notation",
    # dataclass fields of result objects are outputs the library fills, not arguments
    ("flows.FlowSimulation.__init__", "caps"): "result field (simulated caps), built by "
    "simulate_flows; users read it, they do not pass it",
}

#: parameter -> the one default it takes wherever it has a default.
DEFAULTS: dict[str, object] = {
    "top_k": 10,
    "confidence": 0.95,
    "nan_policy": "omit",
    "quantiles": (0.05, 0.5, 0.95),
}

#: (callable, parameter) whose default differs on purpose, with the reason.
DEFAULT_EXCEPTIONS: dict[tuple[str, str], str] = {}


def _callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    for mod_name in MODULES:
        mod = importlib.import_module(f"divergence.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                for attr, value in vars(obj).items():
                    if attr.startswith("_") and attr != "__init__":
                        continue
                    func = (
                        value.__func__ if isinstance(value, classmethod | staticmethod) else value
                    )
                    if callable(func):
                        yield f"{mod_name}.{name}.{attr}", func
            elif callable(obj):
                yield f"{mod_name}.{name}", obj


def _signatures() -> list[tuple[str, inspect.Signature]]:
    out = []
    for qual, func in _callables():
        try:
            out.append((qual, inspect.signature(func)))
        except (TypeError, ValueError):  # builtins without a signature
            continue
    return out


SIGNATURES = _signatures()


def test_walk_finds_the_public_api() -> None:
    names = {q for q, _ in SIGNATURES}
    assert "concentration.hhi" in names and "refinancing.simulate" in names
    assert len(names) > 150


@pytest.mark.parametrize("concept", sorted(CONCEPTS))
def test_one_name_per_concept(concept: str) -> None:
    preferred, synonyms = CONCEPTS[concept]
    assert preferred not in synonyms
    offenders = [
        f"{qual}({p})"
        for qual, sig in SIGNATURES
        for p in sig.parameters
        if p in synonyms and (qual, p) not in EXCEPTIONS
    ]
    assert not offenders, f"{concept}: use {preferred!r}, not {offenders}"


def test_exceptions_are_still_needed() -> None:
    """An exception whose parameter was renamed since must be removed from the list."""
    present = {(qual, p) for qual, sig in SIGNATURES for p in sig.parameters}
    stale = sorted(set(EXCEPTIONS) - present)
    assert not stale, f"stale vocabulary exceptions: {stale}"


@pytest.mark.parametrize("param", sorted(DEFAULTS))
def test_same_default_for_the_same_concept(param: str) -> None:
    expected = DEFAULTS[param]
    wrong = [
        f"{qual}: {param}={sig.parameters[param].default!r}"
        for qual, sig in SIGNATURES
        if param in sig.parameters
        and sig.parameters[param].default is not inspect.Parameter.empty
        and sig.parameters[param].default != expected
        and (qual, param) not in DEFAULT_EXCEPTIONS
    ]
    assert not wrong, f"default of {param} should be {expected!r}: {wrong}"


def test_nan_policy_is_the_last_keyword_only_argument() -> None:
    wrong = []
    for qual, sig in SIGNATURES:
        kw = [p.name for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY]
        if "nan_policy" in kw and kw[-1] != "nan_policy":
            wrong.append(f"{qual}: {kw}")
    assert not wrong, wrong


def test_options_are_keyword_only() -> None:
    """The concept parameters that are options (not data) are keyword-only everywhere."""
    options = {"nan_policy", "seed", "confidence", "periods_per_year", "window", "max_iter"}
    wrong = [
        f"{qual}({p.name})"
        for qual, sig in SIGNATURES
        for p in sig.parameters.values()
        if p.name in options and p.kind is not p.KEYWORD_ONLY and not qual.endswith("__init__")
    ]
    assert not wrong, f"options that should be keyword-only: {wrong}"
