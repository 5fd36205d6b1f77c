"""Issue 4 point 3: the demo identity provider, clearly labelled, records the e-identification level (1 or 2) on the
session and the account, appends a sign-in record, and is refused in production."""

from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from motcua.core.identifiers import IdentifierError, parse_personal_id, personal_id_error
from motcua.identity.models import AppendOnlyError, IdentityAccount, SignIn

pytestmark = pytest.mark.django_db

CITIZEN = "001090012345"


def _me(client):
    return client.get("/api/v1/me/identity").json()


def test_sign_in_at_level_two_records_it_on_the_session_and_the_account(client):
    page = client.get("/dinh-danh/demo/")
    assert page.status_code == 200
    assert "không phải VNeID" in page.content.decode()  # clearly labelled as a demo
    response = client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "2", "full_name": "Nguyễn Văn An",
                                                "next": "/ho-so/tra-cuu/"})
    assert response.status_code == 302 and response["Location"] == "/ho-so/tra-cuu/"
    user = get_user_model().objects.get(username=CITIZEN)
    assert user.get_full_name() == "Văn An Nguyễn" or user.last_name == "Nguyễn Văn"
    assert client.session["motcua_identity_level"] == 2
    account = IdentityAccount.objects.get(user=user)
    assert (account.provider, account.level, account.personal_id) == ("demo", 2, CITIZEN)
    assert _me(client)["request_level"] == 2
    assert SignIn.objects.filter(user=user, level=2, demo=True).count() == 1


def test_a_later_sign_in_at_level_one_replaces_the_level_and_keeps_the_history(client):
    client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "2"})
    client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "1"})
    assert client.session["motcua_identity_level"] == 1
    assert _me(client)["level"] == 1
    assert list(SignIn.objects.order_by("at", "pk").values_list("level", flat=True)) == [2, 1]
    with pytest.raises(AppendOnlyError):
        SignIn.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        SignIn.objects.all().update(level=2)


def test_a_password_sign_in_is_not_e_identified_even_on_an_account_once_at_level_two(client):
    client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "2"})
    user = get_user_model().objects.get(username=CITIZEN)
    client.logout()
    client.force_login(user)  # a password sign-in: the session carries no e-identification
    me = _me(client)
    assert (me["level"], me["request_level"]) == (2, 0)


@pytest.mark.parametrize(("personal_id", "rule"), [
    ("00109001234", "personal_id_format"),       # wrong length
    ("001690012345", "personal_id_century"),     # impossible century/sex digit
    ("001399012345", "personal_id_birth_year"),  # born in 2099
    ("099090012345", "personal_id_province"),    # no province 099
])
def test_a_malformed_personal_id_is_refused_with_a_clear_message(client, personal_id, rule):
    with pytest.raises(IdentifierError) as error:
        parse_personal_id(personal_id)
    assert error.value.rule == rule
    response = client.post("/dinh-danh/demo/", {"personal_id": personal_id, "level": "2"})
    assert response.status_code == 400
    with translation.override("vi"):
        assert escape(personal_id_error(personal_id)) in response.content.decode()
    assert not get_user_model().objects.filter(username=personal_id).exists()
    assert "_auth_user_id" not in client.session


def test_a_staff_account_cannot_be_taken_over(client):
    get_user_model().objects.create_user(CITIZEN, is_staff=True)
    response = client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "2"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_the_demo_provider_labelled(client):
    html = client.get("/dang-nhap/").content.decode()
    assert 'id="provider-demo"' in html and "Thử nghiệm — không phải VNeID" in html


def test_production_refuses_the_demo_provider(client, settings):
    settings.ENVIRONMENT = "production"
    assert client.get("/dinh-danh/demo/").status_code == 404
    assert client.post("/dinh-danh/demo/", {"personal_id": CITIZEN, "level": "2"}).status_code == 404
    assert 'id="provider-demo"' not in client.get("/dang-nhap/").content.decode()
    assert not get_user_model().objects.filter(username=CITIZEN).exists()


def test_the_provider_list_can_leave_the_demo_out(client, settings):
    settings.MOTCUA_IDENTITY_PROVIDERS = "oidc"
    assert client.get("/dinh-danh/demo/").status_code == 404
