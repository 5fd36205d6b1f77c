"""Free-text agency names from the national portal resolve to one known agency, or to none when they are generic."""

import pytest

from motcua.units.queries import agency_by_code, provinces, resolve_agency_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Bộ Công an", "BCA"),
        ("Bộ Tư pháp", "BTP"),
        ("bộ tư pháp", "BTP"),
        ("BỘ TƯ PHÁP ", "BTP"),
        ("Bo Tu phap", "BTP"),
        ("BTP", "BTP"),
        ("Bộ Văn hoá, Thể thao và Du lịch", "BVHTTDL"),  # old-style tone mark, comma
        ("Bộ Giáo dục và Đào tạo", "BGDDT"),
        ("Ngân hàng Nhà nước Việt Nam", "NHNN"),
        ("Ngân hàng Nhà nước", "NHNN"),
        ("Tòa án nhân dân tối cao", "TANDTC"),
        ("Toà án nhân dân tối cao", "TANDTC"),
        ("Viện kiểm sát nhân dân tối cao", "VKSNDTC"),
        ("Bảo hiểm xã hội Việt Nam", "BHXH"),
        ("Thanh tra Chính phủ", "TTCP"),
        ("Văn phòng Chính phủ", "VPCP"),
        ("Bộ xây dựng (Giao thông vận tải cũ)", "BXD"),
        ("Bộ Giao thông vận tải", "BXD"),  # merged into Construction in 2025
        ("Bộ Tài nguyên và Môi trường", "BNNMT"),
        ("Sở Tư pháp Thành phố Hà Nội", "H01.STP"),
        ("Ủy ban nhân dân tỉnh Thanh Hóa", "H38"),
        ("UBND tỉnh Thanh Hóa", "H38"),
        ("Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa", "H38.TTPVHCC"),
        ("Văn phòng Ủy ban nhân dân tỉnh Thanh Hóa", "H38.VPUBND"),
        ("Ủy ban nhân dân phường Hoàn Kiếm", "H01.X00070"),
    ],
)
def test_names_that_identify_one_agency_resolve(name, code):
    agency = resolve_agency_name(name)

    assert agency is not None, name
    assert agency.code == code


@pytest.mark.parametrize(
    "name",
    [
        "Ủy ban nhân dân cấp xã",
        "Ủy ban nhân dân cấp tỉnh",
        "Ủy ban Nhân dân\xa0xã,\xa0phường,\xa0thị trấn.",
        "Ủy ban Nhân dân\xa0tỉnh\xa0và\xa0thành phố trực thuộc trung ương.",
        "Sở Tư pháp",
        "Công an cấp Xã",
        "Cục Hàng không Việt Nam",
        "Thanh tra Bộ",
        "Bộ Lao động - Thương binh và Xã hội",  # split across several ministries in 2025
        "Bộ Công an, Bộ Quốc phòng",  # a list, not one agency
        "",
        "Không có thông tin",
    ],
)
def test_generic_or_unknown_names_resolve_to_none(name):
    assert resolve_agency_name(name) is None


def test_province_narrows_level_names_to_one_body():
    thanh_hoa = provinces().get(code=38)

    assert resolve_agency_name("Sở Tư pháp", province=thanh_hoa).code == "H38.STP"
    assert resolve_agency_name("Ủy ban nhân dân cấp tỉnh", province=38).code == "H38"
    assert resolve_agency_name("Chủ tịch ủy ban nhân dân cấp tỉnh", province=38).code == "H38"
    assert resolve_agency_name("Thanh tra tỉnh", province=38).code == "H38.TT"
    assert resolve_agency_name("Trung tâm Phục vụ hành chính công", province=38).code == "H38.TTPVHCC"
    # Still many communes in a province, and central bodies ignore the province.
    assert resolve_agency_name("Ủy ban nhân dân cấp xã", province=38) is None
    assert resolve_agency_name("Bộ Tư pháp", province=38).code == "BTP"


def test_name_contradicting_the_province_resolves_to_none():
    assert resolve_agency_name("Sở Tư pháp Thành phố Hà Nội", province=38) is None
    assert resolve_agency_name("Sở Tư pháp Thành phố Hà Nội", province=1).code == "H01.STP"


def test_agency_by_code():
    assert agency_by_code("BCA").name == "Bộ Công an"
    assert agency_by_code(" H38 ").name == "Ủy ban nhân dân tỉnh Thanh Hóa"
    assert agency_by_code("NOPE") is None
    assert agency_by_code("") is None


def test_provinces_lists_the_34_by_code():
    codes = list(provinces().values_list("code", flat=True))

    assert len(codes) == 34
    assert codes == sorted(codes)
    assert codes[0] == 1
