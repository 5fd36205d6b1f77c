"""Dossier codes ``<agency>-YYMMDD-XXXX`` (Decree 118/2025 Art. 28(2)): per agency and day from 0001, no gap, no
duplicate, widening past 9,999, and contiguous under concurrent submissions on PostgreSQL."""

import threading
from datetime import date

import pytest
from django.db import connection, connections, transaction

from motcua.dossiers.codes import format_code, parse_code
from motcua.dossiers.models import Dossier, DossierCounter
from motcua.units.models import Agency

from .factories import procedure, submitted, vn


@pytest.mark.parametrize(
    ("agency", "day", "seq", "code"),
    [
        ("H01.TTPVHCC", date(2026, 10, 8), 975, "H01.TTPVHCC-261008-0975"),
        ("BTP", date(2026, 1, 2), 1, "BTP-260102-0001"),
        ("H01.X00070", date(2026, 12, 31), 9999, "H01.X00070-261231-9999"),
        ("H01", date(2026, 12, 31), 10000, "H01-261231-10000"),
    ],
)
def test_format_and_parse(agency, day, seq, code):
    assert format_code(agency, day, seq) == code
    assert parse_code(code) == (agency, f"{day:%y%m%d}", seq)


@pytest.mark.django_db
def test_sequence_per_agency_and_day():
    procedure()
    codes = [submitted(at=vn(2026, 3, 2, 9)).code for _ in range(3)]
    codes.append(submitted(at=vn(2026, 3, 2, 9), agency="H01.X00070").code)
    codes.append(submitted(at=vn(2026, 3, 2, 23, 59)).code)
    codes.append(submitted(at=vn(2026, 3, 3, 0, 0)).code)  # the date is the Vietnamese calendar date
    assert codes == ["H01.TTPVHCC-260302-0001", "H01.TTPVHCC-260302-0002", "H01.TTPVHCC-260302-0003",
                     "H01.X00070-260302-0001", "H01.TTPVHCC-260302-0004", "H01.TTPVHCC-260303-0001"]


@pytest.mark.django_db
def test_past_9999_the_number_widens():
    procedure()
    DossierCounter.objects.create(agency=Agency.objects.get(code="H01.TTPVHCC"), day=date(2026, 3, 2), last=9999)
    assert submitted(at=vn(2026, 3, 2, 9)).code == "H01.TTPVHCC-260302-10000"


@pytest.mark.django_db
def test_a_rolled_back_submission_gives_its_number_back():
    procedure()
    with pytest.raises(RuntimeError), transaction.atomic():
        submitted(at=vn(2026, 3, 2, 9))
        raise RuntimeError("the request failed after the insert")
    assert submitted(at=vn(2026, 3, 2, 9)).code.endswith("-0001")


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite serialises all writers; the concurrency test needs PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_submissions_get_contiguous_codes():
    procedure()
    threads_n, per_thread = 8, 25
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads_n)

    def worker():
        try:
            barrier.wait()
            for _ in range(per_thread):
                submitted(at=vn(2026, 3, 2, 9))
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    numbers = sorted(parse_code(c)[2] for c in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, threads_n * per_thread + 1))
