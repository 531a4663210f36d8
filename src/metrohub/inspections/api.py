"""The inspection's checklist and rectification order; the district's yearly report to the
municipal bureau. The stages are the case's transitions (POST /cases/{id}/transitions/…)."""

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema
from pydantic import Field

from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.inspections import services

router = Router(tags=["inspections"])


class ItemIn(Schema):
    item: str = Field(..., max_length=80, description="the code of a checklist item of the pack")
    result: Literal["conforming", "finding", "not_checked"]
    note: str = Field("", max_length=services.NOTE_LIMIT)


class ChecklistIn(Schema):
    checklist: list[ItemIn] = Field(..., max_length=50)


class ItemOut(Schema):
    item: str
    name_zh: str
    name_en: str
    article: str
    result: str | None
    result_name: str
    note: str


class RectificationOut(Schema):
    due: dt.date
    state: str
    state_name: str
    reasons: str = Field(description="what the inspecting bureau ordered to be rectified")


class InspectionOut(Schema):
    case: int
    center: str | None
    state: str
    state_name: str
    article: str
    checklist: list[ItemOut]
    rectification: RectificationOut | None


class OrderIn(Schema):
    reasons: str = Field(..., min_length=1, max_length=5000)
    rectify_by: dt.date


def inspection_out(case) -> dict:
    return {
        "case": case.pk,
        "center": case.center.code if case.center else None,
        "state": case.state,
        "state_name": case.pack.stage(case.state).name_zh,
        "article": case.pack.transition(services.RECORD).article,
        "checklist": services.checklist(case),
        "rectification": services.rectification(case),
    }


@router.get(
    "/cases/{case_id}/inspection",
    response={200: InspectionOut, **ERRORS},
    summary="An inspection's checklist with its results",
)
def get_inspection(request, case_id: int):
    return inspection_out(services.inspection_case(request.user, case_id))


@router.put(
    "/cases/{case_id}/inspection",
    response={200: InspectionOut, **WRITE_ERRORS},
    summary="Save the checklist before recording the findings (the inspecting bureau)",
)
def put_inspection(request, case_id: int, body: ChecklistIn):
    case = services.inspection_case(request.user, case_id)
    services.save_checklist(
        actor=request.user, case=case, results=[i.dict() for i in body.checklist]
    )
    return inspection_out(case)


@router.post(
    "/cases/{case_id}/inspection/rectification-order",
    response={200: InspectionOut, **WRITE_ERRORS},
    summary="Order rectification by a date, on a finding of the checklist",
)
def post_order(request, case_id: int, body: OrderIn):
    case = services.order_rectification(
        actor=request.user,
        case=services.inspection_case(request.user, case_id),
        reasons=body.reasons,
        rectify_by=body.rectify_by,
    )
    return inspection_out(case)


class FindingOut(Schema):
    item: str
    note: str


class YearInspectionOut(Schema):
    case: int
    center: str
    center_name: str
    filed_on: dt.date
    stage: str
    findings: list[FindingOut]
    rectify_by: dt.date | None
    rectification: str


class MissingOut(Schema):
    center: str
    center_name: str


class ReportOut(Schema):
    id: int
    district: str
    district_name: str
    year: int
    article: str
    due: dt.date
    state: str
    state_name: str
    late: bool
    summary: str
    submitted_on: dt.date | None
    inspections: list[YearInspectionOut]
    not_inspected: list[MissingOut]


class ReportRowOut(Schema):
    id: int
    district: str
    district_name: str
    year: int
    due: dt.date
    state: str
    state_name: str
    late: bool
    submitted_on: dt.date | None


class ReportsIn(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


class SummaryIn(Schema):
    summary: str = Field(..., max_length=services.SUMMARY_LIMIT)


def row_out(report) -> dict:
    return {
        "id": report.pk,
        "district": report.district.code,
        "district_name": report.district.name,
        "year": report.year,
        "due": report.deadline.due,
        "state": report.state,
        "state_name": str(report.get_state_display()),
        "late": report.late_on(services.cases.today()),
        "submitted_on": report.submitted_on,
    }


def report_out(report) -> dict:
    return {
        **row_out(report),
        "article": report.article,
        "summary": report.summary,
        **services.year_inspections(report),
    }


@router.get(
    "/district-inspection-reports",
    response={200: list[ReportRowOut], **ERRORS},
    summary="The district bureaus' yearly inspection reports one writes or receives",
)
def list_reports(request, filters: Query[ReportsIn]):
    reports = services.reports_for(request.user)
    if filters.year:
        reports = reports.filter(year=filters.year)
    return [row_out(r) for r in reports[:500]]


@router.get(
    "/district-inspection-reports/{report_id}",
    response={200: ReportOut, **ERRORS},
    summary="One district inspection report, with the year's inspections from the records",
)
def get_report(request, report_id: int):
    return report_out(services.get_report(request.user, report_id))


@router.put(
    "/district-inspection-reports/{report_id}",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Write the district's summary (the district bureau)",
)
def put_report(request, report_id: int, body: SummaryIn):
    report = services.save_summary(
        actor=request.user,
        report=services.get_report(request.user, report_id),
        summary=body.summary,
    )
    return report_out(services.get_report(request.user, report.pk))


@router.post(
    "/district-inspection-reports/{report_id}/submit",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Submit the report to the municipal bureau (the district bureau)",
)
def submit_report(request, report_id: int):
    report = services.submit_report(
        actor=request.user, report=services.get_report(request.user, report_id)
    )
    return report_out(services.get_report(request.user, report.pk))
