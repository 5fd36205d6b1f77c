"""Time limits read as amount + translated unit; fees as grouped VND; both follow the active language."""

from decimal import Decimal

import pytest
from django.utils import translation

from motcua.catalog.models import Channel
from motcua.portal.templatetags.portal_format import time_limit, vnd


@pytest.mark.parametrize(
    ("amount", "unit", "text", "vi", "en"),
    [
        (Decimal(5), "working_days", "", "5 ngày làm việc", "5 working days"),
        (Decimal(1), "working_days", "", "1 ngày làm việc", "1 working day"),
        (Decimal(4), "working_hours", "", "4 giờ làm việc", "4 working hours"),
        (Decimal(30), "calendar_days", "", "30 ngày", "30 days"),
        (Decimal("0.5"), "working_days", "", "0,5 ngày làm việc", "0.5 working days"),
        (None, "same_day", "", "Trong ngày làm việc", "Within the working day"),
        (None, "", "", "Không quy định", "Not specified"),
        (Decimal(15), "unknown", "15 ngày kể từ", "15 <span class=\"verbatim\">(nguyên văn: “15 ngày kể từ”)</span>",
         "15 <span class=\"verbatim\">(as published: “15 ngày kể từ”)</span>"),
    ],
)
def test_time_limit_words(amount, unit, text, vi, en):
    channel = Channel(kind="in_person", position=0, time_limit_amount=amount, time_limit_unit=unit,
                      time_limit_text=text)
    with translation.override("vi"):
        assert time_limit(channel) == vi
    with translation.override("en"):
        assert time_limit(channel) == en


@pytest.mark.parametrize(("amount", "vi", "en"), [
    (50000, "50.000 đ", "50,000 VND"),
    (1500000, "1.500.000 đ", "1,500,000 VND"),
    (0, "0 đ", "0 VND"),
    (None, "", ""),
])
def test_vnd(amount, vi, en):
    with translation.override("vi"):
        assert vnd(amount) == vi
    with translation.override("en"):
        assert vnd(amount) == en
