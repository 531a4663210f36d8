"""Public catalogue API: search with facets, "who can measure this?", one line; the content of a
capability-change case and the public announcements of changed capabilities."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from metrohub.catalogue.importing import line_json as _line_json
from metrohub.catalogue.models import Area, CapabilityLine, ChangeRequest, ServiceKind
from metrohub.catalogue.search import SEARCH_CAP, Filters, search_page
from metrohub.catalogue.services import (
    MAX_NOTE,
    add_change_item,
    announced_changes,
    change_case,
    change_items,
    change_record,
    find_capable,
    remove_change_item,
)
from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.core.ratelimit import rate_limited


def line_json(line) -> dict:
    """A line as the API gives it: decimals written out in full (100, never 1E+2)."""
    data = _line_json(line)
    for key, value in (("range_lower", line.range_lower), ("range_upper", line.range_upper)):
        if value is not None:
            data[key] = plain_decimal(value)
    return data


def plain_decimal(value) -> str:
    return format(value.normalize(), "f")


router = Router(tags=["catalogue"])


class UncertaintyOut(Schema):
    form: str
    value: str | None
    value_max: str | None
    formula: str | None
    table: list[list[str]] | None
    relative: bool
    unit: str | None
    k: str | None
    p: str | None


class CapabilityOut(Schema):
    id: int
    center: str
    center_name: str
    status: str
    version: int
    kind: str
    area: str
    branch: str
    industry_domain: str
    measurand: str
    instrument: str
    conditions: str
    range_lower: str | None
    range_upper: str | None
    unit: str
    uncertainty: UncertaintyOut
    accuracy: str
    methods: list[str]
    cnas: bool
    published_on: str | None


class FacetOut(Schema):
    value: str
    label: str
    count: int


class FacetsOut(Schema):
    area: list[FacetOut]
    kind: list[FacetOut]
    region: list[FacetOut]
    center: list[FacetOut]


class SearchOut(Schema):
    count: int = Field(
        ...,
        description=f"matching lines; when count_exact is false, more than this many match "
        f"(counting stops at {SEARCH_CAP:,}; facets and pages cover those lines)",
    )
    count_exact: bool
    page: int
    pages: int
    results: list[CapabilityOut]
    facets: FacetsOut


class SearchIn(Schema):
    q: str = Field("", max_length=100, description="Chinese or English text, any length")
    area: Area | None = None
    kind: ServiceKind | None = None
    center: str = Field("", max_length=32)
    region: str = Field("", max_length=6, description="province-level division code")
    domain: str = Field("", max_length=50, description="industry")
    page: int = Field(1, ge=1, le=100000)
    page_size: int = Field(20, ge=1, le=100)


class FindIn(Schema):
    quantity: str = Field(..., min_length=1, max_length=100)
    value: Decimal = Field(..., gt=-1e12, lt=1e12, allow_inf_nan=False)
    unit: str = Field(..., min_length=1, max_length=32)
    uncertainty: Decimal | None = Field(None, gt=0, lt=1e12, allow_inf_nan=False)
    relative: bool = False
    kind: ServiceKind | None = None


class CenterRef(Schema):
    code: str
    name: str
    director: str
    email: str
    phone: str


class MatchOut(Schema):
    line: CapabilityOut
    uncertainty_at_value: float
    unit: str
    center: CenterRef


@router.get(
    "/capabilities",
    response={200: SearchOut, **ERRORS},
    auth=None,
    summary="Search the published capability catalogue (public)",
)
@rate_limited("search")
def search_capabilities(request, filters: Query[SearchIn]):
    page = search_page(
        Filters(
            q=filters.q,
            area=filters.area or "",
            kind=filters.kind or "",
            center=filters.center,
            region=filters.region,
            domain=filters.domain,
        ),
        page=filters.page,
        page_size=filters.page_size,
    )
    return {
        "count": page.count,
        "count_exact": page.count_exact,
        "page": page.number,
        "pages": page.pages,
        "results": [line_json(line) for line in page.lines],
        "facets": page.facets,
    }


@router.get(
    "/capabilities/find",
    response={200: list[MatchOut], **ERRORS},
    auth=None,
    summary="Who can measure this for me? Lines covering the value with a small enough U",
)
@rate_limited("search")
def find_capabilities(request, query: Query[FindIn]):
    matches = find_capable(
        quantity=query.quantity,
        value=query.value,
        unit=query.unit,
        uncertainty=query.uncertainty,
        uncertainty_relative=query.relative,
        kind=query.kind or "",
    )
    return [
        {
            "line": line_json(m.line),
            "uncertainty_at_value": m.uncertainty,
            "unit": m.unit,
            "center": {
                "code": m.line.center.code,
                "name": m.line.center.name,
                "director": m.line.center.director_name,
                "email": m.line.center.contact_email,
                "phone": m.line.center.contact_phone,
            },
        }
        for m in matches
    ]


@router.get(
    "/capabilities/{line_id}",
    response={200: CapabilityOut, **ERRORS},
    auth=None,
    summary="One published capability line (public)",
)
def get_capability(request, line_id: int):
    line = get_object_or_404(
        CapabilityLine.objects.select_related("center"),
        pk=line_id,
        status=CapabilityLine.Status.PUBLISHED,
    )
    return line_json(line)


# ------------------------------------------------- the capability-change procedure (Hubei art. 16)


class ChangeItemIn(Schema):
    action: ChangeRequest.Action
    reason: str = Field(..., min_length=1, max_length=MAX_NOTE)
    line: int | None = Field(None, ge=1, description="the line changed or withdrawn")
    row: dict[str, str] = Field(
        default_factory=dict,
        description="the new line as template cells (GET /capabilities/{id} names them), for an "
        "added or changed line",
    )


class ChangeItemOut(Schema):
    id: int
    action: str
    action_name: str
    status: str
    status_name: str
    reason: str
    line: int | None
    before: CapabilityOut | None
    proposed: dict[str, str]
    effective_on: dt.date | None


class AcceptanceOut(Schema):
    panel: list[str] = []
    on: dt.date | None = None
    findings: list[str] = []
    conclusion: str = ""
    concluded_on: dt.date | None = None


class AnnouncementOut(Schema):
    document_number: str
    document_date: dt.date


class RefusalOut(Schema):
    reasons: str
    on: dt.date | None


class CapabilityChangeOut(Schema):
    case: int
    center: str
    center_name: str
    state: str
    state_name: str
    article: str
    items: list[ChangeItemOut]
    acceptance: AcceptanceOut | None
    announcement: AnnouncementOut | None
    refusal: RefusalOut | None


def item_json(item: ChangeRequest) -> dict:
    before = None
    if item.line is not None and item.status != ChangeRequest.Status.ANNOUNCED:
        before = line_json(item.line)
    return {
        "id": item.pk,
        "action": item.action,
        "action_name": item.get_action_display(),
        "status": item.status,
        "status_name": item.get_status_display(),
        "reason": item.reason,
        "line": item.line_id,
        "before": before,
        "proposed": (item.proposed or {}).get("row", {}),
        "effective_on": item.effective_on,
    }


def change_json(case) -> dict:
    return {
        "case": case.pk,
        "center": case.center.code,
        "center_name": case.center.name,
        "state": case.state,
        "state_name": case.pack.stage(case.state).name_zh,
        "article": case.pack.stage(case.state).article,
        "items": [item_json(i) for i in change_items(case)],
        **change_record(case),
    }


@router.get(
    "/cases/{case_id}/capability-change",
    response={200: CapabilityChangeOut, **ERRORS},
    summary="The lines a capability change adds, changes and withdraws, and its record",
)
def get_capability_change(request, case_id: int):
    return change_json(change_case(request.user, case_id))


@router.post(
    "/cases/{case_id}/capability-change/items",
    response={201: ChangeItemOut, **WRITE_ERRORS},
    summary="Add a line to add, change or withdraw (the center's director, before submitting)",
)
def post_change_item(request, case_id: int, body: ChangeItemIn):
    item = add_change_item(
        actor=request.user,
        case=change_case(request.user, case_id),
        action=body.action,
        reason=body.reason,
        line_id=body.line,
        row=body.row,
    )
    return Status(201, item_json(item))


@router.delete(
    "/cases/{case_id}/capability-change/items/{item_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Take a line out of the change request (before submitting)",
)
def delete_change_item(request, case_id: int, item_id: int):
    remove_change_item(actor=request.user, case=change_case(request.user, case_id), item_id=item_id)
    return Status(204, None)


class AnnouncementsIn(Schema):
    center: str = Field("", max_length=32, description="a center's code")
    page: int = Field(1, ge=1, le=10000)


class AnnouncementListOut(Schema):
    case: int
    center: str
    center_name: str
    document_number: str
    document_date: dt.date
    article: str
    items: list[ChangeItemOut]


@router.get(
    "/capability-announcements",
    response={200: list[AnnouncementListOut], **ERRORS},
    auth=None,
    summary="Announced changes of committed capabilities, newest first (public)",
)
def list_announcements(request, filters: Query[AnnouncementsIn]):
    cases = announced_changes(center=filters.center, page=filters.page)
    return [announcement_json(case) for case in cases]


def announcement_json(case) -> dict:
    """One announcement as the public reads it (`announced_changes` attached its items and
    decision)."""
    return {
        "case": case.pk,
        "center": case.center.code,
        "center_name": case.center.name,
        "document_number": case.announcement.document_number,
        "document_date": case.announcement.document_date,
        "article": case.announcement.article,
        "items": [item_json(i) for i in case.items],
    }
