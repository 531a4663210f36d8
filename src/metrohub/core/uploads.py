"""Checking uploaded files, for every app: what a file really is, from its first bytes (never from
its name or the browser's claim), against the list of types the platform accepts, with every read
and every decompression bounded so that a small hostile file cannot exhaust memory or time."""

import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A ZIP-based upload is opened only to tell its kind. Its central directory is read (bounded by the
# upload's size), and at most MEMBER_PEEK bytes of one member are decompressed.
MAX_ZIP_ENTRIES = 20_000
MEMBER_PEEK = 256

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
TIFF = "image/tiff"
WEBP = "image/webp"
ZIP = "application/zip"
OLE = "application/x-ole-storage"  # .doc, .xls, .ppt, .wps, .et
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ODF_TEXT = "application/vnd.oasis.opendocument.text"
ODF_SHEET = "application/vnd.oasis.opendocument.spreadsheet"
OFD = "application/ofd"  # GB/T 33190-2016, the Chinese fixed-layout e-document (a zip)

ALLOWED = {
    PDF: _("PDF"),
    PNG: _("PNG image"),
    JPEG: _("JPEG image"),
    GIF: _("GIF image"),
    TIFF: _("TIFF image"),
    WEBP: _("WebP image"),
    ZIP: _("ZIP archive"),
    OLE: _("Office document (Word, Excel, PowerPoint, WPS)"),
    DOCX: _("Word document"),
    XLSX: _("Excel workbook"),
    PPTX: _("PowerPoint presentation"),
    ODF_TEXT: _("OpenDocument text"),
    ODF_SHEET: _("OpenDocument spreadsheet"),
    OFD: _("OFD document"),
}

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    GIF: "gif",
    TIFF: "tif",
    WEBP: "webp",
    ZIP: "zip",
    OLE: "doc",
    DOCX: "docx",
    XLSX: "xlsx",
    PPTX: "pptx",
    ODF_TEXT: "odt",
    ODF_SHEET: "ods",
    OFD: "ofd",
}


def read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """At most `limit` bytes of one member, decompressing no more than that (zipfile inflates
    incrementally), so a member that expands to gigabytes costs no more than `limit`."""
    with archive.open(name) as member:
        return member.read(limit)


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ZIP_ENTRIES:
                return ""
            names = {info.filename for info in infos}
            if "mimetype" in names:
                kind = read_member(archive, "mimetype", MEMBER_PEEK)
                kind = kind.decode("ascii", "replace").strip()
                if kind in (ODF_TEXT, ODF_SHEET):
                    return kind
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
                if any(n.startswith("ppt/") for n in names):
                    return PPTX
            if "OFD.xml" in names:
                return OFD
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return ""
    return ZIP


def check_zip_size(data: bytes, *, max_uncompressed: int, max_entries: int = MAX_ZIP_ENTRIES):
    """Refuse (ValueError) an archive whose members would expand beyond `max_uncompressed` bytes
    in all. zipfile never inflates a member past its declared size, so the declared sizes bound
    what any later reader of the archive (openpyxl, for one) can be made to decompress."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > max_entries:
            raise ValueError("too many members")
        if sum(info.file_size for info in infos) > max_uncompressed:
            raise ValueError("too large when uncompressed")


def sniff(data: bytes) -> str:
    """The content type the bytes are, or '' when none of the accepted ones."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return TIFF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return ""


def read_upload(upload, *, limit: int | None = None, field: str = "file") -> bytes:
    """The bytes of an uploaded file, refused before reading when it is larger than the limit:
    Django spools a large upload to disk, and reading it whole would put all of it in memory."""
    limit = settings.METROHUB_MAX_UPLOAD_BYTES if limit is None else limit
    if upload.size is not None and upload.size > limit:
        raise ValidationError({field: [too_large_message(limit)]})
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({field: [too_large_message(limit)]})
    return content


def too_large_message(limit: int) -> str:
    return gettext("The file is larger than %(mb)s MB.") % {"mb": round(limit / 1048576, 1)}


def check_upload(content: bytes, *, allowed=None, limit: int | None = None, field: str = "file"):
    """The kind of an uploaded file's bytes, or a ValidationError naming the field: too large,
    empty, or not one of the accepted kinds (`allowed`: kind → label, default every kind)."""
    allowed = ALLOWED if allowed is None else allowed
    limit = settings.METROHUB_MAX_UPLOAD_BYTES if limit is None else limit
    if len(content) > limit:
        raise ValidationError({field: [too_large_message(limit)]})
    if not content:
        raise ValidationError({field: [gettext("The file is empty.")]})
    kind = sniff(content)
    if kind not in allowed:
        raise ValidationError(
            {
                field: [
                    gettext("This kind of file is not accepted. Accepted: %(kinds)s.")
                    % {"kinds": "、".join(str(v) for v in allowed.values())}
                ]
            }
        )
    return kind
