"""Submission: the channel must be offered by the published version, the agency must exist, the applicant valid."""

import pytest

from motcua.dossiers.services import InvalidSubmission, submit

from .factories import AGENCY, CITIZEN, procedure, vn

pytestmark = pytest.mark.django_db


def test_a_valid_submission_is_registered_with_its_first_event():
    version = procedure()
    d = submit("1.000001", AGENCY, "postal", dict(CITIZEN), {"a": 1}, at=vn(2026, 3, 2, 9))
    assert (d.state, d.status_code, d.version, d.procedure_version) == ("submitted", 1, 1, version)
    event = d.events.get()
    assert (event.seq, event.action, event.from_state, event.to_state, event.role) == (
        1, "submit", "new", "submitted", "desk_officer")


@pytest.mark.parametrize(
    ("procedure_code", "agency", "channel", "applicant", "field"),
    [
        ("9.999999", AGENCY, "online", CITIZEN, "procedure"),
        ("1.000001", "NOPE", "online", CITIZEN, "agency"),
        ("1.000001", AGENCY, "postal", CITIZEN, "channel"),
        ("1.000001", AGENCY, "fax", CITIZEN, "channel"),
        ("1.000001", AGENCY, "online", {**CITIZEN, "personal_id": "123"}, "applicant.personal_id"),
        ("1.000001", AGENCY, "online", {**CITIZEN, "kind": "robot"}, "applicant.kind"),
        ("1.000001", AGENCY, "online", {"kind": "business", "full_name": "Công ty A"}, "applicant.enterprise_code"),
        ("1.000001", AGENCY, "online", {**CITIZEN, "full_name": " "}, "applicant.full_name"),
        ("1.000001", AGENCY, "online", {**CITIZEN, "email": "not-mail"}, "applicant.email"),
    ],
)
def test_invalid_submissions_name_the_field(procedure_code, agency, channel, applicant, field):
    procedure(kinds=("in_person", "online"))
    with pytest.raises(InvalidSubmission) as refused:
        submit(procedure_code, agency, channel, dict(applicant), {}, at=vn(2026, 3, 2, 9))
    assert field in refused.value.errors


def test_a_business_applicant():
    procedure()
    d = submit("1.000001", AGENCY, "online", {"kind": "business", "enterprise_code": "0101234567",
                                              "full_name": "Công ty A"}, {}, at=vn(2026, 3, 2, 9))
    assert d.applicant_kind == "business" and d.applicant_enterprise_code == "0101234567"
