"""Gaps in the spread-table and debt-book tests found by mutation testing (mutmut 3.8.1).

Each test pins a behaviour that a surviving mutant of ``refinancing/_spreads.py`` or
``refinancing/_book.py`` changed without any test noticing: an error message and the argument
it names, a validation branch, a boundary, a value or a returned layout. Expected values come
from Damodaran's published tables (the sources recorded in ``_spreads.py``), hand
computations written out next to them, or an independent implementation (``np.searchsorted``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.refinancing import DebtBook, SpreadTable
from divergence.refinancing._book import (
    MAX_GROWTH,
    MAX_RATE_BETA,
    MAX_VOLATILITY,
    as_book,
    as_firms,
)
from divergence.refinancing._spreads import tables_for_cohorts

# Damodaran, "Ratings, Interest Coverage Ratios and Default Spread" (NYU Stern data page,
# pages.stern.nyu.edu/~adamodar/New_Home_Page/datafile/ratings.htm, the undated snapshot
# recorded in _spreads.py, re-read for these tests): ratings from the lowest coverage band up,
# the lower coverage edge of every band after the first for large (> $5bn) and for smaller
# firms ("greater than 0.2, at most 0.649999" read as [0.2, 0.65)), and the spread column
# shared by both (D 19.00% ... AAA 0.45%).
RATINGS = ["D", "C", "CC", "CCC", "B-", "B", "B+", "BB", "BB+", "BBB", "A-", "A", "A+", "AA", "AAA"]
LARGE_EDGES = [0.2, 0.65, 0.8, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.25, 5.5, 6.5, 8.5]
SMALL_EDGES = [0.5, 0.8, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 6.0, 7.5, 9.5, 12.5]
WEB_SPREADS = [
    0.19, 0.155, 0.101, 0.0728, 0.0442, 0.03, 0.0261, 0.0183, 0.0155, 0.012, 0.0095, 0.0085,
    0.0077, 0.006, 0.0045,
]  # fmt: skip
# Damodaran on Valuation, 2nd ed. (2006), Table 2.4: small manufacturing firms, 2004 spreads
# (same coverage bands as the smaller firms of the web page; "< 0.50 D 20.00" ... "> 12.5 AAA
# 0.35").
SMALL_2004_SPREADS = [
    0.20, 0.12, 0.10, 0.08, 0.06, 0.04, 0.0325, 0.025, 0.02, 0.015, 0.01, 0.0085, 0.007, 0.005,
    0.0035,
]  # fmt: skip

TWO_BANDS = pd.DataFrame({"lower": [0.0, 2.0], "rating": ["HY", "IG"], "spread": [0.06, 0.01]})


# ------------------------------------------------------------------ published tables
@pytest.mark.parametrize(
    ("table", "edges", "spreads", "source_has"),
    [
        (SpreadTable.damodaran(), LARGE_EDGES, WEB_SPREADS, "large non-financial firms"),
        (SpreadTable.damodaran("large"), LARGE_EDGES, WEB_SPREADS, "large non-financial firms"),
        (SpreadTable.damodaran("small"), SMALL_EDGES, WEB_SPREADS, "small non-financial firms"),
        (SpreadTable.damodaran_small_2004(), SMALL_EDGES, SMALL_2004_SPREADS, "Table 2.4"),
    ],
)
def test_published_tables_band_by_band(
    table: SpreadTable, edges: list[float], spreads: list[float], source_has: str
) -> None:
    # every band of the published table, read back through to_frame: [lower, upper) edges,
    # rating and spread, one row per band lowest first
    frame = table.to_frame()
    assert list(frame.columns) == ["lower", "upper", "rating", "spread"]
    np.testing.assert_array_equal(frame["lower"], [-np.inf, *edges])
    np.testing.assert_array_equal(frame["upper"], [*edges, np.inf])
    assert frame["rating"].tolist() == RATINGS
    np.testing.assert_array_equal(frame["spread"], spreads)
    assert frame.attrs == {"source": table.source, "as_of": table.as_of}
    assert source_has in table.source
    # a coverage just inside each band maps to that band's rating and spread
    inside = np.r_[edges[0] - 1.0, edges]
    assert [table.rating(float(c)) for c in inside] == RATINGS
    np.testing.assert_array_equal(table.spread(inside), spreads)


def test_published_table_provenance() -> None:
    # the citations recorded with every result (see the module's source notes)
    small = SpreadTable.damodaran_small_2004()
    assert small.source == (
        "A. Damodaran, Damodaran on Valuation, 2nd ed. (2006), Table 2.4, small manufacturing firms"
    )
    assert small.as_of == "2004"
    web = SpreadTable.damodaran("small")
    assert web.source.startswith("A. Damodaran, 'Ratings, Interest Coverage Ratios")
    assert web.source.endswith(", small non-financial firms")
    assert "undated" in web.as_of


def test_firm_size_selects_the_edges() -> None:
    # coverage 4.2 in the published bands: large firms [3.0, 4.25) -> A-, smaller firms
    # [4.0, 4.5) -> BBB
    assert SpreadTable.damodaran("large").rating(4.2) == "A-"
    assert SpreadTable.damodaran("small").rating(4.2) == "BBB"
    with pytest.raises(InputError, match=r"^firm_size must be one of \['large', 'small'\]"):
        SpreadTable.damodaran("medium")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^firm_size must be one of .*got int"):
        SpreadTable.damodaran(1)  # type: ignore[arg-type]


# ------------------------------------------------------------------ SpreadTable.from_frame
def test_from_frame_records_provenance_and_reads_to_frame_back() -> None:
    default = SpreadTable.from_frame(TWO_BANDS)
    assert (default.source, default.as_of) == ("user table", "unspecified")
    desk = SpreadTable.from_frame(TWO_BANDS, source="desk", as_of="2026-01")
    assert (desk.source, desk.as_of) == ("desk", "2026-01")
    # bands [-inf, 2) -> HY 6%, [2, inf) -> IG 1% (the first row's lower edge is ignored)
    assert desk.edges == (2.0,)
    assert desk.spreads == (0.06, 0.01)
    assert desk.ratings == ("HY", "IG")
    assert [desk.rating(1.99), desk.rating(2.0)] == ["HY", "IG"]
    # to_frame writes -inf as the first lower edge: from_frame must take it back as it is
    for table in (SpreadTable.damodaran(), SpreadTable.damodaran_small_2004(), desk):
        back = SpreadTable.from_frame(table.to_frame(), source=table.source, as_of=table.as_of)
        assert back == table


def test_from_frame_first_lower_edge_may_be_anything() -> None:
    # the first row's edge is ignored (it is -inf by definition): NaN, +inf or a number
    for first in (np.nan, np.inf, -np.inf, 5.0):
        t = SpreadTable.from_frame(TWO_BANDS.assign(lower=[first, 2.0]))
        assert t.edges == (2.0,)
    flat = SpreadTable.from_frame(
        pd.DataFrame({"lower": [-np.inf], "rating": ["all"], "spread": [0.03]})
    )
    assert flat.edges == () and flat.spread(-1e9) == 0.03


def _frame(**cols: list[Any]) -> pd.DataFrame:
    return TWO_BANDS.assign(**cols) if cols else TWO_BANDS.copy()


@pytest.mark.parametrize(
    ("frame", "exc", "pattern"),
    [
        ({"lower": [0.0]}, TypeError, r"^frame must be a DataFrame, got dict$"),
        (
            TWO_BANDS.drop(columns="rating"),
            InputError,
            r"^frame is missing column\(s\) \['rating'\]$",
        ),
        (
            TWO_BANDS.drop(columns=["lower", "spread"]),
            InputError,
            r"^frame is missing column\(s\) \['lower', 'spread'\]$",
        ),
        (_frame(lower=["a", "b"]), TypeError, r"^frame\['lower'\] must hold numbers"),
        (
            _frame(lower=[0.0, np.nan]),
            InputError,
            r"^frame\['lower'\] must be finite after the first row",
        ),
        (
            pd.DataFrame(
                {"lower": [0.0, 1.0, np.inf], "rating": list("abc"), "spread": [3.0, 2.0, 1.0]}
            ),
            InputError,
            r"^frame\['lower'\] must be finite after the first row",
        ),
        (
            pd.DataFrame(
                {"lower": [0.0, np.nan, 2.0], "rating": list("abc"), "spread": [3.0, 2.0, 1.0]}
            ),
            InputError,
            r"^frame\['lower'\] must be finite after the first row",
        ),
        (_frame(spread=["a", "b"]), TypeError, r"^frame\['spread'\] must hold numbers"),
        (_frame(spread=[0.06, np.nan]), InputError, r"^frame\['spread'\] has 1 NaN value"),
        (_frame(spread=[0.06, -0.01]), InputError, r"^frame\['spread'\] has 1 negative value"),
        (
            pd.concat([TWO_BANDS, TWO_BANDS[["lower"]]], axis=1),
            InputError,
            r"^frame\['lower'\] has duplicate column labels; first 'lower'",
        ),
        (
            pd.concat([TWO_BANDS, TWO_BANDS[["spread"]]], axis=1),
            InputError,
            r"^frame\['spread'\] has duplicate column labels; first 'spread'",
        ),
        (
            pd.DataFrame(
                {"lower": [0.0, 3.0, 2.0], "rating": list("abc"), "spread": [3.0, 2.0, 1.0]}
            ),
            InputError,
            r"^edges must be strictly increasing$",
        ),
    ],
)
def test_from_frame_bad_frames(frame: Any, exc: type[Exception], pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        SpreadTable.from_frame(frame)


# ------------------------------------------------------------------ lookups and to_frame
def test_band_agrees_with_searchsorted_on_any_shape() -> None:
    # independent implementation: np.searchsorted(edges, x, side="right") over the web
    # table's edges, on a scalar, a 1-D and a 2-D input (±inf allowed, +inf = no interest)
    t = SpreadTable.damodaran()
    edges = np.asarray(LARGE_EDGES)
    x = np.array([[-3.0, -1.0, 0.2, 0.64], [2.5, 8.5, 1e200, np.inf]])
    np.testing.assert_array_equal(t.band(x), np.searchsorted(edges, x, side="right"))
    np.testing.assert_array_equal(t.band(x[1]), [9, 14, 14, 14])  # 2.5 opens band 9
    assert t.band(0.65) == 2
    np.testing.assert_array_equal(t.spread(x), np.asarray(WEB_SPREADS)[t.band(x)])
    with pytest.raises(InputError, match=r"^coverage must be 1-D or 2-D, got a 3-D input"):
        t.band(np.ones((2, 2, 2)))
    with pytest.raises(InputError, match=r"^coverage is empty"):
        t.band([])
    with pytest.raises(TypeError, match=r"^coverage must hold real numbers, got booleans"):
        t.band([True])


def test_band_of_both_infinities_does_not_warn() -> None:
    # -inf and +inf together used to warn in the input check (-inf + inf); bands by hand
    np.testing.assert_array_equal(SpreadTable.damodaran().band([-np.inf, np.inf]), [0, 14])


def test_rating_takes_infinite_coverage_and_names_its_argument() -> None:
    t = SpreadTable.damodaran()
    assert t.rating(np.inf) == "AAA"  # no interest: top band
    assert t.rating(-np.inf) == "D"
    assert t.rating(8.5) == "AAA" and t.rating(8.49) == "AA"  # [lo, hi) bands
    with pytest.raises(InputError, match=r"^coverage must be a finite number, got nan$"):
        t.rating(np.nan)
    with pytest.raises(TypeError, match=r"^coverage must be a real number, got str$"):
        t.rating("2.0")  # type: ignore[arg-type]


def test_to_frame_layout() -> None:
    t = SpreadTable.from_frame(TWO_BANDS, source="desk", as_of="2026-01")
    expected = pd.DataFrame(
        {
            "lower": [-np.inf, 2.0],
            "upper": [2.0, np.inf],
            "rating": ["HY", "IG"],
            "spread": [0.06, 0.01],
        }
    )
    frame = t.to_frame()
    pd.testing.assert_frame_equal(frame, expected)
    assert frame.attrs == {"source": "desk", "as_of": "2026-01"}


# ------------------------------------------------------------------ refinancing_spread
PERVERSE = SpreadTable((2.0,), (0.01, 0.10), ("low", "high"), source="test", as_of="test")


def test_default_iteration_cap_is_20() -> None:
    # A table whose spread RISES with coverage never settles: E = 10, P = 100, base 4%.
    # Start: coverage 10 / 4 = 2.5 -> 10%; step 1: 10 / (4 + 10) = 0.71 -> 1%;
    # step 2: 10 / (4 + 1) = 2.0 -> 10%; ... so after k steps the spread is 10% for even k
    # and 1% for odd k, never converged (hand computation).
    for k, expected in ((1, 0.01), (2, 0.10), (19, 0.01), (20, 0.10), (21, 0.01)):
        s, ok = PERVERSE.refinancing_spread(10.0, 0.0, 100.0, 0.04, max_iter=k)
        assert float(s) == expected and not bool(ok)
    s, ok = PERVERSE.refinancing_spread(10.0, 0.0, 100.0, 0.04)
    assert float(s) == 0.10 and not bool(ok)


def test_inputs_that_do_not_broadcast_are_named() -> None:
    t = SpreadTable.damodaran()
    msg = (
        r"^the inputs do not broadcast together: ebit \(2,\), other_interest \(3,\), "
        r"principal \(\), base_rate \(\)$"
    )
    with pytest.raises(InputError, match=msg):
        t.refinancing_spread([1.0, 2.0], [0.0, 0.0, 0.0], 1.0, 0.01)
    msg = (
        r"^the inputs do not broadcast together: ebit \(\), other_interest \(\), "
        r"principal \(2,\), base_rate \(\), initial_coverage \(3,\)$"
    )
    with pytest.raises(InputError, match=msg):
        t.refinancing_spread(1.0, 0.0, [1.0, 2.0], 0.01, initial_coverage=[1.0, 2.0, 3.0])


GOOD = {"ebit": 10.0, "other_interest": 1.0, "principal": 30.0, "base_rate": 0.04}


@pytest.mark.parametrize(
    ("arg", "value", "exc", "pattern"),
    [
        ("ebit", np.nan, InputError, r"^ebit must be a finite number, got nan$"),
        ("ebit", np.inf, InputError, r"^ebit must be a finite number, got inf$"),
        ("ebit", [1.0, np.nan], InputError, r"^ebit has 1 NaN value"),
        ("ebit", [np.inf], InputError, r"^ebit has 1 infinite value"),
        ("ebit", np.ones((2, 2, 2)), InputError, r"^ebit must be 1-D or 2-D, got a 3-D input"),
        ("ebit", [], InputError, r"^ebit is empty"),
        ("ebit", "10", TypeError, r"^ebit must be array-like of numbers, got a string$"),
        ("ebit", True, TypeError, r"^ebit must hold real numbers, got booleans$"),
        ("other_interest", -1.0, InputError, r"^other_interest must be >= 0, got -1.0$"),
        ("other_interest", -np.inf, InputError, r"^other_interest must be a finite number"),
        ("other_interest", [0.0, -1.0], InputError, r"^other_interest has 1 negative value"),
        ("other_interest", np.nan, InputError, r"^other_interest must be a finite number"),
        ("principal", -0.5, InputError, r"^principal must be >= 0, got -0.5$"),
        ("principal", np.int64(-2), InputError, r"^principal must be >= 0, got -2.0$"),
        ("principal", [[1.0], [-2.0]], InputError, r"^principal has 1 negative value"),
        ("principal", [np.nan], InputError, r"^principal has 1 NaN value"),
        ("base_rate", np.nan, InputError, r"^base_rate must be a finite number, got nan$"),
        ("base_rate", -np.inf, InputError, r"^base_rate must be a finite number, got -inf$"),
        ("base_rate", [0.01, np.inf], InputError, r"^base_rate has 1 infinite value"),
        ("initial_coverage", [np.nan], InputError, r"^initial_coverage has 1 NaN value"),
        ("initial_coverage", "x", TypeError, r"^initial_coverage must be array-like"),
        ("max_iter", 2.0, TypeError, r"^max_iter must be an integer, got float$"),
    ],
)
def test_refinancing_spread_bad_inputs(
    arg: str, value: object, exc: type[Exception], pattern: str
) -> None:
    kwargs: dict[str, Any] = {**GOOD, arg: value}
    with pytest.raises(exc, match=pattern):
        SpreadTable.damodaran_small_2004().refinancing_spread(**kwargs)


def test_refinancing_spread_edge_values_are_accepted() -> None:
    # hand computations on the 2004 small-firm table (Table 2.4 bands):
    t = SpreadTable.damodaran_small_2004()
    # no principal: coverage 10 / 1 = 10 -> [9.5, 12.5) AA 0.50%, whatever the base rate
    s, ok = t.refinancing_spread(10.0, 1.0, 0.0, -0.01)
    assert float(s) == 0.005 and bool(ok)
    # no interest at all: coverage +inf -> AAA 0.35%
    s, ok = t.refinancing_spread(10.0, 0.0, 0.0, 0.04)
    assert float(s) == 0.0035 and bool(ok)
    # negative base rate: 10 / (1 + 30 x (-1% + s)); from 10/0.7 = 14.3 -> AAA 0.35%:
    # 10 / (1 - 0.195) = 12.4 -> AA 0.50%; 10 / (1 - 0.15) = 11.8 -> AA: fixed point 0.50%
    s, ok = t.refinancing_spread(10.0, 1.0, 30.0, -0.01)
    assert float(s) == 0.005 and bool(ok)
    # a start at +inf, -inf or beyond 1e100 coverage (arrays and scalars) is allowed; the
    # map is s -> spread(10 / (1 + 30 (4% + s))). From the top band (AAA 0.35%):
    # 10 / 2.305 = 4.34 -> [4.0, 4.5) BBB 1.5%; 10 / 2.65 = 3.77 -> [3.5, 4.0) BB+ 2%;
    # 10 / 2.8 = 3.57 -> BB+: 2%. From the bottom band (D 20%): 10 / 8.2 = 1.22 -> [0.8, 1.25)
    # CC 10%; 10 / 5.2 = 1.92 -> [1.5, 2) B- 6%; 10 / 4 = 2.5 -> [2.5, 3) B+ 3.25%;
    # 10 / 3.175 = 3.15 -> [3, 3.5) BB 2.5%; 10 / 2.95 = 3.39 -> BB: 2.5% (two fixed points)
    for start, expected in ((np.inf, 0.02), (1e200, 0.02), (-np.inf, 0.025), (-1e200, 0.025)):
        s, ok = t.refinancing_spread(**GOOD, initial_coverage=start)
        assert float(s) == expected and bool(ok)
        s, ok = t.refinancing_spread(**GOOD, initial_coverage=[start])
        assert s.tolist() == [expected] and ok.tolist() == [True]


def test_refinancing_spread_on_a_2d_grid_equals_scalar_calls() -> None:
    # independent route: one scalar call per element of a 2-D broadcast (rows: ebit, columns:
    # base rate); the array path must give the same spreads in the broadcast shape
    t = SpreadTable.damodaran()
    ebit = np.array([[2.0], [5.0], [40.0]])
    base = np.array([[0.0, 0.03, 0.08]])
    s, ok = t.refinancing_spread(ebit, 0.5, 30.0, base)
    assert s.shape == ok.shape == (3, 3)
    for i in range(3):
        for j in range(3):
            s_ij, ok_ij = t.refinancing_spread(float(ebit[i, 0]), 0.5, 30.0, float(base[0, j]))
            assert s[i, j] == float(s_ij) and ok[i, j] == bool(ok_ij)


def test_huge_scalar_coverage_maps_like_an_array_element() -> None:
    # Regression (found from band mutant 8): a scalar coverage beyond 1e100 was rejected
    # while the same value in an array (and +inf) mapped to the top band.
    t = SpreadTable.damodaran()
    for c in (1e200, -1e200):
        band = 14 if c > 0 else 0
        assert t.band(c) == t.band([c])[0] == band
        assert t.spread(c) == WEB_SPREADS[band]
        assert t.rating(c) == RATINGS[band]
    # other inputs stay bounded like every array input of the library
    with pytest.raises(InputError, match=r"^ebit must be at most 1e\+100 in magnitude"):
        t.refinancing_spread(1e200, 0.0, 1.0, 0.0)


# two bands: coverage >= 2 -> 1%, below -> 5% (two fixed points for some firms)
STEP = SpreadTable((2.0,), (0.05, 0.01), ("junk", "ig"), source="test", as_of="test")


def test_default_start_is_coverage_at_the_base_rate_alone() -> None:
    # E = 10, other interest 4, P = 100 at base -2%: the default start is
    # 10 / (4 + 100 x (-2%)) = 5 -> 1%; then 10 / (4 + 100 x (-1%)) = 3.3 -> 1% (fixed point).
    # Starting from 10 / (4 + 2) = 1.67 instead -> 5%; 10 / (4 + 3) = 1.43 -> 5% (the other
    # fixed point): the starting coverage is observable (hand computation)
    s, ok = STEP.refinancing_spread(10.0, 4.0, 100.0, -0.02)
    assert float(s) == 0.01 and bool(ok)
    s, ok = STEP.refinancing_spread(10.0, 4.0, 100.0, -0.02, initial_coverage=5.0)
    assert float(s) == 0.01 and bool(ok)
    s, ok = STEP.refinancing_spread(10.0, 4.0, 100.0, -0.02, initial_coverage=10.0 / 6.0)
    assert float(s) == 0.05 and bool(ok)


@pytest.mark.parametrize(
    ("ebit", "expected"),
    [
        (10.0, 0.01),  # 10 / 0: +inf -> top band
        (0.0, 0.01),  # 0 / 0: no interest, so coverage +inf (not NaN) -> top band
        (-5.0, 0.01),  # -5 / 0: still no interest burden -> +inf, not -inf -> top band
    ],
)
def test_zero_interest_is_infinite_coverage_without_warnings(ebit: float, expected: float) -> None:
    # no other interest and nothing refinanced: total interest is exactly 0, which the method
    # defines as coverage +inf (Notes); pytest turns a divide/invalid RuntimeWarning into an error
    for table in (STEP, SpreadTable.damodaran()):
        s, ok = table.refinancing_spread(ebit, 0.0, 0.0, 0.04)
        assert float(s) == table.spreads[-1] and bool(ok)
    s, ok = STEP.refinancing_spread([ebit, ebit], [0.0, 0.0], [0.0, 0.0], [0.04, -0.01])
    assert s.tolist() == [expected, expected] and ok.tolist() == [True, True]
    # and with a start in the bottom band the first step moves it up to the top band
    s, ok = STEP.refinancing_spread(ebit, 0.0, 0.0, 0.04, initial_coverage=-np.inf, max_iter=1)
    assert float(s) == expected and not bool(ok)


def test_band_counting_with_more_than_127_edges() -> None:
    # independent implementation: np.searchsorted. With 200 edges the bands run past what
    # an int8 counter holds, so such tables must use the binary search on long inputs too
    from divergence.refinancing._spreads import _band

    edges = np.linspace(0.0, 10.0, 200)
    x = np.resize(np.linspace(-1.0, 11.0, 997), 8 * 200**2)
    np.testing.assert_array_equal(_band(edges, x), np.searchsorted(edges, x, side="right"))


def test_coverage_helper_broadcasts() -> None:
    # EBIT / interest over broadcast shapes, +inf where interest <= 0 (hand values)
    from divergence.refinancing._spreads import _coverage

    out = _coverage(np.array([[2.0], [-4.0], [0.0]]), np.array([[4.0, 0.0]]))
    np.testing.assert_array_equal(out, [[0.5, np.inf], [-1.0, np.inf], [0.0, np.inf]])
    out = _coverage(np.array(6.0), np.array([3.0, -1.0]))
    np.testing.assert_array_equal(out, [2.0, np.inf])


def test_tables_for_cohorts_deduplicates_by_identity() -> None:
    a, b = SpreadTable.damodaran(), SpreadTable.damodaran()  # equal, distinct objects
    tables, idx = tables_for_cohorts({"x": a, "y": b, "z": a}, ["z", "y", "x", "y"])
    assert len(tables) == 2 and tables[0] is a and tables[1] is b
    assert idx.dtype == np.int64 and idx.tolist() == [0, 1, 0, 1]
    tables, idx = tables_for_cohorts(a, ["x", "y", "z"])
    assert tables == [a] and idx.dtype == np.int64 and idx.tolist() == [0, 0, 0]


# ------------------------------------------------------------------ DebtBook.from_frame
WHOLE = r" must be a whole number of months >= 1; "
AT0 = r"first at row 0 \(position 0\)$"
AT1 = r"first at row 1 \(position 1\)$"


def book_frame(**changes: Any) -> pd.DataFrame:
    """A fixed and a floating tranche of firm 'a'; ``col=[v0, v1]`` replaces a column."""
    frame = pd.DataFrame(
        {
            "firm": ["a", "a"],
            "principal": [100.0, 50.0],
            "kind": ["fixed", "floating"],
            "coupon": [0.05, np.nan],
            "spread": [np.nan, 0.02],
            "maturity": [12.0, 6.0],
            "reset_months": [np.nan, 3.0],
            "first_reset": [np.nan, 2.0],
            "tenor": [24.0, 36.0],
        }
    )
    for col, values in changes.items():
        frame[col] = pd.Series(
            values, dtype=object if any(isinstance(v, str) for v in values) else None
        )
    return frame


def test_book_arrays_types_and_fixed_tranche_zeros() -> None:
    book = DebtBook.from_frame(book_frame())
    # documented: firm object labels, int months, 0 in the reset columns of fixed tranches
    assert book.firm.dtype == object and book.firm.tolist() == ["a", "a"]
    for name, expected in (
        ("maturity", [12, 6]),
        ("reset_months", [0, 3]),
        ("first_reset", [0, 2]),
        ("tenor", [24, 36]),
    ):
        arr = getattr(book, name)
        assert arr.dtype == np.int64, name
        assert arr.tolist() == expected, name
    assert book.floating.tolist() == [False, True]
    np.testing.assert_array_equal(book.spread, [np.nan, 0.02])
    np.testing.assert_array_equal(book.coupon, [0.05, np.nan])
    # integer firm labels stay labels (object), not numbers
    ints = DebtBook.from_frame(book_frame(firm=[7, 7]))
    assert ints.firm.dtype == object and ints.firm.tolist() == [7, 7]


def test_book_to_frame_round_trip() -> None:
    frame = book_frame()
    book = DebtBook.from_frame(frame)
    out = book.to_frame()
    assert out["kind"].tolist() == ["fixed", "floating"]
    assert out["reset_months"].tolist() == [0, 3] and out["first_reset"].tolist() == [0, 2]
    again = DebtBook.from_frame(out)
    for name in ("principal", "coupon", "spread"):
        np.testing.assert_array_equal(getattr(again, name), getattr(book, name))
    for name in ("firm", "floating", "maturity", "reset_months", "first_reset", "tenor"):
        assert getattr(again, name).tolist() == getattr(book, name).tolist(), name


def test_book_defaults_and_all_nan_optional_columns() -> None:
    # first_reset defaults to reset_months, also when its column is all NaN; a book of fixed
    # tranches may carry all-NaN reset columns; tenor and maturity of 1 month are valid
    book = DebtBook.from_frame(book_frame(first_reset=[np.nan, np.nan]))
    assert book.first_reset.tolist() == [0, 3]
    fixed = book_frame(kind=["fixed", "fixed"], coupon=[0.05, 0.04], reset_months=[np.nan, np.nan])
    fixed = fixed.assign(first_reset=np.nan, maturity=1.0, tenor=1.0)
    book = DebtBook.from_frame(fixed)
    assert book.reset_months.tolist() == [0, 0] and book.first_reset.tolist() == [0, 0]
    assert book.maturity.tolist() == [1, 1] and book.tenor.tolist() == [1, 1]


def test_book_indexed_by_firm_with_repeated_labels() -> None:
    # a book indexed by firm (tranches of one firm share the label) that keeps its firm
    # column: the index is dropped, not inserted as a column that clashes with 'firm'
    frame = book_frame().set_index("firm", drop=False)
    book = DebtBook.from_frame(frame)
    assert book.firm.tolist() == ["a", "a"] and len(book) == 2


def test_book_does_not_alias_the_frame() -> None:
    # the book is validated once and reused: editing the caller's frame afterwards must not
    # reach it (an object column's to_numpy(copy=False) is a view that frame.loc writes through)
    frame = book_frame(firm=["a", "b"])
    frame["firm"] = frame["firm"].astype(object)
    book = DebtBook.from_frame(frame)
    frame.loc[0, "firm"] = "zz"
    frame.loc[0, "principal"] = -1.0
    assert book.firm.tolist() == ["a", "b"] and book.principal.tolist() == [100.0, 50.0]


@pytest.mark.parametrize(
    ("frame", "exc", "pattern"),
    [
        ([1], TypeError, r"^frame must be a DataFrame, got list$"),
        (
            book_frame().drop(columns="tenor"),
            InputError,
            r"^frame is missing required column\(s\) \['tenor'\]$",
        ),
        (book_frame().iloc[:0], InputError, r"^frame is empty$"),
        (
            book_frame(firm=["a", None]),
            InputError,
            r"^frame\['firm'\] has missing labels; " + AT1,
        ),
        (
            book_frame(kind=["fixed", "zero"]),
            InputError,
            r"^frame\['kind'\] must be 'fixed' or 'floating'; got 'zero', " + AT1,
        ),
        (
            book_frame(principal=[100.0, 0.0]),
            InputError,
            r"^frame\['principal'\] must be strictly positive; 1 value",
        ),
        (
            book_frame(principal=[100.0, np.nan]),
            InputError,
            r"^frame\['principal'\] has 1 NaN value",
        ),
        (book_frame(principal=["x", "y"]), TypeError, r"^frame\['principal'\] must hold numbers"),
        (
            book_frame(coupon=[np.inf, np.nan]),
            InputError,
            r"^frame\['coupon'\] has 1 infinite value",
        ),
        (
            book_frame(spread=[np.nan, np.inf]),
            InputError,
            r"^frame\['spread'\] has 1 infinite value",
        ),
        (
            book_frame(coupon=[np.nan, np.nan]),
            InputError,
            r"^frame\['coupon'\] is required for fixed tranches; 1 missing, " + AT0,
        ),
        (
            book_frame(spread=[np.nan, np.nan]),
            InputError,
            r"^frame\['spread'\] is required for floating tranches; 1 missing, " + AT1,
        ),
        (
            book_frame(maturity=[12.0, 0.5]),
            InputError,
            r"^frame\['maturity'\]" + WHOLE + r"1 row\(s\) are not, " + AT1,
        ),
        (
            book_frame(maturity=[np.nan, np.nan]),
            InputError,
            r"^frame\['maturity'\]" + WHOLE + r"2 row\(s\) are not, " + AT0,
        ),
        (
            book_frame(maturity=[np.inf, 1.0]),
            InputError,
            r"^frame\['maturity'\] has 1 infinite value",
        ),
        (
            book_frame(tenor=[0.0, 36.0]),
            InputError,
            r"^frame\['tenor'\]" + WHOLE + r"1 row\(s\) are not, " + AT0,
        ),
        (
            book_frame(tenor=[np.nan, np.nan]),
            InputError,
            r"^frame\['tenor'\]" + WHOLE + r"2 row\(s\) are not",
        ),
        (book_frame(tenor=[np.inf, 1.0]), InputError, r"^frame\['tenor'\] has 1 infinite value"),
        (
            book_frame(reset_months=[np.nan, 2.5]),
            InputError,
            r"^frame\['reset_months'\]" + WHOLE + r"1 row\(s\) are not, " + AT1,
        ),
        (
            book_frame(reset_months=[np.nan, np.inf]),
            InputError,
            r"^frame\['reset_months'\] has 1 infinite value",
        ),
        (
            book_frame(first_reset=[np.nan, 0.0]),
            InputError,
            r"^frame\['first_reset'\]" + WHOLE + r"1 row\(s\) are not, " + AT1,
        ),
        (
            book_frame(first_reset=[np.nan, np.inf]),
            InputError,
            r"^frame\['first_reset'\] has 1 infinite value",
        ),
        (
            book_frame(first_reset=[np.nan, 4.0]),
            InputError,
            r"^frame\['first_reset'\] must be <= reset_months; " + AT1,
        ),
        (
            pd.concat([book_frame(), book_frame()[["principal"]]], axis=1),
            InputError,
            r"^frame\['principal'\] has duplicate column labels; first 'principal'",
        ),
    ],
)
def test_book_bad_frames(frame: Any, exc: type[Exception], pattern: str) -> None:
    with pytest.raises(exc, match=pattern):
        DebtBook.from_frame(frame)


@pytest.mark.parametrize(
    ("index", "where"),
    [
        (["x", "y"], r"first at row 'y' \(position 1\)"),  # unique labels are reported
        ([5, 5], r"first at row 1 \(position 1\)"),  # repeated labels: positions instead
    ],
)
def test_book_errors_locate_rows_by_label(index: list[Any], where: str) -> None:
    frame = book_frame(maturity=[12.0, 0.5]).set_axis(index)
    with pytest.raises(InputError, match=rf"^frame\['maturity'\] .*{where}$"):
        DebtBook.from_frame(frame)
    with pytest.raises(InputError, match=rf"^book\['maturity'\] .*{where}$"):
        as_book(frame)


# ------------------------------------------------------------------ firms table
def firms_frame(**changes: Any) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "firm": ["a", "b"],
            "ebit": [20.0, 5.0],
            "growth": [0.0, 0.02],
            "volatility": [0.1, 0.2],
            "cohort": ["c", "d"],
        }
    )
    for col, values in changes.items():
        frame[col] = values
    return frame


def test_firms_bounds_are_inclusive_and_codes_in_order_of_appearance() -> None:
    firms = as_firms(
        firms_frame(
            growth=[MAX_GROWTH, -MAX_GROWTH],
            volatility=[MAX_VOLATILITY, 0.0],
            rate_beta=[MAX_RATE_BETA, -MAX_RATE_BETA],
            cohort=["z", "a"],
        )
    )
    assert firms.growth.tolist() == [5.0, -5.0]
    assert firms.volatility.tolist() == [5.0, 0.0]
    assert firms.rate_beta.tolist() == [100.0, -100.0]
    # cohorts coded in order of first appearance (not sorted), as int64
    assert firms.cohorts == ["z", "a"]
    assert firms.cohort_codes.dtype == np.int64 and firms.cohort_codes.tolist() == [0, 1]
    # a firms table indexed by firm that keeps its firm column
    assert as_firms(firms_frame().set_index("firm", drop=False)).labels == ["a", "b"]


@pytest.mark.parametrize(
    ("frame", "pattern"),
    [
        (firms_frame().iloc[:0], r"^firms is empty$"),
        (
            firms_frame(firm=["a", "a"]),
            r"^firms\['firm'\] must be unique; 'a' appears more than once$",
        ),
        (firms_frame(growth=[0.0, np.nan]), r"^firms\['growth'\] has 1 NaN value"),
        (firms_frame(rate_beta=[np.nan, 0.0]), r"^firms\['rate_beta'\] has 1 NaN value"),
        (firms_frame(volatility=[np.nan, 0.1]), r"^firms\['volatility'\] has 1 NaN value"),
        (
            firms_frame().iloc[:1].assign(volatility=np.nan),
            r"^firms\['volatility'\] has 1 NaN value\(s\) where none are allowed$",
        ),
        (
            firms_frame(growth=[0.0, 5.5]),
            r"^firms\['growth'\] must lie in \[-5, 5\] \(annual log growth of EBIT, decimal per "
            r"year\); 1 row\(s\) do not, " + AT1,
        ),
        (
            firms_frame(volatility=[5.01, 5.5]),
            r"^firms\['volatility'\] must lie in \[-5, 5\] \(annual volatility of log EBIT, "
            r"decimal per year\); 2 row\(s\) do not, " + AT0,
        ),
        (
            firms_frame(rate_beta=[0.0, -101.0]),
            r"^firms\['rate_beta'\] must lie in \[-100, 100\] \(semi-elasticity of EBIT to rates, "
            r"decimal per year\); 1 row\(s\) do not, " + AT1,
        ),
    ],
)
def test_firms_bad_tables(frame: pd.DataFrame, pattern: str) -> None:
    with pytest.raises(InputError, match=pattern):
        as_firms(frame)


def test_book_all_nan_coupon_or_spread_columns() -> None:
    # Regression (found while pinning the coupon/spread messages): floating tranches all fixed
    # at month 0 (coupon column all NaN) and the to_frame of an all-fixed book (spread column
    # all NaN) are valid books
    floating = book_frame(kind=["floating", "floating"], coupon=[np.nan, np.nan])
    floating = floating.assign(spread=[0.01, 0.02], reset_months=[1.0, 3.0])
    book = DebtBook.from_frame(floating)
    assert np.isnan(book.coupon).all() and book.spread.tolist() == [0.01, 0.02]
    fixed = book_frame(kind=["fixed", "fixed"], coupon=[0.05, 0.04], spread=[np.nan, np.nan])
    book = DebtBook.from_frame(fixed)
    again = DebtBook.from_frame(book.to_frame())
    assert again.coupon.tolist() == [0.05, 0.04] and np.isnan(again.spread).all()


# ---------------------------------------------------------------- SpreadTable constructor
@pytest.mark.parametrize(
    ("edges", "spreads", "ratings", "exc", "match"),
    [
        ((1.0, np.nan), (0.1, 0.05, 0.01), ("C", "B", "A"), InputError, r"^edges has 1 NaN"),
        ((1.0,), (0.1, np.nan), ("B", "A"), InputError, r"^spreads has 1 NaN"),
        ((1.0,), (0.1, -0.01), ("B", "A"), InputError, r"^spreads has 1 negative value"),
        ((1.0,), ((0.1, 0.2),), ("B",), InputError, r"^spreads "),
        (
            (1.0,),
            (0.1,),
            ("B",),
            InputError,
            r"^spreads must have one more entry than edges \(2\), got 1$",
        ),
        (
            (1.0,),
            (0.1, 0.05),
            ("B",),
            InputError,
            r"^ratings must have one label per band \(2\), got 1$",
        ),
        (
            (2.0, 1.0),
            (0.1, 0.05, 0.01),
            ("C", "B", "A"),
            InputError,
            r"^edges must be strictly increasing$",
        ),
        (
            (1.0, 1.0),
            (0.1, 0.05, 0.01),
            ("C", "B", "A"),
            InputError,
            r"^edges must be strictly increasing$",
        ),
        ((1.0,), (0.1, 0.05), "BA", TypeError, r"^ratings must be a sequence of labels, got str$"),
        ((1.0,), (0.1, 0.05), 7, TypeError, r"^ratings must be a sequence of labels, got int$"),
    ],
)
def test_spread_table_constructor_messages(
    edges: Any, spreads: Any, ratings: Any, exc: type[Exception], match: str
) -> None:
    with pytest.raises(exc, match=match):
        SpreadTable(edges, spreads, ratings)


@pytest.mark.parametrize("empty", [(), [], np.array([])])
def test_spread_table_stores_plain_tuples_and_accepts_a_flat_table(empty: Any) -> None:
    # no edges: one band, a flat spread; a single edge needs no ordering; values are kept as
    # Python floats / str in tuples (hashable, printable), whatever container came in
    flat = SpreadTable(empty, np.array([0.02]), pd.Index(["flat"]))
    assert flat.edges == () and flat.spreads == (0.02,) and flat.ratings == ("flat",)
    assert flat.spread(0.3) == pytest.approx(0.02)
    one = SpreadTable(np.array([1.5]), [0.04, 0.01], [1, 2])
    assert one.edges == (1.5,) and type(one.edges[0]) is float
    assert one.ratings == ("1", "2") and one.spread(1.5) == pytest.approx(0.01)
    assert one.spread(1.49) == pytest.approx(0.04)
