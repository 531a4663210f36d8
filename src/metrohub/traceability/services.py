"""Reverse traceability: recording a failed standard, computing what it affected, each center's
assessment of its certificates, each customer's notice and acknowledgement.

Each function that changes something runs in one transaction and appends to the event log.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metrohub.accounts.models import Role, RoleAssignment, User
from metrohub.accounts.roles import assignments, holds
from metrohub.certificates.models import Certificate
from metrohub.core.bounds import clean_text, raise_if
from metrohub.eventlog.services import append_event
from metrohub.standards.models import MeasurementStandard, StandardInstrument
from metrohub.standards.scope import staffed_centers, visible_centers
from metrohub.traceability import affected as affected_sql
from metrohub.traceability.models import (
    AffectedCertificate,
    Assessment,
    CustomerNotice,
    Incident,
)

MAX_EFFECT = 2000
MAX_REASON = 500


def today() -> dt.date:
    return timezone.localdate()


# ------------------------------------------------------------------------------ scope


def _own_organisations(user) -> set[int]:
    return {a.organisation_id for a in assignments(user) if a.organisation_id}


def keep_open_links(*, chain, user):
    """The chain with a link only on the records `user` may open: a customer reads its own
    certificate's chain, whose standards and upstream certificates belong to the centers, so
    their rows stay (names, numbers, validity) but are not offered as links that answer 403
    or 404. Two queries, whatever the chain's length."""
    from metrohub.certificates.services import certificates_for

    numbers = {n.number for n in chain.nodes if n.kind == "certificate" and n.url}
    standards = {_standard_pk(n) for n in chain.nodes if n.kind == "standard" and n.url}
    readable = set(
        certificates_for(user).filter(number__in=numbers).values_list("number", flat=True)
    )
    shown = set()
    if standards and user.has_perm("standards.view"):
        shown = set(
            MeasurementStandard.objects.filter(
                pk__in=standards, center__in=visible_centers(user)
            ).values_list("pk", flat=True)
        )
    for node in chain.nodes:
        closed = (node.kind == "certificate" and node.number not in readable) or (
            node.kind == "standard" and _standard_pk(node) not in shown
        )
        if closed:
            node.url = ""
    return chain


def _standard_pk(node) -> int:
    return int(node.id[1:].split("-", 1)[0])  # a standard's node is "s{pk}-{parent}"


def incidents_for(user) -> QuerySet[Incident]:
    """Incidents the user may open: of the centers they work at or supervise, those that affect
    certificates of their center, and those that notified their organisation."""
    base = Incident.objects.select_related("standard", "instrument", "center", "recorded_by")
    if holds(user, Role.PLATFORM_ADMIN):
        return base
    centers = visible_centers(user)
    return base.filter(
        Q(center__in=centers)
        | Q(affected__center__in=centers)
        | Q(notices__customer_id__in=_own_organisations(user))
    ).distinct()


def get_incident(user, pk: int) -> Incident:
    try:
        return incidents_for(user).get(pk=pk)
    except Incident.DoesNotExist:
        raise Http404 from None


def sees_everything(user, incident: Incident) -> bool:
    """The recording center's people and its supervisors see every affected certificate; others
    see those of their own center or issued to their own organisation."""
    return (
        holds(user, Role.PLATFORM_ADMIN)
        or visible_centers(user).filter(pk=incident.center_id).exists()
    )


def affected_rows(user, incident: Incident) -> QuerySet[AffectedCertificate]:
    rows = incident.affected.select_related(
        "certificate__job", "center", "customer", "via", "assessed_by"
    ).order_by("center__code", "customer__name", "certificate__number")
    if sees_everything(user, incident):
        return rows
    return rows.filter(
        Q(center__in=visible_centers(user)) | Q(customer_id__in=_own_organisations(user))
    )


def can_assess(user, row: AffectedCertificate) -> bool:
    return staffed_centers(user).filter(pk=row.center_id).exists()


def grouped(rows) -> list[dict]:
    """Rows grouped by center, then customer (rows come ordered that way)."""
    groups: dict = defaultdict(lambda: defaultdict(list))
    centers, customers = {}, {}
    for row in rows:
        centers[row.center_id] = row.center
        customers[row.customer_id] = row.customer
        groups[row.center_id][row.customer_id].append(row)
    return [
        {
            "center": centers[c],
            "customers": [
                {"customer": customers[k], "rows": items} for k, items in by_customer.items()
            ],
        }
        for c, by_customer in groups.items()
    ]


# ------------------------------------------------------------------------------ recording


def record_finding(
    *,
    actor,
    standard: MeasurementStandard,
    found_on: dt.date,
    last_good_on: dt.date,
    effect: str,
    cause: str = Incident.Cause.OUT_OF_TOLERANCE,
    instrument: StandardInstrument | None = None,
) -> Incident:
    """Record a standard (or one of its instruments) found out of tolerance or its certificate
    revoked; compute the affected set; notify the affected customers."""
    if not staffed_centers(actor).filter(pk=standard.center_id).exists():
        raise PermissionDenied(_("Only the standard's own center records a finding."))
    errors: dict = {}
    effect = clean_text(errors, "effect", effect, MAX_EFFECT, required=True)
    if cause not in Incident.Cause.values:
        errors["cause"] = [_("Choose a cause from the list.")]
    if last_good_on > found_on:
        errors["last_good_on"] = [
            _("The last good calibration cannot be later than the date found.")
        ]
    if found_on > today():
        errors["found_on"] = [_("The date found cannot be in the future.")]
    if instrument is not None and instrument.standard_id != standard.pk:
        errors["instrument"] = [_("The instrument is not part of this standard.")]
    raise_if(errors)
    with transaction.atomic():
        incident = Incident.objects.create(
            standard=standard, instrument=instrument, center_id=standard.center_id, cause=cause,
            found_on=found_on, last_good_on=last_good_on, effect=effect, recorded_by=actor,
        )  # fmt: skip
        count = _compute(incident)
        append_event(
            subject=incident.subject,
            action="incident.recorded",
            actor=actor,
            effective_date=found_on,
            payload={
                "standard": standard.pk,
                "instrument": instrument.pk if instrument else None,
                "cause": cause,
                "found_on": found_on.isoformat(),
                "last_good_on": last_good_on.isoformat(),
                "affected": count,
            },
        )
        _notify(incident, actor)
    return incident


def _compute(incident: Incident) -> int:
    found = affected_sql.affected(
        standard_id=incident.standard_id, since=incident.last_good_on, until=incident.found_on
    )
    owners = {
        pk: (center, customer)
        for pk, center, customer in Certificate.objects.filter(
            pk__in=[pk for pk, _, _ in found]
        ).values_list("pk", "center_id", "customer_id")
    }
    AffectedCertificate.objects.bulk_create(
        [
            AffectedCertificate(
                incident=incident,
                certificate_id=pk,
                depth=depth,
                via_id=via,
                center_id=owners[pk][0],
                customer_id=owners[pk][1],
            )  # fmt: skip
            for pk, depth, via in found
        ],
        batch_size=2000,
    )
    return len(found)


def _members(organisation_id: int) -> QuerySet[User]:
    ids = RoleAssignment.objects.filter(organisation_id=organisation_id).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True)


def _notify(incident: Incident, actor) -> None:
    now = timezone.now()
    counts = defaultdict(int)
    for customer_id in incident.affected.values_list("customer_id", flat=True):
        counts[customer_id] += 1
    for customer_id, count in sorted(counts.items()):
        emails = list(_members(customer_id).exclude(email="").values_list("email", flat=True))
        with translation.override("zh-hans"):
            subject = _("[Metrohub] A standard used for your certificates was found faulty")
            body = "\n".join(
                [
                    _(
                        "%(center)s found its standard %(standard)s faulty on %(date)s. "
                        "%(count)d of your certificates may be affected."
                    )
                    % {
                        "center": incident.center.name,
                        "standard": incident.standard.name,
                        "date": incident.found_on.isoformat(),
                        "count": count,
                    },
                    _("Open the incident and acknowledge it:"),
                    f"/traceability/incidents/{incident.pk}/",
                ]
            )
        for email in emails:
            send_mail(subject, body, None, [email])
        CustomerNotice.objects.create(
            incident=incident, customer_id=customer_id, notified_at=now, recipients=len(emails)
        )
        append_event(
            subject=incident.subject,
            action="incident.customer_notified",
            actor=actor,
            payload={"customer": customer_id, "certificates": count, "recipients": len(emails)},
        )


def assess(*, actor, row: AffectedCertificate, assessment: str, reason: str) -> AffectedCertificate:
    """The affected center's decision on one certificate, with its reason."""
    if not can_assess(actor, row):
        raise PermissionDenied(_("Only the certificate's own center assesses it."))
    errors: dict = {}
    reason = clean_text(errors, "reason", reason, MAX_REASON, required=True)
    if assessment not in (Assessment.NO_EFFECT, Assessment.REISSUE, Assessment.REVOKE):
        errors["assessment"] = [_("Choose an assessment from the list.")]
    raise_if(errors)
    with transaction.atomic():
        row = AffectedCertificate.objects.select_for_update().get(pk=row.pk)
        row.assessment, row.reason = assessment, reason
        row.assessed_by, row.assessed_at = actor, timezone.now()
        row.save(update_fields=["assessment", "reason", "assessed_by", "assessed_at"])
        append_event(
            subject=f"incident:{row.incident_id}",
            action="incident.assessed",
            actor=actor,
            payload={"certificate": row.certificate.number, "assessment": assessment,
                     "reason": reason},
        )  # fmt: skip
        _close_when_done(row.incident_id, actor)
    return row


def _close_when_done(incident_id: int, actor) -> None:
    pending = AffectedCertificate.objects.filter(
        incident_id=incident_id, assessment=Assessment.PENDING
    ).exists()
    unacknowledged = CustomerNotice.objects.filter(
        incident_id=incident_id, acknowledged_at__isnull=True
    ).exists()
    if pending or unacknowledged:
        return
    updated = Incident.objects.filter(pk=incident_id, state=Incident.State.OPEN).update(
        state=Incident.State.CLOSED
    )
    if updated:
        append_event(subject=f"incident:{incident_id}", action="incident.closed", actor=actor)


def notice_for(user, incident: Incident) -> CustomerNotice | None:
    return (
        incident.notices.filter(customer_id__in=_own_organisations(user))
        .select_related("customer", "acknowledged_by")
        .first()
    )


def acknowledge(*, actor, incident: Incident) -> CustomerNotice:
    """The customer's acknowledgement of the notice (once; a second changes nothing)."""
    notice = notice_for(actor, incident)
    if notice is None:
        raise PermissionDenied(_("Your organisation was not notified of this incident."))
    if notice.acknowledged_at is not None:
        return notice
    with transaction.atomic():
        notice.acknowledged_at, notice.acknowledged_by = timezone.now(), actor
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        append_event(
            subject=incident.subject,
            action="incident.acknowledged",
            actor=actor,
            payload={"customer": notice.customer_id},
        )
        _close_when_done(incident.pk, actor)
    return notice


def affected_counts(incident_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        AffectedCertificate.objects.filter(incident_id__in=incident_ids)
        .values_list("incident_id")
        .annotate(n=Count("pk"))
        .values_list("incident_id", "n")
    )
