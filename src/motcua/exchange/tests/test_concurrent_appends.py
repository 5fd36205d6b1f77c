"""Concurrent appends (issue 4 point 5): writers on one chain are serialised by the chain head's row lock, writers on
different chains proceed together; the chains stay gap-free and verify. PostgreSQL only (real concurrent
transactions); SQLite serialises every write transaction anyway."""

import threading

import pytest
from django.db import connection

from motcua.dossiers import audit as dossier_audit
from motcua.exchange import audit, services
from motcua.exchange.models import AccessLogEntry, shard_of

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # agencies come from migrations


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)")
def test_threads_appending_to_one_chain_and_to_others_keep_every_chain_intact():
    subjects = ["001090012345", "001185004321", "079201006789", "038178009876"]
    errors = []

    def writer(n: int) -> None:
        try:
            for i in range(25):
                subject = subjects[0] if i % 2 else subjects[(n + i) % len(subjects)]
                batch = 1 if i % 5 else 3
                services.append_log([services.LogRecord(registry="population", subject=subject, attributes=[],
                                                        role="citizen", purpose=f"w{n}-{i}", outcome="allowed")
                                     for _ in range(batch)])
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert AccessLogEntry.objects.count() == 6 * (20 + 5 * 3)
    for shard in {shard_of(s) for s in subjects}:
        seqs = list(AccessLogEntry.objects.filter(shard=shard).order_by("seq").values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
    report = audit.verify_access_log()
    assert report.intact, report.summary()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel verification runs on PostgreSQL")
def test_parallel_verification_of_dossier_events_names_the_tampered_event():
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.tests.factories import Flow, vn

    from .factories import officer_case, submitted
    from .tamper import sql

    _, first = officer_case(granted=False)
    dossiers = [first, submitted(), submitted()]
    for dossier in dossiers:
        Flow(dossier)("receive", "desk_officer", vn(2026, 3, 2, 10))
    report = dossier_audit.verify_dossier_events(workers=2)
    assert report.intact and report.entries == 6 and report.chains == 3, report.summary()
    target = DossierEvent.objects.get(dossier=dossiers[1], seq=2)
    sql("dossiers_dossierevent", "UPDATE dossiers_dossierevent SET reason = 'sửa' WHERE id = %s", [target.pk])
    finding = dossier_audit.verify_dossier_events(workers=2).first
    assert (finding.kind, finding.chain, finding.seq, finding.entry_id) == (
        "edited", f"dossier {dossiers[1].code}", 2, target.pk)
