"""hypothesis fuzzing of every numeric public function with arbitrary arrays.

For each entry of :data:`reliability_table.ENTRIES` (``fuzz=True``) and each numeric array
argument, the valid call is repeated with that argument replaced by an arbitrary array of the
same layout (same pandas labels): magnitudes from 1e-300 to 1e300 of either sign, zeros, NaN
patterns (scattered, a whole row, a whole column), as float64, float32 or int64. The function
must either raise the documented :class:`~divergence.errors.InputError` / :class:`TypeError`, or
return a result of the same type and shape as the valid call, with no infinity (results are
finite or NaN) and within the documented bounds (``BOUNDS``). Any other exception, including
IndexError, KeyError, ZeroDivisionError, FloatingPointError and OverflowError, fails, and so
does any warning (pytest runs with ``filterwarnings = error``).
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from divergence.errors import InputError, UnitWarning
from reliability_table import ENTRIES, resolve

MAX_EXAMPLES = int(os.environ.get("RELIABILITY_MAX_EXAMPLES", "30"))
#: No shrinking: a failure is reported with the example as drawn, so a regression costs seconds,
#: not minutes, of suite time (the failing example is still replayed first on the next run).
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


@st.composite
def _value(draw: st.DrawFn, big: bool) -> float:
    kind = draw(st.sampled_from(["tiny_huge", "moderate", "zero", "nan"]))
    if kind == "zero":
        return 0.0
    if kind == "nan":
        return float("nan")
    sign = draw(st.sampled_from([-1.0, 1.0]))
    if kind == "moderate":
        return sign * draw(st.floats(0.0, 10.0))
    lim = 299 if big else 30  # float32 holds ~1e-38..3e38
    mant = draw(st.floats(1.0, 9.99))
    return sign * mant * 10.0 ** draw(st.integers(-lim, lim))


@st.composite
def fuzz_array(draw: st.DrawFn, shape: tuple[int, ...], sign: str) -> np.ndarray:
    dtype = draw(st.sampled_from(["float64", "float32", "int64"]))
    n = int(np.prod(shape))
    if dtype == "int64":
        vals = draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n))
        arr = np.array(vals, dtype=np.int64).reshape(shape)
    else:
        vals = draw(st.lists(_value(dtype == "float64"), min_size=n, max_size=n))
        arr = np.array(vals, dtype=np.float64).reshape(shape)
        pattern = draw(st.sampled_from(["as_drawn", "nan_row", "nan_col", "no_nan"]))
        if pattern == "nan_row":
            arr[0] = np.nan
        elif pattern == "nan_col" and arr.ndim == 2:
            arr[:, 0] = np.nan
        elif pattern == "no_nan":
            arr = np.nan_to_num(arr, nan=1.0)
        arr = arr.astype(dtype)
    if sign != "any" and draw(st.booleans()):
        arr = np.abs(arr)  # mostly valid values, so the numerics are exercised
    return arr


def _like(good: Any, arr: np.ndarray) -> Any:
    if isinstance(good, pd.DataFrame):
        return pd.DataFrame(arr, index=good.index, columns=good.columns)
    if isinstance(good, pd.Series):
        return pd.Series(arr, index=good.index, name=good.name)
    if isinstance(good, tuple):
        return tuple(arr.tolist())
    return arr


def _numeric_parts(out: Any) -> list[np.ndarray]:
    """Every float array/scalar inside a result (dataclass fields, tuples, pandas objects)."""
    if dataclasses.is_dataclass(out) and not isinstance(out, type):
        parts = []
        for f in dataclasses.fields(out):
            parts += _numeric_parts(getattr(out, f.name))
        return parts
    if isinstance(out, tuple):
        return [p for x in out for p in _numeric_parts(x)]
    if isinstance(out, pd.DataFrame):
        return [out.select_dtypes("number").to_numpy(dtype=float)]
    if isinstance(out, pd.Series | np.ndarray):
        arr = np.asarray(out)
        return [arr.astype(float)] if arr.dtype.kind in "fiu" else []
    if isinstance(out, float | int | np.floating | np.integer) and not isinstance(out, bool):
        return [np.asarray(float(out))]
    return []


def _shape(out: Any) -> Any:
    if isinstance(out, pd.DataFrame | pd.Series | np.ndarray):
        return (type(out), out.shape)
    return type(out)


def _in(lo: float, hi: float) -> Callable[[Any], None]:
    def check(out: Any) -> None:
        for arr in _numeric_parts(out):
            ok = np.isnan(arr) | ((arr >= lo - 1e-9) & (arr <= hi + 1e-9))
            assert ok.all(), f"values outside [{lo}, {hi}]: {arr[~ok][:5]}"

    return check


#: documented bounds of results (checked on every float in the result).
BOUNDS: dict[str, Callable[[Any], None]] = {
    "concentration.weights": _in(0.0, 1.0),
    "concentration.hhi": _in(0.0, 1.0),
    "concentration.top_k_share": _in(0.0, 1.0),
    "concentration.gini": _in(0.0, 1.0),
    "concentration.lorenz_curve": _in(0.0, 1.0),
    "concentration.effective_n": _in(1.0, np.inf),
    "concentration.hall_tideman": _in(0.0, 1.0),
    "concentration.theil": _in(0.0, np.inf),
    "concentration.hill_number": _in(1.0, np.inf),
    "cost.expanding_percentile": _in(-1.0, 1.0),
    "cost.DivergenceCost.evaluate": _in(0.0, 1.0),
    "cost.divergence_cost": _in(0.0, 1.0),
    "risk.rolling_correlation": _in(-1.0, 1.0),
    "dispersion.realized_correlation": _in(-1.0, 1.0),
    "dispersion.cross_sectional_dispersion": _in(0.0, np.inf),
}

#: results allowed to hold an infinity, with the reason (documented).
ALLOW_INF: dict[str, str] = {
    "breadth.breadth_summary": "compounded returns beyond the float range are inf (documented)",
    "breadth.cap_change_breadth": "growth from a near-zero total cap can be inf (documented)",
    "risk.cvar_position_limits": "limits are inf when a position gains in the tail (documented)",
    "concentration.concentration_coefficient": "inf when the median size is 0 (documented)",
    "concentration.concentration_profile": "its concentration_coefficient column (documented)",
    "refinancing.simulate": "coverage is +inf for a firm paying no interest (documented)",
}

CASES = [
    pytest.param(name, arg, id=f"{name}-{arg}")
    for name, entry in ENTRIES.items()
    if entry.fuzz
    for arg, spec in entry.arrays.items()
    if spec.numeric and not spec.frame_only
]


@pytest.mark.parametrize(("name", "arg"), CASES)
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(data=st.data())
def test_fuzz(name: str, arg: str, data: st.DataObject) -> None:
    entry = ENTRIES[name]
    fn = resolve(entry)
    kwargs = entry.good()
    reference = fn(**entry.good())
    good = kwargs[arg]
    shape = np.shape(np.asarray(good, dtype=float))
    arr = data.draw(fuzz_array(shape, entry.arrays[arg].sign), label=arg)
    kwargs[arg] = _like(good, arr)
    try:
        out = fn(**kwargs)
    except (InputError, TypeError) as err:
        message = str(err)
    else:
        message = ""
    if message:  # the documented exceptions, with a message saying what is wrong
        return
    assert _shape(out) == _shape(reference), f"{_shape(out)} != {_shape(reference)}"
    if name not in ALLOW_INF:
        for part in _numeric_parts(out):
            assert not np.isinf(part).any(), f"infinite result: {part[np.isinf(part)][:3]}"
    if name in BOUNDS:
        BOUNDS[name](out)


@pytest.mark.parametrize(
    ("name", "arg"),
    [
        pytest.param(n, a, id=f"{n}-{a}")
        for n, e in ENTRIES.items()
        if e.fuzz
        for a, spec in e.arrays.items()
        if spec.frame_only
    ],
)
@settings(max_examples=MAX_EXAMPLES, suppress_health_check=[HealthCheck.too_slow], phases=PHASES)
@given(data=st.data())
def test_fuzz_frame(name: str, arg: str, data: st.DataObject) -> None:
    """Frames with named columns (option chains, debt books, firms): arbitrary numeric columns."""
    entry = ENTRIES[name]
    fn = resolve(entry)
    kwargs = entry.good()
    chain = kwargs[arg].copy()
    cols = list(chain.select_dtypes("number").columns)
    arr = data.draw(fuzz_array((len(chain), len(cols)), entry.arrays[arg].sign), label=arg)
    for j, col in enumerate(cols):
        chain[col] = arr[:, j]
    kwargs[arg] = chain
    try:
        out = fn(**kwargs)
    except (InputError, TypeError):
        return
    if name not in ALLOW_INF:
        for part in _numeric_parts(out):
            assert not np.isinf(part).any()


def _rc_extreme() -> Any:
    from divergence.dispersion import realized_correlation

    r = np.array(
        [[2.5451768e10, np.nan, -10.0], [0.0, 2.5451767, 0.0], [3.5785833e-05, 0.0, 0.0],
         [9.99e-30, 6.0885213e-19, 0.0], [4.2103946e17, 0.0, 6.74e-30], [np.nan, 0.0, 2.5451767]],
        dtype=np.float32,
    )  # fmt: skip
    return realized_correlation(r, np.full((6, 3), 1 / 3), window=4)


def _rolling_extreme() -> Any:
    from divergence.risk import rolling_correlation

    a = np.array(
        [0.0, -0.0, np.nan, np.nan, 0.0, np.nan, 0.0, -0.0, 0.0, -8.4754389e-23, -2.7893493e15,
         4.2415047e-21, np.nan, 0.0, 8.9537983, np.nan, 0.0, 8.4028854, -7.9996896, 5.0865417e-23,
         -4.6283474, 1.1, 10.0, 0.0, np.nan, -0.0, -8.5080938, 1.5e28, 4.8349419, 0.0],
        dtype=np.float32,
    )  # fmt: skip
    x, y = np.random.default_rng(1).normal(size=(2, 30))
    return rolling_correlation(a, x + y, window=5)


#: examples the fuzzer found (each was a bug), replayed deterministically: no warning, bounds.
REGRESSIONS: dict[str, tuple[Callable[[], Any], Callable[[Any], None]]] = {
    "hhi_tiny_total": (
        lambda: __import__("divergence.concentration").concentration.hhi([0.0, 0.0, 1e-162]),
        lambda out: np.testing.assert_allclose(out, 1.0),  # one name holds everything
    ),
    "effective_n_tiny_total": (
        lambda: __import__("divergence.concentration").concentration.effective_n([1e-300, 1e-300]),
        lambda out: np.testing.assert_allclose(out, 2.0),  # two equal names
    ),
    "realized_correlation_extreme_range": (_rc_extreme, _in(-1.0, 1.0)),
    "rolling_correlation_rounding_negative_variance": (_rolling_extreme, _in(-1.0, 1.0)),
}


@pytest.mark.parametrize("case", sorted(REGRESSIONS))
def test_regressions_found_by_fuzzing(case: str) -> None:
    call, check = REGRESSIONS[case]
    check(call())


@pytest.mark.parametrize(
    ("call", "arg"),
    [
        (lambda: __import__("divergence.risk").risk.bond_returns_from_yields(
            [0.0, -4.0, 0.01], periods_per_year=12), "yields"),
        (lambda: __import__("divergence.premia").premia.annualized_inflation(
            [1.0, 5.0763546e-66, 1.0], 1, periods_per_year=12), "price_index"),
        (lambda: __import__("divergence.real").real.real_growth(
            [1.0, 5e-66, 1.0], [1.0, 1.0, 1.0], periods_per_year=12), "nominal"),
        (lambda: __import__("divergence.real").real.nominal_illusion(
            [1.0, 5e-66, 1.0], [1.0, 1.0, 1.0], periods_per_year=12), "nominal"),
        (lambda: __import__("divergence.rotation").rotation.relative_performance(
            np.full((40, 1), 1e90), np.zeros(40), cumulative=True), "returns"),
        (lambda: __import__("divergence.premia").premia.cape(
            [10.0, 10.0, 10.0], [1.0, 1.0, 1.0], [1.0, 1.0, 5e-324], window=1), "price_index"),
        (lambda: __import__("divergence.dispersion").dispersion.vol_spread(
            0.2, [1e155, 0.3], [0.5, 0.5]), "constituent_vols"),
    ],
)  # fmt: skip
def test_regressions_now_rejected(call: Callable[[], Any], arg: str) -> None:
    # returns of 1e90 are implausible on purpose: the UnitWarning they also raise is not the
    # point here, the InputError is
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnitWarning)
        with pytest.raises(InputError, match=rf"\b{arg}\b"):
            call()
