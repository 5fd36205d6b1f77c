"""The portal's flattened tables parse into structured components: real snippets and invented ones in the same format
(other sectors and agencies, hours, same day, several fee lines, decimal amounts, a bare number, no information)."""

from decimal import Decimal

import pytest

from motcua.catalog.importers.dvcqg import (
    online_level,
    parse_agencies,
    parse_channels,
    parse_documents,
    parse_fees,
    parse_legal_basis,
    parse_levels,
    parse_results,
    parse_steps,
    parse_subjects,
    parse_time_limit,
    record_from_dvcqg,
)
from motcua.catalog.records import ChannelRecord, TimeLimit

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"


@pytest.mark.parametrize("text, expected", [
    ("5 Ngày làm việc", TimeLimit(Decimal(5), "working_days")),
    ("60 ngày làm việc", TimeLimit(Decimal(60), "working_days")),
    ("15 Ngày", TimeLimit(Decimal(15), "calendar_days")),
    ("1 Giờ", TimeLimit(Decimal(1), "working_hours")),
    ("4 giờ làm việc", TimeLimit(Decimal(4), "working_hours")),
    ("Trong ngày", TimeLimit(Decimal(1), "same_day")),
    ("trong ngày làm việc", TimeLimit(Decimal(1), "same_day")),
    ("0,5 Ngày làm việc", TimeLimit(Decimal("0.5"), "working_days")),
    ("0.5 Ngày làm việc", TimeLimit(Decimal("0.5"), "working_days")),
    ("7", TimeLimit(Decimal(7), "unknown")),
    ("6 Tháng", TimeLimit(Decimal(6), "unknown")),
    ("Không có thông tin", None),
    ("", None),
    ("theo quy định", None),
])
def test_time_limit(text, expected):
    assert parse_time_limit(text) == expected


@pytest.mark.parametrize("text, amounts", [
    ("50,000 Việt Nam Đồng(Phí : 50.000 Đồng)", [50000]),
    ("Phí : 50.000 Đồng", [50000]),
    ("Lệ phí: 100.000 đồng/hồ sơ", [100000]),
    ("Miễn phí", [0]),
    ("Miễn phí(Không thu lệ phí)", [0]),
    ("Không", [0]),
    ("Không có thông tin", []),
    ("", []),
    ("1,500,000 VNĐ", [1500000]),
    # several fee lines: the cell's amount and labelled lines with other amounts
    ("250,000 VNĐ( Đồng (Sát hạch thực hành)  Phí: 400000 Đồng (- Sát hạch bổ sung)  Phí: 600000 Đồng (Cấp lần đầu))",
     [250000, 400000, 600000]),
    ("200,000 VNĐ(Phí thẩm định: 200.000 đồng/hồ sơ; Lệ phí cấp giấy phép: 50.000 đồng/giấy)", [200000, 50000]),
    ("150 USD(150 USD/thẻ.)", [None]),
])
def test_fees(text, amounts):
    assert [f.amount_vnd for f in parse_fees(text)] == amounts


def test_fee_keeps_its_description():
    [fee] = parse_fees("10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc.)")
    assert fee.description == "10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc.)"


def test_reduced_rate_is_not_a_second_fee():
    fees = parse_fees("500,000 Việt Nam Đồng(Áp dụng mức phí: 250.000 đồng kể từ ngày 01/7/2025)")
    assert [f.amount_vnd for f in fees] == [500000]


REAL_CHANNELS = (
    HEADER + "Dịch vụ bưu chính60 Ngày làm việcKhông có thông tinThời hạn giải quyết khiếu nại lần đầu không quá 30 "
    "ngày.Trực tiếp60 Ngày làm việcKhông có thông tinThời hạn giải quyết khiếu nại lần đầu không quá 30 ngày."
)


@pytest.mark.parametrize("text, expected", [
    (REAL_CHANNELS, [("postal", TimeLimit(Decimal(60), "working_days"), []),
                     ("in_person", TimeLimit(Decimal(60), "working_days"), [])]),
    (HEADER + "Trực tuyến3 Ngày làm việc10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc.)- Nộp hồ sơ trên Cổng dịch vụ "
     "công.Trực tiếp3 Ngày làm việc10,000 Việt Nam Đồng(10.000 đồng/khẩu-chiếc.)- Nộp hồ sơ trực tiếp.",
     [("online", TimeLimit(Decimal(3), "working_days"), [10000]),
      ("in_person", TimeLimit(Decimal(3), "working_days"), [10000])]),
    # invented, another sector: hours, same day, a bare number, a decimal amount, no information
    (HEADER + "Trực tuyến4 Giờ làm việcMiễn phíNộp qua Cổng Dịch vụ công tỉnh.Trực tiếpTrong ngàyLệ phí: 20.000 "
     "đồng/bản saoTại Trung tâm Phục vụ hành chính công.Dịch vụ bưu chính7Miễn phí",
     [("online", TimeLimit(Decimal(4), "working_hours"), [0]),
      ("in_person", TimeLimit(Decimal(1), "same_day"), [20000]),  # a labelled line in the description
      ("postal", TimeLimit(Decimal(7), "unknown"), [0])]),
    (HEADER + "Trực tiếp0,5 Ngày làm việc30,000 VNĐ(Phí: 30.000 đồng/lần; Lệ phí: 15.000 đồng/giấy)Nộp tại Sở Y tế"
     "Trực tuyếnKhông có thông tinKhông có thông tin",
     [("in_person", TimeLimit(Decimal("0.5"), "working_days"), [30000, 15000]),
      ("online", None, [])]),
])
def test_channels(text, expected):
    channels, _ = parse_channels(text)
    assert [(c.kind, c.time_limit, [f.amount_vnd for f in c.fees]) for c in channels] == expected


def test_channel_keeps_time_text_and_description():
    [channel, _], _ = parse_channels(REAL_CHANNELS)
    assert channel.time_limit_text == "60 Ngày làm việc"
    assert channel.description.startswith("Thời hạn giải quyết khiếu nại")


def test_bare_number_run_into_fee_is_split_and_flagged():
    channels, issues = parse_channels(HEADER + "Trực tuyến1200 VNĐDịch vụ bưu chính140,000 Việt Nam Đồng(ô tô)")
    assert [(c.time_limit, c.fees[0].amount_vnd) for c in channels] == [
        (TimeLimit(Decimal(1), "unknown"), 200), (TimeLimit(Decimal(1), "unknown"), 40000)]
    assert any("run together" in i.message for i in issues)


def test_channel_text_without_rows_is_an_issue_not_dropped():
    channels, issues = parse_channels("Nộp hồ sơ tại bộ phận một cửa")
    assert channels == [] and issues[0].raw == "Nộp hồ sơ tại bộ phận một cửa"


def test_months_are_kept_but_flagged():
    channels, issues = parse_channels(HEADER + "Trực tiếp6 Tháng100 USD(100 USD/thẻ.)")
    assert channels[0].time_limit == TimeLimit(Decimal(6), "unknown")
    assert {i.component for i in issues} == {"time_limit", "fees"}


DOC_HEADER = "Tên giấy tờMẫu đơn, tờ khaiSố lượng"


@pytest.mark.parametrize("text, expected", [
    ("--" + DOC_HEADER + "Đơn khiếu nại hoặc bản ghi nội dung khiếu nại1 bản chính"
     "Thông báo thụ lý khiếu nại1 bản chính",
     [("", "Đơn khiếu nại hoặc bản ghi nội dung khiếu nại", "", 1, 0), ("", "Thông báo thụ lý khiếu nại", "", 1, 0)]),
    ("--" + DOC_HEADER + "Đơn đề nghị cấp thẻ (theo Mẫu TP-CC-05 ban hành kèm theo Thông tư số 05/2025/TT-BTP)"
     "Mẫu TP-CC-05.docx1 bản chínhGiấy chứng nhận sức khỏe0 bản chính,1 bản sao",
     [("", "Đơn đề nghị cấp thẻ (theo Mẫu TP-CC-05 ban hành kèm theo Thông tư số 05/2025/TT-BTP)",
       "Mẫu TP-CC-05.docx", 1, 0), ("", "Giấy chứng nhận sức khỏe", "", 0, 1)]),
    # invented: two cases, two forms on one row
    ("* Trường hợp cấp mới:" + DOC_HEADER + "Tờ khai đăng ký hộ kinh doanh;Mẫu 01.docxMẫu 02.pdf1 bản chính"
     "* Trường hợp cấp lại:" + DOC_HEADER + "Bản sao giấy chứng nhận1 bản sao",
     [("* Trường hợp cấp mới:", "Tờ khai đăng ký hộ kinh doanh;", "Mẫu 01.docx; Mẫu 02.pdf", 1, 0),
      ("* Trường hợp cấp lại:", "Bản sao giấy chứng nhận", "", 0, 1)]),
    ("Không có thông tin", []),
])
def test_documents(text, expected):
    documents, _ = parse_documents(text)
    assert [(d.case, d.name, d.form, d.originals, d.copies) for d in documents] == expected


def test_quantity_inside_a_name_does_not_split_it():
    documents, _ = parse_documents(DOC_HEADER + "Giấy tờ gồm 02 bản sao có chứng thực hộ chiếu1 bản chính")
    assert [(d.name, d.originals) for d in documents] == [("Giấy tờ gồm 02 bản sao có chứng thực hộ chiếu", 1)]


LEGAL_HEADER = "Tên văn bản pháp lýMã văn bản"


@pytest.mark.parametrize("text, expected", [
    (LEGAL_HEADER + "Hướng dẫn xử lý khiếu nại trong công an nhân dân68/2013/TT-BCALuật Khiếu nại  năm 201102/2011/QH13"
     "Nghị định 05/2012/NĐ-CP05/2012/NĐ-CP",
     [("68/2013/TT-BCA", "Hướng dẫn xử lý khiếu nại trong công an nhân dân"), ("02/2011/QH13", None),
      ("05/2012/NĐ-CP", "Nghị định 05/2012/NĐ-CP")]),
    (LEGAL_HEADER + "Nghị định 64/2022/NĐ-CP64/2022/NĐ-CPLuật 61/2014/QH1361/2014/QH13",
     [("64/2022/NĐ-CP", "Nghị định 64/2022/NĐ-CP"), ("61/2014/QH13", "Luật 61/2014/QH13")]),
    (LEGAL_HEADER + "Nghị định quy định về đăng ký doanh nghiệp01/2021/NĐ-CPLuật Doanh nghiệp59/2020/QH14"
     "Thông tư quy định chế độ báo cáo01/2018/TT-VPCPQuyết định về biểu mẫu123/QĐ-UBND",
     [("01/2021/NĐ-CP", "Nghị định quy định về đăng ký doanh nghiệp"), ("59/2020/QH14", "Luật Doanh nghiệp"),
      ("01/2018/TT-VPCP", "Thông tư quy định chế độ báo cáo"), ("123/QĐ-UBND", "Quyết định về biểu mẫu")]),
    ("Không có thông tin", []),
])
def test_legal_basis(text, expected):
    records, _ = parse_legal_basis(text)
    assert [r.number for r in records] == [n for n, _ in expected]
    for record, (_, title) in zip(records, expected, strict=True):
        if title is not None:
            assert record.title == title


def test_legal_basis_dates_and_glued_ngay():
    text = (LEGAL_HEADER + "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA "
            "ngày 15 tháng 5 năm 2021 về cư trú53/2025/TT-BCA")
    [record], issues = parse_legal_basis(text)
    assert record.number == "53/2025/TT-BCA"
    assert record.issued_on.isoformat() == "2025-07-01"
    assert issues == []


def test_legal_text_without_a_number_is_an_issue():
    records, issues = parse_legal_basis(LEGAL_HEADER + "Luật Công chứng năm 2024")
    assert records == [] and issues[0].raw == "Luật Công chứng năm 2024"


@pytest.mark.parametrize("text, expected", [
    ("Quyết định giải quyết khiếu nại lần 1, lần 2Mã: KQ.G01.00262Từ khóaKhông có thông tinMô tảKhông có thông tin",
     [("Quyết định giải quyết khiếu nại lần 1, lần 2", "KQ.G01.00262", "")]),
    ("Văn bản từ chốiMã: KQ.G19.000488Văn bản chấp thuận giải thể.Mã: KQ.G19.000311Từ khóaKhông có thông tinMô tả"
     "Không có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phố",
     [("Văn bản từ chối", "KQ.G19.000488", ""), ("Văn bản chấp thuận giải thể.", "KQ.G19.000311", "")]),
    ("Giấy phép hoạt động in", [("Giấy phép hoạt động in", "", "")]),
    ("Giấy chứng nhậnMã: KQ.G07.000001Từ khóaKhông có thông tinMô tảBản điện tử có giá trị như bản giấy",
     [("Giấy chứng nhận", "KQ.G07.000001", "Bản điện tử có giá trị như bản giấy")]),
])
def test_results(text, expected):
    assert [(r.name, r.code, r.description) for r in parse_results(text)] == expected


def test_steps_split_on_numbered_steps_in_order():
    text = "Bước 1: Nộp hồ sơ\nTại bộ phận một cửa.\nBước 2: Thẩm định, xem lại Bước 1 nếu thiếu\nBước 3: Trả kết quả"
    steps = parse_steps(text)
    assert [s.title for s in steps] == ["Bước 1: Nộp hồ sơ", "Bước 2: Thẩm định, xem lại Bước 1 nếu thiếu",
                                        "Bước 3: Trả kết quả"]
    assert steps[0].description == "Tại bộ phận một cửa."


def test_steps_without_numbers_are_one_step():
    [step] = parse_steps("Tổ chức nộp hồ sơ; cơ quan giải quyết và trả kết quả.")
    assert step.description == "Tổ chức nộp hồ sơ; cơ quan giải quyết và trả kết quả."


@pytest.mark.parametrize("text, levels, issues", [
    ("Cấp bộ", ["ministry"], 0),
    ("Cấp bộ, Cấp tỉnh, Cấp xã", ["ministry", "province", "commune"], 0),
    ("Cấp tỉnh, Cấp huyện", ["province", "commune"], 1),
    ("Cấp xã, Cơ quan khác", ["commune"], 1),
    ("", [], 0),
])
def test_levels(text, levels, issues):
    found, problems = parse_levels(text)
    assert found == levels and len(problems) == issues


@pytest.mark.parametrize("text, expected", [
    ("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam",
     ["Tổ chức (không bao gồm doanh nghiệp, HTX)", "Công dân Việt Nam"]),
    ("Công dân Việt Nam, Cán bộ, công chức, viên chức, Người nước ngoài",
     ["Công dân Việt Nam", "Cán bộ, công chức, viên chức", "Người nước ngoài"]),
    ("Không có thông tin", []),
])
def test_subjects(text, expected):
    assert parse_subjects(text) == expected


def test_agencies_split_only_before_an_agency_word():
    obj = {"co_quan_thuc_hien": "Bộ Văn hóa, Thể thao và Du lịch, Sở Văn hóa và Thể thao",
           "co_quan_co_tham_quyen": "Cục cảnh sát quản lý hành chính về trật tự, xã hội",
           "co_quan_phoi_hop": "Bộ Tài chính; Bộ Y tế", "co_quan_duoc_uy_quyen": "Không có thông tin"}
    agencies = parse_agencies(obj, resolve=lambda name: "BYT" if name == "Bộ Y tế" else "")
    assert [(a.role, a.name, a.code) for a in agencies] == [
        ("competent", "Cục cảnh sát quản lý hành chính về trật tự, xã hội", ""),
        ("implementing", "Bộ Văn hóa, Thể thao và Du lịch", ""),
        ("implementing", "Sở Văn hóa và Thể thao", ""),
        ("coordinating", "Bộ Tài chính", ""),
        ("coordinating", "Bộ Y tế", "BYT"),
    ]


@pytest.mark.parametrize("kinds, text, expected", [
    (["online"], "", "full"),
    (["online", "in_person"], "", "partial"),
    (["in_person", "postal"], "", "none"),
    (["online", "in_person"], "đủ điều kiện thực hiện dịch vụ công trực tuyến toàn trình", "full"),
])
def test_online_level(kinds, text, expected):
    assert online_level([ChannelRecord(k) for k in kinds], [text]) == expected


def test_record_keeps_the_source_verbatim_and_flags_what_it_cannot_read():
    obj = {"ma_thu_tuc": "2.009999", "ten_thu_tuc": "Cấp giấy phép  thử nghiệm", "cap_thuc_hien": "Cấp huyện",
           "linh_vuc": "Y tế", "cach_thuc_thuc_hien": "Nộp tại UBND", "thanh_phan_ho_so": "Không có thông tin",
           "co_quan_thuc_hien": "Sở Y tế", "doi_tuong_thuc_hien": "Công dân Việt Nam", "extra_field": "kept"}
    record = record_from_dvcqg(obj)
    assert record.raw == obj
    assert record.source == "dvcqg" and record.status == "published"
    assert record.name == "Cấp giấy phép thử nghiệm" and record.sector == "Y tế" and record.levels == ["commune"]
    assert {i.component for i in record.parse_issues} == {"channels", "levels"}
    assert next(i for i in record.parse_issues if i.component == "channels").raw == "Nộp tại UBND"
