"""The open-sharing API: resources (public reading, the director's writing), availability,
bookings and usage statistics. Thin over services.

A booking refused because a confirmed one overlaps answers 409 with the slot that booking holds:
in the message, and as `errors: [{"field": "slot", "message": "<start>/<end>"}]` (ISO 8601).
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from metrohub.accounts.models import Role
from metrohub.accounts.roles import holds
from metrohub.alliances.scope import directed_centers
from metrohub.centers.scope import public_centers, regulated_centers
from metrohub.core.api import ERRORS, WRITE_ERRORS, api, error_response
from metrohub.organisations.models import Organisation
from metrohub.sharing import services
from metrohub.sharing.models import Booking, Resource
from metrohub.sharing.scope import (
    bookings_for,
    managed_resources,
    may_book,
    visible_resources,
)

router = Router(tags=["sharing"])

PAGE_SIZE = 50


@api.exception_handler(services.SlotTaken)
def on_slot_taken(request, exc: services.SlotTaken):
    start, end = exc.slot
    slot = f"{services.local(start).isoformat()}/{services.local(end).isoformat()}"
    return error_response(
        request, 409, "conflict", exc.message, [{"field": "slot", "message": slot}]
    )


# ------------------------------------------------------------------------------------ schemas


HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class OpeningOut(Schema):
    weekday: int = Field(description="0 Monday … 6 Sunday")
    opens: str = Field(pattern=HHMM, description="local wall-clock time, HH:MM")
    closes: str = Field(pattern=HHMM)


class OpeningIn(Schema):
    weekday: int = Field(ge=0, le=6, description="0 Monday … 6 Sunday")
    opens: str = Field(pattern=HHMM, description="local wall-clock time, HH:MM")
    closes: str = Field(pattern=HHMM)


class ResourceOut(Schema):
    id: int
    center: str
    center_name: str
    owner_id: int
    owner: str
    kind: str
    name: str
    model_number: str
    description: str
    location: str
    capability_line_ids: list[int]
    rules_of_use: str
    fees: str
    hourly_fee: Decimal | None
    audience: str = Field(description="anyone, members or approved")
    approval_required: bool
    lead_time_hours: int
    cancel_hours: int
    max_hours: int
    closed_on_holidays: bool
    status: str
    opening_hours: list[OpeningOut]
    can_book: bool = Field(description="whether the caller may book it")


class ResourcePage(Schema):
    count: int
    page: int
    pages: int
    results: list[ResourceOut]


class ResourceIn(Schema):
    center: str = Field(max_length=32)
    owner_id: int | None = Field(None, description="the center's host (default) or a member")
    kind: str = Field(max_length=16, description="instrument, test_site or laboratory")
    name: str = Field(max_length=200)
    model_number: str = Field("", max_length=200)
    description: str = Field("", max_length=5000)
    location: str = Field("", max_length=300)
    capability_line_ids: list[int] = Field([], max_length=200)
    rules_of_use: str = Field("", max_length=5000)
    fees: str = Field("", max_length=2000)
    hourly_fee: Decimal | None = Field(None, ge=0, le=99999999, decimal_places=2)
    audience: str = Field("anyone", max_length=16)
    approved_organisation_ids: list[int] = Field([], max_length=200)
    approval_required: bool = True
    lead_time_hours: int = Field(24, ge=0, le=2160)
    cancel_hours: int = Field(24, ge=0, le=2160)
    max_hours: int = Field(8, ge=1, le=24)
    closed_on_holidays: bool = True
    opening_hours: list[OpeningIn] = Field([], max_length=50)


class ResourcePatch(Schema):
    name: str | None = Field(None, max_length=200)
    model_number: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    location: str | None = Field(None, max_length=300)
    rules_of_use: str | None = Field(None, max_length=5000)
    fees: str | None = Field(None, max_length=2000)
    hourly_fee: Decimal | None = Field(None, ge=0, le=99999999, decimal_places=2)
    audience: str | None = Field(None, max_length=16)
    approval_required: bool | None = None
    lead_time_hours: int | None = Field(None, ge=0, le=2160)
    cancel_hours: int | None = Field(None, ge=0, le=2160)
    max_hours: int | None = Field(None, ge=1, le=24)
    closed_on_holidays: bool | None = None
    status: str | None = Field(None, max_length=16)
    opening_hours: list[OpeningIn] | None = Field(None, max_length=50)
    capability_line_ids: list[int] | None = Field(None, max_length=200)
    approved_organisation_ids: list[int] | None = Field(None, max_length=200)


class SpanOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str = Field(description="open, free, booking (confirmed), requested or blackout")


class DayOut(Schema):
    date: dt.date
    holiday: str
    open: list[SpanOut]
    busy: list[SpanOut]
    free: list[SpanOut]


class AvailabilityOut(Schema):
    resource: int
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    days: list[DayOut]


# Opening hours are kept in today's local time; years far off have no such time (Asia/Shanghai
# before 1901 is local mean time, +08:05:43, which ISO 8601 cannot write).
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


class PeriodIn(Schema):
    start: dt.date = Field(
        alias="from", ge=FIRST_DAY, le=LAST_DAY, description="the first day (YYYY-MM-DD)"
    )
    end: dt.date = Field(
        alias="to", ge=FIRST_DAY, le=LAST_DAY, description="the last day, at most 61 days later"
    )


class BookingIn(Schema):
    starts_at: dt.datetime = Field(
        description="local time (Asia/Shanghai) unless an offset is given"
    )
    ends_at: dt.datetime
    purpose: str = Field(max_length=500)
    planned_samples: int = Field(0, ge=0, le=100000)
    organisation_id: int | None = None


class BookingOut(Schema):
    id: int
    resource_id: int
    resource: str
    center: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    status: str = Field(description="requested, confirmed, refused or cancelled")
    purpose: str
    planned_samples: int
    requester: str
    organisation: str
    fee: Decimal | None
    refusal_reason: str
    cancel_reason: str
    late_cancellation: bool
    used_hours: Decimal | None
    samples: int | None
    outcome: str
    created_at: dt.datetime


class BookingPage(Schema):
    count: int
    page: int
    pages: int
    results: list[BookingOut]


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


class UsageIn(Schema):
    used_hours: Decimal = Field(ge=0, le=24, decimal_places=2)
    samples: int | None = Field(None, ge=0, le=100000)
    outcome: str = Field("", max_length=1000)


class BlackoutIn(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str = Field(max_length=16, description="maintenance, calibration or other")
    note: str = Field("", max_length=300)


class BlackoutOut(Schema):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    note: str


class PhotoOut(Schema):
    id: int
    sha256: str
    content_type: str


class UsageRowOut(Schema):
    id: int | None
    label: str
    bookings: int
    booked_hours: float
    used_hours: float
    fees: Decimal


class UsageOut(Schema):
    year: int
    bookings: int
    booked_hours: float
    used_hours: float
    fees: Decimal
    by_resource: list[UsageRowOut]
    by_organisation: list[UsageRowOut]


# ------------------------------------------------------------------------------------ helpers


def resource_out(resource: Resource, user) -> dict:
    return {
        "id": resource.pk,
        "center": resource.center.code,
        "center_name": resource.center.name,
        "owner_id": resource.owner_id,
        "owner": resource.owner.name,
        "kind": resource.kind,
        "name": resource.name,
        "model_number": resource.model_number,
        "description": resource.description,
        "location": resource.location,
        "capability_line_ids": sorted(line.pk for line in resource.capability_lines.all()),
        "rules_of_use": resource.rules_of_use,
        "fees": resource.fees,
        "hourly_fee": resource.hourly_fee,
        "audience": resource.audience,
        "approval_required": resource.approval_required,
        "lead_time_hours": resource.lead_time_hours,
        "cancel_hours": resource.cancel_hours,
        "max_hours": resource.max_hours,
        "closed_on_holidays": resource.closed_on_holidays,
        "status": resource.status,
        "opening_hours": [
            {"weekday": h.weekday, "opens": f"{h.opens:%H:%M}", "closes": f"{h.closes:%H:%M}"}
            for h in resource.opening_hours.all()
        ],
        "can_book": resource.status == Resource.Status.OPEN and may_book(user, resource),
    }


def booking_out(b: Booking) -> dict:
    return {
        "id": b.pk,
        "resource_id": b.resource_id,
        "resource": b.resource.name,
        "center": b.resource.center.code,
        "starts_at": services.local(b.starts_at),
        "ends_at": services.local(b.ends_at),
        "status": b.status,
        "purpose": b.purpose,
        "planned_samples": b.planned_samples,
        "requester": str(b.requester),
        "organisation": b.organisation.name if b.organisation else "",
        "fee": b.fee,
        "refusal_reason": b.refusal_reason,
        "cancel_reason": b.cancel_reason,
        "late_cancellation": b.late_cancellation,
        "used_hours": b.used_hours,
        "samples": b.samples,
        "outcome": b.outcome,
        "created_at": b.created_at,
    }


def _resource(request, resource_id: int) -> Resource:
    return get_object_or_404(
        visible_resources(request.user).prefetch_related("opening_hours", "capability_lines"),
        pk=resource_id,
    )


def _managed_resource(request, resource_id: int) -> Resource:
    """For the director's writes: 403 without the role, 404 for another center's resource."""
    if not request.auth.has_perm("sharing.run_resources"):
        raise PermissionDenied(_("Your role does not allow this."))
    return get_object_or_404(managed_resources(request.auth), pk=resource_id)


def _opening(rows) -> list | None:
    if rows is None:
        return None
    return [(r["weekday"], r["opens"], r["closes"]) for r in rows]


def _page(queryset, page: int, out):
    paginator = Paginator(queryset, PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [out(item) for item in current.object_list],
    }


# ---------------------------------------------------------------------------------- resources


@router.get(
    "/resources",
    response={200: ResourcePage, **ERRORS},
    auth=None,
    summary="Shared instruments, test sites and labs open for booking (public)",
)
def list_resources(
    request,
    q: str = Query("", max_length=100),
    kind: str = Query("", max_length=16),
    center: str = Query("", max_length=32),
    line: int | None = Query(None, ge=1, description="linked to this capability line"),
    page: int = Query(1, ge=1, le=100000),
):
    resources = visible_resources(request.user).prefetch_related(
        "opening_hours", "capability_lines"
    )
    if q.strip():
        term = q.strip()
        resources = resources.filter(
            Q(name__icontains=term)
            | Q(description__icontains=term)
            | Q(model_number__icontains=term)
            | Q(capability_lines__measurand__icontains=term)
        ).distinct()
    if kind:
        resources = resources.filter(kind=kind)
    if center:
        resources = resources.filter(center__code=center.upper())
    if line:
        resources = resources.filter(capability_lines__pk=line)
    return _page(
        resources.order_by("center__code", "name", "pk"),
        page,
        lambda r: resource_out(r, request.user),
    )


@router.post(
    "/resources",
    response={201: ResourceOut, **WRITE_ERRORS},
    summary="Offer a resource for open sharing (the center's director)",
)
def create_resource(request, payload: ResourceIn):
    data = payload.dict()
    center = get_object_or_404(public_centers(), code=data.pop("center").strip().upper())
    owner_id = data.pop("owner_id")
    owner = get_object_or_404(Organisation, pk=owner_id) if owner_id else None
    resource = services.create_resource(
        actor=request.auth,
        center=center,
        owner=owner,
        opening_hours=_opening(data.pop("opening_hours")),
        line_ids=data.pop("capability_line_ids"),
        approved_organisation_ids=data.pop("approved_organisation_ids"),
        **data,
    )
    return Status(201, resource_out(resource, request.auth))


@router.get(
    "/resources/{resource_id}",
    response={200: ResourceOut, **ERRORS},
    auth=None,
    summary="One shared resource (public)",
)
def get_resource(request, resource_id: int):
    return resource_out(_resource(request, resource_id), request.user)


@router.patch(
    "/resources/{resource_id}",
    response={200: ResourceOut, **WRITE_ERRORS},
    summary="Change a resource: rules, fees, opening hours, status (the center's director)",
)
def update_resource(request, resource_id: int, payload: ResourcePatch):
    resource = _managed_resource(request, resource_id)
    data = payload.dict(exclude_unset=True)
    resource = services.update_resource(
        actor=request.auth,
        resource=resource,
        opening_hours=_opening(data.pop("opening_hours", None)),
        line_ids=data.pop("capability_line_ids", None),
        approved_organisation_ids=data.pop("approved_organisation_ids", None),
        **{k: v for k, v in data.items() if v is not None or k == "hourly_fee"},
    )
    return resource_out(resource, request.auth)


@router.get(
    "/resources/{resource_id}/availability",
    response={200: AvailabilityOut, **ERRORS},
    auth=None,
    by_alias=True,
    summary="Opening hours, busy and free times day by day, at most 62 days (public)",
)
def get_availability(
    request,
    resource_id: int,
    period: Query[PeriodIn],
):
    start, end = period.start, period.end
    resource = _resource(request, resource_id)
    days = services.availability(resource=resource, first=start, last=end)

    def spans(items):
        return [
            {
                "starts_at": services.local(s.starts_at),
                "ends_at": services.local(s.ends_at),
                "kind": s.kind,
            }
            for s in items
        ]

    return {
        "resource": resource.pk,
        "from": start,
        "to": end,
        "days": [
            {
                "date": d.date,
                "holiday": d.holiday,
                "open": spans(d.open),
                "busy": spans(d.busy),
                "free": spans(d.free),
            }
            for d in days
        ],
    }


@router.post(
    "/resources/{resource_id}/blackouts",
    response={201: BlackoutOut, **WRITE_ERRORS},
    summary="Close a resource for a period: maintenance, its own calibration (the director)",
)
def add_blackout(request, resource_id: int, payload: BlackoutIn):
    resource = _managed_resource(request, resource_id)
    b = services.add_blackout(actor=request.auth, resource=resource, **payload.dict())
    return Status(
        201,
        {
            "id": b.pk,
            "starts_at": services.local(b.starts_at),
            "ends_at": services.local(b.ends_at),
            "reason": b.reason,
            "note": b.note,
        },
    )


@router.post(
    "/resources/{resource_id}/photos",
    response={201: PhotoOut, **WRITE_ERRORS},
    summary="Add a photo of a resource (the director)",
)
def add_photo(request, resource_id: int, file: File[UploadedFile], caption: Form[str] = ""):
    resource = _managed_resource(request, resource_id)
    photo = services.add_photo(
        actor=request.auth,
        resource=resource,
        content=file.read(),
        filename=file.name or "",
        caption=caption[:200],
    )
    return Status(201, {"id": photo.pk, "sha256": photo.sha256, "content_type": photo.content_type})


# ---------------------------------------------------------------------------------- bookings


@router.post(
    "/resources/{resource_id}/bookings",
    response={201: BookingOut, **WRITE_ERRORS},
    summary="Book a resource: confirmed at once or awaiting approval; 409 names a taken slot",
)
def create_booking(request, resource_id: int, payload: BookingIn):
    resource = _resource(request, resource_id)
    organisation = (
        get_object_or_404(Organisation, pk=payload.organisation_id)
        if payload.organisation_id
        else None
    )
    booking = services.request_booking(
        actor=request.auth,
        resource=resource,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        purpose=payload.purpose,
        planned_samples=payload.planned_samples,
        organisation=organisation,
    )
    return Status(201, booking_out(booking))


@router.get(
    "/bookings",
    response={200: BookingPage, **ERRORS},
    summary="Bookings the caller made and those of the resources the caller runs",
)
def list_bookings(
    request,
    status: str = Query("", max_length=16),
    resource: int | None = Query(None, ge=1, le=2**63 - 1),
    page: int = Query(1, ge=1, le=100000),
):
    bookings = bookings_for(request.auth)
    if status:
        bookings = bookings.filter(status=status)
    if resource:
        bookings = bookings.filter(resource_id=resource)
    return _page(bookings.order_by("-starts_at", "-pk"), page, booking_out)


def _booking(request, booking_id: int) -> Booking:
    return get_object_or_404(bookings_for(request.auth), pk=booking_id)


@router.get("/bookings/{booking_id}", response={200: BookingOut, **ERRORS}, summary="One booking")
def get_booking(request, booking_id: int):
    return booking_out(_booking(request, booking_id))


@router.post(
    "/bookings/{booking_id}/approve",
    response={200: BookingOut, **WRITE_ERRORS},
    summary="Approve a booking request (the center); 409 names a taken slot",
)
def approve_booking(request, booking_id: int):
    booking = services.approve_booking(actor=request.auth, booking=_booking(request, booking_id))
    return booking_out(booking)


@router.post(
    "/bookings/{booking_id}/refuse",
    response={200: BookingOut, **WRITE_ERRORS},
    summary="Refuse a booking request, with the reason (the center)",
)
def refuse_booking(request, booking_id: int, payload: ReasonIn):
    booking = services.refuse_booking(
        actor=request.auth, booking=_booking(request, booking_id), reason=payload.reason
    )
    return booking_out(booking)


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, **WRITE_ERRORS},
    summary="Cancel a booking under the resource's policy; the slot is free again",
)
def cancel_booking(request, booking_id: int, payload: ReasonIn):
    booking = services.cancel_booking(
        actor=request.auth, booking=_booking(request, booking_id), reason=payload.reason
    )
    return booking_out(booking)


@router.post(
    "/bookings/{booking_id}/usage",
    response={200: BookingOut, **WRITE_ERRORS},
    summary="Record the use after the booked time began: hours, samples, outcome (the center)",
)
def record_usage(request, booking_id: int, payload: UsageIn):
    booking = services.record_usage(
        actor=request.auth, booking=_booking(request, booking_id), **payload.dict()
    )
    return booking_out(booking)


# -------------------------------------------------------------------------------- statistics


def usage_out(usage: services.Usage) -> dict:
    def row(r):
        return {
            "id": r.key,
            "label": r.label,
            "bookings": r.bookings,
            "booked_hours": r.booked_hours,
            "used_hours": r.used_hours,
            "fees": r.fees,
        }

    return {
        "year": usage.year,
        "bookings": usage.total.bookings,
        "booked_hours": usage.total.booked_hours,
        "used_hours": usage.total.used_hours,
        "fees": usage.total.fees,
        "by_resource": [row(r) for r in usage.by_resource],
        "by_organisation": [row(r) for r in usage.by_organisation],
    }


def statistics_centers(user):
    """Centers whose usage the person may read: those they direct or regulate (None: the role
    reads none at all, 403)."""
    if not user.has_perm("sharing.view_usage"):
        return None
    if holds(user, Role.PLATFORM_ADMIN):
        return public_centers()
    ids = set(directed_centers(user).values_list("pk", flat=True))
    ids |= set(regulated_centers(user).values_list("pk", flat=True))
    return public_centers().filter(pk__in=ids)


@router.get(
    "/centers/{code}/sharing-usage",
    response={200: UsageOut, **ERRORS},
    summary="Use of a center's shared resources in a year: hours, by whom, fees",
)
def center_usage(request, code: str, year: int = Query(..., ge=2000, le=2100)):
    centers = statistics_centers(request.auth)
    if centers is None:
        raise PermissionDenied(_("Your role does not allow this."))
    center = centers.filter(code=code).first()
    if center is None:
        raise Http404
    return usage_out(services.usage_statistics(year=year, center=center))


@router.get(
    "/resources/{resource_id}/usage",
    response={200: UsageOut, **ERRORS},
    summary="Use of one resource in a year (its center's director, the regulator)",
)
def resource_usage(request, resource_id: int, year: int = Query(..., ge=2000, le=2100)):
    centers = statistics_centers(request.auth)
    if centers is None:
        raise PermissionDenied(_("Your role does not allow this."))
    resource = get_object_or_404(
        Resource.objects.select_related("center"), pk=resource_id, center__in=centers
    )
    return usage_out(services.usage_statistics(year=year, resource=resource))
