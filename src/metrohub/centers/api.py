from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from metrohub.centers.listing import CENTERS
from metrohub.centers.models import Center
from metrohub.centers.scope import public_centers
from metrohub.core.api import ERRORS

router = Router(tags=["centers"])


class CenterOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    status: str
    host: str
    jurisdiction_code: str
    industry_domain: str
    director_name: str
    contact_email: str
    contact_phone: str
    established_on: str | None


def center_out(center: Center) -> dict:
    return {
        "code": center.code,
        "name": center.name,
        "name_en": center.name_en,
        "level": center.level,
        "status": center.status,
        "host": center.host.name,
        "jurisdiction_code": center.jurisdiction.code,
        "industry_domain": center.industry_domain,
        "director_name": center.director_name,
        "contact_email": center.contact_email,
        "contact_phone": center.contact_phone,
        "established_on": center.established_on.isoformat() if center.established_on else None,
    }


class CenterListIn(Schema):
    q: str = Field("", max_length=100, description="name, code, host or industry")
    region: str = Field("", max_length=6, description="a province's division code, e.g. 500000")
    industry: str = Field("", max_length=100)
    status: str = Field("", max_length=32)
    level: str = Field("", max_length=32)
    sort: Literal["", "code", "-code", "name", "-name", "established", "-established"] = ""
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=100_000)


@router.get(
    "/centers",
    response={200: list[CenterOut], **ERRORS},
    auth=None,
    summary="The registry of centers: the same search, filters and order as its page",
)
def list_centers(request, filters: Query[CenterListIn]):
    params = filters.dict(exclude={"limit", "offset"})
    listed = CENTERS.apply(public_centers(), params)
    if listed.errors:
        raise HttpError(400, " ".join(listed.errors))
    page = listed.queryset.select_related("host", "jurisdiction")
    return [center_out(c) for c in page[filters.offset : filters.offset + filters.limit]]


@router.get("/centers/{code}", response={200: CenterOut, **ERRORS}, auth=None)
def get_center(request, code: str):
    return center_out(get_object_or_404(public_centers(), code=code))
