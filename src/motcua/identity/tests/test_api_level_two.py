"""Issue 4 point 3 through the API: POST /api/v1/dossiers for a procedure whose documents registry data replaces is
refused (403 problem+json) for a token whose account is not e-identified at level 2, and accepted at level 2."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from motcua.catalog.records import DocumentRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import AGENCY
from motcua.identity.services import Identified, record_identity

pytestmark = pytest.mark.django_db

AN = "001090012345"
BODY = {"procedure": "9.000001", "agency": AGENCY, "channel": "online", "form_data": {},
        "applicant": {"kind": "citizen", "personal_id": AN, "full_name": "Nguyễn Văn An", "phone": "0912345678"}}


@pytest.fixture
def api():
    create_procedure("9.000001", "Thủ tục cần dữ liệu dân cư", documents=[
        DocumentRecord("Bản sao Căn cước công dân", 0, 1, "", replaceable_by_registry=True)])
    create_procedure("9.000002", "Thủ tục thường")
    user = get_user_model().objects.create_user(AN)
    client = APIClient()
    client.force_authenticate(user)
    return client, user


def test_not_e_identified_or_level_one_is_refused(api):
    client, user = api
    response = client.post("/api/v1/dossiers", BODY, format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["rule"] == "identity_level_required" and "mức 2" in response.json()["detail"]
    record_identity(user, Identified(provider="oidc", level=1, subject="s1", personal_id=AN))
    assert client.post("/api/v1/dossiers", BODY, format="json").status_code == 403
    assert not Dossier.objects.exists()


def test_level_two_is_accepted_and_other_procedures_need_no_level(api):
    client, user = api
    assert client.post("/api/v1/dossiers", {**BODY, "procedure": "9.000002"}, format="json").status_code == 201
    record_identity(user, Identified(provider="oidc", level=2, subject="s1", personal_id=AN))
    assert client.post("/api/v1/dossiers", BODY, format="json").status_code == 201
    assert client.get("/api/v1/me/identity").json()["level"] == 2


def test_the_level_is_recorded_on_the_dossier(api):
    client, user = api
    record_identity(user, Identified(provider="oidc", level=2, subject="s1", personal_id=AN))
    code = client.post("/api/v1/dossiers", BODY, format="json").json()["code"]
    assert Dossier.objects.get(code=code).applicant_identity_level == 2
    keyed = client.post("/api/v1/dossiers", {**BODY, "procedure": "9.000002"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1").json()["code"]
    assert Dossier.objects.get(code=keyed).applicant_identity_level == 2
    record_identity(user, Identified(provider="oidc", level=1, subject="s1", personal_id=AN))
    plain = client.post("/api/v1/dossiers", {**BODY, "procedure": "9.000002"}, format="json").json()["code"]
    assert Dossier.objects.get(code=plain).applicant_identity_level == 1
