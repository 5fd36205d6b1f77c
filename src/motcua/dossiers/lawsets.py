"""The one-stop rule sets, each in force for a window of dates (docs/law.md; domain.md §3).

A rule that the law changes is a field here, not an ``if`` in the code: :func:`rules_for` returns the rule set in force
on the date of the event the rule governs (for deadlines, supplements and apologies: the dossier's receipt; for
forms: the date the form is issued; for evaluation and the index: the period). The next amendment is one more
``OneStopRules`` entry (data) plus, where it adds a new kind of rule, a small function reading the new field.

- Before 1/7/2025: Decree 61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP, Circular 01/2018/TT-VPCP (history:
  both decrees were repealed by Decree 118/2025 Art. 40(1)).
- From 1/7/2025: Decree 118/2025/NĐ-CP, guided by Circular 03/2025/TT-VPCP.
- From 5/8/2026: Decree 118/2025 as amended by Decree 309/2026/NĐ-CP (limit of dossiers received regardless of
  administrative boundary runs from the competent authority's receipt; Ministry of Justice replaces the Government
  Office).

Pure: no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from motcua.core.calendar import TZ


@dataclass(frozen=True)
class OneStopRules:
    """What the one-stop mechanism requires, as in force from ``effective_from`` until ``effective_to`` (inclusive)."""

    key: str
    basis: str
    effective_from: date
    effective_to: date | None
    # Does receipt after the cut-off (15:00) move the start of the time limit to the next working day?
    # Before 1/7/2025 (history, Decree 61/2018 practice): yes. Decree 118/2025 Art. 18(2): no, it moves only the
    # hand-over of the paper file.
    cutoff_moves_limit_start: bool
    # Art. 19(5) Decree 118/2025: supplement notice within 3 working days of receipt.
    supplement_notice_working_days: int
    # Art. 16(3), 17(2)(a): one request listing everything at once (None: no cap, as read before 1/7/2025).
    max_supplement_requests: int | None
    # Art. 17(2)(c): online dossiers received or sent back within 8 working hours (None: no such deadline).
    online_receipt_working_hours: int | None
    # Art. 19(5): dossier closed this many days after an unanswered notice (None: no closing rule).
    closing_days_after_unanswered_notice: int | None
    # Art. 19(6): apology at least 1 day before the due date; the date moved only once.
    apology_lead_working_days: int
    max_apologies: int
    # Art. 17(3) as amended by Decree 309/2026: dossiers received regardless of boundary count from the competent
    # authority's receipt.
    limit_starts_at_competent_receipt: bool
    # Art. 28(2)(a): whose identifier the dossier code carries: "receiving" (old practice) or "competent".
    code_identifier: str
    # Which set of official forms applies: "tt01-2018" (forms 01–06) or "tt03-2025".
    forms: str
    # Which evaluation applies: "tt01-2018" (nine 0/1/2 indicators) or "nd118-ch5" (Art. 32–34).
    evaluation: str
    # Who evaluates service quality nationally (Art. 30(4)) and is the Advisory Council's standing agency.
    national_evaluator: str


RULE_SETS: tuple[OneStopRules, ...] = (
    OneStopRules(
        key="nd61-2018",
        basis=("Decree 61/2018/NĐ-CP as amended by Decree 107/2021/NĐ-CP; Circular 01/2018/TT-VPCP "
               "(history: before 1/7/2025)"),
        effective_from=date(2018, 6, 21),
        effective_to=date(2025, 6, 30),
        cutoff_moves_limit_start=True,
        supplement_notice_working_days=3,
        max_supplement_requests=None,
        online_receipt_working_hours=None,
        closing_days_after_unanswered_notice=None,
        apology_lead_working_days=1,
        max_apologies=1,
        limit_starts_at_competent_receipt=False,
        code_identifier="receiving",
        forms="tt01-2018",
        evaluation="tt01-2018",
        national_evaluator="VPCP",
    ),
    OneStopRules(
        key="nd118-2025",
        basis="Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP",
        effective_from=date(2025, 7, 1),
        effective_to=date(2026, 8, 4),
        cutoff_moves_limit_start=False,
        supplement_notice_working_days=3,
        max_supplement_requests=1,
        online_receipt_working_hours=8,
        closing_days_after_unanswered_notice=15,
        apology_lead_working_days=1,
        max_apologies=1,
        limit_starts_at_competent_receipt=False,
        code_identifier="competent",
        forms="tt03-2025",
        evaluation="nd118-ch5",
        national_evaluator="VPCP",
    ),
    OneStopRules(
        key="nd118-2025+nd309-2026",
        basis="Decree 118/2025/NĐ-CP as amended by Decree 309/2026/NĐ-CP; Circular 03/2025/TT-VPCP",
        effective_from=date(2026, 8, 5),
        effective_to=None,
        cutoff_moves_limit_start=False,
        supplement_notice_working_days=3,
        max_supplement_requests=1,
        online_receipt_working_hours=8,
        closing_days_after_unanswered_notice=15,
        apology_lead_working_days=1,
        max_apologies=1,
        limit_starts_at_competent_receipt=True,
        code_identifier="competent",
        forms="tt03-2025",
        evaluation="nd118-ch5",
        national_evaluator="BTP",
    ),
)


def rules_for(moment: date | datetime) -> OneStopRules:
    """The rule set in force on ``moment``'s date (Vietnam time). Dates before the first set get the first set."""
    day = moment.astimezone(TZ).date() if isinstance(moment, datetime) else moment
    for rules in reversed(RULE_SETS):
        if rules.effective_from <= day:
            return rules
    return RULE_SETS[0]
