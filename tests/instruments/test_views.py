import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from openpyxl import load_workbook
from PIL import Image
from pyzbar.pyzbar import decode

from metrohub.instruments import services
from metrohub.instruments.models import Instrument
from tests.instruments.conftest import TODAY, fifty_rows, workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(place):
    """A filling station in 渝北区 with four filed pumps (one overdue, one due in 10 days) and a
    pump of another station in 江北区 (another district)."""
    site = services.create_site(actor=place.user, owner=place.owner, name="示例加油站",
                                address="渝北区示例路 1 号", district=place.yubei)  # fmt: skip
    other = services.create_site(actor=place.user, owner=place.owner, name="江北加油站",
                                 address="", district=place.jiangbei)  # fmt: skip
    pumps = []
    for n, due in enumerate([-3, 10, 100, 200]):
        pump = services.create_instrument(
            actor=place.user, owner=place.owner,
            data={"name": f"燃油加油机{n + 1}号", "serial_number": f"JY-{n}", "category": "燃油加油机",
                  "use": "trade", "last_verified_on": TODAY - dt.timedelta(days=300),
                  "due_on": TODAY + dt.timedelta(days=due)},
        )  # fmt: skip
        pump.last_result = "pass"
        pump.save()
        pumps.append(services.file_instrument(actor=place.user, instrument=pump, site=site))
    elsewhere = services.create_instrument(
        actor=place.user, owner=place.owner,
        data={"name": "燃油加油机", "category": "燃油加油机", "use": "trade",
              "due_on": TODAY - dt.timedelta(days=1)},
    )  # fmt: skip
    services.file_instrument(actor=place.user, instrument=elsewhere, site=other)
    return site, pumps


def test_only_compulsory_instruments_used_for_the_four_purposes_are_filed(place, station):
    site, _pumps = station
    plain = services.create_instrument(actor=place.user, owner=place.owner,
                                       data={"name": "游标卡尺"})  # fmt: skip
    with pytest.raises(ValidationError) as error:
        services.file_instrument(actor=place.user, instrument=plain, site=site)
    assert set(error.value.message_dict) == {"category", "use"}
    assert not Instrument.objects.get(pk=plain.pk).is_filed


def test_the_district_sees_its_own_filed_instruments(place, station, django_assert_max_num_queries):
    client = Client()
    client.force_login(place.district)
    with django_assert_max_num_queries(12):
        page = client.get("/instruments/district/").content.decode()
    assert "已备案 4 台 · 30 天内到期 1 台 · 已超期 1 台" in page
    assert "江北加油站" not in page
    overdue = client.get("/instruments/district/?state=overdue").content.decode()
    assert overdue.count('data-testid="instrument-row"') == 1 and "燃油加油机1号" in overdue
    sheet = load_workbook(io.BytesIO(client.get("/instruments/district/export.xlsx").content))
    rows = list(sheet.active.iter_rows(values_only=True))
    assert [r[3] for r in rows[1:]] == [
        "燃油加油机1号",
        "燃油加油机2号",
        "燃油加油机3号",
        "燃油加油机4号",
    ]
    assert rows[1][8] == "已逾期"
    # Many more filed instruments: the page's queries stay the same.
    for n in range(30):
        pump = services.create_instrument(actor=place.user, owner=place.owner, data={
            "name": f"加油机{n}", "category": "燃油加油机", "use": "trade", "due_on": TODAY})  # fmt: skip
        services.file_instrument(actor=place.user, instrument=pump, site=station[0])
    with django_assert_max_num_queries(12):
        client.get("/instruments/district/")


def test_the_public_page_opens_from_the_printed_qr_code(place, station):
    site, _pumps = station
    owner = Client()
    owner.force_login(place.user)
    png = owner.get(f"/instruments/sites/{site.pk}/qr.png").content
    url = decode(Image.open(io.BytesIO(png)))[0].data.decode()
    assert url == f"http://testserver/public/sites/{site.token}"
    poster = owner.get(f"/instruments/sites/{site.pk}/poster/").content.decode()
    assert "强制检定合格公示" in poster and 'data-testid="qr"' in poster
    page = Client().get(url.removeprefix("http://testserver")).content.decode()
    assert page.count('data-testid="instrument-row"') == 4
    assert "示例加油站" in page and "已逾期" in page and "合格" in page
    assert Client().get("/public/sites/" + "x" * 43).status_code == 404


def test_the_register_page_and_import(place, django_assert_max_num_queries):
    client = Client()
    client.force_login(place.user)
    bad = workbook([["", "", "", "", "", "abc", "", "", "", "", "", "", "", ""]])
    answer = client.post("/instruments/import/",
                         {"file": _upload(bad, "bad.xlsx")})  # fmt: skip
    assert answer.status_code == 422
    html = answer.content.decode()
    assert (
        "第 2 行，器具名称：这个字段是必填项。" in html
        and "第 2 行，常用示值：输入一个数字。" in html
    )
    answer = client.post("/instruments/import/",
                         {"file": _upload(workbook(fifty_rows(TODAY)), "ok.xlsx")})  # fmt: skip
    assert answer.status_code == 302
    with django_assert_max_num_queries(14):
        page = client.get("/instruments/?state=due").content.decode()
    assert page.count('data-testid="instrument-row"') == 3
    assert "共 50 台 · 30 天内到期 3 台 · 已超期 0 台" in page
    with django_assert_max_num_queries(14):
        page = client.get("/instruments/").content.decode()
    assert page.count('data-testid="instrument-row"') == 50


def test_api_due_before(place):
    client = Client()
    client.force_login(place.user)
    client.post("/instruments/import/", {"file": _upload(workbook(fifty_rows(TODAY)), "a.xlsx")})
    body = client.get("/api/v1/instruments?due_before=2026-04-01").json()
    assert [i["name"] for i in body] == ["压力表00", "压力表01", "压力表02"]
    assert body[0]["state"] == "due" and body[0]["due_on"] == "2026-03-07"
    other = Client()
    other.force_login(place.b.other_user)
    assert other.get("/api/v1/instruments?due_before=2026-04-01").json() == []


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
