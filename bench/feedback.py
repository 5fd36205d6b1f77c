"""PAKN benchmarks of issue 5 ("Speed"): the public answers page with 500,000 items, target p95 ≤ 50 ms, and the
history generator's throughput. Figures go to bench/RESULTS-feedback.md.

    .venv/bin/python bench/feedback.py [--items N] [--seconds S] [--clients C] [--only page|generate]

1. ``page`` — ``GET /phan-anh-kien-nghi/`` (the public answers page, HTML) and ``GET /api/v1/feedback/`` with N
   items in PostgreSQL: the newest answers, a diacritics-free search for a frequent and a rare phrase, the procedure
   and agency filters, a deep page. The database is ``motcua_bench_feedback`` (``motcua demo load`` for the catalog,
   then ``motcua feedback generate --items N --seed 1``), reused when it already holds N items; when it does not but
   ``motcua_bench_open311`` (the Open311 benchmark's database, filled the same way) does, that one is migrated and
   read instead, rather than generating 500,000 items twice. Served by ``motcua serve --production`` on 127.0.0.1;
   each path loaded by 1 and by C concurrent clients (keep-alive connections) for S seconds after a warm-up.
2. ``generate`` — ``motcua feedback generate --items 50000`` into a fresh ``motcua_bench_feedback_gen`` (agencies
   only, no catalog): items per second, end to end (process start, reference data, COPY).

Only 127.0.0.1 is contacted; every load stops by itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dossiers import Server, load, log, motcua, pg, pg_url, recreate_db
from run import ROOT, machine, pg_available

DB = "motcua_bench_feedback"
SHARED_DB = "motcua_bench_open311"
GEN_DB = "motcua_bench_feedback_gen"
RESULTS = ROOT / "bench" / "RESULTS-feedback.md"
TARGET_P95_MS = 50.0


def items_in(db: str) -> int:
    try:
        if not pg(f"SELECT 1 FROM pg_database WHERE datname = '{db}'"):
            return -1
        return int(pg("SELECT count(*) FROM feedback_feedback", db)[0][0])
    except Exception:  # no table yet
        return -1


def wait_until_idle(db: str, timeout: float = 1800) -> None:
    """Wait until nobody else is connected to ``db`` (another benchmark filling or reading it): the migration locks
    feedback_feedback, which must never happen under the Open311 benchmark's load."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        others = pg(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()")
        if not others[0][0]:
            return
        log(f"{db}: {others[0][0]} other connections, waiting")
        time.sleep(15)
    raise SystemExit(f"{db} stayed busy; try again later")


def setup(items: int) -> str:
    if items_in(DB) >= items:
        log(f"{DB}: {items_in(DB)} items, reused")
        return DB
    if items_in(SHARED_DB) >= 0:
        wait_until_idle(SHARED_DB)  # it may be being filled by the Open311 benchmark
    if items_in(SHARED_DB) >= items:
        log(f"{SHARED_DB}: {items_in(SHARED_DB)} items, read instead of generating them again (migrated first: "
            "the search entries of migration feedback 0003 are filled from the published items)")
        motcua(["migrate", "-v0"], pg_url(SHARED_DB))
        pg("VACUUM ANALYZE feedback_publishedentry", SHARED_DB)
        return SHARED_DB
    url = pg_url(DB)
    if items_in(DB) < 0 and not pg(f"SELECT 1 FROM pg_database WHERE datname = '{DB}'"):
        pg(f"CREATE DATABASE {DB}")
    started = time.perf_counter()
    log(f"{DB}: migrate, demo catalog, {items} PAKN items (one-off, several minutes)")
    motcua(["migrate", "-v0"], url)
    motcua(["demo", "load"], url)
    missing = items - max(0, items_in(DB))
    if missing > 0:
        motcua(["feedback", "generate", "--items", str(missing), "--seed", "1"], url)
    pg("VACUUM ANALYZE feedback_feedback", DB)
    log(f"{DB}: ready in {time.perf_counter() - started:.0f} s")
    return DB


def paths(db: str) -> list[tuple[str, str]]:
    """The measured requests, with filter values read from the data (the most used procedure and agency)."""
    procedure = pg("SELECT procedure_code FROM feedback_feedback WHERE published_at IS NOT NULL AND "
                   "procedure_code <> '' GROUP BY procedure_code ORDER BY count(*) DESC LIMIT 1", db)
    agency = pg("SELECT a.code FROM feedback_feedback f JOIN units_agency a ON a.id = f.agency_id "
                "WHERE f.published_at IS NOT NULL GROUP BY a.code ORDER BY count(*) DESC LIMIT 1", db)
    rare_agency = pg("SELECT a.code FROM feedback_feedback f JOIN units_agency a ON a.id = f.agency_id "
                     "WHERE f.published_at IS NOT NULL GROUP BY a.code ORDER BY count(*) ASC LIMIT 1", db)
    q = urllib.parse.quote_plus
    out = [
        ("newest answers (page 1)", "/phan-anh-kien-nghi/"),
        ("search, frequent phrase \"thoi gian giai quyet\"", f"/phan-anh-kien-nghi/?q={q('thoi gian giai quyet')}"),
        ("search, rare phrase \"tham nhung\"", f"/phan-anh-kien-nghi/?q={q('tham nhung')}"),
        ("search with diacritics \"bản sao chứng thực\"", f"/phan-anh-kien-nghi/?q={q('bản sao chứng thực')}"),
        ("page 50", "/phan-anh-kien-nghi/?trang=50"),
    ]
    if procedure:
        out.append(("procedure filter (most used)", f"/phan-anh-kien-nghi/?thu_tuc={q(procedure[0][0])}"))
        out.append(("procedure filter + search", f"/phan-anh-kien-nghi/?thu_tuc={q(procedure[0][0])}&q=cham"))
    if agency:
        out.append(("agency filter (busiest)", f"/phan-anh-kien-nghi/?co_quan={q(agency[0][0])}"))
    if rare_agency:
        out.append(("agency filter (quietest)", f"/phan-anh-kien-nghi/?co_quan={q(rare_agency[0][0])}"))
    out += [
        ("API newest", "/api/v1/feedback/"),
        ("API search \"ban sao\"", f"/api/v1/feedback/?q={q('ban sao')}"),
    ]
    return out


def bench_page(items: int, seconds: float, clients: int) -> dict:
    db = setup(items)
    count = items_in(db)
    published = int(pg("SELECT count(*) FROM feedback_feedback WHERE published_at IS NOT NULL", db)[0][0])
    rows = []
    with Server(pg_url(db)) as server:
        for label, path in paths(db):
            for n in (1, clients):
                r = load(server.port, path, lambda i: {}, n, seconds)
                r.update(label=label, path=path, clients=n)
                rows.append(r)
                log(f"{label:50} {n:2} clients: p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, {r['per_second']}/s, "
                    f"errors {r['errors']}")
    return {"db": db, "count": count, "published": published, "rows": rows}


def bench_generate(items: int = 50_000) -> dict:
    url = recreate_db(GEN_DB)
    motcua(["migrate", "-v0"], url)
    started = time.perf_counter()
    out = motcua(["feedback", "generate", "--items", str(items), "--seed", "1"], url, capture=True)
    elapsed = time.perf_counter() - started
    events = re.search(r"(\d+) events", out)
    pg(f"DROP DATABASE IF EXISTS {GEN_DB} WITH (FORCE)")
    result = {"items": items, "events": int(events.group(1)) if events else 0, "seconds": round(elapsed, 1),
              "per_second": round(items / elapsed)}
    log(f"generate: {result}")
    return result


def write(page: dict | None, gen: dict | None, args) -> None:
    lines = [
        "## Feedback (PAKN) — issue 5 Speed: the public answers page, p95 ≤ 50 ms with 500,000 items",
        "",
        f"{machine()}; {dt.date.today().isoformat()}. Figures taken on a machine shared with other engineers' "
        "tests and benchmarks (busy, load average often above 5 on 2 cores): the lead reruns them when it is quiet "
        "(`.venv/bin/python bench/feedback.py`).",
        "",
    ]
    if page:
        lines += [
            f"PostgreSQL database `{page['db']}`: {page['count']:,} PAKN items ({page['published']:,} published), "
            "`motcua feedback generate --seed 1`; `motcua serve --production` (gunicorn) on 127.0.0.1; "
            f"{args.seconds:g} s per row after a warm-up; each client on its own keep-alive connection. The page "
            "counts nothing (one row more than the page tells whether there is a next one); the "
            "ids come from the narrow `feedback_publishedentry` table (date, agency and procedure indexes; search: "
            "the newest 2,000 entries first, then its GIN `search_vector` for rare words), then the 20 rows are "
            "read by id.",
            "",
            "| request | clients | requests/s | p50 ms | p95 ms | max ms | errors | target p95 ≤ 50 ms |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for r in page["rows"]:
            ok = "met" if r["p95_ms"] <= TARGET_P95_MS else "missed"
            lines.append(f"| {r['label']} | {r['clients']} | {r['per_second']} | {r['p50_ms']} | {r['p95_ms']} | "
                         f"{r['max_ms']} | {r['errors']} | {ok} |")
        lines += ["", "Paths:", ""] + [f"- {r['label']}: `{r['path']}`" for r in page["rows"] if r["clients"] == 1]
        lines.append("")
    if gen:
        lines += [
            f"History generator: {gen['items']:,} items and {gen['events']:,} events in {gen['seconds']} s "
            f"({gen['per_second']:,} items/s end to end, PostgreSQL COPY, fresh database without catalog).",
            "",
        ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (ROOT / "var" / "bench" / "feedback.json").write_text(json.dumps({"page": page, "generate": gen}, indent=1,
                                                                     default=str), encoding="utf-8")
    log(f"written {RESULTS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=500_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--only", choices=["page", "generate"])
    args = parser.parse_args()
    if not pg_available():
        raise SystemExit("PostgreSQL is not reachable on 127.0.0.1:5432.")
    page = bench_page(args.items, args.seconds, args.clients) if args.only in (None, "page") else None
    gen = bench_generate() if args.only in (None, "generate") else None
    write(page, gen, args)


if __name__ == "__main__":
    main()
