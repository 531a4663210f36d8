"""The registry list: search, filters, sorting and export narrow exactly; pages do not grow."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from metrohub.centers.models import Center

pytestmark = pytest.mark.django_db


def _center(world, code, name, *, level="municipal", status="established", division="500112"):
    from metrohub.organisations.models import Jurisdiction

    return Center.objects.create(
        code=code,
        name=name,
        host=world["organisations"]["cq-auto"],
        jurisdiction=Jurisdiction.objects.get(code=division),
        level=level,
        status=status,
        industry_domain="列表行业",
    )


def _shown(client, query):
    response = client.get(f"/centers/?{query}")
    assert response.status_code == 200
    return [c.code for c in response.context["page"].object_list]


def test_level_status_region_and_sort_narrow_exactly(world, client):
    _center(world, "LS-001", "丙列表中心", level="provincial")
    _center(world, "LS-002", "甲列表中心")
    _center(world, "LS-003", "乙列表中心", status="preparing")
    _center(world, "LS-004", "丁列表中心", division="420000")
    _center(world, "LS-005", "戊列表中心", status="revoked")
    assert _shown(client, "q=列表中心") == ["LS-001", "LS-002", "LS-003", "LS-004"]
    assert _shown(client, "q=列表中心&level=provincial") == ["LS-001"]
    assert _shown(client, "q=列表中心&status=preparing") == ["LS-003"]
    assert _shown(client, "q=列表中心&region=420000") == ["LS-004"]
    assert _shown(client, "q=列表中心&region=500000&sort=-code") == ["LS-003", "LS-002", "LS-001"]
    revoked = client.get("/centers/?q=列表中心").context["revoked"]
    assert [c.code for c in revoked] == ["LS-005"]


def test_visitors_read_the_list_without_saved_views(world, client, client_for):
    html = client.get("/centers/").content.decode()
    assert 'data-testid="saved-views"' not in html
    html = client_for("regulator").get("/centers/").content.decode()
    assert 'data-testid="saved-views"' in html


def test_export_reads_back_the_filtered_registry(world, client):
    _center(world, "EX-001", "=SUM(1)导出中心")
    _center(world, "EX-002", "导出二中心", level="provincial")
    response = client.get("/centers/export.xlsx?q=导出&sort=code&level=municipal")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "中心名录"
    assert [r[:2] for r in rows[2:]] == [["EX-001", "'=SUM(1)导出中心"]]


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url", ["/centers/?q=计数中心&status=established&sort=name", "/centers/export.xlsx?q=计数中心"]
)
def test_list_and_export_do_not_grow(world, client_for, url):
    client = client_for("regulator")
    for i in range(5):
        _center(world, f"QC-{i:03d}", f"计数中心{i}")
    few = _count(client, url)
    for i in range(5, 50):
        _center(world, f"QC-{i:03d}", f"计数中心{i}")
    assert _count(client, url) == few


def test_the_api_takes_the_pages_search_filters_and_order(world, client):
    _center(world, "LA-001", "丙接口中心", level="provincial")
    _center(world, "LA-002", "甲接口中心")
    _center(world, "LA-003", "乙接口中心", status="preparing")
    _center(world, "LA-004", "丁接口中心", division="420000")

    def codes(query):
        response = client.get(f"/api/v1/centers?q=接口中心&{query}")
        assert response.status_code == 200, response.content
        return [c["code"] for c in response.json()]

    assert codes("") == ["LA-001", "LA-002", "LA-003", "LA-004"]
    assert codes("level=provincial") == ["LA-001"]
    assert codes("status=preparing") == ["LA-003"]
    assert codes("region=420000") == ["LA-004"]
    assert codes("sort=-code&limit=2") == ["LA-004", "LA-003"]
    assert codes("sort=-code&limit=2&offset=2") == ["LA-002", "LA-001"]
    response = client.get("/api/v1/centers?status=nonsense")
    assert response.status_code == 400
    assert client.get("/api/v1/centers?sort=host").status_code == 422
