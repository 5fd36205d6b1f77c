"""Purpose binding (issue 4 point 4): every call names agency, actor, dossier and purpose; officers need a grant
covering the dossier's procedure; citizens read only their own data; refusals are logged; revocation is immediate."""

import pytest

from motcua.catalog.tests.factories import create_procedure
from motcua.exchange import services
from motcua.exchange.errors import AccessRefused, InvalidRequest
from motcua.exchange.models import AccessLogEntry

from .factories import AGENCY, AN, BINH, PROCEDURE, citizen, officer_case

pytestmark = pytest.mark.django_db
PURPOSE = "Thẩm định hồ sơ"


def _fetch(user, dossier, role="specialist", identifier=AN, registry="population", **kw):
    return services.fetch(registry, identifier, attributes=kw.pop("attributes", ["full_name"]), agency=AGENCY,
                          actor=user, role=role, dossier_code=dossier.code, purpose=PURPOSE, **kw)


def test_officer_with_grant_reads_and_the_call_is_logged_with_its_purpose():
    user, dossier = officer_case()
    result = _fetch(user, dossier)
    assert result.values == {"full_name": "Nguyễn Văn An"}
    assert result.source == "Cơ sở dữ liệu quốc gia về dân cư"
    entry = AccessLogEntry.objects.get(pk=result.log_entry_id)
    assert (entry.outcome, entry.agency_code, entry.actor_username, entry.role, entry.dossier_code,
            entry.procedure_code, entry.purpose, entry.attributes, entry.subject) == (
        "allowed", AGENCY, user.username, "specialist", dossier.code, PROCEDURE, PURPOSE, ["full_name"], AN)
    assert entry.grant_id is not None and entry.latency_ms is not None


def test_without_a_grant_the_call_is_refused_and_the_refusal_logged():
    user, dossier = officer_case(granted=False)
    with pytest.raises(AccessRefused, match="chưa được cấp quyền"):
        _fetch(user, dossier)
    entry = AccessLogEntry.objects.get()
    assert entry.outcome == "refused" and entry.reason.startswith("no_grant")


def test_a_grant_for_other_procedures_does_not_cover_this_dossier():
    user, dossier = officer_case()
    create_procedure("1.000002", "Thủ tục khác")
    services.grant(AGENCY, "residence", procedure_codes=["1.000002"])
    with pytest.raises(AccessRefused) as refused:
        _fetch(user, dossier, registry="residence", attributes=["permanent_address"])
    assert refused.value.code == "grant_not_for_procedure"


def test_revocation_takes_effect_at_the_next_call():
    user, dossier = officer_case(granted=False)
    row = services.grant(AGENCY, "population", procedure_codes=[PROCEDURE])
    _fetch(user, dossier)
    services.revoke(row.pk, reason="Hết thời hạn")
    with pytest.raises(AccessRefused):
        _fetch(user, dossier)
    assert list(AccessLogEntry.objects.order_by("id").values_list("outcome", flat=True)) == ["allowed", "refused"]


def test_the_officer_must_hold_the_role_in_the_requesting_agency():
    user, dossier = officer_case()
    with pytest.raises(AccessRefused) as refused:
        _fetch(user, dossier, role="leader")
    assert refused.value.code == "not_member"


def test_the_dossier_must_exist_and_be_handled_by_the_agency():
    user, _dossier = officer_case()
    with pytest.raises(AccessRefused) as refused:
        services.fetch("population", AN, agency=AGENCY, actor=user, role="specialist", dossier_code="NO-SUCH",
                       purpose=PURPOSE)
    assert refused.value.code == "unknown_dossier"
    with pytest.raises(AccessRefused) as refused:
        services.fetch("population", AN, agency=AGENCY, actor=user, role="specialist", dossier_code="",
                       purpose=PURPOSE)
    assert refused.value.code == "dossier_required"


def test_a_purpose_is_required():
    user, dossier = officer_case()
    with pytest.raises(InvalidRequest, match="mục đích"):
        services.fetch("population", AN, agency=AGENCY, actor=user, role="specialist", dossier_code=dossier.code,
                       purpose="  ")
    assert AccessLogEntry.objects.get().outcome == "invalid"


def test_a_citizen_reads_their_own_data_without_a_grant_but_not_someone_elses():
    an = citizen(AN)
    result = services.fetch("population", AN, attributes=["birth_date"], actor=an, role="citizen",
                            purpose="Tự tra cứu")
    assert str(result.values["birth_date"]) == "1990-03-12"
    with pytest.raises(AccessRefused) as refused:
        services.fetch("population", BINH, actor=an, role="citizen", purpose="Tự tra cứu")
    assert refused.value.code == "not_own_data"
    with pytest.raises(AccessRefused):
        services.fetch("business", "0101234567", actor=an, role="citizen", purpose="Tự tra cứu")
    assert list(AccessLogEntry.objects.order_by("id").values_list("outcome", "subject")) == [
        ("allowed", AN), ("refused", BINH), ("refused", "0101234567")]


def test_a_citizen_reads_own_data_only_for_their_own_dossier():
    _, dossier = officer_case()  # the dossier's applicant is Nguyễn Văn An (personal ID AN)
    assert services.fetch("population", AN, actor=citizen(AN), role="citizen", dossier_code=dossier.code,
                          purpose="Tra cứu cho hồ sơ của tôi").values["full_name"] == "Nguyễn Văn An"
    binh = citizen(BINH, linked=True)
    with pytest.raises(AccessRefused) as refused:
        services.fetch("population", BINH, actor=binh, role="citizen", dossier_code=dossier.code,
                       purpose="Tra cứu")
    assert refused.value.code == "not_own_dossier"


def test_system_calls_need_a_grant_too():
    _, dossier = officer_case(granted=False)
    with pytest.raises(AccessRefused):
        services.fetch("population", AN, agency=AGENCY, actor=None, role="system", dossier_code=dossier.code,
                       purpose="Liên thông")
    services.grant(AGENCY, "population")
    assert services.fetch("population", AN, agency=AGENCY, actor=None, role="system", dossier_code=dossier.code,
                          purpose="Liên thông").values["full_name"] == "Nguyễn Văn An"


def test_in_production_only_the_person_link_identifies_a_citizen(settings):
    from motcua.exchange.queries import personal_id_of

    by_name, linked = citizen(AN), citizen(BINH, linked=True)
    assert personal_id_of(by_name) == AN and personal_id_of(linked) == BINH
    settings.ENVIRONMENT = "production"
    assert personal_id_of(by_name) is None and personal_id_of(linked) == BINH
    with pytest.raises(AccessRefused) as refused:
        services.fetch("population", AN, actor=by_name, role="citizen", purpose="Tự tra cứu")
    assert refused.value.code == "no_personal_id"
