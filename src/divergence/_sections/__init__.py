"""Sections of ``python -m divergence report`` (private).

Each module here exposes ``build() -> Section``. :data:`SECTION_MODULES` fixes their order; a
new capability adds its module name to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["SECTION_MODULES", "Section"]

SECTION_MODULES: tuple[str, ...] = (
    "concentration",
    "breadth",
    "refinancing",
    "dispersion",
    "rotation",
    "cost",
    "flows",
    "risk",
)


@dataclass
class Section:
    """One block of the report: a title, text lines and (optional) figure builders.

    ``figures`` holds callables ``f(ax) -> None`` drawing on a matplotlib Axes; they are only
    called when an HTML report is written and matplotlib is installed.
    """

    title: str
    lines: list[str] = field(default_factory=list)
    figures: list[tuple[str, Any]] = field(default_factory=list)
