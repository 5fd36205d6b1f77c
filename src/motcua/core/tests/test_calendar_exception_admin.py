"""Administrators manage calendar exceptions (the yearly swaps) in the Django admin."""

import pytest
from django.contrib.auth import get_user_model

from motcua.core.models import CalendarException, CalendarExceptionKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "pw-not-secret")
    client.force_login(user)
    return client


def test_admin_lists_and_adds_calendar_exceptions(admin_client_):
    CalendarException.objects.create(date="2026-02-21", kind=CalendarExceptionKind.WORKING_DAY, reason="Make-up")
    listing = admin_client_.get("/admin/core/calendarexception/")
    assert listing.status_code == 200
    assert b"Make-up" in listing.content
    added = admin_client_.post("/admin/core/calendarexception/add/",
                               {"date": "2026-03-03", "kind": CalendarExceptionKind.DAY_OFF, "reason": "Swap"})
    assert added.status_code == 302
    assert CalendarException.objects.filter(date="2026-03-03", agency__isnull=True).exists()
