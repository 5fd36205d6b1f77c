"""What a file is comes from its bytes, not its name; the client's name is only cleaned for display (issue 3 point
8)."""

import io
import zipfile

import pytest

from motcua.dossiers.documents import clean_filename, sniff


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("head", "key"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml"), "docx"),
        (_zip("data.csv"), "zip"),
        ("Đơn đề nghị\r\nHọ và tên: Nguyễn Văn An\t\n".encode(), "txt"),
        ("Tiếng Việt".encode()[:-1], "txt"),  # a character cut at the end of the sniffed window
        (b"MZ\x90\x00\x03\x00\x00\x00", None),  # a Windows executable
        (b"\x7fELF\x02\x01\x01", None),
        (b"GIF89a\x01\x00", None),
        (b"\x00\x01\x02binary", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_magic_numbers(head, key):
    found = sniff(head)
    assert (found.key if found else None) == key


@pytest.mark.parametrize(
    ("name", "cleaned"),
    [
        ("to-khai.pdf", "to-khai.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\cmd.exe", "cmd.exe"),
        ("/var/www/.htaccess", "htaccess"),
        ("Giấy khai sinh (bản sao).pdf", "Giấy khai sinh (bản sao).pdf"),
        ("a\x00b\nc.pdf", "abc.pdf"),
        ("rm -rf *;`x`.pdf", "rm -rf _x_.pdf"),
        ("", "tai-lieu"),
        ("...", "tai-lieu"),
        (None, "tai-lieu"),
    ],
)
def test_client_file_names_are_cleaned_for_display(name, cleaned):
    assert clean_filename(name) == cleaned


def test_long_names_keep_their_extension():
    cleaned = clean_filename("a" * 300 + ".pdf")
    assert len(cleaned) == 200 and cleaned.endswith(".pdf")
