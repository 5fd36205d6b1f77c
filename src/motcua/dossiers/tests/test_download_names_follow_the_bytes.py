"""Issue 12 point 14, from the attacker's side: a PDF/HTML polyglot uploaded as ``evil.html`` is stored and served as
``evil.pdf`` — an attachment, with ``X-Content-Type-Options: nosniff`` — so no browser renders it as a page of the
site."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services
from motcua.dossiers.documents import TYPES, name_for_type
from motcua.dossiers.models import DossierDocument

from .factories import Flow, procedure, submitted, vn

POLYGLOT = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n"


@pytest.mark.parametrize(("name", "kind", "expected"), [
    ("evil.html", "pdf", "evil.pdf"),
    ("evil.pdf.html", "pdf", "evil.pdf.pdf"),
    ("evil.svg", "png", "evil.png"),
    ("Giấy khai sinh.PDF", "pdf", "Giấy khai sinh.pdf"),
    ("anh.jpeg", "jpeg", "anh.jpeg"),
    ("scan", "tiff", "scan.tif"),
    (".htaccess", "txt", "htaccess.txt"),
    ("../../x.html", "pdf", "x.pdf"),
])
def test_the_extension_is_the_sniffed_types(name, kind, expected):
    assert name_for_type(name, TYPES[kind]) == expected
    assert name_for_type(name, TYPES[kind].mime) == expected


def test_an_unknown_type_keeps_no_extension():
    assert name_for_type("evil.html", "text/html") == "evil"


@pytest.mark.django_db
def test_a_polyglot_named_html_is_stored_and_served_as_a_pdf_attachment(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    cache.clear()
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    document = services.add_document(flow.code, SimpleUploadedFile("evil.html", POLYGLOT, "text/html"),
                                     actor=flow.users["desk_officer"], role="desk_officer", name="Tờ khai")
    assert DossierDocument.objects.get(pk=document.pk).filename == "evil.pdf"
    client.force_login(flow.users["specialist"])
    response = client.get(f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_file_stored_before_the_check_is_still_served_under_a_safe_name(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    cache.clear()
    procedure()
    flow = Flow(submitted())
    flow("receive", "desk_officer", vn(2026, 3, 2, 10))
    document = services.add_document(flow.code, SimpleUploadedFile("a.pdf", POLYGLOT),
                                     actor=flow.users["desk_officer"], role="desk_officer", name="Tờ khai")
    DossierDocument.objects.filter(pk=document.pk).update(filename="evil.html")  # as the old code stored it
    client.force_login(flow.users["specialist"])
    response = client.get(f"/can-bo/ho-so/{flow.code}/tai-lieu/{document.pk}/")
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'
