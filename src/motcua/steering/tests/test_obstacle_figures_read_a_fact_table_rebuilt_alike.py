"""Issue 15 point 5: the monthly obstacle figures read a fact table (one span per event), kept in step from the
events after a watermark as obstacles move, and rebuilt from all events with the same rows."""

from datetime import date

import pytest
from django.core.management import call_command

from motcua.steering import facts, queries, services
from motcua.steering.models import FactMark, ObstacleFact

from .factories import officer, standing, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": ["file"]}


def _rows() -> list[tuple]:
    return list(ObstacleFact.objects.order_by("obstacle_id", "seq").values_list(
        "obstacle_id", "seq", "starts_at", "ends_at", "state", "agency_id", "due_date", "sector_id", "report_period",
        "confirmed"))


def test_each_obstacle_event_is_taken_in_as_it_is_appended(october):
    o1, _o2, _o3 = october
    # o1: submit, assign, answer, confirm; o2: submit, assign, answer, confirm; o3: submit, assign.
    assert ObstacleFact.objects.count() == 10
    latest = ObstacleFact.objects.get(obstacle=o1, ends_at__isnull=True)
    assert (latest.seq, latest.state, latest.confirmed) == (4, "resolved", True)
    assert ObstacleFact.objects.get(obstacle=o1, seq=1).ends_at == vn(2026, 10, 6)


def test_a_rebuild_gives_the_same_rows_and_the_same_figures(october):
    before, figures = _rows(), queries.obstacle_figures("2026-10").as_dict()
    result = facts.rebuild()
    assert result["rows"] == 10 and _rows() == before
    assert queries.obstacle_figures("2026-10").as_dict() == figures


def test_a_refresh_after_a_lost_watermark_rebuilds_alike(october):
    before = _rows()
    FactMark.objects.all().delete()
    ObstacleFact.objects.filter(seq__gt=1).delete()
    assert facts.refresh()["rebuilt"] is True and _rows() == before
    assert facts.refresh()["rows"] == 0  # nothing new after the watermark


def test_the_figures_come_from_the_facts_not_from_the_events(october):
    assert queries.obstacle_figures("2026-10").total == 3
    ObstacleFact.objects.all().delete()
    assert queries.obstacle_figures("2026-10").total == 0
    call_command("steering", "facts", "--rebuild")
    assert queries.obstacle_figures("2026-10").total == 3


def test_a_later_event_moves_only_the_present_and_keeps_the_past(october):
    _o1, _o2, o3 = october
    past = queries.obstacle_figures("2026-11", as_of=date(2026, 11, 30)).as_dict()
    services.act_on_obstacle(officer("BTP"), o3, "answer", note="Đã trả lời.", at=vn(2026, 12, 2))
    services.act_on_obstacle(standing(), o3, "confirm", at=vn(2026, 12, 3))
    assert queries.obstacle_figures("2026-11", as_of=date(2026, 11, 30)).as_dict() == past
    december = queries.obstacle_figures("2026-12", as_of=date(2026, 12, 31))
    assert december.resolved == 1 and december.by_status["resolved"] == 3


def test_a_refresh_takes_in_the_events_after_the_watermark_as_a_rebuild_would(october):
    _o1, _o2, o3 = october
    mark = facts.rebuild()["watermark"]
    services.act_on_obstacle(officer("BTP"), o3, "answer", note="Đã trả lời.", at=vn(2026, 12, 2))
    ObstacleFact.objects.filter(obstacle=o3).delete()  # as if the append had not taken it in
    result = facts.refresh()
    assert result["watermark"] > mark and result["obstacles"] >= 1
    incremental = _rows()
    assert ObstacleFact.objects.filter(obstacle=o3).count() == 3
    facts.rebuild()
    assert _rows() == incremental
