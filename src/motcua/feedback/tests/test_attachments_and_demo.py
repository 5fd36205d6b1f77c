"""Attachments (issue 5 points 1, 7): type from the bytes, size and count limits, nothing stored when refused; the
submitter's files are never public. The demo command: idempotent, a published answer for the demo citizen."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from motcua.feedback.models import Feedback, FeedbackAttachment

from .factories import SUBMITTER, officer, procedure

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _form(**files):
    return {"kind": "report", "topic": "procedure", "procedure_code": "1.000001", "agency_code": "H01.TTPVHCC",
            "title": "Chậm trả kết quả", "content": "Hồ sơ của tôi bị chậm ba ngày so với giấy hẹn.", **SUBMITTER,
            **files}


def test_a_pdf_is_kept_with_its_type_from_the_bytes(client):
    procedure()
    upload = SimpleUploadedFile("../../giấy hẹn.pdf", PDF, "image/png")
    assert client.post("/phan-anh-kien-nghi/gui/", _form(attachments=[upload])).status_code == 302
    attachment = FeedbackAttachment.objects.get()
    assert attachment.content_type == "application/pdf" and attachment.size == len(PDF)
    assert ".." not in attachment.file.name and attachment.file.name.startswith("feedback/PAKN-")


@pytest.mark.parametrize(("files", "setting"), [
    ([SimpleUploadedFile("a.exe", b"MZ\x90\x00binary", "application/pdf")], {}),
    ([SimpleUploadedFile("a.pdf", PDF, "application/pdf")], {"MOTCUA_PAKN_MAX_ATTACHMENT_BYTES": 10}),
    ([SimpleUploadedFile(f"{i}.pdf", PDF, "application/pdf") for i in range(3)], {"MOTCUA_PAKN_MAX_ATTACHMENTS": 2}),
])
def test_refused_files_store_nothing(client, settings, files, setting):
    for key, value in setting.items():
        setattr(settings, key, value)
    procedure()
    response = client.post("/phan-anh-kien-nghi/gui/", _form(attachments=files))
    assert response.status_code == 400
    assert not Feedback.objects.exists() and not FeedbackAttachment.objects.exists()


def test_demo_items_once(capsys):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("001090012345")
    for role in ("desk_officer", "specialist", "leader"):
        officer(f"demo-{role}", role)
    call_command("feedback", "demo")
    assert "created" in capsys.readouterr().out
    mine = Feedback.objects.filter(submitter_user__username="001090012345")
    assert mine.count() == 2 and mine.filter(state="published").count() == 1
    count = Feedback.objects.count()
    call_command("feedback", "demo")
    assert "already" in capsys.readouterr().out and Feedback.objects.count() == count
