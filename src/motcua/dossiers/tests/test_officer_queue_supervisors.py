"""Supervisors read their whole province's queue, and the Government Office reads every agency's (the same rule as
the API's visibility)."""

import re

import pytest

from .factories import Flow, officer, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _procedure():
    procedure()


def _open_dossier(agency: str):
    flow = Flow(submitted(at=vn(2026, 3, 9, 9), agency=agency), agency=agency)
    flow("receive", "desk_officer", vn(2026, 3, 9, 10))
    return flow.dossier


def _codes(client) -> set[str]:
    html = client.get("/can-bo/?role=supervisor", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    return set(re.findall(r'href="/can-bo/ho-so/([^/]+)/"', html))


def test_province_supervisor_sees_the_province_but_not_another(client):
    hanoi = _open_dossier("H01.TTPVHCC")
    thanh_hoa = _open_dossier("H38.TTPVHCC")
    client.force_login(officer("sup-h01", "supervisor", "H01"))
    assert _codes(client) == {hanoi.code}
    assert thanh_hoa.code not in _codes(client)


def test_government_office_supervisor_sees_every_agency(client):
    hanoi = _open_dossier("H01.TTPVHCC")
    thanh_hoa = _open_dossier("H38.TTPVHCC")
    client.force_login(officer("sup-vpcp", "supervisor", "VPCP"))
    assert _codes(client) == {hanoi.code, thanh_hoa.code}
