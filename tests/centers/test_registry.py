"""The public registry: filters, pages, revoked centers apart, counts by province, the profile,
and query counts that do not grow with the number of centers."""

import json
import re
from dataclasses import replace

import pytest

from metrohub.centers.models import Center
from metrohub.centers.registry import (
    SECTIONS,
    ProfileSection,
    RegistryFilters,
    by_province,
    listed,
)
from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Jurisdiction, Organisation

STATUSES = ["established", "preparing", "established", "suspended", "revoked"]


@pytest.fixture
def country(db):
    china = Jurisdiction.objects.create(code="000000", name="中华人民共和国", level="national")
    provinces = {}
    for code, name in [("500000", "重庆市"), ("420000", "湖北省"), ("310000", "上海市")]:
        provinces[code] = Jurisdiction.objects.create(
            code=code, name=name, level="province", parent=china
        )
    district = Jurisdiction.objects.create(
        code="500112", name="渝北区", level="district", parent=provinces["500000"]
    )
    host = Organisation.objects.create(
        credit_code="12500000000000000X", name="示例研究院", kind="metrology_institute",
        jurisdiction=district, address="重庆市渝北区示例路1号",
    )  # fmt: skip
    return {"provinces": provinces, "district": district, "host": host}


def make_centers(country, n: int) -> list[Center]:
    """n centers: every fifth revoked; Chongqing (district and city), Hubei, Shanghai in turn."""
    places = [country["district"], country["provinces"]["420000"], country["provinces"]["310000"]]
    return Center.objects.bulk_create(
        Center(
            code=f"T-{i:03d}",
            name=f"测试{i:03d}产业计量测试中心",
            host=country["host"],
            jurisdiction=places[i % 3],
            level="municipal",
            status=STATUSES[i % 5],
            industry_domain=["汽车", "集成电路"][i % 2],
        )
        for i in range(n)
    )


def _codes(queryset) -> list[str]:
    return list(queryset.values_list("code", flat=True))


def test_filters_and_revoked_apart(country):
    make_centers(country, 10)
    active, revoked = listed(RegistryFilters())
    assert _codes(revoked) == ["T-004", "T-009"]
    assert len(_codes(active)) == 8
    active, revoked = listed(RegistryFilters(region="500000"))
    # i % 3 == 0 is the Yubei district, which is in Chongqing.
    assert _codes(active) == ["T-000", "T-003", "T-006"] and _codes(revoked) == ["T-009"]
    active, _revoked = listed(RegistryFilters(industry="汽车", status="established"))
    assert _codes(active) == ["T-000", "T-002"]
    active, _revoked = listed(RegistryFilters(q="测试007"))
    assert _codes(active) == ["T-007"]
    assert _codes(listed(RegistryFilters(q="\x00" * 3))[0]) == _codes(listed(RegistryFilters())[0])


def test_counts_by_province(country):
    make_centers(country, 10)
    provinces = by_province()
    assert [(p["name"], p["total"]) for p in provinces] == [
        ("重庆市", 4),
        ("上海市", 3),
        ("湖北省", 3),
    ]
    assert provinces[0]["statuses"] == {
        "established": 1,
        "suspended": 1,
        "revoked": 1,
        "preparing": 1,
    }


@pytest.mark.parametrize("n", [5, 50])
def test_registry_page_queries_do_not_grow(client, country, n, django_assert_max_num_queries):
    make_centers(country, n)
    with django_assert_max_num_queries(9):
        response = client.get("/centers/")
    html = response.content.decode()
    shown = re.findall(r'<a href="/centers/(T-\d+)/">', html)
    active = n - n // 5
    assert len([c for c in shown if int(c[2:]) % 5 != 4]) == min(active, 20)
    assert f"共{active}家中心" in html
    chart = json.loads(
        re.search(r'id="province-chart-data" type="application/json">(.*?)</script>', html).group(1)
    )
    assert chart["provinces"][0] == "重庆市"
    assert sum(sum(s["data"]) for s in chart["series"]) == active


def test_paging_keeps_the_filters(client, country):
    make_centers(country, 80)
    expected = [f"T-{i:03d}" for i in range(0, 80, 2) if i % 5 != 4]  # 汽车, not revoked
    html = client.get("/centers/?industry=汽车").content.decode()
    assert f"共{len(expected)}家中心" in html
    assert 'href="?industry=%E6%B1%BD%E8%BD%A6&amp;page=2"' in html
    page2 = client.get("/centers/?industry=汽车&page=2").content.decode()
    shown = re.findall(r'<td><a href="/centers/(T-\d+)/">', page2)
    assert shown == expected[20:]


def test_profile(client, country, django_assert_max_num_queries):
    center = make_centers(country, 5)[4]  # revoked
    append_event(subject=f"center:{center.code}", action="center.registered", payload={})
    with django_assert_max_num_queries(11):
        html = client.get(f"/centers/{center.code}/").content.decode()
    assert 'data-testid="revoked-notice"' in html
    assert "登记入册" in html and "center.registered" not in html
    assert "重庆市渝北区示例路1号" in html
    assert 'data-testid="section-alliance"' in html and 'data-testid="section-shared"' in html
    # The alliances and sharing apps fill the placeholders with their boxes.
    assert "该中心尚未在平台上牵头成立联盟。" in html
    assert "尚未公布产业计量测试联盟信息" not in html


def test_a_feature_fills_a_profile_section(country, monkeypatch):
    center = make_centers(country, 1)[0]
    from metrohub.centers import registry

    placeholders = {key: replace(s, template="") for key, s in SECTIONS.items()}
    monkeypatch.setattr("metrohub.centers.registry.SECTIONS", placeholders)

    registry.register_section(
        ProfileSection(
            "alliance", "联盟", "", "centers/alliance.html", lambda c: {"members": [c.code]}
        )
    )
    sections = {s["key"]: s for s in registry.profile_sections(center)}
    assert list(sections) == list(placeholders)  # alliance, shared and those of other apps
    assert sections["alliance"]["template"] == "centers/alliance.html"
    assert sections["alliance"]["members"] == ["T-000"]
    assert sections["shared"]["template"] == ""


def test_the_profile_history_dates_each_change_and_names_the_status(client, country):
    """The profile's history read “2026年12月1日 · 状态变更（五(三)）” for a revocation decided
    on 19 June 2025 and recorded later: neither the day nor the status it changed to."""
    import datetime as dt

    center = make_centers(country, 5)[4]  # revoked
    subject = f"center:{center.code}"
    append_event(subject=subject, action="center.registered", payload={})
    for day, before, after, article in (
        (dt.date(2025, 6, 10), "", "preparing", "三(四)2"),
        (dt.date(2025, 6, 19), "preparing", "revoked", "五(三)"),
    ):
        append_event(
            subject=subject,
            action="center.status_changed",
            article=article,
            payload={"from": before, "to": after},
            effective_date=day,
        )
    html = client.get(f"/centers/{center.code}/").content.decode()
    history = re.search(r'data-testid="history">(.*?)</ol>', html, re.S).group(1)
    assert "2025年6月10日 · 状态变更为筹建中（三(四)2）" in history
    assert "2025年6月19日 · 状态变更为已撤销（五(三)）" in history
    assert "revoked" not in history and "preparing" not in history
    # oldest first by the day each took effect: the entry recorded today comes last
    days = re.findall(r"<li>(\d{4}年\d+月\d+日) · ", history)
    assert days[:2] == ["2025年6月10日", "2025年6月19日"] and len(days) == 3
