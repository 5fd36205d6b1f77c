"""Issue 14 point 11: "the same flash message eight times in a minute".

The cause: only some templates showed Django's messages, so a message added before a redirect to a page that did not
(the citizen's dossier page after a proactive task is confirmed, "Hồ sơ của tôi", the home page) stayed stored and
piled up until a page that did show them. The layout now shows them on every page, once."""

import pytest

from motcua.dossiers.tests.factories import procedure
from motcua.proactive import services
from motcua.proactive.models import ProactiveCase
from motcua.proactive.tests.factories import FATHER, RUN_ON, birth, citizen, triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(client):
    """The father confirms the prepared birth-registration group in one click (Decree 224/2026 Art. 16)."""
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    client.force_login(citizen(FATHER))
    case = ProactiveCase.objects.get(personal_id=FATHER)
    response = client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/", follow=True)
    case.refresh_from_db()
    return response, case


def test_the_confirmation_is_said_once_on_the_dossier_page_it_leads_to(confirmed):
    response, case = confirmed
    assert response.redirect_chain == [(f"/ho-so/{case.dossier_code}/", 302)]
    page = response.content.decode()
    assert page.count(f"Đã nộp hồ sơ {case.dossier_code}.") == 1
    assert page.count('class="messages"') == 1


def test_a_message_once_shown_never_comes_back_on_later_pages(client, confirmed):
    _response, case = confirmed
    for path in ("/ho-so/viec-can-lam/", f"/ho-so/{case.dossier_code}/", "/ho-so/cua-toi/", "/"):
        assert "Đã nộp hồ sơ" not in client.get(path).content.decode(), path


def test_messages_of_several_actions_do_not_pile_up(client, confirmed):
    """Each answer says its own message once; none of the earlier ones is repeated."""
    for _ in range(3):
        response = client.post("/ho-so/viec-can-lam/dong-y/", {"scope": "all", "choice": "in"}, follow=True)
        page = response.content.decode()
        assert page.count("Đã ghi nhận: bạn nhận lại dịch vụ công chủ động.") == 1
        assert "Đã nộp hồ sơ" not in page
