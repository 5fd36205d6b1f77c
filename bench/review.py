"""Review benchmarks (issue 6 points 4–8): batch computations, the drafting check, exports and the review pages, on
PostgreSQL with the 1,399-procedure demo catalog and a generated history. Figures go to bench/RESULTS-review.md.

    .venv/bin/python bench/review.py [--dossiers N] [--db NAME]

The database (default motcua_bench_review) is created, migrated and loaded (``motcua demo load``) when missing, and
``motcua demo generate --dossiers N --seed 1`` is run when it holds fewer than N dossiers (default 20,000). Then, in
one process: the overlap review of the catalog, the drafting check (cold and warm), dormancy, proposals, the
bottleneck batch (dossiers per second), workload, XES and OCEL exports (events per second, to /dev/null), and the
review pages through Django's test client (p50/p95 of 20 requests each). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOTCUA = str(ROOT / ".venv" / "bin" / "motcua")
RESULTS = ROOT / "bench" / "RESULTS-review.md"


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sh(args: list[str], env: dict) -> str:
    return subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout


def prepare(db: str, dossiers: int) -> dict:
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}",
           "MOTCUA_VAR_DIR": str(ROOT / "var" / f"bench-{db}")}
    exists = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{db}'"], capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        sh(["createdb", "-h", "127.0.0.1", "-U", "postgres", db], env)
    log("migrate, demo load …")
    sh([MOTCUA, "migrate", "-v0"], env)
    sh([MOTCUA, "demo", "load"], env)
    count = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-tAc",
                            "SELECT count(*) FROM dossiers_dossier"], capture_output=True, text=True)
    have = int(count.stdout.strip() or 0)
    if have < dossiers:
        log(f"generating {dossiers - have} dossiers …")
        sh([MOTCUA, "demo", "generate", "--dossiers", str(dossiers - have), "--seed", "1"], env)
    return env


def timed(label: str, fn, rows: list, unit_count: int | None = None, unit: str = "") -> object:
    t0 = time.monotonic()
    result = fn()
    secs = time.monotonic() - t0
    rate = f"{unit_count / secs:,.0f} {unit}/s" if unit_count else ""
    rows.append((label, f"{secs:.2f} s", rate))
    log(f"{label}: {secs:.2f} s {rate}")
    return result


def measure(rows: list, pages: list) -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from motcua.catalog.models import ProcedureVersion
    from motcua.dossiers.models import Dossier, DossierEvent
    from motcua.oversight.review import exports, services
    from motcua.oversight.review.models import Analysis

    n_dossiers, n_events = Dossier.objects.count(), DossierEvent.objects.count()
    timed("overlap review of the catalog (1,399 procedures)", services.compute_overlaps, rows)
    draft = ProcedureVersion.objects.filter(name__icontains="khai sinh").first()
    services._MODEL.clear()
    timed("drafting check, cold (features of the catalog built)", lambda: services.overlaps_for_version(draft), rows)
    timed("drafting check, warm", lambda: services.overlaps_for_version(draft), rows)
    timed("dormant procedures (36 months)", services.compute_dormant, rows)
    timed("local practice", services.compute_local_practice, rows)
    timed("proposals", services.compute_proposals, rows)
    timed("cost and targets", services.compute_costs, rows)
    days = 3650
    processed = timed("bottlenecks, whole history", lambda: services.compute_bottlenecks(days=days), rows)
    rows[-1] = (rows[-1][0] + f" ({processed:,} dossiers)", rows[-1][1],
                f"{processed / float(rows[-1][1].split()[0]):,.0f} dossiers/s")
    timed("workload and reallocation", services.compute_workload, rows)
    with open(os.devnull, "w") as null:
        timed("export XES", lambda: exports.write_xes(null), rows, n_events, "events")
        timed("export OCEL 2.0 JSON", lambda: exports.write_ocel(null), rows, n_events, "events")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="demo-btp-supervisor"))
    worst = (Analysis.objects.filter(kind="bottleneck", agency__isnull=True, procedure__isnull=False)
             .order_by("-overdue").values_list("procedure__code", flat=True).first())
    urls = ["", "khong-phat-sinh/", "trung-lap/", "de-xuat/", "thuc-tien-dia-phuong/", "chi-phi/", "diem-nghen/",
            "nhan-luc/"] + ([f"diem-nghen/{worst}/"] if worst else [])
    for u in urls:
        client.get("/giam-sat/ra-soat/" + u)
        ts = []
        for _ in range(20):
            t0 = time.monotonic()
            r = client.get("/giam-sat/ra-soat/" + u)
            ts.append((time.monotonic() - t0) * 1000)
            assert r.status_code == 200, (u, r.status_code)
        ts.sort()
        pages.append((f"/giam-sat/ra-soat/{u}", f"{ts[9]:.0f}", f"{ts[18]:.0f}", f"{len(r.content) / 1024:.0f}"))
        log(f"{u}: p50 {ts[9]:.0f} ms p95 {ts[18]:.0f} ms")
    return {"dossiers": n_dossiers, "events": n_events}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=20_000)
    parser.add_argument("--db", default="motcua_bench_review")
    args = parser.parse_args()
    env = prepare(args.db, args.dossiers)
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "MOTCUA_VAR_DIR")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    sys.path.insert(0, str(ROOT / "src"))
    rows: list = []
    pages: list = []
    load_before = os.getloadavg()
    sizes = measure(rows, pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    uname = " ".join(platform.uname()[i] for i in (0, 2, 4))
    lines = [
        "# Review benchmarks (issue 6 points 4–8)", "",
        f"`{sys.executable.split('/.venv')[0] and '.venv/bin/python'} bench/review.py --dossiers {args.dossiers}` "
        f"on {dt.date.today():%Y-%m-%d}, `{uname}`, {os.cpu_count()} cores; PostgreSQL, demo catalog (1,399 "
        f"procedures), {sizes['dossiers']:,} generated dossiers, {sizes['events']:,} events. Load average "
        f"{load_before[0]:.1f} at the start: figures taken on a busy machine shared with other engineers' tests "
        "when that is well above the core count.", "",
        "| Batch computation | Time | Rate |", "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows], "",
        f"Peak memory of the process: {peak:,.0f} MiB.", "",
        "| Review page (20 requests each, Django test client, one process) | p50 ms | p95 ms | KiB |",
        "|---|---|---|---|",
        *[f"| `{a}` | {b} | {c} | {d} |" for a, b, c, d in pages], "",
        "Notes: the batch commands read the dossier history; the pages read only their stored results. The "
        "drafting check keeps the published catalog's features in the process (a published version is never edited "
        "in place), so only the first check in a process pays for them.", "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    log(f"written {RESULTS}")


if __name__ == "__main__":
    main()
