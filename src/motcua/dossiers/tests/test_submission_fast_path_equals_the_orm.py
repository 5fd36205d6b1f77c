"""Issue 15 point 7: the submission's SQL fast path (``services.fast_submission``, justified by ``bench/dossiers.py
--only submit``) gives what its plain ORM twin gives — the same targets read, the same dossier row, the same first
event (a valid first link of the dossier's chain), the same idempotent response, the same key records — on SQLite
and on PostgreSQL."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.core.chain import link_hash
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierEvent, IdempotencyRecord
from motcua.dossiers.services import fast_submission, submission

from .factories import AGENCY, CITIZEN, procedure, submitted, vn

pytestmark = [pytest.mark.backend, pytest.mark.django_db]
AUTOMATIC = {"id", "created_at", "updated_at"}  # drawn by the database or the clock at the write


@pytest.fixture(autouse=True)
def notifications(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def _columns(obj, leave_out=frozenset()) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields
            if f.attname not in leave_out and f.attname not in obj.get_deferred_fields()}


def _submitted_with(writer, monkeypatch, owner) -> dict:
    """Submit once with an idempotency key through ``writer``, read back every row written, then undo it all (the
    day's number too, so that both writers take the same one)."""
    monkeypatch.setattr(submission, "write_submission", writer)
    with transaction.atomic():
        outcome = services.submit_once(
            "key-1", owner, "fingerprint", lambda d: (201, {"code": d.code, "state": d.state, "at": d.submitted_at}),
            procedure_code="1.000001", agency_code=AGENCY, channel="online", applicant=dict(CITIZEN),
            form_data={"field": "value", "nested": {"n": 1}}, at=vn(2026, 3, 2, 9))
        dossier = Dossier.objects.get(code=outcome.record.response["code"])
        [event] = DossierEvent.objects.filter(dossier=dossier)
        record = IdempotencyRecord.objects.get(owner=owner, key="key-1")
        written = {
            "dossier": _columns(dossier, AUTOMATIC),
            "event": _columns(event, AUTOMATIC | {"dossier_id", "hash"}),
            "event links the chain": event.hash == link_hash("", event.chain_content()),
            "record": _columns(record, AUTOMATIC | {"dossier_id"}),
            "record names the dossier": record.dossier_id == dossier.pk,
            "returned": (outcome.record.status_code, outcome.record.response, outcome.replayed),
        }
        transaction.set_rollback(True)
    return written


def test_the_fast_writer_writes_the_rows_the_orm_writes(monkeypatch):
    procedure()
    owner = get_user_model().objects.create(username="client")
    fast = _submitted_with(fast_submission.write_submission, monkeypatch, owner)
    plain = _submitted_with(fast_submission.write_submission_plain, monkeypatch, owner)
    assert fast == plain
    assert fast["event links the chain"] and fast["record names the dossier"]
    assert fast["dossier"]["code"].startswith(f"{AGENCY}-260302-")
    assert fast["record"]["response"]["code"] == fast["dossier"]["code"]


@pytest.mark.parametrize(("procedure_code", "agency_code", "channel"), [
    ("1.000001", AGENCY, "online"),      # everything found, offered
    ("1.000002", AGENCY, "online"),      # offered in person only
    ("9.999999", AGENCY, "online"),      # no such procedure
    ("1.000001", "NO.SUCH", "postal"),   # no such agency
])
def test_the_targets_read_in_one_statement_are_the_orms(procedure_code, agency_code, channel):
    procedure()
    procedure("1.000002", kinds=("in_person",))
    fast = fast_submission.submission_targets(procedure_code, agency_code, channel)
    plain = fast_submission.submission_targets_plain(procedure_code, agency_code, channel)
    for read, orm in ((fast[0], plain[0]), (fast[3], plain[3])):  # the procedure, the agency
        assert (read is None) == (orm is None)
        if read is not None:
            assert read.get_deferred_fields() == orm.get_deferred_fields()
            assert _columns(read) == _columns(orm)
    fast_version, plain_version = fast[1], plain[1]
    assert (fast_version is None) == (plain_version is None)
    if fast_version is not None:
        assert _columns(fast_version) == _columns(plain_version)
        assert fast[0].current_version is fast_version and plain[0].current_version is plain_version
    assert fast[2] == plain[2]
    drawn = fast[4]
    assert drawn is None or isinstance(drawn, int)


def test_the_key_statements_are_the_orms():
    procedure()
    dossier = submitted()
    owner = get_user_model().objects.create(username="client")
    fast = fast_submission.claim_key(owner.pk, "k-fast", "fp")
    plain = fast_submission.claim_key_plain(owner.pk, "k-plain", "fp")
    assert isinstance(fast, int) and isinstance(plain, int) and fast != plain
    # A key already taken: neither claims it again.
    assert fast_submission.claim_key(owner.pk, "k-plain", "fp") is None
    assert fast_submission.claim_key_plain(owner.pk, "k-fast", "fp") is None
    response = {"code": dossier.code, "at": vn(2026, 3, 2, 9), "day": date(2026, 3, 2), "n": [1, "hai"]}
    fast_submission.store_outcome(fast, dossier.pk, 201, response)
    fast_submission.store_outcome_plain(plain, dossier.pk, 201, response)
    rows = {r.key: _columns(r, AUTOMATIC | {"key"}) for r in IdempotencyRecord.objects.filter(owner=owner)}
    assert rows["k-fast"] == rows["k-plain"]
    assert rows["k-fast"]["response"]["at"] == "2026-03-02T09:00:00+07:00"
