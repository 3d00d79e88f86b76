"""realized_volatility: closed forms, a plain-loop reference, alignment, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from divergence.dispersion import realized_volatility
from divergence.errors import InputError


def _loop(r: np.ndarray, n: int, m: int, demean: bool) -> np.ndarray:
    """Plain reference: one window at a time (statistics module formulas written out)."""
    out = np.full(r.shape, np.nan)
    for t in range(n - 1, r.shape[0]):
        w = r[t - n + 1 : t + 1]
        for j in range(r.shape[1]):
            x = w[:, j]
            if np.isnan(x).any():
                continue
            if demean:
                out[t, j] = np.sqrt(m * np.sum((x - x.mean()) ** 2) / (n - 1))
            else:
                out[t, j] = np.sqrt(m * np.mean(x**2))
    return out


def test_closed_forms() -> None:
    # +-a alternating: root mean square a per period; sample std over an even window of n
    # values is a * sqrt(n / (n - 1)). Annualised by sqrt(252).
    a, n = 0.01, 4
    r = pd.Series([a, -a] * 5, index=pd.date_range("2024-01-01", periods=10, freq="B"))
    rms = realized_volatility(r, window=n, periods_per_year=252, demean=False)
    std = realized_volatility(r, window=n, periods_per_year=252)
    assert isinstance(rms, pd.Series)
    assert rms.index.equals(r.index)
    np.testing.assert_allclose(rms.iloc[n - 1 :], a * np.sqrt(252), rtol=1e-12)
    np.testing.assert_allclose(std.iloc[n - 1 :], a * np.sqrt(n / (n - 1)) * np.sqrt(252))
    assert rms.iloc[: n - 1].isna().all()
    # constant returns: zero sample std
    const = realized_volatility([0.02] * 6, window=3, periods_per_year=12)
    np.testing.assert_allclose(const[2:], 0.0, atol=1e-12)


@given(
    r=arrays(np.float64, (12, 3), elements=st.floats(-0.2, 0.2)),
    n=st.integers(2, 6),
    demean=st.booleans(),
    holes=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 2)), max_size=3),
)
def test_matches_plain_loop_and_forward_is_shifted(
    r: np.ndarray, n: int, demean: bool, holes: list[tuple[int, int]]
) -> None:
    r = r.copy()
    for i, j in holes:
        r[i, j] = np.nan
    got = realized_volatility(r, window=n, periods_per_year=252, demean=demean)
    np.testing.assert_allclose(got, _loop(r, n, 252, demean), rtol=1e-7, atol=1e-9)
    fwd = realized_volatility(r, window=n, periods_per_year=252, demean=demean, align="forward")
    np.testing.assert_array_equal(fwd[:-n], got[n:])
    assert np.isnan(fwd[-n:]).all()


def test_frame_in_frame_out_and_not_mutated() -> None:
    df = pd.DataFrame({"a": [0.01, 0.02, -0.01, 0.0], "b": [0.0, 0.01, 0.01, -0.02]})
    before = df.copy()
    out = realized_volatility(df, window=2, periods_per_year=252)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b"]
    pd.testing.assert_frame_equal(df, before)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"window": 1}, InputError, "window"),
        ({"window": 99}, InputError, "window"),
        ({"window": 2.0}, TypeError, "window"),
        ({"periods_per_year": 0}, InputError, "periods_per_year"),
        ({"align": "centre"}, InputError, "align"),
        ({"demean": 1}, TypeError, "demean"),
    ],
)
def test_bad_options(kwargs: dict[str, object], exc: type, match: str) -> None:
    args: dict[str, object] = {"window": 3, "periods_per_year": 252, **kwargs}
    with pytest.raises(exc, match=match):
        realized_volatility([0.01, 0.02, 0.0, -0.01], **args)  # type: ignore[arg-type]


def test_bad_returns() -> None:
    with pytest.raises(InputError, match="returns"):
        realized_volatility([0.01, np.inf, 0.0], window=2, periods_per_year=252)
    with pytest.raises(TypeError, match="returns"):
        realized_volatility(["a", "b"], window=2, periods_per_year=252)
