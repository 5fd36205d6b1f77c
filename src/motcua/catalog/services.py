"""Every write to the catalog. One function per use case, transactional.

``upsert_records`` is the single writer behind every importer: re-importing a code updates its latest version in
place (children replaced), so the same file imported twice changes nothing and duplicates nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from motcua.core.text import fold

from . import models as m
from .records import ProcedureRecord

LOCALISED_CODE = re.compile(r"^(?P<national>\d+\.\d+)\.H(?P<province>\d{2})$")
BATCH = 250


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated


def search_fields(record: ProcedureRecord) -> tuple[str, str]:
    """Folded copies for search: the name, and the other searchable fields."""
    others = [record.code, record.sector, record.kind, " ".join(record.subjects)]
    others += [a.name for a in record.agencies]
    others += [d.name for d in record.documents]
    others += [r.name for r in record.results]
    others += [f"{lr.number} {lr.title}" for lr in record.legal_basis]
    return fold(record.name), fold(" ".join(o for o in others if o))


def upsert_records(records: Iterable[ProcedureRecord], *, progress: Callable[[int], None] | None = None,
                   batch_size: int = BATCH) -> ImportSummary:
    """Store records, all or nothing. Each record becomes (or updates) the latest version of its procedure."""
    summary = ImportSummary()
    with transaction.atomic():
        batch: list[ProcedureRecord] = []
        for record in records:
            batch.append(record)
            if len(batch) >= batch_size:
                _write_batch(batch, summary)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            _write_batch(batch, summary)
            if progress:
                progress(len(batch))
    return summary


def _sectors(names: set[str]) -> dict[str, m.Sector]:
    names.discard("")
    existing = {s.name: s for s in m.Sector.objects.filter(name__in=names)}
    missing = [n for n in names if n not in existing]
    if missing:
        taken = set(m.Sector.objects.values_list("slug", flat=True))
        new = []
        for name in sorted(missing):
            base = slugify(fold(name))[:240] or "linh-vuc"
            slug, i = base, 2
            while slug in taken:
                slug, i = f"{base}-{i}", i + 1
            taken.add(slug)
            new.append(m.Sector(name=name, slug=slug))
        m.Sector.objects.bulk_create(new)
        existing.update({s.name: s for s in m.Sector.objects.filter(name__in=missing)})
    return existing


def _legal_documents(records: Sequence[ProcedureRecord]) -> dict[str, m.LegalDocument]:
    wanted: dict[str, object] = {}
    for r in records:
        for lr in r.legal_basis:
            wanted.setdefault(lr.number, lr)
    existing = {d.number: d for d in m.LegalDocument.objects.filter(number__in=wanted)}
    to_create, to_update = [], []
    for number, lr in wanted.items():
        doc = existing.get(number)
        if doc is None:
            to_create.append(m.LegalDocument(number=number, title=lr.title, issued_on=lr.issued_on,
                                             effective_on=lr.effective_on))
        elif (lr.title and doc.title != lr.title) or (lr.issued_on and doc.issued_on != lr.issued_on) or (
                lr.effective_on and doc.effective_on != lr.effective_on):
            doc.title = lr.title or doc.title
            doc.issued_on = lr.issued_on or doc.issued_on
            doc.effective_on = lr.effective_on or doc.effective_on
            to_update.append(doc)
    m.LegalDocument.objects.bulk_create(to_create)
    if to_update:
        m.LegalDocument.objects.bulk_update(to_update, ["title", "issued_on", "effective_on"])
    return {d.number: d for d in m.LegalDocument.objects.filter(number__in=wanted)}


def _provinces_by_code() -> dict[int, int]:
    from motcua.units.models import AdministrativeUnit, UnitLevel

    return dict(AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).values_list("code", "id"))


def _agencies_by_code(records: Sequence[ProcedureRecord]) -> dict[str, int]:
    from motcua.units.models import Agency

    codes = {a.code for r in records for a in r.agencies if a.code}
    return dict(Agency.objects.filter(code__in=codes).values_list("code", "id")) if codes else {}


def _publication_checker(now) -> Callable[[ProcedureRecord, bool], dict]:
    """The publication checks of a record, as stored with its version (one calendar load per batch)."""
    from motcua.core.calendar import WorkingCalendar

    from . import publication
    from .rules import missing_components

    calendar = WorkingCalendar.from_db()
    checked_at = now.isoformat()

    def check(record: ProcedureRecord, localised: bool) -> dict:
        checks = publication.run_checks(
            missing=missing_components(record),
            calendar=calendar,
            decision_date=record.decision_date,
            effective_dates=[lr.effective_on for lr in record.legal_basis if lr.effective_on],
            uploaded_on=record.uploaded_on,
            authority=publication.authority_for(localised, record.decision_number),
        )
        checks["checked_at"] = checked_at
        return checks

    return check


# The version columns copied as they are from the record; with the computed ones below, the one list of what an
# import writes (assigned on new and existing versions, and bulk-updated on the existing ones).
RECORD_VERSION_FIELDS = (
    "name", "kind", "online_level", "requirements", "submission_address", "related_procedures_text", "status",
    "decision_number", "decision_date", "uploaded_on", "valid_from", "valid_to", "source", "source_url",
    "source_folder", "raw",
)
COMPUTED_VERSION_FIELDS = ("sector", "levels", "subjects", "parse_issues", "search_name", "search_text",
                           "publication_checks", "published_at", "updated_at")


def _write_batch(records: Sequence[ProcedureRecord], summary: ImportSummary) -> None:
    """Write one batch: the procedures, their latest versions (created or updated in place), the versions'
    components (replaced), then which version is current."""
    # The last record wins when a file repeats a code.
    by_code: dict[str, ProcedureRecord] = {}
    for r in records:
        by_code[r.code] = r
    records = list(by_code.values())
    codes = list(by_code)

    procedures = _procedures(codes)
    versions = _write_versions(records, procedures, summary)
    _write_components(records, procedures, versions)
    _set_current_versions(records, procedures, versions)


def _procedures(codes: list[str]) -> dict[str, m.Procedure]:
    """The procedures with these codes, created when new (a province's localised copy linked to its province and to
    the national procedure)."""
    provinces = _provinces_by_code()
    procedures = {p.code: p for p in m.Procedure.objects.filter(code__in=codes)}
    national_codes = {mt.group("national") for c in codes if (mt := LOCALISED_CODE.match(c))}
    nationals = dict(m.Procedure.objects.filter(code__in=national_codes).values_list("code", "id"))
    new_procs = []
    for code in codes:
        if code not in procedures:
            proc = m.Procedure(code=code)
            mt = LOCALISED_CODE.match(code)
            if mt:
                proc.province_id = provinces.get(int(mt.group("province")))
                proc.national_id = nationals.get(mt.group("national"))
            new_procs.append(proc)
    if new_procs:
        m.Procedure.objects.bulk_create(new_procs)
        procedures.update({p.code: p for p in m.Procedure.objects.filter(code__in=[p.code for p in new_procs])})
    return procedures


def _write_versions(records: list[ProcedureRecord], procedures: dict[str, m.Procedure],
                    summary: ImportSummary) -> dict[int, m.ProcedureVersion]:
    """Each procedure's latest version, filled from its record: created (number 1) or updated in place; the
    components of updated versions are deleted, to be written again. Returns the versions by procedure id."""
    sectors = _sectors({r.sector for r in records})
    latest: dict[int, m.ProcedureVersion] = {}
    for v in m.ProcedureVersion.objects.filter(procedure__code__in=list(procedures)).order_by("procedure_id",
                                                                                             "number"):
        latest[v.procedure_id] = v

    now = timezone.now()
    checker = _publication_checker(now)
    to_create, to_update = [], []
    for r in records:
        proc = procedures[r.code]
        version = latest.get(proc.id)
        if version is None:
            version = m.ProcedureVersion(procedure=proc, number=1)
            to_create.append(version)
            summary.created += 1
        else:
            to_update.append(version)
            summary.updated += 1
        summary.codes.append(r.code)
        for name in RECORD_VERSION_FIELDS:
            setattr(version, name, getattr(r, name))
        sector = sectors.get(r.sector)
        version.sector_id = sector.id if sector else None
        version.levels = ",".join(r.levels)
        version.subjects = list(r.subjects)
        version.parse_issues = [{"component": i.component, "message": i.message, "raw": i.raw}
                                for i in r.parse_issues]
        version.search_name, version.search_text = search_fields(r)
        version.publication_checks = checker(r, bool(proc.province_id) or bool(LOCALISED_CODE.match(r.code)))
        if r.status == m.VersionStatus.PUBLISHED and version.published_at is None:
            version.published_at = now
        version.updated_at = now

    m.ProcedureVersion.objects.bulk_create(to_create)
    if to_update:
        m.ProcedureVersion.objects.bulk_update(to_update, [*RECORD_VERSION_FIELDS, *COMPUTED_VERSION_FIELDS])
        ids = [v.id for v in to_update]
        m.Fee.objects.filter(channel__version_id__in=ids).delete()
        for model in (m.Step, m.Channel, m.RequiredDocument, m.LegalBasis, m.VersionAgency, m.Result):
            model.objects.filter(version_id__in=ids).delete()

    versions = {v.procedure_id: v for v in [*to_create, *to_update]}
    if not all(v.pk for v in to_create):  # backends without RETURNING ids on bulk_create
        for v in m.ProcedureVersion.objects.filter(procedure__code__in=list(procedures)):
            versions[v.procedure_id].pk = v.pk
    return versions


def _write_components(records: list[ProcedureRecord], procedures: dict[str, m.Procedure],
                      versions: dict[int, m.ProcedureVersion]) -> None:
    """Steps, channels and their fees, required documents, legal basis, agencies and results of each version."""
    legal = _legal_documents(records)
    agencies = _agencies_by_code(records)
    steps, channels, documents, bases, vagencies, results = [], [], [], [], [], []
    channel_fees: list[tuple[m.Channel, list]] = []
    for r in records:
        version = versions[procedures[r.code].id]
        steps += [m.Step(version=version, position=i, title=s.title, description=s.description)
                  for i, s in enumerate(r.steps)]
        for i, c in enumerate(r.channels):
            ch = m.Channel(version=version, position=i, kind=c.kind,
                           time_limit_amount=c.time_limit.amount if c.time_limit else None,
                           time_limit_unit=c.time_limit.unit if c.time_limit else "",
                           time_limit_text=c.time_limit_text, description=c.description,
                           cutoff_moves_start=c.cutoff_moves_start)
            channels.append(ch)
            channel_fees.append((ch, c.fees))
        documents += [m.RequiredDocument(version=version, position=i, case=d.case, name=d.name,
                                         originals=d.originals, copies=d.copies, form=d.form, form_url=d.form_url,
                                         replaceable_by_registry=d.replaceable_by_registry,
                                         reusable_from_result=d.reusable_from_result)
                      for i, d in enumerate(r.documents)]
        seen: set[str] = set()
        for lr in r.legal_basis:
            if lr.number in seen:
                continue
            seen.add(lr.number)
            bases.append(m.LegalBasis(version=version, document=legal[lr.number], position=len(seen) - 1))
        vagencies += [m.VersionAgency(version=version, role=a.role, position=i, name=a.name,
                                      agency_id=agencies.get(a.code)) for i, a in enumerate(r.agencies)]
        results += [m.Result(version=version, position=i, name=x.name, code=x.code, description=x.description)
                    for i, x in enumerate(r.results)]
    m.Step.objects.bulk_create(steps)
    m.Channel.objects.bulk_create(channels)
    if channels and not channels[0].pk:
        raise RuntimeError("The database backend must return ids from bulk_create (SQLite ≥ 3.35, PostgreSQL).")
    m.Fee.objects.bulk_create([m.Fee(channel=ch, position=i, amount_vnd=f.amount_vnd, description=f.description)
                               for ch, fees in channel_fees for i, f in enumerate(fees)])
    m.RequiredDocument.objects.bulk_create(documents)
    m.LegalBasis.objects.bulk_create(bases)
    m.VersionAgency.objects.bulk_create(vagencies)
    m.Result.objects.bulk_create(results)


def _set_current_versions(records: list[ProcedureRecord], procedures: dict[str, m.Procedure],
                          versions: dict[int, m.ProcedureVersion]) -> None:
    """The current version is the published one. A new draft leaves the published version current; an abolished
    latest version leaves the procedure with none."""
    current_updates = []
    for r in records:
        proc = procedures[r.code]
        version = versions[proc.id]
        if r.status == m.VersionStatus.PUBLISHED:
            want = version.pk
        elif r.status == m.VersionStatus.ABOLISHED or proc.current_version_id == version.pk:
            want = None
        else:
            continue
        if proc.current_version_id != want:
            proc.current_version_id = want
            current_updates.append(proc)
    if current_updates:
        m.Procedure.objects.bulk_update(current_updates, ["current_version"])


# -- drafts and publication ----------------------------------------------------------------------------------


class PublicationRefused(Exception):
    """A version that fails the blocking checks (missing mandatory components); ``checks`` says why."""

    def __init__(self, checks: dict) -> None:
        missing = next((c["data"].get("missing", []) for c in checks["checks"] if c["name"] == "complete"), [])
        super().__init__("Không thể công bố: thiếu thành phần bắt buộc " + ", ".join(missing))
        self.checks = checks


def managing_agency_ids(procedure: m.Procedure) -> set[int]:
    """Agencies whose catalog officers manage a procedure: the competent and implementing agencies named on its
    versions, and for a province's localised copy, the province's own bodies."""
    from motcua.units.models import Agency

    ids = set(
        m.VersionAgency.objects.filter(
            version__procedure=procedure, agency__isnull=False,
            role__in=[m.AgencyRole.COMPETENT, m.AgencyRole.IMPLEMENTING],
        ).values_list("agency_id", flat=True)
    )
    if procedure.province_id:
        ids |= set(Agency.objects.filter(unit_id=procedure.province_id).values_list("id", flat=True))
    return ids


def can_manage(user, procedure: m.Procedure) -> bool:
    """Catalog officers edit drafts and publish only their own agency's procedures."""
    from motcua.units.models import Membership, Role

    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    mine = set(Membership.objects.filter(user=user, role=Role.CATALOG_OFFICER).values_list("agency_id", flat=True))
    return bool(mine & managing_agency_ids(procedure))


def _require_manager(user, procedure: m.Procedure) -> None:
    from django.core.exceptions import PermissionDenied

    if not can_manage(user, procedure):
        raise PermissionDenied(f"Bạn không phải cán bộ quản lý TTHC của cơ quan quản lý thủ tục {procedure.code}.")


def create_draft(procedure: m.Procedure, user) -> m.ProcedureVersion:
    """A new draft version copied from the latest one; the published version stays current until the draft is
    published."""
    from .queries import version_to_record, versions_with_components

    _require_manager(user, procedure)
    with transaction.atomic():
        # Lock the procedure row: two officers starting a draft at once get one draft, not two.
        m.Procedure.objects.select_for_update().filter(pk=procedure.pk).first()
        latest = versions_with_components(
            m.ProcedureVersion.objects.filter(procedure=procedure).order_by("-number")
        ).first()
        if latest is not None and latest.status == m.VersionStatus.DRAFT:
            return latest
        record = version_to_record(latest) if latest else None
        number = (latest.number + 1) if latest else 1
        m.ProcedureVersion.objects.create(procedure=procedure, number=number, name=record.name if record else "",
                                          status=m.VersionStatus.DRAFT)
        if record is not None:
            record.status = m.VersionStatus.DRAFT
            record.decision_number, record.decision_date, record.uploaded_on = "", None, None
            record.valid_from = record.valid_to = None
            record.source = "manual"
            upsert_records([record])
        return m.ProcedureVersion.objects.get(procedure=procedure, number=number)


def update_draft(version: m.ProcedureVersion, record: ProcedureRecord, user) -> m.ProcedureVersion:
    """Replace a draft's content. Published and abolished versions are never edited in place."""
    from django.core.exceptions import ValidationError

    _require_manager(user, version.procedure)
    if version.status != m.VersionStatus.DRAFT:
        raise ValidationError({"status": "Chỉ sửa được phiên bản dự thảo."})
    if record.code != version.procedure.code:
        raise ValidationError({"code": "Mã thủ tục không khớp với phiên bản."})
    latest = m.ProcedureVersion.objects.filter(procedure=version.procedure).order_by("-number").first()
    if latest.pk != version.pk:
        raise ValidationError({"number": "Chỉ sửa được dự thảo mới nhất."})
    record.status = m.VersionStatus.DRAFT
    upsert_records([record])
    version.refresh_from_db()
    return version


# Warnings computed by higher packages on a draft's publication checks, by key (oversight.review: "overlaps").
_DRAFT_CHECKS: dict[str, Callable[[m.ProcedureVersion], Any]] = {}


def register_draft_check(name: str, check: Callable[[m.ProcedureVersion], Any]) -> None:
    """Store ``check(version)`` under ``name`` in each draft's publication checks (a hook for higher packages)."""
    _DRAFT_CHECKS[name] = check


def check_version(version: m.ProcedureVersion) -> dict:
    """Run the publication checks on a stored version and store their results with it."""
    from .queries import version_to_record, versions_with_components

    v = versions_with_components(m.ProcedureVersion.objects.filter(pk=version.pk)).get()
    checks = _publication_checker(timezone.now())(version_to_record(v), bool(v.procedure.province_id))
    if v.status == m.VersionStatus.DRAFT:
        # Announcement 437/TB-VPCP direction 1 (no overlap, no new procedures): warn before publication of published
        # procedures this draft may duplicate. A warning only: reviewers decide (oversight review registers
        # "overlaps"; the catalog knows no package above it).
        for name, check in _DRAFT_CHECKS.items():
            checks[name] = check(v)
    m.ProcedureVersion.objects.filter(pk=version.pk).update(publication_checks=checks)
    version.publication_checks = checks
    return checks


def publish_version(version: m.ProcedureVersion, user, *, decision_number: str, decision_date, valid_from=None,
                    uploaded_on=None) -> m.ProcedureVersion:
    """Publish a draft by a publication decision. The previous published version's window closes the day before.

    Refused (``PublicationRefused``) when a mandatory component a–g is missing; timing checks are stored and shown.
    """
    from django.core.exceptions import ValidationError

    _require_manager(user, version.procedure)
    with transaction.atomic():
        version = m.ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != m.VersionStatus.DRAFT:
            raise ValidationError({"status": "Chỉ công bố được phiên bản dự thảo."})
        if not decision_number.strip():
            raise ValidationError({"decision_number": "Cần số quyết định công bố."})
        if decision_date is None:
            raise ValidationError({"decision_date": "Cần ngày quyết định công bố."})
        version.decision_number = decision_number.strip()
        version.decision_date = decision_date
        version.uploaded_on = uploaded_on
        version.valid_from = valid_from or timezone.localdate()
        version.save(update_fields=["decision_number", "decision_date", "uploaded_on", "valid_from"])
        checks = check_version(version)
        if checks["publishable"]:
            _make_current(version)
    if not checks["publishable"]:
        # Raised after the commit so that the check results stay stored with the draft.
        raise PublicationRefused(checks)
    return version


def _make_current(version: m.ProcedureVersion) -> None:
    """Publish ``version``: close the previous version's validity window and point the procedure at it."""
    import datetime as dt

    previous = version.procedure.current_version
    if previous is not None and previous.pk != version.pk:
        previous.valid_to = max(version.valid_from - dt.timedelta(days=1), previous.valid_from or dt.date.min)
        previous.save(update_fields=["valid_to"])
    version.status = m.VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    m.Procedure.objects.filter(pk=version.procedure_id).update(current_version=version)
