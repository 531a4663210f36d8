"""A certificate in a browser: the lab engineer records a verification with five points, a
colleague checks, the director approves; the customer logs in and downloads the PDF; anyone who
scans its QR code sees it verified."""

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from metrohub.accounts.demo import DEMO_PASSWORD
from metrohub.certificates.models import Certificate
from metrohub.standards.models import MeasurementStandard

pytestmark = pytest.mark.e2e

POINTS = [("0.5", "0.50 0.51"), ("1.0", "1.01 1.00"), ("1.5", "1.52 1.51"), ("2.0", "2.01 2.02"),
          ("2.5", "2.51 2.50")]  # fmt: skip


def person(browser, live_server, username, violations):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


def sign(page, live_server, job_url, expected_state):
    page.goto(job_url)
    page.click("[data-testid=sign]")
    page.wait_for_load_state()
    if expected_state:
        expect(page.locator("[data-testid=state]")).to_have_text(expected_state)


def test_record_check_approve_download_and_verify(live_server, browser, world):
    violations: list[str] = []
    measured = timezone.localdate() - dt.timedelta(days=1)
    standard = MeasurementStandard.objects.filter(center__code="CQ-AUTO").order_by("pk").first()

    engineer = person(browser, live_server, "cq_engineer", violations)
    engineer.click("[data-nav='certificates:work']")
    engineer.click("[data-testid=new-job]")
    engineer.select_option("#id_center", str(world["centers"]["CQ-AUTO"].pk))
    engineer.select_option("#id_customer", str(world["organisations"]["cq-auto"].pk))
    engineer.select_option("#id_kind", "verification")
    engineer.fill("#id_instrument_name", "一般压力表")
    engineer.fill("#id_instrument_model", "Y-100")
    engineer.fill("#id_serial_number", "E2E-0001")
    engineer.fill("#id_manufacturer", "重庆示例仪表厂")
    engineer.fill("#id_measurand", "压力")
    engineer.fill("#id_method_code", "JJG 52-2013")
    engineer.check(f"input[name=standards][value='{standard.pk}']")
    engineer.fill("#id_temperature", "20.2")
    engineer.fill("#id_humidity", "48")
    engineer.fill("#id_measured_on", measured.isoformat())
    engineer.fill("#id_interval_months", "6")
    for i, (nominal, readings) in enumerate(POINTS):
        engineer.fill(f"#id_points-{i}-nominal", nominal)
        engineer.fill(f"#id_points-{i}-unit", "MPa")
        engineer.fill(f"#id_points-{i}-readings", readings)
        engineer.fill(f"#id_points-{i}-mpe", "0.04")
    engineer.click("[data-testid=job-form] button[type=submit]")
    engineer.wait_for_url(live_server.url + "/certificates/jobs/*/")
    expect(engineer.locator("[data-testid=points] tbody tr")).to_have_count(5)
    job_url = engineer.url
    sign(engineer, live_server, job_url, "已完成，待核验")

    checker = person(browser, live_server, "cq_checker", violations)
    checker.click("[data-nav='certificates:work']")
    checker.click("[data-testid=waiting] a >> text=一般压力表")
    assert checker.url == job_url
    sign(checker, live_server, job_url, "已核验，待批准")

    director = person(browser, live_server, "cq_director", violations)
    sign(director, live_server, job_url, None)
    director.wait_for_url(live_server.url + "/certificates/CQ-AUTO-*/")
    number = director.locator("[data-testid=number]").inner_text()
    certificate = Certificate.objects.get(number=number)
    assert certificate.kind == "verification_certificate"
    assert certificate.job.performer.username == "cq_engineer"

    customer = person(browser, live_server, "cq_applicant", violations)
    customer.click("[data-nav='certificates:mine']")
    customer.click(f"text={number}")
    with customer.expect_download() as download:
        customer.click("[data-testid=download]")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "certificate.pdf"
        download.value.save_as(path)
        assert path.read_bytes().startswith(b"%PDF-")
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(path),
                        str(Path(tmp) / "page")], check=True)  # fmt: skip
        url = decode(Image.open(next(Path(tmp).glob("page*.png"))))[0].data.decode()

    # The public scans the code: no login.
    public = browser.new_context().new_page()
    public.goto(live_server.url + url.removeprefix(settings.SITE_URL))
    expect(public.locator("[data-testid=number]")).to_have_text(number)
    expect(public.locator("[data-testid=status]")).to_have_text("此证书有效。")
    expect(public.locator("[data-testid=signature]")).to_contain_text("验证通过")
    assert not violations
