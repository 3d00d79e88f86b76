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
from divergence.errors import DataWarning, InputError
from divergence.refinancing import pass_through_month
from divergence.refinancing._result import _concat_results, cohort_labels


def _bullet(cohort: str = "large", **kw: object) -> rf.RefinancingResult:
    """One fixed bullet of 100 at 5%, refinanced at month 12 (base rate 2% then 6%)."""
    book, firms = _bullet_inputs(cohort)
    rates = rf.policy_path(0.02, [0.0, 0.04] + [0.0] * 22)
    return rf.simulate(book, firms, rates, seed=0, **kw)  # type: ignore[arg-type]


def _bullet_inputs(cohort: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The book and firms of :func:`_bullet`: one firm, EBIT 20, one fixed 100 at 5% to month 12."""
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
    return book, firms


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


# --------------------------------------------------------------------------- maturity ladder
BUCKETS = ["y1", "y2", "y3", "y4", "y5", "after5"]


def _ladder() -> pd.DataFrame:
    return pd.DataFrame(
        [[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], [1.0, 0.0, 0.0, 0.0, 0.0, 1.0]],
        columns=BUCKETS,
        index=["a", "b"],
    )


@pytest.mark.parametrize(
    ("ladder", "kwargs", "exc", "pattern"),
    [
        (_ladder().assign(y2=np.nan), {}, InputError, r"^ladder has 2 NaN value"),
        (_ladder().assign(y3=-1.0), {}, InputError, r"^ladder has 2 negative value"),
        (
            _ladder().drop(columns="after5"),
            {},
            InputError,
            r"^ladder is missing maturity column\(s\) \['after5'\]$",
        ),
        (
            _ladder() * 0.0,
            {},
            InputError,
            r"^ladder has no debt: every bucket of every firm is zero$",
        ),
        (_ladder().iloc[:0], {}, InputError, r"^ladder is empty$"),
        (
            _ladder().set_axis(["a", "a"]),
            {},
            InputError,
            r"^ladder's index must hold unique firm labels; 'a' repeats$",
        ),
        (
            _ladder().set_axis(["a", None]),
            {},
            InputError,
            r"^ladder has missing firm labels in its index$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": 0.5, "b": -0.25}, "spread": 0.02},
            InputError,
            r"^floating_share must lie in \[0, 1\]; got -0\.25 for firm 'b'$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": 0.0, "b": 1.5}, "spread": 0.02},
            InputError,
            r"^floating_share must lie in \[0, 1\]; got 1\.5 for firm 'b'$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": 1.0, "b": 1.25}, "spread": 0.02},
            InputError,
            r"^floating_share must lie in \[0, 1\]; got 1\.25 for firm 'b'$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": 1.5, "b": 0.5}, "spread": 0.02},
            InputError,
            r"^floating_share must lie in \[0, 1\]; got 1\.5 for firm 'a'$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": 0.0, "b": 0.5}},
            InputError,
            r"^spread is required when floating_share is positive$",
        ),
        (
            _ladder(),
            {"coupon": pd.Series({"a": 0.05})},
            InputError,
            r"^coupon has no value for 1 firm\(s\) of the ladder, first 'b'$",
        ),
        (
            _ladder(),
            {"coupon": {}},
            InputError,
            r"^coupon has no value for 2 firm\(s\) of the ladder, first 'a'$",
        ),
        (
            _ladder(),
            {"coupon": pd.Series([0.05, 0.04, 0.03], index=["a", "b", "a"])},
            InputError,
            r"^coupon has duplicate firm labels$",
        ),
        (_ladder(), {"coupon": np.nan}, InputError, r"^coupon has 2 NaN value"),
        (
            _ladder(),
            {"coupon": "5%"},
            TypeError,
            r"^coupon must be a number, or a Series or mapping keyed by firm, got str$",
        ),
        (
            _ladder(),
            {"coupon": [0.05, 0.05]},
            TypeError,
            r"^coupon must be a number, or a Series or mapping keyed by firm, got list$",
        ),
        (
            _ladder(),
            {"floating_share": {"a": np.nan, "b": 0.5}, "spread": 0.02},
            InputError,
            r"^floating_share has 1 NaN value",
        ),
        (
            _ladder(),
            {"floating_share": 0.5, "spread": {"a": 0.01}},
            InputError,
            r"^spread has no value for 1 firm\(s\) of the ladder, first 'b'$",
        ),
        (_ladder(), {"tenor": 0}, InputError, r"^tenor must be >= 1, got 0$"),
        (_ladder(), {"reset_months": 0}, InputError, r"^reset_months must be >= 1, got 0$"),
        (
            _ladder(),
            {"reset_months": pd.Series({"a": 1.5, "b": 3})},
            InputError,
            r"^reset_months must be a whole number of months >= 1; got 1\.5 for firm 'a'$",
        ),
        (
            _ladder(),
            {"tenor": {"a": 12, "b": 0}},
            InputError,
            r"^tenor must be a whole number of months >= 1; got 0 for firm 'b'$",
        ),
        (
            _ladder(),
            {"tenor": {"a": 12, "b": np.nan}},
            InputError,
            r"^tenor has 1 NaN value",
        ),
        (
            _ladder(),
            {"tranches_per_year": 5},
            InputError,
            r"^tranches_per_year must divide 12 \(one of \[1, 2, 3, 4, 6, 12\]\), got 5$",
        ),
        (
            _ladder(),
            {"tranches_per_year": 0},
            InputError,
            r"^tranches_per_year must be >= 1, got 0$",
        ),
        (
            _ladder(),
            {"tranches_per_year": 24},
            InputError,
            r"^tranches_per_year must be <= 12, got 24$",
        ),
        (_ladder(), {"after5_years": 0}, InputError, r"^after5_years must be >= 1, got 0$"),
        (_ladder(), {"after5_years": 101}, InputError, r"^after5_years must be <= 100, got 101$"),
        (
            _ladder(),
            {"columns": [("A", "y1")]},
            TypeError,
            r"^columns must be a mapping, got list$",
        ),
        (_ladder().to_numpy(), {}, TypeError, r"^ladder must be a DataFrame, got ndarray$"),
    ],
)
def test_ladder_messages(
    ladder: object, kwargs: dict[str, object], exc: type, pattern: str
) -> None:
    """Kills the message, argument-name and branch mutants of the ladder checks."""
    kw: dict[str, object] = {"coupon": 0.05, **kwargs}
    with pytest.raises(exc, match=pattern):
        rf.DebtBook.from_maturity_ladder(ladder, **kw)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- maturity wall
def _two_cohorts(**kw: object) -> rf.RefinancingResult:
    """Firm x (cohort B, a floating 40 due month 30) listed first in the book, firm y
    (cohort A, a fixed 60 due month 5) first in the firms frame: cohorts are ('A', 'B')."""
    book = pd.DataFrame(
        {
            "firm": ["x", "y"],
            "principal": [40.0, 60.0],
            "kind": ["floating", "fixed"],
            "coupon": [0.03, 0.05],
            "spread": [0.01, np.nan],
            "reset_months": [3, np.nan],
            "maturity": [30, 5],
            "tenor": [60, 60],
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["y", "x"],
            "ebit": [20.0, 10.0],
            "growth": [0.0, 0.0],
            "volatility": [0.0, 0.0],
            "cohort": ["A", "B"],
        }
    )
    return rf.simulate(book, firms, np.full(6, 0.03), seed=0, **kw)  # type: ignore[arg-type]


def test_maturity_wall_orders_columns_by_cohort_and_kind() -> None:
    """Kills the dropped column order: pivot columns follow the book, the wall the cohorts."""
    res = _two_cohorts()
    assert res.cohorts == ("A", "B", "all")
    # month 5 is in year 1, month 30 in year 3 ((30 - 1) // 12 + 1); year 2 is empty
    wall = res.maturity_wall()
    assert list(wall.columns) == ["A", "B"] and wall.columns.name == "cohort"
    assert wall.index.name == "year" and wall.index.tolist() == [1, 2, 3]
    assert wall.to_numpy().tolist() == [[60.0, 0.0], [0.0, 0.0], [0.0, 40.0]]
    kind = res.maturity_wall(by="kind")
    assert list(kind.columns) == ["fixed", "floating"] and kind.columns.name == "kind"
    assert kind.to_numpy().tolist() == [[60.0, 0.0], [0.0, 0.0], [0.0, 40.0]]
    # quarters: month 5 in quarter 2, month 30 in quarter 10
    q = res.maturity_wall(freq="quarter")
    assert q.index.name == "quarter" and q.index.tolist() == list(range(1, 11))
    assert q.loc[2, "A"] == 60.0 and q.loc[10, "B"] == 40.0 and q.to_numpy().sum() == 100.0
    m = res.maturity_wall(freq="month", by="kind")
    assert m.index.tolist() == list(range(1, 31))
    assert m.loc[5, "fixed"] == 60.0 and m.loc[30, "floating"] == 40.0


# --------------------------------------------------------------------------- summaries by month
def _negative_rate(n_paths: int = 2) -> rf.RefinancingResult:
    """A floating 100 at base 0 - 2%: interest is negative, so coverage is +inf every month."""
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["floating"],
            "coupon": [-0.01],
            "spread": [-0.02],
            "reset_months": [1],
            "maturity": [60],
            "tenor": [60],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [20.0], "growth": [0.0], "volatility": [0.0], "cohort": ["c"]}
    )
    return rf.simulate(book, firms, np.zeros((n_paths, 3)), n_paths=n_paths, seed=0)


def test_quantile_checks_name_the_argument() -> None:
    """Kills the ndim, allow_nan and message mutants of the quantile check."""
    res = _bullet()
    cases: list[tuple[object, str]] = [
        ([[0.1], [0.5]], r"^quantiles must be 1-D, got a 2-D input of shape \(2, 1\)$"),
        ([0.5, np.nan], r"^quantiles has 1 NaN value\(s\) where none are allowed"),
        ([0.5, 0.5], r"^quantiles must be distinct \(one column each\), got \[0\.5, 0\.5\]$"),
        ([0.5, 1.5], r"^quantiles must lie in \[0, 1\]$"),
        ([-0.1], r"^quantiles has 1 negative value"),
    ]
    for q, pattern in cases:
        with pytest.raises(InputError, match=pattern):
            res.to_frame(quantiles=q)  # type: ignore[arg-type]
        with pytest.raises(InputError, match=pattern):
            res.share_below(1.0, quantiles=q)  # type: ignore[arg-type]
    # the bounds themselves are quantiles: 0 and 1 are the minimum and maximum over paths
    frame = res.to_frame(quantiles=(0.0, 1.0))
    assert list(frame["interest"].columns) == ["mean", "q0", "q1"]


def test_infinite_coverage_summaries_do_not_warn() -> None:
    """Kills the dropped errstate of the summaries: +inf coverage on every path is silent."""
    res = _negative_rate()
    assert np.isposinf(res.path_values("coverage")).all()
    frame = res.to_frame()  # filterwarnings = error: an "invalid value" warning would fail
    assert np.isposinf(frame[("coverage", "mean")]).all()
    # no cohort is ever below any threshold: shares are 0 (one firm, 100 of debt)
    assert (frame[("debt_at_risk_share", "mean")] == 0.0).all()
    assert frame.index.get_level_values("cohort").unique().tolist() == ["c", "all"]


# --------------------------------------------------------------------------- company facts
LADDER_TAGS = [
    "LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths",
    "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearTwo",
    "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearThree",
    "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFour",
    "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFive",
    "LongTermDebtMaturitiesRepaymentsOfPrincipalAfterYearFive",
]


def _f(
    end: str,
    val: object,
    *,
    start: str | None = None,
    form: str = "10-K",
    accn: str = "A-23",
    filed: str = "2024-02-01",
) -> dict[str, object]:
    fact: dict[str, object] = {"end": end, "val": val, "accn": accn, "form": form}
    fact["filed"] = filed
    if start is not None:
        fact["start"] = start
    return fact


def _facts(
    name: str = "Acme Corp", cik: int = 42, /, **extra: list[dict[str, object]]
) -> dict[str, object]:
    """One 10-K at 2023-12-31: ladder 10, 20, 30, 0, 40, 100 (sum 200), long-term debt 200,
    EBIT 30 and interest 10 over calendar 2023 (364 days), plus ``extra`` tags (a tag given
    an empty list is dropped)."""
    tags: dict[str, list[dict[str, object]]] = {
        tag: [_f("2023-12-31", v)]
        for tag, v in zip(LADDER_TAGS, [10.0, 20.0, 30.0, 0.0, 40.0, 100.0], strict=True)
    }
    tags["LongTermDebt"] = [_f("2023-12-31", 200.0)]
    tags["OperatingIncomeLoss"] = [_f("2023-12-31", 30.0, start="2023-01-01")]
    tags["InterestExpense"] = [_f("2023-12-31", 10.0, start="2023-01-01")]
    tags.update(extra)
    gaap = {tag: {"units": {"USD": facts}} for tag, facts in tags.items() if facts}
    return {"cik": cik, "entityName": name, "facts": {"us-gaap": gaap}}


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"facts": 3}, TypeError, r"^facts must be a company-facts dict, a path, or a list of "
         r"them; got int$"),
        ({"facts": []}, InputError, r"^facts is empty$"),
        ({"facts": [_facts(), 3]}, TypeError, r"^facts must be a company-facts dict, a path to a "
         r"\.json or \.json\.gz file, or a list of them; got int at position 1$"),
        ({"facts": [_facts(), {"cik": 1}]}, InputError, r"^facts\[1\] is not an SEC "
         r"company-facts document \(no 'facts' key\)$"),
        ({"facts": [_facts(), [1]]}, TypeError, r"got list at position 1$"),
        ({"period_end": "not a date"}, InputError, r"^period_end must be a date, got 'not a "
         r"date'$"),
        ({"period_end": pd.NaT}, InputError, r"^period_end must be a date, got NaT$"),
        ({"growth": -5.5}, InputError, r"^growth must be >= -5\.0, got -5\.5$"),
        ({"growth": 5.5}, InputError, r"^growth must be <= 5\.0, got 5\.5$"),
        ({"volatility": -0.1}, InputError, r"^volatility must be >= 0\.0, got -0\.1$"),
        ({"volatility": 5.5}, InputError, r"^volatility must be <= 5\.0, got 5\.5$"),
        ({"interest_expense": 5.0}, TypeError, r"^interest_expense must be a mapping or Series "
         r"keyed by entityName or CIK, got float$"),
        ({"interest_expense": {"Acme Corp": "5"}}, TypeError, r"^interest_expense\['Acme "
         r"Corp'\] must be a real number, got str$"),
        ({"interest_expense": {42: np.inf}}, InputError, r"^interest_expense\['Acme Corp'\] "
         r"must be a finite number, got inf$"),
        ({"facts": [_facts(), _facts("Acme Corp", 43)]}, InputError,
         r"^facts holds 'Acme Corp' more than once$"),
        ({"facts": [_facts(), _facts("Beta", 7)], "cohort": {"Acme Corp": "x"}}, InputError,
         r"^cohort has no label for 'Beta'$"),
        ({"cohort": 3}, TypeError, r"^cohort must be a str or a mapping, got int$"),
    ],
)  # fmt: skip
def test_company_facts_messages(kwargs: dict[str, object], exc: type, pattern: str) -> None:
    """Kills the message, argument-name and position mutants of the company-facts checks."""
    kw: dict[str, object] = {"facts": _facts(), **kwargs}
    with pytest.raises(exc, match=pattern):
        rf.book_from_company_facts(**kw)  # type: ignore[arg-type]


def test_company_facts_file_messages(tmp_path: object) -> None:
    """Kills the position and path mutants of the file reader."""
    import json
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_facts()))
    missing = tmp_path / "missing.json"
    with pytest.raises(InputError, match=rf"^facts\[1\]: no such file {str(missing)!r}$"):
        rf.book_from_company_facts([good, missing])
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(
        InputError, match=r"^facts\[0\]: '.*bad\.json' is not a \(gzip\) JSON file: "
    ):
        rf.book_from_company_facts(str(bad))
    text = tmp_path / "list.json"
    text.write_text("[1, 2]")
    with pytest.raises(
        InputError, match=r"^facts\[0\] is not an SEC company-facts document \(no 'facts' key\)$"
    ):
        rf.book_from_company_facts(text)
    # a plain .json path and a str path read the same document
    book, firms = rf.book_from_company_facts([str(good)])
    assert firms["firm"].tolist() == ["Acme Corp"] and book["principal"].sum() == pytest.approx(200)


def test_company_facts_values_and_provenance() -> None:
    """Kills the column, source and attrs mutants: every number is the fact given above."""
    book, firms = rf.book_from_company_facts(
        [_facts(), _facts("Beta", 7)], cohort="all firms", tranches_per_year=1, growth=0.01
    )
    assert list(firms.columns) == [
        "firm", "ebit", "growth", "volatility", "cohort", "cik", "period_end", "accession",
        *BUCKETS, "long_term_debt", "interest_expense", "interest_source", "coupon",
    ]  # fmt: skip
    row = firms.iloc[1]
    assert row["firm"] == "Beta" and row["cik"] == 7 and row["cohort"] == "all firms"
    assert row["period_end"] == pd.Timestamp("2023-12-31") and row["accession"] == "A-23"
    assert [row[b] for b in BUCKETS] == [10.0, 20.0, 30.0, 0.0, 40.0, 100.0]
    assert row["ebit"] == 30.0 and row["long_term_debt"] == 200.0
    assert row["interest_expense"] == 10.0 and row["interest_source"] == "InterestExpense"
    assert row["coupon"] == 10.0 / 200.0 and row["growth"] == 0.01 and row["volatility"] == 0.0
    assert book.attrs["source"] == (
        "SEC XBRL company facts: Acme Corp (accession A-23), Beta (accession A-23)"
    )
    # one tranche a year: y1 at month 12, y2 at 24, y3 at 36, y5 at 60, after5 at 72 ... 120
    acme = book[book["firm"] == "Acme Corp"]
    assert acme["maturity"].tolist() == [12, 24, 36, 60, 72, 84, 96, 108, 120]
    assert acme["principal"].tolist() == [10.0, 20.0, 30.0, 40.0, 20.0, 20.0, 20.0, 20.0, 20.0]
    assert (acme["coupon"] == 0.05).all() and (acme["tenor"] == 120).all()
    # the default cohort is the entity name; a mapping picks one per firm
    _, named = rf.book_from_company_facts([_facts(), _facts("Beta", 7)])
    assert named["cohort"].tolist() == ["Acme Corp", "Beta"]
    _, mapped = rf.book_from_company_facts(
        [_facts(), _facts("Beta", 7)], cohort={"Beta": "b", "Acme Corp": "a"}
    )
    assert mapped["cohort"].tolist() == ["a", "b"]


def test_company_facts_read_rules() -> None:
    """Kills the form, duration-window, instant and value-parsing mutants of the fact reader."""
    ebit = "OperatingIncomeLoss"
    # 10-K/A is an annual form; a 10-Q value of the same date is ignored
    _, firms = rf.book_from_company_facts(
        _facts(**{ebit: [_f("2023-12-31", 31.0, start="2023-01-01", form="10-K/A"),
                         _f("2023-12-31", 99.0, start="2023-01-01", form="10-Q")]})
    )  # fmt: skip
    assert firms.loc[0, "ebit"] == 31.0
    # a duration of 350 or 380 days is a fiscal year (2023-12-31 minus 350 days is 2023-01-15)
    for start in ("2023-01-15", "2022-12-16"):
        _, firms = rf.book_from_company_facts(
            _facts(**{ebit: [_f("2023-12-31", 7.0, start=start)]})
        )
        assert firms.loc[0, "ebit"] == 7.0
    # 349 and 381 days are not; nor is a fact without a start date, nor a non-number
    message = (
        r"^Acme Corp \(CIK 42\): no 10-K value of us-gaap tag 'OperatingIncomeLoss' for the "
        r"fiscal year ending 2023-12-31$"
    )
    for fact in (
        _f("2023-12-31", 7.0, start="2023-01-16"),
        _f("2023-12-31", 7.0, start="2022-12-15"),
        _f("2023-12-31", 7.0),
        _f("2023-12-31", "n/a", start="2023-01-01"),
        _f("2023-12-31", 7.0, start="2023-01-01", form="10-Q"),
    ):
        with pytest.raises(InputError, match=message):
            rf.book_from_company_facts(_facts(**{ebit: [fact]}))
    # an instant fact with a start date is not a balance
    with pytest.raises(
        InputError,
        match=r"^Acme Corp \(CIK 42\): no 10-K value of us-gaap tag 'LongTermDebt' at 2023-12-31$",
    ):
        rf.book_from_company_facts(
            _facts(LongTermDebt=[_f("2023-12-31", 200.0, start="2023-01-01")])
        )
    # no next-twelve-months value at all: the latest date cannot be found
    with pytest.raises(
        InputError,
        match=r"^Beta \(CIK 7\): no 10-K value of us-gaap tag "
        r"'LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths'$",
    ):
        rf.book_from_company_facts([_facts(), _facts("Beta", 7, **{LADDER_TAGS[0]: []})])
    # the second filer misses a bucket: its name is in the message, not the first one's
    with pytest.raises(
        InputError,
        match=r"^Beta \(CIK 7\): no 10-K value of us-gaap tag "
        r"'LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFour' at 2023-12-31$",
    ):
        rf.book_from_company_facts([_facts(), _facts("Beta", 7, **{LADDER_TAGS[3]: []})])
    # a document without a name or CIK is named by question marks
    anon = _facts()
    del anon["entityName"], anon["cik"]
    with pytest.raises(InputError, match=r"^\? \(CIK \?\): no 10-K value of us-gaap tag 'Long"):
        rf.book_from_company_facts(anon, period_end="2020-12-31")


def test_company_facts_interest_fallbacks_in_order() -> None:
    """Kills the tag-order, fill, stale-ranking and warning-text mutants of the interest reader."""
    no_ie: dict[str, list[dict[str, object]]] = {"InterestExpense": []}
    both = _facts(
        **no_ie,
        InterestExpenseNonoperating=[_f("2023-12-31", 12.0, start="2023-01-01")],
        InterestExpenseDebt=[_f("2023-12-31", 14.0, start="2023-01-01")],
    )
    _, firms = rf.book_from_company_facts(both)
    assert firms.loc[0, "interest_source"] == "InterestExpenseNonoperating"
    assert firms.loc[0, "interest_expense"] == 12.0
    debt_only = _facts(**no_ie, InterestExpenseDebt=[_f("2023-12-31", 14.0, start="2023-01-01")])
    _, firms = rf.book_from_company_facts(debt_only)
    assert firms.loc[0, "interest_source"] == "InterestExpenseDebt"
    assert firms.loc[0, "coupon"] == 14.0 / 200.0
    # stale: no interest for 2023; earlier years 2021 and 2022 with debt on those dates. The
    # preferred tag wins over a later year of another tag; within a tag the latest year wins.
    stale = _facts(
        **no_ie,
        InterestExpenseDebt=[_f("2022-12-31", 50.0, start="2022-01-01")],
        InterestExpenseNonoperating=[
            _f("2021-12-31", 6.0, start="2021-01-01"),
            _f("2022-12-31", 8.0, start="2022-01-01"),
            _f("2019-12-31", 9.0, start="2019-01-01"),  # no debt that year: not a candidate
        ],
        LongTermDebt=[
            _f("2023-12-31", 200.0),
            _f("2022-12-31", 160.0),
            _f("2021-12-31", 150.0),
            _f("2020-12-31", 0.0),
        ],
    )
    message = (
        r"^Acme Corp \(CIK 42\): no interest expense tagged for the fiscal year ending "
        r"2023-12-31 \(tags \['InterestExpense', 'InterestExpenseNonoperating', "
        r"'InterestExpenseDebt'\]\); using the rate implied by InterestExpenseNonoperating / "
        r"LongTermDebt of the fiscal year ending 2022-12-31 \(5\.0000%\)\. Pass "
        r"interest_expense= to give this year's value\.$"
    )
    with pytest.warns(DataWarning, match=message):
        _, firms = rf.book_from_company_facts(stale)
    # rate 8 / 160 = 5%, applied to this year's debt of 200: interest 10
    assert firms.loc[0, "coupon"] == 8.0 / 160.0
    assert firms.loc[0, "interest_expense"] == pytest.approx(10.0, rel=1e-15)
    assert firms.loc[0, "interest_source"] == "InterestExpenseNonoperating 2022-12-31 (stale)"
    # only a year whose debt is zero: no candidate at all
    zero_debt = _facts(
        InterestExpense=[_f("2020-12-31", 9.0, start="2020-01-01")],
        LongTermDebt=[_f("2023-12-31", 200.0), _f("2020-12-31", 0.0)],
    )
    with pytest.raises(
        InputError,
        match=r"^Acme Corp \(CIK 42\): no 10-K value of us-gaap tag 'InterestExpense' \(nor "
        r"\['InterestExpenseNonoperating', 'InterestExpenseDebt'\]\) for the fiscal year ending "
        r"2023-12-31 or any earlier one; pass interest_expense=$",
    ):
        rf.book_from_company_facts(zero_debt)
    # a later year is not a candidate for an earlier balance-sheet date
    later = _facts(InterestExpense=[_f("2024-12-31", 9.0, start="2024-01-01")])
    later["facts"]["us-gaap"]["LongTermDebt"]["units"]["USD"].append(_f("2024-12-31", 90.0))  # type: ignore[index]
    with pytest.raises(InputError, match=r"or any earlier one; pass interest_expense=$"):
        rf.book_from_company_facts(later, period_end="2023-12-31")
    # an override by name or by CIK wins over tags, silently
    _, by_name = rf.book_from_company_facts(stale, interest_expense={"Acme Corp": 16.0})
    _, by_cik = rf.book_from_company_facts(stale, interest_expense=pd.Series({42: 16.0}))
    for f in (by_name, by_cik):
        assert f.loc[0, "coupon"] == 16.0 / 200.0
        assert f.loc[0, "interest_source"] == "interest_expense argument"


def test_company_facts_restatements_and_same_day_spans() -> None:
    """Kills the filed-column, drop_duplicates subset and keep mutants of the fact reader."""
    ebit = "OperatingIncomeLoss"
    # a restatement (filed 2025-02-01) listed before the original filing (2024-02-01) still
    # wins: EBIT 33, not 30. The y1 bucket is reported again, unchanged, by the 2025 filing:
    # its value stays 10 and its accession is the earliest filing of that value, A-23.
    restated = _facts(
        **{
            ebit: [
                _f("2023-12-31", 33.0, start="2023-01-01", filed="2025-02-01", accn="A-24"),
                _f("2023-12-31", 30.0, start="2023-01-01"),
            ],
            LADDER_TAGS[0]: [
                _f("2023-12-31", 10.0, filed="2025-02-01", accn="A-24"),
                _f("2023-12-31", 10.0),
            ],
        }
    )
    _, firms = rf.book_from_company_facts(restated)
    assert firms.loc[0, "ebit"] == 33.0
    assert firms.loc[0, "y1"] == 10.0 and firms.loc[0, "accession"] == "A-23"
    # the accession is the y1 bucket's, not that of another bucket (after5 tagged by A-99)
    mixed = _facts(**{LADDER_TAGS[5]: [_f("2023-12-31", 100.0, accn="A-99")]})
    _, firms = rf.book_from_company_facts(mixed)
    assert firms.loc[0, "accession"] == "A-23" and firms.loc[0, "after5"] == 100.0
    # two fiscal-year spans ending on the same day (364 and 360 days): one value per date,
    # the latest filed one (31, filed 2024-03-01), whichever order they are listed in
    for order in (1, -1):
        spans = [
            _f("2023-12-31", 31.0, start="2023-01-05", filed="2024-03-01"),
            _f("2023-12-31", 30.0, start="2023-01-01"),
        ][::order]
        _, firms = rf.book_from_company_facts(_facts(**{ebit: spans}))
        assert firms["ebit"].tolist() == [31.0]


def test_company_facts_stale_rate_on_a_debt_below_one() -> None:
    """Kills the debt > 0 boundary mutant of the stale fallback: any positive debt is a
    candidate, even one below one dollar."""
    small = _facts(
        InterestExpense=[_f("2022-12-31", 0.04, start="2022-01-01")],
        LongTermDebt=[_f("2023-12-31", 200.0), _f("2022-12-31", 0.5)],
    )
    with pytest.warns(DataWarning, match=r"InterestExpense / LongTermDebt of the fiscal year "):
        _, firms = rf.book_from_company_facts(small)
    # rate 0.04 / 0.5 = 8%, applied to this year's debt of 200: interest 16
    assert firms.loc[0, "coupon"] == 0.04 / 0.5
    assert firms.loc[0, "interest_expense"] == pytest.approx(16.0, rel=1e-15)
    assert firms.loc[0, "interest_source"] == "InterestExpense 2022-12-31 (stale)"


def test_company_facts_default_growth_and_reset() -> None:
    """Kills the default-value mutants of growth and reset_months: EBIT is held flat (growth
    0) and floating tranches reset every 3 months, as documented."""
    book, firms = rf.book_from_company_facts(_facts(), floating_share=0.5, spread=0.02)
    assert firms.loc[0, "growth"] == 0.0 and firms.loc[0, "volatility"] == 0.0
    floating = book[book["kind"] == "floating"]
    # half of the 200 of debt is floating
    assert floating["principal"].sum() == pytest.approx(100.0, rel=1e-12)
    assert (floating["reset_months"] == 3).all()


def test_company_facts_pass_reset_and_after5_years_on() -> None:
    """Kills the mutants that drop reset_months or after5_years from the ladder call."""
    book, _ = rf.book_from_company_facts(
        _facts(),
        floating_share=0.5,
        spread=0.02,
        reset_months=6,
        after5_years=2,
        tranches_per_year=1,
    )
    # one tranche a year: y1 .. y5 at 12, 24, 36, (48: y4 is 0), 60; after5 (100) over two
    # years at 72 and 84, 50 each, half fixed and half floating
    fixed = book[book["kind"] == "fixed"]
    floating = book[book["kind"] == "floating"]
    assert fixed["maturity"].tolist() == [12, 24, 36, 60, 72, 84]
    assert fixed["principal"].tolist() == [5.0, 10.0, 15.0, 20.0, 25.0, 25.0]
    assert floating["maturity"].tolist() == [12, 24, 36, 60, 72, 84]
    assert (floating["reset_months"] == 6).all()


def test_company_facts_skip_malformed_json() -> None:
    """Kills the isinstance(..., Mapping) and errors="coerce" mutants of the fact reader: a
    facts, us-gaap, tag, units or fact entry that is not a mapping, and an unparsable date,
    are skipped, not raised on."""
    junk = _facts()
    gaap = junk["facts"]["us-gaap"]  # type: ignore[index]
    gaap["InterestExpenseNonoperating"] = {"units": ["USD"]}
    gaap["InterestExpenseDebt"] = ["not", "a", "mapping"]
    gaap["OperatingIncomeLoss"]["units"]["USD"] += [3, _f("sometime", 99.0, start="2023-01-01")]
    _, firms = rf.book_from_company_facts(junk)
    # the clean document's numbers: EBIT 30, interest 10 of InterestExpense on debt 200
    assert firms.loc[0, "ebit"] == 30.0
    assert firms.loc[0, "interest_expense"] == 10.0
    assert firms.loc[0, "interest_source"] == "InterestExpense"
    assert firms.loc[0, "coupon"] == 10.0 / 200.0
    # a document whose facts (or us-gaap) is not a mapping has no facts: named in the error
    message = (
        r"^Beta \(CIK 7\): no 10-K value of us-gaap tag "
        r"'LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths'$"
    )
    empties: list[object] = [[], {"us-gaap": []}]
    for empty in empties:
        beta = {"cik": 7, "entityName": "Beta", "facts": empty}
        with pytest.raises(InputError, match=message):
            rf.book_from_company_facts([_facts(), beta])


# --------------------------------------------------------------------------- path values
def _debt_free_cohort_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Firm a (cohort A): a fixed 100 at 5% due at month 2, EBIT 2; firm z (cohort Z): no debt,
    EBIT 5."""
    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["fixed"],
            "coupon": [0.05],
            "maturity": [2],
            "tenor": [60],
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["a", "z"],
            "ebit": [2.0, 5.0],
            "growth": [0.0, 0.0],
            "volatility": [0.0, 0.0],
            "cohort": ["A", "Z"],
        }
    )
    return book, firms


def _with_debt_free_cohort(**kw: object) -> rf.RefinancingResult:
    """The inputs above on a base rate of 3% for 4 months, Damodaran's large-firm table
    (the default)."""
    book, firms = _debt_free_cohort_inputs()
    return rf.simulate(book, firms, np.full(4, 0.03), seed=0, **kw)  # type: ignore[arg-type]


def test_path_values_closed_form_with_a_debt_free_cohort() -> None:
    """Kills the _divide mutants (a zero denominator is NaN, silently) and the statistic map.

    Interest of a: 100 * 5% = 5 in months 0-1, coverage 2 / 5 = 0.4. At month 2 it refinances
    at 3% + the spread of coverage 2 / (100 * (3% + 19%)) = 0.09 < 0.2 (band D, 19%, a fixed
    point): interest 22. Cohort "all" adds z's EBIT: (2 + 5) / 5 = 1.4, then 7 / 22.
    """
    res = _with_debt_free_cohort()
    nan = np.nan
    cases: dict[str, list[list[float]]] = {
        "interest": [[5.0, 0.0, 5.0]] * 2 + [[22.0, 0.0, 22.0]] * 2,
        "ebit": [[2.0, 5.0, 7.0]] * 4,
        "coverage": [[0.4, np.inf, 1.4]] * 2 + [[2 / 22, np.inf, 7 / 22]] * 2,
        # repriced at month 2; cohort Z has no debt: 0 / 0 is NaN
        "repriced_share": [[0.0, nan, 0.0]] * 2 + [[1.0, nan, 1.0]] * 2,
        # coverage < 1 for 3 consecutive months (months 0, 1, 2): flagged from month 2
        "distressed_share": [[0.0, 0.0, 0.0]] * 2 + [[1.0, 0.0, 0.5]] * 2,
        "distressed_debt_share": [[0.0, nan, 0.0]] * 2 + [[1.0, nan, 1.0]] * 2,
        "debt_at_risk": [[100.0, 0.0, 100.0]] * 4,
        "debt_at_risk_share": [[1.0, nan, 1.0]] * 4,
    }
    for stat, expected in cases.items():
        got = res.path_values(stat)
        assert got.shape == (1, 4, 3), stat
        np.testing.assert_allclose(got[0], expected, rtol=1e-12, err_msg=stat)
    # copies: writing into a returned array changes nothing kept
    for stat in cases:
        res.path_values(stat)[...] = -1.0
    np.testing.assert_allclose(res.path_values("interest")[0, :, 0], [5.0, 5.0, 22.0, 22.0])
    np.testing.assert_allclose(res.path_values("repriced_share")[0, :, 0], [0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(res.path_values("debt_at_risk")[0, :, 0], [100.0] * 4)
    assert res.path_values("ebit")[0, 0, 1] == pytest.approx(5.0, rel=1e-12)
    with pytest.raises(InputError, match=r"^statistic must be one of \['interest', 'ebit', "):
        res.path_values("icr")
    # shares below a kept threshold, by count and by debt (Z: no debt, NaN)
    by_count = res.share_below(1.0)
    assert by_count.loc[("A", 0), "mean"] == 1.0 and by_count.loc[("Z", 0), "mean"] == 0.0
    assert by_count.loc[("all", 3), "mean"] == 0.5
    by_debt = res.share_below(1.0, weight="debt")
    # rows are (A, 0) ... (A, 3), then (Z, 0): position 4
    assert by_debt.loc[("A", 0), "mean"] == 1.0 and np.isnan(by_debt["mean"].to_numpy()[4])
    assert by_debt.loc[("all", 0), "mean"] == 1.0
    # first month below: a is below 1 from month 0; "all" (1.4, then 0.32) from month 2
    first = res.first_crossing(1.0)
    assert first.loc[0, "A"] == 0.0 and np.isnan(first["Z"].to_numpy()[0])
    assert first.loc[0, "all"] == 2.0 and first.index.name == "path"


def test_ladder_tranches_by_the_documented_rule() -> None:
    """Kills the remainder, split, boundary and minimum mutants of the ladder builder."""
    lad = pd.DataFrame([[1.0, 0.0, 0.0, 0.0, 0.0, 0.0]], columns=BUCKETS, index=["a"])
    book = rf.DebtBook.from_maturity_ladder(lad, coupon=0.05, reset_months=1, tenor=1)
    # y1 = 1 in 12 monthly tranches of 1/12; the last takes the remainder 1 - 11 * (1/12),
    # which is not the float 1/12
    assert book.maturity.tolist() == list(range(1, 13))
    assert book.principal[:11].tolist() == [1.0 / 12] * 11
    assert book.principal[11] == 1.0 - 11 * (1.0 / 12) != 1.0 / 12
    assert book.tenor.tolist() == [1] * 12
    # a floating share of 1/4 on a yearly tranche of 8: 2 floating, 8 - 2 = 6 fixed; the
    # bounds 0 and 1 of floating_share are allowed; reset_months = 1 is a whole month
    lad2 = pd.DataFrame(
        [[8.0, 0.0, 0.0, 0.0, 0.0, 0.0]] * 3, columns=BUCKETS, index=["q", "none", "all"]
    )
    split = rf.DebtBook.from_maturity_ladder(
        lad2,
        coupon=0.05,
        floating_share={"q": 0.25, "none": 0.0, "all": 1.0},
        spread=0.02,
        reset_months=1,
        tranches_per_year=1,
    ).to_frame()
    assert split["firm"].tolist() == ["q", "q", "none", "all"]
    assert split["kind"].tolist() == ["fixed", "floating", "fixed", "floating"]
    assert split["principal"].tolist() == [6.0, 2.0, 8.0, 8.0]
    assert split["reset_months"].tolist() == [0, 1, 0, 1]
    assert split["first_reset"].tolist() == [0, 1, 0, 1]
    assert split["spread"].isna().tolist() == [True, False, True, False]
    # a part of exactly 1e-100 (the smallest positive principal) is kept, one below is not
    tiny = pd.DataFrame([[1e-100, 0.0, 0.0, 0.0, 0.0, 0.0]], columns=BUCKETS, index=["t"])
    kept = rf.DebtBook.from_maturity_ladder(tiny, coupon=0.05, tranches_per_year=1)
    assert kept.principal.tolist() == [1e-100] and kept.maturity.tolist() == [12]
    dust = pd.DataFrame(
        [[5e-101, 0.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0, 0, 0, 0, 0]], columns=BUCKETS, index=["d", "e"]
    )
    assert rf.DebtBook.from_maturity_ladder(dust, coupon=0.05).firm.tolist() == ["e"] * 12
    # half-yearly tranches of after5 over 2 years: months 66, 72, 78, 84
    late = pd.DataFrame([[0.0, 0.0, 0.0, 0.0, 0.0, 4.0]], columns=BUCKETS, index=["l"])
    book = rf.DebtBook.from_maturity_ladder(late, coupon=0.05, tranches_per_year=2, after5_years=2)
    assert book.maturity.tolist() == [66, 72, 78, 84]
    assert book.principal.tolist() == [1.0, 1.0, 1.0, 1.0]
    assert book.maturity.dtype == np.int64


# --------------------------------------------------------------------------- summary and repr
def _two_rate_paths(**kw: object) -> rf.RefinancingResult:
    """The book of _with_debt_free_cohort on two rate paths: 3% and 8% flat for 4 months."""
    plain = _with_debt_free_cohort()
    book, firms = _debt_free_cohort_inputs()
    rates = np.array([[0.03] * 4, [0.08] * 4])
    res = rf.simulate(book, firms, rates, n_paths=2, seed=0, **kw)  # type: ignore[arg-type]
    assert res.spread_source == plain.spread_source
    return res


def test_summary_closed_form() -> None:
    """Kills the settings, table-row and note mutants of RefinancingResult.summary.

    Firm a refinances at month 2 at the base rate + 19% (band D): interest 22 on the 3% path
    and 27 on the 8% path, from 5 before. Coverage at the end: 2/22 and 2/27 (cohort A), 7/22
    and 7/27 (all); the median of two paths is their mean, the q-quantile lo + q (hi - lo).
    """
    from divergence._summary import format_value

    s = _two_rate_paths().summary()
    assert s.title == "Refinancing simulation"
    table = s.tables["By cohort"]
    assert list(table.columns) == ["A", "Z", "all"] and table.columns.name == "cohort"
    assert table.index.name == "statistic"
    assert table.index.tolist() == [
        "firms", "debt", "coverage_start", "coverage_end", "coverage_end_q05",
        "coverage_end_q95", "interest_change", "repriced_share", "debt_at_risk_share",
        "distressed_share",
    ]  # fmt: skip
    col_a, col_all = table["A"], table["all"]
    assert table.T["firms"].tolist() == [1, 1, 2] and table.T["debt"].tolist() == [100, 0, 100]
    assert (
        col_a["coverage_start"] == pytest.approx(0.4) and table.loc["coverage_start", "Z"] == np.inf
    )
    assert col_all["coverage_start"] == pytest.approx(1.4)
    for col, e in ((col_a, 2.0), (col_all, 7.0)):
        lo, hi = e / 27, e / 22
        assert col["coverage_end"] == pytest.approx((lo + hi) / 2, rel=1e-12)
        assert col["coverage_end_q05"] == pytest.approx(lo + 0.05 * (hi - lo), rel=1e-12)
        assert col["coverage_end_q95"] == pytest.approx(lo + 0.95 * (hi - lo), rel=1e-12)
        # mean over paths of 22 / 5 and 27 / 5, minus 1
        assert col["interest_change"] == pytest.approx((22 / 5 + 27 / 5) / 2 - 1, rel=1e-12)
        assert col["repriced_share"] == 1.0 and col["debt_at_risk_share"] == 1.0
    assert table.loc["coverage_end", "Z"] == np.inf
    col_z = table["Z"]
    assert np.isnan(col_z["interest_change"]) and np.isnan(col_z["repriced_share"])
    assert table.T["distressed_share"].tolist() == [1.0, 0.0, 0.5]
    settings = s.settings
    expected = {
        "Firms": "2",
        "Tranches": "1",
        "Paths": "2",
        "Horizon (months)": "4",
        "Total debt": "100",
        "Floating share": "0",
        "Base rate, start": format_value((0.03 + 0.08) / 2),
        "Base rate, end": format_value((0.03 + 0.08) / 2),
        "Distress rule": "ICR<1 for 3m",
        "Arrays kept": "aggregate",
        "Unconverged spreads": "0",
    }
    assert settings.index.tolist() == [*list(expected)[:10], "Spread table", "Unconverged spreads"]
    for key, value in expected.items():
        assert settings[key] == value, key
    assert settings["Spread table"].startswith("A. Damodaran, 'Ratings, Interest Coverage Ratios")
    assert s.notes == (
        "Coverage: aggregate EBIT / interest, median over paths (month 0 and 3); shares are "
        "decimals at the last month, means over paths.",
        "Base rates: mean over paths, annual decimals.",
    )
    full = _two_rate_paths(keep="full", distress=rf.Distress(threshold=1.5, months=2)).summary()
    assert full.settings["Arrays kept"] == "full"
    assert full.settings["Distress rule"] == "ICR<1.5 for 2m"


def test_repr_headline_and_html() -> None:
    """Kills the repr, headline and _repr_html_ mutants: medians of the first and last month."""
    from divergence._summary import format_value

    res = _two_rate_paths()
    last = format_value((7 / 22 + 7 / 27) / 2)
    assert repr(res) == (
        f"RefinancingResult(firms=2, cohorts=('A', 'Z'), paths=2, months=4, keep='aggregate', "
        f"median coverage (all) 1.4 -> {last})"
    )
    assert "keep='full'" in repr(_two_rate_paths(keep="full"))
    html = res._repr_html_()
    assert html == res.summary().as_html() and "Refinancing simulation" in html


def test_plot_passes_its_options() -> None:
    """Kills the kind-check and option-passing mutants of RefinancingResult.plot."""
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = _two_cohorts()
    with pytest.raises(
        InputError, match=r"^kind must be one of \['coverage', 'maturity_wall'\], got 'fan'$"
    ):
        res.plot("fan")  # type: ignore[arg-type]
    ax = res.plot(cohorts=["A"], threshold=1.5)
    assert len(ax.lines) == 2  # the median of cohort A and the threshold line
    _, given = plt.subplots()
    assert res.plot(ax=given) is given  # drawn on the Axes passed
    ax2 = res.plot("maturity_wall", freq="quarter")
    heights = sorted(p.get_height() for p in ax2.patches if p.get_height() > 0)
    assert heights == [40.0, 60.0]  # month 5 in quarter 2 (A), month 30 in quarter 10 (B)
    assert len(ax2.patches) == 2 * 10  # two cohorts, ten quarters
    plt.close("all")


def test_ladder_defaults_and_smallest_options() -> None:
    """Kills the default and bound mutants: reset 3, tenor 120, after5 over 1 year allowed."""
    lad = pd.DataFrame([[0.0, 0.0, 0.0, 0.0, 0.0, 2.0]], columns=BUCKETS, index=["a"])
    book = rf.DebtBook.from_maturity_ladder(
        lad, coupon=0.05, floating_share=0.5, spread=0.02, after5_years=1, tranches_per_year=1
    )
    # after5 over one year: one tranche at month 72, half fixed and half floating
    assert book.maturity.tolist() == [72, 72] and book.principal.tolist() == [1.0, 1.0]
    assert book.floating.tolist() == [False, True]
    assert book.reset_months.tolist() == [0, 3] and book.first_reset.tolist() == [0, 3]
    assert book.tenor.tolist() == [120, 120]
    monthly = rf.DebtBook.from_maturity_ladder(lad, coupon=0.05, after5_years=100)
    assert len(monthly) == 1200 and monthly.maturity[-1] == 60 + 1200


def test_summary_base_rate_start_and_end() -> None:
    """Kills the column mutants of the base-rate settings: month 0 and the last month."""
    from divergence._summary import format_value

    res = _bullet()  # base rate 2% in month 0, 6% from month 1 on (24 months)
    rising = rf.simulate(
        *_bullet_inputs("c"),
        np.array([[0.01, 0.02, 0.03, 0.04], [0.03, 0.04, 0.05, 0.08]]),
        n_paths=2,
        seed=0,
    )
    assert res.summary().settings["Base rate, start"] == format_value(0.02)
    settings = rising.summary().settings
    # means over the two paths: (1% + 3%) / 2 at month 0, (4% + 8%) / 2 at month 3
    assert settings["Base rate, start"] == format_value(0.02)
    assert settings["Base rate, end"] == format_value(0.06)


# --------------------------------------------------------------------------- example book
def test_example_book_layout_by_the_docstring() -> None:
    """Kills the default, label, per-firm layout and message mutants of example_book."""
    book, firms = rf.example_book()
    # the default seed is 0: the same book as an explicit seed=0
    pd.testing.assert_frame_equal(book, rf.example_book(50, 200, seed=0)[0])
    # defaults: 50 mega-caps and 200 SMEs, 6 tranches each
    assert firms["cohort"].tolist() == ["mega-cap"] * 50 + ["SME"] * 200
    assert firms["firm"].tolist()[:2] == ["M0000", "M0001"] and firms["firm"].iloc[50] == "S0000"
    assert firms["firm"].iloc[-1] == "S0199" and len(book) == 250 * 6
    assert book.index.equals(pd.RangeIndex(250 * 6))  # one frame, rows numbered 0 ... 1499
    assert list(book.columns) == [
        "firm", "principal", "kind", "coupon", "spread", "maturity", "reset_months", "tenor",
        "first_reset",
    ]  # fmt: skip
    assert (firms["growth"] == np.r_[[0.04] * 50, [0.03] * 200]).all()
    assert (firms["volatility"] == np.r_[[0.15] * 50, [0.30] * 200]).all()
    mega = book.iloc[:6]
    # a mega-cap: 5 fixed bonds of 0.95 D / 5 (tenor 156) and one floating 0.05 D at r0 + 0.4%
    assert mega["kind"].tolist() == ["fixed"] * 5 + ["floating"]
    debt = mega["principal"].sum()
    np.testing.assert_allclose(mega["principal"], [0.95 * debt / 5] * 5 + [0.05 * debt])
    assert mega["tenor"].tolist() == [156] * 5 + [12]
    fl = mega.iloc[5]
    assert fl["coupon"] == pytest.approx(0.01 + 0.004) and fl["spread"] == 0.004
    assert fl["reset_months"] == 1.0 and 1 <= fl["maturity"] <= 12
    assert mega["spread"].iloc[:5].isna().all() and mega["reset_months"].iloc[:5].isna().all()
    # an SME with 6 tranches: round(0.85 * 6) - 1 = 4 floating loans of 0.85 D / 4, then 2
    # fixed notes of 0.15 D / 2 (tenors 48 and 60)
    sme = book[book["firm"] == "S0000"]
    assert sme["kind"].tolist() == ["floating"] * 4 + ["fixed"] * 2
    d = sme["principal"].sum()
    np.testing.assert_allclose(sme["principal"], [0.85 * d / 4] * 4 + [0.15 * d / 2] * 2)
    assert sme["tenor"].tolist() == [48] * 4 + [60] * 2
    np.testing.assert_allclose(sme["coupon"].iloc[:4], 0.01 + sme["spread"].iloc[:4])
    assert sme["first_reset"].iloc[4:].isna().all() and sme["spread"].iloc[4:].isna().all()
    assert "first_reset" not in mega.dropna(axis=1, how="all").columns
    # fewer than 4 tranches: one floating loan per SME; 4 tranches: round(3.4) - 1 = 2
    for k, n_fl in ((2, 1), (3, 1), (4, 2), (8, 6)):
        b, _ = rf.example_book(1, 1, tranches=k, seed=1)
        kinds = b[b["firm"] == "S0000"]["kind"].tolist()
        assert kinds == ["floating"] * n_fl + ["fixed"] * (k - n_fl), k
    # r0 shifts every coupon; the same seed gives the same book, a Generator advances
    hi, _ = rf.example_book(2, 3, r0=0.05, seed=4)
    lo, _ = rf.example_book(2, 3, seed=4)
    np.testing.assert_allclose(hi["coupon"] - lo["coupon"], 0.04, rtol=1e-9)
    rng = np.random.default_rng(9)
    first, _ = rf.example_book(1, 1, seed=rng)
    second, _ = rf.example_book(1, 1, seed=rng)
    assert not first["principal"].equals(second["principal"])
    for kwargs, pattern in (
        ({"n_mega": 0}, r"^n_mega must be >= 1, got 0$"),
        ({"n_sme": 0}, r"^n_sme must be >= 1, got 0$"),
        ({"tranches": 1}, r"^tranches must be >= 2, got 1$"),
        ({"r0": np.nan}, r"^r0 must be a finite number, got nan$"),
    ):
        with pytest.raises(InputError, match=pattern):
            rf.example_book(**kwargs)
    one, _ = rf.example_book(1, 1, tranches=2, seed=0)
    assert len(one) == 4  # the smallest sizes and tranche count are accepted


def test_quantiles_of_infinite_coverage_are_infinite() -> None:
    """Every path has coverage +inf (negative interest): any quantile of it is +inf.

    np.quantile alone interpolated inf - inf = NaN there (fixed by _numeric.quantile).
    """
    res = _negative_rate()
    frame = res.to_frame()
    for q in ("q0.05", "q0.5", "q0.95"):
        assert np.isposinf(frame[("coverage", q)]).all()
    table = res.summary().tables["By cohort"]
    for row in ("coverage_end_q05", "coverage_end_q95"):
        assert np.isposinf(table.loc[row].to_numpy(dtype=float)).all()


def test_quantile_at_and_next_to_infinite_order_statistics() -> None:
    """Linear quantiles by hand on [1, 2, 3, inf, inf] (positions q * (n - 1)).

    q = 0 and 0.5 fall on order statistics (1 and 3); q = 0.6 is 2.4, between 3 and +inf,
    so +inf; q = 0.8 and 1 fall among the infinities. A NaN column stays NaN and a quantile
    between -inf and 1 is -inf. Finite data give NumPy's linear quantile.
    """
    from divergence._numeric import quantile

    inf = np.inf
    x = np.array([[1.0, 1.0], [2.0, np.nan], [3.0, 2.0], [inf, 3.0], [inf, 4.0]])
    q = np.array([0.0, 0.5, 0.6, 0.8, 1.0])
    out = quantile(x, q)
    np.testing.assert_array_equal(out[:, 0], [1.0, 3.0, inf, inf, inf])
    assert np.isnan(out[:, 1]).all()
    # NumPy alone gives NaN for q = 0.1 on [-inf, 1, 2] (position 0.2, between -inf and 1)
    # and for q = 0.75 on [1, 2, inf] (position 1.5, between 2 and +inf)
    np.testing.assert_array_equal(
        quantile(np.array([-inf, 1.0, 2.0]), np.array([0.1, 0.25, 0.5])), [-inf, -inf, 1.0]
    )
    np.testing.assert_array_equal(
        quantile(np.array([1.0, 2.0, inf]), np.array([0.5, 0.75])), [2.0, inf]
    )
    finite = np.random.default_rng(3).normal(size=(40, 2))
    qs = np.array([0.05, 0.5, 0.95])
    np.testing.assert_array_equal(quantile(finite, qs), np.quantile(finite, qs, axis=0))


def test_summarise_paths_at_both_infinities_warn_nothing() -> None:
    """One path at +inf and one at -inf coverage: the mean (inf - inf) and the median (between
    the two) are undefined, so NaN, and no 'invalid value' RuntimeWarning leaks (pytest turns
    warnings into errors); q0 and q1 are the order statistics -inf and +inf."""
    from types import SimpleNamespace

    from divergence.refinancing._result import RefinancingResult

    values = np.array([[[np.inf]], [[-np.inf]]])  # (paths, months, cohorts)
    fake = SimpleNamespace(cohorts=("all",), _check_quantiles=RefinancingResult._check_quantiles)
    frame = RefinancingResult._summarise(fake, values, (0.0, 0.5, 1.0))  # type: ignore[arg-type]
    assert np.isnan(frame["mean"]).all() and np.isnan(frame["q0.5"]).all()
    assert frame["q0"].tolist() == [-np.inf] and frame["q1"].tolist() == [np.inf]


def test_distress_threshold_is_checked_and_stored_as_float() -> None:
    """Kills the attribute-name and argument-name mutants of Distress.__post_init__."""
    rule = rf.Distress(2, 3)
    assert type(rule.threshold) is float and rule.threshold == 2.0
    assert repr(rule) == "Distress(threshold=2.0, months=3)"
    with pytest.raises(InputError, match=r"^distress\.threshold must be a finite number, got inf$"):
        rf.Distress(np.inf)
    # months: NumPy integers are stored as int, 1 is the smallest rule, 0 is refused by name
    assert type(rf.Distress(1.0, np.int64(4)).months) is int  # type: ignore[arg-type]
    assert rf.Distress(1.0, 1).months == 1
    with pytest.raises(InputError, match=r"^distress\.months must be >= 1, got 0$"):
        rf.Distress(1.0, 0)


def test_spread_table_needs_1d_inputs_and_stores_tuples() -> None:
    """Kills the ndim and stored-attribute mutants of SpreadTable.__post_init__."""
    ratings = ("a", "b", "c")
    with pytest.raises(InputError, match=r"^edges must be 1-D, got a 2-D input of shape \(2, 1\)$"):
        rf.SpreadTable(edges=[[1.0], [2.0]], spreads=[0.01, 0.02, 0.03], ratings=ratings)  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"^spreads must be 1-D, got a 2-D input of shape \(3, 1\)$"
    ):
        rf.SpreadTable(edges=[1.0, 2.0], spreads=[[0.01], [0.02], [0.03]], ratings=ratings)  # type: ignore[arg-type]
    # lists in, tuples of floats stored (the frozen dataclass is hashable and compares by value)
    table = rf.SpreadTable(edges=[1.0], spreads=[0.01, 0.02], ratings=("a", "b"))  # type: ignore[arg-type]
    assert table.edges == (1.0,) and table.spreads == (0.01, 0.02)
    assert repr(table) == (
        "SpreadTable(edges=(1.0,), spreads=(0.01, 0.02), ratings=('a', 'b'), "
        "source='user table', as_of='unspecified')"
    )


def test_cohort_labels_refuses_look_alikes_and_all() -> None:
    """Kills the check and message mutants of cohort_labels (its own tests, in test_labels.py,
    are outside the mutation selection)."""
    # types kept, first-appearance order
    assert cohort_labels(pd.DataFrame({"cohort": [2, "b", 2]}), ["2", "b"]) == (2, "b")
    # 1 and "1" print alike; "a" before them does not (the message names the colliding pair)
    with pytest.raises(
        InputError,
        match=r"^firms\['cohort'\] has two labels that print alike, 1 and '1'; the simulator "
        r"tells cohorts apart by their text: make them distinct$",
    ):
        cohort_labels(pd.DataFrame({"cohort": ["a", 1, "1"]}), ["a", "1"])
    with pytest.raises(
        InputError,
        match=r"^firms\['cohort'\] uses the label 'all', which refinancing results reserve for "
        r"the all-firms total \(the last entry of RefinancingResult\.cohorts\); rename that "
        r"cohort$",
    ):
        cohort_labels(pd.DataFrame({"cohort": ["x", "all"]}), ["x", "all"])


def test_as_book_names_the_type_it_refuses() -> None:
    """Kills the type-name mutant of as_book's TypeError."""
    from divergence.refinancing._book import as_book

    with pytest.raises(TypeError, match=r"^book must be a DataFrame or a DebtBook, got int$"):
        as_book(3)
