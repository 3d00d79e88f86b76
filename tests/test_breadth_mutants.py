"""Assertions the mutation run of divergence.breadth showed missing.

Each test pins a behaviour that surviving mutants changed (see
``docs/_data/mutation/breadth.json``); the comment or docstring of each test names the mutant
family it kills. The references are hand computations written next to the numbers, or the
plain-Python loop ``_reference`` below: an independent implementation of the documented
definitions (weights from the caps one period earlier over the names with a return and a
start-of-period cap, equal weights over the same names), one period and one name at a time.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from divergence import breadth as br
from divergence.errors import InputError, UnitWarning

NAN = float("nan")
DATES = pd.date_range("2024-01-31", periods=4, freq="ME", name="date")
COLS = ["a", "b", "c", "d"]

# rows = periods, columns = names; NaN = absent. Period 1 has all four names, period 2 only
# a and d (b has no return, c no start-of-period cap), period 3 has a, b and c.
RETS = np.array(
    [
        [0.01, 0.02, NAN, -0.01],
        [0.10, -0.10, 0.20, 0.00],
        [0.05, NAN, -0.02, 0.01],
        [-0.03, 0.04, 0.00, NAN],
    ]
)
CAPS = np.array(
    [
        [600.0, 300.0, 100.0, 50.0],
        [660.0, 270.0, NAN, 50.0],
        [693.0, 250.0, 110.0, 51.0],
        [672.0, 260.0, 110.0, 52.0],
    ]
)


def _reference(rets: np.ndarray, caps: np.ndarray | None, k: int = 1) -> list[dict[str, float]]:
    """Per period, the documented quantities computed name by name in plain Python."""
    rows: list[dict[str, float]] = []
    for t in range(rets.shape[0]):
        names = [
            i
            for i in range(rets.shape[1])
            if not math.isnan(rets[t, i])
            and (caps is None or (t > 0 and not math.isnan(caps[t - 1, i])))
        ]
        if caps is None:
            weights = {i: 1.0 / len(names) for i in names}
        else:
            total_cap = sum(caps[t - 1, i] for i in names)
            weights = {i: caps[t - 1, i] / total_cap for i in names} if total_cap > 0 else {}
        if not weights:
            rows.append({"n": float(len(names)), "R": NAN})
            continue
        contrib = {i: weights[i] * rets[t, i] for i in names}
        index = sum(contrib.values())
        equal = sum(rets[t, i] for i in names) / len(names)
        order = sorted(names, key=lambda i: -weights[i])
        top = sum(contrib[i] for i in order[:k])
        sorted_r = sorted(rets[t, i] for i in names)
        mid = len(sorted_r) // 2
        median = sorted_r[mid] if len(sorted_r) % 2 else 0.5 * (sorted_r[mid - 1] + sorted_r[mid])
        rows.append(
            {
                "n": float(len(names)),
                "R": index,
                "E": equal,
                "gap": index - equal,
                "up": sum(rets[t, i] > 0 for i in names) / len(names),
                "beat": sum(rets[t, i] > index for i in names) / len(names),
                "median_gap": median - index,
                "top": top,
                **{f"c{i}": contrib[i] for i in names},
            }
        )
    return rows


def _frame(values: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(values, index=DATES, columns=COLS)


# --------------------------------------------------------------------------- index_return etc.
def test_per_period_functions_against_the_reference_loop() -> None:
    """Kills weight / eligibility mutants (_weights, index, weighting_gap, contributions)."""
    ref = _reference(RETS, CAPS, k=1)
    idx = br.index_return(_frame(RETS), _frame(CAPS))
    assert idx.name == "index_return" and idx.index.equals(DATES)
    assert np.isnan(idx.iloc[0])
    np.testing.assert_allclose(idx.to_numpy()[1:], [r["R"] for r in ref[1:]], rtol=1e-13)
    gap = br.weighting_gap(_frame(RETS), _frame(CAPS))
    assert gap.name == "weighting_gap" and gap.index.equals(DATES)
    assert np.isnan(gap.iloc[0])
    np.testing.assert_allclose(gap.to_numpy()[1:], [r["gap"] for r in ref[1:]], rtol=1e-13)
    contrib = br.return_contributions(_frame(RETS), _frame(CAPS))
    assert list(contrib.columns) == COLS and contrib.index.equals(DATES)
    for t in range(1, 4):
        for i in range(4):
            expected = ref[t].get(f"c{i}", NAN)
            got = contrib.iloc[t, i]
            assert (np.isnan(got) and np.isnan(expected)) or got == pytest.approx(expected)
    # equal weights without caps: every name with a return, the first period included
    eq_ref = _reference(RETS, None)
    eq = br.index_return(RETS)
    np.testing.assert_allclose(eq, [r["R"] for r in eq_ref], rtol=1e-13)


def test_one_name_and_no_name_periods() -> None:
    """Kills ``row_count(...) > 0`` -> ``> 1`` / ``>= 0`` in _weights and index."""
    rets = np.array([[NAN, NAN], [0.03, NAN], [NAN, NAN]])
    caps = np.array([[2.0, 3.0], [2.0, 3.0], [2.0, 3.0]])
    # one name present: it carries the whole index; none present: NaN, not 0
    np.testing.assert_allclose(br.index_return(rets, caps), [NAN, 0.03, NAN])
    np.testing.assert_allclose(br.index_return(rets), [NAN, 0.03, NAN])
    np.testing.assert_allclose(br.weighting_gap(rets, caps), [NAN, 0.0, NAN])


def test_zero_start_caps_give_nan_without_warning() -> None:
    """Kills ``total > 0`` -> ``>= 0`` and ``&`` -> ``|`` in _weights (0/0 would warn)."""
    rets = np.array([[0.0, 0.0], [0.01, 0.02], [0.01, 0.02]])
    caps = np.array([[0.0, 0.0], [1.0, 3.0], [1.0, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = br.index_return(rets, caps)
    # period 1 starts from zero caps: no weights; period 2: 0.25 * 0.01 + 0.75 * 0.02
    np.testing.assert_allclose(out, [NAN, NAN, 0.0175])


def test_propagate_combines_return_and_cap_rows() -> None:
    """Kills the lagged-row mutants of _Inputs (``rows | lagged_rows``, the shift by one)."""
    rets = np.full((5, 2), 0.01)
    rets[3, 0] = NAN
    caps = np.ones((5, 2))
    caps[1, 1] = NAN  # start-of-period cap of period 2
    out = br.index_return(rets, caps, nan_policy="propagate")
    # NaN: period 0 (no caps), 2 (NaN start cap), 3 (NaN return); periods 1 and 4 are whole
    np.testing.assert_allclose(out, [NAN, 0.01, NAN, NAN, 0.01])
    contrib = br.return_contributions(rets, caps, nan_policy="propagate")
    expected = np.array([[NAN, NAN], [0.005, 0.005], [NAN, NAN], [NAN, NAN], [0.005, 0.005]])
    np.testing.assert_allclose(contrib, expected)
    np.testing.assert_allclose(
        br.weighting_gap(rets, caps, nan_policy="propagate"), [NAN, 0.0, NAN, NAN, 0.0]
    )
    with pytest.raises(InputError, match=r"^market_caps has 1 NaN value"):
        br.index_return(np.full((5, 2), 0.01), caps, nan_policy="raise")


def test_input_checks_name_their_argument() -> None:
    """Kills the mutants of the as_array / check calls in _Inputs (names, options, None)."""
    unsorted = pd.DatetimeIndex(["2024-02-01", "2024-01-01", "2024-03-01"])
    sorted_idx = unsorted.sort_values()
    r = pd.DataFrame(np.zeros((3, 2)), index=unsorted)
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        br.index_return(r)
    with pytest.raises(InputError, match=r"^market_caps dates are not in increasing order"):
        br.index_return(r.set_axis(sorted_idx), r.abs())
    with pytest.raises(InputError, match=r"^returns must be 2-D"):
        br.index_return(np.zeros(2))
    with pytest.raises(InputError, match=r"^market_caps must be 2-D"):
        br.index_return(np.zeros((2, 2)), np.ones(2))
    with pytest.raises(InputError, match=r"^market_caps has 4 negative value"):
        br.index_return(np.zeros((2, 2)), -np.ones((2, 2)))
    with pytest.raises(InputError, match=r"^returns has 1 value\(s\) below -1"):
        br.index_return(np.array([[0.0, -2.0]]))
    for fn in (br.weighting_gap, br.return_contributions, br.top_k_contribution_share):
        with pytest.raises(TypeError, match=r"^market_caps is required, got None$"):
            fn(np.zeros((2, 2)), None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^market_caps is required, got None$"):
        br.breadth_summary(np.zeros((2, 2)), None)  # type: ignore[arg-type]


def test_unit_warning_after_checks_and_only_once() -> None:
    """Kills ``check_units`` mutants: one UnitWarning naming returns, none before an error."""
    prices = np.full((3, 2), 2.0)
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude of 2") as rec:
        br.index_return(prices)
    assert len(rec) == 1
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude") as rec:
        br.breadth_summary(prices, np.ones((3, 2)))
    assert len(rec) == 1  # the equal-weighted leg does not warn a second time
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a refused input raises without warning first
        with pytest.raises(InputError, match="market_caps"):
            br.index_return(prices, -np.ones((3, 2)))


# --------------------------------------------------------------------------- top_k share
def test_top_k_share_with_absent_names_in_the_top_slots() -> None:
    """Kills the argpartition / gather mutants (kth, ``[:, :k]``, NaN -> 0 in the picked sum)."""
    # 5 names, caps 50/40/30/20/10 at t-1; names 1 and 3 have no return this period
    caps = np.array([[50.0, 40.0, 30.0, 20.0, 10.0]] * 2)
    rets = np.array([[0.0] * 5, [0.01, NAN, 0.02, NAN, -0.04]])
    w = np.array([50.0, 30.0, 10.0]) / 90.0  # names 0, 2, 4
    c = w * np.array([0.01, 0.02, -0.04])
    total = c.sum()
    expected = {
        1: c[0] / total,
        2: (c[0] + c[1]) / total,
        3: 1.0,  # the three present names
        4: 1.0,  # k = N - 1: one absent name is picked, it adds nothing
    }
    for k, share in expected.items():
        got = br.top_k_contribution_share(rets, caps, top_k=k)
        assert np.isnan(got[0])
        assert got[1] == pytest.approx(share, rel=1e-12), k


def test_top_k_share_of_a_zero_index_return_is_nan() -> None:
    """Kills ``ok = isfinite(total) & (total != 0)`` mutants (x/0 would warn or give inf)."""
    caps = np.array([[1.0, 1.0, 1.0], [3.0, 2.0, 1.0], [3.0, 2.0, 1.0]])
    rets = np.array([[0.0] * 3, [0.0, 0.02, -0.02], [0.03, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = br.top_k_contribution_share(rets, caps, top_k=1)
    # period 1: equal weights, index return exactly 0; period 2: one name carries it all
    np.testing.assert_allclose(got, [NAN, NAN, 1.0])
    frame = br.top_k_contribution_share(_frame(RETS), _frame(CAPS), top_k=2)
    assert frame.name == "top_k_contribution_share" and frame.index.equals(DATES)
    ref = _reference(RETS, CAPS, k=2)
    np.testing.assert_allclose(frame.to_numpy()[1:], [r["top"] / r["R"] for r in ref[1:]])
    prop = br.top_k_contribution_share(RETS, CAPS, top_k=1, nan_policy="propagate")
    # only period 1 has no NaN return and no NaN start cap
    assert np.isnan(prop[[0, 2, 3]]).all()
    assert prop[1] == pytest.approx(_reference(RETS, CAPS, k=1)[1]["top"] / ref[1]["R"])


def test_top_k_checks_its_argument() -> None:
    with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0"):
        br.top_k_contribution_share(RETS, CAPS, top_k=0)
    with pytest.raises(TypeError, match="top_k"):
        br.top_k_contribution_share(RETS, CAPS, top_k=1.5)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- breadth
def test_breadth_every_column_against_the_reference_loop() -> None:
    """Kills the column mutants of breadth (``> 0``, ``> R``, names, median sign, masks)."""
    for caps in (CAPS, None):
        ref = _reference(RETS, caps)
        out = br.breadth(_frame(RETS), None if caps is None else _frame(caps))
        assert list(out.columns) == [
            "n",
            "index_return",
            "share_up",
            "share_beating_index",
            "median_minus_index",
        ]
        assert out.index.equals(DATES)
        for t, row in enumerate(ref):
            got = out.iloc[t]
            assert got["n"] == row["n"]
            if math.isnan(row["R"]):
                assert got.drop("n").isna().all()
                continue
            assert got["index_return"] == pytest.approx(row["R"], rel=1e-13)
            assert got["share_up"] == pytest.approx(row["up"])
            assert got["share_beating_index"] == pytest.approx(row["beat"])
            assert got["median_minus_index"] == pytest.approx(row["median_gap"], rel=1e-12)


def test_breadth_on_arrays_and_under_propagate() -> None:
    """Kills the RangeIndex and ``out.loc[nan_rows, "n"]`` mutants."""
    out = br.breadth(RETS, CAPS)
    assert isinstance(out, pd.DataFrame)
    assert out.index.equals(pd.RangeIndex(4))
    assert out["n"].tolist() == [0.0, 4.0, 2.0, 3.0]
    assert out.iloc[0, 1:].isna().all()  # first period: no start caps, no names
    prop = br.breadth(RETS, CAPS, nan_policy="propagate")
    assert list(prop.columns) == list(out.columns)
    # only period 1 has no NaN return and no NaN start cap: it keeps its omit values
    assert prop.iloc[[0, 2, 3]].isna().all().all()
    pd.testing.assert_series_equal(prop.iloc[1], out.iloc[1])
    rets = np.array([[0.01, 0.02], [0.03, NAN], [0.02, 0.04]])
    prop = br.breadth(rets, nan_policy="propagate")
    assert list(prop.columns) == list(out.columns)
    assert prop["n"].tolist()[0::2] == [2.0, 2.0] and np.isnan(prop["n"].iloc[1])
    np.testing.assert_allclose(prop["share_up"], [1.0, NAN, 1.0])
    np.testing.assert_allclose(prop["index_return"], [0.015, NAN, 0.03])


# --------------------------------------------------------------------------- breadth_summary
def _compound(xs: list[float]) -> float:
    g = 1.0
    for x in xs:
        g *= 1.0 + x
    return g - 1.0


def test_breadth_summary_every_entry_against_the_reference_loop() -> None:
    """Kills the entry mutants of breadth_summary (legs, masks, means, top-k, compounding)."""
    for k in (1, 2, 4):
        ref = [r for r in _reference(RETS, CAPS, k=k) if not math.isnan(r["R"])]
        eq = _reference(RETS, None)
        got = br.breadth_summary(_frame(RETS), _frame(CAPS), top_k=k)
        assert got.name == "breadth_summary"
        expected = {
            "periods": 3.0,
            "cumulative_cap_weighted": _compound([r["R"] for r in ref]),
            "cumulative_equal_weighted": _compound([r["R"] for r in eq]),  # period 0 included
            "cumulative_gap": _compound([r["gap"] for r in ref]),
            "mean_gap": sum(r["gap"] for r in ref) / 3,
            "share_gap_positive": sum(r["gap"] > 0 for r in ref) / 3,
            "mean_share_up": sum(r["up"] for r in ref) / 3,
            "mean_share_beating_index": sum(r["beat"] for r in ref) / 3,
            "top_k_contribution_share": sum(r["top"] for r in ref) / sum(r["R"] for r in ref),
        }
        assert list(got.index) == list(expected)
        for key, value in expected.items():
            assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-15), (k, key)
    # by hand: gaps 0.047619 - 0.05, 0.047183 - 0.03, -0.010247 - 0.003333: one of three > 0
    assert br.breadth_summary(RETS, CAPS, top_k=1)["share_gap_positive"] == pytest.approx(1 / 3)


def test_breadth_summary_ties_zero_totals_and_no_periods() -> None:
    """Kills ``> 0`` / ``> R`` / ``total != 0`` / empty-mean mutants of breadth_summary."""
    caps = np.ones((3, 3))
    # period 1: returns 0, +0.02, -0.02 on equal weights: index exactly 0, a 0 is not "up"
    # nor "beating"; period 2: all zero
    rets = np.array([[0.0] * 3, [0.0, 0.02, -0.02], [0.0, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = br.breadth_summary(rets, caps, top_k=1)
    assert s["periods"] == 2.0
    assert s["mean_share_up"] == pytest.approx((1 / 3 + 0.0) / 2)
    assert s["mean_share_beating_index"] == pytest.approx((1 / 3 + 0.0) / 2)
    assert s["share_gap_positive"] == 0.0  # both gaps exactly 0
    assert s["cumulative_cap_weighted"] == 0.0 and s["mean_gap"] == 0.0
    assert np.isnan(s["top_k_contribution_share"])  # summed index return is 0
    # one period: nothing is defined
    one = br.breadth_summary(np.array([[0.01, 0.02]]), np.ones((1, 2)))
    assert one["periods"] == 0.0
    assert one.drop(["periods", "cumulative_equal_weighted"]).isna().all()
    assert one["cumulative_equal_weighted"] == pytest.approx(0.015)


def test_breadth_summary_overflow_is_inf_without_runtime_warning() -> None:
    """Kills the ``np.errstate(over="ignore")`` mutants of _compound (documented inf)."""
    rets = np.full((5, 2), 1e90)  # values are capped at 1e100; four periods overflow
    with pytest.warns(UnitWarning, match="returns"):
        s = br.breadth_summary(rets, np.ones((5, 2)))
    assert s["cumulative_cap_weighted"] == np.inf
    assert s["cumulative_equal_weighted"] == np.inf


def test_breadth_summary_propagate_and_top_k() -> None:
    """Kills the nan_policy passing and ``check_int`` mutants of breadth_summary."""
    s = br.breadth_summary(RETS, CAPS, nan_policy="propagate")
    ref = _reference(RETS, CAPS)[1]  # the only period with no NaN return or start cap
    assert s["periods"] == 1.0
    assert s["cumulative_cap_weighted"] == pytest.approx(ref["R"], rel=1e-13)
    assert s["mean_gap"] == pytest.approx(ref["gap"], rel=1e-12)
    # the equal-weighted leg keeps only the periods with every return: period 1
    assert s["cumulative_equal_weighted"] == pytest.approx(ref["E"], rel=1e-13)
    with pytest.raises(InputError, match=r"^returns has 3 NaN value"):
        br.breadth_summary(RETS, CAPS, nan_policy="raise")
    with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0"):
        br.breadth_summary(RETS, CAPS, top_k=0)
    # the default top_k is 10: with 4 names it covers them all
    assert br.breadth_summary(RETS, CAPS)["top_k_contribution_share"] == pytest.approx(1.0)


# --------------------------------------------------------------------------- cap_change_breadth
def test_cap_change_breadth_every_column_by_hand() -> None:
    """Kills the column mutants of cap_change_breadth (both ends, growth, top-k, share up)."""
    out = br.cap_change_breadth(_frame(CAPS), top_k=1)
    assert list(out.columns) == ["n", "cap_growth", "top_k_contribution", "share_up"]
    assert out.index.equals(DATES)
    assert out["n"].tolist() == [0.0, 3.0, 3.0, 4.0]
    assert out.iloc[0, 1:].isna().all()
    # period 1 (names a, b, d): start 950, end 980; a is the largest (+60); up: a only
    # period 2 (a, b, d): start 980, end 994; a largest (+33); up: a and d
    # period 3 (all): start 1104, end 1094; a largest (-21); up: b and d (c unchanged)
    np.testing.assert_allclose(out["cap_growth"].iloc[1:], [30 / 950, 14 / 980, -10 / 1104])
    np.testing.assert_allclose(out["top_k_contribution"].iloc[1:], [60 / 950, 33 / 980, -21 / 1104])
    np.testing.assert_allclose(out["share_up"].iloc[1:], [1 / 3, 2 / 3, 2 / 4])
    two = br.cap_change_breadth(CAPS, top_k=2)
    assert two.index.equals(pd.RangeIndex(4))
    # the two largest at the start of each period: a and b
    np.testing.assert_allclose(two["top_k_contribution"].iloc[1:], [30 / 950, 13 / 980, -11 / 1104])
    # default top_k = 10 >= names: the top part is the whole growth
    np.testing.assert_allclose(
        br.cap_change_breadth(CAPS)["top_k_contribution"].iloc[1:], [30 / 950, 14 / 980, -10 / 1104]
    )


def test_cap_change_breadth_zero_start_and_overflow() -> None:
    """Kills ``start > 0`` / ``n > 0`` / errstate mutants: NaN and inf without warnings."""
    caps = np.array([[0.0, 0.0], [1.0, 2.0], [1.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = br.cap_change_breadth(caps)
        big = br.cap_change_breadth(np.array([[1e-250], [1e90]]))
    np.testing.assert_allclose(out["cap_growth"], [NAN, NAN, 0.0])
    np.testing.assert_allclose(out["share_up"], [NAN, 1.0, 0.0])  # n > 0 in period 1
    assert out["n"].tolist() == [0.0, 2.0, 2.0]
    assert big["cap_growth"].iloc[1] == np.inf and big["top_k_contribution"].iloc[1] == np.inf


def test_cap_change_breadth_nan_policies() -> None:
    """Kills the propagate-mask mutants (``bad[1:] |= rows[:-1]``) and the argument checks."""
    caps = np.ones((5, 2))
    caps[2, 0] = NAN  # ends period 2 and starts period 3
    out = br.cap_change_breadth(caps, nan_policy="propagate")
    assert list(out.columns) == ["n", "cap_growth", "top_k_contribution", "share_up"]
    np.testing.assert_allclose(out["n"], [0.0, 2.0, NAN, NAN, 2.0])
    np.testing.assert_allclose(out["cap_growth"], [NAN, 0.0, NAN, NAN, 0.0])
    np.testing.assert_allclose(out["top_k_contribution"], [NAN, 0.0, NAN, NAN, 0.0])
    np.testing.assert_allclose(out["share_up"], [NAN, 0.0, NAN, NAN, 0.0])
    omit = br.cap_change_breadth(caps)
    np.testing.assert_allclose(omit["n"], [0.0, 2.0, 1.0, 1.0, 2.0])
    with pytest.raises(InputError, match=r"^market_caps has 1 NaN value"):
        br.cap_change_breadth(caps, nan_policy="raise")
    with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0"):
        br.cap_change_breadth(caps, top_k=0)
    with pytest.raises(InputError, match=r"^market_caps has 2 negative value"):
        br.cap_change_breadth(-np.ones((1, 2)))
    with pytest.raises(InputError, match=r"^market_caps must be 2-D"):
        br.cap_change_breadth(np.ones(3))
    unsorted = pd.DataFrame(
        np.ones((3, 1)), index=pd.DatetimeIndex(["2024-02", "2024-01", "2024-03"])
    )
    with pytest.raises(InputError, match=r"^market_caps dates are not in increasing order"):
        br.cap_change_breadth(unsorted)


def test_pandas_output_keeps_labels() -> None:
    """Kills wrap mutants: contributions keep the caller's labels."""
    contrib = br.return_contributions(_frame(RETS), _frame(CAPS))
    assert isinstance(contrib, pd.DataFrame)
    assert contrib.index.name == "date"


# --------------------------------------------------------------------------- second pass
def test_default_top_k_is_ten() -> None:
    """Kills ``top_k: int = 10`` -> ``11`` in the three functions that rank names."""
    # 11 names with caps 11, 10, ..., 1: the default top 10 leaves out the smallest name,
    # the only one that moves (+10%); the index return is 0.1 * 1 / 66
    caps = np.tile(np.arange(11.0, 0.0, -1.0), (2, 1))
    rets = np.zeros((2, 11))
    rets[1, -1] = 0.10
    share = br.top_k_contribution_share(rets, caps)
    assert share[1] == 0.0
    assert br.breadth_summary(rets, caps)["top_k_contribution_share"] == 0.0
    moved = caps.copy()
    moved[1, -1] = 1.1  # the smallest name's cap grows by 10%
    out = br.cap_change_breadth(moved)
    assert out["top_k_contribution"].iloc[1] == 0.0
    assert out["cap_growth"].iloc[1] == pytest.approx(0.1 / 66)


@pytest.mark.parametrize(("seed", "k"), [(35, 250), (206, 50)])
def test_top_k_among_many_names(seed: int, k: int) -> None:
    """Kills ``argpartition(..., k - 1)`` -> ``k - 2`` (visible only on some large rows).

    The caps 1..500 in a shuffled order: the top ``k`` names are those with a cap above
    ``500 - k``, picked here by that threshold (independent of any partial sort).
    """
    caps0 = np.random.default_rng(seed).permutation(500) + 1.0
    r = np.random.default_rng(seed + 1).uniform(-0.05, 0.05, 500)
    top = caps0 > 500 - k
    rets = np.vstack([np.zeros(500), r])
    caps = np.vstack([caps0, caps0 * (1 + r)])
    w = caps0 / caps0.sum()
    expected_share = (w[top] * r[top]).sum() / (w * r).sum()
    got = br.top_k_contribution_share(rets, caps, top_k=k)[1]
    assert got == pytest.approx(expected_share, rel=1e-9)
    summary = br.breadth_summary(rets, caps, top_k=k)["top_k_contribution_share"]
    assert summary == pytest.approx(expected_share, rel=1e-9)
    change = br.cap_change_breadth(caps, top_k=k)["top_k_contribution"].iloc[1]
    assert change == pytest.approx((caps0[top] * r[top]).sum() / caps0.sum(), rel=1e-9)


def test_one_name_periods_in_the_summary_and_cap_changes() -> None:
    """Kills ``has = n > 0`` -> ``n > 1`` (breadth_summary) and ``n > 0`` -> ``n > 1``
    (share_up of cap_change_breadth): a period with a single name is still defined."""
    rets = np.array([[0.0, 0.0], [0.02, NAN], [-0.01, 0.03]])
    caps = np.array([[1.0, 3.0], [1.0, 3.0], [1.0, 3.0]])
    s = br.breadth_summary(rets, caps, top_k=1)
    # period 1: only name 0 (+2%): up 1, beating the index 0, gap 0
    # period 2: weights 1/4 and 3/4: R = 0.02, E = 0.01, up 1/2, beating 1/2
    assert s["mean_share_up"] == pytest.approx((1.0 + 0.5) / 2)
    assert s["mean_share_beating_index"] == pytest.approx((0.0 + 0.5) / 2)
    assert s["mean_gap"] == pytest.approx((0.0 + 0.01) / 2)
    assert s["share_gap_positive"] == pytest.approx(0.5)
    one = br.cap_change_breadth(np.array([[1.0, NAN], [2.0, NAN], [2.0, 5.0]]))
    np.testing.assert_allclose(one["share_up"], [NAN, 1.0, 0.0])
    np.testing.assert_allclose(one["cap_growth"], [NAN, 1.0, 0.0])


def test_polars_in_polars_out() -> None:
    """Kills ``to_caller(out, meta)`` -> ``to_caller(out, None)``: polars input gives polars."""
    pl = pytest.importorskip("polars")
    r = pl.DataFrame({"a": [0.0, 0.01, 0.02], "b": [0.0, -0.01, 0.03]})
    c = pl.DataFrame({"a": [1.0, 2.0, 3.0], "b": [2.0, 2.0, 2.0]})
    out = br.breadth(r, c)
    assert isinstance(out, pl.DataFrame)
    # period 2: weights 2/4 and 2/4: R = 0.025; period 1: weights 1/3, 2/3: R = -1/300
    np.testing.assert_allclose(out["index_return"].to_numpy(), [NAN, -1 / 300, 0.025])
    summary = br.breadth_summary(r, c)
    assert isinstance(summary, pl.DataFrame)
    assert summary.columns == ["index", "breadth_summary"]
    assert summary["index"].to_list()[0] == "periods" and summary["breadth_summary"][0] == 2.0
    changes = br.cap_change_breadth(c)
    assert isinstance(changes, pl.DataFrame)
    # period 1: 3 -> 4; period 2: 4 -> 5
    np.testing.assert_allclose(changes["cap_growth"].to_numpy(), [NAN, 1 / 3, 0.25])
