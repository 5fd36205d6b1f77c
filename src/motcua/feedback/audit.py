"""PAKN's chained logs for ``motcua audit verify`` (:mod:`motcua.core.audit`; issue 12 points 3 and 19): every PAKN
item's event chain and the trace of officers' looks at submitters' personal data. Registered with
:func:`motcua.core.eventlog.register_chained_log` in ``FeedbackConfig.ready()``."""

from __future__ import annotations

from typing import Any

from motcua.core.audit import CHUNK, LATEST, Report, verify_objects


def verify_feedback_events(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """Every PAKN item's event chain (ends at the item's ``version``)."""
    from .models import Feedback, FeedbackEvent

    items = {pk: (code, version) for pk, code, version in
             Feedback.objects.values_list("pk", "code", "version").iterator(chunk_size=CHUNK)}
    return verify_objects("PAKN events", FeedbackEvent.objects.order_by("feedback_id", "seq"),
                          chain_of=lambda e: e.feedback_id,
                          chain_name=lambda k: f"PAKN {items.get(int(k), (f'id {k}',))[0]}",
                          chain_filter=lambda k: {"feedback_id": k},
                          expected_end=lambda k: items.get(k, (None, None))[1], checkpoint=checkpoint,
                          progress=progress)


def verify_personal_data_access(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """The trace of officers' looks at PAKN submitters' personal data (one chain in id order)."""
    from .models import PersonalDataAccess

    return verify_objects("PAKN personal-data access", PersonalDataAccess.objects.order_by("id"),
                          chain_of=lambda e: "all", chain_name=lambda k: "chain", checkpoint=checkpoint,
                          progress=progress)
