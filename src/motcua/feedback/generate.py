"""A realistic PAKN history at any scale: ``motcua feedback generate --items N --seed S`` (issue 5, demo and speed).

Items across agencies (communes, provinces' service centres and departments, ministries) and catalog procedures,
with what a real history shows:

- topics: about 60% about a procedure (popularity Zipf-like over procedures), 25% about a regulation, 15% about an
  officer's conduct; a fifth of them proposals (kiến nghị) with a proposed solution;
- channels mostly online, some phone calls and letters written down by officers, some through the API;
- about 5% not accepted (complaints and denunciations redirected with the legal explanation, spam, not about an
  administrative regulation), 9% forwarded to another agency, 4% asked for a supplement;
- answers in a few working days (a long tail: about 10% late against the 15-day standard), published within 2
  working days (a few late); some agencies are slow; items received near the end are still open;
- about a third of the published answers rated (mostly liked), a few re-complained (a new, linked item).

Every item is simulated through the live rules: :func:`motcua.feedback.transitions.next_state` for each action, the
agency's :class:`~motcua.core.calendar.WorkingCalendar` and :mod:`motcua.feedback.rules` for the due times, the
redaction of the public text, and hash-chained events. Only the writing differs: rows are inserted in batches
(``bulk_create``). Deterministic for the same database content, arguments and seed (no wall clock).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from motcua.catalog.models import Procedure, VersionAgency
from motcua.core.calendar import TZ, WorkingCalendar
from motcua.core.chain import GENESIS, link_hash
from motcua.core.models import CalendarException
from motcua.units.models import Agency

from . import rules
from .models import Feedback, FeedbackEvent, PublishedEntry
from .services import search_text
from .transitions import Action, Role, State, next_state

BATCH_SIZE = 5000
DEFAULT_START = date(2024, 1, 1)
GENERATED_KEY = "generated"  # in the first event's data: the seed

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Minh", "Ngọc", "Hữu", "Đức", "Thu", "Thanh", "Quốc", "Hoài", "Xuân", "Kim")
GIVEN = ("An", "Bình", "Châu", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hùng", "Hương", "Khánh", "Lan", "Linh",
         "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Việt",
         "Yến")
# law-citation: data — the regulations petitions are about, not rules motcua applies.
REGULATIONS = ("Nghị định 15/2020/NĐ-CP", "Nghị định 63/2010/NĐ-CP", "Thông tư 01/2018/TT-VPCP",
               "Nghị định 61/2018/NĐ-CP", "Nghị định 45/2020/NĐ-CP", "Thông tư 04/2020/TT-BTP",
               "Nghị định 123/2015/NĐ-CP", "Nghị định 104/2022/NĐ-CP", "Luật Cư trú 2020", "Nghị định 01/2021/NĐ-CP")
PROCEDURE_ISSUES = (
    ("Thời gian giải quyết {p} quá dài",
     "Tôi nộp hồ sơ {p} đã quá hẹn trả kết quả nhưng chưa nhận được thông báo nào từ cơ quan giải quyết."),
    ("Yêu cầu nộp thêm giấy tờ không có trong quy định khi làm {p}",
     "Khi thực hiện {p}, cán bộ yêu cầu nộp thêm bản sao chứng thực giấy khai sinh dù thủ tục không quy định."),
    ("Không nộp được hồ sơ {p} trực tuyến",
     "Cổng dịch vụ công báo lỗi khi tải tệp đính kèm, tôi không thể hoàn tất nộp hồ sơ {p} trực tuyến."),
    ("Phí, lệ phí của {p} chưa được công khai rõ",
     "Mức thu phí khi thực hiện {p} tại bộ phận một cửa khác với mức niêm yết trên cổng dịch vụ công."),
    ("Hướng dẫn thực hiện {p} chưa thống nhất",
     "Mỗi lần đến hỏi về {p} cán bộ hướng dẫn một kiểu, tôi phải đi lại nhiều lần để bổ sung hồ sơ."),
)
REGULATION_ISSUES = (
    ("Quy định tại {r} chưa phù hợp thực tế",
     "Quy định tại {r} yêu cầu xác nhận của nhiều cơ quan, gây tốn thời gian và chi phí cho người dân."),
    ("Đề nghị bãi bỏ yêu cầu bản sao giấy tờ theo {r}",
     "{r} vẫn yêu cầu nộp bản sao giấy tờ dù thông tin đã có trong cơ sở dữ liệu quốc gia về dân cư."),
    ("Quy định về thời hạn tại {r} chưa rõ ràng",
     "Cách tính thời hạn theo {r} chưa rõ là ngày làm việc hay ngày theo lịch, mỗi nơi áp dụng một khác."),
)
CONDUCT_ISSUES = (
    ("Thái độ phục vụ của cán bộ tiếp nhận chưa đúng mực",
     "Cán bộ tại bộ phận một cửa có thái độ thiếu tôn trọng khi tôi hỏi về tình trạng hồ sơ."),
    ("Cán bộ hẹn trả kết quả nhiều lần",
     "Cán bộ thụ lý hẹn trả kết quả nhiều lần nhưng không có phiếu xin lỗi và hẹn lại ngày trả theo quy định."),
    ("Cán bộ không hướng dẫn đầy đủ một lần",
     "Cán bộ không hướng dẫn đầy đủ một lần các giấy tờ cần bổ sung, tôi phải đi lại ba lần."),
)
PROPOSALS = ("Đề nghị cho phép khai thác dữ liệu dân cư thay cho việc nộp bản sao.",
             "Đề nghị rút ngắn thời hạn giải quyết xuống còn 3 ngày làm việc.",
             "Đề nghị công khai tiến độ giải quyết hồ sơ qua tin nhắn.",
             "Đề nghị thống nhất mẫu tờ khai trên toàn quốc.")
ANSWERS = (
    "Cơ quan đã kiểm tra, chấn chỉnh bộ phận một cửa và hướng dẫn cán bộ thực hiện đúng quy định về thời hạn.",
    "Quy định hiện hành không yêu cầu bản sao chứng thực; cơ quan đã nhắc nhở cán bộ và bổ sung hướng dẫn.",
    "Kiến nghị đã được tổng hợp, báo cáo cơ quan có thẩm quyền xem xét sửa đổi quy định trong năm nay.",
    "Lỗi của cổng dịch vụ công đã được khắc phục; đề nghị Quý vị nộp lại hồ sơ trực tuyến.",
    "Mức phí được thực hiện theo quy định hiện hành; cơ quan đã cập nhật lại nội dung niêm yết.",
    "Cơ quan đã tổ chức kiểm điểm cán bộ có liên quan và xin lỗi Quý vị về sự chậm trễ.",
)
COMPLAINTS = ("Tôi khiếu nại quyết định xử phạt vi phạm hành chính của ủy ban nhân dân xã đối với gia đình tôi.",
              "Đơn khiếu nại quyết định thu hồi đất của ủy ban nhân dân tỉnh.")
DENUNCIATIONS = ("Tôi tố cáo cán bộ địa chính xã nhận hối lộ khi giải quyết hồ sơ cấp giấy chứng nhận.",
                 "Tố cáo hành vi tham nhũng trong việc cấp phép xây dựng.")
SPAM = ("Vay tiền nhanh lãi suất thấp, liên hệ ngay", "Khuyến mãi giảm giá casino online www.example.com")

# Shares of the model.
TOPICS = (("procedure", 0.60), ("regulation", 0.25), ("conduct", 0.15))
PROPOSAL_SHARE = 0.2
CHANNELS = (("online", 0.72), ("phone", 0.12), ("written", 0.08), ("api", 0.08))
REFUSE = 0.05
FORWARD = 0.09
SUPPLEMENT = 0.04
LATE_ANSWER = 0.10
LATE_PUBLISH = 0.04
RATED = 0.35
DISLIKED = 0.2
RECOMPLAINED = 0.03
SLOW_AGENCY_SHARE = 0.05


def _redact(text: str, name: str) -> str:
    # The generated texts rarely contain the submitter's name: then the result depends on the text only (cached).
    if name.casefold() in text.casefold():
        return rules.redact(text, [name])
    return _redact_text(text)


@functools.lru_cache(maxsize=100_000)
def _redact_text(text: str) -> str:
    return rules.redact(text)


@functools.lru_cache(maxsize=100_000)
def _spam(title: str, content: str) -> tuple[str, ...]:
    return tuple(rules.spam_reasons(title, content))


@functools.lru_cache(maxsize=100_000)
def _search_text(*parts: str) -> str:
    return search_text(*parts)


@functools.lru_cache(maxsize=100_000)
def _redirect_hint(text: str) -> str:
    return rules.suggest_redirect(text)


_DUE_CACHE: dict[tuple, dict[str, datetime]] = {}


def _receipt_due_times(cal: WorkingCalendar, at: datetime) -> dict[str, datetime]:
    """``rules.receipt_due_times``, memoised: with working-day standards and no 15:00 shift the due times depend only on
    the calendar and the date of receipt (PAKN rule sets change on dates, so the date is also the rule set's key)."""
    key = (id(cal), at.astimezone(TZ).date())
    found = _DUE_CACHE.get(key)
    if found is None:
        found = _DUE_CACHE[key] = rules.receipt_due_times(cal, at)
    return found


def _publish_due(cal: WorkingCalendar, at: datetime) -> datetime:
    key = (id(cal), at.astimezone(TZ).date(), "publish")
    found = _DUE_CACHE.get(key)
    if found is None:
        found = _DUE_CACHE[key] = rules.publish_due(cal, at)
    return found


class GenerationRefused(RuntimeError):
    """Demo data is never generated in production."""


@dataclass(frozen=True)
class ProcedureRef:
    id: int
    code: str
    name: str
    agency_id: int | None


@dataclass(frozen=True)
class AgencyRef:
    id: int
    code: str
    level: str


@dataclass
class Reference:
    procedures: list[ProcedureRef]
    procedure_weights: list[float]
    agencies: list[AgencyRef]
    by_level: dict[str, list[AgencyRef]]
    slow: set[int]
    calendars: dict[int, WorkingCalendar]
    procedure_by_id: dict[int, ProcedureRef]
    agency_by_id: dict[int, AgencyRef]

    own_calendars: set[int] = field(default_factory=set)
    hours: dict[int, tuple] = field(default_factory=dict)

    def calendar(self, agency_id: int) -> WorkingCalendar:
        """The agency's calendar as ``WorkingCalendar.from_db`` builds it, shared by every agency with the same office
        hours and no exceptions of its own (building one per agency cost more than the rest of the simulation)."""
        key = agency_id if agency_id in self.own_calendars else self.hours.get(agency_id)
        if key not in self.calendars:
            self.calendars[key] = WorkingCalendar.from_db(Agency.objects.get(pk=agency_id))
        return self.calendars[key]


def load_reference(rng: random.Random) -> Reference:
    rows = list(Procedure.objects.filter(current_version__isnull=False).order_by("code")
                .values_list("id", "code", "current_version__name", "current_version_id"))
    agency_of: dict[int, int] = {}
    for version_id, agency_id in (VersionAgency.objects.filter(agency__isnull=False,
                                                               role__in=["competent", "implementing"])
                                  .order_by("version_id", "role", "position")
                                  .values_list("version_id", "agency_id")):
        agency_of.setdefault(version_id, agency_id)
    procedures = [ProcedureRef(pid, code, name[:1000], agency_of.get(vid)) for pid, code, name, vid in rows]
    order = list(range(len(procedures)))
    rng.shuffle(order)
    weights = [0.0] * len(procedures)
    for rank, index in enumerate(order, start=1):
        weights[index] = 1 / rank ** 1.1
    agencies = [AgencyRef(a, c, lvl) for a, c, lvl in Agency.objects.order_by("code").values_list("id", "code",
                                                                                                   "level")]
    if not agencies:
        raise RuntimeError("No agencies: run `motcua migrate` (reference units) first.")
    by_level: dict[str, list[AgencyRef]] = {}
    for agency in agencies:
        by_level.setdefault(agency.level, []).append(agency)
    slow = {a.id for a in agencies if rng.random() < SLOW_AGENCY_SHARE}
    own = set(CalendarException.objects.filter(agency__isnull=False).values_list("agency_id", flat=True))
    hours = {row[0]: row[1:] for row in Agency.objects.values_list("id", "morning_start", "morning_end",
                                                                   "afternoon_start", "afternoon_end", "cutoff")}
    return Reference(procedures, list(itertools.accumulate(weights)), agencies, by_level, slow, {},
                     {p.id: p for p in procedures}, {a.id: a for a in agencies}, own, hours)


def _pick(rng: random.Random, weighted) -> str:
    x = rng.random()
    for value, share in weighted:
        x -= share
        if x < 0:
            return value
    return weighted[-1][0]


def _moment(rng: random.Random, day: date) -> datetime:
    minutes = rng.choice((rng.randint(7 * 60 + 30, 11 * 60 + 30), rng.randint(13 * 60, 17 * 60),
                          rng.randint(6 * 60, 23 * 60)))
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=TZ)


def _after(rng: random.Random, cal: WorkingCalendar, start: datetime, working_days: int) -> datetime:
    """A moment during office hours ``working_days`` working days after ``start``."""
    day = cal.add_working_days(start.astimezone(TZ).date(), max(0, working_days))
    at = datetime.combine(day, time(rng.randint(8, 16), rng.randint(0, 59)), tzinfo=TZ)
    return max(at, start + timedelta(minutes=5))


class _Item:
    """An item being simulated: the row's values and its events (action, role, at, note, data)."""

    def __init__(self, values: dict) -> None:
        self.values = values
        self.state = State.NEW
        self.events: list[tuple] = []

    def act(self, action: Action, role: Role, at: datetime, note: str = "", data: dict | None = None) -> None:
        target = next_state(self.state, action, role)
        self.events.append((str(action), str(role), at, str(self.state), str(target), note, data or {}))
        self.state = target


def _person(rng: random.Random) -> dict:
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    phone = f"09{rng.randint(0, 99_999_999):08d}"
    email = f"nguoidan{rng.randint(1, 9_999_999)}@example.vn" if rng.random() < 0.6 else ""
    return {"submitter_name": name, "submitter_phone": phone, "submitter_email": email,
            "submitter_address": rng.choice(("Hà Nội", "TP Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ",
                                              "Thanh Hóa", "Nghệ An"))}


def _agency_for(rng: random.Random, ref: Reference, procedure: ProcedureRef | None) -> AgencyRef:
    if procedure is not None and procedure.agency_id and rng.random() < 0.5:
        found = ref.agency_by_id.get(procedure.agency_id)
        if found is not None:
            return found
    level = _pick(rng, (("commune", 0.45), ("province", 0.4), ("ministry", 0.15)))
    return rng.choice(ref.by_level.get(level) or ref.agencies)


@dataclass
class _Content:
    """What an item is about and who sent it, drawn before its story starts."""

    topic: str
    kind: str
    procedure: ProcedureRef | None
    agency: AgencyRef
    person: dict
    regulation: str
    title: str
    content: str
    proposal: str
    refuse_ground: str
    channel: str


def _new_content(rng: random.Random, ref: Reference) -> _Content:
    """A new item's topic, kind, procedure, agency, submitter, texts, channel and, for some, a ground to refuse it."""
    topic = _pick(rng, TOPICS) if ref.procedures else _pick(rng, TOPICS[1:])
    procedure = None
    if topic == "procedure":
        procedure = ref.procedures[bisect.bisect_left(ref.procedure_weights,
                                                      rng.random() * ref.procedure_weights[-1])]
    kind = "proposal" if rng.random() < PROPOSAL_SHARE else "report"
    person = _person(rng)
    agency = _agency_for(rng, ref, procedure)
    regulation = rng.choice(REGULATIONS) if topic == "regulation" else ""
    if topic == "procedure":
        title, content = (t.format(p=procedure.name[:120]) for t in rng.choice(PROCEDURE_ISSUES))
    elif topic == "regulation":
        title, content = (t.format(r=regulation) for t in rng.choice(REGULATION_ISSUES))
    else:
        title, content = rng.choice(CONDUCT_ISSUES)
    proposal = rng.choice(PROPOSALS) if kind == "proposal" else ""
    refuse_ground = ""
    if rng.random() < REFUSE:
        refuse_ground = _pick(rng, (("complaint", 0.3), ("denunciation", 0.15), ("spam", 0.25),
                                    ("not_administrative", 0.2), ("duplicate", 0.1)))
        if refuse_ground == "complaint":
            title, content = "Đơn khiếu nại", rng.choice(COMPLAINTS)
        elif refuse_ground == "denunciation":
            title, content = "Đơn tố cáo", rng.choice(DENUNCIATIONS)
        elif refuse_ground == "spam":
            title = content = rng.choice(SPAM)
    channel = _pick(rng, CHANNELS)
    return _Content(topic, kind, procedure, agency, person, regulation, title, content, proposal, refuse_ground,
                    channel)


def _recomplaint_content(base: dict) -> _Content:
    """A re-complaint: the same topic, procedure, agency and submitter as the item it is about."""
    person = {k: base["values"][k] for k in ("submitter_name", "submitter_phone", "submitter_email",
                                              "submitter_address")}
    return _Content(base["topic"], base["kind"], base["procedure"], base["agency"], person,
                    base["values"]["regulation"], f"Phản ánh lại: {base['values']['title']}"[:255],
                    "Câu trả lời chưa giải quyết được vấn đề, đề nghị cơ quan xem xét lại.", "", "", "online")


def _received_item(rng: random.Random, c: _Content, cal, submitted_at: datetime, codes: set[str], seed: int,
                   recomplaint_of: dict | None) -> _Item:
    """The row as received (a fresh tracking code, redacted public text, due times, spam flags) and its submit
    event."""
    while True:
        code = rules.tracking_code(submitted_at.astimezone(TZ),
                                   "".join(rng.choice(rules.CODE_ALPHABET) for _ in range(6)))
        if code not in codes:
            codes.add(code)
            break
    name, procedure, agency = c.person["submitter_name"], c.procedure, c.agency
    public_title = _redact(c.title, name)
    public_content = _redact(c.content + (f"\n\nĐề xuất: {c.proposal}" if c.proposal else ""), name)
    values = dict(code=code, kind=c.kind, topic=c.topic, channel=c.channel, title=c.title, content=c.content,
                  proposal=c.proposal, procedure_id=procedure.id if procedure else None,
                  procedure_code=procedure.code if procedure else "",
                  procedure_name=procedure.name if procedure else "",
                  regulation=c.regulation, officer_name="", location="", received_by_id=agency.id,
                  agency_id=agency.id, submitted_at=submitted_at, received_at=submitted_at, classification="",
                  refusal_ground="", refusal_reason="", forward_count=0, supplement_request="", answer_draft="",
                  answer="", public_title=public_title, public_content=public_content, rating="", flagged=False,
                  flag_reasons=[], **c.person)
    values.update(_receipt_due_times(cal, submitted_at))
    reasons = list(_spam(c.title, f"{c.content}\n{c.proposal}"))
    values["flagged"], values["flag_reasons"] = bool(reasons), reasons
    item = _Item(values)
    submit_role = Role.DESK_OFFICER if c.channel in ("phone", "written") else Role.APPLICANT
    item.act(Action.SUBMIT, submit_role, submitted_at,
             data={"channel": c.channel, "agency": agency.code, "flag_reasons": reasons, GENERATED_KEY: seed,
                   "redirect_hint": _redirect_hint(f"{c.title} {c.content}"), "attachments": 0,
                   "recomplaint_of": recomplaint_of["values"]["code"] if recomplaint_of else ""})
    return item


class _Story:
    """The handling of one item after its receipt, step by step; each step moves the clock by some working days
    and stops the story (returns ``False``) when it would pass ``end``."""

    def __init__(self, rng: random.Random, ref: Reference, item: _Item, agency: AgencyRef, cal, at: datetime,
                 end: datetime) -> None:
        self.rng, self.ref, self.item, self.agency, self.cal, self.at, self.end = rng, ref, item, agency, cal, at, end
        self.values = item.values

    def step(self, days: int) -> bool:
        nxt = _after(self.rng, self.cal, self.at, days)
        if nxt > self.end:
            return False
        self.at = nxt
        return True

    def supplement(self) -> bool:
        """A request for more information, answered (the clocks restart) or not (refused for no contact)."""
        rng, values, item = self.rng, self.values, self.item
        if not self.step(rng.randint(1, 4)):
            return False
        note = "Đề nghị ghi rõ thời gian, địa điểm và mã hồ sơ liên quan."
        item.act(Action.REQUEST_SUPPLEMENT, Role.DESK_OFFICER, self.at, note, {"late": False})
        values["supplement_request"] = note
        if rng.random() < 0.2:
            if not self.step(rng.randint(8, 12)):
                return False
            values.update(classification="not_accepted", refusal_ground="no_contact",
                          refusal_reason="Người gửi không bổ sung thông tin theo đề nghị.", decided_at=self.at,
                          closed_at=self.at)
            item.act(Action.REFUSE, Role.DESK_OFFICER, self.at, values["refusal_reason"], {"ground": "no_contact",
                                                                                          "late": True})
            return False
        if not self.step(rng.randint(1, 5)):
            return False
        text = "Hồ sơ nộp ngày 05 tại bộ phận một cửa, mã hồ sơ ghi trên giấy tiếp nhận."
        values["content"] += f"\n\n[Bổ sung {self.at.astimezone(TZ):%d/%m/%Y}] {text}"
        values["public_content"] += f"\n\n[Bổ sung {self.at.astimezone(TZ):%d/%m/%Y}] {text}"
        values["received_at"] = self.at
        values.update(_receipt_due_times(self.cal, self.at))
        item.act(Action.SUBMIT_SUPPLEMENT, Role.APPLICANT, self.at, data={"text": text})
        return True

    def refuse(self, ground: str) -> None:
        if not self.step(self.rng.choice((1, 1, 2, 2, 3))):
            return
        reason = rules.REDIRECTS.get(ground) or {
            "spam": "Nội dung quảng cáo, không phải phản ánh, kiến nghị.",
            "not_administrative": "Nội dung không liên quan đến quy định hành chính.",
            "duplicate": "Nội dung trùng với phản ánh đã được trả lời."}[ground]
        late = self.at > self.values["decision_due_at"]
        self.values.update(classification="not_accepted", refusal_ground=ground, refusal_reason=reason,
                           decided_at=self.at, closed_at=self.at)
        self.item.act(Action.REFUSE, Role.DESK_OFFICER, self.at, reason, {"ground": ground, "late": late})

    def forward(self, topic: str) -> bool:
        """Forwarded to a ministry (outside competence); the new agency's clocks start."""
        if not self.step(self.rng.randint(1, 6)):
            return False
        target = self.rng.choice(self.ref.by_level.get("ministry") or self.ref.agencies)
        if target.id != self.agency.id:
            late = self.at > self.values["forward_due_at"]
            classification = "conduct" if topic == "conduct" else "outside_competence"
            self.item.act(Action.FORWARD, Role.DESK_OFFICER, self.at, "Chuyển cơ quan có thẩm quyền",
                          {"classification": classification, "from": self.agency.code, "to": target.code,
                           "late": late})
            self.agency, self.cal = target, self.ref.calendar(target.id)
            self.values.update(agency_id=target.id, classification=classification, decided_at=self.at,
                               forwarded_at=self.at, received_at=self.at, forward_count=1)
            self.values.update(_receipt_due_times(self.cal, self.at))
        return True

    def answer(self, topic: str, slow: bool) -> bool:
        """Classified, drafted (sometimes returned once), approved and published; ``True`` when published."""
        rng, values, item = self.rng, self.values, self.item
        if not self.step(rng.choice((0, 1, 1, 2))):
            return False
        classification = "conduct" if topic == "conduct" else "in_competence"
        values.update(classification=classification, decided_at=values.get("decided_at") or self.at)
        if values.get("forwarded_at"):
            values["decided_at"] = values["forwarded_at"]
        item.act(Action.CLASSIFY, Role.DESK_OFFICER, self.at, data={"classification": classification})
        late = rng.random() < (LATE_ANSWER * (4 if slow else 1))
        total = rng.randint(16, 30) if late else max(2, min(14, int(rng.lognormvariate(1.9, 0.5))))
        if not self.step(max(1, total - rng.randint(1, 2)) - 1):
            return False
        answer = rng.choice(ANSWERS)
        values["answer_draft"] = answer
        item.act(Action.DRAFT_ANSWER, Role.SPECIALIST, self.at, data={"length": len(answer)})
        if rng.random() < 0.08:
            if not self.step(1):
                return False
            item.act(Action.RETURN_DRAFT, Role.LEADER, self.at, "Cần nêu rõ căn cứ pháp lý")
            if not self.step(1):
                return False
            item.act(Action.DRAFT_ANSWER, Role.SPECIALIST, self.at, data={"length": len(answer)})
        if not self.step(rng.randint(0, 1)):
            return False
        values.update(answer=answer, answered_at=self.at, publish_due_at=_publish_due(self.cal, self.at))
        item.act(Action.APPROVE, Role.LEADER, self.at, data={"late": self.at > values["answer_due_at"]})
        if not self.step(rng.randint(3, 5) if rng.random() < LATE_PUBLISH else rng.choice((0, 1, 1, 2))):
            return False
        values.update(published_at=self.at, closed_at=self.at,
                      search_text=_search_text(values["public_title"], values["public_content"], answer,
                                               values["procedure_code"], values["procedure_name"]))
        item.act(Action.PUBLISH, Role.LEADER, self.at, data={"late": self.at > values["publish_due_at"]})
        return True

    def rate(self, may_recomplain: bool) -> None:
        """The submitter rates the published answer (and, disliking it, may complain again)."""
        rng = self.rng
        rated = self.at + timedelta(hours=rng.randint(2, 24 * 20))
        if rated <= self.end:
            rating = "dislike" if rng.random() < DISLIKED else "like"
            self.values.update(rating=rating, rated_at=rated)
            self.item.act(Action.RATE, Role.APPLICANT, rated, data={"rating": rating})
            if rating == "dislike" and rng.random() < RECOMPLAINED * 8 and may_recomplain:
                self.values["recomplained_at"] = rated + timedelta(minutes=rng.randint(1, 60))


def simulate(rng: random.Random, ref: Reference, submitted_at: datetime, end: datetime, codes: set[str],
             seed: int, recomplaint_of: dict | None = None) -> _Item:
    """One item's whole story up to ``end``, through the live transition table and rules."""
    c = _new_content(rng, ref) if recomplaint_of is None else _recomplaint_content(recomplaint_of)
    cal = ref.calendar(c.agency.id)
    item = _received_item(rng, c, cal, submitted_at, codes, seed, recomplaint_of)
    story = _Story(rng, ref, item, c.agency, cal, submitted_at, end)
    slow = c.agency.id in ref.slow
    if recomplaint_of is None and rng.random() < SUPPLEMENT and not story.supplement():
        return item
    if c.refuse_ground:
        story.refuse(c.refuse_ground)
        return item
    if recomplaint_of is None and rng.random() < FORWARD and not story.forward(c.topic):
        return item
    if story.answer(c.topic, slow) and c.channel in ("online", "api") and rng.random() < RATED:
        story.rate(may_recomplain=recomplaint_of is None)
    return item


EVENT_COLUMNS = ("feedback_id", "seq", "actor_id", "role", "at", "action", "from_state", "to_state", "note", "data",
                 "prev_hash", "hash")


def _event_rows(ids: list[int], batch: list[_Item]):
    for pk, item in zip(ids, batch, strict=True):
        prev = GENESIS
        for seq, (action, role, at, source, target, note, data) in enumerate(item.events, start=1):
            # event_chain_content without its JSON round trip of ``data`` (already plain JSON values here): same hash.
            content = {"feedback": pk, "seq": seq, "actor": None, "role": role,
                       "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "action": action, "from": source,
                       "to": target, "note": note, "data": data}
            digest = link_hash(prev, content)
            yield (pk, seq, None, role, at, action, source, target, note, json.dumps(data, cls=DjangoJSONEncoder),
                   prev, digest)
            prev = digest


def _entry_rows(ids: list[int], batch: list[_Item]):
    """The search rows of the batch's published items, in publication order (as live publication appends them)."""
    rows = [(pk, item.values["published_at"], item.values["agency_id"], item.values["procedure_code"],
             item.values["topic"], item.values["kind"], item.values["search_text"])
            for pk, item in zip(ids, batch, strict=True) if item.state == State.PUBLISHED]
    return sorted(rows, key=lambda r: (r[1], r[0]))


class _Rows:
    """The feedback table's columns and how to fill each from a simulated item's values."""

    def __init__(self) -> None:
        self.fields = [f for f in Feedback._meta.concrete_fields if not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.json = {f.attname for f in self.fields if f.get_internal_type() == "JSONField"}
        self.stamp = timezone.now()

    def row(self, pk: int, item: _Item) -> tuple:
        values = item.values
        out: list = [pk]
        for f in self.fields:
            name = f.attname
            if name in ("created_at", "updated_at"):
                out.append(self.stamp)
            elif name == "state":
                out.append(str(item.state))
            elif name == "version":
                out.append(len(item.events))
            elif name in self.json:
                out.append(json.dumps(values.get(name, self.defaults[name]), cls=DjangoJSONEncoder))
            else:
                out.append(values.get(name, self.defaults[name]))
        return tuple(out)


def _write(batch: list[_Item], links: list[tuple[int, int]], rows: _Rows) -> int:
    """Insert a batch (items, the links of re-complaints, events with their hash chains) in one transaction.

    PostgreSQL: ids taken from the sequence first, then ``COPY`` of both tables (the way ``demo generate`` writes
    dossiers). Other databases: ``bulk_create`` of the items and one ``executemany`` of the events.
    """
    for item in batch:
        v = item.values
        if not v.get("search_text"):
            v["search_text"] = _search_text(v["public_title"], v["public_content"], v["procedure_code"],
                                            v["procedure_name"])
    qn = connection.ops.quote_name
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper:
            wrapper.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                            [Feedback._meta.db_table, len(batch)])
            ids = [pk for (pk,) in wrapper.fetchall()]
            for child, parent in links:
                batch[child].values["recomplaint_of_id"] = ids[parent]
            cursor = wrapper.cursor
            columns = ", ".join(qn(c) for c in ["id", *rows.columns])
            with cursor.copy(f"COPY {qn(Feedback._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for pk, item in zip(ids, batch, strict=True):
                    copy.write_row(rows.row(pk, item))
            entry_columns = "feedback_id, published_at, agency_id, procedure_code, topic, kind, search_text"
            with cursor.copy(f"COPY {qn(PublishedEntry._meta.db_table)} ({entry_columns}) FROM STDIN") as copy:
                for row in _entry_rows(ids, batch):
                    copy.write_row(row)
            count = 0
            columns = ", ".join(qn(c) for c in EVENT_COLUMNS)
            with cursor.copy(f"COPY {qn(FeedbackEvent._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in _event_rows(ids, batch):
                    copy.write_row(row)
                    count += 1
        return count
    objs = Feedback.objects.bulk_create([Feedback(**item.values, state=str(item.state), version=len(item.events))
                                         for item in batch], batch_size=500)
    ids = [obj.pk for obj in objs]
    if links:
        for child, parent in links:
            objs[child].recomplaint_of_id = ids[parent]
        Feedback.objects.bulk_update([objs[c] for c, _ in links], ["recomplaint_of"], batch_size=500)
    PublishedEntry.objects.bulk_create([PublishedEntry(feedback_id=r[0], published_at=r[1], agency_id=r[2],
                                                       procedure_code=r[3], topic=r[4], kind=r[5], search_text=r[6])
                                        for r in _entry_rows(ids, batch)], batch_size=500)
    adapt = connection.ops.adapt_datetimefield_value
    events = [(*r[:4], adapt(r[4]), *r[5:]) for r in _event_rows(ids, batch)]
    sql = (f"INSERT INTO {qn(FeedbackEvent._meta.db_table)} ({', '.join(qn(c) for c in EVENT_COLUMNS)}) "
           f"VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})")
    with connection.cursor() as cursor:
        cursor.executemany(sql, events)
    return len(events)


@dataclass
class Summary:
    items: int
    events: int
    published: int
    refused: int
    open: int


def generate(items: int, seed: int = 1, *, start: date = DEFAULT_START, end: date | None = None,
             progress: Callable[[int], None] | None = None) -> Summary:
    """Write ``items`` PAKN items received between ``start`` and ``end`` (default: today in Vietnam)."""
    if settings.ENVIRONMENT == "production":
        raise GenerationRefused("Demo PAKN history is not generated when MOTCUA_ENV=production.")
    if items < 0:
        raise ValueError("items must not be negative.")
    end = end or timezone.now().astimezone(TZ).date()
    if end < start:
        raise ValueError("end is before start.")
    rng = random.Random(seed)
    ref = load_reference(rng)
    _DUE_CACHE.clear()  # keys hold calendar ids, valid for this run's calendars only
    end_at = datetime.combine(end, time(23, 59), tzinfo=TZ)
    days = (end - start).days + 1
    # More items on working days, growing over the period.
    weights = []
    for offset in range(days):
        d = start + timedelta(days=offset)
        weights.append((1.0 if d.weekday() < 5 else 0.25) * (1 + offset / days))
    cumulative = list(itertools.accumulate(weights))
    moments = sorted(_moment(rng, start + timedelta(days=bisect.bisect_left(cumulative, rng.random()
                                                                            * cumulative[-1])))
                     for _ in range(items))
    codes: set[str] = set(Feedback.objects.filter(submitted_at__gte=datetime.combine(start, time(0), tzinfo=TZ))
                          .values_list("code", flat=True))
    rows = _Rows()
    summary = Summary(0, 0, 0, 0, 0)
    batch: list[_Item] = []
    links: list[tuple[int, int]] = []

    def flush() -> None:
        with transaction.atomic():
            summary.events += _write(batch, links, rows)
        for item in batch:
            summary.items += 1
            summary.published += item.state == State.PUBLISHED
            summary.refused += item.state == State.REFUSED
            summary.open += item.state not in (State.PUBLISHED, State.REFUSED)
        batch.clear()
        links.clear()
        if progress:
            progress(summary.items)

    made = 0
    for moment in moments:
        if made >= items:
            break
        item = simulate(rng, ref, min(moment, end_at), end_at, codes, seed)
        batch.append(item)
        made += 1
        again = item.values.get("recomplained_at")
        if again and made >= items:
            del item.values["recomplained_at"]  # no room for the new item: this one was not re-complained
        elif again:
            parent = {"topic": item.values["topic"], "kind": item.values["kind"], "values": item.values,
                      "procedure": ref.procedure_by_id.get(item.values["procedure_id"]),
                      "agency": ref.agency_by_id[item.values["agency_id"]]}
            child = simulate(rng, ref, again, end_at, codes, seed, recomplaint_of=parent)
            item.act(Action.RECOMPLAIN, Role.APPLICANT, again, data={"new_item": child.values["code"]})
            batch.append(child)
            links.append((len(batch) - 1, len(batch) - 2))
            made += 1
        if len(batch) >= BATCH_SIZE:
            flush()
    if batch:
        flush()
    return summary
