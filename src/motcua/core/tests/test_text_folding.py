import pytest

from motcua.core.text import fold, terms


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đăng ký khai sinh", "dang ky khai sinh"),
        ("ĐĂNG KÝ   KHAI SINH", "dang ky khai sinh"),
        ("dang ky khai sinh", "dang ky khai sinh"),
        ("Cấp Giấy chứng nhận quyền sử dụng đất", "cap giay chung nhan quyen su dung dat"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_removes_case_and_diacritics(raw, folded):
    assert fold(raw) == folded


def test_terms_keep_procedure_codes_whole():
    assert terms("Thủ tục 1.000080, (khai sinh).") == ["thu", "tuc", "1.000080", "khai", "sinh"]
