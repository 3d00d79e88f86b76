"""A two-cohort debt book calibrated to published facts (private module)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from divergence._typing import SeedLike
from divergence._validation import as_generator, check_float, check_int

__all__ = ["example_book"]


def example_book(
    n_mega: int = 50,
    n_sme: int = 200,
    *,
    r0: float = 0.01,
    tranches: int = 6,
    seed: SeedLike = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic debt book of mega-caps and small/mid-sized firms, calibrated to public facts.

    Mega-caps ("mega-cap"): 95% of debt in fixed-rate bonds laddered uniformly over 1–156
    months (refinanced at a 13-year tenor), 5% floating with a 1-month reset (commercial
    paper / term loans); coupons ``r0`` + investment-grade spreads; coverage about 8–15.
    Small and mid-sized firms ("SME"): 85% floating bank and private-credit loans with 1–3
    month resets at ``r0`` + 4.5–6.5%, maturities over 1–48 months refinanced at 4 years; 15%
    fixed high-yield notes (coupon ``r0`` + 5%) laddered over 1–60 months; coverage about 2–4.

    Parameters
    ----------
    n_mega, n_sme : int, default 50 and 200
        Number of firms in each cohort.
    r0 : float, default 0.01
        Base rate at which the current coupons and fixings were set (annual decimal).
    tranches : int, default 6
        Tranches per firm (>= 2: at least one fixed and one floating).
    seed : int, Generator, SeedSequence or None, default 0
        Seed of the random book (a Generator is drawn from, and its state advances).

    Returns
    -------
    book : DataFrame
        Debt book, one row per tranche (principal in USD millions).
    firms : DataFrame
        Firms table (EBIT in USD millions per year).

    Raises
    ------
    InputError
        Non-positive sizes or ``tranches`` < 2.

    Notes
    -----
    Calibration sources: ~98% of US non-financial corporate bonds pay a fixed rate and ~85%
    of loans float (Kumbhat, Palomino & Perez-Orive, FEDS Notes 2017-11-15); private-credit
    loans are almost all floating (Cai & Haque, FEDS Notes 2024-02-23); average tenor at
    issuance of investment-grade bonds 12–14.7 years, high-yield about 8 years (Moody's
    2018–2022); a uniform ladder of 12–14 years reprices 7–8% of the stack per year, close to
    S&P's 8.5% of rated debt maturing in the next 12 months (Feb 2024); middle-market
    borrowers paid 10.9–15.5% in 2023 (RSM survey, Sept 2023).

    References
    ----------
    .. [1] S. Kumbhat, F. Palomino and A. Perez-Orive, "The Potential Increase in Corporate
       Debt Interest Rate Payments from Changes in Interest Rates", FEDS Notes, 15 Nov 2017.
    .. [2] F. Cai and S. Haque, "Private Credit: Characteristics and Risks", FEDS Notes,
       23 Feb 2024.

    Examples
    --------
    >>> book, firms = example_book(2, 3)
    >>> print(len(book), sorted(firms["cohort"].unique()))
    30 ['SME', 'mega-cap']
    """
    nm = check_int(n_mega, "n_mega", minimum=1)
    ns = check_int(n_sme, "n_sme", minimum=1)
    k = check_int(tranches, "tranches", minimum=2)
    base = check_float(r0, "r0")
    rng = as_generator(seed)
    n_fl = 1 if k < 4 else max(1, round(0.85 * k) - 1)  # SME floating tranches per firm

    def firm_labels(prefix: str, n: int) -> list[str]:
        return [f"{prefix}{i:04d}" for i in range(n)]

    # ---- mega-caps: k-1 fixed bonds + 1 floating CP/term loan
    mega = firm_labels("M", nm)
    m_debt = np.exp(rng.normal(np.log(20_000.0), 0.5, nm))  # USD m
    m_fix_mat = rng.integers(1, 157, size=(nm, k - 1))
    m_fix_cpn = base + rng.uniform(0.006, 0.015, size=(nm, k - 1))
    m_rows = {
        "firm": np.repeat(mega, k),
        "principal": np.column_stack(
            [np.repeat((0.95 * m_debt / (k - 1))[:, None], k - 1, axis=1), 0.05 * m_debt]
        ).ravel(),
        "kind": np.tile(["fixed"] * (k - 1) + ["floating"], nm),
        "coupon": np.column_stack([m_fix_cpn, base + np.full(nm, 0.004)]).ravel(),
        "spread": np.column_stack([np.full((nm, k - 1), np.nan), np.full(nm, 0.004)]).ravel(),
        "maturity": np.column_stack([m_fix_mat, rng.integers(1, 13, nm)]).ravel(),
        "reset_months": np.column_stack([np.full((nm, k - 1), np.nan), np.ones(nm)]).ravel(),
        "tenor": np.column_stack([np.full((nm, k - 1), 156), np.full(nm, 12)]).ravel(),
    }
    m_interest = (
        (m_rows["principal"] * m_rows["coupon"]).reshape(nm, k).sum(axis=1)
    )  # current annual interest
    m_ebit = m_interest * np.exp(rng.normal(np.log(11.0), 0.25, nm))

    # ---- SMEs: n_fl floating loans + (k - n_fl) fixed notes
    sme = firm_labels("S", ns)
    s_debt = np.exp(rng.normal(np.log(150.0), 0.8, ns))
    n_fx = k - n_fl
    reset = rng.integers(1, 4, size=(ns, n_fl))
    first = np.minimum(rng.integers(1, 4, size=(ns, n_fl)), reset)
    fl_spread = rng.uniform(0.045, 0.065, size=(ns, n_fl))
    fx_cpn = base + rng.uniform(0.04, 0.06, size=(ns, n_fx))
    s_rows = {
        "firm": np.repeat(sme, k),
        "principal": np.column_stack(
            [
                np.repeat((0.85 * s_debt / n_fl)[:, None], n_fl, axis=1),
                np.repeat((0.15 * s_debt / n_fx)[:, None], n_fx, axis=1),
            ]
        ).ravel(),
        "kind": np.tile(["floating"] * n_fl + ["fixed"] * n_fx, ns),
        "coupon": np.column_stack([base + fl_spread, fx_cpn]).ravel(),
        "spread": np.column_stack([fl_spread, np.full((ns, n_fx), np.nan)]).ravel(),
        "maturity": np.column_stack(
            [rng.integers(1, 49, size=(ns, n_fl)), rng.integers(1, 61, size=(ns, n_fx))]
        ).ravel(),
        "reset_months": np.column_stack([reset, np.full((ns, n_fx), np.nan)]).ravel(),
        "first_reset": np.column_stack([first, np.full((ns, n_fx), np.nan)]).ravel(),
        "tenor": np.column_stack([np.full((ns, n_fl), 48), np.full((ns, n_fx), 60)]).ravel(),
    }
    s_interest = (s_rows["principal"] * s_rows["coupon"]).reshape(ns, k).sum(axis=1)
    s_ebit = s_interest * np.exp(rng.normal(np.log(3.0), 0.3, ns))

    book = pd.concat([pd.DataFrame(m_rows), pd.DataFrame(s_rows)], ignore_index=True)
    firms = pd.DataFrame(
        {
            "firm": mega + sme,
            "ebit": np.r_[m_ebit, s_ebit],
            "growth": np.r_[np.full(nm, 0.04), np.full(ns, 0.03)],
            "volatility": np.r_[np.full(nm, 0.15), np.full(ns, 0.30)],
            "cohort": ["mega-cap"] * nm + ["SME"] * ns,
        }
    )
    return book, firms
