"""Issue 16 point 6 (Decree 224/2026 Art. 19(2)): online services measured per service, agency and period —
online dossiers, automation, time, on-time rate, satisfaction — and the proactive services' own figures: reminders
sent, acted on, refused, time from the event to the person's answer."""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import procedure, submitted, vn
from motcua.proactive import queries, services
from motcua.proactive.models import ProactiveCase

from .factories import FATHER, RUN_ON, age, birth, triggers

pytestmark = pytest.mark.django_db


def test_art19_2_g_reminders_sent_acted_on_and_refused_per_trigger():
    triggers("KS-LIENTHONG", "CCCD-DOITUOI", "BHYT-TRESOSINH")
    birth()
    age("001201001111", 25)
    services.run(RUN_ON)
    auto = ProactiveCase.objects.get(trigger__code="BHYT-TRESOSINH")
    services.respond(auto.pk, FATHER, "refuse")
    services.dismiss(ProactiveCase.objects.get(trigger__code="CCCD-DOITUOI").pk, "001201001111")
    today = date.today()
    rows = {r["trigger"]: r for r in queries.proactive_figures(today.replace(day=1), date(today.year + 1, 1, 1))}
    assert (rows["KS-LIENTHONG"]["sent"], rows["KS-LIENTHONG"]["acted"], rows["KS-LIENTHONG"]["refused"]) == (2, 0, 0)
    assert (rows["BHYT-TRESOSINH"]["sent"], rows["BHYT-TRESOSINH"]["refused"]) == (1, 1)
    assert rows["CCCD-DOITUOI"]["refused"] == 1
    born = date(2026, 11, 20)
    assert rows["BHYT-TRESOSINH"]["event_to_result_days"] == (today - born).days


def test_art19_2_b_online_dossiers_per_service_and_agency_on_the_oversight_page(client):
    procedure("1.000001")
    submitted(at=vn(2026, 3, 2, 9))
    submitted(at=vn(2026, 3, 3, 9), channel="in_person")
    data = queries.service_figures(date(2026, 3, 1), date(2026, 4, 1))
    [row] = data["rows"]
    assert (row["procedure"], row["dossiers"], row["online"], row["online_share"]) == ("1.000001", 2, 1, 50.0)
    page = client.get("/giam-sat/chu-dong/?from=2026-03-01&to=2026-04-01").content.decode()
    assert 'id="service-figures"' in page and "1.000001" in page and "1 (50,0%)" in page


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-04-01&to=2026-03-01"])
def test_a_bad_period_is_a_problem_not_a_crash(client, query):
    response = client.get(f"/giam-sat/chu-dong/?{query}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/problem+json")
