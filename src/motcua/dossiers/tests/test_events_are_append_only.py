"""Dossier events are never updated or deleted: the ORM refuses, and the database refuses too (trigger)."""

import pytest
from django.db import DatabaseError, connection, transaction

from motcua.dossiers.models import AppendOnlyError, DossierEvent

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    return DossierEvent.objects.get(dossier__code=flow.code, seq=2)


def test_the_orm_refuses_to_change_or_delete_an_event(event):
    event.reason = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).update(reason="sửa")
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.bulk_update([event], ["reason"])
    assert DossierEvent.objects.get(pk=event.pk).reason == ""


def test_a_dossier_with_events_cannot_be_deleted(event):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event.dossier.delete()


def test_the_database_refuses_an_update(event):
    table = DossierEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = 'x' WHERE id = %s", [event.pk])
    assert DossierEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps DELETE for Django's test flush; "
                    "the ORM refuses it there")
def test_the_database_refuses_a_delete_on_postgresql(event):
    table = DossierEvent._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [event.pk])
    assert DossierEvent.objects.filter(pk=event.pk).exists()
