"""The one summary type returned by every result object's ``summary()`` (private module).

A :class:`Summary` is what a reader cites: a title, the settings of the run ("what was run, on
what": sizes, horizon, options, seed) as label/value pairs, and one or more captioned tables of
headline results. It prints as a fixed-width text table (``str``), renders as HTML tables in
Jupyter (``_repr_html_``) and hands the numbers back as pandas objects (:attr:`Summary.settings`,
:attr:`Summary.tables`), in the spirit of statsmodels' ``Summary``.

The short ``__repr__`` of the result classes is built here too (:func:`short_repr`), so every
result prints the same way: ``ClassName(key=value, ..., headline)``, never whole arrays.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from numbers import Integral, Real

import numpy as np
import pandas as pd

__all__ = ["Summary", "format_value", "short_repr"]

_REPR_LIMIT = 300
_SHORT = 24  # longer setting values get a line of their own


def format_value(value: object) -> str:
    """Display text of one value: integers whole, floats to four significant digits.

    Large magnitudes (>= 10,000) get thousands separators and no decimals, tiny ones
    (< 0.0001) scientific notation; NaN prints ``nan`` and infinities ``inf``/``-inf``.
    """
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, Integral):
        return f"{int(value):,}"
    if isinstance(value, Real):
        v = float(value)
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        a = abs(v)
        if a >= 1e4:
            return f"{v:,.0f}"
        if a != 0.0 and a < 1e-4:
            return f"{v:.3e}"
        return f"{v:.4g}"
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def short_repr(name: str, items: Mapping[str, object], headline: str | None = None) -> str:
    """``name(key=value, ..., headline)`` with every value formatted and the whole kept short.

    Values are formatted with :func:`format_value` (strings are quoted, tuples of labels show
    at most four entries); the text is cut to 300 characters whatever the size of the result.
    """
    parts: list[str] = []
    for key, value in items.items():
        if isinstance(value, str):
            shown = repr(_shorten(value, 40))
        elif isinstance(value, tuple | list):
            head = [
                repr(_shorten(v, 20)) if isinstance(v, str) else format_value(v) for v in value[:4]
            ]
            more = f", … {len(value) - 4} more" if len(value) > 4 else ""
            shown = "(" + ", ".join(head) + more + ")"
        else:
            shown = format_value(value)
        parts.append(f"{key}={shown}")
    if headline:
        parts.append(headline)
    text = f"{name}({', '.join(parts)})"
    return text if len(text) <= _REPR_LIMIT else text[: _REPR_LIMIT - 2] + "…)"


class Summary:
    """Citable summary of a result: settings and captioned tables of headline numbers.

    Returned by the ``summary()`` method of every result class
    (:class:`~divergence.refinancing.RefinancingResult`,
    :class:`~divergence.flows.FlowSimulation`,
    :class:`~divergence.dispersion.DispersionTradePnL`,
    :class:`~divergence.risk.CVaRAllocation`, :class:`~divergence.cost.DivergenceCost`,
    :class:`~divergence.lags.LeadLag`).

    Parameters
    ----------
    title : str
        What was run (e.g. ``"Refinancing simulation"``).
    settings : iterable of (str, object)
        Label/value pairs describing the run: sizes, horizon or dates, key options, seed.
    tables : iterable of (str, DataFrame)
        Captioned tables of results (copied).
    notes : sequence of str, optional
        Lines printed under the tables (units, conventions).

    Attributes
    ----------
    title : str
    settings : Series
        The settings, index = label, values as displayed (text).
    tables : dict of str to DataFrame
        Caption -> table of numbers (copies: changing them does not change the summary).
    notes : tuple of str

    Notes
    -----
    ``str(summary)`` (and ``print``) gives a fixed-width text table, ``summary._repr_html_()``
    the same content as HTML tables (text escaped), which Jupyter shows automatically.
    Numbers are displayed with four significant digits; :attr:`tables` keeps full precision.

    Examples
    --------
    >>> import pandas as pd
    >>> s = Summary("Toy run", [("Paths", 100), ("Seed", 7)],
    ...             [("Result", pd.DataFrame({"mean": [0.123456]}, index=["x"]))])
    >>> print(s)
                               Toy run
    ==============================================================
    Paths:                     100  Seed:                        7
    ==============================================================
    Result
    --------------------------------------------------------------
         mean
    x  0.1235
    ==============================================================
    >>> print(f"{s.tables['Result'].loc['x', 'mean']:.6f}")
    0.123456
    """

    def __init__(
        self,
        title: str,
        settings: Iterable[tuple[str, object]],
        tables: Iterable[tuple[str, pd.DataFrame]],
        notes: Sequence[str] = (),
    ) -> None:
        self.title = str(title)
        pairs = [(str(k), format_value(v)) for k, v in settings]
        self._settings = pairs
        self._tables = [(str(c), t.copy()) for c, t in tables]
        self.notes = tuple(str(n) for n in notes)

    @property
    def settings(self) -> pd.Series:
        """The settings as a Series of display text, index = label."""
        return pd.Series(
            [v for _, v in self._settings],
            index=pd.Index([k for k, _ in self._settings], name="setting"),
            name="value",
            dtype=object,
        )

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Caption -> table of results (a fresh copy on every access)."""
        return {c: t.copy() for c, t in self._tables}

    # ----------------------------------------------------------------- text
    @staticmethod
    def _formatted(table: pd.DataFrame) -> pd.DataFrame:
        return table.apply(lambda col: col.map(format_value)) if len(table.columns) else table

    def _pair_lines(self) -> list[str]:
        """Short settings (up to 24 characters), two to a line."""
        short = [(k, v) for k, v in self._settings if len(v) <= _SHORT]
        if not short:
            return []
        kw = max(max(len(k) for k, _ in short) + 2, 18)
        vw = max(max(len(v) for _, v in short), 12)
        cells = [f"{k + ':':<{kw}}{v:>{vw}}" for k, v in short]
        return ["  ".join(cells[i : i + 2]) for i in range(0, len(cells), 2)]

    def _long_lines(self, width: int) -> list[str]:
        """Long settings, one each, wrapped to ``width``."""
        lines: list[str] = []
        for k, v in self._settings:
            if len(v) > _SHORT:
                lines += textwrap.wrap(
                    f"{k}: {v}",
                    width=width,
                    subsequent_indent="    ",
                    break_long_words=False,
                    break_on_hyphens=False,
                )
        return lines

    def as_text(self) -> str:
        """The summary as a fixed-width text table (what ``print`` shows)."""
        blocks = [(c, self._formatted(t).to_string().splitlines()) for c, t in self._tables]
        pairs = self._pair_lines()
        content = pairs + [ln for c, b in blocks for ln in [c, *b]]
        words = [len(w) + 4 for _, v in self._settings if len(v) > _SHORT for w in v.split()]
        width = max([len(self.title), 62, *(len(x) for x in content), *words])
        out = [self.title.center(width).rstrip(), "=" * width, *pairs, *self._long_lines(width)]
        for caption, body in blocks:
            out += ["=" * width, caption, "-" * width, *body]
        out.append("=" * width)
        for note in self.notes:
            out += textwrap.wrap(note, width=width)
        return "\n".join(out)

    def __str__(self) -> str:
        return self.as_text()

    def __repr__(self) -> str:
        return self.as_text()

    # ----------------------------------------------------------------- HTML
    def as_html(self) -> str:
        """The summary as HTML tables (all text escaped)."""
        esc = html.escape
        rows = []
        pairs = self._settings
        for i in range(0, len(pairs), 2):
            cells = "".join(f"<th>{esc(k)}:</th><td>{esc(v)}</td>" for k, v in pairs[i : i + 2])
            rows.append(f"<tr>{cells}</tr>")
        parts = [
            '<div class="divergence-summary">',
            f'<table class="simpletable"><caption>{esc(self.title)}</caption>',
            *rows,
            "</table>",
        ]
        for caption, table in self._tables:
            frame_html = self._formatted(table).to_html(escape=True, border=0)
            frame_html = frame_html.replace(
                '<table class="dataframe">',
                f'<table class="dataframe"><caption>{esc(caption)}</caption>',
                1,
            )
            parts.append(frame_html)
        if self.notes:
            parts.append("<p>" + "<br>".join(esc(n) for n in self.notes) + "</p>")
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.as_html()
