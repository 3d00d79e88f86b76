"""Renamed arguments keep their old name for one release (0.2 -> 0.3), with a warning.

The old spelling must give the same result as the new one (checked bit for bit), warn with a
:class:`DivergenceDeprecationWarning` that names the new argument, and refuse to be combined
with the new name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import breadth, concentration, dispersion, flows, lags
from divergence.errors import DivergenceDeprecationWarning, DivergenceWarning

CAPS = pd.DataFrame(
    [[5.0, 3.0, 2.0, 1.0], [6.0, 3.0, 1.0, 1.0], [7.0, 2.0, 2.0, 1.0]],
    index=pd.date_range("2024-01-31", periods=3, freq="ME"),
    columns=list("ABCD"),
)
RETS = CAPS.pct_change()
RNG = np.random.default_rng(0)
SHOCK = RNG.standard_normal(80)
Y = np.cumsum(0.5 * SHOCK + RNG.standard_normal(80))
CHAIN = pd.DataFrame(
    {
        "strike": [90.0, 95.0, 100.0, 105.0, 110.0],
        "call_bid": [10.0, 6.0, 3.0, 1.0, 0.2],
        "call_ask": [10.4, 6.3, 3.2, 1.2, 0.3],
        "put_bid": [0.2, 0.9, 2.8, 5.8, 9.8],
        "put_ask": [0.3, 1.1, 3.0, 6.1, 10.3],
    }
)

#: name -> (call with the new name, call with the old name)
CASES: dict[str, tuple[Callable[[], Any], Callable[[], Any], str]] = {
    "top_k_share": (
        lambda: concentration.top_k_share(CAPS, top_k=2),
        lambda: concentration.top_k_share(CAPS, k=2),
        "top_k",
    ),
    "concentration_profile": (
        lambda: concentration.concentration_profile(CAPS, top_k=2),
        lambda: concentration.concentration_profile(CAPS, k=2),
        "top_k",
    ),
    "top_k_contribution_share": (
        lambda: breadth.top_k_contribution_share(RETS, CAPS, top_k=1),
        lambda: breadth.top_k_contribution_share(RETS, CAPS, k=1),
        "top_k",
    ),
    "local_projection": (
        lambda: lags.local_projection(Y, SHOCK, horizons=3, confidence=0.9),
        lambda: lags.local_projection(Y, SHOCK, horizons=3, alpha=0.1),
        "confidence",
    ),
    "model_free_variance": (
        lambda: dispersion.model_free_variance(CHAIN, t=0.1, rate=0.01),
        lambda: dispersion.model_free_variance(CHAIN, t=0.1, r=0.01),
        "rate",
    ),
    "implied_forward": (
        lambda: dispersion.implied_forward(CHAIN, t=0.1, rate=0.01),
        lambda: dispersion.implied_forward(CHAIN, t=0.1, r=0.01),
        "rate",
    ),
    "model_free_variance_panel": (
        lambda: dispersion.model_free_variance_panel(CHAIN.assign(c=1), by="c", t=0.1, rate=0.01),
        lambda: dispersion.model_free_variance_panel(CHAIN.assign(c=1), by="c", t=0.1, r=0.01),
        "rate",
    ),
    "simulate_flows": (
        lambda: flows.simulate_flows(CAPS.iloc[-1], n_steps=3, passive_flows=0.01, max_iter=3),
        lambda: flows.simulate_flows(
            CAPS.iloc[-1], n_steps=3, passive_flows=0.01, max_cascade_iterations=3
        ),
        "max_iter",
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_old_name_warns_and_gives_the_same_result(name: str) -> None:
    new, old, new_name = CASES[name]
    expected = new()
    with pytest.warns(DivergenceDeprecationWarning, match=rf"use .*\({new_name}=\.\.\.\)") as rec:
        got = old()
    assert issubclass(rec[0].category, DivergenceWarning)
    assert issubclass(rec[0].category, FutureWarning)  # shown to users by default
    assert rec[0].filename == __file__  # points at the caller's line
    if isinstance(expected, pd.DataFrame | pd.Series):
        assert got.equals(expected)
    elif hasattr(expected, "to_frame"):
        assert got.to_frame().equals(expected.to_frame())
    else:
        assert got == expected


def test_old_and_new_name_together_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="both 'k'"):
        concentration.top_k_share(CAPS, top_k=2, k=3)
