"""Write small offline Sphinx inventories for intersphinx.

CI machines have no network, so intersphinx cannot download ``objects.inv`` from numpy.org and
friends. This script writes inventories (Sphinx format version 2) for the handful of external
names the divergence docs refer to, pointing at the projects' real, public documentation URLs.
Add a line to ``OBJECTS`` when the docs start referring to a new external name.
"""

from __future__ import annotations

import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# project -> (display name, [(name, domain:role, uri relative to the project's base URL)])
OBJECTS: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "python": (
        "Python",
        [
            ("float", "py:class", "library/functions.html#float"),
            ("int", "py:class", "library/functions.html#int"),
            ("bool", "py:class", "library/functions.html#bool"),
            ("str", "py:class", "library/stdtypes.html#str"),
            ("ValueError", "py:exception", "library/exceptions.html#ValueError"),
            ("TypeError", "py:exception", "library/exceptions.html#TypeError"),
            ("UserWarning", "py:exception", "library/exceptions.html#UserWarning"),
        ],
    ),
    "numpy": (
        "NumPy",
        [
            ("numpy.ndarray", "py:class", "reference/generated/numpy.ndarray.html"),
            ("numpy.partition", "py:function", "reference/generated/numpy.partition.html"),
            ("numpy.sort", "py:function", "reference/generated/numpy.sort.html"),
            ("numpy.nansum", "py:function", "reference/generated/numpy.nansum.html"),
            ("numpy.argpartition", "py:function", "reference/generated/numpy.argpartition.html"),
            ("numpy.bincount", "py:function", "reference/generated/numpy.bincount.html"),
            ("numpy.unique", "py:function", "reference/generated/numpy.unique.html"),
            ("numpy.polyfit", "py:function", "reference/generated/numpy.polyfit.html"),
            (
                "numpy.minimum.reduceat",
                "py:function",
                "reference/generated/numpy.ufunc.reduceat.html",
            ),
            ("numpy.inf", "py:data", "reference/constants.html#numpy.inf"),
            ("numpy.nan", "py:data", "reference/constants.html#numpy.nan"),
            (
                "numpy.random.Generator",
                "py:class",
                "reference/random/generator.html#numpy.random.Generator",
            ),
            (
                "numpy.random.SeedSequence",
                "py:class",
                "reference/random/bit_generators/generated/numpy.random.SeedSequence.html",
            ),
        ],
    ),
    "pandas": (
        "pandas",
        [
            ("pandas.DataFrame", "py:class", "reference/api/pandas.DataFrame.html"),
            ("pandas.Series", "py:class", "reference/api/pandas.Series.html"),
            ("pandas.Index", "py:class", "reference/api/pandas.Index.html"),
            ("pandas.DatetimeIndex", "py:class", "reference/api/pandas.DatetimeIndex.html"),
            ("pandas.Timestamp", "py:class", "reference/api/pandas.Timestamp.html"),
            (
                "pandas.DataFrame.rolling",
                "py:method",
                "reference/api/pandas.DataFrame.rolling.html",
            ),
        ],
    ),
    "scipy": (
        "SciPy",
        [
            ("scipy.stats", "py:module", "reference/stats.html"),
            ("scipy.optimize", "py:module", "reference/optimize.html"),
        ],
    ),
    "statsmodels": (
        "statsmodels",
        [
            (
                "statsmodels.regression.linear_model.OLS",
                "py:class",
                "generated/statsmodels.regression.linear_model.OLS.html",
            ),
            (
                "statsmodels.discrete.discrete_model.Logit",
                "py:class",
                "generated/statsmodels.discrete.discrete_model.Logit.html",
            ),
        ],
    ),
}


def write_all(target: Path = HERE) -> dict[str, Path]:
    """Write one ``<project>.inv`` per project and return their paths."""
    paths: dict[str, Path] = {}
    for project, (display, objects) in OBJECTS.items():
        header = (
            "# Sphinx inventory version 2\n"
            f"# Project: {display}\n"
            "# Version: stable\n"
            "# The remainder of this file is compressed using zlib.\n"
        ).encode()
        body = "".join(f"{name} {role} 1 {uri} -\n" for name, role, uri in objects).encode()
        path = target / f"{project}.inv"
        path.write_bytes(header + zlib.compress(body))
        paths[project] = path
    return paths


if __name__ == "__main__":
    for name, path in write_all().items():
        print(name, path)
