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
    checklist = [
        {"item": i.code, "result": "conforming"}
        for i in registry().latest("chongqing").procedure("inspection").checklist
    ]
    api("district").take(cid, "record_findings", {"checklist": checklist})
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


def test_the_coverage_reads_in_constant_queries(
    world, client_for, clock, django_assert_max_num_queries
):
    from metrohub.cases.models import Case
    from metrohub.centers.models import Center

    def establish(center):
        Case.objects.create(
            rulepack_code="chongqing",
            rulepack_version="2024",
            state="established",
            filed_on=dt.date(2024, 1, 2),
            applicant=center.host,
            jurisdiction=world["jurisdictions"]["500000"],
            district=world["jurisdictions"]["500112"],
            center=center,
            center_name=center.name,
        )

    clock.set(2026, 3, 2)
    district = client_for("district")
    establish(world["centers"]["CQ-AUTO"])
    with django_assert_max_num_queries(30) as few:
        district.get("/cases/inspections/")
    baseline = len(few.captured_queries)
    for i in range(6):
        center = Center.objects.create(
            code=f"CQ-T{i}",
            name=f"重庆市测试{i}号产业计量测试中心",
            host=world["centers"]["CQ-AUTO"].host,
            jurisdiction=world["jurisdictions"]["500000"],
            level="municipal",
            status="established",
        )
        establish(center)
    with django_assert_max_num_queries(baseline):
        html = district.get("/cases/inspections/").content.decode()
    assert 'data-count="7"' in html
