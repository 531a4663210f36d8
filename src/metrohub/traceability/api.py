"""The traceability API: a certificate's or a standard's chain, recording a failed standard,
and an incident with its affected set, assessments and acknowledgements."""

import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from pydantic import Field

from metrohub.certificates import services as certificates
from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.standards.models import MeasurementStandard
from metrohub.standards.scope import visible_centers
from metrohub.traceability import chain, services
from metrohub.traceability.models import AffectedCertificate, Incident

router = Router(tags=["traceability"])


class NodeOut(Schema):
    id: str
    kind: Literal["certificate", "standard", "record", "institute"]
    kind_label: str
    level: int = Field(..., description="0 at the start, growing toward the national reference")
    parent: str | None
    name: str
    issuer: str
    number: str
    on: dt.date | None = Field(None, description="the date the link is judged on")
    issued_on: dt.date | None
    valid_until: dt.date | None
    uncertainty: str
    status: str = Field(
        ...,
        description="ok, expired, missing, revoked, out_of_service, unrecognised (ends at a "
        "laboratory not recognised as a national institute) or loop",
    )
    status_label: str
    url: str


class ChainOut(Schema):
    complete: bool = Field(..., description="every branch reaches a national reference, unbroken")
    broken: bool = Field(..., description="some link was not valid on the date it was relied on")
    nodes: list[NodeOut]


class FindingIn(Schema):
    found_on: dt.date
    last_good_on: dt.date
    effect: str = Field(..., max_length=2000)
    cause: Literal["out_of_tolerance", "revoked"] = "out_of_tolerance"
    instrument: int | None = Field(None, ge=1, le=2**31)


class IncidentOut(Schema):
    id: int
    center: str
    standard: int
    standard_name: str
    instrument: int | None
    cause: str
    found_on: dt.date
    last_good_on: dt.date
    effect: str
    state: str
    affected: int


class AffectedOut(Schema):
    id: int
    certificate: str
    level: int
    via: str | None
    center: str
    customer: str
    measured_on: dt.date
    assessment: str
    reason: str


class AssessmentIn(Schema):
    assessment: Literal["no_effect", "reissue", "revoke"]
    reason: str = Field(..., max_length=500)


class IncidentNoticeOut(Schema):
    customer: str
    notified_at: dt.datetime
    acknowledged_at: dt.datetime | None


def incident_out(incident: Incident, count: int) -> dict:
    return {
        "id": incident.pk,
        "center": incident.center.code,
        "standard": incident.standard_id,
        "standard_name": incident.standard.name,
        "instrument": incident.instrument_id,
        "cause": incident.cause,
        "found_on": incident.found_on,
        "last_good_on": incident.last_good_on,
        "effect": incident.effect,
        "state": incident.state,
        "affected": count,
    }


def affected_out(row: AffectedCertificate) -> dict:
    return {
        "id": row.pk,
        "certificate": row.certificate.number,
        "level": row.depth,
        "via": row.via.number if row.via_id else None,
        "center": row.center.code,
        "customer": row.customer.name,
        "measured_on": row.certificate.job.measured_on,
        "assessment": row.assessment,
        "reason": row.reason,
    }


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _standard(request, pk: int) -> MeasurementStandard:
    _require(request, "standards.view")
    return get_object_or_404(
        MeasurementStandard.objects.filter(center__in=visible_centers(request.user)).select_related(
            "center"
        ),
        pk=pk,
    )


@router.get(
    "/certificates/{number}/chain",
    response={200: ChainOut, **ERRORS},
    summary="A certificate's traceability chain up to a national reference, each link judged "
    "on the date it was relied on",
)
def certificate_chain(request, number: str):
    certificate = certificates.get_certificate(request.user, number[:40])
    return chain.of_certificate(certificate).as_dict()


@router.get(
    "/standards/{pk}/chain",
    response={200: ChainOut, **ERRORS},
    summary="A measurement standard's traceability chain on a date (default today)",
)
def standard_chain(request, pk: int, on: dt.date | None = None):
    standard = _standard(request, pk)
    return chain.of_standard(standard, on or services.today()).as_dict()


@router.post(
    "/standards/{pk}/out-of-tolerance",
    response={201: IncidentOut, **WRITE_ERRORS},
    summary="Record a standard found out of tolerance (or its certificate revoked): computes "
    "the affected certificates and notifies the customers",
)
def out_of_tolerance(request, pk: int, body: FindingIn):
    standard = _standard(request, pk)
    instrument = None
    if body.instrument is not None:
        instrument = get_object_or_404(standard.instruments.all(), pk=body.instrument)
    incident = services.record_finding(
        actor=request.user, standard=standard, instrument=instrument, found_on=body.found_on,
        last_good_on=body.last_good_on, effect=body.effect, cause=body.cause,
    )  # fmt: skip
    return Status(201, incident_out(incident, incident.affected.count()))


@router.get(
    "/incidents", response={200: list[IncidentOut], **ERRORS}, summary="Incidents I may see"
)
def list_incidents(request, limit: int = Query(50, ge=1, le=200)):
    _require(request, "traceability.view")
    incidents = list(services.incidents_for(request.user)[:limit])
    counts = services.affected_counts([i.pk for i in incidents])
    return [incident_out(i, counts.get(i.pk, 0)) for i in incidents]


@router.get("/incidents/{pk}", response={200: IncidentOut, **ERRORS}, summary="An incident")
def get_incident(request, pk: int):
    _require(request, "traceability.view")
    incident = services.get_incident(request.user, pk)
    return incident_out(incident, services.affected_rows(request.user, incident).count())


@router.get(
    "/incidents/{pk}/affected",
    response={200: list[AffectedOut], **ERRORS},
    summary="The affected certificates I may see, by center and customer",
)
def affected(request, pk: int):
    _require(request, "traceability.view")
    incident = services.get_incident(request.user, pk)
    return [affected_out(row) for row in services.affected_rows(request.user, incident)]


@router.post(
    "/incidents/{pk}/affected/{row}/assessment",
    response={200: AffectedOut, **WRITE_ERRORS},
    summary="The affected center's assessment of one certificate, with its reason",
)
def assess(request, pk: int, row: int, body: AssessmentIn):
    _require(request, "traceability.view")
    incident = services.get_incident(request.user, pk)
    found = get_object_or_404(services.affected_rows(request.user, incident), pk=row)
    services.assess(actor=request.user, row=found, assessment=body.assessment, reason=body.reason)
    return affected_out(services.affected_rows(request.user, incident).get(pk=row))


@router.post(
    "/incidents/{pk}/acknowledge",
    response={200: IncidentNoticeOut, **WRITE_ERRORS},
    summary="Acknowledge the incident's notice for my organisation (an affected customer)",
)
def acknowledge(request, pk: int):
    _require(request, "traceability.view")
    incident = services.get_incident(request.user, pk)
    notice = services.acknowledge(actor=request.user, incident=incident)
    return {
        "customer": notice.customer.name,
        "notified_at": notice.notified_at,
        "acknowledged_at": notice.acknowledged_at,
    }
