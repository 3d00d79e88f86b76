r"""Base-rate paths: deterministic policy scenarios and exact Vasicek / CIR simulation (private).

Every path generator returns an array shaped ``(paths, months)`` (or ``(months,)`` for a single
deterministic path) of *annual* rates in decimals; column 0 is the rate now and column ``t`` the
rate ``t`` steps later. Both stochastic models are sampled with their exact transition laws, so
the step size introduces no discretisation bias (see the references and the pitfalls recorded
in FinanceModels.jl PR #277 and EconomicScenarioGenerators.jl PR #54 for Euler schemes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from divergence._typing import FloatArray, SeedLike
from divergence._validation import as_array, as_generator, check_float, check_int
from divergence.errors import InputError

__all__ = [
    "cir_bond_price",
    "cir_paths",
    "policy_path",
    "vasicek_bond_price",
    "vasicek_paths",
]

_EPS = float(np.sqrt(np.finfo(np.float64).eps))
#: Largest log price whose exp is finite in float64 (log of 1.8e308 is 709.78).
_MAX_LOG_PRICE = 709.0


def policy_path(r0: float, shocks: Any) -> Any:
    r"""Deterministic policy-rate path: a starting rate plus cumulated monthly changes.

    Parameters
    ----------
    r0 : float
        Rate before month 0 (annual decimal, e.g. 0.01).
    shocks : array_like, Series or DataFrame
        Rate changes (annual decimals) taking effect at the start of each month; 1-D
        ``(months,)`` for one scenario or 2-D ``(paths, months)``. A +400 bp hike at month 0
        is ``[0.04, 0, 0, ...]``.

    Returns
    -------
    ndarray, Series or DataFrame
        Rates in force during each month, same shape and type as ``shocks``.

    Raises
    ------
    InputError
        Non-finite ``r0`` or shocks, empty or 3-D shocks.
        ``shocks`` with unsorted, duplicate or missing (NaT) dates: sort with ``sort_index()`` or
        de-duplicate first (rows are never reordered).
    TypeError
        Non-numeric input.

    Notes
    -----
    .. math:: r_t = r_0 + \sum_{s \le t} \Delta_s

    References
    ----------
    .. [1] Board of Governors of the Federal Reserve System, "Policy Tools: Open Market
       Operations" (the target range moves in discrete steps at FOMC meetings), and FRED
       series DFF (effective federal funds rate) for historical paths.

    Examples
    --------
    >>> print(policy_path(0.01, [0.04, 0.0, -0.01]))
    [0.05 0.05 0.04]
    """
    r = check_float(r0, "r0")
    d, meta = as_array(shocks, "shocks", ndim=(1, 2), allow_nan=False, time_ordered=True)
    return meta.wrap_like(r + np.cumsum(d, axis=-1))


def _check_common(
    months: object, n_paths: object, dt: object, r0: object, *, nonneg_r0: bool
) -> tuple[int, int, float, float]:
    m = check_int(months, "months", minimum=1)
    p = check_int(n_paths, "n_paths", minimum=1)
    step = check_float(dt, "dt", minimum=0.0, inclusive=(False, True))
    r = check_float(r0, "r0", minimum=0.0 if nonneg_r0 else None)
    return m, p, step, r


def vasicek_paths(
    r0: float,
    kappa: float,
    theta: float,
    sigma: float,
    *,
    months: int,
    n_paths: int,
    seed: SeedLike = None,
    dt: float = 1.0 / 12.0,
) -> FloatArray:
    r"""Vasicek (Ornstein–Uhlenbeck) short-rate paths with the exact Gaussian transition.

    Parameters
    ----------
    r0 : float
        Rate now (annual decimal).
    kappa : float
        Mean-reversion speed (per year, ``>= 0``; 0 gives a random walk).
    theta : float
        Long-run mean (annual decimal).
    sigma : float
        Volatility (annual decimal per square-root year, ``>= 0``).
    months : int
        Number of columns (column 0 is ``r0``).
    n_paths : int
        Number of paths (rows).
    seed : int, Generator, SeedSequence or None
        Random seed. A Generator is drawn from (its state advances, so reusing it gives new
        paths); an int, its SeedSequence or a fresh ``default_rng`` of it give the same paths.
    dt : float, default 1/12
        Step in years between columns.

    Returns
    -------
    ndarray
        Shape ``(n_paths, months)``.

    Raises
    ------
    InputError
        Negative ``kappa`` or ``sigma``, ``months``/``n_paths`` < 1, ``dt`` <= 0.

    Notes
    -----
    .. math:: r_{t+\Delta} = r_t e^{-\kappa\Delta} + \theta(1 - e^{-\kappa\Delta})
       + \sigma\sqrt{\frac{1 - e^{-2\kappa\Delta}}{2\kappa}}\, Z

    with the :math:`\kappa \to 0` limit :math:`\sigma\sqrt{\Delta}` used when
    :math:`\kappa < \sqrt{\epsilon}` (as QuantLib's ``OrnsteinUhlenbeckProcess`` does).

    References
    ----------
    .. [1] O. Vasicek, "An equilibrium characterization of the term structure", *Journal of
       Financial Economics* 5 (1977) 177–188.
    .. [2] P. Glasserman, *Monte Carlo Methods in Financial Engineering*, Springer, 2004, §3.3.

    Examples
    --------
    >>> p = vasicek_paths(0.03, 0.5, 0.04, 0.0, months=3, n_paths=2, seed=0)
    >>> print(np.round(p[0], 6))
    [0.03     0.030408 0.0308  ]
    """
    m, p, step, r = _check_common(months, n_paths, dt, r0, nonneg_r0=False)
    k = check_float(kappa, "kappa", minimum=0.0)
    th = check_float(theta, "theta")
    s = check_float(sigma, "sigma", minimum=0.0)
    rng = as_generator(seed)
    decay = np.exp(-k * step)
    sd = s * np.sqrt(step) if k < _EPS else s * np.sqrt(-np.expm1(-2.0 * k * step) / (2.0 * k))
    out = np.empty((p, m))
    out[:, 0] = r
    z = rng.standard_normal((p, m - 1))
    for t in range(1, m):
        out[:, t] = out[:, t - 1] * decay + th * (1.0 - decay) + sd * z[:, t - 1]
    return out


def cir_paths(
    r0: float,
    a: float,
    b: float,
    sigma: float,
    *,
    months: int,
    n_paths: int,
    seed: SeedLike = None,
    dt: float = 1.0 / 12.0,
) -> FloatArray:
    r"""Cox–Ingersoll–Ross short-rate paths with the exact non-central χ² transition.

    Parameters
    ----------
    r0 : float
        Rate now (annual decimal, ``>= 0``).
    a : float
        Mean-reversion speed (per year, ``> 0``).
    b : float
        Long-run mean (annual decimal, ``>= 0``).
    sigma : float
        Volatility coefficient (``> 0``); the diffusion is :math:`\sigma\sqrt{r}`.
    months : int
        Number of columns (column 0 is ``r0``).
    n_paths : int
        Number of paths.
    seed : int, Generator, SeedSequence or None
        Random seed. A Generator is drawn from (its state advances, so reusing it gives new
        paths); an int, its SeedSequence or a fresh ``default_rng`` of it give the same paths.
    dt : float, default 1/12
        Step in years between columns.

    Returns
    -------
    ndarray
        Shape ``(n_paths, months)``, non-negative.

    Raises
    ------
    InputError
        Negative ``r0`` or ``b``, non-positive ``a`` or ``sigma``, bad sizes.

    Notes
    -----
    Exact whether or not the Feller condition :math:`2ab \ge \sigma^2` holds (when it fails the
    rate can touch zero, and the law below still applies):

    .. math:: r_{t+\Delta} = c\,\chi'^2_d(\lambda),\quad
       c = \frac{\sigma^2(1 - e^{-a\Delta})}{4a},\quad d = \frac{4ab}{\sigma^2},\quad
       \lambda = \frac{r_t e^{-a\Delta}}{c}

    sampled with :meth:`numpy.random.Generator.noncentral_chisquare`.

    References
    ----------
    .. [1] J. Cox, J. Ingersoll, S. Ross, "A theory of the term structure of interest rates",
       *Econometrica* 53 (1985) 385–407.
    .. [2] P. Glasserman, *Monte Carlo Methods in Financial Engineering*, Springer, 2004, §3.4.

    Examples
    --------
    >>> p = cir_paths(0.03, 0.5, 0.04, 0.05, months=13, n_paths=20000, seed=1)
    >>> print(f"{p[:, 12].mean():.3f}")
    0.034
    """
    m, p, step, r = _check_common(months, n_paths, dt, r0, nonneg_r0=True)
    ka = check_float(a, "a", minimum=0.0, inclusive=(False, True))
    bb = check_float(b, "b", minimum=0.0)
    s = check_float(sigma, "sigma", minimum=0.0, inclusive=(False, True))
    rng = as_generator(seed)
    decay = np.exp(-ka * step)
    c = s * s * (-np.expm1(-ka * step)) / (4.0 * ka)
    d = 4.0 * ka * bb / (s * s)
    out = np.empty((p, m))
    out[:, 0] = r + 0.0  # -0.0 -> 0.0: noncentral_chisquare refuses a negative zero
    for t in range(1, m):
        lam = out[:, t - 1] * decay / c
        if d > 0:
            out[:, t] = c * rng.noncentral_chisquare(d, lam)
        else:  # b = 0: zero degrees of freedom, a Poisson mixture of chi-square(2N)
            n = rng.poisson(lam / 2.0)
            out[:, t] = c * np.where(n > 0, rng.chisquare(np.maximum(2 * n, 1)), 0.0)
    return out


def vasicek_bond_price(r: float, kappa: float, theta: float, sigma: float, tau: float) -> float:
    r"""Closed-form Vasicek zero-coupon bond price (market price of risk 0).

    Parameters
    ----------
    r : float
        Short rate now (annual decimal).
    kappa, theta, sigma : float
        Model parameters as in :func:`vasicek_paths` (``kappa > 0``).
    tau : float
        Time to maturity in years (``>= 0``).

    Returns
    -------
    float
        Price of 1 paid at ``tau``.

    Raises
    ------
    InputError
        ``kappa <= 0``, ``sigma < 0`` or ``tau < 0``; parameters beyond 1e100 in magnitude;
        a price beyond float range (e.g. a large negative rate over a long maturity).

    Notes
    -----
    .. math:: P = A e^{-B r},\quad B = \frac{1 - e^{-\kappa\tau}}{\kappa},\quad
       \ln A = \Big(\theta - \frac{\sigma^2}{2\kappa^2}\Big)(B - \tau)
       - \frac{\sigma^2 B^2}{4\kappa}

    References
    ----------
    .. [1] O. Vasicek (1977), eq. (27); QuantLib ``Vasicek::A``/``B``.

    Examples
    --------
    >>> print(f"{vasicek_bond_price(0.05, 0.5, 0.05, 0.0, 1.0):.6f}")
    0.951229
    """
    k = check_float(kappa, "kappa", minimum=0.0, inclusive=(False, True))
    s = check_float(sigma, "sigma", minimum=0.0)
    t = check_float(tau, "tau", minimum=0.0)
    th = check_float(theta, "theta")
    rr = check_float(r, "r")
    with np.errstate(all="ignore"):
        big_b = -np.expm1(-k * t) / k
        log_a = (th - s * s / (2 * k * k)) * (big_b - t) - s * s * big_b * big_b / (4 * k)
        log_p = float(log_a - big_b * rr)
    return _price(log_p, "r, kappa, theta, sigma and tau")


def cir_bond_price(r: float, a: float, b: float, sigma: float, tau: float) -> float:
    r"""Closed-form CIR zero-coupon bond price (market price of risk 0).

    Parameters
    ----------
    r : float
        Short rate now (annual decimal, ``>= 0``).
    a, b, sigma : float
        Model parameters as in :func:`cir_paths`.
    tau : float
        Time to maturity in years (``>= 0``).

    Returns
    -------
    float
        Price of 1 paid at ``tau``.

    Raises
    ------
    InputError
        Invalid parameters (see :func:`cir_paths`), parameters beyond 1e100 in magnitude, a
        price beyond float range.

    Notes
    -----
    .. math:: h = \sqrt{a^2 + 2\sigma^2},\quad
       B = \frac{2(e^{h\tau} - 1)}{2h + (a + h)(e^{h\tau} - 1)},\quad
       A = \Big[\frac{2h e^{(a+h)\tau/2}}{2h + (a + h)(e^{h\tau} - 1)}\Big]^{2ab/\sigma^2},
       \quad P = A e^{-B r}

    References
    ----------
    .. [1] Cox, Ingersoll & Ross (1985), eq. (23); QuantLib ``CoxIngersollRoss::A``/``B``.

    Examples
    --------
    With a tiny volatility the rate stays at ``b = r`` and the price tends to
    :math:`e^{-r\tau}`:

    >>> print(f"{cir_bond_price(0.05, 0.5, 0.05, 1e-4, 1.0):.6f}")
    0.951229
    """
    rr = check_float(r, "r", minimum=0.0)
    ka = check_float(a, "a", minimum=0.0, inclusive=(False, True))
    bb = check_float(b, "b", minimum=0.0)
    s = check_float(sigma, "sigma", minimum=0.0, inclusive=(False, True))
    t = check_float(tau, "tau", minimum=0.0)
    with np.errstate(all="ignore"):
        h = np.sqrt(ka * ka + 2 * s * s)
        # the formula of the Notes with numerator and denominator divided by e^{h tau}, so
        # that a long maturity or a fast reversion does not overflow exp(h tau)
        decay = np.exp(-h * t)
        grown = -np.expm1(-h * t)  # 1 - e^{-h tau}
        den = 2 * h * decay + (ka + h) * grown
        big_b = 2 * grown / den
        log_a = (2 * ka * bb / (s * s)) * (np.log(2 * h) + (ka - h) * t / 2 - np.log(den))
        log_p = float(log_a - big_b * rr)
    return _price(log_p, "r, a, b, sigma and tau")


def _price(log_p: float, names: str) -> float:
    """``exp(log_p)``, or InputError naming the parameters when it is not representable."""
    if not np.isfinite(log_p) or log_p > _MAX_LOG_PRICE:
        raise InputError(
            f"the bond price exp({log_p:.4g}) is outside float range for these {names}; "
            "rates are annual decimals and tau is in years"
        )
    return float(np.exp(log_p))
