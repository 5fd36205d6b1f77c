"""The obstacle fact table (issue 15 point 5): the monthly figures read stored spans, not the events.

- :func:`refresh` takes in the events after the watermark (:class:`~motcua.steering.models.FactMark`): every
  obstacle they touch has its spans recomputed from its own events (idempotent per obstacle, so a margin of events
  before the watermark is read again: an event committed late with a lower id is not lost); ``motcua oversight
  refresh`` (and beat) and ``motcua steering facts`` call it.
- :func:`take_in` recomputes one obstacle's spans: the services call it after each obstacle event, in the same
  transaction, so the figures never wait for the next refresh (and a bulk of events costs one obstacle each).
- :func:`rebuild` empties the table and recomputes every obstacle: the same rows as the refreshes (tested).

One span per event: the obstacle's state, agency and deadline after the event, from the event's time until the next
event's, with the obstacle's sector and report period.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import FactMark, Obstacle, ObstacleFact, SteeringEvent

MARK = "obstacle_events"
MARGIN = 1000  # events re-read before the watermark


def _spans(obstacle_ids: Iterable[int]) -> list[ObstacleFact]:
    ids = sorted(set(obstacle_ids))
    if not ids:
        return []
    about = {pk: (sector_id, period) for pk, sector_id, period in
             Obstacle.objects.filter(pk__in=ids).values_list("pk", "sector_id", "report__period")}
    rows: list[ObstacleFact] = []
    previous: ObstacleFact | None = None
    for oid, seq, at, state, agency_id, due, action in (
            SteeringEvent.objects.filter(obstacle_id__in=ids).order_by("obstacle_id", "seq")
            .values_list("obstacle_id", "seq", "at", "state", "agency_id", "due_date", "action")):
        if previous is not None and previous.obstacle_id == oid:
            previous.ends_at = at
        sector_id, period = about.get(oid, (None, ""))
        previous = ObstacleFact(obstacle_id=oid, seq=seq, starts_at=at, state=state, agency_id=agency_id,
                                due_date=due, sector_id=sector_id, report_period=period or "",
                                confirmed=action == "confirm")
        rows.append(previous)
    return rows


def _replace(obstacle_ids: Iterable[int]) -> int:
    ids = sorted(set(obstacle_ids))
    ObstacleFact.objects.filter(obstacle_id__in=ids).delete()
    rows = _spans(ids)
    ObstacleFact.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def take_in(obstacle_ids: Iterable[int]) -> int:
    """Recompute the spans of these obstacles from their events (the watermark does not move: the next refresh
    reads their events again, which gives the same rows)."""
    return _replace(obstacle_ids)


def _high() -> int:
    return SteeringEvent.objects.filter(obstacle__isnull=False).aggregate(m=Max("id"))["m"] or 0


def rebuild() -> dict:
    """Empty the obstacle facts and compute them from every obstacle's events."""
    with transaction.atomic():
        mark, _ = FactMark.objects.select_for_update().get_or_create(name=MARK)
        high = _high()
        ObstacleFact.objects.all().delete()
        ids = SteeringEvent.objects.filter(obstacle__isnull=False, id__lte=high).values_list("obstacle_id", flat=True)
        rows = _replace(ids)
        mark.last_id, mark.refreshed_at = high, timezone.now()
        mark.save(update_fields=["last_id", "refreshed_at"])
    return {"obstacles": len(set(ids)), "rows": rows, "watermark": high}


def refresh() -> dict:
    """Take in the obstacle events after the watermark (all of them the first time)."""
    with transaction.atomic():
        mark = FactMark.objects.select_for_update().filter(name=MARK).first()
        if mark is None:
            return {**rebuild(), "rebuilt": True}
        high = _high()
        if high <= mark.last_id and not _late_events(mark.last_id):
            return {"obstacles": 0, "rows": 0, "watermark": mark.last_id, "rebuilt": False}
        ids = set(SteeringEvent.objects.filter(obstacle__isnull=False, id__gt=max(0, mark.last_id - MARGIN),
                                               id__lte=high).values_list("obstacle_id", flat=True))
        rows = _replace(ids)
        mark.last_id, mark.refreshed_at = max(high, mark.last_id), timezone.now()
        mark.save(update_fields=["last_id", "refreshed_at"])
    return {"obstacles": len(ids), "rows": rows, "watermark": mark.last_id, "rebuilt": False}


def _late_events(last_id: int) -> bool:
    """Whether an obstacle event at or below the watermark has no span yet (committed after a refresh read past
    its id)."""
    return ObstacleFact.objects.count() != SteeringEvent.objects.filter(obstacle__isnull=False,
                                                                        id__lte=last_id).count()
