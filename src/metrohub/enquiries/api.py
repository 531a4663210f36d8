"""The enquiries' API: send, read one's own, answer in the thread. Thin over services."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.scope import public_centers
from metrohub.core.api import ERRORS, WRITE_ERRORS, file_download
from metrohub.core.uploads import ALLOWED
from metrohub.enquiries import services
from metrohub.enquiries.models import Attachment, Enquiry
from metrohub.organisations.models import Organisation
from metrohub.sharing.scope import public_resources

router = Router(tags=["enquiries"])

PAGE_SIZE = 50


class EnquiryIn(Schema):
    center: str = Field("", max_length=32, description="the center's code (or give a line)")
    capability_line_id: int | None = None
    resource_id: int | None = None
    subject: str = Field(max_length=200, description="what to measure")
    details: str = Field("", max_length=5000)
    quantity: int = Field(1, ge=1, le=1000000)
    uncertainty: str = Field("", max_length=200, description="the uncertainty needed")
    needed_by: dt.date | None = None
    organisation_id: int | None = None


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    message_id: int | None


class MessageOut(Schema):
    id: int
    kind: str = Field(description="enquiry, reply, quote, accept, decline or withdraw")
    from_center: bool
    author: str
    text: str
    quote_amount: Decimal | None
    quote_valid_until: dt.date | None
    created_at: dt.datetime


class EnquiryOut(Schema):
    id: int
    center: str
    center_name: str
    capability_line_id: int | None
    resource_id: int | None
    subject: str
    details: str
    quantity: int
    uncertainty: str
    needed_by: dt.date | None
    status: str = Field(description="sent, answered, quoted, accepted, declined or withdrawn")
    sender: str
    organisation: str
    sent_at: dt.datetime
    first_response_at: dt.datetime | None
    response_seconds: int | None
    closed_at: dt.datetime | None


class EnquiryDetailOut(EnquiryOut):
    messages: list[MessageOut]
    attachments: list[AttachmentOut]


class EnquiryPage(Schema):
    count: int
    page: int
    pages: int
    results: list[EnquiryOut]


class MessageIn(Schema):
    kind: str = Field(
        "reply", max_length=16, description="reply, quote, accept, decline or withdraw"
    )
    text: str = Field("", max_length=5000)
    amount: Decimal | None = Field(None, gt=0, le=9999999999, decimal_places=2)
    valid_until: dt.date | None = None


class ResponseTimeOut(Schema):
    center: str
    median_seconds: int | None
    median: str


def enquiry_out(e: Enquiry) -> dict:
    return {
        "id": e.pk,
        "center": e.center.code,
        "center_name": e.center.name,
        "capability_line_id": e.capability_line_id,
        "resource_id": e.resource_id,
        "subject": e.subject,
        "details": e.details,
        "quantity": e.quantity,
        "uncertainty": e.uncertainty,
        "needed_by": e.needed_by,
        "status": e.status,
        "sender": str(e.sender),
        "organisation": e.organisation.name if e.organisation else "",
        "sent_at": e.sent_at,
        "first_response_at": e.first_response_at,
        "response_seconds": int(e.response_time.total_seconds()) if e.response_time else None,
        "closed_at": e.closed_at,
    }


def detail_out(e: Enquiry) -> dict:
    return {
        **enquiry_out(e),
        "messages": [
            {
                "id": m.pk,
                "kind": m.kind,
                "from_center": m.from_center,
                "author": str(m.author),
                "text": m.text,
                "quote_amount": m.quote_amount,
                "quote_valid_until": m.quote_valid_until,
                "created_at": m.created_at,
            }
            for m in e.messages.select_related("author")
        ],
        "attachments": [
            {
                "id": a.pk,
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "sha256": a.sha256,
                "message_id": a.message_id,
            }
            for a in e.attachments.all()
        ],
    }


@router.post(
    "/enquiries",
    response={201: EnquiryDetailOut, **WRITE_ERRORS},
    summary="Send an enquiry to a center, about a capability line or a shared resource",
)
def create_enquiry(request, payload: EnquiryIn):
    center = (
        get_object_or_404(public_centers(), code=payload.center.strip().upper())
        if payload.center.strip()
        else None
    )
    line = (
        get_object_or_404(
            CapabilityLine, pk=payload.capability_line_id, status=CapabilityLine.Status.PUBLISHED
        )
        if payload.capability_line_id
        else None
    )
    resource = (
        get_object_or_404(public_resources(), pk=payload.resource_id)
        if payload.resource_id
        else None
    )
    organisation = (
        get_object_or_404(Organisation, pk=payload.organisation_id)
        if payload.organisation_id
        else None
    )
    enquiry = services.send_enquiry(
        actor=request.auth,
        center=center,
        capability_line=line,
        resource=resource,
        subject=payload.subject,
        details=payload.details,
        quantity=payload.quantity,
        uncertainty=payload.uncertainty,
        needed_by=payload.needed_by,
        organisation=organisation,
    )
    return Status(201, detail_out(enquiry))


@router.get(
    "/enquiries",
    response={200: EnquiryPage, **ERRORS},
    summary="Enquiries the caller sent, and those to the centers the caller directs",
)
def list_enquiries(
    request,
    status: str = Query("", max_length=16),
    page: int = Query(1, ge=1, le=100000),
):
    enquiries = services.enquiries_for(request.auth)
    if status:
        enquiries = enquiries.filter(status=status)
    paginator = Paginator(enquiries.order_by("-sent_at", "-pk"), PAGE_SIZE)
    current = paginator.get_page(page)
    return {
        "count": paginator.count,
        "page": current.number,
        "pages": paginator.num_pages,
        "results": [enquiry_out(e) for e in current.object_list],
    }


@router.get(
    "/enquiries/{enquiry_id}",
    response={200: EnquiryDetailOut, **ERRORS},
    summary="One enquiry with its thread",
)
def get_enquiry(request, enquiry_id: int):
    return detail_out(services.get_enquiry(request.auth, enquiry_id))


@router.post(
    "/enquiries/{enquiry_id}/messages",
    response={201: EnquiryDetailOut, **WRITE_ERRORS},
    summary="Post to the thread: a reply (either side); a quote, acceptance or refusal (the "
    "center); a withdrawal (the sender)",
)
def post_message(request, enquiry_id: int, payload: MessageIn):
    enquiry = services.get_enquiry(request.auth, enquiry_id)
    actor, text = request.auth, payload.text
    actions = {
        "reply": lambda: services.reply(actor=actor, enquiry=enquiry, text=text),
        "quote": lambda: services.quote(
            actor=actor,
            enquiry=enquiry,
            amount=payload.amount if payload.amount is not None else "",
            valid_until=payload.valid_until,
            text=text,
        ),
        "accept": lambda: services.accept(actor=actor, enquiry=enquiry, text=text),
        "decline": lambda: services.decline(actor=actor, enquiry=enquiry, reason=text),
        "withdraw": lambda: services.withdraw(actor=actor, enquiry=enquiry, reason=text),
    }
    if payload.kind not in actions:
        raise ValidationError(
            {"kind": [_("Choose one of: %(values)s.") % {"values": "、".join(actions)}]}
        )
    actions[payload.kind]()
    return Status(201, detail_out(services.get_enquiry(request.auth, enquiry_id)))


@router.post(
    "/enquiries/{enquiry_id}/attachments",
    response={201: EnquiryDetailOut, **WRITE_ERRORS},
    summary="Attach a file to the thread, with a line of text (either side)",
)
def add_attachment(request, enquiry_id: int, file: File[UploadedFile], text: Form[str] = "…"):
    enquiry = services.get_enquiry(request.auth, enquiry_id)
    services.reply(
        actor=request.auth,
        enquiry=enquiry,
        text=(text or "…")[:5000],
        files=[(file.read(), file.name or "")],
    )
    return Status(201, detail_out(services.get_enquiry(request.auth, enquiry_id)))


@router.get(
    "/enquiries/{enquiry_id}/attachments/{attachment_id}",
    response={200: None, **ERRORS},
    summary="Download an attachment",
    openapi_extra=file_download(ALLOWED),
)
def download_attachment(request, enquiry_id: int, attachment_id: int):
    enquiry = services.get_enquiry(request.auth, enquiry_id)
    item = get_object_or_404(Attachment, pk=attachment_id, enquiry=enquiry)
    return attachment_response(item)


def attachment_response(item) -> FileResponse:
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=item.filename,
        content_type=item.content_type,
    )
    response["X-Content-SHA256"] = item.sha256
    return response


@router.get(
    "/centers/{code}/response-time",
    response={200: ResponseTimeOut, **ERRORS},
    auth=None,
    summary="The center's median time to a first answer over the past year (public)",
)
def response_time(request, code: str):
    center = get_object_or_404(public_centers(), code=code)
    median = services.median_response(center=center)
    return {
        "center": center.code,
        "median_seconds": int(median.total_seconds()) if median is not None else None,
        "median": services.duration_text(median),
    }
