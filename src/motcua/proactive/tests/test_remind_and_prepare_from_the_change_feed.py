"""Issue 16 point 2 (Decree 224/2026 Art. 16(1)–(2)): the job reads only the changes past each trigger's watermark,
prepares a dossier from the registries (marking what is still missing), notifies, and the person's one click submits
it through the normal path; every read is in the access log with the trigger, purpose and legal basis."""

import pytest

from motcua.core.models import Job
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import procedure
from motcua.exchange.models import AccessLogEntry
from motcua.proactive import services
from motcua.proactive.models import CaseState, ProactiveCase

from .factories import CHILD, FATHER, MOTHER, RUN_ON, age, birth, citizen, triggers

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    for code in ("2.000986", "1.001193", "1.004222"):
        procedure(code)


def test_a_birth_prepares_a_linked_group_dossier_for_both_parents_with_the_reason():
    triggers("KS-LIENTHONG")
    birth()
    summary = services.run(RUN_ON)
    assert (summary.changes_read, summary.cases) == (1, 2)
    case = ProactiveCase.objects.get(personal_id=FATHER)
    assert case.state == CaseState.PREPARED and case.subject == CHILD
    assert case.reason.startswith("Vì hệ thống ghi nhận con bạn (Nguyễn Thị Bé) sinh ngày 20/11/2026")
    assert case.form_data["child"]["birth_date"] == "2026-11-20"
    assert case.applicant["full_name"] == "Nguyễn Văn An"
    sources = {row["source"] for row in case.data_used}
    assert {"Cơ sở dữ liệu hộ tịch điện tử", "Cơ sở dữ liệu quốc gia về dân cư"} & sources
    assert all(row["log_entry"] for row in case.data_used)
    assert case.missing  # what the person must still add is marked


def test_the_next_run_reads_only_what_came_after_the_watermark():
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    again = services.run(RUN_ON)
    assert (again.changes_read, again.cases) == (0, 0)
    birth(child="001226004568", name="Nguyễn Văn Em")
    third = services.run(RUN_ON)
    assert (third.changes_read, third.cases) == (1, 2)
    assert ProactiveCase.objects.count() == 4


def test_every_read_by_a_trigger_is_in_the_access_log_with_trigger_purpose_and_legal_basis():
    found = triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    entries = list(AccessLogEntry.objects.filter(subject=FATHER))
    assert entries and {e.registry for e in entries} == {"civil_status", "population"}
    for entry in entries:
        assert "KS-LIENTHONG" in entry.purpose and found["KS-LIENTHONG"].legal_article in entry.purpose
        assert entry.role == "system" and entry.outcome == "allowed"


def test_the_person_is_notified_through_the_notification_plugins(settings, tmp_path,
                                                                 django_capture_on_commit_callbacks):
    settings.MOTCUA_NOTIFY_DIR = tmp_path
    settings.MOTCUA_NOTIFY_BACKENDS = {"email": ["file"], "sms": []}
    triggers("KS-LIENTHONG")
    citizen(FATHER, "an@example.vn")
    birth()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.run(RUN_ON).notified == 1  # the mother has no account e-mail: her task waits on her page
    assert Job.objects.get(kind="notify").status == "done"
    mail = (tmp_path / "email.jsonl").read_text(encoding="utf-8")
    assert "an@example.vn" in mail and "sinh ngày 20/11/2026" in mail


def test_an_identity_card_renewal_age_gives_a_reminder_and_other_ages_nothing():
    triggers("CCCD-DOITUOI")
    age("001201001111", 25)
    age("001201002222", 30)
    services.run(RUN_ON)
    [case] = ProactiveCase.objects.all()
    assert case.personal_id == "001201001111" and case.state == CaseState.REMINDED and case.level == 1
    assert "đủ 25 tuổi" in case.reason and "Điều 21" in case.reason


def test_the_task_page_shows_reason_data_and_source_and_one_click_submits_the_group(client, catalog):
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    client.force_login(citizen(FATHER, "an@example.vn"))
    page = client.get("/ho-so/viec-can-lam/").content.decode()
    assert "Vì hệ thống ghi nhận con bạn (Nguyễn Thị Bé) sinh ngày 20/11/2026" in page
    assert "Cơ sở dữ liệu hộ tịch" in page and "Bạn cần bổ sung" in page
    case = ProactiveCase.objects.get(personal_id=FATHER)
    response = client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/")
    case.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and response.status_code == 302
    parent = Dossier.objects.get(code=case.dossier_code)
    assert parent.group_code == "LT-KS-TT-BHYT" and parent.applicant_personal_id == FATHER
    assert Dossier.objects.filter(parent=parent).count() == 3
    again = client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/")
    assert again.status_code == 302 and Dossier.objects.filter(
        group_code="LT-KS-TT-BHYT", parent__isnull=True).count() == 1


def test_another_citizen_cannot_see_or_confirm_someone_elses_task(client, catalog):
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    case = ProactiveCase.objects.get(personal_id=FATHER)
    client.force_login(citizen("079201006789"))
    assert "Nguyễn Thị Bé" not in client.get("/ho-so/viec-can-lam/").content.decode()
    assert client.post(f"/ho-so/viec-can-lam/{case.pk}/xac-nhan/").status_code == 404
    assert client.post(f"/ho-so/viec-can-lam/{case.pk}/bo-qua/").status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.PREPARED and not Dossier.objects.exists()


def test_once_one_parent_submitted_the_other_parents_task_is_closed_with_the_same_dossier(client, catalog):
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    father, mother = (ProactiveCase.objects.get(personal_id=p) for p in (FATHER, MOTHER))
    client.force_login(citizen(FATHER))
    client.post(f"/ho-so/viec-can-lam/{father.pk}/xac-nhan/")
    father.refresh_from_db()
    mother.refresh_from_db()
    assert mother.state == CaseState.SUBMITTED and mother.dossier_code == father.dossier_code
    client.force_login(citizen(MOTHER))
    assert client.post(f"/ho-so/viec-can-lam/{mother.pk}/xac-nhan/").status_code == 302
    assert Dossier.objects.filter(parent__isnull=True).count() == 1


def test_art16_3_the_page_compares_the_options_and_recommends_one_saying_why(client, catalog):
    triggers("KS-LIENTHONG")
    birth()
    services.run(RUN_ON)
    client.force_login(citizen(FATHER))
    page = client.get("/ho-so/viec-can-lam/").content.decode()
    assert 'data-option="group_online"' in page and 'data-option="separate_online"' in page
    assert 'class="option recommended" data-option="group_online"' in page
    assert "Vì sao khuyến nghị: Nhanh nhất: dự kiến 3 ngày làm việc" in page
    assert "/ho-so/nop/1.001193/" in page  # the person may still choose another way
