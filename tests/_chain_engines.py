"""The ``engine`` fixture shared by the chain-kernel test modules.

A module that imports it (``from _chain_engines import engine``) runs every test twice: with
``engine="auto"`` meaning the NumPy blocks, then meaning the compiled (numba) loop;
``tests/test_dispersion_kernels.py`` checks that the two give the same bits.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace

import pytest

from divergence.dispersion import _kernels


@pytest.fixture(autouse=True, scope="module", params=["numpy", "numba"])
def engine(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run the module with ``engine="auto"`` meaning NumPy, then meaning numba."""
    name: str = request.param
    if name == "numba" and not _kernels.AVAILABLE:
        pytest.skip("numba is not installed (the fast extra)")
    real = _kernels.select
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            _kernels,
            "select",
            lambda opt, rows, caller: real(name if opt == "auto" else opt, rows, caller),
        )
        yield name


def break_numba(monkeypatch: pytest.MonkeyPatch, *, min_rows: int) -> None:
    """numba reported installed but its loops fail to build (as a numba built for another
    NumPy does), and ``engine="auto"`` asks for them from ``min_rows`` strike rows."""

    def broken() -> None:
        raise ImportError("numba built for another NumPy")

    broken.cache_info = lambda: SimpleNamespace(currsize=0)  # type: ignore[attr-defined]
    monkeypatch.setattr(_kernels, "AVAILABLE", True)
    monkeypatch.setattr(_kernels, "_IMPORT_ERROR", None)
    monkeypatch.setattr(_kernels, "compiled", broken)
    monkeypatch.setattr(_kernels, "AUTO_MIN_ROWS", min_rows)
