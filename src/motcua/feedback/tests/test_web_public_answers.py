"""Issue 5 points 1, 3, 7 on the web: submission with a tracking code, the public answers page (diacritics-insensitive
search, procedure and agency filters, pages) without the submitter's personal data, XSS payloads escaped, CSRF
required, rate limits, rating and re-complaint by the submitter."""

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.feedback.models import Feedback, FeedbackEvent

from .factories import SUBMITTER, Flow, citizen, procedure, published, report, vn

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def clean_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def _form(**overrides):
    data = {"kind": "report", "topic": "procedure", "procedure_code": "1.000001", "agency_code": "H01.TTPVHCC",
            "title": "Thủ tục đăng ký khai sinh chậm", "content": "Cán bộ hẹn nhiều lần nhưng chưa trả kết quả.",
            **SUBMITTER}
    data.update(overrides)
    return data


def test_a_citizen_submits_on_the_web_and_gets_a_tracking_code(client):
    procedure()
    response = client.post("/phan-anh-kien-nghi/gui/", _form())
    assert response.status_code == 302
    item = Feedback.objects.get()
    assert response["Location"] == f"/phan-anh-kien-nghi/da-gui/{item.code}/"
    page = client.get(response["Location"]).content.decode()
    assert item.code in page
    assert item.channel == "online" and item.submitter_name == "Nguyễn Văn An"


def test_the_form_finds_procedures_without_diacritics(client):
    procedure("1.000001")
    page = client.get("/phan-anh-kien-nghi/gui/", {"tim": "thu tuc thu"}).content.decode()
    assert "?thu_tuc=1.000001" in page


def test_bad_input_is_shown_field_by_field_and_nothing_is_stored(client):
    procedure()
    response = client.post("/phan-anh-kien-nghi/gui/", _form(title="", email="x@", procedure_code="9.9"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and not Feedback.objects.exists()


def test_csrf_is_required():
    procedure()
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/phan-anh-kien-nghi/gui/", _form()).status_code == 403
    assert not Feedback.objects.exists()


def test_submissions_are_rate_limited_per_address(client, settings):
    settings.MOTCUA_PAKN_SUBMIT_LIMIT = 2
    procedure()
    for i in range(2):
        assert client.post("/phan-anh-kien-nghi/gui/", _form(title=f"Tiêu đề {i}")).status_code == 302
    other_session = Client()  # same address, new session: still limited
    response = other_session.post("/phan-anh-kien-nghi/gui/", _form(title="Lần ba"))
    assert response.status_code == 429 and response["Retry-After"]
    assert Feedback.objects.count() == 2


def test_xss_payloads_are_escaped_everywhere(client):
    item = published(title=f"Tiêu đề {XSS}", content=f"Nội dung dài hơn ba từ {XSS}", answer=f"Trả lời {XSS}")
    for url in ("/phan-anh-kien-nghi/", f"/phan-anh-kien-nghi/{item.code}/"):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_the_public_page_never_shows_personal_data(client):
    item = published(content="Tôi là Nguyễn Văn An, điện thoại 0912 345 678, email an@example.vn, CCCD "
                              "001090012345, xin phản ánh việc chậm trả kết quả.")
    for url in ("/phan-anh-kien-nghi/", f"/phan-anh-kien-nghi/{item.code}/", "/phan-anh-kien-nghi/?q=cham"):
        html = client.get(url).content.decode()
        assert item.code in html
        for secret in ("Nguyễn Văn An", "0912 345 678", "0912345678", "an@example.vn", "001090012345",
                       "Hoàn Kiếm, Hà Nội"):
            assert secret not in html, (url, secret)


def test_search_is_diacritics_insensitive_and_filters_by_procedure_and_agency(client):
    a = published(title="Đăng ký thường trú chậm", content="Hồ sơ đăng ký thường trú bị trả lại nhiều lần.")
    b = published(title="Cấp hộ chiếu", content="Thời gian cấp hộ chiếu phổ thông quá lâu.",
                  procedure_code="1.000002", agency="BTP")
    html = client.get("/phan-anh-kien-nghi/", {"q": "dang ky thuong tru"}).content.decode()
    assert a.code in html and b.code not in html
    html = client.get("/phan-anh-kien-nghi/", {"q": "HỘ CHIẾU"}).content.decode()
    assert b.code in html and a.code not in html
    html = client.get("/phan-anh-kien-nghi/", {"q": "ho chi"}).content.decode()  # the last word as a prefix
    assert b.code in html
    html = client.get("/phan-anh-kien-nghi/", {"thu_tuc": "1.000002"}).content.decode()
    assert b.code in html and a.code not in html
    html = client.get("/phan-anh-kien-nghi/", {"co_quan": "H01.TTPVHCC"}).content.decode()
    assert a.code in html and b.code not in html
    html = client.get("/phan-anh-kien-nghi/", {"co_quan": "KHONG.CO"}).content.decode()
    assert a.code not in html and b.code not in html


def test_pages_of_twenty(client):
    first = published()
    for _ in range(20):
        report()
    for item in Feedback.objects.exclude(pk=first.pk):  # taken to publication the live way, on 10/3
        flow = Flow(item)
        flow("classify", "desk_officer", vn(2026, 3, 9, 9), classification="in_competence")
        flow("draft_answer", "specialist", vn(2026, 3, 9, 10), answer="Trả lời")
        flow("approve", "leader", vn(2026, 3, 10, 8))
        flow("publish", "leader", vn(2026, 3, 10, 9))
    page1 = client.get("/phan-anh-kien-nghi/").content.decode()
    assert 'rel="next"' in page1 and first.code not in page1
    page2 = client.get("/phan-anh-kien-nghi/", {"trang": 2}).content.decode()
    assert first.code in page2 and 'rel="next"' not in page2


def test_unpublished_items_are_not_public(client):
    item = report()
    assert client.get(f"/phan-anh-kien-nghi/{item.code}/").status_code == 404
    assert item.code not in client.get("/phan-anh-kien-nghi/").content.decode()


def test_the_submitter_rates_once_and_recomplains(client):
    user = citizen()
    item = published(actor=user)
    client.force_login(user)
    assert client.post(f"/phan-anh-kien-nghi/{item.code}/danh-gia/", {"rating": "dislike"}).status_code == 302
    assert client.post(f"/phan-anh-kien-nghi/{item.code}/danh-gia/", {"rating": "like"}).status_code == 400
    response = client.post(f"/phan-anh-kien-nghi/{item.code}/phan-anh-lai/",
                           {"content": "Câu trả lời chưa giải quyết được việc chậm trả kết quả."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.rating == "dislike" and item.recomplained_at
    new = Feedback.objects.get(recomplaint_of=item)
    assert new.state == "received" and new.agency_id == item.agency_id
    assert [e.action for e in FeedbackEvent.objects.filter(feedback=item).order_by("seq")][-2:] == ["rate",
                                                                                                    "recomplain"]


def test_someone_else_cannot_rate(client):
    item = published(actor=citizen())
    client.force_login(citizen("079201006789"))
    assert client.post(f"/phan-anh-kien-nghi/{item.code}/danh-gia/", {"rating": "dislike"}).status_code == 403
    item.refresh_from_db()
    assert item.rating == ""


def test_lookup_needs_the_contact_and_is_limited(client, settings):
    settings.MOTCUA_PAKN_LOOKUP_LIMIT = 2
    item = report()
    assert client.post("/phan-anh-kien-nghi/tra-cuu/", {"code": item.code, "contact": "0900000000"}).status_code == 400
    response = client.post("/phan-anh-kien-nghi/tra-cuu/", {"code": item.code, "contact": "0912 345 678"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Đã tiếp nhận" in html
    client.post("/phan-anh-kien-nghi/tra-cuu/", {"code": item.code, "contact": "0900000001"})
    assert client.post("/phan-anh-kien-nghi/tra-cuu/", {"code": item.code,
                                                        "contact": "0912345678"}).status_code == 429
