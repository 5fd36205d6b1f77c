"""The publication checks stored with a version are shown on its public page."""

import pytest

from motcua.catalog.tests.factories import create_procedure


@pytest.mark.django_db
def test_complete_imported_version_shows_its_checks(client):
    create_procedure("1.000001", "Đăng ký khai sinh")
    html = client.get("/thu-tuc/1.000001/").content.decode()
    assert "Kiểm tra công bố" in html
    assert "Thành phần bắt buộc a–g" in html
    assert "Đủ các thành phần bắt buộc a–g." in html


@pytest.mark.django_db
def test_incomplete_version_shows_what_is_missing(client):
    create_procedure("1.000002", "Thủ tục thiếu trình tự", steps=[], subjects=[])
    html = client.get("/thu-tuc/1.000002/").content.decode()
    assert "không đạt" in html
    assert "Thiếu thành phần bắt buộc: b, e" in html


@pytest.mark.django_db
def test_procedure_with_an_online_channel_links_to_online_submission(client):
    create_procedure("1.000003", "Đăng ký khai sinh")
    html = client.get("/thu-tuc/1.000003/").content.decode()
    assert 'href="/ho-so/nop/1.000003/"' in html
    assert client.get("/ho-so/nop/1.000003/").status_code == 302  # sign in first (issue 12 point 12)
    client.post("/dinh-danh/demo/", {"personal_id": "001190054321", "level": "2"})
    assert client.get("/ho-so/nop/1.000003/").status_code == 200
