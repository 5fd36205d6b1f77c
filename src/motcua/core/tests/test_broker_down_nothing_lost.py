"""The broker down for a while (issue 13 point 6): changes still commit, their jobs wait in the outbox, and they run
once the broker answers again (beat's dispatch). Real processes: a Redis server of the test's own as the broker
(stopped and started again), a Celery worker and beat; the shared cache on the machine's Redis. Skipped with a reason
when redis-server is not installed or Redis does not answer."""

from __future__ import annotations

import shutil
import sqlite3
import time

import pytest

from . import live

pytestmark = [pytest.mark.slow]


def _statuses(db: str) -> list[str]:
    with sqlite3.connect(db.removeprefix("sqlite:///"), timeout=30) as conn:
        return [s for (s,) in conn.execute("SELECT status FROM core_job WHERE kind = 'notify' ORDER BY id")]


def test_jobs_written_while_the_broker_is_down_run_when_it_returns(tmp_path):
    live.redis_or_skip()
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed: no broker of the test's own")
    port = live.free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    db = live.migrated_sqlite(tmp_path)
    # Only the dispatch every 2 s (with every entry the solo worker falls behind warming the index pages).
    env = live.base_env(tmp_path, db, MOTCUA_BROKER_URL=broker, MOTCUA_BEAT_EVERY_SECONDS="2",
                        MOTCUA_BEAT_ONLY="jobs-dispatch-due")
    redis_args = ("-c", "import os, sys; os.execv(sys.argv[1], sys.argv[1:])", binary, "--port", str(port),
                  "--bind", "127.0.0.1", "--save", "", "--appendonly", "no")
    enqueue = ("from django.db import transaction\nfrom motcua.core import jobs\nwith transaction.atomic():\n"
               "    jobs.enqueue('notify', {'messages': [], 'done': []})\n")
    with live.processes(tmp_path) as procs:
        first_broker = procs.start("broker-1", env, *redis_args)
        live.wait_for(lambda: _ping(port), 20, "the test's broker did not start", first_broker)
        procs.worker("worker", env)
        procs.beat("beat", env, tmp_path)
        live.run_python(env, enqueue)
        live.wait_for(lambda: _statuses(db) == ["done"], 60, "a job did not run while the broker was up")

        first_broker.terminate()
        first_broker.wait(timeout=10)
        started = time.monotonic()
        live.run_python(env, enqueue)  # the change commits; its job cannot be handed over
        live.run_python(env, enqueue)
        assert time.monotonic() - started < 30  # nothing hangs on the missing broker
        time.sleep(3)
        assert _statuses(db) == ["done", "pending", "pending"]

        second_broker = procs.start("broker-2", env, *redis_args)
        live.wait_for(lambda: _ping(port), 20, "the test's broker did not start again", second_broker)
        live.wait_for(lambda: _statuses(db) == ["done", "done", "done"], 120,
                      "the jobs written while the broker was down did not run when it returned")


def _ping(port: int) -> bool:
    import redis

    try:
        return bool(redis.Redis(port=port, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False
