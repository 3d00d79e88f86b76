"""Rendering of report sections: text and HTML tables, contents, about lines (no computing).

The sections here are made up, so the tests are fast and do not depend on the numbers of the
real sections; the real report is rendered end to end in ``test_cli.py`` and, in a browser, in
``test_report_browser.py``. Expected cells follow the documented display rule: about four
significant digits for the largest value of a float column (scientific notation from 1e9),
thousands separators, a dash for a missing value.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from divergence._sections import Section
from divergence.report import render_html, render_text


def table_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "top-10 share": [0.2345, 0.3812, np.nan],
            "effective N": [95.123, 45.67, 30.1],
            "HHI": [0.0123, 0.0245, 0.03],
            "names": np.array([500, 1503, 501], dtype=np.int64),
            "cap (USD)": [4.1e13, 5.5e13, 6.0e13],
            "sector": ["Tech", "Energy", None],
        },
        index=pd.DatetimeIndex(["2012-12-27", "2020-01-31", "2026-08-20"], name="date"),
    )


# expected display of table_frame(), row by row (the rule in the module docstring)
EXPECTED_ROWS = [
    ["2012-12-27", "0.2345", "95.12", "0.01230", "500", "4.100e+13", "Tech"],
    ["2020-01-31", "0.3812", "45.67", "0.02450", "1,503", "5.500e+13", "Energy"],
    ["2026-08-20", "–", "30.10", "0.03000", "501", "6.000e+13", "–"],
]


def sections() -> list[Section]:
    return [
        Section(
            "Concentration <&> co",
            ["First sentence.", "Second sentence."],
            tables=[("Profile, three snapshots", table_frame())],
            numbers={"x": 1.0},
            about="Made-up caps; k = 10; weights from caps at the start of each period.",
        ),
        Section("Old style", ["A section with lines only."]),
        Section("Old style", ["Same title again."], tables=[("Empty", pd.DataFrame())]),
    ]


class Page(HTMLParser):
    """Collects ids, TOC links, table cells (by row) and the about paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.toc: list[str] = []
        self.rows: list[list[str]] = []
        self.abouts: list[str] = []
        self.figcaptions: list[str] = []
        self._in_nav = False
        self._cell: list[str] | None = None
        self._text: list[str] | None = None
        self._capture: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "nav":
            self._in_nav = True
        elif tag == "a" and self._in_nav:
            self.toc.append(str(a.get("href")))
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif (tag == "p" and a.get("class") == "about") or tag == "figcaption":
            self._capture, self._text = tag, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav":
            self._in_nav = False
        elif tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == self._capture and self._text is not None:
            (self.abouts if tag == "p" else self.figcaptions).append("".join(self._text))
            self._capture = self._text = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._text is not None:
            self._text.append(data)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_text_report_has_about_lines_and_aligned_tables() -> None:
    text = render_text(sections(), note="made-up data")
    lines = text.splitlines()
    assert lines[0].startswith("divergence ") and lines[0].endswith("report (made-up data)")
    assert "About: Made-up caps; k = 10; weights from caps at the start of each period." in lines
    start = lines.index("Profile, three snapshots")
    assert set(lines[start + 1]) == {"-"}
    header, index_name, *rows = lines[start + 2 : start + 7]
    words = ["top-10", "share", "effective", "N", "HHI", "names", "cap", "(USD)", "sector"]
    assert header.split() == words
    assert index_name.strip() == "date"
    assert [row.split() for row in rows] == EXPECTED_ROWS
    # aligned: every line of the block has the same width and the columns end together
    block = lines[start + 2 : start + 7]
    assert len({len(line) for line in block}) == 1
    assert "(empty table)" in lines  # a section whose table is empty still renders
    assert text.count("Old style\n=========") == 2


def test_html_tables_contents_and_about() -> None:
    html = render_html(sections(), note="made-up data")
    page = parse(html)
    # contents: one link per section, each to a unique id on the page, in order
    assert page.toc == ["#concentration-co", "#old-style", "#old-style-2"]
    assert all(href[1:] in page.ids for href in page.toc)
    assert len(page.ids) == len(set(page.ids))
    # the about line under the heading (escaped), only where a section has one
    assert page.abouts == ["Made-up caps; k = 10; weights from caps at the start of each period."]
    assert re.search(r"<h2>Concentration &lt;&amp;&gt; co</h2>\s*<p class=\"about\">", html)
    # one real HTML table (pandas' to_html), its caption, the index name in the header row
    assert html.count("<table") == 1 and 'class="dataframe report-table"' in html
    assert page.figcaptions == ["Profile, three snapshots", "Empty"]
    header, *body = page.rows
    assert header == ["date", "top-10 share", "effective N", "HHI", "names", "cap (USD)", "sector"]
    assert body == EXPECTED_ROWS
    assert "<pre>First sentence.\nSecond sentence.</pre>" in html


def test_html_is_self_contained() -> None:
    html = render_html(sections())
    refs = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    assert refs and all(r.startswith("#") for r in refs)  # no figures here: only TOC links
    assert not re.search(r"(?i)https?://|url\(|<link|<script|@import", html)


def test_lines_only_sections_render_as_before() -> None:
    sec = Section("Plain", ["one", "two"])
    text = render_text([sec])
    assert text.endswith("Plain\n=====\none\ntwo\n")
    html = render_html([sec])
    assert "<pre>one\ntwo</pre>" in html and "<table" not in html and 'class="about"' not in html
