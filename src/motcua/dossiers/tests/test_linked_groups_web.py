"""The citizen follows a linked group on one page (issue 4 point 8): the parent's page lists every member with its
child dossier, agency, state and due time, and one timeline of the group; a child's page links to the parent."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.dossiers import groups
from motcua.dossiers.models import GroupMember

from .factories import CITIZEN, Flow, procedure, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def parent():
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    citizen = get_user_model().objects.create(username=CITIZEN["personal_id"])
    parent = groups.submit_group("LT-KS-TT-BHYT", "H01.TTPVHCC", "online", dict(CITIZEN),
                                 {"child": {"full_name": "Nguyễn Thị Bé"}}, citizen, vn(2026, 3, 2, 9))
    return parent, citizen


def test_parent_page_shows_members_and_one_group_timeline(client, parent):
    parent, citizen = parent
    members = {m.key: m for m in GroupMember.objects.filter(parent=parent)}
    flow = Flow(members["health_insurance"].child, "BHXH")
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 10, 5), data={"assignee": "specialist-BHXH"})
    flow("refuse", "leader", vn(2026, 3, 2, 11), reason="Thiếu giấy tờ của mẹ")
    client.force_login(citizen)
    page = client.get(f"/ho-so/{parent.code}/").content.decode()
    assert 'id="group-members"' in page and 'id="group-timeline"' in page
    for member in members.values():
        assert member.child.code in page
    assert "Bảo hiểm xã hội Việt Nam" in page and "Bộ Công an" in page
    assert "Hồ sơ liên thông đã được nộp." in page
    assert f"Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi ({members['health_insurance'].child.code}): " \
           "Cơ quan từ chối hồ sơ." in page
    assert "Thiếu giấy tờ của mẹ" in page
    assert "Kết quả của các thủ tục khác vẫn được giữ" in page
    assert reverse("citizen:withdraw", args=[parent.code]) not in page and 'id="timeline-heading"' not in page
    child_page = client.get(f"/ho-so/{members['birth'].child.code}/").content.decode()
    assert 'id="group-parent"' in child_page and f"/ho-so/{parent.code}/" in child_page
