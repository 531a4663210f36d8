"""Instruments in a browser: an industry user imports 50 instruments, sees the three falling due
and finds a center for one; the district regulator sees its overdue compulsory instruments; the
public opens a filling station's page from its printed QR code."""

import base64
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pyzbar.pyzbar import decode

from metrohub.accounts.demo import DEMO_PASSWORD
from tests.instruments.conftest import fifty_rows, workbook

pytestmark = pytest.mark.e2e


def person(browser, live_server, username):
    page = browser.new_context().new_page()
    page.set_default_timeout(120_000)  # a busy machine; nothing here waits on purpose
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(live_server.url + "/")
    return page


def test_register_district_and_public_page(browser, live_server, world):
    expect.set_options(timeout=60_000)
    rows = fifty_rows(timezone.localdate())
    for row in rows:
        row[0] = "导入" + row[0]
    user = person(browser, live_server, "industry_user")
    user.goto(live_server.url + "/instruments/import/")
    user.set_input_files(
        "input[type=file]",
        {"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": workbook(rows)},
    )
    user.click("form.form button[type=submit]")
    user.wait_for_url(live_server.url + "/instruments/")
    expect(user.locator(".messages")).to_contain_text("已导入 50 台计量器具")
    user.fill("form.filters input[name=q]", "导入")
    user.select_option("form.filters select[name=state]", "due")
    user.click("form.filters button[type=submit]")
    expect(user.locator("[data-testid=instrument-row]")).to_have_count(3)
    user.locator("[data-testid=instrument-row] a").first.click()
    user.click("[data-testid=find-center]")
    assert "/catalogue/find/?quantity=" in user.url
    expect(user.locator("[data-testid=matches] tbody tr").first).to_be_visible()

    district = person(browser, live_server, "cq_district")
    district.goto(live_server.url + "/instruments/district/")
    expect(district.locator("[data-testid=summary]")).to_contain_text("已超期 1 台")
    district.click("[data-testid=overdue-link]")
    expect(district.locator("[data-testid=instrument-row]")).to_have_count(1)
    expect(district.locator("[data-testid=instrument-row]")).to_contain_text("燃油加油机 1 号枪")

    station = person(browser, live_server, "cq_station")
    station.goto(live_server.url + "/instruments/sites/")
    station.click("text=带二维码的公示页")
    source = station.locator("[data-testid=qr]").get_attribute("src")
    png = base64.b64decode(source.split(",", 1)[1])
    url = decode(Image.open(io.BytesIO(png)))[0].data.decode()
    public = browser.new_context().new_page()
    public.set_default_timeout(120_000)
    public.goto(url)
    expect(public.locator("[data-testid=site]")).to_have_text("示例能源渝北加油站")
    expect(public.locator("[data-testid=instrument-row]")).to_have_count(6)
    expect(public.locator("[data-testid=instrument-row][data-state=overdue]")).to_have_count(1)
