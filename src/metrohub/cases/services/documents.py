"""The documents the procedure issues, as PDFs stored with their SHA-256.

A decision prints in the layout of Chinese official documents (GB/T 9704-2012): the issuing
authority's mark in red, the document number and a red rule, the title, the addressee, a body
citing the articles of the case's pack, the date and the place of the seal. A decision's document
is issued once (the first time it is asked for, or by the task enqueued with the decision) and then
served as stored; the case's event log records its SHA-256.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from metrohub.cases.models import Case, Decision
from metrohub.core.dates import chinese_date
from metrohub.eventlog.services import append_event

#: Kinds of decision published with the registry (the others reach only the parties).
PUBLIC_KINDS = (
    Decision.Kind.APPROVAL_TO_BUILD,
    Decision.Kind.ESTABLISHMENT,
    Decision.Kind.CONFIRMATION,
    Decision.Kind.REVOCATION,
)

TITLES = {
    Decision.Kind.APPROVAL_TO_BUILD: "关于同意筹建{name}的批复",
    Decision.Kind.TASK_BOOK: "关于下达{name}筹建任务书的通知",
    Decision.Kind.REFUSAL: "关于不予批准筹建{name}的决定",
    Decision.Kind.RECTIFICATION: "关于{name}限期整改的通知",
    Decision.Kind.ESTABLISHMENT: "关于批准成立{name}的批复",
    Decision.Kind.FAILURE: "关于{name}考核不合格的决定",
    Decision.Kind.CONFIRMATION: "关于{name}复核合格的确认",
    Decision.Kind.REVOCATION: "关于撤销{name}资格的决定",
    Decision.Kind.OTHER: "关于{name}的决定",
}
OPERATIVE = {
    Decision.Kind.APPROVAL_TO_BUILD: "同意你单位筹建{name}。请按照筹建任务书的要求全面开展筹建工作，按期完成筹建任务。",
    Decision.Kind.TASK_BOOK: "现将{name}筹建任务书下达给你单位，请按任务书的目标、进度和要求组织实施。",
    Decision.Kind.REFUSAL: "决定不予批准筹建{name}。",
    Decision.Kind.RECTIFICATION: "{name}须按下列事项限期整改，整改完成后申请再考核：",
    Decision.Kind.ESTABLISHMENT: "批准成立{name}，并向社会公布其承诺的计量测试项目服务能力。",
    Decision.Kind.FAILURE: "{name}考核不合格。",
    Decision.Kind.CONFIRMATION: "{name}复核合格，予以确认。",
    Decision.Kind.REVOCATION: "决定撤销{name}资格。",
    Decision.Kind.OTHER: "对{name}作出如下决定。",
}
CLOSINGS = {
    Decision.Kind.APPROVAL_TO_BUILD: "特此批复。",
    Decision.Kind.ESTABLISHMENT: "特此批复。",
    Decision.Kind.RECTIFICATION: "特此通知。",
    Decision.Kind.TASK_BOOK: "特此通知。",
    Decision.Kind.CONFIRMATION: "特此确认。",
}


def public_decisions():
    """Decisions published with the registry: the approval, establishment, confirmation and
    revocation of a center."""
    return Decision.objects.filter(kind__in=PUBLIC_KINDS, case__center__isnull=False)


def get_decision(case, pk) -> Decision:
    from django.http import Http404

    try:
        return case.decisions.get(pk=int(pk))
    except (Decision.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404 from None


#: what a decision answers, where it answers an application of the establishment procedure
ANSWERS = {
    Decision.Kind.APPROVAL_TO_BUILD: "筹建申请",
    Decision.Kind.REFUSAL: "筹建申请",
    Decision.Kind.ESTABLISHMENT: "验收申请",
    Decision.Kind.RECTIFICATION: "验收申请",
    Decision.Kind.FAILURE: "验收申请",
}


def _received(decision: Decision, applicant: str, name: str) -> str:
    """The opening "…报送的…申请材料收悉。" of a decision that answers an application; a
    revocation, a review's confirmation or a decision of a later procedure answers none."""
    answers = ANSWERS.get(decision.kind)
    if answers is None or decision.case.kind != Case.ESTABLISHMENT:
        return ""
    return f"{applicant}报送的{name}{answers}材料收悉。"


def decision_context(decision: Decision) -> dict:
    case = decision.case
    pack = case.pack
    name = case.center_name
    day = decision.document_date or timezone.localtime(decision.created_at).date()
    article = decision.article or ""
    basis = (
        f"根据《{pack.pack.title_zh}》{article}的规定"
        if article
        else f"根据《{pack.pack.title_zh}》"
    )
    scores = list(case.scores.order_by("round"))
    verb = (
        "批复"
        if decision.kind in (Decision.Kind.APPROVAL_TO_BUILD, Decision.Kind.ESTABLISHMENT)
        else "决定"
    )
    paragraphs = [
        f"{_received(decision, case.applicant.name, name)}{basis}，经审查，现{verb}如下：",
        OPERATIVE[decision.kind].format(name=name),
    ]
    if scores and decision.kind in (
        Decision.Kind.ESTABLISHMENT,
        Decision.Kind.RECTIFICATION,
        Decision.Kind.FAILURE,
    ):
        latest = scores[-1]
        paragraphs.append(f"现场考核专家组评分为{latest.score}分（第{latest.round}轮）。")
    items = [line for line in (decision.reasons or "").splitlines() if line.strip()]
    return {
        "case": case,
        "issuer": pack.pack.issuer_zh,
        "number": decision.document_number,
        "title": TITLES[decision.kind].format(name=name),
        "addressee": case.applicant.name,
        "paragraphs": paragraphs,
        "items": items,
        "closing": CLOSINGS.get(decision.kind, "特此决定。"),
        "date": chinese_date(day),
        "article_text": f"依据{article}" if article else "",
    }


def render_decision(decision: Decision) -> bytes:
    from weasyprint import HTML  # slow to import; only documents need it

    with translation.override("zh-hans"):
        html = render_to_string("cases/documents/decision.html", decision_context(decision))
    return HTML(string=html).write_pdf()


def issue_decision_document(decision: Decision) -> Decision:
    """Render, store and log the decision's document once; later calls return it as stored."""
    if decision.document_sha256:
        return decision
    pdf = render_decision(decision)
    sha = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if decision.document_sha256:  # a twin issued it meanwhile
            return decision
        decision.document.save(
            f"decision-{decision.case_id}-{decision.pk}-{sha[:12]}.pdf",
            ContentFile(pdf),
            save=False,
        )
        decision.document_sha256 = sha
        decision.document_issued_at = timezone.now()
        decision.save(update_fields=["document", "document_sha256", "document_issued_at"])
        append_event(
            subject=decision.case.subject,
            action="decision.document_issued",
            actor=None,
            article=decision.article,
            payload={
                "decision": decision.pk,
                "kind": decision.kind,
                "document_number": decision.document_number,
                "sha256": sha,
                "size": len(pdf),
            },
        )
    return decision


def render_notice(case, details: dict) -> bytes:
    """The public notice as a document: what is announced, the period, where to object."""
    from weasyprint import HTML

    pack = case.pack
    name = case.center_name
    last = details["last_day"]
    context = {
        "case": case,
        "issuer": pack.pack.issuer_zh,
        "number": "",
        "title": f"关于拟批准筹建{name}的公示",
        "addressee": "社会各界",
        "paragraphs": [
            f"根据《{pack.pack.title_zh}》{details['article']}的规定，{case.applicant.name}申请筹建的"
            f"{name}经专家审查同意推荐，现予以公示。",
            f"公示期自{chinese_date(details['starts_on'])}起至{chinese_date(last)}24时止"
            f"（不少于法定期间，自公示发布次日起算）。"
            if last
            else "",
            "公示期间，任何单位和个人对公示内容有异议的，可通过平台公示页面提出，"
            f"或联系{details['contact']['organisation']}"
            + (f"（电话：{details['contact']['phone']}）" if details["contact"]["phone"] else "")
            + "。异议须注明联系方式。",
        ],
        "items": [],
        "closing": "特此公示。",
        "date": chinese_date(details["published_on"]),
        "article_text": "",
    }
    with translation.override("zh-hans"):
        html = render_to_string("cases/documents/decision.html", context)
    return HTML(string=html).write_pdf()


def application_context(case) -> dict:
    """The latest application as filed (or the draft, marked so, before it is filed)."""
    from metrohub.cases.models import CaseNote
    from metrohub.cases.services.filing import snapshot

    note = case.notes.filter(kind=CaseNote.Kind.FILED_APPLICATION).order_by("-pk").first()
    data = note.data if note else snapshot(case)
    form = data.get("form") or {}
    return {
        "case": case,
        "data": data,
        "form": form,
        "filed": note is not None,
        "filed_on": chinese_date(data.get("filed_on", "")),  # kept ISO in the filed snapshot
        "issuer": case.pack.pack.issuer_zh,
    }


def render_application(case) -> bytes:
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("cases/documents/application.html", application_context(case))
    return HTML(string=html).write_pdf()
