"""The organisation form: a wrong unified social credit code is explained in the reader's words."""

import pytest

from metrohub.organisations.demo import demo_credit_code
from metrohub.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_wrong_credit_code_says_what_is_wrong(client_for, world):
    """A short code read 确保该变量至少包含 18 字符(目前字符数 3)。"""
    client = client_for("regulator")
    good = demo_credit_code(900, "enterprise", "500112")
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    before = Organisation.objects.count()
    said = {}
    for code in ("123", wrong_check):
        response = client.post(
            "/organisations/new/",
            {"name": "重庆示例新单位", "credit_code": code, "kind": "enterprise",
             "jurisdiction_code": "500000"},
        )  # fmt: skip
        said[code] = response.content.decode()
    assert "统一社会信用代码应为 18 位，此代码为 3 位。" in said["123"]
    assert "该变量" not in said["123"]
    assert f"校验码错误：以 {good[:17]} 开头的代码，校验码应为 {good[17]}。" in said[wrong_check]
    assert Organisation.objects.count() == before


def test_an_alliance_member_s_short_credit_code_says_what_is_wrong(client_for, world):
    alliance = world["alliances"]["SH-IC"]
    page = client_for("sh_simt_director").post(
        f"/alliances/{alliance.pk}/members/new/", {"credit_code": "123"}
    )
    html = page.content.decode()
    assert "统一社会信用代码应为 18 位，此代码为 3 位。" in html and "该变量" not in html
