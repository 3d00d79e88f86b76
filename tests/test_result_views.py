"""Notebook views of the result objects: short repr, summary(), _repr_html_ and plot().

Every class is checked for: a repr that stays short whatever the size (no array printed), a
summary whose numbers match the result's own fields and numbers recomputed here with NumPy from
the raw arrays (or closed forms, provenance next to each), HTML that parses and holds a <table>,
a titled, labelled plot, an ImportError naming the ``plot`` extra without matplotlib, and no
change to the result by any of these views.
"""

from __future__ import annotations

import doctest
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence import refinancing as rf
from divergence._summary import Summary, format_value, short_repr
from divergence.cost import DivergenceCost
from divergence.dispersion import dispersion_trade_pnl
from divergence.errors import InputError
from divergence.flows import simulate_flows
from divergence.lags import lead_lag
from divergence.risk import cvar_position_limits

ROOT = Path(__file__).resolve().parents[1]
_ARRAY = re.compile(r"\[\s*-?\d|array\(|\n")  # printed arrays, or a multi-line repr


# --------------------------------------------------------------------------- fixtures
def _bullet(cohort: str = "large") -> rf.RefinancingResult:
    """One fixed bullet of 100 at 5%, refinanced at month 12 at 2% + 4% = 6% + spread."""
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
    return rf.simulate(book, firms, rf.policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)


@pytest.fixture(scope="module")
def big() -> rf.RefinancingResult:
    book, firms = rf.example_book(n_mega=50, n_sme=200, seed=0)
    rates = rf.policy_path(0.01, np.r_[0.04, np.zeros(23)])
    return rf.simulate(book, firms, rates, n_paths=20, seed=7)


@pytest.fixture(scope="module")
def big_full() -> rf.RefinancingResult:
    book, firms = rf.example_book(n_mega=50, n_sme=200, seed=0)
    rates = rf.policy_path(0.01, np.r_[0.04, np.zeros(11)])
    return rf.simulate(book, firms, rates, n_paths=4, seed=7, keep="full")


@pytest.fixture(scope="module")
def flows() -> Any:
    caps = pd.Series(np.random.default_rng(0).pareto(1.2, 500) + 1.0)
    caps.index = [f"N{i}" for i in range(500)]
    return simulate_flows(caps, n_steps=40, passive_flows=1.0, volatility=0.02, seed=1)


@pytest.fixture(scope="module")
def trades() -> Any:
    rng = np.random.default_rng(0)
    n_t, n_m = 120, 50
    idx = pd.date_range("2015-01-31", periods=n_t, freq="ME")
    civ = pd.DataFrame(rng.uniform(0.2, 0.4, (n_t, n_m)), index=idx)
    crv = civ * rng.uniform(0.8, 1.2, (n_t, n_m))
    w = pd.DataFrame(np.full((n_t, n_m), 1.0 / n_m), index=idx)
    iiv = pd.Series(rng.uniform(0.15, 0.25, n_t), index=idx)
    irv = iiv * rng.uniform(0.8, 1.2, n_t)
    return dispersion_trade_pnl(iiv, civ, irv, crv, w, notional=1e4)


@pytest.fixture(scope="module")
def alloc() -> Any:
    rng = np.random.default_rng(3)
    r = pd.DataFrame(rng.normal(0.0, 0.02, (500, 300)), columns=[f"A{i}" for i in range(300)])
    return cvar_position_limits(r, 0.0001)


@pytest.fixture(scope="module")
def leadlag() -> Any:
    rng = np.random.default_rng(1)
    x = rng.standard_normal(500)
    y = np.r_[np.zeros(3), x[:-3]] + 0.5 * rng.standard_normal(500)
    return lead_lag(x, y, 60)


@pytest.fixture(scope="module")
def calibrated() -> tuple[DivergenceCost, pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(1)
    x = pd.DataFrame({"delta_r": rng.normal(size=600), "l_s": rng.normal(size=600)})
    s = DivergenceCost(min_periods=36).scores(x["delta_r"], None, x["l_s"])
    eta = -1.0 + 2.0 * s["l_s"]
    y = (rng.random(600) < 1 / (1 + np.exp(-eta))).astype(float).where(eta.notna())
    return DivergenceCost.calibrate(x, y), x, y


# --------------------------------------------------------------------------- helpers
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[str] = []
        self.text: list[str] = []
        self.unbalanced = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append(tag)
        if tag not in ("br",):
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.unbalanced = True

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html_text: str) -> _Tags:
    p = _Tags()
    p.feed(html_text)
    p.close()
    assert not p.unbalanced and not p.stack, "HTML tags are not balanced"
    assert "table" in p.seen
    return p


def _check_axes(ax: Any) -> None:
    assert ax.get_title(), "plot has no title"
    assert ax.get_xlabel() and ax.get_ylabel(), "plot axes are not labelled"


def _no_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("matplotlib", "matplotlib.pyplot", "matplotlib.dates"):
        monkeypatch.setitem(sys.modules, name, None)


def _snapshot(obj: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in getattr(obj, "__dataclass_fields__", {}):
        v = getattr(obj, name)
        out[name] = v.copy() if hasattr(v, "copy") else v
    return out


def _assert_unchanged(obj: Any, before: dict[str, Any]) -> None:
    for name, old in before.items():
        new = getattr(obj, name)
        if isinstance(old, pd.Series | pd.DataFrame):
            assert old.equals(new), name
        elif isinstance(old, np.ndarray):
            np.testing.assert_array_equal(old, new, err_msg=name)
        else:
            assert old == new or old is new, name


# --------------------------------------------------------------------------- Summary type
def test_summary_type_text_html_and_copies() -> None:
    table = pd.DataFrame({"mean": [0.123456, 12345.678]}, index=["a", "b"])
    source = "a long source line " * 6
    s = Summary("T <run>", [("Paths", 100), ("Source", source)], [("Cap & res", table)])
    text = str(s)
    assert text == repr(s) == s.as_text()
    lines = text.splitlines()
    width = len(lines[1])
    assert set(lines[1]) == {"="} and all(len(ln) <= width for ln in lines)
    assert "0.1235" in text and "12,346" in text  # four significant digits, separators
    # a long value gets lines of its own, wrapped at the table width
    assert "\nSource: a long source line" in text
    assert " ".join(text.split()).count(source.strip()) == 1
    parsed = _parse(s._repr_html_())
    assert "T <run>" in "".join(parsed.text) and "Cap & res" in "".join(parsed.text)
    assert "<run>" not in s._repr_html_()  # escaped
    got = s.tables["Cap & res"]
    got.iloc[0, 0] = -1.0
    assert s.tables["Cap & res"].iloc[0, 0] == 0.123456  # tables are copies
    assert s.settings["Paths"] == "100"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "yes"),
        (3, "3"),
        (1234567, "1,234,567"),
        (0.5, "0.5"),
        (2.0 / 3.0, "0.6667"),
        (1.5e-7, "1.500e-07"),
        (123456.7, "123,457"),
        (float("nan"), "nan"),
        (-float("inf"), "-inf"),
        ("abc", "abc"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text


@given(
    st.dictionaries(
        st.text(min_size=1, max_size=30),
        st.one_of(
            st.floats(allow_nan=True),
            st.integers(),
            st.text(max_size=200),
            st.lists(st.text(max_size=50), max_size=30).map(tuple),
        ),
        max_size=12,
    ),
    st.text(max_size=200),
)
def test_short_repr_is_short_for_any_content(items: dict[str, object], headline: str) -> None:
    text = short_repr("Name", items, headline)
    assert len(text) <= 300 and text.startswith("Name(") and text.endswith(")")


# --------------------------------------------------------------------------- RefinancingResult
def test_refinancing_repr_small_and_large(
    big: rf.RefinancingResult, big_full: rf.RefinancingResult
) -> None:
    small = repr(_bullet())
    # closed form: coverage 20 / (100 * 5%) = 4 at month 0, 20 / 7.2 = 2.778 at the end
    assert small.startswith("RefinancingResult(firms=1, cohorts=('large'), paths=1, months=24")
    assert "4 -> 2.778" in small
    for res in (big, big_full):
        text = repr(res)
        assert len(text) < 400 and not _ARRAY.search(text), text
        assert "firms=250" in text and f"paths={res.n_paths}" in text
    assert "keep='full'" in repr(big_full) and "keep='aggregate'" in repr(big)


def test_refinancing_summary_closed_form() -> None:
    table = _bullet().summary().tables["By cohort"]
    # closed form: interest 100 * 5% = 5 before month 12, so coverage 20 / 5 = 4; refinanced at
    # the 6% base rate plus the spread of Damodaran's large-firm table for the coverage that
    # results (20 / 7.2 = 2.78 lies in the 2.5-3.0 band: BBB, 1.20%), a fixed point of the
    # coverage -> spread loop: interest 7.2, coverage 2.778, interest change 7.2 / 5 - 1 = 0.44;
    # the single tranche has repriced by the last month.
    assert table.loc["coverage_start", "large"] == pytest.approx(4.0, rel=1e-12)
    assert table.loc["coverage_end", "large"] == pytest.approx(20.0 / 7.2, rel=1e-12)
    assert table.loc["interest_change", "large"] == pytest.approx(0.44, rel=1e-12)
    assert table.loc["repriced_share", "large"] == 1.0
    assert table.loc["debt", "large"] == 100.0


def test_refinancing_summary_matches_raw_arrays(big: rf.RefinancingResult) -> None:
    before = _snapshot(big)
    s = big.summary()
    table = s.tables["By cohort"]
    assert list(table.columns) == list(big.cohorts)
    # recomputed here from the per-path sums with NumPy
    cov_end = big.ebit_sum[:, -1, :] / big.interest_sum[:, -1, :]
    cov_start = big.ebit_sum[:, 0, :] / big.interest_sum[:, 0, :]
    np.testing.assert_allclose(table.loc["coverage_end"], np.median(cov_end, axis=0), rtol=1e-12)
    np.testing.assert_allclose(table.loc["coverage_start"], np.median(cov_start, axis=0))
    np.testing.assert_allclose(
        table.loc["coverage_end_q05"], np.quantile(cov_end, 0.05, axis=0), rtol=1e-12
    )
    change = np.mean(big.interest_sum[:, -1, :] / big.interest_sum[:, 0, :], axis=0) - 1.0
    np.testing.assert_allclose(table.loc["interest_change"], change, rtol=1e-12)
    np.testing.assert_allclose(table.loc["repriced_share"], big.repriced_debt[-1] / big.debt)
    k1 = big.thresholds.index(1.0)
    dar = (big.below_debt[k1][:, -1, :] / big.debt).mean(axis=0)
    np.testing.assert_allclose(table.loc["debt_at_risk_share"], dar, rtol=1e-12)
    dist = (big.distressed_count[:, -1, :] / big.n_firms).mean(axis=0)
    np.testing.assert_allclose(table.loc["distressed_share"], dist, rtol=1e-12)
    np.testing.assert_array_equal(table.loc["firms"], big.n_firms)
    np.testing.assert_allclose(table.loc["debt"], big.debt)
    assert s.settings["Firms"] == "250" and s.settings["Paths"] == "20"
    assert s.settings["Horizon (months)"] == "24"
    assert s.settings["Total debt"] == format_value(float(big.tranche_principal.sum()))
    floating = big.tranche_principal[big.tranche_floating].sum() / big.tranche_principal.sum()
    assert s.settings["Floating share"] == format_value(float(floating))
    assert "Refinancing simulation" in str(s)
    _assert_unchanged(big, before)


def test_refinancing_html_escapes_labels() -> None:
    res = _bullet("<b>SME & co</b>")
    page = res._repr_html_()
    parsed = _parse(page)
    assert "b" not in parsed.seen  # the label is text, not markup
    assert "&lt;b&gt;SME &amp; co&lt;/b&gt;" in page
    assert "<b>SME & co</b>" in "".join(parsed.text)


def test_refinancing_plot(big: rf.RefinancingResult) -> None:
    before = _snapshot(big)
    ax = big.plot(threshold=1.5)
    _check_axes(ax)
    assert "20 paths" in ax.get_title() and ax.get_yscale() == "log"
    assert len(ax.lines) == len(big.cohorts) - 1 + 1  # a median per cohort + threshold
    ax2 = big.plot("maturity_wall", cohorts=["SME"], freq="quarter")
    _check_axes(ax2)
    heights = np.array([p.get_height() for p in ax2.patches])
    np.testing.assert_allclose(heights, big.maturity_wall(freq="quarter")["SME"].to_numpy())
    with pytest.raises(InputError, match="kind"):
        big.plot("fan")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="cohorts"):
        big.plot("maturity_wall", cohorts=["nope"])
    _assert_unchanged(big, before)
    plt.close("all")


# --------------------------------------------------------------------------- FlowSimulation
def test_flows_views(flows: Any) -> None:
    before = _snapshot(flows)
    text = repr(flows)
    assert len(text) < 400 and not _ARRAY.search(text)
    assert text.startswith("FlowSimulation(assets=500, steps=40")
    s = flows.summary()
    ends = s.tables["Start and end"]
    np.testing.assert_allclose(ends["total_cap"], flows.caps[[0, -1]].sum(axis=1))
    w = flows.caps[[0, -1]] / flows.caps[[0, -1]].sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ends["hhi"], (w**2).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(ends["effective_n"], 1.0 / (w**2).sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(ends["top_10_share"], np.sort(w, axis=1)[:, -10:].sum(axis=1))
    money = s.tables["Flows over the run"]["money"]
    assert money["passive"] == pytest.approx(40.0)  # 1.0 a step for 40 steps
    assert s.settings["Assets"] == "500" and s.settings["Steps"] == "40"
    _parse(flows._repr_html_())
    for kind in ("caps", "flows", "concentration"):
        _check_axes(flows.plot(kind))
    ax = flows.plot("caps", top=3)
    largest = np.argsort(-flows.caps[0])[:3]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), flows.caps[:, largest[0]])
    assert [ln.get_label() for ln in ax.lines] == [f"N{j}" for j in largest]
    with pytest.raises(InputError, match="top"):
        flows.plot(top=0)
    _assert_unchanged(flows, before)
    plt.close("all")


def test_flows_closed_form_common_multiplier() -> None:
    # a common multiplier leaves weights, hence HHI and effective N, unchanged (SPEC 4.7)
    res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0)
    ends = res.summary().tables["Start and end"]
    assert ends["effective_n"].tolist() == pytest.approx([1 / 0.46, 1 / 0.46], rel=1e-12)
    assert ends["top_3_share"].tolist() == pytest.approx([1.0, 1.0])
    assert "effective N 2.174 -> 2.174" in repr(res)


# --------------------------------------------------------------------------- dispersion P&L
def test_dispersion_single_trade_closed_form() -> None:
    # vega notional 10,000 per vol point at a 20-vol strike is a variance notional of
    # 10,000 / (2 * 20) = 250 per vol point squared; short index P&L 250 * (20^2 - 18^2) = 19,000
    pnl = dispersion_trade_pnl(0.20, [0.30, 0.30], 0.18, [0.30, 0.30], [0.5, 0.5], notional=1e4)
    table = pnl.summary().tables["P&L by leg"]
    assert table.loc["index_leg", "sum"] == pytest.approx(19_000.0, rel=1e-12)
    assert table.loc["total", "max"] == pytest.approx(19_000.0, rel=1e-12)
    assert np.isnan(table.loc["total", "std"])  # one trade: no sample spread
    expect = "DispersionTradePnL(trades=1, members=2, weighting='vega', total P&L 19,000)"
    assert repr(pnl) == expect
    ax = pnl.plot()
    _check_axes(ax)
    assert [p.get_height() for p in ax.patches] == pytest.approx([19_000.0, 0.0, 19_000.0])
    plt.close("all")


def test_dispersion_views_many_trades(trades: Any) -> None:
    before = _snapshot(trades)
    text = repr(trades)
    assert len(text) < 400 and not _ARRAY.search(text)
    assert "trades=120, members=50" in text
    s = trades.summary()
    table = s.tables["P&L by leg"]
    members = trades.constituent_legs.to_numpy().sum(axis=1)
    total = trades.index_leg.to_numpy() + members
    for leg, v in (("index_leg", trades.index_leg.to_numpy()), ("constituent_legs", members)):
        assert table.loc[leg, "sum"] == pytest.approx(v.sum(), rel=1e-12)
        assert table.loc[leg, "std"] == pytest.approx(np.std(v, ddof=1), rel=1e-10)
    assert table.loc["total", "mean"] == pytest.approx(total.mean(), rel=1e-12)
    assert table.loc["total", "min"] == pytest.approx(total.min(), rel=1e-12)
    assert s.settings["Winning trades"] == format_value(float(np.mean(total > 0)))
    assert s.settings["First trade"] == "2015-01-31" and s.settings["Last trade"] == "2024-12-31"
    _parse(trades._repr_html_())
    ax = trades.plot()
    _check_axes(ax)
    assert type(ax.xaxis.get_major_formatter()).__name__ == "ConciseDateFormatter"
    np.testing.assert_allclose(ax.lines[2].get_ydata(), np.cumsum(total), rtol=1e-12)
    _assert_unchanged(trades, before)
    plt.close("all")


# --------------------------------------------------------------------------- CVaR allocation
def test_cvar_small_closed_form() -> None:
    # portfolio returns (0.5, 0.5) weights: -0.025, 0.015, -0.01, 0.01; at 75% the tail is the
    # single worst loss 0.025 (n_tail = 1, so the VaR, the smallest tail loss, is 0.025 too),
    # split 0.5 * 0.04 = 0.02 and 0.5 * 0.01 = 0.005
    r = np.array([[-0.04, -0.01], [0.01, 0.02], [-0.02, 0.00], [0.03, -0.01]])
    res = cvar_position_limits(r, 0.01, weights=[0.5, 0.5], confidence=0.75)
    s = res.summary()
    assert s.settings["Portfolio CVaR"] == "0.025" and s.settings["Tail scenarios"] == "1"
    assert s.settings["Within budget"] == "no" and s.settings["Positions over budget"] == "1"
    top = s.tables["Largest contributors"]
    assert top["contribution"].tolist() == pytest.approx([0.02, 0.005])
    assert repr(res) == "CVaRAllocation(assets=2, n_tail=1, VaR 0.025, CVaR 0.025, 1 over budget)"


def test_cvar_views_large(alloc: Any) -> None:
    before = _snapshot(alloc)
    text = repr(alloc)
    assert len(text) < 400 and not _ARRAY.search(text) and "assets=300" in text
    s = alloc.summary(top=7)
    top = s.tables["Largest contributors"]
    order = np.argsort(-alloc.contributions, kind="stable")[:7]
    assert top.index.tolist() == [alloc.assets[i] for i in order]
    assert top["contribution"].sum() <= alloc.portfolio_cvar + 1e-12
    assert alloc.contributions.sum() == pytest.approx(alloc.portfolio_cvar, rel=1e-10)
    over = int(np.sum(alloc.contributions > alloc.budget))
    assert s.settings["Positions over budget"] == str(over)
    _parse(alloc._repr_html_())
    ax = alloc.plot(top=5)
    _check_axes(ax)
    assert len(ax.patches) == 10
    with pytest.raises(InputError, match="top"):
        alloc.summary(top=0)
    _assert_unchanged(alloc, before)
    plt.close("all")


# --------------------------------------------------------------------------- LeadLag
def test_lead_lag_views(leadlag: Any) -> None:
    before = _snapshot(leadlag)
    text = repr(leadlag)
    assert len(text) < 400 and not _ARRAY.search(text)
    assert "best_lag=3" in text  # y is x delayed by 3 periods plus noise
    s = leadlag.summary(top=4)
    corr = leadlag.correlations
    expect = corr.iloc[np.argsort(-np.abs(corr.to_numpy()), kind="stable")[:4]]
    pd.testing.assert_series_equal(s.tables["Strongest lags"]["correlation"], expect)
    _parse(leadlag._repr_html_())
    ax = leadlag.plot()
    _check_axes(ax)
    assert len(ax.patches) == len(corr) + 1
    _assert_unchanged(leadlag, before)
    plt.close("all")


# --------------------------------------------------------------------------- DivergenceCost
def test_cost_repr_round_trips_uncalibrated() -> None:
    m = DivergenceCost(weights=(1.0, 0.5, 0.25), intercept=-0.5, min_periods=12)
    text = repr(m)
    assert eval(text, {"DivergenceCost": DivergenceCost}) == m  # the repr is valid Python
    s = m.summary()
    assert s.tables["Weights"]["weight"].tolist() == [-0.5, 1.0, 0.5, 0.25, 0.0]
    assert s.settings["Calibrated"] == "no" and s.settings["Min periods"] == "12"
    _parse(m._repr_html_())


def test_cost_summary_matches_an_independent_fit(
    calibrated: tuple[DivergenceCost, pd.DataFrame, pd.Series],
) -> None:
    import statsmodels.api as sm

    fit, x, y = calibrated
    text = repr(fit)
    assert len(text) < 400 and "calibrated: Logit on" in text and "pseudo R²" in text
    # independent: statsmodels' Logit on the same scores of the two terms with positive weight
    scores = DivergenceCost(min_periods=36).scores(x["delta_r"], None, x["l_s"])
    data = pd.concat([y.rename("y"), scores[["delta_r", "l_s"]]], axis=1).dropna()
    exog = sm.add_constant(data[["delta_r", "l_s"]].to_numpy())
    ref = sm.Logit(data["y"].to_numpy(), exog).fit(disp=0)
    table = fit.summary().tables["Weights"]
    np.testing.assert_allclose(table.loc[["const", "delta_r", "l_s"], "weight"], ref.params)
    np.testing.assert_allclose(table.loc[["const", "delta_r", "l_s"], "std_err"], ref.bse)
    np.testing.assert_allclose(table.loc[["const", "delta_r", "l_s"], "z"], ref.tvalues)
    assert np.isnan(table.loc["i_c", "std_err"]) and table.loc["i_c", "weight"] == 0.0
    s = fit.summary()
    assert s.settings["Observations"] == str(len(data))
    assert s.settings["Pseudo R² (McFadden)"] == format_value(float(ref.prsquared))
    _parse(fit._repr_html_())


# --------------------------------------------------------------------------- without matplotlib
def test_plots_without_matplotlib_name_the_extra(
    monkeypatch: pytest.MonkeyPatch,
    big: rf.RefinancingResult,
    flows: Any,
    trades: Any,
    alloc: Any,
    leadlag: Any,
) -> None:
    _no_matplotlib(monkeypatch)
    calls = [
        big.plot,
        lambda: big.plot("maturity_wall"),
        flows.plot,
        trades.plot,
        alloc.plot,
        leadlag.plot,
    ]
    for call in calls:
        with pytest.raises(ImportError, match=re.escape('pip install "divergence[plot]"')):
            call()


# --------------------------------------------------------------------------- docs page
def test_results_docs_page_examples_run() -> None:
    page = ROOT / "docs" / "user_guide" / "results.rst"
    result = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
        verbose=False,
    )
    assert result.attempted > 0 and result.failed == 0
