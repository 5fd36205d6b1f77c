"""The monthly report to the Working Group (Announcement 437/TB-VPCP direction 5; issue 6 point 9).

Everything is read from what the system has already computed — the oversight facts and index snapshots, the stored
review results (bottlenecks, proposals), the PAKN table, the Advisory Council obstacles and the directives' tasks —
never from the raw event log, so building the report costs seconds, not a scan of history. Run
``motcua oversight refresh`` (and the review batches) first for up-to-date figures: the report says when its facts
were last refreshed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils import timezone

from motcua.dossiers.rules import step_name
from motcua.units.models import AdministrativeUnit, Agency

from .document import Chart, Paragraph, Report, Section, Signature, Table

SCOPE_HELP = "national, province:<code> (e.g. province:01 or province:H01) or agency:<agency code>"
# Issue 14 point 5: the report never tells its reader to run a command; bottlenecks are analysed by the nightly
# schedule (motcua.core.schedule) and a row not analysed yet says so in words.
NOT_ANALYSED = "Đang phân tích"
TOP = 15  # rows of a ranking shown in the report (the full table is on the web page and in the API)


class ReportError(ValueError):
    """A period or scope that cannot be reported on; the message says why."""


@dataclass(frozen=True)
class ReportScope:
    kind: str  # national | province | agency
    code: str  # "" | province unit code ("01") | agency code
    name: str
    agency_ids: frozenset[int] | None  # None: every agency

    @property
    def oversight(self) -> str | None:
        """The scope as the oversight package writes it."""
        return None if self.kind == "national" else f"{self.kind}:{self.code}"

    @property
    def index_level(self) -> str:
        """The units ranked in the report: provinces nationally, agencies inside a province or for one agency."""
        return "province" if self.kind == "national" else "agency"


def parse_scope(text: str | None) -> ReportScope:
    """``national``, ``province:01`` / ``province:H01`` or ``agency:H01.STP`` → :class:`ReportScope`."""
    text = (text or "national").strip()
    if text == "national":
        return ReportScope("national", "", "Cả nước", None)
    kind, _, code = text.partition(":")
    code = code.strip()
    if kind == "province" and code:
        unit_code = code[1:] if code[:1] in "Hh" else code
        unit = (AdministrativeUnit.objects.filter(code=int(unit_code), level="province").first()
                if unit_code.isascii() and unit_code.isdigit() and len(unit_code) <= 4 else None)
        if unit is None:
            raise ReportError(f"No province with code {code!r}.")
        from motcua.oversight.index import unit_agencies

        key = f"{unit.code:02d}"
        return ReportScope("province", key, unit.name, frozenset(unit_agencies("province", key)))
    if kind == "agency" and code:
        agency = Agency.objects.filter(code=code).first()
        if agency is None:
            raise ReportError(f"No agency with code {code!r}.")
        ids = set(Agency.objects.filter(Q(pk=agency.pk) | Q(code__startswith=agency.code + ".")).values_list(
            "pk", flat=True))
        return ReportScope("agency", agency.code, agency.name, frozenset(ids))
    raise ReportError(f"Unknown scope {text!r}: use {SCOPE_HELP}.")


def check_month(period: str) -> None:
    """:class:`ReportError` unless ``period`` is a month written YYYY-MM (checked before a report is queued)."""
    _month(period)


def _month(period: str):
    from motcua.oversight import rules

    try:
        p = rules.parse_period(period)
    except rules.PeriodError as exc:
        raise ReportError(str(exc)) from exc
    if p.kind != "month":
        raise ReportError(f"The monthly report needs a month written YYYY-MM, not {period!r}.")
    return p


def _issuer(scope: ReportScope) -> tuple[str, str, str, str, Signature, list[str]]:
    """(superior body, issuing body, symbol, place, signature, recipients) for the scope (Decree 30/2020 Annex I)."""
    from motcua.steering.services import standing_agency_code, standing_agency_name

    # The national report goes to the Working Group from its standing agency (configuration: roles that moved,
    # docs/law.md; default the Government Office, Announcement 437/TB-VPCP).
    standing_code, standing_name = standing_agency_code(), standing_agency_name()
    if scope.kind == "national":
        signature = (Signature("KT. BỘ TRƯỞNG, CHỦ NHIỆM", "PHÓ CHỦ NHIỆM") if standing_code == "VPCP"
                     else Signature("KT. BỘ TRƯỞNG", "THỨ TRƯỞNG"))
        return ("", standing_name, f"BC-{standing_code}", "Hà Nội", signature,
                ["Thủ tướng Chính phủ (để báo cáo)", "Tổ công tác của Thủ tướng Chính phủ",
                 "Các bộ, cơ quan ngang bộ", "UBND các tỉnh, thành phố trực thuộc trung ương"])
    if scope.kind == "province":
        short = scope.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        return ("", f"Ủy ban nhân dân {scope.name}", "BC-UBND", short,
                Signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
                [f"{standing_name} (cơ quan thường trực Tổ công tác)", "Thường trực Tỉnh ủy, HĐND tỉnh",
                 "Các sở, ban, ngành", "UBND các xã, phường"])
    agency = Agency.objects.select_related("parent").get(code=scope.code)
    superior = agency.parent.name if agency.parent_id else ""
    place = "Hà Nội"
    if agency.parent_id and agency.code.startswith("H"):
        digits = agency.code[1:3]
        unit = (AdministrativeUnit.objects.filter(code=int(digits), level="province").first()
                if digits.isdigit() else None)
        if unit:
            place = unit.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    symbol = "BC-" + agency.code.split(".")[-1]
    return (superior, agency.name, symbol, place, Signature("THỦ TRƯỞNG CƠ QUAN", ""),
            [f"{superior} (để báo cáo)" if superior else "Cơ quan cấp trên (để báo cáo)"])


def _pct(numerator: int, denominator: int) -> str:
    return "N/A" if not denominator else f"{100 * numerator / denominator:.2f}".replace(".", ",") + "%"


def _num(value) -> str:
    return f"{value:,}".replace(",", ".") if isinstance(value, int) else str(value)


def _points(value) -> str:
    return "N/A" if value is None else f"{float(value):.2f}".replace(".", ",")


# Sections -----------------------------------------------------------------------------------------------------------


def _facts(scope: ReportScope):
    from motcua.oversight.models import DossierFact

    qs = DossierFact.objects.all()
    return qs if scope.agency_ids is None else qs.filter(agency_id__in=scope.agency_ids)


def section_dossiers(period, scope: ReportScope) -> Section:
    """Dossiers received, finished on time and late in the month, the last six months as a chart."""
    facts = _facts(scope)
    months = [period]
    for _ in range(5):
        months.insert(0, months[0].previous())
    labels, received, finished, late = [], [], [], []
    for m in months:
        row = facts.aggregate(
            received=Count("pk", filter=Q(received_day__gte=m.start, received_day__lte=m.end)),
            finished=Count("pk", filter=Q(ended_day__gte=m.start, ended_day__lte=m.end)),
            finished_on_time=Count("pk", filter=Q(ended_day__gte=m.start, ended_day__lte=m.end, on_time=True)),
            finished_late=Count("pk", filter=Q(ended_day__gte=m.start, ended_day__lte=m.end, on_time=False)))
        labels.append(f"{m.start.month:02d}/{m.start.year}")
        received.append(row["received"])
        finished.append(row["finished"])
        late.append(row["finished_late"])
        current = row
    open_late = facts.filter(ended_day__isnull=True, late_day__isnull=False, late_day__lte=period.end).count()
    done, on_time, late_n = current["finished"], current["finished_on_time"], current["finished_late"]
    where = scope.name.lower() if scope.kind == "national" else scope.name
    text = (f"Trong {period.label().lower()}, {where} tiếp nhận {_num(current['received'])} hồ sơ; giải quyết xong "
            f"{_num(done)} hồ sơ, trong đó đúng hạn {_num(on_time)} hồ sơ ({_pct(on_time, done)}), trễ hạn "
            f"{_num(late_n)} hồ sơ ({_pct(late_n, done)}); số còn lại không xét đúng, trễ hạn (không được tiếp "
            f"nhận, dừng hoặc rút khi chưa có hạn giải quyết). "
            f"Đến hết tháng còn {_num(open_late)} hồ sơ đang giải quyết đã quá hạn.")
    chart = Chart(title="Hồ sơ tiếp nhận, giải quyết và trễ hạn sáu tháng gần nhất", labels=labels,
                  series={"Tiếp nhận": received, "Giải quyết xong": finished, "Trễ hạn": late}, kind="bar",
                  unit="hồ sơ")
    return Section("I. TÌNH HÌNH TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", [Paragraph(text), chart])


def section_index(period, scope: ReportScope) -> Section:
    """The service index ranking (Decision 766/QĐ-TTg) and the trend of the first units."""
    from motcua.oversight import queries

    table = queries.index_table(period.key, scope.index_level, scope.oversight)
    rows = table["rows"]
    groups = _group_points(table)
    group_of = {i["code"]: i["group"] for i in table["indicators"]}
    headers = ["Hạng", "Đơn vị", *[name for _, name, _ in groups], "Tổng điểm"]
    body = []
    for row in rows[:TOP]:
        by_group = {g: 0.0 for g, _, _ in groups}
        for score in row["scores"]:
            if score.get("points") is not None:
                g = group_of[score["code"]]
                by_group[g] = by_group.get(g, 0.0) + float(score["points"])
        body.append([str(row.get("rank", "")), row.get("name", row["code"]),
                     *[_points(by_group[g]) for g, _, _ in groups], _points(row["total"])])
    blocks: list = []
    if not rows:
        blocks.append(Paragraph("Số liệu chỉ số phục vụ của kỳ này đang được hệ thống tổng hợp (cập nhật 15 phút "
                                "một lần)."))
        return Section("II. CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", blocks)
    best, worst = rows[0], rows[-1]
    blocks.append(Paragraph(
        f"Chỉ số phục vụ người dân, doanh nghiệp trong thực hiện thủ tục hành chính, dịch vụ công "
        f"(Quyết định số 766/QĐ-TTg) {period.label().lower()} của {len(rows)} đơn vị: cao nhất "
        f"{best.get('name', best['code'])} ({_points(best['total'])} điểm), thấp nhất "
        f"{worst.get('name', worst['code'])} ({_points(worst['total'])} điểm)."))
    caption = f"Bảng 1. Xếp hạng chỉ số phục vụ {period.label().lower()}"
    if len(rows) > TOP:
        caption += f" ({TOP} đơn vị đứng đầu trên {len(rows)})"
    blocks.append(Table(headers=headers, rows=body, caption=caption, numeric=set(range(2, len(headers))),
                        widths=[1.2, 5.5, *[1.6] * len(groups), 1.8]))
    codes = [r["code"] for r in rows[:4]]
    trend = queries.trend(period.key, scope.index_level, codes, scope.oversight, n=6)
    names = {r["code"]: r.get("name", r["code"]) for r in rows}
    blocks.append(Chart(title="Tổng điểm chỉ số phục vụ sáu tháng gần nhất", labels=trend["labels"],
                        series={names[c]: trend["series"][c] for c in codes}, unit="điểm"))
    return Section("II. CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP", blocks)


def _group_points(table: dict) -> list[tuple[int, str, float]]:
    """(group, column heading with its maximum, maximum points) of the index's six groups, in order."""
    maxima: dict[int, float] = {}
    for indicator in table["indicators"]:
        maxima[indicator["group"]] = maxima.get(indicator["group"], 0.0) + indicator["max_points"]
    return [(g, f"{SHORT_GROUPS.get(g, g)} ({maxima[g]:g})", maxima[g]) for g in sorted(maxima)]


# Column headings for the six groups of Decision 766 (the full names are in oversight.rules.GROUPS).
SHORT_GROUPS = {1: "Công khai", 2: "Tiến độ", 3: "Trực tuyến", 4: "Thanh toán", 5: "Số hóa", 6: "Hài lòng"}


def section_late(period, scope: ReportScope) -> Section:
    """Late dossiers of the month by procedure and agency, with the steps they were late in (stored bottlenecks)."""
    from motcua.oversight.review.models import Analysis

    facts = _facts(scope).filter(ended_day__gte=period.start, ended_day__lte=period.end, on_time=False)
    worst = list(facts.values("procedure_id", "procedure__code", "agency_id", "agency__name")
                 .annotate(late=Count("pk")).order_by("-late", "procedure__code")[:10])
    blocks: list = []
    if not worst:
        blocks.append(Paragraph("Trong kỳ không có hồ sơ giải quyết trễ hạn."))
        return Section("III. HỒ SƠ TRỄ HẠN VÀ NGUYÊN NHÂN", blocks)
    analyses = {(a.procedure_id, a.agency_id): a.data for a in Analysis.objects.filter(
        kind="bottleneck", procedure_id__in={w["procedure_id"] for w in worst},
        agency_id__in={w["agency_id"] for w in worst})}
    rows = []
    for w in worst:
        data = analyses.get((w["procedure_id"], w["agency_id"])) or {}
        cause = NOT_ANALYSED
        if data.get("attribution"):
            top = data["attribution"][0]
            share = _pct(top["count"], data.get("overdue") or 0)
            cause = f"Bước «{step_name(top['step'])}» ({top['unit']}): {share} số hồ sơ trễ"
        rows.append([w["procedure__code"], w["agency__name"], _num(w["late"]), cause])
    if all(r[3] == NOT_ANALYSED for r in rows):
        # None analysed yet: one sentence instead of the same words in every row, and no empty column.
        blocks.append(Paragraph("Các thủ tục có nhiều hồ sơ trễ hạn nhất trong kỳ. Bước xử lý gây trễ đang được phân "
                                "tích từ nhật ký xử lý hồ sơ (hệ thống phân tích hằng đêm) và sẽ có trong báo cáo lập "
                                "sau đó."))
        blocks.append(Table(headers=["Thủ tục", "Cơ quan", "Hồ sơ trễ"], rows=[r[:3] for r in rows],
                            caption="Bảng 2. Hồ sơ trễ hạn theo thủ tục và cơ quan", numeric={2},
                            widths=[3, 8.6, 3.2]))
        return Section("III. HỒ SƠ TRỄ HẠN VÀ NGUYÊN NHÂN", blocks)
    blocks.append(Paragraph(
        "Các thủ tục có nhiều hồ sơ trễ hạn nhất trong kỳ và bước xử lý gây trễ chủ yếu (theo phân tích nhật ký xử lý "
        "hồ sơ):"))
    blocks.append(Table(headers=["Thủ tục", "Cơ quan", "Hồ sơ trễ", "Nguyên nhân chủ yếu"], rows=rows,
                        caption="Bảng 2. Hồ sơ trễ hạn theo thủ tục và cơ quan", numeric={2},
                        widths=[2.2, 5, 1.6, 6]))
    return Section("III. HỒ SƠ TRỄ HẠN VÀ NGUYÊN NHÂN", blocks)


def section_feedback(period, scope: ReportScope) -> Section:
    """PAKN received in the month: handled on time, satisfaction (Decision 766 group 6), from the stored facts."""
    from motcua.oversight.queries import pakn_figures

    f = pakn_figures(scope.agency_ids, period.key)
    total = f.get("all", 0)
    satisfied = total - f.get("disliked", 0) - f.get("recomplained", 0) - f.get("overdue", 0)
    text = (f"Tiếp nhận {_num(total)} phản ánh, kiến nghị được xử lý; đã trả lời {_num(f.get('handled', 0))}, trong đó "
            f"đúng hạn {_num(f.get('handled_on_time', 0))} ({_pct(f.get('handled_on_time', 0), f.get('handled', 0))}); "
            f"quá hạn {_num(f.get('overdue', 0))}; không tiếp nhận {_num(f.get('refused', 0))}. Tỷ lệ hài lòng về "
            f"xử lý phản ánh, kiến nghị: {_pct(max(satisfied, 0), total)}.")
    rows = [["Tiếp nhận để xử lý", _num(total)], ["Đã trả lời", _num(f.get("handled", 0))],
            ["Trả lời đúng hạn", _num(f.get("handled_on_time", 0))], ["Quá hạn", _num(f.get("overdue", 0))],
            ["Không hài lòng với câu trả lời", _num(f.get("disliked", 0))],
            ["Phản ánh lại", _num(f.get("recomplained", 0))], ["Không tiếp nhận", _num(f.get("refused", 0))]]
    return Section("IV. TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ", [
        Paragraph(text), Table(headers=["Chỉ tiêu", "Số lượng"], rows=rows, numeric={1}, widths=[6, 2],
                               caption="Bảng 3. Phản ánh, kiến nghị trong kỳ")])


def section_obstacles(period, scope: ReportScope) -> Section:
    """Obstacles reported by Advisory Council members: new, resolved, overdue, by sector and agency."""
    from motcua.steering.queries import obstacle_figures

    f = obstacle_figures(period.key)
    by_agency = f.by_agency
    if scope.kind != "national":
        codes = set(Agency.objects.filter(pk__in=scope.agency_ids).values_list("code", flat=True))
        by_agency = [row for row in by_agency if row.get("agency") in codes]
    text = (f"Thành viên Hội đồng tư vấn gửi {_num(f.reports)} báo cáo, nêu {_num(f.new)} vướng mắc mới; "
            f"{_num(f.resolved)} vướng mắc được giải quyết trong kỳ; {_num(f.overdue)} vướng mắc quá hạn xử lý. "
            f"{_num(len(f.members_missing))}/{_num(f.members_expected)} thành viên chưa gửi báo cáo tháng.")
    blocks: list = [Paragraph(text)]
    if f.by_sector:
        blocks.append(Table(
            headers=["Lĩnh vực", "Tổng", "Đang xử lý", "Đã giải quyết", "Quá hạn"],
            rows=[[r["sector"], _num(r["total"]), _num(r["open"]), _num(r["resolved"]), _num(r["overdue"])]
                  for r in f.by_sector[:TOP]],
            numeric={1, 2, 3, 4}, caption="Bảng 4. Vướng mắc theo lĩnh vực", widths=[6, 1.5, 1.8, 2, 1.5]))
    if by_agency:
        blocks.append(Table(
            headers=["Cơ quan được giao", "Tổng", "Đang xử lý", "Đã giải quyết", "Quá hạn"],
            rows=[[r.get("name") or r.get("agency"), _num(r["total"]), _num(r["open"]), _num(r["resolved"]),
                   _num(r["overdue"])] for r in by_agency[:TOP]],
            numeric={1, 2, 3, 4}, caption="Bảng 5. Vướng mắc theo cơ quan được giao", widths=[6, 1.5, 1.8, 2, 1.5]))
    return Section("V. VƯỚNG MẮC DO THÀNH VIÊN HỘI ĐỒNG TƯ VẤN PHẢN ÁNH", blocks)


PROPOSAL_NAMES = {"abolish": "Bãi bỏ", "merge": "Hợp nhất", "simplify": "Đơn giản hóa", "keep": "Giữ nguyên"}


def section_simplification(period, scope: ReportScope) -> Section:
    """Procedures proposed for abolition, merger or simplification (stored review proposals)."""
    from motcua.oversight.review.models import Proposal

    qs = Proposal.objects.exclude(action="keep").select_related("procedure__current_version", "related")
    if scope.agency_ids is not None:
        from motcua.catalog.models import VersionAgency

        procedures = VersionAgency.objects.filter(agency_id__in=scope.agency_ids).values("version__procedure_id")
        qs = qs.filter(procedure_id__in=procedures)
    counts = {row["action"]: row["n"] for row in qs.values("action").annotate(n=Count("pk"))}
    blocks: list = [Paragraph(
        "Kết quả rà soát thủ tục hành chính (không phát sinh hồ sơ trong 36 tháng, trùng lặp, chi phí tuân thủ): đề "
        "xuất " + ", ".join(f"{PROPOSAL_NAMES[a].lower()} {_num(counts.get(a, 0))} thủ tục"
                            for a in ("abolish", "merge", "simplify")) + ".")]
    rows = []
    for p in qs.order_by("action", "procedure__code")[:TOP]:
        reasons = "; ".join(str(r.get("text", r)) if isinstance(r, dict) else str(r) for r in p.reasons[:2])
        version = p.procedure.current_version
        name = version.name if version is not None else p.procedure.code
        rows.append([p.procedure.code, name, PROPOSAL_NAMES.get(p.action, p.action), reasons])
    if rows:
        blocks.append(Table(headers=["Mã", "Thủ tục", "Đề xuất", "Lý do"], rows=rows, widths=[1.8, 6, 1.8, 6],
                            caption="Bảng 6. Thủ tục đề xuất đơn giản hóa"))
    return Section("VI. THỦ TỤC HÀNH CHÍNH ĐỀ XUẤT ĐƠN GIẢN HÓA", blocks)


def section_tasks(period, scope: ReportScope) -> Section:
    """Tasks of the Working Group's directives still open after their deadline at the end of the month."""
    from motcua.steering.queries import overdue_tasks

    as_of = min(period.end, timezone.localdate())
    tasks = overdue_tasks(None if scope.kind == "national" else (scope.code if scope.kind == "agency" else None),
                          as_of)
    if scope.kind == "province":
        codes = set(Agency.objects.filter(pk__in=scope.agency_ids).values_list("code", flat=True))
        tasks = [t for t in tasks if t.agency in codes]
    if not tasks:
        return Section("VII. NHIỆM VỤ ĐƯỢC GIAO QUÁ HẠN", [Paragraph("Không có nhiệm vụ quá hạn đến hết kỳ báo cáo.")])
    rows = [[f"{t.directive}, nhiệm vụ {t.task_number}", t.text, t.agency_name, t.deadline,
             _num(t.days_overdue)] for t in tasks[:TOP]]
    return Section("VII. NHIỆM VỤ ĐƯỢC GIAO QUÁ HẠN", [
        Paragraph(f"Đến {as_of:%d/%m/%Y} còn {_num(len(tasks))} nhiệm vụ quá hạn chưa hoàn thành:"),
        Table(headers=["Văn bản", "Nhiệm vụ", "Cơ quan", "Thời hạn", "Số ngày quá hạn"], rows=rows, numeric={4},
              widths=[2.6, 6, 3.5, 1.8, 1.6], caption="Bảng 7. Nhiệm vụ quá hạn")])


def _share(value) -> str:
    return "N/A" if value is None else f"{float(value):.1f}".replace(".", ",") + "%"


def section_online(period, scope: ReportScope) -> Section:
    """Decree 224/2026 Art. 19(2): the online services' figures (full-online share, online dossiers, automation,
    time, on-time rate, satisfaction) and the proactive services' own (reminders sent, acted on, refused, time from
    the event to the result), from :func:`motcua.proactive.queries.service_figures`."""
    from datetime import timedelta

    from motcua.proactive.queries import service_figures

    title = "VIII. DỊCH VỤ CÔNG TRỰC TUYẾN VÀ DỊCH VỤ CÔNG CHỦ ĐỘNG"
    f = service_figures(period.start, period.end + timedelta(days=1), agency_ids=scope.agency_ids)  # end included
    codes = (None if scope.agency_ids is None else
             set(Agency.objects.filter(pk__in=scope.agency_ids).values_list("code", flat=True)))
    rows = [r for r in f["rows"] if codes is None or r["agency"] in codes]
    proactive = [r for r in f["proactive"] if codes is None or r["agency"] in codes]
    total, online = sum(r["dossiers"] for r in rows), sum(r["online"] for r in rows)
    blocks: list = [Paragraph(
        f"Theo Điều 19 Nghị định 224/2026/NĐ-CP: {_num(f['full_online_services'])}/{_num(f['services'])} thủ tục "
        f"cung cấp dịch vụ công trực tuyến toàn trình ({_share(f['full_online_share'])}); tiếp nhận "
        f"{_num(total)} hồ sơ, trong đó trực tuyến {_num(online)} ({_pct(online, total)}).")]
    if rows:
        top = sorted(rows, key=lambda r: -r["dossiers"])[:TOP]
        blocks.append(Table(
            headers=["Thủ tục", "Cơ quan", "Hồ sơ", "Trực tuyến", "Tự động hóa", "Thời gian (ngày)", "Đúng hạn",
                     "Hài lòng"],
            rows=[[r["procedure"], r["agency"], _num(r["dossiers"]), _share(r["online_share"]),
                   _share(r["automation_share"]), "N/A" if r["mean_days"] is None else _points(r["mean_days"]),
                   _share(r["on_time_share"]), _share(r["satisfaction_share"])] for r in top],
            numeric={2, 3, 4, 5, 6, 7}, widths=[2, 2.4, 1.2, 1.4, 1.4, 1.4, 1.4, 1.4],
            caption="Bảng 8. Chỉ tiêu dịch vụ công trực tuyến theo thủ tục và cơ quan"))
    if proactive:
        blocks.append(Table(
            headers=["Dịch vụ chủ động", "Mức", "Đã nhắc/thực hiện", "Người dân đồng ý", "Từ chối",
                     "Từ sự kiện đến kết quả (ngày)"],
            rows=[[f"{r['trigger']} — {r['name']}", _num(r["level"]), _num(r["sent"]), _num(r["acted"]),
                   _num(r["refused"]), "N/A" if r["event_to_result_days"] is None else
                   _points(r["event_to_result_days"])] for r in proactive],
            numeric={1, 2, 3, 4, 5}, widths=[5, 1, 1.6, 1.6, 1.2, 2],
            caption="Bảng 9. Dịch vụ công chủ động (Điều 19 khoản 2 Nghị định 224/2026/NĐ-CP)"))
    else:
        blocks.append(Paragraph("Trong kỳ không có dịch vụ công chủ động nào được thực hiện."))
    return Section(title, blocks)


SECTIONS: list[tuple[str, Callable]] = [
    ("dossiers", section_dossiers), ("index", section_index), ("late", section_late),
    ("feedback", section_feedback), ("obstacles", section_obstacles), ("simplification", section_simplification),
    ("tasks", section_tasks), ("online", section_online),
]


def build_monthly(period: str, scope: str | None = None, *, today: date | None = None,
                  progress: Callable[[str], None] | None = None) -> Report:
    """The monthly report for ``period`` (YYYY-MM) and ``scope``; ``progress`` is told each finished section."""
    p = _month(period)
    sc = parse_scope(scope)
    superior, issuer, symbol, place, signature, recipients = _issuer(sc)
    from motcua.oversight.queries import facts_status

    status = facts_status()
    refreshed = status.get("refreshed_at") or status.get("rebuilt_at")
    freshness = (f"Số liệu tổng hợp từ hệ thống motcua, cập nhật đến "
                 f"{timezone.localtime(refreshed):%H:%M ngày %d/%m/%Y}." if refreshed else
                 "Số liệu tổng hợp từ hệ thống motcua (bảng số liệu đang được tổng hợp lần đầu).")
    lead = [Paragraph(
        f"Thực hiện Thông báo số 437/TB-VPCP của Văn phòng Chính phủ về kết luận của Tổ công tác cải cách thủ tục "
        f"hành chính của Thủ tướng Chính phủ, {issuer} báo cáo tình hình giải quyết thủ tục hành chính "
        f"{p.label().lower()} như sau:"), Paragraph(freshness, italic=True)]
    sections = []
    for name, builder in SECTIONS:
        sections.append(builder(p, sc))
        if progress:
            progress(name)
    return Report(superior_body=superior, issuing_body=issuer, symbol=symbol, place=place,
                  day=today or timezone.localdate(), kind="BÁO CÁO",
                  summary=f"Tình hình giải quyết thủ tục hành chính {p.label().lower()}"
                          + ("" if sc.kind == "national" else f" — {sc.name}"),
                  sections=sections, recipients=recipients, signature=signature, lead=lead)


def render(report: Report, fmt: str) -> bytes:
    """``docx`` or ``pdf`` bytes of the report."""
    if fmt == "docx":
        from motcua.dossiers.web.forms_docs import find_fonts

        from .render_docx import render_docx

        try:
            font = find_fonts()["regular"]
        except Exception:  # charts fall back to Pillow's own font; the DOCX text is unaffected
            font = None
        return render_docx(report, font)
    if fmt == "pdf":
        from .render_pdf import render_pdf

        return render_pdf(report)
    raise ReportError(f"Unknown format {fmt!r}: docx or pdf.")
