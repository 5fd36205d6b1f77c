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

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, time

from motcua.core.calendar import TZ, Unit


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


def _day(moment: date | datetime) -> date:
    return moment.astimezone(TZ).date() if isinstance(moment, datetime) else moment


# The first instant of each rule set (00:00 Vietnam time), for choosing by an instant without converting it.
_STARTS: tuple[datetime, ...] = tuple(datetime.combine(r.effective_from, time(0), tzinfo=TZ) for r in RULE_SETS)


def rules_for(moment: date | datetime) -> OneStopRules:
    """The rule set in force on ``moment``'s date (Vietnam time). Dates before the first set get the first set."""
    if isinstance(moment, datetime):
        # Hot path (every due-time computation): compare instants, no time-zone conversion.
        return RULE_SETS[max(bisect_right(_STARTS, moment) - 1, 0)]
    for rules in reversed(RULE_SETS):
        if rules.effective_from <= moment:
            return rules
    return RULE_SETS[0]


def cutoff_moves_start(received_at: date | datetime, unit: str, setting: bool | None = None) -> bool:
    """Whether receipt after the cut-off (15:00) moves the start of a time limit of ``unit`` to the next working day.

    Received before 1/7/2025 (history: the practice under Decree 61/2018): always. From 1/7/2025 (Decree 118/2025
    Art. 17(3), 18(2)): only where the procedure's own law says so — the time limit's ``setting``
    (``catalog.Channel.cutoff_moves_start``) when given, else on for same-day ("trong ngày") limits, off otherwise.
    """
    if rules_for(received_at).cutoff_moves_limit_start:
        return True
    if setting is not None:
        return setting
    return unit == Unit.SAME_DAY


def limit_start_rule(start: datetime, unit: Unit) -> bool:
    """:func:`cutoff_moves_start` without a per-limit setting: registered as the calendar API's rule
    (``core.calendar.register_limit_start_rule``)."""
    return cutoff_moves_start(start, unit)


@dataclass(frozen=True)
class LinkedGroupRules:
    """What the law of a linked group (Decree 63/2024) requires, in force from ``effective_from`` (inclusive)."""

    key: str
    basis: str
    effective_from: date
    effective_to: date | None
    # Receipt after 15:00 counts from the next working day (Art. 7(2)).
    cutoff_moves_limit_start: bool
    # The group's limit in working days, and with verification (None: as configured in dossiers.groups).
    limit_working_days: int | None
    limit_working_days_with_verification: int | None
    # The applicant completes a supplement within this many working days, else processing stops (None: no such rule).
    supplement_completion_working_days: int | None


# The linked group birth registration + permanent residence + health-insurance card (+ identity card from 1/9/2026)
# for children under 6 (dossiers.groups "LT-KS-TT-BHYT").
BIRTH_GROUP = "LT-KS-TT-BHYT"

LINKED_GROUP_RULE_SETS: tuple[LinkedGroupRules, ...] = (
    LinkedGroupRules(
        key="nd63-2024",
        # The original Art. 7 is not held (../shared/law/decree-63-2024.md): the 15:00 rule as domain.md §4 and the
        # code applied it, the limits as configured [open]. Decree 301/2026 Art. 18(1): dossiers received before
        # 1/9/2026 keep these rules.
        basis="Decree 63/2024/NĐ-CP Art. 7 (original text not held)",
        effective_from=date(2024, 6, 10),
        effective_to=date(2026, 8, 31),
        cutoff_moves_limit_start=True,
        limit_working_days=None,
        limit_working_days_with_verification=None,
        supplement_completion_working_days=None,
    ),
    LinkedGroupRules(
        key="nd63-2024+nd301-2026",
        basis="Decree 63/2024/NĐ-CP Art. 7 as replaced by Decree 301/2026/NĐ-CP Art. 5",
        effective_from=date(2026, 9, 1),
        effective_to=None,
        # Art. 7(2): "Nếu tiếp nhận hồ sơ sau 15 giờ thì thời gian được tính bắt đầu từ ngày làm việc tiếp theo."
        cutoff_moves_limit_start=True,
        # Art. 7(2): "không quá 03 ngày làm việc … trường hợp phải xác minh thì không quá 05 ngày làm việc".
        limit_working_days=3,
        limit_working_days_with_verification=5,
        # Art. 7: "hoàn thiện hồ sơ trong 07 ngày làm việc, nếu quá thời hạn này không bổ sung thì … dừng xử lý".
        supplement_completion_working_days=7,
    ),
)


def linked_group_rules_for(moment: date | datetime) -> LinkedGroupRules:
    """The linked-group rule set in force on ``moment``'s date (the group's submission). Earlier dates get the
    first set."""
    day = _day(moment)
    for rules in reversed(LINKED_GROUP_RULE_SETS):
        if rules.effective_from <= day:
            return rules
    return LINKED_GROUP_RULE_SETS[0]
