"""Issue 3 point 3 and "Speed": the per-agency daily counter is the one hot row, so the number is the last thing a
submission takes before commit. On PostgreSQL the number, the dossier, its first event and the idempotent response
are one statement: while another transaction holds the counter row, a submission has already done all its other
work and waits on that statement alone; submissions to other agencies do not wait at all; codes stay gap-free."""

import threading
import time
from datetime import date

import pytest
from django.db import connection, connections

from motcua.dossiers import services
from motcua.dossiers.codes import parse_code
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, IdempotencyRecord
from motcua.units.models import Agency

from .factories import AGENCY, CITIZEN, procedure, vn

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="row locks between connections need PostgreSQL (SQLite has one writer)"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
DAY = date(2026, 3, 2)


def _submit(agency: str, key: str | None, results: dict, name: str, owner=None) -> None:
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(record):
            kwargs = {"procedure_code": "1.000001", "agency_code": agency, "channel": "online",
                      "applicant": dict(CITIZEN), "form_data": {}, "at": vn(2026, 3, 2, 9)}
            if key is None:
                results[name] = services.submit(**kwargs).code
            else:
                outcome = services.submit_once(key, owner, "fp", lambda d: (201, {"code": d.code, "x": 1}), **kwargs)
                results[name] = outcome.record.response["code"]
        results[name + "_statements"] = statements
    except BaseException as error:  # reported by the test
        results[name] = error
    finally:
        connections.close_all()


def _waiting_queries() -> list[str]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = "
                       "current_database()")
        return [row[0] for row in cursor.fetchall()]


def _hold_counter(agency: Agency, release: threading.Event, held: threading.Event) -> None:
    """Another submission's transaction, holding the agency's counter row for today."""
    import psycopg

    settings = connection.settings_dict
    conninfo = f"host={settings['HOST'] or 'localhost'} port={settings['PORT'] or 5432} dbname={settings['NAME']} " \
               f"user={settings['USER']}" + (f" password={settings['PASSWORD']}" if settings["PASSWORD"] else "")
    with psycopg.connect(conninfo) as other:
        other.execute("SELECT last FROM dossiers_dossiercounter WHERE agency_id = %s AND day = %s FOR UPDATE",
                      [agency.pk, DAY])
        held.set()
        release.wait(30)
        other.rollback()


def test_a_submission_waits_on_the_counter_only_in_its_last_statement():
    procedure()
    from django.contrib.auth import get_user_model

    owner = get_user_model().objects.create(username="citizen")
    centre = Agency.objects.get(code=AGENCY)
    DossierCounter.objects.create(agency=centre, day=DAY, last=41)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_counter, args=(centre, release, held))
    holder.start()
    assert held.wait(10)
    results: dict = {}
    blocked = threading.Thread(target=_submit, args=(AGENCY, "key-1", results, "blocked", owner))
    blocked.start()
    try:
        deadline = time.monotonic() + 20
        while not (waiting := _waiting_queries()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(waiting) == 1, waiting
        # The waiting statement takes the number (pg_stat_activity shows its first 1 kB). Nothing of the dossier was
        # written before it.
        assert waiting[0].startswith('WITH n AS (INSERT INTO "dossiers_dossiercounter"'), waiting[0][:200]
        assert not Dossier.objects.exists() and not DossierEvent.objects.exists()
        # Another agency is not held up by this agency's counter.
        _submit("H01.STP", None, results, "other")
        assert results["other"] == "H01.STP-260302-0001"
    finally:
        release.set()
        holder.join(30)
        blocked.join(30)
    assert results["blocked"] == "H01.TTPVHCC-260302-0042"
    assert IdempotencyRecord.objects.get(key="key-1").response == {"code": "H01.TTPVHCC-260302-0042", "x": 1}
    dossier = Dossier.objects.get(code="H01.TTPVHCC-260302-0042")
    assert DossierEvent.objects.get(dossier=dossier).seq == 1
    # The counter, the dossier and its event came in one statement, after the key claim and the catalog look-up.
    writes = [s for s in results["blocked_statements"] if "dossiers_dossiercounter" in s]
    assert len(writes) == 1 and results["blocked_statements"][-1] == writes[0]
    for table in ('"dossiers_dossier"', '"dossiers_dossierevent"', '"dossiers_idempotencyrecord"'):
        assert f"INSERT INTO {table}" in writes[0] or f"UPDATE {table}" in writes[0], table


def test_a_failure_after_the_number_gives_it_back_under_concurrency():
    procedure()
    centre = Agency.objects.get(code=AGENCY)
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.submit("1.000001", AGENCY, "online", dict(CITIZEN), {}, at=vn(2026, 3, 2, 9))
        raise RuntimeError("the request failed after the statement")
    results: dict = {}
    threads = [threading.Thread(target=_submit, args=(AGENCY, None, results, f"t{i}")) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(results[f"t{i}"] for i in range(6))
    assert sorted(parse_code(c)[2] for c in codes) == [1, 2, 3, 4, 5, 6]
    assert DossierCounter.objects.get(agency=centre, day=DAY).last == 6
