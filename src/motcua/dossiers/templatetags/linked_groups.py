"""``{% load linked_groups %}``: the linked-group part of the citizen's dossier page (issue 4 point 8).

``{% group_panel dossier %}`` shows, for a parent, every member with its child dossier, agency, state and due time,
and the one timeline of the group (the parent's events in plain Vietnamese); for a child, a link to the parent.
``dossier|is_group_parent`` tells the page to leave out what a parent cannot do (supplement, withdraw).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.units.models import Agency

from .. import groups
from ..models import Dossier
from ..transitions import STATE_STATUS, STATUS_CODES, State

register = template.Library()

# What a child's change means for the applicant, in plain words.
CHILD_TEXT = {
    "submit": gettext_lazy("Cơ quan đã nhận hồ sơ liên thông."),
    "receive": gettext_lazy("Cơ quan đã tiếp nhận hồ sơ."),
    "request_supplement": gettext_lazy("Cơ quan yêu cầu bổ sung hồ sơ."),
    "submit_supplement": gettext_lazy("Hồ sơ bổ sung đã được nộp."),
    "refuse": gettext_lazy("Cơ quan từ chối hồ sơ."),
    "assign": gettext_lazy("Hồ sơ được giao cho cán bộ xử lý."),
    "consult": gettext_lazy("Cơ quan lấy ý kiến đơn vị khác."),
    "answer_consultation": gettext_lazy("Đơn vị được hỏi đã có ý kiến."),
    "request_payment": gettext_lazy("Cơ quan đề nghị nộp phí, lệ phí."),
    "confirm_payment": gettext_lazy("Đã xác nhận nộp phí, lệ phí."),
    "approve": gettext_lazy("Lãnh đạo cơ quan đã phê duyệt kết quả."),
    "issue_result": gettext_lazy("Đã có kết quả."),
    "return_result": gettext_lazy("Đã trả kết quả."),
    "withdraw": gettext_lazy("Hồ sơ đã được rút theo yêu cầu."),
    "stop": gettext_lazy("Cơ quan dừng xử lý hồ sơ."),
}


@dataclass(frozen=True)
class Line:
    at: datetime
    text: str
    reason: str = ""


def _when(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    return parse_datetime(value) if isinstance(value, str) and value else None


def _state_name(state: str) -> str:
    if state == groups.PENDING:
        return _("Đang chuyển đến cơ quan")
    try:
        return STATUS_CODES[STATE_STATUS[State(state)]].name
    except (KeyError, ValueError):
        return state


def _agency_names(codes) -> dict[str, str]:
    return dict(Agency.objects.filter(code__in=set(codes)).values_list("code", "name"))


def _lines(parent: Dossier, names: dict[str, str]) -> list[Line]:
    lines = []
    events = list(parent.events.order_by("seq"))
    agencies = _agency_names(m.get("agency", "") for e in events if e.action == groups.GROUP_OPEN
                             for m in (e.data or {}).get("members", []))
    for event in events:
        data = event.data or {}
        if event.action == "submit":
            lines.append(Line(event.at, _("Hồ sơ liên thông đã được nộp.")))
        elif event.action == groups.GROUP_OPEN:
            listed = "; ".join(f"{m.get('name')} — {agencies.get(m.get('agency', ''), m.get('agency'))}"
                               for m in data.get("members", []))
            lines.append(Line(event.at, _("Hồ sơ được chuyển đến các cơ quan: %(list)s.") % {"list": listed}))
        elif event.action == groups.CHILD_UPDATE:
            what = CHILD_TEXT.get(data.get("action", ""))
            text = str(what) if what else _state_name(data.get("state", ""))
            lines.append(Line(event.at, f"{names.get(data.get('key'), data.get('key'))} "
                                        f"({data.get('child')}): {text}", data.get("reason") or ""))
        elif event.action == groups.CHILD_RESUBMIT:
            lines.append(Line(event.at, _("%(name)s được nộp lại (hồ sơ %(child)s).") % {
                "name": names.get(data.get("key"), data.get("key")), "child": data.get("child") or "…"}))
    return lines


@register.filter
def is_group_parent(dossier: Dossier) -> bool:
    return bool(getattr(dossier, "group_code", "")) and not dossier.group_parent_code


@register.inclusion_tag("dossiers/linked/group_panel.html")
def group_panel(dossier: Dossier) -> dict:
    if not getattr(dossier, "group_code", ""):
        return {"kind": ""}
    if dossier.group_parent_code:
        local = dossier.parent is not None
        return {"kind": "child", "parent_code": dossier.group_parent_code, "parent_local": local}
    members = groups.members_of(dossier)
    latest = {m.key: m for m in members}
    names = {m.key: m.name for m in members}
    agencies = _agency_names(m.agency_code for m in members)
    rows = [{"name": m.name, "agency": agencies.get(m.agency_code, m.agency_code), "child": m.child_code,
             "local": bool(m.child_id), "state": _state_name(m.state), "due_at": m.due_at,
             "ended_without_result": m.state in groups.NO_RESULT} for m in latest.values()]
    return {"kind": "parent", "rows": rows, "lines": _lines(dossier, names)}
