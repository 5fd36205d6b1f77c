"""Issue 16, known fault (a): the newborn's health-insurance card issued automatically (level 4, Decree 224/2026
Art. 16(4)) before the parents confirm the birth linked group (Decree 63/2024) was issued a second time by the group's
card member. The group now leaves out a member whose result the person already holds: it is recorded as served
with that result and the dossier that gave it; birth registration and residence go on as usual."""

import pytest

from motcua.dossiers.models import Dossier, GroupMember
from motcua.dossiers.tests.factories import procedure
from motcua.exchange.models import RegistryChange
from motcua.proactive import services
from motcua.proactive.models import CaseState, ProactiveCase

from .factories import CHILD, FATHER, MOTHER, RUN_ON, birth, citizen, triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    from motcua.units.models import Agency
    from motcua.units.services import load_reference_units

    if not Agency.objects.filter(code="BHXH").exists():
        load_reference_units()
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)


def _card_dossiers() -> list[str]:
    """The dossiers that issue the child's card: the health-insurance procedure about the child, outside any group
    parent (the group's parent carries the same linked procedure code but issues nothing itself)."""
    return list(Dossier.objects.filter(procedure__code="2.000986", form_data__child__personal_id=CHILD)
                .exclude(group_code="LT-KS-TT-BHYT", group_parent_code="").values_list("code", flat=True))


def test_the_group_confirmed_after_the_automatic_card_does_not_issue_it_again(catalog, client):
    triggers("KS-LIENTHONG", "BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    auto = ProactiveCase.objects.get(trigger__code="BHYT-TRESOSINH")
    assert auto.state == CaseState.AUTO_DONE and auto.dossier_code
    group_case = ProactiveCase.objects.get(trigger__code="KS-LIENTHONG", personal_id=MOTHER)

    client.force_login(citizen(MOTHER))
    response = client.post(f"/ho-so/viec-can-lam/{group_case.pk}/xac-nhan/")
    group_case.refresh_from_db()
    assert group_case.state == CaseState.SUBMITTED and response.status_code == 302
    parent = Dossier.objects.get(code=group_case.dossier_code)
    members = {m.key: m for m in GroupMember.objects.filter(parent=parent)}
    assert set(members) == {"birth", "residence", "health_insurance"}
    card = members["health_insurance"]
    assert card.child is None and card.child_code == auto.dossier_code and card.state == "returned"
    assert card.result["card"] == auto.after["card"]
    assert _card_dossiers() == [auto.dossier_code]  # one card dossier: the automatic decision's
    assert members["birth"].child and members["residence"].child  # the rest of the group goes on
    assert list(RegistryChange.objects.filter(registry="social_insurance", subject=CHILD)
                .values_list("kind", flat=True)) == ["card_issued"]  # issued once


def test_a_refused_automatic_card_is_applied_for_again_within_the_group(catalog, client):
    triggers("KS-LIENTHONG", "BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    auto = ProactiveCase.objects.get(trigger__code="BHYT-TRESOSINH")
    services.respond(auto.pk, FATHER, "refuse")  # the registry is back as before: the person holds no such card
    group_case = ProactiveCase.objects.get(trigger__code="KS-LIENTHONG", personal_id=FATHER)
    assert services.held_results(group_case.trigger, CHILD) == {}
    client.force_login(citizen(FATHER))
    client.post(f"/ho-so/viec-can-lam/{group_case.pk}/xac-nhan/")
    group_case.refresh_from_db()
    card = GroupMember.objects.get(parent__code=group_case.dossier_code, key="health_insurance")
    assert card.child is not None and card.state == "submitted"  # the group asks BHXH for the card
    assert len(_card_dossiers()) == 2


def test_the_parents_page_says_the_card_is_already_held(catalog, client):
    triggers("KS-LIENTHONG", "BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    auto = ProactiveCase.objects.get(trigger__code="BHYT-TRESOSINH")
    client.force_login(citizen(MOTHER))
    page = client.get("/ho-so/viec-can-lam/").content.decode()
    assert 'class="held"' in page and auto.after["card"]["number"] in page
