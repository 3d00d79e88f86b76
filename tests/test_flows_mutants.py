"""Assertions the mutation run of divergence.flows showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/flows.json``). Reference values are worked by hand from the documented
formulas, or come from the small independent re-implementation of the model below
(``_reference``: plain Python loops over assets, the linear cost of covering solved in closed
form and the log-impact cost with scipy's ``brentq`` instead of the library's Newton steps).
"""

from __future__ import annotations

import math
import re
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from divergence.errors import InputError
from divergence.flows import (
    FlowSimulation,
    fixed_share_multiplier,
    illustrative_scenarios,
    scenario_effective_n,
    simulate_flows,
)

FIELDS = (
    "caps",
    "weights",
    "passive_flow",
    "capitulation_flow",
    "short_covering_flow",
    "passive_holdings",
    "active_holdings",
    "short_interest",
)


# --------------------------------------------------------------------------- reference model
def _cover_cost(q: float, c: float, m: float, impact: str) -> float:
    """Money paid to buy back q shares at the midpoint price (documented rule)."""
    if impact == "linear":
        # F = q (C + C + M F) / 2, solved by hand: F = q C / (1 - q M / 2)
        return q * c / (1.0 - 0.5 * q * m)
    from scipy.optimize import brentq

    # F = q C (1 + exp(M F / C)) / 2; the smaller root lies below the maximum of
    # g(F) = F - q C (1 + e^{MF/C}) / 2, at F* = C/M ln(2 / (q M))
    def g(f: float) -> float:
        return f - 0.5 * q * c * (1.0 + math.exp(m * f / c))

    top = c / m * math.log(2.0 / (q * m)) if m > 0 else 10.0 * q * c
    return float(brentq(g, 0.0, top, xtol=1e-16 * q * c, rtol=1e-15))


def _reference(
    caps0: list[float],
    *,
    n_steps: int,
    flows: float = 0.0,
    m0: float = 5.0,
    b: float = 0.0,
    ref: float | None = None,
    impact: str = "linear",
    aw: list[float] | None = None,
    aum: float = 0.0,
    limit: float | None = None,
    idio: float = 0.3,
    s0: list[float] | None = None,
    stops: list[float] | None = None,
    max_iter: int = 50,
    sigma: float = 0.0,
    seed: int = 0,
) -> dict[str, Any]:
    """Independent simulation of the documented model, asset by asset."""
    n = len(caps0)
    c = list(caps0)
    c_ref = min(caps0) if ref is None else ref
    rng = np.random.default_rng(seed)
    stops = stops or []
    s0 = s0 or [0.0] * n
    k_tr = len(stops)
    open_tr = [[s0[i] > 0.0 for _ in stops] for i in range(n)]
    h_act = [0.0] * n if aw is None else [aum * w / sum(aw) / c[i] for i, w in enumerate(aw)]
    out: dict[str, Any] = {
        "caps": [list(c)],
        "passive": [[0.0] * n],
        "active": [[0.0] * n],
        "short": [[0.0] * n],
        "si": [list(s0)],
        "iters": [0],
        "te": [],
        "h_act": [list(h_act)],
    }

    def mult(i: float) -> float:
        return m0 + b * math.log(c[int(i)] / c_ref)

    def move(i: int, money: float) -> float:
        m = mult(i)
        new = c[i] + m * money if impact == "linear" else c[i] * math.exp(m * money / c[i])
        shares = money / (0.5 * (c[i] + new))
        c[i] = new
        return shares

    def te_of() -> float:
        val = [h_act[i] * c[i] for i in range(n)]
        tot_v, tot_c = sum(val), sum(c)
        return math.sqrt(sum(idio**2 * (val[i] / tot_v - c[i] / tot_c) ** 2 for i in range(n)))

    out["te"].append(te_of() if aw is not None else math.nan)
    for _ in range(n_steps):
        if sigma > 0.0:
            z = rng.standard_normal(n)
            c = [c[i] * math.exp(sigma * z[i] - 0.5 * sigma**2) for i in range(n)]
        pas = [0.0] * n
        if flows != 0.0:
            tot = sum(c)
            pas = [flows * ci / tot for ci in c]
            for i in range(n):
                move(i, pas[i])
        act = [0.0] * n
        te = math.nan
        if aw is not None:
            te = te_of()
            if limit is not None and te > limit:
                val = [h_act[i] * c[i] for i in range(n)]
                tot_v, tot_c = sum(val), sum(c)
                act = [
                    -tot_v * (1 - limit / te) * (val[i] / tot_v - c[i] / tot_c) for i in range(n)
                ]
                for i in range(n):
                    h_act[i] += move(i, act[i])
        sho = [0.0] * n
        rounds = 0
        for k in range(max_iter):
            hits = [
                [j for j in range(k_tr) if open_tr[i][j] and c[i] / caps0[i] - 1 >= stops[j]]
                for i in range(n)
            ]
            if not any(hits):
                break
            for i in range(n):
                if hits[i]:
                    q = len(hits[i]) * s0[i] / k_tr
                    m = mult(i)
                    f = _cover_cost(q, c[i], m, impact)
                    c[i] = c[i] + m * f if impact == "linear" else c[i] * math.exp(m * f / c[i])
                    sho[i] += f
                    for j in hits[i]:
                        open_tr[i][j] = False
            rounds = k + 1
        out["caps"].append(list(c))
        out["passive"].append(pas)
        out["active"].append(act)
        out["short"].append(sho)
        out["si"].append([sum(open_tr[i]) * s0[i] / k_tr if k_tr else s0[i] for i in range(n)])
        out["iters"].append(rounds)
        out["te"].append(te)
        out["h_act"].append(list(h_act))
    return {key: np.array(v) for key, v in out.items()}


# --------------------------------------------------------------------------- hand-made result
def _hand_result() -> FlowSimulation:
    """A FlowSimulation assembled from hand-written arrays (2 assets, 2 steps)."""
    caps = np.array([[3.0, 1.0], [4.0, 2.0], [7.0, 1.0]])
    w = caps / caps.sum(axis=1, keepdims=True)
    hhi = np.array([0.625, 5.0 / 9.0, 0.78125])  # sum of squared weights, by hand
    return FlowSimulation(
        caps=caps,
        weights=w,
        hhi=hhi,
        effective_n=1.0 / hhi,  # 1.6, 1.8, 1.28
        passive_flow=np.array([[0.0, 0.0], [1.0, 0.5], [0.0, 0.0]]),
        capitulation_flow=np.array([[0.0, 0.0], [0.2, -0.2], [-0.1, 0.1]]),
        short_covering_flow=np.array([[0.0, 0.0], [0.0, 0.0], [0.3, 0.0]]),
        passive_holdings=np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]),
        active_holdings=np.array([[0.01, 0.02], [0.03, 0.04], [0.05, 0.06]]),
        short_interest=np.array([[0.05, 0.0], [0.05, 0.0], [0.0, 0.0]]),
        tracking_error=np.array([np.nan, 0.1, 0.05]),
        cascade_iterations=np.array([0, 0, 2]),
        assets=("A", "B"),
    )


def _wide_result(n: int = 12) -> FlowSimulation:
    """Hand-made one-step result over n assets with caps n, n-1, ..., 1 (no flows)."""
    row = np.arange(n, 0, -1, dtype=float)
    caps = np.vstack([row, row[::-1]])  # the order flips at the end
    w = caps / caps.sum(axis=1, keepdims=True)
    hhi = (w**2).sum(axis=1)
    zeros = np.zeros_like(caps)
    return FlowSimulation(
        caps=caps,
        weights=w,
        hhi=hhi,
        effective_n=1.0 / hhi,
        passive_flow=zeros,
        capitulation_flow=zeros,
        short_covering_flow=zeros,
        passive_holdings=zeros,
        active_holdings=zeros,
        short_interest=zeros,
        tracking_error=np.full(2, np.nan),
        cascade_iterations=np.zeros(2, dtype=np.int64),
        assets=tuple(f"n{i}" for i in range(n)),
    )


# --------------------------------------------------------------------------- result views
def test_to_frame_columns_from_hand_arrays() -> None:
    # kills the to_frame mutants: every column worked by hand from _hand_result
    frame = _hand_result().to_frame()
    assert list(frame.columns) == [
        "total_cap",
        "hhi",
        "effective_n",
        "top_weight",
        "passive_flow",
        "capitulation_buys",
        "short_covering_flow",
        "tracking_error",
        "cascade_iterations",
    ]
    assert frame.index.name == "step"
    assert list(frame.index) == [0, 1, 2]
    np.testing.assert_allclose(frame["total_cap"], [4.0, 6.0, 8.0], rtol=1e-15)
    np.testing.assert_allclose(frame["hhi"], [0.625, 5 / 9, 0.78125], rtol=1e-15)
    np.testing.assert_allclose(frame["effective_n"], [1.6, 1.8, 1.28], rtol=1e-14)
    np.testing.assert_allclose(frame["top_weight"], [0.75, 2 / 3, 0.875], rtol=1e-15)
    np.testing.assert_allclose(frame["passive_flow"], [0.0, 1.5, 0.0], rtol=1e-15)
    # gross buys only: 0.2 in step 1, 0.1 in step 2 (the sales are not counted)
    np.testing.assert_allclose(frame["capitulation_buys"], [0.0, 0.2, 0.1], rtol=1e-15)
    np.testing.assert_allclose(frame["short_covering_flow"], [0.0, 0.0, 0.3], rtol=1e-15)
    np.testing.assert_allclose(frame["tracking_error"], [np.nan, 0.1, 0.05], rtol=1e-15)
    assert frame["cascade_iterations"].tolist() == [0, 0, 2]


def test_panel_every_field_and_default() -> None:
    # kills the panel mutants: values, step index and asset columns of each field
    res = _hand_result()
    for field in FIELDS:
        panel = res.panel(field)  # type: ignore[arg-type]
        np.testing.assert_array_equal(panel.to_numpy(), getattr(res, field))
        assert panel.index.name == "step"
        assert list(panel.index) == [0, 1, 2]
        assert list(panel.columns) == ["A", "B"]
    np.testing.assert_array_equal(res.panel().to_numpy(), res.weights)
    with pytest.raises(InputError, match=r"^field must be one of \['caps', 'weights', "):
        res.panel("hhi")  # type: ignore[arg-type]


def test_repr_start_and_end_effective_n() -> None:
    # kills the __repr__ mutants: effective N 1/0.625 = 1.6 at the start, 1/0.78125 = 1.28 at
    # the end, formatted to four significant digits
    assert repr(_hand_result()) == "FlowSimulation(assets=2, steps=2, effective N 1.6 -> 1.28)"
    assert _hand_result().n_steps == 2


def test_summary_tables_and_settings_by_hand() -> None:
    # kills the summary mutants: every entry worked by hand from _hand_result
    s = _hand_result().summary()
    assert s.title == "Flow simulation"
    assert dict(s.settings) == {
        "Assets": "2",
        "Steps": "2",
        "Sources trading": "passive, capitulation, short covering",
        "Max cascade rounds": "2",
    }
    assert list(s.tables) == ["Start and end", "Flows over the run"]
    table = s.tables["Start and end"]
    assert list(table.index) == ["start", "end"]
    assert table.index.name == "state"
    assert list(table.columns) == ["total_cap", "hhi", "effective_n", "top_weight", "top_2_share"]
    np.testing.assert_allclose(table["total_cap"], [4.0, 8.0], rtol=1e-15)
    np.testing.assert_allclose(table["hhi"], [0.625, 0.78125], rtol=1e-15)
    np.testing.assert_allclose(table["effective_n"], [1.6, 1.28], rtol=1e-14)
    np.testing.assert_allclose(table["top_weight"], [0.75, 0.875], rtol=1e-15)
    np.testing.assert_allclose(table["top_2_share"], [1.0, 1.0], rtol=1e-15)
    flows = s.tables["Flows over the run"]
    assert list(flows.index) == ["passive", "capitulation", "short covering"]
    assert flows.index.name == "source"
    assert list(flows.columns) == ["money", "share_of_start_cap"]
    np.testing.assert_allclose(flows["money"], [1.5, 0.3, 0.3], rtol=1e-14)
    np.testing.assert_allclose(flows["share_of_start_cap"], [0.375, 0.075, 0.075], rtol=1e-14)
    assert s.notes == ("Money in the units of the input caps; weights and shares are decimals.",)
    assert _hand_result()._repr_html_() == s.as_html()


def test_summary_top_ten_share_and_sources() -> None:
    # kills the top-k mutants: 12 names with caps 12..1 (total 78); the ten largest hold
    # (78 - 2 - 1) / 78 at the start, and again at the end (the order flips, the sort must not
    # depend on position); no source traded, so "none"
    s = _wide_result().summary()
    table = s.tables["Start and end"]
    assert "top_10_share" in table.columns
    np.testing.assert_allclose(table["top_10_share"], [75 / 78, 75 / 78], rtol=1e-14)
    np.testing.assert_allclose(table["top_weight"], [12 / 78, 12 / 78], rtol=1e-14)
    assert s.settings["Sources trading"] == "none"
    assert s.settings["Max cascade rounds"] == "0"
    # only one source trading: passive inflow of 1.0 on [60, 30, 10]
    one = simulate_flows([60.0, 30.0, 10.0], n_steps=1, passive_flows=1.0).summary()
    assert one.settings["Sources trading"] == "passive"


def test_plot_kinds_top_and_axes() -> None:
    # kills the plot mutants: the kind and top are passed through, checked and named
    res = _wide_result()
    try:
        ax = res.plot()
        assert len(ax.lines) == 5  # default top = 5 of the 12 names
        assert ax.get_title() == "Market caps of the 5 largest names at the start"
        ax = res.plot(top=7)
        assert len(ax.lines) == 7
        assert res.plot("flows").get_title() == "Cumulative flows by source"
        assert len(res.plot("flows").lines) == 3
        conc = res.plot(kind="concentration")
        assert conc.get_title() == "Concentration path: effective number of names"
        _, given = plt.subplots()
        assert res.plot("concentration", ax=given) is given
        with pytest.raises(InputError, match=r"^top must be >= 1, got 0$"):
            res.plot(top=0)
        with pytest.raises(
            InputError, match=r"^kind must be one of \['caps', 'flows', 'concentration'\]"
        ):
            res.plot("bars")  # type: ignore[arg-type]
    finally:
        plt.close("all")


def test_every_result_array_is_read_only() -> None:
    # kills the setflags mutants: all twelve arrays are frozen
    res = simulate_flows([3.0, 1.0], n_steps=1, passive_flows=1.0)
    for name in (*FIELDS, "hhi", "effective_n", "tracking_error", "cascade_iterations"):
        arr = getattr(res, name)
        assert not arr.flags.writeable, name


# --------------------------------------------------------------------------- closed form
def test_fixed_share_multiplier_bounds() -> None:
    # M = 1/(1 - theta): theta = 0 is allowed (M = 1), theta = 1 is not
    assert fixed_share_multiplier(0.0) == 1.0
    assert fixed_share_multiplier(0.75) == pytest.approx(4.0, rel=1e-15)
    with pytest.raises(InputError, match=r"^equity_share must be < 1.0, got 1.0$"):
        fixed_share_multiplier(1.0)
    with pytest.raises(InputError, match=r"^equity_share must be < 1.0, got 1.5$"):
        fixed_share_multiplier(1.5)
    with pytest.raises(InputError, match=r"^equity_share must be >= 0.0, got -0.1$"):
        fixed_share_multiplier(-0.1)


# --------------------------------------------------------------------------- simulator vs reference
@pytest.mark.parametrize("impact", ["linear", "log"])
def test_passive_and_cascade_match_reference(impact: str) -> None:
    # kills arithmetic mutants of the passive step, the multiplier and the cascade: three
    # assets, size slope, several tranches, three steps, against _reference
    caps = [100.0, 40.0, 10.0]
    kw: dict[str, Any] = {
        "m0": 2.0,
        "b": 0.5,
        "ref": 20.0,
        "s0": [0.03, 0.06, 0.0],
        "stops": [0.02, 0.05, 0.3],
    }
    ref = _reference(caps, n_steps=3, flows=6.0, impact=impact, **kw)
    res = simulate_flows(
        caps,
        n_steps=3,
        passive_flows=6.0,
        multiplier=2.0,
        size_slope=0.5,
        reference_cap=20.0,
        impact=impact,  # type: ignore[arg-type]
        short_interest=kw["s0"],
        short_loss_limits=kw["stops"],
    )
    np.testing.assert_allclose(res.caps, ref["caps"], rtol=1e-11)
    np.testing.assert_allclose(res.passive_flow, ref["passive"], rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(res.short_covering_flow, ref["short"], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(res.short_interest, ref["si"], rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(res.cascade_iterations, ref["iters"])
    assert ref["iters"].max() >= 1  # the case does exercise the cascade
    assert res.short_covering_flow[:, 2].sum() == 0.0  # no short interest, nothing covered


def test_cascade_rounds_capped_by_default_max_iter() -> None:
    # kills the max_iter default and round-counting mutants. One tranche of q = 0.001 covered
    # at M = 1 lifts the cap by the factor g = 1 + q M / (1 - q M / 2) (linear cost by hand);
    # stops at 1.05 g^j - 1 then fall one per round: a 120-round cascade in step 1 (the
    # unbounded reference confirms). By default only 50 run; the rest continue in step 2.
    g = 1.0 + 0.001 / (1.0 - 0.0005)
    stops = [1.05 * g**j - 1.0 for j in range(120)]
    long = _reference(
        [100.0], n_steps=1, flows=5.01, m0=1.0, s0=[0.12], stops=stops, max_iter=10**6
    )
    assert long["iters"][1] == 120
    capped = _reference([100.0], n_steps=2, flows=5.01, m0=1.0, s0=[0.12], stops=stops)
    res = simulate_flows(
        [100.0],
        n_steps=2,
        passive_flows=5.01,
        multiplier=1.0,
        short_interest=0.12,
        short_loss_limits=stops,
    )
    assert res.cascade_iterations[1] == 50
    np.testing.assert_array_equal(res.cascade_iterations, capped["iters"])
    np.testing.assert_allclose(res.caps, capped["caps"], rtol=1e-11)
    np.testing.assert_allclose(res.short_interest, capped["si"], rtol=1e-11, atol=1e-15)
    three = simulate_flows(
        [100.0],
        n_steps=1,
        passive_flows=5.01,
        multiplier=1.0,
        short_interest=0.12,
        short_loss_limits=stops,
        max_iter=3,
    )
    assert three.cascade_iterations[1] == 3


def test_no_short_interest_no_cascade_rounds() -> None:
    # kills the open-tranche mutant (s0 > 0 -> s0 >= 0): an asset with zero short interest
    # whose price passes every stop counts no covering round
    res = simulate_flows([100.0, 50.0], n_steps=2, passive_flows=30.0, short_loss_limits=[0.01])
    assert (res.cascade_iterations == 0).all()
    assert not res.short_covering_flow.any()
    np.testing.assert_array_equal(res.short_interest, 0.0)


def test_capitulation_matches_reference_with_default_vol() -> None:
    # kills arithmetic mutants of the capitulation step and the idiosyncratic_vol default
    # (0.3): two steps with passive flows and a binding limit, against _reference
    caps = [500.0, 200.0, 80.0, 20.0]
    aw = [0.1, 0.2, 0.3, 0.4]
    ref = _reference(caps, n_steps=2, flows=20.0, m0=2.0, aw=aw, aum=5.0, limit=0.02)
    res = simulate_flows(
        caps,
        n_steps=2,
        passive_flows=20.0,
        multiplier=2.0,
        active_weights=aw,
        active_aum=5.0,
        tracking_error_limit=0.02,
    )
    assert ref["te"][1] > 0.02  # the limit binds
    np.testing.assert_allclose(res.tracking_error, ref["te"], rtol=1e-12)
    np.testing.assert_allclose(res.capitulation_flow, ref["active"], rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(res.active_holdings, ref["h_act"], rtol=1e-10)
    np.testing.assert_allclose(res.caps, ref["caps"], rtol=1e-12)


def test_news_shocks_every_step_match_reference() -> None:
    # kills the news-step mutants over several steps (one draw of n normals per step)
    caps = [50.0, 30.0, 20.0]
    ref = _reference(caps, n_steps=4, flows=2.0, m0=2.0, b=0.3, sigma=0.2, seed=11)
    res = simulate_flows(
        caps,
        n_steps=4,
        passive_flows=2.0,
        multiplier=2.0,
        size_slope=0.3,
        volatility=0.2,
        seed=11,
    )
    np.testing.assert_allclose(res.caps, ref["caps"], rtol=1e-12)


def test_defaults_multiplier_five_and_linear_impact() -> None:
    # kills the default-argument mutants: M = 5, linear: 60 + 5 * 0.6 = 63, 30 + 1.5, 10 + 0.5
    res = simulate_flows([60.0, 30.0, 10.0], n_steps=1, passive_flows=1.0)
    np.testing.assert_allclose(res.caps[1], [63.0, 31.5, 10.5], rtol=1e-15)
    # passive_share default 0; then q = F / midpoint: 0.6 / 61.5, 0.3 / 30.75, 0.1 / 10.25
    np.testing.assert_array_equal(res.passive_holdings[0], 0.0)
    np.testing.assert_allclose(res.passive_holdings[1], 0.6 / 61.5, rtol=1e-14)
    assert np.isnan(res.tracking_error).all()  # no active managers


def test_passive_share_recorded_and_scalar_flow_each_step() -> None:
    # holdings start at passive_share and grow by q = F / midpoint price; a length-1 flow list
    # is used in every step (hand: common M = 2, caps [3, 1], flow 4: caps x (1 + 2 * 4 / 4))
    res = simulate_flows(
        [3.0, 1.0], n_steps=2, passive_flows=[4.0], multiplier=2.0, passive_share=0.4
    )
    np.testing.assert_allclose(res.caps[1], [9.0, 3.0], rtol=1e-15)
    np.testing.assert_allclose(res.caps[2], [15.0, 5.0], rtol=1e-15)
    # step 1: asset 0 gets 3, midpoint (3 + 9)/2 = 6, q = 0.5
    np.testing.assert_allclose(res.passive_holdings[:, 0], [0.4, 0.9, 0.9 + 3.0 / 12.0])


# --------------------------------------------------------------------------- errors
def test_multiplier_turning_negative_names_asset_step_and_cap() -> None:
    # one asset, C = 10 = C_ref, M = 1 - ln(C/10): step 1 buys 20 at M = 1 (C -> 30); at step 2
    # M = 1 - ln 3 < 0, refused before trading
    caps = pd.Series([10.0], index=["X"])
    ok = simulate_flows(caps, n_steps=1, passive_flows=20.0, multiplier=1.0, size_slope=-1.0)
    assert ok.caps[1, 0] == pytest.approx(30.0, rel=1e-15)
    with pytest.raises(
        InputError,
        match=r"^the price-impact multiplier M0 \+ size_slope\*ln\(cap/reference_cap\) became "
        r"negative for asset 'X' at step 2 \(cap 30\); reduce \|size_slope\| or choose "
        r"reference_cap so that the multiplier stays non-negative over the caps the run reaches$",
    ):
        simulate_flows(caps, n_steps=2, passive_flows=20.0, multiplier=1.0, size_slope=-1.0)
    # negative at the start: M = 0.5 + ln(10/20) < 0 for the second asset, step 0
    with pytest.raises(InputError, match=r"negative for asset 1 at step 0 \(cap 10\)"):
        simulate_flows([20.0, 10.0], n_steps=1, multiplier=0.5, size_slope=1.0, reference_cap=20.0)
    # a step without any trade does not re-price: flows [20, 0] end at cap 30 although
    # M = 1 - ln 3 < 0 by then (kills the flows[t - 2] gate mutant)
    quiet = simulate_flows(
        caps, n_steps=2, passive_flows=[20.0, 0.0], multiplier=1.0, size_slope=-1.0
    )
    np.testing.assert_allclose(quiet.caps[:, 0], [10.0, 30.0, 30.0], rtol=1e-15)


def test_sale_to_zero_cap_is_refused_with_asset_and_amount() -> None:
    # linear: 100 + 5 * (-20) = 0 exactly, which is not a positive cap
    with pytest.raises(
        InputError,
        match=r"^a sale of 20 pushes the cap of asset 0 to 0 at step 1 \(linear impact needs "
        r"M\*flow > -cap\); use smaller passive_flows or active_aum, a smaller multiplier or "
        r"size_slope, or impact='log'$",
    ):
        simulate_flows([100.0], n_steps=1, passive_flows=-20.0)
    # the second asset is the bad one: M = [0, ln 100], sale of 25 * 100/101 on the large name
    money = 25.0 * 100.0 / 101.0
    after = 100.0 - math.log(100.0) * money
    caps = pd.Series([1.0, 100.0], index=["s", "b"])
    with pytest.raises(
        InputError,
        match=rf"^a sale of {money:.6g} pushes the cap of asset 'b' to {after:.6g} at step 1",
    ):
        simulate_flows(caps, n_steps=1, passive_flows=-25.0, multiplier=0.0, size_slope=1.0)


@pytest.mark.parametrize(
    ("impact", "match"),
    [
        (
            "linear",
            r"^covering 0.4 of the shares of asset 'B' with multiplier 5 has no finite cost "
            r"\(needs shares\*M < 2\); lower short_interest, the multiplier or size_slope$",
        ),
        (
            "log",
            r"^covering 0.4 of the shares of asset 'B' has no finite cost under log impact; "
            r"lower short_interest, the multiplier or size_slope$",
        ),
    ],
)
def test_covering_without_finite_cost_is_refused(impact: str, match: str) -> None:
    # asset 'B' covers q = 0.4 at M = 5 ('A' has no short interest and covers nothing).
    # linear: q M / 2 = 1 exactly, the cost q C / (1 - q M / 2) is infinite; log: the Newton
    # slope 1 - q M e^{M q} / 2 is negative from the start
    caps = pd.Series([100.0, 100.0], index=["A", "B"])
    with pytest.raises(InputError, match=match):
        simulate_flows(
            caps,
            n_steps=1,
            passive_flows=4.0,
            impact=impact,  # type: ignore[arg-type]
            short_interest=[0.0, 0.4],
            short_loss_limits=[0.01],
        )


def test_log_covering_without_root_is_refused() -> None:
    # q M = 0.2 * 5 = 1: the cost equation F = q C (1 + e^{M F / C}) / 2 has no root
    # (ln(2 / (q M)) < 1 + q M / 2, worked by hand), and at F = q C the slope
    # 1 - q M e^{q M} / 2 = 1 - e / 2 < 0
    with pytest.raises(InputError, match=r"has no finite cost under log impact"):
        simulate_flows(
            [100.0],
            n_steps=1,
            passive_flows=2.0,
            impact="log",
            short_interest=0.2,
            short_loss_limits=[0.01],
        )


@pytest.mark.parametrize(("q", "scale"), [(0.1, 1.0), (0.1, 1e-12), (0.11, 1.0)])
def test_log_covering_cost_solves_the_midpoint_equation(q: float, scale: float) -> None:
    # one tranche of q at M = 5, log impact; the money paid against brentq. q M = 0.5: a root
    # exists (ln 4 > 1 + 0.25), checked at an ordinary scale and with every cap and flow
    # scaled by 1e-12 (the model is scale-free, so the money scales too). q M = 0.55 is close
    # to the largest q M with a root (ln(2/0.55) = 1.291 > 1.275), where the cost equation is
    # nearly tangent: a wrong Newton slope no longer converges within the iteration cap.
    caps = [100.0 * scale]
    ref = _reference(caps, n_steps=1, flows=2.0 * scale, impact="log", s0=[q], stops=[0.01])
    res = simulate_flows(
        caps,
        n_steps=1,
        passive_flows=2.0 * scale,
        impact="log",
        short_interest=q,
        short_loss_limits=[0.01],
    )
    assert ref["iters"][1] == 1
    np.testing.assert_allclose(res.short_covering_flow, ref["short"], rtol=1e-12, atol=0.0)
    np.testing.assert_allclose(res.caps, ref["caps"], rtol=1e-12)


def test_loss_exactly_at_the_stop_covers() -> None:
    # "covered when the loss reaches its stop": 100 + 5 * 5 = 125, loss 0.25 exactly (binary
    # exact), stop 0.25; the cover of q = 0.1 costs 0.1 * 125 / (1 - 0.25) (linear, by hand)
    res = simulate_flows(
        [100.0], n_steps=1, passive_flows=5.0, short_interest=0.1, short_loss_limits=[0.25]
    )
    assert res.cascade_iterations[1] == 1
    assert res.short_covering_flow[1, 0] == pytest.approx(12.5 / 0.75, rel=1e-14)


def test_short_interest_without_stops_never_covers() -> None:
    # short_loss_limits=None: shorts stay open whatever the price does
    res = simulate_flows([100.0, 50.0], n_steps=2, passive_flows=30.0, short_interest=[0.05, 0.02])
    np.testing.assert_array_equal(res.short_interest, [[0.05, 0.02]] * 3)
    assert not res.short_covering_flow.any()
    np.testing.assert_allclose(res.caps[1], np.array([100.0, 50.0]) * (1 + 5 * 30 / 150))


def test_cascade_iterations_are_integers() -> None:
    # documented as "ndarray of int"
    res = simulate_flows([100.0], n_steps=1)
    assert res.cascade_iterations.dtype.kind == "i"


def test_no_news_leaves_a_passed_generator_untouched() -> None:
    # volatility 0 draws nothing: the caller's Generator gives the same next draw as a fresh one
    rng = np.random.default_rng(5)
    simulate_flows([100.0, 50.0], n_steps=3, passive_flows=1.0, seed=rng)
    assert rng.standard_normal() == np.random.default_rng(5).standard_normal()


def test_holdings_above_shares_available() -> None:
    # h = aum * a / C = 60 * 0.5 / [100, 50] = [0.3, 0.6]; with passive 0.5: [0.8, 1.1];
    # short interest 0.05 adds shares: 1.1 - 0.05 = 1.05 > 1 for asset 'B'
    caps = pd.Series([100.0, 50.0], index=["A", "B"])
    kw: dict[str, Any] = {"n_steps": 1, "active_weights": [1.0, 1.0], "passive_share": 0.5}
    with pytest.raises(
        InputError,
        match=r"^passive_share \+ active holdings exceed the shares available for asset 'B' "
        r"\(1.1 of shares outstanding, short interest 0.05\); lower active_aum or passive_share$",
    ):
        simulate_flows(caps, active_aum=60.0, short_interest=0.05, **kw)
    # exactly all shares (0.5 + 0.5) is allowed; short interest makes room for 1.04
    simulate_flows(caps, active_aum=50.0, **kw)
    simulate_flows(caps, active_aum=52.0, short_interest=0.04, **kw)
    with pytest.raises(InputError, match="exceed the shares available for asset 'B'"):
        simulate_flows(caps, active_aum=50.0001, **kw)


BAD: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"n_steps": 0}, InputError, r"^n_steps must be >= 1, got 0$"),
    ({"passive_flows": [1.0, 2.0, 3.0]}, InputError, r"^passive_flows must be a scalar or "),
    ({"passive_flows": [1.0, np.nan]}, InputError, r"^passive_flows has 1 NaN"),
    ({"passive_flows": np.nan}, InputError, r"^passive_flows has 1 NaN"),
    (
        # a Series of flows keeps its labels for the message (the per-step label, then position)
        {"passive_flows": pd.Series([1.0, np.nan], index=["q1", "q2"])},
        InputError,
        r"^passive_flows has 1 NaN value\(s\) where none are allowed; "
        r"first at 'q2' \(position 1\)$",
    ),
    ({"multiplier": -1.0}, InputError, r"^multiplier must be >= 0.0, got -1.0$"),
    ({"size_slope": "1"}, TypeError, r"^size_slope must be a real number, got str$"),
    ({"reference_cap": 0.0}, InputError, r"^reference_cap must be > 0.0, got 0.0$"),
    ({"impact": "cubic"}, InputError, r"^impact must be one of \['linear', 'log'\], got 'cubic'"),
    ({"passive_share": 1.0}, InputError, r"^passive_share must be < 1.0, got 1.0$"),
    ({"passive_share": -0.1}, InputError, r"^passive_share must be >= 0.0, got -0.1$"),
    ({"volatility": 10.5}, InputError, r"^volatility must be <= 10.0, got 10.5$"),
    ({"volatility": -0.1}, InputError, r"^volatility must be >= 0.0, got -0.1$"),
    ({"max_iter": 0}, InputError, r"^max_iter must be >= 1, got 0$"),
    ({"seed": -1}, InputError, r"^seed must be non-negative"),
    (
        {"active_weights": [1.0], "active_aum": 1.0},
        InputError,
        r"^active_weights must have one weight per asset of market_caps \(2\), got 1$",
    ),
    (
        {"active_weights": [1.0, np.nan], "active_aum": 1.0},
        InputError,
        r"^active_weights has 1 NaN",
    ),
    (
        {"active_weights": [1.0, -1.0], "active_aum": 1.0},
        InputError,
        r"^active_weights has 1 negative",
    ),
    (
        {"active_weights": [0.0, 0.0], "active_aum": 1.0},
        InputError,
        r"^active_weights sum to zero$",
    ),
    ({"active_weights": [1.0, 1.0]}, InputError, r"^active_aum must be > 0.0, got 0.0$"),
    (
        {"active_weights": [1.0, 1.0], "active_aum": 1.0, "idiosyncratic_vol": [0.1, 0.2, 0.3]},
        InputError,
        r"^idiosyncratic_vol must be a scalar or have one value per asset of market_caps "
        r"\(2\), got 3$",
    ),
    (
        {"active_weights": [1.0, 1.0], "active_aum": 1.0, "idiosyncratic_vol": -0.1},
        InputError,
        r"^idiosyncratic_vol has 1 negative",
    ),
    (
        {"active_weights": [1.0, 1.0], "active_aum": 1.0, "tracking_error_limit": 0.0},
        InputError,
        r"^tracking_error_limit must be > 0.0, got 0.0$",
    ),
    (
        {"tracking_error_limit": 0.02},
        InputError,
        r"^tracking_error_limit needs active_weights and active_aum$",
    ),
    (
        {"short_interest": 1.0},
        InputError,
        r"^short_interest must be below 1 \(a fraction of shares outstanding\)$",
    ),
    ({"short_interest": -0.1}, InputError, r"^short_interest has 1 negative"),
    (
        {"short_interest": [0.1, 0.1, 0.1]},
        InputError,
        r"^short_interest must be a scalar or have one value per asset of market_caps",
    ),
    ({"short_loss_limits": [0.1, 0.0]}, InputError, r"^short_loss_limits must be strictly pos"),
    ({"short_loss_limits": [0.1, np.nan]}, InputError, r"^short_loss_limits has 1 NaN"),
    ({"short_loss_limits": [[0.1]]}, InputError, r"^short_loss_limits must be 1-D"),
    ({"passive_flows": [[1.0, 2.0]]}, InputError, r"^passive_flows must be 1-D"),
    (
        {"active_weights": [[1.0, 1.0]], "active_aum": 1.0},
        InputError,
        r"^active_weights must be 1-D",
    ),
    ({"market_caps": [1.0, np.nan]}, InputError, r"^market_caps has 1 NaN"),
    ({"market_caps": [[1.0, 2.0]]}, InputError, r"^market_caps must be 1-D"),
]


@pytest.mark.parametrize(("kwargs", "exc", "match"), BAD)
def test_bad_inputs_name_the_argument(
    kwargs: dict[str, Any], exc: type[Exception], match: str
) -> None:
    # kills the argument-name and bound mutants of every check in simulate_flows
    args: dict[str, Any] = {"market_caps": [100.0, 50.0], "n_steps": 2}
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        simulate_flows(**args)


def test_boundary_values_are_accepted() -> None:
    # the inclusive ends of the documented ranges: volatility 10, multiplier 0, passive_share 0
    res = simulate_flows([100.0, 50.0], n_steps=1, volatility=10.0, seed=0)
    assert np.isfinite(res.caps).all()
    still = simulate_flows([100.0, 50.0], n_steps=1, passive_flows=5.0, multiplier=0.0)
    np.testing.assert_array_equal(still.caps[1], [100.0, 50.0])


def test_series_labels_must_match_each_per_asset_input() -> None:
    # kills the _check_labels mutants: the message names the offending argument; arrays and
    # Series on the same labels pass
    caps = pd.Series([300.0, 100.0], index=["A", "B"])
    swapped = pd.Series([0.01, 0.02], index=["B", "A"])
    with pytest.raises(
        InputError,
        match=r"^active_weights and market_caps have different asset labels \(or order\); "
        r"reindex active_weights to market_caps.index first$",
    ):
        simulate_flows(caps, n_steps=1, active_weights=swapped, active_aum=1.0)
    with pytest.raises(InputError, match=r"^idiosyncratic_vol and market_caps have different"):
        simulate_flows(
            caps, n_steps=1, active_weights=[1.0, 1.0], active_aum=1.0, idiosyncratic_vol=swapped
        )
    same = swapped.reindex(caps.index)
    simulate_flows(caps, n_steps=1, active_weights=same, active_aum=1.0, idiosyncratic_vol=same)
    simulate_flows([300.0, 100.0], n_steps=1, active_weights=same, active_aum=1.0)
    simulate_flows(caps, n_steps=1, active_weights=[0.5, 0.5], active_aum=1.0)


# --------------------------------------------------------------------------- scenarios
def test_illustrative_scenarios_settings_by_hand() -> None:
    # kills the illustrative_scenarios mutants: every setting from the documented recipe
    caps = np.array([60.0, 30.0, 10.0])
    sc = illustrative_scenarios(caps)
    assert list(sc) == [
        "passive, common M",
        "passive, M grows with size (b=0.5)",
        "passive + capitulation, common M",
        "passive + short covering, common M",
        "all together (b=0.5)",
    ]
    base = {
        "n_steps": 40,
        "passive_flows": 0.5,  # 0.005 x 100
        "multiplier": 5.0,
        "reference_cap": 30.0,  # median cap
        "volatility": 0.04,
    }
    tilt = caps**0.8 / (caps**0.8).sum()
    te0 = 0.3 * math.sqrt(sum((tilt[i] - caps[i] / 100.0) ** 2 for i in range(3)))
    assert sc["passive, common M"] == base
    assert sc["passive, M grows with size (b=0.5)"] == {**base, "size_slope": 0.5}
    cap = sc["passive + capitulation, common M"]
    assert set(cap) == {
        *base,
        "active_weights",
        "active_aum",
        "tracking_error_limit",
        "idiosyncratic_vol",
    }
    np.testing.assert_allclose(cap["active_weights"], tilt, rtol=1e-14)
    assert cap["active_aum"] == pytest.approx(3.0, rel=1e-15)
    assert cap["tracking_error_limit"] == pytest.approx(1.02 * te0, rel=1e-13)
    assert cap["idiosyncratic_vol"] == 0.3
    short = sc["passive + short covering, common M"]
    assert short == {**base, "short_interest": 0.03, "short_loss_limits": [0.25, 0.5, 1.0]}
    together = sc["all together (b=0.5)"]
    assert set(together) == set(cap) | set(short) | {"size_slope"}
    assert together["size_slope"] == 0.5
    assert together["short_interest"] == 0.03
    assert together["tracking_error_limit"] == cap["tracking_error_limit"]
    assert illustrative_scenarios(caps, n_steps=3)["all together (b=0.5)"]["n_steps"] == 3


def test_illustrative_scenarios_series_and_bad_inputs() -> None:
    caps = pd.Series([60.0, 30.0, 10.0], index=["a", "b", "c"])
    aw = illustrative_scenarios(caps)["passive + capitulation, common M"]["active_weights"]
    assert isinstance(aw, pd.Series)
    assert list(aw.index) == ["a", "b", "c"]
    plain = illustrative_scenarios(caps.to_numpy())["all together (b=0.5)"]["active_weights"]
    assert isinstance(plain, np.ndarray)
    with pytest.raises(InputError, match=r"^n_steps must be >= 1, got 0$"):
        illustrative_scenarios(caps, n_steps=0)
    with pytest.raises(InputError, match=r"^market_caps must be strictly positive"):
        illustrative_scenarios([1.0, 0.0])
    with pytest.raises(InputError, match=r"^market_caps has 1 NaN"):
        illustrative_scenarios([1.0, np.nan])
    with pytest.raises(InputError, match=r"^market_caps must be 1-D"):
        illustrative_scenarios([[1.0, 2.0]])


def test_scenario_effective_n_is_the_mean_over_seeds() -> None:
    # kills the scenario_effective_n mutants: the documented mean over seeds 0 .. n_seeds-1
    # (default 10) of 1/HHI, HHI = sum of squared weights computed here from the caps
    caps = [50.0, 30.0, 20.0]
    kw: dict[str, Any] = {"n_steps": 2, "passive_flows": 1.0, "size_slope": 0.5, "volatility": 0.1}
    sc = {"news": kw, "calm": {"n_steps": 2}}

    def eff(seed: int) -> np.ndarray:
        c = simulate_flows(caps, seed=seed, **kw).caps
        w = c / c.sum(axis=1, keepdims=True)
        return np.asarray(1.0 / (w**2).sum(axis=1), dtype=np.float64)

    out = scenario_effective_n(caps, sc)
    assert list(out.columns) == ["news", "calm"]
    assert out.index.name == "step"
    assert list(out.index) == [0, 1, 2]
    np.testing.assert_allclose(out["news"], np.mean([eff(s) for s in range(10)], axis=0))
    # equal weights 0.5/0.3/0.2: 1/(0.25 + 0.09 + 0.04)
    np.testing.assert_allclose(out["calm"], 1.0 / 0.38, rtol=1e-14)
    two = scenario_effective_n(caps, sc, n_seeds=2)
    np.testing.assert_allclose(two["news"], np.mean([eff(0), eff(1)], axis=0), rtol=1e-14)


def test_scenario_effective_n_polars_in_polars_out() -> None:
    pl = pytest.importorskip("polars")
    out = scenario_effective_n(pl.Series([50.0, 50.0]), {"s": {"n_steps": 1}}, n_seeds=1)
    assert isinstance(out, pl.DataFrame)
    assert out.columns == ["step", "s"]
    assert out["s"].to_list() == [2.0, 2.0]


def test_scenario_effective_n_bad_inputs() -> None:
    caps = [50.0, 50.0]
    with pytest.raises(TypeError, match=r"^scenarios must be a mapping of name -> keyword"):
        scenario_effective_n(caps, [{"n_steps": 1}])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^scenarios must be a mapping of name -> keyword"):
        scenario_effective_n(caps, {"a": [("n_steps", 1)]})  # type: ignore[dict-item]
    with pytest.raises(InputError, match=r"^scenarios is empty$"):
        scenario_effective_n(caps, {})
    with pytest.raises(InputError, match=r"^n_seeds must be >= 1, got 0$"):
        scenario_effective_n(caps, {"a": {"n_steps": 1}}, n_seeds=0)
    with pytest.raises(
        InputError, match=r"^every scenario must set the same n_steps, got \['1', '2'\]$"
    ):
        scenario_effective_n(caps, {"a": {"n_steps": 1}, "b": {"n_steps": 2}})
    with pytest.raises(
        InputError, match=r"^every scenario must set the same n_steps, got \['None'\]$"
    ):
        scenario_effective_n(caps, {"a": {"passive_flows": 1.0}})
    with pytest.raises(InputError, match=r"^every scenario must set the same n_steps, got \['1',"):
        scenario_effective_n(caps, {"a": {"n_steps": 1}, "b": {}})
    with pytest.raises(
        InputError, match=r"^scenarios must not set seed \(n_seeds chooses the seeds\)$"
    ):
        scenario_effective_n(caps, {"a": {"n_steps": 1}, "b": {"n_steps": 1, "seed": 3}})
    with pytest.raises(InputError, match=r"^n_steps must be >= 1, got 0$"):
        scenario_effective_n(caps, {"a": {"n_steps": 0}})
    # n_steps is checked up front, before any simulation looks at the caps
    with pytest.raises(InputError, match=r"^n_steps must be >= 1, got 0$"):
        scenario_effective_n([-1.0, 1.0], {"a": {"n_steps": 0}})


@pytest.mark.parametrize(
    ("caps", "flow", "trade", "after"),
    [
        # M = 5 (the default multiplier): 1e-50 * exp(5 * 0.5 / 1e-50) and 1 * exp(5 * 200)
        # overflow to inf; 1 * exp(5 * -1e6) underflows to 0
        (1e-50, 0.5, "a purchase of 0.5", "inf"),
        (1.0, 200.0, "a purchase of 200", "inf"),
        (1.0, -1e6, "a sale of 1e+06", "0"),
    ],
)
def test_log_impact_out_of_float_range_message(
    caps: float, flow: float, trade: str, after: str
) -> None:
    # session 10: kills the trade/why/advice wording mutants of _Market._new_caps and the
    # errstate of its exp (an overflow RuntimeWarning would fail the test before the error)
    assert math.exp(-5.0 * 1e6) == 0.0 and math.log(np.finfo(float).max) < 5.0 * 200.0
    expected = (
        f"{trade} pushes the cap of asset 0 to {after} at step 1 (log impact: exp(M*flow/cap) "
        "leaves the float range); use smaller passive_flows or active_aum, a smaller "
        "multiplier or size_slope"
    )
    with pytest.raises(InputError, match="^" + re.escape(expected) + "$"):
        simulate_flows([caps], n_steps=1, passive_flows=flow, impact="log")
