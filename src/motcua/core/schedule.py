"""Celery beat's schedule: the periodic commands of a production deployment (times in Asia/Ho_Chi_Minh).

Each entry runs a ``motcua`` management command through :func:`motcua.core.tasks.run_command`, which holds a lock
in the shared cache so that a slow run is never overlapped by the next one, and skips (with a warning) a command
that this version does not have. ``MOTCUA_BEAT_EVERY_SECONDS`` (tests, drills) runs every entry at that interval.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery.schedules import crontab
from django.conf import settings

# name → (schedule, command, arguments). Arguments "{previous_month}" are filled in at run time.
ENTRIES: dict[str, tuple[Any, str, tuple[str, ...]]] = {
    # The outbox: due rows whose message was lost (broker down at the commit) and retries after back-off.
    "jobs-dispatch-due": (timedelta(seconds=30), "@dispatch_due", ()),
    # Oversight facts brought up to date, then the index pages' caches warmed.
    "oversight-refresh-warm": (crontab(minute="*/15"), "oversight", ("refresh", "--warm")),
    # The review batches the oversight pages and the monthly report read (issue 14 points 5 and 9: no page tells a
    # supervisor to run a command): every night, outside office hours, one after another.
    "oversight-review-nightly": (crontab(minute=10, hour=0), "oversight", ("review",)),
    "oversight-bottlenecks-nightly": (crontab(minute=40, hour=0), "oversight", ("bottlenecks",)),
    "oversight-workload-nightly": (crontab(minute=10, hour=1), "oversight", ("workload",)),
    "oversight-cost-nightly": (crontab(minute=30, hour=1), "oversight", ("cost",)),
    # Consultations past their answer time escalated (idempotent).
    "dossiers-escalate": (crontab(minute="*/10"), "dossiers", ("escalate",)),
    # Decree 118/2025 Art. 17(2)(c): online dossiers not received within 8 working hours flagged.
    "decree118-flag-late-receipts": (crontab(minute="*/15"), "dossiers", ("flag-late-receipts",)),
    # Decree 118/2025 Art. 19(5): dossiers whose supplement notice went unanswered for 15 days closed.
    "decree118-close-expired": (crontab(minute=5, hour="*"), "dossiers", ("close-expired",)),
    # PAKN items past a due time (the command lists them; the metric motcua_overdue counts them).
    "feedback-overdue": (crontab(minute=0, hour=7), "feedback", ("overdue",)),
    # Advisory Council members who have not reported for the past month reminded (1st of the month).
    "steering-remind": (crontab(minute=0, hour=8, day_of_month=1), "steering", ("remind", "--period",
                                                                                  "{previous_month}")),
    # The audit trails verified and a signed checkpoint of every chain appended (issue 12 point 3; docs/security.md).
    "audit-checkpoint": (crontab(minute=45, hour="*"), "audit", ("checkpoint", "--no-progress")),
    # Proactive online services (Decree 224/2026 Art. 16): triggers read the registries' change feed past their
    # watermark, prepare dossiers and remind (issue 16).
    "proactive-run": (crontab(minute="*/30"), "proactive", ("run",)),
    # The past month's national report written to the document store (2nd of the month).
    "report-monthly": (crontab(minute=0, hour=2, day_of_month=2), "@monthly_report", ("{previous_month}",)),
}


def beat_schedule() -> dict[str, dict]:
    """Celery beat's entries. In a drill (``MOTCUA_BEAT_EVERY_SECONDS``) every entry repeats at that interval and its
    message expires after three intervals: one worker cannot run every command every two seconds (warming the index
    pages alone takes seconds), and without the expiry the queue grew without bound, so an outbox job handed over
    behind it waited for minutes. ``MOTCUA_BEAT_ONLY`` (entry names) keeps only the entries a drill checks."""
    every = settings.MOTCUA_BEAT_EVERY_SECONDS
    only = set(settings.MOTCUA_BEAT_ONLY or ())
    schedule = {}
    for name, (when, command, args) in ENTRIES.items():
        if only and name not in only:
            continue
        task = "motcua.jobs.dispatch_due" if command == "@dispatch_due" else "motcua.command"
        schedule[name] = {
            "task": task,
            "schedule": timedelta(seconds=every) if every else when,
            "args": () if task == "motcua.jobs.dispatch_due" else (command, *args),
            "options": {"expires": max(3 * every, 5) if every else 3600},
        }
    return schedule
