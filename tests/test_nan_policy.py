"""Class 3 of issue 19: ``nan_policy`` governs every array argument, weights and caps included.

For each public function with a ``nan_policy`` and more than one array argument, a single NaN
is put in one argument at a time and each policy is checked against its definition:

* ``"raise"``: an :class:`InputError` whose message names that argument;
* ``"propagate"``: the row the NaN affects is NaN (start-of-period caps affect the next row);
* ``"omit"``: the affected row equals the same function run with that name removed from the
  data altogether (the oracle of "dropping"), or is NaN where nothing can be dropped
  (``index_vol`` is one value per row).

Before the fix a NaN weight was ignored by ``nan_policy="raise"`` and ``"propagate"`` in
:func:`cross_sectional_dispersion`, a NaN ``index_vol`` did not raise under ``"raise"``, and a
NaN weight did not propagate, in the implied-correlation family.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import breadth, dispersion, rotation
from divergence.errors import InputError

ROWS, COLS = 6, 4
NAN_AT = (2, 1)  # row, column of the NaN


def _data() -> dict[str, Any]:
    rng = np.random.default_rng(42)
    return {
        "returns": rng.normal(0.0, 0.01, (ROWS, COLS)),
        "market_caps": rng.uniform(1.0, 10.0, (ROWS, COLS)),
        "weights": rng.uniform(1.0, 2.0, (ROWS, COLS)),
        "constituent_vols": rng.uniform(0.2, 0.4, (ROWS, COLS)),
        "index_vol": np.full(ROWS, 0.22),
        "sectors": ["a", "a", "b", "b"],
    }


@dataclass(frozen=True)
class Case:
    func: Callable[..., Any]
    args: tuple[str, ...]  # array arguments, in call order
    nan_args: tuple[str, ...]  # the ones a NaN is put in
    lag: dict[str, int] = field(default_factory=dict)  # rows between the NaN and its effect
    kwargs: dict[str, Any] = field(default_factory=dict)
    per_name: bool = False  # output has one column per name (compare the others)
    nan_cols: tuple[int, ...] | None = None  # under "propagate", only these columns go NaN

    @property
    def id(self) -> str:
        module = [m for m in self.func.__module__.split(".") if not m.startswith("_")][-1]
        return f"{module}.{self.func.__name__}"


CAPS_LAG = {"market_caps": 1}  # start-of-period caps: the cap at row t weights row t + 1
CASES = [
    Case(breadth.breadth, ("returns", "market_caps"), ("returns", "market_caps"), CAPS_LAG),
    Case(breadth.index_return, ("returns", "market_caps"), ("returns", "market_caps"), CAPS_LAG),
    Case(
        breadth.return_contributions,
        ("returns", "market_caps"),
        ("returns", "market_caps"),
        CAPS_LAG,
        per_name=True,
    ),
    Case(
        breadth.top_k_contribution_share,
        ("returns", "market_caps"),
        ("returns", "market_caps"),
        CAPS_LAG,
        {"top_k": 2},
    ),
    Case(breadth.weighting_gap, ("returns", "market_caps"), ("returns", "market_caps"), CAPS_LAG),
    Case(  # each sector is its own reduction: only the NaN name's sector ("a") goes NaN
        rotation.sector_returns,
        ("returns", "market_caps", "sectors"),
        ("returns", "market_caps"),
        CAPS_LAG,
        nan_cols=(0,),
    ),
    Case(
        rotation.sector_weights,
        ("returns", "market_caps", "sectors"),
        ("returns", "market_caps"),
        CAPS_LAG,
    ),
    Case(dispersion.cross_sectional_dispersion, ("returns", "weights"), ("returns", "weights")),
    *(
        Case(f, ("index_vol", "constituent_vols", "weights"), ("constituent_vols", "weights"))
        for f in (dispersion.implied_correlation, dispersion.dispersion_index)
    ),
    Case(
        dispersion.vol_spread,
        ("index_vol", "constituent_vols", "weights"),
        ("constituent_vols", "weights"),
    ),
]
INDEX_VOL_CASES = [
    dispersion.implied_correlation,
    dispersion.dispersion_index,
    dispersion.vol_spread,
    dispersion.implied_correlation_out_of_range,
]


def _call(case: Case, data: dict[str, Any], policy: str) -> Any:
    kw = {"on_out_of_range": "ignore"} if "on_out_of_range" in _params(case.func) else {}
    return case.func(*(data[a] for a in case.args), nan_policy=policy, **case.kwargs, **kw)


def _params(func: Callable[..., Any]) -> set[str]:
    import inspect

    return set(inspect.signature(func).parameters)


def _rows(out: Any) -> np.ndarray:
    arr = out.to_numpy(dtype=np.float64) if hasattr(out, "to_numpy") else np.asarray(out)
    return np.asarray(arr, dtype=np.float64)


def _with_nan(data: dict[str, Any], arg: str) -> dict[str, Any]:
    out = dict(data)
    v = np.array(data[arg], dtype=np.float64, copy=True)
    v[NAN_AT] = np.nan
    out[arg] = v
    return out


def _without_name(data: dict[str, Any], j: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in data.items():
        if key == "sectors":
            out[key] = [s for i, s in enumerate(v) if i != j]
        elif isinstance(v, np.ndarray) and v.ndim == 2:
            out[key] = np.delete(v, j, axis=1)
        else:
            out[key] = v
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_raise_names_the_argument(case: Case) -> None:
    for arg in case.nan_args:
        with pytest.raises(
            InputError, match=rf"^{arg} has 1 NaN value\(s\) and nan_policy='raise'"
        ):
            _call(case, _with_nan(_data(), arg), "raise")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_propagate_makes_the_affected_row_nan(case: Case) -> None:
    clean = _rows(_call(case, _data(), "propagate"))
    for arg in case.nan_args:
        got = _rows(_call(case, _with_nan(_data(), arg), "propagate"))
        row = NAN_AT[0] + case.lag.get(arg, 0)
        if case.nan_cols is None:
            assert np.isnan(got[row]).all(), (arg, got[row])
        else:
            keep = [j for j in range(got.shape[1]) if j not in case.nan_cols]
            assert np.isnan(got[row, list(case.nan_cols)]).all(), (arg, got[row])
            np.testing.assert_array_equal(got[row, keep], clean[row, keep])
        # the other rows are untouched
        others = [i for i in range(ROWS) if i != row]
        np.testing.assert_array_equal(got[others], clean[others])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_omit_equals_dropping_the_name(case: Case) -> None:
    i, j = NAN_AT
    dropped = _rows(_call(case, _without_name(_data(), j), "omit"))
    for arg in case.nan_args:
        got = _rows(_call(case, _with_nan(_data(), arg), "omit"))
        row = i + case.lag.get(arg, 0)
        want = dropped[row]
        have = np.delete(got[row], j) if case.per_name else got[row]
        np.testing.assert_allclose(have, want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("func", INDEX_VOL_CASES, ids=lambda f: f.__name__)
def test_index_vol_obeys_the_policy(func: Callable[..., Any]) -> None:
    d = _data()
    iv = d["index_vol"].copy()
    iv[2] = np.nan
    args = (iv, d["constituent_vols"], d["weights"])
    with pytest.raises(InputError, match=r"^index_vol has 1 NaN value\(s\)"):
        func(*args, nan_policy="raise")
    if func is dispersion.implied_correlation_out_of_range:
        # flags, not values: a row that cannot be computed is not out of range
        assert not np.asarray(func(*args, nan_policy="propagate"))[2]
        return
    for policy in ("propagate", "omit"):
        kw = {"on_out_of_range": "ignore"} if "on_out_of_range" in _params(func) else {}
        got = np.asarray(func(*args, nan_policy=policy, **kw))
        assert np.isnan(got[2]) and np.isfinite(np.delete(got, 2)).all()


def test_raise_message_shows_the_labels_of_a_pandas_weight() -> None:
    d = _data()
    idx = pd.date_range("2024-01-01", periods=ROWS, name="date")
    cols = ["AAA", "BBB", "CCC", "DDD"]
    r = pd.DataFrame(d["returns"], index=idx, columns=cols)
    w = pd.DataFrame(d["weights"], index=idx, columns=cols)
    w.iloc[2, 1] = np.nan
    with pytest.raises(InputError, match=r"weights .* first at row 2024-01-03, column 'BBB'"):
        dispersion.cross_sectional_dispersion(r, w, nan_policy="raise")
    # a constant weight per column (1-D) is checked too
    w1 = pd.Series([1.0, np.nan, 2.0, 3.0], index=cols)
    with pytest.raises(InputError, match=r"^weights has 1 NaN value.* at 'BBB'"):
        dispersion.cross_sectional_dispersion(r, w1, nan_policy="raise")
    out = dispersion.cross_sectional_dispersion(r, w1, nan_policy="propagate")
    assert out.isna().all()


def test_unknown_policy_is_refused_before_the_weights_are_read() -> None:
    d = _data()
    with pytest.raises(InputError, match="nan_policy"):
        dispersion.cross_sectional_dispersion(d["returns"], d["weights"], nan_policy="drop")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="nan_policy"):
        dispersion.implied_correlation(
            d["index_vol"],
            d["constituent_vols"],
            d["weights"],
            nan_policy="drop",  # type: ignore[arg-type]
        )
