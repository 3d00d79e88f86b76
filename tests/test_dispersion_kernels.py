"""The chain kernel: each named step by hand, loops = blocks = engines, group codes vs pandas.

The step functions of :mod:`divergence.dispersion._kernels` are checked on small chains worked
by hand (plain Python, and compiled when numba is installed); the NumPy block versions and the
compiled loop must give the same bits for random chains, whatever the block size; the panel
function must agree with the one-chain white-paper function (an independent implementation)
on every engine; the cheap group codes must equal pandas' own grouping.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _bs_boards import bs_board
from _chain_engines import break_numba
from divergence.dispersion import _kernels as kn
from divergence.dispersion import (
    implied_correlation_index,
    model_free_variance,
    model_free_variance_panel,
    vix_index,
)
from divergence.dispersion._vix import _group_codes, _presorted_starts
from divergence.errors import DivergenceWarning, InputError

NUMBA = pytest.mark.skipif(not kn.AVAILABLE, reason="numba is not installed (the fast extra)")


def _steps() -> list[tuple[str, Callable[..., Any], Callable[..., Any], Callable[..., Any]]]:
    out: list[tuple[str, Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = [
        ("python", kn.forward_k0, kn.wing_cuts, kn.chain_sums)
    ]
    if kn.AVAILABLE:
        loops = kn.compiled()
        out.append(("numba", loops.forward_k0, loops.wing_cuts, loops.chain_sums))
    return out


STEPS = _steps()
STEP_IDS = [s[0] for s in STEPS]

# A chain worked by hand (strikes 80..120 by 10; mids = bid + 0.5):
#   call mids 20.5 11.0 3.5 0.5 0.25 ; put mids 0.25 0.75 3.0 10.5 20.5
#   |C - P| = 20.25 10.25 0.5 10.0 20.25 -> K* = 100, F = 100 + 1 * (3.5 - 3.0) = 100.5
K = np.array([80.0, 90.0, 100.0, 110.0, 120.0])
CB = np.array([20.0, 10.5, 3.0, 0.0, 0.0])
CA = CB + 1.0
PB = np.array([0.0, 0.25, 2.5, 10.0, 20.0])
PA = PB + 1.0


@pytest.mark.parametrize(("name", "fk", "wc", "cs"), STEPS, ids=STEP_IDS)
def test_forward_k0_by_hand(name: str, fk: Any, wc: Any, cs: Any) -> None:
    f, i0 = fk(K, CB, CA, PB, PA, 0, 5, 1.0, False)
    assert f == 100.5 and i0 == 2  # K0 = 100, the last strike below 100.5
    # growth e^{RT} = 2 doubles the parity term; forward 101 -> still K0 = 100
    f, i0 = fk(K, CB, CA, PB, PA, 0, 5, 2.0, False)
    assert f == 101.0 and i0 == 2
    # forward exactly on a strike: "below" takes the one under it, "at_or_below" the strike
    cb = np.array([20.0, 10.5, 3.0, 0.0, 0.0])
    pb = np.array([0.0, 0.25, 3.0, 10.0, 20.0])  # C = P at 100 -> F = 100
    assert fk(K, cb, cb + 1, pb, pb + 1, 0, 5, 1.0, False) == (100.0, 1)
    assert fk(K, cb, cb + 1, pb, pb + 1, 0, 5, 1.0, True) == (100.0, 2)
    # rows 1:4 only (a chain inside a longer array): positions stay absolute
    assert fk(K, CB, CA, PB, PA, 1, 4, 1.0, False) == (100.5, 2)
    # no strike with both mids -> NaN and i0 = lo - 1; a forward below every strike -> lo - 1
    nan = np.full(5, np.nan)
    f, i0 = fk(K, nan, nan, PB, PA, 1, 5, 1.0, False)
    assert math.isnan(f) and i0 == 0
    f, i0 = fk(K[2:], CB[2:], CA[2:] + 10.0, PB[2:], PA[2:], 0, 3, 1.0, False)
    # wider call asks: |C - P| = 5.5 at 100, 5.0 at 110 (mids 5.5 and 10.5), 19.5 at 120
    assert f == 110.0 + (5.5 - 10.5) and i0 == 0  # F = 105 -> K0 = 100
    f, i0 = fk(K[3:], CB[3:], CA[3:], PB[3:], PA[3:], 0, 2, 1.0, False)
    assert f == pytest.approx(110.0 + 0.5 - 10.5) and i0 == -1  # F = 100 < 110


@pytest.mark.parametrize(("name", "fk", "wc", "cs"), STEPS, ids=STEP_IDS)
def test_wing_cuts_by_hand(name: str, fk: Any, wc: Any, cs: Any) -> None:
    # ten strikes, K0 at row 5
    pb = np.array([1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1, 1, 1, 1])
    cb = np.array([1.0, 1, 1, 1, 1, 1.0, 0.0, 1.0, 0.0, 0.0])
    # puts: walking down from row 4, rows (1, 2) are the first pair of zero bids -> cut 1
    # calls: walking up from row 6, rows (8, 9) are the first pair -> cut 9
    assert wc(cb, pb, 0, 10, 5) == (1, 9)
    # no pair: the cuts are lo - 1 and hi
    assert wc(np.ones(10), np.ones(10), 0, 10, 5) == (-1, 10)
    # a pair that straddles K0 does not count (both rows must be on one side of K0)
    pb2 = np.ones(10)
    pb2[4] = pb2[5] = 0.0
    cb2 = np.ones(10)
    cb2[5] = cb2[6] = 0.0
    assert wc(cb2, pb2, 0, 10, 5) == (-1, 10)
    # NaN bids count as zero bids
    pb3 = np.ones(10)
    pb3[2] = np.nan
    pb3[3] = 0.0
    assert wc(np.ones(10), pb3, 0, 10, 5) == (2, 10)


@pytest.mark.parametrize(("name", "fk", "wc", "cs"), STEPS, ids=STEP_IDS)
def test_chain_sums_by_hand(name: str, fk: Any, wc: Any, cs: Any) -> None:
    # the hand chain: K0 = 100 (row 2), no cut on the puts (80 has a zero bid: skipped), the
    # calls at 110 and 120 have zero bids: a pair -> cut at row 4, and 110 is skipped anyway.
    # used: 90 (put 0.75), 100 (mean of 3.0 and 3.5 = 3.25)
    #   dk: 90 -> 100 - 90 = 10; 100 -> 100 - 90 = 10
    total, n_used, n_finite = cs(K, CB, CA, PB, PA, 2, -1, 4)
    assert (n_used, n_finite) == (2, 2)
    assert total == 10 / 90**2 * 0.75 + 10 / 100**2 * 3.25
    # three strikes used: interior dk is half the distance between its neighbours used
    cb = np.array([20.0, 10.5, 3.0, 1.0, 0.0])
    total, n_used, _ = cs(K, cb, cb + 1, PB, PA, 2, -1, 5)
    assert n_used == 3
    assert total == 10 / 90**2 * 0.75 + 0.5 * (110 - 90) / 100**2 * 3.25 + 10 / 110**2 * 1.5
    # K0 alone: dk undefined (NaN) and one strike used
    total, n_used, n_finite = cs(K, CB, CA, PB, PA, 2, 1, 3)
    assert math.isnan(total) and (n_used, n_finite) == (1, 1)
    # a used strike with a missing ask: counted in n_used, not in n_finite
    pa = PA.copy()
    pa[1] = np.nan
    _, n_used, n_finite = cs(K, CB, CA, PB, pa, 2, -1, 4)
    assert (n_used, n_finite) == (2, 1)


def test_variance_step_formula() -> None:
    # sigma^2 = 2/T e^{RT} S - (F/K0 - 1)^2 / T, NaN without K0, < 2 strikes or a NaN mid
    total = np.array([0.01, 0.01, 0.01, 0.01])
    fwd = np.array([101.0, 101.0, 101.0, 101.0])
    k0 = np.array([100.0, np.nan, 100.0, 100.0])
    t = np.full(4, 0.5)
    g = np.full(4, 1.01)
    var = kn.variance(total, fwd, k0, t, g, np.array([5, 5, 1, 5]), np.array([5, 5, 1, 4]))
    assert var[0] == pytest.approx(2 / 0.5 * 1.01 * 0.01 - (0.01) ** 2 / 0.5, rel=1e-15)
    assert np.isnan(var[1:]).all()


# --------------------------------------------------------------------------- random chains
@st.composite
def chain_arrays(draw: st.DrawFn) -> dict[str, Any]:
    """Chains sorted by (chain, strike): ties at K0, NaN and zero bids, one-strike chains."""
    n_chains = draw(st.integers(1, 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sizes = rng.integers(1, 25, n_chains)
    if draw(st.booleans()):
        sizes[rng.integers(0, n_chains)] = 1  # a single-strike chain
    n = int(sizes.sum())
    k = np.concatenate(
        [np.sort(rng.choice(np.arange(50.0, 150.0, 2.5), s, replace=False)) for s in sizes]
    )
    fwd = np.repeat(rng.uniform(60, 140, n_chains), sizes)
    call = np.maximum(fwd - k, 0) + rng.uniform(0, 3, n)
    put = call - (fwd - k)
    put = np.maximum(put, 0.0)
    spread = rng.uniform(0, 0.5, n)
    cb, pb = call.copy(), put.copy()
    cb[rng.random(n) < 0.2] = 0.0  # zero bids, some in pairs
    pb[rng.random(n) < 0.2] = 0.0
    cb[rng.random(n) < 0.05] = np.nan  # missing quotes
    pb[rng.random(n) < 0.05] = np.nan
    ca = np.where(rng.random(n) < 0.03, np.nan, cb + spread)
    pa = pb + spread
    if draw(st.booleans()):  # ties: call mid = put mid at a strike, forward on the strike
        i = int(rng.integers(0, n))
        cb[i], ca[i], pb[i], pa[i] = 2.0, 2.5, 2.0, 2.5
    starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
    growth = np.exp(rng.uniform(-0.05, 0.05, n_chains))
    return {"starts": starts, "k": k, "cb": cb, "ca": ca, "pb": pb, "pa": pa, "growth": growth}


def _stats(d: dict[str, Any], rule: bool, loops: Any, block: int) -> kn.ChainStats:
    return kn.chain_stats(
        d["starts"], d["k"], d["cb"], d["ca"], d["pb"], d["pa"], d["growth"], rule, loops, block
    )


def _same(a: kn.ChainStats, b: kn.ChainStats) -> None:
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


@settings(max_examples=60, deadline=None)
@given(d=chain_arrays(), rule=st.booleans(), block=st.sampled_from([1, 2, 7, 40, 1 << 16]))
def test_blocks_and_loops_give_the_same_bits(d: dict[str, Any], rule: bool, block: int) -> None:
    ref = _stats(d, rule, None, 1)  # one chain per block
    _same(_stats(d, rule, None, block), ref)
    # the Python loop (the source numba compiles) gives the same bits as the NumPy blocks
    forward, i0, total = (np.empty(d["starts"].size) for _ in range(3))
    n_used = np.empty(d["starts"].size, dtype=np.int64)
    n_finite = np.empty_like(n_used)
    bounds = np.r_[d["starts"], d["k"].size]
    args = (bounds, d["k"], d["cb"], d["ca"], d["pb"], d["pa"], d["growth"], rule)
    with pytest.MonkeyPatch.context() as mp:  # the plain Python steps, even once compiled
        mp.setattr(kn, "_forward_k0", kn.forward_k0)
        mp.setattr(kn, "_wing_cuts", kn.wing_cuts)
        mp.setattr(kn, "_chain_sums", kn.chain_sums)
        kn.chain_loop(*args, forward, i0, total, n_used, n_finite)
    _same(kn.ChainStats(forward, i0.astype(np.int64), total, n_used, n_finite), ref)
    if kn.AVAILABLE:
        _same(_stats(d, rule, kn.compiled(), block), ref)


@settings(max_examples=60, deadline=None)
@given(d=chain_arrays(), rule=st.booleans())
def test_block_steps_equal_the_loop_steps_chain_by_chain(d: dict[str, Any], rule: bool) -> None:
    """Forward, K0 row and both wing cuts of the block steps = the one-chain steps, per chain."""
    starts, k, cb, pb = d["starts"], d["k"], d["cb"], d["pb"]
    sizes = np.diff(np.r_[starts, k.size])
    cm, pm = 0.5 * (cb + d["ca"]), 0.5 * (pb + d["pa"])
    fwd, i0 = kn.forward_k0_block(k, cm, pm, starts, sizes, d["growth"], rule)
    put_cut, call_cut = kn.wing_cuts_block(cb, pb, starts, sizes, i0)
    for c, (lo, hi) in enumerate(zip(starts, starts + sizes, strict=True)):
        f, j0 = kn.forward_k0(k, cb, d["ca"], pb, d["pa"], lo, hi, d["growth"][c], rule)
        np.testing.assert_array_equal(fwd[c], f)
        assert i0[c] == j0
        if j0 >= lo:
            assert (put_cut[c], call_cut[c]) == kn.wing_cuts(cb, pb, lo, hi, j0)


@settings(max_examples=40, deadline=None)
@given(d=chain_arrays(), block=st.sampled_from([1, 3, 64]))
def test_blocks_never_split_a_chain(d: dict[str, Any], block: int) -> None:
    edges = kn._blocks(d["starts"], d["k"].size, block)
    assert edges[0] == 0 and edges[-1] == d["starts"].size
    assert np.all(np.diff(edges) >= 1)
    rows = np.diff(np.r_[d["starts"], d["k"].size][edges])
    sizes = np.diff(np.r_[d["starts"], d["k"].size])
    # a block is at most the target plus one chain (the chain that crosses a boundary)
    assert np.all(rows <= block + sizes.max())


def _frame(d: dict[str, Any]) -> pd.DataFrame:
    sizes = np.diff(np.r_[d["starts"], d["k"].size])
    return pd.DataFrame(
        {
            "c": np.repeat(np.arange(sizes.size), sizes),
            "strike": d["k"],
            "call_bid": d["cb"],
            "call_ask": d["ca"],
            "put_bid": d["pb"],
            "put_ask": d["pa"],
            "t": np.repeat(np.linspace(0.02, 0.5, sizes.size), sizes),
        }
    )


@settings(max_examples=40, deadline=None)
@given(d=chain_arrays(), rule=st.sampled_from(["below", "at_or_below"]), shuffle=st.booleans())
def test_panel_engines_equal_one_chain_function(
    d: dict[str, Any], rule: Any, shuffle: bool
) -> None:
    # NaN asks make a crossed-quote check impossible to trip; drop rows the validator refuses
    frame = _frame(d)
    frame = frame[~(frame["call_ask"] < frame["call_bid"]) & ~(frame["put_ask"] < frame["put_bid"])]
    if shuffle:
        frame = frame.sample(frac=1.0, random_state=1)
    engines = ["numpy", "numba"] if kn.AVAILABLE else ["numpy"]
    out = {
        e: model_free_variance_panel(frame, by="c", t="t", rate=0.01, k0_rule=rule, engine=e)
        for e in engines
    }
    for e in engines[1:]:
        np.testing.assert_array_equal(out[e].to_numpy(), out["numpy"].to_numpy())
    for c, g in frame.groupby("c"):
        one = model_free_variance(g, t=float(g["t"].iloc[0]), rate=0.01, k0_rule=rule)
        got = out["numpy"].loc[c]
        if math.isnan(one):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(one, rel=1e-12, abs=1e-15)


# --------------------------------------------------------------------------- engine option
def test_engine_option_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    one = _frame(
        {
            "starts": np.array([0]),
            "k": K,
            "cb": CB,
            "ca": CA,
            "pb": PB,
            "pa": PA,
        }
    )
    with pytest.raises(InputError, match="engine"):
        model_free_variance_panel(one, by="c", t=0.1, rate=0.0, engine="fortran")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="engine"):
        vix_index(
            bs_board(pd.Timestamp("2026-05-06 10:00"), [("2026-05-22", False)], 0.2), engine="gpu"
        )  # type: ignore[arg-type]
    monkeypatch.setattr(kn, "AVAILABLE", False)
    with pytest.raises(ImportError, match="fast"):
        model_free_variance_panel(one, by="c", t=0.1, rate=0.0, engine="numba")
    # auto without numba: the NumPy engine, silently
    ref = model_free_variance_panel(one, by="c", t=0.1, rate=0.0, engine="numpy")
    np.testing.assert_array_equal(
        model_free_variance_panel(one, by="c", t=0.1, rate=0.0, engine="auto").to_numpy(),
        ref.to_numpy(),
    )


def test_auto_falls_back_with_a_warning_when_numba_is_broken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    break_numba(monkeypatch, min_rows=0)
    with pytest.warns(DivergenceWarning, match="NumPy"):
        assert kn.select("auto", 10, "test") is None
    assert kn.select("auto", 10, "test") is None  # once: the error is remembered
    assert kn.select("numpy", 10**9, "test") is None


def test_auto_uses_numpy_below_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def fake() -> str:
        calls.append(1)
        return "loops"

    fake.cache_info = lambda: SimpleNamespace(currsize=0)  # type: ignore[attr-defined]
    monkeypatch.setattr(kn, "AVAILABLE", True)
    monkeypatch.setattr(kn, "_IMPORT_ERROR", None)
    monkeypatch.setattr(kn, "compiled", fake)
    assert kn.select("auto", kn.AUTO_MIN_ROWS - 1, "test") is None and not calls
    assert kn.select("auto", kn.AUTO_MIN_ROWS, "test") == "loops"
    assert kn.select("numba", 1, "test") == "loops"


# --------------------------------------------------------------------------- group codes
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    kinds=st.lists(st.sampled_from(["int", "float", "str", "cat", "date"]), min_size=1, max_size=3),
    presort=st.booleans(),
)
def test_group_codes_equal_pandas_ngroup(
    seed: int, n: int, kinds: list[str], presort: bool
) -> None:
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    for j, kind in enumerate(kinds):
        v = rng.integers(0, 6, n)
        if kind == "int":
            cols[f"k{j}"] = v * 7 - 10
        elif kind == "float":
            cols[f"k{j}"] = v / 4.0
        elif kind == "str":
            cols[f"k{j}"] = np.array(["b", "a", "c", "aa", "z", "m"], dtype=object)[v]
        elif kind == "cat":
            cols[f"k{j}"] = pd.Categorical.from_codes(v, categories=list("qwerty"))
        else:
            cols[f"k{j}"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(v, unit="D")
    frame = pd.DataFrame(cols)
    if presort:
        frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    keys = list(frame.columns)
    expected = frame.groupby(keys, sort=True, observed=True).ngroup().to_numpy()
    codes, n_codes = _group_codes([frame[c] for c in keys])
    np.testing.assert_array_equal(codes, expected)
    assert n_codes == expected.max() + 1


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 200),
    kinds=st.lists(st.sampled_from(["int", "float", "date"]), min_size=1, max_size=3),
    presort=st.booleans(),
)
def test_presorted_starts_equal_pandas_grouping(
    seed: int, n: int, kinds: list[str], presort: bool
) -> None:
    """The comparison-only path: in order iff pandas' sort leaves the rows where they are."""
    rng = np.random.default_rng(seed)
    cols: dict[str, Any] = {}
    for j, kind in enumerate(kinds):
        v = rng.integers(0, 3, n)
        if kind == "int":
            cols[f"k{j}"] = v * 7 - 10
        elif kind == "float":
            cols[f"k{j}"] = v / 4.0
        else:
            cols[f"k{j}"] = pd.Timestamp("2026-01-01") + pd.to_timedelta(v, unit="D")
    cols["strike"] = rng.integers(0, 40, n).astype(float)  # repeats possible
    frame = pd.DataFrame(cols)
    keys = [c for c in frame.columns if c != "strike"]
    if presort:
        frame = frame.sort_values([*keys, "strike"], kind="stable").reset_index(drop=True)
    starts = _presorted_starts([frame[c] for c in keys], frame["strike"].to_numpy())
    # independent rule: rows in lexicographic (keys, strike) order, strictly (no repeats)
    rows = list(frame.itertuples(index=False, name=None))
    want_sorted = all(rows[i] < rows[i + 1] for i in range(len(rows) - 1))
    assert (starts is not None) == want_sorted
    if starts is not None:
        group = frame.groupby(keys, sort=True).ngroup().to_numpy()
        np.testing.assert_array_equal(starts, np.flatnonzero(np.r_[True, np.diff(group) != 0]))


def test_presorted_starts_leave_other_key_types_to_the_codes() -> None:
    strike = np.array([1.0, 2.0])
    for col in (pd.Series(["a", "a"]), pd.Series(pd.Categorical(["a", "a"]))):
        assert _presorted_starts([col], strike) is None


# --------------------------------------------------------------------------- vix_index layouts
NOW = pd.Timestamp("2026-05-13 10:00")  # a Wednesday
FRIDAYS = [("2026-06-05", True), ("2026-06-12", True)]  # 23.25 and 30.25 days


def test_vix_index_row_order_and_layouts_do_not_change_the_result() -> None:
    board = bs_board(NOW, FRIDAYS, 0.2, step=0.05, width=3.0)
    ref = vix_index(board, selection="bracket", engine="numpy")
    # shuffled rows (the sorting path), puts before calls, a mix of both (the general pivot)
    variants = {
        "shuffled": board.sample(frac=1.0, random_state=3),
        "puts first": board.sort_values(
            ["expiration", "strike", "option_type"], ascending=[True, True, False]
        ),
        "mixed": board.sort_values(["expiration", "strike"], kind="stable").iloc[
            np.r_[1, 0, 2 : len(board)]
        ],
        # the lowest strike's call (deep in the money, unused): runs of one row, general pivot
        "a missing call": board.drop(board.index[(board["option_type"] == "C")][0]),
    }
    for name, quotes in variants.items():
        for engine in ["numpy", "numba"] if kn.AVAILABLE else ["numpy"]:
            out = vix_index(quotes, selection="bracket", engine=engine)
            np.testing.assert_array_equal(out["vix"].to_numpy(), ref["vix"].to_numpy())
            assert out["n_strikes_near"].iloc[0] == ref["n_strikes_near"].iloc[0], name


@NUMBA
def test_implied_correlation_index_engines_equal() -> None:
    quotes = []
    for name, vol in (("IDX", 0.2), ("A", 0.3), ("B", 0.25)):
        q = bs_board(NOW, FRIDAYS, vol, step=0.05, width=3.0)
        quotes.append(q.assign(underlying=name))
    table = pd.concat(quotes, ignore_index=True)
    w = pd.Series({"A": 0.6, "B": 0.4})
    a = implied_correlation_index(table, w, index="IDX", selection="bracket", engine="numpy")
    b = implied_correlation_index(table, w, index="IDX", selection="bracket", engine="numba")
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_duplicates_found_in_ordered_and_unordered_tables() -> None:
    board = bs_board(NOW, FRIDAYS, 0.2, step=0.05, width=3.0)
    ordered = board.sort_values(["expiration", "strike", "option_type"], ignore_index=True)
    i = len(ordered) // 2
    # a repeated row next to itself (C, C), and a call after its put (C, P, C): both found,
    # in row order as given and shuffled, and the message names the option
    twice = pd.concat([ordered.iloc[: i + 1], ordered.iloc[[i]], ordered.iloc[i + 1 :]])
    row_c = ordered.index[(ordered["option_type"] == "C")][3]
    triple = pd.concat(
        [ordered.iloc[: row_c + 2], ordered.iloc[[row_c]], ordered.iloc[row_c + 2 :]]
    )
    for quotes in (twice, triple, twice.sample(frac=1.0, random_state=0)):
        with pytest.raises(InputError, match=r"quotes has 1 duplicated option\(s\).*strike="):
            vix_index(quotes, selection="bracket")


def test_categorical_and_object_keys_agree() -> None:
    quotes = pd.concat(
        [
            bs_board(NOW, FRIDAYS, vol, step=0.05, width=3.0).assign(underlying=name)
            for name, vol in (("IDX", 0.2), ("B", 0.3), ("A", 0.25))
        ],
        ignore_index=True,
    )
    w = pd.Series({"A": 0.5, "B": 0.5})
    ref = implied_correlation_index(quotes, w, index="IDX", selection="bracket")
    cat = quotes.assign(
        underlying=pd.Categorical(quotes["underlying"], categories=["IDX", "B", "A", "unused"]),
        option_type=pd.Categorical(quotes["option_type"].str.lower()),
        root=pd.Categorical(quotes["root"]),
    )
    out = implied_correlation_index(cat, w, index="IDX", selection="bracket")
    pd.testing.assert_frame_equal(out, ref, check_exact=True)
    with pytest.raises(InputError, match="option_type"):
        implied_correlation_index(
            cat.assign(option_type=pd.Categorical(["X"] * len(cat))), w, index="IDX"
        )


def test_ordered_scan_blocks_do_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    from divergence.dispersion import _index

    quotes = pd.concat(
        [
            bs_board(NOW, FRIDAYS, vol, step=0.05, width=3.0).assign(underlying=name)
            for name, vol in (("A", 0.25), ("B", 0.3), ("IDX", 0.2))
        ],
        ignore_index=True,
    ).sort_values(["underlying", "expiration", "strike", "option_type"], ignore_index=True)
    w = pd.Series({"A": 0.5, "B": 0.5})
    ref = implied_correlation_index(quotes, w, index="IDX", selection="bracket")
    dup = pd.concat([quotes.iloc[:5], quotes.iloc[[4]], quotes.iloc[5:]], ignore_index=True)
    for rows in (1, 2, 3, 1000):
        monkeypatch.setattr(_index, "_SCAN_ROWS", rows)
        out = implied_correlation_index(quotes, w, index="IDX", selection="bracket")
        pd.testing.assert_frame_equal(out, ref, check_exact=True)
        with pytest.raises(InputError, match="duplicated option"):
            implied_correlation_index(dup, w, index="IDX", selection="bracket")


def test_block_steps_on_the_hand_chain() -> None:
    # the hand chain twice in one block (the second with growth 2): each NumPy block step gives
    # what its loop twin gives by hand above, with block-local row positions
    k, cb, ca = np.r_[K, K], np.r_[CB, CB], np.r_[CA, CA]
    pb, pa = np.r_[PB, PB], np.r_[PA, PA]
    starts, sizes = np.array([0, 5]), np.array([5, 5])
    cm, pm = 0.5 * (cb + ca), 0.5 * (pb + pa)
    fwd, i0 = kn.forward_k0_block(k, cm, pm, starts, sizes, np.array([1.0, 2.0]), False)
    np.testing.assert_array_equal(fwd, [100.5, 101.0])
    np.testing.assert_array_equal(i0, [2, 7])
    put_cut, call_cut = kn.wing_cuts_block(cb, pb, starts, sizes, i0)
    np.testing.assert_array_equal(put_cut, [-1, 4])  # no put pair: lo - 1
    np.testing.assert_array_equal(call_cut, [4, 9])  # zero call bids at 110 and 120
    total, n_used, n_finite = kn.chain_sums_block(
        k, cb, pb, cm, pm, starts, sizes, i0, put_cut, call_cut
    )
    hand = 10 / 90**2 * 0.75 + 10 / 100**2 * 3.25
    np.testing.assert_array_equal(total, [hand, hand])
    np.testing.assert_array_equal(n_used, [2, 2])
    np.testing.assert_array_equal(n_finite, [2, 2])


def test_panel_categorical_and_multi_column_keys() -> None:
    # a categorical chain label (categories in a non-lexical order), rows shuffled, and the
    # same chains keyed by two columns: equal to the one-chain function, labelled as pandas
    rng = np.random.default_rng(5)
    parts = []
    for j, (name, expiry) in enumerate([("b", 1), ("a", 2), ("b", 2), ("c", 1)]):
        parts.append(
            _frame({"starts": np.array([0]), "k": K + j, "cb": CB, "ca": CA, "pb": PB, "pa": PA})
            .drop(columns="c")
            .assign(name=name, expiry=expiry, t=0.05 * (j + 1))
        )
    frame = pd.concat(parts, ignore_index=True)
    frame = frame.iloc[rng.permutation(len(frame))]
    cat = frame.assign(name=pd.Categorical(frame["name"], categories=["c", "b", "a", "zz"]))
    var = model_free_variance_panel(cat, by=["name", "expiry"], t="t", rate=0.0)
    assert list(var.index) == [("c", 1), ("b", 1), ("b", 2), ("a", 2)]
    for (name, expiry), v in var.items():
        g = frame[(frame["name"] == name) & (frame["expiry"] == expiry)]
        assert v == pytest.approx(
            model_free_variance(g, t=float(g["t"].iloc[0]), rate=0.0), rel=1e-13
        )
    by_cat = model_free_variance_panel(
        cat[cat["expiry"] == 1], by="name", t="t", rate=0.0, engine="numpy"
    )
    assert list(by_cat.index) == ["c", "b"]
    np.testing.assert_array_equal(by_cat.to_numpy(), var.loc[[("c", 1), ("b", 1)]].to_numpy())
