"""Major events (Shanghai 五(二): in writing within 5 working days), on their page and through
the API, across the Spring Festival; late reports flagged."""

import datetime as dt

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock as walk_clock
from metrohub.cases.walk import new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def shanghai(world):
    with services.quiet(), walk_clock(dt.date(2025, 3, 3)) as clk:
        case = new_case(world, "shanghai", name="上海市集成电路装备产业计量测试中心")
        return walk(case, path_to(registry().latest("shanghai"), "construction"), clk)


def test_a_major_event_on_its_page_and_through_the_api(shanghai, client_for, api, clock):
    url = f"/cases/{shanghai.pk}/reports/major_event/"
    director = client_for("sh_director")
    # Thursday 12 February 2026; the Spring Festival holiday runs 15–23 February and Saturday
    # 14 February is worked: 13, 14, 24, 25, 26 February — due Thursday 26 February
    clock.set(2026, 2, 27)
    page = director.get(url)
    html = page.content.decode()
    assert "重大事项" in html and "5个工作日" in html and "五(二)" in html
    posted = director.post(url, {"occurred_on": "2026-02-12", "text": "中心主任变更为王伟"})
    assert posted.status_code == 302
    html = director.get(url).content.decode()
    assert "2026年2月26日" in html and "2026年2月27日" in html
    assert html.count('data-testid="late"') == 1
    assert "major_event" not in html.replace(url, "")
    # the API: the same event reported on the 26th is on time
    clock.set(2026, 2, 26)
    ob = api("sh_director").post(
        f"/cases/{shanghai.pk}/reports/major_event",
        {"occurred_on": "2026-02-12", "text": "主要设备搬迁"},
    )
    assert ob.status_code == 201
    assert (ob.json()["due"], ob.json()["state"]) == ("2026-02-26", "met")
    rows = services.event_reports(shanghai, "major_event")
    assert [(r["due"], r["late"]) for r in rows] == [
        (dt.date(2026, 2, 26), False),
        (dt.date(2026, 2, 26), True),
    ]
    # the regulator reads the reports and files none; a date in the future is refused
    regulator = client_for("sh_regulator")
    assert regulator.get(url).status_code == 200
    assert regulator.post(url, {"occurred_on": "2026-02-12", "text": "x"}).status_code == 403
    future = director.post(url, {"occurred_on": "2026-03-01", "text": "x"})
    assert future.status_code == 200 and 'id="id_occurred_on"' in future.content.decode()
    assert len(services.event_reports(shanghai, "major_event")) == 2


def test_event_report_page_grid(shanghai, check_grid):
    url = f"/cases/{shanghai.pk}/reports/major_event/"
    check_grid(
        [
            ("GET", url, {"anonymous": 302, "admin": 200, "industry": 403, "staff": 403}, 404),
            (
                "GET",
                f"/cases/{shanghai.pk}/reports/nothing/",
                {"anonymous": 302, "industry": 403, "staff": 403},
                404,
            ),
        ]
    )


def test_the_event_list_reads_in_constant_queries(
    shanghai, client_for, clock, django_assert_max_num_queries
):
    url = f"/cases/{shanghai.pk}/reports/major_event/"
    director = client_for("sh_director")
    clock.set(2026, 3, 2)
    director.post(url, {"occurred_on": "2026-02-27", "text": "第0号通报"})
    with django_assert_max_num_queries(40) as few:
        director.get(url)
    baseline = len(few.captured_queries)  # read now: each request empties the query log
    for i in range(1, 8):
        director.post(url, {"occurred_on": "2026-02-27", "text": f"第{i}号通报"})
    with django_assert_max_num_queries(baseline):
        html = director.get(url).content.decode()
    assert html.count("号通报") == 8


def test_a_report_on_the_case_page_shows_no_empty_marks(shanghai, client_for, clock):
    """A major event's report on the case page ended in a list of ✗ with nothing beside them, one
    for each field the record keeps (the filed application's, a dozen)."""
    clock.set(2026, 2, 27)
    director = client_for("sh_director")
    url = f"/cases/{shanghai.pk}/reports/major_event/"
    posted = director.post(url, {"occurred_on": "2026-02-26", "text": "中心主任变更"})
    assert posted.status_code == 302
    html = director.get(f"/cases/{shanghai.pk}/").content.decode()
    assert "<p>中心主任变更</p>" in html
    assert "<li>✗ </li>" not in html and "<li>✓ </li>" not in html
