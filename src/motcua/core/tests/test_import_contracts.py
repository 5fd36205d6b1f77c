"""Dependencies point one way (docs/architecture.md, "Layers"; issue 15 point 4): the import-linter contracts in
pyproject.toml hold for the code as it is, and an upward import, even one hidden inside a function, breaks them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import motcua

SRC = Path(motcua.__file__).resolve().parent.parent
CONFIG = SRC.parent / "pyproject.toml"


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()",
         "--no-cache", "--no-logo", str(CONFIG)],
        env=env, capture_output=True, text=True, timeout=300, check=False)


def test_the_packages_keep_their_layers():
    run = lint_imports(SRC)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_an_upward_import_inside_a_function_breaks_the_layers(tmp_path):
    copy = tmp_path / "src"
    shutil.copytree(SRC / "motcua", copy / "motcua", ignore=shutil.ignore_patterns("__pycache__", "static",
                                                                                   "templates", "data", "locale"))
    (copy / "motcua" / "catalog" / "sneaky.py").write_text(
        "def overlaps(version):\n"
        "    from motcua.oversight.review.services import overlaps_for_version\n\n"
        "    return overlaps_for_version(version)\n")
    run = lint_imports(copy)
    assert run.returncode != 0
    assert "motcua.catalog.sneaky -> motcua.oversight.review.services" in run.stdout
