"""The registries' change feed is append-only: a watermark is only sound if no row is changed or removed behind it
(ORM and database refuse, attacker's side)."""

import pytest
from django.db import DatabaseError, connection, transaction

from motcua.core.eventlog import AppendOnlyError
from motcua.exchange.models import RegistryChange

from .factories import birth

pytestmark = [pytest.mark.django_db, pytest.mark.backend]


@pytest.mark.parametrize("statement", ["UPDATE {t} SET subject = '079201006789' WHERE id = %s",
                                       "DELETE FROM {t} WHERE id = %s"], ids=["update", "delete"])
def test_the_database_refuses_to_rewrite_the_change_feed(statement):
    row = birth()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=RegistryChange._meta.db_table), [row.pk])
    assert RegistryChange.objects.get(pk=row.pk).subject == row.subject


def test_the_orm_refuses_to_edit_or_delete_a_change():
    row = birth()
    with pytest.raises(AppendOnlyError):
        RegistryChange.objects.filter(pk=row.pk).update(subject="x")
    with pytest.raises(AppendOnlyError):
        row.delete()
    row.subject = "x"
    with pytest.raises(AppendOnlyError):
        row.save()
