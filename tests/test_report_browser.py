"""The HTML report in a real browser: headless Chromium loads it and decodes every figure.

The page written by ``python -m divergence report --out DIR`` is copied with a small probe script
injected at the top of ``<head>``: it records script and resource errors, and on ``load`` marks
each ``<img>`` with ``data-ok`` (decoded: ``complete`` and ``naturalWidth > 0``) and its decoded
size. ``chromium --dump-dom`` then returns the DOM after the load event. The test skips when no
Chromium is installed (``.ci/run`` installs the Debian package, so CI runs it).
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
  var imgs = document.images;
  for (var i = 0; i < imgs.length; i++) {
    var im = imgs[i];
    im.setAttribute("data-ok", im.complete && im.naturalWidth > 0 ? "1" : "0");
    im.setAttribute("data-w", String(im.naturalWidth));
    im.setAttribute("data-h", String(im.naturalHeight));
  }
  document.body.setAttribute("data-errors", JSON.stringify(window.__errors));
  document.body.setAttribute("data-loaded", "1");
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


def test_report_loads_and_every_figure_renders(tmp_path: Path) -> None:
    out_dir = tmp_path / "report"
    subprocess.run(
        [sys.executable, "-m", "divergence", "report", "--out", str(out_dir)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=120,
    )
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    # self-contained: every src/href is an embedded data: URI (nothing to fetch)
    refs = re.findall(r'\s(?:src|href)="([^"]*)"', html)
    assert refs and all(r.startswith("data:") for r in refs)
    # every section (h2) is followed by at least one figure before the next section
    sections = re.split(r"<h2>", html)[1:]
    assert len(sections) >= 8
    for block in sections:
        title = block.split("</h2>", 1)[0]
        assert IMG.search(block), f"section {title!r} has no figure"

    dom = _render(html, tmp_path)
    body = _body(dom)
    assert _attr(body, "data-loaded") == "1", "load event did not fire"
    assert json.loads(_attr(body, "data-errors") or "null") == []
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
