"""Decree 118/2025 Art. 19(5) (domain.md §3): the supplement notice goes out within 3 working days of receipt."""

import pytest

from motcua.dossiers.rules import RuleViolation, supplement_notice_deadline

from .factories import CALENDAR, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received_at", "deadline"),
    [
        (vn(2026, 3, 2, 10), vn(2026, 3, 5, 17)),  # Monday → Thursday
        (vn(2026, 3, 2, 15, 30), vn(2026, 3, 5, 17)),  # Art. 19(5) "kể từ ngày tiếp nhận": no 15:00 shift
        (vn(2025, 6, 30, 15, 30), vn(2025, 7, 4, 17)),  # before 1/7/2025 (history): after 15:00 from Tuesday
        (vn(2025, 6, 30, 10), vn(2025, 7, 3, 17)),
        (vn(2025, 7, 1, 15, 30), vn(2025, 7, 4, 17)),  # from 1/7/2025: Tuesday not counted, whatever the hour
        (vn(2025, 7, 1, 10), vn(2025, 7, 4, 17)),
        (vn(2026, 2, 13, 10), vn(2026, 2, 25, 17)),  # Friday before Tết (16–20/2) → Wednesday 25/2
    ],
)
def test_deadline_is_the_end_of_the_third_working_day(received_at, deadline):
    assert supplement_notice_deadline(CALENDAR, received_at) == deadline


def test_a_late_supplement_request_is_refused_and_nothing_is_written():
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    with pytest.raises(RuleViolation) as refused:
        flow("request_supplement", "specialist", vn(2026, 3, 5, 17, 0, 1), data={"missing": ["Tờ khai"]})
    assert refused.value.rule == "supplement_notice_late"
    flow.dossier.refresh_from_db()
    assert (flow.dossier.state, flow.dossier.version, flow.dossier.events.count()) == ("received", 2, 2)
    d = flow("request_supplement", "specialist", vn(2026, 3, 5, 17), data={"missing": ["Tờ khai"]})
    assert d.state == "supplement_requested"
