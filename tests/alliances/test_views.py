"""Alliance pages: the public page shows the center, members with their capabilities and the
activities; management only to the director; query counts do not grow with the rows."""

import datetime as dt
import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrohub.alliances.models import Activity, Alliance, Member
from metrohub.centers.models import Center
from metrohub.organisations.demo import demo_credit_code
from metrohub.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx)


def test_public_page_shows_members_activities_and_the_duty(client_for, world):
    alliance = world["alliances"]["SH-IC"]
    page = client_for("anonymous").get(f"/alliances/{alliance.pk}/").content.decode()
    assert "上海市集成电路产业计量测试联盟" in page and "上海市集成电路产业计量测试中心" in page
    assert "上海示例硅材料有限公司" in page and "硅片厚度、电阻率及表面缺陷检测" in page
    assert "上游" in page and "下游" in page
    assert "半导体参数测试培训班" in page
    assert 'data-status="met"' in page  # two activities this year
    # no contacts, no pending request, no management to the public
    assert "联络人" not in page and "上海示例医疗器械有限公司" not in page
    assert "记录活动" not in page
    director = client_for("sh_simt_director").get(f"/alliances/{alliance.pk}/").content.decode()
    assert "上海示例医疗器械有限公司" in director and "记录活动" in director


def test_lists_and_pages_do_not_grow_in_queries(
    client_for, world, user_for, django_assert_max_num_queries
):
    visitor = client_for("anonymous")
    alliance = world["alliances"]["SH-IC"]
    few_list = count_queries(visitor, "/alliances/")
    few_page = count_queries(visitor, f"/alliances/{alliance.pk}/")
    host = world["organisations"]["sh-simt"]
    shanghai = world["jurisdictions"]["310000"]
    centers = Center.objects.bulk_create(
        Center(
            code=f"SH-X{i:02d}",
            name=f"测试中心{i}",
            host=host,
            jurisdiction=shanghai,
            level="municipal",
            status="established",
        )
        for i in range(20)
    )
    Alliance.objects.bulk_create(Alliance(center=c, name=f"测试联盟{c.code}") for c in centers)
    firms = Organisation.objects.bulk_create(
        Organisation(
            credit_code=demo_credit_code(500 + i, "enterprise", "310115"),
            name=f"测试企业{i}",
            kind="enterprise",
            jurisdiction=world["jurisdictions"]["310115"],
        )
        for i in range(30)
    )
    members = Member.objects.bulk_create(
        Member(
            alliance=alliance,
            organisation=f,
            position="midstream",
            status="active",
            joined_on=dt.date(2026, 1, 5),
        )
        for f in firms
    )
    for i in range(15):
        activity = Activity.objects.create(
            alliance=alliance, held_on=dt.date(2026, 3, 1 + i), kind="training", title=f"培训{i}"
        )
        activity.member_attendees.set(members[:5])
    with django_assert_max_num_queries(few_list):
        page = visitor.get("/alliances/").content.decode()
    assert page.count("测试联盟SH-X") == 20
    with django_assert_max_num_queries(few_page):
        page = visitor.get(f"/alliances/{alliance.pk}/").content.decode()
    assert page.count("测试企业") >= 30


def test_the_director_uploads_the_charter_and_the_public_page_links_it(
    client_for, alliance, world, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    pdf = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    edit = f"/alliances/{alliance.pk}/edit/"

    def post(client, content=pdf):
        upload = SimpleUploadedFile("联盟章程.pdf", content, "application/pdf")
        return client.post(edit, {"name": alliance.name, "charter": upload})

    # a person without the role: 403; another center's director: 404; nothing stored
    assert post(client_for("industry")).status_code == 403
    assert post(client_for("sh_simt_director")).status_code == 404
    assert post(client_for("director")).status_code == 404
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    public = client_for("anonymous").get(f"/alliances/{alliance.pk}/").content.decode()
    assert f"/alliances/{alliance.pk}/charter/" not in public
    assert client_for("anonymous").get(f"/alliances/{alliance.pk}/charter/").status_code == 404

    director = client_for("bio_director")
    refused = post(director, b"MZ\x90\x00" + b"\x00" * 60)
    assert refused.status_code == 200
    assert (
        refused.context["form"].errors["charter"][0].startswith("不接受该类型的文件。可接受：PDF、")
    )
    saved = post(director)
    assert saved.status_code == 302 and saved["Location"] == f"/alliances/{alliance.pk}/"
    public = client_for("anonymous").get(f"/alliances/{alliance.pk}/").content.decode()
    assert f'<a href="/alliances/{alliance.pk}/charter/">联盟章程.pdf</a>' in public
    download = client_for("anonymous").get(f"/alliances/{alliance.pk}/charter/")
    body = b"".join(download.streaming_content)
    assert body == pdf and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    alliance.refresh_from_db()
    assert hashlib.sha256(body).hexdigest() == alliance.charter_sha256
