"""Tests for divergence.rotation.

Reference values come from closed forms (hand-computed examples), from independent
implementations (pandas groupby, statsmodels OLS, numpy weighted averages) or from published
data (Kenneth French's SMB/HML factors); each test says which.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import breadth as br
from divergence import rotation as rot
from divergence.errors import InputError


# --------------------------------------------------------------------------- fixtures
def make_panel(t: int = 30, n: int = 12, nan_share: float = 0.1, seed: int = 0):
    rng = np.random.default_rng(seed)
    caps = np.exp(rng.normal(3.0, 1.0, size=(t, n)))
    rets = rng.normal(0.0, 0.02, size=(t, n))
    rets[rng.random((t, n)) < nan_share] = np.nan
    caps[rng.random((t, n)) < nan_share / 2] = np.nan
    idx = pd.date_range("2020-01-01", periods=t, freq="B")
    cols = [f"N{i}" for i in range(n)]
    sectors = pd.Series([["A", "B", "C"][i % 3] for i in range(n)], index=cols)
    return (
        pd.DataFrame(rets, index=idx, columns=cols),
        pd.DataFrame(caps, index=idx, columns=cols),
        sectors,
    )


def groupby_sector_returns(rets: pd.DataFrame, caps: pd.DataFrame, sectors: pd.Series):
    """Independent pandas implementation: lagged caps x returns summed by sector over columns."""
    lag = caps.shift(1)
    present = rets.notna() & lag.notna()
    w = lag.where(present)
    num = (w * rets).where(present).T.groupby(sectors).sum(min_count=1).T
    den = w.T.groupby(sectors).sum(min_count=1).T
    return num / den


# --------------------------------------------------------------------------- sector returns
def test_sector_returns_match_pandas_groupby():
    rets, caps, sectors = make_panel()
    ours = rot.sector_returns(rets, caps, sectors)
    ref = groupby_sector_returns(rets, caps, sectors)  # independent implementation
    pd.testing.assert_frame_equal(ours, ref, check_names=False, rtol=1e-12)


def test_single_sector_equals_index_return():
    rets, caps, _ = make_panel()
    for policy in ("omit", "propagate"):
        ours = rot.sector_returns(rets, caps, ["all"] * rets.shape[1], nan_policy=policy)
        ref = br.index_return(rets, caps, nan_policy=policy)
        np.testing.assert_allclose(ours["all"].to_numpy(), ref.to_numpy(), rtol=1e-12)


def test_sector_weights_times_returns_add_up_to_index():
    rets, caps, sectors = make_panel()
    sr = rot.sector_returns(rets, caps, sectors)
    sw = rot.sector_weights(rets, caps, sectors)
    idx = br.index_return(rets, caps)
    total = (sr * sw).sum(axis=1, min_count=1)
    np.testing.assert_allclose(total.to_numpy()[1:], idx.to_numpy()[1:], rtol=0, atol=1e-15)
    np.testing.assert_allclose(sw.sum(axis=1).to_numpy()[1:], 1.0, atol=1e-15)


def test_sector_returns_hand_example():
    # closed form: sector A = (300*0.10 + 100*(-0.10)) / 400 = 0.05; sector B = 0.10
    caps = np.array([[300.0, 100.0, 50.0], [330.0, 90.0, 55.0]])
    rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.10]])
    out = rot.sector_returns(rets, caps, ["A", "A", "B"])
    np.testing.assert_allclose(out[1], [0.05, 0.10], rtol=1e-14)
    assert np.isnan(out[0]).all()


def test_permuting_columns_changes_nothing():
    rets, caps, sectors = make_panel(seed=3)
    perm = np.random.default_rng(1).permutation(rets.shape[1])
    a = rot.sector_returns(rets, caps, sectors)
    b = rot.sector_returns(rets.iloc[:, perm], caps.iloc[:, perm], sectors)
    pd.testing.assert_frame_equal(a, b, rtol=1e-13)


def test_unmapped_options():
    rets, caps, sectors = make_panel()
    partial = sectors.drop(["N0", "N4"])
    with pytest.raises(InputError, match=r"no sector for 2 column\(s\).*'N0'"):
        rot.sector_returns(rets, caps, partial)
    grouped = rot.sector_returns(rets, caps, partial, unmapped="group")
    assert "unmapped" in grouped.columns
    ref = groupby_sector_returns(
        rets, caps, sectors.where(partial.reindex(sectors.index).notna(), "unmapped")
    )
    pd.testing.assert_frame_equal(grouped, ref, check_names=False, rtol=1e-12)
    dropped = rot.sector_returns(rets, caps, partial, unmapped="drop")
    keep = [c for c in rets.columns if c in partial.index]
    ref2 = groupby_sector_returns(rets[keep], caps[keep], partial)
    pd.testing.assert_frame_equal(dropped, ref2, check_names=False, rtol=1e-12)
    w = rot.sector_weights(rets, caps, partial, unmapped="drop")
    np.testing.assert_allclose(w.sum(axis=1).to_numpy()[1:], 1.0, atol=1e-15)


def test_mapping_by_position_for_arrays():
    # closed form as in test_sector_returns_hand_example, mapping keyed by column position
    caps = np.array([[300.0, 100.0, 50.0], [330.0, 90.0, 55.0]])
    rets = np.array([[np.nan] * 3, [0.10, -0.10, 0.10]])
    out = rot.sector_returns(rets, caps, {0: "A", 1: "A", 2: "B"})
    np.testing.assert_allclose(out[1], [0.05, 0.10], rtol=1e-14)


def test_propagate_is_per_sector():
    rets, caps, sectors = make_panel(nan_share=0.0)
    rets.iloc[5, 0] = np.nan  # N0 is in sector A
    out = rot.sector_returns(rets, caps, sectors, nan_policy="propagate")
    assert np.isnan(out.iloc[5]["A"])
    assert not np.isnan(out.iloc[5][["B", "C"]]).any()


def test_sector_returns_extra_mapping_labels_ignored_and_sequence():
    rets, caps, sectors = make_panel()
    bigger = pd.concat([sectors, pd.Series({"ZZZ": "D"})])
    pd.testing.assert_frame_equal(
        rot.sector_returns(rets, caps, bigger), rot.sector_returns(rets, caps, sectors)
    )
    seq = rot.sector_returns(rets.to_numpy(), caps.to_numpy(), list(sectors))
    np.testing.assert_allclose(seq, rot.sector_returns(rets, caps, sectors).to_numpy())


@given(
    arrays(np.float64, (6, 5), elements=st.floats(-0.5, 0.5)),
    arrays(np.float64, (6, 5), elements=st.floats(0.1, 1000.0)),
    st.lists(st.sampled_from("abc"), min_size=5, max_size=5),
)
def test_property_sector_identity_and_groupby(r, m, labels):
    rets, caps = pd.DataFrame(r), pd.DataFrame(m)
    sec = pd.Series(labels, index=rets.columns)
    sr = rot.sector_returns(rets, caps, sec)
    ref = groupby_sector_returns(rets, caps, sec)
    np.testing.assert_allclose(sr.to_numpy(), ref.to_numpy(), rtol=1e-10, atol=1e-15)
    sw = rot.sector_weights(rets, caps, sec)
    total = (sr * sw).sum(axis=1).to_numpy()[1:]
    np.testing.assert_allclose(total, br.index_return(rets, caps).to_numpy()[1:], atol=1e-14)


# --------------------------------------------------------------------------- relative performance
def test_relative_performance_vs_pandas():
    rets, caps, sectors = make_panel(nan_share=0.0)
    sr = rot.sector_returns(rets, caps, sectors)
    idx = br.index_return(rets, caps)
    diff = rot.relative_performance(sr, idx)
    pd.testing.assert_frame_equal(diff, sr.sub(idx, axis=0))
    cum = rot.relative_performance(sr, idx, cumulative=True)
    # independent: ratio of wealth indices built with pandas cumprod
    ref = (1 + sr.iloc[1:]).cumprod().div((1 + idx.iloc[1:]).cumprod(), axis=0) - 1
    np.testing.assert_allclose(cum.iloc[1:].to_numpy(), ref.to_numpy(), rtol=1e-12)
    assert cum.iloc[0].isna().all()


def test_relative_performance_series_and_closed_form():
    # closed form: 1.1 * 1.1 / (1.0 * 1.1) - 1 = 0.1
    out = rot.relative_performance(pd.Series([0.1, 0.1]), pd.Series([0.0, 0.1]), cumulative=True)
    assert isinstance(out, pd.Series)
    np.testing.assert_allclose(out.to_numpy(), [0.1, 0.1], rtol=1e-14)


# --------------------------------------------------------------------------- spread
def test_sector_spread_std_vs_numpy_weighted():
    rng = np.random.default_rng(5)
    r = rng.normal(0, 0.01, size=(20, 6))
    w = rng.random((20, 6))
    r[3, 2] = np.nan
    out = rot.sector_spread(r, w)
    for t in (0, 3, 19):  # independent: np.average weighted population variance
        ok = ~np.isnan(r[t])
        mu = np.average(r[t, ok], weights=w[t, ok])
        ref = np.sqrt(np.average((r[t, ok] - mu) ** 2, weights=w[t, ok]))
        np.testing.assert_allclose(out[t], ref, rtol=1e-12)
    eq = rot.sector_spread(r)
    np.testing.assert_allclose(eq[0], np.std(r[0]), rtol=1e-12)  # equal weights = np.std


def test_sector_spread_long_short():
    df = pd.DataFrame({"S": [0.02, 0.01], "U": [0.00, 0.03], "T": [-0.01, 0.02]})
    out = rot.sector_spread(df, method="long_short", long=["S", "U"], short=["T"])
    # closed form: (0.02 + 0.00)/2 - (-0.01) = 0.02; (0.01 + 0.03)/2 - 0.02 = 0.0
    np.testing.assert_allclose(out.to_numpy(), [0.02, 0.0], atol=1e-15)
    assert isinstance(out, pd.Series)


# --------------------------------------------------------------------------- diagnostic
def diag_data(t: int = 120, seed: int = 0):
    rng = np.random.default_rng(seed)
    d = rng.normal(size=t)
    f = rng.normal(size=(t, 2))
    y = 0.01 + 0.003 * d + 0.002 * f[:, 0] - 0.001 * f[:, 1] + 0.002 * rng.normal(size=t)
    idx = pd.date_range("2021-01-01", periods=t, freq="B")
    return (
        pd.Series(y, index=idx, name="spread"),
        pd.Series(d, index=idx, name="disp"),
        pd.DataFrame(f, index=idx, columns=["rates", "revisions"]),
    )


@pytest.mark.parametrize("window", [40, None])
def test_diagnostic_matches_statsmodels(window):
    import statsmodels.api as sm

    y, d, f = diag_data()
    y.iloc[50] = np.nan  # a gap: skipped in windows
    out = rot.rotation_diagnostic(y, d, f, window=window, min_periods=30)
    x_all = pd.concat([d, f], axis=1)
    for t in (45, 80, 119):
        lo = 0 if window is None else t - window + 1
        yy, xx = y.iloc[lo : t + 1], x_all.iloc[lo : t + 1]
        ok = yy.notna()
        fit = sm.OLS(yy[ok].to_numpy(), sm.add_constant(xx[ok].to_numpy())).fit()
        row = out.iloc[t]
        assert row["n_obs"] == ok.sum()
        np.testing.assert_allclose(row["r2"], fit.rsquared, rtol=1e-9)
        xdev = xx.iloc[-1].to_numpy() - xx[ok].mean().to_numpy()
        contrib = fit.params[1:] * xdev
        np.testing.assert_allclose(
            row[["contribution_dispersion", "contribution_rates", "contribution_revisions"]],
            contrib,
            rtol=1e-9,
        )
        np.testing.assert_allclose(row["residual"], fit.resid[-1], rtol=1e-8, atol=1e-14)
        sd = xx[ok].std(ddof=1).to_numpy()
        np.testing.assert_allclose(row["beta_rates"], fit.params[2] * sd[1], rtol=1e-9)
        # Pratt shares: beta_k * cov(x_k, y) / var(y), computed with numpy
        cov = np.array([np.cov(xx[ok].iloc[:, k], yy[ok])[0, 1] for k in range(3)])
        pratt = fit.params[1:] * cov / np.var(yy[ok], ddof=1)
        np.testing.assert_allclose(row["r2_dispersion"], pratt[0], rtol=1e-9)
        np.testing.assert_allclose(row["r2_fundamental"], pratt[1:].sum(), rtol=1e-9)


def test_diagnostic_identities():
    y, d, f = diag_data()
    out = rot.rotation_diagnostic(y, d, f, window=60).dropna()
    assert len(out) > 0
    parts = out[["mean", "contribution_dispersion", "contribution_rates", "contribution_revisions"]]
    np.testing.assert_allclose(parts.sum(axis=1) + out["residual"], out["spread"], atol=1e-15)
    shares = out[["share_dispersion", "share_fundamental", "share_residual"]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0, atol=1e-14)
    np.testing.assert_allclose(out["r2_dispersion"] + out["r2_fundamental"], out["r2"], atol=1e-14)
    assert out["regime"].isin([0.0, 1.0]).all()


def test_diagnostic_no_look_ahead():
    y, d, f = diag_data(t=150)
    for window in (40, None):
        short = rot.rotation_diagnostic(y.iloc[:100], d.iloc[:100], f.iloc[:100], window=window)
        full = rot.rotation_diagnostic(y, d, f, window=window)
        pd.testing.assert_frame_equal(full.iloc[:100], short, rtol=1e-13, atol=1e-15)


def test_diagnostic_orientation_only_flips_sign():
    y, d, f = diag_data()
    hi = rot.rotation_diagnostic(y, d, f, window=60)
    lo = rot.rotation_diagnostic(y, -d, f, window=60, dispersion_when="low")
    pd.testing.assert_frame_equal(hi, lo, rtol=1e-10, atol=1e-15)
    flip = rot.rotation_diagnostic(y, d, f, window=60, dispersion_when="low").dropna()
    np.testing.assert_allclose(flip["beta_dispersion"], -hi.dropna()["beta_dispersion"], rtol=1e-10)
    np.testing.assert_allclose(
        flip["contribution_dispersion"], hi.dropna()["contribution_dispersion"]
    )


def test_diagnostic_pure_signal_and_degenerate():
    y, d, _ = diag_data()
    out = rot.rotation_diagnostic(0.01 + 0.002 * d, d, window=50)  # closed form: R^2 = 1
    np.testing.assert_allclose(out["r2"].dropna(), 1.0, atol=1e-12)
    const = rot.rotation_diagnostic(y, np.ones(len(y)), window=50)  # constant regressor
    assert const["r2"].isna().all()
    assert (const["n_obs"].iloc[49:] == 50).all()
    arr = rot.rotation_diagnostic(y.to_numpy(), d.to_numpy(), window=50)
    assert isinstance(arr.index, pd.RangeIndex)


# --------------------------------------------------------------------------- decomposition
def test_decomposition_hand_example():
    # closed form: P 100 -> 200 (ln 2), E 5 -> 8 (ln 1.6), multiple 20 -> 25 (ln 1.25);
    # dividend 4/yr, 12 periods: ln(1 + (4/12)/200)
    out = rot.return_decomposition([100.0, 200.0], [5.0, 8.0], [4.0, 4.0], periods_per_year=12)
    row = out.iloc[1]
    np.testing.assert_allclose(row["price_return"], np.log(2.0), rtol=1e-13)
    np.testing.assert_allclose(row["earnings_growth"], np.log(1.6), rtol=1e-13)
    np.testing.assert_allclose(row["multiple_change"], np.log(1.25), rtol=1e-14)
    np.testing.assert_allclose(row["dividend_yield"], np.log1p(4.0 / 12.0 / 200.0), rtol=1e-14)
    # total log return with the dividend paid at the end of the period
    np.testing.assert_allclose(
        row["total_return"], np.log((200.0 + 4.0 / 12.0) / 100.0), rtol=1e-14
    )
    assert out.iloc[0].isna().all()


def test_decomposition_adds_up_on_shiller():
    from divergence.datasets import load_shiller

    sh = load_shiller()
    out = rot.return_decomposition(
        sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12
    )
    ok = out.dropna()
    assert len(ok) > 1800
    np.testing.assert_allclose(
        ok["earnings_growth"] + ok["multiple_change"], ok["price_return"], rtol=0, atol=1e-14
    )
    # earnings end before prices: the last months have a price return but no split
    assert out["earnings_growth"].iloc[-1:].isna().all()
    assert out["price_return"].iloc[-1:].notna().all()
    ten = rot.return_decomposition(
        sh["sp_price"], sh["earnings"], sh["dividend"], periods_per_year=12, window=120
    )
    # a window-w row equals the sum of the w one-period rows (log additivity)
    summed = out.rolling(120).sum()
    np.testing.assert_allclose(
        ten.iloc[200:1800].to_numpy(), summed.iloc[200:1800].to_numpy(), atol=1e-11
    )


@given(
    arrays(np.float64, 8, elements=st.floats(0.01, 1e4)),
    arrays(np.float64, 8, elements=st.floats(0.01, 1e3)),
)
def test_property_decomposition_identity(p, e):
    out = rot.return_decomposition(p, e).iloc[1:]
    np.testing.assert_allclose(
        out["earnings_growth"] + out["multiple_change"], out["price_return"], atol=1e-12
    )


# --------------------------------------------------------------------------- size / style
def test_size_style_gaps_vs_published_factors():
    from divergence.datasets import load_fama_french

    ff = load_fama_french("portfolios")
    gaps = rot.size_style_gaps(ff)
    # reference: French's SMB and HML (2x3 construction), an independent construction; the
    # 3x3 extreme-quintile gaps must track them closely but not exactly
    c_smb = np.corrcoef(gaps["small_minus_large"], ff["SMB"])[0, 1]
    c_hml = np.corrcoef(gaps["value_minus_growth"], ff["HML"])[0, 1]
    assert 0.85 < c_smb < 0.999
    assert 0.85 < c_hml < 0.999
    # independent pandas computation of the row / column averages
    ref = ff[["S1V1", "S1V3", "S1V5"]].mean(axis=1) - ff[["S5V1", "S5V3", "S5V5"]].mean(axis=1)
    np.testing.assert_allclose(gaps["small_minus_large"], ref, atol=1e-15)


def test_size_style_gaps_compounding():
    rng = np.random.default_rng(2)
    r = pd.DataFrame(
        rng.normal(0.01, 0.05, size=(40, 9)),
        columns=[
            *list(rot.FAMA_FRENCH_3X3["small"]),
            "S3V1",
            "S3V3",
            "S3V5",
            *list(rot.FAMA_FRENCH_3X3["large"]),
        ],
    )
    per = rot.size_style_gaps(r)
    cum = rot.size_style_gaps(r, compound="cumulative")
    np.testing.assert_allclose(cum.to_numpy(), ((1 + per).cumprod() - 1).to_numpy(), rtol=1e-12)
    roll = rot.size_style_gaps(r, compound="rolling", window=12)
    ref = (1 + per).rolling(12).apply(np.prod, raw=True) - 1  # independent: pandas rolling
    np.testing.assert_allclose(roll.to_numpy(), ref.to_numpy(), rtol=1e-12)
    arr = rot.size_style_gaps(
        r.to_numpy(), small=[0, 1, 2], large=[6, 7, 8], value=[2, 5, 8], growth=[0, 3, 6]
    )
    np.testing.assert_allclose(arr, per.to_numpy())


# --------------------------------------------------------------------------- input types
def test_input_type_harness():
    rets, caps, sectors = make_panel()
    r_copy, c_copy = rets.copy(), caps.copy()
    arr_r, arr_c = rets.to_numpy(), caps.to_numpy()
    arr_r0, arr_c0 = arr_r.copy(), arr_c.copy()
    df_out = rot.sector_returns(rets, caps, sectors)
    np_out = rot.sector_returns(arr_r, arr_c, list(sectors))
    assert isinstance(df_out, pd.DataFrame)
    assert isinstance(np_out, np.ndarray)
    assert df_out.index.equals(rets.index)
    # same numbers up to summation order (pandas frames arrive in Fortran order)
    np.testing.assert_allclose(df_out.to_numpy(), np_out, rtol=1e-13, atol=1e-17)
    w = rot.sector_weights(arr_r, arr_c, list(sectors))
    assert isinstance(w, np.ndarray)
    assert w.shape == (rets.shape[0], 3)
    rel = rot.relative_performance(np_out, br.index_return(arr_r, arr_c))
    assert isinstance(rel, np.ndarray)
    assert rel.shape == np_out.shape
    rel1 = rot.relative_performance(list(np_out[:, 0]), list(np_out[:, 1]))
    assert isinstance(rel1, np.ndarray)
    assert rel1.ndim == 1
    spread = rot.sector_spread(df_out)
    assert isinstance(spread, pd.Series)
    assert spread.index.equals(rets.index)
    assert isinstance(rot.sector_spread(np_out), np.ndarray)
    dec = rot.return_decomposition(pd.Series([1.0, 2.0, 3.0], index=list("abc")), [1.0, 1.0, 2.0])
    assert isinstance(dec, pd.DataFrame)
    pd.testing.assert_frame_equal(rets, r_copy)
    pd.testing.assert_frame_equal(caps, c_copy)
    np.testing.assert_array_equal(arr_r, arr_r0)
    np.testing.assert_array_equal(arr_c, arr_c0)
    y, d, f = diag_data()
    y0, d0, f0 = y.copy(), d.copy(), f.copy()
    rot.rotation_diagnostic(y, d, f, dispersion_when="low", window=30)
    pd.testing.assert_series_equal(y, y0)
    pd.testing.assert_series_equal(d, d0)
    pd.testing.assert_frame_equal(f, f0)


# --------------------------------------------------------------------------- bad inputs
_R = np.array([[np.nan, np.nan], [0.01, 0.02], [0.0, -0.01]])
_C = np.array([[1.0, 2.0], [1.1, 2.1], [1.2, 2.0]])
_Y = np.linspace(0.0, 1.0, 10) ** 2
_D = np.sin(np.arange(10.0))

BAD = [
    (rot.sector_returns, (_R, -_C, ["a", "b"]), {}, InputError, "market_caps"),
    (rot.sector_returns, (_R - 2.0, _C, ["a", "b"]), {}, InputError, "returns"),
    (rot.sector_returns, (_R, _C[:2], ["a", "b"]), {}, InputError, "same shape"),
    (rot.sector_returns, (_R, _C, ["a"]), {}, InputError, "sectors"),
    (rot.sector_returns, (_R, _C, "ab"), {}, TypeError, "sectors"),
    (rot.sector_returns, (_R, _C, 3), {}, TypeError, "sectors"),
    (rot.sector_returns, (_R, _C, ["a", None]), {}, InputError, "sectors"),
    (rot.sector_returns, (_R, _C, pd.Series(["a", "b"], index=[0, 0])), {}, InputError, "once"),
    (rot.sector_returns, (_R, _C, [None, None]), {"unmapped": "drop"}, InputError, "sectors"),
    (rot.sector_returns, (_R, _C, ["a", "b"]), {"unmapped": "x"}, InputError, "unmapped"),
    (rot.sector_returns, (_R, _C, ["a", "b"]), {"nan_policy": "raise"}, InputError, "returns"),
    (rot.sector_returns, (_R[0], _C[0], ["a", "b"]), {}, InputError, "returns"),
    (rot.sector_weights, (_R, _C, ["a", "b"]), {"nan_policy": "x"}, InputError, "nan_policy"),
    (rot.relative_performance, (_R, _Y), {}, InputError, "rows"),
    (
        rot.relative_performance,
        (_R, [0.0, -1.0, 0.0]),
        {"cumulative": True},
        InputError,
        "benchmark",
    ),
    (rot.relative_performance, (_R, [0.0, -1.5, 0.0]), {}, InputError, "benchmark"),
    (rot.relative_performance, (_R, [0.0, 0.0, 0.0]), {"cumulative": 1}, TypeError, "cumulative"),
    (rot.relative_performance, (_R, "abc"), {}, TypeError, "benchmark"),
    (rot.sector_spread, (_R,), {"method": "x"}, InputError, "method"),
    (rot.sector_spread, (_R,), {"long": [0]}, InputError, "long"),
    (rot.sector_spread, (_R,), {"method": "long_short", "long": [0]}, InputError, "short"),
    (
        rot.sector_spread,
        (_R,),
        {"method": "long_short", "long": [5], "short": [0]},
        InputError,
        "long",
    ),
    (
        rot.sector_spread,
        (_R,),
        {"method": "long_short", "long": "a", "short": [0]},
        TypeError,
        "long",
    ),
    (rot.sector_spread, (_R, -_C), {}, InputError, "weights"),
    (rot.rotation_diagnostic, (_R, _D[:3]), {}, InputError, "spread"),
    (rot.rotation_diagnostic, (_Y, _D[:5]), {}, InputError, "dispersion_signal"),
    (rot.rotation_diagnostic, (_Y, _D, _D[:4]), {}, InputError, "fundamentals"),
    (rot.rotation_diagnostic, (_Y, _D), {"window": 11}, InputError, "window"),
    (rot.rotation_diagnostic, (_Y, _D), {"window": 2.5}, TypeError, "window"),
    (rot.rotation_diagnostic, (_Y, _D), {"window": 5, "min_periods": 2}, InputError, "min_periods"),
    (rot.rotation_diagnostic, (_Y, _D), {"window": 5, "min_periods": 6}, InputError, "min_periods"),
    (rot.rotation_diagnostic, (_Y, _D), {"dispersion_when": "up"}, InputError, "dispersion_when"),
    (rot.rotation_diagnostic, (_Y, np.r_[_D[:9], np.inf]), {}, InputError, "dispersion_signal"),
    (rot.return_decomposition, ([1.0, -2.0], [1.0, 1.0]), {}, InputError, "price"),
    (rot.return_decomposition, ([1.0, 2.0], [1.0, 0.0]), {}, InputError, "earnings"),
    (rot.return_decomposition, ([1.0, 2.0], [1.0, 1.0, 1.0]), {}, InputError, "same shape"),
    (rot.return_decomposition, ([1.0, 2.0], [1.0, 1.0], [-1.0, 0.0]), {}, InputError, "dividends"),
    (
        rot.return_decomposition,
        ([1.0, 2.0], [1.0, 1.0]),
        {"periods_per_year": 12},
        InputError,
        "periods_per_year",
    ),
    (
        rot.return_decomposition,
        ([1.0, 2.0], [1.0, 1.0], [1.0, 1.0]),
        {"periods_per_year": 0},
        InputError,
        "periods_per_year",
    ),
    (rot.return_decomposition, ([1.0, 2.0], [1.0, 1.0]), {"window": 2}, InputError, "window"),
    (rot.return_decomposition, (["a", "b"], [1.0, 1.0]), {}, TypeError, "price"),
    (rot.size_style_gaps, (_R,), {}, InputError, "returns is an array"),
    (rot.size_style_gaps, (pd.DataFrame(_R, columns=["S1V1", "x"]),), {}, InputError, "small"),
    (
        rot.size_style_gaps,
        (_R,),
        {"small": [0], "large": [1], "value": [0], "growth": [1], "compound": "rolling"},
        InputError,
        "window",
    ),
    (
        rot.size_style_gaps,
        (_R,),
        {"small": [0], "large": [1], "value": [0], "growth": [1], "window": 2},
        InputError,
        "window",
    ),
    (
        rot.size_style_gaps,
        (_R,),
        {"small": [0], "large": [1], "value": [0], "growth": [1], "compound": "x"},
        InputError,
        "compound",
    ),
]


@pytest.mark.parametrize(("fn", "args", "kwargs", "exc", "needle"), BAD)
def test_bad_inputs(fn, args, kwargs, exc, needle):
    with pytest.raises(exc, match=needle):
        fn(*args, **kwargs)


def test_import_does_not_load_heavy_modules():
    import subprocess
    import sys

    code = (
        "import sys, divergence.rotation; "
        "bad = [m for m in ('scipy', 'statsmodels', 'matplotlib') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.strip() == ""


# --------------------------------------------------------------------------- more properties
@given(
    st.integers(20, 60),
    st.integers(1, 15),
    st.one_of(st.none(), st.integers(8, 20)),
    st.integers(0, 2**32 - 1),
)
def test_property_diagnostic_no_look_ahead(n, extra, window, seed):
    rng = np.random.default_rng(seed)
    total = n + extra
    d = rng.normal(size=total)
    f = rng.normal(size=(total, 2))
    y = 0.5 * d + f[:, 0] + rng.normal(size=total)
    y[rng.random(total) < 0.1] = np.nan
    kw = {"window": window, "min_periods": 8}
    full = rot.rotation_diagnostic(y, d, f, **kw)
    short = rot.rotation_diagnostic(y[:n], d[:n], f[:n], **kw)
    pd.testing.assert_frame_equal(full.iloc[:n], short, rtol=1e-12, atol=1e-14)


def test_relative_performance_cumulative_skips_nan_like_pandas():
    r = pd.Series([0.1, np.nan, -0.05, 0.02])
    b = pd.Series([0.0, 0.01, 0.01, np.nan])
    out = rot.relative_performance(r, b, cumulative=True)
    # independent: pandas cumprod skips NaN; compound only where both are present
    both = r.notna() & b.notna()
    ref = (1 + r.where(both)).cumprod() / (1 + b.where(both)).cumprod() - 1
    np.testing.assert_allclose(out.to_numpy(), ref.to_numpy(), rtol=1e-14)
    assert out.isna().tolist() == [False, True, False, True]


def test_sector_spread_long_short_weighted_legs():
    r = np.array([[0.02, 0.00, -0.01, np.nan]])
    w = np.array([[0.3, 0.1, 0.4, 0.2]])
    out = rot.sector_spread(r, w, method="long_short", long=[0, 1], short=[2, 3])
    # closed form: long leg (0.3*0.02 + 0.1*0)/0.4 = 0.015; short leg -0.01 (sector 3 absent)
    np.testing.assert_allclose(out, [0.025], rtol=1e-14)


def test_report_section_builds():
    from divergence._sections import SECTION_MODULES
    from divergence._sections import rotation as section

    assert "rotation" in SECTION_MODULES
    sec = section.build()
    assert sec.title == "Rotation"
    text = "\n".join(sec.lines)
    assert "No earnings-revision data is bundled" in text
    assert len(sec.figures) == 2
