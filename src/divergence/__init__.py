"""divergence: measure how a headline equity index can diverge from the economy beneath it.

Submodules are loaded on first access, so ``import divergence`` is cheap and imports neither
scipy, statsmodels, matplotlib nor dask::

    >>> import divergence as dv
    >>> print(f"{dv.concentration.hhi([30, 30, 20, 20]):.4f}")
    0.2600
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "breadth",
        "concentration",
        "cost",
        "datasets",
        "dispersion",
        "distributed",
        "errors",
        "flows",
        "lags",
        "liquidity",
        "plotting",
        "premia",
        "real",
        "refinancing",
        "report",
        "risk",
        "rotation",
    }
)

__all__ = ["__version__", *sorted(_SUBMODULES)]

if TYPE_CHECKING:  # pragma: no cover
    from divergence import breadth as breadth
    from divergence import concentration as concentration
    from divergence import cost as cost
    from divergence import datasets as datasets
    from divergence import dispersion as dispersion
    from divergence import distributed as distributed
    from divergence import errors as errors
    from divergence import flows as flows
    from divergence import lags as lags
    from divergence import liquidity as liquidity
    from divergence import premia as premia
    from divergence import real as real
    from divergence import refinancing as refinancing
    from divergence import risk as risk
    from divergence import rotation as rotation


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"divergence.{name}")
    raise AttributeError(f"module 'divergence' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
