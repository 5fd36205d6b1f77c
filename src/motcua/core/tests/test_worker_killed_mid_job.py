"""A Celery worker killed (SIGKILL) in the middle of a job: the job runs again, once, and its effect is not doubled.

Real processes: a Celery worker against the local Redis, a migrated SQLite file shared with the test (the
PostgreSQL variant is the two-server test's). Skipped with a reason when Redis does not answer."""

from __future__ import annotations

import os
import signal
import sqlite3

import pytest

from . import live

pytestmark = [pytest.mark.slow]  # its own SQLite file whatever the suite's database: not backend-dependent


def _rows(db: str, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(db.removeprefix("sqlite:///"), timeout=30) as conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.parametrize("broker", ["redis", "rabbitmq"])
def test_a_job_whose_worker_is_killed_runs_again_once_and_its_effect_is_not_doubled(tmp_path, broker):
    live.redis_or_skip()  # the shared cache
    broker_url = live.redis_or_skip() if broker == "redis" else live.rabbitmq_or_skip()
    db = live.migrated_sqlite(tmp_path)
    marker = tmp_path / "started"
    env = live.base_env(tmp_path, db, MOTCUA_JOBS_MODULES="motcua.core.tests.live_handlers",
                        MOTCUA_BROKER_VISIBILITY_TIMEOUT="3", MOTCUA_BROKER_URL=broker_url)
    try:
        _kill_and_rerun(tmp_path, db, marker, env)
    finally:
        if broker == "rabbitmq":
            live.delete_amqp_queue(env["MOTCUA_JOBS_QUEUE"])


def _kill_and_rerun(tmp_path, db, marker, env) -> None:
    with live.processes(tmp_path) as procs:
        first = procs.worker("worker-1", env)
        # The job is written in a transaction and handed to the broker after its commit.
        job_id = int(live.run_python(env, (
            "from django.db import transaction\nfrom motcua.core import jobs\n"
            "with transaction.atomic():\n"
            f"    job = jobs.enqueue('test.effect-then-wait', {{'marker': {str(marker)!r}}})\n"
            "print(job.pk)")).strip())
        live.wait_for(marker.exists, 60, "the first worker never started the job", first)
        assert int(marker.read_text()) == first.pid
        os.kill(first.pid, signal.SIGKILL)  # mid-job: its transaction dies with it, its message is not acknowledged
        first.wait(timeout=10)
        assert _rows(db, "SELECT status, attempts FROM core_job WHERE id = ?", job_id) == [("pending", 0)]

        second = procs.worker("worker-2", env)
        live.wait_for(lambda: _rows(db, "SELECT status FROM core_job WHERE id = ?", job_id) == [("done",)], 90,
                      "the job was not run again after its worker died", second)
        effects = _rows(db, "SELECT payload FROM core_job WHERE kind = 'test.effect'")
        assert len(effects) == 1, effects
        assert _rows(db, "SELECT attempts FROM core_job WHERE id = ?", job_id) == [(1,)]
