"""Issue 13 point 6, drilled: the disk that holds the uploaded documents is full. The document store is a real
128 KiB tmpfs mounted for the test (needs root and ``mount``; skipped with the reason otherwise). A citizen's
submission gets a clear message, nothing is submitted, and no partial file is left behind; once there is room
again the same submission goes through with the whole file."""

from __future__ import annotations

import hashlib
import os
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog.models import RequiredDocument
from motcua.catalog.tests.factories import create_procedure
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.factories import AGENCY

pytestmark = pytest.mark.django_db

AN = "001090012345"
CODE = "9.000002"
# A PDF of 64 KiB: more than the room left on the store.
BIG_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n" + b"%" + b"x" * 65_000 + b"\ntrailer <<>>\n%%EOF\n"



@pytest.fixture(autouse=True)
def _citizen_signed_in(request):
    """Online submission takes the applicant from the e-identification (issue 12 point 12): the citizen signs in."""
    if "client" not in request.fixturenames:
        return
    from django.contrib.auth import get_user_model

    from motcua.exchange.services import link_person

    citizen = get_user_model().objects.create_user("citizen-signed-in")
    link_person(citizen, AN, source="test")
    request.getfixturevalue("client").force_login(citizen)


def _mount_tmpfs(path, size: str) -> str:
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return "mounting a tmpfs needs root"
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True,
                          text=True)
    return "" if done.returncode == 0 else f"mount -t tmpfs refused here: {done.stderr.strip()}"


@pytest.fixture
def small_store(settings, tmp_path):
    media = tmp_path / "media"
    refused = _mount_tmpfs(media, "128k")
    if refused:
        pytest.skip(refused)
    settings.MEDIA_ROOT = str(media)
    try:
        yield media
    finally:
        subprocess.run(["umount", str(media)], check=True)


def _files(root) -> dict[str, int]:
    return {os.path.relpath(os.path.join(d, f), root): os.path.getsize(os.path.join(d, f))
            for d, _dirs, names in os.walk(root) for f in names}


def _submit(client, doc):
    # The receiving places are offered by province (issue 14 point 1): Hà Nội's, where AGENCY is.
    return client.post(f"/ho-so/nop/{CODE}/?tinh=1", {
        "channel": "online", "agency": AGENCY, "tinh": "1", "kind": "citizen",
        "full_name": "Nguyễn Văn An", "personal_id": AN,
        "phone": "0912345678", f"document_{doc.pk}": SimpleUploadedFile("don.pdf", BIG_PDF)})


def test_a_full_disk_gives_a_clear_message_and_leaves_no_half_written_document(client, small_store):
    create_procedure(CODE, "Thủ tục khác")
    doc = RequiredDocument.objects.get(version__procedure__code=CODE)
    filler = small_store / "filler.bin"
    filler.write_bytes(b"\0" * (100 * 1024))  # about 28 KiB left

    response = _submit(client, doc)
    html = response.content.decode()
    assert response.status_code == 400
    assert "bộ nhớ lưu trữ đã đầy" in html and "Hồ sơ chưa được nộp" in html
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()
    assert _files(small_store) == {"filler.bin": 100 * 1024}  # no partial upload left on the store

    filler.unlink()
    response = _submit(client, doc)
    assert response.status_code == 302
    stored = DossierDocument.objects.get()
    assert stored.size == len(BIG_PDF) and stored.sha256 == hashlib.sha256(BIG_PDF).hexdigest()
    with stored.file.open("rb") as f:
        assert f.read() == BIG_PDF
