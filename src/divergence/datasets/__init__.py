"""Real public data bundled with divergence, with its provenance.

Every loader returns a fresh :class:`pandas.DataFrame` read from a compressed CSV inside the
package (no network access) and records where the data come from in ``attrs["source"]`` and
the licence the source states in ``attrs["license"]``; :func:`load_company_facts` returns a
parsed SEC JSON document instead. :data:`REGISTRY` lists every file.

This module sits on top of the library: nothing in the core imports it.
"""

from __future__ import annotations

from divergence.datasets._macro import (
    FRED_SERIES,
    load_fama_french,
    load_fred,
    load_shiller,
    load_sp500_index,
    load_vix,
)
from divergence.datasets._registry import REGISTRY, DatasetInfo
from divergence.datasets._sec import COMPANY_FACTS, load_company_facts
from divergence.datasets._sp500 import (
    SHARE_CLASSES,
    load_sp500_constituents,
    load_sp500_daily_market_caps,
    load_sp500_market_caps,
    load_sp500_prices,
)

__all__ = [
    "COMPANY_FACTS",
    "FRED_SERIES",
    "REGISTRY",
    "SHARE_CLASSES",
    "DatasetInfo",
    "load_company_facts",
    "load_fama_french",
    "load_fred",
    "load_shiller",
    "load_sp500_constituents",
    "load_sp500_daily_market_caps",
    "load_sp500_index",
    "load_sp500_market_caps",
    "load_sp500_prices",
    "load_vix",
]
