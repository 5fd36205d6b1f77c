"""Issue 14 point 1: the submission form offers the places that may receive the procedure (Decree 118/2025 Art. 14),
by province and commune and with names, from the applicant's address when it names them; a desk outside them is
refused, whatever the request says."""

import re
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.catalog.records import AgencyRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.core.calendar import TZ
from motcua.core.text import vn_sort_key
from motcua.dossiers import places
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db

ON = datetime(2026, 3, 2, 9, tzinfo=TZ)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"



@pytest.fixture(autouse=True)
def _citizen_signed_in(request):
    """Online submission takes the applicant from the e-identification (issue 12 point 12): the citizen signs in."""
    if "client" not in request.fixturenames:
        return
    from django.contrib.auth import get_user_model

    from motcua.exchange.services import link_person

    citizen = get_user_model().objects.create_user("citizen-signed-in")
    link_person(citizen, "001190054321", source="test")
    request.getfixturevalue("client").force_login(citizen)

def _options(html: str) -> dict[str, str]:
    select = re.search(r'<select name="agency".*?</select>', html, re.S).group(0)
    return dict(re.findall(r'<option value="([^"]+)"[^>]*>([^<]*)</option>', select))


def _commune_version():
    # The national record names a kind of body: the commune's committee of the applicant's commune.
    return create_procedure("1.000001", "Đăng ký khai sinh", levels=["commune"],
                            agencies=[AgencyRecord("implementing", "Ủy ban nhân dân cấp xã")])


@pytest.mark.parametrize(("address", "province"), [
    ("Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội", 1),
    ("12 Lê Lợi, phường Hạc Thành, tỉnh Thanh Hóa", 38),
    ("thanh pho ho chi minh", 79),
    ("", None),
])
def test_the_province_comes_from_the_address(address, province):
    provinces = places.receiving_places(_commune_version(), ON).provinces
    assert places.province_from_address(address, provinces) == province


def test_art_14_2_the_province_centre_and_its_communes_receive_a_commune_procedure():
    found = places.receiving_places(_commune_version(), ON, province=1)
    codes = [code for code, _name in found.desks]
    assert codes[0] == "H01.TTPVHCC"
    assert all(code == "H01.TTPVHCC" or code.startswith("H01.X") for code in codes)
    assert len(codes) > 100  # Hanoi's wards and communes
    names = [name for _code, name in found.desks]
    assert "Ủy ban nhân dân phường Hoàn Kiếm" in names and not any(re.search(r"H\d\d", n) for n in names)
    communes = [places._place_name(n) for n in names[1:]]
    assert communes == sorted(communes, key=vn_sort_key)


def test_art_14_1_a_ministry_procedure_is_received_by_its_own_desk_only():
    version = create_procedure("2.000001", "Cấp phép của Bộ", levels=["ministry"],
                               agencies=[AgencyRecord("competent", "Bộ Tư pháp", "BTP")])
    found = places.receiving_places(version, ON, province=1)
    assert found.nationwide and found.desks == [("BTP", "Bộ Tư pháp")]


def test_a_province_procedure_is_offered_only_in_its_province():
    version = create_procedure("1.000002.H38", "Thủ tục của tỉnh Thanh Hóa", levels=["province"],
                               agencies=[AgencyRecord("competent", "Sở Tư pháp tỉnh Thanh Hóa", "H38.STP")])
    found = places.receiving_places(version, ON, province=1)  # Hanoi asked for: not a choice
    assert [p.code for p in found.provinces] == [38] and found.province == 38
    codes = [code for code, _name in found.desks]
    assert codes[:2] == ["H38.STP", "H38.TTPVHCC"] or set(codes[:2]) == {"H38.STP", "H38.TTPVHCC"}
    assert not any(code.startswith("H01") for code in codes)


def test_the_form_shows_names_not_codes_and_preselects_the_ward_of_the_address(client):
    _commune_version()
    html = client.get("/ho-so/nop/1.000001/?tinh=1").content.decode()
    options = _options(html)
    assert options["H01.TTPVHCC"] == "Trung tâm Phục vụ hành chính công thành phố Hà Nội"
    assert "ví dụ H01" not in html and "e.g. H01" not in html
    assert 'name="tinh"' in html and "Tỉnh, thành phố nơi nộp hồ sơ" in html


def test_without_a_province_the_form_asks_for_one_first(client):
    _commune_version()
    html = client.get("/ho-so/nop/1.000001/").content.decode()
    assert _options(html) == {}
    assert "Chọn tỉnh, thành phố ở trên để xem các nơi tiếp nhận." in html


def _post(client, version, agency, tinh="1"):
    doc = RequiredDocument.objects.filter(version=version).first()
    data = {"channel": "online", "agency": agency, "tinh": tinh, "kind": "citizen", "full_name": "Trần Thị Bình",
            "personal_id": "001190054321", "phone": "0987 654 321", "address": "Hà Nội"}
    if doc is not None:
        data[f"document_{doc.pk}"] = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    return client.post("/ho-so/nop/1.000001/?tinh=" + tinh, data)


def test_a_ward_of_the_province_receives_the_dossier(client):
    version = _commune_version()
    response = _post(client, version, "H01.X00070")
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Dossier.objects.get().agency.code == "H01.X00070"


@pytest.mark.parametrize("agency", ["H01.STP", "H38.X15853", "BTP", "H01"], ids=[
    "a department is no one-stop desk", "a ward of another province than the one chosen", "a ministry",
    "the provincial committee itself"])
def test_attacker_posts_a_desk_that_may_not_receive_and_is_refused(client, agency):
    version = _commune_version()
    response = _post(client, version, agency)
    assert response.status_code == 400
    assert "Chọn nơi nộp hồ sơ trong danh sách." in response.content.decode()
    assert not Dossier.objects.exists()
