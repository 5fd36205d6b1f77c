"""Proactive-services benchmark of issue 16 ("Speed"): the trigger job over 1,000,000 people in the simulated
registries with 10,000 events since the last run finishes in ≤ 10 s and reads only the changes.

    .venv/bin/python bench/proactive.py [--people 1000000] [--events 10000] [--pg] [--profile 25] [--no-write]

1. A fresh database (SQLite file under var/bench/, or the PostgreSQL database motcua_bench_proactive with --pg) is
   migrated, and the demo triggers loaded (the birth group at level 2 and the ID-card renewal reminder at level 1).
2. The change feed receives one past change per person (1,000,000: births and ages reached, of every kind the
   triggers follow), then a run moves every trigger's watermark past them (timed apart: the "last run").
3. 10,000 new events arrive: half births (two parents each: the level-2 group is prepared for both, the population
   registry read for each parent, every read in the access log), half people reaching 25 (a level-1 reminder).
4. The timed run: ``proactive.services.run``. It must read exactly the 10,000 new changes; the plan of its feed
   query is printed (an index range on (registry, kind, id)).
5. For the ratio, in the same run: a plain scan of the change table (every row read and decoded, as a job without a
   watermark would have to), timed.

Figures go to bench/RESULTS-proactive.md (the section of the backend measured; the other backend's is kept), with
the load average before and after the run. ``--profile N`` runs the timed job under cProfile (slower) and prints its
N most expensive functions instead of writing the results.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "RESULTS-proactive.md"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def person_id(n: int, female: bool = False, year: int = 90) -> str:
    """A valid personal ID (Hà Nội, born 19xx), distinct per ``n``; the random part never 000000."""
    return f"001{1 if female else 0}{year:02d}{(n % 999_999) + 1:06d}" if n < 999_999 else \
        f"079{1 if female else 0}{year:02d}{(n % 999_999) + 1:06d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--pg", action="store_true")
    parser.add_argument("--profile", type=int, default=0, help="profile the timed run; print the N top functions")
    parser.add_argument("--no-write", action="store_true", help="print the figures, leave RESULTS-proactive.md")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.pg:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS motcua_bench_proactive WITH (FORCE)")
            conn.execute("CREATE DATABASE motcua_bench_proactive")
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/motcua_bench_proactive"
        kind = "PostgreSQL"
    else:
        path = OUT / "proactive.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        kind = "SQLite"
    os.environ["MOTCUA_VAR_DIR"] = str(OUT)
    os.environ["MOTCUA_NOTIFY_BACKENDS"] = ""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"migrated in {time.perf_counter() - started:.1f} s")

    from motcua.exchange.models import RegistryChange
    from motcua.proactive import services
    from motcua.proactive.demo import load_demo_triggers
    from motcua.proactive.models import ProactiveCase, Trigger

    load_demo_triggers()
    Trigger.objects.exclude(code__in=["KS-LIENTHONG", "CCCD-DOITUOI"]).update(active=False)
    now = datetime.now(UTC)
    table = RegistryChange._meta.db_table
    cols = "(registry, kind, subject, occurred_on, payload, recorded_at)"
    mark = "%s" if connection.vendor == "postgresql" else "?"
    insert = f"INSERT INTO {table} {cols} VALUES ({', '.join([mark] * 6)})"

    def rows(start: int, count: int, past: bool):
        for n in range(start, start + count):
            if n % 2 == 0:
                child = person_id(n, n % 4 == 0, 26 if not past else 20)
                payload = {"child_name": f"Trẻ {n}", "sex": "female" if n % 4 == 0 else "male",
                           "father_personal_id": person_id(n, False, 90), "mother_personal_id": person_id(n, True, 92)}
                yield ("civil_status", "birth", child, "2026-11-20", json.dumps(payload), now)
            else:
                yield ("population", "age_reached", person_id(n, False, 1), "2026-11-25", json.dumps({"age": 25}),
                       now)

    def load(start: int, count: int, past: bool) -> float:
        began = time.perf_counter()
        raw = connection.connection if connection.connection else (connection.ensure_connection() or
                                                                   connection.connection)
        chunk = 50_000
        for offset in range(0, count, chunk):
            batch = list(rows(start + offset, min(chunk, count - offset), past))
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(insert, batch)
        del raw
        return time.perf_counter() - began

    log(f"writing {args.people:,} past changes …")
    history = load(0, args.people, True)
    log(f"  {history:.1f} s; the last run moves the watermarks past them (no case: opened long ago)")
    from motcua.proactive.models import TriggerWatermark

    top = RegistryChange.objects.order_by("-id").values_list("id", flat=True).first()
    for trigger in Trigger.objects.filter(active=True):
        TriggerWatermark.objects.update_or_create(trigger=trigger, defaults={"last_change_id": top})
    load(args.people, args.events, False)
    total = RegistryChange.objects.count()
    log(f"change table: {total:,} rows; {args.events:,} since the last run")

    with connection.cursor() as cursor:
        explain = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
        cursor.execute(f"{explain} SELECT id, subject, occurred_on, payload FROM {table} "
                       f"WHERE registry = {mark} AND kind = {mark} AND id > {mark} ORDER BY id LIMIT 2000",
                       ["civil_status", "birth", top])
        plan = " | ".join(str(r[-1]) for r in cursor.fetchall())
    log(f"plan: {plan}")

    load_before = os.getloadavg()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    began = time.perf_counter()
    summary = services.run(date(2026, 12, 1))
    job = time.perf_counter() - began
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(args.profile)
    log(f"job: {job:.2f} s, {summary}")
    assert summary.changes_read == args.events, summary
    cases = ProactiveCase.objects.count()

    began = time.perf_counter()
    scanned = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, registry, kind, subject, occurred_on, payload FROM {table} ORDER BY id")
        while True:
            chunk = cursor.fetchmany(10_000)
            if not chunk:
                break
            for row in chunk:
                json.loads(row[5]) if isinstance(row[5], str) else row[5]
                scanned += 1
    scan = time.perf_counter() - began
    log(f"plain scan of the change table: {scanned:,} rows in {scan:.2f} s")

    from motcua.exchange.models import AccessLogEntry

    logged = AccessLogEntry.objects.count()
    command = f"bench/proactive.py --people {args.people} --events {args.events}{' --pg' if args.pg else ''}"
    load_after = os.getloadavg()
    load = f"{load_before[0]:.2f} before, {load_after[0]:.2f} after (1-minute load average, {os.cpu_count()} cores)"
    lines = [
        f"### {kind}", "",
        f"`{command}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC{' (profiled: slower)' if args.profile else ''}.", "",
        "| figure | value |", "|---|---|",
        f"| change table rows | {total:,} ({args.people:,} before the last run, {args.events:,} since) |",
        f"| changes the job read | {summary.changes_read:,} (exactly the new ones: "
        f"{summary.changes_read / total:.2%} of the table) |",
        f"| cases opened (prepared dossiers for both parents; reminders) | {cases:,} |",
        f"| access-log entries appended (one per data use) | {logged:,} |",
        f"| **trigger job** | **{job:.2f} s** (target ≤ 10 s) |",
        f"| plain scan of the change table (every row read and its JSON decoded, nothing else) | {scan:.2f} s |",
        f"| ratio job / plain scan | {job / scan:.2f} |",
        f"| feed query plan | `{plan}` |",
        f"| machine load | {load} |", "",
    ]
    text = "\n".join(lines)
    print(text)
    if not args.no_write and not args.profile:
        write_section(kind, text)


HEAD = "## Proactive services (issue 16)"


def write_section(kind: str, text: str) -> None:
    """Replace the ``### <kind>`` section of RESULTS-proactive.md (or add it), keeping the rest of the file."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else f"{HEAD}\n"
    parts = old.split("\n### ")
    head, sections = parts[0], {p.split("\n", 1)[0]: "### " + p for p in parts[1:]}
    sections[kind] = text.rstrip() + "\n"
    order = [k for k in ("PostgreSQL", "SQLite") if k in sections] + [k for k in sections
                                                                      if k not in ("PostgreSQL", "SQLite")]
    RESULTS.write_text(head.rstrip() + "\n\n" + "\n".join(sections[k].rstrip() + "\n" for k in order),
                       encoding="utf-8")


if __name__ == "__main__":
    main()
