"""Class 7 of issue 19 (labels the library adds itself): no collision, user types kept.

* Refinancing results append the all-firms total ``"all"`` to the user's cohorts. A user
  cohort called ``"all"`` would be indistinguishable from it, so :func:`simulate` refuses it
  with an :class:`InputError` naming ``firms['cohort']`` (the documented choice; see
  ``docs/reliability.rst``).
* User cohort labels keep their type (an integer cohort stays an integer) in ``cohorts``,
  ``to_frame()``, ``maturity_wall()``, ``first_crossing()`` and ``summary()``; two labels that
  print alike (``1`` and ``"1"``) are refused rather than merged.
* ``rotation``'s ``unmapped="group"`` adds a sector ``"unmapped"``: a user sector with that
  label is refused rather than merged with it.

The oracles are hand-built: one firm per cohort with a flat spread table and fixed coupons,
so the per-cohort numbers are the hand-computed ones (coverage = EBIT / interest).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.refinancing import SpreadTable, simulate
from divergence.refinancing._result import ALL_COHORTS
from divergence.rotation import sector_returns, sector_weights

FLAT = SpreadTable((), (0.02,), ("flat",), source="test", as_of="test")


def _firms(cohorts: list[Any]) -> pd.DataFrame:
    n = len(cohorts)
    return pd.DataFrame(
        {
            "firm": [f"f{i}" for i in range(n)],
            "ebit": [10.0 * (i + 1) for i in range(n)],
            "growth": [0.0] * n,
            "volatility": [0.0] * n,
            "cohort": cohorts,
        }
    )


def _book(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "firm": [f"f{i}" for i in range(n)],
            "principal": [100.0] * n,
            "kind": ["fixed"] * n,
            "coupon": [0.05] * n,
            "maturity": [24 + 12 * i for i in range(n)],
            "tenor": [60] * n,
        }
    )


def _run(cohorts: list[Any], **kw: Any) -> Any:
    n = len(cohorts)
    kw.setdefault("spread_table", FLAT)
    return simulate(_book(n), _firms(cohorts), np.full(6, 0.03), seed=0, **kw)


def test_user_cohort_all_is_refused_naming_the_column() -> None:
    with pytest.raises(InputError, match=r"firms\['cohort'\] uses the label 'all'"):
        _run(["all", "small"])


def test_the_total_is_always_last_and_distinct() -> None:
    res = _run(["big", "small", "big"])
    assert res.cohorts == ("big", "small", ALL_COHORTS)
    # hand calculation: interest is 5% of 100 for every firm over the 6 months (nothing
    # matures before month 24); EBIT 10, 20, 30 -> cohort coverage big (10+30)/(5+5) = 4,
    # small 20/5 = 4, all 60/15 = 4; the counts are 2, 1, 3 firms
    np.testing.assert_allclose(res.n_firms, [2.0, 1.0, 3.0])
    np.testing.assert_allclose(res.path_values("coverage")[0, 0], [4.0, 4.0, 4.0], rtol=1e-12)


def test_integer_cohorts_stay_integers() -> None:
    res = _run([2020, 2021, 2020])
    assert res.cohorts == (2020, 2021, ALL_COHORTS)
    assert all(type(c) is int for c in res.cohorts[:-1])
    frame = res.to_frame()
    cohorts = frame.index.get_level_values("cohort")
    assert list(dict.fromkeys(cohorts)) == [2020, 2021, "all"]
    wall = res.maturity_wall(freq="year")
    assert list(wall.columns) == [2020, 2021]
    # hand calculation: firm f0 (2020) matures at month 24 -> year bucket 2; f1 (2021) at 36
    # -> bucket 3; f2 (2020) at 48 -> bucket 4; 100 each
    assert wall.loc[2, 2020] == 100.0 and wall.loc[3, 2021] == 100.0 and wall.loc[4, 2020] == 100.0
    assert list(res.first_crossing(1.0).columns) == [2020, 2021, "all"]
    table = res.summary().tables["By cohort"]
    assert 2020 in list(table.columns) or 2020 in list(table.index)


def test_integer_cohorts_accept_a_spread_table_dict_keyed_by_integer() -> None:
    res = _run([1, 2], spread_table={1: FLAT, 2: FLAT})
    assert res.cohorts == (1, 2, "all")


def test_labels_that_print_alike_are_refused() -> None:
    with pytest.raises(InputError, match=r"firms\['cohort'\] has two labels that print alike"):
        _run([1, "1"])


def test_tuple_cohort_labels_survive_the_maturity_wall() -> None:
    res = _run([("us", "large"), ("eu", "small")])
    assert res.cohorts[:-1] == (("us", "large"), ("eu", "small"))
    wall = res.maturity_wall(freq="year")
    assert list(wall.columns) == [("us", "large"), ("eu", "small")]


# ------------------------------------------------------------------------ rotation "unmapped"
def test_user_sector_named_unmapped_is_refused_under_group() -> None:
    r = np.full((3, 3), 0.01)
    caps = np.ones((3, 3))
    with pytest.raises(InputError, match=r"sectors already uses the label 'unmapped'"):
        sector_returns(r, caps, ["unmapped", "tech", None], unmapped="group")
    # without a name to group, the user's own "unmapped" sector is just a sector
    out = sector_weights(pd.DataFrame(r), pd.DataFrame(caps), ["unmapped", "tech", "tech"])
    assert list(out.columns) == ["tech", "unmapped"]  # sorted labels
    np.testing.assert_allclose(out.iloc[1], [2 / 3, 1 / 3])


def test_integer_sector_labels_stay_integers() -> None:
    r = pd.DataFrame(np.full((3, 3), 0.01), columns=["a", "b", "c"])
    caps = pd.DataFrame(np.ones((3, 3)), columns=["a", "b", "c"])
    out = sector_returns(r, caps, {"a": 10, "b": 20, "c": 10})
    assert list(out.columns) == [10, 20]
    assert all(type(c) is int for c in out.columns)
