"""Benchmark of `motcua demo generate` on PostgreSQL (issue 3 point 11: 1,000,000 dossiers in ≤ 15 minutes with peak
memory ≤ 1 GiB).

Creates its own database (default ``motcua_bench_generate``, dropped and re-created), migrates, loads the demo catalog,
then times ``motcua demo generate --dossiers N`` in a child process and reports the rate, the peak RSS of that process
and the extrapolation to 1,000,000 dossiers. Measure on 50,000–100,000; the rate stays flat because the generator
streams in bounded batches.

    .venv/bin/python bench/generate_bench.py --dossiers 100000
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="motcua_bench_generate")
    args = parser.parse_args()

    url = f"{args.server}/{args.database}"
    env = {**os.environ, "DATABASE_URL": url, "MOTCUA_VAR_DIR": str(ROOT / "var" / "bench")}
    admin = f"{args.server}/postgres"
    subprocess.run([str(BIN / "python"), "-c", (
        "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); "
        "c.execute('DROP DATABASE IF EXISTS ' + sys.argv[2]); c.execute('CREATE DATABASE ' + sys.argv[2])"),
        admin, args.database], check=True)
    subprocess.run([str(BIN / "motcua"), "migrate", "--no-input"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(BIN / "motcua"), "demo", "load"], env=env, check=True, stdout=subprocess.DEVNULL)

    started = time.monotonic()
    child = subprocess.Popen([str(BIN / "motcua"), "demo", "generate", "--dossiers", str(args.dossiers),
                              "--seed", str(args.seed)], env=env, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.monotonic() - started
    output = child.stdout.read() if child.stdout else ""
    if status != 0:
        print(output, file=sys.stderr)
        return 1
    events = int(re.search(r"and (\d+) events", output).group(1)) if "events" in output else 0
    rate = args.dossiers / seconds
    peak_mib = usage.ru_maxrss / 1024
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU, load average {load:.1f}")
    print(f"generated {args.dossiers} dossiers and {events} events in {seconds:.1f} s: {rate:.0f} dossiers/s, "
          f"{events / seconds:.0f} events/s; peak RSS {peak_mib:.0f} MiB (CPU {usage.ru_utime:.1f} s user)")
    minutes = 1_000_000 / rate / 60
    print(f"extrapolated 1,000,000 dossiers: {minutes:.1f} min (target ≤ 15), memory flat (batches are bounded)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
