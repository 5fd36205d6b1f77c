"""An internal process definition per procedure gives each step its own budget and due time."""

from decimal import Decimal

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import ProcessDefinition, ProcessStep
from motcua.dossiers.rules import DEFAULT_STEPS, plan_steps

from .factories import CALENDAR, Flow, procedure, submitted, vn


def test_the_default_process_splits_the_legal_time():
    plan = plan_steps(DEFAULT_STEPS, vn(2026, 3, 2, 10), vn(2026, 3, 9, 17), CALENDAR)
    assert [s["key"] for s in plan] == ["receive", "appraise", "approve", "return"]
    assert plan[-1]["due_at"] <= vn(2026, 3, 9, 17).isoformat()
    assert sum(s["budget_seconds"] for s in plan) <= CALENDAR.working_time_between(
        vn(2026, 3, 2, 10), vn(2026, 3, 9, 17)).total_seconds()


@pytest.mark.django_db
def test_a_defined_process_is_used_at_receipt():
    procedure(amount=2)
    definition = ProcessDefinition.objects.create(procedure=Procedure.objects.get(code="1.000001"))
    for position, (key, role, amount, unit) in enumerate([("appraise", "specialist", 6, "working_hours"),
                                                           ("approve", "leader", 1, "working_days")]):
        ProcessStep.objects.create(definition=definition, position=position, key=key, name=key, role=role,
                                   budget_amount=Decimal(amount), budget_unit=unit)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    d = flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    assert [s["key"] for s in d.steps] == ["appraise", "approve"]
    assert d.current_step == 0
    # 6 working hours from Monday 10:00 (5.5 h that day) → Tuesday 08:00; then 8 more → Wednesday 08:00.
    assert [s["due_at"] for s in d.steps] == [vn(2026, 3, 3, 8).isoformat(), vn(2026, 3, 4, 8).isoformat()]
    d = flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    d = flow("complete_step", "specialist", vn(2026, 3, 3, 8))
    assert d.events.last().step == "appraise" and d.current_step == 1
