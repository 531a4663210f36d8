"""The annual tasks' API: read; the regulator writes the items and assesses them; the center
reports on each item with evidence. Issuing, reporting, returning and recording the result are the
case's transitions (POST /cases/{id}/transitions/issue_tasks …)."""

import datetime as dt
from decimal import Decimal

from django.http import FileResponse
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from metrohub.annualtasks import services
from metrohub.core.api import ERRORS, WRITE_ERRORS, file_download
from metrohub.core.uploads import ALLOWED, read_upload

router = Router(tags=["annual tasks"])


class TaskItemIn(Schema):
    title: str = Field(max_length=services.TITLE_LIMIT)
    description: str = Field("", max_length=services.DESCRIPTION_LIMIT)
    target: str = Field(max_length=services.TARGET_LIMIT, description="what is to be reached")
    target_value: Decimal | None = Field(
        None, description="a measurable target's value (with target_unit)"
    )
    target_unit: str = Field("", max_length=services.UNIT_LIMIT)
    weight: int = Field(description="1 to 100; the items' weights total 100")


class TaskItemsIn(Schema):
    items: list[TaskItemIn] = Field(max_length=services.MAX_ITEMS)


class TaskReportIn(Schema):
    claimed: str = Field(description="completed, partly or not_completed", max_length=16)
    report: str = Field(max_length=services.REPORT_LIMIT, description="what was done")
    achieved_value: Decimal | None = None


class TaskItemAssessmentIn(Schema):
    outcome: str = Field(description="completed, partly or not_completed", max_length=16)
    score: Decimal = Field(description="0 to the item's weight, one decimal place")
    comment: str = Field("", max_length=services.COMMENT_LIMIT)


class TaskAssessmentIn(Schema):
    grade: str = Field(description="excellent, pass, basic or fail", max_length=16)
    comment: str = Field("", max_length=services.COMMENT_LIMIT)


class TaskEvidenceOut(Schema):
    id: int
    filename: str
    size: int
    sha256: str


class TaskItemOut(Schema):
    id: int
    position: int
    title: str
    description: str
    target: str
    target_value: Decimal | None
    target_unit: str
    weight: int
    claimed: str | None
    claimed_name: str
    report: str
    achieved_value: Decimal | None
    evidence: list[TaskEvidenceOut]
    outcome: str | None = Field(description="shown to the center once the result is recorded")
    outcome_name: str
    score: Decimal | None
    comment: str


class TaskAssessmentOut(Schema):
    grade: str
    grade_name: str
    total: Decimal
    comment: str


class TaskDeadlineOut(Schema):
    code: str
    name: str
    due: dt.date
    state: str
    state_name: str
    article: str = Field(description="the article the deadline rests on")


class TaskReturnOut(Schema):
    on: dt.date | None
    text: str


class TasksOut(Schema):
    case: int
    center: str | None
    year: int
    state: str
    state_name: str
    article: str
    items_visible: bool
    items: list[TaskItemOut]
    total_weight: int
    assessment: TaskAssessmentOut | None
    result: str
    deadlines: list[TaskDeadlineOut]
    returns: list[TaskReturnOut] = Field(
        description="the regulator's reasons each time the completion report was returned"
    )


def out(request, case) -> dict:
    return {
        "case": case.pk,
        "center": case.center.code if case.center else None,
        "state": case.state,
        "state_name": case.pack.stage(case.state).name_zh,
        "article": case.pack.procedure(services.KIND).article,
        **services.overview(request.user, case),
    }


@router.get(
    "/cases/{case_id}/annual-tasks",
    response={200: TasksOut, **ERRORS},
    summary="The annual tasks of an annual-tasks case, with the report and the assessment",
)
def get_tasks(request, case_id: int):
    return out(request, services.tasks_case(request.user, case_id))


@router.put(
    "/cases/{case_id}/annual-tasks/items",
    response={200: TasksOut, **WRITE_ERRORS},
    summary="Write the year's task items (the programme regulator, before issuing them)",
)
def put_items(request, case_id: int, body: TaskItemsIn):
    case = services.tasks_case(request.user, case_id)
    items = [
        {**i.dict(), "target_value": None if i.target_value is None else str(i.target_value)}
        for i in body.items
    ]
    services.set_items(actor=request.user, case=case, items=items)
    return out(request, case)


@router.put(
    "/cases/{case_id}/annual-tasks/items/{item_id}/report",
    response={200: TasksOut, **WRITE_ERRORS},
    summary="Report on one item (the center's director)",
)
def put_report(request, case_id: int, item_id: int, body: TaskReportIn):
    case = services.tasks_case(request.user, case_id)
    services.report_item(
        actor=request.user,
        case=case,
        item_id=item_id,
        claimed=body.claimed,
        report=body.report,
        achieved_value=None if body.achieved_value is None else str(body.achieved_value),
    )
    return out(request, case)


@router.post(
    "/cases/{case_id}/annual-tasks/items/{item_id}/evidence",
    response={201: TaskEvidenceOut, **WRITE_ERRORS},
    summary="Attach a file as evidence of one item (the center's director)",
)
def add_evidence(request, case_id: int, item_id: int, file: File[UploadedFile]):
    case = services.tasks_case(request.user, case_id)
    evidence = services.add_evidence(
        actor=request.user,
        case=case,
        item_id=item_id,
        content=read_upload(file),
        filename=file.name or "",
    )
    return Status(
        201,
        {
            "id": evidence.pk,
            "filename": evidence.filename,
            "size": evidence.size,
            "sha256": evidence.sha256,
        },
    )


@router.get(
    "/cases/{case_id}/annual-tasks/evidence/{evidence_id}",
    response={200: None, **ERRORS},
    summary="Download an evidence file",
    openapi_extra=file_download(ALLOWED),
)
def download_evidence(request, case_id: int, evidence_id: int):
    case = services.tasks_case(request.user, case_id)
    return evidence_response(services.get_evidence(request.user, case, evidence_id))


def evidence_response(item) -> FileResponse:
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type=item.content_type,
    )
    response["X-Content-SHA256"] = item.sha256
    return response


@router.put(
    "/cases/{case_id}/annual-tasks/items/{item_id}/assessment",
    response={200: TasksOut, **WRITE_ERRORS},
    summary="Assess one item (the programme regulator)",
)
def put_item_assessment(request, case_id: int, item_id: int, body: TaskItemAssessmentIn):
    case = services.tasks_case(request.user, case_id)
    services.assess_item(
        actor=request.user,
        case=case,
        item_id=item_id,
        outcome=body.outcome,
        score=str(body.score),
        comment=body.comment,
    )
    return out(request, case)


@router.put(
    "/cases/{case_id}/annual-tasks/assessment",
    response={200: TasksOut, **WRITE_ERRORS},
    summary="The overall assessment: the grade (the programme regulator)",
)
def put_assessment(request, case_id: int, body: TaskAssessmentIn):
    case = services.tasks_case(request.user, case_id)
    services.save_assessment(actor=request.user, case=case, grade=body.grade, comment=body.comment)
    return out(request, case)
