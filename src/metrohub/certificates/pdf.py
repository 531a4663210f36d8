"""The certificate as a PDF in the usual Chinese layout (WeasyPrint, Noto CJK): a cover page with
the QR code of its public verification, then the standards used, the environment and the results;
"第 x 页 共 y 页" on every page. The DCC XML travels inside as an embedded file (PDF/A-3b, its
relationship Data), so one file holds both."""

import functools
import io
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from metrohub.certificates.models import Certificate, CertificateKind, JobKind
from metrohub.certificates.points import indication
from metrohub.standards.services import covering_certificate
from metrohub.uncertainty.report import plain

TITLES = {
    CertificateKind.VERIFICATION_CERTIFICATE: ("检定证书", "Verification Certificate"),
    CertificateKind.VERIFICATION_NOTICE: ("检定结果通知书", "Notice of Verification Result"),
    CertificateKind.CALIBRATION_CERTIFICATE: ("校准证书", "Calibration Certificate"),
    CertificateKind.TEST_REPORT: ("检测报告", "Test Report"),
    CertificateKind.MEASUREMENT_REPORT: ("测试报告", "Measurement Test Report"),
}
PERFORMER = {
    JobKind.VERIFICATION: "检定员",
    JobKind.CALIBRATION: "校准员",
    JobKind.TESTING: "检测员",
    JobKind.MEASUREMENT: "测试员",
}


def verify_url(certificate: Certificate) -> str:
    return settings.SITE_URL + reverse("verify", args=[certificate.token])


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=4, border=4)


def _rows(certificate: Certificate, points) -> list[dict]:
    rows = []
    for point in points:
        shown = indication(
            {"as_left": point.as_left, "readings": point.readings, "as_found": point.as_found}
        )
        rows.append({"point": point, "indication": plain(shown) if shown is not None else ""})
    return rows


def context(certificate: Certificate, points) -> dict:
    job = certificate.job
    title, title_en = TITLES[certificate.kind]
    standards = []
    for standard in job.standards.all().prefetch_related(
        "instruments__certificates__platform_certificate"
    ):
        for instrument in standard.instruments.all():
            standards.append(
                {
                    "standard": standard,
                    "instrument": instrument,
                    "record": covering_certificate(instrument, job.measured_on),
                }
            )
    failed = [p for p in points if p.conformity == "fail"]
    url = verify_url(certificate)
    return {
        "certificate": certificate,
        "job": job,
        "center": job.center,
        "title": title,
        "title_en": title_en,
        "performer_title": PERFORMER[job.kind],
        "verification": job.kind == JobKind.VERIFICATION,
        "standards": standards,
        "rows": _rows(certificate, points),
        "failed": failed,
        "any_uncertainty": any(p.expanded_uncertainty for p in points),
        "any_mpe": any(p.mpe for p in points),
        "any_adjusted": any(p.as_found or p.as_left for p in points),
        "any_conformity": any(p.conformity for p in points),
        "issued_on": timezone.localtime(certificate.issued_at).date(),
        "verify_url": url,
        "qr": qr_data_uri(url),
    }


@functools.cache
def _fetcher():
    """One fetcher for every render: building one sets up an HTTPS context (a fifth of a
    render's time), and the template needs nothing but data: URIs (the QR code)."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=["data"])


_local = threading.local()  # fonts and a parsed sheet per thread: Pango's font map is not shared
STYLESHEET = Path(__file__).parent / "templates" / "certificates" / "pdf.css"


def _fonts_and_sheet():
    """The font configuration (Pango's font map: the fonts found and loaded once) and the
    certificate's static style sheet parsed with it, kept for every render in this thread."""
    if not hasattr(_local, "sheet"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
        _local.sheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=_local.fonts)
    return _local.fonts, _local.sheet


def render(certificate: Certificate, *, xml: bytes, points) -> bytes:
    from weasyprint import HTML, Attachment  # slow to import; only certificates need it

    with translation.override("zh-hans"):
        html = render_to_string("certificates/pdf.html", context(certificate, points))
    attachment = Attachment(
        file_obj=io.BytesIO(xml),
        name=f"{certificate.number}.dcc.xml",
        description="PTB Digital Calibration Certificate (DCC 3.1.2)",
        relationship="Data",
        url_fetcher=_fetcher(),
    )
    fonts, sheet = _fonts_and_sheet()
    document = HTML(string=html, url_fetcher=_fetcher())
    return document.write_pdf(
        stylesheets=[sheet], font_config=fonts, pdf_variant="pdf/a-3b", attachments=[attachment]
    )
