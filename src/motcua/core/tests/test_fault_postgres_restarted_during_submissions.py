"""Issue 13 point 6, drilled: PostgreSQL restarted (crash-like, ``pg_ctl stop -m immediate`` then start) while 32
clients submit online dossiers through a real gunicorn server. The database is a throwaway server started with
``initdb`` for this test (never the shared one). Every client sends each submission with its own Idempotency-Key and
retries with the same key on any error, as a client of the API must. Checked afterwards: every acknowledged dossier
is in the database, no key made two dossiers, the codes of the day have no gap, and a retry of any key returns the
dossier first acknowledged; while the database is down the API answers 503 problem+json with Retry-After."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import Counter

import pytest

from motcua.core.tests import live, pgcluster

pytestmark = [pytest.mark.backend, pytest.mark.slow,
              pytest.mark.skipif(bool(pgcluster.missing()), reason=pgcluster.missing() or "-")]

CLIENTS = 32
PER_CLIENT = 6
SETUP = """
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token
from motcua.dossiers.tests.factories import procedure
from motcua.exchange.services import link_person
procedure()
citizen = get_user_model().objects.create_user("cong-dan")
link_person(citizen, "001090012345", source="test")
print(Token.objects.create(user=citizen).key)
"""
BODY = {"procedure": "1.000001", "agency": "H01.TTPVHCC", "channel": "online", "form_data": {"field": "value"},
        "applicant": {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An",
                      "phone": "0912345678", "email": "an@example.vn", "address": "Hà Nội"}}


def _submit_until_acknowledged(server: str, token: str, key: str, log: list, deadline: float) -> dict | None:
    import requests

    attempt = 0
    while time.monotonic() < deadline:
        attempt += 1
        try:
            answer = requests.post(f"{server}/api/v1/dossiers", json=BODY, timeout=15,
                                   headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})
        except requests.RequestException as error:
            log.append(("connection", type(error).__name__))
        else:
            if answer.status_code == 201:
                return {"key": key, "code": answer.json()["code"], "attempts": attempt}
            log.append((answer.status_code, answer.headers.get("Content-Type", "")))
        time.sleep(min(0.1 * attempt, 1.0))
    return None


def test_postgres_restarted_during_32_client_submissions_loses_and_doubles_nothing(tmp_path):
    import psycopg
    import requests

    ws = pgcluster.Workspace()
    try:
        db = ws.cluster("db").initdb().start()
        db.psql("CREATE DATABASE motcua")
        env = live.base_env(tmp_path, db.url("motcua"), MOTCUA_JOBS_INLINE="1")
        for name in ("MOTCUA_REDIS_URL", "MOTCUA_BROKER_URL"):
            env.pop(name)
        live.run_cli(env, "migrate", "-v0", timeout=600)
        token = live.run_python(env, SETUP).split()[-1]
        with live.processes(tmp_path) as procs:
            server = procs.server("web", env | {"MOTCUA_LOG_LEVEL": "WARNING"}, live.free_port())
            acknowledged: list[dict] = []
            errors: list = []
            lock = threading.Lock()
            deadline = time.monotonic() + 240

            def client() -> None:
                for _ in range(PER_CLIENT):
                    done = _submit_until_acknowledged(server, token, uuid.uuid4().hex, errors, deadline)
                    with lock:
                        acknowledged.append(done)

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
            for t in threads:
                t.start()
            live.wait_for(lambda: len(acknowledged) >= CLIENTS, 120, "no submissions before the restart")
            before_restart = len(acknowledged)
            db.stop("immediate")  # a crash: no checkpoint, recovery from the WAL at start
            time.sleep(1.0)
            db.start()
            for t in threads:
                t.join()
            assert requests.get(f"{server}/readyz", timeout=20).status_code == 200

            assert None not in acknowledged, f"a submission was never acknowledged; errors: {Counter(errors)}"
            assert len(acknowledged) == CLIENTS * PER_CLIENT
            assert before_restart < CLIENTS * PER_CLIENT  # the restart did fall in the middle
            assert errors, "the restart was not felt by any client"
            # What a client sees meanwhile: 503 problem+json with Retry-After (or no connection), never a 500.
            assert {e[0] for e in errors} <= {503, "connection"}, Counter(errors)
            with psycopg.connect(db.url("motcua")) as conn:
                codes = [r[0] for r in conn.execute("SELECT code FROM dossiers_dossier")]
            acknowledged_codes = [a["code"] for a in acknowledged]
            # Every acknowledged dossier is present, and nothing else: no key made a second dossier.
            assert sorted(codes) == sorted(acknowledged_codes)
            assert len(set(acknowledged_codes)) == len(acknowledged_codes)
            # No gap: the serials of each agency-day run 1..n.
            serials: dict[str, list[int]] = {}
            for code in codes:
                prefix, serial = re.fullmatch(r"(.+)-(\d+)", code).groups()
                serials.setdefault(prefix, []).append(int(serial))
            for prefix, numbers in serials.items():
                assert sorted(numbers) == list(range(1, len(numbers) + 1)), prefix
            # A retry with the same key gets the same dossier.
            for done in acknowledged[::8]:
                again = requests.post(f"{server}/api/v1/dossiers", json=BODY, timeout=15, headers={
                    "Authorization": f"Bearer {token}", "Idempotency-Key": done["key"]})
                assert again.status_code == 201 and again.json()["code"] == done["code"]
            print(f"acknowledged before the restart: {before_restart}; errors seen by clients: {Counter(errors)}; "
                  f"retries: {sum(a['attempts'] - 1 for a in acknowledged)}")
    finally:
        ws.close()
