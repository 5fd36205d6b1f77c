"""The dashboard's watch list (issue 6 point 8): open dossiers already late and due within two working days per
unit, this month's PAKN figures, for supervisors within their scope; read from the facts."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from motcua.core.calendar import WorkingCalendar
from motcua.demo import generate as gen
from motcua.oversight import facts, queries
from motcua.oversight.models import DossierFact
from motcua.units.models import Agency, Membership

from .factories import START, small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def history():
    small_catalog()
    gen.generate(400, start=START, end=date(2026, 3, 10), seed=5)
    facts.rebuild()


@pytest.mark.parametrize("today", [date(2026, 3, 10), date(2026, 3, 20)])
def test_watch_list_counts_open_dossiers_late_and_due_soon(history, today):
    watch = queries.watch_list(None, today)
    open_facts = list(DossierFact.objects.filter(ended_day__isnull=True))
    late = [f for f in open_facts if f.late_day is not None and f.late_day <= today]
    horizon = WorkingCalendar.from_db().add_working_days(today, 2)
    soon = [f for f in open_facts if f.due_day is not None and today <= f.due_day <= horizon
            and (f.late_day is None or f.late_day > today)]
    assert (watch["overdue"], watch["soon"]) == (len(late), len(soon))
    assert watch["overdue"] + watch["soon"] > 0
    if today < date(2026, 3, 20):
        return
    # Ten days after the history ends, dossiers left open have run past their due time.
    assert watch["overdue"] > 0
    assert sum(u["n"] for u in watch["overdue_units"]) <= watch["overdue"]
    counts = [u["n"] for u in watch["overdue_units"]]
    assert counts == sorted(counts, reverse=True)
    # Scoped to one agency, only its dossiers count.
    busiest = watch["overdue_units"][0]["agency__code"]
    agency = Agency.objects.get(code=busiest)
    scoped = queries.watch_list({agency.pk}, today)
    assert scoped["overdue"] == watch["overdue_units"][0]["n"]


def _member(username: str, code: str, role: str):
    user = get_user_model().objects.create_user(username, password="x")
    Membership.objects.create(user=user, agency=Agency.objects.get(code=code), role=role)
    return user


def test_dashboard_shows_the_watch_list_to_supervisors_only(history, client):
    assert "Cần xử lý ngay" not in client.get("/giam-sat/").content.decode()
    client.force_login(_member("btp", "BTP", "supervisor"))
    page = client.get("/giam-sat/").content.decode()
    assert "Cần xử lý ngay" in page and "Phản ánh, kiến nghị trong kỳ" in page
    assert "Vướng mắc của Hội đồng tư vấn" in page  # the Government Office also sees the obstacles
    client.force_login(_member("desk", "H01", "desk_officer"))
    assert "Cần xử lý ngay" not in client.get("/giam-sat/").content.decode()


def test_watch_scope_follows_the_supervisors_province_and_the_leaders_agency():
    from django.db.models import Q

    from motcua.oversight.access import watch_agencies

    hanoi = set(Agency.objects.filter(Q(code="H01") | Q(code__startswith="H01.")).values_list("pk", flat=True))
    assert watch_agencies(_member("h01-sup", "H01", "supervisor")) == hanoi
    centre = set(Agency.objects.filter(Q(code="H01.TTPVHCC") | Q(code__startswith="H01.TTPVHCC."))
                 .values_list("pk", flat=True))
    assert watch_agencies(_member("centre-lead", "H01.TTPVHCC", "leader")) == centre
    assert watch_agencies(_member("btp-sup2", "BTP", "supervisor")) is None
    assert watch_agencies(_member("desk2", "H01", "desk_officer")) == set()
