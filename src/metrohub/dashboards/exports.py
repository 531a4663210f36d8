"""A panel's table as an Excel workbook, written row by row (openpyxl's write-only mode) to a
spooled temporary file and streamed, every cell made safe to open (`core.exports.neutralise`)."""

from __future__ import annotations

import re
import tempfile

from django.http import FileResponse
from openpyxl import Workbook

from metrohub.core.exports import neutralise_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def xlsx_response(*, filename: str, title: str, columns, rows, note: str = "") -> FileResponse:
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
