"""The mutation records on the Reliability page add up and cover every module with code.

Each record in ``docs/_data/mutation.json`` and ``docs/_data/mutation/*.json`` is one mutmut run
(or a merge of runs) over one module. Its counts must add up, its score must follow from them,
every survivor must be listed (with a reason, or under "unclassified"), and the score must meet
the project's floor of 85%. Every source file that defines a function must have a record.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "docs" / "_data"
SRC = ROOT / "src" / "divergence"
FLOOR = 85.0
#: packages measured as one record (their files are wording, layout or dataset readers)
WHOLE_PACKAGES = ("_sections", "datasets")
GROUP = re.compile(r" \((\d+)\)$")


def _records() -> list[dict[str, Any]]:
    """Every record; a module in ``mutation/*.json`` replaces its ``mutation.json`` entry."""
    by_module: dict[str, dict[str, Any]] = {}
    files = [DATA / "mutation.json", *sorted((DATA / "mutation").glob("*.json"))]
    for path in files:
        for record in json.loads(path.read_text(encoding="utf-8")):
            by_module[record["module"]] = record
    return list(by_module.values())


RECORDS = _records()


@pytest.mark.parametrize("record", RECORDS, ids=[r["module"] for r in RECORDS])
def test_record_counts_add_up(record: dict[str, Any]) -> None:
    parts = ("killed", "survived", "timeout", "no_tests", "not_checked")
    assert sum(record[k] for k in parts) == record["mutants"]
    listed = [e["mutant"] for e in record["equivalent"]]
    assert len(listed) == len(set(listed)), "a survivor is listed twice"
    # the oldest records describe like mutants in one entry ending in "(n)" instead of naming them
    described = sum(int(m.group(1)) if (m := GROUP.search(x)) else 1 for x in listed)
    unclassified = record.get("unclassified", [])
    assert described + len(unclassified) == record["survived"] + record["no_tests"]
    assert all(e["why"].strip() for e in record["equivalent"]), "a survivor has no reason"
    checked = record["mutants"] - record["not_checked"]
    if checked == 0:
        assert record["score_final"] is None
        return
    score = round(100 * (record["killed"] + record["timeout"]) / checked, 1)
    assert record["score_final"] == score
    assert score >= FLOOR


def _module_of(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    if rel.parts[0] in WHOLE_PACKAGES:
        return rel.parts[0]
    return ".".join(rel.parts)


def test_every_module_with_code_has_a_record() -> None:
    have = {r["module"] for r in RECORDS}
    with_code = {
        _module_of(p)
        for p in SRC.rglob("*.py")
        if re.search(r"^\s*def ", p.read_text(encoding="utf-8"), flags=re.MULTILINE)
    }
    assert with_code, "no source file found"
    assert sorted(with_code - have) == []
