"""Issue 12 point 4, from the attacker's side: on a production database that had demo data, the demo accounts (and
the demo password) sign in nowhere — web, admin, an old session, an API token — and the refusal says how to remove
them. The marker set by ``motcua demo load`` decides, not the name."""

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from motcua.core.demo_accounts import DEMO_PASSWORD, REMOVE_COMMAND, is_demo_account
from motcua.core.sessions import clear_session_caches
from motcua.demo.accounts import create_demo_accounts
from motcua.demo.services import create_demo_users

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_data():
    create_demo_users()
    create_demo_accounts()
    return get_user_model().objects.get(username="demo-admin")


@pytest.fixture
def production(settings):
    settings.ENVIRONMENT = "production"
    clear_session_caches()
    from motcua.core.auth import clear_token_cache

    clear_token_cache()
    return settings


def test_demo_admin_cannot_sign_in_to_the_admin_in_production(demo_data, production):
    client = Client()
    response = client.post("/admin/login/?next=/admin/", {"username": "demo-admin", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert REMOVE_COMMAND in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_demo_accounts_cannot_sign_in_on_the_web_in_production(demo_data, production):
    client = Client()
    response = client.post("/dang-nhap/", {"username": "demo-h01-ttpvhcc-desk-officer", "password": DEMO_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert REMOVE_COMMAND in response.content.decode()


def test_a_renamed_demo_account_with_a_new_password_is_still_refused(demo_data, production):
    user = get_user_model().objects.get(username="demo-h01-ttpvhcc-leader")
    user.username, _ = "nguyen.van.lanh.dao", user.set_password("Mat-khau-that-2026!")
    user.save()
    client = Client()
    client.post("/dang-nhap/", {"username": "nguyen.van.lanh.dao", "password": "Mat-khau-that-2026!"})
    assert "_auth_user_id" not in client.session


def test_a_session_opened_before_is_refused_in_production(demo_data, settings):
    client = Client()
    client.force_login(demo_data)
    assert client.get("/admin/").status_code == 200
    settings.ENVIRONMENT = "production"
    clear_session_caches()
    assert client.get("/admin/").status_code == 302


def test_a_demo_token_does_not_authenticate_in_production(demo_data, production):
    token = Token.objects.create(user=demo_data)
    response = Client().get("/api/v1/dossiers", HTTP_AUTHORIZATION=f"Bearer {token.key}")
    assert response.status_code == 401
    assert REMOVE_COMMAND in response.content.decode()


def test_outside_production_demo_accounts_work_and_a_real_demo_named_account_is_not_refused(demo_data, settings):
    client = Client()
    client.post("/dang-nhap/", {"username": "demo-admin", "password": DEMO_PASSWORD})
    assert "_auth_user_id" in client.session
    real = get_user_model().objects.create_user("demo-thi-ha", password="Mat-khau-that-2026!")
    settings.ENVIRONMENT = "production"
    client = Client()
    client.post("/dang-nhap/", {"username": "demo-thi-ha", "password": "Mat-khau-that-2026!"})
    assert "_auth_user_id" in client.session and not is_demo_account(real)


def test_remove_accounts_deletes_or_disables_every_marked_account(demo_data, production):
    Token.objects.create(user=demo_data)
    out = StringIO()
    call_command("demo", "remove-accounts", stdout=out)
    assert "Demo accounts deleted" in out.getvalue()
    left = get_user_model().objects.filter(groups__name="motcua-demo-accounts")
    assert not left.filter(is_active=True).exists() and not Token.objects.exists()
    assert not get_user_model().objects.filter(username__startswith="demo-", is_active=True).exists()


def test_the_migration_marks_accounts_loaded_before_the_marker_existed():
    migration = importlib.import_module("motcua.core.migrations.0003_mark_demo_accounts")
    User = get_user_model()
    old = User.objects.create_user("demo-btp-specialist", password=DEMO_PASSWORD)
    real = User.objects.create_user("demo-nguoi-that", password="Mat-khau-that-2026!")
    migration.mark(apps, None)
    assert is_demo_account(old) and not is_demo_account(real)
