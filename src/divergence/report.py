"""The main job and the ``divergence`` command line: every axis of divergence on the bundled data.

``divergence report`` (or ``python -m divergence report``) computes the report sections of
:mod:`divergence._sections`, in a fixed order, and prints a text summary. ``--out PATH`` writes
``PATH`` as one file when it ends in ``.html``, ``.txt`` or ``.json`` (or with ``--format``), and
``PATH/report.txt`` plus a self-contained ``PATH/report.html`` otherwise; an existing report is
kept unless ``--force`` is given, and that is checked before anything is computed. ``--json``
prints every headline number as JSON, ``--caps FILE`` feeds the user's own market caps to the
concentration and breadth sections, ``--sections`` computes a subset. The page ``docs/cli.rst``
documents every option.
"""

from __future__ import annotations

import argparse
import base64
import csv
import datetime as dt
import html
import importlib
import io
import json
import math
import numbers
import os
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from divergence import __version__
from divergence._sections import SECTION_MODULES, ReportInputs, Section
from divergence.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CAPS_SECTIONS",
    "FORMATS",
    "build_sections",
    "main",
    "read_caps",
    "render_html",
    "render_json",
    "render_text",
]

#: Report formats, and the file suffixes that select them with ``--out``.
FORMATS: tuple[str, ...] = ("text", "html", "json")
_SUFFIXES: dict[str, str] = {".txt": "text", ".html": "html", ".htm": "html", ".json": "json"}

#: The sections that read a user market-cap panel (``report --caps FILE``).
CAPS_SECTIONS: tuple[str, ...] = ("concentration", "breadth")

#: Cell spellings read as "missing" in a ``--caps`` file (compared lower-cased).
_MISSING = frozenset({"", "nan", "na", "n/a", "null", "none"})

_PROG = "divergence"


# --------------------------------------------------------------------------------- computing
def build_sections(
    names: Sequence[str] = SECTION_MODULES, inputs: ReportInputs | None = None
) -> list[Section]:
    """Compute report sections, in the order given, on the bundled data (and ``inputs``).

    Parameters
    ----------
    names : sequence of str, default every section
        Module names from :data:`divergence._sections.SECTION_MODULES`.
    inputs : ReportInputs, optional
        What the user passed beyond the bundled data (``caps``: a market-cap panel read by
        :func:`read_caps`).

    Returns
    -------
    list of Section
        One per name, in the same order.
    """
    out: list[Section] = []
    for name in names:
        module = importlib.import_module(f"divergence._sections.{name}")
        out.append(module.build(inputs))
    return out


def read_caps(file: str | os.PathLike[str]) -> pd.DataFrame:
    r"""Read and check a user market-cap panel for ``report --caps FILE``.

    The file is a CSV with a header row: the first column holds dates, every other column one
    company (its header is the ticker), each cell that company's market cap in USD at the end
    of that date. An empty cell (or ``NA``, ``NaN``, ``null``) means the company is not in the
    universe on that date.

    Parameters
    ----------
    file : str or path
        The CSV file (UTF-8, optionally with a byte-order mark).

    Returns
    -------
    DataFrame
        float64 caps, rows on a sorted, unique :class:`~pandas.DatetimeIndex` (named after the
        first header cell, ``"date"`` when it is empty), one column per ticker.

    Raises
    ------
    InputError
        The file is missing or not a CSV; it has no ticker column, no data row, an empty or
        repeated ticker; a date is not ISO 8601 (``YYYY-MM-DD``, optionally with a time but no
        time zone); dates repeat or are not in increasing order; a cell is not a number; a cap
        is negative, infinite, beyond 1e100, or no cap is given at all. The message names the
        file and the line (the header is line 1) or the cell.

    Notes
    -----
    Dates are never guessed from other layouts (``31/12/2024`` could be either order), and
    out-of-order rows are refused rather than sorted: the message says which line to fix.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = pathlib.Path(tmp) / "caps.csv"
    ...     _ = path.write_text("date,AAA,BBB\n2024-01-31,3e12,1e12\n2024-02-29,3.2e12,\n")
    ...     caps = read_caps(path)
    >>> print(caps.shape, caps.index[-1].date(), f"{caps.loc['2024-01-31', 'AAA']:.1e}")
    (2, 2) 2024-02-29 3.0e+12
    """
    import numpy as np
    import pandas as pd

    from divergence._validation import as_array

    path = Path(file)
    where = str(path)
    if not path.exists():
        raise InputError(f"{where}: no such file")
    if not path.is_file():
        raise InputError(f"{where}: not a file")
    rows: list[list[str]] = []
    lines: list[int] = []  # physical line of each row (blank rows are skipped)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            for row in reader:
                if any(cell.strip() for cell in row):
                    rows.append(row)
                    lines.append(reader.line_num)
    except UnicodeDecodeError as exc:
        raise InputError(f"{where}: not a UTF-8 text file ({exc.reason})") from None
    except csv.Error as exc:
        raise InputError(f"{where}: not a readable CSV file ({exc})") from None
    if not rows:
        raise InputError(f"{where}: the file is empty")
    header = [cell.strip() for cell in rows[0]]
    tickers = header[1:]
    if not tickers:
        raise InputError(
            f"{where}: needs a date column followed by one column per ticker; "
            f"the header {','.join(header)!r} has no ticker column"
        )
    if "" in tickers:
        raise InputError(
            f"{where}: the header has an empty ticker in column {tickers.index('') + 2}"
        )
    seen: set[str] = set()
    for ticker in tickers:
        if ticker in seen:
            raise InputError(f"{where}: ticker {ticker!r} appears twice in the header")
        seen.add(ticker)
    body, lines = rows[1:], lines[1:]
    if not body:
        raise InputError(f"{where}: no data rows below the header")
    for row, line in zip(body, lines, strict=True):
        if len(row) != len(header):
            raise InputError(
                f"{where}: line {line} has {len(row)} fields where the header has {len(header)}"
            )

    cells = np.array([[cell.strip() for cell in row] for row in body], dtype=object)
    raw_dates = [str(d) for d in cells[:, 0]]
    tz = pd.Series(raw_dates).str.contains(_TZ).to_numpy(dtype=bool)
    if tz.any():
        i = int(np.argmax(tz))
        raise InputError(
            f"{where}: line {lines[i]}: date {raw_dates[i]!r} has a time zone; give plain "
            "dates (YYYY-MM-DD)"
        )
    dates = pd.to_datetime(pd.Series(raw_dates), format="ISO8601", errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(
            f"{where}: line {lines[i]}: {raw_dates[i]!r} in the first column is not an "
            "ISO 8601 date (YYYY-MM-DD)"
        )
    index = pd.DatetimeIndex(dates, name=header[0] or "date")
    dup = index.duplicated()
    if dup.any():
        i = int(np.argmax(dup))
        j = int(np.argmax(index == index[i]))
        raise InputError(
            f"{where}: line {lines[i]}: date {index[i].date()} repeats line {lines[j]}; "
            "give one row per date"
        )
    back = np.flatnonzero(np.diff(index.asi8) < 0)
    if back.size:
        i = int(back[0]) + 1
        raise InputError(
            f"{where}: line {lines[i]}: date {index[i].date()} comes after "
            f"{index[i - 1].date()}; sort the rows by date (oldest first)"
        )

    text = cells[:, 1:]
    flat = pd.Series(text.ravel(), dtype=object)
    values = pd.to_numeric(flat, errors="coerce").to_numpy(dtype=np.float64, copy=True)
    missing = flat.str.lower().isin(_MISSING).to_numpy()
    values[missing] = np.nan
    not_number = np.isnan(values) & ~missing
    if not_number.any():
        k = int(np.argmax(not_number))
        i, j = divmod(k, len(tickers))
        raise InputError(
            f"{where}: line {lines[i]}, column {tickers[j]!r}: {text[i, j]!r} is not a number "
            "(give market caps in USD, e.g. 2.5e12, without thousands separators)"
        )
    frame = pd.DataFrame(
        values.reshape(text.shape), index=index, columns=pd.Index(tickers, dtype=object)
    )
    try:
        as_array(frame, "caps", ndim=2, nonnegative=True, allow_nan=True, copy=False)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    return frame


_TZ = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})$|Z$")


# --------------------------------------------------------------------------------- rendering
def _slug(title: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
    slug, k = base, 2
    while slug in used:
        slug, k = f"{base}-{k}", k + 1
    used.add(slug)
    return slug


def _column_formatter(column: pd.Series) -> Callable[[object], str]:
    """One display format per column: about four significant digits for its largest value."""
    import numpy as np
    import pandas as pd

    def missing(x: object) -> bool:
        return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))

    if pd.api.types.is_bool_dtype(column.dtype):
        return lambda x: "–" if missing(x) else str(bool(x))
    if pd.api.types.is_integer_dtype(column.dtype):
        return lambda x: "–" if missing(x) else f"{int(x):,d}"  # type: ignore[call-overload]
    if pd.api.types.is_float_dtype(column.dtype):
        finite = column.to_numpy(dtype=np.float64)
        finite = np.abs(finite[np.isfinite(finite)])
        big = float(finite.max()) if finite.size else 0.0
        if big == 0.0:
            decimals = 2
        elif big >= 1e9 or big < 1e-4:
            return lambda x: "–" if missing(x) else f"{float(x):.3e}"  # type: ignore[arg-type]
        else:
            decimals = min(6, max(0, 3 - math.floor(math.log10(big))))
        return lambda x: "–" if missing(x) else f"{float(x):,.{decimals}f}"  # type: ignore[arg-type]
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        dates = pd.DatetimeIndex(column.dropna())
        date_only = bool(len(dates) == 0 or (dates == dates.normalize()).all())
        return lambda x: (
            "–"
            if missing(x)
            else (str(pd.Timestamp(x).date()) if date_only else str(pd.Timestamp(x)))  # type: ignore[arg-type]
        )
    return lambda x: "–" if missing(x) else str(x)


def _formatters(frame: pd.DataFrame) -> list[Callable[[object], str]]:
    return [_column_formatter(frame.iloc[:, j]) for j in range(frame.shape[1])]


def _table_text(frame: pd.DataFrame) -> str:
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        return "(empty table)"
    text: str = frame.to_string(formatters=_formatters(frame), na_rep="–")
    return text


def _table_html(frame: pd.DataFrame) -> str:
    import pandas as pd

    if frame.shape[1] == 0 or frame.shape[0] == 0:
        return "<p>(empty table)</p>"
    if (
        frame.columns.name is None
        and frame.index.name is not None
        and not isinstance(frame.columns, pd.MultiIndex)
        and not isinstance(frame.index, pd.MultiIndex)
    ):  # the index name in the header row, not in a row of its own
        frame = frame.rename_axis(index=None, columns=str(frame.index.name))
    out: str = frame.to_html(
        formatters=_formatters(frame), border=0, classes="report-table", na_rep="–"
    )
    return out


def _header_lines(note: str | None, generated: dt.datetime | None) -> list[str]:
    out = [f"divergence {__version__} report ({note or 'bundled data'})"]
    if generated is not None:
        out.append(f"generated {_iso(generated)}")
    return out


def render_text(
    sections: Sequence[Section], *, note: str | None = None, generated: dt.datetime | None = None
) -> str:
    """Plain-text report: each section's ``about`` line, text lines and tables.

    Parameters
    ----------
    sections : sequence of Section
        From :func:`build_sections`.
    note : str, optional
        What data the report ran on (default ``"bundled data"``), shown in the first line.
    generated : datetime, optional
        Generation time, shown in the second line when given.

    Returns
    -------
    str
        The report; tables are aligned with :meth:`pandas.DataFrame.to_string`.
    """
    parts = [*_header_lines(note, generated), ""]
    for s in sections:
        parts += [s.title, "=" * len(s.title)]
        if s.about:
            parts += [*textwrap.wrap(f"About: {s.about}", 100), ""]
        parts += s.lines
        for caption, frame in s.tables:
            parts += ["", caption, "-" * min(len(caption), 100), _table_text(frame)]
        parts.append("")
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


_CSS = (
    "body{font-family:sans-serif;max-width:60em;margin:auto;padding:0 1em;line-height:1.4}"
    "pre{background:#f6f6f6;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere}"
    "p.about{color:#444;font-style:italic}"
    "p.meta{color:#666}"
    "nav{background:#f6f6f6;padding:.5em 1em}"
    "nav ol{margin:.3em 0}"
    "figure{margin:1em 0}"
    "figure.table{overflow-x:auto}"
    "figcaption{font-weight:bold;margin-bottom:.3em}"
    "table.report-table{border-collapse:collapse;font-size:.9em}"
    "table.report-table th,table.report-table td{padding:.15em .6em;text-align:right}"
    "table.report-table thead th{border-bottom:1px solid #999}"
    "table.report-table tbody th{text-align:left}"
    "table.report-table tbody tr:nth-child(even){background:#f3f3f3}"
)


def render_html(
    sections: Sequence[Section], *, note: str | None = None, generated: dt.datetime | None = None
) -> str:
    """Self-contained HTML report: contents, tables, figures as embedded PNG.

    Parameters
    ----------
    sections : sequence of Section
        From :func:`build_sections`.
    note : str, optional
        What data the report ran on (default ``"bundled data"``).
    generated : datetime, optional
        Generation time, shown under the title when given.

    Returns
    -------
    str
        One HTML page that loads nothing from elsewhere: a table of contents linking to each
        section, each section's ``about`` line under its heading, its text, its tables
        (:meth:`pandas.DataFrame.to_html`) and its figures (PNG ``data:`` URIs; drawn only when
        matplotlib is installed).
    """
    used: set[str] = set()
    ids = [_slug(s.title, used) for s in sections]
    meta = [f"Data: {note or 'bundled data'}", *_header_lines(note, generated)[1:]]
    body = [
        f"<h1>divergence {html.escape(__version__)} report</h1>",
        f'<p class="meta">{html.escape(" · ".join(meta))}</p>',
        '<nav id="contents" aria-label="Contents"><strong>Contents</strong><ol>',
        *(
            f'<li><a href="#{sid}">{html.escape(s.title)}</a></li>'
            for sid, s in zip(ids, sections, strict=True)
        ),
        "</ol></nav>",
    ]
    for sid, s in zip(ids, sections, strict=True):
        body.append(f'<section id="{sid}">')
        body.append(f"<h2>{html.escape(s.title)}</h2>")
        if s.about:
            body.append(f'<p class="about">{html.escape(s.about)}</p>')
        if s.lines:
            body.append("<pre>" + html.escape("\n".join(s.lines)) + "</pre>")
        for caption, frame in s.tables:
            body.append(
                f'<figure class="table"><figcaption>{html.escape(caption)}</figcaption>'
                f"{_table_html(frame)}</figure>"
            )
        for name, draw in s.figures:
            png = _figure_png(draw)
            if png is not None:
                body.append(
                    f'<figure><img alt="{html.escape(name)}" src="data:image/png;base64,{png}">'
                    "</figure>"
                )
        body.append("</section>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>divergence {html.escape(__version__)} report</title>"
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _iso(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _jsonable(value: object) -> Any:
    """``value`` as plain JSON: numpy scalars unwrapped, NaN/inf and NaT as None, dates ISO."""
    import numpy as np
    import pandas as pd

    if value is None or isinstance(value, str | bool):
        return value
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, np.datetime64 | np.timedelta64):
        if np.isnat(value):
            return None
        value = pd.Timestamp(value) if isinstance(value, np.datetime64) else pd.Timedelta(value)
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None and value == value.normalize():
            return value.date().isoformat()
        return _iso(value.to_pydatetime())
    if isinstance(value, dt.datetime | dt.date):
        return _iso(value)
    if isinstance(value, pd.Timedelta):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, np.ndarray | pd.Series | pd.Index | list | tuple):
        return [_jsonable(v) for v in list(value)]
    return str(value)


def _bundled_sources() -> list[dict[str, str]]:
    from divergence.datasets import REGISTRY

    return [
        {"key": key, "title": info.title, "source": info.source, "license": info.license}
        for key, info in REGISTRY.items()
    ]


def _caps_summary(caps: pd.DataFrame, file: str | None) -> dict[str, Any]:
    return {
        "file": file,
        "dates": int(caps.shape[0]),
        "tickers": int(caps.shape[1]),
        "first": _jsonable(caps.index[0]),
        "last": _jsonable(caps.index[-1]),
        "used_by": list(CAPS_SECTIONS),
    }


def render_json(
    sections: Sequence[Section],
    *,
    keys: Sequence[str] | None = None,
    inputs: ReportInputs | None = None,
    caps_file: str | None = None,
    generated: dt.datetime | None = None,
) -> str:
    """Every headline number of the report as one JSON document.

    Parameters
    ----------
    sections : sequence of Section
        From :func:`build_sections`.
    keys : sequence of str, optional
        One key per section (``report`` uses the section module names); default: slugs of the
        titles.
    inputs : ReportInputs, optional
        The user inputs the report ran on (summarised under ``data.caps``).
    caps_file : str, optional
        Where ``inputs.caps`` was read from.
    generated : datetime, optional
        Generation time (ISO 8601, UTC); default now.

    Returns
    -------
    str
        A JSON object with ``version`` (of divergence), ``generated``, ``data`` (``bundled``:
        every bundled dataset with its source and licence; ``caps``: the user's file, its
        size and date range, or null) and ``sections`` (key -> ``title``, ``about`` and
        ``numbers``). Numbers are plain JSON: numpy scalars unwrapped, NaN and infinities as
        ``null``, dates and times as ISO 8601 strings. Strict JSON (no ``NaN`` literal).
    """
    if keys is None:
        used: set[str] = set()
        keys = [_slug(s.title, used) for s in sections]
    if len(keys) != len(sections):
        raise InputError(f"keys has {len(keys)} entries for {len(sections)} sections")
    when = generated if generated is not None else _now()
    caps = None if inputs is None else inputs.caps
    doc = {
        "version": __version__,
        "generated": _iso(when),
        "sections": {
            key: {"title": s.title, "about": s.about or None, "numbers": _jsonable(s.numbers)}
            for key, s in zip(keys, sections, strict=True)
        },
        "data": {
            "caps": None if caps is None else _caps_summary(caps, caps_file),
            "bundled": _bundled_sources(),
        },
    }
    return json.dumps(doc, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def _now() -> dt.datetime:
    """Now in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


# ------------------------------------------------------------------------------ command line
class _CommandError(Exception):
    """A one-line problem with the command; ``main`` prints it and returns 2."""


@dataclass(frozen=True)
class _Target:
    path: Path
    format: str


def _plan_outputs(out: Path | None, fmt: str | None, force: bool) -> list[_Target]:
    """Files ``--out`` will write; refuses (before anything is computed) to overwrite."""
    if out is None:
        return []
    suffix_fmt = _SUFFIXES.get(out.suffix.lower())
    file_fmt = fmt or suffix_fmt
    if file_fmt is not None:
        if out.is_dir():
            raise _CommandError(f"--out {out}: is a directory; give a file name")
        if out.exists() and not force:
            raise _CommandError(f"--out {out}: file exists; add --force to overwrite it")
        return [_Target(out, file_fmt)]
    if out.exists() and not out.is_dir():
        raise _CommandError(
            f"--out {out}: exists and is not a directory; to write one file, end the name in "
            ".html, .txt or .json or give --format"
        )
    targets = [_Target(out / "report.txt", "text"), _Target(out / "report.html", "html")]
    existing = [t.path.name for t in targets if t.path.exists()]
    if existing and not force:
        raise _CommandError(
            f"--out {out}: already holds {' and '.join(existing)}; add --force to overwrite"
        )
    return targets


def _parse_sections(spec: str | None) -> list[str]:
    if spec is None:
        return list(SECTION_MODULES)
    asked = [s.strip() for s in spec.split(",") if s.strip()]
    unknown = [s for s in asked if s not in SECTION_MODULES]
    if unknown or not asked:
        what = f"unknown section {unknown[0]!r}" if unknown else "no section named"
        raise _CommandError(f"--sections: {what}; choose from {','.join(SECTION_MODULES)}")
    return [s for s in SECTION_MODULES if s in asked]


def _data_note(caps: pd.DataFrame | None, caps_file: str | None) -> str:
    if caps is None:
        return "bundled data"
    return (
        f"bundled data; market caps from {caps_file} ({caps.shape[0]} dates × "
        f"{caps.shape[1]} tickers, {caps.index[0].date()} to {caps.index[-1].date()}) "
        f"for the {' and '.join(CAPS_SECTIONS)} sections"
    )


_EPILOG = """\
examples:
  divergence report                           text report on standard output
  divergence report --out report.html         one self-contained HTML file
  divergence report --out results/            results/report.txt and results/report.html
  divergence report --json > numbers.json     every headline number as JSON
  divergence report --caps my_caps.csv --sections concentration,breadth
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=_PROG,
        description=textwrap.fill(
            "Measure how a headline equity index can diverge from the economy beneath it. "
            "'python -m divergence' is the same command. Run a command with -h for its options.",
            78,
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"{_PROG} {__version__}", help="print the version"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    rep = sub.add_parser(
        "report",
        help="compute every axis of divergence on the bundled data (and your market caps)",
        description=textwrap.fill(
            "Compute the report sections and print a text summary. Sections, in order: "
            + ", ".join(SECTION_MODULES)
            + ".",
            78,
        ),
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rep.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help=(
            "write the report: PATH ending in .html, .txt or .json is one file in that format; "
            "any other PATH is a directory that gets report.txt and report.html"
        ),
    )
    rep.add_argument(
        "--format",
        choices=FORMATS,
        help=(
            "format of --out PATH, which is then always one file (overrides the suffix); "
            "without --out, the format printed on standard output (default text)"
        ),
    )
    rep.add_argument(
        "--force",
        action="store_true",
        help="overwrite an existing --out file or report (checked before anything is computed)",
    )
    rep.add_argument(
        "--json",
        action="store_true",
        help="print every headline number as JSON on standard output instead of the text",
    )
    rep.add_argument(
        "--caps",
        metavar="FILE",
        help=(
            "your own market caps for the "
            + " and ".join(CAPS_SECTIONS)
            + " sections: a CSV with ISO dates (YYYY-MM-DD) in the first column, one column "
            "per ticker, caps in USD; an empty cell means not in the universe on that date"
        ),
    )
    rep.add_argument(
        "--sections",
        metavar="NAMES",
        help="compute only these sections, comma-separated (e.g. concentration,breadth)",
    )
    rep.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing on standard output (unless --json); use with --out",
    )
    return parser


def _report(args: argparse.Namespace) -> int:
    names = _parse_sections(args.sections)
    if args.json and args.out is None and args.format not in (None, "json"):
        raise _CommandError(f"--json and --format {args.format} both choose the standard output")
    if args.caps is not None and not set(CAPS_SECTIONS) & set(names):
        raise _CommandError(
            f"--caps is read by the {' and '.join(CAPS_SECTIONS)} sections; --sections "
            "selects neither"
        )
    targets = _plan_outputs(args.out, args.format, args.force)  # before any computing
    caps = None
    if args.caps is not None:
        try:
            caps = read_caps(args.caps)
        except InputError as exc:
            raise _CommandError(f"--caps {exc}") from None
    inputs = ReportInputs(caps=caps)
    try:
        sections = build_sections(names, inputs)
    except InputError as exc:
        if caps is None:
            raise
        raise _CommandError(f"--caps {args.caps}: {exc}") from None
    generated = _now()
    note = _data_note(caps, args.caps)

    def render(fmt: str) -> str:
        if fmt == "json":
            return render_json(
                sections, keys=names, inputs=inputs, caps_file=args.caps, generated=generated
            )
        if fmt == "html":
            return render_html(sections, note=note, generated=generated)
        return render_text(sections, note=note, generated=generated)

    stdout_fmt = "json" if args.json else (args.format if args.out is None else None) or "text"
    if args.json or not args.quiet:
        sys.stdout.write(render(stdout_fmt).rstrip("\n") + "\n")
        sys.stdout.flush()
    for target in targets:
        target.path.parent.mkdir(parents=True, exist_ok=True)
        target.path.write_text(render(target.format), encoding="utf-8")
    if targets:
        print("wrote " + " and ".join(str(t.path) for t in targets), file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``divergence`` console script and ``python -m divergence``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: 0 on success (and for ``divergence`` with no command, which prints the
        help); 2 for a usage problem, bad ``--caps`` file or an ``--out`` that would overwrite
        without ``--force``, with a one-line message on standard error.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return _report(args)
    except _CommandError as exc:
        print(f"{_PROG} report: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `divergence report | head`: the reader left, not an error
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
