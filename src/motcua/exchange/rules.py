"""Pure rules of the exchange (no ORM): who may read what, and which registry values prefill which form field.

**Purpose binding** (issue 4 point 4; X-Road): every registry call names the requesting agency, the officer or
citizen, the dossier and the legal purpose. Two ways in:

1. *Official use* — an officer (or the system, for automatic steps of a linked group) acting for an agency: the
   officer must hold a handling role (desk, specialist, leader) in that agency, the call must name an open dossier
   handled by that agency whose applicant (or a person its form names) is the subject, and the agency
   must hold an active :class:`~motcua.exchange.models.AccessGrant` for the registry that covers the dossier's
   procedure. Revocation takes effect at the next call (grants are read from the database on every call, never
   cached).
2. *Self-service* — a citizen reading **their own** data (the identifier is the personal ID of their account) for a
   dossier of their own (the dossier's applicant is them) or for a dossier they are about to submit (no dossier code
   yet: prefill). No grant is needed: the person is the data subject (Law on Personal Data Protection 2025 — the
   subject's right of access). A citizen never reads someone else's data, nor the business registry, this way.

Anything else is refused, and the refusal is logged like an allowed call.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.units import roles as units_roles

SELF_SERVICE = "citizen"
SYSTEM = "system"
OFFICER_ROLES = frozenset(str(r) for r in units_roles.STAFF_ROLES)
# The roles that handle a dossier (receive, appraise, approve): only they read registries for it. Supervisors and
# catalog officers never handle a dossier (Law on Personal Data Protection 2025 Art. 3: purpose limitation, minimum
# data) — they read no registry data through a dossier.
HANDLING_ROLES = frozenset(str(r) for r in units_roles.HANDLING_ROLES)
ROLES = OFFICER_ROLES | {SELF_SERVICE, SYSTEM}
MAX_PURPOSE = 500


def clip_words(text: str, limit: int = MAX_PURPOSE) -> str:
    """``text`` within ``limit`` characters, cut at a word boundary with "…" when too long (issue 14 point 11: a
    purpose shown to the person is never cut mid-word)."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    whole = text[len(head)].isspace() or " " not in head.strip()  # the head ends on a whole word, or is one word
    cut = head if whole else head.rsplit(None, 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""  # Vietnamese, for the caller and the log
    code: str = ""


def allow() -> Decision:
    return Decision(True)


def refuse(reason: str, code: str) -> Decision:
    return Decision(False, reason, code)


def self_service(*, subject: str, own_personal_id: str | None, identifier_kind: str, dossier_exists: bool | None,
                 dossier_is_theirs: bool) -> Decision:
    """A citizen's own lookup. ``dossier_exists`` is None when no dossier code was given (prefill)."""
    if identifier_kind != "personal_id":
        return refuse("Công dân chỉ tra cứu được dữ liệu cá nhân của chính mình.", "self_service_only_personal")
    if not own_personal_id:
        return refuse("Tài khoản chưa gắn số định danh cá nhân.", "no_personal_id")
    if subject != own_personal_id:
        return refuse("Công dân chỉ tra cứu được dữ liệu của chính mình.", "not_own_data")
    if dossier_exists is False:
        return refuse("Không có hồ sơ mang mã này.", "unknown_dossier")
    if dossier_exists and not dossier_is_theirs:
        return refuse("Hồ sơ không phải của người tra cứu.", "not_own_dossier")
    return allow()


def official_use(*, role: str, is_member: bool, dossier_given: bool, dossier_exists: bool, dossier_agency_matches: bool,
                 grants: list[tuple[int, list[str]]], procedure_code: str, dossier_open: bool = True,
                 subject_named: bool = True) -> tuple[Decision, int | None]:
    """An officer's (or the system's) lookup for an agency; returns the decision and the grant used.

    Purpose binding (Law on Personal Data Protection 2025; Decree 47/2020/NĐ-CP Art. 4 on sharing data for a stated
    purpose): the dossier must be open (``dossier_open``), the subject its applicant or a person its form names
    (``subject_named``), the role one that handles dossiers (:data:`HANDLING_ROLES`), and the agency's grant must cover
    the dossier's procedure."""
    if role != SYSTEM and not is_member:
        return refuse("Cán bộ không giữ vai trò này tại cơ quan yêu cầu.", "not_member"), None
    if not dossier_given:
        return refuse("Mỗi lần khai thác dữ liệu phải gắn với một hồ sơ (mã hồ sơ).", "dossier_required"), None
    if not dossier_exists:
        return refuse("Không có hồ sơ mang mã này.", "unknown_dossier"), None
    if not dossier_agency_matches:
        return refuse("Hồ sơ không do cơ quan yêu cầu giải quyết.", "dossier_of_other_agency"), None
    if role != SYSTEM and role not in HANDLING_ROLES:
        return refuse("Vai trò này không giải quyết hồ sơ nên không được khai thác dữ liệu.", "role_not_handling"), None
    if not dossier_open:
        return refuse("Hồ sơ đã kết thúc (đã trả, rút, dừng hoặc không tiếp nhận): không còn mục đích khai thác "
                      "dữ liệu.", "dossier_closed"), None
    if not subject_named:
        return refuse("Chỉ được tra cứu dữ liệu của người nộp hồ sơ hoặc người được nêu trong hồ sơ.",
                      "subject_not_in_dossier"), None
    if not grants:
        return refuse("Cơ quan chưa được cấp quyền khai thác cơ sở dữ liệu này.", "no_grant"), None
    for grant_id, procedures in grants:
        if not procedures or procedure_code in procedures:
            return allow(), grant_id
    return refuse(f"Quyền khai thác của cơ quan không bao gồm thủ tục {procedure_code or '(không rõ)'}.",
                  "grant_not_for_procedure"), None


# Prefill (issue 4 point 2): form field → (registry, attribute, path inside the value or "").
PREFILL_FIELDS: dict[str, tuple[str, str, str]] = {
    "applicant_name": ("population", "full_name", ""),
    "applicant_birth_date": ("population", "birth_date", ""),
    "applicant_sex": ("population", "sex", ""),
    "applicant_birth_registration_place": ("population", "birth_registration_place", ""),
    "applicant_address": ("residence", "permanent_address", ""),
    "applicant_temporary_address": ("residence", "temporary_address", ""),
    "applicant_household_code": ("residence", "household_code", ""),
    "applicant_health_insurance_number": ("social_insurance", "health_insurance_card", "number"),
}
# Extra fields when a required document of the procedure names them (folded, diacritics removed).
PREFILL_BY_DOCUMENT: tuple[tuple[tuple[str, ...], dict[str, tuple[str, str, str]]], ...] = (
    (("hon nhan", "ket hon"), {"applicant_marital_status": ("civil_status", "marital_status", "")}),
    (("khai sinh",), {"applicant_birth_record_number": ("civil_status", "birth_record", "registration_number")}),
)


def prefill_plan(document_names_folded: list[str]) -> dict[str, tuple[str, str, str]]:
    """The prefill fields for a procedure whose required documents have these (folded) names."""
    plan = dict(PREFILL_FIELDS)
    for needles, fields in PREFILL_BY_DOCUMENT:
        if any(n in name for name in document_names_folded for n in needles):
            plan.update(fields)
    return plan


def pick(value, path: str):
    """``value[path]`` for a dict value and a path, else the value."""
    if path and isinstance(value, dict):
        return value.get(path)
    return value


def persons_named(form_data) -> set[str]:
    """Personal IDs of the persons a dossier's form names besides the applicant (``{"child": {"personal_id": …}}``,
    ``deceased``, ``spouse``…): one level of objects (or lists of objects) holding a ``personal_id``."""
    found: set[str] = set()
    if not isinstance(form_data, dict):
        return found
    for value in form_data.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and isinstance(item.get("personal_id"), str) and item["personal_id"].strip():
                found.add(item["personal_id"].strip())
    return found
