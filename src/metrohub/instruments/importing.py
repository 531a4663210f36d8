"""The register's Excel template and import. Files are read by the catalogue's bounded reader
(size once inflated, rows, columns); headers are the Chinese column names below."""

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from metrohub.catalogue.importing import FileError, max_uncompressed
from metrohub.core.exports import neutralise_row, unguard
from metrohub.core.uploads import check_zip_size
from metrohub.instruments import services
from metrohub.instruments.models import Use

MAX_ROWS = 5_000
# (field, Chinese header as users type it in their spreadsheet, label in messages)
COLUMNS = [
    ("name", "器具名称", gettext_lazy("instrument")),
    ("model", "型号规格", gettext_lazy("model")),
    ("serial_number", "出厂编号", gettext_lazy("serial number")),
    ("manufacturer", "制造单位", gettext_lazy("manufacturer")),
    ("measurand", "测量参数", gettext_lazy("quantity")),
    ("value", "常用示值", gettext_lazy("typical value measured")),
    ("unit", "单位", gettext_lazy("unit")),
    ("location", "使用地点", gettext_lazy("where it is used")),
    ("category", "强检目录项", gettext_lazy("compulsory verification category")),
    ("use", "用途", gettext_lazy("use")),
    ("interval_months", "检定周期（月）", gettext_lazy("interval (months)")),
    ("last_verified_on", "上次检定日期", gettext_lazy("last verified or calibrated")),
    ("due_on", "有效期至", gettext_lazy("due date")),
    ("certificate_number", "证书编号", gettext_lazy("certificate number")),
]
BY_HEADER = {header: field for field, header, _label in COLUMNS}
# A row's error names the column as the spreadsheet's header does.
services.COLUMN_LABELS.update({field: header for field, header, _label in COLUMNS})


def template_bytes(rows=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "计量器具"
    sheet.append([header for _field, header, _label in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(neutralise_row(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MAX_COLUMNS = 32


def read_rows(data: bytes, filename: str) -> list[tuple[int, dict]]:
    """[(row number, {header: cell})] of the first sheet (or a CSV), bounded like the
    catalogue's: size once inflated, rows read, columns per row."""
    if filename.lower().endswith(".csv"):
        return _csv_rows(data)
    try:
        check_zip_size(data, max_uncompressed=max_uncompressed(MAX_ROWS))
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ValueError:
        raise FileError(_("The workbook is too large once uncompressed; split it.")) from None
    except Exception as exc:  # noqa: BLE001  (not an xlsx at all)
        raise FileError(_("This is not an Excel (.xlsx) file.")) from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()
        return _collect(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS))
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    try:
        return _collect(row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise FileError(_("This is not a CSV file: %(error)s") % {"error": exc}) from None


def _collect(iterator) -> list[tuple[int, dict]]:
    header = [str(v or "").strip() for v in (next(iterator, None) or ())]
    rows = []
    for number, values in enumerate(iterator, start=2):
        if number > 4 * MAX_ROWS or len(rows) > MAX_ROWS:
            raise FileError(
                _("The file has more than %(max)s rows; split it.") % {"max": f"{MAX_ROWS:,}"}
            )
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {header[i]: v for i, v in enumerate(values) if i < len(header)}))
    return rows


def parse(data: bytes, filename: str) -> list[tuple[int, dict]]:
    """[(row number, {field: value})]; a FileError for a file that cannot be read."""
    with translation.override("zh-hans"):
        uses = {str(label): value for value, label in Use.choices}
    rows = []
    for number, cells in read_rows(data, filename):
        row = {}
        for header, value in cells.items():
            field = BY_HEADER.get(str(header).strip())
            if field is None:
                continue
            if isinstance(value, str):
                value = unguard(value.strip())
            if field == "use" and isinstance(value, str):
                value = uses.get(value, value)
            row[field] = value
        rows.append((number, row))
    if not rows:
        raise FileError(_("The file has no rows to import."))
    return rows
