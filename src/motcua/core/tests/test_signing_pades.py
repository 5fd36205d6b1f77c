"""PAdES signatures (issue 11 point 8, Decree 118/2025 Art. 17(1)(c), 19(2)): a key from configuration (a PKCS#12
file of the documented layout), a test certificate authority generated here (root → officer certificate, with
``cryptography``), verification against the configured trust roots: valid, tampered, untrusted, unsigned."""

from __future__ import annotations

import time
from io import BytesIO

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core import signing

from .pki import PASSPHRASE, FakeCA, one_page_pdf

OFFICER = signing.SignerRef(signing.OFFICER, "can.bo@h01", "Nguyễn Văn Tiếp Nhận", "UBND phường Hoàn Kiếm")


@pytest.fixture
def ca(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_DIR = str(tmp_path / "keys")
    settings.MOTCUA_SIGNING_PASSPHRASE = PASSPHRASE
    settings.MOTCUA_SIGNING_DEMO_CA = False
    authority = FakeCA(tmp_path)
    settings.MOTCUA_SIGNING_TRUST_ROOTS = str(authority.root_path)
    authority.issue(OFFICER)
    return authority


def test_a_pdf_signed_with_the_configured_key_verifies_as_valid(ca):
    signed = signing.sign_pdf(one_page_pdf(), OFFICER, reason="Art. 17(1)(c)")
    [found] = signing.verify_pdf(signed)
    assert found.status == "valid" and found.ok
    assert found.signer == "Nguyễn Văn Tiếp Nhận" and not found.demo
    assert found.signed_at is not None
    assert signing.signer_name(OFFICER) == "Nguyễn Văn Tiếp Nhận"


def test_a_byte_of_the_page_changed_after_signing_is_detected_as_tampered(ca):
    signed = signing.sign_pdf(one_page_pdf("So 123/2026"), OFFICER)
    assert b"So 123/2026" in signed
    tampered = signed.replace(b"So 123/2026", b"So 923/2026")
    [found] = signing.verify_pdf(tampered)
    assert found.status == "tampered" and not found.ok


def test_a_page_added_after_signing_is_detected_as_tampered(ca):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signing.sign_pdf(one_page_pdf(), OFFICER)
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    writer.insert_page(generic.DictionaryObject({generic.pdf_name("/Type"): generic.pdf_name("/Page"),
                                                 generic.pdf_name("/MediaBox"): generic.ArrayObject(
                                                     [generic.NumberObject(n) for n in (0, 0, 595, 842)])}))
    out = BytesIO()
    writer.write(out)
    [found] = signing.verify_pdf(out.getvalue())
    assert found.status == "tampered"


def test_a_signer_whose_certificate_another_ca_issued_is_reported_untrusted(ca, tmp_path, settings):
    stranger = FakeCA(tmp_path, "Stranger CA")
    other = signing.SignerRef(signing.OFFICER, "ke-gia-mao", "Kẻ giả mạo")
    stranger.issue(other)
    signed = signing.sign_pdf(one_page_pdf(), other)
    [found] = signing.verify_pdf(signed)  # trust roots: only the configured test root
    assert found.status == "untrusted" and found.signer == "Kẻ giả mạo"
    [with_both] = signing.verify_pdf(signed, [ca.root, stranger.root])
    assert with_both.status == "valid"


def test_a_pdf_without_signature_is_reported_unsigned_and_garbage_as_unreadable(ca):
    assert [v.status for v in signing.verify_pdf(one_page_pdf())] == ["unsigned"]
    assert [v.status for v in signing.verify_pdf(b"%PDF-1.4\nnot really")] == ["error"]


def test_the_documents_data_are_written_into_the_signed_revision(ca):
    signed = signing.sign_pdf(one_page_pdf(), OFFICER, metadata={"DocumentCode": "001090012345.KQ.G01.00262",
                                                                  "Summary": "Khai sinh cho Nguyễn Văn B"},
                              title="Giấy khai sinh", keywords=["001090012345.KQ.G01.00262"])
    assert signing.read_metadata(signed) == {"DocumentCode": "001090012345.KQ.G01.00262",
                                             "Summary": "Khai sinh cho Nguyễn Văn B"}
    from pyhanko.pdf_utils.reader import PdfFileReader

    info = PdfFileReader(BytesIO(signed)).trailer_view["/Info"]
    assert str(info["/Title"]) == "Giấy khai sinh"
    # The data are inside what the signature covers: changing them breaks it.
    changed = signed.replace(b"001090012345", b"001090099999")
    assert changed != signed and signing.verify_pdf(changed)[0].status == "tampered"


def test_a_second_signature_keeps_the_first_valid(ca):
    agency = signing.SignerRef(signing.AGENCY, "H01.X00070", "UBND phường Hoàn Kiếm")
    ca.issue(agency)
    twice = signing.sign_pdf(signing.sign_pdf(one_page_pdf(), OFFICER), agency)
    assert [(v.status, v.signer) for v in signing.verify_pdf(twice)] == [
        ("valid", "Nguyễn Văn Tiếp Nhận"), ("valid", "UBND phường Hoàn Kiếm")]


def test_without_a_key_file_and_without_the_demo_ca_nothing_is_signed(ca):
    nobody = signing.SignerRef(signing.OFFICER, "khong-co-khoa")
    with pytest.raises(signing.SigningUnavailable):
        signing.sign_pdf(one_page_pdf(), nobody)


def test_a_wrong_passphrase_is_reported_as_unavailable_not_a_crash(ca, settings):
    settings.MOTCUA_SIGNING_PASSPHRASE = "sai"
    with pytest.raises(signing.SigningUnavailable):
        signing.sign_pdf(one_page_pdf(), OFFICER)


def test_the_demo_ca_signs_for_anyone_and_says_demo(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_DIR = str(tmp_path / "none")
    settings.MOTCUA_SIGNING_TRUST_ROOTS = ""
    settings.MOTCUA_SIGNING_DEMO_CA = True
    signed = signing.sign_pdf(one_page_pdf(), OFFICER)
    [found] = signing.verify_pdf(signed)
    assert found.status == "valid" and found.demo and found.signer == "Nguyễn Văn Tiếp Nhận (DEMO)"
    assert (tmp_path / "var" / "signing-demo" / "root.pem").exists()
    assert (tmp_path / "var" / "signing-demo" / "officers" / "can.bo_h01.p12").exists()


def test_the_demo_ca_is_refused_in_production(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MOTCUA_SIGNING_DIR = str(tmp_path / "none")
    settings.MOTCUA_SIGNING_DEMO_CA = True
    settings.ENVIRONMENT = "production"
    with pytest.raises(ImproperlyConfigured):
        signing.sign_pdf(one_page_pdf(), OFFICER)
    assert not (tmp_path / "var" / "signing-demo").exists()


@pytest.mark.parametrize(("key", "name"), [("can.bo@h01", "can.bo_h01.p12"), ("H01.X00070", "H01.X00070.p12"),
                                           ("../../etc/passwd", "_.._etc_passwd.p12")])
def test_key_file_names_cannot_leave_their_folder(key, name):
    assert signing.file_name(key) == name


def test_signing_a_one_page_pdf_takes_tens_of_milliseconds(ca):
    pdf = one_page_pdf()
    signing.sign_pdf(pdf, OFFICER)  # loads the key once
    start = time.perf_counter()
    for _ in range(5):
        signing.sign_pdf(pdf, OFFICER)
    assert (time.perf_counter() - start) / 5 < 0.5


def test_a_missing_trust_root_file_is_reported_not_a_crash(ca, settings, tmp_path):
    signed = signing.sign_pdf(one_page_pdf(), OFFICER)
    settings.MOTCUA_SIGNING_TRUST_ROOTS = str(tmp_path / "khong-co.pem")
    [found] = signing.verify_pdf(signed)
    assert found.status == "error" and "trust roots" in found.detail


def _settings_probe(env: dict[str, str]):
    import os
    import subprocess
    import sys

    probe = ("import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'motcua.settings'); django.setup(); "
             "from django.conf import settings as s; print(s.MOTCUA_SIGNING_DEMO_CA)")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MOTCUA_", "DATABASE_URL"))}
    return subprocess.run([sys.executable, "-c", probe], env={**clean, **env}, capture_output=True, text=True,
                          timeout=60)


def test_the_demo_ca_is_on_by_default_outside_production_and_refused_at_start_in_production():
    assert _settings_probe({}).stdout.strip() == "True"
    production = {"MOTCUA_ENV": "production", "MOTCUA_SECRET_KEY": "s3cr3t-" + "abcdefghij" * 6,
                  "MOTCUA_ALLOWED_HOSTS": "x.example", "MOTCUA_IDENTITY_PROVIDERS": "oidc"}
    off = _settings_probe(production)
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "False"
    on = _settings_probe({**production, "MOTCUA_SIGNING_DEMO_CA": "1"})
    assert on.returncode != 0 and "MOTCUA_SIGNING_DEMO_CA" in on.stderr
