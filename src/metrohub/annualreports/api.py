"""The annual report's API: read, save, PDF. Submitting, returning and accepting are the case's
transitions (POST /cases/{id}/transitions/submit_report …)."""

import datetime as dt
import hashlib

from django.core.files.base import ContentFile
from django.http import FileResponse
from ninja import Router, Schema
from pydantic import Field

from metrohub.annualreports import services
from metrohub.core.api import ERRORS, WRITE_ERRORS

router = Router(tags=["annual reports"])


class TypicalCase(Schema):
    title: str = Field("", max_length=200)
    industry: str = Field("", max_length=100)
    problem: str = Field("", max_length=2000)
    method: str = Field("", max_length=2000)
    result: str = Field("", max_length=2000)
    benefit: str = Field("", max_length=2000)


class ReportIn(Schema):
    summary: str = Field("", max_length=services.TEXT_LIMIT, description="the year's work summary")
    plan: str = Field("", max_length=services.TEXT_LIMIT, description="next year's work plan")
    figures: dict[str, int | None] = Field(
        default_factory=dict, description="every figure of GET …/annual-report's figures"
    )
    typical_cases: list[TypicalCase] = Field([], max_length=services.MAX_CASES)


class CommentOut(Schema):
    on: dt.date | None
    text: str


class ReportOut(Schema):
    case: int
    center: str | None
    year: int
    state: str
    state_name: str
    due: dt.date | None
    obligation_state: str | None
    late: bool
    summary: str
    plan: str
    figures: dict[str, int | None]
    known_figures: dict[str, int]
    figures_confirmed: bool
    typical_cases: list[TypicalCase]
    needs_typical_cases: bool
    comments: list[CommentOut]


def out(case) -> dict:
    return {
        "case": case.pk,
        "center": case.center.code if case.center else None,
        "state": case.state,
        "state_name": case.pack.stage(case.state).name_zh,
        **services.report(case),
    }


@router.get(
    "/cases/{case_id}/annual-report",
    response={200: ReportOut, **ERRORS},
    summary="The annual report of an annual-report case",
)
def get_report(request, case_id: int):
    return out(services.report_case(request.user, case_id))


@router.put(
    "/cases/{case_id}/annual-report",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Save the annual report (the center's director, while it is being filled in)",
)
def put_report(request, case_id: int, body: ReportIn):
    case = services.save_report(
        actor=request.user,
        case=services.report_case(request.user, case_id),
        summary=body.summary,
        plan=body.plan,
        figures=body.figures,
        typical_cases=[c.dict() for c in body.typical_cases],
    )
    return out(case)


@router.get(
    "/cases/{case_id}/annual-report.pdf",
    response={200: bytes, **ERRORS},
    summary="The annual report as a PDF",
    openapi_extra={
        "responses": {200: {"description": "PDF", "content": {"application/pdf": {"schema": {}}}}}
    },
)
def report_pdf(request, case_id: int):
    case = services.report_case(request.user, case_id)
    pdf = services.render_pdf(case)
    response = FileResponse(
        ContentFile(pdf),
        content_type="application/pdf",
        filename=f"annual-report-{case.pk}.pdf",
    )
    response["X-Content-SHA256"] = hashlib.sha256(pdf).hexdigest()
    return response
