"""Pure rules of the personal data store and of documents replaced by data (no ORM; table-driven tests).

- :func:`evidence_kind`: what kind of evidence a document name is (identity card, residence, birth certificate…),
  from its folded words. Kinds connect a procedure's required document to a registry that holds the same data, and
  to documents in a citizen's store.
- :func:`catalog_flags`: whether a required document can be replaced by registry data (Decree 118/2025 Art. 5(1)(i),
  17(1)(b), Project 06: papers whose data the population, civil-status, residence, business or insurance databases hold
  are not asked for again) and whether it can be reused from an earlier procedure's result (Decree 45/2020 Art. 10, 11:
  an electronic result is valid for later procedures).
- :func:`matches`: whether a stored item answers a required document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from motcua.core.text import fold, terms


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    patterns: tuple[str, ...]  # regular expressions on the folded name
    registry: str = ""  # the base registry that holds this evidence as data ("" when none does)
    attributes: tuple[str, ...] = ()
    result: bool = False  # issued as the result of an administrative procedure


# Order matters: the first kind whose pattern matches wins (a "trích lục khai sinh" is a birth certificate, not a
# generic extract).
KINDS: tuple[Kind, ...] = (
    Kind("birth_certificate", "Giấy khai sinh", (r"\bgiay khai sinh\b", r"\btrich luc (ghi vao so ho tich viec )?"
                                                r"khai sinh\b"),
         "civil_status", ("birth_record",), result=True),
    Kind("marriage_certificate", "Giấy chứng nhận kết hôn", (r"\bchung nhan (dang ky )?ket hon\b",
                                                             r"\btrich luc (dang ky )?ket hon\b"),
         "civil_status", ("marriage_records", "marital_status"), result=True),
    Kind("marital_status", "Giấy xác nhận tình trạng hôn nhân", (r"\bxac nhan tinh trang hon nhan\b",),
         "civil_status", ("marital_status",), result=True),
    Kind("death_certificate", "Trích lục khai tử", (r"\bgiay chung tu\b", r"\btrich luc (dang ky )?khai tu\b"),
         "civil_status", ("death_record",), result=True),
    Kind("identity_card", "Giấy tờ tùy thân (căn cước)", (r"\bcan cuoc\b", r"\bchung minh nhan dan\b",
                                                          r"\bgiay to tuy than\b", r"\bchung minh nhan than\b"),
         "population", ("full_name", "birth_date", "sex", "birth_registration_place", "permanent_residence")),
    Kind("residence", "Giấy tờ chứng minh nơi cư trú", (r"\bchung minh (thong tin (ve )?|noi )(cu tru|thuong tru|"
                                                        r"tam tru)\b", r"\bso ho khau\b", r"\bso tam tru\b",
                                                        r"\bxac nhan (thong tin (ve )?)?cu tru\b"),
         "residence", ("permanent_address", "temporary_address", "household_code", "household_head")),
    Kind("enterprise_registration", "Giấy chứng nhận đăng ký doanh nghiệp",
         (r"\bchung nhan dang ky doanh nghiep\b", r"\bchung nhan dang ky kinh doanh\b"),
         "business", ("name", "address", "legal_representative", "status", "registered_on"), result=True),
    Kind("health_insurance_card", "Thẻ bảo hiểm y tế", (r"\bthe bao hiem y te\b", r"\bthe bhyt\b"),
         "social_insurance", ("health_insurance_card", "social_insurance_number"), result=True),
    Kind("judicial_record", "Phiếu lý lịch tư pháp", (r"\bphieu ly lich tu phap\b",), result=True),
    Kind("land_use_certificate", "Giấy chứng nhận quyền sử dụng đất", (r"\bchung nhan quyen su dung dat\b",
                                                                        r"\bchung nhan quyen so huu nha o\b"),
         result=True),
    Kind("vehicle_registration", "Giấy chứng nhận đăng ký xe", (r"\bchung nhan dang ky (xe|phuong tien)\b",),
         result=True),
)
BY_KEY = {k.key: k for k in KINDS}

# An application form, a declaration or a request is the applicant's own paper, never replaced by data.
_FORM = re.compile(r"^[\W\d_a-z]{0,4}\b(to khai|don|phieu de nghi|phieu thu nhan|van ban de nghi|mau|ban khai|"
                   r"bao cao|van ban cam ket|giay cam doan|cam doan)\b")
# Words that say the paper is the applicant's statement about a registry fact ("giấy tờ chứng minh … trong trường
# hợp không khai thác được") rather than the fact: still replaceable.
_POPULATION_REGISTRIES = {"population", "residence"}


def evidence_kind(name: str) -> Kind | None:
    """The kind of evidence a document name designates, or ``None``."""
    folded = fold(name)
    if not folded or _FORM.match(folded):
        return None
    for kind in KINDS:
        if any(re.search(p, folded) for p in kind.patterns):
            return kind
    return None


# A paper about someone else (the child, the deceased, a parent, the injured person…) cannot be replaced by the
# applicant's own registry record: the self-service lookup reads only the applicant's data.
_OTHER_PERSON = re.compile(r"\bcua (nguoi (chet|con|duoc|bi|mat|giam ho|dai dien)|con|cha|me|vo|chong|tre|be|"
                           r"thanh vien)\b|\bnguoi (chet|da chet|duoc nhan|bi thiet hai|bi bo roi|mat tich)\b|"
                           r"\b(tre em|con chua thanh nien|cha de|me de|nuoc lang gieng|nguoi nuoc ngoai)\b")


def catalog_flags(name: str) -> tuple[bool, bool]:
    """``(replaceable_by_registry, reusable_from_result)`` for a required document's name. Only a paper about the
    applicant is replaceable by their registry record; any paper issued as a result can be reused."""
    kind = evidence_kind(name)
    if kind is None:
        return False, False
    about_someone_else = bool(_OTHER_PERSON.search(fold(name)))
    return bool(kind.registry) and not about_someone_else, kind.result


def replaced_by_population_data(registry: str) -> bool:
    """The service index's flag "replaced by population data": the population and residence databases (Ministry of
    Public Security, Project 06)."""
    return registry in _POPULATION_REGISTRIES


_STOP = {"ban", "sao", "chinh", "cua", "va", "hoac", "co", "the", "cac", "duoc", "do", "cap", "theo", "quy", "dinh",
         "neu", "trong", "truong", "hop", "dien", "tu", "chung", "thuc", "giay", "to", "01", "mot"}


def _significant(text: str) -> set[str]:
    return {t for t in terms(text) if t not in _STOP and len(t) > 1}


def matches(required_name: str, item_kind: str, item_title: str) -> bool:
    """Whether a stored item (its kind and title) answers a required document: the same evidence kind, or — for
    documents of no known kind — at least 60 % of the required document's significant words in the item's title."""
    kind = evidence_kind(required_name)
    if kind is not None:
        return kind.key == item_kind
    wanted = _significant(required_name)
    if not wanted or (item_kind and item_kind in BY_KEY):
        return False
    have = _significant(item_title)
    return len(wanted & have) / len(wanted) >= 0.6
