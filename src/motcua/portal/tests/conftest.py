"""A small published catalog for the portal's page tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.records import (
    ChannelRecord,
    DocumentRecord,
    FeeRecord,
    LegalRecord,
    ParseIssue,
    ResultRecord,
    TimeLimit,
)
from motcua.catalog.tests.factories import create_procedure

SOURCE_URL = "https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=2.000635"


@pytest.fixture
def catalog(db):
    """Three civil-status procedures and one judicial-record procedure with every component filled in."""
    create_procedure("1.000001", "Đăng ký khai sinh")
    create_procedure("1.000002", "Đăng ký lại khai sinh", online_level="partial")
    create_procedure("1.000003", "Đăng ký kết hôn", levels=["commune", "province"], online_level="none",
                     documents=[DocumentRecord("Tờ khai đăng ký kết hôn", 1, 0, "Mẫu tờ khai")],
                     results=[ResultRecord("Giấy chứng nhận kết hôn")])
    return create_procedure(
        "2.000635", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
        sector="Lý lịch tư pháp", levels=["province"], online_level="partial",
        channels=[
            ChannelRecord("in_person", TimeLimit(Decimal(10), "working_days"), "10 ngày làm việc",
                          [FeeRecord(200000, "Phí cấp phiếu"), FeeRecord(5000, "Từ phiếu thứ 3 trở đi")],
                          "Nộp tại Sở Tư pháp"),
            ChannelRecord("online", TimeLimit(Decimal(4), "working_hours"), "4 giờ làm việc",
                          [FeeRecord(100000, "Giảm 50% khi nộp trực tuyến")]),
            ChannelRecord("postal", TimeLimit(Decimal(15), "unknown"), "15 ngày kể từ ngày nhận đủ hồ sơ hợp lệ"),
            ChannelRecord("postal", None, "", [FeeRecord(None, "Theo giá dịch vụ bưu chính")], "Gửi qua bưu điện"),
        ],
        documents=[
            DocumentRecord("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", 1, 0, "Mẫu số 03/2013/TT-LLTP",
                           case="Trường hợp cá nhân trực tiếp yêu cầu"),
            DocumentRecord("Bản chụp căn cước công dân", 0, 2, case="Trường hợp cá nhân trực tiếp yêu cầu"),
            DocumentRecord("Văn bản ủy quyền", 1, 0, case="Trường hợp ủy quyền"),
        ],
        results=[ResultRecord("Phiếu lý lịch tư pháp")],
        legal_basis=[LegalRecord("28/2009/QH12", "Luật Lý lịch tư pháp", dt.date(2009, 6, 17), dt.date(2010, 7, 1))],
        decision_number="1024/QĐ-BTP", decision_date=dt.date(2024, 3, 15),
        source_url=SOURCE_URL,
        parse_issues=[ParseIssue("channels", "Không đọc được đơn vị thời hạn", "15 ngày kể từ ngày nhận đủ")],
    )


def text_of(response) -> str:
    """The response body as text with tags removed and whitespace collapsed."""
    import re

    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
