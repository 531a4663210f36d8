"""A center's public page: the decisions published with the registry, each linked to its official
document and dated in Chinese; a decision that reaches only the parties is not linked."""

import datetime as dt
import re

import pytest

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def _decisions(html: str) -> list[str]:
    listed = re.search(r'<ul data-testid="decisions">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", listed.group(1), re.S) if listed else []


def _walked(world, code, stage, name):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        return walk(new_case(world, code, name=name), path_to(registry().latest(code), stage), clk)


def test_the_public_page_links_the_published_decisions_only(world, client):
    case = _walked(world, "chongqing", "rectification", "重庆市公开文书示例产业计量测试中心")
    approval = case.decisions.get(kind="approval_to_build")
    order = case.decisions.get(kind="rectification")  # to the applicant only
    case.refresh_from_db()
    html = client.get(f"/centers/{case.center.code}/").content.decode()
    day = approval.document_date
    assert _decisions(html) == [
        f'<a href="/cases/decisions/{approval.pk}.pdf">批准筹建 {approval.document_number}</a>'
        f" · {day.year}年{day.month}月{day.day}日"
    ]
    assert f"/decisions/{order.pk}" not in html
    assert client.get(f"/cases/decisions/{order.pk}.pdf").status_code == 404
    assert client.get(f"/cases/decisions/{approval.pk}.pdf").status_code == 200


def test_a_refusal_is_linked_nowhere_public(world, client):
    refused = _walked(world, "hubei", "rejected", "湖北省拒绝公开示例产业计量测试中心")
    decision = refused.decisions.get(kind="refusal")
    assert refused.center_id is None  # no center: no public page names it
    assert client.get(f"/cases/decisions/{decision.pk}.pdf").status_code == 404
    for page in ("/centers/", "/cases/notices/"):
        html = client.get(page).content.decode()
        assert f"/decisions/{decision.pk}" not in html and "湖北省拒绝公开" not in html


def test_a_revoked_centers_page_links_its_approval_and_revocation(world, client):
    case = _walked(world, "shanghai", "revoked", "上海市撤销公开示例产业计量测试中心")
    case.refresh_from_db()
    approval = case.decisions.get(kind="approval_to_build")
    revocation = case.decisions.get(kind="revocation")
    html = client.get(f"/centers/{case.center.code}/").content.decode()

    def line(d, name):
        day = d.document_date
        return (
            f'<a href="/cases/decisions/{d.pk}.pdf">{name} {d.document_number}</a>'
            f" · {day.year}年{day.month}月{day.day}日"
        )

    assert _decisions(html) == [line(approval, "批准筹建"), line(revocation, "撤销资格")]
