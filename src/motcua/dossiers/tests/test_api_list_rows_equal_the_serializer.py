"""The dossier list builds its rows directly (``represent_list_row``, issue 13 point 8: the list's cost was DRF's
per-field machinery); every row must equal what ``DossierSerializer`` — the documented schema — gives, for every
state, with and without masking, in the API's time zone."""

from __future__ import annotations

import functools
import json

import pytest
from django.utils import timezone

from motcua.dossiers.api.fast_serialization import represent_list_row
from motcua.dossiers.api.serializers import DossierSerializer
from motcua.dossiers.models import Dossier

from .factories import Flow, procedure, submitted, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers():
    procedure()
    made = [submitted(at=vn(2026, 3, 2, 9)), submitted(at=vn(2026, 3, 2, 10), channel="in_person")]
    flow = Flow(submitted(at=vn(2026, 3, 3, 9)))
    flow("receive", "desk_officer", vn(2026, 3, 3, 10))
    flow("request_supplement", "specialist", vn(2026, 3, 3, 11), data={"missing": ["Tờ khai"]})
    done = Flow(submitted(at=vn(2026, 3, 4, 9)))
    done("receive", "desk_officer", vn(2026, 3, 4, 10))
    Dossier.objects.filter(pk=made[0].pk).update(form_data={"field": "giá trị", "n": [1, 2]}, applicant_phone="")
    return list(Dossier.objects.select_related("agency", "procedure", "procedure_version").order_by("code"))


@pytest.mark.parametrize("masked", [None, False, True], ids=["no-mask-rule", "handler", "supervisor-masked"])
def test_each_row_equals_the_serializer(dossiers, masked):
    context = {"now": timezone.now(), "calendars": {}}
    if masked is not None:
        context["unmasked"] = functools.partial(lambda hide, _row: not hide, masked)
    assert len(dossiers) == 4
    for row in dossiers:
        expected = json.dumps(DossierSerializer(row, context=context).data, ensure_ascii=False)
        assert json.dumps(represent_list_row(row, context), ensure_ascii=False) == expected
