"""Issue 14 point 2: "Trường hợp của bạn là …?" is asked once, from the procedure's own documents, then only that
case's documents are asked; a document for post or the desk only is not asked online.

Table-driven on the national portal's records the project ships (birth registration, permanent residence, splitting
a household, re-issuing an airport security card; adoption and vehicle transfer, whose headings are parts of one
dossier, not cases), then through the web form on the birth-registration record."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.web.document_cases import ORDINARY, ORDINARY_LABEL, document_cases

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
BINH = "001190054321"


@cache
def shipped(code: str):
    """One record of ``catalog/data/dvcqg/procedures.jsonl.gz`` as the importer reads it."""
    from motcua.catalog.importers.dvcqg import read_dvcqg_files, record_from_dvcqg
    from motcua.demo.services import DEMO_RECORDS

    return next(record_from_dvcqg(obj) for _file, _line, obj in read_dvcqg_files([DEMO_RECORDS])
                if obj.get("ma_thu_tuc") == code)


@pytest.mark.parametrize(("code", "labels"), [
    ("1.001193", ["Trẻ em bị bỏ rơi", "Khai sinh cho trẻ em sinh ra do mang thai hộ", ORDINARY_LABEL]),
    ("1.004222", ["Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình",
                  "Người được chăm sóc, nuôi dưỡng, trợ giúp được đăng ký thường trú tại cơ sở trợ giúp xã hội",
                  "Đăng ký thường trú tại chỗ ở hợp pháp không thuộc quyền sở hữu của mình",
                  "Đăng ký thường trú tại cơ sở tín ngưỡng, cơ sở tôn giáo có công trình phụ trợ là nhà ở",
                  "Đăng ký thường trú tại nơi đơn vị đóng quân",
                  "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ"]),
    ("1.010038", ["Trường hợp thành viên hộ gia đình đăng ký tách hộ là vợ, chồng đã ly hôn",
                  "Tách hộ để đăng ký thường trú tại cùng một chỗ ở hợp pháp"]),
    ("3.000369", ["Trường hợp cấp lại do bị mất thẻ", "Trường hợp cấp lại do thay đổi vị trí công tác",
                  "Trường hợp cấp lại do thẻ còn thời hạn sử dụng nhưng bị mờ",
                  "Trường hợp cấp lại do thẻ hết thời hạn"]),
    ("1.003005", []),  # "Hồ sơ của người nhận con nuôi" and "… được nhận làm con nuôi": both parts are given
    ("1.013076", []),  # "1. Hồ sơ thu hồi", "2. Hồ sơ đăng ký": both parts
])
def test_the_answers_come_from_the_records_own_cases(code, labels):
    record = shipped(code)
    layout = document_cases(record.documents, record.name)
    got = [c.label for c in layout.cases]
    assert len(got) == len(labels), got
    assert all(g.startswith(want) for g, want in zip(got, labels, strict=True)), got
    # Every document is asked in some case, in all of them, for a channel, on an authorisation, or is text.
    placed = set(layout.common) | set(layout.authorised) | set(layout.channel) | set(layout.agency_asks) \
        | set(layout.notes) | {i for c in layout.cases for i in c.documents}
    assert placed == set(range(len(record.documents)))


def test_birth_registration_asks_the_postal_and_desk_papers_only_for_their_channel():
    record = shipped("1.001193")
    layout = document_cases(record.documents, record.name)
    names = {record.documents[i].name: kind for i, kind in layout.channel.items()}
    postal = next(n for n in names if "gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm" in n)
    desk = next(n for n in names if n.startswith("- Hộ chiếu/Thẻ căn cước công dân"))
    paper = next(n for n in names if n.startswith("- Tờ khai đăng ký khai sinh theo mẫu"))
    assert (names[postal], names[desk], names[paper]) == ("postal", "in_person", "paper")
    online = {record.documents[i].name for i in layout.asked(ORDINARY, channel="online")}
    assert not online & {postal, desk, paper}
    assert any(n.startswith("- Giấy chứng sinh") for n in online)
    assert paper in {record.documents[i].name for i in layout.asked(ORDINARY, channel="postal")}
    # The authorisation is its own yes/no question; papers the agency asks for only when a registry fails are text.
    assert [record.documents[i].name[:20] for i in layout.authorised] == ["- Văn bản ủy quyền ("]
    assert len(layout.agency_asks) == 2


@dataclass
class Doc:
    name: str
    case: str = ""


@pytest.mark.parametrize(("docs", "name", "labels", "common"), [
    # A condition in the text is a case beside the ordinary one.
    ([Doc("- Giấy chứng sinh"), Doc("- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản")], "Đăng ký khai sinh",
     ["Trẻ em bị bỏ rơi", ORDINARY_LABEL], [0]),
    # Headings with a case marker are the answers; the document without a heading is asked in every case.
    ([Doc("Tờ khai"), Doc("Đơn trình báo mất", "Trường hợp cấp lại do bị mất thẻ:"),
      Doc("Thẻ cũ", "Trường hợp cấp lại do thẻ bị hỏng:")], "Cấp lại thẻ", ["Trường hợp cấp lại do bị mất thẻ",
                                                                       "Trường hợp cấp lại do thẻ bị hỏng"], [0]),
    # Headings that start with the procedure's own action are variants of it.
    ([Doc("Hợp đồng thuê", "Đăng ký tạm trú vào chỗ ở thuê"), Doc("Giấy giới thiệu",
                                                                  "Đăng ký tạm trú tại đơn vị đóng quân")],
     "Đăng ký tạm trú", ["Đăng ký tạm trú vào chỗ ở thuê", "Đăng ký tạm trú tại đơn vị đóng quân"], []),
    # Parts of one dossier, a section heading, a single heading: no question, everything asked.
    ([Doc("Đơn", "Hồ sơ của người nhận con nuôi"), Doc("Giấy khai sinh", "Hồ sơ của trẻ em")], "Nhận con nuôi",
     [], [0, 1]),
    ([Doc("Đơn", "* Giấy tờ phải nộp:"), Doc("Ảnh", "* Giấy tờ phải nộp:")], "Cấp phép", [], [0, 1]),
    ([Doc("Đơn", "Đối với cá nhân"), Doc("Ảnh")], "Cấp phép", [], [0, 1]),
    # A statement of what need not be given, and an authorisation heading, are no cases.
    ([Doc("Trường hợp đã có bản điện tử thì không phải nộp bản giấy."), Doc("Giấy ủy quyền", "Trường hợp ủy quyền")],
     "Cấp phép", [], []),
])
def test_which_documents_make_a_case(docs, name, labels, common):
    layout = document_cases(docs, name)
    assert [c.label for c in layout.cases] == labels
    assert list(layout.common) == common


# Through the web form, on the shipped birth-registration record ------------------------------------------------


@pytest.fixture
def birth(db, settings, tmp_path):
    from motcua.catalog.services import upsert_records

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    upsert_records([shipped("1.001193")])
    from motcua.catalog.models import RequiredDocument

    return {d.name: d.pk for d in RequiredDocument.objects.filter(version__procedure__code="1.001193")}


def _sign_in(client):
    assert client.post("/dinh-danh/demo/", {"personal_id": BINH, "level": "1"}).status_code == 302


def _field(docs: dict[str, int], start: str) -> str:
    return f"document_{next(pk for name, pk in docs.items() if name.startswith(start))}"


def _block(html: str, field: str) -> str:
    return re.search(rf'<div class="document-field[^"]*" id="doc-{field}"[^>]*>', html).group(0)


def test_the_page_asks_the_case_once_and_hides_the_other_cases_documents(client, birth):
    _sign_in(client)
    html = client.get("/ho-so/nop/1.001193/").content.decode()
    assert "Trường hợp của bạn là …?" in html and "Trường hợp của tôi" not in html
    assert html.count('type="radio" name="truong_hop"') == 3
    abandoned = _field(birth, "- Trường hợp trẻ em bị bỏ rơi")
    assert 'data-case="c1"' in _block(html, abandoned) and " hidden" in _block(html, abandoned)
    # Without JavaScript the choice comes back in the address and the page shows that case's document.
    html = client.get("/ho-so/nop/1.001193/?truong_hop=c1").content.decode()
    assert " hidden" not in _block(html, abandoned) and 'id="case-c1" value="c1" checked' in html
    assert 'name="truong_hop" value="c1"' in html  # kept for the submission
    # The postal-only and desk-only papers are not offered online; the paper declaration is the post/desk one.
    for start in ("- Trường hợp gửi hồ sơ qua hệ thống bưu chính", "- Hộ chiếu/Thẻ căn cước công dân"):
        assert "only-postal" in _block(html, _field(birth, start)) or "only-in_person" in _block(
            html, _field(birth, start))
    assert "Giấy tờ chỉ nộp khi cơ quan yêu cầu (2)" in html


def _post(client, docs, **extra):
    page = client.get("/ho-so/nop/1.001193/?tinh=1").content.decode()  # Hà Nội's receiving places
    agency = re.search(r'<select name="agency"[^>]*>.*?<option value="([^"]+)"', page, re.S).group(1)
    data = {"tinh": "1", "channel": "online", "agency": agency, "kind": "citizen", "full_name": "Trần Thị Bình",
            "personal_id": BINH, "phone": "0987 654 321", "address": "Hà Nội",
            _field(docs, "- Giấy chứng sinh"): SimpleUploadedFile("chung-sinh.pdf", PDF, "application/pdf"),
            _field(docs, "- Mẫu hộ tịch điện tử"): SimpleUploadedFile("mau.pdf", PDF, "application/pdf")}
    data.update(extra)
    return client.post("/ho-so/nop/1.001193/", data)


def test_without_an_answer_the_submission_is_refused_and_says_so(client, birth):
    from motcua.dossiers.models import Dossier

    _sign_in(client)
    response = _post(client, birth)
    assert response.status_code == 400 and not Dossier.objects.exists()
    assert "Chọn trường hợp của bạn để biết cần nộp những giấy tờ nào." in response.content.decode()
    assert 'href="#id_truong_hop"' in response.content.decode()  # the error summary leads to the question


def test_the_chosen_cases_document_is_required_and_another_cases_file_is_not_kept(client, birth):
    from motcua.dossiers.models import Dossier, DossierDocument

    _sign_in(client)
    abandoned, surrogacy = _field(birth, "- Trường hợp trẻ em bị bỏ rơi"), _field(birth, "- Trường hợp khai sinh")
    refused = _post(client, birth, truong_hop="c1")
    assert refused.status_code == 400 and "Vui lòng đính kèm giấy tờ này." in refused.content.decode()
    done = _post(client, birth, truong_hop="c1", **{
        abandoned: SimpleUploadedFile("bien-ban.pdf", PDF, "application/pdf"),
        surrogacy: SimpleUploadedFile("mang-thai-ho.pdf", PDF, "application/pdf")})
    assert done.status_code == 302, done.content.decode()[:3000]
    kept = set(DossierDocument.objects.filter(dossier=Dossier.objects.get()).values_list("name", flat=True))
    assert any(n.startswith("- Trường hợp trẻ em bị bỏ rơi") for n in kept)
    assert not any(n.startswith("- Trường hợp khai sinh cho trẻ em sinh ra do mang thai hộ") for n in kept)


def test_the_ordinary_case_asks_no_case_document(client, birth):
    from motcua.dossiers.models import Dossier

    _sign_in(client)
    assert _post(client, birth, truong_hop=ORDINARY).status_code == 302
    assert Dossier.objects.count() == 1


def test_an_unknown_answer_is_refused_with_a_message(client, birth):
    _sign_in(client)
    response = _post(client, birth, truong_hop="c99")
    assert response.status_code == 400
    assert "Chọn trường hợp của bạn trong danh sách." in response.content.decode()
