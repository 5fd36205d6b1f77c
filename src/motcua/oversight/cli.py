"""Subcommands of ``motcua oversight`` owned by the facts and the index: refresh, index, evaluation, warm, status.

Same contract as :mod:`motcua.oversight.review.cli`: :data:`SUBCOMMANDS` maps each name to an object with
``add_arguments(parser)``, ``run(options, stdout, stderr)`` and ``help``; the command merges both maps.
"""

from __future__ import annotations

import csv
import json
import time
from types import SimpleNamespace

from django.core.management.base import CommandError
from django.utils import timezone

from . import facts, index, queries, rules

FORMATS = ("table", "json", "csv")


class ProgressBar:
    """``[#####     ] 48%  480,000/1,000,000 dossiers`` on a terminal line, at most ten times a second."""

    def __init__(self, stream, label: str = "hồ sơ", width: int = 30) -> None:
        self.stream, self.label, self.width, self.last = stream, label, width, 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last < 0.1:
            return
        self.last = now
        share = done / total if total else 1.0
        filled = int(self.width * share)
        self.stream.write(f"\r[{'#' * filled}{' ' * (self.width - filled)}] {share:4.0%} {done:,}/{total:,} "
                          f"{self.label}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _refresh_args(p) -> None:
    p.add_argument("--rebuild", action="store_true", help="Empty the fact tables and compute them from scratch.")
    p.add_argument("--limit", type=int, default=None, help="Read at most this many events past the watermark.")
    p.add_argument("--warm", action="store_true", help="(The default.) Then store every table the pages offer.")
    p.add_argument("--no-warm", action="store_true", help="Only the fact tables; the pages keep showing the tables "
                   "stored before (and queue their recomputation) until the next refresh that stores them.")
    p.add_argument("--no-progress", action="store_true")


def _refresh(options: dict, stdout, stderr) -> None:
    """Update the fact tables from the events past the watermark (or rebuild them), then store every table the
    pages offer (issue 14 point 9: every level and period of the menus; pages never compute)."""
    bar = None if options.get("no_progress") else ProgressBar(stderr)
    result = facts.rebuild(bar) if options.get("rebuild") else facts.refresh(bar, limit=options.get("limit"))
    what = "Rebuilt" if result.get("rebuilt", options.get("rebuild")) else "Refreshed"
    stdout.write(f"{what}: {result['dossiers']:,} dossiers, watermark {result['watermark']}, "
                 f"{result['seconds']:.1f} s.\n")
    if not options.get("no_warm"):
        t0 = time.monotonic()
        bar = None if options.get("no_progress") else ProgressBar(stderr, label="bảng")
        n = queries.warm(progress=bar)
        stdout.write(f"Stored {n} tables in {time.monotonic() - t0:.1f} s.\n")


def current_periods() -> list[str]:
    today = timezone.now().astimezone(rules.TZ).date()
    iso = today.isocalendar()
    return [f"{today.year}", f"{today.year}-Q{(today.month - 1) // 3 + 1}", f"{today.year}-{today.month:02d}",
            f"{iso[0]}-W{iso[1]:02d}"]


def _warm_args(p) -> None:
    p.add_argument("--period", action="append", help="Periods to compute (default: every period the pages offer, "
                   "and those their trend charts show).")


def _warm(options: dict, stdout, stderr) -> None:
    """Store the pages' index and evaluation tables (every level) for some periods, or for all those offered."""
    t0 = time.monotonic()
    n = queries.warm(options.get("period"))
    stdout.write(f"Stored {n} tables in {time.monotonic() - t0:.1f} s.\n")


def _index_args(p) -> None:
    p.add_argument("--period", required=True, help="2026, 2026-Q4, 2026-10 or 2026-W40.")
    p.add_argument("--level", default="province", choices=index.LEVELS)
    p.add_argument("--scope", default=None, help="Inside one unit: province:01, ministry:BTP, agency:H01.TTPVHCC.")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--indicators", action="store_true", help="Table format: one column per indicator.")


def _fmt(v) -> str:
    return "N/A" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)


def _index(options: dict, stdout, stderr) -> None:
    """Print the ranked service-index table (Decision 766/QĐ-TTg) for a period and level."""
    try:
        table = queries.index_table(options["period"], options["level"], options.get("scope"))
    except (index.IndexError_, rules.PeriodError) as error:
        raise CommandError(str(error)) from error
    fmt = options.get("format") or "table"
    if fmt == "json":
        stdout.write(json.dumps(table, ensure_ascii=False, indent=2) + "\n")
        return
    codes = [i["code"] for i in table["indicators"]]
    if fmt == "csv":
        writer = csv.writer(stdout)
        header = ["rank", "code", "name", "total"]
        for c in codes:
            header += [f"{c} numerator", f"{c} denominator", f"{c} rate", f"{c} points"]
        writer.writerow(header)
        for r in table["rows"]:
            line = [r["rank"], r["code"], r["name"], f"{r['total']:.2f}"]
            for s in r["scores"]:
                line += ["" if s["numerator"] is None else s["numerator"],
                         "" if s["denominator"] is None else s["denominator"],
                         "N/A" if s["rate"] is None else f"{s['rate']:.2f}",
                         "N/A" if s["points"] is None else f"{s['points']:.2f}"]
            writer.writerow(line)
        return
    stdout.write(f"Chỉ số phục vụ — {table['period_label']} ({table['start']} – {table['end']}), "
                 f"{index.LEVEL_NAMES[table['level']]}{' trong ' + table['scope'] if table['scope'] else ''}\n")
    cols = codes if options.get("indicators") else [f"N{g}" for g in sorted(rules.GROUPS)]
    width = max([len(r["name"]) for r in table["rows"]] + [4])
    width = min(width, 40)
    stdout.write(f"{'Hạng':>4}  {'Mã':<12} {'Tên':<{width}} {'Tổng':>7} " + " ".join(f"{c:>6}" for c in cols)
                 + "\n")
    group_of = {i["code"]: i["group"] for i in table["indicators"]}
    for r in table["rows"]:
        if options.get("indicators"):
            values = [_fmt(s["points"]) for s in r["scores"]]
        else:
            per_group = dict.fromkeys(rules.GROUPS, 0.0)
            for s in r["scores"]:
                per_group[group_of[s["code"]]] += s["points"] or 0.0
            values = [f"{per_group[g]:.2f}" for g in sorted(rules.GROUPS)]
        stdout.write(f"{r['rank']:>4}  {r['code']:<12} {r['name'][:width]:<{width}} {r['total']:>7.2f} "
                     + " ".join(f"{v:>6}" for v in values) + "\n")


def _evaluation_args(p) -> None:
    p.add_argument("--period", required=True)
    p.add_argument("--scope", default=None, help="province:01, ministry:BTP, agency:H01.TTPVHCC.")
    p.add_argument("--format", default="table", choices=FORMATS)


def _evaluation(options: dict, stdout, stderr) -> None:
    """Print the evaluation per agency under the law of the period's end: Decree 118/2025 Art. 32(1) criteria a–đ
    (since 1/7/2025), or the history (before 1/7/2025: Circular 01/2018, nine indicators 0/1/2, bands)."""
    try:
        table = queries.evaluation_table(options["period"], options.get("scope"))
    except (index.IndexError_, rules.PeriodError) as error:
        raise CommandError(str(error)) from error
    fmt = options.get("format") or "table"
    if fmt == "json":
        stdout.write(json.dumps(table, ensure_ascii=False, indent=2) + "\n")
        return
    new = table.get("kind") == "nd118-ch5"
    heads = ([f"TC{c['letter']}" for c in table["criteria"]] if new
             else [f"TC{i['number']}" for i in table["indicators"]])

    def values(r: dict) -> list:
        return r["criteria"] if new else r["scores"]

    if fmt == "csv":
        writer = csv.writer(stdout)
        writer.writerow(["rank", "code", "name", "total", "band", "dossiers", *heads])
        for r in table["rows"]:
            writer.writerow([r["rank"], r["code"], r["name"], f"{r['total']:.2f}", r["band"], r["dossiers"],
                             *["N/A" if s is None else f"{s:.2f}" for s in values(r)]])
        return
    title = ("Đánh giá giải quyết TTHC (Nghị định 118/2025, Điều 32)" if new
             else "Đánh giá giải quyết TTHC (Thông tư 01/2018, trước 1/7/2025)")
    stdout.write(f"{title} — {table['period_label']}\n")
    stdout.write(f"{'Hạng':>4}  {'Mã':<16} {'Tổng':>6} {'Xếp loại':<11} " + " ".join(f"{h:>6}" for h in heads) + "\n")
    for r in table["rows"]:
        stdout.write(f"{r['rank']:>4}  {r['code']:<16} {r['total']:>6.2f} {r['band']:<11} "
                     + " ".join(f"{_fmt(s):>6}" for s in values(r)) + "\n")


def _status_args(p) -> None:
    pass


def _status(options: dict, stdout, stderr) -> None:
    """Show the watermark and how many events wait."""
    s = queries.facts_status()
    stdout.write(f"Watermark: {s['watermark']}; refreshed {s['refreshed_at']}; rebuilt {s['rebuilt_at']}; "
                 f"{facts.pending_events():,} events waiting.\n")


SUBCOMMANDS = {
    "refresh": SimpleNamespace(add_arguments=_refresh_args, run=_refresh, help=_refresh.__doc__),
    "index": SimpleNamespace(add_arguments=_index_args, run=_index, help=_index.__doc__),
    "evaluation": SimpleNamespace(add_arguments=_evaluation_args, run=_evaluation, help=_evaluation.__doc__),
    "warm": SimpleNamespace(add_arguments=_warm_args, run=_warm, help=_warm.__doc__),
    "status": SimpleNamespace(add_arguments=_status_args, run=_status, help=_status.__doc__),
}


