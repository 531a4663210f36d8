"""The certificate PDF (Typst) read back: every field where the usual layout puts it, values
printed as typed (never read as markup), a footer and the number on every page of a long one,
PDF/A-3b with the DCC attached and the fonts embedded as subsets, one compiler per thread."""

import datetime as dt
import io
import re
import threading

import pytest
from django.utils import timezone
from pypdf import PdfReader

from metrohub.certificates import pdf, services

pytestmark = pytest.mark.django_db


def _pages(data: bytes) -> list[list[str]]:
    return [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(data)).pages]


def _day(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def test_the_cover_and_the_results_hold_every_field_in_the_usual_layout(issue, lab):
    certificate = issue("verification", remarks="第一行\n第二行")
    job = certificate.job
    cover, results = _pages(services.read_pdf(certificate))
    number = certificate.number
    assert cover[0] == f"重庆市汽车零部件产业计量测试中心 证书编号 No. {number}"
    assert cover[3:6] == ["检 定 证 书", "Verification Certificate",
                          f"证书编号 Certificate No. {number}"]  # fmt: skip
    assert cover[7:22] == [
        "送检单位 Customer 重庆示例汽车零部件有限公司",
        "计量器具名称 Instrument 一般压力表",
        "型号/规格 Model Y-100",
        "出厂编号 Serial No. SN-0042",
        "制造单位 Manufacturer 重庆示例仪表厂",
        "测量范围/准确度 Range / accuracy (0~2.5) MPa 1.6级",
        "检定依据 Basis JJG 52—2013 弹性元件式一般压力表",
        "检定结论 Conclusion 合格",
        f"批准人 Approved by 陈静 日期 {_day(job.approved_at)}",
        f"核验员 Checked by 李工 日期 {_day(job.checked_at)}",
        f"检定员 Performed by 王工 日期 {_day(job.performed_at)}",
        "检定日期 Date of measurement 2025年3月10日",
        "有效期至 Valid until 2025年9月9日",
        f"签发日期 Date of issue {_day(certificate.issued_at)}",
        "重庆市汽车零部件产业计量测试中心\u3000地址：—\u3000电话：023-60000000"
        "\u3000电子邮箱：cq-auto@demo.metrohub.localhost",
    ]
    assert cover[22] == f"验证网址 Verify at：{pdf.verify_url(certificate)}"
    assert cover[-1] == "第 1 页 共 2 页"

    assert results[1] == "原始记录号 Record No.：YL-2025-0310-01"
    standards = results[results.index("使用的计量标准 Measurement standards used") + 2 :]
    assert standards[:2] == ["精密压力表标准装置", "数字压力计 DPI-620 D-7781 0.02级"]
    assert "YL2024-08812" in standards and "2025年8月31日" in standards  # its certificate
    assert "2027年6月30日" in standards  # the standard's examination certificate
    assert "地点：实验室（压力实验室 201）\u3000温度：20.3 °C\u3000相对湿度：55 %" in results
    table = results[results.index("检定结果 Results") + 1 :]
    assert table[:7] == [
        "序号 项目 标称值 示值 误差 最大允许误差 结论",
        "1 压力 0.5 MPa 0.505 0.005 ±0.04 符合",
        "2 压力 1.0 MPa 1.015 0.015 ±0.04 符合",
        "3 压力 1.5 MPa 1.515 0.015 ±0.04 符合",
        "4 压力 2.0 MPa 2.005 0.005 ±0.04 符合",
        "5 压力 2.5 MPa 2.515 0.015 ±0.04 符合",
        "单位：MPa。判定规则：简单接受（|误差| ≤ 最大允许误差）。",
    ]
    assert table[7:10] == ["说明 Remarks", "第一行", "第二行"]
    assert results[-2:] == ["（以下空白）", "第 2 页 共 2 页"]


def test_a_notice_names_its_failed_points_and_a_calibration_its_uncertainty(issue):
    notice = issue("verification", points=[
        {"nominal": "1.0", "unit": "MPa", "readings": ["1.03"], "mpe": "0.04"},
        {"nominal": "2.0", "unit": "MPa", "readings": ["2.05"], "mpe": "0.04"},
    ])  # fmt: skip
    cover, results = _pages(services.read_pdf(notice))
    assert cover[3] == "检 定 结 果 通 知 书" and "检定结论 Conclusion 不合格" in cover
    assert "2 压力 2.0 MPa 2.05 0.05 ±0.04 不符合" in results
    assert "不合格项：第 2 点（2.0 MPa）" in results

    calibration = issue("calibration")
    cover, results = _pages(services.read_pdf(calibration))
    assert "结论 Conclusion 见结果页" in cover and "建议复校间隔 Recommended interval" not in cover
    header = results.index("序号 项目 标称值 示值 误差 扩展不确定度")
    assert results[header + 1 : header + 3] == [
        "1 压力 10 MPa 10.003 0.003 U = 0.0030 MPa, k = 2",
        "2 压力 30 MPa 30.004 0.004 U = 0.0070 MPa, k = 2",
    ]


HOSTILE = {
    "instrument_name": r"*x* _y_ $z$ \ ]",
    "instrument_model": '"); #panic("x")',
    "manufacturer": '#include "certificate.typ"',
    "place": "<l> @l [x](y) `z`",
    "record_number": "#sys.inputs.xml",
    "remarks": '#read("/etc/passwd")\n= not a heading\n// not a comment\n- not a list',
}


def test_values_print_as_typed_never_as_markup(issue, lab):
    lab.customer.name = '#read("/etc/passwd")'
    lab.customer.save(update_fields=["name"])
    certificate = issue("verification", **HOSTILE)
    cover, results = _pages(services.read_pdf(certificate))
    assert cover[7:12] == [
        '送检单位 Customer #read("/etc/passwd")',
        r"计量器具名称 Instrument *x* _y_ $z$ \ ]",
        '型号/规格 Model "); #panic("x")',
        "出厂编号 Serial No. SN-0042",
        '制造单位 Manufacturer #include "certificate.typ"',
    ]
    assert results[1] == "原始记录号 Record No.：#sys.inputs.xml"
    assert "地点：实验室（<l> @l [x](y) `z`）\u3000温度：20.3 °C\u3000相对湿度：55 %" in results
    remarks = results.index("说明 Remarks")
    assert results[remarks + 1 : remarks + 5] == HOSTILE["remarks"].split("\n")
    text = "\n".join(cover + results)
    assert "root:" not in text and "<?xml" not in text


def test_a_long_table_runs_over_pages_each_with_its_footer_number_and_header_row(issue):
    points = [
        {"nominal": f"{i / 50:.2f}", "unit": "MPa", "readings": [f"{i / 50:.2f}"], "mpe": "0.04"}
        for i in range(1, 121)
    ]
    certificate = issue("verification", points=points)
    pages = _pages(services.read_pdf(certificate))
    total = len(pages)
    assert total >= 4
    header = "序号 项目 标称值 示值 误差 最大允许误差 结论"
    for n, lines in enumerate(pages, start=1):
        assert lines[0] == f"重庆市汽车零部件产业计量测试中心 证书编号 No. {certificate.number}"
        assert lines[-1] == f"第 {n} 页 共 {total} 页"
        assert (header in lines) == (n >= 2)  # the header row again on every page of results
    rows = [line for lines in pages[1:] for line in lines if re.match(r"\d+ 压力 ", line)]
    expected = [f"{i} 压力 {i / 50:.2f} MPa {i / 50:.2f} 0.00 ±0.04 符合" for i in range(1, 121)]
    assert rows == expected


def test_pdf_a_3b_with_the_dcc_attached_as_data_and_fonts_embedded_as_subsets(issue):
    certificate = issue("calibration")
    reader = PdfReader(io.BytesIO(services.read_pdf(certificate)))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert (
        "<pdfaid:part>3</pdfaid:part>" in xmp
        and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    )
    (spec,) = [ref.get_object() for ref in root["/AF"]]
    name = f"{certificate.number}.dcc.xml"
    assert (spec["/F"], spec["/UF"], spec["/AFRelationship"]) == (name, name, "/Data")
    assert spec["/EF"]["/F"].get_object()["/Subtype"] == "/application/xml"
    assert reader.attachments[name] == [services.read_xml(certificate)]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKsc-Regular-Identity-H", font["/BaseFont"])
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile3" in descriptor.get_object()
    assert reader.metadata.title == f"校准证书 {certificate.number}"


def test_threads_render_with_compilers_of_their_own_the_same_bytes(issue):
    certificate = issue("testing")
    inputs = pdf.inputs(
        certificate, xml=services.read_xml(certificate), points=certificate.job.points.all()
    )
    results, compilers = [], set()

    def render():
        for _ in range(3):
            results.append(pdf.compile_pdf(inputs, issued_at=certificate.issued_at))
        compilers.add(id(pdf._compiler()))

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(compilers) == 4
    assert results == [services.read_pdf(certificate)] * 12  # none failed, all alike


def test_the_compilers_root_holds_the_template_alone():
    assert [p.name for p in pdf.TEMPLATE_DIR.iterdir()] == ["certificate.typ"]
    assert pdf.chinese_date(dt.datetime(2025, 3, 10, 16, 30, tzinfo=dt.UTC)) == "2025年3月11日"
    assert pdf.chinese_date(None) == ""


def test_a_missing_font_fails_the_render_rather_than_printing_empty_boxes(tmp_path, monkeypatch):
    import typst

    (tmp_path / "t.typ").write_text('#set text(font: "Noto Sans CJK ZZ")\n#sys.inputs.data\n')
    compiler = typst.Compiler(str(tmp_path / "t.typ"), root=str(tmp_path))
    monkeypatch.setattr(pdf._local, "compiler", compiler, raising=False)
    with pytest.raises(RuntimeError, match="unknown font family: noto sans cjk zz"):
        pdf.compile_pdf({"data": "检定"}, issued_at=timezone.now())


def test_the_data_are_read_in_as_many_queries_however_many_standards(
    issue, lab, django_assert_num_queries
):
    from metrohub.standards.models import (
        InstrumentCertificate,
        MeasurementStandard,
        StandardInstrument,
    )

    certificate = issue("calibration")
    points = list(certificate.job.points.all())
    with django_assert_num_queries(4):  # the job with its people, standards, instruments, records
        assert len(pdf.data(certificate, points)["standards"]) == 1
    standard = MeasurementStandard.objects.create(
        center=lab.center, name="活塞式压力计标准装置", measurand="压力", range_text="(0~60) MPa",
        exam_certificate_number="[2023]渝量标企证字第 102 号", exam_valid_until=dt.date(2027, 6, 30),
    )  # fmt: skip
    for serial in ("P-1", "P-2"):
        instrument = StandardInstrument.objects.create(
            standard=standard, name="活塞式压力计", model="5203", serial_number=serial
        )
        InstrumentCertificate.objects.create(
            instrument=instrument, issuer="中国计量科学研究院", number=f"YL2024-{serial}",
            issued_on=dt.date(2024, 9, 1), due_on=dt.date(2025, 8, 31),
        )  # fmt: skip
    certificate.job.standards.add(standard)
    with django_assert_num_queries(4):
        rows = pdf.data(certificate, points)["standards"]
    assert [(r["model"], r["record"]) for r in rows] == [  # standards in the order of names
        ("5203 P-1", "YL2024-P-1"),
        ("5203 P-2", "YL2024-P-2"),
        ("DPI-620 D-7781", "YL2024-08812"),
    ]
