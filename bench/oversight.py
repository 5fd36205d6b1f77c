"""Oversight benchmarks (issue 6 Speed), on PostgreSQL databases holding a generated history.

    .venv/bin/python bench/oversight.py [--db motcua_bench_oversight] [--db motcua_bench_oversight250k ...]
                                        [--new-dossiers 17000] [--out bench/RESULTS-oversight.md]

Each database must already hold a history (``motcua demo generate --dossiers N``); the script migrates it, then
measures in a fresh Python process per database:

- the full rebuild of the facts (wall time, peak memory of the process, the time at each quarter of the dossiers to
  show the growth within a run);
- an incremental refresh after about 100,000 new events (``demo generate`` of ``--new-dossiers`` more dossiers at the
  end of the period, ~6 events each; with 0, or when the generator fails, the watermark is moved back 100,000
  events instead, which makes the refresh do the same work);
- the index for all provinces for a year and for a month, and for every agency for a month (computed, not read from
  a snapshot), median of 3;
- the dashboard pages through Django's test client (in process: middleware, views, templates, database), first
  request (computes the snapshot) and p50/p95 of 40 requests afterwards.

Targets: rebuild at 5,000,000 dossiers ≤ 5 min, peak ≤ 2 GiB, linear growth; refresh after 100,000 events ≤ 10 s;
index for all provinces for a year ≤ 2 s; dashboard pages p95 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432/"


def measure(db: str, new_dossiers: int, skip_rebuild: bool = False) -> dict:
    """Runs inside the child process whose DATABASE_URL points at ``db``."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from motcua.dossiers.models import Dossier
    from motcua.oversight import facts, index
    from motcua.oversight.models import DailyFact, DossierFact

    call_command("migrate", verbosity=0)
    with connection.cursor() as c:  # statistics after the bulk generation (what autovacuum does in time)
        c.execute("ANALYZE dossiers_dossier")
        c.execute("ANALYZE dossiers_dossierevent")
    out: dict = {"db": db}
    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM dossiers_dossier")
        out["dossiers"] = c.fetchone()[0]
        c.execute("SELECT COUNT(*) FROM dossiers_dossierevent")
        out["events"] = c.fetchone()[0]

    marks: list[tuple[int, float]] = []
    t0 = time.monotonic()
    quarters = {out["dossiers"] * k // 4 for k in (1, 2, 3, 4)}

    def progress(done: int, total: int) -> None:
        if any(done >= q and all(m[0] < q for m in marks) for q in quarters):
            marks.append((done, time.monotonic() - t0))

    result = facts.rebuild(progress) if not skip_rebuild else {"watermark": facts.FactWatermark.objects.get(
        name=facts.EVENTS).last_id}
    out["rebuild_s"] = round(time.monotonic() - t0, 1)
    out["rebuild_marks"] = [(d, round(s, 1)) for d, s in marks]
    out["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    out["daily_rows"] = DailyFact.objects.count()
    out["fact_rows"] = DossierFact.objects.count()
    out["watermark"] = result["watermark"]

    # Index timings (computed from the facts, not snapshots).
    last = Dossier.objects.order_by("-submitted_at").values_list("submitted_at", flat=True).first()
    year = last.year
    month = f"{year}-{last.month:02d}"
    timings = {}
    for label, period, level in ((f"all provinces, year {year}", str(year), "province"),
                                 (f"all provinces, month {month}", month, "province"),
                                 (f"all ministries, year {year}", str(year), "ministry"),
                                 (f"every agency, month {month}", month, "agency"),
                                 (f"country, year {year}", str(year), "country")):
        runs = []
        for _ in range(3):
            t = time.monotonic()
            index.compute(period, level)
            runs.append(time.monotonic() - t)
        timings[label] = round(statistics.median(runs) * 1000, 1)
    out["index_ms"] = timings

    # Pages (snapshots computed by the first request, then read).
    client = Client()
    pages = {
        "/giam-sat/": {},
        "/giam-sat/chi-so/ (provinces, month)": {"path": "/giam-sat/chi-so/", "period": month, "level": "province"},
        "/giam-sat/chi-so/ (country, year)": {"path": "/giam-sat/chi-so/", "period": str(year), "level": "country"},
        "/giam-sat/chi-so/ (agencies of Hà Nội, month)": {"path": "/giam-sat/chi-so/", "period": month,
                                                          "level": "agency", "scope": "province:01"},
        "/giam-sat/chi-so/don-vi/ (Hà Nội, month)": {"path": "/giam-sat/chi-so/don-vi/", "period": month,
                                                    "level": "province", "code": "01"},
        "/giam-sat/danh-gia/ (month)": {"path": "/giam-sat/danh-gia/", "period": month},
        "/api/v1/oversight/index (provinces, year)": {"path": "/api/v1/oversight/index", "period": str(year),
                                                      "level": "province"},
    }
    page_figures = {}
    for label, spec in pages.items():
        spec = dict(spec)
        path = spec.pop("path", label)
        t = time.monotonic()
        r = client.get(path, spec)
        first = time.monotonic() - t
        assert r.status_code == 200, (label, r.status_code)
        runs = []
        for _ in range(40):
            t = time.monotonic()
            client.get(path, spec)
            runs.append(time.monotonic() - t)
        runs.sort()
        page_figures[label] = {"first_ms": round(first * 1000, 1), "p50_ms": round(runs[len(runs) // 2] * 1000, 1),
                               "p95_ms": round(runs[int(len(runs) * 0.95) - 1] * 1000, 1)}
    out["pages"] = page_figures

    # Incremental refresh after ~100,000 new events.
    from motcua.oversight.models import FactWatermark

    mode = "generated"
    if new_dossiers:
        before = _max_event()
        env = dict(os.environ)
        start = last.date().isoformat()
        done = subprocess.run([str(ROOT / ".venv/bin/motcua"), "demo", "generate", "--dossiers", str(new_dossiers),
                               "--start", start, "--end", last.date().isoformat(), "--seed", "777"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out["new_events"] = _max_event() - before
        if done.returncode != 0 or not out["new_events"]:
            new_dossiers = 0
    if not new_dossiers:
        # The generator is not usable here: take the last 100,000 events as the new ones (the watermark moved back
        # by 100,000 ids). The refresh does the same work: find the dossiers those events touch, recompute their
        # facts and move the counters by the difference (here zero, which the check below confirms).
        mode = "rewound"
        high = _max_event()
        FactWatermark.objects.filter(name=facts.EVENTS).update(last_id=max(0, high - 100_000))
        out["new_events"] = min(100_000, high)
    sums = _daily_sums() if mode == "rewound" else None
    t = time.monotonic()
    r = facts.refresh()
    out["refresh_s"] = round(time.monotonic() - t, 2)
    out["refresh_dossiers"] = r["dossiers"]
    out["refresh_mode"] = mode
    if mode == "rewound":
        out["refresh_equals_rebuild"] = sums == _daily_sums()
    else:
        sums = _daily_sums()
        facts.rebuild()
        out["refresh_equals_rebuild"] = sums == _daily_sums()
    return out


def _max_event() -> int:
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM dossiers_dossierevent")
        return c.fetchone()[0]


def _daily_sums() -> list:
    from django.db import connection

    from motcua.oversight.models import DAILY_COUNTERS

    with connection.cursor() as c:
        c.execute("SELECT COUNT(*), " + ", ".join(f"SUM({n})" for n in DAILY_COUNTERS) + " FROM oversight_dailyfact")
        return [int(v or 0) for v in c.fetchone()]


def write_results(results: list[dict], path: Path) -> None:
    load = os.getloadavg()
    uname = platform.uname()
    lines = [
        "# Oversight benchmarks (issue 6 Speed)",
        "",
        f"Run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on `{uname.system} {uname.release} {uname.machine}`, "
        f"{os.cpu_count()} cores; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.",
        "Command: `.venv/bin/python bench/oversight.py` (PostgreSQL 15, databases holding `motcua demo generate` "
        "histories).",
        "",
    ]
    if load[1] > 2.5:
        lines += ["**Busy machine**: other engineers' tests and generators ran at the same time (load above the "
                  "2 cores); the lead should rerun these figures on a quiet machine.", ""]
    lines += ["## Full rebuild of the facts", "",
              "| dossiers | events | wall time | per 1,000 dossiers | peak memory | fact rows | daily rows | time at "
              "each quarter | target |", "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        per = r["rebuild_s"] / max(1, r["dossiers"]) * 1000
        marks = ", ".join(f"{d:,}: {s} s" for d, s in r["rebuild_marks"])
        lines.append(f"| {r['dossiers']:,} | {r['events']:,} | {r['rebuild_s']} s | {per:.3f} s | "
                     f"{r['peak_rss_mib']} MiB | {r['fact_rows']:,} | {r['daily_rows']:,} | {marks} | "
                     f"≤ 5 min at 5M, ≤ 2 GiB |")
    if len(results) > 1:
        a, b = sorted(results, key=lambda r: r["dossiers"])[0], sorted(results, key=lambda r: r["dossiers"])[-1]
        ratio = (b["rebuild_s"] / a["rebuild_s"]) / (b["dossiers"] / a["dossiers"])
        five = b["rebuild_s"] / b["dossiers"] * 5_000_000
        lines += ["", f"Growth {a['dossiers']:,} → {b['dossiers']:,} dossiers: time × "
                  f"{b['rebuild_s'] / a['rebuild_s']:.2f} for × {b['dossiers'] / a['dossiers']:.2f} dossiers "
                  f"(ratio {ratio:.2f}; 1.00 = linear). Linear extrapolation to 5,000,000: {five / 60:.1f} min."]
    lines += ["", "## Incremental refresh", "", "| database dossiers | new events | dossiers touched | refresh | same "
              "daily totals as a rebuild | target |", "|---|---|---|---|---|---|"]
    for r in results:
        if "refresh_s" in r:
            how = ("generated" if r["refresh_mode"] == "generated" else "last 100,000 events re-read")
            lines.append(f"| {r['dossiers']:,} | {r['new_events']:,} ({how}) | {r['refresh_dossiers']:,} | "
                         f"{r['refresh_s']} s | {'yes' if r['refresh_equals_rebuild'] else 'NO'} | "
                         f"≤ 10 s after 100,000 events |")
    lines += ["", "## Index computed from the facts (median of 3, no snapshot)", "",
              "| dossiers | table | time | target |", "|---|---|---|---|"]
    for r in results:
        for label, ms in r["index_ms"].items():
            target = "≤ 2 s" if label.startswith("all provinces, year") else ""
            lines.append(f"| {r['dossiers']:,} | {label} | {ms} ms | {target} |")
    lines += ["", "## Dashboard pages (Django test client in process, one client)", "",
              "The first request computes the table's snapshot (once per refresh; `motcua oversight refresh --warm` "
              "computes the current periods' ahead of users); the next 40 read it.", "",
              "| dossiers | page | first | p50 | p95 | target |", "|---|---|---|---|---|---|"]
    for r in results:
        for label, f in r["pages"].items():
            lines.append(f"| {r['dossiers']:,} | {label} | {f['first_ms']} ms | {f['p50_ms']} ms | {f['p95_ms']} ms "
                         f"| p95 ≤ 200 ms |")
    lines += ["", "Raw figures:", "", "```json", json.dumps(results, indent=1, ensure_ascii=False), "```", ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="Database name(s) (default motcua_bench_oversight).")
    parser.add_argument("--new-dossiers", type=int, default=17000,
                        help="Dossiers to generate for the refresh (0: re-read the last 100,000 events instead).")
    parser.add_argument("--out", default=str(ROOT / "bench" / "RESULTS-oversight.md"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--skip-rebuild", action="store_true", help="Reuse the facts in place (debugging).")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.new_dossiers, args.skip_rebuild), default=str))
        return
    results = []
    for db in args.db or ["motcua_bench_oversight"]:
        env = dict(os.environ, DATABASE_URL=PG + db, DJANGO_SETTINGS_MODULE="motcua.settings",
                   MOTCUA_VAR_DIR=str(ROOT / "var" / "bench-oversight"))
        print(f"{db}: measuring …", file=sys.stderr)
        done = subprocess.run([sys.executable, __file__, "--child", db, "--new-dossiers", str(args.new_dossiers),
                               *(["--skip-rebuild"] if args.skip_rebuild else [])],
                              env=env, check=True, stdout=subprocess.PIPE, text=True)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1], indent=1, ensure_ascii=False), file=sys.stderr)
    write_results(results, Path(args.out))
    print(f"Wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
