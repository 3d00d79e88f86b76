r"""Interest-coverage → synthetic rating → credit spread tables (private module).

A :class:`SpreadTable` maps interest coverage (EBIT / interest expense) to a rating and a
spread over the base rate, band by band, following Damodaran's "synthetic rating" method: a
band ``[lo, hi)`` of coverage maps to one rating and one spread. The spread of refinanced debt
depends on coverage, and coverage depends on the new coupon, so the spread of a refinancing is
the fixed point of coverage → spread → coupon → coverage, found by iteration with a cap
(:meth:`SpreadTable.refinancing_spread`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from divergence._typing import FloatArray
from divergence._validation import (
    MAX_ABS,
    as_array,
    check_float,
    check_int,
    check_option,
    to_pandas,
)
from divergence.errors import InputError

__all__ = ["SpreadTable"]


def _values(x: object, name: str, **checks: Any) -> FloatArray:
    """A real number or an array of them (any shape up to 2-D), validated as float64."""
    if isinstance(x, int | float | np.integer | np.floating) and not isinstance(x, bool | np.bool_):
        allow_inf = bool(checks.get("allow_inf", False))
        value = check_float(x, name, allow_inf=allow_inf, max_abs=checks.get("max_abs", MAX_ABS))
        if checks.get("nonnegative") and value < 0:
            raise InputError(f"{name} must be >= 0, got {value}")
        return np.asarray(value, dtype=np.float64)
    values, _ = as_array(x, name, ndim=(1, 2), allow_nan=False, **checks)
    return values


def _labels(x: object, name: str) -> tuple[str, ...]:
    if isinstance(x, str | bytes) or not isinstance(x, Sequence | np.ndarray | pd.Index):
        raise TypeError(f"{name} must be a sequence of labels, got {type(x).__name__}")
    return tuple(str(r) for r in x)


_RATINGS = (
    "D",
    "C",
    "CC",
    "CCC",
    "B-",
    "B",
    "B+",
    "BB",
    "BB+",
    "BBB",
    "A-",
    "A",
    "A+",
    "AA",
    "AAA",
)

# Damodaran, "Ratings, Interest Coverage Ratios and Default Spread", web table for large
# (market cap > $5bn) non-financial service firms. Lower band edges and spreads (decimals).
_LARGE_EDGES = (0.2, 0.65, 0.8, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 4.25, 5.5, 6.5, 8.5)
_LARGE_SPREADS = (
    0.19,
    0.155,
    0.101,
    0.0728,
    0.0442,
    0.03,
    0.0261,
    0.0183,
    0.0155,
    0.012,
    0.0095,
    0.0085,
    0.0077,
    0.006,
    0.0045,
)
# Same page, smaller and riskier (market cap < $5bn) non-financial service firms, same vintage.
_SMALL_EDGES = (0.5, 0.8, 1.25, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 6.0, 7.5, 9.5, 12.5)
# Damodaran on Valuation, 2nd ed. (2006), Table 2.4: small manufacturing firms, 2004 spreads.
_SMALL_2004_SPREADS = (
    0.20,
    0.12,
    0.10,
    0.08,
    0.06,
    0.04,
    0.0325,
    0.025,
    0.02,
    0.015,
    0.01,
    0.0085,
    0.007,
    0.005,
    0.0035,
)

_WEB_SOURCE = (
    "A. Damodaran, 'Ratings, Interest Coverage Ratios and Default Spread', "
    "pages.stern.nyu.edu/~adamodar/New_Home_Page/datafile/ratings.htm"
)
_WEB_AS_OF = (
    "undated web snapshot (the page is re-estimated every January; the copy read in 2026-11 "
    "carries no date)"
)


@dataclass(frozen=True)
class SpreadTable:
    r"""Coverage bands → rating → spread over the base rate.

    Band ``i`` covers interest coverage in ``[edges[i-1], edges[i])`` with ``edges[-1] = -inf``
    implicitly below the first edge and ``+inf`` above the last, so ``len(spreads) ==
    len(edges) + 1``. Coverage ``+inf`` (no interest) falls in the top band.

    Parameters
    ----------
    edges : sequence of float
        Strictly increasing lower edges of bands 1, 2, ... (interest coverage, a pure ratio);
        empty for a single flat spread.
    spreads : sequence of float
        Annual spread over the base rate for each band (decimal, 0.02 = 200 bp), one more than
        ``edges``; must be non-negative.
    ratings : sequence of str
        Rating label for each band (same length as ``spreads``).
    source : str
        Where the numbers come from (kept with every result).
    as_of : str
        Date or vintage of the numbers.

    Raises
    ------
    InputError
        Edges not strictly increasing, wrong lengths, negative or non-finite spreads.

    Notes
    -----
    .. math:: s(\mathrm{ICR}) = s_i \quad\text{for}\quad e_{i-1} \le \mathrm{ICR} < e_i,
       \qquad e_{-1} = -\infty,\; e_{n} = +\infty

    Damodaran states his bands as "greater than lo, at most hi" with edges such as
    0.199999; reading them as ``[lo, hi)`` gives the same bands up to that rounding.

    References
    ----------
    .. [1] A. Damodaran, "Ratings, Interest Coverage Ratios and Default Spread", NYU Stern data
       page (re-estimated every January).
    .. [2] A. Damodaran, *Damodaran on Valuation*, 2nd ed., Wiley, 2006, Table 2.4.

    Examples
    --------
    >>> t = SpreadTable.damodaran_small_2004()
    >>> print(t.rating(10.0 / 3.0), f"{t.spread(10.0 / 3.0):.4f}")
    BB 0.0250
    """

    edges: tuple[float, ...]
    spreads: tuple[float, ...]
    ratings: tuple[str, ...]
    source: str = "user table"
    as_of: str = "unspecified"
    _edges_arr: FloatArray = field(init=False, repr=False, compare=False)
    _spreads_arr: FloatArray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if isinstance(self.edges, Sequence | np.ndarray) and len(self.edges) == 0:
            e = np.empty(0)  # one band: a flat spread
        else:
            e, _ = as_array(self.edges, "edges", ndim=1, allow_nan=False)
        s, _ = as_array(self.spreads, "spreads", ndim=1, allow_nan=False, nonnegative=True)
        if len(s) != len(e) + 1:
            raise InputError(
                f"spreads must have one more entry than edges ({len(e) + 1}), got {len(s)}"
            )
        ratings = _labels(self.ratings, "ratings")
        if len(ratings) != len(s):
            raise InputError(f"ratings must have one label per band ({len(s)}), got {len(ratings)}")
        if len(e) > 1 and not np.all(np.diff(e) > 0):
            raise InputError("edges must be strictly increasing")
        object.__setattr__(self, "edges", tuple(float(v) for v in e))
        object.__setattr__(self, "spreads", tuple(float(v) for v in s))
        object.__setattr__(self, "ratings", ratings)
        object.__setattr__(self, "_edges_arr", e)
        object.__setattr__(self, "_spreads_arr", s)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def damodaran(cls, firm_size: Literal["large", "small"] = "large") -> SpreadTable:
        """Damodaran's web table for non-financial firms (the library default is ``"large"``).

        Parameters
        ----------
        firm_size : {"large", "small"}, default "large"
            ``"large"``: market cap above $5bn; ``"small"``: smaller and riskier firms (higher
            coverage needed for the same rating). Both use the same spread column.

        Returns
        -------
        SpreadTable
            With ``source`` and ``as_of`` recorded (the web snapshot is undated; see Notes).

        Raises
        ------
        InputError
            Unknown ``firm_size``.
        TypeError
            ``firm_size`` is not a string.

        Notes
        -----
        Spreads (decimals) from D to AAA: 19.00%, 15.50%, 10.10%, 7.28%, 4.42%, 3.00%, 2.61%,
        1.83%, 1.55%, 1.20%, 0.95%, 0.85%, 0.77%, 0.60%, 0.45%. The page is re-estimated every
        January and the copy read carries no date, so ``as_of`` says so; use
        :meth:`damodaran_small_2004` for a dated table or pass your own.

        References
        ----------
        .. [1] A. Damodaran, "Ratings, Interest Coverage Ratios and Default Spread",
           https://pages.stern.nyu.edu/~adamodar/New_Home_Page/datafile/ratings.htm

        Examples
        --------
        >>> print(SpreadTable.damodaran().rating(4.0))
        A-
        """
        size = check_option(firm_size, "firm_size", ("large", "small"))
        edges = _LARGE_EDGES if size == "large" else _SMALL_EDGES
        return cls(
            edges,
            _LARGE_SPREADS,
            _RATINGS,
            source=f"{_WEB_SOURCE}, {size} non-financial firms",
            as_of=_WEB_AS_OF,
        )

    @classmethod
    def damodaran_small_2004(cls) -> SpreadTable:
        """Damodaran's dated table for small manufacturing firms, 2004 spreads.

        Returns
        -------
        SpreadTable
            Bands with lower edges 0.5, 0.8, 1.25, ... 12.5 and spreads 20% (D) to 0.35% (AAA).

        References
        ----------
        .. [1] A. Damodaran, *Damodaran on Valuation*, 2nd ed., Wiley, 2006, Table 2.4
           (sources: Compustat, Bondsonline.com).

        Examples
        --------
        >>> print(f"{SpreadTable.damodaran_small_2004().spread(0.3):.2f}")
        0.20
        """
        return cls(
            _SMALL_EDGES,
            _SMALL_2004_SPREADS,
            _RATINGS,
            source="A. Damodaran, Damodaran on Valuation, 2nd ed. (2006), Table 2.4, "
            "small manufacturing firms",
            as_of="2004",
        )

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, source: str = "user table", as_of: str = "unspecified"
    ) -> SpreadTable:
        """Build a table from a frame with columns ``lower``, ``rating``, ``spread``.

        Parameters
        ----------
        frame : DataFrame
            One row per band, sorted by ``lower`` (lower coverage edge, the first row's value
            is ignored and treated as ``-inf``); ``spread`` annual decimal.
        source, as_of : str
            Provenance recorded in the table.

        Returns
        -------
        SpreadTable

        Raises
        ------
        InputError
            Missing columns or invalid bands.
        TypeError
            ``frame`` is not a DataFrame.

        Examples
        --------
        >>> df = pd.DataFrame({"lower": [0, 1.5], "rating": ["HY", "IG"], "spread": [0.05, 0.01]})
        >>> print(f"{SpreadTable.from_frame(df).spread(2.0):.2f}")
        0.01
        """
        frame = to_pandas(frame, date_index=False)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"frame must be a DataFrame, got {type(frame).__name__}")
        missing = [c for c in ("lower", "rating", "spread") if c not in frame.columns]
        if missing:
            raise InputError(f"frame is missing column(s) {missing}")
        lower, _ = as_array(frame["lower"], "frame['lower']", ndim=1, allow_inf=True)
        if not np.isfinite(lower[1:]).all():
            raise InputError(
                "frame['lower'] must be finite after the first row (the first edge is -inf)"
            )
        spreads, _ = as_array(
            frame["spread"], "frame['spread']", ndim=1, allow_nan=False, nonnegative=True
        )
        return cls(
            tuple(lower[1:]),
            tuple(spreads),
            tuple(str(r) for r in frame["rating"]),
            source=source,
            as_of=as_of,
        )

    # ------------------------------------------------------------------ lookups
    def band(self, coverage: Any) -> Any:
        """Band index (0 = lowest) of each coverage value.

        Parameters
        ----------
        coverage : float or array_like
            EBIT / interest expense (a pure ratio); ``±inf`` allowed (``+inf``: no interest).

        Returns
        -------
        int or ndarray of int
            Index into :attr:`spreads` and :attr:`ratings`, same shape as ``coverage``.

        Raises
        ------
        InputError
            NaN coverage (its band is undefined), empty or 3-D input.
        TypeError
            Non-numeric coverage.

        Examples
        --------
        >>> print(SpreadTable.damodaran().band([0.1, 9.0, float("inf")]))
        [ 0 14 14]
        """
        c = _values(coverage, "coverage", allow_inf=True, max_abs=None)
        return np.searchsorted(self._edges_arr, c, side="right")

    def spread(self, coverage: Any) -> Any:
        """Spread (annual decimal) for interest coverage ``coverage`` (scalar or array).

        Parameters
        ----------
        coverage : float or array_like
            EBIT / interest expense; ``+inf`` for no interest.

        Returns
        -------
        float or ndarray
            Same shape as ``coverage``.

        Raises
        ------
        InputError
            NaN coverage, empty or 3-D input.
        TypeError
            Non-numeric coverage.

        Examples
        --------
        >>> print(SpreadTable.damodaran().spread([0.1, 9.0]))
        [0.19   0.0045]
        """
        out = self._spreads_arr[self.band(coverage)]
        return float(out) if np.ndim(out) == 0 else out

    def rating(self, coverage: float) -> str:
        """Rating label for one coverage value.

        Parameters
        ----------
        coverage : float
            EBIT / interest expense; ``+inf`` for no interest.

        Returns
        -------
        str
            Label of the band holding ``coverage``.

        Raises
        ------
        InputError
            NaN coverage.
        TypeError
            ``coverage`` is not a real number.

        Examples
        --------
        >>> print(SpreadTable.damodaran().rating(0.1))
        D
        """
        c = check_float(coverage, "coverage", allow_inf=True, max_abs=None)
        return self.ratings[int(self.band(c))]

    def to_frame(self) -> pd.DataFrame:
        """One row per band: ``lower``, ``upper`` (coverage), ``rating``, ``spread``.

        Returns
        -------
        DataFrame
            One row per band, lowest first; ``attrs`` holds ``source`` and ``as_of``.

        Examples
        --------
        >>> print(len(SpreadTable.damodaran().to_frame()))
        15
        """
        lower = np.r_[-np.inf, self._edges_arr]
        upper = np.r_[self._edges_arr, np.inf]
        out = pd.DataFrame(
            {"lower": lower, "upper": upper, "rating": list(self.ratings), "spread": self.spreads}
        )
        out.attrs["source"] = self.source
        out.attrs["as_of"] = self.as_of
        return out

    # ------------------------------------------------------------------ fixed point
    def refinancing_spread(
        self,
        ebit: Any,
        other_interest: Any,
        principal: Any,
        base_rate: Any,
        *,
        initial_coverage: Any = None,
        max_iter: int = 20,
    ) -> tuple[FloatArray, FloatArray]:
        r"""Spread of refinanced debt as the fixed point of coverage → spread → coupon.

        Parameters
        ----------
        ebit : float or array_like
            Annual EBIT (money).
        other_interest : float or array_like
            Annual interest on the firm's debt that is *not* being refinanced (money).
        principal : float or array_like
            Principal being refinanced (money, ``>= 0``).
        base_rate : float or array_like
            Annual base rate at which it is refinanced (decimal).
        initial_coverage : float or array_like, optional
            Coverage used for the first guess (e.g. coverage on the old coupon); by default the
            coverage with the refinanced principal at the base rate alone.
        max_iter : int, default 20
            Iteration cap (a guard: see Notes).

        Returns
        -------
        spread : ndarray
            Annual spread (decimal) after the last iteration, broadcast shape of the inputs.
        converged : ndarray of bool
            Whether the spread stopped changing before the cap.

        Raises
        ------
        InputError
            ``max_iter`` < 1; NaN, infinite (``±inf`` coverage is allowed), empty or 3-D
            inputs; negative ``other_interest`` or ``principal``; shapes that do not broadcast.
        TypeError
            Non-numeric inputs.

        Notes
        -----
        Starting from :math:`s_0 = s(\mathrm{ICR}_0)`, iterate

        .. math:: \mathrm{ICR}_{k} = \frac{E}{I_{\text{other}} + P\,(r + s_{k})},
           \qquad s_{k+1} = s(\mathrm{ICR}_{k})

        until :math:`s_{k+1} = s_k` or ``max_iter`` steps. Non-positive total interest gives
        coverage :math:`+\infty` (top band). With spreads that rise as coverage falls (every
        rating table) the map :math:`s \mapsto s(\mathrm{ICR}(s))` is non-decreasing, so the
        iterates move monotonically and stop within ``len(spreads)`` steps; later steps only
        revisit the elements whose band moved.

        Examples
        --------
        >>> t = SpreadTable.damodaran_small_2004()
        >>> s, ok = t.refinancing_spread(10.0, 1.0, 30.0, 0.04)
        >>> print(f"{float(s):.4f}", bool(ok))
        0.0200 True
        """
        n_iter = check_int(max_iter, "max_iter", minimum=1)
        names: tuple[str, ...] = ("ebit", "other_interest", "principal", "base_rate")
        arrays = [
            _values(ebit, "ebit"),
            _values(other_interest, "other_interest", nonnegative=True),
            _values(principal, "principal", nonnegative=True),
            _values(base_rate, "base_rate"),
        ]
        if initial_coverage is not None:
            names += ("initial_coverage",)
            arrays.append(
                _values(initial_coverage, "initial_coverage", allow_inf=True, max_abs=None)
            )
        try:
            shape = np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(f"{n} {a.shape}" for n, a in zip(names, arrays, strict=True))
            raise InputError(f"the inputs do not broadcast together: {shapes}") from None
        e, o, p, r = (np.broadcast_to(a, shape) for a in arrays[:4])
        if initial_coverage is None:
            icr0 = _coverage(e, o + p * r)
        else:
            icr0 = np.broadcast_to(arrays[4], shape)
        return self._fixed_point(e, o, p, r, icr0, n_iter)

    def _fixed_point(
        self,
        e: FloatArray,
        o: FloatArray,
        p: FloatArray,
        r: FloatArray,
        icr0: FloatArray,
        n_iter: int,
    ) -> tuple[FloatArray, FloatArray]:
        """Iterate coverage -> spread on validated, broadcastable arrays (engine fast path).

        The first step runs on every element; later steps only on those whose band changed.
        """
        edges, spreads = self._edges_arr, self._spreads_arr
        shape = np.broadcast_shapes(e.shape, o.shape, p.shape, r.shape, icr0.shape)
        e_f = np.broadcast_to(e, shape).ravel()
        p_f = np.broadcast_to(p, shape).ravel()
        pr_f = (np.broadcast_to(p, shape) * np.broadcast_to(r, shape) + o).ravel()
        band = _band(edges, np.broadcast_to(icr0, shape).ravel())
        converged = np.zeros(band.shape, dtype=bool)
        active = np.arange(band.size)
        for _ in range(n_iter):
            if active.size == band.size:
                e_a, p_a, pr_a, b_a = e_f, p_f, pr_f, band
            else:
                e_a, p_a, pr_a, b_a = e_f[active], p_f[active], pr_f[active], band[active]
            interest = pr_a + p_a * spreads[b_a]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                icr = e_a / interest
            nonpos = interest <= 0
            if nonpos.any():
                icr[nonpos] = np.inf
            new_band = _band(edges, icr)
            moved = new_band != b_a
            if active.size == band.size:
                band = new_band
                converged = ~moved
                active = np.flatnonzero(moved)
            else:
                band[active] = new_band
                converged[active] = ~moved
                active = active[moved]
            if active.size == 0:
                break
        return spreads[band].reshape(shape), converged.reshape(shape)


_SMALL_TABLE = 64  # up to this many edges, bands are counted by comparisons
_BAND_BLOCK = 1 << 16  # values compared with every edge at once (edges x 64 KB of bools)


def _band(edges: FloatArray, x: FloatArray) -> np.ndarray[Any, np.dtype[np.integer[Any]]]:
    """``searchsorted(edges, x, side="right")`` (NaN -> ``len(edges)``), faster for few edges.

    With a rating table's dozen edges and thousands of values, counting ``x >= edge`` edge by
    edge in int8 is a few times quicker than a binary search per element; on short inputs
    the binary search's single call wins.
    """
    if len(edges) > _SMALL_TABLE or x.size < 8 * len(edges) ** 2:
        return np.searchsorted(edges, x, side="right")  # per-call cost wins on short inputs
    flat = x.reshape(-1)
    band = np.empty(flat.size, dtype=np.int8)
    # (edges, block) comparisons in one call, then a sum over edges: two calls per block
    ge = np.empty((len(edges), min(flat.size, _BAND_BLOCK)), dtype=bool)
    column = edges[:, None]
    for lo in range(0, flat.size, _BAND_BLOCK):
        hi = min(lo + _BAND_BLOCK, flat.size)
        block = ge[:, : hi - lo]
        np.less_equal(column, flat[None, lo:hi], out=block)
        block.view(np.int8).sum(axis=0, dtype=np.int8, out=band[lo:hi])
    nan = np.isnan(flat)
    if nan.any():
        band[nan] = len(edges)
    return band.reshape(x.shape)


def _coverage(ebit: FloatArray, interest: FloatArray) -> FloatArray:
    """EBIT / interest with +inf where interest <= 0 (no debt burden).

    A vanishingly small positive interest overflows the ratio to +-inf, which is the limit the
    definition implies, so the overflow is not reported as a warning.
    """
    pos = interest > 0
    out = np.full(np.broadcast(ebit, interest).shape, np.inf)
    with np.errstate(over="ignore"):
        np.divide(ebit, interest, out=out, where=pos)
    return out


def tables_for_cohorts(
    spread_table: SpreadTable | dict[str, SpreadTable],
    cohorts: Sequence[str],
) -> tuple[list[SpreadTable], np.ndarray[Any, np.dtype[np.int64]]]:
    """Distinct tables and, per cohort, the index of its table."""
    if isinstance(spread_table, SpreadTable):
        return [spread_table], np.zeros(len(cohorts), dtype=np.int64)
    if not isinstance(spread_table, dict):
        raise TypeError(
            "spread_table must be a SpreadTable or a dict cohort -> SpreadTable, "
            f"got {type(spread_table).__name__}"
        )
    missing = [c for c in cohorts if c not in spread_table]
    if missing:
        raise InputError(f"spread_table has no table for cohort(s) {missing}")
    tables: list[SpreadTable] = []
    idx = np.zeros(len(cohorts), dtype=np.int64)
    for i, c in enumerate(cohorts):
        t = spread_table[c]
        if not isinstance(t, SpreadTable):
            raise TypeError(f"spread_table[{c!r}] must be a SpreadTable")
        for j, u in enumerate(tables):
            if u is t:
                idx[i] = j
                break
        else:
            tables.append(t)
            idx[i] = len(tables) - 1
    return tables, idx
