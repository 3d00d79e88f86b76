"""Table-driven bad-input suite (statsmodels' idea): function x bad input -> documented error.

Every public function of concentration and breadth, fed each bad input, raises InputError or
TypeError whose message names the offending argument, emits no warning (pytest runs with
filterwarnings=error) and leaves the input unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import breadth as br
from divergence import concentration as conc
from divergence.errors import InputError

GOOD = np.array([[3.0, 1.0, 2.0], [4.0, 1.0, 1.0]])
GOOD_R = np.array([[0.01, -0.02, 0.0], [0.03, 0.01, -0.01]])

# (exception, argument named in the message) for each bad value of a size argument
BAD_SIZES: dict[str, tuple[object, type[Exception]]] = {
    "none": (None, TypeError),
    "string": ("abc", TypeError),
    "booleans": (np.array([True, False]), TypeError),
    "objects": (np.array([1.0, None], dtype=object), TypeError),
    "strings_array": (np.array(["1", "2"]), TypeError),
    "complex": (np.array([1 + 1j, 2.0]), TypeError),
    "datetimes": (pd.Series(pd.date_range("2020", periods=3)), TypeError),
    "object_frame": (pd.DataFrame({"a": ["x", "y"], "b": [1.0, 2.0]}), TypeError),
    "empty": (np.array([]), InputError),
    "empty_2d": (np.empty((3, 0)), InputError),
    "scalar": (np.float64(3.0), InputError),
    "three_d": (np.ones((2, 2, 2)), InputError),
    "all_nan": (np.full((2, 3), np.nan), InputError),
    "plus_inf": (np.array([1.0, np.inf]), InputError),
    "minus_inf": (np.array([[1.0, -np.inf, 2.0]]), InputError),
    "negative": (np.array([[1.0, -2.0, 3.0]]), InputError),
    "negative_frame": (
        pd.DataFrame([[1.0, -2.0]], index=pd.to_datetime(["2024-03-01"]), columns=["A", "XYZ"]),
        InputError,
    ),
}

SIZE_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "weights": conc.weights,
    "hhi": conc.hhi,
    "effective_n": conc.effective_n,
    "top_k_share": conc.top_k_share,
    "concentration_coefficient": conc.concentration_coefficient,
    "gini": conc.gini,
    "theil": conc.theil,
    "hall_tideman": conc.hall_tideman,
    "hill_number": lambda x: conc.hill_number(x, 2),
    "concentration_profile": conc.concentration_profile,
}


def _snapshot(x: object) -> object:
    return x.copy() if hasattr(x, "copy") else x


def _assert_unchanged(before: object, after: object) -> None:
    if isinstance(before, pd.DataFrame | pd.Series):
        assert before.equals(after)  # type: ignore[arg-type]
    elif isinstance(before, np.ndarray):
        np.testing.assert_array_equal(before, after)  # type: ignore[arg-type]


@pytest.mark.parametrize("fn_name", sorted(SIZE_FUNCTIONS))
@pytest.mark.parametrize("case", sorted(BAD_SIZES))
def test_size_functions_reject(fn_name: str, case: str) -> None:
    value, exc = BAD_SIZES[case]
    before = _snapshot(value)
    with pytest.raises(exc, match=r"\bx\b"):
        SIZE_FUNCTIONS[fn_name](value)
    _assert_unchanged(before, value)


def test_negative_message_says_where() -> None:
    value = BAD_SIZES["negative_frame"][0]
    with pytest.raises(
        InputError, match=r"x has 1 negative value\(s\); first at row 2024-03-01, column 'XYZ'"
    ):
        conc.hhi(value)


def test_lorenz_rejects_2d_and_zero_total() -> None:
    with pytest.raises(InputError, match="x must be 1-D"):
        conc.lorenz_curve(GOOD)
    with pytest.raises(InputError, match="no positive size"):
        conc.lorenz_curve([0.0, 0.0])


@pytest.mark.parametrize(
    ("call", "exc", "arg"),
    [
        (lambda: conc.top_k_share(GOOD, 0), InputError, "top_k"),
        (lambda: conc.top_k_share(GOOD, 2.5), TypeError, "top_k"),
        (lambda: conc.top_k_share(GOOD, True), TypeError, "top_k"),
        (lambda: conc.concentration_coefficient(GOOD, top_k=-1), InputError, "top_k"),
        (lambda: conc.hill_number(GOOD, -1.0), InputError, "order"),
        (lambda: conc.hill_number(GOOD, np.nan), InputError, "order"),
        (lambda: conc.hill_number(GOOD, "2"), TypeError, "order"),
        (lambda: conc.hhi(GOOD, normalized="yes"), TypeError, "normalized"),
        (lambda: conc.gini(GOOD, bias_corrected=1), TypeError, "bias_corrected"),
        (lambda: conc.hhi(GOOD, nan_policy="drop"), InputError, "nan_policy"),
        (lambda: conc.hhi(GOOD, nan_policy=None), TypeError, "nan_policy"),
        (lambda: conc.hhi(GOOD, groups=5), TypeError, "groups"),
        (lambda: conc.hhi(GOOD, groups=["a", None, "b"]), InputError, "groups"),
        (lambda: conc.concentration_profile(GOOD, top_k=0), InputError, "top_k"),
    ],
)
def test_option_errors(call: Callable[[], Any], exc: type[Exception], arg: str) -> None:
    with pytest.raises(exc, match=rf"\b{arg}\b"):
        call()


BREADTH_FUNCTIONS: dict[str, Callable[[Any, Any], Any]] = {
    "index_return": br.index_return,
    "weighting_gap": br.weighting_gap,
    "return_contributions": br.return_contributions,
    "top_k_contribution_share": br.top_k_contribution_share,
    "breadth": br.breadth,
}

BAD_PAIRS: dict[str, tuple[object, object, type[Exception], str]] = {
    "returns_none": (None, GOOD, TypeError, "returns"),
    "caps_none_string": (GOOD_R, "caps", TypeError, "market_caps"),
    "returns_1d": (GOOD_R[0], GOOD[0], InputError, "returns"),
    "returns_3d": (np.ones((2, 2, 2)), GOOD, InputError, "returns"),
    "returns_empty": (np.empty((0, 3)), GOOD, InputError, "returns"),
    "returns_all_nan": (np.full((2, 3), np.nan), GOOD, InputError, "returns"),
    "returns_inf": (np.array([[0.1, np.inf, 0.0], [0.0, 0.0, 0.0]]), GOOD, InputError, "returns"),
    "returns_below_minus_one": (
        np.array([[0.1, -2.0, 0.0], [0, 0, 0]]),
        GOOD,
        InputError,
        "returns",
    ),
    "returns_bool": (GOOD_R > 0, GOOD, TypeError, "returns"),
    "caps_negative": (GOOD_R, -GOOD, InputError, "market_caps"),
    "caps_shape": (GOOD_R, GOOD[:, :2], InputError, "market_caps"),
    "caps_3d": (GOOD_R, np.ones((2, 3, 1)), InputError, "market_caps"),
    "caps_all_nan": (GOOD_R, np.full((2, 3), np.nan), InputError, "market_caps"),
}


@pytest.mark.parametrize("fn_name", sorted(BREADTH_FUNCTIONS))
@pytest.mark.parametrize("case", sorted(BAD_PAIRS))
def test_breadth_functions_reject(fn_name: str, case: str) -> None:
    r, m, exc, arg = BAD_PAIRS[case]
    r_before, m_before = _snapshot(r), _snapshot(m)
    with pytest.raises(exc, match=rf"\b{arg}\b"):
        BREADTH_FUNCTIONS[fn_name](r, m)
    _assert_unchanged(r_before, r)
    _assert_unchanged(m_before, m)


def test_breadth_index_mismatch_names_both() -> None:
    idx = pd.date_range("2024-01-01", periods=2)
    r = pd.DataFrame(GOOD_R, index=idx, columns=list("abc"))
    m = pd.DataFrame(GOOD, index=idx + pd.Timedelta(days=7), columns=list("abc"))
    with pytest.raises(InputError, match="returns and market_caps have different indexes"):
        br.index_return(r, m)
