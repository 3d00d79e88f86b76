"""Assertions the mutation run of the refinancing book, spreads, results and filings showed missing.

Each test pins a behaviour a surviving mutant of ``refinancing/_book.py``, ``_spreads.py``,
``_result.py``, ``_filings.py``, ``_transmission.py`` or ``_example.py`` changed without any
test noticing (see ``docs/_data/mutation/refinancing_book.json``): an error message and the
argument it names, a validation branch, a boundary, a value or a returned layout. Expected
values are closed forms worked by hand in the comments (one bullet of 100 at 5%, a ladder of
round numbers, a response of a few months) or the messages the functions document.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from divergence import refinancing as rf
from divergence.errors import InputError
from divergence.refinancing import pass_through_month
from divergence.refinancing._result import _concat_results


def _bullet(cohort: str = "large", **kw: object) -> rf.RefinancingResult:
    """One fixed bullet of 100 at 5%, refinanced at month 12 (base rate 2% then 6%)."""
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["fixed"],
            "coupon": [0.05],
            "maturity": [12],
            "tenor": [60],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [20.0], "growth": [0.0], "volatility": [0.0], "cohort": [cohort]}
    )
    rates = rf.policy_path(0.02, [0.0, 0.04] + [0.0] * 22)
    return rf.simulate(book, firms, rates, seed=0, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- _concat_results
def test_concat_results_refuses_each_mismatch_alone() -> None:
    """Kills the and/or swaps of the input check: any one field that differs is refused."""
    head = _bullet()
    with pytest.raises(InputError, match=r"^no results to concatenate$"):
        _concat_results([])
    changes: list[dict[str, object]] = [
        {"horizon": head.horizon + 1},
        {"cohorts": ("other", "all")},
        {"thresholds": (1.0, 3.0)},
        {"firms": ["b"]},
    ]
    for change in changes:
        other = dataclasses.replace(head, **change)  # type: ignore[arg-type]
        with pytest.raises(
            InputError, match=r"^results to concatenate come from different inputs$"
        ):
            _concat_results([head, other])
    # same inputs: paths add up (1 + 1) and the per-path arrays are stacked
    both = _concat_results([head, head])
    assert both.n_paths == 2
    np.testing.assert_array_equal(both.interest_sum[1], head.interest_sum[0])


def test_concat_results_sums_unconverged_and_drops_partial_full_arrays() -> None:
    """Kills the dropped spread_unconverged sum and the "full or True" joins of full arrays."""
    agg = _bullet()
    full = _bullet(keep="full")
    assert agg.interest is None and full.interest is not None
    a = dataclasses.replace(agg, spread_unconverged=2)
    b = dataclasses.replace(agg, spread_unconverged=3)
    joined = _concat_results([a, b])
    assert joined.spread_unconverged == 2 + 3
    assert joined.interest is None and joined.ebit is None and joined.coverage is None
    # one part without the full arrays: the joined result has none
    mixed = _concat_results([full, agg])
    assert mixed.interest is None and mixed.ebit is None and mixed.coverage is None
    both = _concat_results([full, full])
    assert both.interest is not None and both.ebit is not None and both.coverage is not None
    assert both.interest.shape == (2, *full.interest.shape[1:])


# --------------------------------------------------------------------------- pass_through_month
def test_pass_through_month_boundary_types_and_layouts() -> None:
    """Kills the >= to > swap, the return-type and the column-labelling mutants."""
    x = [0.0, 1.0, 2.0, 3.0, 4.0]
    # x_m / x_4 = m / 4 reaches 1/2 exactly at m = 2 (">=": the equal month counts)
    got = pass_through_month(x)
    assert got == 2 and type(got) is int
    assert pass_through_month(x, share=0.75) == 3  # 3/4 exactly
    assert pass_through_month(x, share=1.0) == 4
    assert pass_through_month(x, share=0.2) == 1  # 1/4 = 0.25 is the first >= 0.2
    # a 2-D array: one int64 month per column
    arr = np.column_stack([x, [4.0, 4.0, 4.0, 4.0, 4.0], [0.0, 0.0, 0.0, 0.0, 1.0]])
    months = pass_through_month(arr)
    assert isinstance(months, np.ndarray) and months.dtype == np.int64
    assert months.tolist() == [2, 0, 4]
    # a DataFrame: a Series named pass_through_month, indexed by the columns
    frame = pd.DataFrame(arr, columns=["p", "q", "r"])
    s = pass_through_month(frame, share=0.5)
    assert isinstance(s, pd.Series) and s.name == "pass_through_month"
    assert s.index.tolist() == ["p", "q", "r"] and s.tolist() == [2, 0, 4]
    # a huge first month over a tiny horizon value overflows x / x_H to +inf, silently
    assert pass_through_month([1e100, 1e-300]) == 0


def test_pass_through_month_messages() -> None:
    """Kills the message and argument-name mutants (share, response, the zero column)."""
    with pytest.raises(
        InputError, match=r"^response is zero at the horizon: no response to measure$"
    ):
        pass_through_month([1.0, 0.0])
    with pytest.raises(
        InputError, match=r"^response is zero at the horizon in column 1: no response to measure$"
    ):
        pass_through_month(np.array([[1.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(
        InputError,
        match=r"^response is zero at the horizon in column 'b': no response to measure$",
    ):
        pass_through_month(pd.DataFrame({"a": [1.0, 1.0], "b": [1.0, 0.0]}))
    with pytest.raises(InputError, match=r"^share must be > 0\.0, got 0\.0$"):
        pass_through_month([1.0, 2.0], share=0.0)
    with pytest.raises(InputError, match=r"^share must be <= 1\.0, got 1\.5$"):
        pass_through_month([1.0, 2.0], share=1.5)
    with pytest.raises(InputError, match=r"^response "):
        pass_through_month([1.0, np.inf])
    with pytest.raises(InputError, match=r"^response "):
        pass_through_month(np.ones((2, 2, 2)))
    # dates out of order are refused (rows are never reordered)
    dated = pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-02-01", "2024-01-01"]))
    with pytest.raises(InputError, match=r"^response "):
        pass_through_month(dated)
