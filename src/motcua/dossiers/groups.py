"""Linked procedure groups (liên thông, Decree 63/2024; Decision 296/QĐ-VPCP): one submission, a parent dossier and
one child dossier at each responsible agency (issue 4 point 8; domain.md §4).

How it works

- :func:`submit_group` registers the **parent** with :func:`.services.submit` under the group's linked procedure at
  the receiving agency, then one **child** per member at that member's agency, also with :func:`.services.submit`,
  all in one transaction. Codes: every dossier, parent or child, gets the code of the agency that holds it
  (Decree 118/2025 Art. 28(2)): the parent and the birth-registration child number at the receiving commune
  (``H01.X00070-261130-0001`` and ``-0002``), the residence child at its police body (``BCA-261130-0001``), the
  health-insurance child at Vietnam Social Security (``BHXH-261130-0001``). The child's agency decides the code, not
  the parent's, so each agency's daily sequence stays gap-free. The channel is the group's, by law
  (``channel_by_law``): the national portal lists the linked procedure 2.000986 in person only, yet Decree 63/2024
  makes the group one online submission.
- **Due times** (Decree 63/2024): each member has its own limit — birth registration the same working day, residence
  and the health-insurance card 2 working days, the whole group 3 — counted from the *submission* with the 15:00
  cut-off (after it, from the next working day; ``core.calendar.WorkingCalendar.due``), in each agency's calendar.
  A child keeps its group limit when the desk receives it (``services.receive`` counts it from the submission;
  :func:`on_event` re-applies it, with a ``group_due`` event, should a receipt ever set another).
- Children go through the normal lifecycle (:mod:`.transitions`, :func:`.services.act`). Every state change of a
  child is reported to the parent (:func:`apply_child_update`): the member's snapshot (:class:`.models.GroupMember`)
  is updated and the parent appends a ``child_update`` event — the parent's events are the one timeline the citizen
  follows. The parent's state is derived from the children (:func:`derive_parent_state`), never acted on directly.
- A child's **result reaches the next child** without re-typing: when the birth-registration child issues its result,
  the birth record (the child's data from the submission, completed by what the officer entered in
  ``data.birth_record`` of ``issue_result``) is handed to the residence and health-insurance children as a
  ``linked_result`` event with its source and SHA-256 — directly when the child is in this deployment, as a signed
  message through :mod:`motcua.exchange.messaging` when it is in another.
- A **refused** (or stopped, withdrawn, not received) child does not undo the others: their results stay, the parent
  waits in ``stopped`` and :func:`resubmit_child` submits that member again (a new attempt, given the results already
  passed on). The parent completes (``result_issued``, then ``returned``) when every member's latest attempt has.
- Children in another deployment (``motcua.exchange.messaging`` routes an agency to its peer) are created there from a
  ``group.child_submit`` message; their updates come back as ``group.child_update`` messages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure, VersionStatus
from motcua.core.calendar import WorkingCalendar
from motcua.core.chain import canonical_json
from motcua.units.models import Agency

from . import receipt, rules, services
from .codes import format_code, next_portal_sequence, receipt_date
from .models import Dossier, DossierCodeAlias, DossierEvent, GroupMember
from .transitions import STATE_STATUS, Role, State

__all__ = ["GROUPS", "GroupSpec", "MemberSpec", "apply_child_update", "derive_parent_state", "forwards_only",
           "resubmit_child", "submit_group"]

RECEIVING = "<receiving>"  # the member is handled by the agency the applicant submitted to
# Events the group machinery appends itself (the only ones a parent may receive).
GROUP_OPEN, CHILD_UPDATE, CHILD_RESUBMIT, LINKED_RESULT, GROUP_DUE = (
    "group_open", "child_update", "child_resubmit", "linked_result", "group_due")
PARENT_ACTIONS = frozenset({GROUP_OPEN, CHILD_UPDATE, CHILD_RESUBMIT})

COMPLETED = frozenset({State.RESULT_ISSUED, State.RETURNED})
NO_RESULT = frozenset({State.REFUSED, State.NOT_RECEIVED, State.STOPPED, State.WITHDRAWN})
WAITING_SUPPLEMENT = frozenset({State.SUPPLEMENT_REQUESTED, State.RECEIPT_SUPPLEMENT_REQUESTED})
PENDING = "pending"  # a child sent to another deployment, not confirmed yet
REASON_SHOWN = frozenset({"request_supplement", "refuse", "stop", "withdraw", "apologise"})


@dataclass(frozen=True)
class MemberSpec:
    key: str
    name: str
    procedure_code: str  # "" when the catalog has no record: the member cannot be submitted
    agency: str  # an agency code, or RECEIVING
    limit: tuple[int, str] | None  # (amount, unit) counted from the submission; None when not known [open]
    passes_to: tuple[str, ...] = ()  # the members that receive this one's result
    limit_open: bool = False  # [open] the limit is a configured default, not from the decree (MOTCUA_GROUP_LIMITS)


@dataclass(frozen=True)
class GroupSpec:
    code: str
    parent_procedure: str
    limit: tuple[int, str] | None
    members: tuple[MemberSpec, ...]
    limit_open: bool = False  # [open] the group's limit is a configured default, not from the decree

    def member(self, key: str) -> MemberSpec | None:
        return next((m for m in self.members if m.key == key), None)


# Decree 63/2024 (domain.md §4). Catalog codes as in ``motcua.catalog.linked_groups``. Commune police bodies are not
# in the agency table: residence goes to the Ministry of Public Security (BCA); the health-insurance card to Vietnam
# Social Security (BHXH), which the national portal names as the competent body of the linked procedure 2.000986 —
# the card has no procedure record of its own, so it is handled under 2.000986. Override the agencies with the
# setting MOTCUA_GROUP_AGENCIES = {"<group>": {"<member key>": "<agency code>"}}.
GROUPS: dict[str, GroupSpec] = {
    "LT-KS-TT-BHYT": GroupSpec(
        code="LT-KS-TT-BHYT", parent_procedure="2.000986", limit=(3, "working_days"),
        members=(
            MemberSpec("birth", "Đăng ký khai sinh", "1.001193", RECEIVING, (0, "same_day"),
                       passes_to=("residence", "health_insurance")),
            MemberSpec("residence", "Đăng ký thường trú", "1.004222", "BCA", (2, "working_days")),
            MemberSpec("health_insurance", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "2.000986", "BHXH",
                       (2, "working_days")),
        )),
    # Death registration is the same working day (after 15:00 the next one; domain.md §4). The other limits are NOT
    # in the decree's text we hold: [open] configured default, not from the decree — group 1's analogues (2 working
    # days per member, 3 for the group), overridable with MOTCUA_GROUP_LIMITS (see :func:`member_limit`). The funeral
    # allowance / survivor benefit has no procedure record of its own in the catalog: like group 1's card it is
    # handled under an existing code, the group's procedure 1.000656, at Vietnam Social Security (BHXH).
    "LT-KT-XTT-MT": GroupSpec(
        code="LT-KT-XTT-MT", parent_procedure="1.000656", limit=(3, "working_days"), limit_open=True,
        members=(
            MemberSpec("death", "Đăng ký khai tử", "1.000656", RECEIVING, (0, "same_day"),
                       passes_to=("residence_removal", "funeral_allowance")),
            MemberSpec("residence_removal", "Xóa đăng ký thường trú", "1.003197", "BCA", (2, "working_days"),
                       limit_open=True),
            MemberSpec("funeral_allowance", "Giải quyết trợ cấp mai táng, tử tuất", "1.000656", "BHXH",
                       (2, "working_days"), limit_open=True),
        )),
}


# Pure rules ------------------------------------------------------------------------------------------------------


def derive_parent_state(states: list[str]) -> str:
    """The parent's state from its members' latest states (``pending`` = not confirmed by another deployment).

    Every member completed (result issued or returned) → ``result_issued``, or ``returned`` once all are returned.
    Otherwise, while a member is still open: ``submitted`` while none is past submission, ``supplement_requested``
    when one waits for the applicant's papers, ``processing`` otherwise. All ended and one without a result →
    ``stopped`` (the others' results are kept; :func:`resubmit_child` reopens the group).
    """
    if not states:
        raise ValueError("A group has members.")
    if all(s in COMPLETED for s in states):
        return State.RETURNED if all(s == State.RETURNED for s in states) else State.RESULT_ISSUED
    open_ = [s for s in states if s not in COMPLETED and s not in NO_RESULT]
    if not open_:
        return State.STOPPED
    if all(s in (PENDING, State.SUBMITTED) for s in states):
        return State.SUBMITTED
    if any(s in WAITING_SUPPLEMENT for s in open_):
        return State.SUPPLEMENT_REQUESTED
    return State.PROCESSING


# How far a group has come; a child's update never moves the parent back (issue 12 point 17: a late "received"
# had rolled a returned group back to "processing"). Reopening a stopped group is resubmit_child's, not an update's.
_PROGRESS = {State.SUBMITTED: 0, State.PROCESSING: 1, State.SUPPLEMENT_REQUESTED: 1, State.STOPPED: 2,
             State.RESULT_ISSUED: 3, State.RETURNED: 4}


def forwards_only(current: str, derived: str) -> str:
    """The parent's state after a child's update: ``derived``, unless that is behind ``current``."""
    return derived if _PROGRESS.get(derived, 0) >= _PROGRESS.get(current, 0) else current


def member_due(calendar: WorkingCalendar, submitted_at: datetime, limit: tuple[int, str] | None) -> datetime | None:
    """The due time of a member (or of the group) counted from the submission, cut-off included: after 15:00 from
    the next working day (Decree 63/2024 Art. 7, replaced by Decree 301/2026 Art. 5 from 1/9/2026; the death
    group's members as configured [open])."""
    if limit is None:
        return None
    amount, unit = limit
    return calendar.due(submitted_at, amount, unit, cutoff_moves_start=True)


# Configuration ---------------------------------------------------------------------------------------------------


def group_spec(code: str) -> GroupSpec | None:
    return GROUPS.get(code)


OPEN_LIMIT_NOTE = "[open] configured default, not from the decree"
GROUP_KEY = "group"  # MOTCUA_GROUP_LIMITS key for the whole group's limit


def _limit_override(spec: GroupSpec, key: str) -> tuple[int, str] | bool | None:
    """MOTCUA_GROUP_LIMITS = {"<group>": {"<member key>" or "group": [amount, unit] or None}}; False when unset.

    ``unit`` is one of ``core.calendar.Unit`` (working_days, same_day, calendar_days…); None means no due time."""
    from django.core.exceptions import ImproperlyConfigured

    from motcua.core.calendar import Unit

    overrides = settings.MOTCUA_GROUP_LIMITS.get(spec.code, {})
    if key not in overrides:
        return False
    value = overrides[key]
    if value is None:
        return None
    try:
        amount, unit = value
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            raise ValueError(amount)
        return amount, Unit(unit).value
    except (TypeError, ValueError) as bad:
        raise ImproperlyConfigured(f"MOTCUA_GROUP_LIMITS[{spec.code!r}][{key!r}] must be [amount >= 0, unit] "
                                   f"with a unit of {[u.value for u in Unit]}, or None; got {value!r}.") from bad


def member_limit(spec: GroupSpec, member: MemberSpec) -> tuple[int, str] | None:
    """The member's limit: the setting's when configured, else the spec's (decree or [open] default)."""
    value = _limit_override(spec, member.key)
    return member.limit if value is False else value


def group_limit(spec: GroupSpec) -> tuple[int, str] | None:
    value = _limit_override(spec, GROUP_KEY)
    return spec.limit if value is False else value


def open_limits(spec: GroupSpec) -> dict:
    """The limits that are configured defaults, not from the decree, as recorded in the parent's data [open]."""
    found = {m.key: member_limit(spec, m) for m in spec.members if m.limit_open}
    if spec.limit_open:
        found[GROUP_KEY] = group_limit(spec)
    return {"note": OPEN_LIMIT_NOTE, "limits": {k: list(v) if v else None for k, v in found.items()}} if found else {}


def member_agency(spec: GroupSpec, member: MemberSpec, receiving: str) -> str:
    overrides = settings.MOTCUA_GROUP_AGENCIES.get(spec.code, {})
    code = overrides.get(member.key, member.agency)
    return receiving if code == RECEIVING else code


def _messaging():
    from motcua.exchange.messaging import services as messaging

    return messaging


def _calendar(agency_code: str, cache: dict) -> WorkingCalendar:
    if agency_code not in cache:
        cache[agency_code] = WorkingCalendar.from_db(Agency.objects.filter(code=agency_code).first())
    return cache[agency_code]


# Submission ------------------------------------------------------------------------------------------------------


def _set_group_fields(dossier: Dossier, **values: Any) -> None:
    for name, value in values.items():
        setattr(dossier, name, value)
    Dossier.objects.filter(pk=dossier.pk).update(**values)


def _lock_parent(pk: int) -> Dossier:
    return Dossier.objects.select_for_update(of=("self",)).select_related("agency").get(pk=pk)


def _append(dossier: Dossier, *, action: str, at: datetime, to_state: str | None = None, data: dict,
            actor=None, role: str = Role.SYSTEM, reason: str = "") -> DossierEvent:
    """Bump the (locked) dossier's version, set its state and append one sealed event."""
    source = dossier.state
    target = str(to_state or source)
    if target != source:
        dossier.set_state(target)
        if State(target) in (COMPLETED | NO_RESULT) and dossier.finished_at is None:
            dossier.finished_at = at
        if target == State.RETURNED:
            dossier.returned_at = at
        if target not in COMPLETED and target not in NO_RESULT:
            dossier.finished_at = None
    dossier.version += 1
    dossier.save()
    return services.append_event(dossier, actor=actor, role=str(role), at=at, action=action, from_state=source,
                                 to_state=target, step="", reason=reason, data=data)


def _child_form(form_data: dict, spec: GroupSpec, member: MemberSpec, parent_code: str, attempt: int,
                origin: str) -> dict:
    return {**form_data, "group": {"code": spec.code, "parent": parent_code, "key": member.key, "attempt": attempt,
                                   "origin": origin}}


def submit_group(group_code: str, agency_code: str, channel: str, applicant: dict, form_data: dict, actor=None,
                 at: datetime | None = None, *, role: str | None = None, served: dict[str, dict] | None = None
                 ) -> Dossier:
    """Register a linked group: the parent and one child per member, in one transaction (see the module text).

    ``served``: member key → the result the applicant already holds (e.g. the newborn's health-insurance card issued
    by an automatic decision, Decree 224/2026 Art. 16(4)): that member opens no child — nothing is issued twice — and
    is recorded as returned with that result (and the dossier that gave it, ``record["dossier"]``).

    Raises :class:`.services.InvalidSubmission` naming the group, a member whose procedure is missing, or the
    child's own field errors prefixed with ``members.<key>.``; nothing is written then.
    """
    at = at or timezone.now()
    spec = group_spec(str(group_code or ""))
    if spec is None:
        raise services.InvalidSubmission({"group": _("Không có nhóm thủ tục liên thông %(code)s; các nhóm: "
                                                     "%(known)s.") % {"code": group_code,
                                                                      "known": ", ".join(sorted(GROUPS))}})
    errors: dict[str, str] = {}
    served = {k: v for k, v in (served or {}).items() if spec.member(k) is not None}
    ready = set(Procedure.objects.filter(code__in=[m.procedure_code for m in spec.members if m.procedure_code],
                                         current_version__status=VersionStatus.PUBLISHED)
                .values_list("code", flat=True))
    wanted = {member_agency(spec, m, agency_code) for m in spec.members}
    known = set(Agency.objects.filter(code__in=wanted).values_list("code", flat=True))
    for member in spec.members:
        if member.key in served:
            continue
        if member.procedure_code not in ready:
            what = member.procedure_code or "no catalog record"
            errors[f"members.{member.key}.procedure"] = _(
                "%(name)s (%(what)s) chưa có thủ tục được công bố: chưa thể nộp trực tuyến nhóm liên thông này."
            ) % {"name": member.name, "what": what}
        agency = member_agency(spec, member, agency_code)
        if agency not in known and agency != agency_code:  # the receiving agency is checked by submit()
            errors[f"members.{member.key}.agency"] = _("Không có cơ quan %(code)s.") % {"code": agency}
    if errors:
        raise services.InvalidSubmission(errors)
    messaging = _messaging()
    calendars: dict[str, WorkingCalendar] = {}
    peers = messaging.peer_table()
    with transaction.atomic():
        parent = services.submit(spec.parent_procedure, agency_code, channel, applicant, form_data, actor, at,
                                 role=role, channel_by_law=True)
        previous_code = _give_group_code(parent, agency_code, channel, at)
        limit = group_limit(spec)
        due = member_due(_calendar(agency_code, calendars), at, limit)
        # The parent row is new in this transaction: nobody else sees it, so it is changed without a lock and
        # saved once, with its group_open event (_append).
        parent.group_code, parent.due_at, parent.index_due_at = spec.code, due, due
        parent.time_limit_amount = limit[0] if limit else None
        parent.time_limit_unit = limit[1] if limit else ""
        parent.deadline_flag = "" if limit else "no_time_limit"
        listed = []
        for member in spec.members:
            if member.key in served:
                row = GroupMember.objects.create(
                    parent=parent, key=member.key, name=member.name, procedure_code=member.procedure_code,
                    agency_code=member_agency(spec, member, agency_code), child_code=str(
                        served[member.key].get("dossier") or ""), state=State.RETURNED,
                    status_code=STATE_STATUS[State.RETURNED], result=served[member.key])
                listed.append({"key": row.key, "name": row.name, "agency": row.agency_code, "child": row.child_code,
                               "deployment": "", "due_at": None, "served": True})
                continue
            given = {k: served[k] for k in served if member.key in spec.member(k).passes_to}
            row = _open_member(parent, spec, member, 1, agency_code, channel, applicant, form_data, actor, at, role,
                               calendars, messaging, peers=peers, results=given)
            listed.append({"key": row.key, "name": row.name, "agency": row.agency_code, "child": row.child_code,
                           "deployment": row.deployment, "due_at": row.due_at})
        opened = {"group": spec.code, "due_at": due, "members": listed}
        if previous_code:
            opened.update(previous_code=previous_code, code=parent.code)
        if open_limits(spec):
            opened["open_limits"] = open_limits(spec)  # [open] configured defaults, not from the decree
        _append(parent, action=GROUP_OPEN, at=at, data=opened)
    return parent


def _give_group_code(parent: Dossier, receiving: str, channel: str, at: datetime) -> str:
    """The linked group's dossier code carries the receiving desk's identifier (in person, by post) or the national
    portal's (online) (Decree 118/2025 Art. 28(2)(a), from 1/7/2025; ``MOTCUA_NATIONAL_PORTAL_ID``). The parent was
    numbered under the receiving desk by :func:`.services.submit`; an online group is renumbered under the portal
    and the first code stays valid for lookup (:class:`DossierCodeAlias`). Returns that first code, or ``""``."""
    portal = settings.MOTCUA_NATIONAL_PORTAL_ID
    identifier = receipt.code_identifier(at, receiving, receiving, linked_group=True, channel=channel, portal=portal)
    if identifier == receiving:
        return ""
    day = receipt_date(at)
    old = parent.code
    DossierCodeAlias.objects.create(code=old, dossier=parent, replaced_at=at)
    parent.code = format_code(identifier, day, next_portal_sequence(identifier, day))
    Dossier.objects.filter(pk=parent.pk).update(code=parent.code)
    return old


def _open_member(parent: Dossier, spec: GroupSpec, member: MemberSpec, attempt: int, receiving: str, channel: str,
                 applicant: dict, form_data: dict, actor, at: datetime, role: str | None, calendars: dict,
                 messaging, *, peers: list | None = None, results: dict | None = None) -> GroupMember:
    """Create one member's child: here with :func:`.services.submit`, or as a message to the deployment that owns
    its agency. ``results``: what earlier members passed on (looked up when not given)."""
    agency = member_agency(spec, member, receiving)
    due = member_due(_calendar(agency, calendars), at, member_limit(spec, member))
    peer = messaging.route(agency, peers)
    if results is None:
        results = _results_for(parent, member.key)
    row = GroupMember(parent=parent, key=member.key, attempt=attempt, name=member.name,
                      procedure_code=member.procedure_code, agency_code=agency, deployment=peer or "", due_at=due)
    if peer:
        row.state = PENDING
        row.save(force_insert=True)
        messaging.enqueue(peer, "group.child_submit", {
            "group": spec.code, "parent": parent.code, "key": member.key, "attempt": attempt,
            "procedure": member.procedure_code, "agency": agency, "channel": channel, "applicant": applicant,
            "form_data": form_data, "submitted_at": at.isoformat(), "results": results})
        return row
    try:
        child = services.submit(member.procedure_code, agency, channel, applicant,
                                _child_form(form_data, spec, member, parent.code, attempt, ""), actor, at, role=role,
                                channel_by_law=True)
    except services.InvalidSubmission as invalid:
        raise services.InvalidSubmission({f"members.{member.key}.{k}": v for k, v in invalid.errors.items()}) \
            from None
    _make_child(child, spec, member, parent_code=parent.code, parent=parent, origin="", due=due)
    row.child, row.child_code, row.state, row.status_code = child, child.code, child.state, child.status_code
    row.save(force_insert=True)
    for source_key, record in results.items():
        give_result(child, record, source_key=source_key, at=at)
    return row


def _make_child(child: Dossier, spec: GroupSpec, member: MemberSpec, *, parent_code: str, parent: Dossier | None,
                origin: str, due: datetime | None) -> None:
    limit = member_limit(spec, member)
    _set_group_fields(child, group_code=spec.code, parent=parent, group_parent_code=parent_code, group_origin=origin,
                      due_at=due, index_due_at=due, time_limit_amount=limit[0] if limit else None,
                      time_limit_unit=limit[1] if limit else "", deadline_flag="" if limit else "no_time_limit")


def submit_remote_child(sender: str, body: dict) -> Dossier:
    """Create here the child another deployment asked for (message ``group.child_submit``); role ``system``."""
    spec = group_spec(body["group"])
    member = spec.member(body["key"]) if spec else None
    if member is None:
        raise ValueError(f"Unknown group member {body.get('group')}/{body.get('key')}.")
    at = datetime.fromisoformat(body["submitted_at"])
    due = member_due(WorkingCalendar.from_db(Agency.objects.filter(code=body["agency"]).first()), at,
                     member_limit(spec, member))
    with transaction.atomic():
        child = services.submit(body["procedure"], body["agency"], body["channel"], body["applicant"],
                                _child_form(body["form_data"], spec, member, body["parent"], body["attempt"], sender),
                                None, at, role=Role.SYSTEM, channel_by_law=True)
        _make_child(child, spec, member, parent_code=body["parent"], parent=None, origin=sender, due=due)
        for source_key, record in (body.get("results") or {}).items():
            give_result(child, record, source_key=source_key, at=at)
        _report(child, {"action": "submit", "at": at.isoformat()})
    return child


def find_remote_child(sender: str, parent_code: str, key: str, attempt: int) -> Dossier | None:
    for child in Dossier.objects.filter(group_parent_code=parent_code, group_origin=sender):
        group = (child.form_data or {}).get("group", {})
        if group.get("key") == key and group.get("attempt") == attempt:
            return child
    return None


# Children → parent -----------------------------------------------------------------------------------------------


def _update_of(child: Dossier, event_info: dict, result: dict | None = None) -> dict:
    group = (child.form_data or {}).get("group", {})
    update = {"parent": child.group_parent_code, "key": group.get("key"), "attempt": group.get("attempt", 1),
              "child": child.code, "agency": child.agency.code if child.agency_id else "", "state": child.state,
              "status": child.status_code, "due_at": child.due_at.isoformat() if child.due_at else None,
              "version": child.version, **event_info}
    if result:
        update["result"] = result
    return update


def _report(child: Dossier, event_info: dict, result: dict | None = None) -> None:
    """Tell the parent about the child's state: directly, or as a message to the deployment holding it."""
    update = _update_of(child, event_info, result)
    if child.parent_id:
        apply_child_update(child.parent_id, update, via="")
    elif child.group_origin:
        _messaging().enqueue(child.group_origin, "group.child_update", update)


def apply_child_update(parent: Dossier | int, update: dict, *, via: str) -> Dossier:
    """Record a child's new state on the parent: the member's snapshot, a ``child_update`` event, the derived state,
    and pass a result on to the members that need it. ``via`` is the deployment the update came from ("" here)."""
    with transaction.atomic():
        parent = _lock_parent(parent if isinstance(parent, int) else parent.pk)
        spec = group_spec(parent.group_code)
        member = GroupMember.objects.select_for_update().filter(parent=parent, key=update["key"],
                                                                 attempt=update["attempt"]).first()
        if spec is None or member is None:
            raise ValueError(f"{parent.code} has no member {update.get('key')}#{update.get('attempt')}.")
        version = update.get("version")
        if isinstance(version, int) and version <= member.child_version:
            return parent  # stale: overtaken by a later update of the same child (issue 12 point 17)
        if isinstance(version, int):
            member.child_version = version
        member.child_code = update["child"]
        member.state = update["state"]
        member.status_code = update["status"]
        if update.get("due_at"):
            member.due_at = datetime.fromisoformat(update["due_at"])
        if update.get("result"):
            member.result = update["result"]
        member.save()
        # Issue 12 point 18: an update from another deployment happens here when it arrives (the receiver's clock);
        # the sender's time is kept as data. From this deployment's own child, the child's event time.
        sent_at = _parse(update.get("at"))
        at = timezone.now() if via else (sent_at or timezone.now())
        target = forwards_only(parent.state, derive_parent_state(_latest_states(parent)))
        data = {k: update.get(k) for k in ("key", "attempt", "child", "agency", "state", "status", "action",
                                           "version")}
        data.update({k: update[k] for k in ("reason", "missing") if update.get(k)})
        if via:
            data["via"] = via
            if sent_at is not None:
                data["sent_at"] = sent_at.isoformat()
        _append(parent, action=CHILD_UPDATE, at=at, to_state=target, data=data)
        if update.get("result") and spec.member(member.key):
            for key in spec.member(member.key).passes_to:
                target_member = _latest(parent, key)
                if target_member is not None:
                    _deliver(target_member, update["result"], member.key, at)
    return parent


def _parse(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value) if value else None


def _latest(parent: Dossier, key: str) -> GroupMember | None:
    return GroupMember.objects.filter(parent=parent, key=key).order_by("-attempt").first()


def _latest_members(parent: Dossier) -> list[GroupMember]:
    latest: dict[str, GroupMember] = {}
    for row in GroupMember.objects.filter(parent=parent).order_by("attempt", "id"):
        latest[row.key] = row
    return list(latest.values())


def _latest_states(parent: Dossier) -> list[str]:
    return [m.state for m in _latest_members(parent)]


def _results_for(parent: Dossier, key: str) -> dict[str, dict]:
    """The results already passed on that member ``key`` receives (for a late or repeated child)."""
    spec = group_spec(parent.group_code)
    found = {}
    for row in _latest_members(parent):
        source = spec.member(row.key) if spec else None
        if source and key in source.passes_to and row.result:
            found[row.key] = row.result
    return found


def _deliver(member: GroupMember, record: dict, source_key: str, at: datetime) -> None:
    if member.deployment:
        _messaging().enqueue(member.deployment, "group.child_evidence", {
            "parent": member.parent.code, "key": member.key, "attempt": member.attempt, "source": source_key,
            "record": record})
    elif member.child_id:
        give_result(member.child, record, source_key=source_key, at=at)


def give_result(child: Dossier | int, record: dict, *, source_key: str, at: datetime | None = None) -> Dossier:
    """Hand a previous member's result (e.g. the birth record) to ``child``: stored under
    ``form_data["linked_results"][source_key]`` and traced by a ``linked_result`` event with the record and its
    SHA-256. Idempotent: the same record from the same source is recorded once."""
    at = at or timezone.now()
    with transaction.atomic():
        child = _lock_parent(child if isinstance(child, int) else child.pk)
        results = dict((child.form_data or {}).get("linked_results") or {})
        if results.get(source_key) == record:
            return child
        results[source_key] = record
        child.form_data = {**(child.form_data or {}), "linked_results": results}
        digest = hashlib.sha256(canonical_json(record).encode()).hexdigest()
        _append(child, action=LINKED_RESULT, at=at, data={"source": source_key, "record": record, "sha256": digest})
        _log_access(child, record, source_key, at)
    return child


def _log_access(child: Dossier, record: dict, source_key: str, at: datetime) -> None:
    """The hand-over is a use of personal data by the child's agency: it goes to the exchange's access log (issue 4
    points 4–6: who, which agency, which dossier and purpose, which fields), visible to the person it is about."""
    from motcua.core.identifiers import personal_id_error
    from motcua.exchange.services import LogRecord, append_log

    subject = str(record.get("personal_id") or "")
    if not subject or personal_id_error(subject):
        subject = child.applicant_personal_id or child.applicant_enterprise_code
    key = (child.form_data or {}).get("group", {}).get("key", "")
    append_log([LogRecord(
        registry="civil_status", subject=subject, attributes=sorted(record), role=str(Role.SYSTEM),
        purpose=f"Liên thông {child.group_code} (Nghị định 63/2024/NĐ-CP): kết quả '{source_key}' "
                f"({record.get('dossier', '')}) chuyển cho '{key}'",
        outcome="allowed", at=at, agency_code=child.agency.code, dossier_code=child.code,
        procedure_code=child.procedure.code)])


def _result_of(child: Dossier, event: DossierEvent) -> dict | None:
    """What a member passes on when its result is issued: for the birth (or death) registration, the record."""
    spec = group_spec(child.group_code)
    key = (child.form_data or {}).get("group", {}).get("key")
    member = spec.member(key) if spec and key else None
    if member is None or not member.passes_to:
        return None
    form = child.form_data or {}
    entered = (event.data or {}).get("birth_record") or (event.data or {}).get("record") or {}
    subject = form.get("child") or form.get("deceased") or {}
    record = {**subject, **entered} if isinstance(entered, dict) else dict(subject)
    record["issued_by"] = child.agency.code
    record["dossier"] = child.code
    record["issued_at"] = event.at.isoformat()
    return record


def on_event_appended(event: DossierEvent) -> None:
    """The "event appended" hook (:func:`.services.register_event_hook`, registered in ``apps.py``): events of
    linked-group dossiers (parents and children) go through :func:`on_event`, in the same transaction: a child's change
    reaches its parent; a parent refuses actions that are not the group's own."""
    if event.dossier.group_code:
        on_event(event)


def on_event(event: DossierEvent) -> None:
    """Called for every dossier event of a group dossier, inside the transaction that appends it.

    On a parent: only the group's own events are allowed (its state is derived). On a child: after ``receive`` the
    group limit counted from the submission is put back (the desk's receipt would otherwise restart it from the
    procedure's own limit: a ``group_due`` event records it); every state change is reported to the parent.
    """
    dossier = event.dossier
    if not dossier.group_parent_code:
        if event.action not in PARENT_ACTIONS and event.seq > 1:
            raise rules.RuleViolation("group_parent_derived", _(
                "Hồ sơ %(code)s là hồ sơ chung của nhóm liên thông: hãy xử lý các hồ sơ thành phần.")
                % {"code": dossier.code})
        return
    if event.action in (LINKED_RESULT, GROUP_DUE) or event.from_state == event.to_state:
        return
    if event.action == "receive":
        _keep_group_due(dossier, event)
    result = _result_of(dossier, event) if event.action == "issue_result" else None
    info = {"action": event.action, "at": event.at.isoformat()}
    if event.action in REASON_SHOWN and event.reason:
        info["reason"] = event.reason  # addressed to the applicant: shown on the group's timeline
    if event.action == "request_supplement":
        info["missing"] = list((event.data or {}).get("missing") or [])
    _report(dossier, info, result)


def _keep_group_due(child: Dossier, event: DossierEvent) -> None:
    spec = group_spec(child.group_code)
    key = (child.form_data or {}).get("group", {}).get("key")
    member = spec.member(key) if spec and key else None
    if member is None:
        return
    calendar = WorkingCalendar.from_db(child.agency)
    limit = member_limit(spec, member)
    due = member_due(calendar, child.submitted_at, limit)
    if child.due_at == due and child.clock_started_at == child.submitted_at:
        return
    child.time_limit_amount = limit[0] if limit else None
    child.time_limit_unit = limit[1] if limit else ""
    child.deadline_flag = "" if limit else "no_time_limit"
    child.clock_started_at, child.due_at, child.index_due_at = child.submitted_at, due, due
    if due is not None:
        child.steps = rules.plan_steps(services.process_for(child.procedure, calendar), event.at, due, calendar)
    rule = OPEN_LIMIT_NOTE if member.limit_open else "Nghị định 63/2024/NĐ-CP"
    _append(child, action=GROUP_DUE, at=event.at, data={"due_at": due, "rule": rule,
                                                        "counted_from": child.submitted_at})


# Resubmission ----------------------------------------------------------------------------------------------------


def resubmit_child(parent_code: str, key: str, *, actor=None, role: str | None = None,
                   at: datetime | None = None, form_data: dict | None = None) -> GroupMember:
    """Submit member ``key`` of a group again after its child ended without a result (refused, not received,
    stopped, withdrawn). The other members' work is kept; results already passed on are given to the new child."""
    at = at or timezone.now()
    with transaction.atomic():
        parent = Dossier.objects.select_for_update(of=("self",)).filter(code=parent_code,
                                                                       group_parent_code="").first()
        if parent is None or not parent.group_code:
            raise services.DossierNotFound(parent_code)
        spec = group_spec(parent.group_code)
        member = spec.member(key) if spec else None
        last = _latest(parent, key)
        if member is None or last is None:
            raise rules.RuleViolation("unknown_member", _("Hồ sơ %(code)s không có thủ tục thành phần %(key)s.")
                                      % {"code": parent_code, "key": key})
        if last.state not in NO_RESULT:
            raise rules.RuleViolation("member_not_ended", _(
                "Chỉ nộp lại được thủ tục thành phần đã kết thúc mà không có kết quả; %(key)s đang ở trạng thái "
                "%(state)s.") % {"key": key, "state": last.state})
        applicant = {"kind": parent.applicant_kind, "personal_id": parent.applicant_personal_id,
                     "enterprise_code": parent.applicant_enterprise_code, "full_name": parent.applicant_name,
                     "phone": parent.applicant_phone, "email": parent.applicant_email,
                     "address": parent.applicant_address}
        base = {k: v for k, v in (form_data if form_data is not None else parent.form_data or {}).items()
                if k not in ("group", "linked_results")}
        receiving = parent.agency.code
        row = _open_member(parent, spec, member, last.attempt + 1, receiving, parent.channel, applicant, base,
                           actor, at, role, {}, _messaging())
        parent = _lock_parent(parent.pk)
        _append(parent, action=CHILD_RESUBMIT, at=at, to_state=derive_parent_state(_latest_states(parent)),
                actor=actor if role not in (None, Role.SYSTEM) else None, role=role or Role.SYSTEM,
                data={"key": key, "attempt": row.attempt, "child": row.child_code, "agency": row.agency_code})
    return row


# Reads -----------------------------------------------------------------------------------------------------------


def members_of(parent: Dossier) -> list[GroupMember]:
    """Every member attempt of a parent, in order (latest attempt last within a key)."""
    return list(GroupMember.objects.filter(parent=parent).order_by("id"))


def timeline(parent: Dossier) -> list[DossierEvent]:
    """The one timeline a citizen follows: the parent's events and those of its children here, by time."""
    ids = [parent.pk, *GroupMember.objects.filter(parent=parent, child__isnull=False).values_list("child_id",
                                                                                                   flat=True)]
    return list(DossierEvent.objects.filter(dossier_id__in=ids).select_related("dossier", "actor")
                .order_by("at", "dossier_id", "seq"))


def describe(dossier: Dossier) -> dict | None:
    """The group part of a dossier's representation: a parent's members (latest attempt last) or a child's parent."""
    if not dossier.group_code:
        return None
    if dossier.group_parent_code:
        group = (dossier.form_data or {}).get("group", {})
        return {"code": dossier.group_code, "role": "child", "parent": dossier.group_parent_code,
                "member": group.get("key"), "attempt": group.get("attempt"), "origin": dossier.group_origin or None}
    return {"code": dossier.group_code, "role": "parent",
            "members": [{"key": m.key, "attempt": m.attempt, "name": m.name, "procedure": m.procedure_code,
                         "agency": m.agency_code, "deployment": m.deployment or None, "child": m.child_code or None,
                         "state": m.state, "status": m.status_code, "due_at": m.due_at} for m in members_of(dossier)]}


def submit_group_once(key: str, owner, fingerprint: str, render, **kwargs: Any) -> services.IdempotentOutcome:
    """:func:`submit_group` at most once per ``(owner, Idempotency-Key)``, as :func:`.services.submit_once`."""
    with transaction.atomic():
        record_id = services.claim_key(owner.pk, key, fingerprint)
        if record_id is None:
            from .models import IdempotencyRecord

            record = IdempotencyRecord.objects.get(owner=owner, key=key)
            if record.fingerprint != fingerprint:
                raise services.IdempotencyKeyReused(key)
            return services.IdempotentOutcome(record, replayed=True)
        parent = submit_group(**kwargs)
        status_code, response = render(parent)
        services.store_outcome(record_id, parent.pk, status_code, response)
    from .models import IdempotencyRecord

    record = IdempotencyRecord(pk=record_id, owner=owner, key=key, fingerprint=fingerprint, dossier=parent,
                               status_code=status_code, response=response)
    return services.IdempotentOutcome(record, replayed=False)
