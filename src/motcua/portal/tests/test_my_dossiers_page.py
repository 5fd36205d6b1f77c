"""Issue 14 point 3: "Hồ sơ của tôi" lists the signed-in citizen's own dossiers (status, due date, what is asked of
them next) and PAKN items, linked from the menu; nobody else's."""

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import services
from motcua.dossiers.tests.factories import CITIZEN, procedure, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_citizens(settings, tmp_path):
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    users = get_user_model().objects
    an, binh = users.create_user("001090012345"), users.create_user("001190054321")
    procedure()
    mine = services.submit("1.000001", "H01.TTPVHCC", "online", dict(CITIZEN), {}, actor=an, role="applicant",
                           at=vn(2026, 3, 2, 9))
    theirs = services.submit("1.000001", "H01.TTPVHCC", "online", {**CITIZEN, "personal_id": "001190054321",
                                                                   "full_name": "Trần Thị Bình"}, {}, actor=binh,
                             role="applicant", at=vn(2026, 3, 2, 10))
    return an, mine, theirs


def test_a_signed_in_citizen_sees_their_dossier_with_status_and_next_step(client, two_citizens):
    an, mine, _theirs = two_citizens
    client.force_login(an)
    page = client.get("/ho-so/cua-toi/")
    html = page.content.decode()
    assert page.status_code == 200
    assert mine.code in html and "Mới đăng ký" in html
    assert "Chờ cơ quan tiếp nhận: quý vị chưa cần làm gì." in html
    assert "Phản ánh, kiến nghị (0)" in html


def test_the_menu_links_to_my_dossiers_for_a_citizen(client, two_citizens):
    client.force_login(two_citizens[0])
    assert 'href="/ho-so/cua-toi/">Hồ sơ của tôi</a>' in client.get("/").content.decode()


def test_attacker_signed_in_as_another_citizen_does_not_see_the_dossier(client, two_citizens):
    an, mine, theirs = two_citizens
    client.force_login(an)
    html = client.get("/ho-so/cua-toi/").content.decode()
    assert mine.code in html
    assert theirs.code not in html and "Trần Thị Bình" not in html


def test_anonymous_visitor_is_sent_to_sign_in(client, two_citizens):
    response = client.get("/ho-so/cua-toi/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
