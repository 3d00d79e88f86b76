"""Assertions the mutation run of divergence.concentration showed missing.

Each test pins a behaviour a surviving mutant changed (see
``docs/_data/mutation/concentration.json``). Expected values are closed forms worked by hand
in the comments (shares, HHI of two names, the Lorenz points of a three-name example) or the
argument names and messages the functions document.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal, localcontext
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import concentration as conc
from divergence.concentration import _dated_series, chain_link
from divergence.errors import InputError


def _dated(values: list[float], dates: list[str], name: str | None = None) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(pd.to_datetime(dates)), name=name)


DAILY = _dated([5.0, 5.0, 6.0], ["2024-01-01", "2024-01-02", "2024-01-03"])


# --------------------------------------------------------------------------- argument names
def test_argument_checks_name_the_argument() -> None:
    """Kills the name/minimum mutants of check_int, check_bool, check_option and as_array."""
    for f in (conc.top_k_share, conc.concentration_profile):
        with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0"):
            f([1.0, 2.0], top_k=0)
        with pytest.raises(InputError, match=r"^x has 1 negative value"):
            f([1.0, -1.0])
        with pytest.raises(InputError, match=r"^x must be 1-D or 2-D, got a 3-D input"):
            f(np.ones((2, 2, 2)))
    with pytest.raises(InputError, match=r"^top_k must be >= 1, got 0"):
        conc.concentration_coefficient([1.0, 2.0], top_k=0)
    with pytest.raises(TypeError, match=r"^bias_corrected must be True or False, got str"):
        conc.gini([1.0, 2.0], bias_corrected="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^order must be >= 0\.0, got -1\.0"):
        conc.hill_number([1.0, 2.0], -1.0)
    with pytest.raises(TypeError, match=r"^normalized must be True or False, got str"):
        conc.hhi([1.0, 2.0], normalized="yes")  # type: ignore[arg-type]
    with pytest.raises(InputError, match=r"^nan_policy must be one of"):
        conc.concentration_profile([1.0, 2.0], nan_policy="bogus")  # type: ignore[arg-type]
    # nan_policy="raise" is checked on the input of the profile itself
    with pytest.raises(InputError, match=r"^x has 1 NaN value\(s\) and nan_policy='raise'"):
        conc.concentration_profile([[1.0, np.nan]], nan_policy="raise")


# --------------------------------------------------------------------------- zero-total rows
def test_rows_without_positive_total_are_nan() -> None:
    """Kills the dropped/None ``ok`` masks: a row of zeros has no shares (0/0 is NaN)."""
    z = np.array([[0.0, 0.0, 0.0], [3.0, 1.0, 0.0]])
    # second row: shares 3/4, 1/4, 0 -> HHI 9/16 + 1/16 = 0.625 over n = 3 names
    h = conc.hhi(z)
    assert math.isnan(h[0]) and h[1] == pytest.approx(0.625)
    hn = conc.hhi(z, normalized=True)
    assert math.isnan(hn[0])
    assert hn[1] == pytest.approx((0.625 - 1 / 3) / (1 - 1 / 3))
    en = conc.effective_n(z)
    assert math.isnan(en[0]) and en[1] == pytest.approx(1 / 0.625)
    ts = conc.top_k_share(z, top_k=1)
    assert math.isnan(ts[0]) and ts[1] == pytest.approx(0.75)
    th = conc.theil(z)
    assert th.dtype == np.float64 and math.isnan(th[0])
    # Theil = log n - entropy; n = 3 present names (a zero is present), entropy of (3/4, 1/4)
    assert th[1] == pytest.approx(math.log(3) + 0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    w = conc.weights(z)
    assert np.isnan(w[0]).all() and w[1] == pytest.approx([0.75, 0.25, 0.0])
    prof = conc.concentration_profile(z, top_k=1)
    assert math.isnan(prof["top_k_share"].iloc[0]) and prof["top_k_share"].iloc[1] == 0.75


def test_normalized_hhi_of_two_and_one_names() -> None:
    """Kills ``n > 2`` / ``n >= 1``: two names are normalized, one name has no normalization."""
    # shares 3/4, 1/4: HHI 0.625; normalized (0.625 - 1/2) / (1 - 1/2) = 0.25
    assert conc.hhi([[3.0, 1.0]], normalized=True)[0] == pytest.approx(0.25)
    one = conc.hhi([[3.0, np.nan]], normalized=True)
    assert math.isnan(one[0])


def test_absent_names_stay_nan_in_float_results() -> None:
    """Kills ``np.where(..., None, ...)`` (object arrays) and the dropped NaN mask of weights."""
    x = np.array([[1.0, np.nan, 1.0]])
    w = conc.weights(x)
    assert w.dtype == np.float64
    assert w[0, 0] == 0.5 and math.isnan(w[0, 1]) and w[0, 2] == 0.5
    ts = conc.top_k_share(x, top_k=1, nan_policy="propagate")
    assert ts.dtype == np.float64 and math.isnan(ts[0])
    # two equal present names: Theil 0 (log 2 - log 2)
    th = conc.theil(x)
    assert th.dtype == np.float64 and th[0] == pytest.approx(0.0, abs=1e-15)


def test_profile_columns_are_float64() -> None:
    """Kills the dropped ``dtype=np.float64`` of the profile (the count column n is float)."""
    prof = conc.concentration_profile([[3.0, 1.0], [1.0, 1.0]])
    assert (prof.dtypes == np.float64).all()
    assert list(prof["n"]) == [2.0, 2.0]


# --------------------------------------------------------------------------- lorenz
def test_lorenz_curve_starts_at_zero_and_message() -> None:
    """Kills ``cum[1] = 0.0`` (cum[0] left uninitialised) and the message mutants."""
    # a freed 4-float buffer full of 3.5 is what np.empty(4) is likely to hand back
    junk = np.full(4, 3.5)
    del junk
    pop, cum = conc.lorenz_curve([1.0, 1.0, 2.0])
    # sorted 1, 1, 2 of total 4: cumulative shares 0, 1/4, 2/4, 1
    assert list(cum) == [0.0, 0.25, 0.5, 1.0]
    assert pop == pytest.approx([0.0, 1 / 3, 2 / 3, 1.0])
    with pytest.raises(
        InputError, match=r"^x has no positive size; the Lorenz curve is undefined$"
    ):
        conc.lorenz_curve([0.0, 0.0])


# --------------------------------------------------------------------------- dated series
def test_dated_series_type_messages() -> None:
    """Kills ``type(None)`` in the TypeError messages of the dated inputs."""
    with pytest.raises(
        TypeError, match=r"^snapshots must be a pandas Series indexed by date, got list$"
    ):
        chain_link([1.0], DAILY)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^daily must have a DatetimeIndex, got RangeIndex$"):
        chain_link(DAILY, pd.Series([1.0, 2.0]))
    # a non-positive value is reported under the argument's name
    with pytest.raises(InputError, match=r"^daily must be strictly positive"):
        chain_link(DAILY, _dated([0.0], ["2024-01-01"]))


def test_dated_series_date_messages() -> None:
    """Kills the NaT message, the first-duplicate position and the unsorted position mutants."""
    nat = pd.Series([1.0, 2.0], index=pd.DatetimeIndex([pd.Timestamp("2024-01-01"), pd.NaT]))
    with pytest.raises(InputError, match=r"^snapshots has a missing \(NaT\) date$"):
        chain_link(nat, DAILY)
    # the first repeated date is 2024-01-02 (at position 2), not the first date
    dup = _dated([1.0, 2.0, 3.0], ["2024-01-01", "2024-01-02", "2024-01-02"])
    with pytest.raises(InputError, match=r"^snapshots has duplicate dates; first 2024-01-02$"):
        chain_link(dup, DAILY)
    # 01-02 at position 2 comes after 01-03 at position 1
    uns = _dated([1.0, 2.0, 3.0, 4.0], ["2024-01-01", "2024-01-03", "2024-01-02", "2024-01-04"])
    with pytest.raises(
        InputError,
        match=r"^daily dates must be sorted in increasing order; 2024-01-02 00:00:00 "
        r"\(position 2\) comes after 2024-01-03 00:00:00$",
    ):
        chain_link(DAILY, uns)


def test_dated_series_keeps_name_and_sign_options() -> None:
    """Kills ``nonnegative=True`` as default and the dropped name of the returned series."""
    s = _dated([-1.0, np.nan, 2.0], ["2024-01-01", "2024-01-02", "2024-01-03"], name="m")
    out = _dated_series(s, "m", positive=False)  # signed values accepted, NaN row dropped
    assert out.name == "m"
    assert list(out) == [-1.0, 2.0]
    assert list(out.index) == list(pd.to_datetime(["2024-01-01", "2024-01-03"]))


def test_chain_link_carry_messages() -> None:
    """Kills the carry argument-name and message mutants."""
    with pytest.raises(InputError, match=r"^carry must be >= 0, got -1"):
        chain_link(DAILY, DAILY, freq="MS", carry=-1)
    with pytest.raises(
        InputError, match=r"^carry applies to periods; give freq \(e\.g\. freq='MS'\) with it$"
    ):
        chain_link(DAILY, DAILY, carry=1)


# --------------------------------------------------------------------------- tiny totals, hill
def test_hhi_of_tiny_totals() -> None:
    """Kills the mutants of the tiny-total branch (total**2 would underflow below 1e-140)."""
    # shares 1/4, 3/4 whatever the scale: HHI 1/16 + 9/16 = 0.625; normalized 0.25
    tiny = np.array([[1e-150, 3e-150]])
    assert conc.hhi(tiny)[0] == pytest.approx(0.625, rel=1e-14)
    assert conc.hhi(tiny, normalized=True)[0] == pytest.approx(0.25, rel=1e-13)
    assert conc.effective_n(tiny)[0] == pytest.approx(1.6, rel=1e-14)


def _hill_decimal(sizes: list[int], q: str) -> float:
    """Independent reference: D_q = (sum p_i^q)^(1 / (1 - q)) in 50-digit decimals."""
    with localcontext() as ctx:
        ctx.prec = 50
        total = sum(Decimal(v) for v in sizes)
        qd = Decimal(q)
        s = sum(((Decimal(v) / total).ln() * qd).exp() for v in sizes)
        return float((s.ln() / (1 - qd)).exp())


@pytest.mark.parametrize("q", ["1.0001", "0.9", "1.3"])
def test_hill_number_near_order_one_unequal_sizes(q: str) -> None:
    """Kills ``u * big_u`` for the weights of the near-one branch (unequal sizes)."""
    sizes = [1, 2, 3, 4]
    got = conc.hill_number(np.array(sizes, dtype=float), float(q))
    assert got == pytest.approx(_hill_decimal(sizes, q), rel=1e-12)


def test_hill_number_at_order_one_unequal_sizes() -> None:
    """Shannon limit: exp(-sum p log p) for p = (1, 2, 3, 4) / 10, computed here."""
    p = np.array([0.1, 0.2, 0.3, 0.4])
    expected = math.exp(-sum(v * math.log(v) for v in p))
    assert conc.hill_number([1.0, 2.0, 3.0, 4.0], 1.0) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(
    "f",
    [
        conc.hhi,
        conc.effective_n,
        conc.weights,
        conc.theil,
        conc.gini,
        conc.concentration_coefficient,
        conc.hall_tideman,
    ],
)
def test_panel_validation_names_x(f: Callable[..., Any]) -> None:
    """Kills the name/ndim/nonnegative mutants of the shared panel validation."""
    with pytest.raises(InputError, match=r"^x has 1 negative value"):
        f([1.0, -1.0])
    with pytest.raises(InputError, match=r"^x must be 1-D or 2-D, got a 3-D input"):
        f(np.ones((2, 2, 2)))


def test_rank_measures_of_zero_rows_are_float_nan() -> None:
    """Kills ``np.full(..., None)`` / ``np.where(..., None, ...)`` (object results) of the rank
    measures and Hill numbers; equal shares give the closed forms HT = 1/n, Gini 0, D_q = n."""
    z = np.array([[0.0, 0.0], [1.0, 1.0]])
    ht = conc.hall_tideman(z)
    g = conc.gini(z)
    d2 = conc.hill_number(z, 2.0)
    d0 = conc.hill_number(z, 0.0)
    cc = conc.concentration_coefficient(z, top_k=1)
    for v in (ht, g, d2, d0, cc):
        assert v.dtype == np.float64 and math.isnan(v[0])
    assert ht[1] == pytest.approx(0.5)
    assert g[1] == pytest.approx(0.0, abs=1e-15)
    assert d2[1] == pytest.approx(2.0) and d0[1] == 2.0


def test_single_column_with_absent_name() -> None:
    """Kills ``n_cols == 1`` for the no-absent fast path of the row sort: a one-column panel
    with a NaN row. By hand: one present name has Gini 0, HT 1, CR1 1; an empty row is NaN."""
    x = np.array([[2.0], [np.nan]])
    buf, n_absent = conc._sort_rows(x)
    assert buf.tolist() == [[2.0], [0.0]] and n_absent.tolist() == [0, 1]
    prof = conc.concentration_profile(x, top_k=1)
    assert prof["n"].tolist() == [1.0, 0.0]
    for col, first in (("gini", 0.0), ("hall_tideman", 1.0), ("concentration_coefficient", 1.0)):
        assert prof[col].iloc[0] == first and math.isnan(prof[col].iloc[1])


def test_profile_raise_policy_sees_nan_merged_away_by_groups() -> None:
    """Kills ``_policy_rows(..., None)`` in the profile: with groups the NaN of share class b
    is summed away (a + b = 1), so only the check on the raw input can see it (as hhi does)."""
    df = pd.DataFrame({"a": [1.0], "b": [np.nan], "c": [2.0]})
    groups = {"a": "A", "b": "A", "c": "C"}
    msg = r"^x has 1 NaN value\(s\) and nan_policy='raise'; first at row 0, column 'b'"
    with pytest.raises(InputError, match=msg):
        conc.concentration_profile(df, groups=groups, nan_policy="raise")
    with pytest.raises(InputError, match=msg):
        conc.hhi(df, groups=groups, nan_policy="raise")
