"""Two web servers, a Celery worker and beat against one PostgreSQL database and Redis (issue 13 point 9): a citizen
submits on one server, the officer acts on the other, a sign-out on one is refused on the other at once, the
scheduled dispatch runs an outbox job, the scheduled Decree 118 closing closes an expired dossier, and /readyz
reports each dependency. Skipped with a reason when PostgreSQL
or Redis does not answer."""

from __future__ import annotations

import re
import uuid

import pytest
import requests

from . import live

pytestmark = [pytest.mark.slow, pytest.mark.backend]

PASSWORD = "mat-khau-dai-12345"
SETUP = f"""
from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from motcua.dossiers.tests.factories import Flow, officer, procedure, submitted, vn
procedure()
citizen = User.objects.create_user("cong-dan", password={PASSWORD!r})
from motcua.exchange.services import link_person
link_person(citizen, "001090012345", source="test")  # online, the applicant is the e-identified person
desk = officer("mot-cua", "desk_officer")
desk.set_password({PASSWORD!r}); desk.save()
# A supplement notice of 2/3/2026 left unanswered: Decree 118/2025 Art. 19(5) closes the dossier from 18/3/2026.
expired = Flow(submitted(at=vn(2026, 3, 2, 9)))
expired("receive", "desk_officer", vn(2026, 3, 2, 10))
expired("request_supplement", "specialist", vn(2026, 3, 2, 11), data={{"missing": ["Tờ khai"]}})
print(Token.objects.create(user=citizen).key, Token.objects.create(user=desk).key, expired.code)
"""
CITIZEN = {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An", "phone": "0912345678",
           "email": "an@example.vn", "address": "Hà Nội"}


@pytest.fixture
def deployment(tmp_path):
    live.redis_or_skip()
    name = f"motcua_prod_e2e_{uuid.uuid4().hex[:6]}"
    database = live.postgres_or_skip(name)
    try:
        # Only the two entries this test checks, every 2 s: with all of them one solo worker spent its time warming
        # the index pages (seconds a run) while beat queued hundreds of messages ahead of the outbox job.
        env = live.base_env(tmp_path, database, MOTCUA_BEAT_EVERY_SECONDS="2", MOTCUA_SESSION_CACHE_SECONDS="300",
                            MOTCUA_QUEUE_CACHE_SECONDS="300",
                            MOTCUA_BEAT_ONLY="jobs-dispatch-due,decree118-close-expired")
        live.run_cli(env, "migrate", "-v0", timeout=600)
        citizen_token, officer_token, expired = live.run_python(env, SETUP).split()
        with live.processes(tmp_path) as procs:
            one = procs.server("web-1", env, live.free_port())
            other = procs.server("web-2", env, live.free_port())
            procs.worker("worker", env)
            procs.beat("beat", env, tmp_path)
            yield env, one, other, citizen_token, officer_token, expired
    finally:
        live.drop_postgres(name)


def _sign_in(session: requests.Session, server: str, username: str) -> None:
    page = session.get(f"{server}/dang-nhap/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(f"{server}/dang-nhap/", data={"username": username, "password": PASSWORD,
                                                        "csrfmiddlewaretoken": token},
                          headers={"Referer": f"{server}/dang-nhap/"}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]


def _signed_in(session: requests.Session, server: str) -> bool:
    answer = session.get(f"{server}/can-bo/", allow_redirects=False, timeout=10)
    return not (answer.status_code == 302 and "/dang-nhap/" in answer.headers["Location"])


def test_two_servers_a_worker_and_beat_share_one_database_and_one_cache(deployment):
    env, one, other, citizen_token, officer_token, expired = deployment

    # Every dependency is named and answers, on both servers.
    for server in (one, other):
        ready = requests.get(f"{server}/readyz", timeout=20)
        assert ready.status_code == 200, ready.text
        checks = ready.json()["checks"]
        assert {k: v["ok"] for k, v in checks.items()} == dict.fromkeys(
            ("database", "migrations", "cache", "broker", "storage"), True)
        assert checks["database"]["detail"] == "postgresql" and checks["cache"]["detail"] == "RedisCache"

    # A citizen submits on one server …
    submitted = requests.post(f"{one}/api/v1/dossiers", json={
        "procedure": "1.000001", "agency": "H01.TTPVHCC", "channel": "online", "applicant": CITIZEN,
        "form_data": {"field": "value"}}, headers={"Authorization": f"Bearer {citizen_token}",
                                                   "Idempotency-Key": uuid.uuid4().hex}, timeout=20)
    assert submitted.status_code == 201, submitted.text
    code = submitted.json()["code"]
    # … the officer reads it and receives it on the other.
    officer = {"Authorization": f"Bearer {officer_token}"}
    dossier = requests.get(f"{other}/api/v1/dossiers/{code}", headers=officer, timeout=20)
    assert dossier.status_code == 200, dossier.text
    received = requests.post(f"{other}/api/v1/dossiers/{code}/actions/receive", json={},
                             headers={**officer, "If-Match": dossier.headers["ETag"]}, timeout=20)
    assert received.status_code == 200, received.text
    assert requests.get(f"{one}/api/v1/dossiers/{code}", headers=officer, timeout=20).json()["state"] != "submitted"

    # A sign-out on one server is refused on the other at once.
    browser = requests.Session()
    _sign_in(browser, one, "mot-cua")
    for _ in range(3):
        assert _signed_in(browser, other)
    browser.get(f"{one}/", timeout=10)
    browser.post(f"{one}/dang-xuat/", data={"csrfmiddlewaretoken": browser.cookies.get("csrftoken")},
                 headers={"Referer": f"{one}/"}, allow_redirects=False, timeout=10)
    assert not _signed_in(browser, other)

    # A job left in the outbox (no message: written by a process without a broker) is handed over by beat's
    # scheduled dispatch and run by the worker.
    quiet = {**env, "MOTCUA_BROKER_URL": "", "MOTCUA_JOBS_INLINE": "0"}
    job_id = live.run_python(quiet, "from motcua.core import jobs\n"
                                    "print(jobs.enqueue('notify', {'messages': [], 'done': []}).pk)").strip()
    status = f"from motcua.core.models import Job\nprint(Job.objects.get(pk={job_id}).status)"
    live.wait_for(lambda: live.run_python(env, status).strip() == "done", 90,
                  "beat's dispatch and the worker did not run the outbox job")

    # The scheduled Decree 118 closing (beat's decree118-close-expired, run by the worker) closed the dossier whose
    # supplement notice went unanswered.
    def closed() -> bool:
        answer = requests.get(f"{one}/api/v1/dossiers/{expired}", headers=officer, timeout=20)
        return answer.status_code == 200 and answer.json()["state"] == "stopped"

    live.wait_for(closed, 90, "the scheduled close-expired did not close the expired dossier")
