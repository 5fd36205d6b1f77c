"""Issue 11 points 4 and 7 on the pages: the queue shows and sorts by the online receipt deadline (Decree 118/2025
Art. 17(2)(c)); the applicant amends online (Art. 21(2)) and the officer sees each amendment; the second supplement
request is refused on the officer's page with the reason in Vietnamese."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers.models import Dossier
from motcua.dossiers.web import officer_views

from .factories import Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


def test_the_queue_shows_the_receipt_deadline_flags_it_when_missed_and_sorts_by_it(client, monkeypatch):
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 10, 10))
    procedure()
    later = submitted(at=vn(2026, 3, 9, 14))
    earlier = submitted(at=vn(2026, 3, 9, 8))
    client.force_login(officer("desk", "desk_officer"))
    html = client.get("/can-bo/?sort=receipt").content.decode()
    assert html.index(earlier.code) < html.index(later.code)
    assert "Tiếp nhận trước 08:00 10/03/2026 (quá hạn tiếp nhận)" in html
    assert "Tiếp nhận trước 14:00 10/03/2026" in html and "receipt-late" in html


def test_the_applicant_amends_online_and_the_officer_sees_old_and_new_values(client):
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    client.force_login(get_user_model().objects.create_user("001090012345"))
    page = client.get(f"/ho-so/{flow.code}/dieu-chinh/")
    assert page.status_code == 200 and 'name="field_field"' in page.content.decode()
    done = client.post(f"/ho-so/{flow.code}/dieu-chinh/", {"version": flow.dossier.version,
                                                           "field_field": "giá trị mới"})
    assert done.status_code == 302
    d = Dossier.objects.get(code=flow.code)
    assert (d.form_data, d.amendment_count) == ({"field": "giá trị mới"}, 1)
    client.force_login(flow.users["desk_officer"])
    html = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert "Lần điều chỉnh 1: field: “value” → “giá trị mới”" in html


def test_someone_else_cannot_amend_from_the_page(client):
    """From the attacker's side: knowing the code is not enough, another signed-in citizen is refused."""
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    client.force_login(get_user_model().objects.create_user("001185004321"))
    response = client.post(f"/ho-so/{flow.code}/dieu-chinh/", {"version": flow.dossier.version,
                                                               "field_field": "chiếm đoạt"})
    assert response.status_code in (403, 404)  # the dossier is not theirs to see, let alone amend
    assert Dossier.objects.get(code=flow.code).form_data == {"field": "value"}


def test_the_second_supplement_request_is_refused_on_the_officers_page(client, monkeypatch):
    monkeypatch.setattr(officer_views, "now", lambda: vn(2026, 3, 3, 11))
    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "desk_officer", vn(2026, 3, 3, 9), data={"missing": ["Tờ khai"]})
    flow("submit_supplement", "applicant", vn(2026, 3, 3, 10))
    client.force_login(flow.users["desk_officer"])
    response = client.post(f"/can-bo/ho-so/{flow.code}/hanh-dong/", {
        "action": "request_supplement", "role": "desk_officer", "version": flow.dossier.version,
        "missing": "Bản sao"})
    assert response.status_code == 422
    assert "đã được yêu cầu bổ sung một lần" in response.content.decode()
    assert Dossier.objects.get(code=flow.code).supplement_count == 1


def test_the_catalog_officer_sees_procedures_whose_time_limit_has_no_unit(client):
    """Issue 11 point 4: birth and marriage registration give "1" without unit; receipt refuses them."""
    procedure("1.000001", amount=1, unit="unknown")
    procedure("1.000002", amount=5, unit="working_days")
    client.force_login(officer("catalog", "catalog_officer"))
    html = client.get("/can-bo/thu-tuc-can-sua-thoi-han/").content.decode()
    assert "1.000001" in html and "1.000002" not in html


def test_a_desk_officer_does_not_get_the_correction_list(client):
    client.force_login(officer("desk", "desk_officer"))
    assert client.get("/can-bo/thu-tuc-can-sua-thoi-han/").status_code == 403
