"""Assertions the mutation run of divergence._summary showed missing.

Each test pins a behaviour that a surviving mutant changed (see
``docs/_data/mutation/_summary.json``): number formatting at its thresholds, the cut of long
reprs, and the layout of the text and HTML summaries. The expected texts are the published
example of the ``Summary`` docstring, or are built here from the documented layout rules
(labels padded to at least 18 characters, values right-aligned in at least 12, two settings to
a line, values longer than 24 characters on lines of their own, width at least 62).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from divergence._summary import Summary, _shorten, format_value, short_repr


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (np.bool_(False), "no"),
        (False, "no"),
        (np.int64(-12345), "-12,345"),
        (0, "0"),
        (1e4, "10,000"),  # the threshold itself gets separators
        (-1e4, "-10,000"),
        (9999.0, "9999"),
        (1e-4, "0.0001"),  # the threshold itself is not scientific
        (9.99e-5, "9.990e-05"),
        (-2.5e-5, "-2.500e-05"),
        (0.0, "0"),
        (float("inf"), "inf"),
        (np.float32(0.25), "0.25"),
        (Fraction(1, 3), "0.3333"),
        (None, "None"),
    ],
)
def test_format_value_thresholds(value: object, text: str) -> None:
    assert format_value(value) == text


def test_shorten_at_the_limit() -> None:
    assert _shorten("abcd", 4) == "abcd"
    assert _shorten("abcde", 4) == "abc…"


def test_short_repr_exact() -> None:
    items: dict[str, object] = {
        "name": "x" * 41,
        "labels": ("a" * 21, 2, 3.5, "d", "e", "f"),
        "few": ["p", "q"],
        "value": 0.5,
    }
    got = short_repr("R", items, "headline")
    want = (
        "R(name='" + "x" * 39 + "…', labels=('" + "a" * 19 + "…', 2, 3.5, 'd', … 2 more), "
        "few=('p', 'q'), value=0.5, headline)"
    )
    assert got == want
    assert short_repr("R", {"v": "x" * 40}) == "R(v='" + "x" * 40 + "')"
    assert short_repr("R", {"t": (1, 2, 3, 4)}) == "R(t=(1, 2, 3, 4))"
    assert short_repr("R", {}, None) == "R()"
    assert short_repr("R", {}, "") == "R()"


def test_short_repr_cut_at_300() -> None:
    exact = short_repr("N", {}, "h" * 297)  # "N(" + 297 + ")" = 300 characters: kept
    assert exact == "N(" + "h" * 297 + ")"
    long = short_repr("N", {}, "h" * 298)  # 301 characters: cut to 298 + "…)", 300 in all
    assert long == "N(" + "h" * 296 + "…)"
    assert len(long) == 300


def test_summary_docstring_example() -> None:
    s = Summary(
        "Toy run",
        [("Paths", 100), ("Seed", 7)],
        [("Result", pd.DataFrame({"mean": [0.123456]}, index=["x"]))],
    )
    want = "\n".join(
        [
            "                           Toy run",
            "=" * 62,
            "Paths:                     100  Seed:                        7",
            "=" * 62,
            "Result",
            "-" * 62,
            "     mean",
            "x  0.1235",
            "=" * 62,
        ]
    )
    assert str(s) == want and repr(s) == want and s.as_text() == want


def test_summary_layout_rules() -> None:
    long_value = "word " * 20  # 100 characters: a line of its own, wrapped
    s = Summary(
        "T",
        [
            ("A fairly long label here", 1),
            ("B", "short"),
            ("C", 2.5),
            ("Long", long_value.strip()),
        ],
        [("Tab", pd.DataFrame({"v": [1.0]}, index=["r"]))],
        notes=["first note", "second note " * 8],
    )
    lines = s.as_text().splitlines()
    kw = len("A fairly long label here") + 2  # 26 > 18
    cells = [k.ljust(kw) + v.rjust(12) for k, v in [("A fairly long label here:", "1")]]
    cells += ["B:".ljust(kw) + "short".rjust(12), "C:".ljust(kw) + "2.5".rjust(12)]
    assert lines[2] == cells[0] + "  " + cells[1]
    assert lines[3] == cells[2]
    width = max(62, len(lines[2]))
    assert lines[0] == "T".center(width).rstrip()
    assert lines[1] == "=" * width
    # the long setting is wrapped at the width, continuation lines indented by four spaces
    long_lines = [ln for ln in lines if ln.startswith(("Long:", "    word"))]
    assert long_lines[0].startswith("Long: word word")
    assert all(len(ln) <= width for ln in long_lines) and len(long_lines) >= 2
    assert all(ln.startswith("    ") for ln in long_lines[1:])
    assert " ".join(" ".join(long_lines).split()) == "Long: " + long_value.strip()
    # notes: each wrapped at the width, after the closing rule
    close = max(i for i, ln in enumerate(lines) if ln == "=" * width)
    notes = lines[close + 1 :]
    assert notes[0] == "first note"
    assert all(len(ln) <= width for ln in notes) and len(notes) >= 3
    assert " ".join(notes[1:]) == ("second note " * 8).strip()
    assert s.notes == ("first note", "second note " * 8)


def test_summary_width_follows_content_and_words() -> None:
    title = "A title longer than sixty-two characters, so it sets the width!!"
    assert len(title) == 64
    s = Summary(title, [], [])
    lines = s.as_text().splitlines()
    assert lines == [title, "=" * 64, "=" * 64]
    # a long unbreakable word in a long setting: width = its length + 4
    word = "w" * 70
    t = Summary("T", [("Key", word)], []).as_text().splitlines()
    assert t[1] == "=" * 74
    assert t[2] == "Key:"
    assert t[3] == "    " + word
    # a table wider than 62 characters widens the rules
    wide = pd.DataFrame({"c" * 70: [1.0]}, index=["r"])
    u = Summary("T", [], [("Wide", wide)]).as_text().splitlines()
    # the body is the table of formatted values (1.0 shows as 1)
    shown = pd.DataFrame({"c" * 70: ["1"]}, index=["r"])
    body_width = max(len(ln) for ln in shown.to_string().splitlines())
    assert body_width > 62
    assert u[1] == "=" * body_width
    # no short settings at all: no pair lines
    assert Summary("T", [("K", "v" * 25)], []).as_text().splitlines()[2] == "K: " + "v" * 25


def test_summary_pair_widths() -> None:
    # values longer than 12 characters widen the value column; labels shorter than 16 pad to 18
    s = Summary("T", [("a", "x" * 20), ("b", 1)], [])
    line = s.as_text().splitlines()[2]
    assert line == "a:".ljust(18) + "x" * 20 + "  " + "b:".ljust(18) + "1".rjust(20)
    # exactly 24 characters is still short
    t = Summary("T", [("a", "y" * 24)], [])
    assert t.as_text().splitlines()[2] == "a:".ljust(18) + "y" * 24


def test_summary_html() -> None:
    s = Summary(
        "T <1>",
        [("a&b", 1), ("c", "<x>"), ("d", True)],
        [("Cap <t>", pd.DataFrame({"v": [0.123456]}, index=["r"]))],
        notes=["n <1>", "n2"],
    )
    out = s._repr_html_()
    assert out == s.as_html()
    lines = out.split("\n")
    assert lines[0] == '<div class="divergence-summary">'
    assert lines[1] == '<table class="simpletable"><caption>T &lt;1&gt;</caption>'
    assert lines[2] == "<tr><th>a&amp;b:</th><td>1</td><th>c:</th><td>&lt;x&gt;</td></tr>"
    assert lines[3] == "<tr><th>d:</th><td>yes</td></tr>"
    assert lines[4] == "</table>"
    assert lines[5] == '<table class="dataframe"><caption>Cap &lt;t&gt;</caption>'
    assert "<td>0.1235</td>" in out
    assert lines[-2] == "<p>n &lt;1&gt;<br>n2</p>"
    assert lines[-1] == "</div>"
    plain = Summary("T", [], [("Tab", pd.DataFrame({"v": [1.0]}))]).as_html()
    assert "<p>" not in plain and plain.count("<caption>") == 2
    assert plain.endswith("</table>\n</div>")


def test_summary_settings_and_tables() -> None:
    table = pd.DataFrame({"v": [0.5]})
    s = Summary(3, [(1, 2), ("k", 0.5)], [(7, table)])
    assert s.title == "3"
    settings = s.settings
    assert list(settings.index) == ["1", "k"] and settings.index.name == "setting"
    assert settings.name == "value" and settings.dtype == object
    assert list(settings) == ["2", "0.5"]
    assert list(s.tables) == ["7"]
    table.iloc[0, 0] = 9.0  # the summary copied the table
    assert s.tables["7"].iloc[0, 0] == 0.5
    got = s.tables["7"]
    got.iloc[0, 0] = 8.0
    assert s.tables["7"].iloc[0, 0] == 0.5
    empty = pd.DataFrame(index=["a"])
    assert Summary._formatted(empty) is empty


def test_format_value_non_finite() -> None:
    assert format_value(float("nan")) == "nan"
    assert format_value(-float("inf")) == "-inf"
    assert format_value(float("inf")) == "inf"


def test_short_repr_five_items() -> None:
    assert short_repr("R", {"t": (1, 2, 3, 4, 5)}) == "R(t=(1, 2, 3, 4, … 1 more))"


def test_long_settings_wrap_at_62_and_all_kept() -> None:
    first = " ".join(["alpha"] * 20)  # 119 characters
    second = " ".join(["beta"] * 20)
    lines = Summary("T", [("First", first), ("Second", second)], [], notes=[first]).as_text()
    out = lines.splitlines()
    assert out[1] == "=" * 62
    assert all(len(ln) <= 62 for ln in out)
    body = " ".join(out)
    assert "First: alpha" in body and "Second: beta" in body
    # the note is wrapped at the width (62), not at textwrap's default of 70
    assert len(out[-1]) <= 62 and len([ln for ln in out if ln.startswith("alpha")]) >= 2
    # a value of exactly 24 characters is short: shown once, in the pair lines
    t = Summary("T", [("a", "y" * 24)], []).as_text().splitlines()
    assert sum("y" * 24 in ln for ln in t) == 1


def test_long_setting_keeps_hyphenated_words_whole() -> None:
    word = "-".join(["ab"] * 10)  # 29 characters
    value = "x" * 50 + " " + word
    out = Summary("T", [("K", value)], []).as_text().splitlines()
    assert out[2] == "K: " + "x" * 50
    assert out[3] == "    " + word


def test_html_escapes_table_cells() -> None:
    table = pd.DataFrame({"v": ["<b>"]}, index=["r"])
    html = Summary("T", [], [("Tab", table)]).as_html()
    assert "<td>&lt;b&gt;</td>" in html and "<b>" not in html
