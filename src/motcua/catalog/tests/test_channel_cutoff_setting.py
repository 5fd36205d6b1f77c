"""The per-time-limit 15:00 setting (Decree 118/2025 Art. 17(3), 18(2); docs/law.md "Deadlines and the working
calendar") survives the catalog's JSON form and a re-import, and is absent from exports where it is not set."""

from decimal import Decimal

import pytest

from motcua.catalog.models import Channel, ProcedureVersion
from motcua.catalog.queries import version_to_record
from motcua.catalog.records import ChannelRecord, ProcedureRecord, RecordError, TimeLimit
from motcua.catalog.services import upsert_records
from motcua.catalog.tests.factories import make_record

pytestmark = pytest.mark.django_db


def _record(cutoff):
    limit = TimeLimit(Decimal(3), "working_days")
    return make_record("9.900001", "Thủ tục liên thông thử",
                       channels=[ChannelRecord("online", limit, "3 ngày làm việc", [], "", cutoff)])


@pytest.mark.parametrize("cutoff", [None, True, False])
def test_the_setting_round_trips_through_import_and_export(cutoff):
    upsert_records([_record(cutoff)])
    assert Channel.objects.get(version__procedure__code="9.900001").cutoff_moves_start is cutoff
    exported = version_to_record(ProcedureVersion.objects.get(procedure__code="9.900001")).to_dict()
    channel = exported["channels"][0]
    assert ("cutoff_moves_start" in channel) is (cutoff is not None)
    assert ProcedureRecord.from_dict(exported).channels[0].cutoff_moves_start is cutoff


def test_a_setting_that_is_not_a_boolean_is_refused():
    data = _record(None).to_dict()
    data["channels"][0]["cutoff_moves_start"] = "yes"
    with pytest.raises(RecordError, match="cutoff_moves_start"):
        ProcedureRecord.from_dict(data)
