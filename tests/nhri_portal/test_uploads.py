import hashlib
import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from nhri_portal.lib.uploads import (
    MAX_UPLOAD_BYTES_DEFAULT,
    UploadRefused,
    inspect_upload,
    sanitise_name,
)

MIB = 1024 * 1024


def _pdf(pages=3, *, user_password=None):
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if user_password is not None:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def _png():
    # One grey pixel: width 1, height 1, bit depth 8, colour type 0.
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + _png_chunk(b"IEND", b"")
    )


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _docx(**extra):
    return _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<document/>", **extra})


def _xlsx():
    return _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def _odt(mimetype="application/vnd.oasis.opendocument.text"):
    return _zip({"mimetype": mimetype, "content.xml": "<office:document-content/>"})


def _inspect(content, name="upload.pdf", *, max_bytes=MAX_UPLOAD_BYTES_DEFAULT):
    return inspect_upload(
        io.BytesIO(content), name=name, declared_size=len(content), max_bytes=max_bytes
    )


def _refusal(content, name="upload.pdf", *, max_bytes=MAX_UPLOAD_BYTES_DEFAULT):
    with pytest.raises(UploadRefused) as refused:
        _inspect(content, name, max_bytes=max_bytes)
    return refused.value


class _CountingFile(io.BytesIO):
    def __init__(self, content):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1):
        assert size is not None and size >= 0, "the whole file must never be read at once"
        data = super().read(size)
        self.bytes_read += len(data)
        return data


class _UnreadableFile(io.BytesIO):
    def read(self, size=-1):
        raise AssertionError("the content must not be read")


def test_a_valid_pdf_is_accepted_with_its_page_count_and_hash():
    content = _pdf(3)
    inspected = _inspect(content, "Founding law.pdf")
    assert (inspected.kind, inspected.content_type, inspected.extension) == (
        "pdf",
        "application/pdf",
        ".pdf",
    )
    assert inspected.page_count == 3
    assert inspected.size == len(content)
    assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    assert inspected.safe_name == "Founding law.pdf"


@pytest.mark.parametrize("user_password", ["secret", ""])
def test_a_pdf_protected_by_a_password_is_refused_even_an_empty_one(user_password):
    refusal = _refusal(_pdf(2, user_password=user_password))
    assert refusal.code == "encrypted-pdf"
    assert "protected by a password" in refusal.message


def test_a_pdf_cut_in_half_is_refused_as_damaged():
    content = _pdf(3)
    refusal = _refusal(content[: len(content) // 2])
    assert refusal.code == "corrupt-pdf"
    assert "damaged or incomplete" in refusal.message
    assert "export it again as PDF" in refusal.message


def test_random_bytes_behind_a_pdf_header_are_refused_as_damaged():
    content = b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
    refusal = _refusal(content)
    assert refusal.code == "corrupt-pdf"


def test_a_pdf_without_pages_is_refused():
    refusal = _refusal(_pdf(0))
    assert refusal.code == "unreadable-pdf"
    assert "readable page" in refusal.message


def test_a_png_named_as_a_pdf_is_refused_with_what_it_really_is():
    refusal = _refusal(_png(), "report.pdf")
    assert refusal.code == "name-mismatch"
    assert "This file is a PNG image, but its name ends in “.pdf”" in refusal.message


def test_a_png_without_an_ending_is_taken_as_the_png_it_is():
    inspected = _inspect(_png(), "report")
    assert (inspected.kind, inspected.content_type) == ("png", "image/png")
    assert inspected.safe_name == "report.png"
    assert inspected.page_count is None


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.pdf", "..\\..\\boot.pdf", "law\x00.pdf", "law\n.pdf"]
)
def test_a_name_with_a_folder_path_or_invisible_characters_is_refused(name):
    refusal = _refusal(_pdf(1), name)
    assert refusal.code == "bad-name"
    assert "folder path or invisible characters" in refusal.message


def test_a_jpeg_gets_the_canonical_extension():
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    inspected = _inspect(content, "photo of the board.JPEG")
    assert (inspected.kind, inspected.content_type) == ("jpeg", "image/jpeg")
    assert inspected.safe_name == "photo of the board.jpg"


@pytest.mark.parametrize(
    "content",
    [
        b"Law no. 12 of 2010 establishing the Commission",
        b"<!DOCTYPE html><html><body>Annual report</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        b"\x7fELF\x02\x01\x01" + b"\x00" * 200,
    ],
    ids=["text", "html", "svg", "windows-program", "linux-program"],
)
def test_content_that_is_none_of_the_accepted_kinds_is_refused_whatever_its_name(content):
    refusal = _refusal(content, "law.pdf")
    assert refusal.code == "type-not-allowed"
    assert "Upload a PDF, a Word document (.docx)" in refusal.message


def test_a_pdf_header_later_than_the_first_1024_bytes_does_not_make_a_pdf():
    refusal = _refusal(b" " * 1024 + _pdf(1))
    assert refusal.code == "type-not-allowed"


def test_an_old_binary_word_file_is_refused_with_advice_to_save_as_docx():
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    refusal = _refusal(content, "statute.doc")
    assert refusal.code == "type-not-allowed"
    assert "Save it as .docx or .xlsx" in refusal.message


def test_an_empty_file_is_refused():
    refusal = _refusal(b"")
    assert refusal.code == "empty"
    assert refusal.message.startswith("The file is empty.")


def test_a_declared_size_over_the_limit_is_refused_without_reading_the_file():
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(
            _UnreadableFile(b"%PDF-"), name="budget.pdf", declared_size=2 * MIB, max_bytes=MIB
        )
    assert refused.value.code == "too-large"
    assert "larger than the limit of 1 MB" in refused.value.message


def test_a_stream_longer_than_it_claims_is_refused_after_reading_little_past_the_limit():
    stream = _CountingFile(b"\x00" * (5 * MIB))
    with pytest.raises(UploadRefused) as refused:
        inspect_upload(stream, name="budget.pdf", declared_size=10, max_bytes=MIB)
    assert refused.value.code == "too-large"
    assert MIB < stream.bytes_read <= 2 * MIB


def test_a_file_of_exactly_the_limit_is_accepted():
    content = _pdf(1)
    inspected = _inspect(content, max_bytes=len(content))
    assert inspected.size == len(content)


def test_a_docx_an_xlsx_and_an_odt_are_told_apart_by_their_members():
    docx = _inspect(_docx(), "organigramme")
    xlsx = _inspect(_xlsx(), "budget.XLSX")
    odt = _inspect(_odt(), "rapport.odt")
    assert (docx.kind, docx.safe_name) == ("docx", "organigramme.docx")
    assert docx.content_type.endswith("wordprocessingml.document")
    assert (xlsx.kind, xlsx.safe_name) == ("xlsx", "budget.xlsx")
    assert xlsx.content_type.endswith("spreadsheetml.sheet")
    assert (odt.kind, odt.safe_name) == ("odt", "rapport.odt")
    assert odt.content_type == "application/vnd.oasis.opendocument.text"


@pytest.mark.parametrize(
    "content",
    [
        _zip({"photos/board.txt": "minutes"}),
        _odt("application/vnd.oasis.opendocument.spreadsheet"),
        _zip({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"}),
    ],
    ids=["plain-zip", "ods", "pptx"],
)
def test_an_archive_that_is_not_an_accepted_document_is_refused(content):
    refusal = _refusal(content, "annual report.docx")
    assert refusal.code == "type-not-allowed"


def test_a_document_with_macros_is_refused():
    refusal = _refusal(_docx(**{"word/vbaProject.bin": b"\x00" * 10}), "rules.docx")
    assert refusal.code == "macros"
    assert "contains macros" in refusal.message


def test_a_program_with_a_word_document_appended_is_refused():
    content = b"MZ\x90\x00" + b"\x00" * 500 + _docx()
    assert zipfile.is_zipfile(io.BytesIO(content))
    refusal = _refusal(content, "law.docx")
    assert refusal.code == "type-not-allowed"


def test_a_damaged_archive_is_refused():
    refusal = _refusal(_docx()[:200], "law.docx")
    assert refusal.code == "corrupt-document"
    assert "damaged or incomplete" in refusal.message


def test_an_archive_that_would_expand_far_past_the_limit_is_refused_unopened():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        with archive.open("word/media/zeros.bin", "w") as member:
            for _ in range(30):
                member.write(b"\x00" * MIB)
    content = out.getvalue()
    assert len(content) < MIB
    refusal = _refusal(content, "law.docx", max_bytes=MIB)
    assert refusal.code == "suspicious-archive"
    assert "cannot check safely" in refusal.message


def test_an_archive_with_more_than_ten_thousand_members_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
        for number in range(10_000):
            archive.writestr(f"{number}", b"")
    refusal = _refusal(out.getvalue(), "law.docx")
    assert refusal.code == "suspicious-archive"


@pytest.mark.parametrize(
    "content",
    [_pdf(2), b"plain text"],
    ids=["accepted", "refused"],
)
def test_the_file_is_back_at_its_start_after_inspection(content):
    stream = io.BytesIO(content)
    stream.seek(5)
    try:
        inspected = inspect_upload(stream, name="x.pdf", declared_size=None, max_bytes=MIB)
        assert inspected.sha256 == hashlib.sha256(content).hexdigest()
    except UploadRefused:
        pass
    assert stream.tell() == 0


def test_a_django_uploaded_file_is_inspected_and_rewound():
    upload = SimpleUploadedFile("../Annual report.pdf", _pdf(4), content_type="text/html")
    inspected = inspect_upload(
        upload, name=upload.name, declared_size=upload.size, max_bytes=MAX_UPLOAD_BYTES_DEFAULT
    )
    assert (inspected.kind, inspected.page_count) == ("pdf", 4)
    assert inspected.safe_name == "Annual report.pdf"
    assert upload.tell() == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("..\\..\\boot.ini", "boot.pdf"),
        ("a\x00b\nc.pdf", "ab c.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("..", "document.pdf"),
        ("   ", "document.pdf"),
        ("", "document.pdf"),
        ("قانون المؤسسة.pdf", "قانون المؤسسة.pdf"),
        ("年度报告 2024.pdf", "年度报告 2024.pdf"),
        ("Годовой отчёт.docx", "Годовой отчёт.pdf"),
        ("report\u202efdp.exe", "reportfdp.pdf"),
        ("budget <2024> & plan?.xlsx", "budget _2024_ _ plan_.pdf"),
        ("Annual report v2.1", "Annual report v2.1.pdf"),
        ("-rf .pdf", "rf.pdf"),
    ],
)
def test_a_file_name_is_made_harmless_but_stays_readable(name, expected):
    assert sanitise_name(name, extension=".pdf") == expected


def test_a_long_file_name_is_cut_to_120_characters_before_the_extension():
    assert sanitise_name("a" * 300 + ".pdf", extension=".pdf") == "a" * 120 + ".pdf"


def test_a_long_non_latin_file_name_fits_in_255_bytes():
    name = sanitise_name("报" * 300 + ".pdf", extension=".pdf")
    assert name == "报" * 83 + ".pdf"
    assert len(name.encode()) <= 255


def test_a_pdf_with_a_few_stray_bytes_before_its_header_is_accepted():
    inspected = _inspect(b"\xef\xbb\xbf\r\n" + _pdf(2))
    assert (inspected.kind, inspected.page_count) == ("pdf", 2)


def test_an_office_document_named_as_another_kind_is_refused():
    assert _refusal(_xlsx(), "budget.pdf").code == "name-mismatch"
    assert _refusal(_odt(), "rapport.docx").code == "name-mismatch"


def test_a_jpeg_may_end_in_jpg_or_jpeg():
    content = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    assert _inspect(content, "chart.JPEG").safe_name == "chart.jpg"
    assert _inspect(content, "chart.jpg").kind == "jpeg"
