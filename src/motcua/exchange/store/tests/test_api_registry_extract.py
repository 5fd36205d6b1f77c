"""Issue 4 point 2 through the API: POST /api/v1/me/store/registry-extract replaces a component of the citizen's own
dossier by registry data (level 2 only); a registry that does not answer gives 503 problem+json and nothing is
attached; the call is in the access log with the dossier's code."""

import socket

import pytest
from rest_framework.test import APIClient

from motcua.catalog.models import RequiredDocument
from motcua.catalog.records import DocumentRecord
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import DossierDocument
from motcua.dossiers.tests.factories import AGENCY, CITIZEN
from motcua.exchange import registries
from motcua.exchange.models import AccessLogEntry
from motcua.exchange.registries.http import HttpRegistry
from motcua.identity.services import Identified, record_identity

from .factories import citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    registries.reset()
    version = create_procedure("9.200001", "Thủ tục thử", documents=[
        DocumentRecord("Tờ khai", 1, 0, "Mẫu 01"),
        DocumentRecord("Bản sao Căn cước công dân", 0, 1, "", replaceable_by_registry=True)])
    docs = {d.name: d for d in RequiredDocument.objects.filter(version=version)}
    user = citizen()
    record_identity(user, Identified(provider="oidc", level=2, subject="s", personal_id=CITIZEN["personal_id"]))
    dossier = dossier_services.submit("9.200001", AGENCY, "online", dict(CITIZEN), {}, actor=user)
    client = APIClient()
    client.force_authenticate(user)
    yield client, user, dossier, docs
    registries.reset()


def test_the_extract_is_attached_with_provenance_and_logged(setup):
    client, _user, dossier, docs = setup
    card = docs["Bản sao Căn cước công dân"]
    response = client.post("/api/v1/me/store/registry-extract", {"dossier": dossier.code,
                                                                  "required_document": card.pk}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "registry_extract" and body["replaced_by_population_data"] is True
    entry = AccessLogEntry.objects.get(pk=body["provenance"]["access_log_entry"])
    assert entry.dossier_code == dossier.code and entry.outcome == "allowed"
    refused = client.post("/api/v1/me/store/registry-extract", {"dossier": dossier.code,
                                                                 "required_document": docs["Tờ khai"].pk},
                          format="json")
    assert refused.status_code == 400 and refused.json()["rule"] == "not_replaceable"


def test_registry_down_is_503_and_nothing_attached(setup):
    client, _user, dossier, docs = setup
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    down = dict(registries.current())
    down["population"] = HttpRegistry(registries.SPECS["population"], f"http://127.0.0.1:{port}", timeout=0.5,
                                      retries=0)
    with registries.use(down):
        response = client.post("/api/v1/me/store/registry-extract", {
            "dossier": dossier.code, "required_document": docs["Bản sao Căn cước công dân"].pk}, format="json")
    assert response.status_code == 503 and response["Content-Type"] == "application/problem+json"
    assert not DossierDocument.objects.filter(dossier=dossier).exists()
    assert AccessLogEntry.objects.filter(dossier_code=dossier.code, outcome="unavailable").exists()


def test_level_one_and_someone_elses_dossier_are_refused(setup):
    client, user, dossier, docs = setup
    card = docs["Bản sao Căn cước công dân"].pk
    record_identity(user, Identified(provider="oidc", level=1, subject="s", personal_id=CITIZEN["personal_id"]))
    assert client.post("/api/v1/me/store/registry-extract", {"dossier": dossier.code, "required_document": card},
                       format="json").status_code == 403
    other = citizen("001185004321")
    record_identity(other, Identified(provider="oidc", level=2, subject="o", personal_id="001185004321"))
    client.force_authenticate(other)
    assert client.post("/api/v1/me/store/registry-extract", {"dossier": dossier.code, "required_document": card},
                       format="json").status_code == 404
    assert not DossierDocument.objects.filter(dossier=dossier).exists()
