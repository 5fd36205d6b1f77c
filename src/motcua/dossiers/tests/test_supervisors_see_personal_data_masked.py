"""Issue 12 point 15, from the attacker's side: a supervisor paging through the dossiers does not collect every
(personal ID, phone) pair — they are masked for readers who do not handle the dossier — and a page of personal data
in full is logged (who, how many, which query)."""

import logging

import pytest

from motcua.dossiers.api.testing import client_for, user

from .factories import AGENCY, CITIZEN, procedure, submitted

pytestmark = pytest.mark.django_db


def test_a_supervisor_sees_personal_ids_and_phones_masked():
    procedure()
    dossier = submitted()
    supervisor = client_for(user("sup-hn", ("supervisor", "H01")))
    row = supervisor.get("/api/v1/dossiers").json()["results"][0]
    assert row["applicant"]["personal_id"] == "*********345" and row["applicant"]["phone"] == "*******678"
    detail = supervisor.get(f"/api/v1/dossiers/{dossier.code}").json()
    assert CITIZEN["personal_id"] not in str(detail) and CITIZEN["phone"] not in str(detail)


def test_the_handling_desk_sees_them_and_the_bulk_read_is_logged(caplog):
    procedure()
    submitted()
    desk = client_for(user("desk", ("desk_officer", AGENCY)))
    with caplog.at_level(logging.INFO, logger="motcua.personal_data"):
        row = desk.get("/api/v1/dossiers?page_size=50").json()["results"][0]
    assert row["applicant"]["personal_id"] == CITIZEN["personal_id"]
    record = next(r for r in caplog.records if r.name == "motcua.personal_data")
    assert (record.user, record.count) == ("desk", 1) and "page_size=50" in record.path


def test_on_the_officer_page_too_the_supervisor_reads_them_masked(client):
    from .factories import Flow

    procedure()
    flow = Flow(submitted())
    client.force_login(flow.users["supervisor"])
    html = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert CITIZEN["personal_id"] not in html and CITIZEN["phone"] not in html and "*********345" in html
    client.force_login(flow.users["desk_officer"])
    html = client.get(f"/can-bo/ho-so/{flow.code}/").content.decode()
    assert CITIZEN["personal_id"] in html and CITIZEN["phone"] in html
