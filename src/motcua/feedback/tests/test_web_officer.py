"""Officers on the web: the queue of their agency, an item's page (every look at the submitter's data traced), the
actions offered by role, errors shown on the form, entry of a phone call; other agencies' officers see nothing."""

import pytest
from django.core.cache import cache

from motcua.feedback.models import Feedback, PersonalDataAccess

from .factories import officer, procedure, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


def test_queue_item_and_actions(client):
    item = report(title="Đơn khiếu nại", content="Tôi khiếu nại quyết định xử phạt của phường về việc xây dựng.")
    desk = officer("desk_officer-H01.TTPVHCC", "desk_officer")
    client.force_login(desk)
    queue = client.get("/phan-anh-kien-nghi/can-bo/").content.decode()
    assert item.code in queue
    page = client.get(f"/phan-anh-kien-nghi/can-bo/{item.code}/").content.decode()
    assert "Nguyễn Văn An" in page and "0912345678" in page  # officers see the contact …
    assert PersonalDataAccess.objects.filter(feedback=item, user=desk).count() == 1  # … and it is traced
    assert "Luật Khiếu nại" in page  # the redirect hint
    for action in ("classify", "refuse", "forward", "request_supplement"):
        assert f'id="action-{action}"' in page
    assert 'id="action-approve"' not in page
    # A refusal without the ground is shown on the form, nothing changes.
    response = client.post(f"/phan-anh-kien-nghi/can-bo/{item.code}/refuse/",
                           {"role": "desk_officer", "version": "1", "refuse-ground": ""})
    assert response.status_code == 400 and Feedback.objects.get(pk=item.pk).state == "received"
    response = client.post(f"/phan-anh-kien-nghi/can-bo/{item.code}/refuse/",
                           {"role": "desk_officer", "version": "1", "refuse-ground": "complaint"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "refused" and "Luật Khiếu nại" in item.refusal_reason


def test_a_stale_form_is_refused(client):
    item = report()
    client.force_login(officer("desk_officer-H01.TTPVHCC", "desk_officer"))
    data = {"role": "desk_officer", "version": "1", "classify-classification": "in_competence"}
    assert client.post(f"/phan-anh-kien-nghi/can-bo/{item.code}/classify/", data).status_code == 302
    data = {"role": "desk_officer", "version": "1", "request_supplement-note": "Bổ sung"}
    assert client.post(f"/phan-anh-kien-nghi/can-bo/{item.code}/request_supplement/", data).status_code in (403, 409)
    assert Feedback.objects.get(pk=item.pk).state == "handling"


def test_other_agencies_and_citizens_see_nothing(client):
    item = report()
    client.force_login(officer("desk-btp", "desk_officer", "BTP"))
    assert client.get(f"/phan-anh-kien-nghi/can-bo/{item.code}/").status_code == 404
    assert item.code not in client.get("/phan-anh-kien-nghi/can-bo/").content.decode()
    response = client.post(f"/phan-anh-kien-nghi/can-bo/{item.code}/classify/",
                           {"role": "desk_officer", "classify-classification": "in_competence"})
    assert response.status_code == 403
    from motcua.feedback.tests.factories import citizen

    client.force_login(citizen())
    assert client.get("/phan-anh-kien-nghi/can-bo/").status_code == 403
    assert Feedback.objects.get(pk=item.pk).state == "received"


def test_an_officer_writes_down_a_phone_call(client):
    procedure()
    desk = officer("desk_officer-H01.TTPVHCC", "desk_officer")
    client.force_login(desk)
    assert client.get("/phan-anh-kien-nghi/can-bo/nhap/").status_code == 200
    response = client.post("/phan-anh-kien-nghi/can-bo/nhap/", {
        "channel": "phone", "kind": "report", "topic": "conduct", "agency_code": "H01.TTPVHCC",
        "title": "Cán bộ không nghe máy", "content": "Người dân gọi điện phản ánh cán bộ không trả lời điện thoại.",
        "name": "Lê Văn Cường", "phone": "0987000111", "officer_name": "Cán bộ trực"})
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert item.channel == "phone" and item.entered_by == desk and item.submitter_user is None
