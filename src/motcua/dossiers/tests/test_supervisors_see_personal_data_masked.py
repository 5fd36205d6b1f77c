"""Issue 12 point 15, from the attacker's side: a supervisor paging through the dossiers does not collect every
(personal ID, phone) pair — they are masked for readers who do not handle the dossier — and a page of personal data
in full is logged (who, how many, which query)."""

import logging

import pytest

from motcua.dossiers.tests.api_clients import client_for, user

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


def _received():
    from .factories import Flow, vn

    procedure()
    flow = Flow(submitted(at=vn(2026, 3, 2, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return flow


@pytest.mark.parametrize("form", ["01"])
def test_a_supervisor_printing_a_dossiers_form_reads_the_id_and_phone_masked(client, form):
    flow = _received()
    client.force_login(flow.users["supervisor"])
    page = client.get(f"/can-bo/ho-so/{flow.code}/mau/{form}/")
    assert page.status_code == 200, page.status_code
    html = page.content.decode()
    assert CITIZEN["personal_id"] not in html and CITIZEN["phone"] not in html
    assert "*********345" in html
    client.force_login(flow.users["desk_officer"])
    html = client.get(f"/can-bo/ho-so/{flow.code}/mau/{form}/").content.decode()
    assert CITIZEN["personal_id"] in html


def test_a_supervisors_tracking_register_masks_phones_and_is_not_a_bulk_read(client):
    from motcua.exchange.models import AccessLogEntry

    flow = _received()
    client.force_login(flow.users["supervisor"])
    html = client.get(f"/can-bo/so-theo-doi/?agency={AGENCY}&from=2026-03-01&to=2026-03-31").content.decode()
    assert flow.code in html and CITIZEN["phone"] not in html
    assert not AccessLogEntry.objects.filter(registry="ho-so").exists()


def test_the_desks_register_in_full_is_recorded_in_the_access_log_the_citizen_sees(client):
    from motcua.exchange import queries as exchange_queries
    from motcua.exchange.models import AccessLogEntry

    flow = _received()
    client.force_login(flow.users["desk_officer"])
    html = client.get(f"/can-bo/so-theo-doi/?agency={AGENCY}&from=2026-03-01&to=2026-03-31").content.decode()
    assert CITIZEN["phone"] in html
    entry = AccessLogEntry.objects.get(registry="ho-so", subject=CITIZEN["personal_id"])
    assert (entry.dossier_code, entry.role, entry.outcome) == (flow.code, "desk_officer", "allowed")
    assert entry.actor_username == flow.users["desk_officer"].username and "mẫu 06" in entry.purpose
    row = exchange_queries.describe_access(list(exchange_queries.data_access(CITIZEN["personal_id"])))[0]
    assert row["registry"]["label"].startswith("Hồ sơ thủ tục hành chính")


def test_an_officers_api_list_in_full_is_recorded_per_applicant_in_the_chained_access_log():
    """A desk officer paging through the list one dossier at a time still leaves one entry per applicant read."""
    from motcua.exchange.audit import verify_access_log
    from motcua.exchange.models import AccessLogEntry

    procedure()
    dossier = submitted()
    desk = client_for(user("desk", ("desk_officer", AGENCY)))
    assert desk.get("/api/v1/dossiers?page_size=1").status_code == 200
    entry = AccessLogEntry.objects.get(registry="ho-so")
    assert (entry.subject, entry.dossier_code, entry.actor_username) == (CITIZEN["personal_id"], dossier.code, "desk")
    assert verify_access_log().intact
    supervisor = client_for(user("sup-hn", ("supervisor", "H01")))
    supervisor.get("/api/v1/dossiers?page_size=50")  # masked: nothing read, nothing recorded
    assert AccessLogEntry.objects.filter(registry="ho-so").count() == 1


def test_a_supervisor_searching_the_queue_by_a_personal_id_leaves_a_trace_the_citizen_sees(client):
    from motcua.exchange.models import AccessLogEntry

    flow = _received()
    client.force_login(flow.users["supervisor"])
    html = client.get("/can-bo/", {"role": "supervisor", "q": CITIZEN["personal_id"]}).content.decode()
    assert flow.code in html
    entry = AccessLogEntry.objects.get(registry="ho-so", subject=CITIZEN["personal_id"])
    assert (entry.role, entry.dossier_code) == ("supervisor", flow.code)
    client.force_login(flow.users["desk_officer"])  # the desk's own search is its work, not a bulk read
    client.get("/can-bo/", {"q": CITIZEN["personal_id"]})
    assert AccessLogEntry.objects.filter(registry="ho-so").count() == 1
