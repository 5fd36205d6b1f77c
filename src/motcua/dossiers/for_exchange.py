"""What the dossiers give the exchange below them (issue 15 point 4): registered once, in
``DossiersConfig.ready()`` (:func:`register`), so that the exchange knows no dossier internals.

- the case a registry call is bound to (:func:`case`, for purpose binding: ``motcua.exchange.cases``);
- the messages of linked groups between deployments (:mod:`.linked.handlers`, ``motcua.exchange.messaging``);
- the personal data store's reuse figures counted over the dossiers (:mod:`.personal_store_figures`,
  ``motcua.exchange.store.queries.register_reuse_figures``).

(Results land in the store through the dossiers' own "event appended" hook, :func:`.personal_store.on_dossier_event`,
registered in ``apps.py``.)
"""

from __future__ import annotations

from motcua.exchange import cases
from motcua.exchange.store.queries import register_reuse_figures

from .models import Dossier
from .transitions import TERMINAL_STATES


def case(code: str) -> cases.Case | None:
    """The dossier ``code`` as the exchange's purpose binding reads it (``None`` when there is none)."""
    row = (Dossier.objects.filter(code=code)
           .values("agency_id", "applicant_user_id", "applicant_personal_id", "applicant_enterprise_code",
                   "procedure__code", "state", "form_data").first())
    if row is None:
        return None
    return cases.Case(code=code, agency_id=row["agency_id"], procedure_code=row["procedure__code"] or "",
                      applicant_user_id=row["applicant_user_id"],
                      applicant_personal_id=row["applicant_personal_id"] or "",
                      applicant_enterprise_code=row["applicant_enterprise_code"] or "",
                      open=row["state"] not in TERMINAL_STATES, form_data=row["form_data"] or {})


def register() -> None:
    """Register every hook the exchange offers (called by ``DossiersConfig.ready()``)."""
    cases.register_case_lookup(case)
    from .linked import handlers  # noqa: F401  (its @handler functions register the linked-group message kinds)
    from .personal_store_figures import reuse_figures

    register_reuse_figures(reuse_figures)
