"""One search box across centers, capabilities, public notices and service guides."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.cases.models import Case
from metrohub.catalogue.search import Filters, search_page
from metrohub.search.services import site_search


def _group(result, kind) -> dict:
    return next(g for g in result["groups"] if g["kind"] == kind)


@pytest.fixture
def notices(world):
    """A running public notice and a case that is not public, both about 汽车."""
    base = {
        "rulepack_code": "chongqing",
        "rulepack_version": "2024",
        "state": "public_notice",
        "filed_on": dt.date(2025, 3, 3),
        "applicant": world["organisations"]["cq-auto"],
        "jurisdiction": world["jurisdictions"]["500000"],
        "industry_domain": "汽车",
    }
    shown = Case.objects.create(
        **base,
        center_name="重庆市新能源汽车产业计量测试中心",
        accepting_objections=True,
        notice_published_on=dt.date(2025, 4, 1),
    )
    Case.objects.create(
        **{**base, "state": "formal_review"}, center_name="重庆市汽车电子产业计量测试中心"
    )
    return shown


def test_every_kind_in_its_group(world, notices):
    result = site_search("汽车")
    assert [g["kind"] for g in result["groups"]] == ["centers", "capabilities", "notices", "guides"]
    assert [h["title"] for h in _group(result, "centers")["results"]] == [
        "重庆市汽车零部件产业计量测试中心",
        "湖北省汽车产业计量测试中心",
    ]
    assert [h["url"] for h in _group(result, "notices")["results"]] == [
        f"/cases/notices/{notices.pk}/"
    ]
    assert _group(result, "guides")["count"] == 0
    capabilities = _group(result, "capabilities")
    reference = search_page(Filters(q="汽车"), page=1, page_size=10, with_facets=False)
    assert capabilities["count"] == reference.count
    assert [h["url"] for h in capabilities["results"]] == [
        f"/catalogue/lines/{line.pk}/" for line in reference.lines
    ]


def test_synonyms_and_guides(world):
    result = site_search("重庆 筹建")
    assert [h["url"] for h in _group(result, "guides")["results"]] == ["/guides/chongqing/"]
    capabilities = _group(site_search("万用表"), "capabilities")
    assert capabilities["count"] == 15
    assert all("数字多用表" in h["title"] for h in capabilities["results"])


def test_capabilities_are_asked_through_the_index(world):
    with CaptureQueriesContext(connection) as queries:
        site_search("压力表")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "sqlite":
        assert "catalogue_line_fts MATCH" in sql
    else:
        assert "search_text" in sql and "LIKE" in sql.upper()


def test_empty_and_hostile_queries(db):
    assert site_search("") == {"q": "", "groups": []}
    assert site_search(" \x00 ") == {"q": "", "groups": []}
    assert site_search("压" * 500)["q"] == "压" * 200


def test_page_and_api(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        html = client.get("/search/", {"q": "扭矩扳手"}).content.decode()
    assert 'data-testid="group-capabilities"' in html and "扭矩扳子" in html
    assert '<input id="site-q" type="search" name="q" maxlength="200" placeholder' in html
    data = client.get("/api/v1/search", {"q": "上海"}).json()
    centers = next(g for g in data["groups"] if g["kind"] == "centers")
    assert [h["title"] for h in centers["results"]] == [
        "上海市生物医药产业计量测试中心",
        "上海市集成电路产业计量测试中心",
    ]
    assert client.get("/api/v1/search", {"q": "x" * 201}).status_code == 422


def test_grid(check_grid, world):
    check_grid(
        [
            ("GET", "/search/", {}, 200),
            ("GET", "/search/?q=压力", {}, 200),
            ("GET", "/api/v1/search?q=压力", {}, 200),
        ]
    )
