"""Issue 12 point 1, from the attacker's side: an officer reads registry data only about the applicant (or a person
the form names) of an open dossier their agency handles, in a role that handles it — everything else is 403 and the
refusal is in the access log (purpose limitation, Law on Personal Data Protection 2025)."""

import pytest
from django.test import Client

from motcua.dossiers import services as dossiers
from motcua.dossiers.tests.factories import CITIZEN, vn
from motcua.exchange.models import AccessLogEntry

from .factories import AGENCY, AN, BINH, PROCEDURE, officer, officer_case

pytestmark = pytest.mark.django_db
URL = "/api/v1/registries/{}/lookup"


def _post(user, dossier_code: str, identifier: str, role: str = "desk_officer", registry: str = "population"):
    client = Client()
    client.force_login(user)
    return client.post(URL.format(registry), {"identifier": identifier, "role": role, "agency": AGENCY,
                                              "dossier": dossier_code, "purpose": "Thẩm định hồ sơ"},
                       content_type="application/json")


def _refused_and_logged(response, code: str, subject: str) -> None:
    assert response.status_code == 403, response.content
    assert response.json()["code"] == code
    assert "full_name" not in response.content.decode()
    entry = AccessLogEntry.objects.order_by("-id").first()
    assert (entry.outcome, entry.subject) == ("refused", subject) and entry.reason.startswith(code)


def test_a_desk_officer_cannot_read_a_person_who_is_not_the_dossiers_applicant():
    user, dossier = officer_case("desk_officer")
    _refused_and_logged(_post(user, dossier.code, BINH), "subject_not_in_dossier", BINH)


def test_a_withdrawn_dossier_no_longer_opens_the_registries():
    user, dossier = officer_case("desk_officer")
    dossiers.act(dossier.code, "withdraw", actor=user, role="desk_officer", expected_version=dossier.version,
                 at=vn(2026, 3, 2, 10))
    _refused_and_logged(_post(user, dossier.code, AN), "dossier_closed", AN)


def test_a_supervisor_of_the_agency_does_not_handle_dossiers_and_reads_nothing():
    _, dossier = officer_case("desk_officer")
    supervisor = officer("sup-x", "supervisor")
    _refused_and_logged(_post(supervisor, dossier.code, AN, role="supervisor"), "role_not_handling", AN)


def test_an_officer_of_another_agency_is_refused():
    _, dossier = officer_case("desk_officer")
    outsider = officer("desk-other", "desk_officer", agency="H79.TTPVHCC")
    response = _post(outsider, dossier.code, AN)
    assert response.status_code == 403 and response.json()["code"] == "dossier_of_other_agency"
    entry = AccessLogEntry.objects.get()
    assert (entry.agency_code, entry.outcome) == ("H79.TTPVHCC", "refused")  # the outsider's own agency


def test_the_applicant_and_a_person_the_form_names_can_be_read_for_an_open_dossier():
    user, dossier = officer_case("desk_officer")
    assert _post(user, dossier.code, AN).status_code == 200
    named = dossiers.submit(PROCEDURE, AGENCY, "online", dict(CITIZEN),
                            {"child": {"full_name": "Trần Thị Bình", "personal_id": BINH}}, at=vn(2026, 3, 2, 9))
    assert _post(user, named.code, BINH).status_code == 200
    assert list(AccessLogEntry.objects.values_list("outcome", flat=True)) == ["allowed", "allowed"]


def test_nobody_plants_an_agency_role_or_purpose_in_someone_elses_data_access_page():
    """Issue 12 point 10: a citizen claiming to be the police, or an officer claiming another agency and purpose,
    is logged as who they are, for the dossier's purpose."""
    user, dossier = officer_case("desk_officer")
    from .factories import citizen

    attacker = citizen(BINH)
    client = Client()
    client.force_login(attacker)
    claimed = {"identifier": AN, "role": "leader", "agency": "BCA", "dossier": dossier.code,
               "purpose": "Điều tra hình sự theo yêu cầu của Bộ Công an"}
    assert client.post(URL.format("population"), claimed, content_type="application/json").status_code == 403
    client.force_login(user)
    assert client.post(URL.format("population"), {**claimed, "role": "desk_officer"},
                       content_type="application/json").status_code == 200
    client.force_login(citizen(AN))
    rows = client.get("/api/v1/me/data-access").json()["results"]
    assert [(r["role"], (r["agency"] or {}).get("code"), r["outcome"]) for r in rows] == [
        ("desk_officer", AGENCY, "allowed"), ("citizen", None, "refused")]
    assert not any("Công an" in r["purpose"] for r in rows)
    assert rows[0]["purpose"] == f"Giải quyết hồ sơ {dossier.code}, thủ tục {PROCEDURE}"
