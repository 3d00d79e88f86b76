"""Debt books from 10-K maturity tables and SEC XBRL company facts.

Reference values of the real filings were read by hand from the raw company-facts JSON that the
bundled files were trimmed from (SEC EDGAR, public domain; provenance in
``divergence.datasets.REGISTRY["sec_company_facts"]``) and agree with the filings:

* Apple Inc. FY2024 10-K (balance sheet 2024-09-28, accession 0000320193-24-000123), note
  "Debt", future principal payments: 10,930; 12,342; 9,936; 7,800; 5,153; thereafter 51,180
  (USD millions); total 97,341. Operating income FY2024: 123,216. Long-term debt (balance
  sheet, current + non-current) 96,662.
* Apple Inc. FY2023 10-K (2023-09-30, accession 0000320193-23-000106): interest expense
  3,933; long-term debt 105,103 (USD millions). Apple tags no InterestExpense for FY2024.
* Tesla, Inc. FY2021 10-K (2021-12-31, accession 0000950170-22-000796): 1,095; 2,456; 1,060;
  178; 64; thereafter 527 (USD millions); operating income 6,523; interest expense 371;
  long-term debt 4,254.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from divergence.datasets import COMPANY_FACTS, REGISTRY, load_company_facts
from divergence.errors import DataWarning, InputError
from divergence.refinancing import (
    DebtBook,
    SpreadTable,
    book_from_company_facts,
    pass_through_month,
    simulate,
)

BUCKETS = ["y1", "y2", "y3", "y4", "y5", "after5"]
FLAT2 = SpreadTable((), (0.02,), ("flat",), source="test", as_of="test")
BN = 1e9


def ladder(*rows: list[float], index: list[str] | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        list(rows), columns=BUCKETS, index=index or [f"f{i}" for i in range(len(rows))]
    )


def bucket_of(months: np.ndarray) -> np.ndarray:
    """Bucket number (0 = y1 … 5 = after5) of a maturity month, by the documented rule."""
    return np.minimum((months - 1) // 12, 5)


# --------------------------------------------------------------------------- ladder
@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.lists(
            st.one_of(st.just(0.0), st.floats(1e-3, 1e11, allow_nan=False)),
            min_size=6,
            max_size=6,
        ),
        min_size=1,
        max_size=4,
    ).filter(lambda rows: any(sum(r) > 0 for r in rows)),
    share=st.floats(0.0, 1.0),
    per_year=st.sampled_from([1, 2, 3, 4, 6, 12]),
    after5=st.integers(1, 12),
)
def test_ladder_conserves_principal_bucket_by_bucket(
    values: list[list[float]], share: float, per_year: int, after5: int
) -> None:
    lad = ladder(*values)
    before = lad.copy()
    book = DebtBook.from_maturity_ladder(
        lad,
        coupon=0.04,
        floating_share=share,
        spread=0.02,
        tranches_per_year=per_year,
        after5_years=after5,
    ).to_frame()
    pd.testing.assert_frame_equal(lad, before)  # input not mutated
    assert (book["principal"] > 0).all()
    assert book["maturity"].between(1, 60 + 12 * after5).all()
    book["bucket"] = bucket_of(book["maturity"].to_numpy())
    for firm, row in lad.iterrows():
        mine = book[book["firm"] == firm]
        # principal conserved per firm (to a few ulps of the total)
        assert math.fsum(mine["principal"]) == pytest.approx(row.sum(), rel=1e-13, abs=0.0)
        for b, name in enumerate(BUCKETS):
            got = math.fsum(mine.loc[mine["bucket"] == b, "principal"])
            assert got == pytest.approx(row[name], rel=1e-13, abs=1e-300)
        fl = math.fsum(mine.loc[mine["kind"] == "floating", "principal"])
        # parts below 1e-100 (MIN_POSITIVE) are dropped: at most 1e-100 per tranche position
        assert fl == pytest.approx(share * row.sum(), rel=1e-12, abs=1e-97)


def test_bucket_months_monthly_and_yearly() -> None:
    lad = ladder([12.0, 24.0, 36.0, 48.0, 60.0, 120.0])
    book = DebtBook.from_maturity_ladder(lad, coupon=0.05)
    # one tranche a month: y1 in months 1-12, y2 in 13-24, ..., after5 in 61-120
    assert book.maturity.tolist() == list(range(1, 121))
    expected = np.repeat([1.0, 2.0, 3.0, 4.0, 5.0, 2.0], [12, 12, 12, 12, 12, 60])
    np.testing.assert_allclose(book.principal, expected, rtol=1e-15)
    assert not book.floating.any()
    yearly = DebtBook.from_maturity_ladder(lad, coupon=0.05, tranches_per_year=1, after5_years=3)
    assert yearly.maturity.tolist() == [12, 24, 36, 48, 60, 72, 84, 96]
    np.testing.assert_allclose(yearly.principal, [12, 24, 36, 48, 60, 40, 40, 40], rtol=1e-15)
    quarterly = DebtBook.from_maturity_ladder(lad, coupon=0.05, tranches_per_year=4)
    assert quarterly.maturity.tolist()[:5] == [3, 6, 9, 12, 15]


def test_ladder_per_firm_parameters() -> None:
    lad = ladder([12.0, 0, 0, 0, 0, 0], [0, 24.0, 0, 0, 0, 0], index=["a", "b"])
    book = DebtBook.from_maturity_ladder(
        lad,
        coupon=pd.Series({"b": 0.06, "a": 0.03}),  # order differs from the ladder: by label
        floating_share={"a": 0.25, "b": 1.0},
        spread=pd.Series({"a": 0.01, "b": 0.04}),
        reset_months={"a": 1, "b": 6},
        tenor=pd.Series({"a": 36, "b": 84}),
        tranches_per_year=1,
    ).to_frame()
    a = book[book["firm"] == "a"].set_index("kind")
    b = book[book["firm"] == "b"].set_index("kind")
    assert a.loc["fixed", "principal"] == 9.0 and a.loc["floating", "principal"] == 3.0
    assert a.loc["fixed", "maturity"] == 12 and b.loc["floating", "maturity"] == 24
    assert list(b.index) == ["floating"]  # the zero fixed part is left out
    assert (a["coupon"] == 0.03).all() and (b["coupon"] == 0.06).all()
    assert a.loc["floating", "spread"] == 0.01 and b.loc["floating", "spread"] == 0.04
    assert np.isnan(a.loc["fixed", "spread"])
    assert a.loc["floating", "reset_months"] == 1 and b.loc["floating", "reset_months"] == 6
    assert (a["tenor"] == 36).all() and (b["tenor"] == 84).all()


def test_zero_buckets_and_debt_free_firms_are_left_out() -> None:
    lad = ladder([0.0, 0, 5.0, 0, 0, 0], [0.0] * 6, index=["a", "z"])
    book = DebtBook.from_maturity_ladder(lad, coupon=0.05, tranches_per_year=1)
    assert book.firm.tolist() == ["a"] and book.maturity.tolist() == [36]


def test_ladder_columns_mapping_and_xbrl_names() -> None:
    vendor = pd.DataFrame([[1.0, 2, 3, 4, 5, 6]], columns=list("ABCDEF"), index=["a"])
    mapped = DebtBook.from_maturity_ladder(
        vendor, coupon=0.05, columns=dict(zip("ABCDEF", BUCKETS, strict=True))
    )
    plain = DebtBook.from_maturity_ladder(ladder([1.0, 2, 3, 4, 5, 6], index=["a"]), coupon=0.05)
    tags = [
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths",
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearTwo",
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearThree",
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFour",
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFive",
        "LongTermDebtMaturitiesRepaymentsOfPrincipalAfterYearFive",
    ]
    xbrl = DebtBook.from_maturity_ladder(vendor.set_axis(tags, axis=1), coupon=0.05)
    for other in (mapped, xbrl):
        pd.testing.assert_frame_equal(other.to_frame(), plain.to_frame())


@pytest.mark.parametrize(
    ("change", "kwargs", "match"),
    [
        (lambda d: d.assign(y2=np.nan), {}, "NaN"),
        (lambda d: d.assign(y3=-1.0), {}, "negative"),
        (lambda d: d.drop(columns="after5"), {}, "missing maturity column"),
        (lambda d: d * 0.0, {}, "no debt"),
        (lambda d: d.iloc[:0], {}, "empty"),
        (lambda d: d.set_axis(["a", "a"]), {}, "unique"),
        (lambda d: d, {"floating_share": 1.5, "spread": 0.02}, "floating_share"),
        (lambda d: d, {"floating_share": 0.5}, "spread is required"),
        (lambda d: d, {"coupon": pd.Series({"a": 0.05})}, "coupon has no value"),
        (lambda d: d, {"coupon": np.nan}, "coupon"),
        (lambda d: d, {"tenor": 0}, "tenor"),
        (lambda d: d, {"reset_months": pd.Series({"a": 1.5, "b": 3})}, "reset_months"),
        (lambda d: d, {"tranches_per_year": 5}, "tranches_per_year"),
        (lambda d: d, {"after5_years": 0}, "after5_years"),
    ],
)
def test_ladder_bad_inputs(change: Any, kwargs: dict[str, Any], match: str) -> None:
    lad = change(ladder([1.0, 2, 3, 4, 5, 6], [1.0, 0, 0, 0, 0, 1], index=["a", "b"]))
    kw: dict[str, Any] = {"coupon": 0.05, **kwargs}
    with pytest.raises(InputError, match=match):
        DebtBook.from_maturity_ladder(lad, **kw)


def test_ladder_type_errors() -> None:
    with pytest.raises(TypeError, match="ladder must be a DataFrame"):
        DebtBook.from_maturity_ladder([[1.0] * 6], coupon=0.05)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tenor must be an integer"):
        DebtBook.from_maturity_ladder(ladder([1.0] * 6), coupon=0.05, tenor=60.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="coupon"):
        DebtBook.from_maturity_ladder(ladder([1.0] * 6), coupon="5%")  # type: ignore[arg-type]


def test_ladder_book_runs_through_simulate_closed_form() -> None:
    """Interest each month = old coupon on unrepriced debt + (r + s) on the rest (exact)."""
    lad = ladder([12.0, 24.0, 0.0, 0.0, 6.0, 60.0], index=["a"])
    c, r, s, share, reset = 0.03, 0.05, 0.02, 0.25, 4
    book = DebtBook.from_maturity_ladder(
        lad, coupon=c, floating_share=share, spread=s, reset_months=reset, tenor=240
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [50.0], "growth": [0.0], "volatility": [0.0], "cohort": ["x"]}
    )
    res = simulate(book, firms, np.full(130, r), seed=0, spread_table=FLAT2)
    interest = res.path_values("interest")[0, :, 0]
    m = np.arange(130)[:, None]
    p, mat, fl = book.principal[None, :], book.maturity[None, :], book.floating[None, :]
    repriced = (mat <= m) | (fl & (m >= reset))
    expected = np.where(repriced, r + s, c) * p
    np.testing.assert_allclose(interest, expected.sum(axis=1), rtol=1e-12)
    assert interest[0] == pytest.approx(c * 102.0, rel=1e-14)
    assert interest[-1] == pytest.approx((r + s) * 102.0, rel=1e-14)


# --------------------------------------------------------------------------- company facts
def _fact(end: str, val: float, accn: str, form: str = "10-K", *, start: str | None = None,
          filed: str = "2024-01-01") -> dict[str, Any]:  # fmt: skip
    f: dict[str, Any] = {"end": end, "val": val, "accn": accn, "fy": int(filed[:4])}
    f.update({"fp": "FY" if form.startswith("10-K") else "Q1", "form": form, "filed": filed})
    if start is not None:
        f["start"] = start
    return f


def synthetic(
    name: str = "Acme Corp", cik: int = 42, *, drop: str | None = None, interest: bool = True
) -> dict[str, Any]:
    """Two 10-Ks (FY2022, FY2023) and a later 10-Q, in the company-facts schema."""
    tags = {
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths": 10.0,
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearTwo": 20.0,
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearThree": 30.0,
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFour": 0.0,
        "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearFive": 40.0,
        "LongTermDebtMaturitiesRepaymentsOfPrincipalAfterYearFive": 100.0,
        "LongTermDebt": 200.0,
    }
    gaap: dict[str, Any] = {}
    for tag, v in tags.items():
        gaap[tag] = {
            "units": {
                "USD": [
                    _fact("2022-12-31", v / 2, "A-22", filed="2023-02-01"),
                    # FY2022 repeated as a comparative in the FY2023 10-K: one fact, first accn
                    _fact("2022-12-31", v / 2, "A-23", filed="2024-02-01"),
                    _fact("2023-12-31", v, "A-23", filed="2024-02-01"),
                    # a later 10-Q balance: not an annual fact
                    _fact("2024-03-31", 7 * v, "Q-24", form="10-Q", filed="2024-05-01"),
                ]
            }
        }
    gaap["LongTermDebtMaturitiesRepaymentsOfPrincipalRemainderOfFiscalYear"] = {
        "units": {"USD": [_fact("2024-03-31", 999.0, "Q-24", form="10-Q", filed="2024-05-01")]}
    }
    flows = {"OperatingIncomeLoss": (30.0, 24.0)}
    if interest:
        flows["InterestExpense"] = (10.0, 8.0)
    for tag, (v23, v22) in flows.items():
        gaap[tag] = {
            "units": {
                "USD": [
                    _fact("2022-12-31", v22, "A-22", start="2022-01-01", filed="2023-02-01"),
                    # restated in the next 10-K: the later value wins
                    _fact("2022-12-31", v22 + 1, "A-23", start="2022-01-01", filed="2024-02-01"),
                    _fact("2023-12-31", v23, "A-23", start="2023-01-01", filed="2024-02-01"),
                    # a quarter inside the 10-K (duration 3 months): not annual
                    _fact("2023-12-31", v23 / 3, "A-23", start="2023-10-01", filed="2024-02-01"),
                    _fact(
                        "2024-03-31", 99.0, "Q-24", "10-Q", start="2024-01-01", filed="2024-05-01"
                    ),
                ]
            }
        }
    if drop is not None:
        del gaap[drop]
    return {"cik": cik, "entityName": name, "facts": {"us-gaap": gaap}}


def test_synthetic_latest_annual_deduplicated() -> None:
    doc = synthetic()
    before = copy.deepcopy(doc)
    book, firms = book_from_company_facts(doc, tenor=60)
    assert doc == before  # not mutated
    row = firms.iloc[0]
    assert row["firm"] == "Acme Corp" and row["cik"] == 42
    assert row["period_end"] == pd.Timestamp("2023-12-31") and row["accession"] == "A-23"
    assert [row[b] for b in BUCKETS] == [10.0, 20.0, 30.0, 0.0, 40.0, 100.0]
    assert row["ebit"] == 30.0 and row["interest_expense"] == 10.0
    assert row["coupon"] == pytest.approx(10.0 / 200.0, rel=1e-15)
    assert book["principal"].sum() == pytest.approx(200.0, rel=1e-14)
    assert (book["tenor"] == 60).all() and (book["kind"] == "fixed").all()


@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_fact_order_does_not_matter(seed: int) -> None:
    """Filings listed in any order give the same book and firms (de-duplication is by date)."""
    doc = synthetic()
    rng = np.random.default_rng(seed)
    shuffled = copy.deepcopy(doc)
    for tag in shuffled["facts"]["us-gaap"].values():
        facts = tag["units"]["USD"]
        tag["units"]["USD"] = [facts[i] for i in rng.permutation(len(facts))]
    for end in (None, "2022-12-31"):
        book_a, firms_a = book_from_company_facts(doc, period_end=end)
        book_b, firms_b = book_from_company_facts(shuffled, period_end=end)
        pd.testing.assert_frame_equal(firms_a, firms_b)
        pd.testing.assert_frame_equal(book_a, book_b)


def test_synthetic_earlier_year_dedup_and_restatement() -> None:
    _, firms = book_from_company_facts(synthetic(), period_end="2022-12-31")
    row = firms.iloc[0]
    assert row["accession"] == "A-22"  # the FY2022 value, first reported in A-22
    assert row["y1"] == 5.0
    assert row["ebit"] == 25.0  # restated in the FY2023 10-K: the later value
    assert row["interest_expense"] == 9.0


def test_synthetic_missing_tag_names_company_and_tag() -> None:
    tag = "LongTermDebtMaturitiesRepaymentsOfPrincipalInYearThree"
    with pytest.raises(InputError, match=r"Acme Corp \(CIK 42\).*InYearThree"):
        book_from_company_facts(synthetic(drop=tag))
    with pytest.raises(InputError, match=r"Acme Corp \(CIK 42\).*'OperatingIncomeLoss'"):
        book_from_company_facts(synthetic(drop="OperatingIncomeLoss"))
    with pytest.raises(InputError, match=r"Acme Corp \(CIK 42\).*'LongTermDebt'"):
        book_from_company_facts(synthetic(drop="LongTermDebt"))
    with pytest.raises(InputError, match=r"Acme Corp \(CIK 42\).*'InterestExpense'"):
        book_from_company_facts(synthetic(interest=False))
    with pytest.raises(InputError, match=r"Acme Corp \(CIK 42\).*at 2021-12-31"):
        book_from_company_facts(synthetic(), period_end="2021-12-31")


def test_synthetic_interest_fallbacks() -> None:
    doc = synthetic(interest=False)
    gaap = doc["facts"]["us-gaap"]
    gaap["InterestExpenseNonoperating"] = {
        "units": {"USD": [_fact("2023-12-31", 12.0, "A-23", start="2023-01-01")]}
    }
    _, firms = book_from_company_facts(doc)
    assert firms.loc[0, "interest_source"] == "InterestExpenseNonoperating"
    assert firms.loc[0, "coupon"] == pytest.approx(12.0 / 200.0, rel=1e-15)
    # only an earlier year: its implied rate, with a DataWarning
    gaap["InterestExpenseNonoperating"] = {
        "units": {"USD": [_fact("2022-12-31", 5.0, "A-22", start="2022-01-01")]}
    }
    with pytest.warns(DataWarning, match=r"Acme Corp \(CIK 42\).*2022-12-31"):
        _, firms = book_from_company_facts(doc)
    assert firms.loc[0, "coupon"] == pytest.approx(5.0 / 100.0, rel=1e-15)  # LTD 2022: 100
    # an override wins, silently
    _, firms = book_from_company_facts(doc, interest_expense={42: 16.0})
    assert firms.loc[0, "coupon"] == pytest.approx(16.0 / 200.0, rel=1e-15)
    assert firms.loc[0, "interest_source"] == "interest_expense argument"


def test_paths_lists_and_options(tmp_path: Path) -> None:
    a, b = synthetic(), synthetic("Beta Inc", 7)
    plain = tmp_path / "a.json"
    plain.write_text(json.dumps(a))
    packed = tmp_path / "b.json.gz"
    with gzip.open(packed, "wt") as fh:
        json.dump(b, fh)
    book, firms = book_from_company_facts(
        [plain, str(packed)],
        floating_share={"Acme Corp": 0.5, "Beta Inc": 0.0},
        spread=0.03,
        cohort={"Acme Corp": "x", "Beta Inc": "y"},
        growth=0.02,
        volatility=0.1,
    )
    assert firms["firm"].tolist() == ["Acme Corp", "Beta Inc"]
    assert firms["cohort"].tolist() == ["x", "y"]
    assert (firms["growth"] == 0.02).all() and (firms["volatility"] == 0.1).all()
    fl = book[book["kind"] == "floating"]
    assert set(fl["firm"]) == {"Acme Corp"}
    assert fl["principal"].sum() == pytest.approx(100.0, rel=1e-14)
    res = simulate(book, firms, np.full(24, 0.04), n_paths=2, seed=0)
    assert list(res.cohorts[:2]) == ["x", "y"]


def test_company_facts_bad_inputs(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="facts must be"):
        book_from_company_facts(3)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="empty"):
        book_from_company_facts([])
    with pytest.raises(InputError, match="not an SEC company-facts document"):
        book_from_company_facts({"cik": 1})
    with pytest.raises(InputError, match="no such file"):
        book_from_company_facts(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(InputError, match="not a \\(gzip\\) JSON file"):
        book_from_company_facts(bad)
    with pytest.raises(InputError, match="more than once"):
        book_from_company_facts([synthetic(), synthetic()])
    with pytest.raises(InputError, match="cohort has no label"):
        book_from_company_facts(synthetic(), cohort={"Other": "x"})
    with pytest.raises(InputError, match="volatility"):
        book_from_company_facts(synthetic(), volatility=-0.1)
    with pytest.raises(InputError, match="period_end must be a date"):
        book_from_company_facts(synthetic(), period_end="not a date")
    with pytest.raises(TypeError, match="interest_expense"):
        book_from_company_facts(synthetic(), interest_expense=5.0)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- real filings
def test_bundled_facts_provenance() -> None:
    info = REGISTRY["sec_company_facts"]
    assert "public domain" in info.license and "Trimmed" in info.notes
    assert set(COMPANY_FACTS) == {"AAPL", "TSLA"}
    doc = load_company_facts("TSLA")
    assert doc["cik"] == COMPANY_FACTS["TSLA"] and doc["entityName"] == "Tesla, Inc."
    with pytest.raises(InputError, match="ticker"):
        load_company_facts("MSFT")


def test_apple_fy2024_ladder() -> None:
    """AAPL FY2024 10-K, accession 0000320193-24-000123 (values in the module docstring)."""
    with pytest.warns(DataWarning, match="Apple Inc. \\(CIK 320193\\).*2023-09-30") as rec:
        book, firms = book_from_company_facts(load_company_facts("AAPL"))
    assert rec[0].filename == __file__  # the warning points at the caller
    row = firms.iloc[0]
    assert row["period_end"] == pd.Timestamp("2024-09-28")
    assert row["accession"] == "0000320193-24-000123"
    expected = [10.930, 12.342, 9.936, 7.800, 5.153, 51.180]
    assert [row[b] / BN for b in BUCKETS] == pytest.approx(expected, abs=5e-13)
    assert row["ebit"] == 123.216 * BN
    assert row["long_term_debt"] == 96.662 * BN
    # stale fallback: FY2023 interest 3,933 over FY2023 long-term debt 105,103 (USD m)
    assert row["coupon"] == pytest.approx(3933.0 / 105103.0, rel=1e-12)
    assert book["principal"].sum() == pytest.approx(97.341 * BN, rel=1e-12)
    # an override (any value a user has): no warning, the implied rate follows it
    _, firms = book_from_company_facts(
        load_company_facts("AAPL"), interest_expense={"Apple Inc.": 4.0 * BN}
    )
    assert firms.loc[0, "coupon"] == pytest.approx(4.0 / 96.662, rel=1e-12)


def test_apple_fy2023_has_interest_expense() -> None:
    """AAPL FY2023 10-K, accession 0000320193-23-000106."""
    _, firms = book_from_company_facts(load_company_facts("AAPL"), period_end="2023-09-30")
    row = firms.iloc[0]
    assert row["accession"] == "0000320193-23-000106"
    assert row["interest_source"] == "InterestExpense"
    assert row["interest_expense"] == 3.933 * BN and row["long_term_debt"] == 105.103 * BN


def test_tesla_fy2021_ladder_and_simulation() -> None:
    """TSLA FY2021 10-K, accession 0000950170-22-000796 (values in the module docstring)."""
    book, firms = book_from_company_facts(load_company_facts("TSLA"))
    row = firms.iloc[0]
    assert row["period_end"] == pd.Timestamp("2021-12-31")
    assert row["accession"] == "0000950170-22-000796"
    expected = [1.095, 2.456, 1.060, 0.178, 0.064, 0.527]
    assert [row[b] / BN for b in BUCKETS] == pytest.approx(expected, abs=5e-13)
    assert row["ebit"] == 6.523 * BN and row["interest_expense"] == 0.371 * BN
    assert row["coupon"] == pytest.approx(371.0 / 4254.0, rel=1e-12)
    # a +300 bp rate over the implied coupon: year-1 debt has repriced after 12 months
    res = simulate(book, firms, np.full(24, 0.05), seed=0, spread_table=FLAT2)
    rep = res.path_values("repriced_share")[0, :, 0]
    assert rep[12] == pytest.approx(1.095 / 5.380, rel=1e-12)
    assert rep[23] == pytest.approx((1.095 + 2.456 * 11 / 12) / 5.380, rel=1e-12)


# --------------------------------------------------------------------------- pass-through
def test_pass_through_month_closed_form() -> None:
    # x_m = 1 - exp(-m / tau): x_m / x_H >= 1/2 first at the smallest m with
    # exp(-m / tau) <= 1 - (1 - exp(-H / tau)) / 2
    tau, horizon = 7.0, 60
    x = 1.0 - np.exp(-np.arange(horizon + 1) / tau)
    target = -tau * np.log(1.0 - (1.0 - np.exp(-horizon / tau)) / 2.0)
    assert pass_through_month(x) == math.ceil(target)
    assert pass_through_month(-x) == math.ceil(target)  # a fall is measured the same way
    frame = pd.DataFrame({"a": x, "b": 2 * x})
    assert pass_through_month(frame).tolist() == [math.ceil(target)] * 2
    assert pass_through_month(np.column_stack([x, x])).tolist() == [math.ceil(target)] * 2
    assert pass_through_month(x, share=1.0) == horizon


def test_pass_through_month_bad_inputs() -> None:
    with pytest.raises(InputError, match="zero at the horizon in column 'b'"):
        pass_through_month(pd.DataFrame({"a": [0.0, 1.0], "b": [1.0, 0.0]}))
    with pytest.raises(InputError, match="share"):
        pass_through_month([1.0, 2.0], share=0.0)
    with pytest.raises(InputError, match="NaN"):
        pass_through_month([1.0, np.nan, 2.0])
