"""Inspection of an uploaded dossier document before anything is stored.

The type is decided by the content, never by the file name or the browser's content
type, so a renamed program or web page cannot pass as a PDF. Everything is read in
bounded chunks, because a client may lie about the size and an archive about what it
would expand to.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader
from pypdf.errors import DependencyError

MAX_UPLOAD_BYTES_DEFAULT = 50 * 1024 * 1024

_MIB = 1024 * 1024
_CHUNK_BYTES = _MIB
# The PDF specification lets the header start anywhere in the first 1024 bytes, and
# readers accept up to that much trailing junk after the final %%EOF.
_PDF_WINDOW = 1024
# Enough to survive an ordinary archive's central directory (10,000 members of about
# 300 bytes each) while keeping a forged one from filling the memory while it is parsed.
_ZIP_MAX_DIRECTORY_BYTES = 4 * _MIB
_ZIP_MAX_MEMBERS = 10_000
_ZIP_MAX_EXPANSION = 20
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_STEM_MAX_CHARS = 120
# Most file systems refuse names longer than 255 bytes, and a non-Latin character takes
# two to four bytes in UTF-8.
_NAME_MAX_BYTES = 255

_KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "odt": ("application/vnd.oasis.opendocument.text", ".odt"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "png": ("image/png", ".png"),
    "jpeg": ("image/jpeg", ".jpg"),
}


class UploadRefused(Exception):
    """The file may not be stored; the message says why and what to do, for a person."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Inspected:
    kind: str
    content_type: str
    extension: str
    safe_name: str
    size: int
    sha256: str
    page_count: int | None


@dataclass(frozen=True)
class _Scan:
    size: int
    sha256: str
    head: bytes
    tail: bytes


def inspect_upload(
    file: IO[bytes], *, name: str, declared_size: int | None, max_bytes: int
) -> Inspected:
    """Say what the upload is, or raise UploadRefused. `file` may be a Django
    UploadedFile (pass its `.size` as `declared_size`); it must be seekable, and is left
    at position 0."""
    if declared_size is not None and declared_size > max_bytes:
        raise _too_large(max_bytes)
    if not file.seekable():
        raise ValueError("inspect_upload needs a seekable file, as Django's uploads are")
    file.seek(0)
    try:
        scan = _scan(file, max_bytes)
        kind, page_count = _detect(file, scan, max_bytes)
    finally:
        file.seek(0)
    content_type, extension = _KINDS[kind]
    check_name(name, kind=kind)
    return Inspected(
        kind=kind,
        content_type=content_type,
        extension=extension,
        safe_name=sanitise_name(name, extension=extension),
        size=scan.size,
        sha256=scan.sha256,
        page_count=page_count,
    )


def _scan(file: IO[bytes], max_bytes: int) -> _Scan:
    digest = hashlib.sha256()
    size = 0
    head = tail = b""
    # Never ask for more than one byte past the limit: that byte proves the lie.
    while chunk := file.read(min(_CHUNK_BYTES, max_bytes + 1 - size)):
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        digest.update(chunk)
        if len(head) < _PDF_WINDOW:
            head += chunk[: _PDF_WINDOW - len(head)]
        tail = (tail + chunk[-_PDF_WINDOW:])[-_PDF_WINDOW:]
    if size == 0:
        raise UploadRefused(
            _("The file is empty. Check that you chose the right file and upload it again."),
            code="empty",
        )
    return _Scan(size=size, sha256=digest.hexdigest(), head=head, tail=tail)


def _detect(file: IO[bytes], scan: _Scan, max_bytes: int) -> tuple[str, int | None]:
    # Signatures that must open the file come first, so that a "%PDF-" hidden inside
    # an image or an archive does not make it a PDF.
    head = scan.head
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return "png", None
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg", None
    # Only an archive that starts as one: zipfile alone would also accept a program
    # with an archive appended to it.
    if head.startswith(b"PK\x03\x04"):
        return _office_kind(file, max_bytes), None
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRefused(
            _(
                "This looks like an older Office file (.doc, .xls) or a password-protected "
                "Office document, which the portal does not accept. Save it as .docx or "
                ".xlsx without a password, or export it as PDF, and upload the new file."
            ),
            code="type-not-allowed",
        )
    if b"%PDF-" in head:
        return "pdf", _pdf_page_count(file, scan.tail)
    raise _not_allowed()


def _pdf_page_count(file: IO[bytes], tail: bytes) -> int:
    # pypdf, when not strict, reads on past a missing %%EOF; a cut-off upload must not
    # get in, so look for the marker ourselves.
    if b"%%EOF" not in tail:
        raise _damaged_pdf()
    file.seek(0)
    try:
        reader = PdfReader(file, strict=False)
        encrypted = reader.is_encrypted
    except DependencyError as error:
        # The only library pypdf lacks while opening is the one for decryption.
        raise _encrypted_pdf() from error
    except Exception as error:
        # pypdf raises many kinds of errors (its own, ValueError, KeyError, ...) on
        # malformed input; all of them mean the same thing to the person uploading.
        raise _damaged_pdf() from error
    # Refused even when the user password is empty: the portal must read and merge it.
    if encrypted:
        raise _encrypted_pdf()
    try:
        page_count = len(reader.pages)
    except Exception as error:  # as above: any parser error on a malformed page tree
        raise _unreadable_pdf() from error
    if page_count < 1:
        raise _unreadable_pdf()
    return page_count


def _office_kind(file: IO[bytes], max_bytes: int) -> str:
    """Tell DOCX, XLSX and ODT apart by their member names and the small mimetype
    member; nothing else is decompressed."""
    if _directory_bytes(file) > _ZIP_MAX_DIRECTORY_BYTES:
        raise _suspicious_archive()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
            mimetype = _read_mimetype(archive)
    except Exception as error:
        # As with pypdf: zipfile and zlib raise many kinds of errors on a damaged archive.
        raise UploadRefused(
            _(
                "This document appears to be damaged or incomplete. Open it on your "
                "computer, save it again, and upload the new file."
            ),
            code="corrupt-document",
        ) from error
    expanded = sum(member.file_size for member in members)
    if len(members) > _ZIP_MAX_MEMBERS or expanded > _ZIP_MAX_EXPANSION * max_bytes:
        raise _suspicious_archive()
    names = {member.filename for member in members}
    if any(_is_macro_storage(name) for name in names):
        raise UploadRefused(
            _(
                "This document contains macros, which the portal does not accept. Save it "
                "as an ordinary document without macros, or export it as PDF, and upload "
                "the new file."
            ),
            code="macros",
        )
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return "docx"
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype == _ODT_MIMETYPE:
        return "odt"
    raise _not_allowed()


def _directory_bytes(file: IO[bytes]) -> int:
    """The central directory size the end record declares; zipfile reads that much
    into memory and parses it before we could count the members. 0 when not found,
    leaving the verdict to zipfile."""
    # The end record is 22 bytes, followed by a comment of at most 65,535 bytes.
    end = file.seek(0, os.SEEK_END)
    file.seek(max(0, end - 22 - 65_535))
    data = file.read(22 + 65_535)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) < at + 22:
        return 0
    return int.from_bytes(data[at + 12 : at + 16], "little")


def _read_mimetype(archive: zipfile.ZipFile) -> bytes:
    try:
        info = archive.getinfo("mimetype")
    except KeyError:
        return b""
    with archive.open(info) as member:
        # Bounded: the declared size may lie, and the member may be a bomb of its own.
        return member.read(len(_ODT_MIMETYPE) + 1)


def _is_macro_storage(name: str) -> bool:
    return name.lower().endswith("vbaproject.bin") or name.startswith(("Basic/", "Scripts/"))


# The endings a name may have for what the content is.
_ENDINGS = {"jpeg": (".jpg", ".jpeg")}
_KIND_NAMES = {
    "pdf": gettext_lazy("PDF"),
    "docx": gettext_lazy("Word document (DOCX)"),
    "odt": gettext_lazy("OpenDocument text (ODT)"),
    "xlsx": gettext_lazy("Excel workbook (XLSX)"),
    "png": gettext_lazy("PNG image"),
    "jpeg": gettext_lazy("JPEG image"),
}


def check_name(name: str, *, kind: str) -> None:
    """Refuse a name that hides a folder path or invisible characters, or whose ending
    says something other than the content is: either is a mistake or a trick."""
    if "/" in name or "\\" in name or any(unicodedata.category(c) == "Cc" for c in name):
        raise UploadRefused(
            _("The file name contains a folder path or invisible characters. Rename the "
              "file on your computer (for example “annual-report-2024.pdf”) and upload it "
              "again."),
            code="bad-name",
        )  # fmt: skip
    ending = PurePosixPath(name.strip()).suffix.lower()
    allowed = _ENDINGS.get(kind, (_KINDS[kind][1],))
    if ending and ending not in allowed:
        raise UploadRefused(
            _("This file is a %(kind)s, but its name ends in “%(ending)s”. Check that you "
              "chose the right file; if you did, rename it to end in “%(right)s” and upload "
              "it again.") % {"kind": _KIND_NAMES[kind], "ending": ending, "right": allowed[0]},
            code="name-mismatch",
        )  # fmt: skip


def sanitise_name(name: str, *, extension: str) -> str:
    """A harmless file name that keeps what a person can read of `name` (in any
    script) and ends in `extension` (given with its dot)."""
    base = re.split(r"[/\\]", name)[-1]
    text = "".join(_clean_char(char) for char in unicodedata.normalize("NFC", base))
    text = re.sub(r"_+", "_", " ".join(text.split())).strip(" .")
    stem = _EXTENSION.sub("", text).lstrip(" .-").rstrip(" .")
    stem = _fit(stem, extension)
    if not any(char.isalnum() for char in stem):
        stem = "document"
    return stem + extension


# What looks like an extension, to be replaced: a few ASCII letters or digits, not only
# digits (so "v2.1" keeps its ".1").
_EXTENSION = re.compile(r"\.(?=[0-9]*[a-z])[a-z0-9]{1,10}$", re.IGNORECASE | re.ASCII)
_KEPT_PUNCTUATION = frozenset("._-()[]")


def _clean_char(char: str) -> str:
    # Line breaks and tabs separate words, so they become spaces rather than vanish.
    if char.isspace():
        return " "
    category = unicodedata.category(char)
    # Control and format characters (NUL, right-to-left overrides, ...) disappear.
    if category.startswith("C"):
        return ""
    # Letters, their combining marks and digits of every script stay.
    if category[0] in "LMN" or char in _KEPT_PUNCTUATION:
        return char
    return "_"


def _fit(stem: str, extension: str) -> str:
    stem = stem[:_STEM_MAX_CHARS]
    while len((stem + extension).encode()) > _NAME_MAX_BYTES:
        stem = stem[:-1]
    return stem.rstrip(" .")


def _too_large(max_bytes: int) -> UploadRefused:
    limit = f"{max_bytes / _MIB:.1f}".removesuffix(".0")
    return UploadRefused(
        _(
            "The file is larger than the limit of %(limit)s MB. Reduce its size (for "
            "example, export the PDF again with compressed images) or split it into parts."
        )
        % {"limit": limit},
        code="too-large",
    )


def _not_allowed() -> UploadRefused:
    return UploadRefused(
        _(
            "This type of file is not accepted. Upload a PDF, a Word document (.docx), an "
            "OpenDocument text (.odt), an Excel workbook (.xlsx), or a PNG or JPEG image."
        ),
        code="type-not-allowed",
    )


def _encrypted_pdf() -> UploadRefused:
    return UploadRefused(
        _("This PDF is protected by a password. Save it without a password and upload it again."),
        code="encrypted-pdf",
    )


def _damaged_pdf() -> UploadRefused:
    return UploadRefused(
        _(
            "This PDF appears to be damaged or incomplete. Open it on your computer, save or "
            "export it again as PDF, and upload the new file."
        ),
        code="corrupt-pdf",
    )


def _unreadable_pdf() -> UploadRefused:
    return UploadRefused(
        _(
            "The portal cannot find any readable page in this PDF. Open it on your computer, "
            "check that it shows its pages, export it again as PDF, and upload the new file."
        ),
        code="unreadable-pdf",
    )


def _suspicious_archive() -> UploadRefused:
    return UploadRefused(
        _(
            "This document is packed in an unusual way that the portal cannot check safely. "
            "Open it on your computer, save it again or export it as PDF, and upload the "
            "new file."
        ),
        code="suspicious-archive",
    )
