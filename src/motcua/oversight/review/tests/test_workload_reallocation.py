"""Workload per officer and unit from the dossiers and events, and the reallocation at constant headcount."""

from datetime import date

import pytest

from motcua.dossiers.tests.factories import officer, procedure, submitted, vn
from motcua.oversight.review import cli, services
from motcua.oversight.review.models import Analysis

from .factories import handled

pytestmark = pytest.mark.django_db


def test_workload_counts_open_dossiers_and_throughput():
    procedure("1.000001", amount=5)
    handled("1.000001", day=2)   # finished in the window
    open_one = submitted("1.000001", at=vn(2026, 3, 5, 8))
    from motcua.dossiers.tests.factories import Flow

    flow = Flow(open_one)
    flow("receive", "desk_officer", vn(2026, 3, 5, 9))
    flow("assign", "leader", vn(2026, 3, 5, 10), data={"assignee": "specialist-H01.TTPVHCC"})
    summary = services.compute_workload(as_of=date(2026, 3, 20), weeks=4)
    row = Analysis.objects.get(kind="workload", agency__code="H01.TTPVHCC").data
    assert (row["staff"], row["open"]) == (3, 1)  # desk officer, specialist, leader (the supervisor only reads)
    assert (row["arrivals_per_week"], row["completions_per_week"]) == (0.5, 0.25)
    officers = {o["username"]: o for o in row["officers"]}
    assert officers["specialist-H01.TTPVHCC"]["open"] == 1
    # The specialist worked on both dossiers in the window (complete_step, request_supplement …): 2 / 4 weeks.
    assert officers["desk_officer-H01.TTPVHCC"]["per_week"] == 0.5
    assert summary["headcount_before"] == summary["headcount_after"]


def test_reallocation_moves_spare_officers_to_the_unit_with_a_backlog():
    procedure("1.000001", amount=5)
    for i in range(4):
        officer(f"spare-{i}", "specialist", agency="H01.X00070")
    handled("1.000001", day=2)
    for day in (9, 10, 11, 12, 13):  # a backlog at the service centre: received, never finished
        for hour in (8, 9, 10):
            d = submitted("1.000001", at=vn(2026, 3, day, hour))
            from motcua.dossiers.tests.factories import Flow

            Flow(d)("receive", "desk_officer", vn(2026, 3, day, hour, 30))
    summary = services.compute_workload(as_of=date(2026, 3, 20), weeks=3)
    assert summary["headcount_before"] == summary["headcount_after"] == 7
    assert summary["moves"] and all(m["from_unit"] == "H01.X00070" and m["to_unit"] == "H01.TTPVHCC"
                                    for m in summary["moves"])
    statuses = {r.agency.code: r.data["status"] for r in Analysis.objects.filter(kind="workload")
                .select_related("agency")}
    assert statuses["H01.X00070"] == "spare"


def test_cli_prints_the_moves(capsys):
    import io

    out = io.StringIO()
    cli.main(["workload", "--as-of", "2026-03-20"], stdout=out, stderr=io.StringIO())
    assert "Biên chế: 0 → 0" in out.getvalue() and "Không cần điều động" in out.getvalue()


def test_oversight_command_dispatches_the_review_subcommands(tmp_path):
    import io

    from django.core.management import call_command

    procedure("1.000001", amount=5)
    handled("1.000001")
    out, err = io.StringIO(), io.StringIO()
    call_command("oversight", "export-xes", "--out", str(tmp_path / "log.xes"), stdout=out, stderr=err)
    assert "7 sự kiện" in err.getvalue() and (tmp_path / "log.xes").read_text().count("<event>") == 7
    call_command("oversight", "review", "--as-of", "2026-03-31", stdout=out, stderr=err)
    assert "dormant:" in out.getvalue() and "proposals:" in out.getvalue()
