"""Issue 12 point 15, from the attacker's side: the index drill-down lists only the dossiers of the viewer's scope (a
commune's leader asking for the whole province sees none of the province centre's dossier codes), and staff status
gives no oversight role."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from motcua.dossiers.tests.factories import officer, procedure, vn
from motcua.oversight import facts

from .conftest import approve, handled

pytestmark = pytest.mark.django_db
PARAMS = {"period": "2026-02", "level": "province", "code": "01", "indicator": "2.1", "part": "denominator"}


@pytest.fixture
def tet_dossiers():
    """Two dossiers of the Hà Nội service centre received 13/2/2026, ended in February."""
    procedure()
    received = vn(2026, 2, 13, 10)
    d1 = handled(received, approve(vn(2026, 2, 26, 10)))
    d3 = handled(received, approve(vn(2026, 2, 25, 10)))
    facts.refresh()
    return d1, None, d3, None


def test_a_commune_leader_cannot_list_the_provinces_dossier_codes(tet_dossiers):
    d1, _d2, d3, _d4 = tet_dossiers
    client = Client()
    client.force_login(officer("leader-commune", "leader", agency="H01.X00070"))
    body = client.get("/api/v1/oversight/index/dossiers", PARAMS).json()
    assert body["count"] == 0 and body["results"] == []
    page = client.get("/giam-sat/chi-so/ho-so/", PARAMS).content.decode()
    assert d1.code not in page and d3.code not in page


def test_the_provinces_supervisor_still_lists_them(tet_dossiers):
    d1, _d2, d3, _d4 = tet_dossiers
    client = Client()
    client.force_login(officer("sup-hn", "supervisor", agency="H01"))
    body = client.get("/api/v1/oversight/index/dossiers", PARAMS).json()
    assert {r["code"] for r in body["results"]} == {d1.code, d3.code}


def test_staff_status_alone_is_no_oversight_role(tet_dossiers):
    staff = get_user_model().objects.create_user("nhan-vien", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/api/v1/oversight/index/dossiers", PARAMS).status_code == 403
    assert client.get("/giam-sat/chi-so/ho-so/", PARAMS).status_code == 403
