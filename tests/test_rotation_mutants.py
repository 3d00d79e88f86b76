"""Assertions the mutation run of divergence.rotation showed missing.

Each test pins a behaviour that a surviving mutant changed (see the record in
``docs/_data/mutation/rotation.json``); the comment or docstring of each test names the mutant
family it kills. Reference values are worked by hand from the documented formulas, or come from
the simple loop implementations written below (plain numpy, one period at a time), which share
no code with the library.
"""

from __future__ import annotations

import datetime
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from divergence import rotation as rot
from divergence.errors import InputError, UnitWarning

UNSORTED = pd.DatetimeIndex(["2024-03-31", "2024-01-31", "2024-02-29"])


# --------------------------------------------------------------------------- sector_returns
def test_sector_columns_are_sorted_labels() -> None:
    # factorize(sort=True) mutants: sectors first seen as "b" then "a" come out as a, b
    caps = np.array([[1.0, 3.0, 1.0], [1.0, 1.0, 1.0]])
    rets = np.array([[np.nan] * 3, [0.02, 0.04, 0.01]])
    out = rot.sector_returns(pd.DataFrame(rets), pd.DataFrame(caps), ["b", "a", "b"])
    assert list(out.columns) == ["a", "b"]
    # closed form: a = 0.04; b = (1 * 0.02 + 1 * 0.01) / 2 = 0.015
    np.testing.assert_allclose(out.iloc[1].to_numpy(), [0.04, 0.015], rtol=1e-14)
    assert out.iloc[0].isna().all()


def test_incomparable_sector_labels_keep_first_appearance_order() -> None:
    # the except-TypeError branch (factorize sort=False): a date, a str and an int cannot be
    # sorted together, so the sectors come out in order of first appearance
    caps = np.ones((2, 4))
    rets = np.array([[np.nan] * 4, [0.01, 0.02, 0.03, 0.05]])
    day = datetime.date(2020, 1, 1)
    out = rot.sector_returns(pd.DataFrame(rets), pd.DataFrame(caps), [day, "b", 1, "b"])
    assert list(out.columns) == [day, "b", 1]
    # closed form: equal caps, so b = (0.02 + 0.05) / 2
    np.testing.assert_allclose(out.iloc[1].to_numpy(), [0.01, 0.035, 0.03], rtol=1e-14)


def test_caps_below_one_and_zero_caps() -> None:
    # fmax(m0, 0.0) / den > 0 mutants: caps under 1 weigh as they are; a sector whose present
    # caps are all zero has no return (NaN), not 0/0
    caps = np.array([[0.3, 0.1, 0.0], [0.5, 0.5, 0.2]])
    rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.05]])
    out = rot.sector_returns(rets, caps, ["a", "a", "z"])
    # closed form: (0.3 * 0.10 + 0.1 * -0.10) / 0.4 = 0.05
    np.testing.assert_allclose(out[1, 0], 0.05, rtol=1e-14)
    assert np.isnan(out[1, 1])
    w = rot.sector_weights(rets, caps, ["a", "a", "z"])
    np.testing.assert_allclose(w[1], [1.0, np.nan], rtol=1e-14)  # a holds all the cap
    assert np.isnan(w[0]).all()


def test_single_period_panel_is_all_nan() -> None:
    # t_len > 1 mutants: one row has no start-of-period caps at all
    out = rot.sector_returns(np.array([[0.01, 0.02]]), np.array([[1.0, 2.0]]), ["a", "b"])
    assert out.shape == (1, 2)
    assert np.isnan(out).all()


def test_two_period_hand_example_with_missing_values() -> None:
    # omit: a missing cap at t-1 or a missing return at t drops the name (closed form)
    caps = np.array([[2.0, np.nan, 1.0, 4.0], [1.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]])
    rets = np.array([[np.nan] * 4, [0.10, 0.50, np.nan, 0.02], [0.01, 0.02, 0.03, np.nan]])
    sec = ["a", "a", "b", "b"]
    omit = rot.sector_returns(rets, caps, sec)
    np.testing.assert_allclose(omit[1], [0.10, 0.02], rtol=1e-14)
    np.testing.assert_allclose(omit[2], [0.015, 0.03], rtol=1e-14)
    # propagate: a sector is NaN when any of its names lacks a return or a start cap
    prop = rot.sector_returns(rets, caps, sec, nan_policy="propagate")
    assert np.isnan(prop[1]).all()  # a: missing cap at t-1 only; b: missing return only
    np.testing.assert_allclose(prop[2, 0], 0.015, rtol=1e-14)
    assert np.isnan(prop[2, 1])
    # weights under omit (closed form): row 1 caps present a = 2, b = 4
    w = rot.sector_weights(rets, caps, sec)
    np.testing.assert_allclose(w[1], [2.0 / 6.0, 4.0 / 6.0], rtol=1e-14)
    np.testing.assert_allclose(w[2], [2.0 / 3.0, 1.0 / 3.0], rtol=1e-14)


def test_sector_weights_propagate_blanks_whole_rows() -> None:
    # _absent_rows and the propagate branch of sector_weights: one missing return or start cap
    # anywhere leaves the total cap unknown, so every sector's weight in that row is NaN
    caps = np.array(
        [[1.0, 2.0, 3.0], [1.0, np.nan, 3.0], [1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [2.0, 2.0, 4.0]]
    )
    rets = np.array(
        [[np.nan] * 3, [0.01, 0.01, 0.01], [0.01, 0.01, 0.01], [0.01, np.nan, 0.01], [0.0] * 3]
    )
    sec = ["a", "b", "b"]
    w = rot.sector_weights(rets, caps, sec, nan_policy="propagate")
    assert w.shape == (5, 2)
    assert np.isnan(w[0]).all()
    np.testing.assert_allclose(w[1], [1.0 / 6.0, 5.0 / 6.0], rtol=1e-14)
    assert np.isnan(w[2]).all()  # cap of name 1 missing at t-1
    assert np.isnan(w[3]).all()  # return of name 1 missing at t
    np.testing.assert_allclose(w[4], [1.0 / 6.0, 5.0 / 6.0], rtol=1e-14)
    # omit keeps the present names (closed form)
    omit = rot.sector_weights(rets, caps, sec)
    np.testing.assert_allclose(omit[2], [0.25, 0.75], rtol=1e-14)
    np.testing.assert_allclose(omit[3], [0.25, 0.75], rtol=1e-14)
    # a DataFrame gives the labels back as columns
    df = rot.sector_weights(pd.DataFrame(rets), pd.DataFrame(caps), sec, nan_policy="propagate")
    assert list(df.columns) == ["a", "b"]
    np.testing.assert_allclose(df.to_numpy(), w, rtol=1e-14)


def test_sector_messages() -> None:
    # string mutants of the sectors / unmapped / nan_policy messages (full text pinned)
    r = np.array([[np.nan, np.nan, np.nan], [0.01, 0.02, 0.03]])
    c = np.ones((2, 3))
    with pytest.raises(
        InputError,
        match=r"^sectors has no sector for 2 column\(s\) of returns; first 1\. Complete the "
        r"mapping, or pass unmapped='group' \(own group 'unmapped'\) or unmapped='drop' "
        r"\(leave them out\)\.$",
    ):
        rot.sector_returns(r, c, ["a", None, None])
    cols = ["x", "y", "z"]
    with pytest.raises(InputError, match=r"^sectors has no sector for 2 column\(s\).*first 'x'\."):
        rot.sector_returns(pd.DataFrame(r, columns=cols), pd.DataFrame(c, columns=cols), {"y": 1})
    with pytest.raises(
        InputError,
        match=r"^sectors already uses the label 'unmapped', which unmapped='group' gives the "
        r"names without a sector; rename that sector or pass unmapped='drop'$",
    ):
        rot.sector_returns(r, c, ["unmapped", None, "b"], unmapped="group")
    with pytest.raises(InputError, match=r"^sectors maps no column of returns to a sector$"):
        rot.sector_returns(r, c, [None, None, None], unmapped="drop")
    with pytest.raises(
        InputError, match=r"^sectors must give one label per column of returns \(3\), got 2$"
    ):
        rot.sector_returns(r, c, ["a", "b"])
    with pytest.raises(
        TypeError,
        match=r"^sectors must be a mapping, a Series or a sequence of labels, got a string$",
    ):
        rot.sector_returns(r, c, "abc")  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^sectors must be a mapping, a Series or a sequence of labels, got float$"
    ):
        rot.sector_returns(r, c, 3.0)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^sectors lists 'q' more than once$"):
        rot.sector_returns(r, c, pd.Series(["a", "b", "c", "d"], index=[0, "q", "q", 1]))
    # an integer key repeated in an int64 index reads as a plain number, not np.int64(1)
    with pytest.raises(InputError, match=r"^sectors lists 1 more than once$"):
        rot.sector_returns(r, c, pd.Series(["a", "b", "c"], index=np.array([0, 1, 1])))
    with pytest.raises(InputError, match=r"^unmapped must be one of \['raise', 'group', 'drop'\]"):
        rot.sector_returns(r, c, ["a", "b", "c"], unmapped="x")  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"^nan_policy must be one of \['omit', 'propagate', 'raise'\]"
    ):
        rot.sector_weights(r, c, ["a", "b", "c"], nan_policy="x")  # type: ignore[arg-type]


def test_unmapped_group_and_drop_by_hand() -> None:
    # "group" gathers the names without a sector in "unmapped"; "drop" leaves them out; a
    # sector coded 0 is kept under "drop" (codes >= 0)
    caps = np.array([[1.0, 1.0, 3.0], [1.0, 1.0, 1.0]])
    rets = np.array([[np.nan] * 3, [0.02, 0.04, 0.08]])
    grouped = rot.sector_returns(
        pd.DataFrame(rets), pd.DataFrame(caps), ["a", None, None], unmapped="group"
    )
    assert list(grouped.columns) == ["a", "unmapped"]
    # closed form: unmapped = (1 * 0.04 + 3 * 0.08) / 4 = 0.07
    np.testing.assert_allclose(grouped.iloc[1].to_numpy(), [0.02, 0.07], rtol=1e-14)
    dropped = rot.sector_returns(
        pd.DataFrame(rets), pd.DataFrame(caps), {0: "a", 2: "b"}, unmapped="drop"
    )
    assert list(dropped.columns) == ["a", "b"]
    np.testing.assert_allclose(dropped.iloc[1].to_numpy(), [0.02, 0.08], rtol=1e-14)
    w = rot.sector_weights(rets, caps, ["a", None, "b"], unmapped="drop")
    np.testing.assert_allclose(w[1], [0.25, 0.75], rtol=1e-14)


def test_panel_checks_name_the_panel() -> None:
    # as_array name / time_ordered / nan_policy="raise" mutants of _sector_sums
    good = np.zeros((3, 2))
    caps = np.ones((3, 2))
    df = pd.DataFrame(good, index=UNSORTED)
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        rot.sector_returns(df, caps, ["a", "b"])
    with pytest.raises(InputError, match=r"^market_caps dates are not in increasing order"):
        rot.sector_returns(good, df + 1.0, ["a", "b"])
    holes = caps.copy()
    holes[0, 1] = np.nan
    with pytest.raises(InputError, match=r"^market_caps has 1 NaN value\(s\) and nan_policy"):
        rot.sector_returns(good, holes, ["a", "b"], nan_policy="raise")
    with pytest.raises(InputError, match=r"^returns must be 2-D"):
        rot.sector_returns(np.zeros(3), np.ones(3), ["a"])
    with pytest.raises(InputError, match=r"^market_caps must be 2-D"):
        rot.sector_returns(good, np.ones(3), ["a", "b"])
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude"):
        rot.sector_returns(np.full((3, 2), 0.9), caps, ["a", "b"])


# --------------------------------------------------------------------------- relative_performance
def test_relative_performance_messages() -> None:
    r = np.array([0.1, -1.5, 0.0])
    with pytest.raises(
        InputError,
        match=r"^returns has 1 value\(s\) below -1; first at position 1\. "
        r"Pass simple decimal returns\.$",
    ):
        rot.relative_performance(r, [0.0, 0.0, 0.0])
    with pytest.raises(InputError, match=r"^benchmark has 2 value\(s\) below -1; first at"):
        rot.relative_performance([0.0, 0.0, 0.0], [0.0, -2.0, -3.0])
    with pytest.raises(
        InputError,
        match=r"^benchmark is -1 \(a total loss\) at position 1; relative wealth is undefined "
        r"after it$",
    ):
        rot.relative_performance([0.1, 0.2, 0.0], [0.0, -1.0, 0.0], cumulative=True)
    with pytest.raises(TypeError, match=r"^cumulative must be True or False, got int$"):
        rot.relative_performance([0.1], [0.0], cumulative=2)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^benchmark dates are not in increasing order"):
        rot.relative_performance(np.zeros(3), pd.Series(np.zeros(3), index=UNSORTED))
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        rot.relative_performance(pd.Series(np.zeros(3), index=UNSORTED), np.zeros(3))
    with pytest.raises(InputError, match=r"^returns must be 1-D or 2-D"):
        rot.relative_performance(np.zeros((3, 1, 1)), np.zeros(3))
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude"):
        rot.relative_performance([5.0, 6.0], [0.0, 0.0])
    with pytest.warns(UnitWarning, match=r"^benchmark has a median magnitude"):
        rot.relative_performance([0.0, 0.0], [5.0, 6.0])


def test_relative_performance_total_loss_and_overflow() -> None:
    # returns of -1 (a total loss) compound to relative wealth 0: -1 from then on (closed form)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # log1p(-1) must not warn (errstate divide mutants)
        out = rot.relative_performance([0.1, -1.0, 0.5], [0.0, 0.0, 0.0], cumulative=True)
    np.testing.assert_allclose(out, [0.1, -1.0, -1.0], rtol=1e-14)
    # 1e99 per period: ln(1e99) = 228 per step, so wealth overflows at the 4th big step
    r = np.r_[np.zeros(5), np.full(4, 1e99)]
    with pytest.raises(
        InputError,
        match=r"^returns compound to relative wealth beyond float range \(above 1e308\) in 1 "
        r"value\(s\); first at position 8\. Check the units\.$",
    ):
        rot.relative_performance(r, np.zeros(9), cumulative=True)
    # three big steps stay within range: exp(3 * ln(1 + 1e99)) - 1 = 1e297 (closed form)
    ok = rot.relative_performance(r[:8], np.zeros(8), cumulative=True)
    assert ok[-1] == pytest.approx(1e297, rel=1e-12)


def test_relative_performance_panel_against_series_loop() -> None:
    # a 2-D returns panel: each column against the benchmark (b[:, None]); independent loop
    r = np.array([[0.1, 0.0], [np.nan, 0.05], [0.02, -0.1]])
    b = np.array([0.05, 0.0, np.nan])
    diff = rot.relative_performance(r, b)
    np.testing.assert_allclose(diff, r - b[:, None], rtol=1e-15)
    cum = rot.relative_performance(r, b, cumulative=True)
    for j in range(2):
        wealth_r = wealth_b = 1.0
        for t in range(3):
            if np.isnan(r[t, j]) or np.isnan(b[t]):
                assert np.isnan(cum[t, j])
                continue
            wealth_r *= 1.0 + r[t, j]
            wealth_b *= 1.0 + b[t]
            assert cum[t, j] == pytest.approx(wealth_r / wealth_b - 1.0, rel=1e-14)


# --------------------------------------------------------------------------- sector_spread
def test_sector_spread_std_edge_rows() -> None:
    # row_count >= 2 and tot > 0 mutants: two sectors suffice, one does not, zero weights do
    # not; closed form: the std of two values is half their distance
    r = np.array([[0.02, -0.02, np.nan], [0.01, np.nan, np.nan], [0.03, 0.01, 0.02]])
    out = rot.sector_spread(r)
    np.testing.assert_allclose(out[0], 0.02, rtol=1e-14)
    assert np.isnan(out[1])
    np.testing.assert_allclose(out[2], math.sqrt(2.0 / 3.0) * 0.01, rtol=1e-13)
    w = np.array([[0.0, 0.0, 1.0], [1.0, 1.0, 1.0], [1.0, 3.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wout = rot.sector_spread(r, w)
    assert np.isnan(wout[0])  # present sectors weigh nothing
    assert np.isnan(wout[1])
    # weights 1 and 3 on 0.03 and 0.01: mean 0.015, var (0.015^2 + 3 * 0.005^2) / 4
    np.testing.assert_allclose(wout[2], math.sqrt((0.015**2 + 3 * 0.005**2) / 4), rtol=1e-12)


def test_sector_spread_messages() -> None:
    r = np.array([[0.01, 0.02, 0.03], [0.0, -0.01, 0.02]])
    with pytest.raises(
        InputError, match=r"^long and short are only used with method='long_short'$"
    ):
        rot.sector_spread(r, short=[0])
    with pytest.raises(InputError, match=r"^method='long_short' needs both long and short$"):
        rot.sector_spread(r, method="long_short", long=[0])
    with pytest.raises(InputError, match=r"^method='long_short' needs both long and short$"):
        rot.sector_spread(r, method="long_short", short=[0])
    with pytest.raises(InputError, match=r"^method must be one of \['std', 'long_short'\]"):
        rot.sector_spread(r, method="x")  # type: ignore[arg-type]
    with pytest.raises(
        InputError, match=r"^sector_returns has 1 value\(s\) below -1; first at row 1, column 2$"
    ):
        rot.sector_spread(np.array([[0.0, 0.0, 0.0], [0.0, 0.0, -1.5]]))
    with pytest.raises(InputError, match=r"^weights has 1 negative value"):
        rot.sector_spread(r, np.array([[1.0, 1.0, 1.0], [1.0, -1.0, 1.0]]))
    with pytest.raises(InputError, match=r"same shape"):
        rot.sector_spread(r, np.ones((2, 2)))
    with pytest.raises(InputError, match=r"^sector_returns must be 2-D"):
        rot.sector_spread(np.zeros(3))
    with pytest.raises(InputError, match=r"^weights must be 2-D"):
        rot.sector_spread(r, np.ones(3))
    with pytest.warns(UnitWarning, match=r"^sector_returns has a median magnitude"):
        rot.sector_spread(np.full((2, 2), 0.9))


def test_sector_spread_long_short_legs() -> None:
    # equal weights by default; a leg with no sector present is NaN (closed forms)
    df = pd.DataFrame(
        {"A": [0.02, np.nan, 0.01], "B": [0.04, np.nan, 0.0], "C": [0.01, 0.03, np.nan]},
        index=pd.date_range("2024-01-31", periods=3, freq="ME"),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rot.sector_spread(df, method="long_short", long=["A", "B"], short=["C"])
    assert out.name == "sector_spread"
    assert out.index.equals(df.index)
    np.testing.assert_allclose(out.iloc[0], 0.03 - 0.01, rtol=1e-13)
    assert np.isnan(out.iloc[1])  # the long leg has nothing
    assert np.isnan(out.iloc[2])  # the short leg has nothing
    # zero weights on a present leg: NaN, not a division by zero
    w = pd.DataFrame(np.ones((3, 3)), index=df.index, columns=df.columns)
    w.loc[w.index[0], "C"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        zero = rot.sector_spread(df, w, method="long_short", long=["A", "B"], short=["C"])
    assert np.isnan(zero.iloc[0])
    std = rot.sector_spread(df)
    assert std.name == "sector_spread"


def test_positions_messages() -> None:
    # _positions: every message with its argument name, and the 0 <= position < n bounds
    r = np.array([[0.01, 0.02, 0.03]])
    ls = {"method": "long_short"}
    with pytest.raises(
        TypeError,
        match=r"^long must be a sequence \(list, tuple, Index\) of column labels, got str$",
    ):
        rot.sector_spread(r, long="a", short=[0], **ls)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"^short must be a sequence \(list, tuple, Index\) of column labels, got int$",
    ):
        rot.sector_spread(r, long=[0], short=1, **ls)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^long must name at least one column$"):
        rot.sector_spread(r, long=[], short=[0], **ls)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^short position 3 is outside 0\.\.2$"):
        rot.sector_spread(r, long=[0], short=[3], **ls)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^short position -1 is outside 0\.\.2$"):
        rot.sector_spread(r, long=[0], short=[-1], **ls)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^long must hold integer column positions for an array input$"
    ):
        rot.sector_spread(r, long=[True], short=[0], **ls)  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match=r"^long must hold integer column positions for an array input$"
    ):
        rot.sector_spread(r, long=["a"], short=[0], **ls)  # type: ignore[arg-type]
    # the edge positions 0 and n - 1 are accepted
    edge = rot.sector_spread(r, long=[0], short=[2], **ls)  # type: ignore[arg-type]
    np.testing.assert_allclose(edge, [0.01 - 0.03], rtol=1e-13)
    df = pd.DataFrame(r, columns=["A", "B", 7])
    with pytest.raises(
        InputError, match=r"^long names 'Z', which is not a column of sector_returns$"
    ):
        rot.sector_spread(df, long=["A", "Z", "Y"], short=["B"], **ls)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^short names 8, which is not a column of sector_"):
        rot.sector_spread(df, long=["A"], short=[7, 8], **ls)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- diagnostic
def _diagnostic_loop(
    y: np.ndarray, x: np.ndarray, window: int | None, mp: int
) -> dict[str, np.ndarray]:
    """Independent reference: one least-squares fit per period with numpy.linalg.lstsq."""
    t_len, p = x.shape
    valid = ~np.isnan(y) & ~np.isnan(x).any(axis=1)
    keys = [
        "spread",
        "mean",
        "residual",
        "r2",
        "r2_dispersion",
        "r2_fundamental",
        "regime",
        "share_dispersion",
        "share_fundamental",
        "share_residual",
        "n_obs",
    ]
    out = {k: np.full(t_len, np.nan) for k in keys}
    out["contribution"] = np.full((t_len, p), np.nan)
    out["beta"] = np.full((t_len, p), np.nan)
    for t in range(t_len):
        lo = 0 if window is None else max(0, t - window + 1)
        rows = np.arange(lo, t + 1)[valid[lo : t + 1]]
        out["n_obs"][t] = len(rows)
        if valid[t]:
            out["spread"][t] = y[t]
        if not valid[t] or len(rows) < mp:
            continue
        xs, ys = x[rows], y[rows]
        xc = xs - xs.mean(axis=0)
        yc = ys - ys.mean()
        if np.linalg.matrix_rank(xc) < p:
            continue
        b = np.linalg.lstsq(xc, yc, rcond=None)[0]
        contrib = b * (x[t] - xs.mean(axis=0))
        resid = y[t] - ys.mean() - contrib.sum()
        syy = yc @ yc
        parts = b * (xc.T @ yc) / syy
        total = np.abs(contrib).sum() + abs(resid)
        out["mean"][t] = ys.mean()
        out["contribution"][t] = contrib
        out["residual"][t] = resid
        out["r2"][t] = 1.0 - ((yc - xc @ b) @ (yc - xc @ b)) / syy
        out["r2_dispersion"][t] = parts[0]
        out["r2_fundamental"][t] = parts[1:].sum()
        out["share_dispersion"][t] = abs(contrib[0]) / total
        out["share_fundamental"][t] = np.abs(contrib[1:]).sum() / total
        out["share_residual"][t] = abs(resid) / total
        out["beta"][t] = b * xs.std(axis=0, ddof=1)
        out["regime"][t] = float(x[t, 0] > xs[:, 0].mean())
    return out


def _diag_inputs(t: int = 40, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = rng.normal(size=t)
    f = rng.normal(size=(t, 2))
    y = 0.01 + 0.5 * d + 0.3 * f[:, 0] - 0.2 * f[:, 1] + 0.4 * rng.normal(size=t)
    y[[4, 17]] = np.nan
    d[9] = np.nan
    f[22, 1] = np.nan
    return y, d, f


@pytest.mark.parametrize(("window", "mp"), [(12, 6), (None, 8)])
def test_rotation_diagnostic_every_column_against_loop(window: int | None, mp: int) -> None:
    # the whole output table against the lstsq loop: NaN in the spread, in the signal and in
    # a fundamental; kills mutants of the windowing, shares, r2 parts, betas and the regime
    y, d, f = _diag_inputs()
    out = rot.rotation_diagnostic(y, d, f, window=window, min_periods=mp)
    ref = _diagnostic_loop(y, np.column_stack([d, f]), window, mp)
    assert list(out.columns) == [
        "spread", "mean", "contribution_dispersion", "contribution_fundamental_0",
        "contribution_fundamental_1", "residual", "share_dispersion", "share_fundamental",
        "share_residual", "r2", "r2_dispersion", "r2_fundamental", "beta_dispersion",
        "beta_fundamental_0", "beta_fundamental_1", "regime", "n_obs",
    ]  # fmt: skip
    assert isinstance(out.index, pd.RangeIndex)
    kw = {"rtol": 1e-9, "atol": 1e-12}
    for key in (
        "spread",
        "mean",
        "residual",
        "r2",
        "r2_dispersion",
        "r2_fundamental",
        "share_dispersion",
        "share_fundamental",
        "share_residual",
        "regime",
        "n_obs",
    ):
        np.testing.assert_allclose(out[key].to_numpy(), ref[key], **kw, err_msg=key)
    names = ["dispersion", "fundamental_0", "fundamental_1"]
    for k, name in enumerate(names):
        np.testing.assert_allclose(out[f"contribution_{name}"], ref["contribution"][:, k], **kw)
        np.testing.assert_allclose(out[f"beta_{name}"], ref["beta"][:, k], **kw)
    assert out["r2"].notna().sum() > 5


def test_rotation_diagnostic_low_orientation_flips_regime() -> None:
    # dispersion_when="low": the signal is negated, so the regime flag is x_t < mean (loop)
    y, d, f = _diag_inputs(seed=4)
    out = rot.rotation_diagnostic(y, d, f, window=12, min_periods=6, dispersion_when="low")
    ref = _diagnostic_loop(y, np.column_stack([-d, f]), 12, 6)
    np.testing.assert_allclose(out["regime"].to_numpy(), ref["regime"], atol=0)
    np.testing.assert_allclose(out["beta_dispersion"], ref["beta"][:, 0], rtol=1e-9)


def test_rotation_diagnostic_default_min_periods() -> None:
    # default min_periods: the window, or min(60, rows) for an expanding window
    rng = np.random.default_rng(5)
    d = rng.normal(size=70)
    y = 0.3 * d + rng.normal(size=70)  # no gaps
    exp = rot.rotation_diagnostic(y, d)
    assert exp["r2"].iloc[:59].isna().all()
    assert exp["r2"].iloc[59:].notna().all()
    short = rot.rotation_diagnostic(y[:40], d[:40])
    assert short["r2"].iloc[:39].isna().all()
    assert short["r2"].iloc[39:].notna().all()
    win = rot.rotation_diagnostic(y, d, window=10)
    assert win["r2"].iloc[:9].isna().all()
    assert win["r2"].iloc[9:].notna().all()
    # min_periods equal to the window / to the data is allowed
    np.testing.assert_array_equal(
        rot.rotation_diagnostic(y, d, window=10, min_periods=10)["r2"].isna(), win["r2"].isna()
    )
    full = rot.rotation_diagnostic(y[:20], d[:20], min_periods=20)
    assert full["r2"].notna().sum() == 1


def test_rotation_diagnostic_messages() -> None:
    y, d, f = _diag_inputs(t=30)
    y, d, f = y[:12], d[:12], f[:12]  # NaN only at rows 4 and 9
    with pytest.raises(
        InputError, match=r"^min_periods \(default 3\) must be >= 4 for 2 regressor\(s\)$"
    ):
        rot.rotation_diagnostic(y, d, f[:, 0], window=3)
    with pytest.raises(InputError, match=r"^min_periods \(default 3\) must be >= 4 for 2 "):
        rot.rotation_diagnostic(y[:3], d[:3], f[:3, 0])  # expanding: min(60, 3)
    with pytest.raises(InputError, match=r"^min_periods must be >= 4, got 3$"):
        rot.rotation_diagnostic(y, d, f[:, 0], min_periods=3)
    with pytest.raises(
        InputError,
        match=r"^min_periods=6 is longer than the window \(window=5\): 5 observations$",
    ):
        rot.rotation_diagnostic(y, d, window=5, min_periods=6)
    with pytest.raises(
        InputError, match=r"^min_periods=13 is longer than the data: 12 observations$"
    ):
        rot.rotation_diagnostic(y, d, min_periods=13)
    with pytest.raises(InputError, match=r"^dispersion_when must be one of \['high', 'low'\]"):
        rot.rotation_diagnostic(y, d, dispersion_when="up")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^spread needs at least 3 entries along its last axi"):
        rot.rotation_diagnostic(y[:2], d[:2])
    # the labels 1 and "1" are distinct columns but the same output name
    for cols in ([1, "1"], ["dispersion", "x"]):
        frame = pd.DataFrame(np.column_stack([d, d]), columns=cols)
        with pytest.raises(
            InputError,
            match=r"^fundamentals must have distinct column names, none of them 'dispersion'$",
        ):
            rot.rotation_diagnostic(y, d, frame)
    with pytest.raises(InputError, match=r"^fundamentals must have distinct"):
        rot.rotation_diagnostic(y, d, pd.Series(d, name="dispersion"))
    with pytest.raises(InputError, match=r"^spread dates are not in increasing order"):
        rot.rotation_diagnostic(pd.Series(y[:3], index=UNSORTED), d[:3])
    with pytest.raises(InputError, match=r"^dispersion_signal dates are not in increasing"):
        rot.rotation_diagnostic(y[:3], pd.Series(d[:3], index=UNSORTED))
    with pytest.raises(InputError, match=r"^fundamentals dates are not in increasing order"):
        rot.rotation_diagnostic(y[:3], d[:3], pd.Series(d[:3], index=UNSORTED))
    with pytest.raises(InputError, match=r"^spread must be 1-D"):
        rot.rotation_diagnostic(np.zeros((4, 2)), d[:4])
    with pytest.raises(InputError, match=r"^dispersion_signal must be 1-D"):
        rot.rotation_diagnostic(y[:4], np.zeros((4, 2)))
    with pytest.raises(InputError, match=r"^fundamentals must be 1-D or 2-D"):
        rot.rotation_diagnostic(y[:4], d[:4], np.zeros((4, 2, 1)))


def test_rotation_diagnostic_fundamental_names() -> None:
    # _series_inputs: a named Series gives its name, an unnamed one "fundamental", DataFrame
    # columns are turned into strings
    y, d, f = _diag_inputs(t=30, seed=6)
    named = rot.rotation_diagnostic(y, d, pd.Series(f[:, 0], name="rates"), window=10)
    assert "contribution_rates" in named.columns
    assert "beta_rates" in named.columns
    unnamed = rot.rotation_diagnostic(y, d, f[:, 0], window=10)
    assert "contribution_fundamental" in unnamed.columns
    np.testing.assert_allclose(
        unnamed["contribution_fundamental"], named["contribution_rates"], rtol=1e-12
    )
    ints = rot.rotation_diagnostic(y, d, pd.DataFrame(f, columns=[3, 5]), window=10)
    assert "contribution_3" in ints.columns
    assert "beta_5" in ints.columns
    none = rot.rotation_diagnostic(y, d, window=10)
    assert [c for c in none.columns if c.startswith("contribution_")] == ["contribution_dispersion"]
    # no fundamentals: the fundamental share and r2 are zero where the fit exists
    ok = none["r2"].notna()
    np.testing.assert_allclose(none.loc[ok, "share_fundamental"], 0.0, atol=0)
    np.testing.assert_allclose(none.loc[ok, "r2_fundamental"], 0.0, atol=0)
    np.testing.assert_allclose(none.loc[ok, "r2_dispersion"], none.loc[ok, "r2"], rtol=1e-12)


def test_rotation_diagnostic_collinear_and_dated() -> None:
    # a fundamental equal to twice the signal: no fit (eigenvalue test), every fit column NaN;
    # a dated spread keeps its index
    y, d, _ = _diag_inputs(t=30, seed=7)
    d[9] = 0.3
    idx = pd.date_range("2024-01-01", periods=30, freq="D")
    out = rot.rotation_diagnostic(pd.Series(y, index=idx), d, 2.0 * d, window=10)
    assert out.index.equals(idx)
    fit_cols = [c for c in out.columns if c not in ("spread", "n_obs")]
    assert out[fit_cols].isna().all().all()
    # n_obs counts the valid rows in the window even where no fit is made
    assert out["n_obs"].iloc[9] == 9.0  # rows 0..9 minus the NaN spread at row 4
    assert out["n_obs"].iloc[29] == 10.0


# --------------------------------------------------------------------------- decomposition
def test_return_decomposition_window_and_dividends_by_hand() -> None:
    # window 2: ln(P_t / P_{t-2}) etc.; dividends without periods_per_year: k = 1, so the
    # per-period term is ln(1 + D_u / P_u), summed over the 2 periods of the window
    p = [100.0, 110.0, 121.0, 150.0]
    e = [5.0, 5.0, 5.5, 6.0]
    dv = [2.0, 3.0, 4.0, 5.0]
    out = rot.return_decomposition(p, e, dv, window=2)
    assert out.iloc[:2].isna().all().all()
    np.testing.assert_allclose(out["price_return"].iloc[2:], np.log([1.21, 1.5 / 1.1]), rtol=1e-13)
    np.testing.assert_allclose(out["earnings_growth"].iloc[2:], np.log([1.1, 1.2]), rtol=1e-13)
    np.testing.assert_allclose(
        out["multiple_change"].iloc[2:], np.log([22.0 / 20.0, 25.0 / 22.0]), rtol=1e-13
    )
    dy = [math.log1p(3.0 / 110.0) + math.log1p(4.0 / 121.0),
          math.log1p(4.0 / 121.0) + math.log1p(5.0 / 150.0)]  # fmt: skip
    np.testing.assert_allclose(out["dividend_yield"].iloc[2:], dy, rtol=1e-13)
    np.testing.assert_allclose(
        out["total_return"].iloc[2:], np.log([1.21, 1.5 / 1.1]) + np.array(dy), rtol=1e-13
    )
    assert list(out.columns) == [
        "price_return", "earnings_growth", "multiple_change", "dividend_yield", "total_return"
    ]  # fmt: skip
    # window = rows - 1 is the longest allowed
    last = rot.return_decomposition(p, e, window=3)
    np.testing.assert_allclose(last["price_return"].iloc[3], math.log(1.5), rtol=1e-13)
    assert list(last.columns) == ["price_return", "earnings_growth", "multiple_change"]


def test_return_decomposition_messages() -> None:
    with pytest.raises(InputError, match=r"^periods_per_year is only used with dividends$"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], periods_per_year=12)
    with pytest.raises(InputError, match=r"^periods_per_year must be >= 1, got 0$"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], [0.1, 0.1], periods_per_year=0)
    with pytest.raises(InputError, match=r"^window=2 is longer than the data \(1 observations\)"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], window=2)
    with pytest.raises(
        InputError, match=r"^price needs at least 2 entries along its last axis, got 1$"
    ):
        rot.return_decomposition([1.0], [1.0])
    with pytest.raises(InputError, match=r"^price must be strictly positive; 1 value\(s\) are not"):
        rot.return_decomposition([1.0, 0.0], [1.0, 1.0])
    with pytest.raises(
        InputError, match=r"^earnings must be strictly positive; 1 value\(s\) are not"
    ):
        rot.return_decomposition([1.0, 2.0], [1.0, -1.0])
    with pytest.raises(InputError, match=r"^dividends has 1 negative value"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], [0.0, -0.1])
    with pytest.raises(InputError, match=r"same shape"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], [0.0, 0.1, 0.2])
    with pytest.raises(InputError, match=r"^price dates are not in increasing order"):
        rot.return_decomposition(pd.Series([1.0, 2.0, 3.0], index=UNSORTED), [1.0, 1.0, 1.0])
    with pytest.raises(InputError, match=r"^earnings dates are not in increasing order"):
        rot.return_decomposition([1.0, 2.0, 3.0], pd.Series([1.0, 1.0, 1.0], index=UNSORTED))
    with pytest.raises(InputError, match=r"^dividends dates are not in increasing order"):
        rot.return_decomposition(
            [1.0, 2.0, 3.0], [1.0, 1.0, 1.0], pd.Series([0.1, 0.1, 0.1], index=UNSORTED)
        )
    with pytest.raises(InputError, match=r"^price must be 1-D"):
        rot.return_decomposition(np.ones((2, 2)), np.ones((2, 2)))


# --------------------------------------------------------------------------- size / style
def _grid(t: int = 6, seed: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cols = ["S1V1", "S1V3", "S1V5", "S3V1", "S3V3", "S3V5", "S5V1", "S5V3", "S5V5"]
    return pd.DataFrame(rng.normal(0.01, 0.04, size=(t, 9)), columns=cols)


def test_size_style_gaps_nan_compounding_by_loop() -> None:
    # _compound_skip: NaN periods carry nothing and are NaN; the other column keeps compounding
    grid = _grid()
    grid.loc[2, "S1V1"] = np.nan  # both gaps NaN at row 2 (S1V1 is small and growth)
    grid.loc[4, "S3V5"] = np.nan  # only value_minus_growth NaN at row 4
    per = rot.size_style_gaps(grid)
    cum = rot.size_style_gaps(grid, compound="cumulative")
    for col in per.columns:
        wealth = 1.0
        for t in range(len(grid)):
            g = per[col].iloc[t]
            if np.isnan(g):
                assert np.isnan(cum[col].iloc[t])
                continue
            wealth *= 1.0 + g
            assert cum[col].iloc[t] == pytest.approx(wealth - 1.0, rel=1e-13)
    assert np.isnan(per["small_minus_large"].iloc[2])
    assert np.isnan(per["value_minus_growth"].iloc[4])
    assert not np.isnan(per["small_minus_large"].iloc[4])


def test_size_style_gaps_rolling_full_window() -> None:
    # _rolling_compound with window = rows: one value, the product over everything (loop)
    grid = _grid(t=5)
    per = rot.size_style_gaps(grid).to_numpy()
    roll = rot.size_style_gaps(grid, compound="rolling", window=5).to_numpy()
    assert np.isnan(roll[:4]).all()
    np.testing.assert_allclose(roll[4], np.prod(1.0 + per, axis=0) - 1.0, rtol=1e-13)
    one = rot.size_style_gaps(grid, compound="rolling", window=1).to_numpy()
    np.testing.assert_allclose(one, per, rtol=1e-13)


def test_size_style_gaps_messages() -> None:
    grid = _grid(t=3)
    arr = grid.to_numpy()
    legs = {"small": [0], "large": [1], "value": [2], "growth": [3]}
    bad = grid.copy()
    bad.iloc[1, 1] = -1.5
    with pytest.raises(
        InputError, match=r"^returns has 1 value\(s\) below -1; first at row 1, column 'S1V3'$"
    ):
        rot.size_style_gaps(bad)
    with pytest.raises(InputError, match=r"^compound='rolling' needs window$"):
        rot.size_style_gaps(grid, compound="rolling")
    with pytest.raises(InputError, match=r"^window is only used with compound='rolling'$"):
        rot.size_style_gaps(grid, compound="cumulative", window=2)
    with pytest.raises(InputError, match=r"^window=4 is longer than the data \(3 observations\)"):
        rot.size_style_gaps(grid, compound="rolling", window=4)
    with pytest.raises(
        InputError, match=r"^compound must be one of \['none', 'cumulative', 'rolling'\]"
    ):
        rot.size_style_gaps(grid, compound="x")  # type: ignore[arg-type]
    msg = (
        r"^returns is an array: pass small, large, value and growth \(column positions\); "
        r"the Fama-French defaults need DataFrame columns$"
    )
    with pytest.raises(InputError, match=msg):
        rot.size_style_gaps(arr, small=[0], large=[1], value=[2])  # one leg missing
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        rot.size_style_gaps(grid.set_index(UNSORTED))
    with pytest.warns(UnitWarning, match=r"^returns has a median magnitude"):
        rot.size_style_gaps(arr + 1.0, **legs)
    with pytest.raises(InputError, match=r"^value names 'S3V5', which is not a column"):
        rot.size_style_gaps(grid.drop(columns="S3V5"))
    # explicit legs on a DataFrame override the defaults (closed form: column differences)
    out = rot.size_style_gaps(grid, small=["S1V1"], large=["S1V3"], value=["S1V5"], growth=["S3V1"])
    np.testing.assert_allclose(out["small_minus_large"], grid["S1V1"] - grid["S1V3"], atol=1e-15)
    np.testing.assert_allclose(out["value_minus_growth"], grid["S1V5"] - grid["S3V1"], atol=1e-15)


# --------------------------------------------------------------------------- dispersion_signal
def _signal_loop(r: np.ndarray, m: np.ndarray, window: int, mp: int, f: float) -> np.ndarray:
    """Independent reference: the documented formula, one period and one name at a time."""
    t_len, n = r.shape
    idx = np.full(t_len, np.nan)
    for t in range(1, t_len):
        ok = ~np.isnan(r[t]) & ~np.isnan(m[t - 1])
        if ok.any() and m[t - 1, ok].sum() > 0:
            idx[t] = (m[t - 1, ok] * r[t, ok]).sum() / m[t - 1, ok].sum()

    def vol(x: np.ndarray, t: int) -> float:
        seg = x[max(0, t - window + 1) : t + 1]
        seg = seg[~np.isnan(seg)]
        return float(np.std(seg, ddof=1)) if len(seg) >= max(mp, 2) else math.nan

    out = np.full(t_len, np.nan)
    for t in range(2, t_len):
        s = t - 1  # the signal at t uses vols at t - 1 and caps at t - 2
        num = den = 0.0
        for i in range(n):
            v = vol(r[:, i], s)
            if not np.isnan(v) and not np.isnan(m[s - 1, i]):
                num += m[s - 1, i] * v
                den += m[s - 1, i]
        iv = vol(idx, s)
        if den > 0:
            out[t] = (num / den - iv) * math.sqrt(f)
    return out


def test_dispersion_signal_against_loop() -> None:
    rng = np.random.default_rng(9)
    r = rng.normal(0.0, 0.02, size=(30, 4))
    m = np.exp(rng.normal(2.0, 0.5, size=(30, 4)))
    r[[3, 11, 12], 1] = np.nan
    r[20, 2] = np.nan
    m[7, 0] = np.nan
    r[:, 3] = 0.01  # a constant name: exactly zero vol
    got = rot.dispersion_signal(r, m, window=6, min_periods=4, periods_per_year=12.0)
    ref = _signal_loop(r, m, 6, 4, 12.0)
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-14)
    assert np.isfinite(got[8:]).all()
    # defaults: min_periods = window, periods_per_year = 252; a DataFrame gives a named Series
    idx = pd.date_range("2024-01-01", periods=30, freq="D")
    df = rot.dispersion_signal(pd.DataFrame(r, index=idx), pd.DataFrame(m, index=idx), window=5)
    assert df.name == "vol_gap"
    assert df.index.equals(idx)
    np.testing.assert_allclose(
        df.to_numpy(), _signal_loop(r, m, 5, 5, 252.0), rtol=1e-9, atol=1e-14
    )


def test_dispersion_signal_default_window_and_two_point_vols() -> None:
    # the default window is 63 periods; min_periods may be 2 (a vol from two returns)
    rng = np.random.default_rng(10)
    r = rng.normal(0.0, 0.02, size=(68, 2))
    m = np.exp(rng.normal(2.0, 0.5, size=(68, 2)))
    got = rot.dispersion_signal(r, m)
    np.testing.assert_allclose(got, _signal_loop(r, m, 63, 63, 252.0), rtol=1e-9, atol=1e-14)
    assert np.isfinite(got[64:]).all()
    r[5, 0] = np.nan
    two = rot.dispersion_signal(r[:12], m[:12], window=3, min_periods=2, periods_per_year=1.0)
    np.testing.assert_allclose(two, _signal_loop(r[:12], m[:12], 3, 2, 1.0), rtol=1e-9, atol=1e-14)
    assert np.isfinite(two[3:]).all()  # name 0 has two returns in the windows around row 5


def test_dispersion_signal_zero_vol_is_exact() -> None:
    # constant returns in a window: the degenerate-window branch gives exactly 0, and the index
    # of two equal constant names is constant too, so the gap is exactly 0
    r = np.full((8, 2), 0.01)
    got = rot.dispersion_signal(r, np.ones_like(r), window=3, periods_per_year=1.0)
    assert np.isnan(got[:4]).all()  # index returns from row 1, its first vol at row 3
    assert (got[4:] == 0.0).all()


def test_dispersion_signal_messages() -> None:
    r = np.zeros((6, 2))
    m = np.ones((6, 2))
    with pytest.raises(InputError, match=r"^window must be >= 2, got 1$"):
        rot.dispersion_signal(r, m, window=1)
    with pytest.raises(InputError, match=r"^min_periods must be >= 2, got 1$"):
        rot.dispersion_signal(r, m, window=3, min_periods=1)
    with pytest.raises(InputError, match=r"^min_periods must be <= 3, got 4$"):
        rot.dispersion_signal(r, m, window=3, min_periods=4)
    with pytest.raises(InputError, match=r"^periods_per_year must be > 0\.0, got 0\.0$"):
        rot.dispersion_signal(r, m, window=3, periods_per_year=0.0)
    with pytest.raises(InputError, match=r"^returns has 1 value\(s\) below -1"):
        rot.dispersion_signal(np.r_[r[:5], [[0.0, -2.0]]], m, window=3)
    with pytest.raises(InputError, match=r"^market_caps has 1 negative value"):
        rot.dispersion_signal(r, np.r_[m[:5], [[1.0, -2.0]]], window=3)
    with pytest.raises(InputError, match=r"^returns dates are not in increasing order"):
        rot.dispersion_signal(pd.DataFrame(r[:3], index=UNSORTED), m[:3], window=2)
    with pytest.raises(InputError, match=r"^market_caps dates are not in increasing order"):
        rot.dispersion_signal(r[:3], pd.DataFrame(m[:3], index=UNSORTED), window=2)
    with pytest.raises(InputError, match=r"^returns must be 2-D"):
        rot.dispersion_signal(np.zeros(6), np.ones(6), window=3)
    with pytest.raises(InputError, match=r"same shape"):
        rot.dispersion_signal(r, m[:, :1], window=3)
    # the unit warning is given once, for returns, not again by the index computation
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rot.dispersion_signal(np.full((6, 2), 0.9), m, window=3)
    units = [w for w in caught if issubclass(w.category, UnitWarning)]
    assert len(units) == 1
    assert str(units[0].message).startswith("returns has a median magnitude")


# --------------------------------------------------------------------------- second round
def test_relative_performance_benchmark_must_be_1d() -> None:
    # ndim=1 of the benchmark: a 2-D benchmark is refused, not broadcast
    with pytest.raises(InputError, match=r"^benchmark must be 1-D"):
        rot.relative_performance(np.zeros((3, 2)), np.zeros((3, 2)))


def test_sector_spread_total_loss_small_and_missing_weights() -> None:
    # a sector return of exactly -1 is a valid return (only values below -1 are refused);
    # closed form: std of -1 and 0 is 0.5
    np.testing.assert_allclose(rot.sector_spread([[-1.0, 0.0]]), [0.5], rtol=1e-14)
    # weights summing to less than 1 are fine (weights 0.2 and 0.3: mean 0.022, closed form)
    r = np.array([[0.01, 0.03], [0.01, 0.03]])
    w = np.array([[0.2, 0.3], [0.5, np.nan]])
    out = rot.sector_spread(r, w)
    mu = (0.2 * 0.01 + 0.3 * 0.03) / 0.5
    ref = math.sqrt((0.2 * (0.01 - mu) ** 2 + 0.3 * (0.03 - mu) ** 2) / 0.5)
    np.testing.assert_allclose(out[0], ref, rtol=1e-12)
    assert np.isnan(out[1])  # one sector has no weight: a single weighted sector has no spread


def test_dispersion_signal_single_name_small_and_zero_caps() -> None:
    # one name (one vol per row), caps below 1, and a row of zero caps (no weights: NaN),
    # all against the loop reference
    rng = np.random.default_rng(11)
    r = rng.normal(0.0, 0.02, size=(14, 1))
    m = rng.uniform(0.01, 0.1, size=(14, 1))
    got = rot.dispersion_signal(r, m, window=4, periods_per_year=1.0)
    np.testing.assert_allclose(got, _signal_loop(r, m, 4, 4, 1.0), rtol=1e-9, atol=1e-14)
    assert np.isfinite(got[5:]).all()
    r2 = rng.normal(0.0, 0.02, size=(14, 2))
    m2 = rng.uniform(0.01, 0.1, size=(14, 2))
    m2[8] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got2 = rot.dispersion_signal(r2, m2, window=4, periods_per_year=1.0)
    ref2 = _signal_loop(r2, m2, 4, 4, 1.0)
    np.testing.assert_allclose(got2, ref2, rtol=1e-9, atol=1e-14)
    assert np.isnan(got2[10])  # the vols at row 9 weigh with the caps of row 8: all zero
    assert np.isfinite(got2[5:10]).all()


# --------------------------------------------------------------------------- third round
def test_integer_sector_labels_stay_integers() -> None:
    # dtype=object of the sector table: integer sector codes are not turned into floats by
    # the NaN of an unmapped name (the caller's labels come back unchanged)
    caps = np.ones((2, 3))
    rets = np.array([[np.nan] * 3, [0.01, 0.02, 0.03]])
    frames = (pd.DataFrame(rets), pd.DataFrame(caps))
    for sectors in ({0: 10, 1: 20}, [10, 20, None]):
        out = rot.sector_returns(*frames, sectors, unmapped="drop")
        assert [(c, type(c)) for c in out.columns] == [(10, int), (20, int)]
        np.testing.assert_allclose(out.iloc[1].to_numpy(), [0.01, 0.02], rtol=1e-14)


def test_unhashable_labels_name_the_argument() -> None:
    r = np.array([[np.nan] * 3, [0.01, 0.02, 0.03]])
    with pytest.raises(InputError, match=r"^sectors holds an unhashable label of type list at"):
        rot.sector_returns(r, np.ones((2, 3)), [["a"], "b", "c"])
    with pytest.raises(InputError, match=r"^long holds an unhashable label of type list at"):
        rot.sector_spread(r, method="long_short", long=[["a"]], short=[0])  # type: ignore[list-item]


def test_non_string_labels_shown_plainly() -> None:
    # repr only for strings: an int64 column label prints as 10, a Timestamp as its str
    r = np.array([[np.nan] * 3, [0.01, 0.02, 0.03]])
    cols = [10, 20, 30]
    with pytest.raises(InputError, match=r"^sectors has no sector for 1 column\(s\) of returns; "
                       r"first 10\. Complete"):  # fmt: skip
        rot.sector_returns(
            pd.DataFrame(r, columns=cols), pd.DataFrame(np.ones((2, 3)), columns=cols),
            {20: "a", 30: "b"},
        )  # fmt: skip
    dates = pd.date_range("2024-01-31", periods=3, freq="ME")
    with pytest.raises(
        InputError,
        match=r"^short names 2020-01-01 00:00:00, which is not a column of sector_returns$",
    ):
        rot.sector_spread(
            pd.DataFrame(r, columns=dates), method="long_short", long=[dates[0]],
            short=[pd.Timestamp("2020-01-01")],
        )  # fmt: skip


def test_sector_weights_propagate_keeps_zero_cap_sector_nan() -> None:
    # propagate ORs the absent rows into the per-sector flags: a sector whose caps are all zero
    # stays NaN in a row where nothing is missing (closed form: the other sector holds it all)
    caps = np.array([[2.0, 0.0], [2.0, 0.0]])
    rets = np.array([[np.nan, np.nan], [0.01, 0.02]])
    w = rot.sector_weights(rets, caps, ["a", "b"], nan_policy="propagate")
    np.testing.assert_allclose(w[1, 0], 1.0, rtol=1e-15)
    assert np.isnan(w[1, 1])


def test_return_decomposition_keeps_dates() -> None:
    dates = pd.date_range("2024-01-31", periods=3, freq="ME")
    out = rot.return_decomposition(pd.Series([1.0, 2.0, 4.0], index=dates), [1.0, 1.0, 2.0])
    assert out.index.equals(dates)
    np.testing.assert_allclose(out["price_return"].iloc[1:], math.log(2.0), rtol=1e-14)


def test_size_style_gaps_total_loss_and_1d() -> None:
    # a portfolio return of exactly -1 is valid (closed form: -1 - 0 = -1)
    legs = {"small": [0], "large": [1], "value": [0], "growth": [1]}
    out = rot.size_style_gaps(np.array([[-1.0, 0.0], [0.0, 0.0]]), **legs)
    np.testing.assert_allclose(out[0], [-1.0, -1.0], rtol=1e-15)
    with pytest.raises(InputError, match=r"^returns must be 2-D, got a 1-D input"):
        rot.size_style_gaps(np.zeros(3), **legs)


# --------------------------------------------------------------------------- fourth round
def test_rotation_diagnostic_smallest_window_at_the_mean() -> None:
    # the smallest default window: min_periods = window = 3 = regressors + 2 is allowed.
    # Closed form for x = y = [0, 2, 1]: slope 1, so R^2 = 1; the last signal equals its
    # window mean (1), so the regime flag is 0 ("above" is strict), the contribution and the
    # residual are exactly 0, and the shares of a zero deviation are undefined (NaN, no warning)
    x = np.array([0.0, 2.0, 1.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = rot.rotation_diagnostic(x.copy(), x, window=3)
    row = out.iloc[2]
    assert row["r2"] == pytest.approx(1.0, rel=1e-14)
    assert row["regime"] == 0.0
    assert row["contribution_dispersion"] == 0.0
    assert row["residual"] == 0.0
    assert np.isnan(row[["share_dispersion", "share_fundamental", "share_residual"]]).all()
    assert out["r2"].iloc[:2].isna().all()


def test_rotation_diagnostic_tiny_regressors() -> None:
    # the collinearity test runs on the correlation matrix, so regressors of magnitude 1e-6
    # (variances ~1e-12) are fitted like any other: against the lstsq loop, and the same
    # contributions and standardised betas as the unscaled regressors (OLS scale equivariance)
    y, d, f = _diag_inputs()
    small = rot.rotation_diagnostic(y, d * 1e-6, f * 1e-6, window=12, min_periods=6)
    ref = _diagnostic_loop(y, np.column_stack([d, f]) * 1e-6, 12, 6)
    np.testing.assert_allclose(small["r2"].to_numpy(), ref["r2"], rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(
        small["contribution_dispersion"].to_numpy(), ref["contribution"][:, 0], rtol=1e-8,
        atol=1e-12,
    )  # fmt: skip
    base = rot.rotation_diagnostic(y, d, f, window=12, min_periods=6)
    cols = ["contribution_dispersion", "beta_fundamental_0", "r2", "share_residual"]
    np.testing.assert_allclose(small[cols].to_numpy(), base[cols].to_numpy(), rtol=1e-8,
                               atol=1e-12)  # fmt: skip
    assert small["r2"].notna().sum() > 5


def test_polars_series_of_sectors() -> None:
    # is_polars(sectors): a polars Series is a sequence of labels, one per column. (Polars is
    # kept out of the mutmut selection, which forks; this mutant was checked by hand.)
    pl = pytest.importorskip("polars")
    caps = np.ones((2, 3))
    rets = np.array([[np.nan] * 3, [0.01, 0.02, 0.04]])
    out = rot.sector_returns(rets, caps, pl.Series(["b", "a", "b"]))
    # closed form: a = 0.02; b = (0.01 + 0.04) / 2 (equal caps), columns sorted
    np.testing.assert_allclose(out[1], [0.02, 0.025], rtol=1e-14)


def test_dimension_checks_name_the_argument() -> None:
    # ndim of earnings, dividends (1-D) and of the caps of dispersion_signal (2-D): the input
    # is refused under its own name, not later by the layout comparison
    with pytest.raises(InputError, match=r"^earnings must be 1-D, got a 2-D input"):
        rot.return_decomposition([1.0, 2.0], [[1.0], [1.0]])
    with pytest.raises(InputError, match=r"^dividends must be 1-D, got a 2-D input"):
        rot.return_decomposition([1.0, 2.0], [1.0, 1.0], [[0.1], [0.1]])
    with pytest.raises(InputError, match=r"^market_caps must be 2-D, got a 1-D input"):
        rot.dispersion_signal(np.zeros((4, 1)), np.ones(4), window=2)


def test_polars_inputs_give_polars_tables() -> None:
    # to_caller(..., meta): a polars input gets a polars table back (values by closed form:
    # price 100 -> 200 is ln 2, earnings 5 -> 8 is ln 1.6)
    pl = pytest.importorskip("polars")
    dec = rot.return_decomposition(pl.Series("p", [100.0, 200.0]), pl.Series("e", [5.0, 8.0]))
    assert isinstance(dec, pl.DataFrame)
    assert dec["price_return"][1] == pytest.approx(math.log(2.0), rel=1e-14)
    assert dec["earnings_growth"][1] == pytest.approx(math.log(1.6), rel=1e-14)
    y, d, _ = _diag_inputs(t=30, seed=12)
    y[4] = 0.0
    diag = rot.rotation_diagnostic(pl.Series("y", y), pl.Series("d", d), window=8)
    assert isinstance(diag, pl.DataFrame)
    assert diag.shape == (30, 13)
