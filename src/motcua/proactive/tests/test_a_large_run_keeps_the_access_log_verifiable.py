"""A run over many events writes its access-log entries in bulk (COPY on PostgreSQL): every entry still links into
its chain and `motcua audit verify` finds the log intact; each case's data rows point at real entries."""

from datetime import date

import pytest

from motcua.exchange import audit
from motcua.exchange.models import AccessLogEntry
from motcua.proactive import services
from motcua.proactive.models import ProactiveCase

from .factories import RUN_ON, birth, triggers

pytestmark = [pytest.mark.django_db, pytest.mark.backend]


def test_three_hundred_births_in_one_run_leave_an_intact_log():
    triggers("KS-LIENTHONG")
    for n in range(300):
        birth(child=f"0012260{n + 1:05d}", name=f"Trẻ {n}", born=date(2026, 11, 20))
    summary = services.run(RUN_ON)
    assert (summary.changes_read, summary.cases) == (300, 600)
    assert AccessLogEntry.objects.count() == 1200  # the change used and the population read, for each parent
    reports = audit.verify_all()
    assert all(r.intact for r in reports), [r.summary() for r in reports]
    ids = {i for case in ProactiveCase.objects.all() for i in (row["log_entry"] for row in case.data_used)}
    assert None not in ids and AccessLogEntry.objects.filter(pk__in=ids).count() == len(ids)
