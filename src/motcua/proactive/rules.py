"""Pure rules of proactive online public services (Decree 224/2026 Art. 16–17; issue 16).

No database here: what a trigger's source reads from the change feed, who a change concerns, whether a trigger may
run on a day, what the person is told and what is still missing. Tested table-driven.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

# Sources: (registry, change kind) in the registries' change feed (motcua.exchange.models.RegistryChange).
BIRTH, DEATH, ID_CARD_AGE, STORE_EXPIRY, BUSINESS_YEARLY, DOSSIER_RESULT = (
    "civil_status.birth", "civil_status.death", "population.age_reached", "store.expiring",
    "business.yearly_obligation", "dossiers.result")
SOURCES: dict[str, tuple[str, str, str]] = {
    # source → (registry, kind, Vietnamese label)
    BIRTH: ("civil_status", "birth", "Khai sinh được ghi vào cơ sở dữ liệu hộ tịch"),
    DEATH: ("civil_status", "death", "Khai tử được ghi vào cơ sở dữ liệu hộ tịch"),
    ID_CARD_AGE: ("population", "age_reached", "Công dân đến tuổi phải đổi thẻ căn cước (25, 40, 60 tuổi)"),
    STORE_EXPIRY: ("store", "expiring", "Giấy tờ trong kho dữ liệu cá nhân sắp hết hạn"),
    BUSINESS_YEARLY: ("business", "yearly_obligation", "Nghĩa vụ hằng năm của doanh nghiệp"),
    DOSSIER_RESULT: ("dossiers", "result", "Kết quả hồ sơ mở ra bước tiếp theo"),
}

# Law on Identification 2023 Art. 21(1): the identity card is renewed when its holder reaches 25, 40 and 60.
ID_CARD_RENEWAL_AGES = (25, 40, 60)

LEVELS = {1: "Mức 1: nhắc thực hiện", 2: "Mức 2: nhắc và chuẩn bị hồ sơ",
          3: "Mức 3: nhắc, chuẩn bị hồ sơ và khuyến nghị phương án",
          4: "Mức 4: tự động thực hiện"}  # Decree 224/2026 Art. 16(1)–(4)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    reason: str = ""


def legal_basis_missing(instrument: str, article: str) -> bool:
    """Decree 224/2026 Art. 17(2): every use of data by a proactive service needs a clear legal basis."""
    return not (instrument or "").strip() or not (article or "").strip()


def runnable(*, instrument: str, article: str, active: bool, valid_from: date, valid_to: date | None,
             on: date) -> Verdict:
    """May a trigger run on ``on``? Never without a legal basis (Art. 17(2)); only within its effective dates."""
    if legal_basis_missing(instrument, article):
        return Verdict(False, "Thiếu căn cứ pháp lý (Nghị định 224/2026 Điều 17 khoản 2).")
    if not active:
        return Verdict(False, "Tín hiệu đã tắt.")
    if on < valid_from:
        return Verdict(False, f"Chưa có hiệu lực (từ {valid_from:%d/%m/%Y}).")
    if valid_to is not None and on > valid_to:
        return Verdict(False, f"Đã hết hiệu lực (đến {valid_to:%d/%m/%Y}).")
    return Verdict(True)


def recipients(source: str, subject: str, payload: dict[str, Any]) -> list[str]:
    """Whose task a change opens: a birth → the parents named in the record; a death → the person who declared it
    (or the spouse); the rest → the subject itself."""
    if source == BIRTH:
        return [p for p in (payload.get("father_personal_id"), payload.get("mother_personal_id")) if p]
    if source == DEATH:
        return [p for p in (payload.get("declarant_personal_id"), payload.get("spouse_personal_id")) if p][:1]
    return [subject] if subject else []


def applies(source: str, payload: dict[str, Any], condition: dict[str, Any]) -> bool:
    """Does a change meet the trigger's condition? (ID card: the age reached is a renewal age.)"""
    if source == ID_CARD_AGE:
        ages = condition.get("ages") or ID_CARD_RENEWAL_AGES
        return int(payload.get("age") or 0) in ages
    return True


def reason(source: str, occurred_on: date, payload: dict[str, Any]) -> str:
    """Why the person sees the task, in the words shown on their page."""
    if source == BIRTH:
        name = payload.get("child_name") or "con bạn"
        return (f"Vì hệ thống ghi nhận con bạn ({name}) sinh ngày {occurred_on:%d/%m/%Y} trong cơ sở dữ liệu "
                "hộ tịch.")
    if source == DEATH:
        return (f"Vì hệ thống ghi nhận {payload.get('deceased_name') or 'người thân của bạn'} mất ngày "
                f"{occurred_on:%d/%m/%Y}.")
    if source == ID_CARD_AGE:
        return (f"Vì ngày {occurred_on:%d/%m/%Y} bạn đủ {payload.get('age')} tuổi: thẻ căn cước phải được đổi "
                "(Luật Căn cước 2023 Điều 21 khoản 1).")
    if source == STORE_EXPIRY:
        return f"Vì giấy tờ {payload.get('title') or ''} trong kho dữ liệu của bạn hết hạn ngày {occurred_on:%d/%m/%Y}."
    if source == BUSINESS_YEARLY:
        return f"Vì doanh nghiệp có nghĩa vụ {payload.get('obligation') or 'hằng năm'} đến hạn {occurred_on:%d/%m/%Y}."
    return f"Vì hồ sơ {payload.get('dossier_code') or ''} đã có kết quả ngày {occurred_on:%d/%m/%Y}."


# What a prepared dossier needs that no registry holds: the person adds it before confirming.
STILL_NEEDED: dict[str, list[str]] = {
    BIRTH: ["Tên gọi của trẻ (nếu chưa đặt trong giấy chứng sinh)", "Nơi đăng ký thường trú của trẻ"],
    DEATH: ["Giấy báo tử hoặc giấy tờ thay giấy báo tử"],
    ID_CARD_AGE: ["Thu nhận ảnh chân dung và vân tay tại cơ quan công an (theo lịch hẹn)"],
}


def still_needed(source: str, prepared: dict[str, Any]) -> list[str]:
    """The marked fields: what the prepared dossier still lacks (a name not yet given, a document no registry has)."""
    missing = list(STILL_NEEDED.get(source, []))
    if source == BIRTH and prepared.get("child", {}).get("full_name"):
        missing = missing[1:]
    return missing


def respond_by(decided_on: date, days: int) -> date:
    """Level 4: the period the person has to confirm, refuse or ask for a correction (Art. 16(4)(a))."""
    from datetime import timedelta

    return decided_on + timedelta(days=max(1, days))


# -- level 3: compare and recommend (Decree 224/2026 Art. 16(3)) ------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One way to reach the same result: a linked group or separate procedures, online or in person, a desk."""

    key: str
    label: str
    submissions: int  # how many times the person submits
    limit_days: float | None  # the legal time limit (working days; None when not stated)
    median_days: float | None  # the office's observed median (working days), None without history
    cost_vnd: int | None  # fees (None when the catalog does not state them)
    documents: tuple[str, ...] = ()  # documents the person still has to give
    visits: int = 0  # trips to an office
    obligations: tuple[str, ...] = ()


def expected_days(option: Option) -> float | None:
    """The time to count on: the observed median when the office is slower than the law, else the limit."""
    known = [d for d in (option.limit_days, option.median_days) if d is not None]
    return max(known) if known else None


def recommend(options: list[Option]) -> tuple[str, list[str]]:
    """Art. 16(3)(b): recommend the option best for the person — time, then cost, then convenience (submissions,
    visits, documents) and obligations — and say why; the person still chooses (the options are all shown)."""
    if not options:
        return "", []

    def key(o: Option):
        days = expected_days(o)
        return (days if days is not None else 1e9, o.cost_vnd if o.cost_vnd is not None else 1e12,
                o.submissions + o.visits + len(o.documents) + len(o.obligations), o.key)

    ranked = sorted(options, key=key)
    best, why = ranked[0], []
    days = expected_days(best)
    if days is not None:
        median = f"; thực tế trung vị {best.median_days:g} ngày" if best.median_days is not None else ""
        why.append(f"Nhanh nhất: dự kiến {days:g} ngày làm việc (thời hạn {best.limit_days:g} ngày{median})."
                   if best.limit_days is not None else f"Nhanh nhất: dự kiến {days:g} ngày làm việc.")
    if best.cost_vnd is not None:
        why.append("Không mất phí." if best.cost_vnd == 0 else f"Phí {best.cost_vnd:,} đồng.".replace(",", "."))
    why.append(f"{best.submissions} lần nộp, {best.visits} lần đến cơ quan, "
               f"{len(best.documents)} giấy tờ phải tự nộp.")
    for other in ranked[1:]:
        other_days = expected_days(other)
        if other_days is not None and days is not None and other_days > days:
            why.append(f"So với «{other.label}»: chậm hơn {other_days - days:g} ngày.")
        elif other.submissions + other.visits > best.submissions + best.visits:
            why.append(f"So với «{other.label}»: phải nộp hoặc đi lại nhiều hơn.")
    return best.key, why


# -- level 3: different receiving desks (Decree 224/2026 Art. 16(3); Decree 118/2025 Art. 14) --------------------

MIN_HISTORY = 5  # finished dossiers an office needs before its observed median is trusted over the legal limit


@dataclass(frozen=True)
class Desk:
    """A desk that may receive the procedure for the person (:func:`motcua.dossiers.places.receiving_places`)."""

    code: str
    name: str
    same_commune: bool  # the desk of the commune the person lives in (their registered address)
    centre: bool  # a public administrative service centre (receives regardless of administrative boundary)
    limit_days: float | None  # the legal time limit (working days), the same at every desk
    median_days: float | None  # this office's observed median from submission to result (calendar days)
    finished: int = 0  # how many finished dossiers the median is over


def desk_days(desk: Desk) -> tuple[float | None, bool]:
    """The days to count on at a desk and whether they are observed: the office's median once it has enough
    history (:data:`MIN_HISTORY`), else the legal limit."""
    if desk.median_days is not None and desk.finished >= MIN_HISTORY:
        return desk.median_days, True
    return desk.limit_days, False


def _days(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def recommend_desk(desks: list[Desk]) -> tuple[str, list[str]]:
    """Art. 16(3): recommend the desk best for the person — the shortest time to count on (the office's observed
    median), then nearness (the person's own commune), then a service centre — and say why; every desk stays a
    choice. Online, any of them receives without a trip; the desk matters for the time and for a visit in person."""
    if not desks:
        return "", []

    def key(d: Desk):
        days, _observed = desk_days(d)
        return (days if days is not None else 1e9, not d.same_commune, not d.centre, d.name)

    ranked = sorted(desks, key=key)
    best, why = ranked[0], []
    days, observed = desk_days(best)
    if days is not None:
        why.append(f"{best.name}: dự kiến {_days(days)} ngày "
                   + (f"(trung vị thực tế của {best.finished:,} hồ sơ đã giải quyết).".replace(",", ".")
                      if observed else "(chưa đủ số liệu thực tế, tính theo thời hạn luật định)."))
    if best.same_commune:
        why.append("Ở ngay xã, phường nơi bạn thường trú: gần nhất nếu bạn đến nộp hoặc nhận kết quả trực tiếp.")
    elif best.centre:
        why.append("Trung tâm Phục vụ hành chính công tiếp nhận không phụ thuộc địa giới hành chính trong tỉnh.")
    for other in ranked[1:3]:
        other_days, _ = desk_days(other)
        if other_days is not None and days is not None and other_days > days:
            why.append(f"So với {other.name}: chậm hơn {_days(round(other_days - days, 1))} ngày.")
        elif other.same_commune and not best.same_commune:
            why.append(f"{other.name} gần bạn hơn nhưng không nhanh hơn.")
    why.append("Nộp trực tuyến thì không phải đến nơi tiếp nhận; bạn có thể chọn nơi khác.")
    return best.code, why
