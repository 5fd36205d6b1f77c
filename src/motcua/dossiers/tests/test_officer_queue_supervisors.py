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
    client.force_login(officer("sup-btp", "supervisor", "BTP"))
    assert _codes(client) == {hanoi.code, thanh_hoa.code}


def test_the_government_office_filters_by_an_agency_or_province_code_in_a_text_box(client):
    """3,817 agencies make no usable list: above a few dozen the agency filter is a text box taking an agency code or
    a province / ministry code (all its agencies)."""
    hanoi = _open_dossier("H01.TTPVHCC")
    thanh_hoa = _open_dossier("H38.TTPVHCC")
    client.force_login(officer("sup-btp", "supervisor", "BTP"))
    html = client.get("/can-bo/?role=supervisor", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<input type="text" name="agency"' in html and "<option value=\"H01.TTPVHCC\"" not in html

    def codes(agency: str) -> set[str]:
        page = client.get("/can-bo/", {"role": "supervisor", "agency": agency}).content.decode()
        return set(re.findall(r'href="/can-bo/ho-so/([^/]+)/"', page))

    assert codes("H38") == {thanh_hoa.code}
    assert codes("h01.ttpvhcc") == {hanoi.code}
    assert codes("H99") == set()


def test_an_officer_with_few_agencies_keeps_the_list(client):
    _open_dossier("H01.TTPVHCC")
    client.force_login(officer("desk-x", "desk_officer", "H01.TTPVHCC"))
    html = client.get("/can-bo/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<select name="agency"' in html and 'value="H01.TTPVHCC"' in html
