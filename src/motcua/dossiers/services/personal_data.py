"""Issue 12 point 15: bulk reads of applicants' personal data go into the hash-chained access log
(exchange), where the citizen sees them on "who looked at my data" and ``motcua audit verify`` checks them — not only
the application log."""

from __future__ import annotations

from collections.abc import Iterable

from motcua.catalog.models import Procedure

from ..models import Dossier

PERSONAL_DATA_READ = "ho-so"  # the access log's "registry" column for reads of a dossier's applicant data
PERSONAL_DATA_FIELDS = ["personal_id", "phone"]


def record_personal_data_read(actor, dossiers: Iterable[Dossier], *, role: str, purpose: str) -> int:
    """Append one access-log entry per applicant whose personal ID and phone ``actor`` has just read in full (a page of
    a list, a register); the actor's own dossiers are not recorded. Returns how many entries were written."""
    from motcua.exchange.queries import personal_id_of
    from motcua.exchange.services import LogRecord, append_log

    own = personal_id_of(actor)
    dossiers = [d for d in dossiers if d.applicant_personal_id and d.applicant_personal_id != own]
    codes = dict(Procedure.objects.filter(pk__in={d.procedure_id for d in dossiers}).values_list("pk", "code"))
    records = [LogRecord(registry=PERSONAL_DATA_READ, subject=d.applicant_personal_id,
                         attributes=list(PERSONAL_DATA_FIELDS), role=role, purpose=purpose, outcome="allowed",
                         agency_code=d.agency.code, actor_username=actor.get_username(),
                         actor_name=actor.get_full_name() if hasattr(actor, "get_full_name") else "",
                         dossier_code=d.code, procedure_code=codes.get(d.procedure_id, ""))
               for d in dossiers]
    if records:
        append_log(records)
    return len(records)
