"""The API reference lists every public name of every public module."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

import divergence

API = Path(__file__).resolve().parents[1] / "docs" / "api"
MODULES = [m for m in divergence.__all__ if m not in ("__version__", "report")]


@pytest.mark.parametrize("name", MODULES)
def test_api_page_lists_every_public_name(name: str) -> None:
    page = API / f"{name}.rst"
    assert page.exists(), f"docs/api/{name}.rst is missing"
    listed = set(re.findall(r"^   (\w+)$", page.read_text(encoding="utf-8"), flags=re.M))
    module = importlib.import_module(f"divergence.{name}")
    missing = [n for n in getattr(module, "__all__", []) if n not in listed]
    assert not missing, f"docs/api/{name}.rst does not list {missing}"
    index = (API / "index.rst").read_text(encoding="utf-8")
    assert re.search(rf"^   {name}$", index, flags=re.M), f"{name} is not in docs/api/index.rst"
