"""Builders for store tests: a procedure whose result is a judicial record, its dossier taken to the issued result
with an officer's electronic result file, and a later procedure that asks for that evidence."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.records import DocumentRecord, ResultRecord
from motcua.dossiers import services
from motcua.dossiers.tests.factories import AGENCY, CITIZEN, Flow, procedure, vn

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def citizen(username: str = CITIZEN["personal_id"]):
    user, _ = get_user_model().objects.get_or_create(username=username, defaults={"first_name": "An",
                                                                                  "last_name": "Nguyễn Văn"})
    return user


def issued_result(user, code: str = "2.000001", title: str = "Phiếu lý lịch tư pháp số 1"):
    """A dossier of ``user`` taken to ``result_issued`` with an electronic result PDF attached by the specialist."""
    from motcua.catalog.models import ProcedureVersion

    procedure(code)
    version = ProcedureVersion.objects.filter(procedure__code=code).order_by("-number").first()
    version.results.update(name="Phiếu lý lịch tư pháp")
    dossier = services.submit(code, AGENCY, "online", dict(CITIZEN), {}, actor=user, at=vn(2026, 3, 2, 9))
    flow = Flow(dossier)
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    flow("assign", "leader", vn(2026, 3, 2, 11), data={"assignee": "specialist-H01.TTPVHCC"})
    flow("complete_step", "specialist", vn(2026, 3, 3, 9))
    flow("approve", "leader", vn(2026, 3, 3, 10))
    services.add_document(dossier.code, SimpleUploadedFile("ket-qua.pdf", PDF), actor=flow.users["specialist"],
                          role="specialist", name=title, at=vn(2026, 3, 3, 11))
    flow.dossier.refresh_from_db()
    flow("issue_result", "specialist", vn(2026, 3, 3, 12))
    return flow.dossier


def later_procedure(code: str = "3.000001"):
    """A procedure asking for a judicial record (reusable from a result) and a form."""
    from motcua.catalog.tests.factories import create_procedure

    return create_procedure(code, "Cấp giấy phép hành nghề", documents=[
        DocumentRecord("Tờ khai đề nghị cấp giấy phép", 1, 0, "Mẫu 01"),
        DocumentRecord("Phiếu lý lịch tư pháp được cấp không quá 6 tháng", 1, 0, "", reusable_from_result=True),
    ], results=[ResultRecord("Giấy phép hành nghề")])
