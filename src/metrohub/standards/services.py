"""Measurement standards, their instruments' certificates and people's authorizations.

Each function that changes something runs in one transaction and appends to the event log.
Validity is always asked for a date: the measurement date of a job, or today for the flags.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrohub.accounts.models import RoleAssignment, User
from metrohub.catalogue.documents import DocumentCodeError, parse_document_code
from metrohub.core.bounds import clean_text, raise_if
from metrohub.eventlog.services import append_event
from metrohub.standards.models import (
    Authorization,
    InstrumentCertificate,
    MeasurementStandard,
    StandardInstrument,
    Step,
)
from metrohub.standards.scope import STAFF_ROLES, directed_centers, staffed_centers

DUE_SOON_DAYS = 30
REMINDER_DAYS = (30, 7)


def today() -> dt.date:
    return timezone.localdate()


def canonical_method(code: str) -> str:
    """`JJG52-2013` and `JJG 52—2013` are one method; in-house codes are kept as written."""
    try:
        return parse_document_code(code or "", year_required=False)
    except DocumentCodeError:
        return " ".join((code or "").split())


# ------------------------------------------------------------------------------ validity


class Flag:
    OK = "ok"
    DUE_SOON = "due_soon"
    EXPIRED = "expired"
    MISSING = "missing"

    ORDER = (OK, DUE_SOON, EXPIRED, MISSING)


FLAG_LABELS = {
    Flag.OK: gettext_lazy("in force"),
    Flag.DUE_SOON: gettext_lazy("falls due within 30 days"),
    Flag.EXPIRED: gettext_lazy("expired"),
    Flag.MISSING: gettext_lazy("no certificate"),
}


def flag_for(due: dt.date | None, on: dt.date) -> str:
    if due is None:
        return Flag.MISSING
    if due < on:
        return Flag.EXPIRED
    if (due - on).days <= DUE_SOON_DAYS:
        return Flag.DUE_SOON
    return Flag.OK


def _worst(flags) -> str:
    return max(flags, key=Flag.ORDER.index, default=Flag.OK)


def _counts(record: InstrumentCertificate) -> bool:
    # A revoked platform certificate no longer vouches for the instrument.
    cert = record.platform_certificate
    return cert is None or cert.status != "revoked"


def covering_certificate(instrument: StandardInstrument, on: dt.date):
    """The instrument's certificate in force on `on` (latest issued first), or None. Reads the
    prefetched `certificates` (with platform_certificate) when the caller prefetched them."""
    for record in instrument.certificates.all():  # ordered newest first
        if record.issued_on <= on <= record.due_on and _counts(record):
            return record
    return None


def latest_certificate(instrument: StandardInstrument):
    records = [r for r in instrument.certificates.all() if _counts(r)]
    return records[0] if records else None


@dataclass
class InstrumentStatus:
    instrument: StandardInstrument
    certificate: InstrumentCertificate | None
    flag: str

    @property
    def flag_label(self) -> str:
        return FLAG_LABELS[self.flag]


@dataclass
class StandardStatus:
    standard: MeasurementStandard
    exam_flag: str
    instruments: list[InstrumentStatus] = field(default_factory=list)

    @property
    def flag(self) -> str:
        if self.standard.status == MeasurementStandard.Status.RETIRED:
            return Flag.EXPIRED
        return _worst([self.exam_flag, *(i.flag for i in self.instruments)])

    @property
    def flag_label(self) -> str:
        return FLAG_LABELS[self.flag]

    @property
    def exam_flag_label(self) -> str:
        return FLAG_LABELS[self.exam_flag]


def status_of(standard: MeasurementStandard, on: dt.date | None = None) -> StandardStatus:
    """Flags as of `on` (today): the examination certificate and each instrument's latest one."""
    on = on or today()
    status = StandardStatus(standard, flag_for(standard.exam_valid_until, on))
    for instrument in standard.instruments.all():
        latest = latest_certificate(instrument)
        flag = flag_for(latest.due_on if latest else None, on)
        status.instruments.append(InstrumentStatus(instrument, latest, flag))
    return status


def with_details(queryset):
    """Standards with what status_of and problems_on read, in a fixed number of queries."""
    return queryset.select_related("center").prefetch_related(
        "instruments__certificates__platform_certificate"
    )


def problems_on(standard: MeasurementStandard, on: dt.date) -> list[str]:
    """Why the standard cannot be used for a measurement on `on` (empty when it can)."""
    problems = []
    if standard.status == MeasurementStandard.Status.RETIRED:
        problems.append(_("%(standard)s is retired.") % {"standard": standard.name})
    if standard.exam_valid_until < on:
        problems.append(
            _(
                "The examination certificate %(number)s of %(standard)s expired on %(date)s, "
                "before the measurement on %(on)s."
            )
            % {
                "number": standard.exam_certificate_number,
                "standard": standard.name,
                "date": standard.exam_valid_until.isoformat(),
                "on": on.isoformat(),
            }
        )
    instruments = list(standard.instruments.all())
    if not instruments:
        problems.append(_("%(standard)s has no standard instrument.") % {"standard": standard.name})
    for instrument in instruments:
        if covering_certificate(instrument, on) is None:
            problems.append(
                _("%(instrument)s of %(standard)s has no certificate in force on %(on)s.")
                % {"instrument": instrument, "standard": standard.name, "on": on.isoformat()}
            )
    return problems


# ------------------------------------------------------------------------------ standards


def _require(actor, center, centers_of, message) -> None:
    if not centers_of(actor).filter(pk=center.pk).exists():
        raise PermissionDenied(message)


def _standard_fields(data: dict, *, partial: bool = False) -> dict:
    errors: dict = {}
    limits = {
        "name": (200, True),
        "measurand": (200, True),
        "range_text": (200, False),
        "uncertainty": (200, False),
        "exam_certificate_number": (100, True),
    }
    out = {}
    for name, (limit, required) in limits.items():
        if name in data or not partial:
            out[name] = clean_text(errors, name, data.get(name), limit, required=required)
    if "exam_valid_until" in data or not partial:
        if not isinstance(data.get("exam_valid_until"), dt.date):
            errors.setdefault("exam_valid_until", []).append(_("Enter a date."))
        out["exam_valid_until"] = data.get("exam_valid_until")
    if "status" in data:
        if data["status"] not in MeasurementStandard.Status.values:
            errors.setdefault("status", []).append(_("Choose a valid status."))
        out["status"] = data["status"]
    raise_if(errors)
    return out


def create_standard(*, actor, center, **data) -> MeasurementStandard:
    _require(actor, center, staffed_centers, _("Only the center's own people keep its standards."))
    fields = _standard_fields(data)
    with transaction.atomic():
        standard = MeasurementStandard.objects.create(center=center, **fields)
        append_event(
            subject=f"standard:{standard.pk}",
            action="standard.created",
            actor=actor,
            payload={"center": center.code, **_jsonable(fields)},
        )
    return standard


def update_standard(*, actor, standard: MeasurementStandard, **data) -> MeasurementStandard:
    _require(
        actor,
        standard.center,
        staffed_centers,
        _("Only the center's own people keep its standards."),
    )
    fields = _standard_fields(data, partial=True)
    with transaction.atomic():
        for name, value in fields.items():
            setattr(standard, name, value)
        standard.save()
        append_event(
            subject=f"standard:{standard.pk}",
            action="standard.updated",
            actor=actor,
            payload=_jsonable(fields),
        )
    return standard


def add_instrument(*, actor, standard: MeasurementStandard, **data) -> StandardInstrument:
    _require(
        actor,
        standard.center,
        staffed_centers,
        _("Only the center's own people keep its standards."),
    )
    errors: dict = {}
    fields = {
        "name": clean_text(errors, "name", data.get("name"), 200, required=True),
        "model": clean_text(errors, "model", data.get("model"), 100),
        "serial_number": clean_text(errors, "serial_number", data.get("serial_number"), 100),
        "manufacturer": clean_text(errors, "manufacturer", data.get("manufacturer"), 200),
        "accuracy": clean_text(errors, "accuracy", data.get("accuracy"), 200),
    }
    raise_if(errors)
    with transaction.atomic():
        instrument = StandardInstrument.objects.create(standard=standard, **fields)
        append_event(
            subject=f"standard:{standard.pk}",
            action="standard.instrument_added",
            actor=actor,
            payload={"instrument": instrument.pk, **fields},
        )
    return instrument


def record_instrument_certificate(
    *,
    actor,
    instrument: StandardInstrument,
    platform_number: str = "",
    issuer: str = "",
    number: str = "",
    issued_on: dt.date | None = None,
    due_on: dt.date | None = None,
    uncertainty: str = "",
) -> InstrumentCertificate:
    """Record a calibration or verification of a standard instrument: a certificate of this
    platform given by its number (issuer and date are taken from it), or an external one."""
    standard = instrument.standard
    _require(
        actor,
        standard.center,
        staffed_centers,
        _("Only the center's own people keep its standards."),
    )
    errors: dict = {}
    platform_number = clean_text(errors, "platform_number", platform_number, 40)
    uncertainty = clean_text(errors, "uncertainty", uncertainty, 200)
    linked = None
    if platform_number:
        linked = _platform_certificate(errors, platform_number, instrument)
        if linked is not None:
            issuer, number = linked.center.name, linked.number
            issued_on = linked.job.measured_on
            due_on = due_on or linked.valid_until
    else:
        issuer = clean_text(errors, "issuer", issuer, 200, required=True)
        number = clean_text(errors, "number", number, 100, required=True)
        if not isinstance(issued_on, dt.date):
            errors.setdefault("issued_on", []).append(_("Enter a date."))
    if not isinstance(due_on, dt.date):
        errors.setdefault("due_on", []).append(_("Enter a date."))
    elif isinstance(issued_on, dt.date) and due_on < issued_on:
        errors.setdefault("due_on", []).append(_("The due date cannot precede the date."))
    raise_if(errors)
    with transaction.atomic():
        record = InstrumentCertificate.objects.create(
            instrument=instrument,
            platform_certificate=linked,
            issuer=issuer,
            number=number,
            issued_on=issued_on,
            due_on=due_on,
            uncertainty=uncertainty,
            recorded_by=actor,
        )
        append_event(
            subject=f"standard:{standard.pk}",
            action="standard.certificate_recorded",
            actor=actor,
            payload={
                "instrument": instrument.pk,
                "record": record.pk,
                "platform": bool(linked),
                "issuer": issuer,
                "number": number,
                "issued_on": issued_on.isoformat(),
                "due_on": due_on.isoformat(),
            },
        )
    return record


def _platform_certificate(errors: dict, number: str, instrument: StandardInstrument):
    from metrohub.certificates.models import Certificate

    found = Certificate.objects.select_related("center", "job").filter(number=number).first()
    if found is None:
        errors.setdefault("platform_number", []).append(
            _("No certificate numbered %(number)s was issued on this platform.")
            % {"number": number}
        )
        return None
    if found.status == Certificate.Status.REVOKED:
        errors.setdefault("platform_number", []).append(
            _("Certificate %(number)s has been revoked.") % {"number": number}
        )
    serial = found.job.serial_number
    if instrument.serial_number and serial and serial != instrument.serial_number:
        errors.setdefault("platform_number", []).append(
            _("Certificate %(number)s is for serial number %(serial)s, not %(ours)s.")
            % {"number": number, "serial": serial, "ours": instrument.serial_number}
        )
    if found.valid_until is None:
        # A calibration certificate states no validity: the center sets its own due date.
        pass
    return found


def _jsonable(fields: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}


# ------------------------------------------------------------------------------ authorizations


def center_people(center):
    """The people who work at the center (staff and director of its host organisation)."""
    ids = RoleAssignment.objects.filter(
        organisation_id=center.host_id, role__in=STAFF_ROLES
    ).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("username")


def grant_authorization(
    *,
    actor,
    center,
    person,
    method_code: str,
    may_perform: bool = False,
    may_check: bool = False,
    may_approve: bool = False,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    credential: str = "",
) -> Authorization:
    _require(actor, center, directed_centers, _("The center's director grants authorizations."))
    errors: dict = {}
    method_code = canonical_method(
        clean_text(errors, "method_code", method_code, 60, required=True)
    )
    credential = clean_text(errors, "credential", credential, 100)
    if not (may_perform or may_check or may_approve):
        errors.setdefault("may_perform", []).append(
            _("Authorize at least one of performing, checking and approving.")
        )
    if not isinstance(valid_from, dt.date):
        errors.setdefault("valid_from", []).append(_("Enter a date."))
    if not isinstance(valid_until, dt.date):
        errors.setdefault("valid_until", []).append(_("Enter a date."))
    elif isinstance(valid_from, dt.date) and valid_until < valid_from:
        errors.setdefault("valid_until", []).append(_("The end cannot precede the start."))
    if person is None or not center_people(center).filter(pk=person.pk).exists():
        errors.setdefault("person", []).append(_("Choose a person who works at this center."))
    raise_if(errors)
    with transaction.atomic():
        grant = Authorization.objects.create(
            center=center,
            person=person,
            method_code=method_code,
            may_perform=may_perform,
            may_check=may_check,
            may_approve=may_approve,
            valid_from=valid_from,
            valid_until=valid_until,
            credential=credential,
            granted_by=actor,
        )
        append_event(
            subject=f"authorization:{grant.pk}",
            action="authorization.granted",
            actor=actor,
            effective_date=valid_from,
            payload={
                "center": center.code,
                "person": person.pk,
                "method": method_code,
                "steps": grant.steps,
                "valid_from": valid_from.isoformat(),
                "valid_until": valid_until.isoformat(),
            },
        )
    return grant


def revoke_authorization(*, actor, authorization: Authorization, reason: str) -> Authorization:
    _require(
        actor,
        authorization.center,
        directed_centers,
        _("The center's director grants authorizations."),
    )
    errors: dict = {}
    reason = clean_text(errors, "reason", reason, 500, required=True)
    raise_if(errors)
    if authorization.revoked_at is not None:
        raise ValidationError({"reason": [_("This authorization is already revoked.")]})
    with transaction.atomic():
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = actor
        authorization.revoke_reason = reason
        authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        append_event(
            subject=f"authorization:{authorization.pk}",
            action="authorization.revoked",
            actor=actor,
            payload={"reason": reason},
        )
    return authorization


def authorization_for(*, center, person, method_code: str, step: str, on: dt.date):
    """The person's authorization for this step of this method on that day, or None."""
    flag = {Step.PERFORM: "may_perform", Step.CHECK: "may_check", Step.APPROVE: "may_approve"}[step]
    return (
        Authorization.objects.filter(
            center=center,
            person=person,
            method_code=canonical_method(method_code),
            valid_from__lte=on,
            valid_until__gte=on,
            revoked_at__isnull=True,
            **{flag: True},
        )
        .order_by("-valid_until")
        .first()
    )


# ------------------------------------------------------------------------------ reminders


def remind(*, on: dt.date | None = None, lead_days=REMINDER_DAYS) -> int:
    """E-mail a center's people before an examination certificate or an instrument's certificate
    falls due, once per due date and lead time; running it twice sends nothing twice."""
    on = on or today()
    horizon = on + dt.timedelta(days=max(lead_days))
    sent = 0
    due_standards = MeasurementStandard.objects.filter(
        status=MeasurementStandard.Status.IN_SERVICE, exam_valid_until__range=(on, horizon)
    ).select_related("center")
    for standard in due_standards:
        sent += _remind_once(standard, standard.exam_valid_until, on, lead_days, standard.center)
    due_records = InstrumentCertificate.objects.filter(
        due_on__range=(on, horizon),
        instrument__standard__status=MeasurementStandard.Status.IN_SERVICE,
    ).select_related("instrument__standard__center")
    for record in due_records:
        newer = record.instrument.certificates.filter(due_on__gt=record.due_on).exists()
        if not newer:
            sent += _remind_once(
                record, record.due_on, on, lead_days, record.instrument.standard.center
            )
    return sent


def _remind_once(obj, due: dt.date, on: dt.date, lead_days, center) -> int:
    left = (due - on).days
    pending = [n for n in lead_days if 0 <= left <= n and f"{due}:{n}" not in obj.reminders_sent]
    if not pending:
        return 0
    with transaction.atomic():
        obj.reminders_sent = sorted({*obj.reminders_sent, *(f"{due}:{n}" for n in pending)})
        obj.save(update_fields=["reminders_sent"])
    return _mail_due(obj, due, center)


def _mail_due(obj, due: dt.date, center) -> int:
    emails = list(center_people(center).exclude(email="").values_list("email", flat=True))
    if not emails:
        return 0
    with translation.override("zh-hans"):
        if isinstance(obj, MeasurementStandard):
            what = _("the examination certificate %(number)s of %(standard)s") % {
                "number": obj.exam_certificate_number,
                "standard": obj.name,
            }
            standard = obj
        else:
            what = _("the certificate %(number)s of %(instrument)s") % {
                "number": obj.number,
                "instrument": obj.instrument,
            }
            standard = obj.instrument.standard
        subject = _("[Metrohub] Due on %(due)s: %(what)s") % {"due": due.isoformat(), "what": what}
        body = "\n".join(
            [
                _("%(what)s falls due on %(due)s (%(center)s).")
                % {"what": what, "due": due.isoformat(), "center": center.name},
                _("Arrange its recalibration or re-examination in time."),
                reverse("standards:detail", args=[standard.pk]),
            ]
        )
    return sum(send_mail(subject, body, None, [email]) for email in emails)
