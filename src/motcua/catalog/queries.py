"""Reads of the catalog used by more than one caller (API, web pages, exports)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import F, Prefetch, QuerySet

from . import models as m
from .records import (
    AgencyRecord,
    ChannelRecord,
    DocumentRecord,
    FeeRecord,
    LegalRecord,
    ParseIssue,
    ProcedureRecord,
    ResultRecord,
    StepRecord,
    TimeLimit,
)


def versions_with_components(qs: QuerySet[m.ProcedureVersion] | None = None) -> QuerySet[m.ProcedureVersion]:
    """Versions with every component prefetched: a fixed number of queries however many versions."""
    qs = m.ProcedureVersion.objects.all() if qs is None else qs
    return qs.select_related("procedure", "sector").prefetch_related(
        "steps",
        Prefetch("channels", queryset=m.Channel.objects.prefetch_related("fees")),
        "documents",
        Prefetch("legal_basis", queryset=m.LegalBasis.objects.select_related("document")),
        Prefetch("agencies", queryset=m.VersionAgency.objects.select_related("agency")),
        "results",
    )


def current_versions() -> QuerySet[m.ProcedureVersion]:
    """The published version of each procedure that has one, in code order."""
    return m.ProcedureVersion.objects.filter(procedure__current_version=F("pk")).order_by("procedure__code")


def current_version(code: str) -> m.ProcedureVersion | None:
    """The current published version of the procedure with this code, with its components."""
    return versions_with_components(
        m.ProcedureVersion.objects.filter(procedure__code=code, procedure__current_version=F("pk"))
    ).first()


def version_to_record(v: m.ProcedureVersion) -> ProcedureRecord:
    """A stored version as the canonical record (the inverse of ``services.upsert_records``)."""
    return ProcedureRecord(
        code=v.procedure.code,
        name=v.name,
        kind=v.kind,
        sector=v.sector.name if v.sector else "",
        levels=v.level_list,
        online_level=v.online_level,
        subjects=list(v.subjects),
        requirements=v.requirements,
        submission_address=v.submission_address,
        related_procedures_text=v.related_procedures_text,
        steps=[StepRecord(s.title, s.description) for s in v.steps.all()],
        channels=[
            ChannelRecord(
                kind=c.kind,
                time_limit=TimeLimit(c.time_limit_amount, c.time_limit_unit) if c.has_time_limit else None,
                time_limit_text=c.time_limit_text,
                fees=[FeeRecord(f.amount_vnd, f.description) for f in c.fees.all()],
                description=c.description,
                cutoff_moves_start=c.cutoff_moves_start,
            )
            for c in v.channels.all()
        ],
        documents=[
            DocumentRecord(d.name, d.originals, d.copies, d.form, d.form_url, d.case, d.replaceable_by_registry,
                           d.reusable_from_result)
            for d in v.documents.all()
        ],
        legal_basis=[
            LegalRecord(b.document.number, b.document.title, b.document.issued_on, b.document.effective_on)
            for b in v.legal_basis.all()
        ],
        # In the record's order (``position``), not the model's default role order, so a round trip keeps it.
        agencies=[AgencyRecord(a.role, a.name, a.agency.code if a.agency else "")
                  for a in sorted(v.agencies.all(), key=lambda a: a.position)],
        results=[ResultRecord(r.name, r.code, r.description) for r in v.results.all()],
        status=v.status,
        decision_number=v.decision_number,
        decision_date=v.decision_date,
        uploaded_on=v.uploaded_on,
        valid_from=v.valid_from,
        valid_to=v.valid_to,
        source=v.source,
        source_url=v.source_url,
        source_folder=v.source_folder,
        parse_issues=[ParseIssue(i.get("component", ""), i.get("message", ""), i.get("raw", ""))
                      for i in v.parse_issues],
        raw=dict(v.raw),
    )


def iter_latest_records(chunk: int = 500) -> Iterator[ProcedureRecord]:
    """The latest version of every procedure as records, in code order, streamed in chunks."""
    codes = list(m.Procedure.objects.order_by("code").values_list("code", flat=True))
    for i in range(0, len(codes), chunk):
        part = codes[i:i + chunk]
        latest: dict[str, m.ProcedureVersion] = {}
        for v in versions_with_components(
            m.ProcedureVersion.objects.filter(procedure__code__in=part).order_by("procedure__code", "number")
        ):
            latest[v.procedure.code] = v
        for code in part:
            if code in latest:
                yield version_to_record(latest[code])
