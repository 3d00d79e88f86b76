"""Assertions the mutation run of divergence._windows showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_windows.json``). The reference is a plain loop written here over each
trailing window (rows ``max(0, t-w+1) .. t``), and, for the rounding yardstick ``scale``, the
same loop split at the block boundary as the module docstring describes.
"""

from __future__ import annotations

import numpy as np
import pytest

from divergence._windows import (
    TINY_SPREAD,
    WindowMoments,
    _blocks,
    _tail,
    trailing_sums,
    window_moments,
)

CASES = [(1, 1), (1, 3), (2, 3), (5, 1), (6, 3), (7, 3), (8, 3), (9, 4), (10, 10), (11, 5)]


def _naive_sums(v: np.ndarray, w: int) -> np.ndarray:
    return np.array([v[max(0, t - w + 1) : t + 1].sum(axis=0) for t in range(v.shape[0])])


@pytest.mark.parametrize(("t_len", "w"), CASES)
def test_trailing_sums_match_a_loop(t_len: int, w: int) -> None:
    rng = np.random.default_rng(t_len * 31 + w)
    v = rng.integers(-9, 10, size=(t_len, 2)).astype(np.float64)  # exact in float64
    got = trailing_sums(v, w)
    assert got.shape == v.shape
    np.testing.assert_array_equal(got, _naive_sums(v, w))
    flat = trailing_sums(v[:, 0], w)
    np.testing.assert_array_equal(flat, _naive_sums(v[:, 0], w))


def test_blocks_and_tail_shapes() -> None:
    v = np.arange(7.0)
    b = _blocks(v, 3)
    assert b.shape == (3, 3)
    np.testing.assert_array_equal(b[2], [6.0, 0.0, 0.0])
    assert _blocks(np.arange(6.0), 3).shape == (2, 3)
    # rows t < w - 1 have no suffix piece; a window starting on a block start has none either
    suffix = np.arange(1.0, 8.0)
    np.testing.assert_array_equal(_tail(suffix, 3), [0, 0, 0, 2, 3, 0, 5])
    np.testing.assert_array_equal(_tail(np.arange(1.0, 3.0), 3), [0.0, 0.0])
    np.testing.assert_array_equal(_tail(np.arange(1.0, 4.0), 3), [0.0, 0.0, 0.0])


def _naive_moments(
    xs: list[np.ndarray], valid: np.ndarray, w: int, i: int, j: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Count, means of i and j, co-moment and scale, window by window (1-D variables)."""
    t_len = valid.shape[0]
    n = np.zeros(t_len)
    mi, mj, cross, scale = (np.full(t_len, np.nan) for _ in range(4))
    for t in range(t_len):
        s = max(0, t - w + 1)
        rows = [r for r in range(s, t + 1) if valid[r]]
        n[t] = len(rows)
        if not rows:
            cross[t] = 0.0
            continue
        a, b = xs[i][rows], xs[j][rows]
        mi[t], mj[t] = a.mean(), b.mean()
        cross[t] = ((a - a.mean()) * (b - b.mean())).sum()
        if i == j:
            # head: rows of t's block up to t; tail: the rest of the window (s's block)
            start = (t // w) * w
            head = [r for r in rows if r >= start]
            tail = [r for r in rows if r < start]
            total = 0.0
            means = []
            for piece, ref_row in ((tail, -1), (head, 0)):
                if piece:
                    vals = xs[i][piece]
                    ref = vals[ref_row]  # last valid of the tail, first valid of the head
                    total += ((vals - ref) ** 2).sum()
                    means.append((vals.mean(), len(piece)))
            if len(means) == 2:
                (ma, na), (mb, nb) = means
                total += (mb - ma) ** 2 * na * nb / (na + nb)
            scale[t] = total
    return n, mi, mj, cross, scale


@pytest.mark.parametrize(("t_len", "w"), CASES)
def test_window_moments_match_a_loop(t_len: int, w: int) -> None:
    rng = np.random.default_rng(100 + t_len * 7 + w)
    x = rng.integers(-20, 21, size=t_len).astype(np.float64) / 4.0
    y = rng.integers(-20, 21, size=t_len).astype(np.float64) / 8.0 + 3.0
    valid = rng.random(t_len) < 0.7
    if t_len > 2:
        valid[1] = False
    x_in = np.where(valid, x, np.nan)
    mom = window_moments([x_in, y], valid, w, [(0, 0), (0, 1), (1, 1)])
    assert isinstance(mom, WindowMoments)
    for i, j in [(0, 0), (0, 1), (1, 1)]:
        n, mi, mj, cross, scale = _naive_moments([x, y], valid, w, i, j)
        np.testing.assert_array_equal(mom.n, n)
        np.testing.assert_allclose(mom.mean[i], mi, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mom.mean[j], mj, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mom.cross[i, j], cross, rtol=1e-12, atol=1e-12)
        if i == j:
            np.testing.assert_allclose(mom.scale[i][n > 0], scale[n > 0], rtol=1e-12, atol=1e-12)
            assert (mom.scale[i][n == 0] == 0).all()
    assert set(mom.scale) == {0, 1}
    assert set(mom.cross) == {(0, 0), (0, 1), (1, 1)}


def test_window_moments_two_dimensional_columns() -> None:
    rng = np.random.default_rng(5)
    x = rng.integers(-5, 6, size=(9, 3)).astype(np.float64)
    valid = rng.random((9, 3)) < 0.8
    mom = window_moments([x], valid, 4, [(0, 0)])
    for col in range(3):
        n, m, _, cross, _ = _naive_moments([x[:, col]], valid[:, col], 4, 0, 0)
        np.testing.assert_array_equal(mom.n[:, col], n)
        np.testing.assert_allclose(mom.mean[0][:, col], m, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(mom.cross[0, 0][:, col], cross, rtol=1e-12, atol=1e-12)


def test_degenerate_thresholds() -> None:
    # a constant window after a huge value: exactly zero spread (the point of the method)
    x = np.array([1e12, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0])
    mom = window_moments([x], np.ones(7, dtype=bool), 3, [(0, 0)])
    assert (mom.cross[0, 0][4:] == 0.0).all()
    assert mom.degenerate(0)[4:].all() and not mom.degenerate(0)[1:3].any()
    # the relative test: cross <= rtol * scale (at equality too), or cross < TINY_SPREAD
    n = np.ones(4)
    cross = np.array([1.0, 1.0, 2.0, TINY_SPREAD / 2])
    scale = np.array([1e12, 1e13, 1e12, 0.0])
    wm = WindowMoments(n, [n], {(0, 0): cross}, {0: scale})
    np.testing.assert_array_equal(wm.degenerate(0), [True, True, False, True])
    np.testing.assert_array_equal(wm.degenerate(0, rtol=1e-11), [True, True, True, True])
    at_tiny = WindowMoments(n[:1], [n[:1]], {(0, 0): np.array([TINY_SPREAD])}, {0: np.zeros(1)})
    assert not at_tiny.degenerate(0)[0]
    assert TINY_SPREAD == 1e-290


def test_window_moments_scale_with_one_sided_gaps() -> None:
    # blocks whose valid rows are not placed symmetrically: the tail piece's reference is the
    # last valid value of its block (first and mirrored positions differ)
    x = np.array([2.0, 5.0, 7.0, 1.0, 4.0, 6.0, 3.0, 8.0, 9.0, 2.5])
    valid = np.array([True, True, False, False, True, True, False, False, True, False])
    mom = window_moments([x], valid, 4, [(0, 0)])
    n, mean, _, cross, scale = _naive_moments([x], valid, 4, 0, 0)
    np.testing.assert_array_equal(mom.n, n)
    np.testing.assert_allclose(mom.mean[0], mean, rtol=1e-12)
    np.testing.assert_allclose(mom.cross[0, 0], cross, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(mom.scale[0][n > 0], scale[n > 0], rtol=1e-12, atol=1e-12)
