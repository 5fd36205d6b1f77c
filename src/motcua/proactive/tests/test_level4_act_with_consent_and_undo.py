"""Issue 16 point 4 (Decree 224/2026 Art. 16(4)): where the law allows, the result is produced without a
submission; the person confirms, refuses or asks for a correction; a refusal restores the registry value just before,
through the change feed, and leaves the trail."""

import pytest

from motcua.exchange.models import RegistryChange
from motcua.proactive import services
from motcua.proactive.models import CaseState, ProactiveCase

from .factories import CHILD, FATHER, RUN_ON, birth, citizen, triggers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("answer, state, restored", [
    ("refuse", CaseState.REFUSED, True),
    ("correction", CaseState.CORRECTION, True),
    ("confirm", CaseState.CONFIRMED, False),
])
def test_art16_4_the_card_is_issued_automatically_and_a_refusal_restores_it(client, answer, state, restored):
    triggers("BHYT-TRESOSINH")
    before = services.current_card(CHILD)
    birth()
    services.run(RUN_ON)
    [case] = ProactiveCase.objects.all()  # one decision per birth, told to one parent
    assert case.personal_id == FATHER and case.state == CaseState.AUTO_DONE and case.respond_by
    issued = services.current_card(CHILD)
    assert issued != before and issued["number"].startswith("TE1") and issued["valid_to"] == "2032-11-19"
    client.force_login(citizen(FATHER))
    assert "thẻ bảo hiểm y tế số" in client.get("/ho-so/viec-can-lam/").content.decode()
    client.post(f"/ho-so/viec-can-lam/{case.pk}/tra-loi/", {"answer": answer, "note": "Sai nơi khám"})
    case.refresh_from_db()
    assert case.state == state
    assert (services.current_card(CHILD) == before) is restored
    kinds = list(RegistryChange.objects.filter(registry="social_insurance", subject=CHILD)
                 .order_by("id").values_list("kind", flat=True))
    assert kinds == (["card_issued", "card_restored"] if restored else ["card_issued"])  # the trail stays


def test_an_answer_is_given_once_and_only_by_the_person(client):
    triggers("BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    [case] = ProactiveCase.objects.all()
    client.force_login(citizen("079201006789"))
    assert client.post(f"/ho-so/viec-can-lam/{case.pk}/tra-loi/", {"answer": "refuse"}).status_code == 404
    services.respond(case.pk, FATHER, "confirm")
    with pytest.raises(services.CaseError):
        services.respond(case.pk, FATHER, "refuse")
    assert not RegistryChange.objects.filter(kind="card_restored").exists()


@pytest.mark.parametrize("answer, state", [("refuse", CaseState.REFUSED), ("confirm", CaseState.CONFIRMED)])
def test_art16_4_a_dossier_is_opened_and_handled_to_its_result_by_the_system_and_keeps_the_answer(answer, state):
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.tests.factories import procedure
    from motcua.units.models import Agency
    from motcua.units.services import load_reference_units

    if not Agency.objects.filter(code="BHXH").exists():
        load_reference_units()
    procedure("2.000986")
    triggers("BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    [case] = ProactiveCase.objects.all()
    dossier = Dossier.objects.get(code=case.dossier_code)  # nobody submitted: the system opened it
    assert dossier.state == "returned" and dossier.applicant_personal_id == FATHER
    steps = list(dossier.events.order_by("seq").values_list("action", "role"))
    assert steps == [(a, "system") for a in ("submit", "receive", "assign", "approve", "issue_result",
                                             "return_result")]
    services.respond(case.pk, FATHER, answer, note="Sai nơi khám")
    case.refresh_from_db()
    assert case.state == state
    last = dossier.events.order_by("seq").last()
    assert (last.action, last.data["answer"]) == (f"automatic_{answer}", answer)  # the dossier records the answer


def test_the_system_cannot_decide_a_dossier_a_person_submitted():
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.tests.factories import procedure, submitted

    procedure()
    dossier = submitted()
    with pytest.raises(dossier_services.ActorNotAllowed):
        dossier_services.act(dossier.code, "receive", actor=None, role="system", expected_version=dossier.version)
    with pytest.raises(dossier_services.ActorNotAllowed):
        dossier_services.record_automatic_answer(dossier.code, "refuse")


@pytest.mark.parametrize("trace", ["case_and_dossier", "dossier_only"])
def test_a_trigger_switched_on_later_skips_a_child_whose_card_came_with_the_submitted_linked_group(client, trace):
    from motcua.dossiers.tests.factories import procedure

    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    case = ProactiveCase.objects.get(personal_id=FATHER)
    client.force_login(citizen(FATHER))
    client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/")
    if trace == "dossier_only":  # as if the group had been submitted without a proactive task
        ProactiveCase.objects.all().delete()
    before = services.current_card(CHILD)
    triggers("BHYT-TRESOSINH")  # switched on after the group was submitted: its watermark still sees the birth
    summary = services.run(RUN_ON)
    assert summary.skipped_served == 1 and summary.cases == 0
    assert not ProactiveCase.objects.filter(trigger__code="BHYT-TRESOSINH").exists()
    assert services.current_card(CHILD) == before  # no second card issued


def test_a_trigger_switched_on_later_still_acts_for_a_child_nobody_applied_for():
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)  # prepared only, never submitted
    triggers("BHYT-TRESOSINH")
    assert services.run(RUN_ON).cases == 1


def test_the_card_alone_does_not_close_the_linked_group_switched_on_later():
    triggers("BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)  # the card was issued automatically
    triggers("KS-LIENTHONG")
    summary = services.run(RUN_ON)
    assert summary.cases == 2 and summary.skipped_served == 0  # birth registration and residence are still due
