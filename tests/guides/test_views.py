"""The guide pages: Chinese, every element in order, the flow diagram's data, the short
version, the PDF read back, and the questions page of the programme regulator."""

import io
import json
import re

import pytest
from pypdf import PdfReader

from metrohub.guides.models import GuideQuestion


def _text(response) -> str:
    return response.content.decode()


def test_list_page(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/guides/")
    html = _text(response)
    assert response.status_code == 200
    names = re.findall(r'<h2><a href="/guides/(\w+)/">([^<]+)</a></h2>', html)
    assert names == [
        ("chongqing", "重庆市市级产业计量测试中心筹建申请"),
        ("hubei", "湖北省省级产业计量测试中心筹建申请"),
        ("shanghai", "上海市市级产业计量测试中心筹建申请"),
    ]
    assert "2024年5月6日" in html  # the Chongqing revision's effective date, as documents write it


def test_guide_page_in_order_with_its_diagram(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/guides/chongqing/")
    html = _text(response)
    headings = re.findall(r"<h2>([^<]+)</h2>", html)
    assert headings == [
        "一、基本信息",
        "二、实施机构",
        "三、设定依据与实施依据",
        "四、申请条件",
        "五、申请材料",
        "六、办理流程",
        "七、特殊环节",
        "八、办理时限",
        "九、收费标准",
        "十、审批结果",
        "十一、办理地点和时间",
        "十二、到现场次数",
        "十三、咨询与监督投诉",
        "十四、常见问题",
    ]
    assert (
        html.count("（条文待补录）") == 8 + 3 + 10
    )  # conditions, acceptance conditions, materials
    assert '<p data-testid="fees">不收费（规则未设定收费项目）</p>' in html
    assert 'href="#art-' in html and 'id="art-1"' in html
    island = re.search(r'<script id="guide-flow-data" type="application/json">(.*?)</script>', html)
    chart = json.loads(island.group(1))
    assert [n["name"] for n in chart["nodes"] if n["kind"] in ("main", "steady")][
        -1
    ] == "已批准成立"
    assert len(chart["nodes"]) == 16
    assert {n["id"] for n in chart["nodes"]} == {f"n{i}" for i in range(16)}
    # No internal code reaches the page: stage and transition codes stay inside.
    for code in ("formal_review", "open_public_notice", "programme_regulator", "text_given"):
        assert code not in html
    assert '<nav class="breadcrumbs"' in html and ">办事指南</a>" in html


def test_english_guide(client, db):
    response = client.get("/guides/hubei/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["metrohub_language"] = "en"
    html = _text(client.get("/guides/hubei/"))
    assert "Application to build a provincial industrial metrology test center (Hubei)" in html
    assert response.status_code == 200


def test_short_version(client, db):
    html = _text(client.get("/guides/chongqing/short/"))
    steps = re.search(r'<td data-testid="short-steps">(.*?)</td>', html).group(1)
    assert steps.split(" → ")[0] == "申报书填写" and steps.split(" → ")[-1] == "已批准成立"
    assert "共9项条件" in html
    assert 'href="/guides/chongqing/#art-' in html


def test_pdf_reads_back(client, db):
    GuideQuestion.objects.create(programme="chongqing", question="需要收费吗？", answer="不收费。")
    response = client.get("/guides/chongqing/guide.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", "", text)
    assert "重庆市市级产业计量测试中心筹建申请" in flat
    assert "十四、常见问题" in flat and "需要收费吗？" in flat
    assert "公示期：不少于7日" in flat
    assert len(reader.pages) >= 3


def test_unknown_guide_is_404(client, db):
    assert client.get("/guides/atlantis/").status_code == 404
    assert client.get("/guides/chongqing-1999/short/").status_code == 404


def test_regulator_edits_the_questions(world, client_for):
    client = client_for("regulator")
    before = GuideQuestion.objects.filter(programme="chongqing").count()
    response = client.post(
        "/guides/chongqing/questions/", {"question": "何时受理？", "answer": "随时受理。"}
    )
    assert response.status_code == 302
    item = GuideQuestion.objects.get(programme="chongqing", question="何时受理？")
    response = client.post(
        f"/guides/chongqing/questions/{item.pk}/", {"question": "何时受理？", "answer": "工作日。"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answer == "工作日。"
    assert "工作日。" in _text(client.get("/guides/chongqing/"))
    response = client.post("/guides/chongqing/questions/", {"question": "", "answer": "x"})
    assert response.status_code == 422 and "这个字段是必填项" in _text(response)
    assert client.post(f"/guides/chongqing/questions/{item.pk}/delete/").status_code == 302
    assert GuideQuestion.objects.filter(programme="chongqing").count() == before
    # Another programme's question is outside a Hubei regulator's scope.
    assert (
        client_for("hb_regulator").get(f"/guides/chongqing/questions/{item.pk}/").status_code == 404
    )


@pytest.mark.parametrize("ref", ["chongqing", "hubei", "shanghai", "chongqing-2022"])
def test_every_shipped_pack_renders(client, db, ref):
    response = client.get(f"/guides/{ref}/")
    assert response.status_code == 200
    assert _text(response).count('class="guide-section"') == 14
