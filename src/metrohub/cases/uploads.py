"""What an uploaded file really is, from its first bytes (never from its name or the browser's
claim), against the list of types the platform accepts."""

import io
import zipfile

from django.utils.translation import gettext_lazy as _

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


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                kind = archive.read("mimetype").decode("ascii", "replace").strip()
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
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return ""
    return ZIP


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
