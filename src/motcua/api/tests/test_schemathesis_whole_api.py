"""Issue 12 point 11: no API operation answers generated input with a server error. schemathesis generates
requests for every operation of the committed schema (every path, parameter and body) and sends them in-process,
signed in as an officer who is also a supervisor (most operations then get past authentication to the parsing);
the catalog's own test (test_schemathesis_catalog) checks the response shapes as well. Bounded: a few examples
per operation."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from motcua.api.tests.test_schemathesis_catalog import SCHEMA_PATH, _seed
from motcua.dossiers.tests.api_clients import user
from motcua.units.models import Agency, Membership


def _whole_schema():
    from motcua.wsgi import application

    loaded = schemathesis.openapi.from_path(SCHEMA_PATH)
    loaded.app = application
    return loaded.exclude(path_regex="^/api/v1/procedures")  # covered, with shape checks, by the catalog's test


schema = _whole_schema()


@pytest.fixture
def token(db):
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    _seed()
    account = user("fuzz-officer", ("desk_officer", "BTP"), ("leader", "BTP"))
    if Agency.objects.filter(code="H01").exists():
        Membership.objects.get_or_create(user=account, agency=Agency.objects.get(code="H01"), role="supervisor")
    key, _ = Token.objects.get_or_create(user=account)
    yield key.key
    cache.clear()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_api_operation_answers_generated_input_with_a_server_error(case, token):
    cache.clear()  # rate limits would otherwise answer 429 before the view reads the input
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
