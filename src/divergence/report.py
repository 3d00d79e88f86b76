"""The main job: every axis of divergence computed on the bundled data.

``python -m divergence report`` prints a text summary; ``--out DIR`` also writes
``DIR/report.txt`` and a self-contained ``DIR/report.html`` (figures embedded when matplotlib is
installed). Sections come from :mod:`divergence._sections` in a fixed order.
"""

from __future__ import annotations

import argparse
import base64
import html
import importlib
import io
from collections.abc import Sequence
from pathlib import Path

from divergence import __version__
from divergence._sections import SECTION_MODULES, ReportInputs, Section

__all__ = ["build_sections", "main", "render_html", "render_text"]


def build_sections(
    names: Sequence[str] = SECTION_MODULES, inputs: ReportInputs | None = None
) -> list[Section]:
    """Compute every report section (in order) on the bundled data (and ``inputs``)."""
    out: list[Section] = []
    for name in names:
        module = importlib.import_module(f"divergence._sections.{name}")
        out.append(module.build(inputs))
    return out


def render_text(sections: Sequence[Section]) -> str:
    """Plain-text report."""
    parts = [f"divergence {__version__} report (bundled data)", ""]
    for s in sections:
        parts += [s.title, "=" * len(s.title), *s.lines, ""]
    return "\n".join(parts)


def _figure_png(draw: object) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(7.5, 3.6))
    try:
        draw(ax)  # type: ignore[operator]
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
    finally:
        plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def render_html(sections: Sequence[Section]) -> str:
    """Self-contained HTML report (figures as embedded PNG)."""
    body = [f"<h1>divergence {html.escape(__version__)} report</h1>"]
    for s in sections:
        body.append(f"<h2>{html.escape(s.title)}</h2>")
        body.append("<pre>" + html.escape("\n".join(s.lines)) + "</pre>")
        for name, draw in s.figures:
            png = _figure_png(draw)
            if png is not None:
                body.append(
                    f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{png}">'
                    "</figure>"
                )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>divergence report</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "pre{background:#f6f6f6;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (``python -m divergence report``)."""
    parser = argparse.ArgumentParser(prog="python -m divergence")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="compute every axis on the bundled data")
    rep.add_argument("--out", type=Path, default=None, help="directory for report.txt/html")
    args = parser.parse_args(argv)
    sections = build_sections()
    text = render_text(sections)
    print(text)
    if args.out is not None:
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.txt").write_text(text, encoding="utf-8")
        (out / "report.html").write_text(render_html(sections), encoding="utf-8")
        print(f"wrote {out / 'report.txt'} and {out / 'report.html'}")
    return 0
