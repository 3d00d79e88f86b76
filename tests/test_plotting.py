"""divergence.plotting on the Agg backend: each function returns the Axes it drew on."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from divergence import concentration as conc
from divergence import plotting
from divergence.errors import InputError


def test_lorenz_curve_draws_on_given_axes() -> None:
    fig, ax = plt.subplots()
    out = plotting.lorenz_curve([1.0, 2.0, 3.0, np.nan, 10.0], ax=ax)
    assert out is ax
    xs, ys = ax.lines[0].get_data()
    pop, cum = conc.lorenz_curve([1.0, 2.0, 3.0, 10.0])
    np.testing.assert_allclose(xs, pop)
    np.testing.assert_allclose(ys, cum)
    assert f"{conc.gini([1.0, 2.0, 3.0, 10.0]):.3f}" in ax.get_legend().get_texts()[0].get_text()
    plt.close(fig)


def test_concentration_over_time_breaks_at_gaps() -> None:
    idx = pd.to_datetime(["2015-01-01", "2015-06-01", "2024-01-01", "2024-06-01"])
    caps = pd.DataFrame([[3.0, 1.0], [4.0, 1.0], [9.0, 1.0], [5.0, 5.0]], index=idx)
    ax = plotting.concentration_over_time(caps, "hhi")
    _, ys = ax.lines[0].get_data()
    assert len(ys) == 5 and np.isnan(ys[2])  # one NaN inserted in the 2015-2024 gap
    np.testing.assert_allclose(np.asarray(ys)[[0, 1, 3, 4]], conc.hhi(caps).to_numpy())
    prof = conc.concentration_profile(caps)
    ax2 = plotting.concentration_over_time(prof, "effective_n", gap_days=10_000)
    assert len(ax2.lines[0].get_data()[1]) == 4
    plt.close("all")


def test_concentration_over_time_bad_inputs() -> None:
    caps = pd.DataFrame([[1.0, 2.0]], index=pd.to_datetime(["2020-01-01"]))
    with pytest.raises(InputError, match="measure must be one of"):
        plotting.concentration_over_time(caps, "hhhi")
    with pytest.raises(TypeError, match="data must be a DataFrame"):
        plotting.concentration_over_time(np.ones((2, 2)))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="gap_days must be > 0"):
        plotting.concentration_over_time(caps, gap_days=0)
