"""Decisions print as official documents (GB/T 9704-2012 layout), stored with their SHA-256,
downloadable by the parties; the registry links the public ones. Read back with pypdf."""

import datetime as dt
import hashlib
import io

import pytest
from pypdf import PdfReader

from metrohub.cases import services
from metrohub.cases.walk import clock, new_case, path_to, walk
from metrohub.core.dates import chinese_date
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
    # the date it was filed, as documents write it (it printed 提交日期 2025-03-12)
    assert f"提交日期{chinese_date(case.filed_on)}" in text.replace(" ", "")
    assert case.filed_on.isoformat() not in text
    assert client_for("hb_regulator").get(f"/cases/{case.pk}/application.pdf").status_code == 404


def _walked(world, code, stage, name, clk):
    return walk(new_case(world, code, name=name), path_to(registry().latest(code), stage), clk)


def _read_back(client, url, decision) -> str:
    """The document as served: its SHA-256 in the header, stored and logged; its text."""
    response = client.get(url)
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    sha = hashlib.sha256(pdf).hexdigest()
    assert response["X-Content-SHA256"] == sha
    decision.refresh_from_db()
    assert decision.document_sha256 == sha
    issued = Event.objects.get(subject=decision.case.subject, action="decision.document_issued")
    assert (issued.payload["sha256"], issued.payload["kind"]) == (sha, decision.kind)
    return _text(pdf).replace("\n", "")


def _chinese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _undated_day(decision) -> dt.date:
    """A decision the pack gives no document date is dated the day it was made."""
    from django.utils import timezone

    return timezone.localtime(decision.created_at).date()


def _in_order(text: str, parts) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, (part, text[at:])
        at = found + len(part)


def test_a_rectification_order_prints_with_its_score_and_defects(world, client_for, client):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = _walked(world, "chongqing", "rectification", "重庆市整改示例产业计量测试中心", clk)
    decision = case.decisions.get(kind="rectification")
    assert (decision.document_number, decision.document_date) == ("", None)
    text = _read_back(
        client_for("applicant"),
        f"/api/v1/cases/{case.pk}/decisions/{decision.pk}/document",
        decision,
    )
    (score,) = case.scores.all()
    _in_order(
        text,
        (
            "重庆市市场监督管理局文件",
            "（无文号）",  # the pack numbers no rectification order
            "关于重庆市整改示例产业计量测试中心限期整改的通知",
            "重庆示例汽车零部件有限公司：",
            "重庆示例汽车零部件有限公司报送的重庆市整改示例产业计量测试中心验收申请材料收悉。"
            "根据《重庆市市级产业计量测试中心管理办法（修订）》解读三(三)的规定，经审查，现决定如下：",
            "重庆市整改示例产业计量测试中心须按下列事项限期整改，整改完成后申请再考核：",
            f"现场考核专家组评分为{score.score}分（第1轮）。",
            "示例：材料需补充说明",
            "特此通知。",
        ),
    )
    assert str(score.score) == "79.5"
    assert "（印章）" in text
    assert f"{_chinese(_undated_day(decision))}印发" in text
    assert f"案件编号：{case.pk}　依据解读三(三)" in text
    # an order to the applicant, not published
    assert client.get(f"/cases/decisions/{decision.pk}.pdf").status_code == 404
    assert (
        client_for("hb_regulator")
        .get(f"/cases/{case.pk}/decisions/{decision.pk}/document.pdf")
        .status_code
        == 404
    )


def test_a_failure_prints_under_its_own_pack(world, client_for, client):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = _walked(world, "hubei", "failed", "湖北省不合格示例产业计量测试中心", clk)
    decision = case.decisions.get(kind="failure")
    text = _read_back(
        client_for("hb_applicant"),
        f"/cases/{case.pk}/decisions/{decision.pk}/document.pdf",
        decision,
    )
    _in_order(
        text,
        (
            "湖北省质量技术监督局文件",
            "（无文号）",
            "关于湖北省不合格示例产业计量测试中心考核不合格的决定",
            "武汉示例光电科技有限公司：",
            "根据《湖北省产业计量测试中心建设管理办法》第十四条的规定，经审查，现决定如下：",
            "湖北省不合格示例产业计量测试中心考核不合格。",
            "示例理由：未通过现场验收",
            "特此决定。",
        ),
    )
    assert "（印章）" in text and f"{_chinese(_undated_day(decision))}印发" in text
    assert "重庆" not in text  # Hubei's issuer and pack, not another region's
    assert client.get(f"/cases/decisions/{decision.pk}.pdf").status_code == 404


def test_an_establishment_and_its_five_year_confirmation_print_numbered(world, client_for, client):
    from metrohub.accounts.models import Role, RoleAssignment, User
    from metrohub.cases.services.duties import open_case

    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = _walked(world, "chongqing", "established", "重庆市成立示例产业计量测试中心", clk)
        case.refresh_from_db()
        director = User.objects.create(username="cq_doc_director", email="doc@example.com")
        RoleAssignment.objects.create(
            user=director,
            role=Role.CENTER_DIRECTOR,
            organisation=case.applicant,
            jurisdiction=case.applicant.jurisdiction,
        )
        review = open_case(
            actor=world["users"]["cq_regulator"], kind="five_year_review", center=case.center.code
        )
        review = walk(review, path_to(review.pack, "concluded"), clk)
    established = case.decisions.get(kind="establishment")
    text = _read_back(
        client_for("applicant"),
        f"/api/v1/cases/{case.pk}/decisions/{established.pk}/document",
        established,
    )
    (score,) = case.scores.all()
    _in_order(
        text,
        (
            "重庆市市场监督管理局文件",
            established.document_number,
            "关于批准成立重庆市成立示例产业计量测试中心的批复",
            "重庆示例汽车零部件有限公司：",
            "根据《重庆市市级产业计量测试中心管理办法（修订）》解读三(三)的规定，经审查，现批复如下：",
            "批准成立重庆市成立示例产业计量测试中心，并向社会公布其承诺的计量测试项目服务能力。",
            f"现场考核专家组评分为{score.score}分（第1轮）。",
            "特此批复。",
        ),
    )
    assert established.document_number.startswith("渝市监发〔2025〕")
    assert f"{_chinese(established.document_date)}印发" in text and "（印章）" in text

    confirmed = review.decisions.get()
    assert (confirmed.kind, confirmed.article) == ("confirmation", "解读三(四)")
    text = _read_back(
        client_for("regulator"),
        f"/cases/{review.pk}/decisions/{confirmed.pk}/document.pdf",
        confirmed,
    )
    _in_order(
        text,
        (
            "重庆市市场监督管理局文件",
            confirmed.document_number,
            "关于重庆市成立示例产业计量测试中心复核合格的确认",
            "重庆示例汽车零部件有限公司：",
            "根据《重庆市市级产业计量测试中心管理办法（修订）》解读三(四)的规定",
            "重庆市成立示例产业计量测试中心复核合格，予以确认。",
            "特此确认。",
        ),
    )
    assert "收悉" not in text  # a review's confirmation answers no application
    assert confirmed.document_number != established.document_number
    assert f"{_chinese(confirmed.document_date)}印发" in text and "（印章）" in text
    # both are published with the registry, served as stored
    for decision in (established, confirmed):
        public = client.get(f"/cases/decisions/{decision.pk}.pdf")
        assert hashlib.sha256(b"".join(public.streaming_content)).hexdigest() == (
            decision.document_sha256
        )


def test_a_revocation_prints_numbered_and_is_published(world, client_for, client):
    with services.quiet(), clock(dt.date(2025, 3, 3)) as clk:
        case = _walked(world, "shanghai", "revoked", "上海市撤销示例产业计量测试中心", clk)
    decision = case.decisions.get(kind="revocation")
    text = _read_back(
        client_for("sh_applicant"),
        f"/api/v1/cases/{case.pk}/decisions/{decision.pk}/document",
        decision,
    )
    _in_order(
        text,
        (
            "上海市市场监督管理局文件",
            decision.document_number,
            "关于撤销上海市撤销示例产业计量测试中心资格的决定",
            # a revocation answers no application: it opens with its basis
            "上海示例集成电路有限公司：根据《上海市产业计量测试中心建设工作指引》五(三)的规定，经审查，现决定如下：",
            "决定撤销上海市撤销示例产业计量测试中心资格。",
            "特此决定。",
        ),
    )
    assert decision.document_number.startswith("沪市监计量〔2025〕")
    assert f"{_chinese(decision.document_date)}印发" in text and "（印章）" in text
    public = client.get(f"/cases/decisions/{decision.pk}.pdf")
    assert hashlib.sha256(b"".join(public.streaming_content)).hexdigest() == (
        decision.document_sha256
    )
