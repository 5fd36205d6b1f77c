"""The API keeps to the committed schema: schemathesis generates requests from docs/openapi.yaml and checks every
response (no server error, status and body as documented), in-process against the WSGI application."""

from pathlib import Path

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from motcua.catalog.records import AgencyRecord
from motcua.catalog.tests.factories import create_procedure

SCHEMA_PATH = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"


def _schema():
    from motcua.wsgi import application

    loaded = schemathesis.openapi.from_path(SCHEMA_PATH)
    loaded.app = application  # what schemathesis.openapi.from_wsgi does, but with the committed schema
    return loaded.include(path_regex="^/api/v1/procedures")


schema = _schema()


@pytest.fixture
def seeded(db):
    # As Django's test client does: a request must not close the test's connection (it holds the transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield _seed()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _seed():
    from motcua.units.models import AdministrativeUnit, Agency, UnitLevel

    AdministrativeUnit.objects.get_or_create(level=UnitLevel.PROVINCE, code=38,
                                             defaults={"name": "Thanh Hóa", "division_type": "tỉnh"})
    Agency.objects.get_or_create(code="BTP", defaults={"name": "Bộ Tư pháp", "kind": "ministry", "level": "ministry"})
    create_procedure("1.001193", "Đăng ký khai sinh", agencies=[AgencyRecord("competent", "Bộ Tư pháp", "BTP")])
    create_procedure("1.000894", "Đăng ký kết hôn", online_level="partial")
    create_procedure("1.000894.H38", "Đăng ký kết hôn", levels=["province", "commune"])
    create_procedure("2.000635", "Cấp giấy phép xây dựng", sector="Xây dựng", levels=["province"], channels=[])


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_schema(case, seeded):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, status_code_conformance])
