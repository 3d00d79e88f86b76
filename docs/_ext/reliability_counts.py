"""Sphinx extension: the counts of the Reliability page, computed from the test definitions.

Two directives, so that no number on the page is typed by hand:

``.. reliability-counts::``
    A table of what the reliability suites cover, counted at build time from the tables the
    tests themselves are generated from (``tests/reliability_table.py`` and the test modules'
    case lists), plus the number of doctest examples in ``src/divergence``. Counting the
    definitions takes a second or two; collecting the suite with pytest would take minutes.

``.. mutation-scores::``
    A table rendered from ``docs/_data/mutation.json`` and ``docs/_data/mutation/*.json`` (lists
    of records ``module, mutants, killed, survived, timeout, no_tests, score_first, score_final,
    mutmut_version, date``; a later file's record for a module replaces an earlier one); every
    walked public module without a record is listed as "not yet measured". A record's optional
    ``equivalent`` list (``{"mutant": name, "why": reason}``) names the surviving mutants that
    cannot be killed because they do not change behaviour; they are listed under the table. An
    optional ``unclassified`` list names survivors of a continued run that nobody has read yet.

If the test modules cannot be imported (a docs-only environment without pytest or
hypothesis), the table says so instead of failing the build.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import json
import pkgutil
import re
import sys
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

DOCS = Path(__file__).resolve().parents[1]
ROOT = DOCS.parent
TESTS = ROOT / "tests"
MUTATION_JSON = DOCS / "_data" / "mutation.json"
MUTATION_DIR = DOCS / "_data" / "mutation"


def mutation_records() -> list[dict[str, Any]]:
    """All mutation records, one per module; ``mutation/*.json`` replaces ``mutation.json``."""
    files = [MUTATION_JSON] if MUTATION_JSON.exists() else []
    files += sorted(MUTATION_DIR.glob("*.json")) if MUTATION_DIR.is_dir() else []
    by_module: dict[str, dict[str, Any]] = {}
    for path in files:
        for record in json.loads(path.read_text(encoding="utf-8")):
            by_module[str(record["module"])] = record
    return list(by_module.values())


def _import_tests() -> dict[str, Any]:
    """The test modules whose definitions are counted (tests/ on sys.path, like pytest)."""
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    names = (
        "reliability_table",
        "test_reliability_inventory",
        "test_reliability_bad_inputs",
        "test_reliability_fuzz",
        "test_reliability_scalars",
        "test_input_types",
        "test_input_types_modules",
        "test_contract",
    )
    mods = {name: importlib.import_module(name) for name in names}
    # without dask the module raises pytest's Skipped, which derives from BaseException
    with contextlib.suppress(BaseException):
        mods["test_determinism"] = importlib.import_module("test_determinism")
    return mods


def _doctest_examples() -> tuple[int, int]:
    """(docstrings with examples, examples) in every module of the divergence package."""
    import divergence

    finder = doctest.DocTestFinder(exclude_empty=True)
    n_docs = n_examples = 0
    for info in pkgutil.walk_packages(divergence.__path__, "divergence."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for test in finder.find(module, module.__name__):
            if test.examples and test.name.startswith(module.__name__):
                n_docs += 1
                n_examples += len(test.examples)
    return n_docs, n_examples


def _fmt(n: int) -> str:
    return f"{n:,}"


def reliability_rows() -> list[tuple[str, str, str]]:
    """(suite, what is counted, count) rows of the coverage table."""
    m = _import_tests()
    table = m["reliability_table"]
    inventory = m["test_reliability_inventory"]
    bad = m["test_reliability_bad_inputs"]
    fuzz = m["test_reliability_fuzz"]
    scalars = m["test_reliability_scalars"]
    contract = m["test_contract"]

    public = inventory.PUBLIC
    methods = [n for n in table.ENTRIES if n.count(".") == 2]
    bad_cases = bad._cases()
    explained = 0
    for entry in table.ENTRIES.values():
        good = entry.good()
        for arg, spec in entry.arrays.items():
            for case in bad.BAD_CASES:
                if bad._not_applicable(entry, arg, spec, case, good[arg]) is not None:
                    explained += 1
    n_args = sum(len(e.arrays) for e in table.ENTRIES.values())
    frame_targets = sum(
        1 for e in table.ENTRIES.values() if e.fuzz for spec in e.arrays.values() if spec.frame_only
    )
    fuzz_targets = len(fuzz.CASES) + frame_targets
    rejected = fuzz.test_regressions_now_rejected.pytestmark[0].args[1]
    regressions = len(fuzz.REGRESSIONS) + len(rejected)
    scalar_cases = scalars._cases()
    scalar_fuzz = scalars._fuzz_params()
    n_options = len(scalar_fuzz)
    input_types = (
        len(m["test_input_types"].REDUCTIONS)
        + len(m["test_input_types"].BREADTH_SERIES)
        + len(m["test_input_types_modules"].SPECS)
    )
    n_docs, n_examples = _doctest_examples()

    rows = [
        ("Inventory", "public modules walked", _fmt(len(table.MODULES))),
        ("Inventory", "public names (functions, classes, constants)", _fmt(len(public))),
        ("Inventory", "public methods with their own entry", _fmt(len(methods))),
        ("Bad inputs", "callables in the table", _fmt(len(table.ENTRIES))),
        ("Bad inputs", "array arguments", _fmt(n_args)),
        ("Bad inputs", "bad-value categories", _fmt(len(bad.BAD_CASES))),
        ("Bad inputs", "cases run (argument × category)", _fmt(len(bad_cases))),
        ("Bad inputs", "cases not applicable, each with its reason", _fmt(explained)),
        ("Array fuzzing", "targets (function × array argument)", _fmt(fuzz_targets)),
        ("Array fuzzing", "hypothesis examples per target (default)", _fmt(fuzz.MAX_EXAMPLES)),
        (
            "Array fuzzing",
            "examples per run",
            _fmt(fuzz_targets * fuzz.MAX_EXAMPLES),
        ),
        ("Array fuzzing", "bugs it found, replayed as fixed examples", _fmt(regressions)),
        ("Scalar options", "callables with scalar options", _fmt(len(scalars.BASE))),
        ("Scalar options", "options fuzzed", _fmt(n_options)),
        ("Scalar options", "special-value cases", _fmt(len(scalar_cases))),
        (
            "Scalar options",
            "numeric-sequence cases (thresholds, quantiles, horizons, ...)",
            _fmt(len(scalars._sequence_options())),
        ),
        (
            "Scalar options",
            "hypothesis examples per run",
            _fmt(n_options * scalars.MAX_EXAMPLES),
        ),
        ("Input types", "functions run on every container type", _fmt(input_types)),
        (
            "Contract suite",
            "input variants (per argument, and on the dates of all arguments)",
            _fmt(len(contract.ARG_VARIANTS) + len(contract.INDEX_VARIANTS)),
        ),
        ("Contract suite", "time-ordered callables", _fmt(len(table.TIME_ORDERED))),
        ("Contract suite", "cells run (callable × argument × variant)", _fmt(len(contract.CELLS))),
        (
            "Contract suite",
            "cells not applicable, each with its reason",
            _fmt(len(contract.SKIPPED)),
        ),
    ]
    det = m.get("test_determinism")
    if det is not None:
        layouts = sum(len(c.layouts) for c in det.CASES.values())
        rows += [
            ("Determinism", "stochastic public functions", _fmt(len(det.CASES))),
            ("Determinism", "chunk layouts compared bit for bit", _fmt(layouts)),
        ]
    rows.append(("Doctests", "docstrings with runnable examples", _fmt(n_docs)))
    rows.append(("Doctests", "example statements", _fmt(n_examples)))
    return rows


def _list_table(header: tuple[str, ...], rows: list[tuple[str, ...]], widths: str) -> list[str]:
    lines = [".. list-table::", "   :header-rows: 1", f"   :widths: {widths}", ""]
    for row in (header, *rows):
        lines.append(f"   * - {row[0]}")
        lines.extend(f"     - {cell}" for cell in row[1:])
    return lines


class _Table(SphinxDirective):
    has_content = False

    def rst(self) -> list[str]:
        raise NotImplementedError

    def run(self) -> list[nodes.Node]:
        container = nodes.container()
        self.state.nested_parse(StringList(self.rst(), "<reliability_counts>"), 0, container)
        return container.children


class ReliabilityCounts(_Table):
    def rst(self) -> list[str]:
        try:
            rows = reliability_rows()
        except Exception as err:  # a docs-only environment
            return [f"*Counts unavailable: the test modules could not be imported ({err}).*"]
        return _list_table(("Suite", "What is counted", "Count"), rows, "20 60 20")


def _pct(value: Any) -> str:
    if value is None:
        return "—"
    v = float(value)
    return f"{100 * v if v <= 1 else v:.1f} %"


def _final(record: dict[str, Any]) -> str:
    """The final score; a partial run (mutants left unchecked) says it covers the checked ones."""
    score = _pct(record.get("score_final"))
    if record.get("not_checked") and record.get("score_final") is not None:
        return f"{score} of checked (partial)"
    return score


def _cell(value: Any) -> str:
    return "—" if value is None else (f"{value:,}" if isinstance(value, int) else str(value))


class MutationScores(_Table):
    def rst(self) -> list[str]:
        if str(TESTS) not in sys.path:
            sys.path.insert(0, str(TESTS))
        try:
            modules = list(importlib.import_module("reliability_table").MODULES)
        except Exception:
            modules = []
        records = mutation_records()
        keys = ("mutants", "killed", "survived", "timeout", "no_tests", "not_checked")
        rows = [
            (
                f"``{r['module']}``",
                *(_cell(r.get(k)) for k in keys),
                _pct(r.get("score_first")),
                _final(r),
                _cell(r.get("mutmut_version")),
                _cell(r.get("date")),
            )
            for r in records
        ]
        header = ("Module", "Mutants", "Killed", "Survived", "Timeout", "No tests",
                  "Not checked", "First run", "Final", "mutmut", "Date")  # fmt: skip
        out: list[str] = []
        if rows:
            out += _list_table(header, rows, "16 8 8 8 8 8 8 10 12 8 14")
        else:
            out.append("*No mutation run recorded yet.*")
        notes = [r for r in records if r.get("note")]
        if notes:  # partial runs and how a score was counted must be visible with the numbers
            out += ["", "Notes:", ""]
            out += [f"* ``{r['module']}``: {_plain(r['note'])}" for r in notes]
        equivalent = [r for r in records if r.get("equivalent")]
        if equivalent:  # survivors that no test can kill, each with the reason
            out += ["", "Equivalent survivors (the edit does not change behaviour):", ""]
            for r in equivalent:
                out.append(f"* ``{r['module']}``:")
                out.append("")
                out += [f"  * ``{e['mutant']}``: {_plain(e['why'])}" for e in r["equivalent"]]
                out.append("")
        pending = [r for r in records if r.get("unclassified")]
        if pending:  # survivors found after the last study of a module, not yet read
            out += ["", "Survivors not yet classified (no reason recorded yet):", ""]
            for r in pending:
                names = ", ".join(f"``{n}``" for n in r["unclassified"])
                out += [f"* ``{r['module']}`` ({len(r['unclassified'])}): {names}", ""]
        measured = {w for r in records for w in re.findall(r"\w+", str(r["module"]))}
        missing = [m for m in modules if m not in measured]
        if missing:
            out += ["", "Not yet measured: " + ", ".join(f"``{m}``" for m in missing) + "."]
        return out


def _plain(text: str) -> str:
    """Free text from a record, with reStructuredText markup characters escaped.

    Notes quote code and formulas (``|x|``, ``a*b``, ``name_``), which rST would otherwise
    read as substitutions, emphasis or references.
    """
    return re.sub(r"([\\*`|_])", r"\\\1", str(text))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("reliability-counts", ReliabilityCounts)
    app.add_directive("mutation-scores", MutationScores)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
