"""Issue 16 point 5 (Decree 224/2026 Art. 17(2)–(3)): a person may refuse proactive services, all or per trigger,
from their page; a refusing person's data is not read at all; every read shows on "who looked at my data"."""

import pytest

from motcua.exchange.models import AccessLogEntry
from motcua.proactive import services
from motcua.proactive.models import OptOut, ProactiveCase

from .factories import FATHER, MOTHER, RUN_ON, age, birth, citizen, triggers

pytestmark = pytest.mark.django_db


def test_art17_3_an_opted_out_person_gets_nothing_and_nothing_of_theirs_is_read(client):
    triggers("KS-LIENTHONG")
    client.force_login(citizen(FATHER))
    assert client.post("/ho-so/viec-can-lam/dong-y/", {"scope": "all", "choice": "out"}).status_code == 302
    birth()
    summary = services.run(RUN_ON)
    assert summary.skipped_opted_out == 1
    assert not ProactiveCase.objects.filter(personal_id=FATHER).exists()
    assert not AccessLogEntry.objects.filter(subject=FATHER).exists()  # the log shows nothing was read
    assert ProactiveCase.objects.filter(personal_id=MOTHER).exists()  # the other parent did not refuse
    page = client.get("/du-lieu-cua-toi/").content.decode()
    assert "KS-LIENTHONG" not in page


def test_refusing_one_trigger_keeps_the_others():
    found = triggers("KS-LIENTHONG", "CCCD-DOITUOI")
    services.opt_out(FATHER, found["CCCD-DOITUOI"])
    age(FATHER, 40)
    birth()
    services.run(RUN_ON)
    assert set(ProactiveCase.objects.filter(personal_id=FATHER).values_list("trigger__code", flat=True)) == {
        "KS-LIENTHONG"}


def test_opting_back_in_resumes_for_later_events(client):
    found = triggers("CCCD-DOITUOI")
    client.force_login(citizen(FATHER))
    scope = str(found["CCCD-DOITUOI"].pk)
    client.post("/ho-so/viec-can-lam/dong-y/", {"scope": scope, "choice": "out"})
    assert OptOut.objects.filter(personal_id=FATHER).count() == 1
    client.post("/ho-so/viec-can-lam/dong-y/", {"scope": scope, "choice": "in"})
    assert not OptOut.objects.exists()
    age(FATHER, 40)
    assert services.run(RUN_ON).cases == 1


def test_a_trigger_read_shows_on_who_looked_at_my_data_with_purpose_and_legal_basis(client):
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    client.force_login(citizen(FATHER))
    page = client.get("/du-lieu-cua-toi/").content.decode()
    assert "Dịch vụ công chủ động KS-LIENTHONG" in page and "Điều 16 khoản 2, 3" in page


def test_someone_cannot_opt_out_another_person():
    triggers("KS-LIENTHONG")
    # The page takes the person from the signed-in account only: there is no field naming whom to opt out.
    from django.test import Client

    attacker = Client()
    attacker.force_login(citizen("079201006789"))
    attacker.post("/ho-so/viec-can-lam/dong-y/", {"scope": "all", "choice": "out", "personal_id": FATHER})
    assert list(OptOut.objects.values_list("personal_id", flat=True)) == ["079201006789"]


def test_who_looked_at_my_data_names_the_agency_of_the_trigger_not_a_system_code(client):
    from motcua.units.models import Agency
    from motcua.units.services import load_reference_units

    if not Agency.objects.filter(code="BHXH").exists():
        load_reference_units()
    triggers("BHYT-TRESOSINH")
    birth()
    services.run(RUN_ON)
    assert set(AccessLogEntry.objects.filter(subject=FATHER).values_list("agency_code", flat=True)) == {"BHXH"}
    client.force_login(citizen(FATHER))
    page = client.get("/du-lieu-cua-toi/").content.decode()
    assert "Bảo hiểm xã hội Việt Nam" in page and "HT-CHUDONG" not in page
