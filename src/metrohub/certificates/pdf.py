"""The certificate as a PDF in the usual Chinese layout (Typst, Noto Sans CJK SC): a cover page
with the QR code of its public verification, then the standards used, the environment and the
results; "第 x 页 共 y 页" on every page. The DCC XML travels inside as an embedded file (PDF/A-3b,
its relationship Data), so one file holds both.

Typst rather than WeasyPrint (the engine of the other PDFs): a certificate is rendered at every
issue and its layout is fixed, and Typst lays out and writes the two pages some 20 times faster
(bench/README.md). The template (`typst/certificate.typ`) holds the layout and the labels; every
value of the certificate reaches it as data (`sys.inputs`), never as markup."""

import datetime as dt
import io
import json
import logging
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from metrohub.certificates.models import Certificate, CertificateKind, Job, JobKind
from metrohub.certificates.points import indication
from metrohub.core.dates import chinese_date
from metrohub.standards.services import covering_certificate
from metrohub.uncertainty.report import plain

TITLES = {
    CertificateKind.VERIFICATION_CERTIFICATE: ("检定证书", "Verification Certificate"),
    CertificateKind.VERIFICATION_NOTICE: ("检定结果通知书", "Notice of Verification Result"),
    CertificateKind.CALIBRATION_CERTIFICATE: ("校准证书", "Calibration Certificate"),
    CertificateKind.TEST_REPORT: ("检测报告", "Test Report"),
    CertificateKind.MEASUREMENT_REPORT: ("测试报告", "Measurement Test Report"),
}


def kind_title(kind: str) -> str:
    """The record's title as a page in the reader's language heads it (the PDF carries both)."""
    zh, en = TITLES[kind]
    return en if (translation.get_language() or "").startswith("en") else zh


PERFORMER = {
    JobKind.VERIFICATION: "检定员",
    JobKind.CALIBRATION: "校准员",
    JobKind.TESTING: "检测员",
    JobKind.MEASUREMENT: "测试员",
}
CONCLUSIONS = {
    CertificateKind.VERIFICATION_CERTIFICATE: "合格",
    CertificateKind.VERIFICATION_NOTICE: "不合格",
}
CONFORMITY = {"pass": "符合", "fail": "不符合"}
DASH = "—"
TEMPLATE_DIR = Path(__file__).parent / "typst"  # the compiler's root: it reads nothing else
TEMPLATE = TEMPLATE_DIR / "certificate.typ"
logger = logging.getLogger(__name__)


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("verify", args=[certificate.token])


def qr_svg(url: str) -> str:
    """The QR code of the verification address as SVG: Typst draws it as vector paths."""
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", border=4, xmldecl=False)
    return out.getvalue().decode()


def _labels(job) -> dict:
    verification = job.kind == JobKind.VERIFICATION
    calibration = job.kind == JobKind.CALIBRATION
    work = "检定" if verification else "校准" if calibration else "检测"
    return {
        "customer": "送检单位" if verification else "委托单位",
        "instrument": "计量器具名称" if verification else "器具/样品名称",
        "basis": f"{work}依据",
        "conclusion": "检定结论" if verification else "结论",
        "measured": f"{work}日期",
        "results": f"{work}结果",
    }


def _standards(job) -> list[dict]:
    rows = []
    for standard in job.standards.all().prefetch_related(
        "instruments__certificates__platform_certificate"
    ):
        for instrument in standard.instruments.all():
            record = covering_certificate(instrument, job.measured_on)
            rows.append(
                {
                    "standard": standard.name,
                    "instrument": instrument.name,
                    "model": f"{instrument.model} {instrument.serial_number}".strip(),
                    "accuracy": instrument.accuracy or standard.uncertainty,
                    "record": record.number if record else DASH,
                    "due_on": chinese_date(record.due_on if record else None),
                    "exam_certificate": standard.exam_certificate_number,
                    "exam_valid_until": chinese_date(standard.exam_valid_until),
                }
            )
    return rows


def _uncertainty(point) -> str:
    if not point.expanded_uncertainty:
        return DASH
    text = f"U = {point.expanded_uncertainty} {point.unit}, k = {point.coverage_k}"
    return text + (f", p = {point.coverage_p}" if point.coverage_p else "")


def _row(job, point) -> dict:
    shown = indication(
        {"as_left": point.as_left, "readings": point.readings, "as_found": point.as_found}
    )
    return {
        "position": str(point.position),
        "characteristic": point.characteristic or job.measurand,
        "nominal": f"{point.nominal} {point.unit}",
        "indication": plain(shown) if shown is not None else DASH,
        "as_found": point.as_found or DASH,
        "as_left": point.as_left or DASH,
        "error": point.error or DASH,
        "mpe": f"±{point.mpe}" if point.mpe else DASH,
        "uncertainty": _uncertainty(point),
        "conformity": CONFORMITY.get(point.conformity, DASH),
        "failed": point.conformity == "fail",
    }


def _rule_note(job, points) -> str:
    unit = points[0].unit if points else ""
    note = f"单位：{unit}。"
    if any(p.conformity for p in points):
        if job.decision_rule == "guard_band":
            rule = f"保护带判定（保护带 w = {job.guard_band_factor}·U）"
        else:
            rule = "简单接受（|误差| ≤ 最大允许误差）"
        note += f"判定规则：{rule}。"
    return note


def _environment(job) -> dict:
    place = "客户现场" if job.location == "customer" else "实验室"
    return {
        "place": place + (f"（{job.place}）" if job.place else ""),
        "temperature": f"{job.temperature_text} °C" if job.temperature is not None else DASH,
        "humidity": f"{job.humidity_text} %" if job.humidity is not None else DASH,
        "other": job.environment_other,
    }


def _replaced_number(certificate: Certificate) -> str:
    if not certificate.replaces_id:
        return ""
    return Certificate.objects.values_list("number", flat=True).get(pk=certificate.replaces_id)


def data(certificate: Certificate, points) -> dict:
    """Everything the template prints, as strings (and the flags that choose columns): the
    template lays them out and never reads a value as markup."""
    job = Job.objects.select_related(  # one query for what six lazy reads would fetch
        "center__host", "customer", "performer", "checker", "approver"
    ).get(pk=certificate.job_id)
    center = job.center
    title, title_en = TITLES[certificate.kind]
    verification = job.kind == JobKind.VERIFICATION
    failed = [p for p in points if p.conformity == "fail"]
    signatures = [
        ("批准人", "Approved by", job.approver, job.approved_at),
        ("核验员", "Checked by", job.checker, job.checked_at),
        (PERFORMER[job.kind], "Performed by", job.performer, job.performed_at),
    ]
    return {
        "number": certificate.number,
        "attachment": f"{certificate.number}.dcc.xml",
        "title": title,
        "title_en": title_en,
        "center": {
            "name": center.name,
            "name_en": center.name_en,
            "address": center.host.address or DASH,
            "phone": center.contact_phone or DASH,
            "email": center.contact_email or DASH,
        },
        "labels": _labels(job),
        "job": {
            "customer": job.customer.name,
            "instrument": job.instrument_name,
            "model": job.instrument_model or DASH,
            "serial_number": job.serial_number or DASH,
            "manufacturer": job.manufacturer or DASH,
            "range_accuracy": f"{job.instrument_range} {job.accuracy}".strip(),
            "basis": f"{job.method_code} {job.method_title}".strip(),
            "record_number": job.record_number or DASH,
        },
        "conclusion": CONCLUSIONS.get(certificate.kind, "见结果页"),
        "signatures": [
            {"role": role, "role_en": role_en, "name": str(person or ""), "date": chinese_date(at)}
            for role, role_en, person, at in signatures
        ],
        "dates": {
            "measured": chinese_date(job.measured_on),
            "valid_until": chinese_date(certificate.valid_until),
            "interval": (
                f"{job.interval_months} 个月" if not verification and job.interval_months else ""
            ),
            "issued": chinese_date(certificate.issued_at),
        },
        "replaces": _replaced_number(certificate),
        "amendment_reason": job.amendment_reason if certificate.replaces_id else "",
        "verify_url": verify_url(certificate),
        "standards": _standards(job),
        "environment": _environment(job),
        "any": {
            "adjusted": any(p.as_found or p.as_left for p in points),
            "mpe": any(p.mpe for p in points),
            "uncertainty": any(p.expanded_uncertainty for p in points),
            "conformity": any(p.conformity for p in points),
        },
        "rows": [_row(job, p) for p in points],
        "rule_note": _rule_note(job, points),
        "failed": "不合格项："
        + "、".join(f"第 {p.position} 点（{p.nominal} {p.unit}）" for p in failed)
        if failed
        else "",
        "remarks": job.remarks.replace("\r\n", "\n"),
    }


_local = threading.local()  # a Compiler serves one call at a time ("Already borrowed" otherwise)


def _compiler():
    """This thread's compiler, kept: it loads the fonts once and Typst's caches make each later
    render cheaper. Its root is the template's own directory."""
    if not hasattr(_local, "compiler"):
        import typst  # imported on first use: only certificates need it

        _local.compiler = typst.Compiler(str(TEMPLATE), root=str(TEMPLATE_DIR))
    return _local.compiler


def inputs(certificate: Certificate, *, xml: bytes, points) -> dict[str, str]:
    """What the template reads, all of it: the data as JSON, the QR code, the DCC XML (UTF-8, as
    signed: the attachment holds these exact bytes). The template reads no file."""
    return {
        "data": json.dumps(data(certificate, list(points)), ensure_ascii=False),
        "qr": qr_svg(verify_url(certificate)),
        "xml": xml.decode("utf-8"),
    }


def compile_pdf(sys_inputs: dict[str, str], *, issued_at: dt.datetime) -> bytes:
    """The PDF/A-3b of `inputs`, dated at the issue (the same inputs give the same bytes).
    A missing font fails the render: Typst would fall back to its own Latin fonts and hand over
    a certificate of empty boxes (fonts-noto-cjk, scripts/system-packages)."""
    data, warnings = _compiler().compile_with_warnings(
        sys_inputs=sys_inputs,
        pdf_standards="a-3b",
        timestamp=issued_at.replace(microsecond=0),
    )
    for warning in warnings:
        if "font" in warning.message:
            raise RuntimeError(f"Certificate PDF: {warning.message}")
        logger.warning("Certificate PDF: %s", warning.message)
    return data


def render(certificate: Certificate, *, xml: bytes, points) -> bytes:
    return compile_pdf(inputs(certificate, xml=xml, points=points), issued_at=certificate.issued_at)
