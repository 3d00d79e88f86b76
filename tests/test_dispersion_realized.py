"""Realised correlation (against pandas' pairwise corr) and cross-sectional dispersion."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from divergence.dispersion import cross_sectional_dispersion, realized_correlation
from divergence.errors import InputError


def _panel(seed: int, n_rows: int, n_names: int, nan_frac: float) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    common = rng.normal(size=(n_rows, 1))
    loads = rng.uniform(0.0, 1.5, n_names)
    r = 0.01 * (common * loads + rng.normal(size=(n_rows, n_names)))
    r[rng.random(r.shape) < nan_frac] = np.nan
    return pd.DataFrame(r, index=pd.RangeIndex(100, 100 + n_rows))


def _pandas_mean_corr(window: pd.DataFrame) -> float:
    """Independent reference: pandas' pairwise correlation matrix on the common sample."""
    sub = window.dropna(axis=1)
    c = sub.corr().to_numpy()
    n = c.shape[0]
    if n < 2:
        return np.nan
    return float((c.sum() - n) / (n * (n - 1)))


def _cov_weighted_corr(window: pd.DataFrame, w_end: pd.Series) -> float:
    """Independent reference: weighted correlation from the full covariance matrix."""
    sub = window.dropna(axis=1)
    a = w_end[sub.columns].to_numpy()
    keep = a > 0
    sub, a = sub.loc[:, keep], a[keep]
    if sub.shape[1] < 2:
        return np.nan
    a = a / a.sum()
    cov = sub.cov().to_numpy()
    s = np.sqrt(np.diag(cov))
    num = a @ cov @ a - np.sum(a**2 * s**2)
    den = (a @ s) ** 2 - np.sum(a**2 * s**2)
    return float(num / den)


@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(6, 40),
    n_names=st.integers(2, 7),
    window=st.integers(3, 6),
    nan_frac=st.sampled_from([0.0, 0.03, 0.1]),
)
def test_mean_equals_pandas_pairwise_corr(
    seed: int, n_rows: int, n_names: int, window: int, nan_frac: float
) -> None:
    r = _panel(seed, n_rows, n_names, nan_frac)
    ours = realized_correlation(r, window=window, method="mean")
    assert isinstance(ours, pd.Series)
    assert ours.index.equals(r.index)
    assert ours.iloc[: window - 1].isna().all()
    for e in range(window - 1, n_rows):
        ref = _pandas_mean_corr(r.iloc[e - window + 1 : e + 1])
        if np.isnan(ref):
            assert np.isnan(ours.iloc[e])
        else:
            assert ours.iloc[e] == pytest.approx(ref, abs=1e-10)


@given(
    seed=st.integers(0, 2**32 - 1),
    n_rows=st.integers(6, 30),
    n_names=st.integers(2, 6),
    window=st.integers(3, 6),
)
def test_weighted_equals_covariance_matrix_route(
    seed: int, n_rows: int, n_names: int, window: int
) -> None:
    r = _panel(seed, n_rows, n_names, 0.05)
    rng = np.random.default_rng(seed + 1)
    w = pd.DataFrame(rng.uniform(0.0, 1.0, r.shape), index=r.index, columns=r.columns)
    ours = realized_correlation(r, w, window=window, method="weighted")
    for e in range(window - 1, n_rows):
        ref = _cov_weighted_corr(r.iloc[e - window + 1 : e + 1], w.iloc[e])
        if np.isnan(ref):
            assert np.isnan(ours.iloc[e])
        else:
            assert ours.iloc[e] == pytest.approx(ref, abs=1e-10)


def test_equal_weights_and_equal_vols_match_mean() -> None:
    # With equal weights and equal window vols the weighted average is the plain average:
    # scale every column to unit variance in the single window.
    r = _panel(1, 40, 5, 0.0)
    z = (r - r.mean()) / r.std()
    a = realized_correlation(z, window=40, method="weighted")
    b = realized_correlation(z, window=40, method="mean")
    assert a.iloc[-1] == pytest.approx(b.iloc[-1], abs=1e-12)


def test_known_correlation_recovered_on_long_sample() -> None:
    # One-factor model with loading 1 and unit idiosyncratic noise: true rho = 0.5.
    rng = np.random.default_rng(7)
    x = rng.normal(size=(20_000, 1)) + rng.normal(size=(20_000, 10))
    rho = realized_correlation(x, window=20_000, method="mean")
    assert rho[-1] == pytest.approx(0.5, abs=0.02)
    assert realized_correlation(x, window=20_000)[-1] == pytest.approx(0.5, abs=0.02)


def test_no_look_ahead_and_no_mutation() -> None:
    r = _panel(3, 60, 6, 0.02)
    before = r.copy()
    base = realized_correlation(r, window=10, method="mean")
    longer = pd.concat([r, _panel(4, 20, 6, 0.0).set_axis(range(160, 180))])
    ext = realized_correlation(longer, window=10, method="mean")
    pd.testing.assert_series_equal(ext.iloc[:60], base, check_exact=True)
    pd.testing.assert_frame_equal(r, before)


def test_numpy_in_numpy_out_and_one_weight_per_column() -> None:
    r = _panel(5, 30, 4, 0.0)
    out = realized_correlation(r.to_numpy(), np.ones(4), window=10)
    assert isinstance(out, np.ndarray)
    assert out.shape == (30,)
    np.testing.assert_allclose(out, realized_correlation(r, window=10).to_numpy())


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"window": 2}, InputError, "window"),
        ({"window": 1000}, InputError, "longer than the data"),
        ({"window": 5.0}, TypeError, "window"),
        ({"window": 5, "method": "spearman"}, InputError, "method"),
        ({"window": 5, "weights": -np.ones(3)}, InputError, "weights"),
        ({"window": 5, "weights": np.ones(4)}, InputError, "weights"),
    ],
)
def test_bad_inputs(kwargs: dict[str, object], exc: type, match: str) -> None:
    r = _panel(0, 20, 3, 0.0).to_numpy()
    with pytest.raises(exc, match=match):
        realized_correlation(r, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="returns"):
        realized_correlation(r[:, 0], window=5)
    with pytest.raises(TypeError, match="returns"):
        realized_correlation([["a", "b"]], window=5)


# --------------------------------------------------------------------------- dispersion
def test_cross_sectional_dispersion_reference() -> None:
    # Independent reference: numpy weighted standard deviation (population form).
    rng = np.random.default_rng(2)
    r = rng.normal(0, 0.02, (50, 8))
    w = rng.uniform(0.1, 1, (50, 8))
    ours = cross_sectional_dispersion(r, w)
    wn = w / w.sum(axis=1, keepdims=True)
    mean = (wn * r).sum(axis=1, keepdims=True)
    ref = np.sqrt((wn * (r - mean) ** 2).sum(axis=1))
    np.testing.assert_allclose(ours, ref, rtol=1e-13)
    # Equal weights = numpy std with ddof=0.
    np.testing.assert_allclose(cross_sectional_dispersion(r), r.std(axis=1), rtol=1e-13)


def test_cross_sectional_dispersion_types_and_nan() -> None:
    frame = pd.DataFrame({"a": [0.01, np.nan], "b": [-0.01, 0.02], "c": [0.03, 0.02]})
    out = cross_sectional_dispersion(frame)
    assert isinstance(out, pd.Series)
    assert out.iloc[1] == pytest.approx(0.0)
    assert isinstance(cross_sectional_dispersion([0.01, -0.01]), float)
    assert np.isnan(cross_sectional_dispersion(frame, nan_policy="propagate").iloc[1])
    with pytest.raises(InputError, match="NaN"):
        cross_sectional_dispersion(frame, nan_policy="raise")
    with pytest.raises(InputError, match="weights"):
        cross_sectional_dispersion(frame, [1.0, -1.0, 1.0])


# ------------------------------------------------------------- gaps found by mutation testing
def test_cross_sectional_dispersion_empty_row_and_policies() -> None:
    # row 1 has no return at all: NaN under "omit" (SPEC section 3), the others the closed form
    r = np.array([[0.01, -0.01], [np.nan, np.nan], [0.02, np.nan]])
    out = cross_sectional_dispersion(r)
    np.testing.assert_allclose(out, [0.01, np.nan, 0.0], atol=1e-15)
    # "propagate": any NaN in a row gives NaN; complete rows unchanged
    prop = cross_sectional_dispersion(r, nan_policy="propagate")
    np.testing.assert_allclose(prop, [0.01, np.nan, np.nan], atol=1e-15)


def test_cross_sectional_dispersion_series_name() -> None:
    frame = pd.DataFrame([[0.01, -0.01], [0.02, 0.0]], columns=["A", "B"])
    assert cross_sectional_dispersion(frame).name == "cross_sectional_dispersion"


@pytest.mark.parametrize("method", ["mean", "weighted"])
def test_zero_variance_name_is_left_out(method: str) -> None:
    # a name with constant (zero) returns in the window has no correlation: it drops out,
    # leaving the pairwise correlation of the other two (pandas as the reference)
    rng = np.random.default_rng(4)
    r = rng.normal(0.0, 0.01, size=(30, 2))
    panel = np.column_stack([r, np.zeros(30)])
    got = realized_correlation(panel, window=30, method=method)[-1]  # type: ignore[arg-type]
    assert got == pytest.approx(pd.DataFrame(r).corr().iloc[0, 1], rel=1e-9)


def test_bounded_for_inputs_spanning_many_orders_of_magnitude() -> None:
    # cumulative-sum rounding on returns from 1e-30 to 1e17 can step outside [-1, 1]; the
    # documented result is clipped into it
    r = np.array(
        [[2.5451768e10, np.nan, -10.0], [0.0, 2.5451767, 0.0], [3.5785833e-05, 0.0, 0.0],
         [9.99e-30, 6.0885213e-19, 0.0], [4.2103946e17, 0.0, 6.74e-30], [np.nan, 0.0, 2.5451767]],
        dtype=np.float32,
    )  # fmt: skip
    out = realized_correlation(r, np.full((6, 3), 1 / 3), window=4)
    ok = ~np.isnan(out)
    assert ok.any() and (np.abs(out[ok]) <= 1.0).all()


def test_method_message() -> None:
    with pytest.raises(InputError, match=r"^method must be one of"):
        realized_correlation(np.ones((5, 2)), window=3, method="max")  # type: ignore[arg-type]
