"""The five base registries motcua knows (domain.md §4; issue 4 point 1): names, identifiers and attributes.

Simulated and remote (HTTP) plugins share these declarations, so a remote registry is interchangeable with the
in-process one. Attribute names are English keys; labels are Vietnamese.
"""

from __future__ import annotations

from .base import ENTERPRISE_CODE, PERSONAL_ID, RegistrySpec

POPULATION = RegistrySpec(
    name="population",
    label="Cơ sở dữ liệu quốc gia về dân cư",
    authority="Bộ Công an",
    identifier=PERSONAL_ID,
    attributes={
        "full_name": "Họ, chữ đệm và tên",
        "birth_date": "Ngày, tháng, năm sinh",
        "sex": "Giới tính",
        "birth_registration_place": "Nơi đăng ký khai sinh",
        "permanent_residence": "Nơi thường trú",
        "temporary_residence": "Nơi tạm trú",
        "household_members": "Thành viên hộ gia đình",
        "eid_level": "Mức độ tài khoản định danh điện tử",
    },
)
CIVIL_STATUS = RegistrySpec(
    name="civil_status",
    label="Cơ sở dữ liệu hộ tịch điện tử",
    authority="Bộ Tư pháp",
    identifier=PERSONAL_ID,
    attributes={
        "birth_record": "Trích lục khai sinh",
        "marital_status": "Tình trạng hôn nhân",
        "marriage_records": "Đăng ký kết hôn",
        "death_record": "Trích lục khai tử",
    },
)
RESIDENCE = RegistrySpec(
    name="residence",
    label="Cơ sở dữ liệu về cư trú",
    authority="Bộ Công an",
    identifier=PERSONAL_ID,
    attributes={
        "permanent_address": "Địa chỉ thường trú",
        "temporary_address": "Địa chỉ tạm trú",
        "household_code": "Số hộ",
        "household_head": "Chủ hộ",
        "relation_to_head": "Quan hệ với chủ hộ",
    },
)
BUSINESS = RegistrySpec(
    name="business",
    label="Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp",
    authority="Bộ Tài chính",
    identifier=ENTERPRISE_CODE,
    attributes={
        "name": "Tên doanh nghiệp",
        "address": "Địa chỉ trụ sở chính",
        "legal_representative": "Người đại diện theo pháp luật",
        "status": "Tình trạng hoạt động",
        "registered_on": "Ngày đăng ký lần đầu",
        "business_lines": "Ngành, nghề kinh doanh",
    },
)
SOCIAL_INSURANCE = RegistrySpec(
    name="social_insurance",
    label="Cơ sở dữ liệu quốc gia về bảo hiểm",
    authority="Bảo hiểm xã hội Việt Nam",
    identifier=PERSONAL_ID,
    attributes={
        "social_insurance_number": "Mã số bảo hiểm xã hội",
        "health_insurance_card": "Thẻ bảo hiểm y tế",
    },
)

SPECS: dict[str, RegistrySpec] = {s.name: s for s in (POPULATION, CIVIL_STATUS, RESIDENCE, BUSINESS,
                                                      SOCIAL_INSURANCE)}
