"""`motcua demo load` loads the real catalog once; a second run changes and duplicates nothing."""

import pytest
from django.core.management import call_command

from motcua.catalog import models as m


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_load_twice_loads_the_catalog_once():
    call_command("demo", "load")
    procedures, versions, channels = (m.Procedure.objects.count(), m.ProcedureVersion.objects.count(),
                                      m.Channel.objects.count())
    stamp = m.ProcedureVersion.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()
    assert procedures == 1399
    call_command("demo", "load")
    assert (m.Procedure.objects.count(), m.ProcedureVersion.objects.count(), m.Channel.objects.count()) == (
        procedures, versions, channels)
    assert m.ProcedureVersion.objects.order_by("-updated_at").values_list("updated_at", flat=True).first() == stamp
    assert m.LinkedProcedureGroup.objects.get(code="LT-KS-TT-BHYT").procedures.filter(code="1.001193").exists()


@pytest.mark.django_db
def test_demo_load_grants_the_demo_agencies_every_registry_once():
    from motcua.demo.services import DEMO_GRANT_AGENCIES, load_demo
    from motcua.exchange import registries
    from motcua.exchange.models import AccessGrant

    load_demo()
    load_demo()
    active = AccessGrant.objects.filter(revoked_at__isnull=True)
    assert active.count() == len(DEMO_GRANT_AGENCIES) * len(registries.SPECS)
    assert set(active.values_list("agency__code", flat=True)) == set(DEMO_GRANT_AGENCIES)
