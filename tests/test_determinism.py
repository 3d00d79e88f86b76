"""Determinism of every stochastic public function (issue #9, item 4).

The stochastic functions are *discovered* from the public-API inventory
(:data:`reliability_table.MODULES`): any public function or method with a ``seed`` (or
``rng`` / ``random_state``) parameter must have a case in :data:`CASES`, so a new one cannot
be missed. For each:

* the same seed gives bit-identical output (``np.array_equal`` on every array,
  ``assert_frame_equal(check_exact=True)`` on every frame), run twice;
* a different seed gives different output, and ``seed=None`` draws fresh entropy;
* an ``int``, a ``SeedSequence`` and a fresh ``Generator`` built from the same integer give
  the same output; what a *reused* Generator does is pinned per function (:data:`SEED_USE`):
  a ``"stream"`` function draws from the Generator (a second call continues the stream and
  differs), a ``"spawn"`` function spawns per-path children from the Generator's
  ``SeedSequence`` (a second call gives the same result, whatever was drawn in between);
* where the work is chunked (``refinancing.simulate(chunk_size=...)``,
  ``distributed.simulate_refinancing(n_chunks=...)``) every chunk layout gives the same bits,
  and the Dask version on a two-process ``LocalCluster`` equals the local run bit for bit;
* a bad seed (negative, float, bool, string) raises the documented exception naming ``seed``.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import flows
from divergence import refinancing as refi
from divergence.errors import InputError
from reliability_table import MODULES

# the two-process LocalCluster fixture of tests/test_distributed.py (module scope: one cluster
# start for this module)
from test_distributed import client  # noqa: F401

SEED_NAMES = ("seed", "rng", "random_state")


def _stochastic() -> list[str]:
    """Public functions and methods (walked from the inventory) that take a seed."""
    found = []
    for mod_name in MODULES:
        mod = importlib.import_module(f"divergence.{mod_name}")
        for name in mod.__all__:
            obj = getattr(mod, name)
            members: list[tuple[str, Any]] = [(f"{mod_name}.{name}", obj)]
            if inspect.isclass(obj):
                members += [
                    (f"{mod_name}.{name}.{m}", getattr(obj, m))
                    for m in vars(obj)
                    if not m.startswith("_") and callable(getattr(obj, m))
                ]
            for qual, fn in members:
                if not callable(fn) or (inspect.isclass(fn) and issubclass(fn, BaseException)):
                    continue
                try:
                    params = inspect.signature(fn).parameters
                except (TypeError, ValueError):  # pragma: no cover - builtins
                    continue
                if any(p in params for p in SEED_NAMES):
                    found.append(qual)
    return sorted(found)


# --------------------------------------------------------------------------- inputs
def _refi_inputs() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    book, firms = refi.example_book(3, 5, seed=11)
    rates = refi.vasicek_paths(0.03, 0.6, 0.045, 0.01, months=18, n_paths=7, seed=12)
    return book, firms, rates


REFI = _refi_inputs()


def _flows(seed: Any) -> Any:
    return flows.simulate_flows(
        pd.Series([60.0, 30.0, 10.0], index=["a", "b", "c"]),
        n_steps=6,
        passive_flows=1.0,
        volatility=0.05,
        seed=seed,
    )


def _simulate(seed: Any, **kw: Any) -> Any:
    book, firms, rates = REFI
    return refi.simulate(book, firms, rates, seed=seed, keep="full", **kw)


def _dask_simulate(seed: Any, n_chunks: int = 3, on: Any = None, **kw: Any) -> Any:
    dask = pytest.importorskip("dask")
    from divergence.distributed import simulate_refinancing

    book, firms, rates = REFI
    if on is not None:
        return simulate_refinancing(
            book, firms, rates, seed=seed, keep="full", n_chunks=n_chunks, client=on, **kw
        )
    with dask.config.set(scheduler="synchronous"):
        return simulate_refinancing(
            book, firms, rates, seed=seed, keep="full", n_chunks=n_chunks, **kw
        )


@dataclass(frozen=True)
class Case:
    """How to call a stochastic function with a given seed, and its chunking layouts."""

    call: Callable[..., Any]
    #: keyword layouts of the chunking parameter; each must give identical bits.
    layouts: tuple[dict[str, Any], ...] = field(default_factory=tuple)


CASES: dict[str, Case] = {
    "flows.simulate_flows": Case(_flows),
    "refinancing.vasicek_paths": Case(
        lambda seed: refi.vasicek_paths(0.03, 0.5, 0.04, 0.01, months=12, n_paths=20, seed=seed)
    ),
    "refinancing.cir_paths": Case(
        lambda seed: refi.cir_paths(0.03, 0.5, 0.04, 0.05, months=12, n_paths=20, seed=seed)
    ),
    "refinancing.example_book": Case(lambda seed: refi.example_book(3, 4, seed=seed)),
    "refinancing.simulate": Case(
        _simulate,
        layouts=tuple({"chunk_size": c} for c in (None, 1, 2, 3, 5, 7)),
    ),
    "distributed.simulate_refinancing": Case(
        _dask_simulate,
        layouts=tuple({"n_chunks": c} for c in (1, 2, 3, 7)),
    ),
}

#: How a reused Generator behaves (see the module docstring).
SEED_USE: dict[str, str] = {
    "flows.simulate_flows": "stream",
    "refinancing.vasicek_paths": "stream",
    "refinancing.cir_paths": "stream",
    "refinancing.example_book": "stream",
    "refinancing.simulate": "spawn",
    "distributed.simulate_refinancing": "spawn",
}


# --------------------------------------------------------------------------- comparison
def _parts(out: Any, path: str = "out") -> list[tuple[str, Any]]:
    """Every leaf of a result: arrays, frames, series, scalars, strings (with its path)."""
    if dataclasses.is_dataclass(out) and not isinstance(out, type):
        leaves = []
        for f in dataclasses.fields(out):
            leaves += _parts(getattr(out, f.name), f"{path}.{f.name}")
        return leaves
    if isinstance(out, tuple | list) and not (out and isinstance(out[0], str | int)):
        return [leaf for i, x in enumerate(out) for leaf in _parts(x, f"{path}[{i}]")]
    return [(path, out)]


def assert_identical(a: Any, b: Any) -> None:
    """Bit-identical results: same types, shapes, dtypes, labels and values (NaN == NaN)."""
    pa, pb = _parts(a), _parts(b)
    assert [p for p, _ in pa] == [p for p, _ in pb]
    for (path, x), (_, y) in zip(pa, pb, strict=True):
        assert type(x) is type(y), path
        if isinstance(x, pd.DataFrame):
            pd.testing.assert_frame_equal(x, y, check_exact=True, obj=path)
        elif isinstance(x, pd.Series):
            pd.testing.assert_series_equal(x, y, check_exact=True, obj=path)
        elif isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape, path
            if x.dtype.kind == "f":
                # bit-identical: compare the raw bytes (also distinguishes -0.0 from 0.0)
                assert x.tobytes() == y.tobytes(), path
            else:
                assert np.array_equal(x, y), path
        elif isinstance(x, float):
            assert (x == y) or (np.isnan(x) and np.isnan(y)), path
        else:
            assert x == y, path


def _numeric(out: Any) -> list[np.ndarray]:
    arrays = []
    for _, x in _parts(out):
        if isinstance(x, pd.DataFrame):
            x = x.select_dtypes("number").to_numpy(dtype=float)
        elif isinstance(x, pd.Series):
            x = x.to_numpy() if x.dtype.kind in "fiu" else np.empty(0)
        if isinstance(x, np.ndarray) and x.dtype.kind in "fiu":
            arrays.append(np.asarray(x, dtype=float))
    return arrays


def assert_differs(a: Any, b: Any) -> None:
    """At least one number differs (the draws depend on the seed)."""
    na, nb = _numeric(a), _numeric(b)
    assert na, "no numeric output to compare"
    assert any(
        x.shape != y.shape or not np.array_equal(x, y, equal_nan=True)
        for x, y in zip(na, nb, strict=True)
    ), "different seeds gave the same output"


# --------------------------------------------------------------------------- tests
def test_every_stochastic_function_has_a_case() -> None:
    found = _stochastic()
    assert "refinancing.simulate" in found  # the walk works
    assert sorted(CASES) == found, (
        f"stochastic public functions without a determinism case: "
        f"{sorted(set(found) - set(CASES))}; stale cases: {sorted(set(CASES) - set(found))}"
    )
    assert set(SEED_USE) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_seed_bit_identical(name: str) -> None:
    call = CASES[name].call
    assert_identical(call(12345), call(12345))


@pytest.mark.parametrize("name", sorted(CASES))
def test_different_seed_differs(name: str) -> None:
    call = CASES[name].call
    assert_differs(call(1), call(2))


@pytest.mark.parametrize("name", sorted(CASES))
def test_none_draws_fresh_entropy(name: str) -> None:
    call = CASES[name].call
    assert_differs(call(None), call(None))


@pytest.mark.parametrize("name", sorted(CASES))
def test_int_seedsequence_and_fresh_generator_agree(name: str) -> None:
    call = CASES[name].call
    ref = call(2024)
    assert_identical(call(np.random.SeedSequence(2024)), ref)
    assert_identical(call(np.random.default_rng(2024)), ref)
    assert_identical(call(np.int64(2024)), ref)


@pytest.mark.parametrize("name", sorted(CASES))
def test_reused_generator(name: str) -> None:
    call = CASES[name].call
    gen = np.random.default_rng(99)
    first = call(gen)
    gen.standard_normal(5)  # the caller draws from the generator in between
    second = call(gen)
    if SEED_USE[name] == "stream":
        assert_differs(first, second)  # the stream continues where the first call stopped
        assert_identical(first, call(99))
    else:
        assert_identical(first, second)  # children of the Generator's SeedSequence
        assert_identical(first, call(99))


@pytest.mark.parametrize("name", sorted(CASES))
def test_seedsequence_is_not_advanced(name: str) -> None:
    """Passing a SeedSequence twice gives the same result (it is copied, never spawned from)."""
    call = CASES[name].call
    seq = np.random.SeedSequence(5)
    before = seq.n_children_spawned
    assert_identical(call(seq), call(seq))
    assert seq.n_children_spawned == before


@pytest.mark.parametrize(
    "name", sorted(n for n, c in CASES.items() if c.layouts), ids=lambda n: str(n)
)
def test_chunk_layouts_bit_identical(name: str) -> None:
    case = CASES[name]
    ref = case.call(77)
    for layout in case.layouts:
        assert_identical(case.call(77, **layout), ref)


def test_dask_equals_local_bitwise() -> None:
    """The synchronous Dask run equals refinancing.simulate with the same seed."""
    for seed in (0, 31, np.random.SeedSequence(8), np.random.default_rng(8)):
        assert_identical(_dask_simulate(seed, n_chunks=3), _simulate(seed))


def test_chunked_local_run_equals_dask_layouts() -> None:
    """Any local chunk_size equals any Dask n_chunks."""
    assert_identical(_simulate(5, chunk_size=2), _dask_simulate(5, n_chunks=7))


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize(
    ("seed", "exc"),
    [(-1, InputError), (1.5, TypeError), (True, TypeError), ("7", TypeError), ([1, 2], TypeError)],
    ids=["negative", "float", "bool", "string", "list"],
)
def test_bad_seed(name: str, seed: Any, exc: type[Exception]) -> None:
    with pytest.raises(exc, match=r"\bseed\b"):
        CASES[name].call(seed)


# --------------------------------------------------------------------------- on a cluster
def test_local_cluster_bit_identical(request: pytest.FixtureRequest) -> None:
    """Two worker processes: every chunk layout and seed type gives the local bits."""
    cluster = request.getfixturevalue("client")
    ref = _simulate(77)
    for n_chunks in (1, 2, 5):
        assert_identical(_dask_simulate(77, n_chunks=n_chunks, on=cluster), ref)
    gen = np.random.default_rng(77)
    assert_identical(_dask_simulate(gen, n_chunks=2, on=cluster), ref)
    assert_identical(_dask_simulate(np.random.SeedSequence(77), n_chunks=3, on=cluster), ref)
