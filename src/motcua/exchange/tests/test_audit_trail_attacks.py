"""Issue 12 point 3 (and 19): the attacks that fooled `motcua audit verify`, replayed by someone with database
administrator rights — raw SQL with the append-only triggers dropped (SQLite) or disabled (PostgreSQL) — each now
detected: keyed links (HMAC, key outside the database), signed checkpoints outside the database, every chain
verified, "unsealed" a failure. Runs on both databases (marker ``backend``)."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from motcua.core import chain, checkpoints
from motcua.core.chain import canonical_json, plain_link_hash
from motcua.dossiers import audit as dossier_audit
from motcua.dossiers.models import DossierEvent
from motcua.exchange import audit, services
from motcua.exchange.messaging import services as messaging
from motcua.exchange.messaging.models import MessageLog
from motcua.exchange.models import AccessLogEntry, AccessLogHead, shard_of
from motcua.feedback import audit as feedback_audit
from motcua.feedback import services as feedback_services
from motcua.feedback.models import FeedbackEvent, PersonalDataAccess
from motcua.steering import audit as steering_audit
from motcua.steering.models import SteeringEvent

from .factories import AN, officer_case
from .tamper import bypass, sql

pytestmark = [pytest.mark.django_db, pytest.mark.backend]

APPEND_ONLY = [DossierEvent, FeedbackEvent, PersonalDataAccess, SteeringEvent, AccessLogEntry, MessageLog]


@pytest.fixture(autouse=True)
def audit_files(tmp_path, settings):
    """Each test its own audit key, checkpoint file and signing key."""
    settings.MOTCUA_AUDIT_KEY_FILE = str(tmp_path / "chain.key")
    settings.MOTCUA_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.MOTCUA_AUDIT_SIGNING_KEY_FILE = str(tmp_path / "checkpoint-key.pem")
    chain.reset_keys()
    yield tmp_path
    chain.reset_keys()


def _access(n: int = 5) -> list[AccessLogEntry]:
    return services.append_log([services.LogRecord(registry="population", subject=AN, attributes=["full_name"],
                                                   role="citizen", purpose=f"Tra cứu {i}", outcome="allowed")
                                for i in range(n)])


def _dossier_events():
    _, dossier = officer_case(granted=False)
    from motcua.dossiers.tests.factories import Flow, vn

    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "desk_officer", vn(2026, 3, 2, 11), reason="Thiếu tờ khai", data={"missing": ["x"]})
    return dossier, list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))


def _pakn():
    from motcua.feedback.tests.factories import officer, published

    item = published()
    reader = officer("pakn-reader", "feedback_officer")
    for purpose in ("Xử lý", "Trả lời", "Kiểm tra"):
        feedback_services.record_access(item, reader, purpose)
    return item


def _obstacle():
    from motcua.steering import services as steering
    from motcua.steering.tests.factories import member, report, standing, vn

    obstacle = report(member(), "2026-11", vn(2026, 11, 2)).obstacles.get()
    steering.act_on_obstacle(standing(), obstacle, "reject", note="Trùng.", at=vn(2026, 11, 3))
    return obstacle


def _messages(n: int = 4) -> None:
    for i in range(n):
        messaging.log("in", "refused", peer="province-h79", detail=f"thử {i}")


def _everything():
    _access()
    _dossier_events()
    _pakn()
    _obstacle()
    _messages()


def _kinds(report) -> list[tuple[str, str, int]]:
    return [(f.kind, f.chain, f.seq) for f in report.findings]


# The database refuses ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda m: m._meta.db_table)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id WHERE id = %s", "DELETE FROM {t} WHERE id = %s"],
                         ids=["update", "delete"])
def test_the_database_refuses_to_update_or_delete_an_entry_of_any_log(model, statement):
    _everything()
    entry = model._default_manager.order_by("id").first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(t=model._meta.db_table), [entry.pk])
    assert model._default_manager.filter(pk=entry.pk).exists()


def test_every_log_verifies_and_checkpoints_when_untouched(capsys):
    _everything()
    reports = audit.verify_all()
    assert [r.log for r in reports] == ["access log", "dossier events", "PAKN events", "PAKN personal-data access",
                                        "steering events", "message log"]
    assert all(r.intact and r.entries for r in reports), [r.summary() for r in reports]
    call_command("audit", "checkpoint", "--no-progress")
    out = capsys.readouterr().out
    assert "publish its digest" in out
    logs = checkpoints.latest()["logs"]
    assert logs["message log"] == {"all": [MessageLog.objects.count(), MessageLog.objects.last().hash]}
    call_command("audit", "verify", "--no-progress")
    assert "checked against the checkpoint" in capsys.readouterr().out


# Attack 1: blank hash/prev_hash of an edited event ------------------------------------------------------------

@pytest.mark.parametrize("model", APPEND_ONLY, ids=lambda m: m._meta.db_table)
def test_an_edited_entry_with_its_hashes_blanked_is_a_failure(model):
    _everything()
    entry = model._default_manager.order_by("-id").first()
    table = model._meta.db_table
    sql(table, f"UPDATE {table} SET hash = '', prev_hash = '' WHERE id = %s", [entry.pk])
    broken = [r for r in audit.verify_all() if not r.intact]
    assert len(broken) == 1 and broken[0].first.kind == "unsealed" and broken[0].first.entry_id == entry.pk
    with pytest.raises(CommandError, match="unsealed") as error:
        call_command("audit", "verify", "--no-progress")
    assert error.value.returncode == 1


# Attack 2: delete the last entries and rewind the head rows ------------------------------------------------------

def test_deleting_the_last_access_entries_and_rewinding_the_head_is_found_against_the_checkpoint():
    entries = _access(5)
    audit.checkpoint()
    shard = shard_of(AN)
    sql("exchange_accesslogentry", "DELETE FROM exchange_accesslogentry WHERE id IN (%s, %s)",
        [entries[3].pk, entries[4].pk])
    sql("exchange_accessloghead", "UPDATE exchange_accessloghead SET seq = 3, hash = %s WHERE shard = %s",
        [entries[2].hash, shard])
    report = audit.verify_access_log()
    assert _kinds(report) == [("deleted", f"chain {shard}", 4)]
    assert "signed checkpoint" in report.first.detail


def test_deleting_the_last_dossier_events_and_rewinding_the_version_is_found_against_the_checkpoint():
    dossier, events = _dossier_events()
    audit.checkpoint()
    sql("dossiers_dossierevent", "DELETE FROM dossiers_dossierevent WHERE id = %s", [events[-1].pk])
    sql("dossiers_dossier", "UPDATE dossiers_dossier SET version = %s WHERE id = %s", [len(events) - 1, dossier.pk])
    assert _kinds(dossier_audit.verify_dossier_events()) == [("deleted", f"dossier {dossier.code}", len(events))]


def test_deleting_the_last_messages_is_found_against_the_checkpoint():
    """Issue 12 point 19: the message log had no recorded head or count."""
    _messages(4)
    audit.checkpoint()
    last = MessageLog.objects.order_by("-id")[:2]
    sql("exchange_messaging_messagelog", "DELETE FROM exchange_messaging_messagelog WHERE id >= %s",
        [min(e.pk for e in last)])
    assert _kinds(audit.verify_message_log()) == [("deleted", "chain", 3)]
    with pytest.raises(CommandError, match="message log: deleted"):
        call_command("audit", "verify", "--no-progress", "--log", "messages")


def test_deleting_the_last_pakn_and_steering_entries_is_found_against_the_checkpoint():
    item = _pakn()
    obstacle = _obstacle()
    audit.checkpoint()
    sql("feedback_personaldataaccess", "DELETE FROM feedback_personaldataaccess WHERE id = %s",
        [PersonalDataAccess.objects.order_by("-id").first().pk])
    last = FeedbackEvent.objects.filter(feedback=item).order_by("-seq").first()
    sql("feedback_feedbackevent", "DELETE FROM feedback_feedbackevent WHERE id = %s", [last.pk])
    sql("feedback_feedback", "UPDATE feedback_feedback SET version = version - 1 WHERE id = %s", [item.pk])
    step = SteeringEvent.objects.filter(obstacle=obstacle).order_by("-seq").first()
    sql("steering_steeringevent", "DELETE FROM steering_steeringevent WHERE id = %s", [step.pk])
    sql("steering_obstacle", "UPDATE steering_obstacle SET version = version - 1 WHERE id = %s", [obstacle.pk])
    assert _kinds(feedback_audit.verify_personal_data_access()) == [("deleted", "chain", 3)]
    assert _kinds(feedback_audit.verify_feedback_events()) == [("deleted", f"PAKN {item.code}", last.seq)]
    assert _kinds(steering_audit.verify_steering_events()) == [("deleted", f"obstacle {obstacle.pk}", step.seq)]


def test_a_deleted_middle_message_is_named():
    _messages(4)
    second = MessageLog.objects.order_by("id")[1]
    sql("exchange_messaging_messagelog", "DELETE FROM exchange_messaging_messagelog WHERE id = %s", [second.pk])
    assert _kinds(audit.verify_message_log()) == [("deleted", "chain", 2)]


# Attack 3: delete a whole chain with its head ------------------------------------------------------------------

def test_deleting_a_whole_access_chain_with_its_head_row_is_found_against_the_checkpoint():
    _access(3)
    audit.checkpoint()
    shard = shard_of(AN)
    sql("exchange_accesslogentry", "DELETE FROM exchange_accesslogentry WHERE shard = %s", [shard])
    sql("exchange_accessloghead", "DELETE FROM exchange_accessloghead WHERE shard = %s", [shard])
    report = audit.verify_access_log()
    assert _kinds(report) == [("deleted", f"chain {shard}", 1)]
    assert "whole chain is missing" in report.first.detail


def test_deleting_a_dossiers_whole_event_chain_is_found_against_the_checkpoint():
    dossier, _ = _dossier_events()
    audit.checkpoint()
    sql("dossiers_dossierevent", "DELETE FROM dossiers_dossierevent WHERE dossier_id = %s", [dossier.pk])
    assert _kinds(dossier_audit.verify_dossier_events()) == [("deleted", f"dossier id {dossier.pk}", 1)]
    assert "records 3 events but has none left" in dossier_audit.verify_dossier_events().first.detail


def test_emptying_the_message_log_is_found_against_the_checkpoint():
    _messages(3)
    audit.checkpoint()
    sql("exchange_messaging_messagelog", "DELETE FROM exchange_messaging_messagelog")
    assert _kinds(audit.verify_message_log()) == [("deleted", "chain", 1)]


# Attack 4: edit and re-seal the chain with plain SHA-256 (no key) -----------------------------------------------

def _reseal_plain(table: str, rows: list, content) -> None:
    """Recompute every link of ``rows`` (in chain order) with unkeyed SHA-256 over their current content."""
    previous = ""
    with bypass(table) as cursor:
        for row in rows:
            digest = plain_link_hash(previous, canonical_json(content(row)))
            cursor.execute(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s", [previous, digest, row.pk])
            previous = digest


def test_an_edit_resealed_with_plain_sha256_is_unkeyed():
    dossier, events = _dossier_events()
    sql("dossiers_dossierevent", "UPDATE dossiers_dossierevent SET reason = 'sửa' WHERE id = %s", [events[1].pk])
    _reseal_plain("dossiers_dossierevent", list(DossierEvent.objects.filter(dossier=dossier).order_by("seq")),
                  DossierEvent.chain_content)
    assert _kinds(dossier_audit.verify_dossier_events()) == [("unkeyed", f"dossier {dossier.code}", 1)]


def test_a_chain_resealed_before_the_checkpoint_differs_from_the_checkpointed_head():
    entries = _access(4)
    audit.checkpoint()
    sql("exchange_accesslogentry", "UPDATE exchange_accesslogentry SET purpose = 'Tò mò' WHERE id = %s",
        [entries[1].pk])
    _reseal_plain("exchange_accesslogentry", list(AccessLogEntry.objects.filter(shard=entries[0].shard)
                                                  .order_by("seq")), AccessLogEntry.chain_content)
    report = audit.verify_access_log()
    assert report.first.kind in ("unkeyed", "edited") and not report.intact


def test_an_edit_resealed_under_a_key_of_the_attackers_own_is_found():
    item = _pakn()
    events = list(FeedbackEvent.objects.filter(feedback=item).order_by("seq"))
    forged = "deadbeef:" + "0" * 64
    sql("feedback_feedbackevent", "UPDATE feedback_feedbackevent SET note = 'sửa', hash = %s WHERE id = %s",
        [forged, events[-1].pk])
    assert _kinds(feedback_audit.verify_feedback_events()) == [("unknown key", f"PAKN {item.code}", events[-1].seq)]


@pytest.mark.parametrize("model", [FeedbackEvent, PersonalDataAccess, SteeringEvent, MessageLog],
                         ids=lambda m: m._meta.db_table)
def test_an_edited_pakn_steering_or_message_entry_is_named(model):
    _pakn()
    _obstacle()
    _messages()
    entry = model._default_manager.order_by("id").first()
    table = model._meta.db_table
    column = {"feedback_personaldataaccess": "purpose", "exchange_messaging_messagelog": "detail"}.get(table, "note")
    sql(table, f"UPDATE {table} SET {column} = 'sửa' WHERE id = %s", [entry.pk])
    broken = [r for r in audit.verify_all() if not r.intact]
    assert len(broken) == 1 and (broken[0].first.kind, broken[0].first.entry_id) == ("edited", entry.pk)


# Keys and checkpoints --------------------------------------------------------------------------------------------

def test_entries_sealed_before_a_key_rotation_still_verify(audit_files):
    first = _access(2)
    old = chain.load_keys()[1]
    call_command("audit", "rotate-key")
    new = chain.load_keys()[1]
    later = _access(2)
    assert old != new and first[0].hash.startswith(f"{old}:") and later[0].hash.startswith(f"{new}:")
    assert audit.verify_access_log().intact


def test_plain_sha256_entries_from_before_keys_pass_only_where_a_checkpoint_covers_them():
    entries = _access(3)
    _reseal_plain("exchange_accesslogentry", entries, AccessLogEntry.chain_content)  # as written before keys
    shard = entries[0].shard
    head = AccessLogEntry.objects.get(pk=entries[-1].pk).hash
    sql("exchange_accessloghead", "UPDATE exchange_accessloghead SET hash = %s WHERE shard = %s", [head, shard])
    assert audit.verify_access_log().first.kind == "unkeyed"
    with pytest.raises(CommandError, match="unkeyed"):
        call_command("audit", "checkpoint", "--no-progress")
    call_command("audit", "checkpoint", "--no-progress", "--accept-unkeyed")  # once, after upgrading
    assert checkpoints.latest()["logs"]["access log"][str(shard)] == [3, head]
    assert audit.verify_access_log().intact
    _access(1)  # sealed with the key after the checkpoint
    assert audit.verify_access_log().intact
    later = AccessLogEntry.objects.filter(shard=shard).order_by("-seq").first()
    _reseal_plain("exchange_accesslogentry", list(AccessLogEntry.objects.filter(shard=shard).order_by("seq")),
                  AccessLogEntry.chain_content)  # an attacker's plain re-seal after the checkpoint
    report = audit.verify_access_log()
    assert (report.first.kind, report.first.seq) == ("unkeyed", later.seq)


def test_a_checkpoint_is_refused_when_a_chain_is_broken():
    entries = _access(3)
    sql("exchange_accesslogentry", "UPDATE exchange_accesslogentry SET purpose = 'x' WHERE id = %s", [entries[0].pk])
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint", "--no-progress")
    assert checkpoints.latest() is None


def test_an_altered_checkpoint_file_is_refused(audit_files):
    _messages(2)
    audit.checkpoint()
    audit.checkpoint()
    path = audit_files / "checkpoints.jsonl"
    lines = path.read_text().splitlines()
    record = json.loads(lines[-1])
    record["logs"]["message log"]["all"][0] = 1  # pretend the log was shorter
    path.write_text(lines[0] + "\n" + json.dumps(record) + "\n")
    with pytest.raises(checkpoints.CheckpointError):
        checkpoints.latest()
    path.write_text(lines[1] + "\n")  # the first line removed
    with pytest.raises(checkpoints.CheckpointError, match="does not follow"):
        checkpoints.latest()
    with pytest.raises(CommandError, match="altered") as error:
        call_command("audit", "verify", "--no-progress")
    assert error.value.returncode == 2


def test_the_key_never_reaches_the_database():
    entries = _access(1)
    secret = chain.load_keys()[0][chain.load_keys()[1]].hex()
    assert secret not in json.dumps(list(AccessLogEntry.objects.values()), default=str)
    assert entries[0].hash == AccessLogHead.objects.get(shard=entries[0].shard).hash


def test_a_message_logged_with_a_local_time_still_verifies():
    from datetime import datetime, timedelta, timezone

    messaging.log("in", "refused", peer="x", at=datetime(2026, 3, 2, 9, tzinfo=timezone(timedelta(hours=7))))
    assert audit.verify_message_log().intact
