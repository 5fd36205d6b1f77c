"""Issue 5 point 5: the consolidated monthly view for the Working Group's leader (counts by sector, agency and
status; new, resolved, overdue; members who have not reported) and the reminder to those members."""

import json
from datetime import date

import pytest
from django.core.management import call_command

from motcua.core.models import Job
from motcua.steering import queries, services

from .factories import report, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": ["file"]}
    return tmp_path / "notifications"


def test_october_as_it_stood_at_the_end_of_october(october):
    f = queries.obstacle_figures("2026-10")
    assert f.as_of == date(2026, 10, 31)
    assert (f.total, f.new, f.resolved, f.overdue, f.reports) == (3, 3, 1, 1, 2)
    assert f.by_status == {"submitted": 1, "assigned": 1, "in_progress": 0, "answered": 0, "resolved": 1,
                           "rejected": 0}
    assert f.by_sector == [{"sector": "Hộ tịch", "total": 2, "open": 1, "resolved": 1, "overdue": 1},
                           {"sector": "—", "total": 1, "open": 1, "resolved": 0, "overdue": 0}]
    assert {r["agency"]: (r["total"], r["open"], r["resolved"], r["overdue"]) for r in f.by_agency} == {
        "BTP": (1, 0, 1, 0), "H01": (1, 1, 0, 1), "—": (1, 1, 0, 0)}
    assert f.members_expected == 3
    assert [m["username"] for m in f.members_missing] == ["m-c"]


def test_november_sees_the_later_changes(october):
    f = queries.obstacle_figures("2026-11", as_of=date(2026, 11, 30))
    assert (f.total, f.new, f.resolved, f.overdue, f.reports) == (3, 0, 1, 0, 0)
    assert f.by_status["resolved"] == 2 and f.by_status["assigned"] == 1
    assert sorted(m["username"] for m in f.members_missing) == ["m-a", "m-b", "m-c"]
    # The obstacle due 30/11 is overdue from 1/12 if still unanswered.
    assert queries.obstacle_figures("2026-11", as_of=date(2026, 12, 1)).overdue == 1


def test_reminders_go_through_notifications_once_a_day(october, outbox, django_capture_on_commit_callbacks,
                                                        settings):
    settings.MOTCUA_PUBLIC_URL = "https://motcua.example.vn/"
    with django_capture_on_commit_callbacks(execute=True):
        result = services.remind("2026-11", at=vn(2026, 11, 25))
    assert sorted(result.queued) == ["m-a", "m-b"] and result.unreachable == ["m-c"]
    emails = [json.loads(line) for line in (outbox / "email.jsonl").read_text().splitlines()]
    sms = [json.loads(line) for line in (outbox / "sms.jsonl").read_text().splitlines()]
    assert [m["to"] for m in emails] == ["a@example.vn"] and [m["to"] for m in sms] == ["0912000001"]
    assert "11/2026" in emails[0]["subject"]
    assert "https://motcua.example.vn/chi-dao/bao-cao/moi/" in emails[0]["body"] and "https://" in sms[0]["body"]
    again = services.remind("2026-11", at=vn(2026, 11, 25, 16))
    assert again.queued == [] and sorted(again.already) == ["m-a", "m-b"]
    assert Job.objects.filter(key__startswith="steering-remind:2026-11:").count() == 2
    # A member who reports is no longer reminded.
    report(services.SteeringRole.objects.get(user__username="m-a").user, "2026-11", vn(2026, 11, 26))
    assert services.remind("2026-11", at=vn(2026, 11, 27)).queued == ["m-b"]


def test_remind_command(october, capsys):
    call_command("steering", "remind", "--period", "2026-10")
    out = capsys.readouterr().out
    assert "1 without e-mail or phone (m-c)" in out
    with pytest.raises(Exception, match="YYYY-MM"):
        call_command("steering", "remind", "--period", "10/2026")
