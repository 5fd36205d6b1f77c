"""Steering's chained log for ``motcua audit verify`` (:mod:`motcua.core.audit`; issue 12 points 3 and 19): every
obstacle's and task assignment's event chain. Registered with :func:`motcua.core.eventlog.register_chained_log` in
``SteeringConfig.ready()``."""

from __future__ import annotations

from typing import Any

from motcua.core.audit import LATEST, Report, verify_objects


def verify_steering_events(*, progress: bool = False, checkpoint: Any = LATEST) -> Report:
    """Every obstacle's and task assignment's event chain (ends at the subject's ``version``)."""
    from .models import Obstacle, SteeringEvent, TaskAssignment

    ends = {f"obstacle:{pk}": v for pk, v in Obstacle.objects.values_list("pk", "version")}
    ends |= {f"assignment:{pk}": v for pk, v in TaskAssignment.objects.values_list("pk", "version")}

    def chain_of(e) -> str:
        return f"obstacle:{e.obstacle_id}" if e.obstacle_id else f"assignment:{e.assignment_id}"

    def chain_filter(k: str) -> dict:
        kind, _, pk = k.partition(":")
        return {"obstacle_id": int(pk)} if kind == "obstacle" else {"assignment_id": int(pk)}

    return verify_objects("steering events", SteeringEvent.objects.order_by("obstacle_id", "assignment_id", "seq"),
                          chain_of=chain_of, chain_name=lambda k: k.replace(":", " "), chain_filter=chain_filter,
                          expected_end=lambda k: ends.get(k), checkpoint=checkpoint, progress=progress)
