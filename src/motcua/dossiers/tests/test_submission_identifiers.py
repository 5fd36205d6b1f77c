"""Submission applies the full identifier rules of domain.md §4 (core.identifiers), not only the digit count."""

import pytest

from motcua.dossiers.services import InvalidSubmission, submit

from .factories import AGENCY, CITIZEN, procedure, vn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("personal_id", "why"),
    [
        ("000090012345", "province 000 does not exist"),
        ("097090012345", "province 097 does not exist"),
        ("001690012345", "century digit 6 does not exist"),
        ("001299012345", "born in 2099: in the future"),
    ],
)
def test_a_twelve_digit_personal_id_that_breaks_the_rules_is_refused(personal_id, why):
    procedure()
    with pytest.raises(InvalidSubmission) as refused:
        submit("1.000001", AGENCY, "online", {**CITIZEN, "personal_id": personal_id}, {}, at=vn(2026, 3, 2, 9))
    assert "applicant.personal_id" in refused.value.errors, why


def test_a_valid_personal_id_is_accepted():
    procedure()
    d = submit("1.000001", AGENCY, "online", {**CITIZEN, "personal_id": "079201006789"}, {}, at=vn(2026, 3, 2, 9))
    assert d.applicant_personal_id == "079201006789"


def test_an_enterprise_code_with_a_branch_suffix_is_accepted_and_a_malformed_one_refused():
    procedure()
    business = {"kind": "business", "full_name": "Công ty A"}
    d = submit("1.000001", AGENCY, "online", {**business, "enterprise_code": "0101234567-001"}, {},
               at=vn(2026, 3, 2, 9))
    assert d.applicant_enterprise_code == "0101234567-001"
    with pytest.raises(InvalidSubmission) as refused:
        submit("1.000001", AGENCY, "online", {**business, "enterprise_code": "0101234567-1"}, {}, at=vn(2026, 3, 2, 9))
    assert "applicant.enterprise_code" in refused.value.errors


# Every channel refuses a malformed personal ID with the rule's reason, and creates nothing: desk entry (web), the
# citizen's online form (web) and the API all go through the same rule.

BAD_ID = "097090012345"  # 12 digits, but province 097 does not exist


def test_desk_entry_refuses_a_malformed_personal_id_with_the_reason(client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from motcua.catalog.models import RequiredDocument
    from motcua.dossiers.models import Dossier

    from .factories import officer

    settings.MEDIA_ROOT = tmp_path / "media"
    version = procedure()
    doc = RequiredDocument.objects.get(version=version)
    client.force_login(officer("desk", "desk_officer"))
    data = {"procedure": "1.000001", "channel": "in_person", "agency": AGENCY, "kind": "citizen",
            "full_name": "Lê Văn Cường", "personal_id": BAD_ID, "phone": "0903 111 222", "email": "",
            "address": "Ba Đình, Hà Nội",
            f"document_{doc.pk}": SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
    response = client.post("/can-bo/tiep-nhan/moi/?procedure=1.000001", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400  # the form comes back with the field's error
    errors = response.context["form"].errors["personal_id"]
    assert errors and "097" in " ".join(errors)
    assert not Dossier.objects.exists()


def test_the_api_refuses_a_malformed_personal_id_with_a_400_problem():
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.tests.api_clients import client_for, user

    procedure()
    api = client_for(user("citizen-x"))
    body = {"procedure": "1.000001", "agency": AGENCY, "channel": "online",
            "applicant": {**CITIZEN, "personal_id": BAD_ID}, "form_data": {}}
    response = api.post("/api/v1/dossiers", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "097" in str(response.json()["errors"])
    assert not Dossier.objects.exists()
