"""The list of issued certificates: search, filters, sorting and export narrow exactly."""

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from metrohub.certificates.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(world):
    return Certificate.objects.filter(center__code="CQ-AUTO").select_related("job").first()


def _clone(template, number, *, instrument="复制仪器", status="valid", center=None, kind=None):
    """A copy of a demo certificate (its own job) with the fields a list reads changed."""
    job = template.job
    job.pk = job.id = None
    job.instrument_name = instrument
    job.serial_number = f"S-{number}"
    job.replaces = None
    if center is not None:
        job.center = center
    job.save()
    certificate = Certificate.objects.get(pk=template.pk)
    certificate.pk = certificate.id = None
    certificate.job = job
    certificate.number = number
    certificate.token = f"tok-{number}"
    certificate.status = status
    certificate.replaces = None
    certificate.revoked_at = dt.datetime(2025, 6, 1, tzinfo=dt.UTC) if status == "revoked" else None
    certificate.sequence = 900000 + len(number) + int(number[-3:])
    certificate.kind = kind or certificate.kind
    if center is not None:
        certificate.center = center
    certificate.save()
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=int(number[-3:]))
    )
    return certificate


def _shown(client, query):
    response = client.get(f"/certificates/?{query}")
    assert response.status_code == 200
    return [c.number for c in response.context["page"]]


def test_search_status_and_sort(world, client_for, template):
    for n in ("LT-001", "LT-002", "LT-003"):
        _clone(template, n, instrument="列表压力表")
    _clone(template, "LT-004", instrument="列表压力表", status="revoked")
    _clone(template, "LT-005", instrument="别的仪器")
    client = client_for("staff")
    assert _shown(client, "q=列表压力表&sort=number") == ["LT-001", "LT-002", "LT-003", "LT-004"]
    assert _shown(client, "q=列表压力表&status=revoked") == ["LT-004"]
    assert _shown(client, "q=列表压力表&status=valid&sort=-number") == [
        "LT-003",
        "LT-002",
        "LT-001",
    ]
    # the default order is the newest issue first
    assert _shown(client, "q=列表压力表")[:2] == ["LT-004", "LT-003"]
    assert _shown(client, "q=LT-005") == ["LT-005"]


def test_center_filter_keeps_only_that_center(world, client_for, template):
    _clone(template, "CT-001", instrument="中心过滤")
    other = world["centers"]["CQ-INSTR"]
    _clone(template, "CT-002", instrument="中心过滤", center=other)
    client = client_for("staff")
    assert sorted(_shown(client, "q=中心过滤")) == ["CT-001", "CT-002"]
    assert _shown(client, "q=中心过滤&center=CQ-INSTR") == ["CT-002"]
    html = client.get("/certificates/?center=NOPE").content.decode()
    assert "中心：没有此选项。" in html


def test_export_reads_back_the_filtered_rows(world, client_for, template):
    _clone(template, "EX-001", instrument="=cmd|导出")
    _clone(template, "EX-002", instrument="导出仪器")
    _clone(template, "EX-003", instrument="导出仪器", status="revoked")
    response = client_for("staff").get("/certificates/export.xlsx?q=导出&status=valid&sort=number")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(r) for r in book.active.iter_rows(values_only=True)]
    assert rows[0][0] == "已出具的证书"
    assert [r[0] for r in rows[2:]] == ["EX-001", "EX-002"]
    assert rows[2][2] == "'=cmd|导出"
    assert rows[2][3] == "S-EX-001"


def test_export_is_refused_to_those_without_the_work(world, client_for):
    assert client_for("regulator").get("/certificates/export.xlsx").status_code == 403


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url",
    ["/certificates/?q=计数仪器&status=valid&sort=number", "/certificates/export.xlsx?q=计数仪器"],
)
def test_list_and_export_do_not_grow(world, client_for, template, url):
    client = client_for("staff")
    for i in range(5):
        _clone(template, f"QC-{i:03d}", instrument="计数仪器")
    few = _count(client, url)
    for i in range(5, 50):
        _clone(template, f"QC-{i:03d}", instrument="计数仪器")
    assert _count(client, url) == few


def _interleaved(template, prefix: str, n: int) -> list[Certificate]:
    """`n` certificates alternating between CQ-AUTO and CQ-INSTR, three issued at each moment
    (ties on the time are broken by id)."""
    from metrohub.centers.models import Center

    other = Center.objects.get(code="CQ-INSTR")
    made = []
    for i in range(n):
        c = _clone(
            template, f"{prefix}-{i:03d}", instrument="归并仪器", center=other if i % 2 else None
        )
        moment = dt.datetime(2025, 2, 1, tzinfo=dt.UTC) + dt.timedelta(hours=i // 3)
        Certificate.objects.filter(pk=c.pk).update(issued_at=moment)
        made.append(c)
    return made


def test_center_pages_are_the_newest_first_over_both_centers(
    world, client_for, template, monkeypatch
):
    """Each center's certificates walked apart and merged give exactly the pages of one ordering of
    both centers' certificates, newest first (ties by id, highest first)."""
    from metrohub.certificates import views

    monkeypatch.setattr(views, "PER_PAGE", 4)
    made = _interleaved(template, "MG", 11)
    expected = [
        c.number
        for c in Certificate.objects.filter(pk__in=[c.pk for c in made]).order_by(
            "-issued_at", "-pk"
        )
    ]
    client = client_for("staff")
    pages = [_shown(client, f"q=归并仪器&page={n}") for n in (1, 2, 3)]
    assert pages == [expected[0:4], expected[4:8], expected[8:11]]
    # in another order the list is not walked, and still right
    assert _shown(client, "q=归并仪器&sort=number") == sorted(expected)[:4]


def _sorts(plan: str) -> list[str]:
    """The Sort nodes of a plan (a Merge Append's "Sort Key" is not one)."""
    return [
        line
        for line in plan.splitlines()
        if re.search(r"(^|->\s+)(Incremental )?Sort\s+\(", line.strip())
    ]


def _plans(queries) -> list[str]:
    """EXPLAIN of each query choosing a page of certificates, on a toy table made to plan as if it
    held millions of rows: sorting and reading the whole table as dear as possible, so the plan
    shows whether an index gives the order at all."""
    chosen = [
        q["sql"]
        for q in queries
        if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"] and "certificates_certificate" in q["sql"]
    ]
    assert chosen
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        for sql in chosen:
            cursor.execute("EXPLAIN " + sql)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_center_pages_walk_an_index_per_center_instead_of_sorting(world, client_for, template):
    """The director's two centers hold millions of certificates at national scale: a page of 25
    must be a merge of one (center, issued_at, id) index walk per center, with no Sort."""
    if connection.vendor != "postgresql":
        pytest.skip("plans are read on PostgreSQL")
    _interleaved(template, "PL", 6)
    client = client_for("staff")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/certificates/?page=2").status_code == 200
    for plan in _plans(ctx.captured_queries):
        assert not _sorts(plan), plan
        assert "certificates_center_new" in plan, plan


def test_customer_pages_walk_the_customer_index(world, client_for, template):
    if connection.vendor != "postgresql":
        pytest.skip("plans are read on PostgreSQL")
    from metrohub.accounts.models import Role, RoleAssignment, User

    reader = User.objects.create_user(username="cert_reader", password="x")
    RoleAssignment.objects.create(
        user=reader,
        role=Role.APPLICANT,
        organisation_id=template.customer_id,
        jurisdiction_id=template.center.jurisdiction_id,
    )
    _interleaved(template, "CU", 6)
    client = client_for(None)
    client.force_login(reader)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/certificates/mine/?page=1")
    assert response.status_code == 200
    shown = [c.number for c in response.context["page"]]
    assert shown == [
        c.number
        for c in Certificate.objects.filter(customer_id=template.customer_id).order_by(
            "-issued_at", "-pk"
        )[: len(shown)]
    ]
    for plan in _plans(ctx.captured_queries):
        assert not _sorts(plan), plan
        assert "certificates_customer_new" in plan, plan
