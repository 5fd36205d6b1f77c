"""Candidate overlaps across agencies and levels, ranked; siblings (birth vs death registration) are not proposed;
reviewers' verdicts are stored (append-only) and decided pairs are not proposed again; the drafting check warns."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from motcua.catalog.models import Procedure
from motcua.oversight.review import services
from motcua.oversight.review.models import OverlapCandidate, OverlapDecision, ReviewLog
from motcua.units.models import Agency, Membership

from .factories import record

pytestmark = pytest.mark.django_db

BIRTH_DOCS = ["Tờ khai đăng ký khai sinh theo mẫu", "Giấy chứng sinh hoặc văn bản của người làm chứng"]
DEATH_DOCS = ["Tờ khai đăng ký khai tử theo mẫu", "Giấy báo tử hoặc giấy tờ thay thế giấy báo tử"]


@pytest.fixture
def catalog():
    record("1.000001", "Thủ tục đăng ký khai sinh", BIRTH_DOCS)
    record("1.000002", "Thủ tục đăng ký khai tử", DEATH_DOCS)
    record("2.000001", "Đăng ký khai sinh", [*BIRTH_DOCS, "Giấy tờ tùy thân của người đi đăng ký"])  # another level
    record("1.000003", "Thủ tục đăng ký kết hôn", ["Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"])
    record("1.000004", "Cấp giấy phép xây dựng nhà ở riêng lẻ", ["Đơn đề nghị cấp giấy phép xây dựng",
                                                               "Bản vẽ thiết kế xây dựng"])
    record("1.000005", "Cấp lại giấy phép lái xe", ["Đơn đề nghị đổi, cấp lại giấy phép lái xe",
                                                    "Giấy khám sức khỏe của người lái xe"])
    record("1.000006", "Đăng ký thường trú", ["Tờ khai thay đổi thông tin cư trú", "Giấy tờ chứng minh chỗ ở"])
    record("1.000007", "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", ["Tờ khai tham gia bảo hiểm y tế"])


def _pairs():
    return {(c.procedure_a.code, c.procedure_b.code): c for c in
            OverlapCandidate.objects.select_related("procedure_a", "procedure_b")}


def _reviewer(username="reviewer"):
    user = get_user_model().objects.create(username=username)
    Membership.objects.create(user=user, agency=Agency.objects.get(code="H01"), role="supervisor")
    return user


def test_duplicate_across_levels_is_proposed_and_siblings_are_not(catalog):
    assert services.compute_overlaps() == 1
    pairs = _pairs()
    assert list(pairs) == [("1.000001", "2.000001")]
    c = pairs[("1.000001", "2.000001")]
    assert c.name_similarity > 0.8 and c.documents_similarity > 0.6 and c.score > 0.7


def test_decided_pair_is_not_proposed_again_and_the_verdict_is_traced(catalog):
    services.compute_overlaps()
    reviewer = _reviewer()
    services.decide_overlap(reviewer, "2.000001", "1.000001", "distinct", "Khác cấp thực hiện, giữ cả hai.")
    assert not OverlapCandidate.objects.exists()
    assert services.compute_overlaps() == 0
    services.decide_overlap(reviewer, "1.000001", "2.000001", "duplicate")  # a later verdict adds a row
    a, b = sorted(Procedure.objects.filter(code__in=["1.000001", "2.000001"]), key=lambda p: p.pk)
    assert list(OverlapDecision.objects.filter(procedure_a=a, procedure_b=b).values_list("verdict", flat=True)) == [
        "duplicate", "distinct"]
    assert services.decided_pairs()[(a.pk, b.pk)] == "duplicate"
    assert ReviewLog.objects.filter(action="overlap_decision").count() == 2


@pytest.mark.parametrize(("codes", "verdict", "message"), [
    (("1.000001", "9.999999"), "duplicate", "Không có thủ tục 9.999999"),
    (("1.000001", "1.000001"), "duplicate", "khác nhau"),
    (("1.000001", "2.000001"), "maybe", "Kết luận phải là"),
])
def test_bad_verdicts_are_refused_and_nothing_is_written(catalog, codes, verdict, message):
    with pytest.raises(ValidationError, match=message):
        services.decide_overlap(_reviewer(), *codes, verdict)
    assert not OverlapDecision.objects.exists() and not ReviewLog.objects.exists()


def test_only_reviewers_decide(catalog):
    with pytest.raises(PermissionDenied):
        services.decide_overlap(get_user_model().objects.create(username="citizen"), "1.000001", "2.000001",
                                "duplicate")


def test_drafting_check_warns_of_a_published_duplicate(catalog):
    from motcua.catalog.models import ProcedureVersion, VersionStatus

    draft = record("3.000001", "Đăng ký khai sinh cho trẻ em", BIRTH_DOCS, status=VersionStatus.DRAFT)
    assert isinstance(draft, ProcedureVersion) and draft.status == "draft"
    warnings = services.overlaps_for_version(draft)
    assert {w["code"] for w in warnings} == {"1.000001", "2.000001"}
    assert all(w["code"] != "1.000002" for w in warnings)  # death registration is not a duplicate
    other = record("3.000002", "Cấp phép khai thác khoáng sản", ["Bản đồ khu vực khai thác"],
                   status=VersionStatus.DRAFT)
    assert services.overlaps_for_version(other) == []
