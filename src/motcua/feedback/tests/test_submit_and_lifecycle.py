"""Issue 5 points 1–2: intake (tracking code, validation naming each field), the four classes, forwarding with new
clocks, the answer drafted by a specialist, approved by a leader and published; every change one chained event."""

import pytest

from motcua.core.chain import link_hash
from motcua.feedback import services
from motcua.feedback.models import Feedback, FeedbackEvent
from motcua.feedback.rules import CODE_PATTERN
from motcua.feedback.transitions import TransitionNotAllowed

from .factories import OTHER_AGENCY, Flow, citizen, officer, published, report, vn

pytestmark = pytest.mark.django_db


def test_a_report_gets_a_tracking_code_and_its_clocks():
    item = report(vn(2026, 3, 2, 9))  # Monday 9:00
    assert CODE_PATTERN.match(item.code) and item.code.startswith("PAKN-260302-")
    assert item.state == "received" and item.version == 1
    assert item.procedure_name == "Thủ tục thử" and item.agency.code == "H01.TTPVHCC"
    # Receipt day not counted: 2 working days → Wed 4/3 end of day; 15 → Mon 23/3.
    assert item.decision_due_at.date().isoformat() == "2026-03-04"
    assert item.answer_due_at.date().isoformat() == "2026-03-23"
    assert FeedbackEvent.objects.get(feedback=item).action == "submit"


def test_invalid_input_names_every_field_and_writes_nothing():
    with pytest.raises(services.InvalidFeedback) as error:
        services.submit({"kind": "x", "topic": "procedure", "title": "", "content": "", "name": "",
                         "email": "not-an-email", "procedure_code": "9.999999"}, at=vn(2026, 3, 2, 9))
    assert {"kind", "title", "content", "name", "email", "procedure_code"} <= set(error.value.errors)
    assert not Feedback.objects.exists()


def test_a_proposal_needs_its_solution_and_a_regulation_report_names_the_regulation():
    with pytest.raises(services.InvalidFeedback) as error:
        report(kind="proposal", proposal="")
    assert "proposal" in error.value.errors
    with pytest.raises(services.InvalidFeedback) as error:
        report(topic="regulation", procedure_code="", regulation="")
    assert "regulation" in error.value.errors


def test_the_whole_way_to_publication_and_the_chain():
    item = published()
    assert item.state == "published" and item.answer == "Đã rút ngắn thời gian tiếp nhận."
    assert item.answered_at and item.published_at and item.publish_due_at
    events = list(FeedbackEvent.objects.filter(feedback=item).order_by("seq"))
    assert [e.action for e in events] == ["submit", "classify", "draft_answer", "approve", "publish"]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    prev = ""
    for event in events:
        assert event.prev_hash == prev and event.hash == link_hash(prev, event.chain_content())
        prev = event.hash


def test_only_a_leader_approves_and_only_officers_of_the_agency_act():
    item = report()
    flow = Flow(item)
    flow("classify", "desk_officer", vn(2026, 3, 3, 9), classification="in_competence")
    flow("draft_answer", "specialist", vn(2026, 3, 4, 9), answer="Trả lời")
    with pytest.raises(TransitionNotAllowed):
        services.act(item.code, "approve", actor=flow.users["specialist"], role="specialist", at=vn(2026, 3, 4, 10))
    stranger = officer("leader-btp", "leader", OTHER_AGENCY)
    with pytest.raises(services.ActorNotAllowed):
        services.act(item.code, "approve", actor=stranger, role="leader", at=vn(2026, 3, 4, 10))
    flow("return_draft", "leader", vn(2026, 3, 4, 11), reason="Cần nêu rõ căn cứ pháp lý")
    assert Feedback.objects.get(pk=item.pk).state == "handling"


def test_forwarding_moves_the_item_and_restarts_the_answer_clock():
    item = report(vn(2026, 3, 2, 9))
    flow = Flow(item)
    flow("forward", "desk_officer", vn(2026, 3, 5, 9), agency_code=OTHER_AGENCY, note="Thuộc thẩm quyền Bộ Tư pháp")
    item = Feedback.objects.get(pk=item.pk)
    assert item.agency.code == OTHER_AGENCY and item.received_by.code == "H01.TTPVHCC"
    assert item.classification == "outside_competence" and item.forward_count == 1 and item.state == "received"
    assert item.answer_due_at.date().isoformat() == "2026-03-26"  # 15 working days from Thu 5/3
    # The first agency can no longer act; the new one can.
    with pytest.raises(services.ActorNotAllowed):
        flow("classify", "desk_officer", vn(2026, 3, 6, 9), classification="in_competence")
    Flow(item, OTHER_AGENCY)("classify", "desk_officer", vn(2026, 3, 6, 9), classification="in_competence")


def test_a_complaint_is_refused_with_the_legal_redirect_and_kept():
    item = report(title="Đơn khiếu nại", content="Tôi khiếu nại quyết định xử phạt của phường đối với gia đình tôi.")
    assert FeedbackEvent.objects.get(feedback=item).data["redirect_hint"] == "complaint"
    Flow(item)("refuse", "desk_officer", vn(2026, 3, 3, 9), ground="complaint")
    item = Feedback.objects.get(pk=item.pk)
    assert item.state == "refused" and item.classification == "not_accepted"
    assert "Luật Khiếu nại" in item.refusal_reason


def test_supplement_request_and_answer_restart_the_clock():
    user = citizen()
    item = report(vn(2026, 3, 2, 9), actor=user)
    Flow(item)("request_supplement", "desk_officer", vn(2026, 3, 3, 9), note="Ghi rõ ngày nộp hồ sơ")
    item = services.act(item.code, "submit_supplement", actor=user, role="applicant", at=vn(2026, 3, 9, 9),
                        text="Tôi nộp ngày 20/2/2026")
    assert item.state == "received" and "[Bổ sung 09/03/2026] Tôi nộp ngày 20/2/2026" in item.content
    assert item.answer_due_at.date().isoformat() == "2026-03-30"


def test_stale_version_is_refused():
    item = report()
    Flow(item)("classify", "desk_officer", vn(2026, 3, 3, 9), classification="in_competence")
    with pytest.raises(services.VersionConflict):
        services.act(item.code, "draft_answer", actor=officer("specialist-H01.TTPVHCC", "specialist"),
                     role="specialist", expected_version=1, at=vn(2026, 3, 4, 9), answer="x")


def test_events_cannot_be_changed_or_deleted():
    item = report()
    event = FeedbackEvent.objects.get(feedback=item)
    from motcua.feedback.models import AppendOnlyError

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        FeedbackEvent.objects.filter(feedback=item).delete()
