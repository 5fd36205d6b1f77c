"""Compliance cost (Circular 02/2017/TT-VPCP Art. 27) and simplification plans against the 2025/2026 targets."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import override_settings

from motcua.dossiers.tests.factories import procedure, submitted, vn
from motcua.oversight.review import services
from motcua.oversight.review.models import Analysis, ReviewLog, SimplificationPlan
from motcua.units.models import Agency, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    user = get_user_model().objects.create(username="reviewer")
    Membership.objects.create(user=user, agency=Agency.objects.get(code="H01"), role="supervisor")
    return user


def test_domain_example_plan_saves_77_44_percent_and_meets_both_targets(reviewer):
    procedure("1.000001")
    for day in (2, 3, 4):  # three dossiers in 2024: the subjects per year by default
        submitted("1.000001", at=vn(2024, 9, day, 9))
    # 1,024,000 → 231,000 VND per dossier (domain.md §6), as fees and other costs with no time.
    plan = services.create_plan(reviewer, agency="H01.TTPVHCC", procedure="1.000001", title="Cắt giảm giấy tờ",
                                year=2025, before_hours=0, after_hours=0, before_fees_vnd=1_000_000,
                                before_other_vnd=24_000, after_fees_vnd=200_000, after_other_vnd=31_000,
                                before_days=10, after_days=5)
    figures = services.plan_figures(plan, services.hourly_income(), 3)
    assert figures["savings_rate"] == Decimal("77.44")
    assert (figures["annual_before"], figures["annual_after"], figures["annual_savings"]) == (3_072_000, 693_000,
                                                                                            2_379_000)
    targets = Analysis.objects.get(kind="targets", agency__code="H01.TTPVHCC").data
    assert targets["years"]["2025"] == {"target": "30", "annual_before": 3_072_000, "annual_after": 693_000,
                                        "cost_rate": "77.44", "cost_status": "met", "time_rate": "50.00",
                                        "time_status": "met"}
    assert targets["years"]["2026"]["cost_status"] == "met"
    assert targets["plans"][0]["subjects"] == 3
    assert ReviewLog.objects.filter(action="simplification_plan").count() == 1


@override_settings(MOTCUA_REVIEW_HOURLY_INCOME_VND=40_000)
def test_time_is_valued_at_the_configured_income_and_a_plan_in_2026_does_not_count_for_2025(reviewer):
    procedure("1.000001")
    services.create_plan(reviewer, agency="H01.TTPVHCC", procedure="1.000001", title="Liên thông", year=2026,
                         before_hours=10, after_hours=6, subjects_per_year=100)
    years = Analysis.objects.get(kind="targets", agency__code="H01.TTPVHCC").data["years"]
    assert years["2025"]["cost_rate"] is None and years["2025"]["cost_status"] == "no_data"
    # 10 h × 40,000 = 400,000 → 6 h × 40,000 = 240,000: 40% < 50% in 2026.
    assert (years["2026"]["annual_before"], years["2026"]["annual_after"]) == (40_000_000, 24_000_000)
    assert (years["2026"]["cost_rate"], years["2026"]["cost_status"]) == ("40.00", "behind")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("before_hours", "-1", "không âm"), ("after_fees_vnd", "abc", "Phải là một số"), ("year", "20x5", "Năm"),
    ("procedure", "9.999999", "Không có thủ tục"), ("agency", "XX", "Không có cơ quan"), ("title", " ", "tên"),
])
def test_bad_plan_is_refused_and_nothing_is_written(reviewer, field, value, message):
    procedure("1.000001")
    args = {"agency": "H01.TTPVHCC", "procedure": "1.000001", "title": "P", "year": 2025, "before_hours": 1,
            "after_hours": 1, field: value}
    with pytest.raises(ValidationError, match=message):
        services.create_plan(reviewer, **args)
    assert not SimplificationPlan.objects.exists() and not ReviewLog.objects.exists()


def test_cost_per_procedure_uses_the_profile_the_lowest_channel_fee_and_observed_subjects(reviewer):
    procedure("1.000001")  # channels free of charge
    for day in (2, 3):
        submitted("1.000001", at=vn(2026, 3, day, 9))
    services.set_cost_profile(reviewer, "1.000001", hours="2.5", other_costs_vnd=20_000)
    services.compute_costs(as_of=date(2026, 11, 30))
    data = Analysis.objects.get(kind="cost", procedure__code="1.000001").data
    # 2.5 h × 45,000 + 0 + 20,000 = 132,500 per dossier; × 1 × 2 dossiers observed = 265,000 a year.
    assert (data["per_performance"], data["subjects"], data["annual"], data["subjects_observed"]) == (
        132_500, 2, 265_000, True)
