"""The dossier API's speed tricks with DRF, each beside its plain twin (same output, tested equal in
``dossiers/tests/test_api_fast_serialization_equals_drf.py`` and ``test_api_list_rows_equal_the_serializer.py``).

- :func:`validate_submission` and :func:`represent` reuse one serializer of each kind per thread, and give the
  dossier serializer its context through DRF's private ``_context`` attribute: DRF builds a ``ModelSerializer``'s
  fields (deep copies, model introspection) on every instance, which cost more than the rest of the submission's
  Python work. Same classes, same output; only the construction is shared. Justified by ``bench/dossiers.py --only
  submit``. Plain twins: :func:`validate_submission_plain`, :func:`represent_plain`.
- :func:`represent_list_row` builds a row of the dossier list directly instead of through DRF's per-field machinery
  (two nested serializers, 30 fields, a bound copy of each per row), which cost more than the list's query (issue
  13 point 8). Justified by ``bench/dossiers.py --only queue`` (the "API list" row). Plain twin:
  :func:`represent_plain`.

Figures stay in ``bench/`` (``bench/RESULTS.md``).
"""

from __future__ import annotations

import threading

from rest_framework import exceptions, serializers

from ..models import Dossier
from .serializers import DossierSerializer, DossierSubmitSerializer, deadline_flags, mask

# One serializer of each kind per thread (a serializer keeps per-call state: its context, its errors).
_serializers = threading.local()


def validate_submission(body: dict) -> dict:
    """``DossierSubmitSerializer(data=body).is_valid(raise_exception=True)`` and its validated data."""
    serializer = getattr(_serializers, "submit", None)
    if serializer is None:
        serializer = _serializers.submit = DossierSubmitSerializer()
    try:
        return serializer.run_validation(body)
    except exceptions.ValidationError as invalid:
        raise exceptions.ValidationError(invalid.detail) from None


def validate_submission_plain(body: dict) -> dict:
    """:func:`validate_submission` as DRF documents it: a new serializer, ``is_valid(raise_exception=True)``."""
    serializer = DossierSubmitSerializer(data=body)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def represent(dossier: Dossier, context: dict) -> dict:
    """``dict(DossierSerializer(dossier, context=context).data)``, with this thread's serializer."""
    serializer = getattr(_serializers, "dossier", None)
    if serializer is None:
        serializer = _serializers.dossier = DossierSerializer()
    serializer._context = context
    try:
        return dict(serializer.to_representation(dossier))
    finally:
        serializer._context = {}


def represent_plain(dossier: Dossier, context: dict) -> dict:
    """:func:`represent` (and :func:`represent_list_row`) as DRF documents it: a new serializer per dossier."""
    return dict(DossierSerializer(dossier, context=context).data)


_DATETIME = serializers.DateTimeField()


def _choice(value):
    return value if value in ("", None) else str(value)


def represent_list_row(dossier: Dossier, context: dict) -> dict:
    """``DossierSerializer(dossier, context=context).data`` for one row of the list, built directly (the same keys,
    order and values; tested equal): on a page of the list, DRF's per-field machinery (two nested serializers, 30
    fields, a bound copy of each per row) cost more than the query (issue 13 point 8)."""
    dt = _DATETIME.to_representation
    personal_id, phone = dossier.applicant_personal_id, dossier.applicant_phone
    unmasked = context.get("unmasked")
    if unmasked is not None and not unmasked(dossier):
        personal_id, phone = mask(personal_id), mask(phone)
    status = dossier.status
    return {
        "code": str(dossier.code),
        "status": {"code": int(status["code"]), "name": str(status["name"])},
        "state": _choice(dossier.state),
        "procedure": str(dossier.procedure.code),
        "procedure_name": str(dossier.procedure_version.name),
        "agency": str(dossier.agency.code),
        "agency_name": str(dossier.agency.name),
        "channel": _choice(dossier.channel),
        "applicant": {"kind": _choice(dossier.applicant_kind), "personal_id": str(personal_id),
                      "enterprise_code": str(dossier.applicant_enterprise_code),
                      "full_name": str(dossier.applicant_name), "phone": str(phone),
                      "email": str(dossier.applicant_email), "address": str(dossier.applicant_address)},
        "form_data": dossier.form_data,
        "submitted_at": dt(dossier.submitted_at),
        "received_at": dt(dossier.received_at),
        "due_at": dt(dossier.due_at),
        "finished_at": dt(dossier.finished_at),
        "returned_at": dt(dossier.returned_at),
        "deadline": deadline_flags(dossier, context),
        "supplement_count": int(dossier.supplement_count),
        "missing_items": dossier.missing_items,
        "apology_count": int(dossier.apology_count),
        "current_step": int(dossier.current_step),
        "rating": _choice(dossier.rating),
        "rated_at": dt(dossier.rated_at),
        "version": int(dossier.version),
    }
