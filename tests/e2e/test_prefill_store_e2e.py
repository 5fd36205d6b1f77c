"""Issue 4 points 2, 3 and 7 in Debian's Chromium through Playwright, against the live server.

A citizen signs in with the demo identity provider at level 2 (the page says it is a demo, not VNeID) and opens the
online submission of a procedure that asks for a copy of the ID card (replaceable by population data), a judicial
record (reusable from an earlier result) and a declaration. The applicant fields come prefilled from the simulated
population and residence registries and are locked with their source; the ID card copy is not asked for; the
judicial record issued to the citizen earlier sits in their personal data store and is offered, chosen by default;
only the declaration is uploaded. After the submission, the dossier holds a registry extract flagged "replaced by
population data" and the stored result flagged "taken from the personal store"; the desk officer's page shows which
data came from where.

Screenshots go to ``var/e2e/prefill-*.png``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e"

pytestmark = [
    pytest.mark.e2e,
]

PROCEDURE = "9.100001"
AGENCY = "H01.TTPVHCC"
PASSWORD = "mat-khau-e2e-2026"
CITIZEN_ID = "001090012345"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def seeded(transactional_db, settings, tmp_path):
    from django.contrib.auth import get_user_model

    from motcua.catalog.records import AgencyRecord, ChannelRecord, DocumentRecord, FeeRecord, ResultRecord, TimeLimit
    from motcua.catalog.tests.factories import create_procedure
    from motcua.exchange import registries
    from motcua.exchange.store.services import flag_catalog_documents
    from motcua.exchange.store.tests.factories import issued_result
    from motcua.units.models import Agency, AgencyKind, AgencyLevel, Membership

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_NOTIFY_DIR = tmp_path / "notifications"
    registries.reset()
    agency, _ = Agency.objects.get_or_create(code=AGENCY, defaults={
        "name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "kind": AgencyKind.SERVICE_CENTRE,
        "level": AgencyLevel.PROVINCE})
    version = create_procedure(
        PROCEDURE, "Cấp chứng chỉ hành nghề",
        channels=[ChannelRecord("online", TimeLimit(Decimal(5), "working_days"), "5 Ngày làm việc",
                                [FeeRecord(0, "Miễn phí")], "Nộp qua Cổng Dịch vụ công")],
        documents=[DocumentRecord("Tờ khai đề nghị cấp chứng chỉ hành nghề", 1, 0, "Mẫu 01"),
                   DocumentRecord("Bản sao Căn cước công dân", 0, 1),
                   DocumentRecord("Phiếu lý lịch tư pháp", 1, 0)],
        agencies=[AgencyRecord("implementing", agency.name, AGENCY)],
        results=[ResultRecord("Chứng chỉ hành nghề")],
    )
    # The catalog's reuse flags, from the documents' names (what `motcua store flag-documents` does).
    assert flag_catalog_documents([version.pk]) == (1, 1)
    users = get_user_model().objects
    citizen = users.create_user(CITIZEN_ID, first_name="An", last_name="Nguyễn Văn")
    issued_result(citizen)  # an earlier dossier whose electronic result (a judicial record) is in the store
    desk = users.create_user("desk-e2e", password=PASSWORD, first_name="Hoa", last_name="Lê Thị")
    Membership.objects.get_or_create(user=desk, agency=agency, role="desk_officer")
    yield {"citizen": citizen, "desk": desk}
    registries.reset()


def test_level_two_citizen_prefilled_replaced_and_reused(seeded, live_server, tmp_path, browser):
    from playwright.sync_api import expect

    from motcua.dossiers.models import Dossier, DossierDocument
    from motcua.exchange.store.models import StoreItem, StoreItemUse

    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    declaration = tmp_path / "to-khai.pdf"
    declaration.write_bytes(PDF)
    stored = StoreItem.objects.get(owner=seeded["citizen"])

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    # 1. Sign in with the demo provider, clearly labelled, at level 2.
    page.goto(f"{base}/dang-nhap/?next=/ho-so/nop/{PROCEDURE}/")
    expect(page.locator(".provider-demo")).to_contain_text("Thử nghiệm — không phải VNeID")
    page.locator("#provider-demo").click()
    expect(page.locator("#demo-provider-warning")).to_contain_text("không phải VNeID")
    page.get_by_label("Số định danh cá nhân").fill(CITIZEN_ID)
    page.get_by_label("Mức 2").check()
    page.screenshot(path=str(SHOTS / "prefill-1-demo-sign-in.png"), full_page=True)
    page.get_by_role("button", name="Đăng nhập thử nghiệm").click()
    page.wait_for_url(f"{base}/ho-so/nop/{PROCEDURE}/")

    # 2. The form: applicant fields prefilled and locked with their source; the ID card copy not asked
    #    for; the stored judicial record offered and chosen.
    expect(page.locator("#prefill-notice")).to_be_visible()
    name = page.get_by_label("Họ và tên (hoặc tên tổ chức)")
    expect(name).to_have_attribute("readonly", "readonly")
    expect(name).not_to_have_value("")
    expect(name).to_have_attribute("data-source", "Cơ sở dữ liệu quốc gia về dân cư")
    expect(page.get_by_label("Số định danh cá nhân")).to_have_value(CITIZEN_ID)
    expect(page.locator(".replaced-notice")).to_contain_text("không cần nộp")
    expect(page.locator(".replaced-notice")).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    offer = page.get_by_label(re.compile(re.escape(stored.title)))
    expect(offer).to_be_checked()
    page.get_by_label("Tờ khai đề nghị cấp chứng chỉ hành nghề").set_input_files(declaration)
    page.get_by_label("Số điện thoại").fill("0912 345 678")
    page.screenshot(path=str(SHOTS / "prefill-2-form.png"), full_page=True)
    prefilled_name = name.input_value()
    page.get_by_role("button", name="Nộp hồ sơ", exact=True).click()
    page.wait_for_url(re.compile(r"/ho-so/da-nop/[^/]+/$"))
    code = page.locator("#dossier-code").inner_text().strip()
    page.screenshot(path=str(SHOTS / "prefill-3-submitted.png"), full_page=True)

    dossier = Dossier.objects.get(code=code)
    assert dossier.applicant_name == prefilled_name and dossier.applicant_identity_level == 2
    extract = DossierDocument.objects.get(dossier=dossier, kind="registry_extract")
    assert extract.replaced_by_population_data and extract.provenance["registry"] == "population"
    reused = DossierDocument.objects.get(dossier=dossier, kind="personal_store")
    assert reused.from_personal_store and reused.reused_from_digitised
    assert StoreItemUse.objects.get(document=reused).item_id == stored.pk
    assert DossierDocument.objects.filter(dossier=dossier, kind="upload").count() == 1

    # 3. The desk officer sees where each piece came from.
    officer_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    officer = officer_context.new_page()
    officer.goto(f"{base}/dang-nhap/")
    officer.get_by_label("Tên đăng nhập").fill("desk-e2e")
    officer.get_by_label("Mật khẩu").fill(PASSWORD)
    officer.get_by_role("button", name="Đăng nhập", exact=True).click()
    officer.wait_for_url(re.compile(r"^(?!.*/dang-nhap/)"))
    officer.goto(f"{base}/can-bo/ho-so/{code}/")
    sources = officer.locator("#data-sources")
    expect(sources).to_contain_text("Tài khoản định danh điện tử mức 2")
    expect(sources).to_contain_text("Cơ sở dữ liệu quốc gia về dân cư")
    expect(sources.locator("li[data-kind=registry_extract]")).to_contain_text("thay bằng dữ liệu dân cư")
    expect(sources.locator("li[data-kind=personal_store]")).to_contain_text(stored.title)
    officer.screenshot(path=str(SHOTS / "prefill-4-officer-sources.png"), full_page=True)
