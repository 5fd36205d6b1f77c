"""Issue 14 point 11: the person's data-access page groups the log by dossier and registry (one row with the count
and the time range, not one row per read), and a purpose is never cut mid-word."""

import re

import pytest
from django.test import Client

from motcua.exchange import rules, services
from motcua.exchange.models import AccessLogEntry

from .factories import AGENCY, AN, citizen, officer_case

pytestmark = pytest.mark.django_db


def test_reads_for_one_dossier_and_registry_make_one_row_with_count_and_time_range():
    user, dossier = officer_case(registry="residence")
    for i in range(6):
        services.fetch("residence", AN, agency=AGENCY, actor=user, role="specialist", dossier_code=dossier.code,
                       purpose=f"Xác minh nơi cư trú lần {i}")
    client = Client()
    client.force_login(citizen(AN))
    html = client.get("/du-lieu-cua-toi/").content.decode()
    rows = re.findall(r"<tr class=\"access-[^\"]*\">(.*?)</tr>", html, re.S)
    assert len(rows) == 1, rows
    assert '<td class="num">6</td>' in rows[0] and dossier.code in rows[0]
    assert rows[0].count("<time ") == 2  # from the first read to the last
    assert "6 lần khai thác" in html


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("Thay thế giấy tờ Tờ khai đăng ký khai sinh", 25, "Thay thế giấy tờ Tờ khai…"),
    ("ngắn", 25, "ngắn"),
    ("Mộtchữrấtdàikhôngcókhoảngtrắng", 10, "Mộtchữrất…"),
])
def test_a_purpose_too_long_is_cut_at_a_word_boundary(text, limit, expected):
    assert rules.clip_words(text, limit) == expected
    assert len(rules.clip_words(text, limit)) <= limit


def test_the_logged_purpose_ends_on_a_whole_word():
    user, dossier = officer_case(registry="residence")
    words = "Xác minh nơi cư trú của người nộp hồ sơ " * 20
    services.fetch("residence", AN, agency=AGENCY, actor=user, role="specialist", dossier_code=dossier.code,
                   purpose=words)
    logged = AccessLogEntry.objects.get(subject=AN, dossier_code=dossier.code).purpose
    assert len(logged) <= rules.MAX_PURPOSE and logged.endswith("…")
    assert words.startswith(logged[:-1]) and words[len(logged) - 1] == " "
