import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.experts import services
from metrohub.experts.models import ExpertProfile
from metrohub.experts.services import update_profile

router = Router(tags=["experts"])


class ExpertOut(Schema):
    id: int
    username: str
    name: str
    organisation_id: int
    title: str
    region_code: str
    domains: list[str]
    areas: list[str]
    available: bool
    active: bool


class ProfileIn(Schema):
    title: str = Field("", max_length=100)
    domains: list[str] = Field([], max_length=100)
    areas: list[str] = Field([], max_length=100)
    available: bool = True


def _out(p: ExpertProfile) -> dict:
    return {
        "id": p.pk,
        "username": p.user.get_username(),
        "name": str(p.user),
        "organisation_id": p.organisation_id,
        "title": p.title,
        "region_code": p.region.code,
        "domains": p.domains,
        "areas": p.areas,
        "available": p.available,
        "active": p.active,
    }


@router.get(
    "/experts",
    response={200: list[ExpertOut], **ERRORS},
    summary="The expert registry (regulators)",
)
def list_experts(request):
    if not request.auth.has_perm("experts.view_registry"):
        raise PermissionDenied
    return [_out(p) for p in ExpertProfile.objects.select_related("user", "region").order_by("pk")]


@router.get(
    "/experts/me", response={200: ExpertOut, **ERRORS}, summary="The caller's own expert profile"
)
def my_profile(request):
    return _out(
        get_object_or_404(ExpertProfile.objects.select_related("user", "region"), user=request.auth)
    )


@router.put(
    "/experts/me",
    response={200: ExpertOut, **WRITE_ERRORS},
    summary="Update the caller's own expert profile",
)
def update_my_profile(request, payload: ProfileIn):
    profile = get_object_or_404(
        ExpertProfile.objects.select_related("user", "region"), user=request.auth
    )
    return _out(update_profile(actor=request.auth, profile=profile, **payload.dict()))


class EmploymentIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    started: dt.date | None = None
    ended: dt.date | None = None


class EmploymentOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    started: dt.date | None
    ended: dt.date | None


class ConflictIn(Schema):
    organisation_id: int = Field(..., ge=1, le=2**62)
    reason: str = Field(..., min_length=1, max_length=300)


class ConflictOut(Schema):
    id: int
    organisation_id: int
    organisation: str
    reason: str


def _mine(request) -> ExpertProfile:
    return get_object_or_404(ExpertProfile, user=request.user)


def _organisation(pk: int):
    from metrohub.organisations.models import Organisation

    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({"organisation_id": [_("Unknown organisation.")]})
    return found


def _employment(e) -> dict:
    return {
        "id": e.pk,
        "organisation_id": e.organisation_id,
        "organisation": e.organisation.name,
        "started": e.started,
        "ended": e.ended,
    }


def _conflict(c) -> dict:
    return {
        "id": c.pk,
        "organisation_id": c.organisation_id,
        "organisation": c.organisation.name,
        "reason": c.reason,
    }


@router.get(
    "/experts/me/employments",
    response={200: list[EmploymentOut], **ERRORS},
    summary="My employment history (the panel draw excludes recent employers of the parties)",
)
def my_employments(request):
    return [_employment(e) for e in _mine(request).employments.select_related("organisation")]


@router.post(
    "/experts/me/employments",
    response={201: EmploymentOut, **WRITE_ERRORS},
    summary="Add an employment to my history",
)
def add_my_employment(request, body: EmploymentIn):
    profile = _mine(request)
    e = services.add_employment(
        actor=request.user,
        profile=profile,
        organisation=_organisation(body.organisation_id),
        started=body.started,
        ended=body.ended,
    )
    return Status(201, _employment(e))


@router.delete(
    "/experts/me/employments/{employment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove an employment from my history",
)
def remove_my_employment(request, employment_id: int):
    profile = _mine(request)
    e = get_object_or_404(profile.employments, pk=employment_id)
    services.remove_employment(actor=request.user, profile=profile, employment=e)
    return Status(204, None)


@router.get(
    "/experts/me/conflicts",
    response={200: list[ConflictOut], **ERRORS},
    summary="My declared conflicts of interest",
)
def my_conflicts(request):
    return [_conflict(c) for c in _mine(request).declared_conflicts.select_related("organisation")]


@router.post(
    "/experts/me/conflicts",
    response={201: ConflictOut, **WRITE_ERRORS},
    summary="Declare a conflict of interest with an organisation",
)
def declare_my_conflict(request, body: ConflictIn):
    profile = _mine(request)
    c = services.declare_conflict(
        actor=request.user,
        profile=profile,
        organisation=_organisation(body.organisation_id),
        reason=body.reason,
    )
    return Status(201, _conflict(c))


@router.delete(
    "/experts/me/conflicts/{conflict_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Withdraw a declared conflict",
)
def withdraw_my_conflict(request, conflict_id: int):
    profile = _mine(request)
    c = get_object_or_404(profile.declared_conflicts, pk=conflict_id)
    services.withdraw_conflict(actor=request.user, profile=profile, conflict=c)
    return Status(204, None)
