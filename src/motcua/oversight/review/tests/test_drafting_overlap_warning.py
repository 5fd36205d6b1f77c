"""The catalog officer is warned, while drafting and before publication, of published procedures the draft may
duplicate (the same overlap check as the review; Announcement 437/TB-VPCP direction 1)."""

import pytest
from django.contrib.admin.sites import site

from motcua.catalog import services as catalog_services
from motcua.catalog.models import ProcedureVersion, VersionStatus

from .factories import record
from .test_overlaps_and_decisions import BIRTH_DOCS, catalog  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_check_version_of_a_draft_stores_the_overlap_warning(catalog):  # noqa: F811
    draft = record("3.000001", "Đăng ký khai sinh cho trẻ em", BIRTH_DOCS, status=VersionStatus.DRAFT)
    checks = catalog_services.check_version(draft)
    assert {o["code"] for o in checks["overlaps"]} == {"1.000001", "2.000001"}
    stored = ProcedureVersion.objects.get(pk=draft.pk).publication_checks
    assert stored["overlaps"] == checks["overlaps"]
    html = site._registry[ProcedureVersion].checks_table(ProcedureVersion.objects.get(pk=draft.pk))
    assert "Có thể trùng với thủ tục 1.000001" in html


def test_published_versions_carry_no_overlap_check(catalog):  # noqa: F811
    published = ProcedureVersion.objects.get(procedure__code="1.000001")
    assert "overlaps" not in catalog_services.check_version(published)
