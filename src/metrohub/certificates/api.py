"""The certificates API: drafts with their points, the caller's signature, the issued
certificate and its files, amendment and revocation, public verification and the signing keys.

A certificate is addressed by its draft's id (digits) or, once issued, by its number.
"""

import base64
import datetime as dt
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field

from metrohub.centers.models import Center
from metrohub.certificates import services, verification
from metrohub.certificates.listing import CERTIFICATES
from metrohub.certificates.models import Certificate, Job, SigningKey
from metrohub.certificates.pdf import verify_url
from metrohub.core.api import ERRORS, WRITE_ERRORS, ErrorOut, optional_auth
from metrohub.core.bounds import digits
from metrohub.core.ratelimit import rate_limited

router = Router(tags=["certificates"])
PUBLIC_ERRORS = {404: ErrorOut, 422: ErrorOut, 429: ErrorOut}

Number = str | float | int


class PointIn(Schema):
    characteristic: str = Field("", max_length=100)
    nominal: Number = Field(..., description="decimal text, kept as typed (0.250)")
    unit: str = Field(..., max_length=32)
    readings: list[Number] = Field(default_factory=list, max_length=100)
    as_found: Number = ""
    as_left: Number = ""
    error: Number = Field("", description="computed from the indication when empty")
    mpe: Number = Field("", description="maximum permissible error (absolute, ±)")
    expanded_uncertainty: Number = ""
    coverage_k: Number = ""
    coverage_p: Number = ""
    u_source: Literal["typed", "budget"] = "typed"
    budget_values: dict[str, float | list[float]] = Field(default_factory=dict)


class JobFields(Schema):
    customer: int | None = Field(None, ge=1, le=2**31)
    kind: Literal["verification", "calibration", "testing", "measurement"] | None = None
    instrument_name: str | None = Field(None, max_length=200)
    instrument_model: str | None = Field(None, max_length=100)
    serial_number: str | None = Field(None, max_length=100)
    manufacturer: str | None = Field(None, max_length=200)
    instrument_range: str | None = Field(None, max_length=200)
    accuracy: str | None = Field(None, max_length=200)
    measurand: str | None = Field(None, max_length=200)
    method_code: str | None = Field(None, max_length=60)
    method_title: str | None = Field(None, max_length=300)
    standards: list[int] | None = Field(None, max_length=20)
    location: Literal["laboratory", "customer"] | None = None
    place: str | None = Field(None, max_length=200)
    temperature: Number | None = None
    humidity: Number | None = None
    environment_other: str | None = Field(None, max_length=300)
    measured_on: dt.date | None = None
    received_on: dt.date | None = None
    record_number: str | None = Field(None, max_length=60)
    interval_months: int | None = Field(None, ge=1, le=120)
    decision_rule: Literal["simple", "guard_band"] | None = None
    guard_band_factor: Number | None = None
    conformity_requested: bool | None = None
    remarks: str | None = Field(None, max_length=2000)
    budget: dict | None = None
    points: list[PointIn] | None = Field(None, max_length=200)


class JobIn(JobFields):
    center: str = Field(..., max_length=32, description="code of the center doing the work")
    customer: int = Field(..., ge=1, le=2**31)
    kind: Literal["verification", "calibration", "testing", "measurement"]
    instrument_name: str = Field(..., max_length=200)
    measurand: str = Field(..., max_length=200)
    method_code: str = Field(..., max_length=60)
    measured_on: dt.date


class PointOut(Schema):
    position: int
    characteristic: str
    nominal: str
    unit: str
    readings: list[str]
    as_found: str
    as_left: str
    error: str
    mpe: str
    expanded_uncertainty: str
    coverage_k: str
    coverage_p: str
    u_source: str
    conformity: str


class SignatureOut(Schema):
    step: str
    person: str
    signed_at: dt.datetime


class LinksOut(Schema):
    pdf: str
    dcc_xml: str
    dcc_sig: str
    verify: str


class IssuedOut(Schema):
    number: str
    kind: str
    status: str
    issued_at: dt.datetime
    valid_until: dt.date | None
    replaces: str | None
    replaced_by: str | None
    revoked_at: dt.datetime | None
    revoke_reason: str
    pdf_sha256: str
    xml_sha256: str
    signing_key: str
    links: LinksOut


class CertificateOut(Schema):
    id: int
    state: str
    kind: str
    center: str
    customer_id: int
    customer: str
    instrument_name: str
    instrument_model: str
    serial_number: str
    manufacturer: str
    measurand: str
    method_code: str
    method_title: str
    measured_on: dt.date
    standards: list[int]
    points: list[PointOut]
    signatures: list[SignatureOut]
    next_step: str | None
    replaces: str | None
    certificate: IssuedOut | None


class CertificateListOut(Schema):
    count: int
    items: list[IssuedOut]


class ReasonIn(Schema):
    reason: str = Field(..., max_length=500)


class SignatureCheckOut(Schema):
    algorithm: str
    key_id: str
    value: str = Field(..., description="base64 of the detached signature of the DCC XML")
    xml_intact: bool
    valid: bool


class VerificationOut(Schema):
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    center: str
    customer: str
    instrument_name: str
    instrument_model: str
    serial_number: str
    manufacturer: str
    method_code: str
    measured_on: dt.date
    issued_on: dt.date
    valid_until: dt.date | None
    replaces: str | None
    replaced_by: str | None
    revoked_at: dt.datetime | None
    revoke_reason: str
    pdf_sha256: str
    xml_sha256: str
    signature: SignatureCheckOut
    verifications: int


class SigningKeyOut(Schema):
    key_id: str
    algorithm: str
    public_key: str = Field(..., description="base64 of the raw 32-byte Ed25519 public key")
    public_key_pem: str
    valid_from: dt.datetime
    valid_until: dt.datetime | None


# ------------------------------------------------------------------------------ output


def _issued(certificate: Certificate) -> dict:
    number = certificate.number
    replaced_by = getattr(certificate, "replaced_by", None)
    return {
        "number": number,
        "kind": certificate.kind,
        "status": certificate.status,
        "issued_at": certificate.issued_at,
        "valid_until": certificate.valid_until,
        "replaces": certificate.replaces.number if certificate.replaces_id else None,
        "replaced_by": replaced_by.number if replaced_by else None,
        "revoked_at": certificate.revoked_at,
        "revoke_reason": certificate.revoke_reason,
        "pdf_sha256": certificate.pdf_sha256,
        "xml_sha256": certificate.xml_sha256,
        "signing_key": certificate.signing_key.key_id,
        "links": {
            "pdf": reverse("api:certificate_pdf", args=[number]),
            "dcc_xml": reverse("api:certificate_xml", args=[number]),
            "dcc_sig": reverse("api:certificate_sig", args=[number]),
            "verify": verify_url(certificate),
        },
    }


def _signatures(job: Job) -> list[dict]:
    out = []
    for step, person, at in (
        ("perform", job.performer, job.performed_at),
        ("check", job.checker, job.checked_at),
        ("approve", job.approver, job.approved_at),
    ):
        if person is not None:
            out.append({"step": step, "person": str(person), "signed_at": at})
    return out


def job_out(job: Job) -> dict:
    from metrohub.certificates.guards import step_for

    certificate = Certificate.objects.filter(job=job).select_related(
        "replaces", "signing_key", "replaced_by"
    ).first() if job.state == Job.State.ISSUED else None  # fmt: skip
    return {
        "id": job.pk,
        "state": job.state,
        "kind": job.kind,
        "center": job.center.code,
        "customer_id": job.customer_id,
        "customer": job.customer.name,
        "instrument_name": job.instrument_name,
        "instrument_model": job.instrument_model,
        "serial_number": job.serial_number,
        "manufacturer": job.manufacturer,
        "measurand": job.measurand,
        "method_code": job.method_code,
        "method_title": job.method_title,
        "measured_on": job.measured_on,
        "standards": sorted(job.standards.values_list("pk", flat=True)),
        "points": [{f: getattr(p, f) for f in PointOut.model_fields} for p in job.points.all()],
        "signatures": _signatures(job),
        "next_step": step_for(job),
        "replaces": job.replaces.number if job.replaces_id else None,
        "certificate": _issued(certificate) if certificate else None,
    }


def _job(request, ref: str) -> Job:
    """The draft's id (the center's own people) or an issued certificate's number."""
    if digits(ref):
        if len(ref) > 18:
            raise Http404
        return services.get_job(request.user, int(ref))
    return services.get_certificate(request.user, ref).job


def _certificate(request, ref: str) -> Certificate:
    job = _job(request, ref)
    if job.state != Job.State.ISSUED:
        raise Http404
    return Certificate.objects.select_related("center", "job", "signing_key", "replaces").get(
        job=job
    )


def _data(body: Schema) -> dict:
    data = body.dict(exclude_unset=True)
    data.pop("center", None)
    return data


# ------------------------------------------------------------------------------ endpoints


@router.get(
    "/certificates",
    response={200: CertificateListOut, **ERRORS},
    summary="Issued certificates I may read (my center's, my organisation's as customer)",
)
def list_certificates(
    request,
    status: Literal["valid", "superseded", "revoked"] | None = None,
    kind: Literal[
        "verification_certificate",
        "verification_notice",
        "calibration_certificate",
        "test_report",
        "measurement_report",
    ]
    | None = None,
    center: str | None = Query(None, max_length=32),
    q: str | None = Query(None, max_length=100, description="number, serial number or instrument"),
    sort: Literal["", "issued", "-issued", "number", "-number", "valid_until", "-valid_until"] = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=10**6),
):
    # the same search, filters and order as the list page (`certificates.listing`)
    params = {"q": q or "", "status": status or "", "kind": kind or "", "sort": sort}
    listed = CERTIFICATES.apply(services.certificates_for(request.user), params)
    if listed.errors:
        raise HttpError(400, " ".join(listed.errors))
    queryset = listed.queryset.select_related("signing_key", "replaces", "replaced_by")
    if center:
        # matched as given, not against the page's choice list (a query of the centers in scope)
        queryset = queryset.filter(center__code=center)
    page = list(queryset[offset : offset + limit])
    return {"count": queryset.count(), "items": [_issued(c) for c in page]}


@router.post(
    "/certificates",
    response={201: CertificateOut, **WRITE_ERRORS},
    summary="Draft a job with its points (the center's own people)",
)
def create(request, body: JobIn):
    if not request.user.has_perm("certificates.work"):
        raise PermissionDenied
    try:
        center = services.staffed_centers(request.user).get(code=body.center)
    except Center.DoesNotExist:
        raise Http404 from None
    job = services.create_job(actor=request.user, center=center, data=_data(body))
    return Status(201, job_out(job))


@router.get(
    "/certificates/{ref}",
    response={200: CertificateOut, **ERRORS},
    summary="A draft (by id) or an issued certificate (by number): state, points, links",
)
def get(request, ref: str):
    return job_out(_job(request, ref))


@router.patch(
    "/certificates/{ref}",
    response={200: CertificateOut, **WRITE_ERRORS},
    summary="Change a draft; points, when given, replace the earlier ones",
)
def patch(request, ref: str, body: JobFields):
    job = _job(request, ref)
    return job_out(services.update_job(actor=request.user, job=job, data=_data(body)))


@router.post(
    "/certificates/{ref}/sign",
    response={200: CertificateOut, **WRITE_ERRORS},
    summary="Give the next signature: performer, checker, then approver (which issues)",
)
def sign(request, ref: str):
    job = _job(request, ref)
    return job_out(services.sign(actor=request.user, job=job))


@router.get(
    "/certificates/{ref}/pdf",
    response={200: None, **ERRORS},
    url_name="certificate_pdf",
    summary="The certificate's PDF (with its DCC XML embedded)",
)
def pdf(request, ref: str):
    certificate = _certificate(request, ref)
    response = HttpResponse(services.read_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@router.get(
    "/certificates/{ref}/dcc.xml",
    response={200: None, **ERRORS},
    url_name="certificate_xml",
    summary="The certificate's DCC XML (schema 3.1.2), the exact bytes signed",
)
def dcc_xml(request, ref: str):
    certificate = _certificate(request, ref)
    response = HttpResponse(services.read_xml(certificate), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.dcc.xml"'
    return response


@router.get(
    "/certificates/{ref}/dcc.sig",
    response={200: None, **ERRORS},
    url_name="certificate_sig",
    summary="The detached Ed25519 signature of the DCC XML (64 raw bytes)",
)
def dcc_sig(request, ref: str):
    certificate = _certificate(request, ref)
    response = HttpResponse(
        base64.b64decode(certificate.signature), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.dcc.sig"'
    response["X-Signing-Key"] = certificate.signing_key.key_id
    return response


@router.post(
    "/certificates/{ref}/revoke",
    response={200: CertificateOut, **WRITE_ERRORS},
    summary="Revoke an issued certificate, with the reason (the center's director)",
)
def revoke(request, ref: str, body: ReasonIn):
    certificate = _certificate(request, ref)
    services.revoke(actor=request.user, certificate=certificate, reason=body.reason)
    return job_out(certificate.job)


@router.post(
    "/certificates/{ref}/amend",
    response={201: CertificateOut, **WRITE_ERRORS},
    summary="Start an amendment: a new draft that will replace this certificate",
)
def amend(request, ref: str, body: ReasonIn):
    certificate = _certificate(request, ref)
    job = services.amend(actor=request.user, certificate=certificate, reason=body.reason)
    return Status(201, job_out(job))


@router.get(
    "/verify/{token}",
    auth=optional_auth,
    response={200: VerificationOut, **PUBLIC_ERRORS},
    summary="Public check of a certificate by the token of its QR code (rate-limited)",
)
@rate_limited("verification")
def verify(request, token: str):
    found = verification.check(token)
    if found is None:
        raise Http404
    return verification_out(found)


def verification_out(found: verification.Check) -> dict:
    r = found.record
    return {
        "number": r.number,
        "kind": r.kind,
        "kind_label": str(r.kind_label),
        "status": r.status,
        "status_label": str(r.status_label),
        "center": r.center,
        "customer": r.customer,
        "instrument_name": r.instrument_name,
        "instrument_model": r.instrument_model,
        "serial_number": r.serial_number,
        "manufacturer": r.manufacturer,
        "method_code": r.method_code,
        "measured_on": r.measured_on,
        "issued_on": r.issued_on,
        "valid_until": r.valid_until,
        "replaces": r.replaces,
        "replaced_by": r.replaced_by,
        "revoked_at": r.revoked_at,
        "revoke_reason": r.revoke_reason,
        "pdf_sha256": r.pdf_sha256,
        "xml_sha256": r.xml_sha256,
        "signature": {
            "algorithm": r.algorithm,
            "key_id": r.key_id,
            "value": r.signature,
            "xml_intact": found.xml_intact,
            "valid": found.signature_valid,
        },
        "verifications": r.verification_count,
    }


@router.get(
    "/signing-keys",
    auth=optional_auth,
    response={200: list[SigningKeyOut], **PUBLIC_ERRORS},
    url_name="signing_keys",
    summary="The public keys of the DCC signatures, with the period each signed in",
)
def signing_keys(request):
    from metrohub.certificates import keys

    out = []
    for key in SigningKey.objects.order_by("valid_from", "pk"):
        pem = keys.public_key(key).public_bytes(
            keys.serialization.Encoding.PEM, keys.serialization.PublicFormat.SubjectPublicKeyInfo
        )
        out.append(
            {
                "key_id": key.key_id,
                "algorithm": key.algorithm,
                "public_key": key.public_key,
                "public_key_pem": pem.decode(),
                "valid_from": key.valid_from,
                "valid_until": key.valid_until,
            }
        )
    return out
