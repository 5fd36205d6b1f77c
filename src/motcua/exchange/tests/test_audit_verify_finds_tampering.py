"""`motcua audit verify` (issue 4 point 5): exits 0 on intact chains, otherwise non-zero naming the first entry
edited, deleted or reordered — in the access log and in the dossier event log. Tampering goes through raw SQL with
the append-only triggers bypassed, as an attacker with database access would."""

import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core.chain import canonical_json, link_hash
from motcua.dossiers import audit as dossier_audit
from motcua.dossiers.models import DossierEvent
from motcua.exchange import audit, services
from motcua.exchange.models import AccessLogEntry, log_chain_content, shard_of

from .factories import AN, BINH, citizen, officer_case
from .tamper import sql

pytestmark = pytest.mark.django_db
LOG = "exchange_accesslogentry"
EVENTS = "dossiers_dossierevent"


def _log(n: int = 5, subject: str = AN) -> list[AccessLogEntry]:
    records = [services.LogRecord(registry="population", subject=subject, attributes=["full_name"], role="citizen",
                                  purpose=f"Tra cứu {i}", outcome="allowed") for i in range(n)]
    return services.append_log(records)


def _chain(subject: str = AN) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(shard=shard_of(subject)).order_by("seq"))


def test_intact_logs_verify_and_the_command_exits_zero(capsys):
    _log(5)
    _log(3, BINH)
    report = audit.verify_access_log()
    assert report.intact and report.entries == 8 and report.chains == (1 if shard_of(AN) == shard_of(BINH) else 2)
    call_command("audit", "verify", "--no-progress")
    assert "access log: 8 entries" in capsys.readouterr().out


def test_an_edited_entry_is_named():
    entries = _log(5)
    sql(LOG, "UPDATE exchange_accesslogentry SET purpose = %s WHERE id = %s", ["Tò mò", entries[2].pk])
    report = audit.verify_access_log()
    finding = report.first
    assert (finding.kind, finding.seq, finding.entry_id) == ("edited", 3, entries[2].pk)
    with pytest.raises(CommandError, match=rf"edited: access log chain {entries[2].shard} entry #3 \(id "
                                           rf"{entries[2].pk}\)") as error:
        call_command("audit", "verify", "--no-progress", "--log", "access")
    assert error.value.returncode == 1


def test_an_edit_whose_hash_was_recomputed_is_still_named():
    entries = _log(5)
    row = entries[1]
    content = {**row.chain_content(), "purpose": "Tò mò"}
    sql(LOG, "UPDATE exchange_accesslogentry SET purpose = %s, hash = %s WHERE id = %s",
        ["Tò mò", link_hash(row.prev_hash, content), row.pk])
    finding = audit.verify_access_log().first
    assert (finding.kind, finding.seq, finding.entry_id) == ("edited", 2, row.pk)


def test_a_deleted_entry_is_named_by_its_position():
    entries = _log(5)
    sql(LOG, "DELETE FROM exchange_accesslogentry WHERE id = %s", [entries[1].pk])
    finding = audit.verify_access_log().first
    assert (finding.kind, finding.seq, finding.entry_id) == ("deleted", 2, None)
    assert f"missing before #3 (id {entries[2].pk})" in finding.detail


def test_a_deleted_tail_is_found_through_the_chain_head():
    entries = _log(4)
    sql(LOG, "DELETE FROM exchange_accesslogentry WHERE id = %s", [entries[-1].pk])
    finding = audit.verify_access_log().first
    assert (finding.kind, finding.seq) == ("deleted", 4)
    sql(LOG, "DELETE FROM exchange_accesslogentry WHERE shard = %s", [entries[0].shard])
    assert audit.verify_access_log().first.detail.startswith("the chain is empty")


def test_reordered_entries_are_named():
    entries = _log(5)
    second, third = entries[1], entries[2]
    # Swap their positions; each keeps its own link and is resealed so that it looks self-consistent.
    for row, seq in ((second, 3), (third, 2)):
        content = log_chain_content(*(seq if c == "seq" else getattr(row, c) for c in (
            "shard", "seq", "at", "registry", "subject", "attributes", "agency_code", "actor_username", "actor_name",
            "role", "dossier_code", "procedure_code", "purpose", "outcome", "reason", "latency_ms", "grant_id")))
        sql(LOG, "UPDATE exchange_accesslogentry SET seq = %s, hash = %s WHERE id = %s",
            [-seq, link_hash(row.prev_hash, content), row.pk])
    sql(LOG, "UPDATE exchange_accesslogentry SET seq = -seq WHERE seq < 0")
    finding = audit.verify_access_log().first
    assert (finding.kind, finding.seq, finding.entry_id) == ("reordered", 2, third.pk)


def test_the_first_broken_entry_across_chains_is_named_first():
    a = _log(3, AN)
    other = next(pid for pid in ("079201006789", "038178009876", BINH) if shard_of(pid) != shard_of(AN))
    b = _log(3, other)
    sql(LOG, "UPDATE exchange_accesslogentry SET reason = 'x' WHERE id IN (%s, %s)", [b[2].pk, a[1].pk])
    report = audit.verify_access_log()
    assert len(report.findings) == 2
    assert report.first.entry_id == a[1].pk


# Dossier events -------------------------------------------------------------------------------------------------

def _events():
    _, dossier = officer_case(granted=False)
    from motcua.dossiers.tests.factories import Flow, vn

    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("request_supplement", "desk_officer", vn(2026, 3, 2, 11), reason="Thiếu tờ khai", data={"missing": ["x"]})
    return dossier, list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))


def test_dossier_events_intact_and_edited():
    dossier, events = _events()
    assert dossier_audit.verify_dossier_events().intact
    sql(EVENTS, "UPDATE dossiers_dossierevent SET reason = 'sửa' WHERE id = %s", [events[1].pk])
    finding = dossier_audit.verify_dossier_events().first
    assert (finding.kind, finding.chain, finding.seq, finding.entry_id) == (
        "edited", f"dossier {dossier.code}", 2, events[1].pk)
    with pytest.raises(CommandError, match=rf"dossier events: edited: dossier events dossier {dossier.code} entry #2"):
        call_command("audit", "verify", "--no-progress", "--log", "dossiers")


def test_a_deleted_dossier_event_is_found():
    dossier, events = _events()
    sql(EVENTS, "DELETE FROM dossiers_dossierevent WHERE id = %s", [events[-1].pk])
    finding = dossier_audit.verify_dossier_events().first
    assert (finding.kind, finding.chain, finding.seq) == ("deleted", f"dossier {dossier.code}", len(events))


def test_an_edited_event_whose_hashes_were_blanked_is_a_failure_not_unsealed():
    """Issue 12 point 3: blanking ``hash``/``prev_hash`` of an edited event was reported as "unsealed" and intact."""
    _, events = _events()
    sql(EVENTS, "UPDATE dossiers_dossierevent SET reason = 'sửa', hash = '', prev_hash = '' WHERE id = %s",
        [events[1].pk])
    report = dossier_audit.verify_dossier_events()
    assert not report.intact and report.unsealed == 1
    assert (report.first.kind, report.first.seq, report.first.entry_id) == ("unsealed", 2, events[1].pk)


def test_citizen_self_service_reads_are_in_the_verified_log():
    services.fetch("population", AN, actor=citizen(AN), role="citizen", purpose="Tự tra cứu")
    assert audit.verify_access_log().entries == 1


def test_single_appends_and_batches_interleave_into_one_verifiable_chain():
    # On PostgreSQL a single record is linked by the server (sha256 in SQL); batches are linked in Python: both
    # must produce the hashes the verifier recomputes, including non-ASCII text, quotes and backslashes.
    for i in range(4):
        services.append_log([services.LogRecord(
            registry="residence", subject=AN, attributes=["permanent_address"], role="specialist",
            purpose=f'Xác minh "nơi ở" \\ lần {i} — ✓', outcome="allowed", agency_code="H01.TTPVHCC",
            latency_ms=1.23456 * i, grant_id=i or None)])
        _log(2)
    report = audit.verify_access_log()
    assert report.intact, report.summary()
    assert [e.seq for e in _chain()] == list(range(1, 13))


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(), min_size=9, max_size=9), attributes=st.lists(st.text(max_size=12), max_size=4),
       latency=st.one_of(st.none(), st.floats(min_value=0, max_value=1e7, allow_nan=False)),
       grant=st.one_of(st.none(), st.integers(1, 2**62)), seq=st.integers(1, 2**62), shard=st.integers(0, 63))
def test_the_fast_content_builder_is_byte_identical_to_canonical_json(texts, attributes, latency, grant, seq, shard):
    at = datetime(2026, 11, 30, 3, 4, 5, 60, tzinfo=UTC)
    registry, subject, agency, actor, actor_name, role, dossier, procedure, purpose = texts
    args = (registry, subject, attributes, agency, actor, actor_name, role, dossier, procedure, purpose, "allowed",
            purpose[::-1], latency, grant)
    expected = canonical_json(log_chain_content(shard, seq, at, *args))
    assert audit.access_content_json(shard, seq, at.isoformat(timespec="microseconds"), *args) == expected


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(st.text(), min_size=6, max_size=6),
       data=st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                         max_leaves=8),
       actor=st.one_of(st.none(), st.integers(1, 2**40)), seq=st.integers(1, 10**6))
def test_the_fast_event_content_builder_is_byte_identical(texts, data, actor, seq):
    from motcua.dossiers.models import event_chain_content

    at = datetime(2026, 3, 2, 9, 0, 0, 123, tzinfo=UTC)
    role, action, from_state, to_state, step, reason = texts
    data = {"x": data}
    expected = canonical_json(event_chain_content(7, seq, actor, role, at, action, from_state, to_state, step, reason,
                                                  data))
    stored = json.loads(canonical_json(data))  # what the database gives back
    assert dossier_audit.event_content_json(7, seq, actor, role, at.isoformat(timespec="microseconds"), action,
                                            from_state, to_state, step, reason, stored) == expected
