"""Decree 118/2025 Art. 35(1)(a): the central agency follows up and inspects the decree's implementation everywhere —
the Government Office until 4/8/2026, the Ministry of Justice from 5/8/2026 (Decree 309/2026 Art. 12). Its
supervisors read every agency's dossiers (the API, the officers' queue) and the exchange figures of any agency; the
other one's supervisors read only their own root, from the day the decree moves the task."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from motcua.core import central
from motcua.dossiers.access import viewer_for, visible
from motcua.dossiers.tests.api_clients import user
from motcua.dossiers.tests.factories import procedure, submitted, vn
from motcua.exchange.api.views import _may_supervise


@pytest.mark.parametrize(("day", "code"), [
    (date(2025, 7, 1), "VPCP"), (date(2026, 8, 4), "VPCP"), (date(2026, 8, 5), "BTP"), (date(2027, 1, 1), "BTP"),
])
def test_the_central_agency_moves_on_5_august_2026(day, code):
    assert central.central_agency(day) == code
    assert central.supervises_everything({code}, day)
    assert not central.supervises_everything({"H01"}, day)


def test_the_day_is_vietnams():
    assert central.central_agency(vn(2026, 8, 4, 23, 59)) == "VPCP"
    assert central.central_agency(vn(2026, 8, 5, 0, 0)) == "BTP"


@pytest.mark.django_db
@pytest.mark.parametrize(("now", "everything", "own_root_only"), [
    (vn(2026, 8, 4, 12), "VPCP", "BTP"),
    (vn(2026, 8, 5, 12), "BTP", "VPCP"),
])
def test_the_central_agencys_supervisor_sees_every_dossier_and_the_other_does_not(monkeypatch, now, everything,
                                                                                 own_root_only):
    procedure()
    hanoi = submitted(agency="H01.X00070")
    central_sup = user(f"sup-{everything}", ("supervisor", everything))
    other_sup = user(f"sup-{own_root_only}", ("supervisor", own_root_only))
    monkeypatch.setattr(timezone, "now", lambda: now)
    assert viewer_for(central_sup).supervises_all
    assert hanoi in visible(viewer_for(central_sup))
    assert not viewer_for(other_sup).supervises_all
    assert hanoi not in visible(viewer_for(other_sup))
    assert _may_supervise(central_sup, "H01.X00070")
    assert not _may_supervise(other_sup, "H01.X00070")
