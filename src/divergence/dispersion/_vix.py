r"""Model-free (VIX-style) variance from raw option quotes (private; see the package docstring).

Two independent implementations of the same Cboe procedure live here:

* :func:`model_free_variance` follows the white paper step by step on one expiry;
* :func:`model_free_variance_panel` does the same for many expiries at once through the chain
  kernel of :mod:`divergence.dispersion._kernels` (named steps, block-wise NumPy or one
  compiled loop; no Python loop over chains).

The tests check that they agree to ~1e-12 on random chains, so each one guards the other.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from divergence._compat import renamed_arguments
from divergence._typing import FloatArray, IntArray
from divergence._validation import (
    as_array,
    check_float,
    check_option,
    check_same_rows,
    lead_meta,
    to_caller,
    to_pandas,
    warn_units,
)
from divergence.dispersion import _kernels
from divergence.errors import InputError

__all__ = [
    "bracketing_expiries",
    "constant_maturity_variance",
    "implied_forward",
    "model_free_variance",
    "model_free_variance_panel",
]

K0Rule = Literal["below", "at_or_below"]
Engine = Literal["auto", "numba", "numpy"]
_K0_RULES = ("below", "at_or_below")
_ENGINES = ("auto", "numba", "numpy")
_QUOTE_COLUMNS = ("strike", "call_bid", "call_ask", "put_bid", "put_ask")


# --------------------------------------------------------------------------- validation
def _check_frame(chain: object, name: str, extra: Sequence[str] = ()) -> pd.DataFrame:
    chain = to_pandas(chain, date_index=False)
    if not isinstance(chain, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(chain).__name__}")
    need = [*_QUOTE_COLUMNS, *extra]
    missing = [c for c in need if c not in chain.columns]
    if missing:
        raise InputError(f"{name} is missing column(s) {missing}; it needs {list(need)}")
    if len(chain) == 0:
        raise InputError(f"{name} is empty")
    return chain


def _quotes(
    chain: pd.DataFrame, name: str
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Strike and the four quote columns as float arrays, checked."""
    out = []
    for col in _QUOTE_COLUMNS:
        values, _ = as_array(
            chain[col],
            f"{name}[{col!r}]",
            ndim=1,
            allow_nan=col != "strike",
            allow_all_nan=True,
            positive=col == "strike",
            nonnegative=col != "strike",
            copy=False,
        )
        out.append(values)
    k, cb, ca, pb, pa = out
    for bid, ask, side in ((cb, ca, "call"), (pb, pa, "put")):
        crossed = ask < bid
        if crossed.any():
            i = int(np.flatnonzero(crossed)[0])
            raise InputError(
                f"{name} has {int(crossed.sum())} {side} quote(s) with ask < bid; first at "
                f"strike {k[i]:g}"
            )
    return k, cb, ca, pb, pa


def _mid(bid: FloatArray, ask: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (bid + ask)
    return out


# --------------------------------------------------------------------------- one chain
def _one_chain(
    k: FloatArray,
    cb: FloatArray,
    ca: FloatArray,
    pb: FloatArray,
    pa: FloatArray,
    t: float,
    r: float,
    k0_rule: str,
) -> tuple[float, float, float]:
    """White-paper steps on one expiry (strikes sorted, unique); returns (var, F, K0)."""
    nan = (np.nan, np.nan, np.nan)
    growth = float(np.exp(r * t))
    call_mid, put_mid = _mid(cb, ca), _mid(pb, pa)
    # Step 1: the forward from put-call parity at the strike where |C - P| is smallest.
    gap = np.abs(call_mid - put_mid)
    if not np.isfinite(gap).any():
        return nan
    j = int(np.nanargmin(gap))  # first (lowest) strike on ties
    forward = float(k[j] + growth * (call_mid[j] - put_mid[j]))
    # Step 2: K0, the strike immediately below (or at or below) the forward.
    side: Literal["left", "right"] = "left" if k0_rule == "below" else "right"
    i0 = int(np.searchsorted(k, np.float64(forward), side=side)) - 1
    if i0 < 0:
        return nan
    k0 = float(k[i0])
    # Step 3: out-of-the-money wings. Walking away from K0, a zero bid is skipped and two
    # consecutive zero bids end the wing.
    put_zero = ~(pb[:i0] > 0)[::-1]  # walking down from K0 - 1
    stop = np.flatnonzero(put_zero[1:] & put_zero[:-1])
    n_put = int(stop[0]) + 1 if stop.size else put_zero.size
    put_idx = (i0 - 1 - np.arange(n_put))[~put_zero[:n_put]][::-1]
    call_zero = ~(cb[i0 + 1 :] > 0)  # walking up from K0 + 1
    stop = np.flatnonzero(call_zero[1:] & call_zero[:-1])
    n_call = int(stop[0]) + 1 if stop.size else call_zero.size
    call_idx = (i0 + 1 + np.arange(n_call))[~call_zero[:n_call]]
    strikes = np.concatenate([k[put_idx], [k0], k[call_idx]])
    prices = np.concatenate(
        [put_mid[put_idx], [0.5 * (put_mid[i0] + call_mid[i0])], call_mid[call_idx]]
    )
    if strikes.size < 2 or not np.isfinite(prices).all():
        return (np.nan, forward, k0)
    # Step 4: Delta K from the strikes actually used.
    dk = np.empty_like(strikes)
    dk[1:-1] = 0.5 * (strikes[2:] - strikes[:-2])
    dk[0] = strikes[1] - strikes[0]
    dk[-1] = strikes[-1] - strikes[-2]
    # Step 5: the variance.
    total = float(np.sum(dk / strikes**2 * prices))
    var = 2.0 / t * growth * total - (forward / k0 - 1.0) ** 2 / t
    return (var, forward, k0)


_Quotes = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]


#: Largest accepted |r * t|: the growth factor exp(r t) multiplies quotes, so it must stay far
#: inside float range (e^10 is a 100% rate for 10 years).
_MAX_RT = 10.0


def _check_rt(r: Any, t: Any) -> None:
    """Require ``|r * t| <= _MAX_RT`` (per chain), naming both options."""
    rt = np.abs(np.asarray(r, dtype=np.float64) * np.asarray(t, dtype=np.float64))
    if (rt > _MAX_RT).any():
        worst = float(rt.max())
        raise InputError(
            f"|rate * t| = {worst:.4g} exceeds {_MAX_RT:g}: rate is an annual decimal rate "
            "(0.05 = 5%) and t a time in years, so exp(r t) would be out of any plausible range"
        )


def _prepare_one(
    chain: object, t: object, r: object, k0_rule: object
) -> tuple[_Quotes, float, float, str]:
    frame = _check_frame(chain, "chain")
    tt = check_float(t, "t", minimum=0.0, inclusive=(False, True))
    rr = check_float(r, "rate")
    _check_rt(rr, tt)
    rule = check_option(k0_rule, "k0_rule", _K0_RULES)
    k, cb, ca, pb, pa = _quotes(frame, "chain")
    warn_units(tt, "t", "years")
    warn_units(rr, "rate", "rate")
    order = np.argsort(k, kind="stable")
    ks = k[order]
    dup = ks[1:] == ks[:-1]
    if dup.any():
        raise InputError(
            f"chain has {int(dup.sum())} duplicated strike(s), first {ks[1:][dup][0]:g}; "
            "pass one expiry (and one root, e.g. SPX or SPXW) at a time"
        )
    arrays: _Quotes = (ks, cb[order], ca[order], pb[order], pa[order])
    return arrays, tt, rr, rule


@renamed_arguments(removed_in="0.3", r="rate")
def model_free_variance(
    chain: pd.DataFrame, *, t: float, rate: float, k0_rule: K0Rule = "below"
) -> float:
    r"""Model-free implied variance of one expiry, following the Cboe VIX white paper.

    Parameters
    ----------
    chain : DataFrame
        One expiry, one row per strike, with columns ``strike`` (index points, > 0, unique),
        ``call_bid``, ``call_ask``, ``put_bid``, ``put_ask`` (option premiums in index points,
        >= 0; NaN = no quote, treated like a zero bid). Other columns are ignored; row order
        does not matter.
    t : float
        Time to expiration in years (> 0), e.g. minutes to settlement / 525,600.
    rate : float
        Risk-free rate to expiration, continuously compounded, decimal per year (renamed from
        ``r``; the old name works until 0.3 with a deprecation warning).
    k0_rule : {"below", "at_or_below"}, default "below"
        ``"below"``: :math:`K_0` is the first listed strike strictly below the forward (2009
        white paper); ``"at_or_below"``: the first strike at or below it (current Cboe
        methodology). They differ only when the forward falls exactly on a strike.

    Returns
    -------
    float
        :math:`\sigma^2`, annualised variance (decimal; ``100 * sqrt(var)`` is in VIX points).
        NaN when no strike has both a call and a put mid, when no strike lies below the
        forward, or when fewer than two strikes survive the selection.

    Raises
    ------
    InputError
        Missing columns, empty chain, non-positive or duplicated strikes, negative quotes,
        ask below bid, ``t <= 0``, non-finite ``t`` or ``rate``, ``|rate t| > 10``, unknown
        ``k0_rule``.
    TypeError
        ``chain`` is not a DataFrame; non-numeric quotes or parameters.

    See Also
    --------
    model_free_variance_panel : the same for many expiries at once.
    constant_maturity_variance : interpolate two expiries to a fixed horizon (the VIX).
    implied_forward : the forward and :math:`K_0` of step 1 and 2.

    Notes
    -----
    The steps of the white paper, with mid quotes :math:`C(K), P(K)`:

    1. Forward from put–call parity at the strike :math:`K^*` where :math:`|C - P|` is
       smallest (the lowest such strike on ties):
       :math:`F = K^* + e^{RT}\,(C(K^*) - P(K^*))`.
    2. :math:`K_0` = first listed strike below :math:`F` (see ``k0_rule``).
    3. Out-of-the-money options only: puts with :math:`K < K_0`, calls with
       :math:`K > K_0`, and at :math:`K_0` the average of the put and call mids. Walking away
       from :math:`K_0`, an option with a zero (or missing) bid is skipped, and two
       consecutive zero bids end that wing: no option further out is used.
    4. :math:`\Delta K_i` is half the distance between the neighbouring strikes *that are
       used*; at the two ends, the distance to the single neighbour.
    5. .. math::

          \sigma^2 = \frac{2}{T} \sum_i \frac{\Delta K_i}{K_i^2} e^{RT} Q(K_i)
                     - \frac{1}{T} \left(\frac{F}{K_0} - 1\right)^2

    The discretised integral is the price of a log contract (Demeterfi et al. 1999); the last
    term corrects for :math:`K_0 \ne F`.

    **Complexity.** O(S·log S) time (one sort by strike) and O(S) memory for S strikes.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009), steps 1–2 and
       Appendix 1 (the worked example reproduced in the tests: near-term
       :math:`\sigma^2 = 0.472767`, next-term 0.366818, VIX 61.218).
    .. [2] Cboe, "VIX Index Mathematics Methodology" and the current VIX white paper (SPX
       Weeklys edition), whose worked example is also reproduced in the tests
       (:math:`F_1 = 1962.89996`, :math:`\sigma_1^2 = 0.01846292`, VIX 13.69).
    .. [3] Demeterfi, K., Derman, E., Kamal, M. and Zou, J. (1999), "More than you ever
       wanted to know about volatility swaps", Goldman Sachs Quantitative Strategies.

    Examples
    --------
    Quotes of a 30-day expiry priced by Black–Scholes at 20% volatility (spot 100, r = 1%),
    five points apart, with a 0.10 bid–ask spread. The two zero put bids at 85 and 80 end
    the put wing, the two zero call bids at 115 and 120 the call wing; a grid this coarse
    overstates the variance a little (it converges as :math:`\Delta K^2`):

    >>> import pandas as pd
    >>> from divergence.dispersion import model_free_variance
    >>> chain = pd.DataFrame({
    ...     "strike": [80, 85, 90, 95, 100, 105, 110, 115, 120],
    ...     "call_bid": [20.02, 15.02, 10.09, 5.58, 2.28, 0.61, 0.07, 0.0, 0.0],
    ...     "call_ask": [20.12, 15.12, 10.19, 5.68, 2.38, 0.71, 0.17, 0.07, 0.05],
    ...     "put_bid": [0.0, 0.0, 0.02, 0.5, 2.2, 5.53, 9.98, 14.87, 19.85],
    ...     "put_ask": [0.05, 0.05, 0.12, 0.6, 2.3, 5.63, 10.08, 14.97, 19.95]})
    >>> var = model_free_variance(chain, t=30 / 365, rate=0.01)
    >>> print(f"{var:.4f}  VIX-style {100 * var ** 0.5:.2f}")
    0.0448  VIX-style 21.18
    """
    arrays, tt, rr, rule = _prepare_one(chain, t, rate, k0_rule)
    return _one_chain(*arrays, tt, rr, rule)[0]


@renamed_arguments(removed_in="0.3", r="rate")
def implied_forward(
    chain: pd.DataFrame, *, t: float, rate: float, k0_rule: K0Rule = "below"
) -> tuple[float, float]:
    r"""Forward level and :math:`K_0` of one expiry (steps 1 and 2 of the white paper).

    Parameters
    ----------
    chain : DataFrame
        As in :func:`model_free_variance`.
    t : float
        Time to expiration in years (> 0).
    rate : float
        Continuously compounded risk-free rate, decimal per year (renamed from ``r``).
    k0_rule : {"below", "at_or_below"}, default "below"
        Which strike is :math:`K_0` (see :func:`model_free_variance`).

    Returns
    -------
    forward : float
        :math:`F = K^* + e^{RT}(C - P)` at the strike where the mids are closest (index points).
    k0 : float
        The strike below (or at or below) :math:`F`; NaN if there is none.

    Raises
    ------
    InputError, TypeError
        As :func:`model_free_variance`.

    Notes
    -----
    .. math:: F = K^* + e^{RT}\,\bigl(C(K^*) - P(K^*)\bigr), \qquad
              K^* = \arg\min_K |C(K) - P(K)|

    **Complexity.** As :func:`model_free_variance`: O(S·log S) time, O(S) memory for S strikes.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009), step 1.

    Examples
    --------
    >>> import pandas as pd
    >>> from divergence.dispersion import implied_forward
    >>> chain = pd.DataFrame({"strike": [95, 100, 105], "call_bid": [6.0, 2.9, 0.9],
    ...                       "call_ask": [6.2, 3.1, 1.1], "put_bid": [0.9, 2.6, 5.8],
    ...                       "put_ask": [1.1, 2.8, 6.2]})
    >>> f, k0 = implied_forward(chain, t=0.1, rate=0.0)
    >>> print(f"{f:.2f} {k0:.0f}")
    100.30 100
    """
    arrays, tt, rr, rule = _prepare_one(chain, t, rate, k0_rule)
    _, forward, k0 = _one_chain(*arrays, tt, rr, rule)
    return forward, k0


# --------------------------------------------------------------------------- many chains
def _per_chain_param(
    frame: pd.DataFrame,
    value: object,
    name: str,
    starts: IntArray,
    order: IntArray | None,
    *,
    positive: bool,
) -> FloatArray:
    """A scalar or a column constant within each chain -> one value per chain."""
    n_groups = starts.size
    if isinstance(value, str):
        if value not in frame.columns:
            raise InputError(f"{name}={value!r} is not a column of chains")
        col, _ = as_array(
            frame[value],
            f"chains[{value!r}]",
            ndim=1,
            allow_nan=False,
            positive=positive,
            copy=False,
        )
        if order is not None:
            col = col[order]
        lo = np.minimum.reduceat(col, starts)
        hi = np.maximum.reduceat(col, starts)
        if (lo != hi).any():
            raise InputError(f"column {value!r} ({name}) must be constant within each chain")
        return lo
    if positive:
        v = check_float(value, name, minimum=0.0, inclusive=(False, True))
    else:
        v = check_float(value, name)
    return np.full(n_groups, v)


def _stable_argsort_codes(codes: IntArray, n_codes: int) -> IntArray:
    """Stable argsort of integer codes in ``[0, n_codes)``, in O(n) time.

    NumPy's stable sort is a radix sort only for integers of 16 bits or less (a merge sort
    otherwise, about four times slower on a million codes), so the codes are sorted one 16-bit
    digit at a time, least significant first: one pass for up to 65,536 codes.
    """
    order: IntArray = np.argsort((codes & 0xFFFF).astype(np.uint16), kind="stable")
    shift = 16
    while n_codes > 1 << shift:  # a second digit only beyond 65,536 chains
        digit = ((codes[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _sorted_codes(values: np.ndarray[Any, Any]) -> IntArray | None:
    """Dense codes of values already in non-decreasing order (one O(n) pass), else None."""
    if values.size > 1 and not bool(np.all(values[1:] >= values[:-1])):
        return None
    new = np.empty(values.size, dtype=np.int64)
    new[:1] = 0
    np.not_equal(values[1:], values[:-1], out=new[1:])
    codes: IntArray = np.cumsum(new)
    return codes


def _key_codes(values: pd.Series) -> tuple[IntArray, int]:
    """Dense codes of one key column in the sorted order of its values, and how many there are.

    A categorical column gives its codes (in category order, as pandas groups it); a numeric
    or datetime column already in order is coded in one pass; anything else is hashed once
    (:func:`pandas.factorize`).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        raw = np.asarray(values.cat.codes.to_numpy(), dtype=np.int64)
        present = np.zeros(len(values.cat.categories), dtype=np.int64)
        present[raw] = 1
        if present.all():
            return raw, present.size
        remap = np.cumsum(present) - 1
        return remap[raw], int(present.sum())
    arr = values.to_numpy()
    if arr.dtype.kind in "iufmM":
        codes = _sorted_codes(arr.view(np.int64) if arr.dtype.kind in "mM" else arr)
        if codes is not None:
            return codes, int(codes[-1]) + 1 if codes.size else 0
    raw_codes, uniques = pd.factorize(values, sort=True)
    return np.asarray(raw_codes, dtype=np.int64), len(uniques)


def _dense(codes: IntArray) -> tuple[IntArray, int]:
    """Non-negative integer codes -> dense codes 0..m-1 in the same order."""
    sorted_codes = _sorted_codes(codes)
    if sorted_codes is not None:
        return sorted_codes, int(sorted_codes[-1]) + 1 if codes.size else 0
    raw, uniques = pd.factorize(codes, sort=True)
    return np.asarray(raw, dtype=np.int64), len(uniques)


def _presorted_starts(columns: Sequence[pd.Series], strike: FloatArray) -> IntArray | None:
    """First row of each chain when the rows already come in (keys, strike) order, else None.

    Only for numeric or datetime key columns (not categorical): the rows are in order when
    each row is lexicographically after the previous one, keys first and the strike last,
    strictly (so no strike repeats within a chain). Comparisons of neighbouring rows only, no
    group codes: the order :func:`_group_codes` would give, found in fewer passes.
    """
    arrays = []
    for col in columns:
        if isinstance(col.dtype, pd.CategoricalDtype):
            return None
        arr = col.to_numpy()
        if arr.dtype.kind not in "iufmM":
            return None
        arrays.append(arr.view(np.int64) if arr.dtype.kind in "mM" else arr)
    if strike.size < 2:
        return np.zeros(strike.size, dtype=np.int64)
    # in order at row i + 1 when: key1 greater, or key1 equal and (key2 greater, or ... and
    # (the strike greater)); built from the strike outwards
    in_order = strike[1:] > strike[:-1]
    same: np.ndarray[Any, np.dtype[np.bool_]] | None = None
    for arr in reversed(arrays):
        nxt, prev = arr[1:], arr[:-1]
        eq = nxt == prev
        in_order &= eq
        in_order |= nxt > prev
        same = eq if same is None else same & eq
    if not bool(in_order.all()):
        return None
    assert same is not None  # at least one key column
    starts: IntArray = np.flatnonzero(np.r_[True, ~same]).astype(np.int64)
    return starts


def _group_codes(columns: Sequence[pd.Series], *, dense: bool = True) -> tuple[IntArray, int]:
    """Dense group codes of rows keyed by several columns, in lexicographic order of the keys.

    Each column is coded once (:func:`_key_codes`); the codes are combined arithmetically,
    ``code * n_next + next_code`` (re-densified before an int64 overflow), and the combination
    made dense: one pass when the rows already come in key order, one integer hash otherwise.
    With ``dense=False`` the combination is returned as is (codes in ``[0, n)``, in key order,
    not all used).
    """
    codes, n = _key_codes(columns[0])
    for col in columns[1:]:
        c, m = _key_codes(col)
        if n * m >= 1 << 62:
            codes, n = _dense(codes)
        combined = codes.copy()  # updated in place
        combined *= m
        combined += c
        codes = combined
        n *= m
    if dense and len(columns) > 1:
        codes, n = _dense(codes)
    return codes, n


def _panel_core(
    starts: IntArray,
    k: FloatArray,
    cb: FloatArray,
    ca: FloatArray,
    pb: FloatArray,
    pa: FloatArray,
    t: FloatArray,
    r: FloatArray,
    k0_rule: str,
    engine: str,
) -> tuple[FloatArray, FloatArray, FloatArray, IntArray]:
    """The white-paper steps on rows sorted by (chain, strike); t, r one per chain.

    ``starts`` holds each chain's first row. Returns ``(variance, forward, k0, n_used)``, one
    value per chain (``n_used`` = strikes that enter the sum, :math:`K_0` included). The steps
    are those of :mod:`divergence.dispersion._kernels`, compiled or block-wise NumPy.
    """
    loops = _kernels.select(engine, k.size, "the model-free variance")
    growth = np.exp(r * t)
    stats = _kernels.chain_stats(starts, k, cb, ca, pb, pa, growth, k0_rule == "at_or_below", loops)
    has_k0 = stats.i0 >= starts
    k0 = np.where(has_k0, k[np.clip(stats.i0, 0, max(k.size - 1, 0))], np.nan)
    var = _kernels.variance(stats.total, stats.forward, k0, t, growth, stats.n_used, stats.n_finite)
    n_used = np.where(has_k0, stats.n_used, 0).astype(np.int64)
    return var, stats.forward, k0, n_used


@renamed_arguments(removed_in="0.3", r="rate")
def model_free_variance_panel(
    chains: pd.DataFrame,
    *,
    by: Hashable | Sequence[Hashable],
    t: str | float,
    rate: str | float,
    k0_rule: K0Rule = "below",
    engine: Engine = "auto",
) -> Any:
    r"""Model-free implied variance of many expiries at once (vectorised white paper).

    Parameters
    ----------
    chains : DataFrame
        Long table, one row per (chain, strike), with the columns of
        :func:`model_free_variance` (``strike``, ``call_bid``, ``call_ask``, ``put_bid``,
        ``put_ask``; index points) plus the column(s) named by ``by``.
    by : column label or list of labels
        Column(s) identifying a chain (e.g. ``["date", "expiration", "root"]``).
    t : str or float
        Name of a column holding each chain's time to expiration in years (constant within a
        chain), or one value for every chain.
    rate : str or float
        Name of a column holding each chain's continuously compounded rate (decimal per year),
        or one value for every chain (renamed from ``r``).
    k0_rule : {"below", "at_or_below"}, default "below"
        As in :func:`model_free_variance`.
    engine : {"auto", "numba", "numpy"}, default "auto"
        ``"numba"`` runs the per-chain steps (forward and :math:`K_0`, wing cuts, strike
        sums) as one compiled loop over the chains; it needs numba
        (``pip install "divergence[fast]"``). ``"numpy"`` runs them as array passes over
        cache-sized blocks of whole chains. Both do the same floating-point operations in the
        same order and give identical results. ``"auto"`` takes numba when it is installed and
        the call has at least 10 million strike rows, or once the loops are loaded in the
        session (importing numba costs about 0.3 s a process, compiling the loops a
        few seconds the first time, cached on disk afterwards).

    Returns
    -------
    Series
        Annualised variance per chain, indexed by the sorted values of ``by`` (a MultiIndex for
        several columns), named ``"variance"``; NaN where :func:`model_free_variance` gives NaN.

    Raises
    ------
    InputError
        Missing columns, NaN in ``by``, duplicated strikes within a chain, ``t``/``rate`` columns
        not constant within a chain, and every check of :func:`model_free_variance`.
    TypeError
        ``chains`` is not a DataFrame; non-numeric quotes.
    ImportError
        ``engine="numba"`` without numba.

    Warns
    -----
    DivergenceWarning
        ``engine="auto"`` on a large call when numba is installed but fails to import: the
        NumPy engine is used instead (once a session).

    See Also
    --------
    model_free_variance : the single-expiry version (identical results).

    Notes
    -----
    Same formula as :func:`model_free_variance`:

    .. math::

        \sigma^2 = \frac{2}{T} \sum_i \frac{\Delta K_i}{K_i^2} e^{RT} Q(K_i)
                   - \frac{1}{T} \left(\frac{F}{K_0} - 1\right)^2

    The ``by`` columns are coded once (a categorical column by its codes, a sorted numeric or
    datetime column in one pass, any other by one hash) and the codes combined arithmetically.
    Rows already grouped by chain with strikes ascending (checked in one pass) are used in
    place; others are sorted once by (chain, strike). The steps then run chain by chain: the
    forward at the strike where the call and put mids are closest, :math:`K_0`, the end of each
    wing (two consecutive zero bids), and the sum over the strikes used, with
    :math:`\Delta K` from the neighbouring strikes used. The NumPy engine runs each step as
    segmented array operations (:func:`numpy.fmin.reduceat`, :func:`numpy.searchsorted`,
    :func:`numpy.bincount`) over blocks of whole chains of about 65,000 rows, so its
    temporaries stay in the CPU caches; the compiled engine makes one pass over the rows.

    **Complexity.** For Q = C·S quotes (C chains, S strikes each): O(Q) time when the rows already
    come grouped by chain with strikes ascending, otherwise O(Q·log Q) for one sort by strike
    followed by a linear-time radix sort by chain; an unsorted non-numeric ``by`` column adds one
    hash pass. O(Q) memory for the inputs (read in place when sorted) plus O(block) for the
    NumPy engine's temporaries.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009).
    .. [2] Cboe, "VIX Index Mathematics Methodology" (current edition).

    Examples
    --------
    >>> import pandas as pd
    >>> from divergence.dispersion import model_free_variance_panel
    >>> one = pd.DataFrame({
    ...     "strike": [80, 85, 90, 95, 100, 105, 110, 115, 120],
    ...     "call_bid": [20.02, 15.02, 10.09, 5.58, 2.28, 0.61, 0.07, 0.0, 0.0],
    ...     "call_ask": [20.12, 15.12, 10.19, 5.68, 2.38, 0.71, 0.17, 0.07, 0.05],
    ...     "put_bid": [0.0, 0.0, 0.02, 0.5, 2.2, 5.53, 9.98, 14.87, 19.85],
    ...     "put_ask": [0.05, 0.05, 0.12, 0.6, 2.3, 5.63, 10.08, 14.97, 19.95]})
    >>> chains = pd.concat([one.assign(expiry="A", t=30 / 365),
    ...                     one.assign(expiry="B", t=60 / 365)])
    >>> var = model_free_variance_panel(chains, by="expiry", t="t", rate=0.01)
    >>> print(var.round(4).to_string())
    expiry
    A    0.0448
    B    0.0224
    """
    frame = _check_frame(chains, "chains")
    keys: list[Hashable] = list(by) if isinstance(by, list | tuple) else [by]
    if not keys:
        raise InputError("by must name at least one column")
    missing = [c for c in keys if c not in frame.columns]
    if missing:
        raise InputError(f"by names column(s) {missing} that are not in chains")
    key_cols = [frame[c] for c in keys]
    if any(col.isna().to_numpy().any() for col in key_cols):
        raise InputError("chains has missing (NaN) values in the by column(s)")
    rule = check_option(k0_rule, "k0_rule", _K0_RULES)
    eng = check_option(engine, "engine", _ENGINES)
    k, cb, ca, pb, pa = _quotes(frame, "chains")
    order: IntArray | None = None
    presorted = _presorted_starts(key_cols, k)
    if presorted is None:
        codes, n_codes = _group_codes(key_cols)
        step_g = codes[1:] - codes[:-1]
        new = step_g != 0
        if bool(np.all(step_g >= 0)) and bool(np.all(new | (k[1:] > k[:-1]))):
            presorted = np.flatnonzero(np.r_[True, new]).astype(np.int64)
        del step_g
    if presorted is not None:
        # already grouped by chain with strikes strictly ascending (so no duplicates): no
        # sort, no gathers, no duplicate check
        starts: IntArray = presorted
        ks = k
    else:
        # sort by strike, then a stable radix sort by chain: rows grouped by chain with
        # strikes ascending inside each (ties across chains do not matter; within a chain
        # duplicated strikes are rejected below). About three times as fast as np.lexsort.
        by_strike = np.argsort(k)
        order = by_strike[_stable_argsort_codes(codes[by_strike], n_codes)]
        g, ks = codes[order], k[order]
        cb, ca, pb, pa = cb[order], ca[order], pb[order], pa[order]
        new = g[1:] != g[:-1]
        starts = np.flatnonzero(np.r_[True, new]).astype(np.int64)
    first = starts if order is None else order[starts]
    if len(keys) == 1:
        labels: pd.Index = pd.Index(key_cols[0].iloc[first], name=keys[0])
    else:
        labels = pd.MultiIndex.from_arrays([c.iloc[first] for c in key_cols], names=keys)
    if order is not None:
        dup = (ks[1:] == ks[:-1]) & ~new
        if dup.any():
            i = int(np.flatnonzero(dup)[0]) + 1
            raise InputError(
                f"chains has {int(dup.sum())} duplicated strike(s) within a chain; first strike "
                f"{ks[i]:g} in chain {labels[g[i]]!r}"
            )
    tt = _per_chain_param(frame, t, "t", starts, order, positive=True)
    rr = _per_chain_param(frame, rate, "rate", starts, order, positive=False)
    _check_rt(rr, tt)
    warn_units(tt, "t", "years")
    warn_units(rr, "rate", "rate")
    var = _panel_core(starts, ks, cb, ca, pb, pa, tt, rr, rule, eng)[0]
    return to_caller(pd.Series(var, index=labels, name="variance"), chains)


# --------------------------------------------------------------------------- term structure
def constant_maturity_variance(
    var_near: Any,
    t_near: Any,
    var_next: Any,
    t_next: Any,
    *,
    target: float = 30 / 365,
) -> Any:
    r"""Interpolate two expiries' variances to a fixed horizon (the VIX's 30-day mix).

    Parameters
    ----------
    var_near, var_next : float, array_like or Series
        Annualised variances of the near and next expiry (decimal), e.g. from
        :func:`model_free_variance`.
    t_near, t_next : float, array_like or Series
        Their times to expiration in years, with ``t_near < t_next``. Same shape as the
        variances (or scalars).
    target : float, default 30/365
        Horizon in years. It should lie in ``[t_near, t_next]``; outside, the formula
        extrapolates linearly in total variance (Cboe does so when no expiry brackets 30 days).

    Returns
    -------
    float, ndarray or Series
        Annualised variance at ``target`` (decimal); ``100 * sqrt`` of it is the VIX. Same
        type as ``var_near``.

    Raises
    ------
    InputError
        Shapes or pandas indexes differ, negative variances, non-positive times,
        ``t_near >= t_next``, non-finite values, ``target <= 0``.
    TypeError
        Non-numeric input.

    Notes
    -----
    Total variance :math:`T\sigma^2` is interpolated linearly in time and re-annualised:

    .. math::

        \sigma^2_{\tau} = \frac{1}{\tau}\left[T_1\sigma_1^2\,\frac{T_2 - \tau}{T_2 - T_1}
            + T_2\sigma_2^2\,\frac{\tau - T_1}{T_2 - T_1}\right]

    The white paper writes the weights with minute counts :math:`N_{T}`; with
    :math:`T = N_T / 525{,}600` this is the same expression.

    **Complexity.** O(T) time and memory for T dates.

    References
    ----------
    .. [1] Cboe, "The CBOE Volatility Index – VIX", white paper (2009), step 3.

    Examples
    --------
    The 2009 white paper's worked example (near 9 days, next 37 days):

    >>> from divergence.dispersion import constant_maturity_variance
    >>> v = constant_maturity_variance(0.472767, 9 / 365, 0.366818, 37 / 365)
    >>> print(f"VIX = {100 * v ** 0.5:.2f}")
    VIX = 61.22
    """
    tau = check_float(target, "target", minimum=0.0, inclusive=(False, True))
    arrays = []
    metas = []
    for value, name, positive in (
        (var_near, "var_near", False),
        (t_near, "t_near", True),
        (var_next, "var_next", False),
        (t_next, "t_next", True),
    ):
        if isinstance(value, int | float | np.integer | np.floating) and not isinstance(
            value, bool | np.bool_
        ):
            value = [value]
            scalar = True
        else:
            scalar = False
        arr, meta = as_array(
            value, name, ndim=1, allow_nan=True, positive=positive, nonnegative=not positive
        )
        arrays.append(arr)
        metas.append((meta, scalar))
    v1, t1, v2, t2 = arrays
    size = max(a.size for a in arrays)
    for a, (meta, _) in zip(arrays, metas, strict=True):
        if a.size not in (1, size):
            raise InputError(f"{meta.name} has {a.size} values; expected 1 or {size}")
    labelled = [m for m, _ in metas if m.is_pandas and m.shape[0] == size]
    for other in labelled[1:]:
        check_same_rows(labelled[0], other)
    bad = t1 >= t2 if t1.size == t2.size else np.broadcast_to(t1, size) >= t2
    if np.any(bad):
        raise InputError("t_near must be smaller than t_next")
    warn_units(t1, "t_near", "years")
    warn_units(t2, "t_next", "years")
    warn_units(tau, "target", "years")
    w1 = (t2 - tau) / (t2 - t1)
    w2 = (tau - t1) / (t2 - t1)
    out = (t1 * v1 * w1 + t2 * v2 * w2) / tau
    if all(s for _, s in metas):
        return float(out[0])
    lead = lead_meta(*(m for m, _ in metas))  # the result follows any pandas (polars) input
    if lead.kind == "series" and out.size == lead.shape[0]:
        return lead.wrap_like(out)
    return np.asarray(out, dtype=np.float64)


def bracketing_expiries(
    times: Any,
    *,
    target: float = 30 / 365,
    min_near: float = 0.0,
) -> tuple[float, float]:
    r"""The two expiries that bracket a target horizon (the VIX's near and next term).

    Parameters
    ----------
    times : array_like or Series
        Times to expiration in years of the expiries available (duplicates allowed, e.g. one
        value per option row of a full chain).
    target : float, default 30/365
        Horizon in years.
    min_near : float, default 0.0
        Ignore expiries with ``t <= min_near`` (Cboe's current rule uses expiries more than 23
        days out: pass ``23 / 365``).

    Returns
    -------
    near, next : float
        ``near`` = the longest expiry ``<= target`` (above ``min_near``), ``next`` = the
        shortest expiry ``> target``. If no expiry lies at or below the target, ``near`` and
        ``next`` are the two shortest above it (the formula of
        :func:`constant_maturity_variance` then extrapolates).

    Raises
    ------
    InputError
        Fewer than two distinct expiries above ``min_near``, no expiry beyond the target,
        non-positive or non-finite times.
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: T_1 = \max\{T_i \le \tau\}, \qquad T_2 = \min\{T_i > \tau\}

    **Complexity.** O(E·log E) time (one :func:`numpy.unique`) and O(E) memory for E expiries.

    References
    ----------
    .. [1] Cboe, "VIX Index Mathematics Methodology": near- and next-term options have more
       than 23 and less than 37 days to expiration.

    Examples
    --------
    >>> from divergence.dispersion import bracketing_expiries
    >>> near, nxt = bracketing_expiries([3 / 365, 26 / 365, 28 / 365, 31 / 365, 35 / 365])
    >>> print(f"{near * 365:.0f} {nxt * 365:.0f}")
    28 31
    """
    tau = check_float(target, "target", minimum=0.0, inclusive=(False, True))
    floor = check_float(min_near, "min_near", minimum=0.0)
    arr, _ = as_array(times, "times", ndim=1, allow_nan=False, positive=True)
    warn_units(arr, "times", "years")
    warn_units(tau, "target", "years")
    uniq = np.unique(arr[arr > floor])
    if uniq.size < 2:
        raise InputError(
            f"times needs at least two distinct expiries above min_near={floor:g}, got {uniq.size}"
        )
    above = uniq[uniq > tau]
    if above.size == 0:
        raise InputError(f"times has no expiry beyond the target {tau:g} years")
    at_or_below = uniq[uniq <= tau]
    if at_or_below.size:
        return float(at_or_below[-1]), float(above[0])
    return float(above[0]), float(above[1]) if above.size > 1 else float(above[0])
