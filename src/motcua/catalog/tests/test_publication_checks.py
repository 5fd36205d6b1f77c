"""Publishing a version: completeness blocks, timing is checked in working days and stored with the version."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from motcua.catalog import models as m
from motcua.catalog.publication import published_on_time, subtract_working_days, uploaded_on_time
from motcua.catalog.records import AgencyRecord, LegalRecord
from motcua.catalog.services import PublicationRefused, create_draft, publish_version, update_draft
from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership, Role

from .factories import create_procedure, make_record


class WeekdayCalendar:
    """Monday–Friday, no holidays: isolates the publication rule from the holiday table."""

    def is_working_day(self, d: dt.date) -> bool:
        return d.weekday() < 5

    def add_working_days(self, d: dt.date, n: int) -> dt.date:
        while n > 0:
            d += dt.timedelta(days=1)
            if self.is_working_day(d):
                n -= 1
        return d


CAL = WeekdayCalendar()


@pytest.mark.parametrize(
    ("decision", "effective", "authority", "ok"),
    [
        # Effective Monday 2/3/2026: 20 working days before is Monday 2/2/2026.
        (dt.date(2026, 2, 2), dt.date(2026, 3, 2), "ministry", True),
        (dt.date(2026, 2, 3), dt.date(2026, 3, 2), "ministry", False),
        # Province: 5 working days before Monday 2/3/2026 is Monday 23/2/2026.
        (dt.date(2026, 2, 23), dt.date(2026, 3, 2), "province", True),
        (dt.date(2026, 2, 24), dt.date(2026, 3, 2), "province", False),
    ],
)
def test_publication_lead_time_is_counted_in_working_days(decision, effective, authority, ok):
    assert published_on_time(CAL, decision, [effective], authority).ok is ok


def test_publication_lead_time_uses_the_latest_effective_date():
    check = published_on_time(CAL, dt.date(2026, 2, 2), [dt.date(2025, 1, 1), dt.date(2026, 3, 2)], "ministry")
    assert check.ok is True
    assert check.data["effective_on"] == "2026-03-02"


def test_publication_timing_unknown_without_effective_dates():
    assert published_on_time(CAL, dt.date(2026, 2, 2), [], "ministry").ok is None


def test_tet_holidays_do_not_count_towards_the_lead_time():
    from motcua.core.calendar import WorkingCalendar

    cal = WorkingCalendar()
    # Tết 2026 (16–20/2) removes five working days: 20 working days before 2/3/2026 falls in late January.
    deadline = subtract_working_days(cal, dt.date(2026, 3, 2), 20)
    assert deadline < dt.date(2026, 2, 2)
    assert published_on_time(cal, dt.date(2026, 2, 2), [dt.date(2026, 3, 2)], "ministry").ok is False


@pytest.mark.parametrize(
    ("uploaded", "authority", "ok"),
    [
        (dt.date(2026, 3, 16), "ministry", True),  # decision Mon 2/3 + 10 working days = Mon 16/3
        (dt.date(2026, 3, 17), "ministry", False),
        (dt.date(2026, 3, 9), "province", True),  # + 5 working days = Mon 9/3
        (dt.date(2026, 3, 10), "province", False),
    ],
)
def test_upload_deadline_after_the_decision(uploaded, authority, ok):
    assert uploaded_on_time(CAL, dt.date(2026, 3, 2), uploaded, authority).ok is ok


@pytest.fixture
def ministry():
    return Agency.objects.create(code="TEST-BTP", name="Bộ Tư pháp (thử)", kind=AgencyKind.MINISTRY,
                                 level=AgencyLevel.MINISTRY)


@pytest.fixture
def officer(ministry):
    user = get_user_model().objects.create_user("officer", password="x")
    Membership.objects.create(user=user, agency=ministry, role=Role.CATALOG_OFFICER)
    return user


def _procedure_of(agency_code: str, **overrides):
    return create_procedure(
        agencies=[AgencyRecord("competent", "Bộ Tư pháp", agency_code), AgencyRecord("implementing", "UBND xã")],
        legal_basis=[LegalRecord("01/2026/NĐ-CP", "Nghị định thử", None, dt.date(2026, 3, 2))],
        **overrides,
    )


@pytest.mark.django_db
def test_officer_publishes_a_new_version_and_the_old_one_closes(officer, ministry):
    v1 = _procedure_of(ministry.code)
    draft = create_draft(v1.procedure, officer)
    assert draft.number == 2 and draft.status == m.VersionStatus.DRAFT
    assert m.Procedure.objects.get(pk=v1.procedure_id).current_version_id == v1.pk  # still the published one

    published = publish_version(draft, officer, decision_number="100/QĐ-BTP", decision_date=dt.date(2026, 1, 5),
                                valid_from=dt.date(2026, 3, 2), uploaded_on=dt.date(2026, 1, 9))
    assert published.status == m.VersionStatus.PUBLISHED
    procedure = m.Procedure.objects.get(pk=v1.procedure_id)
    assert procedure.current_version_id == published.pk
    v1.refresh_from_db()
    assert v1.valid_to == dt.date(2026, 3, 1)
    checks = {c["name"]: c for c in published.publication_checks["checks"]}
    assert checks["complete"]["ok"] is True
    assert checks["published_on_time"]["ok"] is True
    assert checks["uploaded_on_time"]["ok"] is True


@pytest.mark.django_db
def test_version_missing_mandatory_components_cannot_be_published(officer, ministry):
    v1 = _procedure_of(ministry.code)
    draft = create_draft(v1.procedure, officer)
    record = make_record(agencies=[AgencyRecord("competent", "Bộ Tư pháp", ministry.code)], steps=[], subjects=[])
    update_draft(draft, record, officer)

    with pytest.raises(PublicationRefused) as refused:
        publish_version(draft, officer, decision_number="101/QĐ-BTP", decision_date=dt.date(2026, 1, 5))
    assert "b" in str(refused.value) and "e" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == m.VersionStatus.DRAFT
    stored = {c["name"]: c for c in draft.publication_checks["checks"]}
    assert stored["complete"]["ok"] is False  # the results stay with the version
    assert m.Procedure.objects.get(pk=v1.procedure_id).current_version_id == v1.pk


@pytest.mark.django_db
def test_officer_cannot_touch_another_agencys_procedure(officer):
    Agency.objects.create(code="TEST-BCA", name="Bộ Công an (thử)", kind=AgencyKind.MINISTRY,
                          level=AgencyLevel.MINISTRY)
    v1 = _procedure_of("TEST-BCA")
    with pytest.raises(PermissionDenied):
        create_draft(v1.procedure, officer)


@pytest.mark.django_db
def test_published_version_is_not_edited_in_place(officer, ministry):
    from django.core.exceptions import ValidationError

    v1 = _procedure_of(ministry.code)
    with pytest.raises(ValidationError):
        update_draft(v1, make_record(), officer)
