"""The alliances' API: public reading, the director's writing, membership requests. Thin over
services; what the public reads never includes contacts of members or pending requests."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from metrohub.alliances import services
from metrohub.alliances.models import Activity, Alliance, Member
from metrohub.alliances.scope import can_manage, public_alliances
from metrohub.centers.scope import public_centers
from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.organisations.models import Organisation

router = Router(tags=["alliances"])

PAGE_SIZE = 50


class DutyOut(Schema):
    center: str
    code: str
    name: str
    article: str
    year: int
    required: int
    count: int
    status: str = Field(description="met, due or late")
    due_on: dt.date


class AllianceOut(Schema):
    id: int
    name: str
    name_en: str
    center: str
    center_name: str
    purpose: str
    founded_on: dt.date | None
    contact_name: str
    contact_email: str
    contact_phone: str
    members: int
    has_charter: bool
    duty: DutyOut | None


class AlliancePage(Schema):
    count: int
    page: int
    pages: int
    results: list[AllianceOut]


class AllianceIn(Schema):
    center: str = Field(max_length=32, description="the lead center's code")
    name: str = Field(max_length=200)
    name_en: str = Field("", max_length=200)
    purpose: str = Field("", max_length=5000)
    founded_on: dt.date | None = None
    contact_name: str = Field("", max_length=100)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40)


class MemberOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    position: str
    capabilities: str
    status: str
    joined_on: dt.date | None
    left_on: dt.date | None
    contact_name: str | None = Field(None, description="to those who run the alliance only")
    contact_email: str | None = None
    contact_phone: str | None = None
    message: str | None = None
    refusal_reason: str | None = None


class MemberIn(Schema):
    organisation_id: int
    position: str = Field(max_length=16, description="upstream, midstream or downstream")
    capabilities: str = Field("", max_length=2000)
    contact_name: str = Field("", max_length=100)
    contact_email: str = Field("", max_length=254)
    contact_phone: str = Field("", max_length=40)
    joined_on: dt.date | None = None
    message: str = Field("", max_length=2000, description="with a membership request")


class DecisionIn(Schema):
    decision: str = Field(max_length=8, description="approve, refuse or end")
    reason: str = Field("", max_length=2000)
    on: dt.date | None = None


class FileOut(Schema):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    sha256: str


class ActivityOut(Schema):
    id: int
    held_on: dt.date
    kind: str
    title: str
    place: str
    member_ids: list[int]
    other_attendees: str
    attendee_count: int
    outcome: str
    files: list[FileOut]


class ActivityIn(Schema):
    held_on: dt.date
    kind: str = Field(max_length=24)
    title: str = Field(max_length=200)
    place: str = Field("", max_length=200)
    member_ids: list[int] = Field([], max_length=500)
    other_attendees: str = Field("", max_length=2000)
    attendee_count: int = Field(0, ge=0, le=100000)
    outcome: str = Field("", max_length=5000)


def duty_out(duty) -> dict | None:
    if duty is None:
        return None
    return {
        "center": duty.center_code,
        "code": duty.code,
        "name": duty.name,
        "article": duty.article,
        "year": duty.year,
        "required": duty.required,
        "count": duty.count,
        "status": duty.status,
        "due_on": duty.due_on,
    }


def alliance_out(alliance: Alliance, members: int, *, year: int | None = None) -> dict:
    duty = services.activity_duty(
        center=alliance.center,
        year=year or services.today().year,
        count=getattr(alliance, "year_activities", None),
    )
    return {
        "id": alliance.pk,
        "name": alliance.name,
        "name_en": alliance.name_en,
        "center": alliance.center.code,
        "center_name": alliance.center.name,
        "purpose": alliance.purpose,
        "founded_on": alliance.founded_on,
        "contact_name": alliance.contact_name,
        "contact_email": alliance.contact_email,
        "contact_phone": alliance.contact_phone,
        "members": members,
        "has_charter": bool(alliance.charter),
        "duty": duty_out(duty),
    }


def member_out(member: Member, *, private: bool) -> dict:
    out = {
        "id": member.pk,
        "organisation_id": member.organisation_id,
        "organisation": member.organisation.name,
        "position": member.position,
        "capabilities": member.capabilities,
        "status": member.status,
        "joined_on": member.joined_on,
        "left_on": member.left_on,
    }
    if private:
        out.update(
            contact_name=member.contact_name,
            contact_email=member.contact_email,
            contact_phone=member.contact_phone,
            message=member.message,
            refusal_reason=member.refusal_reason,
        )
    return out


def activity_out(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "held_on": activity.held_on,
        "kind": activity.kind,
        "title": activity.title,
        "place": activity.place,
        "member_ids": sorted(m.pk for m in activity.member_attendees.all()),
        "other_attendees": activity.other_attendees,
        "attendee_count": activity.attendee_count,
        "outcome": activity.outcome,
        "files": [
            {
                "id": f.pk,
                "kind": f.kind,
                "filename": f.filename,
                "content_type": f.content_type,
                "size": f.size,
                "sha256": f.sha256,
            }
            for f in activity.files.all()
        ],
    }


def _managed(request, alliance_id: int) -> Alliance:
    """For the director's writes: 403 without the role, 404 for another center's alliance."""
    if not request.auth.has_perm("alliances.run"):
        raise PermissionDenied(_("Your role does not allow this."))
    alliance = get_object_or_404(public_alliances(), pk=alliance_id)
    if not can_manage(request.auth, alliance):
        raise Http404
    return alliance


def _members_count(alliance_ids) -> dict[int, int]:
    rows = (
        Member.objects.filter(alliance_id__in=alliance_ids, status=Member.Status.ACTIVE)
        .values("alliance_id")
        .annotate(n=Count("pk"))
    )
    return {row["alliance_id"]: row["n"] for row in rows}


@router.get(
    "/alliances",
    response={200: AlliancePage, **ERRORS},
    auth=None,
    summary="Industry metrology alliances and their lead centers' yearly duty (public)",
)
def list_alliances(request, page: int = Query(1, ge=1, le=100000), center: str = ""):
    alliances = services.with_activity_counts(public_alliances(), services.today().year)
    if center:
        alliances = alliances.filter(center__code=center[:32].upper())
    paginator = Paginator(alliances.order_by("center__code"), PAGE_SIZE)
    current = paginator.get_page(page)
    counts = _members_count([a.pk for a in current.object_list])
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [alliance_out(a, counts.get(a.pk, 0)) for a in current.object_list],
    }


@router.post(
    "/alliances",
    response={201: AllianceOut, **WRITE_ERRORS},
    summary="Found the alliance a center leads (its director)",
)
def create_alliance(request, payload: AllianceIn):
    data = payload.dict()
    center = get_object_or_404(public_centers(), code=data.pop("center").strip().upper())
    alliance = services.found_alliance(actor=request.auth, center=center, **data)
    return Status(201, alliance_out(alliance, 0))


@router.get(
    "/alliances/{alliance_id}",
    response={200: AllianceOut, **ERRORS},
    auth=None,
    summary="One alliance (public)",
)
def get_alliance(request, alliance_id: int, year: int = Query(None, ge=2000, le=2100)):
    alliance = get_object_or_404(public_alliances(), pk=alliance_id)
    return alliance_out(alliance, _members_count([alliance.pk]).get(alliance.pk, 0), year=year)


@router.get(
    "/alliances/{alliance_id}/members",
    response={200: list[MemberOut], **ERRORS},
    auth=None,
    summary="Members (public: active ones; the director also sees requests and contacts)",
)
def list_members(request, alliance_id: int):
    alliance = get_object_or_404(public_alliances(), pk=alliance_id)
    private = can_manage(request.user, alliance)
    members = alliance.members.select_related("organisation").order_by("position", "pk")
    if not private:
        members = members.filter(status=Member.Status.ACTIVE)
    return [member_out(m, private=private) for m in members]


@router.post(
    "/alliances/{alliance_id}/members",
    response={201: MemberOut, **WRITE_ERRORS},
    summary="Enrol a member (the director) or ask to join (for an organisation one acts for)",
)
def add_member(request, alliance_id: int, payload: MemberIn):
    alliance = get_object_or_404(public_alliances(), pk=alliance_id)
    data = payload.dict()
    organisation = get_object_or_404(Organisation, pk=data.pop("organisation_id"))
    message = data.pop("message")
    joined_on = data.pop("joined_on")
    if can_manage(request.auth, alliance):
        member = services.add_member(
            actor=request.auth,
            alliance=alliance,
            organisation=organisation,
            joined_on=joined_on,
            **data,
        )
    else:
        member = services.request_membership(
            actor=request.auth,
            alliance=alliance,
            organisation=organisation,
            message=message,
            **data,
        )
    return Status(201, member_out(member, private=True))


@router.post(
    "/alliances/{alliance_id}/members/{member_id}/decision",
    response={200: MemberOut, **WRITE_ERRORS},
    summary="Approve or refuse a request, or record that a member left (the director)",
)
def decide_member(request, alliance_id: int, member_id: int, payload: DecisionIn):
    alliance = _managed(request, alliance_id)
    member = get_object_or_404(
        alliance.members.select_related("alliance__center", "organisation"), pk=member_id
    )
    actions = {
        "approve": lambda: services.approve_membership(
            actor=request.auth, member=member, joined_on=payload.on
        ),
        "refuse": lambda: services.refuse_membership(
            actor=request.auth, member=member, reason=payload.reason
        ),
        "end": lambda: services.end_membership(
            actor=request.auth, member=member, left_on=payload.on
        ),
    }
    if payload.decision not in actions:
        raise ValidationError(
            {"decision": [_("Choose one of: %(values)s.") % {"values": "approve、refuse、end"}]}
        )
    return member_out(actions[payload.decision](), private=True)


@router.get(
    "/alliances/{alliance_id}/activities",
    response={200: list[ActivityOut], **ERRORS},
    auth=None,
    summary="Activities of an alliance, newest first (public)",
)
def list_activities(request, alliance_id: int, year: int = Query(None, ge=2000, le=2100)):
    alliance = get_object_or_404(public_alliances(), pk=alliance_id)
    activities = alliance.activities.prefetch_related("member_attendees", "files")
    if year:
        activities = activities.filter(held_on__year=year)
    return [activity_out(a) for a in activities[:500]]


@router.post(
    "/alliances/{alliance_id}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Record an activity (the director); it counts towards the yearly duty",
)
def create_activity(request, alliance_id: int, payload: ActivityIn):
    alliance = _managed(request, alliance_id)
    activity = services.record_activity(actor=request.auth, alliance=alliance, **payload.dict())
    return Status(201, activity_out(activity))


@router.post(
    "/alliances/{alliance_id}/activities/{activity_id}/files",
    response={201: FileOut, **WRITE_ERRORS},
    summary="Attach a material or a photo to an activity (the director)",
)
def upload_activity_file(
    request, alliance_id: int, activity_id: int, kind: Form[str], file: File[UploadedFile]
):
    alliance = _managed(request, alliance_id)
    activity = get_object_or_404(alliance.activities, pk=activity_id)
    item = services.attach_activity_file(
        actor=request.auth,
        activity=activity,
        kind=kind[:16],
        content=file.read(),
        filename=file.name or "",
    )
    return Status(
        201,
        {
            "id": item.pk,
            "kind": item.kind,
            "filename": item.filename,
            "content_type": item.content_type,
            "size": item.size,
            "sha256": item.sha256,
        },
    )


@router.get(
    "/centers/{code}/activity-duty",
    response={200: DutyOut | None, **ERRORS},
    auth=None,
    summary="The center's yearly duty of alliance activities (null where its rule pack sets none)",
)
def center_duty(request, code: str, year: int = Query(None, ge=2000, le=2100)):
    center = get_object_or_404(public_centers(), code=code)
    return duty_out(services.activity_duty(center=center, year=year or services.today().year))
