"""Issue 13 point 4: figure pages read from a real PostgreSQL streaming replica (its own primary started with initdb,
the replica with ``pg_basebackup -R``, both on free ports in /tmp — never the shared server), state the moment
their figures are complete to, and fall back to the primary when the replica is further behind than allowed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from motcua.core.tests import pgcluster

pytestmark = [pytest.mark.backend, pytest.mark.slow,
              pytest.mark.skipif(bool(pgcluster.missing()), reason=pgcluster.missing() or "-")]

SRC = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def drill() -> dict:
    ws = pgcluster.Workspace()
    try:
        primary = ws.cluster("primary").initdb().start()
        standby = ws.cluster("replica").basebackup_of(primary).start()
        primary.psql("CREATE DATABASE motcua")
        env = {**os.environ, "PYTHONPATH": str(SRC), "DATABASE_URL": primary.url("motcua"),
               "MOTCUA_REPLICA_DATABASE_URL": standby.url("motcua"), "MOTCUA_VAR_DIR": str(ws.root / "var"),
               "MOTCUA_REDIS_URL": "", "REDIS_URL": "", "MOTCUA_BROKER_URL": "", "MOTCUA_JOBS_INLINE": "1"}
        done = subprocess.run([sys.executable, "-m", "motcua.core.tests.replica_drill"], env=env, cwd=ws.root,
                              capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr[-4000:]
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        ws.close()


def _t(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def test_a_caught_up_replica_serves_the_figures_and_the_page_states_their_time(drill):
    seen = drill["caught_up"]
    assert seen["status"] == 200 and seen["watermark"] == 100
    assert seen["source"] == "replica" and seen["lag"] == "0.0"
    assert any("oversight_factwatermark" in sql for sql in seen["replica_sql"])
    assert drill["page"]["status"] == 200
    assert drill["page"]["stamp"].startswith("Số liệu tính đến ")
    assert "bản sao cơ sở dữ liệu, trễ 0 giây" in drill["page"]["stamp"]


def test_writes_accounts_and_other_requests_never_go_to_the_replica(drill):
    assert drill["routes"] == {"fact_read": "replica", "fact_write": "default", "user_read": "default"}
    assert drill["routes_outside"] == "default"


def test_a_replica_behind_within_the_limit_shows_the_older_figure_with_the_older_time(drill):
    seen = drill["behind_within_limit"]
    assert seen["source"] == "replica" and seen["watermark"] == 100  # the write of 200 is not replayed yet
    assert _t(seen["as_of"]) < _t(drill["written_at"])  # so the page never claims a time it does not have
    assert float(seen["lag"]) >= 1.5
    assert "đọc từ bản sao cơ sở dữ liệu, trễ" in drill["behind_page_stamp"]


def test_a_replica_further_behind_than_the_limit_is_not_read(drill):
    seen = drill["behind_beyond_limit"]
    assert seen["source"] == "primary" and seen["watermark"] == 200
    assert [sql for sql in seen["replica_sql"] if "pg_last_wal_replay_lsn" not in sql] == []  # only the lag probe
    assert _t(seen["as_of"]) > _t(drill["written_at"])


def test_the_replica_is_read_again_once_it_has_caught_up(drill):
    seen = drill["resumed"]
    assert seen["source"] == "replica" and seen["watermark"] == 200 and seen["lag"] == "0.0"
