"""A test certificate authority for signature tests (issue 11 point 8): a root generated with ``cryptography`` issues
officers' and agencies' certificates into PKCS#12 files of the layout ``MOTCUA_SIGNING_DIR`` documents; and a real
one-page PDF to sign."""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from fpdf import FPDF

from motcua.core import signing

PASSPHRASE = "mat-khau-thu"


def one_page_pdf(text: str = "Giay khai sinh - ban sao") -> bytes:
    pdf = FPDF()
    pdf.set_compression(False)  # the page text stays visible in the bytes, so a test can change it
    pdf.add_page()
    pdf.set_font("helvetica", size=14)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _name(common: str, organisation: str = "") -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name([*parts, x509.NameAttribute(NameOID.COMMON_NAME, common)])


class FakeCA:
    """A root (RSA 2048, built here with ``cryptography`` alone, not with the module under test) and the officer or
    agency certificates it issues into PKCS#12 files where MOTCUA_SIGNING_DIR points (``<folder>/keys``)."""

    def __init__(self, folder, name: str = "Test root CA"):
        self.folder = folder
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        subject = _name(name)
        self.root = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                     .public_key(self.key.public_key()).serial_number(x509.random_serial_number())
                     .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
                     .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                     .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                                    critical=True)
                     .sign(self.key, hashes.SHA256()))
        self.root_path = folder / f"{name.replace(' ', '-')}.pem"
        self.root_path.write_bytes(self.root.public_bytes(serialization.Encoding.PEM))

    def issue(self, ref: signing.SignerRef) -> None:
        """An officer's or agency's signing certificate (digital signature, non-repudiation) in a PKCS#12 file."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(_name(ref.name, ref.organisation))
                .issuer_name(self.root.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=90))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(True, True, False, False, False, False, False, False, False),
                               critical=True)
                .sign(self.key, hashes.SHA256()))
        path = self.folder / "keys" / ("officers" if ref.kind == signing.OFFICER else "agencies")
        path.mkdir(parents=True, exist_ok=True)
        (path / signing.file_name(ref.key)).write_bytes(pkcs12.serialize_key_and_certificates(
            b"test", key, cert, [self.root], serialization.BestAvailableEncryption(PASSPHRASE.encode())))
