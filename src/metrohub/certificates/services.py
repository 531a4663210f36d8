"""Jobs from draft to issued certificate; amendment and revocation; verification lookups.

Every state change is one transaction with its event. The guards (guards.py) run at each
signature; the approver's signature issues the certificate: number, DCC XML validated against
the schema, detached signature, PDF, all or nothing.
"""

import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role
from metrohub.accounts.roles import assignments, holds
from metrohub.catalogue.models import CapabilityLine  # noqa: F401  (guards read it)
from metrohub.certificates import dcc, guards, keys, numbering, pdf, tallies, verification
from metrohub.certificates import points as pointlib
from metrohub.certificates.models import (
    Certificate,
    CertificateKind,
    Conformity,
    DecisionRule,
    Job,
    JobKind,
    Location,
    Point,
)
from metrohub.core.api import Conflict
from metrohub.core.bounds import clean_text, raise_if
from metrohub.eventlog.services import append_event
from metrohub.organisations.models import Organisation
from metrohub.standards.models import MeasurementStandard, Step
from metrohub.standards.scope import directed_centers, staffed_centers, visible_centers
from metrohub.standards.services import canonical_method
from metrohub.uncertainty import BudgetError, parse_budget

TEXT_FIELDS = {  # field: (max length, required)
    "instrument_name": (200, True),
    "instrument_model": (100, False),
    "serial_number": (100, False),
    "manufacturer": (200, False),
    "instrument_range": (200, False),
    "accuracy": (200, False),
    "measurand": (200, True),
    "method_code": (60, True),
    "method_title": (300, False),
    "place": (200, False),
    "environment_other": (300, False),
    "record_number": (60, False),
    "remarks": (2000, False),
    "amendment_reason": (500, False),
}
MAX_STANDARDS = 20


def today() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------ scope


def jobs_for(user) -> QuerySet[Job]:
    """Jobs (drafts included) of the centers where the user works."""
    return Job.objects.filter(center__in=staffed_centers(user)).select_related("center", "customer")


def certificates_for(user) -> QuerySet[Certificate]:
    """Issued certificates the user may read: their centers' and supervised centers', and those
    issued to an organisation the user belongs to (the customer's people)."""
    base = Certificate.objects.select_related("center", "customer", "job")
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    own = {a.organisation_id for a in assignments(user) if a.organisation_id}
    return base.filter(Q(center__in=visible_centers(user)) | Q(customer_id__in=own))


NEWEST = ("-issued_at", "-pk")


class NewestFirst:
    """The certificates of `queryset` newest first, for a paginator: a page is one walk of the
    (center, issued_at, id) index per center (or customer), each cut at the page's end, merged
    (UNION ALL, then only those few rows sorted), then its rows read by id. `center_id IN (…)` ordered by date would sort every certificate of the centers (millions)
    for 25. The paginator counts `queryset` itself (`order_by` is handed through)."""

    ordered = True

    def __init__(self, queryset: QuerySet[Certificate], field: str, values) -> None:
        self.queryset, self.field, self.values = queryset, field, sorted(set(values))

    def order_by(self, *fields) -> QuerySet[Certificate]:
        return self.queryset.order_by(*fields)

    def count(self) -> int:
        return self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            return self[key : key + 1][0]
        if not self.values:
            return []
        if (
            len(self.values) == 1
            or key.stop is None
            or not connection.features.supports_slicing_ordering_in_compound
        ):
            # one walk needs no merging; SQLite cannot cut the parts of a UNION (nor needs to)
            return list(self.queryset.order_by(*NEWEST)[key])
        walks = [
            self.queryset.filter(**{self.field: value})
            .order_by(*NEWEST)
            .values("pk", "issued_at")[: key.stop]
            for value in self.values
        ]
        merged = walks[0].union(*walks[1:], all=True).order_by(*NEWEST)
        ids = [row["pk"] for row in merged[key]]
        rows = self.queryset.order_by().in_bulk(ids)
        return [rows[pk] for pk in ids if pk in rows]


def newest_first(queryset: QuerySet[Certificate], field: str, values):
    """`queryset` as `NewestFirst` when it is in the default order (newest first); in any other
    order (by number, by validity) as it is."""
    if tuple(queryset.query.order_by) in ((), NEWEST, ("-issued_at", "-id")):
        return NewestFirst(queryset, field, values)
    return queryset


def customer_organisations(user) -> set[int]:
    """The organisations a person belongs to: certificates issued to them are theirs to read."""
    return {a.organisation_id for a in assignments(user) if a.organisation_id}


def customer_certificates(user) -> QuerySet[Certificate]:
    own = customer_organisations(user)
    return Certificate.objects.select_related("center", "customer", "job").filter(
        customer_id__in=own
    )


def get_job(user, pk: int) -> Job:
    try:
        return jobs_for(user).get(pk=pk)
    except Job.DoesNotExist:
        raise Http404 from None


def get_certificate(user, number: str) -> Certificate:
    try:
        return certificates_for(user).get(number=number)
    except Certificate.DoesNotExist:
        raise Http404 from None


def can_work(user, center) -> bool:
    return staffed_centers(user).filter(pk=center.pk).exists()


def can_revoke(user, certificate: Certificate) -> bool:
    return directed_centers(user).filter(pk=certificate.center_id).exists()


# ------------------------------------------------------------------------------ drafting


def _clean_job(data: dict, *, center, partial: bool) -> tuple[dict, list | None, list | None]:
    """(field values, standards or None, points or None); every problem at once."""
    errors: dict = {}
    out: dict = {}

    def given(name):
        return name in data or not partial

    for name, (limit, required) in TEXT_FIELDS.items():
        if given(name):
            out[name] = clean_text(errors, name, data.get(name), limit, required=required)
    if "method_code" in out and out["method_code"]:
        out["method_code"] = canonical_method(out["method_code"])
    choices = {"kind": JobKind, "location": Location, "decision_rule": DecisionRule}
    defaults = {"location": Location.LABORATORY, "decision_rule": DecisionRule.SIMPLE}
    for name, enum in choices.items():
        if given(name):
            value = data.get(name) or defaults.get(name)
            if value not in enum.values:
                errors.setdefault(name, []).append(_("Choose one of the listed values."))
            out[name] = value
    if given("customer"):
        out["customer"] = _customer(data.get("customer"), errors)
    for name, required in (("measured_on", True), ("received_on", False)):
        if given(name):
            value = data.get(name)
            if value is None and not required:
                out[name] = None
            elif not isinstance(value, dt.date):
                errors.setdefault(name, []).append(_("Enter a date."))
            elif value > today():
                errors.setdefault(name, []).append(_("The date cannot lie in the future."))
            else:
                out[name] = value
    _numbers(data, out, errors, given)
    if given("conformity_requested"):
        out["conformity_requested"] = bool(data.get("conformity_requested"))
    if given("budget"):
        out["budget"] = _budget(data.get("budget"), errors)
    standards = _standards(data["standards"], center, errors) if "standards" in data else None
    if not partial and standards is None:
        standards = []
    points = None
    if "points" in data or not partial:
        has_budget = bool(out.get("budget") if "budget" in out else data.get("_has_budget"))
        points = pointlib.clean_points(data.get("points", []), errors, has_budget=has_budget)
    raise_if(errors)
    return out, standards, points


def _customer(value, errors) -> Organisation | None:
    if isinstance(value, Organisation):
        return value
    try:
        return Organisation.objects.get(pk=int(value))
    except (TypeError, ValueError, Organisation.DoesNotExist):
        errors.setdefault("customer", []).append(_("Choose a registered organisation."))
        return None


def _numbers(data: dict, out: dict, errors: dict, given) -> None:
    bounds = {  # field: (lowest, highest, integer)
        "temperature": (Decimal(-60), Decimal(200), False),
        "humidity": (Decimal(0), Decimal(100), False),
        "interval_months": (1, 120, True),
        "guard_band_factor": (Decimal(0), Decimal(3), False),
    }
    for name, (low, high, integer) in bounds.items():
        if not given(name):
            continue
        value = data.get(name)
        if value in (None, ""):
            out[name] = Decimal(1) if name == "guard_band_factor" else None
            continue
        parsed = pointlib.parse_decimal(value)
        if parsed is None or (integer and parsed != parsed.to_integral_value()):
            errors.setdefault(name, []).append(_("Enter a number."))
        elif not low <= parsed <= high:
            errors.setdefault(name, []).append(
                _("Between %(low)s and %(high)s.") % {"low": low, "high": high}
            )
        else:
            out[name] = int(parsed) if integer else parsed.quantize(Decimal("0.01"))


def _budget(value, errors) -> dict | None:
    if value in (None, {}, ""):
        return None
    try:
        parse_budget(value)
    except BudgetError as exc:
        for path, message in exc.translated(get_language() or "zh-hans"):
            errors.setdefault(f"budget.{path}", []).append(message)
        return None
    return value


def _standards(value, center, errors) -> list:
    if not isinstance(value, list) or len(value) > MAX_STANDARDS:
        errors.setdefault("standards", []).append(
            _("Give at most %(limit)d standards.") % {"limit": MAX_STANDARDS}
        )
        return []
    ids = []
    for item in value:
        try:
            ids.append(int(item.pk if isinstance(item, MeasurementStandard) else item))
        except (TypeError, ValueError):
            errors.setdefault("standards", []).append(_("Choose the standards from the list."))
            return []
    found = list(MeasurementStandard.objects.filter(pk__in=ids, center=center))
    if len(found) != len(set(ids)):
        errors.setdefault("standards", []).append(_("Choose standards of this center."))
    return found


def _write_points(job: Job, points: list[dict]) -> None:
    errors: dict = {}
    pointlib.derive(points, budget=job.budget, errors=errors)
    raise_if(errors)
    job.points.all().delete()
    rows = []
    for data in points:
        point = Point(job=job, **{k: data[k] for k in pointlib.FIELDS}, position=data["position"])
        point.conformity = pointlib.conformity(
            data,
            kind=job.kind,
            rule=job.decision_rule,
            factor=job.guard_band_factor,
            requested=job.conformity_requested,
        )
        rows.append(point)
    Point.objects.bulk_create(rows)


def create_job(*, actor, center, data: dict) -> Job:
    """A draft job with its points (the customer, instrument, method, standards, environment)."""
    if not can_work(actor, center):
        raise PermissionDenied(_("Only the center's own people record its work."))
    fields, standards, points = _clean_job(data, center=center, partial=False)
    with transaction.atomic():
        job = Job.objects.create(center=center, created_by=actor, **fields)
        job.standards.set(standards)
        _write_points(job, points)
        append_event(
            subject=job.subject,
            action="job.drafted",
            actor=actor,
            payload={"center": center.code, "kind": job.kind, "points": len(points)},
        )
    return job


def update_job(*, actor, job: Job, data: dict) -> Job:
    """Change a draft; the points, when given, replace the earlier ones."""
    if not can_work(actor, job.center):
        raise PermissionDenied(_("Only the center's own people record its work."))
    data = {**data, "_has_budget": job.budget is not None}
    fields, standards, points = _clean_job(data, center=job.center, partial=True)
    with transaction.atomic():
        locked = Job.objects.select_for_update().get(pk=job.pk)
        if locked.state != Job.State.DRAFT:
            raise Conflict(_("Only a draft can change; this job has been signed."))
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save()
        if standards is not None:
            locked.standards.set(standards)
        if points is not None or "budget" in fields or "kind" in fields:
            _write_points(locked, points if points is not None else _existing(locked))
        append_event(
            subject=locked.subject,
            action="job.updated",
            actor=actor,
            payload={"fields": sorted(fields), "points": points is not None},
        )
    return locked


def _existing(job: Job) -> list[dict]:
    return [
        {**{k: getattr(p, k) for k in pointlib.FIELDS}, "position": p.position}
        for p in job.points.all()
    ]


# ------------------------------------------------------------------------------ signing


def check_guards(job: Job) -> dict[str, list[str]]:
    """Every offence of the capability, standards and points rules (empty when none)."""
    points = list(job.points.all())
    problems: dict[str, list[str]] = {}
    if not points:
        problems["points"] = [_("Record at least one point.")]
    for point in points:
        if job.kind == JobKind.VERIFICATION and not point.mpe:
            problems.setdefault(f"points[{point.position - 1}]", []).append(
                _("Point %(n)d: a verification states the maximum permissible error.")
                % {"n": point.position}
            )
    if job.kind == JobKind.VERIFICATION and not job.interval_months:
        problems["interval_months"] = [_("A verification states its interval (months).")]
    problems.update(guards.standards_problems(job))
    for field, messages in guards.capability_problems(job, points).items():
        problems.setdefault(field, []).extend(messages)
    return problems


def sign(*, actor, job: Job, on: dt.date | None = None) -> Job:
    """Give the job's next signature: performer, then checker, then approver (which issues)."""
    on = on or today()
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(of=("self",))
            .select_related("center", "customer", "performer", "checker")
            .get(pk=job.pk)
        )
        if not can_work(actor, job.center):
            raise PermissionDenied(_("Only the center's own people sign its work."))
        if job.state == Job.State.ISSUED:
            raise Conflict(_("This job is already issued."))
        problems = guards.people_problems(job, actor=actor, on=on)
        problems.update(check_guards(job))
        if problems:
            raise ValidationError(problems)
        step = guards.step_for(job)
        now = timezone.now()
        if step == Step.PERFORM:
            job.performer, job.performed_at, job.state = actor, now, Job.State.PERFORMED
        elif step == Step.CHECK:
            job.checker, job.checked_at, job.state = actor, now, Job.State.CHECKED
        else:
            job.approver, job.approved_at, job.state = actor, now, Job.State.ISSUED
        job.save()
        append_event(
            subject=job.subject,
            action=f"job.{job.state}",
            actor=actor,
            effective_date=on,
            payload={"step": step},
        )
        if job.state == Job.State.ISSUED:
            _issue(job, actor=actor, on=on)
    return job


def certificate_kind(job: Job, points) -> str:
    if job.kind == JobKind.VERIFICATION:
        conforming = all(p.conformity == Conformity.PASS for p in points)
        return (
            CertificateKind.VERIFICATION_CERTIFICATE
            if conforming
            else CertificateKind.VERIFICATION_NOTICE
        )
    return {
        JobKind.CALIBRATION: CertificateKind.CALIBRATION_CERTIFICATE,
        JobKind.TESTING: CertificateKind.TEST_REPORT,
        JobKind.MEASUREMENT: CertificateKind.MEASUREMENT_REPORT,
    }[job.kind]


def valid_until(job: Job, kind: str) -> dt.date | None:
    if kind != CertificateKind.VERIFICATION_CERTIFICATE or not job.interval_months:
        return None
    return job.measured_on + relativedelta(months=job.interval_months) - dt.timedelta(days=1)


def _issue(job: Job, *, actor, on: dt.date, render_pdf: bool = True) -> Certificate:
    points = list(job.points.all())
    kind = certificate_kind(job, points)
    replaced = None
    if job.replaces_id:
        replaced = Certificate.objects.select_for_update().get(pk=job.replaces_id)
        if replaced.status != Certificate.Status.VALID:
            raise Conflict(
                _("Certificate %(number)s is %(status)s and can no longer be amended.")
                % {"number": replaced.number, "status": replaced.get_status_display()}
            )
    year = on.year
    sequence = numbering.next_sequence(center=job.center, year=year)
    certificate = Certificate(
        job=job,
        center=job.center,
        customer=job.customer,
        number=numbering.format_number(job.center.code, year, sequence),
        year=year,
        sequence=sequence,
        kind=kind,
        token=secrets.token_urlsafe(32),
        issued_at=timezone.now(),
        valid_until=valid_until(job, kind),
        replaces=replaced,
    )
    xml = dcc.build(certificate, points=points)
    problems = dcc.validate(xml)
    if problems:
        raise ValidationError({"dcc": problems})
    key, signature = keys.sign(xml)
    certificate.signing_key, certificate.signature = key, signature
    certificate.xml_sha256 = hashlib.sha256(xml).hexdigest()
    certificate.xml.save(f"{certificate.number}.xml", ContentFile(xml), save=False)
    if render_pdf:
        attach_pdf(certificate, pdf.render(certificate, xml=xml, points=points))
    certificate.save()
    tallies.count_issued([certificate])
    if replaced is not None:
        replaced.status = Certificate.Status.SUPERSEDED
        replaced.save(update_fields=["status"])
        append_event(
            subject=replaced.subject,
            action="certificate.superseded",
            actor=actor,
            payload={"by": certificate.number},
        )
    append_event(
        subject=certificate.subject,
        action="certificate.issued",
        actor=actor,
        effective_date=on,
        article="Hubei art. 17",
        payload={
            "job": job.pk,
            "kind": kind,
            "xml_sha256": certificate.xml_sha256,
            "pdf_sha256": certificate.pdf_sha256,
            "key": key.key_id,
            "replaces": replaced.number if replaced else None,
        },
    )
    verification.store_at_issue(certificate)
    return certificate


def attach_pdf(certificate: Certificate, data: bytes) -> None:
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()
    certificate.pdf.save(f"{certificate.number}.pdf", ContentFile(data), save=False)


def ensure_pdf(certificate: Certificate) -> Certificate:
    """The PDF of a certificate issued without one (the demo world's), rendered once from its
    signed XML and kept, with its SHA-256, from then on."""
    if certificate.pdf:
        return certificate
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update()
            .select_related("job", "center")
            .get(pk=certificate.pk)
        )
        if not locked.pdf:
            xml = read_xml(locked)
            attach_pdf(locked, pdf.render(locked, xml=xml, points=list(locked.job.points.all())))
            locked.save(update_fields=["pdf", "pdf_sha256"])
    return locked


def read_xml(certificate: Certificate) -> bytes:
    with certificate.xml.open("rb") as handle:
        return handle.read()


def read_pdf(certificate: Certificate) -> bytes:
    certificate = ensure_pdf(certificate)
    with certificate.pdf.open("rb") as handle:
        return handle.read()


# ------------------------------------------------------------------------------ after issue


def revoke(*, actor, certificate: Certificate, reason: str) -> Certificate:
    if not can_revoke(actor, certificate):
        raise PermissionDenied(_("The center's director revokes its certificates."))
    errors: dict = {}
    reason = clean_text(errors, "reason", reason, 500, required=True)
    raise_if(errors)
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.status == Certificate.Status.REVOKED:
            raise Conflict(_("This certificate is already revoked."))
        locked.status = Certificate.Status.REVOKED
        locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), actor, reason
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        append_event(
            subject=locked.subject,
            action="certificate.revoked",
            actor=actor,
            payload={"reason": reason},
        )
    return locked


def amend(*, actor, certificate: Certificate, reason: str) -> Job:
    """A new draft copied from the certificate's job, naming the certificate it will replace."""
    if not can_work(actor, certificate.center):
        raise PermissionDenied(_("Only the center's own people record its work."))
    errors: dict = {}
    reason = clean_text(errors, "reason", reason, 500, required=True)
    raise_if(errors)
    if certificate.status != Certificate.Status.VALID:
        raise Conflict(
            _("Certificate %(number)s is %(status)s and can no longer be amended.")
            % {"number": certificate.number, "status": certificate.get_status_display()}
        )
    old = certificate.job
    with transaction.atomic():
        if Job.objects.filter(replaces=certificate, state__in=_OPEN_STATES).exists():
            raise Conflict(_("An amendment of this certificate is already being prepared."))
        job = Job.objects.get(pk=old.pk)
        standards = list(old.standards.all())
        job.pk = None
        job.state = Job.State.DRAFT
        job.replaces, job.amendment_reason = certificate, reason
        job.created_by = actor
        job.performer = job.checker = job.approver = None
        job.performed_at = job.checked_at = job.approved_at = None
        job.save()
        job.standards.set(standards)
        Point.objects.bulk_create(
            Point(**{**_point_fields(p), "job": job}) for p in old.points.all()
        )
        append_event(
            subject=job.subject,
            action="job.drafted",
            actor=actor,
            payload={"amends": certificate.number, "reason": reason},
        )
    return job


_OPEN_STATES = (Job.State.DRAFT, Job.State.PERFORMED, Job.State.CHECKED)


def _point_fields(point: Point) -> dict:
    return {
        f.name: getattr(point, f.name)
        for f in Point._meta.concrete_fields
        if f.name not in ("id", "job")
    }
