"""The ``divergence`` command line, through its real entry points.

Most tests run ``python -m divergence ...`` in a subprocess; the ones marked by the ``entry``
fixture also run the installed ``divergence`` console script (found next to ``sys.executable``;
``make venv`` installs it, and the tests skip, saying so, when it is absent). They compute only
the concentration section (``--sections concentration``, about a second) so the suite stays
fast; the full report runs once, in ``test_report_browser.py``. The tests that must show that
nothing was computed call :func:`divergence.report.main` in-process with ``build_sections``
replaced by a function that fails the test if it is ever called.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import divergence as dv
from divergence import report
from divergence._sections import SECTION_MODULES, ReportInputs, Section

SCRIPT = Path(sys.executable).with_name("divergence")
ROOT = Path(__file__).resolve().parents[1]
ONE = ("--sections", "concentration")  # the cheapest section that reads --caps


def _command(entry: str) -> list[str]:
    return [sys.executable, "-m", "divergence"] if entry == "module" else [str(SCRIPT)]


@pytest.fixture(
    params=[
        "module",
        pytest.param(
            "script",
            marks=pytest.mark.skipif(
                not SCRIPT.exists(),
                reason=f"console script not installed at {SCRIPT} "
                "(pip install -e . or make venv installs it)",
            ),
        ),
    ]
)
def entry(request: pytest.FixtureRequest) -> str:
    """``python -m divergence`` and the ``divergence`` console script."""
    return str(request.param)


def run(
    *args: str, cwd: Path, entry: str = "module", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_command(entry), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "MPLBACKEND": "Agg", **(env or {})},
        timeout=300,
        check=False,
    )


def one_line_error(proc: subprocess.CompletedProcess[str]) -> str:
    """Exit status 2, nothing on stdout, one line on stderr, no traceback."""
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("divergence report: error: ")
    return lines[0]


def is_self_contained(html: str) -> bool:
    """Every src/href is a data: URI or a link to an id on the page; no url() in CSS."""
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    local = all(r.startswith("data:") or (r.startswith("#") and r[1:] in ids) for r in refs)
    return local and "url(" not in html and "<link" not in html and "@import" not in html


# ------------------------------------------------------------------------- program level
def test_version(entry: str, tmp_path: Path) -> None:
    proc = run("--version", cwd=tmp_path, entry=entry)
    assert proc.returncode == 0
    assert proc.stdout == f"divergence {dv.__version__}\n"


def test_no_command_prints_help_and_exits_0(entry: str, tmp_path: Path) -> None:
    proc = run(cwd=tmp_path, entry=entry)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: divergence")
    assert "report" in proc.stdout and "--version" in proc.stdout


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("report", "--nope", cwd=tmp_path)
    assert proc.returncode == 2
    assert "unrecognized arguments: --nope" in proc.stderr and "Traceback" not in proc.stderr


def test_every_option_is_documented() -> None:
    """docs/cli.rst names every option of ``divergence`` and ``divergence report``."""
    parser = report._parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    report_parser = sub.choices["report"]  # type: ignore[index]
    options = {
        opt
        for p in (parser, report_parser)
        for action in p._actions
        for opt in action.option_strings
        if opt not in ("-h", "--help")
    }
    assert {"--version", "--out", "--format", "--force", "--json", "--caps", "--sections"} <= (
        options
    )
    page = (ROOT / "docs" / "cli.rst").read_text(encoding="utf-8")
    missing = sorted(opt for opt in options if f"``{opt}" not in page)
    assert not missing, f"docs/cli.rst does not document {missing}"
    for name in SECTION_MODULES:
        assert name in page


# ------------------------------------------------------------------------- --out and --format
@pytest.mark.parametrize("suffix", [".txt", ".html", ".json"])
def test_out_file_format_from_suffix(suffix: str, tmp_path: Path) -> None:
    target = tmp_path / "sub" / f"myreport{suffix}"
    proc = run("report", *ONE, "--out", str(target), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert target.is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
    assert proc.stdout.startswith(f"divergence {dv.__version__} report")  # text on stdout
    assert proc.stderr.strip() == f"wrote {target}"
    body = target.read_text(encoding="utf-8")
    if suffix == ".txt":
        assert body.startswith("divergence ") and "Concentration\n=============" in body
    elif suffix == ".html":
        assert body.startswith("<!DOCTYPE html>") and '<section id="concentration">' in body
        assert "data:image/png;base64," in body and is_self_contained(body)
    else:
        doc = json.loads(body)
        assert list(doc["sections"]) == ["concentration"]


def test_out_html_with_the_console_script(entry: str, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    proc = run("report", *ONE, "--out", str(target), "--quiet", cwd=tmp_path, entry=entry)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_out_directory(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = run("report", *ONE, "--out", str(out), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.txt"]
    assert (out / "report.txt").read_text(encoding="utf-8") == proc.stdout
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_format_overrides_the_suffix(tmp_path: Path) -> None:
    odd = tmp_path / "numbers.data"  # no known suffix: a directory without --format
    proc = run("report", *ONE, "--out", str(odd), "--format", "json", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert odd.is_file() and "concentration" in json.loads(odd.read_text("utf-8"))["sections"]
    html_in_txt = tmp_path / "page.txt"
    proc = run("report", *ONE, "--out", str(html_in_txt), "--format", "html", "-q", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert html_in_txt.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_format_without_out_sets_stdout(tmp_path: Path) -> None:
    proc = run("report", *ONE, "--format", "html", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("<!DOCTYPE html>") and is_self_contained(proc.stdout)
    assert list(tmp_path.iterdir()) == []


def test_json_and_a_different_stdout_format_conflict(tmp_path: Path) -> None:
    msg = one_line_error(run("report", *ONE, "--json", "--format", "text", cwd=tmp_path))
    assert "--json and --format text" in msg


# ------------------------------------------------------------------------- overwriting
def _never_compute(*args: object, **kwargs: object) -> list[Section]:
    raise AssertionError("build_sections was called: the refusal came after computing")


@pytest.mark.parametrize("name", ["report.html", "report.txt", "report.json"])
def test_refuses_an_existing_file_before_computing(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / name
    target.write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(report, "build_sections", _never_compute)
    # even a --caps file that does not exist is not looked at: the output is checked first
    assert report.main(["report", "--out", str(target), "--caps", str(tmp_path / "no.csv")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"divergence report: error: --out {target}: file exists; add --force to " + (
        "overwrite it\n"
    )
    assert target.read_text(encoding="utf-8") == "keep me"


def test_refuses_an_existing_report_directory_before_computing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "report.html").write_text("keep me", encoding="utf-8")
    monkeypatch.setattr(report, "build_sections", _never_compute)
    assert report.main(["report", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "already holds report.html; add --force" in err and err.count("\n") == 1
    assert not (tmp_path / "report.txt").exists()


def test_refusal_through_the_entry_point(entry: str, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    target.write_text("keep me", encoding="utf-8")
    msg = one_line_error(run("report", "--out", str(target), cwd=tmp_path, entry=entry))
    assert msg.endswith("file exists; add --force to overwrite it")
    assert target.read_text(encoding="utf-8") == "keep me"


def test_force_overwrites(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old", encoding="utf-8")
    proc = run("report", *ONE, "--out", str(target), "--force", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert target.read_text(encoding="utf-8") == proc.stdout


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_never_replaces_a_directory_by_a_file_or_back(
    force: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report, "build_sections", _never_compute)
    (tmp_path / "x.html").mkdir()
    (tmp_path / "plain").write_text("a file", encoding="utf-8")
    assert report.main(["report", "--out", str(tmp_path / "x.html"), *force]) == 2
    assert report.main(["report", "--out", str(tmp_path / "plain"), *force]) == 2
    assert (tmp_path / "x.html").is_dir() and (tmp_path / "plain").is_file()


# ------------------------------------------------------------------------- --sections
def test_sections_subset_in_report_order(tmp_path: Path) -> None:
    proc = run("report", "--sections", "risk, concentration", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    titles = re.findall(r"^(.+)\n=+$", proc.stdout, flags=re.MULTILINE)
    assert len(titles) == 2 and titles[0] == "Concentration" and "risk" in titles[1].lower()


@pytest.mark.parametrize("spec", ["nope", "concentration,nope", ","])
def test_unknown_sections_are_refused(
    spec: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(report, "build_sections", _never_compute)
    assert report.main(["report", "--sections", spec]) == 2
    err = capsys.readouterr().err
    assert err.startswith("divergence report: error: --sections: ")
    assert ",".join(SECTION_MODULES) in err


# ------------------------------------------------------------------------- --json
def _strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def test_json_on_stdout(entry: str, tmp_path: Path) -> None:
    proc = run(
        "report",
        "--json",
        "--sections",
        "concentration,risk",
        cwd=tmp_path,
        entry=entry,
        env={"SOURCE_DATE_EPOCH": "1000000000"},
    )
    assert proc.returncode == 0, proc.stderr
    doc = _strict_json(proc.stdout)
    assert set(doc) == {"version", "generated", "sections", "data"}
    assert doc["version"] == dv.__version__
    # 1e9 seconds after the Unix epoch is 2001-09-09 01:46:40 UTC
    assert doc["generated"] == "2001-09-09T01:46:40Z"
    assert list(doc["sections"]) == ["concentration", "risk"]
    for key, sec in doc["sections"].items():
        assert set(sec) == {"title", "about", "numbers"}, key
        assert isinstance(sec["title"], str) and sec["title"]
        assert isinstance(sec["numbers"], dict)
        for value in sec["numbers"].values():
            assert value is None or isinstance(value, str | int | float | bool | list | dict)
    assert doc["data"]["caps"] is None
    keys = {d["key"] for d in doc["data"]["bundled"]}
    assert {"sp500_market_caps", "sp500_prices"} <= keys
    assert all(d["source"] and d["license"] for d in doc["data"]["bundled"])


def test_json_converts_numpy_nan_and_timestamps() -> None:
    sec = Section(
        "Odd numbers",
        numbers={
            "f64": np.float64(0.25),
            "i64": np.int64(7),
            "b": np.bool_(True),
            "nan": float("nan"),
            "np_nan": np.float64("nan"),
            "inf": float("-inf"),
            "none": None,
            "s": "x",
            "ts": pd.Timestamp("2024-01-31"),
            "ts_time": pd.Timestamp("2024-01-31 15:30", tz="UTC"),
            "dt64": np.datetime64("2024-02-29"),
            "nat": pd.NaT,
            "td": pd.Timedelta(days=1),
            "arr": np.array([1.5, np.nan]),
        },
        about="made-up values",
    )
    when = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    doc = _strict_json(report.render_json([sec], keys=["odd"], generated=when))
    assert doc["generated"] == "2026-01-02T03:04:05Z"
    assert doc["sections"]["odd"] == {
        "title": "Odd numbers",
        "about": "made-up values",
        "numbers": {
            "f64": 0.25,
            "i64": 7,
            "b": True,
            "nan": None,
            "np_nan": None,
            "inf": None,
            "none": None,
            "s": "x",
            "ts": "2024-01-31",
            "ts_time": "2024-01-31T15:30:00Z",
            "dt64": "2024-02-29",
            "nat": None,
            "td": "P1DT0H0M0S",
            "arr": [1.5, None],
        },
    }
    assert type(doc["sections"]["odd"]["numbers"]["i64"]) is int


# ------------------------------------------------------------------------- --caps
TICKERS = [f"T{i:02d}" for i in range(1, 13)]


def write_caps(path: Path) -> pd.DataFrame:
    """Three month-ends × 12 tickers; on the last date caps are proportional to 1, ..., 12.

    Closed forms for the last date (weights w_i = i / 78, since 1 + ... + 12 = 78):
    HHI = sum(i^2) / 78^2 = 650 / 6084; effective N = 1 / HHI = 6084 / 650 = 9.36;
    top-10 share = (78 - 1 - 2) / 78 = 75 / 78.
    """
    dates = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-28"], name="date")
    last = np.arange(1, 13, dtype=np.float64) * 1e11
    values = np.vstack([last[::-1], last * 0.9, last])
    values[0, 3] = np.nan  # T04 not in the universe on the first date
    frame = pd.DataFrame(values, index=dates, columns=pd.Index(TICKERS, dtype=object))
    rows = [",".join(["date", *TICKERS])]
    for date, row in zip(dates, values, strict=True):
        cells = ["" if np.isnan(v) else f"{v:.17g}" for v in row]
        rows.append(",".join([str(date.date()), *cells]))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return frame


def test_read_caps_reads_what_was_written(tmp_path: Path) -> None:
    expected = write_caps(tmp_path / "caps.csv")
    got = report.read_caps(tmp_path / "caps.csv")
    pd.testing.assert_frame_equal(got, expected)
    # the same public calls on the file and on the frame agree (nothing lost on the way)
    last = got.iloc[-1]
    assert dv.concentration.hhi(last) == pytest.approx(650 / 6084, rel=1e-12)
    assert dv.concentration.effective_n(last) == pytest.approx(6084 / 650, rel=1e-12)


def test_caps_reach_the_sections(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--caps FILE -> read_caps -> ReportInputs(caps=...) -> build_sections -> --json."""
    expected = write_caps(tmp_path / "caps.csv")
    seen: list[tuple[list[str], ReportInputs | None]] = []

    def fake_build(names: Sequence[str], inputs: ReportInputs | None = None) -> list[Section]:
        seen.append((list(names), inputs))
        assert inputs is not None and inputs.caps is not None
        prof = dv.concentration.concentration_profile(inputs.caps, top_k=10)
        last = prof.iloc[-1]
        numbers: dict[str, float | int | str | None] = {
            "hhi": last["hhi"],
            "effective_n": last["effective_n"],
            "top_k_share": last["top_k_share"],
        }
        return [Section("Concentration", ["from the user's caps"], numbers=numbers)]

    monkeypatch.setattr(report, "build_sections", fake_build)
    csv = str(tmp_path / "caps.csv")
    assert report.main(["report", "--json", "--caps", csv, "--sections", "concentration"]) == 0
    (names, inputs), *more = seen
    assert not more and names == ["concentration"]
    assert inputs is not None and inputs.caps is not None
    pd.testing.assert_frame_equal(inputs.caps, expected)
    doc = _strict_json(capsys.readouterr().out)
    numbers = doc["sections"]["concentration"]["numbers"]
    # closed forms of write_caps' last row (see its docstring)
    assert numbers["hhi"] == pytest.approx(650 / 6084, rel=1e-12)
    assert numbers["effective_n"] == pytest.approx(9.36, rel=1e-12)
    assert numbers["top_k_share"] == pytest.approx(75 / 78, rel=1e-12)
    assert doc["data"]["caps"] == {
        "file": csv,
        "dates": 3,
        "tickers": 12,
        "first": "2024-01-31",
        "last": "2024-03-28",
        "used_by": ["concentration", "breadth"],
    }


def test_caps_through_the_entry_point(entry: str, tmp_path: Path) -> None:
    """The real concentration section on the user's caps, against closed forms.

    Until the concentration section reads ``inputs.caps`` (issue 21), its numbers do not
    change with --caps; the test then checks only that the run succeeds and says so.
    """
    write_caps(tmp_path / "caps.csv")
    proc = run("report", "--json", *ONE, "--caps", "caps.csv", cwd=tmp_path, entry=entry)
    assert proc.returncode == 0, proc.stderr
    doc = _strict_json(proc.stdout)
    assert doc["data"]["caps"]["file"] == "caps.csv"
    assert doc["data"]["caps"]["tickers"] == 12
    numbers = doc["sections"]["concentration"]["numbers"]
    bundled = _strict_json(run("report", "--json", *ONE, cwd=tmp_path).stdout)
    if numbers == bundled["sections"]["concentration"]["numbers"]:
        pytest.skip("the concentration section does not read inputs.caps yet")
    values = [v for v in numbers.values() if isinstance(v, float)]
    for closed_form in (6084 / 650, 75 / 78):  # effective N and top-10 share on 2024-03-28
        assert any(v == pytest.approx(closed_form, rel=1e-9) for v in values), closed_form


BAD_CAPS = [
    ("empty", "", "the file is empty"),
    ("no_ticker", "date\n2024-01-31\n", "has no ticker column"),
    ("header_only", "date,A,B\n", "no data rows below the header"),
    ("dup_ticker", "date,A,A\n2024-01-31,1,2\n", "ticker 'A' appears twice"),
    ("empty_ticker", "date,A,\n2024-01-31,1,2\n", "empty ticker in column 3"),
    ("ragged", "date,A,B\n2024-01-31,1,2,3\n", "line 2 has 4 fields where the header has 3"),
    (
        "day_first",
        "date,A,B\n2024-01-31,1,2\n\n31/12/2024,1,2\n",  # blank line 3: the error is on line 4
        "line 4: '31/12/2024' in the first column is not an ISO 8601 date",
    ),
    ("time_zone", "date,A,B\n2024-01-31T00:00+01:00,1,2\n", "has a time zone"),
    (
        "repeated_date",
        "date,A,B\n2024-01-31,1,2\n2024-02-29,1,2\n2024-01-31,1,2\n",
        "line 4: date 2024-01-31 repeats line 2",
    ),
    (
        "unsorted",
        "date,A,B\n2024-02-29,1,2\n2024-01-31,1,2\n",
        "line 3: date 2024-01-31 comes after 2024-02-29; sort the rows",
    ),
    (
        "thousands",
        'date,A,B\n2024-01-31,1,2\n2024-02-29,1,"1,000"\n',
        "line 3, column 'B': '1,000' is not a number",
    ),
    ("word", "date,A,B\n2024-01-31,big,2\n", "column 'A': 'big' is not a number"),
    ("negative", "date,A,B\n2024-01-31,1,-2\n", "1 negative value(s); first at row 2024-01-31"),
    ("infinite", "date,A,B\n2024-01-31,inf,2\n", "1 infinite value(s)"),
    ("all_missing", "date,A,B\n2024-01-31,,NA\n", "no valid (non-NaN) value"),
]


@pytest.mark.parametrize(("name", "text", "fragment"), BAD_CAPS, ids=[b[0] for b in BAD_CAPS])
def test_bad_caps_file(
    name: str,
    text: str,
    fragment: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(report, "build_sections", _never_compute)
    assert report.main(["report", "--caps", str(path), *ONE]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"divergence report: error: --caps {path}: ")
    assert fragment in err and err.count("\n") == 1


def test_caps_file_missing_or_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(report, "build_sections", _never_compute)
    assert report.main(["report", "--caps", str(tmp_path / "nope.csv")]) == 2
    assert f"--caps {tmp_path / 'nope.csv'}: no such file" in capsys.readouterr().err
    assert report.main(["report", "--caps", str(tmp_path)]) == 2
    assert "not a file" in capsys.readouterr().err
    (tmp_path / "bin.csv").write_bytes(b"\xff\xfe\x00\x81")
    assert report.main(["report", "--caps", str(tmp_path / "bin.csv")]) == 2
    assert "not a UTF-8 text file" in capsys.readouterr().err


def test_bad_caps_through_the_entry_point(entry: str, tmp_path: Path) -> None:
    (tmp_path / "caps.csv").write_text("date,A,B\n2024-01-31,1,-2\n", encoding="utf-8")
    msg = one_line_error(run("report", "--caps", "caps.csv", cwd=tmp_path, entry=entry))
    assert msg.startswith("divergence report: error: --caps caps.csv: caps has 1 negative")


def test_caps_need_a_section_that_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_caps(tmp_path / "caps.csv")
    monkeypatch.setattr(report, "build_sections", _never_compute)
    assert report.main(["report", "--caps", str(tmp_path / "caps.csv"), "--sections", "risk"]) == 2
    assert "--sections selects neither" in capsys.readouterr().err


def test_a_section_refusing_the_users_caps_is_a_one_line_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_caps(tmp_path / "caps.csv")

    def refuse(names: Sequence[str], inputs: ReportInputs | None = None) -> list[Section]:
        raise dv.errors.InputError("market_caps needs at least 20 names, got 12")

    monkeypatch.setattr(report, "build_sections", refuse)
    csv = str(tmp_path / "caps.csv")
    assert report.main(["report", "--caps", csv, *ONE]) == 2
    assert capsys.readouterr().err == (
        f"divergence report: error: --caps {csv}: market_caps needs at least 20 names, got 12\n"
    )
    # without --caps the same error is a bug in a section on bundled data: not hidden
    with pytest.raises(dv.errors.InputError, match="at least 20 names"):
        report.main(["report", *ONE])
