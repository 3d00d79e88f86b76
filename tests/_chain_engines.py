"""The ``engine`` fixture shared by the chain-kernel test modules.

A module that imports it (``from _chain_engines import engine``) runs every test twice: with
``engine="auto"`` meaning the NumPy blocks, then meaning the compiled (numba) loop;
``tests/test_dispersion_kernels.py`` checks that the two give the same bits.
"""

from __future__ import annotations

from collections.abc import Iterator

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
