"""Issue 5 points 2 and 7: likely spam is flagged for review with its reasons and kept (officers can refuse it, with
the reason, and it stays); limits per account as well as per address; overdue items listed by the command."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from rest_framework.test import APIClient

from motcua.feedback.models import Feedback, FeedbackEvent

from .factories import SUBMITTER, Flow, citizen, procedure, report, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def test_spam_is_flagged_kept_and_refused_with_its_reason():
    item = report(title="Khuyến mãi", content="Vay tiền nhanh lãi suất thấp http://a.vn http://b.vn http://c.vn")
    assert item.flagged and set(item.flag_reasons) >= {"spam_words", "links"}
    duplicate = report(title="Khuyến mãi", content=item.content)
    assert "duplicate" in duplicate.flag_reasons
    Flow(item)("refuse", "desk_officer", vn(2026, 3, 3, 9), ground="spam", reason="Nội dung quảng cáo.")
    item.refresh_from_db()
    assert item.state == "refused" and item.refusal_reason == "Nội dung quảng cáo."
    assert Feedback.objects.filter(pk=item.pk).exists()  # nothing is deleted
    assert [e.action for e in FeedbackEvent.objects.filter(feedback=item)] == ["submit", "refuse"]


def test_the_limit_counts_the_account_across_addresses(settings):
    settings.MOTCUA_PAKN_SUBMIT_LIMIT = 2
    procedure()
    api = APIClient()
    api.force_authenticate(citizen())
    body = {"kind": "report", "topic": "procedure", "procedure_code": "1.000001", "agency_code": "H01.TTPVHCC",
            "title": "Chậm", "content": "Hồ sơ của tôi bị chậm ba ngày so với giấy hẹn.", **SUBMITTER}
    for i, address in enumerate(("10.0.0.1", "10.0.0.2")):
        assert api.post("/api/v1/feedback/", {**body, "title": f"Chậm {i}"}, format="json",
                        REMOTE_ADDR=address).status_code == 201
    assert api.post("/api/v1/feedback/", body, format="json", REMOTE_ADDR="10.0.0.3").status_code == 429


def test_overdue_command_lists_open_items_past_their_answer_due(capsys):
    from django.utils import timezone

    late = report(vn(2025, 1, 2, 9), title="Cũ")
    fresh = report(timezone.now(), title="Mới")
    call_command("feedback", "overdue")
    out = capsys.readouterr().out
    assert late.code in out and fresh.code not in out
