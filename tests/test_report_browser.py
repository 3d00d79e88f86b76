"""The HTML report in a real browser: headless Chromium loads it, decodes every figure, lays out
every table and follows the table of contents.

The page written by ``python -m divergence report --out report.html`` is copied with a small
probe script injected at the top of ``<head>``. The probe records script and resource errors;
on ``load`` it marks each ``<img>`` with ``data-ok`` (decoded: ``complete`` and
``naturalWidth > 0``) and its decoded size, records every resource the page fetched other than
``data:`` URIs (must be none: the file is self-contained), the number of contents links and the
ones whose target id is missing, the rows, header cells and laid-out size of each ``<table>``;
then it clicks the last contents link and records the URL fragment and the scroll position.
``chromium --dump-dom`` returns the DOM after that. The test skips when no Chromium is installed
(``.ci/run`` installs the Debian package, so CI runs it).
"""

from __future__ import annotations

import base64
import html as htmllib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium not installed (apt-get install chromium); .ci/run installs it",
)

PROBE = """<script>
window.__errors = [];
window.addEventListener("error", function (e) {
  var t = e.target && e.target.tagName ? e.target.tagName + " failed to load" : e.message;
  window.__errors.push(String(t));
}, true);
window.addEventListener("load", function () {
  var body = document.body;
  var imgs = document.images;
  for (var i = 0; i < imgs.length; i++) {
    var im = imgs[i];
    im.setAttribute("data-ok", im.complete && im.naturalWidth > 0 ? "1" : "0");
    im.setAttribute("data-w", String(im.naturalWidth));
    im.setAttribute("data-h", String(im.naturalHeight));
  }
  var fetched = performance.getEntriesByType("resource").map(function (e) { return e.name; });
  body.setAttribute("data-fetched", JSON.stringify(fetched.filter(function (n) {
    return n.indexOf("data:") !== 0;
  })));
  var tables = [];
  var ts = document.querySelectorAll("table");
  for (var k = 0; k < ts.length; k++) {
    var r = ts[k].getBoundingClientRect();
    tables.push({rows: ts[k].rows.length, th: ts[k].querySelectorAll("thead th").length,
                 td: ts[k].querySelectorAll("tbody td").length,
                 w: Math.round(r.width), h: Math.round(r.height)});
  }
  body.setAttribute("data-tables", JSON.stringify(tables));
  var links = document.querySelectorAll("nav a[href^='#']");
  var missing = [];
  for (var j = 0; j < links.length; j++) {
    var id = decodeURIComponent(links[j].getAttribute("href").slice(1));
    if (!document.getElementById(id)) { missing.push(id); }
  }
  body.setAttribute("data-toc", JSON.stringify({links: links.length, missing: missing}));
  if (links.length) { links[links.length - 1].click(); }
  setTimeout(function () {
    body.setAttribute("data-jump", JSON.stringify({hash: location.hash, y: window.scrollY}));
    body.setAttribute("data-errors", JSON.stringify(window.__errors));
    body.setAttribute("data-loaded", "1");
  }, 200);
});
</script>"""

IMG = re.compile(r"<img\b[^>]*>")


def _attr(tag: str, name: str) -> str | None:
    m = re.search(rf'\s{name}="([^"]*)"', tag)
    return None if m is None else htmllib.unescape(m.group(1))


def _render(html: str, tmp_path: Path) -> str:
    """DOM of ``html`` (with the probe) after Chromium's load event."""
    page = tmp_path / "probe.html"
    page.write_text(html.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    assert CHROMIUM is not None
    out = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return out.stdout


def _png_size(src: str) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (independent of the browser)."""
    raw = base64.b64decode(src.split(",", 1)[1])
    assert raw[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", raw[16:24])
    return int(width), int(height)


def _body(dom: str) -> str:
    m = re.search(r"<body\b[^>]*>", dom)
    assert m is not None, "no <body> in the dumped DOM"
    return m.group(0)


def test_probe_flags_a_broken_figure(tmp_path: Path) -> None:
    """Negative control: the probe tells a decodable PNG from bytes that are not one."""
    import matplotlib

    matplotlib.use("Agg")
    from divergence.report import _figure_png

    good = _figure_png(lambda ax: ax.plot([0, 1], [1, 0]))
    assert good is not None
    html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>"
        f'<img alt="good" src="data:image/png;base64,{good}">'
        '<img alt="bad" src="data:image/png;base64,bm90IGEgcG5nIGF0IGFsbA==">'
        "</body></html>"
    )
    dom = _render(html, tmp_path)
    tags = {_attr(t, "alt"): t for t in IMG.findall(dom)}
    assert _attr(tags["good"], "data-ok") == "1"
    assert _attr(tags["bad"], "data-ok") == "0"
    assert "IMG failed to load" in json.loads(_attr(_body(dom), "data-errors") or "[]")


def test_probe_flags_fetches_and_dead_contents_links(tmp_path: Path) -> None:
    """Negative control: a fetched file, a contents link to no id and an unlaid table are seen."""
    import functools
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    (served / "style.css").write_text("p{color:red}", encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/style.css"
        html = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'>"
            f'<link rel="stylesheet" href="{url}"></head><body>'
            '<nav><a href="#here">here</a><a href="#nowhere">nowhere</a></nav>'
            '<section id="here"><h2>Here</h2>'
            '<table style="display:none"><thead><tr><th>a</th></tr></thead>'
            "<tbody><tr><td>1</td></tr></tbody></table></section>"
            "</body></html>"
        )
        body = _body(_render(html, tmp_path))
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert _json_attr(body, "data-fetched") == [url]
    assert _json_attr(body, "data-toc") == {"links": 2, "missing": ["nowhere"]}
    assert _json_attr(body, "data-tables") == [{"rows": 2, "th": 1, "td": 1, "w": 0, "h": 0}]
    assert _json_attr(body, "data-jump")["hash"] == "#nowhere"


def _json_attr(tag: str, name: str) -> Any:
    value = _attr(tag, name)
    assert value is not None, f"probe did not set {name}"
    return json.loads(value)


def _check_page(html: str, dom: str) -> dict[str, Any]:
    """What every report page must satisfy in the browser; returns the probe's findings."""
    body = _body(dom)
    assert _attr(body, "data-loaded") == "1", "load event did not fire"
    assert _json_attr(body, "data-errors") == []
    assert _json_attr(body, "data-fetched") == [], "the page fetched something"
    toc = _json_attr(body, "data-toc")
    assert toc["missing"] == [], "contents links without a target"
    sections = re.findall(r'<section id="([^"]+)">', html)
    assert toc["links"] == len(sections) > 0
    jump = _json_attr(body, "data-jump")
    assert jump["hash"] == f"#{sections[-1]}"
    assert jump["y"] > 0, "following the last contents link did not scroll"
    tables: list[dict[str, int]] = _json_attr(body, "data-tables")
    assert len(tables) == html.count("<table")
    for t in tables:
        assert t["rows"] >= 2 and t["th"] >= 1 and t["td"] >= 1, t
        assert t["w"] > 0 and t["h"] > 0, f"table not laid out: {t}"
    return {"tables": tables, "toc": toc}


def test_tables_and_contents_render(tmp_path: Path) -> None:
    """Made-up sections with tables: each is laid out as a real table, contents links work."""
    import numpy as np
    import pandas as pd

    from divergence._sections import Section
    from divergence.report import render_html

    frame = pd.DataFrame(
        {"share": np.linspace(0.1, 0.4, 40), "names": np.arange(40, dtype=np.int64)},
        index=pd.date_range("2020-01-31", periods=40, freq="ME", name="date"),
    )
    sections = [
        Section(f"Part {k}", [f"Sentence {k}."], tables=[(f"Table {k}", frame)], about="About.")
        for k in range(3)
    ]
    html = render_html(sections)
    found = _check_page(html, _render(html, tmp_path))
    # 40 body rows + the header row; 2 columns plus the index label in the header
    assert (
        found["tables"] == [{**t, "rows": 41, "th": 3, "td": 80} for t in found["tables"]]
        and len(found["tables"]) == 3
    )


def test_report_loads_and_every_figure_renders(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    subprocess.run(
        [sys.executable, "-m", "divergence", "report", "--out", str(page), "--quiet"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=120,
    )
    html = page.read_text(encoding="utf-8")
    # self-contained: every src/href is an embedded data: URI or a link to an id on the page
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    refs = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    assert refs and all(r.startswith("data:") or r[1:] in ids for r in refs)
    assert not re.search(r"(?i)<link|<script|url\(|@import", html)
    # every section (h2) is followed by at least one figure before the next section
    sections = re.split(r"<h2>", html)[1:]
    assert len(sections) >= 8
    for block in sections:
        title = block.split("</h2>", 1)[0]
        assert IMG.search(block), f"section {title!r} has no figure"

    dom = _render(html, tmp_path)
    _check_page(html, dom)
    served = {_attr(t, "alt"): t for t in IMG.findall(html)}
    drawn = IMG.findall(dom)
    assert len(drawn) == len(served) == html.count("<img")  # alt names are unique
    for tag in drawn:
        name = _attr(tag, "alt")
        assert _attr(tag, "data-ok") == "1", f"figure {name!r} did not decode"
        src = _attr(served[name] or "", "src")
        assert src is not None
        w, h = _png_size(src)
        assert (_attr(tag, "data-w"), _attr(tag, "data-h")) == (str(w), str(h)), name
