"""An organisation's instruments: the register and its import, due dates and reminders, the iCal
feed, filing with the district bureau, the district's view, and the public page of a site.

Each function that changes something runs in one transaction and appends to the event log.
"""

import calendar
import datetime as dt
import secrets
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.accounts.roles import assignments, holds
from metrohub.certificates.models import Certificate
from metrohub.core.bounds import clean_text, raise_if
from metrohub.eventlog.services import append_event
from metrohub.instruments.models import (
    COMPULSORY_USES,
    CalendarFeed,
    CompulsoryCategory,
    Instrument,
    Site,
    Use,
)
from metrohub.organisations.models import Jurisdiction, Organisation
from metrohub.standards.scope import staffed_centers

DUE_SOON_DAYS = 30
REMINDER_DAYS = (30, 7)
MAX_INTERVAL = 120
OWNER_ROLES = (Role.INDUSTRY_USER, Role.APPLICANT)
TEXT_FIELDS = {
    "name": (200, True),
    "model": (100, False),
    "serial_number": (100, False),
    "manufacturer": (200, False),
    "measurand": (100, False),
    "unit": (32, False),
    "location": (200, False),
    "certificate_number": (100, False),
}


def today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# ------------------------------------------------------------------------------ scope


def owner_of(user) -> Organisation:
    """The organisation whose register the user keeps (404 for someone who keeps none)."""
    for a in assignments(user):
        if a.role in OWNER_ROLES and a.organisation_id:
            return a.organisation
    raise Http404


def register_of(user) -> QuerySet[Instrument]:
    return Instrument.objects.filter(owner=owner_of(user)).select_related(
        "category", "site", "owner"
    )


def get_instrument(user, pk: int) -> Instrument:
    try:
        return register_of(user).get(pk=pk)
    except Instrument.DoesNotExist:
        raise Http404 from None


def districts_of(user) -> set[int] | None:
    """Jurisdictions a regulator supervises (None: everything, for a platform administrator)."""
    if holds(user, Role.PLATFORM_ADMIN):
        return None
    ids: set[int] = set()
    for a in assignments(user):
        if a.role in (Role.DISTRICT_REGULATOR, Role.PROGRAMME_REGULATOR):
            ids |= a.jurisdiction.descendant_ids()
    return ids


def filed_in(user) -> QuerySet[Instrument]:
    queryset = Instrument.objects.filter(filed_at__isnull=False).select_related(
        "owner", "site", "category", "filed_district"
    )
    districts = districts_of(user)
    return queryset if districts is None else queryset.filter(filed_district_id__in=districts)


def customers_due(user, *, before: dt.date) -> QuerySet[Instrument]:
    """Instruments whose owners let the center that last certified them see them falling due."""
    return Instrument.objects.filter(
        shared_with_center=True,
        last_certificate__center__in=staffed_centers(user),
        due_on__lte=before,
    ).select_related("owner", "last_certificate__center")


def state_of(instrument: Instrument, on: dt.date) -> str:
    if instrument.due_on is None:
        return "unknown"
    if instrument.due_on < on:
        return "overdue"
    if (instrument.due_on - on).days <= DUE_SOON_DAYS:
        return "due"
    return "ok"


STATE_LABELS = {
    "unknown": gettext_lazy("no due date"),
    "overdue": gettext_lazy("overdue"),
    "due": gettext_lazy("due within 30 days"),
    "ok": gettext_lazy("in date"),
}


def state_label(state: str) -> str:
    return str(STATE_LABELS[state])


def find_center_url(instrument: Instrument) -> str:
    """The catalogue's capability query, filled in with what the register knows."""
    query = {"quantity": instrument.measurand or instrument.name}
    if instrument.value is not None:
        query["value"] = format(instrument.value.normalize(), "f")
    if instrument.unit:
        query["unit"] = instrument.unit
    return "/catalogue/find/?" + urlencode(query)


# ------------------------------------------------------------------------------ the register


def clean_fields(data: dict, *, categories: dict | None = None, sites=None) -> tuple[dict, dict]:
    """(fields, errors) of one instrument from typed values, whatever the door (page, API,
    spreadsheet row): text bounded, numbers and dates read, the due date derived."""
    errors: dict = {}
    out = {key: clean_text(errors, key, data.get(key), n, required=req)
           for key, (n, req) in TEXT_FIELDS.items()}  # fmt: skip
    out["value"] = _decimal(errors, "value", data.get("value"))
    out["interval_months"] = _interval(errors, data.get("interval_months"))
    out["last_verified_on"] = _date(errors, "last_verified_on", data.get("last_verified_on"))
    out["due_on"] = _date(errors, "due_on", data.get("due_on"))
    use = data.get("use") or Use.OTHER
    if use not in Use.values:
        errors["use"] = [_("Choose a use from the list.")]
    out["use"] = use
    out["category"] = _category(errors, data.get("category"), categories)
    if out["category"] is not None and out["interval_months"] is None:
        out["interval_months"] = out["category"].interval_months
    if out["due_on"] is None and out["last_verified_on"] and out["interval_months"]:
        out["due_on"] = add_months(out["last_verified_on"], out["interval_months"])
    if out["due_on"] and out["last_verified_on"] and out["due_on"] < out["last_verified_on"]:
        errors["due_on"] = [_("The due date cannot be before the last verification.")]
    out["shared_with_center"] = bool(data.get("shared_with_center"))
    return out, errors


def _decimal(errors, field, value):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = [_("Enter a number.")]
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        errors[field] = [_("Enter a number.")]
        return None
    return number


def _interval(errors, value):
    if value in (None, ""):
        return None
    try:
        months = int(str(value).strip())
    except ValueError:
        errors["interval_months"] = [_("Enter a whole number of months.")]
        return None
    if not 1 <= months <= MAX_INTERVAL:
        errors["interval_months"] = [
            _("Enter between 1 and %(max)d months.") % {"max": MAX_INTERVAL}
        ]
        return None
    return months


def _date(errors, field, value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        errors[field] = [_("Enter a date as 2025-10-14.")]
        return None


def _category(errors, value, categories):
    if value in (None, ""):
        return None
    if isinstance(value, CompulsoryCategory):
        return value
    text = str(value).strip()[:100]
    found = (categories or {}).get(text) if categories is not None else None
    if found is None and categories is None:
        found = CompulsoryCategory.objects.filter(Q(name=text) | Q(number__iexact=text)).first()
    if found is None:
        errors["category"] = [
            _("Not in the compulsory verification catalogue: %(name)s") % {"name": text}
        ]
    return found


def create_instrument(*, actor, owner: Organisation, data: dict) -> Instrument:
    fields, errors = clean_fields(data)
    raise_if(errors)
    with transaction.atomic():
        instrument = Instrument.objects.create(owner=owner, created_by=actor, **fields)
        append_event(
            subject=f"instrument:{instrument.pk}",
            action="instrument.registered",
            actor=actor,
            payload={"name": instrument.name, "serial_number": instrument.serial_number},
        )
    return instrument


def import_rows(*, actor, owner: Organisation, rows: list[tuple[int, dict]]) -> int:
    """Every row or none: a ValidationError lists each bad row by its number and field."""
    categories = {c.name: c for c in CompulsoryCategory.objects.all()}
    categories.update({str(c.number): c for c in categories.copy().values()})
    made, problems = [], []
    for number, row in rows:
        fields, errors = clean_fields(row, categories=categories)
        for field, messages in errors.items():
            for message in messages:
                problems.append((number, field, str(message)))
        made.append(Instrument(owner=owner, created_by=actor, **fields))
    if problems:
        raise ValidationError(
            [
                ValidationError(
                    _("Row %(row)d, %(field)s: %(message)s"),
                    params={"row": n, "field": str(COLUMN_LABELS.get(f, f)), "message": m},
                )
                for n, f, m in problems
            ]
        )
    with transaction.atomic():
        Instrument.objects.bulk_create(made, batch_size=500)
        append_event(
            subject=f"register:{owner.pk}",
            action="instrument.imported",
            actor=actor,
            payload={"rows": len(made)},
        )
    return len(made)


def link_certificate(*, actor, instrument: Instrument, number: str) -> Instrument:
    """Take the last verification from a certificate of this platform issued to the owner."""
    certificate = (
        Certificate.objects.filter(number=number.strip()[:40], customer=instrument.owner)
        .select_related("job")
        .first()
    )
    if certificate is None:
        raise ValidationError(
            {
                "certificate_number": [
                    _("No certificate of this number was issued to your organisation.")
                ]
            }
        )
    job = certificate.job
    interval = job.interval_months or instrument.interval_months
    with transaction.atomic():
        instrument.last_certificate = certificate
        instrument.certificate_number = certificate.number
        instrument.last_verified_on = job.measured_on
        instrument.interval_months = interval
        instrument.due_on = certificate.valid_until or (
            add_months(job.measured_on, interval) if interval else instrument.due_on
        )
        instrument.last_result = (
            Instrument.Result.FAIL
            if certificate.kind == "verification_notice"
            else Instrument.Result.PASS
        )
        instrument.save()
        append_event(
            subject=f"instrument:{instrument.pk}",
            action="instrument.certificate_linked",
            actor=actor,
            payload={"certificate": certificate.number},
        )
    return instrument


# ------------------------------------------------------------------------------ filing


def file_instrument(*, actor, instrument: Instrument, site: Site) -> Instrument:
    """File (备案) a compulsory instrument at a site with the site's district bureau."""
    errors: dict = {}
    if site.owner_id != instrument.owner_id:
        raise Http404
    if instrument.category_id is None:
        errors["category"] = [
            _("Only instruments in the compulsory verification catalogue are filed.")
        ]
    if instrument.use not in COMPULSORY_USES:
        errors["use"] = [
            _(
                "Only instruments used for trade settlement, safety, health or environmental monitoring are filed."
            )
        ]
    raise_if(errors)
    with transaction.atomic():
        instrument.site = site
        instrument.filed_at = timezone.now()
        instrument.filed_district_id = site.district_id
        instrument.save(update_fields=["site", "filed_at", "filed_district"])
        append_event(
            subject=f"instrument:{instrument.pk}",
            action="instrument.filed",
            actor=actor,
            payload={"site": site.pk, "district": site.district.code},
        )
    return instrument


def create_site(
    *, actor, owner: Organisation, name: str, address: str, district: Jurisdiction
) -> Site:
    errors: dict = {}
    name = clean_text(errors, "name", name, 200, required=True)
    address = clean_text(errors, "address", address, 300)
    if district.level != Jurisdiction.Level.DISTRICT:
        errors["district"] = [_("Choose a district.")]
    raise_if(errors)
    with transaction.atomic():
        site = Site.objects.create(
            owner=owner, name=name, address=address, district=district,
            token=secrets.token_urlsafe(32),
        )  # fmt: skip
        append_event(subject=f"site:{site.pk}", action="site.created", actor=actor,
                     payload={"name": name, "district": district.code})  # fmt: skip
    return site


def district_summary(queryset: QuerySet[Instrument], on: dt.date) -> dict:
    soon = on + dt.timedelta(days=DUE_SOON_DAYS)
    return {
        "filed": queryset.count(),
        "due": queryset.filter(due_on__gte=on, due_on__lte=soon).count(),
        "overdue": queryset.filter(due_on__lt=on).count(),
    }


def site_by_token(token: str) -> Site:
    try:
        return Site.objects.select_related("owner", "district").get(token=token[:43])
    except Site.DoesNotExist:
        raise Http404 from None


# ------------------------------------------------------------------------------ reminders, calendar


def _members(organisation_id: int) -> QuerySet[User]:
    ids = RoleAssignment.objects.filter(organisation_id=organisation_id).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).exclude(email="")


def remind(*, on: dt.date | None = None, lead_days=REMINDER_DAYS) -> int:
    """E-mail an instrument's owners 30 and 7 days before it falls due, once each."""
    on = on or today()
    horizon = on + dt.timedelta(days=max(lead_days))
    sent = 0
    for instrument in Instrument.objects.filter(due_on__range=(on, horizon)).select_related(
        "owner"
    ):
        left = (instrument.due_on - on).days
        key = instrument.due_on.isoformat()
        pending = [
            n for n in lead_days if left <= n and f"{key}:{n}" not in instrument.reminders_sent
        ]
        if not pending:
            continue
        with transaction.atomic():
            instrument.reminders_sent = sorted(
                {*instrument.reminders_sent, *(f"{key}:{n}" for n in pending)}
            )
            instrument.save(update_fields=["reminders_sent"])
        sent += _mail_due(instrument)
    return sent


def _mail_due(instrument: Instrument) -> int:
    emails = list(_members(instrument.owner_id).values_list("email", flat=True))
    with translation.override("zh-hans"):
        subject = _("[Metrohub] Due on %(due)s: %(instrument)s") % {
            "due": instrument.due_on.isoformat(), "instrument": instrument,
        }  # fmt: skip
        body = "\n".join([
            _("%(instrument)s falls due for verification or calibration on %(due)s.")
            % {"instrument": instrument, "due": instrument.due_on.isoformat()},
            _("Find a center that can verify it:"),
            find_center_url(instrument),
        ])  # fmt: skip
    return sum(send_mail(subject, body, None, [email]) for email in emails)


def feed_of(owner: Organisation) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(
        owner=owner, defaults={"token": secrets.token_urlsafe(32)}
    )
    return feed


def ical(token: str) -> bytes:
    """The register's due dates as an iCalendar feed, one all-day event per instrument."""
    from icalendar import Calendar, Event

    feed = CalendarFeed.objects.filter(token=token[:43]).select_related("owner").first()
    if feed is None:
        raise Http404
    cal = Calendar()
    cal.add("prodid", "-//Metrohub//instruments//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{feed.owner.name} 计量器具到期")
    for instrument in Instrument.objects.filter(owner=feed.owner, due_on__isnull=False)[:5000]:
        event = Event()
        event.add("uid", f"instrument-{instrument.pk}@metrohub")
        event.add("summary", f"{instrument} 检定/校准到期")
        event.add("dtstart", instrument.due_on)
        event.add("dtend", instrument.due_on + dt.timedelta(days=1))
        event.add("dtstamp", timezone.now())
        cal.add_component(event)
    return cal.to_ical()


COLUMN_LABELS = {}  # filled by importing.py: field -> its Chinese column header


def check_owner(user, owner: Organisation) -> None:
    if owner_of(user).pk != owner.pk:
        raise PermissionDenied
