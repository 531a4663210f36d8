"""The district bureau sees which centers of its district it has not inspected this year
(Chongqing art. 27); an inspection counts once its findings are recorded."""

import datetime as dt

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def center(world):
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "chongqing", name="重庆市智能网联汽车产业计量测试中心")
        return walk(case, path_to(registry().latest("chongqing"), "established"), clk)


def test_the_district_sees_the_centers_not_inspected(center, client_for, api, clock, check_grid):
    code = center.center.code
    district = client_for("district")
    clock.set(2026, 3, 2)
    html = district.get("/cases/inspections/").content.decode()
    assert "2026年度监督检查" in html
    assert 'data-count="1"' in html and "本年度有1家中心尚未检查" in html
    assert f'data-center="{code}"' in html and "尚未检查" in html
    # an inspection opened but not carried out does not count; with its findings it does
    cid = api("district").post("/cases", {"kind": "inspection", "center": code}).json()["id"]
    assert 'data-count="1"' in district.get("/cases/inspections/").content.decode()
    api("district").take(cid, "record_findings", {"findings": ["台账完整"]})
    html = district.get("/cases/inspections/").content.decode()
    assert 'data-count="0"' in html and "已检查1次" in html
    # last year's inspections are another year's
    assert 'data-count="1"' in district.get("/cases/inspections/?year=2025").content.decode()
    # another district's bureau does not see the center
    hb = client_for("hb_district").get("/cases/inspections/").content.decode()
    assert code not in hb and 'data-count="0"' in hb
    check_grid(
        [
            (
                "GET",
                "/cases/inspections/",
                {"anonymous": 302, "regulator": 200, "district": 200},
                403,
            )
        ]
    )
