"""One table-driven bad-input harness over every public function (statsmodels' idea, extended).

For each entry of :data:`reliability_table.ENTRIES` the valid call is taken, and each array
argument in turn is replaced by each bad value of :data:`BAD_CASES`. The call must raise the
documented exception (:class:`~divergence.errors.InputError` or :class:`TypeError`) whose message
names the argument, emit no warning (pytest runs with ``filterwarnings = error``) and leave every
input object unchanged. Cases that do not apply are listed with their reason, in the table
(``Arg.sign == "any"`` with ``why_signed``, ``Arg.optional``, ``Entry.not_applicable``) or in
:func:`_not_applicable`; :func:`test_every_case_is_run_or_explained` checks the accounting.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from reliability_table import ENTRIES, Arg, Entry, resolve


def _as_float(g: Any) -> Any:
    if isinstance(g, tuple | list):
        return np.asarray(g, dtype=float)
    return g


def _set_first(g: Any, value: Any) -> Any:
    """A copy of ``g`` with its first numeric element replaced by ``value``."""
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        out = g.copy()
        col = out.select_dtypes("number").columns[0]
        out[col] = out[col].astype(float)
        out.loc[out.index[len(out) // 2], col] = value
        return out
    if isinstance(g, pd.Series):
        out = g.astype(float)
        out.iloc[len(out) // 2] = value
        return out
    arr = np.array(g, dtype=float)
    arr.flat[arr.size // 2] = value
    return arr


def _fill(g: Any, value: Any) -> Any:
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        out = g.copy()
        for col in out.select_dtypes("number").columns:
            out[col] = value
        return out
    if isinstance(g, pd.Series):
        return pd.Series(value, index=g.index, name=g.name, dtype=float)
    return np.full(np.shape(g), value, dtype=float)


def _objects(g: Any) -> Any:
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        out = g.astype(object)
        out.iloc[0, -1] = "n/a"
        return out
    out = (g.astype(object) if isinstance(g, pd.Series) else np.asarray(g).astype(object)).copy()
    if isinstance(out, pd.Series):
        out.iloc[0] = "n/a"
    else:
        out.flat[0] = "n/a"
    return out


def _booleans(g: Any) -> Any:
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        out = g.copy()
        for col in out.select_dtypes("number").columns:
            out[col] = out[col] > 0
        return out
    return g > 0 if isinstance(g, pd.Series) else np.asarray(g) > 0


def _mismatched_shape(g: Any) -> Any:
    if isinstance(g, list):
        return g[:-1]
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        return g.iloc[:-1, :-1] if g.shape[1] > 1 else g.iloc[:-1]
    if isinstance(g, pd.Series):
        return g.iloc[:-1]
    return np.asarray(g)[..., :-1]


def _mismatched_index(g: Any) -> Any:
    out = g.copy()
    if isinstance(out.index, pd.DatetimeIndex):
        out.index = out.index + pd.Timedelta(days=1)
    else:
        out.index = [f"other_{i}" for i in range(len(out))]
    return out


def _mismatched_columns(g: Any) -> Any:
    out = g.copy()
    out.columns = [f"other_{c}" for c in out.columns]
    return out


def _empty(g: Any) -> Any:
    if isinstance(g, list):
        return []
    g = _as_float(g)
    if isinstance(g, pd.DataFrame):
        return g.iloc[:0]
    if isinstance(g, pd.Series):
        return g.iloc[:0]
    return np.array([], dtype=float)


#: bad case -> (how to build it from the good value, expected exception)
BAD_CASES: dict[str, tuple[Callable[[Any], Any], type[Exception]]] = {
    "empty": (_empty, InputError),
    "all_nan": (lambda g: _fill(g, np.nan), InputError),
    "plus_inf": (lambda g: _set_first(g, np.inf), InputError),
    "minus_inf": (lambda g: _set_first(g, -np.inf), InputError),
    "negative": (lambda g: _set_first(g, -2.0), InputError),
    "three_d": (lambda g: np.ones((2, 2, 2)), InputError),
    "mismatched_shape": (_mismatched_shape, InputError),
    "mismatched_index": (_mismatched_index, InputError),
    "mismatched_columns": (_mismatched_columns, InputError),
    "string": (lambda g: "abc", TypeError),
    "objects": (_objects, TypeError),
    "none": (lambda g: None, TypeError),
    "booleans": (_booleans, TypeError),
}


def _not_applicable(entry: Entry, arg: str, spec: Arg, case: str, good: Any) -> str | None:
    """The reason a case does not apply, or None when it must be run."""
    if (arg, case) in entry.not_applicable:
        return entry.not_applicable[(arg, case)]
    if case == "negative" and spec.sign == "any":
        return spec.why_signed
    if case == "none" and spec.optional:
        return "None is documented as 'not given'"
    if case.startswith("mismatched") and len(entry.arrays) < 2:
        return "single array argument: nothing to align with"
    if case == "mismatched_index" and not isinstance(good, pd.Series | pd.DataFrame):
        return "good value is not pandas: no index to misalign"
    if case == "mismatched_columns" and not isinstance(good, pd.DataFrame):
        return "good value is not a DataFrame: no columns to misalign"
    if not spec.numeric and case in (
        "all_nan",
        "plus_inf",
        "minus_inf",
        "negative",
        "objects",
        "booleans",
    ):
        return "label array: any hashable labels are valid"
    if not spec.numeric and case == "string":
        return "a single string is a label"
    if spec.frame_only and case in ("three_d",):
        return "a DataFrame argument (named columns) cannot be 3-D"
    return None


def _cases() -> list[Any]:
    params = []
    for name, entry in ENTRIES.items():
        good = entry.good()
        for arg, spec in entry.arrays.items():
            for case in BAD_CASES:
                if _not_applicable(entry, arg, spec, case, good[arg]) is not None:
                    continue
                marks = []
                if (arg, case) in entry.known_bugs:
                    marks.append(
                        pytest.mark.xfail(strict=True, reason=entry.known_bugs[(arg, case)])
                    )
                params.append(pytest.param(name, arg, case, id=f"{name}-{arg}-{case}", marks=marks))
    return params


def _snapshot(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in kwargs.items()}


def _assert_unchanged(before: dict[str, Any], after: dict[str, Any]) -> None:
    for key, old in before.items():
        new = after[key]
        if isinstance(old, pd.DataFrame):
            pd.testing.assert_frame_equal(new, old)
        elif isinstance(old, pd.Series):
            pd.testing.assert_series_equal(new, old)
        elif isinstance(old, np.ndarray):
            np.testing.assert_array_equal(new, old)
            assert new.dtype == old.dtype
        else:
            assert type(new) is type(old)
            if isinstance(old, list | tuple):
                assert list(new) == list(old) or all(
                    (a != a and b != b) or a == b for a, b in zip(new, old, strict=True)
                )


@pytest.mark.parametrize(("name", "arg", "case"), _cases())
def test_bad_input(name: str, arg: str, case: str) -> None:
    entry = ENTRIES[name]
    kwargs = entry.good()
    make, exc = BAD_CASES[case]
    exc = entry.expect.get((arg, case), (exc, ""))[0]
    kwargs[arg] = make(kwargs[arg])
    before = _snapshot(kwargs)
    fn = resolve(entry)
    try:
        with pytest.raises(exc) as info:
            fn(**kwargs)
    finally:
        if name.startswith("plotting."):
            import matplotlib.pyplot as plt

            plt.close("all")
    assert re.search(rf"\b{re.escape(arg)}\b", str(info.value)), (
        f"message does not name {arg!r}: {info.value}"
    )
    _assert_unchanged(before, kwargs)


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_good_call_works_and_does_not_mutate(name: str) -> None:
    """The valid call of the table succeeds (else every bad case would pass vacuously)."""
    entry = ENTRIES[name]
    kwargs = entry.good()
    before = _snapshot(kwargs)
    resolve(entry)(**kwargs)
    if name.startswith("plotting."):
        import matplotlib.pyplot as plt

        plt.close("all")
    _assert_unchanged(before, kwargs)


def test_every_case_is_run_or_explained() -> None:
    run = {tuple(p.values) for p in _cases()}
    for name, entry in ENTRIES.items():
        good = entry.good()
        for arg, spec in entry.arrays.items():
            for case in BAD_CASES:
                reason = _not_applicable(entry, arg, spec, case, good[arg])
                assert ((name, arg, case) in run) != bool(reason), (name, arg, case)
                assert reason is None or reason.strip()
        for arg, _case in (*entry.not_applicable, *entry.known_bugs, *entry.expect):
            assert arg in entry.arrays, (name, arg)
    assert len(run) > 400
