"""Issue 11 point 8 in Chromium: the desk officer scans a paper (a JPEG) into a received dossier from its page; the
page shows the scan signed with the officer's personal signature and verified (a demo certificate, said so); the
signed PDF downloaded from the page verifies, and the original image is kept as it was (Decree 118/2025 Art.
17(1)(c))."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from test_dossier_flow_e2e import AGENCY, PROCEDURE, SHOTS, _sign_in, seeded  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
]


def test_a_scan_added_at_the_desk_is_signed_and_its_verification_shown(seeded, live_server, tmp_path,  # noqa: F811
                                                                       open_browser):
    from django.utils import timezone
    from PIL import Image
    from playwright.sync_api import expect

    from motcua.core import signing
    from motcua.dossiers import services
    from motcua.dossiers.models import DossierDocument

    citizen = {"kind": "citizen", "personal_id": "001090012345", "full_name": "Nguyễn Văn An", "phone": "0912345678",
               "email": "an@example.vn", "address": "Hà Nội"}
    now = timezone.now() - dt.timedelta(hours=1)
    dossier = services.submit(PROCEDURE, AGENCY, "in_person", citizen, {"field": "value"}, at=now,
                              actor=seeded["desk_officer"], role="desk_officer")
    services.act(dossier.code, "receive", actor=seeded["desk_officer"], role="desk_officer",
                 expected_version=dossier.version, at=now)
    scan = tmp_path / "cccd.jpg"
    image = BytesIO()
    Image.effect_noise((600, 400), 40).convert("RGB").save(image, "JPEG", dpi=(200, 200))
    scan.write_bytes(image.getvalue())

    SHOTS.mkdir(parents=True, exist_ok=True)
    # The signature is verified after the browser is gone: pyHanko runs an asyncio loop of its own.
    with open_browser() as browser:
        desk = _sign_in(browser, live_server.url, "desk_officer-e2e")
        desk.goto(f"{live_server.url}/can-bo/ho-so/{dossier.code}/")
        upload = desk.locator("#upload-form")
        upload.get_by_label("Tên (không bắt buộc)").fill("Bản chụp CCCD")
        upload.get_by_label("Tệp (PDF hoặc ảnh)").set_input_files(str(scan))
        upload.get_by_role("button", name="Tải lên").click()
        desk.wait_for_load_state()
        verdict = desk.locator("[data-signature]")
        expect(verdict).to_have_attribute("data-signature", "valid")
        expect(verdict).to_contain_text("Chữ ký số hợp lệ")
        expect(verdict).to_contain_text("Lê Thị Hoa (DEMO)")
        expect(verdict).to_contain_text("Điều 17 khoản 1 điểm c")
        expect(desk.locator("[data-badge=demo-signature]")).to_be_visible()
        desk.screenshot(path=str(SHOTS / "signature-1-desk-scan.png"), full_page=True)
        with desk.expect_download() as download_info:
            desk.locator("[data-signed-download]").click()
        signed = download_info.value.path().read_bytes()

    assert signing.verify_pdf(signed)[0].status == "valid"
    document = DossierDocument.objects.get(dossier__code=dossier.code)
    with document.file.open("rb") as original:
        assert original.read() == scan.read_bytes()
    assert document.signature_kind == "officer"
