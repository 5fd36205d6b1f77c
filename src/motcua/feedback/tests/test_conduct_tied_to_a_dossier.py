"""Issue 5 point 1: a report about an officer's conduct may name one of the submitter's own dossiers (never someone
else's); it then goes to the dossier's agency unless another is chosen."""

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import submitted
from motcua.feedback import services

from .factories import SUBMITTER, citizen, procedure, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"


def _conduct(dossier_code, actor):
    return services.submit({"kind": "report", "topic": "conduct", "dossier_code": dossier_code,
                            "officer_name": "Cán bộ tiếp nhận", "title": "Cán bộ gây khó khăn",
                            "content": "Cán bộ yêu cầu nộp thêm giấy tờ không có trong quy định.", **SUBMITTER},
                           actor=actor, at=vn(2026, 3, 5, 9))


def test_own_dossier_only():
    procedure("1.000001")
    owner, other = citizen(), citizen("079201006789")
    dossier = submitted()
    Dossier.objects.filter(pk=dossier.pk).update(applicant_user=owner)
    item = _conduct(dossier.code, owner)
    assert item.dossier_id == dossier.pk and item.agency_id == dossier.agency_id
    with pytest.raises(services.InvalidFeedback) as error:
        _conduct(dossier.code, other)
    assert "dossier_code" in error.value.errors
    with pytest.raises(services.InvalidFeedback):
        _conduct(dossier.code, None)  # anonymous: cannot claim a dossier
