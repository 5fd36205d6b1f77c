"""The service index's clock: more than one supplement request makes a dossier late (DVCQG indicator 2.1)."""

import pytest

from motcua.dossiers.queries import deadline_view

from .factories import CALENDAR, Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_two_supplement_requests_are_late_for_the_index_even_when_on_time():
    procedure(amount=5)
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "specialist", vn(2026, 3, 2, 11), data={"missing": ["Tờ khai"]})
    flow("submit_supplement", "applicant", vn(2026, 3, 2, 14))
    assert deadline_view(flow.dossier, vn(2026, 3, 3, 9), CALENDAR).index_on_time is True
    # The second request comes after the restart; the 3 working days count from receipt, so it is still allowed —
    # as a leader's override with the reason (Decree 118/2025 Art. 16(3), 19(5): one request listing everything).
    flow("request_supplement", "leader", vn(2026, 3, 3, 9),
         data={"missing": ["Bản sao"], "override_reason": "Văn bản chuyên ngành mới yêu cầu thêm bản sao"})
    d = flow("submit_supplement", "applicant", vn(2026, 3, 3, 10))
    assert d.supplement_count == 2
    d = flow("approve", "leader", vn(2026, 3, 4, 9))
    assert deadline_view(d, vn(2026, 3, 4, 9), CALENDAR).index_on_time is False
