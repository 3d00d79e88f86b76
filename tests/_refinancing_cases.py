"""Shared cases of the refinancing engine tests (engines, threads).

``odd_book`` adds to an example book three firms the engine must get right at the edges:
negative EBIT, zero EBIT and floating debt at a negative rate. ``assert_same_result`` compares
every field of two :class:`RefinancingResult` objects, arrays bit for bit.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from divergence.refinancing import RefinancingResult, example_book


def odd_book(tranches: int, negrate_maturity: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Example book (3 mega-caps, ``tranches`` tranches each) plus the three edge firms."""
    book, firms = example_book(3, tranches, seed=4)
    extra_firms = pd.DataFrame(
        {
            "firm": ["neg", "zero", "negrate"],
            "ebit": [-5.0, 0.0, 3.0],
            "growth": [0.0, 0.01, 0.02],
            "volatility": [0.2, 0.3, 0.1],
            "cohort": ["odd", "odd", "odd"],
        }
    )
    extra_book = pd.DataFrame(
        {
            "firm": ["neg", "zero", "negrate"],
            "principal": [50.0, 20.0, 40.0],
            "kind": ["fixed", "floating", "floating"],
            "coupon": [0.04, 0.03, -0.01],
            "maturity": [6, 30, negrate_maturity],
            "tenor": [24, 36, 12],
            "spread": [np.nan, 0.01, -0.02],
            "reset_months": [np.nan, 3, 1],
        }
    )
    return (
        pd.concat([book, extra_book], ignore_index=True),
        pd.concat([firms, extra_firms], ignore_index=True),
    )


def assert_same_result(a: RefinancingResult, b: RefinancingResult, label: str = "") -> None:
    """Every field equal: arrays bit for bit, other fields with ``==`` (None as None)."""
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        where = f"{label}: {field.name}" if label else field.name
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(y, x, err_msg=where)
        else:
            assert y == x, where
