"""Roles that moved (docs/law.md): the standing agency of the Working Group / Advisory Council is configuration
(MOTCUA_STEERING_STANDING_AGENCY, default VPCP per Announcement 437/TB-VPCP), never a name written in the code; the
monthly report to the Working Group is issued by it."""

import pytest

from motcua.core import config
from motcua.steering import services

pytestmark = pytest.mark.django_db


def _from_environment(value: str) -> str:
    return config.load({"MOTCUA_STEERING_STANDING_AGENCY": value})["MOTCUA_STEERING_STANDING_AGENCY"]


@pytest.mark.parametrize(("configured", "code", "name"), [
    ("", "VPCP", "Văn phòng Chính phủ"),  # Announcement 437/TB-VPCP
    ("BTP", "BTP", "Bộ Tư pháp"),  # a deployment whose instrument moves it (Decree 309/2026 moved the one-stop tasks)
])
def test_the_standing_agency_is_configuration(settings, configured, code, name):
    settings.MOTCUA_STEERING_STANDING_AGENCY = _from_environment(configured)
    assert services.standing_agency_code() == code and services.standing_agency_name() == name


def test_the_national_monthly_report_is_issued_by_the_configured_standing_agency(settings):
    from motcua.reports.monthly import _issuer, parse_scope

    settings.MOTCUA_STEERING_STANDING_AGENCY = "BTP"
    _superior, issuer, symbol, _place, signature, _recipients = _issuer(parse_scope("national"))
    assert (issuer, symbol) == ("Bộ Tư pháp", "BC-BTP") and "CHỦ NHIỆM" not in signature.authority
    settings.MOTCUA_STEERING_STANDING_AGENCY = _from_environment("")
    assert _issuer(parse_scope("national"))[1:3] == ("Văn phòng Chính phủ", "BC-VPCP")
