"""Shared fixtures of the steering tests."""

from datetime import date

import pytest

from motcua.catalog.models import Procedure, ProcedureVersion, Sector
from motcua.steering import services

from .factories import member, officer, report, standing, vn


@pytest.fixture
def october():
    """October 2026: three obstacles from two members; one resolved in October, one overdue at the month's end,
    one still untriaged. A third member never reports. November then changes things."""
    sector = Sector.objects.create(name="Hộ tịch")
    proc = Procedure.objects.create(code="1.000893")
    proc.current_version = ProcedureVersion.objects.create(procedure=proc, name="Đăng ký khai sinh", sector=sector)
    proc.save()
    boss, btp, h01 = standing(), officer("BTP"), officer("H01.VPUBND")
    a = member("m-a", email="a@example.vn")
    b = member("m-b", organisation="VNBA", phone="0912000001")
    member("m-c", organisation="Chuyên gia")  # no e-mail, no phone
    member("m-late", since=date(2026, 12, 1))  # joins in December: nothing expected before
    r1 = report(a, "2026-10", vn(2026, 10, 2), n=2, procedure="1.000893")
    r2 = report(b, "2026-10", vn(2026, 10, 5))
    o1, o2 = r1.obstacles.order_by("number")
    o3 = r2.obstacles.get()
    services.act_on_obstacle(boss, o1, "assign", agency="BTP", due_date=date(2026, 10, 20), at=vn(2026, 10, 6))
    services.act_on_obstacle(btp, o1, "answer", note="Đã xử lý.", at=vn(2026, 10, 15))
    services.act_on_obstacle(boss, o1, "confirm", at=vn(2026, 10, 16))
    services.act_on_obstacle(boss, o2, "assign", agency="H01", due_date=date(2026, 10, 28), at=vn(2026, 10, 6))
    # November: the overdue one is answered and resolved, the untriaged one assigned.
    services.act_on_obstacle(h01, o2, "answer", note="Đã xử lý.", at=vn(2026, 11, 3))
    services.act_on_obstacle(boss, o2, "confirm", at=vn(2026, 11, 4))
    services.act_on_obstacle(boss, o3, "assign", agency="BTP", due_date=date(2026, 11, 30), at=vn(2026, 11, 4))
    return o1, o2, o3
