"""Sections of ``python -m divergence report`` (private).

Each module here exposes ``build(inputs: ReportInputs | None = None) -> Section``.
:data:`SECTION_MODULES` fixes their order; a new capability adds its module name to it.
Sections hold wording and layout only: every number they show comes from public calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SECTION_MODULES", "ReportInputs", "Section"]

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


@dataclass(frozen=True)
class ReportInputs:
    """What the user passed to ``report`` beyond the bundled data.

    ``caps`` is a user market-cap panel (dates × tickers, USD) from ``report --caps FILE``;
    the sections that can use it (concentration, breadth) do so, the others ignore it.
    """

    caps: pd.DataFrame | None = None


@dataclass
class Section:
    """One block of the report.

    ``lines`` are sentences of text; ``tables`` are ``(caption, DataFrame)`` pairs shown as
    tables (plain text in ``report.txt``, HTML tables in ``report.html``); ``figures`` holds
    ``(name, f(ax) -> None)`` pairs drawing on a matplotlib Axes, called only when an HTML
    report is written and matplotlib is installed; ``numbers`` maps a short key to each
    headline number the section states (``report --json``); ``about`` is one line on the data
    and the conventions behind the section.
    """

    title: str
    lines: list[str] = field(default_factory=list)
    figures: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    numbers: dict[str, float | int | str | None] = field(default_factory=dict)
    about: str = ""
