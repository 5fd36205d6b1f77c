"""``motcua registry grant / grants / fetch / revoke / figures`` (issue 4 points 4, 10): a grant added from the
command line takes effect, a revocation at once; fetch prints values with the log entry."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from motcua.exchange.models import AccessGrant

from .factories import AGENCY, AN, PROCEDURE, officer_case

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("registry", *args, stdout=out)
    return out.getvalue()


def test_grant_fetch_revoke_from_the_command_line():
    user, dossier = officer_case(granted=False)
    fetch = ["fetch", "population", AN, "--attribute", "full_name", "--agency", AGENCY, "--user", user.username,
             "--role", "specialist", "--dossier", dossier.code, "--purpose", "Thẩm định"]
    with pytest.raises(CommandError, match="AccessRefused"):
        _run(*fetch)
    assert _run("grant", AGENCY, "population", "--procedure", PROCEDURE).startswith("grant ")
    grant = AccessGrant.objects.get()
    assert f"{AGENCY}" in _run("grants", "--agency", AGENCY)
    printed = json.loads(_run(*fetch))
    assert printed["values"] == {"full_name": "Nguyễn Văn An"} and printed["access_log_entry"]
    assert "revoked" in _run("revoke", str(grant.pk), "--reason", "Hết hạn")
    with pytest.raises(CommandError, match="đã bị thu hồi"):
        _run("revoke", str(grant.pk))
    with pytest.raises(CommandError, match="AccessRefused"):
        _run(*fetch)
    with pytest.raises(CommandError, match="Không có thủ tục"):
        _run("grant", AGENCY, "population", "--procedure", "9.999999")
    figures = json.loads(_run("figures", "--start", "2000-01-01", "--end", "2100-01-01", "--agency", AGENCY))
    assert figures["registries"]["population"]["refused"] == 2


def test_grants_cannot_be_edited_or_deleted():
    from motcua.exchange import services
    from motcua.exchange.models import AppendOnlyError

    officer_case(granted=False)
    grant = services.grant(AGENCY, "population")
    grant.registry = "business"
    with pytest.raises(AppendOnlyError):
        grant.save()
    with pytest.raises(AppendOnlyError):
        AccessGrant.objects.filter(pk=grant.pk).update(registry="business")
    with pytest.raises(AppendOnlyError):
        AccessGrant.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        grant.delete()


def test_the_database_refuses_edits_too():
    from django.db import DatabaseError, connection, transaction

    from motcua.exchange import services

    officer_case(granted=False)
    grant = services.grant(AGENCY, "population")
    entry = services.append_log([services.LogRecord(registry="population", subject=AN, attributes=[], role="citizen",
                                                    purpose="x", outcome="allowed")])[0]
    refused = [("UPDATE exchange_accessgrant SET registry = 'business' WHERE id = %s", grant.pk),
               ("UPDATE exchange_accesslogentry SET purpose = 'y' WHERE id = %s", entry.pk)]
    if connection.vendor == "postgresql":
        refused += [("DELETE FROM exchange_accessgrant WHERE id = %s", grant.pk),
                    ("DELETE FROM exchange_accesslogentry WHERE id = %s", entry.pk)]
    for statement, pk in refused:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [pk])
    services.revoke(grant.pk)  # the one allowed change, once
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_accessgrant SET revoked_at = NULL WHERE id = %s", [grant.pk])
