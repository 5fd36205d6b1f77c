"""Submission applies the full identifier rules of domain.md §4 (core.identifiers), not only the digit count."""

import pytest

from motcua.dossiers.services import InvalidSubmission, submit

from .factories import AGENCY, CITIZEN, procedure, vn

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("personal_id", "why"),
    [
        ("000090012345", "province 000 does not exist"),
        ("097090012345", "province 097 does not exist"),
        ("001690012345", "century digit 6 does not exist"),
        ("001299012345", "born in 2099: in the future"),
    ],
)
def test_a_twelve_digit_personal_id_that_breaks_the_rules_is_refused(personal_id, why):
    procedure()
    with pytest.raises(InvalidSubmission) as refused:
        submit("1.000001", AGENCY, "online", {**CITIZEN, "personal_id": personal_id}, {}, at=vn(2026, 3, 2, 9))
    assert "applicant.personal_id" in refused.value.errors, why


def test_a_valid_personal_id_is_accepted():
    procedure()
    d = submit("1.000001", AGENCY, "online", {**CITIZEN, "personal_id": "079201006789"}, {}, at=vn(2026, 3, 2, 9))
    assert d.applicant_personal_id == "079201006789"


def test_an_enterprise_code_with_a_branch_suffix_is_accepted_and_a_malformed_one_refused():
    procedure()
    business = {"kind": "business", "full_name": "Công ty A"}
    d = submit("1.000001", AGENCY, "online", {**business, "enterprise_code": "0101234567-001"}, {},
               at=vn(2026, 3, 2, 9))
    assert d.applicant_enterprise_code == "0101234567-001"
    with pytest.raises(InvalidSubmission) as refused:
        submit("1.000001", AGENCY, "online", {**business, "enterprise_code": "0101234567-1"}, {}, at=vn(2026, 3, 2, 9))
    assert "applicant.enterprise_code" in refused.value.errors
