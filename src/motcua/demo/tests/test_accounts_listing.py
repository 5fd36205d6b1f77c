"""`motcua demo accounts --format json|table` lists the demo sign-ins; citizens carry valid personal IDs."""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from motcua.demo.accounts import birth_year, create_demo_accounts, is_valid_personal_id
from motcua.demo.services import DEMO_PASSWORD, create_demo_users
from motcua.units.models import Membership

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _accounts(fmt: str) -> str:
    out = StringIO()
    call_command("demo", "accounts", "--format", fmt, stdout=out)
    return out.getvalue()


def test_accounts_json_lists_username_role_and_agency_of_every_kind_of_user():
    create_demo_users()
    created = create_demo_accounts()
    rows = json.loads(_accounts("json"))
    assert all({"username", "role", "agency"} <= set(row) for row in rows)
    assert {r["username"] for r in rows} >= set(created)
    roles = {(r["role"], r["agency"]) for r in rows}
    for agency in ("H01.X00070", "H01.TTPVHCC", "BTP"):  # a commune, a province service centre, a ministry
        assert {("desk_officer", agency), ("specialist", agency), ("leader", agency)} <= roles
    assert {("supervisor", "H01"), ("supervisor", "VPCP")} <= roles
    citizens = [r for r in rows if r["role"] == "citizen"]
    assert len(citizens) >= 3
    for citizen in citizens:
        assert citizen["username"] == citizen["personal_id"] and is_valid_personal_id(citizen["username"])
        assert 1900 <= birth_year(citizen["username"]) <= 2010


def test_demo_accounts_sign_in_with_the_demo_password_and_hold_their_role():
    create_demo_accounts()
    user = authenticate(username="demo-h01-ttpvhcc-desk-officer", password=DEMO_PASSWORD)
    assert user is not None and not user.is_staff  # staff status is for administrators (issue 12 point 15)
    assert Membership.objects.filter(user=user, agency__code="H01.TTPVHCC", role="desk_officer").exists()
    citizen = authenticate(username="001090012345", password=DEMO_PASSWORD)
    assert citizen is not None and not citizen.is_staff and not citizen.memberships.exists()
    assert create_demo_accounts() == []  # idempotent


def test_accounts_table_names_the_password():
    create_demo_accounts()
    text = _accounts("table")
    assert text.splitlines()[0].split()[:3] == ["username", "role", "agency"]
    assert "demo-vpcp-supervisor" in text and DEMO_PASSWORD in text


@pytest.mark.parametrize(("value", "valid"), [
    ("001090012345", True), ("079201006789", True), ("097090012345", False), ("001690012345", False),
    ("00109001234", False), ("00109001234a", False),
])
def test_personal_id_validity(value, valid):
    assert is_valid_personal_id(value) is valid
