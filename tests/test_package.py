"""Package-level promises: light import, lazy submodules, version, py.typed, report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import divergence


def test_import_is_light() -> None:
    code = (
        "import sys, divergence; "
        "heavy = [m for m in ('scipy', 'statsmodels', 'matplotlib', 'dask', 'tqdm') "
        "if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_submodules_and_version() -> None:
    assert divergence.__version__ == "0.1.0"
    assert divergence.concentration.hhi([1.0, 1.0]) == 0.5
    assert "concentration" in dir(divergence)
    with pytest.raises(AttributeError, match="nope"):
        divergence.nope  # noqa: B018


def test_lazy_attributes_and_dir_in_full() -> None:
    """The package's __getattr__ and __dir__ (mutation record of divergence/__init__.py)."""
    import importlib

    # every submodule name resolves to the imported module itself
    for name in ("breadth", "risk", "rotation"):
        assert getattr(divergence, name) is importlib.import_module(f"divergence.{name}")
    with pytest.raises(AttributeError) as err:
        divergence.__getattr__("nope")
    assert str(err.value) == "module 'divergence' has no attribute 'nope'"
    # dir: sorted, every submodule (imported or not) and the module's own names
    listed = dir(divergence)
    assert listed == sorted(listed)
    expected = {
        "breadth", "concentration", "cost", "datasets", "dispersion", "distributed",
        "errors", "flows", "lags", "liquidity", "plotting", "premia", "real", "refinancing",
        "report", "risk", "rotation",
    }  # fmt: skip
    assert expected <= set(listed)
    assert {"__version__", "__getattr__", "__dir__"} <= set(listed)


def test_py_typed_shipped() -> None:
    assert (Path(divergence.__file__).parent / "py.typed").exists()


def test_report_runs_and_writes_html(tmp_path: Path) -> None:
    out = subprocess.run(
        # two sections suffice here: the full report runs once, in test_report_browser.py
        [
            sys.executable,
            "-m",
            "divergence",
            "report",
            "--sections",
            "concentration,breadth",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={"MPLBACKEND": "Agg", "PATH": ""},
    )
    assert "Concentration" in out.stdout and "Breadth" in out.stdout
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "data:image/png;base64," in html
    assert (tmp_path / "report.txt").read_text(encoding="utf-8").startswith("divergence")


def test_every_listed_submodule_imports() -> None:
    import importlib

    for name in divergence.__all__:
        if name == "__version__":
            continue
        module = importlib.import_module(f"divergence.{name}")
        for public in getattr(module, "__all__", []):
            assert hasattr(module, public), f"divergence.{name}.{public} is listed but missing"
