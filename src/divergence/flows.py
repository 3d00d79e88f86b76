r"""Flow mechanics: passive-flow feedback, benchmark capitulation and short-covering cascades.

The commentary this library grew out of names three mechanical forces that push money into the
largest names whatever anyone's opinion: cap-weighted passive inflows, the career risk of active
managers who are underweight the benchmark, and short sellers forced to buy back at their loss
limits. :func:`simulate_flows` puts the three in one small, explicit market model so that each
claim can be checked: which assumption actually makes concentration rise, and by how much.

The model in one paragraph
--------------------------
Each asset is one company with one share outstanding, so its price *is* its market cap
:math:`C_i`. Every trade moves the price through an inelastic-markets multiplier
:math:`M_i` (Gabaix & Koijen 2021): buying money :math:`F_i` of asset ``i`` moves its cap by
:math:`\Delta C_i = M_i F_i` (``impact="linear"``, so :math:`\Delta p/p = M_i F_i / C_i`) or
to :math:`C_i e^{M_i F_i / C_i}` (``impact="log"``). The multiplier is either common or linear
in log size, :math:`M_i = M_0 + b \ln(C_i / C_{\text{ref}})`. The counterparty of every trade
is the residual ("elastic") holder whose downward-sloping demand *is* the multiplier.

The module is deliberately small: one public simulator, its frozen result, and the closed-form
multiplier of a fixed-mandate fund (:func:`fixed_share_multiplier`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from divergence import concentration as _conc
from divergence._compat import renamed_arguments
from divergence._typing import FloatArray, IntArray, SeedLike, SeriesLike
from divergence._validation import (
    Meta,
    as_array,
    as_generator,
    as_per_item,
    check_float,
    check_int,
    check_option,
    to_caller,
)
from divergence.errors import InputError

if TYPE_CHECKING:
    from divergence._summary import Summary

__all__ = [
    "FlowSimulation",
    "fixed_share_multiplier",
    "illustrative_scenarios",
    "scenario_effective_n",
    "simulate_flows",
]

ImpactKind = Literal["linear", "log"]
_PANELS = (
    "caps",
    "weights",
    "passive_flow",
    "capitulation_flow",
    "short_covering_flow",
    "passive_holdings",
    "active_holdings",
    "short_interest",
)


# --------------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class FlowSimulation:
    r"""Result of :func:`simulate_flows` (read-only arrays; row 0 is the starting state).

    Attributes
    ----------
    caps : ndarray, shape (n_steps + 1, n_assets)
        Market caps (= prices: one share per company) at the end of each step, in the units of
        the input caps.
    weights : ndarray, shape (n_steps + 1, n_assets)
        Cap weights :math:`C_i / \sum_j C_j`.
    hhi, effective_n : ndarray, shape (n_steps + 1,)
        Concentration of the caps per step (:func:`divergence.concentration.hhi`,
        :func:`divergence.concentration.effective_n`).
    passive_flow, capitulation_flow, short_covering_flow : ndarray, shape (n_steps + 1, n_assets)
        Money each source paid for each asset in each step (negative = sold), in cap units.
        Row 0 is zero.
    passive_holdings, active_holdings : ndarray, shape (n_steps + 1, n_assets)
        Fraction of each company's shares held by passive funds and by active managers.
    short_interest : ndarray, shape (n_steps + 1, n_assets)
        Fraction of shares still sold short.
    tracking_error : ndarray, shape (n_steps + 1,)
        Active managers' tracking-error proxy before they trade in each step (NaN without
        active managers); same units as ``idiosyncratic_vol``.
    cascade_iterations : ndarray of int, shape (n_steps + 1,)
        Rounds of short covering in each step (0 when no stop was hit).
    assets : tuple
        Asset labels (the input Series index, or ``0 .. n-1``).

    Notes
    -----
    Built by :func:`simulate_flows` only; the arrays are read-only views, so a result can be
    shared without copying. :meth:`to_frame` gives one row per step of aggregate quantities,
    :meth:`panel` one per-asset field as a (step x asset) DataFrame.

    Examples
    --------
    >>> from divergence.flows import simulate_flows
    >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0)
    >>> res.n_steps, res.caps.shape
    (2, (3, 3))
    >>> print(res.panel("weights").iloc[-1].round(2).tolist())
    [0.6, 0.3, 0.1]
    """

    caps: FloatArray
    weights: FloatArray
    hhi: FloatArray
    effective_n: FloatArray
    passive_flow: FloatArray
    capitulation_flow: FloatArray
    short_covering_flow: FloatArray
    passive_holdings: FloatArray
    active_holdings: FloatArray
    short_interest: FloatArray
    tracking_error: FloatArray
    cascade_iterations: IntArray
    assets: tuple[Hashable, ...]

    @property
    def n_steps(self) -> int:
        """Number of simulated steps (rows minus the starting row)."""
        return int(self.caps.shape[0] - 1)

    def to_frame(self) -> pd.DataFrame:
        """One row per step (0 = start) with the aggregate path.

        Returns
        -------
        DataFrame
            Index ``step``; columns ``total_cap``, ``hhi``, ``effective_n``, ``top_weight``,
            ``passive_flow`` (net money), ``capitulation_buys`` (gross money moved into
            underweights; capitulation is self-financing so its net is zero),
            ``short_covering_flow``, ``tracking_error``, ``cascade_iterations``.

        Examples
        --------
        >>> from divergence.flows import simulate_flows
        >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0)
        >>> print(res.to_frame()["total_cap"].tolist())
        [100.0, 105.0, 110.0]
        """
        idx = pd.RangeIndex(self.caps.shape[0], name="step")
        cap = self.capitulation_flow
        return pd.DataFrame(
            {
                "total_cap": self.caps.sum(axis=1),
                "hhi": self.hhi,
                "effective_n": self.effective_n,
                "top_weight": self.weights.max(axis=1),
                "passive_flow": self.passive_flow.sum(axis=1),
                "capitulation_buys": np.where(cap > 0, cap, 0.0).sum(axis=1),
                "short_covering_flow": self.short_covering_flow.sum(axis=1),
                "tracking_error": self.tracking_error,
                "cascade_iterations": self.cascade_iterations,
            },
            index=idx,
        )

    def panel(
        self,
        field: Literal[
            "caps",
            "weights",
            "passive_flow",
            "capitulation_flow",
            "short_covering_flow",
            "passive_holdings",
            "active_holdings",
            "short_interest",
        ] = "weights",
    ) -> pd.DataFrame:
        """One per-asset path as a DataFrame (rows = steps, columns = assets).

        Parameters
        ----------
        field : str, default "weights"
            Name of a per-asset attribute (see the class attributes).

        Returns
        -------
        DataFrame
            Index ``step``, columns the asset labels.

        Raises
        ------
        InputError
            Unknown ``field``.

        Examples
        --------
        >>> from divergence.flows import simulate_flows
        >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0)
        >>> print(res.panel("caps").iloc[-1].round(2).tolist())
        [66.0, 33.0, 11.0]
        """
        name = check_option(field, "field", _PANELS)
        values = getattr(self, name)
        return pd.DataFrame(
            values,
            index=pd.RangeIndex(values.shape[0], name="step"),
            columns=pd.Index(list(self.assets)),
        )

    # ----------------------------------------------------------------- views
    def __repr__(self) -> str:
        from divergence._summary import format_value, short_repr

        return short_repr(
            "FlowSimulation",
            {"assets": self.caps.shape[1], "steps": self.n_steps},
            f"effective N {format_value(self.effective_n[0])} -> "
            f"{format_value(self.effective_n[-1])}",
        )

    def summary(self) -> Summary:
        r"""What was simulated and how concentration and caps moved, start against end.

        Returns
        -------
        Summary
            Settings (assets, steps, which flow sources traded, the most short-covering
            rounds in a step) and two tables: ``"Start and end"`` (rows ``start`` and
            ``end``; columns ``total_cap`` in cap units, ``hhi``, ``effective_n``,
            ``top_weight``, ``top_10_share``) and ``"Flows over the run"`` (one row per source:
            ``passive`` net money, ``capitulation`` gross buys, ``short covering`` net money,
            in cap units, and each as a share of the starting total cap).

        Notes
        -----
        :math:`H_t = \sum_i w_{i,t}^2`, effective N :math:`= 1/H_t`, top-10 share
        :math:`= \sum_{i \in \text{top } 10} w_{i,t}`; the flows are sums over steps of
        :meth:`to_frame`'s columns.

        References
        ----------
        .. [1] Gabaix, X. and Koijen, R. S. J. (2021), "In search of the origins of financial
           fluctuations: the inelastic markets hypothesis", NBER Working Paper 28967.

        Examples
        --------
        >>> from divergence.flows import simulate_flows
        >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0)
        >>> table = res.summary().tables["Start and end"]
        >>> print(table["total_cap"].tolist(), table["effective_n"].round(3).tolist())
        [100.0, 110.0] [2.174, 2.174]
        """
        from divergence._summary import Summary

        frame = self.to_frame()
        ends = [0, self.n_steps]
        k = min(10, self.weights.shape[1])
        top = -np.sort(-self.weights[ends], axis=1)[:, :k].sum(axis=1)
        table = pd.DataFrame(
            {
                "total_cap": frame["total_cap"].to_numpy()[ends],
                "hhi": self.hhi[ends],
                "effective_n": self.effective_n[ends],
                "top_weight": frame["top_weight"].to_numpy()[ends],
                f"top_{k}_share": top,
            },
            index=pd.Index(["start", "end"], name="state"),
        )
        money = np.array(
            [
                frame["passive_flow"].sum(),
                frame["capitulation_buys"].sum(),
                frame["short_covering_flow"].sum(),
            ]
        )
        flows = pd.DataFrame(
            {"money": money, "share_of_start_cap": money / frame["total_cap"].iloc[0]},
            index=pd.Index(["passive", "capitulation", "short covering"], name="source"),
        )
        active = [name for name, m in zip(flows.index, money, strict=True) if m != 0.0]
        settings: list[tuple[str, object]] = [
            ("Assets", self.caps.shape[1]),
            ("Steps", self.n_steps),
            ("Sources trading", ", ".join(active) if active else "none"),
            ("Max cascade rounds", int(self.cascade_iterations.max())),
        ]
        return Summary(
            "Flow simulation",
            settings,
            [("Start and end", table), ("Flows over the run", flows)],
            notes=["Money in the units of the input caps; weights and shares are decimals."],
        )

    def _repr_html_(self) -> str:
        return self.summary().as_html()

    def plot(
        self,
        kind: Literal["caps", "flows", "concentration"] = "caps",
        *,
        top: int = 5,
        ax: Any = None,
    ) -> Any:
        r"""Price paths of the largest names, cumulative flows, or the concentration path.

        Parameters
        ----------
        kind : {"caps", "flows", "concentration"}, default "caps"
            ``"caps"``: caps (= prices) of the ``top`` largest names at the start, log
            scale; ``"flows"``: cumulative money by source; ``"concentration"``: effective
            number of names :math:`1/H_t` by step.
        top : int, default 5
            Names drawn for ``"caps"``.
        ax : matplotlib Axes, optional
            Where to draw; a new figure is made when omitted.

        Returns
        -------
        matplotlib.axes.Axes
            The Axes drawn on (x = step, 0 = start), titled, axes labelled with units.

        Raises
        ------
        InputError
            Unknown ``kind`` or ``top`` < 1.
        ImportError
            matplotlib is not installed (``pip install "divergence[plot]"``).

        Notes
        -----
        ``"flows"`` draws :math:`\sum_{s \le t} \sum_i F_{i,s}` per source (capitulation as
        gross buys: it is self-financing).

        References
        ----------
        .. [1] Gabaix, X. and Koijen, R. S. J. (2021), "In search of the origins of financial
           fluctuations: the inelastic markets hypothesis", NBER Working Paper 28967.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> from divergence.flows import simulate_flows
        >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=4, passive_flows=1.0)
        >>> ax = res.plot(top=2)
        >>> print(ax.get_title(), len(ax.lines))
        Market caps of the 2 largest names at the start 2
        """
        from divergence.plotting import _plot_flow_simulation

        k = check_option(kind, "kind", ("caps", "flows", "concentration"))
        n = check_int(top, "top", minimum=1)
        return _plot_flow_simulation(self, k, top=n, ax=ax)


# --------------------------------------------------------------------------- closed form
def fixed_share_multiplier(equity_share: float) -> float:
    r"""Inelastic-markets multiplier of a market held by a fixed-mandate fund.

    A fund that always keeps a fraction :math:`\theta` of its wealth in equities and the rest in
    bonds, and that holds the whole equity market, turns an equity purchase of :math:`\Delta`
    into a rise of :math:`\Delta / (1 - \theta)` in the market's value.

    Parameters
    ----------
    equity_share : float
        :math:`\theta`, the fund's constant equity share, in :math:`[0, 1)` (decimal).

    Returns
    -------
    float
        :math:`M = 1/(1 - \theta)` (dimensionless: change in market cap per unit of money
        flowing into equities).

    Raises
    ------
    InputError
        ``equity_share`` outside :math:`[0, 1)`.
    TypeError
        ``equity_share`` is not a real number.

    Notes
    -----
    Let the fund hold equities :math:`E = \theta W` and bonds :math:`B = (1-\theta) W`, the
    number of shares being fixed. New money :math:`\Delta F` arrives; the fund puts
    :math:`\Delta = \theta\,\Delta F` into equities and, because nobody else sells, prices adjust
    until the mandate holds again, :math:`E' = \theta (E' + B + \Delta F)`:

    .. math::

        E' = \frac{\theta (B + \Delta F)}{1 - \theta}, \qquad
        E' - E = \frac{\theta\,\Delta F}{1-\theta} = \frac{1}{1-\theta}\,\Delta .

    The macro elasticity of demand is :math:`\zeta = 1 - \theta` and :math:`M = 1/\zeta`; with
    :math:`\theta \approx 0.8` this gives :math:`M \approx 5`, the order of magnitude Gabaix and
    Koijen estimate for the U.S. stock market. In :func:`simulate_flows` with
    ``impact="linear"`` this multiplier reproduces :math:`E'` exactly.

    References
    ----------
    .. [1] Gabaix, X. and Koijen, R. S. J. (2021), "In Search of the Origins of Financial
       Fluctuations: The Inelastic Markets Hypothesis", NBER Working Paper 28967, section 2.

    Examples
    --------
    >>> from divergence.flows import fixed_share_multiplier
    >>> print(f"{fixed_share_multiplier(0.8):.2f}")
    5.00
    """
    theta = check_float(
        equity_share, "equity_share", minimum=0.0, maximum=1.0, inclusive=(True, False)
    )
    return 1.0 / (1.0 - theta)


# --------------------------------------------------------------------------- internals
class _Market:
    """Mutable state of the simulation and its trading rules (private)."""

    def __init__(
        self,
        caps: FloatArray,
        m0: float,
        slope: float,
        log_ref: float,
        impact: str,
        labels: tuple[Hashable, ...],
    ) -> None:
        self.caps = caps
        self.m0 = m0
        self.slope = slope
        self.log_ref = log_ref
        self.impact = impact
        self.labels = labels
        self.step = 0

    def multiplier(self) -> FloatArray:
        if self.slope == 0.0:
            return np.full_like(self.caps, self.m0)
        m: FloatArray = self.m0 + self.slope * (np.log(self.caps) - self.log_ref)
        bad = m < 0.0
        if bad.any():
            j = int(np.argmax(bad))
            raise InputError(
                f"the price-impact multiplier M0 + size_slope*ln(cap/reference_cap) became "
                f"negative for asset {self.labels[j]!r} at step {self.step} (cap "
                f"{self.caps[j]:.6g}); reduce |size_slope| or choose reference_cap so that the "
                "multiplier stays non-negative over the caps the run reaches"
            )
        return m

    def _new_caps(self, money: FloatArray, m: FloatArray) -> FloatArray:
        if self.impact == "linear":
            new: FloatArray = self.caps + m * money
        else:
            with np.errstate(over="ignore"):  # an overflow to inf is refused just below
                new = self.caps * np.exp(m * money / self.caps)
        bad = ~(new > 0.0) | ~np.isfinite(new)
        if bad.any():
            j = int(np.argmax(bad))
            trade = (
                f"a sale of {-money[j]:.6g}" if money[j] < 0 else f"a purchase of {money[j]:.6g}"
            )
            why = (
                "linear impact needs M*flow > -cap"
                if self.impact == "linear"
                else "log impact: exp(M*flow/cap) leaves the float range"
            )
            advice = "" if self.impact == "log" else ", or impact='log'"
            raise InputError(
                f"{trade} pushes the cap of asset {self.labels[j]!r} to {new[j]:.6g} at step "
                f"{self.step} ({why}); use smaller passive_flows or active_aum, a smaller "
                f"multiplier or size_slope{advice}"
            )
        return new

    def trade_money(self, money: FloatArray) -> FloatArray:
        """Spend ``money`` (signed) on each asset; return the shares (fractions) bought."""
        m = self.multiplier()
        new = self._new_caps(money, m)
        avg = 0.5 * (self.caps + new)
        self.caps = new
        shares: FloatArray = money / avg
        return shares

    def trade_shares(self, shares: FloatArray) -> FloatArray:
        """Buy ``shares`` (>= 0, fractions of shares outstanding); return the money paid."""
        m = self.multiplier()
        c = self.caps
        if self.impact == "linear":
            # F = q * (C + C + M F) / 2  =>  F = q C / (1 - q M / 2)
            den = 1.0 - 0.5 * shares * m
            if (den <= 0.0).any():
                j = int(np.argmax(den <= 0.0))
                raise InputError(
                    f"covering {shares[j]:.4g} of the shares of asset {self.labels[j]!r} with "
                    f"multiplier {m[j]:.4g} has no finite cost (needs shares*M < 2); lower "
                    "short_interest, the multiplier or size_slope"
                )
            money: FloatArray = shares * c / den
        else:
            # F = q C (1 + exp(M F / C)) / 2, solved by Newton's method from F = q C.
            money = shares * c
            for _ in range(100):
                e = np.exp(m * money / c)
                g = money - 0.5 * shares * c * (1.0 + e)
                dg = 1.0 - 0.5 * shares * m * e
                if (dg <= 0.0).any():
                    j = int(np.argmax(dg <= 0.0))
                    raise InputError(
                        f"covering {shares[j]:.4g} of the shares of asset {self.labels[j]!r} "
                        "has no finite cost under log impact; lower short_interest, the "
                        "multiplier or size_slope"
                    )
                step = g / dg
                money = money - step
                if np.all(np.abs(step) <= 1e-14 * np.maximum(c, 1e-300)):
                    break
        self.caps = self._new_caps(money, m)
        return money


def _check_labels(meta: Meta, caps_meta: Meta) -> None:
    """A Series per-asset input must carry the same labels, in order, as ``market_caps``."""
    if (
        meta.index is not None
        and caps_meta.index is not None
        and not meta.index.equals(caps_meta.index)
    ):
        raise InputError(
            f"{meta.name} and market_caps have different asset labels (or order); "
            f"reindex {meta.name} to market_caps.index first"
        )


def _per_asset(value: object, name: str, n: int, caps_meta: Meta, **checks: Any) -> FloatArray:
    return as_per_item(
        value,
        name,
        n,
        of="asset of market_caps",
        check_labels=lambda meta: _check_labels(meta, caps_meta),
        **checks,
    )


# --------------------------------------------------------------------------- simulator
#: Largest per-step news volatility: exp(-sigma^2 / 2) stays far from underflow (e^-50).
_MAX_VOLATILITY = 10.0


@renamed_arguments(removed_in="0.3", max_cascade_iterations="max_iter")
def simulate_flows(
    market_caps: SeriesLike,
    *,
    n_steps: int,
    passive_flows: float | SeriesLike = 0.0,
    multiplier: float = 5.0,
    size_slope: float = 0.0,
    reference_cap: float | None = None,
    impact: ImpactKind = "linear",
    passive_share: float = 0.0,
    active_weights: SeriesLike | None = None,
    active_aum: float = 0.0,
    tracking_error_limit: float | None = None,
    idiosyncratic_vol: float | SeriesLike = 0.3,
    short_interest: float | SeriesLike = 0.0,
    short_loss_limits: Sequence[float] | None = None,
    max_iter: int = 50,
    volatility: float = 0.0,
    seed: SeedLike = None,
) -> FlowSimulation:
    r"""Simulate passive inflows, benchmark capitulation and short covering with price impact.

    Parameters
    ----------
    market_caps : array_like or Series
        Starting market caps of the ``n`` assets (1-D, strictly positive, in any money unit;
        every flow is in the same unit). A Series gives the asset labels.
    n_steps : int
        Number of steps to simulate (>= 1). A step has no fixed length; ``volatility`` and
        ``passive_flows`` are per step.
    passive_flows : float or 1-D array_like, default 0.0
        Net money flowing into cap-weighted index funds in each step (one value, or one per
        step; negative = outflow), in cap units.
    multiplier : float, default 5.0
        :math:`M_0 \ge 0`, the inelastic-markets multiplier at the reference size: buying money
        :math:`F` of an asset of cap :math:`C` moves its price by :math:`M F / C`. Use
        :func:`fixed_share_multiplier` for the fixed-mandate value :math:`1/(1-\theta)`.
    size_slope : float, default 0.0
        :math:`b`: the multiplier is :math:`M_i = M_0 + b \ln(C_i / C_{\text{ref}})`,
        re-evaluated before every trade. ``0`` gives a common multiplier. A multiplier that
        becomes negative raises :class:`~divergence.errors.InputError` (it is never clipped).
    reference_cap : float, optional
        :math:`C_{\text{ref}} > 0` in cap units; default the smallest starting cap (so
        :math:`M_i \ge M_0` at the start when :math:`b \ge 0`).
    impact : {"linear", "log"}, default "linear"
        ``"linear"``: :math:`C' = C + M F`; ``"log"``: :math:`C' = C\,e^{M F / C}`. They agree to
        first order; the fixed-mandate multiplier is exact under ``"linear"``, the Zipf mapping
        (Notes) under ``"log"``.
    passive_share : float, default 0.0
        Fraction of every company's shares held by index funds at the start, in ``[0, 1)``
        (only the holdings report uses it).
    active_weights : 1-D array_like or Series, optional
        Non-negative portfolio of the active managers (normalised to sum to 1). ``None``: no
        active managers. A Series (here and for the other per-asset arguments) must carry the
        labels of ``market_caps`` in the same order.
    active_aum : float, default 0.0
        Money the active managers run at the start, in cap units (> 0 with ``active_weights``).
    tracking_error_limit : float, optional
        Tracking error above which active managers capitulate (same units as
        ``idiosyncratic_vol``, e.g. 0.04 = 4% a year). ``None``: they never trade.
    idiosyncratic_vol : float or 1-D array_like, default 0.3
        :math:`\sigma_i \ge 0`, idiosyncratic volatility per asset used by the tracking-error
        proxy (decimal, e.g. annualised).
    short_interest : float or 1-D array_like, default 0.0
        Fraction of each company's shares sold short at the start, in ``[0, 1)``. Shorts are
        opened at the starting caps.
    short_loss_limits : sequence of float, optional
        Stop-loss levels of the short sellers (decimal losses, > 0, e.g. ``(0.1, 0.2, 0.3)``):
        the short interest of each asset is split into equal tranches, one per level. ``None``:
        shorts never cover.
    max_iter : int, default 50
        Cap on the rounds of covering within one step (tranches still past their stop are
        covered in the next step).
    volatility : float, default 0.0
        Per-step volatility (decimal, at most 10) of independent lognormal news shocks to every
        cap, :math:`C \leftarrow C\,e^{\sigma z - \sigma^2/2}`; 0 makes the simulation
        deterministic.
    seed : int, Generator, SeedSequence or None
        Source of the news shocks (one draw of ``n`` normals per step, in step order). A
        Generator is drawn from (its state advances); an int, its SeedSequence or a fresh
        ``default_rng`` of it give the same shocks.

    Returns
    -------
    FlowSimulation
        Caps, weights, HHI and effective N per step, money by source and asset, holdings,
        tracking error and cascade rounds; ``.to_frame()`` gives the aggregate path.

    Raises
    ------
    InputError
        Non-positive or non-finite caps; negative multiplier (at the start or during the run);
        a sale that would push a cap to zero under linear impact, or a trade whose log impact
        would push a cap beyond the float range; shapes that do not match the
        number of assets or steps; active holdings above the shares available; out-of-range
        scalars.
    TypeError
        Non-numeric inputs, a non-integer ``n_steps`` or a bad ``seed``.

    Notes
    -----
    **Units and accounting.** One share per company, so price = cap and holdings are fractions
    of shares outstanding. A trade of money :math:`F` (signed) executes at the midpoint
    :math:`\bar p = (C + C')/2` of the pre- and post-trade prices, so the shares bought are
    :math:`q = F / \bar p`. *Money is conserved* in the sense that, for every source, step and
    asset, the money paid equals the change in that source's holdings valued at the prices
    paid, :math:`F = \Delta h\,\bar p`, and the seller (the residual elastic holder) receives
    exactly :math:`F`. The *cap* moves by :math:`M F`, not by :math:`F`: that gap is the
    inelastic-markets point, not a leak. Holdings are not capped: if flows exceed what the
    residual holders own, their implied holding (one minus the others, plus short interest)
    turns negative; check ``passive_holdings`` and ``active_holdings`` for large flows.

    **Each step, in order:**

    1. News: :math:`C_i \leftarrow C_i e^{\sigma z_i - \sigma^2/2}` (skipped when
       :math:`\sigma = 0`).
    2. Passive flow :math:`F_t`, allocated by cap weight: :math:`F^P_i = F_t\,C_i / \sum_j C_j`.
    3. Capitulation. Active weights :math:`a_i = h^A_i C_i / A`, benchmark weights
       :math:`w_i`, deviation :math:`d = a - w`, tracking error
       :math:`TE = (\sum_i \sigma_i^2 d_i^2)^{1/2}` (a one-factor model with beta-one assets
       and independent idiosyncratic risk). If :math:`TE > L` the managers shrink the
       deviation to the limit, :math:`a' = w + (L/TE)\,d`, trading
       :math:`F^A_i = -A (1 - L/TE)\,d_i`: they buy the benchmark weight they are short of and
       fund it by selling their overweights (:math:`\sum_i F^A_i = 0`).
    4. Short covering. Short interest :math:`s_i` is split into :math:`K` equal tranches with
       stops :math:`\ell_1, \dots, \ell_K`; a tranche is covered (bought back) when the loss
       :math:`C_i / C_{i,0} - 1` reaches its stop. Covering pushes the price up, which can
       breach the next stop: the round repeats until no open tranche is past its stop or
       ``max_iter`` rounds have run.

    **Impact.** :math:`M_i = M_0 + b \ln(C_i/C_{\text{ref}})`, and

    .. math::

        \text{linear: } C_i' = C_i + M_i F_i, \qquad
        \text{log: } \ln C_i' = \ln C_i + M_i F_i / C_i .

    **Closed forms** (tested). (i) With a common multiplier (:math:`b = 0`) a cap-weighted flow
    moves every cap by the same factor, :math:`1 + M f` or :math:`e^{M f}` with
    :math:`f = F_t / \sum_j C_j`: *weights do not change*. (ii) Under ``impact="log"``,
    :math:`\ln C_i' = (1 + b f)\ln C_i + (M_0 - b \ln C_{\text{ref}}) f`, a power map of the
    cross-section: a Zipf rank-size law :math:`\ln C_{(r)} = a - s \ln r` becomes one with
    slope :math:`s (1 + b f)`, exactly. (With the multiplicative form
    :math:`M_i = M_0 (1 + b' \ln(C_i/C_{\text{ref}}))` this reads :math:`s(1 + M_0 b' f)`.)
    (iii) A single fixed-mandate fund with equity share :math:`\theta` has
    :math:`M = 1/(1-\theta)` (:func:`fixed_share_multiplier`), exact under linear impact.

    **What creates the loop.** Only something size-dependent changes weights: a multiplier
    that grows with size (:math:`b > 0`), flows tilted towards the largest names (the
    capitulation of managers who are underweight them), or short interest that is not
    proportional to cap. With a common multiplier, passive flows alone raise every price by the
    same factor and concentration does not move; covering of uniform short interest does the
    same. The self-reinforcing loop of the commentary needs :math:`b > 0` (or size-tilted
    flows), and its strength is set by :math:`b`, for which the evidence is thin.

    **Complexity.** O(S·N·(1 + L·K)) time: a Python loop over the S = ``n_steps`` steps (a
    simulation clock, not a loop over assets), each vectorised over the N assets, with at most K =
    ``max_iter`` cascade rounds over the L short-loss tranches; O(S·N + N·L) memory
    (eight (S+1)×N result arrays and four of length S+1).

    References
    ----------
    .. [1] Gabaix, X. and Koijen, R. S. J. (2021), "In Search of the Origins of Financial
       Fluctuations: The Inelastic Markets Hypothesis", NBER Working Paper 28967.
    .. [2] Jiang, H., Vayanos, D. and Zheng, L., "Passive Investing and the Rise of Mega-Firms",
       NBER Working Paper 28253 (2020).
    .. [3] Roll, R. (1992), "A Mean/Variance Analysis of Tracking Error", Journal of Portfolio
       Management 18(4), 13–22.
    .. [4] Brunnermeier, M. K. and Pedersen, L. H. (2005), "Predatory Trading", Journal of
       Finance 60(4), 1825–1863 (forced liquidations and price overshooting).

    Examples
    --------
    A common multiplier: flows lift every cap by the same factor, weights stay put.

    >>> from divergence.flows import simulate_flows
    >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0, multiplier=5.0)
    >>> print(res.caps[-1].round(3), res.weights[-1].round(3))
    [66. 33. 11.] [0.6 0.3 0.1]

    A multiplier that grows with size concentrates the market:

    >>> res = simulate_flows([60.0, 30.0, 10.0], n_steps=2, passive_flows=1.0, multiplier=5.0,
    ...                      size_slope=2.0)
    >>> print(f"{res.effective_n[0]:.3f} -> {res.effective_n[-1]:.3f}")
    2.174 -> 2.141
    """
    caps0, cmeta = as_array(market_caps, "market_caps", ndim=1, allow_nan=False, positive=True)
    n = caps0.shape[0]
    labels: tuple[Hashable, ...] = (
        tuple(cmeta.index) if cmeta.index is not None else tuple(range(n))
    )
    steps = check_int(n_steps, "n_steps", minimum=1)
    flows = _per_step(passive_flows, steps)
    m0 = check_float(multiplier, "multiplier", minimum=0.0)
    slope = check_float(size_slope, "size_slope")
    if reference_cap is None:
        log_ref = float(np.log(caps0.min()))
    else:
        log_ref = float(
            np.log(
                check_float(reference_cap, "reference_cap", minimum=0.0, inclusive=(False, True))
            )
        )
    kind = check_option(impact, "impact", ("linear", "log"))
    p_share = check_float(
        passive_share, "passive_share", minimum=0.0, maximum=1.0, inclusive=(True, False)
    )
    sigma = check_float(volatility, "volatility", minimum=0.0, maximum=_MAX_VOLATILITY)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    rng = as_generator(seed)

    # active managers
    has_active = active_weights is not None
    te_limit: float | None = None
    h_active = np.zeros(n)
    idio = np.zeros(n)
    if has_active:
        aw, aw_meta = as_array(
            active_weights, "active_weights", ndim=1, allow_nan=False, nonnegative=True
        )
        if aw.shape[0] != n:
            raise InputError(
                f"active_weights must have one weight per asset of market_caps ({n}), "
                f"got {aw.shape[0]}"
            )
        _check_labels(aw_meta, cmeta)
        if aw.sum() <= 0.0:
            raise InputError("active_weights sum to zero")
        aum = check_float(active_aum, "active_aum", minimum=0.0, inclusive=(False, True))
        h_active = aum * (aw / aw.sum()) / caps0
        idio = _per_asset(idiosyncratic_vol, "idiosyncratic_vol", n, cmeta, nonnegative=True)
        if tracking_error_limit is not None:
            te_limit = check_float(
                tracking_error_limit, "tracking_error_limit", minimum=0.0, inclusive=(False, True)
            )
    elif tracking_error_limit is not None:
        raise InputError("tracking_error_limit needs active_weights and active_aum")

    # short sellers
    s0 = _per_asset(short_interest, "short_interest", n, cmeta, nonnegative=True)
    if (s0 >= 1.0).any():
        raise InputError("short_interest must be below 1 (a fraction of shares outstanding)")
    if short_loss_limits is None:
        stops = np.zeros(0)
    else:
        stops, _ = as_array(
            short_loss_limits, "short_loss_limits", ndim=1, allow_nan=False, positive=True
        )
    n_tr = stops.shape[0]
    tranche = s0 / n_tr if n_tr else s0 * 0.0
    open_tr = np.ones((n, n_tr), dtype=bool) & (s0[:, None] > 0.0)

    over = p_share + h_active - s0 > 1.0 + 1e-12
    if over.any():
        j = int(np.argmax(over))
        raise InputError(
            f"passive_share + active holdings exceed the shares available for asset "
            f"{labels[j]!r} ({p_share + h_active[j]:.4g} of shares outstanding, short interest "
            f"{s0[j]:.4g}); lower active_aum or passive_share"
        )

    market = _Market(caps0.copy(), m0, slope, log_ref, kind, labels)
    market.multiplier()  # a negative starting multiplier raises here

    rows = steps + 1
    caps = np.empty((rows, n))
    f_pas = np.zeros((rows, n))
    f_act = np.zeros((rows, n))
    f_sho = np.zeros((rows, n))
    hp = np.empty((rows, n))
    ha = np.empty((rows, n))
    si = np.empty((rows, n))
    te = np.full(rows, np.nan)
    iters = np.zeros(rows, dtype=np.int64)

    h_pas = np.full(n, p_share)
    caps[0], hp[0], ha[0], si[0] = caps0, h_pas, h_active, s0
    if has_active:
        te[0] = _tracking_error(h_active, caps0, idio)

    for t in range(1, rows):
        market.step = t
        if sigma > 0.0:
            z = rng.standard_normal(n)
            market.caps = market.caps * np.exp(sigma * z - 0.5 * sigma * sigma)
        # 2. passive flow, by cap weight
        if flows[t - 1] != 0.0:
            money = flows[t - 1] * market.caps / market.caps.sum()
            h_pas = h_pas + market.trade_money(money)
            f_pas[t] = money
        # 3. capitulation
        if has_active:
            te_t = _tracking_error(h_active, market.caps, idio)
            te[t] = te_t
            if te_limit is not None and te_t > te_limit:
                value = h_active * market.caps
                aum_t = value.sum()
                d = value / aum_t - market.caps / market.caps.sum()
                money = -aum_t * (1.0 - te_limit / te_t) * d
                h_active = h_active + market.trade_money(money)
                f_act[t] = money
        # 4. short-covering cascade
        if n_tr:
            entry = caps0
            for k in range(max_iter):
                loss = market.caps / entry - 1.0
                hit = open_tr & (loss[:, None] >= stops[None, :])
                if not hit.any():
                    break
                shares = hit.sum(axis=1) * tranche
                f_sho[t] += market.trade_shares(shares)
                open_tr &= ~hit
                iters[t] = k + 1
        caps[t] = market.caps
        hp[t], ha[t] = h_pas, h_active
        si[t] = open_tr.sum(axis=1) * tranche if n_tr else s0

    w = caps / caps.sum(axis=1, keepdims=True)
    hhi = np.asarray(_conc.hhi(caps), dtype=np.float64)
    eff = np.asarray(_conc.effective_n(caps), dtype=np.float64)
    arrays = [caps, w, hhi, eff, f_pas, f_act, f_sho, hp, ha, si, te, iters]
    for a in arrays:
        a.setflags(write=False)
    return FlowSimulation(
        caps=caps,
        weights=w,
        hhi=hhi,
        effective_n=eff,
        passive_flow=f_pas,
        capitulation_flow=f_act,
        short_covering_flow=f_sho,
        passive_holdings=hp,
        active_holdings=ha,
        short_interest=si,
        tracking_error=te,
        cascade_iterations=iters,
        assets=labels,
    )


def _per_step(value: object, steps: int) -> FloatArray:
    arr, _ = as_array(
        np.atleast_1d(np.asarray(value)) if np.isscalar(value) else value,
        "passive_flows",
        ndim=1,
        allow_nan=False,
    )
    if arr.shape[0] == 1 and steps != 1:
        return np.full(steps, arr[0])
    if arr.shape[0] != steps:
        raise InputError(
            f"passive_flows must be a scalar or have one value per step ({steps}), "
            f"got {arr.shape[0]}"
        )
    return arr


def _tracking_error(h_active: FloatArray, caps: FloatArray, idio: FloatArray) -> float:
    value = h_active * caps
    d = value / value.sum() - caps / caps.sum()
    return float(np.sqrt(np.sum(idio * idio * d * d)))


# --------------------------------------------------------------------------- worked scenarios
def illustrative_scenarios(
    market_caps: SeriesLike, *, n_steps: int = 40
) -> dict[str, dict[str, Any]]:
    r"""Keyword arguments of :func:`simulate_flows` for five illustrative flow mechanisms.

    The settings of the report's and the user guide's worked example: quarterly steps, an
    index-fund inflow of 0.5% of the market a quarter, a Gabaix–Koijen multiplier of 5 at the
    median company and 4% idiosyncratic news a quarter. They are illustrative, not estimated.

    Parameters
    ----------
    market_caps : 1-D array_like or Series
        Starting market caps (strictly positive, any money unit); the flows scale with their
        total.
    n_steps : int, default 40
        Number of steps (quarters) to simulate (>= 1).

    Returns
    -------
    dict
        Scenario name -> keyword arguments for ``simulate_flows(market_caps, **kwargs)``, in
        this order:

        * ``"passive, common M"``: ``n_steps``, ``passive_flows`` = 0.005 × total cap,
          ``multiplier`` = 5, ``reference_cap`` = median cap, ``volatility`` = 0.04;
        * ``"passive, M grows with size (b=0.5)"``: adds ``size_slope`` = 0.5;
        * ``"passive + capitulation, common M"``: adds an active benchmark-hugger with
          ``active_aum`` = 0.03 × total cap, weights :math:`\propto m_i^{0.8}` (tilted away
          from the largest names), ``tracking_error_limit`` = 1.02 × its starting tracking
          error (0.3 × the weight distance, below) and ``idiosyncratic_vol`` = 0.3;
        * ``"passive + short covering, common M"``: ``short_interest`` = 0.03 and
          ``short_loss_limits`` = (0.25, 0.5, 1.0);
        * ``"all together (b=0.5)"``: every setting above at once.

        Per-asset values are arrays (or Series on the labels of a Series ``market_caps``).

    Raises
    ------
    InputError
        Non-positive, infinite or NaN caps; empty or non-1-D input; ``n_steps < 1``.
    TypeError
        Non-numeric caps; ``n_steps`` not an integer.

    Notes
    -----
    With caps :math:`m_i`, cap weights :math:`w_i = m_i / \sum_j m_j` and active weights
    :math:`a_i = m_i^{0.8} / \sum_j m_j^{0.8}`, the starting tracking-error scale is

    .. math:: TE_0 = 0.3 \, \sqrt{\textstyle\sum_i (a_i - w_i)^2},

    i.e. the active tilt times the 0.3 idiosyncratic volatility. The capitulation limit
    1.02 :math:`TE_0` binds after a small drift of the cap weights.

    **Complexity.** O(N) time and memory, N = assets.

    References
    ----------
    .. [1] Gabaix, X. and Koijen, R. S. J. (2021), "In Search of the Origins of Financial
       Fluctuations: The Inelastic Markets Hypothesis", NBER Working Paper 28967.

    Examples
    --------
    >>> from divergence.flows import illustrative_scenarios
    >>> sc = illustrative_scenarios([60.0, 30.0, 10.0], n_steps=4)
    >>> print(list(sc)[1], sc["passive, common M"]["passive_flows"])
    passive, M grows with size (b=0.5) 0.5
    >>> print(f"{sc['passive + capitulation, common M']['tracking_error_limit']:.5f}")
    0.01841
    """
    caps, meta = as_array(market_caps, "market_caps", ndim=1, positive=True, allow_nan=False)
    steps = check_int(n_steps, "n_steps", minimum=1)
    total = float(caps.sum())
    tilt = caps**0.8
    active_arr = tilt / tilt.sum()
    te0 = 0.3 * float(np.sqrt(np.sum((active_arr - caps / total) ** 2)))
    active = meta.wrap_like(active_arr) if meta.kind == "series" else active_arr
    base: dict[str, Any] = {
        "n_steps": steps,
        "passive_flows": 0.005 * total,
        "multiplier": 5.0,
        "reference_cap": float(np.median(caps)),
        "volatility": 0.04,
    }
    mech: dict[str, dict[str, Any]] = {
        "passive, common M": {},
        "passive, M grows with size (b=0.5)": {"size_slope": 0.5},
        "passive + capitulation, common M": {
            "active_weights": active,
            "active_aum": 0.03 * total,
            "tracking_error_limit": 1.02 * te0,
            "idiosyncratic_vol": 0.3,
        },
        "passive + short covering, common M": {
            "short_interest": 0.03,
            "short_loss_limits": [0.25, 0.5, 1.0],
        },
    }
    together: dict[str, Any] = {}
    for kw in mech.values():
        together.update(kw)
    mech["all together (b=0.5)"] = together
    return {name: {**base, **kw} for name, kw in mech.items()}


def scenario_effective_n(
    market_caps: SeriesLike,
    scenarios: Mapping[str, Mapping[str, Any]],
    *,
    n_seeds: int = 10,
) -> Any:
    r"""Mean effective number of names per step under each flow scenario, over seeds.

    Parameters
    ----------
    market_caps : 1-D array_like or Series
        Starting market caps, as :func:`simulate_flows`.
    scenarios : mapping
        Scenario name -> keyword arguments of :func:`simulate_flows` (without ``seed``), e.g.
        :func:`illustrative_scenarios`. Every scenario must have the same ``n_steps``.
    n_seeds : int, default 10
        Each scenario runs with seeds ``0 .. n_seeds - 1`` (>= 1); scenario ``j`` and
        scenario ``k`` see the same news draws for the same seed.

    Returns
    -------
    DataFrame
        Index ``step`` (0 .. n_steps, 0 = the starting caps), one column per scenario: the
        mean over seeds of :attr:`FlowSimulation.effective_n` (a number of names). For a
        polars ``market_caps``, a polars DataFrame whose first column is ``step``.

    Raises
    ------
    InputError
        Empty ``scenarios``; scenarios with different or missing ``n_steps``; a ``seed`` key;
        ``n_seeds < 1``; anything :func:`simulate_flows` rejects.
    TypeError
        ``scenarios`` not a mapping of mappings; ``n_seeds`` not an integer.

    Notes
    -----
    .. math:: \bar N_t = \frac{1}{S} \sum_{s=0}^{S-1} \frac{1}{\sum_i w_{i,t}^{(s)\,2}}

    the effective number of names (inverse HHI, :func:`divergence.concentration.effective_n`)
    averaged over :math:`S` = ``n_seeds`` simulations.

    **Complexity.** ``len(scenarios) × n_seeds`` calls of :func:`simulate_flows`: O(S·K·T·N)
    time for K scenarios, T steps and N assets (more when cascades iterate); O(T·N) memory per
    call plus the O(K·T) result.

    References
    ----------
    .. [1] Adelman, M. A. (1969), "Comment on the 'H' concentration measure as a
       numbers-equivalent", Review of Economics and Statistics 51(1), 99–101.

    Examples
    --------
    >>> from divergence.flows import scenario_effective_n
    >>> sc = {"no news": {"n_steps": 2, "passive_flows": 1.0}}
    >>> print(scenario_effective_n([50.0, 50.0], sc, n_seeds=2).round(3).to_string())
          no news
    step
    0         2.0
    1         2.0
    2         2.0
    """
    if not isinstance(scenarios, Mapping) or not all(
        isinstance(v, Mapping) for v in scenarios.values()
    ):
        raise TypeError("scenarios must be a mapping of name -> keyword-argument mapping")
    if not scenarios:
        raise InputError("scenarios is empty")
    seeds = check_int(n_seeds, "n_seeds", minimum=1)
    steps = {kw.get("n_steps") for kw in scenarios.values()}
    if len(steps) != 1 or None in steps:
        raise InputError(f"every scenario must set the same n_steps, got {sorted(map(str, steps))}")
    if any("seed" in kw for kw in scenarios.values()):
        raise InputError("scenarios must not set seed (n_seeds chooses the seeds)")
    n_steps = check_int(next(iter(steps)), "n_steps", minimum=1)
    out = {
        name: np.mean(
            [simulate_flows(market_caps, seed=s, **kw).effective_n for s in range(seeds)], axis=0
        )
        for name, kw in scenarios.items()
    }
    frame = pd.DataFrame(out, index=pd.RangeIndex(n_steps + 1, name="step"))
    return to_caller(frame, market_caps)
