"""Assertions the mutation run of divergence.plotting showed missing.

Each test pins a behaviour a surviving mutant changed (see
``docs/_data/mutation/plotting.json``). Figures are checked through the artists drawn (line
and bar data, labels, colours, limits, ticks), never pixels; expected values are worked by
hand in the test or computed by a few lines of NumPy written here, and the expected texts
are the titles and axis labels the module's docstring promises.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import colormaps
from matplotlib.colors import to_rgba

from divergence import plotting
from divergence.errors import InputError


@pytest.fixture(autouse=True)
def _close_figures() -> Any:
    yield
    plt.close("all")


def _legend(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


SMALL = matplotlib.font_manager.FontProperties(size="small").get_size_in_points()


def _small_legend(ax: Any) -> bool:
    """Every legend text is drawn at the "small" font size."""
    return all(t.get_fontsize() == pytest.approx(SMALL) for t in ax.get_legend().get_texts())


# --------------------------------------------------------------------------- colours, styles
def test_distinct_colors_palettes() -> None:
    """_distinct_colors: tab10 up to 10, tab20 dark-then-light up to 20, turbo beyond."""
    assert plotting._distinct_colors(10) == [colormaps["tab10"](i) for i in range(10)]
    order = [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19]
    assert plotting._distinct_colors(20) == [colormaps["tab20"](i) for i in order]
    assert plotting._distinct_colors(11) == [colormaps["tab20"](i) for i in order[:11]]
    turbo = [colormaps["turbo"](v) for v in np.linspace(0.05, 0.95, 21)]
    assert plotting._distinct_colors(21) == turbo
    assert plotting._line_style(9) == "-" and plotting._line_style(10) == "--"


# --------------------------------------------------------------------------- lorenz_curve
def test_lorenz_curve_artists() -> None:
    """Label with the Gini worked by hand, the equality line, limits, labels and title.

    Sizes 1, 2, 3, 4: mean absolute difference over all ordered pairs 20 / 16, mean 2.5, so
    Gini = 20 / (2 * 16 * 2.5) = 0.25 (Lorenz points 0, .1, .3, .6, 1 at quarters)."""
    ax = plotting.lorenz_curve([1.0, 2.0, 3.0, 4.0])
    curve, eq = ax.lines
    np.testing.assert_allclose(curve.get_xdata(), [0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(curve.get_ydata(), [0, 0.1, 0.3, 0.6, 1.0])
    assert curve.get_label() == "Lorenz curve (Gini 0.250)"
    assert list(eq.get_xdata()) == [0, 1] and list(eq.get_ydata()) == [0, 1]
    assert eq.get_label() == "equality" and eq.get_linestyle() == "--"
    assert eq.get_linewidth() == 0.8 and to_rgba(eq.get_color()) == to_rgba("grey")
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_ylim() == (0.0, 1.0)
    assert ax.get_xlabel() == "share of names, smallest first (fraction)"
    assert ax.get_ylabel() == "cumulative share of the total (fraction)"
    assert ax.get_title() == "Lorenz curve"
    assert _legend(ax) == ["Lorenz curve (Gini 0.250)", "equality"]
    assert ax.get_legend().get_texts()[0].get_fontsize() == pytest.approx(
        matplotlib.font_manager.FontProperties(size="small").get_size_in_points()
    )
    ax2 = plotting.lorenz_curve([1.0, 2.0, 3.0, 4.0], label="caps")
    assert ax2.lines[0].get_label() == "caps"


# --------------------------------------------------------------------------- concentration
def _caps() -> pd.DataFrame:
    idx = pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-21"])
    return pd.DataFrame([[3.0, 1.0], [1.0, 1.0], [1.0, 3.0]], index=idx)


def test_concentration_over_time_style_labels_and_title() -> None:
    """Line style, default and custom labels, x label and the title's k (hand HHI values:
    weights (.75, .25) give .625, (.5, .5) give .5)."""
    ax = plotting.concentration_over_time(_caps(), "hhi")
    line = ax.lines[0]
    np.testing.assert_allclose(line.get_ydata(), [0.625, 0.5, 0.625])
    assert line.get_marker() == "o" and line.get_markersize() == 3 and line.get_linewidth() == 1
    assert line.get_label() == "hhi" and ax.get_xlabel() == "date"
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    ax2 = plotting.concentration_over_time(_caps(), top_k=1, label="top one")
    assert ax2.lines[0].get_label() == "top one"
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [0.75, 0.5, 0.75])  # top-1 share
    assert ax2.get_title() == "Share of the top 1 names"
    assert ax2.get_ylabel() == "top-k share of the total (fraction)"
    ax3 = plotting.concentration_over_time(_caps())
    assert ax3.get_title() == "Share of the top 10 names"  # default top_k = 10


def test_concentration_over_time_profile_input() -> None:
    """A frame with exactly the profile's columns is drawn as is; the title says k."""
    cols = list(plotting._LABELS)
    prof = pd.DataFrame(
        np.tile(np.arange(1.0, 11.0), (2, 1)),
        index=pd.to_datetime(["2020-01-01", "2020-06-01"]),
        columns=cols,
    )
    ax = plotting.concentration_over_time(prof, "gini")
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [7.0, 7.0])  # column 7 of 1..10
    assert ax.get_title() == "Gini coefficient"
    ax2 = plotting.concentration_over_time(prof, "top_k_share")
    assert ax2.get_title() == "Share of the top k names"


def test_concentration_over_time_gap_rule() -> None:
    """Dates more than gap_days apart break (strictly greater), at the earlier date + 1 day."""
    ax = plotting.concentration_over_time(_caps(), "n", gap_days=10)  # steps of exactly 10
    assert len(ax.lines[0].get_ydata()) == 3
    ax2 = plotting.concentration_over_time(_caps(), "n", gap_days=9.5)
    xs, ys = ax2.lines[0].get_data()
    assert len(ys) == 5 and np.isnan(ys[1]) and np.isnan(ys[3])
    assert pd.Timestamp(mdates.num2date(mdates.date2num(xs[1]))).tz_localize(None) == (
        pd.Timestamp("2020-01-02")
    )
    one = plotting.concentration_over_time(_caps().iloc[:1], "n", gap_days=1)
    np.testing.assert_allclose(one.lines[0].get_ydata(), [2.0])


def test_concentration_over_time_periods_and_plain_index() -> None:
    """A PeriodIndex is drawn at period starts; a plain index names the x axis."""
    caps = _caps()
    caps.index = pd.PeriodIndex(["2020-01", "2020-02", "2020-03"], freq="M")
    ax = plotting.concentration_over_time(caps, "n", gap_days=40)
    xs = ax.lines[0].get_xdata()
    assert len(xs) == 3 and ax.get_xlabel() == "date"
    assert pd.Timestamp(xs[0]) == pd.Timestamp("2020-01-01")
    plain = _caps().reset_index(drop=True)
    assert plotting.concentration_over_time(plain, "n").get_xlabel() == "period"
    plain.index.name = "quarter"
    assert plotting.concentration_over_time(plain, "n").get_xlabel() == "quarter"


def test_concentration_over_time_errors() -> None:
    with pytest.raises(InputError, match=r"^measure must be one of \['concentration_coeff"):
        plotting.concentration_over_time(_caps(), "hhhi")
    with pytest.raises(InputError, match=r"got 'hhhi'$"):
        plotting.concentration_over_time(_caps(), "hhhi")
    with pytest.raises(
        TypeError, match=r"^data must be a DataFrame of sizes or a concentration profile$"
    ):
        plotting.concentration_over_time(pd.Series([1.0, 2.0]))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^gap_days must be > 0"):
        plotting.concentration_over_time(_caps(), gap_days=-1.0)
    with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0$"):
        plotting.concentration_over_time(_caps(), top_k=0)
    with pytest.raises(InputError, match=r"^data .*negative"):
        plotting.concentration_over_time(-_caps())


# --------------------------------------------------------------------------- cost_contributions
COLS = ["intercept", "delta_r", "i_c", "l_s", "interaction"]


def _parts(n: int = 3, interaction: float = 0.0) -> pd.DataFrame:
    idx = pd.date_range("2020-01-01", periods=n, freq="10D")
    v = np.array([[0.5, 1.0, -2.0, 0.25, interaction]] * n)
    return pd.DataFrame(v, index=idx, columns=COLS)


def test_cost_contributions_dated_bars() -> None:
    """Bar centres at the dates, width 0.8 x the median step (10 days -> 8), colours from the
    palette, total line (sum over all five = -0.25) and the zero line."""
    ax = plotting.cost_contributions(_parts())
    assert len(ax.patches) == 9  # three components (interaction is zero), three dates
    widths = {round(p.get_width(), 9) for p in ax.patches}
    assert widths == {8.0}
    centres = [p.get_x() + p.get_width() / 2 for p in ax.patches[:3]]
    np.testing.assert_allclose(centres, mdates.date2num(_parts().index))
    pal = [colormaps["tab10"](i) for i in range(3)]
    assert [to_rgba(ax.patches[3 * j].get_facecolor()) for j in range(3)] == pal
    # stacking: delta_r 1 from 0; i_c -2 from 0 (negative side); l_s 0.25 on top of 1
    assert [ax.patches[3 * j].get_y() for j in range(3)] == pytest.approx([0.0, 0.0, 1.0])
    assert [ax.patches[3 * j].get_height() for j in range(3)] == pytest.approx([1.0, -2.0, 0.25])
    total, zero = ax.lines
    np.testing.assert_allclose(total.get_ydata(), [-0.25] * 3)
    assert total.get_label() == "total (sum)" and total.get_linewidth() == 1
    assert to_rgba(total.get_color()) == to_rgba("k")
    assert list(zero.get_ydata()) == [0.0, 0.0] and zero.get_linewidth() == 0.5
    assert to_rgba(zero.get_color()) == to_rgba("k")
    assert ax.get_xlabel() == "date"
    assert ax.get_title() == "Contributions to the divergence cost's linear predictor"
    assert ax.get_ylabel() == "contribution (log-odds)"
    assert _legend(ax) == ["total (sum)", "delta_r", "i_c", "l_s"]
    assert ax.get_legend()._ncols == 4  # three components + total


def test_cost_contributions_one_row_and_interaction() -> None:
    """One dated row: width 0.8 x 30 days; a non-zero interaction is stacked by default."""
    ax = plotting.cost_contributions(_parts(1, interaction=0.1), total=False)
    assert len(ax.patches) == 4 and ax.patches[0].get_width() == pytest.approx(24.0)
    assert ax.patches[3].get_height() == pytest.approx(0.1)
    assert ax.patches[3].get_y() == pytest.approx(1.25)  # on top of 1 + 0.25
    assert len(ax.lines) == 1 and ax.get_legend()._ncols == 4


def test_cost_contributions_even_ticks() -> None:
    """Even spacing: slots 0..n-1, a tick every max(n // 8, 1) slots labelled Y-m, rotated."""
    parts = _parts(20)
    ax = plotting.cost_contributions(parts, spacing="even", components=["i_c"])
    np.testing.assert_allclose(ax.get_xticks(), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == [parts.index[i].strftime("%Y-%m") for i in range(0, 20, 2)]
    assert ax.get_xticklabels()[0].get_rotation() == 45
    assert ax.get_xlabel() == "date (one slot per observation)"
    assert ax.patches[0].get_width() == pytest.approx(0.8)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.arange(20))
    small = plotting.cost_contributions(_parts(3), spacing="even")
    np.testing.assert_allclose(small.get_xticks(), [0, 1, 2])


def test_cost_contributions_undated_and_array() -> None:
    arr = _parts().to_numpy()
    ax = plotting.cost_contributions(arr)
    assert ax.get_xlabel() == "observation"
    np.testing.assert_allclose([p.get_x() + 0.4 for p in ax.patches[:3]], [0, 1, 2])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [-0.25] * 3)


def test_cost_contributions_gap_breaks_strictly_beyond_three_steps() -> None:
    """Gaps: steps 10, 10, 30 days -> median 10, 30 is not > 30 (no break); 31 is."""
    idx = pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-21", "2020-02-20"])
    p = pd.DataFrame(np.ones((4, 5)), index=idx, columns=COLS)
    ax = plotting.cost_contributions(p)
    assert len(ax.lines[0].get_ydata()) == 4
    idx2 = pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-21", "2020-02-21"])
    ax2 = plotting.cost_contributions(p.set_axis(idx2))
    ys = ax2.lines[0].get_ydata()
    assert len(ys) == 5 and np.isnan(ys[3])
    two = plotting.cost_contributions(p.iloc[:2].set_axis(pd.to_datetime(["2020", "2030"])))
    assert len(two.lines[0].get_ydata()) == 2  # fewer than three rows: never broken


def test_cost_contributions_nan_rows_and_errors() -> None:
    p = _parts(3)
    p.iloc[1, 0] = np.nan  # a NaN in any column drops the row
    ax = plotting.cost_contributions(p)
    assert len(ax.patches) == 6
    with pytest.raises(InputError, match=r"^parts must have 5 columns \['intercept', 'delta_r'"):
        plotting.cost_contributions(np.ones((2, 4)))
    with pytest.raises(InputError, match=r"got shape \(5,\)$"):
        plotting.cost_contributions(np.ones(5))
    with pytest.raises(
        TypeError, match=r"^parts must be the DataFrame or ndarray of DivergenceCost.contrib"
    ):
        plotting.cost_contributions([[1.0] * 5])
    with pytest.raises(InputError, match=r"^parts is missing the columns \['intercept', 'l_s'"):
        plotting.cost_contributions(pd.DataFrame(columns=["delta_r", "i_c"]))
    with pytest.raises(InputError, match=r"^parts has no row without NaN$"):
        plotting.cost_contributions(np.array([[np.nan, 1, 1, 1, 1], [1, np.nan, 1, 1, 1.0]]))
    with pytest.raises(InputError, match=r"^spacing must be one of \['dates', 'even'\]"):
        plotting.cost_contributions(_parts(), spacing="weekly")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^total must be True or False"):
        plotting.cost_contributions(_parts(), total=1)  # type: ignore[arg-type]
    with pytest.raises(
        InputError,
        match=r"^components must be a non-empty subset of \['delta_r', 'i_c', 'l_s', "
        r"'interaction'\], got \['x'\]$",
    ):
        plotting.cost_contributions(_parts(), components=["x"])


# --------------------------------------------------------------------------- maturity_wall
def _wall(n_c: int = 2, name: str | None = "year", cols_name: str | None = None) -> pd.DataFrame:
    cols = pd.Index([f"c{k}" for k in range(n_c)], name=cols_name)
    vals = np.arange(1.0, 1.0 + 3 * n_c).reshape(3, n_c)
    return pd.DataFrame(vals, index=pd.RangeIndex(1, 4, name=name), columns=cols)


def test_maturity_wall_side_by_side_geometry() -> None:
    """Side by side: width 0.8 / n_c, centres x + (k - (n_c - 1) / 2) * width."""
    ax = plotting.maturity_wall(_wall(2))
    w = 0.4
    centres = np.array([p.get_x() + p.get_width() / 2 for p in ax.patches]).reshape(2, 3)
    np.testing.assert_allclose(centres[0], np.array([1, 2, 3]) - 0.5 * w)
    np.testing.assert_allclose(centres[1], np.array([1, 2, 3]) + 0.5 * w)
    assert {round(p.get_width(), 12) for p in ax.patches} == {w}
    assert all(p.get_y() == 0 for p in ax.patches)
    assert ax.get_title() == "Maturity wall: principal falling due"
    assert _legend(ax) == ["c0", "c1"] and ax.get_legend()._ncols == 1


def test_maturity_wall_stacked_normalised_labels() -> None:
    """Stacked: width 0.8, bottoms the running sum; normalised shares per column."""
    wall = _wall(2, name="quarter", cols_name="cohort")
    ax = plotting.maturity_wall(wall, stacked=True, normalize=True)
    h = np.array([p.get_height() for p in ax.patches]).reshape(2, 3)
    # columns 1,3,5 (sum 9) and 2,4,6 (sum 12)
    np.testing.assert_allclose(h, [[1 / 9, 3 / 9, 5 / 9], [2 / 12, 4 / 12, 6 / 12]])
    np.testing.assert_allclose([p.get_y() for p in ax.patches[3:]], h[0])
    assert {round(p.get_width(), 12) for p in ax.patches} == {0.8}
    assert ax.get_xlabel() == "quarters to maturity"
    assert ax.get_ylabel() == "share of the cohort's debt (fraction)"
    ax2 = plotting.maturity_wall(_wall(2, name=None), normalize=True)
    assert ax2.get_xlabel() == "buckets to maturity"
    assert ax2.get_ylabel() == "share of each column's debt (fraction)"


def test_maturity_wall_many_columns_hatch_and_legend() -> None:
    """Columns 11+ are hatched; more than six columns give a two-column legend."""
    ax = plotting.maturity_wall(_wall(11), stacked=True)
    hatches = [ax.patches[3 * k].get_hatch() for k in range(11)]
    assert hatches == [None] * 10 + ["//"]
    assert ax.get_legend()._ncols == 2
    assert plotting.maturity_wall(_wall(7)).get_legend()._ncols == 2
    assert plotting.maturity_wall(_wall(6)).get_legend()._ncols == 1


def test_maturity_wall_errors() -> None:
    with pytest.raises(
        TypeError, match=r"^wall must be the DataFrame of RefinancingResult.maturity_wall$"
    ):
        plotting.maturity_wall(np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"^wall has a column summing to zero; it cannot be normalised$"
    ):
        plotting.maturity_wall(pd.DataFrame({"a": [1.0], "b": [0.0]}), normalize=True)
    with pytest.raises(TypeError, match=r"^normalize must be True or False"):
        plotting.maturity_wall(_wall(), normalize="yes")  # type: ignore[arg-type]


def test_polars_wall_conversion_of_a_frame() -> None:
    """_polars_wall on an already-converted frame: a leading bucket column becomes the index,
    otherwise rows are numbered 1, 2, ...; a non-frame is passed back for the caller."""
    lead = pd.DataFrame({"month": [1, 2], "a": [3.0, 4.0]})
    out = plotting._polars_wall(lead)
    assert out.index.name == "month" and list(out.columns) == ["a"]
    plain = pd.DataFrame({"a": [3.0, 4.0, 5.0]})
    got = plotting._polars_wall(plain)
    assert list(got.index) == [1, 2, 3] and list(got.columns) == ["a"]
    assert plotting._polars_wall(pd.DataFrame()).shape == (0, 0)


def test_maturity_wall_from_polars() -> None:
    """A polars wall: a leading year/quarter/month column gives the buckets, otherwise the rows
    are buckets 1, 2, ... (as the docstring says); bars match the values by hand."""
    pl = pytest.importorskip("polars")
    ax = plotting.maturity_wall(pl.DataFrame({"month": [2, 4], "a": [3.0, 5.0]}), stacked=True)
    assert [p.get_x() + p.get_width() / 2 for p in ax.patches] == pytest.approx([2.0, 4.0])
    assert [p.get_height() for p in ax.patches] == pytest.approx([3.0, 5.0])
    assert ax.get_xlabel() == "months to maturity" and _legend(ax) == ["a"]
    ax2 = plotting.maturity_wall(pl.DataFrame({"a": [3.0, 5.0, 1.0]}), stacked=True)
    assert [p.get_x() + p.get_width() / 2 for p in ax2.patches] == pytest.approx([1, 2, 3])
    assert ax2.get_xlabel() == "buckets to maturity"
    for unit in ("year", "quarter"):
        ax3 = plotting.maturity_wall(pl.DataFrame({unit: [3], "a": [1.0]}), stacked=True)
        assert ax3.get_xlabel() == f"{unit}s to maturity"
        assert ax3.patches[0].get_x() + ax3.patches[0].get_width() / 2 == pytest.approx(3.0)
    with pytest.raises(TypeError, match=r"^wall must be the DataFrame"):
        plotting.maturity_wall(pl.Series([1.0, 2.0]))


# --------------------------------------------------------------------------- coverage_fan
@pytest.fixture(scope="module")
def sim() -> Any:
    from divergence import refinancing as rf

    book, firms = rf.example_book(n_mega=2, n_sme=4, seed=0)
    return rf.simulate(book, firms, np.full(6, 0.05), n_paths=8, seed=1)


def test_coverage_fan_labels_styles_and_bands(sim: Any) -> None:
    """Median line, quantile band (NumPy-free reference: sorted values, linear rule), labels,
    colours, threshold line and the log scale."""
    ax = plotting.coverage_fan(sim, threshold=1.5)
    names = list(sim.cohorts[:-1])
    cov = sim.path_values("coverage")
    assert [ln.get_label() for ln in ax.lines[:-1]] == [f"{c} (median, 5-95%)" for c in names]
    assert ax.get_title() == "Simulated paths by cohort: 5-95% band and median"
    assert ax.get_xlabel() == "months since the start of the simulation"
    assert ax.get_ylabel() == "aggregate interest coverage (EBIT / interest, ratio)"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), np.arange(cov.shape[1]))
    for j, c in enumerate(names):
        col = np.sort(cov[:, :, sim.cohorts.index(c)], axis=0)  # paths sorted per month
        n = col.shape[0]
        median = 0.5 * (col[n // 2 - 1] + col[n // 2])  # n = 8 paths: mean of 4th and 5th
        np.testing.assert_allclose(ax.lines[j].get_ydata(), median, rtol=1e-12)
        line_rgba = to_rgba(ax.lines[j].get_color())
        assert line_rgba == colormaps["tab10"](j)
        fill = ax.collections[j]
        assert fill.get_alpha() == 0.25
        assert tuple(fill.get_facecolor()[0][:3]) == pytest.approx(line_rgba[:3])
    thr = ax.lines[-1]
    assert list(thr.get_ydata()) == [1.5, 1.5] and thr.get_linestyle() == "--"
    assert thr.get_linewidth() == 0.8 and to_rgba(thr.get_color()) == to_rgba("grey")
    assert ax.get_yscale() == "log"
    assert _legend(ax) == [f"{c} (median, 5-95%)" for c in names]


def test_coverage_fan_other_quantiles_and_scales(sim: Any) -> None:
    """A non-median centre is named q<mid>; log=False/True overrides the default."""
    ax = plotting.coverage_fan(sim, cohorts=["SME"], quantiles=(0.1, 0.25, 0.9), log=False)
    assert ax.lines[0].get_label() == "SME (q25, 10-90%)"
    assert ax.get_title() == "Simulated paths by cohort: 10-90% band and q25"
    assert ax.get_yscale() == "linear" and len(ax.lines) == 1
    ax2 = plotting.coverage_fan(sim, cohorts=["SME"], statistic="interest", log=True)
    assert ax2.get_yscale() == "log"
    assert ax2.get_ylabel() == "annualised interest (currency units per year)"
    ax3 = plotting.coverage_fan(sim, cohorts=["all"], statistic="ebit")
    assert ax3.get_yscale() == "linear"  # the default is log for coverage only


def test_coverage_fan_line_and_band_next_to_infinite_coverage() -> None:
    """Paths whose base rate turns the floating coupon negative pay no interest: coverage +inf.

    One firm, EBIT 12, a floating 100 at base + 0 reset monthly (month 0 keeps the 1% coupon):
    coverage is 12 / (100 * base) from month 1, so on bases 3%, 4%, 6% and two at -1% the
    sorted values are [2, 3, 4, inf, inf]. Linear quantiles by hand (position q * 4): the
    median is the order statistic 4 (np.quantile gave NaN there: 4 + (inf - 4) * 0, a gap in
    the line). The band's upper edge is +inf from month 1, which matplotlib does not draw.
    """
    from divergence import refinancing as rf

    book = pd.DataFrame(
        {
            "firm": ["a"],
            "principal": [100.0],
            "kind": ["floating"],
            "coupon": [0.01],
            "spread": [0.0],
            "reset_months": [1],
            "maturity": [60],
            "tenor": [60],
        }
    )
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [12.0], "growth": [0.0], "volatility": [0.0], "cohort": ["c"]}
    )
    bases = np.repeat([[0.03], [0.04], [0.06], [-0.01], [-0.01]], 3, axis=1)
    res = rf.simulate(book, firms, bases, n_paths=5, seed=0)
    ax = plotting.coverage_fan(res, cohorts=["c"])
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), [12.0, 4.0, 4.0])


def test_coverage_fan_errors(sim: Any) -> None:
    with pytest.raises(
        InputError,
        match=r"^quantiles must be three strictly increasing values in \[0, 1\], got "
        r"\[0\.5, 0\.5, 0\.9\]$",
    ):
        plotting.coverage_fan(sim, quantiles=(0.5, 0.5, 0.9))
    with pytest.raises(InputError, match=r"^cohorts must be among \["):
        plotting.coverage_fan(sim, cohorts=["nobody"])
    ok = plotting.coverage_fan(sim, quantiles=(0.0, 0.5, 1.0))  # edges 0 and 1 are allowed
    assert ok.lines[0].get_label().endswith("(median, 0-100%)")
    with pytest.raises(TypeError, match=r"^log must be True or False"):
        plotting.coverage_fan(sim, log="yes")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^result must be a RefinancingResult from divergence.refinancing"
    ):
        plotting.coverage_fan(None)


# --------------------------------------------------------------------------- implied vs realised
def test_implied_vs_realized_styles_and_texts() -> None:
    ax = plotting.implied_vs_realized_correlation([0.5, 0.6, 0.4], [0.3, 0.7, 0.2])
    imp, real = ax.lines
    assert imp.get_linewidth() == 1 and real.get_linewidth() == 1
    assert to_rgba(imp.get_color()) == to_rgba("C0") and to_rgba(real.get_color()) == to_rgba("C1")
    fill = ax.collections[0]
    assert fill.get_alpha() == 0.25 and fill.get_label() == "implied > realised"
    assert tuple(fill.get_facecolor()[0][:3]) == pytest.approx(to_rgba("C0")[:3])
    assert ax.get_xlabel() == "observation"
    assert ax.get_ylabel() == "average pairwise correlation (dimensionless)"
    assert ax.get_title() == "Implied vs realised average correlation"
    assert _legend(ax) == ["implied", "realised", "implied > realised"]


def test_implied_vs_realized_shading_interpolates_the_crossing() -> None:
    """0.5 > 0.3 then 0.4 < 0.6: the lines cross at t = 0.5 (0.5 - 0.1t = 0.3 + 0.3t ... t=0.5)
    so the shaded band ends at x = 0.5, not at a grid point."""
    ax = plotting.implied_vs_realized_correlation([0.5, 0.4], [0.3, 0.6])
    xs = np.concatenate([p.vertices[:, 0] for p in ax.collections[0].get_paths()])
    assert xs.max() == pytest.approx(0.5)


def test_implied_vs_realized_periods_and_dates() -> None:
    idx = pd.period_range("2021-01", periods=3, freq="M")
    a = pd.Series([0.5, 0.6, 0.4], index=idx)
    ax = plotting.implied_vs_realized_correlation(a, a - 0.1)
    assert ax.get_xlabel() == "date"
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert pd.Timestamp(ax.lines[0].get_xdata()[0]) == pd.Timestamp("2021-01-01")
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.4, 0.5, 0.3])


def test_implied_vs_realized_errors() -> None:
    with pytest.raises(
        TypeError, match=r"^implied and realized must both be Series or both be arrays$"
    ):
        plotting.implied_vs_realized_correlation([0.1], pd.Series([0.1]))
    with pytest.raises(
        InputError, match=r"^implied and realized must have the same length, got 2 and 1$"
    ):
        plotting.implied_vs_realized_correlation([0.1, 0.2], [0.1])
    with pytest.raises(TypeError, match=r"^labels must be a tuple of two strings$"):
        plotting.implied_vs_realized_correlation([0.1], [0.1], labels=("a", 2))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^labels must be a tuple of two strings$"):
        plotting.implied_vs_realized_correlation([0.1], [0.1], labels=("a", "b", "c"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^realized"):
        plotting.implied_vs_realized_correlation(pd.Series([0.1]), pd.Series([np.inf]))


# --------------------------------------------------------------------------- result plots
def test_plot_refinancing_result_texts(sim: Any) -> None:
    ax = plotting._plot_refinancing_result(
        sim, "coverage", cohorts=None, threshold=None, freq="year", ax=None
    )
    assert ax.get_title() == "Aggregate interest coverage by cohort (8 paths)"
    assert ax.get_xlabel() == "months since the start"
    assert ax.get_ylabel() == "interest coverage, Σ EBIT / Σ interest (×)"
    assert len(ax.lines) == len(sim.cohorts) - 1  # no threshold line
    ax2 = plotting._plot_refinancing_result(
        sim, "maturity_wall", cohorts=["SME"], threshold=None, freq="quarter", ax=None
    )
    wall = sim.maturity_wall(freq="quarter")
    np.testing.assert_allclose([p.get_height() for p in ax2.patches], wall["SME"].to_numpy())
    assert ax2.get_title() == "Maturity wall of the initial book by cohort"
    assert ax2.get_ylabel() == "principal due (units of the book)"
    full = plotting._plot_refinancing_result(
        sim, "maturity_wall", cohorts=None, threshold=None, freq="year", ax=None
    )
    assert len(full.patches) == sim.maturity_wall(freq="year").size
    with pytest.raises(InputError, match=r"^cohorts must be among \[.*\], got \[\]$"):
        plotting._plot_refinancing_result(
            sim, "maturity_wall", cohorts=[], threshold=None, freq="year", ax=None
        )


def test_plot_refinancing_result_passes_cohorts_threshold_and_axes(sim: Any) -> None:
    """The coverage kind forwards cohorts, threshold and ax; the wall kind forwards ax."""
    _fig, given = plt.subplots()
    ax = plotting._plot_refinancing_result(
        sim, "coverage", cohorts=["SME"], threshold=1.5, freq="year", ax=given
    )
    assert ax is given and len(ax.lines) == 2  # the SME median and the threshold
    assert ax.lines[0].get_label().startswith("SME (") and list(ax.lines[1].get_ydata()) == [
        1.5,
        1.5,
    ]
    _fig2, given2 = plt.subplots()
    ax2 = plotting._plot_refinancing_result(
        sim, "maturity_wall", cohorts=None, threshold=None, freq="year", ax=given2
    )
    assert ax2 is given2


def test_every_result_plot_draws_on_the_given_axes(sim: Any) -> None:
    """ax is passed through to _axes by every drawing function."""
    calls = [
        lambda a: plotting.lorenz_curve([1.0, 2.0], ax=a),
        lambda a: plotting.concentration_over_time(_caps(), "n", ax=a),
        lambda a: plotting.cost_contributions(_parts(), ax=a),
        lambda a: plotting.maturity_wall(_wall(), ax=a),
        lambda a: plotting.coverage_fan(sim, ax=a),
        lambda a: plotting.implied_vs_realized_correlation([0.1], [0.2], ax=a),
        lambda a: plotting._plot_flow_simulation(_flow_sim(), "caps", top=1, ax=a),
        lambda a: plotting._plot_flow_simulation(_flow_sim(), "flows", top=1, ax=a),
        lambda a: plotting._plot_dispersion_pnl(_pnl_frame(3, dated=False), ax=a),
        lambda a: plotting._plot_dispersion_pnl(_pnl_frame(1, dated=False), ax=a),
        lambda a: plotting._plot_cvar_allocation(
            pd.DataFrame({"contribution": [0.1], "budget": [0.2]}, index=["a"]), top=1, ax=a
        ),
        lambda a: plotting._plot_lead_lag(
            SimpleNamespace(
                correlations=pd.Series([0.1], index=[0]), best_lag=0, best_correlation=0.1
            ),
            ax=a,
        ),
    ]
    for call in calls:
        _fig, given = plt.subplots()
        assert call(given) is given


def _flow_sim() -> SimpleNamespace:
    caps = np.array([[1.0, 5.0, 3.0], [2.0, 6.0, 2.0], [4.0, 7.0, 1.0]])
    return SimpleNamespace(
        caps=caps,
        assets=np.array(["A", "B", "C"]),
        passive_flow=np.array([[1.0, 1.0, 0.0], [2.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        capitulation_flow=np.array([[1.0, -3.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 0.0]]),
        short_covering_flow=np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 1.0], [0.0, 0.0, 1.0]]),
        effective_n=np.array([2.5, 2.2, 1.9]),
    )


def test_plot_flow_simulation_kinds() -> None:
    """Hand-made simulation: caps of the two largest at step 0 (B 5, C 3), cumulative flows
    (passive 2, 2, 0 -> 2, 4, 4; capitulation gross buys 1, 2, 0 -> 1, 3, 3; short covering
    1 a step -> 1, 2, 3) and the effective-N path."""
    ax = plotting._plot_flow_simulation(_flow_sim(), "caps", top=2, ax=None)
    assert [ln.get_label() for ln in ax.lines] == ["B", "C"]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [5.0, 6.0, 7.0])
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0, 1, 2])
    assert ax.lines[0].get_linewidth() == 1.2 and ax.get_yscale() == "log"
    assert ax.get_ylabel() == "market cap (units of the input caps, log scale)"
    assert ax.get_title() == "Market caps of the 2 largest names at the start"
    assert ax.get_legend()._ncols == 2 and ax.get_xlabel() == "step (0 = start)"
    assert _small_legend(ax)
    ax5 = plotting._plot_flow_simulation(_flow_sim(), "caps", top=5, ax=None)
    assert ax5.get_title() == "Market caps of the 3 largest names at the start"
    ax2 = plotting._plot_flow_simulation(_flow_sim(), "flows", top=2, ax=None)
    assert [ln.get_label() for ln in ax2.lines] == [
        "passive (net)",
        "capitulation (gross buys)",
        "short covering",
    ]
    np.testing.assert_allclose(ax2.lines[0].get_ydata(), [2.0, 4.0, 4.0])
    np.testing.assert_allclose(ax2.lines[1].get_ydata(), [1.0, 3.0, 3.0])
    np.testing.assert_allclose(ax2.lines[2].get_ydata(), [1.0, 2.0, 3.0])
    assert all(ln.get_linewidth() == 1.2 for ln in ax2.lines)
    assert ax2.get_ylabel() == "cumulative money bought (units of the input caps)"
    assert ax2.get_title() == "Cumulative flows by source" and _small_legend(ax2)
    ax3 = plotting._plot_flow_simulation(_flow_sim(), "concentration", top=2, ax=None)
    np.testing.assert_allclose(ax3.lines[0].get_ydata(), [2.5, 2.2, 1.9])
    assert to_rgba(ax3.lines[0].get_color()) == to_rgba("C0")
    assert ax3.lines[0].get_linewidth() == 1.2
    assert ax3.get_ylabel() == "effective number of names, 1/HHI"
    assert ax3.get_title() == "Concentration path: effective number of names"


def test_plot_flow_simulation_ties_keep_asset_order() -> None:
    sim = _flow_sim()
    sim.caps = np.array([[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]])
    ax = plotting._plot_flow_simulation(sim, "caps", top=2, ax=None)
    assert [ln.get_label() for ln in ax.lines] == ["A", "B"]  # stable order on ties


def _pnl_frame(n: int, dated: bool) -> pd.DataFrame:
    idx = pd.date_range("2020-01-31", periods=n, freq="ME") if dated else pd.RangeIndex(n)
    index_leg = np.array([1.0, -2.0, np.nan, 4.0])[:n]
    members = np.array([0.5, 0.5, 1.0, -1.0])[:n]
    return pd.DataFrame(
        {"index_leg": index_leg, "constituent_legs": members, "total": index_leg + members},
        index=idx,
    )


def test_plot_dispersion_pnl_cumulative_and_single() -> None:
    """Cumulative P&L by leg (NaN counted as 0): index 1, -1, -1, 3; members .5, 1, 2, 1."""
    ax = plotting._plot_dispersion_pnl(_pnl_frame(4, dated=True), ax=None)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1.0, -1.0, -1.0, 3.0])
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.5, 1.0, 2.0, 1.0])
    assert [ln.get_label() for ln in ax.lines[:3]] == [
        "index leg (short)",
        "member legs (long)",
        "total",
    ]
    assert [ln.get_linewidth() for ln in ax.lines[:3]] == [1.0, 1.0, 1.6]
    assert to_rgba(ax.lines[2].get_color()) == to_rgba("k")
    zero = ax.lines[3]
    assert list(zero.get_ydata()) == [0.0, 0.0] and zero.get_linewidth() == 0.5
    assert to_rgba(zero.get_color()) == to_rgba("k") and _small_legend(ax)
    dates = list(_pnl_frame(4, dated=True).index)
    assert list(ax.lines[0].get_xdata()) == dates and list(ax.lines[2].get_xdata()) == dates
    assert ax.get_xlabel() == "trade date"
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert ax.get_ylabel() == "cumulative P&L (units of the notional)"
    assert ax.get_title() == "Dispersion trade: cumulative P&L over 4 trades"
    assert _legend(ax) == ["index leg (short)", "member legs (long)", "total"]
    ax2 = plotting._plot_dispersion_pnl(_pnl_frame(2, dated=False).set_axis([10, 20]), ax=None)
    assert ax2.get_xlabel() == "trade number"
    np.testing.assert_allclose(ax2.lines[0].get_xdata(), [0, 1])
    one = plotting._plot_dispersion_pnl(_pnl_frame(1, dated=True), ax=None)
    assert [p.get_height() for p in one.patches] == pytest.approx([1.0, 0.5, 1.5])
    assert [t.get_text() for t in one.get_xticklabels()] == [
        "index leg (short)",
        "member legs (long)",
        "total",
    ]
    assert [to_rgba(p.get_facecolor()) for p in one.patches] == [
        to_rgba("C0"),
        to_rgba("C1"),
        to_rgba("k"),
    ]
    assert one.lines[0].get_linewidth() == 0.5 and list(one.lines[0].get_ydata()) == [0.0, 0.0]
    assert to_rgba(one.lines[0].get_color()) == to_rgba("k")
    assert one.get_xlabel() == "leg" and one.get_ylabel() == "P&L (units of the notional)"
    assert one.get_title() == "Dispersion trade P&L by leg"


def test_plot_cvar_allocation_bars() -> None:
    """Largest contributors at the top: contributions .3 (b), .2 (a, c tie: a first), top 2."""
    frame = pd.DataFrame(
        {"contribution": [0.2, 0.3, 0.2], "budget": [0.25, 0.25, 0.1]}, index=["a", "b", "c"]
    )
    ax = plotting._plot_cvar_allocation(frame, top=2, ax=None)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b"]  # bottom to top
    np.testing.assert_allclose(ax.get_yticks(), [0, 1])
    contrib, budget = ax.patches[:2], ax.patches[2:]
    assert [p.get_width() for p in contrib] == pytest.approx([0.2, 0.3])
    assert [p.get_width() for p in budget] == pytest.approx([0.25, 0.25])
    assert [p.get_y() + p.get_height() / 2 for p in contrib] == pytest.approx([-0.2, 0.8])
    assert [p.get_y() + p.get_height() / 2 for p in budget] == pytest.approx([0.2, 1.2])
    assert {round(p.get_height(), 12) for p in ax.patches} == {0.4}
    assert to_rgba(budget[0].get_facecolor()) == to_rgba("grey")
    assert list(ax.lines[0].get_xdata()) == [0.0, 0.0] and ax.lines[0].get_linewidth() == 0.5
    assert ax.get_xlabel() == "loss per period (decimal)" and ax.get_ylabel() == "asset"
    assert ax.get_title() == "CVaR contributions against budgets (largest 2)"
    assert _legend(ax) == ["CVaR contribution", "budget"]
    ax5 = plotting._plot_cvar_allocation(frame, top=5, ax=None)
    assert ax5.get_title() == "CVaR contributions against budgets (largest 3)"


def test_plot_lead_lag_bars() -> None:
    res = SimpleNamespace(
        correlations=pd.Series([0.1, -0.2, 0.6], index=[-1, 0, 1]),
        best_lag=1,
        best_correlation=0.6,
    )
    ax = plotting._plot_lead_lag(res, ax=None)
    bars = ax.patches
    assert [p.get_x() + p.get_width() / 2 for p in bars] == pytest.approx([-1, 0, 1, 1])
    assert [p.get_height() for p in bars] == pytest.approx([0.1, -0.2, 0.6, 0.6])
    assert {round(p.get_width(), 12) for p in bars} == {0.8}
    assert to_rgba(bars[0].get_facecolor()) == to_rgba("C0")
    assert to_rgba(bars[3].get_facecolor()) == to_rgba("C3")
    assert ax.lines[0].get_linewidth() == 0.5 and to_rgba(ax.lines[0].get_color()) == to_rgba("k")
    assert list(ax.lines[0].get_ydata()) == [0.0, 0.0] and _small_legend(ax)
    assert ax.get_xlabel() == "lag k in periods (k > 0: x leads y)"
    assert ax.get_ylabel() == "correlation of x(t) and y(t+k)"
    assert ax.get_title() == "Cross-correlation by lag (best lag 1)"
    assert _legend(ax) == ["best"]


def test_result_date_axis_is_concise() -> None:
    _fig, ax = plt.subplots()
    plotting._result_date_axis(ax)
    assert isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator)
    fmt = ax.xaxis.get_major_formatter()
    assert isinstance(fmt, mdates.ConciseDateFormatter)
    assert fmt._locator is ax.xaxis.get_major_locator()
    _fig2, ax2 = plt.subplots()
    plotting._date_axis(ax2)
    assert ax2.xaxis.get_major_formatter()._locator is ax2.xaxis.get_major_locator()


# --------------------------------------------------------------------------- second pass
def test_every_legend_is_small(sim: Any) -> None:
    """legend(fontsize="small") in every function that draws a legend."""
    axes = [
        plotting.lorenz_curve([1.0, 2.0]),
        plotting.cost_contributions(_parts()),
        plotting.maturity_wall(_wall()),
        plotting.coverage_fan(sim),
        plotting.implied_vs_realized_correlation([0.1, 0.3], [0.2, 0.1]),
        plotting._plot_cvar_allocation(
            pd.DataFrame({"contribution": [0.1], "budget": [0.2]}, index=["a"]), top=1, ax=None
        ),
    ]
    assert all(_small_legend(ax) for ax in axes)
    cvar = axes[-1]
    assert to_rgba(cvar.lines[0].get_color()) == to_rgba("k")  # the zero line


def test_concentration_over_time_default_gap_and_two_dates() -> None:
    """Default gap 365 days: 2020-01-01 to 2021-01-01 is 366 days, so it breaks; two rows
    are enough for a break."""
    caps = pd.DataFrame(
        [[1.0, 1.0], [3.0, 1.0]], index=pd.to_datetime(["2020-01-01", "2021-01-01"])
    )
    ys = plotting.concentration_over_time(caps, "n").lines[0].get_ydata()
    assert len(ys) == 3 and np.isnan(ys[1])


def test_cost_contributions_second_pass() -> None:
    """delta_r alone is a valid component; two dated rows use their own step (10 days -> 8);
    negative parts stack downwards (-2 from 0, -1 from -2, -0.5 from -3); the break point sits one
    day after the earlier date; ticks every n // 8 slots for 16 rows (2)."""
    ax = plotting.cost_contributions(_parts(), components=["delta_r"])
    assert _legend(ax) == ["total (sum)", "delta_r"]
    two = plotting.cost_contributions(_parts(2))
    assert two.patches[0].get_width() == pytest.approx(8.0)
    p = _parts(1)
    p.loc[:, "l_s"] = -1.0
    p.loc[:, "interaction"] = -0.5
    neg = plotting.cost_contributions(p, total=False)
    # bottoms: delta_r 0; i_c 0 (downwards); l_s -2; interaction -3 (= -2 - 1)
    assert [r.get_y() for r in neg.patches] == pytest.approx([0.0, 0.0, -2.0, -3.0])
    idx = pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-21", "2020-03-21"])
    gap = plotting.cost_contributions(pd.DataFrame(np.ones((4, 5)), index=idx, columns=COLS))
    xs = gap.lines[0].get_xdata()
    assert pd.Timestamp(xs[3]) == pd.Timestamp("2020-01-22")
    even = plotting.cost_contributions(
        pd.DataFrame(np.ones((4, 5)), index=idx, columns=COLS), spacing="even"
    )
    assert len(even.lines[0].get_ydata()) == 4  # even slots: the total is never broken
    sixteen = plotting.cost_contributions(_parts(16), spacing="even")
    np.testing.assert_allclose(sixteen.get_xticks(), np.arange(0, 16, 2))
    with pytest.raises(TypeError, match=r"^parts"):
        plotting.cost_contributions(_parts().assign(i_c="x"))


def test_maturity_wall_second_pass() -> None:
    """Stacked bars sit on the bucket (no side offset); a column summing to 0.5 normalises;
    argument names in errors."""
    ax = plotting.maturity_wall(_wall(2), stacked=True)
    centres = [p.get_x() + p.get_width() / 2 for p in ax.patches]
    assert centres == pytest.approx([1, 2, 3, 1, 2, 3])
    half = pd.DataFrame({"a": [0.25, 0.25]})
    hx = plotting.maturity_wall(half, normalize=True)
    assert [p.get_height() for p in hx.patches] == pytest.approx([0.5, 0.5])
    with pytest.raises(InputError, match=r"^wall"):
        plotting.maturity_wall(pd.DataFrame({"a": [1.0, -1.0]}))
    with pytest.raises(TypeError, match=r"^stacked must be True or False"):
        plotting.maturity_wall(_wall(), stacked="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("quantiles", [(0.05, np.nan, 0.95), (-0.1, 0.5, 0.9), [[0.05, 0.5, 0.95]]])
def test_coverage_fan_quantile_checks_name_the_argument(sim: Any, quantiles: Any) -> None:
    with pytest.raises(InputError, match=r"^quantiles"):
        plotting.coverage_fan(sim, quantiles=quantiles)


def test_coverage_fan_threshold_name(sim: Any) -> None:
    with pytest.raises(TypeError, match=r"^threshold must be a real number"):
        plotting.coverage_fan(sim, threshold="low")  # type: ignore[arg-type]


def test_implied_vs_realized_second_pass() -> None:
    """Dated Series: both lines at the dates of the union (realised starts a day earlier, so the
    union is sorted, not appended); argument names in errors."""
    idx = pd.date_range("2021-01-02", periods=3, freq="D")
    imp = pd.Series([0.5, 0.6, 0.4], index=idx)
    real = pd.Series([0.3, 0.2], index=pd.to_datetime(["2021-01-01", "2021-01-02"]))
    ax = plotting.implied_vs_realized_correlation(imp, real)
    expect = list(pd.date_range("2021-01-01", periods=4, freq="D"))
    assert [pd.Timestamp(v) for v in ax.lines[1].get_xdata()] == expect
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [np.nan, 0.5, 0.6, 0.4])
    with pytest.raises(InputError, match=r"^implied"):
        plotting.implied_vs_realized_correlation(pd.Series([np.inf]), pd.Series([0.1]))
    with pytest.raises(InputError, match=r"^realized"):
        plotting.implied_vs_realized_correlation([0.1, 0.2], [[0.1, 0.2]])
    with pytest.raises(InputError, match=r"^implied"):
        plotting.implied_vs_realized_correlation([np.inf, 0.2], [0.1, 0.2])
    with pytest.raises(InputError, match=r"^realized"):
        plotting.implied_vs_realized_correlation([0.1, 0.2], [0.1, np.inf])
    with pytest.raises(TypeError, match=r"^shade must be True or False"):
        plotting.implied_vs_realized_correlation([0.1], [0.1], shade=1)  # type: ignore[arg-type]


def test_explicit_colours_hold_on_a_used_axes(sim: Any) -> None:
    """Colours are set explicitly, not taken from the Axes' colour cycle: on an Axes that has
    already drawn two lines and a bar (cycle advanced), the documented colours still hold."""

    def used() -> Any:
        _fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        ax.plot([0, 1], [1, 0])
        ax.bar([5], [1])
        ax.fill_between([5, 6], [0, 0], [1, 1])
        n_lines, n_patches, n_coll = len(ax.lines), len(ax.patches), len(ax.collections)
        return ax, n_lines, n_patches, n_coll

    ax, nl, _np, nc = used()
    plotting.implied_vs_realized_correlation([0.5, 0.6], [0.3, 0.2], ax=ax)
    assert to_rgba(ax.lines[nl].get_color()) == to_rgba("C0")
    assert tuple(ax.collections[nc].get_facecolor()[0][:3]) == pytest.approx(to_rgba("C0")[:3])
    ax, nl, npch, nc = used()
    plotting.cost_contributions(_parts(), ax=ax)
    assert to_rgba(ax.patches[npch].get_facecolor()) == colormaps["tab10"](0)
    ax, nl, npch, nc = used()
    plotting._plot_lead_lag(
        SimpleNamespace(correlations=pd.Series([0.1], index=[0]), best_lag=0, best_correlation=0.1),
        ax=ax,
    )
    assert to_rgba(ax.patches[npch].get_facecolor()) == to_rgba("C0")
    ax, nl, npch, nc = used()
    plotting._plot_flow_simulation(_flow_sim(), "concentration", top=1, ax=ax)
    assert to_rgba(ax.lines[nl].get_color()) == to_rgba("C0")
    ax, nl, npch, nc = used()
    plotting.coverage_fan(sim, cohorts=["SME"], ax=ax)
    line_rgba = to_rgba(ax.lines[nl].get_color())
    assert line_rgba == colormaps["tab10"](0)
    assert tuple(ax.collections[nc].get_facecolor()[0][:3]) == pytest.approx(line_rgba[:3])


def test_coverage_fan_eleventh_cohort_is_dashed() -> None:
    """_line_style: cohorts beyond the tenth (light tab20 shades) are dashed, the first solid."""
    from divergence import refinancing as rf

    book, firms = rf.example_book(n_mega=11, n_sme=11, seed=0)
    firms = firms.assign(cohort=[f"g{i % 11:02d}" for i in range(len(firms))])
    res = rf.simulate(book, firms, np.full(3, 0.05), n_paths=3, seed=1)
    ax = plotting.coverage_fan(res, cohorts=[f"g{i:02d}" for i in range(11)])
    assert [ln.get_linestyle() for ln in ax.lines] == ["-"] * 10 + ["--"]


def test_coverage_fan_of_debt_without_interest_is_quiet() -> None:
    """A zero-coupon fixed loan maturing after the horizon pays no interest: coverage is
    EBIT / 0 = +inf on every path (closed form), and the quantiles of +inf (inf - inf in the
    interpolation) must not leak an 'invalid value' RuntimeWarning (pytest: errors)."""
    from divergence.refinancing import policy_path
    from divergence.refinancing import simulate as rf_simulate

    book = pd.DataFrame(
        {"firm": ["a"], "principal": [100.0], "kind": ["fixed"], "coupon": [0.0],
         "maturity": [600], "tenor": [60]}
    )  # fmt: skip
    firms = pd.DataFrame(
        {"firm": ["a"], "ebit": [20.0], "growth": [0.0], "volatility": [0.2], "cohort": ["z"]}
    )
    res = rf_simulate(book, firms, policy_path(0.02, [0.0] * 12), n_paths=5, seed=0)
    assert np.isposinf(res.path_values("coverage")).all()
    ax = plotting.coverage_fan(res, cohorts=["z"], log=False)
    median = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    assert median.shape == (12,) and not np.isfinite(median).any()  # +inf or NaN, never finite
