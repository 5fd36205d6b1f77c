"""Subcommands of ``motcua oversight`` owned by the reviews: review, cost, bottlenecks, workload, export-xes,
export-ocel.

House pattern (like ``motcua.catalog.cli``): :data:`SUBCOMMANDS` maps each name to an object with
``add_arguments(parser)`` and ``run(options, stdout, stderr)``; the ``oversight`` command adds them to its own
subparsers and dispatches. :func:`main` runs one of them with its own parser (tests, and before the dispatcher
knows them).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

from django.core.management.base import CommandError

from . import exports, services


def _as_of(parser) -> None:
    parser.add_argument("--as-of", type=date.fromisoformat, default=None,
                        help="Review date (YYYY-MM-DD, default today in Vietnam).")


def _review_args(p) -> None:
    _as_of(p)
    p.add_argument("--only", choices=("dormant", "overlaps", "proposals", "practice"), action="append",
                   help="Run only these parts (repeatable; default all).")


def _review(options: dict, stdout, stderr) -> None:
    """Dormant procedures, overlap candidates, local practice and proposals (issue 6 point 4)."""
    parts = options.get("only") or ["dormant", "overlaps", "practice", "proposals"]
    as_of = options.get("as_of")
    for part in ("dormant", "overlaps", "practice", "proposals"):
        if part not in parts:
            continue
        t0 = time.monotonic()
        if part == "dormant":
            result = f"{services.compute_dormant(as_of)} dòng"
        elif part == "overlaps":
            result = f"{services.compute_overlaps()} cặp đề xuất"
        elif part == "practice":
            result = f"{services.compute_local_practice(as_of)} phiên bản địa phương"
        else:
            result = ", ".join(f"{k}: {v}" for k, v in sorted(services.compute_proposals(as_of).items()))
        stdout.write(f"{part}: {result} ({time.monotonic() - t0:.1f} s)\n")


def _cost_args(p) -> None:
    _as_of(p)


def _cost(options: dict, stdout, stderr) -> None:
    """Compliance cost per procedure and each agency's progress against the 2025/2026 targets (point 5)."""
    n = services.compute_costs(options.get("as_of"))
    stdout.write(f"cost: {n} thủ tục; giá trị một giờ: {services.hourly_income()} VND\n")


def _bottlenecks_args(p) -> None:
    _as_of(p)
    p.add_argument("--days", type=int, default=365, help="Dossiers submitted in the last N days (default 365).")


def _bottlenecks(options: dict, stdout, stderr) -> None:
    """Step times against budgets, overdue attribution, directly-follows graphs (point 6)."""
    if options.get("days", 365) <= 0:
        raise CommandError("--days must be positive.")
    t0 = time.monotonic()
    n = services.compute_bottlenecks(options.get("as_of"), days=options.get("days", 365),
                                     progress=lambda k: stderr.write(f"  {k} hồ sơ…\n"))
    stdout.write(f"bottlenecks: {n} hồ sơ ({time.monotonic() - t0:.1f} s)\n")


def _workload_args(p) -> None:
    _as_of(p)
    p.add_argument("--weeks", type=int, default=8, help="Weeks observed (default 8).")
    p.add_argument("--format", choices=("table", "json"), default="table")


def _workload(options: dict, stdout, stderr) -> None:
    """Open dossiers and throughput per officer and unit; the reallocation at constant headcount (point 7)."""
    if options.get("weeks", 8) <= 0:
        raise CommandError("--weeks must be positive.")
    summary = services.compute_workload(options.get("as_of"), weeks=options.get("weeks", 8))
    if options.get("format") == "json":
        stdout.write(json.dumps(summary, ensure_ascii=False, indent=2) + "\n")
        return
    stdout.write(f"Biên chế: {summary['headcount_before']} → {summary['headcount_after']} (không đổi)\n")
    for m in summary["moves"]:
        stdout.write(f"  {m['officer']}: {m['from_unit']} → {m['to_unit']} trong {m['weeks']} tuần\n")
    if not summary["moves"]:
        stdout.write("  Không cần điều động.\n")


def _export_args(p) -> None:
    p.add_argument("--out", required=True, help="File to write ('-' for standard output).")
    p.add_argument("--since", help="Dossiers submitted on or after this day (YYYY-MM-DD).")
    p.add_argument("--until", help="Dossiers submitted before this day (YYYY-MM-DD).")
    p.add_argument("--procedure", action="append", default=[], help="Procedure code (repeatable).")
    p.add_argument("--agency", action="append", default=[], help="Agency code (repeatable).")


def _export(writer):
    def run(options: dict, stdout, stderr) -> None:
        try:
            sel = exports.selection_from(options.get("since"), options.get("until"), options.get("procedure") or (),
                                         options.get("agency") or ())
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {exc}") from None
        out = options["out"]
        t0 = time.monotonic()
        if out == "-":
            n = writer(stdout, sel)
        else:
            path = Path(out)
            if not path.parent.exists():
                raise CommandError(f"Thư mục {path.parent} không tồn tại.")
            with path.open("w", encoding="utf-8") as fh:
                n = writer(fh, sel)
        stderr.write(f"{n} sự kiện ({time.monotonic() - t0:.1f} s)\n")
    return run


SUBCOMMANDS = {
    "review": SimpleNamespace(add_arguments=_review_args, run=_review, help=_review.__doc__),
    "cost": SimpleNamespace(add_arguments=_cost_args, run=_cost, help=_cost.__doc__),
    "bottlenecks": SimpleNamespace(add_arguments=_bottlenecks_args, run=_bottlenecks, help=_bottlenecks.__doc__),
    "workload": SimpleNamespace(add_arguments=_workload_args, run=_workload, help=_workload.__doc__),
    "export-xes": SimpleNamespace(add_arguments=_export_args, run=_export(exports.write_xes),
                                  help="Export the dossier event log as XES (streamed)."),
    "export-ocel": SimpleNamespace(add_arguments=_export_args, run=_export(exports.write_ocel),
                                   help="Export the dossier event log as OCEL 2.0 JSON (streamed)."),
}


def main(argv: list[str], stdout=None, stderr=None) -> None:
    """Run one subcommand: ``main(["export-xes", "--out", "log.xes"])``."""
    parser = argparse.ArgumentParser(prog="motcua oversight")
    sub = parser.add_subparsers(dest="subcommand", required=True)
    for name, cmd in SUBCOMMANDS.items():
        cmd.add_arguments(sub.add_parser(name, help=cmd.help))
    options = vars(parser.parse_args(argv))
    SUBCOMMANDS[options["subcommand"]].run(options, stdout or sys.stdout, stderr or sys.stderr)
