"""Inventory of the public API: every public callable has reliability coverage and full docs.

Walks ``__all__`` of each public module listed in :data:`reliability_table.MODULES`: a new public
name fails here until it gets an entry in the reliability table (``ENTRIES``, or
``NOT_APPLICABLE`` with a reason), and every public function, class and method must carry a
numpydoc docstring with the six sections users rely on.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest

import divergence
from reliability_table import ENTRIES, MODULES, NOT_APPLICABLE, NOT_WALKED

SECTIONS = ("Parameters", "Returns", "Raises", "Notes", "References", "Examples")


def _public() -> dict[str, Any]:
    names: dict[str, Any] = {}
    for mod_name in MODULES:
        mod = importlib.import_module(f"divergence.{mod_name}")
        for name in mod.__all__:
            names[f"{mod_name}.{name}"] = getattr(mod, name, None)
    return names


PUBLIC = _public()


def test_every_public_module_is_walked() -> None:
    """A new public submodule fails here until it is walked (MODULES) or excluded with a reason."""
    public = set(divergence._SUBMODULES)
    assert set(MODULES).isdisjoint(NOT_WALKED)
    assert public == set(MODULES) | set(NOT_WALKED), (
        f"not walked: {sorted(public - set(MODULES) - set(NOT_WALKED))}; "
        f"not public: {sorted((set(MODULES) | set(NOT_WALKED)) - public)}"
    )
    assert all(reason.strip() for reason in NOT_WALKED.values())


@pytest.mark.parametrize("mod_name", MODULES)
def test_all_names_exist(mod_name: str) -> None:
    mod = importlib.import_module(f"divergence.{mod_name}")
    missing = [n for n in mod.__all__ if not hasattr(mod, n)]
    assert not missing, f"divergence.{mod_name}.__all__ lists undefined names {missing}"
    assert len(set(mod.__all__)) == len(mod.__all__), "duplicate names in __all__"


def test_every_public_name_is_covered() -> None:
    uncovered = sorted(n for n in PUBLIC if n not in ENTRIES and n not in NOT_APPLICABLE)
    assert not uncovered, f"public names without a reliability table entry: {uncovered}"
    for name, reason in NOT_APPLICABLE.items():
        assert reason.strip(), name
    # every public method of a covered class is in the table too
    for name, obj in PUBLIC.items():
        if inspect.isclass(obj) and not issubclass(obj, BaseException):
            if name.startswith("datasets."):
                continue
            for meth, member in vars(obj).items():
                if meth.startswith("_") or isinstance(member, property):
                    continue
                if callable(member) or isinstance(member, classmethod | staticmethod):
                    assert f"{name}.{meth}" in ENTRIES, f"{name}.{meth} has no table entry"


def test_table_has_no_stale_entries() -> None:
    stale = [n for n in ENTRIES if n.rsplit(".", 1)[0] not in PUBLIC and n not in PUBLIC]
    stale += [n for n in NOT_APPLICABLE if n not in PUBLIC]
    assert not stale, f"table entries that are not public names: {stale}"


def _documented() -> list[str]:
    out = []
    for name, obj in PUBLIC.items():
        if inspect.isfunction(obj):
            out.append(name)
        elif inspect.isclass(obj) and not issubclass(obj, BaseException | Warning):
            if name.startswith("datasets."):
                continue
            out.append(name)
    return sorted(out)


@pytest.mark.parametrize("name", _documented())
def test_numpydoc_sections(name: str) -> None:
    obj = PUBLIC[name]
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{name} has no docstring"
    needed: tuple[str, ...] = SECTIONS
    if inspect.isclass(obj):
        # a constructor returns nothing; a result container documents Attributes instead of
        # Parameters and raises nothing itself (it is built by the library)
        if re.search(r"^Parameters\n-+$", doc, re.MULTILINE):
            needed = ("Parameters", "Raises", "Notes", "References", "Examples")
        else:
            needed = ("Attributes", "Notes", "Examples")
    elif not inspect.signature(obj).parameters:
        # a function without arguments has nothing to describe or validate
        needed = ("Returns", "Notes", "References", "Examples")
    missing = [s for s in needed if not re.search(rf"^{s}\n-{{{len(s)}}}$", doc, re.MULTILINE)]
    assert not missing, f"{name} docstring lacks sections {missing}"


def _methods() -> list[str]:
    return sorted(n for n in ENTRIES if n.count(".") == 2)


@pytest.mark.parametrize("name", _methods())
def test_method_docstrings(name: str) -> None:
    """Public methods: Returns and Examples, plus Parameters and Raises when they take input."""
    mod_name, cls_name, meth = name.split(".")
    cls = getattr(importlib.import_module(f"divergence.{mod_name}"), cls_name)
    member = inspect.getattr_static(cls, meth)
    func = member.__func__ if isinstance(member, classmethod | staticmethod) else member
    doc = inspect.getdoc(func) or ""
    takes_input = len(inspect.signature(func).parameters) > 1  # beyond self / cls
    needed = ("Parameters", "Returns", "Raises", "Examples") if takes_input else ("Returns",
              "Examples")  # fmt: skip
    missing = [s for s in needed if not re.search(rf"^{s}\n-{{{len(s)}}}$", doc, re.MULTILINE)]
    assert not missing, f"{name} docstring lacks sections {missing}"
