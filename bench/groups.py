"""Linked groups and signed messages (issue 4 points 8–9): how fast the machinery is, on PostgreSQL.

    .venv/bin/python bench/groups.py [--groups N] [--messages N]

1. ``submit`` — ``dossiers.groups.submit_group`` in-process, one after another: a parent and three children (four
   dossiers, five events, three member rows) per group, birth registration 2.000986 / 1.001193 / 1.004222.
2. ``act`` — a child's state change reported to its parent (``services.act`` + the group hook: member row, parent
   event): ``receive`` on N children.
3. ``receive`` — ``exchange.messaging.services.receive`` of N signed messages (Ed25519 verify, duplicate check, inbox
   row, handler, two hash-chained log entries), in-process.
4. ``enqueue`` — ``enqueue`` of N messages (sign, outbox row, log entry).

Database ``motcua_bench_groups`` is dropped and re-created. Figures go to ``bench/RESULTS-groups.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = "motcua_bench_groups"
RESULTS = ROOT / "bench" / "RESULTS-groups.md"


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-q", "-c", sql], check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--groups", type=int, default=300)
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    keydir = tempfile.mkdtemp(prefix="bench-groups-")
    os.environ["MOTCUA_SIGNING_KEY_FILE"] = f"{keydir}/key.pem"
    os.environ["MOTCUA_DEPLOYMENT_ID"] = "bench"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from motcua.core.calendar import TZ
    from motcua.dossiers import groups, services
    from motcua.dossiers.models import GroupMember
    from motcua.dossiers.tests.factories import CITIZEN, officer, procedure
    from motcua.exchange.messaging import keys
    from motcua.exchange.messaging import services as messaging
    from motcua.exchange.messaging.models import Peer

    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    figures: list[tuple[str, str]] = []

    at = datetime(2026, 3, 2, 9, tzinfo=TZ)
    started = time.perf_counter()
    parents = [groups.submit_group("LT-KS-TT-BHYT", "H01.TTPVHCC", "online", dict(CITIZEN),
                                   {"child": {"full_name": "Bé"}}, at=at) for _ in range(args.groups)]
    elapsed = time.perf_counter() - started
    figures.append(("submit_group (parent + 3 children)",
                    f"{args.groups / elapsed:.0f} groups/s ({elapsed / args.groups * 1000:.1f} ms each)"))

    desk = officer("bench-desk-bca", "desk_officer", "BCA")
    children = list(GroupMember.objects.filter(key="residence", parent__in=parents).select_related("child"))
    times = []
    for row in children:
        t = time.perf_counter()
        services.act(row.child.code, "receive", actor=desk, role="desk_officer", expected_version=row.child.version,
                     at=datetime(2026, 3, 2, 10, tzinfo=TZ))
        times.append(time.perf_counter() - t)
    figures.append(("child receive + parent update", f"p50 {statistics.median(times) * 1000:.1f} ms, "
                    f"p95 {sorted(times)[int(len(times) * 0.95)] * 1000:.1f} ms"))

    keys.generate()
    Peer.objects.create(deployment_id="peer", url="http://127.0.0.1:9", public_key=keys.public_key_text())
    started = time.perf_counter()
    for n in range(args.messages):
        messaging.enqueue("peer", "bench.noop", {"n": n})
    elapsed = time.perf_counter() - started
    figures.append(("enqueue (sign + outbox + log)", f"{args.messages / elapsed:.0f} messages/s"))

    @messaging.handler("bench.noop")
    def _noop(sender, body):
        return None

    # Messages "from the peer" to us: sign as the peer (same key here) with this deployment as recipient.
    import json
    import uuid

    from motcua.core.chain import canonical_json
    payloads = []
    for n in range(args.messages):
        envelope = json.loads(canonical_json({"id": str(uuid.uuid4()), "sender": "peer", "recipient": "bench",
                                              "kind": "bench.noop", "created_at": at.isoformat(), "body": {"n": n}}))
        payloads.append({"envelope": envelope, "signature": keys.sign(canonical_json(envelope).encode())})
    started = time.perf_counter()
    for payload in payloads:
        messaging.receive(payload)
    elapsed = time.perf_counter() - started
    figures.append(("receive (verify + dedupe + inbox + handler + log)", f"{args.messages / elapsed:.0f} messages/s"))
    started = time.perf_counter()
    for payload in payloads[:500]:
        messaging.receive(payload)
    elapsed = time.perf_counter() - started
    figures.append(("receive of a duplicate", f"{500 / elapsed:.0f} messages/s"))

    machine = f"{platform.uname().system} {platform.uname().release} {platform.uname().machine}, {os.cpu_count()} cores"
    lines = [f"# Linked groups and signed messages — {datetime.now():%Y-%m-%d %H:%M}", "",
             f"Machine: {machine}; PostgreSQL, in-process, one client (`bench/groups.py --groups {args.groups} "
             f"--messages {args.messages}`). Load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
             "cores — taken on a shared, busy machine (other engineers' tests running); rerun when quiet.", "",
             "| What | Figure |", "|---|---|", *[f"| {k} | {v} |" for k, v in figures], ""]
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))
    from django.db import connections

    connections.close_all()
    psql(f"DROP DATABASE IF EXISTS {DB}")


if __name__ == "__main__":
    main()
