"""Concentration measures: reference values with provenance, properties, NaN policy, groups."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import concentration as conc
from divergence.errors import InputError

# --------------------------------------------------------------------------- strategies
sizes = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
cross_sections = arrays(np.float64, st.integers(1, 40), elements=sizes)


def panels(min_rows: int = 1, max_rows: int = 6, max_cols: int = 12) -> st.SearchStrategy:
    return st.integers(1, max_cols).flatmap(
        lambda n: arrays(
            np.float64,
            st.tuples(st.integers(min_rows, max_rows), st.just(n)),
            elements=st.one_of(sizes, st.just(np.nan)),
        )
    )


# ------------------------------------------------------------ published values, closed forms
def test_hhi_doj_worked_example() -> None:
    # U.S. DOJ, "Herfindahl-Hirschman Index" (justice.gov/atr/herfindahl-hirschman-index):
    # "a market consisting of four firms with shares of 30, 30, 20, and 20 percent ... HHI of
    # 2,600 (30^2 + 30^2 + 20^2 + 20^2 = 2,600)".
    assert conc.hhi([30, 30, 20, 20]) * 10_000 == pytest.approx(2600.0, rel=1e-12)
    assert conc.effective_n([30, 30, 20, 20]) == pytest.approx(10_000 / 2600, rel=1e-12)


def test_hhi_monopoly_and_equal_shares() -> None:
    # closed forms: one firm -> 1; n equal firms -> 1/n, normalized 0
    assert conc.hhi([5.0]) == 1.0
    assert conc.hhi(np.ones(7)) == pytest.approx(1 / 7, rel=1e-12)
    assert conc.hhi(np.ones(7), normalized=True) == pytest.approx(0.0, abs=1e-12)
    assert conc.hhi([0, 0, 9], normalized=True) == pytest.approx(1.0, rel=1e-12)


def _harmonic(n: int, s: float) -> float:
    return math.fsum(i ** (-s) for i in range(1, n + 1))


@pytest.mark.parametrize(("n", "s"), [(500, 1.0), (500, 0.8), (3000, 1.2)])
def test_zipf_closed_forms(n: int, s: float) -> None:
    # Zipf(s) sizes x_i = i^-s: HHI = H(n, 2s) / H(n, s)^2, top-k share = H(k, s) / H(n, s),
    # Hall-Tideman = 1 / (2 H(n, s-1)/H(n, s) - 1), with generalized harmonic numbers H.
    x = np.arange(1, n + 1, dtype=float) ** (-s)
    rng = np.random.default_rng(1)
    x = x[rng.permutation(n)]
    assert conc.hhi(x) == pytest.approx(_harmonic(n, 2 * s) / _harmonic(n, s) ** 2, rel=1e-10)
    for k in (1, 10, 50):
        assert conc.top_k_share(x, k) == pytest.approx(_harmonic(k, s) / _harmonic(n, s), rel=1e-10)
    ht = 1.0 / (2.0 * _harmonic(n, s - 1.0) / _harmonic(n, s) - 1.0)
    assert conc.hall_tideman(x) == pytest.approx(ht, rel=1e-10)


def test_gini_exponential_and_pareto_closed_forms() -> None:
    # Closed forms: Gini of an exponential distribution is 1/2; of a Pareto with tail index
    # a > 1 it is 1/(2a - 1). Sample Gini converges at rate ~ 1/sqrt(n); n = 400k gives
    # errors well below the 0.005 tolerance (Pareto a = 3 has finite variance).
    rng = np.random.default_rng(12345)
    n = 400_000
    assert conc.gini(rng.exponential(2.0, n)) == pytest.approx(0.5, abs=0.005)
    a = 3.0
    pareto = rng.pareto(a, n) + 1.0  # classical Pareto with x_m = 1
    assert conc.gini(pareto) == pytest.approx(1.0 / (2 * a - 1), abs=0.005)


def test_theil_exponential_and_pareto_closed_forms() -> None:
    # Theil T of Exp: E[Y ln Y] for Y ~ Exp(1) = psi(2) = 1 - Euler's gamma;
    # of Pareto(a): 1/(a-1) - ln(a/(a-1)) (derived from E[X ln X] = x_m (ln x_m + 1/(a-1))).
    rng = np.random.default_rng(7)
    n = 400_000
    assert conc.theil(rng.exponential(1.0, n)) == pytest.approx(1 - np.euler_gamma, abs=0.01)
    a = 4.0
    expected = 1 / (a - 1) - math.log(a / (a - 1))
    assert conc.theil(rng.pareto(a, n) + 1.0) == pytest.approx(expected, abs=0.01)


def test_gini_against_mean_absolute_difference() -> None:
    # independent definition: G = sum_ij |x_i - x_j| / (2 n^2 mean)
    rng = np.random.default_rng(3)
    for _ in range(20):
        x = rng.lognormal(0, 1.5, rng.integers(2, 60))
        mad = np.abs(x[:, None] - x[None, :]).sum()
        expected = mad / (2 * len(x) ** 2 * x.mean())
        assert conc.gini(x) == pytest.approx(expected, rel=1e-12)
        assert conc.gini(x, bias_corrected=True) == pytest.approx(
            expected * len(x) / (len(x) - 1), rel=1e-12
        )


def test_hill_numbers_against_scipy_entropy() -> None:
    # order 1 = exp(Shannon entropy) computed independently by scipy.stats.entropy (nats)
    from scipy.stats import entropy

    rng = np.random.default_rng(5)
    x = rng.lognormal(0, 2, 200)
    assert conc.hill_number(x, 1) == pytest.approx(np.exp(entropy(x)), rel=1e-12)
    assert conc.hill_number(x, 2) == pytest.approx(conc.effective_n(x), rel=1e-12)
    assert conc.hill_number(x, 0) == 200
    assert conc.hill_number(x, np.inf) == pytest.approx(x.sum() / x.max(), rel=1e-12)
    q = 0.5
    w = x / x.sum()
    assert conc.hill_number(x, q) == pytest.approx((w**q).sum() ** (1 / (1 - q)), rel=1e-12)


def test_concentration_coefficient_against_numpy() -> None:
    # independent implementation: sort, mean of the k largest, numpy median
    rng = np.random.default_rng(9)
    for n in (1, 2, 5, 10, 11, 101, 500):
        x = rng.lognormal(20, 1.5, n)
        k = 10
        expected = np.sort(x)[::-1][: min(k, n)].mean() / np.median(x)
        assert conc.concentration_coefficient(x, top_k=k) == pytest.approx(expected, rel=1e-12)


def test_lorenz_area_reproduces_gini() -> None:
    rng = np.random.default_rng(11)
    x = rng.lognormal(0, 1, 301)
    p, cum = conc.lorenz_curve(x)
    area = float(np.sum((cum[1:] + cum[:-1]) / 2 * np.diff(p)))
    assert 1 - 2 * area == pytest.approx(conc.gini(x), rel=1e-12)


def test_grunfeld_real_panel_against_pandas() -> None:
    # Real market values of 10 US firms (Grunfeld 1958, statsmodels dataset, public domain):
    # the panel result equals a per-year pandas computation written independently.
    path = "tests/data/grunfeld_value.csv"
    df = pd.read_csv(path, index_col="year")
    w = df.div(df.sum(axis=1), axis=0)
    pd.testing.assert_series_equal(
        conc.hhi(df), (w**2).sum(axis=1).rename("hhi"), check_names=True, rtol=1e-12
    )
    top3 = df.apply(lambda r: r.nlargest(3).sum() / r.sum(), axis=1)
    np.testing.assert_allclose(conc.top_k_share(df, 3).to_numpy(), top3.to_numpy(), rtol=1e-12)


# --------------------------------------------------------------------------- panels vs rows
@given(panels())
def test_panel_rows_equal_cross_sections(x: np.ndarray) -> None:
    # a fast panel pass agrees with the 1-D function applied to each row's present names
    if np.isnan(x).all():
        with pytest.raises(InputError, match="no valid"):
            conc.hhi(x)
        return
    fns = [
        conc.hhi,
        conc.effective_n,
        lambda v: conc.top_k_share(v, 3),
        lambda v: conc.concentration_coefficient(v, top_k=3),
        conc.gini,
        conc.theil,
        conc.hall_tideman,
        lambda v: conc.hill_number(v, 1.5),
    ]
    for fn in fns:
        out = fn(x)
        assert isinstance(out, np.ndarray)
        assert out.shape == (x.shape[0],)
        for i, row in enumerate(x):
            present = row[~np.isnan(row)]
            if present.size == 0:
                assert np.isnan(out[i])
            else:
                assert out[i] == pytest.approx(fn(present), rel=1e-9, abs=1e-12)


# --------------------------------------------------------------------------- properties
@given(cross_sections, st.floats(1e-3, 1e3))
def test_scale_invariance(x: np.ndarray, c: float) -> None:
    for fn in (conc.hhi, conc.gini, conc.theil, conc.hall_tideman, conc.effective_n):
        assert fn(x * c) == pytest.approx(fn(x), rel=1e-9, abs=1e-12)
    assert conc.concentration_coefficient(x * c) == pytest.approx(
        conc.concentration_coefficient(x), rel=1e-9
    )


@given(cross_sections, st.randoms(use_true_random=False))
def test_permutation_invariance(x: np.ndarray, rnd: object) -> None:
    perm = np.array(x)
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    for fn in (conc.hhi, conc.gini, conc.theil, conc.hall_tideman, conc.top_k_share):
        assert fn(perm) == pytest.approx(fn(x), rel=1e-9, abs=1e-12)


@given(cross_sections)
def test_bounds(x: np.ndarray) -> None:
    n = x.size
    h = conc.hhi(x)
    assert 1 / n - 1e-12 <= h <= 1 + 1e-12
    assert 1 - 1e-9 <= conc.effective_n(x) <= n + 1e-9
    assert -1e-12 <= conc.gini(x) <= 1 - 1 / n + 1e-12
    assert -1e-12 <= conc.theil(x) <= math.log(n) + 1e-9
    assert 1 / n - 1e-12 <= conc.hall_tideman(x) <= 1 + 1e-12


@given(cross_sections)
def test_top_k_share_non_decreasing_in_k(x: np.ndarray) -> None:
    shares = [conc.top_k_share(x, k) for k in range(1, x.size + 2)]
    assert all(b >= a - 1e-12 for a, b in itertools.pairwise(shares))
    assert shares[-1] == pytest.approx(1.0)


@given(cross_sections)
def test_hill_numbers_non_increasing_in_order(x: np.ndarray) -> None:
    values = [conc.hill_number(x, q) for q in (0, 0.5, 1, 2, 3, np.inf)]
    assert all(b <= a * (1 + 1e-9) for a, b in itertools.pairwise(values))


@given(cross_sections)
def test_lorenz_convex_from_origin_to_one(x: np.ndarray) -> None:
    p, cum = conc.lorenz_curve(x)
    assert p[0] == 0 and cum[0] == 0 and p[-1] == 1 and cum[-1] == 1
    slopes = np.diff(cum) / np.diff(p)
    assert np.all(np.diff(slopes) >= -1e-9 * max(1.0, slopes.max()))
    assert np.all(cum <= p + 1e-12)


# --------------------------------------------------------------------------- groups / share classes
def test_groups_sum_share_classes() -> None:
    df = pd.DataFrame(
        {"GOOGL": [1.0, 2.0], "GOOG": [1.5, np.nan], "MSFT": [3.0, 3.0]},
        index=pd.to_datetime(["2024-01-31", "2024-02-29"]),
    )
    merged = pd.DataFrame({"GOOGL": [2.5, 2.0], "MSFT": [3.0, 3.0]}, index=df.index)
    groups = {"GOOG": "GOOGL"}
    pd.testing.assert_series_equal(conc.hhi(df, groups=groups), conc.hhi(merged))
    pd.testing.assert_frame_equal(conc.weights(df, groups=groups), conc.weights(merged))
    # a sequence of labels, one per column, does the same for arrays
    arr_out = conc.hhi(df.to_numpy(), groups=["A", "A", "M"])
    np.testing.assert_allclose(arr_out, conc.hhi(merged).to_numpy())


def test_groups_bad_labels() -> None:
    with pytest.raises(InputError, match="groups mentions 1 label"):
        conc.hhi(pd.Series([1.0, 2.0], index=["a", "b"]), groups={"zzz": "a"})
    with pytest.raises(InputError, match="one company per column"):
        conc.hhi(np.ones((2, 3)), groups=["a", "b"])


# --------------------------------------------------------------------------- NaN policy
def test_nan_policies() -> None:
    x = np.array([[1.0, np.nan, 3.0], [1.0, 1.0, 2.0], [np.nan, np.nan, np.nan]])
    omit = conc.hhi(x)
    assert omit[0] == pytest.approx((1 + 9) / 16)
    assert np.isnan(omit[2])
    prop = conc.hhi(x, nan_policy="propagate")
    assert np.isnan(prop[0]) and prop[1] == pytest.approx(omit[1]) and np.isnan(prop[2])
    with pytest.raises(InputError, match=r"nan_policy='raise'; first at row 0, column 1"):
        conc.hhi(x, nan_policy="raise")
    with pytest.raises(InputError, match="nan_policy must be one of"):
        conc.hhi(x, nan_policy="ignore")  # type: ignore[arg-type]


def test_zero_total_rows_are_nan_not_errors() -> None:
    x = np.array([[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(np.isnan(conc.hhi(x)), [True, False])
    np.testing.assert_array_equal(np.isnan(conc.weights(x)[0]), [True, True])
    assert np.isnan(conc.concentration_coefficient([0.0, 0.0]))
    # median zero, positive top tier: the ratio is unbounded
    assert conc.concentration_coefficient([0.0, 0.0, 0.0, 5.0], top_k=1) == np.inf


def test_profile_columns_and_index() -> None:
    idx = pd.date_range("2020-01-31", periods=3, freq="ME")
    df = pd.DataFrame([[3.0, 1.0, 1.0], [1.0, 1.0, 1.0], [5.0, np.nan, 5.0]], index=idx)
    prof = conc.concentration_profile(df, top_k=1)
    assert list(prof.columns) == [
        "n",
        "hhi",
        "hhi_normalized",
        "effective_n",
        "top_k_share",
        "concentration_coefficient",
        "gini",
        "theil",
        "hall_tideman",
        "hill_1",
    ]
    assert prof.index.equals(idx)
    assert prof.attrs["top_k"] == 1
    np.testing.assert_allclose(prof["n"], [3, 3, 2])
    np.testing.assert_allclose(prof["hhi"], conc.hhi(df).to_numpy())
    np.testing.assert_allclose(prof["top_k_share"], [0.6, 1 / 3, 0.5])


# ------------------------------------------------------- gaps found by mutation testing
ALL_REDUCTIONS = {
    "hhi": conc.hhi,
    "effective_n": conc.effective_n,
    "top_k_share": conc.top_k_share,
    "concentration_coefficient": conc.concentration_coefficient,
    "gini": conc.gini,
    "theil": conc.theil,
    "hall_tideman": conc.hall_tideman,
    "hill_2": lambda x, **kw: conc.hill_number(x, 2.0, **kw),
}


@pytest.mark.parametrize("name", sorted(ALL_REDUCTIONS))
def test_every_reduction_honours_groups(name: str) -> None:
    fn = ALL_REDUCTIONS[name]
    rng = np.random.default_rng(17)
    raw = pd.DataFrame(rng.lognormal(0, 1, (4, 14)), columns=[f"C{i}" for i in range(14)]).mask(
        rng.random((4, 14)) < 0.2
    )
    groups = {"C1": "C0", "C2": "C0", "C5": "C4"}
    merged = raw.copy()
    merged["C0"] = raw[["C0", "C1", "C2"]].sum(axis=1, min_count=1)
    merged["C4"] = raw[["C4", "C5"]].sum(axis=1, min_count=1)
    merged = merged.drop(columns=["C1", "C2", "C5"])
    np.testing.assert_allclose(fn(raw, groups=groups).to_numpy(), fn(merged).to_numpy(), rtol=1e-12)


def test_output_series_names() -> None:
    df = pd.DataFrame([[3.0, 1.0, 2.0]], index=pd.to_datetime(["2024-01-31"]))
    assert conc.hhi(df).name == "hhi"
    assert conc.hhi(df, normalized=True).name == "hhi_normalized"
    assert conc.effective_n(df).name == "effective_n"
    assert conc.top_k_share(df).name == "top_k_share"
    assert conc.concentration_coefficient(df).name == "concentration_coefficient"
    assert conc.gini(df).name == "gini"
    assert conc.theil(df).name == "theil"
    assert conc.hall_tideman(df).name == "hall_tideman"
    assert conc.hill_number(df, 2).name == "hill_2"


def test_defaults_are_top_ten() -> None:
    x = np.arange(1.0, 31.0)
    assert conc.top_k_share(x) == pytest.approx(x[-10:].sum() / x.sum())
    assert conc.concentration_coefficient(x) == pytest.approx(x[-10:].mean() / np.median(x))
    prof = conc.concentration_profile(x)
    assert prof.attrs["top_k"] == 10
    assert prof["top_k_share"].iloc[0] == pytest.approx(x[-10:].sum() / x.sum())


def test_profile_columns_follow_nan_policy_and_index() -> None:
    idx = pd.date_range("2021-01-31", periods=3, freq="ME")
    df = pd.DataFrame([[3.0, np.nan, 1.0], [2.0, 2.0, 1.0], [5.0, 1.0, 1.0]], index=idx)
    prof = conc.concentration_profile(df, top_k=2, nan_policy="propagate")
    assert prof.index.equals(idx)
    expected = {
        "hhi": conc.hhi(df, nan_policy="propagate"),
        "hhi_normalized": conc.hhi(df, normalized=True, nan_policy="propagate"),
        "effective_n": conc.effective_n(df, nan_policy="propagate"),
        "top_k_share": conc.top_k_share(df, 2, nan_policy="propagate"),
        "concentration_coefficient": conc.concentration_coefficient(
            df, top_k=2, nan_policy="propagate"
        ),
        "gini": conc.gini(df, nan_policy="propagate"),
        "theil": conc.theil(df, nan_policy="propagate"),
        "hall_tideman": conc.hall_tideman(df, nan_policy="propagate"),
        "hill_1": conc.hill_number(df, 1.0, nan_policy="propagate"),
    }
    for col, series in expected.items():
        np.testing.assert_allclose(prof[col].to_numpy(), series.to_numpy(), err_msg=col)
    assert np.isnan(prof["hhi"].iloc[0]) and prof["n"].iloc[0] == 2
    assert conc.concentration_profile(df, groups={1: 0})["n"].tolist() == [2, 2, 2]


def test_hill_number_special_orders_on_panels() -> None:
    x = np.array([[4.0, 0.0, 1.0, np.nan], [1.0, 1.0, 1.0, 1.0]])
    np.testing.assert_allclose(conc.hill_number(x, 0), [2.0, 4.0])  # zero size not counted
    np.testing.assert_allclose(conc.hill_number(x, np.inf), [5 / 4, 4.0])
    w = np.array([0.8, 0.2])
    np.testing.assert_allclose(conc.hill_number(x, 1)[0], np.exp(-(w * np.log(w)).sum()))
    np.testing.assert_allclose(conc.hill_number(x, 3)[0], ((w**3).sum()) ** (-1 / 2))
    assert np.isnan(conc.hill_number(np.array([[0.0, 0.0], [1.0, 1.0]]), 0.5)[0])


def test_lorenz_curve_groups_and_nan() -> None:
    s = pd.Series([1.0, 1.0, np.nan, 2.0], index=["A", "B", "C", "D"])
    pop, cum = conc.lorenz_curve(s, groups={"B": "A"})
    np.testing.assert_allclose(pop, [0.0, 0.5, 1.0])
    np.testing.assert_allclose(cum, [0.0, 0.5, 1.0])
    with pytest.raises(InputError, match="x has 1 negative"):
        conc.lorenz_curve([1.0, -1.0])


def test_weights_propagate_and_zero_rows() -> None:
    x = np.array([[1.0, np.nan, 3.0], [2.0, 2.0, 0.0]])
    np.testing.assert_allclose(conc.weights(x)[0], [0.25, np.nan, 0.75])
    prop = conc.weights(x, nan_policy="propagate")
    assert np.isnan(prop[0]).all()
    np.testing.assert_allclose(prop[1], [0.5, 0.5, 0.0])
