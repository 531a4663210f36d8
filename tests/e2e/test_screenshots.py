"""Each role's home at desktop and phone width, in Chinese, saved as PNG files for the README.

Skipped in the suite: `scripts/screenshots` runs it with METROHUB_SCREENSHOTS set to the folder
(docs/screenshots). The demo world is built with its procedure cases, as `metrohub demo` does."""

import os
from pathlib import Path

import pytest

from metrohub.accounts.demo import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

TARGET = os.environ.get("METROHUB_SCREENSHOTS", "")
HOMES = [
    ("cq_regulator", "programme-regulator"),
    ("cq_district", "district-regulator"),
    ("cq_director", "center-director"),
    ("sh_simt_director", "center-director-alliance"),
    ("cq_applicant", "applicant"),
    ("expert1", "expert"),
    ("industry_user", "industry-user"),
]
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def demo_with_cases(settings):
    settings.METROHUB_DEMO_CASES = True
    from metrohub.core.demo import build_demo

    return build_demo()


@pytest.mark.skipif(not TARGET, reason="run by scripts/screenshots")
@pytest.mark.django_db(transaction=True)
def test_each_roles_home(live_server, browser, demo_with_cases):
    folder = Path(TARGET)
    folder.mkdir(parents=True, exist_ok=True)
    for username, name in HOMES:
        for label, width in WIDTHS.items():
            context = browser.new_context(
                viewport={"width": width, "height": 900}, locale="zh-CN", device_scale_factor=1
            )
            page = context.new_page()
            page.goto(live_server.url + "/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", DEMO_PASSWORD)
            page.click("form.form button[type=submit]")
            page.wait_for_url(live_server.url + "/")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(folder / f"{name}-{label}.png"), full_page=True)
            context.close()
