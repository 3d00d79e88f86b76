"""divergence.plotting on the Agg backend: each function returns the Axes it drew on."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from divergence import concentration as conc
from divergence import plotting
from divergence.errors import InputError


def test_lorenz_curve_draws_on_given_axes() -> None:
    fig, ax = plt.subplots()
    out = plotting.lorenz_curve([1.0, 2.0, 3.0, np.nan, 10.0], ax=ax)
    assert out is ax
    xs, ys = ax.lines[0].get_data()
    pop, cum = conc.lorenz_curve([1.0, 2.0, 3.0, 10.0])
    np.testing.assert_allclose(xs, pop)
    np.testing.assert_allclose(ys, cum)
    assert f"{conc.gini([1.0, 2.0, 3.0, 10.0]):.3f}" in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)


def test_concentration_over_time_breaks_at_gaps() -> None:
    idx = pd.to_datetime(["2015-01-01", "2015-06-01", "2024-01-01", "2024-06-01"])
    caps = pd.DataFrame([[3.0, 1.0], [4.0, 1.0], [9.0, 1.0], [5.0, 5.0]], index=idx)
    ax = plotting.concentration_over_time(caps, "hhi")
    _, ys = ax.lines[0].get_data()
    assert len(ys) == 5 and np.isnan(ys[2])  # one NaN inserted in the 2015-2024 gap
    np.testing.assert_allclose(np.asarray(ys)[[0, 1, 3, 4]], conc.hhi(caps).to_numpy())
    prof = conc.concentration_profile(caps)
    ax2 = plotting.concentration_over_time(prof, "effective_n", gap_days=10_000)
    assert len(ax2.lines[0].get_data()[1]) == 4
    plt.close("all")


def test_concentration_over_time_bad_inputs() -> None:
    caps = pd.DataFrame([[1.0, 2.0]], index=pd.to_datetime(["2020-01-01"]))
    with pytest.raises(InputError, match="measure must be one of"):
        plotting.concentration_over_time(caps, "hhhi")
    with pytest.raises(TypeError, match="data must be a DataFrame"):
        plotting.concentration_over_time(np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="gap_days must be > 0"):
        plotting.concentration_over_time(caps, gap_days=0)


# ---------------------------------------------------------------- helpers for drawn data
def _band(collection: object, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper edges of a fill_between polygon over n x-points (matplotlib layout:
    start, lower edge forwards, end, upper edge backwards, close)."""
    v = collection.get_paths()[0].vertices  # type: ignore[attr-defined]
    return v[1 : n + 1, 1], v[n + 2 : 2 * n + 2, 1][::-1]


# ---------------------------------------------------------------- cost_contributions
def _parts() -> pd.DataFrame:
    from divergence.cost import DivergenceCost

    idx = pd.date_range("2020-01-01", periods=6, freq="MS")
    rng = np.random.default_rng(0)
    m = DivergenceCost(weights=(1.0, 2.0, 0.5), interaction=0.5, min_periods=2)
    dr = pd.Series(rng.normal(0, 0.01, 6), index=idx)
    ic = pd.Series(rng.normal(10, 1, 6), index=idx)
    ls = pd.Series(rng.normal(0, 0.02, 6), index=idx)
    return m.contributions(dr, ic, ls)


def test_cost_contributions_bars_stack_the_input() -> None:
    parts = _parts()
    complete = parts.dropna()
    assert 0 < len(complete) < len(parts)  # the first rows are NaN (min_periods)
    fig, ax = plt.subplots()
    out = plotting.cost_contributions(parts, ax=ax)
    assert out is ax
    n = len(complete)
    cols = ["delta_r", "i_c", "l_s", "interaction"]  # interaction is not all zero here
    assert (complete["interaction"] != 0).any()
    assert len(ax.patches) == n * len(cols)
    heights = np.array([p.get_height() for p in ax.patches]).reshape(len(cols), n)
    bottoms = np.array([p.get_y() for p in ax.patches]).reshape(len(cols), n)
    np.testing.assert_allclose(heights, complete[cols].to_numpy().T, atol=1e-12)
    # independent stacking rule: positive parts start at the sum of earlier positive parts
    v = complete[cols].to_numpy().T
    for j in range(len(cols)):
        prior = v[:j]
        expect = np.where(
            v[j] >= 0, np.clip(prior, 0, None).sum(axis=0), np.clip(prior, None, 0).sum(axis=0)
        )
        np.testing.assert_allclose(bottoms[j], expect, atol=1e-12)
    total = next(ln for ln in ax.lines if ln.get_label() == "total (sum)")
    np.testing.assert_allclose(total.get_ydata(), complete.sum(axis=1).to_numpy())
    assert sorted(t.get_text() for t in ax.get_legend().get_texts()) == sorted(
        [*cols, "total (sum)"]
    )
    plt.close(fig)


def test_cost_contributions_even_spacing_and_arrays() -> None:
    parts = _parts()
    ax = plotting.cost_contributions(parts, spacing="even", components=["i_c"], total=False)
    n = len(parts.dropna())
    np.testing.assert_allclose([p.get_x() + p.get_width() / 2 for p in ax.patches], np.arange(n))
    assert ax.get_xticklabels()[0].get_text() == parts.dropna().index[0].strftime("%Y-%m")
    ax2 = plotting.cost_contributions(parts.to_numpy())
    assert len(ax2.patches) == 4 * n
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"parts": [[1.0] * 5]}, TypeError, "parts must be"),
        ({"parts": np.ones((3, 4))}, InputError, "5 columns"),
        ({"parts": pd.DataFrame({"delta_r": [1.0]})}, InputError, "missing the columns"),
        ({"parts": np.full((2, 5), np.nan)}, InputError, "parts"),
        ({"parts": np.ones((2, 5)), "spacing": "weekly"}, InputError, "spacing"),
        ({"parts": np.ones((2, 5)), "components": ["intercept"]}, InputError, "components"),
        ({"parts": np.ones((2, 5)), "components": []}, InputError, "components"),
    ],
)
def test_cost_contributions_bad_inputs(kwargs: dict, exc: type, match: str) -> None:
    rest = dict(kwargs)  # the parametrize dict is shared: a second run must see it whole
    parts = rest.pop("parts")
    with pytest.raises(exc, match=match):
        plotting.cost_contributions(parts, **rest)
    plt.close("all")


def test_cost_contributions_total_breaks_at_data_gaps() -> None:
    idx = pd.to_datetime(["2017-01-01", "2017-02-01", "2017-03-01", "2024-01-01", "2024-02-01"])
    parts = pd.DataFrame(
        np.arange(25, dtype=float).reshape(5, 5) - 12.0,
        index=idx,
        columns=["intercept", "delta_r", "i_c", "l_s", "interaction"],
    )
    ax = plotting.cost_contributions(parts)
    ys = next(ln for ln in ax.lines if ln.get_label() == "total (sum)").get_ydata()
    assert len(ys) == 6 and np.isnan(ys[3])  # one NaN between 2017-03 and 2024-01
    np.testing.assert_allclose(np.asarray(ys)[[0, 1, 2, 4, 5]], parts.sum(axis=1).to_numpy())
    plt.close("all")


def test_cost_contributions_does_not_mutate() -> None:
    parts = _parts()
    before = parts.copy()
    plotting.cost_contributions(parts)
    pd.testing.assert_frame_equal(parts, before)
    plt.close("all")


# ---------------------------------------------------------------- refinancing figures
@pytest.fixture(scope="module")
def sim() -> object:
    from divergence import refinancing as rf

    book, firms = rf.example_book(n_mega=4, n_sme=8, seed=0)
    shock = rf.policy_path(0.01, np.r_[0.04, np.zeros(23)])
    return rf.simulate(book, firms, shock, n_paths=30, seed=3)


def test_maturity_wall_bars_equal_the_wall(sim: object) -> None:
    wall = sim.maturity_wall(freq="year")  # type: ignore[attr-defined]
    _fig, ax = plt.subplots()
    assert plotting.maturity_wall(wall, ax=ax) is ax
    n, c = wall.shape
    h = np.array([p.get_height() for p in ax.patches]).reshape(c, n)
    np.testing.assert_allclose(h, wall.to_numpy().T)
    centres = np.array([p.get_x() + p.get_width() / 2 for p in ax.patches]).reshape(c, n)
    np.testing.assert_allclose(centres.mean(axis=0), wall.index.to_numpy())  # grouped by bucket
    assert ax.get_xlabel() == "years to maturity"
    assert ax.get_ylabel() == "principal due (currency units of the book)"
    ax2 = plotting.maturity_wall(wall, normalize=True, stacked=True)
    h2 = np.array([p.get_height() for p in ax2.patches]).reshape(c, n)
    np.testing.assert_allclose(h2, (wall / wall.sum()).to_numpy().T)  # pandas does the share
    b2 = np.array([p.get_y() for p in ax2.patches]).reshape(c, n)
    np.testing.assert_allclose(b2[1], h2[0])
    assert ax2.get_ylabel() == "share of the cohort's debt (fraction)"
    plt.close("all")


@pytest.mark.parametrize(
    ("wall", "kwargs", "exc", "match"),
    [
        (np.ones((2, 2)), {}, TypeError, "wall must be"),
        (pd.DataFrame({"a": [1.0, -1.0]}), {}, InputError, "wall"),
        (pd.DataFrame({"a": [1.0, np.nan]}), {}, InputError, "wall"),
        (pd.DataFrame({"a": [0.0, 0.0]}), {"normalize": True}, InputError, "summing to zero"),
        (pd.DataFrame({"a": [1.0]}), {"stacked": "yes"}, TypeError, "stacked"),
    ],
)
def test_maturity_wall_bad_inputs(wall: object, kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        plotting.maturity_wall(wall, **kwargs)  # type: ignore[arg-type]
    plt.close("all")


def test_coverage_fan_draws_path_quantiles(sim: object) -> None:
    cov = sim.path_values("coverage")  # type: ignore[attr-defined]
    _fig, ax = plt.subplots()
    assert plotting.coverage_fan(sim, threshold=1.5, ax=ax) is ax
    cohorts = list(sim.cohorts[:-1])  # type: ignore[attr-defined]
    assert len(ax.collections) == len(cohorts)
    months = cov.shape[1]
    for j, c in enumerate(cohorts):
        col = cov[:, :, sim.cohorts.index(c)]  # type: ignore[attr-defined]
        # independent reference: pandas' linear quantile across paths, month by month
        ref = pd.DataFrame(col).quantile([0.05, 0.5, 0.95]).to_numpy()
        np.testing.assert_allclose(ax.lines[j].get_ydata(), ref[1], rtol=1e-12)
        lo, hi = _band(ax.collections[j], months)
        np.testing.assert_allclose(lo, ref[0], rtol=1e-12)
        np.testing.assert_allclose(hi, ref[2], rtol=1e-12)
    assert ax.lines[-1].get_ydata()[0] == 1.5 and ax.get_yscale() == "log"
    ax2 = plotting.coverage_fan(sim, cohorts=["SME"], statistic="repriced_share")
    assert ax2.get_yscale() == "linear" and len(ax2.lines) == 1
    assert ax2.get_ylabel() == "share of debt repriced (fraction)"
    plt.close("all")


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"cohorts": ["nobody"]}, InputError, "cohorts must be among"),
        ({"cohorts": []}, InputError, "cohorts must be among"),
        ({"statistic": "ebitda"}, InputError, "statistic"),
        ({"quantiles": (0.5, 0.05, 0.95)}, InputError, "strictly increasing"),
        ({"quantiles": (0.05, 0.95)}, InputError, "three"),
        ({"quantiles": (0.05, 0.5, 1.5)}, InputError, "quantiles"),
        ({"threshold": "low"}, TypeError, "threshold"),
    ],
)
def test_coverage_fan_bad_inputs(sim: object, kwargs: dict, exc: type, match: str) -> None:
    with pytest.raises(exc, match=match):
        plotting.coverage_fan(sim, **kwargs)
    plt.close("all")


def test_coverage_fan_needs_a_result() -> None:
    with pytest.raises(TypeError, match="RefinancingResult"):
        plotting.coverage_fan(np.ones((3, 4, 2)))


# ---------------------------------------------------------------- implied vs realised
def test_implied_vs_realized_lines_and_shading() -> None:
    idx = pd.date_range("2021-01-01", periods=5, freq="D")
    imp = pd.Series([0.5, 0.6, 0.4, 0.3, 0.7], index=idx)
    real = pd.Series([0.3, 0.7, 0.2, 0.35], index=idx[:4])  # one date shorter: NaN there
    _fig, ax = plt.subplots()
    assert plotting.implied_vs_realized_correlation(imp, real, ax=ax) is ax
    np.testing.assert_allclose(ax.lines[0].get_ydata(), imp.to_numpy())
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.3, 0.7, 0.2, 0.35, np.nan])
    shaded = ax.collections[0]
    # implied > realised on day 0 and day 2; the band ends at the interpolated crossings
    # (day 2/3: 0.5 + 0.1t = 0.3 + 0.4t; day 2.8: 0.4 - 0.1t = 0.2 + 0.15t)
    ys = np.concatenate([p.vertices[:, 1] for p in shaded.get_paths()])
    assert ys.max() == pytest.approx(0.5 + 0.1 * 2 / 3) and ys.min() == pytest.approx(0.2)
    xs = np.concatenate([p.vertices[:, 0] for p in shaded.get_paths()])
    import matplotlib.dates as mdates

    assert xs.max() <= mdates.date2num(idx[3])  # nothing shaded where implied < realised
    ax2 = plotting.implied_vs_realized_correlation(
        imp.to_numpy(), imp.to_numpy() - 0.1, shade=False, labels=("COR3M", "63-day")
    )
    assert len(ax2.collections) == 0
    assert [t.get_text() for t in ax2.get_legend().get_texts()] == ["COR3M", "63-day"]
    np.testing.assert_allclose(ax2.lines[0].get_xdata(), np.arange(5))
    plt.close("all")


@pytest.mark.parametrize(
    ("imp", "real", "kwargs", "exc", "match"),
    [
        (pd.Series([0.1, 0.2]), [0.1, 0.2], {}, TypeError, "both be Series"),
        ([0.1, 0.2], [0.1], {}, InputError, "same length"),
        ([[0.1, 0.2]], [[0.1, 0.2]], {}, InputError, "implied"),
        (["a", "b"], [0.1, 0.2], {}, TypeError, "implied"),
        ([0.1, np.inf], [0.1, 0.2], {}, InputError, "implied"),
        ([0.1, 0.2], [0.1, 0.2], {"labels": ("one",)}, TypeError, "labels"),
        ([0.1, 0.2], [0.1, 0.2], {"shade": 1}, TypeError, "shade"),
    ],
)
def test_implied_vs_realized_bad_inputs(
    imp: object, real: object, kwargs: dict, exc: type, match: str
) -> None:
    with pytest.raises(exc, match=match):
        plotting.implied_vs_realized_correlation(imp, real, **kwargs)
    plt.close("all")


# ---------------------------------------------------------------- readable figures (issue 21)
# Every plot helper, called on realistic input: (name, call). Date plots are marked True.
def _all_figures(sim: object) -> list[tuple[str, object, bool]]:
    idx = pd.date_range("2015-01-31", periods=40, freq="ME")
    rng = np.random.default_rng(7)
    caps = pd.DataFrame(rng.lognormal(0.0, 1.0, (40, 12)), index=idx)
    parts = _parts()
    imp = pd.Series(np.linspace(0.2, 0.6, 40), index=idx)
    wall = sim.maturity_wall(freq="year")  # type: ignore[attr-defined]
    return [
        ("lorenz_curve", plotting.lorenz_curve(caps.iloc[-1]), False),
        ("concentration_over_time", plotting.concentration_over_time(caps), True),
        (
            "concentration_over_time/profile",
            plotting.concentration_over_time(conc.concentration_profile(caps), "gini"),
            True,
        ),
        ("cost_contributions", plotting.cost_contributions(parts), True),
        ("cost_contributions/even", plotting.cost_contributions(parts, spacing="even"), False),
        ("maturity_wall", plotting.maturity_wall(wall), False),
        ("coverage_fan", plotting.coverage_fan(sim), False),
        ("implied_vs_realized", plotting.implied_vs_realized_correlation(imp, imp - 0.1), True),
    ]


def test_every_figure_is_titled_and_labelled(sim: object) -> None:
    import matplotlib.dates as mdates

    for name, ax, dated in _all_figures(sim):
        assert ax.get_title().strip(), f"{name}: no title"  # type: ignore[attr-defined]
        assert ax.get_xlabel().strip(), f"{name}: no x label"  # type: ignore[attr-defined]
        ylabel = ax.get_ylabel()  # type: ignore[attr-defined]
        # units: every y label ends with a parenthesised unit or scale
        assert ylabel.strip().endswith(")"), f"{name}: y label {ylabel!r} names no unit"
        fmt = ax.xaxis.get_major_formatter()  # type: ignore[attr-defined]
        if dated:
            assert isinstance(fmt, mdates.ConciseDateFormatter), f"{name}: {type(fmt)}"
            assert isinstance(ax.xaxis.get_major_locator(), mdates.AutoDateLocator)  # type: ignore[attr-defined]
        else:
            assert not isinstance(fmt, mdates.ConciseDateFormatter), name
    plt.close("all")


def test_concise_dates_do_not_repeat_the_year() -> None:
    # 40 month-ends: a plain date formatter would print "2015-01-31"-style labels that collide;
    # the concise formatter prints months and writes the year once (at year ticks / offset).
    import matplotlib.dates as mdates

    idx = pd.date_range("2015-01-31", periods=40, freq="ME")
    imp = pd.Series(np.linspace(0.2, 0.6, 40), index=idx)
    fig, ax = plt.subplots(figsize=(7, 3))
    plotting.implied_vs_realized_correlation(imp, imp - 0.1, ax=ax)
    fig.canvas.draw()
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert isinstance(ax.xaxis.get_major_formatter(), mdates.ConciseDateFormatter)
    assert 2 <= len(labels) <= 12
    assert all(len(s) <= 4 for s in labels), labels  # "2016", "Apr": never a full date
    plt.close(fig)


def test_eleven_sectors_get_eleven_distinct_colours() -> None:
    from matplotlib.colors import to_rgba

    sectors = [
        "Communication Services",
        "Consumer Discretionary",
        "Consumer Staples",
        "Energy",
        "Financials",
        "Health Care",
        "Industrials",
        "Information Technology",
        "Materials",
        "Real Estate",
        "Utilities",
    ]  # the 11 GICS sectors (MSCI / S&P GICS structure, 2023)
    wall = pd.DataFrame(
        np.arange(1, 34, dtype=float).reshape(3, 11),
        index=pd.RangeIndex(1, 4, name="year"),
        columns=pd.Index(sectors, name="sector"),
    )
    ax = plotting.maturity_wall(wall, stacked=True)
    colours = [to_rgba(p.get_facecolor()) for p in ax.patches]
    per_sector = {tuple(np.round(c, 6)) for c in colours[::3]}  # one bar per sector and year
    assert len(per_sector) == 11
    # pairwise distinct by a visible margin (max channel difference), not by float noise
    rgb = np.array([to_rgba(c)[:3] for c in colours[::3]])
    gaps = np.abs(rgb[:, None, :] - rgb[None, :, :]).max(axis=2) + np.eye(11)
    assert gaps.min() > 0.1
    assert [t.get_text() for t in ax.get_legend().get_texts()] == sectors
    plt.close("all")
    # lines: a fan chart with one cohort per sector draws 11 median lines in 11 colours
    from divergence import refinancing as rf

    book, firms = rf.example_book(n_mega=11, n_sme=11, seed=0)
    firms = firms.assign(cohort=[sectors[i % 11] for i in range(len(firms))])
    res = rf.simulate(book, firms, np.full(6, 0.05), n_paths=5, seed=1)
    ax2 = plotting.coverage_fan(res, cohorts=sectors)
    line_colours = {to_rgba(ln.get_color()) for ln in ax2.lines}
    assert len(ax2.lines) == 11 and len(line_colours) == 11
    plt.close("all")
    palette = plotting._distinct_colors(11)
    assert len({tuple(c) for c in palette}) == 11
    assert plotting._distinct_colors(25)[0] != plotting._distinct_colors(25)[1]
