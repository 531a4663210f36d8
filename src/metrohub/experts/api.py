from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from metrohub.core.api import ERRORS, WRITE_ERRORS
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
    title: str = ""
    domains: list[str] = []
    areas: list[str] = []
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
