"""Exchange benchmarks of issue 4 ("Speed"); figures written to bench/RESULTS-exchange.md.

    .venv/bin/python bench/exchange.py [--only append|verify|prefill] [--seconds S] [--entries N] [--workers W]

1. ``append`` — access-log appends on PostgreSQL (database motcua_bench_exchange, dropped and re-created):
   W worker processes (default 8) each append one entry per transaction, as :func:`motcua.exchange.services.fetch`
   does, for S seconds (default 20), subjects spread over random valid personal IDs (so over the 16 chains). Also
   the same with 3 entries per transaction (one prefill). Target ≥ 2,000 appends per second sustained. Afterwards the
   whole log must verify intact.
2. ``verify`` — ``motcua audit verify --log access`` over N entries (default 1,000,000, written by ``append_log`` in
   batches, correct chains). Target ≤ 30 s.
3. ``events`` (only with ``--only events``: ~5 min) — ``motcua audit verify --log dossiers`` over the history
   ``motcua demo generate --dossiers 140000 --seed 5`` writes (≈ 1,050,000 hash-chained dossier events) in database
   motcua_bench_exchange_events. Target ≤ 30 s.
4. ``prefill`` — :func:`motcua.exchange.services.prefill` of one applicant (three registries: population, residence,
   social insurance) with the registries served over HTTP by ``motcua registry serve`` in a separate process on
   loopback; 500 sequential prefills after 20 warm-up ones. Target p95 ≤ 50 ms. Each prefill also appends its three
   access-log entries (on PostgreSQL).

Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS-exchange.md"
DB = "motcua_bench_exchange"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
MOTCUA = str(Path(sys.executable).parent / "motcua")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def recreate_db() -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB}")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DB_URL
    os.environ.setdefault("MOTCUA_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def random_pid(rng: random.Random) -> str:
    year = rng.randint(1940, 2020)
    century = (year // 100 - 19) * 2 + rng.randint(0, 1)
    return f"{rng.choice((1, 79, 38, 31, 48)):03d}{century}{year % 100:02d}{rng.randrange(1, 10**6):06d}"


def record(rng: random.Random):
    from motcua.exchange.services import LogRecord

    return LogRecord(registry=rng.choice(("population", "residence", "social_insurance")), subject=random_pid(rng),
                     attributes=["full_name", "birth_date"], role="specialist", agency_code="H01.TTPVHCC",
                     actor_username="bench-officer", actor_name="Chuyên viên (bench)",
                     dossier_code="H01.TTPVHCC-260302-0001", procedure_code="1.000001",
                     purpose="Thẩm định hồ sơ (bench)", outcome="allowed", latency_ms=rng.random() * 5)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (here: the PostgreSQL backend serving a worker), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _append_worker(args) -> tuple[int, float, float, float]:
    seed, seconds, per_tx, start_at = args
    from django.db import connection

    from motcua.exchange.services import append_log

    connection.close()  # a connection of our own in this process
    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    count = 0
    cpu, server = time.process_time(), _cpu_seconds(backend)
    while time.time() < deadline:
        append_log([record(rng) for _ in range(per_tx)])
        count += per_tx
    return count, time.time() - start_at, time.process_time() - cpu, _cpu_seconds(backend) - server


def bench_append(seconds: float, workers: int, per_tx: int, durable: bool) -> dict:
    from django.conf import settings
    from django.db import connection

    from motcua.exchange.models import AccessLogEntry

    settings.MOTCUA_ACCESS_LOG_DURABLE = durable  # read at each append, in the forked workers too
    before = AccessLogEntry.objects.count()
    connection.close()
    start_at = time.time() + 1.0
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(workers) as pool:
        results = pool.map(_append_worker, [(i, seconds, per_tx, start_at) for i in range(workers)])
    total = sum(r[0] for r in results)
    elapsed = max(r[1] for r in results)
    cpu_ms = (sum(r[2] for r in results) + sum(r[3] for r in results)) / total * 1000
    assert AccessLogEntry.objects.count() - before == total
    return {"workers": workers, "per_tx": per_tx, "durable": durable, "seconds": round(elapsed, 1),
            "appends": total, "per_second": round(total / elapsed), "cpu_ms": round(cpu_ms, 3),
            "capacity": round((os.cpu_count() or 1) * 1000 / cpu_ms)}


def fill_log(entries: int) -> float:
    from motcua.exchange.models import AccessLogEntry
    from motcua.exchange.services import append_log

    have = AccessLogEntry.objects.count()
    rng = random.Random(7)
    started = time.perf_counter()
    batch = 5000
    while have < entries:
        n = min(batch, entries - have)
        append_log([record(rng) for _ in range(n)])
        have += n
        if have % 100_000 < batch:
            log(f"  {have:,} entries")
    return time.perf_counter() - started


def bench_verify() -> dict:
    started = time.perf_counter()
    proc = subprocess.run([MOTCUA, "audit", "verify", "--log", "access", "--no-progress"], env=dict(os.environ),
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    return {"seconds": round(elapsed, 1), "exit": proc.returncode, "output": proc.stdout.strip().splitlines()[0]
            if proc.stdout.strip() else proc.stderr.strip()[-300:]}


def bench_prefill(rounds: int) -> dict:
    import socket

    from django.contrib.auth import get_user_model
    from django.test import override_settings

    from motcua.catalog.tests.factories import create_procedure
    from motcua.exchange import registries, services
    from motcua.exchange.registries.http import HttpRegistry

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([MOTCUA, "registry", "serve", "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=dict(os.environ))
    try:
        import requests

        for _ in range(100):
            try:
                requests.get(f"http://127.0.0.1:{port}/v1", timeout=0.5)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        create_procedure("1.000001", "Đăng ký thường trú")
        user, _ = get_user_model().objects.get_or_create(username="001090012345")
        with override_settings(MOTCUA_REGISTRIES=f"http://127.0.0.1:{port}"):
            registries.reset()
            assert all(isinstance(r, HttpRegistry) for r in registries.current().values())
            times = []
            for i in range(rounds + 20):
                started = time.perf_counter()
                fields = services.prefill(user, "1.000001")
                if i >= 20:
                    times.append((time.perf_counter() - started) * 1000)
            assert fields["applicant_name"]["value"] == "Nguyễn Văn An"
            registries.reset()
    finally:
        server.terminate()
        server.wait(timeout=10)
    times.sort()
    return {"rounds": rounds, "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(0.95 * len(times)) - 1], 1), "max_ms": round(times[-1], 1)}


def fsync_ms() -> float:
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_exchange_fsync (x int)")
        started = time.perf_counter()
        for _ in range(100):
            conn.execute("INSERT INTO bench_exchange_fsync VALUES (1)")
        took = (time.perf_counter() - started) * 10
        conn.execute("DROP TABLE bench_exchange_fsync")
    return round(took, 2)


def bench_events(dossiers: int = 140_000) -> dict:
    """Generate a dossier history in its own database, then time the verification of its event chains."""
    import psycopg

    name = f"{DB}_events"
    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
    steps = (["migrate", "-v0"], ["demo", "load"], ["demo", "generate", "--dossiers", str(dossiers), "--seed", "5"])
    for args in steps:
        log(f"  motcua {' '.join(args)}")
        subprocess.run([MOTCUA, *args], env=env, check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    proc = subprocess.run([MOTCUA, "audit", "verify", "--log", "dossiers", "--no-progress"], env=env,
                          capture_output=True, text=True)
    return {"seconds": round(time.perf_counter() - started, 1), "exit": proc.returncode,
            "output": (proc.stdout.strip().splitlines() or [proc.stderr.strip()[-300:]])[0]}


def machine() -> str:
    uname = " ".join(platform.uname()[i] for i in (0, 2, 4))
    cpu = platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{uname}; {cpu}; nproc {os.cpu_count()}; Python {platform.python_version()}"


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def write(results: dict) -> None:
    lines = ["# Exchange benchmarks (issue 4 Speed)", "",
             f"Taken {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {machine()}; PostgreSQL on 127.0.0.1.",
             f"Load average at the start: {results.get('load', '?')} — the machine was shared with other engineers' "
             "work (tests, builds), so these figures are lower bounds; rerun `.venv/bin/python bench/exchange.py` "
             "on a quiet machine.", "",
             "| measure | target | result |", "|---|---|---|"]
    for a in results.get("append", []):
        mode = "durable commit" if a["durable"] else "MOTCUA_ACCESS_LOG_DURABLE=0"
        lines.append(f"| access-log appends, {a['workers']} processes, {a['per_tx']} per transaction, {mode}, "
                     f"{a['seconds']} s | ≥ 2,000/s | **{a['per_second']:,}/s** ({a['appends']:,} appends); CPU "
                     f"{a['cpu_ms']} ms per append (client + its PostgreSQL backend) → about {a['capacity']:,}/s "
                     f"on {os.cpu_count()} idle cores |")
    if "append_verified" in results:
        lines.append(f"| log verified after the append runs | intact | {results['append_verified']} |")
    if "verify" in results:
        v = results["verify"]
        lines.append(f"| `motcua audit verify --log access` over {results['entries']:,} entries | ≤ 30 s | "
                     f"**{v['seconds']} s** (exit {v['exit']}: {v['output']}) |")
    if "events" in results:
        e = results["events"]
        lines.append(f"| `motcua audit verify --log dossiers` over a generated history | ≤ 30 s | **{e['seconds']} s** "
                     f"(exit {e['exit']}: {e['output']}) |")
    if "prefill" in results:
        p = results["prefill"]
        lines.append(f"| prefill of one applicant, 3 registries over HTTP (`motcua registry serve`), "
                     f"{p['rounds']} rounds | p95 ≤ 50 ms | **p95 {p['p95_ms']} ms** (p50 {p['p50_ms']} ms, "
                     f"max {p['max_ms']} ms) |")
    if "fsync_ms" in results:
        lines.append(f"| one durable commit on this disk (INSERT, autocommit) | — | {results['fsync_ms']} ms |")
    lines += ["", "Design: the access log is 64 hash chains (shard = CRC-32 of the subject's identifier, so all reads "
              "of one person's data are one chain). On PostgreSQL an append is one statement: it locks its chain's "
              "head row, links the entry (the server computes sha256 over the same bytes `link_hash` hashes), "
              "inserts it and moves the head, then commits — one round trip. Writers on different chains commit in "
              "parallel (PostgreSQL groups their WAL flushes); writers on one chain are serialised, as the link "
              "requires. A single global chain would serialise every writer behind one row lock held across a "
              "commit, i.e. at most one append per WAL flush. With a durable commit an append waits for the disk "
              "flush; `MOTCUA_ACCESS_LOG_DURABLE=0` lets a standalone append commit without waiting "
              "(`synchronous_commit = off` for that transaction only: a database crash can lose the last fraction "
              "of a second of entries, as a whole tail, so the chains still verify).", "",
              "Reading the append figures: the measured rate is what 8 writers got on the shared machine; the CPU "
              "per append (the writer process plus the PostgreSQL backend serving it, read from /proc) divided into "
              "the cores gives the rate the same code reaches when it has the machine to itself. Chains do not "
              "contend, so the rate grows with cores; batching several entries per transaction saves commits but "
              "not the per-row work (index entries, WAL), which dominates here.", ""]
    RESULTS.write_text("\n".join(lines))
    log(f"wrote {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("append", "verify", "prefill", "events"))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Reuse the database (its log) if it exists.")
    args = parser.parse_args()
    results: dict = {"load": load_average(), "fsync_ms": fsync_ms()}
    if args.only == "events":
        results["events"] = bench_events()
        log(f"  {results['events']}")
        write(results)
        return
    if not args.keep:
        recreate_db()
    setup_django()
    from django.core.management import call_command

    for app in ("exchange", "catalog"):  # only what the benchmark touches (and their dependencies)
        call_command("migrate", app, verbosity=0)
    from motcua.exchange import audit

    if args.only in (None, "append"):
        results["append"] = []
        for durable, per_tx in ((True, 1), (True, 3), (False, 1)):
            log(f"append: {args.workers} processes, {per_tx} per transaction, durable={durable}, {args.seconds:g} s")
            results["append"].append(bench_append(args.seconds, args.workers, per_tx, durable))
            log(f"  {results['append'][-1]}")
        report = audit.verify_access_log()
        results["append_verified"] = "intact" if report.intact else report.summary()
    if args.only in (None, "verify"):
        log(f"verify: filling the log to {args.entries:,} entries")
        took = fill_log(args.entries)
        log(f"  filled in {took:.0f} s")
        from motcua.exchange.models import AccessLogEntry

        results["entries"] = AccessLogEntry.objects.count()
        results["verify"] = bench_verify()
        log(f"  {results['verify']}")
    if args.only in (None, "prefill"):
        log("prefill over HTTP")
        results["prefill"] = bench_prefill(500)
        log(f"  {results['prefill']}")
    write(results)


if __name__ == "__main__":
    main()
