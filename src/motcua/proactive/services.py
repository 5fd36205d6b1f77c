"""Every write of proactive online public services (Decree 224/2026 Art. 16–17; issue 16).

- :func:`run` — the scheduled job (``motcua proactive run``): for each trigger that may run today, read the
  registries' change feed past the trigger's watermark (only the new changes), skip everyone who refused proactive
  services *before any of their data is read*, read what the prepared dossier needs (each read appended to the
  access log with the trigger, purpose and legal basis), open one case per person and change, notify them, and move
  the watermark — one transaction per batch, so a crash re-reads a batch but never opens a case twice.
- :func:`confirm` — level 2–3: the person's one click submits the prepared dossier through the normal path
  (:func:`motcua.dossiers.services.submit` or :func:`motcua.dossiers.groups.submit_group`).
- :func:`respond` — level 4: the person confirms, refuses or asks for a correction; a refusal or a correction
  request sets the registry value back to what it was just before, through the change feed, and keeps the trail.
- :func:`opt_out`, :func:`opt_in` — Art. 17(3): the person may refuse proactive services, all or one trigger.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from motcua.core.notify import Message, send_later
from motcua.exchange import registries
from motcua.exchange import rules as exchange_rules
from motcua.exchange.errors import ExchangeError
from motcua.exchange.models import Outcome, PersonLink, RegistryChange
from motcua.exchange.registries.base import CallContext
from motcua.exchange.services import LogRecord, append_log, latest_change, record_change

from . import fast_run, rules
from .models import CaseState, OptOut, ProactiveCase, Trigger, TriggerWatermark

log = logging.getLogger(__name__)

__all__ = ["CaseError", "RunSummary", "confirm", "opt_in", "opt_out", "respond", "run"]

BATCH = 5000
AGENCY = "HT-CHUDONG"  # fallback only: a trigger naming no agency (the person then sees this code, not a name)


def agency_of(trigger: Trigger) -> str:
    """The agency recorded on the access log for a trigger's reads: the agency the trigger names (its receiving
    agency, e.g. BHXH for the newborn's card), so "who looked at my data" shows a named body, not a system code."""
    return trigger.agency_code or AGENCY


class CaseError(Exception):
    """The case cannot take that action (not the person's, not open, a submission error)."""

    def __init__(self, message: str, code: str = "invalid", errors: dict | None = None) -> None:
        super().__init__(message)
        self.code, self.errors = code, errors or {}


@dataclass
class RunSummary:
    triggers: int = 0
    changes_read: int = 0
    cases: int = 0
    skipped_opted_out: int = 0
    skipped_served: int = 0
    notified: int = 0
    per_trigger: dict[str, int] = field(default_factory=dict)


def purpose_of(trigger: Trigger) -> str:
    """The purpose written on every access-log entry of a trigger: the trigger, its purpose and its legal basis."""
    return (f"Dịch vụ công chủ động {trigger.code} (mức {trigger.level}): {trigger.purpose} — "
            f"căn cứ {trigger.legal_basis}")[:exchange_rules.MAX_PURPOSE]


def run(on: date | None = None, *, batch: int = BATCH, codes: list[str] | None = None) -> RunSummary:
    """Run every trigger that may run on ``on`` (today) over the changes since its watermark."""
    on = on or timezone.localdate()
    summary = RunSummary()
    triggers = Trigger.objects.filter(active=True)
    if codes:
        triggers = triggers.filter(code__in=codes)
    for trigger in triggers:
        verdict = rules.runnable(instrument=trigger.legal_instrument, article=trigger.legal_article,
                                 active=trigger.active, valid_from=trigger.valid_from, valid_to=trigger.valid_to,
                                 on=on)
        if not verdict.ok:
            log.info("proactive trigger %s not run: %s", trigger.code, verdict.reason)
            continue
        summary.triggers += 1
        while True:
            read = _run_batch(trigger, batch, summary)
            if read < batch:
                break
    return summary


def _run_batch(trigger: Trigger, batch: int, summary: RunSummary) -> int:
    registry, kind, _label = rules.SOURCES[trigger.source]
    with transaction.atomic():
        mark, _ = TriggerWatermark.objects.select_for_update().get_or_create(trigger=trigger)
        # Only the changes past the watermark, through the (registry, kind, id) index: never a scan of the feed.
        changes = list(RegistryChange.objects.filter(registry=registry, kind=kind, id__gt=mark.last_change_id)
                       .order_by("id").values_list("id", "subject", "occurred_on", "payload")[:batch])
        if not changes:
            return 0
        summary.changes_read += len(changes)
        wanted: list[tuple[int, str, date, dict, str]] = []
        for change_id, subject, occurred_on, payload in changes:
            if not rules.applies(trigger.source, payload, trigger.condition):
                continue
            # An event from before the trigger's legal basis was in force (or after it ended) opens nothing.
            if occurred_on < trigger.valid_from or (trigger.valid_to and occurred_on > trigger.valid_to):
                continue
            persons = rules.recipients(trigger.source, subject, payload)
            for person in persons[:1] if trigger.level == 4 else persons:  # one decision per event at level 4
                wanted.append((change_id, subject, occurred_on, payload, person))
        # Art. 17(3): a person who refused is dropped here, before anything about them is read or logged.
        people = {w[4] for w in wanted}
        refused = set(OptOut.objects.filter(Q(trigger__isnull=True) | Q(trigger=trigger),
                                            personal_id__in=fast_run.among(people)).values_list("personal_id",
                                                                                                flat=True))
        summary.skipped_opted_out += sum(1 for w in wanted if w[4] in refused)
        wanted = [w for w in wanted if w[4] not in refused]
        # The cases already opened from this batch (a crashed run re-reads it): the trigger's changes in this id
        # range are exactly the batch's (read in id order past the watermark), so the range says "in the batch".
        done = set(ProactiveCase.objects.filter(trigger=trigger, change_id__gte=changes[0][0],
                                                change_id__lte=changes[-1][0]).values_list("change_id",
                                                                                           "personal_id"))
        wanted = [w for w in wanted if (w[0], w[4]) not in done]
        # A trigger switched on later does not act again for whom the result is already given or on its way.
        served = _already_served(trigger, {w[1] for w in wanted})
        summary.skipped_served += sum(1 for w in wanted if w[1] in served)
        wanted = [w for w in wanted if w[1] not in served]
        cases, records = fast_run.prepare_cases(trigger, wanted, timezone.now())  # = _prepare_case one by one
        entries = append_log(records) if records else []
        _attach_log_ids(cases, records, entries)
        fast_run.insert_cases(cases)
        if trigger.level == 4:
            for case in ProactiveCase.objects.filter(trigger=trigger, change_id__in=[c.change_id for c in cases]):
                _act_automatically(trigger, case)
        summary.notified += _notify(trigger, cases)
        summary.cases += len(cases)
        summary.per_trigger[trigger.code] = summary.per_trigger.get(trigger.code, 0) + len(cases)
        mark.last_change_id = changes[-1][0]
        mark.save(update_fields=["last_change_id", "updated_at"])
    return len(changes)


SETTLED_ELSEWHERE = (CaseState.SUBMITTED, CaseState.AUTO_DONE, CaseState.CONFIRMED)


def _already_served(trigger: Trigger, subjects: set[str]) -> set[str]:
    """The subjects (the child, the deceased) who already have the trigger's result or have it on its way: for every
    procedure the trigger leads to, another trigger's case leading to it was submitted or decided, or a dossier of it
    about the subject is open or returned (e.g. the card issued within a submitted linked group). Two queries per
    batch, whatever its size."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.transitions import State

    codes = set(trigger.procedure_codes or [])
    if not subjects or not codes:
        return set()
    covered: dict[str, set[str]] = {}
    for subject, procedures in (ProactiveCase.objects.filter(subject__in=fast_run.among(subjects),
                                                             state__in=SETTLED_ELSEWHERE)
                                .exclude(trigger=trigger).values_list("subject", "trigger__procedure_codes")):
        covered.setdefault(subject, set()).update(codes & set(procedures or []))
    failed = (State.NOT_RECEIVED, State.REFUSED, State.WITHDRAWN, State.STOPPED)
    for code, subject in (Dossier.objects.filter(procedure__code__in=codes,
                                                 form_data__child__personal_id__in=subjects)
                          .exclude(state__in=failed).values_list("procedure__code", "form_data__child__personal_id")):
        covered.setdefault(subject, set()).add(code)
    # Served only when every procedure of the trigger is: a linked group is still offered after the card alone.
    served = {subject for subject, done in covered.items() if codes <= done}
    return served


def _record(trigger: Trigger, registry: str, subject: str, attributes: list[str], outcome: str = Outcome.ALLOWED,
            reason: str = "", at: datetime | None = None) -> LogRecord:
    return LogRecord(registry=registry, subject=subject, attributes=attributes, role=exchange_rules.SYSTEM,
                     purpose=purpose_of(trigger), outcome=outcome, reason=reason, agency_code=agency_of(trigger),
                     actor_username=f"proactive:{trigger.code}", actor_name=f"Tín hiệu {trigger.code}",
                     procedure_code=(trigger.procedure_codes or [""])[0], at=at or timezone.now())


def _lookup(trigger: Trigger, registry: str, subject: str, attributes: list[str], reads: list[LogRecord]
            ) -> dict[str, Any] | None:
    """Read a registry for a trigger; the read is appended to ``reads`` (logged with the batch)."""
    plugin = registries.get(registry)
    context = CallContext(agency=agency_of(trigger), actor=f"proactive:{trigger.code}", role=exchange_rules.SYSTEM,
                          purpose=purpose_of(trigger))
    try:
        values = plugin.lookup(subject, attributes, context)
    except ExchangeError as error:
        reads.append(_record(trigger, registry, subject, attributes, Outcome.UNAVAILABLE, str(error)))
        return None
    reads.append(_record(trigger, registry, subject, attributes))
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _prepare_case(trigger: Trigger, change_id: int, subject: str, occurred_on: date, payload: dict, person: str,
                  now: datetime) -> tuple[ProactiveCase, list[LogRecord]]:
    registry, kind, label = rules.SOURCES[trigger.source]
    spec = registries.SPECS.get(registry)
    source_label = spec.label if spec else label
    # The change itself is data about the person: its use is logged too.
    reads = [_record(trigger, registry, person, [kind])]
    data_used = [{"label": label, "value": occurred_on.strftime("%d/%m/%Y"), "source": source_label,
                  "registry": registry}]
    form: dict[str, Any] = {}
    applicant: dict[str, Any] = {"kind": "citizen", "personal_id": person}
    if trigger.level >= 2:
        values = _lookup(trigger, "population", person, ["full_name", "permanent_residence"], reads)
        population = registries.SPECS["population"]
        if values:
            applicant.update(full_name=values["full_name"], address=values["permanent_residence"])
            data_used += [{"label": population.attributes.get(a, a), "value": _jsonable(values[a]),
                           "source": population.label, "registry": "population"} for a in values]
        if trigger.source == rules.BIRTH:
            child = {"full_name": payload.get("child_name") or "", "birth_date": occurred_on.isoformat(),
                     "sex": payload.get("sex") or "", "place_of_birth": payload.get("place_of_birth") or "",
                     "personal_id": subject}
            form["child"] = child
            shown = {"full_name": ("Họ và tên của trẻ", child["full_name"]),
                     "birth_date": ("Ngày sinh của trẻ", occurred_on.strftime("%d/%m/%Y")),
                     "sex": ("Giới tính", {"female": "Nữ", "male": "Nam"}.get(child["sex"], child["sex"])),
                     "place_of_birth": ("Nơi sinh", child["place_of_birth"]),
                     "personal_id": ("Số định danh cá nhân của trẻ", subject)}
            data_used += [{"label": label, "value": value, "source": source_label, "registry": registry}
                          for label, value in shown.values() if value]
        elif trigger.source == rules.DEATH:
            form["deceased"] = {"personal_id": subject, "full_name": payload.get("deceased_name") or "",
                                "date_of_death": occurred_on.isoformat()}
    state = {1: CaseState.REMINDED, 4: CaseState.AUTO_DONE}.get(trigger.level, CaseState.PREPARED)
    case = ProactiveCase(trigger=trigger, personal_id=person, subject=subject, change_id=change_id,
                         event_on=occurred_on, level=trigger.level, state=state,
                         reason=rules.reason(trigger.source, occurred_on, payload), data_used=data_used,
                         form_data=form, applicant=applicant,
                         missing=rules.still_needed(trigger.source, form) if trigger.level in (2, 3) else [],
                         created_at=now,
                         respond_by=rules.respond_by(timezone.localdate(now), trigger.respond_days)
                         if trigger.level == 4 else None)
    return case, reads


def _attach_log_ids(cases: list[ProactiveCase], records: list[LogRecord], entries) -> None:
    """Each data-used row points at its access-log entry (the person sees the same read on both pages)."""
    by_key: dict[tuple[str, str], int] = {}
    for record, entry in zip(records, entries, strict=True):
        by_key.setdefault((record.subject, record.registry), entry.pk)
    for case in cases:
        for row in case.data_used:
            row["log_entry"] = by_key.get((case.personal_id, row["registry"]))


# -- level 4 ----------------------------------------------------------------------------------------------------

CARD_KINDS = ("card_issued", "card_restored")


def current_card(child: str) -> dict | None:
    """The health-insurance card the social-insurance registry holds for ``child``: its latest published change,
    else what the (simulated) registry answers."""
    change = latest_change("social_insurance", child, CARD_KINDS)
    if change is not None:
        return change.payload.get("card")
    try:
        values = registries.get("social_insurance").lookup(child, ["health_insurance_card"], CallContext())
    except ExchangeError:
        return None
    return _jsonable(values.get("health_insurance_card"))


def _act_automatically(trigger: Trigger, case: ProactiveCase) -> None:
    """Decree 224/2026 Art. 16(4)(a): decide without a submission — here, issue the newborn's health-insurance card
    in the social-insurance registry; keep the value just before (Art. 16(4)(b)) to restore it on refusal."""
    child = case.subject
    before = current_card(child)
    born = case.event_on
    try:
        sixth = born.replace(year=born.year + 6)
    except ValueError:  # 29 February
        sixth = born.replace(year=born.year + 6, day=28)
    after = {"number": f"TE1{child[-10:]}", "valid_from": born.isoformat(),
             "valid_to": (sixth - timedelta(days=1)).isoformat(), "initial_hospital": "Theo nơi cư trú của trẻ"}
    append_log([_record(trigger, "social_insurance", case.personal_id, ["health_insurance_card"])])
    record_change("social_insurance", "card_issued", child,
                  payload={"card": after, "case": case.pk, "trigger": trigger.code}, occurred_on=born)
    dossier_code = _handle_automatically(trigger, case, after)
    ProactiveCase.objects.filter(pk=case.pk).update(before={"card": before}, after={"card": after},
                                                    dossier_code=dossier_code)


def _handle_automatically(trigger: Trigger, case: ProactiveCase, result: dict) -> str:
    """Decree 224/2026 Art. 16(4)(a): the dossier of the automatic decision, opened and handled to its result by the
    system through the dossier services (each step an event of role ``system``), without the person submitting.
    Returns its code ("" when the trigger names no procedure or the catalog lacks it: the registry act stands)."""
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.transitions import Action, Role

    if not trigger.procedure_codes or not trigger.agency_code:
        return ""
    applicant = {**case.applicant, "kind": "citizen", "personal_id": case.personal_id}
    applicant.setdefault("full_name", f"Cha/mẹ của trẻ {case.subject}")
    form = {"child": {"personal_id": case.subject, "birth_date": case.event_on.isoformat()},
            "automatic_decision": {"trigger": trigger.code, "legal_basis": trigger.legal_basis},
            "result": {"health_insurance_card": result}}
    try:
        with transaction.atomic():
            dossier = dossier_services.submit(trigger.procedure_codes[0], trigger.agency_code, "online", applicant,
                                              form, actor=None, role=Role.SYSTEM, channel_by_law=True)
            for action in (Action.RECEIVE, Action.ASSIGN, Action.APPROVE, Action.ISSUE_RESULT,
                           Action.RETURN_RESULT):
                dossier = dossier_services.act(dossier.code, action, actor=None, role=Role.SYSTEM,
                                               expected_version=dossier.version)
    except (dossier_services.InvalidSubmission, LookupError) as error:
        log.warning("proactive trigger %s: no dossier for case %s: %s", trigger.code, case.pk, error)
        return ""
    return dossier.code


def respond(case_id: int, personal_id: str, answer: str, note: str = "") -> ProactiveCase:
    """Level 4: the person confirms, refuses, or asks for a correction. Refusal and correction set the registry
    value back to the state just before the automatic action (Decree 224/2026 Art. 16(4)(b))."""
    if answer not in ("confirm", "refuse", "correction"):
        raise CaseError("Câu trả lời không hợp lệ.", "invalid_answer")
    with transaction.atomic():
        case = ProactiveCase.objects.select_for_update().filter(pk=case_id, personal_id=personal_id).first()
        if case is None:
            raise CaseError("Không có việc này.", "not_found")
        if case.state != CaseState.AUTO_DONE:
            raise CaseError("Việc này đã được trả lời.", "not_open")
        now = timezone.now()
        if answer == "confirm":
            case.state = CaseState.CONFIRMED
        else:
            previous = (case.before or {}).get("card")
            record_change("social_insurance", "card_restored", case.subject,
                          payload={"card": previous, "case": case.pk, "answer": answer, "note": note[:500]},
                          occurred_on=timezone.localdate(now), at=now)
            case.state = CaseState.REFUSED if answer == "refuse" else CaseState.CORRECTION
        if case.dossier_code:
            from motcua.dossiers.services import record_automatic_answer

            record_automatic_answer(case.dossier_code, answer, note=note, at=now)  # the dossier keeps the answer
        case.note, case.decided_at = note[:2000], now
        case.save(update_fields=["state", "note", "decided_at"])
    return case


# -- level 1–3: the person's confirmation -----------------------------------------------------------------------


def confirm(case_id: int, user, personal_id: str, additions: dict[str, str] | None = None, desk: str = ""):
    """Submit the prepared dossier of a case through the normal submission path; returns the dossier. ``desk``: the
    receiving desk the person chose among those that may receive it for them (:func:`desks_for`); empty: the
    trigger's agency. Any other desk is refused (``bad_desk``) and nothing is submitted."""
    from motcua.dossiers import groups
    from motcua.dossiers import services as dossier_services

    case = ProactiveCase.objects.select_related("trigger").filter(pk=case_id, personal_id=personal_id).first()
    if case is None:
        raise CaseError("Không có việc này.", "not_found")
    if case.state not in (CaseState.PREPARED, CaseState.REMINDED):
        raise CaseError("Việc này đã được xử lý.", "not_open")
    trigger = case.trigger
    form = dict(case.form_data)
    if additions and "child_full_name" in additions and "child" in form:
        name = additions["child_full_name"].strip()
        if name:
            form["child"] = {**form["child"], "full_name": name}
    if "child" in form and not form["child"].get("full_name"):
        raise CaseError("Cần nhập tên của trẻ.", "missing", {"child_full_name": "Bắt buộc."})
    receiving = trigger.agency_code
    if desk and desk != receiving:
        comparison = desks_for(case)
        if comparison is None or desk not in comparison.allowed:
            raise CaseError("Nơi tiếp nhận đã chọn không tiếp nhận hồ sơ này cho bạn; hãy chọn trong danh sách.",
                            "bad_desk")
        receiving = desk
    applicant = {**case.applicant, "email": getattr(user, "email", "") or ""}
    applicant.setdefault("full_name", user.get_full_name() or user.username)
    try:
        with transaction.atomic():
            if trigger.group_code:
                # What the person already holds (the newborn's card issued automatically) is not asked for again.
                dossier = groups.submit_group(trigger.group_code, receiving, "online", applicant, form,
                                              actor=user, served=held_results(trigger, case.subject))
            else:
                dossier = dossier_services.submit(trigger.procedure_codes[0], receiving, "online",
                                                  applicant, form, actor=user)
            updated = ProactiveCase.objects.filter(pk=case.pk, state=case.state).update(
                state=CaseState.SUBMITTED, dossier_code=dossier.code, decided_at=timezone.now(), form_data=form)
            if not updated:
                raise CaseError("Việc này đã được xử lý.", "not_open")
            # One event, one dossier: the other parent's task for the same birth is closed with the same dossier.
            ProactiveCase.objects.filter(trigger=trigger, change_id=case.change_id, state__in=(
                CaseState.PREPARED, CaseState.REMINDED)).exclude(pk=case.pk).update(
                state=CaseState.SUBMITTED, dossier_code=dossier.code, decided_at=timezone.now(),
                note="Đã được người thân nộp.")
    except dossier_services.InvalidSubmission as error:
        raise CaseError("Chưa nộp được hồ sơ.", "invalid_submission", error.errors) from error
    return dossier


HELD = (CaseState.AUTO_DONE, CaseState.CONFIRMED)  # an automatic result the person did not refuse


def held_results(trigger: Trigger, subject: str) -> dict[str, dict]:
    """The members of ``trigger``'s linked group whose result the person already holds for ``subject``: a result
    another trigger decided automatically (Decree 224/2026 Art. 16(4)) that was not refused or sent back for
    correction (a refusal restored the registry) — member key → the result, with the dossier that gave it. The group
    does not open those members again (:func:`motcua.dossiers.groups.submit_group`, ``served``): a newborn's card
    issued automatically before the parents confirm the birth group is not issued a second time."""
    from motcua.dossiers import groups

    spec = groups.group_spec(trigger.group_code) if trigger.group_code else None
    if spec is None or not subject:
        return {}
    held: dict[str, dict] = {}
    cases = (ProactiveCase.objects.filter(subject=subject, level=4, state__in=HELD).exclude(trigger=trigger)
             .select_related("trigger").order_by("created_at", "id"))
    for case in cases:
        if not case.after:
            continue
        for member in spec.members:
            if member.procedure_code and member.procedure_code in (case.trigger.procedure_codes or []):
                held[member.key] = {**case.after, "dossier": case.dossier_code, "issued_by": case.trigger.agency_code,
                                    "issued_at": case.created_at.isoformat(), "automatic_decision": case.trigger.code,
                                    "legal_basis": case.trigger.legal_basis}
    return held


def held_members(case: ProactiveCase) -> list[dict[str, Any]]:
    """For the person's page: the group members the person already holds the result of (``name``, ``card``,
    ``dossier``), which confirming the group will not ask for again."""
    from motcua.dossiers import groups

    trigger = case.trigger
    spec = groups.group_spec(trigger.group_code) if trigger.group_code else None
    if spec is None or case.level not in (2, 3):
        return []
    return [{"name": spec.member(key).name, "card": record.get("card"), "dossier": record.get("dossier", "")}
            for key, record in held_results(trigger, case.subject).items()]


def dismiss(case_id: int, personal_id: str) -> None:
    ProactiveCase.objects.filter(pk=case_id, personal_id=personal_id,
                                 state__in=(CaseState.REMINDED, CaseState.PREPARED)).update(
        state=CaseState.DISMISSED, decided_at=timezone.now())


# -- consent ----------------------------------------------------------------------------------------------------


def opt_out(personal_id: str, trigger: Trigger | None = None) -> OptOut:
    """Decree 224/2026 Art. 17(3): refuse proactive services (``trigger`` None: all of them)."""
    try:
        with transaction.atomic():
            return OptOut.objects.create(personal_id=personal_id, trigger=trigger, at=timezone.now())
    except IntegrityError:
        return OptOut.objects.get(personal_id=personal_id, trigger=trigger)


def opt_in(personal_id: str, trigger: Trigger | None = None) -> int:
    deleted, _ = OptOut.objects.filter(personal_id=personal_id, trigger=trigger).delete()
    return deleted


# -- notification -----------------------------------------------------------------------------------------------


def _notify(trigger: Trigger, cases: list[ProactiveCase]) -> int:
    """One ``notify`` job per batch (after the commit) to the people with an e-mail on their account."""
    if not cases:
        return 0
    people = {c.personal_id for c in cases}
    users = get_user_model().objects
    mails: dict[str, str] = {}
    for pid, email in PersonLink.objects.filter(personal_id__in=fast_run.among(people)).values_list(
            "personal_id", "user__email"):
        if email:
            mails[pid] = email
    for username, email in users.filter(username__in=fast_run.among(people - set(mails))).values_list("username",
                                                                                                      "email"):
        if email:
            mails[username] = email
    messages = []
    for case in cases:
        to = mails.get(case.personal_id)
        if not to:
            continue
        what = {1: "Nhắc thực hiện", 4: "Đã tự động thực hiện"}.get(case.level, "Hồ sơ đã được chuẩn bị sẵn")
        messages.append(Message(channel="email", to=to, subject=f"{what}: {trigger.name}",
                                body=f"{case.reason}\n\nXem và xác nhận tại mục \"Việc cần làm\": /ho-so/viec-can-lam/",
                                meta={"kind": "proactive", "trigger": trigger.code, "change": case.change_id}))
    send_later(messages)
    return len(messages)


# -- level 3: options for the same result -----------------------------------------------------------------------


def options_for(case: ProactiveCase) -> list[rules.Option]:
    """Decree 224/2026 Art. 16(3): the ways to the same result, from the catalog (limits, fees), the linked group's
    rules and the offices' observed medians. A birth: the linked group online, the three procedures online one by
    one, or in person at the desk."""
    from motcua.dossiers import groups

    from . import queries

    trigger = case.trigger
    spec = groups.group_spec(trigger.group_code) if trigger.group_code else None
    if spec is None:
        return []

    def days(limit):
        if limit is None:
            return None
        amount, unit = limit
        return 0.5 if unit == "same_day" else float(amount)

    members = [(m, groups.member_limit(spec, m)) for m in spec.members]
    fees_online = [queries.fees_of(m.procedure_code, "online") for m, _ in members]
    fees_desk = [queries.fees_of(m.procedure_code, "in_person") for m, _ in members]
    medians = [queries.observed_median_days(m.procedure_code) for m, _ in members]
    group_median = queries.observed_median_days(spec.parent_procedure, trigger.agency_code)
    separate_limit = sum(days(lim) or 0 for _, lim in members)  # one after the other: each needs the previous result
    separate_median = sum(m for m in medians if m is not None) if any(m is not None for m in medians) else None

    def total(fees: list[int | None]) -> int | None:
        return None if any(f is None for f in fees) else sum(fees)

    needed = tuple(case.missing)
    from motcua.units.models import Agency

    desk_name = (Agency.objects.filter(code=trigger.agency_code).values_list("name", flat=True).first()
                 or f"bộ phận một cửa {trigger.agency_code}")
    return [
        rules.Option("group_online", f"Nhóm liên thông {spec.code}, nộp trực tuyến một lần", 1,
                     days(groups.group_limit(spec)), group_median, total(fees_online), needed, 0),
        rules.Option("separate_online", "Từng thủ tục riêng, nộp trực tuyến", len(members), separate_limit,
                     separate_median, total(fees_online),
                     (*needed, "Bản sao giấy khai sinh cho thủ tục thường trú và thẻ BHYT"), 0),
        rules.Option("desk", f"Nộp trực tiếp tại {desk_name}", 1,
                     days(groups.group_limit(spec)), group_median, total(fees_desk), needed, 2),
    ]


# -- level 3: different receiving desks (Decree 224/2026 Art. 16(3); Decree 118/2025 Art. 14) ---------------------


@dataclass
class DeskComparison:
    """The desks compared for a case, the one recommended and why, and every desk the person may choose."""

    desks: list[rules.Desk]
    recommended: str
    why: list[str]
    choices: list[tuple[str, list[tuple[str, str]]]]  # for a select: (group label or "", [(code, name), …])
    allowed: set[str]


SHORTLIST_OTHERS = 3  # desks with history shown besides the person's commune, the centres and the trigger's agency


def _receiving(trigger: Trigger) -> tuple[str, str, float | None]:
    """The procedure the receiving desk settles (a group: the member handled where it is received, e.g. the birth
    registration), the procedure whose office figures count (a group: its parent), and the legal limit in days."""
    from motcua.dossiers import groups

    from . import queries

    spec = groups.group_spec(trigger.group_code) if trigger.group_code else None
    if spec is not None:
        member = next((m for m in spec.members if m.agency == groups.RECEIVING), spec.members[0])
        limit = groups.group_limit(spec)
        return member.procedure_code, spec.parent_procedure, (
            None if limit is None else 0.5 if limit[1] == "same_day" else float(limit[0]))
    code = (trigger.procedure_codes or [""])[0]
    return code, code, queries.limit_days_of(code, "online")


def desks_for(case: ProactiveCase, on: datetime | None = None) -> DeskComparison | None:
    """Decree 224/2026 Art. 16(3): where several desks may receive the case's dossier for the person — the places
    of :func:`motcua.dossiers.places.receiving_places` for the province and commune of the address the registry
    gave — compare them (each office's observed median, the person's own commune or a service centre, online or at
    the desk) and recommend one, saying why. None when no desk is known for the person (no address, no procedure)."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers import places

    from . import queries

    trigger = case.trigger
    receiving_code, figures_code, limit = _receiving(trigger)
    procedure = Procedure.objects.filter(code=receiving_code).select_related("current_version").first()
    version = procedure.current_version if procedure else None
    if version is None:
        return None
    address = str((case.applicant or {}).get("address") or "")
    found = places.receiving_places(version, on or timezone.now(), address=address)
    if not found.desks:
        return None
    names = dict(found.desks)
    own = places.commune_from_address(address, found.desks)
    communes = {code for code in names if code.split(".")[-1].startswith("X")}
    centres = [code for code in names if code not in communes]
    medians = queries.observed_medians(figures_code, list(names))
    shortlist = [c for c in (own, *centres, trigger.agency_code) if c in names]
    others = sorted((m, c) for c, (m, n) in medians.items() if c not in shortlist and n >= rules.MIN_HISTORY)
    shortlist += [c for _m, c in others[:SHORTLIST_OTHERS]]
    desks = [rules.Desk(code, names[code], same_commune=code == own, centre=code in centres, limit_days=limit,
                        median_days=medians.get(code, (None, 0))[0], finished=medians.get(code, (None, 0))[1])
             for code in dict.fromkeys(shortlist)]
    recommended, why = rules.recommend_desk(desks)
    choices = [("", [d for d in found.desks if d[0] not in communes]),
               ("Ủy ban nhân dân xã, phường, đặc khu", [d for d in found.desks if d[0] in communes])]
    return DeskComparison(desks, recommended, why, [c for c in choices if c[1]], set(names) | {trigger.agency_code})
