"""SEC XBRL company facts of two filers, trimmed to the debt tags (private)."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from typing import Any

from divergence._validation import check_option
from divergence.datasets._registry import REGISTRY

__all__ = ["COMPANY_FACTS", "load_company_facts"]

#: Tickers with bundled company facts, and their SEC CIK.
COMPANY_FACTS: dict[str, int] = {"AAPL": 320193, "TSLA": 1318605}


def load_company_facts(ticker: str) -> dict[str, Any]:
    """SEC XBRL company facts of a bundled filer, trimmed to the tags of its debt book.

    Parameters
    ----------
    ticker : {"AAPL", "TSLA"}
        Filer (any case): Apple Inc. (10-Ks through fiscal 2024, ending 2024-09-28) or
        Tesla, Inc. (10-Ks through fiscal 2021).

    Returns
    -------
    dict
        A fresh parsed document in the schema of the SEC ``companyfacts`` API: ``cik``,
        ``entityName`` and ``facts`` → ``us-gaap`` → tag → ``units`` → ``USD`` → list of
        facts (``end``, ``val`` in USD, ``accn``, ``fy``, ``fp``, ``form``, ``filed``,
        ``start`` for durations), for the tags that
        :func:`~divergence.refinancing.book_from_company_facts` reads. Provenance:
        ``REGISTRY["sec_company_facts"]``.

    Raises
    ------
    InputError
        Unknown ticker.

    Notes
    -----
    Every fact of the kept tags is kept, from 10-K, 10-Q and 8-K filings alike, with its
    value unchanged; all other tags (and the ``dei`` facts) are dropped to keep the package
    small. Apple stopped tagging ``InterestExpense`` after fiscal 2023.

    References
    ----------
    .. [1] U.S. Securities and Exchange Commission, "EDGAR Application Programming
       Interfaces", ``data.sec.gov/api/xbrl/companyfacts``.

    Examples
    --------
    >>> facts = load_company_facts("aapl")
    >>> print(facts["entityName"], facts["cik"])
    Apple Inc. 320193
    >>> y1 = facts["facts"]["us-gaap"][
    ...     "LongTermDebtMaturitiesRepaymentsOfPrincipalInNextTwelveMonths"]["units"]["USD"]
    >>> print(max(f["end"] for f in y1))
    2024-09-28
    """
    if not isinstance(ticker, str):
        raise TypeError(f"ticker must be a str, got {type(ticker).__name__}")
    key = check_option(ticker.upper(), "ticker", tuple(COMPANY_FACTS))
    info = REGISTRY["sec_company_facts"]
    ref = resources.files("divergence.datasets").joinpath("data", info.file.format(ticker=key))
    with resources.as_file(ref) as path, gzip.open(path, "rt", encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc
