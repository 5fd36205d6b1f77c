"""Decree 309/2026 Art. 12 (in force 5/8/2026) gives the Ministry of Justice what Decree 118/2025 Art. 35(1)(h) calls
"chủ trì tiếp nhận, tổng hợp, xử lý phản ánh, kiến nghị … về quy định hành chính": a PAKN about an administrative
regulation naming no agency goes to the Government Office when received on 4/8/2026 and to the Ministry of Justice
from 5/8/2026; an item received before keeps its agency; the central agency of the day reads every item."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from motcua.feedback import rules, services

from .factories import SUBMITTER, Flow, officer, report, vn

pytestmark = pytest.mark.django_db

REGULATION = {"kind": "report", "topic": "regulation", "title": "Quy định về bản sao chứng thực còn chồng chéo",
              "content": "Thông tư yêu cầu nộp bản sao có chứng thực dù đã có dữ liệu dân cư điện tử.",
              "regulation": "Thông tư 01/2018/TT-VPCP", **SUBMITTER}


@pytest.mark.parametrize(("day", "code"), [
    (date(2013, 6, 30), "BTP"),   # Decree 20/2008 Art. 8(1)
    (date(2013, 7, 1), "VPCP"),   # as amended by Decree 48/2013
    (date(2026, 8, 4), "VPCP"),
    (date(2026, 8, 5), "BTP"),    # Decree 309/2026 Art. 12, in force 5/8/2026
])
def test_the_central_pakn_agency_is_chosen_by_the_day(day, code):
    assert rules.central_pakn_agency(day) == code


def test_the_day_is_vietnams_not_utcs():
    # 23:59 on 4/8 and 00:00 on 5/8, Vietnam time (16:59 and 17:00 UTC on 4/8).
    assert rules.central_pakn_agency(vn(2026, 8, 4, 23, 59)) == "VPCP"
    assert rules.central_pakn_agency(vn(2026, 8, 5, 0, 0)) == "BTP"


def test_a_regulation_pakn_received_on_4_august_goes_to_the_government_office():
    item = services.submit(dict(REGULATION), at=vn(2026, 8, 4, 16))
    assert item.agency.code == "VPCP" and item.received_by.code == "VPCP"
    assert item.events.get().data["agency"] == "VPCP"


def test_a_regulation_pakn_received_on_5_august_goes_to_the_ministry_of_justice():
    item = services.submit(dict(REGULATION), at=vn(2026, 8, 5, 8))
    assert item.agency.code == "BTP" and item.received_by.code == "BTP"


def test_an_item_received_before_keeps_its_agency_after_the_change():
    item = services.submit(dict(REGULATION), at=vn(2026, 8, 4, 16))
    flow = Flow(item, agency="VPCP")
    flow("classify", "desk_officer", at=vn(2026, 8, 6, 9), classification="in_competence")
    item.refresh_from_db()
    assert item.agency.code == "VPCP" and item.state == "handling"


def test_a_named_agency_is_kept_whatever_the_day():
    assert report(vn(2026, 8, 5, 9)).agency.code == "H01.TTPVHCC"


@pytest.mark.parametrize(("now", "sees_all", "sees_own_only"), [
    (vn(2026, 8, 4, 12), "VPCP", "BTP"),
    (vn(2026, 8, 5, 12), "BTP", "VPCP"),
])
def test_the_central_agency_of_the_day_reads_every_item(monkeypatch, now, sees_all, sees_own_only):
    everyone = officer(f"sup-{sees_all}", "supervisor", sees_all)
    one = officer(f"sup-{sees_own_only}", "supervisor", sees_own_only)
    hanoi = report(vn(2026, 8, 3, 9))
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert hanoi.agency_id in services.officer_agencies(everyone)
    assert hanoi.agency_id not in services.officer_agencies(one)
