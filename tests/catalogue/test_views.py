from metrohub.catalogue import importing
from metrohub.catalogue.models import CapabilityLine, ChangeRequest
from metrohub.catalogue.rows import line_to_row
from metrohub.eventlog.models import Event


def test_search_page_in_chinese(client, world):
    page = client.get("/catalogue/", {"q": "铂电阻温度计"}).content.decode()
    assert "标准铂电阻温度计" in page and "能力目录" in page


def test_search_page_says_when_the_count_is_capped(client, world, monkeypatch):
    from metrohub.catalogue import search

    monkeypatch.setattr(search, "SEARCH_CAP", 10)
    page = client.get("/catalogue/", {"q": "压力", "page": "2"}).content.decode()
    assert "超过 10 条" in page and "count" in page


def test_superseded_document_is_flagged(client, world):
    line = CapabilityLine.objects.get(methods="JJG 707—2003")
    page = client.get(f"/catalogue/lines/{line.pk}/").content.decode()
    assert "JJG 707—2003" in page and "JJG 707—2014" in page and "⚠" in page


def test_center_page_links_template_for_its_director(client_for, world):
    page = client_for("director").get("/centers/CQ-AUTO/").content.decode()
    assert "/catalogue/centers/CQ-AUTO/template.xlsx" in page
    public = client_for("anonymous").get("/centers/CQ-AUTO/").content.decode()
    assert "template.xlsx" not in public and "数字压力计" in public


def test_upload_page_reports_errors_then_imports(client_for, world, row):
    client = client_for("director")
    rows = [row(i) for i in range(4)]
    rows[1]["area"] = "魔法"
    upload = _file(rows)
    page = client.post("/catalogue/centers/CQ-AUTO/import/", {"file": upload})
    text = page.content.decode()
    assert page.status_code == 200 and "魔法" in text and "专业领域" in text
    assert not CapabilityLine.objects.filter(instrument="测试用数字压力计").exists()
    page = client.post(
        "/catalogue/centers/CQ-AUTO/import/", {"file": _file(rows), "valid_only": "on"}
    )
    assert CapabilityLine.objects.filter(instrument="测试用数字压力计").count() == 3


def test_upload_errors_name_the_column_by_its_header_only(client_for, world, row):
    """The column read “range_upper 测量范围上限”, “area 专业领域”: the field's code first."""
    from metrohub.core.pagetext import code_problems

    rows = [row(i) for i in range(2)]
    rows[0]["range_upper"] = "abc"
    rows[1]["area"] = "魔法"
    page = client_for("director").post("/catalogue/centers/CQ-AUTO/import/", {"file": _file(rows)})
    text = page.content.decode()
    assert "<td>测量范围上限</td>" in text and "<td>专业领域</td>" in text
    assert "range_upper" not in text and "area 专业领域" not in text
    assert code_problems(text) == []


def _file(rows):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("lines.xlsx", importing.xlsx_bytes(rows))


def test_publish_drafts(client_for, world):
    response = client_for("regulator").post("/catalogue/centers/CQ-MATERIAL/publish/")
    assert response.status_code == 302
    assert not CapabilityLine.objects.filter(center__code="CQ-MATERIAL", status="draft").exists()
    line = CapabilityLine.objects.filter(center__code="CQ-MATERIAL").first()
    assert line.version == 2 and line.versions.count() == 2


def test_change_request_flow(client_for, world):
    line = CapabilityLine.objects.filter(
        center__code="CQ-AUTO", status="published", u_form="value"
    ).first()
    director, regulator = client_for("director"), client_for("regulator")
    row = {**line_to_row(line), "uncertainty": "0.010", "action": "modify", "reason": "新标准器"}
    response = director.post(f"/catalogue/lines/{line.pk}/change/", row)
    change = ChangeRequest.objects.get()
    assert response.status_code == 302 and change.status == "proposed"
    # the director may not decide it
    assert (
        director.post(f"/catalogue/changes/{change.pk}/", {"decision": "approve"}).status_code
        == 403
    )
    regulator.post(f"/catalogue/changes/{change.pk}/", {"decision": "approve", "note": "同意"})
    regulator.post(f"/catalogue/changes/{change.pk}/", {"decision": "announce"})
    change.refresh_from_db()
    line.refresh_from_db()
    assert change.status == "announced" and str(line.u_value) in ("0.010", "0.01", "0.010000000000")
    versions = list(line.versions.order_by("version"))
    assert versions[-1].change_request_id == change.pk and versions[-2].valid_to is not None
    actions = list(
        Event.objects.filter(subject=f"catalogue-change:{change.pk}").values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "catalogue.change_proposed",
        "catalogue.change_approved",
        "catalogue.change_announced",
    ]


def test_find_page(client, world):
    page = client.get(
        "/catalogue/find/",
        {"quantity": "压力", "value": "10", "unit": "MPa", "uncertainty": "0.0025"},
    ).content.decode()
    assert "数字压力计" in page and "@demo.metrohub.localhost" in page


def test_import_page_refuses_a_file_over_the_row_limit_and_writes_nothing(client_for, world, row):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = CapabilityLine.objects.count()
    text = importing.csv_text([row(i) for i in range(importing.MAX_ROWS + 1)])
    upload = SimpleUploadedFile("lines.csv", text.encode("utf-8"))
    page = client_for("director").post("/catalogue/centers/CQ-AUTO/import/", {"file": upload})
    assert page.status_code == 200
    assert "文件超过 20,000 行；每次最多导入 20,000 行（请拆分文件）。" in page.content.decode()
    assert CapabilityLine.objects.count() == before


def test_overlong_change_reasons_and_notes_are_refused_in_the_service(world, user_for):
    import pytest
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from metrohub.catalogue.services import decide_change, propose_change

    line = CapabilityLine.objects.filter(center__code="CQ-AUTO", status="published").first()
    before = ChangeRequest.objects.count()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        propose_change(
            actor=user_for("director"),
            center=line.center,
            action="withdraw",
            line=line,
            reason="理" * 100_000,
        )
    assert refused.value.message_dict == {"reason": ["此文本超过 2000 个字符。"]}
    assert ChangeRequest.objects.count() == before
    change = propose_change(
        actor=user_for("director"), center=line.center, action="withdraw", line=line, reason="停用"
    )
    with pytest.raises(ValidationError) as refused:
        decide_change(actor=user_for("regulator"), change=change, approve=True, note="注" * 2001)
    assert list(refused.value.message_dict) == ["note"]
    change.refresh_from_db()
    assert change.status == "proposed"


def test_a_line_s_dates_are_written_as_dates_not_iso(client, world):
    """The line's page printed "公布日期 2023-06-30" and its versions "2026-12-01 03:57"."""
    import datetime as dt

    from metrohub.core.dates import chinese_date

    line = CapabilityLine.objects.filter(published_on__isnull=False).first()
    page = client.get(f"/catalogue/lines/{line.pk}/").content.decode()
    assert f"公布日期 {chinese_date(line.published_on)}" in page
    assert line.published_on.isoformat() not in page
    since = (
        line.versions.order_by("-version")
        .first()
        .valid_from.astimezone(dt.timezone(dt.timedelta(hours=8)))
    )
    assert f"{chinese_date(since)} {since:%H:%M}" in page
    client.cookies["metrohub_language"] = "en"
    day = line.published_on
    assert (
        f"published on {day.day} {day:%B} {day.year}"
        in client.get(f"/catalogue/lines/{line.pk}/").content.decode()
    )


def test_the_change_form_names_its_fields_in_the_page_s_language(client_for, world):
    """The form's fields carried the template's Chinese headers on the English page too."""
    from metrohub.catalogue.rows import COLUMNS

    line = CapabilityLine.objects.filter(center__code="CQ-AUTO", status="published").first()
    director = client_for("director")
    chinese = director.get(f"/catalogue/lines/{line.pk}/change/").content.decode()
    for column in COLUMNS:  # the template's headers, as the spreadsheet has them
        assert f">{column.header}</label>" in chinese, column.header
    director.cookies["metrohub_language"] = "en"
    english = director.get(f"/catalogue/lines/{line.pk}/change/").content.decode()
    for text in (">Kind of service</label>", ">Measurand or parameter</label>",
                 ">Coverage factor k</label>", ">Method documents</label>"):  # fmt: skip
        assert text in english
    assert not any(f">{column.header}</label>" in english for column in COLUMNS)
