"""motcua benchmarks: one command (`make bench`), figures written to bench/RESULTS.md.

(`--only dossiers` runs bench/dossiers.py instead: the dossier benchmarks of issue 3, in the "## Dossiers" section,
which this script keeps when it rewrites the file.)

1. Import of the 1,399 shared national-portal records into a fresh database: wall time and peak memory (RSS of the
   import process). Target: ≤ 20 s, ≤ 300 MiB.
2. Search API over 20,000 published procedure versions (the real records plus provinces' localised copies, made by
   `motcua demo scale`), measured over HTTP against `motcua serve`: p50 ≤ 10 ms, p95 ≤ 30 ms, on SQLite and on
   PostgreSQL (when it answers on 127.0.0.1:5432).

Each run uses its own database (var/bench/…, or the PostgreSQL database motcua_bench, dropped and re-created), so
the project's own data is never touched. Requests are sent one at a time on a keep-alive connection: these are
latencies, not throughput.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MOTCUA = str(BIN / "motcua")
RECORDS = ROOT / "src" / "motcua" / "catalog" / "data" / "dvcqg" / "procedures.jsonl.gz"
OUT = ROOT / "var" / "bench"
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/motcua_bench"

QUERIES = [
    "dang ky khai sinh", "Đăng ký khai sinh", "khai sinh", "1.000080", "kết hôn", "cap giay phep xay dung",
    "hộ tịch", "lý lịch tư pháp", "chung thuc ban sao", "đăng ký thường trú", "xác nhận tình trạng hôn nhân",
    "nuoi con nuoi", "giấy phép", "ngân hàng", "thi hành án", "quốc tịch", "công chứng", "trợ giúp pháp lý",
    "1.0009", "khai tu",
]
FILTERS = ["", "&level=commune", "&online_level=full", "&level=province"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def env_for(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = db_url
    env["MOTCUA_VAR_DIR"] = str(OUT)
    env.pop("MOTCUA_DEBUG", None)
    return env


def run(args: list[str], db_url: str) -> None:
    subprocess.run([MOTCUA, *args], check=True, env=env_for(db_url), stdout=subprocess.DEVNULL)


def pg_available() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
        return True
    except OSError:
        return False


def fresh_db(kind: str) -> str:
    if kind == "sqlite":
        path = OUT / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS motcua_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE motcua_bench")
    return PG_URL


def bench_import(kind: str) -> dict:
    db = fresh_db(kind)
    run(["migrate", "--no-input"], db)
    # The import runs in its own process, which reports its own peak resident memory when it ends.
    code = "\n".join([
        "import resource, sys",
        "from motcua.cli import main",
        "try:",
        "    main(['catalog', 'import-dvcqg', sys.argv[1]])",
        "finally:",
        "    print('PEAK_KIB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)",
    ])
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, str(RECORDS)], env=env_for(db), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"import failed: {proc.stderr[-2000:]}")
    peak_kib = int(next(line.split()[1] for line in proc.stderr.splitlines() if line.startswith("PEAK_KIB")))
    return {"db": kind, "seconds": round(seconds, 2), "peak_mib": round(peak_kib / 1024, 1)}


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def kept_db(kind: str) -> str | None:
    """The database of an earlier run, if there is one (for --keep)."""
    if kind == "sqlite":
        path = OUT / "bench.sqlite3"
        return f"sqlite:///{path}" if path.exists() else None
    import psycopg

    with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=postgres", autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'motcua_bench'").fetchone()
    return PG_URL if found else None


def bench_search(kind: str, target: int, rounds: int, keep: bool = False) -> dict:
    db = kept_db(kind) if keep else None
    build = 0.0
    if db is not None:
        log(f"[{kind}] reuse the database of an earlier run (--keep); migrate it …")
        run(["migrate", "--no-input"], db)
    else:
        db = fresh_db(kind)
        log(f"[{kind}] migrate and build {target} published versions …")
        run(["migrate", "--no-input"], db)
        t0 = time.perf_counter()
        run(["demo", "scale", str(target)], db)
        build = time.perf_counter() - t0
    port = free_port()
    server = subprocess.Popen([MOTCUA, "serve", f"127.0.0.1:{port}", "--threads", "4"], env=env_for(db),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        paths = [f"/api/v1/procedures?q={urllib.parse.quote(q)}{f}" for q in QUERIES for f in FILTERS]
        count = None
        for p in paths:  # warm-up: connections, caches
            conn.request("GET", p)
            resp = conn.getresponse()
            body = resp.read()
            if resp.status != 200:
                raise SystemExit(f"{p} answered {resp.status}: {body[:300]!r}")
        conn.request("GET", "/api/v1/procedures?page_size=1")
        count = json.loads(conn.getresponse().read())["count"]
        timings = []
        for _ in range(rounds):
            for p in paths:
                t = time.perf_counter()
                conn.request("GET", p)
                resp = conn.getresponse()
                resp.read()
                timings.append((time.perf_counter() - t) * 1000)
                assert resp.status == 200
        timings.sort()
        base = like_baseline(db, rounds)
        p50 = statistics.median(timings)
        return {
            "db": kind, "versions": count, "requests": len(timings), "build_seconds": round(build, 1),
            "p50_ms": round(p50, 2),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
            "max_ms": round(timings[-1], 2),
            "like_p50_ms": base["p50_ms"], "like_p95_ms": base["p95_ms"],
            "ratio_p50": round(p50 / max(base["p50_ms"], 0.01), 1),
        }
    finally:
        server.terminate()
        server.wait(10)


def like_baseline(db: str, rounds: int) -> dict:
    """The search's baseline on the same machine and database, in the same run (issue 13 point 8): a plain SQL
    ``LIKE '%…%'`` over the folded names (``search_name``), first 20 rows, one query at a time like the API's."""
    from motcua.core.text import fold

    sql = ("SELECT id, name FROM catalog_procedureversion WHERE search_name LIKE {p} ORDER BY id LIMIT 20")
    if db.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(db.removeprefix("sqlite:///"))
        sql = sql.format(p="?")
    else:
        import psycopg

        conn = psycopg.connect(db.replace("postgres://", "postgresql://"), autocommit=True)
        sql = sql.format(p="%s")
    patterns = [f"%{fold(q)}%" for q in QUERIES]
    try:
        for p in patterns:
            conn.execute(sql, (p,)).fetchall()
        timings = []
        for _ in range(rounds * len(FILTERS)):  # as many queries as the API answered
            for p in patterns:
                t = time.perf_counter()
                conn.execute(sql, (p,)).fetchall()
                timings.append((time.perf_counter() - t) * 1000)
    finally:
        conn.close()
    timings.sort()
    return {"p50_ms": round(statistics.median(timings), 2), "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2)}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{cpu}, {os.cpu_count()} cores{mem}, {system}, Python {platform.python_version()}"


def write_results(imports: list[dict], searches: list[dict]) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Latest run: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {machine()}.",
        "Command: `make bench` (bench/run.py). Targets from issue 2.",
        "",
        "## Import of the 1,399 shared national-portal records (fresh database)",
        "",
        "| database | wall time | peak memory | target |",
        "|---|---|---|---|",
    ]
    for r in imports:
        ok = "met" if r["seconds"] <= 20 and r["peak_mib"] <= 300 else "MISSED"
        lines.append(f"| {r['db']} | {r['seconds']} s | {r['peak_mib']} MiB | ≤ 20 s, ≤ 300 MiB: {ok} |")
    lines += [
        "",
        "## Search API over HTTP against `motcua serve` (one client, keep-alive)",
        "",
        f"Queries: {len(QUERIES)} texts × {len(FILTERS)} filter sets, repeated; first page of 20 results.",
        "",
        "Baseline on the same machine and database in the same run (issue 13 point 8): a plain SQL `LIKE '%…%'` over "
        "the folded names (`search_name`), first 20 rows, the same texts one at a time; the ratio is what holds "
        "from one machine to another.",
        "",
        "| database | published versions | requests | p50 | p95 | max | plain LIKE p50 / p95 | API p50 ÷ LIKE p50 "
        "| target |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in searches:
        ok = "met" if r["p50_ms"] <= 10 and r["p95_ms"] <= 30 else "MISSED"
        lines.append(f"| {r['db']} | {r['versions']} | {r['requests']} | {r['p50_ms']} ms | {r['p95_ms']} ms | "
                     f"{r['max_ms']} ms | {r.get('like_p50_ms', '–')} / {r.get('like_p95_ms', '–')} ms | "
                     f"{r.get('ratio_p50', '–')} | p50 ≤ 10 ms, p95 ≤ 30 ms: {ok} |")
    results = ROOT / "bench" / "RESULTS.md"
    text = "\n".join(lines) + "\n" + dossier_section(results)
    results.write_text(text, encoding="utf-8")


def dossier_section(results: Path) -> str:
    """The "## All targets at a glance" index (issues 3–6; each topic's script writes its own RESULTS-*.md), kept as
    it is when this script rewrites the issue-2 figures."""
    if not results.exists():
        return ""
    _, found, rest = results.read_text(encoding="utf-8").partition("\n## All targets at a glance")
    if not found:
        return ""
    return "\n## All targets at a glance" + rest.rstrip("\n") + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=["import", "search", "dossiers"], default=None,
                        help="dossiers: the issue-3 benchmarks (bench/dossiers.py, its own options after --)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default=None, help="only this database")
    parser.add_argument("--keep", action="store_true",
                        help="search: reuse the database of an earlier run when there is one (no rebuild)")
    parser.add_argument("--no-write", action="store_true", help="print the results only, leave RESULTS.md alone "
                        "(runs at a reduced size on a shared machine)")
    args, rest = parser.parse_known_args()
    if args.only == "dossiers":
        # Submissions, the officer queue at 1,000,000 dossiers, due times: their own script and databases.
        extra = [a for a in rest if a != "--"]
        raise SystemExit(subprocess.call([sys.executable, str(ROOT / "bench" / "dossiers.py"), *extra]))
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if shutil.which(MOTCUA) is None and not Path(MOTCUA).exists():
        raise SystemExit("Run `make install` first.")
    OUT.mkdir(parents=True, exist_ok=True)
    kinds = ["sqlite"] + (["postgres"] if pg_available() else [])
    if args.db:
        kinds = [k for k in kinds if k == args.db]
    imports, searches = [], []
    for kind in kinds:
        if args.only in (None, "import"):
            log(f"[{kind}] import benchmark …")
            imports.append(bench_import(kind))
            log(f"  {imports[-1]}")
        if args.only in (None, "search"):
            searches.append(bench_search(kind, args.versions, args.rounds, args.keep))
            log(f"  {searches[-1]}")
    if args.no_write:
        print(json.dumps({"imports": imports, "searches": searches}, indent=1, ensure_ascii=False))
        return
    write_results(imports, searches)
    print((ROOT / "bench" / "RESULTS.md").read_text())


if __name__ == "__main__":
    main()
