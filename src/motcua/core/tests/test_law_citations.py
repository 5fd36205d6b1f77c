"""Code and templates never cite a repealed instrument as the basis of a rule in force (issue 11 point 1).

The repealed instruments are read from ``docs/law.md`` ("Repealed instruments": instrument | repealed by | last day
in force). Every file under ``src/`` that is code or a template (``.py``, ``.html``, ``.txt``, ``.css``, ``.js``) is
scanned, except ``tests/`` (fixtures quote regulations as data), ``migrations/`` (history by nature) and ``locale/``
(catalogues mirror the templates). A line naming a repealed instrument by its number (``61/2018``) is allowed only
when its *block* — the run of non-blank lines around it, at most six either side — says the rule applies before the
repeal: the word ``history`` / ``lịch sử``, or ``before D/M/YYYY`` / ``trước D/M/YYYY`` with D/M/YYYY the first day
after the last day in force (e.g. ``before 1/7/2025``), or the marker ``law-citation: data`` for quoted data (the name
of a regulation a petition is about), which is not a rule motcua applies. docs/law.md documents the convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
LAW = ROOT / "docs" / "law.md"
SRC = ROOT / "src"
SUFFIXES = {".py", ".html", ".txt", ".css", ".js"}
SKIP_DIRS = {"tests", "migrations", "locale", "__pycache__"}
WINDOW = 6


@dataclass(frozen=True)
class Repealed:
    instrument: str
    number: str          # "61/2018"
    first_day_repealed: date

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\d/]){re.escape(self.number)}(?!\d)")

    def allowed(self, block: str) -> bool:
        day = self.first_day_repealed
        when = f"{day.day}/{day.month}/{day.year}"
        text = block.lower()
        return ("history" in text or "lịch sử" in text or "law-citation: data" in text
                or f"before {when}" in text or f"trước {when}" in text)


def repealed_instruments(text: str) -> list[Repealed]:
    """The rows of the "Repealed instruments" table of docs/law.md."""
    section = text.split("## Repealed instruments", 1)[1].split("\n## ", 1)[0]
    found = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not re.match(r"\d", cells[2]):
            continue
        number = re.search(r"\d+/\d{4}", cells[0])
        last = re.match(r"(\d{1,2})/(\d{1,2})/(\d{4})", cells[2])
        if number and last:
            last_day = date(int(last[3]), int(last[2]), int(last[1]))
            found.append(Repealed(cells[0], number[0], last_day + timedelta(days=1)))
    return found


def block_around(lines: list[str], index: int) -> str:
    """The non-blank lines around ``lines[index]``, at most WINDOW either side."""
    start = index
    while start > 0 and index - start < WINDOW and lines[start - 1].strip():
        start -= 1
    end = index
    while end + 1 < len(lines) and end - index < WINDOW and lines[end + 1].strip():
        end += 1
    return "\n".join(lines[start:end + 1])


def violations(text: str, repealed: list[Repealed]) -> list[tuple[int, str]]:
    lines = text.splitlines()
    found = []
    for i, line in enumerate(lines):
        for instrument in repealed:
            if instrument.pattern.search(line) and not instrument.allowed(block_around(lines, i)):
                found.append((i + 1, line.strip()))
    return found


def scanned_files() -> list[Path]:
    return sorted(p for p in SRC.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                  and not SKIP_DIRS.intersection(p.relative_to(SRC).parts))


REPEALED = repealed_instruments(LAW.read_text(encoding="utf-8"))


def test_the_register_lists_the_repealed_instruments():
    numbers = {r.number: r.first_day_repealed for r in REPEALED}
    assert numbers == {"61/2018": date(2025, 7, 1), "107/2021": date(2025, 7, 1), "01/2018": date(2025, 7, 1),
                       "42/2022": date(2026, 7, 1)}


@pytest.mark.parametrize(("case", "text", "bad"), [
    ("rule-in-force-citing-decree-61-2018", "# Decree 61/2018 Art. 19: notice within 3 days.\nX = 3\n", True),
    ("template-citing-circular-01-2018", "<h1>Thông tư 01/2018/TT-VPCP</h1>\n", True),
    ("decree-42-2022-before-1-7-2025-is-not-its-date", "# Decree 42/2022, before 1/7/2025.\n", True),
    ("history-word-in-the-same-comment", "# history: Decree 61/2018 Art. 19\nX = 3\n", False),
    ("before-the-repeal-date-in-the-block", "\"\"\"Scored as before 1/7/2025\n(Circular 01/2018 Art. 13).\"\"\"\n",
     False),
    ("vietnamese-marker", "<p>Thông tư 01/2018 (trước 1/7/2025)</p>\n", False),
    ("marker-in-another-paragraph-does-not-count", "# history\n\n# Decree 107/2021 Art. 6\n", True),
    ("quoted-data", "# law-citation: data\nREGS = (\"Nghị định 61/2018/NĐ-CP\",)\n", False),
    ("a-date-is-not-a-number", "D = '01/01/2018'\nE = '161/2018'\n", False),
])
def test_a_citation_is_judged_by_its_block(case, text, bad):
    assert bool(violations(text, REPEALED)) is bad, case


def test_code_and_templates_cite_no_repealed_instrument_as_a_rule_in_force():
    files = scanned_files()
    assert len(files) > 100
    found = [f"{path.relative_to(ROOT)}:{line}: {content}" for path in files
             for line, content in violations(path.read_text(encoding="utf-8", errors="replace"), REPEALED)]
    assert not found, ("Cited as the basis of a rule in force although repealed (docs/law.md 'Repealed "
                       "instruments'; say 'history' or 'before <date>' where it is history):\n" + "\n".join(found))
