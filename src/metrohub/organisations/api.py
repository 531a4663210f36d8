from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.organisations.scope import organisations_for
from metrohub.organisations.services import register_organisation

router = Router(tags=["organisations"])


class JurisdictionOut(Schema):
    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    credit_code: str
    kind: str
    jurisdiction_code: str


class OrganisationIn(Schema):
    name: str
    name_en: str = ""
    credit_code: str
    kind: Organisation.Kind
    jurisdiction_code: str
    address: str = ""
    contact_email: str = ""
    contact_phone: str = ""


def _org_out(org: Organisation) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "name_en": org.name_en,
        "credit_code": org.credit_code,
        "kind": org.kind,
        "jurisdiction_code": org.jurisdiction.code,
    }


@router.get(
    "/jurisdictions",
    response={200: list[JurisdictionOut], **ERRORS},
    auth=None,
    summary="All jurisdictions (public)",
)
def list_jurisdictions(request):
    return [
        {
            "code": j.code,
            "name": j.name,
            "name_en": j.name_en,
            "level": j.level,
            "parent_code": j.parent.code if j.parent else None,
        }
        for j in Jurisdiction.objects.select_related("parent")
    ]


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], **ERRORS},
    summary="Organisations within the caller's scope",
)
@paginate
def list_organisations(request):
    return [_org_out(org) for org in organisations_for(request.auth).order_by("pk")]


@router.get("/organisations/{org_id}", response={200: OrganisationOut, **ERRORS})
def get_organisation(request, org_id: int):
    return _org_out(get_object_or_404(organisations_for(request.auth), pk=org_id))


@router.post(
    "/organisations",
    response={201: OrganisationOut, **WRITE_ERRORS},
    summary="Register an organisation (programme regulator)",
)
def create_organisation(request, payload: OrganisationIn):
    org = register_organisation(actor=request.auth, **payload.dict())
    return Status(201, _org_out(org))
