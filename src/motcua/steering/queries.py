"""Reads of the Working Group's follow-up: what each person may see, the consolidated monthly view of obstacles
(:func:`obstacle_figures`), overdue tasks (:func:`overdue_tasks`) and the task overview.

The monthly figures are read from the obstacle fact table (``facts``: each obstacle's state, agency and deadline
span by span) as they stood at the end of the period (or today, for the current month), so a past month's view does
not change when obstacles move on later, and no page replays the events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import Sector
from motcua.core.calendar import TZ
from motcua.units.models import Agency

from . import rules
from .models import Obstacle, ObstacleFact, ObstacleReport, ReportKind, SteeringRole, TaskAssignment
from .rules import Actor, ObstacleState, Period, TaskState
from .services import acting_codes, actor_roles, member_query

UNASSIGNED = "—"


def today() -> date:
    return timezone.now().astimezone(TZ).date()


def _agency_scope_q(codes: set[str], field_name: str) -> Q:
    return Q(**{f"{field_name}__code__in": sorted(codes)})


def visible_obstacles(user) -> QuerySet[Obstacle]:
    """Standing officers and the group leader see every obstacle; a member sees their own; an agency's officers
    see the obstacles currently assigned to it."""
    base = Obstacle.objects.select_related("report__member__user", "procedure__current_version", "legal_document",
                                           "sector", "agency")
    roles = actor_roles(user)
    if roles & {Actor.STANDING, Actor.LEADER}:
        return base
    q = Q(pk__in=[])
    if Actor.MEMBER in roles:
        q |= Q(report__member__user=user)
    codes = acting_codes(user)
    if codes:
        q |= _agency_scope_q(codes, "agency")
    return base.filter(q)


def visible_reports(user) -> QuerySet[ObstacleReport]:
    roles = actor_roles(user)
    base = (ObstacleReport.objects.select_related("member__user").annotate(obstacle_count=Count("obstacles"))
            .order_by("-submitted_at", "-pk"))
    if roles & {Actor.STANDING, Actor.LEADER}:
        return base
    return base.filter(member__user=user)


def visible_assignments(user) -> QuerySet[TaskAssignment]:
    """Standing officers and the leader see every assignment; an agency's officers their agency's."""
    base = TaskAssignment.objects.select_related("task__directive", "agency")
    if actor_roles(user) & {Actor.STANDING, Actor.LEADER}:
        return base
    codes = acting_codes(user)
    return base.filter(_agency_scope_q(codes, "agency")) if codes else base.none()


def own_assignments(user) -> QuerySet[TaskAssignment]:
    """The assignments of the agencies the user acts for (whatever steering role they also hold)."""
    codes = acting_codes(user)
    base = TaskAssignment.objects.select_related("task__directive", "agency")
    return base.filter(_agency_scope_q(codes, "agency")) if codes else base.none()


def is_overdue_obstacle(obstacle: Obstacle, as_of: date | None = None) -> bool:
    as_of = as_of or today()
    return (obstacle.status in rules.RUNNING_OBSTACLE_STATES and obstacle.due_date is not None
            and as_of > obstacle.due_date)


def is_overdue_assignment(assignment: TaskAssignment, as_of: date | None = None) -> bool:
    as_of = as_of or today()
    return assignment.status in rules.OPEN_TASK_STATES and assignment.deadline.is_overdue(as_of)


def overdue_obstacles_q(as_of: date) -> Q:
    return Q(status__in=[s.value for s in rules.RUNNING_OBSTACLE_STATES], due_date__lt=as_of)


def overdue_assignments_q(as_of: date) -> Q:
    return Q(status__in=[s.value for s in rules.OPEN_TASK_STATES], deadline_date__lt=as_of)


# Consolidated monthly view ----------------------------------------------------------------------------------------


def missing_reporters(period: Period) -> list[SteeringRole]:
    """Active council members without a monthly report for ``period`` (an ad hoc report does not replace it)."""
    reported = ObstacleReport.objects.filter(kind=ReportKind.MONTHLY, period=str(period)).values("member_id")
    return list(member_query(period).exclude(pk__in=reported).order_by("organisation", "user__username"))


@dataclass
class ObstacleFigures:
    """The consolidated monthly view of obstacles for the Working Group's leader (issue 5 point 5)."""

    period: str
    as_of: date
    total: int = 0                      # obstacles received up to as_of
    new: int = 0                        # obstacles in the period's reports (monthly and ad hoc)
    resolved: int = 0                   # resolutions confirmed during the period
    overdue: int = 0                    # open on as_of with the deadline passed
    by_status: dict[str, int] = field(default_factory=dict)
    by_sector: list[dict] = field(default_factory=list)   # [{sector, total, open, resolved, overdue}]
    by_agency: list[dict] = field(default_factory=list)   # [{agency, name, total, open, resolved, overdue}]
    reports: int = 0                    # reports received for the period
    members_expected: int = 0
    members_missing: list[dict] = field(default_factory=list)  # [{username, name, organisation, email}]

    def as_dict(self) -> dict:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


def obstacle_figures(period: str | Period, as_of: date | None = None) -> ObstacleFigures:
    """Counts by sector, agency and status; new, resolved and overdue; members who have not reported.

    State, agency and deadline are those at the end of ``as_of`` (default: the period's last day, or today for the
    current month), read from the obstacle fact table (:mod:`motcua.steering.facts`: one span per event), so the
    view of a closed month is stable and no event is replayed here.
    """
    period = period if isinstance(period, Period) else rules.parse_period(period)
    as_of = as_of or min(period.last_day, today())
    cutoff = datetime.combine(as_of + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    start = datetime.combine(period.first_day, datetime.min.time(), tzinfo=TZ)
    figures = ObstacleFigures(period=str(period), as_of=as_of)
    # The span in force at the cutoff: started before it, not ended before it.
    spans = list(ObstacleFact.objects.filter(starts_at__lt=cutoff)
                 .filter(Q(ends_at__isnull=True) | Q(ends_at__gte=cutoff))
                 .values_list("state", "agency_id", "due_date", "sector_id", "report_period"))
    figures.resolved = (ObstacleFact.objects.filter(confirmed=True, starts_at__gte=start, starts_at__lt=cutoff)
                        .values("obstacle_id").distinct().count())
    _count_spans(figures, spans, str(period), as_of)
    figures.reports = ObstacleReport.objects.filter(period=str(period), submitted_at__lt=cutoff).count()
    expected = list(member_query(period))
    figures.members_expected = len(expected)
    figures.members_missing = [{"username": m.user.username, "name": m.user.get_full_name() or m.user.username,
                                "organisation": m.organisation, "email": m.user.email}
                               for m in missing_reporters(period)]
    return figures


def _count_spans(figures: ObstacleFigures, spans: list[tuple], period: str, as_of: date) -> None:
    """Totals, by status, by sector and by agency over the spans in force at the end of ``as_of``."""
    sectors = dict(Sector.objects.filter(pk__in={s[3] for s in spans if s[3]}).values_list("pk", "name"))
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={s[1] for s in spans if s[1]})}
    status_counts: Counter[str] = Counter()
    per_sector: dict[str, Counter] = defaultdict(Counter)
    per_agency: dict[int | None, Counter] = defaultdict(Counter)
    for state, agency_id, due, sector_id, report_period in spans:
        overdue = state in rules.RUNNING_OBSTACLE_STATES and due is not None and as_of > due
        figures.total += 1
        figures.new += report_period == period
        figures.overdue += overdue
        status_counts[state] += 1
        for bucket in (per_sector[sectors.get(sector_id, UNASSIGNED)], per_agency[agency_id]):
            bucket["total"] += 1
            bucket["open"] += state in rules.OPEN_OBSTACLE_STATES
            bucket["resolved"] += state == ObstacleState.RESOLVED
            bucket["overdue"] += overdue
    figures.by_status = {s.value: status_counts.get(s.value, 0) for s in ObstacleState}
    figures.by_sector = [{"sector": name, **{k: c[k] for k in ("total", "open", "resolved", "overdue")}}
                         for name, c in sorted(per_sector.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]
    figures.by_agency = [{"agency": agencies[aid].code if aid else UNASSIGNED,
                          "name": agencies[aid].name if aid else "Chưa giao",
                          **{k: c[k] for k in ("total", "open", "resolved", "overdue")}}
                         for aid, c in sorted(per_agency.items(),
                                              key=lambda kv: (-kv[1]["total"],
                                                              agencies[kv[0]].code if kv[0] else ""))]


# Tasks --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OverdueTask:
    assignment_id: int
    directive: str
    task_number: int
    text: str
    agency: str
    agency_name: str
    status: str
    deadline: str        # as written: "Tháng 10/2023"
    last_day: date
    days_overdue: int    # calendar days since the last day on time

    def as_dict(self) -> dict:
        data = asdict(self)
        data["last_day"] = self.last_day.isoformat()
        return data


def _scope_agencies(scope: Agency | str | None) -> Q:
    if scope is None or scope == "":
        return Q()
    code = scope.code if isinstance(scope, Agency) else str(scope)
    return Q(agency__code=code) | Q(agency__code__startswith=code + ".")


def overdue_tasks(scope: Agency | str | None = None, as_of: date | None = None) -> list[OverdueTask]:
    """Task assignments still open after their deadline, for one agency (and the bodies under it) or all
    (``scope=None``), most overdue first. A month-precision deadline is overdue from the next month's first day."""
    as_of = as_of or today()
    rows = (TaskAssignment.objects.filter(overdue_assignments_q(as_of)).filter(_scope_agencies(scope))
            .select_related("task__directive", "agency").order_by("deadline_date", "agency__code", "pk"))
    return [OverdueTask(a.pk, a.task.directive.number, a.task.number, a.task.text, a.agency.code, a.agency.name,
                        a.status, a.deadline.label, a.deadline_date, (as_of - a.deadline_date).days) for a in rows]


def task_overview(as_of: date | None = None, directive=None) -> list[dict]:
    """Per task: how many agencies it went to and how many are done, in progress, not started, overdue."""
    as_of = as_of or today()
    qs = TaskAssignment.objects.all()
    if directive is not None:
        qs = qs.filter(task__directive=directive)
    counts = (qs.values("task_id").annotate(
        total=Count("pk"),
        done=Count("pk", filter=Q(status=TaskState.DONE)),
        in_progress=Count("pk", filter=Q(status=TaskState.IN_PROGRESS)),
        assigned=Count("pk", filter=Q(status=TaskState.ASSIGNED)),
        cancelled=Count("pk", filter=Q(status=TaskState.CANCELLED)),
        overdue=Count("pk", filter=overdue_assignments_q(as_of))))
    return list(counts)


def agency_overview(as_of: date | None = None) -> list[dict]:
    """Per agency: tasks assigned, done, open, overdue; and obstacles assigned, open, overdue."""
    as_of = as_of or today()
    rows: dict[str, dict] = {}
    for r in (TaskAssignment.objects.values("agency__code", "agency__name").annotate(
            tasks=Count("pk"), done=Count("pk", filter=Q(status=TaskState.DONE)),
            open=Count("pk", filter=Q(status__in=list(rules.OPEN_TASK_STATES))),
            overdue=Count("pk", filter=overdue_assignments_q(as_of)))):
        rows[r["agency__code"]] = {"agency": r["agency__code"], "name": r["agency__name"], "tasks": r["tasks"],
                                   "tasks_done": r["done"], "tasks_open": r["open"], "tasks_overdue": r["overdue"],
                                   "obstacles": 0, "obstacles_open": 0, "obstacles_overdue": 0}
    for r in (Obstacle.objects.filter(agency__isnull=False).values("agency__code", "agency__name").annotate(
            total=Count("pk"), open=Count("pk", filter=Q(status__in=list(rules.OPEN_OBSTACLE_STATES))),
            overdue=Count("pk", filter=overdue_obstacles_q(as_of)))):
        row = rows.setdefault(r["agency__code"], {"agency": r["agency__code"], "name": r["agency__name"], "tasks": 0,
                                                  "tasks_done": 0, "tasks_open": 0, "tasks_overdue": 0})
        row.update(obstacles=r["total"], obstacles_open=r["open"], obstacles_overdue=r["overdue"])
    return sorted(rows.values(), key=lambda r: (-(r["tasks_overdue"] + r["obstacles_overdue"]), r["agency"]))
