"""Open sharing: resources and their availability, bookings from request to usage, statistics.

Each state change of a booking is one function in one transaction with one event in the
booking's chain of the event log. Errors: PermissionDenied (403) for a role or audience that may
not act; Conflict (409) for a state that forbids the step, `SlotTaken` (409) naming the slot an
overlapping confirmed booking holds; ValidationError (422) naming the field.

Times: stored in UTC, read and shown in the platform's time zone (Asia/Shanghai); opening hours
are local wall-clock times. Intervals are half-open [start, end).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from metrohub.alliances.scope import directed_centers, own_organisation_ids
from metrohub.alliances.services import active_member_organisation_ids
from metrohub.catalogue.models import CapabilityLine
from metrohub.centers.models import Center
from metrohub.centers.services import director_ids
from metrohub.core.api import Conflict
from metrohub.core.attachments import IMAGES, check_file
from metrohub.core.bounds import bounded_text, collect
from metrohub.core.dates import legal_date
from metrohub.eventlog.services import append_event, sha256
from metrohub.organisations.models import Organisation
from metrohub.sharing.models import (
    Blackout,
    Booking,
    CalendarFeed,
    OpeningHours,
    Photo,
    Resource,
)
from metrohub.sharing.scope import can_manage, may_book

ZONE = ZoneInfo(settings.TIME_ZONE)
LONGEST_RANGE_DAYS = 62  # availability and calendars are asked for at most this many days
BOOKING_HORIZON_DAYS = 366
REMINDER_HOURS = 24


def now() -> dt.datetime:
    """The present moment; tests replace this clock."""
    return timezone.now()


class SlotTaken(Conflict):
    """An overlapping confirmed booking holds (part of) the requested time."""

    def __init__(self, booking: Booking) -> None:
        self.slot = (booking.starts_at, booking.ends_at)
        self.booking_id = booking.pk
        super().__init__(
            _("This time overlaps a confirmed booking: %(slot)s.")
            % {"slot": slot_text(booking.starts_at, booking.ends_at)}
        )


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(ZONE)


def slot_text(start: dt.datetime, end: dt.datetime) -> str:
    """2026年6月3日 09:00–11:00 (the slot as a person reads it, in local time; 3 June 2026
    09:00–11:00 in English)."""
    s, e = local(start), local(end)
    day = legal_date(s.date())
    if s.date() == e.date():
        return f"{day} {s:%H:%M}–{e:%H:%M}"
    return f"{day} {s:%H:%M}–{legal_date(e.date())} {e:%H:%M}"


# ---------------------------------------------------------------------------------- parsing


def _moment(value, field_name: str) -> dt.datetime:
    """An aware datetime in whole minutes; a time without offset is local (Asia/Shanghai)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                {field_name: [_("Enter a date and time as YYYY-MM-DDTHH:MM.")]}
            ) from None
    if not isinstance(value, dt.datetime):
        raise ValidationError({field_name: [_("Enter a date and time as YYYY-MM-DDTHH:MM.")]})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=ZONE)
    if value.second or value.microsecond:
        raise ValidationError({field_name: [_("Give times in whole minutes.")]})
    if not 2000 <= value.year <= 2100:
        raise ValidationError({field_name: [_("Give a time between 2000 and 2100.")]})
    return value.astimezone(dt.UTC)


def _interval(starts_at, ends_at) -> tuple[dt.datetime, dt.datetime]:
    values = collect(
        {
            "starts_at": lambda: _moment(starts_at, "starts_at"),
            "ends_at": lambda: _moment(ends_at, "ends_at"),
        }
    )
    if values["ends_at"] <= values["starts_at"]:
        raise ValidationError({"ends_at": [_("The end must be after the start.")]})
    return values["starts_at"], values["ends_at"]


def _decimal(value, field_name: str, *, places="0.01", maximum=Decimal("99999999")):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal(places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError({field_name: [_("Enter a number.")]}) from None
    if not Decimal(0) <= number <= maximum:
        raise ValidationError(
            {field_name: [_("Enter a number from 0 to %(max)s.") % {"max": maximum}]}
        )
    return number


def _whole(value, field_name: str, *, minimum=0, maximum=100000) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field_name: [_("Enter a whole number.")]}) from None
    if not minimum <= number <= maximum:
        raise ValidationError(
            {
                field_name: [
                    _("Enter a number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}
                ]
            }
        )
    return number


def _choice(value, choices, field_name):
    if value not in dict(choices):
        raise ValidationError(
            {field_name: [_("Choose one of: %(values)s.") % {"values": "、".join(dict(choices))}]}
        )
    return value


# -------------------------------------------------------------------------- serialized writes


def serialized(work):
    """Run `work` in one transaction. On SQLite every write transaction begins IMMEDIATE (the
    settings' transaction_mode), so check-then-write is serialized; a connection that finds the
    database locked by another writer (shared-cache databases answer at once instead of waiting)
    tries again after a short pause, unless it is already inside a transaction."""
    attempts = 400 if connection.vendor == "sqlite" else 1
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            retry = (
                connection.vendor == "sqlite"
                and "locked" in str(exc)
                and not connection.in_atomic_block
                and attempt < attempts - 1
            )
            if not retry:
                raise
            time.sleep(0.005 + secrets.randbelow(20) / 1000)
    raise AssertionError("unreachable")


# -------------------------------------------------------------------------------- resources

_RESOURCE_TEXT = {
    "name": 200,
    "model_number": 200,
    "description": 5000,
    "location": 300,
    "rules_of_use": 5000,
    "fees": 2000,
}


def _resource_values(data: dict) -> dict:
    checks = {
        key: (
            lambda key=key, limit=limit: bounded_text(
                data.get(key), field=key, limit=limit, required=key == "name"
            )
        )
        for key, limit in _RESOURCE_TEXT.items()
    }
    checks.update(
        {
            "kind": lambda: _choice(data.get("kind"), Resource.Kind.choices, "kind"),
            "audience": lambda: _choice(
                data.get("audience") or Resource.Audience.ANYONE,
                Resource.Audience.choices,
                "audience",
            ),
            "hourly_fee": lambda: _decimal(data.get("hourly_fee"), "hourly_fee"),
            "lead_time_hours": lambda: _whole(
                data.get("lead_time_hours", 24), "lead_time_hours", maximum=24 * 90
            ),
            "cancel_hours": lambda: _whole(
                data.get("cancel_hours", 24), "cancel_hours", maximum=24 * 90
            ),
            "max_hours": lambda: _whole(
                data.get("max_hours", 8), "max_hours", minimum=1, maximum=24
            ),
            "approval_required": lambda: bool(data.get("approval_required", True)),
            "closed_on_holidays": lambda: bool(data.get("closed_on_holidays", True)),
            "status": lambda: _choice(
                data.get("status") or Resource.Status.OPEN, Resource.Status.choices, "status"
            ),
        }
    )
    return collect(checks)


def _opening(hours) -> list[tuple[int, dt.time, dt.time]]:
    """[(weekday 0–6, opens, closes)], times as HH:MM or time; each interval positive."""
    rows = []
    for index, row in enumerate(hours or []):
        try:
            weekday, opens, closes = row
            weekday = int(weekday)
            opens = opens if isinstance(opens, dt.time) else dt.time.fromisoformat(str(opens))
            closes = closes if isinstance(closes, dt.time) else dt.time.fromisoformat(str(closes))
        except (TypeError, ValueError):
            raise ValidationError(
                {
                    "opening_hours": [
                        _("Row %(n)d: give a weekday and two times.") % {"n": index + 1}
                    ]
                }
            ) from None
        if not 0 <= weekday <= 6 or closes <= opens:
            raise ValidationError(
                {
                    "opening_hours": [
                        _("Row %(n)d: a weekday 0–6 and a closing time after the opening time.")
                        % {"n": index + 1}
                    ]
                }
            )
        rows.append((weekday, opens, closes))
    if len(rows) > 50:
        raise ValidationError({"opening_hours": [_("At most 50 opening intervals.")]})
    return rows


def _owner(center: Center, owner: Organisation | None) -> Organisation:
    """The center's host, or an active member of the alliance the center leads."""
    if owner is None or owner.pk == center.host_id:
        return center.host
    if owner.pk not in active_member_organisation_ids(center.pk):
        raise ValidationError(
            {"owner": [_("The owner must be the center itself or a member of its alliance.")]}
        )
    return owner


def _lines(center: Center, line_ids) -> list[CapabilityLine]:
    ids = {int(i) for i in (line_ids or [])}
    lines = list(CapabilityLine.objects.filter(pk__in=ids, center=center))
    if len(lines) != len(ids):
        raise ValidationError(
            {"capability_lines": [_("Link only capability lines of this center.")]}
        )
    return lines


def create_resource(
    *,
    actor,
    center: Center,
    owner: Organisation | None = None,
    opening_hours=(),
    line_ids=(),
    approved_organisation_ids=(),
    **fields,
) -> Resource:
    if not directed_centers(actor).filter(pk=center.pk).exists():
        raise PermissionDenied(_("Only the center's director offers its resources."))
    values = _resource_values(fields)
    hours = _opening(opening_hours)
    lines = _lines(center, line_ids)
    approved = list(Organisation.objects.filter(pk__in=list(approved_organisation_ids or [])))
    with transaction.atomic():
        resource = Resource.objects.create(center=center, owner=_owner(center, owner), **values)
        OpeningHours.objects.bulk_create(
            OpeningHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in hours
        )
        resource.capability_lines.set(lines)
        resource.approved_organisations.set(approved)
        append_event(
            subject=resource.subject,
            action="resource.offered",
            actor=actor,
            article="四(四)",
            payload={"center": center.code, "name": resource.name, "kind": resource.kind},
        )
    return resource


def update_resource(
    *,
    actor,
    resource: Resource,
    opening_hours=None,
    line_ids=None,
    approved_organisation_ids=None,
    **fields,
) -> Resource:
    _require_manager(actor, resource)
    current = {f: getattr(resource, f) for f in (*_RESOURCE_TEXT, *_RESOURCE_FLAGS)}
    values = _resource_values({**current, **fields})
    hours = _opening(opening_hours) if opening_hours is not None else None
    lines = _lines(resource.center, line_ids) if line_ids is not None else None
    with transaction.atomic():
        for key, value in values.items():
            setattr(resource, key, value)
        resource.save()
        if hours is not None:
            resource.opening_hours.all().delete()
            OpeningHours.objects.bulk_create(
                OpeningHours(resource=resource, weekday=w, opens=o, closes=c) for w, o, c in hours
            )
        if lines is not None:
            resource.capability_lines.set(lines)
        if approved_organisation_ids is not None:
            resource.approved_organisations.set(
                Organisation.objects.filter(pk__in=list(approved_organisation_ids))
            )
        append_event(
            subject=resource.subject,
            action="resource.updated",
            actor=actor,
            payload={k: str(v) for k, v in values.items() if k in fields},
        )
    return resource


_RESOURCE_FLAGS = (
    "kind",
    "audience",
    "hourly_fee",
    "lead_time_hours",
    "cancel_hours",
    "max_hours",
    "approval_required",
    "closed_on_holidays",
    "status",
)


def _require_manager(actor, resource: Resource) -> None:
    if not can_manage(actor, resource):
        raise PermissionDenied(_("Only the center's director runs this resource."))


def add_photo(*, actor, resource: Resource, content: bytes, filename: str, caption="") -> Photo:
    _require_manager(actor, resource)
    checked = check_file(content, filename, field="photo", kinds=IMAGES)
    text = bounded_text(caption, field="caption", limit=200)
    with transaction.atomic():
        photo = Photo(
            resource=resource,
            filename=checked.filename,
            caption=text,
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
        )
        photo.file.save(
            f"{resource.pk}-{checked.sha256[:12]}.{checked.extension}",
            ContentFile(checked.content),
            save=False,
        )
        photo.save()
        append_event(
            subject=resource.subject,
            action="resource.photo",
            actor=actor,
            payload={"photo": photo.pk, "sha256": checked.sha256},
        )
    return photo


def add_blackout(
    *, actor, resource: Resource, starts_at, ends_at, reason: str, note: str = ""
) -> Blackout:
    """A period closed for maintenance or calibration; refused while confirmed bookings fall in
    it (cancel them first, with a reason their makers read)."""
    _require_manager(actor, resource)
    start, end = _interval(starts_at, ends_at)
    values = collect(
        {
            "reason": lambda: _choice(reason, Blackout.Reason.choices, "reason"),
            "note": lambda: bounded_text(note, field="note", limit=300),
        }
    )

    def work():
        clash = _overlapping(resource, start, end).first()
        if clash is not None:
            raise SlotTaken(clash)
        blackout = Blackout.objects.create(
            resource=resource, starts_at=start, ends_at=end, created_by=actor, **values
        )
        append_event(
            subject=resource.subject,
            action="resource.blackout",
            actor=actor,
            payload={
                "blackout": blackout.pk,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "reason": values["reason"],
            },
        )
        return blackout

    return serialized(work)


def remove_blackout(*, actor, blackout: Blackout) -> None:
    _require_manager(actor, blackout.resource)
    with transaction.atomic():
        append_event(
            subject=blackout.resource.subject,
            action="resource.blackout_removed",
            actor=actor,
            payload={"blackout": blackout.pk},
        )
        blackout.delete()


# ------------------------------------------------------------------------------ availability


def _holidays(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    """Statutory holidays between two dates (the legal calendar), name by date."""
    from metrohub.legaltime.services import calendar_source

    source = calendar_source()
    found, day = {}, first
    while day <= last:
        info = source.day(day)
        if info.holiday and not info.workday:
            found[day] = info.holiday
        day += dt.timedelta(days=1)
    return found


@dataclass
class Span:
    starts_at: dt.datetime
    ends_at: dt.datetime
    kind: str  # "open", "free", "booking", "requested", "blackout"
    label: str = ""
    booking: Booking | None = None

    @property
    def local_start(self):
        return local(self.starts_at)

    @property
    def local_end(self):
        return local(self.ends_at)


@dataclass
class Day:
    date: dt.date
    open: list[Span] = field(default_factory=list)
    busy: list[Span] = field(default_factory=list)
    free: list[Span] = field(default_factory=list)
    holiday: str = ""
    outside: bool = False  # a day of another month shown to fill a month's grid
    weekday_label: str = ""

    @property
    def closed(self) -> bool:
        return not self.open


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=ZONE)
    return start.astimezone(dt.UTC), (start + dt.timedelta(days=1)).astimezone(dt.UTC)


def _date_range(first, last) -> tuple[dt.date, dt.date]:
    values = collect(
        {
            "from": lambda: _as_date(first, "from"),
            "to": lambda: _as_date(last, "to"),
        }
    )
    if values["to"] < values["from"]:
        raise ValidationError({"to": [_("The end date must not be before the start date.")]})
    if (values["to"] - values["from"]).days >= LONGEST_RANGE_DAYS:
        raise ValidationError(
            {"to": [_("Ask for at most %(n)d days at a time.") % {"n": LONGEST_RANGE_DAYS}]}
        )
    return values["from"], values["to"]


def _as_date(value, field_name) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError({field_name: [_("Enter a date as YYYY-MM-DD.")]}) from None
    if not 2000 <= day.year <= 2100:
        raise ValidationError({field_name: [_("Give a date between 2000 and 2100.")]})
    return day


def availability(
    *, resource: Resource, first, last, with_requests: bool = False, viewer=None
) -> list[Day]:
    """Day by day from `first` to `last` (inclusive): opening intervals, what is busy (confirmed
    bookings, blackouts; pending requests too when `with_requests`) and what is free."""
    first, last = _date_range(first, last)
    start, _unused = _day_bounds(first)
    _unused, end = _day_bounds(last)
    hours: dict[int, list[OpeningHours]] = {}
    for row in resource.opening_hours.all():
        hours.setdefault(row.weekday, []).append(row)
    holidays = _holidays(first, last) if resource.closed_on_holidays else {}
    statuses = [Booking.Status.CONFIRMED] + ([Booking.Status.REQUESTED] if with_requests else [])
    bookings = list(
        resource.bookings.filter(status__in=statuses, starts_at__lt=end, ends_at__gt=start)
        .select_related("requester", "organisation")
        .order_by("starts_at")
    )
    blackouts = list(resource.blackouts.filter(starts_at__lt=end, ends_at__gt=start))
    days, day = [], first
    while day <= last:
        lo, hi = _day_bounds(day)
        entry = Day(date=day, holiday=holidays.get(day, ""))
        if not entry.holiday:
            for row in sorted(hours.get(day.weekday(), []), key=lambda r: r.opens):
                entry.open.append(
                    Span(
                        dt.datetime.combine(day, row.opens, tzinfo=ZONE).astimezone(dt.UTC),
                        dt.datetime.combine(day, row.closes, tzinfo=ZONE).astimezone(dt.UTC),
                        "open",
                    )
                )
        for b in blackouts:
            if b.starts_at < hi and b.ends_at > lo:
                entry.busy.append(
                    Span(
                        max(b.starts_at, lo), min(b.ends_at, hi), "blackout", b.get_reason_display()
                    )
                )
        for b in bookings:
            if b.starts_at < hi and b.ends_at > lo:
                kind = "booking" if b.status == Booking.Status.CONFIRMED else "requested"
                entry.busy.append(Span(b.starts_at, b.ends_at, kind, booking=b))
        entry.busy.sort(key=lambda s: s.starts_at)
        entry.free = _subtract(entry.open, [s for s in entry.busy if s.kind != "requested"])
        days.append(entry)
        day += dt.timedelta(days=1)
    return days


def _subtract(spans: list[Span], busy: list[Span]) -> list[Span]:
    free = []
    for span in spans:
        pieces = [(span.starts_at, span.ends_at)]
        for b in busy:
            next_pieces = []
            for s, e in pieces:
                if b.ends_at <= s or b.starts_at >= e:
                    next_pieces.append((s, e))
                    continue
                if b.starts_at > s:
                    next_pieces.append((s, b.starts_at))
                if b.ends_at < e:
                    next_pieces.append((b.ends_at, e))
            pieces = next_pieces
        free += [Span(s, e, "free") for s, e in pieces]
    return free


def _within_opening(resource: Resource, start: dt.datetime, end: dt.datetime) -> bool:
    s, e = local(start), local(end)
    if s.date() != e.date():
        return False
    if resource.closed_on_holidays and _holidays(s.date(), s.date()):
        return False
    return resource.opening_hours.filter(
        weekday=s.weekday(), opens__lte=s.time(), closes__gte=e.time()
    ).exists()


def _overlapping(resource: Resource, start, end):
    return resource.bookings.filter(
        status=Booking.Status.CONFIRMED, starts_at__lt=end, ends_at__gt=start
    ).order_by("starts_at")


def _blackout_over(resource: Resource, start, end) -> Blackout | None:
    return resource.blackouts.filter(starts_at__lt=end, ends_at__gt=start).first()


def _fee(resource: Resource, start, end) -> Decimal | None:
    if resource.hourly_fee is None:
        return None
    hours = Decimal((end - start).total_seconds()) / Decimal(3600)
    return (resource.hourly_fee * hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --------------------------------------------------------------------------------- bookings


def _organisation_of(actor, organisation) -> Organisation | None:
    mine = own_organisation_ids(actor)
    if organisation is not None:
        if organisation.pk not in mine:
            raise PermissionDenied(_("You can only book for an organisation you act for."))
        return organisation
    return Organisation.objects.filter(pk__in=mine).order_by("pk").first() if mine else None


def _check_slot(resource: Resource, start, end) -> None:
    """Everything about the time except other bookings."""
    moment = now()
    if start < moment + dt.timedelta(hours=resource.lead_time_hours):
        raise ValidationError(
            {"starts_at": [_("Book at least %(n)d hours ahead.") % {"n": resource.lead_time_hours}]}
        )
    if start > moment + dt.timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationError({"starts_at": [_("Book at most a year ahead.")]})
    if end - start > dt.timedelta(hours=resource.max_hours):
        raise ValidationError(
            {"ends_at": [_("A booking lasts at most %(n)d hours.") % {"n": resource.max_hours}]}
        )
    if not _within_opening(resource, start, end):
        raise ValidationError(
            {"starts_at": [_("The resource is not open for the whole of this time.")]}
        )
    blackout = _blackout_over(resource, start, end)
    if blackout is not None:
        raise ValidationError(
            {
                "starts_at": [
                    _("The resource is closed then (%(reason)s): %(slot)s.")
                    % {
                        "reason": blackout.get_reason_display(),
                        "slot": slot_text(blackout.starts_at, blackout.ends_at),
                    }
                ]
            }
        )


def request_booking(
    *,
    actor,
    resource: Resource,
    starts_at,
    ends_at,
    purpose: str,
    planned_samples=0,
    organisation: Organisation | None = None,
) -> Booking:
    """A booking request: confirmed at once where the resource needs no approval, else it waits
    for the director. Refused (409, naming the slot) when a confirmed booking overlaps."""
    if not may_book(actor, resource):
        raise PermissionDenied(
            _("This resource is booked only by: %(who)s.")
            % {"who": resource.get_audience_display()}
        )
    if resource.status != Resource.Status.OPEN:
        raise Conflict(_("This resource is not open for booking."))
    start, end = _interval(starts_at, ends_at)
    values = collect(
        {
            "purpose": lambda: bounded_text(purpose, field="purpose", limit=500, required=True),
            "planned_samples": lambda: _whole(planned_samples or 0, "planned_samples"),
        }
    )
    org = _organisation_of(actor, organisation)
    confirm = not resource.approval_required

    def work():
        _check_slot(resource, start, end)
        clash = _overlapping(resource, start, end).first()
        if clash is not None:
            raise SlotTaken(clash)
        booking = Booking(
            resource=resource,
            requester=actor,
            organisation=org,
            starts_at=start,
            ends_at=end,
            status=Booking.Status.CONFIRMED if confirm else Booking.Status.REQUESTED,
            fee=_fee(resource, start, end),
            **values,
        )
        if confirm:
            booking.decided_at = now()
        _insert_or_slot_taken(booking, resource, start, end)
        append_event(
            subject=booking.subject,
            action="booking.confirmed" if confirm else "booking.requested",
            actor=actor,
            article="四(四)",
            payload={
                "resource": resource.pk,
                "starts_at": start.isoformat(),
                "ends_at": end.isoformat(),
                "purpose": booking.purpose,
            },
        )
        _notify(booking, "confirmed" if confirm else "requested")
        return booking

    return serialized(work)


def _insert_or_slot_taken(booking: Booking, resource, start, end) -> None:
    """Save; when the database's own rule refuses an overlap (a concurrent writer committed
    first), answer with the slot that writer holds."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" not in str(exc):
            raise
        clash = _overlapping(resource, start, end).exclude(pk=booking.pk).first()
        if clash is None:  # pragma: no cover - the winner vanished between the two statements
            raise Conflict(_("This time overlaps a confirmed booking.")) from exc
        raise SlotTaken(clash) from exc


def _locked(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update()
        .select_related("resource", "resource__center", "requester")
        .get(pk=booking.pk)
    )


def approve_booking(*, actor, booking: Booking) -> Booking:
    _require_manager(actor, booking.resource)

    def work():
        b = _locked(booking)
        if b.status != Booking.Status.REQUESTED:
            raise Conflict(_("Only a booking awaiting approval can be approved."))
        if b.starts_at <= now():
            raise Conflict(_("The booked time has begun; it can no longer be approved."))
        blackout = _blackout_over(b.resource, b.starts_at, b.ends_at)
        if blackout is not None:
            raise Conflict(
                _("The resource is closed then (%(reason)s): %(slot)s.")
                % {
                    "reason": blackout.get_reason_display(),
                    "slot": slot_text(blackout.starts_at, blackout.ends_at),
                }
            )
        clash = _overlapping(b.resource, b.starts_at, b.ends_at).exclude(pk=b.pk).first()
        if clash is not None:
            raise SlotTaken(clash)
        b.status = Booking.Status.CONFIRMED
        b.decided_by, b.decided_at = actor, now()
        b.fee = _fee(b.resource, b.starts_at, b.ends_at)
        _insert_or_slot_taken(b, b.resource, b.starts_at, b.ends_at)
        append_event(subject=b.subject, action="booking.confirmed", actor=actor, article="四(四)")
        _notify(b, "approved")
        return b

    return serialized(work)


def refuse_booking(*, actor, booking: Booking, reason: str) -> Booking:
    _require_manager(actor, booking.resource)
    text = bounded_text(reason, field="reason", limit=500, required=True)
    with transaction.atomic():
        b = _locked(booking)
        if b.status != Booking.Status.REQUESTED:
            raise Conflict(_("Only a booking awaiting approval can be refused."))
        b.status, b.refusal_reason = Booking.Status.REFUSED, text
        b.decided_by, b.decided_at = actor, now()
        b.save()
        append_event(
            subject=b.subject, action="booking.refused", actor=actor, payload={"reason": text}
        )
        _notify(b, "refused")
    return b


def cancel_booking(*, actor, booking: Booking, reason: str = "") -> Booking:
    """The maker cancels before the start: free of charge until the resource's cancellation
    notice, after that marked late (the fee stands). Those who run the resource cancel with a
    reason until the end, free of charge. Cancelling frees the slot."""
    manager = can_manage(actor, booking.resource)
    if not manager and booking.requester_id != actor.pk:
        raise PermissionDenied(_("Only the person who booked, or the center, can cancel."))
    text = bounded_text(reason, field="reason", limit=500, required=manager)
    with transaction.atomic():
        b = _locked(booking)
        if b.status not in (Booking.Status.REQUESTED, Booking.Status.CONFIRMED):
            raise Conflict(_("This booking is no longer live."))
        moment = now()
        if not manager and b.starts_at <= moment:
            raise Conflict(_("The booked time has begun; ask the center to cancel."))
        if b.ends_at <= moment:
            raise Conflict(_("The booked time is over."))
        late = (
            not manager
            and b.status == Booking.Status.CONFIRMED
            and b.starts_at - moment < dt.timedelta(hours=b.resource.cancel_hours)
        )
        b.status, b.cancel_reason, b.late_cancellation = Booking.Status.CANCELLED, text, late
        b.cancelled_by, b.cancelled_at = actor, moment
        if not late:
            b.fee = None
        b.save()
        append_event(
            subject=b.subject,
            action="booking.cancelled",
            actor=actor,
            payload={"reason": text, "late": late, "by_center": manager},
        )
        _notify(b, "cancelled")
    return b


def record_usage(*, actor, booking: Booking, used_hours, samples=None, outcome="") -> Booking:
    """After the booked time has begun, the center records what was used (hours, samples,
    outcome); recorded again, it replaces the figures."""
    _require_manager(actor, booking.resource)
    values = collect(
        {
            "used_hours": lambda: _decimal(used_hours, "used_hours", maximum=Decimal(24)),
            "samples": lambda: None if samples in (None, "") else _whole(samples, "samples"),
            "outcome": lambda: bounded_text(outcome, field="outcome", limit=1000),
        }
    )
    if values["used_hours"] is None:
        raise ValidationError({"used_hours": [_("This field is required.")]})
    with transaction.atomic():
        b = _locked(booking)
        if b.status != Booking.Status.CONFIRMED:
            raise Conflict(_("Usage is recorded for confirmed bookings only."))
        if b.starts_at > now():
            raise Conflict(_("Usage is recorded once the booked time has begun."))
        for key, value in values.items():
            setattr(b, key, value)
        b.usage_recorded_at = now()
        b.save()
        append_event(
            subject=b.subject,
            action="booking.usage",
            actor=actor,
            payload={k: str(v) if v is not None else None for k, v in values.items()},
        )
    return b


# ------------------------------------------------------------------------------ notifications


def _notify(booking: Booking, kind: str) -> None:
    """Tell the other side: the center of a request, the maker of a decision; both of a
    cancellation (whoever did it is told as well, for their records)."""
    from metrohub.sharing.tasks import send_booking_mail

    center_side = director_ids(booking.resource.center)
    maker = [booking.requester_id] if booking.requester.email else []
    recipients = {
        "requested": center_side,
        "confirmed": center_side + maker,
        "approved": maker,
        "refused": maker,
        "cancelled": center_side + maker,
        "reminder": center_side + maker,
    }[kind]
    if recipients:
        send_booking_mail.enqueue(booking.pk, kind, sorted(set(recipients)))


@dataclass
class RemindResult:
    reminded: int = 0
    pending: int = 0


def remind(*, on: dt.date | None = None) -> RemindResult:
    """The day before a confirmed booking, remind both sides; for requests starting by then that
    still await a decision, remind the center. Each booking is reminded once of each."""
    on = on or timezone.localdate()
    lo, _unused = _day_bounds(on)
    _unused, hi = _day_bounds(on + dt.timedelta(days=1))
    result = RemindResult()
    soon = Booking.objects.filter(
        status__in=[Booking.Status.CONFIRMED, Booking.Status.REQUESTED],
        starts_at__gte=lo,
        starts_at__lt=hi,
    ).select_related("resource", "resource__center", "requester")
    for booking in soon:
        tag = "day-before" if booking.status == Booking.Status.CONFIRMED else "pending"
        with transaction.atomic():
            fresh = Booking.objects.select_for_update().get(pk=booking.pk)
            if tag in fresh.reminders_sent:
                continue
            fresh.reminders_sent = [*fresh.reminders_sent, tag]
            fresh.save(update_fields=["reminders_sent"])
        if tag == "day-before":
            _notify(booking, "reminder")
            result.reminded += 1
        else:
            from metrohub.sharing.tasks import send_booking_mail

            if ids := director_ids(booking.resource.center):
                send_booking_mail.enqueue(booking.pk, "pending", ids)
            result.pending += 1
    return result


# ---------------------------------------------------------------------------------- statistics


@dataclass
class UsageRow:
    label: str
    bookings: int
    booked_hours: float
    used_hours: float
    fees: Decimal
    key: int | None = None


@dataclass
class Usage:
    year: int
    total: UsageRow
    by_resource: list[UsageRow]
    by_organisation: list[UsageRow]


_DURATION = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())


def _hours(duration) -> float:
    if duration is None:
        return 0.0
    if isinstance(duration, dt.timedelta):
        return round(duration.total_seconds() / 3600, 2)
    return round(int(duration) / 3_600_000_000, 2)  # microseconds on some backends


def _money(value) -> Decimal:
    """Sums come back without their scale on SQLite: 300 → 300.00."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def _counted(year: int):
    """Bookings that count as use in the year: confirmed ones, and late cancellations (whose
    fee stands), by the local year of their start."""
    lo, _unused = _day_bounds(dt.date(year, 1, 1))
    _unused, hi = _day_bounds(dt.date(year, 12, 31))
    return Booking.objects.filter(starts_at__gte=lo, starts_at__lt=hi).filter(
        Q(status=Booking.Status.CONFIRMED)
        | Q(status=Booking.Status.CANCELLED, late_cancellation=True)
    )


def _rows(queryset, key: str, label: str) -> list[UsageRow]:
    rows = (
        queryset.values(key, label)
        .annotate(
            n=Count("pk"),
            booked=Sum(_DURATION),
            used=Sum("used_hours"),
            fees=Sum("fee"),
        )
        .order_by(label)
    )
    return [
        UsageRow(
            label=row[label] or "—",
            bookings=row["n"],
            booked_hours=_hours(row["booked"]),
            used_hours=float(row["used"] or 0),
            fees=_money(row["fees"]),
            key=row[key],
        )
        for row in rows
    ]


def usage_statistics(
    *, year: int, center: Center | None = None, resource: Resource | None = None
) -> Usage:
    """Hours booked and used, by whom, and fees, for a center's resources (or one resource) in a
    calendar year; also what the annual report reads."""
    bookings = _counted(year)
    if resource is not None:
        bookings = bookings.filter(resource=resource)
    elif center is not None:
        bookings = bookings.filter(resource__center=center)
    totals = bookings.aggregate(
        n=Count("pk"), booked=Sum(_DURATION), used=Sum("used_hours"), fees=Sum("fee")
    )
    return Usage(
        year=year,
        total=UsageRow(
            label="",
            bookings=totals["n"],
            booked_hours=_hours(totals["booked"]),
            used_hours=float(totals["used"] or 0),
            fees=_money(totals["fees"]),
        ),
        by_resource=_rows(bookings, "resource_id", "resource__name"),
        by_organisation=_rows(bookings, "organisation_id", "organisation__name"),
    )


# ------------------------------------------------------------------------------------- feeds

FEED_PREFIX = "cal_"


def feed_digest(raw: str) -> str:
    return sha256(raw)


def issue_feed(*, actor, resource: Resource | None = None) -> tuple[CalendarFeed, str]:
    """A secret calendar address for the person (their bookings and those of the resources they
    run) or for one resource they run. The token is shown once; only its digest is kept."""
    if resource is not None:
        _require_manager(actor, resource)
    raw = FEED_PREFIX + secrets.token_urlsafe(24)
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            owner=actor, resource=resource, digest=feed_digest(raw), hint=raw[:8]
        )
    return feed, raw


def revoke_feed(*, actor, feed: CalendarFeed) -> CalendarFeed:
    if feed.owner_id != actor.pk:
        raise PermissionDenied(_("Only its owner revokes a calendar address."))
    if feed.revoked_at is None:
        feed.revoked_at = now()
        feed.save(update_fields=["revoked_at"])
    return feed


def find_feed(raw: str) -> CalendarFeed | None:
    if not raw.startswith(FEED_PREFIX) or len(raw) > 80:
        return None
    return (
        CalendarFeed.objects.select_related("owner", "resource", "resource__center")
        .filter(digest=feed_digest(raw), revoked_at__isnull=True, owner__is_active=True)
        .first()
    )


def feed_bookings(feed: CalendarFeed, *, days_back: int = 90, days_ahead: int = 366):
    """Confirmed and pending bookings of the feed, from `days_back` ago to `days_ahead`."""
    from metrohub.sharing.scope import bookings_for

    moment = now()
    live = [Booking.Status.CONFIRMED, Booking.Status.REQUESTED]
    if feed.resource is not None:
        base = feed.resource.bookings.select_related(
            "resource", "resource__center", "requester", "organisation"
        )
    else:
        base = bookings_for(feed.owner)
    return base.filter(
        status__in=live,
        ends_at__gte=moment - dt.timedelta(days=days_back),
        starts_at__lte=moment + dt.timedelta(days=days_ahead),
    ).order_by("starts_at")[:2000]
