"""Issue 14 point 4: full names in Vietnamese order everywhere, dates dd/mm/yyyy and times "HH:MM dd/mm/yyyy",
amounts and counts with thousands separators, Vietnamese alphabetical order."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

from motcua.core.calendar import TZ
from motcua.core.text import vn_sort_key


def test_a_full_name_is_written_family_name_first():
    user = get_user_model()(username="001090012345", first_name="An", last_name="Nguyễn Văn")
    assert user.get_full_name() == "Nguyễn Văn An"
    assert Template("{{ u.get_full_name }}").render(Context({"u": user})) == "Nguyễn Văn An"
    assert get_user_model()(username="x").get_full_name() == ""


@pytest.mark.parametrize(("template", "value", "expected"), [
    ("{{ v|vdate }}", dt.date(1990, 3, 12), "12/03/1990"),
    ("{{ v|vdate }}", dt.datetime(2026, 3, 2, 9, 5, tzinfo=TZ), "09:05 02/03/2026"),
    ("{{ v|vn_number }}", 1399, "1.399"),
    ("{{ v|vn_number }}", 4500000, "4.500.000"),
    ("{{ v|vnd }}", 45000, "45.000 đ"),
])
def test_portal_format_filters_in_vietnamese(template, value, expected):
    with translation.override("vi"):
        assert Template("{% load portal_format %}" + template).render(Context({"v": value})) == expected


def test_sectors_beginning_with_d_stroke_come_after_d_not_after_v():
    sectors = ["Việc làm", "Đường bộ", "Du lịch", "Giáo dục", "Đất đai", "Dân tộc", "An toàn thực phẩm", "Ăn uống"]
    assert sorted(sectors, key=vn_sort_key) == ["An toàn thực phẩm", "Ăn uống", "Dân tộc", "Du lịch", "Đất đai",
                                                "Đường bộ", "Giáo dục", "Việc làm"]


@pytest.mark.parametrize("value", [dt.date(1990, 3, 12), "1990-03-12"])
def test_a_prefilled_birth_date_reads_dd_mm_yyyy(value):
    from motcua.dossiers.web.once_only import _display

    assert _display(value) == "12/03/1990"
