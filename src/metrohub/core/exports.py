"""Cells of every spreadsheet the platform writes (CSV and XLSX), made safe to open.

Imported text comes from centers and the public; a cell that begins with `=`, `+`, `-`, `@` (or a
tab or carriage return before one) is run as a formula by Excel, WPS and LibreOffice when the
export is opened — formula injection (CWE-1236). Such text is written with a leading apostrophe,
which spreadsheets show as text, and the importer takes that apostrophe off again so that an
export imported back is unchanged. Plain numbers ("-20", "+1.5e3") are left alone: a spreadsheet
reads them as numbers, never as formulas.
"""

import re
import tempfile

from django.http import FileResponse
from openpyxl import Workbook

TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
GUARD = "'"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: the most rows a list exports: past it the workbook says so in its last line
EXPORT_CAP = 20_000
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def needs_guard(text: str) -> bool:
    return text.startswith(TRIGGERS) and not _PLAIN_NUMBER.match(text)


def neutralise(value):
    """The value to write into an exported cell: text that a spreadsheet would run is guarded;
    everything else (numbers, dates, None, ordinary text) is returned unchanged."""
    if isinstance(value, str) and needs_guard(value):
        return GUARD + value
    return value


def neutralise_row(values) -> list:
    return [neutralise(value) for value in values]


def unguard(text: str) -> str:
    """An imported cell without the apostrophe an export put before a formula-like text."""
    if text.startswith(GUARD) and needs_guard(text[1:]):
        return text[1:]
    return text


def xlsx_response(*, filename: str, title: str, columns, rows, note: str = "") -> FileResponse:
    """A table as an Excel workbook, written row by row (openpyxl's write-only mode) to a spooled
    temporary file and streamed, every cell made safe to open."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_SHEET_UNSAFE.sub(" ", title)[:31] or "Sheet")
    sheet.append(neutralise_row([title]))
    sheet.append(neutralise_row(columns))
    for row in rows:
        sheet.append(neutralise_row(row))
    if note:
        sheet.append([])
        sheet.append(neutralise_row([note]))
    # FileResponse closes the file once sent, so no context manager here
    spool = tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)
