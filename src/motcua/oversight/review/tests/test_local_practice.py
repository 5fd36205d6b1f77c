"""Equal treatment and good local practice: provinces' localised versions against the national one."""

from datetime import date

import pytest

from motcua.catalog.records import ChannelRecord, FeeRecord, TimeLimit
from motcua.dossiers.tests.factories import procedure
from motcua.oversight.review import services
from motcua.oversight.review.models import LocalPractice

from .factories import handled, record

pytestmark = pytest.mark.django_db


def test_province_asking_more_documents_time_and_fees_is_flagged_and_best_practice_found():
    from decimal import Decimal

    procedure("1.000001", amount=5)  # the national version: one document, 5 working days, free
    channels = [ChannelRecord("in_person", TimeLimit(Decimal(7), "working_days"), "7 ngày làm việc",
                              [FeeRecord(20_000, "Lệ phí 20.000 đồng")], "Trực tiếp")]
    record("1.000001.H01", "Thủ tục thử (Hà Nội)", ["Tờ khai", "Bản sao sổ hộ khẩu"], channels=channels)
    services.compute_local_practice(as_of=date(2026, 11, 30), min_dossiers=1)
    row = LocalPractice.objects.get(national__code="1.000001")
    assert (row.procedure.code, row.province.code, row.documents, row.time_limit_days, row.fee_vnd) == (
        "1.000001.H01", 1, 2, 7.0, 20_000)
    assert row.flags == ["more_documents", "more_time", "higher_fees"]
    assert row.dossiers == 0 and row.median_days is None and row.best is False


def test_observed_handling_of_a_province():
    procedure("1.000001", amount=5)
    procedure("1.000001.H01", amount=5)
    handled("1.000001.H01")  # received Mon 09:00, approved Wed 14:00: 6.5 + 8 + 5 = 19.5 office hours = 2.44 days
    services.compute_local_practice(as_of=date(2026, 11, 30), min_dossiers=1)
    row = LocalPractice.objects.get(national__code="1.000001")
    assert (row.dossiers, row.median_days, row.online_share, row.flags, row.best) == (1, 2.44, 1.0, [], True)


def test_flagged_copy_gets_a_simplification_proposal():
    from decimal import Decimal

    from motcua.oversight.review.models import Proposal

    procedure("1.000001", amount=5)
    channels = [ChannelRecord(kind, TimeLimit(Decimal(7), "working_days"), "7 ngày làm việc",
                              [FeeRecord(0, "Miễn phí")], kind) for kind in ("in_person", "online")]
    record("1.000001.H01", "Thủ tục thử (Hà Nội)", ["Tờ khai"], channels=channels)
    handled("1.000001.H01")
    services.compute_local_practice(as_of=date(2026, 11, 30))
    services.compute_proposals(as_of=date(2026, 11, 30))
    p = Proposal.objects.get(procedure__code="1.000001.H01")
    assert p.action == "simplify" and any("thời hạn dài hơn" in r for r in p.reasons)
