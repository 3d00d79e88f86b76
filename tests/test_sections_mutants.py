"""Assertions the mutation run of divergence._sections showed missing.

The report sections hold wording and layout only (see ``docs/_data/mutation/_sections.json``).
Each test builds a section once and compares its lines, tables, numbers, about line and figures
with the documented wording filled with numbers recomputed here from the public calls the
section names (or, for the user-caps paths, from small panels whose figures are worked by hand
in the comments). Nothing expected is read from the section under test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import pytest

from divergence import breadth as br
from divergence import concentration as conc
from divergence._sections import ReportInputs, Section
from divergence._sections import breadth as breadth_sec
from divergence._sections import concentration as conc_sec
from divergence._sections import flows as flows_sec
from divergence._sections import risk as risk_sec
from divergence.datasets import (
    load_fred,
    load_shiller,
    load_sp500_daily_market_caps,
    load_sp500_index,
    load_sp500_market_caps,
    load_sp500_prices,
)

mpl.use("Agg")


@pytest.fixture
def draw() -> Iterator[Callable[[Callable[[Any], None]], Any]]:
    """Call a section's figure function on a fresh Axes; the figures are closed afterwards."""
    import matplotlib.pyplot as plt

    figs: list[Any] = []

    def _draw(f: Callable[[Any], None]) -> Any:
        fig, ax = plt.subplots()
        # another figure is the current one: a call that drops ax= draws there, not on ax
        figs.extend([fig, plt.figure()])
        f(ax)
        return ax

    yield _draw
    for fig in figs:
        plt.close(fig)


def _figure(sec: Section, name: str) -> Callable[[Any], None]:
    found: Callable[[Any], None] = dict(sec.figures)[name]
    return found


_MEMO: dict[str, Any] = {}


def _memo(key: str, compute: Callable[[], Any]) -> Any:
    """Compute a reference value once per process (public calls only, never a section).

    mutmut forks each mutant from the process that ran the tests once, so the expected values
    are not recomputed for every mutant; the section under test is always built afresh.
    """
    if key not in _MEMO:
        _MEMO[key] = compute()
    return _MEMO[key]


def _bundled_returns() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily simple returns of the bundled members, moves beyond 35% masked, and daily caps."""

    def compute() -> tuple[pd.DataFrame, pd.DataFrame]:
        rets = load_sp500_prices().pct_change(fill_method=None)
        return rets.where(~(rets.abs() > 0.35)), load_sp500_daily_market_caps()

    found: tuple[pd.DataFrame, pd.DataFrame] = _memo("bundled", compute)
    return found


# --------------------------------------------------------------------------- concentration
def test_concentration_bundled_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    caps = load_sp500_market_caps()
    prof = conc.concentration_profile(caps, top_k=10)
    dates = pd.DatetimeIndex(prof.index)
    first, last = dates[0].strftime("%Y-%m-%d"), dates[-1].strftime("%Y-%m-%d")
    share, eff, ic = prof["top_k_share"], prof["effective_n"], prof["concentration_coefficient"]
    for sec in (conc_sec.build(), conc_sec.build(ReportInputs())):
        assert sec.title == "Concentration"
        assert sec.lines == [
            "S&P 500 constituents, full market caps, share classes merged "
            f"({len(prof)} snapshots, {first} to {last}).",
            f"Top-10 share went from {share.iloc[0]:.1%} to {share.iloc[-1]:.1%}; the index "
            f"behaves like {eff.iloc[-1]:.0f} equally weighted names instead of "
            f"{eff.iloc[0]:.0f}.",
            f"A top-10 company is worth {ic.iloc[-1]:.0f} median members (was {ic.iloc[0]:.0f}).",
        ]
        assert sec.about == (
            "Bundled S&P 500 constituent snapshots (load_sp500_market_caps: full market caps, "
            "share classes merged); concentration_profile(caps, top_k=10) per snapshot; HHI in "
            "points = HHI x 10,000."
        )
        [(caption, table)] = sec.tables
        assert caption == "Concentration by snapshot"
        expected = pd.DataFrame(
            {
                "names": prof["n"].to_numpy().astype(int),
                "top-10 share (%)": np.round(share.to_numpy() * 100, 1),
                "effective N (names)": np.round(eff.to_numpy(), 1),
                "I_C (top-10 mean / median cap)": np.round(ic.to_numpy(), 1),
                "HHI (points)": np.round(prof["hhi"].to_numpy() * 1e4).astype(int),
            },
            index=pd.DatetimeIndex(dates, name="date"),
        )
        pd.testing.assert_frame_equal(table, expected)
        assert sec.numbers == {
            "concentration.source": "bundled S&P 500 snapshots",
            "concentration.snapshots": len(prof),
            "concentration.first_date": first,
            "concentration.last_date": last,
            "concentration.names_latest": int(prof["n"].iloc[-1]),
            "concentration.top10_share_first": share.iloc[0],
            "concentration.top10_share_latest": share.iloc[-1],
            "concentration.effective_n_first": eff.iloc[0],
            "concentration.effective_n_latest": eff.iloc[-1],
            "concentration.i_c_first": ic.iloc[0],
            "concentration.i_c_latest": ic.iloc[-1],
            "concentration.hhi_points_latest": prof["hhi"].iloc[-1] * 1e4,
        }
        assert [name for name, _ in sec.figures] == ["top10_share"]
        ax = draw(_figure(sec, "top10_share"))
        # the share is drawn on the given Axes (ends at the latest snapshot's share)
        assert ax.get_lines()[0].get_ydata()[-1] == pytest.approx(share.iloc[-1])
        assert ax.get_ylabel() == "share of total cap (fraction)"
        assert ax.get_title() == "S&P 500: share of the ten largest companies"


def _user_caps(index: pd.Index) -> pd.DataFrame:
    # two dates, twelve names: caps 1..12 then every cap doubled except the largest
    first = np.arange(1.0, 13.0)
    second = 2 * first
    second[-1] = first[-1]
    return pd.DataFrame([first, second], index=index, columns=[f"T{i}" for i in range(12)])


def test_concentration_user_caps_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    for index, first, last in (
        (pd.DatetimeIndex(["2024-01-31", "2024-02-29"]), "2024-01-31", "2024-02-29"),
        (pd.Index([7, 9]), "7", "9"),
    ):
        caps = _user_caps(index)
        sec = conc_sec.build(ReportInputs(caps=caps))
        # date 1: total 78, top ten = 3..12 = 75, share 75/78; median of 1..12 = 6.5,
        # top-ten mean 7.5, I_C = 7.5/6.5; HHI = sum k^2 / 78^2 = 650 / 6084
        # date 2: caps 2,4,...,22 and 12: total 144, top ten = 144 - 2 - 4 = 138;
        # sorted 2,4,6,8,10,12,12,14,...; median (12+12)/2 = 12; top-ten mean 13.8
        hhi1 = 650 / 78**2
        sq2 = sum((2 * k) ** 2 for k in range(1, 12)) + 144
        hhi2 = sq2 / 144**2
        assert (
            sec.lines[0] == f"User market caps (--caps), 12 tickers (2 dates, {first} to {last})."
        )
        assert sec.lines[1] == (
            f"Top-10 share went from {75 / 78:.1%} to {138 / 144:.1%}; the index behaves like "
            f"{1 / hhi2:.0f} equally weighted names instead of {1 / hhi1:.0f}."
        )
        assert sec.lines[2] == (
            f"A top-10 company is worth {13.8 / 12:.0f} median members (was {7.5 / 6.5:.0f})."
        )
        assert sec.about == (
            "User market-cap panel (dates x tickers, USD) from --caps, as given (no share-class "
            "merging); concentration_profile(caps, top_k=10) on each date's non-missing caps."
        )
        [(caption, table)] = sec.tables
        assert caption == "Concentration by date"
        assert list(table.index) == list(index)
        assert table.index.name == ("date" if isinstance(index, pd.DatetimeIndex) else None)
        assert table["names"].tolist() == [12, 12]
        assert table["HHI (points)"].tolist() == [round(hhi1 * 1e4), round(hhi2 * 1e4)]
        n = sec.numbers
        assert n["concentration.source"] == "user caps"
        assert (n["concentration.first_date"], n["concentration.last_date"]) == (first, last)
        assert n["concentration.snapshots"] == 2
        assert n["concentration.names_latest"] == 12
        assert n["concentration.top10_share_first"] == pytest.approx(75 / 78)
        assert n["concentration.i_c_latest"] == pytest.approx(13.8 / 12)
        assert n["concentration.hhi_points_latest"] == pytest.approx(hhi2 * 1e4)
        ax = draw(_figure(sec, "top10_share"))
        assert ax.get_title() == "User caps: share of the ten largest companies"


# --------------------------------------------------------------------------- breadth
def test_breadth_user_caps_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    for index, span in (
        (pd.DatetimeIndex(["2024-01-31", "2024-02-29"]), "2024-01-31 to 2024-02-29"),
        (pd.Index([7, 9]), "7 to 9"),
    ):
        sec = breadth_sec.build(ReportInputs(caps=_user_caps(index)))
        # one interval: total 78 -> 144 (growth 66/78); 11 of 12 caps rose; the ten largest at
        # the start (3..12) added 3 + ... + 11 = 63, so their share of the growth is 63/66
        assert sec.title == "Breadth"
        assert sec.lines == [
            f"User market caps (--caps), 12 tickers, 2 dates ({span}). "
            "No returns were given, so breadth is measured on changes in market cap, which also "
            "move with issuance, buybacks and corporate actions; the cap- vs equal-weighted "
            "return gap needs returns and is not shown.",
            f"Average share of names whose cap rose between dates: {11 / 12:.1%} "
            "(over 1 intervals).",
            "Share of the summed cap growth from the 10 names largest at the start of each "
            f"interval: {63 / 66:.1%}.",
        ]
        assert sec.numbers == {
            "breadth.source": "user caps (cap changes, not returns)",
            "breadth.intervals": 1,
            "breadth.mean_share_cap_up": pytest.approx(11 / 12),
            "breadth.top10_cap_change_share": pytest.approx(63 / 66),
        }
        assert sec.about == (
            "User market-cap panel from --caps; cap_change_breadth(caps, top_k=10): per "
            "interval, names with a cap at both ends; cap changes include net issuance, so they "
            "are not returns and no cap- vs equal-weighted return gap is computed."
        )
        assert sec.tables == []
        assert [name for name, _ in sec.figures] == ["cap_change_breadth"]
        ax = draw(_figure(sec, "cap_change_breadth"))
        line, half = ax.get_lines()
        assert list(line.get_ydata()) == pytest.approx([11 / 12])
        assert (line.get_linewidth(), line.get_color()) == (1.0, "k")
        assert list(half.get_ydata()) == [0.5, 0.5]
        assert (half.get_color(), half.get_linewidth(), half.get_linestyle()) == ("grey", 0.5, ":")
        assert ax.get_ylabel() == "share of names whose cap rose (fraction)"
        assert ax.get_xlabel() == "date"
        assert ax.get_title() == "User caps: breadth of cap changes"


def test_breadth_user_caps_without_growth_is_nan() -> None:
    # caps unchanged between the two dates: summed growth 0, so no share of it (NaN, not 0/0)
    caps = pd.DataFrame([[1.0, 2.0], [1.0, 2.0]], index=pd.Index([1, 2]), columns=["A", "B"])
    sec = breadth_sec.build(ReportInputs(caps=caps))
    assert sec.numbers["breadth.intervals"] == 1
    assert sec.numbers["breadth.mean_share_cap_up"] == 0.0
    assert np.isnan(float(sec.numbers["breadth.top10_cap_change_share"]))  # type: ignore[arg-type]
    assert sec.lines[2].endswith("interval: nan%.")


def test_breadth_bundled_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    rets, caps = _bundled_returns()
    rets0, caps0 = breadth_sec.bundled_inputs()
    pd.testing.assert_frame_equal(rets0, rets)
    pd.testing.assert_frame_equal(caps0, caps)
    s = _memo("summary", lambda: br.breadth_summary(rets, caps, top_k=10))
    years = len(rets) / 252
    gap = s["mean_gap"] * 1e4
    first, last = str(rets.index[1].date()), str(rets.index[-1].date())
    for sec in (breadth_sec.build(ReportInputs()),):
        assert sec.title == "Breadth"
        assert sec.lines == [
            f"505 members (as of 2018), daily, {first} to {last} ({years:.1f} years); caps "
            "implied from prices and the latest prior snapshot.",
            f"Cumulative price return: cap-weighted {s['cumulative_cap_weighted']:+.1%}, "
            f"equal-weighted {s['cumulative_equal_weighted']:+.1%} "
            "(equal weight carries survivorship bias: 2018 members only).",
            f"Mean daily cap-minus-equal gap: {gap:+.2f} bp; "
            f"positive on {s['share_gap_positive']:.0%} of days.",
            f"Average share of names up on a day: {s['mean_share_up']:.1%}; "
            f"beating the index: {s['mean_share_beating_index']:.1%}.",
            f"Reading: on an average day the cap-weighted index was within {abs(gap):.1f} bp of "
            f"the equal-weighted one and about {s['mean_share_beating_index']:.0%} of members "
            "beat it: breadth was not narrow over 2013-2018 (contrast the concentration figures "
            "for 2024-2026).",
            "Share of summed daily return points from the 10 largest names: "
            f"{s['top_k_contribution_share']:.1%} (their average weight is shown in the "
            "concentration section).",
        ]
        assert sec.numbers == {
            "breadth.source": "bundled S&P 500 prices and implied caps",
            "breadth.first_date": first,
            "breadth.last_date": last,
            "breadth.years": years,
            "breadth.cumulative_cap_weighted": s["cumulative_cap_weighted"],
            "breadth.cumulative_equal_weighted": s["cumulative_equal_weighted"],
            "breadth.mean_gap_bp": pytest.approx(gap, rel=1e-12),
            "breadth.share_gap_positive": s["share_gap_positive"],
            "breadth.mean_share_up": s["mean_share_up"],
            "breadth.mean_share_beating_index": s["mean_share_beating_index"],
            "breadth.top10_contribution_share": s["top_k_contribution_share"],
        }
        assert sec.about == (
            "Bundled daily prices of the 505 S&P 500 members of 2018 (survivorship-biased) and "
            "caps implied from prices and the latest prior snapshot; simple price returns, moves "
            "beyond 35% treated as missing; weights = previous day's caps; "
            "breadth_summary(returns, caps, top_k=10)."
        )
        assert sec.tables == []
    assert [name for name, _ in sec.figures] == ["cap_vs_equal_and_breadth"]
    ax = draw(_figure(sec, "cap_vs_equal_and_breadth"))
    cap_line, eq_line = ax.get_lines()
    # growth of 1: the running product of (1 + r), r the index returns of the public calls
    for line, r in ((cap_line, br.index_return(rets, caps)), (eq_line, br.index_return(rets))):
        x = r.to_numpy()
        expected = np.where(np.isnan(x), np.nan, np.nancumprod(1 + x))
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-9)
        assert line.get_linewidth() == 1.0
    assert [cap_line.get_label(), eq_line.get_label()] == ["cap-weighted", "equal-weighted"]
    assert ax.get_ylabel() == "growth of 1 (price return, USD per USD)"
    assert ax.get_xlabel() == "date"
    assert ax.get_title() == "S&P 500 members (2018 list): cap- vs equal-weighted, and breadth"
    legend = ax.get_legend()
    assert legend._loc == 2  # "upper left"
    assert legend.get_texts()[0].get_fontsize() == 8.0
    right = next(other for other in ax.figure.axes if other is not ax)
    beat, half = right.get_lines()
    share = _memo("beat", lambda: br.breadth(rets, caps))["share_beating_index"].to_numpy()
    window = np.lib.stride_tricks.sliding_window_view(share, 63).mean(axis=1)
    np.testing.assert_allclose(beat.get_ydata()[62:], window, rtol=1e-9)
    assert np.isnan(beat.get_ydata()[:62]).all()
    assert (beat.get_linewidth(), beat.get_color(), beat.get_label()) == (
        0.8,
        "grey",
        "beating the index",
    )
    assert (half.get_color(), half.get_linewidth(), half.get_linestyle()) == ("grey", 0.5, ":")
    assert list(half.get_ydata()) == [0.5, 0.5]
    assert right.get_ylabel() == "share beating the index, 63-day mean (fraction)"
    assert right.yaxis.label.get_fontsize() == 8.0
    right_legend = right.get_legend()
    assert right_legend._loc == 4  # "lower right"
    assert right_legend.get_texts()[0].get_fontsize() == 8.0


# --------------------------------------------------------------------------- flows
def test_flows_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    from divergence.flows import illustrative_scenarios, scenario_effective_n

    snap = load_sp500_market_caps()
    caps = snap.iloc[-1].dropna()
    caps = caps[caps > 0]
    eff = _memo(
        "flows",
        lambda: scenario_effective_n(caps, illustrative_scenarios(caps, n_steps=40), n_seeds=10),
    )
    start, end = eff.iloc[0], eff.iloc[-1]
    date = str(pd.Timestamp(snap.index[-1]).date())
    sec = flows_sec.build()
    assert sec.title == "Flow mechanics (simulation)"
    assert sec.lines == [
        f"Simulated flows on the S&P 500 caps of {date} ({len(caps)} names, "
        f"USD {caps.sum() / 1e12:.1f}T). 40 quarterly steps; index-fund inflow 0.5% of "
        "the market a quarter; multiplier M = 5 for the median company; 4% idiosyncratic "
        "news a quarter; mean of 10 seeds, identical news in every scenario. "
        "Parameters are illustrative, not estimated.",
        "",
        "Cap-weighted flows with a common multiplier move every price by the same factor: any "
        "drift in the first row comes from the random news alone. Concentration rises "
        "mechanically only when something is size-dependent (here a multiplier growing with "
        "log size, b = 0.5); capitulation and short covering then add to it.",
    ]
    [(caption, table)] = sec.tables
    assert caption == "Effective number of names, mean of 10 seeds"
    assert table.index.name == "scenario"
    assert list(table.index) == list(eff.columns)
    assert list(table.columns) == [
        "effective N, start (names)",
        "effective N after 10y (names)",
        "change (%)",
    ]
    np.testing.assert_array_equal(table.iloc[:, 0], np.round(start.to_numpy(), 1))
    np.testing.assert_array_equal(table.iloc[:, 1], np.round(end.to_numpy(), 1))
    np.testing.assert_array_equal(
        table.iloc[:, 2], np.round((end.to_numpy() / start.to_numpy() - 1) * 100, 1)
    )
    slugs = {
        "passive, common M": "passive_common_m",
        "passive, M grows with size (b=0.5)": "passive_m_grows_with_size_b_0_5",
        "passive + capitulation, common M": "passive_capitulation_common_m",
        "passive + short covering, common M": "passive_short_covering_common_m",
        "all together (b=0.5)": "all_together_b_0_5",
    }
    assert list(slugs) == list(eff.columns)
    expected: dict[str, Any] = {
        "flows.snapshot_date": date,
        "flows.names": len(caps),
        "flows.total_cap_usd": caps.sum(),
        "flows.effective_n_start": start.iloc[0],
    }
    for name, slug in slugs.items():
        expected[f"flows.effective_n_10y.{slug}"] = end[name]
        expected[f"flows.change_10y.{slug}"] = end[name] / start[name] - 1
    assert sec.numbers == expected
    assert sec.about == (
        "Latest bundled S&P 500 snapshot (positive caps, USD); simulate_flows under "
        "illustrative_scenarios(caps, n_steps=40) (quarterly steps, illustrative parameters), "
        "mean effective N over seeds 0-9 by scenario_effective_n."
    )
    assert [name for name, _ in sec.figures] == ["flows_effective_n"]
    ax = draw(_figure(sec, "flows_effective_n"))
    assert [line.get_label() for line in ax.get_lines()] == list(eff.columns)
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), eff.iloc[:, 1])
    assert ax.get_xlabel() == "quarter"
    assert ax.get_ylabel() == "effective number of names"
    assert ax.get_title() == "Simulated concentration under each flow mechanism"
    assert ax.get_legend().get_texts()[0].get_fontsize() == 8.0


def test_flows_section_drops_missing_and_non_positive_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    # the latest row has a NaN and a zero cap: 3 names of 1, 2 and 3 (USD T) are simulated
    snap = pd.DataFrame(
        [[5e12, 5e12, 5e12, 5e12, 5e12], [1e12, np.nan, 2e12, 0.0, 3e12]],
        index=pd.DatetimeIndex(["2020-01-02", "2021-01-04"]),
        columns=list("ABCDE"),
    )
    # a positive cap below one dollar is still a cap (caps of 0.5, 2, 3 and 1.5 USD)
    tiny = snap.assign(F=[1.0, 1.5])
    tiny.iloc[1, :] = [0.5, np.nan, 2.0, 0.0, 3.0, 1.5]
    monkeypatch.setattr(flows_sec, "load_sp500_market_caps", lambda: tiny)
    assert flows_sec.build().numbers["flows.names"] == 4
    monkeypatch.setattr(flows_sec, "load_sp500_market_caps", lambda: snap)
    sec = flows_sec.build()
    assert sec.numbers["flows.names"] == 3
    assert sec.numbers["flows.total_cap_usd"] == 6e12
    assert sec.numbers["flows.snapshot_date"] == "2021-01-04"
    # effective N at the start = 1 / sum of squared shares = 36 / (1 + 4 + 9)
    assert sec.numbers["flows.effective_n_start"] == pytest.approx(36 / 14)
    assert "caps of 2021-01-04 (3 names, USD 6.0T)" in sec.lines[0]


# --------------------------------------------------------------------------- risk
def test_risk_inputs_are_the_documented_returns() -> None:
    from divergence.risk import stock_bond_returns

    sh = load_shiller()
    tr = (sh["real_total_return_price"] * sh["cpi"]).dropna()
    monthly = stock_bond_returns(tr, sh["gs10"].dropna() / 100, periods_per_year=12)
    pd.testing.assert_frame_equal(risk_sec.monthly_stock_bond(), monthly)
    spx = load_sp500_index()["adj_close"]
    y = load_fred("DGS10", units="decimal")["DGS10"]
    daily = stock_bond_returns(spx, y, periods_per_year=252)
    pd.testing.assert_frame_equal(risk_sec.daily_stock_bond(), daily)
    # the stock leg is the simple return of the index: r_t = p_t / p_{t-1} - 1
    p = tr.reindex(monthly.index)
    t = monthly.index[5]
    prev = tr.index[int(np.flatnonzero(tr.index == t)[0]) - 1]
    assert monthly.loc[t, "stock"] == pytest.approx(p[t] / tr[prev] - 1, rel=1e-12)


def test_risk_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    from divergence.risk import (
        conditional_value_at_risk,
        cvar_diversification,
        cvar_position_limits,
        positive_spells,
        rolling_correlation,
    )

    df = risk_sec.monthly_stock_bond()
    corr = rolling_correlation(df["stock"], df["bond"], window=36)
    spells = positive_spells(corr, min_length=24)
    last = corr.dropna()
    daily = risk_sec.daily_stock_bond()
    dcorr = rolling_correlation(daily["stock"], daily["bond"], window=252).dropna()
    share_pos = float((dcorr > 0).mean())
    w = np.array([0.6, 0.4])
    rows: dict[str, dict[str, float]] = {}
    for label, mask in (
        ("correlation > 0", corr.notna() & (corr > 0)),
        ("correlation <= 0", corr.notna() & (corr <= 0)),
    ):
        sub = df.loc[mask, ["stock", "bond"]]
        alone = conditional_value_at_risk(sub)
        alloc = cvar_position_limits(sub, 1.0, weights=[0.6, 0.4])
        rows[label] = {
            "months": int(mask.sum()),
            "stocks": float(alone["stock"]),
            "bonds": float(alone["bond"]),
            "6040": float(conditional_value_at_risk(sub.to_numpy() @ w)),
            "div": float(cvar_diversification(sub, [0.6, 0.4])),
            "euler": float(alloc.portfolio_cvar),
            "e_stocks": float(alloc.contributions[0]),
            "e_bonds": float(alloc.contributions[1]),
        }
    pos, non = rows["correlation > 0"], rows["correlation <= 0"]
    assert pos["months"] > 0 and non["months"] > 0
    assert pos["months"] + non["months"] == int(corr.notna().sum())
    sec = risk_sec.build()
    assert sec.title == "Stock-bond correlation and tail risk"
    assert sec.lines == [
        "Monthly S&P composite total returns (Shiller; prices are monthly averages of daily "
        "closes, which smooths returns) against 10-year Treasury returns from GS10 "
        "(par-bond duration/convexity approximation, r = y/12 - D dy + C dy^2/2), "
        f"{df.index[0]:%Y-%m} to {df.index[-1]:%Y-%m}; trailing 36-month Pearson correlation.",
        "",
        "Spells of positive stock-bond correlation lasting 2 years or more: see the table.",
        f"Latest ({last.index[-1]:%Y-%m}): {last.iloc[-1]:+.2f}.",
        "",
        "Historical 95% CVaR of monthly returns (positive = loss), by sign of the trailing "
        "correlation; diversification = 1 - CVaR(60/40) / (0.6 CVaR(stocks) + 0.4 CVaR(bonds)).",
        f"Reading: mixing cut the 60/40 tail loss by {pos['div']:.0%} of the weighted "
        f"stand-alone losses when the correlation was positive and by {non['div']:.0%} when "
        "it was not.",
        "",
        "Euler split of the 60/40 historical 95% CVaR (tail mean), c_i = -E[w_i r_i | loss >= "
        "VaR]: see the table.",
        f"Reading: stocks carry the tail loss; bonds add {pos['e_bonds']:+.2%} of it when the "
        f"correlation is positive and {non['e_bonds']:+.2%} when it is not (negative = a "
        "hedge).",
        "",
        f"Daily S&P 500 vs 10-year Treasury (DGS10), {daily.index[0]:%Y-%m-%d} to "
        f"{daily.index[-1]:%Y-%m-%d}, 252-day window: share of days with positive correlation "
        f"{share_pos:.0%}, median {dcorr.median():+.2f}.",
        "Caveat: conditioning on the trailing correlation is descriptive, not a forecast.",
    ]
    expected: dict[str, Any] = {
        "risk.first_month": f"{df.index[0]:%Y-%m}",
        "risk.last_month": f"{df.index[-1]:%Y-%m}",
        "risk.positive_spells": len(spells),
        "risk.latest_correlation": last.iloc[-1],
        "risk.latest_correlation_month": f"{last.index[-1]:%Y-%m}",
        "risk.daily_share_positive": share_pos,
        "risk.daily_median_correlation": dcorr.median(),
    }
    for key, row in (("positive", pos), ("nonpositive", non)):
        expected[f"risk.{key}.months"] = row["months"]
        for name in ("cvar_stocks", "cvar_bonds", "cvar_6040", "diversification"):
            src = {"cvar_stocks": "stocks", "cvar_bonds": "bonds", "cvar_6040": "6040"}
            expected[f"risk.{key}.{name}"] = pytest.approx(row[src.get(name, "div")], rel=1e-12)
        expected[f"risk.{key}.euler_cvar_6040"] = pytest.approx(row["euler"], rel=1e-12)
        expected[f"risk.{key}.euler_stocks"] = pytest.approx(row["e_stocks"], rel=1e-12)
        expected[f"risk.{key}.euler_bonds"] = pytest.approx(row["e_bonds"], rel=1e-12)
    assert sec.numbers == expected
    assert isinstance(sec.numbers["risk.positive.months"], int)
    assert sec.about == (
        "Shiller monthly S&P composite total returns (nominal: real total-return price x CPI) "
        "and GS10 bond returns (stock_bond_returns, par-bond approximation), trailing 36-month "
        "correlation; historical 95% CVaR (losses positive) by correlation sign; daily check "
        "on the bundled S&P 500 index and FRED DGS10."
    )
    (c1, spell_table), (c2, cvar_table), (c3, euler_table) = sec.tables
    assert c1 == "Spells of positive stock-bond correlation (2 years or more)"
    assert c2 == "Historical 95% CVaR of monthly returns by correlation regime"
    assert c3 == "Euler split of the 60/40 95% CVaR (tail mean)"
    assert list(spell_table.columns) == ["from", "to", "months"]
    assert spell_table["from"].tolist() == [f"{a:%Y-%m}" for a in spells["start"]]
    assert spell_table["to"].tolist() == [f"{b:%Y-%m}" for b in spells["end"]]
    assert spell_table["months"].tolist() == spells["length"].tolist()
    labels = ["correlation > 0", "correlation <= 0"]
    assert list(cvar_table.index) == labels and cvar_table.index.name == "regime"
    assert list(cvar_table.columns) == [
        "months",
        "CVaR stocks (%)",
        "CVaR bonds (%)",
        "CVaR 60/40 (%)",
        "diversification (%)",
    ]
    assert cvar_table["months"].dtype == np.int64
    for label, row in zip(labels, (pos, non), strict=True):
        got = cvar_table.loc[label]
        assert got["months"] == row["months"]
        assert got["CVaR stocks (%)"] == round(100 * row["stocks"], 2)
        assert got["CVaR bonds (%)"] == round(100 * row["bonds"], 2)
        assert got["CVaR 60/40 (%)"] == round(100 * row["6040"], 2)
        assert got["diversification (%)"] == round(100 * row["div"], 1)
        eu = euler_table.loc[label]
        assert eu["CVaR 60/40, tail mean (%)"] == round(100 * row["euler"], 2)
        assert eu["stocks (%)"] == round(100 * row["e_stocks"], 2)
        assert eu["bonds (%)"] == round(100 * row["e_bonds"], 2)
    assert list(euler_table.index) == labels and euler_table.index.name == "regime"
    assert list(euler_table.columns) == ["CVaR 60/40, tail mean (%)", "stocks (%)", "bonds (%)"]
    assert [name for name, _ in sec.figures] == ["stock_bond_corr"]
    ax = draw(_figure(sec, "stock_bond_corr"))
    line, zero = ax.get_lines()
    np.testing.assert_array_equal(line.get_ydata(), corr.to_numpy())
    assert (line.get_linewidth(), line.get_color()) == (0.8, "k")
    assert (zero.get_color(), zero.get_linewidth(), list(zero.get_ydata())) == (
        "grey",
        0.6,
        [0.0, 0.0],
    )
    shaded = ax.patches
    assert len(shaded) == len(spells)
    for patch, a, b in zip(shaded, spells["start"], spells["end"], strict=True):
        x0, x1 = patch.get_x(), patch.get_x() + patch.get_width()
        assert (x0, x1) == (mpl.dates.date2num(a), mpl.dates.date2num(b))
    assert shaded[0].get_alpha() == 0.15
    assert shaded[0].get_linewidth() == 0.0
    assert mpl.colors.to_hex(shaded[0].get_facecolor()) == mpl.colors.to_hex("tab:red")
    assert ax.get_ylabel() == "36-month correlation (dimensionless)"
    assert ax.get_xlabel() == "date"
    assert ax.get_title() == "Stock-bond correlation (shaded: positive for 2+ years)"


# --------------------------------------------------------------------------- refinancing
def _refinancing_ref() -> dict[str, Any]:
    """The documented recipe's results (user guide), from the public calls."""
    import warnings

    from divergence import lags
    from divergence import refinancing as rf
    from divergence.datasets import load_company_facts
    from divergence.errors import DataWarning

    book, firms = rf.example_book(n_mega=40, n_sme=160, seed=0)
    tables = {
        "mega-cap": rf.SpreadTable.damodaran("large"),
        "SME": rf.SpreadTable.damodaran("small"),
    }
    kw: dict[str, Any] = {"n_paths": 150, "seed": 7, "spread_table": tables}
    shock = np.zeros(60)
    shock[0] = 0.04
    hike = rf.simulate(book, firms, rf.policy_path(0.01, shock), **kw)
    flat = rf.simulate(book, firms, np.full(60, 0.01), **kw)
    fred = load_fred(["FEDFUNDS", "UNRATE"]).dropna().loc["1985":"2019"]
    corr = lags.lead_lag(fred["FEDFUNDS"].diff(12), fred["UNRATE"].diff(12), 36).correlations
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        _, filers = rf.book_from_company_facts([load_company_facts(t) for t in ("AAPL", "TSLA")])
    return {"firms": firms, "hike": hike, "flat": flat, "corr": corr, "filers": filers}


def test_refinancing_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    # one test, one build: mutmut runs only the tests it saw calling the mutated function
    from divergence._sections import refinancing as ref_sec

    sec, ref = ref_sec.build(), _memo("refinancing", _refinancing_ref)
    hike, flat, firms, corr = ref["hike"], ref["flat"], ref["firms"], ref["corr"]
    cols = [hike.cohorts.index("mega-cap"), hike.cohorts.index("SME")]
    rep = hike.path_values("repriced_share")[0]
    extra = hike.path_values("interest").mean(axis=0) - flat.path_values("interest").mean(axis=0)
    dar_h = hike.path_values("debt_at_risk_share")[:, 36, :].mean(axis=0)
    dar_f = flat.path_values("debt_at_risk_share")[:, 36, :].mean(axis=0)
    # half of the 5-year rise: first month with x_m >= x_H / 2 (the rise is positive here)
    half = [int(np.flatnonzero(extra[:, i] >= 0.5 * extra[-1, i])[0]) for i in cols]
    cross = hike.first_crossing(1.5)
    n_mega = int((firms["cohort"] == "mega-cap").sum())
    n_sme = int((firms["cohort"] == "SME").sum())
    assert (n_mega, n_sme) == (40, 160)
    ahead = corr.loc[1:]
    turn_k = int(ahead[ahead > 0].index[0])
    assert sec.title == "Refinancing wall (asymmetric cost of debt)"
    rows = [
        f"{c:<10}{rep[3, i]:>12.0%}{rep[12, i]:>7.0%}{rep[36, i]:>7.0%}{half[j]:>22d} mo"
        f"{dar_h[i]:>20.1%} ({dar_f[i]:.1%})"
        for j, (c, i) in enumerate(zip(("mega-cap", "SME"), cols, strict=True))
    ]
    assert sec.lines[:6] == [
        "Synthetic book calibrated to public facts: 200 firms (40 mega-caps: 95% fixed, "
        "1-13-year ladders, IG spreads; 160 SMEs: 85% floating, 1-3-month resets, 1-5-year "
        "ladders, HY spreads).",
        "Scenario: base rate 1% -> 5% at month 0 (+400 bp), 150 EBIT paths, 60 months; "
        "counterfactual: rate stays at 1% (same draws).",
        "",
        "          "
        + " repriced 3m"
        + "    12m"
        + "    36m"
        + "   half of 5y interest rise"
        + "    debt-at-risk 36m (no hike)",
        *rows,
    ]
    sme, mega = cross["SME"], cross["mega-cap"]
    assert sec.lines[6:] == [
        "",
        f"SME aggregate coverage falls below 1.5 on {sme.notna().mean():.0%} of paths "
        f"(median month {sme.median():.0f}); mega-caps on {mega.notna().mean():.0%}.",
        "The lags are not parameters: they follow from reset dates and the maturity ladder. "
        "Spreads: Damodaran synthetic-rating tables (undated web snapshot).",
        "Real data (FRED FEDFUNDS, UNRATE, monthly 1985-2019): corr(12-month change in fed "
        f"funds at t, 12-month change in unemployment at t+k) is {corr.loc[0]:+.2f} at k=0 "
        f"(the Fed cuts as unemployment rises), turns positive at k={turn_k} months and "
        f"reaches {corr.loc[36]:+.2f} at k=36: long lags, but a correlation, not an "
        "identified shock.",
        sec.lines[-1],
    ]
    n = sec.numbers
    expected: dict[str, Any] = {
        "refinancing.firms": 200,
        "refinancing.firms.mega_cap": 40,
        "refinancing.firms.sme": 160,
        "refinancing.paths": 150,
        "refinancing.horizon_months": 60,
        "refinancing.shock_bp": 400,
    }
    for j, (key, i) in enumerate(zip(("mega_cap", "sme"), cols, strict=True)):
        expected.update(
            {
                f"refinancing.{key}.repriced_share_3m": rep[3, i],
                f"refinancing.{key}.repriced_share_12m": rep[12, i],
                f"refinancing.{key}.repriced_share_36m": rep[36, i],
                f"refinancing.{key}.half_interest_rise_month": half[j],
                f"refinancing.{key}.debt_at_risk_share_36m": pytest.approx(dar_h[i], rel=1e-12),
                f"refinancing.{key}.debt_at_risk_share_36m_no_hike": pytest.approx(
                    dar_f[i], rel=1e-12
                ),
            }
        )
    expected.update(
        {
            "refinancing.sme.coverage_below_1_5_share_of_paths": sme.notna().mean(),
            "refinancing.sme.coverage_below_1_5_median_month": sme.median(),
            "refinancing.mega_cap.coverage_below_1_5_share_of_paths": mega.notna().mean(),
            "refinancing.fred.corr_k0": corr.loc[0],
            "refinancing.fred.first_positive_lag_months": turn_k,
            "refinancing.fred.corr_k36": corr.loc[36],
        }
    )
    walls = {k: v for k, v in n.items() if k.startswith("refinancing.wall.")}
    assert {k: v for k, v in n.items() if k not in walls} == expected
    assert isinstance(n["refinancing.sme.half_interest_rise_month"], int)
    assert sec.about == (
        "Synthetic two-cohort debt book (refinancing.example_book, calibrated to FEDS Notes "
        "and Moody's facts) simulated with refinancing.simulate: +400 bp at month 0 against "
        "a no-hike path with the same EBIT draws (seed 7), Damodaran spread tables; shares "
        "are of cohort debt, months after the shock; FRED lead-lag via lags.lead_lag; real "
        "walls from refinancing.book_from_company_facts on the bundled SEC company facts."
    )
    assert sec.tables == []
    _check_refinancing_walls(sec, ref)
    _check_refinancing_figures(sec, ref, draw)


def _check_refinancing_walls(sec: Section, ref: dict[str, Any]) -> None:
    filers = ref["filers"]
    buckets = filers[["y1", "y2", "y3", "y4", "y5", "after5"]].to_numpy(dtype=float)
    parts: list[str] = []
    expected: dict[str, Any] = {}
    for i, (ticker, name) in enumerate((("AAPL", "Apple Inc."), ("TSLA", "Tesla, Inc."))):
        total = buckets[i].sum()
        y1, within5 = buckets[i, 0], buckets[i, :5].sum()
        end = str(pd.Timestamp(filers["period_end"].iloc[i]).date())
        parts.append(
            f"{name} ({end}) USD {total / 1e9:.1f} bn, {y1 / total:.0%} due within a year, "
            f"{within5 / total:.0%} within five"
        )
        key = f"refinancing.wall.{ticker}"
        expected[f"{key}.period_end"] = end
        expected[f"{key}.debt_usd_bn"] = round(total / 1e9, 3)
        expected[f"{key}.due_1y_share"] = pytest.approx(y1 / total, rel=1e-12)
        expected[f"{key}.due_5y_share"] = pytest.approx(within5 / total, rel=1e-12)
    # Apple FY2024 10-K: USD 97,341 m of debt, 10,930 m due within a year
    assert expected["refinancing.wall.AAPL.debt_usd_bn"] == 97.341
    assert sec.lines[-1] == (
        "Real maturity walls (10-K debt-maturity tables, SEC XBRL company facts): "
        + "; ".join(parts)
        + "."
    )
    assert {k: v for k, v in sec.numbers.items() if k.startswith("refinancing.wall.")} == expected


def _check_refinancing_figures(
    sec: Section, ref: dict[str, Any], draw: Callable[[Callable[[Any], None]], Any]
) -> None:
    assert [name for name, _ in sec.figures] == ["maturity_wall", "coverage_fan"]
    ax = draw(_figure(sec, "maturity_wall"))
    assert ax.get_title() == "Maturity wall of the synthetic book"
    # normalised: the bars of each cohort sum to 1; only the two cohorts are drawn
    wall = ref["hike"].maturity_wall(freq="year")[["mega-cap", "SME"]]
    assert len(ax.patches) == wall.size
    heights = np.array([p.get_height() for p in ax.patches]).reshape(2, -1)
    np.testing.assert_allclose(heights.sum(axis=1), 1.0, rtol=1e-12)
    ax = draw(_figure(sec, "coverage_fan"))
    assert ax.get_xlabel() == "months after the +400 bp hike"
    assert ax.get_title() == "Coverage fan by cohort"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("mega-cap" in t for t in labels) and any("SME" in t for t in labels)
    assert any(line.get_ydata()[0] == 1.5 for line in ax.get_lines())


# --------------------------------------------------------------------------- dispersion
def test_dispersion_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    from divergence import dispersion as dp
    from divergence._sections import dispersion as disp_sec
    from divergence.datasets import load_vix

    raw = load_sp500_prices().pct_change(fill_method=None)
    artefacts = int(np.sum(np.abs(raw.to_numpy()) > 0.35))
    rets, caps = _bundled_returns()
    w = caps.shift(1)
    rho_w = _memo("rho_w", lambda: dp.realized_correlation(rets, w, window=63, method="weighted"))
    rho_m = _memo("rho_m", lambda: dp.realized_correlation(rets, window=63, method="mean"))
    csd = _memo("csd", lambda: dp.cross_sectional_dispersion(rets.iloc[1:], w.iloc[1:]))
    member_vol = _memo(
        "member_vol", lambda: dp.realized_volatility(rets, window=63, periods_per_year=252)
    )
    index_vol = _memo(
        "index_vol",
        lambda: dp.realized_volatility(
            br.index_return(rets, caps), window=63, periods_per_year=252
        ),
    )
    ok = index_vol.notna()
    disp = _memo(
        "disp",
        lambda: dp.dispersion_index(index_vol[ok], member_vol[ok], w[ok], on_out_of_range="ignore"),
    )
    r = load_sp500_index()["close"].pct_change()
    # forward 21-day root mean square, annualised (the documented formula, computed here)
    sq = r.to_numpy() ** 2
    fwd = np.full(len(sq), np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(sq[1:], 21)  # sq[t+1 : t+22] for each t
    fwd[: len(sq) - 21] = np.sqrt(252 * windows.mean(axis=1))
    fwd_rv = pd.Series(fwd, index=r.index)
    vix = load_vix()["close"] / 100
    span = (vix.index >= rets.index[0]) & (vix.index <= rets.index[-1])
    vv = pd.DataFrame({"vix": vix[span]}).join(fwd_rv.rename("fwd_rv"), how="outer")
    vv = vv.loc[rets.index[0] : rets.index[-1]].dropna()
    premium = vv["vix"] - vv["fwd_rv"]
    vix_d = vix.reindex(rets.index)
    have = vix_d.notna() & (member_vol.notna().sum(axis=1) >= 400)
    rho_i = _memo(
        "rho_i",
        lambda: dp.implied_correlation(
            vix_d[have], member_vol[have], w[have], on_out_of_range="ignore"
        ),
    )
    gap = (rho_i - rho_w.reindex(rho_i.index)).dropna()
    yearly = rho_w.groupby(rho_w.index.year).mean().dropna()
    peak, trough = rho_w.idxmax(), rho_w.idxmin()
    first, last = str(rets.index[1].date()), str(rets.index[-1].date())
    sec = disp_sec.build()
    assert sec.title == "Dispersion"
    assert sec.lines == [
        f"505 S&P 500 members (as of 2018), daily price returns {first} to {last}; "
        f"{artefacts} moves beyond +/-35% (spin-offs, a split glitch) treated as missing; "
        "weights = previous day's implied caps.",
        f"Realised average correlation over 63-day windows: cap-weighted {rho_w.mean():.2f} on "
        f"average (peak {rho_w.max():.2f} on {peak.date()}, low {rho_w.min():.2f} on "
        f"{trough.date()}); plain average of all pairs {rho_m.mean():.2f}.",
        "Cap-weighted realised correlation by year: "
        + ", ".join(f"{y} {v:.2f}" for y, v in yearly.items())
        + " (2018: five weeks only).",
        "Realised dispersion index sqrt(sum w s_i^2 - s_I^2) (63-day vols, annualised): "
        f"median {disp.median():.1%}, while the cap-weighted index's own realised vol had "
        f"median {index_vol.median():.1%}.",
        "Daily cross-sectional dispersion of member returns (cap-weighted): median "
        f"{csd.median():.2%}, 95th percentile {csd.quantile(0.95):.2%} (a typical member's "
        "day is about that far from the cap-weighted average member's).",
        f"VIX vs realised S&P 500 vol over the next 21 trading days ({len(vv)} days): VIX "
        f"higher on {(premium > 0).mean():.0%} of days, by {premium.mean() * 100:.1f} vol "
        f"points on average (mean VIX {vv['vix'].mean() * 100:.1f}, mean realised "
        f"{vv['fwd_rv'].mean() * 100:.1f}).",
        "Implied-correlation proxy (VIX as the index vol, trailing 63-day realised member "
        f"vols; no single-stock implied vols are bundled), {len(gap)} days: median "
        f"{rho_i.median():.2f} against a realised {rho_w.reindex(gap.index).median():.2f}, "
        f"above it on {(gap > 0).mean():.0%} of days. Reading: with realised member vols "
        "the gap mixes the index's variance risk premium (the VIX line above) with any "
        "correlation premium; separating them needs single-stock implied vols. It exceeds 1 "
        f"on {int((rho_i > 1).sum())} days when the VIX jumped ahead of the lagging member "
        "vols (a limit of the proxy, not of the formula).",
    ]
    approx = {
        "dispersion.vix_above_realized_share": (premium > 0).mean(),
        "dispersion.vix_minus_realized_vol_mean": premium.mean(),
        "dispersion.vix_mean": vv["vix"].mean(),
        "dispersion.forward_realized_vol_mean": vv["fwd_rv"].mean(),
    }
    expected: dict[str, Any] = {
        "dispersion.members": 505,
        "dispersion.start": first,
        "dispersion.end": last,
        "dispersion.artefacts_masked": artefacts,
        "dispersion.window_days": 63,
        "dispersion.realized_corr_mean": rho_w.mean(),
        "dispersion.realized_corr_max": rho_w.max(),
        "dispersion.realized_corr_max_date": str(peak.date()),
        "dispersion.realized_corr_min": rho_w.min(),
        "dispersion.realized_corr_min_date": str(trough.date()),
        "dispersion.realized_corr_pairs_mean": rho_m.mean(),
        **{f"dispersion.realized_corr_{y}": v for y, v in yearly.items()},
        "dispersion.realized_dispersion_median": disp.median(),
        "dispersion.index_vol_median": index_vol.median(),
        "dispersion.cross_sectional_median": csd.median(),
        "dispersion.cross_sectional_p95": csd.quantile(0.95),
        "dispersion.vix_days": len(vv),
        **{k: pytest.approx(v, rel=1e-12) for k, v in approx.items()},
        "dispersion.implied_corr_proxy_days": len(gap),
        "dispersion.implied_corr_proxy_median": rho_i.median(),
        "dispersion.realized_corr_median_same_days": rho_w.reindex(gap.index).median(),
        "dispersion.implied_above_realized_share": (gap > 0).mean(),
        "dispersion.implied_corr_proxy_days_above_1": int((rho_i > 1).sum()),
    }
    assert sec.numbers == expected
    assert 0 < artefacts < 50
    assert sec.about == (
        "Bundled data: daily closes and implied caps of the 505 S&P 500 members of early 2018 "
        "(survivorship bias), the S&P 500 index and the VIX close. Price returns; moves beyond "
        "+/-35% treated as missing; weights = previous day's caps; vols annualised with 252 "
        "days (63-day sample std; next-21-day root mean square for the VIX comparison); "
        "correlations dimensionless, vols and dispersion decimal."
    )
    assert sec.tables == []
    assert [name for name, _ in sec.figures] == [
        "realized_correlation",
        "vix_vs_realized",
        "implied_vs_realized_correlation",
    ]
    ax = draw(_figure(sec, "realized_correlation"))
    a, b = ax.get_lines()
    np.testing.assert_array_equal(a.get_ydata(), rho_w.to_numpy())
    np.testing.assert_array_equal(b.get_ydata(), rho_m.to_numpy())
    assert (a.get_label(), b.get_label()) == ("cap-weighted", "mean of all pairs")
    assert a.get_linewidth() == b.get_linewidth() == 1.0
    assert ax.get_ylabel() == "average correlation (dimensionless)"
    assert ax.get_xlabel() == "date"
    assert ax.get_title() == "S&P 500 members: realised correlation, 63-day windows"
    assert ax.get_legend().get_texts()[0].get_fontsize() == 8.0
    ax = draw(_figure(sec, "vix_vs_realized"))
    a, b = ax.get_lines()
    np.testing.assert_allclose(a.get_ydata(), vv["vix"].to_numpy() * 100, rtol=1e-12)
    np.testing.assert_allclose(b.get_ydata(), vv["fwd_rv"].to_numpy() * 100, rtol=1e-12)
    assert (a.get_label(), b.get_label()) == ("VIX", "realised, next 21 days")
    assert a.get_linewidth() == b.get_linewidth() == 1.0
    assert ax.get_ylabel() == "annualised volatility (percentage points)"
    assert ax.get_xlabel() == "date"
    assert ax.get_title() == "Implied (VIX) vs subsequent realised S&P 500 volatility"
    assert ax.get_legend().get_texts()[0].get_fontsize() == 8.0
    ax = draw(_figure(sec, "implied_vs_realized_correlation"))
    assert ax.get_title() == "Implied-correlation proxy vs realised (63-day, cap-weighted)"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["implied proxy (VIX)", "realised"]
    implied, realised = ax.get_lines()[:2]
    np.testing.assert_array_equal(implied.get_ydata(), rho_i.to_numpy())
    np.testing.assert_array_equal(realised.get_ydata(), rho_w.loc[rho_i.index[0] :].to_numpy())


# --------------------------------------------------------------------------- rotation
def test_rotation_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    from divergence import rotation as rot
    from divergence._sections import rotation as rot_sec
    from divergence.datasets import load_fama_french

    rets, caps = _bundled_returns()
    snap = load_sp500_market_caps(long=True, merge_share_classes=False)
    on = snap.loc[snap["date"] == pd.Timestamp("2018-02-08"), ["symbol", "sector"]]
    sectors = pd.Series(on["sector"].astype(str).to_numpy(), index=on["symbol"].to_numpy())
    r0, c0, s0 = rot_sec._sp500_inputs()
    pd.testing.assert_frame_equal(r0, rets)
    pd.testing.assert_frame_equal(c0, caps)
    assert s0.to_dict() == sectors.to_dict()
    sec_r = _memo("sec_r", lambda: rot.sector_returns(rets, caps, sectors))
    wts = _memo("wts", lambda: rot.sector_weights(rets, caps, sectors))
    idx = br.index_return(rets, caps)
    rel = rot.relative_performance(sec_r, idx, cumulative=True).iloc[-1].sort_values()
    signal = _memo("signal", lambda: rot.dispersion_signal(rets, caps, window=63, min_periods=53))
    y10 = load_fred("DGS10", units="decimal")["DGS10"]
    d10 = y10.reindex(rets.index).ffill().diff().rename("d10y")
    defensive = ["Consumer Staples", "Health Care", "Real Estate", "Utilities"]
    cyclical = [
        "Consumer Discretionary",
        "Energy",
        "Financials",
        "Industrials",
        "Information Technology",
        "Materials",
    ]
    assert (defensive, cyclical) == (rot_sec.DEFENSIVE, rot_sec.CYCLICAL)
    ls = rot.sector_spread(sec_r, wts, method="long_short", long=defensive, short=cyclical)
    med = _memo(
        "med", lambda: rot.rotation_diagnostic(ls, signal, d10, window=252).dropna().median()
    )
    sh = load_shiller()
    dec = rot.return_decomposition(
        sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12
    ).dropna()
    by_dec = dec.groupby((dec.index.year // 10) * 10).sum()
    since90 = dec[dec.index >= "1990-01-01"].sum()
    ff = load_fama_french("portfolios")
    gaps = rot.size_style_gaps(ff)
    c_smb = np.corrcoef(gaps["small_minus_large"], ff["SMB"])[0, 1]
    c_hml = np.corrcoef(gaps["value_minus_growth"], ff["HML"])[0, 1]
    fac = load_fama_french("factors")
    late = fac.loc[fac.index >= "2007-01-01"]
    smb07, hml07 = late["SMB"].mean() * 12, late["HML"].mean() * 12
    cum_gap = _memo("summary_k10", lambda: br.breadth_summary(rets, caps))["cumulative_gap"]
    first, last = str(rets.index[1].date()), str(rets.index[-1].date())
    through = str(pd.Timestamp(dec.index[-1]).date())
    sml, vmg = gaps["small_minus_large"].mean() * 12, gaps["value_minus_growth"].mean() * 12
    sec = rot_sec.build()
    assert sec.title == "Rotation"
    assert sec.lines == [
        "S&P 500 members of 2018 (GICS sectors of the 2018-02-08 snapshot), daily "
        f"{first} to {last}, price returns.",
        "Cumulative performance relative to the cap-weighted index: "
        + ", ".join(f"{k} {v:+.0%}" for k, v in rel.items())
        + ".",
        "Defensive-minus-cyclical daily spread on a dispersion signal (63-day cap-weighted "
        "stock vol minus index vol, lagged a day) and the daily change in the 10-year yield "
        f"(FRED DGS10), rolling 252 days: median R^2 {med['r2']:.2f}, of which "
        f"dispersion {med['r2_dispersion']:.3f} and rates {med['r2_fundamental']:.3f}; median "
        f"per-day share of the deviation: dispersion {med['share_dispersion']:.0%}, rates "
        f"{med['share_fundamental']:.0%}, unexplained {med['share_residual']:.0%}.",
        "No earnings-revision data is bundled: anything fundamental other than rates sits in "
        "the residual.",
        "",
        "Shiller S&P composite, log returns by decade (monthly averages; earnings through "
        f"{through}; 1870s and 2020s partial).",
        f"Since 1990: price {since90['price_return']:.2f} = earnings "
        f"{since90['earnings_growth']:.2f} + multiple {since90['multiple_change']:.2f} "
        "(log points).",
        "",
        f"Fama-French 3x3 grid {ff.index[0]:%Y-%m} to {ff.index[-1]:%Y-%m}: small-minus-large "
        f"{sml:+.1%}/yr (corr. with SMB {c_smb:.2f}), value-minus-growth {vmg:+.1%}/yr (corr. "
        f"with HML {c_hml:.2f}); arithmetic means of monthly returns x 12.",
        f"Published factors {fac.index[0]:%Y-%m} to {fac.index[-1]:%Y-%m}: SMB "
        f"{fac['SMB'].mean() * 12:+.1%}/yr, HML {fac['HML'].mean() * 12:+.1%}/yr; "
        f"from 2007: SMB {smb07:+.1%}/yr, HML {hml07:+.1%}/yr.",
        "S&P 500 2013-2018: cap-weighted minus equal-weighted, compounded daily gaps "
        f"{cum_gap:+.1%} (survivorship-biased member list).",
    ]
    approx = {
        "rotation.ff_small_minus_large_annual": sml,
        "rotation.ff_value_minus_growth_annual": vmg,
        "rotation.ff_corr_smb": c_smb,
        "rotation.ff_corr_hml": c_hml,
        "rotation.smb_annual": fac["SMB"].mean() * 12,
        "rotation.hml_annual": fac["HML"].mean() * 12,
        "rotation.smb_annual_since2007": smb07,
        "rotation.hml_annual_since2007": hml07,
    }
    expected: dict[str, Any] = {
        "rotation.first_date": first,
        "rotation.last_date": last,
        **{f"rotation.relative_cumulative.{k}": v for k, v in rel.items()},
        "rotation.median_r2": med["r2"],
        "rotation.median_r2_dispersion": med["r2_dispersion"],
        "rotation.median_r2_rates": med["r2_fundamental"],
        "rotation.median_share_dispersion": med["share_dispersion"],
        "rotation.median_share_rates": med["share_fundamental"],
        "rotation.median_share_unexplained": med["share_residual"],
        "rotation.shiller_earnings_through": through,
        "rotation.since1990_price_log": pytest.approx(since90["price_return"], rel=1e-12),
        "rotation.since1990_earnings_log": pytest.approx(since90["earnings_growth"], rel=1e-12),
        "rotation.since1990_multiple_log": pytest.approx(since90["multiple_change"], rel=1e-12),
        **{k: pytest.approx(v, rel=1e-12) for k, v in approx.items()},
        "rotation.sp500_cumulative_weighting_gap": cum_gap,
    }
    assert sec.numbers == expected
    assert len(rel) == 11
    assert sec.about == (
        "Bundled S&P 500 members of 2018 (daily price returns, moves beyond 35% missing, GICS "
        "sectors of the 2018-02-08 snapshot, previous day's caps as weights), FRED DGS10, "
        "Shiller monthly data (log-return decomposition, monthly averages) and Fama-French "
        "monthly portfolios and factors (arithmetic means x 12)."
    )
    [(caption, table)] = sec.tables
    assert caption == "Shiller S&P composite: log returns by decade"
    assert table.index.name == "decade"
    assert table.index.tolist() == [int(d) for d in by_dec.index]
    assert table.index.dtype == np.int64
    cols = ["price_return", "earnings_growth", "multiple_change", "dividend_yield"]
    assert table.columns.tolist() == [
        "price (log pts)",
        "earnings (log pts)",
        "multiple (log pts)",
        "dividend (log pts)",
    ]
    np.testing.assert_array_equal(table.to_numpy(), np.round(by_dec[cols].to_numpy(), 2))
    assert [name for name, _ in sec.figures] == ["shiller_decades", "sector_relative"]

    ax = draw(_figure(sec, "shiller_decades"))
    parts = by_dec[["earnings_growth", "multiple_change", "dividend_yield"]].to_numpy()
    n_dec = len(parts)
    bars = ax.patches
    assert len(bars) == parts.size
    # stacked: positive parts on the running positive total, negative ones below zero
    pos = np.zeros(n_dec)
    neg = np.zeros(n_dec)
    for j in range(3):
        for i in range(n_dec):
            bar, v = bars[j * n_dec + i], parts[i, j]
            assert bar.get_height() == pytest.approx(v, abs=1e-12)
            assert bar.get_x() + bar.get_width() / 2 == pytest.approx(i)
            assert bar.get_y() == pytest.approx(pos[i] if v >= 0 else neg[i], abs=1e-12)
            if v >= 0:
                pos[i] += v
            else:
                neg[i] += v
    assert (parts < 0).any() and (parts > 0).any()
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks == [str(d) for d in by_dec.index]
    assert ax.get_xticklabels()[0].get_rotation() == 45.0
    assert ax.get_ylabel() == "log return per decade (log points)"
    assert ax.get_xlabel() == "decade"
    assert ax.get_title() == "S&P composite: earnings, multiple and dividends by decade"
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "earnings growth",
        "multiple change",
        "dividend yield",
    ]
    assert legend.get_texts()[0].get_fontsize() == 8.0

    ax = draw(_figure(sec, "sector_relative"))
    cum = rot.relative_performance(sec_r, idx, cumulative=True)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines[:-1]] == list(cum.columns)
    for i, line in enumerate(lines[:-1]):
        np.testing.assert_array_equal(line.get_ydata(), cum.iloc[:, i].to_numpy())
        assert line.get_linewidth() == 1.0
        assert line.get_linestyle() == ("-" if i < 10 else "--")
    assert len({mpl.colors.to_hex(line.get_color()) for line in lines[:-1]}) == 11
    zero = lines[-1]
    assert (list(zero.get_ydata()), zero.get_color(), zero.get_linewidth()) == (
        [0.0, 0.0],
        "k",
        0.5,
    )
    assert ax.get_ylabel() == "cumulative return relative to index (decimal)"
    assert ax.get_title() == "S&P 500 sectors: cumulative return relative to the index"
    assert ax.get_xlabel() == "date"
    legend = ax.get_legend()
    assert legend.get_texts()[0].get_fontsize() == 6.0
    assert legend._ncols == 2


# --------------------------------------------------------------------------- cost
def _study_by_hand(frame: pd.DataFrame, price: pd.Series) -> list[dict[str, Any]]:
    """The two documented calibration studies, from the public calls (brier scores by hand)."""
    from divergence import cost as dc

    y = dc.drawdown_event(price.reindex(frame.index), horizon=12, threshold=0.15)
    out = []
    for label, cols, start, train_end, test_start in (
        ("delta_r only", ["delta_r"], "1882-01", "1959-12", "1960-01"),
        ("delta_r + l_s", ["delta_r", "l_s"], "2003-12", "2014-12", "2015-01"),
    ):
        comps, target = frame.loc[start:, cols], y.loc[start:]
        model = dc.DivergenceCost.calibrate(
            comps.loc[:train_end], target.loc[:train_end], min_periods=36, cov_type="HAC"
        )
        prob = model.evaluate(comps)
        scored = dc.DivergenceCost(min_periods=36).scores(comps)[cols].notna().all(axis=1)
        ok = prob.notna() & target.notna() & scored
        train = ok & (prob.index <= pd.Timestamp(train_end))
        test = ok & (prob.index >= pd.Timestamp(test_start)) & (prob.index <= "2025-12-01")
        base = float(target[train].mean())
        t = target[test].to_numpy()
        out.append(
            {
                "label": label,
                "weights": model.weights,
                "n_in": int(train.sum()),
                "events_in": int(target[train].sum()),
                "auc_in": dc.roc_auc(prob[train], target[train]),
                "n_out": int(test.sum()),
                "auc_out": dc.roc_auc(prob[test], target[test]),
                "brier_out": float(np.mean((prob[test].to_numpy() - t) ** 2)),
                "brier_base_out": float(np.mean((base - t) ** 2)),
            }
        )
    return out


def test_cost_section(draw: Callable[[Callable[[Any], None]], Any]) -> None:
    from divergence import cost as dc
    from divergence import real as rl
    from divergence._sections import cost as cost_sec

    frame = _memo("frame", lambda: dc.inputs(carry_months=3))
    sh = load_shiller()
    model = dc.DivergenceCost(min_periods=24)
    cd = model.evaluate(frame).dropna()
    parts = model.contributions(frame)
    gap, dr, ls, ic = (frame[c].dropna() for c in ("premium_gap", "delta_r", "l_s", "i_c"))
    gap_pct = float(np.mean(gap.to_numpy() <= gap.iloc[-1]))
    e = sh["earnings"].loc[:"2025-12"].dropna()
    cpi = sh["cpi"].reindex(e.index)
    years = (len(e) - 1) / 12
    # annualised growth over the whole span: nominal (e_T/e_0)^(1/years) - 1; real deflates by CPI
    g_nom = (e.iloc[-1] / e.iloc[0]) ** (1 / years) - 1
    g_real = float(rl.real_growth(e, cpi, periods=len(e) - 1, periods_per_year=12).iloc[-1])
    g_real_hand = (e.iloc[-1] / cpi.iloc[-1] / (e.iloc[0] / cpi.iloc[0])) ** (1 / years) - 1
    assert g_real == pytest.approx(g_real_hand, rel=1e-9)
    g_ill = g_nom - g_real
    n_early, n_late = int((ic.index <= "2018-12-31").sum()), int((ic.index >= "2019-01-01").sum())
    last = parts.dropna().iloc[-1]
    study = _memo("study", lambda: _study_by_hand(frame, sh["sp_price"]))
    sec = cost_sec.build()
    assert sec.title == "Divergence cost"
    head = [
        "Inputs (monthly; a month's row uses data known by its end):",
        "  premium gap = 1/CAPE - (GS10 - trailing 10y CPI inflation), Shiller, "
        f"{gap.index[0]:%Y-%m} to {gap.index[-1]:%Y-%m}: latest {gap.iloc[-1]:.2%} "
        f"({gap_pct:.0%} of months were at or below it); ΔR_risk (12-month change) latest "
        f"{dr.iloc[-1] * 1e4:+.0f} bp.",
        "  L_S = -(12-month change of Fed total assets) / M2 a year earlier, "
        f"{ls.index[0]:%Y-%m} to {ls.index[-1]:%Y-%m}: latest {ls.iloc[-1]:+.2%} of M2 a year "
        f"(positive = draining); range {ls.min():+.1%} to {ls.max():+.1%}.",
        f"  I_C = top-10 mean cap / median cap: {n_early} months {ic.index[0]:%Y-%m}..2018-05 "
        f"(snapshots, linked between them by the daily implied caps), {n_late} months "
        f"2024-10..{ic.index[-1]:%Y-%m} (snapshots carried <= 3 months); "
        f"{ic.iloc[0]:.1f} -> {ic.iloc[-1]:.1f}.",
        f"  Real vs nominal: S&P EPS grew {g_nom:.2%}/yr nominal, {g_real:.2%}/yr real "
        f"({e.index[0]:%Y}-{e.index[-1]:%Y}); {g_ill / g_nom:.0%} of nominal growth was "
        "inflation.",
        "",
        "C_D, default model (equal weights, expanding percentile scores, >= 24 months of each "
        "input, logistic link):",
        f"  defined for {cd.size} months ({cd.index[0]:%Y-%m}..{cd.index[-1]:%Y-%m}, only where "
        f"I_C exists); mean {cd.mean():.2f}, latest {cd.iloc[-1]:.2f} ({cd.index[-1]:%Y-%m}).",
        f"  latest log-odds contributions: delta_r {last['delta_r']:+.2f}, "
        f"i_c {last['i_c']:+.2f}, l_s {last['l_s']:+.2f}",
        "",
        "Calibration (logit on 'S&P falls > 15% within 12 months'):",
    ]
    study_lines = [
        f"  {r['label']}: weights "
        + ", ".join(f"{n}={v:.2f}" for n, v in zip("RCL", r["weights"], strict=True))
        + f"; AUC in-sample {r['auc_in']:.2f} ({r['n_in']} months, {r['events_in']} in stress), "
        f"out-of-sample {r['auc_out']:.2f} ({r['n_out']} months); Brier out "
        f"{r['brier_out']:.3f} vs base rate {r['brier_base_out']:.3f}."
        for r in study
    ]
    # neither study beats 0.99 x the base rate's Brier score out of sample
    assert all(r["brier_out"] >= 0.99 * r["brier_base_out"] for r in study)
    assert sec.lines == [
        *head,
        *study_lines,
        "  No out-of-sample skill (no Brier score 1% below the base rate's). A zero weight "
        "means the unconstrained fit had the other sign.",
    ]
    expected: dict[str, Any] = {
        "cost.premium_gap_latest": gap.iloc[-1],
        "cost.premium_gap_latest_month": f"{gap.index[-1]:%Y-%m}",
        "cost.premium_gap_share_at_or_below": gap_pct,
        "cost.delta_r_latest": dr.iloc[-1],
        "cost.l_s_latest": ls.iloc[-1],
        "cost.l_s_latest_month": f"{ls.index[-1]:%Y-%m}",
        "cost.l_s_min": ls.min(),
        "cost.l_s_max": ls.max(),
        "cost.i_c_months_to_2018": n_early,
        "cost.i_c_months_from_2024": n_late,
        "cost.i_c_first": ic.iloc[0],
        "cost.i_c_latest": ic.iloc[-1],
        "cost.eps_growth_nominal": pytest.approx(g_nom, rel=1e-9),
        "cost.eps_growth_real": g_real,
        "cost.eps_inflation_share": pytest.approx(g_ill / g_nom, rel=1e-9),
        "cost.cd_months": cd.size,
        "cost.cd_mean": cd.mean(),
        "cost.cd_latest": cd.iloc[-1],
        "cost.cd_latest_month": f"{cd.index[-1]:%Y-%m}",
        "cost.contribution_delta_r_latest": last["delta_r"],
        "cost.contribution_i_c_latest": last["i_c"],
        "cost.contribution_l_s_latest": last["l_s"],
    }
    for r, key in zip(study, ("delta_r_only", "delta_r_l_s"), strict=True):
        k = f"cost.calibration.{key}"
        for n, v in zip("RCL", r["weights"], strict=True):
            expected[f"{k}.weight_{n}"] = v
        expected.update(
            {
                f"{k}.auc_in": r["auc_in"],
                f"{k}.n_in": r["n_in"],
                f"{k}.events_in": r["events_in"],
                f"{k}.auc_out": r["auc_out"],
                f"{k}.n_out": r["n_out"],
                f"{k}.brier_out": pytest.approx(r["brier_out"], rel=1e-12),
                f"{k}.brier_base_out": pytest.approx(r["brier_base_out"], rel=1e-12),
            }
        )
    assert sec.numbers == expected
    assert isinstance(sec.numbers["cost.cd_months"], int)
    assert sec.about == (
        "Monthly (month-start labels, data known by month end): Shiller ie_data, FRED WALCL "
        "and M2SL, S&P 500 cap snapshots chain-linked by daily implied caps "
        "(divergence.cost.inputs); C_D = DivergenceCost(min_periods=24); target "
        "drawdown_event(horizon=12, threshold=0.15)."
    )
    assert sec.tables == []
    assert [name for name, _ in sec.figures] == ["divergence_cost"]
    ax = draw(_figure(sec, "divergence_cost"))
    assert ax.get_title() == "C_D log-odds and its contributions"
    assert len(ax.get_lines()) + len(ax.patches) + len(ax.collections) > 0


def test_cost_section_states_skill_when_a_study_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from divergence._sections import cost as cost_sec

    def fake(brier: float, label: str) -> dict[str, Any]:
        skill = SimpleNamespace(auc=0.5, n=10, events=2, brier=brier, brier_base=0.1)
        return {
            "label": label,
            "model": SimpleNamespace(weights=(1.0, 0.0, 0.5)),
            "in": skill,
            "out": skill,
        }

    # 0.0989 < 0.99 x 0.1 = 0.099: skill; 0.0991 is within 1% of the base rate: none
    studies = [fake(0.0989, "a b"), fake(0.0991, "c + d"), fake(0.05, "e")]
    monkeypatch.setattr(cost_sec, "calibration_study", lambda frame, price: studies)
    sec = cost_sec.build()
    assert sec.lines[-4:] == [
        "  a b: weights R=1.00, C=0.00, L=0.50; AUC in-sample 0.50 (10 months, 2 in stress), "
        "out-of-sample 0.50 (10 months); Brier out 0.099 vs base rate 0.100.",
        "  c + d: weights R=1.00, C=0.00, L=0.50; AUC in-sample 0.50 (10 months, 2 in stress), "
        "out-of-sample 0.50 (10 months); Brier out 0.099 vs base rate 0.100.",
        "  e: weights R=1.00, C=0.00, L=0.50; AUC in-sample 0.50 (10 months, 2 in stress), "
        "out-of-sample 0.50 (10 months); Brier out 0.050 vs base rate 0.100.",
        "  Out-of-sample Brier below the base rate for: a b, e (check the number of stress "
        "episodes before reading anything into it).",
    ]
    assert sec.numbers["cost.calibration.a_b.brier_out"] == 0.0989
    assert sec.numbers["cost.calibration.c_d.weight_L"] == 0.5
    assert sec.numbers["cost.calibration.e.n_in"] == 10


def test_breadth_user_caps_span_and_no_interval() -> None:
    # three dates: the span runs from the first to the last one, not the second
    caps = pd.DataFrame(
        [[1.0, 2.0], [2.0, 2.0], [2.0, 1.0]],
        index=pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-28"]),
        columns=["A", "B"],
    )
    sec = breadth_sec.build(ReportInputs(caps=caps))
    assert "3 dates (2024-01-31 to 2024-03-28)" in sec.lines[0]
    # intervals: A 1 -> 2 (up), B flat; then A flat, B 2 -> 1: shares up 1/2 and 0
    assert sec.numbers["breadth.mean_share_cap_up"] == pytest.approx(0.25)
    sec = breadth_sec.build(ReportInputs(caps=caps.set_axis(pd.Index([3, 5, 8]))))
    assert "3 dates (3 to 8)" in sec.lines[0]
    # one date: no interval, so no share of names up (NaN, not an error)
    sec = breadth_sec.build(ReportInputs(caps=caps.iloc[:1]))
    assert sec.numbers["breadth.intervals"] == 0
    assert np.isnan(float(sec.numbers["breadth.mean_share_cap_up"]))  # type: ignore[arg-type]
    assert "names whose cap rose between dates: nan% (over 0 intervals)" in sec.lines[1]


def test_concentration_user_caps_last_date_and_hhi_rounding() -> None:
    # three dates of three equal caps: HHI = 1/3, 3333.33 points, shown as 3333
    caps = pd.DataFrame(np.ones((3, 3)), index=pd.Index([3, 5, 8]), columns=list("ABC"))
    sec = conc_sec.build(ReportInputs(caps=caps))
    assert sec.lines[0] == "User market caps (--caps), 3 tickers (3 dates, 3 to 8)."
    assert sec.numbers["concentration.last_date"] == "8"
    [(_, table)] = sec.tables
    assert table["HHI (points)"].tolist() == [3333, 3333, 3333]


# --------------------------------------------------------------------------- session 11
def test_breadth_mask_keeps_a_move_of_exactly_35_percent(monkeypatch: pytest.MonkeyPatch) -> None:
    # "moves beyond 35% treated as missing": 1 -> 1 - 0.35 is a fall of exactly 0.35 (1 - 0.35
    # is exact in binary, so the return is -0.35 to the bit) and is kept; -0.5 and +0.4 are not
    down = 1.0 - 0.35
    assert down - 1.0 == -0.35
    prices = pd.DataFrame(
        {"A": [1.0, down, down], "B": [2.0, 1.0, 1.4]}, index=pd.date_range("2020-01-01", periods=3)
    )
    caps = prices * 10.0
    monkeypatch.setattr(breadth_sec, "load_sp500_prices", lambda: prices)
    monkeypatch.setattr(breadth_sec, "load_sp500_daily_market_caps", lambda: caps)
    rets, caps_out = breadth_sec.bundled_inputs()
    assert rets["A"].tolist()[1:] == [-0.35, 0.0]
    assert np.isnan(rets["B"].to_numpy()).all()
    assert caps_out is caps


def test_cost_section_skill_needs_a_brier_strictly_below_99_percent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from types import SimpleNamespace

    from divergence._sections import cost as cost_sec

    # a Brier score of exactly 0.99 x the base rate's is not "1% below" it
    at = SimpleNamespace(auc=0.5, n=10, events=2, brier=0.99 * 0.1, brier_base=0.1)
    study = [{"label": "x", "model": SimpleNamespace(weights=(1.0, 0.0, 0.0)), "in": at, "out": at}]
    monkeypatch.setattr(cost_sec, "calibration_study", lambda frame, price: study)
    sec = cost_sec.build()
    assert sec.lines[-1] == (
        "  No out-of-sample skill (no Brier score 1% below the base rate's). A zero weight "
        "means the unconstrained fit had the other sign."
    )


def test_cost_section_first_values_and_bp_of_given_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    from divergence import cost as dc
    from divergence._sections import cost as cost_sec

    frame = _memo("frame", lambda: dc.inputs(carry_months=3)).copy()
    # I_C: its first two values differ (9.0 then 5.0); the latest ΔR_risk 0.040048 is
    # 400.48 bp, printed +400 (10001 per unit would print +401)
    first_ic = frame["i_c"].first_valid_index()
    frame.loc[first_ic, "i_c"] = 9.0
    frame.loc[frame["i_c"].dropna().index[1], "i_c"] = 5.0
    frame.loc[frame["delta_r"].last_valid_index(), "delta_r"] = 0.040048
    # earnings from December 1871 to January 2025 only: the span's years are 1871 and 2025
    sh = load_shiller().copy()
    e = sh["earnings"]
    sh["earnings"] = e.where((e.index >= "1871-12-01") & (e.index <= "2025-01-01"))
    monkeypatch.setattr(cost_sec.dc, "inputs", lambda carry_months: frame)
    monkeypatch.setattr(cost_sec, "load_shiller", lambda: sh)
    monkeypatch.setattr(cost_sec, "calibration_study", lambda frame, price: [])
    sec = cost_sec.build()
    assert sec.lines[1].endswith("ΔR_risk (12-month change) latest +400 bp.")
    assert sec.lines[3].endswith(
        f"(snapshots carried <= 3 months); 9.0 -> {frame['i_c'].dropna().iloc[-1]:.1f}."
    )
    assert "(1871-2025); " in sec.lines[4]
    assert sec.numbers["cost.i_c_first"] == 9.0
    assert sec.numbers["cost.delta_r_latest"] == 0.040048


def _synthetic_cost_inputs(end: str) -> tuple[pd.DataFrame, pd.Series]:
    """Monthly delta_r and l_s from 1871 to ``end`` and a random-walk price to 2027-12."""
    rng = np.random.default_rng(11)
    months = pd.date_range("1871-01-01", "2027-12-01", freq="MS")
    frame = pd.DataFrame(
        {"delta_r": rng.normal(size=months.size), "l_s": rng.normal(size=months.size)},
        index=months,
    )
    price = pd.Series(100 * np.exp(np.cumsum(rng.normal(0, 0.06, months.size))), index=months)
    return frame.loc[:end], price


def test_calibration_study_scores_through_december_2025() -> None:
    from divergence._sections import cost as cost_sec

    # every input is defined, so a month is scored out of sample when its 12-month drawdown
    # label exists: the test spans run to 2025-12 inclusive (label needs prices to 2026-12)
    frame, price = _synthetic_cost_inputs("2027-12-01")
    out = cost_sec.calibration_study(frame, price)
    assert [r["out"].n for r in out] == [66 * 12, 11 * 12]  # 1960-01.., 2015-01..2025-12
    # the label is read on the frame's months: a frame ending 2025-12 has no label for 2025
    # (its next 12 months are not in the frame), whatever the price series holds after it
    frame, price = _synthetic_cost_inputs("2025-12-01")
    out = cost_sec.calibration_study(frame, price)
    assert [r["out"].n for r in out] == [65 * 12, 10 * 12]


def test_dispersion_section_shares_and_medians_of_small_inputs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from divergence import dispersion as dp
    from divergence._sections import dispersion as disp_sec

    # four members over 100 business days, one common factor; index and VIX closes on the
    # same days. No move reaches 35%.
    rng = np.random.default_rng(7)
    days = pd.bdate_range("2015-01-02", periods=100)
    common = rng.normal(0, 0.01, (100, 1))
    rets_in = common + rng.normal(0, 0.01, (100, 4))
    prices = pd.DataFrame(50 * np.cumprod(1 + rets_in, axis=0), index=days, columns=list("ABCD"))
    # member A falls exactly 35% on day 51 (64 -> 64 x 0.65, both exact in binary): a move
    # of 35%, not beyond it, so it is neither counted nor masked
    a = prices["A"].to_numpy().copy()
    a[:51] *= 64.0 / a[50]
    a[51:] *= 64.0 * (1.0 - 0.35) / a[51]
    a[50], a[51] = 64.0, 64.0 * (1.0 - 0.35)
    prices["A"] = a
    caps = prices * [1.0, 2.0, 3.0, 4.0]
    # A (volatile through its 35% fall) holds most of the cap until day 97 and almost none
    # after: the last day's weights on calm members sit below the variance of an index that
    # was mostly A, so its dispersion index is out of range (the section ignores that, NaN)
    caps.iloc[:98, 0] *= 100.0
    caps.iloc[98:, 0] *= 1e-6
    spx = pd.DataFrame({"close": 2000 * np.cumprod(1 + common[:, 0])}, index=days)
    rets = prices.pct_change(fill_method=None)
    assert rets.iloc[51, 0] == -0.35
    assert not (rets.abs() > 0.35).any().any()
    fwd_rv = dp.realized_volatility(
        spx["close"].pct_change(), window=21, periods_per_year=252, demean=False, align="forward"
    )
    # VIX 30-50 against a realised vol near 16%: a mean premium near 24 vol points, where
    # x 100 and x 101 print differently at one decimal
    vix_close = pd.Series(rng.uniform(30, 50, 100), index=days)
    # one day with the VIX exactly equal to the next-21-day realised vol: not "higher"
    t0 = days[40]
    c = fwd_rv[t0] * 100
    while c / 100 != fwd_rv[t0]:
        c = np.nextafter(c, np.inf if c / 100 < fwd_rv[t0] else -np.inf)
    vix_close[t0] = c
    vix = pd.DataFrame({"close": vix_close})
    # the implied-correlation proxy on four days only (the section needs 400 member vols for
    # it, which four members never have): equal to the realised value, between it and 1,
    # exactly 1, and 1.5
    rho_w = dp.realized_correlation(rets, caps.shift(1), window=63, method="weighted")
    top = rho_w.nlargest(4).index.sort_values()
    assert (rho_w[top] < 1).all()
    proxy = pd.Series([rho_w[top[0]], (rho_w[top[1]] + 1) / 2, 1.0, 1.5], index=top, name="implied")
    monkeypatch.setattr(disp_sec, "load_sp500_prices", lambda: prices)
    monkeypatch.setattr(disp_sec, "load_sp500_daily_market_caps", lambda: caps)
    monkeypatch.setattr(disp_sec, "load_sp500_index", lambda: spx)
    monkeypatch.setattr(disp_sec, "load_vix", lambda: vix)
    monkeypatch.setattr(dp, "implied_correlation", lambda *a, **k: proxy)
    sec = disp_sec.build()
    vv = pd.DataFrame({"vix": vix_close / 100, "fwd_rv": fwd_rv}).dropna()
    premium = vv["vix"] - vv["fwd_rv"]
    assert (premium == 0).sum() == 1
    share = float(np.mean(premium.to_numpy() > 0))
    med_same = float(np.median(rho_w[top].to_numpy()))
    assert f"{med_same:.2f}" != f"{rho_w.median():.2f}"  # the four days are not all days
    assert sec.lines[5] == (
        f"VIX vs realised S&P 500 vol over the next 21 trading days ({len(vv)} days): VIX "
        f"higher on {share:.0%} of days, by {premium.mean() * 100:.1f} vol points on average "
        f"(mean VIX {vv['vix'].mean() * 100:.1f}, mean realised "
        f"{vv['fwd_rv'].mean() * 100:.1f})."
    )
    assert sec.lines[6] == (
        "Implied-correlation proxy (VIX as the index vol, trailing 63-day realised member "
        f"vols; no single-stock implied vols are bundled), 4 days: median "
        f"{float(np.median(proxy.to_numpy())):.2f} against a realised {med_same:.2f}, "
        "above it on 75% of days. Reading: with realised member vols "
        "the gap mixes the index's variance risk premium (the VIX line above) with any "
        "correlation premium; separating them needs single-stock implied vols. It exceeds 1 "
        "on 1 days when the VIX jumped ahead of the lagging member "
        "vols (a limit of the proxy, not of the formula)."
    )
    assert sec.numbers["dispersion.vix_above_realized_share"] == pytest.approx(share, rel=1e-12)
    assert sec.numbers["dispersion.implied_corr_proxy_days"] == 4
    assert sec.numbers["dispersion.realized_corr_median_same_days"] == med_same
    assert sec.numbers["dispersion.implied_above_realized_share"] == 0.75
    assert sec.numbers["dispersion.implied_corr_proxy_days_above_1"] == 1
    assert sec.numbers["dispersion.artefacts_masked"] == 0
    idx_vol = dp.realized_volatility(br.index_return(rets, caps), window=63, periods_per_year=252)
    mem_vol = dp.realized_volatility(rets, window=63, periods_per_year=252)
    w = caps.shift(1).iloc[-1]
    assert float((w / w.sum()) @ mem_vol.iloc[-1] ** 2) < idx_vol.iloc[-1] ** 2  # out of range
    disp = dp.dispersion_index(
        idx_vol.iloc[63:], mem_vol.iloc[63:], caps.shift(1).iloc[63:], on_out_of_range="ignore"
    )
    assert np.isnan(disp.iloc[-1])
    assert sec.numbers["dispersion.realized_dispersion_median"] == disp.median()
    assert sec.numbers["dispersion.realized_corr_mean"] == rho_w.mean()


def test_rotation_section_of_small_inputs(
    monkeypatch: pytest.MonkeyPatch, draw: Callable[[Callable[[Any], None]], Any]
) -> None:
    from divergence import rotation as rot
    from divergence._sections import rotation as rot_sec
    from divergence.datasets import load_fama_french

    # ten members, one per named sector, over 320 business days (cheap stand-ins for the
    # bundled S&P panel, which this test does not read)
    rng = np.random.default_rng(5)
    days = pd.bdate_range("2015-01-02", periods=320)
    names = [f"M{i}" for i in range(10)]
    rets = pd.DataFrame(rng.normal(0, 0.01, (320, 10)), index=days, columns=names)
    rets.iloc[0] = np.nan
    caps = pd.DataFrame(np.outer(np.ones(320), np.arange(1.0, 11.0)), index=days, columns=names)
    sectors = pd.Series(rot_sec.DEFENSIVE + rot_sec.CYCLICAL, index=names)
    monkeypatch.setattr(rot_sec, "_sp500_inputs", lambda: (rets, caps, sectors))
    # Shiller-like months 1990-01..2009-12: in the 1990s earnings fall 1% a month and prices
    # 2% (earnings growth and multiple change both negative); from 1999-12 on the price is
    # exactly 8 x earnings (a power of two: P/E is exactly 8, so every multiple change of
    # the 2000s is exactly 0) while earnings rise 1% a month
    months = pd.date_range("1990-01-01", "2009-12-01", freq="MS")
    n90 = 119  # 1990-01 .. 1999-11
    earn = np.r_[10 * 0.99 ** np.arange(n90), 10 * 0.99**n90 * 1.01 ** np.arange(months.size - n90)]
    price = np.r_[200 * 0.98 ** np.arange(n90), 8 * earn[n90:]]
    sh = pd.DataFrame({"sp_price": price, "earnings": earn, "dividend": 0.3 * earn}, index=months)
    monkeypatch.setattr(rot_sec, "load_shiller", lambda: sh)

    # the small-cap portfolios 1% a month above their bundled returns: a gap of about 12%/yr,
    # which x 12 and x 13 print differently at one decimal
    def ff_shifted(name: str) -> pd.DataFrame:
        out = load_fama_french(name).copy()
        if name == "portfolios":
            out[["S1V1", "S1V3", "S1V5"]] += 0.01
        return out

    monkeypatch.setattr(rot_sec, "load_fama_french", ff_shifted)
    sec = rot_sec.build()

    ff = ff_shifted("portfolios")
    gaps = rot.size_style_gaps(ff)
    c_smb = float(np.corrcoef(gaps["small_minus_large"], ff["SMB"])[0, 1])
    c_hml = float(np.corrcoef(gaps["value_minus_growth"], ff["HML"])[0, 1])
    assert sec.lines[8] == (
        f"Fama-French 3x3 grid {ff.index[0]:%Y-%m} to {ff.index[-1]:%Y-%m}: small-minus-large "
        f"{gaps['small_minus_large'].mean() * 12:+.1%}/yr (corr. with SMB {c_smb:.2f}), "
        f"value-minus-growth {gaps['value_minus_growth'].mean() * 12:+.1%}/yr (corr. with HML "
        f"{c_hml:.2f}); arithmetic means of monthly returns x 12."
    )
    dec = rot.return_decomposition(
        sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12
    ).dropna()
    by_dec = dec.groupby((pd.DatetimeIndex(dec.index).year // 10) * 10).sum()
    parts = by_dec[["earnings_growth", "multiple_change", "dividend_yield"]].to_numpy()
    assert parts[0, 0] < 0 and parts[0, 1] < 0  # 1990s: both negative
    assert parts[1, 0] > 0 and parts[1, 1] == 0.0  # 2000s: a zero multiple change
    ax = draw(_figure(sec, "shiller_decades"))
    bars = ax.patches
    assert len(bars) == 6
    # stacking: a part >= 0 sits on the running total of the parts >= 0 before it, a negative
    # one below the running total of the negative ones (1990s multiple: below the earnings
    # bar; 2000s zero multiple: on top of the earnings bar)
    # bars in order: earnings 1990s, 2000s; multiple 1990s, 2000s; dividend 1990s, 2000s (the
    # 1990s dividend sits on a positive total of 0, the 2000s one on earnings + 0)
    want_y = [0.0, 0.0, parts[0, 0], parts[1, 0], 0.0, parts[1, 0]]
    got = [(b.get_x() + b.get_width() / 2, b.get_y(), b.get_height()) for b in bars]
    heights = [parts[0, 0], parts[1, 0], parts[0, 1], parts[1, 1], parts[0, 2], parts[1, 2]]
    for (x, y, h), i, wy, wh in zip(got, [0, 1, 0, 1, 0, 1], want_y, heights, strict=True):
        assert x == pytest.approx(i)
        assert y == pytest.approx(wy, abs=1e-12)
        assert h == pytest.approx(wh, abs=1e-12)


def test_dispersion_section_proxy_needs_400_member_vols(monkeypatch: pytest.MonkeyPatch) -> None:
    from divergence._sections import dispersion as disp_sec

    # 401 members over 70 days; member 0 misses its price on day 5, so its returns of days 5
    # and 6 and its 63-day vols of days 5..68 are missing: days 63..68 have exactly 400 member
    # vols, day 69 has 401. "At least 400 members" keeps all seven days 63..69 for the proxy.
    rng = np.random.default_rng(3)
    days = pd.bdate_range("2016-01-04", periods=70)
    rets_in = rng.normal(0, 0.01, (70, 1)) + rng.normal(0, 0.01, (70, 401))
    prices = pd.DataFrame(20 * np.cumprod(1 + rets_in, axis=0), index=days)
    prices.iloc[5, 0] = np.nan
    caps = prices.ffill() * 3.0
    spx = pd.DataFrame({"close": 2000 * np.cumprod(1 + rets_in.mean(axis=1))}, index=days)
    vix = pd.DataFrame({"close": np.full(70, 20.0)}, index=days)
    monkeypatch.setattr(disp_sec, "load_sp500_prices", lambda: prices)
    monkeypatch.setattr(disp_sec, "load_sp500_daily_market_caps", lambda: caps)
    monkeypatch.setattr(disp_sec, "load_sp500_index", lambda: spx)
    monkeypatch.setattr(disp_sec, "load_vix", lambda: vix)
    sec = disp_sec.build()
    assert sec.numbers["dispersion.implied_corr_proxy_days"] == 7


# --------------------------------------------------------------------------- small inputs (h5)
def _exact_corr_signs(s: np.ndarray, b: np.ndarray, w: int) -> list[int]:
    """Sign of w S_xy - S_x S_y for every full window of integer series (exact integers)."""
    signs = []
    for t in range(w - 1, len(s)):
        x = [int(v) for v in s[t - w + 1 : t + 1]]
        y = [int(v) for v in b[t - w + 1 : t + 1]]
        sx, sy = sum(x), sum(y)
        assert w * sum(v * v for v in x) > sx * sx and w * sum(v * v for v in y) > sy * sy
        num = w * sum(u * v for u, v in zip(x, y, strict=True)) - sx * sy
        signs.append((num > 0) - (num < 0))
    return signs


def _hist_cvar(r: list[float]) -> float:
    """Acerbi-Tasche 95% tail mean of a list of returns (positive = loss), pure Python."""
    n, p = len(r), 0.05
    k = min(max(int(np.ceil(n * p - 1e-9)), 1), n)
    worst = sorted(r)
    return -(sum(worst[: k - 1]) + (n * p - (k - 1)) * worst[k - 1]) / (n * p)


def test_risk_section_counts_a_zero_correlation_as_not_positive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # monthly returns in 1/64 (stocks) and 1/128 (bonds) units, so every windowed sum is exact:
    # the first 36 months alternate +1, -1 (stocks) against +1, +1, -1, -1 (bonds), whose
    # covariance 36 * 0 - 0 * 0 is exactly 0; 40 random months follow
    rng = np.random.default_rng(57)
    s_int = np.r_[np.tile([1, -1], 18), rng.integers(-8, 9, 40)]
    b_int = np.r_[np.tile([1, 1, -1, -1], 9), rng.integers(-8, 9, 40)]
    months = pd.date_range("2000-01-01", periods=s_int.size, freq="MS")
    monthly = pd.DataFrame({"stock": s_int / 64, "bond": b_int / 128}, index=months)
    # daily: 252 days of the same zero-covariance pattern, then 3 more days
    d_s = np.r_[np.tile([1, -1], 126), [3, -2, 1]]
    d_b = np.r_[np.tile([1, 1, -1, -1], 63), [2, 1, -3]]
    days = pd.bdate_range("2001-01-01", periods=d_s.size)
    daily = pd.DataFrame({"stock": d_s / 64, "bond": d_b / 128}, index=days)
    monkeypatch.setattr(risk_sec, "monthly_stock_bond", lambda: monthly)
    monkeypatch.setattr(risk_sec, "daily_stock_bond", lambda: daily)
    signs = _exact_corr_signs(s_int, b_int, 36)
    assert signs[0] == 0
    pos = np.r_[np.zeros(35, bool), np.array(signs) > 0]
    nonpos = np.r_[np.zeros(35, bool), np.array(signs) <= 0]
    assert [int(pos.sum()), int(nonpos.sum())] == [35, 6]
    divs, bonds = [], []
    for mask in (pos, nonpos):
        s, b = list(monthly["stock"][mask]), list(monthly["bond"][mask])
        port = [0.6 * x + 0.4 * y for x, y in zip(s, b, strict=True)]
        divs.append(1 - _hist_cvar(port) / (0.6 * _hist_cvar(s) + 0.4 * _hist_cvar(b)))
        # Euler: the tail is every month whose 60/40 loss reaches the historical VaR
        k = min(max(int(np.ceil(len(port) * 0.05 - 1e-9)), 1), len(port))
        var = sorted(port)[k - 1]
        tail = [0.4 * y for x, y in zip(port, b, strict=True) if x <= var]
        bonds.append(-sum(tail) / len(tail))
    # worked values: positive regime 10.58% (a divisor 101 would print 10%); bond parts
    # +2.03% and -2.19% (a divisor 101 would print +2.01% and -2.17%)
    assert f"{divs[0]:.0%}" == "11%" and f"{divs[0] * 100 / 101:.0%}" == "10%"
    assert [f"{x:+.2%}" for x in bonds] == ["+2.03%", "-2.19%"]
    sec = risk_sec.build()
    cvar_table = sec.tables[1][1]
    assert list(cvar_table["months"]) == [35, 6]
    assert (
        "Reading: mixing cut the 60/40 tail loss by 11% of the weighted stand-alone losses when "
        f"the correlation was positive and by {divs[1]:.0%} when it was not."
    ) in sec.lines
    assert (
        "Reading: stocks carry the tail loss; bonds add +2.03% of it when the correlation is "
        "positive and -2.19% when it is not (negative = a hedge)."
    ) in sec.lines
    # the 4 daily 252-day windows: the first has covariance exactly 0, so 3 of 4 are positive
    d_signs = _exact_corr_signs(d_s, d_b, 252)
    assert d_signs[0] == 0 and sum(x > 0 for x in d_signs) == 3
    assert "share of days with positive correlation 75%, " in sec.lines[-2]
    assert sec.numbers["risk.daily_share_positive"] == 0.75
    assert sec.numbers["risk.positive.months"] == 35
    assert sec.numbers["risk.nonpositive.months"] == 6


def test_flows_section_total_cap_just_above_a_rounding_boundary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # caps of USD 50 bn, 100 bn and 100 bn + 10 cents: USD 0.2500000000001T prints 0.3T
    # (dividing by 1e12 + 1 would give 0.24999999999985, printed 0.2T)
    snap = pd.DataFrame(
        [[5e10, 1e11, 100_000_000_000.1]],
        index=pd.DatetimeIndex(["2024-06-28"]),
        columns=list("ABC"),
    )
    monkeypatch.setattr(flows_sec, "load_sp500_market_caps", lambda: snap)
    sec = flows_sec.build()
    assert "caps of 2024-06-28 (3 names, USD 0.3T)." in sec.lines[0]


def test_refinancing_filer_walls_of_given_buckets(monkeypatch: pytest.MonkeyPatch) -> None:
    from divergence import datasets
    from divergence import refinancing as rf
    from divergence._sections import refinancing as ref_sec

    # Apple: 250,000,000.50 due in year 1, 500,000,000 in year 3, 250,500,000 after five:
    # total USD 1,000,500,000.50 = 1.0005000000005 bn, rounded to 3 decimals 1.001 (a scale
    # 1e9 + 1 gives 1.0004999990, rounded 1.0; 4 decimals give 1.0005); shares 24.99% and
    # 74.96%. Tesla: 1e9 in year 2 and 1,250,000,000.50 in year 5: 2.2500000000005 bn, printed
    # 2.3 (a scale 1e9 + 1 prints 2.2); nothing due in a year, all within five.
    filers = pd.DataFrame(
        {
            "y1": [250_000_000.5, 0.0],
            "y2": [0.0, 1_000_000_000.0],
            "y3": [500_000_000.0, 0.0],
            "y4": [0.0, 0.0],
            "y5": [0.0, 1_250_000_000.5],
            "after5": [250_500_000.0, 0.0],
            "period_end": pd.to_datetime(["2024-09-28", "2024-12-31"]),
        }
    )
    monkeypatch.setattr(datasets, "load_company_facts", lambda ticker: ticker)
    monkeypatch.setattr(rf, "book_from_company_facts", lambda facts: (None, filers))
    numbers: dict[str, float | int | str | None] = {}
    assert ref_sec._filer_walls(numbers) == [
        "Real maturity walls (10-K debt-maturity tables, SEC XBRL company facts): "
        "Apple Inc. (2024-09-28) USD 1.0 bn, 25% due within a year, 75% within five; "
        "Tesla, Inc. (2024-12-31) USD 2.3 bn, 0% due within a year, 100% within five."
    ]
    assert numbers["refinancing.wall.AAPL.debt_usd_bn"] == 1.001
    assert numbers["refinancing.wall.TSLA.debt_usd_bn"] == 2.25
    assert numbers["refinancing.wall.AAPL.period_end"] == "2024-09-28"


def test_refinancing_section_of_a_small_book(monkeypatch: pytest.MonkeyPatch) -> None:
    from types import SimpleNamespace

    from divergence import lags
    from divergence import refinancing as rf
    from divergence._sections import refinancing as ref_sec

    # one firm per cohort, three fixed loans each: 100 maturing at month 4, 100 at month 37 and
    # 200 at month 100. A loan is first repriced at its maturity, so the repriced share is 0 at
    # month 3, 100/400 = 25% at months 12 and 36 (and at month 4), 200/400 = 50% at month 37.
    book = pd.DataFrame(
        {
            "firm": ["M", "M", "M", "S", "S", "S"],
            "principal": [100.0, 100.0, 200.0] * 2,
            "kind": ["fixed"] * 6,
            "coupon": [0.03] * 6,
            "maturity": [4, 37, 100] * 2,
            "tenor": [120] * 6,
        }
    )
    firms = pd.DataFrame(
        {
            "firm": ["M", "S"],
            "ebit": [100.0, 60.0],
            "growth": [0.0, 0.0],
            "volatility": [0.1, 0.1],
            "cohort": ["mega-cap", "SME"],
        }
    )
    monkeypatch.setattr(rf, "example_book", lambda n_mega, n_sme, seed: (book, firms))
    # lead-lag correlations: -0.25 at k <= 0, then (first) exactly 0 at k = 1 and 0.5 after,
    # so the first strictly positive lag is 2; (second) 0.1 at k = 1: the first is lag 1
    k = np.arange(-36, 37)
    at_zero = pd.Series(np.where(k <= 0, -0.25, np.where(k == 1, 0.0, 0.5)), index=k)
    at_one = at_zero.where(k != 1, 0.1)
    for corr, first in ((at_zero, 2), (at_one, 1)):
        monkeypatch.setattr(
            lags, "lead_lag", lambda x, y, max_lag, c=corr: SimpleNamespace(correlations=c)
        )
        sec = ref_sec.build()
        assert sec.numbers["refinancing.fred.first_positive_lag_months"] == first
        assert (
            "Real data (FRED FEDFUNDS, UNRATE, monthly 1985-2019): corr(12-month change in fed "
            "funds at t, 12-month change in unemployment at t+k) is -0.25 at k=0 (the Fed cuts "
            f"as unemployment rises), turns positive at k={first} months and reaches +0.50 at "
            "k=36: long lags, but a correlation, not an identified shock."
        ) in sec.lines
    for cohort, line in zip(["mega-cap", "SME"], sec.lines[4:6], strict=True):
        assert line.startswith(f"{cohort:<10}{'0%':>12}{'25%':>7}{'25%':>7}")
