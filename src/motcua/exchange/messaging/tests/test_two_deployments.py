"""Two deployments on loopback run one linked group across them (issue 4 point 9): a province (H01, the receiving
commune's service centre and the birth registration) and a ministry deployment (BCA residence, BHXH health insurance).

Each deployment is its own ``motcua serve`` process with its own SQLite database and deployment id; messages are
delivered by ``motcua exchange send`` processes. The ministry is down when the submission goes out, the province is
down when the ministry's results come back: nothing is lost, nothing is applied twice (a message delivered again is
dropped as a duplicate), and the parent completes.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[5]
MOTCUA = str(Path(sys.executable).with_name("motcua"))
CITIZEN = {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An", "phone": "0912345678",
           "address": "Hà Nội"}
SETUP = """
import json
from rest_framework.authtoken.models import Token
from motcua.dossiers.tests.api_clients import user
from motcua.dossiers.tests.factories import procedure
for code in ("2.000986", "1.001193", "1.004222"):
    procedure(code)
tokens = {}
for name, roles in json.loads('''%s''').items():
    account = user(name, *[tuple(r) for r in roles])
    tokens[name] = Token.objects.get_or_create(user=account)[0].key
print("TOKENS" + json.dumps(tokens))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    def __init__(self, name: str, base: Path, template: Path) -> None:
        self.name, self.dir = name, base / name
        self.dir.mkdir(parents=True)
        shutil.copy(template, self.dir / "motcua.sqlite3")
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL",
                                                                                  "DJANGO_"))},
                    "DATABASE_URL": f"sqlite:///{self.dir / 'motcua.sqlite3'}", "MOTCUA_VAR_DIR": str(self.dir),
                    "MOTCUA_DEPLOYMENT_ID": name, "MOTCUA_EXCHANGE_BACKOFF_SECONDS": "0.2",
                    "MOTCUA_EXCHANGE_BACKOFF_MAX": "0.5", "MOTCUA_EXCHANGE_TIMEOUT": "5"}
        self.server: subprocess.Popen | None = None
        self.tokens: dict[str, str] = {}

    def run(self, *args: str) -> str:
        done = subprocess.run([MOTCUA, *args], env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{self.name} motcua {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def setup(self, users: dict) -> None:
        out = self.run("shell", "-c", SETUP % json.dumps(users))
        self.tokens = json.loads(out.split("TOKENS", 1)[1])
        self.public_key = self.run("exchange", "keygen").strip().splitlines()[-1]

    def start(self) -> None:
        log = open(self.dir / "serve.log", "a")  # noqa: SIM115 - closed with the process
        self.server = subprocess.Popen([MOTCUA, "serve", f"127.0.0.1:{self.port}"], env=self.env, cwd=ROOT,
                                       stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/exchange/whoami", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise AssertionError(f"{self.name} did not start: {(self.dir / 'serve.log').read_text()[-2000:]}")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=30)
            self.server = None

    def send(self) -> dict:
        return json.loads(self.run("exchange", "send").strip().splitlines()[-1])

    def status(self) -> dict:
        return json.loads(self.run("exchange", "status"))

    def api(self, user: str, method: str, path: str, body: dict | None = None, **headers: str) -> requests.Response:
        return requests.request(method, f"{self.url}/api/v1{path}", json=body, timeout=30,
                                headers={"Authorization": f"Bearer {self.tokens[user]}", **headers})

    def act(self, user: str, code: str, action: str, **body) -> dict:
        current = self.api(user, "GET", f"/dossiers/{code}")
        assert current.status_code == 200, current.text
        response = self.api(user, "POST", f"/dossiers/{code}/actions/{action}", body, **{"If-Match": current.headers[
            "ETag"]})
        assert response.status_code == 200, f"{action} on {code}: {response.status_code} {response.text}"
        return response.json()

    def handle(self, agency: str, code: str, **issue) -> None:
        """Receive, assign, approve and issue the result of a child, as the agency's officers would."""
        self.act(f"desk-{agency}", code, "receive")
        self.act(f"leader-{agency}", code, "assign", data={"assignee": f"specialist-{agency}"})
        self.act(f"leader-{agency}", code, "approve")
        self.act(f"specialist-{agency}", code, "issue_result", **issue)


def officers(*agencies: str) -> dict:
    short = {"desk_officer": "desk", "specialist": "specialist", "leader": "leader"}
    return {f"{short[role]}-{agency}": [[role, agency]] for agency in agencies for role in short}


def drain(*deployments: Deployment, rounds: int = 20) -> None:
    """Send until every outbox is empty (a message can cause a reply)."""
    for _ in range(rounds):
        if all(d.send()["waiting"] == 0 for d in deployments):
            return
        time.sleep(0.6)
    raise AssertionError(f"outboxes not drained: {[d.status() for d in deployments]}")


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("template")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL", "DJANGO_"))},
           "DATABASE_URL": f"sqlite:///{base / 'motcua.sqlite3'}", "MOTCUA_VAR_DIR": str(base)}
    done = subprocess.run([MOTCUA, "migrate", "--noinput"], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return base / "motcua.sqlite3"


def test_linked_group_across_two_deployments_with_each_down_for_a_while(template, tmp_path):
    province = Deployment("province-h01", tmp_path, template)
    ministry = Deployment("ministry", tmp_path, template)
    try:
        province.setup({CITIZEN["personal_id"]: [], **officers("H01.TTPVHCC")})
        province.tokens["citizen"] = province.tokens[CITIZEN["personal_id"]]
        ministry.setup(officers("BCA", "BHXH"))
        province.run("exchange", "peer", "ministry", ministry.url, ministry.public_key, "--agencies", "BCA,BHXH")
        ministry.run("exchange", "peer", "province-h01", province.url, province.public_key, "--agencies", "H01")
        province.start()

        # The citizen submits once, online, at the province. The ministry is not running.
        created = province.api("citizen", "POST", "/dossiers", {
            "group": "LT-KS-TT-BHYT", "agency": "H01.TTPVHCC", "channel": "online", "applicant": CITIZEN,
            "form_data": {"child": {"full_name": "Nguyễn Thị Bé", "birth_date": "2026-02-20", "sex": "female"}}})
        assert created.status_code == 201, created.text
        parent = created.json()
        members = {m["key"]: m for m in parent["group"]["members"]}
        assert members["birth"]["child"] and members["birth"]["deployment"] is None
        assert members["residence"]["state"] == members["health_insurance"]["state"] == "pending"
        assert members["residence"]["deployment"] == "ministry"
        sent = province.send()
        assert (sent["delivered"], sent["failed"], sent["waiting"]) == (0, 1, 2)  # ministry down: kept, retried
        time.sleep(0.3)
        assert province.send()["waiting"] == 2

        # The ministry comes up: the children are created there and confirmed back.
        ministry.start()
        drain(province, ministry)
        members = {m["key"]: m for m in province.api("citizen", "GET", f"/dossiers/{parent['code']}")
                   .json()["group"]["members"]}
        assert members["residence"]["child"].startswith("BCA-") and members["residence"]["state"] == "submitted"
        assert members["health_insurance"]["child"].startswith("BHXH-")

        # The province registers the birth; the birth record goes to the ministry's children.
        province.handle("H01.TTPVHCC", members["birth"]["child"],
                        data={"birth_record": {"personal_id": "001326000123", "registration_number": "12/2026"}})
        drain(province, ministry)
        for key in ("residence", "health_insurance"):
            child = ministry.api("desk-BCA" if key == "residence" else "desk-BHXH", "GET",
                                 f"/dossiers/{members[key]['child']}").json()
            assert child["form_data"]["linked_results"]["birth"]["personal_id"] == "001326000123"
            assert child["group"]["origin"] == "province-h01"

        # The province goes down; the ministry finishes both children meanwhile.
        province.stop()
        ministry.handle("BCA", members["residence"]["child"])
        ministry.handle("BHXH", members["health_insurance"]["child"])
        for agency, key in (("BCA", "residence"), ("BHXH", "health_insurance")):
            ministry.act(f"desk-{agency}", members[key]["child"], "return_result")
        sent = ministry.send()
        assert sent["delivered"] == 0 and sent["failed"] == 1 and sent["waiting"] > 0
        province.start()
        province.act("desk-H01.TTPVHCC", members["birth"]["child"], "return_result")
        drain(province, ministry)

        done = province.api("citizen", "GET", f"/dossiers/{parent['code']}").json()
        assert (done["state"], done["status"]["code"]) == ("returned", 10)
        assert {m["state"] for m in done["group"]["members"]} == {"returned"}

        # Deliver an already acknowledged message again (a lost acknowledgement): dropped as a duplicate.
        ministry.run("shell", "-c", "from motcua.exchange.messaging.models import OutboxMessage as O; "
                     "O.objects.filter(pk=O.objects.filter(kind='group.child_update').order_by('-id')[0].pk)"
                     ".update(status='pending')")
        assert ministry.send()["delivered"] == 1
        events = province.api("citizen", "GET", f"/dossiers/{parent['code']}/events").json()
        updates = [e for e in events if e["action"] == "child_update"]
        # Each child: receive, assign, approve, issue_result, return_result — once each; remote ones also "submit".
        per_child = {}
        for e in updates:
            per_child.setdefault(e["data"]["key"], []).append(e["data"]["action"])
        assert per_child["birth"] == ["receive", "assign", "approve", "issue_result", "return_result"]
        for key in ("residence", "health_insurance"):
            assert per_child[key] == ["submit", "receive", "assign", "approve", "issue_result", "return_result"]
        assert all(e["data"].get("via") == "ministry" for e in updates if e["data"]["key"] != "birth")
        for deployment in (province, ministry):
            status = deployment.status()
            assert status["outbox"].get("pending", 0) == 0
            deployment.run("exchange", "verify")
        assert ministry.status()["inbox"] == province.status()["outbox"]["acked"]
        log = province.run("exchange", "log", "--limit", "500")
        assert " duplicate " in log and " failed " in ministry.run("exchange", "log", "--limit", "500")
    finally:
        province.stop()
        ministry.stop()


def test_unknown_peer_is_refused_over_http(template, tmp_path):
    one = Deployment(f"one-{uuid.uuid4().hex[:6]}", tmp_path, template)
    one.setup({})
    one.start()
    try:
        envelope = {"id": str(uuid.uuid4()), "sender": "stranger", "recipient": one.name, "kind": "group.child_update",
                    "created_at": "2026-03-02T09:00:00+07:00", "body": {}}
        response = requests.post(f"{one.url}/api/v1/exchange/messages",
                                 json={"envelope": envelope, "signature": "AAAA"}, timeout=10)
        assert response.status_code == 403 and response.json()["reason"] == "unknown_signer"
        assert " refused " in one.run("exchange", "log")
    finally:
        one.stop()
