"""The documentation works offline, and its front-page example prints what the page says.

The offline checks read the built site (``docs/_build/html``); they skip, saying why, when it has
not been built. ``make test`` builds the docs before the unit tests, so there they see a fresh
build.
"""

from __future__ import annotations

import contextlib
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "docs" / "_build" / "html"
INDEX_RST = ROOT / "docs" / "index.rst"

_REMOTE = re.compile(r"^\s*(https?:)?//", re.IGNORECASE)  # http://, https:// and //host/...
# <link rel=...> values that make a browser fetch the target (not plain navigation hints)
_LOADING_RELS = {
    "stylesheet",
    "preload",
    "prefetch",
    "modulepreload",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "manifest",
    "preconnect",
    "dns-prefetch",
}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.I)


class _Loads(HTMLParser):
    """Collect what a page makes the browser fetch: scripts, stylesheets, fonts, images,
    frames and media (``<a href>`` hyperlinks are navigation, not loads)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "link":
            rels = set(a.get("rel", "").lower().split())
            if rels & _LOADING_RELS:
                self.urls.append(a.get("href", ""))
        elif tag in {"script", "img", "iframe", "embed", "audio", "video", "source", "track"}:
            self.urls.append(a.get("src", ""))
            self.urls += [part.split()[0] for part in a.get("srcset", "").split(",") if part]
        elif tag == "object":
            self.urls.append(a.get("data", ""))
        if "style" in a:  # inline style="background: url(https://...)"
            self.urls += _CSS_URL.findall(a["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls += _CSS_URL.findall(data)


_TAG = re.compile(r"<[a-zA-Z][^<>]*>")


def _loads(html: str) -> list[str]:
    """URLs a page fetches. Parsed twice: as a document, and tag by tag, so that tags an HTML
    parser reads as text (e.g. a ``<link>`` inside a ``<style>`` block) are still seen."""
    whole = _Loads()
    whole.feed(html)
    urls = whole.urls
    for tag in _TAG.findall(html):
        single = _Loads()  # fresh: a <style> or <script> tag would swallow what follows
        single.feed(tag)
        urls += single.urls
    return urls


def _pages() -> list[Path]:
    if not (HTML / "index.html").is_file():
        pytest.skip(
            "docs are not built (docs/_build/html/index.html is missing): run `make docs` "
            "first; `make test` builds them before the unit tests"
        )
    return sorted(HTML.rglob("*.html"))


def test_built_pages_load_nothing_from_the_internet() -> None:
    offenders: list[str] = []
    for page in _pages():
        urls = _loads(page.read_text(encoding="utf-8", errors="replace"))
        offenders += [f"{page.relative_to(HTML)}: {url}" for url in urls if _REMOTE.match(url)]
    assert not offenders, "pages load remote resources:\n" + "\n".join(sorted(set(offenders)))


def test_built_stylesheets_load_nothing_from_the_internet() -> None:
    _pages()
    offenders = [
        f"{css.relative_to(HTML)}: {url}"
        for css in sorted(HTML.rglob("*.css"))
        for url in _CSS_URL.findall(css.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, "stylesheets load remote resources:\n" + "\n".join(offenders)


def test_math_uses_the_local_mathjax_copy() -> None:
    pages = _pages()
    math_pages = [p for p in pages if 'class="math' in p.read_text(encoding="utf-8")]
    assert math_pages, "no page has math: the check below would be empty"
    for page in math_pages:
        mathjax = [u for u in _loads(page.read_text(encoding="utf-8")) if "mathjax" in u.lower()]
        assert mathjax, f"{page.relative_to(HTML)} has math but loads no MathJax"
        for url in mathjax:
            assert (page.parent / url.split("?")[0]).is_file(), f"{page}: {url} is missing"
    # the fonts MathJax's CommonHTML output asks for are in the copy too
    fonts = HTML / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert len(list(fonts.glob("*.woff"))) > 10


def test_the_scanner_sees_remote_loads() -> None:
    page = (
        '<a href="https://doi.org/10.1/x">paper</a><img src="local.png">'
        '<link rel="canonical" href="https://example.org/page.html">'
        '<style scoped><link href="https://cdn.example/x.css" rel="stylesheet" /></style>'
        '<script src="//cdn.example/x.js"></script><div style="background:url(http://e/i.png)">'
    )
    remote = sorted({u for u in _loads(page) if _REMOTE.match(u)})
    assert remote == ["//cdn.example/x.js", "http://e/i.png", "https://cdn.example/x.css"]


# ---------------------------------------------------------------- front-page example
def _blocks(text: str, language: str) -> list[str]:
    """Bodies of ``.. code-block:: <language>`` directives, dedented."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == f".. code-block:: {language}":
            body: list[str] = []
            for nxt in lines[i + 1 :]:
                if nxt.strip() and not nxt.startswith("    "):
                    break
                body.append(nxt[4:])
            out.append("\n".join(body).strip("\n"))
    return out


def test_front_page_example_prints_what_the_page_shows() -> None:
    text = INDEX_RST.read_text(encoding="utf-8")
    code, shown = _blocks(text, "python")[0], _blocks(text, "text")[0]
    assert 8 <= len([ln for ln in code.splitlines() if ln.strip()]) <= 12  # about ten lines
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        exec(compile(code, str(INDEX_RST), "exec"), {"__name__": "__docs_front_page__"})
    printed = [ln.rstrip() for ln in buf.getvalue().strip("\n").splitlines()]
    assert printed == [ln.rstrip() for ln in shown.splitlines()]
