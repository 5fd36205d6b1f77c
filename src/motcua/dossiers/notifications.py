"""Which dossier events notify the applicant, and what the messages say (in Vietnamese).

:func:`notify_for_event` is called by :mod:`.services` after each event is appended, inside the action's transaction.
It enqueues one ``notify`` job (:func:`motcua.core.notify.send_later`) that runs only after the commit, so a rolled
back action notifies nobody and a failed send is retried without touching the dossier.

Notified (issue 3 point 9): the receipt and appointment (form 01), a supplement request listing everything missing
(Decree 118/2025 Art. 16(3), 17(2)(a): all missing items at once), an apology with its new date (Decree 118/2025
Art. 19(6): the applicant is told at least 1 working day before the due time), and a result ready to collect or
download (Decree 45/2020: an electronic result is as valid as paper). E-mail goes to the applicant's e-mail address,
SMS to their phone, whichever they gave.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.dateparse import parse_datetime

from motcua.core.calendar import TZ
from motcua.core.notify import Message, send_later

from .models import Dossier, DossierEvent

__all__ = ["NOTIFIED_ACTIONS", "messages_for_event", "notify_for_event"]


def _when(value) -> str:
    """``17:00 ngày 27/02/2026`` in Vietnam time; ``chưa xác định`` without a time."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return "chưa xác định"
    local = value.astimezone(TZ)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y}"


def tracking_url(code: str) -> str:
    """The citizen's tracking page of a dossier, absolute when ``MOTCUA_PUBLIC_URL`` is set."""
    try:
        path = reverse("citizen:track")
    except NoReverseMatch:
        path = "/ho-so/tra-cuu/"
    base = settings.MOTCUA_PUBLIC_URL.rstrip("/")
    return f"{base}{path}?{urlencode({'code': code})}"


def _texts_receive(d: Dossier, e: DossierEvent) -> tuple[str, str, str]:
    due = _when(e.data.get("due_at") or d.due_at)
    subject = f"Hồ sơ {d.code} đã được tiếp nhận"
    email = (f"Kính gửi {d.applicant_name},\n\n{d.agency.name} đã tiếp nhận hồ sơ {d.code} "
             f"({d.procedure_version.name}) lúc {_when(e.at)}.\nNgày hẹn trả kết quả: {due}.\n\n"
             f"Tra cứu tình trạng hồ sơ: {tracking_url(d.code)}")
    sms = f"Ho so {d.code} da duoc tiep nhan. Hen tra ket qua: {due}. Tra cuu: {tracking_url(d.code)}"
    return subject, email, sms


def _texts_supplement(d: Dossier, e: DossierEvent) -> tuple[str, str, str]:
    missing = [str(i) for i in (e.data.get("missing") or d.missing_items or [])]
    listed = "\n".join(f"  {n}. {item}" for n, item in enumerate(missing, 1))
    subject = f"Hồ sơ {d.code} cần bổ sung giấy tờ"
    email = (f"Kính gửi {d.applicant_name},\n\nHồ sơ {d.code} ({d.procedure_version.name}) chưa đầy đủ. "
             f"Đề nghị ông/bà bổ sung các giấy tờ sau:\n{listed}\n"
             + (f"Ghi chú của cán bộ: {e.reason}\n" if e.reason else "")
             + f"\nNộp bổ sung trực tuyến hoặc tại {d.agency.name}. Tra cứu: {tracking_url(d.code)}")
    sms = (f"Ho so {d.code} can bo sung {len(missing)} giay to. Xem chi tiet va nop bo sung: "
           f"{tracking_url(d.code)}")
    return subject, email, sms


def _texts_apology(d: Dossier, e: DossierEvent) -> tuple[str, str, str]:
    new_due = _when(e.data.get("new_due_at") or d.due_at)
    subject = f"Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ {d.code}"
    email = (f"Kính gửi {d.applicant_name},\n\n{d.agency.name} xin lỗi ông/bà vì hồ sơ {d.code} "
             f"({d.procedure_version.name}) chưa thể trả kết quả đúng hẹn.\nLý do: {e.reason}\n"
             f"Thời hạn trả kết quả mới: {new_due}.\n\nTra cứu: {tracking_url(d.code)}")
    sms = f"Xin loi: ho so {d.code} chua tra ket qua dung hen. Hen moi: {new_due}. Tra cuu: {tracking_url(d.code)}"
    return subject, email, sms


def _texts_result(d: Dossier, e: DossierEvent) -> tuple[str, str, str]:
    subject = f"Hồ sơ {d.code} đã có kết quả"
    email = (f"Kính gửi {d.applicant_name},\n\nHồ sơ {d.code} ({d.procedure_version.name}) đã có kết quả.\n"
             f"Mời ông/bà nhận kết quả tại {d.agency.name} hoặc tải kết quả điện tử (nếu có) tại: "
             f"{tracking_url(d.code)}")
    sms = f"Ho so {d.code} da co ket qua. Nhan tai {d.agency.code} hoac xem: {tracking_url(d.code)}"
    return subject, email, sms


def _texts_stop(d: Dossier, e: DossierEvent) -> tuple[str, str, str]:
    """The dossier was closed or stopped (Decree 118/2025 Art. 19(5): closed after an unanswered supplement notice;
    Art. 21(3): the stop is recorded and the applicant told)."""
    subject = f"Hồ sơ {d.code} đã dừng xử lý"
    if e.data.get("closed_unanswered_notice"):
        why = (f"Hồ sơ đã được yêu cầu bổ sung lúc {_when(e.data.get('notice_at'))} nhưng đến {_when(e.at)} "
               f"chưa được bổ sung đầy đủ, nên đã được đóng theo khoản 5 Điều 19 Nghị định 118/2025/NĐ-CP.")
    else:
        why = f"Lý do: {e.reason}"
    email = (f"Kính gửi {d.applicant_name},\n\nHồ sơ {d.code} ({d.procedure_version.name}) đã dừng xử lý.\n{why}\n"
             f"Ông/bà có thể nộp hồ sơ mới khi đã chuẩn bị đủ giấy tờ.\n\nTra cứu: {tracking_url(d.code)}")
    sms = f"Ho so {d.code} da dung xu ly (dong ho so). Tra cuu: {tracking_url(d.code)}"
    return subject, email, sms


# SMS texts are written without diacritics: a Unicode SMS carries 70 characters per part instead of 160, and
# brand-name SMS in Vietnam are conventionally sent unaccented [practice].
# The action of an event → its texts (subject, e-mail body, SMS). Other events notify nobody.
NOTIFIED_ACTIONS: dict[str, Callable[[Dossier, DossierEvent], tuple[str, str, str]]] = {
    "receive": _texts_receive,
    "request_supplement": _texts_supplement,
    "apologise": _texts_apology,
    "issue_result": _texts_result,
    "stop": _texts_stop,
}


def messages_for_event(event: DossierEvent) -> list[Message]:
    """The messages an event sends: none, or one per contact the applicant gave (e-mail, phone)."""
    texts = NOTIFIED_ACTIONS.get(event.action)
    if texts is None:
        return []
    dossier = event.dossier
    subject, email_body, sms_body = texts(dossier, event)
    meta = {"dossier": dossier.code, "event": event.seq, "action": event.action}
    messages = []
    if dossier.applicant_email:
        messages.append(Message("email", dossier.applicant_email, email_body, subject=subject, meta=meta))
    if dossier.applicant_phone:
        messages.append(Message("sms", dossier.applicant_phone, sms_body, meta=meta))
    return messages


def notify_for_event(event: DossierEvent) -> None:
    """Decide whether ``event`` notifies the applicant and, if so, enqueue the messages to go out after commit.

    Idempotent: calling it twice for the same event enqueues one job.
    """
    messages = messages_for_event(event)
    if messages:
        send_later(messages, key=f"dossier-event:{event.dossier_id}:{event.seq}")
