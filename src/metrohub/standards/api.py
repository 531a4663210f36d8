"""The standards API: a center's measurement standards with their flags, instruments and
instruments' certificates, and people's authorizations."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from metrohub.accounts.models import User
from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.standards import services
from metrohub.standards.models import Authorization, MeasurementStandard, StandardInstrument
from metrohub.standards.scope import directed_centers, staffed_centers, visible_centers

router = Router(tags=["standards"])


class StandardIn(Schema):
    center: str = Field(..., max_length=32)
    name: str = Field(..., max_length=200)
    measurand: str = Field(..., max_length=200)
    range_text: str = Field("", max_length=200)
    uncertainty: str = Field("", max_length=200)
    exam_certificate_number: str = Field(..., max_length=100)
    exam_valid_until: dt.date


class StandardPatch(Schema):
    name: str | None = Field(None, max_length=200)
    measurand: str | None = Field(None, max_length=200)
    range_text: str | None = Field(None, max_length=200)
    uncertainty: str | None = Field(None, max_length=200)
    exam_certificate_number: str | None = Field(None, max_length=100)
    exam_valid_until: dt.date | None = None
    status: str | None = Field(None, max_length=16)


class InstrumentIn(Schema):
    name: str = Field(..., max_length=200)
    model: str = Field("", max_length=100)
    serial_number: str = Field("", max_length=100)
    manufacturer: str = Field("", max_length=200)
    accuracy: str = Field("", max_length=200)


class InstrumentCertificateIn(Schema):
    platform_number: str = Field(
        "", max_length=40, description="a certificate of this platform; else the fields below"
    )
    issuer: str = Field("", max_length=200)
    number: str = Field("", max_length=100)
    issued_on: dt.date | None = None
    due_on: dt.date | None = None
    uncertainty: str = Field("", max_length=200)


class InstrumentCertificateOut(Schema):
    id: int
    external: bool
    platform_number: str | None
    issuer: str
    number: str
    issued_on: dt.date
    due_on: dt.date
    uncertainty: str


class InstrumentOut(Schema):
    id: int
    name: str
    model: str
    serial_number: str
    manufacturer: str
    accuracy: str
    flag: str
    certificates: list[InstrumentCertificateOut]


class StandardOut(Schema):
    id: int
    center: str
    name: str
    measurand: str
    range_text: str
    uncertainty: str
    exam_certificate_number: str
    exam_valid_until: dt.date
    status: str
    flag: str = Field(..., description="ok, due_soon (30 days), expired or missing, as of today")
    exam_flag: str
    instruments: list[InstrumentOut]


class AuthorizationIn(Schema):
    center: str = Field(..., max_length=32)
    person: int = Field(..., ge=1, le=2**31)
    method_code: str = Field(..., max_length=60)
    may_perform: bool = False
    may_check: bool = False
    may_approve: bool = False
    valid_from: dt.date
    valid_until: dt.date
    credential: str = Field("", max_length=100)


class AuthorizationOut(Schema):
    id: int
    center: str
    person_id: int
    person: str
    method_code: str
    steps: list[str]
    valid_from: dt.date
    valid_until: dt.date
    credential: str
    revoked_at: dt.datetime | None
    revoke_reason: str


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


def standard_out(standard: MeasurementStandard) -> dict:
    status = services.status_of(standard)
    return {
        "id": standard.pk,
        "center": standard.center.code,
        "name": standard.name,
        "measurand": standard.measurand,
        "range_text": standard.range_text,
        "uncertainty": standard.uncertainty,
        "exam_certificate_number": standard.exam_certificate_number,
        "exam_valid_until": standard.exam_valid_until,
        "status": standard.status,
        "flag": status.flag,
        "exam_flag": status.exam_flag,
        "instruments": [
            {
                "id": item.instrument.pk,
                "name": item.instrument.name,
                "model": item.instrument.model,
                "serial_number": item.instrument.serial_number,
                "manufacturer": item.instrument.manufacturer,
                "accuracy": item.instrument.accuracy,
                "flag": item.flag,
                "certificates": [record_out(r) for r in item.instrument.certificates.all()],
            }
            for item in status.instruments
        ],
    }


def record_out(record) -> dict:
    linked = record.platform_certificate
    return {
        "id": record.pk,
        "external": linked is None,
        "platform_number": linked.number if linked else None,
        "issuer": record.issuer,
        "number": record.number,
        "issued_on": record.issued_on,
        "due_on": record.due_on,
        "uncertainty": record.uncertainty,
    }


def authorization_out(a: Authorization) -> dict:
    return {
        "id": a.pk,
        "center": a.center.code,
        "person_id": a.person_id,
        "person": str(a.person),
        "method_code": a.method_code,
        "steps": a.steps,
        "valid_from": a.valid_from,
        "valid_until": a.valid_until,
        "credential": a.credential,
        "revoked_at": a.revoked_at,
        "revoke_reason": a.revoke_reason,
    }


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _standard(request, pk: int) -> MeasurementStandard:
    _require(request, "standards.view")
    queryset = services.with_details(
        MeasurementStandard.objects.filter(center__in=visible_centers(request.user))
    )
    return get_object_or_404(queryset, pk=pk)


@router.get(
    "/standards",
    response={200: list[StandardOut], **ERRORS},
    summary="Measurement standards of the centers I work at or supervise, with their flags",
)
def list_standards(request, center: str | None = Query(None, max_length=32)):
    _require(request, "standards.view")
    queryset = MeasurementStandard.objects.filter(center__in=visible_centers(request.user))
    if center:
        queryset = queryset.filter(center__code=center)
    return [standard_out(s) for s in services.with_details(queryset)[:500]]


@router.post(
    "/standards",
    response={201: StandardOut, **WRITE_ERRORS},
    summary="Register a measurement standard of my center",
)
def create_standard(request, body: StandardIn):
    _require(request, "standards.manage")
    center = get_object_or_404(staffed_centers(request.user), code=body.center)
    data = body.dict()
    data.pop("center")
    standard = services.create_standard(actor=request.user, center=center, **data)
    return Status(201, standard_out(_standard(request, standard.pk)))


@router.get("/standards/{pk}", response={200: StandardOut, **ERRORS}, summary="A standard")
def get_standard(request, pk: int):
    return standard_out(_standard(request, pk))


@router.patch(
    "/standards/{pk}",
    response={200: StandardOut, **WRITE_ERRORS},
    summary="Change a standard (its examination certificate, status …)",
)
def patch_standard(request, pk: int, body: StandardPatch):
    standard = _standard(request, pk)
    services.update_standard(actor=request.user, standard=standard, **body.dict(exclude_unset=True))
    return standard_out(_standard(request, pk))


@router.post(
    "/standards/{pk}/instruments",
    response={201: StandardOut, **WRITE_ERRORS},
    summary="Add a standard instrument",
)
def add_instrument(request, pk: int, body: InstrumentIn):
    standard = _standard(request, pk)
    services.add_instrument(actor=request.user, standard=standard, **body.dict())
    return Status(201, standard_out(_standard(request, pk)))


@router.post(
    "/standards/instruments/{pk}/certificates",
    response={201: StandardOut, **WRITE_ERRORS},
    summary="Record an instrument's certificate: a platform certificate's number or an external one",
)
def add_certificate(request, pk: int, body: InstrumentCertificateIn):
    _require(request, "standards.view")
    instrument = get_object_or_404(
        StandardInstrument.objects.select_related("standard__center").filter(
            standard__center__in=visible_centers(request.user)
        ),
        pk=pk,
    )
    services.record_instrument_certificate(actor=request.user, instrument=instrument, **body.dict())
    return Status(201, standard_out(_standard(request, instrument.standard_id)))


@router.get(
    "/authorizations",
    response={200: list[AuthorizationOut], **ERRORS},
    summary="Authorizations at the centers I work at or supervise",
)
def list_authorizations(
    request,
    center: str | None = Query(None, max_length=32),
    person: int | None = Query(None, ge=1, le=2**31),
):
    _require(request, "standards.view")
    queryset = Authorization.objects.filter(
        center__in=visible_centers(request.user)
    ).select_related("center", "person")
    if center:
        queryset = queryset.filter(center__code=center)
    if person:
        queryset = queryset.filter(person_id=person)
    return [authorization_out(a) for a in queryset[:1000]]


@router.post(
    "/authorizations",
    response={201: AuthorizationOut, **WRITE_ERRORS},
    summary="Authorize a person of my center for a method (the center's director)",
)
def grant(request, body: AuthorizationIn):
    _require(request, "standards.authorize")
    center = get_object_or_404(directed_centers(request.user), code=body.center)
    data = body.dict()
    data.pop("center")
    person = User.objects.filter(pk=data.pop("person")).first()
    grant = services.grant_authorization(actor=request.user, center=center, person=person, **data)
    return Status(201, authorization_out(grant))


@router.post(
    "/authorizations/{pk}/revoke",
    response={200: AuthorizationOut, **WRITE_ERRORS},
    summary="Revoke an authorization, with the reason",
)
def revoke(request, pk: int, body: ReasonIn):
    _require(request, "standards.view")
    authorization = get_object_or_404(
        Authorization.objects.filter(center__in=visible_centers(request.user)).select_related(
            "center", "person"
        ),
        pk=pk,
    )
    if not directed_centers(request.user).filter(pk=authorization.center_id).exists():
        raise PermissionDenied
    return authorization_out(
        services.revoke_authorization(
            actor=request.user, authorization=authorization, reason=body.reason
        )
    )


__all__ = ["router", "Http404"]
