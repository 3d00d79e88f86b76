"""The built distribution works on its own: sdist -> wheel -> a clean venv -> ``divergence report``.

``python -m build`` makes the sdist and then the wheel *from that sdist*, so a file missing from
the sdist breaks the wheel here too. The wheel goes into a fresh virtual environment (no
``--system-site-packages``; its dependencies come from the package index through pip's cache)
and the report runs from a directory outside the source tree, with no ``PYTHONPATH``, so only the
installed copy can be imported.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import divergence

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def _run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, (
        f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-3000:]}"
        f"\n--- stderr\n{proc.stderr[-3000:]}"
    )
    return proc.stdout


def test_wheel_installs_into_a_clean_venv_and_runs_the_report(tmp_path: Path) -> None:
    pytest.importorskip("build", reason="needs the `build` package (the dev extra)")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["MPLBACKEND"] = "Agg"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(ROOT)], ROOT, env, 900)
    (wheel,) = dist.glob("divergence-*.whl")
    (sdist,) = dist.glob("divergence-*.tar.gz")
    with tarfile.open(sdist) as tar:
        members = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    # the sdist is enough to test and document the release (MANIFEST.in), without build output
    needed = {"tests/conftest.py", "tests/data/README.md", "docs/conf.py", "CHANGELOG.md"}
    assert needed <= members, f"missing from the sdist: {sorted(needed - members)}"
    assert not any(m.startswith(("docs/_build/", "docs/auto_examples/")) for m in members)

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "divergence/py.typed" in names
    data = {n for n in names if n.startswith("divergence/datasets/data/")}
    shipped = {
        f"divergence/datasets/data/{p.name}"
        for p in (ROOT / "src" / "divergence" / "datasets" / "data").iterdir()
        if p.is_file()
    }
    assert shipped <= data, f"package data missing from the wheel: {sorted(shipped - data)}"

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp_path, env, 300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / "python"
    _run([str(py), "-m", "pip", "install", "--quiet", str(wheel)], tmp_path, env, 900)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = _run(
        [str(py), "-c", "import divergence; print(divergence.__file__)"], outside, env, 120
    )
    assert Path(where.strip()).is_relative_to(venv), where  # the installed copy, not src/

    script = bindir / "divergence"
    cmd = [str(script), "report"] if script.exists() else [str(py), "-m", "divergence", "report"]
    out = _run(cmd, outside, env, 900)
    first = out.splitlines()[0]
    assert first.startswith(f"divergence {divergence.__version__}"), first
    assert "report" in first
