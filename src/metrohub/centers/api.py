from django.shortcuts import get_object_or_404
from ninja import Router, Schema

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


@router.get("/centers", response={200: list[CenterOut], **ERRORS}, auth=None, summary="All centers")
def list_centers(request):
    return [center_out(center) for center in public_centers()]


@router.get("/centers/{code}", response={200: CenterOut, **ERRORS}, auth=None)
def get_center(request, code: str):
    return center_out(get_object_or_404(public_centers(), code=code))
