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
from divergence.refinancing._spreads import tables_for_cohorts

# Damodaran, "Ratings, Interest Coverage Ratios and Default Spread" (NYU Stern data page,
# the snapshot recorded in _spreads.py): ratings from the lowest coverage band up, the lower
# coverage edge of every band after the first for large (> $5bn) and for smaller firms, and
# the spread column shared by both.
RATINGS = ["D", "C", "CC", "CCC", "B-", "B", "B+", "BB", "BB+", "BBB", "A-", "A", "A+", "AA", "AAA"]
LARGE_EDGES = [0.2, 0.65, 0.8, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.25, 5.5, 6.5, 8.5]
SMALL_EDGES = [0.5, 0.8, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 6.0, 7.5, 9.5, 12.5]
WEB_SPREADS = [
    0.19, 0.155, 0.101, 0.0728, 0.0442, 0.03, 0.0261, 0.0183, 0.0155, 0.012, 0.0095, 0.0085,
    0.0077, 0.006, 0.0045,
]  # fmt: skip
# Damodaran on Valuation, 2nd ed. (2006), Table 2.4: small manufacturing firms, 2004 spreads
# (same coverage bands as the smaller firms of the web page).
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
            r"^frame\['lower'\] must be 1-D, got a 2-D input",
        ),
        (
            pd.concat([TWO_BANDS, TWO_BANDS[["spread"]]], axis=1),
            InputError,
            r"^frame\['spread'\] must be 1-D, got a 2-D input",
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


@pytest.mark.xfail(
    strict=True,
    raises=RuntimeWarning,
    reason="_validation._check_values sums -inf + inf to test for NaN, which warns "
    "'invalid value encountered in reduce' (reported; _validation.py is not ours to edit)",
)
def test_band_of_both_infinities_does_not_warn() -> None:
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
