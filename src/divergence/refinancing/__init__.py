r"""Refinancing wall: how a policy-rate path reaches corporate interest expense, by cohort.

A vectorised Monte Carlo of interest expense and interest coverage (EBIT / interest), firm by
firm, driven by a debt book (one row per tranche: fixed or floating, maturity, reset frequency,
tenor on refinancing), a firms table (EBIT, growth, volatility, cohort) and base-rate paths.
Floating debt re-fixes at its reset dates; fixed debt keeps its coupon until maturity and is
then refinanced at the base rate plus a coverage-implied spread (:class:`SpreadTable`). The
transmission lags (months for floating bank and private credit, years for a long fixed-rate
bond ladder) are not parameters: they emerge from the book.

Public API
----------
:class:`DebtBook` (with :meth:`DebtBook.from_maturity_ladder`), :func:`book_from_company_facts`,
:func:`simulate`, :class:`RefinancingResult`, :class:`Distress`, :class:`SpreadTable`,
:func:`policy_path`, :func:`vasicek_paths`, :func:`cir_paths`, :func:`vasicek_bond_price`,
:func:`cir_bond_price`, :func:`example_book`, :func:`pass_through_month`.
"""

from __future__ import annotations

from divergence.refinancing._book import DebtBook
from divergence.refinancing._example import example_book
from divergence.refinancing._filings import book_from_company_facts
from divergence.refinancing._rates import (
    cir_bond_price,
    cir_paths,
    policy_path,
    vasicek_bond_price,
    vasicek_paths,
)
from divergence.refinancing._result import Distress, RefinancingResult
from divergence.refinancing._simulate import simulate
from divergence.refinancing._spreads import SpreadTable
from divergence.refinancing._transmission import pass_through_month

__all__ = [
    "DebtBook",
    "Distress",
    "RefinancingResult",
    "SpreadTable",
    "book_from_company_facts",
    "cir_bond_price",
    "cir_paths",
    "example_book",
    "pass_through_month",
    "policy_path",
    "simulate",
    "vasicek_bond_price",
    "vasicek_paths",
]
