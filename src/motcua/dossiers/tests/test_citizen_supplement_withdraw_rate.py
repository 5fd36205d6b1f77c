"""Issue 3 point 7: the applicant answers a supplement request by uploading, withdraws (with confirmation),
downloads the electronic result, and rates the handling once, only after the result is returned."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def fresh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    cache.clear()


def _open(client, dossier):
    client.post(f"/ho-so/tra-cuu/?code={dossier.code}", {"code": dossier.code, "secret": "001090012345"})


def _dossier() -> Dossier:
    return Dossier.objects.get()


def test_answering_a_supplement_request_uploads_the_files_and_resumes_handling(client):
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "specialist", vn(2026, 3, 3, 9), data={"missing": ["Bản sao sổ hộ khẩu", "Ảnh 4x6"]})
    _open(client, flow.dossier)
    details = client.get(f"/ho-so/{flow.code}/")
    assert details.context["can_supplement"] and "Ảnh 4x6" in details.content.decode()
    form = client.get(f"/ho-so/{flow.code}/bo-sung/")
    assert form.status_code == 200 and 'name="item_1"' in form.content.decode()
    response = client.post(f"/ho-so/{flow.code}/bo-sung/", {
        "version": flow.dossier.version, "note": "Đã bổ sung",
        "item_0": SimpleUploadedFile("ho-khau.pdf", PDF), "item_1": SimpleUploadedFile("anh.png", PNG)})
    assert response.status_code == 302 and response["Location"] == f"/ho-so/{flow.code}/?done=supplement"
    dossier = _dossier()
    assert dossier.state == "processing"
    assert sorted(DossierDocument.objects.filter(dossier=dossier).values_list("name", flat=True)) == [
        "Bản sao sổ hộ khẩu", "Ảnh 4x6"]
    assert dossier.events.last().action == "submit_supplement" and dossier.events.last().role == "applicant"


def test_a_supplement_without_a_file_or_on_a_stale_page_is_refused(client):
    procedure()
    flow = Flow(submitted())
    flow("request_supplement", "desk_officer", vn(2026, 3, 2, 10), data={"missing": ["Tờ khai"]})
    _open(client, flow.dossier)
    assert client.post(f"/ho-so/{flow.code}/bo-sung/", {"version": flow.dossier.version}).status_code == 400
    stale = client.post(f"/ho-so/{flow.code}/bo-sung/", {"version": flow.dossier.version - 1,
                                                        "item_0": SimpleUploadedFile("t.pdf", PDF)})
    assert stale.status_code == 400
    dossier = _dossier()
    assert dossier.state == "receipt_supplement_requested" and not DossierDocument.objects.exists()


def test_withdrawal_needs_the_confirmation_then_withdraws(client):
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    # Withdrawing needs the applicant's authentication (issue 12 point 13): the e-identified applicant signs in.
    client.force_login(get_user_model().objects.create_user("001090012345"))
    page = client.get(f"/ho-so/{flow.code}/rut/")
    assert page.status_code == 200 and 'name="confirm"' in page.content.decode()
    unconfirmed = client.post(f"/ho-so/{flow.code}/rut/", {"version": flow.dossier.version})
    assert unconfirmed.status_code == 400 and _dossier().state == "received"
    done = client.post(f"/ho-so/{flow.code}/rut/", {"version": flow.dossier.version, "confirm": "yes",
                                                   "reason": "Không còn nhu cầu"})
    assert done.status_code == 302
    dossier = _dossier()
    assert (dossier.state, dossier.status_code) == ("withdrawn", 7)
    assert dossier.events.last().reason == "Không còn nhu cầu"
    # Nothing left to withdraw: the page sends back to the dossier.
    assert client.get(f"/ho-so/{flow.code}/rut/").status_code == 302


def test_a_dossier_code_and_the_applicants_phone_do_not_withdraw_it(client):
    """Issue 12 point 13, from the attacker's side: codes are not secrets, and a phone number is easily known."""
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    client.post(f"/ho-so/tra-cuu/?code={flow.code}", {"code": flow.code, "secret": "0912345678"})
    assert client.get(f"/ho-so/{flow.code}/").status_code == 200  # following the dossier stays possible
    response = client.post(f"/ho-so/{flow.code}/rut/", {"version": flow.dossier.version, "confirm": "yes"})
    assert response.status_code == 403 and "đăng nhập" in response.content.decode()
    client.force_login(get_user_model().objects.create_user("001185004321"))  # another citizen, signed in
    assert client.post(f"/ho-so/{flow.code}/rut/", {"version": flow.dossier.version,
                                                    "confirm": "yes"}).status_code == 403
    assert _dossier().state == "received"


def test_actions_need_the_details_to_be_open(client):
    procedure()
    dossier = submitted()
    assert client.post(f"/ho-so/{dossier.code}/rut/", {"version": 1, "confirm": "yes"}).status_code == 404
    assert client.post(f"/ho-so/{dossier.code}/danh-gia/", {"satisfied": "yes"}).status_code == 404
    assert _dossier().state == "submitted"


def _returned_with_result():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    flow("approve", "leader", vn(2026, 3, 3, 10))
    services.add_document(flow.code, SimpleUploadedFile("giay-khai-sinh.pdf", PDF), actor=flow.users["specialist"],
                          role="specialist", name="Giấy khai sinh (bản điện tử)", at=vn(2026, 3, 3, 11))
    flow.dossier = _dossier()
    flow("issue_result", "specialist", vn(2026, 3, 3, 14))
    return flow


def test_the_electronic_result_can_be_downloaded_once_issued(client):
    flow = _returned_with_result()
    _open(client, flow.dossier)
    details = client.get(f"/ho-so/{flow.code}/")
    [result] = details.context["results"]
    assert result.name == "Giấy khai sinh (bản điện tử)"
    download = client.get(f"/ho-so/{flow.code}/ket-qua/{result.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_rating_only_after_return_and_only_once(client):
    flow = _returned_with_result()
    _open(client, flow.dossier)
    assert not client.get(f"/ho-so/{flow.code}/").context["can_rate"]
    early = client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "yes"})
    assert early["Location"].endswith("done=not_rated") and _dossier().rating == ""
    flow("return_result", "desk_officer", vn(2026, 3, 4, 9))
    assert client.get(f"/ho-so/{flow.code}/").context["can_rate"]
    assert client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "no"})["Location"].endswith("done=rated")
    assert _dossier().rating == "not_satisfied"
    again = client.post(f"/ho-so/{flow.code}/danh-gia/", {"satisfied": "yes"})
    assert again["Location"].endswith("done=not_rated") and _dossier().rating == "not_satisfied"
    assert not client.get(f"/ho-so/{flow.code}/").context["can_rate"]
