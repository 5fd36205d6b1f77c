"""docs/operations.md's schedule table names every Celery beat entry of ``motcua.core.schedule`` and no other: an
operator reads there what runs when (issue 13 point 7)."""

from __future__ import annotations

import re
from pathlib import Path

from motcua.core.schedule import ENTRIES

DOC = Path(__file__).resolve().parents[4] / "docs" / "operations.md"


def test_the_schedule_table_lists_every_beat_entry():
    text = DOC.read_text(encoding="utf-8")
    table = text[text.index("| entry | command | when |"):]
    table = table[:table.index("\n\n")]
    documented = re.findall(r"^\| `([a-z0-9-]+)` \|", table, flags=re.MULTILINE)
    assert sorted(documented) == sorted(ENTRIES), "add the beat entry to docs/operations.md's schedule table"
