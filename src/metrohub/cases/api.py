"""The procedure's API: cases, their transitions, materials, objections. Thin over services."""

import datetime as dt
import hashlib
from typing import Any, Literal

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Header, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from metrohub.cases import application, services
from metrohub.cases.listing import CASES, overdue_cases
from metrohub.cases.models import Case, Material, Objection, Obligation
from metrohub.cases.uploads import ALLOWED
from metrohub.core.api import ERRORS, WRITE_ERRORS, file_download, optional_auth
from metrohub.core.ratelimit import rate_limited
from metrohub.core.uploads import read_upload
from metrohub.eventlog.services import history

router = Router(tags=["cases"])

KEY = Header(None, alias="Idempotency-Key", max_length=200, min_length=1)


class CaseIn(Schema):
    rulepack: str = Field(
        "", max_length=40, description="pack code, e.g. chongqing (establishment only)"
    )
    kind: str = Field(
        "establishment",
        min_length=1,
        max_length=32,
        description="establishment, or a kind of the pack's procedures (annual_report, inspection…)",
    )
    center: str | None = Field(
        None, max_length=32, description="the center's code (kinds other than establishment)"
    )
    center_name: str = Field("", max_length=200, description="establishment only")
    center_name_en: str = Field("", max_length=200)
    industry_domain: str = Field(
        "", max_length=64, description="a service field code (GET /industry-fields)"
    )
    applicant: int | None = Field(
        None, ge=1, le=2**62, description="your applicant organisation (default: the first)"
    )
    co_builders: list[int] = Field([], max_length=50)
    district: str | None = Field(
        None, max_length=6, description="division code where the center sits"
    )
    form: dict[str, Any] = {}


class DraftIn(Schema):
    center_name: str | None = Field(None, min_length=1, max_length=200)
    center_name_en: str | None = Field(None, max_length=200)
    industry_domain: str | None = Field(None, max_length=64)
    co_builders: list[int] | None = Field(None, max_length=50)
    form: dict[str, Any] | None = None


class TransitionIn(Schema):
    payload: dict[str, Any] = {}
    effective_date: dt.date | None = Field(
        None, description="an act done earlier on paper (authorities only); logged as such"
    )


class ObligationOut(Schema):
    id: int
    code: str
    name: str
    due: dt.date
    provisional: bool
    state: str
    kind: str
    indicative: bool
    article: str
    responsible_role: str
    opened_by: str
    closed_on: dt.date | None
    waived_reason: str


class EventOut(Schema):
    seq: int
    action: str
    actor: str
    recorded_at: dt.datetime
    effective_date: dt.date | None
    article: str
    payload: dict[str, Any]
    hash: str


class TransitionOut(Schema):
    name: str
    name_zh: str
    name_en: str
    to: str
    records: list[str]
    materials: list[str]
    missing_materials: list[str]
    opens: list[str]
    optional: bool
    article: str


class MaterialOut(Schema):
    id: int
    code: str
    version: int
    filename: str
    sha256: str
    size: int
    content_type: str
    uploaded_at: dt.datetime


class DecisionOut(Schema):
    id: int
    kind: str
    transition: str
    document_number: str
    document_date: dt.date | None
    reasons: str
    article: str
    document_sha256: str
    document_url: str


class ObjectionOut(Schema):
    id: int
    name: str
    organisation: str
    text: str
    submitted_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class ScoreOut(Schema):
    round: int
    score: str
    passed: bool


class DefectsOut(Schema):
    items: list[str]
    opinions: str
    requested_on: dt.date | None
    transition: str
    article: str


class CaseSummaryOut(Schema):
    id: int
    kind: str
    kind_name: str
    center_code: str | None
    schedule: str
    period: str
    rulepack: str
    rulepack_version: str
    state: str
    state_name: str
    center_name: str
    applicant: str
    filed_on: dt.date
    overdue: bool


class CaseOut(CaseSummaryOut):
    center_name_en: str
    industry_domain: str
    jurisdiction: str
    district: str | None
    co_builders: list[str]
    form: dict[str, Any]
    gaps: list[dict[str, str]]
    center: str | None
    obligations: list[ObligationOut]
    events: list[EventOut]
    available_transitions: list[TransitionOut]
    materials: list[MaterialOut]
    decisions: list[DecisionOut]
    objections: list[ObjectionOut]
    scores: list[ScoreOut]
    defects: DefectsOut | None


class ListIn(Schema):
    kind: str = Field("", max_length=32)
    state: str = Field("", max_length=32)
    rulepack: str = Field("", max_length=40)
    overdue: bool | None = None
    q: str = Field("", max_length=100)
    region: str = Field("", max_length=6)
    center: str = Field("", max_length=64)
    sort: Literal["", "filed_on", "-filed_on", "center", "-center", "stage", "-stage"] = ""
    # a page of the newest first: a national regulator sees thousands of cases
    limit: int = Field(100, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)


class ObjectionIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    organisation: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    text: str = Field(..., min_length=1, max_length=10000)


class AnswerIn(Schema):
    answer: str = Field(..., min_length=1, max_length=10000)


class CheckItem(Schema):
    item: str = Field(..., min_length=1, max_length=300)
    met: bool
    note: str = Field("", max_length=1000)


class SelfCheckIn(Schema):
    items: list[CheckItem] = Field(..., min_length=1, max_length=500)


class TextIn(Schema):
    text: str = Field(..., min_length=1, max_length=10000)


class EventReportIn(Schema):
    occurred_on: dt.date
    text: str = Field(..., min_length=1, max_length=10000)


class VersionIn(Schema):
    version: str = Field(..., min_length=1, max_length=40)
    reason: str = Field(..., min_length=1, max_length=2000)


class WaiveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class InvitationOut(Schema):
    id: int
    case_id: int
    center_name: str
    applicant: str
    organisation: str
    state: str


def invitation_out(c) -> dict:
    return {
        "id": c.pk,
        "case_id": c.case_id,
        "center_name": c.case.center_name,
        "applicant": c.case.applicant.name,
        "organisation": c.organisation.name,
        "state": c.state,
    }


@router.get(
    "/co-builder-invitations",
    response={200: list[InvitationOut], **ERRORS},
    summary="Invitations to be named co-builder, for my organisation",
)
def invitations(request):
    return [invitation_out(c) for c in services.invitations_for(request.user)[:500]]


@router.post(
    "/co-builder-invitations/{invitation_id}/{answer}",
    response={200: InvitationOut, **WRITE_ERRORS},
    summary="Consent to (or decline) being named co-builder; the case is seen only after consent",
)
def answer_invitation(request, invitation_id: int, answer: Literal["consent", "decline"]):
    consent = services.get_invitation(request.user, invitation_id)
    done = services.answer_invitation(
        actor=request.user, consent=consent, consented=answer == "consent"
    )
    return invitation_out(done)


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    role: str = Field("", max_length=100)
    duty: str = Field("", max_length=300)


class TargetIn(Schema):
    area: str = Field(..., max_length=32, description="a metrology area code, e.g. thermal")
    count: int = Field(..., ge=1, le=100000)


class MilestoneIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    due: dt.date


class TaskBookIn(Schema):
    goals: str = Field("", max_length=5000)
    funding: str = Field("", max_length=2000)
    funding_amount: str | None = Field(None, max_length=20, description="10,000 yuan")
    responsible: list[PersonIn] = Field([], max_length=50)
    capability_targets: list[TargetIn] = Field([], max_length=20)
    milestones: list[MilestoneIn] = Field([], max_length=60)


class MilestoneOut(Schema):
    id: int
    title: str
    due: dt.date
    done_on: dt.date | None
    state: str


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    team: list[str]
    findings: str


class ProgressOut(Schema):
    id: int
    submitted_on: dt.date
    text: str
    milestones: list[dict[str, Any]]


class TaskBookOut(Schema):
    state: str
    issued_on: dt.date | None
    goals: str
    funding: str
    funding_amount: str | None
    responsible: list[dict[str, str]]
    capability_targets: list[dict[str, Any]]
    milestones: list[MilestoneOut]
    detailed_plan: str
    plan_submitted_on: dt.date | None
    visits: list[VisitOut]
    progress_reports: list[ProgressOut]


class PlanIn(Schema):
    plan: str = Field(..., min_length=1, max_length=20000)


class VisitIn(Schema):
    visited_on: dt.date
    team: list[str] = Field(..., min_length=1, max_length=20)
    findings: str = Field(..., min_length=1, max_length=10000)


class ProgressIn(Schema):
    text: str = Field(..., min_length=1, max_length=10000)
    done: dict[str, dt.date] = Field({}, description="milestone id → the day it was done")


def task_book_out(case: Case) -> dict:
    book = services.task_book(case)
    if book is None:
        raise Http404
    today = services.today()
    return {
        "state": book.state,
        "issued_on": book.issued_on,
        "goals": book.goals,
        "funding": book.funding,
        "funding_amount": f"{book.funding_amount:f}" if book.funding_amount is not None else None,
        "responsible": book.responsible,
        "capability_targets": book.capability_targets,
        "milestones": [
            {
                "id": m.pk,
                "title": m.title,
                "due": m.due,
                "done_on": m.done_on,
                "state": m.state_on(today),
            }
            for m in book.milestones.all()
        ],
        "detailed_plan": book.detailed_plan,
        "plan_submitted_on": book.plan_submitted_on,
        "visits": [
            {"id": v.pk, "visited_on": v.visited_on, "team": v.team, "findings": v.findings}
            for v in case.visits.all()
        ],
        "progress_reports": [
            {"id": r.pk, "submitted_on": r.submitted_on, "text": r.text, "milestones": r.milestones}
            for r in case.progress_reports.all()
        ],
    }


@router.get(
    "/cases/{case_id}/task-book",
    response={200: TaskBookOut, **ERRORS},
    summary="The construction task book: goals, targets, milestones, plan, visits, progress",
)
def get_task_book(request, case_id: int):
    return task_book_out(services.get_case(request.user, case_id))


@router.put(
    "/cases/{case_id}/task-book",
    response={200: TaskBookOut, **WRITE_ERRORS},
    summary="Write the task book before approval (applicant or regulator)",
)
def put_task_book(request, case_id: int, body: TaskBookIn):
    case = services.get_case(request.user, case_id)
    data = body.dict()
    data["milestones"] = [{"title": m["title"], "due": m["due"]} for m in data["milestones"]]
    services.save_task_book(actor=request.user, case=case, **data)
    return task_book_out(case)


@router.post(
    "/cases/{case_id}/task-book/plan",
    response={200: TaskBookOut, **WRITE_ERRORS},
    summary="The builder's detailed construction work plan (Hubei art. 13)",
)
def post_plan(request, case_id: int, body: PlanIn):
    case = services.get_case(request.user, case_id)
    services.submit_plan(actor=request.user, case=case, plan=body.plan)
    return task_book_out(case)


@router.post(
    "/cases/{case_id}/task-book/visits",
    response={201: VisitOut, **WRITE_ERRORS},
    summary="A visit of the supervision team with its findings (regulator)",
)
def post_visit(request, case_id: int, body: VisitIn):
    case = services.get_case(request.user, case_id)
    v = services.record_visit(
        actor=request.user,
        case=case,
        visited_on=body.visited_on,
        team=body.team,
        findings=body.findings,
    )
    return Status(
        201, {"id": v.pk, "visited_on": v.visited_on, "team": v.team, "findings": v.findings}
    )


@router.post(
    "/cases/{case_id}/task-book/progress",
    response={201: ProgressOut, **WRITE_ERRORS},
    summary="Report construction progress against the milestones (builder)",
)
def post_progress(request, case_id: int, body: ProgressIn):
    case = services.get_case(request.user, case_id)
    r = services.report_progress(actor=request.user, case=case, text=body.text, done=body.done)
    return Status(
        201,
        {"id": r.pk, "submitted_on": r.submitted_on, "text": r.text, "milestones": r.milestones},
    )


class ContactOut(Schema):
    organisation: str
    address: str
    phone: str
    email: str


class NoticeOut(Schema):
    id: int
    center_name: str
    applicant: str
    rulepack: str
    published_on: dt.date
    starts_on: dt.date | None
    closes_on: dt.date | None  # the last day (kept for callers of the first version)
    last_day: dt.date | None
    closable_from: dt.date | None
    provisional: bool
    article: str
    contact: ContactOut
    document_url: str


class IndustryFieldOut(Schema):
    code: str
    name_zh: str
    name_en: str
    parent: str | None


def _overdue(case: Case) -> bool:
    if hasattr(case, "late_obligation_id"):  # a column of `with_due`
        return case.late_obligation_id is not None
    today = services.today()
    return any(o.state_on(today) == Obligation.State.OVERDUE for o in case.obligations.all())


def summary(case: Case) -> dict:
    pack = case.pack
    return {
        "id": case.pk,
        "kind": case.kind,
        "kind_name": pack.kind_name(case.kind)[0],
        "center_code": case.center.code if case.center else None,
        "schedule": case.schedule,
        "period": case.period,
        "rulepack": case.rulepack_code,
        "rulepack_version": case.rulepack_version,
        "state": case.state,
        "state_name": pack.stage(case.state).name_zh,
        "center_name": case.center_name,
        "applicant": case.applicant.name,
        "filed_on": case.filed_on,
        "overdue": _overdue(case),
    }


def detail(case: Case, user) -> dict:
    pack = case.pack
    present = services.current_materials(case)
    needs_table = any(m.code == "industry_needs_table" for m in pack.materials)
    return {
        **summary(case),
        "center_name_en": case.center_name_en,
        "industry_domain": case.industry_domain,
        "jurisdiction": case.jurisdiction.code,
        "district": case.district.code if case.district else None,
        "co_builders": [o.name for o in case.co_builders.all()],
        "form": case.form_data,
        "gaps": [vars(g) for g in application.gaps(case, needs_table=needs_table)]
        if case.is_establishment
        else [],
        "center": case.center.code if case.center else None,
        "obligations": [obligation_out(o) for o in case.obligations.select_related("deadline")],
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "actor": e.actor_label,
                "recorded_at": e.recorded_at,
                "effective_date": e.effective_date,
                "article": e.article,
                "payload": e.payload,
                "hash": e.hash,
            }
            for e in history(case.subject)
        ],
        "available_transitions": [
            {
                "name": t.name,
                "name_zh": t.name_zh,
                "name_en": t.name_en,
                "to": t.to,
                "records": list(t.records),
                "materials": list(t.materials),
                "missing_materials": [
                    m
                    for m in t.materials
                    if pack.material(m).required
                    and pack.material(m).text_given
                    and m not in present
                ],
                "opens": list(t.opens),
                "optional": t.optional,
                "article": t.article,
            }
            for t in services.available_transitions(user, case)
        ],
        "materials": [material_out(m) for m in case.materials.all()],
        "decisions": [
            {
                "id": d.pk,
                "kind": d.kind,
                "transition": d.transition,
                "document_number": d.document_number,
                "document_date": d.document_date,
                "reasons": d.reasons,
                "article": d.article,
                "document_sha256": d.document_sha256,
                "document_url": f"/api/v1/cases/{case.pk}/decisions/{d.pk}/document",
            }
            for d in case.decisions.all()
        ],
        "objections": [
            {
                "id": o.pk,
                "name": o.name,
                "organisation": o.organisation,
                "text": o.text,
                "submitted_at": o.submitted_at,
                "answer": o.answer,
                "answered_at": o.answered_at,
            }
            for o in case.objections.all()
        ],
        "scores": [
            {"round": s.round, "score": f"{s.score:f}", "passed": s.passed}
            for s in case.scores.all()
        ],
        "defects": services.open_defects(case),
    }


def material_out(m: Material) -> dict:
    return {
        "id": m.pk,
        "code": m.code,
        "version": m.version,
        "filename": m.filename,
        "sha256": m.sha256,
        "size": m.size,
        "content_type": m.content_type,
        "uploaded_at": m.uploaded_at,
    }


@router.post("/cases", response={201: CaseOut, **WRITE_ERRORS}, summary="File a new case")
def create_case(request, body: CaseIn, idempotency_key: str | None = KEY):
    case = services.create_case(
        actor=request.user,
        rulepack=body.rulepack,
        kind=body.kind,
        center=body.center,
        center_name=body.center_name,
        center_name_en=body.center_name_en,
        industry_domain=body.industry_domain,
        applicant=body.applicant,
        co_builders=body.co_builders,
        district=body.district,
        form=body.form,
        idempotency_key=idempotency_key,
    )
    return Status(201, detail(case, request.user))


@router.get("/cases", response={200: list[CaseSummaryOut], **ERRORS}, summary="Cases I may see")
def list_cases(request, filters: Query[ListIn]):
    # the same search, filters and order as the list page (one definition, `cases.listing`)
    params = {
        "q": filters.q,
        "kind": filters.kind,
        "stage": filters.state,
        "pack": filters.rulepack,
        "region": filters.region,
        "center": filters.center,
        "sort": filters.sort,
        "overdue": "1" if filters.overdue else "",
    }
    listed = CASES.apply(services.cases_for(request.user), params)
    if listed.errors:
        raise HttpError(400, " ".join(listed.errors))
    cases = listed.queryset
    if filters.overdue is False:
        cases = cases.exclude(pk__in=overdue_cases(cases, "1").values("pk"))
    cases = services.with_due(cases).defer("form_data", "self_check")  # not in a summary
    return [summary(c) for c in cases[filters.offset : filters.offset + filters.limit]]


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="One case")
def get_case(request, case_id: int):
    return detail(services.get_case(request.user, case_id), request.user)


@router.patch("/cases/{case_id}", response={200: CaseOut, **WRITE_ERRORS}, summary="Save the draft")
def save_draft(request, case_id: int, body: DraftIn):
    case = services.get_case(request.user, case_id)
    fields = body.dict(exclude_unset=True)
    case = services.update_draft(actor=request.user, case=case, **fields)
    return detail(case, request.user)


@router.post(
    "/cases/{case_id}/transitions/{name}",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Take a transition of the case's rule pack",
)
def take_transition(
    request, case_id: int, name: str, body: TransitionIn, idempotency_key: str | None = KEY
):
    case = services.get_case(request.user, case_id)
    case = services.take_transition(
        case=case,
        name=name,
        actor=request.user,
        payload=body.payload,
        effective_date=body.effective_date,
        idempotency_key=idempotency_key,
    )
    return detail(case, request.user)


@router.post(
    "/cases/{case_id}/materials",
    response={201: MaterialOut, **WRITE_ERRORS},
    summary="Upload a material (a new version of its type)",
)
def upload_material(
    request,
    case_id: int,
    code: Form[str],
    file: File[UploadedFile],
    idempotency_key: str | None = KEY,
):
    case = services.get_case(request.user, case_id)
    material = services.upload_material(
        actor=request.user,
        case=case,
        code=code[:64],
        content=read_upload(file),
        filename=file.name or "",
        idempotency_key=idempotency_key,
    )
    return Status(201, material_out(material))


@router.get(
    "/cases/{case_id}/materials/{material_id}",
    response={200: None, **ERRORS},
    summary="Download a material",
    openapi_extra=file_download(ALLOWED),
)
def download_material(request, case_id: int, material_id: int):
    case = services.get_case(request.user, case_id)
    material = get_object_or_404(Material, pk=material_id, case=case)
    return file_response(material)


def pdf_response(content_file, filename: str, sha256: str) -> FileResponse:
    response = FileResponse(
        content_file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-SHA256"] = sha256
    return response


def decision_file(decision) -> FileResponse:
    decision = services.issue_decision_document(decision)
    name = f"{decision.document_number or decision.get_kind_display()}.pdf"
    return pdf_response(decision.document, name, decision.document_sha256)


def file_response(material: Material) -> FileResponse:
    response = FileResponse(
        material.file.open("rb"),
        as_attachment=True,
        filename=material.filename,
        content_type=material.content_type,
    )
    response["X-Content-SHA256"] = material.sha256
    return response


PDF_200 = {
    "responses": {
        200: {
            "description": "the PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/cases/{case_id}/application.pdf",
    response={200: None, **ERRORS},
    summary="The application as filed, as a PDF for signing and sealing",
    openapi_extra=PDF_200,
)
def application_pdf(request, case_id: int):
    from metrohub.cases.services.documents import render_application

    case = services.get_case(request.user, case_id)
    pdf = render_application(case)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
    return response


@router.get(
    "/cases/{case_id}/decisions/{decision_id}/document",
    response={200: None, **ERRORS},
    summary="A decision as its official document (PDF in the GB/T 9704 layout, with its SHA-256)",
    openapi_extra=PDF_200,
)
def decision_document(request, case_id: int, decision_id: int):
    case = services.get_case(request.user, case_id)
    return decision_file(services.get_decision(case, decision_id))


@router.post(
    "/cases/{case_id}/objections/{objection_id}/answer",
    response={200: ObjectionOut, **WRITE_ERRORS},
    summary="Answer an objection (regulator)",
)
def answer_objection(request, case_id: int, objection_id: int, body: AnswerIn):
    case = services.get_case(request.user, case_id)
    objection = get_object_or_404(Objection, pk=objection_id, case=case)
    o = services.answer_objection(actor=request.user, objection=objection, answer=body.answer)
    return {
        "id": o.pk,
        "name": o.name,
        "organisation": o.organisation,
        "text": o.text,
        "submitted_at": o.submitted_at,
        "answer": o.answer,
        "answered_at": o.answered_at,
    }


@router.post(
    "/cases/{case_id}/self-check",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Record the self-check against the on-site acceptance checklist",
)
def self_check(request, case_id: int, body: SelfCheckIn):
    case = services.get_case(request.user, case_id)
    items = [i.dict() for i in body.items]
    case = services.record_self_check(actor=request.user, case=case, items=items)
    return detail(case, request.user)


@router.post(
    "/cases/{case_id}/supervisor-report",
    response={201: dict, **WRITE_ERRORS},
    summary="The district supervisor's report on the on-site acceptance",
)
def supervisor_report(request, case_id: int, body: TextIn):
    case = services.get_case(request.user, case_id)
    note = services.file_supervisor_report(actor=request.user, case=case, text=body.text)
    return Status(201, {"id": note.pk})


@router.post(
    "/cases/{case_id}/reports/{code}",
    response={201: ObligationOut, **WRITE_ERRORS},
    summary="Report an event (e.g. a major event) and meet its reporting obligation",
)
def report_event(request, case_id: int, code: str, body: EventReportIn):
    case = services.get_case(request.user, case_id)
    ob = services.report_event(
        actor=request.user, case=case, code=code, occurred_on=body.occurred_on, text=body.text
    )
    if ob is None:
        raise Http404
    return Status(201, obligation_out(ob))


@router.post(
    "/cases/{case_id}/obligations/{obligation_id}/waive",
    response={200: ObligationOut, **WRITE_ERRORS},
    summary="Waive an obligation with a reason (regulator)",
)
def waive(request, case_id: int, obligation_id: int, body: WaiveIn):
    case = services.get_case(request.user, case_id)
    ob = get_object_or_404(Obligation, pk=obligation_id, case=case)
    return obligation_out(
        services.waive_obligation(actor=request.user, obligation=ob, reason=body.reason)
    )


@router.post(
    "/cases/{case_id}/rulepack-version",
    response={200: CaseOut, **WRITE_ERRORS},
    summary="Move the case to a later version of its pack, with the reason (regulator)",
)
def move_version(request, case_id: int, body: VersionIn):
    case = services.get_case(request.user, case_id)
    case = services.move_to_version(
        actor=request.user, case=case, version=body.version, reason=body.reason
    )
    return detail(case, request.user)


def obligation_out(o: Obligation) -> dict:
    return {
        "id": o.pk,
        "code": o.code,
        "name": o.case.pack.deadline(o.code).name_zh,
        "due": o.deadline.due,
        "provisional": o.deadline.provisional,
        "state": o.state_on(services.today()),
        "kind": o.kind,
        "indicative": o.indicative,
        "article": o.article,
        "responsible_role": o.responsible_role,
        "opened_by": o.opened_by,
        "closed_on": o.closed_on,
        "waived_reason": o.waived_reason,
    }


# ------------------------------------------------------------------------------------ public


def notice_out(case: Case, contacts: dict | None = None) -> dict:
    details = services.notice_details(case, contacts)
    return {
        "id": case.pk,
        "center_name": case.center_name,
        "applicant": case.applicant.name,
        "rulepack": case.rulepack_key,
        "published_on": case.notice_published_on,
        "starts_on": details["starts_on"],
        "closes_on": details["last_day"],
        "last_day": details["last_day"],
        "closable_from": details["closable_from"],
        "provisional": details["provisional"],
        "article": details["article"],
        "contact": details["contact"],
        "document_url": details["document_url"],
    }


@router.get(
    "/notices",
    response={200: list[NoticeOut], **ERRORS},
    auth=None,
    summary="Running public notices",
)
def notices(request):
    from metrohub.cases.services.notices import regulators

    contacts = regulators()
    return [notice_out(c, contacts) for c in services.public_notices()]


@router.post(
    "/notices/{case_id}/objections",
    response={201: dict, **WRITE_ERRORS},
    auth=[optional_auth],
    summary="File an objection during a public notice (anyone)",
)
@rate_limited("objection")
def object_to(request, case_id: int, body: ObjectionIn):
    case = get_object_or_404(services.public_notices(), pk=case_id)
    objection = services.file_objection(case=case, **body.dict())
    return Status(201, {"id": objection.pk})


@router.get(
    "/industry-fields",
    response={200: list[IndustryFieldOut], **ERRORS},
    auth=None,
    summary="The shared industry taxonomy (Shanghai guideline 三(二))",
)
def industry_fields(request):
    return [
        {"code": f.code, "name_zh": f.name_zh, "name_en": f.name_en, "parent": f.parent}
        for f in application._fields()
    ]
