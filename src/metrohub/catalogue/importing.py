"""The Excel template, reading an uploaded file, and exports (Excel, CSV, JSON)."""

import csv
import io
import json

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from metrohub.catalogue.rows import CHOICES, COLUMN_KEYS, COLUMNS, HEADERS, line_to_row
from metrohub.core.exports import neutralise_row
from metrohub.core.uploads import check_zip_size

SHEET = "能力目录"
LISTS_SHEET = "选项"
TEMPLATE_ROWS = 5000  # rows the drop-down lists cover


class FileError(ValueError):
    pass


def letter(key: str) -> str:
    return get_column_letter(COLUMN_KEYS.index(key) + 1) if key in COLUMN_KEYS else ""


def workbook(rows=()) -> Workbook:
    """The template (no rows) or an export: Chinese headers, drop-down lists, frozen header."""
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = SHEET
    sheet.append([column.header for column in COLUMNS])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = bold, fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    lists = book.create_sheet(LISTS_SHEET)
    for index, (key, values) in enumerate(CHOICES.items(), start=1):
        col = get_column_letter(index)
        lists.cell(row=1, column=index, value=HEADERS[key])
        for offset, value in enumerate(values, start=2):
            lists.cell(row=offset, column=index, value=value)
        validation = DataValidation(
            type="list",
            formula1=f"'{LISTS_SHEET}'!${col}$2:${col}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=HEADERS[key],
            error="请从下拉列表中选择",
        )
        target = letter(key)
        validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)
    lists.sheet_state = "hidden"
    for row in rows:
        sheet.append(neutralise_row(row.get(key, "") for key in COLUMN_KEYS))
    return book


def xlsx_bytes(rows=()) -> bytes:
    buffer = io.BytesIO()
    workbook(rows).save(buffer)
    return buffer.getvalue()


# What one import reads at most: rows with content, the columns of a row, and the workbook's size
# once inflated (about 1.2 KB per row of the template). A file beyond them is refused with a
# message stating the limit, before it costs minutes and gigabytes. The command line, run by an
# operator, may raise them (`metrohub catalogue import --max-rows`).
MAX_ROWS = 20_000
MAX_COLUMNS = 64
BYTES_PER_ROW = 5_000
MIN_UNCOMPRESSED = 16 * 1024 * 1024


def max_uncompressed(max_rows: int) -> int:
    return max(MIN_UNCOMPRESSED, max_rows * BYTES_PER_ROW)


def read_rows(
    data: bytes, *, filename: str = "", max_rows: int = MAX_ROWS
) -> list[tuple[int, dict]]:
    """[(row number as the user sees it, {column key: cell})] of an .xlsx or .csv file, streamed
    and stopped with a FileError past `max_rows` rows."""
    if filename.lower().endswith(".csv"):
        return _read_csv(data, max_rows)
    limit = max_uncompressed(max_rows)
    try:
        check_zip_size(data, max_uncompressed=limit)
    except ValueError:
        raise FileError(
            _(
                "The workbook is larger than %(mb)d MB once uncompressed; split it into smaller files."
            )
            % {"mb": limit // (1024 * 1024)}
        ) from None
    except Exception as exc:  # noqa: BLE001  (not a zip at all)
        raise FileError(_("This is not an Excel (.xlsx) file.")) from exc
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001  (openpyxl raises many kinds on a bad file)
        raise FileError(_("This is not an Excel (.xlsx) file.")) from exc
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        # The sheet's declared dimension is not trusted: a wrong one would cut rows off or pad
        # every row to 16,384 cells. Rows are read as they are, at most MAX_COLUMNS wide.
        sheet.reset_dimensions()
        iterator = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
        header = next(iterator, None)
        return _collect(enumerate(iterator, start=2), _header_keys(header), max_rows)
    finally:
        book.close()


def _collect(numbered, keys, max_rows: int) -> list[tuple[int, dict]]:
    """The non-blank rows; a FileError past max_rows of them, or past a multiple of it of rows
    read at all (a sheet can claim a million empty rows in a few bytes)."""
    rows = []
    for number, values in numbered:
        if number > 4 * max_rows + 1:
            raise FileError(_too_many_rows(max_rows))
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        if len(rows) == max_rows:
            raise FileError(_too_many_rows(max_rows))
        rows.append((number, {key: values[i] for i, key in keys if i < len(values)}))
    return rows


def _too_many_rows(max_rows: int) -> str:
    return _(
        "The file has more than %(max)s rows; import at most %(max)s rows at a time (split the "
        "file)."
    ) % {"max": f"{max_rows:,}"}


def _read_csv(data: bytes, max_rows: int) -> list[tuple[int, dict]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    reader = csv.reader(io.StringIO(text))
    try:
        keys = _header_keys(next(reader, None))
        numbered = ((n, values[:MAX_COLUMNS]) for n, values in enumerate(reader, start=2))
        return _collect(numbered, keys, max_rows)
    except csv.Error as exc:
        raise FileError(_("This is not a CSV file: %(error)s") % {"error": exc}) from None


def _header_keys(header) -> list[tuple[int, str]]:
    by_header = {column.header: column.key for column in COLUMNS}
    keys = [
        (index, by_header.get(str(value or "").strip(), str(value or "").strip()))
        for index, value in enumerate(header or ())
    ]
    keys = [(index, key) for index, key in keys if key in COLUMN_KEYS]
    missing = [c.header for c in COLUMNS if c.required and c.key not in {k for _i, k in keys}]
    if missing:
        raise FileError(
            _("The first row must hold the template's headers; missing: %(missing)s.")
            % {"missing": "、".join(missing)}
        )
    return keys


def csv_text(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.header for column in COLUMNS])
    for row in rows:
        writer.writerow(neutralise_row(row.get(key, "") for key in COLUMN_KEYS))
    return "\ufeff" + buffer.getvalue()  # BOM: Excel opens UTF-8 CSV correctly


def line_json(line) -> dict:
    return {
        "id": line.pk,
        "center": line.center.code,
        "center_name": line.center.name,
        "status": line.status,
        "version": line.version,
        "kind": line.kind,
        "area": line.area,
        "branch": line.branch,
        "industry_domain": line.industry_domain,
        "measurand": line.measurand,
        "instrument": line.instrument,
        "conditions": line.conditions,
        "range_lower": decimal_text(line.range_lower),
        "range_upper": decimal_text(line.range_upper),
        "unit": line.unit,
        "uncertainty": uncertainty_json(line),
        "accuracy": line.accuracy,
        "methods": line.method_codes,
        "cnas": line.cnas,
        "published_on": line.published_on.isoformat() if line.published_on else None,
    }


def decimal_text(value):
    """A number as people write it: 100, not 1E+2 (what Decimal.normalize() prints alone)."""
    return format(value.normalize(), "f") if value is not None else None


def uncertainty_json(line) -> dict:
    text = decimal_text
    return {
        "form": line.u_form,
        "value": text(line.u_value),
        "value_max": text(line.u_value_max),
        "formula": line.u_formula or None,
        "table": line.u_table or None,
        "relative": line.u_relative,
        "unit": line.u_unit or line.unit or None,
        "k": text(line.coverage_k),
        "p": text(line.coverage_p),
    }


def json_text(lines) -> str:
    return json.dumps([line_json(line) for line in lines], ensure_ascii=False, indent=1)


def export_rows(lines):
    for line in lines:
        yield line_to_row(line)
