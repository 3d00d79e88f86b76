"""Report sections for flows and risk, and import hygiene of the two modules."""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
import pandas as pd


def test_modules_do_not_import_heavy_dependencies() -> None:
    code = (
        "import sys, divergence.flows, divergence.risk; "
        "bad = [m for m in ('scipy', 'statsmodels', 'matplotlib', 'dask', 'tqdm') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_flows_section_fast_and_honest() -> None:
    from divergence._sections import flows

    t0 = time.perf_counter()
    sec = flows.build()
    assert time.perf_counter() - t0 < 10.0
    text = "\n".join(sec.lines)
    assert "illustrative" in text
    assert "passive, common M" in text
    assert len(sec.figures) == 1


def test_risk_section_marks_known_positive_correlation_spells() -> None:
    from divergence._sections import risk

    sec = risk.build()
    text = "\n".join(sec.lines)
    # the 1966-1998 positive stock-bond correlation regime (inflation era) is well documented
    # (e.g. Ilmanen 2003); it must show up as one long spell
    assert "1966-" in text
    assert "to 1998-" in text
    df = risk.monthly_stock_bond()
    assert isinstance(df, pd.DataFrame)
    assert np.isfinite(df.to_numpy()).all()
