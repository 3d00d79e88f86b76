"""The sort-based concentration measures against slow per-row references.

``gini``, ``hall_tideman``, ``concentration_coefficient``, ``top_k_share``, ``lorenz_curve`` and
the rank-based columns of ``concentration_profile`` read one in-place sort (or partition) per row,
count absent names from where they sort and never build a NaN mask. The references below are
written here from the textbook formulas, one row at a time in exact rational arithmetic
(:class:`fractions.Fraction`), so the only error left is the library's floating-point rounding.
Rounding of the fast code is a few units in the last place for the panels used here (measured
worst case about 1.3e-15 relative), hence the tolerance of 1e-14 relative.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence import concentration as conc
from divergence.concentration import _sort_rows
from divergence.errors import InputError

RTOL = 1e-14
NAN = float("nan")


# ------------------------------------------------------------------ slow exact references
def _present(row: Sequence[float]) -> list[Fraction]:
    """The present (non-NaN) sizes of one row as exact fractions, ascending."""
    return sorted(Fraction(float(v)) for v in row if not np.isnan(v))


def gini_ref(row: Sequence[float], bias_corrected: bool = False) -> float:
    # G = sum_i (2i - n - 1) x_[i] / (n sum_i x_i), x_[1] <= ... <= x_[n] (Damgaard & Weiner 2000)
    v = _present(row)
    n, total = len(v), sum(v, Fraction(0))
    if n == 0 or total == 0:
        return NAN
    g = sum(((2 * i - n - 1) * x for i, x in enumerate(v, start=1)), Fraction(0)) / (n * total)
    if bias_corrected:
        return NAN if n == 1 else float(g * n / (n - 1))
    return float(g)


def hall_tideman_ref(row: Sequence[float]) -> float:
    # HT = 1 / (2 sum_i i w_(i) - 1), rank i = 1 for the largest (Hall & Tideman 1967)
    v = _present(row)[::-1]
    total = sum(v, Fraction(0))
    if not v or total == 0:
        return NAN
    return float(1 / (2 * sum((i * x for i, x in enumerate(v, start=1)), Fraction(0)) / total - 1))


def top_k_share_ref(row: Sequence[float], k: int) -> float:
    v = _present(row)[::-1]
    total = sum(v, Fraction(0))
    if total == 0:
        return NAN
    return float(sum(v[:k], Fraction(0)) / total)


def concentration_coefficient_ref(row: Sequence[float], k: int) -> float:
    # mean of the min(k, n) largest over the median (mean of the two middle values if n is even)
    v = _present(row)
    n = len(v)
    if n == 0:
        return NAN
    top = v[::-1][: min(k, n)]
    mean_top = sum(top, Fraction(0)) / len(top)
    median = (v[(n - 1) // 2] + v[n // 2]) / 2
    if mean_top == 0:
        return NAN
    return float("inf") if median == 0 else float(mean_top / median)


def lorenz_ref(row: Sequence[float]) -> tuple[list[float], list[float]]:
    v = _present(row)
    total = sum(v, Fraction(0))
    cum = [Fraction(0)]
    for x in v:
        cum.append(cum[-1] + x)
    return [i / len(v) for i in range(len(v) + 1)], [float(c / total) for c in cum]


def merge_ref(x: np.ndarray, labels: Sequence[object]) -> np.ndarray:
    """Sum share classes per company (first-appearance order); NaN only if no class is present."""
    companies = list(dict.fromkeys(labels))
    out = np.full((x.shape[0], len(companies)), np.nan)
    for j, company in enumerate(companies):
        cols = [c for c, lab in enumerate(labels) if lab == company]
        for i in range(x.shape[0]):
            present = [x[i, c] for c in cols if not np.isnan(x[i, c])]
            if present:
                out[i, j] = float(sum((Fraction(float(p)) for p in present), Fraction(0)))
    return out


def per_row(
    ref: Callable[[Sequence[float]], float], x: np.ndarray, nan_policy: str = "omit"
) -> np.ndarray:
    rows = np.atleast_2d(np.asarray(x, dtype=np.float64))
    out = np.array([ref(r) for r in rows], dtype=np.float64)
    if nan_policy == "propagate":
        out[np.isnan(rows).any(axis=1)] = np.nan
    return out


CASES: dict[str, tuple[Callable[..., object], Callable[[Sequence[float]], float]]] = {
    "gini": (conc.gini, gini_ref),
    "gini_bias_corrected": (
        lambda x, **kw: conc.gini(x, bias_corrected=True, **kw),
        lambda r: gini_ref(r, bias_corrected=True),
    ),
    "hall_tideman": (conc.hall_tideman, hall_tideman_ref),
    "top_k_share_3": (
        lambda x, **kw: conc.top_k_share(x, 3, **kw),
        lambda r: top_k_share_ref(r, 3),
    ),
    "top_k_share_1": (
        lambda x, **kw: conc.top_k_share(x, 1, **kw),
        lambda r: top_k_share_ref(r, 1),
    ),
    "concentration_coefficient_3": (
        lambda x, **kw: conc.concentration_coefficient(x, top_k=3, **kw),
        lambda r: concentration_coefficient_ref(r, 3),
    ),
    "concentration_coefficient_20": (
        lambda x, **kw: conc.concentration_coefficient(x, top_k=20, **kw),
        lambda r: concentration_coefficient_ref(r, 20),
    ),
}


def _close(actual: object, expected: np.ndarray) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64), expected, rtol=RTOL, atol=0, equal_nan=True
    )


# ------------------------------------------------------------------ NaN layouts, ties, zeros
def _layouts() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(2026)
    base = rng.lognormal(3.0, 1.5, (6, 9))
    scattered = base.copy()
    scattered[rng.random(base.shape) < 0.3] = np.nan
    leading = base.copy()
    leading[:, :4] = np.nan
    trailing = base.copy()
    trailing[:, -5:] = np.nan
    ragged = base.copy()
    for i in range(ragged.shape[0]):
        ragged[i, : i + 1] = np.nan  # 1 to 6 absent names: every count differs
    with_empty = scattered.copy()
    with_empty[2] = np.nan  # a row with no member
    one_present = np.full((3, 7), np.nan)
    one_present[[0, 1, 2], [0, 3, 6]] = [5.0, 0.0, 2.0]
    ties = np.array([[2.0, 2.0, 2.0, 2.0], [1.0, 3.0, 3.0, 1.0], [4.0, np.nan, 4.0, 4.0]])
    zeros = np.array(
        [[0.0, 0.0, 0.0, 5.0], [0.0, np.nan, 0.0, 0.0], [0.0, 1.0, np.nan, 0.0], [0.0, 0, 2, 2]]
    )
    return {
        "no_nan": base,
        "scattered": scattered,
        "leading": leading,
        "trailing": trailing,
        "ragged": ragged,
        "with_empty_row": with_empty,
        "one_present_per_row": one_present,
        "ties": ties,
        "zeros": zeros,
        "one_column": base[:, :1],
        "one_column_with_nan": np.array([[3.0], [np.nan], [0.0]]),
        "one_row": scattered[:1],
    }


LAYOUTS = _layouts()


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("nan_policy", ["omit", "propagate"])
def test_matches_reference_across_layouts(layout: str, case: str, nan_policy: str) -> None:
    fn, ref = CASES[case]
    x = LAYOUTS[layout]
    _close(fn(x, nan_policy=nan_policy), per_row(ref, x, nan_policy))


@pytest.mark.parametrize("case", sorted(CASES))
def test_cross_sections_match_reference(case: str) -> None:
    fn, ref = CASES[case]
    rng = np.random.default_rng(7)
    for n in (1, 2, 3, 10, 11, 64, 500):
        x = rng.lognormal(20.0, 2.0, n)
        x[rng.random(n) < 0.1] = np.nan
        if np.isnan(x).all():
            continue
        out = fn(x)
        assert isinstance(out, float)
        _close(out, per_row(ref, x))


def test_equal_sizes_give_exactly_zero_gini() -> None:
    # subtracting each row's smallest size before the rank sum makes the zero exact
    x = np.array([[0.1] * 7, [1e-6] * 7, [3e8, np.nan, 3e8, 3e8, np.nan, 3e8, 3e8]])
    np.testing.assert_array_equal(conc.gini(x), [0.0, 0.0, 0.0])


def test_nearly_equal_sizes_keep_relative_accuracy() -> None:
    # a Gini of order 1e-7 is still right to 1e-14 relative: no cancellation against the mean
    rng = np.random.default_rng(3)
    x = 1e6 + rng.random((5, 200))
    x[rng.random(x.shape) < 0.2] = np.nan
    expected = per_row(gini_ref, x)
    assert expected.max() < 1e-6
    _close(conc.gini(x), expected)


@pytest.mark.parametrize("block_rows", [1, 2, 5, 64])
def test_results_do_not_depend_on_the_row_blocks(
    monkeypatch: pytest.MonkeyPatch, block_rows: int
) -> None:
    # the panel is processed in blocks of whole rows; each row's arithmetic is the same in any
    # block, so the results are bit-for-bit those of one block holding the whole panel
    rng = np.random.default_rng(11)
    x = rng.lognormal(0.0, 2.0, (37, 29))
    x[rng.random(x.shape) < 0.25] = np.nan
    x[5] = np.nan
    x[9, :-1] = np.nan
    fns: list[Callable[[np.ndarray], object]] = [
        conc.gini,
        conc.hall_tideman,
        lambda v: conc.concentration_coefficient(v, top_k=4),
        lambda v: conc.top_k_share(v, 4),
        lambda v: conc.concentration_profile(v, top_k=4).to_numpy(),
    ]
    monkeypatch.setattr(conc, "_BLOCK_BYTES", 1 << 30)
    whole = [np.asarray(fn(x)) for fn in fns]
    monkeypatch.setattr(conc, "_BLOCK_BYTES", 8 * x.shape[1] * block_rows)
    assert len(conc._row_blocks(*x.shape)) == -(-x.shape[0] // block_rows)
    for fn, expected in zip(fns, whole, strict=True):
        np.testing.assert_array_equal(np.asarray(fn(x)), expected)


def test_negative_zero_is_a_zero_size() -> None:
    # -0.0 passes validation (it is not below zero) and must count as a present zero
    x = np.array([[-0.0, 1.0, np.nan, 3.0], [0.0, 1.0, np.nan, 3.0]])
    for fn, _ in CASES.values():
        out = np.asarray(fn(x))
        assert out[0] == out[1]
    np.testing.assert_array_equal(_sort_rows(x)[1], [1, 1])


# ------------------------------------------------------------------ input types
def test_dataframe_ndarray_and_series_inputs_agree_bit_for_bit() -> None:
    x = LAYOUTS["scattered"]
    df = pd.DataFrame(x, index=pd.date_range("2024-01-31", periods=len(x), freq="ME"))
    for fn in (conc.gini, conc.hall_tideman, conc.concentration_coefficient, conc.top_k_share):
        from_frame = fn(df)
        assert isinstance(from_frame, pd.Series) and from_frame.index.equals(df.index)
        np.testing.assert_array_equal(from_frame.to_numpy(), fn(x))
        np.testing.assert_array_equal(fn(np.asfortranarray(x)), fn(x))
        row = pd.Series(x[0], index=[f"A{i}" for i in range(x.shape[1])])
        assert fn(row) == fn(x[0])


@pytest.mark.parametrize("dtype", [np.float32, np.int64, np.int32, np.uint16])
@pytest.mark.parametrize("case", sorted(CASES))
def test_float32_and_integer_input(dtype: type, case: str) -> None:
    fn, ref = CASES[case]
    rng = np.random.default_rng(5)
    x = rng.integers(0, 50, (5, 13)).astype(dtype)  # many ties and zeros
    as64 = x.astype(np.float64)
    _close(fn(x), per_row(ref, as64))
    np.testing.assert_array_equal(fn(x), fn(as64))


def test_inputs_are_not_mutated() -> None:
    x = LAYOUTS["scattered"]
    df = pd.DataFrame(x)
    keep_x, keep_df = x.copy(), df.copy()
    for fn in (conc.gini, conc.hall_tideman, conc.concentration_coefficient, conc.top_k_share):
        fn(x)
        fn(df)
        fn(x, groups=[0, 0, 1, 2, 3, 3, 4, 5, 6])
    conc.concentration_profile(df, top_k=2)
    conc.lorenz_curve(x[0])
    np.testing.assert_array_equal(x, keep_x)
    pd.testing.assert_frame_equal(df, keep_df)


# ------------------------------------------------------------------ groups and nan_policy
GROUP_LABELS = ["A", "A", "B", "C", "C", "C", "D", "E", "F"]


@pytest.mark.parametrize("case", sorted(CASES))
def test_groups_merge_before_sorting(case: str) -> None:
    fn, ref = CASES[case]
    x = LAYOUTS["scattered"]
    _close(fn(x, groups=GROUP_LABELS), per_row(ref, merge_ref(x, GROUP_LABELS)))
    mapping = {1: 0, 4: 3, 5: 3}  # the same companies, by column position
    np.testing.assert_array_equal(fn(x, groups=mapping), fn(x, groups=GROUP_LABELS))


@pytest.mark.parametrize("case", sorted(CASES))
def test_propagate_and_raise_with_groups_look_at_the_raw_input(case: str) -> None:
    fn, _ = CASES[case]
    # row 0: the class in column 1 is missing but its company is present after the merge
    x = np.array([[1.0, np.nan, 2.0, 3.0], [1.0, 1.0, 2.0, 3.0]])
    groups = ["a", "a", "b", "c"]
    out = np.asarray(fn(x, groups=groups, nan_policy="propagate"))
    assert np.isnan(out[0]) and not np.isnan(out[1])
    omit = np.asarray(fn(x, groups=groups))
    assert out[1] == omit[1]
    with pytest.raises(InputError, match=r"nan_policy='raise'; first at row 0, column 1"):
        fn(x, groups=groups, nan_policy="raise")


@pytest.mark.parametrize("case", sorted(CASES))
def test_raise_and_bad_policy(case: str) -> None:
    fn, _ = CASES[case]
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, np.nan]])
    with pytest.raises(InputError, match=r"nan_policy='raise'; first at row 1, column 2"):
        fn(x, nan_policy="raise")
    full = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    np.testing.assert_array_equal(fn(full, nan_policy="raise"), fn(full))
    with pytest.raises(InputError, match="nan_policy must be one of"):
        fn(x, nan_policy="drop")
    with pytest.raises(TypeError, match="nan_policy must be one of"):
        fn(x, nan_policy=None)


def test_bad_inputs() -> None:
    for fn in (conc.gini, conc.hall_tideman, conc.concentration_coefficient, conc.top_k_share):
        with pytest.raises(InputError, match="negative"):
            fn([1.0, -2.0])
        with pytest.raises(InputError, match="no valid"):
            fn([np.nan, np.nan])
        with pytest.raises(InputError, match="3-D"):
            fn(np.ones((2, 2, 2)))
        with pytest.raises(TypeError, match="booleans"):
            fn(np.array([True, False]))
    with pytest.raises(InputError, match="no positive size"):
        conc.lorenz_curve([0.0, np.nan, 0.0])
    with pytest.raises(InputError, match="1-D"):
        conc.lorenz_curve(np.ones((2, 2)))


# ------------------------------------------------------------------ Lorenz curve
@pytest.mark.parametrize("layout", ["no_nan", "scattered", "ties", "zeros", "one_column"])
def test_lorenz_curve_matches_reference(layout: str) -> None:
    for row in LAYOUTS[layout]:
        present = row[~np.isnan(row)]
        if present.size == 0 or present.sum() == 0:
            continue
        pop, cum = conc.lorenz_curve(row)
        pop_ref, cum_ref = lorenz_ref(row)
        np.testing.assert_allclose(pop, [float(p) for p in pop_ref], rtol=RTOL, atol=0)
        np.testing.assert_allclose(cum, cum_ref, rtol=RTOL, atol=0)


def test_lorenz_curve_with_groups_merges_first() -> None:
    row = LAYOUTS["scattered"][0]
    merged = merge_ref(row[None, :], GROUP_LABELS)[0]
    pop, cum = conc.lorenz_curve(row, groups=GROUP_LABELS)
    np.testing.assert_allclose(cum, lorenz_ref(merged)[1], rtol=RTOL, atol=0)
    assert pop.size == int((~np.isnan(merged)).sum()) + 1


# ------------------------------------------------------------------ the profile shares one sort
@pytest.mark.parametrize("nan_policy", ["omit", "propagate"])
@pytest.mark.parametrize("layout", ["scattered", "with_empty_row", "ragged", "zeros", "one_row"])
def test_profile_rank_columns(layout: str, nan_policy: str) -> None:
    x = LAYOUTS[layout]
    prof = conc.concentration_profile(x, top_k=3, nan_policy=nan_policy)
    kw = {"nan_policy": nan_policy}
    # the same arithmetic on the same sorted rows: bit-for-bit equal to the functions
    np.testing.assert_array_equal(prof["gini"], conc.gini(x, **kw))
    np.testing.assert_array_equal(prof["hall_tideman"], conc.hall_tideman(x, **kw))
    np.testing.assert_array_equal(
        prof["concentration_coefficient"], conc.concentration_coefficient(x, top_k=3, **kw)
    )
    # top_k_share partitions; the profile adds the sorted top tier (differs in the last bit only)
    np.testing.assert_allclose(
        prof["top_k_share"], conc.top_k_share(x, 3, **kw), rtol=1e-15, atol=0, equal_nan=True
    )
    _close(prof["top_k_share"], per_row(lambda r: top_k_share_ref(r, 3), x, nan_policy))
    _close(prof["gini"], per_row(gini_ref, x, nan_policy))
    np.testing.assert_array_equal(prof["n"], (~np.isnan(x)).sum(axis=1))


def test_profile_with_groups_and_raise() -> None:
    x = LAYOUTS["scattered"]
    prof = conc.concentration_profile(x, top_k=2, groups=GROUP_LABELS)
    merged = merge_ref(x, GROUP_LABELS)
    _close(prof["gini"], per_row(gini_ref, merged))
    _close(prof["hall_tideman"], per_row(hall_tideman_ref, merged))
    np.testing.assert_array_equal(prof["n"], (~np.isnan(merged)).sum(axis=1))
    with pytest.raises(InputError, match="nan_policy='raise'"):
        conc.concentration_profile(x, nan_policy="raise")


# ------------------------------------------------------------------ properties
sizes = st.one_of(
    st.sampled_from([0.0, 1.0, 2.5, 1e-6, 1e9]),  # ties and zeros
    st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False),
    st.just(np.nan),
)


def panels(max_rows: int = 6, max_cols: int = 15) -> st.SearchStrategy[np.ndarray]:
    return st.integers(1, max_cols).flatmap(
        lambda n: arrays(
            np.float64, st.tuples(st.integers(1, max_rows), st.just(n)), elements=sizes
        )
    )


@settings(max_examples=150, deadline=None)
@given(panels(), st.integers(1, 6))
def test_property_every_measure_matches_reference(x: np.ndarray, k: int) -> None:
    if np.isnan(x).all():
        return  # rejected by validation (tested above)
    _close(conc.gini(x), per_row(gini_ref, x))
    _close(conc.gini(x, bias_corrected=True), per_row(lambda r: gini_ref(r, True), x))
    _close(conc.hall_tideman(x), per_row(hall_tideman_ref, x))
    _close(conc.top_k_share(x, k), per_row(lambda r: top_k_share_ref(r, k), x))
    _close(
        conc.concentration_coefficient(x, top_k=k),
        per_row(lambda r: concentration_coefficient_ref(r, k), x),
    )


@settings(max_examples=100, deadline=None)
@given(panels(), st.randoms(use_true_random=False))
def test_property_column_order_does_not_matter_bit_for_bit(x: np.ndarray, rnd: object) -> None:
    # every row is sorted before anything is added, so permuting the columns cannot change a bit
    if np.isnan(x).all():
        return
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)  # type: ignore[attr-defined]
    y = x[:, perm]
    for fn in (conc.gini, conc.hall_tideman, conc.concentration_coefficient):
        np.testing.assert_array_equal(fn(y), fn(x))


@settings(max_examples=100, deadline=None)
@given(panels())
def test_property_sorted_buffer_and_absent_counts(x: np.ndarray) -> None:
    # the internal layout: each row ascending with absent names as leading zeros, and the
    # binary-search count of absent names equal to a direct count
    buf, n_absent = _sort_rows(x)
    np.testing.assert_array_equal(n_absent, np.isnan(x).sum(axis=1))
    expected = np.sort(np.where(np.isnan(x), 0.0, x), axis=1)
    np.testing.assert_array_equal(buf, expected)
    assert buf.flags.c_contiguous and not np.shares_memory(buf, x)


@pytest.mark.parametrize(
    "absent", [[0, 0], [0, 63], [64, 1], [65, 0], [255, 256], [300, 2], [999, 0], [1000, 5]]
)
def test_absent_counts_past_the_probed_widths(absent: list[int]) -> None:
    # the count of absent names probes widths 64, 256, 1024, ...: rows whose absent names
    # reach past each probe, and rows with no member at all, are counted and zeroed right
    rng = np.random.default_rng(sum(absent))
    x = rng.lognormal(0.0, 1.0, (len(absent), 1000))
    for i, count in enumerate(absent):
        x[i, rng.permutation(1000)[:count]] = np.nan
    buf, n_absent = _sort_rows(x)
    np.testing.assert_array_equal(n_absent, absent)
    np.testing.assert_array_equal(buf, np.sort(np.where(np.isnan(x), 0.0, x), axis=1))
    if min(absent) < 1000:
        present = [i for i, c in enumerate(absent) if c < 1000]
        _close(conc.gini(x)[present], per_row(gini_ref, x[present]))


@settings(max_examples=100, deadline=None)
@given(panels(max_rows=1))
def test_property_lorenz_area_is_gini(x: np.ndarray) -> None:
    row = x[0]
    present = row[~np.isnan(row)]
    if present.size == 0 or present.sum() == 0:
        return
    pop, cum = conc.lorenz_curve(row)
    area = sum(
        (Fraction(float(c1)) + Fraction(float(c0)))
        / 2
        * (Fraction(float(p1)) - Fraction(float(p0)))
        for p0, p1, c0, c1 in zip(pop[:-1], pop[1:], cum[:-1], cum[1:], strict=True)
    )
    assert float(1 - 2 * area) == pytest.approx(gini_ref(row), rel=1e-12, abs=1e-15)


# ------------------------------------------------------------------ blocks on worker threads
def _panel_for_threads(seed: int = 4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = np.exp(rng.normal(0.0, 1.5, size=(1200, 300)))
    x[rng.random(x.shape) < 0.05] = np.nan
    x[7] = np.nan  # a row with no member
    return x


@pytest.mark.parametrize(
    "fn",
    [
        conc.gini,
        conc.hall_tideman,
        lambda v: conc.top_k_share(v, top_k=10),
        lambda v: conc.concentration_coefficient(v, top_k=10),
        lambda v: conc.concentration_profile(v, top_k=10).to_numpy(),
    ],
)
def test_threads_give_the_same_bits_as_one_thread(
    fn: Callable[[np.ndarray], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    x = _panel_for_threads()
    assert x.size >= conc._THREAD_MIN_VALUES  # large enough for the threaded path
    monkeypatch.setattr(conc, "_sort_threads", lambda n: 1)
    one = np.asarray(fn(x))
    monkeypatch.setattr(conc, "_sort_threads", lambda n: 3)
    three = np.asarray(fn(x))
    assert np.array_equal(one, three, equal_nan=True)


def test_row_blocks_are_balanced_across_threads() -> None:
    for n_rows, n_cols, threads in [(2520, 500, 2), (7, 3, 4), (10_000, 3000, 2), (1, 5, 2)]:
        blocks = conc._row_blocks(n_rows, n_cols, threads)
        assert blocks[0][0] == 0 and blocks[-1][1] == n_rows
        assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
        sizes = [stop - start for start, stop in blocks]
        assert max(sizes) * 8 * n_cols <= max(conc._BLOCK_BYTES, 8 * n_cols)  # cache-sized
        if n_rows >= threads:
            assert len(blocks) % threads == 0 or len(blocks) == n_rows


def test_worker_threads_and_small_panels_use_one_thread() -> None:
    import threading

    big = conc._THREAD_MIN_VALUES
    assert conc._sort_threads(big - 1) == 1
    seen: list[int] = []
    t = threading.Thread(target=lambda: seen.append(conc._sort_threads(10 * big)))
    t.start()
    t.join()
    assert seen == [1]  # e.g. inside a Dask task: no nested pool


def test_an_error_in_a_block_reaches_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conc, "_sort_threads", lambda n: 2)

    def boom(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        raise MemoryError("block failed")

    monkeypatch.setattr(conc, "_sort_rows", boom)
    with pytest.raises(MemoryError, match="block failed"):
        conc.gini(_panel_for_threads())
