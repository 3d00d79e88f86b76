"""Result object of the refinancing simulator (private module)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from divergence._numeric import quantile
from divergence._typing import BoolArray, FloatArray, IntArray
from divergence._validation import as_array, check_float, check_option, to_pandas
from divergence.errors import InputError
from divergence.refinancing._spreads import _coverage

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = [
    "ALL_COHORTS",
    "Distress",
    "RefinancingResult",
    "cohort_labels",
    "spread_tables_by_label",
]

#: Label of the all-firms total that :class:`RefinancingResult` appends to the user's cohorts.
#: A user cohort with this label is refused (:func:`cohort_labels`), so the two never collide.
ALL_COHORTS: str = "all"


def cohort_labels(firms: object, as_text: Sequence[str]) -> tuple[Hashable, ...]:
    """The cohort labels of a (validated) firms frame, first-appearance order, types kept.

    ``as_text`` are the same labels as text, in the same order (the simulator's internal codes
    are built on them). Refuses, with an :class:`InputError` naming ``firms['cohort']``, a
    cohort labelled :data:`ALL_COHORTS` (it would collide with the all-firms total) and two
    distinct labels that print alike (``1`` and ``"1"``: the simulator would merge them).
    """
    frame = to_pandas(firms, date_index=False)
    column = frame["cohort"].reset_index(drop=True)
    _codes, uniques = pd.factorize(column, sort=False)
    labels: list[Hashable] = list(uniques.tolist())
    if len(labels) != len(as_text):
        seen: dict[str, Hashable] = {}
        for lab in labels:
            text = str(lab)
            if text in seen:
                raise InputError(
                    f"firms['cohort'] has two labels that print alike, {seen[text]!r} and "
                    f"{lab!r}; the simulator tells cohorts apart by their text: make them "
                    "distinct"
                )
            seen[text] = lab
    for lab in labels:
        if isinstance(lab, str) and lab == ALL_COHORTS:
            raise InputError(
                f"firms['cohort'] uses the label {ALL_COHORTS!r}, which refinancing results "
                "reserve for the all-firms total (the last entry of RefinancingResult.cohorts); "
                "rename that cohort"
            )
    return tuple(labels)


def spread_tables_by_label(
    spread_table: Any, labels: Sequence[Hashable], as_text: Sequence[str]
) -> Any:
    """A dict cohort -> table keyed by the cohorts' text too, so a key keeps its own type.

    A dict keyed by the user's labels (``{1: table}`` for an integer cohort) is given the text
    keys the simulator looks up; anything else is returned unchanged.
    """
    if not isinstance(spread_table, dict):
        return spread_table
    out = dict(spread_table)
    for lab, text in zip(labels, as_text, strict=True):
        if lab in spread_table:
            out[text] = spread_table[lab]
    return out


STATISTICS: tuple[str, ...] = (
    "interest",
    "ebit",
    "coverage",
    "repriced_share",
    "distressed_share",
    "distressed_debt_share",
    "debt_at_risk",
    "debt_at_risk_share",
)

_FREQ_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True)
class Distress:
    r"""Distress rule: coverage below ``threshold`` for ``months`` consecutive months.

    Parameters
    ----------
    threshold : float, default 1.0
        Interest-coverage threshold (EBIT / interest); a firm-month is "weak" when coverage is
        strictly below it. 1.0 is the Fed/IMF debt-at-risk line; the Bank of England's "low
        ICR" line is 2.5.
    months : int, default 3
        Consecutive weak months after which the firm is flagged (the flag stays on while
        coverage stays below the threshold).

    Raises
    ------
    InputError
        Non-finite ``threshold`` or ``months`` < 1.
    TypeError
        ``threshold`` not a real number or ``months`` not an integer.

    Notes
    -----
    Firm :math:`f` is distressed in month :math:`t` when

    .. math:: \mathrm{ICR}_{f,s} < \text{threshold} \quad \text{for } s = t - n + 1,
       \dots, t, \qquad n = \text{months}

    References
    ----------
    .. [1] R. Banerjee and B. Hofmann, "The rise of zombie firms: causes and consequences",
       BIS Quarterly Review, September 2018 (ICR < 1 for three consecutive years, after
       Adalet McGowan et al., OECD 2017).
    .. [2] G. Favara, C. Minoiu and A. Perez-Orive, "U.S. Zombie Firms: How Many and How
       Consequential?", FEDS Notes, 30 July 2021.

    Examples
    --------
    >>> print(Distress.zombie())
    Distress(threshold=1.0, months=36)
    """

    threshold: float = 1.0
    months: int = 3

    def __post_init__(self) -> None:
        from divergence._validation import check_int

        object.__setattr__(
            self, "threshold", check_float(self.threshold, "distress.threshold", allow_inf=False)
        )
        object.__setattr__(self, "months", check_int(self.months, "distress.months", minimum=1))

    @classmethod
    def zombie(cls) -> Distress:
        """The zombie variant: coverage below 1 for 36 consecutive months (BIS/OECD rule).

        Returns
        -------
        Distress

        Notes
        -----
        The BIS/OECD rule also asks for firm age >= 10 years (and the narrow BIS measure for
        Tobin's q below the sector median); the simulator has neither, so this is the
        coverage part of the definition only.

        Examples
        --------
        >>> print(Distress.zombie().months)
        36
        """
        return cls(threshold=1.0, months=36)


def _divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """Num / den with NaN where den == 0 (and no warning)."""
    den_b = np.broadcast_to(den, np.broadcast(num, den).shape)
    out = np.full(den_b.shape, np.nan)
    np.divide(num, den_b, out=out, where=den_b != 0)
    return out


@dataclass(frozen=True, eq=False)
class RefinancingResult:
    r"""Output of :func:`~divergence.refinancing.simulate`.

    Cohort aggregates are kept per path; ``cohorts`` lists the cohorts in the order of the
    firms frame followed by ``"all"``. Money is in the units of the inputs, rates annual.

    Attributes
    ----------
    cohorts : tuple
        Cohort labels as given in the firms frame (an integer cohort stays an integer), then
        ``"all"``, the all-firms total. :func:`~divergence.refinancing.simulate` refuses a user
        cohort called ``"all"``, so the last entry is always the total.
    n_paths, horizon : int
        Paths and months simulated.
    thresholds : tuple of float
        Coverage thresholds whose counts and debt were kept for every path and month.
    distress : Distress
        The distress rule used.
    spread_source : str
        Source and vintage of the spread table(s).
    base_rate : ndarray
        ``(paths, months)``: base rate in force each month (annual decimal).
    firms : list
        Firm labels in the order of the firms frame.
    interest, ebit, coverage : ndarray or None
        With ``keep="full"``: ``(paths, months, firms)`` annualised interest expense in force
        during the month (Σ principal × rate), annualised EBIT, and EBIT / interest (``+inf``
        without debt). None otherwise.
    spread_unconverged : int
        Number of (path, firm, month) refinancings where the coverage → spread iteration hit
        its cap (the last iterate is used).
    interest_sum, ebit_sum : ndarray
        ``(paths, months, cohorts)``: Σ annualised interest and Σ annualised EBIT.
    debt, n_firms : ndarray
        Principal and number of firms per cohort (principal is conserved).
    repriced_debt : ndarray
        ``(months, cohorts)``: principal re-fixed or refinanced at least once by that month
        (the schedule is the same on every path).
    below_count, below_debt : ndarray
        ``(thresholds, paths, months, cohorts)``: firms (and their debt) with coverage strictly
        below each of :attr:`thresholds`.
    distressed_count, distressed_debt : ndarray
        ``(paths, months, cohorts)``: firms (and their debt) flagged by :attr:`distress`.
    tranche_maturity, tranche_principal, tranche_cohort, tranche_floating : ndarray
        The initial book, tranche by tranche (for :meth:`maturity_wall`).
    firm_cohort, firm_debt : ndarray
        Cohort code (position in :attr:`cohorts`) and principal of each firm, firms-frame order.

    Notes
    -----
    Cohort coverage is the aggregate ratio (the Fed's definition), not a mean of firm ratios:

    .. math:: \mathrm{ICR}_{c,t} = \frac{\sum_{f \in c} E_{f,t}}{\sum_{f \in c} I_{f,t}}

    Without ``keep="full"`` only these per-path cohort sums are stored, so memory grows with
    paths × months × cohorts, not with the number of firms.

    Examples
    --------
    One fixed bullet of 100 at 5% refinanced at month 12 when the base rate is 6% (see
    :func:`~divergence.refinancing.simulate`):

    >>> from divergence.refinancing import policy_path, simulate
    >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
    ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
    >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
    ...                       "volatility": [0.0], "cohort": ["large"]})
    >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
    >>> print(res.cohorts, res.n_paths, res.horizon)
    ('large', 'all') 1 24
    """

    cohorts: tuple[Hashable, ...]
    n_paths: int
    horizon: int
    thresholds: tuple[float, ...]
    distress: Distress
    spread_source: str
    base_rate: FloatArray
    firms: list[Hashable]
    interest_sum: FloatArray
    ebit_sum: FloatArray
    debt: FloatArray
    n_firms: FloatArray
    repriced_debt: FloatArray
    below_count: FloatArray
    below_debt: FloatArray
    distressed_count: FloatArray
    distressed_debt: FloatArray
    tranche_maturity: IntArray
    tranche_principal: FloatArray
    tranche_cohort: IntArray
    tranche_floating: BoolArray
    firm_cohort: IntArray
    firm_debt: FloatArray
    interest: FloatArray | None = None
    ebit: FloatArray | None = None
    coverage: FloatArray | None = None
    spread_unconverged: int = 0

    # ------------------------------------------------------------------ per-path arrays
    def path_values(self, statistic: str) -> FloatArray:
        """Per-path cohort aggregate, shaped ``(paths, months, cohorts)``.

        Parameters
        ----------
        statistic : str
            One of ``"interest"`` (Σ annualised interest, money), ``"ebit"`` (Σ annualised
            EBIT), ``"coverage"`` (aggregate coverage Σ EBIT / Σ interest), ``"repriced_share"``
            (share of principal re-fixed or refinanced at least once since month 0),
            ``"distressed_share"`` (share of firms flagged by the distress rule),
            ``"distressed_debt_share"``, ``"debt_at_risk"`` (debt of firms with coverage < 1,
            money) and ``"debt_at_risk_share"`` (its share of the cohort's debt).

        Returns
        -------
        ndarray
            ``(paths, months, len(cohorts))``.

        Raises
        ------
        InputError
            Unknown statistic.

        Examples
        --------
        Coverage 20 / 5 = 4 before the refinancing, 20 / 7.2 after it:

        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> print(np.round(res.path_values("coverage")[0, [0, 12], 0], 3))
        [4.    2.778]
        """
        stat = check_option(statistic, "statistic", STATISTICS)
        k1 = self.thresholds.index(1.0)
        if stat == "interest":
            return self.interest_sum.copy()
        if stat == "ebit":
            return self.ebit_sum.copy()
        if stat == "coverage":
            return _coverage(self.ebit_sum, self.interest_sum)
        if stat == "repriced_share":
            share = _divide(self.repriced_debt, self.debt[None, :])
            return np.broadcast_to(share, self.interest_sum.shape).copy()
        if stat == "distressed_share":
            return _divide(self.distressed_count, self.n_firms)
        if stat == "distressed_debt_share":
            return _divide(self.distressed_debt, self.debt)
        if stat == "debt_at_risk":
            return np.array(self.below_debt[k1], dtype=np.float64)
        return _divide(self.below_debt[k1], self.debt)

    @staticmethod
    def _check_quantiles(quantiles: Sequence[float]) -> FloatArray:
        q, _ = as_array(quantiles, "quantiles", ndim=1, allow_nan=False, nonnegative=True)
        if (q > 1).any():
            raise InputError("quantiles must lie in [0, 1]")
        if np.unique(q).size != q.size:
            raise InputError(f"quantiles must be distinct (one column each), got {q.tolist()}")
        return q

    def _summarise(self, values: FloatArray, quantiles: Sequence[float]) -> pd.DataFrame:
        q = self._check_quantiles(quantiles)
        n_m = values.shape[1]
        finite = np.where(np.isnan(values), np.nan, values)
        cols: dict[str, FloatArray] = {}
        with np.errstate(invalid="ignore"):
            cols["mean"] = np.mean(finite, axis=0).T.reshape(-1)
        qs = quantile(finite, q)
        for i, qq in enumerate(q):
            cols[f"q{qq:g}"] = qs[i].T.reshape(-1)
        index = pd.MultiIndex.from_product(
            [list(self.cohorts), np.arange(n_m)], names=["cohort", "month"]
        )
        return pd.DataFrame(cols, index=index)

    def to_frame(self, *, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
        """Every statistic by cohort and month: mean and quantiles across paths.

        Parameters
        ----------
        quantiles : sequence of float, default (0.05, 0.5, 0.95)
            Quantiles across paths (in [0, 1]).

        Returns
        -------
        DataFrame
            Index ``(cohort, month)``; columns a MultiIndex ``(statistic, summary)`` with
            statistics as in :meth:`path_values` and summaries ``"mean"``, ``"q0.05"``, ...
            A mean over paths is NaN/inf-propagating (coverage is ``+inf`` without interest).

        Raises
        ------
        InputError
            Quantiles empty, NaN, infinite, repeated or outside [0, 1].
        TypeError
            Non-numeric quantiles.

        Examples
        --------
        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> print(f'{res.to_frame().loc[("large", 12), ("interest", "mean")]:.2f}')
        7.20
        """
        frames = {s: self._summarise(self.path_values(s), quantiles) for s in STATISTICS}
        return pd.concat(frames, axis=1, names=["statistic", "summary"])

    def share_below(
        self,
        threshold: float,
        *,
        weight: Literal["count", "debt"] = "count",
        quantiles: Sequence[float] = (0.05, 0.5, 0.95),
    ) -> pd.DataFrame:
        """Share of firms (or of debt) with coverage below ``threshold``, by cohort and month.

        Parameters
        ----------
        threshold : float
            Coverage threshold (strictly below counts). Without ``keep="full"`` it must be one
            of :attr:`thresholds` (chosen when simulating).
        weight : {"count", "debt"}, default "count"
            Share of firms, or share of the cohort's principal.
        quantiles : sequence of float, default (0.05, 0.5, 0.95)
            Quantiles across paths.

        Returns
        -------
        DataFrame
            Index ``(cohort, month)``; columns ``mean`` and ``q<quantile>``.

        Raises
        ------
        InputError
            Threshold not kept (and no full arrays), unknown weight, bad quantiles (see
            :meth:`to_frame`).
        TypeError
            Non-numeric threshold or quantiles.

        Examples
        --------
        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> print(res.share_below(2.5).loc[("large", 12), "mean"])
        0.0

        A threshold not chosen when simulating needs the full arrays (coverage 2.78 < 3):

        >>> full = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0,
        ...                 keep="full")
        >>> below = full.share_below(3.0, weight="debt")
        >>> print(below.loc[("large", 11), "mean"], below.loc[("large", 12), "mean"])
        0.0 1.0
        """
        thr = check_float(threshold, "threshold", allow_inf=True)
        w = check_option(weight, "weight", ("count", "debt"))
        if thr in self.thresholds:
            k = self.thresholds.index(thr)
            num = self.below_count[k] if w == "count" else self.below_debt[k]
        elif self.coverage is not None:
            below = (self.coverage < thr).astype(np.float64)
            weights = np.ones_like(self.firm_debt) if w == "count" else self.firm_debt
            num = self._cohort_sums(below * weights)
        else:
            raise InputError(
                f"threshold {thr} was not kept; pass thresholds=(..., {thr}) to simulate or "
                f"use keep='full' (kept: {list(self.thresholds)})"
            )
        den = self.n_firms if w == "count" else self.debt
        return self._summarise(_divide(num, den), quantiles)

    def _cohort_sums(self, values: FloatArray) -> FloatArray:
        """(paths, months, firms) -> (paths, months, cohorts incl. 'all')."""
        n_c = len(self.cohorts) - 1
        out = np.zeros((*values.shape[:2], n_c + 1))
        for c in range(n_c):  # a handful of cohorts
            out[..., c] = values[..., self.firm_cohort == c].sum(axis=-1)
        out[..., n_c] = out[..., :n_c].sum(axis=-1)
        return out

    def first_crossing(self, threshold: float) -> pd.DataFrame:
        """First month each cohort's aggregate coverage falls below ``threshold``, per path.

        Parameters
        ----------
        threshold : float
            Coverage threshold (Σ EBIT / Σ interest of the cohort strictly below it).

        Returns
        -------
        DataFrame
            Index ``path``, one column per cohort; month of first crossing (0 = already
            below at month 0), NaN when the path never crosses within the horizon.

        Notes
        -----
        Aggregate coverage follows the Fed's definition (sum of earnings over sum of interest),
        so one large healthy firm can hold a cohort above the line; use :meth:`share_below`
        for the firm-level picture.

        Raises
        ------
        InputError
            NaN ``threshold``.
        TypeError
            ``threshold`` is not a real number.

        Examples
        --------
        Coverage falls from 4 to 2.78 at month 12:

        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> print(res.first_crossing(3.0).loc[0, "large"], res.first_crossing(2.0).loc[0, "large"])
        12.0 nan
        """
        thr = check_float(threshold, "threshold", allow_inf=True)
        below = self.path_values("coverage") < thr
        any_below = below.any(axis=1)
        first = np.where(any_below, np.argmax(below, axis=1), np.nan).astype(np.float64)
        return pd.DataFrame(
            first, index=pd.RangeIndex(self.n_paths, name="path"), columns=list(self.cohorts)
        )

    def maturity_wall(
        self,
        *,
        freq: Literal["month", "quarter", "year"] = "year",
        by: Literal["cohort", "kind"] = "cohort",
    ) -> pd.DataFrame:
        """Principal of the initial book by time to maturity (the maturity wall).

        Parameters
        ----------
        freq : {"month", "quarter", "year"}, default "year"
            Bucket width; bucket ``k`` (1, 2, ...) holds maturities at months
            ``(k-1)·w + 1 … k·w``.
        by : {"cohort", "kind"}, default "cohort"
            Columns: one per cohort, or ``"fixed"`` / ``"floating"``.

        Returns
        -------
        DataFrame
            Index = bucket number (named after ``freq``), money in the units of the book. Every
            tranche appears once, so the frame sums to the book's total principal (including
            maturities beyond the horizon).

        Raises
        ------
        InputError
            Unknown ``freq`` or ``by``.
        TypeError
            ``freq`` or ``by`` is not a string.

        Examples
        --------
        The bullet matures at month 12, in the first year and the fourth quarter:

        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> print(res.maturity_wall().loc[1, "large"], res.maturity_wall(freq="quarter").index[-1])
        100.0 4
        """
        f = check_option(freq, "freq", tuple(_FREQ_MONTHS))
        b = check_option(by, "by", ("cohort", "kind"))
        width = _FREQ_MONTHS[f]
        bucket = (self.tranche_maturity - 1) // width + 1
        if b == "cohort":
            users = np.empty(len(self.cohorts) - 1, dtype=object)  # labels may be tuples
            users[:] = list(self.cohorts[:-1])
            labels = users[self.tranche_cohort]
        else:
            labels = np.where(self.tranche_floating, "floating", "fixed").astype(object)
        frame = pd.DataFrame({f: bucket, "col": labels, "principal": self.tranche_principal})
        wall = frame.pivot_table(
            index=f, columns="col", values="principal", aggfunc="sum", fill_value=0.0, sort=False
        )
        full = pd.RangeIndex(1, int(bucket.max()) + 1, name=f)
        order = list(self.cohorts[:-1]) if b == "cohort" else ["fixed", "floating"]
        wall = wall.reindex(index=full, columns=[c for c in order if c in wall.columns])
        wall = wall.fillna(0.0)
        wall.columns.name = b
        return wall

    # ------------------------------------------------------------------ views
    def _headline(self) -> tuple[FloatArray, FloatArray]:
        """Median across paths of aggregate coverage at the first and the last month."""
        cov = self.path_values("coverage")
        with np.errstate(invalid="ignore"):
            first = np.median(cov[:, 0, :], axis=0)
            last = np.median(cov[:, -1, :], axis=0)
        return first, last

    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        first, last = self._headline()
        return short_repr(
            "RefinancingResult",
            {
                "firms": len(self.firms),
                "cohorts": self.cohorts[:-1],
                "paths": self.n_paths,
                "months": self.horizon,
                "keep": "full" if self.coverage is not None else "aggregate",
            },
            f"median coverage (all) {format_value(first[-1])} -> {format_value(last[-1])}",
        )

    def summary(self) -> Summary:
        r"""What was simulated, on what book, and the headline results by cohort.

        Returns
        -------
        Summary
            Settings (firms, tranches, paths, horizon, total debt, floating share, distress
            rule, spread table, arrays kept, unconverged spread iterations) and one table
            ``"By cohort"``, one column per cohort and ``"all"``, one row per statistic:
            ``firms``, ``debt`` (money),
            ``coverage_start`` and ``coverage_end`` (median across paths of the aggregate
            coverage in the first and last month), ``coverage_end_q05`` / ``coverage_end_q95``,
            ``interest_change`` (mean across paths of the relative change of annualised
            interest from the first to the last month, decimal), ``repriced_share``,
            ``debt_at_risk_share`` and ``distressed_share`` in the last month (means across
            paths, decimals).

        Notes
        -----
        Cohort coverage is the aggregate ratio
        :math:`\mathrm{ICR}_{c,t} = \sum_{f \in c} E_{f,t} / \sum_{f \in c} I_{f,t}`; the
        interest change is :math:`\overline{I_{c,T-1} / I_{c,0}} - 1` over paths. Every
        number can be recomputed from :meth:`path_values`.

        References
        ----------
        .. [1] IMF, *Global Financial Stability Report*, October 2019, ch. 2 (debt-at-risk:
           debt of firms with interest coverage below 1).

        Examples
        --------
        >>> from divergence.refinancing import policy_path, simulate
        >>> book = pd.DataFrame({"firm": ["a"], "principal": [100.0], "kind": ["fixed"],
        ...                      "coupon": [0.05], "maturity": [12], "tenor": [60]})
        >>> firms = pd.DataFrame({"firm": ["a"], "ebit": [20.0], "growth": [0.0],
        ...                       "volatility": [0.0], "cohort": ["large"]})
        >>> res = simulate(book, firms, policy_path(0.02, [0.0, 0.04] + [0.0] * 22), seed=0)
        >>> table = res.summary().tables["By cohort"]
        >>> print(table.loc[["coverage_start", "coverage_end"], "large"].round(3).tolist())
        [4.0, 2.778]
        """
        from divergence._summary import Summary

        first, last = self._headline()
        cov = self.path_values("coverage")
        interest = self.interest_sum
        with np.errstate(invalid="ignore", divide="ignore"):
            q05, q95 = quantile(cov[:, -1, :], np.array([0.05, 0.95]))
            change = np.mean(_divide(interest[:, -1, :], interest[:, 0, :]), axis=0) - 1.0
        table = pd.DataFrame(
            {
                "firms": self.n_firms.astype(np.int64),
                "debt": self.debt,
                "coverage_start": first,
                "coverage_end": last,
                "coverage_end_q05": q05,
                "coverage_end_q95": q95,
                "interest_change": change,
                "repriced_share": self.path_values("repriced_share")[0, -1, :],
                "debt_at_risk_share": self.path_values("debt_at_risk_share")[:, -1, :].mean(0),
                "distressed_share": self.path_values("distressed_share")[:, -1, :].mean(0),
            },
            index=pd.Index(list(self.cohorts), name="cohort"),
        ).T
        table.index.name = "statistic"
        total = float(self.tranche_principal.sum())
        floating = float(self.tranche_principal[self.tranche_floating].sum()) / total
        rate = self.base_rate
        settings: list[tuple[str, object]] = [
            ("Firms", len(self.firms)),
            ("Tranches", int(self.tranche_principal.size)),
            ("Paths", self.n_paths),
            ("Horizon (months)", self.horizon),
            ("Total debt", total),
            ("Floating share", floating),
            ("Base rate, start", float(np.mean(rate[:, 0]))),
            ("Base rate, end", float(np.mean(rate[:, -1]))),
            ("Distress rule", f"ICR<{self.distress.threshold:g} for {self.distress.months}m"),
            ("Arrays kept", "full" if self.coverage is not None else "aggregate"),
            ("Spread table", self.spread_source),
            ("Unconverged spreads", self.spread_unconverged),
        ]
        return Summary(
            "Refinancing simulation",
            settings,
            [("By cohort", table)],
            notes=[
                f"Coverage: aggregate EBIT / interest, median over paths (month 0 and "
                f"{self.horizon - 1}); shares are decimals at the last month, means over paths.",
                "Base rates: mean over paths, annual decimals.",
            ],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(
        self,
        kind: Literal["coverage", "maturity_wall"] = "coverage",
        *,
        cohorts: Sequence[Hashable] | None = None,
        threshold: float | None = None,
        freq: Literal["month", "quarter", "year"] = "year",
        ax: Any = None,
    ) -> Any:
        r"""Coverage fan by cohort, or the maturity wall of the initial book.

        Parameters
        ----------
        kind : {"coverage", "maturity_wall"}, default "coverage"
            ``"coverage"``: median and 5–95% band across paths of each cohort's aggregate
            interest coverage by month (:func:`divergence.plotting.coverage_fan`);
            ``"maturity_wall"``: principal falling due per bucket by cohort
            (:func:`divergence.plotting.maturity_wall`).
        cohorts : sequence of labels, optional
            Cohorts to draw (default: every cohort, without ``"all"``).
        threshold : float, optional
            ``"coverage"`` only: a dashed line at this coverage (e.g. 1.5).
        freq : {"month", "quarter", "year"}, default "year"
            ``"maturity_wall"`` only: bucket width.
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on, titled, axes labelled with units.

        Raises
        ------
        InputError
            Unknown ``kind``, cohort or ``freq``.
        ImportError
            matplotlib is not installed (``pip install "divergence[plot]"``).

        Notes
        -----
        The fan shows :math:`Q_{0.05}, Q_{0.5}, Q_{0.95}` over paths of
        :math:`\sum_{f \in c} E_{f,t} / \sum_{f \in c} I_{f,t}`.

        References
        ----------
        .. [1] Bank of England, *Financial Stability Report* (December 2023), interest coverage
           ratios under higher rates.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from divergence import refinancing as rf
        >>> book, firms = rf.example_book(n_mega=3, n_sme=6, seed=0)
        >>> res = rf.simulate(book, firms, np.full(12, 0.05), n_paths=20, seed=1)
        >>> ax = res.plot(threshold=1.5)
        >>> print(ax.get_title())
        Aggregate interest coverage by cohort (20 paths)
        """
        from divergence.plotting import _plot_refinancing_result

        k = check_option(kind, "kind", ("coverage", "maturity_wall"))
        return _plot_refinancing_result(
            self, k, cohorts=cohorts, threshold=threshold, freq=freq, ax=ax
        )


def _concat_results(parts: Sequence[RefinancingResult]) -> RefinancingResult:
    """Join results of consecutive path ranges of one run into one result (path axis).

    The parts must come from the same inputs (book, firms, horizon, options) and be given in
    path order; per-path arrays are concatenated, per-run constants taken from the first part
    and ``spread_unconverged`` summed. Full arrays are joined when every part kept them.
    """
    from dataclasses import replace

    if not parts:
        raise InputError("no results to concatenate")
    head = parts[0]
    for other in parts[1:]:
        if (
            other.horizon != head.horizon
            or other.cohorts != head.cohorts
            or other.thresholds != head.thresholds
            or other.firms != head.firms
        ):
            raise InputError("results to concatenate come from different inputs")

    def cat(name: str, axis: int = 0) -> FloatArray:
        return np.concatenate([getattr(r, name) for r in parts], axis=axis)

    full = all(r.interest is not None for r in parts)
    return replace(
        head,
        n_paths=sum(r.n_paths for r in parts),
        base_rate=cat("base_rate"),
        interest_sum=cat("interest_sum"),
        ebit_sum=cat("ebit_sum"),
        below_count=cat("below_count", axis=1),
        below_debt=cat("below_debt", axis=1),
        distressed_count=cat("distressed_count"),
        distressed_debt=cat("distressed_debt"),
        interest=cat("interest") if full else None,
        ebit=cat("ebit") if full else None,
        coverage=cat("coverage") if full else None,
        spread_unconverged=sum(r.spread_unconverged for r in parts),
    )
