"""Assertions the mutation run of divergence.report showed missing (fast, nothing computed).

Each test calls a function of ``divergence.report`` directly on a tiny input: ``read_caps`` on
small CSV files written to ``tmp_path``, the argument parser, the column formatter, the
renderers on hand-built sections, ``_plan_outputs`` on ``--out``/``--format``/``--force``
cases, and ``main`` with every report section replaced by a made-up module (so no section is
computed). Expected values are written out by hand from the documented rules (see
``docs/cli.rst`` and the docstrings), and the messages are the documented ones; see
``docs/_data/mutation/report.json`` for the run.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import json
import os
import re
import struct
import sys
import types
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from divergence import __version__, report
from divergence._sections import SECTION_MODULES, ReportInputs, Section
from divergence.errors import InputError

V = __version__


# --------------------------------------------------------------------------- read_caps
def _caps(tmp_path: Path, text: str, name: str = "c.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _refused(path: Path, message: str) -> None:
    with pytest.raises(InputError) as info:
        report.read_caps(path)
    assert str(info.value) == f"{path}: {message}"


def test_read_caps_values_index_and_columns(tmp_path: Path) -> None:
    # a byte-order mark, spaces around cells, a blank line, every missing spelling
    text = (
        "\ufeff when , A ,B\n"
        "2024-01-31, 3e12 ,1e12\n"
        "\n"
        "2024-02-29,NaN, 2.5\n"
        "2024-03-28 10:30:00.5,n/a,NULL\n"
        "2024-04-30,none,\n"
        "2024-05-31,Na,7\n"
    )
    got = report.read_caps(_caps(tmp_path, text))
    nan = np.nan
    expected = np.array(
        [[3e12, 1e12], [nan, 2.5], [nan, nan], [nan, nan], [nan, 7.0]], dtype=np.float64
    )
    assert got.to_numpy().dtype == np.float64
    np.testing.assert_array_equal(got.to_numpy(), expected)
    assert list(got.columns) == ["A", "B"] and got.columns.dtype == object
    assert isinstance(got.index, pd.DatetimeIndex) and got.index.name == "when"
    assert [str(d) for d in got.index] == [
        "2024-01-31 00:00:00",
        "2024-02-29 00:00:00",
        "2024-03-28 10:30:00.500000",
        "2024-04-30 00:00:00",
        "2024-05-31 00:00:00",
    ]
    # the caller may write to the frame: it is not a read-only view
    got.iloc[0, 0] = 1.0
    assert got.iloc[0, 0] == 1.0


def test_read_caps_keeps_line_breaks_inside_quoted_cells(tmp_path: Path) -> None:
    # the csv module reads the file untranslated (newline=""): a quoted header cell keeps its
    # CR LF, and the physical line numbers count both lines of it
    got = report.read_caps(_caps(tmp_path, 'date,"A\r\nB"\r\n2024-01-31,1\r\n'))
    assert list(got.columns) == ["A\r\nB"]
    path = _caps(tmp_path, 'date,"A\r\nB"\r\n2024-01-31,x\r\n', name="x.csv")
    _refused(
        path,
        "line 3, column 'A\\r\\nB': 'x' is not a number (give market caps in USD, e.g. "
        "2.5e12, without thousands separators)",
    )


def test_read_caps_unnamed_date_column_is_date(tmp_path: Path) -> None:
    got = report.read_caps(_caps(tmp_path, ",X\n2024-01-31,5\n"))
    assert got.index.name == "date"
    assert got.shape == (1, 1) and got.iloc[0, 0] == 5.0


def test_read_caps_missing_path_and_directory(tmp_path: Path) -> None:
    _refused(tmp_path / "nope.csv", "no such file")
    _refused(tmp_path, "not a file")
    assert not (tmp_path / "nope.csv").exists()


def test_read_caps_not_utf8_and_not_csv(tmp_path: Path) -> None:
    bad = _caps(tmp_path, "", name="b.csv")
    bad.write_bytes(b"date,A\n2024-01-31,\xff\n")
    # the decoder's own reason for byte 0xff
    _refused(bad, "not a UTF-8 text file (invalid start byte)")
    huge = _caps(tmp_path, "date,A\n2024-01-31," + "1" * 200_000 + "\n", name="h.csv")
    _refused(huge, "not a readable CSV file (field larger than field limit (131072))")


BAD = [
    ("", "the file is empty"),
    ("\n , \n\n", "the file is empty"),  # blank rows only
    (
        "date\n2024-01-31\n",
        "needs a date column followed by one column per ticker; the header 'date' has no "
        "ticker column",
    ),
    (
        " d \n2024-01-31\n",
        "needs a date column followed by one column per ticker; the header 'd' has no "
        "ticker column",
    ),
    ("date,A, ,B\n2024-01-31,1,2,3\n", "the header has an empty ticker in column 3"),
    ("date,A,B,\n2024-01-31,1,2,3\n", "the header has an empty ticker in column 4"),
    ("date,A,B,A,B\n2024-01-31,1,2,3,4\n", "ticker 'A' appears twice in the header"),
    ("date,A,B\n\n", "no data rows below the header"),
    ("date,A,B\n2024-01-31,1\n", "line 2 has 2 fields where the header has 3"),
    (
        "date,A,B\n2024-01-31,1,2\n\n2024-02-29,1,2,3\n",
        "line 4 has 4 fields where the header has 3",
    ),
    (
        "date,A\n2024-01-31,1\n2024-02-29T10:00Z,1\n",
        "line 3: date '2024-02-29T10:00Z' has a time zone; give plain dates (YYYY-MM-DD)",
    ),
    (
        "date,A\n2024-01-31,1\n\n2024-02-29 10:00:00 +0100,1\n",
        "line 4: date '2024-02-29 10:00:00 +0100' has a time zone; give plain dates (YYYY-MM-DD)",
    ),
    (
        "date,A\n2024-01-31,1\n2024-02-29T1:05:07.25-05:30,1\n",
        "line 3: date '2024-02-29T1:05:07.25-05:30' has a time zone; give plain dates (YYYY-MM-DD)",
    ),
    (
        "date,A\n2024-01-31Z,1\n",
        "line 2: date '2024-01-31Z' has a time zone; give plain dates (YYYY-MM-DD)",
    ),
    (
        "date,A\n2024-01-31,1\n2024-02-30,1\n",
        "line 3: '2024-02-30' in the first column is not an ISO 8601 date (YYYY-MM-DD)",
    ),
    (
        "date,A\n2024-01-31,1\n2024-02-29,1\n2024-03-28,1\n2024-02-29,2\n",
        "line 5: date 2024-02-29 repeats line 3; give one row per date",
    ),
    (
        "date,A\n2024-01-31,1\n2024-03-28,1\n2024-02-29,2\n2024-01-01,2\n",
        "line 4: date 2024-02-29 comes after 2024-03-28; sort the rows by date (oldest first)",
    ),
    (
        "date,A,B\n2024-01-31,1,2\n2024-02-29,3,x1\n",
        "line 3, column 'B': 'x1' is not a number (give market caps in USD, e.g. 2.5e12, "
        "without thousands separators)",
    ),
    (
        "date,A,B\n2024-01-31,1,2\n2024-02-29,-,4\n",
        "line 3, column 'A': '-' is not a number (give market caps in USD, e.g. 2.5e12, "
        "without thousands separators)",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_read_caps_refusals(text: str, message: str, tmp_path: Path) -> None:
    _refused(_caps(tmp_path, text), message)


def test_read_caps_value_checks_name_caps(tmp_path: Path) -> None:
    p = _caps(tmp_path, "date,A,B\n2024-01-31,1,-2\n")
    with pytest.raises(InputError, match=r"^" + re.escape(f"{p}: caps has 1 negative value")):
        report.read_caps(p)
    p = _caps(tmp_path, "date,A,B\n2024-01-31,1,2e101\n", name="big.csv")
    with pytest.raises(InputError, match=r"^" + re.escape(f"{p}: caps ")) as info:
        report.read_caps(p)
    assert "1e+100" in str(info.value) or "1e100" in str(info.value)
    p = _caps(tmp_path, "date,A,B\n2024-01-31,,null\n", name="none.csv")
    with pytest.raises(InputError, match=r"^" + re.escape(f"{p}: caps ")):
        report.read_caps(p)


# --------------------------------------------------------------------------- slugs
def test_slug() -> None:
    used: set[str] = set()
    assert report._slug("Hello, World!", used) == "hello-world"
    assert report._slug("--Hello   world--", used) == "hello-world-2"
    assert report._slug("HELLO WORLD", used) == "hello-world-3"
    assert report._slug("?!", used) == "section"
    assert report._slug("", used) == "section-2"
    assert report._slug("R2 d2", used) == "r2-d2"
    assert used == {
        "hello-world",
        "hello-world-2",
        "hello-world-3",
        "section",
        "section-2",
        "r2-d2",
    }


# --------------------------------------------------------------------------- cell formats
def _cells(values: Any, dtype: Any = None) -> list[str]:
    column = pd.Series(values, dtype=dtype)
    f = report._column_formatter(column)
    return [f(x) for x in column]


def test_float_columns_keep_about_four_significant_digits() -> None:
    # decimals = min(6, max(0, 3 - floor(log10(largest |x|)))), worked by hand per case
    assert _cells([1.5, 22.25, np.nan]) == ["1.50", "22.25", "–"]  # 22.25: 3 - 1 = 2
    assert _cells([0.5, -1234.5]) == ["0", "-1,234"]  # 1234.5: 3 - 3 = 0 (half to even)
    assert _cells([1.0, 99999.0]) == ["1", "99,999"]  # 3 - 4 < 0: no decimals
    assert _cells([0.25, 999_999_999.0]) == ["0", "999,999,999"]  # just below 1e9
    assert _cells([0.0012345, 0.001]) == ["0.001234", "0.001000"]  # 3 + 3 = 6
    assert _cells([0.00012345, 0.0001]) == ["0.000123", "0.000100"]  # 3 + 4 = 7 -> 6
    assert _cells([0.5, 0.0]) == ["0.5000", "0.0000"]  # log10(0.5) = -0.30: 3 + 1 = 4
    assert _cells([0.05, 0.01]) == ["0.05000", "0.01000"]  # log10(0.05) = -1.30: 3 + 2 = 5
    assert _cells([0.0, -0.0]) == ["0.00", "-0.00"]  # all zero: two decimals
    assert _cells([np.nan, np.nan]) == ["–", "–"]  # nothing finite: two decimals
    assert _cells([np.inf, 2.0, np.nan]) == ["inf", "2.000", "–"]  # inf left out of the scale
    # a nullable float column: its NA is a dash, the scale comes from the finite values
    assert _cells([1.5, None, 22.25], dtype="Float64") == ["1.50", "–", "22.25"]
    assert _cells([0.5, 0.25], dtype=np.float32) == ["0.5000", "0.2500"]


def test_float_columns_switch_to_scientific() -> None:
    assert _cells([1e9, 1.0]) == ["1.000e+09", "1.000e+00"]
    assert _cells([-2.5e12, np.nan]) == ["-2.500e+12", "–"]
    assert _cells([9.99e-5, 5e-5]) == ["9.990e-05", "5.000e-05"]  # below 1e-4
    assert _cells([1e-4, 5e-5]) == ["0.000100", "0.000050"]  # 1e-4 itself: fixed


def test_integer_bool_date_and_object_columns() -> None:
    assert _cells([1, -1234567], dtype=np.int64) == ["1", "-1,234,567"]
    assert _cells([1, None, 12345], dtype="Int64") == ["1", "–", "12,345"]
    assert _cells([True, False]) == ["True", "False"]
    assert _cells([True, None, False], dtype="boolean") == ["True", "–", "False"]
    days = pd.to_datetime(pd.Series(["2024-01-31", None, "2024-02-29"]))
    assert _cells(days) == ["2024-01-31", "–", "2024-02-29"]
    times = pd.to_datetime(["2024-01-31", "2024-02-29 15:30"], format="ISO8601")
    assert _cells(times) == ["2024-01-31 00:00:00", "2024-02-29 15:30:00"]
    one = pd.to_datetime(pd.Series(["2024-02-29 15:30"]))  # a single time of day: not a date
    assert _cells(one) == ["2024-02-29 15:30:00"]
    assert _cells([pd.NaT, pd.NaT], dtype="datetime64[ns]") == ["–", "–"]
    mixed = pd.Series(["a", None, pd.NA, pd.NaT, float("nan"), 3], dtype=object)
    f = report._column_formatter(mixed)
    assert [f(x) for x in mixed] == ["a", "–", "–", "–", "–", "3"]


def test_table_text_and_empty_tables() -> None:
    assert report._table_text(pd.DataFrame(index=[1, 2])) == "(empty table)"
    assert report._table_text(pd.DataFrame({"a": []})) == "(empty table)"
    assert report._table_html(pd.DataFrame(index=[1, 2])) == "<p>(empty table)</p>"
    assert report._table_html(pd.DataFrame({"a": []})) == "<p>(empty table)</p>"
    frame = pd.DataFrame({"x": [1.5, 22.25], "n": [1000, 2]}, index=["a", "b"])
    rows = [line.split() for line in report._table_text(frame).splitlines()]
    assert rows == [["x", "n"], ["a", "1.50", "1,000"], ["b", "22.25", "2"]]


def _header_rows(html: str) -> list[list[str]]:
    thead = html.split("<thead>")[1].split("</thead>")[0]
    return [re.findall(r"<th[^>]*>([^<]*)</th>", tr) for tr in thead.split("</tr>")[:-1]]


def test_table_html_puts_the_index_name_in_the_header_row() -> None:
    frame = pd.DataFrame({"x": [1.5, 22.25]}, index=pd.Index(["a", "b"], name="k"))
    out = report._table_html(frame)
    assert out.startswith('<table class="dataframe report-table">')  # border=0: no attribute
    assert _header_rows(out) == [["k", "x"]]
    assert re.findall(r"<td>([^<]*)</td>", out) == ["1.50", "22.25"]
    assert frame.columns.name is None and frame.index.name == "k"  # the caller's frame kept
    # a named column axis keeps pandas' own layout (index name in a row of its own)
    named = frame.rename_axis(columns="c")
    assert _header_rows(report._table_html(named)) == [["c", "x"], ["k", ""]]
    # no index name: nothing to move
    assert _header_rows(report._table_html(frame.rename_axis(index=None))) == [["", "x"]]
    # a MultiIndex on either axis is left alone
    two = pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "j"])
    multi_rows = pd.DataFrame({"x": [1.5, 22.25]}, index=two)
    assert _header_rows(report._table_html(multi_rows)) == [["", "", "x"], ["k", "j", ""]]
    cols = pd.MultiIndex.from_tuples([("x", "y")])
    multi_cols = pd.DataFrame([[1.5], [2.0]], index=pd.Index(["a", "b"], name="k"), columns=cols)
    assert _header_rows(report._table_html(multi_cols)) == [["", "x"], ["", "y"], ["k", ""]]


# --------------------------------------------------------------------------- renderers
def _frame() -> pd.DataFrame:
    return pd.DataFrame({"x": [1.5, 22.25]}, index=pd.Index(["a", "b"], name="k"))


def test_render_text_layout() -> None:
    long_caption = "c" * 120
    about = " ".join(["word"] * 40)  # 199 characters after "About: ": wrapped at 100
    secs = [
        Section("Alpha beta", ["line one", "line two"], tables=[("Cap", _frame())], about="a b"),
        Section("Gamma", [], tables=[(long_caption, pd.DataFrame())], about=about),
        Section("Delta"),
    ]
    when = dt.datetime(2026, 1, 2, 3, 4, 5)
    text = report.render_text(secs, note="n & m", generated=when)
    # the table as pandas prints it with the display rule written by hand (largest 22.25:
    # 3 - floor(log10(22.25)) = 2 decimals)
    table = _frame().to_string(formatters=[lambda v: f"{v:,.2f}"])
    words = "About: " + about
    # textwrap at 100 columns, by hand: 'About: ' (7) + 18 words of 5 = 97 characters, etc.
    first = "About: " + " ".join(["word"] * 18)
    second = " ".join(["word"] * 20)
    third = " ".join(["word"] * 2)
    assert " ".join([first, second, third]) == words and len(first) <= 100 < len(first) + 5
    expected = "\n".join(
        [
            f"divergence {V} report (n & m)",
            "generated 2026-01-02T03:04:05",
            "",
            "Alpha beta",
            "==========",
            "About: a b",
            "",
            "line one",
            "line two",
            "",
            "Cap",
            "---",
            table,
            "",
            "Gamma",
            "=====",
            first,
            second,
            third,
            "",
            "",
            long_caption,
            "-" * 100,
            "(empty table)",
            "",
            "Delta",
            "=====",
            "",
        ]
    )
    assert text == expected
    assert report.render_text([]) == f"divergence {V} report (bundled data)\n"


def test_render_html_page() -> None:
    secs = [
        Section("A <b>", ["x < y", "z"], about="p & q"),
        Section("A <b>", [], tables=[('t "1"', _frame())]),
    ]
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    page = report.render_html(secs, note="n & m", generated=when)
    head = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>divergence {V} report</title><style>"
    )
    assert page.startswith(head)
    css, body = page[len(head) :].split("</style></head><body>\n")
    assert css == report._CSS
    # pandas' table with the rule by hand (2 decimals) and the index name in the header row
    table = (
        _frame()
        .rename_axis(index=None, columns="k")
        .to_html(formatters=[lambda v: f"{v:,.2f}"], border=0, classes="report-table")
    )
    expected = "\n".join(
        [
            f"<h1>divergence {V} report</h1>",
            '<p class="meta">Data: n &amp; m · generated 2026-01-02T01:04:05Z</p>',
            '<nav id="contents" aria-label="Contents"><strong>Contents</strong><ol>',
            '<li><a href="#a-b">A &lt;b&gt;</a></li>',
            '<li><a href="#a-b-2">A &lt;b&gt;</a></li>',
            "</ol></nav>",
            '<section id="a-b">',
            "<h2>A &lt;b&gt;</h2>",
            '<p class="about">p &amp; q</p>',
            "<pre>x &lt; y\nz</pre>",
            "</section>",
            '<section id="a-b-2">',
            "<h2>A &lt;b&gt;</h2>",
            f'<figure class="table"><figcaption>t &quot;1&quot;</figcaption>{table}</figure>',
            "</section>",
        ]
    )
    assert body == expected + "\n</body></html>\n"
    plain = report.render_html([])
    assert '<p class="meta">Data: bundled data</p>' in plain


# the CSS properties the page uses, and the page's elements and classes
_PROPERTIES = {
    "font-family", "max-width", "margin", "padding", "line-height", "background",
    "white-space", "overflow-wrap", "color", "font-style", "overflow-x", "font-weight",
    "margin-bottom", "border-collapse", "font-size", "text-align", "border-bottom",
}  # fmt: skip
_ELEMENTS = {"body", "pre", "p", "nav", "ol", "figure", "figcaption", "table", "th", "td"}
_ELEMENTS |= {"thead", "tbody", "tr"}
_CLASSES = {"about", "meta", "table", "report-table"}


def test_css_is_well_formed_and_targets_the_page() -> None:
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", report._CSS)
    assert "".join(f"{s}{{{d}}}" for s, d in rules) == report._CSS
    for selectors, decls in rules:
        for selector in selectors.split(","):
            for part in selector.split():
                m = re.fullmatch(r"([a-z]+)(?:\.([a-z-]+))?(?::nth-child\((?:even|odd)\))?", part)
                assert m is not None, part
                assert m.group(1) in _ELEMENTS, part
                assert m.group(2) is None or m.group(2) in _CLASSES, part
        for decl in decls.split(";"):
            prop, value = decl.split(":", 1)
            assert prop in _PROPERTIES, decl
            assert value and value == value.strip(), decl


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_render_html_embeds_figures_as_png() -> None:
    import matplotlib.pyplot as plt

    drawn: list[object] = []

    def draw(ax: Any) -> None:
        drawn.append(ax)
        ax.plot([0, 1], [0, 1])

    page = report.render_html([Section("F", figures=[("a <fig>", draw)])])
    assert len(drawn) == 1
    m = re.search(
        r'<figure><img alt="a &lt;fig&gt;" src="data:image/png;base64,([^"]+)"></figure>', page
    )
    assert m is not None
    # figsize 7.5 x 3.6 inches at 100 dots per inch
    assert _png_size(base64.b64decode(m.group(1), validate=True)) == (750, 360)
    assert plt.get_fignums() == []  # the figure is closed


def test_figure_is_closed_when_drawing_fails() -> None:
    import matplotlib.pyplot as plt

    def bad(ax: Any) -> None:
        raise ValueError("no data")

    with pytest.raises(ValueError, match="no data"):
        report._figure_png(bad)
    assert plt.get_fignums() == []


def test_figures_are_png_at_100_dpi_whatever_the_settings() -> None:
    import matplotlib as mpl

    settings: dict[str, Any] = {"savefig.format": "svg", "savefig.dpi": 50.0, "figure.dpi": 72.0}
    with mpl.rc_context(settings):  # type: ignore[arg-type]
        png = report._figure_png(lambda ax: ax.plot([0, 1], [1, 0]))
    assert png is not None
    assert _png_size(base64.b64decode(png, validate=True)) == (750, 360)


def test_the_reports_own_figure_is_the_one_closed() -> None:
    import matplotlib.pyplot as plt

    def draw(ax: Any) -> None:  # a drawing function that opens a figure of its own
        plt.figure(num=4242)
        ax.plot([0, 1], [0, 1])

    try:
        assert report._figure_png(draw) is not None
        assert plt.get_fignums() == [4242]  # the report's figure closed, not the caller's
    finally:
        plt.close("all")


def test_figures_are_left_out_without_matplotlib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    called: list[int] = []
    page = report.render_html([Section("F", figures=[("f", lambda ax: called.append(1))])])
    assert "<img" not in page and called == []
    assert report._figure_png(lambda ax: None) is None


# --------------------------------------------------------------------------- JSON
def test_iso() -> None:
    assert report._iso(dt.datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05"
    plus2 = dt.timezone(dt.timedelta(hours=2))
    assert report._iso(dt.datetime(2026, 1, 2, 1, 0, tzinfo=plus2)) == "2026-01-01T23:00:00Z"
    assert report._iso(dt.datetime(2026, 1, 2, tzinfo=dt.UTC)) == "2026-01-02T00:00:00Z"
    assert report._iso(dt.date(2026, 1, 2)) == "2026-01-02"


def test_iso_converts_to_utc_in_any_local_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available on this platform")
    monkeypatch.setenv("TZ", "Asia/Tokyo")  # UTC+9, no daylight saving time
    time.tzset()
    try:
        plus2 = dt.timezone(dt.timedelta(hours=2))
        when = dt.datetime(2026, 1, 2, 1, 0, tzinfo=plus2)
        assert report._iso(when) == "2026-01-01T23:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()


def test_jsonable_every_kind() -> None:
    j = report._jsonable
    assert j(None) is None and j("s") == "s"
    assert j(True) is True and j(np.bool_(False)) is False
    assert j(pd.NaT) is None and j(pd.NA) is None
    assert j(np.datetime64("NaT")) is None and j(np.timedelta64("NaT")) is None
    assert j(np.datetime64("2024-02-29")) == "2024-02-29"
    assert j(np.datetime64("2024-02-29T10:30")) == "2024-02-29T10:30:00"
    assert j(np.timedelta64(90, "m")) == "P0DT1H30M0S"
    assert j(pd.Timestamp("2024-01-31")) == "2024-01-31"
    assert j(pd.Timestamp("2024-01-31 15:30")) == "2024-01-31T15:30:00"
    assert j(pd.Timestamp("2024-01-31", tz="UTC")) == "2024-01-31T00:00:00Z"
    assert j(pd.Timestamp("2024-01-31 01:00", tz="Europe/Paris")) == "2024-01-31T00:00:00Z"
    assert j(dt.datetime(2024, 1, 31, 12)) == "2024-01-31T12:00:00"
    assert j(dt.date(2024, 1, 31)) == "2024-01-31"
    assert j(pd.Timedelta(hours=2)) == "P0DT2H0M0S"
    assert j(dt.timedelta(days=1, seconds=1)) == "P1DT0H0M1S"
    i = j(np.int8(-3))
    assert i == -3 and type(i) is int
    f = j(np.float32(0.5))
    assert f == 0.5 and type(f) is float
    assert j(Fraction(1, 4)) == 0.25  # a Real that is neither float nor int
    assert j(float("inf")) is None and j(np.float64("-inf")) is None and j(float("nan")) is None
    k = j(7)
    assert k == 7 and type(k) is int
    assert j({1: np.int64(2), "b": [np.nan, (np.float64(1.5),)]}) == {"1": 2, "b": [None, [1.5]]}
    assert j(np.array([[1, 2], [3, 4]])) == [[1, 2], [3, 4]]
    assert j(pd.Series([1.5, np.nan])) == [1.5, None]
    assert j(pd.Index(["a", "b"])) == ["a", "b"]
    assert j(1 + 2j) == "(1+2j)"
    assert j(Path("a")) == "a"


def test_now_reads_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 86401 ")  # one day and one second
    assert report._now() == dt.datetime(1970, 1, 2, 0, 0, 1, tzinfo=dt.UTC)
    assert report._now().tzinfo is dt.UTC
    for value in ("", "-5", "1.5", "soon"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
        before = dt.datetime.now(dt.UTC).replace(microsecond=0)
        now = report._now()
        after = dt.datetime.now(dt.UTC)
        assert (
            before <= now <= after and now.microsecond == 0 and now.utcoffset() == dt.timedelta(0)
        )
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    now = report._now()
    assert now.year >= 2024 and now.microsecond == 0


def _bundled() -> list[dict[str, str]]:
    from divergence.datasets import REGISTRY

    out = []
    for key in REGISTRY:
        info = REGISTRY[key]
        out.append(
            {"key": key, "title": info.title, "source": info.source, "license": info.license}
        )
    return out


def test_render_json_document(monkeypatch: pytest.MonkeyPatch) -> None:
    secs = [Section("Size × share", numbers={"a": np.float64(0.5)}), Section("B", about="x")]
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    text = report.render_json(secs, generated=when)
    assert text.endswith("}\n") and not text.endswith("\n\n")
    assert '\n  "version": ' in text and "Size × share" in text  # indent 2, not ASCII-escaped
    doc = json.loads(text)
    assert list(doc) == ["version", "generated", "sections", "data"]
    assert doc["version"] == V and doc["generated"] == "2026-01-02T03:04:05Z"
    assert doc["sections"] == {
        "size-share": {"title": "Size × share", "about": None, "numbers": {"a": 0.5}},
        "b": {"title": "B", "about": "x", "numbers": {}},
    }
    assert doc["data"] == {"caps": None, "bundled": _bundled()}
    assert list(doc["data"]) == ["caps", "bundled"]
    assert json.loads(report.render_json(secs, inputs=ReportInputs(), generated=when)) == doc
    # default time: SOURCE_DATE_EPOCH (one day after the epoch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")
    assert json.loads(report.render_json(secs))["generated"] == "1970-01-02T00:00:00Z"
    with pytest.raises(InputError, match=r"^keys has 1 entries for 2 sections$"):
        report.render_json(secs, keys=["a"])
    same = [Section("B"), Section("B")]
    assert list(json.loads(report.render_json(same, generated=when))["sections"]) == ["b", "b-2"]


def test_render_json_summarises_the_caps() -> None:
    index = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-28"], name="date")
    caps = pd.DataFrame(np.ones((3, 2)), index=index, columns=["A", "B"])
    when = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    doc = json.loads(
        report.render_json(
            [Section("S")], keys=["s"], inputs=ReportInputs(caps), caps_file="c.csv", generated=when
        )
    )
    assert doc["data"]["caps"] == {
        "file": "c.csv",
        "dates": 3,
        "tickers": 2,
        "first": "2024-01-31",
        "last": "2024-03-28",
        "used_by": ["concentration", "breadth"],
    }
    assert list(doc["data"]["caps"]) == ["file", "dates", "tickers", "first", "last", "used_by"]


# --------------------------------------------------------------------------- --out plans
def _plan(out: Path | None, fmt: str | None = None, force: bool = False) -> list[tuple[str, str]]:
    return [(str(t.path), t.format) for t in report._plan_outputs(out, fmt, force)]


def _plan_error(out: Path, fmt: str | None = None, force: bool = False) -> str:
    with pytest.raises(report._CommandError) as info:
        report._plan_outputs(out, fmt, force)
    return str(info.value)


def test_plan_outputs_single_files(tmp_path: Path) -> None:
    assert _plan(None) == [] and _plan(None, "html", True) == []
    for name, fmt in [("r.txt", "text"), ("R.HTML", "html"), ("r.htm", "html"), ("r.Json", "json")]:
        assert _plan(tmp_path / name) == [(str(tmp_path / name), fmt)]
    assert _plan(tmp_path / "r.txt", "json") == [(str(tmp_path / "r.txt"), "json")]
    assert _plan(tmp_path / "report", "html") == [(str(tmp_path / "report"), "html")]
    (tmp_path / "old.txt").write_text("keep", encoding="utf-8")
    assert _plan_error(tmp_path / "old.txt") == (
        f"--out {tmp_path / 'old.txt'}: file exists; add --force to overwrite it"
    )
    assert _plan(tmp_path / "old.txt", None, True) == [(str(tmp_path / "old.txt"), "text")]
    (tmp_path / "d.html").mkdir()
    for force in (False, True):
        assert _plan_error(tmp_path / "d.html", None, force) == (
            f"--out {tmp_path / 'd.html'}: is a directory; give a file name"
        )
    assert (
        _plan_error(tmp_path, "text", True) == f"--out {tmp_path}: is a directory; give a file name"
    )


def test_plan_outputs_directories(tmp_path: Path) -> None:
    out = tmp_path / "results"
    both = [(str(out / "report.txt"), "text"), (str(out / "report.html"), "html")]
    assert _plan(out) == both  # not there yet
    out.mkdir()
    assert _plan(out) == both
    (out / "other.txt").write_text("x", encoding="utf-8")
    assert _plan(out) == both
    (out / "report.html").write_text("x", encoding="utf-8")
    assert _plan_error(out) == f"--out {out}: already holds report.html; add --force to overwrite"
    (out / "report.txt").write_text("x", encoding="utf-8")
    assert _plan_error(out) == (
        f"--out {out}: already holds report.txt and report.html; add --force to overwrite"
    )
    assert _plan(out, None, True) == both
    plain = tmp_path / "plain"
    plain.write_text("a file", encoding="utf-8")
    for force in (False, True):
        assert _plan_error(plain, None, force) == (
            f"--out {plain}: exists and is not a directory; to write one file, end the name in "
            ".html, .txt or .json or give --format"
        )


# --------------------------------------------------------------------------- small helpers
def test_parse_sections() -> None:
    assert report._parse_sections(None) == list(SECTION_MODULES)
    assert report._parse_sections(" risk , concentration ,, ") == ["concentration", "risk"]
    assert report._parse_sections("risk,risk") == ["risk"]
    choices = ",".join(SECTION_MODULES)
    for spec, what in [
        ("nope", "unknown section 'nope'"),
        ("risk,nope,bad", "unknown section 'nope'"),
        (" , ", "no section named"),
        ("", "no section named"),
    ]:
        with pytest.raises(report._CommandError) as info:
            report._parse_sections(spec)
        assert str(info.value) == f"--sections: {what}; choose from {choices}"


def test_data_note() -> None:
    assert report._data_note(None, "x.csv") == "bundled data"
    index = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-28 12:00"])
    caps = pd.DataFrame(np.ones((3, 2)), index=index)
    assert report._data_note(caps, "c.csv") == (
        "bundled data; market caps from c.csv (3 dates × 2 tickers, 2024-01-31 to 2024-03-28) "
        "for the concentration and breadth sections"
    )


def test_header_lines() -> None:
    assert report._header_lines(None, None) == [f"divergence {V} report (bundled data)"]
    assert report._header_lines("", dt.date(2026, 1, 2)) == [  # type: ignore[arg-type]
        f"divergence {V} report (bundled data)",
        "generated 2026-01-02",
    ]


def test_bundled_sources() -> None:
    assert report._bundled_sources() == _bundled()


# --------------------------------------------------------------------------- the parser
def _subparser() -> Any:
    parser = report._parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return parser, sub.choices["report"]  # type: ignore[index]


def test_parser_options() -> None:
    parser, _rep = _subparser()
    assert parser.prog == "divergence"
    args = parser.parse_args(["report"])
    assert vars(args) == {
        "command": "report",
        "out": None,
        "format": None,
        "force": False,
        "json": False,
        "caps": None,
        "sections": None,
        "quiet": False,
    }
    args = parser.parse_args(
        [
            *("report", "--out", "a/b.html", "--format", "json", "--force", "--json"),
            *("--caps", "c.csv", "--sections", "risk", "-q"),
        ]
    )
    assert args.out == Path("a/b.html") and isinstance(args.out, Path)
    assert (args.format, args.force, args.json, args.caps, args.sections, args.quiet) == (
        "json",
        True,
        True,
        "c.csv",
        "risk",
        True,
    )
    assert parser.parse_args(["report", "--quiet"]).quiet is True
    assert parser.parse_args([]).command is None
    with pytest.raises(SystemExit):
        parser.parse_args(["report", "--format", "pdf"])


def test_parser_version_and_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    parser, rep = _subparser()
    with pytest.raises(SystemExit) as info:
        parser.parse_args(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"divergence {V}\n"
    text = parser.format_help()
    assert text.startswith("usage: divergence [-h] [--version] COMMAND ...\n")
    assert "'python -m divergence' is the same command" in text
    assert "--version   print the version" in text
    assert "report    compute every axis of divergence on the bundled data" in text
    assert report._EPILOG in text  # raw: the example lines are kept as written
    rtext = rep.format_help()
    assert rtext.startswith(
        "usage: divergence report [-h] [--out PATH] [--format {text,html,json}]"
    )
    assert "--caps FILE" in rtext and "--sections NAMES" in rtext and "-q, --quiet" in rtext
    flat = " ".join(rtext.split())
    assert "Sections, in order: " + ", ".join(SECTION_MODULES) + "." in flat
    assert "your own market caps for the concentration and breadth sections" in flat
    assert report._EPILOG in rtext
    # descriptions are filled at 78 columns, whatever the terminal width: greedy filling puts
    # on each line every word that fits, so the next line's first word would not fit
    for page in (text, rtext):
        desc = page.split("\n\n")[1].splitlines()
        assert len(desc) >= 2
        for line, following in itertools.pairwise(desc):
            assert len(line) <= 78 < len(line) + 1 + len(following.split()[0]), line
    flat_main = " ".join(text.split())
    assert (
        "Measure how a headline equity index can diverge from the economy beneath it. "
        "'python -m divergence' is the same command. Run a command with -h for its options."
    ) in flat_main


# the help of each option of ``divergence report`` (what ``divergence report -h`` prints)
OPTION_HELP = [
    (
        "--out PATH",
        "write the report: PATH ending in .html, .txt or .json is one file in that format; "
        "any other PATH is a directory that gets report.txt and report.html",
    ),
    (
        "--format {text,html,json}",
        "format of --out PATH, which is then always one file (overrides the suffix); without "
        "--out, the format printed on standard output (default text)",
    ),
    (
        "--force",
        "overwrite an existing --out file or report (checked before anything is computed)",
    ),
    ("--json", "print every headline number as JSON on standard output instead of the text"),
    (
        "--caps FILE",
        "your own market caps for the concentration and breadth sections: a CSV with ISO dates "
        "(YYYY-MM-DD) in the first column, one column per ticker, caps in USD; an empty cell "
        "means not in the universe on that date",
    ),
    (
        "--sections NAMES",
        "compute only these sections, comma-separated (e.g. concentration,breadth)",
    ),
    ("-q, --quiet", "print nothing on standard output (unless --json); use with --out"),
]


@pytest.mark.parametrize(("option", "words"), OPTION_HELP, ids=[o for o, _ in OPTION_HELP])
def test_report_help_explains_every_option(
    option: str, words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    _parser, rep = _subparser()
    options = rep.format_help().split("options:\n")[1].split("\n\n")[0]
    flat = " ".join(options.split())
    assert f" {option} {words} " in f" {flat} "


# --------------------------------------------------------------------------- main and _report
class _Fake:
    """Made-up report sections, one module per name, recording what each build received."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, ReportInputs | None]] = []
        for k, name in enumerate(SECTION_MODULES):
            mod = types.ModuleType(f"divergence._sections.{name}")
            mod.build = self._builder(name, k)  # type: ignore[attr-defined]
            monkeypatch.setitem(sys.modules, f"divergence._sections.{name}", mod)
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "86400")

    def _builder(self, name: str, k: int) -> Any:
        def build(inputs: ReportInputs | None = None) -> Section:
            self.calls.append((name, inputs))
            return Section(f"Fake {name}", [f"line {k}"], numbers={"k": k}, about=f"about {k}")

        return build


def _expected_text(names: Sequence[str]) -> str:
    """The text report of the made-up sections, by the documented layout."""
    parts = [f"divergence {V} report (bundled data)", "generated 1970-01-02T00:00:00Z", ""]
    for name in names:
        k = SECTION_MODULES.index(name)
        title = f"Fake {name}"
        parts += [title, "=" * len(title), f"About: about {k}", "", f"line {k}", ""]
    return "\n".join(parts)


def _expected_html(name: str) -> str:
    """The HTML report of one made-up section, written out."""
    k = SECTION_MODULES.index(name)
    body = [
        f"<h1>divergence {V} report</h1>",
        '<p class="meta">Data: bundled data · generated 1970-01-02T00:00:00Z</p>',
        '<nav id="contents" aria-label="Contents"><strong>Contents</strong><ol>',
        f'<li><a href="#fake-{name}">Fake {name}</a></li>',
        "</ol></nav>",
        f'<section id="fake-{name}">',
        f"<h2>Fake {name}</h2>",
        f'<p class="about">about {k}</p>',
        f"<pre>line {k}</pre>",
        "</section>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>divergence {V} report</title><style>{report._CSS}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def test_build_sections_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = _Fake(monkeypatch)
    inputs = ReportInputs()
    got = report.build_sections(["risk", "concentration"], inputs)
    assert [s.title for s in got] == ["Fake risk", "Fake concentration"]
    assert fake.calls == [("risk", inputs), ("concentration", inputs)]
    fake.calls.clear()
    assert [s.title for s in report.build_sections()] == [f"Fake {n}" for n in SECTION_MODULES]
    assert fake.calls == [(n, None) for n in SECTION_MODULES]


def test_main_text_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _Fake(monkeypatch)
    assert report.main(["report", "--sections", "risk,breadth"]) == 0
    out, err = capsys.readouterr()
    assert out == _expected_text(["breadth", "risk"])
    assert out.startswith(f"divergence {V} report (bundled data)\ngenerated 1970-01-02T00:00:00Z\n")
    assert err == ""
    assert [name for name, _ in fake.calls] == ["breadth", "risk"]
    assert all(i == ReportInputs(caps=None) for _, i in fake.calls)


def test_main_formats_on_stdout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _Fake(monkeypatch)
    assert report.main(["report", "--sections", "risk", "--format", "html"]) == 0
    assert capsys.readouterr().out == _expected_html("risk")
    assert report.main(["report", "--sections", "risk", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert list(doc["sections"]) == ["risk"] and doc["generated"] == "1970-01-02T00:00:00Z"
    assert doc["sections"]["risk"] == {
        "title": "Fake risk",
        "about": "about 7",
        "numbers": {"k": 7},
    }
    assert report.main(["report", "--sections", "risk", "--json", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == doc
    assert report.main(["report", "--sections", "risk", "--format", "json", "-q"]) == 0
    assert capsys.readouterr().out == ""
    assert report.main(["report", "--sections", "risk", "--json", "-q"]) == 0  # --json wins
    assert json.loads(capsys.readouterr().out) == doc


def test_main_writes_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _Fake(monkeypatch)
    text = _expected_text(["risk"])
    assert text.endswith("line 7\n")  # one newline at the end: stdout prints it unchanged
    out = tmp_path / "new" / "deeper"
    assert report.main(["report", "--sections", "risk", "--out", str(out)]) == 0
    o, e = capsys.readouterr()
    assert o == text
    assert e == f"wrote {out / 'report.txt'} and {out / 'report.html'}\n"
    assert (out / "report.txt").read_text(encoding="utf-8") == text
    html_page = _expected_html("risk")
    assert (out / "report.html").read_text(encoding="utf-8") == html_page
    # one JSON file, nothing on stdout with -q; --json still prints while --out writes text
    target = tmp_path / "a" / "n.json"
    assert report.main(["report", "--sections", "risk", "--out", str(target), "-q"]) == 0
    o, e = capsys.readouterr()
    assert o == "" and e == f"wrote {target}\n"
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["sections"]["risk"]["numbers"] == {"k": 7}
    page = tmp_path / "p.txt"
    assert report.main(["report", "--sections", "risk", "--out", str(page), "--json"]) == 0
    o, e = capsys.readouterr()
    assert json.loads(o)["sections"]["risk"]["title"] == "Fake risk"
    assert page.read_text(encoding="utf-8") == text
    # --format with --out: the file's format; stdout keeps the text
    data = tmp_path / "numbers.data"
    assert (
        report.main(["report", "--sections", "risk", "--out", str(data), "--format", "html"]) == 0
    )
    o, e = capsys.readouterr()
    assert o == text
    assert data.read_text(encoding="utf-8") == html_page
    # --force overwrites
    force = ["report", "--sections", "risk", "--out", str(data), "--format", "text"]
    assert report.main(force) == 2
    assert data.read_text(encoding="utf-8") == html_page
    assert report.main([*force, "--force"]) == 0
    assert data.read_text(encoding="utf-8") == text


def test_main_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _Fake(monkeypatch)
    pre = "divergence report: error: "
    assert report.main(["report", "--json", "--format", "html"]) == 2
    assert capsys.readouterr() == (
        "",
        pre + "--json and --format html both choose the standard output\n",
    )
    caps = _caps(tmp_path, "date,A\n2024-01-31,1\n")
    assert report.main(["report", "--caps", str(caps), "--sections", "risk,cost"]) == 2
    assert capsys.readouterr().err == (
        pre
        + "--caps is read by the concentration and breadth sections; --sections selects neither\n"
    )
    bad = _caps(tmp_path, "date,A\n2024-01-31,x\n", name="bad.csv")
    assert report.main(["report", "--caps", str(bad)]) == 2
    assert capsys.readouterr().err == (
        pre + f"--caps {bad}: line 2, column 'A': 'x' is not a number (give market caps in USD, "
        "e.g. 2.5e12, without thousands separators)\n"
    )
    assert report.main(["report", "--sections", "nope"]) == 2
    assert capsys.readouterr().err.startswith(pre + "--sections: unknown section 'nope'")
    assert fake.calls == []
    # --json with an --out file may name another format for the file
    target = tmp_path / "r.html"
    assert (
        report.main(
            ["report", "--sections", "risk", "--json", "--format", "html", "--out", str(target)]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out)["sections"]["risk"]["title"] == "Fake risk"
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_main_with_caps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _Fake(monkeypatch)
    caps = _caps(tmp_path, "date,A,B\n2024-01-31,1,2\n2024-02-29,3,\n")
    assert report.main(["report", "--caps", str(caps), "--sections", "breadth,risk"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        f"divergence {V} report (bundled data; market caps from {caps} (2 dates × 2 tickers, "
        "2024-01-31 to 2024-02-29) for the concentration and breadth sections)\n"
    )
    (n1, i1), (n2, i2) = fake.calls
    assert (n1, n2) == ("breadth", "risk") and i1 is i2 and i1 is not None
    assert i1.caps is not None
    np.testing.assert_array_equal(i1.caps.to_numpy(), [[1.0, 2.0], [3.0, np.nan]])
    assert report.main(["report", "--caps", str(caps), "--sections", "breadth", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["data"]["caps"]["file"] == str(caps) and doc["data"]["caps"]["dates"] == 2


def test_section_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(inputs: ReportInputs | None = None) -> Section:
        raise InputError("needs 20 names")

    mod = types.ModuleType("divergence._sections.breadth")
    mod.build = refuse  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "divergence._sections.breadth", mod)
    caps = _caps(tmp_path, "date,A\n2024-01-31,1\n")
    assert report.main(["report", "--caps", str(caps), "--sections", "breadth"]) == 2
    assert capsys.readouterr() == ("", f"divergence report: error: --caps {caps}: needs 20 names\n")
    with pytest.raises(InputError, match=r"^needs 20 names$"):
        report.main(["report", "--sections", "breadth"])


def test_the_report_is_stamped_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _Fake(monkeypatch)
    stamps = iter([dt.datetime(2001, 1, 1, tzinfo=dt.UTC), dt.datetime(2002, 2, 2, tzinfo=dt.UTC)])
    monkeypatch.setattr(report, "_now", lambda: next(stamps))
    assert report.main(["report", "--sections", "risk", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["generated"] == "2001-01-01T00:00:00Z"


def test_html_report_names_the_caps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _Fake(monkeypatch)
    caps = _caps(tmp_path, "date,A\n2024-01-31,1\n")
    assert (
        report.main(["report", "--caps", str(caps), "--sections", "breadth", "--format", "html"])
        == 0
    )
    note = (
        f"Data: bundled data; market caps from {caps} (1 dates × 1 tickers, 2024-01-31 to "
        "2024-01-31) for the concentration and breadth sections · generated 1970-01-02T00:00:00Z"
    )
    assert f'<p class="meta">{note}</p>' in capsys.readouterr().out


@pytest.mark.parametrize("last", ["ends in X", "ends in spaces  ", "ends\n\n"])
def test_stdout_ends_in_one_newline(
    last: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    mod = types.ModuleType("divergence._sections.risk")
    mod.build = lambda inputs=None: Section("R", [last])  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "divergence._sections.risk", mod)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert report.main(["report", "--sections", "risk"]) == 0
    out = capsys.readouterr().out
    # render_text ends every section with an empty line; stdout drops the trailing newlines
    # and ends in exactly one
    assert out.endswith("R\n=\n" + last.rstrip("\n") + "\n")


def test_no_command_prints_help(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    assert report.main([]) == 0
    out, err = capsys.readouterr()
    assert out == report._parser().format_help() and err == ""
    monkeypatch.setattr(sys, "argv", ["divergence"])
    assert report.main() == 0
    assert capsys.readouterr().out.startswith("usage: divergence ")


class _ClosedPipe(io.StringIO):
    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def write(self, s: str) -> int:
        raise BrokenPipeError

    def fileno(self) -> int:
        return self._fd


def test_broken_pipe_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _Fake(monkeypatch)
    sink = tmp_path / "sink"
    fd = os.open(sink, os.O_WRONLY | os.O_CREAT)
    try:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(fd))
        assert report.main(["report", "--sections", "risk"]) == 0
        # the fd now points at /dev/null: what is written there is dropped
        os.write(fd, b"dropped")
    finally:
        os.close(fd)
    assert sink.read_bytes() == b""
