"""Issue 15 point 4: ``motcua audit verify`` lives in ``core`` and verifies the chained logs the packages above it
register with ``core.eventlog.register_chained_log`` — every one of them, in order, and only those."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core import audit
from motcua.core.eventlog import chained_log_registry, chained_logs, register_chained_log

pytestmark = pytest.mark.django_db

SIX = ["access", "dossiers", "feedback", "personal-data", "steering", "messages"]


@pytest.fixture(autouse=True)
def audit_files(settings, tmp_path):
    settings.MOTCUA_AUDIT_KEY_FILE = str(tmp_path / "chain.key")
    settings.MOTCUA_AUDIT_CHECKPOINT_FILE = str(tmp_path / "checkpoints.jsonl")
    settings.MOTCUA_AUDIT_SIGNING_KEY_FILE = str(tmp_path / "checkpoint-key.pem")


def test_every_package_registers_its_logs_in_the_order_of_the_output():
    assert [log.name for log in chained_logs()] == SIX
    reports = audit.verify_all()
    assert [r.log for r in reports] == ["access log", "dossier events", "PAKN events", "PAKN personal-data access",
                                        "steering events", "message log"]
    assert all(r.intact for r in reports)


def test_a_log_registered_later_is_verified_too_and_named_on_the_command_line():
    seen = []

    def verify(*, progress: bool = False, checkpoint=audit.LATEST) -> audit.Report:
        seen.append(progress)
        report = audit.Report("extra log")
        report.findings.append(audit.Finding("edited", "chain", 2, 42, "its content no longer matches its hash"))
        return report

    try:
        register_chained_log("extra", verify, order=99)
        out = io.StringIO()
        with pytest.raises(CommandError) as broken:
            call_command("audit", "verify", "--log", "extra", "--no-progress", stdout=out)
        assert seen == [False]
        assert "extra log" in out.getvalue() and "edited: extra log chain entry #2 (id 42)" in str(broken.value)
        assert [r.log for r in audit.verify_all()][-1] == "extra log"
    finally:
        chained_log_registry.unregister("extra")
    assert [log.name for log in chained_logs()] == SIX


def test_an_unknown_log_name_is_refused():
    with pytest.raises(ValueError, match="no chained log named nope"):
        audit.verify_all(logs=["nope"])
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--log", "nope", "--no-progress")
