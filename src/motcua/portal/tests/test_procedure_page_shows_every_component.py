"""The procedure page shows every component of Decree 63/2010 Art. 8(2) in labelled sections and tables."""

import pytest

from .conftest import SOURCE_URL, text_of


@pytest.fixture
def page(catalog, client):
    return client.get("/thu-tuc/2.000635/")


@pytest.mark.django_db
def test_procedure_page_has_name_code_and_sections(page):
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Cấp phiếu lý lịch tư pháp cho công dân Việt Nam</h1>" in html
    for heading in ("Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ", "Căn cứ pháp lý",
                    "Yêu cầu, điều kiện", "Kết quả", "Phiên bản và quyết định công bố"):
        assert f">{heading}</h2>" in html
    text = text_of(page)
    assert "Mã thủ tục 2.000635" in text
    assert "Cấp thực hiện Cấp tỉnh" in text
    assert "Cơ quan thực hiện Ủy ban nhân dân cấp xã" in text
    assert "Đối tượng thực hiện Công dân Việt Nam" in text


@pytest.mark.django_db
def test_channels_table_shows_time_limit_and_fees(page):
    html = page.content.decode()
    assert '<table class="channels">' in html
    assert "<caption>" in html and '<th scope="col">Thời hạn giải quyết</th>' in html
    text = text_of(page)
    assert "Trực tiếp 10 ngày làm việc 200.000 đ — Phí cấp phiếu 5.000 đ — Từ phiếu thứ 3 trở đi" in text
    assert "Trực tuyến 4 giờ làm việc 100.000 đ" in text
    # An unrecognised unit: the amount and the source's words, verbatim.
    assert "15 (nguyên văn: “15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ”)" in text
    assert "Dịch vụ bưu chính Không quy định Theo giá dịch vụ bưu chính" in text


@pytest.mark.django_db
def test_documents_table_groups_by_case(page):
    html = page.content.decode()
    assert '<table class="documents">' in html
    assert '<th scope="colgroup" colspan="4">Trường hợp ủy quyền</th>' in html
    text = text_of(page)
    assert "Bản chính" in text and "Bản sao" in text
    assert "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp 1 0 Mẫu số 03/2013/TT-LLTP" in text
    assert "Bản chụp căn cước công dân 0 2" in text


@pytest.mark.django_db
def test_legal_basis_version_and_decision(page):
    text = text_of(page)
    assert "28/2009/QH12 Luật Lý lịch tư pháp 17/06/2009 01/07/2010" in text
    assert "Phiên bản 1" in text
    assert "Trạng thái Đã công bố" in text
    assert "Quyết định công bố 1024/QĐ-BTP — ngày 15/03/2024" in text
    assert "Thời điểm công bố" in text
    assert f'href="{SOURCE_URL}"' in page.content.decode()


@pytest.mark.django_db
def test_steps_are_an_ordered_list_and_results_listed(page):
    html = page.content.decode()
    assert '<ol class="steps">' in html
    assert "<strong>Bước 1</strong>: Nộp hồ sơ" in html
    assert "Phiếu lý lịch tư pháp" in text_of(page)


@pytest.mark.django_db
def test_parse_issues_are_flagged_discreetly(page):
    html = page.content.decode()
    assert '<details class="parse-issues">' in html
    assert "Một số nội dung chưa được chuẩn hóa (1 mục)" in text_of(page)


@pytest.mark.django_db
def test_print_reference_carries_code_version_and_address(page):
    assert "Mã thủ tục: 2.000635 · Phiên bản 1 · http://testserver/thu-tuc/2.000635/" in text_of(page)


@pytest.mark.django_db
def test_free_fee_and_no_parse_issues(catalog, client):
    response = client.get("/thu-tuc/1.000001/")
    text = text_of(response)
    assert "Trực tiếp 1 ngày làm việc Miễn phí — Miễn lệ phí" in text
    assert "Trực tuyến 1 ngày làm việc 8.000 đ — Lệ phí: 8.000 đồng" in text
    assert "chưa được chuẩn hóa" not in text
