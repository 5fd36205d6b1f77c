"""Issue 15 point 2: a dossier's documents have one writer, ``services.documents.write_document`` (uploads and desk
scans through ``add_document``, registry extracts and files from the citizen's store through ``evidence.attach``).
No other application module builds or inserts ``DossierDocument`` rows; a second writer added anywhere fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import motcua

SRC = Path(motcua.__file__).resolve().parent
WRITER = SRC / "dossiers" / "services" / "documents.py"
INSERTS = {"create", "bulk_create", "get_or_create", "update_or_create"}


def _writes(tree: ast.AST) -> list[int]:
    """Lines that build a ``DossierDocument(...)`` or call ``DossierDocument.objects.<insert>(...)``."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        builds = isinstance(func, ast.Name) and func.id == "DossierDocument"
        inserts = (isinstance(func, ast.Attribute) and func.attr in INSERTS and isinstance(func.value, ast.Attribute)
                   and func.value.attr == "objects" and isinstance(func.value.value, ast.Name)
                   and func.value.value.id == "DossierDocument")
        if builds or inserts:
            lines.append(node.lineno)
    return lines


def _application_modules():
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path


def test_only_the_documents_service_writes_dossier_documents():
    writers = {str(path.relative_to(SRC)): lines for path in _application_modules()
               if (lines := _writes(ast.parse(path.read_text(encoding="utf-8"))))}
    assert list(writers) == [str(WRITER.relative_to(SRC))], writers


def test_the_check_sees_a_second_writer():
    sneaky = ast.parse("from motcua.dossiers.models import DossierDocument\n\n"
                       "def keep(d):\n    return DossierDocument.objects.create(dossier=d, name='x')\n")
    assert _writes(sneaky) == [4]
