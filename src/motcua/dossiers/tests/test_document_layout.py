"""Issue 14 point 2: the online form's documents laid out from the catalog's text (table-driven on phrases of the
national portal's "Đăng ký khai sinh" record, 1.001193)."""

import pytest

from motcua.dossiers.web.document_layout import case_label, channel_only, clean, is_conditional, is_note

PAPER = ("- Tờ khai đăng ký khai sinh theo mẫu  (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp "
         "hoặc gửi qua hệ thống bưu chính)")
ELECTRONIC = "- Mẫu hộ tịch điện tử tương tác đăng ký khai sinh (do người yêu cầu cung cấp thông tin theo hướng dẫn)"


@pytest.mark.parametrize(("case", "label"), [
    ("* Giấy tờ phải nộp:", ""),
    ("* Giấy tờ phải xuất trình:", ""),
    ("* Lưu ý:", ""),
    ("* Lưu ý :", ""),
    ("a) Thành phần hồ sơ:", ""),
    ("", ""),
    ("Trường hợp ủy quyền", "Trường hợp ủy quyền"),
    ("(1.1) Đối với công trình không theo tuyến:", "(1.1) Đối với công trình không theo tuyến"),
])
def test_a_section_heading_is_never_shown_as_a_case(case, label):
    assert case_label(case) == label


@pytest.mark.parametrize(("text", "cleaned"), [
    ("Mẫu số 01 ban hành kèm theo sau::", "Mẫu số 01 ban hành kèm theo sau:"),
    ("- Giấy chứng sinh", "Giấy chứng sinh"),
    ("+  Bản chụp  rõ nét", "Bản chụp rõ nét"),
])
def test_bullets_and_doubled_colons_are_cleaned(text, cleaned):
    assert clean(text) == cleaned


@pytest.mark.parametrize(("name", "case", "note"), [
    ("- Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng", "* Giấy tờ phải "
     "nộp:", False),
    ("+ Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ", "* Lưu ý:", True),
    ("- Đối với việc xác định họ, dân tộc, quê quán, đặt tên cho trẻ:", "", True),
    ("Cơ quan đăng ký hộ tịch từ chối giải quyết", "* Lưu ý:", True),
    (PAPER, "", False),
])
def test_notes_are_not_documents(name, case, note):
    assert is_note(name, case) is note


@pytest.mark.parametrize(("name", "case", "conditional"), [
    ("- Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi", "* Giấy tờ phải nộp:", True),
    ("Văn bản ủy quyền", "Trường hợp ủy quyền", True),
    ("- Giấy chứng sinh; trường hợp không có Giấy chứng sinh …", "* Giấy tờ phải nộp:", False),
    (ELECTRONIC, "", False),
])
def test_a_documents_case_is_asked_before_its_input(name, case, conditional):
    assert is_conditional(name, case) is conditional


def test_one_declaration_per_channel():
    names = [PAPER, ELECTRONIC, "- Giấy chứng sinh"]
    assert [channel_only(n, names) for n in names] == ["paper", "online", ""]
    assert channel_only(PAPER, [PAPER, "- Giấy chứng sinh"]) == ""  # no electronic form: the paper one stays
