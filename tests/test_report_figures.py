"""Every figure of the report is titled and its axes are labelled, with units where they apply.

Draws each section's figures on an Agg canvas (issue 21: figures people read). A twin axis
(``ax.twinx()``) shares the x axis and title of its figure, so only its y label is required.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("matplotlib")

import matplotlib as mpl

mpl.use("Agg")
import matplotlib.dates as mdates
import matplotlib.pyplot as plt

from divergence.report import build_sections


@pytest.fixture(scope="module")
def figures() -> list[tuple[str, Any]]:
    out = []
    for section in build_sections():
        for name, draw in section.figures:
            out.append((f"{section.title}: {name}", draw))
    return out


def test_every_report_figure_is_titled_and_labelled(figures: list[tuple[str, Any]]) -> None:
    assert len(figures) >= 10
    problems = []
    for name, draw in figures:
        fig, ax = plt.subplots()
        try:
            draw(ax)
            main = fig.get_axes()[0]
            if not main.get_title():
                problems.append(f"{name}: no title")
            if not main.get_xlabel():
                problems.append(f"{name}: no x label")
            for a in fig.get_axes():
                if not a.get_ylabel():
                    problems.append(f"{name}: an axis without a y label")
            # a date axis uses the concise formatter (no overlapping full dates)
            if main.get_xlabel() == "date":
                fmt = main.xaxis.get_major_formatter()
                if not isinstance(fmt, mdates.ConciseDateFormatter):
                    problems.append(f"{name}: date axis without ConciseDateFormatter")
        finally:
            plt.close(fig)
    assert not problems, problems
