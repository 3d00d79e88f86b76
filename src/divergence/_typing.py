"""Type aliases shared across divergence (private)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

#: A float64 array of any shape.
FloatArray: TypeAlias = npt.NDArray[np.float64]
#: A one-dimensional float64 array.
Float64Array1D: TypeAlias = np.ndarray[tuple[int], np.dtype[np.float64]]
#: A two-dimensional float64 array.
Float64Array2D: TypeAlias = np.ndarray[tuple[int, int], np.dtype[np.float64]]
#: A boolean array of any shape.
BoolArray: TypeAlias = npt.NDArray[np.bool_]
#: An integer array of any shape.
IntArray: TypeAlias = npt.NDArray[np.int64]

#: Anything numpy can turn into an array of numbers, or a pandas object.
ArrayLike: TypeAlias = npt.ArrayLike | pd.Series | pd.DataFrame
#: One- or two-dimensional numeric data (a cross-section, a series or a panel).
PanelLike: TypeAlias = npt.ArrayLike | pd.Series | pd.DataFrame
#: A one-dimensional series of numbers.
SeriesLike: TypeAlias = npt.ArrayLike | pd.Series

#: Share-class grouping: column label -> company label, or one label per column.
GroupsLike: TypeAlias = Mapping[Hashable, Hashable] | pd.Series | Sequence[Hashable]

#: How to treat NaN (``"omit"``: NaN means "not present"; ``"propagate"``; ``"raise"``).
NanPolicy: TypeAlias = Literal["omit", "propagate", "raise"]

#: Random seed accepted by every stochastic function.
SeedLike: TypeAlias = int | np.random.Generator | np.random.SeedSequence | None

__all__ = [
    "ArrayLike",
    "BoolArray",
    "Float64Array1D",
    "Float64Array2D",
    "FloatArray",
    "GroupsLike",
    "IntArray",
    "NanPolicy",
    "PanelLike",
    "SeedLike",
    "SeriesLike",
]
