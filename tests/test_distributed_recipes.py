"""Every Dask recipe of the documentation runs as written and gives the local numbers.

One test per recipe of ``docs/user_guide/distributed.rst`` and of the docstrings of
:mod:`divergence.distributed`. The reference is always the local (pandas) function on the
whole input; the calls are copied from the documentation, not adapted to make them pass (the
breadth recipe needed a wrapper with a dummy ``window`` argument before ``rolling`` learnt to
pass ``window`` only to functions that take it).
"""

from __future__ import annotations

import doctest
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import divergence.distributed as dist_module  # noqa: E402
from divergence import breadth, concentration, datasets  # noqa: E402
from divergence.distributed import cross_sectional, rolling, simulate_refinancing  # noqa: E402
from divergence.errors import InputError  # noqa: E402
from divergence.refinancing import example_book, simulate, vasicek_paths  # noqa: E402

SYNC = "synchronous"
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "user_guide" / "distributed.rst"


def _code_blocks(text: str) -> list[str]:
    """The Python of every ``code-block:: python`` and ``plot`` directive of an rst page."""
    blocks = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)\.\. (code-block:: python|plot::)\s*$", line)
        if not m:
            continue
        indent = len(m.group(1))
        body = []
        for nxt in lines[i + 1 :]:
            if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= indent:
                break
            if not body and nxt.strip().startswith(":"):  # directive options
                continue
            body.append(nxt)
        blocks.append(textwrap.dedent("\n".join(body)).strip())
    return blocks


@pytest.fixture(scope="module")
def caps() -> pd.DataFrame:
    return datasets.load_sp500_daily_market_caps()


@pytest.fixture(scope="module")
def returns(caps: pd.DataFrame) -> pd.DataFrame:
    # decimal returns of the bundled caps (no fill across absent names)
    return caps.pct_change(fill_method=None)


@pytest.fixture
def client() -> Iterator[Any]:
    # an in-process cluster, made the default client as in the guide's "create a client first"
    with distributed.Client(processes=False, dashboard_address=":0") as c:
        yield c


# --------------------------------------------------------------------------- the guide
def test_guide_example_hhi_of_the_sp500_is_the_local_result(caps: pd.DataFrame) -> None:
    # docs/user_guide/distributed.rst, "Example" (the plot's code, without the figure)
    panel = dd.from_pandas(caps, npartitions=5)
    hhi = cross_sectional(concentration.hhi, panel).compute(scheduler="synchronous")
    assert hhi.equals(concentration.hhi(caps))


@pytest.mark.parametrize("func", [breadth.breadth, breadth.index_return])
def test_guide_breadth_through_rolling_with_window_two(
    func: Any, caps: pd.DataFrame, returns: pd.DataFrame
) -> None:
    # "Partitioning rules": breadth weights day t by the caps of day t-1, "so it needs one row
    # of history: run it through rolling with window=2" -- the function itself, no wrapper
    lazy = rolling(
        func,
        dd.from_pandas(returns, npartitions=5),
        dd.from_pandas(caps, npartitions=5),
        window=2,
    )
    got = lazy.compute(scheduler=SYNC)
    local = func(returns, caps)
    if isinstance(local, pd.DataFrame):
        pd.testing.assert_frame_equal(got, local, check_freq=False)
    else:
        pd.testing.assert_series_equal(got, local, check_freq=False)


def test_guide_breadth_through_cross_sectional_would_be_wrong(
    caps: pd.DataFrame, returns: pd.DataFrame
) -> None:
    # why the guide sends breadth to rolling: row-wise, the first row of every partition but
    # the first loses its start-of-period caps
    lazy = cross_sectional(
        breadth.index_return,
        dd.from_pandas(returns, npartitions=5),
        dd.from_pandas(caps, npartitions=5),
    )
    got = lazy.compute(scheduler=SYNC)
    local = breadth.index_return(returns, caps)
    differs = ~np.isclose(got.to_numpy(), local.to_numpy(), equal_nan=True)
    assert differs.sum() == 4  # the first row of partitions 2..5


def test_guide_pitfall_repartition_fixes_a_short_first_partition(
    returns: pd.DataFrame,
) -> None:
    # "Pitfalls": a first partition shorter than the window fails at compute time;
    # panel.repartition(divisions=...) fixes it
    a, b = returns.iloc[:300, 0].fillna(0.0), returns.iloc[:300, 1].fillna(0.0)
    from divergence.risk import rolling_correlation

    idx = a.index
    short = [idx[0], idx[3], idx[150], idx[-1]]  # a first partition of 3 rows
    pa = dd.from_pandas(a, npartitions=1).repartition(divisions=short)
    pb = dd.from_pandas(b, npartitions=1).repartition(divisions=short)
    with pytest.raises(InputError, match="first partition"):
        rolling(rolling_correlation, pa, pb, window=20).compute(scheduler=SYNC)
    fixed = [idx[0], idx[40], idx[150], idx[-1]]
    got = rolling(
        rolling_correlation,
        pa.repartition(divisions=fixed),
        pb.repartition(divisions=fixed),
        window=20,
    ).compute(scheduler=SYNC)
    local = rolling_correlation(a, b, window=20)
    np.testing.assert_allclose(got.to_numpy(), local.to_numpy(), atol=1e-12, equal_nan=True)


def test_guide_cluster_recipe_runs_on_a_client(client: Any, caps: pd.DataFrame) -> None:
    # "On a cluster, create a client first ...: the same calls then run on it, and
    # simulate_refinancing also accepts client= directly"
    hhi = cross_sectional(concentration.hhi, dd.from_pandas(caps, npartitions=5)).compute()
    assert hhi.equals(concentration.hhi(caps))
    book, firms = example_book(3, 6, seed=1)
    rates = vasicek_paths(0.03, 0.5, 0.04, 0.01, months=24, n_paths=8, seed=2)
    res = simulate_refinancing(book, firms, rates, seed=7, client=client, n_chunks=2)
    local = simulate(book, firms, rates, seed=7)
    assert np.array_equal(res.interest_sum, local.interest_sum)


def test_every_code_block_of_the_guide_runs_as_written() -> None:
    # the guide's blocks verbatim (their own asserts and imports), figures on the Agg backend
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    blocks = _code_blocks(GUIDE.read_text(encoding="utf-8"))
    assert len(blocks) >= 2  # the breadth recipe and the HHI example
    for code in blocks:
        namespace: dict[str, Any] = {"__name__": "guide_recipe"}
        exec(compile(code, str(GUIDE), "exec"), namespace)  # our own documentation
        plt.close("all")
        if "daily" in namespace:  # the breadth recipe says it equals the local call
            local = breadth.breadth(namespace["returns"], namespace["caps"])
            pd.testing.assert_frame_equal(namespace["daily"], local, check_freq=False)


# --------------------------------------------------------------------------- docstrings
def test_every_docstring_recipe_of_the_module_runs() -> None:
    # the Examples of cross_sectional, rolling, model_free_variance_panel and
    # simulate_refinancing, run as written (doctest), none skipped
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS, verbose=False
    )
    tests = [t for t in finder.find(dist_module) if t.examples]
    names = {t.name.rsplit(".", 1)[-1] for t in tests}
    assert {
        "cross_sectional",
        "rolling",
        "model_free_variance_panel",
        "simulate_refinancing",
    } <= names
    for test in tests:
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0
    assert result.attempted >= 20
