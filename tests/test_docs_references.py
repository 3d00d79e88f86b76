"""Every reference cited in a docstring appears in the docs bibliography (docs/references.bib).

A citation is matched by its first author (or organisation) and its year when it gives one, so
adding a ``.. [n]`` reference to a docstring without a bibliography entry fails this test.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIB = (ROOT / "docs" / "references.bib").read_text(encoding="utf-8")


def _fold(text: str) -> str:
    """Lower case without accents (LaTeX accent commands and Unicode marks alike)."""
    text = re.sub(r"\\[`'^\"~=.uvHc]\{?([A-Za-z])\}?", r"\1", text)  # {\`a} -> a
    text = re.sub(r"[{}\\`'\"]", "", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


BIB_PLAIN = _fold(BIB)

# Internal cross-references, not external sources.
INTERNAL = ("the divergence framework", "see :", "divergence spec", "pandas, ``rolling")


def _references() -> list[tuple[str, str]]:
    out = []
    for path in sorted((ROOT / "src" / "divergence").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^(\s*)\.\. \[\d+\] (.*)$", line)
            if not m:
                continue
            text, indent = m.group(2), len(m.group(1))
            for nxt in lines[i + 1 :]:
                if not nxt.strip() or len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                text += " " + nxt.strip()
            out.append((str(path.relative_to(ROOT)), text))
    return out


def _key_terms(text: str) -> tuple[str, str | None]:
    plain = re.sub(r"[*`\"“”]", "", text)
    words = re.findall(r"[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ&.\-]+", plain)
    skip = {"A.", "G.", "M.", "O.", "P.", "R.", "S.", "J.", "W.", "U.S.", "The"}
    first = next(w for w in words if w not in skip and len(w.strip(".")) > 1)
    # a year is four digits not followed by a decimal part (1962.89996 is a price)
    year = re.search(r"\b(1[89]\d\d|20[0-2]\d)\b(?!\.\d)", plain)
    return _fold(first.strip(".,")), year.group(1) if year else None


def test_every_docstring_reference_is_in_the_bibliography() -> None:
    missing = []
    for where, text in _references():
        if text.lower().startswith(INTERNAL):
            continue
        name, year = _key_terms(text)
        name = {"github.com": "github.com/datasets"}.get(name, name)
        ok = name in BIB_PLAIN and (year is None or year in BIB)
        if not ok:
            missing.append(f"{where}: {text[:90]}")
    assert not missing, "not in docs/references.bib:\n" + "\n".join(missing)
