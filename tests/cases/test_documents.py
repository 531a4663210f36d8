"""Decisions print as official documents (GB/T 9704-2012 layout), stored with their SHA-256,
downloadable by the parties; the registry links the public ones. Read back with pypdf."""

import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.eventlog.models import Event
from metrohub.rulepacks.services import registry

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_an_approval_prints_as_an_official_document(world, client_for, client):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(
            new_case(world, "chongqing", name="重庆市示例产业计量测试中心"),
            path_to(registry().latest("chongqing"), "construction"),
            clk,
        )
    decision = case.decisions.get(kind="approval_to_build")
    url = f"/api/v1/cases/{case.pk}/decisions/{decision.pk}/document"
    response = client_for("applicant").get(url)
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    sha = hashlib.sha256(pdf).hexdigest()
    assert response["X-Content-SHA256"] == sha
    text = _text(pdf).replace("\n", "")
    for part in (
        "重庆市市场监督管理局文件",
        decision.document_number,
        "关于同意筹建重庆市示例产业计量测试中心的批复",
        "重庆示例汽车零部件有限公司：",
        "根据《重庆市市级产业计量测试中心管理办法（修订）》解读三(三)的规定",
        "特此批复。",
        f"{decision.document_date.year}年{decision.document_date.month}月{decision.document_date.day}日",
        "（印章）",
    ):
        assert part in text, part
    decision.refresh_from_db()
    assert decision.document_sha256 == sha
    issued = Event.objects.get(subject=case.subject, action="decision.document_issued")
    assert issued.payload["sha256"] == sha
    # served as stored afterwards, to every party; not to another region's regulator
    again = client_for("regulator").get(f"/cases/{case.pk}/decisions/{decision.pk}/document.pdf")
    assert b"".join(again.streaming_content) == pdf
    assert client_for("hb_regulator").get(url).status_code == 404
    # the approval is public: the registry links it
    center_page = client.get(f"/centers/{case.center.code}/").content.decode()
    assert f"/cases/decisions/{decision.pk}.pdf" in center_page
    public = client.get(f"/cases/decisions/{decision.pk}.pdf")
    assert b"".join(public.streaming_content) == pdf


def test_a_refusal_reaches_only_the_parties(world, client_for, client):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(
            new_case(world, "hubei", name="拒绝"),
            path_to(registry().latest("hubei"), "rejected"),
            clk,
        )
    decision = case.decisions.get()
    assert client.get(f"/cases/decisions/{decision.pk}.pdf").status_code == 404
    response = client_for("hb_applicant").get(
        f"/cases/{case.pk}/decisions/{decision.pk}/document.pdf"
    )
    text = _text(b"".join(response.streaming_content)).replace("\n", "")
    assert "湖北省质量技术监督局文件" in text or "湖北省" in text
    assert "不予批准筹建" in text


def test_the_application_prints_exactly_as_filed(world, client_for):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = walk(
            new_case(world, "chongqing", name="申报书打印"),
            path_to(registry().latest("chongqing"), "endorsement"),
            clk,
        )
        material = case.materials.get(code="application_form")
        # sent back to the applicant, who edits the draft: the filed application is unchanged
        case = services.take_transition(
            case=case,
            name="decline_endorsement",
            actor=world["users"]["cq_authority"],
            payload={"reasons": "补充"},
        )
        services.update_draft(
            actor=world["users"]["cq_applicant"],
            case=case,
            form={**case.form_data, "director_name": "改后主任"},
        )
    response = client_for("applicant").get(f"/api/v1/cases/{case.pk}/application.pdf")
    pdf = response.content
    assert response["X-Content-SHA256"] == hashlib.sha256(pdf).hexdigest()
    text = _text(pdf).replace("\n", "")
    for part in (
        "产业计量测试中心申报书",
        "申报书打印",
        "重庆示例汽车零部件有限公司",
        "示例主任",  # the director as filed
        "示例计量标准装置",
        material.sha256[:32],
        "申报单位（盖章）",
    ):
        assert part in text, part
    assert "改后主任" not in text and "草稿" not in text
    assert client_for("hb_regulator").get(f"/cases/{case.pk}/application.pdf").status_code == 404
