"""Table-driven: evidence kinds from document names, the catalog flags they give, and store matching."""

import pytest

from motcua.exchange.store import rules


@pytest.mark.parametrize(("name", "kind"), [
    ("Bản sao Giấy khai sinh", "birth_certificate"),
    ("01 bản sao giấy khai sinh hoặc trích lục ghi vào sổ hộ tịch việc khai sinh", "birth_certificate"),
    ("Bản sao Giấy chứng nhận kết hôn được cấp trước đây", "marriage_certificate"),
    ("Giấy xác nhận tình trạng hôn nhân", "marital_status"),
    ("Chứng minh nhân dân/Căn cước công dân", "identity_card"),
    ("Bản sao giấy tờ chứng minh nhân thân của người đó như thẻ Căn cước công dân", "identity_card"),
    ("Giấy tờ có giá trị chứng minh thông tin về cư trú", "residence"),
    ("Giấy tờ chứng minh nơi thường trú", "residence"),
    ("Sổ hộ khẩu", "residence"),
    ("- Cá nhân có quyền lựa chọn thực hiện thủ tục tại cơ quan đăng ký hộ tịch nơi cư trú", None),
    ("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", "enterprise_registration"),
    ("Thẻ bảo hiểm y tế", "health_insurance_card"),
    ("Phiếu lý lịch tư pháp số 1", "judicial_record"),
    ("Giấy chứng nhận quyền sử dụng đất được cấp theo quy định", "land_use_certificate"),
    # Forms and requests are the applicant's own papers, never a kind of evidence.
    ("Tờ khai đăng ký khai sinh theo mẫu", None),
    ("Phiếu đề nghị giải quyết thủ tục về căn cước (Mẫu DC02)", None),
    ("- Tờ khai thay đổi thông tin cư trú", None),
    ("Đơn đề nghị cấp Giấy chứng nhận đăng ký doanh nghiệp", None),
    ("Bản vẽ thiết kế", None),
    ("", None),
])
def test_evidence_kind(name, kind):
    found = rules.evidence_kind(name)
    assert (found.key if found else None) == kind


@pytest.mark.parametrize(("name", "flags"), [
    ("Bản sao Căn cước công dân", (True, False)),
    ("Giấy tờ chứng minh nơi cư trú", (True, False)),
    ("Bản sao Giấy khai sinh", (True, True)),
    ("Phiếu lý lịch tư pháp", (False, True)),
    ("Tờ khai", (False, False)),
    # About someone else: the applicant's own record cannot replace it; a result can still be reused.
    ("Bản sao Giấy khai sinh của con chưa thành niên", (False, True)),
    ("Giấy chứng tử của cha đẻ", (False, True)),
    ("Giấy tờ chứng minh nhân thân của người bị thiệt hại", (False, False)),
])
def test_catalog_flags(name, flags):
    assert rules.catalog_flags(name) == flags


@pytest.mark.parametrize(("required", "kind", "title", "ok"), [
    ("Phiếu lý lịch tư pháp được cấp không quá 6 tháng", "judicial_record", "Phiếu lý lịch tư pháp số 1", True),
    ("Phiếu lý lịch tư pháp", "birth_certificate", "Giấy khai sinh", False),
    ("Bản sao Giấy khai sinh của con", "birth_certificate", "Trích lục khai sinh", True),
    # Unknown kinds: most of the required document's significant words in the title.
    ("Chứng chỉ hành nghề kiến trúc", "", "Chứng chỉ hành nghề kiến trúc hạng II", True),
    ("Chứng chỉ hành nghề kiến trúc", "", "Bằng tốt nghiệp đại học", False),
    ("Chứng chỉ hành nghề kiến trúc", "judicial_record", "Chứng chỉ hành nghề kiến trúc", False),
])
def test_matches(required, kind, title, ok):
    assert rules.matches(required, kind, title) is ok


def test_population_flag_is_for_the_ministry_of_public_security_databases():
    assert rules.replaced_by_population_data("population") and rules.replaced_by_population_data("residence")
    assert not rules.replaced_by_population_data("civil_status")
    assert not rules.replaced_by_population_data("business")
