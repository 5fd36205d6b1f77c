"""Scheduled work: closing after an unanswered supplement notice; receipts past their 8 working hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from .. import lawsets, receipt
from ..models import ChannelKind, Dossier
from ..transitions import Action, Role, State, TransitionNotAllowed
from .actions import act
from .errors import VersionConflict
from .events import at_or_now

CLOSING_REASON = ("Đóng hồ sơ: quá thời hạn hoàn thiện hồ sơ kể từ khi thông báo yêu cầu bổ sung mà tổ chức, cá "
                  "nhân chưa bổ sung đầy đủ (khoản 5 Điều 19 Nghị định 118/2025/NĐ-CP).")

GROUP_CLOSING_REASON = ("Dừng giải quyết hồ sơ liên thông: quá 07 ngày làm việc kể từ khi thông báo yêu cầu bổ sung "
                        "mà tổ chức, cá nhân chưa bổ sung đầy đủ (Điều 7 Nghị định 63/2024/NĐ-CP được thay thế bởi "
                        "Điều 5 Nghị định 301/2026/NĐ-CP).")


def close_unanswered(at: datetime | None = None) -> list[str]:
    """Close every dossier whose supplement notice is unanswered past its period (Decree 118/2025 Art. 19(5): 15
    days, or the sector law's): a system ``stop`` with the reason, which notifies the applicant. Idempotent (a
    closed dossier is no longer waiting); a dossier changed concurrently is left for the next run. Returns the
    codes closed. ``motcua dossiers close-expired`` runs it."""
    at = at_or_now(at)
    closed = []
    due = (Dossier.objects.filter(state=State.SUPPLEMENT_REQUESTED, supplement_closes_at__lte=at)
           .order_by("supplement_closes_at", "code").values_list("code", "version", "group_parent_code",
                                                                 "group_code", "submitted_at"))
    for code, version, parent_code, group_code, submitted_at in due:
        # A linked birth group's member (Decree 301/2026, from 1/9/2026) stops after 7 working days; its own reason.
        in_group = (bool(parent_code) and group_code == lawsets.BIRTH_GROUP
                    and lawsets.linked_group_rules_for(submitted_at).supplement_completion_working_days is not None)
        try:
            act(code, Action.STOP, actor=None, role=Role.SYSTEM, expected_version=version, at=at,
                reason=GROUP_CLOSING_REASON if in_group else CLOSING_REASON)
        except (VersionConflict, TransitionNotAllowed):
            continue
        closed.append(code)
        if in_group:
            closed += _stop_group_siblings(code, parent_code, at)
    return closed


def _stop_group_siblings(code: str, parent_code: str, at: datetime) -> list[str]:
    """Decree 301/2026 Art. 5 stops the processing of the linked group, not one member: the other members open on
    this deployment and in a state a stop may leave are stopped with the same reason (a member still waiting for
    its desk's receipt, or owned by another deployment, is left to its desk)."""
    stopped = []
    siblings = (Dossier.objects.filter(group_parent_code=parent_code).exclude(code=code)
                .exclude(state__in=[State.STOPPED, State.REFUSED, State.WITHDRAWN, State.RESULT_ISSUED,
                                    State.RETURNED, State.NOT_RECEIVED])
                .order_by("code").values_list("code", "version"))
    for sibling, version in siblings:
        try:
            act(sibling, Action.STOP, actor=None, role=Role.SYSTEM, expected_version=version, at=at,
                reason=GROUP_CLOSING_REASON)
        except (VersionConflict, TransitionNotAllowed):
            continue
        stopped.append(sibling)
    return stopped


def flag_late_receipts(at: datetime | None = None) -> list[str]:
    """Flag the online dossiers still waiting for the desk past their 8 working hours (Decree 118/2025
    Art. 17(2)(c)): their receipt deadline is recomputed with the agency's full calendar (the one set at
    submission ignores the days an administrator entered), and ``receipt_late`` set when it has passed. Changes
    no state and appends no event (the desk's answer records ``receipt_late`` in its event). Idempotent. Returns the
    codes flagged now."""
    from ..queries import calendar_for

    at = at_or_now(at)
    flagged = []
    waiting = (Dossier.objects.filter(state=State.SUBMITTED, channel=ChannelKind.ONLINE, receipt_late=False,
                                      receipt_due_at__isnull=False, receipt_due_at__lt=at + timedelta(days=7))
               .select_related("agency"))
    for dossier in waiting.iterator():
        due = receipt.receipt_due(calendar_for(dossier.agency), dossier.submitted_at, dossier.channel)
        late = receipt.receipt_missed(due, at)
        if due != dossier.receipt_due_at or late:
            Dossier.objects.filter(pk=dossier.pk, state=State.SUBMITTED).update(receipt_due_at=due, receipt_late=late)
        if late:
            flagged.append(dossier.code)
    return flagged
