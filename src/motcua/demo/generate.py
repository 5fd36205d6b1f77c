"""A realistic dossier history at any scale: ``motcua demo generate`` (issue 3 point 11).

Dossiers across the provinces, communes, agencies and catalog procedures, with what a real history shows:

- **popularity with a heavy tail**: Zipf-like over procedures (commune procedures lead), and about a quarter of the
  procedures with no dossier at all — the ones Announcement 437/TB-VPCP direction 1 asks to review (domain.md §0);
- **seasonality**: a weekday pattern (Monday busiest, weekends online only), fewer dossiers in the Tết weeks and on
  public holidays, a June–July and a December peak, and growth over the years;
- **channels shifting online**: about 45% online in late 2023 to about 85% in late 2026 (DVCQG carried 83% online
  in 2025, domain.md §9);
- supplements (at receipt and during appraisal), refusals (at receipt and after appraisal), withdrawals, stops,
  consultations, payments, apologies (form 04) and satisfaction ratings;
- **bottlenecks**: a few service centres, ministries and communes are slow on one step, so overdue dossiers
  concentrate there.

Every dossier is simulated through the same rules as live handling: each action goes through
:func:`motcua.dossiers.transitions.next_state` and the action's effect of :data:`motcua.dossiers.services.EFFECTS`
(receipt and assignment read from in-memory caches instead of the database, otherwise the same code), the agency's
:class:`~motcua.core.calendar.WorkingCalendar`, and codes from :func:`motcua.dossiers.codes.format_code`, numbered
gap-free per agency and receipt day from the existing counters. Only the writing differs: dossiers and events are
inserted in batches (``bulk_create``), and the day counters are upserted with each batch, in the same transaction,
keeping the larger number so live numbering continues after them.

The law of each dossier's date applies (``motcua.dossiers.lawsets``; docs/law.md): due times follow the rule set in
force on the day of receipt through the live ``legal_due`` — after 15:00 the next working day for dossiers received
before 1/7/2025 (history), the day of receipt not counted whatever the hour from 1/7/2025 (Decree 118/2025
Art. 17(3), 18(2)) except for limits whose own law or channel setting moves the start — and a second supplement
request during appraisal is generated only for dossiers received before 1/7/2025 (from then on one request listing
everything at once, Art. 16(3), 17(2)(a), 19(5)). A history spanning 1/7/2025 exercises both. No per-dossier query:
the rule set is chosen in memory.

Deterministic: the same database content, arguments and seed give the same codes, states and events
(``random.Random(seed)``, reference data read in a fixed order, no wall clock). Events after ``end`` are not written:
dossiers still open then stay in their state, like a live system at that moment.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.chain import GENESIS, link_hash
from motcua.dossiers import lawsets, rules
from motcua.dossiers.codes import format_code
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent, event_chain_content
from motcua.dossiers.services import EFFECTS, Context, start_legal_clock
from motcua.dossiers.transitions import Action, State, next_state

DEFAULT_START = date(2023, 11, 1)


def default_end() -> date:
    """Today in Vietnam (Asia/Ho_Chi_Minh): the default last day, so that a fresh history ends now and the demo
    queues hold open dossiers. Pass an explicit end for reproducible data (same seed, start and end, same data)."""
    return timezone.now().astimezone(TZ).date()


GENERATED_KEY = "_demo_history"  # in form_data: marks a generated dossier (value: the seed)
BATCH_SIZE = 2000

# Shares and rates of the model (per dossier unless said otherwise).
DORMANT_SHARE = 0.25          # procedures that receive nothing in the period (Announcement 437 direction 1)
ZIPF_EXPONENT = 1.1
REFUSE_AT_RECEIPT = 0.025
SUPPLEMENT_AT_RECEIPT = 0.06
SUPPLEMENT_IN_APPRAISAL = 0.07
SECOND_SUPPLEMENT = 0.15      # of appraisal supplements: another request once the first is answered
CONSULTATION = 0.05
PAYMENT_WHEN_FEE = 0.6
REFUSE_AFTER_APPRAISAL = 0.03
WITHDRAW_IN_PROCESSING = 0.012
APOLOGY_WHEN_LATE = 0.45
RATING_SHARE = 0.4
POSTAL_SHARE = 0.04

OFFICE_DAY = 8 * 3600  # seconds of office time in a default working day
# The demo officers' agencies (demo.accounts.OFFICER_AGENCIES) get a realistic open queue: besides their share of the
# history, a few dossiers each working day of the last two weeks, handled by the same simulation (those not finished
# by the end stay open). Part of the requested total, and only for histories of at least RECENT_MIN_TOTAL dossiers
# (small test histories keep their plain shape).
RECENT_WORKING_DAYS = 10
RECENT_PER_AGENCY_DAY = 3
RECENT_MIN_TOTAL = 2000
TET_NAMES = "Lunar New Year"  # the holidays package's names of the Tết days


class GenerationRefused(RuntimeError):
    """Demo data is never generated in production."""


# Reference data ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureRef:
    id: int
    code: str
    version_id: int
    levels: tuple[str, ...]
    province_code: int | None  # a province's localised copy receives only there
    # kind → the first channel's time limit (amount, unit, the 15:00 setting: catalog.Channel.cutoff_moves_start)
    channels: dict[str, tuple[Decimal | None, str, bool | None]]
    fee: bool
    ministry_agency_id: int | None
    documents: tuple[str, ...]
    steps: tuple[rules.StepSpec, ...]


@dataclass(frozen=True)
class AgencyRef:
    id: int
    code: str
    kind: str
    level: str
    province_code: int | None
    address: str


@dataclass
class Reference:
    procedures: list[ProcedureRef]
    agencies: dict[int, AgencyRef]
    communes_by_province: dict[int, list[int]]
    departments_by_province: dict[int, list[int]]
    centre_by_province: dict[int, int]
    ministries: list[int]
    province_names: dict[int, str]
    calendars: dict[int, WorkingCalendar]
    default_calendar: WorkingCalendar
    actors: dict[tuple[int, str], tuple[int, str]]  # (agency id, role) → (user id, username) of demo officers
    citizens: list[tuple[int, str, str, str, int]]  # (user id, personal id, name, phone, province code)

    def calendar(self, agency_id: int) -> WorkingCalendar:
        return self.calendars.get(agency_id, self.default_calendar)


def _province_of(code: str) -> int | None:
    if code.startswith("H") and code[1:3].isdigit():
        return int(code[1:3])
    return None


def load_reference() -> Reference:
    """Everything the model needs from the database, read once, in a fixed order."""
    default_calendar = WorkingCalendar.from_db()
    procedures = _procedure_refs(default_calendar)
    agencies, communes, departments, centres, ministries, province_names = _agency_refs()
    calendars = _agency_calendars(default_calendar)
    actors, citizens = _demo_actors(agencies), _demo_citizens()
    return Reference(procedures, agencies, communes, departments, centres, ministries, province_names, calendars,
                     default_calendar, actors, citizens)


def _procedure_refs(default_calendar: WorkingCalendar) -> list[ProcedureRef]:
    """The published procedures by code: channels (first of each kind), fee, ministry, up to six documents, steps."""
    from motcua.catalog.models import Channel, Fee, Procedure, RequiredDocument, VersionAgency, VersionStatus
    from motcua.dossiers.models import ProcessDefinition
    from motcua.dossiers.services import process_for

    rows = list(Procedure.objects.filter(current_version__status=VersionStatus.PUBLISHED).order_by("code")
                .values_list("id", "code", "current_version_id", "current_version__levels", "province__code"))
    version_ids = [r[2] for r in rows]
    channels: dict[int, dict[str, tuple[Decimal | None, str, bool | None]]] = {}
    for version_id, kind, amount, unit, cutoff in (Channel.objects.filter(version_id__in=version_ids)
                                                   .order_by("version_id", "position", "id")
                                                   .values_list("version_id", "kind", "time_limit_amount",
                                                                "time_limit_unit", "cutoff_moves_start")):
        channels.setdefault(version_id, {}).setdefault(kind, (amount, unit or "", cutoff))
    with_fee = set(Fee.objects.filter(channel__version_id__in=version_ids, amount_vnd__gt=0)
                   .values_list("channel__version_id", flat=True))
    ministry_of: dict[int, int] = {}
    for version_id, agency_id in (VersionAgency.objects.filter(version_id__in=version_ids, agency__level="ministry",
                                                               role__in=("competent", "implementing"))
                                  .order_by("version_id", "role", "position").values_list("version_id", "agency_id")):
        ministry_of.setdefault(version_id, agency_id)
    documents: dict[int, list[str]] = {}
    for version_id, name in (RequiredDocument.objects.filter(version_id__in=version_ids)
                             .order_by("version_id", "position").values_list("version_id", "name")):
        names = documents.setdefault(version_id, [])
        if len(names) < 6:
            names.append(name[:200])
    defined = set(ProcessDefinition.objects.values_list("procedure_id", flat=True))
    procedures = []
    for pid, code, version_id, levels, province_code in rows:
        steps = rules.DEFAULT_STEPS
        if pid in defined:
            steps = process_for(Procedure.objects.get(pk=pid), default_calendar)
        procedures.append(ProcedureRef(
            id=pid, code=code, version_id=version_id,
            levels=tuple(lv for lv in (levels or "").split(",") if lv),
            province_code=province_code, channels=channels.get(version_id, {}), fee=version_id in with_fee,
            ministry_agency_id=ministry_of.get(version_id),
            documents=tuple(documents.get(version_id, ())), steps=steps))
    return procedures


def _agency_refs() -> tuple[dict[int, AgencyRef], dict[int, list[int]], dict[int, list[int]], dict[int, int],
                            list[int], dict[str, str]]:
    """Every agency with its address, grouped: communes, departments and the service centre of each province, the
    ministries; and the provinces' names."""
    from motcua.units.models import AdministrativeUnit, Agency

    units = {u.id: u for u in AdministrativeUnit.objects.order_by("id")}
    province_names = {u.code: u.name for u in units.values() if u.level == "province"}
    agencies: dict[int, AgencyRef] = {}
    communes: dict[int, list[int]] = {}
    departments: dict[int, list[int]] = {}
    centres: dict[int, int] = {}
    ministries: list[int] = []
    for agency in Agency.objects.order_by("code"):
        province = _province_of(agency.code)
        unit = units.get(agency.unit_id)
        address = unit.name if unit else ""
        if unit is not None and unit.province_id and units.get(unit.province_id):
            address = f"{unit.name}, {units[unit.province_id].name}"
        agencies[agency.id] = AgencyRef(agency.id, agency.code, agency.kind, agency.level, province, address)
        if agency.kind == "commune_committee" and province is not None:
            communes.setdefault(province, []).append(agency.id)
        elif agency.kind == "department" and province is not None:
            departments.setdefault(province, []).append(agency.id)
        elif agency.kind == "service_centre" and province is not None:
            centres[province] = agency.id
        elif agency.level == "ministry":
            ministries.append(agency.id)
    return agencies, communes, departments, centres, ministries, province_names


def _agency_calendars(default_calendar: WorkingCalendar) -> dict[int, WorkingCalendar]:
    """Agencies with their own calendar exceptions or office hours get their own calendar (as from_db would)."""
    from motcua.core.models import CalendarException
    from motcua.units.models import Agency

    own = set(CalendarException.objects.filter(agency__isnull=False).values_list("agency_id", flat=True))
    calendars: dict[int, WorkingCalendar] = {}
    for agency in Agency.objects.order_by("id"):
        if agency.id in own or agency.office_hours() != default_calendar.hours:
            calendars[agency.id] = WorkingCalendar.from_db(agency)
    return calendars


def _demo_actors(agencies: dict[int, AgencyRef]) -> dict[tuple[int, str], tuple[int, str]]:
    """(agency id, role) → (user id, user name) of the demo officers who hold that role there."""
    from django.contrib.auth import get_user_model

    from motcua.units.models import Membership

    from .accounts import OFFICER_AGENCIES, OFFICER_ROLES, officer_username

    by_code = {a.code: a.id for a in agencies.values()}
    usernames = {officer_username(code, role): (by_code.get(code), role)
                 for code in OFFICER_AGENCIES for role in OFFICER_ROLES}
    actors: dict[tuple[int, str], tuple[int, str]] = {}
    for user_id, username in get_user_model().objects.filter(username__in=sorted(usernames)).order_by(
            "username").values_list("id", "username"):
        agency_id, role = usernames[username]
        if agency_id is not None and Membership.objects.filter(user_id=user_id, agency_id=agency_id).exists():
            actors[(agency_id, role)] = (user_id, username)
    return actors


def _demo_citizens() -> list[tuple]:
    """(user id, personal ID, full name, phone, province code) of the demo citizens present."""
    from django.contrib.auth import get_user_model

    from .accounts import DEMO_CITIZENS

    present = dict(get_user_model().objects.filter(username__in=[c.personal_id for c in DEMO_CITIZENS])
                   .values_list("username", "id"))
    return [(present[c.personal_id], c.personal_id, c.full_name, c.phone, c.province_code)
            for c in DEMO_CITIZENS if c.personal_id in present]


# Pure parts of the model -------------------------------------------------------------------------------------------


def tet_window(year: int) -> tuple[date, date]:
    """The Tết weeks of a (solar) year: from 7 days before the first Tết holiday to 7 days after the last."""
    import holidays

    days = sorted(d for d, name in holidays.country_holidays("VN", years=year).items() if TET_NAMES in name)
    if not days:
        raise ValueError(f"No Tết holidays known in {year}.")
    return days[0] - timedelta(days=7), days[-1] + timedelta(days=7)


WEEKDAY_FACTOR = (1.25, 1.1, 1.05, 1.0, 0.9, 0.12, 0.06)  # Monday … Sunday (weekends: online only)
MONTH_FACTOR = (1.0, 0.95, 1.05, 1.0, 1.0, 1.1, 1.12, 1.05, 1.0, 1.0, 1.05, 1.15)


def day_weight(d: date, calendar: WorkingCalendar, tet: tuple[date, date] | None) -> float:
    """Relative number of submissions on ``d``: weekday, month, holidays and the Tết dip, growth of 12% a year."""
    weekday = d.weekday()
    working = calendar.is_working_day(d)
    if working:
        weight = WEEKDAY_FACTOR[weekday] if weekday < 5 else 1.0  # a make-up Saturday is a working day
    else:
        weight = 0.08 if weekday < 5 else WEEKDAY_FACTOR[weekday]  # a public holiday: online trickle
    weight *= MONTH_FACTOR[d.month - 1]
    if tet is not None and tet[0] <= d <= tet[1]:
        weight *= 0.4  # the Tết weeks: offices wind down before and restart slowly after
    growth = (d - DEFAULT_START).days / 365.0
    return weight * (1.12 ** growth)


def online_share(d: date) -> float:
    """Share of working-day submissions made online: 45% in November 2023 rising to about 85% by late 2026."""
    return min(0.92, max(0.3, 0.45 + 0.40 * (d - DEFAULT_START).days / 1095.0))


ONLINE_HOUR_WEIGHTS = (1, 0.5, 0.3, 0.2, 0.3, 1, 3, 6, 10, 11, 10, 8, 5, 6, 9, 10, 9, 7, 5, 5, 6, 6, 4, 2)
ONLINE_HOUR_CUM = [sum(ONLINE_HOUR_WEIGHTS[: i + 1]) for i in range(24)]

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý")
FAMILY_CUM = list(itertools.accumulate((38, 11, 9.5, 7, 5, 5, 4.5, 4, 4, 2, 2, 1.5, 1.3, 1.3, 1, 0.5)))
MIDDLE_M = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Công", "Thành", "Xuân")
MIDDLE_F = ("Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim", "Phương", "Hồng")
GIVEN_M = ("An", "Bình", "Cường", "Dũng", "Hùng", "Khang", "Long", "Minh", "Nam", "Phúc", "Quân", "Sơn", "Thắng",
           "Trung", "Tuấn", "Việt")
GIVEN_F = ("Anh", "Chi", "Dung", "Giang", "Hà", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung", "Phương", "Thảo",
           "Trang", "Uyên", "Yến")
BUSINESS = ("Công ty TNHH", "Công ty cổ phần", "Hợp tác xã", "Doanh nghiệp tư nhân")
TRADE = ("Thương mại Hòa Bình", "Xây dựng Minh Phát", "Dịch vụ Sao Mai", "Nông sản Việt", "Vận tải Thành Công",
         "Công nghệ An Khang", "Du lịch Biển Xanh", "Thực phẩm Hồng Hà")
REFUSAL_AT_RECEIPT = ("Hồ sơ không thuộc thẩm quyền giải quyết của cơ quan.",
                      "Người nộp không thuộc đối tượng thực hiện thủ tục.")
REFUSAL_AFTER_APPRAISAL = ("Không đáp ứng điều kiện theo quy định.", "Kết quả xác minh không phù hợp với hồ sơ.")
APOLOGY_REASONS = ("Hồ sơ cần xác minh thêm tại cơ quan liên quan.", "Khối lượng hồ sơ tăng đột biến.",
                   "Chờ ý kiến của cơ quan phối hợp.")
CONSULTED_UNITS = ("Sở Tư pháp", "Sở Tài chính", "Công an tỉnh", "Sở Nông nghiệp và Môi trường", "Sở Xây dựng",
                   "Bảo hiểm xã hội tỉnh")
GENERIC_MISSING = ("Bản sao giấy tờ chứng minh nhân thân", "Tờ khai theo mẫu (bản chính)",
                   "Giấy ủy quyền có chứng thực")


@dataclass
class Model:
    """The seeded choices: procedure popularity, where dossiers go, bottlenecks. Built from the reference data."""

    ref: Reference
    rng: random.Random
    cum_all: list[float] = field(default_factory=list)
    cum_online: list[float] = field(default_factory=list)
    active: list[ProcedureRef] = field(default_factory=list)
    online_active: list[ProcedureRef] = field(default_factory=list)
    province_codes: list[int] = field(default_factory=list)
    province_cum: list[float] = field(default_factory=list)
    bottlenecks: dict[tuple[int, str], float] = field(default_factory=dict)
    dormant: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, ref: Reference, rng: random.Random) -> Model:
        model = cls(ref, rng)
        boost = {"commune": 3.0, "province": 2.0, "ministry": 0.6}
        eligible = [p for p in ref.procedures if p.channels and p.levels]
        # Rank: a random score, boosted for the levels citizens meet most (commune, then province).
        ranked = sorted(eligible, key=lambda p: (-rng.random() * max(boost.get(lv, 1.0) for lv in p.levels), p.code))
        cut = max(1, round(len(ranked) * (1 - DORMANT_SHARE))) if len(ranked) > 3 else len(ranked)
        model.active = ranked[:cut]
        model.dormant = sorted(p.code for p in ranked[cut:])
        weights = [1.0 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(model.active))]
        model.cum_all = list(itertools.accumulate(weights))
        online = [(p, w) for p, w in zip(model.active, weights, strict=True) if "online" in p.channels]
        model.online_active = [p for p, _ in online]
        model.cum_online = list(itertools.accumulate(w for _, w in online))
        # Provinces weighted by their number of communes, the two big cities twice as busy.
        provinces = sorted(ref.communes_by_province)
        model.province_codes = provinces
        model.province_cum = list(itertools.accumulate(
            len(ref.communes_by_province[p]) * (2.0 if p in (1, 79) else 1.0) for p in provinces))
        # Bottlenecks: a few service centres and communes slow at appraisal, a few ministries slow at approval.
        centres = [ref.centre_by_province[p] for p in sorted(ref.centre_by_province)]
        for agency_id in rng.sample(centres, min(3, len(centres))):
            model.bottlenecks[(agency_id, "appraise")] = 2.2 + rng.random()
        for agency_id in rng.sample(ref.ministries, min(2, len(ref.ministries))):
            model.bottlenecks[(agency_id, "approve")] = 3.0 + rng.random()
        all_communes = [a for p in provinces for a in ref.communes_by_province[p]]
        for agency_id in rng.sample(all_communes, len(all_communes) // 25):
            model.bottlenecks[(agency_id, "appraise")] = 2.0 + rng.random()
        return model

    def procedure(self, online_only: bool) -> ProcedureRef | None:
        if online_only:
            if not self.online_active:
                return None
            return self.online_active[bisect.bisect_left(self.cum_online, self.rng.random() * self.cum_online[-1])]
        return self.active[bisect.bisect_left(self.cum_all, self.rng.random() * self.cum_all[-1])]

    def province(self) -> int:
        return self.province_codes[bisect.bisect_left(self.province_cum, self.rng.random() * self.province_cum[-1])]

    def agency(self, p: ProcedureRef) -> int | None:
        """The receiving agency: a commune committee, the province's service centre (or a department), a ministry."""
        rng, ref = self.rng, self.ref
        weights = {"commune": 3.0, "province": 2.0, "ministry": 1.0}
        levels = list(p.levels)
        total = sum(weights.get(lv, 1.0) for lv in levels)
        pick, level = rng.random() * total, levels[-1]
        for lv in levels:
            pick -= weights.get(lv, 1.0)
            if pick <= 0:
                level = lv
                break
        if level == "ministry":
            if p.ministry_agency_id is not None:
                return p.ministry_agency_id
            if not ref.ministries:
                return None
            return ref.ministries[sum(map(ord, p.code)) % len(ref.ministries)]  # stable per procedure
        province = p.province_code if p.province_code in ref.communes_by_province else self.province()
        if level == "commune":
            communes = ref.communes_by_province.get(province) or []
            # Busier communes first in code order (a mild skew: density ∝ x^-0.4).
            return communes[int(len(communes) * rng.random() ** 1.6)] if communes else None
        # Decree 118/2025: the provincial service centre receives most of the province's dossiers.
        departments = ref.departments_by_province.get(province) or []
        if departments and rng.random() < 0.12:
            return departments[rng.randrange(len(departments))]
        return ref.centre_by_province.get(province)

    def duration_factor(self, agency_id: int, step: str, at: date) -> float:
        """How much of its budget a step takes: usually well within it; much more at a bottleneck. Handling gets a
        little faster over the years."""
        trend = 1.1 - 0.2 * min(1.0, max(0.0, (at - DEFAULT_START).days / 1095.0))
        return math.exp(self.rng.gauss(math.log(0.5), 0.5)) * trend * self.bottlenecks.get((agency_id, step), 1.0)


# Simulating one dossier ----------------------------------------------------------------------------------------------


class EventRow(NamedTuple):
    """A DossierEvent's values (plain tuples: far cheaper than model instances at a million dossiers)."""

    seq: int
    actor_id: int | None
    role: str
    at: datetime
    action: str
    from_state: str
    to_state: str
    step: str
    reason: str
    data: dict


EVENT_COLUMNS = ("dossier_id", *EventRow._fields, "prev_hash", "hash")


class _Cut(Exception):
    """The next event is after the end of the period: the dossier stays as it is."""


class Simulation:
    """One dossier handled through the live transition table and effects, in memory."""

    def __init__(self, dossier: Dossier, calendar: WorkingCalendar, end: datetime, procedure: ProcedureRef,
                 actors: dict[str, tuple[int, str]]) -> None:
        self.d, self.calendar, self.end, self.procedure, self.actors = dossier, calendar, end, procedure, actors
        self.events: list[EventRow] = []
        self.t = dossier.submitted_at

    def submit(self, role: str) -> None:
        d = self.d
        target = next_state(State.NEW, Action.SUBMIT, role)
        d.set_state(target)
        self.events.append(EventRow(1, d.applicant_user_id if role == "applicant" else self._actor(role), role,
                                    d.submitted_at, str(Action.SUBMIT), str(State.NEW), target, "", "",
                                    {"channel": d.channel}))

    def _actor(self, role: str) -> int | None:
        found = self.actors.get(role)
        return found[0] if found else None

    def do(self, action: str, role: str, at: datetime, *, reason: str = "", data: dict | None = None) -> None:
        """Like :func:`motcua.dossiers.services.act`: the table, then the action's effect, then one event."""
        if at > self.end:
            raise _Cut
        at = max(at, self.t)
        d = self.d
        data = dict(data or {})
        source = d.state
        target = next_state(source, action, role)
        ctx = Context(dossier=d, action=action, source=source, target=target, actor=None, role=role, at=at,
                      reason=reason, data=data, calendar=self.calendar)
        if action == Action.RECEIVE:
            self._receive(ctx)
        elif action == Action.ASSIGN:
            self._assign(ctx)
        else:
            EFFECTS[Action(action)](ctx)
        d.set_state(target)
        d.version += 1
        event_data = {**{k: v for k, v in data.items() if k not in ctx.event_data}, **ctx.event_data}
        actor = d.applicant_user_id if role == "applicant" else self._actor(role)
        self.events.append(EventRow(d.version, actor, role, at, action, source, target, ctx.step, reason,
                                    event_data))
        self.t = at

    def _receive(self, ctx: Context) -> None:
        """``services.receive`` with the channel's time limit and the process from the in-memory catalog."""
        d = ctx.dossier
        amount, unit, cutoff = self.procedure.channels.get(d.channel, (None, "", None))
        d.time_limit_amount, d.time_limit_unit, d.time_limit_cutoff_moves_start = amount, unit, cutoff
        d.received_at = ctx.at
        start_legal_clock(ctx, ctx.at)
        d.index_due_at = d.due_at
        d.steps = rules.plan_steps(self.procedure.steps, ctx.at, d.due_at, ctx.calendar)
        d.current_step = 1 if d.steps and d.steps[0]["key"] == "receive" else 0
        d.step_started_at = rules.clock_start(ctx.calendar, ctx.at)
        ctx.step = d.steps[0]["key"] if d.current_step else ""
        d.missing_items = []

    def _assign(self, ctx: Context) -> None:
        handler = self.actors.get("specialist")
        if handler:
            ctx.dossier.assigned_to_id = handler[0]
            ctx.event_data["assignee"] = handler[1]

    # Time helpers
    def work(self, seconds: float) -> datetime:
        """``seconds`` of office time after the last event (at least a minute)."""
        return rules.add_working_time(self.calendar, self.t, timedelta(seconds=max(60, int(seconds))))

    def later(self, days: float) -> datetime:
        return self.t + timedelta(seconds=max(60, int(days * 86400)))


class Generator:
    """Plans dossiers day by day, simulates them, and hands them to a writer in batches."""

    def __init__(self, ref: Reference, seed: int, start: date, end: date) -> None:
        self.ref, self.seed, self.start, self.end = ref, seed, start, end
        self.rng = random.Random(seed)
        self.model = Model.build(ref, self.rng)
        self.end_at = datetime.combine(end, time(23, 59, 59), tzinfo=TZ)
        self.calendar = ref.default_calendar
        self.rating_field = _rating_field()
        self._pools: dict[int, list[ProcedureRef]] = {}

    def day_counts(self, n: int) -> list[tuple[date, int]]:
        """How many dossiers are submitted on each day of the period (a multinomial draw over the day weights)."""
        days, weights = [], []
        d = self.start
        tets: dict[int, tuple[date, date]] = {}
        while d <= self.end:
            if d.year not in tets:
                tets[d.year] = tet_window(d.year)
            days.append(d)
            weights.append(day_weight(d, self.calendar, tets[d.year]))
            d += timedelta(days=1)
        cum = list(itertools.accumulate(weights))
        counts = [0] * len(days)
        total, rng = cum[-1], self.rng
        for _ in range(n):
            counts[bisect.bisect_left(cum, rng.random() * total)] += 1
        return [(day, c) for day, c in zip(days, counts, strict=True) if c]

    def recent_intake(self, n: int) -> dict[date, list[int]]:
        """The extra dossiers of the demo officers' agencies: working day → agency ids (one per dossier)."""
        from .accounts import OFFICER_AGENCIES

        if n < RECENT_MIN_TOTAL:
            return {}
        by_code = {a.code: a.id for a in self.ref.agencies.values()}
        agencies = [by_code[c] for c in OFFICER_AGENCIES if c in by_code and self._pool(by_code[c])]
        days: list[date] = []
        d = self.end
        while len(days) < RECENT_WORKING_DAYS and d >= self.start:
            if self.calendar.is_working_day(d):
                days.append(d)
            d -= timedelta(days=1)
        return {day: [a for a in agencies for _ in range(RECENT_PER_AGENCY_DAY)] for day in sorted(days)}

    def _pool(self, agency_id: int) -> list[ProcedureRef]:
        """The active procedures the agency receives (by its level and province, or as the ministry), in popularity
        order."""
        pools = self._pools
        if agency_id not in pools:
            ref, agency = self.ref, self.ref.agencies[agency_id]
            if agency_id in ref.ministries:
                pool = [p for p in self.model.active if "ministry" in p.levels
                        and p.ministry_agency_id in (None, agency_id)]
            else:
                communes = {a for ids in ref.communes_by_province.values() for a in ids}
                level = "commune" if agency_id in communes else "province"
                pool = [p for p in self.model.active if level in p.levels
                        and p.province_code in (None, agency.province_code)]
            pools[agency_id] = pool
        return pools[agency_id]

    def _plan_at(self, day: date, agency_id: int) -> tuple[datetime, ProcedureRef, int, str] | None:
        """A dossier of the recent intake: a popular procedure of the agency (Zipf over its pool)."""
        pool = self._pool(agency_id)
        if not pool:
            return None
        rank = min(len(pool) - 1, int(len(pool) * self.rng.random() ** 3))
        return self._plan(day, True, procedure=pool[rank], agency_id=agency_id)

    def dossiers(self, n: int, existing_last: Callable[[date], dict[int, int]]) -> Iterator[tuple[Dossier,
                                                                                                  list[EventRow]]]:
        """Every dossier with its events, in order of submission. ``existing_last(day)`` gives the counters already
        in the database for that day (agency id → last number), so numbering continues after them."""
        recent = self.recent_intake(n)
        extra = sum(len(ids) for ids in recent.values())
        counts = dict(self.day_counts(n - extra))
        for day in recent:
            counts.setdefault(day, 0)
        for day in sorted(counts):
            count = counts[day]
            working = self.calendar.is_working_day(day)
            planned = []
            for _ in range(count):
                spec = self._plan(day, working)
                if spec is not None:
                    planned.append(spec)
            for agency_id in recent.get(day, ()):
                spec = self._plan_at(day, agency_id)
                if spec is not None:
                    planned.append(spec)
            planned.sort(key=lambda s: s[0])
            last = dict(existing_last(day)) if planned else {}
            for at, procedure, agency_id, channel in planned:
                sequence = last.get(agency_id, 0) + 1
                last[agency_id] = sequence
                code = format_code(self.ref.agencies[agency_id].code, day, sequence)
                yield self._simulate(code, at, procedure, agency_id, channel)

    def _plan(self, day: date, working: bool, *, procedure: ProcedureRef | None = None,
              agency_id: int | None = None) -> tuple[datetime, ProcedureRef, int, str] | None:
        rng, model = self.rng, self.model
        if procedure is None:
            procedure = model.procedure(online_only=not working)
            if procedure is None:
                return None
            agency_id = model.agency(procedure)
        if agency_id is None:
            return None
        offered = procedure.channels
        if not working or ("online" in offered and rng.random() < online_share(day)):
            channel = "online"
        elif "postal" in offered and rng.random() < POSTAL_SHARE:
            channel = "postal"
        elif "in_person" in offered:
            channel = "in_person"
        else:
            channel = sorted(offered)[0]
        if channel == "online":
            hour = bisect.bisect_left(ONLINE_HOUR_CUM, rng.random() * ONLINE_HOUR_CUM[-1])
            moment = datetime.combine(day, time(hour), tzinfo=TZ) + timedelta(seconds=rng.randrange(3600))
        else:
            periods = self.ref.calendar(agency_id).hours.periods
            opens, closes = periods[0] if rng.random() < 0.6 or len(periods) == 1 else periods[1]
            span = (datetime.combine(day, closes) - datetime.combine(day, opens)).seconds
            moment = datetime.combine(day, opens, tzinfo=TZ) + timedelta(seconds=rng.randrange(max(1, span - 600)))
        return moment, procedure, agency_id, channel

    def _applicant(self, agency: AgencyRef, channel: str) -> dict:
        rng = self.rng
        if channel == "online" and self.ref.citizens and rng.random() < 0.004:
            user_id, pid, name, phone, _ = self.ref.citizens[rng.randrange(len(self.ref.citizens))]
            return {"applicant_kind": "citizen", "applicant_personal_id": pid, "applicant_name": name,
                    "applicant_phone": phone, "applicant_address": agency.address, "applicant_user_id": user_id}
        phone = f"09{rng.randrange(10**8):08d}"
        if agency.level != "commune" and rng.random() < 0.15:
            name = f"{BUSINESS[rng.randrange(len(BUSINESS))]} {TRADE[rng.randrange(len(TRADE))]}"
            province = agency.province_code or 1
            code = f"{province:02d}{rng.randrange(10**8):08d}"  # 10 digits, the province's registration prefix
            return {"applicant_kind": "business", "applicant_enterprise_code": code, "applicant_name": name,
                    "applicant_phone": phone, "applicant_address": agency.address}
        province = agency.province_code if agency.province_code and rng.random() < 0.85 else self.model.province()
        year = rng.randint(1945, 2007)
        female = rng.random() < 0.5
        century = (year // 100 - 19) * 2 + female
        pid = f"{province:03d}{century}{year % 100:02d}{rng.randrange(10**6):06d}"
        family = FAMILY[bisect.bisect_left(FAMILY_CUM, rng.random() * FAMILY_CUM[-1])]
        middle = (MIDDLE_F if female else MIDDLE_M)[rng.randrange(8)]
        given = (GIVEN_F if female else GIVEN_M)[rng.randrange(16)]
        return {"applicant_kind": "citizen", "applicant_personal_id": pid,
                "applicant_name": f"{family} {middle} {given}", "applicant_phone": phone,
                "applicant_address": agency.address}

    def _missing(self, procedure: ProcedureRef) -> list[str]:
        pool = list(procedure.documents) or list(GENERIC_MISSING)
        return self.rng.sample(pool, min(len(pool), 1 + (self.rng.random() < 0.3)))

    def _simulate(self, code: str, at: datetime, procedure: ProcedureRef, agency_id: int,
                  channel: str) -> tuple[Dossier, list[EventRow]]:
        agency = self.ref.agencies[agency_id]
        d = Dossier(code=code, procedure_id=procedure.id, procedure_version_id=procedure.version_id,
                    agency_id=agency_id, channel=channel, submitted_at=at, version=1,
                    form_data={GENERATED_KEY: self.seed}, **self._applicant(agency, channel))
        actors = {role: v for (a, role), v in self.ref.actors.items() if a == agency_id}
        sim = Simulation(d, self.ref.calendar(agency_id), self.end_at, procedure, actors)
        applicant_role = "applicant" if channel == "online" else "desk_officer"
        sim.submit(applicant_role)
        with contextlib.suppress(_Cut):
            self._handle(sim, procedure, agency_id, applicant_role)
        return d, sim.events

    def _handle(self, sim: Simulation, procedure: ProcedureRef, agency_id: int, applicant_role: str) -> None:
        """A dossier's life after submission, step by step; each step returns ``False`` when the dossier ends there
        (refused, withdrawn, stopped)."""
        if not self._receive(sim, procedure, applicant_role):
            return
        sim.do("assign", "leader", sim.work(self.rng.uniform(0.2, 4) * 3600))
        if not self._appraisal_supplements(sim, procedure, applicant_role):
            return
        if not self._process_steps(sim, agency_id, applicant_role):
            return
        if not self._payment(sim, procedure):
            return
        self._decide(sim, agency_id)

    def _receive(self, sim: Simulation, procedure: ProcedureRef, applicant_role: str) -> bool:
        rng = self.rng
        # Receipt: online dossiers wait for the desk; at the desk the officer checks them on the spot.
        if sim.d.channel == "online":
            sim.t = sim.work(rng.uniform(0.1, 6) * 3600)
        else:
            sim.t = sim.t + timedelta(minutes=rng.randint(3, 20))
        r = rng.random()
        if r < REFUSE_AT_RECEIPT:
            sim.do("refuse", "desk_officer", sim.t, reason=REFUSAL_AT_RECEIPT[rng.randrange(2)])
            return False
        if r < REFUSE_AT_RECEIPT + SUPPLEMENT_AT_RECEIPT:
            # Incomplete at receipt: everything missing listed at once (form 02).
            sim.do("request_supplement", "desk_officer", sim.t, data={"missing": self._missing(procedure)})
            if not self._applicant_answers(sim, applicant_role):
                return False
            sim.t = sim.work(rng.uniform(0.1, 4) * 3600)
        sim.do("receive", "desk_officer", sim.t)
        return True

    def _appraisal_supplements(self, sim: Simulation, procedure: ProcedureRef, applicant_role: str) -> bool:
        rng, d = self.rng, sim.d
        if rng.random() >= SUPPLEMENT_IN_APPRAISAL:
            return True
        # Decree 118/2025 Art. 19(5): the notice goes out within 3 working days of receipt.
        ask = sim.work(rng.uniform(0.5, 14) * 3600)
        if ask > rules.supplement_notice_deadline(sim.calendar, d.received_at):
            return True
        sim.do("request_supplement", "specialist", ask, data={"missing": self._missing(procedure)})
        if not self._applicant_answers(sim, applicant_role):
            return False
        # The index counts more than one supplement request as late; the notice rule still applies. From
        # 1/7/2025 one request lists everything (Decree 118/2025 Art. 16(3), 17(2)(a), 19(5)): a second one
        # only for dossiers received before (history, no cap then).
        again = sim.work(rng.uniform(0.5, 6) * 3600)
        if (rng.random() < SECOND_SUPPLEMENT
                and lawsets.rules_for(d.received_at).max_supplement_requests is None
                and again <= rules.supplement_notice_deadline(sim.calendar, d.received_at)):
            # Decree 118/2025 Art. 16(3), 19(5): one request; from 1/7/2025 a further one is a leader's
            # override with the reason (dossiers.receipt.check_second_supplement).
            sim.do("request_supplement", "leader", again,
                   data={"missing": self._missing(procedure),
                         "override_reason": "Bổ sung theo yêu cầu mới của cơ quan phối hợp"})
            return self._applicant_answers(sim, applicant_role)
        return True

    def _process_steps(self, sim: Simulation, agency_id: int, applicant_role: str) -> bool:
        """The process's steps up to the decision: consultations, withdrawals, apologies for lateness."""
        rng, d = self.rng, sim.d
        day = d.submitted_at.date()
        while d.current_step < len(d.steps) and d.steps[d.current_step]["key"] not in ("approve", "return"):
            step = d.steps[d.current_step]
            budget = step.get("budget_seconds") or 2 * OFFICE_DAY
            work = budget * self.model.duration_factor(agency_id, step["key"], day)
            if rng.random() < CONSULTATION:
                sim.do("consult", "specialist", sim.work(work * 0.3),
                       data={"unit": CONSULTED_UNITS[rng.randrange(len(CONSULTED_UNITS))],
                             "working_days": rng.randint(2, 5)})
                allowed = sim.calendar.working_time_between(sim.t, d.consultation_due_at).total_seconds()
                sim.do("answer_consultation", "specialist", sim.work(allowed * rng.uniform(0.3, 1.3)))
                work *= 0.7
            if rng.random() < WITHDRAW_IN_PROCESSING:
                sim.do("withdraw", applicant_role, sim.work(work * rng.random()), reason="Không còn nhu cầu.")
                return False
            done = sim.work(work)
            self._maybe_apologise(sim, done)
            sim.do("complete_step", step["role"] if step["role"] in ("specialist", "leader") else "specialist", done)
        return True

    def _payment(self, sim: Simulation, procedure: ProcedureRef) -> bool:
        rng = self.rng
        if procedure.fee and rng.random() < PAYMENT_WHEN_FEE:
            sim.do("request_payment", "specialist", sim.work(rng.uniform(0.1, 2) * 3600))
            if rng.random() < 0.02:
                sim.do("stop", "system", sim.later(30 + rng.random() * 10), reason="Không thực hiện nghĩa vụ tài "
                       "chính trong thời hạn.")
                return False
            sim.do("confirm_payment", "system", sim.later(rng.expovariate(1.0)))
        return True

    def _decide(self, sim: Simulation, agency_id: int) -> None:
        """The leader's decision, the result issued and returned, the applicant's rating."""
        rng, d = self.rng, sim.d
        approve_budget = next((s.get("budget_seconds") for s in d.steps if s["key"] == "approve"), None)
        decided = sim.work((approve_budget or OFFICE_DAY) * self.model.duration_factor(agency_id, "approve",
                                                                                        d.submitted_at.date()))
        self._maybe_apologise(sim, decided)
        if rng.random() < REFUSE_AFTER_APPRAISAL:
            sim.do("refuse", "leader", decided, reason=REFUSAL_AFTER_APPRAISAL[rng.randrange(2)])
            return
        sim.do("approve", "leader", decided)
        sim.do("issue_result", "specialist", sim.work(rng.uniform(0.1, 2) * 3600))
        if d.channel == "online" and rng.random() < 0.7:
            # Decree 45/2020: the electronic result has the same validity as paper.
            sim.do("return_result", "system", sim.t + timedelta(minutes=rng.randint(1, 30)))
        else:
            sim.do("return_result", "desk_officer", sim.work(rng.uniform(0.5, 24) * 3600))
        self._rate(sim)

    def _applicant_answers(self, sim: Simulation, applicant_role: str) -> bool:
        """The applicant supplements (most), withdraws, or never answers and the dossier is stopped."""
        rng = self.rng
        x = rng.random()
        if x < 0.82:
            sim.do("submit_supplement", applicant_role, sim.later(rng.lognormvariate(math.log(3), 0.8)))
            return True
        if x < 0.9:
            sim.do("withdraw", applicant_role, sim.later(rng.uniform(1, 20)), reason="Không bổ sung được giấy tờ.")
        else:
            sim.do("stop", "system", sim.later(30 + rng.random() * 15), reason="Quá thời hạn bổ sung hồ sơ.")
        return False

    def _maybe_apologise(self, sim: Simulation, planned: datetime) -> None:
        """Form 04: when the dossier will be late, the leader apologises at least 1 working day before the due time
        and sets a new date, once (domain.md §3 "Overdue")."""
        d, rng = sim.d, self.rng
        if d.apology_count or d.due_at is None or planned <= d.due_at or rng.random() >= APOLOGY_WHEN_LATE:
            return
        deadline = rules.apology_deadline(sim.calendar, d.due_at)
        if deadline <= sim.t + timedelta(minutes=1):
            return
        at = sim.t + (deadline - sim.t) * rng.uniform(0.3, 0.95)
        new_day = sim.calendar.add_working_days(planned.astimezone(TZ).date(), rng.randint(1, 3))
        sim.do("apologise", "leader", at, reason=APOLOGY_REASONS[rng.randrange(len(APOLOGY_REASONS))],
               data={"new_due_at": sim.calendar.end_of_day(new_day)})

    def _rate(self, sim: Simulation) -> None:
        """Satisfaction once the result is returned (fewer satisfied when the dossier was late), as
        ``services.rate`` records it: the rating on the dossier and a ``rate`` event that keeps the state. Skipped
        when the Dossier model has no ``rating`` field."""
        rng, d = self.rng, sim.d
        if not self.rating_field or rng.random() >= RATING_SHARE:
            return
        late = d.due_at is not None and d.finished_at is not None and d.finished_at > d.due_at
        satisfied = rng.random() < (0.6 if late else 0.93)
        rated_at = sim.t + timedelta(seconds=rng.randint(3600, 72 * 3600))
        if rated_at > self.end_at:
            return
        d.rating = RATING_SATISFIED if satisfied else RATING_NOT_SATISFIED
        d.rated_at = rated_at
        d.version += 1
        sim.events.append(EventRow(d.version, d.applicant_user_id, "applicant", rated_at, RATE_ACTION, d.state,
                                   d.state, "", "", {"rating": d.rating}))
        sim.t = rated_at


RATE_ACTION = "rate"  # services.rate: an event that keeps the state, outside the transition table
RATING_SATISFIED, RATING_NOT_SATISFIED = "satisfied", "not_satisfied"


def _rating_field() -> bool:
    """Whether the Dossier model has the rating fields yet (``rating``, ``rated_at``)."""
    names = {f.name for f in Dossier._meta.get_fields()}
    return {"rating", "rated_at"} <= names


# Writing -------------------------------------------------------------------------------------------------------------


class BatchWriter:
    """Inserts dossiers and events in batches, with the day counters, one transaction per batch.

    PostgreSQL: ``COPY`` of both tables, the dossier ids taken from the id sequence first (a million dossiers and
    their events in minutes). Other databases: ``bulk_create`` of the dossiers (which returns their ids) and one
    ``executemany`` of the events.
    """

    def __init__(self) -> None:
        self.dossiers: list[Dossier] = []
        self.events: list[list[EventRow]] = []
        self.counters: dict[tuple[int, date], int] = {}
        self.written_dossiers = 0
        self.written_events = 0
        self.stamp = timezone.now()  # created_at / updated_at of the rows (bookkeeping, not history)
        fields = list(Dossier._meta.concrete_fields)
        self.dossier_columns = [f.column for f in fields]
        self.dossier_attrs = [(f.attname, f.get_internal_type() == "JSONField",
                               f.attname in ("created_at", "updated_at")) for f in fields]

    def add(self, dossier: Dossier, events: list[EventRow]) -> None:
        self.dossiers.append(dossier)
        self.events.append(events)
        key = (dossier.agency_id, dossier.submitted_at.astimezone(TZ).date())
        sequence = int(dossier.code.rsplit("-", 1)[1])
        if sequence > self.counters.get(key, 0):
            self.counters[key] = sequence

    def __len__(self) -> int:
        return len(self.dossiers)

    def detach(self) -> tuple:
        """Hand the pending batch over (to the background writer) and start a new one."""
        batch = (self.dossiers, self.events, self.counters)
        self.dossiers, self.events, self.counters = [], [], {}
        return batch

    def flush(self) -> int:
        if not self.dossiers:
            return 0
        with transaction.atomic():
            events = self._copy() if connection.vendor == "postgresql" else self._insert()
            upsert_counters(self.counters)
        n = len(self.dossiers)
        self.written_dossiers += n
        self.written_events += events
        self.dossiers, self.events, self.counters = [], [], {}
        return n

    def _event_rows(self) -> Iterator[tuple]:
        for dossier, events in zip(self.dossiers, self.events, strict=True):
            prev = GENESIS
            for e in events:  # the per-dossier hash chain, as live handling writes it (DossierEvent.seal)
                digest = link_hash(prev, event_chain_content(dossier.pk, *e))
                yield (dossier.pk, e.seq, e.actor_id, e.role, e.at, e.action, e.from_state, e.to_state, e.step,
                       e.reason, json.dumps(e.data, cls=DjangoJSONEncoder), prev, digest)
                prev = digest

    def _dossier_row(self, d: Dossier) -> tuple:
        return tuple(self.stamp if stamp else json.dumps(getattr(d, name), cls=DjangoJSONEncoder) if is_json
                     else getattr(d, name) for name, is_json, stamp in self.dossier_attrs)

    def _copy(self) -> int:
        qn = connection.ops.quote_name
        dossier_table, event_table = qn(Dossier._meta.db_table), qn(DossierEvent._meta.db_table)
        with connection.cursor() as wrapper:
            wrapper.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                            [Dossier._meta.db_table, len(self.dossiers)])
            for dossier, (pk,) in zip(self.dossiers, wrapper.fetchall(), strict=True):
                dossier.pk = pk
            cursor = wrapper.cursor  # the psycopg cursor, for COPY
            columns = ", ".join(qn(c) for c in self.dossier_columns)
            with cursor.copy(f"COPY {dossier_table} ({columns}) FROM STDIN") as copy:
                for dossier in self.dossiers:
                    copy.write_row(self._dossier_row(dossier))
            count = 0
            columns = ", ".join(qn(c) for c in EVENT_COLUMNS)
            with cursor.copy(f"COPY {event_table} ({columns}) FROM STDIN") as copy:
                for row in self._event_rows():
                    copy.write_row(row)
                    count += 1
        return count

    def _insert(self) -> int:
        Dossier.objects.bulk_create(self.dossiers, batch_size=500)
        qn = connection.ops.quote_name
        rows = list(self._event_rows())
        sql = (f"INSERT INTO {qn(DossierEvent._meta.db_table)} ({', '.join(qn(c) for c in EVENT_COLUMNS)}) "
               f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})")
        adapt = connection.ops.adapt_datetimefield_value
        with connection.cursor() as cursor:
            cursor.executemany(sql, [(*r[:4], adapt(r[4]), *r[5:]) for r in rows])
        return len(rows)


def upsert_counters(counters: dict[tuple[int, date], int], chunk: int = 300) -> None:
    """Insert or raise the per-agency day counters (never lower them: live numbering continues after the larger).

    Multi-row statements of ``chunk`` rows (3 parameters each, under SQLite's oldest limit of 999).
    """
    if not counters:
        return
    table = connection.ops.quote_name(DossierCounter._meta.db_table)
    adapt = connection.ops.adapt_datefield_value
    rows = [(agency, adapt(day), last) for (agency, day), last in sorted(counters.items())]
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            part = rows[i:i + chunk]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            cursor.execute(
                f"INSERT INTO {table} (agency_id, day, last) VALUES {values} "
                f"ON CONFLICT (agency_id, day) DO UPDATE SET last = CASE WHEN {table}.last > excluded.last "
                f"THEN {table}.last ELSE excluded.last END",
                [value for row in part for value in row])


def existing_counters(day: date) -> dict[int, int]:
    return dict(DossierCounter.objects.filter(day=day).values_list("agency_id", "last"))


# Entry points --------------------------------------------------------------------------------------------------------


@dataclass
class GenerateSummary:
    dossiers: int = 0
    events: int = 0
    skipped: bool = False
    loaded_demo: bool = False
    dormant_procedures: int = 0
    active_procedures: int = 0


def has_generated_history() -> bool:
    """Whether generated dossiers are already in the database (``make run`` generates its history only once)."""
    return Dossier.objects.filter(form_data__has_key=GENERATED_KEY).exists()


def ensure_reference_data() -> bool:
    """On an empty database, load the agencies and the demo catalog and accounts first. True when it loaded."""
    from motcua.catalog.models import Procedure
    from motcua.units.models import Agency

    from .services import load_demo

    loaded = False
    if not Agency.objects.exists():
        from motcua.units.services import load_reference_units

        load_reference_units()
        loaded = True
    if not Procedure.objects.exists():
        load_demo()
        loaded = True
    return loaded


def generate(dossiers: int, *, start: date = DEFAULT_START, end: date | None = None, seed: int = 1,
             batch_size: int = BATCH_SIZE, once: bool = False,
             progress: Callable[[int], None] | None = None) -> GenerateSummary:
    """Write ``dossiers`` dossiers submitted between ``start`` and ``end`` (inclusive) with their events.

    ``end`` defaults to today in Vietnam (:func:`default_end`). ``once``: do nothing when generated dossiers are
    already present (``make run``). Refused in production.
    """
    end = end or default_end()
    if settings.ENVIRONMENT == "production":
        raise GenerationRefused("Demo history is not generated when MOTCUA_ENV=production.")
    if dossiers < 0:
        raise ValueError("The number of dossiers must not be negative.")
    if end < start:
        raise ValueError("The end of the period is before its start.")
    summary = GenerateSummary()
    if once and has_generated_history():
        summary.skipped = True
        return summary
    summary.loaded_demo = ensure_reference_data()
    generator = Generator(load_reference(), seed, start, end)
    summary.active_procedures = len(generator.model.active)
    summary.dormant_procedures = len(generator.model.dormant)
    writer = BatchWriter()
    # On PostgreSQL outside a transaction, a second thread (with its own connection) writes one batch while the next
    # is simulated: the database works while Python computes. The data is the same either way.
    background = connection.vendor == "postgresql" and not connection.in_atomic_block
    flusher = _BackgroundFlusher(progress) if background else None
    for dossier, events in generator.dossiers(dossiers, existing_counters):
        writer.add(dossier, events)
        if len(writer) >= batch_size:
            if flusher:
                flusher.submit(writer.detach())
            else:
                written = writer.flush()
                if progress:
                    progress(written)
    if flusher:
        flusher.submit(writer.detach())
        flusher.close()
        summary.dossiers, summary.events = flusher.writer.written_dossiers, flusher.writer.written_events
        return summary
    written = writer.flush()
    if progress and written:
        progress(written)
    summary.dossiers, summary.events = writer.written_dossiers, writer.written_events
    return summary


class _BackgroundFlusher:
    """Writes detached batches in a thread, at most two waiting (bounded memory); re-raises the thread's error."""

    def __init__(self, progress: Callable[[int], None] | None) -> None:
        import queue
        import threading

        self.progress = progress
        self.writer = BatchWriter()
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-generate-writer", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (batch := self.queue.get()) is not None:
                if self.error is None:
                    self.writer.dossiers, self.writer.events, self.writer.counters = batch
                    written = self.writer.flush()
                    if self.progress:
                        self.progress(written)
        except BaseException as exc:  # handed to the main thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    def submit(self, batch: tuple) -> None:
        if self.error is not None:
            self.close()
        self.queue.put(batch)

    def close(self) -> None:
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
