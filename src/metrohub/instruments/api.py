"""The instrument register's API: my organisation's instruments (due before a date) and adding
one."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from ninja import Query, Router, Schema, Status
from pydantic import Field

from metrohub.core.api import ERRORS, WRITE_ERRORS
from metrohub.instruments import services

router = Router(tags=["instruments"])


class RegisteredInstrumentIn(Schema):
    name: str = Field(..., max_length=200)
    model: str = Field("", max_length=100)
    serial_number: str = Field("", max_length=100)
    manufacturer: str = Field("", max_length=200)
    measurand: str = Field("", max_length=100)
    value: Decimal | None = Field(None, max_digits=24, decimal_places=12)
    unit: str = Field("", max_length=32)
    location: str = Field("", max_length=200)
    category: str = Field("", max_length=100, description="name or item number in the catalogue")
    use: str = Field("other", max_length=16)
    interval_months: int | None = Field(None, ge=1, le=120)
    last_verified_on: dt.date | None = None
    due_on: dt.date | None = None
    certificate_number: str = Field("", max_length=100)
    shared_with_center: bool = False


class RegisteredInstrumentOut(Schema):
    id: int
    name: str
    model: str
    serial_number: str
    measurand: str
    category: str | None
    use: str
    interval_months: int | None
    last_verified_on: dt.date | None
    due_on: dt.date | None
    state: str = Field(..., description="ok, due (within 30 days), overdue or unknown")
    filed: bool
    find_center: str


def instrument_out(instrument, on: dt.date) -> dict:
    return {
        "id": instrument.pk,
        "name": instrument.name,
        "model": instrument.model,
        "serial_number": instrument.serial_number,
        "measurand": instrument.measurand,
        "category": instrument.category.name if instrument.category else None,
        "use": instrument.use,
        "interval_months": instrument.interval_months,
        "last_verified_on": instrument.last_verified_on,
        "due_on": instrument.due_on,
        "state": services.state_of(instrument, on),
        "filed": instrument.is_filed,
        "find_center": services.find_center_url(instrument),
    }


def _require(request) -> None:
    if not request.user.has_perm("instruments.keep"):
        raise PermissionDenied


@router.get(
    "/instruments",
    response={200: list[RegisteredInstrumentOut], **ERRORS},
    summary="My organisation's instruments, by due date",
)
def list_instruments(
    request,
    due_before: dt.date | None = None,
    limit: int = Query(200, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10**6),
):
    _require(request)
    queryset = services.register_of(request.user)
    if due_before:
        queryset = queryset.filter(due_on__lt=due_before)
    on = services.today()
    return [instrument_out(i, on) for i in queryset[offset : offset + limit]]


@router.post(
    "/instruments",
    response={201: RegisteredInstrumentOut, **WRITE_ERRORS},
    summary="Add an instrument to my organisation's register",
)
def create_instrument(request, body: RegisteredInstrumentIn):
    _require(request)
    instrument = services.create_instrument(
        actor=request.user, owner=services.owner_of(request.user), data=body.dict()
    )
    return Status(201, instrument_out(instrument, services.today()))
